/* test-chart-properties.c — axes and layers as GObject properties: each
 * notifies once per change, its getter returns what was set, the picture
 * follows, and a chart declared in a .ui file gets them; a chart's
 * "palette" colours its layers, its legend and nothing else
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "healer-test-chart.h"
#include "healer-bar-chart.h"
#include "healer-bar-layer.h"
#include "healer-chart-legend.h"
#include "healer-line-chart.h"
#include "healer-line-layer.h"
#include "healer-pie-chart.h"
#include "healer-scatter-layer.h"

typedef struct
{
  guint       count;
  GParamSpec *last;
} Notified;

static void
on_notify (GObject    *object,
           GParamSpec *pspec,
           Notified   *notified)
{
  notified->count++;
  notified->last = pspec;
}

static void
watch (gpointer  object,
       Notified *notified)
{
  *notified = (Notified) { 0 };
  g_signal_connect (object, "notify", G_CALLBACK (on_notify), notified);
}

/* Notified exactly once since the last check, for @name. */
static void
assert_notified_once (Notified   *notified,
                      const char *name)
{
  g_assert_cmpuint (notified->count, ==, 1);
  g_assert_cmpstr (notified->last->name, ==, name);
  *notified = (Notified) { 0 };
}

static void
test_axis (void)
{
  g_autoptr(HealerChartAxis) axis = healer_chart_axis_new (HEALER_CHART_SCALE_LINEAR);
  static const char * const labels[] = { "Normal", "CPU fault", NULL };
  g_autofree char *title = NULL;
  g_auto(GStrv) categories = NULL;
  HealerChartScale scale;
  double max_zoom, lo, hi;
  Notified notified;

  watch (axis, &notified);

  g_object_set (axis, "title", "Epoch", NULL);
  assert_notified_once (&notified, "title");
  g_assert_cmpstr (healer_chart_axis_get_title (axis), ==, "Epoch");
  g_object_get (axis, "title", &title, NULL);
  g_assert_cmpstr (title, ==, "Epoch");
  /* The same value again: nothing to tell. */
  healer_chart_axis_set_title (axis, "Epoch");
  g_assert_cmpuint (notified.count, ==, 0);
  /* "" is no title. */
  healer_chart_axis_set_title (axis, "");
  assert_notified_once (&notified, "title");
  g_assert_null (healer_chart_axis_get_title (axis));

  healer_chart_axis_set_range (axis, 0, 1000);
  g_assert_cmpuint (notified.count, ==, 0);  /* data, not a property */
  g_object_set (axis, "scale", HEALER_CHART_SCALE_LOG10, NULL);
  assert_notified_once (&notified, "scale");
  g_object_get (axis, "scale", &scale, NULL);
  g_assert_cmpint (scale, ==, HEALER_CHART_SCALE_LOG10);
  /* The mapping follows: 10 is a third of the way to 1000 from 1... */
  healer_chart_axis_get_range (axis, &lo, &hi);
  g_assert_cmpfloat (lo, >, 0);
  g_assert_cmpfloat_with_epsilon (healer_chart_axis_map (axis, sqrt (lo * hi)), 0.5, 1e-9);
  healer_chart_axis_set_scale (axis, HEALER_CHART_SCALE_LOG10);
  g_assert_cmpuint (notified.count, ==, 0);

  g_object_set (axis, "max-zoom", 50.0, NULL);
  assert_notified_once (&notified, "max-zoom");
  g_object_get (axis, "max-zoom", &max_zoom, NULL);
  g_assert_cmpfloat (max_zoom, ==, 50);
  healer_chart_axis_set_scale (axis, HEALER_CHART_SCALE_LINEAR);
  assert_notified_once (&notified, "scale");
  healer_chart_axis_set_range (axis, 0, 100);
  healer_chart_axis_zoom (axis, 1000, 0.5);
  healer_chart_axis_get_view (axis, &lo, &hi);
  g_assert_cmpfloat_with_epsilon (hi - lo, 2, 1e-9);  /* 100 / 50 */

  g_object_set (axis, "categories", labels, NULL);
  assert_notified_once (&notified, "categories");
  g_object_get (axis, "categories", &categories, NULL);
  g_assert_true (g_strv_equal ((const char * const *) categories, labels));
  g_assert_true (healer_chart_axis_has_categories (axis));
  healer_chart_axis_set_categories (axis, labels);
  g_assert_cmpuint (notified.count, ==, 0);
  healer_chart_axis_set_categories (axis, NULL);
  assert_notified_once (&notified, "categories");
  g_assert_null (healer_chart_axis_get_categories (axis));

  /* The enum's nicks are what a .ui file writes. */
  {
    g_autoptr(GEnumClass) klass = g_type_class_ref (HEALER_TYPE_CHART_SCALE);

    g_assert_cmpint (g_enum_get_value_by_nick (klass, "log10")->value, ==, HEALER_CHART_SCALE_LOG10);
    g_assert_cmpint (g_enum_get_value_by_nick (klass, "linear")->value, ==, HEALER_CHART_SCALE_LINEAR);
  }
}

