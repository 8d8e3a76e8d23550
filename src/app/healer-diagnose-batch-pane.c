/* healer-diagnose-batch-pane.c — the Diagnose page's file of samples: diagnosed on a worker, its table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "healer-diagnose-batch-pane.h"
#include "healer-diagnose-common.h"
#include "healer-diagnose-rows.h"
#include "healer-drift-details.h"
#include "healer-file-chooser.h"
#include "healer-page.h"
#include "healer-job.h"
#include "healer-wrap-box.h"

/* Its job diagnoses a file. */
struct _HealerDiagnoseBatchPane
{
  HealerDiagnosePart  parent_instance;

  gboolean            narrow;        /* see healer_diagnose_batch_pane_set_narrow() */
  HealerDiagnoseRows *rows;
  GtkSingleSelection *selection;

  /* Template widgets */
  GtkButton          *batch_open_button;
  GtkLabel           *batch_source_label;
  GtkButton          *charts_button;
  GtkRevealer        *progress_revealer;
  GtkProgressBar     *batch_progress;
  GtkRevealer        *stale_revealer;
  GtkLabel           *stale_label;
  GtkButton          *rerun_button;
  GtkRevealer        *drift_revealer;
  GtkLabel           *drift_label;
  GtkStack           *batch_stack;
  GtkSearchEntry     *id_search;
  GtkDropDown        *class_filter;
  GtkCheckButton     *uncertain_check;
  GtkLabel           *shown_label;
  GtkScrolledWindow  *table_scroller;
  GtkColumnView      *results_view;
  GtkStack           *details_stack;
  GtkLabel           *detail_id_label;
  GtkLabel           *detail_class_label;
  GtkLabel           *detail_true_label;
  GtkBox             *detail_uncertain_box;
  GtkLabel           *detail_uncertain_label;
  GtkGrid            *detail_proba_grid;
};

G_DEFINE_FINAL_TYPE (HealerDiagnoseBatchPane, healer_diagnose_batch_pane, HEALER_TYPE_DIAGNOSE_PART)

static void show_results (HealerDiagnoseBatchPane *self,
                          HealerResults           *results);

typedef HealerDiagnoseColumn Column;

/* What a progress report carries from the worker, through the job's relay
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
  HealerJob   *worker;      /* while the job runs */
} BatchJob;

static void
batch_job_free (BatchJob *job)
{
  g_clear_pointer (&job->model, healer_model_unref);
  g_clear_object (&job->model_file);
  g_clear_object (&job->file);
  g_free (job);
}

static void
weak_ref_free (GWeakRef *ref)
{
  g_weak_ref_clear (ref);
  g_free (ref);
}

static void
set_progress (HealerDiagnoseBatchPane *self,
              guint64                  bytes,
              guint64                  total,
              gsize                    rows)
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
  g_autoptr(HealerDiagnoseBatchPane) self = g_weak_ref_get (data);

  if (self != NULL && healer_diagnose_part_get_busy (HEALER_DIAGNOSE_PART (self)))
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

  healer_job_report (job->worker, &p);
}

static gpointer
batch_run (HealerJob     *worker,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  BatchJob *job = data;

  job->worker = worker;
  return healer_diagnose_for_file (job->model, job->file, 0, cancellable,
                                   progress_cb, job, error);
}

static const HealerJobInfo batch_job = {
  .name = "[healer] diagnosis",
  .func = batch_run,
  .result_free = (GDestroyNotify) healer_diagnosis_free,
  .progress_size = sizeof (Progress),
  .check_cancellable = TRUE,
  /* The results follow at once. */
  .deliver_last_report = FALSE,
};

static void
set_running (HealerDiagnoseBatchPane *self,
             gboolean                 running)
{
  gtk_revealer_set_reveal_child (self->progress_revealer, running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->batch_open_button), !running && healer_diagnose_part_get_model (HEALER_DIAGNOSE_PART (self)) != NULL);
}

