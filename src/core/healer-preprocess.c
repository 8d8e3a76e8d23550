/* healer-preprocess.c — imputation, monotone transforms, scaling and feature selection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>

#include "healer-enum.h"
#include "healer-preprocess.h"

#define HEALER_MI_BINS      16

G_DEFINE_QUARK (healer-preprocess-error-quark, healer_preprocess_error)

/* These names are part of the model file format: never translate or
 * reword them (test-trainer's /trainer/enum-names holds them). */
HEALER_DEFINE_ENUM_STRINGS (healer_impute, HealerImpute, HEALER_TYPE_IMPUTE, FALSE)
HEALER_DEFINE_ENUM_STRINGS (healer_transform, HealerTransform, HEALER_TYPE_TRANSFORM, FALSE)
HEALER_DEFINE_ENUM_STRINGS (healer_select, HealerSelect, HEALER_TYPE_SELECT, FALSE)

void
healer_preprocess_config_init_default (HealerPreprocessConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  /* See docs/model.md: on real KPIs the signal sits in a few dozen
   * moderate-scale columns; mutual-information selection keeps them and
   * drops the heavy-tailed, drifting rest, and plain standardisation with
   * mean imputation (a missing cell becomes 0, "no evidence") beats the
   * heavy-tail transforms and indicator columns. */
  config->impute = HEALER_IMPUTE_MEAN;
  config->transform = HEALER_TRANSFORM_NONE;
  config->missing_indicators = FALSE;
  config->select = HEALER_SELECT_MUTUAL_INFO;
  config->select_k = 0;
  config->select_min_ratio = 0.15;
  config->drop_duplicates = TRUE;
  config->class_weights = TRUE;
  config->drop_constant = TRUE;
}

static int
healer_compare_floats (gconstpointer a,
                       gconstpointer b)
{
  float fa = *(const float *) a;
  float fb = *(const float *) b;

  return (fa > fb) - (fa < fb);
}

static int
healer_compare_int32 (gconstpointer a,
                      gconstpointer b)
{
  gint32 ia = *(const gint32 *) a;
  gint32 ib = *(const gint32 *) b;

  return (ia > ib) - (ia < ib);
}

/* Linear interpolation between order statistics ("type 7", numpy's default),
 * so the median of an even count is the mean of the two middle values. */
static double
healer_sorted_quantile (const float *v,
                        gsize        n,
                        double       p)
{
  double pos = p * (double) (n - 1);
  gsize lo = (gsize) floor (pos);
  double frac = pos - (double) lo;

  if (lo + 1 >= n)
    return v[n - 1];
  return (double) v[lo] + frac * ((double) v[lo + 1] - (double) v[lo]);
}

/* Where @v falls in the knots, as a probability. Runs of equal knots (ties in
 * the training data) map to the middle of the run, which is what sklearn gets
 * by averaging an ascending and a descending interpolation. */
static double
healer_knots_probability (const float *knots,
                          double       v)
{
  const guint last = HEALER_QUANTILE_KNOTS - 1;
  guint lo = 0, hi = HEALER_QUANTILE_KNOTS;

  if (v < knots[0])
    return 0.0;
  if (v > knots[last])
    return 1.0;

  /* first knot ≥ v */
  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;

      if ((double) knots[mid] < v)
        lo = mid + 1;
      else
        hi = mid;
    }

  if ((double) knots[lo] == v)
    {
      guint end = lo;

      hi = HEALER_QUANTILE_KNOTS;
      /* first knot > v */
      while (end < hi)
        {
          guint mid = end + (hi - end) / 2;

          if ((double) knots[mid] <= v)
            end = mid + 1;
          else
            hi = mid;
        }
      return ((double) lo + (double) (end - 1)) / 2.0 / last;
    }

  /* knots[lo - 1] < v < knots[lo], lo ≥ 1 because v ≥ knots[0] */
  {
    double a = knots[lo - 1];
    double b = knots[lo];

    return ((double) (lo - 1) + (v - a) / (b - a)) / last;
  }
}

/* Imputed and transformed value of input @j, before standardisation. Used
 * by both fit and transform so the training columns see exactly the same
 * arithmetic as new rows. */
static double
healer_transform_raw (const HealerPreprocessor *self,
                      guint                     j,
                      float                     x)
{
  double v = isfinite (x) ? (double) x : (double) self->fill[j];

  switch (self->config.transform)
    {
    case HEALER_TRANSFORM_SIGNED_LOG:
      return copysign (log1p (fabs (v)), v);

    case HEALER_TRANSFORM_QUANTILE:
      {
        const float *knots = self->quantiles + (gsize) j * HEALER_QUANTILE_KNOTS;
        double p = healer_knots_probability (knots, v);

        p = CLAMP (p, HEALER_QUANTILE_EPS, 1.0 - HEALER_QUANTILE_EPS);
        return gsl_cdf_ugaussian_Pinv (p);
      }

    case HEALER_TRANSFORM_NONE:
    default:
      return v;
    }
}

