/* healer-test-data.h — the real KPI data for tests, when it is there
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "healer-dataset.h"

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
