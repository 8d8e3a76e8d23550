/* test-simulate.c — tests of the built-in demo data generator
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include "healer-model.h"
#include "healer-simulate.h"
#include "healer-trainer.h"

static void
test_config_default (void)
{
  HealerSimulateConfig c;

  memset (&c, 0xAB, sizeof c);
  healer_simulate_config_init_default (&c);
  g_assert_cmpuint (c.n_samples, ==, 1200);
  g_assert_cmpuint (c.n_features, ==, 107);
  g_assert_cmpuint (c.n_classes, ==, 6);
  g_assert_cmpuint (c.n_nodes, ==, 8);
  g_assert_cmpfloat_with_epsilon (c.missing_rate, 0.046, 1e-12);
  g_assert_cmpfloat_with_epsilon (c.noise, 1.0, 1e-12);
  g_assert_cmpuint (c.seed, ==, 1);
  g_assert_cmpuint (c.cluster_seed, ==, 1);
}

static void
test_determinism (void)
{
  HealerSimulateConfig c;
  g_autoptr(HealerDataset) a = NULL;
  g_autoptr(HealerDataset) b = NULL;
  g_autoptr(HealerDataset) d = NULL;
  gsize n_cells, n_nan_diff = 0;

  healer_simulate_config_init_default (&c);
  c.n_samples = 300;
  a = healer_simulate (&c);
  b = healer_simulate (&c);
  c.seed = 2;
  d = healer_simulate (&c);

  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_nonnull (d);
  n_cells = a->n_rows * a->n_features;
  g_assert_cmpuint (b->n_rows * b->n_features, ==, n_cells);
  /* Bitwise, so NAN positions are compared too. */
  g_assert_cmpmem (a->x, n_cells * sizeof (float), b->x, n_cells * sizeof (float));
  g_assert_cmpmem (a->labels, a->n_rows * sizeof (gint32), b->labels, b->n_rows * sizeof (gint32));
  for (gsize i = 0; i < a->n_rows; i++)
    g_assert_cmpstr (a->sample_ids[i], ==, b->sample_ids[i]);

  g_assert_cmpuint (d->n_rows * d->n_features, ==, n_cells);
  g_assert_true (memcmp (a->x, d->x, n_cells * sizeof (float)) != 0);
  for (gsize k = 0; k < n_cells; k++)
    if (isnan (a->x[k]) != isnan (d->x[k]))
      n_nan_diff++;
  g_assert_cmpuint (n_nan_diff, >, 0);
}

static void
test_layout (void)
{
  HealerSimulateConfig c;
  gsize n_samples[] = { 1200, 1203, 7 };

  healer_simulate_config_init_default (&c);
  for (gsize t = 0; t < G_N_ELEMENTS (n_samples); t++)
    {
      g_autoptr(HealerDataset) data = NULL;
      g_autoptr(GHashTable) ids = g_hash_table_new (g_str_hash, g_str_equal);
      gsize counts[6] = { 0 };
      gsize lo = G_MAXSIZE, hi = 0;

      c.n_samples = n_samples[t];
      data = healer_simulate (&c);
      g_assert_nonnull (data);
      g_assert_cmpuint (data->n_rows, ==, n_samples[t]);
      g_assert_cmpuint (data->n_features, ==, 107);
      g_assert_nonnull (data->labels);
      g_assert_nonnull (data->sample_ids);
      g_assert_cmpuint (g_strv_length (data->feature_names), ==, 107);
      for (guint j = 0; j < data->n_features; j++)
        {
          g_autofree char *expected = g_strdup_printf ("feature%u", j);

          g_assert_cmpstr (data->feature_names[j], ==, expected);
        }
      g_assert_cmpstr (data->sample_ids[0], ==, "sim-000001");
      for (gsize i = 0; i < data->n_rows; i++)
        {
          g_assert_cmpint (data->labels[i], >=, 0);
          g_assert_cmpint (data->labels[i], <, 6);
          counts[data->labels[i]]++;
          g_assert_true (g_str_has_prefix (data->sample_ids[i], "sim-"));
          g_assert_true (g_hash_table_add (ids, (gpointer) data->sample_ids[i]));
        }
      for (guint k = 0; k < 6; k++)
        {
          lo = MIN (lo, counts[k]);
          hi = MAX (hi, counts[k]);
        }
      g_assert_cmpuint (hi - lo, <=, 1);
    }
}

