/* healer-metrics.h — classification metrics
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct
{
  guint   n_classes;
  gsize   n_samples;
  double  accuracy;
  double  macro_precision;      /* unweighted mean over the classes that occur in
                                 * y_true or y_pred (scikit-learn's default labels) */
  double  macro_recall;
  double  macro_f1;
  double  weighted_precision;   /* mean weighted by support */
  double  weighted_recall;
  double  weighted_f1;
  double  log_loss;             /* NAN when no probabilities were given */
  double *precision;            /* per class, n_classes */
  double *recall;
  double *f1;
  gsize  *support;              /* true rows per class */
  gsize  *confusion;            /* n_classes × n_classes, [true][predicted] */
} HealerMetrics;

/* TRUE when every one of the @n class indices @y is below @n_classes. */
gboolean healer_labels_valid (const guint *y,
                              gsize        n,
                              guint        n_classes);

/* @y_true, @y_pred: class indices < n_classes; @proba (n × n_classes) may be
 * NULL. A class with no predicted (or no true) rows gets precision (recall) 0,
 * and F1 0 when it has neither true positives nor anything else (never NaN).
 * log_loss = mean −log max(p_true, 1e-15). n may be 0 (all scores 0). */
HealerMetrics *healer_metrics_compute (const guint *y_true,
                                       const guint *y_pred,
                                       const float *proba,
                                       gsize        n,
                                       guint        n_classes);
HealerMetrics *healer_metrics_copy    (const HealerMetrics *self);
void           healer_metrics_free    (HealerMetrics *self);

/* Index of the largest of @n ≥ 1 values (first on ties; NaN loses). */
guint          healer_argmax          (const float *v,
                                       guint        n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerMetrics, healer_metrics_free)

G_END_DECLS
