/* healer-projection-fft-batch.c — complex FFTs of many sequences at once, for the t-SNE grid
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "healer-projection-private.h"

/* Not on Windows: MinGW's GCC does not align the stack to 32 bytes for
 * spilled AVX registers (GCC bug 54412); the portable build serves there. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(_WIN32)
#define HEALER_FFT_HAVE_AVX2 1
#else
#define HEALER_FFT_HAVE_AVX2 0
#endif

/* Stockham's self-sorting FFT (no bit reversal), radix 4, 2 and 3, on
 * HEALER_FFT_BATCH sequences side by side: element j of sequence b is at
 * [j · BATCH + b]. Every butterfly is then a loop along contiguous memory,
 * the same operation on all sequences, which GCC's vector extensions turn
 * into SIMD instructions whatever the radix or stage — the column pass of
 * a 2-D transform runs across columns, as the grid of the t-SNE repulsion
 * needs, instead of copying one column at a time into a scalar transform.
 *
 * In a stage of radix r that follows stages whose radices multiply to s,
 * with n/s = r · q: for p < q and t < s,
 *   y[s (r p + k) + t] = w^(p k) · Σ_j x[s (p + j q) + t] · ω_r^(j k),
 * w = e^(∓2πi r / (n/s) / r) = e^(∓2πi / (n/s)). Runs of s elements, s ·
 * BATCH values, are contiguous in x and y.
 *
 * The same IEEE operations in the same order on every path (no fused
 * multiply-add, fp-contract is off): the AVX2 build and the portable one
 * give the same bits, as /projection/fft-batch checks. */

typedef float HealerV4 __attribute__ ((vector_size (32)));

#define VPE (HEALER_FFT_BATCH / 8)     /* vectors per element */
G_STATIC_ASSERT (HEALER_FFT_SMALL_BATCH == 8);  /* one vector per element */

#define MAX_STAGES 40

struct _HealerFftPlan
{
  guint   n;
  guint   n_stages;
  guint   radix[MAX_STAGES];
  guint   stride[MAX_STAGES];          /* s: product of the earlier radices */
  gsize   tw_at[MAX_STAGES];           /* first twiddle of the stage */
  float  *tw_re;                       /* forward: w^(p k), k = 1 … r − 1, p < q */
  float  *tw_im;
};

HealerFftPlan *
healer_fft_plan_new (guint n)
{
  HealerFftPlan *plan;
  guint rest = n, s = 1;
  gsize n_tw = 0;

  if (n == 0)
    return NULL;
  while (rest % 2 == 0)
    rest /= 2;
  while (rest % 3 == 0)
    rest /= 3;
  if (rest != 1)
    return NULL;

  plan = g_new0 (HealerFftPlan, 1);
  plan->n = n;
  rest = n;
  while (rest > 1)
    {
      guint r = rest % 4 == 0 ? 4 : rest % 2 == 0 ? 2 : 3;

      plan->radix[plan->n_stages] = r;
      plan->stride[plan->n_stages] = s;
      plan->tw_at[plan->n_stages] = n_tw;
      n_tw += (gsize) (r - 1) * (rest / r);
      plan->n_stages++;
      s *= r;
      rest /= r;
    }
  plan->tw_re = g_new (float, MAX (n_tw, 1));
  plan->tw_im = g_new (float, MAX (n_tw, 1));
  for (guint st = 0; st < plan->n_stages; st++)
    {
      guint r = plan->radix[st], len = n / plan->stride[st], q = len / r;

      for (guint p = 0; p < q; p++)
        for (guint k = 1; k < r; k++)
          {
            /* The angle from an exact integer fraction of the turn. */
            double angle = 2.0 * G_PI * (double) ((guint64) p * k % len) / (double) len;
            gsize at = plan->tw_at[st] + (gsize) p * (r - 1) + (k - 1);

            plan->tw_re[at] = (float) cos (angle);
            plan->tw_im[at] = (float) -sin (angle);
          }
    }
  return plan;
}

void
healer_fft_plan_free (HealerFftPlan *plan)
{
  if (plan == NULL)
    return;
  g_free (plan->tw_re);
  g_free (plan->tw_im);
  g_free (plan);
}

guint
healer_fft_plan_get_length (const HealerFftPlan *plan)
{
  return plan->n;
}

/* (ur + i ui) · (wr + i wi) into (yr, yi) over @len vectors. */
#define TWIDDLE(yr, yi, ur, ui, wr, wi)          \
  G_STMT_START {                                 \
    HealerV4 _ur = (ur), _ui = (ui);             \
    (yr) = _ur * (wr) - _ui * (wi);              \
    (yi) = _ur * (wi) + _ui * (wr);              \
  } G_STMT_END