static double
missing_fraction (const HealerDataset *data)
{
  gsize n = 0;

  for (gsize k = 0; k < data->n_rows * data->n_features; k++)
    n += isnan (data->x[k]);
  return (double) n / (double) (data->n_rows * data->n_features);
}

static void
test_missing_rate (void)
{
  HealerSimulateConfig c;
  double rates[] = { 0.046, 0.0, 0.2 };

  healer_simulate_config_init_default (&c);
  for (gsize t = 0; t < G_N_ELEMENTS (rates); t++)
    {
      g_autoptr(HealerDataset) data = NULL;
      double got;

      c.missing_rate = rates[t];
      data = healer_simulate (&c);
      got = missing_fraction (data);
      g_test_message ("configured %.3f, got %.4f", rates[t], got);
      g_assert_cmpfloat (fabs (got - rates[t]), <=, 0.01);
      if (rates[t] == 0.0)
        g_assert_cmpfloat (got, ==, 0.0);
    }
}

static void
test_magnitudes (void)
{
  HealerSimulateConfig c;
  g_autoptr(HealerDataset) data = NULL;
  double lo = INFINITY, hi = 0.0;
  gsize n_negative = 0;
  guint n_constant = 0;

  healer_simulate_config_init_default (&c);
  data = healer_simulate (&c);
  for (gsize k = 0; k < data->n_rows * data->n_features; k++)
    {
      double a = fabs (data->x[k]);

      if (isnan (a))
        continue;
      g_assert_true (isfinite (a));
      if (a > 0.0)
        {
          lo = MIN (lo, a);
          hi = MAX (hi, a);
        }
      n_negative += data->x[k] < 0.0f;
    }
  g_test_message ("|x| from %g to %g", lo, hi);
  g_assert_cmpfloat (hi / lo, >=, 1e10);
  g_assert_cmpuint (n_negative, >, 0);

  /* Like the real data, a few columns never change. */
  for (guint j = 0; j < data->n_features; j++)
    {
      float first = NAN;
      gboolean constant = TRUE;

      for (gsize i = 0; i < data->n_rows && constant; i++)
        {
          float v = healer_dataset_row (data, i)[j];

          if (isnan (v))
            continue;
          if (isnan (first))
            first = v;
          else if (v != first)
            constant = FALSE;
        }
      n_constant += constant;
    }
  g_assert_cmpuint (n_constant, >=, 1);
  g_assert_cmpuint (n_constant, <=, 5);
}

/* Mean of sign(x)·log1p(|x|) per class and feature, for a scale-free comparison. */
static void
class_log_means (const HealerDataset *data,
                 guint                n_classes,
                 double              *mean,   /* n_classes × n_features */
                 double              *sd)     /* n_features, pooled over all rows */
{
  guint nf = data->n_features;
  g_autofree double *count = g_new0 (double, (gsize) n_classes * nf);
  g_autofree double *all_sum = g_new0 (double, nf);
  g_autofree double *all_sq = g_new0 (double, nf);
  g_autofree double *all_n = g_new0 (double, nf);

  memset (mean, 0, sizeof (double) * n_classes * nf);
  for (gsize i = 0; i < data->n_rows; i++)
    for (guint j = 0; j < nf; j++)
      {
        double v = healer_dataset_row (data, i)[j];
        gsize k = (gsize) data->labels[i] * nf + j;

        if (isnan (v))
          continue;
        v = (v < 0 ? -1 : 1) * log1p (fabs (v));
        mean[k] += v;
        count[k] += 1;
        all_sum[j] += v;
        all_sq[j] += v * v;
        all_n[j] += 1;
      }
  for (gsize k = 0; k < (gsize) n_classes * nf; k++)
    mean[k] /= MAX (count[k], 1);
  for (guint j = 0; j < nf; j++)
    {
      double m = all_sum[j] / all_n[j];

      sd[j] = sqrt (MAX (all_sq[j] / all_n[j] - m * m, 0.0)) + 1e-12;
    }
}

