/* healer-projection-pca.c — the first two principal components, exactly
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <gsl/gsl_eigen.h>
#include <gsl/gsl_matrix.h>

#include "healer-projection-private.h"

#define PCA_CHUNK_ROWS 1024

G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_matrix, gsl_matrix_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (gsl_vector, gsl_vector_free)

/* Why an eigendecomposition of d × d covariance (or of the n × n Gram
 * matrix when there are fewer rows than columns) rather than an SVD of the
 * n × d data: the spaces here are narrow (tens of selected KPIs, a few
 * hundred hidden units) and the rows many, so forming the covariance costs
 * n·d²/2 multiply-adds in one streaming pass and gsl_eigen_symmv then works
 * on a d × d matrix, where gsl_linalg_SV_decomp would need an n × d double
 * copy and several passes over it. Squaring the condition number only costs
 * precision in the smallest components, and we keep the two largest. Both
 * are exact decompositions (no sampling, no iteration count to tune), and
 * neither uses BLAS, whose summation order depends on the CPU and threads. */

static void
pca_sign_and_ratio (double       *v,
                    guint         d,
                    double        lambda,
                    double        trace,
                    double       *ratio)
{
  guint best = 0;

  /* Deterministic orientation: the loading of largest magnitude is
   * positive (the first one on ties), so reruns and other platforms give
   * the same picture, not a mirror image. */
  for (guint a = 1; a < d; a++)
    if (fabs (v[a]) > fabs (v[best]))
      best = a;
  if (v[best] < 0)
    for (guint a = 0; a < d; a++)
      v[a] = -v[a];
  *ratio = trace > 0 && lambda > 0 ? lambda / trace : 0.0;
}

/* Eigenvectors of the symmetric @m (k × k, overwritten) for its two largest
 * eigenvalues, into @vec (2 × k) and @val. */
static void
pca_top_two (gsl_matrix *m,
             double     *vec,
             double     *val)
{
  gsize k = m->size1;
  g_autoptr(gsl_vector) eval = gsl_vector_alloc (k);
  g_autoptr(gsl_matrix) evec = gsl_matrix_alloc (k, k);
  gsl_eigen_symmv_workspace *ws = gsl_eigen_symmv_alloc (k);

  gsl_eigen_symmv (m, eval, evec, ws);
  gsl_eigen_symmv_free (ws);
  gsl_eigen_symmv_sort (eval, evec, GSL_EIGEN_SORT_VAL_DESC);
  for (guint c = 0; c < 2; c++)
    {
      if (c >= k)
        {
          memset (vec + c * k, 0, k * sizeof (double));
          val[c] = 0.0;
          continue;
        }
      val[c] = MAX (gsl_vector_get (eval, c), 0.0);
      for (gsize a = 0; a < k; a++)
        vec[c * k + a] = gsl_matrix_get (evec, a, c);
    }
}

gboolean
healer_projection_pca (const float              *x,
                       gsize                     n,
                       guint                     d,
                       float                    *xy,
                       double                   *ratio,
                       GCancellable             *cancellable,
                       HealerProjectionReporter *reporter,
                       GError                  **error)
{
  g_autofree double *mean = g_new0 (double, d);
  g_autofree double *load = g_new0 (double, 2 * (gsize) d);
  g_autofree double *xc = g_new (double, d);
  double lambda[2] = { 0, 0 };
  double trace = 0.0;

  for (gsize i = 0; i < n; i++)
    for (guint a = 0; a < d; a++)
      mean[a] += x[i * d + a];
  for (guint a = 0; a < d; a++)
    mean[a] /= (double) n;

  if (d <= n)
    {
      g_autoptr(gsl_matrix) cov = gsl_matrix_calloc (d, d);
      double *c = cov->data;   /* calloc'd: tda == d */

      for (gsize i = 0; i < n; i++)
        {
          if (i % PCA_CHUNK_ROWS == 0)
            {
              if (!healer_projection_check_cancel (cancellable, error))
                return FALSE;
              healer_projection_report (reporter, HEALER_PROJECTION_STAGE_OPTIMISING, i, n,
                                        0.05 + 0.85 * i / n);
            }
          for (guint a = 0; a < d; a++)
            xc[a] = x[i * d + a] - mean[a];
          /* Upper triangle only; the inner loop is a plain vector update. */
          for (guint a = 0; a < d; a++)
            {
              double xa = xc[a];
              double *row = c + (gsize) a * d;

              for (guint b = a; b < d; b++)
                row[b] += xa * xc[b];
            }
        }
      for (guint a = 0; a < d; a++)
        {
          trace += c[(gsize) a * d + a];
          for (guint b = 0; b < a; b++)
            c[(gsize) a * d + b] = c[(gsize) b * d + a];
        }
      pca_top_two (cov, load, lambda);
    }
  else
    {
      /* Fewer rows than columns: eigenvectors u of the Gram matrix X Xᵀ
       * give the loadings v = Xᵀ u / √λ, with the same eigenvalues. */
      g_autoptr(gsl_matrix) gram = gsl_matrix_calloc (n, n);
      g_autofree double *centred = g_new (double, n * d);
      g_autofree double *u = g_new (double, 2 * n);

      for (gsize i = 0; i < n; i++)
        for (guint a = 0; a < d; a++)
          centred[i * d + a] = x[i * d + a] - mean[a];
      for (gsize i = 0; i < n; i++)
        {
          if (!healer_projection_check_cancel (cancellable, error))
            return FALSE;
          for (gsize j = 0; j <= i; j++)
            {
              double s = 0.0;

              for (guint a = 0; a < d; a++)
                s += centred[i * d + a] * centred[j * d + a];
              gsl_matrix_set (gram, i, j, s);
              gsl_matrix_set (gram, j, i, s);
            }
          trace += gsl_matrix_get (gram, i, i);
        }
      pca_top_two (gram, u, lambda);
      for (guint k = 0; k < 2; k++)
        {
          double inv = lambda[k] > 0 ? 1.0 / sqrt (lambda[k]) : 0.0;

          for (gsize i = 0; i < n; i++)
            for (guint a = 0; a < d; a++)
              load[k * d + a] += centred[i * d + a] * u[k * n + i];
          for (guint a = 0; a < d; a++)
            load[k * d + a] *= inv;
        }
    }

  if (!healer_projection_check_cancel (cancellable, error))
    return FALSE;
  for (guint k = 0; k < 2; k++)
    pca_sign_and_ratio (load + k * d, d, lambda[k], trace, &ratio[k]);

  for (gsize i = 0; i < n; i++)
    for (guint k = 0; k < 2; k++)
      {
        double s = 0.0;

        for (guint a = 0; a < d; a++)
          s += (x[i * d + a] - mean[a]) * load[k * d + a];
        xy[i * 2 + k] = (float) s;
      }
  return TRUE;
}
