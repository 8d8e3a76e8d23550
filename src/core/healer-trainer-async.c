/* healer-trainer-async.c — healer_train on a worker thread, with coalesced progress reports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "healer-model.h"
#include "healer-relay.h"
#include "healer-trainer.h"

typedef struct
{
  HealerDataset           *data;
  HealerTrainConfig        config;
  HealerRelay             *relay;       /* NULL without a progress function */
  GAsyncReadyCallback      callback;
  gpointer                 user_data;
} HealerTrainAsync;

static void
healer_train_async_free (gpointer data)
{
  HealerTrainAsync *state = data;

  g_clear_pointer (&state->relay, healer_relay_unref);
  g_clear_pointer (&state->data, healer_dataset_unref);
  g_free (state);
}

/* On the worker thread: only the newest report reaches the caller. */
static void
healer_train_async_progress (const HealerTrainProgress *progress,
                             gpointer                   data)
{
  HealerTrainAsync *state = data;

  healer_relay_post (state->relay, progress);
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
                        state->relay != NULL ? healer_train_async_progress : NULL,
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

  if (state->relay != NULL)
    healer_relay_flush_and_close (state->relay);

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
  state->data = healer_dataset_ref (data);
  state->config = *config;
  if (progress != NULL)
    state->relay = healer_relay_new (sizeof (HealerTrainProgress), NULL, "[healer] training progress",
                                     (HealerRelayFunc) (void (*) (void)) progress,
                                     progress_data, progress_data_free);
  else if (progress_data_free != NULL)
    progress_data_free (progress_data);
  state->callback = callback;
  state->user_data = user_data;

  /* Our own callback runs first so the final progress report is delivered
   * before the caller's callback, never after it. The task data keeps
   * @state alive until the task is finalised, after that callback. */
  task = g_task_new (NULL, cancellable, healer_train_async_done, state);
  g_task_set_source_tag (task, healer_train_async);
  g_task_set_name (task, "[healer] train");
  g_task_set_task_data (task, state, healer_train_async_free);
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
