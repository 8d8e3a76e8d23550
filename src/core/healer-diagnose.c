/* healer-diagnose.c — a batch of samples diagnosed by a model, and one pasted sample
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "healer-diagnose.h"
#include "healer-output.h"
#include "healer-metrics.h"

/* The name errors give the text, as a file name would be given. */
#define PASTED_NAME N_("pasted sample")

void
healer_diagnosis_free (HealerDiagnosis *self)
{
  if (self == NULL)
    return;

  g_free (self->class_ids);
  g_strfreev (self->class_names);
  g_free (self->sample_ids);
  g_free (self->proba);
  g_free (self->predicted);
  g_free (self->uncertainty);
  g_free (self->reasons);
  g_free (self->true_labels);
  g_free (self->counts);
  g_clear_pointer (&self->drift, healer_drift_report_free);
  g_free (self->source_name);
  g_strfreev (self->extra_columns);
  g_strfreev (self->missing_columns);
  g_clear_pointer (&self->ids_chunk, g_string_chunk_free);
  g_free (self);
}

static HealerDiagnosis *
diagnosis_new (const HealerModel *model,
               const char  *name)
{
  HealerDiagnosis *self = g_new0 (HealerDiagnosis, 1);
  guint k = model->n_classes;

  self->n_classes = k;
  self->class_ids = g_memdup2 (model->class_ids, k * sizeof (gint32));
  self->class_names = g_new0 (char *, k + 1);
  for (guint c = 0; c < k; c++)
    self->class_names[c] = g_strdup (model->class_names != NULL && model->class_names[c] != NULL
                                     ? model->class_names[c] : "");
  self->counts = g_new0 (gsize, k);
  self->confidence_threshold = model->confidence_threshold;
  self->set_threshold = model->set_threshold;
  self->source_name = g_strdup (name);
  self->ids_chunk = g_string_chunk_new (64 * 1024);
  return self;
}

/* Arrays grow by doubling: the number of rows is unknown until the end. */
static void
diagnosis_reserve (HealerDiagnosis *self,
                   gsize           *allocated,
                   gsize            n_rows,
                   gboolean         with_labels)
{
  gsize n;

  if (n_rows <= *allocated)
    return;

  n = MAX (*allocated * 2, MAX (n_rows, 1024));
  self->sample_ids = g_renew (const char *, self->sample_ids, n);
  self->proba = g_renew (float, self->proba, n * self->n_classes);
  self->predicted = g_renew (guint16, self->predicted, n);
  self->uncertainty = g_renew (guint8, self->uncertainty, n);
  self->reasons = g_renew (const char *, self->reasons, n);
  if (with_labels)
    self->true_labels = g_renew (gint32, self->true_labels, n);
  *allocated = n;
}

static void
diagnosis_shrink (HealerDiagnosis *self,
                  gboolean         with_labels)
{
  gsize n = MAX (self->n_rows, 1);

  self->sample_ids = g_renew (const char *, self->sample_ids, n);
  self->proba = g_renew (float, self->proba, n * self->n_classes);
  self->predicted = g_renew (guint16, self->predicted, n);
  self->uncertainty = g_renew (guint8, self->uncertainty, n);
  self->reasons = g_renew (const char *, self->reasons, n);
  if (with_labels)
    self->true_labels = g_renew (gint32, self->true_labels, n);
}

/* ---- the one diagnosis loop ---- */

/* Parts a chunk is cut into for the threads: 8192 rows make parts of 256,
 * small enough that two threads and the reader's end level. */
#define HEALER_DIAGNOSE_PARTS 32

struct _HealerDiagnoseIter
{
  const HealerModel   *model;
  HealerCsvReader     *reader;
  char                *name;
  gsize                chunk_rows;
  HealerDrift         *drift;
  gboolean             started;
  gboolean             failed;
  gboolean             done;
  char               **extra_columns;
  char               **missing_columns;
  gsize                n_rows;
  gsize               *counts;
  gsize                n_uncertain;

  /* The current chunk and its buffers, reused from chunk to chunk. */
  HealerDiagnoseChunk  chunk;
  HealerDataset       *rows;
  HealerDataset       *aligned;
  gsize                allocated;
  float               *proba;
  guint16             *predicted;
  guint8              *uncertainty;
  const char         **reasons;
  const char         **ids;
  GStringChunk        *numbers;   /* the row numbers standing in for ids */
  GStringChunk        *reason_texts;
  char               **new_reasons;  /* per row, made by the threads, owned */

  guint                n_threads;    /* 0: one per processor */
  HealerParallel      *parallel;     /* made at the first chunk */

