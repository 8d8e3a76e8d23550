/* test-keep.c — the operator's work is kept: class names across a retrain,
 * a finished model across a cancelled run, the quit prompt's wording
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "healer-application.h"
#include "healer-preferences-window.h"
#include "healer-simulate.h"
#include "healer-test-gui.h"
#include "healer-train-page.h"
#include "healer-window.h"

static HealerApplication *app;

static GtkWidget *
page (HealerWindow *window,
      GType         type)
{
  GtkWidget *found = healer_test_find_widget (GTK_WIDGET (window), healer_test_match_type,
                                              GSIZE_TO_POINTER (type));

  g_assert_nonnull (found);
  return found;
}

static gboolean
has_dataset (gpointer window)
{
  return healer_session_get_dataset (healer_window_get_session (window)) != NULL;
}

static gboolean
train_stopped (gpointer train_page)
{
  return !healer_train_page_get_running (train_page);
}

static gboolean
some_progress (gpointer train_page)
{
  GtkWidget *bar = healer_test_find_widget (train_page, healer_test_match_type,
                                            GSIZE_TO_POINTER (GTK_TYPE_PROGRESS_BAR));

  return bar != NULL && gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)) > 0.0;
}

static AdwMessageDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return find_dialog () != NULL;
}

static gboolean
no_dialog (gpointer data)
{
  return find_dialog () == NULL;
}

/* The question asked: modal, on top of @window. */
static AdwMessageDialog *
question (HealerWindow *window,
          const char   *heading)
{
  AdwMessageDialog *dialog;

  g_assert_true (healer_test_wait_until (dialog_shown, NULL, 30000));
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  return dialog;
}

