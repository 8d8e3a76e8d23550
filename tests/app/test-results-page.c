/* test-results-page.c — the Results page: counts, charts, the map of the samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "healer-calibrate.h"
#include "healer-chart-export.h"
#include "healer-diagnose.h"
#include "healer-diagnose-page.h"
#include "healer-drift-details.h"
#include "healer-page.h"
#include "healer-results-page.h"
#include "healer-results-page-private.h"
#include "healer-scatter-chart.h"
#include "healer-simulate.h"
#include "healer-test-gui.h"
#include "healer-trainer.h"
#include "healer-window.h"

typedef struct
{
  HealerModel *model;
  char        *path;
  HealerResults *results;
} Fixture;

static void
fixture_init_full (Fixture *f,
                   gsize    n_rows,
                   gboolean labelled)
{
  HealerSimulateConfig sim;
  HealerTrainConfig config;
  g_autoptr(HealerDataset) train = NULL;
  g_autoptr(HealerDataset) batch = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  HealerDiagnosis *diagnosis;
  int fd;

  healer_simulate_config_init_default (&sim);
  sim.n_samples = 400;
  train = healer_simulate (&sim);
  healer_train_config_init_default (&config);
  config.epochs = 40;
  config.ensemble = 1;
  f->model = healer_train (train, &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  sim.n_samples = n_rows;
  sim.seed = 2;
  batch = healer_simulate (&sim);
  fd = g_file_open_tmp ("healer-results-XXXXXX.csv", &f->path, &error);
  g_assert_no_error (error);
  g_close (fd, NULL);
  g_assert_true (healer_dataset_save_csv (batch, f->path, &error));

  diagnosis = healer_diagnose_file (f->model, f->path, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* As from a file without a label column (the map reads the file, where
   * the column is left alone). */
  if (!labelled)
    g_clear_pointer (&diagnosis->true_labels, g_free);
  file = g_file_new_for_path (f->path);
  f->results = healer_results_new (diagnosis, file);
}

static void
fixture_init (Fixture *f,
              gsize    n_rows)
{
  fixture_init_full (f, n_rows, TRUE);
}

static void
fixture_clear (Fixture *f)
{
  g_unlink (f->path);
  g_clear_pointer (&f->path, g_free);
  g_clear_pointer (&f->model, healer_model_unref);
  g_clear_object (&f->results);
}

static GtkWidget *
find_page (HealerWindow *window)
{
  return healer_test_find_widget (GTK_WIDGET (window), healer_test_match_type,
                                  GSIZE_TO_POINTER (HEALER_TYPE_RESULTS_PAGE));
}

static gboolean
not_projecting (gpointer data)
{
  gboolean projecting;

  g_object_get (data, "projecting", &projecting, NULL);
  return !projecting;
}

/* The chart switcher's buttons, found by their label as a user would. */
static void
click_toggle (GtkWidget  *page,
              const char *label)
{
  GtkWidget *button = healer_test_find_widget (page, healer_test_match_button_label, label);

  g_assert_true (GTK_IS_TOGGLE_BUTTON (button));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
}

static GtkWidget *
find_by_tooltip (GtkWidget  *root,
                 const char *tooltip)
{
  return healer_test_find_widget (root, healer_test_match_tooltip, tooltip);
}

static void
test_results_page_charts (void)
{
  Fixture f = { 0 };
  HealerWindow *window;
  HealerSession *session;
  GtkWidget *page;
  g_autoptr(GdkTexture) empty = NULL;

  fixture_init (&f, 600);
  window = healer_window_new (NULL);
  session = healer_window_get_session (window);
  healer_test_show (GTK_WIDGET (window), 1100, 760);
  healer_window_set_visible_page (window, "results");
  page = find_page (window);
  g_assert_nonnull (page);
  empty = healer_test_render (GTK_WIDGET (window), "results-empty");

  healer_session_set_model (session, f.model, NULL);
  healer_session_set_results (session, f.results);
  /* A map (t-SNE of every sample, as there are few) is started at once. */
  g_assert_true (healer_test_wait_until (not_projecting, page, 60000));
  g_assert_cmpuint (healer_results_page_get_n_mapped (HEALER_RESULTS_PAGE (page)), ==, 600);
  g_clear_object (&empty);

  /* Issue 16: exports are offered under the diagnosed file's name. */
  {
    g_autofree char *base = g_path_get_basename (f.path);
    g_autofree char *csv = _healer_results_page_export_name (HEALER_RESULTS_PAGE (page), FALSE);
    g_autofree char *chart = _healer_results_page_export_name (HEALER_RESULTS_PAGE (page), TRUE);
    g_autofree char *map = NULL;

    *strrchr (base, '.') = '\0';
    g_assert_true (g_str_has_prefix (csv, base));
    g_assert_cmpstr (csv + strlen (base), ==, "-diagnoses.csv");
    g_assert_cmpstr (chart + strlen (base), ==, "-bars.png");
    click_toggle (page, "_Map");
    map = _healer_results_page_export_name (HEALER_RESULTS_PAGE (page), TRUE);
    g_assert_cmpstr (map + strlen (base), ==, "-map.png");
    click_toggle (page, "_Bars");
  }

  {
    g_autoptr(GdkTexture) bars = healer_test_render (GTK_WIDGET (window), "results-bars");
    g_autoptr(GdkTexture) pie = NULL;
    g_autoptr(GdkTexture) map = NULL;
    g_autoptr(GdkTexture) confusion = NULL;

    click_toggle (page, "_Pie");
    pie = healer_test_render (GTK_WIDGET (window), "results-pie");
    click_toggle (page, "_Map");
    map = healer_test_render (GTK_WIDGET (window), "results-map");
    click_toggle (page, "_Confusion");
    confusion = healer_test_render (GTK_WIDGET (window), "results-confusion");
  }

  /* New results replace the map; none empties the page. */
  healer_session_set_results (session, NULL);
  g_assert_cmpuint (healer_results_page_get_n_mapped (HEALER_RESULTS_PAGE (page)), ==, 0);

  gtk_window_destroy (GTK_WINDOW (window));
  fixture_clear (&f);
}

