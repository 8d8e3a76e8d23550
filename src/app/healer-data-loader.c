/* healer-data-loader.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "healer-data-loader.h"
#include "healer-job.h"
#include "healer-simulate.h"

/* Rows per chunk: some 1.7 MB of floats for the real 107 KPIs, so a 50 MB
 * file reports progress and notices Cancel a few dozen times. */
#define CHUNK_ROWS 4096

/* What a progress report carries from the worker, through the job's relay
 * (at most one idle queued, however fast the reader goes). */
typedef struct
{
  guint64  done;
  guint64  total;
  gboolean checking;
} Progress;

typedef struct
{
  HealerDataLoadProgress callback;
  gpointer               user_data;
} Listener;

typedef struct
{
  GFile       *file;
  gsize        demo_samples;
  HealerJob   *worker;      /* while the job runs */
} Job;

static void
deliver_progress (gconstpointer state,
                  gpointer      data)
{
  const Progress *p = state;
  Listener *listener = data;

  listener->callback (p->done, p->total, p->checking, listener->user_data);
}

/* Worker thread. */
static void
progress_report (Job      *job,
                 guint64   done,
                 guint64   total,
                 gboolean  checking)
{
  Progress p = { done, total, checking };

  healer_job_report (job->worker, &p);
}

/* join_chunks() frees chunks as it goes and leaves NULL behind. */
static void
chunk_free (gpointer chunk)
{
  if (chunk != NULL)
    healer_dataset_unref (chunk);
}

static void
job_free (Job *job)
{
  g_clear_object (&job->file);
  g_free (job);
}

void
healer_data_load_free (HealerDataLoad *load)
{
  if (load == NULL)
    return;
  g_clear_pointer (&load->dataset, healer_dataset_unref);
  g_clear_pointer (&load->stats, healer_stats_free);
  g_clear_object (&load->file);
  g_free (load);
}

/* One table from the chunks, which are freed as they are copied so the
 * peak memory stays near one copy of the data. The first chunk is the
 * template (healer_dataset_subset keeps its source name, which later
 * messages of the trainer and the model quote); the rows after it are then
 * filled in place. */
static HealerDataset *
join_chunks (GPtrArray *chunks,
             gsize      n_rows)
{
  HealerDataset *first = g_ptr_array_index (chunks, 0);
  g_autofree gsize *rows = NULL;
  HealerDataset *out;
  gsize offset;
  guint nf = first->n_features;

  if (chunks->len == 1)
    return healer_dataset_ref (first);

  rows = g_new0 (gsize, n_rows);
  for (gsize i = 0; i < first->n_rows; i++)
    rows[i] = i;
  out = healer_dataset_subset (first, rows, n_rows);
  offset = first->n_rows;

  for (guint c = 1; c < chunks->len; c++)
    {
      HealerDataset *chunk = g_ptr_array_index (chunks, c);

      memcpy (out->x + offset * nf, chunk->x, chunk->n_rows * nf * sizeof (float));
      if (out->labels != NULL)
        memcpy (out->labels + offset, chunk->labels, chunk->n_rows * sizeof (gint32));
      if (out->sample_ids != NULL)
        for (gsize i = 0; i < chunk->n_rows; i++)
          healer_dataset_set_sample_id (out, offset + i, chunk->sample_ids[i]);
      offset += chunk->n_rows;
      g_clear_pointer (&g_ptr_array_index (chunks, c), healer_dataset_unref);
    }
  return out;
}

static HealerDataset *
read_file (Job           *job,
           GCancellable  *cancellable,
           guint64       *bytes,
           GError       **error)
{
  g_autoptr(HealerCsvReader) reader = NULL;
  g_autoptr(GPtrArray) chunks = NULL;
  gsize n_rows = 0;
  guint64 total;

  reader = healer_csv_reader_new_for_file (job->file, cancellable, error);
  if (reader == NULL)
    return NULL;
  total = healer_csv_reader_get_size (reader);
  progress_report (job, healer_csv_reader_get_bytes_read (reader), total, FALSE);

  chunks = g_ptr_array_new_with_free_func (chunk_free);
  for (;;)
    {
      HealerDataset *chunk;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;
      chunk = healer_csv_reader_read_chunk (reader, CHUNK_ROWS, cancellable, error);
      if (chunk == NULL)
        return NULL;
      if (chunk->n_rows == 0)
        {
          healer_dataset_unref (chunk);
          break;
        }
      n_rows += chunk->n_rows;
      g_ptr_array_add (chunks, chunk);
      progress_report (job, healer_csv_reader_get_bytes_read (reader), total, FALSE);
    }

  if (n_rows == 0)
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_NO_ROWS,
                   "%s: %s", healer_csv_reader_get_name (reader),
                   _("the file has a header but no data rows; expected at least one row "
                     "of values after the header"));
      return NULL;
    }

  *bytes = healer_csv_reader_get_bytes_read (reader);
  return join_chunks (chunks, n_rows);
}

static gpointer
load_run (HealerJob     *worker,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  Job *job = data;
  g_autoptr(HealerDataLoad) load = g_new0 (HealerDataLoad, 1);
  gint64 start = g_get_monotonic_time ();

  job->worker = worker;
  load->file = job->file ? g_object_ref (job->file) : NULL;
  if (job->file != NULL)
    {
      load->dataset = read_file (job, cancellable, &load->bytes, error);
    }
  else
    {
      HealerSimulateConfig config;

      healer_simulate_config_init_default (&config);
      config.n_samples = job->demo_samples;
      load->dataset = healer_simulate (&config);
    }

  if (load->dataset == NULL)
    return NULL;

  progress_report (job, load->bytes, load->bytes, TRUE);
  load->stats = healer_stats_compute (load->dataset, cancellable, error);
  if (load->stats == NULL)
    return NULL;

  load->elapsed_us = g_get_monotonic_time () - start;
  return g_steal_pointer (&load);
}

static const HealerJobInfo load_job = {
  .name = "[healer] data load",
  .func = load_run,
  .result_free = (GDestroyNotify) healer_data_load_free,
  .progress_size = sizeof (Progress),
  .check_cancellable = TRUE,
  /* The report follows at once. */
  .deliver_last_report = FALSE,
};

void
healer_data_load_async (gpointer                source_object,
                        GFile                  *file,
                        gsize                   demo_samples,
                        GCancellable           *cancellable,
                        HealerDataLoadProgress  progress,
                        gpointer                progress_data,
                        GAsyncReadyCallback     callback,
                        gpointer                user_data)
{
  Listener *listener = NULL;
  Job *job;

  g_return_if_fail (!file || G_IS_FILE (file));
  g_return_if_fail (file != NULL || demo_samples > 0);

  job = g_new0 (Job, 1);
  job->file = file ? g_object_ref (file) : NULL;
  job->demo_samples = demo_samples;
  if (progress != NULL)
    {
      listener = g_new (Listener, 1);
      listener->callback = progress;
      listener->user_data = progress_data;
    }
  healer_job_run (&load_job, source_object, healer_data_load_async,
                  job, (GDestroyNotify) job_free, cancellable,
                  listener != NULL ? deliver_progress : NULL, listener, g_free,
                  callback, user_data);
}

HealerDataLoad *
healer_data_load_finish (GAsyncResult  *result,
                         GError       **error)
{
  return healer_job_finish (result, healer_data_load_async, error);
}
