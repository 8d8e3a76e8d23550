/* healer-train-window-bench.c — how much slower training runs with the
 * window open and drawing its progress, against the same training headless
 * (what `systemhealer-cli train` runs)
 *
 * usage: healer-train-window-bench DATA.csv [PAIRS] [fast|default|published]
 *
 * Runs PAIRS (default 3) pairs, headless then in the window, interleaved so
 * that load from other processes hits both alike, and prints each time and
 * the median ratio. Needs a display: GSK_RENDERER=cairo xvfb-run -a.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <time.h>

#include "healer-calibrate.h"
#include "healer-train-page.h"
#include "healer-window.h"

static gboolean
not_running (gpointer page)
{
  return !healer_train_page_get_running (page);
}

static GtkWidget *
find_type (GtkWidget *widget,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* CPU time of the calling thread: in the window run, the main thread only
 * shows the run (training is on a worker), so this is what drawing cost. */
static double
thread_cpu_seconds (void)
{
#ifdef CLOCK_THREAD_CPUTIME_ID
  struct timespec ts;

  if (clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts) == 0)
    return ts.tv_sec + ts.tv_nsec / 1e9;
#endif
  return NAN;
}

/* Frames the window painted: each is a snapshot, a render and an upload
 * to the display server, taken from the cores training runs on. */
static void
after_paint_cb (GdkFrameClock *clock,
                guint         *frames)
{
  (*frames)++;
}

/* CPU time of the whole process, every thread: steadier than wall time
 * when other processes load the machine. */
static double
process_cpu_seconds (void)
{
#ifdef CLOCK_PROCESS_CPUTIME_ID
  struct timespec ts;

  if (clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts) == 0)
    return ts.tv_sec + ts.tv_nsec / 1e9;
#endif
  return NAN;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *ratios = NULL;
  g_autofree double *cpu_ratios = NULL;
  HealerTrainSettings *settings;
  HealerTrainConfig config;
  HealerTrainPage *page;
  HealerWindow *window;
  guint frames = 0;
  guint pairs = argc > 2 ? (guint) atoi (argv[2]) : 3;
  const char *preset = argc > 3 ? argv[3] : "fast";

  if (argc < 2 || pairs == 0)
    {
      g_printerr ("usage: %s DATA.csv [PAIRS] [fast|default|published]\n", argv[0]);
      return 2;
    }
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  gtk_init ();
  adw_init ();

  data = healer_dataset_load (argv[1], NULL, &error);
  if (data == NULL)
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  window = healer_window_new (NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 900);
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), &frames);
  healer_session_set_dataset (healer_window_get_session (window), data, NULL);
  healer_window_set_visible_page (window, "train");
  page = HEALER_TRAIN_PAGE (find_type (GTK_WIDGET (window), HEALER_TYPE_TRAIN_PAGE));
  settings = healer_train_page_get_settings (page);
  /* "fast", "default" (Recommended) or "published" */
  healer_train_settings_apply_preset (settings, preset);
  if (!healer_train_settings_get_config (settings, &config, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_print ("%zu rows × %u KPIs, preset %s: %u epochs, ensemble %u, batch %u, calibration folds %u\n",
           data->n_rows, data->n_features, preset, config.epochs, config.ensemble,
           config.batch_size, HEALER_CALIBRATION_FOLDS_DEFAULT);

  ratios = g_new0 (double, pairs);
  cpu_ratios = g_new0 (double, pairs);
  for (guint r = 0; r < pairs; r++)
    {
      g_autoptr(HealerModel) model = NULL;
      gint64 t0 = g_get_monotonic_time ();
      double headless, windowed, ui, cpu0, headless_cpu, windowed_cpu;
      guint frames0;

      /* What the CLI's train runs, on this thread, with no progress. */
      cpu0 = process_cpu_seconds ();
      model = healer_train_calibrated (data, &config, HEALER_CALIBRATION_FOLDS_DEFAULT,
                                       HEALER_COVERAGE_DEFAULT, NULL, NULL, NULL, &error);
      if (model == NULL)
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      headless = (g_get_monotonic_time () - t0) / 1e6;
      headless_cpu = process_cpu_seconds () - cpu0;

      t0 = g_get_monotonic_time ();
      ui = thread_cpu_seconds ();
      frames0 = frames;
      cpu0 = process_cpu_seconds ();
      healer_train_page_start (page);
      while (!not_running (page))
        g_main_context_iteration (NULL, TRUE);
      windowed = (g_get_monotonic_time () - t0) / 1e6;
      ui = thread_cpu_seconds () - ui;
      windowed_cpu = process_cpu_seconds () - cpu0;
      ratios[r] = windowed / headless;
      cpu_ratios[r] = windowed_cpu / headless_cpu;
      g_print ("pair %u: headless %.2f s, window %.2f s, ratio %.3f; UI thread CPU %.2f s (%.1f %% of the run); "
               "%u frames (%.1f a second)\n",
               r + 1, headless, windowed, ratios[r], ui, 100.0 * ui / windowed,
               frames - frames0, (frames - frames0) / windowed);
      g_print ("        process CPU: headless %.2f s, window %.2f s, ratio %.3f\n",
               headless_cpu, windowed_cpu, cpu_ratios[r]);
    }
  qsort (ratios, pairs, sizeof (double), compare_double);
  g_print ("median ratio window/headless %.3f (%+.1f %%)\n", ratios[pairs / 2], 100.0 * (ratios[pairs / 2] - 1.0));
  qsort (cpu_ratios, pairs, sizeof (double), compare_double);
  g_print ("median process CPU ratio window/headless %.3f (%+.1f %%)\n", cpu_ratios[pairs / 2],
           100.0 * (cpu_ratios[pairs / 2] - 1.0));

  /* An unsaved model: close without asking. */
  gtk_window_destroy (GTK_WINDOW (window));
  return 0;
}
