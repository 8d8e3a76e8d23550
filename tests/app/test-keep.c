/* test-keep.c — the operator's work is kept: class names across a retrain,
 * a finished model across a cancelled run, the quit prompt's wording
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "healer-application.h"
#include "healer-data-page.h"
#include "healer-diagnose-page.h"
#include "healer-preferences-window.h"
#include "healer-results-page.h"
#include "healer-simulate.h"
#include "healer-test-app.h"
#include "healer-test-gui.h"
#include "healer-train-page.h"
#include "healer-window.h"

static HealerApplication *app;

/* The question asked: modal, on top of @window. */

/* Trains @epochs epochs to the end; returns when the run has ended. */
static void
train (HealerWindow *window,
       guint         epochs)
{
  HealerTrainPage *train_page = HEALER_TRAIN_PAGE (healer_test_page (window, HEALER_TYPE_TRAIN_PAGE));

  healer_test_use_config (window, epochs, 16);
  healer_test_activate_action (GTK_WIDGET (window), "win.train");
  g_assert_true (healer_train_page_get_running (train_page));
  g_assert_true (healer_test_wait_until (healer_test_train_stopped, train_page, 120000));
}

/* Visible labels below @root whose text is @text, or contains it. */
static guint
count_labels (GtkWidget  *root,
              const char *text,
              gboolean    substring)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (!gtk_widget_get_visible (child))
        continue;
      if (GTK_IS_LABEL (child))
        {
          const char *shown = gtk_label_get_text (GTK_LABEL (child));

          if (substring ? strstr (shown, text) != NULL : g_str_equal (shown, text))
            n++;
        }
      n += count_labels (child, text, substring);
    }
  return n;
}

static HealerWindow *
new_window_with_demo (void)
{
  HealerWindow *window = healer_window_new (ADW_APPLICATION (app));

  healer_test_show (GTK_WIDGET (window), 1100, 760);
  healer_test_activate_action (GTK_WIDGET (window), "win.demo-data");
  g_assert_true (healer_test_wait_until (healer_test_has_dataset, window, 30000));
  healer_window_set_visible_page (window, "train");
  return window;
}

static void
discard_and_close (HealerWindow *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  if (window != NULL && healer_test_find_dialog () != NULL)
    healer_test_answer (healer_test_find_dialog (), "_Discard");
  g_assert_true (healer_test_wait_until (healer_test_is_null, &window, 30000));
}

/* Class 0 is called @name wherever the model is shown: the Train page's
 * per-class table, the confusion matrix (drawn from the summary's model)
 * and Preferences. */
static void
assert_named (HealerWindow *window,
              const char   *name)
{
  HealerTrainSummary *summary = healer_train_page_get_summary (HEALER_TRAIN_PAGE (healer_test_page (window, HEALER_TYPE_TRAIN_PAGE)));
  HealerPreferencesWindow *prefs;
  GtkWidget *row;

  g_assert_cmpstr (healer_train_summary_get_model (summary)->class_names[0], ==, name);
  g_assert_cmpuint (count_labels (GTK_WIDGET (summary), name, FALSE), >=, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (summary), g_str_equal (name, "class 0") ? "disk fault" : "class 0", FALSE), ==, 0);

  prefs = healer_preferences_window_new (GTK_WINDOW (window));
  /* Its session is its window's, by default. */
  {
    g_autoptr(HealerSession) session = NULL;

    g_object_get (prefs, "session", &session, NULL);
    g_assert_true (session == healer_window_get_session (window));
  }
  gtk_window_present (GTK_WINDOW (prefs));
  healer_test_wait_frame (GTK_WIDGET (prefs));
  row = healer_test_find_widget (GTK_WIDGET (prefs), healer_test_match_type,
                                 GSIZE_TO_POINTER (ADW_TYPE_ENTRY_ROW));
  g_assert_nonnull (row);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, name);
  healer_test_destroy (GTK_WINDOW (prefs));
}

/* Item 1: names the user gave survive a retrain on the same classes, in
 * every table that shows the model; when the classes differ, the user is
 * told which names could not be kept. */
