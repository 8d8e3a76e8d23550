/* test-preprocess.c — tests of the feature pipeline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include "healer-preprocess.h"
#include "healer-trainer.h"

/* A table of @n_rows × @n_features with names f0, f1…; @x and @labels may be NULL. */
static HealerDataset *
make_dataset (gsize         n_rows,
              guint         n_features,
              const float  *x,
              const gint32 *labels)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  HealerDataset *ds;

  for (guint j = 0; j < n_features; j++)
    g_ptr_array_add (names, g_strdup_printf ("f%u", j));
  g_ptr_array_add (names, NULL);

  ds = healer_dataset_new ((const char * const *) names->pdata, n_rows, labels != NULL, FALSE);
  g_assert_nonnull (ds);
  ds->n_rows = n_rows;
  g_assert_cmpuint (ds->n_features, ==, n_features);
  if (x != NULL)
    memcpy (ds->x, x, n_rows * n_features * sizeof (float));
  if (labels != NULL)
    memcpy (ds->labels, labels, n_rows * sizeof (gint32));
  return ds;
}

/* Every step switched on but selection (which needs labels): the cases
 * below test the steps, not the defaults. */
static void
init_test_config (HealerPreprocessConfig *config)
{
  healer_preprocess_config_init_default (config);
  config->impute = HEALER_IMPUTE_MEDIAN;
  config->transform = HEALER_TRANSFORM_QUANTILE;
  config->missing_indicators = TRUE;
  config->select = HEALER_SELECT_NONE;
  config->select_min_ratio = 0.0;
}

static void
config_plain (HealerPreprocessConfig *config,
              HealerTransform         transform)
{
  init_test_config (config);
  config->transform = transform;
  config->missing_indicators = FALSE;
}

static void
test_defaults (void)
{
  HealerPreprocessConfig c;

  memset (&c, 0xff, sizeof c);
  healer_preprocess_config_init_default (&c);
  /* The winner of docs/model.md's study. */
  g_assert_cmpint (c.impute, ==, HEALER_IMPUTE_MEAN);
  g_assert_cmpint (c.transform, ==, HEALER_TRANSFORM_NONE);
  g_assert_false (c.missing_indicators);
  g_assert_cmpint (c.select, ==, HEALER_SELECT_MUTUAL_INFO);
  g_assert_cmpuint (c.select_k, ==, 0);
  g_assert_cmpfloat (c.select_min_ratio, ==, 0.15);
  g_assert_true (c.drop_duplicates);
  g_assert_true (c.class_weights);
  g_assert_true (c.drop_constant);
}