static HealerPreprocessor *
healer_preprocessor_alloc (guint                         n_input,
                           const HealerPreprocessConfig *config)
{
  HealerPreprocessor *self = g_new0 (HealerPreprocessor, 1);

  self->config = *config;
  self->n_input = n_input;
  self->fill = g_new0 (float, n_input);
  self->train_min = g_new0 (float, n_input);
  self->train_max = g_new0 (float, n_input);
  self->train_median = g_new0 (float, n_input);
  self->train_iqr = g_new0 (float, n_input);
  self->missing_rate = g_new0 (float, n_input);
  if (config->transform == HEALER_TRANSFORM_QUANTILE)
    self->quantiles = g_new0 (float, (gsize) n_input * HEALER_QUANTILE_KNOTS);
  if (config->transform == HEALER_TRANSFORM_PLE)
    {
      /* one row per input while fitting, compacted to the selected ones */
      self->ple_edges = g_new0 (float, (gsize) n_input * HEALER_PLE_EDGES);
      self->ple_counts = g_new0 (guint, n_input);
    }
  self->mean = g_new0 (float, n_input);
  self->scale = g_new (float, n_input);
  for (guint j = 0; j < n_input; j++)
    self->scale[j] = 1.0f;
  return self;
}

/* PLE bin edges of input @j from its @n sorted observed values. The edges
 * are computed directly rather than taken from the quantile knots: those sit
 * at k/127, which never coincides with t/16 inside the range. "≤ previous"
 * rather than "== previous" drops duplicates, so the kept edges are strictly
 * increasing even if interpolation rounding ever stepped back by an ulp. */
static void
healer_fit_ple_edges (HealerPreprocessor *self,
                      guint               j,
                      const float        *sorted,
                      gsize               n)
{
  float *edges = self->ple_edges + (gsize) j * HEALER_PLE_EDGES;
  guint count = 0;

  for (guint t = 0; t <= HEALER_PLE_BINS; t++)
    {
      float b = (float) healer_sorted_quantile (sorted, n, (double) t / HEALER_PLE_BINS);

      if (count == 0 || b > edges[count - 1])
        edges[count++] = b;
    }
  for (guint t = count; t < HEALER_PLE_EDGES; t++)
    edges[t] = edges[count - 1];
  self->ple_counts[j] = count;
}

/* The rows a fit reads: @rows[i] of @data, or row i when @rows is NULL.
 * Fitting on indices rather than on a copy of the rows keeps a fold of
 * cross-fitting, or the training part of a split, from costing most of the
 * table again; a fit reads the same cells in the same order either way, so
 * it gives the same bits. */
typedef struct
{
  const HealerDataset *data;
  const gsize         *rows;
  gsize                n_rows;
} HealerFitRows;

static inline float
healer_fit_rows_cell (const HealerFitRows *fr,
                      gsize                i,
                      guint                j)
{
  gsize row = fr->rows != NULL ? fr->rows[i] : i;

  return fr->data->x[row * fr->data->n_features + j];
}

/* Raw-domain statistics of input @j from its observed cells; @buf holds
 * n_rows floats. Returns the number of observed cells. */
static gsize
healer_fit_raw_stats (HealerPreprocessor   *self,
                      const HealerFitRows  *train,
                      guint                 j,
                      float                *buf)
{
  gsize n_obs = 0;
  double sum = 0.0;

  for (gsize i = 0; i < train->n_rows; i++)
    {
      float x = healer_fit_rows_cell (train, i, j);

      if (isfinite (x))
        {
          buf[n_obs++] = x;
          sum += x;
        }
    }

  self->missing_rate[j] = (float) ((double) (train->n_rows - n_obs) / (double) train->n_rows);
  if (n_obs == 0)
    {
      /* every statistic stays 0, a finite value the model file accepts;
       * PLE gets the single edge 0 (= fill), hence no column */
      if (self->ple_counts != NULL)
        self->ple_counts[j] = 1;
      return 0;
    }

  qsort (buf, n_obs, sizeof (float), healer_compare_floats);
  self->train_min[j] = buf[0];
  self->train_max[j] = buf[n_obs - 1];
  self->train_median[j] = (float) healer_sorted_quantile (buf, n_obs, 0.5);
  /* The spread of values near ±FLT_MAX can pass the float range (a column
   * of ±2e38 has an IQR of 4e38), and the model file takes finite numbers
   * only: train wrote a model every command then refused. The largest
   * float says as much. */
  self->train_iqr[j] = (float) MIN (healer_sorted_quantile (buf, n_obs, 0.75) -
                                    healer_sorted_quantile (buf, n_obs, 0.25), (double) FLT_MAX);
  if (self->config.impute == HEALER_IMPUTE_MEAN)
    self->fill[j] = (float) (sum / (double) n_obs);
  else
    self->fill[j] = self->train_median[j];

  if (self->quantiles != NULL)
    {
      float *knots = self->quantiles + (gsize) j * HEALER_QUANTILE_KNOTS;

      for (guint k = 0; k < HEALER_QUANTILE_KNOTS; k++)
        knots[k] = (float) healer_sorted_quantile (buf, n_obs,
                                                   (double) k / (HEALER_QUANTILE_KNOTS - 1));
    }
  if (self->ple_edges != NULL)
    healer_fit_ple_edges (self, j, buf, n_obs);

  return n_obs;
}

