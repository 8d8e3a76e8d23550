/* test-cli-stream.c — systemhealer-cli predict and simulate as streams:
 * results independent of the chunk size, rows out before the input ends,
 * bounded memory, and every cell written readable again (issue 13,
 * families 9, 10 and 12; issue 14, item 3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#ifdef G_OS_UNIX
#include <sys/resource.h>
#endif

#include "healer-test-cli.h"

static const char *self_path;

static const char *
demo_csv (void)
{
  static char *path;

  if (path == NULL)
    path = cli_simulate ("demo.csv", "--samples", "800", "--seed", "11", NULL);
  return path;
}

static const char *
demo_model (void)
{
  static char *path;

  if (path == NULL)
    path = cli_train ("demo-model.json", demo_csv (), "--epochs", "10", "--hidden", "64",
                      "--ensemble", "2", NULL);
  return path;
}

/* predict's results for @data with --chunk-rows 1, 7 and the default, and
 * on 1, 2 and 3 threads, are the same bytes. */
static void
check_chunk_independent (const char *model,
                         const char *data)
{
  const char *variants[][4] = {
    { "--chunk-rows", "1", NULL },
    { "--chunk-rows", "7", NULL },
    { "--threads", "1", NULL },
    { "--threads", "2", NULL },
    { "--threads", "3", "--chunk-rows", "100" },
  };
  g_auto(Run) whole = { 0 };

  run_cli (&whole, "predict", model, data, NULL);
  g_assert_cmpint (whole.status, ==, 0);
  g_assert_cmpuint (strlen (whole.out), >, 1000);
  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      g_auto(Run) other = { 0 };

      run_cli (&other, "predict", model, data, variants[i][0], variants[i][1],
               variants[i][2], variants[i][3], NULL);
      g_assert_cmpint (other.status, ==, 0);
      /* Not cmpstr: a difference would print two whole files. */
      g_assert_true (strcmp (whole.out, other.out) == 0);
    }
}

/* Family 9: BLAS summed a row differently in a chunk of 8192 and alone. */
static void
test_chunk_independent (void)
{
  check_chunk_independent (demo_model (), demo_csv ());
}

static void
test_chunk_independent_real (void)
{
  const char *dir = g_getenv ("HEALER_SHARED_DATA");
  g_autofree char *labelled = dir ? g_build_filename (dir, "kpi_labelled.csv", NULL) : NULL;
  g_autofree char *unlabelled = dir ? g_build_filename (dir, "kpi_unlabelled.csv", NULL) : NULL;
  g_autofree char *model = tmp_path ("real-model.json");
  g_auto(Run) train = { 0 };

  if (labelled == NULL || !g_file_test (labelled, G_FILE_TEST_EXISTS) ||
      !g_file_test (unlabelled, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("real KPI data not found in ../shared/data");
      return;
    }
  run_cli (&train, "train", labelled, "-o", model, "--epochs", "10", "--ensemble", "2", "--quiet", NULL);
  g_assert_cmpint (train.status, ==, 0);
  check_chunk_independent (model, unlabelled);
}

/* ---- rows out before the input ends ---- */

typedef struct
{
  GMainLoop *loop;
  char      *line;
  gboolean   timed_out;
} LineWait;

static void
line_read (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  LineWait *w = user_data;
  g_autoptr(GError) error = NULL;

  w->line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result,
                                                       NULL, &error);
  g_assert_no_error (error);
  g_main_loop_quit (w->loop);
}

static gboolean
line_timeout (gpointer user_data)
{
  LineWait *w = user_data;

  w->timed_out = TRUE;
  g_main_loop_quit (w->loop);
  return G_SOURCE_REMOVE;
}

/* The next line of @out, waiting for it with a generous overall bound (the
 * condition, not a time, is what the test is about: a CLI that holds its
 * results until the input ends never produces the line at all). */
static char *
wait_line (GDataInputStream *out)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  LineWait w = { loop, NULL, FALSE };
  guint timeout = g_timeout_add_seconds (120, line_timeout, &w);

  g_data_input_stream_read_line_async (out, G_PRIORITY_DEFAULT, NULL, line_read, &w);
  g_main_loop_run (loop);
  g_assert_false (w.timed_out);
  g_source_remove (timeout);
  g_assert_nonnull (w.line);
  return w.line;
}

/* Family 9: `predict -` with --chunk-rows 1 answers each row as it
 * arrives, the input still open. */
