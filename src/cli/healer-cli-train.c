/* healer-cli-train.c — systemhealer-cli train
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "healer-cli.h"
#include "healer-trainer.h"

typedef struct
{
  gboolean  show;
  GArray   *epoch_seconds;   /* of double, every epoch of every member */
} TrainProgress;

static void
on_progress (const HealerTrainProgress *p,
             gpointer                   user_data)
{
  TrainProgress *state = user_data;

  g_array_append_val (state->epoch_seconds, p->epoch_seconds);

  if (!state->show)
    return;

  if (p->n_members > 1)
    fprintf (stderr, _("\rModel %u/%u  "), p->member + 1, p->n_members);
  else
    fputc ('\r', stderr);

  fprintf (stderr, _("Epoch %u/%u  loss %.4f"), p->epoch, p->n_epochs, p->train_loss);
  if (!isnan (p->val_loss))
    fprintf (stderr, _("  validation loss %.4f  macro-F1 %.3f"), p->val_loss, p->val_macro_f1);
  if (!isnan (p->eta_seconds))
    fprintf (stderr, _("  %.0f s left "), p->eta_seconds);
  fputs ("   ", stderr);
  fflush (stderr);
}

static void
add_metrics (JsonBuilder         *builder,
             const char          *name,
             const HealerMetrics *m)
{
  json_builder_set_member_name (builder, name);
  if (m == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }
  healer_metrics_to_json (m, builder);
}

static gboolean
parse_choice_options (HealerTrainConfig  *config,
                      const char         *activation,
                      const char         *optimizer,
                      const char         *impute,
                      const char         *transform,
                      const char         *hidden,
                      GError            **error)
{
  if (hidden != NULL && !healer_train_config_set_hidden (config, hidden, error))
    return FALSE;
  if (activation != NULL && !healer_activation_from_string (activation, &config->activation))
    return (g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("unknown activation “%s”; expected relu, leaky-relu or tanh"),
                         activation), FALSE);
  if (optimizer != NULL && !healer_optimizer_from_string (optimizer, &config->optimizer))
    return (g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("unknown optimizer “%s”; expected adam or sgd"), optimizer), FALSE);
  if (impute != NULL && !healer_impute_from_string (impute, &config->preprocess.impute))
    return (g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("unknown imputation “%s”; expected median or mean"), impute), FALSE);
  if (transform != NULL && !healer_transform_from_string (transform, &config->preprocess.transform))
    return (g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("unknown transform “%s”; expected none, signed-log or quantile"),
                         transform), FALSE);
  return TRUE;
}

