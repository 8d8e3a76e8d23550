/* healer-chart-bench.c — how long the charts take to draw
 *
 * Needs a display: run as
 *   GSK_RENDERER=cairo xvfb-run -a build/bench/healer-chart-bench
 * Prints "NAME VALUE UNIT" lines; every time is the median of FRAMES
 * frames. A "frame" is the chart's snapshot (the same code its snapshot()
 * runs, with its caches) plus rendering that to pixels with the window's
 * renderer. Each wall-clock time has a "-cpu" twin, the process CPU time
 * of the same frames (ISO C clock()), which stays meaningful when other
 * processes load the machine.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gtk/gtk.h>
#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "healer-bar-chart.h"
#include "healer-chart-exportable.h"
#include "healer-line-chart.h"
#include "healer-scatter-chart.h"

#define FRAMES 25

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_doubles);
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

static void
settle (guint ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

typedef struct
{
  double wall[FRAMES];
  double cpu[FRAMES];
} Samples;

static double last_cpu_ms;

/* One frame: snapshot and render; returns wall milliseconds, and leaves
 * the CPU milliseconds in last_cpu_ms. */
static double
frame (GtkWidget *chart)
{
  clock_t cpu_start = clock ();
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (chart));
  int width = gtk_widget_get_width (chart), height = gtk_widget_get_height (chart);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;

  healer_chart_exportable_snapshot_at_size (HEALER_CHART_EXPORTABLE (chart), snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (g_getenv ("BENCH_SAVE") != NULL)
    {
      g_autofree char *path = g_strdup_printf ("%s/%s.png", g_getenv ("BENCH_SAVE"), G_OBJECT_TYPE_NAME (chart));

      gdk_texture_save_to_png (texture, path);
    }
  last_cpu_ms = (clock () - cpu_start) * 1000.0 / CLOCKS_PER_SEC;
  return (g_get_monotonic_time () - start) / 1000.0;
}

typedef struct
{
  gint64  wall;
  clock_t cpu;
} Stamp;

static Stamp
stamp (void)
{
  return (Stamp) { g_get_monotonic_time (), clock () };
}

/* Sample @i: from @start (work before the frame, such as new data) to the
 * end of a frame of @chart. */
static void
record (Samples   *samples,
        guint      i,
        Stamp      start,
        GtkWidget *chart)
{
  Stamp before = stamp ();
  double wall = frame (chart);

  samples->wall[i] = (before.wall - start.wall) / 1000.0 + wall;
  samples->cpu[i] = (before.cpu - start.cpu) * 1000.0 / CLOCKS_PER_SEC + last_cpu_ms;
}

static void
report (const char    *name,
        const char    *what,
        Samples       *samples)
{
  g_print ("%s%s %.2f ms\n", name, what, median (samples->wall, FRAMES));
  g_print ("%s%s-cpu %.2f ms\n", name, what, median (samples->cpu, FRAMES));
}

static void
make_points (gsize   n,
             float **xy,
             guint **category)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);

  *xy = g_new (float, 2 * n);
  *category = g_new (guint, n);
  for (gsize i = 0; i < n; i++)
    {
      double u1 = g_rand_double_range (rand, 1e-12, 1), u2 = g_rand_double (rand);
      double r = sqrt (-2 * log (u1));
      guint c = g_rand_int_range (rand, 0, 6);

      (*xy)[2 * i] = cos (c) * 5 + r * cos (2 * G_PI * u2);
      (*xy)[2 * i + 1] = sin (c) * 5 + r * sin (2 * G_PI * u2);
      (*category)[i] = c;
    }
}

