/* test-close.c — closing the window or quitting, in every combination of a
 * running training and an unsaved model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-application.h"
#include "healer-test-gui.h"
#include "healer-train-page.h"
#include "healer-window.h"

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

static gboolean
no_dialog (gpointer data)
{
  return find_dialog () == NULL;
}

typedef struct
{
  gboolean quit;      /* app.quit (Ctrl+Q), or closing the window */
  gboolean running;   /* a training is running */
  gboolean unsaved;   /* an earlier trained model is unsaved */
} CloseCase;

static HealerApplication *app;

static void
ask_to_close (HealerWindow    *window,
              const CloseCase *c)
{
  if (c->quit)
    g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  else
    gtk_window_close (GTK_WINDOW (window));
}

/* The question the window asks before it closes: on top of the window and
 * answered before anything else. */
static AdwMessageDialog *
question (HealerWindow *window,
          const char   *heading)
{
  AdwMessageDialog *dialog;

  g_assert_true (healer_test_wait_until (dialog_shown, NULL, 10000));
  dialog = find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  return dialog;
}

/* Clicks the button labelled @label, as the user would: the dialog
 * answers and closes. */
static void
answer (AdwMessageDialog *dialog,
        const char       *label)
{
  GtkWidget *button = healer_test_find_widget (GTK_WIDGET (dialog), healer_test_match_button_label, label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (healer_test_wait_until (no_dialog, NULL, 10000));
}

/* Closing or quitting, in every combination of a running training and an
 * unsaved model: it asks what it must, and "Stop and Close" stops the
 * training at once, whatever is asked next. */
static void
test_close (gconstpointer data)
{
  const CloseCase *c = data;
  HealerWindow *window = healer_window_new (ADW_APPLICATION (app));
  HealerSession *session = healer_window_get_session (window);
  HealerTrainPage *train = HEALER_TRAIN_PAGE (page (window, HEALER_TYPE_TRAIN_PAGE));
  HealerModel *earlier = NULL;
  AdwMessageDialog *dialog;
  /* A 5000-epoch run lasts minutes: ending within this, it was stopped. */
  const guint stop_ms = 15000;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_object_add_weak_pointer (G_OBJECT (train), (gpointer *) &train);
  healer_test_show (GTK_WIDGET (window), 1100, 760);
  healer_test_activate_action (GTK_WIDGET (window), "win.demo-data");
  g_assert_true (healer_test_wait_until (has_dataset, window, 30000));

  if (c->unsaved)
    {
      use_config (window, 3);
      healer_test_activate_action (GTK_WIDGET (window), "win.train");
      g_assert_true (healer_test_wait_until (train_stopped, train, 60000));
      earlier = healer_session_get_model (session);
      g_assert_nonnull (earlier);
      g_assert_false (healer_session_get_model_saved (session));
    }
  if (c->running)
    {
      use_config (window, 5000);
      healer_test_activate_action (GTK_WIDGET (window), "win.train");
      g_assert_true (healer_test_wait_until (some_progress, train, 60000));

      /* "Keep Training": nothing happens. */
      ask_to_close (window, c);
      dialog = question (window, "Stop Training?");
      /* Asking again shows the same question, not a second one. */
      ask_to_close (window, c);
      g_assert_true (find_dialog () == dialog);
      answer (dialog, "_Keep Training");
      g_assert_nonnull (window);
      g_assert_true (healer_train_page_get_running (train));
      g_assert_false (healer_train_page_get_stopping (train));

      /* "Stop and Close": stopped now, not when the window goes. */
      ask_to_close (window, c);
      dialog = question (window, "Stop Training?");
      g_signal_emit_by_name (healer_test_find_widget (GTK_WIDGET (dialog), healer_test_match_button_label,
                                                      "_Stop and Close"), "clicked");
      g_assert_true (healer_train_page_get_stopping (train));
    }

  if (c->unsaved)
    {
      /* The earlier model is asked about: the stopped run goes on neither
       * while the question waits nor into the session when it ends. */
      if (!c->running)
        ask_to_close (window, c);
      dialog = question (window, "Save the Trained Model?");
      g_assert_true (healer_test_wait_until (train_stopped, train, stop_ms));
      g_assert_true (healer_session_get_model (session) == earlier);
      g_assert_false (healer_session_get_model_saved (session));
      g_assert_cmpuint (earlier->history.n_epochs, ==, 3);
      if (c->running)
        {
          g_assert_cmpstr (healer_train_page_get_status (train), ==, "cancelled");
          if (!c->quit)
            {
              g_autoptr(GdkTexture) page_shot = healer_test_render (GTK_WIDGET (train), "close-stopped-train-page");
              g_autoptr(GdkTexture) dialog_shot = healer_test_render (GTK_WIDGET (dialog), "close-save-question");
            }
        }

      /* "Cancel": the window stays, with its model. */
      answer (dialog, "_Cancel");
      g_assert_nonnull (window);
      g_assert_true (healer_session_get_model (session) == earlier);

      ask_to_close (window, c);
      answer (question (window, "Save the Trained Model?"), "_Discard");
    }
  else if (!c->running)
    ask_to_close (window, c);

  g_assert_true (healer_test_wait_until (healer_test_is_null, &window, 10000));
  g_assert_null (find_dialog ());
  /* The page goes when its run has ended and let it go. */
  g_assert_true (healer_test_wait_until (healer_test_is_null, &train, stop_ms));
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  healer_test_gui_init (&argc, &argv);
  /* For app.quit, as Ctrl+Q sends it. Not unique: nothing to do with a
   * SystemHealer the developer may have running. */
  app = healer_application_new ();
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE | G_APPLICATION_HANDLES_OPEN);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, NULL));

  for (guint i = 0; i < 8; i++)
    {
      static CloseCase cases[8];
      g_autofree char *path = NULL;

      cases[i] = (CloseCase) { .quit = i & 1, .running = (i >> 1) & 1, .unsaved = (i >> 2) & 1 };
      path = g_strdup_printf ("/close/%s/%s/%s", cases[i].quit ? "quit" : "close-window",
                              cases[i].running ? "running" : "idle",
                              cases[i].unsaved ? "unsaved-model" : "no-unsaved-model");
      g_test_add_data_func (path, &cases[i], test_close);
    }


  ret = g_test_run ();
  g_clear_object (&app);
  return ret;
}
