/* healer-sample.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "healer-sample.h"
#include "healer-rng.h"

#define HEALER_SAMPLE_CHUNK_ROWS 8192

typedef struct
{
  gsize  row;         /* in the file */
  float *values;      /* n_input, aligned */
  char  *id;
} Kept;

static int
compare_kept (gconstpointer a,
              gconstpointer b)
{
  const Kept *ka = a, *kb = b;

  return (ka->row > kb->row) - (ka->row < kb->row);
}

HealerDataset *
healer_sample_file (const HealerModel *model,
                    const char        *path,
                    gsize              max_rows,
                    guint64            seed,
                    gsize            **rows,
                    gint              *progress_permille,
                    GCancellable      *cancellable,
                    GError           **error)
{
  g_autoptr(HealerCsvReader) reader = NULL;
  g_autoptr(HealerDataset) out = NULL;
  g_autofree Kept *kept = NULL;
  g_autofree float *store = NULL;
  g_autoptr(GStringChunk) ids = NULL;
  guint n_in;
  gsize n_kept = 0, seen = 0;
  gboolean with_ids = FALSE;
  HealerRng rng;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (max_rows > 0, NULL);
  g_return_val_if_fail (rows != NULL, NULL);

  *rows = NULL;
  n_in = model->preprocessor->n_input;
  reader = healer_csv_reader_new_for_path (path, cancellable, error);
  if (reader == NULL)
    return NULL;

  healer_rng_init (&rng, seed);
  kept = g_new0 (Kept, max_rows);
  store = g_new (float, max_rows * (gsize) n_in);
  ids = g_string_chunk_new (4096);

  for (;;)
    {
      g_autoptr(HealerDataset) chunk = NULL;
      g_autoptr(HealerDataset) aligned = NULL;
      g_auto(GStrv) missing = NULL;
      g_auto(GStrv) extra = NULL;
      guint64 size;

      chunk = healer_csv_reader_read_chunk (reader, HEALER_SAMPLE_CHUNK_ROWS, cancellable, error);
      if (chunk == NULL)
        return NULL;
      if (chunk->n_rows == 0)
        break;
      aligned = healer_model_align (model, chunk, &missing, &extra, error);
      if (aligned == NULL)
        return NULL;
      with_ids = with_ids || aligned->sample_ids != NULL;

      for (gsize i = 0; i < aligned->n_rows; i++, seen++)
        {
          gsize slot;

          /* Algorithm R: row number seen replaces a kept one with
           * probability max_rows / (seen + 1). */
          if (n_kept < max_rows)
            slot = n_kept++;
          else
            {
              slot = (gsize) healer_rng_below (&rng, seen + 1);
              if (slot >= max_rows)
                continue;
            }
          kept[slot].row = seen;
          kept[slot].values = store + slot * (gsize) n_in;
          memcpy (kept[slot].values, healer_dataset_row (aligned, i), n_in * sizeof (float));
          /* Replaced ids stay in the chunk: bounded by the rows read, and
           * a few bytes each. */
          kept[slot].id = aligned->sample_ids != NULL
            ? g_string_chunk_insert (ids, aligned->sample_ids[i]) : NULL;
        }

      size = healer_csv_reader_get_size (reader);
      if (progress_permille != NULL && size > 0)
        g_atomic_int_set (progress_permille,
                          (gint) MIN (1000, healer_csv_reader_get_bytes_read (reader) * 1000 / size));
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
    }

  if (n_kept == 0)
    {
      g_autofree char *name = g_path_get_basename (path);

      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_NO_ROWS,
                   _("%s has a header but no rows"), name);
      return NULL;
    }

  /* File order, so the sample reads like the file. */
  qsort (kept, n_kept, sizeof (Kept), compare_kept);
  out = healer_dataset_new ((const char * const *) model->preprocessor->input_names,
                            n_kept, FALSE, with_ids);
  *rows = g_new (gsize, n_kept);
  for (gsize i = 0; i < n_kept; i++)
    {
      memcpy (out->x + i * n_in, kept[i].values, n_in * sizeof (float));
      (*rows)[i] = kept[i].row;
      if (with_ids)
        {
          g_autofree char *number = NULL;

          if (kept[i].id == NULL)
            number = g_strdup_printf ("%" G_GSIZE_FORMAT, kept[i].row + 1);
          healer_dataset_set_sample_id (out, i, kept[i].id ? kept[i].id : number);
        }
    }
  if (progress_permille != NULL)
    g_atomic_int_set (progress_permille, 1000);
  return g_steal_pointer (&out);
}
