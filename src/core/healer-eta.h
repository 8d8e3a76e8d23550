/* healer-eta.h — the time left of a long job, from the rate it is measured to go
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A job reports the share of its work done, 0 to 1, with the time of the
 * report; the estimate is the work left over the rate measured since the
 * end of a warm-up. The first report is the warm-up: what came before it
 * (reading and preparing the data, the first epoch's allocations, threads
 * starting) runs at no steady rate, and dividing by it made a 2-minute run
 * say 3 hours. Until the rate has been measured over a few reports and a
 * few seconds the estimate is unknown (NAN): "estimating…", not a guess.
 *
 * It keeps no clock of its own: the caller gives the times (the monotonic
 * clock in seconds), so that tests can give made-up ones. Not thread-safe:
 * one job reports from one thread. */
typedef struct
{
  double   start;         /* time of the warm-up report */
  double   start_done;    /* its share done */
  double   last;          /* time of the latest report */
  double   last_done;     /* its share done */
  guint    n_reports;
  gboolean sound;         /* the estimate has been sound once */
} HealerEta;

/* Reports after the warm-up, and seconds measured, before an estimate. */
#define HEALER_ETA_MIN_REPORTS 2
#define HEALER_ETA_MIN_SECONDS 2.0
/* A rate measured over this long is sound even from a single report (a
 * job whose steps take a minute each must not wait minutes). */
#define HEALER_ETA_LONG_SECONDS 10.0

void     healer_eta_init         (HealerEta *self);
void     healer_eta_update       (HealerEta *self,
                                  double     now_seconds,
                                  double     done);
/* Seconds left, or NAN while estimating; 0 once the job is done. */
double   healer_eta_seconds_left (const HealerEta *self);
gboolean healer_eta_is_sound     (const HealerEta *self);

/* The monotonic clock, in seconds, for healer_eta_update(). */
double   healer_eta_now          (void);

G_END_DECLS
