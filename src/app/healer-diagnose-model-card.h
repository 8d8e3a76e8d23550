/* healer-diagnose-model-card.h — the Diagnose page's model: its summary, opening another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-session.h"

G_BEGIN_DECLS

#define HEALER_TYPE_DIAGNOSE_MODEL_CARD (healer_diagnose_model_card_get_type ())

G_DECLARE_FINAL_TYPE (HealerDiagnoseModelCard, healer_diagnose_model_card, HEALER, DIAGNOSE_MODEL_CARD, AdwBin)

/* The card shows its "model" (bound to the page's) and loads models from
 * files on a worker; where an opened model goes is the page's decision:
 * it is handed over by the "model-opened" signal (HealerModel, GFile).
 * "use-trained" asks the page for the session's model. "busy" is TRUE
 * while a model file is read. */
HealerModel *healer_diagnose_model_card_get_model     (HealerDiagnoseModelCard *self);
void         healer_diagnose_model_card_set_model     (HealerDiagnoseModelCard *self,
                                                       HealerModel             *model);
/* Asks for a model file and opens it. */
void         healer_diagnose_model_card_open          (HealerDiagnoseModelCard *self);
/* Opens the model in @file on a worker. */
void         healer_diagnose_model_card_load_file     (HealerDiagnoseModelCard *self,
                                                       GFile                   *file);
gboolean     healer_diagnose_model_card_get_busy      (HealerDiagnoseModelCard *self);
void         healer_diagnose_model_card_set_narrow    (HealerDiagnoseModelCard *self,
                                                       gboolean                 narrow);
/* Stops reading a model file; TRUE when one was being read. */
gboolean     healer_diagnose_model_card_cancel        (HealerDiagnoseModelCard *self);

G_END_DECLS
