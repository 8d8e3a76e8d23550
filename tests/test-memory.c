/* test-memory.c — training refuses up front when the data will not fit in memory
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>

#include "healer-memory.h"
#include "healer-model.h"
#include "healer-simulate.h"
#include "healer-trainer.h"

static HealerDataset *
make_data (gsize n_samples)
{
  HealerSimulateConfig sim;

  healer_simulate_config_init_default (&sim);
  sim.n_samples = n_samples;
  sim.n_features = 20;
  sim.n_classes = 3;
  sim.n_nodes = 4;
  return healer_simulate (&sim);
}

static void
small_config (HealerTrainConfig *config)
{
  g_autoptr(GError) error = NULL;

  healer_train_config_init_default (config);
  g_assert_true (healer_train_config_set_hidden (config, "16", &error));
  config->epochs = 3;
  config->ensemble = 1;
  config->explain = FALSE;
}

/* The machine's own figure, where the platform gives one. */
static void
test_available (void)
{
  guint64 bytes = 0;

  g_unsetenv ("HEALER_AVAILABLE_MEMORY");
#ifdef __linux__
  {
    g_autofree char *meminfo = NULL;
    const char *line;
    guint64 kb;

    g_assert_true (healer_memory_get_available (&bytes));
    g_assert_true (g_file_get_contents ("/proc/meminfo", &meminfo, NULL, NULL));
    line = strstr (meminfo, "MemAvailable:");
    g_assert_nonnull (line);
    kb = g_ascii_strtoull (line + strlen ("MemAvailable:"), NULL, 10);
    /* Read at two moments: other processes move it a little. */
    g_assert_cmpuint (bytes, >, 16 * 1024 * 1024);
    g_assert_cmpfloat (ABS ((double) bytes - (double) kb * 1024), <, 0.2 * (double) bytes);
  }
#else
  if (!healer_memory_get_available (&bytes))
    g_test_message ("available memory unknown on this platform; the check is skipped");
#endif

  g_setenv ("HEALER_AVAILABLE_MEMORY", "123456789", TRUE);
  g_assert_true (healer_memory_get_available (&bytes));
  g_assert_cmpuint (bytes, ==, 123456789);
  g_unsetenv ("HEALER_AVAILABLE_MEMORY");
}

/* The estimate covers at least the copies of the table training really
 * makes, and grows with rows, columns, ensemble and explanations. */
static void
test_estimate (void)
{
  g_autoptr(HealerDataset) small = make_data (300);
  g_autoptr(HealerDataset) large = make_data (3000);
  HealerTrainConfig config;
  guint64 e_small, e_large, e_ensemble, e_dup, e_explain, e_ple, copy;

  copy = large->n_rows * large->n_features * sizeof (float);
  small_config (&config);
  e_small = healer_train_estimate_memory (small, &config);
  e_large = healer_train_estimate_memory (large, &config);
  /* Linear in the rows: the network's share does not depend on them. */
  g_assert_cmpuint (e_large, >, e_small);
  g_assert_cmpuint (e_large - e_small, <, 20 * (large->n_rows - small->n_rows) *
                    large->n_features * sizeof (float));
  /* Training itself reads the rows where they are, by index: dropping
   * duplicates (the default) costs no copy of the table, and a split
   * only its validation rows, transformed. */
  g_assert_true (config.preprocess.drop_duplicates);
  config.preprocess.drop_duplicates = FALSE;
  g_assert_cmpuint (healer_train_estimate_memory (large, &config), ==, e_large);
  config.preprocess.drop_duplicates = TRUE;
  config.validation_fraction = 0.2;
  g_assert_cmpuint (healer_train_estimate_memory (large, &config), <, e_large + copy / 2);
  config.validation_fraction = 0.0;

  config.ensemble = 5;
  e_ensemble = healer_train_estimate_memory (large, &config);
  g_assert_cmpuint (e_ensemble, >, e_large);
  /* The explanations copy the rows kept after duplicate removal... */
  config.explain = TRUE;
  e_dup = healer_train_estimate_memory (large, &config);
  g_assert_cmpuint (e_dup, >=, e_ensemble + copy);
  /* ...and with a split, their training and validation parts again. */
  config.validation_fraction = 0.2;
  e_explain = healer_train_estimate_memory (large, &config);
  g_assert_cmpuint (e_explain, >=, e_ensemble + 2 * copy);
  config.preprocess.transform = HEALER_TRANSFORM_PLE;
  e_ple = healer_train_estimate_memory (large, &config);
  g_assert_cmpuint (e_ple, >, e_explain);

  /* No duplicate removal, no split: the explanations use the table
   * itself, no copy. */
  config.preprocess.transform = HEALER_TRANSFORM_NONE;
  config.validation_fraction = 0.0;
  config.preprocess.drop_duplicates = FALSE;
  g_assert_cmpuint (healer_train_estimate_memory (large, &config), <, e_dup - copy / 2);

  /* From HEALER_MLP_ROWS_MIN_ROWS rows a batch, the step shared by rows
   * keeps two more gradients (one a part) besides the per-row buffers:
   * with a 2000-2000 network at least 2 × 4·10⁶ floats more than one row
   * fewer, where the rows alone add a few megabytes. */
  {
    g_autoptr(GError) error = NULL;
    guint64 below, from;

    g_assert_true (healer_train_config_set_hidden (&config, "2000,2000", &error));
    config.batch_size = HEALER_MLP_ROWS_MIN_ROWS - 1;
    below = healer_train_estimate_memory (large, &config);
    config.batch_size = HEALER_MLP_ROWS_MIN_ROWS;
    from = healer_train_estimate_memory (large, &config);
    g_assert_cmpuint (from - below, >=, 2 * 2000 * 2000 * sizeof (float));
  }

  /* Absurd sizes stay absurd instead of wrapping round to something small. */
  config.n_hidden = 16;
  for (guint l = 0; l < 16; l++)
    config.hidden[l] = HEALER_MAX_HIDDEN_WIDTH;
  config.batch_size = G_MAXUINT;
  g_assert_cmpuint (healer_train_estimate_memory (large, &config), >, G_MAXUINT32);
}

