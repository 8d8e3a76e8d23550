/* healer-cli-predict.c — systemhealer-cli predict and evaluate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "healer-cli.h"
#include "healer-diagnose.h"
#include "healer-drift.h"
#include "healer-output.h"

#define DEFAULT_CHUNK_ROWS 8192

static void
report_columns (char **names,
                const char *what)
{
  g_autofree char *list = NULL;

  if (names == NULL || names[0] == NULL)
    return;
  list = g_strjoinv (", ", names);
  fprintf (stderr, "systemhealer-cli: %s: %s\n", what, healer_cli_safe (list));
}

static gboolean
write_header (HealerOutput       *out,
              const HealerModel  *model,
              gboolean            has_labels,
              GError            **error)
{
  g_autoptr(GString) line = g_string_new (NULL);

  healer_predictions_append_header (line, model->class_ids, model->n_classes, has_labels);
  return healer_output_write (out, line->str, line->len, error);
}

/* One chunk of the core's diagnosis, formatted by the core on its threads
 * (healer_diagnose_iter_set_csv), then a flush: a pipeline reading standard
 * output sees each chunk as soon as it is diagnosed. */
static gboolean
write_chunk (HealerOutput              *out,
             const HealerDiagnoseChunk *chunk,
             GError                   **error)
{
  return healer_output_write (out, chunk->csv, chunk->csv_len, error) &&
         healer_output_flush (out, error);
}

/* Writes the drift report and says in one line on stderr what it found. */
static gboolean
save_drift_report (const HealerDriftReport *report,
                   const char              *path,
                   GError                 **error)
{
  g_autofree char *display = g_filename_display_name (path);

  if (!healer_drift_report_save (report, path, error))
    return FALSE;

  if (healer_drift_report_has_drift (report))
    {
      g_autofree char *summary = healer_drift_report_summary (report);

      fprintf (stderr, _("systemhealer-cli: warning: %s; see %s\n"), summary, display);
    }
  else
    fprintf (stderr, _("systemhealer-cli: no KPI lies outside the training range; see %s\n"),
             display);
  return TRUE;
}

static void
add_json_summary (JsonBuilder             *builder,
                  const HealerModel       *model,
                  gsize                    n_uncertain,
                  const HealerDriftReport *report,
                  const char              *drift_path)
{
  healer_json_add_int (builder, "uncertain", (gint64) n_uncertain);
  healer_json_add_double (builder, "confidence_threshold", model->confidence_threshold);
  /* null for a model without calibration scores: its sets are the diagnosis alone. */
  healer_json_add_double (builder, "coverage", model->coverage);
  healer_json_add_double (builder, "set_threshold", model->set_threshold);
  json_builder_set_member_name (builder, "drift");
  healer_drift_report_to_json (report, FALSE, builder);
  if (drift_path != NULL)
    healer_json_add_string (builder, "drift_report", drift_path);
}

