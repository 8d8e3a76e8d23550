/* healer-pie-chart.h — class proportions as a donut, with a legend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "healer-chart-legend.h"

G_BEGIN_DECLS

#define HEALER_TYPE_PIE_CHART (healer_pie_chart_get_type ())

G_DECLARE_FINAL_TYPE (HealerPieChart, healer_pie_chart, HEALER, PIE_CHART, GtkWidget)

GtkWidget         *healer_pie_chart_new        (void);

/* @n labels and @n values ≥ 0 (copied); slice i is in colour i of the
 * chart's "palette".
 * Classes switched off in the legend drop out and the others share the
 * whole circle. All values 0 (or @n 0) shows an empty state. */
void               healer_pie_chart_set_data   (HealerPieChart     *self,
                                                const char * const *labels,
                                                const double       *values,
                                                guint               n);

/* The slices' colours, the "palette" property, as a HealerChart's: by
 * default (HEALER_CHART_PALETTE_INHERIT) the process-wide palette. The
 * legend is kept in the same palette. */
HealerChartPaletteKind healer_pie_chart_get_palette (HealerPieChart         *self);
void               healer_pie_chart_set_palette (HealerPieChart         *self,
                                                 HealerChartPaletteKind  palette);

/* The legend below the donut, to hide classes from code or tests. */
HealerChartLegend *healer_pie_chart_get_legend (HealerPieChart     *self);

/* Index of the slice the pointer is on, or -1. */
int                healer_pie_chart_get_hovered_slice (HealerPieChart *self);

G_END_DECLS