static void
test_results_page_sampled_map (void)
{
  Fixture f = { 0 };
  g_autoptr(HealerSession) session = healer_session_new ();
  GtkWidget *page = g_object_new (HEALER_TYPE_RESULTS_PAGE, "session", session, NULL);
  GtkWindow *window;

  /* More rows than the map holds: a sample of the maximum is laid out. */
  fixture_init (&f, 25000);
  window = healer_test_show (page, 900, 600);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_by_tooltip (page, "How the samples are laid out")), 0);
  healer_session_set_model (session, f.model, NULL);
  healer_session_set_results (session, f.results);
  g_assert_true (healer_test_wait_until (not_projecting, page, 120000));
  g_assert_cmpuint (healer_results_page_get_n_mapped (HEALER_RESULTS_PAGE (page)), ==, 20000);

  /* Cancelling a t-SNE run keeps the PCA map. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (find_by_tooltip (page, "How the samples are laid out")), 1);
  healer_results_page_show_map (HEALER_RESULTS_PAGE (page));
  g_assert_false (not_projecting (page));
  g_assert_true (healer_results_page_cancel (HEALER_RESULTS_PAGE (page)));
  g_assert_true (healer_test_wait_until (not_projecting, page, 30000));
  g_assert_cmpuint (healer_results_page_get_n_mapped (HEALER_RESULTS_PAGE (page)), ==, 20000);
  gtk_window_destroy (window);
  fixture_clear (&f);
}

static gboolean
match_label_text (GtkWidget     *widget,
                  gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0;
}

/* The dropdown's popup, where its rows are (the button holds labels of
 * every item too, hidden, for its width). */
static GtkWidget *
popup_of (GtkWidget *dropdown)
{
  return healer_test_find_widget (dropdown, healer_test_match_type, GSIZE_TO_POINTER (GTK_TYPE_POPOVER));
}

static gboolean
popup_shown (gpointer dropdown)
{
  GtkWidget *popup = popup_of (dropdown);
  GtkWidget *label = popup ? healer_test_find_widget (popup, match_label_text, "Right or wrong") : NULL;

  return label != NULL && gtk_widget_get_mapped (label);
}

static double
x_in_page (GtkWidget *widget,
           GtkWidget *page)
{
  graphene_point_t p;

  g_assert_true (gtk_widget_compute_point (widget, page, &GRAPHENE_POINT_INIT (0, 0), &p));
  return p.x;
}

/* Issue 16 items 8 and 9, issue 20 item 5, issue 15: the map follows the
 * chosen method at once (the old picture marked out of date meanwhile), a
 * new layout shows all of it, the Lay Out button keeps its place, the
 * points can be coloured by certainty, and colour choices that need labels
 * are greyed out, saying why, for an unlabelled file. */