static void
bench_scatter (const char *name,
               gsize       n)
{
  static const char * const labels[] = { "Normal", "CPU", "Memory", "Disk", "Network", "Process", NULL };
  g_autofree float *xy = NULL;
  g_autofree guint *category = NULL;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = healer_scatter_chart_new ();
  HealerChartAxis *x_axis = healer_chart_get_x_axis (HEALER_CHART (chart));
  HealerChartAxis *y_axis = healer_chart_get_y_axis (HEALER_CHART (chart));
  Samples first, redraw, zoom, cached;

  make_points (n, &xy, &category);
  healer_scatter_chart_set_points (HEALER_SCATTER_CHART (chart), xy, n, category, labels, NULL);
  healer_scatter_chart_set_titles (HEALER_SCATTER_CHART (chart), "Component 1", "Component 2");
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));
  settle (300);

  /* First draw: new data (set_points, copying and scanning it) until
   * pixels; median of FRAMES. */
  for (guint i = 0; i < FRAMES; i++)
    {
      Stamp start = stamp ();

      healer_scatter_chart_set_points (HEALER_SCATTER_CHART (chart), xy, n, category, labels, NULL);
      record (&first, i, start, chart);
    }

  /* Redraw during a pan: the view moves every frame, so the binned grid is
   * rebuilt each time; zoomed in ×2 so there is room to move. */
  healer_chart_axis_zoom (x_axis, 2, 0.5);
  healer_chart_axis_zoom (y_axis, 2, 0.5);
  frame (chart);
  for (guint i = 0; i < FRAMES; i++)
    {
      Stamp start = stamp ();

      healer_chart_axis_pan (x_axis, (i % 10 < 5) ? 0.02 : -0.02);
      record (&redraw, i, start, chart);
    }

  /* Redraw during a zoom (scroll wheel about a point) */
  healer_chart_reset_zoom (HEALER_CHART (chart));
  for (guint i = 0; i < FRAMES; i++)
    {
      double factor = (i % 10 < 5) ? 1.1 : 1 / 1.1;
      Stamp start = stamp ();

      healer_chart_axis_zoom (x_axis, factor, 0.3);
      healer_chart_axis_zoom (y_axis, factor, 0.6);
      record (&zoom, i, start, chart);
    }

  /* Nothing changed (hover, focus): the cached nodes are reused. */
  for (guint i = 0; i < FRAMES; i++)
    record (&cached, i, stamp (), chart);

  report (name, "-first-draw", &first);
  report (name, "-redraw", &redraw);
  report (name, "-zoom-redraw", &zoom);
  report (name, "-cached-redraw", &cached);

  gtk_window_destroy (GTK_WINDOW (window));
  settle (50);
}

static void
bench_line (void)
{
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = healer_line_chart_new ();
  Samples append;
  guint train, valid;

  train = healer_line_chart_add_series (HEALER_LINE_CHART (chart), "Training loss", 0, FALSE);
  valid = healer_line_chart_add_series (HEALER_LINE_CHART (chart), "Validation loss", 1, TRUE);
  healer_line_chart_set_y_log (HEALER_LINE_CHART (chart), TRUE);
  for (guint e = 0; e < 1000; e++)
    {
      healer_line_chart_append (HEALER_LINE_CHART (chart), train, e, 2 * exp (-(double) e / 200.0) + 0.01);
      healer_line_chart_append (HEALER_LINE_CHART (chart), valid, e, 2.2 * exp (-(double) e / 220.0) + 0.02);
    }
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));
  settle (300);

  /* A live epoch: two appends and the frame they cause, 1000 epochs in */
  for (guint i = 0; i < FRAMES; i++)
    {
      Stamp start = stamp ();
      guint e = 1000 + i;

      healer_line_chart_append (HEALER_LINE_CHART (chart), train, e, 2 * exp (-(double) e / 200.0) + 0.01);
      healer_line_chart_append (HEALER_LINE_CHART (chart), valid, e, 2.2 * exp (-(double) e / 220.0) + 0.02);
      record (&append, i, start, chart);
    }
  report ("line-2x1000", "-epoch-append-draw", &append);

  gtk_window_destroy (GTK_WINDOW (window));
  settle (50);
}

static void
bench_bar (void)
{
  static const char * const categories[] = { "Normal", "CPU", "Memory", "Disk", "Network", "Process" };
  static const char * const groups[] = { "True", "Predicted" };
  double values[12];
  Samples draw;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *chart = healer_bar_chart_new ();

  for (guint i = 0; i < 12; i++)
    values[i] = 100 + 37 * i;
  healer_bar_chart_set_data (HEALER_BAR_CHART (chart), categories, 6, groups, 2, values);
  gtk_window_set_child (GTK_WINDOW (window), chart);
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_present (GTK_WINDOW (window));
  settle (300);

  for (guint i = 0; i < FRAMES; i++)
    {
      Stamp start = stamp ();

      values[0] = 100 + i;
      healer_bar_chart_set_data (HEALER_BAR_CHART (chart), categories, 6, groups, 2, values);
      record (&draw, i, start, chart);
    }
  report ("bar-6x2", "-set-data-draw", &draw);

  gtk_window_destroy (GTK_WINDOW (window));
  settle (50);
}

int
main (int   argc,
      char *argv[])
{
  const char *only = g_getenv ("BENCH_ONLY");

  gtk_init ();

  if (only == NULL || strstr (only, "scatter"))
    {
      bench_scatter ("scatter-100k", 100000);
      bench_scatter ("scatter-1m", 1000000);
    }
  if (only == NULL || strstr (only, "line"))
    bench_line ();
  if (only == NULL || strstr (only, "bar"))
    bench_bar ();

  return 0;
}