/* Transforms training column @j into @t (n_rows doubles) and sets its
 * standardisation parameters. */
static void
healer_fit_scale (HealerPreprocessor  *self,
                  const HealerFitRows *train,
                  guint                j,
                  double              *t)
{
  gsize n = train->n_rows;
  double sum = 0.0, ss = 0.0, mean, std, lo = INFINITY, hi = -INFINITY;

  for (gsize i = 0; i < n; i++)
    {
      t[i] = healer_transform_raw (self, j, healer_fit_rows_cell (train, i, j));
      sum += t[i];
      lo = MIN (lo, t[i]);
      hi = MAX (hi, t[i]);
    }
  mean = sum / (double) n;
  for (gsize i = 0; i < n; i++)
    ss += (t[i] - mean) * (t[i] - mean);
  std = sqrt (ss / (double) n);

  self->mean[j] = (float) mean;
  /* Testing lo == hi rather than std == 0: the mean of n equal doubles can be
   * an ulp off and leave a spurious 1e-17 deviation. */
  /* A deviation below the smallest normal float is noise in the last bits
   * of the values: constant too (the loader refuses a subnormal scale). */
  self->scale[j] = (lo == hi || !(std >= FLT_MIN) || !isfinite (std)) ? 1.0f : (float) std;
}

typedef struct
{
  double value;
  guint  klass;
} HealerValueClass;

static int
healer_compare_value_class (gconstpointer a,
                            gconstpointer b)
{
  double va = ((const HealerValueClass *) a)->value;
  double vb = ((const HealerValueClass *) b)->value;

  return (va > vb) - (va < vb);
}

/* Mutual information (nats) between a column and the class, plug-in
 * estimator on a contingency table: the column is cut into HEALER_MI_BINS
 * equal-frequency bins by rank, where a run of equal values always shares the
 * bin of its first rank (so a binary or heavily tied column gets fewer
 * effective bins instead of an arbitrary split of its ties), then
 * MI = Σ p(b,c) log(p(b,c) / (p(b) p(c))). The plug-in estimate is biased
 * upwards by about (bins−1)(classes−1)/(2n) (Miller–Madow), which on a few
 * hundred rows is as large as a weak real signal: subtracting it, with the
 * bins and classes actually occupied, lets pure noise score ≈ 0, so a cut
 * relative to the best column means something, and a heavily tied column
 * with few effective bins is not penalised like a continuous one.
 * Rank-based binning makes it invariant to monotone transforms, and
 * deterministic. */
static double
healer_mutual_information (const double *t,
                           const guint  *klass,
                           gsize         n,
                           guint         n_classes,
                           HealerValueClass *pairs,
                           gsize        *joint)
{
  gsize bin_count[HEALER_MI_BINS] = { 0 };
  g_autofree gsize *class_count = g_new0 (gsize, n_classes);
  guint bins_used = 0, classes_used = 0;
  double mi = 0.0;

  memset (joint, 0, sizeof (gsize) * HEALER_MI_BINS * n_classes);
  for (gsize i = 0; i < n; i++)
    {
      pairs[i].value = t[i];
      pairs[i].klass = klass[i];
    }
  qsort (pairs, n, sizeof *pairs, healer_compare_value_class);

  for (gsize r = 0; r < n; )
    {
      gsize first = r;
      guint bin = (guint) ((guint64) first * HEALER_MI_BINS / n);

      for (; r < n && pairs[r].value == pairs[first].value; r++)
        {
          joint[bin * n_classes + pairs[r].klass]++;
          bin_count[bin]++;
          class_count[pairs[r].klass]++;
        }
    }

  for (guint b = 0; b < HEALER_MI_BINS; b++)
    for (guint c = 0; c < n_classes; c++)
      {
        gsize nbc = joint[b * n_classes + c];

        if (nbc > 0)
          mi += (double) nbc / (double) n *
                log ((double) nbc * (double) n / ((double) bin_count[b] * (double) class_count[c]));
      }

  for (guint b = 0; b < HEALER_MI_BINS; b++)
    bins_used += bin_count[b] > 0;
  for (guint c = 0; c < n_classes; c++)
    classes_used += class_count[c] > 0;
  if (bins_used > 0 && classes_used > 0)
    mi -= (double) (bins_used - 1) * (double) (classes_used - 1) / (2.0 * (double) n);

  return MAX (mi, 0.0);
}

