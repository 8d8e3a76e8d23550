/* healer-chart-palette.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "healer-chart-palette.h"

/* Okabe & Ito, "Color Universal Design" (2008). Black is left out: it is the
 * text colour on light backgrounds and invisible on dark ones. Yellow comes
 * last because it has the poorest contrast on white. */
static const guint32 light_colors[] = {
  0x0072B2, /* blue */
  0xE69F00, /* orange */
  0x009E73, /* bluish green */
  0xCC79A7, /* reddish purple */
  0x56B4E9, /* sky blue */
  0xD55E00, /* vermillion */
  0xB8A200, /* yellow, darkened for contrast on white */
};

/* The same hues, lifted so they keep their contrast on libadwaita's dark
 * window background. */
static const guint32 dark_colors[] = {
  0x3A9BE0,
  0xF2B233,
  0x2EC497,
  0xE29BC4,
  0x7CC8F2,
  0xF27A2E,
  0xF0E442,
};

G_STATIC_ASSERT (G_N_ELEMENTS (light_colors) == G_N_ELEMENTS (dark_colors));

guint
healer_chart_palette_get_size (void)
{
  return G_N_ELEMENTS (light_colors);
}

void
healer_chart_palette_get_color (guint     index,
                                gboolean  dark,
                                GdkRGBA  *color)
{
  guint32 rgb;

  g_return_if_fail (color != NULL);

  rgb = (dark ? dark_colors : light_colors)[index % G_N_ELEMENTS (light_colors)];
  color->red = ((rgb >> 16) & 0xff) / 255.f;
  color->green = ((rgb >> 8) & 0xff) / 255.f;
  color->blue = (rgb & 0xff) / 255.f;
  color->alpha = 1.f;
}
