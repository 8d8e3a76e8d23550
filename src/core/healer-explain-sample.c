/* healer-explain-sample.c — why one sample got its diagnosis: occlusion and abnormal KPIs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "healer-explain.h"
#include "healer-metrics.h"

/* IQR of a normal distribution in standard deviations. */
#define HEALER_IQR_TO_SIGMA 1.349
/* Occluded rows predicted at a time, so memory stays bounded for wide data. */
#define HEALER_OCCLUSION_CHUNK_CELLS (4u * 1024 * 1024)
/* Smallest probability whose logarithm is taken, as in the log-loss. */
#define HEALER_PROBA_FLOOR 1e-15

/* z of an observed value of a KPI that was observed in training. */
static double
healer_robust_z_observed (const HealerPreprocessor *p,
                          guint                     j,
                          float                     x,
                          HealerAbnormalFlags      *f)
{
  double d = (double) x - (double) p->train_median[j];
  double iqr = p->train_iqr[j];
  double range = (double) p->train_max[j] - (double) p->train_min[j];

  if (x < p->train_min[j])
    *f |= HEALER_ABNORMAL_BELOW_RANGE;
  if (x > p->train_max[j])
    *f |= HEALER_ABNORMAL_ABOVE_RANGE;
  if (iqr > 0.0)
    return d / (iqr / HEALER_IQR_TO_SIGMA);
  if (range > 0.0)
    {
      /* More than half the rows share one value (a mostly idle counter):
       * with this scale |z| > 3 means farther from that value than half
       * the training range, and no training value reaches |z| = 6. */
      *f |= HEALER_ABNORMAL_RANGE_SCALE;
      return d / (range / (2.0 * HEALER_EXPLAIN_ABNORMAL_Z));
    }
  *f |= HEALER_ABNORMAL_CONSTANT;
  return d == 0.0 ? 0.0 : copysign (INFINITY, d);
}

double
healer_robust_z (const HealerPreprocessor *p,
                 guint                     j,
                 float                     x,
                 HealerAbnormalFlags      *flags)
{
  HealerAbnormalFlags f = 0;
  double z = NAN;

  g_return_val_if_fail (p != NULL && j < p->n_input, NAN);

  if (isfinite (x) && p->missing_rate[j] >= 1.0f)
    f |= HEALER_ABNORMAL_UNSEEN;
  else if (isfinite (x))
    z = healer_robust_z_observed (p, j, x, &f);
  if (fabs (z) > HEALER_EXPLAIN_ABNORMAL_Z)
    f |= HEALER_ABNORMAL_HIGH_Z;
  if (flags != NULL)
    *flags = f;
  return z;
}

void
healer_sample_explanation_free (HealerSampleExplanation *self)
{
  if (self == NULL)
    return;
  g_free (self->proba);
  g_free (self->attributions);
  g_free (self->abnormal);
  g_free (self->missing_read);
  g_free (self);
}

static double
healer_log_proba (float p)
{
  return log (MAX ((double) p, HEALER_PROBA_FLOOR));
}

static int
healer_compare_attribution (gconstpointer a,
                            gconstpointer b)
{
  const HealerAttribution *x = a, *y = b;

  if (x->delta != y->delta)
    return x->delta > y->delta ? -1 : 1;
  return (x->feature > y->feature) - (x->feature < y->feature);
}

/* Marks the raw columns some network input is computed from. */
static gboolean *
healer_used_inputs (const HealerPreprocessor *p)
{
  gboolean *used = g_new0 (gboolean, p->n_input);

  for (guint s = 0; s < p->n_selected; s++)
    used[p->selected[s]] = TRUE;
  for (guint s = 0; s < p->n_indicators; s++)
    used[p->indicators[s]] = TRUE;
  return used;
}

/* Occlusion of every KPI the model reads whose value is not already its
 * baseline; @all receives one entry per input (delta 0 for the others). */
