/* test-output.c — tests of the atomic streamed output (commit, abort, replace)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every test runs twice: with the temporary file the platform prefers
 * (on Linux an unnamed O_TMPFILE one) and, under /output/named/, with the
 * portable named one (HEALER_OUTPUT_NO_TMPFILE).
 */

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#ifdef G_OS_UNIX
#include <sys/stat.h>
#include <unistd.h>
#endif
#ifdef __linux__
#include <sys/sysmacros.h>
#endif

#include "healer-output.h"
#include "healer-test-files.h"

#define MIB (1024 * 1024)

typedef struct
{
  char *dir;
  char *target;
  gboolean named;     /* temporary files have names (else: unnamed, Linux) */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->named = GPOINTER_TO_INT (data) ||
             !g_file_test ("/proc/self/fd", G_FILE_TEST_IS_DIR);
  if (GPOINTER_TO_INT (data))
    g_setenv ("HEALER_OUTPUT_NO_TMPFILE", "1", TRUE);
  else
    g_unsetenv ("HEALER_OUTPUT_NO_TMPFILE");

  f->dir = g_dir_make_tmp ("healer-output-XXXXXX", &error);
  g_assert_no_error (error);
  f->target = g_build_filename (f->dir, "out.txt", NULL);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  healer_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->target);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* Names in @dir, sorted and joined by spaces: one string to compare. */
static char *
list_dir (const char *dir)
{
  g_autoptr (GDir) d = NULL;
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  const char *name;

  d = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

/* The single temporary file beside out.txt, or NULL when there is none:
 * its name, or for an unnamed one (Linux, O_TMPFILE) our descriptor's entry
 * in /proc, which stat() follows to the file. */
static char *
find_part (const char *dir)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, NULL);
  char *found = NULL;
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_prefix (name, ".out.txt.") && g_str_has_suffix (name, ".part"))
      {
        g_assert_null (found);
        found = g_build_filename (dir, name, NULL);
      }

  if (found == NULL && g_getenv ("HEALER_OUTPUT_NO_TMPFILE") == NULL)
    {
      g_autoptr (GDir) fds = g_dir_open ("/proc/self/fd", 0, NULL);
      g_autofree char *prefix = g_strconcat (dir, "/", NULL);

      while (fds != NULL && (name = g_dir_read_name (fds)) != NULL)
        {
          g_autofree char *entry = g_build_filename ("/proc/self/fd", name, NULL);
          g_autofree char *link = g_file_read_link (entry, NULL);

          if (link != NULL && g_str_has_prefix (link, prefix) &&
              g_str_has_suffix (link, " (deleted)"))
            {
              g_assert_null (found);
              found = g_steal_pointer (&entry);
            }
        }
    }
  return found;
}

/* No name in @dir but @expected (space-separated, sorted): an unnamed
 * temporary file shows no name at all. */
static void
assert_listing (const char *dir,
                const char *expected)
{
  g_autofree char *listing = list_dir (dir);

  g_assert_cmpstr (listing, ==, expected);
}

static void
assert_file_equals (const char *path,
                    const char *expected,
                    gsize       expected_len)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, ==, expected_len);
  g_assert_true (memcmp (contents, expected, len) == 0);
}

/* Writes ~3 MiB of varied lines in small pieces through @out, appending the
 * same bytes to @expected; checks along the way that the data really
 * streams to the temporary file instead of piling up in memory. */