static void
test_pipe_streams (void)
{
  g_autofree char *demo = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  GOutputStream *in;
  const char *argv[] = { g_getenv ("HEALER_CLI"), "predict", demo_model (), "-",
                         "--chunk-rows", "1", NULL };

  g_assert_true (g_file_get_contents (demo_csv (), &demo, NULL, NULL));
  lines = g_strsplit (demo, "\n", 5);
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE,
                            &error);
  g_assert_no_error (error);
  in = g_subprocess_get_stdin_pipe (proc);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (proc));

  for (guint i = 0; i < 4; i++)
    {
      g_autofree char *line = g_strconcat (lines[i], "\n", NULL);
      g_autofree char *result = NULL;

      g_assert_true (g_output_stream_write_all (in, line, strlen (line), NULL, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (g_output_stream_flush (in, NULL, &error));
      if (i == 0)
        continue;   /* the header alone says nothing yet */
      if (i == 1)
        {
          g_autofree char *header = wait_line (out);

          g_assert_true (g_str_has_prefix (header, "sample_id,diagnosed_label,diagnosed_class,confidence,uncertain,p"));
        }
      /* Row i's result, while the input is still open. */
      result = wait_line (out);
      g_assert_true (g_str_has_prefix (result, "s"));
      g_assert_nonnull (strchr (result, ','));
    }

  g_assert_true (g_output_stream_close (in, NULL, &error));
  g_assert_true (g_subprocess_wait_check (proc, NULL, &error));
  g_assert_no_error (error);
}

/* The next chunk is read ahead on a thread of its own (--threads ≥ 2): an
 * error in a later chunk is still located and leaves no -o file. */
static void
test_read_ahead_error (void)
{
  g_autofree char *demo = NULL;
  g_autofree char *bad = tmp_path ("read-ahead-bad.csv");
  g_autofree char *results = tmp_path ("read-ahead-results.csv");
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(GStrv) lines = NULL;
  g_auto(Run) run = { 0 };
  g_auto(Run) piped = { 0 };

  g_assert_true (g_file_get_contents (demo_csv (), &demo, NULL, NULL));
  lines = g_strsplit (demo, "\n", 0);
  /* Line 26 (row 25): in the third chunk of ten rows. */
  for (guint i = 0; i < 40 && lines[i] != NULL; i++)
    {
      g_string_append (text, i == 25 ? "broken,row\n" : lines[i]);
      if (i != 25)
        g_string_append_c (text, '\n');
    }
  g_assert_true (g_file_set_contents (bad, text->str, -1, NULL));

  run_cli (&run, "predict", demo_model (), bad, "--threads", "2", "--chunk-rows", "10",
           "-o", results, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "read-ahead-bad.csv:26:"));
  g_assert_false (g_file_test (results, G_FILE_TEST_EXISTS));

  run_cli_input (&piped, text->str, "predict", demo_model (), "-", "--threads", "2",
                 "--chunk-rows", "10", NULL);
  g_assert_cmpint (piped.status, ==, 1);
  g_assert_nonnull (strstr (piped.err, ":26:"));
}

static void
wait_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

static gboolean
wake_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

/* A write error while the next chunk is being read from a pipe that stays
 * open (tail -f | predict -): the command reports it and exits; the
 * read-ahead thread, blocked on the pipe, is cancelled, not waited for. */
