/* healer-train-summary.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "healer-train-summary.h"

/* The confusion chart is written in parallel with this page; until it
 * lands, a grid of counts says the same thing less prettily. */
#if __has_include("healer-confusion-chart.h")
# include "healer-confusion-chart.h"
# define HAVE_CONFUSION_CHART 1
#endif

struct _HealerTrainSummary
{
  AdwBin                parent_instance;

  HealerModel          *model;

  /* Template widgets */
  AdwActionRow         *status_row;
  GtkImage             *status_icon;
  AdwActionRow         *accuracy_row;
  GtkLabel             *accuracy_label;
  AdwActionRow         *f1_row;
  GtkLabel             *f1_label;
  AdwActionRow         *run_row;
  AdwActionRow         *estimate_row;
  GtkLabel             *estimate_label;
  GtkButton            *estimate_button;
  GtkButton            *estimate_cancel_button;
  AdwPreferencesGroup  *classes_group;
  GtkGrid              *class_grid;
  GtkScrolledWindow    *class_scroller;
  AdwPreferencesGroup  *confusion_group;
  AdwBin               *confusion_bin;
};

G_DEFINE_FINAL_TYPE (HealerTrainSummary, healer_train_summary, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_MODEL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ESTIMATE,
  CANCEL_ESTIMATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
estimate_clicked_cb (HealerTrainSummary *self)
{
  g_signal_emit (self, signals[ESTIMATE], 0);
}

static void
estimate_cancel_clicked_cb (HealerTrainSummary *self)
{
  g_signal_emit (self, signals[CANCEL_ESTIMATE], 0);
}

static const HealerMetrics *
model_metrics (HealerModel *model,
               gboolean    *on_validation)
{
  *on_validation = model != NULL && model->validation_metrics != NULL;
  if (model == NULL)
    return NULL;
  return model->validation_metrics != NULL ? model->validation_metrics : model->train_metrics;
}

static char *
status_text (HealerModel *model)
{
  switch (model->status)
    {
    case HEALER_TRAIN_COMPLETED:
      return g_strdup (_("Completed: every epoch ran"));

    case HEALER_TRAIN_EARLY_STOPPED:
      return g_strdup_printf (_("Stopped early: no improvement for %u epochs, so the weights of the best epoch (%u) were kept"),
                              model->config.patience, model->best_epoch);

    case HEALER_TRAIN_CANCELLED:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Cancelled: the best model so far was kept (%u network trained)",
                                           "Cancelled: the best model so far was kept (%u networks trained)",
                                           model->n_members),
                              model->n_members);

    case HEALER_TRAIN_DIVERGED:
      return g_strdup (_("Diverged: the loss became infinite and the best weights before that were kept; "
                         "try a lower learning rate"));

    default:
      return g_strdup (_("Unknown"));
    }
}

static GtkWidget *
cell (const char *text,
      float       xalign,
      const char *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), xalign);
  gtk_widget_add_css_class (label, "kpi-value");
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  return label;
}

static void
clear_grid (GtkGrid *grid)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);
}

static void
fill_class_table (HealerTrainSummary  *self,
                  const HealerMetrics *metrics)
{
  const char *headers[] = { _("Class"), _("Precision"), _("Recall"), _("F1"), _("Support") };

  clear_grid (self->class_grid);
  for (guint c = 0; c < G_N_ELEMENTS (headers); c++)
    gtk_grid_attach (self->class_grid, cell (headers[c], c == 0 ? 0.0 : 1.0, "heading"), c, 0, 1, 1);

  for (guint k = 0; k < metrics->n_classes; k++)
    {
      g_autofree char *precision = g_strdup_printf ("%.3f", metrics->precision[k]);
      g_autofree char *recall = g_strdup_printf ("%.3f", metrics->recall[k]);
      g_autofree char *f1 = g_strdup_printf ("%.3f", metrics->f1[k]);
      g_autofree char *support = g_strdup_printf ("%zu", metrics->support[k]);
      /* The weakest classes are what an operator must know about. */
      const char *f1_class = metrics->support[k] > 0 && metrics->f1[k] < 0.8 ? "warning" : NULL;

      gtk_grid_attach (self->class_grid, cell (self->model->class_names[k], 0.0, NULL), 0, k + 1, 1, 1);
      gtk_grid_attach (self->class_grid, cell (precision, 1.0, NULL), 1, k + 1, 1, 1);
      gtk_grid_attach (self->class_grid, cell (recall, 1.0, NULL), 2, k + 1, 1, 1);
      gtk_grid_attach (self->class_grid, cell (f1, 1.0, f1_class), 3, k + 1, 1, 1);
      gtk_grid_attach (self->class_grid, cell (support, 1.0, "dim-label"), 4, k + 1, 1, 1);
    }
}

