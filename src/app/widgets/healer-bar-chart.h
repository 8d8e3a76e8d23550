/* healer-bar-chart.h — class counts as bars, grouped (true vs predicted)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-chart.h"

G_BEGIN_DECLS

#define HEALER_TYPE_BAR_CHART (healer_bar_chart_get_type ())

G_DECLARE_FINAL_TYPE (HealerBarChart, healer_bar_chart, HEALER, BAR_CHART, HealerChart)

GtkWidget *healer_bar_chart_new        (void);
/* @groups may be NULL when @n_groups is 1; @values holds
 * n_categories × n_groups numbers, category-major. Copied. */
void       healer_bar_chart_set_data   (HealerBarChart     *self,
                                        const char * const *categories,
                                        guint               n_categories,
                                        const char * const *groups,
                                        guint               n_groups,
                                        const double       *values);
void       healer_bar_chart_set_titles (HealerBarChart     *self,
                                        const char         *x_title,
                                        const char         *y_title);

G_END_DECLS
