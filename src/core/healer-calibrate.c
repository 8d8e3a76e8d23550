/* healer-calibrate.c — cross-fitting at training time, on cross-validation's folds
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "healer-calibrate.h"
#include "healer-eta.h"
#include "healer-job.h"

/* ------------------------------------------------------------------ */
/* The estimate                                                         */

/* Sets and flags of the rows of fold @f of repeat @r, with thresholds
 * fitted on the other folds' rows (cross-conformal), added to @tally. */
static void
healer_tally_fold (const HealerCvResult *cv,
                   guint                 r,
                   guint                 f,
                   double                coverage,
                   HealerSetTally       *tally)
{
  guint k = cv->n_classes;
  const guint *assignment = cv->assignment + (gsize) r * cv->n_rows;
  const float *proba = cv->proba + (gsize) r * cv->n_rows * k;
  g_autofree float *fit_p = g_new (float, MAX (cv->n_rows, 1) * k);
  g_autofree float *test_p = g_new (float, MAX (cv->n_rows, 1) * k);
  g_autofree guint *fit_y = g_new (guint, MAX (cv->n_rows, 1));
  g_autofree guint *test_y = g_new (guint, MAX (cv->n_rows, 1));
  g_autoptr(HealerConformalScores) scores = NULL;
  gsize n_fit = 0, n_test = 0;
  double set_threshold, flag_threshold;

  for (gsize i = 0; i < cv->n_rows; i++)
    {
      gboolean held_out = assignment[i] == f;
      float *dst = held_out ? test_p + n_test * k : fit_p + n_fit * k;

      memcpy (dst, proba + i * k, k * sizeof (float));
      if (held_out)
        test_y[n_test++] = cv->y[i];
      else
        fit_y[n_fit++] = cv->y[i];
    }
  scores = healer_conformal_scores_new (fit_p, fit_y, n_fit, k);
  set_threshold = healer_conformal_threshold (scores, coverage);
  flag_threshold = healer_flag_threshold_select (fit_p, n_fit, k, set_threshold, HEALER_FLAG_BUDGET);
  healer_set_tally_add (tally, test_p, test_y, NULL, n_test, k, set_threshold, flag_threshold);
}

HealerEstimate *
healer_estimate_from_cv (const HealerCvResult *cv,
                         double                coverage)
{
  HealerEstimate *e;
  HealerSetTally tally = { 0 };
  gsize n_all;
  g_autofree guint *y_all = NULL;

  g_return_val_if_fail (cv != NULL && cv->pooled != NULL, NULL);

  n_all = cv->n_rows * cv->n_repeats;
  y_all = g_new (guint, MAX (n_all, 1));
  for (guint r = 0; r < cv->n_repeats; r++)
    memcpy (y_all + (gsize) r * cv->n_rows, cv->y, cv->n_rows * sizeof (guint));

  e = g_new0 (HealerEstimate, 1);
  e->n_folds = cv->n_folds;
  e->n_rows = cv->n_rows;
  e->n_classes = cv->n_classes;
  e->accuracy = cv->pooled->accuracy;
  e->macro_f1 = cv->pooled->macro_f1;
  e->class_f1 = g_memdup2 (cv->pooled->f1, MAX (cv->n_classes, 1) * sizeof (double));
  e->log_loss = cv->pooled->log_loss;
  e->calibration_error = healer_calibration_error (cv->proba, y_all, n_all, cv->n_classes);
  e->coverage = coverage;
  for (guint r = 0; r < cv->n_repeats; r++)
    for (guint f = 0; f < cv->n_folds; f++)
      healer_tally_fold (cv, r, f, coverage, &tally);
  e->set_coverage = healer_set_tally_coverage (&tally);
  e->mean_set_size = healer_set_tally_mean_size (&tally);
  e->flagged_share = healer_set_tally_flagged_share (&tally);
  e->errors_flagged = healer_set_tally_errors_flagged (&tally);
  return e;
}

/* ------------------------------------------------------------------ */
/* Training                                                             */

typedef struct
{
  HealerCalibrateProgressFunc  progress;
  gpointer                     user_data;
  guint                        n_folds;
  gint64                       start_us;
  HealerEta                    eta;
} HealerCalibrateRun;

/* Share of the job done: the final model first, on every row, then the
 * folds, on (k − 1)/k of the rows each. */
