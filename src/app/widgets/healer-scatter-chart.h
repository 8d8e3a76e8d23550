/* healer-scatter-chart.h — a 2-D projection of up to a million points
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-chart.h"

G_BEGIN_DECLS

#define HEALER_TYPE_SCATTER_CHART (healer_scatter_chart_get_type ())

G_DECLARE_FINAL_TYPE (HealerScatterChart, healer_scatter_chart, HEALER, SCATTER_CHART, HealerChart)

GtkWidget *healer_scatter_chart_new        (void);
/* @xy: 2n floats x0, y0, x1, y1…; @category: n classes or NULL (all 0);
 * @category_labels: NULL-terminated, for the legend and tooltips;
 * @point_ids: n ids for tooltips, or NULL. Everything is copied. */
void       healer_scatter_chart_set_points (HealerScatterChart *self,
                                            const float        *xy,
                                            gsize               n,
                                            const guint        *category,
                                            const char * const *category_labels,
                                            const char * const *point_ids);
void       healer_scatter_chart_set_titles (HealerScatterChart *self,
                                            const char         *x_title,
                                            const char         *y_title);
/* Shows or hides the points of @category, as the legend does. */
void       healer_scatter_chart_set_category_visible (HealerScatterChart *self,
                                                      guint               category,
                                                      gboolean            visible);

G_END_DECLS
