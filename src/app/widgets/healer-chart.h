/* healer-chart.h — base of the axis charts: axes, layers, zoom and pan
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-chart-axis.h"
#include "healer-chart-layer.h"

G_BEGIN_DECLS

#define HEALER_TYPE_CHART (healer_chart_get_type ())

G_DECLARE_DERIVABLE_TYPE (HealerChart, healer_chart, HEALER, CHART, GtkWidget)

struct _HealerChartClass
{
  GtkWidgetClass parent_class;

  /* A click (no drag) on an item of @layer. */
  void (*item_activated) (HealerChart      *self,
                          HealerChartLayer *layer,
                          guint64           index);
};

/* The axes, also the read-only properties "x-axis" and "y-axis". In a .ui
 * file they are the internal children of those names, and layers are
 * children:
 *   <object class="HealerBarChart">
 *     <child internal-child="x-axis">
 *       <object class="HealerChartAxis">
 *         <property name="title">…</property>
 *       </object>
 *     </child>
 *   </object> */
HealerChartAxis *healer_chart_get_x_axis     (HealerChart      *self);
HealerChartAxis *healer_chart_get_y_axis     (HealerChart      *self);
/* Layers draw in the order added; the chart keeps a reference. */
void             healer_chart_add_layer      (HealerChart      *self,
                                              HealerChartLayer *layer);
/* Sets both axes' "title". */
void             healer_chart_set_titles     (HealerChart      *self,
                                              const char       *x_title,
                                              const char       *y_title);
/* How the home ranges are made from the layers' extents: @pad is a
 * fraction of the span added on each side; with @y_from_zero the y range
 * always includes 0 (bars). */
void             healer_chart_set_range_policy (HealerChart    *self,
                                                double          x_pad,
                                                double          y_pad,
                                                gboolean        y_from_zero);
/* The colours of the layers' categories (the "palette" property, settable
 * in a .ui file by its nick): HEALER_CHART_PALETTE_INHERIT (the default)
 * follows the process-wide palette of Preferences; another kind keeps this
 * chart in that palette whatever the setting. A HealerChartLegend shown by
 * the chart is kept in the same palette. */
HealerChartPaletteKind healer_chart_get_palette (HealerChart            *self);
void             healer_chart_set_palette    (HealerChart            *self,
                                              HealerChartPaletteKind  palette);
/* A widget shown under the plot (the legend); NULL removes it. */
void             healer_chart_set_legend     (HealerChart      *self,
                                              GtkWidget        *legend);
GtkWidget       *healer_chart_get_legend     (HealerChart      *self);
/* The plot area in widget coordinates, as last drawn. */
void             healer_chart_get_plot_area  (HealerChart      *self,
                                              graphene_rect_t  *area);
/* Whether the chart is drawn for a dark background. */
gboolean         healer_chart_is_dark        (HealerChart      *self);

/* The item under widget point (@x, @y) as a tooltip shows it (free the
 * text), or NULL; @index receives the layer's index of the item. */
char            *healer_chart_query_item     (HealerChart      *self,
                                              double            x,
                                              double            y,
                                              guint64          *index);

/* Zooms to show what is in @rect (widget coordinates) — the rubber band's
 * end. A side shorter than 4 pixels leaves that axis alone. */
void             healer_chart_zoom_to_rect   (HealerChart           *self,
                                              const graphene_rect_t *rect);

/* The modifier (GDK_CONTROL_MASK) that must be held for the mouse wheel to
 * zoom; without it the wheel is left to the widgets around the chart, so
 * that a chart inside a scrolling page does not stop the page from
 * scrolling. 0 (the default, for a chart that fills its view): the wheel
 * always zooms. Keys, pinch and the rubber band zoom either way. */
void             healer_chart_set_zoom_modifier (HealerChart     *self,
                                                 GdkModifierType  modifier);
GdkModifierType  healer_chart_get_zoom_modifier (HealerChart     *self);

/* Back to the whole data. */
void             healer_chart_reset_zoom     (HealerChart      *self);

G_END_DECLS