static gboolean
pictures_differ (const ChartPicture *a,
                 const ChartPicture *b)
{
  if (a->width != b->width || a->height != b->height)
    return TRUE;
  return memcmp (a->data, b->data, (gsize) a->width * a->height * 4) != 0;
}

/* A title set on an axis is drawn: the plot gives it room, and the axis's
 * "title" property is what healer_chart_set_titles() sets. */
static void
test_title_draws (void)
{
  GtkWidget *chart = healer_line_chart_new ();
  HealerChartAxis *x_axis = healer_chart_get_x_axis (HEALER_CHART (chart));
  HealerChartAxis *y_axis = healer_chart_get_y_axis (HEALER_CHART (chart));
  HealerChartAxis *from_property = NULL;
  GtkWindow *window;
  ChartPicture before = { 0 }, after = { 0 };
  graphene_rect_t plot_before, plot_after;
  Notified notified;
  guint series;

  g_object_get (chart, "x-axis", &from_property, NULL);
  g_assert_true (from_property == x_axis);
  g_object_unref (from_property);

  series = healer_line_chart_add_series (HEALER_LINE_CHART (chart), "loss", 0, FALSE);
  for (guint i = 1; i <= 10; i++)
    healer_line_chart_append (HEALER_LINE_CHART (chart), series, i, 1.0 / i);
  window = healer_test_show (chart, 500, 320);
  chart_picture_take (&before, chart, "properties-no-title");
  healer_chart_get_plot_area (HEALER_CHART (chart), &plot_before);

  watch (x_axis, &notified);
  g_object_set (x_axis, "title", "Epoch", NULL);
  assert_notified_once (&notified, "title");
  g_object_set (y_axis, "title", "Loss", NULL);
  chart_picture_take (&after, chart, "properties-title");
  healer_chart_get_plot_area (HEALER_CHART (chart), &plot_after);
  g_assert_true (pictures_differ (&before, &after));
  /* Room for the x title below, for the y title on the left. */
  g_assert_cmpfloat (plot_after.size.height, <, plot_before.size.height);
  g_assert_cmpfloat (plot_after.origin.x, >, plot_before.origin.x);
  chart_picture_clear (&after);

  /* set_titles() is the same properties. */
  healer_line_chart_set_titles (HEALER_LINE_CHART (chart), NULL, NULL);
  assert_notified_once (&notified, "title");
  g_assert_null (healer_chart_axis_get_title (y_axis));
  chart_picture_take (&after, chart, "properties-no-title-again");
  g_assert_false (pictures_differ (&before, &after));
  chart_picture_clear (&after);

  /* A log scale set as a property: the curve leaves values ≤ 0 out. */
  healer_line_chart_append (HEALER_LINE_CHART (chart), series, 11, 0);
  g_object_set (y_axis, "scale", HEALER_CHART_SCALE_LOG10, NULL);
  chart_picture_take (&after, chart, "properties-log");
  g_assert_true (pictures_differ (&before, &after));
  {
    double lo, hi;

    healer_chart_axis_get_range (y_axis, &lo, &hi);
    g_assert_cmpfloat (lo, >, 0.05);  /* 0.1 padded, not 0 */
  }
  chart_picture_clear (&after);
  chart_picture_clear (&before);

  gtk_window_destroy (window);
}

