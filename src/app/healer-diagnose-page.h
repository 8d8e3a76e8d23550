/* healer-diagnose-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-session.h"

G_BEGIN_DECLS

#define HEALER_TYPE_DIAGNOSE_PAGE (healer_diagnose_page_get_type ())

G_DECLARE_FINAL_TYPE (HealerDiagnosePage, healer_diagnose_page, HEALER, DIAGNOSE_PAGE, AdwBin)

HealerSession *healer_diagnose_page_get_session (HealerDiagnosePage *self);
void           healer_diagnose_page_set_session (HealerDiagnosePage *self,
                                                HealerSession *session);
/* Asks for a model file and opens it. */
void healer_diagnose_page_open_model (HealerDiagnosePage *self);
/* Asks for a CSV of samples and diagnoses them all. */
void healer_diagnose_page_open_batch (HealerDiagnosePage *self);
/* Opens the model in @file on a worker. */
void healer_diagnose_page_load_model_file (HealerDiagnosePage *self,
                                          GFile *file);
/* Diagnoses every sample of the CSV @file with the page's model, on a worker. */
void healer_diagnose_page_diagnose_file (HealerDiagnosePage *self,
                                         GFile *file);
/* Reads @text as the "paste a CSV row" box does and diagnoses it. */
void healer_diagnose_page_diagnose_text (HealerDiagnosePage *self,
                                         const char *text);
/* The model diagnoses are made with (the session's, or one opened here). */
HealerModel *healer_diagnose_page_get_model (HealerDiagnosePage *self);
gboolean     healer_diagnose_page_get_narrow (HealerDiagnosePage *self);
/* Probabilities (n_classes of the model) of the last sample diagnosed, or NULL. */
const float *healer_diagnose_page_get_sample_probabilities (HealerDiagnosePage *self);
/* TRUE while a model, a sample or a file is being worked on. */
gboolean healer_diagnose_page_get_busy (HealerDiagnosePage *self);
/* Cancels the page's running work, if any; TRUE when something was cancelled. */
gboolean healer_diagnose_page_cancel (HealerDiagnosePage *self);

G_END_DECLS