typedef struct
{
  guint  index;
  double score;
} HealerScored;

static int
healer_compare_scored (gconstpointer a,
                       gconstpointer b)
{
  const HealerScored *sa = a;
  const HealerScored *sb = b;

  if (sa->score != sb->score)
    return sa->score > sb->score ? -1 : 1;
  return (sa->index > sb->index) - (sa->index < sb->index);
}

static int
healer_compare_uint (gconstpointer a,
                     gconstpointer b)
{
  guint ia = *(const guint *) a;
  guint ib = *(const guint *) b;

  return (ia > ib) - (ia < ib);
}

/* Keeps the select_k best of the @n_scored candidates (all when 0), less
 * those whose score is below select_min_ratio of the best one, in input
 * order. The relative cut adapts to the data: on the real KPIs it keeps
 * about twenty columns, on data whose signal is spread wide it keeps most. */
static void
healer_select_top_k (HealerPreprocessor *self,
                     HealerScored       *scored,
                     guint               n_scored)
{
  guint k = self->config.select_k;

  if (k == 0 || k > n_scored)
    k = n_scored;

  qsort (scored, n_scored, sizeof *scored, healer_compare_scored);
  if (self->config.select_min_ratio > 0 && n_scored > 0)
    {
      double cut = self->config.select_min_ratio * scored[0].score;

      /* Always keep at least one column, even when every score is 0. */
      while (k > 1 && scored[k - 1].score < cut)
        k--;
    }
  self->n_selected = k;
  for (guint s = 0; s < k; s++)
    self->selected[s] = scored[s].index;
  qsort (self->selected, k, sizeof (guint), healer_compare_uint);
}

static gboolean
healer_check_fit_input (const HealerDataset          *train,
                        gsize                         n_rows,
                        const HealerPreprocessConfig *config,
                        GError                      **error)
{
  if (n_rows == 0 || train->n_features == 0)
    {
      g_set_error (error, HEALER_PREPROCESS_ERROR, HEALER_PREPROCESS_ERROR_INVALID,
                   _("Cannot fit the preprocessing on %s: it has %zu"
                     " rows and %u features, at least one of each is needed"),
                   healer_dataset_get_source_name (train), n_rows, train->n_features);
      return FALSE;
    }
  if ((guint) config->impute > HEALER_IMPUTE_MEAN ||
      (guint) config->transform > HEALER_TRANSFORM_PLE ||
      (guint) config->select > HEALER_SELECT_MUTUAL_INFO)
    {
      g_set_error (error, HEALER_PREPROCESS_ERROR, HEALER_PREPROCESS_ERROR_INVALID,
                   _("Unknown preprocessing option (impute %d, transform %d, select %d)"),
                   (int) config->impute, (int) config->transform, (int) config->select);
      return FALSE;
    }
  if (config->select == HEALER_SELECT_MUTUAL_INFO && train->labels == NULL)
    {
      g_set_error (error, HEALER_PREPROCESS_ERROR, HEALER_PREPROCESS_ERROR_INVALID,
                   _("Feature selection by mutual information needs a label column, "
                     "and %s has none"),
                   healer_dataset_get_source_name (train));
      return FALSE;
    }
  return TRUE;
}

/* Keeps the PLE rows of the selected inputs only, in selection order. In
 * place: selected[] is increasing, so row selected[s] ≥ s is read before any
 * write reaches it. */
static void
healer_compact_ple (HealerPreprocessor *self)
{
  if (self->ple_edges == NULL)
    return;

  self->n_ple = 0;
  for (guint s = 0; s < self->n_selected; s++)
    {
      guint j = self->selected[s];

      memmove (self->ple_edges + (gsize) s * HEALER_PLE_EDGES,
               self->ple_edges + (gsize) j * HEALER_PLE_EDGES,
               HEALER_PLE_EDGES * sizeof (float));
      self->ple_counts[s] = self->ple_counts[j];
      self->n_ple += self->ple_counts[s] - 1;
    }
}

