/* healer-projection-private.h — what the PCA, t-SNE and their driver share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <math.h>

#include "healer-parallel.h"
#include "healer-projection.h"

/* The same bits on every platform also need a·b + c never fused into one
 * FMA, which GCC does by default wherever the CPU has one (aarch64…). This
 * header comes first in the projection's files, so it covers all of them. */
#if defined (__clang__)
# pragma STDC FP_CONTRACT OFF
#elif defined (__GNUC__)
# pragma GCC optimize ("fp-contract=off")
#endif

G_BEGIN_DECLS

/* Progress reports, thinned to about a hundred per run whatever its length. */
typedef struct
{
  HealerProjectionProgressFunc func;
  gpointer                     user_data;
  GTimer                      *timer;
  HealerProjectionStage        last_stage;
  double                       last_fraction;
  gboolean                     started;
} HealerProjectionReporter;

void     healer_projection_report (HealerProjectionReporter *reporter,
                                   HealerProjectionStage     stage,
                                   guint64                   done,
                                   guint64                   total,
                                   double                    fraction);

/* Cancelled → FALSE with G_IO_ERROR_CANCELLED in @error. */
gboolean healer_projection_check_cancel (GCancellable  *cancellable,
                                         GError       **error);

/* The first two principal components of @x (n × d): scores into @xy (n × 2)
 * and their shares of the total variance into @ratio. */
gboolean healer_projection_pca  (const float              *x,
                                 gsize                     n,
                                 guint                     d,
                                 float                    *xy,
                                 double                   *ratio,
                                 GCancellable             *cancellable,
                                 HealerProjectionReporter *reporter,
                                 GError                  **error);

/* t-SNE of @x (n × d) into @result (xy allocated, algorithm, perplexity,
 * iterations, kl_divergence filled in). @config was validated. */
gboolean healer_projection_tsne (const float                  *x,
                                 gsize                         n,
                                 guint                         d,
                                 const HealerProjectionConfig *config,
                                 HealerProjection             *result,
                                 GCancellable                 *cancellable,
                                 HealerProjectionReporter     *reporter,
                                 GError                      **error);


/* Barnes-Hut quadtree over the 2-D points of a t-SNE map (rebuilt every
 * iteration). A cell is summarised by its centre of mass when its side is
 * below theta times its distance to the point. */
typedef struct _HealerQuadtree HealerQuadtree;

HealerQuadtree *healer_quadtree_new        (void);
void            healer_quadtree_free       (HealerQuadtree *self);
/* @y: n × 2 doubles, all finite. */
void            healer_quadtree_build      (HealerQuadtree *self,
                                            const double   *y,
                                            gsize           n);
/* Σ_j≠i q̃_ij (returned) and Σ_j≠i q̃_ij² (y_i − y_j) (into @rep, 2 doubles),
 * with q̃_ij = 1 / (1 + |y_i − y_j|²). Read-only: threads share the tree. */
double          healer_quadtree_repulsion  (const HealerQuadtree *self,
                                            const double         *y,
                                            gsize                 i,
                                            double                theta,
                                            double               *rep);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerQuadtree, healer_quadtree_free)

/* The same two sums for every point at once by interpolation on a grid and
 * FFT convolution (healer-projection-fft.c); the grid and its buffers are
 * kept from one iteration to the next. */
typedef struct _HealerTsneFft HealerTsneFft;

/* Interpolation nodes per box side, and the boxes' width on a wide map
 * (healer-projection-fft.c says why). */
#define HEALER_TSNE_FFT_NODES      4
#define HEALER_TSNE_FFT_BOX_WIDTH  3.125

HealerTsneFft  *healer_tsne_fft_new        (void);
void            healer_tsne_fft_free       (HealerTsneFft  *self);
/* @y: n × 2 doubles; Σ_j≠i q̃_ij into @z (n) and Σ_j≠i q̃_ij² (y_i − y_j)
 * into @rep (n × 2). FALSE, nothing written, when a coordinate is not finite.
 * @also (may be NULL) runs over the rows [0, n) in the same pass over the
 * threads as the first per-point step, which saves a hand-over between
 * threads: the t-SNE's attraction, which needs nothing from the grid. */