static void
write_pieces (HealerOutput *out,
              GString      *expected,
              const char   *dir)
{
  g_autoptr (GError) error = NULL;
  gboolean checked_stream = FALSE;

  for (guint i = 0; expected->len < 3 * MIB; i++)
    {
      char line[64];
      int n = g_snprintf (line, sizeof line, "row %u,%u,%s\n", i, i * 7919u % 1000,
                          i % 3 == 0 ? "alpha" : "\xc3\xa9t\xc3\xa9");

      g_assert_true (healer_output_write (out, line, (gsize) n, &error));
      g_assert_no_error (error);
      g_string_append_len (expected, line, n);

      if (!checked_stream && expected->len > MIB + 4096)
        {
          g_autofree char *part = find_part (dir);
          GStatBuf st;

          g_assert_nonnull (part);
          g_assert_cmpint (g_stat (part, &st), ==, 0);
          g_assert_cmpint (st.st_size, >=, MIB);
          /* Unnamed, it is nowhere to be seen. */
          if (g_str_has_prefix (part, "/proc/"))
            {
              g_autofree char *listing = list_dir (dir);

              g_assert_null (strstr (listing, ".part"));
            }
          checked_stream = TRUE;
        }
    }
  g_assert_true (checked_stream);

  g_assert_true (healer_output_printf (out, &error, "%s=%d;%.3f|%c\n", "printf", -42, 2.5, 'x'));
  g_assert_no_error (error);
  g_string_append (expected, "printf=-42;2.500|x\n");

  /* One formatted piece larger than the flush size on its own. */
  {
    g_autofree char *big = g_strnfill (MIB + 17, 'z');

    g_assert_true (healer_output_printf (out, &error, "[%s]", big));
    g_assert_no_error (error);
    g_string_append_printf (expected, "[%s]", big);
  }

  /* Embedded NUL bytes go through write() untouched. */
  g_assert_true (healer_output_write (out, "a\0b", 3, &error));
  g_assert_no_error (error);
  g_string_append_len (expected, "a\0b", 3);
}

static void
test_commit (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) expected = g_string_new (NULL);
  g_autofree char *listing = NULL;
  HealerOutput *out;

  out = healer_output_open (f->target, &error);
  g_assert_no_error (error);
  g_assert_nonnull (out);

  write_pieces (out, expected, f->dir);
  /* Nothing visible under the final name until commit. */
  g_assert_false (g_file_test (f->target, G_FILE_TEST_EXISTS));

  g_assert_true (healer_output_commit (out, &error));
  g_assert_no_error (error);

  assert_file_equals (f->target, expected->str, expected->len);
  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "out.txt");
}

static void
test_empty (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  HealerOutput *out = healer_output_open (f->target, &error);

  g_assert_no_error (error);
  g_assert_true (healer_output_commit (out, &error));
  g_assert_no_error (error);
  assert_file_equals (f->target, "", 0);
}

static void
test_abort (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) expected = g_string_new (NULL);
  g_autofree char *listing = NULL;
  HealerOutput *out;

  out = healer_output_open (f->target, &error);
  g_assert_no_error (error);
  write_pieces (out, expected, f->dir);
  healer_output_abort (out);

  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "");

  /* abort (NULL) is a no-op, as every cleanup function should be. */
  healer_output_abort (NULL);
}

static void
test_replace (Fixture       *f,
              gconstpointer  data)
{
  static const char old[] = "old contents\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) expected = g_string_new (NULL);
  g_autofree char *listing = NULL;
  HealerOutput *out;

  g_file_set_contents (f->target, old, -1, &error);
  g_assert_no_error (error);

  out = healer_output_open (f->target, &error);
  g_assert_no_error (error);
  write_pieces (out, expected, f->dir);

  /* A reader meanwhile still sees the complete old file. */
  assert_file_equals (f->target, old, strlen (old));

  g_assert_true (healer_output_commit (out, &error));
  g_assert_no_error (error);
  assert_file_equals (f->target, expected->str, expected->len);
  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "out.txt");

  /* And an aborted rewrite leaves the previous version alone. */
  out = healer_output_open (f->target, &error);
  g_assert_no_error (error);
  g_assert_true (healer_output_write (out, "new", 3, &error));
  healer_output_abort (out);
  assert_file_equals (f->target, expected->str, expected->len);
  g_clear_pointer (&listing, g_free);
  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "out.txt");
}

static void
test_missing_folder (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "no-such-folder", "out.txt", NULL);
  g_autofree char *listing = NULL;
  HealerOutput *out;

  out = healer_output_open (path, &error);
  g_assert_null (out);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_test_message ("message: %s", error->message);
  g_assert_nonnull (strstr (error->message, path));
  {
    g_autofree char *dir = g_path_get_dirname (path);
    g_autofree char *says = g_strdup_printf ("its folder “%s” does not exist", dir);

    g_assert_nonnull (strstr (error->message, says));
  }

  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "");
}

