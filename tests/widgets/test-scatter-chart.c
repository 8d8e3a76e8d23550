/* test-scatter-chart.c — points land on their pixels, through zoom, pan,
 * hiding, density binning and dark mode
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "healer-test-chart.h"
#include "healer-scatter-chart.h"

static gboolean
is_dark (gpointer chart)
{
  return healer_chart_is_dark (chart);
}

static const char * const labels[] = { "Normal", "CPU fault", "Memory leak", NULL };
static const char * const ids[] = { "p0", "p1", "p2", "p3", "p4" };
static const float points[] = { 0, 0,  10, 5,  5, 10,  2, 8,  8, 2 };
static const guint classes[] = { 0, 1, 2, 0, 1 };

static guint32
background_of (const ChartPicture *p)
{
  /* The top-left corner: left of the y title, above the plot. */
  return chart_picture_pixel (p, 2, 2);
}

/* Smallest distance between the pixel at (@x, @y) and category @c's colour
 * at any opacity in [@min_alpha, 1] over the background. */
static int
distance_to_category (const ChartPicture *p,
                      double              x,
                      double              y,
                      guint               c,
                      gboolean            dark,
                      double              min_alpha)
{
  guint32 pixel = chart_picture_pixel (p, (int) floor (x), (int) floor (y));
  guint32 bg = background_of (p);
  GdkRGBA color;
  int best = 255;

  healer_chart_palette_get_color (c, dark, &color);
  for (double a = min_alpha; a <= 1.0001; a += 0.01)
    best = MIN (best, chart_pixel_distance (pixel, chart_blend (&color, a, bg)));
  return best;
}

static void
assert_point_drawn (const ChartPicture *p,
                    HealerChart        *chart,
                    guint               i,
                    gboolean            dark)
{
  double px, py;
  int d;

  chart_data_to_widget (chart, points[2 * i], points[2 * i + 1], &px, &py);
  d = distance_to_category (p, px, py, classes[i], dark, 0.8);
  g_test_message ("point %u at (%.1f, %.1f): distance %d", i, px, py, d);
  g_assert_cmpint (d, <=, 8);
}

/* Every point inside the view is drawn; at least @min of them are. */
static void
assert_points_in_view_drawn (const ChartPicture *p,
                             HealerChart        *chart,
                             guint               min)
{
  guint seen = 0;

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      double fx = healer_chart_axis_map (healer_chart_get_x_axis (chart), points[2 * i]);
      double fy = healer_chart_axis_map (healer_chart_get_y_axis (chart), points[2 * i + 1]);

      if (fx > 0.01 && fx < 0.99 && fy > 0.01 && fy < 0.99)
        {
          assert_point_drawn (p, chart, i, FALSE);
          seen++;
        }
    }
  g_assert_cmpuint (seen, >=, min);
}

static GtkWidget *
make_chart (GtkWindow **window)
{
  GtkWidget *chart = healer_scatter_chart_new ();

  healer_scatter_chart_set_points (HEALER_SCATTER_CHART (chart), points, G_N_ELEMENTS (classes),
                                   classes, labels, ids);
  healer_scatter_chart_set_titles (HEALER_SCATTER_CHART (chart), "Component 1", "Component 2");
  *window = healer_test_show (chart, 600, 420);
  return chart;
}

