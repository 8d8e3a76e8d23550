/* healer-projection-tsne.c — t-SNE: exact for small maps, FFT interpolation (or Barnes-Hut) above
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "healer-projection-private.h"
#include "healer-rng.h"

/* The optimisation of van der Maaten & Hinton (2008) with the settings of
 * van der Maaten's Barnes-Hut paper (2014): affinities exaggerated 12× for
 * the first 250 iterations, momentum 0.5 then 0.8 from iteration 250,
 * per-coordinate gains (+0.2 when the gradient changes sign, ×0.8
 * otherwise, at least 0.01), a start from N(0, 10⁻⁴ I). As in the
 * reference description the gradient is written without its constant
 * factor 4, so the learning rate of 200 means the same; for large maps it
 * grows as n/12 (Belkina et al. 2019), which converges in the same number
 * of iterations where 200 would leave the clusters half formed. */
#define EXAGGERATION        12.0
#define EXAGGERATION_STOP   250
#define MOMENTUM            0.5
#define FINAL_MOMENTUM      0.8
#define MOMENTUM_SWITCH     250
#define MIN_GAIN            0.01
#define INIT_SCALE          1e-4
/* Not on Windows: MinGW's GCC does not align the stack to 32 bytes for
 * spilled AVX registers (GCC bug 54412). */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(_WIN32)
#define HEALER_TSNE_HAVE_AVX2 1
#else
#define HEALER_TSNE_HAVE_AVX2 0
#endif
/* Partial sums of the exact gradient, see exact_rows(). */
#define LANES               8

typedef struct
{
  gsize           n;
  gsize           n_pad;
  const float    *dense;         /* exact: joint P, n × n_pad */
  const gsize    *row_ptr;       /* Barnes-Hut: joint P as CSR, n + 1 */
  const guint32  *col;
  const double   *val;
  HealerQuadtree *tree;          /* Barnes-Hut… */
  double          theta;
  HealerTsneFft  *fft;           /* …or grid interpolation */

  const double   *y;             /* n × 2 */
  float          *yx;            /* exact: n_pad, padding far away */
  float          *yy;
  /* per row outputs */
  double         *z;             /* Σ_j≠i q̃_ij */
  double         *attr;          /* n × 2: Σ_j p_ij q̃_ij (y_i − y_j) */
  double         *rep;           /* n × 2: Σ_j q̃_ij² (y_i − y_j) */
  double         *kl;            /* n: Σ_j p_ij log(p_ij / q̃_ij), for the final KL */
  /* FFT: the attraction in single precision (sparse_rows_f) */
  const float    *valf;          /* the affinities times val_scale, tiny ones 0 */
  double          val_scale;
  float          *yf;            /* n × 2: y as floats, refreshed before each gradient */
  gboolean        want_kl;
  gboolean        no_repulsion;  /* attraction (and KL) only: z and rep are not needed */
} Gradient;

/* ---- the gradient ---- */

