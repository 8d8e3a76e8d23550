/* healer-chart-layer.h — one kind of data drawn in a HealerChart's plot area
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-chart-axis.h"
#include "healer-chart-palette.h"

G_BEGIN_DECLS

#define HEALER_TYPE_CHART_LAYER (healer_chart_layer_get_type ())

G_DECLARE_DERIVABLE_TYPE (HealerChartLayer, healer_chart_layer, HEALER, CHART_LAYER, GObject)

/* What a layer needs to draw: the axes map data to 0..1, and the layer
 * scales that to the plot area, whose top-left corner is (0, 0) and whose
 * y grows downwards. */
typedef struct
{
  HealerChartAxis *x_axis;
  HealerChartAxis *y_axis;
  float            width;
  float            height;
  int              scale_factor;
  gboolean         dark;
  GdkRGBA          foreground;
  PangoContext    *pango_context;
  /* The chart's "palette": layers colour category i with
   * healer_chart_context_get_color(), never with the process-wide palette,
   * so a chart given its own colours draws them and its legend agrees. */
  HealerChartPaletteKind palette;
} HealerChartContext;

static inline void
healer_chart_context_get_color (const HealerChartContext *ctx,
                                guint                     index,
                                GdkRGBA                  *color)
{
  healer_chart_palette_lookup (ctx->palette, index, ctx->dark, color);
}

static inline float
healer_chart_context_x (const HealerChartContext *ctx,
                        double                    value)
{
  return (float) (healer_chart_axis_map (ctx->x_axis, value) * ctx->width);
}

static inline float
healer_chart_context_y (const HealerChartContext *ctx,
                        double                    value)
{
  return (float) ((1.0 - healer_chart_axis_map (ctx->y_axis, value)) * ctx->height);
}

struct _HealerChartLayerClass
{
  GObjectClass parent_class;

  /* The data's bounds; FALSE when there is nothing to show. */
  gboolean (*get_extent) (HealerChartLayer         *self,
                          double                   *x_min,
                          double                   *x_max,
                          double                   *y_min,
                          double                   *y_max);
  void     (*snapshot)   (HealerChartLayer         *self,
                          GtkSnapshot              *snapshot,
                          const HealerChartContext *ctx);
  /* The item under plot point (@x, @y): its tooltip text and its index. */
  gboolean (*hit_test)   (HealerChartLayer         *self,
                          const HealerChartContext *ctx,
                          double                    x,
                          double                    y,
                          char                    **tooltip,
                          guint64                  *index);
};

gboolean healer_chart_layer_get_extent (HealerChartLayer         *self,
                                        double                   *x_min,
                                        double                   *x_max,
                                        double                   *y_min,
                                        double                   *y_max);
void     healer_chart_layer_snapshot   (HealerChartLayer         *self,
                                        GtkSnapshot              *snapshot,
                                        const HealerChartContext *ctx);
gboolean healer_chart_layer_hit_test   (HealerChartLayer         *self,
                                        const HealerChartContext *ctx,
                                        double                    x,
                                        double                    y,
                                        char                    **tooltip,
                                        guint64                  *index);
/* A hidden layer ("visible" FALSE) is not drawn, not hit and not counted
 * in the chart's ranges. Subclasses add what their data looks like as
 * properties too, so a layer can be declared in a .ui file as a child of
 * its chart. */
gboolean healer_chart_layer_get_visible (HealerChartLayer        *self);
void     healer_chart_layer_set_visible (HealerChartLayer        *self,
                                         gboolean                 visible);
/* Layers call this when their data or look changed; the chart listens to
 * "changed" to recompute its ranges and redraw. */
void     healer_chart_layer_changed    (HealerChartLayer         *self);

G_END_DECLS
