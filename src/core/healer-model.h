/* healer-model.h — a trained model: preprocessing + MLP(s) + metadata, and its file format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "healer-conformal.h"
#include "healer-config.h"
#include "healer-dataset.h"
#include "healer-explanations.h"
#include "healer-metrics.h"
#include "healer-mlp.h"
#include "healer-parallel.h"
#include "healer-preprocess.h"

G_BEGIN_DECLS

typedef struct _HealerModel HealerModel;

#define HEALER_MODEL_ERROR (healer_model_error_quark ())

typedef enum
{
  HEALER_MODEL_ERROR_IO,
  HEALER_MODEL_ERROR_PARSE,       /* not JSON, truncated */
  HEALER_MODEL_ERROR_FORMAT,      /* not a SystemHealer model, or a newer major version */
  HEALER_MODEL_ERROR_INVALID,     /* wrong shapes, sizes out of bounds, non-finite values */
  HEALER_MODEL_ERROR_CHECKSUM,    /* weights do not match their SHA-256 */
} HealerModelError;

#define HEALER_MODEL_FORMAT         "systemhealer-model"
#define HEALER_MODEL_FORMAT_MAJOR   1
/* 1.1 added the training members lr_schedule, input_noise and
 * label_smoothing; a 1.0 file without them reads as constant, 0 and 0.
 * 1.2 added the optional "estimate" and "prediction_sets" of a
 * cross-fitted model; a file without them has no estimate and sets of one
 * class. */
#define HEALER_MODEL_FORMAT_MINOR   2
/* HEALER_MODEL_MAX_FILE_SIZE, _PARAMS and the other bounds: healer-limits.h */

typedef struct
{
  guint   n_epochs;            /* epochs run (first ensemble member) */
  double *train_loss;          /* n_epochs each */
  double *val_loss;
  double *val_macro_f1;
} HealerTrainHistory;

/* A model is immutable once built: whoever holds a reference may read it
 * from any thread, so nothing writes into a model another part of the
 * program can see. A change (a class renamed, metrics measured later) makes
 * a new model with healer_model_derive(), which shares the parameters. */
struct _HealerModel
{
  /*< private >*/
  gint                 ref_count;
  HealerModel         *params_owner;        /* NULL, or the model whose preprocessor and
                                             * members this one shares (a reference) */
  /*< public >*/
  char                *app_version;
  gint64               created_unix;        /* SOURCE_DATE_EPOCH when set, for reproducible files */
  HealerPreprocessor  *preprocessor;
  guint                n_members;           /* ensemble size ≥ 1; probabilities are averaged */
  HealerMlp          **members;
  guint                n_classes;
  gint32              *class_ids;           /* class index → label value in the data */
  char               **class_names;         /* n_classes, NULL-terminated; "class 0"… by default */
  HealerTrainConfig    config;
  HealerTrainStatus    status;
  guint                best_epoch;
  HealerTrainHistory   history;
  HealerMetrics       *train_metrics;       /* on the rows it was fitted on; may be NULL */
  HealerMetrics       *validation_metrics;  /* on held-out rows; NULL without a split */
  double               confidence_threshold;/* below: flagged uncertain; 0 = never */
  gsize                n_train_rows;
  gsize                n_duplicates_removed;
  HealerExplanations  *explanations;        /* which KPIs (healer-explain.h); NULL when not
                                             * computed, e.g. in files of older versions */
  HealerEstimate      *estimate;            /* out-of-fold figures (healer-calibrate.h); NULL
                                             * without cross-fitting or in files before 1.2 */
  HealerConformalScores *calibration;       /* out-of-fold scores of the true classes; NULL: a
                                             * prediction set is the diagnosis alone */
  double               coverage;            /* nominal coverage of the sets; NAN without calibration */
  double               set_threshold;       /* healer_conformal_threshold (calibration, coverage);
                                             * INFINITY without calibration */
  /* A new member must also be copied in healer_model_derive(). */
};

/* Boxed type (reference counted) so GObject properties can carry it. */
#define HEALER_TYPE_MODEL (healer_model_get_type ())
GType healer_model_get_type (void) G_GNUC_CONST;

GQuark       healer_model_error_quark (void);

/* Takes ownership of @preprocessor and of @members, a g_malloc()ed array of
 * @n_members MLPs of identical shape (n_inputs = preprocessor->n_output,
 * n_outputs = @n_classes); the array and the MLPs are freed with the model.
 * @class_ids is copied. The training configuration starts from the defaults,
 * with the preprocessing, hidden sizes, activation and ensemble size set to
 * those of the arguments. */
HealerModel *healer_model_new      (HealerPreprocessor *preprocessor,
                                    HealerMlp         **members,
                                    guint               n_members,
                                    const gint32       *class_ids,
                                    guint               n_classes);
HealerModel *healer_model_ref      (HealerModel *self);
void         healer_model_unref    (HealerModel *self);