  /* With healer_diagnose_iter_set_csv: each part's rows formatted by the
   * thread that diagnosed them, then joined in file order. */
  gboolean             csv;
  GString             *part_csv[HEALER_DIAGNOSE_PARTS];
  GString             *csv_text;

  /* The next chunk, read by a thread of its own while the current one is
   * diagnosed and the caller writes it; joined before anything else touches
   * the reader. */
  GThread             *prefetch;
  GCancellable        *prefetch_cancellable;  /* the iterator's own, cancelled by
                                                * the caller's and by _free() */
  GCancellable        *prefetch_caller;
  gulong               prefetch_handler;
  /* While the read runs, the diagnosis leaves it a core: of n threads,
   * n − 1 take parts (see diagnose_job_parts). */
  GMutex               ahead_lock;
  GCond                ahead_cond;
  gboolean             ahead_running;   /* under ahead_lock */
  HealerDataset       *prefetched;
  GError              *prefetch_error;
  guint64              bytes_read;   /* up to the last chunk handed out */
};

static gpointer
prefetch_thread (gpointer data)
{
  HealerDiagnoseIter *self = data;

  self->prefetched = healer_csv_reader_read_chunk (self->reader, self->chunk_rows,
                                                   self->prefetch_cancellable,
                                                   &self->prefetch_error);
  g_mutex_lock (&self->ahead_lock);
  self->ahead_running = FALSE;
  g_cond_broadcast (&self->ahead_cond);
  g_mutex_unlock (&self->ahead_lock);
  return NULL;
}

static void
prefetch_join (HealerDiagnoseIter *self)
{
  if (self->prefetch == NULL)
    return;
  g_thread_join (g_steal_pointer (&self->prefetch));
  if (self->prefetch_caller != NULL)
    {
      g_cancellable_disconnect (self->prefetch_caller, self->prefetch_handler);
      self->prefetch_handler = 0;
      g_clear_object (&self->prefetch_caller);
    }
}

static void
prefetch_cancel_cb (GCancellable *caller,
                    gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

/* Starts reading the chunk after the one just handed out, unless the
 * caller asked for one thread: then every read happens in _next(). The
 * read has a cancellable of its own, which the caller's cancels, and so
 * does _free(): a reader blocked on a pipe that stays open (tail -f |
 * predict -) must not keep a failing command from exiting. */
static void
prefetch_start (HealerDiagnoseIter *self,
                GCancellable       *cancellable)
{
  if (healer_parallel_get_n_threads (self->parallel) < 2)
    return;
  if (self->prefetch_cancellable == NULL || g_cancellable_is_cancelled (self->prefetch_cancellable))
    {
      g_clear_object (&self->prefetch_cancellable);
      self->prefetch_cancellable = g_cancellable_new ();
    }
  if (cancellable != NULL)
    {
      self->prefetch_caller = g_object_ref (cancellable);
      self->prefetch_handler = g_cancellable_connect (cancellable, G_CALLBACK (prefetch_cancel_cb),
                                                      self->prefetch_cancellable, NULL);
    }
  g_mutex_lock (&self->ahead_lock);
  self->ahead_running = TRUE;
  g_mutex_unlock (&self->ahead_lock);
  self->prefetch = g_thread_try_new ("healer-read", prefetch_thread, self, NULL);
  if (self->prefetch == NULL)
    {
      g_mutex_lock (&self->ahead_lock);
      self->ahead_running = FALSE;
      g_mutex_unlock (&self->ahead_lock);
    }
  if (self->prefetch == NULL && self->prefetch_caller != NULL)
    {
      g_cancellable_disconnect (self->prefetch_caller, self->prefetch_handler);
      self->prefetch_handler = 0;
      g_clear_object (&self->prefetch_caller);
    }
}

/* The next chunk's rows: the prefetched ones, or read now. */
static HealerDataset *
read_rows (HealerDiagnoseIter *self,
           GCancellable       *cancellable,
           GError            **error)
{
  if (self->prefetch == NULL)
    return healer_csv_reader_read_chunk (self->reader, self->chunk_rows, cancellable, error);
  prefetch_join (self);
  if (self->prefetched == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&self->prefetch_error));
      return NULL;
    }
  return g_steal_pointer (&self->prefetched);
}

/* The rows of a chunk past the network: class, flag and reason of each row,
 * computed alone, so the thread it falls to changes nothing. */