static void
batch_done (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  HealerDiagnoseBatchPane *self = HEALER_DIAGNOSE_BATCH_PANE (object);
  HealerSession *session = healer_diagnose_part_get_session (HEALER_DIAGNOSE_PART (self));
  BatchJob *job = healer_job_get_data (result);
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerResults) results = NULL;
  HealerDiagnosis *diagnosis;
  g_autofree char *missing = NULL;

  /* No progress of this run comes after its result (the job's relay is
   * closed before this runs). The pane went away while the worker ran. */
  if (self->batch_stack == NULL)
    return;
  /* A run replaced by a newer one (another file, or Diagnose Again on the
   * Results page) was cancelled by that one, not by the user: it says
   * nothing, and its results never land (the task checks its cancellable). */
  if (!healer_diagnose_part_end (HEALER_DIAGNOSE_PART (self), g_task_get_cancellable (G_TASK (result))))
    return;
  set_running (self, FALSE);

  diagnosis = healer_job_finish (result, healer_diagnose_batch_pane_diagnose_file, &error);
  if (diagnosis == NULL)
    {
      /* The results shown before stay. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        healer_diagnose_show_error (GTK_WIDGET (self), _("Could Not Diagnose the File"), error);
      else
        healer_page_toast (GTK_WIDGET (self), _("Diagnosis cancelled"));
      return;
    }

  /* Read before the results own the diagnosis. */
  if (diagnosis->missing_columns != NULL && diagnosis->missing_columns[0] != NULL)
    missing = g_strjoinv (", ", diagnosis->missing_columns);
  results = healer_results_new (diagnosis, job->file);
  healer_results_set_model (results, job->model, job->model_file);
  if (session != NULL)
    healer_session_set_results (session, results);
  else
    show_results (self, results);

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
healer_diagnose_batch_pane_diagnose_file (HealerDiagnoseBatchPane *self,
                                          GFile                   *file)
{
  HealerDiagnosePart *part = HEALER_DIAGNOSE_PART (self);
  GCancellable *cancellable;
  GFile *model_file;
  GWeakRef *page;
  BatchJob *job;

  g_return_if_fail (HEALER_IS_DIAGNOSE_BATCH_PANE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (healer_diagnose_part_get_model (part) == NULL)
    return;

  cancellable = healer_diagnose_part_begin (part);
  model_file = healer_diagnose_part_get_model_file (part);

  job = g_new0 (BatchJob, 1);
  job->model = healer_model_ref (healer_diagnose_part_get_model (part));
  job->model_file = model_file != NULL ? g_object_ref (model_file) : NULL;
  job->file = g_object_ref (file);
  page = g_new (GWeakRef, 1);
  g_weak_ref_init (page, self);

  gtk_progress_bar_set_fraction (self->batch_progress, 0);
  gtk_progress_bar_set_text (self->batch_progress, _("Reading…"));
  set_running (self, TRUE);

  healer_job_run (&batch_job, self, healer_diagnose_batch_pane_diagnose_file,
                  job, (GDestroyNotify) batch_job_free, cancellable,
                  deliver_progress, page, (GDestroyNotify) weak_ref_free,
                  batch_done, NULL);
}

static void
cancel_clicked_cb (HealerDiagnoseBatchPane *self)
{
  healer_diagnose_part_cancel (HEALER_DIAGNOSE_PART (self));
}

static void
open_batch_response_cb (GtkNativeDialog         *native,
                        int                      response,
                        HealerDiagnoseBatchPane *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        healer_diagnose_batch_pane_diagnose_file (self, file);
    }
  g_object_unref (native);
  g_object_unref (self);
}

void
healer_diagnose_batch_pane_open (HealerDiagnoseBatchPane *self)
{
  GtkFileChooserNative *native;

  g_return_if_fail (HEALER_IS_DIAGNOSE_BATCH_PANE (self));

  if (healer_diagnose_part_get_model (HEALER_DIAGNOSE_PART (self)) == NULL)
    return;

  native = healer_file_chooser_new (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                    _("Diagnose a File of Samples"), _("_Diagnose"), _("CSV files"),
                                    (const char *[]) { "csv", NULL },
                                    (const char *[]) { "text/csv", NULL });

  g_signal_connect (native, "response", G_CALLBACK (open_batch_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
open_batch_clicked_cb (HealerDiagnoseBatchPane *self)
{
  healer_diagnose_batch_pane_open (self);
}

static void
show_charts_clicked_cb (HealerDiagnoseBatchPane *self)
{
  healer_page_show_page (GTK_WIDGET (self), "results");
}

/* ---- the table ---- */

static HealerResults *
current_results (HealerDiagnoseBatchPane *self)
{
  return self->rows != NULL ? healer_diagnose_rows_get_results (self->rows) : NULL;
}

static char *
class_text (HealerResults *results,
            guint          klass)
{
  return healer_diagnose_class_label (healer_results_get_class_name (results, klass),
                                       healer_results_get_class_id (results, klass));
}

static char *
uncertain_short (HealerResults *results,
                 guint          row)
{
  HealerUncertainty why = healer_results_get_uncertainty (results, row);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *set_text = NULL;

  /* The set says more than "low confidence": what it could be instead. */
  if (why & HEALER_UNCERTAIN_AMBIGUOUS)
    {
      guint n = healer_results_get_n_classes (results);
      g_autofree guint *set = g_new (guint, n);
      guint n_set = healer_results_get_prediction_set (results, row, set);
      g_auto(GStrv) labels = g_new0 (char *, n + 1);

      for (guint c = 0; c < n; c++)
        labels[c] = class_text (results, c);
      set_text = healer_diagnose_set_text ((const char * const *) labels, set, n_set);
      g_string_append (text, set_text);
    }
  else if (why & HEALER_UNCERTAIN_LOW_CONFIDENCE)
    g_string_append (text, _("Low confidence"));
  /* Then what the row itself shows, each reason once: "class 1 or
   * class 2; out of range, missing KPI", "Missing KPI". */
  if (why & HEALER_UNCERTAIN_OUT_OF_RANGE)
    {
      /* TRANSLATORS: after a prediction set or "Low confidence" and "; " */
      g_string_append (text, text->len > 0 ? _("; out of range") : _("Out of range"));
    }
  if (why & HEALER_UNCERTAIN_MISSING)
    {
      if (why & HEALER_UNCERTAIN_OUT_OF_RANGE)
        /* TRANSLATORS: after "out of range" */
        g_string_append (text, _(", missing KPI"));
      else
        g_string_append (text, text->len > 0 ? _("; missing KPI") : _("Missing KPI"));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
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
  /* Confidence and Uncertain have few, short texts: they are never cut;
   * a narrow window scrolls sideways to them. */
  if (column != HEALER_DIAGNOSE_COLUMN_CONFIDENCE && column != HEALER_DIAGNOSE_COLUMN_UNCERTAIN)
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
add_column (HealerDiagnoseBatchPane *self,
            const char              *title,
            Column                   column,
            gboolean                 expand)
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
update_shown_label (HealerDiagnoseBatchPane *self)
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
  /* In a narrow window the line is left out while it would only repeat
   * the count above the table: the table has its room. */
  gtk_widget_set_visible (GTK_WIDGET (self->shown_label), !self->narrow || shown != total);
}

static void
filter_changed_cb (HealerDiagnoseBatchPane *self)
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
show_details (HealerDiagnoseBatchPane *self)
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
      g_autofree char *set_text = healer_diagnose_set_text ((const char * const *) labels, set, n_set);
      g_autofree char *text = healer_diagnose_uncertainty_text (why,
                                                                 healer_results_get_confidence (results, i),
                                                                 healer_results_get_confidence_threshold (results),
                                                                 set_text);

      gtk_label_set_text (self->detail_uncertain_label, text);
    }
  healer_diagnose_fill_probabilities (self->detail_proba_grid, (const char * const *) labels,
                                       healer_results_get_probabilities (results, i), n, best);
  gtk_stack_set_visible_child_name (self->details_stack, "detail");
}

/* ---- drift ---- */

static void
drift_details_clicked_cb (HealerDiagnoseBatchPane *self)
{
  HealerResults *results = current_results (self);
  const HealerDriftReport *report;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (results == NULL || (report = healer_results_get_drift (results)) == NULL)
    return;
  gtk_window_present (healer_drift_details_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, report,
                                                healer_results_get_drift_summary (results)));
}

/* ---- showing results ---- */

static void update_stale (HealerDiagnoseBatchPane *self);

/* The line above the table: the file, its counts and the model that made
 * the diagnoses, named as it is now (it may have been saved since). */
static void
show_source (HealerDiagnoseBatchPane *self,
             HealerResults           *results)
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

static void
model_named (HealerDiagnoseBatchPane *self)
{
  HealerResults *results = current_results (self);

  if (results == NULL)
    return;
  show_source (self, results);
  update_stale (self);
}

/* The drift banner: in full, or in a narrow window one line that counts
 * the KPIs, the full text in its tooltip and in the Details window. */
static void
show_drift (HealerDiagnoseBatchPane *self,
            HealerResults           *results)
{
  const HealerDriftReport *report;
  g_autofree char *text = NULL;
  g_autofree char *full = NULL;

  if (results == NULL || !healer_results_has_drift (results) ||
      (report = healer_results_get_drift (results)) == NULL)
    {
      gtk_revealer_set_reveal_child (self->drift_revealer, FALSE);
      return;
    }
  full = g_strdup_printf (_("Drift: %s. Diagnoses that rely on these KPIs may be wrong."),
                          healer_results_get_drift_summary (results));
  if (self->narrow)
    {
      guint n = 0, n_used = 0;

      /* Each KPI once, however many ways it drifted. */
      for (guint k = 0; k < report->n_kpis; k++)
        if (healer_drift_kpi_is_drift (&report->kpis[k]))
          {
            n++;
            n_used += report->kpis[k].used;
          }
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Drift in %u KPI (%u used)",
                                           "Drift in %u KPIs (%u used)", n),
                              n, n_used);
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->drift_label), full);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->drift_label), NULL);
  gtk_label_set_text (self->drift_label, text != NULL ? text : full);
  gtk_revealer_set_reveal_child (self->drift_revealer, TRUE);
}

