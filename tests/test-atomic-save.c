/* test-atomic-save.c — nothing lost: saves killed at random moments, saves on a full disk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A forked child saves a model (healer_model_save) and a results file
 * (healer-output.h, streamed in chunks) over and over, alternating between
 * two versions of each, and the parent kills it with SIGKILL at a random
 * moment, then forks the next one. After every kill each target must be
 * byte for byte one of its two versions (and the model must load and
 * verify), never a mixture or a truncation. The temporary files a kill
 * leaves behind are checked too. On Linux they have no name until the
 * commit (O_TMPFILE): a kill can only leave one that was being renamed over
 * its target, so it holds a whole version. With the portable named
 * temporary files (HEALER_OUTPUT_NO_TMPFILE, the second run) each must hold
 * a prefix of a version (the partial write went there, not to the target).
 *
 * Then a save on a "full disk": a child whose file-size limit
 * (RLIMIT_FSIZE) is below the size of the new file, with SIGXFSZ ignored so
 * the write fails with EFBIG as on a full device. The save must fail with a
 * message naming the file, keep the old file and leave no temporary file.
 *
 * POSIX only (fork, kill, setrlimit); skipped elsewhere.
 */

#include <string.h>
#include <glib/gstdio.h>

#include "healer-model.h"
#include "healer-output.h"
#include "healer-simulate.h"
#include "healer-trainer.h"

#ifdef G_OS_UNIX
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#define RESULTS_CHUNK (64 * 1024)

typedef struct
{
  char    *dir;
  char    *model_path;
  char    *results_path;
  char    *model_bytes[2];      /* healer_model_to_json of the two versions */
  gsize    model_len[2];
  char    *model_checksum[2];
  HealerModel *models[2];       /* loaded back from model_bytes */
  GString *results[2];
} Versions;

static HealerModel *
train_version (guint64 seed)
{
  HealerSimulateConfig sim;
  HealerTrainConfig config;
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(GError) error = NULL;
  HealerModel *model;

  healer_simulate_config_init_default (&sim);
  sim.n_samples = 120;
  sim.seed = seed;
  data = healer_simulate (&sim);
  healer_train_config_init_default (&config);
  config.epochs = 2;
  config.ensemble = 2;
  config.seed = seed;
  config.explain = FALSE;
  model = healer_train (data, &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return model;
}

/* A results file of a few MiB, so the streamed output flushes to its
 * temporary file more than once before the commit. */
static GString *
make_results (guint version)
{
  GString *s = g_string_new ("sample_id,prediction,confidence\n");

  for (guint i = 0; i < 100000; i++)
    g_string_append_printf (s, "sample-%06u,%u,0.%06u\n", i, (i + version) % 6,
                            (i * 7919u + version * 104729u) % 1000000u);
  return s;
}

static void
versions_init (Versions *v)
{
  g_autoptr(GError) error = NULL;

  v->dir = g_dir_make_tmp ("healer-atomic-XXXXXX", &error);
  g_assert_no_error (error);
  v->model_path = g_build_filename (v->dir, "model.json", NULL);
  v->results_path = g_build_filename (v->dir, "results.csv", NULL);
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr(HealerModel) model = train_version (11 + k);

      g_autofree char *again = NULL;
      gsize again_len;

      v->model_bytes[k] = healer_model_to_json (model, &v->model_len[k]);
      v->model_checksum[k] = healer_model_weights_checksum (model);
      v->models[k] = healer_model_load_from_data (v->model_bytes[k], v->model_len[k],
                                                  "version", &error);
      g_assert_no_error (error);
      /* What a save writes is what the checks compare with. */
      again = healer_model_to_json (v->models[k], &again_len);
      g_assert_cmpmem (again, again_len, v->model_bytes[k], v->model_len[k]);
      v->results[k] = make_results (k);
    }
  g_assert_cmpstr (v->model_checksum[0], !=, v->model_checksum[1]);
}