static void
diagnose_rows (HealerDiagnoseIter *self,
               gsize               first,
               gsize               last)
{
  const HealerModel *model = self->model;
  guint k = model->n_classes;

  for (gsize i = first; i < last; i++)
    {
      const float *p = self->proba + i * k;
      const float *row = healer_dataset_row (self->aligned, i);
      HealerUncertainty why = healer_model_row_uncertainty (model, row, p);

      self->predicted[i] = (guint16) healer_argmax (p, k);
      self->uncertainty[i] = (guint8) why;
      self->new_reasons[i] = why != HEALER_UNCERTAIN_NONE
                               ? healer_model_row_reason (model, row, p, why)
                               : NULL;
    }
}

/* The same rows as predict's CSV lines, appended to @text. */
static void
format_rows (HealerDiagnoseIter *self,
             gsize               first,
             gsize               last,
             GString            *text)
{
  const HealerModel *model = self->model;
  const gint32 *labels = self->rows->labels;
  guint k = model->n_classes;

  for (gsize i = first; i < last; i++)
    {
      healer_predictions_append_row (text, self->ids[i], model->class_ids,
                                     (const char * const *) model->class_names, k,
                                     self->proba + i * k, self->predicted[i],
                                     self->uncertainty[i] != HEALER_UNCERTAIN_NONE,
                                     model->set_threshold, self->new_reasons[i],
                                     labels != NULL ? &labels[i] : NULL);
    }
}

/* The chunk cut into HEALER_DIAGNOSE_PARTS parts of consecutive rows, which
 * the threads take one at a time: a part's rows go through the network,
 * the flags and the CSV text on the thread that took it, while they are in
 * its cache, and the parts are joined in order, so the text is the same
 * whatever the threads.
 *
 * The read of the next chunk is the pipeline's one serial stage. With one
 * thread per processor taking parts beside it, the reader got two thirds
 * of a core on two, and the diagnosis waited for it at every chunk (perf:
 * the reading thread busy all along, 1.7 of the 2 cores in use). So while
 * it runs, only n − 1 threads take parts; the others wait until it ends or
 * no part is left. Which thread does which part changes nothing. */
typedef struct
{
  HealerDiagnoseIter *iter;
  gsize               n;
  guint               n_parts;
  gint                next;      /* atomic: the next part to take */
  gint                taking;    /* atomic: threads taking parts */
  guint               n_threads;
} PartsJob;

static void
diagnose_part (HealerDiagnoseIter *self,
               PartsJob           *job,
               gsize               p)
{
  gsize first = job->n * p / job->n_parts, last = job->n * (p + 1) / job->n_parts;

  healer_model_predict_proba_rows (self->model, self->aligned, first, last, self->proba);
  diagnose_rows (self, first, last);
  if (self->csv)
    {
      g_string_truncate (self->part_csv[p], 0);
      format_rows (self, first, last, self->part_csv[p]);
    }
}

/* Called once per thread: takes parts until none is left. */
static void
diagnose_job_parts (gpointer data,
                    gsize    first_call,
                    gsize    last_call)
{
  PartsJob *job = data;
  HealerDiagnoseIter *self = job->iter;

  for (gsize c = first_call; c < last_call; c++)
    {
      /* Wait while the reader runs and enough threads take parts. */
      g_mutex_lock (&self->ahead_lock);
      while (self->ahead_running && g_atomic_int_get (&job->next) < (gint) job->n_parts &&
             (guint) g_atomic_int_get (&job->taking) + 1 >= job->n_threads)
        g_cond_wait (&self->ahead_cond, &self->ahead_lock);
      g_atomic_int_inc (&job->taking);
      g_mutex_unlock (&self->ahead_lock);

      for (;;)
        {
          gint p = g_atomic_int_add (&job->next, 1);

          if (p >= (gint) job->n_parts)
            break;
          diagnose_part (self, job, (gsize) p);
        }

      /* No part left: a thread still waiting for the reader goes. */
      g_mutex_lock (&self->ahead_lock);
      g_atomic_int_dec_and_test (&job->taking);
      g_cond_broadcast (&self->ahead_cond);
      g_mutex_unlock (&self->ahead_lock);
    }
}

static HealerDiagnoseIter *
iter_new_take (const HealerModel *model,
               HealerCsvReader   *reader,
               char              *name,
               gsize              chunk_rows,
               gboolean           drift)
{
  HealerDiagnoseIter *self = g_new0 (HealerDiagnoseIter, 1);

  self->model = model;
  self->reader = reader;
  self->name = name;
  self->chunk_rows = chunk_rows > 0 ? chunk_rows : HEALER_DIAGNOSE_CHUNK_ROWS;
  /* The seed of the model: the same file gives the same report in the CLI
   * and the app. */
  if (drift)
    self->drift = healer_drift_new (model, model->config.seed);
  self->counts = g_new0 (gsize, model->n_classes);
  self->numbers = g_string_chunk_new (4096);
  g_mutex_init (&self->ahead_lock);
  g_cond_init (&self->ahead_cond);
  self->reason_texts = g_string_chunk_new (4096);
  return self;
}

