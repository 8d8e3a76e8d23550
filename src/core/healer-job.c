/* healer-job.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-job.h"

struct _HealerJob
{
  const HealerJobInfo *info;
  gpointer             data;
  GDestroyNotify       data_free;
  HealerRelay         *relay;       /* NULL without a progress function */
  GAsyncReadyCallback  callback;
  gpointer             user_data;
};

static void
healer_job_free (gpointer data)
{
  HealerJob *job = data;

  g_clear_pointer (&job->relay, healer_relay_unref);
  if (job->data_free != NULL)
    g_clear_pointer (&job->data, job->data_free);
  g_free (job);
}

static void
healer_job_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  HealerJob *job = task_data;
  GError *error = NULL;
  gpointer result;

  result = job->info->func (job, job->data, cancellable, &error);
  if (error != NULL)
    {
      /* A function that fails returns no result; should one come anyway,
       * it is not leaked. */
      if (result != NULL && job->info->result_free != NULL)
        job->info->result_free (result);
      g_task_return_error (task, error);
    }
  else
    g_task_return_pointer (task, result, job->info->result_free);
}

/* Caller's thread, before the caller hears of the result: the last report
 * first (or not, as the job's kind says), then nothing more. The task's
 * data keeps @job alive until the task is finalized, after this. */
static void
healer_job_done (GObject      *source_object,
                 GAsyncResult *result,
                 gpointer      data)
{
  HealerJob *job = data;

  if (job->relay != NULL && job->info->deliver_last_report)
    healer_relay_flush_and_close (job->relay);
  else if (job->relay != NULL)
    healer_relay_close (job->relay);
  if (job->callback != NULL)
    job->callback (source_object, result, job->user_data);
}

void
healer_job_run (const HealerJobInfo *info,
                gpointer             source_object,
                gpointer             source_tag,
                gpointer             data,
                GDestroyNotify       data_free,
                GCancellable        *cancellable,
                HealerRelayFunc      progress,
                gpointer             progress_data,
                GDestroyNotify       progress_data_free,
                GAsyncReadyCallback  callback,
                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *relay_name = NULL;
  HealerJob *job;

  g_return_if_fail (info != NULL && info->func != NULL);
  g_return_if_fail (source_object == NULL || G_IS_OBJECT (source_object));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (progress == NULL || info->progress_size > 0);

  job = g_new0 (HealerJob, 1);
  job->info = info;
  job->data = data;
  job->data_free = data_free;
  job->callback = callback;
  job->user_data = user_data;
  if (progress != NULL)
    {
      relay_name = g_strconcat (info->name, " progress", NULL);
      job->relay = healer_relay_new (info->progress_size, NULL, relay_name,
                                     progress, progress_data, progress_data_free);
    }
  else if (progress_data_free != NULL)
    progress_data_free (progress_data);

  task = g_task_new (source_object, cancellable, healer_job_done, job);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, info->name);
  g_task_set_task_data (task, job, healer_job_free);
  g_task_set_check_cancellable (task, info->check_cancellable);
  g_task_run_in_thread (task, healer_job_thread);
}

gpointer
healer_job_finish (GAsyncResult  *result,
                   gpointer       source_tag,
                   GError       **error)
{
  g_return_val_if_fail (G_IS_TASK (result), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

gpointer
healer_job_get_data (GAsyncResult *result)
{
  HealerJob *job;

  g_return_val_if_fail (G_IS_TASK (result), NULL);

  /* g_task_report_error() leaves no job behind. */
  job = g_task_get_task_data (G_TASK (result));
  return job != NULL ? job->data : NULL;
}

gboolean
healer_job_wants_progress (HealerJob *job)
{
  g_return_val_if_fail (job != NULL, FALSE);

  return job->relay != NULL;
}

void
healer_job_report (HealerJob     *job,
                   gconstpointer  report)
{
  g_return_if_fail (job != NULL);

  if (job->relay != NULL)
    healer_relay_post (job->relay, report);
}
