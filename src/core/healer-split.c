/* healer-split.c — the stratified, seeded train/validation split
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "healer-rng.h"
#include "healer-split.h"

void
healer_stratified_split (const guint *labels,
                         gsize        n,
                         guint        n_classes,
                         double       fraction,
                         guint64      seed,
                         GArray      *train_rows,
                         GArray      *val_rows)
{
  g_autofree gsize *start = NULL;
  g_autofree gsize *fill = NULL;
  g_autofree gsize *grouped = NULL;
  g_autofree gboolean *is_val = NULL;
  HealerRng rng;

  g_return_if_fail (n == 0 || labels != NULL);
  g_return_if_fail (n_classes > 0);
  g_return_if_fail (train_rows != NULL && val_rows != NULL);
  g_return_if_fail (g_array_get_element_size (train_rows) == sizeof (gsize));
  g_return_if_fail (g_array_get_element_size (val_rows) == sizeof (gsize));
  for (gsize i = 0; i < n; i++)
    g_return_if_fail (labels[i] < n_classes);

  g_array_set_size (train_rows, 0);
  g_array_set_size (val_rows, 0);
  if (!(fraction >= 0.0))
    fraction = 0.0;
  fraction = MIN (fraction, 1.0);

  /* Counting sort into per-class slices, each in row order before its shuffle. */
  start = g_new0 (gsize, n_classes + 1);
  fill = g_new0 (gsize, n_classes);
  grouped = g_new (gsize, MAX (n, 1));
  is_val = g_new0 (gboolean, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    start[labels[i] + 1]++;
  for (guint c = 0; c < n_classes; c++)
    start[c + 1] += start[c];
  for (gsize i = 0; i < n; i++)
    grouped[start[labels[i]] + fill[labels[i]]++] = i;

  healer_rng_init (&rng, seed);
  for (guint c = 0; c < n_classes; c++)
    {
      gsize count = start[c + 1] - start[c];
      gsize n_val = (gsize) floor (fraction * (double) count + 0.5);

      if (count == 0)
        continue;
      if (fraction > 0.0 && count >= 2)
        n_val = MAX (n_val, 1);
      n_val = MIN (n_val, count - 1);   /* every class keeps a training row */
      healer_rng_shuffle (&rng, grouped + start[c], count);
      for (gsize k = 0; k < n_val; k++)
        is_val[grouped[start[c] + k]] = TRUE;
    }

  for (gsize i = 0; i < n; i++)
    g_array_append_val (is_val[i] ? val_rows : train_rows, i);
}
