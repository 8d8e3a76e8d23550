/* healer-conformal.c — prediction sets, the flag's threshold, calibration error
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>

#include "healer-conformal.h"
#include "healer-metrics.h"

static int
healer_compare_double_down (gconstpointer a,
                            gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x < y) - (x > y);
}

static int
healer_compare_float_up (gconstpointer a,
                         gconstpointer b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* 1-based rank that stored score @j stands for. */
static gsize
healer_sketch_rank (const HealerConformalScores *self,
                    guint                        j)
{
  return (gsize) (((guint64) (j + 1) * self->n_rows + self->n_scores - 1) / self->n_scores);
}

HealerConformalScores *
healer_conformal_scores_new (const float *proba,
                             const guint *y,
                             gsize        n,
                             guint        n_classes)
{
  HealerConformalScores *self = g_new0 (HealerConformalScores, 1);
  g_autofree double *all = g_new (double, MAX (n, 1));

  g_return_val_if_fail (n == 0 || (proba != NULL && y != NULL), self);

  for (gsize i = 0; i < n; i++)
    {
      float p = y[i] < n_classes ? proba[i * n_classes + y[i]] : 0.0f;

      /* A NaN probability covers nothing. */
      all[i] = isfinite (p) ? CLAMP ((double) p, 0.0, 1.0) : 0.0;
    }
  qsort (all, n, sizeof *all, healer_compare_double_down);

  self->n_rows = n;
  self->n_scores = (guint) MIN (n, HEALER_CONFORMAL_MAX_SCORES);
  self->scores = g_new (double, MAX (self->n_scores, 1));
  for (guint j = 0; j < self->n_scores; j++)
    self->scores[j] = all[healer_sketch_rank (self, j) - 1];
  return self;
}

HealerConformalScores *
healer_conformal_scores_copy (const HealerConformalScores *self)
{
  HealerConformalScores *copy;

  if (self == NULL)
    return NULL;
  copy = g_new0 (HealerConformalScores, 1);
  copy->n_rows = self->n_rows;
  copy->n_scores = self->n_scores;
  copy->scores = g_memdup2 (self->scores, MAX (self->n_scores, 1) * sizeof (double));
  return copy;
}

void
healer_conformal_scores_free (HealerConformalScores *self)
{
  if (self == NULL)
    return;
  g_free (self->scores);
  g_free (self);
}

double
healer_conformal_threshold (const HealerConformalScores *scores,
                            double                       coverage)
{
  double want;
  gsize m;

  g_return_val_if_fail (scores != NULL, 0.0);

  if (scores->n_scores == 0 || !(coverage > 0.0))
    return 0.0;
  /* The tolerance keeps 500 · 0.95 = 475.00000000000006 from becoming 476. */
  want = ceil ((double) (scores->n_rows + 1) * MIN (coverage, 1.0) - 1e-9);
  if (want > (double) scores->n_rows)
    return 0.0;
  m = (gsize) MAX (want, 1.0);
  for (guint j = 0; j < scores->n_scores; j++)
    if (healer_sketch_rank (scores, j) >= m)
      return scores->scores[j];
  return 0.0;
}

guint
healer_prediction_set (const float *proba,
                       guint        n_classes,
                       double       threshold,
                       guint       *classes_out)
{
  guint n = 0;

  g_return_val_if_fail (proba != NULL && classes_out != NULL, 0);
  g_return_val_if_fail (n_classes > 0, 0);

  classes_out[n++] = healer_argmax (proba, n_classes);
  for (guint k = 0; k < n_classes; k++)
    if (k != classes_out[0] && (double) proba[k] >= threshold)
      {
        /* Insertion keeps the set most probable first, lower index on ties. */
        guint at = n;

        while (at > 1 && proba[classes_out[at - 1]] < proba[k])
          {
            classes_out[at] = classes_out[at - 1];
            at--;
          }
        classes_out[at] = k;
        n++;
      }
  return n;
}

static gboolean
healer_row_ambiguous (const float *p,
                      guint        n_classes,
                      double       set_threshold)
{
  guint best = healer_argmax (p, n_classes);

  for (guint k = 0; k < n_classes; k++)
    if (k != best && (double) p[k] >= set_threshold)
      return TRUE;
  return FALSE;
}

