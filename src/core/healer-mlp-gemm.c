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

/* GCC 12's AVX-512 intrinsics fill unused lanes from a deliberately
 * undefined register, which -Wmaybe-uninitialized reports (GCC bug 105593). */
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

/* What differs between the two widths, each as a function of its own so
 * that the kernel below is written once: the lanes a tail mask keeps, and
 * the (leaky) ReLU of the epilogue — +0 where x is not positive, or x times
 * the slope there — with a mask in a vector (AVX2) or in a mask register
 * (AVX-512). The same operations per lane, so the same bits. */
__attribute__ ((target ("avx2,fma"), always_inline))
static inline __m256i
healer_gemm_mask8 (gsize keep)
{
  return _mm256_cmpgt_epi32 (_mm256_set1_epi32 ((int) keep),
                             _mm256_setr_epi32 (0, 1, 2, 3, 4, 5, 6, 7));
}

__attribute__ ((target ("avx2,fma"), always_inline))
static inline __m256
healer_gemm_activate8 (__m256 x,
                       float  slope)
{
  __m256 positive = _mm256_castsi256_ps (
    _mm256_cmpgt_epi32 (_mm256_castps_si256 (x), _mm256_setzero_si256 ()));

  if (slope == 0.0f)
    return _mm256_and_ps (positive, x);
  return _mm256_mul_ps (x, _mm256_blendv_ps (_mm256_set1_ps (slope), _mm256_set1_ps (1.0f),
                                             positive));
}

__attribute__ ((target ("avx512f,avx2,fma"), always_inline))
static inline __mmask16
healer_gemm_mask16 (gsize keep)
{
  return (__mmask16) ((1u << keep) - 1);
}

__attribute__ ((target ("avx512f,avx2,fma"), always_inline))
static inline __m512
healer_gemm_activate16 (__m512 x,
                        float  slope)
{
  __mmask16 positive = _mm512_cmpgt_epi32_mask (_mm512_castps_si512 (x), _mm512_setzero_si512 ());

  if (slope == 0.0f)
    return _mm512_maskz_mov_ps (positive, x);
  return _mm512_mul_ps (x, _mm512_mask_blend_ps (positive, _mm512_set1_ps (slope),
                                                 _mm512_set1_ps (1.0f)));
}

/* One count of rows left over, a tile of its own with its loops unrolled
 * (a case of healer_gemm_panelSFX's switch). */
#define HEALER_GEMM_REST(SFX, R)                                                             \
  case R:                                                                                    \
    healer_gemm_tile##SFX (R, nv, tail, mask, k_len, a + m * rsa, rsa, csa, b, ldb,         \
                           c + m * ldc, ldc, &rows);                                         \
    break;

/* The kernel, written once and expanded for each width: @SFX names its
 * functions (healer_gemm_tile8, healer_gemm_panel8, healer_gemm_run8 and
 * the 16s), @TARGET enables the instructions, @VEC and @MASK are the
 * vector and tail-mask types, @LANES the floats a vector holds, and the
 * rest its intrinsics: a masked load that reads no lane past the mask
 * (MASKLOAD (p, mask)), a masked store (MASKSTORE (p, mask, v)).
 *
 * healer_gemm_tileSFX: one tile, @mr ≤ 6 rows of C, @nv ≤ 2 vectors of its
 * columns, the last one cut to @mask's lanes when @tail; constants once
 * inlined. healer_gemm_panelSFX: the rows of C from 0 on, for one panel of
 * columns. healer_gemm_runSFX: the whole product, in panels of 2 vectors of
 * columns, each over every row, so that the panel of B (K × 2·LANES) stays
 * in the L1 cache while the rows of A stream past. Rows of B a kilobyte
 * apart (batch 256) fall into a few sets of the L1 cache, too few for a
 * panel of 100–200 rows: such panels are copied together first (only as
 * much stack as they need, as threads may have little), which costs one
 * load and store per element against the dozen FMAs each feeds, and
 * changes no result. */