HealerDiagnoseIter *
healer_diagnose_iter_new (const HealerModel  *model,
                          GInputStream       *stream,
                          const char         *name,
                          gsize               chunk_rows,
                          gboolean            drift,
                          GCancellable       *cancellable,
                          GError            **error)
{
  HealerCsvReader *reader;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  reader = healer_csv_reader_new (stream, name, cancellable, error);
  if (reader == NULL)
    return NULL;
  return iter_new_take (model, reader, g_strdup (name), chunk_rows, drift);
}

HealerDiagnoseIter *
healer_diagnose_iter_new_for_path (const HealerModel  *model,
                                   const char         *path,
                                   gsize               chunk_rows,
                                   gboolean            drift,
                                   GCancellable       *cancellable,
                                   GError            **error)
{
  HealerCsvReader *reader;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  reader = healer_csv_reader_new_for_path (path, cancellable, error);
  if (reader == NULL)
    return NULL;
  /* The name the reader puts in its own messages. */
  return iter_new_take (model, reader, g_strdup (healer_csv_reader_get_name (reader)),
                        chunk_rows, drift);
}

HealerDiagnoseIter *
healer_diagnose_iter_new_for_file (const HealerModel  *model,
                                   GFile              *file,
                                   gsize               chunk_rows,
                                   gboolean            drift,
                                   GCancellable       *cancellable,
                                   GError            **error)
{
  HealerCsvReader *reader;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  reader = healer_csv_reader_new_for_file (file, cancellable, error);
  if (reader == NULL)
    return NULL;
  return iter_new_take (model, reader, g_strdup (healer_csv_reader_get_name (reader)),
                        chunk_rows, drift);
}

void
healer_diagnose_iter_free (HealerDiagnoseIter *self)
{
  if (self == NULL)
    return;

  if (self->prefetch != NULL)
    g_cancellable_cancel (self->prefetch_cancellable);
  prefetch_join (self);
  g_clear_object (&self->prefetch_cancellable);
  g_clear_pointer (&self->prefetched, healer_dataset_unref);
  g_clear_error (&self->prefetch_error);
  g_clear_pointer (&self->reader, healer_csv_reader_free);
  g_free (self->name);
  g_clear_pointer (&self->drift, healer_drift_free);
  g_strfreev (self->extra_columns);
  g_strfreev (self->missing_columns);
  g_free (self->counts);
  g_clear_pointer (&self->rows, healer_dataset_unref);
  g_clear_pointer (&self->aligned, healer_dataset_unref);
  g_free (self->proba);
  g_free (self->predicted);
  g_free (self->uncertainty);
  g_free (self->reasons);
  g_free (self->ids);
  g_string_chunk_free (self->numbers);
  g_string_chunk_free (self->reason_texts);
  g_free (self->new_reasons);
  for (guint p = 0; p < HEALER_DIAGNOSE_PARTS; p++)
    if (self->part_csv[p] != NULL)
      g_string_free (self->part_csv[p], TRUE);
  if (self->csv_text != NULL)
    g_string_free (self->csv_text, TRUE);
  g_clear_pointer (&self->parallel, healer_parallel_free);
  g_mutex_clear (&self->ahead_lock);
  g_cond_clear (&self->ahead_cond);
  g_free (self);
}

static gboolean
iter_fail (HealerDiagnoseIter *self)
{
  self->failed = TRUE;
  return FALSE;
}

