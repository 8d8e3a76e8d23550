/* test-progress.c — progress that tells the truth: stages without a
 * measured share pulse, the time left is "estimating" until it has been
 * measured, and the labels change a few times a second at most
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "healer-data-page.h"
#include "healer-simulate.h"
#include "healer-test-gui.h"
#include "healer-train-curves.h"
#include "healer-train-page.h"

/* The interval the Train page's labels wait between two reports
 * (SHOW_INTERVAL_MS of healer-train-page-run.c). */
#define SHOW_INTERVAL_MS 250

static HealerDataset *
simulated (gsize n_samples)
{
  HealerSimulateConfig config;

  healer_simulate_config_init_default (&config);
  config.n_samples = n_samples;
  return healer_simulate (&config);
}

/* GtkProgressBar marks its moving block (in its trough) "pulse" in
 * activity mode. */
static gboolean
is_pulsing (GtkWidget *bar)
{
  if (gtk_widget_has_css_class (bar, "pulse"))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (bar); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (is_pulsing (c))
      return TRUE;
  return FALSE;
}

/* A spinner turning where it can be seen: it is redrawn at the display's
 * frame rate, whatever the reports do. */
static gboolean
has_turning_spinner (GtkWidget *widget)
{
  if (GTK_IS_SPINNER (widget) && gtk_spinner_get_spinning (GTK_SPINNER (widget)) &&
      gtk_widget_get_mapped (widget))
    return TRUE;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    if (has_turning_spinner (c))
      return TRUE;
  return FALSE;
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_label (c, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  GtkWidget *bar;
  GPtrArray *texts;          /* every text the time label showed */
  gboolean   pulsing_at_first_report;
  guint      animated_reports;  /* reports while something on the page moved */
  HealerTrainPage   *page;
  HealerTrainCurves *curves;
  guint      curve_gaps;     /* iterations after which the curves missed an epoch */
  guint      coalesced;      /* iterations that brought more than one epoch */
  guint      beyond_window;  /* … more than a report's window of them */
  guint      n_points;
  guint      last_epoch;
  guint      max_epoch;
} TimeWatch;

static void
time_label_cb (GtkLabel   *label,
               GParamSpec *pspec,
               TimeWatch  *w)
{
  const char *text = gtk_label_get_text (label);

  if (text[0] == '\0')
    return;
  if (w->texts->len == 0)
    w->pulsing_at_first_report = is_pulsing (w->bar);
  if (has_turning_spinner (GTK_WIDGET (gtk_widget_get_root (GTK_WIDGET (label)))) ||
      (w->texts->len > 0 && is_pulsing (w->bar)))
    w->animated_reports++;
  g_ptr_array_add (w->texts, g_strdup (text));
}

/* Between any two main-loop iterations, so after every report the page
 * took in: every epoch so far is a point, also when the relay coalesced
 * several reports into one (each carries the newest epochs). */
static gboolean
stopped_checking_curves (gpointer data)
{
  TimeWatch *w = data;
  guint n = healer_train_curves_get_n_points (w->curves);
  guint last = healer_train_curves_get_last_epoch (w->curves);

  if (last < w->last_epoch || n < w->n_points)
    {
      /* a new network or fold: its epochs from 1, up to a report's window */
      if (n != MIN (last, HEALER_TRAIN_PROGRESS_RECENT))
        w->curve_gaps++;
    }
  else if (last - w->last_epoch > HEALER_TRAIN_PROGRESS_RECENT)
    w->beyond_window++;   /* a gap the design leaves to the history */
  else
    {
      /* every epoch since the last iteration became a point */
      if (n - w->n_points != last - w->last_epoch)
        w->curve_gaps++;
      if (last > w->last_epoch + 1)
        w->coalesced++;
    }
  w->last_epoch = last;
  w->n_points = n;
  w->max_epoch = MAX (w->max_epoch, last);
  return !healer_train_page_get_running (w->page);
}

static void
test_train_progress (void)
{
  g_autoptr(HealerSession) session = healer_session_new ();
  g_autoptr(HealerDataset) data = simulated (300);
  HealerTrainPage *page;
  HealerTrainSettings *settings;
  HealerTrainConfig config;
  GtkWindow *window;
  GtkWidget *progress_label, *time_label, *bar;
  TimeWatch w = { 0 };
  gint64 start;
  double elapsed_ms;

  healer_session_set_dataset (session, data, NULL);
  page = g_object_new (HEALER_TYPE_TRAIN_PAGE, "session", session, NULL);
  window = healer_test_show (GTK_WIDGET (page), 1100, 760);

  /* Many short epochs, every one run: dozens of reports a second. */
  settings = healer_train_page_get_settings (page);
  healer_train_settings_apply_preset (settings, HEALER_TRAIN_PRESET_FAST);
  g_assert_true (healer_train_settings_get_config (settings, &config, NULL));
  config.epochs = 150;
  config.patience = 0;
  config.ensemble = 1;
  config.validation_fraction = 0.2;
  healer_train_settings_set_config (settings, &config);

  start = g_get_monotonic_time ();
  healer_train_page_start (page);
  g_assert_true (healer_train_page_get_running (page));

  /* Preparing the data: no share is known, the bar pulses from the start. */
  progress_label = find_label (GTK_WIDGET (page), "Preparing the data…");
  g_assert_nonnull (progress_label);
  /* The label, the bar, then the time, each a line of its own. */
  bar = gtk_widget_get_next_sibling (progress_label);
  g_assert_true (GTK_IS_PROGRESS_BAR (bar));
  time_label = gtk_widget_get_next_sibling (bar);
  g_assert_true (GTK_IS_LABEL (time_label));
  g_assert_true (is_pulsing (bar));

  w.bar = bar;
  w.texts = g_ptr_array_new_with_free_func (g_free);
  w.curves = HEALER_TRAIN_CURVES (healer_test_find_widget (GTK_WIDGET (page), healer_test_match_type,
                                                           GSIZE_TO_POINTER (HEALER_TYPE_TRAIN_CURVES)));
  g_assert_nonnull (w.curves);
  g_signal_connect (time_label, "notify::label", G_CALLBACK (time_label_cb), &w);
  w.page = page;
  g_assert_true (healer_test_wait_until (stopped_checking_curves, &w, 240000));
  elapsed_ms = (g_get_monotonic_time () - start) / 1000.0;
  g_signal_handlers_disconnect_by_func (time_label, time_label_cb, &w);

  g_test_message ("%u texts of the time left in %.0f ms of training; first “%s”, last “%s”",
                  w.texts->len, elapsed_ms,
                  w.texts->len > 0 ? (char *) w.texts->pdata[0] : "",
                  w.texts->len > 0 ? (char *) w.texts->pdata[w.texts->len - 1] : "");
  g_assert_cmpuint (w.texts->len, >, 0);
  /* The first report ends the warm-up: nothing is measured yet. */
  g_assert_nonnull (strstr (w.texts->pdata[0], "estimating the time left"));
  /* The bar stopped pulsing once a share was known. */
  g_assert_false (w.pulsing_at_first_report);
  /* Between reports nothing moves: an animation is a frame every refresh
   * of the display, taken from the cores training runs on (issue 20). */
  g_assert_cmpuint (w.animated_reports, ==, 0);
  /* 150 epochs, but the labels change once per interval at most (timers
   * never fire early, so a slow machine only makes fewer). */
  g_assert_cmpuint (w.texts->len, <=, 2 + elapsed_ms / SHOW_INTERVAL_MS);
  g_assert_false (is_pulsing (bar));
  g_test_message ("curves: up to epoch %u while training, %u times more than one epoch at "
                  "once (%u beyond a report's window), %u times an epoch missing",
                  w.max_epoch, w.coalesced, w.beyond_window, w.curve_gaps);
  g_assert_cmpuint (w.curve_gaps, ==, 0);
  /* The finished run's history: all 150 epochs. */
  g_assert_cmpuint (healer_train_curves_get_n_points (w.curves), ==, 150);

  g_ptr_array_unref (w.texts);
  healer_test_destroy (window);
}

/* ------------------------------------------------------------------------ */

/* A report of epoch @epoch carrying the @n_recent newest epochs, epoch e's
 * training loss 1/e. */
static HealerTrainProgress
report_of (guint epoch,
           guint n_recent)
{
  HealerTrainProgress p = { 0 };

  p.n_members = 1;
  p.epoch = epoch;
  p.n_epochs = 1000;
  p.n_recent = n_recent;
  for (guint i = 0; i < n_recent; i++)
    {
      guint e = epoch - n_recent + 1 + i;

      p.recent[i].train_loss = 1.0 / e;
      p.recent[i].val_loss = 2.0 / e;
      p.recent[i].val_macro_f1 = 0.5;
    }
  p.train_loss = 1.0 / epoch;
  p.val_loss = 2.0 / epoch;
  p.val_macro_f1 = 0.5;
  return p;
}

/* The curves take every epoch a report carries that they lack, whatever
 * reports the relay dropped in between; a repeated report adds nothing;
 * a gap longer than a report's window stays a gap (the finished run's
 * history fills it). */
static void
test_curves_every_epoch (void)
{
  GtkWidget *curves = g_object_ref_sink (healer_train_curves_new ());
  HealerTrainCurves *c = HEALER_TRAIN_CURVES (curves);
  HealerTrainProgress p;

  healer_train_curves_reset (c, TRUE);
  g_assert_cmpuint (healer_train_curves_get_last_epoch (c), ==, 0);
  p = report_of (1, 1);
  healer_train_curves_append_report (c, &p);
  g_assert_cmpuint (healer_train_curves_get_n_points (c), ==, 1);
  /* epochs 2 to 6 were coalesced away: the report of 7 brings them */
  p = report_of (7, 7);
  healer_train_curves_append_report (c, &p);
  g_assert_cmpuint (healer_train_curves_get_n_points (c), ==, 7);
  g_assert_cmpuint (healer_train_curves_get_last_epoch (c), ==, 7);
  /* the importance's reports repeat the last epoch */
  healer_train_curves_append_report (c, &p);
  g_assert_cmpuint (healer_train_curves_get_n_points (c), ==, 7);
  /* a report older than what the curves have adds nothing either */
  p = report_of (5, 5);
  healer_train_curves_append_report (c, &p);
  g_assert_cmpuint (healer_train_curves_get_n_points (c), ==, 7);
  /* more than a window missed: its newest epochs, then the gap */
  p = report_of (200, HEALER_TRAIN_PROGRESS_RECENT);
  healer_train_curves_append_report (c, &p);
  g_assert_cmpuint (healer_train_curves_get_n_points (c), ==, 7 + HEALER_TRAIN_PROGRESS_RECENT);
  g_assert_cmpuint (healer_train_curves_get_last_epoch (c), ==, 200);
  /* a new network starts again at epoch 1 */
  healer_train_curves_reset (c, TRUE);
  p = report_of (3, 3);
  healer_train_curves_append_report (c, &p);
  g_assert_cmpuint (healer_train_curves_get_n_points (c), ==, 3);
  g_assert_cmpuint (healer_train_curves_get_last_epoch (c), ==, 3);

  g_object_unref (curves);
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  GtkWidget *bar;
  gboolean   seen;
  gboolean   pulsing;
} StageWatch;

static void
description_cb (AdwStatusPage *status,
                GParamSpec    *pspec,
                StageWatch    *w)
{
  const char *text = adw_status_page_get_description (status);

  if (text != NULL && g_str_has_prefix (text, "Computing the figures"))
    {
      w->seen = TRUE;
      w->pulsing = is_pulsing (w->bar);
    }
}

static gboolean
loaded (gpointer page)
{
  return !healer_data_page_get_loading (page);
}

/* After reading, the figures of every KPI take seconds at a million rows
 * with no share measured: the bar pulses instead of sitting full. */
static void
test_data_figures_stage (void)
{
  g_autoptr(HealerSession) session = healer_session_new ();
  g_autoptr(HealerDataset) data = simulated (2000);
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autofree char *path = NULL;
  HealerDataPage *page;
  GtkWindow *window;
  GtkWidget *status, *bar;
  StageWatch w = { 0 };
  int fd;

  fd = g_file_open_tmp ("healer-progress-XXXXXX.csv", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_true (healer_dataset_save_csv (data, path, &error));
  file = g_file_new_for_path (path);

  page = g_object_new (HEALER_TYPE_DATA_PAGE, "session", session, NULL);
  window = healer_test_show (GTK_WIDGET (page), 900, 700);
  bar = healer_test_find_widget (GTK_WIDGET (page), healer_test_match_type,
                                 GSIZE_TO_POINTER (GTK_TYPE_PROGRESS_BAR));
  g_assert_nonnull (bar);
  /* The loading status page holds the bar. */
  status = gtk_widget_get_ancestor (bar, ADW_TYPE_STATUS_PAGE);
  g_assert_nonnull (status);
  w.bar = bar;
  g_signal_connect (status, "notify::description", G_CALLBACK (description_cb), &w);

  healer_data_page_load_file (page, file);
  g_assert_true (healer_test_wait_until (loaded, page, 60000));
  g_signal_handlers_disconnect_by_func (status, description_cb, &w);
  g_assert_cmpstr (healer_data_page_get_state (page), ==, "report");
  g_assert_true (w.seen);
  g_assert_true (w.pulsing);

  healer_test_destroy (window);
  g_unlink (path);
}

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);
  g_test_add_func ("/progress/train", test_train_progress);
  g_test_add_func ("/progress/curves-every-epoch", test_curves_every_epoch);
  g_test_add_func ("/progress/data-figures", test_data_figures_stage);
  return g_test_run ();
}
