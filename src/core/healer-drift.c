/* healer-drift.c — drift report of a diagnosed batch, out-of-distribution rows, confidence threshold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "healer-drift.h"
#include "healer-text.h"
#include "healer-json.h"
#include "healer-output.h"
#include "healer-rng.h"

#define HEALER_DRIFT_FORMAT          "systemhealer-drift-report"
#define HEALER_DRIFT_FORMAT_VERSION  1
/* IQR of a standard normal: IQR / 1.349 estimates σ without the tails. */
#define HEALER_IQR_TO_SIGMA          1.349
/* A range spans about ±3σ of a bell-shaped column. */
#define HEALER_RANGE_TO_SIGMA        6.0

/* Per-KPI training bounds, widened by the tolerance, and the unit in which
 * a distance beyond them is measured. */
typedef struct
{
  double lo;
  double hi;
  double width;
  double tol;
} HealerKpiBounds;

static HealerKpiBounds
healer_kpi_bounds (const HealerPreprocessor *pre,
                   guint                     j)
{
  double mn = pre->train_min[j];
  double mx = pre->train_max[j];
  double tol = HEALER_DRIFT_RELATIVE_TOLERANCE * MAX (fabs (mn), fabs (mx));
  HealerKpiBounds b = { mn - tol, mx + tol, mx - mn, tol };

  /* A KPI that never varied in training has no width of its own: any
   * distance beyond the tolerance then counts as far. */
  if (!(b.width > tol))
    b.width = MAX (tol, (double) FLT_MIN);
  return b;
}

/* Distance of @x beyond the bounds in range widths; 0 inside or missing. */
static inline double
healer_kpi_exceedance (const HealerKpiBounds *b,
                       float                  x)
{
  if (!isfinite (x))
    return 0.0;
  if (x > b->hi)
    return ((double) x - b->hi) / b->width;
  if (x < b->lo)
    return (b->lo - (double) x) / b->width;
  return 0.0;
}

/* Robust σ of KPI @j for median-shift z-scores. Many KPIs are mostly one
 * value (IQR 0); the range then stands in, so one distinct value does not
 * make an infinite z, and a constant KPI falls back to the tolerance. */
static double
healer_kpi_robust_scale (const HealerPreprocessor *pre,
                         guint                     j)
{
  double iqr = pre->train_iqr[j];
  double range = (double) pre->train_max[j] - (double) pre->train_min[j];
  double tol = HEALER_DRIFT_RELATIVE_TOLERANCE *
               MAX (fabs ((double) pre->train_min[j]), fabs ((double) pre->train_max[j]));

  if (iqr > 0.0)
    return iqr / HEALER_IQR_TO_SIGMA;
  if (range > 0.0)
    return range / HEALER_RANGE_TO_SIGMA;
  return MAX (tol, (double) FLT_MIN);
}

/* ------------------------------------------------------------------ */
/* Per-row out-of-distribution score and the uncertain flag             */

double
healer_model_row_ood_score (const HealerModel *model,
                            const float       *row)
{
  const HealerPreprocessor *pre;
  double score = 0.0;

  g_return_val_if_fail (model != NULL, 0.0);
  g_return_val_if_fail (row != NULL, 0.0);

  /* Only the KPIs whose values the network reads: an unused KPI far out
   * of range cannot mislead it, and a missing cell is imputed in range. */
  pre = model->preprocessor;
  for (guint s = 0; s < pre->n_selected; s++)
    {
      guint j = pre->selected[s];
      HealerKpiBounds b;

      /* Inside the training range, hence inside the bounds, which only
       * widen it: most values of most rows, checked for every row a batch
       * diagnoses, without the bounds' arithmetic. A NaN goes on, and
       * counts for nothing there. */
      if (row[j] >= pre->train_min[j] && row[j] <= pre->train_max[j])
        continue;
      b = healer_kpi_bounds (pre, j);
      score = MAX (score, healer_kpi_exceedance (&b, row[j]));
    }
  return score;
}

/* A KPI the network reads whose training rows (almost) always had it. */
static inline gboolean
healer_kpi_gap_unseen (const HealerPreprocessor *pre,
                       guint                     j)
{
  return pre->missing_rate[j] < HEALER_DRIFT_GAP_TRAIN_RATE;
}

/* The two tests a reason names KPIs by: far beyond the range, and
 * missing where training had it. */
typedef gboolean (*HealerKpiTest) (const HealerPreprocessor *pre,
                                   guint                     j,
                                   float                     v);