gboolean        healer_tsne_fft_repulsion  (HealerTsneFft      *self,
                                            const double       *y,
                                            gsize               n,
                                            HealerParallel     *par,
                                            double             *z,
                                            double             *rep,
                                            HealerParallelFunc  also,
                                            gpointer            also_data);

/* Whether the last call summed the near pairs exactly (for the tests). */
gboolean        healer_tsne_fft_near_used  (const HealerTsneFft *self);
/* Tests: whether a last block of at most HEALER_FFT_SMALL_BATCH frequencies
 * may run on a small batch (the default); the same bits either way. */
void            healer_tsne_fft_set_small_block (HealerTsneFft *self,
                                                 gboolean       small);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerTsneFft, healer_tsne_fft_free)

/* Complex FFTs of HEALER_FFT_BATCH sequences at once, of a length 2^a 3^b
 * (healer-projection-fft-batch.c). A buffer holds the real parts, element
 * j of sequence b at [j · HEALER_FFT_BATCH + b], then the imaginary parts
 * alike; healer_fft_buffer_new() gives one of n elements, aligned. Single
 * precision: twice the values per instruction and half the memory traffic
 * of doubles, and its relative error (about 1e-7 · log n) is far below the
 * interpolation's (1e-3 to 1e-2) and Barnes-Hut's. */
#define HEALER_FFT_BATCH 32

typedef struct _HealerFftPlan HealerFftPlan;

typedef enum
{
  HEALER_FFT_KERNEL_PORTABLE,
  HEALER_FFT_KERNEL_AVX2,
} HealerFftKernel;

/* NULL unless @n is 2^a 3^b. */
HealerFftPlan  *healer_fft_plan_new        (guint                n);
void            healer_fft_plan_free       (HealerFftPlan       *plan);
guint           healer_fft_plan_get_length (const HealerFftPlan *plan);
float          *healer_fft_buffer_new      (guint                n);
void            healer_fft_buffer_free     (float               *buffer);
/* Transforms @x (y_k = Σ_j x_j e^(∓2πi jk/n), − forward, + inverse, not
 * divided by n), using @y as the other buffer; returns the one holding
 * the result (@x or @y). */
float          *healer_fft_batch           (const HealerFftPlan *plan,
                                            float               *x,
                                            float               *y,
                                            gboolean             inverse);
/* The same on HEALER_FFT_SMALL_BATCH sequences (element j of sequence b
 * at [j · HEALER_FFT_SMALL_BATCH + b]): each sequence gets the very same
 * operations, so the same bits, as in a full batch. */
#define HEALER_FFT_SMALL_BATCH 8
float          *healer_fft_batch_small     (const HealerFftPlan *plan,
                                            float               *x,
                                            float               *y,
                                            gboolean             inverse);
/* The AVX2 build where the processor has it; tests force either to check
 * that both give the same bits. */
void            healer_fft_set_kernel      (HealerFftKernel      kernel);
HealerFftKernel healer_fft_get_kernel      (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerFftPlan, healer_fft_plan_free)

/* ---- t-SNE affinities (healer-projection-affinity.c) ---- */

#define HEALER_TSNE_TILE_COLS            256   /* columns of a distance tile; rows are padded to it */
/* Progress: the affinities run from START to AFFINITIES, the descent to 1. */
#define HEALER_TSNE_FRACTION_START       0.05
#define HEALER_TSNE_FRACTION_AFFINITIES  0.25