static void
test_points_land (void)
{
  GtkWindow *window;
  GtkWidget *chart = make_chart (&window);
  ChartPicture p = { 0 };
  double before_x, before_y, after_x, after_y, pan_x, pan_y;
  HealerChartAxis *x_axis = healer_chart_get_x_axis (HEALER_CHART (chart));
  HealerChartAxis *y_axis = healer_chart_get_y_axis (HEALER_CHART (chart));
  graphene_rect_t plot;

  /* What a screen reader says */
  {
    char *mismatch = gtk_test_accessible_check_property (GTK_ACCESSIBLE (chart),
                                                        GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                                        "Scatter chart of 5 points; Normal: 2; CPU fault: 2; Memory leak: 1");

    g_assert_null (mismatch);
  }

  chart_picture_take (&p, chart, "scatter-points");
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    assert_point_drawn (&p, HEALER_CHART (chart), i, FALSE);

  /* Where no point is, no marker colour. */
  {
    double px, py;

    chart_data_to_widget (HEALER_CHART (chart), 5, 2.5, &px, &py);
    for (guint c = 0; c < 3; c++)
      g_assert_cmpint (distance_to_category (&p, px, py, c, FALSE, 0.5), >, 30);
  }
  chart_picture_clear (&p);

  /* Zoom ×1.5 about point 1: it keeps its pixel, the others move away. */
  chart_data_to_widget (HEALER_CHART (chart), points[2], points[3], &before_x, &before_y);
  healer_chart_get_plot_area (HEALER_CHART (chart), &plot);
  healer_chart_axis_zoom (x_axis, 1.5, healer_chart_axis_map (x_axis, points[2]));
  healer_chart_axis_zoom (y_axis, 1.5, healer_chart_axis_map (y_axis, points[3]));
  chart_picture_take (&p, chart, "scatter-zoomed");
  chart_data_to_widget (HEALER_CHART (chart), points[2], points[3], &after_x, &after_y);
  g_assert_cmpfloat (fabs (after_x - before_x), <, 0.5);
  g_assert_cmpfloat (fabs (after_y - before_y), <, 0.5);
  assert_points_in_view_drawn (&p, HEALER_CHART (chart), 2);
  chart_picture_clear (&p);

  /* Pan a tenth of the view left: point 4 moves right by a tenth of the
   * plot's width. */
  chart_data_to_widget (HEALER_CHART (chart), points[8], points[9], &before_x, &before_y);
  healer_chart_get_plot_area (HEALER_CHART (chart), &plot);
  healer_chart_axis_pan (x_axis, -0.1);
  chart_picture_take (&p, chart, "scatter-panned");
  chart_data_to_widget (HEALER_CHART (chart), points[8], points[9], &pan_x, &pan_y);
  g_assert_cmpfloat (fabs (pan_x - before_x - 0.1 * plot.size.width), <, 0.5);
  g_assert_cmpfloat (fabs (pan_y - before_y), <, 0.01);
  assert_points_in_view_drawn (&p, HEALER_CHART (chart), 1);
  assert_point_drawn (&p, HEALER_CHART (chart), 4, FALSE);

  /* The tooltip names the point under the pointer and its class. */
  {
    g_autofree char *text = NULL;
    guint64 index = G_MAXUINT64;

    text = healer_chart_query_item (HEALER_CHART (chart), pan_x + 1, pan_y - 1, &index);
    g_assert_nonnull (text);
    g_assert_cmpuint (index, ==, 4);
    g_assert_nonnull (strstr (text, "p4"));
    g_assert_nonnull (strstr (text, "CPU fault"));
    g_assert_null (healer_chart_query_item (HEALER_CHART (chart), pan_x + 30, pan_y + 30, NULL));
  }
  chart_picture_clear (&p);

  /* Reset: back to the first picture's positions */
  healer_chart_reset_zoom (HEALER_CHART (chart));
  g_assert_false (healer_chart_axis_is_zoomed (x_axis));
  g_assert_false (healer_chart_axis_is_zoomed (y_axis));

  gtk_window_destroy (window);
}

