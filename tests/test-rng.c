/* test-rng.c — tests of the seeded PRNG (reproducibility and distributions)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "healer-trainer.h"

#define N_DRAWS 100000

/* Chi-square 99.99 % quantiles: the seeds are fixed, so these only guard
 * against a grossly biased generator, never flake. */
#define CHI2_DF5_P9999 25.74
#define CHI2_DF9_P9999 33.72

static void
test_same_seed (void)
{
  HealerRng a, b;

  healer_rng_init (&a, 12345);
  healer_rng_init (&b, 12345);
  for (guint i = 0; i < 1000; i++)
    g_assert_cmphex (healer_rng_next (&a), ==, healer_rng_next (&b));

  /* Copying the state must fork two identical streams: the trainer relies on it. */
  b = a;
  for (guint i = 0; i < 100; i++)
    g_assert_cmpfloat (healer_rng_uniform (&a), ==, healer_rng_uniform (&b));
}

static void
test_different_seeds (void)
{
  const guint64 seeds[] = { 0, 1, 2, 42, 43, G_MAXUINT64 };
  guint64 first[G_N_ELEMENTS (seeds)][4];

  for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      HealerRng rng;

      healer_rng_init (&rng, seeds[i]);
      for (guint k = 0; k < 4; k++)
        first[i][k] = healer_rng_next (&rng);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
    for (gsize j = i + 1; j < G_N_ELEMENTS (seeds); j++)
      for (guint k = 0; k < 4; k++)
        g_assert_cmphex (first[i][k], !=, first[j][k]);
}

/* Pinned from an independent implementation of splitmix64-seeded
 * xoshiro256** (Python, arbitrary precision integers): a change of
 * algorithm would silently change every model a seed produces. */
static void
test_golden (void)
{
  const guint64 seed42[] = {
    G_GUINT64_CONSTANT (0x15780b2e0c2ec716),
    G_GUINT64_CONSTANT (0x6104d9866d113a7e),
    G_GUINT64_CONSTANT (0xae17533239e499a1),
    G_GUINT64_CONSTANT (0xecb8ad4703b360a1),
    G_GUINT64_CONSTANT (0xfde6dc7fe2ec5e64),
  };
  HealerRng rng;

  healer_rng_init (&rng, 42);
  for (gsize i = 0; i < G_N_ELEMENTS (seed42); i++)
    g_assert_cmphex (healer_rng_next (&rng), ==, seed42[i]);

  healer_rng_init (&rng, 0);
  g_assert_cmphex (healer_rng_next (&rng), ==, G_GUINT64_CONSTANT (0x99ec5f36cb75f2b4));
  g_assert_cmphex (healer_rng_next (&rng), ==, G_GUINT64_CONSTANT (0xbf6e1f784956452a));

  /* uniform() is the top 53 bits, exactly. */
  healer_rng_init (&rng, 42);
  g_assert_cmpfloat (healer_rng_uniform (&rng), ==, 0.08386297105988216);
  g_assert_cmpfloat (healer_rng_uniform (&rng), ==, 0.3789802506626686);
  g_assert_cmpfloat (healer_rng_uniform (&rng), ==, 0.6800434110281394);

  /* normal() goes through libm, which may differ by an ulp between systems. */
  healer_rng_init (&rng, 42);
  g_assert_cmpfloat_with_epsilon (healer_rng_normal (&rng), -1.6132237513849161, 1e-12);
}

static void
test_uniform (void)
{
  HealerRng rng;
  double sum = 0, sum2 = 0, lo = 1, hi = 0;

  healer_rng_init (&rng, 7);
  for (guint i = 0; i < N_DRAWS; i++)
    {
      double u = healer_rng_uniform (&rng);

      g_assert_cmpfloat (u, >=, 0.0);
      g_assert_cmpfloat (u, <, 1.0);
      sum += u;
      sum2 += u * u;
      lo = MIN (lo, u);
      hi = MAX (hi, u);
    }
  /* Standard error of the mean is sqrt(1/12/1e5) ≈ 0.0009. */
  g_assert_cmpfloat_with_epsilon (sum / N_DRAWS, 0.5, 0.005);
  g_assert_cmpfloat_with_epsilon (sum2 / N_DRAWS - (sum / N_DRAWS) * (sum / N_DRAWS),
                                  1.0 / 12, 0.003);
  g_assert_cmpfloat (lo, <, 1e-3);
  g_assert_cmpfloat (hi, >, 1 - 1e-3);
}

static void
test_normal (void)
{
  HealerRng rng;
  double sum = 0, sum2 = 0, sum4 = 0;
  guint beyond_2sd = 0;

  healer_rng_init (&rng, 11);
  for (guint i = 0; i < N_DRAWS; i++)
    {
      double z = healer_rng_normal (&rng);

      g_assert_true (isfinite (z));
      sum += z;
      sum2 += z * z;
      sum4 += z * z * z * z;
      if (fabs (z) > 2)
        beyond_2sd++;
    }
  /* Standard errors: mean 0.0032, variance 0.0045, kurtosis ≈ 0.025. */
  g_assert_cmpfloat_with_epsilon (sum / N_DRAWS, 0.0, 0.015);
  g_assert_cmpfloat_with_epsilon (sum2 / N_DRAWS, 1.0, 0.025);
  g_assert_cmpfloat_with_epsilon (sum4 / N_DRAWS, 3.0, 0.15);
  /* P(|z| > 2) = 4.55 %: catches a uniform or otherwise wrong shape. */
  g_assert_cmpfloat_with_epsilon ((double) beyond_2sd / N_DRAWS, 0.0455, 0.004);
}

