/* healer-cli-info.c — systemhealer-cli info and simulate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "healer-cli.h"
#include "healer-output.h"
#include "healer-simulate.h"

#define SIMULATE_CHUNK_ROWS 4096

static char *
format_hidden (const HealerModel *model)
{
  const HealerMlp *mlp = model->members[0];
  GString *s = g_string_new (NULL);

  for (guint i = 0; i <= healer_mlp_get_n_layers (mlp); i++)
    g_string_append_printf (s, "%s%u", i ? "-" : "", healer_mlp_get_size (mlp, i));
  return g_string_free (s, FALSE);
}

static void
info_json (const HealerModel *model,
           const char        *path)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *arch = format_hidden (model);
  g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc (model->created_unix);
  g_autofree char *created_str = created ? g_date_time_format_iso8601 (created) : NULL;
  g_autofree char *checksum = healer_model_weights_checksum (model);
  const HealerPreprocessor *pp = model->preprocessor;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "file");
  json_builder_add_string_value (builder, path);
  json_builder_set_member_name (builder, "app_version");
  json_builder_add_string_value (builder, model->app_version);
  json_builder_set_member_name (builder, "created");
  json_builder_add_string_value (builder, created_str);
  json_builder_set_member_name (builder, "features");
  json_builder_begin_array (builder);
  for (guint i = 0; i < pp->n_input; i++)
    json_builder_add_string_value (builder, pp->input_names[i]);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "classes");
  json_builder_begin_array (builder);
  for (guint c = 0; c < model->n_classes; c++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "id");
      json_builder_add_int_value (builder, model->class_ids[c]);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, model->class_names[c]);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "architecture");
  json_builder_add_string_value (builder, arch);
  json_builder_set_member_name (builder, "activation");
  json_builder_add_string_value (builder, healer_activation_to_string (model->config.activation));
  json_builder_set_member_name (builder, "ensemble");
  json_builder_add_int_value (builder, model->n_members);
  json_builder_set_member_name (builder, "inputs_after_preprocessing");
  json_builder_add_int_value (builder, pp->n_output);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, healer_train_status_to_string (model->status));
  json_builder_set_member_name (builder, "seed");
  json_builder_add_int_value (builder, (gint64) model->config.seed);
  healer_json_add_double (builder, "confidence_threshold", model->confidence_threshold);
  json_builder_set_member_name (builder, "weights_sha256");
  json_builder_add_string_value (builder, checksum);
  if (model->validation_metrics != NULL)
    {
      json_builder_set_member_name (builder, "validation_metrics");
      healer_metrics_to_json (model->validation_metrics, builder);
    }
  /* null for a model without cross-fitting or from before format 1.2. */
  json_builder_set_member_name (builder, "estimate");
  healer_estimate_to_json (model->estimate, builder);
  json_builder_set_member_name (builder, "prediction_sets");
  if (model->calibration != NULL)
    {
      json_builder_begin_object (builder);
      healer_json_add_double (builder, "coverage", model->coverage);
      healer_json_add_double (builder, "threshold", model->set_threshold);
      healer_json_add_int (builder, "calibration_rows", (gint64) model->calibration->n_rows);
      json_builder_end_object (builder);
    }
  else
    json_builder_add_null_value (builder);
  /* On the rows the model was fitted on: optimistic, never the estimate. */
  json_builder_set_member_name (builder, "training_rows_metrics");
  healer_metrics_to_json (model->train_metrics, builder);
  json_builder_end_object (builder);
  healer_cli_print_json (builder);
}

