/* healer-chart-palette.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>

#include "healer-chart-palette.h"

#define N_COLORS 7

typedef struct
{
  guint32 light[N_COLORS];
  guint32 dark[N_COLORS];
} Palette;

static const Palette palettes[] = {
  [HEALER_CHART_PALETTE_OKABE_ITO] = {
    /* Okabe & Ito, "Color Universal Design" (2008). Black is left out: it
     * is the text colour on light backgrounds and invisible on dark ones.
     * Yellow comes last because it has the poorest contrast on white. */
    { 0x0072B2, /* blue */
      0xE69F00, /* orange */
      0x009E73, /* bluish green */
      0xCC79A7, /* reddish purple */
      0x56B4E9, /* sky blue */
      0xD55E00, /* vermillion */
      0xB8A200, /* yellow, darkened for contrast on white */ },
    /* The same hues, lifted so they keep their contrast on libadwaita's
     * dark window background. */
    { 0x3A9BE0, 0xF2B233, 0x2EC497, 0xE29BC4, 0x7CC8F2, 0xF27A2E, 0xF0E442 },
  },
  [HEALER_CHART_PALETTE_TOL_BRIGHT] = {
    /* Paul Tol's "bright" qualitative scheme (grey last: it reads as
     * "other"). Its colours are light enough for both backgrounds. */
    { 0x4477AA, 0xEE6677, 0x228833, 0xCCBB44, 0x66CCEE, 0xAA3377, 0xBBBBBB },
    { 0x6699CC, 0xEE6677, 0x44AA55, 0xCCBB44, 0x66CCEE, 0xCC5599, 0xBBBBBB },
  },
  [HEALER_CHART_PALETTE_GNOME] = {
    /* The GNOME HIG palette: the "3" shades on light, the "2" on dark. */
    { 0x3584E4, 0xE5A50A, 0x2EC27E, 0x9141AC, 0xE01B24, 0xFF7800, 0x986A44 },
    { 0x62A0EA, 0xF8E45C, 0x57E389, 0xC061CB, 0xF66151, 0xFFA348, 0xCDAB8F },
  },
};

static HealerChartPaletteKind current_kind = HEALER_CHART_PALETTE_OKABE_ITO;

GType
healer_chart_palette_kind_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { HEALER_CHART_PALETTE_OKABE_ITO, "HEALER_CHART_PALETTE_OKABE_ITO", "okabe-ito" },
        { HEALER_CHART_PALETTE_TOL_BRIGHT, "HEALER_CHART_PALETTE_TOL_BRIGHT", "tol-bright" },
        { HEALER_CHART_PALETTE_GNOME, "HEALER_CHART_PALETTE_GNOME", "gnome" },
        { HEALER_CHART_PALETTE_INHERIT, "HEALER_CHART_PALETTE_INHERIT", "inherit" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("HealerChartPaletteKind"), values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

guint
healer_chart_palette_get_size (void)
{
  return N_COLORS;
}

void
healer_chart_palette_get_color (guint     index,
                                gboolean  dark,
                                GdkRGBA  *color)
{
  healer_chart_palette_lookup (HEALER_CHART_PALETTE_INHERIT, index, dark, color);
}

void
healer_chart_palette_lookup (HealerChartPaletteKind  kind,
                             guint                   index,
                             gboolean                dark,
                             GdkRGBA                *color)
{
  const Palette *palette;
  guint32 rgb;

  g_return_if_fail (kind <= HEALER_CHART_PALETTE_INHERIT);
  g_return_if_fail (color != NULL);

  palette = &palettes[kind == HEALER_CHART_PALETTE_INHERIT ? current_kind : kind];

  rgb = (dark ? palette->dark : palette->light)[index % N_COLORS];
  color->red = ((rgb >> 16) & 0xff) / 255.f;
  color->green = ((rgb >> 8) & 0xff) / 255.f;
  color->blue = (rgb & 0xff) / 255.f;
  color->alpha = 1.f;
}

HealerChartPaletteKind
healer_chart_palette_get_kind (void)
{
  return current_kind;
}

/* A private object with one signal, so no public type is needed for it. */
#define HEALER_TYPE_PALETTE_NOTIFIER (healer_palette_notifier_get_type ())
G_DECLARE_FINAL_TYPE (HealerPaletteNotifier, healer_palette_notifier, HEALER, PALETTE_NOTIFIER, GObject)

struct _HealerPaletteNotifier
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (HealerPaletteNotifier, healer_palette_notifier, G_TYPE_OBJECT)

static void
healer_palette_notifier_class_init (HealerPaletteNotifierClass *klass)
{
  g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
healer_palette_notifier_init (HealerPaletteNotifier *self)
{
}

GObject *
healer_chart_palette_get_notifier (void)
{
  static GObject *notifier;

  if (g_once_init_enter (&notifier))
    g_once_init_leave (&notifier, g_object_new (HEALER_TYPE_PALETTE_NOTIFIER, NULL));
  return notifier;
}

void
healer_chart_palette_set_kind (HealerChartPaletteKind kind)
{
  g_return_if_fail (kind < G_N_ELEMENTS (palettes));

  if (kind == current_kind)
    return;
  current_kind = kind;
  g_signal_emit_by_name (healer_chart_palette_get_notifier (), "changed");
}

gboolean
healer_chart_foreground_is_light (const GdkRGBA *foreground)
{
  return 0.2126 * foreground->red + 0.7152 * foreground->green + 0.0722 * foreground->blue > 0.5;
}

gboolean
healer_chart_widget_is_dark (GtkWidget *widget,
                             GdkRGBA   *foreground)
{
  GdkRGBA fg;

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &fg);
G_GNUC_END_IGNORE_DEPRECATIONS
  if (foreground != NULL)
    *foreground = fg;
  return healer_chart_foreground_is_light (&fg);
}

static double
linear (double c)
{
  return c <= 0.04045 ? c / 12.92 : pow ((c + 0.055) / 1.055, 2.4);
}

void
healer_chart_contrasting_text (const GdkRGBA *background,
                               GdkRGBA       *text)
{
  double l = 0.2126 * linear (background->red) + 0.7152 * linear (background->green) +
             0.0722 * linear (background->blue);

  if (1.05 / (l + 0.05) >= (l + 0.05) / 0.05)
    *text = (GdkRGBA) { 1.f, 1.f, 1.f, 1.f };
  else
    *text = (GdkRGBA) { 0.f, 0.f, 0.f, 0.85f };
}
