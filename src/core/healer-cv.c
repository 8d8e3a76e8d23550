/* healer-cv.c — reproducible stratified k-fold cross-validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "healer-cv.h"
#include "healer-eta.h"
#include "healer-model.h"
#include "healer-preprocess.h"

/* Mixed into the fold seed: the CLI passes the same number as the training
 * seed, and healer_train's own validation split draws from an unsalted
 * HealerRng of that seed; equal streams would shuffle the class slices the
 * same way and tie the validation rows to the fold assignment. */
#define HEALER_CV_SALT          G_GUINT64_CONSTANT (0x43726f7373566121)
/* Out-of-fold probabilities are kept for every repeat; bound them. */
#define HEALER_CV_MAX_OOF_CELLS (256u * 1024 * 1024)
/* Held-out rows are predicted this many at a time, from a copy this small:
 * a copy of a whole fold was a fifth of the table more at the peak. */
#define HEALER_CV_TEST_BLOCK    4096

G_DEFINE_QUARK (healer-cv-error-quark, healer_cv_error)

void
healer_cv_assign_folds (const guint *labels,
                        gsize        n,
                        guint        n_classes,
                        guint        n_folds,
                        guint64      seed,
                        guint       *fold_out)
{
  g_autofree gsize *start = NULL;
  g_autofree gsize *fill = NULL;
  g_autofree gsize *grouped = NULL;
  HealerRng rng;
  gsize dealt = 0;

  g_return_if_fail (n == 0 || (labels != NULL && fold_out != NULL));
  g_return_if_fail (n_classes > 0);
  g_return_if_fail (n_folds > 0);
  for (gsize i = 0; i < n; i++)
    g_return_if_fail (labels[i] < n_classes);

  /* Counting sort: each class's rows in row order before the shuffle, so
   * the result depends on the seed and the labels only. */
  start = g_new0 (gsize, (gsize) n_classes + 1);
  fill = g_new0 (gsize, n_classes);
  grouped = g_new (gsize, MAX (n, 1));
  for (gsize i = 0; i < n; i++)
    start[labels[i] + 1]++;
  for (guint c = 0; c < n_classes; c++)
    start[c + 1] += start[c];
  for (gsize i = 0; i < n; i++)
    grouped[start[labels[i]] + fill[labels[i]]++] = i;

  healer_rng_init (&rng, seed ^ HEALER_CV_SALT);
  for (guint c = 0; c < n_classes; c++)
    {
      gsize count = start[c + 1] - start[c];

      healer_rng_shuffle (&rng, grouped + start[c], count);
      /* Continuing the deal where the last class stopped keeps the fold
       * totals within one row of each other, not only the per-class ones. */
      for (gsize k = 0; k < count; k++)
        fold_out[grouped[start[c] + k]] = (guint) ((dealt + k) % n_folds);
      dealt += count;
    }
}

/* Result */

static void
healer_cv_fold_clear (HealerCvFold *fold)
{
  g_clear_pointer (&fold->metrics, healer_metrics_free);
}

void
healer_cv_result_free (HealerCvResult *result)
{
  if (result == NULL)
    return;

  if (result->folds != NULL)
    for (guint i = 0; i < result->n_folds * result->n_repeats; i++)
      healer_cv_fold_clear (&result->folds[i]);
  g_clear_pointer (&result->data, healer_dataset_unref);
  g_free (result->rows);
  g_free (result->class_ids);
  g_free (result->y);
  g_free (result->assignment);
  g_free (result->predicted);
  g_free (result->proba);
  g_free (result->folds);
  g_free (result->repeats);
  g_free (result->mean_class_f1);
  g_free (result->std_class_f1);
  g_clear_pointer (&result->pooled, healer_metrics_free);
  g_free (result);
}

/* Checks */

/* For messages: in-memory tables have no file name. */
static const char *
healer_cv_data_name (const HealerDataset *data)
{
  const char *name = healer_dataset_get_source_name (data);

  return *name != '\0' ? name : _("the data set");
}

