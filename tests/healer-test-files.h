/* healer-test-files.h — the temporary files of the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>

/* Removes @path and, when it is a folder and not a link to one,
 * everything in it: a link inside a test's folder is removed, never
 * followed. */
static inline void
healer_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);

          healer_test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}
