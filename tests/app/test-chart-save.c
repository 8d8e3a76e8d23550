/* test-chart-save.c — an exported chart is written by the core's output:
 * links kept, modes kept, special files written in place, nothing left
 * behind by a failure
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#ifdef G_OS_UNIX
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

#include "healer-test-gui.h"
#include "healer-chart-save.h"
#include "healer-scatter-chart.h"

static const char * const labels[] = { "Normal", "CPU fault", NULL };
static const float points[] = { 0, 0,  10, 5,  5, 10 };
static const guint classes[] = { 0, 1, 1 };

static GtkWidget *
make_chart (void)
{
  GtkWidget *chart = healer_scatter_chart_new ();

  healer_scatter_chart_set_points (HEALER_SCATTER_CHART (chart), points, 3, classes, labels, NULL);
  return chart;
}

static void
assert_png (const char *path)
{
  g_autofree char *contents = NULL;
  gsize length = 0;

  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 100);
  g_assert_true (memcmp (contents, "\x89PNG", 4) == 0);
}

/* Only the names in @expected (NULL-terminated) are in @dir: no temporary
 * file outlives a save, successful or not. */
static void
assert_listing (const char         *dir,
                const char * const *expected)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  guint n = 0;

  g_assert_nonnull (listing);
  for (const char *name; (name = g_dir_read_name (listing)) != NULL; n++)
    g_assert_true (g_strv_contains (expected, name));
  g_assert_cmpuint (n, ==, g_strv_length ((char **) expected));
}

static void
test_failure_keeps_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("healer-chart-save-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "chart.png", NULL);
  g_autofree char *missing = g_build_filename (dir, "no-such-folder", "chart.png", NULL);
  g_autofree char *contents = NULL;
  GtkWidget *chart = make_chart ();
  GtkWindow *window = healer_test_show (chart, 400, 300);

  g_assert_true (g_file_set_contents (path, "old", -1, NULL));

  /* A size out of range fails before the file is opened. */
  g_assert_false (healer_chart_save (HEALER_CHART_EXPORTABLE (chart), path,
                                     HEALER_CHART_FORMAT_PNG, 0, 300, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  g_clear_pointer (&contents, g_free);

  /* A folder that does not exist: an error naming the user's file */
  g_assert_false (healer_chart_save (HEALER_CHART_EXPORTABLE (chart), missing,
                                     HEALER_CHART_FORMAT_PDF, 300, 200, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "chart.png"));
  g_assert_null (strstr (error->message, ".part"));
  g_clear_error (&error);
  assert_listing (dir, (const char *[]) { "chart.png", NULL });

  /* A good save replaces the old file whole. */
  g_assert_true (healer_chart_save (HEALER_CHART_EXPORTABLE (chart), path,
                                    HEALER_CHART_FORMAT_PNG, 300, 200, &error));
  g_assert_no_error (error);
  assert_png (path);
  assert_listing (dir, (const char *[]) { "chart.png", NULL });

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  gtk_window_destroy (window);
}

#ifdef G_OS_UNIX
/* g_file_set_contents_full() replaced a link with a file of mode 0644: the
 * output keeps the link and the mode of the file it points to. */
static void
test_link_and_mode_kept (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("healer-chart-save-XXXXXX", &error);
  g_autofree char *target = g_build_filename (dir, "real.png", NULL);
  g_autofree char *link = g_build_filename (dir, "link.png", NULL);
  g_autofree char *private = g_build_filename (dir, "private.svg", NULL);
  GtkWidget *chart = make_chart ();
  GtkWindow *window = healer_test_show (chart, 400, 300);
  GStatBuf st;

  g_assert_true (g_file_set_contents (target, "old", -1, NULL));
  g_assert_cmpint (g_chmod (target, 0640), ==, 0);
  g_assert_cmpint (symlink ("real.png", link), ==, 0);
  g_assert_true (healer_chart_save (HEALER_CHART_EXPORTABLE (chart), link,
                                    HEALER_CHART_FORMAT_PNG, 320, 200, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (link, G_FILE_TEST_IS_SYMLINK));
  assert_png (target);
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0640);

  g_assert_true (g_file_set_contents (private, "old", -1, NULL));
  g_assert_cmpint (g_chmod (private, 0600), ==, 0);
  g_assert_true (healer_chart_save (HEALER_CHART_EXPORTABLE (chart), private,
                                    HEALER_CHART_FORMAT_SVG, 320, 200, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (private, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);
  assert_listing (dir, (const char *[]) { "real.png", "link.png", "private.svg", NULL });

  g_remove (link);
  g_remove (target);
  g_remove (private);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  gtk_window_destroy (window);
}

typedef struct
{
  char       *path;
  GByteArray *received;
} FifoReader;

static gpointer
fifo_reader_thread (gpointer data)
{
  FifoReader *r = data;
  int fd = open (r->path, O_RDONLY);
  guint8 buf[4096];
  gssize n;

  g_assert_cmpint (fd, >=, 0);
  while ((n = read (fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
    if (n > 0)
      g_byte_array_append (r->received, buf, (guint) n);
  close (fd);
  return NULL;
}

/* A FIFO is written in place, never replaced by a regular file. */
static void
test_fifo_in_place (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("healer-chart-save-XXXXXX", &error);
  g_autofree char *fifo = g_build_filename (dir, "pipe.pdf", NULL);
  FifoReader r = { fifo, g_byte_array_new () };
  GtkWidget *chart = make_chart ();
  GtkWindow *window = healer_test_show (chart, 400, 300);
  GThread *reader;
  GStatBuf st;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  reader = g_thread_new ("fifo-reader", fifo_reader_thread, &r);
  g_assert_true (healer_chart_save (HEALER_CHART_EXPORTABLE (chart), fifo,
                                    HEALER_CHART_FORMAT_PDF, 320, 200, &error));
  g_assert_no_error (error);
  g_thread_join (reader);
  g_assert_cmpuint (r.received->len, >, 100);
  g_assert_true (memcmp (r.received->data, "%PDF", 4) == 0);
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  assert_listing (dir, (const char *[]) { "pipe.pdf", NULL });

  g_byte_array_unref (r.received);
  g_remove (fifo);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  gtk_window_destroy (window);
}
#endif

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/chart-save/failure-keeps-file", test_failure_keeps_file);
#ifdef G_OS_UNIX
  g_test_add_func ("/chart-save/link-and-mode-kept", test_link_and_mode_kept);
  g_test_add_func ("/chart-save/fifo-in-place", test_fifo_in_place);
#endif

  return g_test_run ();
}
