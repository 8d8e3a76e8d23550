/* healer-mlp-gemm.c — the training step's small matrix products, unpacked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gsl/gsl_blas.h>
/* Not on Windows: MinGW's GCC does not align the stack to 32 bytes for
 * spilled AVX registers (GCC bug 54412), and these kernels spill; OpenBLAS
 * serves there, as on processors without AVX2 and FMA. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(_WIN32)
#include <immintrin.h>
#define HEALER_GEMM_AVX2 1
#endif

#include "healer-mlp-private.h"

/* Why not OpenBLAS for these: a training step at batch 30 is two dozen
 * products of 30 × 100 × 200 or smaller, and OpenBLAS's AVX2 kernels (the
 * ones it runs on processors without AVX-512, or with OPENBLAS_CORETYPE=
 * Haswell) have no small-matrix path: every product first zeroes C for
 * β = 0 and packs both operands into buffers: 18–24 % of a step on top of
 * its kernel's 42–53 % (bench/README.md, training). The products here read their
 * operands where they are: B (K × N) row-major with N contiguous, so a row
 * of B is two vectors of eight; A broadcast element by element from any
 * layout, so Wᵀ costs nothing more than W. A tile of 6 rows × 16 columns
 * keeps its 12 accumulators, two rows of B and a broadcast in the 16 ymm
 * registers; the last vector of a row of C may be cut short (a masked load
 * and store, so no operand is read past its end).
 *
 * Every element of C is the sum over k in order, one FMA each: which tile,
 * and so which thread, computes it never changes its bits. The kernel is
 * chosen from the processor alone (AVX2 and FMA, else OpenBLAS), so a model
 * trained on one machine has the same bits whatever the thread count. With
 * AVX-512 the same kernel runs on 16-float vectors, each element still the
 * same FMA chain: the same bits as with AVX2, at twice the work per
 * instruction where the 512-bit units are full width (bench/README.md,
 * training, fifth pass: a step took 36–42 % less time on this project's
 * Zen 5 VM). */

#define HEALER_GEMM_MR  6
#define HEALER_GEMM_NV  2
#define HEALER_GEMM_COPY_ROWS  512

/* -1: not yet decided. Atomic: the first products may run on two threads
 * at once, which then both decide, the same way. */
static gint healer_gemm_native = -1;

static gboolean
healer_gemm_have_native (void)
{
  gint native = g_atomic_int_get (&healer_gemm_native);

  if (native < 0)
    {
#if defined(HEALER_GEMM_AVX2)
      __builtin_cpu_init ();
      native = __builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("fma");
#else
      native = 0;
#endif
      g_atomic_int_set (&healer_gemm_native, native);
    }
  return native;
}

/* The same for AVX-512 (avx512f): -1 not yet decided. */
static gint healer_gemm_wide = -1;

static gboolean
healer_gemm_have_wide (void)
{
  gint wide = g_atomic_int_get (&healer_gemm_wide);

  if (wide < 0)
    {
#if defined(HEALER_GEMM_AVX2)
      __builtin_cpu_init ();
      wide = __builtin_cpu_supports ("avx512f");
#else
      wide = 0;
#endif
      g_atomic_int_set (&healer_gemm_wide, wide);
    }
  return wide;
}

void
healer_mlp_gemm_set_wide (gboolean wide)
{
  g_atomic_int_set (&healer_gemm_wide, -1);
  if (!wide || !healer_gemm_have_wide ())
    g_atomic_int_set (&healer_gemm_wide, 0);
}

gboolean
healer_mlp_gemm_get_wide (void)
{
  return healer_gemm_have_native () && healer_gemm_have_wide ();
}

void
healer_mlp_gemm_set_native (gboolean native)
{
  g_atomic_int_set (&healer_gemm_native, -1);
  if (!native || !healer_gemm_have_native ())
    g_atomic_int_set (&healer_gemm_native, 0);
}

gboolean
healer_mlp_gemm_get_native (void)
{
  return healer_gemm_have_native ();
}