static void
test_results_page_map_choices (void)
{
  Fixture f = { 0 }, unlabelled = { 0 };
  HealerWindow *window;
  HealerSession *session;
  GtkWidget *page, *method, *colour, *lay_out, *scatter, *item;
  HealerChartAxis *x_axis;
  double lay_out_x;

  fixture_init (&f, 300);
  window = healer_window_new (NULL);
  session = healer_window_get_session (window);
  healer_test_show (GTK_WIDGET (window), 1100, 760);
  healer_window_set_visible_page (window, "results");
  page = find_page (window);
  method = find_by_tooltip (page, "How the samples are laid out");
  colour = find_by_tooltip (page, "What the colours show");
  lay_out = healer_test_find_widget (page, healer_test_match_button_label, "_Lay Out");
  scatter = healer_test_find_widget (page, healer_test_match_type,
                                     GSIZE_TO_POINTER (HEALER_TYPE_SCATTER_CHART));
  g_assert_nonnull (method);
  g_assert_nonnull (colour);
  g_assert_nonnull (lay_out);
  x_axis = healer_chart_get_x_axis (HEALER_CHART (scatter));

  gtk_drop_down_set_selected (GTK_DROP_DOWN (method), 0);   /* PCA */
  healer_session_set_model (session, f.model, NULL);
  healer_session_set_results (session, f.results);
  click_toggle (page, "_Map");
  g_assert_true (healer_test_wait_until (not_projecting, page, 60000));
  g_assert_cmpuint (healer_results_page_get_n_mapped (HEALER_RESULTS_PAGE (page)), ==, 300);
  healer_test_wait_frame (page);
  lay_out_x = x_in_page (lay_out, page);
  /* The Results page's chart fills the view: the plain wheel zooms it. */
  g_assert_true (healer_test_wheel_stopper (scatter) == scatter);
  healer_chart_reset_zoom (HEALER_CHART (scatter));

  /* Coloured by certainty: two categories in the legend. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (colour), 3);
  healer_test_wait_frame (page);
  g_assert_nonnull (healer_test_find_widget (scatter, match_label_text, "Uncertain"));
  g_assert_nonnull (healer_test_find_widget (scatter, match_label_text, "Certain"));
  g_clear_object (&(GdkTexture *) { healer_test_render (GTK_WIDGET (window), "results-map-uncertain") });

  /* Zoomed in, then another method: the old picture is marked at once and
   * a new layout starts by itself. */
  healer_test_activate_action (scatter, "chart.zoom-in");
  g_assert_true (healer_chart_axis_is_zoomed (x_axis));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (method), 1);   /* t-SNE */
  g_assert_false (not_projecting (page));
  g_assert_false (gtk_widget_get_sensitive (scatter));
  g_assert_cmpfloat (gtk_widget_get_opacity (scatter), <, 0.5);
  g_clear_object (&(GdkTexture *) { healer_test_render (GTK_WIDGET (window), "results-map-stale") });
  g_assert_true (healer_test_wait_until (not_projecting, page, 60000));
  g_assert_true (gtk_widget_get_sensitive (scatter));
  g_assert_cmpfloat (gtk_widget_get_opacity (scatter), ==, 1.0);
  g_assert_false (healer_chart_axis_is_zoomed (x_axis));
  g_assert_cmpuint (healer_results_page_get_n_mapped (HEALER_RESULTS_PAGE (page)), ==, 300);
  /* The method's label changed width; the button did not move. */
  healer_test_wait_frame (page);
  g_assert_cmpfloat (x_in_page (lay_out, page), ==, lay_out_x);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (colour)), ==, 3);

  /* Cancelled: the picture on screen is the t-SNE one, and says so. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (method), 0);
  g_assert_true (healer_results_page_cancel (HEALER_RESULTS_PAGE (page)));
  g_assert_true (healer_test_wait_until (not_projecting, page, 30000));
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (method)), ==, 1);
  g_assert_true (gtk_widget_get_sensitive (scatter));

  /* An unlabelled file: "Labelled class" and "Right or wrong" are grey,
   * with the reason, and a choice of them falls back. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (colour), 2);
  fixture_init_full (&unlabelled, 300, FALSE);
  healer_session_set_model (session, unlabelled.model, NULL);
  healer_session_set_results (session, unlabelled.results);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (colour)), ==, 0);
  g_signal_emit_by_name (colour, "activate");
  g_assert_true (healer_test_wait_until (popup_shown, colour, 30000));
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "Labelled class" : "Right or wrong";

      item = healer_test_find_widget (popup_of (colour), match_label_text, name);
      g_assert_nonnull (item);
      g_assert_false (gtk_widget_get_sensitive (item));
      g_assert_nonnull (strstr (gtk_widget_get_tooltip_text (item), "no label column"));
    }
  item = healer_test_find_widget (popup_of (colour), match_label_text, "Certain or uncertain");
  g_assert_nonnull (item);
  g_assert_true (gtk_widget_get_sensitive (item));
  g_clear_object (&(GdkTexture *) { healer_test_render (GTK_WIDGET (window), "results-map-colours-unlabelled") });
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (item, GTK_TYPE_POPOVER)));

  /* Labelled again: every choice applies, as the rows of the popup opened
   * again show (not rows left from before, nor the button's labels). */
  healer_session_set_model (session, f.model, NULL);
  healer_session_set_results (session, f.results);
  g_signal_emit_by_name (colour, "activate");
  g_assert_true (healer_test_wait_until (popup_shown, colour, 30000));
  for (guint i = 0; i < 2; i++)
    {
      const char *name = i == 0 ? "Labelled class" : "Right or wrong";

      item = healer_test_find_widget (popup_of (colour), match_label_text, name);
      g_assert_nonnull (item);
      g_assert_true (gtk_widget_get_mapped (item));
      g_assert_true (gtk_widget_get_sensitive (item));
      g_assert_null (gtk_widget_get_tooltip_text (item));
    }
  gtk_popover_popdown (GTK_POPOVER (gtk_widget_get_ancestor (item, GTK_TYPE_POPOVER)));
  g_assert_true (healer_test_wait_until (not_projecting, page, 60000));

  healer_session_set_results (session, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  fixture_clear (&f);
  fixture_clear (&unlabelled);
}

