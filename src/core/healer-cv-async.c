/* healer-cv-async.c — cross-validation on a worker thread, with coalesced progress
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-cv.h"
#include "healer-relay.h"

typedef struct
{
  HealerDataset     *data;
  HealerTrainConfig  config;
  guint              n_folds;
  guint              n_repeats;
  guint64            seed;
  HealerRelay       *relay;       /* NULL without a progress function */
} CvJob;

static void
cv_job_free (gpointer data)
{
  CvJob *job = data;

  g_clear_pointer (&job->relay, healer_relay_unref);
  g_clear_pointer (&job->data, healer_dataset_unref);
  g_free (job);
}

/* Worker thread: the report's pointers lead into the worker's memory, so
 * only its figures travel. */
static void
cv_progress (const HealerCvProgress *progress,
             gpointer                data)
{
  CvJob *job = data;
  HealerCvProgress copy = *progress;

  copy.epoch = NULL;
  copy.finished = NULL;
  healer_relay_post (job->relay, &copy);
}

static void
cv_thread (GTask        *task,
           gpointer      source_object,
           gpointer      task_data,
           GCancellable *cancellable)
{
  CvJob *job = task_data;
  GError *error = NULL;
  HealerCvResult *result;

  result = healer_cross_validate (job->data, &job->config, job->n_folds, job->n_repeats, job->seed,
                                  cancellable, job->relay != NULL ? cv_progress : NULL, job, &error);
  if (result != NULL)
    g_task_return_pointer (task, result, (GDestroyNotify) healer_cv_result_free);
  else
    g_task_return_error (task, error);
}

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
  g_autoptr(GTask) task = NULL;
  CvJob *job;

  g_return_if_fail (data != NULL);
  g_return_if_fail (config != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  job = g_new0 (CvJob, 1);
  job->data = healer_dataset_ref (data);
  job->config = *config;
  job->n_folds = n_folds;
  job->n_repeats = n_repeats;
  job->seed = seed;
  if (progress != NULL)
    job->relay = healer_relay_new (sizeof (HealerCvProgress), NULL, "[healer] cross-validation progress",
                                   (HealerRelayFunc) (void (*) (void)) progress,
                                   progress_data, progress_data_free);
  else if (progress_data_free != NULL)
    progress_data_free (progress_data);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, healer_cross_validate_async);
  g_task_set_name (task, "[healer] cross-validate");
  g_task_set_task_data (task, job, cv_job_free);
  g_task_run_in_thread (task, cv_thread);
}

HealerCvResult *
healer_cross_validate_finish (GAsyncResult  *result,
                              GError       **error)
{
  CvJob *job;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == healer_cross_validate_async, NULL);

  /* No report after the result. */
  job = g_task_get_task_data (G_TASK (result));
  if (job->relay != NULL)
    healer_relay_close (job->relay);
  return g_task_propagate_pointer (G_TASK (result), error);
}
