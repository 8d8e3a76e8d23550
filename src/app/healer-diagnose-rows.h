/* healer-diagnose-rows.h — the rows of a results table: filtered, sorted, made on demand
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "healer-diagnose-row.h"

G_BEGIN_DECLS

/* The columns of the results table. */
typedef enum
{
  HEALER_DIAGNOSE_COLUMN_ID,
  HEALER_DIAGNOSE_COLUMN_CLASS,
  HEALER_DIAGNOSE_COLUMN_CONFIDENCE,
  HEALER_DIAGNOSE_COLUMN_UNCERTAIN,
  HEALER_DIAGNOSE_COLUMN_TRUE_LABEL,
  HEALER_DIAGNOSE_N_COLUMNS
} HealerDiagnoseColumn;

/* Order of rows @a and @b of @results by @column, as a GtkOrdering. The
 * column sorters of the table must use this: the rows model sorts 100 000
 * rows by a key per row, and learns which column that is from these calls. */
int healer_diagnose_rows_compare (HealerResults        *results,
                                  guint                 a,
                                  guint                 b,
                                  HealerDiagnoseColumn  column);

#define HEALER_TYPE_DIAGNOSE_ROWS (healer_diagnose_rows_get_type ())

G_DECLARE_FINAL_TYPE (HealerDiagnoseRows, healer_diagnose_rows, HEALER, DIAGNOSE_ROWS, GObject)

/* A GListModel of HealerDiagnoseRow. It keeps one index per visible row
 * and creates items only when asked, so that 100 000 results cost 400 KB,
 * not 100 000 objects; filtering and sorting reorder the indices. */
HealerDiagnoseRows *healer_diagnose_rows_new         (HealerResults      *results);
HealerResults      *healer_diagnose_rows_get_results (HealerDiagnoseRows *self);
/* Rows whose sample id contains @search (ASCII case ignored; NULL or ""
 * for all), predicted as @klass (-1 for all), and only the uncertain ones
 * when @uncertain_only. */
void                healer_diagnose_rows_set_filter  (HealerDiagnoseRows *self,
                                                      const char         *search,
                                                      int                 klass,
                                                      gboolean            uncertain_only);
/* Rows in the order of @sorter (a GtkColumnView's), which compares
 * HealerDiagnoseRow items; file order when it has no order. Followed as
 * it changes. */
void                healer_diagnose_rows_set_sorter  (HealerDiagnoseRows *self,
                                                      GtkSorter          *sorter);
/* Row index in the results of position @position. */
guint               healer_diagnose_rows_get_index   (HealerDiagnoseRows *self,
                                                      guint               position);

G_END_DECLS
