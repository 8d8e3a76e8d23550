/* test-bar-chart.c — bar heights in pixels match their values, grouped
 * bars sit side by side, the legend hides a group
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "healer-test-chart.h"
#include "healer-bar-chart.h"
#include "healer-bar-layer.h"
#include "healer-chart-legend.h"

static const char * const categories[] = { "Normal", "CPU fault", "Memory leak", "Disk full" };

static gboolean
is_color (guint32 pixel,
          guint   color_index)
{
  GdkRGBA color;

  healer_chart_palette_get_color (color_index, FALSE, &color);
  return chart_pixel_distance (pixel, chart_rgba_to_pixel (&color)) <= 6;
}

/* Height in pixels of the run of @color_index going up from the pixel
 * above the zero line in column @x. */
static int
measure_bar (const ChartPicture *p,
             HealerChart        *chart,
             int                 x,
             guint               color_index)
{
  double px, zero;
  int y, height = 0;

  chart_data_to_widget (chart, 0, 0, &px, &zero);
  for (y = (int) floor (zero) - 1; y >= 0 && is_color (chart_picture_pixel (p, x, y), color_index); y--)
    height++;
  return height;
}

static void
test_single (void)
{
  static const double values[] = { 120, 45, 300, 7 };
  GtkWidget *chart = healer_bar_chart_new ();
  GtkWindow *window;
  ChartPicture p = { 0 };
  HealerChartAxis *y_axis = healer_chart_get_y_axis (HEALER_CHART (chart));
  graphene_rect_t plot;

  healer_bar_chart_set_data (HEALER_BAR_CHART (chart), categories, 4, NULL, 1, values);
  healer_bar_chart_set_titles (HEALER_BAR_CHART (chart), "Class", "Samples");
  window = healer_test_show (chart, 600, 400);
  g_assert_null (gtk_test_accessible_check_property (GTK_ACCESSIBLE (chart),
                                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                     "Bar chart of 4 categories; Normal: 120; CPU fault: 45; Memory leak: 300; Disk full: 7"));
  chart_picture_take (&p, chart, "bar-single");
  healer_chart_get_plot_area (HEALER_CHART (chart), &plot);

  for (guint c = 0; c < 4; c++)
    {
      double px, py, zero;
      int measured;
      double expected;

      chart_data_to_widget (HEALER_CHART (chart), c, values[c], &px, &py);
      chart_data_to_widget (HEALER_CHART (chart), c, 0, &px, &zero);
      expected = (healer_chart_axis_map (y_axis, values[c]) - healer_chart_axis_map (y_axis, 0)) * plot.size.height;
      measured = measure_bar (&p, HEALER_CHART (chart), (int) px, c);
      g_test_message ("bar %u: %d px, expected %.1f", c, measured, expected);
      g_assert_cmpfloat (fabs (measured - expected), <=, 1.5);
      /* Proportional to the value: 300 is 2.5 times 120. */
      if (c == 2)
        g_assert_cmpfloat (fabs (measured - 2.5 * measure_bar (&p, HEALER_CHART (chart),
                                                               (int) plot.origin.x + (int) (healer_chart_axis_map (healer_chart_get_x_axis (HEALER_CHART (chart)), 0) * plot.size.width), 0)),
                           <=, 3);
    }

  /* The tooltip says the category, the value and its share of the total
   * (300 of 472), as the pie chart's does. */
  {
    double px, py;
    g_autofree char *text = NULL;

    chart_data_to_widget (HEALER_CHART (chart), 2, 10, &px, &py);
    text = healer_chart_query_item (HEALER_CHART (chart), px, py, NULL);
    g_assert_cmpstr (text, ==, "Memory leak: 300 (63.6 %)");
  }
  chart_picture_clear (&p);

  /* Zoomed into the small bar: it grows on screen, still true to value. */
  healer_chart_axis_set_view (y_axis, 0, 20);
  chart_picture_take (&p, chart, "bar-zoomed");
  {
    double px, py;
    int measured;

    healer_chart_get_plot_area (HEALER_CHART (chart), &plot);
    chart_data_to_widget (HEALER_CHART (chart), 3, 7, &px, &py);
    measured = measure_bar (&p, HEALER_CHART (chart), (int) px, 3);
    g_assert_cmpfloat (fabs (measured - 7.0 / 20 * plot.size.height), <=, 1.5);
  }
  chart_picture_clear (&p);

  gtk_window_destroy (window);
}

