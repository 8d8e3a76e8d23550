/* healer-chart-private.h — state shared by healer-chart.c and
 * healer-chart-input.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-chart.h"

G_BEGIN_DECLS

typedef struct
{
  HealerChartAxis *x_axis;
  HealerChartAxis *y_axis;
  GPtrArray       *layers;       /* HealerChartLayer */
  GPtrArray       *layer_nodes;  /* GskRenderNode or NULL when stale, per layer */

  /* Axes, grid and labels as last drawn at the widget's size; they and the
   * layers' nodes are rebuilt only when data, view, size or style change. */
  GskRenderNode   *axes_node;
  graphene_rect_t  plot;         /* in widget coordinates */
  int              cache_width;
  int              cache_height;

  double           x_pad;
  double           y_pad;
  gboolean         y_from_zero;

  GtkWidget       *legend;
  int              legend_height;

  gboolean         dark;
  GdkRGBA          foreground;
  HealerChartPaletteKind palette;  /* the "palette" property */

  /* Held with the wheel to zoom; 0: the wheel always zooms. */
  GdkModifierType  zoom_modifier;

  /* Pointer and gestures */
  double           pointer_x;
  double           pointer_y;
  gboolean         pointer_inside;
  double           start_view[4];  /* x min, x max, y min, y max */
  double           drag_x;         /* where the drag began */
  double           drag_y;
  double           anchor_x;       /* mapped 0..1 */
  double           anchor_y;
  guint            panning : 1;
  guint            banding : 1;
  guint            moved : 1;
  graphene_rect_t  band;           /* widget coordinates */
} HealerChartPrivate;

HealerChartPrivate *healer_chart_get_priv          (HealerChart       *self);
void                healer_chart_class_init_input  (HealerChartClass  *klass);
void                healer_chart_init_input        (HealerChart       *self);
/* Drops the cached drawing (with @layers, the layers' too) and redraws. */
void                healer_chart_invalidate        (HealerChart       *self,
                                                    gboolean           layers);
void                healer_chart_fill_context      (HealerChart        *self,
                                                    HealerChartContext *ctx,
                                                    float               width,
                                                    float               height);
/* The topmost layer item under widget point (@x, @y). */
gboolean            healer_chart_item_at           (HealerChart       *self,
                                                    double             x,
                                                    double             y,
                                                    char             **tooltip,
                                                    HealerChartLayer **layer,
                                                    guint64           *index);
/* Widget point → mapped 0..1 position in the plot, y upwards. */
void                healer_chart_to_mapped         (HealerChart       *self,
                                                    double             x,
                                                    double             y,
                                                    double            *fx,
                                                    double            *fy);

G_END_DECLS
