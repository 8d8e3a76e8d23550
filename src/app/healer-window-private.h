/* healer-window-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-data-page.h"
#include "healer-diagnose-page.h"
#include "healer-page.h"
#include "healer-results-page.h"
#include "healer-train-page.h"
#include "healer-window.h"

G_BEGIN_DECLS

struct _HealerWindow
{
  AdwApplicationWindow  parent_instance;

  HealerSession        *session;
  GSettings            *settings;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwViewStack         *stack;
  HealerDataPage       *data_page;
  HealerTrainPage      *train_page;
  HealerDiagnosePage   *diagnose_page;
  HealerResultsPage    *results_page;

  /* The window watches the session, and the page on show, through signal
   * groups (as GNOME Text Editor's window watches its pages): connected
   * once, the target swapped in when the visible page changes. */
  GSignalGroup         *session_signals;
  GSignalGroup         *page_signals;

  GtkWindow            *close_question;   /* weak: the question asked before closing */
  guint                 n_toasts;         /* shown or waiting */
  guint                 close_confirmed : 1;
};

void _healer_window_class_actions_init (HealerWindowClass *klass);
void _healer_window_actions_update     (HealerWindow      *self);
void _healer_window_save_model         (HealerWindow      *self,
                                        gboolean           then_close);
void _healer_window_show_error_message (HealerWindow      *self,
                                        const char        *heading,
                                        const char        *message);

G_END_DECLS