/* Opens @path, expecting @code and a message that names @path and contains
 * @says; the file, if it was there, is left as it was. */
static void
expect_refused (const char *path,
                int         code,
                const char *says)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gboolean existed = g_file_get_contents (path, &before, NULL, NULL);
  HealerOutput *out = healer_output_open (path, &error);

  if (out != NULL)
    {
      g_assert_false (healer_output_commit (out, &error));
      out = NULL;
    }
  g_assert_nonnull (error);
  g_test_message ("%s: %s", path, error->message);
  g_assert_error (error, G_IO_ERROR, code);
  g_assert_nonnull (strstr (error->message, path));
  g_assert_nonnull (strstr (error->message, says));
  if (existed)
    {
      g_assert_true (g_file_get_contents (path, &after, NULL, NULL));
      g_assert_cmpstr (after, ==, before);
    }
}

/* Creating, linking and renaming are the folder's business: when the
 * folder refuses, the message names the folder and says what is wrong with
 * it, rather than "permission denied" on a file the user may well be able
 * to write, or "its folder does not exist" about a folder that exists. */
static void
test_folder_refuses (Fixture       *f,
                     gconstpointer  data)
{
#ifdef G_OS_UNIX
  if (getuid () != 0)
    {
      g_autofree char *locked = g_build_filename (f->dir, "locked", NULL);
      g_autofree char *fresh = g_build_filename (locked, "new.txt", NULL);
      g_autofree char *old = g_build_filename (locked, "old.txt", NULL);
      g_autofree char *new_says = g_strdup_printf ("permission denied to create files in the folder “%s”", locked);
      g_autofree char *old_says = g_strdup_printf ("permission denied to create files in its folder “%s”", locked);

      g_assert_cmpint (g_mkdir (locked, 0700), ==, 0);
      g_assert_true (g_file_set_contents (old, "keep me\n", -1, NULL));
      g_assert_cmpint (g_chmod (locked, 0500), ==, 0);
      expect_refused (fresh, G_IO_ERROR_PERMISSION_DENIED, new_says);
      expect_refused (old, G_IO_ERROR_PERMISSION_DENIED, old_says);
      g_assert_cmpint (g_chmod (locked, 0700), ==, 0);
    }
  else
    g_test_message ("running as root: a folder of our own cannot refuse; /sys can");

  /* Linux's own folders that refuse everyone, root too (when mounted
   * read-write: a container's read-only /sys says "read-only" instead). */
  if (g_file_test ("/sys/kernel", G_FILE_TEST_IS_DIR) && g_access ("/sys/kernel", W_OK) == 0)
    {
      expect_refused ("/sys/kernel/healer-test.txt", G_IO_ERROR_PERMISSION_DENIED,
                      "permission denied to create files in the folder “/sys/kernel”");
      if (g_file_test ("/sys/kernel/uevent_seqnum", G_FILE_TEST_IS_REGULAR))
        expect_refused ("/sys/kernel/uevent_seqnum", G_IO_ERROR_PERMISSION_DENIED,
                        "its folder “/sys/kernel”; a file is replaced by a complete new one");
    }
  else
    g_test_message ("no /sys, or mounted read-only: its part is skipped");
  /* To root, /proc answers "no such file" (to others "permission denied"):
   * a folder that exists must not be called missing. */
  if (getuid () == 0 && g_file_test ("/proc/self", G_FILE_TEST_IS_DIR))
    expect_refused ("/proc/healer-test.txt", G_IO_ERROR_NOT_FOUND,
                    "the folder “/proc” does not take new files");
#else
  g_test_skip ("permission bits, /sys and /proc are POSIX");
#endif
}

static void
test_not_a_file_name (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  HealerOutput *out;

  /* The root has no parent to hold the temporary file. */
  out = healer_output_open ("/", &error);
  g_assert_null (out);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME);
  g_assert_nonnull (strstr (error->message, "/"));
}

/* The target is a non-empty folder: refused at once (no data is written
 * for nothing), naming the target, and nothing is left. */
