/* test-pie-chart.c — slices take their share of the pixels, hide and light up
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "healer-test-gui.h"
#include "healer-test-chart.h"
#include "healer-chart-palette.h"
#include "healer-pie-chart.h"

#define N_CLASSES 4

static const char * const labels[] = { "Normal", "CPU fault", "Memory leak", "Disk full", NULL };
static const double values[N_CLASSES] = { 500, 300, 150, 50 };

typedef struct {
  GdkTexture *texture;
  guchar     *data;
  int         width;
  int         height;
} Picture;

static void
picture_load (Picture    *p,
              GdkTexture *texture)
{
  p->texture = texture;
  p->width = gdk_texture_get_width (texture);
  p->height = gdk_texture_get_height (texture);
  p->data = g_malloc ((gsize) p->width * p->height * 4);
  gdk_texture_download (texture, p->data, (gsize) p->width * 4);
}

static void
picture_clear (Picture *p)
{
  g_clear_object (&p->texture);
  g_clear_pointer (&p->data, g_free);
}

static guint32
picture_pixel (const Picture *p,
               int            x,
               int            y)
{
  guint32 pixel;

  memcpy (&pixel, p->data + ((gsize) y * p->width + x) * 4, 4);
  return pixel;
}

static guint32
rgba_to_pixel (const GdkRGBA *c)
{
  return 0xff000000u | ((guint32) (c->red * 255 + .5) << 16) |
         ((guint32) (c->green * 255 + .5) << 8) | (guint32) (c->blue * 255 + .5);
}

static gboolean
close_to (guint32 a,
          guint32 b)
{
  if ((a >> 24) != 0xff)
    return FALSE;
  for (int shift = 0; shift < 24; shift += 8)
    if (ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)) > 3)
      return FALSE;
  return TRUE;
}

/* Pixels of each palette colour above row @bottom (the legend below has
 * swatches of the same colours). */
static void
count_colors (const Picture *p,
              int            bottom,
              gboolean       dark,
              guint64        counts[N_CLASSES])
{
  guint32 colors[N_CLASSES];

  for (guint i = 0; i < N_CLASSES; i++)
    {
      GdkRGBA c;

      healer_chart_palette_get_color (i, dark, &c);
      colors[i] = rgba_to_pixel (&c);
      counts[i] = 0;
    }
  for (int y = 0; y < bottom; y++)
    for (int x = 0; x < p->width; x++)
      {
        guint32 px = picture_pixel (p, x, y);

        for (guint i = 0; i < N_CLASSES; i++)
          if (close_to (px, colors[i]))
            counts[i]++;
      }
}

static void
assert_shares (const guint64 counts[N_CLASSES],
               const gboolean shown[N_CLASSES])
{
  guint64 pixels = 0;
  double total = 0;

  for (guint i = 0; i < N_CLASSES; i++)
    {
      pixels += counts[i];
      if (shown[i])
        total += values[i];
    }
  g_assert_cmpuint (pixels, >, 10000);

  for (guint i = 0; i < N_CLASSES; i++)
    {
      double pixel_share = (double) counts[i] / pixels;
      double value_share = shown[i] ? values[i] / total : 0;

      g_test_message ("class %u: %" G_GUINT64_FORMAT " px, %.2f %% of the ring, value %.2f %%",
                      i, counts[i], 100 * pixel_share, 100 * value_share);
      g_assert_cmpfloat (fabs (pixel_share - value_share), <=, 0.02);
      if (!shown[i])
        g_assert_cmpuint (counts[i], ==, 0);
    }
}

/* Where the donut ends and the legend begins, in the chart's coordinates. */
static int
legend_top (HealerPieChart *pie)
{
  graphene_point_t p;

  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (healer_pie_chart_get_legend (pie)),
                                           GTK_WIDGET (pie), &GRAPHENE_POINT_INIT (0, 0), &p));
  g_assert_cmpfloat (p.y, >, 100);
  return (int) p.y;
}