static void
test_grouped (void)
{
  static const char * const groups[] = { "True", "Predicted" };
  static const double values[] = { 100, 90,  50, 60,  30, 30,  20, 20 };
  GtkWidget *chart = healer_bar_chart_new ();
  GtkWindow *window;
  ChartPicture p = { 0 };
  HealerChartAxis *x_axis = healer_chart_get_x_axis (HEALER_CHART (chart));
  HealerChartAxis *y_axis = healer_chart_get_y_axis (HEALER_CHART (chart));
  graphene_rect_t plot;
  GtkWidget *legend;

  healer_bar_chart_set_data (HEALER_BAR_CHART (chart), categories, 4, groups, 2, values);
  window = healer_test_show (chart, 600, 400);
  chart_picture_take (&p, chart, "bar-grouped");
  healer_chart_get_plot_area (HEALER_CHART (chart), &plot);

  for (guint c = 0; c < 4; c++)
    for (guint g = 0; g < 2; g++)
      {
        /* The middle of bar g of category c */
        double centre = c - HEALER_BAR_LAYER_BAND / 2 + (g + 0.5) * HEALER_BAR_LAYER_BAND / 2;
        int x = (int) (plot.origin.x + healer_chart_axis_map (x_axis, centre) * plot.size.width);
        double expected = (healer_chart_axis_map (y_axis, values[2 * c + g]) - healer_chart_axis_map (y_axis, 0)) * plot.size.height;
        int measured = measure_bar (&p, HEALER_CHART (chart), x, g);

        g_test_message ("category %u group %u: %d px, expected %.1f", c, g, measured, expected);
        g_assert_cmpfloat (fabs (measured - expected), <=, 1.5);
      }
  chart_picture_clear (&p);

  /* The legend lists the groups; switching one off hides its bars. */
  legend = healer_chart_get_legend (HEALER_CHART (chart));
  g_assert_true (HEALER_IS_CHART_LEGEND (legend));
  g_assert_true (gtk_widget_get_visible (legend));
  g_assert_cmpuint (healer_chart_legend_get_n_items (HEALER_CHART_LEGEND (legend)), ==, 2);
  healer_chart_legend_set_active (HEALER_CHART_LEGEND (legend), 1, FALSE);
  chart_picture_take (&p, chart, "bar-grouped-hidden");
  {
    double centre = 0 - HEALER_BAR_LAYER_BAND / 2 + 1.5 * HEALER_BAR_LAYER_BAND / 2;
    int x = (int) (plot.origin.x + healer_chart_axis_map (x_axis, centre) * plot.size.width);

    g_assert_cmpint (measure_bar (&p, HEALER_CHART (chart), x, 1), ==, 0);
    centre = 0 - HEALER_BAR_LAYER_BAND / 2 + 0.5 * HEALER_BAR_LAYER_BAND / 2;
    x = (int) (plot.origin.x + healer_chart_axis_map (x_axis, centre) * plot.size.width);
    g_assert_cmpint (measure_bar (&p, HEALER_CHART (chart), x, 0), >, 10);
  }
  chart_picture_clear (&p);

  /* New numbers for the same groups keep the hidden one hidden. */
  healer_bar_chart_set_data (HEALER_BAR_CHART (chart), categories, 4, groups, 2, values);
  g_assert_false (healer_chart_legend_get_active (HEALER_CHART_LEGEND (legend), 1));

  gtk_window_destroy (window);
}


/* Another palette in Preferences recolours charts already on screen. */
static void
test_palette (void)
{
  static const double values[] = { 120, 45, 300, 7 };
  GtkWidget *chart = healer_bar_chart_new ();
  GtkWindow *window;
  ChartPicture p = { 0 };
  double px, py;
  GdkRGBA okabe_ito, gnome;

  healer_bar_chart_set_data (HEALER_BAR_CHART (chart), categories, 4, NULL, 1, values);
  window = healer_test_show (chart, 600, 400);
  chart_data_to_widget (HEALER_CHART (chart), 2, 150, &px, &py);

  g_assert_cmpint (healer_chart_palette_get_kind (), ==, HEALER_CHART_PALETTE_OKABE_ITO);
  healer_chart_palette_get_color (2, FALSE, &okabe_ito);
  chart_picture_take (&p, chart, "bar-palette-okabe-ito");
  g_assert_cmpuint (chart_pixel_distance (chart_picture_pixel (&p, (int) px, (int) py),
                                          chart_rgba_to_pixel (&okabe_ito)), <=, 6);
  chart_picture_clear (&p);

  healer_chart_palette_set_kind (HEALER_CHART_PALETTE_GNOME);
  healer_chart_palette_get_color (2, FALSE, &gnome);
  g_assert_false (gdk_rgba_equal (&gnome, &okabe_ito));
  chart_picture_take (&p, chart, "bar-palette-gnome");
  g_assert_cmpuint (chart_pixel_distance (chart_picture_pixel (&p, (int) px, (int) py),
                                          chart_rgba_to_pixel (&gnome)), <=, 6);
  chart_picture_clear (&p);

  healer_chart_palette_set_kind (HEALER_CHART_PALETTE_OKABE_ITO);
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/bar-chart/single", test_single);
  g_test_add_func ("/bar-chart/grouped", test_grouped);
  g_test_add_func ("/bar-chart/palette", test_palette);

  return g_test_run ();
}
