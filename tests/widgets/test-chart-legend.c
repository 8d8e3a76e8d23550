/* test-chart-legend.c — entries toggle, emit, dim and wrap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "healer-test-gui.h"
#include "healer-chart-legend.h"
#include "healer-chart-palette.h"

static const char * const labels[] = { "Normal", "CPU fault", "Memory leak", "Disk full", NULL };

typedef struct {
  guint    n_emitted;
  guint    index;
  gboolean active;
} Toggled;

static gboolean
toggled_once (gpointer data)
{
  return ((Toggled *) data)->n_emitted == 1;
}

static void
on_toggled (HealerChartLegend *legend,
            guint              index,
            gboolean           active,
            Toggled           *t)
{
  t->n_emitted++;
  t->index = index;
  t->active = active;
  /* The signal comes after the state changed, so handlers can read it. */
  g_assert_cmpint (healer_chart_legend_get_active (legend, index), ==, active);
}

static GtkWidget *
nth_entry (HealerChartLegend *legend,
           guint              n)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (legend));

  while (n-- > 0 && child != NULL)
    child = gtk_widget_get_next_sibling (child);
  g_assert_nonnull (child);
  return child;
}

/* The swatch is the first child of the entry's box. */
static guint32
swatch_pixel (HealerChartLegend *legend,
              GdkTexture        *texture,
              guint              n)
{
  GtkWidget *button = nth_entry (legend, n);
  GtkWidget *swatch = gtk_widget_get_first_child (gtk_widget_get_first_child (button));
  graphene_point_t p;

  g_assert_true (GTK_IS_DRAWING_AREA (swatch));
  g_assert_true (gtk_widget_compute_point (swatch, GTK_WIDGET (legend),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (swatch) / 2.f,
                                                                 gtk_widget_get_height (swatch) / 2.f),
                                           &p));
  return healer_test_pixel (texture, (int) p.x, (int) p.y);
}

static guint32
rgba_to_pixel (const GdkRGBA *c)
{
  return 0xff000000u | ((guint32) (c->red * 255 + .5) << 16) |
         ((guint32) (c->green * 255 + .5) << 8) | (guint32) (c->blue * 255 + .5);
}

static int
channel_distance (guint32 a,
                  guint32 b)
{
  int d = 0;

  for (int shift = 0; shift < 24; shift += 8)
    d = MAX (d, ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)));
  return d;
}

