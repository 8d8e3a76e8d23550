/* healer-mlp.c — multilayer perceptron: parameters, forward passes, input gradients
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
/* Not on Windows: MinGW's GCC does not align the stack to 32 bytes for
 * spilled AVX registers (GCC bug 54412), so the portable kernel serves
 * there. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(_WIN32)
#include <immintrin.h>
#define HEALER_MLP_HAVE_AVX2 1
#else
#define HEALER_MLP_HAVE_AVX2 0
#endif

#include "healer-enum.h"
#include "healer-mlp-private.h"
#include "healer-rng.h"

/* Bounds the private workspace of the thread-safe entry points, whatever n. */
#define HEALER_MLP_CHUNK_ROWS   4096
/* The same for the row-by-row pass: two 256-row blocks of a 200-unit layer
 * (400 KiB) stay in a 512 KiB L2 cache. */
#define HEALER_MLP_ROWWISE_CHUNK_ROWS 256

HEALER_DEFINE_ENUM_TO_STRING (healer_activation, HealerActivation, HEALER_TYPE_ACTIVATION)

gboolean
healer_activation_from_string (const char       *str,
                               HealerActivation *act)
{
  int v;

  /* Users type these on the command line and in config files: be lenient
   * on case, and on the spellings without the dash. */
  if (str != NULL && (g_ascii_strcasecmp (str, "leakyrelu") == 0 ||
                      g_ascii_strcasecmp (str, "leaky_relu") == 0))
    str = "leaky-relu";
  if (!healer_enum_from_nick (HEALER_TYPE_ACTIVATION, str, TRUE, &v))
    return FALSE;
  if (act != NULL)
    *act = v;
  return TRUE;
}

gboolean
healer_mlp_count_params (const guint *sizes,
                         guint        n_sizes,
                         gsize       *n_params)
{
  gsize total = 0;

  if (sizes == NULL || n_sizes < 2)
    return FALSE;

  /* CBLAS takes int dimensions and leading dimensions. */
  for (guint i = 0; i < n_sizes; i++)
    if (sizes[i] == 0 || sizes[i] > G_MAXINT)
      return FALSE;

  for (guint l = 0; l + 1 < n_sizes; l++)
    {
      gsize n_weights, n_layer;

      if (!g_size_checked_mul (&n_weights, sizes[l], sizes[l + 1]) ||
          !g_size_checked_add (&n_layer, n_weights, sizes[l + 1]) ||
          !g_size_checked_add (&total, total, n_layer))
        return FALSE;
    }
  if (total > G_MAXSIZE / sizeof (float))
    return FALSE;

  if (n_params != NULL)
    *n_params = total;
  return TRUE;
}

static void
healer_mlp_init_params (HealerMlp *self,
                        guint64    seed)
{
  HealerRng rng;

  healer_rng_init (&rng, seed);

  /* Draw order (layer by layer, row-major) is part of the file format's
   * reproducibility promise: do not reorder. Biases stay 0. */
  for (guint l = 0; l + 1 < self->n_sizes; l++)
    {
      guint fan_in = self->sizes[l];
      guint fan_out = self->sizes[l + 1];
      gsize n_weights = (gsize) fan_in * fan_out;
      float *w = self->params + self->offsets[l];

      if (self->activation == HEALER_ACTIVATION_TANH)
        {
          double limit = sqrt (6.0 / ((double) fan_in + (double) fan_out));

          for (gsize i = 0; i < n_weights; i++)
            w[i] = (float) ((2.0 * healer_rng_uniform (&rng) - 1.0) * limit);
        }
      else
        {
          double std = sqrt (2.0 / (double) fan_in);

          for (gsize i = 0; i < n_weights; i++)
            w[i] = (float) (healer_rng_normal (&rng) * std);
        }
    }
}

static HealerMlp *
healer_mlp_alloc (const guint      *sizes,
                  guint             n_sizes,
                  HealerActivation  activation,
                  gsize             n_params)
{
  HealerMlp *self = g_new0 (HealerMlp, 1);
  gsize offset = 0;

  self->n_sizes = n_sizes;
  self->sizes = g_memdup2 (sizes, n_sizes * sizeof (guint));
  self->activation = activation;
  self->n_params = n_params;
  self->params = g_new0 (float, n_params);
  self->offsets = g_new (gsize, n_sizes - 1);
  for (guint l = 0; l + 1 < n_sizes; l++)
    {
      self->offsets[l] = offset;
      offset += (gsize) sizes[l] * sizes[l + 1] + sizes[l + 1];
    }
  return self;
}

HealerMlp *
healer_mlp_new (const guint      *sizes,
                guint             n_sizes,
                HealerActivation  activation,
                guint64           seed)
{
  HealerMlp *self;
  gsize n_params;

  g_return_val_if_fail (healer_mlp_count_params (sizes, n_sizes, &n_params), NULL);
  g_return_val_if_fail ((guint) activation <= HEALER_ACTIVATION_TANH, NULL);

  self = healer_mlp_alloc (sizes, n_sizes, activation, n_params);
  healer_mlp_init_params (self, seed);
  return self;
}