static void
exact_rows (gpointer data,
            gsize    first,
            gsize    last)
{
  Gradient *g = data;

  for (gsize i = first; i < last; i++)
    {
      const float *prow = g->dense + i * g->n_pad;
      float yix = g->yx[i], yiy = g->yy[i];
      float z[LANES] = { 0 }, rx[LANES] = { 0 }, ry[LANES] = { 0 };
      float ax[LANES] = { 0 }, ay[LANES] = { 0 };
      double zs = 0, rxs = 0, rys = 0, axs = 0, ays = 0;

      /* Eight independent partial sums: vectorisable without letting the
       * compiler reorder a reduction, so the bits are fixed by the source. */
      for (gsize j0 = 0; j0 < g->n_pad; j0 += LANES)
        for (guint l = 0; l < LANES; l++)
          {
            float dx = yix - g->yx[j0 + l];
            float dy = yiy - g->yy[j0 + l];
            float q = 1.0f / (1.0f + dx * dx + dy * dy);
            float pq = prow[j0 + l] * q;
            float q2 = q * q;

            z[l] += q;
            rx[l] += q2 * dx;
            ry[l] += q2 * dy;
            ax[l] += pq * dx;
            ay[l] += pq * dy;
          }
      for (guint l = 0; l < LANES; l++)
        {
          zs += z[l];
          rxs += rx[l];
          rys += ry[l];
          axs += ax[l];
          ays += ay[l];
        }
      g->z[i] = zs - 1.0;     /* j = i contributed q̃ = 1 and no force */
      g->rep[2 * i] = rxs;
      g->rep[2 * i + 1] = rys;
      g->attr[2 * i] = axs;
      g->attr[2 * i + 1] = ays;

      if (g->want_kl)
        {
          double kl = 0.0;

          for (gsize j = 0; j < g->n; j++)
            {
              double pij = prow[j], dx, dy;

              if (j == i || pij < 1e-12)
                continue;
              dx = g->y[2 * i] - g->y[2 * j];
              dy = g->y[2 * i + 1] - g->y[2 * j + 1];
              kl += pij * healer_det_log (pij * (1.0 + dx * dx + dy * dy));
            }
          g->kl[i] = kl;
        }
    }
}

/* The attraction over the sparse affinities, and the repulsion from the
 * quadtree when there is one (else the FFT filled it in already). Four
 * independent partial sums, one per vector lane, the rest of a row in a
 * fifth: the divisions run four at a time and the additions do not wait
 * on each other, and the order of the sums is fixed by the source (the
 * AVX2 build gives the same bits, having no fused multiply-add). */
typedef double HealerTsneV4 __attribute__ ((vector_size (32)));

static inline __attribute__ ((always_inline)) void
sparse_rows_impl (Gradient *g,
                  gsize     first,
                  gsize     last)
{
  const double *y = g->y;

  for (gsize i = first; i < last; i++)
    {
      double yix = y[2 * i], yiy = y[2 * i + 1];
      double ax = 0, ay = 0, kl = 0;
      HealerTsneV4 ax4 = { 0, 0, 0, 0 }, ay4 = { 0, 0, 0, 0 };
      gsize e = g->row_ptr[i], end = g->row_ptr[i + 1];

      if (g->tree != NULL && !g->no_repulsion)
        g->z[i] = healer_quadtree_repulsion (g->tree, y, i, g->theta, g->rep + 2 * i);
      if (g->want_kl)
        for (gsize f = e; f < end; f++)
          {
            guint32 j = g->col[f];
            double dx = yix - y[2 * j], dy = yiy - y[2 * j + 1];
            double d2 = 1.0 + dx * dx + dy * dy;

            /* p log p → 0: affinities that underflowed add nothing. */
            if (g->val[f] > 0)
              kl += g->val[f] * healer_det_log (g->val[f] * d2);
          }
      for (; e + 4 <= end; e += 4)
        {
          const guint32 *j = g->col + e;
          HealerTsneV4 yjx = { y[2 * j[0]], y[2 * j[1]], y[2 * j[2]], y[2 * j[3]] };
          HealerTsneV4 yjy = { y[2 * j[0] + 1], y[2 * j[1] + 1], y[2 * j[2] + 1], y[2 * j[3] + 1] };
          HealerTsneV4 v = { g->val[e], g->val[e + 1], g->val[e + 2], g->val[e + 3] };
          HealerTsneV4 dx = yix - yjx, dy = yiy - yjy;
          HealerTsneV4 pq = v / (1.0 + dx * dx + dy * dy);

          ax4 += pq * dx;
          ay4 += pq * dy;
        }
      for (; e < end; e++)
        {
          guint32 j = g->col[e];
          double dx = yix - y[2 * j], dy = yiy - y[2 * j + 1];
          double pq = g->val[e] / (1.0 + dx * dx + dy * dy);

          ax += pq * dx;
          ay += pq * dy;
        }
      g->attr[2 * i] = ((ax4[0] + ax4[1]) + (ax4[2] + ax4[3])) + ax;
      g->attr[2 * i + 1] = ((ay4[0] + ay4[1]) + (ay4[2] + ay4[3])) + ay;
      if (g->want_kl)
        g->kl[i] = kl;
    }
}

