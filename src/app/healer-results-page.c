/* healer-results-page.c — the diagnoses of a batch as charts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-drift-details.h"
#include "healer-page.h"

#include "healer-results-page-private.h"
#include "healer-wrap-box.h"

static void healer_results_page_page_iface_init (HealerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HealerResultsPage, healer_results_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (HEALER_TYPE_PAGE, healer_results_page_page_iface_init))

enum {
  PROP_0,
  PROP_SESSION,
  PROP_DIAGNOSE_MODEL,
  PROP_PROJECTING,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The model a new diagnosis would be made with: results are judged
 * against it, and "Diagnose Again" uses it (through the Diagnose page). */
static HealerModel *
current_model (HealerResultsPage *self)
{
  if (self->diagnose_model_set)
    return self->diagnose_model;
  return self->session != NULL ? healer_session_get_model (self->session) : NULL;
}

static gboolean
healer_results_page_get_busy_now (HealerResultsPage *self)
{
  return self->projection_cancellable != NULL;
}

/* Notifies "busy" when the page's work started or ended since the last
 * call: called wherever a cancellable of the page is set or cleared. */
void
_healer_results_page_update_busy (HealerResultsPage *self)
{
  gboolean busy = healer_results_page_get_busy_now (self);

  if (busy == self->busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static gboolean
healer_results_page_page_cancel (HealerPage *page)
{
  return healer_results_page_cancel (HEALER_RESULTS_PAGE (page));
}

static void
healer_results_page_page_iface_init (HealerPageInterface *iface)
{
  iface->cancel = healer_results_page_page_cancel;
}

/* The charts the page shows, as its dropdown names them: the order of the
 * buttons and of the chart stack's pages. */
static const char *chart_kinds[] = { N_("Bars"), N_("Pie"), N_("Map"), N_("Confusion") };

/* Class names of @results, NULL-terminated; free with g_free (strings are
 * borrowed from @results). */
const char **
_healer_results_page_class_labels (HealerResults *results)
{
  guint n = healer_results_get_n_classes (results);
  const char **labels = g_new0 (const char *, n + 1);

  for (guint k = 0; k < n; k++)
    labels[k] = healer_results_get_class_name (results, k);
  return labels;
}

static void
fill_counts (HealerResultsPage *self)
{
  HealerResults *results = self->results;
  guint n = healer_results_get_n_classes (results);
  guint rows = healer_results_get_n_rows (results);
  gboolean labelled = healer_results_has_true_labels (results);
  g_autofree const char **labels = _healer_results_page_class_labels (results);
  g_autofree double *counts = g_new0 (double, n);
  gboolean uncertain = healer_results_get_n_uncertain (results) > 0;
  g_autofree double *uncertain_counts = g_new0 (double, n);
  g_autofree double *true_counts = g_new0 (double, n);
  g_autofree double *grouped = g_new0 (double, 3 * (gsize) n);
  g_autofree guint64 *confusion = g_new0 (guint64, (gsize) n * n);
  const char *groups[4] = { NULL };
  guint n_groups = 0;

  for (guint k = 0; k < n; k++)
    counts[k] = healer_results_get_class_count (results, k);

  for (guint r = 0; r < rows; r++)
    {
      int t = healer_results_get_true_class (results, r);
      guint predicted = healer_results_get_predicted (results, r);

      if (healer_results_get_uncertain (results, r))
        uncertain_counts[predicted] += 1;
      if (t >= 0)
        {
          true_counts[t] += 1;
          confusion[(gsize) t * n + predicted] += 1;
        }
    }

  /* Per class: how many were diagnosed, how many of those are uncertain
   * (issue 15: where the operator has to look again) and, with labels,
   * how many truly are; one bar a class when that is all there is. */
  groups[n_groups++] = _("Diagnosed");
  if (uncertain)
    groups[n_groups++] = _("Of them uncertain");
  if (labelled)
    groups[n_groups++] = _("Labelled");
  for (guint k = 0; k < n; k++)
    {
      guint g = 0;

      grouped[(gsize) k * n_groups + g++] = counts[k];
      if (uncertain)
        grouped[(gsize) k * n_groups + g++] = uncertain_counts[k];
      if (labelled)
        grouped[(gsize) k * n_groups + g++] = true_counts[k];
    }
  if (n_groups > 1)
    healer_bar_chart_set_data (self->bar_chart, labels, n, groups, n_groups, grouped);
  else
    healer_bar_chart_set_data (self->bar_chart, labels, n, NULL, 1, counts);
  healer_pie_chart_set_data (self->pie_chart, labels, counts, n);
  healer_confusion_chart_set_matrix (self->confusion_chart, confusion, n, labels);

  gtk_widget_set_visible (GTK_WIDGET (self->confusion_button), labelled);
  if (!labelled && gtk_toggle_button_get_active (self->confusion_button))
    gtk_toggle_button_set_active (self->bar_button, TRUE);
  /* The dropdown offers what the buttons do: the confusion matrix, the
   * last item, only with labels (the bars are chosen before it goes). */
  if (labelled && g_list_model_get_n_items (G_LIST_MODEL (self->chart_kinds)) < G_N_ELEMENTS (chart_kinds))
    gtk_string_list_append (self->chart_kinds, _(chart_kinds[G_N_ELEMENTS (chart_kinds) - 1]));
  else if (!labelled && g_list_model_get_n_items (G_LIST_MODEL (self->chart_kinds)) == G_N_ELEMENTS (chart_kinds))
    gtk_string_list_remove (self->chart_kinds, G_N_ELEMENTS (chart_kinds) - 1);
}

/* Drift first (it says why diagnoses may be wrong), else how many are
 * uncertain, else that neither is the case. */
static char *
dup_note (HealerResults *results)
{
  guint n_rows = healer_results_get_n_rows (results);
  guint n_uncertain = healer_results_get_n_uncertain (results);

  if (healer_results_has_drift (results))
    return g_strdup_printf (_("Drift: %s. Diagnoses that rely on these KPIs may be wrong."),
                            healer_results_get_drift_summary (results));
  if (n_uncertain > 0)
    /* Translators: "37 of 2000 diagnoses are uncertain (2 %)…" */
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u of %u diagnoses is uncertain (%.0f %%): check it before acting on it.",
                                         "%u of %u diagnoses are uncertain (%.0f %%): check them before acting on them.",
                                         n_uncertain),
                            n_uncertain, n_rows, 100.0 * n_uncertain / MAX (n_rows, 1));
  return g_strdup (_("No diagnosis is uncertain and no KPI has drifted from the training data."));
}

