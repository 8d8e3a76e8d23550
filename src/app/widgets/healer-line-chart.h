/* healer-line-chart.h — live curves, such as loss and accuracy per epoch
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-chart.h"

G_BEGIN_DECLS

#define HEALER_TYPE_LINE_CHART (healer_line_chart_get_type ())

G_DECLARE_FINAL_TYPE (HealerLineChart, healer_line_chart, HEALER, LINE_CHART, HealerChart)

GtkWidget *healer_line_chart_new        (void);
guint      healer_line_chart_add_series (HealerLineChart *self,
                                         const char      *label,
                                         guint            color_index,
                                         gboolean         dashed);
/* Cheap enough to call every epoch. */
void       healer_line_chart_append     (HealerLineChart *self,
                                         guint            series,
                                         double           x,
                                         double           y);
/* Removes all series. */
void       healer_line_chart_clear      (HealerLineChart *self);
/* The y axis's "scale": on a log axis the values ≤ 0 are left out. */
void       healer_line_chart_set_y_log  (HealerLineChart *self,
                                         gboolean         log_scale);
void       healer_line_chart_set_titles (HealerLineChart *self,
                                         const char      *x_title,
                                         const char      *y_title);

G_END_DECLS
