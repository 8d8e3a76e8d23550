/* test-stress.c — start / cancel / restart training while predictions run on other threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built for ThreadSanitizer by `tools/dev test` (build dir "-tsan"), and
 * run like any other test otherwise. The training runs are started from the
 * main loop as the app does; each is cancelled at a random moment — before
 * it starts, right after, from a progress report, from a timeout, from
 * another thread — or left to finish, and the next one is sometimes started
 * before the cancelled one has returned, as when a user presses Cancel and
 * then Train again. Meanwhile worker threads predict with a model trained
 * up front (whose probabilities must not change by a bit) and with the
 * newest model the cycles produced (swapped under a lock, with references).
 */

#include <math.h>
#include <string.h>

#include "healer-log.h"
#include "healer-model.h"
#include "healer-simulate.h"
#include "healer-trainer.h"

#define N_PREDICTORS 2

typedef enum
{
  CANCEL_BEFORE_START,
  CANCEL_RIGHT_AFTER,
  CANCEL_FROM_PROGRESS,
  CANCEL_FROM_TIMEOUT,
  CANCEL_FROM_THREAD,
  CANCEL_NEVER,
  N_CANCEL_MODES
} CancelMode;

typedef struct _Stress Stress;

typedef struct
{
  Stress       *stress;
  guint         index;
  CancelMode    mode;
  guint         cancel_epoch;       /* CANCEL_FROM_PROGRESS */
  guint         cancel_delay_us;    /* CANCEL_FROM_TIMEOUT, CANCEL_FROM_THREAD */
  gboolean      overlap;            /* start the next run as soon as this one is cancelled */
  GCancellable *cancellable;
  GThread      *canceller;
  guint         n_progress;
  guint         last_epoch;         /* of member 0 */
  gboolean      done;
  gboolean      progress_freed;
} Cycle;

struct _Stress
{
  HealerDataset     *data;
  HealerTrainConfig  config;
  guint              n_cycles;
  guint              started;
  guint              finished;
  guint              in_flight;
  guint              max_in_flight;
  gint64             run_us;          /* duration of one uncancelled run */
  GRand             *rand;
  GMainLoop         *loop;
  Cycle             *cycles;

  guint              n_completed;
  guint              n_cancelled_with_model;
  guint              n_cancelled_without_model;
  guint              n_checked_best;
  guint              progress_freed;

  /* Predictions */
  HealerModel       *reference;       /* never replaced */
  float             *reference_proba;
  GMutex             current_lock;
  HealerModel       *current;         /* under @current_lock */
  gint               stop;            /* atomic */
  gint               n_predictions;   /* atomic */
  gint               n_current_predictions; /* atomic */
};

static HealerDataset *
make_data (void)
{
  HealerSimulateConfig sim;

  healer_simulate_config_init_default (&sim);
  sim.n_samples = 180;
  sim.n_features = 12;
  sim.n_classes = 3;
  sim.n_nodes = 3;
  sim.seed = 7;
  return healer_simulate (&sim);
}

static void
stress_config (HealerTrainConfig *c)
{
  g_autoptr(GError) error = NULL;

  healer_train_config_init_default (c);
  g_assert_true (healer_train_config_set_hidden (c, "16", &error));
  g_assert_no_error (error);
  c->batch_size = 32;
  c->epochs = 40;
  c->ensemble = 2;
  c->learning_rate = 5e-3;
  /* Explanations are computed on some cycles only (see start_cycle): they
   * are the slowest part and need no more than a few runs to be covered. */
  c->explain = FALSE;
}

static void
assert_proba_valid (const float *proba,
                    gsize        n_rows,
                    guint        n_classes)
{
  for (gsize i = 0; i < n_rows; i++)
    {
      double sum = 0.0;

      for (guint k = 0; k < n_classes; k++)
        {
          float v = proba[i * n_classes + k];

          g_assert_true (v >= 0.0f && v <= 1.0f);
          sum += v;
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-4);
    }
}

/* Prediction workers */

static HealerModel *
stress_get_current (Stress *stress)
{
  HealerModel *model;

  g_mutex_lock (&stress->current_lock);
  model = stress->current != NULL ? healer_model_ref (stress->current) : NULL;
  g_mutex_unlock (&stress->current_lock);
  return model;
}

static void
stress_set_current (Stress      *stress,
                    HealerModel *model)
{
  HealerModel *old;

  g_mutex_lock (&stress->current_lock);
  old = g_steal_pointer (&stress->current);
  stress->current = healer_model_ref (model);
  g_mutex_unlock (&stress->current_lock);
  /* Outside the lock: a predictor may hold the last other reference, and
   * whichever thread drops the last one frees the model. */
  g_clear_pointer (&old, healer_model_unref);
}