/* Products up to this many multiply-adds run here when the kernel exists:
 * the batch-30 ones (at most 100 × 200 × 30 a part) and the batch-256 ones
 * for up to 100-unit halves, whose B panels (K × 16, K × 32 on AVX-512)
 * still fit the L1 cache. Larger ones go to OpenBLAS, whose packing then
 * pays. */
#define HEALER_GEMM_NATIVE_MAX  6000000.0

double
healer_mlp_gemm_small_max (void)
{
  return healer_gemm_have_native () ? HEALER_GEMM_NATIVE_MAX : HEALER_MLP_SMALL_GEMM;
}

/* What a product may do to C before it stores it: add a bias per row of C
 * and apply (leaky) ReLU, the very operations of healer_mlp_bias_activate_units
 * (so the same bits), on values still in registers instead of in a pass
 * of their own over the layer's outputs. */
typedef struct
{
  const float *bias;    /* NULL: C as it is */
  gboolean     activate;
  float        slope;   /* 0: ReLU */
} HealerGemmEpilogue;

#if defined(HEALER_GEMM_AVX2)

/* One tile: @mr ≤ 6 rows of C, @nv ≤ 2 vectors of its columns, the last
 * one cut to @mask's lanes when @tail. Constants once inlined. */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
healer_gemm_tile (guint        mr,
                  guint        nv,
                  gboolean     tail,
                  __m256i      mask,
                  gsize        k_len,
                  const float *a,
                  gsize        rsa,
                  gsize        csa,
                  const float *b,
                  gsize        ldb,
                  float       *c,
                  gsize        ldc,
                  const HealerGemmEpilogue *epi)
{
  __m256 acc[HEALER_GEMM_MR][HEALER_GEMM_NV];

#pragma GCC unroll 6
  for (guint r = 0; r < mr; r++)
#pragma GCC unroll 2
    for (guint v = 0; v < nv; v++)
      acc[r][v] = _mm256_setzero_ps ();

#pragma GCC unroll 4
  for (gsize k = 0; k < k_len; k++)
    {
      const float *bk = b + k * ldb;
      const float *ak = a + k * csa;
      __m256 bv[HEALER_GEMM_NV];

#pragma GCC unroll 2
      for (guint v = 0; v < nv; v++)
        bv[v] = tail && v + 1 == nv ? _mm256_maskload_ps (bk + 8 * v, mask)
                                    : _mm256_loadu_ps (bk + 8 * v);
#pragma GCC unroll 6
      for (guint r = 0; r < mr; r++)
        {
          __m256 av = _mm256_broadcast_ss (ak + r * rsa);

#pragma GCC unroll 2
          for (guint v = 0; v < nv; v++)
            acc[r][v] = _mm256_fmadd_ps (av, bv[v], acc[r][v]);
        }
    }

  if (epi->bias != NULL)
    {
      const __m256 one = _mm256_set1_ps (1.0f), slope = _mm256_set1_ps (epi->slope);
      const __m256i zero = _mm256_setzero_si256 ();

#pragma GCC unroll 6
      for (guint r = 0; r < mr; r++)
        {
          __m256 vb = _mm256_broadcast_ss (epi->bias + r);

#pragma GCC unroll 2
          for (guint v = 0; v < nv; v++)
            {
              __m256 x = _mm256_add_ps (acc[r][v], vb);

              if (epi->activate)
                {
                  __m256 positive = _mm256_castsi256_ps (
                    _mm256_cmpgt_epi32 (_mm256_castps_si256 (x), zero));

                  if (epi->slope == 0.0f)
                    x = _mm256_and_ps (positive, x);
                  else
                    x = _mm256_mul_ps (x, _mm256_blendv_ps (slope, one, positive));
                }
              acc[r][v] = x;
            }
        }
    }

#pragma GCC unroll 6
  for (guint r = 0; r < mr; r++)
#pragma GCC unroll 2
    for (guint v = 0; v < nv; v++)
      {
        float *cr = c + r * ldc + 8 * v;

        if (tail && v + 1 == nv)
          _mm256_maskstore_ps (cr, mask, acc[r][v]);
        else
          _mm256_storeu_ps (cr, acc[r][v]);
      }
}

