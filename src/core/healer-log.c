/* healer-log.c — the program's own log: stderr as usual, and a size-bounded file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "healer-log.h"

/* Everything below is under @log_lock: the writer runs on whichever thread
 * logs, and the tail is read from the UI thread. */
static GMutex   log_lock;
static char    *log_path;      /* set once by healer_log_init, then read-only */
static char    *log_old_path;  /* log_path + ".1" */
static FILE    *log_file;
static guint64  log_size;
static gboolean log_broken;    /* a write failed: stop trying, stderr goes on */

const char *
healer_log_get_path (void)
{
  return g_atomic_pointer_get (&log_path);
}

static const char *
level_name (GLogLevelFlags level)
{
  switch (level & G_LOG_LEVEL_MASK)
    {
    case G_LOG_LEVEL_ERROR:
      return "ERROR";
    case G_LOG_LEVEL_CRITICAL:
      return "CRITICAL";
    case G_LOG_LEVEL_WARNING:
      return "WARNING";
    case G_LOG_LEVEL_MESSAGE:
      return "MESSAGE";
    case G_LOG_LEVEL_INFO:
      return "INFO";
    case G_LOG_LEVEL_DEBUG:
      return "DEBUG";
    default:
      return "LOG";
    }
}

/* A field value, which may not be NUL-terminated, appended with line
 * breaks escaped so that one message stays one line. */
static void
append_value (GString        *line,
              const GLogField *field)
{
  const char *v = field->value;
  gsize len = field->length < 0 ? strlen (v) : (gsize) field->length;

  for (gsize i = 0; i < len; i++)
    {
      if (v[i] == '\n')
        g_string_append (line, "\\n");
      else if (v[i] == '\r')
        g_string_append (line, "\\r");
      else if (v[i] == '\0')
        g_string_append (line, "\\0");
      else
        g_string_append_c (line, v[i]);
    }
}

static GString *
format_line (GLogLevelFlags   level,
             const GLogField *fields,
             gsize            n_fields)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  const GLogField *message = NULL, *domain = NULL, *file = NULL, *line_no = NULL, *func = NULL;
  GString *line = g_string_new (NULL);
  gboolean extra = FALSE;

  for (gsize i = 0; i < n_fields; i++)
    {
      const char *key = fields[i].key;

      if (g_strcmp0 (key, "MESSAGE") == 0)
        message = &fields[i];
      else if (g_strcmp0 (key, "GLIB_DOMAIN") == 0)
        domain = &fields[i];
      else if (g_strcmp0 (key, "CODE_FILE") == 0)
        file = &fields[i];
      else if (g_strcmp0 (key, "CODE_LINE") == 0)
        line_no = &fields[i];
      else if (g_strcmp0 (key, "CODE_FUNC") == 0)
        func = &fields[i];
    }

  /* Microseconds are more than a log needs; milliseconds as in journald's
   * short-iso-precise output. */
  if (strlen (stamp) == strlen ("2026-01-01T00:00:00.000000Z"))
    {
      stamp[23] = 'Z';
      stamp[24] = '\0';
    }
  g_string_append_printf (line, "%s %s ", stamp, level_name (level));
  if (domain != NULL)
    append_value (line, domain);
  else
    g_string_append (line, "default");
  g_string_append (line, ": ");
  if (message != NULL)
    append_value (line, message);

  if (file != NULL || func != NULL)
    {
      g_string_append (line, " (");
      if (file != NULL)
        {
          append_value (line, file);
          if (line_no != NULL)
            {
              g_string_append_c (line, ':');
              append_value (line, line_no);
            }
        }
      if (func != NULL)
        {
          if (file != NULL)
            g_string_append_c (line, ' ');
          append_value (line, func);
        }
      g_string_append_c (line, ')');
    }

  /* Fields of our own (e.g. HEALER_FILE) come after, as KEY=value; GLib's
   * bookkeeping and binary fields are left out. */
  for (gsize i = 0; i < n_fields; i++)
    {
      const GLogField *f = &fields[i];

      if (f == message || f == domain || f == file || f == line_no || f == func ||
          g_strcmp0 (f->key, "PRIORITY") == 0 || g_str_has_prefix (f->key, "GLIB_") ||
          f->length > 4096)
        continue;
      g_string_append (line, extra ? " " : " [");
      extra = TRUE;
      g_string_append (line, f->key);
      g_string_append_c (line, '=');
      append_value (line, f);
    }
  if (extra)
    g_string_append_c (line, ']');
  g_string_append_c (line, '\n');
  return line;
}

/* Under @log_lock. The current file becomes the ".1" one. */
static void
rotate (void)
{
  fclose (log_file);
  log_file = NULL;
  /* rename() does not replace an existing file on Windows. */
  g_remove (log_old_path);
  g_rename (log_path, log_old_path);
  log_file = g_fopen (log_path, "wb");
  log_size = 0;
  if (log_file == NULL)
    log_broken = TRUE;
}

