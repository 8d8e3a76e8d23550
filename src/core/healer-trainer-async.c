/* healer-trainer-async.c — healer_train as a job on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "healer-job.h"
#include "healer-model.h"
#include "healer-trainer.h"

typedef struct
{
  HealerDataset     *data;
  HealerTrainConfig  config;
} HealerTrainJob;

static void
healer_train_job_free (gpointer data)
{
  HealerTrainJob *state = data;

  g_clear_pointer (&state->data, healer_dataset_unref);
  g_free (state);
}

/* On the worker thread: only the newest report reaches the caller. */
static void
healer_train_job_progress (const HealerTrainProgress *progress,
                           gpointer                   job)
{
  healer_job_report (job, progress);
}

static gpointer
healer_train_job_run (HealerJob     *job,
                      gpointer       data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  HealerTrainJob *state = data;

  return healer_train (state->data, &state->config, cancellable,
                       healer_job_wants_progress (job) ? healer_train_job_progress : NULL,
                       job, error);
}

static const HealerJobInfo healer_train_job = {
  .name = "[healer] train",
  .func = healer_train_job_run,
  .result_free = (GDestroyNotify) healer_model_unref,
  .progress_size = sizeof (HealerTrainProgress),
  /* A cancelled run still returns its best model; do not turn it into an error. */
  .check_cancellable = FALSE,
  .deliver_last_report = TRUE,
};

void
healer_train_async (HealerDataset           *data,
                    const HealerTrainConfig *config,
                    GCancellable            *cancellable,
                    HealerTrainProgressFunc  progress,
                    gpointer                 progress_data,
                    GDestroyNotify           progress_data_free,
                    GAsyncReadyCallback      callback,
                    gpointer                 user_data)
{
  HealerTrainJob *state;

  g_return_if_fail (data != NULL);
  g_return_if_fail (config != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  state = g_new0 (HealerTrainJob, 1);
  state->data = healer_dataset_ref (data);
  state->config = *config;
  healer_job_run (&healer_train_job, NULL, healer_train_async,
                  state, healer_train_job_free, cancellable,
                  (HealerRelayFunc) (void (*) (void)) progress, progress_data, progress_data_free,
                  callback, user_data);
}

HealerModel *
healer_train_finish (GAsyncResult *result,
                     GError      **error)
{
  return healer_job_finish (result, healer_train_async, error);
}