static void
healer_calibrate_report (HealerCalibrateRun        *run,
                         guint                      fold,
                         const HealerTrainProgress *epoch)
{
  HealerCalibrateProgress p = { 0 };
  double k = run->n_folds, total = k > 0 ? k : 1.0, done = 0.0;

  p.fold = fold;
  p.n_folds = run->n_folds;
  p.epoch = *epoch;
  p.elapsed_seconds = (g_get_monotonic_time () - run->start_us) / (double) G_USEC_PER_SEC;
  if (epoch->n_members > 0 && epoch->n_epochs > 0)
    done = ((double) epoch->member * epoch->n_epochs + epoch->epoch) /
           ((double) epoch->n_members * epoch->n_epochs);
  /* Folds weigh (k − 1)/k each, the final model 1; in units of the final model. */
  if (run->n_folds > 0)
    {
      double fold_weight = (k - 1.0) / k;

      total = k * fold_weight + 1.0;
      done = fold > 0 ? 1.0 + ((double) (fold - 1) + done) * fold_weight : done;
    }
  p.fraction = CLAMP (done / total, 0.0, 1.0);
  healer_eta_update (&run->eta, healer_eta_now (), p.fraction);
  p.eta_seconds = healer_eta_seconds_left (&run->eta);
  run->progress (&p, run->user_data);
}

static void
healer_calibrate_on_cv (const HealerCvProgress *progress,
                        gpointer                user_data)
{
  if (progress->epoch != NULL)
    healer_calibrate_report (user_data, progress->fold + 1, progress->epoch);
}

static void
healer_calibrate_on_final (const HealerTrainProgress *progress,
                           gpointer                   user_data)
{
  healer_calibrate_report (user_data, 0, progress);
}

/* The class with the fewest rows of @data (the lowest id among equals):
 * its count, 0 without labels, and its id in @id. */
static guint
healer_calibrate_smallest_class (const HealerDataset *data,
                                 gint32              *id)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (NULL, NULL);
  GHashTableIter iter;
  gpointer key, value;
  guint smallest = G_MAXUINT;

  *id = 0;
  if (data->labels == NULL)
    return 0;
  for (gsize i = 0; i < data->n_rows; i++)
    {
      key = GINT_TO_POINTER (data->labels[i]);
      g_hash_table_insert (counts, key,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, key)) + 1));
    }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (GPOINTER_TO_UINT (value) < smallest ||
        (GPOINTER_TO_UINT (value) == smallest && GPOINTER_TO_INT (key) < *id))
      {
        smallest = GPOINTER_TO_UINT (value);
        *id = GPOINTER_TO_INT (key);
      }
  return smallest == G_MAXUINT ? 0 : smallest;
}

/* Fewest rows of any class: more folds would leave a fold without it. */
static guint
healer_calibrate_fold_count (const HealerDataset *data,
                             guint                n_folds)
{
  gint32 id;

  return MIN (n_folds, healer_calibrate_smallest_class (data, &id));
}

char *
healer_calibrate_why_no_estimate (const HealerDataset *data,
                                  guint                n_folds,
                                  const HealerModel   *model)
{
  gint32 id;
  guint smallest;

  g_return_val_if_fail (data != NULL && model != NULL, NULL);

  if (model->estimate != NULL || n_folds < 2)
    return NULL;
  if (model->status == HEALER_TRAIN_CANCELLED)
    return g_strdup (_("training was cancelled before cross-fitting"));
  smallest = healer_calibrate_smallest_class (data, &id);
  if (data->labels != NULL && smallest < 2)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "class %d has %u row, and cross-fitting needs at "
                                         "least 2 of every class",
                                         "class %d has %u rows, and cross-fitting needs at "
                                         "least 2 of every class", smallest),
                            id, smallest);
  return g_strdup (_("after duplicate removal a class kept fewer rows than the folds of "
                     "cross-fitting need"));
}

char *
healer_calibrate_why_fewer_folds (const HealerDataset *data,
                                  guint                n_folds,
                                  const HealerModel   *model)
{
  gint32 id;
  guint smallest;

  g_return_val_if_fail (data != NULL && model != NULL, NULL);

  if (model->estimate == NULL || model->estimate->n_folds >= n_folds)
    return NULL;
  smallest = healer_calibrate_smallest_class (data, &id);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u-fold instead of the %u asked for: class %d has "
                                       "%u row, and every fold needs one",
                                       "%u-fold instead of the %u asked for: class %d has "
                                       "%u rows, and every fold needs one", smallest),
                          model->estimate->n_folds, n_folds, id, smallest);
}