static inline __attribute__ ((always_inline)) void
stage_impl (const HealerFftPlan *plan,
            guint                st,
            gboolean             inverse,
            gsize                vpe,
            const HealerV4      *xr,
            const HealerV4      *xi,
            HealerV4            *yr,
            HealerV4            *yi)
{
  guint r = plan->radix[st], s = plan->stride[st], q = plan->n / s / r;
  gsize len = (gsize) s * vpe;                 /* vectors in a run */
  gsize in_step = (gsize) q * len;             /* from x_j to x_j+1 */
  const float *twr = plan->tw_re + plan->tw_at[st], *twi = plan->tw_im + plan->tw_at[st];
  float sgn = inverse ? -1.0f : 1.0f;           /* inverse: conjugate twiddles */

  for (guint p = 0; p < q; p++)
    {
      /* One base pointer per array and fixed steps keep the loop's
       * addresses in a few registers. */
      const HealerV4 *ar = xr + (gsize) p * len, *ai = xi + (gsize) p * len;
      HealerV4 *br = yr + (gsize) r * p * len, *bi = yi + (gsize) r * p * len;

      if (r == 4)
        {
          float w1r = twr[3 * p], w1i = sgn * twi[3 * p];
          float w2r = twr[3 * p + 1], w2i = sgn * twi[3 * p + 1];
          float w3r = twr[3 * p + 2], w3i = sgn * twi[3 * p + 2];
          /* Forward, ω = −i: y1 = t1 − i t3, y3 = t1 + i t3; the inverse
           * swaps them. */
          gsize o1 = (inverse ? 3 : 1) * len, o3 = (inverse ? 1 : 3) * len;
          float v1r = inverse ? w3r : w1r, v1i = inverse ? w3i : w1i;
          float v3r = inverse ? w1r : w3r, v3i = inverse ? w1i : w3i;

          if (p == 0)
            for (gsize t = 0; t < len; t++)
              {
                HealerV4 t0r = ar[t] + ar[2 * in_step + t], t0i = ai[t] + ai[2 * in_step + t];
                HealerV4 t1r = ar[t] - ar[2 * in_step + t], t1i = ai[t] - ai[2 * in_step + t];
                HealerV4 t2r = ar[in_step + t] + ar[3 * in_step + t];
                HealerV4 t2i = ai[in_step + t] + ai[3 * in_step + t];
                HealerV4 t3r = ar[in_step + t] - ar[3 * in_step + t];
                HealerV4 t3i = ai[in_step + t] - ai[3 * in_step + t];

                br[t] = t0r + t2r;
                bi[t] = t0i + t2i;
                br[2 * len + t] = t0r - t2r;
                bi[2 * len + t] = t0i - t2i;
                br[o1 + t] = t1r + t3i;
                bi[o1 + t] = t1i - t3r;
                br[o3 + t] = t1r - t3i;
                bi[o3 + t] = t1i + t3r;
              }
          else
            for (gsize t = 0; t < len; t++)
              {
                HealerV4 t0r = ar[t] + ar[2 * in_step + t], t0i = ai[t] + ai[2 * in_step + t];
                HealerV4 t1r = ar[t] - ar[2 * in_step + t], t1i = ai[t] - ai[2 * in_step + t];
                HealerV4 t2r = ar[in_step + t] + ar[3 * in_step + t];
                HealerV4 t2i = ai[in_step + t] + ai[3 * in_step + t];
                HealerV4 t3r = ar[in_step + t] - ar[3 * in_step + t];
                HealerV4 t3i = ai[in_step + t] - ai[3 * in_step + t];

                br[t] = t0r + t2r;
                bi[t] = t0i + t2i;
                TWIDDLE (br[2 * len + t], bi[2 * len + t], t0r - t2r, t0i - t2i, w2r, w2i);
                TWIDDLE (br[o1 + t], bi[o1 + t], t1r + t3i, t1i - t3r, v1r, v1i);
                TWIDDLE (br[o3 + t], bi[o3 + t], t1r - t3i, t1i + t3r, v3r, v3i);
              }
        }
      else if (r == 2)
        {
          float w1r = twr[p], w1i = sgn * twi[p];

          if (p == 0)
            for (gsize t = 0; t < len; t++)
              {
                HealerV4 a0r = ar[t], a0i = ai[t], a1r = ar[in_step + t], a1i = ai[in_step + t];

                br[t] = a0r + a1r;
                bi[t] = a0i + a1i;
                br[len + t] = a0r - a1r;
                bi[len + t] = a0i - a1i;
              }
          else
            for (gsize t = 0; t < len; t++)
              {
                HealerV4 a0r = ar[t], a0i = ai[t], a1r = ar[in_step + t], a1i = ai[in_step + t];

                br[t] = a0r + a1r;
                bi[t] = a0i + a1i;
                TWIDDLE (br[len + t], bi[len + t], a0r - a1r, a0i - a1i, w1r, w1i);
              }
        }
      else
        {
          /* ω = e^(∓2πi/3) = −½ ∓ i √3/2: y1,2 = a0 − (a1 + a2)/2 ∓ i (√3/2)(a1 − a2)
           * forward (upper sign), the inverse swaps them. The first
           * twiddles are 1 + 0i: multiplying by them changes at most the
           * sign of a zero. */
          const float h = 0.866025403784438646763723170752936183f;
          float w1r = twr[2 * p], w1i = sgn * twi[2 * p];
          float w2r = twr[2 * p + 1], w2i = sgn * twi[2 * p + 1];
          gsize o1 = (inverse ? 2 : 1) * len, o2 = (inverse ? 1 : 2) * len;
          float v1r = inverse ? w2r : w1r, v1i = inverse ? w2i : w1i;
          float v2r = inverse ? w1r : w2r, v2i = inverse ? w1i : w2i;

          for (gsize t = 0; t < len; t++)
            {
              HealerV4 sr = ar[in_step + t] + ar[2 * in_step + t];
              HealerV4 si = ai[in_step + t] + ai[2 * in_step + t];
              HealerV4 dr = (ar[in_step + t] - ar[2 * in_step + t]) * h;
              HealerV4 di = (ai[in_step + t] - ai[2 * in_step + t]) * h;
              HealerV4 mr = ar[t] - sr * 0.5f, mi = ai[t] - si * 0.5f;

              br[t] = ar[t] + sr;
              bi[t] = ai[t] + si;
              TWIDDLE (br[o1 + t], bi[o1 + t], mr + di, mi - dr, v1r, v1i);
              TWIDDLE (br[o2 + t], bi[o2 + t], mr - di, mi + dr, v2r, v2i);
            }
        }
    }
}

