/* healer-output.c — streamed output that replaces its target only when complete
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* O_TMPFILE and linkat() are GNU extensions of <fcntl.h>. */
#ifndef _GNU_SOURCE
# define _GNU_SOURCE
#endif

#include "config.h"

#include <math.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#ifdef G_OS_WIN32
# include <fcntl.h>
# include <io.h>
#else
# include <fcntl.h>
# include <sys/stat.h>
# include <unistd.h>
#endif

#include "healer-output.h"

#define FLUSH_SIZE (1024 * 1024)
/* The longest file name of the usual file systems (NAME_MAX on Linux):
 * whatever the target's name, its temporary name must stay within it. */
#define MAX_NAME_BYTES 255
#define MAX_SYMLINKS 40
/* Temporary names a signal handler can find; an output opened while all
 * are taken still works, it is only not cleaned up on a signal. */
#define MAX_PENDING 16
#define MAX_PENDING_PATH 4096

typedef enum
{
  KIND_STDOUT,     /* "-" */
  KIND_IN_PLACE,   /* a device, a FIFO, an open descriptor: written where it is */
  KIND_TMPFILE,    /* Linux: a file without a name in the target's folder, linked in at commit */
  KIND_NAMED,      /* portable: a hidden temporary name beside the target, renamed at commit */
} OutputKind;

struct _HealerOutput
{
  OutputKind     kind;
  int            fd;          /* KIND_IN_PLACE, KIND_TMPFILE */
  char          *target;      /* the file commit replaces, symbolic links followed */
  gboolean       replacing;   /* @target existed when the output was opened */
  GFile         *temp;        /* KIND_NAMED */
  GOutputStream *stream;      /* KIND_NAMED */
  int            slot;        /* KIND_NAMED: in pending_paths, or -1 */
  GString       *buffer;
  char          *display;     /* the path as the user gave it, for messages */
};

/* Temporary names, readable from a signal handler: a slot's path is
 * written while its state is CLAIMED and only read while it is LIVE. */
enum { SLOT_FREE, SLOT_CLAIMED, SLOT_LIVE };
static int  pending_state[MAX_PENDING];
static char pending_paths[MAX_PENDING][MAX_PENDING_PATH];

static int
pending_add (const char *path)
{
  if (strlen (path) >= MAX_PENDING_PATH)
    return -1;
  for (int i = 0; i < MAX_PENDING; i++)
    if (g_atomic_int_compare_and_exchange (&pending_state[i], SLOT_FREE, SLOT_CLAIMED))
      {
        strcpy (pending_paths[i], path);
        g_atomic_int_set (&pending_state[i], SLOT_LIVE);
        return i;
      }
  return -1;
}

static void
pending_remove (int slot)
{
  if (slot < 0)
    return;
  g_atomic_int_set (&pending_state[slot], SLOT_CLAIMED);
  g_atomic_int_set (&pending_state[slot], SLOT_FREE);
}

void
healer_output_remove_temporaries (void)
{
  for (int i = 0; i < MAX_PENDING; i++)
    if (g_atomic_int_get (&pending_state[i]) == SLOT_LIVE)
      {
#ifdef G_OS_UNIX
        unlink (pending_paths[i]);
#else
        remove (pending_paths[i]);
#endif
      }
}

/* Creating, linking and renaming are the folder's business: when one of
 * them fails, say what is wrong with the folder, by name. (GIO's own
 * messages name the temporary file, which would only puzzle the user.)
 */
typedef enum
{
  STEP_CREATE,          /* a new file in the folder, the target new */
  STEP_CREATE_BESIDE,   /* a new file beside a target it is to replace */
  STEP_RENAME,          /* the complete new file renamed over the target */
} FolderStep;