static void
test_hide_category (void)
{
  GtkWindow *window;
  GtkWidget *chart = make_chart (&window);
  ChartPicture p = { 0 };
  double px, py;

  healer_scatter_chart_set_category_visible (HEALER_SCATTER_CHART (chart), 1, FALSE);
  chart_picture_take (&p, chart, "scatter-hidden");
  chart_data_to_widget (HEALER_CHART (chart), points[2], points[3], &px, &py);
  g_assert_cmpint (distance_to_category (&p, px, py, 1, FALSE, 0.3), >, 30);
  assert_point_drawn (&p, HEALER_CHART (chart), 0, FALSE);
  g_assert_null (healer_chart_query_item (HEALER_CHART (chart), px, py, NULL));
  chart_picture_clear (&p);

  healer_scatter_chart_set_category_visible (HEALER_SCATTER_CHART (chart), 1, TRUE);
  chart_picture_take (&p, chart, NULL);
  assert_point_drawn (&p, HEALER_CHART (chart), 1, FALSE);
  chart_picture_clear (&p);

  gtk_window_destroy (window);
}

static void
test_density (void)
{
  const gsize n = 100000;
  g_autofree float *xy = g_new (float, 2 * n);
  g_autofree guint *category = g_new (guint, n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  GtkWidget *chart = healer_scatter_chart_new ();
  GtkWindow *window;
  ChartPicture p = { 0 };
  double px, py;
  int d;

  /* Three Gaussian clouds and one lone point far from them */
  for (gsize i = 0; i < n - 1; i++)
    {
      double u1 = g_rand_double_range (rand, 1e-12, 1), u2 = g_rand_double (rand);
      double r = sqrt (-2 * log (u1));
      guint c = i % 3;

      xy[2 * i] = c * 4 + r * cos (2 * G_PI * u2) * 0.6;
      xy[2 * i + 1] = (c == 1 ? 4 : 0) + r * sin (2 * G_PI * u2) * 0.6;
      category[i] = c;
    }
  xy[2 * (n - 1)] = 8;
  xy[2 * (n - 1) + 1] = 8;
  category[n - 1] = 1;

  healer_scatter_chart_set_points (HEALER_SCATTER_CHART (chart), xy, n, category, labels, NULL);
  window = healer_test_show (chart, 640, 480);
  chart_picture_take (&p, chart, "scatter-density");

  /* Each cloud's centre has its class colour, dense and opaque. */
  for (guint c = 0; c < 3; c++)
    {
      chart_data_to_widget (HEALER_CHART (chart), c * 4, c == 1 ? 4 : 0, &px, &py);
      d = distance_to_category (&p, px, py, c, FALSE, 0.9);
      g_test_message ("cloud %u at (%.0f, %.0f): distance %d", c, px, py, d);
      g_assert_cmpint (d, <=, 8);
    }

  /* The lone point is there too, fainter but its own colour. */
  chart_data_to_widget (HEALER_CHART (chart), 8, 8, &px, &py);
  d = distance_to_category (&p, px, py, 1, FALSE, 0.5);
  g_test_message ("lone point at (%.1f, %.1f): distance %d", px, py, d);
  g_assert_cmpint (d, <=, 8);
  g_assert_cmpint (distance_to_category (&p, px + 6, py + 6, 1, FALSE, 0.3), >, 30);

  /* Tooltips without ids name the point by its number. */
  {
    g_autofree char *text = healer_chart_query_item (HEALER_CHART (chart), px, py, NULL);

    g_assert_nonnull (text);
    g_assert_nonnull (strstr (text, "100000"));
  }
  chart_picture_clear (&p);

  /* Zoomed into the empty corner with the lone point, markers return. */
  healer_chart_axis_set_view (healer_chart_get_x_axis (HEALER_CHART (chart)), 7, 9);
  healer_chart_axis_set_view (healer_chart_get_y_axis (HEALER_CHART (chart)), 7, 9);
  chart_picture_take (&p, chart, "scatter-density-zoomed");
  chart_data_to_widget (HEALER_CHART (chart), 8, 8, &px, &py);
  g_assert_cmpint (distance_to_category (&p, px, py, 1, FALSE, 0.8), <=, 8);
  g_assert_cmpint (distance_to_category (&p, px + 2, py, 1, FALSE, 0.8), <=, 8);
  chart_picture_clear (&p);

  gtk_window_destroy (window);
}

static void
test_dark (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  GtkWindow *window;
  GtkWidget *chart;
  ChartPicture p = { 0 };
  graphene_point_t at;
  guint32 bg, text_pixel = 0;
  double px, py;

  /* Switched while shown: the chart follows at once. */
  chart = make_chart (&window);
  g_assert_false (healer_chart_is_dark (HEALER_CHART (chart)));
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  g_assert_true (healer_test_wait_until (is_dark, chart, 10000));
  chart_picture_take_window (&p, chart, "scatter-dark-window", &at);

  /* A dark window background… */
  bg = chart_picture_pixel (&p, (int) at.x + 2, (int) at.y + 2);
  g_assert_cmpint ((bg >> 16) & 0xff, <, 80);

  /* …with the dark palette's markers on it… */
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      GdkRGBA color;
      int d = 255;

      chart_data_to_widget (HEALER_CHART (chart), points[2 * i], points[2 * i + 1], &px, &py);
      healer_chart_palette_get_color (classes[i], TRUE, &color);
      for (double a = 0.8; a <= 1.0001; a += 0.01)
        d = MIN (d, chart_pixel_distance (chart_picture_pixel (&p, (int) (at.x + px), (int) (at.y + py)),
                                          chart_blend (&color, a, bg)));
      g_assert_cmpint (d, <=, 8);
    }

  /* …and light tick labels: somewhere left of the plot, a light pixel. */
  {
    graphene_rect_t plot;

    healer_chart_get_plot_area (HEALER_CHART (chart), &plot);
    for (int y = (int) plot.origin.y; y < plot.origin.y + plot.size.height; y++)
      for (int x = (int) plot.origin.x - 30; x < plot.origin.x - 6; x++)
        {
          guint32 q = chart_picture_pixel (&p, (int) at.x + x, (int) at.y + y);

          if (((q >> 16) & 0xff) > ((text_pixel >> 16) & 0xff))
            text_pixel = q;
        }
    g_assert_cmpint ((text_pixel >> 16) & 0xff, >, 180);
  }

  chart_picture_clear (&p);
  healer_test_destroy (window);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

/* The keyboard's actions: + - 0 and the arrows */
static void
test_actions (void)
{
  GtkWindow *window;
  GtkWidget *chart = make_chart (&window);
  HealerChartAxis *x_axis = healer_chart_get_x_axis (HEALER_CHART (chart));
  HealerChartAxis *y_axis = healer_chart_get_y_axis (HEALER_CHART (chart));
  double lo, hi, home_lo, home_hi, mid;

  g_assert_true (gtk_widget_get_focusable (chart));
  healer_chart_axis_get_range (x_axis, &home_lo, &home_hi);
  mid = (home_lo + home_hi) / 2;

  /* Zoom in about the middle */
  healer_test_activate_action (chart, "chart.zoom-in");
  healer_chart_axis_get_view (x_axis, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (hi - lo, (home_hi - home_lo) / 1.25, 1e-9);
  g_assert_cmpfloat_with_epsilon ((lo + hi) / 2, mid, 1e-9);
  g_assert_true (healer_chart_axis_is_zoomed (y_axis));

  /* Arrow right: a tenth of the view to the right */
  healer_test_activate_action (chart, "chart.zoom-in");
  healer_chart_axis_get_view (x_axis, &lo, &hi);
  g_assert_true (gtk_widget_activate_action (chart, "chart.pan", "(ii)", 1, 0));
  {
    double lo2, hi2;

    healer_chart_axis_get_view (x_axis, &lo2, &hi2);
    g_assert_cmpfloat_with_epsilon (lo2 - lo, (hi - lo) * 0.1, 1e-9);
  }

  /* Zoom out past the start: stops at the whole data */
  for (int i = 0; i < 10; i++)
    healer_test_activate_action (chart, "chart.zoom-out");
  g_assert_false (healer_chart_axis_is_zoomed (x_axis));

  /* Zoom in a thousand times: stops at the limit */
  for (int i = 0; i < 1000; i++)
    healer_test_activate_action (chart, "chart.zoom-in");
  healer_chart_axis_get_view (x_axis, &lo, &hi);
  g_assert_cmpfloat (hi - lo, >=, (home_hi - home_lo) / healer_chart_axis_get_max_zoom (x_axis) * 0.999);
  g_assert_cmpfloat (hi - lo, >, 0);

  /* The picture at the deepest zoom still has readable ticks. */
  {
    ChartPicture p = { 0 };

    chart_picture_take (&p, chart, "scatter-deepest-zoom");
    chart_picture_clear (&p);
  }

  healer_test_activate_action (chart, "chart.reset-zoom");
  g_assert_false (healer_chart_axis_is_zoomed (x_axis));
  g_assert_false (healer_chart_axis_is_zoomed (y_axis));

  gtk_window_destroy (window);
}

static void
store_index (guint64 *out,
             guint64  index)
{
  *out = index;
}

static GtkEventController *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller;  /* the widget keeps it alive */
    }
  g_assert_not_reached ();
}