/* A new model equal to @self that shares its preprocessor and networks
 * (reference counted, so either may outlive the other) and has its own copy
 * of everything else. Build the change into the copy before anyone else
 * sees it; @self is left untouched for the threads still reading it. */
HealerModel *healer_model_derive   (const HealerModel *self);
/* Whether @a and @b share their parameters (one derives from the other or
 * both from a third): the same network, perhaps with other class names. */
gboolean     healer_model_same_network (const HealerModel *a,
                                        const HealerModel *b);
/* A derived model with class @index called @name; "" or blanks give the
 * default name ("class 3"). */
HealerModel *healer_model_with_class_name (const HealerModel *self,
                                           guint              index,
                                           const char        *name);
/* A derived model whose prediction sets have @coverage (see
 * healer_model_set_coverage); the same sets without calibration scores. */
HealerModel *healer_model_with_coverage   (const HealerModel *self,
                                           double             coverage);
/* A derived model with @metrics (copied) as its training metrics. */
HealerModel *healer_model_with_train_metrics (const HealerModel   *self,
                                              const HealerMetrics *metrics);

/* Atomic: writes a temporary file beside @path and renames it over. */
gboolean     healer_model_save     (const HealerModel *self,
                                    const char        *path,
                                    GError           **error);
char        *healer_model_to_json  (const HealerModel *self,
                                    gsize             *length);
/* Loading validates everything (shapes, bounds, finite values, checksum);
 * errors name the file and the JSON member. */
HealerModel *healer_model_load     (const char  *path,
                                    GError     **error);
/* Same with a tighter size bound than HEALER_MODEL_MAX_FILE_SIZE (used by
 * tests and by quick previews). */
HealerModel *healer_model_load_with_limit (const char  *path,
                                           guint64      max_size,
                                           GError     **error);
HealerModel *healer_model_load_from_data (const char *data,
                                          gsize       len,
                                          const char *name,
                                          GError    **error);

/* Class index of a label value, or -1. */
int          healer_model_class_index (const HealerModel *self,
                                       gint32             label);

/* Probabilities (n_rows × n_classes) for the rows of @data, whose columns
 * must be in the model's input order (see healer_model_align). */
void         healer_model_predict_proba (const HealerModel   *self,
                                         const HealerDataset *data,
                                         float               *proba);
/* The same on the threads of @parallel (NULL: the calling thread alone):
 * the very same bits whatever the number of threads. */
void         healer_model_predict_proba_parallel (const HealerModel   *self,
                                                  const HealerDataset *data,
                                                  float               *proba,
                                                  HealerParallel      *parallel);
/* Rows [@first, @last) of @data alone, into the same rows of @proba (n_rows
 * × n_classes): callers that share a batch among their own threads call it
 * on disjoint ranges at once; each row's bits are those of the calls above. */
void         healer_model_predict_proba_rows (const HealerModel   *self,
                                              const HealerDataset *data,
                                              gsize                first,
                                              gsize                last,
                                              float               *proba);
/* @data with its columns matched by name to the model's inputs. A column
 * the model does not read (dropped by KPI selection) may be absent: it is
 * filled with NAN, which changes no result, and named in @missing so that
 * callers can warn. An absent column the model reads is an error naming it.
 * @extra: columns of @data the model has no input for. */
HealerDataset *healer_model_align  (const HealerModel   *self,
                                    const HealerDataset *data,
                                    char              ***missing,
                                    char              ***extra,
                                    GError             **error);

/* Metrics of the model on labelled @data (aligned by name internally). */
HealerMetrics *healer_model_evaluate (const HealerModel   *self,
                                      const HealerDataset *data,
                                      GError             **error);

/* Sets @self->coverage and the set threshold that follows from the
 * calibration scores (nothing without them). For a model that is not yet
 * shared: its builder, or a command that has just loaded it. */
void         healer_model_set_coverage (HealerModel *self,
                                        double       coverage);

/* The prediction set of a row with probabilities @proba (see
 * healer_prediction_set); @classes_out has n_classes entries. */
guint        healer_model_prediction_set (const HealerModel *self,
                                          const float       *proba,
                                          guint             *classes_out);

/* Lowercase hex SHA-256 of the parameters of every member, as stored in the file. */
char        *healer_model_weights_checksum (const HealerModel *self);

/* A configuration as one line of JSON (the members a model file stores
 * under "training" and "preprocessing", in one object), and back: the app
 * remembers the settings of the last run this way. Reading verifies every
 * member as the model loader does and leaves @config untouched on error. */
char        *healer_train_config_to_json          (const HealerTrainConfig      *config);
gboolean     healer_train_config_from_json        (const char                   *json,
                                                   HealerTrainConfig            *config,
                                                   GError                      **error);

/* Writes @contents to @path atomically (temp file in the same folder + rename). */
gboolean     healer_file_set_contents_atomic (const char  *path,
                                              const char  *contents,
                                              gsize        length,
                                              GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerModel, healer_model_unref)

G_END_DECLS