static void
test_write_error_open_pipe (void)
{
  g_autofree char *demo = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) err_bytes = NULL;
  g_autofree char *err = NULL;
  GOutputStream *in;
  gboolean done = FALSE;
  gint64 deadline;
  guint wake;
  const char *argv[] = { g_getenv ("HEALER_CLI"), "predict", demo_model (), "-",
                         "--threads", "2", "--chunk-rows", "2", "-o", "/dev/full", NULL };

  if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no /dev/full here");
      return;
    }
  g_assert_true (g_file_get_contents (demo_csv (), &demo, NULL, NULL));
  lines = g_strsplit (demo, "\n", 7);
  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  in = g_subprocess_get_stdin_pipe (proc);
  /* The header and one chunk: the read-ahead then waits for more. */
  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *line = g_strconcat (lines[i], "\n", NULL);

      g_assert_true (g_output_stream_write_all (in, line, strlen (line), NULL, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_true (g_output_stream_flush (in, NULL, &error));

  /* The input stays open. A guard, not a wait: the command exits at once
   * when it works; two minutes means it hangs. */
  g_subprocess_wait_async (proc, NULL, wait_cb, &done);
  wake = g_timeout_add (100, wake_cb, NULL);
  deadline = g_get_monotonic_time () + 120 * G_USEC_PER_SEC;
  while (!done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (wake);
  if (!done)
    g_subprocess_force_exit (proc);
  g_assert_true (done);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 1);
  err_bytes = g_input_stream_read_bytes (g_subprocess_get_stderr_pipe (proc), 65536, NULL, &error);
  g_assert_no_error (error);
  err = g_strndup (g_bytes_get_data (err_bytes, NULL), g_bytes_get_size (err_bytes));
  g_assert_nonnull (strstr (err, "/dev/full"));
  g_assert_true (g_output_stream_close (in, NULL, NULL));
}

/* Issue 14, item 3: a header without rows is an error for predict, from a
 * file or a pipe, to standard output or -o: exit 1, the location, and
 * nothing written. */
static void
test_header_only (void)
{
  g_autofree char *demo = NULL;
  g_autofree char *header = NULL;
  g_autofree char *empty = tmp_path ("header-only.csv");
  g_autofree char *results = tmp_path ("header-only-results.csv");
  g_auto(Run) file_run = { 0 };
  g_auto(Run) pipe_run = { 0 };
  g_auto(Run) out_run = { 0 };

  g_assert_true (g_file_get_contents (demo_csv (), &demo, NULL, NULL));
  header = g_strndup (demo, strchr (demo, '\n') + 1 - demo);
  g_assert_true (g_file_set_contents (empty, header, -1, NULL));

  run_cli (&file_run, "predict", demo_model (), empty, NULL);
  g_assert_cmpint (file_run.status, ==, 1);
  g_assert_cmpstr (file_run.out, ==, "");
  g_assert_nonnull (strstr (file_run.err, "header-only.csv:2:1: "));
  g_assert_nonnull (strstr (file_run.err, "no data rows"));

  run_cli_input (&pipe_run, header, "predict", demo_model (), "-", "--chunk-rows", "1", NULL);
  g_assert_cmpint (pipe_run.status, ==, 1);
  g_assert_cmpstr (pipe_run.out, ==, "");
  g_assert_nonnull (strstr (pipe_run.err, ":2:1: "));

  run_cli (&out_run, "predict", demo_model (), empty, "-o", results, NULL);
  g_assert_cmpint (out_run.status, ==, 1);
  g_assert_false (g_file_test (results, G_FILE_TEST_EXISTS));
}

/* ---- simulate ---- */

/* Family 10: the largest noise --noise accepts wrote "inf", which every
 * reader refuses; now each cell reads back. */
static void
test_simulate_extreme_noise (void)
{
  g_autofree char *noisy = tmp_path ("noisy.csv");
  g_auto(Run) sim = { 0 };
  g_auto(Run) predict = { 0 };

  run_cli (&sim, "simulate", "-o", noisy, "--samples", "60", "--noise", "1000", NULL);
  g_assert_cmpint (sim.status, ==, 0);
  run_cli (&predict, "predict", demo_model (), noisy, NULL);
  g_assert_cmpstr (predict.err, ==, "");
  g_assert_cmpint (predict.status, ==, 0);
}

#ifdef G_OS_UNIX
/* Child mode of this test program: runs `simulate -n @rows -o -` into
 * /dev/null and prints its peak resident set (KiB), which getrusage only
 * gives for children, and only for the largest one — hence a fresh process
 * per measure. */
static int
measure_simulate (const char *rows)
{
  const char *argv[] = { g_getenv ("HEALER_CLI"), "simulate", "-n", rows, "-o", "-", NULL };
  g_autoptr(GError) error = NULL;
  g_autofree char *asan = g_strdup_printf ("%s:quarantine_size_mb=1",
                                           g_getenv ("ASAN_OPTIONS") ? g_getenv ("ASAN_OPTIONS") : "");
  struct rusage usage;
  int status;

  /* AddressSanitizer keeps freed chunks in quarantine, which would look
   * like growth. */
  g_setenv ("ASAN_OPTIONS", asan, TRUE);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                     NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  getrusage (RUSAGE_CHILDREN, &usage);
  printf ("%ld\n", (long) usage.ru_maxrss);
  return 0;
}

static long
peak_rss_of_simulate (const char *rows)
{
  const char *argv[] = { self_path, "--measure-simulate", rows, NULL };
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;

  proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (proc));
  return strtol (out, NULL, 10);
}
#endif

/* Family 10: simulate streams — 20 times the rows, about the same peak
 * memory (it held the whole table and its text: 507 MB for 300k rows). */
static void
test_simulate_bounded_memory (void)
{
#ifdef G_OS_UNIX
  long small = peak_rss_of_simulate ("1000");
  long large = peak_rss_of_simulate ("20000");

  g_test_message ("peak RSS: %ld KiB for 1000 rows, %ld KiB for 20000", small, large);
  g_assert_cmpint (small, >, 0);
  /* The old code grew by ~1.7 KiB a row: 31 MiB here. */
  g_assert_cmpint (large - small, <, 12 * 1024);
#else
  g_test_skip ("getrusage (RUSAGE_CHILDREN) is POSIX");
#endif
}

int
main (int    argc,
      char **argv)
{
#ifdef G_OS_UNIX
  if (argc == 3 && strcmp (argv[1], "--measure-simulate") == 0)
    return measure_simulate (argv[2]);
#endif
  self_path = argv[0];
  cli_test_init (&argc, &argv, "healer-cli-stream-XXXXXX");

  g_test_add_func ("/cli-stream/chunk-independent", test_chunk_independent);
  g_test_add_func ("/cli-stream/chunk-independent-real", test_chunk_independent_real);
  g_test_add_func ("/cli-stream/pipe-streams", test_pipe_streams);
  g_test_add_func ("/cli-stream/header-only", test_header_only);
  g_test_add_func ("/cli-stream/read-ahead-error", test_read_ahead_error);
  g_test_add_func ("/cli-stream/write-error-open-pipe", test_write_error_open_pipe);
  g_test_add_func ("/cli-stream/simulate-extreme-noise", test_simulate_extreme_noise);
  g_test_add_func ("/cli-stream/simulate-bounded-memory", test_simulate_bounded_memory);

  return cli_test_run ();
}