static void
versions_clear (Versions *v)
{
  g_autoptr(GDir) dir = g_dir_open (v->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (v->dir, name, NULL);

      g_remove (path);
    }
  g_rmdir (v->dir);
  g_free (v->dir);
  g_free (v->model_path);
  g_free (v->results_path);
  for (guint k = 0; k < 2; k++)
    {
      g_free (v->model_bytes[k]);
      g_free (v->model_checksum[k]);
      g_clear_pointer (&v->models[k], healer_model_unref);
      g_string_free (v->results[k], TRUE);
    }
}

static gboolean
save_model (Versions  *v,
            guint      k,
            GError   **error)
{
  return healer_model_save (v->models[k], v->model_path, error);
}

static gboolean
save_results (Versions  *v,
              guint      k,
              GError   **error)
{
  HealerOutput *out = healer_output_open (v->results_path, error);
  const GString *s = v->results[k];

  if (out == NULL)
    return FALSE;
  for (gsize off = 0; off < s->len; off += RESULTS_CHUNK)
    if (!healer_output_write (out, s->str + off, MIN (RESULTS_CHUNK, s->len - off), error))
      {
        healer_output_abort (out);
        return FALSE;
      }
  return healer_output_commit (out, error);
}

/* Which version @path holds: 0 or 1, or the test fails. */
static guint
check_model_file (Versions *v)
{
  g_autofree char *contents = NULL;
  g_autofree char *checksum = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  guint k;

  g_file_get_contents (v->model_path, &contents, &len, &error);
  g_assert_no_error (error);
  if (len == v->model_len[0] && memcmp (contents, v->model_bytes[0], len) == 0)
    k = 0;
  else if (len == v->model_len[1] && memcmp (contents, v->model_bytes[1], len) == 0)
    k = 1;
  else
    g_error ("%s is neither version (%zu bytes; versions have %zu and %zu)",
             v->model_path, len, v->model_len[0], v->model_len[1]);

  model = healer_model_load (v->model_path, &error);
  g_assert_no_error (error);
  checksum = healer_model_weights_checksum (model);
  g_assert_cmpstr (checksum, ==, v->model_checksum[k]);
  return k;
}

static guint
check_results_file (Versions *v)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  g_file_get_contents (v->results_path, &contents, &len, &error);
  g_assert_no_error (error);
  for (guint k = 0; k < 2; k++)
    if (len == v->results[k]->len && memcmp (contents, v->results[k]->str, len) == 0)
      return k;
  g_error ("%s is neither version (%zu bytes; versions have %zu and %zu)",
           v->results_path, len, v->results[0]->len, v->results[1]->len);
}

/* The beginning of @a or of @b, possibly followed by NUL bytes: with
 * G_FILE_SET_CONTENTS_CONSISTENT, GLib reserves the whole length first
 * (fallocate), so a write cut short leaves zeros after what was written. */
static gboolean
is_prefix_of_either (const char *contents,
                     gsize       len,
                     const char *a,
                     gsize       a_len,
                     const char *b,
                     gsize       b_len)
{
  gsize written = len;

  while (written > 0 && contents[written - 1] == '\0')
    written--;
  return (len <= a_len && memcmp (contents, a, written) == 0) ||
         (len <= b_len && memcmp (contents, b, written) == 0);
}

/* Temporary files left by kills: healer_output's ".model.json.XXXXXXXX.part"
 * and ".results.csv.XXXXXXXX.part". Each must hold the beginning of a
 * version, or with @whole a whole one. Adds the names not seen before to
 * @seen, and returns how many of @seen are gone (none are: see the note
 * below). */
