/* healer-output.c — streamed output that replaces its target only when complete
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <stdio.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#ifdef G_OS_WIN32
# include <fcntl.h>
# include <io.h>
#endif

#include "healer-output.h"

#define FLUSH_SIZE (1024 * 1024)

struct _HealerOutput
{
  GFile         *target;    /* NULL for standard output */
  GFile         *temp;
  GOutputStream *stream;
  GString       *buffer;
  char          *display;
};

static gboolean
flush_buffer (HealerOutput  *self,
              GError       **error)
{
  if (self->buffer->len == 0)
    return TRUE;

  if (self->stream == NULL)
    {
      if (fwrite (self->buffer->str, 1, self->buffer->len, stdout) != self->buffer->len)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Could not write to standard output"));
          return FALSE;
        }
    }
  else if (!g_output_stream_write_all (self->stream, self->buffer->str, self->buffer->len,
                                       NULL, NULL, error))
    {
      g_prefix_error (error, _("Could not write “%s”: "), self->display);
      return FALSE;
    }

  g_string_truncate (self->buffer, 0);
  return TRUE;
}

HealerOutput *
healer_output_open (const char  *path,
                    GError     **error)
{
  g_autoptr(GFile) parent = NULL;
  g_autofree char *base = NULL;
  HealerOutput *self;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_new0 (HealerOutput, 1);
  self->buffer = g_string_sized_new (FLUSH_SIZE + 4096);

  if (g_strcmp0 (path, "-") == 0)
    {
#ifdef G_OS_WIN32
      _setmode (_fileno (stdout), _O_BINARY);
#endif
      self->display = g_strdup (_("standard output"));
      return self;
    }

  self->target = g_file_new_for_commandline_arg (path);
  self->display = g_file_get_parse_name (self->target);
  parent = g_file_get_parent (self->target);
  base = g_file_get_basename (self->target);

  if (parent == NULL || base == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_FILENAME,
                   _("“%s” is not a file name"), path);
      healer_output_abort (self);
      return NULL;
    }

  /* The temporary file must live in the target's folder so that the final
   * rename stays on one file system and is atomic. */
  for (guint attempt = 0; self->stream == NULL; attempt++)
    {
      g_autofree char *uuid = g_uuid_string_random ();
      g_autofree char *name = g_strdup_printf (".%s.%.8s.part", base, uuid);
      g_autoptr(GError) local_error = NULL;

      g_clear_object (&self->temp);
      self->temp = g_file_get_child (parent, name);
      self->stream = G_OUTPUT_STREAM (g_file_create (self->temp, G_FILE_CREATE_NONE,
                                                     NULL, &local_error));
      if (self->stream == NULL &&
          (attempt > 8 || !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS)))
        {
          int code = local_error->domain == G_IO_ERROR ? local_error->code : G_IO_ERROR_FAILED;
          const char *reason = local_error->message;

          /* GIO's own message names the temporary file, which would only
           * puzzle the user; say what is wrong with the target instead. */
          if (code == G_IO_ERROR_NOT_FOUND)
            reason = _("its folder does not exist");
          else if (code == G_IO_ERROR_PERMISSION_DENIED)
            reason = _("permission denied");
          else if (code == G_IO_ERROR_NO_SPACE)
            reason = _("no space left on the device");
          g_set_error (error, G_IO_ERROR, code, _("Could not create “%s”: %s"),
                       self->display, reason);
          g_clear_object (&self->temp);
          healer_output_abort (self);
          return NULL;
        }
    }

  return self;
}

gboolean
healer_output_write (HealerOutput  *self,
                     const char    *data,
                     gsize          len,
                     GError       **error)
{
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

  if (!flush_buffer (self, error))
    return FALSE;
  /* A temporary file is read by nobody before the commit: only standard
   * output (a pipe, a terminal) needs the data pushed now. */
  if (self->stream == NULL && fflush (stdout) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not write to standard output"));
      return FALSE;
    }
  return TRUE;
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
  g_clear_object (&self->stream);
  g_clear_object (&self->temp);
  g_clear_object (&self->target);
  g_string_free (self->buffer, TRUE);
  g_free (self->display);
  g_free (self);
}

gboolean
healer_output_commit (HealerOutput  *self,
                      GError       **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (!flush_buffer (self, error))
    goto fail;

  if (self->stream == NULL)
    {
      if (fflush (stdout) != 0)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                       _("Could not write to standard output"));
          goto fail;
        }
      healer_output_free (self);
      return TRUE;
    }

  if (!g_output_stream_close (self->stream, NULL, error))
    {
      g_prefix_error (error, _("Could not write “%s”: "), self->display);
      goto fail;
    }

  if (!g_file_move (self->temp, self->target,
                    G_FILE_COPY_OVERWRITE | G_FILE_COPY_NO_FALLBACK_FOR_MOVE,
                    NULL, NULL, NULL, error))
    {
      g_prefix_error (error, _("Could not replace “%s”: "), self->display);
      goto fail;
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

  if (self->stream != NULL)
    g_output_stream_close (self->stream, NULL, NULL);
  if (self->temp != NULL)
    g_file_delete (self->temp, NULL, NULL);

  healer_output_free (self);
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
