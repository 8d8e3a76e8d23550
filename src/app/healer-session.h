/* healer-session.h — what the user has loaded, trained and diagnosed
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "healer-dataset.h"
#include "healer-model.h"
#include "healer-results.h"

G_BEGIN_DECLS

#define HEALER_TYPE_SESSION (healer_session_get_type ())

G_DECLARE_FINAL_TYPE (HealerSession, healer_session, HEALER, SESSION, GObject)

/* One per window. The pages never own the data, the model or the results:
 * they read them from here and replace them here, so that an error on one
 * page can never throw away what another page produced. */
HealerSession  *healer_session_new               (void);

HealerDataset  *healer_session_get_dataset       (HealerSession  *self);
GFile          *healer_session_get_dataset_file  (HealerSession  *self);
/* @file is NULL for the demo data. */
void            healer_session_set_dataset       (HealerSession  *self,
                                                  HealerDataset  *dataset,
                                                  GFile          *file);

HealerModel    *healer_session_get_model         (HealerSession  *self);
GFile          *healer_session_get_model_file    (HealerSession  *self);
/* FALSE from the moment a model is trained until it is saved. */
gboolean        healer_session_get_model_saved   (HealerSession  *self);

/* What of the model is not saved, for a question to say what would be
 * lost: a whole model trained here (it has no file), or only changes made
 * to a model that has one (its class names, its coverage). NONE when
 * healer_session_get_model_saved() is TRUE. */
typedef enum {
  HEALER_UNSAVED_NONE        = 0,
  HEALER_UNSAVED_MODEL       = 1 << 0,
  HEALER_UNSAVED_CLASS_NAMES = 1 << 1,
  HEALER_UNSAVED_COVERAGE    = 1 << 2,
} HealerUnsaved;

HealerUnsaved   healer_session_get_unsaved       (HealerSession  *self);
/* A model just trained: @file NULL, saved FALSE. A model opened or saved:
 * its file, saved TRUE. A model just trained on the same classes as the
 * one it replaces takes the names the user gave them: the session's model
 * is then a renamed copy of @model (healer_model_same_network()). */
void            healer_session_set_model         (HealerSession  *self,
                                                  HealerModel    *model,
                                                  GFile          *file);
void            healer_session_mark_model_saved  (HealerSession  *self,
                                                  GFile          *file);

/* Names class @index of the model, e.g. "disk fault" (an empty @name goes
 * back to "class N"). The name is stored in the model file when it is
 * saved, so a model opened from a file counts as unsaved afterwards; the
 * current results, if the model made them, take the name too. The model
 * is not changed (workers may be reading it): a renamed copy sharing its
 * networks (healer_model_same_network()) becomes the session's model, so
 * "notify::model" comes first, then "class-names-changed" for the pages to
 * relabel what they show. */
void            healer_session_set_class_name    (HealerSession  *self,
                                                  guint           index,
                                                  const char     *name);

/* Gives the model's prediction sets @coverage (0.90 for 90 %). As with a
 * class name, the model is not changed: a derived copy sharing its
 * networks becomes the session's model ("notify::model") and counts as
 * unsaved, since the coverage is stored in the model file. Nothing happens
 * for a model without calibration scores (no sets to resize). */
void            healer_session_set_coverage      (HealerSession  *self,
                                                  double          coverage);

/* The names the user gave the classes of the model the last
 * healer_session_set_model() replaced, when the new model has other
 * classes and so could not take them; NULL when none were lost. For the
 * caller to tell the user. */
const char * const *healer_session_get_lost_class_names (HealerSession *self);

HealerResults  *healer_session_get_results       (HealerSession  *self);
void            healer_session_set_results       (HealerSession  *self,
                                                  HealerResults  *results);

/* Soon, once the main loop is idle: gives back to the system what malloc
 * kept of freed data (healer_memory_give_back). The session does so itself
 * when its data or results are replaced; a view calls it after a worker
 * that read a big table (a map's projection) has finished. */
void           healer_session_give_back_memory (HealerSession *self);

G_END_DECLS