HealerModel *
healer_train_calibrated (const HealerDataset         *data,
                         const HealerTrainConfig     *config,
                         guint                        n_folds,
                         double                       coverage,
                         GCancellable                *cancellable,
                         HealerCalibrateProgressFunc  progress,
                         gpointer                     user_data,
                         GError                     **error)
{
  g_autoptr(HealerCvResult) cv = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) cv_error = NULL;
  HealerCalibrateRun run = { progress, user_data, 0, g_get_monotonic_time () };

  g_return_val_if_fail (data != NULL && config != NULL, NULL);
  g_return_val_if_fail (coverage >= HEALER_COVERAGE_MIN && coverage <= HEALER_COVERAGE_MAX, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  healer_eta_init (&run.eta);
  if (n_folds >= 2)
    n_folds = healer_calibrate_fold_count (data, n_folds);
  run.n_folds = n_folds >= 2 ? n_folds : 0;

  /* The final model first: a cancel keeps its best weights, as
   * healer_train does, and a cancel of the cross-fitting keeps it whole.
   * A diverged run's best weights are cross-fitted like any others: the
   * folds, trained the same way, keep theirs, and the estimate and the
   * prediction sets then say what such weights are worth. Without them a
   * model kept from a run that had already blown up at its first epoch
   * (accuracy 0.06 on six classes) diagnosed every row with confidence 1
   * and flagged none. A fold that diverges before its first epoch ends
   * fails the run, with the reason. */
  model = healer_train (data, config, cancellable,
                        progress != NULL ? healer_calibrate_on_final : NULL, &run, error);
  if (model == NULL || run.n_folds == 0 || model->status == HEALER_TRAIN_CANCELLED)
    return g_steal_pointer (&model);

  cv = healer_cross_validate (data, config, n_folds, 1, config->seed, cancellable,
                              progress != NULL ? healer_calibrate_on_cv : NULL, &run, &cv_error);
  if (cv == NULL)
    {
      /* A cancel, or duplicate removal leaving a class short of folds:
       * the model is worth having without an estimate. Anything else is
       * the caller's to know. */
      if (g_error_matches (cv_error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (cv_error, HEALER_CV_ERROR, HEALER_CV_ERROR_SMALL_CLASS))
        {
          g_info ("no calibration: %s", cv_error->message);
          return g_steal_pointer (&model);
        }
      g_propagate_error (error, g_steal_pointer (&cv_error));
      return NULL;
    }

  /* Both took their classes from the same rows; if they ever differ the
   * out-of-fold columns would mean other classes. */
  if (model->n_classes != cv->n_classes ||
      memcmp (model->class_ids, cv->class_ids, cv->n_classes * sizeof (gint32)) != 0)
    {
      g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID,
                   _("The calibration folds and the model disagree about the classes"));
      return NULL;
    }

  model->estimate = healer_estimate_from_cv (cv, coverage);
  model->calibration = healer_conformal_scores_new (cv->proba, cv->y, cv->n_rows, cv->n_classes);
  healer_model_set_coverage (model, coverage);
  model->confidence_threshold = healer_flag_threshold_select (cv->proba, cv->n_rows, cv->n_classes,
                                                              model->set_threshold,
                                                              HEALER_FLAG_BUDGET);
  return g_steal_pointer (&model);
}

/* ------------------------------------------------------------------ */
/* On a worker thread                                                   */

typedef struct
{
  HealerDataset     *data;
  HealerTrainConfig  config;
  guint              n_folds;
  double             coverage;
} HealerCalibrateJob;

static void
healer_calibrate_job_free (gpointer data)
{
  HealerCalibrateJob *state = data;

  g_clear_pointer (&state->data, healer_dataset_unref);
  g_free (state);
}

static void
healer_calibrate_post (const HealerCalibrateProgress *progress,
                       gpointer                       job)
{
  healer_job_report (job, progress);
}

static gpointer
healer_calibrate_run (HealerJob     *job,
                      gpointer       data,
                      GCancellable  *cancellable,
                      GError       **error)
{
  HealerCalibrateJob *state = data;

  return healer_train_calibrated (state->data, &state->config, state->n_folds, state->coverage,
                                  cancellable,
                                  healer_job_wants_progress (job) ? healer_calibrate_post : NULL,
                                  job, error);
}

static const HealerJobInfo healer_calibrate_job = {
  .name = "[healer] train calibrated",
  .func = healer_calibrate_run,
  .result_free = (GDestroyNotify) healer_model_unref,
  .progress_size = sizeof (HealerCalibrateProgress),
  /* A cancelled run still has a model to return (its best weights, or the
   * whole final model when the cross-fitting was cancelled). */
  .check_cancellable = FALSE,
  /* The model shown at once says where the training got to. */
  .deliver_last_report = FALSE,
};

void
healer_train_calibrated_async (HealerDataset               *data,
                               const HealerTrainConfig     *config,
                               guint                        n_folds,
                               double                       coverage,
                               GCancellable                *cancellable,
                               HealerCalibrateProgressFunc  progress,
                               gpointer                     progress_data,
                               GDestroyNotify               progress_data_free,
                               GAsyncReadyCallback          callback,
                               gpointer                     user_data)
{
  HealerCalibrateJob *state;

  g_return_if_fail (data != NULL);
  g_return_if_fail (config != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  state = g_new0 (HealerCalibrateJob, 1);
  state->data = healer_dataset_ref (data);
  state->config = *config;
  state->n_folds = n_folds;
  state->coverage = coverage;
  healer_job_run (&healer_calibrate_job, NULL, healer_train_calibrated_async,
                  state, healer_calibrate_job_free, cancellable,
                  (HealerRelayFunc) (void (*) (void)) progress, progress_data, progress_data_free,
                  callback, user_data);
}

HealerModel *
healer_train_calibrated_finish (GAsyncResult  *result,
                                GError       **error)
{
  return healer_job_finish (result, healer_train_calibrated_async, error);
}
