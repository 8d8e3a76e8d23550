/* healer-projection-async.c — projections on a worker thread, with coalesced progress reports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "healer-projection.h"

/* The pattern of healer-trainer-async.c: the worker keeps only the newest
 * report under a mutex and wakes the caller's context at most once until
 * that report has been picked up. */
typedef struct
{
  gatomicrefcount               ref_count;
  HealerModel                  *model;
  HealerDataset                *aligned;
  HealerProjectionConfig        config;
  HealerProjectionProgressFunc  progress;
  gpointer                      progress_data;
  GDestroyNotify                progress_data_free;
  GMainContext                 *context;
  GAsyncReadyCallback           callback;
  gpointer                      user_data;

  GMutex                        lock;
  HealerProjectionProgress      latest;       /* under @lock */
  gboolean                      has_latest;   /* @latest not delivered yet */
  gboolean                      idle_pending;
  gboolean                      finished;     /* the result was delivered: no progress after it */
} HealerProjectionAsync;

static HealerProjectionAsync *
healer_projection_async_ref (HealerProjectionAsync *state)
{
  g_atomic_ref_count_inc (&state->ref_count);
  return state;
}

static void
healer_projection_async_unref (gpointer data)
{
  HealerProjectionAsync *state = data;

  if (!g_atomic_ref_count_dec (&state->ref_count))
    return;

  /* Normally already called on completion; here for a task that never completed. */
  if (state->progress_data_free != NULL)
    state->progress_data_free (state->progress_data);
  g_clear_pointer (&state->model, healer_model_unref);
  g_clear_pointer (&state->aligned, healer_dataset_unref);
  g_clear_pointer (&state->context, g_main_context_unref);
  g_mutex_clear (&state->lock);
  g_free (state);
}

/* On the caller's main context. */
static gboolean
healer_projection_async_idle (gpointer data)
{
  HealerProjectionAsync *state = data;
  HealerProjectionProgress copy;
  gboolean deliver;

  g_mutex_lock (&state->lock);
  state->idle_pending = FALSE;
  deliver = state->has_latest && !state->finished;
  copy = state->latest;
  state->has_latest = FALSE;
  g_mutex_unlock (&state->lock);

  if (deliver)
    state->progress (&copy, state->progress_data);
  return G_SOURCE_REMOVE;
}

/* On the worker thread. */
static void
healer_projection_async_progress (const HealerProjectionProgress *progress,
                                  gpointer                        data)
{
  HealerProjectionAsync *state = data;

  g_mutex_lock (&state->lock);
  state->latest = *progress;
  state->has_latest = TRUE;
  if (!state->idle_pending && !state->finished)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      state->idle_pending = TRUE;
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (source, "[healer] projection progress");
      g_source_set_callback (source, healer_projection_async_idle,
                             healer_projection_async_ref (state), healer_projection_async_unref);
      g_source_attach (source, state->context);
    }
  g_mutex_unlock (&state->lock);
}

static void
healer_projection_async_thread (GTask        *task,
                                gpointer      source_object,
                                gpointer      task_data,
                                GCancellable *cancellable)
{
  HealerProjectionAsync *state = task_data;
  GError *error = NULL;
  HealerProjection *projection;

  projection = healer_projection_compute (state->model, state->aligned, &state->config,
                                          cancellable,
                                          state->progress != NULL
                                            ? healer_projection_async_progress : NULL,
                                          state, &error);
  if (projection != NULL)
    g_task_return_pointer (task, projection, (GDestroyNotify) healer_projection_free);
  else
    g_task_return_error (task, error);
}

/* On the caller's main context: flush the last report, then hand over the result. */
static void
healer_projection_async_done (GObject      *source_object,
                              GAsyncResult *result,
                              gpointer      data)
{
  HealerProjectionAsync *state = data;
  HealerProjectionProgress copy;
  gboolean deliver;
  GDestroyNotify free_func;

  g_mutex_lock (&state->lock);
  deliver = state->has_latest && !state->finished;
  copy = state->latest;
  state->has_latest = FALSE;
  state->finished = TRUE;
  g_mutex_unlock (&state->lock);

  if (deliver)
    state->progress (&copy, state->progress_data);
  free_func = g_steal_pointer (&state->progress_data_free);
  if (free_func != NULL)
    free_func (state->progress_data);

  if (state->callback != NULL)
    state->callback (NULL, result, state->user_data);
}

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
  g_autoptr(GTask) task = NULL;
  HealerProjectionAsync *state;

  g_return_if_fail (model != NULL);
  g_return_if_fail (aligned != NULL);
  g_return_if_fail (config != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  state = g_new0 (HealerProjectionAsync, 1);
  g_atomic_ref_count_init (&state->ref_count);
  state->model = healer_model_ref (model);
  state->aligned = healer_dataset_ref (aligned);
  state->config = *config;
  state->progress = progress;
  state->progress_data = progress_data;
  state->progress_data_free = progress_data_free;
  state->context = g_main_context_ref_thread_default ();
  state->callback = callback;
  state->user_data = user_data;
  g_mutex_init (&state->lock);

  /* Our own callback runs first so the final progress report is delivered
   * before the caller's callback, never after it. */
  task = g_task_new (NULL, cancellable, healer_projection_async_done, state);
  g_task_set_source_tag (task, healer_projection_compute_async);
  g_task_set_name (task, "[healer] projection");
  g_task_set_task_data (task, state, healer_projection_async_unref);
  /* The worker reports a cancel itself, as G_IO_ERROR_CANCELLED. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, healer_projection_async_thread);
}

HealerProjection *
healer_projection_compute_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == healer_projection_compute_async,
                        NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
