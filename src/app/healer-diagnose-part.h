/* healer-diagnose-part.h — what the Diagnose page's parts have in common
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-session.h"

G_BEGIN_DECLS

#define HEALER_TYPE_DIAGNOSE_PART (healer_diagnose_part_get_type ())

G_DECLARE_DERIVABLE_TYPE (HealerDiagnosePart, healer_diagnose_part, HEALER, DIAGNOSE_PART, AdwBin)

/* The model card, the sample pane and the batch pane are views bound to
 * the page's "session", "model" and "model-file" properties, each running
 * at most one job of its own on a worker, which "busy" tells and
 * healer_diagnose_part_cancel() stops. The part holds those once; a
 * subclass hears of a change through its class's hooks, called after the
 * value changed and before it is notified. */
struct _HealerDiagnosePartClass
{
  AdwBinClass parent_class;

  /* @old_model (or NULL) is alive for the call: a part can compare. */
  void (*model_changed)      (HealerDiagnosePart *self,
                              HealerModel        *old_model);
  void (*model_file_changed) (HealerDiagnosePart *self);
  void (*session_changed)    (HealerDiagnosePart *self);
};

HealerSession *healer_diagnose_part_get_session       (HealerDiagnosePart *self);
void           healer_diagnose_part_set_session       (HealerDiagnosePart *self,
                                                       HealerSession      *session);
/* Handlers a subclass connects here follow the part's session. */
GSignalGroup  *healer_diagnose_part_get_session_signals (HealerDiagnosePart *self);
HealerModel   *healer_diagnose_part_get_model         (HealerDiagnosePart *self);
void           healer_diagnose_part_set_model         (HealerDiagnosePart *self,
                                                       HealerModel        *model);
/* The model's file, or NULL when it is not saved. */
GFile         *healer_diagnose_part_get_model_file    (HealerDiagnosePart *self);
void           healer_diagnose_part_set_model_file    (HealerDiagnosePart *self,
                                                       GFile              *file);

/* The part's job: begin() cancels the one running and returns the
 * cancellable of the next (owned by the part; "busy" becomes TRUE). A job
 * whose callback gets TRUE from end() with its task's cancellable is the
 * current one, now over ("busy" FALSE again); FALSE: a newer job replaced
 * it, and it has nothing to say. */
GCancellable  *healer_diagnose_part_begin             (HealerDiagnosePart *self);
gboolean       healer_diagnose_part_end               (HealerDiagnosePart *self,
                                                       GCancellable       *cancellable);
gboolean       healer_diagnose_part_get_busy          (HealerDiagnosePart *self);
/* Stops the part's job; TRUE when one was running and not yet cancelled. */
gboolean       healer_diagnose_part_cancel            (HealerDiagnosePart *self);

G_END_DECLS
