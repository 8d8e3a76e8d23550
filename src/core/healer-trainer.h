/* healer-trainer.h — fits the preprocessing and the MLP, on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "healer-config.h"
#include "healer-dataset.h"
#include "healer-model.h"
#include "healer-rng.h"
#include "healer-split.h"

G_BEGIN_DECLS

/* How many of a network's newest epochs a report carries (below). */
#define HEALER_TRAIN_PROGRESS_RECENT 64

/* One epoch's figures, as a network's history keeps them. */
typedef struct
{
  double  train_loss;
  double  val_loss;            /* NAN without a validation split */
  double  val_macro_f1;        /* NAN without a validation split */
} HealerEpochFigures;

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
  /* After the last epoch, while permutation importance runs (config->explain):
   * KPIs permuted so far of those the model reads; the epoch fields keep
   * the last epoch's report and eta_seconds is the importance's. 0 / 0
   * while training. */
  guint   importance_done;
  guint   importance_total;
  /* This network's newest epochs, oldest first: recent[i] is epoch
   * epoch − n_recent + 1 + i, the last one this report's. An asynchronous
   * reader is handed only the newest report (HealerRelay), and epochs of
   * small data end faster than a window takes reports in: with these a
   * live curve still gets every epoch. */
  guint              n_recent;
  HealerEpochFigures recent[HEALER_TRAIN_PROGRESS_RECENT];
} HealerTrainProgress;

typedef void (*HealerTrainProgressFunc) (const HealerTrainProgress *progress,
                                         gpointer                   user_data);

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
/* The same on rows @rows[0..@n_rows) of @data (NULL: every row, in
 * order): the model of healer_train on healer_dataset_subset (@data, @rows,
 * @n_rows), to the bit, without copying the rows (cross-validation folds;
 * with explanations on, those still copy the rows trained on). */
HealerModel *healer_train_rows (const HealerDataset     *data,
                                const gsize             *rows,
                                gsize                    n_rows,
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

G_END_DECLS
