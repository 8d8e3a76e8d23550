/* healer-chart-palette.h — the categorical colours every chart shares
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Number of distinct categorical colours before they repeat. */
guint healer_chart_palette_get_size  (void);

/* Colour of category @index (wraps around), tuned for a light or a dark
 * background; the set is Okabe–Ito's, distinguishable with the common forms
 * of colour blindness. */
void  healer_chart_palette_get_color (guint     index,
                                      gboolean  dark,
                                      GdkRGBA  *color);

G_END_DECLS
