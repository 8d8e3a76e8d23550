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
  fprintf (stderr, "systemhealer-cli: %s: %s\n", what, list);
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

/* @aligned: the rows of @chunk in the model's input order, for the
 * out-of-distribution half of the uncertain flag. */
static gboolean
write_chunk (HealerOutput        *out,
             const HealerModel   *model,
             const HealerDataset *chunk,
             const HealerDataset *aligned,
             const float         *proba,
             gsize                first_row,
             gsize               *counts,
             gsize               *n_uncertain,
             GError             **error)
{
  g_autoptr(GString) line = g_string_sized_new (256);
  guint k = model->n_classes;
  char id[32];

  for (gsize i = 0; i < chunk->n_rows; i++)
    {
      const float *p = proba + i * k;
      guint best = healer_argmax (p, k);
      gboolean uncertain = healer_model_row_uncertain (model, healer_dataset_row (aligned, i), p);

      g_string_truncate (line, 0);
      /* Without a sample_id column, the 1-based row number. */
      if (chunk->sample_ids == NULL)
        g_snprintf (id, sizeof id, "%" G_GSIZE_FORMAT, first_row + i + 1);
      healer_predictions_append_row (line, chunk->sample_ids != NULL ? chunk->sample_ids[i] : id,
                                     model->class_ids, k, p, best, uncertain,
                                     chunk->labels != NULL ? &chunk->labels[i] : NULL);
      counts[best]++;
      *n_uncertain += uncertain;

      if (!healer_output_write (out, line->str, line->len, error))
        return FALSE;
    }

  return TRUE;
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
  g_autoptr(HealerCsvReader) reader = NULL;
  g_autoptr(HealerOutput) out = NULL;
  g_autofree gsize *counts = NULL;
  g_autofree float *proba = NULL;
  g_autoptr(HealerDrift) drift = NULL;
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

  reader = healer_csv_reader_new_for_path (argv[2], NULL, &error);
  if (reader == NULL)
    return healer_cli_fail (error);

  out = healer_output_open (output, &error);
  if (out == NULL)
    return healer_cli_fail (error);
  if (!write_header (out, model, healer_csv_reader_has_labels (reader), &error))
    return healer_cli_fail (error);

  counts = g_new0 (gsize, model->n_classes);
  proba = g_new (float, (gsize) chunk_rows * model->n_classes);
  if (json || drift_path != NULL)
    drift = healer_drift_new (model, model->config.seed);

  for (;;)
    {
      g_autoptr(HealerDataset) chunk = NULL;
      g_autoptr(HealerDataset) aligned = NULL;
      g_auto(GStrv) missing = NULL;
      g_auto(GStrv) extra = NULL;

      chunk = healer_csv_reader_read_chunk (reader, chunk_rows, NULL, &error);
      if (chunk == NULL)
        return healer_cli_fail (error);
      if (chunk->n_rows == 0 && !first)
        break;

      aligned = healer_model_align (model, chunk, &missing, &extra, &error);
      if (aligned == NULL)
        return healer_cli_fail (error);
      if (first)
        {
          report_columns (extra, _("ignoring columns the model does not use"));
          report_columns (missing, _("warning: columns absent from the file, diagnosed as "
                                     "missing (the model does not read them, so no result "
                                     "changes)"));
        }
      first = FALSE;
      if (chunk->n_rows == 0)
        break;

      healer_model_predict_proba (model, aligned, proba);
      if (!write_chunk (out, model, chunk, aligned, proba, n_rows, counts, &n_uncertain,
                        &error))
        return healer_cli_fail (error);
      if (drift != NULL)
        healer_drift_add (drift, aligned);
      n_rows += chunk->n_rows;
    }

  /* The report first: when it cannot be written, the results are not
   * committed either, and a failed command leaves nothing behind. */
  if (drift != NULL)
    report = healer_drift_report (drift);
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