static gboolean
healer_kpi_far (const HealerPreprocessor *pre,
                guint                     j,
                float                     v)
{
  HealerKpiBounds b = healer_kpi_bounds (pre, j);

  return healer_kpi_exceedance (&b, v) > HEALER_DRIFT_OOD_CUTOFF;
}

static gboolean
healer_kpi_gap (const HealerPreprocessor *pre,
                guint                     j,
                float                     v)
{
  return isnan (v) && healer_kpi_gap_unseen (pre, j);
}

/* See HEALER_UNCERTAIN_MISSING. */
static gboolean
healer_model_row_gap (const HealerModel *model,
                      const float       *row)
{
  const HealerPreprocessor *pre = model->preprocessor;
  guint n_missing = 0;

  for (guint s = 0; s < pre->n_selected; s++)
    {
      guint j = pre->selected[s];

      if (healer_kpi_gap (pre, j, row[j]))
        return TRUE;
      n_missing += isnan (row[j]);
    }
  return pre->n_selected > 0 && n_missing == pre->n_selected;
}

/* The flags the row itself raises, whatever the probabilities: one
 * definition for predict's flag and evaluate's count. */
static HealerUncertainty
healer_model_row_data_flags (const HealerModel *model,
                             const float       *row)
{
  HealerUncertainty why = HEALER_UNCERTAIN_NONE;

  if (healer_model_row_ood_score (model, row) > HEALER_DRIFT_OOD_CUTOFF)
    why |= HEALER_UNCERTAIN_OUT_OF_RANGE;
  if (healer_model_row_gap (model, row))
    why |= HEALER_UNCERTAIN_MISSING;
  return why;
}

HealerUncertainty
healer_model_row_uncertainty (const HealerModel *model,
                              const float       *row,
                              const float       *proba)
{
  HealerUncertainty why = HEALER_UNCERTAIN_NONE;
  double confidence;

  g_return_val_if_fail (model != NULL, HEALER_UNCERTAIN_NONE);
  g_return_val_if_fail (row != NULL && proba != NULL, HEALER_UNCERTAIN_NONE);

  confidence = proba[healer_argmax (proba, model->n_classes)];
  /* A NaN confidence is no confidence at all. */
  if (!(confidence >= model->confidence_threshold))
    why |= HEALER_UNCERTAIN_LOW_CONFIDENCE;
  why |= healer_model_row_data_flags (model, row);
  if (model->n_classes <= HEALER_MODEL_SET_MAX_CLASSES)
    {
      guint set[HEALER_MODEL_SET_MAX_CLASSES];

      if (healer_model_prediction_set (model, proba, set) > 1)
        why |= HEALER_UNCERTAIN_AMBIGUOUS;
    }
  else
    {
      g_autofree guint *set = g_new (guint, model->n_classes);

      if (healer_model_prediction_set (model, proba, set) > 1)
        why |= HEALER_UNCERTAIN_AMBIGUOUS;
    }
  return why;
}

/* One builder, two audiences: fixed English words for the predict column
 * uncertain_reason (a column for scripts, like the header), the user's
 * language with names escaped for people (explain's text). N_() marks the
 * words for translation; _() looks them up only for people. */
#define REASON_WORD(people, text) ((people) ? _(text) : (text))

static void
reason_append_name (GString    *text,
                    const char *name,
                    gboolean    people)
{
  if (people)
    {
      g_autofree char *safe = healer_text_escape (name, -1, FALSE);

      g_string_append (text, safe);
    }
  else
    g_string_append (text, name);
}

/* @label, then the KPIs the network reads that pass @test, comma-separated;
 * how many were named. */
static guint
reason_append_kpis (GString           *text,
                    const HealerModel *model,
                    const float       *row,
                    const char        *label,
                    HealerKpiTest      test,
                    gboolean           people)
{
  const HealerPreprocessor *pre = model->preprocessor;
  guint n_named = 0;

  g_string_append (text, label);
  for (guint s = 0; s < pre->n_selected; s++)
    {
      guint j = pre->selected[s];

      if (test (pre, j, row[j]))
        {
          if (n_named++ > 0)
            g_string_append (text, ", ");
          reason_append_name (text, pre->input_names[j], people);
        }
    }
  return n_named;
}

