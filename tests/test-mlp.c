/* test-mlp.c — forward/backward passes of the MLP against a double-precision reference
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <gsl/gsl_blas.h>

#include "healer-mlp.h"
#include "healer-mlp-private.h"
#include "healer-trainer-private.h"
#include "healer-trainer.h"

static const HealerActivation all_activations[] = {
  HEALER_ACTIVATION_RELU,
  HEALER_ACTIVATION_LEAKY_RELU,
  HEALER_ACTIVATION_TANH,
};

/* Worst relative errors seen, printed at the end for the record. */
static double max_rel_err_ref = 0.0;
static double max_rel_err_fd32 = 0.0;
static double max_rel_err_dir = 0.0;
static double max_rel_err_input = 0.0;

static void
fill_normal (HealerRng *rng,
             float     *v,
             gsize      n,
             double     scale)
{
  for (gsize i = 0; i < n; i++)
    v[i] = (float) (healer_rng_normal (rng) * scale);
}

/* ---- reference: a naive double-precision MLP reading the same parameter layout ---- */

static double
ref_act (HealerActivation act,
         double           z)
{
  switch (act)
    {
    case HEALER_ACTIVATION_RELU:
      return z > 0 ? z : 0;
    case HEALER_ACTIVATION_LEAKY_RELU:
      return z > 0 ? z : 0.01 * z;
    case HEALER_ACTIVATION_TANH:
    default:
      return tanh (z);
    }
}

/* Log-probabilities of one row; @logp has n_outputs entries. */
static void
ref_forward_row (const HealerMlp *mlp,
                 const double    *params,
                 const double    *x,
                 double          *logp,
                 double          *hidden_out)
{
  guint n_layers = healer_mlp_get_n_layers (mlp);
  guint widest = 0;
  gsize off = 0;
  g_autofree double *a = NULL;
  g_autofree double *z = NULL;

  for (guint l = 0; l <= n_layers; l++)
    widest = MAX (widest, healer_mlp_get_size (mlp, l));
  a = g_new (double, widest);
  z = g_new (double, widest);
  memcpy (a, x, healer_mlp_get_size (mlp, 0) * sizeof (double));

  for (guint l = 0; l < n_layers; l++)
    {
      guint n_in = healer_mlp_get_size (mlp, l);
      guint n_out = healer_mlp_get_size (mlp, l + 1);
      const double *w = params + off;
      const double *b = w + (gsize) n_in * n_out;

      for (guint j = 0; j < n_out; j++)
        {
          double s = b[j];

          for (guint k = 0; k < n_in; k++)
            s += w[(gsize) j * n_in + k] * a[k];
          z[j] = s;
        }
      if (l + 1 < n_layers)
        {
          for (guint j = 0; j < n_out; j++)
            a[j] = ref_act (healer_mlp_get_activation (mlp), z[j]);
          if (l + 2 == n_layers && hidden_out != NULL)
            memcpy (hidden_out, a, n_out * sizeof (double));
        }
      else
        {
          double max = z[0], sum = 0;

          for (guint j = 1; j < n_out; j++)
            max = MAX (max, z[j]);
          for (guint j = 0; j < n_out; j++)
            sum += exp (z[j] - max);
          for (guint j = 0; j < n_out; j++)
            logp[j] = z[j] - max - log (sum);
        }
      off += (gsize) n_in * n_out + n_out;
    }
}

/* With label smoothing @smoothing, the targets are 1 − @smoothing on the
 * row's class plus @smoothing / n_outputs on every class. */
static double
ref_loss (const HealerMlp *mlp,
          const double    *params,
          const float     *x,
          const guint     *y,
          const float     *weights,
          gsize            n,
          double           smoothing)
{
  guint n_in = healer_mlp_get_n_inputs (mlp);
  guint n_out = healer_mlp_get_n_outputs (mlp);
  g_autofree double *xr = g_new (double, n_in);
  g_autofree double *logp = g_new (double, n_out);
  double sum = 0;

  for (gsize i = 0; i < n; i++)
    {
      double ce = 0;

      for (guint k = 0; k < n_in; k++)
        xr[k] = x[i * n_in + k];
      ref_forward_row (mlp, params, xr, logp, NULL);
      for (guint j = 0; j < n_out; j++)
        ce -= (smoothing / n_out + (j == y[i] ? 1.0 - smoothing : 0.0)) * logp[j];
      sum += (weights != NULL ? weights[i] : 1.0) * ce;
    }
  return sum / n;
}

static double *
params_to_double (HealerMlp *mlp)
{
  gsize n = healer_mlp_get_n_params (mlp);
  const float *p = healer_mlp_get_params (mlp);
  double *d = g_new (double, n);

  for (gsize i = 0; i < n; i++)
    d[i] = p[i];
  return d;
}

/* |a − b| relative to the larger magnitude, with a floor so that
 * components that are zero up to float rounding do not blow up. */
static double
rel_err (double a,
         double b,
         double floor)
{
  return fabs (a - b) / MAX (MAX (fabs (a), fabs (b)), floor);
}

/* ---- gradient checks ---- */

typedef struct
{
  HealerMlp *mlp;
  float     *x;
  guint     *y;
  float     *w;
  gsize      n;
  gsize      max_batch;  /* of the workspace of check_against_reference (0: n) */
  float      smoothing;  /* label smoothing of the workspaces the checks use */
} Problem;

static void
problem_init_shape (Problem         *pb,
                    const guint     *sizes,
                    guint            n_sizes,
                    HealerActivation act,
                    gboolean         weighted,
                    guint64          seed,
                    gsize            n)
{
  HealerRng rng;

  healer_rng_init (&rng, seed);
  pb->n = n;
  pb->max_batch = 0;
  pb->smoothing = 0.0f;
  pb->mlp = healer_mlp_new (sizes, n_sizes, act, seed);
  pb->x = g_new (float, pb->n * sizes[0]);
  pb->y = g_new (guint, pb->n);
  pb->w = weighted ? g_new (float, pb->n) : NULL;
  fill_normal (&rng, pb->x, pb->n * sizes[0], 1.0);
  for (gsize i = 0; i < pb->n; i++)
    {
      pb->y[i] = (guint) healer_rng_below (&rng, sizes[n_sizes - 1]);
      if (pb->w != NULL)
        pb->w[i] = (float) (0.2 + 2.0 * healer_rng_uniform (&rng));
    }
  /* Non-zero biases so that their gradients are exercised from a generic point. */
  for (guint l = 0; l < healer_mlp_get_n_layers (pb->mlp); l++)
    fill_normal (&rng, healer_mlp_get_biases (pb->mlp, l), sizes[l + 1], 0.3);
}

static void
problem_init (Problem         *pb,
              HealerActivation act,
              gboolean         weighted,
              guint64          seed)
{
  static const guint sizes[] = { 5, 7, 4, 3 };

  problem_init_shape (pb, sizes, G_N_ELEMENTS (sizes), act, weighted, seed, 9);
}

static void
problem_clear (Problem *pb)
{
  healer_mlp_free (pb->mlp);
  g_free (pb->x);
  g_free (pb->y);
  g_free (pb->w);
}

static double
loss32 (Problem *pb,
        float    dropout,
        guint64  state)
{
  g_autoptr (HealerMlpWorkspace) ws = healer_mlp_workspace_new (pb->mlp, pb->n);

  healer_mlp_workspace_set_label_smoothing (ws, pb->smoothing);
  return healer_mlp_loss_grad (pb->mlp, ws, pb->x, pb->y, pb->w, pb->n, dropout, &state, NULL);
}

/* Analytic float gradient vs central differences of the double reference. */
static void
check_against_reference (Problem *pb)
{
  gsize np = healer_mlp_get_n_params (pb->mlp);
  g_autoptr (HealerMlpWorkspace) ws =
    healer_mlp_workspace_new (pb->mlp, pb->max_batch > 0 ? pb->max_batch : pb->n);
  g_autofree float *grad = g_new (float, np);
  g_autofree double *theta = params_to_double (pb->mlp);
  const double h = 1e-6;
  double loss, max_err = 0;

  healer_mlp_workspace_set_label_smoothing (ws, pb->smoothing);
  loss = healer_mlp_loss_grad (pb->mlp, ws, pb->x, pb->y, pb->w, pb->n, 0.0f, NULL, grad);
  g_assert_cmpfloat_with_epsilon (loss, ref_loss (pb->mlp, theta, pb->x, pb->y, pb->w, pb->n, pb->smoothing),
                                  1e-5 * MAX (1.0, loss));

  for (gsize k = 0; k < np; k++)
    {
      double save = theta[k], lp, lm, num, err;

      theta[k] = save + h;
      lp = ref_loss (pb->mlp, theta, pb->x, pb->y, pb->w, pb->n, pb->smoothing);
      theta[k] = save - h;
      lm = ref_loss (pb->mlp, theta, pb->x, pb->y, pb->w, pb->n, pb->smoothing);
      theta[k] = save;
      num = (lp - lm) / (2 * h);
      err = rel_err (grad[k], num, 1e-4);
      if (err > 1e-3)
        g_test_message ("param %" G_GSIZE_FORMAT ": analytic %g numeric %g", k, grad[k], num);
      g_assert_cmpfloat (err, <, 1e-3);
      max_err = MAX (max_err, err);
    }
  max_rel_err_ref = MAX (max_rel_err_ref, max_err);
}

