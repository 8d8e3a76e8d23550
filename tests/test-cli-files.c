/* test-cli-files.c — systemhealer-cli and the files it writes: special targets,
 * outputs onto inputs, signals, standard output, "-o -"
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Written from the user's side, as tests/test-cli.c: the built CLI runs as
 * a subprocess. Each test is one family of issue 13:
 *   /cli-files/special-targets   devices, FIFOs, /dev/stdout, links, modes
 *   /cli-files/output-onto-input -o or --drift-report naming an input
 *   /cli-files/interrupted       SIGINT, SIGTERM, SIGKILL; long names
 *   /cli-files/stdout-errors     /dev/full and a closed standard output
 *   /cli-files/dash-output       "-o -" for every command writing one file
 *   /cli-files/stdout-shared     an output that is standard output, beside
 *                                another use of it
 * The tests wait for conditions (a descriptor open in /proc, the signal
 * handlers installed), never for a fixed time.
 */

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>

#ifdef G_OS_UNIX
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/sysmacros.h>
#endif
#endif

#include "healer-test-cli.h"

#ifdef G_OS_UNIX
/* How the child's standard output is set up. */
typedef enum
{
  STDOUT_FD,        /* @fd */
  STDOUT_CLOSED,    /* no descriptor 1 at all */
} StdoutKind;

typedef struct
{
  StdoutKind kind;
} ChildSetup;

static void
child_setup (gpointer data)
{
  ChildSetup *setup = data;

  if (setup->kind == STDOUT_CLOSED)
    close (STDOUT_FILENO);
}

/* Runs the CLI with standard output on @fd (taken) or closed (@fd -1);
 * stderr is captured. */
static void
run_cli_stdout (Run        *run,
                int         fd,
                const char *state_dir,
                ...)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) args = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  ChildSetup setup = { fd < 0 ? STDOUT_CLOSED : STDOUT_FD };
  va_list ap;

  va_start (ap, state_dir);
  args = cli_args (ap);
  va_end (ap);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (fd >= 0)
    g_subprocess_launcher_take_stdout_fd (launcher, fd);
  g_subprocess_launcher_set_child_setup (launcher, child_setup, &setup, NULL);
  if (state_dir != NULL)
    g_subprocess_launcher_setenv (launcher, "XDG_STATE_HOME", state_dir, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, NULL, &run->err, &error);
  g_assert_no_error (error);
  run_finish (run, proc);
}
#endif

