/* healer-diagnose-batch.c — the Diagnose page's batch: a file diagnosed on a worker, its table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "healer-page.h"

#include "healer-diagnose-page-private.h"
#include "healer-relay.h"

/* KPIs listed in the drift details; a batch that moved them all would
 * otherwise make a list nobody reads. */
#define DRIFT_DETAILS_MAX 200

typedef HealerDiagnoseColumn Column;

/* What a progress report carries from the worker, through a HealerRelay
 * (at most one idle queued, however fast the reader goes). */
typedef struct
{
  guint64 bytes;
  guint64 total;
  gsize   rows;
} Progress;

typedef struct
{
  HealerModel *model;
  GFile       *model_file;  /* of @model, or NULL when not saved */
  GFile       *file;
  HealerRelay *relay;
} BatchJob;

static void
batch_job_free (BatchJob *job)
{
  g_clear_pointer (&job->model, healer_model_unref);
  g_clear_object (&job->model_file);
  g_clear_object (&job->file);
  g_clear_pointer (&job->relay, healer_relay_unref);
  g_free (job);
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

static void
set_progress (HealerDiagnosePage *self,
              guint64             bytes,
              guint64             total,
              gsize               rows)
{
  g_autofree char *done = g_format_size (bytes);
  g_autofree char *size = g_format_size (total);
  g_autofree char *text = NULL;

  if (total > 0)
    {
      gtk_progress_bar_set_fraction (self->batch_progress, CLAMP ((double) bytes / total, 0, 1));
      /* TRANSLATORS: "12.3 MB of 40.1 MB · 8192 samples" */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%s of %s · %zu sample",
                                           "%s of %s · %zu samples", rows),
                              done, size, (size_t) rows);
    }
  else
    {
      gtk_progress_bar_pulse (self->batch_progress);
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%zu sample", "%zu samples", rows),
                              (size_t) rows);
    }
  gtk_progress_bar_set_text (self->batch_progress, text);
}

static void
deliver_progress (gconstpointer state,
                  gpointer      data)
{
  const Progress *p = state;
  g_autoptr(HealerDiagnosePage) self = g_weak_ref_get (data);

  if (self != NULL && self->batch_cancellable != NULL)
    set_progress (self, p->bytes, p->total, p->rows);
}

/* Worker thread, after each chunk. */
static void
progress_cb (guint64  bytes,
             guint64  total,
             gsize    rows,
             gpointer user_data)
{
  BatchJob *job = user_data;
  Progress p = { bytes, total, rows };

  healer_relay_post (job->relay, &p);
}

static void
batch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  BatchJob *job = task_data;
  g_autoptr(GError) error = NULL;
  HealerDiagnosis *diagnosis;

  diagnosis = healer_diagnose_for_file (job->model, job->file, 0, cancellable,
                                        progress_cb, job, &error);

  if (diagnosis == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, diagnosis, (GDestroyNotify) healer_diagnosis_free);
}

static void
set_running (HealerDiagnosePage *self,
             gboolean            running)
{
  gtk_revealer_set_reveal_child (self->progress_revealer, running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->batch_open_button), !running && self->model != NULL);
}

static void
batch_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HealerDiagnosePage *self = HEALER_DIAGNOSE_PAGE (object);
  BatchJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerResults) results = NULL;
  HealerDiagnosis *diagnosis;
  g_autofree char *missing = NULL;

  /* No progress of this run after its result. */
  healer_relay_close (job->relay);
  /* The page went away while the worker ran. */
  if (self->batch_stack == NULL)
    return;
  if (g_task_get_cancellable (G_TASK (result)) == self->batch_cancellable)
    {
      g_clear_object (&self->batch_cancellable);
      _healer_diagnose_page_update_busy (self);
      set_running (self, FALSE);
    }

  diagnosis = g_task_propagate_pointer (G_TASK (result), &error);
  if (diagnosis == NULL)
    {
      /* The results shown before stay. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _healer_diagnose_page_error (self, _("Could Not Diagnose the File"), error);
      else
        healer_page_toast (GTK_WIDGET (self), _("Diagnosis cancelled"));
      return;
    }

  /* Read before the results own the diagnosis. */
  if (diagnosis->missing_columns != NULL && diagnosis->missing_columns[0] != NULL)
    missing = g_strjoinv (", ", diagnosis->missing_columns);
  results = healer_results_new (diagnosis, job->file);
  healer_results_set_model (results, job->model, job->model_file);
  if (self->session != NULL)
    healer_session_set_results (self->session, results);
  else
    _healer_diagnose_batch_show_results (self, results);

  {
    g_autofree char *message = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "Diagnosed %u sample",
                                                             "Diagnosed %u samples",
                                                             healer_results_get_n_rows (results)),
                                                healer_results_get_n_rows (results));

    if (missing != NULL)
      {
        /* Columns the model does not read may be absent; say so, rather
         * than let the operator think they were used. */
        g_autofree char *full = g_strdup_printf (_("%s; columns absent from the file, "
                                                   "diagnosed as missing (the model does "
                                                   "not read them): %s"),
                                                 message, missing);

        healer_page_toast (GTK_WIDGET (self), full);
      }
    else
      healer_page_toast (GTK_WIDGET (self), message);
  }
}