static char *
folder_reason (int          code,
               const char  *dir,
               FolderStep   step,
               const char  *message)
{
  g_autofree char *folder = g_filename_display_name (dir);
  g_autofree char *reason = NULL;
  gboolean replacing = step != STEP_CREATE;

  if (step == STEP_RENAME && code == G_IO_ERROR_PERMISSION_DENIED)
    {
      /* The new file was made in the folder, so the folder takes files:
       * what refused is replacing this one, as in a shared folder like
       * /tmp (sticky: only a file's owner may replace it). */
#ifdef G_OS_UNIX
      GStatBuf st;

      if (g_stat (dir, &st) == 0 && (st.st_mode & S_ISVTX))
        reason = g_strdup_printf (_("its folder “%s” lets only a file's owner replace it"),
                                  folder);
      else
#endif
        reason = g_strdup_printf (_("permission denied to replace it in its folder “%s”"),
                                  folder);
    }
  else if (code == G_IO_ERROR_NOT_FOUND && !g_file_test (dir, G_FILE_TEST_IS_DIR))
    reason = g_strdup_printf (_("its folder “%s” does not exist"), folder);
  else if (code == G_IO_ERROR_NOT_FOUND)
    /* /proc and the like: the folder is there, but makes no new files */
    reason = g_strdup_printf (_("the folder “%s” does not take new files"), folder);
  else if (code == G_IO_ERROR_PERMISSION_DENIED && replacing)
    /* The file itself may well be writable: say why that is not enough. */
    reason = g_strdup_printf (_("permission denied to create files in its folder “%s”; "
                                "a file is replaced by a complete new one written beside "
                                "it, so that it is never left half-written"), folder);
  else if (code == G_IO_ERROR_PERMISSION_DENIED)
    reason = g_strdup_printf (_("permission denied to create files in the folder “%s”"),
                              folder);
  else if (code == G_IO_ERROR_NO_SPACE)
    reason = g_strdup (g_strerror (ENOSPC));
  else
    reason = g_strdup (message);
  return g_steal_pointer (&reason);
}

/* @format has two %s: the user's path and the reason. */
#define set_folder_error(error, code, format, display, dir, step, message)       \
  G_STMT_START {                                                                  \
    int code_ = (code);                                                           \
    char *reason_ = folder_reason (code_, (dir), (step), (message));             \
                                                                                  \
    g_set_error ((error), G_IO_ERROR, code_, format, (display), reason_);         \
    g_free (reason_);                                                             \
  } G_STMT_END

#define set_errno_folder_error(error, saved_errno, format, display, dir, step)  \
  set_folder_error ((error), g_io_error_from_errno (saved_errno), format, (display), \
                    (dir), (step), g_strerror (saved_errno))

/* @format has two %s: the user's path and the reason. */
#define set_errno_error(error, saved_errno, format, display)                     \
  G_STMT_START {                                                                  \
    int errno_ = (saved_errno);                                                   \
    int code_ = g_io_error_from_errno (errno_);                                   \
                                                                                  \
    g_set_error ((error), G_IO_ERROR, code_, format, (display),                   \
                 code_ == G_IO_ERROR_NOT_FOUND ? _("its folder does not exist")   \
                                               : g_strerror (errno_));            \
  } G_STMT_END

/* A temporary name in @dir for @base: hidden, random, and never longer than
 * a file name may be, however long @base is. */
static char *
temp_path (const char *dir,
           const char *base)
{
  g_autofree char *uuid = g_uuid_string_random ();
  gsize room = MAX_NAME_BYTES - strlen (".") - 1 - 8 - strlen (".part");
  gsize keep = MIN (strlen (base), room);
  g_autofree char *name = NULL;

  /* Cut at a character boundary where the name is UTF-8. */
  while (keep > 0 && keep < strlen (base) && (base[keep] & 0xc0) == 0x80)
    keep--;
  name = g_strdup_printf (".%.*s.%.8s.part", (int) keep, base, uuid);
  return g_build_filename (dir, name, NULL);
}