HealerMlp *
healer_mlp_new_with_params (const guint      *sizes,
                            guint             n_sizes,
                            HealerActivation  activation,
                            const float      *params,
                            gsize             n_params)
{
  HealerMlp *self;
  gsize expected;

  g_return_val_if_fail (healer_mlp_count_params (sizes, n_sizes, &expected), NULL);
  g_return_val_if_fail ((guint) activation <= HEALER_ACTIVATION_TANH, NULL);
  g_return_val_if_fail (params != NULL && n_params == expected, NULL);

  self = healer_mlp_alloc (sizes, n_sizes, activation, n_params);
  memcpy (self->params, params, n_params * sizeof (float));
  return self;
}

HealerMlp *
healer_mlp_copy (const HealerMlp *self)
{
  HealerMlp *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (HealerMlp, 1);
  copy->n_sizes = self->n_sizes;
  copy->sizes = g_memdup2 (self->sizes, self->n_sizes * sizeof (guint));
  copy->activation = self->activation;
  copy->n_params = self->n_params;
  copy->params = g_memdup2 (self->params, self->n_params * sizeof (float));
  copy->offsets = g_memdup2 (self->offsets, (self->n_sizes - 1) * sizeof (gsize));
  return copy;
}

void
healer_mlp_free (HealerMlp *self)
{
  if (self == NULL)
    return;
  g_free (self->sizes);
  g_free (self->params);
  g_free (self->offsets);
  g_free (self);
}

gboolean
healer_mlp_same_shape (const guint *sizes_a,
                       guint        n_a,
                       const guint *sizes_b,
                       guint        n_b)
{
  return n_a == n_b && memcmp (sizes_a, sizes_b, n_a * sizeof (guint)) == 0;
}

void
healer_mlp_copy_params (HealerMlp       *self,
                        const HealerMlp *src)
{
  g_return_if_fail (self != NULL && src != NULL);
  g_return_if_fail (healer_mlp_same_shape (self->sizes, self->n_sizes, src->sizes, src->n_sizes));

  if (self != src)
    memcpy (self->params, src->params, self->n_params * sizeof (float));
}

guint
healer_mlp_get_n_layers (const HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_sizes - 1;
}

guint
healer_mlp_get_size (const HealerMlp *self,
                     guint            i)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (i < self->n_sizes, 0);
  return self->sizes[i];
}

guint
healer_mlp_get_n_inputs (const HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->sizes[0];
}

guint
healer_mlp_get_n_outputs (const HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->sizes[self->n_sizes - 1];
}

HealerActivation
healer_mlp_get_activation (const HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, HEALER_ACTIVATION_RELU);
  return self->activation;
}

gsize
healer_mlp_get_n_params (const HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_params;
}

float *
healer_mlp_get_params (HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->params;
}

float *
healer_mlp_get_weights (HealerMlp *self,
                        guint      l)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (l + 1 < self->n_sizes, NULL);
  return self->params + self->offsets[l];
}

float *
healer_mlp_get_biases (HealerMlp *self,
                       guint      l)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (l + 1 < self->n_sizes, NULL);
  return self->params + self->offsets[l] + (gsize) self->sizes[l] * self->sizes[l + 1];
}

/* ---- forward pass ---- */

#if HEALER_MLP_HAVE_AVX2
/* healer_mlp_leaky_sse's lanes sixteen at a time where the processor has
 * AVX-512: the same add, the same integer sign test (as a mask register),
 * the same multiply or zeroing, so the same bits. The bias and activation
 * of every layer of a diagnosis run here. */
__attribute__ ((target ("avx512f")))
static gsize
healer_mlp_leaky_avx512 (const float *a,
                         const float *b,
                         gsize        b_step,
                         float       *out,
                         gboolean     derivative,
                         gsize        count,
                         float        slope)
{
  const __m512 one = _mm512_set1_ps (1.0f), vslope = _mm512_set1_ps (slope);
  const __m512 vb = (!derivative && b_step == 0) ? _mm512_set1_ps (b[0]) : _mm512_setzero_ps ();
  gsize i = 0;

  for (; i + 16 <= count; i += 16)
    {
      __m512 v = _mm512_loadu_ps (a + i);
      __mmask16 positive;

      if (!derivative)
        v = _mm512_add_ps (v, b_step == 0 ? vb : _mm512_loadu_ps (b + i));
      positive = _mm512_cmpgt_epi32_mask (_mm512_castps_si512 (v), _mm512_setzero_si512 ());
      if (derivative)
        _mm512_storeu_ps (out + i, _mm512_mul_ps (_mm512_loadu_ps (out + i),
                                                  _mm512_mask_blend_ps (positive, vslope, one)));
      else if (slope == 0.0f)
        _mm512_storeu_ps (out + i, _mm512_maskz_mov_ps (positive, v));
      else
        _mm512_storeu_ps (out + i, _mm512_mul_ps (v, _mm512_mask_blend_ps (positive, vslope, one)));
    }
  return i;
}
#endif

/* (Leaky) ReLU on @count floats: out[i] = v · (v > 0 ? 1 : @slope) with
 * v = a[i] + b[i · @b_step] (@b_step 0: one bias for the whole run), or, for
 * backprop (@derivative), out[i] *= the same factor of a[i]. Four lanes at a
 * time with the very operations of the scalar helpers in
 * healer-mlp-private.h (an integer sign test and one multiply, or a mask for
 * ReLU), so the results are bit for bit those of the scalar loops and models
 * stay reproducible; GCC at -O2 leaves those loops scalar, and they were
 * about a tenth of a training epoch. Returns how many elements it did; the
 * caller's scalar loop does the rest. */