HealerPreprocessor *
healer_preprocessor_fit (const HealerDataset          *train,
                         const HealerPreprocessConfig *config,
                         GError                      **error)
{
  g_return_val_if_fail (train != NULL, NULL);

  return healer_preprocessor_fit_rows (train, NULL, train->n_rows, config, error);
}

HealerPreprocessor *
healer_preprocessor_fit_rows (const HealerDataset          *data,
                              const gsize                  *rows,
                              gsize                         n_rows,
                              const HealerPreprocessConfig *config,
                              GError                      **error)
{
  g_autoptr(HealerPreprocessor) self = NULL;
  g_autofree float *buf = NULL;
  g_autofree double *t = NULL;
  g_autofree guint *klass = NULL;
  g_autofree gint32 *labels = NULL;
  g_autofree gint32 *class_ids = NULL;
  g_autofree HealerValueClass *pairs = NULL;
  g_autofree gsize *joint = NULL;
  g_autofree HealerScored *scored = NULL;
  HealerFitRows train = { data, rows, n_rows };
  gboolean use_mi;
  guint n_classes = 0, n_scored = 0;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (rows != NULL || n_rows == data->n_rows, NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  for (gsize i = 0; rows != NULL && i < n_rows; i++)
    g_return_val_if_fail (rows[i] < data->n_rows, NULL);

  if (!healer_check_fit_input (data, n_rows, config, error))
    return NULL;

  use_mi = config->select == HEALER_SELECT_MUTUAL_INFO;
  self = healer_preprocessor_alloc (data->n_features, config);
  self->input_names = g_strdupv (data->feature_names);
  self->selected = g_new0 (guint, self->n_input);
  self->indicators = g_new0 (guint, self->n_input);
  buf = g_new (float, n_rows);
  t = g_new (double, n_rows);
  scored = g_new0 (HealerScored, self->n_input);
  if (use_mi)
    {
      const gint32 *row_labels = data->labels;

      if (rows != NULL)
        {
          labels = g_new (gint32, n_rows);
          for (gsize i = 0; i < n_rows; i++)
            labels[i] = data->labels[rows[i]];
          row_labels = labels;
        }
      klass = g_new (guint, n_rows);
      class_ids = healer_labels_to_classes (row_labels, n_rows, &n_classes, klass);
      g_clear_pointer (&labels, g_free);
      pairs = g_new (HealerValueClass, n_rows);
      joint = g_new (gsize, (gsize) HEALER_MI_BINS * n_classes);
    }

  for (guint j = 0; j < self->n_input; j++)
    {
      gsize n_obs = healer_fit_raw_stats (self, &train, j, buf);
      gboolean constant = n_obs == 0 || self->train_min[j] == self->train_max[j];

      healer_fit_scale (self, &train, j, t);

      if (n_obs < n_rows && config->missing_indicators &&
          !(n_obs == 0 && config->drop_constant))
        self->indicators[self->n_indicators++] = j;

      if (constant && config->drop_constant)
        continue;
      scored[n_scored].index = j;
      scored[n_scored].score = use_mi ? healer_mutual_information (t, klass, n_rows,
                                                                   n_classes, pairs, joint)
                                      : 0.0;
      n_scored++;
    }

  if (use_mi)
    healer_select_top_k (self, scored, n_scored);
  else
    {
      self->n_selected = n_scored;
      for (guint s = 0; s < n_scored; s++)
        self->selected[s] = scored[s].index;
    }

  healer_compact_ple (self);
  self->n_output = self->n_selected + self->n_ple + self->n_indicators;
  if (self->n_output == 0)
    {
      g_set_error (error, HEALER_PREPROCESS_ERROR, HEALER_PREPROCESS_ERROR_INVALID,
                   _("No usable feature in %s: every one of the %u features is constant "
                     "or empty in the training rows"),
                   healer_dataset_get_source_name (data), data->n_features);
      return NULL;
    }

  return g_steal_pointer (&self);
}

/* The PLE blocks of one @row into @o. Edges are strictly increasing floats,
 * so every denominator is positive and, x being finite after imputation,
 * every quotient is a number (possibly huge, then clipped). */
static float *
healer_ple_cells (const HealerPreprocessor *self,
                  guint                     s,
                  float                     x,
                  float                    *o)
{
  guint j = self->selected[s];
  const float *b = self->ple_edges + (gsize) s * HEALER_PLE_EDGES;
  double v = isfinite (x) ? (double) x : (double) self->fill[j];

  for (guint t = 1; t < self->ple_counts[s]; t++)
    {
      double e = (v - (double) b[t - 1]) / ((double) b[t] - (double) b[t - 1]);

      *o++ = (float) CLAMP (e, 0.0, 1.0);
    }
  return o;
}

static void
healer_transform_ple (const HealerPreprocessor *self,
                      const float              *row,
                      float                    *o)
{
  for (guint s = 0; s < self->n_selected; s++)
    o = healer_ple_cells (self, s, row[self->selected[s]], o);
}

/* The value column of selected input @j for the raw value @x. */
static float
healer_standardise (const HealerPreprocessor *self,
                    guint                     j,
                    float                     x)
{
  double v = (healer_transform_raw (self, j, x) - self->mean[j]) / self->scale[j];

  /* Wildly out-of-range raw values (or an absurd scale) must not reach the
   * network as huge numbers: see HEALER_PREPROCESS_MAX_Z. */
  return (float) CLAMP (v, -HEALER_PREPROCESS_MAX_Z, HEALER_PREPROCESS_MAX_Z);
}

void
healer_preprocessor_transform (const HealerPreprocessor *self,
                               const float              *x,
                               gsize                     n_rows,
                               float                    *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (n_rows == 0 || (x != NULL && out != NULL));

  for (gsize r = 0; r < n_rows; r++)
    {
      const float *row = x + r * self->n_input;
      float *o = out + r * self->n_output;

      for (guint s = 0; s < self->n_selected; s++)
        o[s] = healer_standardise (self, self->selected[s], row[self->selected[s]]);
      if (self->ple_edges != NULL)
        healer_transform_ple (self, row, o + self->n_selected);
      for (guint s = 0; s < self->n_indicators; s++)
        o[self->n_selected + self->n_ple + s] = isfinite (row[self->indicators[s]]) ? 0.0f : 1.0f;
    }
}

HealerInputColumns *
healer_preprocessor_input_columns (const HealerPreprocessor *self)
{
  HealerInputColumns *cols;
  guint ple = self->n_selected;

  g_return_val_if_fail (self != NULL, NULL);

  cols = g_new (HealerInputColumns, MAX (self->n_input, 1));
  for (guint j = 0; j < self->n_input; j++)
    cols[j] = (HealerInputColumns) { G_MAXUINT, G_MAXUINT, 0, 0, G_MAXUINT };
  for (guint s = 0; s < self->n_selected; s++)
    {
      HealerInputColumns *c = &cols[self->selected[s]];

      c->value = s;
      c->selected = s;
      if (self->ple_edges != NULL)
        {
          c->ple_first = ple;
          c->n_ple = self->ple_counts[s] - 1;
          ple += c->n_ple;
        }
    }
  for (guint s = 0; s < self->n_indicators; s++)
    cols[self->indicators[s]].indicator = self->n_selected + self->n_ple + s;
  return cols;
}

guint
healer_input_columns_list (const HealerInputColumns *cols,
                           guint                    *out)
{
  guint n = 0;

  g_return_val_if_fail (cols != NULL, 0);

  if (cols->value != G_MAXUINT)
    out[n++] = cols->value;
  for (guint t = 0; t < cols->n_ple; t++)
    out[n++] = cols->ple_first + t;
  if (cols->indicator != G_MAXUINT)
    out[n++] = cols->indicator;
  return n;
}

void
healer_preprocessor_transform_input (const HealerPreprocessor  *self,
                                     const HealerInputColumns  *cols,
                                     guint                      j,
                                     const float               *x,
                                     gsize                      n,
                                     float                     *out)
{
  g_return_if_fail (self != NULL && cols != NULL);
  g_return_if_fail (j < self->n_input);
  g_return_if_fail (n == 0 || (x != NULL && out != NULL));

  /* The very functions healer_preprocessor_transform calls, so each cell
   * gets the same bits. */
  for (gsize i = 0; i < n; i++)
    {
      if (cols->value != G_MAXUINT)
        *out++ = healer_standardise (self, j, x[i]);
      if (cols->n_ple > 0)
        out = healer_ple_cells (self, cols->selected, x[i], out);
      if (cols->indicator != G_MAXUINT)
        *out++ = isfinite (x[i]) ? 0.0f : 1.0f;
    }
}

/* Name of PLE column @i, counted from the first PLE column. */
static char *
healer_ple_output_name (const HealerPreprocessor *self,
                        guint                     i)
{
  for (guint s = 0; s < self->n_selected; s++)
    {
      guint bins = self->ple_counts[s] - 1;

      if (i < bins)
        return g_strdup_printf ("%s bin %u", self->input_names[self->selected[s]], i + 1);
      i -= bins;
    }
  g_return_val_if_reached (NULL);
}

gboolean
healer_preprocessor_reads_input (const HealerPreprocessor *self,
                                 guint                     j)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (j < self->n_input, FALSE);

  for (guint s = 0; s < self->n_selected; s++)
    if (self->selected[s] == j)
      return TRUE;
  for (guint s = 0; s < self->n_indicators; s++)
    if (self->indicators[s] == j)
      return TRUE;
  return FALSE;
}