int
healer_cli_train (int    argc,
                  char **argv)
{
  HealerTrainConfig config;
  g_autofree char *output = NULL;
  g_autofree char *hidden = NULL;
  g_autofree char *activation = NULL;
  g_autofree char *optimizer = NULL;
  g_autofree char *impute = NULL;
  g_autofree char *transform = NULL;
  gboolean json = FALSE, quiet = FALSE, no_indicators = FALSE, no_class_weights = FALSE;
  gboolean keep_duplicates = FALSE;
  gint batch_size, epochs, patience, ensemble, select_k = 0;
  gint64 seed;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerModel) model = NULL;
  TrainProgress progress = { 0 };

  healer_train_config_init_default (&config);
  batch_size = config.batch_size;
  epochs = config.epochs;
  patience = config.patience;
  ensemble = config.ensemble;
  seed = config.seed;

  {
    const GOptionEntry entries[] = {
      { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the model to FILE (required)"), N_("FILE") },
      { "hidden", 0, 0, G_OPTION_ARG_STRING, &hidden, N_("Hidden layer widths, e.g. 200,200,200"), N_("LIST") },
      { "activation", 0, 0, G_OPTION_ARG_STRING, &activation, N_("relu, leaky-relu or tanh"), N_("NAME") },
      { "optimizer", 0, 0, G_OPTION_ARG_STRING, &optimizer, N_("adam or sgd (with momentum)"), N_("NAME") },
      { "learning-rate", 0, 0, G_OPTION_ARG_DOUBLE, &config.learning_rate, N_("Step size"), N_("RATE") },
      { "momentum", 0, 0, G_OPTION_ARG_DOUBLE, &config.momentum, N_("Momentum of SGD"), N_("VALUE") },
      { "batch-size", 0, 0, G_OPTION_ARG_INT, &batch_size, N_("Rows per mini-batch"), N_("N") },
      { "epochs", 0, 0, G_OPTION_ARG_INT, &epochs, N_("Maximum number of passes over the data"), N_("N") },
      { "weight-decay", 0, 0, G_OPTION_ARG_DOUBLE, &config.weight_decay, N_("L2 penalty on the weights"), N_("VALUE") },
      { "dropout", 0, 0, G_OPTION_ARG_DOUBLE, &config.dropout, N_("Dropout probability of hidden units"), N_("P") },
      { "validation-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &config.validation_fraction, N_("Share of rows held out for early stopping (0 trains on every row)"), N_("F") },
      { "patience", 0, 0, G_OPTION_ARG_INT, &patience, N_("Epochs without improvement before stopping (0 turns early stopping off)"), N_("N") },
      { "ensemble", 0, 0, G_OPTION_ARG_INT, &ensemble, N_("Number of networks trained with successive seeds, probabilities averaged"), N_("N") },
      { "seed", 0, 0, G_OPTION_ARG_INT64, &seed, N_("Random seed; the same seed gives the same model file"), N_("N") },
      { "impute", 0, 0, G_OPTION_ARG_STRING, &impute, N_("Missing-value imputation: median or mean"), N_("NAME") },
      { "transform", 0, 0, G_OPTION_ARG_STRING, &transform, N_("Per-KPI transform: none, signed-log or quantile"), N_("NAME") },
      { "no-missing-indicators", 0, 0, G_OPTION_ARG_NONE, &no_indicators, N_("Do not add missing-value indicator columns"), NULL },
      { "select-k", 0, 0, G_OPTION_ARG_INT, &select_k, N_("Keep the K KPIs with the most mutual information with the label (0 keeps all)"), N_("K") },
      { "no-class-weights", 0, 0, G_OPTION_ARG_NONE, &no_class_weights, N_("Do not weight the loss by inverse class frequency"), NULL },
      { "keep-duplicates", 0, 0, G_OPTION_ARG_NONE, &keep_duplicates, N_("Keep duplicate rows"), NULL },
      { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON on standard output"), NULL },
      { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not show progress"), NULL },
      { NULL }
    };

    if (!healer_cli_parse ("train", _("DATA.csv -o MODEL.json"),
                           _("Train an MLP on a labelled CSV file (columns: optional sample_id, "
                             "numeric KPI columns, label)."),
                           entries, &argc, &argv))
      return HEALER_EXIT_USAGE;
  }

  if (argc != 2)
    return healer_cli_usage_error ("train", _("expected one data file, got %d"), argc - 1);
  if (output == NULL)
    return healer_cli_usage_error ("train", _("missing --output FILE"));
  if (batch_size < 1 || epochs < 1 || patience < 0 || ensemble < 1 || select_k < 0 || seed < 0)
    return healer_cli_usage_error ("train",
                                   _("--batch-size, --epochs and --ensemble must be positive, "
                                     "--patience, --select-k and --seed not negative"));

  config.batch_size = batch_size;
  config.epochs = epochs;
  config.patience = patience;
  config.ensemble = ensemble;
  config.seed = seed;
  config.preprocess.missing_indicators = config.preprocess.missing_indicators && !no_indicators;
  config.preprocess.class_weights = config.preprocess.class_weights && !no_class_weights;
  config.preprocess.drop_duplicates = config.preprocess.drop_duplicates && !keep_duplicates;
  if (select_k > 0)
    {
      config.preprocess.select = HEALER_SELECT_MUTUAL_INFO;
      config.preprocess.select_k = select_k;
    }

  if (!parse_choice_options (&config, activation, optimizer, impute, transform, hidden, &error) ||
      !healer_train_config_validate (&config, &error))
    return healer_cli_usage_error ("train", "%s", error->message);

  data = healer_dataset_load (argv[1], NULL, &error);
  if (data == NULL)
    return healer_cli_fail (error);

  progress.show = !quiet && healer_cli_stderr_is_terminal ();
  progress.epoch_seconds = g_array_new (FALSE, FALSE, sizeof (double));

  model = healer_train (data, &config, NULL, on_progress, &progress, &error);
  if (progress.show)
    fputc ('\n', stderr);
  if (model == NULL)
    {
      g_array_unref (progress.epoch_seconds);
      return healer_cli_fail (error);
    }

  if (model->status == HEALER_TRAIN_DIVERGED)
    fprintf (stderr, _("systemhealer-cli: warning: training diverged (the loss became infinite); "
                       "saved the best weights, from epoch %u. Try a lower --learning-rate.\n"),
             model->best_epoch);

  if (!healer_model_save (model, output, &error))
    {
      g_array_unref (progress.epoch_seconds);
      return healer_cli_fail (error);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "model");
      json_builder_add_string_value (builder, output);
      json_builder_set_member_name (builder, "status");
      json_builder_add_string_value (builder, healer_train_status_to_string (model->status));
      json_builder_set_member_name (builder, "rows");
      json_builder_add_int_value (builder, data->n_rows);
      json_builder_set_member_name (builder, "duplicates_removed");
      json_builder_add_int_value (builder, model->n_duplicates_removed);
      json_builder_set_member_name (builder, "epochs_run");
      json_builder_add_int_value (builder, model->history.n_epochs);
      json_builder_set_member_name (builder, "best_epoch");
      json_builder_add_int_value (builder, model->best_epoch);
      json_builder_set_member_name (builder, "epoch_seconds");
      json_builder_begin_array (builder);
      for (guint i = 0; i < progress.epoch_seconds->len; i++)
        json_builder_add_double_value (builder, g_array_index (progress.epoch_seconds, double, i));
      json_builder_end_array (builder);
      add_metrics (builder, "train_metrics", model->train_metrics);
      add_metrics (builder, "validation_metrics", model->validation_metrics);
      json_builder_end_object (builder);
      healer_cli_print_json (builder);
    }
  else
    {
      printf (_("Trained on %" G_GSIZE_FORMAT " rows (%" G_GSIZE_FORMAT " duplicates removed), "
                "%u epochs, best epoch %u (%s).\n"),
              model->n_train_rows, model->n_duplicates_removed, model->history.n_epochs,
              model->best_epoch, healer_train_status_to_string (model->status));
      if (model->validation_metrics != NULL)
        {
          printf ("\n%s\n", _("On the held-out validation rows:"));
          healer_cli_print_metrics (model->validation_metrics, model);
        }
      printf ("\n%s %s\n", _("Model written to"), output);
    }

  g_array_unref (progress.epoch_seconds);
  return HEALER_EXIT_OK;
}
