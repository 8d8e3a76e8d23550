/* test-cv.c — tests of cross-validation: fold assignment, determinism, duplicates, cancellation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include "healer-cv.h"
#include "healer-preprocess.h"
#include "healer-simulate.h"
#include "healer-trainer.h"
#include "healer-test-data.h"

/* Gaussian blobs with labels 2, 5, 8… (so the class-id mapping is
 * exercised); @counts rows per class (or n_rows / n_classes each when NULL),
 * one class after the other. */
static HealerDataset *
make_blobs (gsize        n_rows,
            guint        n_features,
            guint        n_classes,
            const gsize *counts,
            guint64      seed)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *centres = g_new (double, n_classes * n_features);
  HealerDataset *ds;
  HealerRng rng;
  gsize i = 0;

  for (guint j = 0; j < n_features; j++)
    g_ptr_array_add (names, g_strdup_printf ("feature%u", j));
  g_ptr_array_add (names, NULL);
  ds = healer_dataset_new ((const char * const *) names->pdata, n_rows, TRUE, TRUE);
  ds->n_rows = n_rows;

  healer_rng_init (&rng, seed);
  for (guint k = 0; k < n_classes * n_features; k++)
    centres[k] = healer_rng_normal (&rng) * 2.0;
  for (guint c = 0; c < n_classes; c++)
    {
      gsize count = counts != NULL ? counts[c] : n_rows / n_classes;

      for (gsize r = 0; r < count && i < n_rows; r++, i++)
        {
          g_autofree char *id = g_strdup_printf ("row-%" G_GSIZE_FORMAT, i);

          ds->labels[i] = 2 + 3 * (gint32) c;
          healer_dataset_set_sample_id (ds, i, id);
          for (guint j = 0; j < n_features; j++)
            ds->x[i * n_features + j] = (float) (centres[c * n_features + j] +
                                                 healer_rng_normal (&rng));
        }
    }
  g_assert_cmpuint (i, ==, n_rows);
  return ds;
}

static void
tiny_config (HealerTrainConfig *c)
{
  g_autoptr(GError) error = NULL;

  healer_train_config_init_default (c);
  g_assert_true (healer_train_config_set_hidden (c, "16", &error));
  g_assert_no_error (error);
  c->learning_rate = 5e-3;
  c->batch_size = 32;
  c->epochs = 8;
  c->patience = 0;
  /* one member, so that each fold reports one run of epochs */
  c->ensemble = 1;
}

/* Per-class fold counts differ by at most 1, and so do the fold totals. */
static void
assert_stratified (const guint *labels,
                   gsize        n,
                   guint        n_classes,
                   guint        n_folds,
                   const guint *fold)
{
  g_autofree gsize *count = g_new0 (gsize, (gsize) n_classes * n_folds);
  g_autofree gsize *total = g_new0 (gsize, n_folds);

  for (gsize i = 0; i < n; i++)
    {
      g_assert_cmpuint (fold[i], <, n_folds);
      count[labels[i] * n_folds + fold[i]]++;
      total[fold[i]]++;
    }
  for (guint c = 0; c < n_classes; c++)
    {
      gsize lo = G_MAXSIZE, hi = 0;

      for (guint f = 0; f < n_folds; f++)
        {
          lo = MIN (lo, count[c * n_folds + f]);
          hi = MAX (hi, count[c * n_folds + f]);
        }
      g_assert_cmpuint (hi - lo, <=, 1);
    }
  for (guint f = 1; f < n_folds; f++)
    {
      g_assert_cmpuint (total[f] + 1, >=, total[0]);
      g_assert_cmpuint (total[f], <=, total[0] + 1);
    }
}

static void
test_assign (void)
{
  /* Unbalanced classes, one smaller than the number of folds. */
  const gsize counts[] = { 17, 5, 23, 9, 3, 41 };
  const guint n_classes = G_N_ELEMENTS (counts);
  g_autofree guint *labels = NULL;
  g_autofree guint *a = NULL;
  g_autofree guint *b = NULL;
  gsize n = 0;

  for (guint c = 0; c < n_classes; c++)
    n += counts[c];
  labels = g_new (guint, n);
  a = g_new (guint, n);
  b = g_new (guint, n);
  /* Classes interleaved in row order. */
  for (gsize i = 0, filled = 0; filled < n; i++)
    for (guint c = 0; c < n_classes; c++)
      if (i < counts[c])
        labels[filled++] = c;

  for (guint k = 2; k <= 7; k++)
    for (guint64 seed = 0; seed < 20; seed++)
      {
        healer_cv_assign_folds (labels, n, n_classes, k, seed, a);
        assert_stratified (labels, n, n_classes, k, a);
        healer_cv_assign_folds (labels, n, n_classes, k, seed, b);
        g_assert_cmpmem (a, n * sizeof (guint), b, n * sizeof (guint));
        healer_cv_assign_folds (labels, n, n_classes, k, seed + 1, b);
        g_assert_true (memcmp (a, b, n * sizeof (guint)) != 0);
      }
}