static gboolean
has_new_results (gpointer data)
{
  gpointer *args = data;

  return healer_session_get_results (args[0]) != NULL && healer_session_get_results (args[0]) != args[1];
}

static gboolean
results_page_idle (gpointer page)
{
  GtkWidget *diagnose = healer_test_find_widget (gtk_widget_get_ancestor (page, HEALER_TYPE_WINDOW),
                                                 healer_test_match_type,
                                                 GSIZE_TO_POINTER (HEALER_TYPE_DIAGNOSE_PAGE));

  return !healer_page_get_busy (HEALER_PAGE (page)) && !healer_page_get_busy (HEALER_PAGE (diagnose));
}

static gboolean
action_enabled (GtkWidget  *widget,
                const char *name)
{
  GtkWidget *button = healer_test_find_widget (widget, healer_test_match_button_label, "Diagnose _Again");

  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), ==, name);
  return gtk_widget_get_sensitive (button);
}

/* The Diagnose page diagnoses with a model of its own, not the session's
 * (args: the session, then anything). */
static gboolean
diagnose_page_has_other_model (gpointer data)
{
  gpointer *args = data;
  HealerSession *session = args[0];
  GtkWidget *window = gtk_widget_get_ancestor (GTK_WIDGET (args[2]), HEALER_TYPE_WINDOW);
  GtkWidget *diagnose = healer_test_find_widget (window, healer_test_match_type,
                                                 GSIZE_TO_POINTER (HEALER_TYPE_DIAGNOSE_PAGE));
  HealerModel *model = healer_diagnose_page_get_model (HEALER_DIAGNOSE_PAGE (diagnose));

  return model != NULL && model != healer_session_get_model (session);
}

/* Whether the Diagnose page marks its table stale (its own revealer, with
 * its own Diagnose Again button). */
static gboolean
diagnose_page_marks_stale (GtkWidget *diagnose)
{
  GtkWidget *button = healer_test_find_widget (diagnose, healer_test_match_button_label, "Diagnose _Again");

  g_assert_nonnull (button);
  return gtk_revealer_get_reveal_child (GTK_REVEALER (gtk_widget_get_ancestor (button, GTK_TYPE_REVEALER)));
}

/* Results the model loaded now would not give are marked on the Results
 * page too (and on the Diagnose page), with one click to diagnose the file
 * again: after the coverage changes in Preferences (the prediction sets
 * and uncertain flags follow it) and after another model replaces the one
 * that made them. A renamed model gives the same results. */