/* The per-class table and the confusion matrix scroll sideways in a narrow
 * window, inside a page that scrolls up and down. GtkScrolledWindow stops
 * every wheel event while it can scroll either way, so over them the wheel
 * would no longer move the page (issue 16): its scroll controller is made
 * to see sideways motion only, and vertical motion bubbles up to the page. */
static void
pass_vertical_wheel (GtkScrolledWindow *scrolled)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (GTK_WIDGET (scrolled));

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);
      GtkEventControllerScrollFlags flags;

      if (!GTK_IS_EVENT_CONTROLLER_SCROLL (c))
        continue;
      flags = gtk_event_controller_scroll_get_flags (GTK_EVENT_CONTROLLER_SCROLL (c));
      gtk_event_controller_scroll_set_flags (GTK_EVENT_CONTROLLER_SCROLL (c),
                                             (flags & ~GTK_EVENT_CONTROLLER_SCROLL_VERTICAL)
                                             | GTK_EVENT_CONTROLLER_SCROLL_HORIZONTAL);
    }
}

static void
fill_confusion (HealerTrainSummary  *self,
                const HealerMetrics *metrics)
{
  guint n = metrics->n_classes;
#ifdef HAVE_CONFUSION_CHART
  g_autofree guint64 *counts = g_new (guint64, (gsize) n * n);
  GtkWidget *chart = healer_confusion_chart_new ();

  for (gsize i = 0; i < (gsize) n * n; i++)
    counts[i] = metrics->confusion[i];
  healer_confusion_chart_set_matrix (HEALER_CONFUSION_CHART (chart), counts, n,
                                     (const char * const *) self->model->class_names);
  GtkWidget *scroller = gtk_scrolled_window_new ();

  gtk_widget_set_size_request (chart, -1, 120 + 36 * n);
  gtk_accessible_update_property (GTK_ACCESSIBLE (chart),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Confusion matrix"),
                                  -1);
  /* Many classes in a narrow window: scroll sideways rather than squeeze
   * the cells until the counts no longer fit. */
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_AUTOMATIC, GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), chart);
  pass_vertical_wheel (GTK_SCROLLED_WINDOW (scroller));
  adw_bin_set_child (self->confusion_bin, scroller);
#else
  GtkWidget *frame = gtk_frame_new (NULL);
  GtkGrid *grid = GTK_GRID (gtk_grid_new ());

  gtk_grid_set_column_spacing (grid, 18);
  gtk_grid_set_row_spacing (grid, 6);
  gtk_widget_set_margin_top (GTK_WIDGET (grid), 12);
  gtk_widget_set_margin_bottom (GTK_WIDGET (grid), 12);
  gtk_widget_set_margin_start (GTK_WIDGET (grid), 12);
  gtk_widget_set_margin_end (GTK_WIDGET (grid), 12);
  gtk_grid_attach (grid, cell (_("True ↓  Predicted →"), 0.0, "dim-label"), 0, 0, 1, 1);
  for (guint j = 0; j < n; j++)
    gtk_grid_attach (grid, cell (self->model->class_names[j], 1.0, "heading"), j + 1, 0, 1, 1);
  for (guint i = 0; i < n; i++)
    {
      gtk_grid_attach (grid, cell (self->model->class_names[i], 0.0, "heading"), 0, i + 1, 1, 1);
      for (guint j = 0; j < n; j++)
        {
          g_autofree char *count = g_strdup_printf ("%zu", metrics->confusion[(gsize) i * n + j]);
          gsize value = metrics->confusion[(gsize) i * n + j];

          gtk_grid_attach (grid,
                           cell (count, 1.0, i == j ? "success" : value > 0 ? "error" : "dim-label"),
                           j + 1, i + 1, 1, 1);
        }
    }
  gtk_frame_set_child (GTK_FRAME (frame), GTK_WIDGET (grid));
  gtk_widget_add_css_class (frame, "view");
  adw_bin_set_child (self->confusion_bin, frame);
#endif
}