static void
sparse_rows (gpointer data,
             gsize    first,
             gsize    last)
{
  sparse_rows_impl (data, first, last);
}

#if HEALER_TSNE_HAVE_AVX2
__attribute__ ((target ("avx2")))
static void
sparse_rows_avx2 (gpointer data,
                  gsize    first,
                  gsize    last)
{
  sparse_rows_impl (data, first, last);
}
#endif

/* The FFT's attraction in single precision, eight neighbours at a time:
 * sparse_rows_impl waits on its double divisions (a quarter of a 5000-row
 * map's CPU, half of it on or just after vdivpd), and eight float lanes
 * take about half the time per neighbour (0.6-0.9 ns against 1.1-1.8 in a
 * loop of the kernel alone). The neighbours' coordinates are gathered as (x, y) pairs,
 * one 8-byte load each, and split into x and y lanes by one shuffle. The
 * affinities are scaled to about 1 (val_scale) and those below 1e-20 of
 * that are 0, so no subnormal float slows the lanes; the rounding (1e-7
 * relative, coordinates to ~1e-5 on a map 200 wide) is far below the
 * repulsion's interpolation error (~1e-3). Eight partial sums in a fixed
 * order, the rest of a row in a ninth, then double: the same bits for
 * the AVX2 and the portable build and any number of threads. */
typedef float HealerTsneV8f __attribute__ ((vector_size (32)));
typedef int HealerTsneV8i __attribute__ ((vector_size (32)));
/* an (x, y) pair of floats, moved as one 8-byte value */
typedef double HealerTsnePair __attribute__ ((may_alias));

static inline __attribute__ ((always_inline)) void
sparse_rows_f_impl (Gradient *g,
                    gsize     first,
                    gsize     last)
{
  const HealerTsnePair *yp = (const HealerTsnePair *) g->yf;

  /* no KL terms here: the final pass takes sparse_rows_impl */
  g_assert (!g->want_kl);
#if !defined(__clang__)
  const HealerTsneV8i xs = { 0, 2, 8, 10, 4, 6, 12, 14 }, ys = { 1, 3, 9, 11, 5, 7, 13, 15 };
#endif

  for (gsize i = first; i < last; i++)
    {
      float yix = g->yf[2 * i], yiy = g->yf[2 * i + 1];
      float ax = 0, ay = 0;
      HealerTsneV8f ax8 = { 0 }, ay8 = { 0 };
      gsize e = g->row_ptr[i], end = g->row_ptr[i + 1];
      double sx, sy;

      for (; e + 8 <= end; e += 8)
        {
          const guint32 *j = g->col + e;
          /* [p0 p1 | p4 p5] and [p2 p3 | p6 p7] as (x, y) pairs: one
           * in-lane shuffle each way gives x0…x7 and y0…y7 */
          HealerTsneV4 a = { yp[j[0]], yp[j[1]], yp[j[4]], yp[j[5]] };
          HealerTsneV4 b = { yp[j[2]], yp[j[3]], yp[j[6]], yp[j[7]] };
          HealerTsneV8f va = (HealerTsneV8f) a, vb = (HealerTsneV8f) b;
#if defined(__clang__)
          HealerTsneV8f dx = yix - __builtin_shufflevector (va, vb, 0, 2, 8, 10, 4, 6, 12, 14);
          HealerTsneV8f dy = yiy - __builtin_shufflevector (va, vb, 1, 3, 9, 11, 5, 7, 13, 15);
#else
          HealerTsneV8f dx = yix - __builtin_shuffle (va, vb, xs);
          HealerTsneV8f dy = yiy - __builtin_shuffle (va, vb, ys);
#endif
          HealerTsneV8f v;
          HealerTsneV8f pq;

          memcpy (&v, g->valf + e, sizeof v);
          pq = v / (1.0f + dx * dx + dy * dy);
          ax8 += pq * dx;
          ay8 += pq * dy;
        }
      for (; e < end; e++)
        {
          guint32 j = g->col[e];
          float dx = yix - g->yf[2 * j], dy = yiy - g->yf[2 * j + 1];
          float pq = g->valf[e] / (1.0f + dx * dx + dy * dy);

          ax += pq * dx;
          ay += pq * dy;
        }
      sx = (((double) ax8[0] + ax8[1]) + ((double) ax8[2] + ax8[3])) +
           (((double) ax8[4] + ax8[5]) + ((double) ax8[6] + ax8[7])) + ax;
      sy = (((double) ay8[0] + ay8[1]) + ((double) ay8[2] + ay8[3])) +
           (((double) ay8[4] + ay8[5]) + ((double) ay8[6] + ay8[7])) + ay;
      g->attr[2 * i] = sx / g->val_scale;
      g->attr[2 * i + 1] = sy / g->val_scale;
    }
}

