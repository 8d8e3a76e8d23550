/* healer-kpi-row.h — one KPI's figures, a row of the Data page's table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HEALER_TYPE_KPI_ROW (healer_kpi_row_get_type ())

G_DECLARE_FINAL_TYPE (HealerKpiRow, healer_kpi_row, HEALER, KPI_ROW, GObject)

/* The figures the table can sort on. */
typedef enum
{
  HEALER_KPI_FIELD_NAME,
  HEALER_KPI_FIELD_MIN,
  HEALER_KPI_FIELD_MEDIAN,
  HEALER_KPI_FIELD_MAX,
  HEALER_KPI_FIELD_MEAN,
  HEALER_KPI_FIELD_MISSING,
} HealerKpiField;

HealerKpiRow *healer_kpi_row_new          (guint         index,
                                           const char   *name,
                                           double        min,
                                           double        median,
                                           double        max,
                                           double        mean,
                                           double        missing_percent);
guint         healer_kpi_row_get_index    (HealerKpiRow *self);
const char   *healer_kpi_row_get_name     (HealerKpiRow *self);
/* NAN when the KPI has no value at all. */
double        healer_kpi_row_get_value    (HealerKpiRow *self,
                                           HealerKpiField field);
/* Natural order of names ("feature2" before "feature10"); for a figure,
 * NAN after every number and ties in name order. */
int           healer_kpi_row_compare      (HealerKpiRow *a,
                                           HealerKpiRow *b,
                                           HealerKpiField field);

G_END_DECLS