/* The pointer handlers, driven by their controllers' signals (GTK has no
 * public way to synthesise input events). */
static void
test_pointer (void)
{
  GtkWindow *window;
  GtkWidget *chart = make_chart (&window);
  HealerChart *c = HEALER_CHART (chart);
  HealerChartAxis *x_axis = healer_chart_get_x_axis (c);
  HealerChartAxis *y_axis = healer_chart_get_y_axis (c);
  GtkEventController *motion = find_controller (chart, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  GtkEventController *scroll = find_controller (chart, GTK_TYPE_EVENT_CONTROLLER_SCROLL);
  GtkEventController *drag = find_controller (chart, GTK_TYPE_GESTURE_DRAG);
  double px, py, qx, qy, lo, hi, home_lo, home_hi;
  gboolean handled = FALSE;
  ChartPicture p = { 0 };

  healer_test_wait_frame (chart);
  healer_chart_axis_get_range (x_axis, &home_lo, &home_hi);

  /* Wheel up over point 1: zoom in about it, it stays under the pointer. */
  chart_data_to_widget (c, points[2], points[3], &px, &py);
  g_signal_emit_by_name (motion, "motion", px, py);
  g_signal_emit_by_name (scroll, "scroll", 0.0, -1.0, &handled);
  g_assert_true (handled);
  healer_chart_axis_get_view (x_axis, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (hi - lo, (home_hi - home_lo) / 1.25, 1e-9);
  chart_data_to_widget (c, points[2], points[3], &qx, &qy);
  g_assert_cmpfloat (fabs (qx - px), <, 0.01);
  g_assert_cmpfloat (fabs (qy - py), <, 0.01);
  g_assert_true (healer_chart_axis_is_zoomed (y_axis));

  /* Inside a scrolling page the chart needs Ctrl for the wheel: a plain
   * wheel step is not taken (it goes on to the page) and zooms nothing. */
  healer_chart_reset_zoom (HEALER_CHART (chart));
  g_object_set (chart, "zoom-modifier", GDK_CONTROL_MASK, NULL);
  g_assert_cmpuint (healer_chart_get_zoom_modifier (c), ==, GDK_CONTROL_MASK);
  handled = TRUE;
  g_signal_emit_by_name (scroll, "scroll", 0.0, -1.0, &handled);
  g_assert_false (handled);
  g_assert_false (healer_chart_axis_is_zoomed (x_axis));
  g_assert_false (healer_chart_axis_is_zoomed (y_axis));
  healer_chart_set_zoom_modifier (c, 0);
  g_signal_emit_by_name (scroll, "scroll", 0.0, -1.0, &handled);
  g_assert_true (handled);
  g_assert_true (healer_chart_axis_is_zoomed (x_axis));

  /* Drag 50 pixels right and 20 down: the data follows the pointer. */
  chart_picture_take (&p, chart, NULL);
  chart_picture_clear (&p);
  chart_data_to_widget (c, points[8], points[9], &px, &py);
  g_signal_emit_by_name (drag, "drag-begin", px, py);
  g_signal_emit_by_name (drag, "drag-update", 25.0, 10.0);
  g_signal_emit_by_name (drag, "drag-update", 50.0, 20.0);
  g_signal_emit_by_name (drag, "drag-end", 50.0, 20.0);
  chart_data_to_widget (c, points[8], points[9], &qx, &qy);
  g_test_message ("dragged from (%.1f, %.1f) to (%.1f, %.1f)", px, py, qx, qy);
  g_assert_cmpfloat (fabs (qx - px - 50), <, 0.5);
  g_assert_cmpfloat (fabs (qy - py - 20), <, 0.5);
  chart_picture_take (&p, chart, "scatter-dragged");
  assert_point_drawn (&p, c, 4, FALSE);
  chart_picture_clear (&p);

  /* Rubber band around points 0 and 3: the view becomes that box. */
  healer_chart_reset_zoom (HEALER_CHART (chart));
  chart_picture_take (&p, chart, NULL);
  chart_picture_clear (&p);
  {
    double ax, ay, bx, by, vlo, vhi;

    chart_data_to_widget (c, -0.2, -0.2, &ax, &ay);
    chart_data_to_widget (c, 2.2, 8.2, &bx, &by);
    healer_chart_zoom_to_rect (c, &GRAPHENE_RECT_INIT (ax, ay, bx - ax, by - ay));
    healer_chart_axis_get_view (x_axis, &lo, &hi);
    healer_chart_axis_get_view (y_axis, &vlo, &vhi);
    g_assert_cmpfloat_with_epsilon (lo, -0.2, 1e-6);
    g_assert_cmpfloat_with_epsilon (hi, 2.2, 1e-6);
    g_assert_cmpfloat_with_epsilon (vlo, -0.2, 1e-6);
    g_assert_cmpfloat_with_epsilon (vhi, 8.2, 1e-6);
  }
  chart_picture_take (&p, chart, "scatter-banded");
  assert_point_drawn (&p, c, 0, FALSE);
  assert_point_drawn (&p, c, 3, FALSE);
  chart_picture_clear (&p);

  /* A click (press, no movement, release) on point 3 activates it; a
   * click on empty space does nothing. */
  {
    GtkEventController *click = find_controller (chart, GTK_TYPE_GESTURE_CLICK);
    guint64 activated = G_MAXUINT64;
    gulong id = g_signal_connect_swapped (chart, "point-activated", G_CALLBACK (store_index), &activated);

    chart_data_to_widget (c, points[6], points[7], &px, &py);
    g_signal_emit_by_name (drag, "drag-begin", px + 1, py);
    g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
    g_signal_emit_by_name (click, "released", 1, px + 1, py);
    g_assert_cmpuint (activated, ==, 3);

    activated = G_MAXUINT64;
    g_signal_emit_by_name (drag, "drag-begin", px + 40, py + 40);
    g_signal_emit_by_name (drag, "drag-end", 0.0, 0.0);
    g_signal_emit_by_name (click, "released", 1, px + 40, py + 40);
    g_assert_cmpuint (activated, ==, G_MAXUINT64);
    g_signal_handler_disconnect (chart, id);
  }


  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/scatter-chart/points-land", test_points_land);
  g_test_add_func ("/scatter-chart/hide-category", test_hide_category);
  g_test_add_func ("/scatter-chart/density", test_density);
  g_test_add_func ("/scatter-chart/dark", test_dark);
  g_test_add_func ("/scatter-chart/actions", test_actions);
  g_test_add_func ("/scatter-chart/pointer", test_pointer);

  return g_test_run ();
}
