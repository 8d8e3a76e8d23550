/* healer-stats.h — what a loaded table holds: per-KPI figures, classes, duplicates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "healer-dataset.h"

G_BEGIN_DECLS

typedef struct
{
  double min;          /* NAN when every cell of the column is missing */
  double median;       /* mean of the two middle values for an even count */
  double max;
  double mean;
  gsize  n_missing;    /* NAN cells */
} HealerColumnStats;

typedef struct
{
  gsize              n_rows;
  guint              n_features;
  HealerColumnStats *columns;        /* n_features */
  gsize              n_missing;      /* NAN cells in the whole table */
  /* Rows equal to an earlier row in every feature and the label (two
   * missing cells are equal; sample ids are ignored). */
  gsize              n_duplicates;
  gboolean           has_labels;
  guint              n_classes;      /* largest label + 1; 0 without labels */
  gsize             *class_counts;   /* n_classes, or NULL */
} HealerStats;

/* Computes everything in one go (a few passes over the table, cache-friendly
 * for the row-major layout). Fails only with G_IO_ERROR_CANCELLED. */
HealerStats *healer_stats_compute          (const HealerDataset *data,
                                            GCancellable        *cancellable,
                                            GError             **error);
void         healer_stats_free             (HealerStats         *stats);
/* Percentage (0…100) of missing cells in the table or in column @column. */
double       healer_stats_missing_percent  (const HealerStats   *stats);
double       healer_stats_column_missing_percent (const HealerStats *stats,
                                                  guint              column);
/* Exact median of the @n values of @values (none NAN; left unchanged);
 * NAN when @n is 0. Linear time: a radix selection, no sort. */
double       healer_stats_median           (const float         *values,
                                            gsize                n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerStats, healer_stats_free)

G_END_DECLS