static char *
row_reason (const HealerModel *model,
            const float       *row,
            const float       *proba,
            HealerUncertainty  why,
            gboolean           people)
{
  GString *text;
  const char *sep = people ? C_("list separator", "; ") : "; ";

  /* Made for most rows of a large predict when the model is unsure of
   * them: no printf, and the set on the stack where it fits. */
  text = g_string_sized_new (64);
  if (why & HEALER_UNCERTAIN_AMBIGUOUS)
    {
      guint stack[HEALER_MODEL_SET_MAX_CLASSES];
      g_autofree guint *heap = model->n_classes > G_N_ELEMENTS (stack)
                                 ? g_new (guint, model->n_classes) : NULL;
      guint *set = heap != NULL ? heap : stack;
      guint n = healer_model_prediction_set (model, proba, set);

      g_string_append (text, REASON_WORD (people, N_("ambiguous: ")));
      for (guint s = 0; s < n; s++)
        {
          if (s > 0)
            g_string_append (text, REASON_WORD (people, N_(" or ")));
          healer_csv_append_int (text, model->class_ids[set[s]]);
        }
    }
  if (why & HEALER_UNCERTAIN_OUT_OF_RANGE)
    {
      if (text->len > 0)
        g_string_append (text, sep);
      reason_append_kpis (text, model, row, REASON_WORD (people, N_("out of range: ")),
                          healer_kpi_far, people);
    }
  if (why & HEALER_UNCERTAIN_MISSING)
    {
      const HealerPreprocessor *pre = model->preprocessor;
      guint n_named;

      if (text->len > 0)
        g_string_append (text, sep);
      n_named = reason_append_kpis (text, model, row, REASON_WORD (people, N_("missing: ")),
                                    healer_kpi_gap, people);
      /* Every KPI it reads is missing, each one often in training. */
      if (n_named == 0 && people)
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "all %u KPI the model reads",
                                                   "all %u KPIs the model reads",
                                                   pre->n_selected),
                                pre->n_selected);
      else if (n_named == 0)
        {
          g_string_append (text, "all ");
          healer_csv_append_int (text, (gint64) pre->n_selected);
          g_string_append (text, pre->n_selected == 1 ? " KPI the model reads"
                                                      : " KPIs the model reads");
        }
    }
  if (why & HEALER_UNCERTAIN_LOW_CONFIDENCE)
    {
      if (text->len > 0)
        g_string_append (text, sep);
      g_string_append (text, REASON_WORD (people, N_("low confidence")));
    }
  return g_string_free (text, FALSE);
}

char *
healer_model_row_reason (const HealerModel *model,
                         const float       *row,
                         const float       *proba,
                         HealerUncertainty  why)
{
  g_return_val_if_fail (model != NULL && row != NULL && proba != NULL, NULL);

  return row_reason (model, row, proba, why, FALSE);
}

char *
healer_model_row_reason_text (const HealerModel *model,
                              const float       *row,
                              const float       *proba,
                              HealerUncertainty  why)
{
  g_return_val_if_fail (model != NULL && row != NULL && proba != NULL, NULL);

  return row_reason (model, row, proba, why, TRUE);
}

gboolean
healer_model_row_uncertain (const HealerModel *model,
                            const float       *row,
                            const float       *proba)
{
  return healer_model_row_uncertainty (model, row, proba) != HEALER_UNCERTAIN_NONE;
}