/* Float-only checks through the library's own loss: per parameter and along a
 * random direction. Works with dropout too, since a fixed state fixes the masks. */
static void
check_float_differences (Problem *pb,
                         float    dropout)
{
  gsize np = healer_mlp_get_n_params (pb->mlp);
  g_autoptr (HealerMlpWorkspace) ws = healer_mlp_workspace_new (pb->mlp, pb->n);
  g_autofree float *grad = g_new (float, np);
  g_autofree float *dir = g_new (float, np);
  float *p = healer_mlp_get_params (pb->mlp);
  const guint64 state0 = 1234;
  guint64 state = state0;
  const float eps = 1e-3f;
  /* Long enough to average float noise over, short enough that ReLU kinks are rarely crossed. */
  const float dir_eps = 2e-3f;
  double slope = 0, norm = 0, lp, lm, num, err, max_err = 0;
  HealerRng rng;

  healer_mlp_workspace_set_label_smoothing (ws, pb->smoothing);
  healer_mlp_loss_grad (pb->mlp, ws, pb->x, pb->y, pb->w, pb->n, dropout, &state, grad);

  for (gsize k = 0; k < np; k++)
    {
      float save = p[k];

      p[k] = save + eps;
      lp = loss32 (pb, dropout, state0);
      p[k] = save - eps;
      lm = loss32 (pb, dropout, state0);
      p[k] = save;
      /* The step actually taken in float, not the nominal one. */
      num = (lp - lm) / ((double) (save + eps) - (double) (save - eps));
      err = rel_err (grad[k], num, 2e-2);
      g_assert_cmpfloat (err, <, 2e-2);
      max_err = MAX (max_err, err);
    }
  max_rel_err_fd32 = MAX (max_rel_err_fd32, max_err);

  healer_rng_init (&rng, 99);
  fill_normal (&rng, dir, np, 1.0);
  for (gsize k = 0; k < np; k++)
    norm += (double) dir[k] * dir[k];
  for (gsize k = 0; k < np; k++)
    {
      dir[k] = (float) (dir[k] / sqrt (norm));
      slope += (double) dir[k] * grad[k];
    }
  {
    g_autofree float *saved = g_memdup2 (p, np * sizeof (float));

    for (gsize k = 0; k < np; k++)
      p[k] = saved[k] + dir_eps * dir[k];
    lp = loss32 (pb, dropout, state0);
    for (gsize k = 0; k < np; k++)
      p[k] = saved[k] - dir_eps * dir[k];
    lm = loss32 (pb, dropout, state0);
    memcpy (p, saved, np * sizeof (float));
  }
  num = (lp - lm) / (2.0 * dir_eps);
  err = rel_err (slope, num, 1e-3);
  g_assert_cmpfloat (err, <, 1e-2);
  max_rel_err_dir = MAX (max_rel_err_dir, err);
}

static void
test_gradient (void)
{
  for (gsize a = 0; a < G_N_ELEMENTS (all_activations); a++)
    for (int weighted = 0; weighted < 2; weighted++)
      {
        Problem pb;

        problem_init (&pb, all_activations[a], weighted, 10 + a);
        check_against_reference (&pb);
        check_float_differences (&pb, 0.0f);
        problem_clear (&pb);
      }
  g_test_message ("max relative error: vs double reference %.3g, float FD %.3g, "
                  "directional %.3g", max_rel_err_ref, max_rel_err_fd32, max_rel_err_dir);
}

static void
test_gradient_dropout (void)
{
  max_rel_err_fd32 = max_rel_err_dir = 0.0;
  for (gsize a = 0; a < G_N_ELEMENTS (all_activations); a++)
    {
      Problem pb;

      problem_init (&pb, all_activations[a], TRUE, 20 + a);
      check_float_differences (&pb, 0.3f);
      problem_clear (&pb);
    }
  g_test_message ("max relative error with dropout: float FD %.3g, directional %.3g",
                  max_rel_err_fd32, max_rel_err_dir);
}

/* Label smoothing: the gradient still matches the loss, with and without
 * dropout, and the loss is the mix of the one-hot cross-entropy and the
 * cross-entropy against the uniform distribution that its targets are. */
static void
test_gradient_smoothing (void)
{
  const float eps = 0.2f;

  max_rel_err_ref = max_rel_err_fd32 = max_rel_err_dir = 0.0;
  for (gsize a = 0; a < G_N_ELEMENTS (all_activations); a++)
    for (int weighted = 0; weighted < 2; weighted++)
      {
        Problem pb;
        g_autofree float *proba = NULL;
        double plain, smoothed, expected = 0.0;

        problem_init (&pb, all_activations[a], weighted, 40 + a);
        plain = loss32 (&pb, 0.0f, 0);
        pb.smoothing = eps;
        smoothed = loss32 (&pb, 0.0f, 0);
        proba = g_new (float, pb.n * 3);
        healer_mlp_predict_proba (pb.mlp, pb.x, pb.n, proba);
        for (gsize i = 0; i < pb.n; i++)
          {
            double w = pb.w != NULL ? pb.w[i] : 1.0, uniform = 0.0;

            for (guint j = 0; j < 3; j++)
              uniform -= log (proba[i * 3 + j]) / 3.0;
            expected += w * uniform;
          }
        expected = (1.0 - eps) * plain + eps * expected / (double) pb.n;
        g_assert_cmpfloat (fabs (smoothed - plain), >, 1e-3);
        g_assert_cmpfloat_with_epsilon (smoothed, expected, 1e-5 * MAX (1.0, expected));

        /* The double reference checks the gradient exactly; dropout only
         * through the library's own float loss, as it has no reference. */
        check_against_reference (&pb);
        check_float_differences (&pb, 0.3f);
        problem_clear (&pb);
      }
  g_test_message ("max relative error with label smoothing: vs double reference %.3g, "
                  "float FD with dropout %.3g, directional %.3g",
                  max_rel_err_ref, max_rel_err_fd32, max_rel_err_dir);
}

/* Batches large enough to be shared by rows (healer-mlp-rows.c): each part
 * sums its rows' gradients, then the parts' sums are added. An odd batch,
 * so the parts differ in size; with weights and smoothing against the
 * double reference, in a workspace for that batch and in one for twice it,
 * also with one hidden layer; with dropout through the float loss, for tanh
 * only: over 131 rows a (leaky) ReLU kink is crossed by the float
 * differences' step (the unit scheme fails that check the same way at
 * this size). */
static void
test_gradient_rows (void)
{
  static const guint deep[] = { 5, 7, 4, 3 }, shallow[] = { 5, 7, 3 };
  gsize n = HEALER_MLP_ROWS_MIN_ROWS + 3;

  max_rel_err_ref = max_rel_err_fd32 = max_rel_err_dir = 0.0;
  for (gsize a = 0; a < G_N_ELEMENTS (all_activations); a++)
    for (guint shape = 0; shape < 2; shape++)
      {
        const guint *sizes = shape == 0 ? deep : shallow;
        guint n_sizes = shape == 0 ? G_N_ELEMENTS (deep) : G_N_ELEMENTS (shallow);
        Problem pb;

        problem_init_shape (&pb, sizes, n_sizes, all_activations[a], TRUE, 60 + a, n);
        g_assert_true (healer_mlp_rows_wanted_for (sizes, n_sizes, pb.n));
        check_against_reference (&pb);
        pb.max_batch = 2 * n;
        check_against_reference (&pb);
        if (all_activations[a] == HEALER_ACTIVATION_TANH)
          check_float_differences (&pb, 0.3f);
        pb.smoothing = 0.1f;
        check_against_reference (&pb);
        problem_clear (&pb);
      }
  g_test_message ("max relative error shared by rows: vs double reference %.3g, "
                  "float FD with dropout (tanh) %.3g, directional %.3g",
                  max_rel_err_ref, max_rel_err_fd32, max_rel_err_dir);
}

static void
test_gradient_no_hidden (void)
{
  static const guint sizes[] = { 4, 3 };
  Problem pb;

  /* Softmax regression: one weight layer, no hidden activation at all. */
  problem_init (&pb, HEALER_ACTIVATION_RELU, TRUE, 5);
  healer_mlp_free (pb.mlp);
  pb.mlp = healer_mlp_new (sizes, 2, HEALER_ACTIVATION_RELU, 5);
  check_against_reference (&pb);
  problem_clear (&pb);
}

static void
test_input_gradient (void)
{
  for (gsize a = 0; a < G_N_ELEMENTS (all_activations); a++)
    {
      Problem pb;
      double xr[5], logp_p[3], logp_m[3];
      float g[5];
      g_autofree double *theta = NULL;

      problem_init (&pb, all_activations[a], FALSE, 30 + a);
      theta = params_to_double (pb.mlp);
      for (gsize row = 0; row < 3; row++)
        for (guint klass = 0; klass < 3; klass++)
          {
            const float *x = pb.x + row * 5;

            healer_mlp_input_gradient (pb.mlp, x, klass, g);
            for (guint k = 0; k < 5; k++)
              {
                double num, err;

                for (guint j = 0; j < 5; j++)
                  xr[j] = x[j];
                xr[k] = x[k] + 1e-6;
                ref_forward_row (pb.mlp, theta, xr, logp_p, NULL);
                xr[k] = x[k] - 1e-6;
                ref_forward_row (pb.mlp, theta, xr, logp_m, NULL);
                num = (logp_p[klass] - logp_m[klass]) / 2e-6;
                err = rel_err (g[k], num, 1e-3);
                g_assert_cmpfloat (err, <, 1e-3);
                max_rel_err_input = MAX (max_rel_err_input, err);
              }
          }
      problem_clear (&pb);
    }
  g_test_message ("input gradient max relative error %.3g", max_rel_err_input);
}