static void
predict_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Stress *stress = task_data;
  const HealerDataset *data = stress->data;
  guint nc = stress->reference->n_classes;
  g_autofree float *proba = g_new (float, data->n_rows * nc);

  while (!g_atomic_int_get (&stress->stop))
    {
      g_autoptr(HealerModel) current = NULL;

      healer_model_predict_proba (stress->reference, data, proba);
      /* Same model, same rows: the result must not depend on what the
       * other threads are doing. */
      g_assert_cmpmem (proba, data->n_rows * nc * sizeof (float),
                       stress->reference_proba, data->n_rows * nc * sizeof (float));
      g_atomic_int_inc (&stress->n_predictions);

      current = stress_get_current (stress);
      if (current != NULL)
        {
          g_autofree float *cp = g_new (float, data->n_rows * current->n_classes);

          healer_model_predict_proba (current, data, cp);
          assert_proba_valid (cp, data->n_rows, current->n_classes);
          g_atomic_int_inc (&stress->n_current_predictions);
        }
    }
  g_task_return_boolean (task, TRUE);
}

static void
predict_done (GObject      *source_object,
              GAsyncResult *result,
              gpointer      user_data)
{
  guint *n_running = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_task_propagate_boolean (G_TASK (result), &error));
  g_assert_no_error (error);
  (*n_running)--;
}

/* Training cycles */

static void start_cycle (Stress *stress);

static void
cycle_progress (const HealerTrainProgress *progress,
                gpointer                   user_data)
{
  Cycle *cycle = user_data;

  /* Progress is delivered on the main context and never after the result. */
  g_assert_false (cycle->done);
  g_assert_cmpuint (progress->n_members, ==, cycle->stress->config.ensemble);
  g_assert_cmpuint (progress->epoch, >=, 1);
  g_assert_cmpuint (progress->epoch, <=, progress->n_epochs);
  g_assert_true (isfinite (progress->train_loss));
  cycle->n_progress++;
  if (progress->member == 0)
    cycle->last_epoch = progress->epoch;

  if (cycle->mode == CANCEL_FROM_PROGRESS && cycle->n_progress >= cycle->cancel_epoch &&
      !g_cancellable_is_cancelled (cycle->cancellable))
    {
      g_cancellable_cancel (cycle->cancellable);
      if (cycle->overlap)
        start_cycle (cycle->stress);
    }
}

static void
cycle_progress_free (gpointer user_data)
{
  Cycle *cycle = user_data;

  g_assert_false (cycle->progress_freed);
  cycle->progress_freed = TRUE;
  cycle->stress->progress_freed++;
}

static void
cycle_cancel_timeout (gpointer user_data)
{
  Cycle *cycle = user_data;

  g_cancellable_cancel (cycle->cancellable);
  if (cycle->overlap)
    start_cycle (cycle->stress);
}

static gpointer
cycle_cancel_thread (gpointer user_data)
{
  Cycle *cycle = user_data;

  g_usleep (cycle->cancel_delay_us);
  g_cancellable_cancel (cycle->cancellable);
  return NULL;
}

/* A cancelled model must be the best one so far, not the last weights nor
 * an empty shell: retraining its first member without a cancel for its best
 * epoch gives the very same weights (training is deterministic and has no
 * schedule that depends on the number of epochs). */
static void
check_best_kept (Stress      *stress,
                 HealerModel *model)
{
  HealerTrainConfig config = stress->config;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) again = NULL;

  config.epochs = model->best_epoch;
  config.ensemble = 1;
  config.explain = FALSE;
  again = healer_train (stress->data, &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->status, ==, HEALER_TRAIN_COMPLETED);
  g_assert_cmpuint (again->best_epoch, ==, model->best_epoch);
  g_assert_cmpuint (healer_mlp_get_n_params (again->members[0]), ==,
                    healer_mlp_get_n_params (model->members[0]));
  g_assert_cmpmem (healer_mlp_get_params (again->members[0]),
                   healer_mlp_get_n_params (again->members[0]) * sizeof (float),
                   healer_mlp_get_params (model->members[0]),
                   healer_mlp_get_n_params (model->members[0]) * sizeof (float));
  stress->n_checked_best++;
}

