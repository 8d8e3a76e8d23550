/* healer-test-app.h — what the tests of the whole window share: finding
 * its pages, waiting for its work, answering its questions
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-test-gui.h"
#include "healer-train-page.h"
#include "healer-window.h"

static inline GtkWidget *
healer_test_page (HealerWindow *window,
                  GType         type)
{
  GtkWidget *found = healer_test_find_widget (GTK_WIDGET (window), healer_test_match_type,
                                              GSIZE_TO_POINTER (type));

  g_assert_nonnull (found);
  return found;
}

/* Predicates for healer_test_wait_until(). */
static inline gboolean
healer_test_has_dataset (gpointer window)
{
  return healer_session_get_dataset (healer_window_get_session (window)) != NULL;
}

static inline gboolean
healer_test_train_stopped (gpointer train_page)
{
  return !healer_train_page_get_running (train_page);
}

/* The Train page shows its cross-validated estimate. */
static inline gboolean
healer_test_estimate_shown (gpointer train_page)
{
  GtkWidget *label = healer_test_find_widget (train_page, healer_test_match_name, "estimate-value");

  return label != NULL && gtk_widget_get_visible (label);
}

static inline gboolean
healer_test_some_progress (gpointer train_page)
{
  GtkWidget *bar = healer_test_find_widget (train_page, healer_test_match_type,
                                            GSIZE_TO_POINTER (GTK_TYPE_PROGRESS_BAR));

  return bar != NULL && gtk_progress_bar_get_fraction (GTK_PROGRESS_BAR (bar)) > 0.0;
}

/* The message dialog shown now, or NULL. */
static inline AdwMessageDialog *
healer_test_find_dialog (void)
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

static inline gboolean
healer_test_dialog_shown (gpointer data)
{
  return healer_test_find_dialog () != NULL;
}

static inline gboolean
healer_test_no_dialog (gpointer data)
{
  return healer_test_find_dialog () == NULL;
}

/* The question the window asks now, modal and transient for @window,
 * whose heading must be @heading. */
static inline AdwMessageDialog *
healer_test_question (HealerWindow *window,
                      const char   *heading)
{
  AdwMessageDialog *dialog;

  g_assert_true (healer_test_wait_until (healer_test_dialog_shown, NULL, 30000));
  dialog = healer_test_find_dialog ();
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==, heading);
  g_assert_true (gtk_window_get_modal (GTK_WINDOW (dialog)));
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));
  return dialog;
}

/* Clicks @label in @dialog and waits for it to go. */
static inline void
healer_test_answer (AdwMessageDialog *dialog,
                    const char       *label)
{
  GtkWidget *button = healer_test_find_widget (GTK_WIDGET (dialog), healer_test_match_button_label, label);

  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  g_assert_true (healer_test_wait_until (healer_test_no_dialog, NULL, 10000));
}

/* The Fast preset for @epochs epochs, one network, no early stop; with
 * @hidden > 0, one hidden layer of that many units (small, so a test
 * stays quick under the sanitizers when what it tests is what the window
 * does with the models, not how good they are). */
static inline void
healer_test_use_config (HealerWindow *window,
                        guint         epochs,
                        guint         hidden)
{
  HealerTrainPage *train = HEALER_TRAIN_PAGE (healer_test_page (window, HEALER_TYPE_TRAIN_PAGE));
  HealerTrainSettings *settings = healer_train_page_get_settings (train);
  g_autoptr(GError) error = NULL;
  HealerTrainConfig config;

  healer_train_settings_apply_preset (settings, HEALER_TRAIN_PRESET_FAST);
  g_assert_true (healer_train_settings_get_config (settings, &config, &error));
  g_assert_no_error (error);
  config.epochs = epochs;
  config.patience = 0;
  config.ensemble = 1;
  if (hidden > 0)
    {
      config.n_hidden = 1;
      config.hidden[0] = hidden;
    }
  healer_train_settings_set_config (settings, &config);
}
