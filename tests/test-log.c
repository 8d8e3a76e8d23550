/* test-log.c — the program's log file: format, rotation bound, concurrent writers, tail
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A log writer can be installed once per process and GLib caches the user
 * folders on first use, so every case runs in a subprocess whose
 * XDG_STATE_HOME is a fresh temporary folder; the parent then checks the
 * files the subprocess left there.
 */

/* As in the core, so the lines read like the program's own. */
#define G_LOG_DOMAIN "Healer"

#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "healer-log.h"
#include "healer-test-files.h"

#define LINE_RE "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z " \
                "(ERROR|CRITICAL|WARNING|MESSAGE|INFO|DEBUG) [^ :]+: .*$"

static char *state_dir;

static char *
log_file (const char *suffix)
{
  return g_strconcat (state_dir, "/systemhealer/healer-test.log", suffix, NULL);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static guint64
file_size (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return (guint64) st.st_size;
}

/* Runs the current test's body in a subprocess with a fresh state folder. */
static void
run_in_subprocess (void)
{
  g_autoptr(GError) error = NULL;

  if (state_dir != NULL)
    {
      healer_test_remove_tree (state_dir);
      g_free (state_dir);
    }
  state_dir = g_dir_make_tmp ("healer-log-XXXXXX", &error);
  g_assert_no_error (error);
  g_setenv ("XDG_STATE_HOME", state_dir, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
}

static void
assert_lines_well_formed (const char *contents,
                          guint      *n_lines)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);
  guint n = 0;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        {
          /* Only after the final newline. */
          g_assert_null (lines[i + 1]);
          break;
        }
      if (!g_regex_match_simple (LINE_RE, lines[i], 0, 0))
        g_error ("malformed log line %u: “%s”", i + 1, lines[i]);
      n++;
    }
  *n_lines = n;
}

static void
test_format (void)
{
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  guint n;

  if (g_test_subprocess ())
    {
      g_assert_null (healer_log_get_path ());
      g_assert_null (healer_log_read_tail (100));
      healer_log_init ("healer-test");
      /* A second call (another part of the program) changes nothing. */
      healer_log_init ("other");
      /* G_DEBUG=fatal-warnings would stop at the warning. */
      g_log_set_always_fatal (G_LOG_FATAL_MASK);
      g_warning ("could not read “%s”: %zu bytes", "a.csv", (gsize) 42);
      g_message ("two\nlines");
      g_info ("an info");
      g_debug ("a debug message nobody asked for");
      g_log_structured ("Healer", G_LOG_LEVEL_MESSAGE,
                        "HEALER_FILE", "model.json",
                        "MESSAGE", "structured %d", 7);
      g_print ("%s\n", healer_log_get_path ());
      return;
    }

  run_in_subprocess ();
  g_test_trap_assert_passed ();
  /* stderr keeps GLib's usual output. */
  g_test_trap_assert_stderr ("*could not read*a.csv*: 42 bytes*");
  path = log_file ("");
  g_test_trap_assert_stdout_unmatched ("*other.log*");
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  {
    g_autofree char *expected = g_strconcat ("*", path, "*", NULL);

    g_test_trap_assert_stdout (expected);
  }

  contents = read_file (path);
  g_test_message ("%s", contents);
  assert_lines_well_formed (contents, &n);
  /* The start line, a warning, a two-line message on one line, an info,
   * the structured message; no debug. */
  g_assert_cmpuint (n, ==, 5);
  g_assert_true (g_regex_match_simple (
    "^\\S+ INFO Healer: healer-test \\S+ started; log file .*$", contents, G_REGEX_MULTILINE, 0));
  g_assert_true (g_regex_match_simple (
    "^\\S+ WARNING Healer: could not read “a.csv”: 42 bytes \\(\\S*test-log.c:\\d+ test_format\\)$",
    contents, G_REGEX_MULTILINE, 0));
  g_assert_nonnull (strstr (contents, " MESSAGE Healer: two\\nlines ("));
  g_assert_nonnull (strstr (contents, " INFO Healer: an info ("));
  g_assert_null (strstr (contents, "nobody asked"));
  /* g_log_structured() adds no CODE_ fields; ours come after the message. */
  g_assert_true (g_regex_match_simple (
    "^\\S+ MESSAGE Healer: structured 7 \\[HEALER_FILE=model.json\\]$",
    contents, G_REGEX_MULTILINE, 0));
}