gboolean
healer_model_evaluate_sets (const HealerModel   *model,
                            const HealerDataset *data,
                            HealerSetTally      *tally,
                            double              *calibration_error,
                            GError             **error)
{
  g_autoptr(HealerDataset) aligned = NULL;
  g_autofree float *proba = NULL;
  g_autofree guint *y = NULL;
  g_autofree gboolean *row_flags = NULL;
  guint k;
  gsize n;

  g_return_val_if_fail (model != NULL && data != NULL && tally != NULL, FALSE);
  g_return_val_if_fail (healer_dataset_has_labels (data), FALSE);

  aligned = healer_model_align (model, data, NULL, NULL, error);
  if (aligned == NULL)
    return FALSE;
  k = model->n_classes;
  n = aligned->n_rows;
  proba = g_new (float, MAX (n, 1) * k);
  y = g_new (guint, MAX (n, 1));
  row_flags = g_new (gboolean, MAX (n, 1));
  healer_model_predict_proba (model, aligned, proba);
  for (gsize i = 0; i < n; i++)
    {
      int c = healer_model_class_index (model, aligned->labels[i]);

      /* An unknown class: an index no set holds and no diagnosis equals. */
      y[i] = c >= 0 ? (guint) c : k;
      /* The flags that come from the row rather than its probabilities:
       * the same as predict's, so both count the same rows. */
      row_flags[i] = healer_model_row_data_flags (model, healer_dataset_row (aligned, i)) !=
                     HEALER_UNCERTAIN_NONE;
    }
  healer_set_tally_add (tally, proba, y, row_flags, n, k, model->set_threshold,
                        model->confidence_threshold);
  if (calibration_error != NULL)
    *calibration_error = healer_calibration_error (proba, y, n, k);
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Confidence threshold                                                 */

typedef struct
{
  float    confidence;
  gboolean correct;
} HealerScoredRow;

static int
healer_compare_scored_rows (gconstpointer a,
                            gconstpointer b)
{
  float ca = ((const HealerScoredRow *) a)->confidence;
  float cb = ((const HealerScoredRow *) b)->confidence;

  return (ca > cb) - (ca < cb);
}

/* A run of sorted rows pooled by the isotonic fit. */
typedef struct
{
  gsize n_correct;
  gsize n;
  gsize last;      /* index of its last row */
} HealerPool;

/* TRUE when pool @a is more accurate than @b, which follows it: the fit
 * must be non-decreasing, so they get pooled. Exact in integers. */
static inline gboolean
healer_pool_violates (const HealerPool *a,
                      const HealerPool *b)
{
  return (guint64) a->n_correct * b->n > (guint64) b->n_correct * a->n;
}

double
healer_confidence_threshold_select (const float *proba,
                                    const guint *y,
                                    gsize        n,
                                    guint        n_classes)
{
  g_autofree HealerScoredRow *rows = NULL;
  g_autofree HealerPool *pools = NULL;
  gsize n_pools = 0;
  gssize last = -1;   /* last row of the last pool under 50 % */

  g_return_val_if_fail (n == 0 || (proba != NULL && y != NULL), 0.0);
  g_return_val_if_fail (n_classes > 0, 0.0);

  if (n == 0)
    return 0.0;

  rows = g_new (HealerScoredRow, n);
  for (gsize i = 0; i < n; i++)
    {
      const float *p = proba + i * n_classes;
      guint best = healer_argmax (p, n_classes);

      rows[i].confidence = isfinite (p[best]) ? p[best] : 0.0f;
      rows[i].correct = best == y[i];
    }
  qsort (rows, n, sizeof *rows, healer_compare_scored_rows);

  /* Pool adjacent violators; rows of equal confidence start as one pool,
   * so they are flagged together or not at all. */
  pools = g_new (HealerPool, n);
  for (gsize i = 0; i < n; i++)
    {
      if (n_pools > 0 && rows[pools[n_pools - 1].last].confidence == rows[i].confidence)
        {
          HealerPool *top = &pools[n_pools - 1];

          top->n_correct += rows[i].correct;
          top->n++;
          top->last = i;
        }
      else
        pools[n_pools++] = (HealerPool) { rows[i].correct, 1, i };

      /* Pool as soon as the next row has a different confidence. */
      if (i + 1 < n && rows[i + 1].confidence == rows[i].confidence)
        continue;
      while (n_pools >= 2 && healer_pool_violates (&pools[n_pools - 2], &pools[n_pools - 1]))
        {
          pools[n_pools - 2].n_correct += pools[n_pools - 1].n_correct;
          pools[n_pools - 2].n += pools[n_pools - 1].n;
          pools[n_pools - 2].last = pools[n_pools - 1].last;
          n_pools--;
        }
    }

  /* The fit is non-decreasing: the pools under 50 % come first. */
  for (gsize k = 0; k < n_pools && 2 * pools[k].n_correct < pools[k].n; k++)
    last = (gssize) pools[k].last;

  if (last < 0)
    return 0.0;
  /* Midway to the next confidence, so the threshold does not sit on a
   * validation row; above the last row, midway to certainty. */
  if ((gsize) last + 1 < n)
    return ((double) rows[last].confidence + (double) rows[last + 1].confidence) / 2.0;
  return ((double) rows[last].confidence + 1.0) / 2.0;
}

/* ------------------------------------------------------------------ */
/* Streaming accumulator                                                */

struct _HealerDrift
{
  HealerModel     *model;
  guint            n_input;
  HealerKpiBounds *bounds;         /* n_input */
  guint8          *used;           /* n_input, value read by the network */
  gsize            n_rows;
  gsize            n_rows_ood;
  gsize           *n_observed;     /* n_input */
  gsize           *n_below;
  gsize           *n_above;
  gsize           *n_at_median;    /* within the tolerance of the training median */
  float           *batch_min;
  float           *batch_max;
  gsize            sample_cap;     /* reservoir size per KPI */
  float           *sample;         /* n_input × sample_cap */
  HealerRng        rng;
};

HealerDrift *
healer_drift_new (const HealerModel *model,
                  guint64      seed)
{
  const HealerPreprocessor *pre;
  HealerDrift *self;
  guint n;

  g_return_val_if_fail (model != NULL, NULL);

  pre = model->preprocessor;
  n = pre->n_input;
  self = g_new0 (HealerDrift, 1);
  /* A reference only keeps it alive: the model is never written to. */
  self->model = healer_model_ref ((HealerModel *) model);
  self->n_input = n;
  self->bounds = g_new (HealerKpiBounds, MAX (n, 1));
  self->used = g_new0 (guint8, MAX (n, 1));
  self->n_observed = g_new0 (gsize, MAX (n, 1));
  self->n_below = g_new0 (gsize, MAX (n, 1));
  self->n_above = g_new0 (gsize, MAX (n, 1));
  self->n_at_median = g_new0 (gsize, MAX (n, 1));
  self->batch_min = g_new (float, MAX (n, 1));
  self->batch_max = g_new (float, MAX (n, 1));
  self->sample_cap = CLAMP (HEALER_DRIFT_SAMPLE_CELLS / MAX (n, 1),
                            HEALER_DRIFT_SAMPLE_MIN, HEALER_DRIFT_SAMPLE_MAX);
  self->sample = g_new (float, MAX ((gsize) n * self->sample_cap, 1));
  healer_rng_init (&self->rng, seed);

  for (guint j = 0; j < n; j++)
    {
      self->bounds[j] = healer_kpi_bounds (pre, j);
      self->batch_min[j] = INFINITY;
      self->batch_max[j] = -INFINITY;
    }
  for (guint s = 0; s < pre->n_selected; s++)
    self->used[pre->selected[s]] = 1;
  return self;
}

void
healer_drift_free (HealerDrift *self)
{
  if (self == NULL)
    return;

  healer_model_unref (self->model);
  g_free (self->bounds);
  g_free (self->used);
  g_free (self->n_observed);
  g_free (self->n_below);
  g_free (self->n_above);
  g_free (self->n_at_median);
  g_free (self->batch_min);
  g_free (self->batch_max);
  g_free (self->sample);
  g_free (self);
}

/* Reservoir sampling (Vitter's algorithm R): after c values, each is in
 * the sample with probability cap/c. The draws follow the rows in order,
 * so the sample does not depend on how the rows were chunked. */
static void
healer_drift_sample (HealerDrift *self,
                     guint        j,
                     float        x)
{
  gsize seen = self->n_observed[j];   /* before this value */
  float *sample = self->sample + (gsize) j * self->sample_cap;

  if (seen < self->sample_cap)
    sample[seen] = x;
  else
    {
      guint64 k = healer_rng_below (&self->rng, (guint64) seen + 1);

      if (k < self->sample_cap)
        sample[k] = x;
    }
}

void
healer_drift_add_rows (HealerDrift *self,
                       const float *x,
                       gsize        n_rows)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (n_rows == 0 || x != NULL);

  for (gsize r = 0; r < n_rows; r++)
    {
      const float *row = x + r * self->n_input;
      double ood = 0.0;

      for (guint j = 0; j < self->n_input; j++)
        {
          float v = row[j];
          double e;

          if (!isfinite (v))
            continue;
          e = healer_kpi_exceedance (&self->bounds[j], v);
          if (e > 0.0)
            {
              if ((double) v > self->bounds[j].hi)
                self->n_above[j]++;
              else
                self->n_below[j]++;
              if (self->used[j])
                ood = MAX (ood, e);
            }
          if (fabs ((double) v - (double) self->model->preprocessor->train_median[j]) <=
              self->bounds[j].tol)
            self->n_at_median[j]++;
          self->batch_min[j] = MIN (self->batch_min[j], v);
          self->batch_max[j] = MAX (self->batch_max[j], v);
          healer_drift_sample (self, j, v);
          self->n_observed[j]++;
        }
      self->n_rows_ood += ood > HEALER_DRIFT_OOD_CUTOFF;
    }
  self->n_rows += n_rows;
}

