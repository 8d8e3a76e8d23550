/* healer-results-projection.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-job.h"
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
  HealerJob                      *worker;       /* reports a double, the fraction done */
  gint                            read_permille;

  gsize                          *rows;         /* result */
} Job;

static void
job_free (Job *job)
{
  g_clear_pointer (&job->model, healer_model_unref);
  g_clear_pointer (&job->path, g_free);
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
report (Job    *job,
        double  fraction)
{
  healer_job_report (job->worker, &fraction);
}

static void
projection_progress (const HealerProjectionProgress *progress,
                     gpointer                        user_data)
{
  report (user_data, READ_SHARE + (1.0 - READ_SHARE) * progress->fraction);
}

static gpointer
run_job (HealerJob     *worker,
         gpointer       data,
         GCancellable  *cancellable,
         GError       **error)
{
  Job *job = data;
  g_autoptr(HealerDataset) sample = NULL;
  gsize max_rows = job->config.method == HEALER_PROJECTION_TSNE
    ? HEALER_RESULTS_MAX_TSNE_POINTS : HEALER_RESULTS_MAX_PCA_POINTS;

  job->worker = worker;
  report (job, 0.0);
  sample = healer_sample_file (job->model, job->path, max_rows, job->config.seed,
                               &job->rows, &job->read_permille, cancellable, error);
  if (sample == NULL)
    return NULL;
  report (job, READ_SHARE);

  return healer_projection_compute (job->model, sample, &job->config, cancellable,
                                    projection_progress, job, error);
}

static const HealerJobInfo projection_job = {
  .name = "[healer] results projection",
  .func = run_job,
  .result_free = (GDestroyNotify) healer_projection_free,
  .progress_size = sizeof (double),
  .check_cancellable = TRUE,
  /* The map follows at once. */
  .deliver_last_report = FALSE,
};

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
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  Listener *listener = NULL;
  Job *job;

  g_return_if_fail (model != NULL);
  g_return_if_fail (G_IS_FILE (file));
  g_return_if_fail (config != NULL);

  if (!healer_projection_config_validate (config, &error))
    {
      g_task_report_error (NULL, callback, user_data, healer_results_projection_run,
                           g_steal_pointer (&error));
      return;
    }
  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_task_report_new_error (NULL, callback, user_data, healer_results_projection_run,
                               G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("The samples’ file is not a local file and cannot be read again"));
      return;
    }

  job = g_new0 (Job, 1);
  job->model = healer_model_ref (model);
  job->path = g_steal_pointer (&path);
  job->config = *config;
  if (progress != NULL)
    {
      listener = g_new (Listener, 1);
      listener->callback = progress;
      listener->user_data = progress_data;
    }
  healer_job_run (&projection_job, NULL, healer_results_projection_run,
                  job, (GDestroyNotify) job_free, cancellable,
                  listener != NULL ? deliver_progress : NULL, listener, g_free,
                  callback, user_data);
}

HealerProjection *
healer_results_projection_finish (GAsyncResult  *result,
                                  gsize        **rows,
                                  GError       **error)
{
  Job *job = healer_job_get_data (result);
  HealerProjection *projection;

  projection = healer_job_finish (result, healer_results_projection_run, error);
  if (rows != NULL)
    *rows = projection != NULL && job != NULL ? g_steal_pointer (&job->rows) : NULL;
  return projection;
}