static char *
dup_subtitle (HealerResults *results)
{
  guint n_rows = healer_results_get_n_rows (results);
  char *subtitle;

  /* Translators: "2000 samples diagnosed · 37 uncertain" */
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u sample diagnosed · %u uncertain",
                                           "%u samples diagnosed · %u uncertain", n_rows),
                              n_rows, healer_results_get_n_uncertain (results));
  /* Which model made them (the Diagnose page marks them when it is gone). */
  if (healer_results_get_model (results) != NULL)
    {
      g_autofree char *name = healer_results_dup_model_name (results);
      char *with_model = g_strdup_printf (_("%s · by %s"), subtitle, name);

      g_free (subtitle);
      subtitle = with_model;
    }
  return subtitle;
}

char *
_healer_results_page_dup_caption (HealerResultsPage *self)
{
  HealerModel *model = current_model (self);
  g_autofree char *subtitle = NULL;
  g_autofree char *note = NULL;
  g_autofree char *stale = NULL;
  GString *caption;

  if (self->results == NULL)
    return NULL;
  subtitle = dup_subtitle (self->results);
  note = dup_note (self->results);
  stale = healer_results_dup_staleness_text (self->results, model);
  caption = g_string_new (NULL);
  if (healer_results_get_source_name (self->results) != NULL)
    /* Translators: the title of an exported chart; %s is the data file */
    g_string_append_printf (caption, _("Diagnoses of “%s”"), healer_results_get_source_name (self->results));
  else
    g_string_append (caption, _("Diagnoses"));
  /* What must not be lost first: a caption too high for a small picture
   * loses its last lines. */
  if (stale != NULL)
    g_string_append_printf (caption, "\n%s", stale);
  g_string_append_printf (caption, "\n%s\n%s", note, subtitle);
  return g_string_free (caption, FALSE);
}

/* The file, its counts and the model that made the diagnoses, named as it
 * is now: saving that model gives it a file name. */