static void
sparse_rows_f (gpointer data,
               gsize    first,
               gsize    last)
{
  sparse_rows_f_impl (data, first, last);
}

#if HEALER_TSNE_HAVE_AVX2
__attribute__ ((target ("avx2")))
static void
sparse_rows_f_avx2 (gpointer data,
                    gsize    first,
                    gsize    last)
{
  sparse_rows_f_impl (data, first, last);
}
#endif

/* Σ_j≠i q̃_ij exactly, for the final KL of an approximate map: its log Z
 * is then the map's own, not the approximation's, so the figure shown
 * compares across algorithms. Four independent partial sums as above. */
static void
exact_z_rows (gpointer data,
              gsize    first,
              gsize    last)
{
  Gradient *g = data;

  for (gsize i = first; i < last; i++)
    {
      double yix = g->y[2 * i], yiy = g->y[2 * i + 1];
      double z[4] = { 0 };
      gsize j = 0;

      for (; j + 4 <= g->n; j += 4)
        for (guint l = 0; l < 4; l++)
          {
            double dx = yix - g->y[2 * (j + l)], dy = yiy - g->y[2 * (j + l) + 1];

            z[l] += 1.0 / (1.0 + dx * dx + dy * dy);
          }
      for (; j < g->n; j++)
        {
          double dx = yix - g->y[2 * j], dy = yiy - g->y[2 * j + 1];

          z[0] += 1.0 / (1.0 + dx * dx + dy * dy);
        }
      g->z[i] = ((z[0] + z[1]) + (z[2] + z[3])) - 1.0;
    }
}

typedef struct
{
  Gradient *g;
  gsize     offset;
} ExactZBlock;

static void
exact_z_block (gpointer data,
               gsize    first,
               gsize    last)
{
  ExactZBlock *b = data;

  exact_z_rows (b->g, b->offset + first, b->offset + last);
}