static void
test_class_names_kept (void)
{
  HealerWindow *window = new_window_with_demo ();
  HealerSession *session = healer_window_get_session (window);
  GtkWidget *train_page = healer_test_page (window, HEALER_TYPE_TRAIN_PAGE);
  g_autoptr(HealerModel) first = NULL;
  HealerModel *second;
  HealerSimulateConfig sim;
  g_autoptr(HealerDataset) other = NULL;
  g_autoptr(GdkTexture) shot = NULL;

  train (window, 3);
  /* The session replaces it with a renamed copy: keep it to compare. */
  first = healer_model_ref (healer_session_get_model (session));
  g_assert_cmpstr (first->class_names[0], ==, "class 0");
  healer_session_set_class_name (session, 0, "disk fault");
  assert_named (window, "disk fault");

  /* Again on the same data: the new model replaces an unsaved one, so
   * the user is asked; the new model has the name. */
  train (window, 3);
  healer_test_answer (healer_test_question (window, "Replace the Unsaved Model?"), "_Use New Model");
  second = healer_session_get_model (session);
  g_assert_false (healer_model_same_network (first, second));
  g_assert_cmpstr (second->class_names[0], ==, "disk fault");
  g_assert_cmpstr (second->class_names[1], ==, "class 1");
  g_assert_null (healer_session_get_lost_class_names (session));
  assert_named (window, "disk fault");
  shot = healer_test_render (GTK_WIDGET (window), "keep-class-names-retrained");

  /* Other classes (4, not the demo's 6): the names are not guessed onto
   * them, and the page says so. */
  healer_simulate_config_init_default (&sim);
  sim.n_samples = 200;
  sim.n_classes = 4;
  other = healer_simulate (&sim);
  healer_session_set_dataset (session, other, NULL);
  train (window, 3);
  healer_test_answer (healer_test_question (window, "Replace the Unsaved Model?"), "_Use New Model");
  g_assert_cmpuint (healer_session_get_model (session)->n_classes, ==, 4);
  g_assert_cmpstr (healer_session_get_model (session)->class_names[0], ==, "class 0");
  g_assert_nonnull (healer_session_get_lost_class_names (session));
  g_assert_cmpstr (healer_session_get_lost_class_names (session)[0], ==, "disk fault");
  g_assert_cmpuint (count_labels (train_page, "could not be kept", TRUE), >=, 1);
  assert_named (window, "class 0");
  g_clear_object (&shot);
  shot = healer_test_render (GTK_WIDGET (window), "keep-class-names-lost");

  discard_and_close (window);
}

/* Item 2: a cancelled run never silently replaces the model the session
 * holds; the user chooses, and a new complete model replacing an unsaved
 * one is asked about too. */
static void
test_cancel_keeps_model (void)
{
  HealerWindow *window = new_window_with_demo ();
  HealerSession *session = healer_window_get_session (window);
  HealerTrainPage *train_page = HEALER_TRAIN_PAGE (healer_test_page (window, HEALER_TYPE_TRAIN_PAGE));
  g_autoptr(GFile) saved = g_file_new_for_path ("/nonexistent/saved.json");
  HealerModel *finished;
  AdwMessageDialog *dialog;
  g_autoptr(GdkTexture) shot = NULL;

  train (window, 4);
  finished = healer_model_ref (healer_session_get_model (session));
  g_assert_cmpuint (finished->history.n_epochs, ==, 4);

  for (guint use_partial = 0; use_partial < 2; use_partial++)
    {
      /* Far more epochs than the cancel can take to arrive, on any machine. */
      healer_test_use_config (window, 50000, 16);
      healer_test_activate_action (GTK_WIDGET (window), "win.train");
      g_assert_true (healer_test_wait_until (healer_test_some_progress, train_page, 60000));
      healer_test_activate_action (GTK_WIDGET (window), "win.cancel");
      g_assert_true (healer_test_wait_until (healer_test_train_stopped, train_page, 60000));
      dialog = healer_test_question (window, "Keep the Current Model?");
      /* Until answered, nothing was replaced. */
      g_assert_true (healer_session_get_model (session) == finished);
      if (!use_partial)
        {
          shot = healer_test_render (GTK_WIDGET (dialog), "keep-cancel-question");
          healer_test_answer (dialog, "_Keep Current Model");
          g_assert_true (healer_session_get_model (session) == finished);
          g_assert_cmpuint (count_labels (GTK_WIDGET (train_page), "The current model is kept", TRUE), ==, 1);
        }
      else
        {
          healer_test_answer (dialog, "_Use Partial Model");
          g_assert_false (healer_model_same_network (healer_session_get_model (session), finished));
          g_assert_cmpuint (healer_session_get_model (session)->history.n_epochs, <, 50000);
        }
      g_assert_cmpstr (healer_train_page_get_status (train_page), ==, "cancelled");
    }

  /* A saved model is replaced by a complete one without a question. */
  g_clear_pointer (&finished, healer_model_unref);
  healer_session_mark_model_saved (session, saved);
  train (window, 3);
  g_assert_null (healer_test_find_dialog ());
  g_assert_cmpuint (healer_session_get_model (session)->history.n_epochs, ==, 3);

  discard_and_close (window);
}

static gboolean
model_saved (gpointer session)
{
  return healer_session_get_model_saved (session);
}

