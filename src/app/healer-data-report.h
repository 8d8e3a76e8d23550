/* healer-data-report.h — what a loaded table holds, as the Data page shows it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-dataset.h"
#include "healer-stats.h"

G_BEGIN_DECLS

#define HEALER_TYPE_DATA_REPORT (healer_data_report_get_type ())

G_DECLARE_FINAL_TYPE (HealerDataReport, healer_data_report, HEALER, DATA_REPORT, AdwBin)

GtkWidget     *healer_data_report_new             (void);
/* Shows @stats of @data under @title (the file name) and @subtitle. */
void           healer_data_report_show            (HealerDataReport    *self,
                                                   const HealerDataset *data,
                                                   const HealerStats   *stats,
                                                   const char          *title,
                                                   const char          *subtitle);
/* The KPI rows (HealerKpiRow) as the table shows them: filtered, sorted. */
/* The names of the classes by label value (names[3] for label 3; a NULL
 * entry or a label past @n_names keeps its default name, "class 3"): the
 * current model's, so that the Data page calls the classes what every
 * other page does. */
void           healer_data_report_set_class_names (HealerDataReport   *self,
                                                   const char * const *names,
                                                   guint               n_names);
GListModel    *healer_data_report_get_kpi_model   (HealerDataReport    *self);
GtkColumnView *healer_data_report_get_kpi_view    (HealerDataReport    *self);
GtkEditable   *healer_data_report_get_search      (HealerDataReport    *self);
/* "12.35", "1.235e+15", "—" for NAN: four significant digits, as the
 * values span fifteen orders of magnitude. */
char          *healer_data_format_value           (double               value);

G_END_DECLS