/* The widest a name column grows to in a narrow window before it cuts a
 * name short, and a cell's padding on both sides in Adwaita's column views. */
#define NAME_COLUMN_MAX 200
#define CELL_PADDING 24

static int
widest_text (GtkWidget  *widget,
             const char *const *texts,
             guint       n)
{
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, NULL);
  int widest = 0;

  for (guint i = 0; i < n; i++)
    {
      int width;

      pango_layout_set_text (layout, texts[i], -1);
      pango_layout_get_pixel_size (layout, &width, NULL);
      widest = MAX (widest, width);
    }
  return widest;
}

/* In a narrow window the sample and class columns are as wide as their
 * longest text (up to NAME_COLUMN_MAX), and the table scrolls sideways to
 * the others, rather than cutting every name to "…" to fit the window.
 * Measured on the texts, not on the cells the view made, so the widths
 * do not change as the view scrolls. Wide, the columns share the room as
 * they always did. */
static void
size_columns (HealerDiagnoseBatchPane *self,
              HealerResults           *results)
{
  GListModel *columns = gtk_column_view_get_columns (self->results_view);
  g_autoptr(GtkColumnViewColumn) id_column = g_list_model_get_item (columns, HEALER_DIAGNOSE_COLUMN_ID);
  g_autoptr(GtkColumnViewColumn) class_column = g_list_model_get_item (columns, HEALER_DIAGNOSE_COLUMN_CLASS);
  int id_width = -1, class_width = -1;

  if (self->narrow && results != NULL)
    {
      guint n_rows = healer_results_get_n_rows (results);
      guint n_classes = healer_results_get_n_classes (results);
      g_autofree const char **ids = g_new (const char *, MAX (n_rows, 1));
      g_autoptr(GPtrArray) classes = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < n_rows; i++)
        ids[i] = healer_results_get_sample_id (results, i);
      for (guint c = 0; c < n_classes; c++)
        g_ptr_array_add (classes, class_text (results, c));
      id_width = MIN (widest_text (GTK_WIDGET (self->results_view), ids, n_rows) + CELL_PADDING,
                      NAME_COLUMN_MAX);
      class_width = MIN (widest_text (GTK_WIDGET (self->results_view),
                                      (const char *const *) classes->pdata, classes->len) + CELL_PADDING,
                         NAME_COLUMN_MAX);
    }
  gtk_column_view_column_set_fixed_width (id_column, id_width);
  gtk_column_view_column_set_fixed_width (class_column, class_width);
}