static gboolean
healer_cv_check_args (const HealerDataset *data,
                      guint                n_folds,
                      guint                n_repeats,
                      GError             **error)
{
  const char *name = healer_cv_data_name (data);

  if (data->labels == NULL)
    {
      g_set_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_INVALID,
                   _("%s has no label column: cross-validation needs the class of every "
                     "row (a column named “label”)"), name);
      return FALSE;
    }
  if (n_folds < 2 || n_folds > HEALER_CV_MAX_FOLDS)
    {
      g_set_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_INVALID,
                   _("Cross-validation needs from 2 to %u folds, not %u"),
                   (guint) HEALER_CV_MAX_FOLDS, n_folds);
      return FALSE;
    }
  if (n_repeats < 1 || n_repeats > HEALER_CV_MAX_REPEATS)
    {
      g_set_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_INVALID,
                   _("Cross-validation needs from 1 to %u repeats, not %u"),
                   (guint) HEALER_CV_MAX_REPEATS, n_repeats);
      return FALSE;
    }
  return TRUE;
}

/* Maps the labels once, for every fold, and checks each class can be held
 * out in every fold. */
static gboolean
healer_cv_map_classes (HealerCvResult *res,
                       GError        **error)
{
  const HealerDataset *data = res->data;
  const char *name = healer_cv_data_name (data);
  g_autofree gsize *count = NULL;
  g_autofree gint32 *labels = g_new (gint32, MAX (res->n_rows, 1));
  guint64 cells;

  for (gsize i = 0; i < res->n_rows; i++)
    labels[i] = data->labels[res->rows[i]];
  res->y = g_new (guint, MAX (res->n_rows, 1));
  res->class_ids = healer_labels_to_classes (labels, res->n_rows, &res->n_classes, res->y);
  if (res->n_classes < 2)
    {
      g_set_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_INVALID,
                   _("Cross-validation needs at least two classes, but every row of %s has "
                     "label %d"), name, res->class_ids[0]);
      return FALSE;
    }

  count = g_new0 (gsize, res->n_classes);
  for (gsize i = 0; i < res->n_rows; i++)
    count[res->y[i]]++;
  /* The smallest class, so that the folds the message offers are enough
   * for every class, not only for the first one short of them (a probe was
   * told "at most 21", then "at most 20", then "at most 14"). */
  {
    guint smallest = 0;

    for (guint c = 1; c < res->n_classes; c++)
      if (count[c] < count[smallest])
        smallest = c;
    if (count[smallest] < res->n_folds)
      {
        guint c = smallest;
        g_autoptr(GString) msg = g_string_new (NULL);

        g_string_printf (msg, g_dngettext (GETTEXT_PACKAGE,
                                           "Class %d has %zu row in %s, fewer "
                                           "than the %u folds: every fold must hold out at "
                                           "least one row of every class.",
                                           "Class %d has %zu rows in %s, fewer "
                                           "than the %u folds: every fold must hold out at "
                                           "least one row of every class.", count[c]),
                         res->class_ids[c], count[c], name, res->n_folds);
        if (res->n_duplicates_removed > 0)
          g_string_append_printf (msg, _(" (Counted after removing %zu"
                                         " duplicate rows.)"), res->n_duplicates_removed);
        g_string_append_c (msg, ' ');
        if (count[c] >= 2)
          g_string_append_printf (msg, _("Use at most %zu folds."), count[c]);
        else
          g_string_append (msg, _("Add rows of that class or remove it."));
        g_set_error_literal (error, HEALER_CV_ERROR, HEALER_CV_ERROR_SMALL_CLASS, msg->str);
        return FALSE;
      }
  }

  cells = (guint64) res->n_repeats * res->n_rows * res->n_classes;
  if (cells > HEALER_CV_MAX_OOF_CELLS)
    {
      g_set_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_TOO_LARGE,
                   _("%u repeats of %zu rows and %u classes are too many "
                     "out-of-fold predictions to keep; use fewer repeats"),
                   res->n_repeats, res->n_rows, res->n_classes);
      return FALSE;
    }
  return TRUE;
}

/* Progress */

typedef struct
{
  HealerCvResult       *res;
  HealerCvProgressFunc  progress;
  gpointer              user_data;
  gint64                start_us;
  HealerEta             eta;
  guint                 repeat;
  guint                 fold;
  guint                 folds_done;
  double                sum_accuracy;
  double                sum_macro_f1;
} HealerCvRun;