static HealerCvResult *
cv_or_die (const HealerDataset     *ds,
           const HealerTrainConfig *c,
           guint                    n_folds,
           guint                    n_repeats,
           guint64                  seed)
{
  g_autoptr(GError) error = NULL;
  HealerCvResult *res = healer_cross_validate (ds, c, n_folds, n_repeats, seed, NULL, NULL,
                                               NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (res);
  return res;
}

static void
test_held_out_once (void)
{
  const gsize counts[] = { 40, 25, 31 };
  g_autoptr(HealerDataset) ds = make_blobs (96, 6, 3, counts, 1);
  g_autoptr(HealerCvResult) res = NULL;
  HealerTrainConfig c;
  const guint k = 4, reps = 3;

  tiny_config (&c);
  c.ensemble = 2;
  res = cv_or_die (ds, &c, k, reps, 7);

  g_assert_cmpuint (res->n_rows, ==, 96);
  g_assert_cmpuint (res->n_classes, ==, 3);
  g_assert_cmpint (res->class_ids[0], ==, 2);
  g_assert_cmpint (res->class_ids[2], ==, 8);
  for (guint r = 0; r < reps; r++)
    {
      const guint *fold = res->assignment + r * res->n_rows;
      gsize held_out = 0;

      assert_stratified (res->y, res->n_rows, res->n_classes, k, fold);
      g_assert_cmpuint (res->repeats[r].fold_seed, ==, 7 + r);
      g_assert_cmpuint (res->repeats[r].train_seed, ==, c.seed + r * c.ensemble);
      for (guint f = 0; f < k; f++)
        {
          const HealerCvFold *fr = &res->folds[r * k + f];
          gsize in_fold = 0;

          for (gsize i = 0; i < res->n_rows; i++)
            in_fold += fold[i] == f;
          g_assert_cmpuint (fr->repeat, ==, r);
          g_assert_cmpuint (fr->fold, ==, f);
          g_assert_cmpuint (fr->n_test, ==, in_fold);
          g_assert_cmpuint (fr->n_train + fr->n_test, ==, res->n_rows);
          g_assert_cmpuint (fr->metrics->n_samples, ==, in_fold);
          g_assert_cmpuint (fr->epochs_run, ==, c.epochs);
          held_out += fr->n_test;
        }
      g_assert_cmpuint (held_out, ==, res->n_rows);
      for (gsize i = 0; i < res->n_rows; i++)
        g_assert_cmpuint (res->predicted[r * res->n_rows + i], <, res->n_classes);
    }
  /* Each repeat draws new folds. */
  g_assert_true (memcmp (res->assignment, res->assignment + res->n_rows,
                         res->n_rows * sizeof (guint)) != 0);
  g_assert_cmpuint (res->pooled->n_samples, ==, reps * res->n_rows);
  for (guint c2 = 0; c2 < res->n_classes; c2++)
    g_assert_cmpuint (res->pooled->support[c2], ==, reps * counts[c2]);
  g_assert_true (isfinite (res->std_macro_f1));
  g_assert_cmpfloat (res->mean_macro_f1, >, 0.0);
  g_assert_cmpfloat (res->mean_macro_f1, <=, 1.0);
}

static void
assert_metrics_identical (const HealerMetrics *a,
                          const HealerMetrics *b)
{
  guint k = a->n_classes;

  g_assert_cmpuint (a->n_classes, ==, b->n_classes);
  g_assert_cmpmem (&a->accuracy, sizeof (double), &b->accuracy, sizeof (double));
  g_assert_cmpmem (&a->macro_f1, sizeof (double), &b->macro_f1, sizeof (double));
  g_assert_cmpmem (&a->log_loss, sizeof (double), &b->log_loss, sizeof (double));
  g_assert_cmpmem (a->f1, k * sizeof (double), b->f1, k * sizeof (double));
  g_assert_cmpmem (a->confusion, k * k * sizeof (gsize), b->confusion, k * k * sizeof (gsize));
}

static void
test_deterministic (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (120, 5, 3, NULL, 3);
  g_autoptr(HealerCvResult) a = NULL;
  g_autoptr(HealerCvResult) b = NULL;
  g_autoptr(HealerCvResult) d = NULL;
  HealerTrainConfig c;
  gsize n;

  tiny_config (&c);
  c.dropout = 0.2;
  a = cv_or_die (ds, &c, 3, 2, 11);
  b = cv_or_die (ds, &c, 3, 2, 11);
  n = a->n_rows * a->n_repeats;

  g_assert_cmpmem (a->assignment, n * sizeof (guint), b->assignment, n * sizeof (guint));
  g_assert_cmpmem (a->predicted, n * sizeof (guint), b->predicted, n * sizeof (guint));
  g_assert_cmpmem (a->proba, n * a->n_classes * sizeof (float),
                   b->proba, n * b->n_classes * sizeof (float));
  for (guint i = 0; i < a->n_folds * a->n_repeats; i++)
    assert_metrics_identical (a->folds[i].metrics, b->folds[i].metrics);
  assert_metrics_identical (a->pooled, b->pooled);
  g_assert_cmpmem (&a->mean_macro_f1, sizeof (double), &b->mean_macro_f1, sizeof (double));
  g_assert_cmpmem (&a->std_macro_f1, sizeof (double), &b->std_macro_f1, sizeof (double));
  g_assert_cmpmem (&a->mean_accuracy, sizeof (double), &b->mean_accuracy, sizeof (double));
  g_assert_cmpmem (a->mean_class_f1, a->n_classes * sizeof (double),
                   b->mean_class_f1, b->n_classes * sizeof (double));

  /* Another fold seed: other folds. */
  d = cv_or_die (ds, &c, 3, 2, 12);
  g_assert_true (memcmp (a->assignment, d->assignment, a->n_rows * sizeof (guint)) != 0);
  /* Repeat 0 of seed 12 is repeat 1 of seed 11. */
  g_assert_cmpmem (a->assignment + a->n_rows, a->n_rows * sizeof (guint),
                   d->assignment, d->n_rows * sizeof (guint));
}

static void
test_simulated (void)
{
  HealerSimulateConfig sc;
  g_autoptr(HealerDataset) ds = NULL;
  g_autoptr(HealerCvResult) res = NULL;
  g_autoptr(GError) error = NULL;
  HealerTrainConfig c;

  healer_simulate_config_init_default (&sc);
  sc.n_samples = 600;
  sc.noise = 0.7;
  ds = healer_simulate (&sc);
  tiny_config (&c);
  g_assert_true (healer_train_config_set_hidden (&c, "32", &error));
  c.epochs = 30;
  res = cv_or_die (ds, &c, 3, 1, 1);
  g_test_message ("simulated data, 3 folds: accuracy %.4f, macro-F1 %.4f (%.1f s)",
                  res->mean_accuracy, res->mean_macro_f1, res->elapsed_seconds);
  g_assert_cmpuint (res->n_classes, ==, sc.n_classes);
  g_assert_cmpfloat (res->mean_accuracy, >=, 0.8);
  g_assert_cmpfloat (res->pooled->accuracy, >=, 0.8);
  /* One repeat: no spread between repeats, but between folds. */
  g_assert_true (isnan (res->std_macro_f1));
  g_assert_true (isfinite (res->fold_std_macro_f1));
}

static void
test_duplicates (void)
{
  g_autoptr(HealerDataset) base = make_blobs (90, 4, 3, NULL, 5);
  g_autoptr(HealerDataset) ds = NULL;
  g_autoptr(HealerDataset) again = NULL;
  g_autoptr(HealerDataset) kept_rows = NULL;
  g_autoptr(HealerCvResult) dropped = NULL;
  g_autoptr(HealerCvResult) kept = NULL;
  g_autofree gsize *rows = g_new (gsize, 120);
  gsize n_removed = G_MAXSIZE;
  HealerTrainConfig c;

  /* Rows 0…29 twice more: 30 duplicates, some of which a split before the
   * removal would put on both sides of a fold. */
  for (gsize i = 0; i < 90; i++)
    rows[i] = i;
  for (gsize i = 0; i < 30; i++)
    rows[90 + i] = i;
  ds = healer_dataset_subset (base, rows, 120);

  tiny_config (&c);
  c.epochs = 2;
  g_assert_true (c.preprocess.drop_duplicates);
  dropped = cv_or_die (ds, &c, 3, 1, 1);
  g_assert_cmpuint (dropped->n_duplicates_removed, ==, 30);
  g_assert_cmpuint (dropped->n_rows, ==, 90);
  g_assert_cmpuint (dropped->pooled->n_samples, ==, 90);
  /* The rows kept are table rows, in order, without a duplicate among them. */
  g_assert_true (dropped->data == ds);
  for (gsize i = 0; i < dropped->n_rows; i++)
    g_assert_cmpuint (dropped->rows[i], ==, i);
  kept_rows = healer_dataset_subset (ds, dropped->rows, dropped->n_rows);
  again = healer_dataset_drop_duplicates (kept_rows, &n_removed);
  g_assert_cmpuint (n_removed, ==, 0);
  for (guint f = 0; f < 3; f++)
    g_assert_cmpuint (dropped->folds[f].n_test, ==, 30);

  c.preprocess.drop_duplicates = FALSE;
  kept = cv_or_die (ds, &c, 3, 1, 1);
  g_assert_cmpuint (kept->n_duplicates_removed, ==, 0);
  g_assert_cmpuint (kept->n_rows, ==, 120);
}

typedef struct
{
  GCancellable *cancellable;
  guint         cancel_after_folds;   /* 0: cancel on the 3rd epoch report instead */
  guint         fold_reports;
  guint         epoch_reports;
  guint         last_done;
  double        sum_macro_f1;
  gboolean      mean_ok;
} CancelState;

static void
on_progress (const HealerCvProgress *p,
             gpointer                user_data)
{
  CancelState *s = user_data;

  g_assert_true ((p->epoch == NULL) != (p->finished == NULL));
  if (p->finished != NULL)
    {
      s->fold_reports++;
      g_assert_cmpuint (p->folds_done, ==, s->last_done + 1);
      s->last_done = p->folds_done;
      s->sum_macro_f1 += p->finished->metrics->macro_f1;
      s->mean_ok = s->mean_ok &&
                   fabs (p->mean_macro_f1 - s->sum_macro_f1 / p->folds_done) < 1e-12;
      g_assert_cmpuint (p->finished->repeat, ==, p->repeat);
      g_assert_cmpuint (p->finished->fold, ==, p->fold);
      if (s->cancel_after_folds > 0 && s->fold_reports == s->cancel_after_folds)
        g_cancellable_cancel (s->cancellable);
    }
  else
    {
      s->epoch_reports++;
      g_assert_cmpuint (p->folds_done, ==, s->last_done);
      if (s->cancel_after_folds == 0 && s->epoch_reports == 3)
        g_cancellable_cancel (s->cancellable);
    }
}

static void
test_progress (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (60, 4, 2, NULL, 6);
  g_autoptr(HealerCvResult) res = NULL;
  g_autoptr(GError) error = NULL;
  CancelState s = { .mean_ok = TRUE };
  HealerTrainConfig c;

  tiny_config (&c);
  c.epochs = 3;
  res = healer_cross_validate (ds, &c, 3, 2, 1, NULL, on_progress, &s, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (s.fold_reports, ==, 6);
  g_assert_cmpuint (s.epoch_reports, ==, 6 * 3);
  g_assert_true (s.mean_ok);
  g_assert_cmpfloat (fabs (s.sum_macro_f1 / 6 - res->mean_macro_f1), <, 1e-12);
}

static void
test_cancel (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (60, 4, 2, NULL, 6);
  HealerTrainConfig c;

  tiny_config (&c);
  c.epochs = 10;

  /* after the second fold, in the middle of a fold, and before the start */
  for (guint mode = 0; mode < 3; mode++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(HealerCvResult) res = NULL;
      g_autoptr(GError) error = NULL;
      CancelState s = { .cancellable = cancellable, .mean_ok = TRUE };

      s.cancel_after_folds = mode == 0 ? 2 : 0;
      if (mode == 2)
        g_cancellable_cancel (cancellable);
      res = healer_cross_validate (ds, &c, 3, 2, 1, cancellable, on_progress, &s, &error);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      g_assert_null (res);
      g_assert_cmpuint (s.fold_reports, ==, mode == 0 ? 2 : 0);
      g_assert_cmpuint (s.epoch_reports, ==, mode == 0 ? 20 : mode == 1 ? 3 : 0);
    }
}

static void
test_small_class (void)
{
  const gsize counts[] = { 20, 3, 20 };
  const gsize single[] = { 20, 1, 20 };
  g_autoptr(HealerDataset) ds = make_blobs (43, 4, 3, counts, 8);
  g_autoptr(HealerDataset) one = make_blobs (41, 4, 3, single, 8);
  g_autoptr(HealerCvResult) res = NULL;
  g_autoptr(HealerCvResult) three = NULL;
  g_autoptr(GError) error = NULL;
  HealerTrainConfig c;

  tiny_config (&c);
  c.epochs = 2;
  /* Decided: an error rather than folds that hold out no row of a class,
   * whose macro-F1 would average over other classes than their neighbours'. */
  res = healer_cross_validate (ds, &c, 5, 1, 1, NULL, NULL, NULL, &error);
  g_assert_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_SMALL_CLASS);
  g_assert_null (res);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "Class 5 has 3 rows"));
  g_assert_nonnull (strstr (error->message, "at most 3 folds"));
  g_clear_error (&error);

  res = healer_cross_validate (one, &c, 2, 1, 1, NULL, NULL, NULL, &error);
  g_assert_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_SMALL_CLASS);
  g_assert_nonnull (strstr (error->message, "Class 5 has 1 row "));
  g_clear_error (&error);

  /* Several classes short of the folds: the smallest is named, so the
   * folds offered suffice for every class (not "at most 7", then 4). */
  {
    const gsize uneven[] = { 7, 20, 4 };
    g_autoptr(HealerDataset) short2 = make_blobs (31, 4, 3, uneven, 8);

    res = healer_cross_validate (short2, &c, 10, 1, 1, NULL, NULL, NULL, &error);
    g_assert_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_SMALL_CLASS);
    g_assert_null (res);
    g_test_message ("%s", error->message);
    g_assert_nonnull (strstr (error->message, "has 4 rows"));
    g_assert_nonnull (strstr (error->message, "at most 4 folds"));
    g_clear_error (&error);
  }

  /* As many rows as folds is enough. */
  three = cv_or_die (ds, &c, 3, 1, 1);
  for (guint f = 0; f < 3; f++)
    g_assert_cmpuint (three->folds[f].metrics->support[1], ==, 1);
}