/* About 2.5 MiB of messages, 2.5 times the bound. */
#define N_ROTATION 20000

/* Far more than the bound is written: the current file and the one kept
 * stay within it, the messages run on from the older to the newer with
 * nothing lost in between, and no third file appears. */
static void
test_rotation (void)
{
  g_autofree char *path = NULL;
  g_autofree char *older = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *old_contents = NULL;
  g_autofree char *all = NULL;
  g_auto(GStrv) lines = NULL;
  guint n_old, n_new, expected = 0;
  gboolean started = FALSE;

  if (g_test_subprocess ())
    {
      healer_log_init ("healer-test");
      for (guint i = 0; i < N_ROTATION; i++)
        g_info ("message %06u padding padding padding padding padding padding", i);
      return;
    }

  run_in_subprocess ();
  g_test_trap_assert_passed ();
  path = log_file ("");
  older = log_file (".1");
  g_assert_cmpuint (file_size (path), <=, HEALER_LOG_MAX_SIZE);
  g_assert_cmpuint (file_size (older), <=, HEALER_LOG_MAX_SIZE);
  /* Nearly full: rotation happens at the bound, not long before it. */
  g_assert_cmpuint (file_size (older), >, HEALER_LOG_MAX_SIZE - 200);
  {
    g_autofree char *third = log_file (".2");

    g_assert_false (g_file_test (third, G_FILE_TEST_EXISTS));
  }

  old_contents = read_file (older);
  contents = read_file (path);
  assert_lines_well_formed (old_contents, &n_old);
  assert_lines_well_formed (contents, &n_new);
  all = g_strconcat (old_contents, contents, NULL);
  lines = g_strsplit (all, "\n", -1);
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      const char *m = strstr (lines[i], "message ");
      guint number;

      g_assert_nonnull (m);
      number = (guint) g_ascii_strtoull (m + strlen ("message "), NULL, 10);
      if (started)
        g_assert_cmpuint (number, ==, expected);
      started = TRUE;
      expected = number + 1;
    }
  g_assert_cmpuint (expected, ==, N_ROTATION);
  g_test_message ("%u + %u lines kept of %u, %" G_GUINT64_FORMAT " + %" G_GUINT64_FORMAT
                  " bytes", n_old, n_new, N_ROTATION + 1, file_size (older), file_size (path));
}

#define N_THREADS 4
#define N_PER_THREAD 3000

static gpointer
writer_thread (gpointer data)
{
  guint id = GPOINTER_TO_UINT (data);

  for (guint i = 0; i < N_PER_THREAD; i++)
    g_info ("thread %u message %u, in a line long enough to make the file rotate",
            id, i);
  return NULL;
}

/* Four threads log at once, through a rotation: every line is
 * whole, each thread's messages are in order, and each thread's last
 * message is there. */
