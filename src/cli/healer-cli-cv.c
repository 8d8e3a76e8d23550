/* healer-cli-cv.c — systemhealer-cli cv
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <glib/gi18n-lib.h>

#include "healer-calibrate.h"
#include "healer-cli.h"
#include "healer-cv.h"
#include "healer-model-json.h"

#define HEALER_CLI_CV_DEFAULT_FOLDS    5
/* The figure is a mean over 3 seeds; the default reproduces it. */
#define HEALER_CLI_CV_DEFAULT_REPEATS  3

static void
on_progress (const HealerCvProgress *p,
             gpointer                user_data)
{
  g_autoptr(GString) line = g_string_new (NULL);

  g_string_append_printf (line, _("Repeat %u/%u  fold %u/%u"), p->repeat + 1, p->n_repeats,
                          p->fold + 1, p->n_folds);
  if (p->epoch != NULL)
    {
      if (p->epoch->n_members > 1)
        g_string_append_printf (line, _("  model %u/%u"), p->epoch->member + 1,
                                p->epoch->n_members);
      g_string_append_printf (line, _("  epoch %u/%u"), p->epoch->epoch, p->epoch->n_epochs);
    }
  if (!isnan (p->mean_macro_f1))
    g_string_append_printf (line, _("  mean macro-F1 so far %.4f"), p->mean_macro_f1);
  if (!isnan (p->eta_seconds))
    g_string_append_printf (line, _("  %.0f s left"), p->eta_seconds);
  else
    g_string_append (line, _("  estimating the time left…"));
  /* Padded so a shorter report overwrites the whole of a longer one. */
  fprintf (stderr, "\r%-90s", line->str);
  fflush (stderr);
}

/* Text */

static char **
class_names_new (const HealerCvResult *res)
{
  char **names = g_new0 (char *, res->n_classes + 1);

  for (guint c = 0; c < res->n_classes; c++)
    names[c] = healer_class_default_name (res->class_ids[c]);
  return names;
}

static void
print_folds (const HealerCvResult *res)
{
  printf ("%6s %5s %6s %6s %9s %9s %7s %8s\n", _("Repeat"), _("Fold"), _("Train"), _("Test"),
          _("Accuracy"), _("Macro-F1"), _("Epochs"), _("Seconds"));
  for (guint i = 0; i < res->n_folds * res->n_repeats; i++)
    {
      const HealerCvFold *f = &res->folds[i];

      printf ("%6u %5u %6" G_GSIZE_FORMAT " %6" G_GSIZE_FORMAT " %9.4f %9.4f %7u %8.1f%s\n",
              f->repeat + 1, f->fold + 1, f->n_train, f->n_test, f->metrics->accuracy,
              f->metrics->macro_f1, f->epochs_run, f->seconds,
              f->status == HEALER_TRAIN_DIVERGED ? _("  (diverged)") : "");
    }

  printf ("\n%6s %10s %13s %9s %9s\n", _("Repeat"), _("Fold seed"), _("Training seed"),
          _("Accuracy"), _("Macro-F1"));
  for (guint r = 0; r < res->n_repeats; r++)
    printf ("%6u %10" G_GUINT64_FORMAT " %13" G_GUINT64_FORMAT " %9.4f %9.4f\n",
            r + 1, res->repeats[r].fold_seed, res->repeats[r].train_seed,
            res->repeats[r].accuracy, res->repeats[r].macro_f1);
}

static void
print_summary (const HealerCvResult *res)
{
  g_autofree char *how = NULL;
  double f1_std = res->std_macro_f1, acc_std = res->std_accuracy;

  if (res->n_repeats > 1)
    how = g_strdup_printf (_("mean ± std over %u repeats of %u folds"),
                           res->n_repeats, res->n_folds);
  else
    {
      /* One repeat has no spread between repeats; that of the folds is the
       * next best thing, and is labelled as such. */
      how = g_strdup_printf (_("mean ± std over the %u folds of 1 repeat"), res->n_folds);
      f1_std = res->fold_std_macro_f1;
      acc_std = res->fold_std_accuracy;
    }
  printf ("\n%s %.4f ± %.4f (%s)\n", _("macro-F1"), res->mean_macro_f1, f1_std, how);
  printf ("%s %.4f ± %.4f (%s)\n", _("accuracy"), res->mean_accuracy, acc_std, how);
  if (res->n_repeats > 1)
    printf (_("Spread of single folds (std): macro-F1 %.4f, accuracy %.4f\n"),
            res->fold_std_macro_f1, res->fold_std_accuracy);
}