static inline gsize
healer_mlp_leaky_sse (const float *a,
                      const float *b,
                      gsize        b_step,
                      float       *out,
                      gboolean     derivative,
                      gsize        count,
                      float        slope)
{
  gsize i = 0;

#if HEALER_MLP_HAVE_AVX2
  if (count >= 16 && healer_mlp_get_kernel () == HEALER_MLP_KERNEL_AVX512)
    i = healer_mlp_leaky_avx512 (a, b, b_step, out, derivative, count, slope);
#endif
#if defined(__SSE2__)
  const __m128 one = _mm_set1_ps (1.0f), vslope = _mm_set1_ps (slope);
  const __m128 vb = (!derivative && b_step == 0) ? _mm_set1_ps (b[0]) : _mm_setzero_ps ();
  const __m128i zero = _mm_setzero_si128 ();

  for (; i + 4 <= count; i += 4)
    {
      __m128 v = _mm_loadu_ps (a + i);
      __m128 mask, factor;

      if (!derivative)
        v = _mm_add_ps (v, b_step == 0 ? vb : _mm_loadu_ps (b + i));
      mask = _mm_castsi128_ps (_mm_cmpgt_epi32 (_mm_castps_si128 (v), zero));
      factor = _mm_or_ps (_mm_and_ps (mask, one), _mm_andnot_ps (mask, vslope));
      if (derivative)
        _mm_storeu_ps (out + i, _mm_mul_ps (_mm_loadu_ps (out + i), factor));
      else if (slope == 0.0f)
        _mm_storeu_ps (out + i, _mm_and_ps (mask, v));
      else
        _mm_storeu_ps (out + i, _mm_mul_ps (v, factor));
    }
#endif
  return i;
}

/* row[j] = act(row[j] + b[j · @b_step]) for the @width values of @row. */
static void
healer_mlp_bias_activate_row (HealerActivation  activation,
                              float            *row,
                              const float      *b,
                              gsize             b_step,
                              gsize             width)
{
  gsize j;

  switch (activation)
    {
    case HEALER_ACTIVATION_RELU:
      for (j = healer_mlp_leaky_sse (row, b, b_step, row, FALSE, width, 0.0f); j < width; j++)
        {
          float v = row[j] + b[j * b_step];
          row[j] = healer_mlp_float (healer_mlp_bits (v) & healer_mlp_positive_mask (v));
        }
      break;
    case HEALER_ACTIVATION_LEAKY_RELU:
      for (j = healer_mlp_leaky_sse (row, b, b_step, row, FALSE, width, HEALER_MLP_LEAKY_SLOPE);
           j < width; j++)
        {
          float v = row[j] + b[j * b_step];
          row[j] = v * healer_mlp_select (healer_mlp_positive_mask (v), 1.0f,
                                          HEALER_MLP_LEAKY_SLOPE);
        }
      break;
    case HEALER_ACTIVATION_TANH:
    default:
      for (j = 0; j < width; j++)
        row[j] = tanhf (row[j] + b[j * b_step]);
      break;
    }
}

static void
healer_mlp_bias_activate (HealerActivation  activation,
                          float            *z,
                          const float      *b,
                          gsize             n,
                          guint             width)
{
  for (gsize i = 0; i < n; i++)
    healer_mlp_bias_activate_row (activation, z + i * width, b, 1, width);
}

void
healer_mlp_bias_activate_units (HealerActivation  activation,
                                float            *z,
                                const float      *b,
                                guint             n_units,
                                gsize             n,
                                gsize             ld)
{
  for (guint j = 0; j < n_units; j++)
    healer_mlp_bias_activate_row (activation, z + j * ld, b + j, 0, n);
}

/* Hot in backprop: the switch stays outside the loops. */
void
healer_mlp_scale_by_derivative (HealerActivation  activation,
                                float            *d,
                                const float      *a,
                                gsize             count)
{
  switch (activation)
    {
    case HEALER_ACTIVATION_RELU:
      for (gsize i = healer_mlp_leaky_sse (a, NULL, 0, d, TRUE, count, 0.0f); i < count; i++)
        d[i] *= healer_mlp_derivative (HEALER_ACTIVATION_RELU, a[i]);
      break;
    case HEALER_ACTIVATION_LEAKY_RELU:
      for (gsize i = healer_mlp_leaky_sse (a, NULL, 0, d, TRUE, count,
                                         HEALER_MLP_LEAKY_SLOPE);
           i < count; i++)
        d[i] *= healer_mlp_derivative (HEALER_ACTIVATION_LEAKY_RELU, a[i]);
      break;
    case HEALER_ACTIVATION_TANH:
    default:
      for (gsize i = 0; i < count; i++)
        d[i] *= healer_mlp_derivative (HEALER_ACTIVATION_TANH, a[i]);
      break;
    }
}

/* exp(x − max) of one logit, the log-sum-exp form, for logits a forward
 * pass may have overflowed (a model with absurd weights): NaN counts as no
 * evidence, logits at +inf share the probability, and a row with nothing
 * finite gets the uniform distribution. For finite logits these are exactly
 * the operations of the plain form, so results do not change. */
static inline float
healer_mlp_softmax_term (float x,
                         float max)
{
  if (G_LIKELY (isfinite (max)))
    return isnan (x) ? 0.0f : expf (x - max);
  if (max > 0.0f)
    return x == INFINITY ? 1.0f : 0.0f;
  return 1.0f;
}

