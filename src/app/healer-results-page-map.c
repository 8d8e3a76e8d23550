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
  const char *certainty[] = { _("Certain"), _("Uncertain"), NULL };
  const char * const *names;

  if (results == NULL || projection == NULL)
    {
      healer_scatter_chart_set_points (self->scatter_chart, NULL, 0, NULL, NULL, NULL);
      return;
    }

  /* The choices that need labels are insensitive for an unlabelled file
   * (see _healer_results_page_update_colours); this is the safety net. */
  if (!labelled && (by == COLOUR_TRUE || by == COLOUR_CORRECT))
    by = COLOUR_PREDICTED;

  labels = _healer_results_page_class_labels (results);
  names = by == COLOUR_CORRECT ? correctness : by == COLOUR_UNCERTAIN ? certainty : labels;
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
        case COLOUR_UNCERTAIN:
          category[i] = healer_results_get_uncertain (results, row) ? 1 : 0;
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

/* Whether the picture shown is the one the dropdowns ask for. */
static gboolean
choice_shown (HealerResultsPage *self)
{
  HealerProjection *p = self->projection;

  return p != NULL &&
         (p->method == HEALER_PROJECTION_TSNE) == (gtk_drop_down_get_selected (self->method_dropdown) == 1) &&
         (p->space == HEALER_PROJECTION_SPACE_INPUT) == (gtk_drop_down_get_selected (self->space_dropdown) == 1);
}

static void
mark_stale (HealerResultsPage *self,
            gboolean           stale)
{
  gtk_widget_set_opacity (GTK_WIDGET (self->scatter_chart), stale ? 0.3 : 1.0);
  gtk_widget_set_sensitive (GTK_WIDGET (self->scatter_chart), !stale);
}

/* The dropdowns name what the picture shows again (after a layout was
 * cancelled or failed, the old picture is the one on screen). */
static void
show_choice_of_projection (HealerResultsPage *self)
{
  if (self->projection == NULL)
    return;
  self->keep_choice = TRUE;
  gtk_drop_down_set_selected (self->method_dropdown,
                              self->projection->method == HEALER_PROJECTION_TSNE ? 1 : 0);
  gtk_drop_down_set_selected (self->space_dropdown,
                              self->projection->space == HEALER_PROJECTION_SPACE_INPUT ? 1 : 0);
  self->keep_choice = FALSE;
}

void
_healer_results_page_set_projecting (HealerResultsPage *self,
                gboolean           projecting)
{
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), projecting);
  gtk_widget_set_visible (GTK_WIDGET (self->projection_progress), projecting);
  gtk_widget_set_visible (GTK_WIDGET (self->projection_label), !projecting);
  /* While a new layout is computed the old picture stays, faded and inert,
   * and the bar says it is out of date: never a picture of one method
   * under the name of another (issue 16). */
  mark_stale (self, projecting && self->projection != NULL && !choice_shown (self));
  gtk_progress_bar_set_text (self->projection_progress,
                             self->projection != NULL && !choice_shown (self)
                             ? _("Laying out again: the map below is out of date")
                             : _("Laying out the samples…"));
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
      show_choice_of_projection (self);
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
  /* A new layout has new axes: a zoom into the old one means nothing. */
  healer_chart_reset_zoom (HEALER_CHART (self->scatter_chart));
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
  /* The map shown is the one asked for: nothing to do again. */
  if (!choice_shown (self))
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

/* ---- the map's dropdowns ---- */

/* Which colour choices fit the results shown, and why not. */
static gboolean
colour_applies (HealerResultsPage  *self,
                guint               position,
                const char        **why)
{
  gboolean labelled = self->results == NULL || healer_results_has_true_labels (self->results);

  if ((position == COLOUR_TRUE || position == COLOUR_CORRECT) && !labelled)
    {
      *why = _("The diagnosed file has no label column, so there is no labelled class to show");
      return FALSE;
    }
  return TRUE;
}

/* The button shows the chosen item over all the others, hidden: it is as
 * wide as the widest, so the controls after it (Lay Out) stay where they
 * are when the choice changes, in every language. */