static void
cycle_done (GObject      *source_object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Cycle *cycle = user_data;
  Stress *stress = cycle->stress;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = NULL;
  gboolean cancelled;

  g_assert_false (cycle->done);
  cycle->done = TRUE;
  /* The progress data is released before the callback runs. */
  g_assert_true (cycle->progress_freed);
  if (cycle->canceller != NULL)
    g_thread_join (g_steal_pointer (&cycle->canceller));
  cancelled = g_cancellable_is_cancelled (cycle->cancellable);

  model = healer_train_finish (result, &error);
  if (model == NULL)
    {
      /* Only a cancel before the first epoch returns nothing. */
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_true (cancelled);
      g_assert_cmpuint (cycle->last_epoch, ==, 0);
      stress->n_cancelled_without_model++;
    }
  else
    {
      g_autofree float *proba = g_new (float, stress->data->n_rows * model->n_classes);

      g_assert_no_error (error);
      g_assert_cmpuint (model->n_members, >=, 1);
      g_assert_cmpuint (model->n_members, <=, stress->config.ensemble);
      g_assert_cmpuint (model->config.ensemble, ==, model->n_members);
      g_assert_cmpuint (model->history.n_epochs, >=, 1);
      g_assert_cmpuint (model->best_epoch, >=, 1);
      g_assert_cmpuint (model->best_epoch, <=, model->history.n_epochs);
      /* Every epoch reported was recorded (progress is coalesced, so some
       * reports may have been merged, never invented). */
      g_assert_cmpuint (cycle->last_epoch, <=, model->history.n_epochs);
      if (model->status == HEALER_TRAIN_CANCELLED)
        {
          g_assert_true (cancelled);
          stress->n_cancelled_with_model++;
          if (stress->n_cancelled_with_model % 4 == 1)
            check_best_kept (stress, model);
        }
      else
        {
          /* A cancel that came after the last epoch finds nothing to stop. */
          g_assert_cmpint (model->status, ==, HEALER_TRAIN_COMPLETED);
          g_assert_cmpuint (model->n_members, ==, stress->config.ensemble);
          g_assert_cmpuint (model->history.n_epochs, ==, stress->config.epochs);
          stress->n_completed++;
        }
      if (cycle->mode == CANCEL_NEVER)
        g_assert_cmpint (model->status, ==, HEALER_TRAIN_COMPLETED);

      healer_model_predict_proba (model, stress->data, proba);
      assert_proba_valid (proba, stress->data->n_rows, model->n_classes);
      stress_set_current (stress, model);
    }

  stress->finished++;
  stress->in_flight--;
  if (stress->finished == stress->n_cycles)
    g_main_loop_quit (stress->loop);
  else
    start_cycle (stress);
}

static void
start_cycle (Stress *stress)
{
  HealerTrainConfig config = stress->config;
  Cycle *cycle;

  if (stress->started == stress->n_cycles || stress->in_flight >= 2)
    return;

  cycle = &stress->cycles[stress->started];
  cycle->stress = stress;
  cycle->index = stress->started++;
  cycle->mode = (CancelMode) g_rand_int_range (stress->rand, 0, N_CANCEL_MODES);
  cycle->cancel_epoch = (guint) g_rand_int_range (stress->rand, 1,
                                                  (gint32) (config.epochs * config.ensemble) + 1);
  /* Up to a little more than a whole run, whatever the speed of the
   * machine and of the instrumentation: most cancels land mid-training. */
  cycle->cancel_delay_us = (guint) g_rand_int_range (stress->rand, 0,
                                                     (gint32) (stress->run_us * 6 / 5) + 1);
  cycle->overlap = g_rand_boolean (stress->rand);
  cycle->cancellable = g_cancellable_new ();
  config.explain = cycle->index % 10 == 3;

  stress->in_flight++;
  stress->max_in_flight = MAX (stress->max_in_flight, stress->in_flight);

  if (cycle->mode == CANCEL_BEFORE_START)
    g_cancellable_cancel (cycle->cancellable);
  healer_train_async (stress->data, &config, cycle->cancellable,
                      cycle_progress, cycle, cycle_progress_free,
                      cycle_done, cycle);
  switch (cycle->mode)
    {
    case CANCEL_RIGHT_AFTER:
      g_cancellable_cancel (cycle->cancellable);
      break;
    case CANCEL_FROM_TIMEOUT:
      g_timeout_add_once (cycle->cancel_delay_us / 1000, cycle_cancel_timeout, cycle);
      return;
    case CANCEL_FROM_THREAD:
      cycle->canceller = g_thread_new ("canceller", cycle_cancel_thread, cycle);
      return;
    case CANCEL_BEFORE_START:
    case CANCEL_FROM_PROGRESS:
    case CANCEL_NEVER:
    case N_CANCEL_MODES:
    default:
      return;
    }
  if (cycle->overlap)
    start_cycle (stress);
}

