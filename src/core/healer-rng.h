/* healer-rng.h — seeded PRNG, identical on every platform
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Small deterministic PRNG (splitmix64 seeded xoshiro256**) used everywhere a
 * seed must give the same result on every platform. */
typedef struct { guint64 s[4]; } HealerRng;
void    healer_rng_init    (HealerRng *rng, guint64 seed);
guint64 healer_rng_next    (HealerRng *rng);
double  healer_rng_uniform (HealerRng *rng);                /* [0, 1) */
double  healer_rng_normal  (HealerRng *rng);
guint64 healer_rng_below   (HealerRng *rng, guint64 bound); /* [0, bound) */
void    healer_rng_shuffle (HealerRng *rng, gsize *v, gsize n);

G_END_DECLS