static void
show_results (HealerDiagnoseBatchPane *self,
              HealerResults           *results)
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
      show_drift (self, NULL);
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

  show_drift (self, results);
  size_columns (self, results);
  gtk_stack_set_visible_child_name (self->batch_stack, "table");
  update_stale (self);
}

/* Results say which model made them; when that model is no longer the
 * page's (retrained, another file opened) or has another coverage since
 * (its prediction sets and uncertain flags differ), they are marked stale
 * with a one-click way to diagnose the same file again. A renamed model
 * shares its networks: its results stay current. */
static void
update_stale (HealerDiagnoseBatchPane *self)
{
  HealerDiagnosePart *part = HEALER_DIAGNOSE_PART (self);
  HealerModel *model = healer_diagnose_part_get_model (part);
  HealerResults *results = current_results (self);
  g_autofree char *text = results != NULL ? healer_results_dup_staleness_text (results, model) : NULL;
  gboolean stale = text != NULL;

  if (stale)
    gtk_label_set_text (self->stale_label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->rerun_button),
                            stale && model != NULL && healer_results_get_source (results) != NULL &&
                            !healer_diagnose_part_get_busy (part));
  gtk_revealer_set_reveal_child (self->stale_revealer, stale);
}

static void
rerun_clicked_cb (HealerDiagnoseBatchPane *self)
{
  HealerResults *results = current_results (self);

  if (results != NULL && healer_results_get_source (results) != NULL)
    healer_diagnose_batch_pane_diagnose_file (self, healer_results_get_source (results));
}

