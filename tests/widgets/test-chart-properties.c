/* test-chart-properties.c — axes and layers as GObject properties: each
 * notifies once per change, its getter returns what was set, the picture
 * follows, and a chart declared in a .ui file gets them
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "healer-test-chart.h"
#include "healer-bar-layer.h"
#include "healer-line-chart.h"
#include "healer-line-layer.h"
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

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/chart-properties/axis", test_axis);
  g_test_add_func ("/chart-properties/title-draws", test_title_draws);
  g_test_add_func ("/chart-properties/builder", test_builder);
  g_test_add_func ("/chart-properties/bar-groups", test_bar_groups);

  return g_test_run ();
}