/* A chart, its axes and its layers, declared as the app's templates do. */
static const char ui[] =
  "<interface>"
  "  <object class='HealerChart' id='chart'>"
  "    <child internal-child='x-axis'>"
  "      <object class='HealerChartAxis'>"
  "        <property name='title'>Component 1</property>"
  "      </object>"
  "    </child>"
  "    <child internal-child='y-axis'>"
  "      <object class='HealerChartAxis'>"
  "        <property name='title'>Component 2</property>"
  "        <property name='max-zoom'>20</property>"
  "      </object>"
  "    </child>"
  "    <child>"
  "      <object class='HealerScatterLayer' id='points'/>"
  "    </child>"
  "    <child>"
  "      <object class='HealerLineLayer' id='line'>"
  "        <property name='positive-only'>true</property>"
  "        <property name='visible'>false</property>"
  "      </object>"
  "    </child>"
  "  </object>"
  "</interface>";

static void
test_builder (void)
{
  static const float xy[] = { 1, 1,  3, 3,  5, 1 };
  static const guint category[] = { 0, 1, 0 };
  static const char * const labels[] = { "Normal", "CPU fault", NULL };
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkBitset) hidden = NULL;
  g_autoptr(GtkBitset) got = NULL;
  HealerChart *chart;
  HealerScatterLayer *points;
  HealerLineLayer *line;
  GtkWindow *window;
  ChartPicture shown = { 0 }, without = { 0 }, again = { 0 };
  double x0, y0, x1, y1, lo, hi;
  Notified notified;
  guint line_series;

  g_type_ensure (HEALER_TYPE_CHART);
  g_type_ensure (HEALER_TYPE_CHART_AXIS);
  g_type_ensure (HEALER_TYPE_SCATTER_LAYER);
  g_type_ensure (HEALER_TYPE_LINE_LAYER);
  builder = gtk_builder_new ();
  g_assert_true (gtk_builder_add_from_string (builder, ui, -1, &error));
  g_assert_no_error (error);
  chart = HEALER_CHART (gtk_builder_get_object (builder, "chart"));
  points = HEALER_SCATTER_LAYER (gtk_builder_get_object (builder, "points"));
  line = HEALER_LINE_LAYER (gtk_builder_get_object (builder, "line"));

  g_assert_cmpstr (healer_chart_axis_get_title (healer_chart_get_x_axis (chart)), ==, "Component 1");
  g_assert_cmpstr (healer_chart_axis_get_title (healer_chart_get_y_axis (chart)), ==, "Component 2");
  g_assert_cmpfloat (healer_chart_axis_get_max_zoom (healer_chart_get_y_axis (chart)), ==, 20);
  g_assert_true (healer_line_layer_get_positive_only (line));
  g_assert_false (healer_chart_layer_get_visible (HEALER_CHART_LAYER (line)));

  healer_scatter_layer_set_points (points, xy, 3, category, labels, NULL);
  /* A hidden layer counts in no range: a line far away changes nothing. */
  line_series = healer_line_layer_add_series (line, "far", 2, FALSE);
  healer_line_layer_append (line, line_series, 100, 100);
  healer_line_layer_append (line, line_series, 200, 200);
  healer_chart_axis_get_range (healer_chart_get_x_axis (chart), &lo, &hi);
  g_assert_cmpfloat (hi, <, 10);

  window = healer_test_show (GTK_WIDGET (chart), 500, 400);
  chart_picture_take (&shown, GTK_WIDGET (chart), "properties-builder");
  chart_data_to_widget (chart, 1, 1, &x0, &y0);
  chart_data_to_widget (chart, 3, 3, &x1, &y1);
  g_assert_cmpuint (chart_picture_pixel (&shown, (int) x0, (int) y0) >> 24, >, 0);
  g_assert_cmpuint (chart_picture_pixel (&shown, (int) x1, (int) y1) >> 24, >, 0);

  /* Hiding category 1 by its property: notified once, its point goes,
   * the others stay. */
  watch (points, &notified);
  hidden = gtk_bitset_new_empty ();
  gtk_bitset_add (hidden, 1);
  g_object_set (points, "hidden-categories", hidden, NULL);
  assert_notified_once (&notified, "hidden-categories");
  g_assert_false (healer_scatter_layer_get_category_visible (points, 1));
  g_assert_true (healer_scatter_layer_get_category_visible (points, 0));
  g_object_get (points, "hidden-categories", &got, NULL);
  g_assert_true (gtk_bitset_equals (got, hidden));
  g_object_set (points, "hidden-categories", hidden, NULL);
  g_assert_cmpuint (notified.count, ==, 0);
  chart_picture_take (&without, GTK_WIDGET (chart), "properties-hidden");
  g_assert_cmpuint (chart_picture_pixel (&without, (int) x1, (int) y1), !=,
                    chart_picture_pixel (&shown, (int) x1, (int) y1));
  g_assert_cmpuint (chart_picture_pixel (&without, (int) x0, (int) y0), ==,
                    chart_picture_pixel (&shown, (int) x0, (int) y0));

  /* The old setter notifies too, and brings back the first picture. */
  healer_scatter_layer_set_category_visible (points, 1, TRUE);
  assert_notified_once (&notified, "hidden-categories");
  chart_picture_take (&again, GTK_WIDGET (chart), "properties-shown-again");
  g_assert_false (pictures_differ (&shown, &again));
  chart_picture_clear (&again);

  /* A whole layer hidden: nothing of it is drawn or hit. */
  g_object_set (points, "visible", FALSE, NULL);
  assert_notified_once (&notified, "visible");
  chart_picture_take (&again, GTK_WIDGET (chart), "properties-layer-hidden");
  g_assert_cmpuint (chart_picture_pixel (&again, (int) x0, (int) y0), !=,
                    chart_picture_pixel (&shown, (int) x0, (int) y0));
  g_assert_null (healer_chart_query_item (chart, x0, y0, NULL));
  chart_picture_clear (&again);

  chart_picture_clear (&shown);
  chart_picture_clear (&without);
  gtk_window_destroy (window);
}