#define HEALER_GEMM_KERNEL(SFX, TARGET, VEC, MASK, LANES, ZERO, LOADU, MASKLOAD, SET1, FMA,     \
                           ADD, STOREU, MASKSTORE, STORE)                                      \
  __attribute__ ((target (TARGET), always_inline))                                            \
  static inline void                                                                          \
  healer_gemm_tile##SFX (guint mr, guint nv, gboolean tail, MASK mask, gsize k_len,           \
                         const float *a, gsize rsa, gsize csa, const float *b, gsize ldb,     \
                         float *c, gsize ldc, const HealerGemmEpilogue *epi)                  \
  {                                                                                           \
    VEC acc[HEALER_GEMM_MR][HEALER_GEMM_NV];                                                  \
                                                                                              \
    _Pragma ("GCC unroll 6")                                                                  \
    for (guint r = 0; r < mr; r++)                                                            \
      _Pragma ("GCC unroll 2")                                                                \
      for (guint v = 0; v < nv; v++)                                                          \
        acc[r][v] = ZERO ();                                                                  \
                                                                                              \
    _Pragma ("GCC unroll 4")                                                                  \
    for (gsize k = 0; k < k_len; k++)                                                         \
      {                                                                                       \
        const float *bk = b + k * ldb;                                                        \
        const float *ak = a + k * csa;                                                        \
        VEC bv[HEALER_GEMM_NV];                                                               \
                                                                                              \
        _Pragma ("GCC unroll 2")                                                              \
        for (guint v = 0; v < nv; v++)                                                        \
          bv[v] = tail && v + 1 == nv ? MASKLOAD (bk + (LANES) * v, mask)                     \
                                      : LOADU (bk + (LANES) * v);                             \
        _Pragma ("GCC unroll 6")                                                              \
        for (guint r = 0; r < mr; r++)                                                        \
          {                                                                                   \
            VEC av = SET1 (ak[r * rsa]);                                                      \
                                                                                              \
            _Pragma ("GCC unroll 2")                                                          \
            for (guint v = 0; v < nv; v++)                                                    \
              acc[r][v] = FMA (av, bv[v], acc[r][v]);                                         \
          }                                                                                   \
      }                                                                                       \
                                                                                              \
    if (epi->bias != NULL)                                                                    \
      {                                                                                       \
        _Pragma ("GCC unroll 6")                                                              \
        for (guint r = 0; r < mr; r++)                                                        \
          {                                                                                   \
            VEC vb = SET1 (epi->bias[r]);                                                     \
                                                                                              \
            _Pragma ("GCC unroll 2")                                                          \
            for (guint v = 0; v < nv; v++)                                                    \
              {                                                                               \
                VEC x = ADD (acc[r][v], vb);                                                  \
                                                                                              \
                acc[r][v] = epi->activate ? healer_gemm_activate##SFX (x, epi->slope) : x;    \
              }                                                                               \
          }                                                                                   \
      }                                                                                       \
                                                                                              \
    _Pragma ("GCC unroll 6")                                                                  \
    for (guint r = 0; r < mr; r++)                                                            \
      _Pragma ("GCC unroll 2")                                                                \
      for (guint v = 0; v < nv; v++)                                                          \
        {                                                                                     \
          float *cr = c + r * ldc + (LANES) * v;                                              \
                                                                                              \
          if (tail && v + 1 == nv)                                                            \
            MASKSTORE (cr, mask, acc[r][v]);                                                  \
          else                                                                                \
            STOREU (cr, acc[r][v]);                                                           \
        }                                                                                     \
  }                                                                                           \
                                                                                              \
  __attribute__ ((target (TARGET), always_inline))                                            \
  static inline void                                                                          \
  healer_gemm_panel##SFX (guint nv, gboolean tail, MASK mask, gsize m_len, gsize k_len,       \
                          const float *a, gsize rsa, gsize csa, const float *b, gsize ldb,    \
                          float *c, gsize ldc, const HealerGemmEpilogue *epi)                 \
  {                                                                                           \
    HealerGemmEpilogue rows = *epi;                                                           \
    gsize m = 0;                                                                              \
                                                                                              \
    for (; m + HEALER_GEMM_MR <= m_len; m += HEALER_GEMM_MR)                                  \
      {                                                                                       \
        rows.bias = epi->bias != NULL ? epi->bias + m : NULL;                                 \
        healer_gemm_tile##SFX (HEALER_GEMM_MR, nv, tail, mask, k_len, a + m * rsa, rsa, csa,  \
                               b, ldb, c + m * ldc, ldc, &rows);                              \
      }                                                                                       \
    rows.bias = epi->bias != NULL ? epi->bias + m : NULL;                                     \
    /* the rows left over, each count a tile of its own, its loops unrolled */                \
    switch (m_len - m)                                                                        \
      {                                                                                       \
      HEALER_GEMM_REST (SFX, 1)                                                               \
      HEALER_GEMM_REST (SFX, 2)                                                               \
      HEALER_GEMM_REST (SFX, 3)                                                               \
      HEALER_GEMM_REST (SFX, 4)                                                               \
      HEALER_GEMM_REST (SFX, 5)                                                               \
      default:                                                                                \
        break;                                                                                \
      }                                                                                       \
  }                                                                                           \
                                                                                              \
  __attribute__ ((target (TARGET)))                                                           \
  static void                                                                                 \
  healer_gemm_run##SFX (gsize m_len, gsize n_len, gsize k_len, const float *a, gsize rsa,     \
                        gsize csa, const float *b, gsize ldb, float *c, gsize ldc,            \
                        const HealerGemmEpilogue *epi)                                        \
  {                                                                                           \
    const gsize width = (LANES) * HEALER_GEMM_NV;                                             \
    gboolean copy = ldb >= 128 && k_len <= HEALER_GEMM_COPY_ROWS &&                           \
                    m_len >= 4 * HEALER_GEMM_MR;                                              \
    float panel[copy ? MAX (k_len, 1) * width : 1] __attribute__ ((aligned (64)));            \
    const MASK full = healer_gemm_mask##SFX (LANES);                                          \
    gsize j = 0;                                                                              \
                                                                                              \
    for (; j + width <= n_len; j += width)                                                    \
      {                                                                                       \
        if (copy)                                                                             \
          {                                                                                   \
            for (gsize k = 0; k < k_len; k++)                                                 \
              {                                                                               \
                STORE (panel + width * k, LOADU (b + k * ldb + j));                           \
                STORE (panel + width * k + (LANES), LOADU (b + k * ldb + j + (LANES)));       \
              }                                                                               \
            healer_gemm_panel##SFX (HEALER_GEMM_NV, FALSE, full, m_len, k_len, a, rsa, csa,   \
                                    panel, width, c + j, ldc, epi);                           \
          }                                                                                   \
        else                                                                                  \
          healer_gemm_panel##SFX (HEALER_GEMM_NV, FALSE, full, m_len, k_len, a, rsa, csa,     \
                                  b + j, ldb, c + j, ldc, epi);                               \
      }                                                                                       \
    if (j < n_len)                                                                            \
      {                                                                                       \
        gsize rest = n_len - j;                                                               \
        guint nv = (guint) ((rest + (LANES) - 1) / (LANES));                                  \
        MASK mask = healer_gemm_mask##SFX (rest - (LANES) * (nv - 1));                        \
                                                                                              \
        if (nv == 2)                                                                          \
          healer_gemm_panel##SFX (2, TRUE, mask, m_len, k_len, a, rsa, csa, b + j, ldb,       \
                                  c + j, ldc, epi);                                           \
        else                                                                                  \
          healer_gemm_panel##SFX (1, TRUE, mask, m_len, k_len, a, rsa, csa, b + j, ldb,       \
                                  c + j, ldc, epi);                                           \
      }                                                                                       \
  }