static void
info_text (const HealerModel *model,
           const char        *path)
{
  g_autofree char *arch = format_hidden (model);
  g_autoptr(GDateTime) created = g_date_time_new_from_unix_utc (model->created_unix);
  g_autofree char *created_str = created ? g_date_time_format (created, "%Y-%m-%d %H:%M:%S UTC") : NULL;
  g_autofree char *checksum = healer_model_weights_checksum (model);
  const HealerPreprocessor *pp = model->preprocessor;
  const HealerTrainConfig *c = &model->config;

  printf ("%-24s %s\n", _("Model file:"), path);
  printf ("%-24s SystemHealer %s, %s\n", _("Written by:"), healer_cli_safe (model->app_version),
          created_str ? created_str : "?");
  printf ("%-24s %u\n", _("KPIs (input columns):"), pp->n_input);
  printf ("%-24s %u (%u %s)\n", _("Network inputs:"), pp->n_output, pp->n_indicators,
          _("missing-value indicators"));
  printf ("%-24s", _("Classes:"));
  for (guint k = 0; k < model->n_classes; k++)
    printf ("%s%s", k ? ", " : " ", healer_cli_safe (model->class_names[k]));
  putchar ('\n');
  printf ("%-24s %s, %s\n", _("Architecture:"), arch, healer_activation_to_string (c->activation));
  printf ("%-24s %u\n", _("Ensemble size:"), model->n_members);
  printf ("%-24s ", _("Training:"));
  printf (_("%s, learning rate %g, batch %u, weight decay %g, dropout %g, seed %" PRIu64),
          healer_optimizer_to_string (c->optimizer), c->learning_rate, c->batch_size,
          c->weight_decay, c->dropout, (guint64) c->seed);
  /* Only when used, so the line of a model trained without them reads as before. */
  if (c->lr_schedule != HEALER_LR_CONSTANT)
    /* TRANSLATORS: %s is a learning-rate schedule: cosine */
    printf (_(", %s learning-rate schedule"), healer_lr_schedule_to_string (c->lr_schedule));
  if (c->input_noise > 0.0)
    printf (_(", input noise %g"), c->input_noise);
  if (c->label_smoothing > 0.0)
    printf (_(", label smoothing %g"), c->label_smoothing);
  printf ("\n%-24s ", _("Result:"));
  /* TRANSLATORS: %s is how training ended: completed, early-stopped, cancelled or diverged */
  printf (_("%s, %u epochs, best epoch %u, %zu rows"),
          healer_train_status_to_string (model->status), model->history.n_epochs,
          model->best_epoch, (size_t) model->n_train_rows);
  putchar ('\n');
  printf ("%-24s %.3f\n", _("Confidence threshold:"), model->confidence_threshold);
  printf ("%-24s %s\n", _("Weights SHA-256:"), checksum);
  if (model->calibration != NULL)
    printf ("%-24s %.0f %% (%s %.4f)\n", _("Prediction sets:"), 100.0 * model->coverage,
            _("probability threshold"), model->set_threshold);
  putchar ('\n');
  healer_cli_print_estimate (model);
  if (model->train_metrics != NULL)
    printf (_("On the training rows (optimistic): accuracy %.4f, macro-F1 %.4f\n"),
            model->train_metrics->accuracy, model->train_metrics->macro_f1);
  if (model->validation_metrics != NULL)
    {
      printf ("\n%s\n", _("On the held-out validation rows:"));
      healer_cli_print_metrics (model->validation_metrics, model);
    }
}

int
healer_cli_info (int    argc,
                 char **argv)
{
  gboolean json = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the description as JSON"), NULL },
    { NULL }
  };

  if (!healer_cli_parse ("info", _("MODEL.json"),
                         _("Describe a model file: its KPIs, classes, architecture, training "
                           "settings and validation metrics. The file is verified first."),
                         entries, &argc, &argv))
    return HEALER_EXIT_USAGE;
  if (argc != 2)
    return healer_cli_usage_error ("info", _("expected one model file"));
  {
    const char *inputs[] = { argv[1], NULL };
    int status = healer_cli_check_files ("info", inputs, NULL, NULL);

    if (status != HEALER_EXIT_OK)
      return status;
  }

  model = healer_model_load (argv[1], &error);
  if (model == NULL)
    return healer_cli_fail (error);

  if (json)
    info_json (model, argv[1]);
  else
    info_text (model, argv[1]);
  return HEALER_EXIT_OK;
}

