/* healer-trainer.h — fits the preprocessing and the MLP, on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "healer-dataset.h"
#include "healer-mlp.h"
#include "healer-preprocess.h"

G_BEGIN_DECLS

#define HEALER_TRAIN_ERROR (healer_train_error_quark ())

typedef enum
{
  HEALER_TRAIN_ERROR_INVALID,     /* configuration or data unusable (no labels, one class…) */
  HEALER_TRAIN_ERROR_DIVERGED,    /* loss became NaN/Inf before any usable epoch */
  HEALER_TRAIN_ERROR_TOO_LARGE,   /* would need more memory than the machine has available */
  HEALER_TRAIN_ERROR_LIMIT,       /* the model would exceed a bound of the file (healer-limits.h) */
} HealerTrainError;

GQuark healer_train_error_quark (void);

typedef enum
{
  HEALER_OPTIMIZER_ADAM,
  HEALER_OPTIMIZER_SGD,           /* with momentum */
} HealerOptimizer;

const char *healer_optimizer_to_string   (HealerOptimizer opt);
gboolean    healer_optimizer_from_string (const char *str, HealerOptimizer *opt);

typedef enum
{
  HEALER_LR_CONSTANT,             /* the learning rate throughout */
  HEALER_LR_COSINE,               /* from the learning rate down to 0 on a half cosine over the epochs */
} HealerLrSchedule;

/* "constant" / "cosine", in model files and on the command line. */
const char *healer_lr_schedule_to_string   (HealerLrSchedule schedule);
gboolean    healer_lr_schedule_from_string (const char *str, HealerLrSchedule *schedule);

/* HEALER_MAX_HIDDEN_LAYERS, _HIDDEN_WIDTH and _ENSEMBLE: healer-limits.h */

typedef struct
{
  guint            n_hidden;                    /* hidden layers */
  guint            hidden[HEALER_MAX_HIDDEN_LAYERS];
  HealerActivation activation;
  HealerOptimizer  optimizer;
  double           learning_rate;
  HealerLrSchedule lr_schedule;
  double           momentum;                    /* SGD only */
  double           weight_decay;                /* L2 on weights, not biases */
  double           dropout;                     /* on hidden layers */
  double           input_noise;                 /* std of Gaussian noise added to the standardised
                                                 * KPI values of each training batch; 0 = off */
  double           label_smoothing;             /* share ε of each target spread over the classes; 0 = off */
  guint            batch_size;
  guint            epochs;                      /* maximum */
  guint            patience;                    /* epochs without improvement; 0 = off */
  double           validation_fraction;         /* 0 = train on every row, no early stopping */
  guint            ensemble;                    /* MLPs trained with seeds seed, seed+1…; ≥ 1 */
  guint64          seed;
  gboolean         explain;                     /* compute fault signatures and importance */
  HealerPreprocessConfig preprocess;
} HealerTrainConfig;

void     healer_train_config_init_default (HealerTrainConfig *config);
/* Parses "200,200,200" into @config->hidden. */
gboolean healer_train_config_set_hidden   (HealerTrainConfig *config,
                                           const char        *spec,
                                           GError           **error);
gboolean healer_train_config_validate     (const HealerTrainConfig *config,
                                           GError                 **error);

typedef struct
{
  guint   member;              /* ensemble member being trained, 0-based */
  guint   n_members;
  guint   epoch;               /* 1-based, within the member */
  guint   n_epochs;            /* maximum */
  double  train_loss;
  double  val_loss;            /* NAN without a validation split */
  double  val_accuracy;
  double  val_macro_f1;
  double  epoch_seconds;
  double  elapsed_seconds;
  double  eta_seconds;         /* estimate for the whole run; NAN while unknown */
  guint   best_epoch;
} HealerTrainProgress;

typedef void (*HealerTrainProgressFunc) (const HealerTrainProgress *progress,
                                         gpointer                   user_data);

typedef enum
{
  HEALER_TRAIN_COMPLETED,      /* ran every epoch */
  HEALER_TRAIN_EARLY_STOPPED,  /* patience ran out; best weights restored */
  HEALER_TRAIN_CANCELLED,      /* the GCancellable fired; best weights so far kept */
  HEALER_TRAIN_DIVERGED,       /* NaN/Inf loss; best weights so far kept */
} HealerTrainStatus;

const char *healer_train_status_to_string (HealerTrainStatus status);
gboolean    healer_train_status_from_string (const char        *str,
                                             HealerTrainStatus *status);

typedef struct _HealerModel HealerModel;

/* Trains synchronously in the calling thread; @progress is called there
 * after each epoch. Returns the model (its status field says how the run
 * ended; a cancelled or diverged run still returns the best weights so far),
 * or NULL with @error when the data or configuration cannot be used or no
 * epoch completed (G_IO_ERROR_CANCELLED, HEALER_TRAIN_ERROR_DIVERGED). */
HealerModel *healer_train (const HealerDataset     *data,
                           const HealerTrainConfig *config,
                           GCancellable            *cancellable,
                           HealerTrainProgressFunc  progress,
                           gpointer                 user_data,
                           GError                 **error);

/* Same on a worker thread. @progress runs on the thread-default main context
 * of the caller, coalesced: the worker keeps only the latest report and
 * schedules at most one idle callback at a time. */
void         healer_train_async  (HealerDataset           *data,
                                  const HealerTrainConfig *config,
                                  GCancellable            *cancellable,
                                  HealerTrainProgressFunc  progress,
                                  gpointer                 progress_data,
                                  GDestroyNotify           progress_data_free,
                                  GAsyncReadyCallback      callback,
                                  gpointer                 user_data);
HealerModel *healer_train_finish (GAsyncResult            *result,
                                  GError                 **error);

/* Stratified split of @labels (class indices) into a validation set of
 * round(fraction · n) rows and the rest, deterministic in @seed. */
void         healer_stratified_split (const guint *labels,
                                      gsize        n,
                                      guint        n_classes,
                                      double       fraction,
                                      guint64      seed,
                                      GArray      *train_rows,   /* of gsize */
                                      GArray      *val_rows);    /* of gsize */

/* Small deterministic PRNG (splitmix64 seeded xoshiro256**) used everywhere a
 * seed must give the same result on every platform. */
typedef struct { guint64 s[4]; } HealerRng;
void    healer_rng_init    (HealerRng *rng, guint64 seed);
guint64 healer_rng_next    (HealerRng *rng);
double  healer_rng_uniform (HealerRng *rng);                /* [0, 1) */
double  healer_rng_normal  (HealerRng *rng);
guint64 healer_rng_below   (HealerRng *rng, guint64 bound); /* [0, bound) */
void    healer_rng_shuffle (HealerRng *rng, gsize *v, gsize n);

G_END_DECLS