void
_healer_diagnose_batch_diagnose_file (HealerDiagnosePage *self,
                                      GFile              *file)
{
  g_autoptr(GTask) task = NULL;
  BatchJob *job;

  if (self->model == NULL)
    return;

  if (self->batch_cancellable != NULL)
    g_cancellable_cancel (self->batch_cancellable);
  g_clear_object (&self->batch_cancellable);
  self->batch_cancellable = g_cancellable_new ();
  _healer_diagnose_page_update_busy (self);

  job = g_new0 (BatchJob, 1);
  job->model = healer_model_ref (self->model);
  job->model_file = self->model_file != NULL ? g_object_ref (self->model_file) : NULL;
  job->file = g_object_ref (file);
  {
    GWeakRef *page = g_new (GWeakRef, 1);

    g_weak_ref_init (page, self);
    job->relay = healer_relay_new (sizeof (Progress), NULL, "[healer] diagnosis progress",
                                   deliver_progress, page, (GDestroyNotify) weak_ref_free);
  }

  gtk_progress_bar_set_fraction (self->batch_progress, 0);
  gtk_progress_bar_set_text (self->batch_progress, _("Reading…"));
  set_running (self, TRUE);

  task = g_task_new (self, self->batch_cancellable, batch_done, NULL);
  g_task_set_source_tag (task, _healer_diagnose_batch_diagnose_file);
  g_task_set_task_data (task, job, (GDestroyNotify) batch_job_free);
  g_task_run_in_thread (task, batch_thread);
}

gboolean
_healer_diagnose_batch_cancel (HealerDiagnosePage *self)
{
  if (self->batch_cancellable == NULL || g_cancellable_is_cancelled (self->batch_cancellable))
    return FALSE;
  g_cancellable_cancel (self->batch_cancellable);
  return TRUE;
}

static void
cancel_clicked_cb (HealerDiagnosePage *self)
{
  healer_diagnose_page_cancel (self);
}

static void
open_batch_clicked_cb (HealerDiagnosePage *self)
{
  healer_diagnose_page_open_batch (self);
}

static void
show_charts_clicked_cb (HealerDiagnosePage *self)
{

  healer_page_show_page (GTK_WIDGET (self), "results");
}

/* ---- the table ---- */

static HealerResults *
current_results (HealerDiagnosePage *self)
{
  return self->rows != NULL ? healer_diagnose_rows_get_results (self->rows) : NULL;
}

static char *
class_text (HealerResults *results,
            guint          klass)
{
  return _healer_diagnose_class_label (healer_results_get_class_name (results, klass),
                                       healer_results_get_class_id (results, klass));
}

static char *
uncertain_short (HealerResults *results,
                 guint          row)
{
  HealerUncertainty why = healer_results_get_uncertainty (results, row);

  /* The set says more than "low confidence": what it could be instead. */
  if (why & HEALER_UNCERTAIN_AMBIGUOUS)
    {
      guint n = healer_results_get_n_classes (results);
      g_autofree guint *set = g_new (guint, n);
      guint n_set = healer_results_get_prediction_set (results, row, set);
      g_auto(GStrv) labels = g_new0 (char *, n + 1);
      g_autofree char *set_text = NULL;

      for (guint c = 0; c < n; c++)
        labels[c] = class_text (results, c);
      set_text = _healer_diagnose_set_text ((const char * const *) labels, set, n_set);
      if (why & HEALER_UNCERTAIN_OUT_OF_RANGE)
        /* TRANSLATORS: %s is a prediction set, "class 1 or class 2" */
        return g_strdup_printf (_("%s; out of range"), set_text);
      return g_steal_pointer (&set_text);
    }
  if ((why & HEALER_UNCERTAIN_LOW_CONFIDENCE) && (why & HEALER_UNCERTAIN_OUT_OF_RANGE))
    return g_strdup (_("Low confidence, out of range"));
  if (why & HEALER_UNCERTAIN_LOW_CONFIDENCE)
    return g_strdup (_("Low confidence"));
  if (why & HEALER_UNCERTAIN_OUT_OF_RANGE)
    return g_strdup (_("Out of range"));
  return g_strdup ("");
}