/* Item 4: the quit prompt says what would be lost. */
static void
test_quit_wording (void)
{
  HealerWindow *window = new_window_with_demo ();
  HealerSession *session = healer_window_get_session (window);
  g_autofree char *dir = g_dir_make_tmp ("healer-keep-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "ops.json", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  AdwMessageDialog *dialog;
  g_autoptr(GdkTexture) shot = NULL;

  train (window, 3);
  gtk_window_close (GTK_WINDOW (window));
  healer_test_answer (healer_test_question (window, "Save the Trained Model?"), "_Cancel");

  g_assert_cmpuint (count_labels (healer_test_page (window, HEALER_TYPE_TRAIN_PAGE), "then save the model", TRUE), ==, 1);
  healer_window_save_model_to (window, file);
  g_assert_true (healer_test_wait_until (model_saved, session, 30000));
  /* Item 10: the status line no longer asks for what is done. */
  g_assert_cmpuint (count_labels (healer_test_page (window, HEALER_TYPE_TRAIN_PAGE), "then save the model", TRUE), ==, 0);
  g_assert_cmpuint (count_labels (healer_test_page (window, HEALER_TYPE_TRAIN_PAGE),
                                  "Training finished. The model is saved as “ops.json”.", FALSE), ==, 1);

  /* Only the coverage changed: the prompts say so, not that names changed
   * nor that the whole model would be lost. */
  g_assert_nonnull (healer_session_get_model (session)->calibration);
  healer_session_set_coverage (session, healer_session_get_model (session)->coverage == 0.99 ? 0.95 : 0.99);
  g_assert_false (healer_session_get_model_saved (session));
  g_assert_cmpint (healer_session_get_unsaved (session), ==, HEALER_UNSAVED_COVERAGE);
  gtk_window_close (GTK_WINDOW (window));
  dialog = healer_test_question (window, "Save the Coverage?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "The coverage of the model “ops.json”"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "class names"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "trained in this window"));
  healer_test_answer (dialog, "_Cancel");
  train (window, 2);
  dialog = healer_test_question (window, "Replace the Unsaved Model?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "The coverage chosen for the current model “ops.json”"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "the current model is lost"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "class names"));
  healer_test_answer (dialog, "_Keep Current Model");
  healer_window_save_model_to (window, file);
  g_assert_true (healer_test_wait_until (model_saved, session, 30000));
  g_assert_cmpint (healer_session_get_unsaved (session), ==, HEALER_UNSAVED_NONE);

  healer_session_set_class_name (session, 1, "replica lag");
  g_assert_false (healer_session_get_model_saved (session));
  gtk_window_close (GTK_WINDOW (window));
  dialog = healer_test_question (window, "Save the Class Names?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“ops.json”"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "trained in this window"));
  shot = healer_test_render (GTK_WIDGET (dialog), "keep-quit-class-names");
  healer_test_answer (dialog, "_Discard");
  g_assert_true (healer_test_wait_until (healer_test_no_dialog, NULL, 10000));

  g_unlink (path);
  g_rmdir (dir);
}

static gboolean
match_class_filter (GtkWidget     *widget,
                    gconstpointer  data)
{
  GListModel *items = GTK_IS_DROP_DOWN (widget) ? gtk_drop_down_get_model (GTK_DROP_DOWN (widget)) : NULL;

  return GTK_IS_STRING_LIST (items) && g_list_model_get_n_items (items) > 0 &&
         g_str_equal (gtk_string_list_get_string (GTK_STRING_LIST (items), 0), "All classes");
}

/* The batch table's class filter offers a class called @name. */
static gboolean
class_filter_has (GtkWidget  *diagnose,
                  const char *name)
{
  GtkWidget *filter = healer_test_find_widget (diagnose, match_class_filter, NULL);
  GListModel *items;

  g_assert_nonnull (filter);
  items = gtk_drop_down_get_model (GTK_DROP_DOWN (filter));
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    if (strstr (gtk_string_list_get_string (GTK_STRING_LIST (items), i), name) != NULL)
      return TRUE;
  return FALSE;
}

static GtkRevealer *
stale_banner (HealerWindow *window)
{
  GtkWidget *button = healer_test_find_widget (healer_test_page (window, HEALER_TYPE_DIAGNOSE_PAGE),
                                               healer_test_match_button_label, "Diagnose _Again");

  g_assert_nonnull (button);
  return GTK_REVEALER (gtk_widget_get_ancestor (button, GTK_TYPE_REVEALER));
}

typedef struct
{
  HealerWindow *window;
  HealerModel  *model;
} ResultsOf;

/* The session's results were made by the model asked for, and the page
 * has nothing running. */
static gboolean
results_of (gpointer data)
{
  ResultsOf *r = data;
  HealerResults *results = healer_session_get_results (healer_window_get_session (r->window));
  HealerDiagnosePage *diagnose = HEALER_DIAGNOSE_PAGE (healer_test_page (r->window, HEALER_TYPE_DIAGNOSE_PAGE));

  return results != NULL && !healer_diagnose_page_get_busy (diagnose) &&
         healer_results_get_model (results) != NULL &&
         healer_model_same_network (healer_results_get_model (results), r->model);
}

/* Item 3: results say which model made them; once another model is
 * loaded they are marked stale, and one click diagnoses the file again. */
static void
test_stale_results (void)
{
  HealerWindow *window = new_window_with_demo ();
  HealerSession *session = healer_window_get_session (window);
  GtkWidget *diagnose = healer_test_page (window, HEALER_TYPE_DIAGNOSE_PAGE);
  g_autofree char *dir = g_dir_make_tmp ("healer-keep-XXXXXX", NULL);
  g_autofree char *model_path = g_build_filename (dir, "first.json", NULL);
  g_autofree char *samples_path = g_build_filename (dir, "samples.csv", NULL);
  g_autoptr(GFile) model_file = g_file_new_for_path (model_path);
  g_autoptr(GFile) samples_file = g_file_new_for_path (samples_path);
  g_autoptr(HealerDataset) samples = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) shot = NULL;
  HealerSimulateConfig sim;
  ResultsOf wanted = { window, NULL };

  healer_simulate_config_init_default (&sim);
  sim.n_samples = 80;
  sim.seed = 5;
  samples = healer_simulate (&sim);
  g_assert_true (healer_dataset_save_csv (samples, samples_path, &error));
  g_assert_no_error (error);

  train (window, 3);
  healer_window_save_model_to (window, model_file);
  g_assert_true (healer_test_wait_until (model_saved, session, 30000));
  wanted.model = healer_session_get_model (session);
  healer_window_set_visible_page (window, "diagnose");
  healer_diagnose_page_diagnose_file (HEALER_DIAGNOSE_PAGE (diagnose), samples_file);
  g_assert_true (healer_test_wait_until (results_of, &wanted, 60000));
  g_assert_cmpuint (count_labels (diagnose, "samples.csv: 80 samples", TRUE), ==, 1);
  g_assert_cmpuint (count_labels (diagnose, "by “first.json”", TRUE), ==, 1);
  /* The Results page says it too. */
  g_assert_cmpuint (count_labels (healer_test_page (window, HEALER_TYPE_RESULTS_PAGE), "· by “first.json”", TRUE), ==, 1);
  healer_window_set_visible_page (window, "results");
  shot = healer_test_render (GTK_WIDGET (window), "keep-results-model");
  g_clear_object (&shot);
  healer_window_set_visible_page (window, "diagnose");
  g_assert_false (gtk_revealer_get_reveal_child (stale_banner (window)));

  /* A rename keeps the network: the results stay current. */
  healer_session_set_class_name (session, 2, "network partition");
  g_assert_false (gtk_revealer_get_reveal_child (stale_banner (window)));
  /* And the table's class filter (item 1) takes the name. */
  g_assert_true (class_filter_has (diagnose, "network partition"));

  /* Trained again: the results shown are the old model's, and say so. */
  healer_session_mark_model_saved (session, model_file);
  healer_window_set_visible_page (window, "train");
  train (window, 3);
  g_assert_null (healer_test_find_dialog ());
  healer_window_set_visible_page (window, "diagnose");
  g_assert_true (gtk_revealer_get_reveal_child (stale_banner (window)));
  g_assert_cmpuint (count_labels (diagnose, "These results were made by “first.json”, which is no longer loaded", TRUE), ==, 1);
  shot = healer_test_render (GTK_WIDGET (window), "keep-stale-results");

  /* One click: the same file, by the model loaded now. */
  g_signal_emit_by_name (healer_test_find_widget (diagnose, healer_test_match_button_label, "Diagnose _Again"),
                         "clicked");
  wanted.model = healer_session_get_model (session);
  g_assert_true (healer_test_wait_until (results_of, &wanted, 60000));
  g_assert_false (gtk_revealer_get_reveal_child (stale_banner (window)));
  g_assert_cmpuint (count_labels (diagnose, "samples.csv: 80 samples", TRUE), ==, 1);
  g_assert_cmpuint (count_labels (diagnose, "(not saved)", TRUE), ==, 1);

  discard_and_close (window);
  g_unlink (samples_path);
  g_unlink (model_path);
  g_rmdir (dir);
}

static GtkStack *
stack_with (GtkWidget  *root,
            const char *child_name)
{
  for (GtkWidget *w = gtk_widget_get_first_child (root); w != NULL; w = gtk_widget_get_next_sibling (w))
    {
      GtkStack *found;

      if (GTK_IS_STACK (w) && gtk_stack_get_child_by_name (GTK_STACK (w), child_name) != NULL)
        return GTK_STACK (w);
      if ((found = stack_with (w, child_name)) != NULL)
        return found;
    }
  return NULL;
}

static GtkAdjustment *
vadjustment (GtkWidget *root,
             GType      type)
{
  GtkWidget *view = healer_test_find_widget (root, healer_test_match_type, GSIZE_TO_POINTER (type));

  g_assert_nonnull (view);
  return gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));
}