/* Argument orders of the masked loads and stores, made alike. */
#define HEALER_GEMM_MASKLOAD8(p, mask)      _mm256_maskload_ps ((p), (mask))
#define HEALER_GEMM_MASKSTORE8(p, mask, v)  _mm256_maskstore_ps ((p), (mask), (v))
#define HEALER_GEMM_MASKLOAD16(p, mask)     _mm512_maskz_loadu_ps ((mask), (p))
#define HEALER_GEMM_MASKSTORE16(p, mask, v) _mm512_mask_storeu_ps ((p), (mask), (v))

/* Eight floats a vector: tiles of 6 rows × 16 columns, whose 12
 * accumulators, two rows of B and a broadcast fill the 16 ymm registers. */
HEALER_GEMM_KERNEL (8, "avx2,fma", __m256, __m256i, 8, _mm256_setzero_ps, _mm256_loadu_ps,
                    HEALER_GEMM_MASKLOAD8, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_add_ps,
                    _mm256_storeu_ps, HEALER_GEMM_MASKSTORE8, _mm256_store_ps)

/* Sixteen where the processor has AVX-512: tiles of 6 rows × 32 columns.
 * Each element of C is the very FMA chain of the 8-float kernel, and the
 * epilogue the same operations, so the same bits; where the 512-bit units
 * are full width a vector does twice the work. */
HEALER_GEMM_KERNEL (16, "avx512f,avx2,fma", __m512, __mmask16, 16, _mm512_setzero_ps,
                    _mm512_loadu_ps, HEALER_GEMM_MASKLOAD16, _mm512_set1_ps, _mm512_fmadd_ps,
                    _mm512_add_ps, _mm512_storeu_ps, HEALER_GEMM_MASKSTORE16, _mm512_store_ps)

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
    healer_gemm_run16 (m_len, n_len, k_len, a, rsa, csa, b, ldb, c, ldc, epi);
  else
    healer_gemm_run8 (m_len, n_len, k_len, a, rsa, csa, b, ldb, c, ldc, epi);
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