/* The rows of C from @m0 on, for one panel of columns. */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline void
healer_gemm_panel (guint        nv,
                   gboolean     tail,
                   __m256i      mask,
                   gsize        m_len,
                   gsize        k_len,
                   const float *a,
                   gsize        rsa,
                   gsize        csa,
                   const float *b,
                   gsize        ldb,
                   float       *c,
                   gsize        ldc,
                   const HealerGemmEpilogue *epi)
{
  HealerGemmEpilogue rows = *epi;
  gsize m = 0;

  for (; m + HEALER_GEMM_MR <= m_len; m += HEALER_GEMM_MR)
    {
      rows.bias = epi->bias != NULL ? epi->bias + m : NULL;
      healer_gemm_tile (HEALER_GEMM_MR, nv, tail, mask, k_len, a + m * rsa, rsa, csa, b, ldb,
                        c + m * ldc, ldc, &rows);
    }
  rows.bias = epi->bias != NULL ? epi->bias + m : NULL;
  switch (m_len - m)
    {
#define HEALER_GEMM_REST(R) \
    case R: \
      healer_gemm_tile (R, nv, tail, mask, k_len, a + m * rsa, rsa, csa, b, ldb, c + m * ldc, ldc, \
                        &rows); \
      break;
    HEALER_GEMM_REST (1)
    HEALER_GEMM_REST (2)
    HEALER_GEMM_REST (3)
    HEALER_GEMM_REST (4)
    HEALER_GEMM_REST (5)
#undef HEALER_GEMM_REST
    default:
      break;
    }
}

__attribute__ ((target ("avx2,fma")))
static void
healer_gemm_avx2 (gsize        m_len,
                  gsize        n_len,
                  gsize        k_len,
                  const float *a,
                  gsize        rsa,
                  gsize        csa,
                  const float *b,
                  gsize        ldb,
                  float       *c,
                  gsize        ldc,
                  const HealerGemmEpilogue *epi)
{
  const __m256i lanes = _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7);
  /* Rows of B a kilobyte apart (batch 256) fall into a few sets of the L1
   * cache, too few for a panel of 100–200 rows: such panels are copied
   * together first, which costs one load and store per element against
   * the dozen FMAs each feeds, and changes no result. */
  gboolean copy = ldb >= 128 && k_len <= HEALER_GEMM_COPY_ROWS && m_len >= 4 * HEALER_GEMM_MR;
  float panel[copy ? HEALER_GEMM_COPY_ROWS * 8 * HEALER_GEMM_NV : 1] __attribute__ ((aligned (32)));
  gsize j = 0;

  /* Panels of 16 columns, each over every row, so that the panel of B
   * (K × 16) stays in the L1 cache while the rows of A stream past. */
  for (; j + 8 * HEALER_GEMM_NV <= n_len; j += 8 * HEALER_GEMM_NV)
    {
      if (copy)
        {
          for (gsize k = 0; k < k_len; k++)
            {
              _mm256_store_ps (panel + 16 * k, _mm256_loadu_ps (b + k * ldb + j));
              _mm256_store_ps (panel + 16 * k + 8, _mm256_loadu_ps (b + k * ldb + j + 8));
            }
          healer_gemm_panel (HEALER_GEMM_NV, FALSE, lanes, m_len, k_len, a, rsa, csa, panel, 16,
                             c + j, ldc, epi);
        }
      else
        healer_gemm_panel (HEALER_GEMM_NV, FALSE, lanes, m_len, k_len, a, rsa, csa, b + j, ldb,
                           c + j, ldc, epi);
    }
  if (j < n_len)
    {
      gsize rest = n_len - j;
      guint nv = (guint) ((rest + 7) / 8);
      __m256i mask = _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) (rest - 8 * (nv - 1))), lanes);

      if (nv == 2)
        healer_gemm_panel (2, TRUE, mask, m_len, k_len, a, rsa, csa, b + j, ldb, c + j, ldc, epi);
      else
        healer_gemm_panel (1, TRUE, mask, m_len, k_len, a, rsa, csa, b + j, ldb, c + j, ldc, epi);
    }
}