/* Scrolls @adjustment half way down, and checks it went there. */
static void
scroll_down (GtkWidget     *window,
             GtkAdjustment *adjustment)
{
  healer_test_wait_frame (window);
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment) - gtk_adjustment_get_page_size (adjustment), >, 100);
  gtk_adjustment_set_value (adjustment, (gtk_adjustment_get_upper (adjustment) -
                                         gtk_adjustment_get_page_size (adjustment)) / 2);
  healer_test_wait_frame (window);
  g_assert_cmpfloat (gtk_adjustment_get_value (adjustment), >, 50);
}

static gboolean
at_top (gpointer adjustment)
{
  return gtk_adjustment_get_value (adjustment) == gtk_adjustment_get_lower (adjustment);
}

static gboolean
label_visible (gpointer data)
{
  gpointer *args = data;

  return count_labels (args[0], args[1], FALSE) == 1;
}

static void
write_samples (const char *path,
               gsize       n)
{
  HealerSimulateConfig sim;
  g_autoptr(HealerDataset) samples = NULL;
  g_autoptr(GError) error = NULL;

  healer_simulate_config_init_default (&sim);
  sim.n_samples = n;
  sim.seed = 9;
  samples = healer_simulate (&sim);
  g_assert_true (healer_dataset_save_csv (samples, path, &error));
  g_assert_no_error (error);
}

