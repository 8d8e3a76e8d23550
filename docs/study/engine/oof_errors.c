/* oof_errors.c — which rows the default model gets wrong, repeat after repeat
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: oof_errors DATA.csv [SEED]
 *
 * Runs healer_cross_validate with the defaults (as "systemhealer-cli cv
 * --seed SEED") and prints, for every row misclassified in at least one
 * repeat, its index, its class and its out-of-fold prediction in each
 * repeat; then how many rows were wrong in 0, 1, 2 and 3 repeats.
 */

#include "cv-common.h"

int
main (int    argc,
      char **argv)
{
  guint64 seed;
  g_autoptr(HealerDataset) data = study_load (argc, argv, &seed);
  g_autoptr(HealerCvResult) res = NULL;
  g_autoptr(GError) error = NULL;
  guint hist[STUDY_REPEATS + 1] = { 0 };
  HealerTrainConfig config;

  healer_train_config_init_default (&config);
  config.seed = seed;
  res = healer_cross_validate (data, &config, STUDY_FOLDS, STUDY_REPEATS, seed, NULL, NULL,
                               NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < res->n_rows; i++)
    {
      guint wrong = 0;

      for (guint r = 0; r < STUDY_REPEATS; r++)
        wrong += res->predicted[r * res->n_rows + i] != res->y[i];
      hist[wrong]++;
      if (wrong == 0)
        continue;
      printf ("row %zu class %d predicted", i, res->class_ids[res->y[i]]);
      for (guint r = 0; r < STUDY_REPEATS; r++)
        printf (" %d", res->class_ids[res->predicted[r * res->n_rows + i]]);
      printf ("\n");
    }
  printf ("rows wrong in 0, 1, 2, 3 repeats: %u %u %u %u (macro-F1 %.4f)\n", hist[0], hist[1],
          hist[2], hist[3], res->mean_macro_f1);
  return 0;
}