static void
test_bar_groups (void)
{
  static const char * const categories[] = { "Normal", "CPU fault" };
  static const char * const groups[] = { "True", "Predicted" };
  static const double values[] = { 10, 8,  4, 6 };
  g_autoptr(HealerBarLayer) layer = healer_bar_layer_new ();
  g_autoptr(GtkBitset) hidden = gtk_bitset_new_empty ();
  g_autoptr(GtkBitset) got = NULL;
  Notified notified;

  healer_bar_layer_set_data (layer, categories, 2, groups, 2, values);
  watch (layer, &notified);
  gtk_bitset_add (hidden, 0);
  g_object_set (layer, "hidden-groups", hidden, NULL);
  assert_notified_once (&notified, "hidden-groups");
  g_assert_false (healer_bar_layer_get_group_visible (layer, 0));
  g_assert_true (healer_bar_layer_get_group_visible (layer, 1));
  g_object_get (layer, "hidden-groups", &got, NULL);
  g_assert_true (gtk_bitset_equals (got, hidden));

  /* New numbers for the same groups keep what was hidden... */
  healer_bar_layer_set_data (layer, categories, 2, groups, 2, values);
  g_assert_cmpuint (notified.count, ==, 0);
  g_assert_false (healer_bar_layer_get_group_visible (layer, 0));
  /* ...other groups show all, and say so. */
  healer_bar_layer_set_data (layer, categories, 2, NULL, 1, values);
  assert_notified_once (&notified, "hidden-groups");
  g_assert_true (healer_bar_layer_get_group_visible (layer, 0));
}

