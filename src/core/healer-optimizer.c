/* healer-optimizer.c — the Adam and SGD-with-momentum parameter updates
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HEALER_ADAM_AVX 1
#endif

#include "healer-trainer-private.h"

#define HEALER_ADAM_BETA1        0.9
#define HEALER_ADAM_BETA2        0.999
#define HEALER_ADAM_EPS          1e-8

void
healer_optimizer_step_init (HealerOptimizerStep     *s,
                            const HealerTrainConfig *config,
                            double                   learning_rate,
                            guint64                  step)
{
  s->optimizer = config->optimizer;
  s->lr = (float) learning_rate;
  s->wd = (float) config->weight_decay;
  s->mu = (float) config->momentum;
  s->c1 = (float) (1.0 / (1.0 - pow (HEALER_ADAM_BETA1, (double) step)));
  s->c2 = (float) (1.0 / (1.0 - pow (HEALER_ADAM_BETA2, (double) step)));
}

/* Adam, eight parameters at a time, for CPUs with AVX (chosen at run time:
 * the baseline is SSE2). The same IEEE operations as the scalar loop, lane by
 * lane and in the same order: no FMA (the target is "avx", not "fma", so GCC
 * cannot contract), no reciprocal estimates, whose bits differ between CPU
 * vendors. So every path gives the same bits and models do not depend on the
 * machine. Returns how many parameters it did; the caller finishes the rest. */
#if defined(HEALER_ADAM_AVX)
__attribute__ ((target ("avx")))
static gsize
healer_adam_avx (float                     *p,
                 const float               *g,
                 float                     *m1,
                 float                     *m2,
                 gsize                      n,
                 const HealerOptimizerStep *s,
                 gboolean                   decay)
{
  const float b1 = HEALER_ADAM_BETA1, b2 = HEALER_ADAM_BETA2, eps = HEALER_ADAM_EPS;
  const __m256 vb1 = _mm256_set1_ps (b1), vb2 = _mm256_set1_ps (b2);
  const __m256 va1 = _mm256_set1_ps (1.0f - b1), va2 = _mm256_set1_ps (1.0f - b2);
  const __m256 vwd = _mm256_set1_ps (s->wd), vlr = _mm256_set1_ps (s->lr);
  const __m256 veps = _mm256_set1_ps (eps);
  const __m256 vc1 = _mm256_set1_ps (s->c1), vc2 = _mm256_set1_ps (s->c2);
  const __m256 mask = _mm256_castsi256_ps (_mm256_set1_epi32 (decay ? -1 : 0));
  gsize i = 0;

  for (; i + 8 <= n; i += 8)
    {
      __m256 vp = _mm256_loadu_ps (p + i);
      __m256 gi = _mm256_add_ps (_mm256_loadu_ps (g + i),
                                 _mm256_and_ps (mask, _mm256_mul_ps (vwd, vp)));
      __m256 a = _mm256_add_ps (_mm256_mul_ps (vb1, _mm256_loadu_ps (m1 + i)),
                                _mm256_mul_ps (va1, gi));
      __m256 b = _mm256_add_ps (_mm256_mul_ps (vb2, _mm256_loadu_ps (m2 + i)),
                                _mm256_mul_ps (_mm256_mul_ps (va2, gi), gi));
      __m256 step = _mm256_div_ps (_mm256_mul_ps (vlr, _mm256_mul_ps (a, vc1)),
                                   _mm256_add_ps (_mm256_sqrt_ps (_mm256_mul_ps (b, vc2)), veps));

      _mm256_storeu_ps (m1 + i, a);
      _mm256_storeu_ps (m2 + i, b);
      _mm256_storeu_ps (p + i, _mm256_sub_ps (vp, step));
    }
  return i;
}

/* The same, sixteen at a time; GCC would fuse its multiplies and adds into
 * FMAs here but for -ffp-contract=off (meson.build). */
__attribute__ ((target ("avx512f")))
static gsize
healer_adam_avx512 (float                     *p,
                    const float               *g,
                    float                     *m1,
                    float                     *m2,
                    gsize                      n,
                    const HealerOptimizerStep *s,
                    gboolean                   decay)
{
  const float b1 = HEALER_ADAM_BETA1, b2 = HEALER_ADAM_BETA2, eps = HEALER_ADAM_EPS;
  const __m512 vb1 = _mm512_set1_ps (b1), vb2 = _mm512_set1_ps (b2);
  const __m512 va1 = _mm512_set1_ps (1.0f - b1), va2 = _mm512_set1_ps (1.0f - b2);
  const __m512 vwd = _mm512_set1_ps (s->wd), vlr = _mm512_set1_ps (s->lr);
  const __m512 veps = _mm512_set1_ps (eps);
  const __m512 vc1 = _mm512_set1_ps (s->c1), vc2 = _mm512_set1_ps (s->c2);
  const __m512i mask = _mm512_set1_epi32 (decay ? -1 : 0);
  gsize i = 0;

  for (; i + 16 <= n; i += 16)
    {
      __m512 vp = _mm512_loadu_ps (p + i);
      __m512i wdp = _mm512_and_si512 (mask, _mm512_castps_si512 (_mm512_mul_ps (vwd, vp)));
      __m512 gi = _mm512_add_ps (_mm512_loadu_ps (g + i), _mm512_castsi512_ps (wdp));
      __m512 a = _mm512_add_ps (_mm512_mul_ps (vb1, _mm512_loadu_ps (m1 + i)),
                                _mm512_mul_ps (va1, gi));
      __m512 b = _mm512_add_ps (_mm512_mul_ps (vb2, _mm512_loadu_ps (m2 + i)),
                                _mm512_mul_ps (_mm512_mul_ps (va2, gi), gi));
      /* maskz with every lane: _mm512_sqrt_ps trips GCC 12's
       * -Wmaybe-uninitialized inside its own header. */
      __m512 root = _mm512_maskz_sqrt_ps (0xffff, _mm512_mul_ps (b, vc2));
      __m512 step = _mm512_div_ps (_mm512_mul_ps (vlr, _mm512_mul_ps (a, vc1)),
                                   _mm512_add_ps (root, veps));

      _mm512_storeu_ps (m1 + i, a);
      _mm512_storeu_ps (m2 + i, b);
      _mm512_storeu_ps (p + i, _mm512_sub_ps (vp, step));
    }
  return i;
}

