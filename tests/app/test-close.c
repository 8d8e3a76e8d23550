/* test-close.c — closing the window or quitting, in every combination of a
 * running training and an unsaved model
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-application.h"
#include "healer-test-app.h"
#include "healer-test-gui.h"
#include "healer-train-page.h"
#include "healer-window.h"

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

/* Clicks the button labelled @label, as the user would: the dialog
 * answers and closes. */

/* Closing or quitting, in every combination of a running training and an
 * unsaved model: it asks what it must, and "Stop and Close" stops the
 * training at once, whatever is asked next. */
static void
test_close (gconstpointer data)
{
  const CloseCase *c = data;
  HealerWindow *window = healer_window_new (ADW_APPLICATION (app));
  HealerSession *session = healer_window_get_session (window);
  HealerTrainPage *train = HEALER_TRAIN_PAGE (healer_test_page (window, HEALER_TYPE_TRAIN_PAGE));
  HealerModel *earlier = NULL;
  AdwMessageDialog *dialog;
  /* A 5000-epoch run lasts minutes: ending within this, it was stopped. */
  const guint stop_ms = 15000;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_object_add_weak_pointer (G_OBJECT (train), (gpointer *) &train);
  healer_test_show (GTK_WIDGET (window), 1100, 760);
  healer_test_activate_action (GTK_WIDGET (window), "win.demo-data");
  g_assert_true (healer_test_wait_until (healer_test_has_dataset, window, 30000));

  if (c->unsaved)
    {
      healer_test_use_config (window, 3, 0);
      healer_test_activate_action (GTK_WIDGET (window), "win.train");
      g_assert_true (healer_test_wait_until (healer_test_train_stopped, train, 60000));
      earlier = healer_session_get_model (session);
      g_assert_nonnull (earlier);
      g_assert_false (healer_session_get_model_saved (session));
    }
  if (c->running)
    {
      healer_test_use_config (window, 5000, 0);
      healer_test_activate_action (GTK_WIDGET (window), "win.train");
      g_assert_true (healer_test_wait_until (healer_test_some_progress, train, 60000));

      /* "Keep Training": nothing happens. */
      ask_to_close (window, c);
      dialog = healer_test_question (window, "Stop Training?");
      /* Asking again shows the same question, not a second one. */
      ask_to_close (window, c);
      g_assert_true (healer_test_find_dialog () == dialog);
      healer_test_answer (dialog, "_Keep Training");
      g_assert_nonnull (window);
      g_assert_true (healer_train_page_get_running (train));
      g_assert_false (healer_train_page_get_stopping (train));

      /* "Stop and Close": stopped now, not when the window goes. */
      ask_to_close (window, c);
      dialog = healer_test_question (window, "Stop Training?");
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
      dialog = healer_test_question (window, "Save the Trained Model?");
      g_assert_true (healer_test_wait_until (healer_test_train_stopped, train, stop_ms));
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
      healer_test_answer (dialog, "_Cancel");
      g_assert_nonnull (window);
      g_assert_true (healer_session_get_model (session) == earlier);

      ask_to_close (window, c);
      healer_test_answer (healer_test_question (window, "Save the Trained Model?"), "_Discard");
    }
  else if (!c->running)
    ask_to_close (window, c);

  g_assert_true (healer_test_wait_until (healer_test_is_null, &window, 10000));
  g_assert_null (healer_test_find_dialog ());
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