static void
show_subtitle (HealerResultsPage *self)
{
  HealerResults *results = self->results;
  g_autofree char *subtitle = NULL;
  g_autofree char *note = NULL;

  if (results == NULL)
    return;
  gtk_label_set_label (self->title_label, healer_results_get_source_name (results));
  subtitle = dup_subtitle (results);
  gtk_label_set_label (self->subtitle_label, subtitle);
  note = dup_note (results);
  gtk_label_set_label (self->note_label, note);
  gtk_widget_set_visible (GTK_WIDGET (self->drift_button),
                          healer_results_has_drift (results) && healer_results_get_drift (results) != NULL);
  /* Drift is a warning; uncertainty or neither, a remark. */
  if (healer_results_has_drift (results))
    gtk_widget_add_css_class (GTK_WIDGET (self->note_label), "warning");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->note_label), "warning");
}

/* Results the model loaded now would not give (another model, another
 * coverage) are marked, with the way to diagnose the file again. */
static void
update_stale (HealerResultsPage *self)
{
  HealerModel *model = current_model (self);
  g_autofree char *text = NULL;

  if (self->results != NULL)
    text = healer_results_dup_staleness_text (self->results, model);
  if (text != NULL)
    gtk_label_set_label (self->stale_label, text);
  gtk_revealer_set_reveal_child (self->stale_revealer, text != NULL);
  _healer_results_page_update_actions (self);
}

static void
drift_details_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  HealerResultsPage *self = HEALER_RESULTS_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  const HealerDriftReport *report = self->results != NULL ? healer_results_get_drift (self->results) : NULL;

  if (report == NULL)
    return;
  gtk_window_present (healer_drift_details_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, report,
                                                healer_results_get_drift_summary (self->results)));
}

static void
diagnose_again_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  HealerResultsPage *self = HEALER_RESULTS_PAGE (widget);
  GFile *source = self->results != NULL ? healer_results_get_source (self->results) : NULL;
  g_autofree char *uri = NULL;

  if (source == NULL)
    return;
  uri = g_file_get_uri (source);
  gtk_widget_activate_action (widget, "win.diagnose-file", "s", uri);
}

static void
show_results (HealerResultsPage *self,
              HealerResults     *results)
{
  if (healer_results_page_cancel (self))
    {
      g_clear_object (&self->projection_cancellable);
      _healer_results_page_set_projecting (self, FALSE);
    }
  g_set_object (&self->results, results);
  g_clear_pointer (&self->projection, healer_projection_free);
  g_clear_pointer (&self->projection_rows, g_free);
  gtk_label_set_label (self->projection_label, "");
  _healer_results_page_update_colours (self);

  update_stale (self);
  if (results == NULL)
    {
      gtk_stack_set_visible_child_name (self->state_stack, "empty");
      _healer_results_page_fill_scatter (self);
      _healer_results_page_update_actions (self);
      return;
    }

  show_subtitle (self);
  fill_counts (self);
  _healer_results_page_fill_scatter (self);
  gtk_stack_set_visible_child_name (self->state_stack, "results");
  _healer_results_page_update_actions (self);

  /* Have a map ready when the user turns to it: t-SNE of a few thousand
   * samples takes seconds, PCA less, and both run on a worker. */
  _healer_results_page_start_projection (self);
}

static void
session_results_cb (HealerResultsPage *self)
{
  show_results (self, healer_session_get_results (self->session));
}

static void
session_class_names_cb (HealerResultsPage *self)
{
  if (self->results == NULL)
    return;
  fill_counts (self);
  _healer_results_page_fill_scatter (self);
}

/* The chart buttons, in the order of chart_kinds[]. */
static GtkToggleButton *
chart_button (HealerResultsPage *self,
              guint              kind)
{
  GtkToggleButton *buttons[] = { self->bar_button, self->pie_button, self->scatter_button,
                                 self->confusion_button };

  return kind < G_N_ELEMENTS (buttons) ? buttons[kind] : NULL;
}