static void
send_motion (GtkWidget *widget,
             double     x,
             double     y)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);
  gboolean sent = FALSE;

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_EVENT_CONTROLLER_MOTION (controller))
        {
          g_signal_emit_by_name (controller, "motion", x, y);
          sent = TRUE;
        }
    }
  g_assert_true (sent);
}

static void
check_pie (gboolean dark)
{
  GtkWidget *pie = healer_pie_chart_new ();
  HealerPieChart *self = HEALER_PIE_CHART (pie);
  gboolean shown[N_CLASSES] = { TRUE, TRUE, TRUE, TRUE };
  Picture before = { 0 }, hidden = { 0 }, hover = { 0 };
  guint64 counts[N_CLASSES], hover_counts[N_CLASSES];
  GtkWindow *window;
  int bottom;
  double r;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);

  healer_pie_chart_set_data (self, labels, values, N_CLASSES);
  window = healer_test_show (pie, 480, 420);
  g_object_unref (healer_test_render (GTK_WIDGET (window), dark ? "pie-dark-window" : "pie-light-window"));

  picture_load (&before, healer_test_render (pie, dark ? "pie-dark" : "pie-light"));
  bottom = legend_top (self);
  count_colors (&before, bottom, dark, counts);
  assert_shares (counts, shown);

  /* Hovering the right-hand side (inside the first, biggest slice, which
   * runs from 12 to 6 o'clock) lights that slice up and grows it. */
  r = MIN (gtk_widget_get_width (pie), bottom) * 0.3;
  send_motion (pie, gtk_widget_get_width (pie) / 2.0 + r, bottom / 2.0);
  g_assert_cmpint (healer_pie_chart_get_hovered_slice (self), ==, 0);
  picture_load (&hover, healer_test_render (pie, dark ? "pie-dark-hover" : "pie-light-hover"));
  count_colors (&hover, bottom, dark, hover_counts);
  g_assert_cmpuint (hover_counts[0], <, counts[0] / 10);
  /* The others stay, but for anti-aliased pixels along the shared edges. */
  for (guint i = 1; i < N_CLASSES; i++)
    g_assert_cmpfloat (fabs ((double) hover_counts[i] - counts[i]), <=, counts[i] * 0.01 + 2);
  {
    gboolean changed = FALSE;

    for (int y = 0; y < bottom && !changed; y++)
      for (int x = 0; x < before.width; x++)
        if (picture_pixel (&before, x, y) != picture_pixel (&hover, x, y))
          changed = TRUE;
    g_assert_true (changed);
  }

  /* The slice has a tooltip; the hole has none. */
  {
    g_autoptr(GObject) tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);
    gboolean has_tooltip = FALSE;

    g_signal_emit_by_name (pie, "query-tooltip", (int) (gtk_widget_get_width (pie) / 2.0 + r),
                           bottom / 2, FALSE, tooltip, &has_tooltip);
    g_assert_true (has_tooltip);
    has_tooltip = FALSE;
    g_signal_emit_by_name (pie, "query-tooltip", gtk_widget_get_width (pie) / 2, bottom / 2,
                           FALSE, tooltip, &has_tooltip);
    g_assert_false (has_tooltip);
  }

  /* Pointing into the hole hovers nothing. */
  send_motion (pie, gtk_widget_get_width (pie) / 2.0, bottom / 2.0);
  g_assert_cmpint (healer_pie_chart_get_hovered_slice (self), ==, -1);

  /* Hiding "CPU fault" in the legend removes its colour; the other three
   * share the whole ring. */
  healer_chart_legend_set_active (healer_pie_chart_get_legend (self), 1, FALSE);
  shown[1] = FALSE;
  picture_load (&hidden, healer_test_render (pie, dark ? "pie-dark-hidden" : "pie-light-hidden"));
  count_colors (&hidden, legend_top (self), dark, counts);
  assert_shares (counts, shown);

  if (!dark)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "pie-export.png", NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (healer_test_chart_write (pie, path,
                                          HEALER_CHART_FORMAT_PNG, 640, 480, &error));
      g_assert_no_error (error);
    }

  picture_clear (&before);
  picture_clear (&hover);
  picture_clear (&hidden);
  gtk_window_destroy (window);
}

