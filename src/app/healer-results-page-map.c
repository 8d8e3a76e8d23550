/* healer-results-page-map.c — the diagnosed samples laid out in 2-D
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-page.h"

#include "healer-results-page-private.h"
#include "healer-results-projection.h"

/* Category of each point for the colour choice, and the category names. */
void
_healer_results_page_fill_scatter (HealerResultsPage *self)
{
  HealerResults *results = self->results;
  HealerProjection *projection = self->projection;
  ColourBy by = gtk_drop_down_get_selected (self->colour_dropdown);
  gboolean labelled = results != NULL && healer_results_has_true_labels (results);
  g_autofree const char **labels = NULL;
  g_autofree guint *category = NULL;
  g_autofree const char **ids = NULL;
  const char *correctness[] = { _("Right"), _("Wrong"), _("Unlabelled"), NULL };
  const char * const *names;

  if (results == NULL || projection == NULL)
    {
      healer_scatter_chart_set_points (self->scatter_chart, NULL, 0, NULL, NULL, NULL);
      return;
    }

  if (!labelled && by != COLOUR_PREDICTED)
    by = COLOUR_PREDICTED;

  labels = _healer_results_page_class_labels (results);
  names = by == COLOUR_CORRECT ? correctness : labels;
  category = g_new (guint, MAX (projection->n_rows, 1));
  ids = g_new0 (const char *, projection->n_rows + 1);
  for (gsize i = 0; i < projection->n_rows; i++)
    {
      guint row = (guint) self->projection_rows[i];
      int truth = healer_results_get_true_class (results, row);
      guint predicted = healer_results_get_predicted (results, row);

      ids[i] = healer_results_get_sample_id (results, row);
      switch (by)
        {
        case COLOUR_TRUE:
          /* Rows whose label is not a class of the model: their diagnosis. */
          category[i] = truth >= 0 ? (guint) truth : predicted;
          break;
        case COLOUR_CORRECT:
          category[i] = truth < 0 ? 2 : (guint) truth == predicted ? 0 : 1;
          break;
        case COLOUR_PREDICTED:
        default:
          category[i] = predicted;
          break;
        }
    }

  healer_scatter_chart_set_points (self->scatter_chart, projection->xy, projection->n_rows,
                                   category, names, ids);
  if (projection->method == HEALER_PROJECTION_PCA)
    healer_scatter_chart_set_titles (self->scatter_chart, _("First principal component"),
                                     _("Second principal component"));
  else
    healer_scatter_chart_set_titles (self->scatter_chart, _("t-SNE x"), _("t-SNE y"));
}

void
_healer_results_page_set_projecting (HealerResultsPage *self,
                gboolean           projecting)
{
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), projecting);
  gtk_widget_set_visible (GTK_WIDGET (self->projection_progress), projecting);
  gtk_widget_set_visible (GTK_WIDGET (self->projection_label), !projecting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->method_dropdown), !projecting);
  gtk_widget_set_sensitive (GTK_WIDGET (self->space_dropdown), !projecting);
  _healer_results_page_update_actions (self);
  _healer_results_page_notify_projecting (self);
}

static void
projection_progress_cb (double   fraction,
                        gpointer user_data)
{
  HealerResultsPage *self = user_data;

  gtk_progress_bar_set_fraction (self->projection_progress, CLAMP (fraction, 0.0, 1.0));
}

static void
describe_projection (HealerResultsPage *self)
{
  HealerProjection *p = self->projection;
  g_autofree char *text = NULL;
  guint rows = self->results ? healer_results_get_n_rows (self->results) : 0;

  if (p == NULL)
    text = g_strdup ("");
  else if (p->method == HEALER_PROJECTION_PCA)
    /* Translators: %zu points of %u samples; %.0f %% of the variance. */
    text = g_strdup_printf (_("%zu of %u samples · the axes hold %.0f %% of the variance"),
                            p->n_rows, rows,
                            100.0 * (p->explained_variance[0] + p->explained_variance[1]));
  else
    text = g_strdup_printf (_("%zu of %u samples · distances between groups are not to scale"),
                            p->n_rows, rows);
  gtk_label_set_label (self->projection_label, text);
}