/* ---- palette ---------------------------------------------------------- */

/* Group @g's bar of category 0 (value 100 or 90 below) in @p is colour @g
 * of @palette, and so is the swatch of legend entry @g. */
static void
assert_bar_colors (HealerChart            *chart,
                   const ChartPicture     *p,
                   HealerChartPaletteKind  palette)
{
  HealerChartLegend *legend = HEALER_CHART_LEGEND (healer_chart_get_legend (chart));
  graphene_rect_t plot;

  healer_chart_get_plot_area (chart, &plot);
  for (guint g = 0; g < 2; g++)
    {
      double centre = 0 - HEALER_BAR_LAYER_BAND / 2 + (g + 0.5) * HEALER_BAR_LAYER_BAND / 2;
      double px, py;
      GtkWidget *swatch;
      graphene_point_t at;
      GdkRGBA expected, reported;

      healer_chart_palette_lookup (palette, g, FALSE, &expected);
      chart_data_to_widget (chart, centre, 40, &px, &py);
      g_assert_cmpuint (chart_pixel_distance (chart_picture_pixel (p, (int) px, (int) py),
                                              chart_rgba_to_pixel (&expected)), <=, 6);

      /* The legend says and shows the same colour. Entry → box → swatch. */
      healer_chart_legend_get_color (legend, g, &reported);
      g_assert_true (gdk_rgba_equal (&reported, &expected));
      swatch = gtk_widget_get_first_child (GTK_WIDGET (legend));
      for (guint i = 0; i < g; i++)
        swatch = gtk_widget_get_next_sibling (swatch);
      swatch = gtk_widget_get_first_child (gtk_widget_get_first_child (swatch));
      g_assert_true (GTK_IS_DRAWING_AREA (swatch));
      g_assert_true (gtk_widget_compute_point (swatch, GTK_WIDGET (chart),
                                               &GRAPHENE_POINT_INIT (gtk_widget_get_width (swatch) / 2.f,
                                                                     gtk_widget_get_height (swatch) / 2.f),
                                               &at));
      g_assert_cmpuint (chart_pixel_distance (chart_picture_pixel (p, (int) at.x, (int) at.y),
                                              chart_rgba_to_pixel (&expected)), <=, 6);
    }
}

static const char palette_ui[] =
  "<interface>"
  "  <object class='HealerBarChart' id='chart'>"
  "    <property name='palette'>gnome</property>"
  "  </object>"
  "</interface>";

/* A chart given its own palette (in a .ui file, then as a property) draws
 * its bars and its legend in it, whatever the process-wide palette; a chart
 * left at the default follows the process-wide one. */
