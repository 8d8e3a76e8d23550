/* healer-cv-async.c — cross-validation as a job on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-cv.h"
#include "healer-job.h"

typedef struct
{
  HealerDataset     *data;
  HealerTrainConfig  config;
  guint              n_folds;
  guint              n_repeats;
  guint64            seed;
} CvJob;

static void
cv_job_free (gpointer data)
{
  CvJob *state = data;

  g_clear_pointer (&state->data, healer_dataset_unref);
  g_free (state);
}

/* Worker thread: the report's pointers lead into the worker's memory, so
 * only its figures travel. */
static void
cv_progress (const HealerCvProgress *progress,
             gpointer                job)
{
  HealerCvProgress copy = *progress;

  copy.epoch = NULL;
  copy.finished = NULL;
  healer_job_report (job, &copy);
}

static gpointer
cv_run (HealerJob     *job,
        gpointer       data,
        GCancellable  *cancellable,
        GError       **error)
{
  CvJob *state = data;

  return healer_cross_validate (state->data, &state->config, state->n_folds, state->n_repeats,
                                state->seed, cancellable,
                                healer_job_wants_progress (job) ? cv_progress : NULL, job, error);
}

static const HealerJobInfo cv_job = {
  .name = "[healer] cross-validate",
  .func = cv_run,
  .result_free = (GDestroyNotify) healer_cv_result_free,
  .progress_size = sizeof (HealerCvProgress),
  .check_cancellable = TRUE,
  /* The result holds every fold's figures. */
  .deliver_last_report = FALSE,
};

void
healer_cross_validate_async (HealerDataset           *data,
                             const HealerTrainConfig *config,
                             guint                    n_folds,
                             guint                    n_repeats,
                             guint64                  seed,
                             GCancellable            *cancellable,
                             HealerCvProgressFunc     progress,
                             gpointer                 progress_data,
                             GDestroyNotify           progress_data_free,
                             GAsyncReadyCallback      callback,
                             gpointer                 user_data)
{
  CvJob *state;

  g_return_if_fail (data != NULL);
  g_return_if_fail (config != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  state = g_new0 (CvJob, 1);
  state->data = healer_dataset_ref (data);
  state->config = *config;
  state->n_folds = n_folds;
  state->n_repeats = n_repeats;
  state->seed = seed;
  healer_job_run (&cv_job, NULL, healer_cross_validate_async,
                  state, cv_job_free, cancellable,
                  (HealerRelayFunc) (void (*) (void)) progress, progress_data, progress_data_free,
                  callback, user_data);
}

HealerCvResult *
healer_cross_validate_finish (GAsyncResult  *result,
                              GError       **error)
{
  return healer_job_finish (result, healer_cross_validate_async, error);
}