typedef struct
{
  gsize         n;
  guint         d;
  gsize         n_pad;           /* n rounded up to HEALER_TSNE_TILE_COLS */
  float        *xr;              /* n × d, centred and scaled */
  float        *xt;              /* d × n_pad, the same transposed, zero padded */
  double        perplexity;
  guint         k;               /* neighbours per row (Barnes-Hut) */
  gboolean      exact;
  /* Neighbours: the brute-force distances of every pair (TRUE), or
   * candidates from one matrix product and their distances alone (FALSE,
   * the default where OpenBLAS is linked); the same neighbours and the
   * same bits either way. */
  gboolean      brute_force;

  /* outputs: conditional affinities p_{j|i} */
  float        *dense;           /* exact: n × n_pad */
  guint32      *nn_index;        /* Barnes-Hut: n × k, nearest first */
  double       *nn_p;            /* n × k */
} HealerTsneAffinity;

/* Conditional affinities p_{j|i} of every row at a->perplexity: over all
 * other rows (a->exact) or over the a->k nearest, by brute force. */
gboolean healer_tsne_affinities_compute (HealerTsneAffinity       *a,
                                         HealerParallel           *par,
                                         GCancellable             *cancellable,
                                         HealerProjectionReporter *reporter,
                                         GError                  **error);
/* p_ij = (p_{j|i} + p_{i|j}) / Σ, symmetric and summing to 1: in place in
 * the dense n × n_pad matrix, or from the neighbour lists into CSR (row i
 * holds j when j is among i's neighbours or i among j's). */
void     healer_tsne_symmetrise_dense   (float                    *dense,
                                         gsize                     n,
                                         gsize                     n_pad);
void     healer_tsne_symmetrise_sparse  (const HealerTsneAffinity *a,
                                         gsize                   **row_ptr_out,
                                         guint32                 **col_out,
                                         double                  **val_out);

/* exp() and log() from + − × ÷ only. libm's differ in the last bit between
 * platforms, and t-SNE amplifies one-ulp differences in the affinities into
 * a different map; these give the same bits wherever doubles are IEEE. */
static inline double
healer_det_exp (double x)
{
  const double ln2_hi = 6.93147180369123816490e-01;
  const double ln2_lo = 1.90821492927058770002e-10;
  const double shifter = 0x1.8p52;
  double k, r, p;
  union { double d; guint64 u; } scale;
  int ki;

  if (!(x > -745.0))
    return isnan (x) ? x : 0.0;
  if (x > 709.0)
    return HUGE_VAL;
  /* Round to nearest by the 1.5·2⁵² shift: exact IEEE arithmetic, no libm. */
  k = (x * 1.44269504088896338700 + shifter) - shifter;
  ki = (int) k;
  /* Cody–Waite: ln2_hi has few enough bits that k·ln2_hi is exact. */
  r = (x - k * ln2_hi) - k * ln2_lo;
  /* |r| ≤ 0.35: Taylor to r¹³ is accurate to well below one ulp. */
  p = 1.0 + r * (1.0 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 +
      r * (1.0 / 720 + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 +
      r * (1.0 / 3628800 + r * (1.0 / 39916800 + r * (1.0 / 479001600 +
      r * (1.0 / 6227020800.0)))))))))))));
  /* 2^k built from its bits; two steps below the normal range. */
  if (ki >= -1021)
    {
      scale.u = (guint64) (ki + 1023) << 52;
      return p * scale.d;
    }
  scale.u = (guint64) (ki + 600 + 1023) << 52;
  return (p * scale.d) * 0x1p-600;
}

static inline double
healer_det_log (double x)
{
  double m, s, s2, sum;
  int e;

  if (isnan (x) || x < 0.0)
    return NAN;
  if (x == 0.0)
    return -HUGE_VAL;
  if (isinf (x))
    return x;
  m = frexp (x, &e);                 /* x = m·2^e, m in [0.5, 1): exact */
  if (m < 0.70710678118654752440)
    {
      m *= 2.0;
      e -= 1;
    }
  /* log m = 2 atanh s, s = (m − 1)/(m + 1), |s| ≤ 0.172: the odd series to s²⁵. */
  s = (m - 1.0) / (m + 1.0);
  s2 = s * s;
  sum = 1.0 / 25;
  for (int k = 23; k >= 1; k -= 2)
    sum = 1.0 / k + s2 * sum;
  return 2.0 * s * sum + e * 0.69314718055994530942;
}

G_END_DECLS
