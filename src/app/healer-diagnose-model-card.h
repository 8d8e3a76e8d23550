/* healer-diagnose-model-card.h — the Diagnose page's model: its summary, opening another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-diagnose-part.h"

G_BEGIN_DECLS

#define HEALER_TYPE_DIAGNOSE_MODEL_CARD (healer_diagnose_model_card_get_type ())

G_DECLARE_FINAL_TYPE (HealerDiagnoseModelCard, healer_diagnose_model_card, HEALER, DIAGNOSE_MODEL_CARD, HealerDiagnosePart)

/* The card shows its "model" and "model-file" (bound to the page's) and
 * loads models from files on a worker; where an opened model goes is the
 * page's decision: it is handed over by the "model-opened" signal
 * (HealerModel, GFile). "use-trained" asks the page for the session's
 * model, offered when it is not the one shown. "busy" is TRUE while a
 * model file is read. */

/* Asks for a model file and opens it. */
void         healer_diagnose_model_card_open          (HealerDiagnoseModelCard *self);
/* Opens the model in @file on a worker. */
void         healer_diagnose_model_card_load_file     (HealerDiagnoseModelCard *self,
                                                       GFile                   *file);
void         healer_diagnose_model_card_set_narrow    (HealerDiagnoseModelCard *self,
                                                       gboolean                 narrow);

G_END_DECLS