static void
answer (AdwMessageDialog *dialog,
        const char       *label)
{
  GtkWidget *button = healer_test_find_widget (GTK_WIDGET (dialog), healer_test_match_button_label, label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (healer_test_wait_until (no_dialog, NULL, 10000));
}

static void
use_config (HealerWindow *window,
            guint         epochs)
{
  HealerTrainPage *train = HEALER_TRAIN_PAGE (page (window, HEALER_TYPE_TRAIN_PAGE));
  HealerTrainSettings *settings = healer_train_page_get_settings (train);
  g_autoptr(GError) error = NULL;
  HealerTrainConfig config;

  healer_train_settings_apply_preset (settings, HEALER_TRAIN_PRESET_FAST);
  g_assert_true (healer_train_settings_get_config (settings, &config, &error));
  g_assert_no_error (error);
  config.epochs = epochs;
  config.patience = 0;
  config.ensemble = 1;
  healer_train_settings_set_config (settings, &config);
}

/* Trains @epochs epochs to the end; returns when the run has ended. */
static void
train (HealerWindow *window,
       guint         epochs)
{
  HealerTrainPage *train_page = HEALER_TRAIN_PAGE (page (window, HEALER_TYPE_TRAIN_PAGE));

  use_config (window, epochs);
  healer_test_activate_action (GTK_WIDGET (window), "win.train");
  g_assert_true (healer_train_page_get_running (train_page));
  g_assert_true (healer_test_wait_until (train_stopped, train_page, 120000));
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
  g_assert_true (healer_test_wait_until (has_dataset, window, 30000));
  healer_window_set_visible_page (window, "train");
  return window;
}

static void
discard_and_close (HealerWindow *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_close (GTK_WINDOW (window));
  if (window != NULL && find_dialog () != NULL)
    answer (find_dialog (), "_Discard");
  g_assert_true (healer_test_wait_until (healer_test_is_null, &window, 30000));
}

/* Class 0 is called @name wherever the model is shown: the Train page's
 * per-class table, the confusion matrix (drawn from the summary's model)
 * and Preferences. */
static void
assert_named (HealerWindow *window,
              const char   *name)
{
  HealerTrainSummary *summary = healer_train_page_get_summary (HEALER_TRAIN_PAGE (page (window, HEALER_TYPE_TRAIN_PAGE)));
  HealerPreferencesWindow *prefs;
  GtkWidget *row;

  g_assert_cmpstr (healer_train_summary_get_model (summary)->class_names[0], ==, name);
  g_assert_cmpuint (count_labels (GTK_WIDGET (summary), name, FALSE), >=, 1);
  g_assert_cmpuint (count_labels (GTK_WIDGET (summary), g_str_equal (name, "class 0") ? "disk fault" : "class 0", FALSE), ==, 0);

  prefs = healer_preferences_window_new (GTK_WINDOW (window));
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
  GtkWidget *train_page = page (window, HEALER_TYPE_TRAIN_PAGE);
  HealerModel *first, *second;
  HealerSimulateConfig sim;
  g_autoptr(HealerDataset) other = NULL;
  g_autoptr(GdkTexture) shot = NULL;

  train (window, 3);
  first = healer_session_get_model (session);
  g_assert_nonnull (first);
  g_assert_cmpstr (first->class_names[0], ==, "class 0");
  healer_session_set_class_name (session, 0, "disk fault");
  assert_named (window, "disk fault");

  /* Again on the same data: the new model replaces an unsaved one, so
   * the user is asked; the new model has the name. */
  train (window, 3);
  answer (question (window, "Replace the Unsaved Model?"), "_Use New Model");
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
  answer (question (window, "Replace the Unsaved Model?"), "_Use New Model");
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
  HealerTrainPage *train_page = HEALER_TRAIN_PAGE (page (window, HEALER_TYPE_TRAIN_PAGE));
  g_autoptr(GFile) saved = g_file_new_for_path ("/nonexistent/saved.json");
  HealerModel *finished;
  AdwMessageDialog *dialog;
  g_autoptr(GdkTexture) shot = NULL;

  train (window, 4);
  finished = healer_model_ref (healer_session_get_model (session));
  g_assert_cmpuint (finished->history.n_epochs, ==, 4);

  for (guint use_partial = 0; use_partial < 2; use_partial++)
    {
      use_config (window, 5000);
      healer_test_activate_action (GTK_WIDGET (window), "win.train");
      g_assert_true (healer_test_wait_until (some_progress, train_page, 60000));
      healer_test_activate_action (GTK_WIDGET (window), "win.cancel");
      g_assert_true (healer_test_wait_until (train_stopped, train_page, 60000));
      dialog = question (window, "Keep the Current Model?");
      /* Until answered, nothing was replaced. */
      g_assert_true (healer_session_get_model (session) == finished);
      if (!use_partial)
        {
          shot = healer_test_render (GTK_WIDGET (dialog), "keep-cancel-question");
          answer (dialog, "_Keep Current Model");
          g_assert_true (healer_session_get_model (session) == finished);
          g_assert_cmpuint (count_labels (GTK_WIDGET (train_page), "The current model is kept", TRUE), ==, 1);
        }
      else
        {
          answer (dialog, "_Use Partial Model");
          g_assert_false (healer_model_same_network (healer_session_get_model (session), finished));
          g_assert_cmpuint (healer_session_get_model (session)->history.n_epochs, <, 5000);
        }
      g_assert_cmpstr (healer_train_page_get_status (train_page), ==, "cancelled");
    }

  /* A saved model is replaced by a complete one without a question. */
  g_clear_pointer (&finished, healer_model_unref);
  healer_session_mark_model_saved (session, saved);
  train (window, 3);
  g_assert_null (find_dialog ());
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
  answer (question (window, "Save the Trained Model?"), "_Cancel");

  healer_window_save_model_to (window, file);
  g_assert_true (healer_test_wait_until (model_saved, session, 30000));
  healer_session_set_class_name (session, 1, "replica lag");
  g_assert_false (healer_session_get_model_saved (session));
  gtk_window_close (GTK_WINDOW (window));
  dialog = question (window, "Save the Class Names?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "“ops.json”"));
  g_assert_null (strstr (adw_message_dialog_get_body (dialog), "trained in this window"));
  shot = healer_test_render (GTK_WIDGET (dialog), "keep-quit-class-names");
  answer (dialog, "_Discard");
  g_assert_true (healer_test_wait_until (no_dialog, NULL, 10000));

  g_unlink (path);
  g_rmdir (dir);
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

  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