static char *
cell_text (HealerResults *results,
           guint          row,
           Column         column)
{
  int true_class;

  switch (column)
    {
    case HEALER_DIAGNOSE_COLUMN_ID:
      return g_strdup (healer_results_get_sample_id (results, row));
    case HEALER_DIAGNOSE_COLUMN_CLASS:
      return class_text (results, healer_results_get_predicted (results, row));
    case HEALER_DIAGNOSE_COLUMN_CONFIDENCE:
      return g_strdup_printf (_("%.1f %%"), 100.0 * healer_results_get_confidence (results, row));
    case HEALER_DIAGNOSE_COLUMN_UNCERTAIN:
      return uncertain_short (results, row);
    case HEALER_DIAGNOSE_COLUMN_TRUE_LABEL:
      true_class = healer_results_get_true_class (results, row);
      return true_class >= 0 ? class_text (results, true_class) : g_strdup ("");
    case HEALER_DIAGNOSE_N_COLUMNS:
    default:
      g_assert_not_reached ();
    }
}

static void
cell_setup_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               gpointer                  data)
{
  Column column = GPOINTER_TO_INT (data);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), column == HEALER_DIAGNOSE_COLUMN_CONFIDENCE ? 1 : 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (column == HEALER_DIAGNOSE_COLUMN_CONFIDENCE)
    gtk_widget_add_css_class (label, "numeric");
  if (column == HEALER_DIAGNOSE_COLUMN_UNCERTAIN)
    gtk_widget_add_css_class (label, "warning");
  gtk_list_item_set_child (item, label);
}

static void
cell_bind_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              gpointer                  data)
{
  HealerDiagnoseRow *row = gtk_list_item_get_item (item);
  g_autofree char *text = cell_text (healer_diagnose_row_get_results (row),
                                     healer_diagnose_row_get_index (row),
                                     GPOINTER_TO_INT (data));

  gtk_label_set_text (GTK_LABEL (gtk_list_item_get_child (item)), text);
}

static int
compare_cells (gconstpointer a,
               gconstpointer b,
               gpointer      data)
{
  HealerDiagnoseRow *ra = (HealerDiagnoseRow *) a;
  HealerDiagnoseRow *rb = (HealerDiagnoseRow *) b;

  return healer_diagnose_rows_compare (healer_diagnose_row_get_results (ra),
                                       healer_diagnose_row_get_index (ra),
                                       healer_diagnose_row_get_index (rb),
                                       GPOINTER_TO_INT (data));
}

static void
add_column (HealerDiagnosePage *self,
            const char         *title,
            Column              column,
            gboolean            expand)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *view_column;
  GtkSorter *sorter;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup_cb), GINT_TO_POINTER (column));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind_cb), GINT_TO_POINTER (column));
  view_column = gtk_column_view_column_new (title, factory);
  sorter = GTK_SORTER (gtk_custom_sorter_new (compare_cells, GINT_TO_POINTER (column), NULL));
  gtk_column_view_column_set_sorter (view_column, sorter);
  gtk_column_view_column_set_expand (view_column, expand);
  gtk_column_view_column_set_resizable (view_column, TRUE);
  gtk_column_view_append_column (self->results_view, view_column);
  g_object_unref (sorter);
  g_object_unref (view_column);
}

static void
update_shown_label (HealerDiagnosePage *self)
{
  HealerResults *results = current_results (self);
  g_autofree char *text = NULL;
  guint shown, total;

  if (results == NULL)
    return;
  shown = g_list_model_get_n_items (G_LIST_MODEL (self->rows));
  total = healer_results_get_n_rows (results);
  /* TRANSLATORS: "Showing 12 of 1200 samples" */
  text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "Showing %u of %u sample",
                                       "Showing %u of %u samples", total),
                          shown, total);
  gtk_label_set_text (self->shown_label, text);
}