/* Fills g->z, attr, rep (and kl) for the current g->y; returns Z = Σ z_i. */
static double
compute_gradient_terms (Gradient       *g,
                        HealerParallel *par)
{
  double total = 0.0;

  if (g->dense != NULL)
    {
      for (gsize i = 0; i < g->n; i++)
        {
          g->yx[i] = (float) g->y[2 * i];
          g->yy[i] = (float) g->y[2 * i + 1];
        }
      healer_parallel_run (par, g->n, exact_rows, g);
    }
  else
    {
      HealerParallelFunc attraction = sparse_rows;

#if HEALER_TSNE_HAVE_AVX2
      /* the FFT's kernel choice: one switch for both in the tests */
      if (healer_fft_get_kernel () == HEALER_FFT_KERNEL_AVX2)
        attraction = sparse_rows_avx2;
#endif
      if (g->fft != NULL && !g->no_repulsion)
        {
          /* The descent's attraction in floats; the final pass's (with
           * the FFT's own Z: maps above HEALER_TSNE_EXACT_LIMIT rows) in
           * doubles, which also sums the KL terms. */
          if (!g->want_kl)
            {
              attraction = sparse_rows_f;
#if HEALER_TSNE_HAVE_AVX2
              if (healer_fft_get_kernel () == HEALER_FFT_KERNEL_AVX2)
                attraction = sparse_rows_f_avx2;
#endif
              for (gsize i = 0; i < 2 * g->n; i++)
                g->yf[i] = (float) g->y[i];
            }
          /* the attraction in the same pass as the grid's first step */
          if (!healer_tsne_fft_repulsion (g->fft, g->y, g->n, par, g->z, g->rep, attraction, g))
            return NAN;
        }
      else
        {
          if (g->tree != NULL && !g->no_repulsion)
            healer_quadtree_build (g->tree, g->y, g->n);
          healer_parallel_run (par, g->n, attraction, g);
        }
    }
  /* Row order, whatever the threads: the same sum every time. */
  for (gsize i = 0; i < g->n; i++)
    total += g->z[i];
  return total;
}

static inline double
sign (double x)
{
  return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
}

/* Irwin–Hall: twelve uniforms make a normal deviate to within 0.01 in its
 * quantiles, from exact arithmetic; healer_rng_normal() goes through libm's
 * log and cos, whose last bits vary by platform. */
static double
init_normal (HealerRng *rng)
{
  double s = 0.0;

  for (guint k = 0; k < 12; k++)
    s += healer_rng_uniform (rng);
  return s - 6.0;
}