static char *
read_file (const char *path,
           gsize      *len)
{
  char *contents = NULL;
  g_autoptr(GError) error = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

static void
assert_same_bytes (const char *path,
                   const char *expected,
                   gsize       expected_len)
{
  gsize len;
  g_autofree char *contents = read_file (path, &len);

  g_assert_cmpmem (contents, len, expected, expected_len);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The names in @dir, sorted, space-separated. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static char *
make_dir (const char *name)
{
  char *dir = tmp_path (name);

  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  return dir;
}

/* A small labelled data set and a quick model, shared by the tests. */
static const char *
demo_csv (void)
{
  static char *path;

  if (path == NULL)
    path = cli_simulate ("demo.csv", "--samples", "240", "--features", "12", "--seed", "3",
                         NULL);
  return path;
}

static const char *
demo_model (void)
{
  static char *path;

  if (path == NULL)
    path = cli_train ("demo-model.json", demo_csv (), "--epochs", "3", "--hidden", "16", NULL);
  return path;
}

/* The bytes predict writes for the demo data, as a reference. */
static const char *
demo_results (gsize *len)
{
  static char *contents;
  static gsize contents_len;

  if (contents == NULL)
    {
      g_auto(Run) run = { 0 };

      run_cli (&run, "predict", demo_model (), demo_csv (), NULL);
      g_assert_cmpint (run.status, ==, 0);
      contents_len = strlen (run.out);
      contents = g_steal_pointer (&run.out);
      g_assert_true (g_str_has_prefix (contents, "sample_id,"));
    }
  *len = contents_len;
  return contents;
}

/* Family 1 ----------------------------------------------------------------- */

#ifdef G_OS_UNIX
typedef struct
{
  const char *path;
  GString    *got;
} FifoReader;

static gpointer
read_fifo (gpointer data)
{
  FifoReader *r = data;
  gsize len = 0;
  g_autofree char *contents = read_file (r->path, &len);

  g_string_append_len (r->got, contents, len);
  return NULL;
}
#endif

static void
test_special_targets (void)
{
#ifdef G_OS_UNIX
  g_autofree char *dir = make_dir ("special");
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *device = NULL;
  g_autofree char *full = NULL;
  g_autofree char *real = g_build_filename (dir, "real.csv", NULL);
  g_autofree char *link = g_build_filename (dir, "link.csv", NULL);
  g_autofree char *model_copy = g_build_filename (dir, "model.json", NULL);
  g_autofree char *listing = NULL;
  gsize expected_len;
  const char *expected = demo_results (&expected_len);
  struct stat st;

  /* A null device: as root the old rename turned it into a regular file.
   * Root tests on a device node of its own (the system's /dev/null must
   * not be put at risk), anyone else on /dev/null. */
  if (getuid () == 0)
    {
      /* The same for /dev/full, which a regression would replace too. */
      device = g_build_filename (dir, "null", NULL);
      full = g_build_filename (dir, "full", NULL);
      if (mknod (device, S_IFCHR | 0666, makedev (1, 3)) != 0
          || mknod (full, S_IFCHR | 0666, makedev (1, 7)) != 0)
        {
          g_test_skip ("root cannot make device nodes here (no CAP_MKNOD), and the "
                       "system's /dev/null and /dev/full are not put at risk");
          return;
        }
    }
  else
    {
      device = g_strdup ("/dev/null");
      full = g_strdup ("/dev/full");
    }
  {
    g_auto(Run) predict = { 0 };
    g_auto(Run) train = { 0 };
    g_auto(Run) simulate = { 0 };
    g_auto(Run) project = { 0 };
    g_auto(Run) drift = { 0 };
    g_auto(Run) export = { 0 };

    run_cli (&export, "export", demo_model (), "-o", device, NULL);
    g_assert_cmpint (export.status, ==, 0);
    run_cli (&predict, "predict", demo_model (), demo_csv (), "-o", device, NULL);
    g_assert_cmpint (predict.status, ==, 0);
    run_cli (&train, "train", demo_csv (), "-o", device, "--epochs", "1", "--hidden", "8",
             "--quiet", NULL);
    g_assert_cmpint (train.status, ==, 0);
    run_cli (&simulate, "simulate", "-o", device, "--samples", "20", NULL);
    g_assert_cmpint (simulate.status, ==, 0);
    run_cli (&project, "project", demo_model (), demo_csv (), "-o", device, NULL);
    g_assert_cmpint (project.status, ==, 0);
    run_cli (&drift, "predict", demo_model (), demo_csv (), "-o", device,
             "--drift-report", device, NULL);
    g_assert_cmpint (drift.status, ==, 0);
    g_assert_cmpint (stat (device, &st), ==, 0);
    g_assert_true (S_ISCHR (st.st_mode));
  }

  /* A FIFO gets the stream, and stays a FIFO. */
  {
    g_auto(Run) run = { 0 };
    FifoReader reader = { fifo, g_string_new (NULL) };
    GThread *thread;

    g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
    thread = g_thread_new ("fifo-reader", read_fifo, &reader);
    run_cli (&run, "predict", demo_model (), demo_csv (), "-o", fifo, NULL);
    g_thread_join (thread);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpmem (reader.got->str, reader.got->len, expected, expected_len);
    g_string_free (reader.got, TRUE);
    g_assert_cmpint (lstat (fifo, &st), ==, 0);
    g_assert_true (S_ISFIFO (st.st_mode));
  }

  /* /dev/stdout, /dev/fd/1, /proc/self/fd/1: the results on standard
   * output, and the link untouched. */
  {
    const char *names[] = { "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_auto(Run) run = { 0 };
        g_autofree char *before = g_file_read_link (names[i], NULL);
        g_autofree char *after = NULL;

        if (!g_file_test (names[i], G_FILE_TEST_EXISTS))
          continue;
        run_cli (&run, "predict", demo_model (), demo_csv (), "-o", names[i], NULL);
        g_assert_cmpint (run.status, ==, 0);
        g_assert_cmpstr (run.out, ==, expected);
        after = g_file_read_link (names[i], NULL);
        if (i == 0)
          g_assert_cmpstr (after, ==, before);
      }
    g_assert_true (g_file_test ("/dev/stdout", G_FILE_TEST_IS_SYMLINK));
  }

  /* /dev/stdout redirected to a file in append mode: appended to. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *appended = g_build_filename (dir, "appended.csv", NULL);
    g_autoptr(GString) want = g_string_new ("first line\n");
    int fd;

    g_assert_true (g_file_set_contents (appended, want->str, -1, NULL));
    fd = open (appended, O_WRONLY | O_APPEND);
    g_assert_cmpint (fd, >=, 0);
    run_cli_stdout (&run, fd, NULL, "predict", demo_model (), demo_csv (), "-o", "/dev/stdout",
                    NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_string_append_len (want, expected, expected_len);
    assert_same_bytes (appended, want->str, want->len);
    g_assert_cmpint (unlink (appended), ==, 0);
  }

  /* A symbolic link stays one; the file it points to is replaced, and
   * keeps its permission bits. */
  {
    g_auto(Run) run = { 0 };
    g_autofree char *target = NULL;

    g_assert_true (g_file_set_contents (real, "previous\n", -1, NULL));
    g_assert_cmpint (chmod (real, 0640), ==, 0);
    g_assert_cmpint (symlink ("real.csv", link), ==, 0);
    run_cli (&run, "predict", demo_model (), demo_csv (), "-o", link, NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (lstat (link, &st), ==, 0);
    g_assert_true (S_ISLNK (st.st_mode));
    target = g_file_read_link (link, NULL);
    g_assert_cmpstr (target, ==, "real.csv");
    assert_same_bytes (real, expected, expected_len);
    g_assert_cmpint (stat (real, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 07777, ==, 0640);
  }

  /* A model file replaced by train keeps its mode as well. */
  {
    g_auto(Run) run = { 0 };

    g_assert_true (g_file_set_contents (model_copy, "{}", -1, NULL));
    g_assert_cmpint (chmod (model_copy, 0600), ==, 0);
    run_cli (&run, "train", demo_csv (), "-o", model_copy, "--epochs", "1", "--hidden", "8",
             "--quiet", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_cmpint (stat (model_copy, &st), ==, 0);
    g_assert_cmpint (st.st_mode & 07777, ==, 0600);
    g_assert_cmpint (st.st_size, >, 2);
  }

  /* A full device: the reason, exit 1, and the device stays a device. */
  if (g_file_test (full, G_FILE_TEST_EXISTS))
    {
      g_auto(Run) run = { 0 };

      run_cli (&run, "predict", demo_model (), demo_csv (), "-o", full, NULL);
      g_assert_cmpint (run.status, ==, 1);
      g_assert_nonnull (strstr (run.err, full));
      g_assert_nonnull (strstr (run.err, "No space left on device"));
      g_assert_cmpint (stat (full, &st), ==, 0);
      g_assert_true (S_ISCHR (st.st_mode));
    }

  /* Nothing else: no temporary file, no regular file for a device. */
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, getuid () == 0 ? "fifo full link.csv model.json null real.csv"
                                               : "fifo link.csv model.json real.csv");
#else
  g_test_skip ("devices, FIFOs and links are POSIX");
#endif
}

/* Family 2 ----------------------------------------------------------------- */

typedef struct
{
  char  *path;
  char  *bytes;
  gsize  len;
} Snapshot;

static void
snapshot_take (Snapshot   *s,
               const char *path)
{
  s->path = g_strdup (path);
  s->bytes = read_file (path, &s->len);
}

static void
snapshot_check (Snapshot *s)
{
  assert_same_bytes (s->path, s->bytes, s->len);
  g_free (s->path);
  g_free (s->bytes);
}

/* Runs the CLI and expects a usage error naming an input, with the
 * folder's content unchanged. */
static void
expect_refused (const char *dir,
                ...)
{
  g_autoptr(GPtrArray) args = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = list_dir (dir);
  g_autofree char *after = NULL;
  g_autofree char *joined = NULL;
  g_auto(Run) run = { 0 };
  va_list ap;

  va_start (ap, dir);
  args = cli_args (ap);
  va_end (ap);
  joined = g_strjoinv (" ", (char **) args->pdata + 1);
  proc = g_subprocess_newv ((const char * const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                            &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &run.out, &run.err, &error);
  g_assert_no_error (error);
  run_finish (&run, proc);
  g_test_message ("%s: %d, %s", joined, run.status, run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_nonnull (strstr (run.err, "input"));
  g_assert_cmpstr (run.out, ==, "");
  after = list_dir (dir);
  g_assert_cmpstr (after, ==, before);
}

static void
test_output_onto_input (void)
{
  g_autofree char *dir = make_dir ("onto-input");
  g_autofree char *data = g_build_filename (dir, "in.csv", NULL);
  g_autofree char *model = g_build_filename (dir, "m.json", NULL);
  g_autofree char *dot = NULL;
  g_autofree char *symlinked = g_build_filename (dir, "sym.csv", NULL);
  g_autofree char *hard = g_build_filename (dir, "hard.csv", NULL);
  g_autofree char *model_link = g_build_filename (dir, "m-link.json", NULL);
  g_autofree char *elsewhere = g_build_filename (dir, "results.csv", NULL);
  g_autofree char *cwd = g_get_current_dir ();
  Snapshot s_data, s_model;
  gsize len;
  g_autofree char *bytes = NULL;

  bytes = read_file (demo_csv (), &len);
  g_assert_true (g_file_set_contents (data, bytes, (gssize) len, NULL));
  g_clear_pointer (&bytes, g_free);
  bytes = read_file (demo_model (), &len);
  g_assert_true (g_file_set_contents (model, bytes, (gssize) len, NULL));
#ifdef G_OS_UNIX
  g_assert_cmpint (symlink ("in.csv", symlinked), ==, 0);
  g_assert_cmpint (link (data, hard), ==, 0);
  g_assert_cmpint (symlink (model, model_link), ==, 0);
#endif
  snapshot_take (&s_data, data);
  snapshot_take (&s_model, model);

  /* ./in.csv from inside the folder: another spelling of the same name. */
  g_assert_cmpint (g_chdir (dir), ==, 0);
  dot = g_strdup ("./in.csv");

  {
    const char *spellings[] = { data, "in.csv", dot, "../onto-input/in.csv",
#ifdef G_OS_UNIX
                                symlinked, hard,
#endif
    };

    for (guint i = 0; i < G_N_ELEMENTS (spellings); i++)
      {
        const char *o = spellings[i];

        expect_refused (dir, "predict", model, data, "-o", o, NULL);
        expect_refused (dir, "predict", model, "in.csv", "-o", elsewhere, "--drift-report", o,
                        NULL);
        expect_refused (dir, "train", data, "-o", o, "--epochs", "1", NULL);
        expect_refused (dir, "project", model, data, "-o", o, NULL);
      }
  }
  /* The model is an input too. */
  expect_refused (dir, "predict", model, data, "-o", "m.json", NULL);
  expect_refused (dir, "predict", model, data, "-o", elsewhere, "--drift-report", model, NULL);
  expect_refused (dir, "project", model, data, "-o", "./m.json", NULL);
  expect_refused (dir, "export", model, "-o", "./m.json", NULL);
#ifdef G_OS_UNIX
  expect_refused (dir, "predict", model_link, data, "-o", model, NULL);
  expect_refused (dir, "predict", model, data, "-o", model_link, NULL);
  expect_refused (dir, "export", model, "-o", model_link, NULL);
#endif

#ifdef G_OS_UNIX
  /* Standard output appended to an input (`>> in.csv`), for the commands
   * that print: refused before a byte is written. */
  {
    const char *commands[][4] = {
      { "info", "m.json", NULL },
      { "evaluate", "m.json", "in.csv", NULL },
      { "explain", "m.json", NULL },
      { "predict", "m.json", "in.csv", NULL },
      { "cv", "in.csv", NULL },
    };

    for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
      {
        const char *victim = c == 0 || c == 2 ? model : data;
        g_auto(Run) run = { 0 };
        int fd = open (victim, O_WRONLY | O_APPEND);

        g_assert_cmpint (fd, >=, 0);
        run_cli_stdout (&run, fd, NULL, commands[c][0], commands[c][1], commands[c][2], NULL);
        g_test_message ("%s >> %s: %d, %s", commands[c][0], victim, run.status, run.err);
        g_assert_cmpint (run.status, ==, 2);
        g_assert_nonnull (strstr (run.err, "input"));
      }
  }
  /* And "-" reading an input that is also the output. */
  {
    g_auto(Run) run = { 0 };
    g_autoptr(GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GError) error = NULL;

    g_subprocess_launcher_set_stdin_file_path (launcher, data);
    proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HEALER_CLI"), "predict",
                                        model, "-", "-o", hard, NULL);
    g_assert_no_error (error);
    g_subprocess_communicate_utf8 (proc, NULL, NULL, &run.out, &run.err, &error);
    g_assert_no_error (error);
    run_finish (&run, proc);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "standard input"));
  }
#endif

  /* Two outputs that are one file. */
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, "predict", model, data, "-o", elsewhere, "--drift-report", "./results.csv",
             NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_false (g_file_test (elsewhere, G_FILE_TEST_EXISTS));
  }

  /* Byte for byte as before, and the check does not refuse a real output. */
  snapshot_check (&s_data);
  snapshot_check (&s_model);
  {
    g_auto(Run) run = { 0 };

    run_cli (&run, "predict", model, "./in.csv", "-o", "results.csv", NULL);
    g_assert_cmpint (run.status, ==, 0);
    g_assert_true (g_file_test (elsewhere, G_FILE_TEST_IS_REGULAR));
  }
  g_assert_cmpint (g_chdir (cwd), ==, 0);
}

/* Family 3 ----------------------------------------------------------------- */

#ifdef __linux__
/* Whether process @pid catches @signum yet (its handlers are installed):
 * the SigCgt mask of /proc/PID/status. */
static gboolean
catches_signal (GPid pid,
                int  signum)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *status = NULL;
  const char *line;
  guint64 mask;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    return FALSE;
  line = strstr (status, "\nSigCgt:");
  if (line == NULL)
    return FALSE;
  mask = g_ascii_strtoull (line + strlen ("\nSigCgt:"), NULL, 16);
  return (mask >> (signum - 1)) & 1;
}

/* Not exited (a zombie, or reaped and gone, has). */
static gboolean
still_running (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  const char *end;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return FALSE;
  end = strrchr (stat, ')');
  return end != NULL && end[1] == ' ' && end[2] != 'Z' && end[2] != 'X';
}

/* Whether process @pid has a file in @dir open: a named temporary file,
 * or an unnamed one ("dir/#123 (deleted)"). */
static gboolean
has_file_open_in (GPid        pid,
                  const char *dir)
{
  g_autofree char *fds = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autofree char *prefix = g_strconcat (dir, "/", NULL);
  g_autoptr(GDir) d = g_dir_open (fds, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *entry = g_build_filename (fds, name, NULL);
      g_autofree char *link = g_file_read_link (entry, NULL);

      if (link != NULL && g_str_has_prefix (link, prefix))
        return TRUE;
    }
  return FALSE;
}

static GSubprocess *
spawn_cli (gboolean   named,
           GError   **error,
           ...)
{
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                               G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_autoptr(GPtrArray) args = NULL;
  va_list ap;

  va_start (ap, error);
  args = cli_args (ap);
  va_end (ap);
  if (named)
    g_subprocess_launcher_setenv (launcher, "HEALER_OUTPUT_NO_TMPFILE", "1", TRUE);
  return g_subprocess_launcher_spawnv (launcher, (const char * const *) args->pdata, error);
}

typedef struct
{
  GOutputStream *in;
  const char    *rows;
  gsize          len;
  gint           stop;
} Feeder;

/* Writes @rows again and again until told to stop or the reader is gone. */
static gpointer
feed_rows (gpointer data)
{
  Feeder *f = data;

  while (!g_atomic_int_get (&f->stop))
    if (!g_output_stream_write_all (f->in, f->rows, f->len, NULL, NULL, NULL))
      break;
  return NULL;
}

/* predict reading a standard input that never ends: once its output is
 * open (a file in @dir is), it cannot finish. Then @signum. */
static void
interrupt_predict (const char *dir,
                   const char *target,
                   gboolean    named,
                   int         signum)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = list_dir (dir);
  g_autofree char *after = NULL;
  gsize len;
  g_autofree char *data = read_file (demo_csv (), &len);
  const char *body = strchr (data, '\n') + 1;
  Feeder feeder = { NULL, body, len - (gsize) (body - data), 0 };
  GThread *thread;
  Snapshot previous;
  GPid pid;

  snapshot_take (&previous, target);
  proc = spawn_cli (named, &error, "predict", demo_model (), "-", "-o", target,
                    "--chunk-rows", "1", NULL);
  g_assert_no_error (error);
  feeder.in = g_subprocess_get_stdin_pipe (proc);
  g_assert_true (g_output_stream_write_all (feeder.in, data, (gsize) (body - data), NULL, NULL,
                                            &error));
  g_assert_no_error (error);
  thread = g_thread_new ("feeder", feed_rows, &feeder);

  pid = atoi (g_subprocess_get_identifier (proc));
  while (!has_file_open_in (pid, dir))
    {
      g_assert_true (still_running (pid));
      g_thread_yield ();
    }
  g_subprocess_send_signal (proc, signum);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&feeder.stop, 1);
  g_thread_join (thread);
  g_test_message ("predict %s temporary file, signal %d", named ? "named" : "unnamed", signum);

  if (signum == SIGKILL)
    {
      g_assert_true (g_subprocess_get_if_signaled (proc));
    }
  else
    {
      g_assert_true (g_subprocess_get_if_exited (proc));
      g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 128 + signum);
    }
  snapshot_check (&previous);
  after = list_dir (dir);
  g_assert_cmpstr (after, ==, before);
}
#endif