static void
filter_changed_cb (HealerDiagnosePage *self)
{
  guint selected;

  if (self->rows == NULL)
    return;
  selected = gtk_drop_down_get_selected (self->class_filter);
  healer_diagnose_rows_set_filter (self->rows,
                                   gtk_editable_get_text (GTK_EDITABLE (self->id_search)),
                                   selected == 0 || selected == GTK_INVALID_LIST_POSITION ? -1 : (int) selected - 1,
                                   gtk_check_button_get_active (self->uncertain_check));
  update_shown_label (self);
}

static void
show_details (HealerDiagnosePage *self)
{
  HealerDiagnoseRow *row = gtk_single_selection_get_selected_item (self->selection);
  HealerResults *results;
  g_auto(GStrv) labels = NULL;
  g_autofree char *class_line = NULL;
  g_autofree char *predicted = NULL;
  HealerUncertainty why;
  guint i, n, best;
  int true_class;

  if (row == NULL)
    {
      gtk_stack_set_visible_child_name (self->details_stack, "none");
      return;
    }

  results = healer_diagnose_row_get_results (row);
  i = healer_diagnose_row_get_index (row);
  n = healer_results_get_n_classes (results);
  best = healer_results_get_predicted (results, i);
  labels = g_new0 (char *, n + 1);
  for (guint c = 0; c < n; c++)
    labels[c] = class_text (results, c);

  gtk_label_set_text (self->detail_id_label, healer_results_get_sample_id (results, i));
  class_line = g_strdup_printf (_("%s, confidence %.1f %%"), labels[best],
                                100.0 * healer_results_get_confidence (results, i));
  gtk_label_set_text (self->detail_class_label, class_line);

  true_class = healer_results_get_true_class (results, i);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_true_label), healer_results_has_true_labels (results));
  if (healer_results_has_true_labels (results))
    {
      g_autofree char *text = NULL;

      if (true_class < 0)
        text = g_strdup (_("Its label in the file is not a class of the model."));
      else if ((guint) true_class == best)
        text = g_strdup_printf (_("Labelled %s in the file: the diagnosis agrees."), labels[true_class]);
      else
        text = g_strdup_printf (_("Labelled %s in the file: the diagnosis differs."), labels[true_class]);
      gtk_label_set_text (self->detail_true_label, text);
    }

  why = healer_results_get_uncertainty (results, i);
  gtk_widget_set_visible (GTK_WIDGET (self->detail_uncertain_box), why != HEALER_UNCERTAIN_NONE);
  if (why != HEALER_UNCERTAIN_NONE)
    {
      g_autofree guint *set = g_new (guint, n);
      guint n_set = healer_results_get_prediction_set (results, i, set);
      g_autofree char *set_text = _healer_diagnose_set_text ((const char * const *) labels, set, n_set);
      g_autofree char *text = _healer_diagnose_uncertainty_text (why,
                                                                 healer_results_get_confidence (results, i),
                                                                 healer_results_get_confidence_threshold (results),
                                                                 set_text);

      gtk_label_set_text (self->detail_uncertain_label, text);
    }
  _healer_diagnose_fill_probabilities (self->detail_proba_grid, (const char * const *) labels,
                                       healer_results_get_probabilities (results, i), n, best);
  gtk_stack_set_visible_child_name (self->details_stack, "detail");
}

/* ---- drift ---- */

static char *
drift_kpi_text (const HealerDriftKpi *k)
{
  g_autofree char *range = g_strdup_printf ("%.4g – %.4g", k->train_min, k->train_max);
  g_autofree char *batch = g_strdup_printf ("%.4g – %.4g", k->batch_min, k->batch_max);

  return g_strdup_printf (_("%.0f %% of its values outside the training range %s; in this file "
                            "%s, median %.4g (training median %.4g)"),
                          100.0 * k->outside_fraction, range, batch,
                          k->batch_median, k->train_median);
}

