/* healer-line-layer.h — series of (x, y) points joined by lines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-chart-layer.h"

G_BEGIN_DECLS

#define HEALER_TYPE_LINE_LAYER (healer_line_layer_get_type ())

G_DECLARE_FINAL_TYPE (HealerLineLayer, healer_line_layer, HEALER, LINE_LAYER, HealerChartLayer)

HealerLineLayer *healer_line_layer_new          (void);
guint            healer_line_layer_add_series   (HealerLineLayer *self,
                                                 const char      *label,
                                                 guint            color_index,
                                                 gboolean         dashed);
void             healer_line_layer_append       (HealerLineLayer *self,
                                                 guint            series,
                                                 double           x,
                                                 double           y);
void             healer_line_layer_clear        (HealerLineLayer *self);
/* With a log y axis, values ≤ 0 cannot be drawn: they leave a gap and do
 * not count in the extent. The "positive-only" property. */
void             healer_line_layer_set_positive_only (HealerLineLayer *self,
                                                      gboolean         positive_only);
gboolean         healer_line_layer_get_positive_only (HealerLineLayer *self);
guint            healer_line_layer_get_n_series (HealerLineLayer *self);
const char      *healer_line_layer_get_label    (HealerLineLayer *self,
                                                 guint            series);
guint            healer_line_layer_get_n_points (HealerLineLayer *self,
                                                 guint            series);
/* The last point of @series; FALSE when it has none. */
gboolean         healer_line_layer_get_last     (HealerLineLayer *self,
                                                 guint            series,
                                                 double          *x,
                                                 double          *y);

G_END_DECLS