static void
test_concurrent (void)
{
  g_autofree char *path = NULL;
  g_autofree char *older = NULL;
  g_autofree char *all = NULL;
  g_auto(GStrv) lines = NULL;
  gint64 next[N_THREADS];
  guint n;

  if (g_test_subprocess ())
    {
      GThread *threads[N_THREADS];

      healer_log_init ("healer-test");
      for (guint t = 0; t < N_THREADS; t++)
        threads[t] = g_thread_new ("writer", writer_thread, GUINT_TO_POINTER (t));
      for (guint t = 0; t < N_THREADS; t++)
        g_thread_join (threads[t]);
      return;
    }

  run_in_subprocess ();
  g_test_trap_assert_passed ();
  path = log_file ("");
  older = log_file (".1");
  g_assert_cmpuint (file_size (path), <=, HEALER_LOG_MAX_SIZE);
  g_assert_cmpuint (file_size (older), <=, HEALER_LOG_MAX_SIZE);
  {
    g_autofree char *a = read_file (older);
    g_autofree char *b = read_file (path);

    all = g_strconcat (a, b, NULL);
  }
  assert_lines_well_formed (all, &n);
  lines = g_strsplit (all, "\n", -1);
  for (guint t = 0; t < N_THREADS; t++)
    next[t] = -1;
  for (guint i = 0; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      guint t, k;
      const char *m = strstr (lines[i], ": thread ");

      if (m == NULL)
        continue;   /* the start line */
      g_assert_cmpint (sscanf (m, ": thread %u message %u,", &t, &k), ==, 2);
      g_assert_cmpuint (t, <, N_THREADS);
      g_assert_cmpint ((gint64) k, >, next[t]);
      next[t] = k;
    }
  for (guint t = 0; t < N_THREADS; t++)
    g_assert_cmpint (next[t], ==, N_PER_THREAD - 1);
  g_test_message ("%u lines kept of %u written by %u threads", n,
                  N_THREADS * N_PER_THREAD + 1, N_THREADS);
}

static void
test_tail (void)
{
  if (g_test_subprocess ())
    {
      g_autofree char *small = NULL;
      g_autofree char *big = NULL;
      g_autofree char *current = NULL;
      g_autofree char *whole = NULL;
      g_autofree char *older = NULL;
      const char *last;

      healer_log_init ("healer-test");
      for (guint i = 0; i < 20000; i++)
        g_info ("tail message %u ünïcödé", i);

      small = healer_log_read_tail (300);
      g_assert_nonnull (small);
      g_assert_cmpuint (strlen (small), <=, 300);
      g_assert_cmpuint (strlen (small), >, 100);
      g_assert_true (g_utf8_validate (small, -1, NULL));
      /* Whole lines, ending with the newest. */
      g_assert_true (g_regex_match_simple ("^\\d{4}-", small, 0, 0));
      last = strrchr (small, '\n');
      g_assert_nonnull (last);
      g_assert_cmpint (last[1], ==, '\0');
      g_assert_true (g_regex_match_simple ("tail message 19999 ünïcödé \\([^)]*test_tail\\)\n$",
                                           small, 0, 0));

      /* Longer than the current file: the older one supplies the rest. */
      current = NULL;
      g_file_get_contents (healer_log_get_path (), &current, NULL, NULL);
      big = healer_log_read_tail (strlen (current) + 5000);
      g_assert_cmpuint (strlen (big), >, strlen (current));
      g_assert_true (g_str_has_suffix (big, current));
      g_assert_cmpuint (strlen (big), <=, strlen (current) + 5000);

      /* A log shorter than asked comes whole, older file first. */
      {
        g_autofree char *older_path = g_strconcat (healer_log_get_path (), ".1", NULL);

        g_file_get_contents (older_path, &older, NULL, NULL);
      }
      whole = healer_log_read_tail (10 * HEALER_LOG_MAX_SIZE);
      g_assert_cmpuint (strlen (whole), ==, strlen (older) + strlen (current));
      g_assert_true (g_str_has_prefix (whole, older));
      g_print ("ok\n");
      return;
    }

  run_in_subprocess ();
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("ok*");
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/log/format", test_format);
  g_test_add_func ("/log/rotation", test_rotation);
  g_test_add_func ("/log/concurrent", test_concurrent);
  g_test_add_func ("/log/tail", test_tail);
  status = g_test_run ();
  if (state_dir != NULL)
    {
      healer_test_remove_tree (state_dir);
      g_free (state_dir);
    }
  return status;
}