static void
update (HealerTrainSummary *self)
{
  HealerModel *model = self->model;
  const HealerMetrics *metrics;
  gboolean on_validation;
  g_autofree char *status = NULL;
  g_autofree char *accuracy = NULL;
  g_autofree char *f1 = NULL;
  g_autofree char *accuracy_detail = NULL;
  g_autofree char *run = NULL;
  gboolean good;

  adw_bin_set_child (self->confusion_bin, NULL);
  clear_grid (self->class_grid);
  if (model == NULL)
    return;

  metrics = model_metrics (model, &on_validation);

  status = status_text (model);
  adw_action_row_set_subtitle (self->status_row, status);
  good = model->status == HEALER_TRAIN_COMPLETED || model->status == HEALER_TRAIN_EARLY_STOPPED;
  gtk_image_set_from_icon_name (self->status_icon, good ? "emblem-ok-symbolic" : "dialog-warning-symbolic");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status_icon), good ? "warning" : "success");
  gtk_widget_add_css_class (GTK_WIDGET (self->status_icon), good ? "success" : "warning");

  if (metrics != NULL)
    {
      accuracy = g_strdup_printf ("%.1f %%", 100.0 * metrics->accuracy);
      f1 = g_strdup_printf ("%.3f", metrics->macro_f1);
      if (on_validation)
        accuracy_detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "Diagnosed correctly, of %zu validation row the model never trained on",
                                                        "Diagnosed correctly, of %zu validation rows the model never trained on",
                                                        metrics->n_samples),
                                           metrics->n_samples);
      else
        accuracy_detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                        "Diagnosed correctly, of the %zu training row; optimistic, as the model learned from it",
                                                        "Diagnosed correctly, of the %zu training rows; optimistic, as the model learned from them",
                                                        metrics->n_samples),
                                           metrics->n_samples);
    }
  else
    {
      accuracy = g_strdup ("—");
      f1 = g_strdup ("—");
      accuracy_detail = g_strdup (_("Not measured: the run was cancelled before the final pass over the training rows"));
    }
  /* The out-of-fold estimate in place of the training-row figures,
   * which stay in the per-class table below, titled as such. */
  if (model->estimate != NULL)
    {
      const HealerEstimate *e = model->estimate;

      g_free (accuracy);
      g_free (f1);
      g_free (accuracy_detail);
      accuracy = g_strdup_printf ("%.1f %%", 100.0 * e->accuracy);
      f1 = g_strdup_printf ("%.3f", e->macro_f1);
      accuracy_detail = g_strdup_printf (_("Diagnosed correctly, of %zu rows each predicted by a "
                                           "model of %u-fold cross-fitting that never saw it"),
                                         e->n_rows, e->n_folds);
    }
  gtk_label_set_text (self->accuracy_label, accuracy);
  gtk_label_set_text (self->f1_label, f1);
  adw_action_row_set_subtitle (self->accuracy_row, accuracy_detail);
  if (model->estimate != NULL)
    adw_action_row_set_subtitle (self->f1_row,
                                 _("F1 averaged over the classes, out of fold; 1 is perfect"));
  else
    adw_action_row_set_subtitle (self->f1_row,
                                 on_validation
                                 ? _("F1 averaged over the classes on the validation rows; 1 is perfect")
                                 : _("F1 averaged over the classes on the training rows; 1 is perfect"));

  run = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                      "%u network · %u epochs, the best was epoch %u · %zu training rows",
                                      "%u networks · the first ran %u epochs, its best was epoch %u · %zu training rows",
                                      model->n_members),
                         model->n_members, model->history.n_epochs, model->best_epoch,
                         model->n_train_rows);
  adw_action_row_set_subtitle (self->run_row, run);
  healer_train_summary_reset_estimate (self, NULL);
  if (model->estimate != NULL)
    {
      const HealerEstimate *e = model->estimate;
      g_autofree char *sets = NULL;

      /* TRANSLATORS: coverage in %, the share of rows whose set held the true class, mean set size, then the flag */
      sets = g_strdup_printf (_("%.0f %% prediction sets held the true class for %.1f %% of the rows, "
                                "with %.2f classes on average; %.1f %% of the rows flagged uncertain, "
                                "%.0f %% of the wrong diagnoses among them; calibration error %.3f"),
                              100.0 * e->coverage, 100.0 * e->set_coverage, e->mean_set_size,
                              100.0 * e->flagged_share,
                              isnan (e->errors_flagged) ? 100.0 : 100.0 * e->errors_flagged,
                              e->calibration_error);
      adw_action_row_set_subtitle (self->estimate_row, sets);
    }

  gtk_widget_set_visible (GTK_WIDGET (self->classes_group), metrics != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->confusion_group), metrics != NULL);
  if (metrics != NULL)
    {
      g_autofree char *title = NULL;

      fill_class_table (self, metrics);
      fill_confusion (self, metrics);
      title = on_validation ? g_strdup (_("Per Class, on the Validation Rows"))
                            : g_strdup (_("Per Class, on the Training Rows"));
      adw_preferences_group_set_title (self->classes_group, title);
    }
}

static void
healer_train_summary_dispose (GObject *object)
{
  HealerTrainSummary *self = (HealerTrainSummary *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_TRAIN_SUMMARY);
  g_clear_pointer (&self->model, healer_model_unref);

  G_OBJECT_CLASS (healer_train_summary_parent_class)->dispose (object);
}