#ifdef G_OS_UNIX
static gboolean
write_fd (int          fd,
          const char  *data,
          gsize        len)
{
  while (len > 0)
    {
      gssize n = write (fd, data, MIN (len, (gsize) G_MAXSSIZE));

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          if (n == 0)
            errno = EIO;
          return FALSE;
        }
      data += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* When @path is the entry of an open descriptor in /proc (/proc/self/fd/N,
 * /dev/fd/N, which is /proc/self/fd/N), its number when it is one of ours,
 * -2 when it is another process's, -1 otherwise. */
static int
proc_fd_entry (const char *path)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *real = NULL;
  g_auto(GStrv) parts = NULL;
  guint n;
  char *end;
  long fd;

  if (!g_ascii_isdigit (base[0]))
    return -1;
  fd = strtol (base, &end, 10);
  if (*end != '\0' || fd > G_MAXINT)
    return -1;
  real = realpath (dir, NULL);
  if (real == NULL || !g_str_has_prefix (real, "/proc/"))
    return -1;
  /* /proc/PID/fd or /proc/PID/task/TID/fd */
  parts = g_strsplit (real + strlen ("/proc/"), "/", -1);
  n = g_strv_length (parts);
  if (!((n == 2 && strcmp (parts[1], "fd") == 0) ||
        (n == 4 && strcmp (parts[1], "task") == 0 && strcmp (parts[3], "fd") == 0)))
    return -1;
  return strtol (parts[0], NULL, 10) == (long) getpid () ? (int) fd : -2;
}

/* Follows the symbolic links of @path to the file it names (which need not
 * exist). Stops early, setting *@in_place, at a target that must be written
 * where it is: one of our descriptors (*@fd set to it) or another
 * process's descriptor that is not a regular file. */
static char *
follow_links (const char  *path,
              gboolean    *in_place,
              int         *fd,
              GError     **error)
{
  g_autofree char *current = g_strdup (path);

  *in_place = FALSE;
  *fd = -1;
  for (guint hops = 0;; hops++)
    {
      g_autofree char *link = NULL;
      struct stat st;
      int entry = proc_fd_entry (current);

      if (entry >= 0 ||
          (entry == -2 && stat (current, &st) == 0 && !S_ISREG (st.st_mode)))
        {
          *in_place = TRUE;
          *fd = entry;
          return g_steal_pointer (&current);
        }
      if (lstat (current, &st) != 0 || !S_ISLNK (st.st_mode))
        return g_steal_pointer (&current);
      if (hops == MAX_SYMLINKS)
        {
          errno = ELOOP;
          return NULL;
        }
      link = g_file_read_link (current, error);
      if (link == NULL)
        return NULL;
      if (!g_path_is_absolute (link))
        {
          g_autofree char *dir = g_path_get_dirname (current);

          g_free (current);
          current = g_build_filename (dir, link, NULL);
        }
      else
        {
          g_free (current);
          current = g_steal_pointer (&link);
        }
    }
}

/* Opens a target that is not a regular file: in place. */
static gboolean
open_in_place (HealerOutput  *self,
               const char    *path,
               int            fd,
               GError       **error)
{
  if (fd >= 0)
    {
      int flags = fcntl (fd, F_GETFL);

      /* Our own descriptor (/dev/stdout and the like): written through a
       * copy, at its offset, in its mode (appending stays appending). */
      if (flags == -1 || (flags & O_ACCMODE) == O_RDONLY)
        {
          set_errno_error (error, EBADF, _("Could not write “%s”: %s"), self->display);
          return FALSE;
        }
      self->fd = fcntl (fd, F_DUPFD_CLOEXEC, 3);
    }
  else
    self->fd = open (path, O_WRONLY | O_NOCTTY | O_CLOEXEC);

  if (self->fd < 0)
    {
      set_errno_error (error, errno, _("Could not open “%s”: %s"), self->display);
      return FALSE;
    }
  self->kind = KIND_IN_PLACE;
  return TRUE;
}

