/* healer-config.h — the training and preprocessing configuration: enums, defaults, validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Below the model and the trainer in the chain of core modules (see
 * src/DESIGN.md): a model file records the configuration it was trained
 * with, the trainer reads it, and neither needs the other for that.
 */

#pragma once

#include <glib.h>

#include "healer-mlp.h"
#include "healer-preprocess.h"

G_BEGIN_DECLS

#define HEALER_TRAIN_ERROR (healer_train_error_quark ())

typedef enum
{
  HEALER_TRAIN_ERROR_INVALID,     /* configuration or data unusable (no labels, one class…) */
  HEALER_TRAIN_ERROR_DIVERGED,    /* loss became NaN/Inf before any usable epoch */
  HEALER_TRAIN_ERROR_TOO_LARGE,   /* would need more memory than the machine has available */
  HEALER_TRAIN_ERROR_LIMIT,       /* the settings would make a model past a bound of the file
                                   * (healer-limits.h); data past one (1001 classes) is
                                   * HEALER_DATASET_ERROR_TOO_LARGE */
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

G_END_DECLS
