/* healer-bench-csv.c — CSV reading throughput of healer_dataset_load
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <glib.h>

#include "healer-dataset.h"

/* Loads FILE RUNS times and prints one line per run, so the driver can take
 * the median itself. Kept out of the CLI: a throughput probe is no feature. */
int
main (int    argc,
      char **argv)
{
  guint64 runs = 5;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GFileInfo) info = NULL;
  double mb;

  if (argc < 2 || argc > 3)
    {
      fprintf (stderr, "usage: healer-bench-csv FILE.csv [RUNS]\n");
      return 2;
    }
  if (argc == 3 && (!g_ascii_string_to_unsigned (argv[2], 10, 1, 1000, &runs, &error)))
    {
      fprintf (stderr, "healer-bench-csv: RUNS: %s\n", error->message);
      return 2;
    }

  file = g_file_new_for_commandline_arg (argv[1]);
  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, G_FILE_QUERY_INFO_NONE,
                            NULL, &error);
  if (info == NULL)
    {
      fprintf (stderr, "healer-bench-csv: %s\n", error->message);
      return 1;
    }
  mb = (double) g_file_info_get_size (info) / 1e6;

  for (guint64 r = 0; r < runs; r++)
    {
      gint64 t0 = g_get_monotonic_time ();
      g_autoptr(HealerDataset) data = healer_dataset_load (argv[1], NULL, &error);
      double seconds = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;

      if (data == NULL)
        {
          fprintf (stderr, "healer-bench-csv: %s\n", error->message);
          return 1;
        }
      printf ("rows=%" G_GSIZE_FORMAT " features=%u mb=%.1f seconds=%.4f mb_per_s=%.1f\n",
              data->n_rows, data->n_features, mb, seconds, mb / seconds);
      fflush (stdout);
    }
  return 0;
}