/* ---- forward pass ---- */

static void
test_forward_matches_reference (void)
{
  for (gsize a = 0; a < G_N_ELEMENTS (all_activations); a++)
    {
      Problem pb;
      float proba[9 * 3], hidden[9 * 4];
      double xr[5], logp[3], href[4];
      g_autofree double *theta = NULL;

      problem_init (&pb, all_activations[a], FALSE, 40 + a);
      theta = params_to_double (pb.mlp);
      healer_mlp_predict_proba (pb.mlp, pb.x, pb.n, proba);
      healer_mlp_last_hidden (pb.mlp, pb.x, pb.n, hidden);
      for (gsize i = 0; i < pb.n; i++)
        {
          for (guint k = 0; k < 5; k++)
            xr[k] = pb.x[i * 5 + k];
          ref_forward_row (pb.mlp, theta, xr, logp, href);
          for (guint j = 0; j < 3; j++)
            g_assert_cmpfloat_with_epsilon (proba[i * 3 + j], exp (logp[j]), 1e-6);
          for (guint j = 0; j < 4; j++)
            g_assert_cmpfloat_with_epsilon (hidden[i * 4 + j], href[j], 1e-5);
        }
      problem_clear (&pb);
    }
}

static void
test_softmax_stable (void)
{
  static const guint sizes[] = { 6, 10, 5 };
  g_autoptr (HealerMlp) mlp = healer_mlp_new (sizes, 3, HEALER_ACTIVATION_RELU, 3);
  const gsize n = 50;
  g_autofree float *x = g_new (float, n * 6);
  g_autofree float *proba = g_new (float, n * 5);
  HealerRng rng;

  healer_rng_init (&rng, 8);
  /* Huge inputs drive the logits to ±1e4: a naive exp would overflow. */
  fill_normal (&rng, x, n * 6, 1e3);
  healer_mlp_predict_proba (mlp, x, n, proba);
  for (gsize i = 0; i < n; i++)
    {
      double sum = 0;

      for (guint j = 0; j < 5; j++)
        {
          g_assert_true (isfinite (proba[i * 5 + j]));
          g_assert_cmpfloat (proba[i * 5 + j], >=, 0.0f);
          sum += proba[i * 5 + j];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
    }
}

static void
test_chunking (void)
{
  static const guint sizes[] = { 5, 12, 8, 4 };
  g_autoptr (HealerMlp) mlp = healer_mlp_new (sizes, 4, HEALER_ACTIVATION_TANH, 77);
  const gsize n = 10000;
  g_autofree float *x = g_new (float, n * 5);
  g_autofree float *proba = g_new (float, n * 4);
  g_autofree float *hidden = g_new (float, n * 8);
  HealerRng rng;
  double max_diff = 0;

  healer_rng_init (&rng, 4);
  fill_normal (&rng, x, n * 5, 1.0);
  healer_mlp_predict_proba (mlp, x, n, proba);
  healer_mlp_last_hidden (mlp, x, n, hidden);
  for (gsize i = 0; i < n; i++)
    {
      float one[4], one_hidden[8];

      healer_mlp_predict_proba (mlp, x + i * 5, 1, one);
      healer_mlp_last_hidden (mlp, x + i * 5, 1, one_hidden);
      for (guint j = 0; j < 4; j++)
        max_diff = MAX (max_diff, fabs (one[j] - proba[i * 4 + j]));
      for (guint j = 0; j < 8; j++)
        max_diff = MAX (max_diff, fabs (one_hidden[j] - hidden[i * 8 + j]));
    }
  /* BLAS may pick other kernels for 1 row than for 4096; only rounding may differ. */
  g_assert_cmpfloat (max_diff, <, 1e-6);
}

/* The row-by-row pass (diagnosis) gives the same bits whatever the kernel
 * (AVX2 or portable), the number of rows in the call and where a row sits
 * in it: wide layers (the default 200-unit ones), widths that are not a
 * multiple of the kernels' four outputs, and row counts around the 8- and
 * 16-row blocks. */
static void
test_rowwise_kernels (void)
{
  static const guint sizes[] = { 107, 200, 61, 6 };
  static const gsize counts[] = { 1, 7, 8, 15, 16, 17, 31, 32, 33, 47, 48, 49, 63, 200, 1000 };
  g_autoptr (HealerMlp) mlp = healer_mlp_new (sizes, 4, HEALER_ACTIVATION_LEAKY_RELU, 5);
  const gsize n = 1000;
  g_autofree float *x = g_new (float, n * 107);
  g_autofree float *fast = g_new (float, n * 6);
  g_autofree float *portable = g_new (float, n * 6);
  g_autofree float *part = g_new (float, n * 6);
  HealerMlpKernel best = healer_mlp_get_kernel ();
  HealerRng rng;

  healer_rng_init (&rng, 11);
  fill_normal (&rng, x, n * 107, 3.0);
  healer_mlp_predict_proba_rowwise (mlp, x, n, fast);
  healer_mlp_set_kernel (HEALER_MLP_KERNEL_PORTABLE);
  healer_mlp_predict_proba_rowwise (mlp, x, n, portable);
  g_assert_cmpmem (fast, n * 6 * sizeof (float), portable, n * 6 * sizeof (float));
  /* Every kernel this processor can run, the widest with the narrower ones
   * taking the rows left over (1000 = 31 × 32 + 8: AVX-512, then SSE). */
  for (HealerMlpKernel k = HEALER_MLP_KERNEL_AVX2; k <= best; k++)
    {
      healer_mlp_set_kernel (k);
      healer_mlp_predict_proba_rowwise (mlp, x, n, part);
      g_assert_cmpmem (part, n * 6 * sizeof (float), portable, n * 6 * sizeof (float));
    }
  healer_mlp_set_kernel (best);
  if (best == HEALER_MLP_KERNEL_PORTABLE)
    g_test_message ("no AVX2 here: the portable kernel was compared with itself");
  else if (best == HEALER_MLP_KERNEL_AVX2)
    g_test_message ("no AVX-512 here: the AVX-512 kernel was not run");

  for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
    for (gsize start = 0; start + counts[c] <= n; start += counts[c] * 3 + 1)
      {
        healer_mlp_predict_proba_rowwise (mlp, x + start * 107, counts[c], part);
        g_assert_cmpmem (part, counts[c] * 6 * sizeof (float),
                         fast + start * 6, counts[c] * 6 * sizeof (float));
      }
}

/* The activations' lanes run sixteen at a time where the processor has
 * AVX-512 and four at a time on the portable kernel: the loss and every
 * gradient bit for bit the same (the forward activation and, in backprop,
 * its derivative), for ReLU and leaky ReLU and batches that end in partial
 * vectors. */
static void
test_activation_kernels (void)
{
  static const guint sizes[] = { 23, 70, 33, 4 };
  static const HealerActivation activations[] = {
    HEALER_ACTIVATION_RELU, HEALER_ACTIVATION_LEAKY_RELU,
  };
  static const gsize batches[] = { 1, 15, 16, 17, 100 };
  HealerMlpKernel best = healer_mlp_get_kernel ();
  HealerRng rng;

  if (best != HEALER_MLP_KERNEL_AVX512)
    {
      g_test_skip ("no AVX-512 here: nothing to compare the portable lanes with");
      return;
    }
  healer_rng_init (&rng, 13);
  for (guint a = 0; a < G_N_ELEMENTS (activations); a++)
    for (guint bi = 0; bi < G_N_ELEMENTS (batches); bi++)
      {
        g_autoptr (HealerMlp) mlp = healer_mlp_new (sizes, 4, activations[a], 14 + a);
        gsize n = batches[bi], np = healer_mlp_get_n_params (mlp);
        g_autofree float *x = g_new (float, n * sizes[0]);
        g_autofree guint *y = g_new (guint, n);
        g_autofree float *w = g_new (float, n);
        g_autofree float *g_fast = g_new (float, np);
        g_autofree float *g_portable = g_new (float, np);
        g_autoptr (HealerMlpWorkspace) ws = healer_mlp_workspace_new (mlp, n);
        double l_fast, l_portable;

        fill_normal (&rng, x, n * sizes[0], 2.0);
        for (gsize i = 0; i < n; i++)
          {
            y[i] = (guint) healer_rng_below (&rng, sizes[3]);
            w[i] = 1.0f;
          }
        healer_mlp_set_kernel (best);
        l_fast = healer_mlp_loss_grad (mlp, ws, x, y, w, n, 0.0f, NULL, g_fast);
        healer_mlp_set_kernel (HEALER_MLP_KERNEL_PORTABLE);
        l_portable = healer_mlp_loss_grad (mlp, ws, x, y, w, n, 0.0f, NULL, g_portable);
        healer_mlp_set_kernel (best);
        g_assert_cmpmem (&l_fast, sizeof l_fast, &l_portable, sizeof l_portable);
        g_assert_cmpmem (g_fast, np * sizeof (float), g_portable, np * sizeof (float));
      }
}

/* The whole pass keeps a block of rows feature-major from the first layer
 * to the last; an explanation runs the same network a layer at a time
 * (healer_mlp_forward_layer), row-major between layers. Both must give the
 * same bits, for every activation and for row counts that leave rows to
 * the narrower blocks and to the scalar loop. */
static void
test_rowwise_layers (void)
{
  static const guint sizes[] = { 107, 200, 61, 6 };
  static const HealerActivation activations[] = {
    HEALER_ACTIVATION_RELU, HEALER_ACTIVATION_LEAKY_RELU, HEALER_ACTIVATION_TANH,
  };
  static const gsize counts[] = { 1, 7, 8, 9, 16, 31, 32, 33, 57, 1000 };
  const gsize n = 1000;
  g_autofree float *x = g_new (float, n * 107);
  g_autofree float *whole = g_new (float, n * 6);
  g_autofree float *h1 = g_new (float, n * 200);
  g_autofree float *h2 = g_new (float, n * 61);
  g_autofree float *layered = g_new (float, n * 6);
  g_autofree float *all = g_new (float, n * 6);
  HealerRng rng;

  healer_rng_init (&rng, 12);
  fill_normal (&rng, x, n * 107, 3.0);
  for (guint a = 0; a < G_N_ELEMENTS (activations); a++)
    for (guint c = 0; c < G_N_ELEMENTS (counts); c++)
      {
        g_autoptr (HealerMlp) mlp = healer_mlp_new (sizes, 4, activations[a], 6 + a);
        gsize m = counts[c];

        /* A row alone (the scalar loop), in a few (the narrower blocks) or
         * among a thousand (the widest): the same bits. */
        healer_mlp_predict_proba_rowwise (mlp, x, n, all);
        healer_mlp_predict_proba_rowwise (mlp, x, m, whole);
        g_assert_cmpmem (whole, m * 6 * sizeof (float), all, m * 6 * sizeof (float));
        healer_mlp_forward_layer (mlp, 0, x, m, h1);
        healer_mlp_forward_layer (mlp, 1, h1, m, h2);
        healer_mlp_forward_layer (mlp, 2, h2, m, layered);
        g_assert_cmpmem (whole, m * 6 * sizeof (float), layered, m * 6 * sizeof (float));
      }
}

typedef struct
{
  const HealerMlp *mlp;
  const float     *x;
  gsize            n;
  float           *proba;
} PredictJob;

static gpointer
predict_thread (gpointer data)
{
  PredictJob *job = data;

  for (int rep = 0; rep < 3; rep++)
    healer_mlp_predict_proba (job->mlp, job->x, job->n, job->proba);
  return NULL;
}

/* Concurrent callers share the model but nothing mutable. */
static void
test_concurrent_predict (void)
{
  static const guint sizes[] = { 20, 64, 64, 5 };
  g_autoptr (HealerMlp) mlp = healer_mlp_new (sizes, 4, HEALER_ACTIVATION_LEAKY_RELU, 12);
  const gsize n = 5000;
  g_autofree float *x = g_new (float, n * 20);
  g_autofree float *expected = g_new (float, n * 5);
  PredictJob jobs[4];
  GThread *threads[4];
  HealerRng rng;

  healer_rng_init (&rng, 6);
  fill_normal (&rng, x, n * 20, 1.0);
  healer_mlp_predict_proba (mlp, x, n, expected);
  for (guint t = 0; t < 4; t++)
    {
      jobs[t] = (PredictJob) { mlp, x, n, g_new (float, n * 5) };
      threads[t] = g_thread_new ("predict", predict_thread, &jobs[t]);
    }
  for (guint t = 0; t < 4; t++)
    {
      g_thread_join (threads[t]);
      g_assert_cmpmem (jobs[t].proba, n * 5 * sizeof (float), expected, n * 5 * sizeof (float));
      g_free (jobs[t].proba);
    }
}

/* ---- initialisation and determinism ---- */

static void
test_seed (void)
{
  static const guint sizes[] = { 107, 200, 50, 6 };
  g_autoptr (HealerMlp) a = healer_mlp_new (sizes, 4, HEALER_ACTIVATION_RELU, 42);
  g_autoptr (HealerMlp) b = healer_mlp_new (sizes, 4, HEALER_ACTIVATION_RELU, 42);
  g_autoptr (HealerMlp) c = healer_mlp_new (sizes, 4, HEALER_ACTIVATION_RELU, 43);
  g_autoptr (HealerMlp) d = NULL;
  gsize np = healer_mlp_get_n_params (a);
  g_autofree float *x = g_new (float, 20 * 107);
  guint y[20];
  float ga[107], gb[107];
  g_autofree float *grad_a = g_new (float, np);
  g_autofree float *grad_b = g_new (float, np);
  g_autoptr (HealerMlpWorkspace) ws = healer_mlp_workspace_new (a, 20);
  HealerRng rng;
  double la, lb;

  g_assert_cmpuint (np, ==, 107 * 200 + 200 + 200 * 50 + 50 + 50 * 6 + 6);
  g_assert_cmpmem (healer_mlp_get_params (a), np * sizeof (float),
                   healer_mlp_get_params (b), np * sizeof (float));
  g_assert_true (memcmp (healer_mlp_get_params (a), healer_mlp_get_params (c),
                         np * sizeof (float)) != 0);

  /* Golden values pin the draw order and the RNG: if they change, model files
   * trained from a seed are no longer reproducible. */
  {
    g_autoptr (HealerMlp) t = healer_mlp_new (sizes, 4, HEALER_ACTIVATION_TANH, 42);
    const float *pa = healer_mlp_get_params (a);
    const float *pt = healer_mlp_get_params (t);

    g_assert_cmpfloat (pa[0], ==, -0x1.c3b28ep-3f);
    g_assert_cmpfloat (pa[1], ==, 0x1.b5be16p-4f);
    g_assert_cmpfloat (pa[21600], ==, -0x1.a7f49ap-4f);    /* first weight of layer 1 */
    g_assert_cmpfloat (pa[np - 7], ==, -0x1.0a36f4p-4f);   /* last weight */
    g_assert_cmpfloat (pt[0], ==, -0x1.dc939ep-4f);
    g_assert_cmpfloat (pt[1], ==, -0x1.153178p-5f);
    g_assert_cmpfloat (pt[21600], ==, -0x1.b6ecd8p-4f);
    g_assert_cmpfloat (pt[np - 7], ==, 0x1.c61eaap-3f);
  }

  {
    g_autoptr (HealerMlp) e = healer_mlp_new_with_params (sizes, 4, HEALER_ACTIVATION_RELU,
                                                         healer_mlp_get_params (c), np);

    g_assert_cmpmem (healer_mlp_get_params (c), np * sizeof (float),
                     healer_mlp_get_params (e), np * sizeof (float));
    g_assert_cmpuint (healer_mlp_get_n_params (e), ==, np);
    g_assert_cmpuint (healer_mlp_get_size (e, 2), ==, 50);
  }

  d = healer_mlp_copy (a);
  g_assert_cmpmem (healer_mlp_get_params (a), np * sizeof (float),
                   healer_mlp_get_params (d), np * sizeof (float));
  healer_mlp_copy_params (d, c);
  g_assert_cmpmem (healer_mlp_get_params (c), np * sizeof (float),
                   healer_mlp_get_params (d), np * sizeof (float));

  healer_rng_init (&rng, 5);
  fill_normal (&rng, x, 20 * 107, 1.0);
  for (guint i = 0; i < 20; i++)
    y[i] = i % 6;
  la = healer_mlp_loss_grad (a, ws, x, y, NULL, 20, 0.0f, NULL, grad_a);
  lb = healer_mlp_loss_grad (b, ws, x, y, NULL, 20, 0.0f, NULL, grad_b);
  g_assert_true (la == lb);
  g_assert_cmpmem (grad_a, np * sizeof (float), grad_b, np * sizeof (float));
  /* A workspace serves any MLP of its shape. */
  g_assert_true (healer_mlp_loss_grad (c, ws, x, y, NULL, 20, 0.0f, NULL, NULL) != la);

  healer_mlp_input_gradient (a, x, 2, ga);
  healer_mlp_input_gradient (b, x, 2, gb);
  g_assert_cmpmem (ga, 107 * sizeof (float), gb, 107 * sizeof (float));
}

static void
check_weight_stats (HealerMlp *mlp,
                    guint      l,
                    double     expected_std,
                    double     limit)
{
  guint n_in = healer_mlp_get_size (mlp, l), n_out = healer_mlp_get_size (mlp, l + 1);
  const float *w = healer_mlp_get_weights (mlp, l);
  const float *b = healer_mlp_get_biases (mlp, l);
  gsize n = (gsize) n_in * n_out;
  double sum = 0, sum2 = 0, mean, std;

  for (gsize i = 0; i < n; i++)
    {
      sum += w[i];
      sum2 += (double) w[i] * w[i];
      if (limit > 0)
        g_assert_cmpfloat (fabs (w[i]), <=, limit);
    }
  mean = sum / n;
  std = sqrt (sum2 / n - mean * mean);
  g_assert_cmpfloat (fabs (mean), <, 0.05 * expected_std);
  g_assert_cmpfloat (fabs (std / expected_std - 1), <, 0.03);
  for (guint j = 0; j < n_out; j++)
    g_assert_cmpfloat (b[j], ==, 0.0f);
}

static void
test_init_distribution (void)
{
  static const guint sizes[] = { 300, 200, 100 };
  g_autoptr (HealerMlp) he = healer_mlp_new (sizes, 3, HEALER_ACTIVATION_LEAKY_RELU, 1);
  g_autoptr (HealerMlp) glorot = healer_mlp_new (sizes, 3, HEALER_ACTIVATION_TANH, 1);

  g_assert_cmpuint (healer_mlp_get_n_layers (he), ==, 2);
  g_assert_cmpuint (healer_mlp_get_n_inputs (he), ==, 300);
  g_assert_cmpuint (healer_mlp_get_n_outputs (he), ==, 100);
  g_assert_true (healer_mlp_get_weights (he, 1) ==
                 healer_mlp_get_params (he) + 300 * 200 + 200);
  g_assert_true (healer_mlp_get_biases (he, 1) ==
                 healer_mlp_get_params (he) + 300 * 200 + 200 + 200 * 100);

  check_weight_stats (he, 0, sqrt (2.0 / 300), 0);
  check_weight_stats (he, 1, sqrt (2.0 / 200), 0);
  check_weight_stats (glorot, 0, sqrt (6.0 / 500) / sqrt (3.0), sqrt (6.0 / 500));
  check_weight_stats (glorot, 1, sqrt (6.0 / 300) / sqrt (3.0), sqrt (6.0 / 300));
}

/* ---- training ---- */

static void
test_learns_xor (void)
{
  static const guint sizes[] = { 2, 16, 2 };
  const gsize n = 400;
  g_autofree float *x = g_new (float, n * 2);
  g_autofree guint *y = g_new (guint, n);
  g_autofree float *proba = g_new (float, n * 2);
  HealerRng rng;

  healer_rng_init (&rng, 2024);
  for (gsize i = 0; i < n; i++)
    {
      double sx = (i & 1) ? 1 : -1, sy = (i & 2) ? 1 : -1;

      x[i * 2] = (float) (sx + 0.25 * healer_rng_normal (&rng));
      x[i * 2 + 1] = (float) (sy + 0.25 * healer_rng_normal (&rng));
      y[i] = sx * sy > 0;
    }

  for (gsize a = 0; a < G_N_ELEMENTS (all_activations); a++)
    {
      g_autoptr (HealerMlp) mlp = healer_mlp_new (sizes, 3, all_activations[a], 7);
      g_autoptr (HealerMlpWorkspace) ws = healer_mlp_workspace_new (mlp, n);
      gsize np = healer_mlp_get_n_params (mlp);
      g_autofree float *grad = g_new (float, np);
      float *p = healer_mlp_get_params (mlp);
      double first = 0, loss = 0;
      gsize correct = 0;

      for (guint step = 0; step < 1500; step++)
        {
          loss = healer_mlp_loss_grad (mlp, ws, x, y, NULL, n, 0.0f, NULL, grad);
          if (step == 0)
            first = loss;
          for (gsize k = 0; k < np; k++)
            p[k] -= 0.3f * grad[k];
        }
      g_test_message ("%s: loss %.4f -> %.4f", healer_activation_to_string (all_activations[a]),
                      first, loss);
      g_assert_cmpfloat (first, >, 0.5);
      g_assert_cmpfloat (loss, <, 0.05);

      healer_mlp_predict_proba (mlp, x, n, proba);
      for (gsize i = 0; i < n; i++)
        correct += (proba[i * 2 + 1] > proba[i * 2]) == (y[i] == 1);
      g_assert_cmpuint (correct, >=, n - 2);
    }
}

static void
test_dropout (void)
{
  Problem pb;
  gsize np;
  g_autofree float *g1 = NULL;
  g_autofree float *g2 = NULL;
  g_autoptr (HealerMlpWorkspace) ws = NULL;
  guint64 s1 = 555, s2 = 555;
  double plain, l1, l2, l3;

  problem_init (&pb, HEALER_ACTIVATION_RELU, FALSE, 50);
  np = healer_mlp_get_n_params (pb.mlp);
  g1 = g_new (float, np);
  g2 = g_new (float, np);
  ws = healer_mlp_workspace_new (pb.mlp, 16);

  plain = healer_mlp_loss_grad (pb.mlp, ws, pb.x, pb.y, NULL, pb.n, 0.0f, NULL, NULL);
  l1 = healer_mlp_loss_grad (pb.mlp, ws, pb.x, pb.y, NULL, pb.n, 0.5f, &s1, g1);
  l2 = healer_mlp_loss_grad (pb.mlp, ws, pb.x, pb.y, NULL, pb.n, 0.5f, &s2, g2);
  g_assert_true (l1 != plain);
  g_assert_true (l1 == l2);
  g_assert_cmpmem (g1, np * sizeof (float), g2, np * sizeof (float));
  g_assert_cmpuint (s1, ==, s2);
  g_assert_cmpuint (s1, !=, 555);
  /* The advanced state draws other masks. */
  l3 = healer_mlp_loss_grad (pb.mlp, ws, pb.x, pb.y, NULL, pb.n, 0.5f, &s1, NULL);
  g_assert_true (l3 != l1);
  problem_clear (&pb);
}

/* What the update callback of healer_mlp_train_step saw, and Adam's state. */
typedef struct
{
  HealerMlp           *mlp;
  float               *grad;
  float               *m1;
  float               *m2;
  guint8              *seen;      /* times each parameter was handed over */
  HealerOptimizerStep  step;
  GMutex               lock;      /* the callback may come from two threads */
  gboolean             bad_flag;
} StepRun;

static void
step_run_init (StepRun         *run,
               const HealerMlp *mlp)
{
  gsize np = healer_mlp_get_n_params (mlp);
  HealerTrainConfig config;

  healer_train_config_init_default (&config);
  run->mlp = healer_mlp_copy (mlp);
  run->grad = g_new (float, np);
  run->m1 = g_new0 (float, np);
  run->m2 = g_new0 (float, np);
  run->seen = g_new0 (guint8, np);
  healer_optimizer_step_init (&run->step, &config, config.learning_rate, 1);
  g_mutex_init (&run->lock);
  run->bad_flag = FALSE;
}

static void
step_run_clear (StepRun *run)
{
  healer_mlp_free (run->mlp);
  g_free (run->grad);
  g_free (run->m1);
  g_free (run->m2);
  g_free (run->seen);
  g_mutex_clear (&run->lock);
}

static void
step_run_update (gpointer user_data,
                 gsize    offset,
                 gsize    count,
                 gboolean is_weight)
{
  StepRun *run = user_data;
  float *params = healer_mlp_get_params (run->mlp);
  gboolean weight = FALSE;

  /* Is @offset inside some layer's weights (rather than its biases)? */
  for (guint l = 0; l < healer_mlp_get_n_layers (run->mlp); l++)
    {
      gsize w = healer_mlp_get_weights (run->mlp, l) - params;
      gsize b = healer_mlp_get_biases (run->mlp, l) - params;

      if (offset >= w && offset < b)
        weight = TRUE;
    }
  g_mutex_lock (&run->lock);
  if (weight != is_weight)
    run->bad_flag = TRUE;
  for (gsize i = offset; i < offset + count; i++)
    run->seen[i]++;
  g_mutex_unlock (&run->lock);

  healer_optimizer_update (&run->step, params + offset, run->grad + offset, run->m1 + offset,
                           run->m2 + offset, count, is_weight);
}

/* One step of each run on the same batch, from the same dropout state: the
 * same loss, gradient and parameters, bit for bit. */
static void
step_pair_agree (StepRun            *one,
                 StepRun            *two,
                 HealerMlpWorkspace *ws1,
                 HealerMlpWorkspace *ws2,
                 const float        *x,
                 const guint        *y,
                 const float        *w,
                 gsize               n,
                 float               dropout,
                 guint64            *s1,
                 guint64            *s2)
{
  gsize np = healer_mlp_get_n_params (one->mlp);
  double l1, l2;

  memset (one->seen, 0, np);
  memset (two->seen, 0, np);
  l1 = healer_mlp_train_step (one->mlp, ws1, x, y, w, n, dropout, s1, one->grad,
                              step_run_update, one);
  l2 = healer_mlp_train_step (two->mlp, ws2, x, y, w, n, dropout, s2, two->grad,
                              step_run_update, two);
  g_assert_true (isfinite (l1));
  g_assert_true (l1 == l2);
  g_assert_cmpmem (one->grad, np * sizeof (float), two->grad, np * sizeof (float));
  g_assert_cmpmem (healer_mlp_get_params (one->mlp), np * sizeof (float),
                   healer_mlp_get_params (two->mlp), np * sizeof (float));
}

/* Steps of a network big enough to be shared between two threads give the
 * same bits on one; every parameter reaches the update once per step, with
 * its right kind; and the gradient is the one healer_mlp_loss_grad gives.
 * Batches on both sides of HEALER_MLP_ROWS_MIN_ROWS, so both partitions of
 * a step (by units, by rows; odd batches give part 0 the extra row). */
static void
test_train_step_threads (void)
{
  static const guint sizes[] = { 40, 128, 96, 5 };
  static const gsize batches[] = { 31, 2, HEALER_MLP_ROWS_MIN_ROWS - 1, HEALER_MLP_ROWS_MIN_ROWS,
                                   HEALER_MLP_ROWS_MIN_ROWS + 3, 256 };
  g_autoptr (HealerMlp) mlp = healer_mlp_new (sizes, G_N_ELEMENTS (sizes),
                                              HEALER_ACTIVATION_LEAKY_RELU, 77);
  gsize np = healer_mlp_get_n_params (mlp);
  HealerRng rng;

  healer_rng_init (&rng, 78);
  for (gsize b = 0; b < G_N_ELEMENTS (batches); b++)
    {
      gsize n = batches[b];
      g_autofree float *x = g_new (float, n * sizes[0]);
      g_autofree guint *y = g_new (guint, n);
      g_autofree float *w = g_new (float, n);
      g_autofree float *grad = g_new (float, np);
      g_autoptr (HealerMlpWorkspace) ws1 = healer_mlp_workspace_new (mlp, n);
      g_autoptr (HealerMlpWorkspace) ws2 = healer_mlp_workspace_new (mlp, n);
      StepRun one, two;
      guint64 s1 = 5, s2 = 5;

      fill_normal (&rng, x, n * sizes[0], 1.0);
      for (gsize i = 0; i < n; i++)
        {
          y[i] = (guint) healer_rng_below (&rng, sizes[3]);
          w[i] = (float) (0.5 + healer_rng_uniform (&rng));
        }
      healer_mlp_workspace_set_threads (ws1, 1);
      if (!healer_mlp_workspace_set_threads (ws2, 2))
        g_test_message ("batch %zu: one CPU or one BLAS thread, both runs on one thread", n);

      step_run_init (&one, mlp);
      step_run_init (&two, mlp);
      for (guint step = 0; step < 4; step++)
        {
          float dropout = step % 2 ? 0.25f : 0.0f;

          step_pair_agree (&one, &two, ws1, ws2, x, y, w, n, dropout, &s1, &s2);
          for (gsize i = 0; i < np; i++)
            g_assert_cmpuint (two.seen[i], ==, 1);
          g_assert_false (two.bad_flag);
          g_assert_false (one.bad_flag);
        }

      /* Without an update, the same gradient as healer_mlp_loss_grad. */
      healer_mlp_train_step (mlp, ws2, x, y, w, n, 0.0f, NULL, two.grad, NULL, NULL);
      healer_mlp_loss_grad (mlp, ws1, x, y, w, n, 0.0f, NULL, grad);
      g_assert_cmpmem (grad, np * sizeof (float), two.grad, np * sizeof (float));

      /* Loss-only steps (fewer phases) between gradient steps, as a
       * validation pass would make them: the same as without a team. */
      for (guint k = 0; k < 6; k++)
        {
          float *g2 = k % 2 ? two.grad : NULL;
          float *g1 = k % 2 ? grad : NULL;

          g_assert_true (healer_mlp_loss_grad (mlp, ws2, x, y, w, n, 0.0f, NULL, g2) ==
                         healer_mlp_loss_grad (mlp, ws1, x, y, w, n, 0.0f, NULL, g1));
          if (k % 2)
            g_assert_cmpmem (grad, np * sizeof (float), two.grad, np * sizeof (float));
        }

      step_run_clear (&one);
      step_run_clear (&two);
    }

  /* One workspace for 256 rows stepping batches of either scheme, as a
   * trainer's last, shorter batch does: the same on one and two threads,
   * and the same gradient as a workspace made for the batch. */
  {
    static const gsize steps[] = { 131, 16, 256, HEALER_MLP_ROWS_MIN_ROWS - 1 };
    gsize max_n = 256;
    g_autofree float *x = g_new (float, max_n * sizes[0]);
    g_autofree guint *y = g_new (guint, max_n);
    g_autofree float *grad = g_new (float, np);
    g_autoptr (HealerMlpWorkspace) ws1 = healer_mlp_workspace_new (mlp, max_n);
    g_autoptr (HealerMlpWorkspace) ws2 = healer_mlp_workspace_new (mlp, max_n);
    StepRun one, two;
    guint64 s1 = 9, s2 = 9;

    fill_normal (&rng, x, max_n * sizes[0], 1.0);
    for (gsize i = 0; i < max_n; i++)
      y[i] = (guint) healer_rng_below (&rng, sizes[3]);
    healer_mlp_workspace_set_threads (ws1, 1);
    healer_mlp_workspace_set_threads (ws2, 2);
    step_run_init (&one, mlp);
    step_run_init (&two, mlp);
    for (gsize k = 0; k < G_N_ELEMENTS (steps); k++)
      {
        gsize n = steps[k];
        float dropout = k % 2 ? 0.0f : 0.25f;
        g_autoptr (HealerMlpWorkspace) fresh = healer_mlp_workspace_new (mlp, n);

        step_pair_agree (&one, &two, ws1, ws2, x, y, NULL, n, dropout, &s1, &s2);
        /* Whichever scheme ran: every parameter handed to the update once,
         * as a weight or a bias as it is. */
        for (gsize i = 0; i < np; i++)
          {
            g_assert_cmpuint (one.seen[i], ==, 1);
            g_assert_cmpuint (two.seen[i], ==, 1);
          }
        g_assert_false (one.bad_flag);
        g_assert_false (two.bad_flag);

        healer_mlp_loss_grad (mlp, ws2, x, y, NULL, n, 0.0f, NULL, two.grad);
        healer_mlp_loss_grad (mlp, fresh, x, y, NULL, n, 0.0f, NULL, grad);
        g_assert_cmpmem (grad, np * sizeof (float), two.grad, np * sizeof (float));
      }
    step_run_clear (&one);
    step_run_clear (&two);
  }
}

/* What healer_mlp_team_run promises the training step, checked from inside
 * the phases: every stage of every part runs once; a part's shared stage
 * starts only once the shared stages of the phase before are done, the local
 * stages of the phase before that, and its own part's local stage of the
 * phase before; a local stage only after its own shared one; and all is
 * done when the run returns. Uneven work, and now and then a pause, make
 * one thread late, so that the other takes its parts too. */
#define TEAM_PHASES  HEALER_MLP_TEAM_MAX_PHASES

typedef struct
{
  gint   shared_done[TEAM_PHASES][2];
  gint   local_done[TEAM_PHASES][2];
  gint   runs[TEAM_PHASES][2][2];
  gint   bad;
  guint  job;
  float  sink[TEAM_PHASES][2][2];   /* keeps the busy work from being optimised away */
} TeamLog;

static void
team_log_phase (gpointer       data,
                guint          phase,
                guint          part,
                HealerMlpStage stage)
{
  TeamLog *log = data;
  guint spin = ((phase * 7 + part * 13 + log->job * 5) % 11) * 200;
  float acc = 0.0f;

  g_atomic_int_inc (&log->runs[phase][part][stage]);
  if (stage == HEALER_MLP_STAGE_SHARED)
    {
      for (guint k = 0; k < 2; k++)
        if ((phase > 0 && !g_atomic_int_get (&log->shared_done[phase - 1][k])) ||
            (phase > 1 && !g_atomic_int_get (&log->local_done[phase - 2][k])))
          g_atomic_int_set (&log->bad, 1);
      if (phase > 0 && !g_atomic_int_get (&log->local_done[phase - 1][part]))
        g_atomic_int_set (&log->bad, 1);
    }
  else if (!g_atomic_int_get (&log->shared_done[phase][part]))
    {
      g_atomic_int_set (&log->bad, 1);
    }

  for (guint i = 0; i < spin; i++)
    acc += (float) i * 0.5f;
  log->sink[phase][part][stage] = acc;
  if ((phase * 31 + part * 17 + log->job * 3 + stage) % 97 == 0)
    g_usleep (20);

  if (stage == HEALER_MLP_STAGE_SHARED)
    g_atomic_int_set (&log->shared_done[phase][part], 1);
  else
    g_atomic_int_set (&log->local_done[phase][part], 1);
}

static void
test_team_stages (void)
{
  HealerMlpTeam *team = healer_mlp_team_new ();
  g_autofree TeamLog *log = g_new0 (TeamLog, 1);

  if (team == NULL)
    g_test_message ("one CPU or one BLAS thread: the phases run on the caller alone");
  for (guint job = 0; job < 600; job++)
    {
      guint n_phases = 1 + job % TEAM_PHASES;

      memset (log->shared_done, 0, sizeof log->shared_done);
      memset (log->local_done, 0, sizeof log->local_done);
      memset (log->runs, 0, sizeof log->runs);
      log->job = job;
      healer_mlp_team_run (team, team_log_phase, log, n_phases);

      g_assert_cmpint (log->bad, ==, 0);
      for (guint phase = 0; phase < TEAM_PHASES; phase++)
        for (guint part = 0; part < 2; part++)
          {
            gint want = phase < n_phases ? 1 : 0;

            g_assert_cmpint (log->shared_done[phase][part], ==, want);
            g_assert_cmpint (log->local_done[phase][part], ==, want);
            g_assert_cmpint (log->runs[phase][part][HEALER_MLP_STAGE_SHARED], ==, want);
            g_assert_cmpint (log->runs[phase][part][HEALER_MLP_STAGE_LOCAL], ==, want);
          }
      g_assert_true (isfinite (log->sink[0][0][0]));
    }
  healer_mlp_team_free (team);
}

/* With a zero output layer the output delta does not depend on the hidden
 * units, so the output-weight gradient shows the mask and the 1/(1−p) scale. */
static void
test_dropout_mask (void)
{
  static const guint sizes[] = { 3, 4000, 2 };
  g_autoptr (HealerMlp) mlp = healer_mlp_new (sizes, 3, HEALER_ACTIVATION_RELU, 9);
  g_autoptr (HealerMlpWorkspace) ws = healer_mlp_workspace_new (mlp, 1);
  gsize np = healer_mlp_get_n_params (mlp);
  g_autofree float *g_plain = g_new (float, np);
  g_autofree float *g_drop = g_new (float, np);
  const float x[3] = { 1.0f, 0.5f, 2.0f };
  const guint y[1] = { 1 };
  float *w0 = healer_mlp_get_weights (mlp, 0);
  const float *gw1_plain, *gw1_drop;
  guint64 state = 31337;
  gsize dropped = 0;

  for (gsize i = 0; i < 4000 * 3; i++)
    w0[i] = fabsf (w0[i]) + 0.01f;    /* every hidden unit active */
  memset (healer_mlp_get_weights (mlp, 1), 0, 2 * 4000 * sizeof (float));

  healer_mlp_loss_grad (mlp, ws, x, y, NULL, 1, 0.0f, NULL, g_plain);
  healer_mlp_loss_grad (mlp, ws, x, y, NULL, 1, 0.3f, &state, g_drop);
  gw1_plain = g_plain + (healer_mlp_get_weights (mlp, 1) - healer_mlp_get_params (mlp));
  gw1_drop = g_drop + (healer_mlp_get_weights (mlp, 1) - healer_mlp_get_params (mlp));

  for (gsize j = 0; j < 4000; j++)
    {
      g_assert_cmpfloat (gw1_plain[j], !=, 0.0f);
      if (gw1_drop[j] == 0.0f)
        dropped++;
      else
        g_assert_cmpfloat_with_epsilon (gw1_drop[j], gw1_plain[j] / 0.7f,
                                        1e-5 * fabsf (gw1_plain[j]) / 0.7f);
    }
  /* Binomial(4000, 0.3): σ ≈ 29 units. */
  g_assert_cmpuint (dropped, >, 1200 - 150);
  g_assert_cmpuint (dropped, <, 1200 + 150);
}

/* ---- small API ---- */

static void
test_activation_strings (void)
{
  HealerActivation act = HEALER_ACTIVATION_TANH;

  for (gsize a = 0; a < G_N_ELEMENTS (all_activations); a++)
    {
      g_assert_true (healer_activation_from_string (
                       healer_activation_to_string (all_activations[a]), &act));
      g_assert_cmpint (act, ==, all_activations[a]);
    }
  g_assert_cmpstr (healer_activation_to_string (HEALER_ACTIVATION_LEAKY_RELU), ==, "leaky-relu");
  g_assert_true (healer_activation_from_string ("leakyrelu", &act));
  g_assert_cmpint (act, ==, HEALER_ACTIVATION_LEAKY_RELU);
  act = HEALER_ACTIVATION_RELU;
  g_assert_true (healer_activation_from_string ("leaky_relu", &act));
  g_assert_cmpint (act, ==, HEALER_ACTIVATION_LEAKY_RELU);
  g_assert_true (healer_activation_from_string ("TanH", &act));
  g_assert_cmpint (act, ==, HEALER_ACTIVATION_TANH);
  g_assert_false (healer_activation_from_string ("sigmoid", &act));
  g_assert_false (healer_activation_from_string ("", &act));
  g_assert_false (healer_activation_from_string (NULL, &act));
  g_assert_cmpint (act, ==, HEALER_ACTIVATION_TANH);
}

static void
test_count_params (void)
{
  const guint ok[] = { 107, 200, 200, 6 };
  const guint zero[] = { 107, 0, 6 };
  const guint huge[] = { G_MAXINT, G_MAXINT, G_MAXINT, G_MAXINT };
  const guint too_wide[] = { 2, (guint) G_MAXINT + 1 };
  gsize n = 0;

  g_assert_true (healer_mlp_count_params (ok, 4, &n));
  g_assert_cmpuint (n, ==, 107 * 200 + 200 + 200 * 200 + 200 + 200 * 6 + 6);
  g_assert_false (healer_mlp_count_params (ok, 1, &n));
  g_assert_false (healer_mlp_count_params (zero, 3, &n));
  g_assert_false (healer_mlp_count_params (too_wide, 2, &n));
  /* 3 · (2³¹)² floats overflow the byte count even on 64-bit. */
  g_assert_false (healer_mlp_count_params (huge, 4, &n));
}

static void
test_bad_calls (void)
{
  static const guint sizes[] = { 2, 3, 2 };
  static const guint other[] = { 2, 4, 2 };
  g_autoptr (HealerMlp) mlp = healer_mlp_new (sizes, 3, HEALER_ACTIVATION_RELU, 1);
  g_autoptr (HealerMlp) mlp2 = healer_mlp_new (other, 3, HEALER_ACTIVATION_RELU, 1);
  g_autoptr (HealerMlpWorkspace) ws = healer_mlp_workspace_new (mlp, 2);
  const float x[6] = { 0 };
  const guint y_ok[3] = { 0, 1, 1 };
  const guint y_bad[2] = { 0, 2 };

  if (!g_test_undefined ())
    return;

  g_test_expect_message ("Healer", G_LOG_LEVEL_CRITICAL, "*max_batch*");
  g_assert_true (isnan (healer_mlp_loss_grad (mlp, ws, x, y_ok, NULL, 3, 0.0f, NULL, NULL)));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Healer", G_LOG_LEVEL_CRITICAL, "*labels_valid*");
  g_assert_true (isnan (healer_mlp_loss_grad (mlp, ws, x, y_bad, NULL, 2, 0.0f, NULL, NULL)));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Healer", G_LOG_LEVEL_CRITICAL, "*same_shape*");
  g_assert_true (isnan (healer_mlp_loss_grad (mlp2, ws, x, y_ok, NULL, 2, 0.0f, NULL, NULL)));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Healer", G_LOG_LEVEL_CRITICAL, "*dropout*");
  g_assert_true (isnan (healer_mlp_loss_grad (mlp, ws, x, y_ok, NULL, 2, 1.0f, NULL, NULL)));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Healer", G_LOG_LEVEL_CRITICAL, "*count_params*");
  g_assert_null (healer_mlp_new (sizes, 1, HEALER_ACTIVATION_RELU, 1));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Healer", G_LOG_LEVEL_CRITICAL, "*n_params == expected*");
  g_assert_null (healer_mlp_new_with_params (sizes, 3, HEALER_ACTIVATION_RELU, x, 6));
  g_test_assert_expected_messages ();
}

/* The training step's own product kernel (healer-mlp-gemm.c) against a
 * double-precision sum, on shapes that end in every kind of partial tile
 * (rows short of 6, columns short of 8 and 16), with A plain and
 * transposed and every operand inside a wider matrix: the columns of C
 * past N must stay untouched. The same with the bias and activation done
 * by the product (healer_mlp_gemm_activate). Operands are allocated to their exact size,
 * so that ASan would see a read past their ends. */
static void
test_gemm (void)
{
  static const gsize ms[] = { 1, 5, 6, 7, 13, 100 };
  /* 130 and 150: B's rows 132 and 152 floats apart, past the 128 from which
   * whole panels of B are copied first (m = 100), ending in a partial panel. */
  static const gsize ns[] = { 1, 7, 8, 9, 15, 16, 17, 30, 105, 130, 150 };
  static const gsize ks[] = { 1, 3, 30, 200 };
  HealerRng rng;

  g_test_message ("own kernel: %s", healer_mlp_gemm_get_native () ? "yes" : "no (OpenBLAS)");
  healer_rng_init (&rng, 17);
  for (gsize mi = 0; mi < G_N_ELEMENTS (ms); mi++)
    for (gsize ni = 0; ni < G_N_ELEMENTS (ns); ni++)
      for (gsize ki = 0; ki < G_N_ELEMENTS (ks); ki++)
        for (int trans = 0; trans < 2; trans++)
          {
            gsize m = ms[mi], n = ns[ni], k = ks[ki];
            gsize lda = (trans ? m : k) + 3, ldb = n + 2, ldc = n + 5;
            gsize a_len = (trans ? k : m) * lda, b_len = (k - 1) * ldb + n;
            gsize c_len = (m - 1) * ldc + n + 5;
            g_autofree float *a = g_new (float, a_len);
            g_autofree float *b = g_new (float, b_len);
            g_autofree float *c = g_new (float, c_len);

            fill_normal (&rng, a, a_len, 1.0);
            fill_normal (&rng, b, b_len, 1.0);
            for (gsize i = 0; i < c_len; i++)
              c[i] = 12345.0f;
            healer_mlp_gemm (trans, m, n, k, a, lda, b, ldb, c, ldc);
            for (gsize i = 0; i < m; i++)
              {
                for (gsize j = 0; j < n; j++)
                  {
                    double sum = 0.0, mag = 0.0;

                    for (gsize q = 0; q < k; q++)
                      {
                        double t = (double) (trans ? a[q * lda + i] : a[i * lda + q]) *
                                   (double) b[q * ldb + j];

                        sum += t;
                        mag += fabs (t);
                      }
                    g_assert_cmpfloat (fabs (c[i * ldc + j] - sum), <=, (double) k * 1.2e-7 * mag);
                  }
                for (gsize j = n; j < ldc && i * ldc + j < c_len; j++)
                  g_assert_cmpfloat (c[i * ldc + j], ==, 12345.0f);
              }

            /* With the bias and activation in the product: the same bits
             * as in a pass of their own. */
            if (!trans)
              for (gsize q = 0; q < G_N_ELEMENTS (all_activations); q++)
                {
                  g_autofree float *bias = g_new (float, m);
                  g_autofree float *fused = g_new (float, c_len);

                  fill_normal (&rng, bias, m, 1.0);
                  memcpy (fused, c, c_len * sizeof (float));
                  healer_mlp_gemm (FALSE, m, n, k, a, lda, b, ldb, c, ldc);
                  healer_mlp_bias_activate_units (all_activations[q], c, bias, m, n, ldc);
                  healer_mlp_gemm_activate (all_activations[q], m, n, k, a, lda, b, ldb, bias,
                                            fused, ldc);
                  g_assert_cmpmem (c, c_len * sizeof (float), fused, c_len * sizeof (float));
                }
          }
}

#if defined(HEALER_HAVE_OPENBLAS)
int openblas_get_num_threads (void);
int openblas_get_parallel (void);
#endif

/* Threads of this process (Linux), -1 where that cannot be read. */
static gint
count_threads (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/task", 0, NULL);
  gint n = 0;

  if (dir == NULL)
    return -1;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

/* healer_blas_park_threads ends OpenBLAS's idle workers (on Linux, with
 * OpenBLAS's own threads, the process has that many fewer), and a product
 * big enough for several threads afterwards starts them again and gives the
 * bits it gave before. */
static void
test_blas_park (void)
{
  const gsize n = 384;
  g_autofree float *a = g_new (float, n * n);
  g_autofree float *b = g_new (float, n * n);
  g_autofree float *c1 = g_new0 (float, n * n);
  g_autofree float *c2 = g_new0 (float, n * n);
  gsl_matrix_float_view av = gsl_matrix_float_view_array (a, n, n);
  gsl_matrix_float_view bv = gsl_matrix_float_view_array (b, n, n);
  gsl_matrix_float_view c1v = gsl_matrix_float_view_array (c1, n, n);
  gsl_matrix_float_view c2v = gsl_matrix_float_view_array (c2, n, n);
  HealerRng rng;
  gint before, parked, after, workers = 0;

  healer_rng_init (&rng, 5);
  fill_normal (&rng, a, n * n, 1.0);
  fill_normal (&rng, b, n * n, 1.0);
  gsl_blas_sgemm (CblasNoTrans, CblasNoTrans, 1.0f, &av.matrix, &bv.matrix, 0.0f, &c1v.matrix);

  before = count_threads ();
  healer_blas_park_threads ();
#if defined(HEALER_HAVE_OPENBLAS) && defined(__linux__)
  /* 1: OpenBLAS's own pthreads (not OpenMP's, which it does not end) */
  if (openblas_get_parallel () == 1)
    workers = openblas_get_num_threads () - 1;
#endif
  /* A joined thread can still be listed for a moment (its id is cleared,
   * which ends the join, before the kernel drops it): wait for the count. */
  if (before >= 0)
    {
      gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

      while ((parked = count_threads ()) > before - workers && g_get_monotonic_time () < deadline)
        g_usleep (1000);
      g_test_message ("threads: %d, parked %d; OpenBLAS workers %d", before, parked, workers);
      g_assert_cmpint (parked, ==, before - workers);
    }

  gsl_blas_sgemm (CblasNoTrans, CblasNoTrans, 1.0f, &av.matrix, &bv.matrix, 0.0f, &c2v.matrix);
  after = count_threads ();
  g_assert_cmpmem (c1, n * n * sizeof (float), c2, n * n * sizeof (float));
  if (before >= 0)
    g_assert_cmpint (after, ==, before);
}

/* The tests of the training step once more with every product on OpenBLAS,
 * as on processors without AVX2 and FMA. */
static void
test_with_openblas (gconstpointer data)
{
  GTestFunc func = (GTestFunc) data;
  gboolean native = healer_mlp_gemm_get_native ();

  healer_mlp_gemm_set_native (FALSE);
  func ();
  healer_mlp_gemm_set_native (native);
}

/* The same tests on the 8-float kernel where the 16-float one (AVX-512)
 * would run. */
static void
test_with_narrow (gconstpointer data)
{
  GTestFunc func = (GTestFunc) data;
  gboolean wide = healer_mlp_gemm_get_wide ();

  healer_mlp_gemm_set_wide (FALSE);
  func ();
  healer_mlp_gemm_set_wide (wide);
}

/* The 16-float kernel (AVX-512) and the 8-float one give the same bits, so
 * a model does not depend on which of them the processor runs: products
 * ending in every kind of partial tile (rows short of 6, columns short of
 * 8, 16 and 32), plain, with A transposed, and with the bias and each
 * activation. */
static void
test_gemm_wide (void)
{
  static const gsize ms[] = { 1, 2, 3, 5, 6, 7, 13, 100 };
  static const gsize ns[] = { 1, 7, 8, 9, 15, 16, 17, 30, 31, 32, 33, 48, 105, 130, 150, 256 };
  static const gsize ks[] = { 1, 3, 30, 200 };
  HealerRng rng;

  if (!healer_mlp_gemm_get_wide ())
    {
      g_test_skip ("no AVX-512");
      return;
    }
  healer_rng_init (&rng, 23);
  for (gsize mi = 0; mi < G_N_ELEMENTS (ms); mi++)
    for (gsize ni = 0; ni < G_N_ELEMENTS (ns); ni++)
      for (gsize ki = 0; ki < G_N_ELEMENTS (ks); ki++)
        for (guint kind = 0; kind < 2 + G_N_ELEMENTS (all_activations); kind++)
          {
            gsize m = ms[mi], n = ns[ni], k = ks[ki];
            gboolean trans = kind == 1;
            gsize lda = (trans ? m : k) + 3, ldb = n + 2, ldc = n + 5;
            gsize a_len = (trans ? k : m) * lda, b_len = (k - 1) * ldb + n;
            gsize c_len = (m - 1) * ldc + n + 5;
            g_autofree float *a = g_new (float, a_len);
            g_autofree float *b = g_new (float, b_len);
            g_autofree float *bias = g_new (float, m);
            g_autofree float *narrow = g_new (float, c_len);
            g_autofree float *wide = g_new (float, c_len);

            fill_normal (&rng, a, a_len, 1.0);
            fill_normal (&rng, b, b_len, 1.0);
            fill_normal (&rng, bias, m, 1.0);
            for (int w = 0; w < 2; w++)
              {
                float *c = w ? wide : narrow;

                for (gsize i = 0; i < c_len; i++)
                  c[i] = 12345.0f;
                healer_mlp_gemm_set_wide (w);
                if (kind < 2)
                  healer_mlp_gemm (trans, m, n, k, a, lda, b, ldb, c, ldc);
                else
                  healer_mlp_gemm_activate (all_activations[kind - 2], m, n, k, a, lda, b, ldb,
                                            bias, c, ldc);
              }
            g_assert_true (healer_mlp_gemm_get_wide ());
            g_assert_cmpmem (narrow, c_len * sizeof (float), wide, c_len * sizeof (float));
          }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* First, while no other test's threads come or go */
  g_test_add_func ("/mlp/blas-park", test_blas_park);
  g_test_add_func ("/mlp/gradient", test_gradient);
  g_test_add_func ("/mlp/gradient-dropout", test_gradient_dropout);
  g_test_add_func ("/mlp/gradient-smoothing", test_gradient_smoothing);
  g_test_add_func ("/mlp/gradient-no-hidden", test_gradient_no_hidden);
  g_test_add_func ("/mlp/gradient-rows", test_gradient_rows);
  g_test_add_data_func ("/mlp/gradient-openblas", test_gradient, test_with_openblas);
  g_test_add_func ("/mlp/gemm", test_gemm);
  g_test_add_data_func ("/mlp/gemm-openblas", test_gemm, test_with_openblas);
  g_test_add_data_func ("/mlp/gemm-narrow", test_gemm, test_with_narrow);
  g_test_add_func ("/mlp/gemm-wide", test_gemm_wide);
  g_test_add_func ("/mlp/input-gradient", test_input_gradient);
  g_test_add_func ("/mlp/forward-reference", test_forward_matches_reference);
  g_test_add_func ("/mlp/softmax-stable", test_softmax_stable);
  g_test_add_func ("/mlp/chunking", test_chunking);
  g_test_add_func ("/mlp/rowwise-kernels", test_rowwise_kernels);
  g_test_add_func ("/mlp/rowwise-layers", test_rowwise_layers);
  g_test_add_func ("/mlp/activation-kernels", test_activation_kernels);
  g_test_add_func ("/mlp/concurrent-predict", test_concurrent_predict);
  g_test_add_func ("/mlp/seed", test_seed);
  g_test_add_func ("/mlp/init-distribution", test_init_distribution);
  g_test_add_func ("/mlp/learns-xor", test_learns_xor);
  g_test_add_func ("/mlp/dropout", test_dropout);
  g_test_add_func ("/mlp/dropout-mask", test_dropout_mask);
  g_test_add_func ("/mlp/train-step-threads", test_train_step_threads);
  g_test_add_data_func ("/mlp/train-step-threads-openblas", test_train_step_threads,
                        test_with_openblas);
  g_test_add_func ("/mlp/team-stages", test_team_stages);
  g_test_add_func ("/mlp/activation-strings", test_activation_strings);
  g_test_add_func ("/mlp/count-params", test_count_params);
  g_test_add_func ("/mlp/bad-calls", test_bad_calls);

  return g_test_run ();
}