gboolean
healer_diagnose_iter_next (HealerDiagnoseIter         *self,
                           const HealerDiagnoseChunk **chunk,
                           GCancellable               *cancellable,
                           GError                    **error)
{
  const HealerModel *model;
  g_auto(GStrv) missing = NULL;
  g_auto(GStrv) extra = NULL;
  guint k;
  gsize n;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (chunk != NULL, FALSE);

  *chunk = NULL;
  model = self->model;
  k = model->n_classes;
  if (self->failed)
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_IO,
                   _("%s: cannot read on after an earlier error"), self->name);
      return FALSE;
    }
  if (self->done)
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return iter_fail (self);

  g_clear_pointer (&self->rows, healer_dataset_unref);
  g_clear_pointer (&self->aligned, healer_dataset_unref);
  self->rows = read_rows (self, cancellable, error);
  if (self->rows == NULL)
    return iter_fail (self);
  n = self->rows->n_rows;

  /* Aligning the first chunk, even an empty one, checks the header before
   * anything else is said about the file. */
  if (!self->started || n > 0)
    {
      self->aligned = healer_model_align (model, self->rows, &missing, &extra, error);
      if (self->aligned == NULL)
        return iter_fail (self);
    }
  if (!self->started)
    {
      self->extra_columns = g_steal_pointer (&extra);
      self->missing_columns = g_steal_pointer (&missing);
    }
  self->started = TRUE;

  if (n == 0)
    {
      if (self->n_rows == 0)
        {
          healer_csv_reader_set_no_rows_error (self->reader, error);
          return iter_fail (self);
        }
      self->done = TRUE;
      return TRUE;
    }

  if (n > self->allocated)
    {
      self->proba = g_renew (float, self->proba, n * k);
      self->predicted = g_renew (guint16, self->predicted, n);
      self->uncertainty = g_renew (guint8, self->uncertainty, n);
      self->reasons = g_renew (const char *, self->reasons, n);
      self->ids = g_renew (const char *, self->ids, n);
      self->new_reasons = g_renew (char *, self->new_reasons, n);
      self->allocated = n;
    }

  if (self->parallel == NULL)
    self->parallel = healer_parallel_new (self->n_threads > 0
                                          ? self->n_threads
                                          : MIN (g_get_num_processors (), 16));
  /* The next chunk is read while this one is diagnosed, not only while the
   * caller writes it: the network's threads and the reader's then share
   * the cores, instead of the reader idling through the diagnosis and the
   * network's threads through the tail of the read. The count is taken
   * first: the reader is the read's alone from here on. */
  self->bytes_read = healer_csv_reader_get_bytes_read (self->reader);
  prefetch_start (self, cancellable);
  /* The ids first: the parts write them into the CSV lines. */
  g_string_chunk_clear (self->numbers);
  for (gsize i = 0; i < n; i++)
    {
      if (self->rows->sample_ids != NULL)
        self->ids[i] = self->rows->sample_ids[i];
      else
        {
          char buf[32];

          g_snprintf (buf, sizeof buf, "%" G_GSIZE_FORMAT, self->n_rows + i + 1);
          self->ids[i] = g_string_chunk_insert (self->numbers, buf);
        }
    }
  {
    guint n_threads = healer_parallel_get_n_threads (self->parallel);
    PartsJob job = { self, n, (guint) MIN (n, HEALER_DIAGNOSE_PARTS), 0, 0, n_threads };

    healer_parallel_run (self->parallel, n_threads, diagnose_job_parts, &job);
    if (self->csv)
      {
        g_string_truncate (self->csv_text, 0);
        for (guint p = 0; p < job.n_parts; p++)
          g_string_append_len (self->csv_text, self->part_csv[p]->str,
                               (gssize) self->part_csv[p]->len);
        self->chunk.csv = self->csv_text->str;
        self->chunk.csv_len = self->csv_text->len;
      }
  }
  g_string_chunk_clear (self->reason_texts);
  for (gsize i = 0; i < n; i++)
    {
      self->reasons[i] = NULL;
      if (self->new_reasons[i] != NULL)
        {
          /* Few distinct reasons: stored once each. */
          self->reasons[i] = g_string_chunk_insert_const (self->reason_texts,
                                                          self->new_reasons[i]);
          g_clear_pointer (&self->new_reasons[i], g_free);
        }
      self->counts[self->predicted[i]]++;
      self->n_uncertain += self->uncertainty[i] != HEALER_UNCERTAIN_NONE;
    }
  if (self->drift != NULL)
    healer_drift_add (self->drift, self->aligned);

  self->chunk.first_row = self->n_rows;
  self->chunk.n_rows = n;
  self->chunk.n_classes = k;
  self->chunk.sample_ids = self->ids;
  self->chunk.proba = self->proba;
  self->chunk.predicted = self->predicted;
  self->chunk.uncertainty = self->uncertainty;
  self->chunk.reasons = self->reasons;
  self->chunk.true_labels = self->rows->labels;
  self->chunk.aligned = self->aligned;
  self->n_rows += n;
  *chunk = &self->chunk;
  return TRUE;
}

void
healer_diagnose_iter_set_csv (HealerDiagnoseIter *self,
                              gboolean            csv)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->started);

  self->csv = csv;
  if (csv && self->csv_text == NULL)
    {
      for (guint p = 0; p < HEALER_DIAGNOSE_PARTS; p++)
        self->part_csv[p] = g_string_new (NULL);
      self->csv_text = g_string_new (NULL);
    }
}