static void
healer_cv_report (HealerCvRun               *run,
                  const HealerTrainProgress *epoch,
                  const HealerCvFold        *finished)
{
  HealerCvProgress p = { 0 };
  guint total = run->res->n_folds * run->res->n_repeats;
  double done = run->folds_done;

  p.repeat = run->repeat;
  p.n_repeats = run->res->n_repeats;
  p.fold = run->fold;
  p.n_folds = run->res->n_folds;
  p.folds_done = run->folds_done;
  p.epoch = epoch;
  p.finished = finished;
  p.mean_accuracy = run->folds_done > 0 ? run->sum_accuracy / run->folds_done : NAN;
  p.mean_macro_f1 = run->folds_done > 0 ? run->sum_macro_f1 / run->folds_done : NAN;
  p.elapsed_seconds = (g_get_monotonic_time () - run->start_us) / (double) G_USEC_PER_SEC;

  /* Within a fold, the share of its epochs run; early stopping makes that
   * pessimistic, which an estimate may be. */
  if (epoch != NULL && epoch->n_members > 0 && epoch->n_epochs > 0)
    done += ((double) epoch->member * epoch->n_epochs + epoch->epoch) /
            ((double) epoch->n_members * epoch->n_epochs);
  healer_eta_update (&run->eta, healer_eta_now (), total > 0 ? done / (double) total : 0.0);
  p.eta_seconds = healer_eta_seconds_left (&run->eta);

  run->progress (&p, run->user_data);
}

static void
healer_cv_on_epoch (const HealerTrainProgress *progress,
                    gpointer                   user_data)
{
  healer_cv_report (user_data, progress, NULL);
}

/* One fold */

/* Trains on the table rows @rows in place: a copy of a fold's training
 * rows was most of the table again at the peak, and healer_train_rows
 * gives the same model to the bit. */
static HealerModel *
healer_cv_train_fold (HealerCvRun             *run,
                      const HealerTrainConfig *config,
                      const gsize             *rows,
                      gsize                    n,
                      GCancellable            *cancellable,
                      GError                 **error)
{
  HealerCvResult *res = run->res;
  g_autoptr(HealerModel) model = NULL;
  HealerTrainConfig fold_config = *config;

  /* Explanations of a fold model are never shown; they cost more than the
   * training itself on small data. */
  fold_config.explain = FALSE;
  model = healer_train_rows (res->data, rows, n, &fold_config, cancellable,
                             run->progress != NULL ? healer_cv_on_epoch : NULL, run, error);
  if (model == NULL)
    return NULL;

  /* A cancelled healer_train still returns its best weights; a fold
   * measured on them would be a different experiment. */
  if (model->status == HEALER_TRAIN_CANCELLED ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                     _("Cross-validation was cancelled"));
      return NULL;
    }

  if (model->n_classes != res->n_classes ||
      memcmp (model->class_ids, res->class_ids, res->n_classes * sizeof (gint32)) != 0)
    {
      g_set_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_MISSING_CLASS,
                   _("The training part has %u of the %u classes of the data set; every "
                     "fold must train on every class"),
                   model->n_classes, res->n_classes);
      return NULL;
    }
  return g_steal_pointer (&model);
}

/* Predicts the held-out rows (positions @pos in res->rows) into the
 * repeat's out-of-fold arrays and measures them. A block at a time: the
 * model computes every row alone, so the bits do not depend on the block. */
static gboolean
healer_cv_test_fold (HealerCvResult    *res,
                     const HealerModel *model,
                     const gsize       *pos,
                     gsize              n,
                     guint              r,
                     HealerCvFold      *fold,
                     GError           **error)
{
  guint k = res->n_classes;
  g_autofree float *proba = g_new (float, MAX (n, 1) * k);
  g_autofree guint *y_true = g_new (guint, MAX (n, 1));
  g_autofree guint *y_pred = g_new (guint, MAX (n, 1));
  g_autofree gsize *block = g_new (gsize, MIN (MAX (n, 1), HEALER_CV_TEST_BLOCK));
  gsize base = (gsize) r * res->n_rows;

  for (gsize start = 0; start < n; start += HEALER_CV_TEST_BLOCK)
    {
      gsize nb = MIN (HEALER_CV_TEST_BLOCK, n - start);
      g_autoptr(HealerDataset) test = NULL;
      g_autoptr(HealerDataset) aligned = NULL;

      for (gsize i = 0; i < nb; i++)
        block[i] = res->rows[pos[start + i]];
      test = healer_dataset_subset (res->data, block, nb);
      aligned = healer_model_align (model, test, NULL, NULL, error);
      if (aligned == NULL)
        return FALSE;
      healer_model_predict_proba (model, aligned, proba + start * k);
    }

  for (gsize i = 0; i < n; i++)
    {
      y_true[i] = res->y[pos[i]];
      y_pred[i] = healer_argmax (proba + i * k, k);
      res->predicted[base + pos[i]] = y_pred[i];
      memcpy (res->proba + (base + pos[i]) * k, proba + i * k, k * sizeof (float));
    }
  fold->metrics = healer_metrics_compute (y_true, y_pred, proba, n, k);
  return TRUE;
}

