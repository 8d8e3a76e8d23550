/* healer-test-cli.h — running the built systemhealer-cli from tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One harness for test-cli, test-cli-files, test-cli-input and
 * test-cli-stream, which test the CLI from the user's side: the binary
 * named by HEALER_CLI runs as a subprocess, its exit status and output are
 * captured, and files live in a temporary folder removed at the end.
 * The names are short (Run, run_cli, tmp_path) because almost every line of
 * those tests uses them.
 */

#pragma once

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include "healer-test-files.h"

typedef enum
{
  /* Output kept as bytes up to the first NUL, not checked as UTF-8: what
   * a terminal would see, for the escaping cases. By default the output
   * must be valid UTF-8. */
  HEALER_CLI_RUN_RAW      = 1 << 0,
  /* A CLI killed by a signal gives status 128 + the signal, as a shell
   * says; by default it fails the test. */
  HEALER_CLI_RUN_SIGNALED = 1 << 1,
} HealerCliRunFlags;

typedef struct
{
  int   status;     /* the exit status (or 128 + the signal, see above) */
  char *out;
  char *err;
} Run;

/* The test program's folder for files, and how it runs the CLI; both set
 * by main() before g_test_run(). */
static char *tmpdir;
static HealerCliRunFlags cli_run_flags;

static inline void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Appends the arguments in @ap up to their NULL, and the NULL. */
static inline void
cli_args_add (GPtrArray *args,
              va_list    ap)
{
  const char *arg;

  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  g_ptr_array_add (args, NULL);
}

/* HEALER_CLI followed by the NULL-terminated arguments in @ap, for
 * g_subprocess_newv() and launchers. */
static inline GPtrArray *
cli_args (va_list ap)
{
  GPtrArray *args = g_ptr_array_new ();
  const char *cli = g_getenv ("HEALER_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (args, (gpointer) cli);
  cli_args_add (args, ap);
  return args;
}

/* Sets @run->status from a finished @proc. */
static inline void
run_finish (Run         *run,
            GSubprocess *proc)
{
  if (g_subprocess_get_if_exited (proc))
    run->status = g_subprocess_get_exit_status (proc);
  else
    {
      g_assert_true (cli_run_flags & HEALER_CLI_RUN_SIGNALED);
      run->status = 128 + g_subprocess_get_term_sig (proc);
    }
}

static inline char *
run_text (GBytes  *bytes,
          gboolean raw)
{
  gsize len = 0;
  const char *data = bytes != NULL ? g_bytes_get_data (bytes, &len) : NULL;

  if (!raw && len > 0 && !g_utf8_validate_len (data, len, NULL))
    g_error ("the CLI wrote text that is not valid UTF-8: “%.*s”", (int) MIN (len, 200), data);
  return g_strndup (data != NULL ? data : "", len);
}

/* Runs HEALER_CLI with the NULL-terminated @argv (without the program);
 * @input, when not NULL, goes to its standard input, which otherwise is at
 * its end. */
static inline void
run_cli_full (Run                *run,
              const char         *input,
              const char * const *argv)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  /* Empty, not NULL: GIO asserts on a NULL input for a piped stdin. */
  g_autoptr(GBytes) in = g_bytes_new_static (input != NULL ? input : "",
                                             input != NULL ? strlen (input) : 0);
  g_autoptr(GBytes) out = NULL;
  g_autoptr(GBytes) err = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("HEALER_CLI");

  g_assert_nonnull (cli);
  g_ptr_array_add (args, (gpointer) cli);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) argv[i]);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE |
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate (proc, in, NULL, &out, &err, &error);
  g_assert_no_error (error);
  run_finish (run, proc);
  run->out = run_text (out, cli_run_flags & HEALER_CLI_RUN_RAW);
  run->err = run_text (err, cli_run_flags & HEALER_CLI_RUN_RAW);
}

static inline void
run_cliv (Run                *run,
          const char * const *argv)
{
  run_cli_full (run, NULL, argv);
}

/* Runs the CLI with a NULL-terminated argument list; @input goes to stdin. */
static inline void G_GNUC_NULL_TERMINATED
run_cli_input (Run        *run,
               const char *input,
               ...)
{
  g_autoptr(GPtrArray) args = NULL;
  va_list ap;

  va_start (ap, input);
  args = cli_args (ap);
  va_end (ap);
  /* Without the program, which run_cli_full() puts first. */
  run_cli_full (run, input, (const char * const *) args->pdata + 1);
}

#define run_cli(run, ...) run_cli_input (run, NULL, __VA_ARGS__)

static inline char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

/* g_test_init() and a new temporary folder named after @tmpl. */
static inline void
cli_test_init (int        *argc,
               char     ***argv,
               const char *tmpl)
{
  g_autoptr(GError) error = NULL;

  g_test_init (argc, argv, NULL);
  tmpdir = g_dir_make_tmp (tmpl, &error);
  g_assert_no_error (error);
}

/* g_test_run(), then the temporary folder goes. */
static inline int
cli_test_run (void)
{
  int ret = g_test_run ();

  healer_test_remove_tree (tmpdir);
  g_clear_pointer (&tmpdir, g_free);
  return ret;
}

/* `simulate -o TMPDIR/@name ARGS…`, which must succeed; the path. */
static inline char * G_GNUC_NULL_TERMINATED
cli_simulate (const char *name,
              ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(Run) run = { 0 };
  char *path = tmp_path (name);
  va_list ap;

  g_ptr_array_add (args, (gpointer) "simulate");
  g_ptr_array_add (args, (gpointer) "-o");
  g_ptr_array_add (args, path);
  va_start (ap, name);
  cli_args_add (args, ap);
  va_end (ap);
  run_cliv (&run, (const char * const *) args->pdata);
  g_assert_cmpint (run.status, ==, 0);
  return path;
}

/* `train @data -o TMPDIR/@name --quiet ARGS…`, which must succeed without
 * a word; the path. */
static inline char * G_GNUC_NULL_TERMINATED
cli_train (const char *name,
           const char *data,
           ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(Run) run = { 0 };
  char *path = tmp_path (name);
  va_list ap;

  g_ptr_array_add (args, (gpointer) "train");
  g_ptr_array_add (args, (gpointer) data);
  g_ptr_array_add (args, (gpointer) "-o");
  g_ptr_array_add (args, path);
  g_ptr_array_add (args, (gpointer) "--quiet");
  va_start (ap, data);
  cli_args_add (args, ap);
  va_end (ap);
  run_cliv (&run, (const char * const *) args->pdata);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  return path;
}