static void
test_stress_cancel_restart (void)
{
  Stress stress = { 0 };
  g_autoptr(GError) error = NULL;
  guint n_running = 0;
  guint64 seed = g_test_rand_int ();
  gsize n_proba;

  /* HEALER_STRESS_CYCLES shortens the run under valgrind, whose serialised
   * threads would take minutes over the full count. */
  stress.n_cycles = 100;
  if (g_getenv ("HEALER_STRESS_CYCLES") != NULL)
    stress.n_cycles = (guint) CLAMP (g_ascii_strtoull (g_getenv ("HEALER_STRESS_CYCLES"),
                                                       NULL, 10), 1, 1000);
  g_test_message ("%u cycles, seed %" G_GUINT64_FORMAT, stress.n_cycles, seed);

  stress.data = make_data ();
  g_assert_nonnull (stress.data);
  stress_config (&stress.config);
  stress.rand = g_rand_new_with_seed ((guint32) seed);
  stress.loop = g_main_loop_new (NULL, FALSE);
  stress.cycles = g_new0 (Cycle, stress.n_cycles);
  g_mutex_init (&stress.current_lock);

  {
    HealerTrainConfig config = stress.config;

    g_autoptr(HealerModel) timed = NULL;
    gint64 t0 = g_get_monotonic_time ();

    timed = healer_train (stress.data, &config, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    stress.run_us = CLAMP (g_get_monotonic_time () - t0, 1000, 5 * G_USEC_PER_SEC);
    config.explain = TRUE;
    stress.reference = healer_train (stress.data, &config, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    n_proba = stress.data->n_rows * stress.reference->n_classes;
    stress.reference_proba = g_new (float, n_proba);
    healer_model_predict_proba (stress.reference, stress.data, stress.reference_proba);
    assert_proba_valid (stress.reference_proba, stress.data->n_rows,
                        stress.reference->n_classes);
  }

  for (guint i = 0; i < N_PREDICTORS; i++)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, predict_done, &n_running);

      g_task_set_task_data (task, &stress, NULL);
      g_task_run_in_thread (task, predict_worker);
      n_running++;
    }

  start_cycle (&stress);
  g_main_loop_run (stress.loop);

  g_atomic_int_set (&stress.stop, 1);
  while (n_running > 0)
    g_main_context_iteration (NULL, TRUE);

  g_test_message ("%u cycles: %u completed, %u cancelled with a model (%u checked to be the "
                  "best so far), %u cancelled before the first epoch; up to %u runs at once; "
                  "%d predictions with the reference model, %d with the newest",
                  stress.n_cycles, stress.n_completed, stress.n_cancelled_with_model,
                  stress.n_checked_best, stress.n_cancelled_without_model, stress.max_in_flight,
                  g_atomic_int_get (&stress.n_predictions),
                  g_atomic_int_get (&stress.n_current_predictions));

  g_assert_cmpuint (stress.finished, ==, stress.n_cycles);
  g_assert_cmpuint (stress.n_completed + stress.n_cancelled_with_model +
                    stress.n_cancelled_without_model, ==, stress.n_cycles);
  g_assert_cmpuint (stress.progress_freed, ==, stress.n_cycles);
  g_assert_cmpint (g_atomic_int_get (&stress.n_predictions), >, 0);
  /* Every way of cancelling came up, or the run proved less than it says. */
  if (stress.n_cycles >= 100)
    {
      g_assert_cmpuint (stress.n_completed, >, 0);
      g_assert_cmpuint (stress.n_cancelled_with_model, >, 0);
      g_assert_cmpuint (stress.n_cancelled_without_model, >, 0);
      g_assert_cmpuint (stress.n_checked_best, >, 0);
      g_assert_cmpuint (stress.max_in_flight, ==, 2);
    }

  for (guint i = 0; i < stress.n_cycles; i++)
    g_clear_object (&stress.cycles[i].cancellable);
  g_clear_pointer (&stress.current, healer_model_unref);
  g_mutex_clear (&stress.current_lock);
  healer_model_unref (stress.reference);
  g_free (stress.reference_proba);
  g_free (stress.cycles);
  g_main_loop_unref (stress.loop);
  g_rand_free (stress.rand);
  healer_dataset_unref (stress.data);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* The training threads log each run's end: the log writer is exercised
   * from several threads at once too (XDG_STATE_HOME is the build tree's
   * under meson test). */
  healer_log_init ("test-stress");
  g_test_add_func ("/stress/cancel-restart", test_stress_cancel_restart);
  return g_test_run ();
}
