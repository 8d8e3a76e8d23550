/* healer-trainer-async.c — healer_train on a worker thread, with coalesced progress reports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "healer-model.h"
#include "healer-trainer.h"

typedef struct
{
  gatomicrefcount          ref_count;
  HealerDataset           *data;
  HealerTrainConfig        config;
  HealerTrainProgressFunc  progress;
  gpointer                 progress_data;
  GDestroyNotify           progress_data_free;
  GMainContext            *context;
  GAsyncReadyCallback      callback;
  gpointer                 user_data;

  GMutex                   lock;
  HealerTrainProgress      latest;       /* under @lock */
  gboolean                 has_latest;   /* @latest not delivered yet */
  gboolean                 idle_pending;
  gboolean                 finished;     /* the result was delivered: no progress after it */
} HealerTrainAsync;

static HealerTrainAsync *
healer_train_async_ref (HealerTrainAsync *state)
{
  g_atomic_ref_count_inc (&state->ref_count);
  return state;
}

static void
healer_train_async_unref (gpointer data)
{
  HealerTrainAsync *state = data;

  if (!g_atomic_ref_count_dec (&state->ref_count))
    return;

  /* Normally already called on completion; here for a task that never completed. */
  if (state->progress_data_free != NULL)
    state->progress_data_free (state->progress_data);
  g_clear_pointer (&state->data, healer_dataset_unref);
  g_clear_pointer (&state->context, g_main_context_unref);
  g_mutex_clear (&state->lock);
  g_free (state);
}

/* On the caller's main context. */
static gboolean
healer_train_async_idle (gpointer data)
{
  HealerTrainAsync *state = data;
  HealerTrainProgress copy;
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

/* On the worker thread: keep only the newest report, and wake the caller's
 * context at most once until it has picked that report up. */
static void
healer_train_async_progress (const HealerTrainProgress *progress,
                             gpointer                   data)
{
  HealerTrainAsync *state = data;

  g_mutex_lock (&state->lock);
  state->latest = *progress;
  state->has_latest = TRUE;
  if (!state->idle_pending && !state->finished)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      state->idle_pending = TRUE;
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_static_name (source, "[healer] training progress");
      g_source_set_callback (source, healer_train_async_idle,
                             healer_train_async_ref (state), healer_train_async_unref);
      g_source_attach (source, state->context);
    }
  g_mutex_unlock (&state->lock);
}

static void
healer_train_async_thread (GTask        *task,
                           gpointer      source_object,
                           gpointer      task_data,
                           GCancellable *cancellable)
{
  HealerTrainAsync *state = task_data;
  GError *error = NULL;
  HealerModel *model;

  model = healer_train (state->data, &state->config, cancellable,
                        state->progress != NULL ? healer_train_async_progress : NULL,
                        state, &error);
  if (model != NULL)
    g_task_return_pointer (task, model, (GDestroyNotify) healer_model_unref);
  else
    g_task_return_error (task, error);
}

/* On the caller's main context: flush the last report, then hand over the result. */
static void
healer_train_async_done (GObject      *source_object,
                         GAsyncResult *result,
                         gpointer      data)
{
  HealerTrainAsync *state = data;
  HealerTrainProgress copy;
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
healer_train_async (HealerDataset           *data,
                    const HealerTrainConfig *config,
                    GCancellable            *cancellable,
                    HealerTrainProgressFunc  progress,
                    gpointer                 progress_data,
                    GDestroyNotify           progress_data_free,
                    GAsyncReadyCallback      callback,
                    gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;
  HealerTrainAsync *state;

  g_return_if_fail (data != NULL);
  g_return_if_fail (config != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  state = g_new0 (HealerTrainAsync, 1);
  g_atomic_ref_count_init (&state->ref_count);
  state->data = healer_dataset_ref (data);
  state->config = *config;
  state->progress = progress;
  state->progress_data = progress_data;
  state->progress_data_free = progress_data_free;
  state->context = g_main_context_ref_thread_default ();
  state->callback = callback;
  state->user_data = user_data;
  g_mutex_init (&state->lock);

  /* Our own callback runs first so the final progress report is delivered
   * before the caller's callback, never after it. The task data keeps
   * @state alive until the task is finalised, after that callback. */
  task = g_task_new (NULL, cancellable, healer_train_async_done, state);
  g_task_set_source_tag (task, healer_train_async);
  g_task_set_name (task, "[healer] train");
  g_task_set_task_data (task, state, healer_train_async_unref);
  /* A cancelled run still returns its best model; do not turn it into an error. */
  g_task_set_check_cancellable (task, FALSE);
  g_task_run_in_thread (task, healer_train_async_thread);
}

HealerModel *
healer_train_finish (GAsyncResult *result,
                     GError      **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == healer_train_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