static void
test_invalid (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (30, 3, 2, NULL, 9);
  g_autoptr(HealerDataset) unlabelled = NULL;
  g_autoptr(HealerDataset) one_class = NULL;
  g_autoptr(GError) error = NULL;
  const gsize first[] = { 0, 2, 4, 6, 8, 10 };
  HealerTrainConfig c;
  HealerCvResult *res;

  tiny_config (&c);
  res = healer_cross_validate (ds, &c, 1, 1, 1, NULL, NULL, NULL, &error);
  g_assert_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_INVALID);
  g_assert_null (res);
  g_clear_error (&error);
  res = healer_cross_validate (ds, &c, 3, 0, 1, NULL, NULL, NULL, &error);
  g_assert_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_INVALID);
  g_clear_error (&error);
  res = healer_cross_validate (ds, &c, HEALER_CV_MAX_FOLDS + 1, 1, 1, NULL, NULL, NULL, &error);
  g_assert_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_INVALID);
  g_clear_error (&error);

  c.dropout = 1.5;
  res = healer_cross_validate (ds, &c, 3, 1, 1, NULL, NULL, NULL, &error);
  g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID);
  g_clear_error (&error);
  tiny_config (&c);

  unlabelled = healer_dataset_subset (ds, first, 6);
  g_clear_pointer (&unlabelled->labels, g_free);
  res = healer_cross_validate (unlabelled, &c, 2, 1, 1, NULL, NULL, NULL, &error);
  g_assert_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "label"));
  g_clear_error (&error);

  /* The first rows are all of the first class. */
  one_class = healer_dataset_subset (ds, first, 6);
  res = healer_cross_validate (one_class, &c, 2, 1, 1, NULL, NULL, NULL, &error);
  g_assert_error (error, HEALER_CV_ERROR, HEALER_CV_ERROR_INVALID);
  g_assert_null (res);
}