static void
healer_train_summary_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HealerTrainSummary *self = HEALER_TRAIN_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_boxed (value, self->model);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_train_summary_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HealerTrainSummary *self = HEALER_TRAIN_SUMMARY (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      healer_train_summary_set_model (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_train_summary_class_init (HealerTrainSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_train_summary_dispose;
  object_class->get_property = healer_train_summary_get_property;
  object_class->set_property = healer_train_summary_set_property;

  properties[PROP_MODEL] =
    g_param_spec_boxed ("model", NULL, NULL,
                        HEALER_TYPE_MODEL,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-train-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, class_scroller);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, status_row);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, status_icon);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, accuracy_row);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, accuracy_label);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, f1_row);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, f1_label);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, run_row);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, estimate_row);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, estimate_label);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, estimate_button);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, estimate_cancel_button);
  gtk_widget_class_bind_template_callback (widget_class, estimate_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, estimate_cancel_clicked_cb);

  /**
   * HealerTrainSummary::estimate:
   *
   * The user asked for a cross-validated estimate of the model's settings;
   * the handler runs it and reports with the set_estimate functions.
   */
  signals[ESTIMATE] =
    g_signal_new ("estimate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * HealerTrainSummary::cancel-estimate:
   *
   * The user stopped the estimate.
   */
  signals[CANCEL_ESTIMATE] =
    g_signal_new ("cancel-estimate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, classes_group);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, class_grid);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, confusion_group);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSummary, confusion_bin);
}

static void
healer_train_summary_init (HealerTrainSummary *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  pass_vertical_wheel (self->class_scroller);
}

GtkWidget *
healer_train_summary_new (void)
{
  return g_object_new (HEALER_TYPE_TRAIN_SUMMARY, NULL);
}

void
healer_train_summary_set_model (HealerTrainSummary *self,
                                HealerModel        *model)
{
  g_return_if_fail (HEALER_IS_TRAIN_SUMMARY (self));

  if (self->model == model)
    return;

  g_clear_pointer (&self->model, healer_model_unref);
  self->model = model != NULL ? healer_model_ref (model) : NULL;
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

HealerModel *
healer_train_summary_get_model (HealerTrainSummary *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_SUMMARY (self), NULL);

  return self->model;
}

const HealerMetrics *
healer_train_summary_get_metrics (HealerTrainSummary *self)
{
  gboolean on_validation;

  g_return_val_if_fail (HEALER_IS_TRAIN_SUMMARY (self), NULL);

  return model_metrics (self->model, &on_validation);
}

void
healer_train_summary_reset_estimate (HealerTrainSummary *self,
                                     const char         *message)
{
  g_return_if_fail (HEALER_IS_TRAIN_SUMMARY (self));

  adw_action_row_set_subtitle (self->estimate_row,
                               message != NULL ? message
                               : _("How a model trained this way does on samples it has never seen, "
                                   "which the figures above cannot tell when it learned from every row"));
  gtk_widget_set_visible (GTK_WIDGET (self->estimate_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->estimate_button), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->estimate_cancel_button), FALSE);
}

void
healer_train_summary_set_estimate_progress (HealerTrainSummary *self,
                                            const char         *text)
{
  g_return_if_fail (HEALER_IS_TRAIN_SUMMARY (self));
  g_return_if_fail (text != NULL);

  adw_action_row_set_subtitle (self->estimate_row, text);
  gtk_widget_set_visible (GTK_WIDGET (self->estimate_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->estimate_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->estimate_cancel_button), TRUE);
}

void
healer_train_summary_set_estimate (HealerTrainSummary *self,
                                   double              macro_f1,
                                   double              fold_std_macro_f1,
                                   double              accuracy,
                                   guint               n_folds)
{
  g_autofree char *value = NULL;
  g_autofree char *detail = NULL;

  g_return_if_fail (HEALER_IS_TRAIN_SUMMARY (self));

  value = g_strdup_printf ("%.3f", macro_f1);
  /* TRANSLATORS: "± 0.012" is the spread of the macro-F1 between folds, then the accuracy */
  detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "Macro-F1 on rows held out of training, mean of %u fold (± %.3f); accuracy %.1f %%",
                                         "Macro-F1 on rows held out of training, mean of %u folds (± %.3f); accuracy %.1f %%",
                                         n_folds),
                            n_folds, isnan (fold_std_macro_f1) ? 0.0 : fold_std_macro_f1,
                            100.0 * accuracy);
  gtk_label_set_text (self->estimate_label, value);
  adw_action_row_set_subtitle (self->estimate_row, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->estimate_label), TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->estimate_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->estimate_cancel_button), FALSE);
}
