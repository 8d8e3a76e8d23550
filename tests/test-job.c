/* test-job.c — a job runs on a worker, its last report arrives before its
 * result and nothing after, its state is the task's and freed after the
 * result, and a cancel ends it as its kind says
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-job.h"

#define N_REPORTS 10000

typedef struct
{
  GThread  *caller;
  gint64    last_report;
  guint     n_reports;
  guint     reports_after_result;
  gboolean  done;
  gboolean  freed;
  gboolean  progress_data_freed;
  gint64   *result;
  GError   *error;
  GThread  *worker;
  gboolean  wanted_progress;
} Run;

static gpointer
count_run (HealerJob     *job,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  Run *run = data;

  run->worker = g_thread_self ();
  run->wanted_progress = healer_job_wants_progress (job);
  for (gint64 i = 1; i <= N_REPORTS; i++)
    {
      if (g_cancellable_is_cancelled (cancellable))
        break;
      healer_job_report (job, &i);
    }
  /* A cancelled run still has a result, as a cancelled training does. */
  return g_memdup2 (&(gint64) { N_REPORTS }, sizeof (gint64));
}

static const HealerJobInfo count_job = {
  .name = "[test] count",
  .func = count_run,
  .result_free = g_free,
  .progress_size = sizeof (gint64),
  .check_cancellable = FALSE,
  .deliver_last_report = TRUE,
};

static const HealerJobInfo count_drop_job = {
  .name = "[test] count, last report dropped",
  .func = count_run,
  .result_free = g_free,
  .progress_size = sizeof (gint64),
};

static const HealerJobInfo strict_count_job = {
  .name = "[test] strict count",
  .func = count_run,
  .result_free = g_free,
  .progress_size = sizeof (gint64),
  .check_cancellable = TRUE,
};

static void
on_report (gconstpointer report,
           gpointer      data)
{
  Run *run = data;

  g_assert_true (g_thread_self () == run->caller);
  if (run->done)
    run->reports_after_result++;
  g_assert_cmpint (*(const gint64 *) report, >, run->last_report);
  run->last_report = *(const gint64 *) report;
  run->n_reports++;
}

static void
on_progress_data_free (gpointer data)
{
  ((Run *) data)->progress_data_freed = TRUE;
}

static void
on_data_free (gpointer data)
{
  Run *run = data;

  /* The task is finalized by whichever thread lets it go last, the
   * worker's included: wake the waiting test. */
  g_atomic_int_set (&run->freed, TRUE);
  g_main_context_wakeup (NULL);
}

static void
on_done (GObject      *source,
         GAsyncResult *result,
         gpointer      data)
{
  Run *run = data;

  g_assert_true (healer_job_get_data (result) == run);
  g_assert_false (run->freed);
  run->result = healer_job_finish (result, (gpointer) on_done, &run->error);
  run->done = TRUE;
}

/* Bounded: a hung job fails the test instead of hanging it. */
static void
wait_done (Run *run)
{
  gint64 deadline = g_get_monotonic_time () + 60 * G_TIME_SPAN_SECOND;

  while (!run->done || !g_atomic_int_get (&run->freed))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  /* Anything still queued would come now. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
test_reports (void)
{
  Run run = { .caller = g_thread_self () };

  healer_job_run (&count_job, NULL, (gpointer) on_done, &run, on_data_free, NULL,
                  on_report, &run, on_progress_data_free, on_done, &run);
  wait_done (&run);

  g_assert_no_error (run.error);
  g_assert_nonnull (run.result);
  g_assert_cmpint (*run.result, ==, N_REPORTS);
  g_assert_true (run.worker != run.caller);
  g_assert_true (run.wanted_progress);
  /* Coalesced, and the last one arrived before the result. */
  g_assert_cmpuint (run.n_reports, >=, 1);
  g_assert_cmpuint (run.n_reports, <=, N_REPORTS);
  g_assert_cmpint (run.last_report, ==, N_REPORTS);
  g_assert_cmpuint (run.reports_after_result, ==, 0);
  g_assert_true (run.progress_data_freed);
  g_free (run.result);
}

/* A job whose last report is dropped still sends none after its result. */
static void
test_last_dropped (void)
{
  Run run = { .caller = g_thread_self () };

  healer_job_run (&count_drop_job, NULL, (gpointer) on_done, &run, on_data_free, NULL,
                  on_report, &run, on_progress_data_free, on_done, &run);
  wait_done (&run);
  g_assert_nonnull (run.result);
  g_assert_cmpint (run.last_report, <=, N_REPORTS);
  g_assert_cmpuint (run.reports_after_result, ==, 0);
  g_assert_true (run.progress_data_freed);
  g_free (run.result);
}

static void
test_no_progress (void)
{
  Run run = { .caller = g_thread_self () };

  healer_job_run (&count_job, NULL, (gpointer) on_done, &run, on_data_free, NULL,
                  NULL, &run, on_progress_data_free, on_done, &run);
  /* Nobody listens: the listener's data is let go at once. */
  g_assert_true (run.progress_data_freed);
  wait_done (&run);
  g_assert_false (run.wanted_progress);
  g_assert_cmpuint (run.n_reports, ==, 0);
  g_assert_nonnull (run.result);
  g_free (run.result);
}

static void
test_cancel (void)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Run lenient = { .caller = g_thread_self () };
  Run strict = { .caller = g_thread_self () };

  g_cancellable_cancel (cancellable);

  /* check_cancellable FALSE: the function's result stands. */
  healer_job_run (&count_job, NULL, (gpointer) on_done, &lenient, on_data_free, cancellable,
                  on_report, &lenient, NULL, on_done, &lenient);
  wait_done (&lenient);
  g_assert_no_error (lenient.error);
  g_assert_nonnull (lenient.result);
  g_free (lenient.result);

  /* TRUE: cancelled is cancelled, and the result is freed, not leaked. */
  healer_job_run (&strict_count_job, NULL, (gpointer) on_done, &strict, on_data_free, cancellable,
                  on_report, &strict, NULL, on_done, &strict);
  wait_done (&strict);
  g_assert_error (strict.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (strict.result);
  g_clear_error (&strict.error);
}

static gpointer
fail_run (HealerJob     *job,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad input");
  return NULL;
}

static const HealerJobInfo fail_job = {
  .name = "[test] fail",
  .func = fail_run,
  .result_free = g_free,
};

static void
test_error (void)
{
  Run run = { .caller = g_thread_self () };

  healer_job_run (&fail_job, NULL, (gpointer) on_done, &run, on_data_free, NULL,
                  NULL, NULL, NULL, on_done, &run);
  wait_done (&run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
  g_assert_null (run.result);
  g_clear_error (&run.error);
}

static void
on_refused (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  Run *run = data;

  g_assert_null (healer_job_get_data (result));
  run->result = healer_job_finish (result, (gpointer) on_refused, &run->error);
  run->done = run->freed = TRUE;
}

/* A job refused before it runs ends through the same finish. */
static void
test_refused (void)
{
  Run run = { .caller = g_thread_self () };

  g_task_report_new_error (NULL, on_refused, &run, (gpointer) on_refused,
                           G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "not here");
  wait_done (&run);
  g_assert_error (run.error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&run.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/job/reports", test_reports);
  g_test_add_func ("/job/last-dropped", test_last_dropped);
  g_test_add_func ("/job/no-progress", test_no_progress);
  g_test_add_func ("/job/cancel", test_cancel);
  g_test_add_func ("/job/error", test_error);
  g_test_add_func ("/job/refused", test_refused);

  return g_test_run ();
}