/* Results made by a model not yet saved name it by its file once it is
 * saved: the same model, so no "(not saved)" is left on either page. */
static void
test_results_model_saved (void)
{
  HealerWindow *window = new_window_with_demo ();
  HealerSession *session = healer_window_get_session (window);
  GtkWidget *diagnose = healer_test_page (window, HEALER_TYPE_DIAGNOSE_PAGE);
  GtkWidget *results = healer_test_page (window, HEALER_TYPE_RESULTS_PAGE);
  g_autofree char *dir = g_dir_make_tmp ("healer-keep-XXXXXX", NULL);
  g_autofree char *model_path = g_build_filename (dir, "later.json", NULL);
  g_autofree char *samples_path = g_build_filename (dir, "samples.csv", NULL);
  g_autoptr(GFile) model_file = g_file_new_for_path (model_path);
  g_autoptr(GFile) samples_file = g_file_new_for_path (samples_path);
  g_autoptr(HealerDataset) samples = NULL;
  g_autoptr(GError) error = NULL;
  HealerSimulateConfig sim;
  ResultsOf wanted = { window, NULL };

  healer_simulate_config_init_default (&sim);
  sim.n_samples = 40;
  sim.seed = 7;
  samples = healer_simulate (&sim);
  g_assert_true (healer_dataset_save_csv (samples, samples_path, &error));
  g_assert_no_error (error);

  train (window, 2);
  wanted.model = healer_session_get_model (session);
  healer_window_set_visible_page (window, "diagnose");
  healer_diagnose_page_diagnose_file (HEALER_DIAGNOSE_PAGE (diagnose), samples_file);
  g_assert_true (healer_test_wait_until (results_of, &wanted, 60000));
  g_assert_cmpuint (count_labels (diagnose, "(not saved)", TRUE), ==, 1);
  g_assert_cmpuint (count_labels (results, "(not saved)", TRUE), ==, 1);

  healer_window_save_model_to (window, model_file);
  g_assert_true (healer_test_wait_until (model_saved, session, 30000));
  g_assert_cmpuint (count_labels (diagnose, "(not saved)", TRUE), ==, 0);
  g_assert_cmpuint (count_labels (diagnose, "samples.csv: 40 samples, ", TRUE), ==, 1);
  g_assert_cmpuint (count_labels (diagnose, "by “later.json”", TRUE), ==, 1);
  g_assert_cmpuint (count_labels (results, "(not saved)", TRUE), ==, 0);
  g_assert_cmpuint (count_labels (results, "· by “later.json”", TRUE), ==, 1);
  g_assert_false (gtk_revealer_get_reveal_child (stale_banner (window)));

  discard_and_close (window);
  g_unlink (samples_path);
  g_unlink (model_path);
  g_rmdir (dir);
}

static gboolean
match_coverage_row (GtkWidget     *widget,
                    gconstpointer  data)
{
  return ADW_IS_COMBO_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), "Prediction Set Coverage") == 0;
}

/* Preferences show the coverage the model has: one made at 80 %
 * (`train --coverage 0.8`) is not shown as the nearest offered 90 %. */