static void
test_legend_toggle (void)
{
  HealerChartLegend *legend = healer_chart_legend_new ();
  GtkWindow *window;
  Toggled t = { 0 };
  g_autoptr(GdkTexture) before = NULL;
  g_autoptr(GdkTexture) after = NULL;
  GdkRGBA expected;
  GtkWidget *entry;

  healer_chart_legend_set_items (legend, labels);
  g_signal_connect (legend, "toggled", G_CALLBACK (on_toggled), &t);
  g_assert_cmpuint (healer_chart_legend_get_n_items (legend), ==, 4);
  g_assert_cmpstr (healer_chart_legend_get_label (legend, 2), ==, "Memory leak");
  for (guint i = 0; i < 4; i++)
    g_assert_true (healer_chart_legend_get_active (legend, i));

  window = healer_test_show (GTK_WIDGET (legend), 600, 60);
  before = healer_test_render (GTK_WIDGET (legend), "legend-light");

  /* Each swatch shows its palette colour. */
  for (guint i = 0; i < 4; i++)
    {
      healer_chart_palette_get_color (i, FALSE, &expected);
      g_assert_cmpint (channel_distance (swatch_pixel (legend, before, i), rgba_to_pixel (&expected)), <=, 2);
    }

  /* The entries are keyboard-reachable toggle buttons, named by their label. */
  entry = nth_entry (legend, 1);
  g_assert_true (gtk_widget_get_focusable (entry));
  /* GTK 4.8 has no toggle-button role: a button with the "pressed" state. */
  g_assert_true (GTK_IS_TOGGLE_BUTTON (entry));
  g_assert_cmpint (gtk_accessible_get_accessible_role (GTK_ACCESSIBLE (entry)), ==,
                   GTK_ACCESSIBLE_ROLE_BUTTON);

  /* Activating it as Enter or a click would hides the class. */
  g_assert_true (gtk_widget_activate (entry));
  /* A button's activation is an animated click that ends 250 ms later. */
  g_assert_true (healer_test_wait_until (toggled_once, &t, 10000));
  g_assert_cmpuint (t.n_emitted, ==, 1);
  g_assert_cmpuint (t.index, ==, 1);
  g_assert_false (t.active);
  g_assert_false (healer_chart_legend_get_active (legend, 1));
  g_assert_true (healer_chart_legend_get_active (legend, 0));

  /* …and dims it: its swatch is no longer the full colour, the others are. */
  after = healer_test_render (GTK_WIDGET (legend), "legend-light-toggled");
  healer_chart_palette_get_color (1, FALSE, &expected);
  g_assert_cmpint (channel_distance (swatch_pixel (legend, after, 1), rgba_to_pixel (&expected)), >, 40);
  healer_chart_palette_get_color (0, FALSE, &expected);
  g_assert_cmpint (channel_distance (swatch_pixel (legend, after, 0), rgba_to_pixel (&expected)), <=, 2);

  /* The API emits too, once per change only. */
  healer_chart_legend_set_active (legend, 1, TRUE);
  g_assert_cmpuint (t.n_emitted, ==, 2);
  g_assert_true (t.active);
  healer_chart_legend_set_active (legend, 1, TRUE);
  g_assert_cmpuint (t.n_emitted, ==, 2);

  /* Same labels again keep what the user hid; other labels start over. */
  healer_chart_legend_set_active (legend, 3, FALSE);
  healer_chart_legend_set_items (legend, labels);
  g_assert_false (healer_chart_legend_get_active (legend, 3));
  healer_chart_legend_set_items (legend, (const char * const[]) { "a", "b", NULL });
  g_assert_cmpuint (healer_chart_legend_get_n_items (legend), ==, 2);
  g_assert_true (healer_chart_legend_get_active (legend, 1));
  g_assert_cmpuint (t.n_emitted, ==, 3);

  gtk_window_destroy (window);
}

static void
test_legend_wraps (void)
{
  HealerChartLegend *legend = healer_chart_legend_new ();
  g_autoptr(GtkWidget) ref = g_object_ref_sink (GTK_WIDGET (legend));
  int nat_width, wide_height, narrow_height, min_width;

  healer_chart_legend_set_items (legend, labels);
  gtk_widget_measure (GTK_WIDGET (legend), GTK_ORIENTATION_HORIZONTAL, -1,
                      &min_width, &nat_width, NULL, NULL);
  g_assert_cmpint (min_width, <, nat_width);
  gtk_widget_measure (GTK_WIDGET (legend), GTK_ORIENTATION_VERTICAL, nat_width,
                      NULL, &wide_height, NULL, NULL);
  gtk_widget_measure (GTK_WIDGET (legend), GTK_ORIENTATION_VERTICAL, min_width,
                      NULL, &narrow_height, NULL, NULL);
  g_assert_cmpint (wide_height, >, 0);
  /* Four entries on one line when there is room, four lines when not. */
  g_assert_cmpint (narrow_height, >=, 4 * wide_height);
}

static void
test_legend_dark (void)
{
  HealerChartLegend *legend = healer_chart_legend_new ();
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autoptr(GdkTexture) texture = NULL;
  GtkWindow *window;
  GdkRGBA expected;

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  healer_chart_legend_set_items (legend, labels);
  window = healer_test_show (GTK_WIDGET (legend), 600, 60);
  texture = healer_test_render (GTK_WIDGET (legend), "legend-dark");
  /* The legend alone has no background: keep a picture of the window too. */
  g_object_unref (healer_test_render (GTK_WIDGET (window), "legend-dark-window"));
  for (guint i = 0; i < 4; i++)
    {
      healer_chart_palette_get_color (i, TRUE, &expected);
      g_assert_cmpint (channel_distance (swatch_pixel (legend, texture, i), rgba_to_pixel (&expected)), <=, 2);
    }
  gtk_window_destroy (window);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_LIGHT);
}

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);

  g_test_add_func ("/chart-legend/toggle", test_legend_toggle);
  g_test_add_func ("/chart-legend/wraps", test_legend_wraps);
  g_test_add_func ("/chart-legend/dark", test_legend_dark);

  return g_test_run ();
}
