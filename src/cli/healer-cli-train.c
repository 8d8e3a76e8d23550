/* healer-cli-train.c — systemhealer-cli train
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "healer-calibrate.h"
#include "healer-cli.h"
#include "healer-trainer.h"

typedef struct
{
  gboolean  show;
  GArray   *epoch_seconds;   /* of double, every epoch of every member */
  gint64    last_importance_us;
} TrainProgress;

static void
on_progress (const HealerCalibrateProgress *cp,
             gpointer                       user_data)
{
  TrainProgress *state = user_data;
  const HealerTrainProgress *p = &cp->epoch;

  /* epoch_seconds describes the final model's epochs, as without calibration;
   * the importance's reports repeat the last epoch. */
  if (cp->fold == 0 && p->importance_total == 0)
    g_array_append_val (state->epoch_seconds, p->epoch_seconds);

  if (!state->show)
    return;

  if (p->importance_total > 0)
    {
      gint64 now = g_get_monotonic_time ();

      /* One report per KPI: a terminal needs a few a second. */
      if (p->importance_done < p->importance_total && now - state->last_importance_us < 100000)
        return;
      state->last_importance_us = now;
      fputc ('\r', stderr);
      fprintf (stderr, _("Importance: KPI %u/%u"), p->importance_done, p->importance_total);
      if (isfinite (p->eta_seconds))
        fprintf (stderr, _("  %.0f s left "), p->eta_seconds);
      fputs ("                                        ", stderr);
      fflush (stderr);
      return;
    }

  /* Back to the start of the line: each report overwrites the last. */
  fputc ('\r', stderr);
  if (cp->fold > 0)
    fprintf (stderr, _("Calibration fold %u/%u  "), cp->fold, cp->n_folds);
  else if (cp->n_folds > 0)
    fputs (_("Final model  "), stderr);
  if (p->n_members > 1)
    fprintf (stderr, _("Model %u/%u  "), p->member + 1, p->n_members);

  fprintf (stderr, _("Epoch %u/%u  loss %.4f"), p->epoch, p->n_epochs, p->train_loss);
  if (!isnan (p->val_loss))
    fprintf (stderr, _("  validation loss %.4f  macro-F1 %.3f"), p->val_loss, p->val_macro_f1);
  /* The whole job's time left (the final model and its folds), from the
   * rate measured after a warm-up; unknown until then (healer-eta.h). */
  if (!isnan (cp->eta_seconds))
    fprintf (stderr, _("  %.0f s left "), cp->eta_seconds);
  else
    fputs (_("  estimating the time left… "), stderr);
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

int
healer_cli_train (int    argc,
                  char **argv)
{
  g_auto(HealerCliTrainOptions) opts = { 0 };
  g_autofree char *output = NULL;
  g_autofree GOptionEntry *entries = NULL;
  gboolean json = FALSE, quiet = FALSE, to_stdout;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerModel) model = NULL;
  TrainProgress progress = { 0 };
  const HealerTrainConfig *config = &opts.config;
  gint calibration_folds = HEALER_CALIBRATION_FOLDS_DEFAULT;
  double coverage = HEALER_COVERAGE_DEFAULT;
  const GOptionEntry own[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the model to FILE (required; “-”: standard output)"), N_("FILE") },
    { "calibration-folds", 0, 0, G_OPTION_ARG_INT, &calibration_folds, N_("Cross-fit on K folds for the model's estimate, prediction sets and uncertain flag (default 5; 0 turns it off; 1 is not a cross-fitting)"), N_("K") },
    { "coverage", 0, 0, G_OPTION_ARG_DOUBLE, &coverage, N_("Share of rows whose prediction set holds the true class (default 0.95)"), N_("FRACTION") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the result as JSON on standard output"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not show progress"), NULL },
    { NULL }
  };

  healer_cli_train_options_init (&opts);
  entries = healer_cli_train_options_entries (&opts, own);
  if (!healer_cli_parse ("train", _("DATA.csv -o MODEL.json"),
                         _("Train an MLP on a labelled CSV file (columns: optional sample_id, "
                           "numeric KPI columns, label)."),
                         entries, &argc, &argv))
    return HEALER_EXIT_USAGE;

  if (argc != 2)
    return healer_cli_usage_error ("train", _("expected one data file, got %d"), argc - 1);
  if (output == NULL)
    return healer_cli_usage_error ("train", _("missing --output FILE"));
  if (!healer_cli_train_options_apply (&opts, &error))
    return healer_cli_usage_error ("train", "%s", error->message);
  /* The option table checked the ranges; one fold is inside it but no
   * cross-fitting. */
  if (calibration_folds == 1)
    return healer_cli_usage_error ("train", _("--calibration-folds must be 0 or from 2 to %d"),
                                   HEALER_CV_MAX_FOLDS);
  /* "-o -" writes the model to standard output; the report then goes to
   * standard error, and --json has no room. So does "-o /dev/stdout",
   * whose --json healer_cli_check_files refuses. */
  to_stdout = healer_cli_is_stdout (output);
  if (json && strcmp (output, "-") == 0)
    return healer_cli_usage_error ("train", _("--json needs --output FILE"));
  {
    const char *inputs[] = { argv[1], NULL };
    const HealerCliOutput outputs[] = {
      { "--output", output, N_("the model") }, { NULL, NULL, NULL }
    };
    int status = healer_cli_check_files ("train", inputs, outputs,
                                         json ? _("the JSON summary") : NULL);

    if (status != HEALER_EXIT_OK)
      return status;
  }

  data = healer_dataset_load (argv[1], NULL, &error);
  if (data == NULL)
    return healer_cli_fail (error);

  {
    /* Not an error: the rest can still be trained on. But a column or a
     * row with nothing in it is usually a collection or export fault. */
    g_autofree char *gaps = healer_dataset_describe_gaps (data);

    if (gaps != NULL)
      fprintf (stderr, _("systemhealer-cli: warning: %s: %s; they teach the model nothing.\n"),
               healer_cli_safe (healer_dataset_get_source_name (data)), gaps);
  }

  progress.show = !quiet && healer_cli_stderr_is_terminal ();
  progress.epoch_seconds = g_array_new (FALSE, FALSE, sizeof (double));

  model = healer_train_calibrated (data, config, (guint) calibration_folds, coverage, NULL,
                                   on_progress, &progress, &error);
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
  {
    g_autofree char *why = healer_calibrate_why_no_estimate (data, (guint) calibration_folds, model);

    g_autofree char *fewer = healer_calibrate_why_fewer_folds (data, (guint) calibration_folds,
                                                               model);

    if (why != NULL)
      fprintf (stderr, _("systemhealer-cli: warning: no out-of-fold estimate: %s. The model has "
                         "no honest quality figure, and its prediction sets hold its top class "
                         "only.\n"), why);
    if (fewer != NULL)
      fprintf (stderr, _("systemhealer-cli: note: cross-fitting %s.\n"), fewer);
  }

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
      json_builder_set_member_name (builder, "estimate");
      healer_estimate_to_json (model->estimate, builder);
      add_metrics (builder, "train_metrics", model->train_metrics);
      add_metrics (builder, "validation_metrics", model->validation_metrics);
      json_builder_end_object (builder);
      healer_cli_print_json (builder);
    }
  else if (to_stdout)
    {
      /* Standard output holds the model: the summary goes beside it. */
      fprintf (stderr, _("Trained on %zu rows (%zu duplicates removed), "
                         "%u epochs, best epoch %u (%s).\n"),
               model->n_train_rows, model->n_duplicates_removed, model->history.n_epochs,
               model->best_epoch, healer_train_status_to_string (model->status));
    }
  else
    {
      printf (_("Trained on %zu rows (%zu duplicates removed), "
                "%u epochs, best epoch %u (%s).\n"),
              model->n_train_rows, model->n_duplicates_removed, model->history.n_epochs,
              model->best_epoch, healer_train_status_to_string (model->status));
      if (model->estimate != NULL)
        {
          printf ("\n");
          healer_cli_print_estimate (model);
        }
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
