/* healer-rng.c — seeded PRNG, identical on every platform
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include "healer-rng.h"

/* GRand and rand() differ across GLib versions and platforms; a seed must
 * reproduce a model file bit for bit anywhere, so we carry our own. */

static guint64
splitmix64 (guint64 *x)
{
  guint64 z = (*x += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static inline guint64
rotl (guint64 x, int k)
{
  return (x << k) | (x >> (64 - k));
}

void
healer_rng_init (HealerRng *rng,
                 guint64    seed)
{
  guint64 x = seed;

  for (guint i = 0; i < 4; i++)
    rng->s[i] = splitmix64 (&x);
}

guint64
healer_rng_next (HealerRng *rng)
{
  guint64 *s = rng->s;
  guint64 result = rotl (s[1] * 5, 7) * 9;
  guint64 t = s[1] << 17;

  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl (s[3], 45);

  return result;
}

double
healer_rng_uniform (HealerRng *rng)
{
  return (healer_rng_next (rng) >> 11) * 0x1.0p-53;
}

double
healer_rng_normal (HealerRng *rng)
{
  /* Box–Muller without the cached second value keeps the state simple to copy. */
  double u1 = healer_rng_uniform (rng);
  double u2 = healer_rng_uniform (rng);

  if (u1 < 1e-300)
    u1 = 1e-300;
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

guint64
healer_rng_below (HealerRng *rng,
                  guint64    bound)
{
  guint64 threshold, r;

  g_return_val_if_fail (bound > 0, 0);

  /* Rejection sampling: no modulo bias. */
  threshold = -bound % bound;
  do
    r = healer_rng_next (rng);
  while (r < threshold);

  return r % bound;
}

void
healer_rng_shuffle (HealerRng *rng,
                    gsize     *v,
                    gsize      n)
{
  for (gsize i = n; i > 1; i--)
    {
      gsize j = healer_rng_below (rng, i);
      gsize tmp = v[i - 1];

      v[i - 1] = v[j];
      v[j] = tmp;
    }
}