static gboolean
tmpfile_available (void)
{
#if defined(__linux__) && defined(O_TMPFILE)
  /* The commit links the file in through /proc/self/fd; without /proc
   * (a bare chroot) the named temporary file is the way. The variable
   * lets the tests exercise that portable path on Linux too. */
  return g_getenv ("HEALER_OUTPUT_NO_TMPFILE") == NULL && access ("/proc/self/fd", X_OK) == 0;
#else
  return FALSE;
#endif
}

/* The replaced file's permission bits (and owner, where allowed) for its
 * replacement: a private file must not become readable by everyone. */
static void
keep_mode (HealerOutput    *self,
           const struct stat *old)
{
  if (self->kind == KIND_TMPFILE)
    {
      if (fchown (self->fd, old->st_uid, old->st_gid) != 0)
        { /* only root may give a file away; the bits still apply */ }
      if (fchmod (self->fd, old->st_mode & 07777) != 0)
        { /* the file's own mode, as created, is the fallback */ }
    }
  else if (self->temp != NULL)
    {
      g_autofree char *path = g_file_get_path (self->temp);

      if (path != NULL && chown (path, old->st_uid, old->st_gid) != 0)
        { /* as above */ }
      if (path != NULL)
        g_chmod (path, old->st_mode & 07777);
    }
}
#endif

static gboolean
open_named (HealerOutput  *self,
            const char    *dir,
            const char    *base,
            GError       **error)
{
  g_autoptr(GFile) parent = g_file_new_for_path (dir);

  for (guint attempt = 0; self->stream == NULL; attempt++)
    {
      g_autofree char *path = temp_path (dir, base);
      g_autoptr(GError) local_error = NULL;

      g_clear_object (&self->temp);
      self->temp = g_file_new_for_path (path);
      /* Registered before it exists: a signal right after the creation
       * must find it. (The name is random: it is nobody else's file.) */
      self->slot = pending_add (path);
      self->stream = G_OUTPUT_STREAM (g_file_create (self->temp, G_FILE_CREATE_NONE,
                                                     NULL, &local_error));
      if (self->stream == NULL)
        {
          pending_remove (self->slot);
          self->slot = -1;
        }
      if (self->stream == NULL &&
          (attempt > 8 || !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS)))
        {
          int code = local_error->domain == G_IO_ERROR ? local_error->code : G_IO_ERROR_FAILED;

          set_folder_error (error, code, _("Could not create “%s”: %s"), self->display,
                            dir, self->replacing ? STEP_CREATE_BESIDE : STEP_CREATE,
                            local_error->message);
          g_clear_object (&self->temp);
          return FALSE;
        }
    }
  self->kind = KIND_NAMED;
  return TRUE;
}

HealerOutput *
healer_output_open (const char  *path,
                    GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  HealerOutput *self;
  GStatBuf st;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (HealerOutput, 1);
  self->fd = -1;
  self->slot = -1;
  self->buffer = g_string_sized_new (FLUSH_SIZE + 4096);

  if (g_strcmp0 (path, "-") == 0)
    {
#ifdef G_OS_WIN32
      _setmode (_fileno (stdout), _O_BINARY);
#endif
      self->kind = KIND_STDOUT;
      self->display = g_strdup (_("standard output"));
      return self;
    }

  self->display = g_filename_display_name (path);

#ifdef G_OS_UNIX
  {
    gboolean in_place;
    int fd;

    self->target = follow_links (path, &in_place, &fd, error);
    if (self->target == NULL)
      {
        if (error != NULL && *error == NULL)
          set_errno_error (error, errno, _("Could not open “%s”: %s"), self->display);
        else
          g_prefix_error (error, _("Could not open “%s”: "), self->display);
        goto fail;
      }
    if (in_place)
      {
        if (!open_in_place (self, self->target, fd, error))
          goto fail;
        g_clear_pointer (&self->target, g_free);
        return self;
      }
  }
#else
  self->target = g_strdup (path);
#endif

  base = g_path_get_basename (self->target);
  dir = g_path_get_dirname (self->target);
  if (*path == '\0' || strcmp (base, G_DIR_SEPARATOR_S) == 0 || strcmp (base, ".") == 0 ||
      strcmp (base, "..") == 0 || g_str_has_suffix (path, G_DIR_SEPARATOR_S))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("“%s” is not a file name"), self->display);
      goto fail;
    }

  if (g_stat (self->target, &st) == 0)
    {
      if (S_ISDIR (st.st_mode))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                       _("Could not create “%s”: %s"), self->display, _("it is a folder"));
          goto fail;
        }