static void
print_text (const HealerCvResult *res,
            const HealerEstimate *sets,
            gsize                 n_read)
{
  g_auto(GStrv) names = class_names_new (res);

  printf (_("Cross-validation of %s: %zu rows (%zu read, %zu"
            " duplicates removed), %u classes; stratified %u-fold, "
            "%u repeats.\n\n"),
          healer_dataset_get_source_name (res->data), res->n_rows, n_read,
          res->n_duplicates_removed, res->n_classes, res->n_folds, res->n_repeats);
  print_folds (res);
  print_summary (res);

  printf ("\n%s\n", _("Per-class F1 over every fold (mean ± std):"));
  for (guint c = 0; c < res->n_classes; c++)
    printf ("%-12s %.4f ± %.4f\n", healer_cli_safe (names[c]), res->mean_class_f1[c], res->std_class_f1[c]);

  printf ("\n");
  printf (_("Pooled out-of-fold predictions (each row once per repeat, %zu"
            " in all):\n"), res->pooled->n_samples);
  healer_cli_print_metrics_for_classes (res->pooled, (const char * const *) names,
                                        res->class_ids);
  printf ("\n");
  printf ("%s\n", _("Prediction sets and the uncertain flag, each fold's rows measured with "
                    "thresholds fitted on the other folds' out-of-fold predictions (out-of-range "
                    "rows, flagged by the model itself, not counted):"));
  printf ("%-26s %.4f\n", _("Calibration error:"), sets->calibration_error);
  printf ("%-26s %.0f %%\n", _("Prediction sets for:"), 100.0 * sets->coverage);
  printf ("%-26s %.4f\n", _("Set coverage:"), sets->set_coverage);
  printf ("%-26s %.3f\n", _("Mean set size:"), sets->mean_set_size);
  printf ("%-26s %.4f\n", _("Flagged uncertain:"), sets->flagged_share);
  printf ("%-26s %.4f\n", _("Wrong diagnoses flagged:"), sets->errors_flagged);
  printf ("\n");
  printf (_("Elapsed: %.1f s\n"), res->elapsed_seconds);
}

/* JSON */

static void
add_seed (JsonBuilder *b,
          const char  *name,
          guint64      seed)
{
  char text[32];

  /* A string, as in model files: JSON readers commonly lose integers above 2^53. */
  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, seed);
  healer_json_add_string (b, name, text);
}

static void
add_config (JsonBuilder             *b,
            const HealerTrainConfig *c)
{
  json_builder_set_member_name (b, "config");
  json_builder_begin_object (b);
  healer_train_config_add_members (b, c);
  healer_preprocess_config_add_members (b, &c->preprocess);
  json_builder_end_object (b);
}

