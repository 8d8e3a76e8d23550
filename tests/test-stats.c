/* test-stats.c — per-KPI figures, class counts and duplicates of a table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "healer-dataset.h"
#include "healer-simulate.h"
#include "healer-stats.h"

static HealerDataset *
from_csv (const char *csv)
{
  g_autoptr(GError) error = NULL;
  HealerDataset *ds = healer_dataset_load_from_data ("t.csv", csv, strlen (csv), &error);

  g_assert_no_error (error);
  g_assert_nonnull (ds);
  return ds;
}

static HealerStats *
stats_of (const HealerDataset *ds)
{
  g_autoptr(GError) error = NULL;
  HealerStats *stats = healer_stats_compute (ds, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (stats);
  return stats;
}

static void
test_stats_known_table (void)
{
  /* Column a: 4 values (even count), b: one missing, c: all missing. */
  g_autoptr(HealerDataset) ds = from_csv ("a,b,c,label\n"
                                          "3,10,,0\n"
                                          "-1,,NA,2\n"
                                          "7,30,,2\n"
                                          "2.5,20,,2\n");
  g_autoptr(HealerStats) s = stats_of (ds);

  g_assert_cmpuint (s->n_rows, ==, 4);
  g_assert_cmpuint (s->n_features, ==, 3);

  g_assert_cmpfloat (s->columns[0].min, ==, -1.0);
  g_assert_cmpfloat (s->columns[0].max, ==, 7.0);
  g_assert_cmpfloat (s->columns[0].median, ==, (2.5 + 3.0) / 2);
  g_assert_cmpfloat_with_epsilon (s->columns[0].mean, 11.5 / 4, 1e-12);
  g_assert_cmpuint (s->columns[0].n_missing, ==, 0);

  g_assert_cmpfloat (s->columns[1].min, ==, 10.0);
  g_assert_cmpfloat (s->columns[1].median, ==, 20.0);
  g_assert_cmpfloat (s->columns[1].max, ==, 30.0);
  g_assert_cmpfloat_with_epsilon (s->columns[1].mean, 20.0, 1e-12);
  g_assert_cmpuint (s->columns[1].n_missing, ==, 1);
  g_assert_cmpfloat_with_epsilon (healer_stats_column_missing_percent (s, 1), 25.0, 1e-12);

  g_assert_true (isnan (s->columns[2].min));
  g_assert_true (isnan (s->columns[2].median));
  g_assert_true (isnan (s->columns[2].max));
  g_assert_true (isnan (s->columns[2].mean));
  g_assert_cmpuint (s->columns[2].n_missing, ==, 4);

  g_assert_cmpuint (s->n_missing, ==, 5);
  g_assert_cmpfloat_with_epsilon (healer_stats_missing_percent (s), 500.0 / 12, 1e-9);

  g_assert_true (s->has_labels);
  g_assert_cmpuint (s->n_classes, ==, 3);
  g_assert_cmpuint (s->class_counts[0], ==, 1);
  g_assert_cmpuint (s->class_counts[1], ==, 0);
  g_assert_cmpuint (s->class_counts[2], ==, 3);
  g_assert_cmpuint (s->n_duplicates, ==, 0);
}

static void
test_stats_duplicates (void)
{
  /* Rows 3 and 5 repeat row 1 (missing equals missing, -0 equals 0, ids
   * ignored); row 4 differs only by its label; row 6 repeats row 2. */
  g_autoptr(HealerDataset) ds = from_csv ("sample_id,x,y,label\n"
                                          "r1,1,,0\n"
                                          "r2,0,5,1\n"
                                          "r3,1,NaN,0\n"
                                          "r4,1,,1\n"
                                          "r5,1.0,,0\n"
                                          "r6,-0,5,1\n");
  g_autoptr(HealerStats) s = stats_of (ds);

  g_assert_cmpuint (s->n_duplicates, ==, 3);
  g_assert_cmpuint (s->class_counts[0], ==, 3);
  g_assert_cmpuint (s->class_counts[1], ==, 3);
}

static void
test_stats_unlabelled (void)
{
  g_autoptr(HealerDataset) ds = from_csv ("a,b\n1,2\n1,2\n1,2\n");
  g_autoptr(HealerStats) s = stats_of (ds);

  g_assert_false (s->has_labels);
  g_assert_cmpuint (s->n_classes, ==, 0);
  g_assert_null (s->class_counts);
  g_assert_cmpuint (s->n_duplicates, ==, 2);
  g_assert_cmpfloat (s->columns[1].median, ==, 2.0);
}