char *
healer_preprocessor_output_name (const HealerPreprocessor *self,
                                 guint                     i)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (i < self->n_output, NULL);

  /* Not translated: the names also land in machine-readable output. */
  if (i < self->n_selected)
    return g_strdup (self->input_names[self->selected[i]]);
  i -= self->n_selected;
  if (i < self->n_ple)
    return healer_ple_output_name (self, i);
  return g_strdup_printf ("%s missing", self->input_names[self->indicators[i - self->n_ple]]);
}

void
healer_preprocessor_free (HealerPreprocessor *self)
{
  if (self == NULL)
    return;

  g_strfreev (self->input_names);
  g_free (self->fill);
  g_free (self->train_min);
  g_free (self->train_max);
  g_free (self->train_median);
  g_free (self->train_iqr);
  g_free (self->missing_rate);
  g_free (self->quantiles);
  g_free (self->ple_edges);
  g_free (self->ple_counts);
  g_free (self->mean);
  g_free (self->scale);
  g_free (self->selected);
  g_free (self->indicators);
  g_free (self);
}

HealerPreprocessor *
healer_preprocessor_copy (const HealerPreprocessor *self)
{
  HealerPreprocessor *copy;
  gsize n;

  g_return_val_if_fail (self != NULL, NULL);

  n = self->n_input;
  copy = g_new0 (HealerPreprocessor, 1);
  *copy = *self;
  copy->input_names = g_strdupv (self->input_names);
  copy->fill = g_memdup2 (self->fill, n * sizeof (float));
  copy->train_min = g_memdup2 (self->train_min, n * sizeof (float));
  copy->train_max = g_memdup2 (self->train_max, n * sizeof (float));
  copy->train_median = g_memdup2 (self->train_median, n * sizeof (float));
  copy->train_iqr = g_memdup2 (self->train_iqr, n * sizeof (float));
  copy->missing_rate = g_memdup2 (self->missing_rate, n * sizeof (float));
  copy->quantiles = self->quantiles != NULL
    ? g_memdup2 (self->quantiles, n * HEALER_QUANTILE_KNOTS * sizeof (float)) : NULL;
  copy->ple_edges = self->ple_edges != NULL
    ? g_memdup2 (self->ple_edges, (gsize) self->n_selected * HEALER_PLE_EDGES * sizeof (float))
    : NULL;
  copy->ple_counts = self->ple_counts != NULL
    ? g_memdup2 (self->ple_counts, self->n_selected * sizeof (guint)) : NULL;
  copy->mean = g_memdup2 (self->mean, n * sizeof (float));
  copy->scale = g_memdup2 (self->scale, n * sizeof (float));
  copy->selected = g_memdup2 (self->selected, self->n_selected * sizeof (guint));
  copy->indicators = g_memdup2 (self->indicators, self->n_indicators * sizeof (guint));
  return copy;
}