static gboolean
healer_cv_run_fold (HealerCvRun             *run,
                    const HealerTrainConfig *config,
                    guint                    r,
                    guint                    f,
                    GCancellable            *cancellable,
                    GError                 **error)
{
  HealerCvResult *res = run->res;
  HealerCvFold *fold = &res->folds[(gsize) r * res->n_folds + f];
  const guint *assignment = res->assignment + (gsize) r * res->n_rows;
  g_autoptr(GArray) train_rows = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) test_rows = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(HealerModel) model = NULL;
  gint64 t0 = g_get_monotonic_time ();

  /* Training rows as rows of the table, held-out ones as positions in
   * res->rows, where their out-of-fold results go. */
  for (gsize i = 0; i < res->n_rows; i++)
    {
      if (assignment[i] == f)
        g_array_append_val (test_rows, i);
      else
        g_array_append_val (train_rows, res->rows[i]);
    }

  fold->repeat = r;
  fold->fold = f;
  fold->n_train = train_rows->len;
  fold->n_test = test_rows->len;

  model = healer_cv_train_fold (run, config, (const gsize *) (gpointer) train_rows->data,
                                train_rows->len, cancellable, error);
  if (model == NULL ||
      !healer_cv_test_fold (res, model, (const gsize *) (gpointer) test_rows->data,
                            test_rows->len, r, fold, error))
    {
      if (error != NULL && *error != NULL &&
          !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_prefix_error (error, _("Repeat %u, fold %u: "), r + 1, f + 1);
      return FALSE;
    }

  fold->epochs_run = model->history.n_epochs;
  fold->best_epoch = model->best_epoch;
  fold->status = model->status;
  fold->seconds = (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC;
  return TRUE;
}

/* Summary */

/* Sample standard deviation of @n values @stride apart; NAN for n < 2. */
static double
healer_sample_std (const double *v,
                   gsize         n,
                   gsize         stride,
                   double       *mean_out)
{
  double mean = 0.0, ss = 0.0;

  for (gsize i = 0; i < n; i++)
    mean += v[i * stride];
  mean /= (double) MAX (n, 1);
  for (gsize i = 0; i < n; i++)
    ss += (v[i * stride] - mean) * (v[i * stride] - mean);
  if (mean_out != NULL)
    *mean_out = mean;
  return n >= 2 ? sqrt (ss / (double) (n - 1)) : NAN;
}

static void
healer_cv_summarise (HealerCvResult *res)
{
  gsize n_all = (gsize) res->n_folds * res->n_repeats;
  guint k = res->n_classes;
  g_autofree double *acc = g_new (double, n_all);
  g_autofree double *f1 = g_new (double, n_all);
  g_autofree double *class_f1 = g_new (double, n_all * k);
  g_autofree double *rep_acc = g_new (double, res->n_repeats);
  g_autofree double *rep_f1 = g_new (double, res->n_repeats);
  g_autofree guint *y_all = g_new (guint, MAX (res->n_rows * res->n_repeats, 1));

  for (gsize i = 0; i < n_all; i++)
    {
      const HealerMetrics *m = res->folds[i].metrics;

      acc[i] = m->accuracy;
      f1[i] = m->macro_f1;
      memcpy (class_f1 + i * k, m->f1, k * sizeof (double));
    }

  for (guint r = 0; r < res->n_repeats; r++)
    {
      healer_sample_std (acc + (gsize) r * res->n_folds, res->n_folds, 1,
                         &res->repeats[r].accuracy);
      healer_sample_std (f1 + (gsize) r * res->n_folds, res->n_folds, 1,
                         &res->repeats[r].macro_f1);
      rep_acc[r] = res->repeats[r].accuracy;
      rep_f1[r] = res->repeats[r].macro_f1;
    }
  res->std_accuracy = healer_sample_std (rep_acc, res->n_repeats, 1, &res->mean_accuracy);
  res->std_macro_f1 = healer_sample_std (rep_f1, res->n_repeats, 1, &res->mean_macro_f1);
  res->fold_std_accuracy = healer_sample_std (acc, n_all, 1, NULL);
  res->fold_std_macro_f1 = healer_sample_std (f1, n_all, 1, NULL);

  res->mean_class_f1 = g_new (double, k);
  res->std_class_f1 = g_new (double, k);
  for (guint c = 0; c < k; c++)
    res->std_class_f1[c] = healer_sample_std (class_f1 + c, n_all, k, &res->mean_class_f1[c]);

  for (guint r = 0; r < res->n_repeats; r++)
    memcpy (y_all + (gsize) r * res->n_rows, res->y, res->n_rows * sizeof (guint));
  res->pooled = healer_metrics_compute (y_all, res->predicted, res->proba,
                                        res->n_rows * res->n_repeats, k);
}

/* Entry point */

static HealerCvResult *
healer_cv_result_new (const HealerDataset     *data,
                      const HealerTrainConfig *config,
                      guint                    n_folds,
                      guint                    n_repeats,
                      guint64                  seed)
{
  HealerCvResult *res = g_new0 (HealerCvResult, 1);

  res->n_folds = n_folds;
  res->n_repeats = n_repeats;
  res->config = *config;
  res->seed = seed;
  /* Rows of the table, not a copy of them: with duplicates a copy was the
   * table again. */
  res->data = healer_dataset_ref ((HealerDataset *) data);
  if (config->preprocess.drop_duplicates)
    {
      res->rows = healer_dataset_unique_rows (data, &res->n_rows);
      res->n_duplicates_removed = data->n_rows - res->n_rows;
    }
  else
    {
      res->n_rows = data->n_rows;
      res->rows = g_new (gsize, MAX (res->n_rows, 1));
      for (gsize i = 0; i < res->n_rows; i++)
        res->rows[i] = i;
    }
  res->folds = g_new0 (HealerCvFold, (gsize) n_folds * n_repeats);
  res->repeats = g_new0 (HealerCvRepeat, n_repeats);
  return res;
}

HealerCvResult *
healer_cross_validate (const HealerDataset     *data,
                       const HealerTrainConfig *config,
                       guint                    n_folds,
                       guint                    n_repeats,
                       guint64                  seed,
                       GCancellable            *cancellable,
                       HealerCvProgressFunc     progress,
                       gpointer                 user_data,
                       GError                 **error)
{
  g_autoptr(HealerCvResult) res = NULL;
  HealerCvRun run = { 0 };

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !healer_cv_check_args (data, n_folds, n_repeats, error) ||
      !healer_train_config_validate (config, error))
    return NULL;

  res = healer_cv_result_new (data, config, n_folds, n_repeats, seed);
  if (!healer_cv_map_classes (res, error))
    return NULL;
  res->assignment = g_new (guint, (gsize) n_repeats * res->n_rows);
  res->predicted = g_new (guint, (gsize) n_repeats * res->n_rows);
  res->proba = g_new (float, (gsize) n_repeats * res->n_rows * res->n_classes);

  run.res = res;
  run.progress = progress;
  run.user_data = user_data;
  run.start_us = g_get_monotonic_time ();
  healer_eta_init (&run.eta);

  for (guint r = 0; r < n_repeats; r++)
    {
      HealerTrainConfig fold_config = *config;
      HealerCvRepeat *rep = &res->repeats[r];

      rep->repeat = r;
      rep->fold_seed = seed + r;
      rep->train_seed = config->seed + (guint64) r * config->ensemble;
      fold_config.seed = rep->train_seed;
      healer_cv_assign_folds (res->y, res->n_rows, res->n_classes, n_folds, rep->fold_seed,
                              res->assignment + (gsize) r * res->n_rows);

      for (guint f = 0; f < n_folds; f++)
        {
          const HealerCvFold *done;

          run.repeat = r;
          run.fold = f;
          if (!healer_cv_run_fold (&run, &fold_config, r, f, cancellable, error))
            return NULL;

          done = &res->folds[(gsize) r * n_folds + f];
          run.folds_done++;
          run.sum_accuracy += done->metrics->accuracy;
          run.sum_macro_f1 += done->metrics->macro_f1;
          if (progress != NULL)
            healer_cv_report (&run, NULL, done);
        }
    }

  healer_cv_summarise (res);
  res->elapsed_seconds = (g_get_monotonic_time () - run.start_us) / (double) G_USEC_PER_SEC;
  return g_steal_pointer (&res);
}
