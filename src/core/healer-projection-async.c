/* healer-projection-async.c — projections on a worker thread, with coalesced progress reports
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "healer-projection.h"
#include "healer-relay.h"

typedef struct
{
  HealerModel                  *model;
  HealerDataset                *aligned;
  HealerProjectionConfig        config;
  HealerRelay                  *relay;       /* NULL without a progress function */
  GAsyncReadyCallback           callback;
  gpointer                      user_data;
} HealerProjectionAsync;

static void
healer_projection_async_free (gpointer data)
{
  HealerProjectionAsync *state = data;

  g_clear_pointer (&state->relay, healer_relay_unref);
  g_clear_pointer (&state->model, healer_model_unref);
  g_clear_pointer (&state->aligned, healer_dataset_unref);
  g_free (state);
}

/* On the worker thread: only the newest report reaches the caller. */
static void
healer_projection_async_progress (const HealerProjectionProgress *progress,
                                  gpointer                        data)
{
  HealerProjectionAsync *state = data;

  healer_relay_post (state->relay, progress);
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
                                          state->relay != NULL
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

  if (state->relay != NULL)
    healer_relay_flush_and_close (state->relay);

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
  state->model = healer_model_ref (model);
  state->aligned = healer_dataset_ref (aligned);
  state->config = *config;
  if (progress != NULL)
    state->relay = healer_relay_new (sizeof (HealerProjectionProgress), NULL,
                                     "[healer] projection progress",
                                     (HealerRelayFunc) (void (*) (void)) progress,
                                     progress_data, progress_data_free);
  else if (progress_data_free != NULL)
    progress_data_free (progress_data);
  state->callback = callback;
  state->user_data = user_data;

  /* Our own callback runs first so the final progress report is delivered
   * before the caller's callback, never after it. */
  task = g_task_new (NULL, cancellable, healer_projection_async_done, state);
  g_task_set_source_tag (task, healer_projection_compute_async);
  g_task_set_name (task, "[healer] projection");
  g_task_set_task_data (task, state, healer_projection_async_free);
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