static void
test_palette (void)
{
  static const char * const categories[] = { "Normal", "CPU fault" };
  static const char * const groups[] = { "True", "Predicted" };
  static const double values[] = { 100, 90,  50, 60 };
  g_autoptr(GtkBuilder) builder = NULL;
  g_autoptr(GError) error = NULL;
  HealerChart *chart;
  GtkWidget *follower = healer_bar_chart_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  HealerChartLegend *legend;
  HealerChartPaletteKind kind;
  GtkWindow *window;
  ChartPicture p = { 0 }, q = { 0 };
  Notified notified;

  g_assert_cmpint (healer_chart_palette_get_kind (), ==, HEALER_CHART_PALETTE_OKABE_ITO);
  g_type_ensure (HEALER_TYPE_BAR_CHART);
  builder = gtk_builder_new ();
  g_assert_true (gtk_builder_add_from_string (builder, palette_ui, -1, &error));
  g_assert_no_error (error);
  chart = HEALER_CHART (gtk_builder_get_object (builder, "chart"));
  legend = HEALER_CHART_LEGEND (healer_chart_get_legend (chart));
  g_assert_cmpint (healer_chart_get_palette (chart), ==, HEALER_CHART_PALETTE_GNOME);
  g_assert_cmpint (healer_chart_legend_get_palette (legend), ==, HEALER_CHART_PALETTE_GNOME);
  /* The default is to follow, for the chart and for a legend alone. */
  g_assert_cmpint (healer_chart_get_palette (HEALER_CHART (follower)), ==, HEALER_CHART_PALETTE_INHERIT);
  g_assert_cmpint (healer_chart_legend_get_palette (HEALER_CHART_LEGEND (healer_chart_get_legend (HEALER_CHART (follower)))),
                   ==, HEALER_CHART_PALETTE_INHERIT);

  healer_bar_chart_set_data (HEALER_BAR_CHART (chart), categories, 2, groups, 2, values);
  healer_bar_chart_set_data (HEALER_BAR_CHART (follower), categories, 2, groups, 2, values);
  gtk_widget_set_size_request (GTK_WIDGET (chart), -1, 300);
  gtk_widget_set_size_request (follower, -1, 300);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (chart));
  gtk_box_append (GTK_BOX (box), follower);
  window = healer_test_show (box, 500, 600);

  chart_picture_take (&p, GTK_WIDGET (chart), "properties-palette-gnome");
  assert_bar_colors (chart, &p, HEALER_CHART_PALETTE_GNOME);
  chart_picture_clear (&p);
  chart_picture_take (&q, follower, "properties-palette-follower");
  assert_bar_colors (HEALER_CHART (follower), &q, HEALER_CHART_PALETTE_OKABE_ITO);
  chart_picture_clear (&q);

  /* Another palette as a property: notified once, bars and legend redrawn. */
  watch (chart, &notified);
  g_object_set (chart, "palette", HEALER_CHART_PALETTE_TOL_BRIGHT, NULL);
  assert_notified_once (&notified, "palette");
  g_object_get (chart, "palette", &kind, NULL);
  g_assert_cmpint (kind, ==, HEALER_CHART_PALETTE_TOL_BRIGHT);
  g_assert_cmpint (healer_chart_legend_get_palette (legend), ==, HEALER_CHART_PALETTE_TOL_BRIGHT);
  healer_chart_set_palette (chart, HEALER_CHART_PALETTE_TOL_BRIGHT);
  g_assert_cmpuint (notified.count, ==, 0);
  chart_picture_take (&p, GTK_WIDGET (chart), "properties-palette-tol");
  assert_bar_colors (chart, &p, HEALER_CHART_PALETTE_TOL_BRIGHT);
  chart_picture_clear (&p);

  /* Preferences' palette moves the follower, not the chart with its own. */
  healer_chart_palette_set_kind (HEALER_CHART_PALETTE_GNOME);
  chart_picture_take (&q, follower, "properties-palette-follower-gnome");
  assert_bar_colors (HEALER_CHART (follower), &q, HEALER_CHART_PALETTE_GNOME);
  chart_picture_clear (&q);
  chart_picture_take (&p, GTK_WIDGET (chart), "properties-palette-tol-kept");
  assert_bar_colors (chart, &p, HEALER_CHART_PALETTE_TOL_BRIGHT);
  chart_picture_clear (&p);

  /* Back to following: the chart takes the process-wide palette again. */
  healer_chart_set_palette (chart, HEALER_CHART_PALETTE_INHERIT);
  assert_notified_once (&notified, "palette");
  chart_picture_take (&p, GTK_WIDGET (chart), "properties-palette-inherit");
  assert_bar_colors (chart, &p, HEALER_CHART_PALETTE_GNOME);
  chart_picture_clear (&p);

  healer_chart_palette_set_kind (HEALER_CHART_PALETTE_OKABE_ITO);
  gtk_window_destroy (window);
}