static guint
check_strays (Versions   *v,
              gboolean    whole,
              GHashTable *seen,
              guint      *n_new)
{
  g_autoptr(GDir) dir = g_dir_open (v->dir, 0, NULL);
  g_autoptr(GHashTable) now = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const char *name;
  GHashTableIter iter;
  gpointer key;
  guint gone = 0;

  *n_new = 0;
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      gsize len;

      if (strcmp (name, "model.json") == 0 || strcmp (name, "results.csv") == 0)
        continue;
      path = g_build_filename (v->dir, name, NULL);
      g_file_get_contents (path, &contents, &len, &error);
      g_assert_no_error (error);
      if (g_str_has_prefix (name, ".model.json.") && g_str_has_suffix (name, ".part"))
        {
          g_assert_true (is_prefix_of_either (contents, len,
                                              v->model_bytes[0], v->model_len[0],
                                              v->model_bytes[1], v->model_len[1]));
          if (whole)
            g_assert_true (len == v->model_len[0] || len == v->model_len[1]);
        }
      else if (g_str_has_prefix (name, ".results.csv.") && g_str_has_suffix (name, ".part"))
        {
          g_assert_true (is_prefix_of_either (contents, len,
                                              v->results[0]->str, v->results[0]->len,
                                              v->results[1]->str, v->results[1]->len));
          if (whole)
            g_assert_true (len == v->results[0]->len || len == v->results[1]->len);
        }
      else
        g_error ("unexpected file %s", path);

      g_hash_table_add (now, g_strdup (name));
      if (!g_hash_table_contains (seen, name))
        {
          g_hash_table_add (seen, g_strdup (name));
          (*n_new)++;
        }
    }

  g_hash_table_iter_init (&iter, seen);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (!g_hash_table_contains (now, key))
      gone++;
  return gone;
}

/* The child: alternate versions until killed; one byte on @fd per save
 * that returned, so the parent knows how far it got. */
G_GNUC_NORETURN static void
saver_child (Versions *v,
             guint     start,
             int       fd)
{
  /* A parent that died must not leave the child saving forever. */
  alarm (60);
  for (guint i = start;; i++)
    {
      g_autoptr(GError) error = NULL;
      char byte = 'm';

      if (!save_model (v, i % 2, &error))
        {
          g_printerr ("child: %s\n", error->message);
          _exit (3);
        }
      if (write (fd, &byte, 1) != 1)
        _exit (4);
      byte = 'r';
      if (!save_results (v, i % 2, &error))
        {
          g_printerr ("child: %s\n", error->message);
          _exit (3);
        }
      if (write (fd, &byte, 1) != 1)
        _exit (4);
    }
}

