/* test-confusion-chart.c — colours rank counts, pixels map to cells, clicks
 * and keys activate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "healer-test-gui.h"
#include "healer-test-chart.h"
#include "healer-confusion-chart.h"

#define N 3

static const char * const labels[] = { "Normal", "CPU fault", "Memory leak", NULL };
/* Every row sums to 100, so counts and row shares rank the same; one
 * off-diagonal cell, (2, 0), holds the largest count. */
static const guint64 counts[N * N] = {
  80, 15,  5,
  10, 70, 20,
  95,  1,  4,
};

typedef struct {
  guint n_activated;
  guint true_class;
  guint predicted_class;
} Activated;

static void
on_cell_activated (HealerConfusionChart *chart,
                   guint                 true_class,
                   guint                 predicted_class,
                   Activated            *a)
{
  a->n_activated++;
  a->true_class = true_class;
  a->predicted_class = predicted_class;
}

static double
luminance (guint32 pixel)
{
  return 0.2126 * ((pixel >> 16) & 0xff) + 0.7152 * ((pixel >> 8) & 0xff) + 0.0722 * (pixel & 0xff);
}

static guint32
pixel_at (const guchar *data,
          int           stride,
          int           x,
          int           y)
{
  guint32 pixel;

  memcpy (&pixel, data + (gsize) y * stride + (gsize) x * 4, 4);
  return pixel;
}

static GObject *
find_controller (GtkWidget *widget,
                 GType      type)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (controller, type))
        return controller; /* the widget keeps it alive */
    }
  g_assert_not_reached ();
}

/* A spot of the cell's own colour: its top-left corner area, away from
 * the centred text and the rounded corner. */
static void
cell_spot (HealerConfusionChart *chart,
           guint                 row,
           guint                 col,
           int                  *x,
           int                  *y)
{
  graphene_rect_t area;

  g_assert_true (healer_confusion_chart_get_cell_area (chart, row, col, &area));
  *x = (int) (area.origin.x + area.size.width * 0.12);
  *y = (int) (area.origin.y + area.size.height * 0.12);
}

static void
check_colors (HealerConfusionChart *chart,
              GdkTexture           *texture,
              gboolean              dark)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *data = g_malloc ((gsize) width * height * 4);
  double lum[N * N];
  double darkest = G_MAXDOUBLE, brightest = -1;
  int best_x = -1, best_y = -1;
  guint row, col;
  graphene_rect_t first, last;

  gdk_texture_download (texture, data, (gsize) width * 4);

  for (guint i = 0; i < N * N; i++)
    {
      int x, y;

      cell_spot (chart, i / N, i % N, &x, &y);
      lum[i] = luminance (pixel_at (data, width * 4, x, y));
    }

  /* Light: more is darker; dark: more is brighter. Strictly, for every
   * pair of different counts. */
  for (guint i = 0; i < N * N; i++)
    for (guint j = 0; j < N * N; j++)
      if (counts[i] < counts[j])
        {
          if (dark)
            g_assert_cmpfloat (lum[i], <, lum[j]);
          else
            g_assert_cmpfloat (lum[i], >, lum[j]);
        }

  /* Scan the grid's whole area, not just our spots: the most intense
   * pixel lies in the cell of the largest count, (2, 0). */
  g_assert_true (healer_confusion_chart_get_cell_area (chart, 0, 0, &first));
  g_assert_true (healer_confusion_chart_get_cell_area (chart, N - 1, N - 1, &last));
  for (int y = (int) first.origin.y; y < (int) (last.origin.y + last.size.height); y++)
    for (int x = (int) first.origin.x; x < (int) (last.origin.x + last.size.width); x++)
      {
        guint32 p = pixel_at (data, width * 4, x, y);
        double l = luminance (p);
        gboolean solid = TRUE;

        /* Only fill, not text: glyph strokes are thinner than 5 pixels. */
        for (int dy = -2; dy <= 2 && solid; dy++)
          for (int dx = -2; dx <= 2 && solid; dx++)
            solid = pixel_at (data, width * 4, x + dx, y + dy) == p;
        if (!solid)
          continue;
        if (dark ? l > brightest : l < darkest)
          {
            darkest = brightest = l;
            best_x = x;
            best_y = y;
          }
      }
  g_assert_true (healer_confusion_chart_cell_at (chart, best_x, best_y, &row, &col));
  g_assert_cmpuint (row, ==, 2);
  g_assert_cmpuint (col, ==, 0);

  /* Rows go down the true classes, columns across the predicted ones. */
  g_assert_cmpfloat (first.origin.x, <, last.origin.x);
  g_assert_cmpfloat (first.origin.y, <, last.origin.y);
}