/* Training-set helpers */

static guint64
healer_hash_row (const HealerDataset *self,
                 gsize                row)
{
  const guint32 *w = (const guint32 *) (gconstpointer) healer_dataset_row (self, row);
  guint64 h = G_GUINT64_CONSTANT (0xcbf29ce484222325);

  /* FNV-1a over 32-bit words, then the splitmix64 finaliser to spread the
   * bits GHashTable folds into its 32-bit hash. */
  for (guint j = 0; j < self->n_features; j++)
    h = (h ^ w[j]) * G_GUINT64_CONSTANT (0x100000001b3);
  if (self->labels != NULL)
    h = (h ^ (guint32) self->labels[row]) * G_GUINT64_CONSTANT (0x100000001b3);
  h = (h ^ (h >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  h = (h ^ (h >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return h ^ (h >> 31);
}

static gboolean
healer_rows_equal (const HealerDataset *self,
                   gsize                a,
                   gsize                b)
{
  /* Bitwise: two NAN cells (the reader's canonical NAN) are equal. */
  if (memcmp (healer_dataset_row (self, a), healer_dataset_row (self, b),
              self->n_features * sizeof (float)) != 0)
    return FALSE;
  return self->labels == NULL || self->labels[a] == self->labels[b];
}

gsize *
healer_dataset_unique_rows (const HealerDataset *self,
                            gsize               *n_kept_out)
{
  g_return_val_if_fail (self != NULL, NULL);

  return healer_dataset_unique_rows_of (self, NULL, self->n_rows, n_kept_out);
}

gsize *
healer_dataset_unique_rows_of (const HealerDataset *self,
                               const gsize         *rows,
                               gsize                n_rows,
                               gsize               *n_kept_out)
{
  g_autoptr(GHashTable) heads = NULL;
  g_autofree guint64 *hashes = NULL;
  g_autofree gsize *next = NULL;
  g_autofree gsize *kept = NULL;
  gsize n_kept = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (rows != NULL || n_rows == self->n_rows, NULL);
  g_return_val_if_fail (n_kept_out != NULL, NULL);

  /* Keys point into @hashes; each value is the first kept position with
   * that hash, and @next chains the other kept positions that collide with
   * it. Positions are indices into @rows, rows indices into the table. */
  heads = g_hash_table_new (g_int64_hash, g_int64_equal);
  hashes = g_new (guint64, MAX (n_rows, 1));
  next = g_new (gsize, MAX (n_rows, 1));
  kept = g_new (gsize, MAX (n_rows, 1));

  for (gsize i = 0; i < n_rows; i++)
    {
      gsize row = rows != NULL ? rows[i] : i;
      gpointer head;
      gboolean duplicate = FALSE;

      hashes[i] = healer_hash_row (self, row);
      next[i] = G_MAXSIZE;
      if (g_hash_table_lookup_extended (heads, &hashes[i], NULL, &head))
        {
          gsize p = GPOINTER_TO_SIZE (head), last = p;

          for (; p != G_MAXSIZE && !duplicate; p = next[p])
            {
              duplicate = healer_rows_equal (self, rows != NULL ? rows[p] : p, row);
              last = p;
            }
          if (duplicate)
            continue;
          next[last] = i;
        }
      else
        g_hash_table_insert (heads, &hashes[i], GSIZE_TO_POINTER (i));
      kept[n_kept++] = row;
    }

  *n_kept_out = n_kept;
  return g_steal_pointer (&kept);
}

HealerDataset *
healer_dataset_drop_duplicates (const HealerDataset *self,
                                gsize               *n_removed)
{
  g_autofree gsize *kept = NULL;
  gsize n_kept = 0;

  g_return_val_if_fail (self != NULL, NULL);

  kept = healer_dataset_unique_rows (self, &n_kept);
  if (n_removed != NULL)
    *n_removed = self->n_rows - n_kept;
  /* Nothing to drop, nothing to copy: a copy of a million rows was a
   * whole data matrix more at the peak of cross-fitting, for nothing.
   * Datasets are not changed once read, so sharing is safe. */
  if (n_kept == self->n_rows)
    return healer_dataset_ref ((HealerDataset *) self);
  return healer_dataset_subset (self, kept, n_kept);
}

void
healer_class_weights (const guint *labels,
                      gsize        n,
                      guint        n_classes,
                      float       *weights_out)
{
  g_autofree gsize *count = NULL;
  guint present = 0;

  g_return_if_fail (n == 0 || (labels != NULL && weights_out != NULL));
  g_return_if_fail (n_classes > 0);

  count = g_new0 (gsize, n_classes);
  for (gsize i = 0; i < n; i++)
    {
      g_return_if_fail (labels[i] < n_classes);
      count[labels[i]]++;
    }
  for (guint c = 0; c < n_classes; c++)
    present += count[c] > 0;

  /* n / (K · count_c) with K the classes actually present, so the weights
   * average exactly 1 over the rows even when a class is absent. */
  for (gsize i = 0; i < n; i++)
    weights_out[i] = (float) ((double) n / ((double) present * (double) count[labels[i]]));
}

gint32 *
healer_labels_to_classes (const gint32 *labels,
                          gsize         n,
                          guint        *n_classes,
                          guint        *indices_out)
{
  g_autofree gint32 *sorted = NULL;
  gsize n_distinct = 0;

  g_return_val_if_fail (n == 0 || labels != NULL, NULL);
  g_return_val_if_fail (n_classes != NULL, NULL);

  sorted = g_new (gint32, MAX (n, 1));
  if (n > 0)
    memcpy (sorted, labels, n * sizeof (gint32));
  qsort (sorted, n, sizeof (gint32), healer_compare_int32);
  for (gsize i = 0; i < n; i++)
    if (n_distinct == 0 || sorted[n_distinct - 1] != sorted[i])
      sorted[n_distinct++] = sorted[i];

  if (indices_out != NULL)
    for (gsize i = 0; i < n; i++)
      {
        const gint32 *hit = bsearch (&labels[i], sorted, n_distinct, sizeof (gint32),
                                     healer_compare_int32);

        indices_out[i] = (guint) (hit - sorted);
      }

  *n_classes = (guint) n_distinct;
  return g_steal_pointer (&sorted);
}