static void
healer_occlude (const HealerModel *model,
                const float       *row,
                guint              predicted,
                double             base_log_p,
                HealerAttribution *all)
{
  const HealerPreprocessor *p = model->preprocessor;
  guint n_input = p->n_input, k = model->n_classes;
  g_autofree gboolean *used = healer_used_inputs (p);
  g_autofree guint *batch = NULL;
  g_autofree float *proba = NULL;
  g_autoptr(HealerDataset) ds = NULL;
  gsize chunk = MAX (1, MIN (n_input, HEALER_OCCLUSION_CHUNK_CELLS / n_input));
  guint n_batch = 0;

  batch = g_new (guint, chunk);
  proba = g_new (float, chunk * k);
  ds = healer_dataset_new ((const char * const *) p->input_names, chunk, FALSE, FALSE);

  for (guint j = 0; j < n_input; j++)
    {
      float base = p->train_median[j];

      all[j] = (HealerAttribution) {
        .feature = j, .delta = 0.0, .value = row[j], .baseline = base, .class_without = predicted,
      };
      if (used[j] && isfinite (row[j]) && !(row[j] == base))
        {
          float *x = ds->x + (gsize) n_batch * n_input;

          memcpy (x, row, n_input * sizeof (float));
          x[j] = base;
          batch[n_batch++] = j;
        }
      if (n_batch == chunk || (j + 1 == n_input && n_batch > 0))
        {
          /* The unused tail of the last chunk holds earlier rows: predicted
           * for nothing, but the table keeps its size. */
          healer_model_predict_proba (model, ds, proba);
          for (guint b = 0; b < n_batch; b++)
            {
              const float *pb = proba + (gsize) b * k;

              all[batch[b]].delta = base_log_p - healer_log_proba (pb[predicted]);
              all[batch[b]].class_without = healer_argmax (pb, k);
            }
          n_batch = 0;
        }
    }
}

static int
healer_compare_abnormal (gconstpointer a,
                         gconstpointer b)
{
  const HealerAbnormal *x = a, *y = b;
  double ax = fabs (x->z), ay = fabs (y->z);

  /* NAN (never seen in training) after every number. */
  if (isnan (ax) != isnan (ay))
    return isnan (ax) ? 1 : -1;
  if (!isnan (ax) && ax != ay)
    return ax > ay ? -1 : 1;
  return (x->feature > y->feature) - (x->feature < y->feature);
}

static void
healer_find_abnormal (const HealerPreprocessor *p,
                      const float              *row,
                      HealerSampleExplanation  *ex)
{
  const HealerAbnormalFlags abnormal = HEALER_ABNORMAL_HIGH_Z | HEALER_ABNORMAL_BELOW_RANGE |
                                       HEALER_ABNORMAL_ABOVE_RANGE | HEALER_ABNORMAL_UNSEEN;

  ex->abnormal = g_new (HealerAbnormal, MAX (p->n_input, 1));
  for (guint j = 0; j < p->n_input; j++)
    {
      HealerAbnormalFlags flags;
      double z;

      if (!isfinite (row[j]))
        {
          ex->n_missing++;
          continue;
        }
      z = healer_robust_z (p, j, row[j], &flags);
      if ((flags & abnormal) == 0)
        continue;
      ex->abnormal[ex->n_abnormal++] = (HealerAbnormal) {
        .feature = j, .value = row[j], .median = p->train_median[j], .z = z, .flags = flags,
      };
    }
  qsort (ex->abnormal, ex->n_abnormal, sizeof (HealerAbnormal), healer_compare_abnormal);
}

HealerSampleExplanation *
healer_explain_sample (const HealerModel *model,
                       const float       *row,
                       guint              top_k)
{
  g_autoptr(HealerSampleExplanation) ex = NULL;
  g_autoptr(HealerDataset) one = NULL;
  g_autofree HealerAttribution *all = NULL;
  g_autofree gboolean *used = NULL;
  const HealerPreprocessor *p;
  guint n_input, n_kept = 0;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (row != NULL, NULL);

  p = model->preprocessor;
  n_input = p->n_input;
  ex = g_new0 (HealerSampleExplanation, 1);
  ex->n_classes = model->n_classes;
  ex->proba = g_new (float, model->n_classes);

  one = healer_dataset_new ((const char * const *) p->input_names, 1, FALSE, FALSE);
  memcpy (one->x, row, n_input * sizeof (float));
  healer_model_predict_proba (model, one, ex->proba);
  ex->predicted = healer_argmax (ex->proba, model->n_classes);

  all = g_new (HealerAttribution, n_input);
  healer_occlude (model, row, ex->predicted, healer_log_proba (ex->proba[ex->predicted]), all);

  /* A missing KPI would rank by how far its imputed value lies from the
   * median, which is about the training data, not this sample: it is
   * listed apart. Entries with no effect (unread, at the baseline, or too
   * small to move the probability) are left out. */
  used = healer_used_inputs (p);
  ex->missing_read = g_new (guint, MAX (n_input, 1));
  for (guint j = 0; j < n_input; j++)
    {
      if (!used[j])
        continue;
      if (!isfinite (row[j]))
        ex->missing_read[ex->n_missing_read++] = j;
      else if (fabs (all[j].delta) >= HEALER_EXPLAIN_MIN_DELTA)
        all[n_kept++] = all[j];
    }
  qsort (all, n_kept, sizeof (HealerAttribution), healer_compare_attribution);
  ex->n_attributions = top_k == 0 ? n_kept : MIN (top_k, n_kept);
  ex->attributions = g_memdup2 (all, MAX (ex->n_attributions, 1) * sizeof (HealerAttribution));

  healer_find_abnormal (p, row, ex);
  return g_steal_pointer (&ex);
}
