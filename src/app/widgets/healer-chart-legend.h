/* healer-chart-legend.h — a wrapping row of class entries that can be
 * switched off and on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEALER_TYPE_CHART_LEGEND (healer_chart_legend_get_type ())

G_DECLARE_FINAL_TYPE (HealerChartLegend, healer_chart_legend, HEALER, CHART_LEGEND, GtkWidget)

HealerChartLegend *healer_chart_legend_new        (void);

/* One entry per label (NULL-terminated), entry i in palette colour i, all
 * active. When the labels are the same as before, the entries keep their
 * active state, so a chart refreshed with new numbers keeps what the user
 * hid. */
void               healer_chart_legend_set_items  (HealerChartLegend  *self,
                                                   const char * const *labels);
guint              healer_chart_legend_get_n_items (HealerChartLegend *self);
const char        *healer_chart_legend_get_label  (HealerChartLegend  *self,
                                                   guint               index);

/* Inactive entries are dimmed and struck through. "toggled" (guint index,
 * gboolean active) is emitted on every change, by the user or by
 * healer_chart_legend_set_active(). */
gboolean           healer_chart_legend_get_active (HealerChartLegend  *self,
                                                   guint               index);
void               healer_chart_legend_set_active (HealerChartLegend  *self,
                                                   guint               index,
                                                   gboolean            active);

G_END_DECLS