#ifdef G_OS_UNIX
      /* A device, a FIFO: written in place, never replaced by a file. */
      if (!S_ISREG (st.st_mode))
        {
          if (!open_in_place (self, self->target, -1, error))
            goto fail;
          g_clear_pointer (&self->target, g_free);
          return self;
        }
#endif
      self->replacing = TRUE;
    }

  /* The temporary file lives in the target's folder so that the final
   * rename stays on one file system and is atomic. */
#if defined(__linux__) && defined(O_TMPFILE)
  if (tmpfile_available ())
    {
      self->fd = open (dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
      if (self->fd >= 0)
        self->kind = KIND_TMPFILE;
      else if (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL && errno != ENOSYS)
        {
          set_errno_folder_error (error, errno, _("Could not create “%s”: %s"), self->display,
                                  dir, self->replacing ? STEP_CREATE_BESIDE : STEP_CREATE);
          goto fail;
        }
    }
#endif
  if (self->fd < 0 && !open_named (self, dir, base, error))
    goto fail;

#ifdef G_OS_UNIX
  if (self->replacing)
    keep_mode (self, (const struct stat *) &st);
#endif
  return self;

fail:
  healer_output_abort (self);
  return NULL;
}

static gboolean
write_now (HealerOutput  *self,
           const char    *data,
           gsize          len,
           GError       **error)
{
  if (len == 0)
    return TRUE;

  switch (self->kind)
    {
    case KIND_STDOUT:
      /* Flushed at once: a pipeline sees each piece as it is written. */
      if (fwrite (data, 1, len, stdout) != len || fflush (stdout) != 0)
        {
          int saved_errno = errno;

          /* Reported here, through @error: not a second time by a
           * program that checks stdout when it ends. */
          clearerr (stdout);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not write to standard output: %s"), g_strerror (saved_errno));
          return FALSE;
        }
      return TRUE;

    case KIND_IN_PLACE:
    case KIND_TMPFILE:
#ifdef G_OS_UNIX
      if (!write_fd (self->fd, data, len))
        {
          set_errno_error (error, errno, _("Could not write “%s”: %s"), self->display);
          return FALSE;
        }
#endif
      return TRUE;

    case KIND_NAMED:
    default:
      if (!g_output_stream_write_all (self->stream, data, len, NULL, NULL, error))
        {
          g_prefix_error (error, _("Could not write “%s”: "), self->display);
          return FALSE;
        }
      return TRUE;
    }
}

static gboolean
flush_buffer (HealerOutput  *self,
              GError       **error)
{
  if (!write_now (self, self->buffer->str, self->buffer->len, error))
    return FALSE;
  g_string_truncate (self->buffer, 0);
  return TRUE;
}

gboolean
healer_output_write (HealerOutput  *self,
                     const char    *data,
                     gsize          len,
                     GError       **error)
{
  /* A large piece goes out directly rather than through a copy. */
  if (len >= FLUSH_SIZE)
    return flush_buffer (self, error) && write_now (self, data, len, error);

  g_string_append_len (self->buffer, data, len);
  if (self->buffer->len >= FLUSH_SIZE)
    return flush_buffer (self, error);
  return TRUE;
}

gboolean
healer_output_flush (HealerOutput  *self,
                     GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  /* write_now pushes standard output through stdio's buffer too. */
  return flush_buffer (self, error);
}