static void
test_commit_fails (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *inside = g_build_filename (f->target, "keep", NULL);
  g_autofree char *listing = NULL;
  HealerOutput *out;

  g_assert_cmpint (g_mkdir (f->target, 0700), ==, 0);
  g_file_set_contents (inside, "x", -1, &error);
  g_assert_no_error (error);

  out = healer_output_open (f->target, &error);
  g_assert_null (out);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_test_message ("message: %s", error->message);
  g_assert_nonnull (strstr (error->message, f->target));

  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "out.txt");
  assert_file_equals (inside, "x", 1);
}

static void
test_autoptr_aborts (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *listing = NULL;

  {
    g_autoptr (GError) error = NULL;
    g_autoptr (HealerOutput) out = healer_output_open (f->target, &error);
    g_autofree char *part = NULL;

    g_assert_no_error (error);
    g_assert_true (healer_output_printf (out, &error, "%d\n", 1));
    g_assert_no_error (error);
    part = find_part (f->dir);
    g_assert_nonnull (part);
  }

  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "");
}

/* Two writers to the same target do not share a temporary file; the last
 * commit wins with its whole content. */
static void
test_two_writers (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *listing = NULL;
  HealerOutput *a, *b;

  a = healer_output_open (f->target, &error);
  g_assert_no_error (error);
  b = healer_output_open (f->target, &error);
  g_assert_no_error (error);
  g_assert_true (healer_output_write (a, "first", 5, &error));
  g_assert_true (healer_output_write (b, "second", 6, &error));
  g_assert_true (healer_output_commit (a, &error));
  g_assert_no_error (error);
  assert_file_equals (f->target, "first", 5);
  g_assert_true (healer_output_commit (b, &error));
  g_assert_no_error (error);
  assert_file_equals (f->target, "second", 6);

  listing = list_dir (f->dir);
  g_assert_cmpstr (listing, ==, "out.txt");
}

#ifdef G_OS_UNIX
typedef struct
{
  char    *path;
  GString *got;
} FifoReader;

static gpointer
read_fifo (gpointer data)
{
  FifoReader *r = data;
  g_autofree char *contents = NULL;
  gsize len = 0;

  /* Blocks until the writer opens its end, returns when it closes it. */
  g_assert_true (g_file_get_contents (r->path, &contents, &len, NULL));
  g_string_append_len (r->got, contents, len);
  return NULL;
}
#endif

