/* test-line-chart.c — curves pass through their pixels, live, dashed, on
 * a log axis, zoomed and panned
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "healer-test-chart.h"
#include "healer-line-chart.h"

/* Distance from the colour of series @color_index (opaque) to the closest
 * pixel within @radius of (@x, @y): lines are anti-aliased, so the exact
 * pixel may be a blend. */
static int
distance_near (const ChartPicture *p,
               double              x,
               double              y,
               guint               color_index,
               int                 radius)
{
  GdkRGBA color;
  guint32 want;
  int best = 255;

  healer_chart_palette_get_color (color_index, FALSE, &color);
  want = chart_rgba_to_pixel (&color);
  for (int dy = -radius; dy <= radius; dy++)
    for (int dx = -radius; dx <= radius; dx++)
      best = MIN (best, chart_pixel_distance (chart_picture_pixel (p, (int) floor (x) + dx, (int) floor (y) + dy), want));
  return best;
}

static void
assert_on_line (const ChartPicture *p,
                HealerChart        *chart,
                double              x,
                double              y,
                guint               color_index)
{
  double px, py;
  int d;

  chart_data_to_widget (chart, x, y, &px, &py);
  d = distance_near (p, px, py, color_index, 1);
  g_test_message ("(%g, %g) at (%.1f, %.1f): distance %d", x, y, px, py, d);
  g_assert_cmpint (d, <=, 40);
}

static void
assert_not_on_line (const ChartPicture *p,
                    HealerChart        *chart,
                    double              x,
                    double              y,
                    guint               color_index)
{
  double px, py;

  chart_data_to_widget (chart, x, y, &px, &py);
  g_assert_cmpint (distance_near (p, px, py, color_index, 2), >, 80);
}

static void
test_linear (void)
{
  GtkWidget *chart = healer_line_chart_new ();
  HealerLineChart *line = HEALER_LINE_CHART (chart);
  HealerChartAxis *x_axis = healer_chart_get_x_axis (HEALER_CHART (chart));
  GtkWindow *window;
  ChartPicture p = { 0 };
  guint a, b;
  double lo, hi;

  healer_line_chart_set_titles (line, "Epoch", "Accuracy");
  a = healer_line_chart_add_series (line, "Training", 0, FALSE);
  b = healer_line_chart_add_series (line, "Validation", 5, TRUE);
  /* y = x on a; b is a horizontal line at 2 */
  for (int x = 0; x <= 10; x++)
    {
      healer_line_chart_append (line, a, x, x);
      healer_line_chart_append (line, b, x, 2);
    }
  window = healer_test_show (chart, 600, 400);
  chart_picture_take (&p, chart, "line-linear");

  /* Between the data points too: the segments are straight. */
  for (double x = 0.5; x < 10; x += 1.25)
    assert_on_line (&p, HEALER_CHART (chart), x, x, 0);
  assert_not_on_line (&p, HEALER_CHART (chart), 3, 7, 0);
  /* The dashed line: on a dash or in a gap, but on most of the samples. */
  {
    guint hits = 0, samples = 0;

    for (double x = 0.3; x < 9.7; x += 0.1, samples++)
      {
        double px, py;

        GdkRGBA color;
        int d = 255;

        chart_data_to_widget (HEALER_CHART (chart), x, 2, &px, &py);
        healer_chart_palette_get_color (5, FALSE, &color);
        for (int dy = -1; dy <= 1; dy++)
          d = MIN (d, chart_pixel_distance (chart_picture_pixel (&p, (int) px, (int) floor (py) + dy),
                                            chart_rgba_to_pixel (&color)));
        if (d <= 40)
          hits++;
      }
    g_test_message ("dashed: %u of %u samples on a dash", hits, samples);
    g_assert_cmpuint (hits, >, samples / 3);
    g_assert_cmpuint (hits, <, samples);
  }
  chart_picture_clear (&p);

  /* Live append: the x range grows to the new point. */
  healer_line_chart_append (line, a, 20, 20);
  healer_chart_axis_get_range (x_axis, &lo, &hi);
  g_assert_cmpfloat (hi, >=, 20);
  chart_picture_take (&p, chart, "line-appended");
  assert_on_line (&p, HEALER_CHART (chart), 15, 15, 0);
  chart_picture_clear (&p);

  /* Zoom about x = 5, then pan: still on the line. */
  healer_chart_axis_zoom (x_axis, 4, healer_chart_axis_map (x_axis, 5));
  chart_picture_take (&p, chart, "line-zoomed");
  assert_on_line (&p, HEALER_CHART (chart), 5, 5, 0);
  assert_on_line (&p, HEALER_CHART (chart), 6.3, 6.3, 0);
  chart_picture_clear (&p);
  healer_chart_axis_pan (x_axis, 0.3);
  chart_picture_take (&p, chart, "line-panned");
  healer_chart_axis_get_view (x_axis, &lo, &hi);
  assert_on_line (&p, HEALER_CHART (chart), (lo + hi) / 2, (lo + hi) / 2, 0);

  /* Tooltip on a data point names the series and the values. */
  {
    double px, py;
    g_autofree char *text = NULL;

    chart_data_to_widget (HEALER_CHART (chart), 7, 7, &px, &py);
    text = healer_chart_query_item (HEALER_CHART (chart), px + 2, py, NULL);
    g_assert_nonnull (text);
    g_assert_nonnull (strstr (text, "Training"));
    g_assert_nonnull (strstr (text, "7"));
  }
  chart_picture_clear (&p);

  /* Clear: nothing left to draw or hover. */
  healer_line_chart_clear (line);
  chart_picture_take (&p, chart, "line-cleared");
  {
    double px, py;

    chart_data_to_widget (HEALER_CHART (chart), 0.5, 0.5, &px, &py);
    g_assert_null (healer_chart_query_item (HEALER_CHART (chart), px, py, NULL));
  }
  chart_picture_clear (&p);

  gtk_window_destroy (window);
}

