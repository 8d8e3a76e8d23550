/* healer-cv.h — reproducible stratified k-fold cross-validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "healer-dataset.h"
#include "healer-metrics.h"
#include "healer-trainer.h"

G_BEGIN_DECLS

#define HEALER_CV_ERROR (healer_cv_error_quark ())

typedef enum
{
  HEALER_CV_ERROR_INVALID,        /* folds or repeats out of range, no labels, one class */
  HEALER_CV_ERROR_SMALL_CLASS,    /* a class has fewer rows than there are folds */
  HEALER_CV_ERROR_MISSING_CLASS,  /* the model of a fold does not know every class */
  HEALER_CV_ERROR_TOO_LARGE,      /* the out-of-fold predictions would not fit in memory */
} HealerCvError;

GQuark healer_cv_error_quark (void);

#define HEALER_CV_MAX_FOLDS    1000
#define HEALER_CV_MAX_REPEATS  100

/* One fold of one repeat. Class indices are those of HealerCvResult. */
typedef struct
{
  guint              repeat;         /* 0-based */
  guint              fold;           /* 0-based */
  gsize              n_train;        /* rows given to healer_train (it splits off its own validation rows) */
  gsize              n_test;         /* held-out rows */
  guint              epochs_run;     /* of the first ensemble member */
  guint              best_epoch;
  HealerTrainStatus  status;         /* completed, early-stopped or diverged (best weights kept) */
  double             seconds;        /* training and prediction */
  HealerMetrics     *metrics;        /* on the held-out rows */
} HealerCvFold;

typedef struct
{
  guint   repeat;
  guint64 fold_seed;                 /* seed of the fold assignment */
  guint64 train_seed;                /* HealerTrainConfig.seed of every fold of the repeat */
  double  accuracy;                  /* mean over the repeat's folds */
  double  macro_f1;
} HealerCvRepeat;

typedef struct
{
  guint              n_folds;
  guint              n_repeats;
  HealerTrainConfig  config;         /* as given (seed = the first repeat's train seed) */
  guint64            seed;           /* as given: the fold seed of repeat 0 */
  HealerDataset     *data;           /* the table as given */
  gsize             *rows;           /* n_rows indices into @data: the rows cross-validated,
                                      * after duplicate removal, in table order; the
                                      * per-row arrays below follow them */
  gsize              n_rows;
  gsize              n_duplicates_removed;
  guint              n_classes;
  gint32            *class_ids;      /* class index → label value, over the whole data set */
  guint             *y;              /* n_rows class indices */
  guint             *assignment;     /* n_repeats × n_rows: the fold that holds row i out in repeat r */
  guint             *predicted;      /* n_repeats × n_rows: out-of-fold predicted class */
  float             *proba;          /* n_repeats × n_rows × n_classes: out-of-fold probabilities */
  HealerCvFold      *folds;          /* n_repeats × n_folds, repeat-major */
  HealerCvRepeat    *repeats;        /* n_repeats */

  /* Mean and sample standard deviation (n − 1 in the denominator) over the
   * repeats of the per-repeat means, so the spread is that of the whole
   * k-fold estimate between seeds, not that of single folds. NAN std with a
   * single repeat. */
  double             mean_accuracy;
  double             std_accuracy;
  double             mean_macro_f1;
  double             std_macro_f1;
  /* Sample standard deviation over every fold of every repeat (NAN with a
   * single fold in all), the spread between single folds. */
  double             fold_std_accuracy;
  double             fold_std_macro_f1;
  /* Per class (n_classes), mean and sample std of the fold F1 over every
   * fold of every repeat. */
  double            *mean_class_f1;
  double            *std_class_f1;
  /* Metrics of every out-of-fold prediction of every repeat taken together:
   * each row counts n_repeats times in its confusion matrix. */
  HealerMetrics     *pooled;
  double             elapsed_seconds;
} HealerCvResult;

typedef struct
{
  guint                      repeat;           /* the fold being trained or just finished */
  guint                      n_repeats;
  guint                      fold;
  guint                      n_folds;
  guint                      folds_done;       /* over all repeats, the finished one included */
  /* Exactly one of these is set: @epoch after each training epoch of the
   * fold, @finished when the fold has been measured. */
  const HealerTrainProgress *epoch;
  const HealerCvFold        *finished;
  double                     mean_accuracy;    /* over the folds finished so far; NAN before the first */
  double                     mean_macro_f1;
  double                     elapsed_seconds;
  double                     eta_seconds;      /* NAN while unknown */
} HealerCvProgress;

typedef void (*HealerCvProgressFunc) (const HealerCvProgress *progress,
                                      gpointer                user_data);

/* Seeded stratified fold assignment of @n rows with class indices @labels
 * (< @n_classes) into @fold_out (n entries, each < @n_folds): the rows of
 * each class are shuffled with a HealerRng seeded from @seed, then dealt
 * round robin, each class starting where the previous one stopped, so the
 * per-class counts of the folds differ by at most 1, and so do the fold
 * sizes. Every row gets exactly one fold. */
void            healer_cv_assign_folds  (const guint             *labels,
                                         gsize                    n,
                                         guint                    n_classes,
                                         guint                    n_folds,
                                         guint64                  seed,
                                         guint                   *fold_out);

/* Stratified k-fold cross-validation of healer_train with @config on the
 * labelled @data, repeated @n_repeats times. When
 * config->preprocess.drop_duplicates is set, duplicate rows are removed
 * before the split, so a row cannot sit on both sides of a fold.
 * Repeat r assigns folds with healer_cv_assign_folds (seed + r) and trains
 * with HealerTrainConfig.seed = config->seed + r · config->ensemble, so that
 * repeats differ in folds, initial weights and batch order without two
 * repeats sharing an ensemble member's seed (with one network per model that
 * is config->seed + r, what "train --seed" with that value would do).
 * Each class needs at least @n_folds rows, otherwise a fold would hold none
 * of it out and the fold metrics would average over different classes
 * (HEALER_CV_ERROR_SMALL_CLASS names the class). Class indices come from the
 * whole data set so every fold uses the same ones.
 * @progress runs in the calling thread. A cancel, even one that only cuts
 * a fold's training short, fails the whole run with G_IO_ERROR_CANCELLED;
 * training errors are prefixed with the repeat and fold. */
HealerCvResult *healer_cross_validate   (const HealerDataset     *data,
                                         const HealerTrainConfig *config,
                                         guint                    n_folds,
                                         guint                    n_repeats,
                                         guint64                  seed,
                                         GCancellable            *cancellable,
                                         HealerCvProgressFunc     progress,
                                         gpointer                 user_data,
                                         GError                 **error);
void            healer_cv_result_free   (HealerCvResult          *result);

/* healer_cross_validate on a worker thread. @progress runs in the caller's
 * thread-default main context, at most once per idle with the newest
 * report, never after @callback; its @epoch and @finished are NULL there
 * (they point into the worker's memory). @progress_data_free runs when no
 * report can come any more. */
void            healer_cross_validate_async  (HealerDataset           *data,
                                              const HealerTrainConfig *config,
                                              guint                    n_folds,
                                              guint                    n_repeats,
                                              guint64                  seed,
                                              GCancellable            *cancellable,
                                              HealerCvProgressFunc     progress,
                                              gpointer                 progress_data,
                                              GDestroyNotify           progress_data_free,
                                              GAsyncReadyCallback      callback,
                                              gpointer                 user_data);
HealerCvResult *healer_cross_validate_finish (GAsyncResult            *result,
                                              GError                 **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerCvResult, healer_cv_result_free)

G_END_DECLS