static void
drift_details_clicked_cb (HealerDiagnosePage *self)
{
  HealerResults *results = current_results (self);
  const HealerDriftReport *report;
  GtkWidget *window, *box, *header, *scrolled, *clamp, *content, *summary, *list;
  GtkEventController *shortcuts;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  guint shown = 0;

  if (results == NULL || (report = healer_results_get_drift (results)) == NULL)
    return;

  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("KPIs Outside the Training Range"));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (root));
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 560);
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, shortcuts);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  clamp = adw_clamp_new ();
  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 12);
  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  summary = gtk_label_new (healer_results_get_drift_summary (results));
  gtk_label_set_wrap (GTK_LABEL (summary), TRUE);
  gtk_label_set_xalign (GTK_LABEL (summary), 0);
  gtk_box_append (GTK_BOX (content), summary);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint k = 0; k < report->n_kpis && shown < DRIFT_DETAILS_MAX; k++)
    {
      const HealerDriftKpi *kpi = &report->kpis[k];
      GtkWidget *row;
      GtkWidget *tag;
      g_autofree char *text = NULL;

      if (!kpi->outside && !kpi->shifted)
        continue;
      text = drift_kpi_text (kpi);
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kpi->name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
      tag = gtk_label_new (kpi->used ? _("Read by the model") : _("Not read by the model"));
      if (kpi->used)
        gtk_widget_add_css_class (tag, "warning");
      else
        gtk_widget_add_css_class (tag, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
      gtk_list_box_append (GTK_LIST_BOX (list), row);
      shown++;
    }
  gtk_box_append (GTK_BOX (content), list);
  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_present (GTK_WINDOW (window));
}

/* ---- showing results ---- */

static void update_stale (HealerDiagnosePage *self);

/* The line above the table: the file, its counts and the model that made
 * the diagnoses, named as it is now (it may have been saved since). */
static void
show_source (HealerDiagnosePage *self,
             HealerResults      *results)
{
  g_autofree char *source = NULL;

  source = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s: %u sample, %u uncertain",
                                         "%s: %u samples, %u uncertain",
                                         healer_results_get_n_rows (results)),
                            healer_results_get_source_name (results),
                            healer_results_get_n_rows (results),
                            healer_results_get_n_uncertain (results));
  if (healer_results_get_model (results) != NULL)
    {
      g_autofree char *name = healer_results_dup_model_name (results);
      /* Translators: the file's samples and counts, then the model's name */
      g_autofree char *with_model = g_strdup_printf (_("%s · by %s"), source, name);

      g_free (source);
      source = g_steal_pointer (&with_model);
    }
  gtk_label_set_text (self->batch_source_label, source);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->batch_source_label), source);
}

void
_healer_diagnose_batch_model_named (HealerDiagnosePage *self)
{
  HealerResults *results = current_results (self);

  if (results == NULL)
    return;
  show_source (self, results);
  update_stale (self);
}