static void
button_setup_cb (GtkSignalListItemFactory *factory,
                 GtkListItem              *item,
                 GtkDropDown              *dropdown)
{
  GListModel *model = gtk_drop_down_get_model (dropdown);
  GtkWidget *stack = gtk_stack_new ();

  gtk_stack_set_hhomogeneous (GTK_STACK (stack), TRUE);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      GtkWidget *label = gtk_label_new (gtk_string_list_get_string (GTK_STRING_LIST (model), i));

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_stack_add_child (GTK_STACK (stack), label);
    }
  gtk_list_item_set_child (item, stack);
}

static void
button_bind_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                GtkDropDown              *dropdown)
{
  GtkWidget *label = gtk_widget_get_first_child (gtk_list_item_get_child (item));

  for (guint i = 0; label != NULL && i < gtk_list_item_get_position (item); i++)
    label = gtk_widget_get_next_sibling (label);
  if (label != NULL)
    gtk_stack_set_visible_child (GTK_STACK (gtk_list_item_get_child (item)), label);
}

static void
list_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_list_item_set_child (item, label);
}

/* An item that cannot apply is shown, insensitive, with the reason as its
 * tooltip, and cannot be chosen by pointer or keyboard. */
static void
list_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              HealerResultsPage        *self)
{
  GtkWidget *label = gtk_list_item_get_child (item);
  GtkStringObject *string = gtk_list_item_get_item (item);
  GtkDropDown *dropdown = g_object_get_data (G_OBJECT (factory), "dropdown");
  const char *why = NULL;
  gboolean applies = TRUE;

  if (dropdown == self->colour_dropdown)
    applies = colour_applies (self, gtk_list_item_get_position (item), &why);
  gtk_label_set_label (GTK_LABEL (label), gtk_string_object_get_string (string));
  gtk_widget_set_sensitive (label, applies);
  gtk_widget_set_tooltip_text (label, applies ? NULL : why);
  gtk_list_item_set_activatable (item, applies);
  gtk_list_item_set_selectable (item, applies);
}

static void
set_factories (HealerResultsPage *self,
               GtkDropDown       *dropdown)
{
  g_autoptr(GtkListItemFactory) button = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkListItemFactory) list = gtk_signal_list_item_factory_new ();

  g_signal_connect (button, "setup", G_CALLBACK (button_setup_cb), dropdown);
  g_signal_connect (button, "bind", G_CALLBACK (button_bind_cb), dropdown);
  g_object_set_data (G_OBJECT (list), "dropdown", dropdown);
  g_signal_connect (list, "setup", G_CALLBACK (list_setup_cb), NULL);
  g_signal_connect (list, "bind", G_CALLBACK (list_bind_cb), self);
  gtk_drop_down_set_factory (dropdown, button);
  gtk_drop_down_set_list_factory (dropdown, list);
}

void
_healer_results_page_map_init (HealerResultsPage *self)
{
  set_factories (self, self->method_dropdown);
  set_factories (self, self->space_dropdown);
  set_factories (self, self->colour_dropdown);
  gtk_progress_bar_set_show_text (self->projection_progress, TRUE);
}

/* New results: the colour choices that cannot apply to them go grey, and
 * one of them that was chosen falls back to the diagnosed class. */
void
_healer_results_page_update_colours (HealerResultsPage *self)
{
  GListModel *model = gtk_drop_down_get_model (self->colour_dropdown);
  guint n = g_list_model_get_n_items (model);
  const char *why;

  /* Binds the popup's rows again with the new state; the selection keeps
   * its item, which is the same object. */
  g_list_model_items_changed (model, 0, n, n);
  if (!colour_applies (self, gtk_drop_down_get_selected (self->colour_dropdown), &why))
    gtk_drop_down_set_selected (self->colour_dropdown, COLOUR_PREDICTED);
}

/* Another method or space was chosen: lay the samples out again at once;
 * the old picture is marked out of date meanwhile. */
void
_healer_results_page_layout_choice_changed (HealerResultsPage *self)
{
  if (self->keep_choice || self->results == NULL)
    return;
  if (self->projection_cancellable != NULL)
    {
      /* Its result is dropped when it lands (another cancellable). */
      g_cancellable_cancel (self->projection_cancellable);
      g_clear_object (&self->projection_cancellable);
    }
  _healer_results_page_start_projection (self);
}
