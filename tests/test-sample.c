/* test-sample.c — bounded, seeded samples of CSV files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "healer-sample.h"
#include "healer-simulate.h"
#include "healer-trainer.h"

static HealerModel *
small_model (HealerDataset *data)
{
  HealerTrainConfig config;
  g_autoptr(GError) error = NULL;
  HealerModel *model;

  healer_train_config_init_default (&config);
  config.epochs = 3;
  config.ensemble = 1;
  config.hidden[0] = 8;
  model = healer_train (data, &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return model;
}

static char *
write_data (HealerDataset *data)
{
  g_autoptr(GError) error = NULL;
  char *path = NULL;
  int fd = g_file_open_tmp ("healer-sample-XXXXXX.csv", &path, &error);

  g_assert_no_error (error);
  g_close (fd, NULL);
  g_assert_true (healer_dataset_save_csv (data, path, &error));
  g_assert_no_error (error);
  return path;
}

static HealerDataset *
simulated (gsize n)
{
  HealerSimulateConfig config;

  healer_simulate_config_init_default (&config);
  config.n_samples = n;
  config.seed = 11;
  return healer_simulate (&config);
}

static void
test_sample_all_rows (void)
{
  g_autoptr(HealerDataset) data = simulated (300);
  g_autoptr(HealerModel) model = small_model (data);
  g_autofree char *path = write_data (data);
  g_autoptr(HealerDataset) sample = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gsize *rows = NULL;
  gint permille = 0;

  /* Fewer rows than the cap: every row, in file order, values intact. */
  sample = healer_sample_file (model, path, 1000, 1, &rows, &permille, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sample->n_rows, ==, 300);
  g_assert_cmpint (permille, ==, 1000);
  for (gsize i = 0; i < sample->n_rows; i++)
    {
      int j = healer_dataset_find_feature (data, sample->feature_names[0]);

      g_assert_cmpuint (rows[i], ==, i);
      g_assert_cmpstr (sample->sample_ids[i], ==, data->sample_ids[i]);
      g_assert_cmpint (j, >=, 0);
      if (!isnan (healer_dataset_row (data, i)[j]))
        g_assert_cmpfloat (healer_dataset_row (sample, i)[0], ==, healer_dataset_row (data, i)[j]);
    }
  g_unlink (path);
}

static void
test_sample_bounded (void)
{
  g_autoptr(HealerDataset) data = simulated (3000);
  g_autoptr(HealerModel) model = small_model (data);
  g_autofree char *path = write_data (data);
  g_autoptr(HealerDataset) a = NULL;
  g_autoptr(HealerDataset) b = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree gsize *rows_a = NULL;
  g_autofree gsize *rows_b = NULL;
  gsize first_half = 0;

  a = healer_sample_file (model, path, 500, 7, &rows_a, NULL, NULL, &error);
  g_assert_no_error (error);
  b = healer_sample_file (model, path, 500, 7, &rows_b, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->n_rows, ==, 500);

  /* Deterministic in the seed, sorted, distinct, and spread over the file
   * rather than its beginning. */
  g_assert_cmpmem (rows_a, 500 * sizeof (gsize), rows_b, 500 * sizeof (gsize));
  for (gsize i = 0; i < 500; i++)
    {
      g_assert_cmpuint (rows_a[i], <, 3000);
      if (i > 0)
        g_assert_cmpuint (rows_a[i], >, rows_a[i - 1]);
      g_assert_cmpstr (a->sample_ids[i], ==, data->sample_ids[rows_a[i]]);
      first_half += rows_a[i] < 1500;
    }
  g_assert_cmpuint (first_half, >, 200);
  g_assert_cmpuint (first_half, <, 300);
  g_unlink (path);
}

static void
test_sample_cancelled (void)
{
  g_autoptr(HealerDataset) data = simulated (200);
  g_autoptr(HealerModel) model = small_model (data);
  g_autofree char *path = write_data (data);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autofree gsize *rows = NULL;
  HealerDataset *sample;

  g_cancellable_cancel (cancellable);
  sample = healer_sample_file (model, path, 100, 1, &rows, NULL, cancellable, &error);
  g_assert_null (sample);
  g_assert_null (rows);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_unlink (path);
}

static void
test_sample_bad_columns (void)
{
  g_autoptr(HealerDataset) data = simulated (200);
  g_autoptr(HealerModel) model = small_model (data);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree gsize *rows = NULL;
  int fd = g_file_open_tmp ("healer-sample-XXXXXX.csv", &path, &error);
  HealerDataset *sample;

  g_assert_no_error (error);
  g_close (fd, NULL);
  g_assert_true (g_file_set_contents (path, "sample_id,other\na,1\n", -1, &error));
  sample = healer_sample_file (model, path, 100, 1, &rows, NULL, NULL, &error);
  g_assert_null (sample);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_COLUMNS);
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/sample/all-rows", test_sample_all_rows);
  g_test_add_func ("/sample/bounded", test_sample_bounded);
  g_test_add_func ("/sample/cancelled", test_sample_cancelled);
  g_test_add_func ("/sample/bad-columns", test_sample_bad_columns);

  return g_test_run ();
}
