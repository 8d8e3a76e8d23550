/* fuzz-csv.c — libFuzzer harness of the CSV reader, whole-file and streaming
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "healer-dataset.h"

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  healer_fuzz_init_logging ();
  return 0;
}

/* Two readings of the same bytes must agree cell for cell; NaN (missing)
 * only equals NaN. */
static gboolean
healer_fuzz_same_cell (float a, float b)
{
  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);
  return memcmp (&a, &b, sizeof a) == 0;
}

static void
healer_fuzz_check_chunk (const HealerDataset *whole,
                         const HealerDataset *chunk,
                         gsize                first_row)
{
  if (chunk->n_features != whole->n_features)
    abort ();
  if (first_row + chunk->n_rows > whole->n_rows)
    abort ();
  if ((chunk->labels == NULL) != (whole->labels == NULL))
    abort ();
  if ((chunk->sample_ids == NULL) != (whole->sample_ids == NULL))
    abort ();

  for (gsize i = 0; i < chunk->n_rows; i++)
    {
      const float *a = healer_dataset_row (chunk, i);
      const float *b = healer_dataset_row (whole, first_row + i);

      for (guint j = 0; j < chunk->n_features; j++)
        if (!healer_fuzz_same_cell (a[j], b[j]))
          abort ();
      if (chunk->labels != NULL && chunk->labels[i] != whole->labels[first_row + i])
        abort ();
      if (chunk->sample_ids != NULL
          && strcmp (chunk->sample_ids[i], whole->sample_ids[first_row + i]) != 0)
        abort ();
    }
}

/* Reads @data again in chunks of @max_rows rows and checks it gives what the
 * whole-file reader gave (@whole NULL: that reader failed with @whole_error). */
static void
healer_fuzz_stream (const uint8_t       *data,
                    size_t               size,
                    gsize                max_rows,
                    const HealerDataset *whole,
                    const GError        *whole_error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(HealerCsvReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  gsize n_rows = 0;

  stream = g_memory_input_stream_new_from_data (data, size, NULL);
  reader = healer_csv_reader_new (stream, "fuzz.csv", NULL, &error);
  if (reader == NULL)
    {
      /* The header is the same code in both paths: failing here and not
       * there would mean the two readers disagree. */
      if (whole != NULL || error == NULL)
        abort ();
      return;
    }
  (void) healer_csv_reader_get_feature_names (reader);
  (void) healer_csv_reader_has_labels (reader);

  for (;;)
    {
      g_autoptr(HealerDataset) chunk = NULL;

      chunk = healer_csv_reader_read_chunk (reader, max_rows, NULL, &error);
      if (chunk == NULL)
        {
          if (whole != NULL || error == NULL)
            abort ();
          return;
        }
      if (chunk->n_rows > max_rows)
        abort ();
      if (chunk->n_rows == 0)
        break;
      if (whole != NULL)
        healer_fuzz_check_chunk (whole, chunk, n_rows);
      n_rows += chunk->n_rows;
    }

  if (whole != NULL && n_rows != whole->n_rows)
    abort ();
  /* Only the whole-file reader reports a header-only file. */
  if (whole == NULL
      && !(n_rows == 0 && g_error_matches (whole_error, HEALER_DATASET_ERROR,
                                           HEALER_DATASET_ERROR_NO_ROWS)))
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(HealerDataset) whole = NULL;
  g_autoptr(GError) error = NULL;
  gsize max_rows;

  whole = healer_dataset_load_from_data ("fuzz.csv", (const char *) data, size, &error);
  if ((whole == NULL) == (error == NULL))
    abort ();
  if (whole != NULL)
    {
      (void) healer_dataset_count_missing (whole);
      if (whole->n_rows == 0 || whole->n_features == 0)
        abort ();
    }

  /* The first byte picks the chunk size, so row counts that straddle
   * chunk boundaries in every way get exercised. */
  max_rows = size > 0 ? 1 + data[0] % 7 : 1;
  healer_fuzz_stream (data, size, max_rows, whole, error);
  return 0;
}
