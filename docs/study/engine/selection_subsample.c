/* selection_subsample.c — an ensemble averaged over resampled feature selections
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: selection_subsample DATA.csv [SEED] [bootstrap]
 *
 * Per fold, five networks (the default settings, one network each, seeds
 * train_seed … + 4): network m keeps the KPIs that the default mutual-
 * information rule selects on a random 80 % of the training rows drawn
 * without replacement (with "bootstrap": on n rows drawn with replacement),
 * and is then trained on every training row with those KPIs. Their
 * probabilities are averaged, as the default ensemble's are.
 */

#include <string.h>

#include "cv-common.h"

#define MEMBERS 5

static void
predict (const StudyFold *f,
         float           *proba,
         gpointer         user_data)
{
  gboolean bootstrap = GPOINTER_TO_INT (user_data);
  g_autofree float *q = g_new (float, f->n_test * f->n_classes);

  for (guint m = 0; m < MEMBERS; m++)
    {
      HealerTrainConfig config;
      g_autofree gsize *rows = g_new (gsize, f->n_train);
      gsize n_fit = bootstrap ? f->n_train : (gsize) (0.8 * f->n_train);
      g_autoptr(HealerDataset) fit_rows = NULL;
      g_autoptr(HealerPreprocessor) pre = NULL;
      g_autofree const char **names = NULL;
      g_autoptr(HealerDataset) train = NULL;
      g_autoptr(HealerDataset) test = NULL;
      g_autoptr(HealerModel) model = NULL;
      g_autoptr(GError) error = NULL;
      HealerRng rng;

      healer_train_config_init_default (&config);
      healer_rng_init (&rng, (f->train_seed + m) ^ 0xB007);
      for (gsize i = 0; i < f->n_train; i++)
        rows[i] = bootstrap ? healer_rng_below (&rng, f->n_train) : i;
      if (!bootstrap)
        healer_rng_shuffle (&rng, rows, f->n_train);
      fit_rows = healer_dataset_subset (f->train, rows, n_fit);
      pre = healer_preprocessor_fit (fit_rows, &config.preprocess, &error);
      g_assert_no_error (error);

      names = g_new0 (const char *, pre->n_selected + 1);
      for (guint s = 0; s < pre->n_selected; s++)
        names[s] = pre->input_names[pre->selected[s]];
      train = healer_dataset_select_columns (f->train, names, FALSE, NULL, NULL, &error);
      g_assert_no_error (error);
      test = healer_dataset_select_columns (f->test, names, FALSE, NULL, NULL, &error);
      g_assert_no_error (error);

      config.ensemble = 1;
      config.seed = f->train_seed + m;
      config.explain = FALSE;
      config.preprocess.select = HEALER_SELECT_NONE;
      config.preprocess.select_k = 0;
      config.preprocess.select_min_ratio = 0;
      model = study_train (train, &config);
      healer_model_predict_proba (model, test, q);
      for (gsize i = 0; i < f->n_test * f->n_classes; i++)
        proba[i] += q[i] / MEMBERS;
    }
}

int
main (int    argc,
      char **argv)
{
  guint64 seed;
  g_autoptr(HealerDataset) data = study_load (argc, argv, &seed);
  gboolean bootstrap = argc > 3 && strcmp (argv[3], "bootstrap") == 0;

  study_cross_validate (data, seed, predict, GINT_TO_POINTER (bootstrap));
  return 0;
}