/* Pixels of @p above row @bottom within 3 of @color in each channel. */
static guint64
count_color (const ChartPicture *p,
             int                 bottom,
             const GdkRGBA      *color)
{
  guint32 want = chart_rgba_to_pixel (color);
  guint64 n = 0;

  for (int y = 0; y < bottom; y++)
    for (int x = 0; x < p->width; x++)
      if (chart_pixel_distance (chart_picture_pixel (p, x, y), want) <= 3)
        n++;
  return n;
}

/* The donut has the same property: its slices and its legend change
 * together. */
static void
test_pie_palette (void)
{
  static const char * const labels[] = { "Normal", "CPU fault" };
  static const double values[] = { 3, 1 };
  GtkWidget *pie = healer_pie_chart_new ();
  HealerChartLegend *legend = healer_pie_chart_get_legend (HEALER_PIE_CHART (pie));
  GtkWindow *window;
  ChartPicture p = { 0 };
  graphene_point_t top;
  GdkRGBA okabe_ito, tol, reported;
  Notified notified;

  g_assert_cmpint (healer_pie_chart_get_palette (HEALER_PIE_CHART (pie)), ==, HEALER_CHART_PALETTE_INHERIT);
  healer_pie_chart_set_data (HEALER_PIE_CHART (pie), labels, values, 2);
  window = healer_test_show (pie, 400, 400);
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (legend), pie, &GRAPHENE_POINT_INIT (0, 0), &top));
  healer_chart_palette_lookup (HEALER_CHART_PALETTE_OKABE_ITO, 0, FALSE, &okabe_ito);
  healer_chart_palette_lookup (HEALER_CHART_PALETTE_TOL_BRIGHT, 0, FALSE, &tol);

  chart_picture_take (&p, pie, "properties-pie-default");
  g_assert_cmpuint (count_color (&p, (int) top.y, &okabe_ito), >, 1000);
  g_assert_cmpuint (count_color (&p, (int) top.y, &tol), ==, 0);
  chart_picture_clear (&p);

  watch (pie, &notified);
  g_object_set (pie, "palette", HEALER_CHART_PALETTE_TOL_BRIGHT, NULL);
  assert_notified_once (&notified, "palette");
  g_assert_cmpint (healer_chart_legend_get_palette (legend), ==, HEALER_CHART_PALETTE_TOL_BRIGHT);
  healer_chart_legend_get_color (legend, 0, &reported);
  g_assert_true (gdk_rgba_equal (&reported, &tol));
  chart_picture_take (&p, pie, "properties-pie-tol");
  g_assert_cmpuint (count_color (&p, (int) top.y, &tol), >, 1000);
  g_assert_cmpuint (count_color (&p, (int) top.y, &okabe_ito), ==, 0);
  chart_picture_clear (&p);

  /* The palette is the legend's: set there, the pie says so and the slices
   * follow too. */
  healer_chart_legend_set_palette (legend, HEALER_CHART_PALETTE_OKABE_ITO);
  assert_notified_once (&notified, "palette");
  g_assert_cmpint (healer_pie_chart_get_palette (HEALER_PIE_CHART (pie)), ==, HEALER_CHART_PALETTE_OKABE_ITO);
  chart_picture_take (&p, pie, "properties-pie-from-legend");
  g_assert_cmpuint (count_color (&p, (int) top.y, &okabe_ito), >, 1000);
  g_assert_cmpuint (count_color (&p, (int) top.y, &tol), ==, 0);
  chart_picture_clear (&p);

  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/chart-properties/axis", test_axis);
  g_test_add_func ("/chart-properties/title-draws", test_title_draws);
  g_test_add_func ("/chart-properties/builder", test_builder);
  g_test_add_func ("/chart-properties/bar-groups", test_bar_groups);
  g_test_add_func ("/chart-properties/palette", test_palette);
  g_test_add_func ("/chart-properties/pie-palette", test_pie_palette);

  return g_test_run ();
}