void
_healer_diagnose_batch_show_results (HealerDiagnosePage *self,
                                     HealerResults      *results)
{
  g_autoptr(GtkStringList) classes = NULL;
  g_autoptr(GtkColumnViewColumn) label_column = NULL;
  GListModel *columns;

  if (results == current_results (self) && results != NULL)
    return;

  gtk_column_view_set_model (self->results_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  gtk_stack_set_visible_child_name (self->details_stack, "none");
  gtk_widget_set_sensitive (GTK_WIDGET (self->charts_button), results != NULL);

  if (results == NULL)
    {
      gtk_stack_set_visible_child_name (self->batch_stack, "empty");
      gtk_revealer_set_reveal_child (self->drift_revealer, FALSE);
      gtk_label_set_text (self->batch_source_label, "");
      update_stale (self);
      return;
    }

  self->rows = healer_diagnose_rows_new (results);
  healer_diagnose_rows_set_sorter (self->rows, gtk_column_view_get_sorter (self->results_view));
  healer_page_scroll_to_top_on_change (GTK_WIDGET (self->results_view), G_LIST_MODEL (self->rows));
  self->selection = gtk_single_selection_new (G_LIST_MODEL (g_object_ref (self->rows)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_single_selection_set_selected (self->selection, GTK_INVALID_LIST_POSITION);
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (show_details), self);
  gtk_column_view_set_model (self->results_view, GTK_SELECTION_MODEL (self->selection));

  columns = gtk_column_view_get_columns (self->results_view);
  label_column = g_list_model_get_item (columns, HEALER_DIAGNOSE_COLUMN_TRUE_LABEL);
  gtk_column_view_column_set_visible (label_column, healer_results_has_true_labels (results));

  classes = gtk_string_list_new (NULL);
  gtk_string_list_append (classes, _("All classes"));
  for (guint c = 0; c < healer_results_get_n_classes (results); c++)
    {
      g_autofree char *label = class_text (results, c);
      g_autofree char *item = g_strdup_printf ("%s (%u)", label, healer_results_get_class_count (results, c));

      gtk_string_list_append (classes, item);
    }
  g_signal_handlers_block_by_func (self->class_filter, filter_changed_cb, self);
  gtk_drop_down_set_model (self->class_filter, G_LIST_MODEL (classes));
  gtk_drop_down_set_selected (self->class_filter, 0);
  g_signal_handlers_unblock_by_func (self->class_filter, filter_changed_cb, self);
  filter_changed_cb (self);

  show_source (self, results);

  if (healer_results_has_drift (results))
    {
      g_autofree char *text = g_strdup_printf (_("Drift: %s. Diagnoses that rely on these KPIs "
                                                 "may be wrong."),
                                               healer_results_get_drift_summary (results));

      gtk_label_set_text (self->drift_label, text);
    }
  gtk_revealer_set_reveal_child (self->drift_revealer, healer_results_has_drift (results));
  gtk_stack_set_visible_child_name (self->batch_stack, "table");
  update_stale (self);
}

/* Results say which model made them; when that model is no longer the
 * page's (retrained, another file opened), they are marked stale with a
 * one-click way to diagnose the same file again. A renamed model shares
 * its networks: its results stay current. */
static void
update_stale (HealerDiagnosePage *self)
{
  HealerResults *results = current_results (self);
  HealerModel *made_by = results != NULL ? healer_results_get_model (results) : NULL;
  gboolean stale = made_by != NULL && !healer_model_same_network (made_by, self->model);
  g_autofree char *text = NULL;

  if (stale)
    {
      g_autofree char *name = healer_results_dup_model_name (results);

      text = g_strdup_printf (_("These results were made by %s, which is no longer loaded. "
                                "Diagnose the file again to see what the current model says."),
                              name);
      gtk_label_set_text (self->stale_label, text);
    }
  gtk_widget_set_sensitive (GTK_WIDGET (self->rerun_button),
                            stale && self->model != NULL && healer_results_get_source (results) != NULL &&
                            self->batch_cancellable == NULL);
  gtk_revealer_set_reveal_child (self->stale_revealer, stale);
}

static void
rerun_clicked_cb (HealerDiagnosePage *self)
{
  HealerResults *results = current_results (self);

  if (results != NULL && healer_results_get_source (results) != NULL)
    _healer_diagnose_batch_diagnose_file (self, healer_results_get_source (results));
}

void
_healer_diagnose_batch_relabel (HealerDiagnosePage *self,
                                HealerResults      *results)
{
  /* The rows and the class filter hold their texts: build them again
   * with the names the session gave the results. */
  if (results != NULL && results == current_results (self))
    {
      gtk_column_view_set_model (self->results_view, NULL);
      g_clear_object (&self->selection);
      g_clear_object (&self->rows);
    }
  _healer_diagnose_batch_show_results (self, results);
}

void
_healer_diagnose_batch_model_changed (HealerDiagnosePage *self)
{
  if (self->batch_cancellable == NULL)
    gtk_widget_set_sensitive (GTK_WIDGET (self->batch_open_button), self->model != NULL);
  update_stale (self);
}

void
_healer_diagnose_batch_class_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, batch_open_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, batch_source_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, charts_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, batch_progress);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, drift_revealer);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, drift_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, batch_stack);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, id_search);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, class_filter);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, uncertain_check);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, shown_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, batch_box);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, results_view);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, details_stack);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, detail_id_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, detail_class_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, detail_true_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, detail_uncertain_box);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, detail_uncertain_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, detail_proba_grid);
  gtk_widget_class_bind_template_callback (widget_class, open_batch_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, show_charts_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, drift_details_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, stale_revealer);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, stale_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, rerun_button);
  gtk_widget_class_bind_template_callback (widget_class, rerun_clicked_cb);
}

void
_healer_diagnose_batch_init (HealerDiagnosePage *self)
{
  add_column (self, _("Sample"), HEALER_DIAGNOSE_COLUMN_ID, TRUE);
  add_column (self, _("Class"), HEALER_DIAGNOSE_COLUMN_CLASS, TRUE);
  add_column (self, _("Confidence"), HEALER_DIAGNOSE_COLUMN_CONFIDENCE, FALSE);
  add_column (self, _("Uncertain"), HEALER_DIAGNOSE_COLUMN_UNCERTAIN, TRUE);
  add_column (self, _("Label in File"), HEALER_DIAGNOSE_COLUMN_TRUE_LABEL, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->batch_open_button), FALSE);
}

void
_healer_diagnose_batch_dispose (HealerDiagnosePage *self)
{
  if (self->results_view != NULL)
    gtk_column_view_set_model (self->results_view, NULL);
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  g_clear_object (&self->batch_cancellable);
}