static void
write_line (const GString *line)
{
  g_mutex_lock (&log_lock);
  if (log_file != NULL && !log_broken)
    {
      if (log_size > 0 && log_size + line->len > HEALER_LOG_MAX_SIZE)
        rotate ();
      if (log_file != NULL)
        {
          /* One fwrite and a flush per line: a crash right after loses
           * nothing, and lines of different threads never interleave. */
          if (fwrite (line->str, 1, line->len, log_file) != line->len ||
              fflush (log_file) != 0)
            log_broken = TRUE;
          log_size += line->len;
        }
    }
  g_mutex_unlock (&log_lock);
}

static GLogWriterOutput
healer_log_writer (GLogLevelFlags   level,
                   const GLogField *fields,
                   gsize            n_fields,
                   gpointer         user_data)
{
  gboolean to_file = (level & G_LOG_LEVEL_MASK) != G_LOG_LEVEL_DEBUG;

  if (!to_file)
    {
      const char *domain = NULL;

      for (gsize i = 0; i < n_fields; i++)
        if (g_strcmp0 (fields[i].key, "GLIB_DOMAIN") == 0)
          domain = fields[i].value;
      to_file = !g_log_writer_default_would_drop (level, domain);
    }

  /* Written to the file first: the default writer aborts on fatal levels. */
  if (to_file && g_atomic_pointer_get (&log_path) != NULL)
    {
      g_autoptr(GString) line = format_line (level, fields, n_fields);

      write_line (line);
    }

  return g_log_writer_default (level, fields, n_fields, user_data);
}

void
healer_log_init (const char *program)
{
  static gsize initialised = 0;
  g_autofree char *dir = NULL;
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  GStatBuf st;

  g_return_if_fail (program != NULL && *program != '\0');

  if (!g_once_init_enter (&initialised))
    return;

  dir = g_build_filename (g_get_user_state_dir (), "systemhealer", NULL);
  name = g_strconcat (program, ".log", NULL);
  path = g_build_filename (dir, name, NULL);

  g_mutex_lock (&log_lock);
  if (g_mkdir_with_parents (dir, 0700) == 0)
    log_file = g_fopen (path, "ab");
  if (log_file != NULL)
    {
      log_size = g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
      log_old_path = g_strconcat (path, ".1", NULL);
      g_atomic_pointer_set (&log_path, g_steal_pointer (&path));
    }
  g_mutex_unlock (&log_lock);

  g_log_set_writer_func (healer_log_writer, NULL, NULL);
  g_once_init_leave (&initialised, 1);

  if (log_path == NULL)
    g_info ("no log file: could not create “%s” in “%s”", name, dir);
  else
    g_info ("%s %s started; log file “%s”, up to %u bytes before rotation",
            program, PACKAGE_VERSION, log_path, (guint) HEALER_LOG_MAX_SIZE);
}

/* The end of @path, up to @max_bytes, or NULL; @cut is set when the
 * file was longer. */
static char *
read_end (const char *path,
          gsize       max_bytes,
          gsize      *len,
          gboolean   *cut)
{
  g_autofree char *contents = NULL;
  gsize total;

  *len = 0;
  if (!g_file_get_contents (path, &contents, &total, NULL))
    return NULL;
  if (total <= max_bytes)
    {
      *len = total;
      return g_steal_pointer (&contents);
    }
  *len = max_bytes;
  *cut = TRUE;
  return g_memdup2 (contents + total - max_bytes, max_bytes);
}

char *
healer_log_read_tail (gsize max_bytes)
{
  g_autofree char *current = NULL;
  g_autofree char *older = NULL;
  gsize current_len = 0, older_len = 0;
  gboolean cut = FALSE;
  const char *path = healer_log_get_path ();
  GString *tail;
  const char *start, *end;

  if (path == NULL)
    return NULL;

  /* Under the lock so that no rotation happens between the two reads. */
  g_mutex_lock (&log_lock);
  current = read_end (path, max_bytes, &current_len, &cut);
  if (!cut)
    older = read_end (log_old_path, max_bytes - current_len, &older_len, &cut);
  g_mutex_unlock (&log_lock);

  tail = g_string_sized_new (older_len + current_len);
  if (older != NULL)
    g_string_append_len (tail, older, older_len);
  if (current != NULL)
    g_string_append_len (tail, current, current_len);

  /* Start at a line start unless the whole log fitted. */
  start = tail->str;
  end = tail->str + tail->len;
  if (cut)
    {
      const char *nl = memchr (start, '\n', tail->len);

      start = nl != NULL ? nl + 1 : end;
    }

  {
    char *valid = g_utf8_make_valid (start, end - start);

    g_string_free (tail, TRUE);
    return valid;
  }
}
