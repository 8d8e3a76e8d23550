/* healer-chart-palette.h — the categorical colours every chart shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* In the order of the "chart-palette" GSettings enum. */
typedef enum
{
  HEALER_CHART_PALETTE_OKABE_ITO,   /* the default: safe with colour blindness */
  HEALER_CHART_PALETTE_TOL_BRIGHT,  /* Paul Tol's bright scheme: safe too */
  HEALER_CHART_PALETTE_GNOME,       /* the GNOME HIG colours: not safe */
  /* Not a palette: what a chart's "palette" property is by default, the
   * process-wide palette below, whichever it is at the time. */
  HEALER_CHART_PALETTE_INHERIT,
} HealerChartPaletteKind;

/* The enum of the charts' and legends' "palette" properties; its nicks
 * ("okabe-ito", "tol-bright", "gnome", "inherit") are what .ui files and
 * GSettings write. */
#define HEALER_TYPE_CHART_PALETTE_KIND (healer_chart_palette_kind_get_type ())
GType                  healer_chart_palette_kind_get_type (void);

/* Number of distinct categorical colours before they repeat. */
guint                  healer_chart_palette_get_size  (void);

/* Colour of category @index (wraps around) in the current palette, tuned
 * for a light or a dark background. */
void                   healer_chart_palette_get_color (guint                   index,
                                                       gboolean                dark,
                                                       GdkRGBA                *color);
/* The same in palette @kind; HEALER_CHART_PALETTE_INHERIT is the current
 * process-wide palette. What a chart with its own "palette" draws with. */
void                   healer_chart_palette_lookup    (HealerChartPaletteKind  kind,
                                                       guint                   index,
                                                       gboolean                dark,
                                                       GdkRGBA                *color);

/* TRUE when the theme colour @foreground (of text) is light, that is when
 * it is drawn on a dark background. */
gboolean               healer_chart_foreground_is_light (const GdkRGBA *foreground);
/* Whether @widget is drawn on a dark background, from its text colour
 * (libadwaita's style manager lives in the app, not here; the colour
 * tells just as well); @foreground receives that colour unless NULL. */
gboolean               healer_chart_widget_is_dark      (GtkWidget     *widget,
                                                         GdkRGBA       *foreground);
/* Black or white, whichever has the higher WCAG contrast on @background. */
void                   healer_chart_contrasting_text    (const GdkRGBA *background,
                                                         GdkRGBA       *text);

/* The palette of every chart in the process whose "palette" is
 * HEALER_CHART_PALETTE_INHERIT (never INHERIT itself). Setting another one
 * emits "changed" on healer_chart_palette_get_notifier(), which the charts
 * listen to so they redraw at once. Main thread only. */
HealerChartPaletteKind healer_chart_palette_get_kind  (void);
void                   healer_chart_palette_set_kind  (HealerChartPaletteKind  kind);
GObject               *healer_chart_palette_get_notifier (void);

G_END_DECLS
