/* healer-test-data.h — the real KPI data for tests, when it is there
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "healer-dataset.h"
#include "healer-trainer.h"

/* Loads @name from ../shared/data (HEALER_SHARED_DATA), or marks the test
 * skipped and returns NULL: the data may never be copied into the project,
 * so a clone without it must still pass. */
static inline HealerDataset *
healer_test_load_shared (const char *name)
{
  const char *dir = g_getenv ("HEALER_SHARED_DATA");
  g_autofree char *path = dir != NULL ? g_build_filename (dir, name, NULL) : NULL;
  g_autoptr(GError) error = NULL;
  HealerDataset *ds;

  if (path == NULL || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_autofree char *why = g_strdup_printf ("real data %s not found (HEALER_SHARED_DATA)", name);

      g_test_skip (why);
      return NULL;
    }
  ds = healer_dataset_load (path, NULL, &error);
  g_assert_no_error (error);
  return ds;
}

/* A small model trained quickly on @train, for tests that need a model
 * rather than a good one: one hidden layer of @hidden units, @epochs
 * epochs, a 20 % validation split (so it has a confidence threshold), one
 * network, no explanations. */
static inline HealerModel *
healer_test_train_small (const HealerDataset *train,
                         guint                hidden,
                         guint                epochs)
{
  g_autoptr(GError) error = NULL;
  HealerTrainConfig config;
  HealerModel *model;

  healer_train_config_init_default (&config);
  config.n_hidden = 1;
  config.hidden[0] = hidden;
  config.epochs = epochs;
  config.patience = 0;
  config.validation_fraction = 0.2;
  config.ensemble = 1;
  config.explain = FALSE;
  model = healer_train (train, &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}
