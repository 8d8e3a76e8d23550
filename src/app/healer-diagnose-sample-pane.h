/* healer-diagnose-sample-pane.h — the Diagnose page's one sample: a form of KPI values, a pasted row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-diagnose-part.h"

G_BEGIN_DECLS

#define HEALER_TYPE_DIAGNOSE_SAMPLE_PANE (healer_diagnose_sample_pane_get_type ())

G_DECLARE_FINAL_TYPE (HealerDiagnoseSamplePane, healer_diagnose_sample_pane, HEALER, DIAGNOSE_SAMPLE_PANE, HealerDiagnosePart)

/* The pane diagnoses one sample with its "model" (bound to the page's): a
 * model with other networks empties the form and the result; the same
 * networks under new class names only rename the result. "busy" is TRUE
 * while a sample is diagnosed on a worker. */

/* Reads @text as the "paste a CSV row" box does and diagnoses it. */
void         healer_diagnose_sample_pane_diagnose_text     (HealerDiagnoseSamplePane *self,
                                                            const char               *text);
/* Probabilities (n_classes of the model) of the last sample diagnosed, or NULL. */
const float *healer_diagnose_sample_pane_get_probabilities (HealerDiagnoseSamplePane *self);

G_END_DECLS