void
healer_drift_add (HealerDrift         *self,
                  const HealerDataset *aligned)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (aligned != NULL);
  g_return_if_fail (aligned->n_features == self->n_input);

  healer_drift_add_rows (self, aligned->x, aligned->n_rows);
}

/* ------------------------------------------------------------------ */
/* Report                                                               */

static int
healer_compare_floats (gconstpointer a,
                       gconstpointer b)
{
  float fa = *(const float *) a;
  float fb = *(const float *) b;

  return (fa > fb) - (fa < fb);
}

/* Median of the reservoir of KPI @j, interpolated like the training median. */
static double
healer_drift_median (const HealerDrift *self,
                     guint              j,
                     float             *scratch)
{
  gsize n = MIN (self->n_observed[j], self->sample_cap);
  double pos;
  gsize lo;

  if (n == 0)
    return NAN;
  memcpy (scratch, self->sample + (gsize) j * self->sample_cap, n * sizeof (float));
  qsort (scratch, n, sizeof (float), healer_compare_floats);
  pos = 0.5 * (double) (n - 1);
  lo = (gsize) floor (pos);
  if (lo + 1 >= n)
    return scratch[n - 1];
  return (double) scratch[lo] + (pos - (double) lo) * ((double) scratch[lo + 1] - (double) scratch[lo]);
}