static void
healer_mlp_bias_softmax (float       *z,
                         const float *b,
                         gsize        n,
                         guint        width)
{
  for (gsize i = 0; i < n; i++)
    {
      float *row = z + i * width;
      float max = -INFINITY;
      double sum = 0.0;
      float inv;

      for (guint j = 0; j < width; j++)
        {
          row[j] += b[j];
          if (row[j] > max)
            max = row[j];
        }
      /* The max term contributes exp(0) = 1 (or the uniform 1s), so sum ≥ 1. */
      for (guint j = 0; j < width; j++)
        {
          float e = healer_mlp_softmax_term (row[j], max);
          row[j] = e;
          sum += e;
        }
      inv = (float) (1.0 / sum);
      for (guint j = 0; j < width; j++)
        row[j] *= inv;
    }
}

void
healer_mlp_bias_softmax_units (float       *z,
                               const float *b,
                               guint        n_units,
                               gsize        n,
                               gsize        ld)
{
  /* The operations of healer_mlp_bias_softmax, down each column. */
  for (gsize i = 0; i < n; i++)
    {
      float *col = z + i;
      float max = -INFINITY;
      double sum = 0.0;
      float inv;

      for (guint j = 0; j < n_units; j++)
        {
          if (b != NULL)
            col[j * ld] += b[j];
          if (col[j * ld] > max)
            max = col[j * ld];
        }
      for (guint j = 0; j < n_units; j++)
        {
          float e = healer_mlp_softmax_term (col[j * ld], max);
          col[j * ld] = e;
          sum += e;
        }
      inv = (float) (1.0 / sum);
      for (guint j = 0; j < n_units; j++)
        col[j * ld] *= inv;
    }
}

/* Rows computed side by side by the row-by-row kernels: 8 with SSE, 16 with
 * AVX2, 32 with AVX-512. */
#define HEALER_MLP_ROW_BLOCK    8
#define HEALER_MLP_AVX_BLOCK    16
#define HEALER_MLP_AVX512_BLOCK 32
#define HEALER_MLP_XT_BLOCK     HEALER_MLP_AVX512_BLOCK   /* the widest */

/* One block of @BLOCK rows, feature-major on both sides (two vectors of
 * @LANES lanes per unit): yt[j·BLOCK + r] = Σ_i w[j][i] · xt[i·BLOCK + r].
 * Four outputs are summed at a time, eight independent chains of additions
 * that keep the adder busy, and the outputs left over one by one. The
 * accumulators are named, not an array: GCC at -O2 does not unroll a loop
 * over the four outputs, and an indexed array of accumulators lived in
 * memory, a store and a load per addition (a quarter of the speed). Every
 * lane performs the very operations of the scalar loop — multiply, then
 * add, in the order of i — so every width gives its bits. Expands inside a
 * kernel with xt, n_in, w, n_out and yt in scope. */
#define HEALER_MLP_ROWWISE_BLOCK(VEC, BLOCK, LANES, ZERO, LOAD, SET1, ADD, MUL, STORE)       \
  {                                                                                          \
    guint j = 0;                                                                             \
                                                                                             \
    for (; j + 4 <= n_out; j += 4)                                                           \
      {                                                                                      \
        const float *w0 = w + (gsize) j * n_in;                                              \
        const float *w1 = w0 + n_in, *w2 = w1 + n_in, *w3 = w2 + n_in;                       \
        float *y = yt + (gsize) j * (BLOCK);                                                 \
        VEC a0 = ZERO (), a1 = ZERO ();                                                      \
        VEC b0 = ZERO (), b1 = ZERO ();                                                      \
        VEC c0 = ZERO (), c1 = ZERO ();                                                      \
        VEC d0 = ZERO (), d1 = ZERO ();                                                      \
                                                                                             \
        for (guint i = 0; i < n_in; i++)                                                     \
          {                                                                                  \
            VEC x0 = LOAD (xt + (gsize) i * (BLOCK));                                        \
            VEC x1 = LOAD (xt + (gsize) i * (BLOCK) + (LANES));                              \
            VEC v;                                                                           \
                                                                                             \
            v = SET1 (w0[i]);                                                                \
            a0 = ADD (a0, MUL (x0, v));                                                      \
            a1 = ADD (a1, MUL (x1, v));                                                      \
            v = SET1 (w1[i]);                                                                \
            b0 = ADD (b0, MUL (x0, v));                                                      \
            b1 = ADD (b1, MUL (x1, v));                                                      \
            v = SET1 (w2[i]);                                                                \
            c0 = ADD (c0, MUL (x0, v));                                                      \
            c1 = ADD (c1, MUL (x1, v));                                                      \
            v = SET1 (w3[i]);                                                                \
            d0 = ADD (d0, MUL (x0, v));                                                      \
            d1 = ADD (d1, MUL (x1, v));                                                      \
          }                                                                                  \
        STORE (y, a0);                                                                       \
        STORE (y + (LANES), a1);                                                             \
        STORE (y + (BLOCK), b0);                                                             \
        STORE (y + (BLOCK) + (LANES), b1);                                                   \
        STORE (y + 2 * (BLOCK), c0);                                                         \
        STORE (y + 2 * (BLOCK) + (LANES), c1);                                               \
        STORE (y + 3 * (BLOCK), d0);                                                         \
        STORE (y + 3 * (BLOCK) + (LANES), d1);                                               \
      }                                                                                      \
    for (; j < n_out; j++)                                                                   \
      {                                                                                      \
        const float *wj = w + (gsize) j * n_in;                                              \
        VEC a0 = ZERO (), a1 = ZERO ();                                                      \
                                                                                             \
        for (guint i = 0; i < n_in; i++)                                                     \
          {                                                                                  \
            VEC v = SET1 (wj[i]);                                                            \
                                                                                             \
            a0 = ADD (a0, MUL (LOAD (xt + (gsize) i * (BLOCK)), v));                         \
            a1 = ADD (a1, MUL (LOAD (xt + (gsize) i * (BLOCK) + (LANES)), v));               \
          }                                                                                  \
        STORE (yt + (gsize) j * (BLOCK), a0);                                                \
        STORE (yt + (gsize) j * (BLOCK) + (LANES), a1);                                      \
      }                                                                                      \
  }