static void
test_real_data (void)
{
  g_autoptr(HealerDataset) ds = healer_test_load_shared ("kpi_labelled.csv");
  g_autoptr(HealerCvResult) res = NULL;
  g_autoptr(GError) error = NULL;
  HealerTrainConfig c;

  if (ds == NULL)
    return;

  healer_train_config_init_default (&c);
  g_assert_true (healer_train_config_set_hidden (&c, "64", &error));
  c.epochs = 60;
  c.patience = 0;
  c.ensemble = 1;   /* quick */
  res = cv_or_die (ds, &c, 5, 1, 42);
  g_test_message ("real data, 5 folds × 1 repeat: %" G_GSIZE_FORMAT " rows (%" G_GSIZE_FORMAT
                  " duplicates removed), accuracy %.4f, macro-F1 %.4f ± %.4f (folds), %.1f s",
                  res->n_rows, res->n_duplicates_removed, res->mean_accuracy,
                  res->mean_macro_f1, res->fold_std_macro_f1, res->elapsed_seconds);
  g_assert_cmpuint (res->n_classes, ==, 6);
  g_assert_cmpuint (res->n_rows + res->n_duplicates_removed, ==, ds->n_rows);
  g_assert_cmpuint (res->pooled->n_samples, ==, res->n_rows);
  /* six classes: chance is about 0.17 */
  g_assert_cmpfloat (res->mean_accuracy, >, 0.6);
}


