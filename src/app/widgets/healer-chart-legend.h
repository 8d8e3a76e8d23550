/* healer-chart-legend.h — a wrapping row of class entries that can be
 * switched off and on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "healer-chart-palette.h"

G_BEGIN_DECLS

#define HEALER_TYPE_CHART_LEGEND (healer_chart_legend_get_type ())

G_DECLARE_FINAL_TYPE (HealerChartLegend, healer_chart_legend, HEALER, CHART_LEGEND, GtkWidget)

HealerChartLegend *healer_chart_legend_new        (void);

/* One entry per label (NULL-terminated), entry i in colour i of the
 * legend's "palette" (HEALER_CHART_PALETTE_INHERIT by default: the
 * process-wide one; a chart sets its own on the legend it shows), all
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

/* The "palette" property: the colours of the swatches. */
HealerChartPaletteKind healer_chart_legend_get_palette (HealerChartLegend      *self);
void                   healer_chart_legend_set_palette (HealerChartLegend      *self,
                                                        HealerChartPaletteKind  palette);
/* The colour entry @index's swatch is drawn in now (for the legend's
 * background, light or dark), so a test or a caller can compare it with
 * the chart's. */
void                   healer_chart_legend_get_color   (HealerChartLegend      *self,
                                                        guint                   index,
                                                        GdkRGBA                *color);

G_END_DECLS