static void
test_impute (void)
{
  const float x[] = { 1, 2, NAN, 4, 10 };
  g_autoptr(HealerDataset) ds = make_dataset (5, 1, x, NULL);
  g_autoptr(HealerPreprocessor) med = NULL;
  g_autoptr(HealerPreprocessor) mean = NULL;
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;
  float in = NAN, out;

  config_plain (&c, HEALER_TRANSFORM_NONE);
  med = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (med->fill[0], 3.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (med->train_median[0], 3.0, 1e-6);
  g_assert_cmpfloat (med->train_min[0], ==, 1.0);
  g_assert_cmpfloat (med->train_max[0], ==, 10.0);
  g_assert_cmpfloat_with_epsilon (med->missing_rate[0], 0.2, 1e-6);
  /* type-7 quartiles of {1,2,4,10}: 1.75 and 5.5 */
  g_assert_cmpfloat_with_epsilon (med->train_iqr[0], 3.75, 1e-6);
  g_assert_null (med->quantiles);
  /* imputed column {1,2,3,4,10}: mean 4, population std √10 */
  g_assert_cmpfloat_with_epsilon (med->mean[0], 4.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (med->scale[0], sqrt (10.0), 1e-5);
  healer_preprocessor_transform (med, &in, 1, &out);
  g_assert_cmpfloat_with_epsilon (out, (3.0 - 4.0) / sqrt (10.0), 1e-6);

  c.impute = HEALER_IMPUTE_MEAN;
  mean = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat_with_epsilon (mean->fill[0], 4.25, 1e-6);
  g_assert_cmpfloat_with_epsilon (mean->train_median[0], 3.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (mean->mean[0], (1 + 2 + 4.25 + 4 + 10) / 5.0, 1e-6);
}

static void
test_signed_log (void)
{
  const float x[] = { -10, -1, 0, 1, 100 };
  g_autoptr(HealerDataset) ds = make_dataset (5, 1, x, NULL);
  g_autoptr(HealerPreprocessor) p = NULL;
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;
  float out[5];

  config_plain (&c, HEALER_TRANSFORM_SIGNED_LOG);
  p = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  healer_preprocessor_transform (p, x, 5, out);
  for (guint i = 0; i < 5; i++)
    {
      double expected = copysign (log1p (fabs (x[i])), x[i]);

      g_assert_cmpfloat_with_epsilon (out[i] * p->scale[0] + p->mean[0], expected, 1e-5);
    }
  g_assert_cmpfloat_with_epsilon (out[4] * p->scale[0] + p->mean[0], log (101.0), 1e-5);
}

static void
test_quantile (void)
{
  const gsize n = 300;
  g_autofree float *x = g_new (float, n);
  g_autoptr(HealerDataset) ds = NULL;
  g_autoptr(HealerPreprocessor) p = NULL;
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;
  HealerRng rng;
  float probe[64], out[64], lo, hi, edge[4], edge_out[4];

  healer_rng_init (&rng, 7);
  for (gsize i = 0; i < n; i++)
    x[i] = (float) -log (1.0 - healer_rng_uniform (&rng));   /* skewed: exponential */
  ds = make_dataset (n, 1, x, NULL);
  config_plain (&c, HEALER_TRANSFORM_QUANTILE);
  p = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p->quantiles);
  lo = p->train_min[0];
  hi = p->train_max[0];
  g_assert_cmpfloat (p->quantiles[0], ==, lo);
  g_assert_cmpfloat (p->quantiles[HEALER_QUANTILE_KNOTS - 1], ==, hi);
  for (guint k = 1; k < HEALER_QUANTILE_KNOTS; k++)
    g_assert_cmpfloat (p->quantiles[k], >=, p->quantiles[k - 1]);

  /* monotonic, strictly inside the training range */
  for (guint i = 0; i < G_N_ELEMENTS (probe); i++)
    probe[i] = lo + (hi - lo) * (i + 0.5f) / G_N_ELEMENTS (probe);
  healer_preprocessor_transform (p, probe, G_N_ELEMENTS (probe), out);
  for (guint i = 1; i < G_N_ELEMENTS (probe); i++)
    g_assert_cmpfloat (out[i], >, out[i - 1]);
  /* the median maps near 0 before standardisation */
  probe[0] = p->train_median[0];
  healer_preprocessor_transform (p, probe, 1, out);
  g_assert_cmpfloat (fabs (out[0] * p->scale[0] + p->mean[0]), <, 0.05);

  /* clamped outside the training range */
  edge[0] = lo - 1000.0f;
  edge[1] = lo;
  edge[2] = hi;
  edge[3] = hi * 1000.0f;
  healer_preprocessor_transform (p, edge, 4, edge_out);
  g_assert_cmpfloat (edge_out[0], ==, edge_out[1]);
  g_assert_cmpfloat (edge_out[2], ==, edge_out[3]);
  g_assert_cmpfloat (edge_out[0], <, out[0]);
  g_assert_true (isfinite (edge_out[0]) && isfinite (edge_out[3]));
  /* the clipped probability 1e-7 is about −5.2 σ before standardisation */
  g_assert_cmpfloat_with_epsilon (edge_out[0] * p->scale[0] + p->mean[0], -5.199, 0.01);
}

/* Training columns after transform have mean 0 and std 1 whatever the transform. */
static void
test_standardised (void)
{
  const gsize n = 400;
  const guint nf = 4;
  g_autofree float *x = g_new (float, n * nf);
  g_autofree float *out = NULL;
  g_autoptr(HealerDataset) ds = NULL;
  HealerRng rng;

  healer_rng_init (&rng, 11);
  for (gsize i = 0; i < n; i++)
    {
      x[i * nf + 0] = (float) healer_rng_normal (&rng) * 5 + 100;
      x[i * nf + 1] = (float) exp (healer_rng_normal (&rng) * 2);
      x[i * nf + 2] = healer_rng_uniform (&rng) < 0.2 ? NAN : (float) healer_rng_below (&rng, 5);
      x[i * nf + 3] = (float) -healer_rng_uniform (&rng) * 1000;
    }
  ds = make_dataset (n, nf, x, NULL);

  for (int t = HEALER_TRANSFORM_NONE; t <= HEALER_TRANSFORM_QUANTILE; t++)
    {
      g_autoptr(HealerPreprocessor) p = NULL;
      g_autoptr(GError) error = NULL;
      HealerPreprocessConfig c;

      config_plain (&c, t);
      p = healer_preprocessor_fit (ds, &c, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (p->n_output, ==, nf);
      out = g_renew (float, out, n * p->n_output);
      healer_preprocessor_transform (p, x, n, out);
      for (guint j = 0; j < p->n_output; j++)
        {
          double sum = 0, ss = 0;

          for (gsize i = 0; i < n; i++)
            sum += out[i * p->n_output + j];
          for (gsize i = 0; i < n; i++)
            ss += pow (out[i * p->n_output + j] - sum / n, 2);
          g_assert_cmpfloat (fabs (sum / n), <, 1e-4);
          g_assert_cmpfloat_with_epsilon (sqrt (ss / n), 1.0, 1e-4);
        }
    }
}

static void
test_constant (void)
{
  /* f0 varies, f1 constant, f2 all missing, f3 constant where observed */
  const float x[] = {
    1, 5, NAN, 2,
    2, 5, NAN, NAN,
    3, 5, NAN, 2,
    4, 5, NAN, 2,
  };
  g_autoptr(HealerDataset) ds = make_dataset (4, 4, x, NULL);
  g_autoptr(HealerPreprocessor) p = NULL;
  g_autoptr(HealerPreprocessor) keep = NULL;
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;
  float out[4 * 6];

  init_test_config (&c);
  p = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->n_selected, ==, 1);
  g_assert_cmpuint (p->selected[0], ==, 0);
  /* the all-missing column's indicator would be constant 1: dropped too */
  g_assert_cmpuint (p->n_indicators, ==, 1);
  g_assert_cmpuint (p->indicators[0], ==, 3);
  g_assert_cmpuint (p->n_output, ==, 2);
  g_assert_cmpfloat (p->missing_rate[2], ==, 1.0);
  g_assert_cmpfloat (p->fill[2], ==, 0.0);

  c.drop_constant = FALSE;
  keep = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (keep->n_selected, ==, 4);
  g_assert_cmpuint (keep->n_indicators, ==, 2);
  g_assert_cmpfloat (keep->scale[1], ==, 1.0);
  healer_preprocessor_transform (keep, x, 4, out);
  for (guint i = 0; i < 4 * keep->n_output; i++)
    g_assert_true (isfinite (out[i]));
  /* a constant column becomes 0 */
  for (guint i = 0; i < 4; i++)
    g_assert_cmpfloat (fabs (out[i * keep->n_output + 1]), <, 1e-6);
}

static void
test_all_constant_fails (void)
{
  const float x[] = { 1, 1, 1, 1, 1, 1 };
  g_autoptr(HealerDataset) ds = make_dataset (3, 2, x, NULL);
  g_autoptr(HealerPreprocessor) p = NULL;
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;

  init_test_config (&c);
  p = healer_preprocessor_fit (ds, &c, &error);
  g_assert_error (error, HEALER_PREPROCESS_ERROR, HEALER_PREPROCESS_ERROR_INVALID);
  g_assert_null (p);
  g_assert_nonnull (strstr (error->message, "constant"));
}

static void
test_indicators (void)
{
  const float x[] = {
    1, NAN, 3,
    2, 7, 1,
    3, 8, NAN,
    4, NAN, 9,
  };
  g_autoptr(HealerDataset) ds = make_dataset (4, 3, x, NULL);
  g_autoptr(HealerPreprocessor) p = NULL;
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;
  float out[4 * 5];
  const float expected_ind[4][2] = { { 1, 0 }, { 0, 0 }, { 0, 1 }, { 1, 0 } };

  init_test_config (&c);
  p = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->n_selected, ==, 3);
  g_assert_cmpuint (p->n_indicators, ==, 2);
  g_assert_cmpuint (p->indicators[0], ==, 1);
  g_assert_cmpuint (p->indicators[1], ==, 2);
  g_assert_cmpuint (p->n_output, ==, 5);
  healer_preprocessor_transform (p, x, 4, out);
  for (guint i = 0; i < 4; i++)
    for (guint k = 0; k < 2; k++)
      g_assert_cmpfloat (out[i * 5 + 3 + k], ==, expected_ind[i][k]);

  for (guint i = 0; i < p->n_output; i++)
    {
      g_autofree char *name = healer_preprocessor_output_name (p, i);
      const char *expected[] = { "f0", "f1", "f2", "f1 missing", "f2 missing" };

      g_assert_cmpstr (name, ==, expected[i]);
    }

  c.missing_indicators = FALSE;
  g_clear_pointer (&p, healer_preprocessor_free);
  p = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->n_indicators, ==, 0);
  g_assert_cmpuint (p->n_output, ==, 3);
}

