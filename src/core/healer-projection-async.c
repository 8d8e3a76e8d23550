/* healer-projection-async.c — projections as a job on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "healer-job.h"
#include "healer-projection.h"

typedef struct
{
  HealerModel            *model;
  HealerDataset          *aligned;
  HealerProjectionConfig  config;
} HealerProjectionJob;

static void
healer_projection_job_free (gpointer data)
{
  HealerProjectionJob *state = data;

  g_clear_pointer (&state->model, healer_model_unref);
  g_clear_pointer (&state->aligned, healer_dataset_unref);
  g_free (state);
}

/* On the worker thread: only the newest report reaches the caller. */
static void
healer_projection_job_progress (const HealerProjectionProgress *progress,
                                gpointer                        job)
{
  healer_job_report (job, progress);
}

static gpointer
healer_projection_job_run (HealerJob     *job,
                           gpointer       data,
                           GCancellable  *cancellable,
                           GError       **error)
{
  HealerProjectionJob *state = data;

  return healer_projection_compute (state->model, state->aligned, &state->config, cancellable,
                                    healer_job_wants_progress (job)
                                      ? healer_projection_job_progress : NULL,
                                    job, error);
}

static const HealerJobInfo healer_projection_job = {
  .name = "[healer] projection",
  .func = healer_projection_job_run,
  .result_free = (GDestroyNotify) healer_projection_free,
  .progress_size = sizeof (HealerProjectionProgress),
  /* The worker reports a cancel itself, as G_IO_ERROR_CANCELLED. */
  .check_cancellable = FALSE,
  .deliver_last_report = TRUE,
};

void
healer_projection_compute_async (HealerModel                  *model,
                                 HealerDataset                *aligned,
                                 const HealerProjectionConfig *config,
                                 GCancellable                 *cancellable,
                                 HealerProjectionProgressFunc  progress,
                                 gpointer                      progress_data,
                                 GDestroyNotify                progress_data_free,
                                 GAsyncReadyCallback           callback,
                                 gpointer                      user_data)
{
  HealerProjectionJob *state;

  g_return_if_fail (model != NULL);
  g_return_if_fail (aligned != NULL);
  g_return_if_fail (config != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  state = g_new0 (HealerProjectionJob, 1);
  state->model = healer_model_ref (model);
  state->aligned = healer_dataset_ref (aligned);
  state->config = *config;
  healer_job_run (&healer_projection_job, NULL, healer_projection_compute_async,
                  state, healer_projection_job_free, cancellable,
                  (HealerRelayFunc) (void (*) (void)) progress, progress_data, progress_data_free,
                  callback, user_data);
}

HealerProjection *
healer_projection_compute_finish (GAsyncResult  *result,
                                  GError       **error)
{
  return healer_job_finish (result, healer_projection_compute_async, error);
}