/* @vpe vectors of 8 floats per element: VPE for a full batch, 1 for a
 * small one. */
static inline __attribute__ ((always_inline)) float *
transform_impl (const HealerFftPlan *plan,
                float               *x,
                float               *y,
                gboolean             inverse,
                gsize                vpe)
{
  gsize half = (gsize) plan->n * vpe * 8;

  for (guint st = 0; st < plan->n_stages; st++)
    {
      float *t;

      stage_impl (plan, st, inverse, vpe, (const HealerV4 *) x, (const HealerV4 *) (x + half),
                  (HealerV4 *) y, (HealerV4 *) (y + half));
      t = x;
      x = y;
      y = t;
    }
  return x;
}

static float *
transform_portable (const HealerFftPlan *plan,
                    float               *x,
                    float               *y,
                    gboolean             inverse)
{
  return transform_impl (plan, x, y, inverse, VPE);
}

static float *
transform_small_portable (const HealerFftPlan *plan,
                          float               *x,
                          float               *y,
                          gboolean             inverse)
{
  return transform_impl (plan, x, y, inverse, 1);
}

#if HEALER_FFT_HAVE_AVX2
/* The same source in 4-lane registers (AVX2 without FMA). */
__attribute__ ((target ("avx2")))
static float *
transform_avx2 (const HealerFftPlan *plan,
                float               *x,
                float               *y,
                gboolean             inverse)
{
  return transform_impl (plan, x, y, inverse, VPE);
}

__attribute__ ((target ("avx2")))
static float *
transform_small_avx2 (const HealerFftPlan *plan,
                      float               *x,
                      float               *y,
                      gboolean             inverse)
{
  return transform_impl (plan, x, y, inverse, 1);
}
#endif

static gint fft_kernel = -1;

void
healer_fft_set_kernel (HealerFftKernel kernel)
{
  g_atomic_int_set (&fft_kernel, (gint) kernel);
}

HealerFftKernel
healer_fft_get_kernel (void)
{
  gint k = g_atomic_int_get (&fft_kernel);

  if (k < 0)
    {
      k = HEALER_FFT_KERNEL_PORTABLE;
#if HEALER_FFT_HAVE_AVX2
      __builtin_cpu_init ();
      if (__builtin_cpu_supports ("avx2"))
        k = HEALER_FFT_KERNEL_AVX2;
#endif
      g_atomic_int_set (&fft_kernel, k);
    }
  return (HealerFftKernel) k;
}

float *
healer_fft_batch (const HealerFftPlan *plan,
                  float               *x,
                  float               *y,
                  gboolean             inverse)
{
#if HEALER_FFT_HAVE_AVX2
  if (healer_fft_get_kernel () == HEALER_FFT_KERNEL_AVX2)
    return transform_avx2 (plan, x, y, inverse);
#endif
  return transform_portable (plan, x, y, inverse);
}

float *
healer_fft_batch_small (const HealerFftPlan *plan,
                        float               *x,
                        float               *y,
                        gboolean             inverse)
{
#if HEALER_FFT_HAVE_AVX2
  if (healer_fft_get_kernel () == HEALER_FFT_KERNEL_AVX2)
    return transform_small_avx2 (plan, x, y, inverse);
#endif
  return transform_small_portable (plan, x, y, inverse);
}

float *
healer_fft_buffer_new (guint n)
{
  /* 64-byte aligned, so that vector loads never split a cache line;
   * the offset to the block g_malloc returned is kept just before. */
  gsize bytes = 2 * (gsize) n * HEALER_FFT_BATCH * sizeof (float);
  char *raw = g_malloc (bytes + 64 + sizeof (gpointer));
  guintptr at = ((guintptr) raw + sizeof (gpointer) + 63) & ~(guintptr) 63;

  ((gpointer *) at)[-1] = raw;
  return (float *) at;
}

void
healer_fft_buffer_free (float *buffer)
{
  if (buffer != NULL)
    g_free (((gpointer *) buffer)[-1]);
}