static HealerDataset *
make_mi_dataset (gsize n, guint64 seed)
{
  const guint nf = 6;
  g_autofree float *x = g_new (float, n * nf);
  g_autofree gint32 *y = g_new (gint32, n);
  HealerRng rng;

  healer_rng_init (&rng, seed);
  for (gsize i = 0; i < n; i++)
    {
      y[i] = 10 * (gint32) healer_rng_below (&rng, 3);   /* labels 0, 10, 20 */
      for (guint j = 0; j < nf; j++)
        x[i * nf + j] = (float) healer_rng_normal (&rng);
      x[i * nf + 1] = y[i] / 10 + 0.3f * (float) healer_rng_normal (&rng);
      x[i * nf + 4] = -2.0f * y[i] / 10 + 0.5f * (float) healer_rng_normal (&rng);
    }
  return make_dataset (n, nf, x, y);
}

static void
test_mutual_info (void)
{
  g_autoptr(HealerDataset) ds = make_mi_dataset (300, 5);
  g_autoptr(HealerPreprocessor) p = NULL;
  g_autoptr(HealerPreprocessor) again = NULL;
  g_autoptr(HealerPreprocessor) all = NULL;
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;

  init_test_config (&c);
  c.select = HEALER_SELECT_MUTUAL_INFO;
  c.select_k = 2;
  p = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->n_selected, ==, 2);
  g_assert_cmpuint (p->selected[0], ==, 1);
  g_assert_cmpuint (p->selected[1], ==, 4);
  g_assert_cmpuint (p->n_output, ==, 2);

  again = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (again->selected, 2 * sizeof (guint), p->selected, 2 * sizeof (guint));

  c.select_k = 100;   /* more than there are: keep all */
  all = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->n_selected, ==, 6);
  for (guint s = 0; s < 6; s++)
    g_assert_cmpuint (all->selected[s], ==, s);
}

/* With the small-sample bias taken out, pure noise scores about 0, so a cut
 * relative to the best column keeps exactly the informative ones, with no
 * count given, and a cap still applies on top. */
static void
test_mutual_info_ratio (void)
{
  g_autoptr(HealerDataset) ds = make_mi_dataset (300, 5);
  g_autoptr(HealerPreprocessor) p = NULL;
  g_autoptr(HealerPreprocessor) capped = NULL;
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;

  init_test_config (&c);
  c.select = HEALER_SELECT_MUTUAL_INFO;
  c.select_k = 0;
  c.select_min_ratio = 0.15;
  p = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (p->n_selected, ==, 2);
  g_assert_cmpuint (p->selected[0], ==, 1);
  g_assert_cmpuint (p->selected[1], ==, 4);

  c.select_k = 1;
  capped = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (capped->n_selected, ==, 1);
  g_assert_cmpuint (capped->selected[0], ==, 4);
}

static void
test_mutual_info_needs_labels (void)
{
  const float x[] = { 1, 2, 3, 4 };
  g_autoptr(HealerDataset) ds = make_dataset (4, 1, x, NULL);
  g_autoptr(HealerPreprocessor) p = NULL;
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;

  init_test_config (&c);
  c.select = HEALER_SELECT_MUTUAL_INFO;
  c.select_k = 1;
  p = healer_preprocessor_fit (ds, &c, &error);
  g_assert_null (p);
  g_assert_error (error, HEALER_PREPROCESS_ERROR, HEALER_PREPROCESS_ERROR_INVALID);
}

/* Parameters come from the rows given, and from nothing else. */
static void
test_fit_subset (void)
{
  g_autoptr(HealerDataset) ds = make_mi_dataset (200, 9);
  g_autofree gsize *rows = g_new (gsize, 50);
  g_autoptr(HealerDataset) sub = NULL;
  g_autoptr(HealerDataset) manual = NULL;
  g_autoptr(HealerPreprocessor) full = NULL;
  g_autoptr(HealerPreprocessor) part = NULL;
  g_autoptr(HealerPreprocessor) part2 = NULL;
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;
  gboolean differ = FALSE;

  for (gsize i = 0; i < 50; i++)
    rows[i] = 3 * i + 1;
  sub = healer_dataset_subset (ds, rows, 50);
  manual = make_dataset (50, ds->n_features, NULL, sub->labels);
  for (gsize i = 0; i < 50; i++)
    memcpy (manual->x + i * ds->n_features, healer_dataset_row (ds, rows[i]),
            ds->n_features * sizeof (float));

  init_test_config (&c);
  full = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  part = healer_preprocessor_fit (sub, &c, &error);
  g_assert_no_error (error);
  part2 = healer_preprocessor_fit (manual, &c, &error);
  g_assert_no_error (error);

  for (guint j = 0; j < ds->n_features; j++)
    differ |= full->fill[j] != part->fill[j] || full->train_max[j] != part->train_max[j];
  g_assert_true (differ);
  g_assert_cmpmem (part->fill, 6 * sizeof (float), part2->fill, 6 * sizeof (float));
  g_assert_cmpmem (part->quantiles, 6 * HEALER_QUANTILE_KNOTS * sizeof (float),
                   part2->quantiles, 6 * HEALER_QUANTILE_KNOTS * sizeof (float));
  g_assert_cmpmem (part->mean, 6 * sizeof (float), part2->mean, 6 * sizeof (float));
  g_assert_cmpmem (part->scale, 6 * sizeof (float), part2->scale, 6 * sizeof (float));
}

