/* healer-bench-step.c — time of one training step (loss, gradients, Adam) on one and two threads,
 * and the sgemm peak of this machine on one and two OpenBLAS threads
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <glib.h>
#include <gsl/gsl_blas.h>

#include "healer-mlp-private.h"
#include "healer-trainer-private.h"

/* 40 blocks of 100 steps; per block the wall and the process CPU time. */
#define BLOCKS 40
#define STEPS  100

typedef struct
{
  HealerOptimizerStep  step;
  float               *params;
  float               *grad;
  float               *m1;
  float               *m2;
} Adam;

static void
adam_update (gpointer user_data,
             gsize    offset,
             gsize    count,
             gboolean is_weight)
{
  Adam *a = user_data;

  healer_optimizer_update (&a->step, a->params + offset, a->grad + offset, a->m1 + offset,
                           a->m2 + offset, count, is_weight);
}

/* Process CPU time (ISO C clock(), as in healer-chart-bench: portable). */
static double
cpu_seconds (void)
{
  return (double) clock () / CLOCKS_PER_SEC;
}

static int
compare_doubles (const void *a,
                 const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Prints the step time of @mlp at batch @n on @n_threads threads. */
static void
bench (HealerMlp *mlp,
       gsize      n,
       guint      n_threads)
{
  guint n_layers = healer_mlp_get_n_layers (mlp);
  guint n_in = healer_mlp_get_n_inputs (mlp);
  gsize np = healer_mlp_get_n_params (mlp);
  g_autoptr(HealerMlpWorkspace) ws = healer_mlp_workspace_new (mlp, n);
  g_autoptr(HealerMlp) copy = healer_mlp_copy (mlp);
  g_autofree float *x = g_new (float, n * n_in);
  g_autofree guint *y = g_new (guint, n);
  HealerTrainConfig config;
  Adam a = { 0 };
  HealerRng rng;
  double wall[BLOCKS], cpu[BLOCKS];
  gboolean two;

  healer_train_config_init_default (&config);
  config.learning_rate = 1e-4;
  a.params = healer_mlp_get_params (copy);
  a.grad = g_new (float, np);
  a.m1 = g_new0 (float, np);
  a.m2 = g_new0 (float, np);
  healer_rng_init (&rng, 3);
  for (gsize i = 0; i < n * n_in; i++)
    x[i] = (float) healer_rng_normal (&rng);
  for (gsize i = 0; i < n; i++)
    y[i] = (guint) (i % healer_mlp_get_n_outputs (mlp));
  two = healer_mlp_workspace_set_threads (ws, n_threads);

  for (guint b = 0; b < BLOCKS; b++)
    {
      gint64 w0 = g_get_monotonic_time ();
      double c0 = cpu_seconds ();

      for (guint k = 0; k < STEPS; k++)
        {
          healer_optimizer_step_init (&a.step, &config, config.learning_rate,
                                      (guint64) b * STEPS + k + 1);
          healer_mlp_train_step (copy, ws, x, y, NULL, n, 0.0f, NULL, a.grad, adam_update, &a);
        }
      wall[b] = (double) (g_get_monotonic_time () - w0) / STEPS;
      cpu[b] = (cpu_seconds () - c0) / STEPS * 1e6;
    }
  qsort (wall, BLOCKS, sizeof *wall, compare_doubles);
  qsort (cpu, BLOCKS, sizeof *cpu, compare_doubles);
  printf ("step layers=%u params=%zu batch=%zu threads=%u wall_us_min=%.1f wall_us_median=%.1f "
          "cpu_us_min=%.1f cpu_us_median=%.1f epoch_10k_rows_s=%.4f\n",
          n_layers, np, n, two ? 2u : 1u, wall[0], wall[BLOCKS / 2], cpu[0], cpu[BLOCKS / 2],
          wall[BLOCKS / 2] * (10000.0 / (double) n) * 1e-6);
  g_free (a.grad);
  g_free (a.m1);
  g_free (a.m2);
}

#if defined(HEALER_HAVE_OPENBLAS)
/* OpenBLAS's own controls (its cblas.h clashes with GSL's). */
int   openblas_get_num_threads (void);
void  openblas_set_num_threads (int n);
char *openblas_get_corename    (void);
#endif

/* The sgemm peak the training rates are measured against: the best of
 * PEAK_RUNS square products of PEAK_SIZE, large enough for OpenBLAS's packed
 * kernels to run at their best, on @n_threads of its threads. */
#define PEAK_SIZE  1536
#define PEAK_RUNS  7

static void
bench_peak (guint n_threads)
{
  gsl_matrix_float *a = gsl_matrix_float_alloc (PEAK_SIZE, PEAK_SIZE);
  gsl_matrix_float *b = gsl_matrix_float_alloc (PEAK_SIZE, PEAK_SIZE);
  gsl_matrix_float *c = gsl_matrix_float_alloc (PEAK_SIZE, PEAK_SIZE);
  double flop = 2.0 * PEAK_SIZE * (double) PEAK_SIZE * PEAK_SIZE;
  double best = G_MAXDOUBLE;
  guint threads = 1;
  const char *core = "unknown";
  HealerRng rng;

  healer_rng_init (&rng, 5);
  for (gsize i = 0; i < PEAK_SIZE * PEAK_SIZE; i++)
    {
      a->data[i] = (float) healer_rng_normal (&rng);
      b->data[i] = (float) healer_rng_normal (&rng);
    }
#if defined(HEALER_HAVE_OPENBLAS)
  openblas_set_num_threads ((int) n_threads);
  threads = (guint) openblas_get_num_threads ();
  core = openblas_get_corename ();
#endif
  for (guint r = 0; r < PEAK_RUNS; r++)
    {
      gint64 t0 = g_get_monotonic_time ();

      gsl_blas_sgemm (CblasNoTrans, CblasNoTrans, 1.0f, a, b, 0.0f, c);
      best = MIN (best, (double) (g_get_monotonic_time () - t0) * 1e-6);
    }
  /* The kernels matter: OPENBLAS_CORETYPE=Haswell (AVX2) halves the peak
   * of a processor whose AVX-512 units are full width. */
  printf ("sgemm_peak size=%d threads=%u gflops=%.1f core=%s\n", PEAK_SIZE, threads,
          flop / best * 1e-9, core);
  gsl_matrix_float_free (a);
  gsl_matrix_float_free (b);
  gsl_matrix_float_free (c);
}

/* Kept out of the CLI: a probe, no feature. The process CPU time stays
 * meaningful when other processes load the machine; the wall time on two
 * threads does not. */
int
main (int    argc,
      char **argv)
{
  guint sizes[HEALER_MAX_HIDDEN_LAYERS + 2] = { 105, 200, 200, 200, 6 };
  guint n_sizes = 5;
  guint64 batch = 30;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerMlp) mlp = NULL;

  if (argc == 2 && g_str_equal (argv[1], "peak"))
    {
      bench_peak (1);
      bench_peak (2);
      return 0;
    }
  if (argc > 3)
    {
      fprintf (stderr, "usage: healer-bench-step [BATCH [SIZES]]   (defaults: 30 105,200,200,200,6)\n"
                       "       healer-bench-step peak   (sgemm on one and two OpenBLAS threads)\n");
      return 2;
    }
  if (argc > 1 && !g_ascii_string_to_unsigned (argv[1], 10, 1, 4096, &batch, &error))
    {
      fprintf (stderr, "healer-bench-step: BATCH: %s\n", error->message);
      return 2;
    }
  if (argc > 2)
    {
      g_auto(GStrv) parts = g_strsplit (argv[2], ",", -1);

      n_sizes = g_strv_length (parts);
      if (n_sizes < 2 || n_sizes > G_N_ELEMENTS (sizes))
        {
          fprintf (stderr, "healer-bench-step: SIZES: 2 to %u widths\n",
                   (guint) G_N_ELEMENTS (sizes));
          return 2;
        }
      for (guint i = 0; i < n_sizes; i++)
        {
          guint64 v;

          if (!g_ascii_string_to_unsigned (parts[i], 10, 1, 65536, &v, &error))
            {
              fprintf (stderr, "healer-bench-step: SIZES: %s\n", error->message);
              return 2;
            }
          sizes[i] = (guint) v;
        }
    }

  mlp = healer_mlp_new (sizes, n_sizes, HEALER_ACTIVATION_LEAKY_RELU, 1);
  /* HEALER_BENCH_STEP_THREADS=2 (or 1): that run alone, e.g. under perf. */
  if (g_strcmp0 (g_getenv ("HEALER_BENCH_STEP_THREADS"), "2") != 0)
    bench (mlp, batch, 1);
  if (g_strcmp0 (g_getenv ("HEALER_BENCH_STEP_THREADS"), "1") != 0)
    bench (mlp, batch, 2);
  return 0;
}
