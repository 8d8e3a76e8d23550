/* test-eta.c — the time left from measured rates, on made-up clocks
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "healer-eta.h"

/* A slow start (reading, preparing) does not count: the first report ends
 * the warm-up and the rate is measured from there. The job below spends
 * 60 s preparing, then does 1 % a second: 99 s left after 1 %, whatever
 * the 60 s. */
static void
test_warm_up (void)
{
  HealerEta eta;

  healer_eta_init (&eta);
  g_assert_true (isnan (healer_eta_seconds_left (&eta)));
  healer_eta_update (&eta, 60.0, 0.01);
  g_assert_true (isnan (healer_eta_seconds_left (&eta)));
  g_assert_false (healer_eta_is_sound (&eta));
  healer_eta_update (&eta, 61.0, 0.02);
  g_assert_true (isnan (healer_eta_seconds_left (&eta)));
  healer_eta_update (&eta, 62.0, 0.03);
  g_assert_true (healer_eta_is_sound (&eta));
  g_assert_cmpfloat_with_epsilon (healer_eta_seconds_left (&eta), 97.0, 1e-9);
  for (guint i = 4; i <= 50; i++)
    {
      healer_eta_update (&eta, 59.0 + i, i / 100.0);
      g_assert_cmpfloat_with_epsilon (healer_eta_seconds_left (&eta), 100.0 - i, 1e-6);
    }
}

/* Many quick reports are not enough: two seconds of them are. */
static void
test_needs_seconds (void)
{
  HealerEta eta;
  double t = 5.0;
  guint i;

  healer_eta_init (&eta);
  for (i = 0; t < 5.0 + HEALER_ETA_MIN_SECONDS - 0.05; i++, t += 0.1)
    {
      healer_eta_update (&eta, t, 0.001 * i);
      g_assert_true (isnan (healer_eta_seconds_left (&eta)));
    }
  healer_eta_update (&eta, 5.0 + HEALER_ETA_MIN_SECONDS, 0.001 * i);
  g_assert_true (healer_eta_is_sound (&eta));
  g_assert_true (isfinite (healer_eta_seconds_left (&eta)));
}

/* Steps of a minute: one measured step after the warm-up is enough. */
static void
test_long_steps (void)
{
  HealerEta eta;

  healer_eta_init (&eta);
  healer_eta_update (&eta, 100.0, 0.1);
  healer_eta_update (&eta, 160.0, 0.2);
  g_assert_cmpfloat_with_epsilon (healer_eta_seconds_left (&eta), 480.0, 1e-9);
}

/* Early stopping skips work: the share jumps and the estimate drops, at
 * once, to what the measured rate says of the rest. */
static void
test_skipped_work (void)
{
  HealerEta eta;

  healer_eta_init (&eta);
  healer_eta_update (&eta, 0.0, 0.0);
  healer_eta_update (&eta, 10.0, 0.1);
  healer_eta_update (&eta, 20.0, 0.2);
  g_assert_cmpfloat_with_epsilon (healer_eta_seconds_left (&eta), 80.0, 1e-9);
  /* A network stopped early: 30 % of the planned epochs never run. */
  healer_eta_update (&eta, 21.0, 0.5);
  g_assert_cmpfloat_with_epsilon (healer_eta_seconds_left (&eta), 0.5 / (0.5 / 21.0), 1e-9);
}

/* Reports that make no sense leave the estimate as it was; the end is 0. */
static void
test_odd_reports (void)
{
  HealerEta eta;
  double before;

  healer_eta_init (&eta);
  healer_eta_update (&eta, 0.0, 0.0);
  healer_eta_update (&eta, 1.0, 0.1);
  healer_eta_update (&eta, 2.0, 0.2);
  before = healer_eta_seconds_left (&eta);
  g_assert_cmpfloat_with_epsilon (before, 8.0, 1e-9);
  healer_eta_update (&eta, 1.5, 0.3);      /* the clock went back */
  healer_eta_update (&eta, 3.0, 0.1);      /* the share went back */
  healer_eta_update (&eta, NAN, 0.5);
  healer_eta_update (&eta, 4.0, NAN);
  g_assert_cmpfloat (healer_eta_seconds_left (&eta), ==, before);
  /* No progress at all since the warm-up: never sound, never infinite. */
  healer_eta_init (&eta);
  for (guint i = 0; i < 100; i++)
    healer_eta_update (&eta, i, 0.25);
  g_assert_false (healer_eta_is_sound (&eta));
  g_assert_true (isnan (healer_eta_seconds_left (&eta)));
  healer_eta_update (&eta, 200.0, 1.5);    /* clamped to done */
  g_assert_cmpfloat (healer_eta_seconds_left (&eta), ==, 0.0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/eta/warm-up", test_warm_up);
  g_test_add_func ("/eta/needs-seconds", test_needs_seconds);
  g_test_add_func ("/eta/long-steps", test_long_steps);
  g_test_add_func ("/eta/skipped-work", test_skipped_work);
  g_test_add_func ("/eta/odd-reports", test_odd_reports);
  return g_test_run ();
}