static void
healer_drift_fill_kpi (const HealerDrift *self,
                       guint              j,
                       float             *scratch,
                       HealerDriftKpi    *k)
{
  const HealerPreprocessor *pre = self->model->preprocessor;
  gsize obs = self->n_observed[j];
  double shift;

  k->index = j;
  k->name = g_strdup (pre->input_names[j]);
  k->used = self->used[j] != 0;
  k->n_observed = obs;
  k->n_below = self->n_below[j];
  k->n_above = self->n_above[j];
  k->outside_fraction = obs > 0 ? (double) (k->n_below + k->n_above) / (double) obs : 0.0;
  k->outside = k->outside_fraction > HEALER_DRIFT_OUTSIDE_FRACTION;
  k->batch_min = obs > 0 ? (double) self->batch_min[j] : NAN;
  k->batch_max = obs > 0 ? (double) self->batch_max[j] : NAN;
  k->batch_median = healer_drift_median (self, j, scratch);
  k->train_min = pre->train_min[j];
  k->train_max = pre->train_max[j];
  k->train_median = pre->train_median[j];
  k->train_iqr = pre->train_iqr[j];
  k->median_shift_z = obs > 0
    ? (k->batch_median - k->train_median) / healer_kpi_robust_scale (pre, j) : NAN;
  shift = isfinite (k->median_shift_z)
    ? MIN (fabs (k->median_shift_z) / HEALER_DRIFT_SHIFT_Z_FULL, 1.0) : 0.0;
  k->shifted = fabs (k->median_shift_z) > HEALER_DRIFT_SHIFT_Z;
  k->at_median_fraction = NAN;
  if (pre->train_iqr[j] == 0.0f && obs > 0)
    {
      k->at_median_fraction = (double) self->n_at_median[j] / (double) obs;
      if (obs >= HEALER_DRIFT_MODE_MIN_CELLS)
        {
          shift = MAX (shift, CLAMP (1.0 - 2.0 * k->at_median_fraction, 0.0, 1.0));
          k->shifted |= k->at_median_fraction < HEALER_DRIFT_MODE_SHARE_MIN;
        }
    }
  k->missing_rate = self->n_rows > 0
    ? (double) (self->n_rows - obs) / (double) self->n_rows : 0.0;
  k->train_missing_rate = pre->missing_rate[j];
  k->newly_missing = healer_kpi_gap_unseen (pre, j) &&
                     k->missing_rate > HEALER_DRIFT_OUTSIDE_FRACTION;
  k->severity = k->outside_fraction + shift +
                (self->n_rows > 0 ? fabs (k->missing_rate - k->train_missing_rate) : 0.0);
}

static int
healer_compare_kpis (gconstpointer a,
                     gconstpointer b)
{
  const HealerDriftKpi *ka = a;
  const HealerDriftKpi *kb = b;
  double za = isfinite (ka->median_shift_z) ? fabs (ka->median_shift_z) : 0.0;
  double zb = isfinite (kb->median_shift_z) ? fabs (kb->median_shift_z) : 0.0;

  if (ka->severity != kb->severity)
    return ka->severity > kb->severity ? -1 : 1;
  /* Two KPIs entirely out of range: the one that moved further first. */
  if (za != zb)
    return za > zb ? -1 : 1;
  return (ka->index > kb->index) - (ka->index < kb->index);
}

