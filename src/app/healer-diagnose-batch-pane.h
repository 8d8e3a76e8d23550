/* healer-diagnose-batch-pane.h — the Diagnose page's file of samples: diagnosed on a worker, its table
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-diagnose-part.h"

G_BEGIN_DECLS

#define HEALER_TYPE_DIAGNOSE_BATCH_PANE (healer_diagnose_batch_pane_get_type ())

G_DECLARE_FINAL_TYPE (HealerDiagnoseBatchPane, healer_diagnose_batch_pane, HEALER, DIAGNOSE_BATCH_PANE, HealerDiagnosePart)

/* The pane diagnoses files with its "model" and "model-file" (bound to the
 * page's), hands the results to its "session" and shows the session's
 * results, marked stale when another model made them. "busy" is TRUE
 * while a file is diagnosed on a worker. */

/* Asks for a CSV of samples and diagnoses them all. */
void         healer_diagnose_batch_pane_open          (HealerDiagnoseBatchPane *self);
/* Diagnoses every sample of the CSV @file with the pane's model, on a worker. */
void         healer_diagnose_batch_pane_diagnose_file (HealerDiagnoseBatchPane *self,
                                                       GFile                   *file);
void         healer_diagnose_batch_pane_set_narrow    (HealerDiagnoseBatchPane *self,
                                                       gboolean                 narrow);

G_END_DECLS