void
healer_diagnose_iter_set_n_threads (HealerDiagnoseIter *self,
                                    guint               n_threads)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (!self->started);
  g_return_if_fail (n_threads <= 64);

  self->n_threads = n_threads;
}

gboolean
healer_diagnose_iter_has_labels (HealerDiagnoseIter *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return healer_csv_reader_has_labels (self->reader);
}

const char * const *
healer_diagnose_iter_get_extra_columns (HealerDiagnoseIter *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->extra_columns;
}

const char * const *
healer_diagnose_iter_get_missing_columns (HealerDiagnoseIter *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return (const char * const *) self->missing_columns;
}

gsize
healer_diagnose_iter_get_n_rows (HealerDiagnoseIter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_rows;
}

const gsize *
healer_diagnose_iter_get_counts (HealerDiagnoseIter *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->counts;
}

gsize
healer_diagnose_iter_get_n_uncertain (HealerDiagnoseIter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_uncertain;
}

guint64
healer_diagnose_iter_get_bytes_read (HealerDiagnoseIter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  /* Not the reader's own count: the reader may be in another thread. */
  return self->bytes_read;
}

guint64
healer_diagnose_iter_get_size (HealerDiagnoseIter *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return healer_csv_reader_get_size (self->reader);
}

HealerDriftReport *
healer_diagnose_iter_drift_report (HealerDiagnoseIter *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->drift != NULL ? healer_drift_report (self->drift) : NULL;
}

/* ---- a whole batch in memory, for the app ---- */

/* The one tail of the three entry points below: they differ only in how
 * the iterator is made. Takes @owned_iter, NULL when making it failed
 * (@error is then set). */
static HealerDiagnosis *
diagnose_iter (const HealerModel          *model,
               HealerDiagnoseIter         *owned_iter,
               GCancellable               *cancellable,
               HealerDiagnoseProgressFunc  progress,
               gpointer                    user_data,
               GError                    **error)
{
  g_autoptr(HealerDiagnoseIter) iter = owned_iter;
  g_autoptr(HealerDiagnosis) self = NULL;
  gboolean with_labels;
  gsize allocated = 0;
  guint k = model->n_classes;
  const HealerDiagnoseChunk *chunk;

  if (iter == NULL)
    return NULL;

  /* The iterator's name is the one its reader puts in its messages. */
  self = diagnosis_new (model, iter->name);
  with_labels = healer_diagnose_iter_has_labels (iter);

  for (;;)
    {
      gsize base = self->n_rows;

      if (!healer_diagnose_iter_next (iter, &chunk, cancellable, error))
        return NULL;
      if (self->extra_columns == NULL)
        self->extra_columns = g_strdupv ((char **) healer_diagnose_iter_get_extra_columns (iter));
      if (self->missing_columns == NULL)
        self->missing_columns = g_strdupv ((char **) healer_diagnose_iter_get_missing_columns (iter));
      if (chunk == NULL)
        break;

      diagnosis_reserve (self, &allocated, base + chunk->n_rows, with_labels);
      memcpy (self->proba + base * k, chunk->proba, chunk->n_rows * k * sizeof (float));
      memcpy (self->predicted + base, chunk->predicted, chunk->n_rows * sizeof (guint16));
      memcpy (self->uncertainty + base, chunk->uncertainty, chunk->n_rows);
      if (with_labels)
        memcpy (self->true_labels + base, chunk->true_labels, chunk->n_rows * sizeof (gint32));
      for (gsize i = 0; i < chunk->n_rows; i++)
        {
          self->sample_ids[base + i] = g_string_chunk_insert (self->ids_chunk,
                                                              chunk->sample_ids[i]);
          self->reasons[base + i] = chunk->reasons[i] != NULL
                                    ? g_string_chunk_insert_const (self->ids_chunk, chunk->reasons[i])
                                    : NULL;
        }
      self->n_rows += chunk->n_rows;

      if (progress != NULL)
        progress (healer_diagnose_iter_get_bytes_read (iter),
                  healer_diagnose_iter_get_size (iter),
                  self->n_rows, user_data);
    }

  memcpy (self->counts, healer_diagnose_iter_get_counts (iter), k * sizeof (gsize));
  self->n_uncertain = healer_diagnose_iter_get_n_uncertain (iter);
  diagnosis_shrink (self, with_labels);
  self->drift = healer_diagnose_iter_drift_report (iter);
  return g_steal_pointer (&self);
}