static void
check_chart (gboolean dark)
{
  GtkWidget *widget = healer_confusion_chart_new ();
  HealerConfusionChart *chart = HEALER_CONFUSION_CHART (widget);
  g_autoptr(GdkTexture) before = NULL;
  g_autoptr(GdkTexture) hovered = NULL;
  Activated a = { 0 };
  GtkWindow *window;
  graphene_rect_t area;
  GtkGesture *click;
  GObject *motion;
  int hover_row, hover_col;
  int x, y;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
  healer_confusion_chart_set_matrix (chart, counts, N, labels);
  g_signal_connect (chart, "cell-activated", G_CALLBACK (on_cell_activated), &a);

  window = healer_test_show (widget, 520, 440);
  g_object_unref (healer_test_render (GTK_WIDGET (window), dark ? "confusion-dark-window" : "confusion-light-window"));
  before = healer_test_render (widget, dark ? "confusion-dark" : "confusion-light");
  check_colors (chart, before, dark);

  /* Hovering cell (1, 2) outlines it and nothing else. */
  g_assert_true (healer_confusion_chart_get_cell_area (chart, 1, 2, &area));
  motion = find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_MOTION);
  g_signal_emit_by_name (motion, "motion", area.origin.x + area.size.width / 2,
                         area.origin.y + area.size.height / 2);
  healer_confusion_chart_get_hover_cell (chart, &hover_row, &hover_col);
  g_assert_cmpint (hover_row, ==, 1);
  g_assert_cmpint (hover_col, ==, 2);
  hovered = healer_test_render (widget, dark ? "confusion-dark-hover" : "confusion-light-hover");
  x = (int) area.origin.x + 1;
  y = (int) (area.origin.y + area.size.height / 2);
  g_assert_cmpuint (healer_test_pixel (before, x, y), !=, healer_test_pixel (hovered, x, y));
  cell_spot (chart, 0, 0, &x, &y);
  g_assert_cmpuint (healer_test_pixel (before, x, y), ==, healer_test_pixel (hovered, x, y));

  /* A click on cell (2, 1) activates exactly it. */
  click = GTK_GESTURE (find_controller (widget, GTK_TYPE_GESTURE_CLICK));
  g_assert_true (healer_confusion_chart_get_cell_area (chart, 2, 1, &area));
  g_signal_emit_by_name (click, "released", 1, area.origin.x + area.size.width * 0.3,
                         area.origin.y + area.size.height * 0.7);
  g_assert_cmpuint (a.n_activated, ==, 1);
  g_assert_cmpuint (a.true_class, ==, 2);
  g_assert_cmpuint (a.predicted_class, ==, 1);

  /* Outside the grid (on the labels) nothing happens. */
  g_signal_emit_by_name (click, "released", 1, 2.0, 2.0);
  g_assert_cmpuint (a.n_activated, ==, 1);

  if (!dark)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "confusion-export.png", NULL);
      g_autoptr(GError) error = NULL;

      g_assert_true (healer_test_chart_write (widget, path,
                                          HEALER_CHART_FORMAT_PNG, 640, 480, &error));
      g_assert_no_error (error);
    }

  gtk_window_destroy (window);
}

static void
test_confusion_light (void)
{
  check_chart (FALSE);
}

static void
test_confusion_dark (void)
{
  check_chart (TRUE);
}

static gboolean
send_key (GtkWidget *widget,
          guint      keyval)
{
  GObject *key = find_controller (widget, GTK_TYPE_EVENT_CONTROLLER_KEY);
  gboolean handled = FALSE;

  g_signal_emit_by_name (key, "key-pressed", keyval, 0, (GdkModifierType) 0, &handled);
  return handled;
}