/* Every fitted parameter of @a and @b, bit for bit. */
static void
assert_same_preprocessor (const HealerPreprocessor *a,
                          const HealerPreprocessor *b)
{
  gsize ni = a->n_input;

  g_assert_cmpuint (a->n_input, ==, b->n_input);
  g_assert_true (g_strv_equal ((const char * const *) a->input_names,
                               (const char * const *) b->input_names));
  g_assert_cmpmem (a->fill, ni * sizeof (float), b->fill, ni * sizeof (float));
  g_assert_cmpmem (a->train_min, ni * sizeof (float), b->train_min, ni * sizeof (float));
  g_assert_cmpmem (a->train_max, ni * sizeof (float), b->train_max, ni * sizeof (float));
  g_assert_cmpmem (a->train_median, ni * sizeof (float), b->train_median, ni * sizeof (float));
  g_assert_cmpmem (a->train_iqr, ni * sizeof (float), b->train_iqr, ni * sizeof (float));
  g_assert_cmpmem (a->missing_rate, ni * sizeof (float), b->missing_rate, ni * sizeof (float));
  g_assert_cmpmem (a->mean, ni * sizeof (float), b->mean, ni * sizeof (float));
  g_assert_cmpmem (a->scale, ni * sizeof (float), b->scale, ni * sizeof (float));
  g_assert_true ((a->quantiles == NULL) == (b->quantiles == NULL));
  if (a->quantiles != NULL)
    g_assert_cmpmem (a->quantiles, ni * HEALER_QUANTILE_KNOTS * sizeof (float),
                     b->quantiles, ni * HEALER_QUANTILE_KNOTS * sizeof (float));
  g_assert_cmpmem (a->selected, a->n_selected * sizeof (guint),
                   b->selected, b->n_selected * sizeof (guint));
  g_assert_cmpmem (a->indicators, a->n_indicators * sizeof (guint),
                   b->indicators, b->n_indicators * sizeof (guint));
  g_assert_cmpuint (a->n_ple, ==, b->n_ple);
  g_assert_true ((a->ple_edges == NULL) == (b->ple_edges == NULL));
  if (a->ple_edges != NULL)
    {
      g_assert_cmpmem (a->ple_edges, a->n_selected * HEALER_PLE_EDGES * sizeof (float),
                       b->ple_edges, b->n_selected * HEALER_PLE_EDGES * sizeof (float));
      g_assert_cmpmem (a->ple_counts, a->n_selected * sizeof (guint),
                       b->ple_counts, b->n_selected * sizeof (guint));
    }
  g_assert_cmpuint (a->n_output, ==, b->n_output);
}

/* Fitting on row indices gives what fitting on a copy of those rows gives,
 * to the bit, for every step of the pipeline: cross-validation folds and
 * validation splits are fitted so, without a copy. The rows are out of
 * order and repeat, with missing cells, a constant and an empty column. */
static void
test_fit_rows (void)
{
  const gsize n = 300, n_rows = 170;
  g_autoptr(HealerDataset) ds = make_mi_dataset (n, 11);
  g_autofree gsize *rows = g_new (gsize, n_rows);
  g_autoptr(HealerDataset) sub = NULL;
  HealerRng rng;

  healer_rng_init (&rng, 5);
  for (gsize i = 0; i < n; i++)
    {
      if (healer_rng_below (&rng, 10) == 0)
        ds->x[i * ds->n_features + 2] = NAN;
      ds->x[i * ds->n_features + 3] = 7.0f;
      ds->x[i * ds->n_features + 5] = NAN;
    }
  /* Decreasing, then drawn at random, so some repeat. */
  for (gsize i = 0; i < n_rows; i++)
    rows[i] = i < 20 ? n - 1 - 3 * i : (gsize) healer_rng_below (&rng, n);
  sub = healer_dataset_subset (ds, rows, n_rows);

  for (int t = HEALER_TRANSFORM_NONE; t <= HEALER_TRANSFORM_PLE; t++)
    for (int variant = 0; variant < 4; variant++)
      {
        g_autoptr(HealerPreprocessor) copy = NULL;
        g_autoptr(HealerPreprocessor) by_index = NULL;
        g_autoptr(HealerPreprocessor) whole = NULL;
        g_autoptr(HealerPreprocessor) whole_copy = NULL;
        g_autoptr(GError) error = NULL;
        HealerPreprocessConfig c;

        init_test_config (&c);
        c.transform = t;
        c.impute = variant % 2 == 0 ? HEALER_IMPUTE_MEDIAN : HEALER_IMPUTE_MEAN;
        c.missing_indicators = variant < 2;
        c.drop_constant = variant != 1;
        if (variant >= 2)
          {
            c.select = HEALER_SELECT_MUTUAL_INFO;
            c.select_k = variant == 2 ? 3 : 0;
            c.select_min_ratio = variant == 3 ? 0.15 : 0.0;
          }

        copy = healer_preprocessor_fit (sub, &c, &error);
        g_assert_no_error (error);
        by_index = healer_preprocessor_fit_rows (ds, rows, n_rows, &c, &error);
        g_assert_no_error (error);
        assert_same_preprocessor (copy, by_index);

        /* NULL rows: the whole table, as healer_preprocessor_fit. */
        whole = healer_preprocessor_fit_rows (ds, NULL, n, &c, &error);
        g_assert_no_error (error);
        whole_copy = healer_preprocessor_fit (ds, &c, &error);
        g_assert_no_error (error);
        assert_same_preprocessor (whole, whole_copy);
        /* and the rows matter: the part is not the whole */
        g_assert_true (memcmp (whole->mean, by_index->mean,
                               ds->n_features * sizeof (float)) != 0);
      }

  /* No rows: the same message as for an empty table. */
  {
    g_autoptr(GError) error = NULL;
    HealerPreprocessConfig c;

    init_test_config (&c);
    g_assert_null (healer_preprocessor_fit_rows (ds, rows, 0, &c, &error));
    g_assert_error (error, HEALER_PREPROCESS_ERROR, HEALER_PREPROCESS_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "0 rows"));
  }
}