/* A FIFO, a character device: written in place, never replaced. */
static void
test_special_targets (Fixture       *f,
                      gconstpointer  data)
{
#ifdef G_OS_UNIX
  g_autoptr (GError) error = NULL;
  g_autofree char *fifo = g_build_filename (f->dir, "fifo", NULL);
  g_autofree char *device = NULL;
  g_autofree char *full = NULL;
  g_autoptr (GString) expected = g_string_new (NULL);
  FifoReader reader = { fifo, g_string_new (NULL) };
  GThread *thread;
  HealerOutput *out;
  struct stat st;

  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  thread = g_thread_new ("fifo-reader", read_fifo, &reader);
  out = healer_output_open (fifo, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 20000; i++)
    {
      g_string_append_printf (expected, "line %u\n", i);
      g_assert_true (healer_output_printf (out, &error, "line %u\n", i));
    }
  g_assert_true (healer_output_commit (out, &error));
  g_assert_no_error (error);
  g_thread_join (thread);
  g_assert_cmpmem (reader.got->str, reader.got->len, expected->str, expected->len);
  g_string_free (reader.got, TRUE);
  g_assert_cmpint (lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  assert_listing (f->dir, "fifo");

  /* As root a rename would turn /dev/null into a regular file: root
   * tests on a null device of its own, anyone else on the real one. */
  if (getuid () == 0)
    {
      /* The same for /dev/full, which a regression would replace too. */
      device = g_build_filename (f->dir, "null", NULL);
      full = g_build_filename (f->dir, "full", NULL);
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
  out = healer_output_open (device, &error);
  g_assert_no_error (error);
  g_assert_true (healer_output_write (out, "discarded\n", 10, &error));
  g_assert_true (healer_output_commit (out, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat (device, &st), ==, 0);
  g_assert_true (S_ISCHR (st.st_mode));

  /* A device that fails: the reason, and the user's name for it. */
  if (g_file_test (full, G_FILE_TEST_EXISTS))
    {
      out = healer_output_open (full, &error);
      g_assert_no_error (error);
      g_assert_true (healer_output_write (out, "x", 1, &error));
      g_assert_false (healer_output_commit (out, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
      g_assert_nonnull (strstr (error->message, full));
      g_assert_cmpint (stat (full, &st), ==, 0);
      g_assert_true (S_ISCHR (st.st_mode));
    }
#else
  g_test_skip ("FIFOs and device nodes are POSIX");
#endif
}

/* A symbolic link stays a link to the replaced file; a replaced file keeps
 * its permission bits; a dangling link gets its file. */
static void
test_links_and_modes (Fixture       *f,
                      gconstpointer  data)
{
#ifdef G_OS_UNIX
  g_autoptr (GError) error = NULL;
  g_autofree char *sub = g_build_filename (f->dir, "sub", NULL);
  g_autofree char *real = g_build_filename (sub, "real.txt", NULL);
  g_autofree char *link = g_build_filename (f->dir, "link.txt", NULL);
  g_autofree char *dangling = g_build_filename (f->dir, "dangling.txt", NULL);
  g_autofree char *absent = g_build_filename (sub, "absent.txt", NULL);
  g_autofree char *target = NULL;
  HealerOutput *out;
  struct stat st;

  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_file_set_contents (real, "old\n", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (chmod (real, 0640), ==, 0);
  g_assert_cmpint (symlink ("sub/real.txt", link), ==, 0);

  out = healer_output_open (link, &error);
  g_assert_no_error (error);
  g_assert_true (healer_output_write (out, "new\n", 4, &error));
  g_assert_true (healer_output_commit (out, &error));
  g_assert_no_error (error);

  g_assert_cmpint (lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  target = g_file_read_link (link, &error);
  g_assert_cmpstr (target, ==, "sub/real.txt");
  assert_file_equals (real, "new\n", 4);
  g_assert_cmpint (stat (real, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0640);
  assert_listing (sub, "real.txt");

  /* Private stays private. */
  g_assert_cmpint (chmod (real, 0600), ==, 0);
  g_assert_true (healer_output_set_contents (real, "again\n", 6, &error));
  g_assert_no_error (error);
  g_assert_cmpint (stat (real, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 07777, ==, 0600);

  g_assert_cmpint (symlink ("sub/absent.txt", dangling), ==, 0);
  g_assert_true (healer_output_set_contents (dangling, "made\n", 5, &error));
  g_assert_no_error (error);
  g_assert_cmpint (lstat (dangling, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  assert_file_equals (absent, "made\n", 5);
  assert_listing (sub, "absent.txt real.txt");
#else
  g_test_skip ("symbolic links and permission bits are POSIX");
#endif
}

/* A target name as long as a name may be: its temporary name must not be
 * longer, whether the target is new or replaced. */
static void
test_long_name (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *base = g_strnfill (255, 'n');
  g_autofree char *path = g_build_filename (f->dir, base, NULL);

  g_assert_true (healer_output_set_contents (path, "one", 3, &error));
  g_assert_no_error (error);
  assert_file_equals (path, "one", 3);
  g_assert_true (healer_output_set_contents (path, "two", 3, &error));
  g_assert_no_error (error);
  assert_file_equals (path, "two", 3);
  assert_listing (f->dir, base);
}

/* What a SIGINT handler does: the temporary file of an output in
 * progress is gone (named), or never had a name (unnamed). */
static void
test_remove_temporaries (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *big = g_strnfill (MIB + 1, 'b');
  HealerOutput *out = healer_output_open (f->target, &error);

  g_assert_no_error (error);
  g_assert_true (healer_output_write (out, big, MIB + 1, &error));
  if (f->named)
    {
      g_autofree char *part = find_part (f->dir);

      g_assert_nonnull (part);
    }
  healer_output_remove_temporaries ();
  assert_listing (f->dir, "");
  healer_output_abort (out);
  assert_listing (f->dir, "");
}

/* healer_csv_append_fixed6 writes what "%.6f" writes, bit for bit: random
 * floats over [0, 1] and its small end, every tie a float can hold (k/128:
 * the only ones, since 10⁶ = 2⁶ · 5⁶), the ends, and values it hands to
 * printf (negative, above 1, -0, NaN, infinities). */
static void
check_fixed6 (float value)
{
  g_autoptr(GString) fast = g_string_new (NULL);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  healer_csv_append_fixed6 (fast, value);
  g_assert_cmpstr (fast->str, ==, g_ascii_formatd (buf, sizeof buf, "%.6f", value));
}

static void
test_fixed6 (void)
{
  static const float specials[] = { 0.0f, 1.0f, -0.0f, 1e-45f, 5e-7f, 4.9999997e-7f,
                                    5.0000006e-7f, 0.9999995f, 0.99999946f, 0.99999952f,
                                    1.0000001f, -1e-9f, 2.0f, 1e30f };
  g_autoptr(GRand) rand = g_rand_new_with_seed (6);

  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    check_fixed6 (specials[i]);
  check_fixed6 (NAN);
  check_fixed6 (INFINITY);
  check_fixed6 (-INFINITY);
  for (int k = 0; k <= 128; k++)
    check_fixed6 ((float) k / 128.0f);
  for (int i = 0; i < 200000; i++)
    {
      guint32 bits = g_rand_int_range (rand, 0, 0x3f800001);  /* 0 … 1.0f */
      float value;

      memcpy (&value, &bits, sizeof value);
      check_fixed6 (value);
      check_fixed6 ((float) g_rand_double (rand));
    }
}

/* healer_csv_append_int writes what "%" G_GINT64_FORMAT writes: both ends
 * of gint64 (−2⁶³ has no positive counterpart), every power of ten and its
 * neighbours, and random values of every magnitude. */
static void
check_int (gint64 value)
{
  g_autoptr(GString) fast = g_string_new ("x");
  g_autofree char *slow = g_strdup_printf ("x%" G_GINT64_FORMAT, value);

  healer_csv_append_int (fast, value);
  g_assert_cmpstr (fast->str, ==, slow);
}

static void
test_append_int (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  gint64 power = 1;

  check_int (0);
  check_int (G_MININT64);
  check_int (G_MAXINT64);
  check_int (G_MININT64 + 1);
  check_int (G_MININT32);
  check_int (G_MAXINT32);
  /* 10⁰ … 10¹⁸: the next power is past G_MAXINT64. */
  for (int d = 0; d < 19; d++)
    {
      if (d > 0)
        power *= 10;
      for (gint64 delta = -1; delta <= 1; delta++)
        {
          check_int (power + delta);
          check_int (-(power + delta));
        }
    }
  for (int i = 0; i < 100000; i++)
    {
      gint64 value = (gint64) (((guint64) g_rand_int (rand) << 32) | g_rand_int (rand));

      check_int (value);
      check_int (value >> g_rand_int_range (rand, 0, 63));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, fn)                                                                      \
  G_STMT_START {                                                                           \
    g_test_add ("/output/" path, Fixture, GINT_TO_POINTER (FALSE), fixture_setup, fn,       \
                fixture_teardown);                                                          \
    g_test_add ("/output/named/" path, Fixture, GINT_TO_POINTER (TRUE), fixture_setup, fn, \
                fixture_teardown);                                                          \
  } G_STMT_END

  ADD ("commit", test_commit);
  ADD ("empty", test_empty);
  ADD ("abort", test_abort);
  ADD ("replace", test_replace);
  ADD ("missing-folder", test_missing_folder);
  ADD ("folder-refuses", test_folder_refuses);
  ADD ("not-a-file-name", test_not_a_file_name);
  ADD ("commit-fails", test_commit_fails);
  ADD ("autoptr-aborts", test_autoptr_aborts);
  ADD ("two-writers", test_two_writers);
  ADD ("special-targets", test_special_targets);
  ADD ("links-and-modes", test_links_and_modes);
  ADD ("long-name", test_long_name);
  ADD ("remove-temporaries", test_remove_temporaries);

#undef ADD
  g_test_add_func ("/output/fixed6", test_fixed6);
  g_test_add_func ("/output/append-int", test_append_int);

  return g_test_run ();
}