/* The scalar loop every kernel reproduces: out[r][j] = Σ_i in[r][i] · w[j][i]
 * for @n rows, each sum taken in one fixed order — i = 0, 1, … from 0.0f,
 * one multiply and one add per term — so a row's result does not depend on
 * the other rows of the call. BLAS picks its kernels, and with them the
 * order of the additions, by the matrix shape: a row diagnosed alone and in
 * a chunk of 8192 differed in the sixth decimal, so `predict --chunk-rows`
 * changed the results (issue 13, family 9). It handles the rows left over
 * by the blocks and serves where SSE2 is absent. */
static void
healer_mlp_matmul_rows_scalar (const float *in,
                               gsize        n,
                               guint        n_in,
                               const float *w,
                               guint        n_out,
                               float       *out)
{
  for (gsize r = 0; r < n; r++)
    {
      const float *x = in + r * n_in;

      for (guint j = 0; j < n_out; j++)
        {
          const float *wj = w + (gsize) j * n_in;
          float acc = 0.0f;

          for (guint i = 0; i < n_in; i++)
            acc = acc + x[i] * wj[i];
          out[r * n_out + j] = acc;
        }
    }
}

#if defined(__SSE2__)
/* Eight rows at a time in four-lane registers. */
static void
healer_mlp_block_sse (const float *xt,
                      guint        n_in,
                      const float *w,
                      guint        n_out,
                      float       *yt)
{
  HEALER_MLP_ROWWISE_BLOCK (__m128, HEALER_MLP_ROW_BLOCK, 4, _mm_setzero_ps, _mm_loadu_ps,
                            _mm_set1_ps, _mm_add_ps, _mm_mul_ps, _mm_storeu_ps);
}
#endif

#if HEALER_MLP_HAVE_AVX2
/* The same sums, sixteen rows at a time in eight-lane registers, where the
 * processor has AVX2. FMA is deliberately not enabled: a fused multiply-add
 * rounds once where the scalar loop rounds twice, and every path must give
 * the very bits of the scalar one (a row's diagnosis may not depend on the
 * processor's features, the chunk it sits in or the thread count). */
__attribute__ ((target ("avx2")))
static void
healer_mlp_block_avx2 (const float *xt,
                       guint        n_in,
                       const float *w,
                       guint        n_out,
                       float       *yt)
{
  HEALER_MLP_ROWWISE_BLOCK (__m256, HEALER_MLP_AVX_BLOCK, 8, _mm256_setzero_ps, _mm256_loadu_ps,
                            _mm256_set1_ps, _mm256_add_ps, _mm256_mul_ps, _mm256_storeu_ps);
}

/* And thirty-two rows at a time in sixteen-lane registers where it has
 * AVX-512 (avx512f): the same multiply, then add, per lane, so the same bits
 * again. Where the 512-bit units are full width (Zen 5, Intel's server
 * cores) a block does twice the work of AVX2's in the same instructions;
 * diagnosis spent 37 % of its time in this product on AVX2 there
 * (bench/README.md). GCC 12's AVX-512 headers trip -Wmaybe-uninitialized
 * on their own undefined-vector idiom (GCC bug 105593). */
#if !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
__attribute__ ((target ("avx512f")))
static void
healer_mlp_block_avx512 (const float *xt,
                         guint        n_in,
                         const float *w,
                         guint        n_out,
                         float       *yt)
{
  HEALER_MLP_ROWWISE_BLOCK (__m512, HEALER_MLP_AVX512_BLOCK, 16, _mm512_setzero_ps,
                            _mm512_loadu_ps, _mm512_set1_ps, _mm512_add_ps, _mm512_mul_ps,
                            _mm512_storeu_ps);
}
#if !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif

/* Which kernel runs: decided once; tests may force a narrower one
 * (healer_mlp_set_kernel) to check that all give the same bits. */
static gint healer_mlp_kernel = -1;

void
healer_mlp_set_kernel (HealerMlpKernel kernel)
{
  g_atomic_int_set (&healer_mlp_kernel, (gint) kernel);
}

HealerMlpKernel
healer_mlp_get_kernel (void)
{
  gint k = g_atomic_int_get (&healer_mlp_kernel);

  if (k < 0)
    {
      k = HEALER_MLP_KERNEL_PORTABLE;
#if HEALER_MLP_HAVE_AVX2
      __builtin_cpu_init ();
      if (__builtin_cpu_supports ("avx2"))
        k = HEALER_MLP_KERNEL_AVX2;
      if (__builtin_cpu_supports ("avx2") && __builtin_cpu_supports ("avx512f"))
        k = HEALER_MLP_KERNEL_AVX512;
#endif
      g_atomic_int_set (&healer_mlp_kernel, k);
    }
  return (HealerMlpKernel) k;
}