/* The session renamed some classes of @results: the rows and the class
 * filter hold their texts, so they are built again with the new names. */
static void
session_class_names_cb (HealerDiagnoseBatchPane *self)
{
  HealerResults *results = healer_session_get_results (healer_diagnose_part_get_session (HEALER_DIAGNOSE_PART (self)));

  if (results != NULL && results == current_results (self))
    {
      gtk_column_view_set_model (self->results_view, NULL);
      g_clear_object (&self->selection);
      g_clear_object (&self->rows);
    }
  show_results (self, results);
}

static void
session_results_cb (HealerDiagnoseBatchPane *self)
{
  show_results (self, healer_session_get_results (healer_diagnose_part_get_session (HEALER_DIAGNOSE_PART (self))));
}

static void
healer_diagnose_batch_pane_session_changed (HealerDiagnosePart *part)
{
  HealerSession *session = healer_diagnose_part_get_session (part);

  if (session != NULL)
    show_results (HEALER_DIAGNOSE_BATCH_PANE (part), healer_session_get_results (session));
}

static void
healer_diagnose_batch_pane_model_changed (HealerDiagnosePart *part,
                                          HealerModel        *old_model)
{
  HealerDiagnoseBatchPane *self = HEALER_DIAGNOSE_BATCH_PANE (part);

  if (!healer_diagnose_part_get_busy (part))
    gtk_widget_set_sensitive (GTK_WIDGET (self->batch_open_button),
                              healer_diagnose_part_get_model (part) != NULL);
  update_stale (self);
}

/* A closed revealer still takes the box's spacing on both sides: in a
 * narrow window it is hidden once closed, and shown again to open. */
static void
sync_revealer (GtkRevealer             *revealer,
               GParamSpec              *pspec,
               HealerDiagnoseBatchPane *self)
{
  gtk_widget_set_visible (GTK_WIDGET (revealer),
                          !self->narrow || gtk_revealer_get_reveal_child (revealer) ||
                          gtk_revealer_get_child_revealed (revealer));
}

static void
sync_revealers (HealerDiagnoseBatchPane *self)
{
  sync_revealer (self->progress_revealer, NULL, self);
  sync_revealer (self->stale_revealer, NULL, self);
  sync_revealer (self->drift_revealer, NULL, self);
}

/* Laid out for a narrow window (HealerDiagnosePage decides): the results
 * table gets the room first. Its two buttons share a line above the
 * file's line, the drift banner is one line, the table is at least a few
 * rows high and its columns keep their width. Wide, nothing changes. */
