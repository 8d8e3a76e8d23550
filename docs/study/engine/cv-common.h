/* cv-common.h — what the study harnesses share: the protocol of healer_cross_validate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Repeat r assigns stratified folds with seed s + r and trains with seed
 * s + r · 5 (the default ensemble size), exactly as "systemhealer-cli cv
 * --seed s" does: with the plain default model each harness reproduces the
 * CLI's figures to the last digit. Each harness fills the out-of-fold
 * probabilities of one fold; this file scores them.
 */

#pragma once

#include <math.h>
#include <stdio.h>

#include "healer-cv.h"
#include "healer-model.h"
#include "healer-preprocess.h"

#define STUDY_FOLDS    5
#define STUDY_REPEATS  3

typedef struct
{
  const HealerDataset *data;
  const gint32 *class_ids;
  const guint  *y;             /* class index of every row */
  guint         n_classes;
  guint         repeat;
  guint64       train_seed;    /* of this repeat */
  gsize         n_train, n_test;
  const gsize  *train_rows, *test_rows;
  HealerDataset *train, *test; /* the rows, copied */
} StudyFold;

/* Fills @proba (n_test × n_classes) for the held-out rows of @fold. */
typedef void (*StudyPredict) (const StudyFold *fold,
                              float           *proba,
                              gpointer         user_data);

/* Prints macro-F1 and accuracy, mean ± std over the repeats, and the
 * per-class F1 averaged over every fold, like "systemhealer-cli cv". */
static inline void
study_cross_validate (const HealerDataset *data,
                      guint64              seed,
                      StudyPredict         predict,
                      gpointer             user_data)
{
  gsize n = data->n_rows;
  g_autofree guint *y = g_new (guint, n);
  g_autofree guint *fold_of = g_new (guint, n);
  guint nc;
  g_autofree gint32 *ids = healer_labels_to_classes (data->labels, n, &nc, y);
  double f1[STUDY_REPEATS], acc[STUDY_REPEATS];
  g_autofree double *class_f1 = g_new0 (double, nc);
  double mf = 0, ma = 0, vf = 0, va = 0;

  for (guint r = 0; r < STUDY_REPEATS; r++)
    {
      f1[r] = acc[r] = 0;
      healer_cv_assign_folds (y, n, nc, STUDY_FOLDS, seed + r, fold_of);
      for (guint k = 0; k < STUDY_FOLDS; k++)
        {
          g_autoptr(GArray) tr = g_array_new (FALSE, FALSE, sizeof (gsize));
          g_autoptr(GArray) te = g_array_new (FALSE, FALSE, sizeof (gsize));
          g_autofree float *proba = NULL;
          g_autofree guint *pred = NULL;
          g_autofree guint *truth = NULL;
          g_autoptr(HealerMetrics) m = NULL;
          StudyFold f = { data, ids, y, nc, r, seed + r * 5 };

          for (gsize i = 0; i < n; i++)
            g_array_append_val (fold_of[i] == k ? te : tr, i);
          f.n_train = tr->len;
          f.n_test = te->len;
          f.train_rows = (const gsize *) tr->data;
          f.test_rows = (const gsize *) te->data;
          f.train = healer_dataset_subset (data, f.train_rows, f.n_train);
          f.test = healer_dataset_subset (data, f.test_rows, f.n_test);

          proba = g_new0 (float, f.n_test * nc);
          predict (&f, proba, user_data);
          pred = g_new (guint, f.n_test);
          truth = g_new (guint, f.n_test);
          for (gsize i = 0; i < f.n_test; i++)
            {
              pred[i] = healer_argmax (proba + i * nc, nc);
              truth[i] = y[f.test_rows[i]];
            }
          m = healer_metrics_compute (truth, pred, proba, f.n_test, nc);
          f1[r] += m->macro_f1 / STUDY_FOLDS;
          acc[r] += m->accuracy / STUDY_FOLDS;
          for (guint c = 0; c < nc; c++)
            class_f1[c] += m->f1[c] / (STUDY_FOLDS * STUDY_REPEATS);
          healer_dataset_unref (f.train);
          healer_dataset_unref (f.test);
        }
      printf ("repeat %u: macro-F1 %.4f, accuracy %.4f\n", r + 1, f1[r], acc[r]);
      mf += f1[r] / STUDY_REPEATS;
      ma += acc[r] / STUDY_REPEATS;
    }
  for (guint r = 0; r < STUDY_REPEATS; r++)
    {
      vf += (f1[r] - mf) * (f1[r] - mf) / (STUDY_REPEATS - 1);
      va += (acc[r] - ma) * (acc[r] - ma) / (STUDY_REPEATS - 1);
    }
  printf ("macro-F1 %.4f ± %.4f, accuracy %.4f ± %.4f\nper-class F1:", mf, sqrt (vf), ma,
          sqrt (va));
  for (guint c = 0; c < nc; c++)
    printf (" %.4f", class_f1[c]);
  printf ("\n");
}

static inline HealerModel *
study_train (const HealerDataset     *data,
             const HealerTrainConfig *config)
{
  g_autoptr(GError) error = NULL;
  HealerModel *model = healer_train (data, config, NULL, NULL, NULL, &error);

  if (model == NULL)
    g_error ("training failed: %s", error->message);
  return model;
}

static inline HealerDataset *
study_load (int    argc,
            char **argv,
            guint64 *seed)
{
  g_autoptr(GError) error = NULL;
  HealerDataset *data;

  if (argc < 2)
    g_error ("usage: %s DATA.csv [SEED] [...]", argv[0]);
  data = healer_dataset_load (argv[1], NULL, &error);
  if (data == NULL)
    g_error ("%s", error->message);
  *seed = argc > 2 ? g_ascii_strtoull (argv[2], NULL, 10) : 42;
  return data;
}
