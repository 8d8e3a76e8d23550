/* healer-cli-predict.c — systemhealer-cli predict and evaluate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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

/* One chunk of the core's diagnosis, then a flush: a pipeline reading
 * standard output sees each chunk as soon as it is diagnosed. */
static gboolean
write_chunk (HealerOutput              *out,
             const HealerModel         *model,
             const HealerDiagnoseChunk *chunk,
             GError                   **error)
{
  g_autoptr(GString) line = g_string_sized_new (256);
  guint k = model->n_classes;

  for (gsize i = 0; i < chunk->n_rows; i++)
    {
      g_string_truncate (line, 0);
      healer_predictions_append_row (line, chunk->sample_ids[i], model->class_ids, k,
                                     chunk->proba + i * k, chunk->predicted[i],
                                     chunk->uncertainty[i] != HEALER_UNCERTAIN_NONE,
                                     chunk->true_labels != NULL ? &chunk->true_labels[i] : NULL);
      if (!healer_output_write (out, line->str, line->len, error))
        return FALSE;
    }

  return healer_output_flush (out, error);
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

  if (report->n_outside > 0 || report->n_shifted > 0)
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
  gint chunk_rows = DEFAULT_CHUNK_ROWS;
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
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON summary on standard output (needs --output)"), NULL },
    { "drift-report", 0, 0, G_OPTION_ARG_FILENAME, &drift_path, N_("Write which KPIs lie outside the training range to FILE (JSON)"), N_("FILE") },
    { NULL }
  };

  if (!healer_cli_parse ("predict", _("MODEL.json DATA.csv [-o RESULTS.csv]"),
                         _("Diagnose every sample of DATA.csv (“-” reads standard input). "
                           "Columns are matched to the model's KPIs by name. The results "
                           "have the columns sample_id, label, confidence, uncertain and one "
                           "probability per class; uncertain is 1 when the confidence is "
                           "below the model's threshold or a KPI the model uses lies far "
                           "outside its training range."),
                         entries, &argc, &argv))
    return HEALER_EXIT_USAGE;

  if (argc != 3)
    return healer_cli_usage_error ("predict", _("expected a model file and a data file"));
  if (chunk_rows < 1)
    return healer_cli_usage_error ("predict", _("--chunk-rows must be positive"));
  if (output == NULL)
    output = g_strdup ("-");
  if (json && strcmp (output, "-") == 0)
    return healer_cli_usage_error ("predict", _("--json needs --output FILE"));
  if (drift_path != NULL && (*drift_path == '\0' || strcmp (drift_path, "-") == 0))
    return healer_cli_usage_error ("predict", _("--drift-report needs a file name"));
  {
    const char *inputs[] = { argv[1], argv[2], NULL };
    const HealerCliOutput outputs[] = {
      { "--output", output }, { "--drift-report", drift_path }, { NULL, NULL }
    };
    int status = healer_cli_check_files ("predict", inputs, outputs);

    if (status != HEALER_EXIT_OK)
      return status;
  }

  model = healer_model_load (argv[1], &error);
  if (model == NULL)
    return healer_cli_fail (error);

  iter = healer_diagnose_iter_new_for_path (model, argv[2], chunk_rows,
                                            json || drift_path != NULL, NULL, &error);
  if (iter == NULL)
    return healer_cli_fail (error);

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
      if (!write_chunk (out, model, chunk, &error))
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

int
healer_cli_evaluate (int    argc,
                     char **argv)
{
  gboolean json = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerMetrics) metrics = NULL;
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
    int status = healer_cli_check_files ("evaluate", inputs, NULL);

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
  if (metrics == NULL)
    return healer_cli_fail (error);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      healer_metrics_to_json (metrics, builder);
      healer_cli_print_json (builder);
    }
  else
    {
      healer_cli_print_metrics (metrics, model);
    }

  return HEALER_EXIT_OK;
}
