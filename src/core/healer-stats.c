/* healer-stats.c — what a loaded table holds: per-KPI figures, classes, duplicates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "healer-stats.h"

/* Columns gathered per pass over the row-major table: 16 floats are one
 * 64-byte cache line, so each pass reads every line of the table once
 * instead of once per column (107 passes over 400 MB would take seconds). */
#define COLUMN_GROUP 16

/* ------------------------------------------------------------------------ */
/* Median by radix selection                                                 */

/* Maps a float to an unsigned key that sorts like the float does. */
static inline guint32
float_key (float f)
{
  guint32 u;

  memcpy (&u, &f, sizeof u);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

static inline float
key_float (guint32 key)
{
  guint32 u = (key & 0x80000000u) ? (key & 0x7fffffffu) : ~key;
  float f;

  memcpy (&f, &u, sizeof f);
  return f;
}

#define BINS 65536

/* Finds in @hist (BINS counts) the bin holding rank @k, given @below
 * values in earlier bins; returns the bin, and the count before it. */
static guint32
find_bin (const guint32 *hist,
          gsize          k,
          gsize         *below)
{
  guint32 bin;

  for (bin = 0; bin < BINS - 1; bin++)
    {
      if (*below + hist[bin] > k)
        break;
      *below += hist[bin];
    }
  return bin;
}

/* The @k-th and (@k+1)-th smallest (0-based) of @values, exactly, in two
 * linear passes: a histogram of the high 16 bits of the keys finds the
 * bins that hold those ranks, histograms of the low 16 bits inside those
 * bins find the keys. Quickselect would do, but moves the data and is
 * several times slower; 32-bit counts (a column has fewer than 4 G cells)
 * keep the histograms in cache. */
static void
select_pair (const float *values,
             gsize        n,
             gsize        k,
             guint32     *hist,      /* 3 × BINS */
             float       *kth,
             float       *next)
{
  guint32 *low_a = hist + BINS, *low_b = hist + 2 * BINS;
  gsize below_a = 0, below_b = 0;
  gsize k1 = MIN (k + 1, n - 1);
  guint32 high_a, high_b, lo;

  memset (hist, 0, BINS * sizeof *hist);
  for (gsize i = 0; i < n; i++)
    hist[float_key (values[i]) >> 16]++;
  high_a = find_bin (hist, k, &below_a);
  high_b = find_bin (hist, k1, &below_b);

  memset (low_a, 0, 2 * BINS * sizeof *hist);
  for (gsize i = 0; i < n; i++)
    {
      guint32 key = float_key (values[i]);
      guint32 high = key >> 16;

      if (high == high_a)
        low_a[key & 0xffff]++;
      else if (high == high_b)
        low_b[key & 0xffff]++;
    }

  lo = find_bin (low_a, k, &below_a);
  *kth = key_float ((high_a << 16) | lo);
  lo = find_bin (high_b == high_a ? low_a : low_b, k1, &below_b);
  *next = key_float ((high_b << 16) | lo);
}

static double
median_with (const float *values,
             gsize        n,
             guint32     *hist)
{
  float a, b;

  if (n == 0)
    return NAN;
  select_pair (values, n, (n - 1) / 2, hist, &a, &b);
  if (n % 2 == 1)
    return a;
  return ((double) a + (double) b) / 2.0;
}

double
healer_stats_median (const float *values,
                     gsize        n)
{
  g_autofree guint32 *hist = NULL;

  g_return_val_if_fail (values != NULL || n == 0, NAN);

  if (n == 0)
    return NAN;
  hist = g_new (guint32, 3 * BINS);
  return median_with (values, n, hist);
}

/* ------------------------------------------------------------------------ */
/* Columns                                                                   */

static gboolean
compute_columns (const HealerDataset *data,
                 HealerStats         *stats,
                 GCancellable        *cancellable,
                 GError             **error)
{
  guint nf = data->n_features;
  gsize n = data->n_rows;
  g_autofree float *buffer = NULL;
  g_autofree guint32 *hist = g_new (guint32, 3 * BINS);

  buffer = g_new (float, MAX (n, 1) * MIN (nf, COLUMN_GROUP));

  for (guint first = 0; first < nf; first += COLUMN_GROUP)
    {
      guint width = MIN (COLUMN_GROUP, nf - first);
      gsize count[COLUMN_GROUP] = { 0 };
      double sum[COLUMN_GROUP] = { 0 };
      float lo[COLUMN_GROUP], hi[COLUMN_GROUP];

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      for (guint c = 0; c < width; c++)
        {
          lo[c] = INFINITY;
          hi[c] = -INFINITY;
        }

      for (gsize i = 0; i < n; i++)
        {
          const float *row = healer_dataset_row (data, i) + first;

          for (guint c = 0; c < width; c++)
            {
              float v = row[c];

              if (isnan (v))
                continue;
              buffer[c * n + count[c]++] = v;
              sum[c] += v;
              if (v < lo[c])
                lo[c] = v;
              if (v > hi[c])
                hi[c] = v;
            }
        }

      for (guint c = 0; c < width; c++)
        {
          HealerColumnStats *col = &stats->columns[first + c];

          col->n_missing = n - count[c];
          stats->n_missing += col->n_missing;
          if (count[c] == 0)
            {
              col->min = col->max = col->mean = col->median = NAN;
              continue;
            }
          col->min = lo[c];
          col->max = hi[c];
          col->mean = sum[c] / (double) count[c];
          col->median = median_with (buffer + c * n, count[c], hist);
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Duplicates                                                                */

/* Missing equals missing and -0 equals 0, as a person reading the file
 * would judge two rows. */
static inline guint32
cell_bits (float f)
{
  guint32 u;

  if (isnan (f))
    return 0x7fc00000u;
  if (f == 0.0f)
    return 0;
  memcpy (&u, &f, sizeof u);
  return u;
}

static guint64
row_hash (const HealerDataset *data,
          gsize                i)
{
  const float *row = healer_dataset_row (data, i);
  guint64 h = 0xcbf29ce484222325ull;

  for (guint j = 0; j < data->n_features; j++)
    {
      h ^= cell_bits (row[j]);
      h *= 0x100000001b3ull;
      h ^= h >> 29;
    }
  if (data->labels != NULL)
    {
      h ^= (guint32) data->labels[i];
      h *= 0x100000001b3ull;
    }
  h ^= h >> 32;
  return h;
}

static gboolean
rows_equal (const HealerDataset *data,
            gsize                a,
            gsize                b)
{
  const float *ra = healer_dataset_row (data, a);
  const float *rb = healer_dataset_row (data, b);

  if (data->labels != NULL && data->labels[a] != data->labels[b])
    return FALSE;
  for (guint j = 0; j < data->n_features; j++)
    if (cell_bits (ra[j]) != cell_bits (rb[j]))
      return FALSE;
  return TRUE;
}

static gboolean
count_duplicates (const HealerDataset *data,
                  HealerStats         *stats,
                  GCancellable        *cancellable,
                  GError             **error)
{
  gsize n = data->n_rows;
  gsize size = 16, mask;
  g_autofree gsize *slots = NULL;     /* row + 1, 0 = empty */
  g_autofree guint64 *hashes = NULL;

  /* Open addressing at most half full: short probes, no per-row malloc
   * as a GHashTable would need for a million rows. */
  while (size < 2 * n)
    size <<= 1;
  mask = size - 1;
  slots = g_new0 (gsize, size);
  hashes = g_new (guint64, size);

  for (gsize i = 0; i < n; i++)
    {
      guint64 h = row_hash (data, i);
      gsize s = (gsize) h & mask;

      if ((i & 0xffff) == 0 && g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      for (;;)
        {
          if (slots[s] == 0)
            {
              slots[s] = i + 1;
              hashes[s] = h;
              break;
            }
          if (hashes[s] == h && rows_equal (data, slots[s] - 1, i))
            {
              stats->n_duplicates++;
              break;
            }
          s = (s + 1) & mask;
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Public API                                                                */

HealerStats *
healer_stats_compute (const HealerDataset *data,
                      GCancellable        *cancellable,
                      GError             **error)
{
  g_autoptr(HealerStats) stats = NULL;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  stats = g_new0 (HealerStats, 1);
  stats->n_rows = data->n_rows;
  stats->n_features = data->n_features;
  stats->columns = g_new0 (HealerColumnStats, MAX (data->n_features, 1));
  stats->has_labels = data->labels != NULL;

  if (data->labels != NULL)
    {
      gint32 top = -1;

      for (gsize i = 0; i < data->n_rows; i++)
        top = MAX (top, data->labels[i]);
      stats->n_classes = (guint) (top + 1);
      stats->class_counts = g_new0 (gsize, MAX (stats->n_classes, 1));
      for (gsize i = 0; i < data->n_rows; i++)
        if (data->labels[i] >= 0)
          stats->class_counts[data->labels[i]]++;
    }

  if (!compute_columns (data, stats, cancellable, error) ||
      !count_duplicates (data, stats, cancellable, error))
    return NULL;

  return g_steal_pointer (&stats);
}

void
healer_stats_free (HealerStats *stats)
{
  if (stats == NULL)
    return;
  g_free (stats->columns);
  g_free (stats->class_counts);
  g_free (stats);
}

double
healer_stats_missing_percent (const HealerStats *stats)
{
  double cells;

  g_return_val_if_fail (stats != NULL, 0.0);

  cells = (double) stats->n_rows * (double) stats->n_features;
  return cells > 0 ? 100.0 * (double) stats->n_missing / cells : 0.0;
}

double
healer_stats_column_missing_percent (const HealerStats *stats,
                                     guint              column)
{
  g_return_val_if_fail (stats != NULL, 0.0);
  g_return_val_if_fail (column < stats->n_features, 0.0);

  return stats->n_rows > 0
         ? 100.0 * (double) stats->columns[column].n_missing / (double) stats->n_rows
         : 0.0;
}