static void
chart_toggled_cb (HealerResultsPage *self,
                  GtkToggleButton   *button)
{
  static const char *pages[] = { "bar", "pie", "scatter", "confusion" };

  if (!gtk_toggle_button_get_active (button))
    return;
  for (guint kind = 0; kind < G_N_ELEMENTS (pages); kind++)
    if (chart_button (self, kind) == button)
      {
        gtk_stack_set_visible_child_name (self->chart_stack, pages[kind]);
        /* Setting what it shows already does nothing: no loop. */
        gtk_drop_down_set_selected (self->chart_dropdown, kind);
      }
}

static void
chart_selected_cb (HealerResultsPage *self)
{
  GtkToggleButton *button = chart_button (self, gtk_drop_down_get_selected (self->chart_dropdown));

  if (button != NULL)
    gtk_toggle_button_set_active (button, TRUE);
}

static void
colour_changed_cb (HealerResultsPage *self)
{
  _healer_results_page_fill_scatter (self);
}

static void
go_to_diagnose_cb (HealerResultsPage *self)
{

  healer_page_show_page (GTK_WIDGET (self), "diagnose");
}

void
_healer_results_page_update_actions (HealerResultsPage *self)
{
  gboolean have = self->results != NULL;
  HealerModel *model = current_model (self);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.export-chart", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.copy-chart", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.project",
                                 have && self->projection_cancellable == NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.cancel-projection",
                                 self->projection_cancellable != NULL);
  /* Again with the model loaded now: there must be one, and the file. */
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "results.diagnose-again",
                                 have && model != NULL && healer_results_get_source (self->results) != NULL &&
                                 healer_results_get_staleness (self->results, model) != HEALER_RESULTS_CURRENT);
}

static void
healer_results_page_dispose (GObject *object)
{
  HealerResultsPage *self = (HealerResultsPage *)object;

  if (self->projection_cancellable != NULL)
    g_cancellable_cancel (self->projection_cancellable);
  g_clear_object (&self->projection_cancellable);
  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  /* The bin's child is a bound template child: dispose_template() unparents
   * it behind AdwBin's back, and AdwBin's own dispose would then unparent a
   * dangling pointer (a critical when the window closes). */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_RESULTS_PAGE);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->chart_kinds);
  g_clear_object (&self->session);
  g_clear_pointer (&self->diagnose_model, healer_model_unref);
  g_clear_object (&self->results);
  g_clear_pointer (&self->projection, healer_projection_free);
  g_clear_pointer (&self->projection_rows, g_free);

  G_OBJECT_CLASS (healer_results_page_parent_class)->dispose (object);
}

static void
healer_results_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HealerResultsPage *self = HEALER_RESULTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_DIAGNOSE_MODEL:
      g_value_set_boxed (value, current_model (self));
      break;

    case PROP_PROJECTING:
      g_value_set_boolean (value, self->projection_cancellable != NULL);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, healer_results_page_get_busy_now (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_results_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HealerResultsPage *self = HEALER_RESULTS_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      healer_results_page_set_session (self, g_value_get_object (value));
      break;

    case PROP_DIAGNOSE_MODEL:
      {
        HealerModel *model = g_value_get_boxed (value);

        self->diagnose_model_set = TRUE;
        if (model != self->diagnose_model)
          {
            g_clear_pointer (&self->diagnose_model, healer_model_unref);
            self->diagnose_model = model != NULL ? healer_model_ref (model) : NULL;
            update_stale (self);
            g_object_notify_by_pspec (object, pspec);
          }
      }
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_results_page_class_init (HealerResultsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_results_page_dispose;
  object_class->get_property = healer_results_page_get_property;
  object_class->set_property = healer_results_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         HEALER_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* The model diagnoses are made with now: the window binds it to the
   * Diagnose page's "model". Unset, the session's model. */
  properties[PROP_DIAGNOSE_MODEL] =
    g_param_spec_boxed ("diagnose-model", NULL, NULL,
                        HEALER_TYPE_MODEL,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* TRUE while samples are being laid out (tests wait on it). */
  properties[PROP_PROJECTING] =
    g_param_spec_boolean ("projecting", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* HealerPage's: TRUE while the page's own work runs (see cancel()). */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HEALER_TYPE_BAR_CHART);
  g_type_ensure (HEALER_TYPE_PIE_CHART);
  g_type_ensure (HEALER_TYPE_SCATTER_CHART);
  g_type_ensure (HEALER_TYPE_CONFUSION_CHART);
  g_type_ensure (HEALER_TYPE_WRAP_BOX);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-results-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, state_stack);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, stale_revealer);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, stale_label);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, rerun_button);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, note_label);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, drift_button);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, bar_button);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, pie_button);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, scatter_button);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, confusion_button);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, chart_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, chart_stack);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, results_scroll);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, bar_chart);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, pie_chart);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, scatter_chart);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, confusion_chart);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, method_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, space_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, colour_dropdown);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, compute_button);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, projection_progress);
  gtk_widget_class_bind_template_child (widget_class, HealerResultsPage, projection_label);
  gtk_widget_class_bind_template_callback (widget_class, chart_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, chart_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, colour_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, go_to_diagnose_cb);
  gtk_widget_class_bind_template_callback_full (widget_class, "layout_choice_cb",
                                                G_CALLBACK (_healer_results_page_layout_choice_changed));
  gtk_widget_class_bind_template_callback_full (widget_class, "cell_activated_cb",
                                                G_CALLBACK (_healer_results_page_cell_activated));
  gtk_widget_class_bind_template_callback_full (widget_class, "point_activated_cb",
                                                G_CALLBACK (_healer_results_page_point_activated));

  gtk_widget_class_install_action (widget_class, "results.diagnose-again", NULL, diagnose_again_action);
  gtk_widget_class_install_action (widget_class, "results.drift-details", NULL, drift_details_action);
  _healer_results_page_export_actions_init (widget_class);
  _healer_results_page_map_actions_init (widget_class);
}

