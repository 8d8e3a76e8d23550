/* healer-results-projection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-relay.h"
#include "healer-results-projection.h"
#include "healer-sample.h"

/* Reading the file is about a tenth of the work of a t-SNE, most of a PCA:
 * this share of the bar is given to it. */
#define READ_SHARE 0.3

typedef struct
{
  HealerResultsProjectionProgress callback;
  gpointer                        user_data;
} Listener;

typedef struct
{
  HealerModel                    *model;
  char                           *path;
  HealerProjectionConfig          config;
  HealerRelay                    *relay;        /* carries a double, the fraction done */
  gint                            read_permille;

  gsize                          *rows;         /* result */
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->model, healer_model_unref);
  g_clear_pointer (&job->path, g_free);
  g_clear_pointer (&job->relay, healer_relay_unref);
  g_clear_pointer (&job->rows, g_free);
  g_free (job);
}

static void
deliver_progress (gconstpointer state,
                  gpointer      data)
{
  Listener *listener = data;

  listener->callback (*(const double *) state, listener->user_data);
}

/* Worker side. */
static void
report (GTask  *task,
        double  fraction)
{
  Job *job = g_task_get_task_data (task);

  if (job->relay != NULL)
    healer_relay_post (job->relay, &fraction);
}

static void
projection_progress (const HealerProjectionProgress *progress,
                     gpointer                        user_data)
{
  report (user_data, READ_SHARE + (1.0 - READ_SHARE) * progress->fraction);
}

static void
run_thread (GTask        *task,
            gpointer      source_object,
            gpointer      task_data,
            GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(HealerDataset) sample = NULL;
  g_autoptr(GError) error = NULL;
  HealerProjection *projection;
  gsize max_rows = job->config.method == HEALER_PROJECTION_TSNE
    ? HEALER_RESULTS_MAX_TSNE_POINTS : HEALER_RESULTS_MAX_PCA_POINTS;

  report (task, 0.0);
  sample = healer_sample_file (job->model, job->path, max_rows, job->config.seed,
                               &job->rows, &job->read_permille, cancellable, &error);
  if (sample == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  report (task, READ_SHARE);

  projection = healer_projection_compute (job->model, sample, &job->config, cancellable,
                                          projection_progress, task, &error);
  if (projection == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, projection, (GDestroyNotify) healer_projection_free);
}

void
healer_results_projection_run (HealerModel                    *model,
                               GFile                          *file,
                               const HealerProjectionConfig   *config,
                               GCancellable                   *cancellable,
                               HealerResultsProjectionProgress progress,
                               gpointer                        progress_data,
                               GAsyncReadyCallback             callback,
                               gpointer                        user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  Job *job;

  g_return_if_fail (model != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (config != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, healer_results_projection_run);

  if (!healer_projection_config_validate (config, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  job = g_new0 (Job, 1);
  job->model = healer_model_ref (model);
  job->path = g_file_get_path (file);
  job->config = *config;
  if (progress != NULL)
    {
      Listener *listener = g_new (Listener, 1);

      listener->callback = progress;
      listener->user_data = progress_data;
      job->relay = healer_relay_new (sizeof (double), NULL, "[healer] projection progress",
                                     deliver_progress, listener, g_free);
    }
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);

  if (job->path == NULL)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The samples’ file is not a local file and cannot be read again"));
      return;
    }

  g_task_run_in_thread (task, run_thread);
}

HealerProjection *
healer_results_projection_finish (GAsyncResult  *result,
                                  gsize        **rows,
                                  GError       **error)
{
  GTask *task = G_TASK (result);
  Job *job = g_task_get_task_data (task);
  HealerProjection *projection;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  /* A progress idle may still be queued: it must not call back into a
   * caller that considers the job over. */
  if (job != NULL && job->relay != NULL)
    healer_relay_close (job->relay);
  projection = g_task_propagate_pointer (task, error);
  if (rows != NULL)
    *rows = projection != NULL && job != NULL ? g_steal_pointer (&job->rows) : NULL;
  return projection;
}