HealerDiagnosis *
healer_diagnose_stream (const HealerModel          *model,
                        GInputStream               *stream,
                        const char                 *name,
                        gsize                       chunk_rows,
                        GCancellable               *cancellable,
                        HealerDiagnoseProgressFunc  progress,
                        gpointer                    user_data,
                        GError                    **error)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return diagnose_iter (model,
                        healer_diagnose_iter_new (model, stream, name, chunk_rows, TRUE, cancellable, error),
                        cancellable, progress, user_data, error);
}

HealerDiagnosis *
healer_diagnose_file (const HealerModel          *model,
                      const char                 *path,
                      gsize                       chunk_rows,
                      GCancellable               *cancellable,
                      HealerDiagnoseProgressFunc  progress,
                      gpointer                    user_data,
                      GError                    **error)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  /* Not through healer_diagnose_for_file(): the path "-" is standard input. */
  return diagnose_iter (model,
                        healer_diagnose_iter_new_for_path (model, path, chunk_rows, TRUE, cancellable, error),
                        cancellable, progress, user_data, error);
}

HealerDiagnosis *
healer_diagnose_for_file (const HealerModel          *model,
                          GFile                      *file,
                          gsize                       chunk_rows,
                          GCancellable               *cancellable,
                          HealerDiagnoseProgressFunc  progress,
                          gpointer                    user_data,
                          GError                    **error)
{
  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (G_IS_FILE (file), NULL);

  return diagnose_iter (model,
                        healer_diagnose_iter_new_for_file (model, file, chunk_rows, TRUE, cancellable, error),
                        cancellable, progress, user_data, error);
}

/* ---- one sample ---- */

static char *
strip_cell (const char *cell)
{
  char *s = g_strstrip (g_strdup (cell));
  gsize len = strlen (s);

  if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
    {
      memmove (s, s + 1, len - 2);
      s[len - 2] = '\0';
      g_strstrip (s);
    }
  return s;
}

static gboolean
line_is_header (const HealerModel *model,
                char             **cells)
{
  const HealerPreprocessor *pre = model->preprocessor;

  for (guint i = 0; cells[i] != NULL; i++)
    {
      g_autofree char *cell = strip_cell (cells[i]);

      if (g_ascii_strcasecmp (cell, "sample_id") == 0
          || g_ascii_strcasecmp (cell, "label") == 0)
        return TRUE;
      for (guint j = 0; j < pre->n_input; j++)
        if (strcmp (cell, pre->input_names[j]) == 0)
          return TRUE;
    }
  return FALSE;
}

/* Errors count lines in the text we parsed; when we put the model's header
 * in front, the user's line 1 was our line 2: say the line they see. */
static void
unshift_error_line (GError     *error,
                    const char *name)
{
  gsize prefix = strlen (name);
  const char *p;
  char *end = NULL;
  guint64 line;

  if (error == NULL || strncmp (error->message, name, prefix) != 0 || error->message[prefix] != ':')
    return;
  p = error->message + prefix + 1;
  line = g_ascii_strtoull (p, &end, 10);
  if (end == p || line < 2 || *end != ':')
    return;
  {
    g_autofree char *old = error->message;

    error->message = g_strdup_printf ("%s:%" G_GUINT64_FORMAT "%s", name, line - 1, end);
  }
}

float *
healer_diagnose_parse_sample (const HealerModel *model,
                              const char        *text,
                              GError           **error)
{
  const HealerPreprocessor *pre;
  g_autofree char *body = NULL;
  g_autoptr(GString) csv = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) cells = NULL;
  g_autoptr(HealerDataset) table = NULL;
  g_autoptr(HealerDataset) aligned = NULL;
  const char *first_line = NULL;
  gboolean prepended = FALSE;
  guint n_cells;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  pre = model->preprocessor;
  body = g_strdup (text);
  /* A row copied from a spreadsheet arrives with tabs. */
  if (strchr (body, ',') == NULL)
    g_strdelimit (body, "\t", ',');

  lines = g_strsplit (body, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        {
          first_line = lines[i];
          break;
        }
    }
  if (first_line == NULL)
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_EMPTY,
                   _("%s: nothing to diagnose; expected one row of KPI values, "
                     "with or without a header line"), _(PASTED_NAME));
      return NULL;
    }

  cells = g_strsplit (first_line, ",", -1);
  n_cells = g_strv_length (cells);
  csv = g_string_new (NULL);
  if (!line_is_header (model, cells))
    {
      prepended = TRUE;
      /* Values alone: the model's own header goes in front, so the text
       * is read by the same parser as a file. */
      if (n_cells == pre->n_input + 1)
        g_string_append (csv, "sample_id,");
      else if (n_cells != pre->n_input)
        {
          g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_COLUMNS,
                       _("%s:1: found %u values; expected %u, one per KPI of the model "
                         "in its order, or a header line naming the KPIs"),
                       _(PASTED_NAME), n_cells, pre->n_input);
          return NULL;
        }
      for (guint j = 0; j < pre->n_input; j++)
        g_string_append_printf (csv, "%s%s", j > 0 ? "," : "", pre->input_names[j]);
      g_string_append_c (csv, '\n');
    }
  g_string_append (csv, body);

  table = healer_dataset_load_from_data (_(PASTED_NAME), csv->str, csv->len, error);
  if (table == NULL)
    {
      if (prepended && error != NULL)
        unshift_error_line (*error, _(PASTED_NAME));
      return NULL;
    }
  if (table->n_rows != 1)
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_TOO_LARGE,
                   _("%s: found %zu rows of values; expected one sample (diagnose a "
                     "file to diagnose many)"), _(PASTED_NAME), table->n_rows);
      return NULL;
    }

  aligned = healer_model_align (model, table, NULL, NULL, error);
  if (aligned == NULL)
    return NULL;

  return g_memdup2 (aligned->x, (gsize) pre->n_input * sizeof (float));
}