static void
test_interrupted (void)
{
#ifdef __linux__
  g_autofree char *dir = make_dir ("interrupted");
  g_autofree char *results = g_build_filename (dir, "results.csv", NULL);
  g_autofree char *model = g_build_filename (dir, "model.json", NULL);
  g_autofree char *long_base = g_strnfill (255, 'r');
  g_autofree char *long_path = g_build_filename (dir, long_base, NULL);

  g_assert_true (g_file_set_contents (results, "previous results\n", -1, NULL));

  /* Unnamed temporary files (O_TMPFILE): SIGINT, SIGTERM, even SIGKILL
   * leave nothing. The portable named ones: deleted on SIGINT, SIGTERM. */
  interrupt_predict (dir, results, FALSE, SIGINT);
  interrupt_predict (dir, results, FALSE, SIGTERM);
  interrupt_predict (dir, results, FALSE, SIGKILL);
  interrupt_predict (dir, results, TRUE, SIGINT);
  interrupt_predict (dir, results, TRUE, SIGTERM);

  /* train, interrupted while it trains (its handlers installed, its
   * model not written yet): 143, the previous model as it was. */
  {
    g_autoptr(GSubprocess) proc = NULL;
    g_autoptr(GError) error = NULL;
    g_autofree char *before = NULL;
    g_autofree char *after = NULL;
    gsize len;
    g_autofree char *bytes = read_file (demo_model (), &len);
    Snapshot previous;
    GPid pid;

    g_assert_true (g_file_set_contents (model, bytes, (gssize) len, NULL));
    before = list_dir (dir);
    snapshot_take (&previous, model);
    proc = spawn_cli (FALSE, &error, "train", demo_csv (), "-o", model, "--epochs", "1000000",
                      "--patience", "0", "--hidden", "8", "--quiet", NULL);
    g_assert_no_error (error);
    pid = atoi (g_subprocess_get_identifier (proc));
    while (!catches_signal (pid, SIGTERM))
      {
        g_assert_true (still_running (pid));
        g_thread_yield ();
      }
    g_subprocess_send_signal (proc, SIGTERM);
    g_subprocess_wait (proc, NULL, &error);
    g_assert_true (g_subprocess_get_if_exited (proc));
    g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 143);
    snapshot_check (&previous);
    after = list_dir (dir);
    g_assert_cmpstr (after, ==, before);
  }

  /* The longest file name: its temporary name must not be longer, new or
   * replaced, unnamed or named. */
  for (guint named = 0; named < 2; named++)
    for (guint round = 0; round < 2; round++)
      {
        g_autoptr(GSubprocess) proc = NULL;
        g_autoptr(GError) error = NULL;

        proc = spawn_cli (named, &error, "predict", demo_model (), demo_csv (), "-o", long_path,
                          NULL);
        g_assert_no_error (error);
        g_subprocess_wait_check (proc, NULL, &error);
        g_assert_no_error (error);
        g_assert_true (g_file_test (long_path, G_FILE_TEST_IS_REGULAR));
      }
  g_assert_cmpint (g_unlink (long_path), ==, 0);
