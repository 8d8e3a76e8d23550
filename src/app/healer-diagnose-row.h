/* healer-diagnose-row.h — one diagnosed sample, an item of the results table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-results.h"

G_BEGIN_DECLS

#define HEALER_TYPE_DIAGNOSE_ROW (healer_diagnose_row_get_type ())

G_DECLARE_FINAL_TYPE (HealerDiagnoseRow, healer_diagnose_row, HEALER, DIAGNOSE_ROW, GObject)

/* A light handle on row @index of @results: the figures stay in the
 * results, so a table of 100 000 samples creates only the items it shows. */
HealerDiagnoseRow *healer_diagnose_row_new         (HealerResults     *results,
                                                    guint              index);
HealerResults     *healer_diagnose_row_get_results (HealerDiagnoseRow *self);
guint              healer_diagnose_row_get_index   (HealerDiagnoseRow *self);
/* For sorting without an item per row: a probe is pointed at row after row. */
void               healer_diagnose_row_set_index   (HealerDiagnoseRow *self,
                                                    guint              index);

G_END_DECLS