static void
test_confusion_keyboard (void)
{
  GtkWidget *widget = healer_confusion_chart_new ();
  HealerConfusionChart *chart = HEALER_CONFUSION_CHART (widget);
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GdkTexture) before = NULL;
  Activated a = { 0 };
  graphene_rect_t area;
  GtkWindow *window;
  guint row, col;
  int x, y;

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  healer_confusion_chart_set_matrix (chart, counts, N, labels);
  g_signal_connect (chart, "cell-activated", G_CALLBACK (on_cell_activated), &a);
  window = healer_test_show (widget, 520, 440);

  g_assert_true (gtk_widget_get_focusable (widget));
  g_assert_true (gtk_widget_grab_focus (widget));

  healer_confusion_chart_get_focus_cell (chart, &row, &col);
  g_assert_cmpuint (row, ==, 0);
  g_assert_cmpuint (col, ==, 0);

  g_assert_true (send_key (widget, GDK_KEY_Right));
  g_assert_true (send_key (widget, GDK_KEY_Right));
  /* At the edge the key is left to the focus chain. */
  g_assert_false (send_key (widget, GDK_KEY_Right));
  g_assert_true (send_key (widget, GDK_KEY_Down));
  g_assert_true (send_key (widget, GDK_KEY_Left));
  healer_confusion_chart_get_focus_cell (chart, &row, &col);
  g_assert_cmpuint (row, ==, 1);
  g_assert_cmpuint (col, ==, 1);

  g_assert_true (send_key (widget, GDK_KEY_Return));
  g_assert_cmpuint (a.n_activated, ==, 1);
  g_assert_cmpuint (a.true_class, ==, 1);
  g_assert_cmpuint (a.predicted_class, ==, 1);

  /* With visible focus (after keyboard use) the keyboard's cell is
   * outlined; the others are not. */
  /* The widget paintable draws nothing while a redraw is pending: the
   * render waits for the next frame. */
  before = healer_test_render (widget, NULL);
  gtk_window_set_focus_visible (window, TRUE);
  healer_test_wait_frame (widget);
  g_assert_true (gtk_widget_has_visible_focus (widget));
  texture = healer_test_render (widget, "confusion-focus");
  g_assert_true (healer_confusion_chart_get_cell_area (chart, 1, 1, &area));
  x = (int) area.origin.x + 1;
  y = (int) (area.origin.y + area.size.height / 2);
  g_assert_cmpuint (healer_test_pixel (before, x, y), !=, healer_test_pixel (texture, x, y));
  g_assert_true (healer_confusion_chart_get_cell_area (chart, 0, 0, &area));
  x = (int) area.origin.x + 1;
  y = (int) (area.origin.y + area.size.height / 2);
  g_assert_cmpuint (healer_test_pixel (before, x, y), ==, healer_test_pixel (texture, x, y));
  gtk_window_destroy (window);
}

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
test_confusion_description (void)
{
  GtkWidget *widget = healer_confusion_chart_new ();
  g_autoptr(GtkWidget) ref = g_object_ref_sink (widget);

  assert_description (widget, "Confusion matrix with no data");
  healer_confusion_chart_set_matrix (HEALER_CONFUSION_CHART (widget), counts, N, labels);
  assert_description (widget,
                      "Confusion matrix of 300 samples in 3 classes, accuracy 51.3 %. "
                      "Normal: 80 of 100 predicted correctly (80.0 %); "
                      "CPU fault: 70 of 100 predicted correctly (70.0 %); "
                      "Memory leak: 4 of 100 predicted correctly (4.0 %)");
}

/* Six classes with long names in a small widget: labels are shortened,
 * cells stay square and every cell maps back to itself (look at
 * confusion-six.png). */
static void
test_confusion_six (void)
{
  static const char * const names[] = { "normal", "cpu_saturation", "memory_leak_in_worker",
                                         "disk_full", "network_partition", "process_crash", NULL };
  guint64 six[36];
  GtkWidget *widget = healer_confusion_chart_new ();
  HealerConfusionChart *chart = HEALER_CONFUSION_CHART (widget);
  GtkWindow *window;

  for (guint i = 0; i < 36; i++)
    six[i] = i / 6 == i % 6 ? 300 + 40 * i : (i * 7919) % 23;
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_FORCE_LIGHT);
  healer_confusion_chart_set_matrix (chart, six, 6, names);
  window = healer_test_show (widget, 460, 360);
  g_object_unref (healer_test_render (GTK_WIDGET (window), "confusion-six"));

  for (guint row = 0; row < 6; row++)
    for (guint col = 0; col < 6; col++)
      {
        graphene_rect_t area;
        guint r, c;

        g_assert_true (healer_confusion_chart_get_cell_area (chart, row, col, &area));
        g_assert_cmpfloat (area.size.width, ==, area.size.height);
        g_assert_cmpfloat (area.origin.x + area.size.width, <=, gtk_widget_get_width (widget));
        g_assert_cmpfloat (area.origin.y + area.size.height, <=, gtk_widget_get_height (widget));
        g_assert_true (healer_confusion_chart_cell_at (chart, area.origin.x + area.size.width / 2,
                                                       area.origin.y + area.size.height / 2, &r, &c));
        g_assert_cmpuint (r, ==, row);
        g_assert_cmpuint (c, ==, col);
      }
  gtk_window_destroy (window);
}

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/confusion-chart/light", test_confusion_light);
  g_test_add_func ("/confusion-chart/dark", test_confusion_dark);
  g_test_add_func ("/confusion-chart/keyboard", test_confusion_keyboard);
  g_test_add_func ("/confusion-chart/description", test_confusion_description);
  g_test_add_func ("/confusion-chart/six", test_confusion_six);

  return g_test_run ();
}