static void
test_results_page_stale (void)
{
  Fixture f = { 0 };
  HealerSimulateConfig sim;
  HealerTrainConfig config;
  g_autoptr(HealerDataset) train = NULL;
  g_autoptr(HealerModel) calibrated = NULL;
  g_autoptr(HealerModel) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  HealerWindow *window;
  HealerSession *session;
  GtkWidget *page, *diagnose;
  GtkRevealer *stale;
  const char *text;
  gpointer args[3];

  fixture_init (&f, 200);
  healer_simulate_config_init_default (&sim);
  sim.n_samples = 300;
  train = healer_simulate (&sim);
  healer_train_config_init_default (&config);
  config.epochs = 5;
  config.ensemble = 1;
  calibrated = healer_train_calibrated (train, &config, 3, 0.95, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (calibrated->calibration);
  other = healer_train_calibrated (train, &config, 3, 0.95, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  window = healer_window_new (NULL);
  session = healer_window_get_session (window);
  healer_test_show (GTK_WIDGET (window), 900, 640);
  page = find_page (window);
  diagnose = healer_test_find_widget (GTK_WIDGET (window), healer_test_match_type,
                                      GSIZE_TO_POINTER (HEALER_TYPE_DIAGNOSE_PAGE));
  stale = GTK_REVEALER (healer_test_find_widget (page, healer_test_match_type,
                                                 GSIZE_TO_POINTER (GTK_TYPE_REVEALER)));
  g_assert_nonnull (stale);

  healer_session_set_model (session, calibrated, NULL);
  file = g_file_new_for_path (f.path);
  args[0] = session;
  args[1] = NULL;
  args[2] = page;
  healer_diagnose_page_diagnose_file (HEALER_DIAGNOSE_PAGE (diagnose), file);
  g_assert_true (healer_test_wait_until (has_new_results, args, 60000));
  healer_window_set_visible_page (window, "results");
  g_assert_true (healer_test_wait_until (results_page_idle, page, 60000));
  g_assert_false (gtk_revealer_get_reveal_child (stale));
  g_assert_false (action_enabled (page, "results.diagnose-again"));

  /* Renamed: the same results. */
  healer_session_set_class_name (session, 0, "disk fault");
  g_assert_false (gtk_revealer_get_reveal_child (stale));

  /* Another coverage: marked, both coverages named. */
  healer_session_set_coverage (session, 0.99);
  g_assert_true (gtk_revealer_get_reveal_child (stale));
  text = gtk_label_get_label (GTK_LABEL (healer_test_find_widget (GTK_WIDGET (stale), healer_test_match_type,
                                                                  GSIZE_TO_POINTER (GTK_TYPE_LABEL))));
  g_assert_nonnull (strstr (text, "95 %"));
  g_assert_nonnull (strstr (text, "99 %"));
  g_assert_true (action_enabled (page, "results.diagnose-again"));
  g_assert_true (diagnose_page_marks_stale (diagnose));
  g_clear_object (&(GdkTexture *) { healer_test_render (GTK_WIDGET (window), "results-stale-coverage") });

  /* Diagnosed again in one click: the Diagnose page runs it (progress,
   * Cancel) and the new results are current. */
  args[1] = healer_session_get_results (session);
  healer_test_activate_action (page, "results.diagnose-again");
  g_assert_true (healer_test_wait_until (has_new_results, args, 60000));
  g_assert_true (healer_test_wait_until (results_page_idle, page, 60000));
  g_assert_false (gtk_revealer_get_reveal_child (stale));
  g_assert_false (action_enabled (page, "results.diagnose-again"));
  g_assert_false (diagnose_page_marks_stale (diagnose));
  g_assert_cmpfloat_with_epsilon (healer_results_get_model (healer_session_get_results (session))->coverage, 0.99, 1e-9);

  /* Another model: marked as made by one no longer loaded. */
  healer_window_set_visible_page (window, "results");
  healer_session_set_model (session, other, NULL);
  g_assert_true (gtk_revealer_get_reveal_child (stale));
  g_assert_true (action_enabled (page, "results.diagnose-again"));
  text = gtk_label_get_label (GTK_LABEL (healer_test_find_widget (GTK_WIDGET (stale), healer_test_match_type,
                                                                  GSIZE_TO_POINTER (GTK_TYPE_LABEL))));
  g_assert_nonnull (strstr (text, "no longer loaded"));
  g_clear_object (&(GdkTexture *) { healer_test_render (GTK_WIDGET (window), "results-stale-model") });

  /* The session keeps a model not saved while the Diagnose page diagnoses
   * with a file opened there: the results it makes are current on both
   * pages (judged against the model diagnoses are made with). */
  {
    g_autofree char *model_path = g_build_filename (g_get_tmp_dir (), "healer-results-opened.json", NULL);
    g_autoptr(GFile) model_file = g_file_new_for_path (model_path);

    g_assert_true (healer_model_save (calibrated, model_path, &error));
    g_assert_no_error (error);
    healer_diagnose_page_load_model_file (HEALER_DIAGNOSE_PAGE (diagnose), model_file);
    g_assert_true (healer_test_wait_until (diagnose_page_has_other_model, args, 30000));
    /* The session kept its model (a renamed copy of the one it was given). */
    g_assert_true (healer_model_same_network (healer_session_get_model (session), other));
    args[1] = healer_session_get_results (session);
    healer_diagnose_page_diagnose_file (HEALER_DIAGNOSE_PAGE (diagnose), file);
    g_assert_true (healer_test_wait_until (has_new_results, args, 60000));
    g_assert_true (healer_test_wait_until (results_page_idle, page, 60000));
    g_assert_false (diagnose_page_marks_stale (diagnose));
    g_assert_false (gtk_revealer_get_reveal_child (stale));
    g_assert_false (action_enabled (page, "results.diagnose-again"));
    g_unlink (model_path);
  }

  healer_session_set_model (session, NULL, NULL);
  healer_test_destroy (GTK_WINDOW (window));
  fixture_clear (&f);
}

/* Pixels darker than mid-grey in the rows [@y0, @y1) and columns [@x0, @x1)
 * of the PNG in @bytes: text, on a light chart. */
static guint
dark_pixels (GBytes *bytes,
             int     x0,
             int     x1,
             int     y0,
             int     y1)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = gdk_texture_new_from_bytes (bytes, &error);
  int width, height;
  g_autofree guchar *data = NULL;
  guint n = 0;

  g_assert_no_error (error);
  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  data = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, data, (gsize) width * 4);
  for (int y = y0; y < MIN (y1, height); y++)
    for (int x = x0; x < MIN (x1, width); x++)
      {
        const guchar *p = data + ((gsize) y * width + x) * 4;

        if (p[3] > 0 && (p[0] + p[1] + p[2]) / 3 < 128)
          n++;
      }
  return n;
}