gboolean
healer_projection_tsne (const float                  *x,
                        gsize                         n,
                        guint                         d,
                        const HealerProjectionConfig *config,
                        HealerProjection             *result,
                        GCancellable                 *cancellable,
                        HealerProjectionReporter     *reporter,
                        GError                      **error)
{
  g_autoptr(HealerParallel) par = NULL;
  g_autoptr(HealerQuadtree) tree = NULL;
  g_autoptr(HealerTsneFft) fft = NULL;
  g_autofree double *mean = g_new0 (double, d);
  g_autofree double *y = g_new (double, 2 * n);
  g_autofree double *update = g_new0 (double, 2 * n);
  g_autofree double *gains = g_new (double, 2 * n);
  g_autofree double *grad = g_new (double, 2 * n);
  g_autofree double *z = g_new (double, n);
  g_autofree double *attr = g_new (double, 2 * n);
  g_autofree double *rep = g_new (double, 2 * n);
  g_autofree double *kl = g_new0 (double, n);
  g_autofree float *yx = NULL, *yy = NULL;
  g_autofree gsize *row_ptr = NULL;
  g_autofree guint32 *col = NULL;
  g_autofree double *val = NULL;
  g_autofree float *valf = NULL, *yf = NULL;
  HealerTsneAffinity a = { 0 };
  Gradient g = { 0 };
  HealerRng rng;
  double max_abs = 0.0, eta, kl_sum = 0.0, zsum;
  HealerTsneAlgorithm algorithm = config->algorithm;
  gboolean exact;
  gboolean ok = FALSE;

  par = healer_parallel_new (config->n_threads > 0 ? config->n_threads
                                                   : MIN (g_get_num_processors (), 16));
  if (algorithm == HEALER_TSNE_AUTO)
    algorithm = n <= HEALER_TSNE_EXACT_MAX_ROWS ? HEALER_TSNE_EXACT
                : n < HEALER_TSNE_FFT_MIN_ROWS ? HEALER_TSNE_BARNES_HUT : HEALER_TSNE_FFT;
  exact = algorithm == HEALER_TSNE_EXACT;

  /* Centred and scaled to at most 1 in magnitude: the affinities do not
   * depend on either (β adapts), and the float distances stay in range. */
  a.n = n;
  a.d = d;
  a.n_pad = (n + HEALER_TSNE_TILE_COLS - 1) / HEALER_TSNE_TILE_COLS * HEALER_TSNE_TILE_COLS;
  a.perplexity = config->perplexity;
  a.exact = exact;
  a.k = exact ? 0 : (guint) MIN (n - 1, (gsize) (3 * config->perplexity));
#if defined(HEALER_HAVE_OPENBLAS)
  a.brute_force = FALSE;
#else
  /* GSL's reference sgemm is slower than the brute force's own loops. */
  a.brute_force = TRUE;
#endif
  /* The large blocks may not fit: an error, not an abort, so the app
   * keeps running and says so. */
  a.xr = g_try_malloc_n (n, d * sizeof (float));
  a.xt = g_try_malloc0_n (a.n_pad, d * sizeof (float));
  if (exact)
    a.dense = g_try_malloc_n (n, a.n_pad * sizeof (float));
  else
    {
      a.nn_index = g_try_malloc_n (n, a.k * sizeof (guint32));
      a.nn_p = g_try_malloc_n (n, a.k * sizeof (double));
    }
  if (a.xr == NULL || a.xt == NULL ||
      (exact ? a.dense == NULL : (a.nn_index == NULL || a.nn_p == NULL)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE,
                   _("Not enough memory for a t-SNE map of %zu rows"), n);
      goto out;
    }
  for (gsize i = 0; i < n; i++)
    for (guint c = 0; c < d; c++)
      mean[c] += x[i * d + c];
  for (guint c = 0; c < d; c++)
    mean[c] /= (double) n;
  for (gsize i = 0; i < n * d; i++)
    max_abs = MAX (max_abs, fabs (x[i] - mean[i % d]));
  if (max_abs == 0.0)
    max_abs = 1.0;
  for (gsize i = 0; i < n; i++)
    for (guint c = 0; c < d; c++)
      {
        float v = (float) ((x[i * d + c] - mean[c]) / max_abs);

        a.xr[i * d + c] = v;
        a.xt[(gsize) c * a.n_pad + i] = v;
      }
  if (!healer_tsne_affinities_compute (&a, par, cancellable, reporter, error))
    goto out;
  g_clear_pointer (&a.xr, g_free);
  g_clear_pointer (&a.xt, g_free);

  g.n = n;
  g.n_pad = a.n_pad;
  g.theta = config->theta;
  g.y = y;
  g.z = z;
  g.attr = attr;
  g.rep = rep;
  g.kl = kl;
  if (exact)
    {
      healer_tsne_symmetrise_dense (a.dense, n, a.n_pad);
      g.dense = a.dense;
      yx = g_new (float, a.n_pad);
      yy = g_new (float, a.n_pad);
      /* Padding points so far away that they add nothing a float can hold. */
      for (gsize j = n; j < a.n_pad; j++)
        yx[j] = yy[j] = 1e15f;
      g.yx = yx;
      g.yy = yy;
    }
  else
    {
      healer_tsne_symmetrise_sparse (&a, &row_ptr, &col, &val);
      g_clear_pointer (&a.nn_index, g_free);
      g_clear_pointer (&a.nn_p, g_free);
      g.row_ptr = row_ptr;
      g.col = col;
      g.val = val;
      if (algorithm == HEALER_TSNE_FFT)
        {
          gsize nnz = row_ptr[n];

          fft = healer_tsne_fft_new ();
          g.fft = fft;
          /* the affinities sum to 1: times nnz they average 1 */
          g.val_scale = (double) MAX (nnz, 1);
          valf = g_new (float, MAX (nnz, 1));
          for (gsize e = 0; e < nnz; e++)
            {
              double v = val[e] * g.val_scale;

              valf[e] = v < 1e-20 ? 0.0f : (float) v;
            }
          yf = g_new (float, 2 * n);
          g.valf = valf;
          g.yf = yf;
        }
      else
        {
          tree = healer_quadtree_new ();
          g.tree = tree;
        }
    }

  healer_rng_init (&rng, config->seed);
  for (gsize i = 0; i < 2 * n; i++)
    {
      y[i] = INIT_SCALE * init_normal (&rng);
      gains[i] = 1.0;
    }
  eta = config->learning_rate > 0 ? config->learning_rate : MAX (200.0, n / EXAGGERATION);

  for (guint iter = 0; iter < config->iterations; iter++)
    {
      double exaggeration = iter < EXAGGERATION_STOP ? EXAGGERATION : 1.0;
      double momentum = iter < MOMENTUM_SWITCH ? MOMENTUM : FINAL_MOMENTUM;
      double cx = 0.0, cy = 0.0;

      if (!healer_projection_check_cancel (cancellable, error))
        goto out;
      healer_projection_report (reporter, HEALER_PROJECTION_STAGE_OPTIMISING, iter,
                                config->iterations,
                                HEALER_TSNE_FRACTION_AFFINITIES + (1 - HEALER_TSNE_FRACTION_AFFINITIES) *
                                iter / config->iterations);

      zsum = compute_gradient_terms (&g, par);
      if (!isfinite (zsum))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("The t-SNE optimisation diverged at iteration %u: the map is no longer finite"),
                       iter);
          goto out;
        }
      for (gsize i = 0; i < 2 * n; i++)
        grad[i] = exaggeration * attr[i] - rep[i] / zsum;

      for (gsize i = 0; i < 2 * n; i++)
        {
          gains[i] = sign (grad[i]) != sign (update[i]) ? gains[i] + 0.2 : gains[i] * 0.8;
          if (gains[i] < MIN_GAIN)
            gains[i] = MIN_GAIN;
          update[i] = momentum * update[i] - eta * gains[i] * grad[i];
          y[i] += update[i];
        }
      for (gsize i = 0; i < n; i++)
        {
          cx += y[2 * i];
          cy += y[2 * i + 1];
        }
      cx /= (double) n;
      cy /= (double) n;
      for (gsize i = 0; i < n; i++)
        {
          y[2 * i] -= cx;
          y[2 * i + 1] -= cy;
        }
    }

  /* KL(P‖Q) of the final map: Σ p log(p / (q̃ / Z)) = Σ p log(p q̃⁻¹) + log Z. */
  g.want_kl = TRUE;
  /* O(n²): in blocks, cancellable; above HEALER_TSNE_EXACT_LIMIT rows the
   * approximation's own Z stands. With the exact Z the approximation is
   * not needed at all (and the FFT's grid may have to grow for it). */
  g.no_repulsion = !exact && n <= HEALER_TSNE_EXACT_LIMIT;
  zsum = compute_gradient_terms (&g, par);
  if (g.no_repulsion)
    {
      for (gsize start = 0; start < n; start += 1024)
        {
          ExactZBlock block = { &g, start };

          if (!healer_projection_check_cancel (cancellable, error))
            goto out;
          healer_parallel_run (par, MIN (1024, n - start), exact_z_block, &block);
        }
      zsum = 0.0;
      for (gsize i = 0; i < n; i++)
        zsum += z[i];
    }
  if (!isfinite (zsum))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("The t-SNE optimisation diverged at iteration %u: the map is no longer finite"),
                   config->iterations);
      goto out;
    }
  for (gsize i = 0; i < n; i++)
    kl_sum += kl[i];
  result->kl_divergence = kl_sum + healer_det_log (zsum);

  result->xy = g_new (float, 2 * n);
  for (gsize i = 0; i < 2 * n; i++)
    result->xy[i] = (float) y[i];
  result->algorithm = algorithm;
  result->perplexity = config->perplexity;
  result->iterations = config->iterations;
  ok = TRUE;

out:
  g_free (a.xr);
  g_free (a.xt);
  g_free (a.dense);
  g_free (a.nn_index);
  g_free (a.nn_p);
  return ok;
}