/* Where the chart fills the view the wheel zooms it; where the page
 * scrolls (a window too short for the chart and the controls above it),
 * the plain wheel is the page's, as on the other pages, and Ctrl+wheel
 * zooms: a chart under the pointer must not trap the page (issue 16, 5). */
static void
results_scroll_changed_cb (HealerResultsPage *self,
                           GtkAdjustment     *adjustment)
{
  gboolean scrolls = gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_lower (adjustment)
                     > gtk_adjustment_get_page_size (adjustment) + 0.5;
  GdkModifierType modifier = scrolls ? GDK_CONTROL_MASK : 0;

  healer_chart_set_zoom_modifier (HEALER_CHART (self->bar_chart), modifier);
  healer_chart_set_zoom_modifier (HEALER_CHART (self->scatter_chart), modifier);
}

static void
healer_results_page_init (HealerResultsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (gtk_scrolled_window_get_vadjustment (self->results_scroll), "changed",
                           G_CALLBACK (results_scroll_changed_cb), self, G_CONNECT_SWAPPED);
  self->chart_kinds = gtk_string_list_new (NULL);
  for (guint kind = 0; kind < G_N_ELEMENTS (chart_kinds); kind++)
    gtk_string_list_append (self->chart_kinds, _(chart_kinds[kind]));
  gtk_drop_down_set_model (self->chart_dropdown, G_LIST_MODEL (self->chart_kinds));
  /* Connected while the page views a session, retargeted with it. */
  self->session_signals = g_signal_group_new (HEALER_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::results",
                                 G_CALLBACK (session_results_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "class-names-changed",
                                 G_CALLBACK (session_class_names_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::model-file",
                                 G_CALLBACK (show_subtitle), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::model",
                                 G_CALLBACK (update_stale), self, G_CONNECT_SWAPPED);
  _healer_results_page_map_init (self);
  _healer_results_page_update_actions (self);
}

HealerSession *
healer_results_page_get_session (HealerResultsPage *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS_PAGE (self), NULL);

  return self->session;
}

void
healer_results_page_set_session (HealerResultsPage *self,
                                 HealerSession     *session)
{
  g_return_if_fail (HEALER_IS_RESULTS_PAGE (self));
  g_return_if_fail (!session || HEALER_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  g_signal_group_set_target (self->session_signals, session);
  show_results (self, session ? healer_session_get_results (session) : NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
healer_results_page_cancel (HealerResultsPage *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS_PAGE (self), FALSE);

  if (self->projection_cancellable == NULL)
    return FALSE;
  g_cancellable_cancel (self->projection_cancellable);
  return TRUE;
}


void
_healer_results_page_notify_projecting (HealerResultsPage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROJECTING]);
  _healer_results_page_update_busy (self);
}