typedef void (*HealerMlpBlockFunc) (const float *xt,
                                    guint        n_in,
                                    const float *w,
                                    guint        n_out,
                                    float       *yt);

/* The widest block kernel this processor runs that @n rows fill, and its
 * rows in *@block; NULL when @n rows fill none (the scalar loop's). */
static HealerMlpBlockFunc
healer_mlp_block_for (gsize  n,
                      guint *block)
{
#if HEALER_MLP_HAVE_AVX2
  HealerMlpKernel kernel = healer_mlp_get_kernel ();

  if (n >= HEALER_MLP_AVX512_BLOCK && kernel == HEALER_MLP_KERNEL_AVX512)
    {
      *block = HEALER_MLP_AVX512_BLOCK;
      return healer_mlp_block_avx512;
    }
  if (n >= HEALER_MLP_AVX_BLOCK && kernel != HEALER_MLP_KERNEL_PORTABLE)
    {
      *block = HEALER_MLP_AVX_BLOCK;
      return healer_mlp_block_avx2;
    }
#endif
#if defined(__SSE2__)
  if (n >= HEALER_MLP_ROW_BLOCK)
    {
      *block = HEALER_MLP_ROW_BLOCK;
      return healer_mlp_block_sse;
    }
#endif
  *block = 0;
  return NULL;
}

/* @block rows of @width values, @ld apart, into xt[i·block + r] … */
static void
healer_mlp_rows_to_block (const float *in,
                          gsize        ld,
                          guint        width,
                          guint        block,
                          float       *xt)
{
  for (guint i = 0; i < width; i++)
    for (guint r = 0; r < block; r++)
      xt[(gsize) i * block + r] = in[r * ld + i];
}

/* … and back. */
static void
healer_mlp_block_to_rows (const float *yt,
                          guint        width,
                          guint        block,
                          float       *out)
{
  for (guint r = 0; r < block; r++)
    for (guint j = 0; j < width; j++)
      out[(gsize) r * width + j] = yt[(gsize) j * block + r];
}

/* The product for @n rows, block by block, then the rows left over by the
 * scalar loop. @xt holds (n_in + n_out) × HEALER_MLP_XT_BLOCK floats when
 * n ≥ HEALER_MLP_ROW_BLOCK. */
static void
healer_mlp_matmul_rows (const float *in,
                        gsize        n,
                        guint        n_in,
                        const float *w,
                        guint        n_out,
                        float       *out,
                        float       *xt)
{
  /* No scratch below HEALER_MLP_ROW_BLOCK rows, and no block either. */
  float *yt = xt != NULL ? xt + (gsize) n_in * HEALER_MLP_XT_BLOCK : NULL;
  gsize r0 = 0;

  for (;;)
    {
      guint block;
      HealerMlpBlockFunc func = healer_mlp_block_for (n - r0, &block);

      if (func == NULL)
        break;
      healer_mlp_rows_to_block (in + r0 * n_in, n_in, n_in, block, xt);
      func (xt, n_in, w, n_out, yt);
      healer_mlp_block_to_rows (yt, n_out, block, out + r0 * n_out);
      r0 += block;
    }
  healer_mlp_matmul_rows_scalar (in + r0 * n_in, n - r0, n_in, w, n_out, out + r0 * n_out);
}

/* @rowwise: each row computed alone (healer_mlp_matmul_rows), else with
 * BLAS, which is several times faster on wide layers but whose sums depend on
 * the number of rows — fine for training, where the batches are fixed. */
static void
healer_mlp_forward_layer_with (const HealerMlp *self,
                               guint            l,
                               const float     *in,
                               gsize            n,
                               float           *out,
                               gboolean         rowwise)
{
  guint n_in = self->sizes[l];
  guint n_out = self->sizes[l + 1];
  const float *w = self->params + self->offsets[l];
  const float *b = w + (gsize) n_in * n_out;

  if (rowwise)
    {
      g_autofree float *xt = NULL;

      if (n >= HEALER_MLP_ROW_BLOCK)
        xt = g_new (float, ((gsize) n_in + n_out) * HEALER_MLP_XT_BLOCK);
      healer_mlp_matmul_rows (in, n, n_in, w, n_out, out, xt);
    }
  else
    {
      gsl_matrix_float_const_view a_view = gsl_matrix_float_const_view_array (in, n, n_in);
      gsl_matrix_float_const_view w_view = gsl_matrix_float_const_view_array (w, n_out, n_in);
      gsl_matrix_float_view z_view = gsl_matrix_float_view_array (out, n, n_out);

      gsl_blas_sgemm (CblasNoTrans, CblasTrans, 1.0f, &a_view.matrix, &w_view.matrix,
                      0.0f, &z_view.matrix);
    }

  if (l + 2 == self->n_sizes)
    healer_mlp_bias_softmax (out, b, n, n_out);
  else
    healer_mlp_bias_activate (self->activation, out, b, n, n_out);
}

void
healer_mlp_forward_layer (const HealerMlp *self,
                          guint            l,
                          const float     *in,
                          gsize            n,
                          float           *out)
{
  /* One sample's explanation: computed as its diagnosis is. */
  healer_mlp_forward_layer_with (self, l, in, n, out, TRUE);
}