gboolean
healer_output_printf (HealerOutput  *self,
                      GError       **error,
                      const char    *format,
                      ...)
{
  va_list args;

  va_start (args, format);
  g_string_append_vprintf (self->buffer, format, args);
  va_end (args);

  if (self->buffer->len >= FLUSH_SIZE)
    return flush_buffer (self, error);
  return TRUE;
}

static void
healer_output_free (HealerOutput *self)
{
  pending_remove (self->slot);
  g_clear_object (&self->stream);
  g_clear_object (&self->temp);
  g_free (self->target);
  g_string_free (self->buffer, TRUE);
  g_free (self->display);
  g_free (self);
}

#if defined(__linux__) && defined(O_TMPFILE)
/* Gives the unnamed file its name: directly when the target does not exist,
 * else under a temporary name renamed over the target. That name lives for
 * two system calls, registered for the signal handler meanwhile. */
static gboolean
link_tmpfile (HealerOutput  *self,
              GError       **error)
{
  g_autofree char *proc = g_strdup_printf ("/proc/self/fd/%d", self->fd);
  g_autofree char *dir = g_path_get_dirname (self->target);
  g_autofree char *base = g_path_get_basename (self->target);

  if (!self->replacing)
    {
      if (linkat (AT_FDCWD, proc, AT_FDCWD, self->target, AT_SYMLINK_FOLLOW) == 0)
        return TRUE;
      if (errno != EEXIST)
        {
          set_errno_folder_error (error, errno, _("Could not create “%s”: %s"), self->display,
                                  dir, STEP_CREATE);
          return FALSE;
        }
    }

  for (guint attempt = 0;; attempt++)
    {
      g_autofree char *temp = temp_path (dir, base);
      int slot = pending_add (temp);
      int saved_errno;

      if (linkat (AT_FDCWD, proc, AT_FDCWD, temp, AT_SYMLINK_FOLLOW) != 0)
        {
          saved_errno = errno;
          pending_remove (slot);
          if (saved_errno == EEXIST && attempt < 8)
            continue;
          set_errno_folder_error (error, saved_errno, _("Could not replace “%s”: %s"),
                                  self->display, dir, STEP_CREATE_BESIDE);
          return FALSE;
        }
      if (rename (temp, self->target) != 0)
        {
          saved_errno = errno;
          unlink (temp);
          pending_remove (slot);
          set_errno_folder_error (error, saved_errno, _("Could not replace “%s”: %s"),
                                  self->display, dir, STEP_RENAME);
          return FALSE;
        }
      pending_remove (slot);
      return TRUE;
    }
}
#endif

gboolean
healer_output_commit (HealerOutput  *self,
                      GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!flush_buffer (self, error))
    goto fail;

  switch (self->kind)
    {
    case KIND_STDOUT:
      if (fflush (stdout) != 0)
        {
          int saved_errno = errno;

          clearerr (stdout);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("Could not write to standard output: %s"), g_strerror (saved_errno));
          goto fail;
        }
      break;

#ifdef G_OS_UNIX
    case KIND_IN_PLACE:
      {
        int fd = self->fd;

        self->fd = -1;
        if (close (fd) != 0 && errno != EINTR)
          {
            set_errno_error (error, errno, _("Could not write “%s”: %s"), self->display);
            goto fail;
          }
      }
      break;
#endif

#if defined(__linux__) && defined(O_TMPFILE)
    case KIND_TMPFILE:
      /* On disk before it replaces anything, as g_file_set_contents()
       * does: a crash must not leave an empty file where a good one was. */
      if (self->replacing && fsync (self->fd) != 0 && errno != EINVAL)
        {
          set_errno_error (error, errno, _("Could not write “%s”: %s"), self->display);
          goto fail;
        }
      if (!link_tmpfile (self, error))
        goto fail;
      close (self->fd);
      self->fd = -1;
      break;