/* 2: AVX-512F, 1: AVX, 0: neither. */
static gint
healer_cpu_vector_level (void)
{
  static gint level = -1;
  gint value = g_atomic_int_get (&level);

  /* Two threads may both ask the CPU first; they get the same answer. */
  if (value < 0)
    {
      __builtin_cpu_init ();
      value = __builtin_cpu_supports ("avx512f") ? 2 : __builtin_cpu_supports ("avx") ? 1 : 0;
      g_atomic_int_set (&level, value);
    }
  return value;
}
#endif

/* Adam on the @n parameters, with weight decay when @decay. The SSE lanes,
 * like the AVX and AVX-512 ones above, do the very IEEE operations of the scalar loop in
 * the same order, so all paths give the same bits. Vectorised because at
 * small batches this pass over every parameter after each mini-batch was
 * about a fifth of the epoch, and GCC at -O2 leaves it scalar. Without decay
 * the gradient still gets "+ 0.0f", as the scalar loop does, so that a
 * gradient of −0 becomes +0 on every path. */
static void
healer_adam_update (const HealerOptimizerStep *s,
                    float                     *p,
                    const float               *g,
                    float                     *m1,
                    float                     *m2,
                    gsize                      n,
                    gboolean                   decay)
{
  const float b1 = HEALER_ADAM_BETA1, b2 = HEALER_ADAM_BETA2, eps = HEALER_ADAM_EPS;
  const float wd = s->wd, lr = s->lr, c1 = s->c1, c2 = s->c2;
  gsize i = 0;

#if defined(HEALER_ADAM_AVX)
  switch (healer_cpu_vector_level ())
    {
    case 2:
      i = healer_adam_avx512 (p, g, m1, m2, n, s, decay);
      break;
    case 1:
      i = healer_adam_avx (p, g, m1, m2, n, s, decay);
      break;
    default:
      break;
    }
#endif

#if defined(__SSE2__)
  {
    const __m128 vb1 = _mm_set1_ps (b1), vb2 = _mm_set1_ps (b2);
    const __m128 va1 = _mm_set1_ps (1.0f - b1), va2 = _mm_set1_ps (1.0f - b2);
    const __m128 vwd = _mm_set1_ps (wd), vlr = _mm_set1_ps (lr), veps = _mm_set1_ps (eps);
    const __m128 vc1 = _mm_set1_ps (c1), vc2 = _mm_set1_ps (c2);
    const __m128 mask = _mm_castsi128_ps (_mm_set1_epi32 (decay ? -1 : 0));

    for (; i + 4 <= n; i += 4)
      {
        __m128 vp = _mm_loadu_ps (p + i);
        __m128 gi = _mm_add_ps (_mm_loadu_ps (g + i), _mm_and_ps (mask, _mm_mul_ps (vwd, vp)));
        __m128 a = _mm_add_ps (_mm_mul_ps (vb1, _mm_loadu_ps (m1 + i)), _mm_mul_ps (va1, gi));
        __m128 b = _mm_add_ps (_mm_mul_ps (vb2, _mm_loadu_ps (m2 + i)),
                               _mm_mul_ps (_mm_mul_ps (va2, gi), gi));
        __m128 step = _mm_div_ps (_mm_mul_ps (vlr, _mm_mul_ps (a, vc1)),
                                  _mm_add_ps (_mm_sqrt_ps (_mm_mul_ps (b, vc2)), veps));

        _mm_storeu_ps (m1 + i, a);
        _mm_storeu_ps (m2 + i, b);
        _mm_storeu_ps (p + i, _mm_sub_ps (vp, step));
      }
  }
#endif

  for (; i < n; i++)
    {
      float gi = g[i] + (decay ? wd * p[i] : 0.0f);

      m1[i] = b1 * m1[i] + (1.0f - b1) * gi;
      m2[i] = b2 * m2[i] + (1.0f - b2) * gi * gi;
      p[i] -= lr * (m1[i] * c1) / (sqrtf (m2[i] * c2) + eps);
    }
}

void
healer_optimizer_update (const HealerOptimizerStep *s,
                         float                     *p,
                         const float               *g,
                         float                     *m1,
                         float                     *m2,
                         gsize                      n,
                         gboolean                   decay)
{
  if (s->optimizer == HEALER_OPTIMIZER_ADAM)
    {
      healer_adam_update (s, p, g, m1, m2, n, decay);
    }
  else
    {
      float wd = s->wd, lr = s->lr, mu = s->mu;

      for (gsize i = 0; i < n; i++)
        {
          float gi = g[i] + (decay ? wd * p[i] : 0.0f);

          m1[i] = mu * m1[i] - lr * gi;
          p[i] += m1[i];
        }
    }
}