/* @named: the portable path, with named temporary files. */
static void
kill_during_save (gboolean named)
{
  Versions v = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gboolean unnamed = FALSE;
  guint n_kills = 60, max_kills, kills_done = 0;
  guint model_changed = 0, results_changed = 0, kills_with_new_stray = 0, strays_gone = 0;
  guint kills_before_first_save = 0;
  guint64 saves = 0;
  guint prev_model, prev_results;
  gint64 t0, cycle_us;

  /* HEALER_TEST_QUICK: fewer kills, for runs under valgrind, which also
   * follows every child. */
  if (g_getenv ("HEALER_TEST_QUICK") != NULL)
    n_kills = 10;
  /* Under AddressSanitizer each child's start and save cost several times
   * more: 60 kills per mode took 251 s of the 300 s timeout on a loaded
   * machine. A third of them still kill during every phase of a save. */
#if defined(__SANITIZE_ADDRESS__)
  n_kills = MIN (n_kills, 20);
#endif
  /* The kills land at random moments, so a few may all miss what the test
   * must see (a changed file, a write cut short): it goes on killing until
   * it has, up to three times as many, instead of failing on bad luck or
   * a loaded machine's slow forks. */
  max_kills = n_kills * 3;
  if (named)
    g_setenv ("HEALER_OUTPUT_NO_TMPFILE", "1", TRUE);
  else
    g_unsetenv ("HEALER_OUTPUT_NO_TMPFILE");
#ifdef __linux__
  unnamed = !named && g_file_test ("/proc/self/fd", G_FILE_TEST_IS_DIR);
#endif

  versions_init (&v);
  t0 = g_get_monotonic_time ();
  g_assert_true (save_model (&v, 0, &error));
  g_assert_no_error (error);
  g_assert_true (save_results (&v, 0, &error));
  g_assert_no_error (error);
  /* Kills spread over about two and a half save pairs, so they land in
   * both saves, in every phase, and sometimes before the first write. */
  cycle_us = MAX (g_get_monotonic_time () - t0, 1000);
  prev_model = check_model_file (&v);
  prev_results = check_results_file (&v);

  for (guint kill_no = 0; kill_no < max_kills; kill_no++)
    {
      int fds[2];
      pid_t pid;
      int status;
      char buf[4096];
      gssize got;
      guint64 this_saves = 0;
      guint k, n_new;

      g_assert_cmpint (pipe (fds), ==, 0);
      fflush (stdout);
      fflush (stderr);
      pid = fork ();
      g_assert_cmpint (pid, >=, 0);
      if (pid == 0)
        {
          close (fds[0]);
          /* Start with the version that is not there, so the first save
           * already changes the file. */
          saver_child (&v, prev_model + 1, fds[1]);
        }
      close (fds[1]);

      g_usleep (g_random_int_range (0, (gint32) MIN (cycle_us * 5 / 2, G_MAXINT32)));
      g_assert_cmpint (kill (pid, SIGKILL), ==, 0);
      g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
      /* Killed, not failed: a child that exited on its own had an error. */
      g_assert_true (WIFSIGNALED (status));
      g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

      while ((got = read (fds[0], buf, sizeof buf)) > 0)
        this_saves += (guint64) got;
      close (fds[0]);
      saves += this_saves;
      /* A child that never got to save (a loaded machine forks slowly)
       * proves nothing, and one that never got past its first model save
       * never touched the results: later kills wait longer, up to a quarter
       * of a second. The first pair, timed above, created its files;
       * the children replace them, and replacing syncs, which can take
       * longer on a busy disk. */
      if (this_saves == 0)
        kills_before_first_save++;
      if (this_saves < 2)
        cycle_us = MIN (cycle_us + cycle_us / 4, G_USEC_PER_SEC / 4);

      k = check_model_file (&v);
      model_changed += k != prev_model;
      prev_model = k;
      k = check_results_file (&v);
      results_changed += k != prev_results;
      prev_results = k;

      strays_gone = check_strays (&v, unnamed, seen, &n_new);
      kills_with_new_stray += n_new > 0;
      kills_done++;

      if (kills_done >= n_kills && model_changed > 0 && results_changed > 0 &&
          (unnamed || kills_with_new_stray > 0))
        break;
      /* The extra kills are for bad luck, not for a machine too slow to
       * finish within the test's timeout: two minutes in all, then the
       * assertions below say what was seen. */
      if (kills_done >= n_kills && g_get_monotonic_time () - t0 > 120 * G_USEC_PER_SEC)
        break;
    }

  g_test_message ("%u kills; %" G_GUINT64_FORMAT " saves returned before them; %u kills "
                  "before the first save returned; model file changed by %u kills' saves, "
                  "results by %u; every target whole and a version after every kill; "
                  "%u kills left a temporary file (%u in all), of which %u were removed "
                  "by later saves",
                  kills_done, saves, kills_before_first_save, model_changed, results_changed,
                  kills_with_new_stray, g_hash_table_size (seen), strays_gone);

  /* The kills must have hit the saves, or the test proved nothing:
   * some runs changed the files, and some kills interrupted a write. */
  g_assert_cmpuint (model_changed, >, 0);
  g_assert_cmpuint (results_changed, >, 0);
  /* Named temporary files hold every write, so kills leave some; unnamed
   * ones only exist between the link and the rename of a commit. */
  if (unnamed)
    g_assert_cmpuint (kills_with_new_stray, <, kills_done / 10);
  else
    g_assert_cmpuint (kills_with_new_stray, >, 0);
  /* Temporary files are not cleaned up by later saves: their names are
   * random, and another process may be writing one of them right now. */
  g_assert_cmpuint (strays_gone, ==, 0);

  versions_clear (&v);
  g_unsetenv ("HEALER_OUTPUT_NO_TMPFILE");
}

static void
test_kill_during_save (void)
{
  kill_during_save (FALSE);
}

static void
test_kill_during_save_named (void)
{
  kill_during_save (TRUE);
}

/* Full disk */

typedef struct
{
  gboolean ok;
  char    *message;
} ChildResult;