static void
test_below (void)
{
  const guint64 big[] = {
    G_GUINT64_CONSTANT (3),
    (G_GUINT64_CONSTANT (1) << 63) + 1,   /* rejects almost half the draws */
    G_MAXUINT64,
  };
  guint counts[10] = { 0 };
  double chi2 = 0;
  HealerRng rng;

  healer_rng_init (&rng, 3);
  for (guint i = 0; i < N_DRAWS; i++)
    {
      guint64 r = healer_rng_below (&rng, 10);

      g_assert_cmpuint (r, <, 10);
      counts[r]++;
    }
  for (guint k = 0; k < 10; k++)
    {
      double expected = N_DRAWS / 10.0;

      chi2 += (counts[k] - expected) * (counts[k] - expected) / expected;
    }
  g_test_message ("chi-square over 10 bins: %g", chi2);
  g_assert_cmpfloat (chi2, <, CHI2_DF9_P9999);

  for (guint i = 0; i < 1000; i++)
    g_assert_cmpuint (healer_rng_below (&rng, 1), ==, 0);

  for (gsize b = 0; b < G_N_ELEMENTS (big); b++)
    {
      guint upper_half = 0;

      for (guint i = 0; i < 10000; i++)
        {
          guint64 r = healer_rng_below (&rng, big[b]);

          g_assert_cmpuint (r, <, big[b]);
          if (r >= big[b] / 2)
            upper_half++;
        }
      g_assert_cmpuint (upper_half, >, 4500);
      g_assert_cmpuint (upper_half, <, 7200);   /* bound 3: 2/3 of draws */
    }
}

static void
test_below_zero (void)
{
  HealerRng rng;

  healer_rng_init (&rng, 1);
  g_test_expect_message ("Healer", G_LOG_LEVEL_CRITICAL, "*bound > 0*");
  g_assert_cmpuint (healer_rng_below (&rng, 0), ==, 0);
  g_test_assert_expected_messages ();
}

static int
healer_cmp_size (const void *a,
                 const void *b)
{
  gsize x = *(const gsize *) a, y = *(const gsize *) b;

  return (x > y) - (x < y);
}

static void
test_shuffle_permutation (void)
{
  enum { N = 1000 };
  g_autofree gsize *v = g_new (gsize, N);
  g_autofree gsize *w = g_new (gsize, N);
  gsize fixed = 0;
  HealerRng a, b;

  for (gsize i = 0; i < N; i++)
    v[i] = w[i] = i;
  healer_rng_init (&a, 99);
  healer_rng_init (&b, 99);
  healer_rng_shuffle (&a, v, N);
  healer_rng_shuffle (&b, w, N);
  g_assert_cmpmem (v, N * sizeof *v, w, N * sizeof *w);

  /* A random permutation has about one fixed point on average. */
  for (gsize i = 0; i < N; i++)
    if (v[i] == i)
      fixed++;
  g_assert_cmpuint (fixed, <, 10);

  qsort (v, N, sizeof *v, healer_cmp_size);
  for (gsize i = 0; i < N; i++)
    g_assert_cmpuint (v[i], ==, i);

  /* Degenerate sizes must neither touch memory nor advance the stream. */
  b = a;
  healer_rng_shuffle (&a, NULL, 0);
  v[0] = 5;
  healer_rng_shuffle (&a, v, 1);
  g_assert_cmpuint (v[0], ==, 5);
  g_assert_cmphex (healer_rng_next (&a), ==, healer_rng_next (&b));
}

/* All 6 orders of 3 items equally likely: an off-by-one in Fisher–Yates
 * (j drawn below i - 1, or below n) shows up here at once. */
static void
test_shuffle_uniform (void)
{
  guint counts[6] = { 0 };
  double chi2 = 0;
  HealerRng rng;

  healer_rng_init (&rng, 5);
  for (guint t = 0; t < 60000; t++)
    {
      gsize v[3] = { 0, 1, 2 };
      guint code;

      healer_rng_shuffle (&rng, v, 3);
      /* Lehmer-style code of the permutation: 3 choices for v[0], 2 for v[1]. */
      code = (guint) v[0] * 2 + (v[1] > v[2] ? 1 : 0);
      g_assert_cmpuint (v[0] + v[1] + v[2], ==, 3);
      g_assert_cmpuint (v[0] * v[1] * v[2], ==, 0);
      counts[code]++;
    }
  for (guint k = 0; k < 6; k++)
    chi2 += (counts[k] - 10000.0) * (counts[k] - 10000.0) / 10000.0;
  g_test_message ("chi-square over 6 orders: %g", chi2);
  g_assert_cmpfloat (chi2, <, CHI2_DF5_P9999);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/rng/same-seed", test_same_seed);
  g_test_add_func ("/rng/different-seeds", test_different_seeds);
  g_test_add_func ("/rng/golden", test_golden);
  g_test_add_func ("/rng/uniform", test_uniform);
  g_test_add_func ("/rng/normal", test_normal);
  g_test_add_func ("/rng/below", test_below);
  g_test_add_func ("/rng/below-zero", test_below_zero);
  g_test_add_func ("/rng/shuffle-permutation", test_shuffle_permutation);
  g_test_add_func ("/rng/shuffle-uniform", test_shuffle_uniform);

  return g_test_run ();
}
