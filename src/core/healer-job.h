/* healer-job.h — one way to run a job of the core on a worker thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "healer-relay.h"

G_BEGIN_DECLS

/* A job is a GTask run in a thread with everything a long piece of work
 * needs: the job's own state as the task's data (never as object data on
 * a widget), a GCancellable, and progress carried through a HealerRelay to
 * the caller's thread-default main context, so a worker that reports a
 * thousand times a second wakes the caller at most once per idle. No
 * report arrives after the caller's callback; the newest one still waiting
 * then is delivered just before it, or dropped, as the kind of job says.
 * Jobs so far: the async functions of the trainer, the cross-validation,
 * the calibration and the projections, and in the app the data loader,
 * the Data page's statistics, the Diagnose page's batch, sample and model
 * loading, the Train page's measuring of a cancelled model, the Results
 * map's projection, the Results page's CSV export and saving or exporting
 * a model. */
typedef struct _HealerJob HealerJob;

/* Worker thread: does the work on @data, reporting with
 * healer_job_report(). Returns the result, or NULL with @error set; NULL
 * without an error is a valid result too. */
typedef gpointer (*HealerJobFunc) (HealerJob     *job,
                                   gpointer       data,
                                   GCancellable  *cancellable,
                                   GError       **error);

/* What a kind of job is, a static constant of its module. */
typedef struct
{
  const char     *name;               /* the task's, for profilers */
  HealerJobFunc   func;
  GDestroyNotify  result_free;        /* frees a result nobody took */
  gsize           progress_size;      /* bytes of one report */
  /* TRUE: once cancelled, the job ends with G_IO_ERROR_CANCELLED whatever
   * its function returns. FALSE: the function's result stands (a
   * cancelled training still returns its best model). */
  gboolean        check_cancellable;
  /* TRUE: the newest report still waiting when the job ends is delivered
   * just before the result (a bar reaches its end). FALSE: it is dropped
   * and the result says the rest, so a caller whose handling of the result
   * is heavy does not do both in one frame (the calibrated training's
   * final report would redraw the curves in the frame that shows the
   * model). */
  gboolean        deliver_last_report;
} HealerJobInfo;

/* Runs @info's function on @data in a worker. @data_free frees @data when
 * the task is finalized, after @callback, on whichever thread lets the
 * task go last (the worker's too): @data holds no widget.
 * @progress (with @progress_data, freed by @progress_data_free when the
 * job is over) receives copies of the reports on this thread; without it
 * the job does not report. @source_tag identifies the job to
 * healer_job_finish(), as the public async function's address. */
void     healer_job_run             (const HealerJobInfo *info,
                                     gpointer             source_object,
                                     gpointer             source_tag,
                                     gpointer             data,
                                     GDestroyNotify       data_free,
                                     GCancellable        *cancellable,
                                     HealerRelayFunc      progress,
                                     gpointer             progress_data,
                                     GDestroyNotify       progress_data_free,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
/* The job's result (NULL with @error set on failure). Also accepts a
 * result made with g_task_report_error() for the same @source_tag, for
 * jobs refused before they ran. */
gpointer healer_job_finish          (GAsyncResult        *result,
                                     gpointer             source_tag,
                                     GError             **error);
/* The @data given to healer_job_run(), for finish functions that return
 * more than the result; NULL for a job refused before it ran. */
gpointer healer_job_get_data        (GAsyncResult        *result);

/* Worker thread: whether anyone listens (a job may skip computing reports
 * when not), and the report itself: @report, progress_size bytes, is
 * copied, so it may live on the worker's stack. */
gboolean healer_job_wants_progress  (HealerJob           *job);
void     healer_job_report          (HealerJob           *job,
                                     gconstpointer        report);

G_END_DECLS