int
healer_cli_predict (int    argc,
                    char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *drift_path = NULL;
  gboolean json = FALSE;
  double coverage = NAN;
  gint chunk_rows = DEFAULT_CHUNK_ROWS;
  gint threads = 0;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerDiagnoseIter) iter = NULL;
  g_autoptr(HealerOutput) out = NULL;
  const gsize *counts;
  g_autoptr(HealerDriftReport) report = NULL;
  gsize n_rows = 0;
  gsize n_uncertain = 0;
  gboolean first = TRUE;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the results to FILE (default: standard output)"), N_("FILE") },
    { "chunk-rows", 0, 0, G_OPTION_ARG_INT, &chunk_rows, N_("Rows read and diagnosed at a time (bounds memory)"), N_("N") },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Threads that diagnose each chunk (0: one per processor, at most 16); the results are the same"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON summary on standard output (needs --output)"), NULL },
    { "drift-report", 0, 0, G_OPTION_ARG_FILENAME, &drift_path, N_("Write which KPIs lie outside the training range to FILE (JSON)"), N_("FILE") },
    { "coverage", 0, 0, G_OPTION_ARG_DOUBLE, &coverage, N_("Prediction sets for this share of rows instead of the model's (e.g. 0.99)"), N_("FRACTION") },
    { NULL }
  };

  if (!healer_cli_parse ("predict", _("MODEL.json DATA.csv [-o RESULTS.csv]"),
                         _("Diagnose every sample of DATA.csv (“-” reads standard input). "
                           "Columns are matched to the model's KPIs by name. The results "
                           "have the columns sample_id, label, confidence, uncertain, one "
                           "probability per class, prediction_set (the classes that together "
                           "hold the true one with the chosen coverage, most probable first, "
                           "such as 1|2) and uncertain_reason; uncertain is 1 when the set "
                           "has more than one class, the confidence is below the model's "
                           "threshold, a KPI the model uses lies far outside its training "
                           "range, or a KPI it uses is missing where the training data "
                           "(almost) always had it."),
                         entries, &argc, &argv))
    return HEALER_EXIT_USAGE;

  /* A diagnosis multiplies without BLAS, on threads of its own: OpenBLAS's
   * workers, spinning for their first product, would only take a core from
   * the reader and the diagnosis threads for its first tenth of a second. */
  healer_blas_park_threads ();

  if (argc != 3)
    return healer_cli_usage_error ("predict", _("expected a model file and a data file"));
  if (output == NULL)
    output = g_strdup ("-");
  if (json && strcmp (output, "-") == 0)
    return healer_cli_usage_error ("predict", _("--json needs --output FILE"));
  if (drift_path != NULL && (*drift_path == '\0' || strcmp (drift_path, "-") == 0))
    return healer_cli_usage_error ("predict", _("--drift-report needs a file name"));
  {
    const char *inputs[] = { argv[1], argv[2], NULL };
    const HealerCliOutput outputs[] = {
      { "--output", output, N_("the results") },
      { "--drift-report", drift_path, N_("the drift report") },
      { NULL, NULL, NULL }
    };
    int status = healer_cli_check_files ("predict", inputs, outputs,
                                         json ? _("the JSON summary") : NULL);

    if (status != HEALER_EXIT_OK)
      return status;
  }

  model = healer_model_load (argv[1], &error);
  if (model == NULL)
    return healer_cli_fail (error);
  if (!isnan (coverage))
    {
      if (model->calibration == NULL)
        {
          g_autofree char *display = g_filename_display_name (argv[1]);

          fprintf (stderr, _("systemhealer-cli: %s has no calibration scores (trained with "
                             "--calibration-folds 0, on a class with fewer than 2 rows, or by a "
                             "version before format 1.2): --coverage cannot apply; retrain it "
                             "with more rows of every class\n"), display);
          return HEALER_EXIT_ERROR;
        }
      /* Just loaded, not shared yet. */
      healer_model_set_coverage (model, coverage);
    }

  iter = healer_diagnose_iter_new_for_path (model, argv[2], chunk_rows,
                                            json || drift_path != NULL, NULL, &error);
  if (iter == NULL)
    return healer_cli_fail (error);
  healer_diagnose_iter_set_n_threads (iter, (guint) threads);
  healer_diagnose_iter_set_csv (iter, TRUE);

  out = healer_output_open (output, &error);
  if (out == NULL)
    return healer_cli_fail (error);

  for (;;)
    {
      const HealerDiagnoseChunk *chunk;

      if (!healer_diagnose_iter_next (iter, &chunk, NULL, &error))
        return healer_cli_fail (error);
      if (first)
        {
          report_columns ((char **) healer_diagnose_iter_get_extra_columns (iter),
                          _("ignoring columns the model does not use"));
          report_columns ((char **) healer_diagnose_iter_get_missing_columns (iter),
                          _("warning: columns absent from the file, diagnosed as missing "
                            "(the model does not read them, so no result changes)"));
          /* The header only once the input has a row (or the rule for a
           * header-only input, an error, has spoken): a failed command
           * leaves nothing on standard output either. */
          if (chunk != NULL &&
              !write_header (out, model, healer_diagnose_iter_has_labels (iter), &error))
            return healer_cli_fail (error);
          first = FALSE;
        }
      if (chunk == NULL)
        break;
      if (!write_chunk (out, chunk, &error))
        return healer_cli_fail (error);
    }
  n_rows = healer_diagnose_iter_get_n_rows (iter);
  counts = healer_diagnose_iter_get_counts (iter);
  n_uncertain = healer_diagnose_iter_get_n_uncertain (iter);

  /* The report first: when it cannot be written, the results are not
   * committed either, and a failed command leaves nothing behind. */
  report = healer_diagnose_iter_drift_report (iter);
  if (drift_path != NULL && !save_drift_report (report, drift_path, &error))
    return healer_cli_fail (error);

  if (!healer_output_commit (g_steal_pointer (&out), &error))
    {
      if (drift_path != NULL)
        g_remove (drift_path);
      return healer_cli_fail (error);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "output");
      json_builder_add_string_value (builder, output);
      json_builder_set_member_name (builder, "rows");
      json_builder_add_int_value (builder, n_rows);
      json_builder_set_member_name (builder, "class_counts");
      json_builder_begin_object (builder);
      for (guint c = 0; c < model->n_classes; c++)
        {
          g_autofree char *key = g_strdup_printf ("%d", model->class_ids[c]);

          json_builder_set_member_name (builder, key);
          json_builder_add_int_value (builder, counts[c]);
        }
      json_builder_end_object (builder);
      add_json_summary (builder, model, n_uncertain, report, drift_path);
      json_builder_end_object (builder);
      healer_cli_print_json (builder);
    }
  else if (strcmp (output, "-") != 0)
    {
      fprintf (stderr, _("Diagnosed %zu samples into %s (%zu"
                         " flagged uncertain)\n"), n_rows, output, n_uncertain);
    }

  return HEALER_EXIT_OK;
}