void
healer_diagnose_predict_row (const HealerModel *model,
                             const float       *row,
                             float             *proba)
{
  g_autoptr(HealerDataset) one = NULL;
  const HealerPreprocessor *pre;

  g_return_if_fail (model != NULL);
  g_return_if_fail (row != NULL);
  g_return_if_fail (proba != NULL);

  pre = model->preprocessor;
  one = healer_dataset_new ((const char * const *) pre->input_names, 1, FALSE, FALSE);
  memcpy (one->x, row, (gsize) pre->n_input * sizeof (float));
  healer_model_predict_proba (model, one, proba);
}

void
healer_predictions_append_header (GString      *line,
                                  const gint32 *class_ids,
                                  guint         n_classes,
                                  gboolean      with_true_label)
{
  g_string_append (line, "sample_id,diagnosed_label,diagnosed_class,confidence,uncertain");
  for (guint c = 0; c < n_classes; c++)
    g_string_append_printf (line, ",p%d", class_ids[c]);
  g_string_append (line, ",prediction_set,uncertain_reason");
  if (with_true_label)
    g_string_append (line, ",true_label,true_class");
  g_string_append_c (line, '\n');
}

void
healer_predictions_append_row (GString            *line,
                               const char         *sample_id,
                               const gint32       *class_ids,
                               const char * const *class_names,
                               guint               n_classes,
                               const float        *proba,
                               guint               predicted,
                               gboolean            uncertain,
                               double              set_threshold,
                               const char         *reason,
                               const gint32       *true_label)
{
  guint stack[HEALER_MODEL_SET_MAX_CLASSES];
  g_autofree guint *heap = n_classes > G_N_ELEMENTS (stack) ? g_new (guint, n_classes) : NULL;
  guint *set = heap != NULL ? heap : stack;
  guint size;

  healer_csv_append_field (line, sample_id);
  g_string_append_c (line, ',');
  healer_csv_append_int (line, class_ids[predicted]);
  g_string_append_c (line, ',');
  healer_csv_append_field (line, class_names[predicted]);
  g_string_append_c (line, ',');
  healer_csv_append_fixed6 (line, proba[predicted]);
  g_string_append (line, uncertain ? ",1" : ",0");
  for (guint c = 0; c < n_classes; c++)
    {
      g_string_append_c (line, ',');
      healer_csv_append_fixed6 (line, proba[c]);
    }
  /* The diagnosis leads the set even if @predicted was not the argmax. */
  size = healer_prediction_set (proba, n_classes, set_threshold, set);
  g_string_append_c (line, ',');
  healer_csv_append_int (line, class_ids[predicted]);
  for (guint s = 0; s < size; s++)
    if (set[s] != predicted)
      {
        g_string_append_c (line, '|');
        healer_csv_append_int (line, class_ids[set[s]]);
      }
  g_string_append_c (line, ',');
  healer_csv_append_field (line, reason != NULL ? reason : "");
  if (true_label != NULL)
    {
      g_autofree char *plain = NULL;
      const char *name = NULL;

      for (guint c = 0; c < n_classes && name == NULL; c++)
        if (class_ids[c] == *true_label)
          name = class_names[c];
      if (name == NULL)
        name = plain = healer_class_default_name (*true_label);
      g_string_append_c (line, ',');
      healer_csv_append_int (line, *true_label);
      g_string_append_c (line, ',');
      healer_csv_append_field (line, name);
    }
  g_string_append_c (line, '\n');
}
