/* test-chart-export.c — PNG, SVG and PDF renderings of the axis charts,
 * and the clipboard copy
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>

#include "healer-test-chart.h"
#include "healer-bar-chart.h"
#include "healer-chart-export.h"
#include "healer-line-chart.h"
#include "healer-scatter-chart.h"

static const char * const labels[] = { "Normal", "CPU fault", NULL };
static const float points[] = { 0, 0,  10, 5,  5, 10 };
static const guint classes[] = { 0, 1, 1 };

static GtkWidget *
make_scatter (void)
{
  GtkWidget *chart = healer_scatter_chart_new ();

  healer_scatter_chart_set_points (HEALER_SCATTER_CHART (chart), points, 3, classes, labels, NULL);
  healer_scatter_chart_set_titles (HEALER_SCATTER_CHART (chart), "x", "y");
  return chart;
}

static void
test_format_from_filename (void)
{
  HealerChartFormat format = -1;

  g_assert_true (healer_chart_format_from_filename ("chart.png", &format));
  g_assert_cmpint (format, ==, HEALER_CHART_FORMAT_PNG);
  g_assert_true (healer_chart_format_from_filename ("/tmp/Chart.SVG", &format));
  g_assert_cmpint (format, ==, HEALER_CHART_FORMAT_SVG);
  g_assert_true (healer_chart_format_from_filename ("图表.pdf", &format));
  g_assert_cmpint (format, ==, HEALER_CHART_FORMAT_PDF);
  g_assert_false (healer_chart_format_from_filename ("chart.jpg", &format));
  g_assert_false (healer_chart_format_from_filename ("png", &format));
  g_assert_false (healer_chart_format_from_filename ("", NULL));
}

static char *
read_head (const char *path,
           gsize      *length)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, length, &error));
  g_assert_no_error (error);
  return contents;
}

/* Writes the three formats of @chart into @dir and checks each file. */
static void
export_all (GtkWidget  *chart,
            const char *dir,
            const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *png = g_strdup_printf ("%s/%s.png", dir, name);
  g_autofree char *svg = g_strdup_printf ("%s/%s.svg", dir, name);
  g_autofree char *pdf = g_strdup_printf ("%s/%s.pdf", dir, name);
  g_autofree char *kept = g_test_build_filename (G_TEST_BUILT, "export-", NULL);
  g_autofree char *kept_png = g_strconcat (kept, name, ".png", NULL);
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *svg_text = NULL, *pdf_text = NULL;
  gsize length;
  guint64 colored = 0;
  GdkRGBA color;
  g_autofree guchar *data = NULL;

  g_assert_true (healer_test_chart_write (chart, png, HEALER_CHART_FORMAT_PNG, 720, 480, &error));
  g_assert_no_error (error);
  g_assert_true (healer_test_chart_write (chart, svg, HEALER_CHART_FORMAT_SVG, 720, 480, &error));
  g_assert_no_error (error);
  g_assert_true (healer_test_chart_write (chart, pdf, HEALER_CHART_FORMAT_PDF, 720, 480, &error));
  g_assert_no_error (error);

  /* PNG: loads, right size, opaque background, the first class's colour
   * present (the chart is really in it, not an empty frame) */
  texture = gdk_texture_new_from_filename (png, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, 720);
  g_assert_cmpint (gdk_texture_get_height (texture), ==, 480);
  data = g_malloc (720 * 480 * 4);
  gdk_texture_download (texture, data, 720 * 4);
  g_assert_cmpuint (((guint32 *) data)[0] >> 24, ==, 0xff);
  healer_chart_palette_get_color (0, FALSE, &color);
  for (gsize i = 0; i < 720 * 480; i++)
    if (chart_pixel_distance (((guint32 *) data)[i], chart_rgba_to_pixel (&color)) <= 40)
      colored++;
  g_test_message ("%s.png: %" G_GUINT64_FORMAT " pixels of colour 0", name, colored);
  g_assert_cmpuint (colored, >, 20);
  /* Kept for a person to look at */
  g_assert_true (gdk_texture_save_to_png (texture, kept_png));

  svg_text = read_head (svg, &length);
  g_assert_cmpuint (length, >, 200);
  g_assert_true (g_str_has_prefix (svg_text, "<?xml") || g_str_has_prefix (svg_text, "<svg"));
  g_assert_nonnull (strstr (svg_text, "<svg"));
  /* Pixels mean pixels: a viewer shows the SVG at 720 × 480, not at 720
   * points (960 pixels). */
  g_assert_nonnull (strstr (svg_text, "width=\"720px\""));
  g_assert_nonnull (strstr (svg_text, "height=\"480px\""));

  pdf_text = read_head (pdf, &length);
  g_assert_cmpuint (length, >, 200);
  g_assert_true (g_str_has_prefix (pdf_text, "%PDF"));
}

