/* healer-metrics.c — classification metrics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include "healer-metrics.h"

/* scikit-learn's log_loss clips probabilities the same way. */
#define HEALER_METRICS_LOG_CLAMP 1e-15

static HealerMetrics *
healer_metrics_alloc (guint n_classes)
{
  HealerMetrics *self = g_new0 (HealerMetrics, 1);

  self->n_classes = n_classes;
  self->precision = g_new0 (double, n_classes);
  self->recall = g_new0 (double, n_classes);
  self->f1 = g_new0 (double, n_classes);
  self->support = g_new0 (gsize, n_classes);
  self->confusion = g_new0 (gsize, (gsize) n_classes * n_classes);
  return self;
}

/* 0 instead of NaN for an empty denominator, like zero_division=0. */
static inline double
healer_metrics_ratio (double num,
                      double den)
{
  return den > 0.0 ? num / den : 0.0;
}

static double
healer_metrics_log_loss (const guint *y_true,
                         const float *proba,
                         gsize        n,
                         guint        n_classes)
{
  double sum = 0.0;

  if (proba == NULL || n == 0)
    return NAN;

  for (gsize i = 0; i < n; i++)
    {
      double p = proba[i * n_classes + y_true[i]];

      /* Written so that a NaN probability stays NaN rather than becoming the clamp. */
      if (p < HEALER_METRICS_LOG_CLAMP)
        p = HEALER_METRICS_LOG_CLAMP;
      sum -= log (p);
    }
  return sum / (double) n;
}

/* Per-class scores from the confusion matrix, then the averages. The macro
 * average runs over the classes that occur in y_true or y_pred, as
 * scikit-learn does when no explicit label list is given: a class absent
 * from both says nothing about the classifier. */
static void
healer_metrics_summarise (HealerMetrics *self)
{
  guint k = self->n_classes;
  gsize correct = 0;
  guint n_present = 0;

  for (guint c = 0; c < k; c++)
    {
      gsize tp = self->confusion[(gsize) c * k + c];
      gsize predicted = 0, actual = 0;

      for (guint o = 0; o < k; o++)
        {
          predicted += self->confusion[(gsize) o * k + c];
          actual += self->confusion[(gsize) c * k + o];
        }
      correct += tp;
      self->support[c] = actual;
      self->precision[c] = healer_metrics_ratio (tp, predicted);
      self->recall[c] = healer_metrics_ratio (tp, actual);
      /* From the counts (2tp / (2tp + fp + fn)): no rounding from P and R. */
      self->f1[c] = healer_metrics_ratio (2.0 * tp, (double) predicted + (double) actual);

      if (predicted > 0 || actual > 0)
        {
          n_present++;
          self->macro_precision += self->precision[c];
          self->macro_recall += self->recall[c];
          self->macro_f1 += self->f1[c];
        }
      self->weighted_precision += self->precision[c] * actual;
      self->weighted_recall += self->recall[c] * actual;
      self->weighted_f1 += self->f1[c] * actual;
    }

  self->accuracy = healer_metrics_ratio (correct, self->n_samples);
  self->macro_precision = healer_metrics_ratio (self->macro_precision, n_present);
  self->macro_recall = healer_metrics_ratio (self->macro_recall, n_present);
  self->macro_f1 = healer_metrics_ratio (self->macro_f1, n_present);
  self->weighted_precision = healer_metrics_ratio (self->weighted_precision, self->n_samples);
  self->weighted_recall = healer_metrics_ratio (self->weighted_recall, self->n_samples);
  self->weighted_f1 = healer_metrics_ratio (self->weighted_f1, self->n_samples);
}

gboolean
healer_labels_valid (const guint *y,
                     gsize        n,
                     guint        n_classes)
{
  for (gsize i = 0; i < n; i++)
    if (y[i] >= n_classes)
      return FALSE;
  return TRUE;
}

HealerMetrics *
healer_metrics_compute (const guint *y_true,
                        const guint *y_pred,
                        const float *proba,
                        gsize        n,
                        guint        n_classes)
{
  HealerMetrics *self;

  g_return_val_if_fail (n_classes > 0, NULL);
  g_return_val_if_fail (n == 0 || (y_true != NULL && y_pred != NULL), NULL);
  g_return_val_if_fail (healer_labels_valid (y_true, n, n_classes), NULL);
  g_return_val_if_fail (healer_labels_valid (y_pred, n, n_classes), NULL);

  self = healer_metrics_alloc (n_classes);
  self->n_samples = n;
  for (gsize i = 0; i < n; i++)
    self->confusion[(gsize) y_true[i] * n_classes + y_pred[i]]++;

  healer_metrics_summarise (self);
  self->log_loss = healer_metrics_log_loss (y_true, proba, n, n_classes);
  return self;
}

HealerMetrics *
healer_metrics_copy (const HealerMetrics *self)
{
  HealerMetrics *copy;
  guint k;

  g_return_val_if_fail (self != NULL, NULL);

  k = self->n_classes;
  copy = g_new (HealerMetrics, 1);
  *copy = *self;
  copy->precision = g_memdup2 (self->precision, k * sizeof (double));
  copy->recall = g_memdup2 (self->recall, k * sizeof (double));
  copy->f1 = g_memdup2 (self->f1, k * sizeof (double));
  copy->support = g_memdup2 (self->support, k * sizeof (gsize));
  copy->confusion = g_memdup2 (self->confusion, (gsize) k * k * sizeof (gsize));
  return copy;
}

void
healer_metrics_free (HealerMetrics *self)
{
  if (self == NULL)
    return;
  g_free (self->precision);
  g_free (self->recall);
  g_free (self->f1);
  g_free (self->support);
  g_free (self->confusion);
  g_free (self);
}

guint
healer_argmax (const float *v,
               guint        n)
{
  guint best = 0;

  g_return_val_if_fail (v != NULL && n > 0, 0);

  /* Strict > keeps the first of equal values; a NaN loses to any number. */
  for (guint i = 1; i < n; i++)
    if (v[i] > v[best] || (isnan (v[best]) && !isnan (v[i])))
      best = i;
  return best;
}