/* GCC 12's AVX-512 intrinsics fill unused lanes from a deliberately
 * undefined register, which -Wmaybe-uninitialized reports (GCC bug 105593). */
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

/* The same kernel on 16-float vectors where the processor has AVX-512:
 * tiles of 6 rows × 32 columns, the last vector of a row cut to @mask's
 * lanes (masked loads and stores). Each element of C is the very FMA chain
 * of the 8-float kernel, and the epilogue the same operations, so the same
 * bits; where the 512-bit units are full width a vector does twice the
 * work. */
__attribute__ ((target ("avx512f,avx2,fma"), always_inline))
static inline void
healer_gemm_tile16 (guint        mr,
                    guint        nv,
                    gboolean     tail,
                    __mmask16    mask,
                    gsize        k_len,
                    const float *a,
                    gsize        rsa,
                    gsize        csa,
                    const float *b,
                    gsize        ldb,
                    float       *c,
                    gsize        ldc,
                    const HealerGemmEpilogue *epi)
{
  __m512 acc[HEALER_GEMM_MR][HEALER_GEMM_NV];

#pragma GCC unroll 6
  for (guint r = 0; r < mr; r++)
#pragma GCC unroll 2
    for (guint v = 0; v < nv; v++)
      acc[r][v] = _mm512_setzero_ps ();

#pragma GCC unroll 4
  for (gsize k = 0; k < k_len; k++)
    {
      const float *bk = b + k * ldb;
      const float *ak = a + k * csa;
      __m512 bv[HEALER_GEMM_NV];

#pragma GCC unroll 2
      for (guint v = 0; v < nv; v++)
        bv[v] = tail && v + 1 == nv ? _mm512_maskz_loadu_ps (mask, bk + 16 * v)
                                    : _mm512_loadu_ps (bk + 16 * v);
#pragma GCC unroll 6
      for (guint r = 0; r < mr; r++)
        {
          __m512 av = _mm512_set1_ps (ak[r * rsa]);

#pragma GCC unroll 2
          for (guint v = 0; v < nv; v++)
            acc[r][v] = _mm512_fmadd_ps (av, bv[v], acc[r][v]);
        }
    }

  if (epi->bias != NULL)
    {
      const __m512 one = _mm512_set1_ps (1.0f), slope = _mm512_set1_ps (epi->slope);
      const __m512i zero = _mm512_setzero_si512 ();

#pragma GCC unroll 6
      for (guint r = 0; r < mr; r++)
        {
          __m512 vb = _mm512_set1_ps (epi->bias[r]);

#pragma GCC unroll 2
          for (guint v = 0; v < nv; v++)
            {
              __m512 x = _mm512_add_ps (acc[r][v], vb);

              /* as the 8-float kernel: +0 (ReLU) or x · slope where x is
               * not positive */
              if (epi->activate)
                {
                  __mmask16 positive = _mm512_cmpgt_epi32_mask (_mm512_castps_si512 (x), zero);

                  if (epi->slope == 0.0f)
                    x = _mm512_maskz_mov_ps (positive, x);
                  else
                    x = _mm512_mul_ps (x, _mm512_mask_blend_ps (positive, slope, one));
                }
              acc[r][v] = x;
            }
        }
    }

#pragma GCC unroll 6
  for (guint r = 0; r < mr; r++)
#pragma GCC unroll 2
    for (guint v = 0; v < nv; v++)
      {
        float *cr = c + r * ldc + 16 * v;

        if (tail && v + 1 == nv)
          _mm512_mask_storeu_ps (cr, mask, acc[r][v]);
        else
          _mm512_storeu_ps (cr, acc[r][v]);
      }
}