/* Weight layers @first … @n_run − 1 on one block of rows (@block of them,
 * as healer_mlp_block_for chose), which stays feature-major from the first
 * layer to the last: the rows are turned once on the way in and once on
 * the way out, not at every layer (the turns took a quarter of the
 * product's time, perf on Zen 4). The bias, the activation and the softmax
 * are the row-major path's very operations on each value, so each row's
 * bits are those of healer_mlp_forward_layer_with's. @a and @b hold the
 * widest of the layers × HEALER_MLP_XT_BLOCK floats. */
static void
healer_mlp_forward_block (const HealerMlp   *self,
                          guint              first,
                          const float       *x,
                          guint              n_run,
                          float             *out,
                          HealerMlpBlockFunc func,
                          guint              block,
                          float             *a,
                          float             *b)
{
  healer_mlp_rows_to_block (x, self->sizes[first], self->sizes[first], block, a);
  for (guint l = first; l < n_run; l++)
    {
      guint n_in = self->sizes[l], n_out = self->sizes[l + 1];
      const float *w = self->params + self->offsets[l];
      const float *bias = w + (gsize) n_in * n_out;
      float *swap;

      func (a, n_in, w, n_out, b);
      if (l + 2 == self->n_sizes)
        {
          /* The softmax wants the classes of a row side by side. */
          healer_mlp_block_to_rows (b, n_out, block, out);
          healer_mlp_bias_softmax (out, bias, block, n_out);
          return;
        }
      healer_mlp_bias_activate_units (self->activation, b, bias, n_out, block, block);
      swap = a;
      a = b;
      b = swap;
    }
  healer_mlp_block_to_rows (a, self->sizes[n_run], block, out);
}

/* Runs weight layers @first … @n_run − 1 on @n rows of layer @first's
 * values @x, writing layer @n_run's output to @out. Private buffers sized
 * for one chunk keep concurrent callers apart and the memory bounded. */
static void
healer_mlp_forward_rows_from (const HealerMlp *self,
                              guint            first,
                              const float     *x,
                              gsize            n,
                              guint            n_run,
                              float           *out,
                              gboolean         rowwise)
{
  /* Row by row, each row's sums are the same whatever the chunk: there a
   * small chunk keeps a layer's output in the cache for the next layer. */
  gsize chunk = MIN (n, rowwise ? HEALER_MLP_ROWWISE_CHUNK_ROWS : HEALER_MLP_CHUNK_ROWS);
  guint width = 0;
  g_autofree float *buf0 = NULL;
  g_autofree float *buf1 = NULL;
  float *bufs[2];

  if (n == 0)
    return;
  if (n_run == first)
    {
      memcpy (out, x, n * self->sizes[first] * sizeof (float));
      return;
    }

  if (rowwise)
    {
      guint block, widest = 0;
      HealerMlpBlockFunc func = healer_mlp_block_for (n, &block);

      if (func != NULL)
        {
          g_autofree float *a = NULL;
          g_autofree float *b = NULL;

          for (guint l = first; l <= n_run; l++)
            widest = MAX (widest, self->sizes[l]);
          a = g_new (float, (gsize) widest * HEALER_MLP_XT_BLOCK);
          b = g_new (float, (gsize) widest * HEALER_MLP_XT_BLOCK);
          while (func != NULL)
            {
              healer_mlp_forward_block (self, first, x, n_run, out, func, block, a, b);
              x += (gsize) block * self->sizes[first];
              out += (gsize) block * self->sizes[n_run];
              n -= block;
              func = healer_mlp_block_for (n, &block);
            }
        }
      /* The rows no block fills, layer by layer below. */
      if (n == 0)
        return;
      chunk = MIN (n, HEALER_MLP_ROWWISE_CHUNK_ROWS);
    }

  for (guint l = first + 1; l < n_run; l++)
    width = MAX (width, self->sizes[l]);
  if (width > 0)
    {
      buf0 = g_new (float, chunk * width);
      buf1 = g_new (float, chunk * width);
    }
  bufs[0] = buf0;
  bufs[1] = buf1;

  for (gsize start = 0; start < n; start += chunk)
    {
      gsize rows = MIN (chunk, n - start);
      const float *in = x + start * self->sizes[first];

      for (guint l = first; l < n_run; l++)
        {
          float *dst = (l + 1 == n_run) ? out + start * self->sizes[n_run] : bufs[l % 2];

          healer_mlp_forward_layer_with (self, l, in, rows, dst, rowwise);
          in = dst;
        }
    }
}

static void
healer_mlp_forward_rows (const HealerMlp *self,
                         const float     *x,
                         gsize            n,
                         guint            n_run,
                         float           *out,
                         gboolean         rowwise)
{
  healer_mlp_forward_rows_from (self, 0, x, n, n_run, out, rowwise);
}

void
healer_mlp_first_sums (const HealerMlp *self,
                       const float     *x,
                       gsize            n,
                       float           *z)
{
  g_autofree float *xt = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (n == 0 || (x != NULL && z != NULL));

  /* healer_mlp_forward_layer_with's rowwise product, stopped before the bias. */
  if (n >= HEALER_MLP_ROW_BLOCK)
    xt = g_new (float, ((gsize) self->sizes[0] + self->sizes[1]) * HEALER_MLP_XT_BLOCK);
  healer_mlp_matmul_rows (x, n, self->sizes[0], self->params + self->offsets[0],
                          self->sizes[1], z, xt);
}