HealerDriftReport *
healer_drift_report (const HealerDrift *self)
{
  const HealerPreprocessor *pre;
  HealerDriftReport *report;
  g_autofree float *scratch = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  pre = self->model->preprocessor;
  report = g_new0 (HealerDriftReport, 1);
  report->n_rows = self->n_rows;
  report->n_kpis = self->n_input;
  report->n_rows_out_of_distribution = self->n_rows_ood;
  report->kpis = g_new0 (HealerDriftKpi, MAX (self->n_input, 1));
  scratch = g_new (float, self->sample_cap);

  for (guint s = 0; s < pre->n_indicators; s++)
    report->kpis[pre->indicators[s]].missing_used = TRUE;
  for (guint j = 0; j < self->n_input; j++)
    {
      HealerDriftKpi *k = &report->kpis[j];

      healer_drift_fill_kpi (self, j, scratch, k);
      report->n_used += k->used;
      report->n_outside += k->outside;
      report->n_outside_used += k->outside && k->used;
      report->n_shifted += k->shifted;
      report->n_shifted_used += k->shifted && k->used;
      report->n_newly_missing += k->newly_missing;
      report->n_newly_missing_used += k->newly_missing && k->used;
    }
  qsort (report->kpis, self->n_input, sizeof (HealerDriftKpi), healer_compare_kpis);
  return report;
}

void
healer_drift_report_free (HealerDriftReport *report)
{
  if (report == NULL)
    return;

  for (guint j = 0; j < report->n_kpis; j++)
    g_free (report->kpis[j].name);
  g_free (report->kpis);
  g_free (report);
}

gboolean
healer_drift_kpi_is_drift (const HealerDriftKpi *kpi)
{
  g_return_val_if_fail (kpi != NULL, FALSE);

  return kpi->outside || kpi->shifted || (kpi->newly_missing && kpi->used);
}

gboolean
healer_drift_report_has_drift (const HealerDriftReport *report)
{
  g_return_val_if_fail (report != NULL, FALSE);

  return report->n_outside > 0 || report->n_shifted > 0 || report->n_newly_missing_used > 0;
}

char *
healer_drift_report_summary (const HealerDriftReport *report)
{
  GString *text;
  guint n_moved = 0, n_moved_used = 0;

  g_return_val_if_fail (report != NULL, NULL);

  text = g_string_new (NULL);
  /* Shifted KPIs still inside the range are news; the others were told. */
  for (guint k = 0; k < report->n_kpis; k++)
    if (report->kpis[k].shifted && !report->kpis[k].outside)
      {
        n_moved++;
        n_moved_used += report->kpis[k].used;
      }

  /* The range first, unless nothing is outside it and something else is
   * to be said: "0 of 107 KPIs lie outside…" would bury the news. */
  if (report->n_outside > 0 || (n_moved == 0 && report->n_newly_missing_used == 0))
    g_string_append_printf (text,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "%u of %u KPIs lies outside the training range; "
                                         "%u of them are used by the model",
                                         "%u of %u KPIs lie outside the training range; "
                                         "%u of them are used by the model",
                                         report->n_outside),
                            report->n_outside, report->n_kpis, report->n_outside_used);
  if (n_moved > 0 && text->len > 0)
    g_string_append_printf (text,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "; %u more has shifted within it (%u used)",
                                         "; %u more have shifted within it (%u used)",
                                         n_moved),
                            n_moved, n_moved_used);
  else if (n_moved > 0)
    g_string_append_printf (text,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "%u of %u KPIs has shifted within the training range "
                                         "(%u used)",
                                         "%u of %u KPIs have shifted within the training range "
                                         "(%u used)",
                                         n_moved),
                            n_moved, report->n_kpis, n_moved_used);
  /* Rows that lack them are flagged uncertain: say which, it is the
   * collection (or the export) that broke. */
  if (report->n_newly_missing_used > 0)
    {
      guint n_named = 0;

      if (text->len > 0)
        g_string_append (text, "; ");
      g_string_append_printf (text,
                              g_dngettext (GETTEXT_PACKAGE,
                                           "%u KPI the model reads is missing where "
                                           "the training data (almost) always had it: ",
                                           "%u KPIs the model reads are missing where "
                                           "the training data (almost) always had them: ",
                                           report->n_newly_missing_used),
                              report->n_newly_missing_used);
      for (guint k = 0; k < report->n_kpis && n_named < 5; k++)
        if (report->kpis[k].newly_missing && report->kpis[k].used)
          {
            /* Names from a file: shown on terminals and in the app. */
            g_autofree char *name = healer_text_escape (report->kpis[k].name, -1, FALSE);

            if (n_named++ > 0)
              g_string_append (text, ", ");
            g_string_append (text, name);
          }
      if (report->n_newly_missing_used > n_named)
        /* TRANSLATORS: after a list of 5 KPI names */
        g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, " and %u more", " and %u more",
                                                   report->n_newly_missing_used - n_named),
                                report->n_newly_missing_used - n_named);
    }
  return g_string_free (text, FALSE);
}