static void
test_coverage_shown (void)
{
  HealerWindow *window = new_window_with_demo ();
  HealerSession *session = healer_window_get_session (window);
  g_autoptr(GFile) file = g_file_new_for_path ("eighty.json");
  g_autoptr(HealerModel) eighty = NULL;
  HealerPreferencesWindow *prefs;
  AdwComboRow *row;
  GListModel *items;

  train (window, 2);
  g_assert_nonnull (healer_session_get_model (session)->calibration);
  eighty = healer_model_with_coverage (healer_session_get_model (session), 0.8);
  healer_session_set_model (session, eighty, file);

  prefs = healer_preferences_window_new (GTK_WINDOW (window));
  gtk_window_present (GTK_WINDOW (prefs));
  healer_test_wait_frame (GTK_WIDGET (prefs));
  row = ADW_COMBO_ROW (healer_test_find_widget (GTK_WIDGET (prefs), match_coverage_row, NULL));
  g_assert_nonnull (row);
  items = adw_combo_row_get_model (row);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (items), adw_combo_row_get_selected (row)),
                   ==, "80 % (from the model file)");
  /* Showing it changes nothing. */
  g_assert_true (healer_session_get_model (session) == eighty);
  g_assert_true (healer_session_get_model_saved (session));

  /* Choosing an offered coverage leaves no stale extra item. */
  adw_combo_row_set_selected (row, 1);
  g_assert_cmpfloat_with_epsilon (healer_session_get_model (session)->coverage, 0.95, 1e-9);
  g_assert_cmpuint (g_list_model_get_n_items (items), ==, 3);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (items), adw_combo_row_get_selected (row)),
                   ==, "95 %");

  healer_test_destroy (GTK_WINDOW (prefs));
  discard_and_close (window);
}

static gboolean
calibrating (gpointer train_page)
{
  return count_labels (train_page, "Calibration fold ", TRUE) > 0;
}

/* Cancelled while its calibration folds train, a run's model is complete:
 * the question says so, and does not call it partly trained. */