static void
test_formats (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("healer-export-XXXXXX", &error);
  static const char * const categories[] = { "A", "B", "C" };
  static const double values[] = { 3, 5, 2 };
  GtkWidget *scatter = make_scatter ();
  GtkWidget *line = healer_line_chart_new ();
  GtkWidget *bar = healer_bar_chart_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWindow *window;
  g_autoptr(GDir) listing = NULL;
  guint n_files = 0;

  g_assert_no_error (error);

  healer_line_chart_add_series (HEALER_LINE_CHART (line), "Loss", 0, FALSE);
  for (int i = 0; i < 20; i++)
    healer_line_chart_append (HEALER_LINE_CHART (line), 0, i, 1.0 / (i + 1));
  healer_bar_chart_set_data (HEALER_BAR_CHART (bar), categories, 3, NULL, 1, values);

  for (GtkWidget *c = scatter; c != NULL; c = c == scatter ? line : c == line ? bar : NULL)
    {
      gtk_widget_set_vexpand (c, TRUE);
      gtk_box_append (GTK_BOX (box), c);
    }
  window = healer_test_show (box, 600, 900);

  export_all (scatter, dir, "scatter");
  export_all (line, dir, "line");
  export_all (bar, dir, "bar");

  /* Atomic writes leave nothing but the nine files behind. */
  listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  for (const char *name; (name = g_dir_read_name (listing)) != NULL; n_files++)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_test_message ("%s", name);
      g_assert_true (g_str_has_suffix (name, ".png") || g_str_has_suffix (name, ".svg") || g_str_has_suffix (name, ".pdf"));
      g_assert_cmpint (g_remove (path), ==, 0);
    }
  g_assert_cmpuint (n_files, ==, 9);
  g_assert_cmpint (g_rmdir (dir), ==, 0);

  gtk_window_destroy (window);
}

/* A size out of range is refused before anything is drawn; writing the
 * bytes, and what a failed write leaves, is tests/app/test-chart-save.c's. */
static void
test_size_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  GtkWidget *chart = make_scatter ();
  GtkWindow *window = healer_test_show (chart, 400, 300);

  bytes = healer_chart_render (HEALER_CHART_EXPORTABLE (chart), HEALER_CHART_FORMAT_PNG, 0, 300,
                               &error);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  bytes = healer_chart_render (HEALER_CHART_EXPORTABLE (chart), HEALER_CHART_FORMAT_SVG, 300,
                               16385, &error);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  gtk_window_destroy (window);
}

/* At the widget's own size the export is what the widget shows: the point
 * is at the same pixel. */
static void
test_same_as_widget (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "export-same-size.png", NULL);
  GtkWidget *chart = make_scatter ();
  GtkWindow *window = healer_test_show (chart, 500, 360);
  ChartPicture p = { 0 };
  g_autoptr(GdkTexture) exported = NULL;
  g_autofree guchar *data = NULL;
  int w, h;
  double px, py;
  GdkRGBA color;
  guint32 pixel;

  chart_picture_take (&p, chart, NULL);
  w = gtk_widget_get_width (chart);
  h = gtk_widget_get_height (chart);
  g_assert_true (healer_test_chart_write (chart, path, HEALER_CHART_FORMAT_PNG, w, h, &error));
  g_assert_no_error (error);
  exported = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  data = g_malloc ((gsize) w * h * 4);
  gdk_texture_download (exported, data, (gsize) w * 4);

  chart_data_to_widget (HEALER_CHART (chart), 10, 5, &px, &py);
  pixel = ((guint32 *) data)[(int) py * w + (int) px];
  healer_chart_palette_get_color (1, FALSE, &color);
  g_assert_cmpint (chart_pixel_distance (pixel, chart_blend (&color, 0.85, 0xffffffff)), <=, 8);

  chart_picture_clear (&p);
  gtk_window_destroy (window);
}

static void
test_clipboard (void)
{
  GtkWidget *chart = make_scatter ();
  GtkWindow *window = healer_test_show (chart, 420, 300);
  GdkClipboard *clipboard = gtk_widget_get_clipboard (chart);
  GdkContentProvider *content;
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(GError) error = NULL;
  GdkTexture *texture;

  healer_chart_copy_to_clipboard (HEALER_CHART_EXPORTABLE (chart));
  g_assert_true (gdk_clipboard_is_local (clipboard));
  content = gdk_clipboard_get_content (clipboard);
  g_assert_nonnull (content);
  g_value_init (&value, GDK_TYPE_TEXTURE);
  g_assert_true (gdk_content_provider_get_value (content, &value, &error));
  g_assert_no_error (error);
  texture = g_value_get_object (&value);
  g_assert_cmpint (gdk_texture_get_width (texture), ==, gtk_widget_get_width (chart));
  g_assert_cmpint (gdk_texture_get_height (texture), ==, gtk_widget_get_height (chart));

  gtk_window_destroy (window);
}

static void
test_dark_background (void)
{
  AdwStyleManager *manager = adw_style_manager_get_default ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, "export-dark.png", NULL);
  g_autoptr(GdkTexture) texture = NULL;
  guint32 pixel;
  GtkWidget *chart;
  GtkWindow *window;

  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_FORCE_DARK);
  chart = make_scatter ();
  window = healer_test_show (chart, 420, 300);
  g_assert_true (healer_test_chart_write (chart, path, HEALER_CHART_FORMAT_PNG, 640, 400, &error));
  g_assert_no_error (error);
  texture = gdk_texture_new_from_filename (path, &error);
  g_assert_no_error (error);
  {
    g_autofree guint32 *data = g_new (guint32, 640 * 400);

    gdk_texture_download (texture, (guchar *) data, 640 * 4);
    pixel = data[0];
  }
  g_assert_cmpuint (pixel >> 24, ==, 0xff);
  g_assert_cmpuint ((pixel >> 16) & 0xff, <, 0x40);

  healer_test_destroy (window);
  adw_style_manager_set_color_scheme (manager, ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/chart-export/format-from-filename", test_format_from_filename);
  g_test_add_func ("/chart-export/formats", test_formats);
  g_test_add_func ("/chart-export/size-refused", test_size_refused);
  g_test_add_func ("/chart-export/same-as-widget", test_same_as_widget);
  g_test_add_func ("/chart-export/clipboard", test_clipboard);
  g_test_add_func ("/chart-export/dark-background", test_dark_background);

  return g_test_run ();
}
