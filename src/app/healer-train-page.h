/* healer-train-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-session.h"
#include "healer-train-settings.h"
#include "healer-train-summary.h"

G_BEGIN_DECLS

#define HEALER_TYPE_TRAIN_PAGE (healer_train_page_get_type ())

G_DECLARE_FINAL_TYPE (HealerTrainPage, healer_train_page, HEALER, TRAIN_PAGE, AdwBin)

HealerSession *healer_train_page_get_session (HealerTrainPage *self);
void           healer_train_page_set_session (HealerTrainPage *self,
                                             HealerSession *session);
/* Starts training with the current settings, when data are loaded.
 * Ignored while a run is going. */
void healer_train_page_start (HealerTrainPage *self);
/* Cancels the page's running work, if any; TRUE when something was cancelled.
 * The best model so far is kept. */
gboolean healer_train_page_cancel (HealerTrainPage *self);
/* Stops the page's work at once and drops what the run would have given:
 * for closing the window, where nobody is left to keep the model. TRUE
 * when a run was stopped. */
gboolean healer_train_page_stop   (HealerTrainPage *self);

gboolean             healer_train_page_get_running  (HealerTrainPage *self);
/* TRUE from healer_train_page_stop() until the stopped run has ended. */
gboolean             healer_train_page_get_stopping (HealerTrainPage *self);
/* "idle", "running", then how the last run ended: "completed",
 * "early-stopped", "cancelled", "diverged" or "failed" (no model). */
const char          *healer_train_page_get_status   (HealerTrainPage *self);
HealerTrainSettings *healer_train_page_get_settings (HealerTrainPage *self);
HealerTrainSummary  *healer_train_page_get_summary  (HealerTrainPage *self);

G_END_DECLS
