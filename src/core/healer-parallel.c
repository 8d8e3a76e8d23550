/* healer-parallel.c — a small parallel for over rows, for the projections and the diagnosis
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "healer-parallel.h"

/* Chunks per thread: rows cost unequal time under Barnes-Hut, so threads
 * take chunks from a shared counter rather than one fixed slice each. */
#define CHUNKS_PER_THREAD 8

struct _HealerParallel
{
  GThreadPool        *pool;       /* n_threads − 1 helpers; NULL with one thread */
  guint               n_threads;

  GMutex              lock;
  GCond               cond;
  guint               active;     /* helpers still working, under @lock */

  /* the current run */
  HealerParallelFunc  func;
  gpointer            data;
  gsize               n;
  gsize               chunk;
  guint               n_chunks;
  gint                next;       /* atomic: next chunk to take */
};

static void
healer_parallel_take_chunks (HealerParallel *self)
{
  for (;;)
    {
      guint c = (guint) g_atomic_int_add (&self->next, 1);
      gsize first;

      if (c >= self->n_chunks)
        break;
      first = (gsize) c * self->chunk;
      self->func (self->data, first, MIN (self->n, first + self->chunk));
    }
}

static void
healer_parallel_worker (gpointer job,
                        gpointer pool_data)
{
  HealerParallel *self = pool_data;

  healer_parallel_take_chunks (self);
  g_mutex_lock (&self->lock);
  if (--self->active == 0)
    g_cond_signal (&self->cond);
  g_mutex_unlock (&self->lock);
}

HealerParallel *
healer_parallel_new (guint n_threads)
{
  HealerParallel *self = g_new0 (HealerParallel, 1);

  self->n_threads = CLAMP (n_threads, 1, 64);
  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  if (self->n_threads > 1)
    self->pool = g_thread_pool_new (healer_parallel_worker, self, (int) self->n_threads - 1,
                                    FALSE, NULL);
  if (self->pool == NULL)
    self->n_threads = 1;
  return self;
}

void
healer_parallel_free (HealerParallel *self)
{
  if (self == NULL)
    return;
  if (self->pool != NULL)
    g_thread_pool_free (self->pool, FALSE, TRUE);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

guint
healer_parallel_get_n_threads (HealerParallel *self)
{
  return self->n_threads;
}

void
healer_parallel_run (HealerParallel     *self,
                     gsize               n,
                     HealerParallelFunc  func,
                     gpointer            data)
{
  guint helpers;

  if (n == 0)
    return;
  if (self->n_threads == 1 || n < 2)
    {
      func (data, 0, n);
      return;
    }

  self->func = func;
  self->data = data;
  self->n = n;
  self->n_chunks = MIN ((gsize) self->n_threads * CHUNKS_PER_THREAD, n);
  self->chunk = (n + self->n_chunks - 1) / self->n_chunks;
  self->n_chunks = (guint) ((n + self->chunk - 1) / self->chunk);
  g_atomic_int_set (&self->next, 0);
  helpers = MIN (self->n_threads - 1, self->n_chunks - 1);

  g_mutex_lock (&self->lock);
  self->active = helpers;
  g_mutex_unlock (&self->lock);
  for (guint t = 0; t < helpers; t++)
    g_thread_pool_push (self->pool, self, NULL);

  healer_parallel_take_chunks (self);

  g_mutex_lock (&self->lock);
  while (self->active > 0)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);
}