#endif

    case KIND_NAMED:
    default:
      if (!g_output_stream_close (self->stream, NULL, error))
        {
          g_prefix_error (error, _("Could not write “%s”: "), self->display);
          goto fail;
        }
      {
        g_autoptr(GFile) target = g_file_new_for_path (self->target);
        g_autoptr(GError) local_error = NULL;

        if (!g_file_move (self->temp, target,
                          G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                          NULL, NULL, NULL, &local_error))
          {
            int code = local_error->domain == G_IO_ERROR ? local_error->code : G_IO_ERROR_FAILED;

            g_autofree char *dir = g_path_get_dirname (self->target);

            set_folder_error (error, code, _("Could not replace “%s”: %s"), self->display,
                              dir, STEP_RENAME, local_error->message);
            goto fail;
          }
        g_clear_object (&self->temp);
      }
      break;
    }

  healer_output_free (self);
  return TRUE;

fail:
  healer_output_abort (self);
  return FALSE;
}

void
healer_output_abort (HealerOutput *self)
{
  if (self == NULL)
    return;

#ifdef G_OS_UNIX
  /* An unnamed file vanishes with its descriptor. */
  if (self->fd >= 0)
    close (self->fd);
#endif
  if (self->stream != NULL)
    g_output_stream_close (self->stream, NULL, NULL);
  if (self->temp != NULL)
    g_file_delete (self->temp, NULL, NULL);

  healer_output_free (self);
}

gboolean
healer_output_set_contents (const char  *path,
                            const char  *contents,
                            gsize        length,
                            GError     **error)
{
  HealerOutput *out = healer_output_open (path, error);

  if (out == NULL)
    return FALSE;
  if (!healer_output_write (out, contents, length, error))
    {
      healer_output_abort (out);
      return FALSE;
    }
  return healer_output_commit (out, error);
}

void
healer_csv_append_field (GString    *line,
                         const char *field)
{
  if (strpbrk (field, ",\"\r\n") == NULL)
    {
      g_string_append (line, field);
      return;
    }

  g_string_append_c (line, '"');
  for (const char *p = field; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

void
healer_csv_append_double (GString    *line,
                          const char *format,
                          double      value)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  g_string_append (line, g_ascii_formatd (buf, sizeof buf, format, value));
}

void
healer_csv_append_int (GString *line,
                       gint64   value)
{
  /* The magnitude as unsigned: −2⁶³ has no positive gint64. */
  guint64 magnitude = value < 0 ? (guint64) 0 - (guint64) value : (guint64) value;
  char buf[24];
  int d = sizeof buf;

  do
    {
      buf[--d] = (char) ('0' + magnitude % 10);
      magnitude /= 10;
    }
  while (magnitude > 0);
  if (value < 0)
    buf[--d] = '-';
  g_string_append_len (line, buf + d, (gssize) (sizeof buf - d));
}

void
healer_csv_append_fixed6 (GString *line,
                          float    value)
{
  double scaled, whole, frac;
  guint32 units;
  char buf[8];

  if (!(value >= 0.0f && value <= 1.0f) || signbit (value))
    {
      healer_csv_append_double (line, "%.6f", value);
      return;
    }
  /* A float has 24 significant bits and 10⁶ = 2⁶ · 15625 fourteen more, so
   * the product is exact in a double: its fraction tells a tie from a
   * near-tie exactly, as printf's exact decimal expansion does. */
  scaled = (double) value * 1e6;
  whole = floor (scaled);
  frac = scaled - whole;
  units = (guint32) whole;
  if (frac > 0.5 || (frac == 0.5 && (units & 1) != 0))
    units++;
  g_string_append_c (line, units >= 1000000 ? '1' : '0');
  units %= 1000000;
  buf[0] = '.';
  for (int d = 6; d >= 1; d--)
    {
      buf[d] = (char) ('0' + units % 10);
      units /= 10;
    }
  g_string_append_len (line, buf, 7);
}
