/* healer-calibrate.h — training with cross-fitted calibration: the honest
 * estimate, the prediction sets' scores and the uncertain flag's threshold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "healer-cv.h"
#include "healer-model.h"

G_BEGIN_DECLS

#define HEALER_CALIBRATION_FOLDS_DEFAULT 5

typedef struct
{
  guint               fold;             /* 0 for the final model, trained on every row first;
                                         * then the 1-based calibration fold being trained */
  guint               n_folds;          /* 0 without cross-fitting */
  HealerTrainProgress epoch;            /* the current training's report */
  double              elapsed_seconds;
  double              eta_seconds;      /* of the whole job; NAN while unknown */
  double              fraction;         /* share of the whole job done, 0 to 1 */
} HealerCalibrateProgress;

typedef void (*HealerCalibrateProgressFunc) (const HealerCalibrateProgress *progress,
                                             gpointer                       user_data);

/* Trains @config on @data as healer_train does and, with @n_folds ≥ 2,
 * then cross-fits it: healer_cross_validate with @n_folds folds (seeded
 * by config->seed, one repeat) gives every row a probability vector from a
 * model that did not see it. From those the model gets its estimate
 * (HealerEstimate), its calibration scores with sets of @coverage, and its
 * flag threshold (healer_flag_threshold_select, HEALER_FLAG_BUDGET). When
 * the smallest class has fewer rows than @n_folds, as many folds as it has
 * rows are used; below 2, the model has no estimate.
 * A cancel during the final training returns its best weights as
 * healer_train does (status cancelled), and no cross-fitting follows; a
 * cancel while cross-fitting returns the complete final model without an
 * estimate. A diverged model is not cross-fitted either. */
HealerModel *healer_train_calibrated        (const HealerDataset         *data,
                                             const HealerTrainConfig     *config,
                                             guint                        n_folds,
                                             double                       coverage,
                                             GCancellable                *cancellable,
                                             HealerCalibrateProgressFunc  progress,
                                             gpointer                     user_data,
                                             GError                     **error);

/* Same on a worker thread, progress coalesced onto the caller's
 * thread-default main context through a HealerRelay. */
void         healer_train_calibrated_async  (HealerDataset               *data,
                                             const HealerTrainConfig     *config,
                                             guint                        n_folds,
                                             double                       coverage,
                                             GCancellable                *cancellable,
                                             HealerCalibrateProgressFunc  progress,
                                             gpointer                     progress_data,
                                             GDestroyNotify               progress_data_free,
                                             GAsyncReadyCallback          callback,
                                             gpointer                     user_data);
HealerModel *healer_train_calibrated_finish (GAsyncResult                *result,
                                             GError                     **error);

/* Why @model, which healer_train_calibrated trained on @data with
 * @n_folds, has no estimate, in words for the user; NULL when it has one
 * or was not to have one (@n_folds < 2). Without an estimate a model has
 * no honest quality figure and sets of its top class only: a caller says
 * so instead of leaving it to be found out. */
char           *healer_calibrate_why_no_estimate (const HealerDataset *data,
                                                  guint                n_folds,
                                                  const HealerModel   *model);

/* Why @model's estimate used fewer folds than the @n_folds asked for, in
 * words for the user ("3-fold instead of the 5 asked for: class 4 has 3
 * rows"); NULL when it used them all or has no estimate. */
char           *healer_calibrate_why_fewer_folds (const HealerDataset *data,
                                                  guint                n_folds,
                                                  const HealerModel   *model);

/* The estimate of out-of-fold predictions: @cv's pooled metrics, the
 * calibration error, and set and flag figures at @coverage where the
 * rows of each fold are measured with thresholds fitted on the other
 * folds' rows only; several repeats are pooled. */
HealerEstimate *healer_estimate_from_cv     (const HealerCvResult        *cv,
                                             double                       coverage);

G_END_DECLS