static int
compare_float (const void *a,
               const void *b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* The radix selection against a sort, on values across the whole float
 * range: negatives, tiny, huge, repeated, odd and even counts. */
static void
test_stats_median_matches_sort (void)
{
  GRand *rand = g_rand_new_with_seed (7);

  for (guint round = 0; round < 200; round++)
    {
      gsize n = 1 + g_rand_int_range (rand, 0, round < 100 ? 12 : 3000);
      g_autofree float *v = g_new (float, n);
      g_autofree float *sorted = NULL;
      double expected, got;

      for (gsize i = 0; i < n; i++)
        {
          switch (g_rand_int_range (rand, 0, 4))
            {
            case 0: v[i] = (float) g_rand_double_range (rand, -1e15, 1e15); break;
            case 1: v[i] = (float) g_rand_double_range (rand, -1e-3, 1e-3); break;
            case 2: v[i] = (float) g_rand_int_range (rand, -3, 3); break;
            default: v[i] = (float) g_rand_double_range (rand, 0, 100); break;
            }
        }
      sorted = g_memdup2 (v, n * sizeof (float));
      qsort (sorted, n, sizeof (float), compare_float);
      expected = n % 2 ? sorted[n / 2] : ((double) sorted[n / 2 - 1] + sorted[n / 2]) / 2;
      got = healer_stats_median (v, n);
      g_assert_cmpfloat (got, ==, expected);
    }
  g_assert_true (isnan (healer_stats_median (NULL, 0)));
  g_rand_free (rand);
}

static void
test_stats_cancelled (void)
{
  g_autoptr(HealerDataset) ds = from_csv ("a\n1\n2\n");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  HealerStats *s;

  g_cancellable_cancel (cancellable);
  s = healer_stats_compute (ds, cancellable, &error);
  g_assert_null (s);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* The simulator's table, checked column by column against a plain
 * computation, with its timing on the scale the app meets. */
static void
test_stats_simulated (void)
{
  HealerSimulateConfig config;
  g_autoptr(HealerDataset) ds = NULL;
  g_autoptr(HealerStats) s = NULL;
  g_autofree float *column = NULL;
  gint64 start;

  healer_simulate_config_init_default (&config);
  config.n_samples = 20000;
  ds = healer_simulate (&config);

  start = g_get_monotonic_time ();
  s = stats_of (ds);
  g_test_message ("stats of %zu × %u: %.1f ms", ds->n_rows, ds->n_features,
                  (g_get_monotonic_time () - start) / 1000.0);

  column = g_new (float, ds->n_rows);
  for (guint j = 0; j < ds->n_features; j++)
    {
      gsize n = 0, missing = 0;
      double expected;

      for (gsize i = 0; i < ds->n_rows; i++)
        {
          float v = healer_dataset_row (ds, i)[j];

          if (isnan (v))
            missing++;
          else
            column[n++] = v;
        }
      qsort (column, n, sizeof (float), compare_float);
      expected = n % 2 ? column[n / 2] : ((double) column[n / 2 - 1] + column[n / 2]) / 2;
      g_assert_cmpuint (s->columns[j].n_missing, ==, missing);
      g_assert_cmpfloat (s->columns[j].min, ==, column[0]);
      g_assert_cmpfloat (s->columns[j].max, ==, column[n - 1]);
      g_assert_cmpfloat (s->columns[j].median, ==, expected);
    }
  g_assert_cmpuint (s->n_classes, ==, config.n_classes);
  for (guint c = 0; c < s->n_classes; c++)
    {
      gsize expected = 0;

      for (gsize i = 0; i < ds->n_rows; i++)
        expected += ds->labels[i] == (gint32) c;
      g_assert_cmpuint (s->class_counts[c], ==, expected);
      g_assert_cmpuint (expected, >, 0);
    }
  /* Simulated samples carry noise: no two are alike. */
  g_assert_cmpuint (s->n_duplicates, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stats/known-table", test_stats_known_table);
  g_test_add_func ("/stats/duplicates", test_stats_duplicates);
  g_test_add_func ("/stats/unlabelled", test_stats_unlabelled);
  g_test_add_func ("/stats/median-matches-sort", test_stats_median_matches_sort);
  g_test_add_func ("/stats/cancelled", test_stats_cancelled);
  g_test_add_func ("/stats/simulated", test_stats_simulated);

  return g_test_run ();
}