static void
test_cancel_cross_fitting (void)
{
  HealerWindow *window = new_window_with_demo ();
  HealerSession *session = healer_window_get_session (window);
  GtkWidget *train_page = healer_test_page (window, HEALER_TYPE_TRAIN_PAGE);
  g_autoptr(HealerModel) finished = NULL;
  AdwMessageDialog *dialog;

  train (window, 3);
  /* Held: once replaced, the session and the pages let it go. */
  finished = healer_model_ref (healer_session_get_model (session));

  healer_test_use_config (window, 3000, 16);
  healer_test_activate_action (GTK_WIDGET (window), "win.train");
  g_assert_true (healer_test_wait_until (calibrating, train_page, 120000));
  healer_test_activate_action (GTK_WIDGET (window), "win.cancel");
  g_assert_true (healer_test_wait_until (healer_test_train_stopped, train_page, 60000));
  dialog = healer_test_question (window, "Keep the Current Model?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "completely trained but has no out-of-fold estimate"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "partly"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "partial"));
  g_assert_null (healer_test_find_widget (GTK_WIDGET (dialog), healer_test_match_button_label, "_Use Partial Model"));
  healer_test_answer (dialog, "_Use New Model");
  g_assert_false (healer_model_same_network (healer_session_get_model (session), finished));
  g_assert_cmpuint (healer_session_get_model (session)->history.n_epochs, ==, 3000);
  g_assert_cmpuint (count_labels (train_page, "partly", TRUE), ==, 0);

  discard_and_close (window);
}

typedef struct {
  GtkWidget  *root;
  const char *text;
} LabelWait;

static gboolean
label_shown (gpointer data)
{
  LabelWait *wait = data;

  return count_labels (wait->root, wait->text, FALSE) > 0;
}

/* The Data page names the classes as the model does only when the data
 * has the model's classes: on a file with other classes, label 0 may be
 * another fault, and is called "class 0". */
static void
test_data_page_class_names (void)
{
  HealerWindow *window = new_window_with_demo ();
  HealerSession *session = healer_window_get_session (window);
  GtkWidget *data_page = healer_test_page (window, HEALER_TYPE_DATA_PAGE);
  g_autoptr(HealerDataset) demo = NULL;
  g_autoptr(HealerDataset) other = NULL;
  HealerSimulateConfig sim;

  train (window, 2);
  demo = healer_dataset_ref (healer_session_get_dataset (session));
  healer_session_set_class_name (session, 0, "disk fault");
  healer_window_set_visible_page (window, "data");
  g_assert_true (healer_test_wait_until (label_shown, &(LabelWait) { data_page, "disk fault" }, 30000));

  /* Three classes where the model has more. */
  healer_simulate_config_init_default (&sim);
  sim.n_samples = 60;
  sim.n_classes = 3;
  sim.seed = 9;
  other = healer_simulate (&sim);
  healer_session_set_dataset (session, other, NULL);
  g_assert_true (healer_test_wait_until (label_shown, &(LabelWait) { data_page, "class 0" }, 30000));
  g_assert_cmpuint (count_labels (data_page, "disk fault", FALSE), ==, 0);

  /* The model's own classes again: its names again. */
  healer_session_set_dataset (session, demo, NULL);
  g_assert_true (healer_test_wait_until (label_shown, &(LabelWait) { data_page, "disk fault" }, 30000));
  g_assert_cmpuint (count_labels (data_page, "class 0", FALSE), ==, 0);

  discard_and_close (window);
}

/* Item 6: every sortable or filterable table shows its first row after a
 * sort or a filter: the Diagnose table, the One Sample KPI list, the Data
 * page's KPI table. */
static void
test_scroll_to_top (void)
{
  HealerWindow *window = new_window_with_demo ();
  HealerSession *session = healer_window_get_session (window);
  GtkWidget *diagnose = healer_test_page (window, HEALER_TYPE_DIAGNOSE_PAGE);
  g_autofree char *dir = g_dir_make_tmp ("healer-keep-XXXXXX", NULL);
  g_autofree char *samples_path = g_build_filename (dir, "many.csv", NULL);
  g_autoptr(GFile) samples_file = g_file_new_for_path (samples_path);
  ResultsOf wanted = { window, NULL };
  GtkColumnView *table;
  GtkAdjustment *adjustment;
  GtkWidget *search;
  gpointer no_match[2];

  write_samples (samples_path, 300);
  train (window, 3);
  wanted.model = healer_session_get_model (session);
  healer_window_set_visible_page (window, "diagnose");
  healer_diagnose_page_diagnose_file (HEALER_DIAGNOSE_PAGE (diagnose), samples_file);
  g_assert_true (healer_test_wait_until (results_of, &wanted, 60000));

  /* The results: a sort by a column, then a filter. */
  table = GTK_COLUMN_VIEW (healer_test_find_widget (diagnose, healer_test_match_type,
                                                    GSIZE_TO_POINTER (GTK_TYPE_COLUMN_VIEW)));
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (table));
  scroll_down (GTK_WIDGET (window), adjustment);
  {
    g_autoptr(GtkColumnViewColumn) confidence = g_list_model_get_item (gtk_column_view_get_columns (table), 2);

    gtk_column_view_sort_by_column (table, confidence, GTK_SORT_ASCENDING);
  }
  healer_test_wait_frame (GTK_WIDGET (window));
  g_assert_true (at_top (adjustment));
  scroll_down (GTK_WIDGET (window), adjustment);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (healer_test_find_widget (diagnose, healer_test_match_type,
                                                                          GSIZE_TO_POINTER (GTK_TYPE_CHECK_BUTTON))),
                               TRUE);
  healer_test_wait_frame (GTK_WIDGET (window));
  g_assert_true (at_top (adjustment));

  /* One Sample's KPI list, filtered by its search. */
  gtk_stack_set_visible_child_name (stack_with (diagnose, "sample"), "sample");
  adjustment = vadjustment (diagnose, GTK_TYPE_LIST_VIEW);
  scroll_down (GTK_WIDGET (window), adjustment);
  search = healer_test_find_widget (diagnose, healer_test_match_type, GSIZE_TO_POINTER (GTK_TYPE_SEARCH_ENTRY));
  gtk_editable_set_text (GTK_EDITABLE (search), "9");
  g_assert_true (healer_test_wait_until (at_top, adjustment, 10000));
  healer_test_wait_frame (GTK_WIDGET (window));
  g_assert_true (at_top (adjustment));
  g_assert_cmpfloat (gtk_adjustment_get_upper (adjustment), >, gtk_adjustment_get_page_size (adjustment));

  /* Item 10: a search that matches nothing says so. */
  gtk_editable_set_text (GTK_EDITABLE (search), "no such kpi");
  no_match[0] = diagnose;
  no_match[1] = (gpointer) "No KPI name contains “no such kpi”.";
  g_assert_true (healer_test_wait_until (label_visible, no_match, 10000));
  gtk_editable_set_text (GTK_EDITABLE (search), "");

  /* The Data page's KPI table, sorted by a header. */
  healer_window_set_visible_page (window, "data");
  table = GTK_COLUMN_VIEW (healer_test_find_widget (healer_test_page (window, HEALER_TYPE_DATA_PAGE), healer_test_match_type,
                                                    GSIZE_TO_POINTER (GTK_TYPE_COLUMN_VIEW)));
  adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (table));
  scroll_down (GTK_WIDGET (window), adjustment);
  {
    g_autoptr(GtkColumnViewColumn) max = g_list_model_get_item (gtk_column_view_get_columns (table), 3);

    gtk_column_view_sort_by_column (table, max, GTK_SORT_DESCENDING);
  }
  healer_test_wait_frame (GTK_WIDGET (window));
  g_assert_true (at_top (adjustment));

  discard_and_close (window);
  g_unlink (samples_path);
  g_rmdir (dir);
}

static gboolean
match_toast (GtkWidget     *widget,
             gconstpointer  data)
{
  return g_str_equal (G_OBJECT_TYPE_NAME (widget), "AdwToastWidget");
}

static gboolean
result_shown (gpointer diagnose)
{
  return g_strcmp0 (gtk_stack_get_visible_child_name (stack_with (diagnose, "result")), "result") == 0;
}

static gboolean
match_text (GtkWidget     *widget,
            gconstpointer  text)
{
  return GTK_IS_EDITABLE (widget) && !GTK_IS_TEXT (widget) &&
         g_str_equal (gtk_editable_get_text (GTK_EDITABLE (widget)), text);
}