static void
test_pie_light (void)
{
  check_pie (FALSE);
}

static void
test_pie_dark (void)
{
  check_pie (TRUE);
}

/* gtk_test_accessible_assert_property() trips -Wformat in GTK 4.8's header. */
static void
assert_description (GtkWidget  *widget,
                    const char *expected)
{
  g_autofree char *actual = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget),
                                                                GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                                expected);

  /* NULL means it matched; otherwise it is the value the widget has. */
  g_assert_cmpstr (actual, ==, NULL);
}

static void
test_pie_description (void)
{
  GtkWidget *pie = healer_pie_chart_new ();
  g_autoptr(GtkWidget) ref = g_object_ref_sink (pie);

  healer_pie_chart_set_data (HEALER_PIE_CHART (pie), labels, values, N_CLASSES);
  assert_description (pie,
                      "Pie chart of 1000 in total: Normal: 500 (50.0 %); "
                      "CPU fault: 300 (30.0 %); Memory leak: 150 (15.0 %); "
                      "Disk full: 50 (5.0 %)");
  healer_chart_legend_set_active (healer_pie_chart_get_legend (HEALER_PIE_CHART (pie)), 0, FALSE);
  assert_description (pie,
                      "Pie chart of 500 in total: CPU fault: 300 (60.0 %); "
                      "Memory leak: 150 (30.0 %); Disk full: 50 (10.0 %)");
}

static void
test_pie_empty (void)
{
  static const double zeros[N_CLASSES] = { 0, 0, 0, 0 };
  GtkWidget *pie = healer_pie_chart_new ();
  Picture p = { 0 };
  guint64 counts[N_CLASSES];
  GtkWindow *window;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  healer_pie_chart_set_data (HEALER_PIE_CHART (pie), labels, zeros, N_CLASSES);
  window = healer_test_show (pie, 480, 420);
  picture_load (&p, healer_test_render (pie, "pie-empty"));
  count_colors (&p, legend_top (HEALER_PIE_CHART (pie)), FALSE, counts);
  for (guint i = 0; i < N_CLASSES; i++)
    g_assert_cmpuint (counts[i], ==, 0);
  assert_description (pie,
                      "Pie chart with no data");
  picture_clear (&p);
  gtk_window_destroy (window);
}

/* Six classes, four of them thin: their labels go outside or are left
 * out, never on top of each other (look at pie-tiny.png). */
static void
test_pie_tiny (void)
{
  static const char * const names[] = { "normal", "cpu", "memory", "disk", "network", "process", NULL };
  static const double tiny[] = { 930, 30, 20, 12, 5, 3 };
  GtkWidget *pie = healer_pie_chart_new ();
  GtkWindow *window;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  healer_pie_chart_set_data (HEALER_PIE_CHART (pie), names, tiny, G_N_ELEMENTS (tiny));
  window = healer_test_show (pie, 360, 300);
  g_object_unref (healer_test_render (GTK_WIDGET (window), "pie-tiny"));
  /* Narrow: the legend wraps onto more lines and the donut shrinks. */
  healer_test_resize (window, 220, 400);
  g_object_unref (healer_test_render (GTK_WIDGET (window), "pie-narrow"));
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/pie-chart/light", test_pie_light);
  g_test_add_func ("/pie-chart/dark", test_pie_dark);
  g_test_add_func ("/pie-chart/description", test_pie_description);
  g_test_add_func ("/pie-chart/empty", test_pie_empty);
  g_test_add_func ("/pie-chart/tiny", test_pie_tiny);

  return g_test_run ();
}