double
healer_flag_threshold_select (const float *proba,
                              gsize        n,
                              guint        n_classes,
                              double       set_threshold,
                              double       budget)
{
  g_autofree float *confident = NULL;
  gsize n_ambiguous = 0, n_confident = 0, allowed, j;

  g_return_val_if_fail (n == 0 || proba != NULL, 0.0);
  g_return_val_if_fail (n_classes > 0, 0.0);

  if (n == 0 || !(budget > 0.0))
    return 0.0;
  confident = g_new (float, n);
  for (gsize i = 0; i < n; i++)
    {
      const float *p = proba + i * n_classes;

      if (healer_row_ambiguous (p, n_classes, set_threshold))
        n_ambiguous++;
      else
        {
          float c = p[healer_argmax (p, n_classes)];

          confident[n_confident++] = isfinite (c) ? c : 0.0f;
        }
    }
  allowed = (gsize) floor (MIN (budget, 1.0) * (double) n + 1e-9);
  if (n_ambiguous >= allowed || n_confident == 0)
    return 0.0;
  qsort (confident, n_confident, sizeof *confident, healer_compare_float_up);

  /* Flag the j least confident; step back over ties so a threshold between
   * two equal confidences never flags more than the budget. */
  j = MIN (allowed - n_ambiguous, n_confident);
  while (j > 0 && j < n_confident && confident[j - 1] == confident[j])
    j--;
  if (j == 0)
    return 0.0;
  if (j == n_confident)
    return ((double) confident[j - 1] + 1.0) / 2.0;
  return ((double) confident[j - 1] + (double) confident[j]) / 2.0;
}

double
healer_calibration_error (const float *proba,
                          const guint *y,
                          gsize        n,
                          guint        n_classes)
{
  double conf_sum[HEALER_CALIBRATION_BINS] = { 0 };
  gsize correct[HEALER_CALIBRATION_BINS] = { 0 };
  gsize count[HEALER_CALIBRATION_BINS] = { 0 };
  double error = 0.0;

  g_return_val_if_fail (n == 0 || (proba != NULL && y != NULL), NAN);
  g_return_val_if_fail (n_classes > 0, NAN);

  if (n == 0)
    return 0.0;
  for (gsize i = 0; i < n; i++)
    {
      const float *p = proba + i * n_classes;
      guint best = healer_argmax (p, n_classes);
      double c = isfinite (p[best]) ? CLAMP ((double) p[best], 0.0, 1.0) : 0.0;
      guint bin = MIN ((guint) (c * HEALER_CALIBRATION_BINS), HEALER_CALIBRATION_BINS - 1);

      conf_sum[bin] += c;
      correct[bin] += best == y[i];
      count[bin]++;
    }
  for (guint b = 0; b < HEALER_CALIBRATION_BINS; b++)
    if (count[b] > 0)
      error += fabs ((double) correct[b] - conf_sum[b]);
  return error / (double) n;
}

void
healer_set_tally_add (HealerSetTally *tally,
                      const float    *proba,
                      const guint    *y,
                      const gboolean *extra_flags,
                      gsize           n,
                      guint           n_classes,
                      double          set_threshold,
                      double          confidence_threshold)
{
  g_autofree guint *set = NULL;

  g_return_if_fail (tally != NULL);
  g_return_if_fail (n == 0 || (proba != NULL && y != NULL));
  g_return_if_fail (n_classes > 0);

  set = g_new (guint, n_classes);
  for (gsize i = 0; i < n; i++)
    {
      const float *p = proba + i * n_classes;
      guint size = healer_prediction_set (p, n_classes, set_threshold, set);
      gboolean covered = FALSE, wrong = set[0] != y[i], flagged;

      for (guint s = 0; s < size; s++)
        covered |= set[s] == y[i];
      flagged = size > 1 || !((double) p[set[0]] >= confidence_threshold) ||
                (extra_flags != NULL && extra_flags[i]);
      tally->n_rows++;
      tally->n_covered += covered;
      tally->n_set_classes += size;
      tally->n_flagged += flagged;
      tally->n_wrong += wrong;
      tally->n_wrong_flagged += wrong && flagged;
    }
}

static double
healer_ratio (gsize a,
              gsize b)
{
  return b > 0 ? (double) a / (double) b : NAN;
}

double
healer_set_tally_coverage (const HealerSetTally *tally)
{
  return healer_ratio (tally->n_covered, tally->n_rows);
}

double
healer_set_tally_mean_size (const HealerSetTally *tally)
{
  return healer_ratio (tally->n_set_classes, tally->n_rows);
}

double
healer_set_tally_flagged_share (const HealerSetTally *tally)
{
  return healer_ratio (tally->n_flagged, tally->n_rows);
}

double
healer_set_tally_errors_flagged (const HealerSetTally *tally)
{
  return healer_ratio (tally->n_wrong_flagged, tally->n_wrong);
}

HealerEstimate *
healer_estimate_copy (const HealerEstimate *self)
{
  HealerEstimate *copy;

  if (self == NULL)
    return NULL;
  copy = g_memdup2 (self, sizeof *self);
  copy->class_f1 = g_memdup2 (self->class_f1, MAX (self->n_classes, 1) * sizeof (double));
  return copy;
}

void
healer_estimate_free (HealerEstimate *self)
{
  if (self == NULL)
    return;
  g_free (self->class_f1);
  g_free (self);
}