__attribute__ ((target ("avx512f,avx2,fma"), always_inline))
static inline void
healer_gemm_panel16 (guint        nv,
                     gboolean     tail,
                     __mmask16    mask,
                     gsize        m_len,
                     gsize        k_len,
                     const float *a,
                     gsize        rsa,
                     gsize        csa,
                     const float *b,
                     gsize        ldb,
                     float       *c,
                     gsize        ldc,
                     const HealerGemmEpilogue *epi)
{
  HealerGemmEpilogue rows = *epi;
  gsize m = 0;

  for (; m + HEALER_GEMM_MR <= m_len; m += HEALER_GEMM_MR)
    {
      rows.bias = epi->bias != NULL ? epi->bias + m : NULL;
      healer_gemm_tile16 (HEALER_GEMM_MR, nv, tail, mask, k_len, a + m * rsa, rsa, csa, b, ldb,
                          c + m * ldc, ldc, &rows);
    }
  rows.bias = epi->bias != NULL ? epi->bias + m : NULL;
  switch (m_len - m)
    {
#define HEALER_GEMM_REST(R) \
    case R: \
      healer_gemm_tile16 (R, nv, tail, mask, k_len, a + m * rsa, rsa, csa, b, ldb, c + m * ldc, \
                          ldc, &rows); \
      break;
    HEALER_GEMM_REST (1)
    HEALER_GEMM_REST (2)
    HEALER_GEMM_REST (3)
    HEALER_GEMM_REST (4)
    HEALER_GEMM_REST (5)
#undef HEALER_GEMM_REST
    default:
      break;
    }
}

__attribute__ ((target ("avx512f,avx2,fma")))
static void
healer_gemm_avx512 (gsize        m_len,
                    gsize        n_len,
                    gsize        k_len,
                    const float *a,
                    gsize        rsa,
                    gsize        csa,
                    const float *b,
                    gsize        ldb,
                    float       *c,
                    gsize        ldc,
                    const HealerGemmEpilogue *epi)
{
  /* Panels of 32 columns, copied as in healer_gemm_avx2 (a panel is up to
   * 64 KiB: only as much stack as it needs, as threads may have little) */
  gboolean copy = ldb >= 128 && k_len <= HEALER_GEMM_COPY_ROWS && m_len >= 4 * HEALER_GEMM_MR;
  float panel[copy ? MAX (k_len, 1) * 16 * HEALER_GEMM_NV : 1] __attribute__ ((aligned (64)));
  gsize j = 0;

  for (; j + 16 * HEALER_GEMM_NV <= n_len; j += 16 * HEALER_GEMM_NV)
    {
      if (copy)
        {
          for (gsize k = 0; k < k_len; k++)
            {
              _mm512_store_ps (panel + 32 * k, _mm512_loadu_ps (b + k * ldb + j));
              _mm512_store_ps (panel + 32 * k + 16, _mm512_loadu_ps (b + k * ldb + j + 16));
            }
          healer_gemm_panel16 (HEALER_GEMM_NV, FALSE, 0xffff, m_len, k_len, a, rsa, csa, panel, 32,
                               c + j, ldc, epi);
        }
      else
        healer_gemm_panel16 (HEALER_GEMM_NV, FALSE, 0xffff, m_len, k_len, a, rsa, csa, b + j, ldb,
                             c + j, ldc, epi);
    }
  if (j < n_len)
    {
      gsize rest = n_len - j;
      guint nv = (guint) ((rest + 15) / 16);
      __mmask16 mask = (__mmask16) ((1u << (rest - 16 * (nv - 1))) - 1);

      if (nv == 2)
        healer_gemm_panel16 (2, TRUE, mask, m_len, k_len, a, rsa, csa, b + j, ldb, c + j, ldc, epi);
      else
        healer_gemm_panel16 (1, TRUE, mask, m_len, k_len, a, rsa, csa, b + j, ldb, c + j, ldc, epi);
    }
}

#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif

/* The kernel for the processor: the same bits either way. */
static void
healer_gemm_native_run (gsize                     m_len,
                        gsize                     n_len,
                        gsize                     k_len,
                        const float              *a,
                        gsize                     rsa,
                        gsize                     csa,
                        const float              *b,
                        gsize                     ldb,
                        float                    *c,
                        gsize                     ldc,
                        const HealerGemmEpilogue *epi)
{
  if (healer_gemm_have_wide ())
    healer_gemm_avx512 (m_len, n_len, k_len, a, rsa, csa, b, ldb, c, ldc, epi);
  else
    healer_gemm_avx2 (m_len, n_len, k_len, a, rsa, csa, b, ldb, c, ldc, epi);
}

#endif

/* The product, then its epilogue when the product went to OpenBLAS. */
static void
healer_gemm_run (gboolean                  trans_a,
                 gsize                     m_len,
                 gsize                     n_len,
                 gsize                     k_len,
                 const float              *a,
                 gsize                     lda,
                 const float              *b,
                 gsize                     ldb,
                 float                    *c,
                 gsize                     ldc,
                 const HealerGemmEpilogue *epi,
                 HealerActivation          activation)
{
  if (m_len == 0 || n_len == 0)
    return;
#if defined(HEALER_GEMM_AVX2)
  if (healer_gemm_have_native () &&
      (double) m_len * (double) n_len * (double) k_len <= HEALER_GEMM_NATIVE_MAX)
    {
      if (trans_a)
        healer_gemm_native_run (m_len, n_len, k_len, a, 1, lda, b, ldb, c, ldc, epi);
      else
        healer_gemm_native_run (m_len, n_len, k_len, a, lda, 1, b, ldb, c, ldc, epi);
      return;
    }
#endif
  {
    gsl_matrix_float_const_view a_view =
      trans_a ? gsl_matrix_float_const_view_array_with_tda (a, k_len, m_len, lda)
              : gsl_matrix_float_const_view_array_with_tda (a, m_len, k_len, lda);
    gsl_matrix_float_const_view b_view =
      gsl_matrix_float_const_view_array_with_tda (b, k_len, n_len, ldb);
    gsl_matrix_float_view c_view = gsl_matrix_float_view_array_with_tda (c, m_len, n_len, ldc);

    gsl_blas_sgemm (trans_a ? CblasTrans : CblasNoTrans, CblasNoTrans, 1.0f, &a_view.matrix,
                    &b_view.matrix, 0.0f, &c_view.matrix);
  }
  if (epi->bias != NULL)
    healer_mlp_bias_activate_units (activation, c, epi->bias, m_len, n_len, ldc);
}

void
healer_mlp_gemm (gboolean     trans_a,
                 gsize        m_len,
                 gsize        n_len,
                 gsize        k_len,
                 const float *a,
                 gsize        lda,
                 const float *b,
                 gsize        ldb,
                 float       *c,
                 gsize        ldc)
{
  HealerGemmEpilogue none = { NULL, FALSE, 0.0f };

  healer_gemm_run (trans_a, m_len, n_len, k_len, a, lda, b, ldb, c, ldc, &none,
                   HEALER_ACTIVATION_RELU);
}

void
healer_mlp_gemm_activate (HealerActivation  activation,
                          gsize             m_len,
                          gsize             n_len,
                          gsize             k_len,
                          const float      *a,
                          gsize             lda,
                          const float      *b,
                          gsize             ldb,
                          const float      *bias,
                          float            *c,
                          gsize             ldc)
{
  HealerGemmEpilogue epi = { bias, activation != HEALER_ACTIVATION_TANH,
                             activation == HEALER_ACTIVATION_LEAKY_RELU ? HEALER_MLP_LEAKY_SLOPE
                                                                        : 0.0f };

  if (activation == HEALER_ACTIVATION_TANH)
    {
      /* tanhf has no vector form with the same bits: a pass of its own */
      healer_mlp_gemm (FALSE, m_len, n_len, k_len, a, lda, b, ldb, c, ldc);
      healer_mlp_bias_activate_units (activation, c, bias, m_len, n_len, ldc);
      return;
    }
  healer_gemm_run (FALSE, m_len, n_len, k_len, a, lda, b, ldb, c, ldc, &epi, activation);
}