static void
add_folds (JsonBuilder          *b,
           const HealerCvResult *res)
{
  json_builder_set_member_name (b, "folds");
  json_builder_begin_array (b);
  for (guint i = 0; i < res->n_folds * res->n_repeats; i++)
    {
      const HealerCvFold *f = &res->folds[i];

      json_builder_begin_object (b);
      healer_json_add_int (b, "repeat", f->repeat);
      healer_json_add_int (b, "fold", f->fold);
      healer_json_add_int (b, "n_train", (gint64) f->n_train);
      healer_json_add_int (b, "n_test", (gint64) f->n_test);
      healer_json_add_int (b, "epochs_run", f->epochs_run);
      healer_json_add_int (b, "best_epoch", f->best_epoch);
      healer_json_add_string (b, "status", healer_train_status_to_string (f->status));
      healer_json_add_double (b, "seconds", f->seconds);
      json_builder_set_member_name (b, "metrics");
      healer_metrics_to_json (f->metrics, b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "repeats");
  json_builder_begin_array (b);
  for (guint r = 0; r < res->n_repeats; r++)
    {
      json_builder_begin_object (b);
      healer_json_add_int (b, "repeat", r);
      add_seed (b, "fold_seed", res->repeats[r].fold_seed);
      add_seed (b, "train_seed", res->repeats[r].train_seed);
      healer_json_add_double (b, "accuracy", res->repeats[r].accuracy);
      healer_json_add_double (b, "macro_f1", res->repeats[r].macro_f1);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
add_summary (JsonBuilder          *b,
             const HealerCvResult *res,
             const HealerEstimate *sets)
{
  json_builder_set_member_name (b, "summary");
  json_builder_begin_object (b);
  healer_json_add_double (b, "mean_accuracy", res->mean_accuracy);
  healer_json_add_double (b, "std_accuracy", res->std_accuracy);
  healer_json_add_double (b, "mean_macro_f1", res->mean_macro_f1);
  healer_json_add_double (b, "std_macro_f1", res->std_macro_f1);
  healer_json_add_string (b, "std_over", "repeats");
  healer_json_add_double (b, "fold_std_accuracy", res->fold_std_accuracy);
  healer_json_add_double (b, "fold_std_macro_f1", res->fold_std_macro_f1);
  healer_json_add_doubles (b, "mean_class_f1", res->mean_class_f1, res->n_classes);
  healer_json_add_doubles (b, "std_class_f1", res->std_class_f1, res->n_classes);
  json_builder_set_member_name (b, "pooled");
  healer_metrics_to_json (res->pooled, b);
  /* What train --calibration-folds would store, for these folds. */
  json_builder_set_member_name (b, "estimate");
  healer_estimate_to_json (sets, b);
  healer_json_add_double (b, "elapsed_seconds", res->elapsed_seconds);
  json_builder_end_object (b);
}

static void
print_json (const HealerCvResult *res,
            const HealerEstimate *sets,
            gsize                 n_read)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  healer_json_add_string (b, "data", healer_dataset_get_source_name (res->data));
  healer_json_add_int (b, "rows_read", (gint64) n_read);
  healer_json_add_int (b, "rows", (gint64) res->n_rows);
  healer_json_add_int (b, "duplicates_removed", (gint64) res->n_duplicates_removed);
  json_builder_set_member_name (b, "class_ids");
  json_builder_begin_array (b);
  for (guint c = 0; c < res->n_classes; c++)
    json_builder_add_int_value (b, res->class_ids[c]);
  json_builder_end_array (b);
  healer_json_add_int (b, "n_folds", res->n_folds);
  healer_json_add_int (b, "n_repeats", res->n_repeats);
  add_seed (b, "fold_seed", res->seed);
  add_config (b, &res->config);
  add_folds (b, res);
  add_summary (b, res, sets);
  json_builder_end_object (b);
  healer_cli_print_json (b);
}

int
healer_cli_cv (int    argc,
               char **argv)
{
  g_auto(HealerCliTrainOptions) opts = { 0 };
  g_autofree GOptionEntry *entries = NULL;
  gint folds = HEALER_CLI_CV_DEFAULT_FOLDS, repeats = HEALER_CLI_CV_DEFAULT_REPEATS;
  gint64 fold_seed = G_MININT64;   /* not given */
  gboolean json = FALSE, quiet = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerCvResult) res = NULL;
  g_autoptr(HealerEstimate) sets = NULL;
  double coverage = HEALER_COVERAGE_DEFAULT;
  gboolean show;
  const GOptionEntry own[] = {
    { "folds", 'k', 0, G_OPTION_ARG_INT, &folds, N_("Number of folds (default 5)"), N_("K") },
    { "repeats", 'r', 0, G_OPTION_ARG_INT, &repeats, N_("Repeats with new folds and new seeds (default 3)"), N_("N") },
    { "fold-seed", 0, 0, G_OPTION_ARG_INT64, &fold_seed, N_("Seed of the fold assignment of the first repeat (default: the --seed value)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print every fold, repeat and the summary as JSON on standard output"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not show progress"), NULL },
    { "coverage", 0, 0, G_OPTION_ARG_DOUBLE, &coverage, N_("Share of rows whose prediction set holds the true class (default 0.95)"), N_("FRACTION") },
    { NULL }
  };

  healer_cli_train_options_init (&opts);
  entries = healer_cli_train_options_entries (&opts, own);
  if (!healer_cli_parse ("cv", _("DATA.csv"),
                         _("Stratified k-fold cross-validation of the training settings on a "
                           "labelled CSV file: repeat r uses folds drawn with seed "
                           "fold-seed + r and trains with seed + r × ensemble. Takes every "
                           "option of “train” except --output."),
                         entries, &argc, &argv))
    return HEALER_EXIT_USAGE;

  if (argc != 2)
    return healer_cli_usage_error ("cv", _("expected one data file, got %d"), argc - 1);
  /* --folds, --repeats and --fold-seed were checked against the option
   * table's ranges (healer-cli-options.c) while parsing. */
  if (!healer_cli_train_options_apply (&opts, &error))
    return healer_cli_usage_error ("cv", "%s", error->message);
  if (fold_seed == G_MININT64)
    fold_seed = (gint64) opts.config.seed;
  {
    const char *inputs[] = { argv[1], NULL };
    int status = healer_cli_check_files ("cv", inputs, NULL, NULL);

    if (status != HEALER_EXIT_OK)
      return status;
  }

  data = healer_dataset_load (argv[1], NULL, &error);
  if (data == NULL)
    return healer_cli_fail (error);

  show = !quiet && healer_cli_stderr_is_terminal ();
  res = healer_cross_validate (data, &opts.config, folds, repeats, (guint64) fold_seed, NULL,
                               show ? on_progress : NULL, NULL, &error);
  if (show)
    fputc ('\n', stderr);
  if (res == NULL)
    return healer_cli_fail (error);

  sets = healer_estimate_from_cv (res, coverage);
  if (json)
    print_json (res, sets, data->n_rows);
  else
    print_text (res, sets, data->n_rows);
  return HEALER_EXIT_OK;
}
