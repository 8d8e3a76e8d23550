/* healer-eta.c — the time left of a long job, from the rate it is measured to go
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "healer-eta.h"

void
healer_eta_init (HealerEta *self)
{
  g_return_if_fail (self != NULL);

  *self = (HealerEta) { 0 };
  self->start = self->last = NAN;
}

void
healer_eta_update (HealerEta *self,
                   double     now_seconds,
                   double     done)
{
  g_return_if_fail (self != NULL);

  if (!isfinite (now_seconds) || !isfinite (done))
    return;
  done = CLAMP (done, 0.0, 1.0);

  if (self->n_reports == 0)
    {
      /* The warm-up: the rate is measured from here on. */
      self->start = self->last = now_seconds;
      self->start_done = self->last_done = done;
      self->n_reports = 1;
      return;
    }
  /* A clock or a share going back (a caller's mistake) says nothing new. */
  if (now_seconds < self->last || done < self->last_done)
    return;

  self->last = now_seconds;
  self->last_done = done;
  self->n_reports++;

  if (!self->sound && self->last_done > self->start_done)
    {
      double measured = self->last - self->start;
      guint after = self->n_reports - 1;

      self->sound = (after >= HEALER_ETA_MIN_REPORTS && measured >= HEALER_ETA_MIN_SECONDS) ||
                    measured >= HEALER_ETA_LONG_SECONDS;
    }
}

double
healer_eta_seconds_left (const HealerEta *self)
{
  double rate;

  g_return_val_if_fail (self != NULL, NAN);

  if (self->n_reports > 0 && self->last_done >= 1.0)
    return 0.0;
  if (!self->sound)
    return NAN;
  /* Share per second since the warm-up; sound implies it is positive. */
  rate = (self->last_done - self->start_done) / (self->last - self->start);
  if (!(rate > 0.0))
    return NAN;
  return (1.0 - self->last_done) / rate;
}

gboolean
healer_eta_is_sound (const HealerEta *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->sound;
}

double
healer_eta_now (void)
{
  return g_get_monotonic_time () / (double) G_USEC_PER_SEC;
}