static void
test_informative (void)
{
  HealerSimulateConfig c;
  g_autoptr(HealerDataset) data = NULL;
  g_autofree double *mean = NULL;
  g_autofree double *sd = NULL;
  g_autofree guint *none = NULL;
  guint n_none = 99;
  guint nf;

  healer_simulate_config_init_default (&c);
  data = healer_simulate (&c);
  nf = data->n_features;
  mean = g_new (double, (gsize) c.n_classes * nf);
  sd = g_new (double, nf);
  class_log_means (data, c.n_classes, mean, sd);

  none = healer_simulate_informative_features (&c, 0, &n_none);
  g_assert_nonnull (none);
  g_assert_cmpuint (n_none, ==, 0);

  for (guint k = 1; k < c.n_classes; k++)
    {
      guint n_inf = 0;
      g_autofree guint *inf = healer_simulate_informative_features (&c, k, &n_inf);
      g_autofree gboolean *is_inf = g_new0 (gboolean, nf);
      double diff_inf = 0, diff_other = 0;

      g_assert_nonnull (inf);
      g_assert_cmpuint (n_inf, >, 0);
      g_assert_cmpuint (n_inf, <, nf / 2);
      for (guint t = 0; t < n_inf; t++)
        {
          g_assert_cmpuint (inf[t], <, nf);
          if (t > 0)
            g_assert_cmpuint (inf[t], >, inf[t - 1]);
          is_inf[inf[t]] = TRUE;
        }
      for (guint j = 0; j < nf; j++)
        {
          double d = fabs (mean[k * nf + j] - mean[j]) / sd[j];

          if (is_inf[j])
            diff_inf += d;
          else
            diff_other += d;
        }
      diff_inf /= n_inf;
      diff_other /= nf - n_inf;
      g_test_message ("class %u: %u informative, mean |delta|/sd %.3f vs %.3f",
                      k, n_inf, diff_inf, diff_other);
      g_assert_cmpfloat (diff_inf, >, 3.0 * diff_other);
    }

  /* The classes are distinct signatures. */
  for (guint k = 1; k < c.n_classes; k++)
    for (guint l = k + 1; l < c.n_classes; l++)
      {
        guint na, nb;
        g_autofree guint *a = healer_simulate_informative_features (&c, k, &na);
        g_autofree guint *b = healer_simulate_informative_features (&c, l, &nb);

        g_assert_false (na == nb && memcmp (a, b, na * sizeof (guint)) == 0);
      }
}

/* Files drawn with other seeds from the same cluster are new samples of the
 * same system, which is what the demo relies on: a model trained on one
 * diagnoses the other. Another cluster is another system. */
static void
test_cluster (void)
{
  HealerSimulateConfig c;
  HealerTrainConfig tc;
  g_autoptr(HealerDataset) train = NULL;
  g_autoptr(HealerDataset) same = NULL;
  g_autoptr(HealerDataset) other = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerMetrics) m_same = NULL;
  g_autoptr(HealerMetrics) m_other = NULL;
  g_autoptr(GError) error = NULL;

  healer_simulate_config_init_default (&c);
  c.n_samples = 900;
  train = healer_simulate (&c);
  c.n_samples = 300;
  c.seed = 2;
  same = healer_simulate (&c);
  c.cluster_seed = 2;
  other = healer_simulate (&c);

  /* One network and no explanations: the data are under test, not the
   * default model (which under valgrind took over half an hour here). */
  healer_train_config_init_default (&tc);
  tc.epochs = 150;
  tc.ensemble = 1;
  tc.explain = FALSE;
  model = healer_train (train, &tc, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  m_same = healer_model_evaluate (model, same, &error);
  g_assert_no_error (error);
  m_other = healer_model_evaluate (model, other, &error);
  g_assert_no_error (error);

  g_test_message ("accuracy on the same cluster %.3f, on another %.3f",
                  m_same->accuracy, m_other->accuracy);
  g_assert_cmpfloat (m_same->accuracy, >, 0.8);
  g_assert_cmpfloat (m_other->accuracy, <, 0.6);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/simulate/config-default", test_config_default);
  g_test_add_func ("/simulate/determinism", test_determinism);
  g_test_add_func ("/simulate/layout", test_layout);
  g_test_add_func ("/simulate/missing-rate", test_missing_rate);
  g_test_add_func ("/simulate/magnitudes", test_magnitudes);
  g_test_add_func ("/simulate/informative", test_informative);
  g_test_add_func ("/simulate/cluster", test_cluster);

  return g_test_run ();
}