/* Issue 16 item 13: the page and the charts it exports say what they are
 * of — a title naming the data file, the counts and the model, and the
 * drift or uncertainty note. */
static void
test_results_page_caption (void)
{
  Fixture f = { 0 };
  HealerWindow *window;
  HealerSession *session;
  HealerResultsPage *page;
  GtkWidget *bars;
  g_autofree char *caption = NULL;
  g_autofree char *base = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GBytes) plain = NULL;
  g_autoptr(GBytes) captioned = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  guint plain_dark, captioned_dark;

  fixture_init (&f, 300);
  window = healer_window_new (NULL);
  session = healer_window_get_session (window);
  healer_test_show (GTK_WIDGET (window), 1000, 700);
  healer_window_set_visible_page (window, "results");
  page = HEALER_RESULTS_PAGE (find_page (window));
  g_assert_null (_healer_results_page_dup_caption (page));
  healer_results_set_model (f.results, f.model, NULL);
  healer_session_set_model (session, f.model, NULL);
  healer_session_set_results (session, f.results);
  /* Right after the data changed, before the page is drawn again (the
   * chart's legend not laid out yet): exported whole, without a warning. */
  {
    GtkWidget *chart = healer_test_find_widget (GTK_WIDGET (page), healer_test_match_type,
                                                GSIZE_TO_POINTER (HEALER_TYPE_BAR_CHART));
    g_autoptr(GBytes) early = healer_chart_render_captioned (HEALER_CHART_EXPORTABLE (chart), "Early",
                                                             HEALER_CHART_FORMAT_PNG, 800, 500, &error);

    g_assert_no_error (error);
    g_assert_nonnull (early);
  }
  g_assert_true (healer_test_wait_until (not_projecting, page, 60000));

  base = g_path_get_basename (f.path);
  caption = _healer_results_page_dup_caption (page);
  g_test_message ("caption: %s", caption);
  lines = g_strsplit (caption, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 3);
  g_assert_nonnull (strstr (lines[0], base));
  /* The note (also on the page, under the counts) before the counts: a
   * small picture keeps the first lines. */
  g_assert_true (strstr (lines[1], "uncertain") != NULL || strstr (lines[1], "Drift") != NULL ||
                 strstr (lines[1], "No diagnosis") != NULL);
  g_assert_nonnull (healer_test_find_widget (GTK_WIDGET (page), match_label_text, lines[1]));
  g_assert_nonnull (strstr (lines[2], "300 samples diagnosed"));
  g_assert_nonnull (strstr (lines[2], "the model trained at"));

  /* Exported: the caption above the chart, where the chart alone has
   * no text (the plot's top is its background). */
  bars = healer_test_find_widget (GTK_WIDGET (page), healer_test_match_type,
                                  GSIZE_TO_POINTER (HEALER_TYPE_BAR_CHART));
  plain = healer_chart_render (HEALER_CHART_EXPORTABLE (bars), HEALER_CHART_FORMAT_PNG, 800, 500, &error);
  g_assert_no_error (error);
  captioned = healer_chart_render_captioned (HEALER_CHART_EXPORTABLE (bars), caption,
                                             HEALER_CHART_FORMAT_PNG, 800, 500, &error);
  g_assert_no_error (error);
  path = g_test_build_filename (G_TEST_BUILT, "results-chart-captioned.png", NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (captioned, NULL),
                                      g_bytes_get_size (captioned), NULL));
  plain_dark = dark_pixels (plain, 100, 700, 0, 40);
  captioned_dark = dark_pixels (captioned, 100, 700, 0, 40);
  g_test_message ("dark pixels in the top band: %u alone, %u captioned", plain_dark, captioned_dark);
  g_assert_cmpuint (captioned_dark, >, plain_dark + 100);

  /* A small picture keeps its title and first lines (the rest ends in an
   * ellipsis) rather than losing the caption. */
  {
    g_autoptr(GBytes) small_plain = healer_chart_render (HEALER_CHART_EXPORTABLE (bars), HEALER_CHART_FORMAT_PNG,
                                                         320, 160, &error);
    g_autoptr(GBytes) small = healer_chart_render_captioned (HEALER_CHART_EXPORTABLE (bars), caption,
                                                             HEALER_CHART_FORMAT_PNG, 320, 160, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (dark_pixels (small, 0, 320, 0, 30), >, dark_pixels (small_plain, 0, 320, 0, 30) + 50);
  }

  healer_session_set_results (session, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  fixture_clear (&f);
}

/* A drift report of six KPIs, most severe first as the core sorts them:
 * unread ones among the read, and two that did not drift. */
static HealerDriftReport *
drift_report_new (void)
{
  static const struct { const char *name; gboolean used, outside, shifted, newly_missing; } kpis[] = {
    { "feature50", FALSE, TRUE, FALSE, FALSE },
    { "feature12", TRUE, TRUE, FALSE, FALSE },
    { "feature7", FALSE, FALSE, TRUE, FALSE },
    { "feature31", TRUE, FALSE, TRUE, FALSE },
    /* blank in the file, never missing in training: drift when read */
    { "feature40", TRUE, FALSE, FALSE, TRUE },
    { "feature41", FALSE, FALSE, FALSE, TRUE },
    { "feature2", TRUE, FALSE, FALSE, FALSE },
    { "feature8", FALSE, FALSE, FALSE, FALSE },
  };
  HealerDriftReport *report = g_new0 (HealerDriftReport, 1);

  report->n_rows = 100;
  report->n_kpis = G_N_ELEMENTS (kpis);
  report->kpis = g_new0 (HealerDriftKpi, report->n_kpis);
  for (guint k = 0; k < report->n_kpis; k++)
    {
      HealerDriftKpi *kpi = &report->kpis[k];

      kpi->index = k;
      kpi->name = g_strdup (kpis[k].name);
      kpi->used = kpis[k].used;
      kpi->outside = kpis[k].outside;
      kpi->shifted = kpis[k].shifted;
      kpi->outside_fraction = kpi->outside ? 0.4 : 0.0;
      kpi->train_min = 0, kpi->train_max = 10, kpi->train_median = 5;
      kpi->batch_min = 2, kpi->batch_max = 30, kpi->batch_median = kpi->shifted ? 9 : 5;
      report->n_used += kpi->used;
      report->n_outside += kpi->outside;
      report->n_outside_used += kpi->outside && kpi->used;
      report->n_shifted += kpi->shifted;
      report->n_shifted_used += kpi->shifted && kpi->used;
      kpi->newly_missing = kpis[k].newly_missing;
      kpi->missing_rate = kpi->newly_missing ? 1.0 : 0.0;
      kpi->n_observed = kpi->newly_missing ? 0 : 100;
      report->n_newly_missing += kpi->newly_missing;
      report->n_newly_missing_used += kpi->newly_missing && kpi->used;
    }
  return report;
}

static GtkWidget *
drift_details_window (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (g_strcmp0 (gtk_window_get_title (l->data), "KPIs That Drifted") == 0 &&
        gtk_widget_get_visible (l->data))
      return l->data;
  return NULL;
}

static gboolean
drift_details_shown (gpointer data)
{
  GtkWidget *window = drift_details_window ();

  return window != NULL && gtk_widget_get_mapped (window);
}

/* The titles of the rows the filter shows, in order, comma-separated. */
static char *
shown_kpis (GtkWidget *window)
{
  GtkWidget *list = healer_test_find_widget (window, healer_test_match_type, GSIZE_TO_POINTER (GTK_TYPE_LIST_BOX));
  GString *names = g_string_new (NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_ACTION_ROW (row) && gtk_widget_get_child_visible (row) && gtk_widget_get_visible (list))
      g_string_append_printf (names, "%s%s", names->len > 0 ? "," : "",
                              adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
  return g_string_free (names, FALSE);
}

/* Issue 16 item 13: the drift details list the KPIs the model reads
 * first, each group most severe first, with a search and a switch that
 * keeps only those the model reads; the Results page opens them from its
 * drift note. */
static void
test_results_page_drift_details (void)
{
  Fixture f = { 0 };
  HealerWindow *window;
  HealerSession *session;
  GtkWidget *page, *details, *search, *used_only, *no_match;
  HealerDiagnosis *diagnosis;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(HealerResults) results = NULL;
  char *names;

  fixture_init (&f, 100);
  diagnosis = healer_diagnose_file (f.model, f.path, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_pointer (&diagnosis->drift, healer_drift_report_free);
  diagnosis->drift = drift_report_new ();
  file = g_file_new_for_path (f.path);
  results = healer_results_new (diagnosis, file);
  g_assert_true (healer_results_has_drift (results));

  window = healer_window_new (NULL);
  session = healer_window_get_session (window);
  healer_test_show (GTK_WIDGET (window), 1000, 700);
  healer_window_set_visible_page (window, "results");
  page = find_page (window);
  healer_session_set_model (session, f.model, NULL);
  healer_session_set_results (session, results);
  g_assert_true (healer_test_wait_until (not_projecting, page, 60000));
  g_assert_true (gtk_widget_get_mapped (healer_test_find_widget (page, healer_test_match_button_label,
                                                                 "Drift _Details…")));
  g_clear_object (&(GdkTexture *) { healer_test_render (GTK_WIDGET (window), "results-drift-note") });

  healer_test_activate_action (page, "results.drift-details");
  g_assert_true (healer_test_wait_until (drift_details_shown, NULL, 10000));
  details = drift_details_window ();
  healer_test_wait_frame (details);
  names = shown_kpis (details);
  g_assert_cmpstr (names, ==, "feature12,feature31,feature40,feature50,feature7");
  /* A newly missing KPI says so, and how often. */
  {
    GtkWidget *row = healer_test_find_widget (details, healer_test_match_type,
                                              GSIZE_TO_POINTER (ADW_TYPE_ACTION_ROW));

    while (row != NULL && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                     "feature40") != 0)
      row = gtk_widget_get_next_sibling (row);
    g_assert_nonnull (row);
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                     "no value in this file; missing in 100 % of this file's rows, in 0.0 % of "
                     "the training rows");
  }
  g_free (names);
  g_clear_object (&(GdkTexture *) { healer_test_render (details, "drift-details") });

  search = healer_test_find_widget (details, healer_test_match_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));
  used_only = healer_test_find_widget (details, healer_test_match_type, GSIZE_TO_POINTER (GTK_TYPE_CHECK_BUTTON));
  no_match = healer_test_find_widget (details, healer_test_match_type, GSIZE_TO_POINTER (ADW_TYPE_STATUS_PAGE));
  g_assert_false (gtk_widget_get_visible (no_match));

  /* The search filters by name, case aside; "search-changed" comes after
   * a delay, so it is emitted here as the entry would. */
  gtk_editable_set_text (GTK_EDITABLE (search), "FEATURE3");
  g_signal_emit_by_name (search, "search-changed");
  names = shown_kpis (details);
  g_assert_cmpstr (names, ==, "feature31");
  g_free (names);

  gtk_editable_set_text (GTK_EDITABLE (search), "");
  g_signal_emit_by_name (search, "search-changed");
  gtk_check_button_set_active (GTK_CHECK_BUTTON (used_only), TRUE);
  names = shown_kpis (details);
  g_assert_cmpstr (names, ==, "feature12,feature31,feature40");
  g_free (names);

  /* Nothing left: said so, not an empty list. */
  gtk_editable_set_text (GTK_EDITABLE (search), "feature7");
  g_signal_emit_by_name (search, "search-changed");
  names = shown_kpis (details);
  g_assert_cmpstr (names, ==, "");
  g_free (names);
  g_assert_true (gtk_widget_get_visible (no_match));

  gtk_window_destroy (GTK_WINDOW (details));

  /* A list cut at 200 KPIs says how many it left out. */
  {
    HealerDriftReport *big = g_new0 (HealerDriftReport, 1);
    GtkWindow *cut;
    GtkWidget *list, *last;

    big->n_kpis = 205;
    big->kpis = g_new0 (HealerDriftKpi, big->n_kpis);
    for (guint k = 0; k < big->n_kpis; k++)
      {
        big->kpis[k].name = g_strdup_printf ("kpi%u", k);
        big->kpis[k].outside = TRUE;
        big->kpis[k].used = k % 2 == 0;
      }
    big->n_outside = big->n_kpis;
    cut = healer_drift_details_new (NULL, big, NULL);
    healer_drift_report_free (big);
    list = healer_test_find_widget (GTK_WIDGET (cut), healer_test_match_type, GSIZE_TO_POINTER (GTK_TYPE_LIST_BOX));
    last = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 200));
    g_assert_true (ADW_IS_ACTION_ROW (last));
    g_assert_null (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 201));
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (last)), ==,
                     "5 more KPIs that drifted are not listed");
    /* The 103 the model reads are all there, first. */
    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0))), ==, "kpi0");
    gtk_window_destroy (cut);
  }

  healer_session_set_results (session, NULL);
  gtk_window_destroy (GTK_WINDOW (window));
  fixture_clear (&f);
}

int
main (int   argc,
      char *argv[])
{
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/results-page/charts", test_results_page_charts);
  g_test_add_func ("/results-page/sampled-map", test_results_page_sampled_map);
  g_test_add_func ("/results-page/map-choices", test_results_page_map_choices);
  g_test_add_func ("/results-page/stale", test_results_page_stale);
  g_test_add_func ("/results-page/caption", test_results_page_caption);
  g_test_add_func ("/results-page/drift-details", test_results_page_drift_details);

  return g_test_run ();
}