static void
test_all_nan_row (void)
{
  g_autoptr(HealerDataset) ds = make_mi_dataset (100, 3);
  float row[6] = { NAN, NAN, NAN, NAN, NAN, NAN };
  float wild[6] = { 1e30f, -1e30f, 3e38f, -3e38f, 0, 1e-30f };

  /* a few missing cells so indicators exist */
  ds->x[0] = NAN;
  ds->x[7] = NAN;
  for (int t = HEALER_TRANSFORM_NONE; t <= HEALER_TRANSFORM_QUANTILE; t++)
    {
      g_autoptr(HealerPreprocessor) p = NULL;
      g_autoptr(GError) error = NULL;
      HealerPreprocessConfig c;
      float out[8];

      init_test_config (&c);
      c.transform = t;
      p = healer_preprocessor_fit (ds, &c, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (p->n_output, ==, 8);
      healer_preprocessor_transform (p, row, 1, out);
      for (guint i = 0; i < p->n_output; i++)
        g_assert_true (isfinite (out[i]));
      g_assert_cmpfloat (out[6], ==, 1.0);
      g_assert_cmpfloat (out[7], ==, 1.0);
      healer_preprocessor_transform (p, wild, 1, out);
      for (guint i = 0; i < p->n_output; i++)
        g_assert_true (isfinite (out[i]));
    }
}

static void
test_copy (void)
{
  g_autoptr(HealerDataset) ds = make_mi_dataset (120, 4);
  g_autoptr(HealerPreprocessor) p = NULL;
  g_autoptr(HealerPreprocessor) q = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *a = NULL;
  g_autofree float *b = NULL;
  HealerPreprocessConfig c;

  ds->x[3] = NAN;
  init_test_config (&c);
  p = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  q = healer_preprocessor_copy (p);
  g_assert_true (q->fill != p->fill && q->selected != p->selected);
  g_assert_cmpuint (q->n_output, ==, p->n_output);
  a = g_new (float, 120 * p->n_output);
  b = g_new (float, 120 * p->n_output);
  healer_preprocessor_transform (p, ds->x, 120, a);
  g_clear_pointer (&p, healer_preprocessor_free);   /* the copy must not share */
  healer_preprocessor_transform (q, ds->x, 120, b);
  g_assert_cmpmem (a, 120 * q->n_output * sizeof (float), b, 120 * q->n_output * sizeof (float));
}

/* f0: nine distinct values and a missing cell; f1: constant; f2: binary with
 * ties, so its edges collapse. */
static HealerDataset *
make_ple_dataset (void)
{
  const float f0[10] = { 8, NAN, 0, 128, 2, 32, 1, 64, 4, 16 };
  const float f2[10] = { 0, 1, 0, 0, 1, 0, 1, 0, 0, 1 };
  float x[30];

  for (guint i = 0; i < 10; i++)
    {
      x[i * 3 + 0] = f0[i];
      x[i * 3 + 1] = 5.0f;
      x[i * 3 + 2] = f2[i];
    }
  return make_dataset (10, 3, x, NULL);
}

static HealerPreprocessor *
fit_ple (const HealerDataset *ds,
         gboolean             drop_constant)
{
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;
  HealerPreprocessor *p;

  init_test_config (&c);
  c.impute = HEALER_IMPUTE_MEAN;
  c.transform = HEALER_TRANSFORM_PLE;
  c.drop_constant = drop_constant;
  p = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_nonnull (p);
  return p;
}

/* Type-7 quantile of sorted @v, written independently of the engine. */
static double
reference_quantile (const double *v,
                    gsize         n,
                    double        q)
{
  double h = (double) (n - 1) * q;
  gsize lo = (gsize) h;

  return lo + 1 < n ? v[lo] + (h - (double) lo) * (v[lo + 1] - v[lo]) : v[n - 1];
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static void
test_ple_edges (void)
{
  /* np.unique (np.quantile (v, np.linspace (0, 1, 17))) for the two columns */
  const float e0[17] = { 0, 0.5, 1, 1.5, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96, 128 };
  const float e2[4] = { 0, 0.0625, 0.625, 1 };
  g_autoptr(HealerDataset) ds = make_ple_dataset ();
  g_autoptr(HealerPreprocessor) p = fit_ple (ds, TRUE);
  g_autoptr(HealerPreprocessor) keep = NULL;
  g_autofree float *x = g_new (float, 37);
  g_autofree double *sorted = g_new (double, 37);
  g_autoptr(HealerDataset) rnd = NULL;
  g_autoptr(HealerPreprocessor) q = NULL;
  HealerRng rng;
  guint count = 0;

  g_assert_cmpuint (p->n_selected, ==, 2);
  g_assert_cmpuint (p->selected[0], ==, 0);
  g_assert_cmpuint (p->selected[1], ==, 2);
  g_assert_cmpuint (p->ple_counts[0], ==, 17);
  g_assert_cmpuint (p->ple_counts[1], ==, 4);
  g_assert_cmpmem (p->ple_edges, sizeof e0, e0, sizeof e0);
  g_assert_cmpmem (p->ple_edges + HEALER_PLE_EDGES, sizeof e2, e2, sizeof e2);
  for (guint t = 4; t < HEALER_PLE_EDGES; t++)
    g_assert_cmpfloat (p->ple_edges[HEALER_PLE_EDGES + t], ==, 1.0f);   /* padding */
  g_assert_null (p->quantiles);

  /* a kept constant feature has one edge and no column */
  keep = fit_ple (ds, FALSE);
  g_assert_cmpuint (keep->n_selected, ==, 3);
  g_assert_cmpuint (keep->ple_counts[1], ==, 1);
  g_assert_cmpfloat (keep->ple_edges[HEALER_PLE_EDGES], ==, 5.0f);
  g_assert_cmpuint (keep->n_ple, ==, 16 + 3);
  g_assert_cmpuint (keep->n_output, ==, 3 + 19 + 1);

  /* a random column against the reference, uneven interpolation positions */
  healer_rng_init (&rng, 5);
  for (guint i = 0; i < 37; i++)
    {
      x[i] = (float) healer_rng_normal (&rng) * 3.0f;
      sorted[i] = x[i];
    }
  qsort (sorted, 37, sizeof (double), compare_doubles);
  rnd = make_dataset (37, 1, x, NULL);
  q = fit_ple (rnd, TRUE);
  for (guint t = 0; t <= HEALER_PLE_BINS; t++)
    {
      float b = (float) reference_quantile (sorted, 37, t / 16.0);

      if (count == 0 || b > q->ple_edges[count - 1])
        g_assert_cmpfloat (q->ple_edges[count++], ==, b);
    }
  g_assert_cmpuint (q->ple_counts[0], ==, count);
  g_assert_cmpuint (count, ==, 17);
}

/* The PLE block of f0 (16 columns from output 2) for a row with f0 = @v. */
static void
encode_f0 (const HealerPreprocessor *p,
           float                     v,
           float                    *out)
{
  const float row[3] = { v, 5.0f, 0.0f };

  g_assert_cmpuint (p->n_output, ==, 22);
  healer_preprocessor_transform (p, row, 1, out);
}

static void
assert_block (const float *out,
              const float *expected)
{
  for (guint t = 0; t < 16; t++)
    g_assert_cmpfloat_with_epsilon (out[2 + t], expected[t], 1e-6);
}

static void
test_ple_encode (void)
{
  g_autoptr(HealerDataset) ds = make_ple_dataset ();
  g_autoptr(HealerPreprocessor) p = fit_ple (ds, TRUE);
  const float at_b5[16] = { 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  const float mid_b6_b7[16] = { 1, 1, 1, 1, 1, 1, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  const float zeros[16] = { 0 };
  const float ones[16] = { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
  float out[22], miss[22], fill[22];
  const float f2_half[3] = { 0.5f, 5.0f, 0.5f };

  encode_f0 (p, 3.0f, out);           /* exactly on edge 5 */
  assert_block (out, at_b5);
  encode_f0 (p, 5.0f, out);           /* half-way from edge 6 (4) to edge 7 (6) */
  assert_block (out, mid_b6_b7);
  encode_f0 (p, 0.0f, out);           /* first edge */
  assert_block (out, zeros);
  encode_f0 (p, -1e30f, out);         /* below the first edge */
  assert_block (out, zeros);
  encode_f0 (p, 128.0f, out);         /* last edge */
  assert_block (out, ones);
  encode_f0 (p, 3e38f, out);          /* far above the last edge */
  assert_block (out, ones);
  for (guint i = 0; i < 22; i++)
    g_assert_true (isfinite (out[i]));

  /* the binary feature: f2 = 0, 1 and 0.5, block at outputs 18..20 */
  g_assert_cmpfloat (out[18], ==, 0.0f);
  g_assert_cmpfloat (out[20], ==, 0.0f);
  healer_preprocessor_transform (p, f2_half, 1, out);
  g_assert_cmpfloat_with_epsilon (out[18], 1.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (out[19], (0.5 - 0.0625) / (0.625 - 0.0625), 1e-6);
  g_assert_cmpfloat_with_epsilon (out[20], 0.0, 1e-6);
  /* raw part: population std of six 0s and four 1s is √0.24 */
  g_assert_cmpfloat_with_epsilon (out[1], (0.5 - 0.4) / sqrt (0.24), 1e-6);

  /* missing encodes like the fill (the mean, 255/9), only the indicator differs */
  g_assert_cmpfloat_with_epsilon (p->fill[0], 255.0 / 9.0, 1e-5);
  encode_f0 (p, NAN, miss);
  encode_f0 (p, p->fill[0], fill);
  g_assert_cmpmem (miss, 21 * sizeof (float), fill, 21 * sizeof (float));
  g_assert_cmpfloat (miss[21], ==, 1.0f);
  g_assert_cmpfloat (fill[21], ==, 0.0f);
  g_assert_cmpfloat_with_epsilon (miss[0], 0.0, 1e-6);
  /* 255/9 lies between edge 11 (24) and edge 12 (32) */
  g_assert_cmpfloat (miss[2 + 10], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (miss[2 + 11], (255.0 / 9.0 - 24.0) / 8.0, 1e-6);
  g_assert_cmpfloat (miss[2 + 12], ==, 0.0f);
}

static void
test_ple_layout (void)
{
  g_autoptr(HealerDataset) ds = make_ple_dataset ();
  g_autoptr(HealerPreprocessor) p = fit_ple (ds, TRUE);
  g_autoptr(HealerPreprocessor) q = NULL;
  const char *names[22] = { "f0", "f2" };
  const float row[3] = { 5.0f, 5.0f, 1.0f };
  float out[22], copy_out[22];

  g_assert_cmpuint (p->n_ple, ==, 16 + 3);
  g_assert_cmpuint (p->n_indicators, ==, 1);
  g_assert_cmpuint (p->n_output, ==, 2 + 19 + 1);
  for (guint i = 0; i < 22; i++)
    {
      g_autofree char *name = healer_preprocessor_output_name (p, i);
      g_autofree char *expected = NULL;

      if (i < 2)
        expected = g_strdup (names[i]);
      else if (i < 18)
        expected = g_strdup_printf ("f0 bin %u", i - 1);
      else if (i < 21)
        expected = g_strdup_printf ("f2 bin %u", i - 17);
      else
        expected = g_strdup ("f0 missing");
      g_assert_cmpstr (name, ==, expected);
    }

  /* standardised values first, then the blocks in order, then the indicator */
  healer_preprocessor_transform (p, row, 1, out);
  g_assert_cmpfloat_with_epsilon (out[0] * p->scale[0] + p->mean[0], 5.0, 1e-4);
  g_assert_cmpfloat_with_epsilon (out[1], 0.6 / sqrt (0.24), 1e-6);
  g_assert_cmpfloat (out[2 + 5], ==, 1.0f);
  g_assert_cmpfloat_with_epsilon (out[2 + 6], 0.5, 1e-6);
  g_assert_cmpfloat (out[2 + 7], ==, 0.0f);
  g_assert_cmpfloat (out[18], ==, 1.0f);
  g_assert_cmpfloat (out[19], ==, 1.0f);
  g_assert_cmpfloat (out[20], ==, 1.0f);
  g_assert_cmpfloat (out[21], ==, 0.0f);

  q = healer_preprocessor_copy (p);
  g_clear_pointer (&p, healer_preprocessor_free);   /* the copy must not share */
  healer_preprocessor_transform (q, row, 1, copy_out);
  g_assert_cmpmem (out, sizeof out, copy_out, sizeof copy_out);
}

/* Selection keeps the edges of the selected features, in selection order. */
static void
test_ple_selection (void)
{
  g_autoptr(HealerDataset) ds = make_mi_dataset (150, 9);
  g_autoptr(HealerPreprocessor) all = NULL;
  g_autoptr(HealerPreprocessor) top = NULL;
  g_autoptr(GError) error = NULL;
  HealerPreprocessConfig c;

  init_test_config (&c);
  c.transform = HEALER_TRANSFORM_PLE;
  all = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->n_selected, ==, 6);
  c.select = HEALER_SELECT_MUTUAL_INFO;
  c.select_k = 2;
  top = healer_preprocessor_fit (ds, &c, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (top->n_selected, ==, 2);
  g_assert_cmpuint (top->selected[0], ==, 1);
  g_assert_cmpuint (top->selected[1], ==, 4);
  for (guint s = 0; s < 2; s++)
    {
      guint j = top->selected[s];

      g_assert_cmpuint (top->ple_counts[s], ==, all->ple_counts[j]);
      g_assert_cmpmem (top->ple_edges + s * HEALER_PLE_EDGES, HEALER_PLE_EDGES * sizeof (float),
                       all->ple_edges + j * HEALER_PLE_EDGES, HEALER_PLE_EDGES * sizeof (float));
    }
  g_assert_cmpuint (top->n_output, ==, 2 + top->ple_counts[0] - 1 + top->ple_counts[1] - 1);
}

static void
test_drop_duplicates (void)
{
  const float x[] = {
    1, NAN,     /* 0 */
    1, NAN,     /* 1 dup of 0 (NAN equals NAN) */
    1, NAN,     /* 2 same features, other label: kept */
    2, 3,       /* 3 */
    1, 2,       /* 4 */
    2, 3,       /* 5 dup of 3 */
    1, NAN,     /* 6 dup of 0 */
  };
  const gint32 y[] = { 0, 0, 1, 1, 0, 1, 0 };
  g_autoptr(HealerDataset) ds = make_dataset (7, 2, x, y);
  g_autoptr(HealerDataset) out = NULL;
  g_autoptr(HealerDataset) nolab = NULL;
  g_autoptr(HealerDataset) out2 = NULL;
  const gint32 expected_y[] = { 0, 1, 1, 0 };
  const float expected_f0[] = { 1, 1, 2, 1 };
  gsize removed = 0;

  out = healer_dataset_drop_duplicates (ds, &removed);
  g_assert_cmpuint (removed, ==, 3);
  g_assert_cmpuint (out->n_rows, ==, 4);
  for (gsize i = 0; i < 4; i++)
    {
      g_assert_cmpint (out->labels[i], ==, expected_y[i]);
      g_assert_cmpfloat (healer_dataset_row (out, i)[0], ==, expected_f0[i]);
    }
  g_assert_true (isnan (healer_dataset_row (out, 0)[1]));
  g_assert_cmpfloat (healer_dataset_row (out, 3)[1], ==, 2);

  /* without labels rows 0, 1, 2, 6 are all the same */
  nolab = make_dataset (7, 2, x, NULL);
  out2 = healer_dataset_drop_duplicates (nolab, &removed);
  g_assert_cmpuint (removed, ==, 4);
  g_assert_cmpuint (out2->n_rows, ==, 3);

  /* The trainer keeps indices instead of a copy: the first of each. */
  {
    g_autofree gsize *kept = NULL;
    gsize n_kept = 0;
    const gsize expected_rows[] = { 0, 2, 3, 4 };

    kept = healer_dataset_unique_rows (ds, &n_kept);
    g_assert_cmpuint (n_kept, ==, G_N_ELEMENTS (expected_rows));
    for (gsize i = 0; i < n_kept; i++)
      g_assert_cmpuint (kept[i], ==, expected_rows[i]);
  }
}

/* Duplicates among some rows of a table, by index: the first of each,
 * as table rows in the order given, like the rows kept of a copy. */
static void
test_unique_rows_of (void)
{
  const float x[] = {
    1, NAN,     /* 0 */
    1, NAN,     /* 1 dup of 0 */
    1, NAN,     /* 2 same features, other label */
    2, 3,       /* 3 */
    1, 2,       /* 4 */
    2, 3,       /* 5 dup of 3 */
    1, NAN,     /* 6 dup of 0 */
  };
  const gint32 y[] = { 0, 0, 1, 1, 0, 1, 0 };
  g_autoptr(HealerDataset) ds = make_dataset (7, 2, x, y);
  const gsize rows[] = { 6, 5, 4, 1, 3, 3, 2, 0 };
  const gsize expected[] = { 6, 5, 4, 2 };
  g_autoptr(HealerDataset) sub = healer_dataset_subset (ds, rows, G_N_ELEMENTS (rows));
  g_autofree gsize *kept = NULL;
  g_autofree gsize *kept_sub = NULL;
  g_autofree gsize *all = NULL;
  g_autofree gsize *all_of = NULL;
  gsize n_kept = 0, n_sub = 0, n_all = 0, n_all_of = 0;

  kept = healer_dataset_unique_rows_of (ds, rows, G_N_ELEMENTS (rows), &n_kept);
  g_assert_cmpmem (kept, n_kept * sizeof (gsize), expected, sizeof expected);
  kept_sub = healer_dataset_unique_rows (sub, &n_sub);
  g_assert_cmpuint (n_sub, ==, n_kept);
  for (gsize i = 0; i < n_sub; i++)
    g_assert_cmpuint (rows[kept_sub[i]], ==, kept[i]);

  all = healer_dataset_unique_rows (ds, &n_all);
  all_of = healer_dataset_unique_rows_of (ds, NULL, ds->n_rows, &n_all_of);
  g_assert_cmpmem (all, n_all * sizeof (gsize), all_of, n_all_of * sizeof (gsize));
}

static void
test_drop_duplicates_many (void)
{
  const gsize n = 5000;
  g_autoptr(HealerDataset) ds = make_dataset (n, 3, NULL, NULL);
  g_autoptr(HealerDataset) out = NULL;
  gsize removed = 0;

  /* 1000 distinct rows, each five times */
  for (gsize i = 0; i < n; i++)
    for (guint j = 0; j < 3; j++)
      ds->x[i * 3 + j] = (float) ((i % 1000) * 3 + j);
  out = healer_dataset_drop_duplicates (ds, &removed);
  g_assert_cmpuint (removed, ==, 4000);
  g_assert_cmpuint (out->n_rows, ==, 1000);
  for (gsize i = 0; i < 1000; i++)
    g_assert_cmpfloat (out->x[i * 3], ==, (float) (i * 3));

  /* Without a duplicate nothing is copied: the same table comes back
   * (cross-fitting held a second whole matrix for nothing). */
  {
    g_autoptr(HealerDataset) unique = NULL;

    unique = healer_dataset_drop_duplicates (out, &removed);
    g_assert_cmpuint (removed, ==, 0);
    g_assert_true (unique == out);
  }
}

static void
test_class_weights (void)
{
  const guint y[] = { 0, 0, 0, 1, 2, 2 };
  const guint y_absent[] = { 0, 0, 0, 2 };
  float w[6], sum = 0;

  healer_class_weights (y, 6, 3, w);
  /* 6 / (3 · count) */
  g_assert_cmpfloat_with_epsilon (w[0], 6.0 / 9.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (w[2], 6.0 / 9.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (w[3], 2.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (w[4], 1.0, 1e-6);
  for (guint i = 0; i < 6; i++)
    sum += w[i];
  g_assert_cmpfloat_with_epsilon (sum / 6, 1.0, 1e-6);

  /* class 1 absent: still mean 1 over the rows */
  healer_class_weights (y_absent, 4, 3, w);
  g_assert_cmpfloat_with_epsilon (w[0], 4.0 / 6.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (w[3], 2.0, 1e-6);
}

static void
test_labels_to_classes (void)
{
  const gint32 labels[] = { 7, 3, 7, 12, 3, 0 };
  guint idx[6], n_classes = 0;
  g_autofree gint32 *ids = healer_labels_to_classes (labels, 6, &n_classes, idx);
  const guint expected[] = { 2, 1, 2, 3, 1, 0 };

  g_assert_cmpuint (n_classes, ==, 4);
  g_assert_cmpint (ids[0], ==, 0);
  g_assert_cmpint (ids[1], ==, 3);
  g_assert_cmpint (ids[2], ==, 7);
  g_assert_cmpint (ids[3], ==, 12);
  g_assert_cmpmem (idx, sizeof idx, expected, sizeof expected);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/preprocess/defaults", test_defaults);
  g_test_add_func ("/preprocess/impute", test_impute);
  g_test_add_func ("/preprocess/signed-log", test_signed_log);
  g_test_add_func ("/preprocess/quantile", test_quantile);
  g_test_add_func ("/preprocess/standardised", test_standardised);
  g_test_add_func ("/preprocess/constant", test_constant);
  g_test_add_func ("/preprocess/all-constant-fails", test_all_constant_fails);
  g_test_add_func ("/preprocess/indicators", test_indicators);
  g_test_add_func ("/preprocess/mutual-info-ratio", test_mutual_info_ratio);
  g_test_add_func ("/preprocess/mutual-info", test_mutual_info);
  g_test_add_func ("/preprocess/mutual-info-needs-labels", test_mutual_info_needs_labels);
  g_test_add_func ("/preprocess/fit-subset", test_fit_subset);
  g_test_add_func ("/preprocess/fit-rows", test_fit_rows);
  g_test_add_func ("/preprocess/all-nan-row", test_all_nan_row);
  g_test_add_func ("/preprocess/copy", test_copy);
  g_test_add_func ("/preprocess/ple/edges", test_ple_edges);
  g_test_add_func ("/preprocess/ple/encode", test_ple_encode);
  g_test_add_func ("/preprocess/ple/layout", test_ple_layout);
  g_test_add_func ("/preprocess/ple/selection", test_ple_selection);
  g_test_add_func ("/preprocess/drop-duplicates", test_drop_duplicates);
  g_test_add_func ("/preprocess/unique-rows-of", test_unique_rows_of);
  g_test_add_func ("/preprocess/drop-duplicates-many", test_drop_duplicates_many);
  g_test_add_func ("/preprocess/class-weights", test_class_weights);
  g_test_add_func ("/preprocess/labels-to-classes", test_labels_to_classes);

  return g_test_run ();
}
