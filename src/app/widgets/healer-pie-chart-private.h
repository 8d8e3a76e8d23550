/* healer-pie-chart-private.h — shared by the widget and its drawing code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-pie-chart.h"

G_BEGIN_DECLS

/* Pixels: the cut between slices, how far a hovered slice grows, the gap
 * between the donut and its legend, the space kept free around a label. */
#define SLICE_GAP       2.0
#define HOVER_GROW      6.0
#define LEGEND_SPACING  6
#define LABEL_PAD       2.0
/* The hole is this fraction of the outer radius: thick enough for a
 * percentage, thin enough to read as libadwaita's rings rather than a pie. */
#define HOLE_RATIO      0.6

struct _HealerPieChart
{
  GtkWidget          parent_instance;

  HealerChartLegend *legend;

  GStrv              labels;
  double            *values;
  /* Of the shown total (0 for classes hidden in the legend), and where each
   * slice starts, in radians clockwise from 12 o'clock. */
  double            *shares;
  double            *starts;
  guint              n;
  double             total;

  int                hovered;
  int                pie_height;

  /* Everything but the hover highlight, drawn once per size, data and
   * theme: moving the pointer only redraws one slice. */
  GskRenderNode     *cache;
  int                cache_width;
  int                cache_height;
  GdkRGBA            cache_fg;
};

typedef struct
{
  int    width;
  int    height;
  double cx;
  double cy;
  double outer;
  double inner;
} PieGeometry;

void      healer_pie_chart_get_foreground   (GtkWidget         *widget,
                                             GdkRGBA           *fg);
char     *healer_pie_chart_format_value     (double             value);
void      healer_pie_chart_compute_geometry (int                width,
                                             int                height,
                                             PieGeometry       *g);
int       healer_pie_chart_slice_at         (HealerPieChart    *self,
                                             const PieGeometry *g,
                                             double             x,
                                             double             y);
void      healer_pie_chart_append_static    (HealerPieChart    *self,
                                             GtkSnapshot       *snapshot,
                                             int                width,
                                             int                height,
                                             const GdkRGBA     *fg);
void      healer_pie_chart_append_hover     (HealerPieChart    *self,
                                             GtkSnapshot       *snapshot,
                                             int                width,
                                             int                height,
                                             const GdkRGBA     *fg);
/* The legend as an export draws it (the widget's legend is a real widget,
 * which a snapshot at another size cannot contain): returns its height
 * for @width, and draws it at @y when @snapshot is not NULL. */
int       healer_pie_chart_append_legend    (HealerPieChart    *self,
                                             GtkSnapshot       *snapshot,
                                             int                width,
                                             int                y,
                                             const GdkRGBA     *fg);

G_END_DECLS