static void
add_set_figures (JsonBuilder          *b,
                 const HealerModel    *model,
                 const HealerSetTally *tally,
                 double                calibration_error)
{
  healer_json_add_double (b, "calibration_error", calibration_error);
  healer_json_add_double (b, "coverage", model->coverage);
  healer_json_add_double (b, "set_coverage", healer_set_tally_coverage (tally));
  healer_json_add_double (b, "mean_set_size", healer_set_tally_mean_size (tally));
  healer_json_add_double (b, "flagged_share", healer_set_tally_flagged_share (tally));
  healer_json_add_double (b, "errors_flagged", healer_set_tally_errors_flagged (tally));
  healer_json_add_int (b, "flagged", (gint64) tally->n_flagged);
  healer_json_add_int (b, "errors", (gint64) tally->n_wrong);
  healer_json_add_int (b, "errors_flagged_count", (gint64) tally->n_wrong_flagged);
}

static void
copy_member (JsonObject  *from,
             const char  *name,
             JsonNode    *node,
             gpointer     to)
{
  json_object_set_member (to, name, json_node_copy (node));
}

static void
print_set_figures (const HealerModel    *model,
                   const HealerSetTally *tally,
                   double                calibration_error)
{
  printf ("%-26s %.4f\n", _("Calibration error:"), calibration_error);
  if (model->calibration != NULL)
    printf ("%-26s %.0f %%\n", _("Prediction sets for:"), 100.0 * model->coverage);
  else
    printf ("%-26s %s\n", _("Prediction sets for:"),
            _("none (the model has no calibration scores: each set is the diagnosis)"));
  printf ("%-26s %.4f\n", _("Set coverage:"), healer_set_tally_coverage (tally));
  printf ("%-26s %.3f\n", _("Mean set size:"), healer_set_tally_mean_size (tally));
  printf ("%-26s %.4f (%zu)\n", _("Flagged uncertain:"), healer_set_tally_flagged_share (tally),
          tally->n_flagged);
  if (tally->n_wrong > 0)
    printf ("%-26s %.4f (%zu of %zu)\n", _("Wrong diagnoses flagged:"),
            healer_set_tally_errors_flagged (tally), tally->n_wrong_flagged, tally->n_wrong);
}

int
healer_cli_evaluate (int    argc,
                     char **argv)
{
  gboolean json = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerMetrics) metrics = NULL;
  HealerSetTally tally = { 0 };
  double calibration_error = NAN;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the metrics as JSON"), NULL },
    { NULL }
  };

  if (!healer_cli_parse ("evaluate", _("MODEL.json LABELLED.csv"),
                         _("Measure a model on labelled data: accuracy, macro-F1, "
                           "per-class precision, recall and F1, and the confusion matrix."),
                         entries, &argc, &argv))
    return HEALER_EXIT_USAGE;

  if (argc != 3)
    return healer_cli_usage_error ("evaluate", _("expected a model file and a labelled data file"));
  {
    const char *inputs[] = { argv[1], argv[2], NULL };
    int status = healer_cli_check_files ("evaluate", inputs, NULL, NULL);

    if (status != HEALER_EXIT_OK)
      return status;
  }

  model = healer_model_load (argv[1], &error);
  if (model == NULL)
    return healer_cli_fail (error);

  data = healer_dataset_load (argv[2], NULL, &error);
  if (data == NULL)
    return healer_cli_fail (error);
  if (data->labels == NULL)
    {
      fprintf (stderr, _("systemhealer-cli: %s has no “label” column; evaluate needs labelled data\n"),
               healer_dataset_get_source_name (data));
      return HEALER_EXIT_ERROR;
    }

  metrics = healer_model_evaluate (model, data, &error);
  if (metrics == NULL ||
      !healer_model_evaluate_sets (model, data, &tally, &calibration_error, &error))
    return healer_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) sets = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *text = NULL;
      JsonObject *obj;

      /* The metrics object as before, with the trust figures as members. */
      healer_metrics_to_json (metrics, builder);
      root = json_builder_get_root (builder);
      obj = json_node_get_object (root);
      json_builder_reset (builder);
      json_builder_begin_object (builder);
      add_set_figures (builder, model, &tally, calibration_error);
      json_builder_end_object (builder);
      sets = json_builder_get_root (builder);
      json_object_foreach_member (json_node_get_object (sets), copy_member, obj);
      text = healer_json_to_string (root, TRUE, NULL);
      fputs (text, stdout);
      fputc ('\n', stdout);
    }
  else
    {
      healer_cli_print_metrics (metrics, model);
      putchar ('\n');
      print_set_figures (model, &tally, calibration_error);
    }

  return HEALER_EXIT_OK;
}