/* Neither overlaps the other in @window. */
static void
assert_apart (GtkWidget *window,
              GtkWidget *a,
              GtkWidget *b)
{
  graphene_rect_t ra, rb;

  g_assert_true (gtk_widget_compute_bounds (a, window, &ra));
  g_assert_true (gtk_widget_compute_bounds (b, window, &rb));
  if (graphene_rect_intersection (&ra, &rb, NULL))
    g_error ("%s at %g,%g %gx%g overlaps %s at %g,%g %gx%g", G_OBJECT_TYPE_NAME (a), ra.origin.x, ra.origin.y, ra.size.width, ra.size.height, G_OBJECT_TYPE_NAME (b), rb.origin.x, rb.origin.y, rb.size.width, rb.size.height);
}

/* Items 10 and 17: a pasted row is shown as typed; Clear clears the
 * diagnosis too; a toast covers neither of the form's buttons. */
static void
test_one_sample (void)
{
  HealerWindow *window = new_window_with_demo ();
  HealerSession *session = healer_window_get_session (window);
  GtkWidget *diagnose = healer_test_page (window, HEALER_TYPE_DIAGNOSE_PAGE);
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(GdkTexture) shot = NULL;
  HealerModel *model;
  GtkWidget *toast;

  train (window, 3);
  model = healer_session_get_model (session);
  healer_window_set_visible_page (window, "diagnose");
  for (guint j = 0; j < model->preprocessor->n_input; j++)
    g_string_append_printf (text, "%s%s", j > 0 ? "," : "", model->preprocessor->input_names[j]);
  g_string_append_c (text, '\n');
  for (guint j = 0; j < model->preprocessor->n_input; j++)
    g_string_append_printf (text, "%s%s", j > 0 ? "," : "", j == 0 ? "288358.4" : j == 1 ? "0.1" : "17");
  healer_diagnose_page_diagnose_text (HEALER_DIAGNOSE_PAGE (diagnose), text->str);
  g_assert_true (healer_test_wait_until (result_shown, diagnose, 30000));
  healer_test_wait_frame (GTK_WIDGET (window));
  g_assert_nonnull (healer_test_find_widget (diagnose, match_text, "288358.4"));
  g_assert_nonnull (healer_test_find_widget (diagnose, match_text, "0.1"));
  g_assert_null (healer_test_find_widget (diagnose, match_text, "288358.406"));

  /* A toast, at phone width too, leaves the buttons free. */
  for (guint narrow = 0; narrow < 2; narrow++)
    {
      if (narrow)
        healer_test_resize (GTK_WINDOW (window), 360, 720);
      healer_window_toast (window, "A toast over the page");
      healer_test_wait_frame (GTK_WIDGET (window));
      toast = healer_test_find_widget (GTK_WIDGET (window), match_toast, NULL);
      g_assert_nonnull (toast);
      /* The page gives up the strip the toast takes, so it covers nothing
       * of any page; the buttons are on the page (at phone width, perhaps
       * scrolled below its visible part). */
      assert_apart (GTK_WIDGET (window), toast,
                    gtk_widget_get_ancestor (diagnose, ADW_TYPE_VIEW_STACK));
      if (!narrow)
        {
          assert_apart (GTK_WIDGET (window), toast,
                        healer_test_find_widget (diagnose, healer_test_match_button_label, "_Diagnose Sample"));
          assert_apart (GTK_WIDGET (window), toast,
                        healer_test_find_widget (diagnose, healer_test_match_button_label, "Use _Pasted Row"));
        }
      if (!narrow)
        shot = healer_test_render (GTK_WIDGET (window), "keep-one-sample-toast");
    }

  /* Clear: the values, the pasted text and the diagnosis of them. */
  g_signal_emit_by_name (healer_test_find_widget (diagnose, healer_test_match_button_label, "_Clear"), "clicked");
  g_assert_false (result_shown (diagnose));
  g_assert_null (healer_test_find_widget (diagnose, match_text, "288358.4"));

  discard_and_close (window);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  healer_test_gui_init (&argc, &argv);
  app = healer_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  g_test_add_func ("/keep/class-names", test_class_names_kept);
  g_test_add_func ("/keep/cancel", test_cancel_keeps_model);
  g_test_add_func ("/keep/quit-wording", test_quit_wording);
  g_test_add_func ("/keep/stale-results", test_stale_results);
  g_test_add_func ("/keep/results-model-saved", test_results_model_saved);
  g_test_add_func ("/keep/coverage-shown", test_coverage_shown);
  g_test_add_func ("/keep/cancel-cross-fitting", test_cancel_cross_fitting);
  g_test_add_func ("/keep/data-page-class-names", test_data_page_class_names);
  g_test_add_func ("/keep/scroll-to-top", test_scroll_to_top);
  g_test_add_func ("/keep/one-sample", test_one_sample);

  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