#else
  g_test_skip ("waits for conditions in /proc (Linux)");
#endif
}

#ifdef G_OS_UNIX
/* A file-size limit below the results' size, SIGXFSZ ignored: writes fail
 * with EFBIG as on a full disk. */
static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { 4096, 4096 };

  signal (SIGXFSZ, SIG_IGN);
  setrlimit (RLIMIT_FSIZE, &limit);
}
#endif

/* A failed write names the user's file, never a temporary one, and leaves
 * the previous file and nothing else. */
static void
test_failed_write_message (void)
{
#ifdef G_OS_UNIX
  g_autofree char *dir = make_dir ("failed-write");
  g_autofree char *results = g_build_filename (dir, "results.csv", NULL);
  g_autofree char *model = g_build_filename (dir, "model.json", NULL);

  g_assert_true (g_file_set_contents (results, "previous\n", -1, NULL));
  g_assert_true (g_file_set_contents (model, "{}\n", -1, NULL));
  for (guint named = 0; named < 2; named++)
    for (guint what = 0; what < 2; what++)
      {
        g_autoptr(GSubprocessLauncher) launcher =
          g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                     G_SUBPROCESS_FLAGS_STDERR_PIPE);
        g_autoptr(GSubprocess) proc = NULL;
        g_autoptr(GError) error = NULL;
        g_autofree char *listing = NULL;
        g_auto(Run) run = { 0 };

        if (named)
          g_subprocess_launcher_setenv (launcher, "HEALER_OUTPUT_NO_TMPFILE", "1", TRUE);
        g_subprocess_launcher_set_child_setup (launcher, limit_file_size, NULL, NULL);
        if (what == 0)
          proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HEALER_CLI"),
                                              "predict", demo_model (), demo_csv (), "-o",
                                              results, NULL);
        else
          proc = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("HEALER_CLI"),
                                              "train", demo_csv (), "-o", model, "--epochs",
                                              "1", "--hidden", "64", "--quiet", NULL);
        g_assert_no_error (error);
        g_subprocess_communicate_utf8 (proc, NULL, NULL, &run.out, &run.err, &error);
        g_assert_no_error (error);
        run_finish (&run, proc);
        g_test_message ("%s: %s", named ? "named" : "unnamed", run.err);
        g_assert_cmpint (run.status, ==, 1);
        g_assert_nonnull (strstr (run.err, what == 0 ? results : model));
        g_assert_nonnull (strstr (run.err, "File too large"));
        g_assert_null (strstr (run.err, ".part"));
        g_assert_null (strstr (run.err, "#"));
        assert_same_bytes (results, "previous\n", 9);
        assert_same_bytes (model, "{}\n", 3);
        listing = list_dir (dir);
        g_assert_cmpstr (listing, ==, "model.json results.csv");
      }