static void
test_log (void)
{
  GtkWidget *chart = healer_line_chart_new ();
  HealerLineChart *line = HEALER_LINE_CHART (chart);
  GtkWindow *window;
  ChartPicture p = { 0 };
  guint loss;

  healer_line_chart_set_titles (line, "Epoch", "Loss");
  healer_line_chart_set_y_log (line, TRUE);
  loss = healer_line_chart_add_series (line, "Loss", 2, FALSE);
  /* 10^(2 - x/2): a straight line on a log axis; one value ≤ 0, which a
   * log axis cannot show, leaves a gap but no harm. */
  for (int x = 0; x <= 10; x++)
    healer_line_chart_append (line, loss, x, x == 11 ? 0 : pow (10, 2 - x / 2.0));
  healer_line_chart_append (line, loss, 11, 0);
  window = healer_test_show (chart, 600, 400);
  chart_picture_take (&p, chart, "line-log");

  /* Mid-segment points of the straight line in log space */
  for (double x = 0.5; x < 10; x += 1.5)
    assert_on_line (&p, HEALER_CHART (chart), x, pow (10, 2 - x / 2.0), 2);
  /* …which on a linear axis would be far from there */
  assert_not_on_line (&p, HEALER_CHART (chart), 5, 50, 2);
  chart_picture_clear (&p);

  /* Back to linear: 100 at x = 0 is the top, the rest hugs the bottom. */
  healer_line_chart_set_y_log (line, FALSE);
  chart_picture_take (&p, chart, "line-log-off");
  assert_on_line (&p, HEALER_CHART (chart), 0, 100, 2);
  assert_on_line (&p, HEALER_CHART (chart), 0.5, 100 - 0.5 * (100 - pow (10, 1.5)), 2);
  chart_picture_clear (&p);

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/line-chart/linear", test_linear);
  g_test_add_func ("/line-chart/log", test_log);

  return g_test_run ();
}