void
healer_mlp_first_sums_add (const HealerMlp *self,
                           float           *z,
                           gsize            n,
                           guint            input,
                           const double    *delta)
{
  guint n_in, width;
  const float *w;
  g_autofree double *col = NULL;

  g_return_if_fail (self != NULL);
  g_return_if_fail (input < self->sizes[0]);
  g_return_if_fail (n == 0 || (z != NULL && delta != NULL));

  n_in = self->sizes[0];
  width = self->sizes[1];
  w = self->params + self->offsets[0];
  col = g_new (double, width);
  for (guint u = 0; u < width; u++)
    col[u] = (double) w[(gsize) u * n_in + input];
  for (gsize i = 0; i < n; i++)
    {
      float *zi = z + i * width;

      /* An unchanged value leaves its row's sums exactly as they were. */
      if (delta[i] == 0.0)
        continue;
      for (guint u = 0; u < width; u++)
        zi[u] = (float) ((double) zi[u] + col[u] * delta[i]);
    }
}

void
healer_mlp_predict_from_sums (const HealerMlp *self,
                              float           *z,
                              gsize            n,
                              float           *proba)
{
  const float *b;

  g_return_if_fail (self != NULL);
  g_return_if_fail (n == 0 || (z != NULL && proba != NULL));

  /* The rest of healer_mlp_forward_layer_with for layer 0, then the other
   * layers as healer_mlp_predict_proba_rowwise runs them. */
  b = self->params + self->offsets[0] + (gsize) self->sizes[0] * self->sizes[1];
  if (self->n_sizes == 2)
    {
      healer_mlp_bias_softmax (z, b, n, self->sizes[1]);
      memcpy (proba, z, n * self->sizes[1] * sizeof (float));
      return;
    }
  healer_mlp_bias_activate (self->activation, z, b, n, self->sizes[1]);
  healer_mlp_forward_rows_from (self, 1, z, n, self->n_sizes - 1, proba, TRUE);
}

void
healer_mlp_predict_proba (const HealerMlp *self,
                          const float     *x,
                          gsize            n,
                          float           *proba)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (n == 0 || (x != NULL && proba != NULL));

  healer_mlp_forward_rows (self, x, n, self->n_sizes - 1, proba, FALSE);
}

void
healer_mlp_predict_proba_rowwise (const HealerMlp *self,
                                  const float     *x,
                                  gsize            n,
                                  float           *proba)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (n == 0 || (x != NULL && proba != NULL));

  healer_mlp_forward_rows (self, x, n, self->n_sizes - 1, proba, TRUE);
}

void
healer_mlp_last_hidden (const HealerMlp *self,
                        const float     *x,
                        gsize            n,
                        float           *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (n == 0 || (x != NULL && out != NULL));

  /* Without hidden layers the "last hidden layer" is the input itself. */
  healer_mlp_forward_rows (self, x, n, self->n_sizes - 2, out, FALSE);
}

void
healer_mlp_input_gradient (const HealerMlp *self,
                           const float     *x,
                           guint            klass,
                           float           *grad_out)
{
  guint n_layers, widest = 0;
  gsize total = 0;
  g_autofree float *act_block = NULL;
  g_autofree float *delta_block = NULL;
  g_autofree float **act = NULL;
  float *delta, *delta_prev;
  const float *in = x;

  g_return_if_fail (self != NULL && x != NULL && grad_out != NULL);
  g_return_if_fail (klass < healer_mlp_get_n_outputs (self));

  n_layers = self->n_sizes - 1;
  for (guint l = 1; l <= n_layers; l++)
    {
      total += self->sizes[l];
      widest = MAX (widest, self->sizes[l]);
    }
  act_block = g_new (float, total);
  delta_block = g_new (float, 2 * (gsize) widest);
  act = g_new0 (float *, self->n_sizes);
  delta = delta_block;
  delta_prev = delta_block + widest;

  total = 0;
  for (guint l = 1; l <= n_layers; l++)
    {
      act[l] = act_block + total;
      total += self->sizes[l];
      healer_mlp_forward_layer (self, l - 1, in, 1, act[l]);
      in = act[l];
    }

  /* d log p_k / dz_j = [j = k] − p_j */
  for (guint j = 0; j < self->sizes[n_layers]; j++)
    delta[j] = (j == klass ? 1.0f : 0.0f) - act[n_layers][j];

  for (guint l = n_layers; l-- > 0;)
    {
      guint n_in = self->sizes[l];
      guint n_out = self->sizes[l + 1];
      const float *w = self->params + self->offsets[l];
      float *dst = l == 0 ? grad_out : delta_prev;
      gsl_matrix_float_const_view w_view = gsl_matrix_float_const_view_array (w, n_out, n_in);
      gsl_vector_float_const_view d_view = gsl_vector_float_const_view_array (delta, n_out);
      gsl_vector_float_view o_view = gsl_vector_float_view_array (dst, n_in);
      float *tmp;

      gsl_blas_sgemv (CblasTrans, 1.0f, &w_view.matrix, &d_view.vector, 0.0f, &o_view.vector);
      if (l == 0)
        break;
      healer_mlp_scale_by_derivative (self->activation, dst, act[l], n_in);
      tmp = delta;
      delta = delta_prev;
      delta_prev = tmp;
    }
}