#else
  g_test_skip ("needs setrlimit()");
#endif
}

/* Family 4 ----------------------------------------------------------------- */

static void
test_stdout_errors (void)
{
#ifdef G_OS_UNIX
  g_autofree char *state = make_dir ("state");
  g_autofree char *log = g_build_filename (state, "systemhealer", "systemhealer-cli.log", NULL);
  g_autofree char *trained = tmp_path ("stdout-errors-model.json");
  const char *commands[][12] = {
    { "info", "MODEL", NULL },
    { "info", "MODEL", "--json", NULL },
    { "evaluate", "MODEL", "DATA", NULL },
    { "evaluate", "MODEL", "DATA", "--json", NULL },
    { "explain", "MODEL", NULL },
    { "explain", "MODEL", "--json", NULL },
    { "explain", "MODEL", "DATA", "--sample", "sim-000003", NULL },
    { "cv", "DATA", "--folds", "2", "--repeats", "1", "--epochs", "1", "--hidden", "8", "-q", NULL },
    { "cv", "DATA", "--folds", "2", "--repeats", "1", "--epochs", "1", "--hidden", "8", "--json", NULL },
    { "train", "DATA", "-o", "TRAINED", "--epochs", "1", "--hidden", "8", "--json", "-q", NULL },
    { "train", "DATA", "-o", "TRAINED", "--epochs", "1", "--hidden", "8", "-q", NULL },
    { "predict", "MODEL", "DATA", NULL },
    { "project", "MODEL", "DATA", NULL },
    { "simulate", "-o", "-", "--samples", "50", NULL },
    { "--help", NULL },
    { "train", "--help", NULL },
    { "--version", NULL },
  };

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    for (guint closed = 0; closed < 2; closed++)
      {
        const char *argv[12] = { NULL };
        g_auto(Run) run = { 0 };
        g_autofree char *log_before = NULL;
        g_autofree char *log_after = NULL;
        int fd = -1;

        for (guint a = 0; commands[c][a] != NULL; a++)
          argv[a] = strcmp (commands[c][a], "MODEL") == 0 ? demo_model ()
                    : strcmp (commands[c][a], "DATA") == 0 ? demo_csv ()
                    : strcmp (commands[c][a], "TRAINED") == 0 ? trained
                    : commands[c][a];
        if (!closed)
          {
            if (!g_file_test ("/dev/full", G_FILE_TEST_EXISTS))
              continue;
            fd = open ("/dev/full", O_WRONLY);
            g_assert_cmpint (fd, >=, 0);
          }
        g_file_get_contents (log, &log_before, NULL, NULL);
        run_cli_stdout (&run, fd, state, argv[0], argv[1], argv[2], argv[3], argv[4], argv[5],
                        argv[6], argv[7], argv[8], argv[9], argv[10], NULL);
        g_test_message ("%s with stdout %s: %d, %s", commands[c][0],
                        closed ? "closed" : "on /dev/full", run.status, run.err);
        g_assert_cmpint (run.status, ==, 1);
        g_assert_nonnull (strstr (run.err, closed ? "Bad file descriptor"
                                                  : "No space left on device"));
        /* Closed, descriptor 1 must not become the log file. */
        g_file_get_contents (log, &log_after, NULL, NULL);
        if (log_after != NULL)
          {
            const char *added = log_after + (log_before != NULL ? strlen (log_before) : 0);

            g_assert_null (strstr (added, "sample_id"));
            g_assert_null (strstr (added, "Usage"));
            g_assert_null (strstr (added, "Accuracy"));
            g_assert_null (strstr (added, "{\n"));
          }
      }
#else
  g_test_skip ("needs /dev/full and a closed descriptor");
#endif
}