static void
healer_drift_kpi_to_json (const HealerDriftKpi *k,
                          JsonBuilder          *b)
{
  json_builder_begin_object (b);
  healer_json_add_string (b, "name", k->name);
  healer_json_add_int (b, "index", k->index);
  healer_json_add_bool (b, "used", k->used);
  healer_json_add_bool (b, "missing_used", k->missing_used);
  healer_json_add_double (b, "severity", k->severity);
  healer_json_add_bool (b, "outside", k->outside);
  healer_json_add_bool (b, "shifted", k->shifted);
  healer_json_add_int (b, "observed", (gint64) k->n_observed);
  healer_json_add_int (b, "below", (gint64) k->n_below);
  healer_json_add_int (b, "above", (gint64) k->n_above);
  healer_json_add_double (b, "outside_fraction", k->outside_fraction);
  healer_json_add_double (b, "batch_min", k->batch_min);
  healer_json_add_double (b, "batch_max", k->batch_max);
  healer_json_add_double (b, "batch_median", k->batch_median);
  healer_json_add_double (b, "median_shift_z", k->median_shift_z);
  healer_json_add_double (b, "at_median_fraction", k->at_median_fraction);
  healer_json_add_double (b, "missing_rate", k->missing_rate);
  healer_json_add_bool (b, "newly_missing", k->newly_missing);
  healer_json_add_double (b, "train_min", k->train_min);
  healer_json_add_double (b, "train_max", k->train_max);
  healer_json_add_double (b, "train_median", k->train_median);
  healer_json_add_double (b, "train_iqr", k->train_iqr);
  healer_json_add_double (b, "train_missing_rate", k->train_missing_rate);
  json_builder_end_object (b);
}

static void
healer_drift_report_add_members (const HealerDriftReport *report,
                                 gboolean                 with_kpis,
                                 JsonBuilder             *b)
{
  healer_json_add_int (b, "rows", (gint64) report->n_rows);
  healer_json_add_int (b, "kpis", report->n_kpis);
  healer_json_add_int (b, "kpis_used", report->n_used);
  healer_json_add_int (b, "kpis_outside_range", report->n_outside);
  healer_json_add_int (b, "kpis_outside_range_used", report->n_outside_used);
  healer_json_add_int (b, "kpis_shifted", report->n_shifted);
  healer_json_add_int (b, "kpis_shifted_used", report->n_shifted_used);
  healer_json_add_int (b, "kpis_newly_missing", report->n_newly_missing);
  healer_json_add_int (b, "kpis_newly_missing_used", report->n_newly_missing_used);
  healer_json_add_int (b, "rows_out_of_distribution", (gint64) report->n_rows_out_of_distribution);
  /* The cut-offs travel with the numbers so a reader can tell what
   * "outside" meant when the file was written. */
  json_builder_set_member_name (b, "criteria");
  json_builder_begin_object (b);
  healer_json_add_double (b, "relative_tolerance", HEALER_DRIFT_RELATIVE_TOLERANCE);
  healer_json_add_double (b, "outside_fraction", HEALER_DRIFT_OUTSIDE_FRACTION);
  healer_json_add_double (b, "shift_z", HEALER_DRIFT_SHIFT_Z);
  healer_json_add_double (b, "ood_cutoff", HEALER_DRIFT_OOD_CUTOFF);
  healer_json_add_double (b, "gap_train_rate", HEALER_DRIFT_GAP_TRAIN_RATE);
  json_builder_end_object (b);
  if (!with_kpis)
    return;
  json_builder_set_member_name (b, "features");
  json_builder_begin_array (b);
  for (guint j = 0; j < report->n_kpis; j++)
    healer_drift_kpi_to_json (&report->kpis[j], b);
  json_builder_end_array (b);
}

void
healer_drift_report_to_json (const HealerDriftReport *report,
                             gboolean                 with_kpis,
                             JsonBuilder             *b)
{
  g_return_if_fail (report != NULL);
  g_return_if_fail (JSON_IS_BUILDER (b));

  json_builder_begin_object (b);
  healer_drift_report_add_members (report, with_kpis, b);
  json_builder_end_object (b);
}

gboolean
healer_drift_report_save (const HealerDriftReport *report,
                          const char              *path,
                          GError                 **error)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;
  gsize length;

  g_return_val_if_fail (report != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  json_builder_begin_object (b);
  healer_json_add_string (b, "format", HEALER_DRIFT_FORMAT);
  healer_json_add_int (b, "format_version", HEALER_DRIFT_FORMAT_VERSION);
  healer_drift_report_add_members (report, TRUE, b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  text = healer_json_to_string (root, TRUE, &length);
  return healer_file_set_contents_atomic (path, text, length, error);
}