typedef struct
{
  guint           n_reports;
  guint           last_done;
  gboolean        went_back;
  gboolean        had_pointers;
  gboolean        after_result;
  gboolean        freed;
  HealerCvResult *result;
  GError         *error;
} AsyncState;

static void
on_async_progress (const HealerCvProgress *p,
                   gpointer                data)
{
  AsyncState *s = data;

  s->n_reports++;
  s->went_back |= p->folds_done < s->last_done;
  s->last_done = p->folds_done;
  s->had_pointers |= p->epoch != NULL || p->finished != NULL;
  s->after_result |= s->result != NULL || s->error != NULL;
}

static void
on_async_freed (gpointer data)
{
  ((AsyncState *) data)->freed = TRUE;
}

static void
on_async_done (GObject      *object,
               GAsyncResult *result,
               gpointer      data)
{
  AsyncState *s = data;

  s->result = healer_cross_validate_finish (result, &s->error);
}

/* On a worker: the same figures as the blocking call, reports that only
 * go forward and carry no pointers, and none after the result. */
static void
test_async (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (60, 4, 2, NULL, 6);
  g_autoptr(HealerCvResult) sync = NULL;
  AsyncState s = { 0 };
  HealerTrainConfig c;

  tiny_config (&c);
  c.epochs = 3;
  sync = cv_or_die (ds, &c, 3, 2, 1);
  healer_cross_validate_async (ds, &c, 3, 2, 1, NULL, on_async_progress, &s, on_async_freed,
                               on_async_done, &s);
  while (s.result == NULL && s.error == NULL)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  g_assert_no_error (s.error);
  g_assert_cmpfloat (s.result->mean_macro_f1, ==, sync->mean_macro_f1);
  g_assert_cmpfloat (s.result->mean_accuracy, ==, sync->mean_accuracy);
  g_assert_cmpuint (s.n_reports, >=, 1);
  g_assert_false (s.went_back);
  g_assert_false (s.had_pointers);
  g_assert_false (s.after_result);
  g_assert_true (s.freed);
  healer_cv_result_free (s.result);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/cv/assign", test_assign);
  g_test_add_func ("/cv/held-out-once", test_held_out_once);
  g_test_add_func ("/cv/deterministic", test_deterministic);
  g_test_add_func ("/cv/simulated", test_simulated);
  g_test_add_func ("/cv/duplicates", test_duplicates);
  g_test_add_func ("/cv/progress", test_progress);
  g_test_add_func ("/cv/cancel", test_cancel);
  g_test_add_func ("/cv/async", test_async);
  g_test_add_func ("/cv/small-class", test_small_class);
  g_test_add_func ("/cv/invalid", test_invalid);
  g_test_add_func ("/cv/real-data", test_real_data);

  return g_test_run ();
}