void
healer_diagnose_batch_pane_set_narrow (HealerDiagnoseBatchPane *self,
                                       gboolean                 narrow)
{
  GtkWidget *buttons;

  g_return_if_fail (HEALER_IS_DIAGNOSE_BATCH_PANE (self));

  if (self->narrow == !!narrow)
    return;
  self->narrow = !!narrow;
  buttons = gtk_widget_get_parent (GTK_WIDGET (self->charts_button));
  gtk_widget_insert_after (GTK_WIDGET (self->charts_button), buttons,
                           narrow ? GTK_WIDGET (self->batch_open_button)
                                  : GTK_WIDGET (self->batch_source_label));
  /* A header and about six rows. */
  gtk_scrolled_window_set_min_content_height (self->table_scroller, narrow ? 240 : 160);
  show_drift (self, current_results (self));
  size_columns (self, current_results (self));
  update_shown_label (self);
  sync_revealers (self);
}

/* ---- GObject ---- */

static void
healer_diagnose_batch_pane_dispose (GObject *object)
{
  HealerDiagnoseBatchPane *self = (HealerDiagnoseBatchPane *)object;

  healer_diagnose_part_cancel (HEALER_DIAGNOSE_PART (self));
  if (self->results_view != NULL)
    gtk_column_view_set_model (self->results_view, NULL);
  /* Before the template goes: the selection tells the details pane. */
  g_clear_object (&self->selection);
  g_clear_object (&self->rows);
  /* The bin's child is a bound template child: dropped by the bin first,
   * or the bin would unparent it a second time after the template did. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_DIAGNOSE_BATCH_PANE);

  G_OBJECT_CLASS (healer_diagnose_batch_pane_parent_class)->dispose (object);
}

static void
healer_diagnose_batch_pane_class_init (HealerDiagnoseBatchPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HealerDiagnosePartClass *part_class = HEALER_DIAGNOSE_PART_CLASS (klass);

  object_class->dispose = healer_diagnose_batch_pane_dispose;
  part_class->model_changed = healer_diagnose_batch_pane_model_changed;
  part_class->session_changed = healer_diagnose_batch_pane_session_changed;

  g_type_ensure (HEALER_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-diagnose-batch-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, batch_open_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, batch_source_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, charts_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, batch_progress);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, stale_revealer);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, stale_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, rerun_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, drift_revealer);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, drift_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, batch_stack);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, id_search);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, class_filter);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, uncertain_check);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, shown_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, table_scroller);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, results_view);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, details_stack);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, detail_id_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, detail_class_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, detail_true_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, detail_uncertain_box);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, detail_uncertain_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseBatchPane, detail_proba_grid);
  gtk_widget_class_bind_template_callback (widget_class, open_batch_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, show_charts_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, drift_details_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, rerun_clicked_cb);
}

static void
healer_diagnose_batch_pane_init (HealerDiagnoseBatchPane *self)
{
  GSignalGroup *session_signals;

  gtk_widget_init_template (GTK_WIDGET (self));

  add_column (self, _("Sample"), HEALER_DIAGNOSE_COLUMN_ID, TRUE);
  add_column (self, _("Class"), HEALER_DIAGNOSE_COLUMN_CLASS, TRUE);
  add_column (self, _("Confidence"), HEALER_DIAGNOSE_COLUMN_CONFIDENCE, FALSE);
  add_column (self, _("Uncertain"), HEALER_DIAGNOSE_COLUMN_UNCERTAIN, TRUE);
  add_column (self, _("Label in File"), HEALER_DIAGNOSE_COLUMN_TRUE_LABEL, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->batch_open_button), FALSE);
  {
    GtkRevealer *revealers[] = { self->progress_revealer, self->stale_revealer, self->drift_revealer };

    for (guint i = 0; i < G_N_ELEMENTS (revealers); i++)
      {
        g_signal_connect (revealers[i], "notify::reveal-child", G_CALLBACK (sync_revealer), self);
        g_signal_connect (revealers[i], "notify::child-revealed", G_CALLBACK (sync_revealer), self);
      }
  }

  /* The results shown are the session's: the pane follows them, their
   * class names, and the name of the model that made them once it is
   * saved. */
  session_signals = healer_diagnose_part_get_session_signals (HEALER_DIAGNOSE_PART (self));
  g_signal_group_connect_object (session_signals, "notify::model-file",
                                 G_CALLBACK (model_named), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (session_signals, "notify::results",
                                 G_CALLBACK (session_results_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (session_signals, "class-names-changed",
                                 G_CALLBACK (session_class_names_cb), self, G_CONNECT_SWAPPED);
}