static void
child_result_clear (ChildResult *r)
{
  g_free (r->message);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (ChildResult, child_result_clear)

/* In a child limited to @limit bytes per file: runs @save, reports "1" or
 * "0 message" on a pipe. */
static void
save_with_size_limit (Versions    *v,
                      gboolean   (*save) (Versions *, guint, GError **),
                      rlim_t       limit,
                      ChildResult *result)
{
  int fds[2];
  pid_t pid;
  int status;
  GString *reply;
  char buf[1024];
  gssize got;

  g_assert_cmpint (pipe (fds), ==, 0);
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      struct rlimit rl = { limit, limit };
      GError *error = NULL;
      char *line;
      gboolean written;

      close (fds[0]);
      /* EFBIG instead of a signal: what a write on a full device returns. */
      signal (SIGXFSZ, SIG_IGN);
      if (setrlimit (RLIMIT_FSIZE, &rl) != 0)
        _exit (5);
      if (save (v, 1, &error))
        line = g_strdup ("1");
      else
        line = g_strdup_printf ("0 %s", error->message);
      written = write (fds[1], line, strlen (line)) == (gssize) strlen (line);
      /* Freed before _exit, which runs no cleanup: under valgrind, which
       * follows the child, anything left would count as a leak. */
      g_free (line);
      g_clear_error (&error);
      _exit (written ? 0 : 4);
    }
  close (fds[1]);
  reply = g_string_new (NULL);
  while ((got = read (fds[0], buf, sizeof buf)) > 0)
    g_string_append_len (reply, buf, got);
  close (fds[0]);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  g_assert_cmpuint (reply->len, >, 0);
  result->ok = reply->str[0] == '1';
  result->message = g_strdup (reply->len > 2 ? reply->str + 2 : "");
  g_string_free (reply, TRUE);
}

static guint
count_files (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  while (dir != NULL && g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_full_disk (void)
{
  Versions v = { 0 };
  g_autoptr(GError) error = NULL;
  g_auto(ChildResult) model_result = { 0 };
  g_auto(ChildResult) results_result = { 0 };
  g_auto(ChildResult) fits = { 0 };
  rlim_t limit;

  versions_init (&v);
  g_assert_true (save_model (&v, 0, &error));
  g_assert_true (save_results (&v, 0, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_files (v.dir), ==, 2);

  /* Room for the old files (limits apply to new writes) but not for
   * either new one. */
  limit = MIN (v.model_len[1], v.results[1]->len) / 2;

  save_with_size_limit (&v, save_model, limit, &model_result);
  g_test_message ("model save with a %lu-byte file limit: %s", (unsigned long) limit,
                  model_result.message);
  g_assert_false (model_result.ok);
  g_assert_nonnull (strstr (model_result.message, v.model_path));
  g_assert_nonnull (strstr (model_result.message, "File too large"));
  g_assert_cmpuint (check_model_file (&v), ==, 0);

  save_with_size_limit (&v, save_results, limit, &results_result);
  g_test_message ("results save with a %lu-byte file limit: %s", (unsigned long) limit,
                  results_result.message);
  g_assert_false (results_result.ok);
  g_assert_nonnull (strstr (results_result.message, v.results_path));
  g_assert_nonnull (strstr (results_result.message, "File too large"));
  g_assert_cmpuint (check_results_file (&v), ==, 0);

  /* Nothing left behind by either failure. */
  g_assert_cmpuint (count_files (v.dir), ==, 2);

  /* The same child with room enough saves: the limit, not the harness,
   * made the saves above fail. */
  save_with_size_limit (&v, save_model, 64 * 1024 * 1024, &fits);
  g_assert_true (fits.ok);
  g_assert_cmpuint (check_model_file (&v), ==, 1);

  versions_clear (&v);
}

#else /* !G_OS_UNIX */

static void
test_kill_during_save (void)
{
  g_test_skip ("needs fork() and kill()");
}

static void
test_kill_during_save_named (void)
{
  g_test_skip ("needs fork() and kill()");
}

static void
test_full_disk (void)
{
  g_test_skip ("needs fork() and setrlimit()");
}

#endif

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/atomic-save/kill-during-save", test_kill_during_save);
  g_test_add_func ("/atomic-save/kill-during-save-named", test_kill_during_save_named);
  g_test_add_func ("/atomic-save/full-disk", test_full_disk);
  return g_test_run ();
}