static void
projection_done_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(HealerResultsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree gsize *rows = NULL;
  HealerProjection *projection;

  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  projection = healer_results_projection_finish (result, &rows, &error);
  /* A job of results that were replaced meanwhile: drop it quietly. */
  if (cancellable != self->projection_cancellable)
    {
      g_clear_pointer (&projection, healer_projection_free);
      return;
    }
  g_clear_object (&self->projection_cancellable);
  _healer_results_page_set_projecting (self, FALSE);

  if (projection == NULL)
    {

      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_label_set_label (self->projection_label, error->message);
      healer_page_toast (GTK_WIDGET (self), _("The samples could not be laid out"));
      return;
    }

  g_clear_pointer (&self->projection, healer_projection_free);
  g_clear_pointer (&self->projection_rows, g_free);
  self->projection = projection;
  self->projection_rows = g_steal_pointer (&rows);
  /* The job read the whole file on a worker: what malloc kept of it goes
   * back once the task is gone. */
  if (self->session != NULL)
    healer_session_give_back_memory (self->session);
  describe_projection (self);
  _healer_results_page_fill_scatter (self);
}

void
_healer_results_page_start_projection (HealerResultsPage *self)
{
  HealerModel *model = self->session ? healer_session_get_model (self->session) : NULL;
  GFile *source = self->results ? healer_results_get_source (self->results) : NULL;
  HealerProjectionConfig config;

  if (self->projection_cancellable != NULL || self->results == NULL)
    return;

  /* The map is drawn through the model's eyes: without the model that
   * diagnosed the samples, or their file, there is nothing to lay out. */
  if (model == NULL || source == NULL ||
      model->n_classes != healer_results_get_n_classes (self->results))
    {
      gtk_label_set_label (self->projection_label,
                           source == NULL
                           ? _("The map needs the file the samples came from")
                           : _("The map needs the model that diagnosed these samples"));
      return;
    }

  healer_projection_config_init_default (&config);
  config.method = gtk_drop_down_get_selected (self->method_dropdown) == 1
    ? HEALER_PROJECTION_TSNE : HEALER_PROJECTION_PCA;
  config.space = gtk_drop_down_get_selected (self->space_dropdown) == 1
    ? HEALER_PROJECTION_SPACE_INPUT : HEALER_PROJECTION_SPACE_HIDDEN;

  self->projection_cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (self->projection_progress, 0.0);
  _healer_results_page_set_projecting (self, TRUE);
  healer_results_projection_run (model, source, &config, self->projection_cancellable,
                                 projection_progress_cb, self,
                                 projection_done_cb, g_object_ref (self));
}


void
_healer_results_page_point_activated (HealerResultsPage *self,
                                      guint64            index)
{
  g_autofree char *message = NULL;
  guint row;

  if (self->results == NULL || self->projection == NULL || index >= self->projection->n_rows)
    return;

  row = (guint) self->projection_rows[index];
  /* Translators: "Sample node3-0142: class 2, confidence 93 %" */
  message = g_strdup_printf (_("Sample %s: %s, confidence %.0f %%%s"),
                             healer_results_get_sample_id (self->results, row),
                             healer_results_get_class_name (self->results,
                                                            healer_results_get_predicted (self->results, row)),
                             100.0 * healer_results_get_confidence (self->results, row),
                             healer_results_get_uncertain (self->results, row) ? _(" (uncertain)") : "");
  healer_page_toast (GTK_WIDGET (self), message);
}


static void
project_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *param)
{
  _healer_results_page_start_projection (HEALER_RESULTS_PAGE (widget));
}

static void
cancel_projection_action (GtkWidget  *widget,
                          const char *action_name,
                          GVariant   *param)
{
  healer_results_page_cancel (HEALER_RESULTS_PAGE (widget));
}


void
healer_results_page_show_map (HealerResultsPage *self)
{
  g_return_if_fail (HEALER_IS_RESULTS_PAGE (self));

  gtk_toggle_button_set_active (self->scatter_button, TRUE);
  _healer_results_page_start_projection (self);
}


gsize
healer_results_page_get_n_mapped (HealerResultsPage *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS_PAGE (self), 0);

  return self->projection != NULL ? self->projection->n_rows : 0;
}

void
_healer_results_page_map_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "results.project", NULL, project_action);
  gtk_widget_class_install_action (widget_class, "results.cancel-projection", NULL, cancel_projection_action);
}