/* Data or networks that are refused for another reason get that reason,
 * which says more than a memory figure. */
static void
test_other_errors_first (void)
{
  g_autoptr(HealerDataset) data = make_data (300);
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = NULL;
  HealerTrainConfig config;

  small_config (&config);
  g_setenv ("HEALER_AVAILABLE_MEMORY", "1000", TRUE);
  config.n_hidden = 4;
  for (guint l = 0; l < 4; l++)
    config.hidden[l] = HEALER_MAX_HIDDEN_WIDTH;
  model = healer_train (data, &config, NULL, NULL, NULL, &error);
  /* Over the model file's bound (healer-limits.h): that, not memory. */
  g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "parameters"));
  g_unsetenv ("HEALER_AVAILABLE_MEMORY");
}

static void
test_refuses (void)
{
  g_autoptr(HealerDataset) data = make_data (400);
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autofree char *available = NULL;
  g_autofree char *needed = NULL;
  g_autofree char *limit = NULL;
  HealerTrainConfig config;
  guint64 estimate;

  small_config (&config);
  estimate = healer_train_estimate_memory (data, &config);
  needed = g_format_size (estimate);

  /* Just too little: refused before anything is trained. */
  limit = g_strdup_printf ("%" G_GUINT64_FORMAT, estimate - 1);
  available = g_format_size (estimate - 1);
  g_setenv ("HEALER_AVAILABLE_MEMORY", limit, TRUE);
  model = healer_train (data, &config, NULL, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_TOO_LARGE);
  g_test_message ("%s", error->message);
  /* Both figures, the data's name and size, and what to do. */
  g_assert_nonnull (strstr (error->message, needed));
  g_assert_nonnull (strstr (error->message, available));
  g_assert_nonnull (strstr (error->message, healer_dataset_get_source_name (data)));
  g_assert_nonnull (strstr (error->message, "400 rows, 20 columns"));
  g_assert_nonnull (strstr (error->message, "fewer rows"));
  g_clear_error (&error);

  /* Just enough: trains. */
  g_free (limit);
  limit = g_strdup_printf ("%" G_GUINT64_FORMAT, estimate);
  g_setenv ("HEALER_AVAILABLE_MEMORY", limit, TRUE);
  model = healer_train (data, &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_unsetenv ("HEALER_AVAILABLE_MEMORY");
}

typedef struct
{
  GMainLoop    *loop;
  HealerModel  *model;
  GError       *error;
  guint         n_progress;
} AsyncResult;

static void
on_progress (const HealerTrainProgress *progress,
             gpointer                   user_data)
{
  AsyncResult *r = user_data;

  r->n_progress++;
}

static void
on_trained (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncResult *r = user_data;

  r->model = healer_train_finish (result, &r->error);
  g_main_loop_quit (r->loop);
}

/* The app trains asynchronously: the refusal arrives as the result, with
 * no epoch run. */
static void
test_refuses_async (void)
{
  g_autoptr(HealerDataset) data = make_data (200);
  AsyncResult r = { 0 };
  HealerTrainConfig config;

  small_config (&config);
  g_setenv ("HEALER_AVAILABLE_MEMORY", "1000", TRUE);
  r.loop = g_main_loop_new (NULL, FALSE);
  healer_train_async (data, &config, NULL, on_progress, &r, NULL, on_trained, &r);
  g_main_loop_run (r.loop);
  g_assert_null (r.model);
  g_assert_error (r.error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_TOO_LARGE);
  {
    g_autofree char *thousand = g_format_size (1000);

    g_assert_nonnull (strstr (r.error->message, thousand));
  }
  g_assert_cmpuint (r.n_progress, ==, 0);
  g_clear_error (&r.error);
  g_main_loop_unref (r.loop);
  g_unsetenv ("HEALER_AVAILABLE_MEMORY");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/memory/available", test_available);
  g_test_add_func ("/memory/estimate", test_estimate);
  g_test_add_func ("/memory/other-errors-first", test_other_errors_first);
  g_test_add_func ("/memory/refuses", test_refuses);
  g_test_add_func ("/memory/refuses-async", test_refuses_async);
  return g_test_run ();
}