/* Family 8, "-o -" --------------------------------------------------------- */

static void
test_dash_output (void)
{
  gsize expected_len;
  const char *expected = demo_results (&expected_len);
  g_autofree char *model_path = tmp_path ("dash-model.json");
  g_auto(Run) train = { 0 };
  g_auto(Run) train_json = { 0 };
  g_auto(Run) info = { 0 };
  g_auto(Run) simulate = { 0 };
  g_auto(Run) predict = { 0 };
  g_auto(Run) project = { 0 };
  g_auto(Run) drift = { 0 };

  /* train: the model on standard output, the report on standard error. */
  run_cli (&train, "train", demo_csv (), "-o", "-", "--epochs", "1", "--hidden", "8", "-q", NULL);
  g_assert_cmpint (train.status, ==, 0);
  g_assert_true (g_str_has_prefix (train.out, "{\"format\":\"systemhealer-model\""));
  g_assert_nonnull (strstr (train.err, "Trained on"));
  g_assert_false (g_file_test ("-", G_FILE_TEST_EXISTS));
  g_assert_true (g_file_set_contents (model_path, train.out, -1, NULL));
  run_cli (&info, "info", model_path, NULL);
  g_assert_cmpint (info.status, ==, 0);

  run_cli (&train_json, "train", demo_csv (), "-o", "-", "--json", NULL);
  g_assert_cmpint (train_json.status, ==, 2);

  run_cli (&simulate, "simulate", "-o", "-", "--samples", "5", NULL);
  g_assert_cmpint (simulate.status, ==, 0);
  g_assert_true (g_str_has_prefix (simulate.out, "sample_id,"));
  g_assert_false (g_file_test ("-", G_FILE_TEST_EXISTS));

  run_cli (&predict, "predict", demo_model (), demo_csv (), "-o", "-", NULL);
  g_assert_cmpint (predict.status, ==, 0);
  g_assert_cmpstr (predict.out, ==, expected);

  run_cli (&project, "project", demo_model (), demo_csv (), "-o", "-", NULL);
  g_assert_cmpint (project.status, ==, 0);
  g_assert_true (g_str_has_prefix (project.out, "sample_id,x,y"));

#ifdef G_OS_UNIX
  /* export writes binary ONNX: into a file through standard output. */
  {
    g_auto(Run) export = { 0 };
    g_autofree char *onnx = tmp_path ("dash.onnx");
    int fd = open (onnx, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    GStatBuf st;

    g_assert_cmpint (fd, >=, 0);
    run_cli_stdout (&export, fd, NULL, "export", demo_model (), "-o", "-", NULL);
    g_assert_cmpint (export.status, ==, 0);
    g_assert_cmpint (g_stat (onnx, &st), ==, 0);
    g_assert_cmpint (st.st_size, >, 1000);
  }
#endif

  /* A second file cannot share standard output: refused clearly. */
  run_cli (&drift, "predict", demo_model (), demo_csv (), "--drift-report", "-", NULL);
  g_assert_cmpint (drift.status, ==, 2);
  g_assert_nonnull (strstr (drift.err, "--drift-report"));
}

/* Expects a usage error saying that @name is standard output, which
 * already receives @what, with nothing written there. */
static void G_GNUC_NULL_TERMINATED
expect_stdout_shared (const char *name,
                      const char *what,
                      ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autofree char *expected = g_strdup_printf ("“%s” is standard output, which already receives "
                                               "%s; use a file for one of them", name, what);
  g_autofree char *before = list_dir (tmpdir);
  g_autofree char *after = NULL;
  g_auto(Run) run = { 0 };
  const char *arg;
  va_list ap;

  va_start (ap, what);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);
  run_cliv (&run, (const char * const *) args->pdata);
  g_test_message ("%s: %d, %s", (const char *) args->pdata[0], run.status, run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  g_assert_nonnull (strstr (run.err, expected));
  after = list_dir (tmpdir);
  g_assert_cmpstr (after, ==, before);
}

/* An output named /dev/stdout, /dev/fd/1, /proc/self/fd/1, or the file
 * standard output was redirected into, is standard output: beside the
 * results printed there when -o is not given, a --json summary or another
 * such output, one document followed by another was neither ("predict
 * --drift-report /dev/stdout" printed the CSV, then the report). Refused
 * before a byte is written. */
static void
test_stdout_shared (void)
{
  const char *names[] = { "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1" };
  guint n_names = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      const char *name = names[i];

      if (!g_file_test (name, G_FILE_TEST_EXISTS))
        continue;
      n_names++;
      expect_stdout_shared (name, "the results",
                            "predict", demo_model (), demo_csv (), "--drift-report", name, NULL);
      expect_stdout_shared (name, "the results",
                            "predict", demo_model (), demo_csv (), "-o", "-",
                            "--drift-report", name, NULL);
      expect_stdout_shared (names[0], "the results",
                            "predict", demo_model (), demo_csv (), "-o", name,
                            "--drift-report", names[0], NULL);
      expect_stdout_shared (name, "the JSON summary",
                            "predict", demo_model (), demo_csv (), "-o", name, "--json", NULL);
      expect_stdout_shared (name, "the JSON summary",
                            "train", demo_csv (), "-o", name, "--json", "--epochs", "1", NULL);
      expect_stdout_shared (name, "the JSON summary",
                            "project", demo_model (), demo_csv (), "-o", name, "--json", NULL);
    }
#ifdef G_OS_UNIX
  g_assert_cmpuint (n_names, >=, 2);
#else
  (void) n_names;
#endif

  /* Alone, such an output is standard output like "-": train's report
   * goes to standard error, beside the model. */
  if (g_file_test ("/dev/stdout", G_FILE_TEST_EXISTS))
    {
      g_auto(Run) train = { 0 };

      run_cli (&train, "train", demo_csv (), "-o", "/dev/stdout", "--epochs", "1", "--hidden",
               "8", "-q", NULL);
      g_assert_cmpint (train.status, ==, 0);
      g_assert_true (g_str_has_prefix (train.out, "{\"format\":\"systemhealer-model\""));
      g_assert_null (strstr (train.out, "Trained on"));
      g_assert_nonnull (strstr (train.err, "Trained on"));
    }

#ifdef G_OS_UNIX
  /* Standard output redirected into the file that -o names: the summary
   * would have gone into the file the results replace. */
  {
    g_autofree char *results = tmp_path ("stdout-shared.csv");
    g_auto(Run) run = { 0 };
    GStatBuf st;
    int fd = open (results, O_WRONLY | O_CREAT | O_TRUNC, 0644);

    g_assert_cmpint (fd, >=, 0);
    run_cli_stdout (&run, fd, NULL, "predict", demo_model (), demo_csv (), "-o", results, "--json",
                    NULL);
    g_assert_cmpint (run.status, ==, 2);
    g_assert_nonnull (strstr (run.err, "is standard output, which already receives the JSON "
                                       "summary"));
    g_assert_cmpint (g_stat (results, &st), ==, 0);
    g_assert_cmpint (st.st_size, ==, 0);
    g_assert_cmpint (g_unlink (results), ==, 0);
  }
  /* The null device mixes nothing: standard output there, and the results. */
  {
    g_auto(Run) run = { 0 };
    int fd = open ("/dev/null", O_WRONLY);

    g_assert_cmpint (fd, >=, 0);
    run_cli_stdout (&run, fd, NULL, "predict", demo_model (), demo_csv (), "-o", "/dev/null",
                    "--json", NULL);
    g_assert_cmpstr (run.err, ==, "");
    g_assert_cmpint (run.status, ==, 0);
  }
#endif
}

int
main (int    argc,
      char **argv)
{
  cli_test_init (&argc, &argv, "healer-cli-files-XXXXXX");
  /* Signals are part of what these tests send. */
  cli_run_flags = HEALER_CLI_RUN_SIGNALED;
#ifdef G_OS_UNIX
  /* Feeding a CLI that a test killed must fail with EPIPE, not kill us. */
  signal (SIGPIPE, SIG_IGN);
#endif
  /* "-o -" must never create a file named "-": look for one here. */
  g_assert_cmpint (g_chdir (tmpdir), ==, 0);

  g_test_add_func ("/cli-files/special-targets", test_special_targets);
  g_test_add_func ("/cli-files/output-onto-input", test_output_onto_input);
  g_test_add_func ("/cli-files/interrupted", test_interrupted);
  g_test_add_func ("/cli-files/failed-write-message", test_failed_write_message);
  g_test_add_func ("/cli-files/stdout-errors", test_stdout_errors);
  g_test_add_func ("/cli-files/dash-output", test_dash_output);
  g_test_add_func ("/cli-files/stdout-shared", test_stdout_shared);

  return cli_test_run ();
}