int
healer_cli_simulate (int    argc,
                     char **argv)
{
  HealerSimulateConfig config;
  g_autofree char *output = NULL;
  gint64 samples, seed, cluster;
  gint features, classes, nodes;
  g_autoptr(HealerSimulateStream) stream = NULL;
  g_autoptr(HealerOutput) out = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GError) error = NULL;

  healer_simulate_config_init_default (&config);
  samples = config.n_samples;
  seed = config.seed;
  cluster = config.cluster_seed;
  features = config.n_features;
  classes = config.n_classes;
  nodes = config.n_nodes;

  {
    const GOptionEntry entries[] = {
      { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the CSV to FILE (required; “-”: standard output)"), N_("FILE") },
      { "samples", 'n', 0, G_OPTION_ARG_INT64, &samples, N_("Number of samples"), N_("N") },
      { "features", 0, 0, G_OPTION_ARG_INT, &features, N_("Number of KPI columns"), N_("N") },
      { "classes", 0, 0, G_OPTION_ARG_INT, &classes, N_("Number of classes (class 0 is normal operation)"), N_("N") },
      { "nodes", 0, 0, G_OPTION_ARG_INT, &nodes, N_("Number of nodes in the simulated cluster"), N_("N") },
      { "missing-rate", 0, 0, G_OPTION_ARG_DOUBLE, &config.missing_rate, N_("Share of empty cells"), N_("F") },
      { "noise", 0, 0, G_OPTION_ARG_DOUBLE, &config.noise, N_("Relative noise level"), N_("F") },
      { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Random seed of the samples; the same seed gives the same file"), N_("N") },
      { "cluster", 0, 0, G_OPTION_ARG_INT64, &cluster, N_("Which simulated cluster (topology and KPI baselines); files with the same cluster and other seeds are new samples of the same system"), N_("N") },
      { NULL }
    };

    if (!healer_cli_parse ("simulate", _("-o DATA.csv"),
                           _("Write a labelled demo data set in the layout of real KPI data: "
                             "faults injected at one node of a simulated cluster, their effects "
                             "spreading to its neighbours."),
                           entries, &argc, &argv))
      return HEALER_EXIT_USAGE;
  }

  if (argc != 1)
    return healer_cli_usage_error ("simulate", _("unexpected argument “%s”"), argv[1]);
  if (output == NULL)
    return healer_cli_usage_error ("simulate", _("missing --output FILE"));
  /* Every number was checked against the option table's ranges
   * (healer-cli-options.c) while parsing. */

  config.n_samples = samples;
  config.seed = seed;
  config.cluster_seed = cluster;
  config.n_features = features;
  config.n_classes = classes;
  config.n_nodes = nodes;

  /* Streamed a chunk at a time: memory stays bounded whatever --samples
   * (issue 13, family 10). */
  stream = healer_simulate_stream_new (&config);
  g_assert (stream != NULL);
  out = healer_output_open (output, &error);
  if (out == NULL)
    return healer_cli_fail (error);
  for (gboolean first = TRUE;; first = FALSE)
    {
      g_autoptr(HealerDataset) chunk = healer_simulate_stream_next (stream, SIMULATE_CHUNK_ROWS);

      g_string_truncate (text, 0);
      if (first)
        healer_dataset_append_csv_header (chunk, text);
      healer_dataset_append_csv_rows (chunk, text);
      if (!healer_output_write (out, text->str, text->len, &error))
        return healer_cli_fail (error);
      if (chunk->n_rows == 0)
        break;
    }
  if (!healer_output_commit (g_steal_pointer (&out), &error))
    return healer_cli_fail (error);
  /* Not an error, the file is what was asked for; but such cells are the
   * noise's doing, not a system's, and are said. */
  if (healer_simulate_stream_get_n_clamped (stream) > 0)
    fprintf (stderr, _("systemhealer-cli: note: %zu cells passed the range of "
                       "32-bit floats at --noise %g and were written as the largest float "
                       "(±3.40282347e+38) or as 0\n"),
             healer_simulate_stream_get_n_clamped (stream), config.noise);

  return HEALER_EXIT_OK;
}
