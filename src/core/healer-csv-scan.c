/* healer-csv-scan.c — CSV input buffer and field scanning
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "healer-csv-private.h"

gboolean
healer_csv_reader_fill (HealerCsvReader  *r,
                        GCancellable     *cancellable,
                        GError          **error)
{
  g_autoptr(GError) local = NULL;
  gsize got = 0;

  if (r->eof)
    return TRUE;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  if (r->pos > 0)
    {
      memmove (r->buf, r->buf + r->pos, r->len - r->pos);
      r->offset += r->pos;
      r->len -= r->pos;
      r->pos = 0;
    }
  if (r->cap - r->len < HEALER_CSV_BLOCK_SIZE + 1)
    {
      r->cap = MAX (r->cap * 2, r->len + HEALER_CSV_BLOCK_SIZE + 1);
      r->buf = g_realloc (r->buf, r->cap);
    }

  /* A pipe hands over what has arrived: stop at the first complete line
   * rather than wait for a whole block, so the rows of a slow producer are
   * diagnosed as they come (issue 13, family 9). A file fills the block. */
  while (got < HEALER_CSV_BLOCK_SIZE)
    {
      char *at = r->buf + r->len + got;
      gssize n = g_input_stream_read (r->stream, at, HEALER_CSV_BLOCK_SIZE - got,
                                      cancellable, &local);

      if (n < 0)
        {
          if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local));
          else
            g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_IO,
                         _("%s: could not read the file: %s"), r->name, local->message);
          return FALSE;
        }
      if (n == 0)
        {
          r->eof = TRUE;
          break;
        }
      got += (gsize) n;
      if (memchr (at, '\n', (gsize) n) != NULL)
        break;
    }
  r->len += got;
  r->buf[r->len] = '\0';
  return TRUE;
}

/* Makes sure the physical line at pos is complete in the buffer (or runs to
 * the end of input), so the parsers rarely have to start over. */
gboolean
healer_csv_reader_ensure_line (HealerCsvReader  *r,
                               GCancellable     *cancellable,
                               GError          **error)
{
  gsize scanned = 0;

  for (;;)
    {
      const char *start = r->buf + r->pos;
      const char *nl = memchr (start + scanned, '\n', r->len - r->pos - scanned);

      if (nl != NULL)
        {
          if ((gsize) (nl - start) > HEALER_CSV_MAX_LINE)
            {
              healer_csv_set_line_too_long (r, r->line, error);
              return FALSE;
            }
          return TRUE;
        }
      if (r->len - r->pos > HEALER_CSV_MAX_LINE)
        {
          healer_csv_set_line_too_long (r, r->line, error);
          return FALSE;
        }
      if (r->eof)
        return TRUE;
      scanned = r->len - r->pos;
      if (!healer_csv_reader_fill (r, cancellable, error))
        return FALSE;
    }
}

gboolean
healer_csv_reader_need_more (HealerCsvReader  *r,
                             GCancellable     *cancellable,
                             GError          **error)
{
  /* Only a quoted cell spanning lines gets here; bound the whole record. */
  if (r->len - r->pos > HEALER_CSV_MAX_LINE || r->eof)
    {
      healer_csv_set_line_too_long (r, r->line, error);
      return FALSE;
    }
  return healer_csv_reader_fill (r, cancellable, error);
}

/* ------------------------------------------------------------------------ */
/* Fields                                                                    */

static Step
scan_quoted (Ctx         *c,
             const char **pp,
             gsize       *out_len,
             GError     **error)
{
  HealerCsvReader *r = c->r;
  const char *p = *pp + 1;
  gsize open_line = c->line, n = 0;
  gboolean newline = FALSE;

  for (;;)
    {
      char ch = *p;

      if (ch == '"')
        {
          if (p + 1 == c->end && !r->eof)
            return STEP_MORE;
          if (p[1] != '"')
            break;
          p++;   /* "" stands for one quote */
        }
      else if (ch == '\0')
        {
          if (p != c->end)
            return healer_csv_field_error_binary (c, error);
          if (!r->eof)
            return STEP_MORE;
          healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_QUOTE, open_line, c->col + 1,
                                   _("a quoted cell that is never closed; "
                                   "expected a closing quote (\")"));
          return STEP_ERROR;
        }
      else if (ch == '\n')
        {
          c->line++;
          newline = TRUE;
        }
      if (n == HEALER_CSV_MAX_FIELD)
        {
          if (newline)
            healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_QUOTE, open_line, c->col + 1,
                                     _("a quoted cell that runs over several lines for more than "
                                       "%d bytes; expected a closing quote (\") — is one missing?"),
                                     HEALER_CSV_MAX_FIELD);
          else
            healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_TOO_LARGE, open_line, c->col + 1,
                                     _("a cell longer than %d bytes; expected shorter cells"),
                                     HEALER_CSV_MAX_FIELD);
          return STEP_ERROR;
        }
      r->scratch[n++] = ch;
      p++;
    }

  for (p++; *p == ' ' || *p == '\t'; p++)
    ;
  if (!healer_csv_at_field_end (c, p))
    {
      if (*p == '\0' && p == c->end)
        return STEP_MORE;
      if (*p == '\0')
        return healer_csv_field_error_binary (c, error);
      {
        g_autofree char *what = healer_csv_describe_text (p, strcspn (p, ",\r\n"));

        healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_QUOTE, c->line, c->col + 1,
                                 _("text %s after the closing quote; expected a comma or the end of "
                                   "the line (write a quote inside a quoted cell as \"\")"), what);
      }
      return STEP_ERROR;
    }
  r->scratch[n] = '\0';
  *out_len = n;
  *pp = p;
  return STEP_OK;
}

/* Reads the field at *pp into r->scratch (unquoted, without surrounding
 * blanks, NUL-terminated) and leaves *pp on the delimiter. */
Step
healer_csv_scan_field (Ctx         *c,
                       const char **pp,
                       gsize       *out_len,
                       GError     **error)
{
  HealerCsvReader *r = c->r;
  const char *p = *pp, *start;
  gsize n;

  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '"')
    {
      Step step = scan_quoted (c, &p, out_len, error);

      if (step == STEP_OK)
        *pp = p;
      return step;
    }

  start = p;
  for (;; p++)
    {
      char ch = *p;

      if (ch == ',' || ch == '\n')
        break;
      if (ch == '\r')
        {
          if (p[1] == '\n')
            break;
          if (p + 1 == c->end && !r->eof)
            return STEP_MORE;
        }
      else if (ch == '\0')
        {
          if (p != c->end)
            return healer_csv_field_error_binary (c, error);
          if (!r->eof)
            return STEP_MORE;
          break;
        }
    }

  n = p - start;
  while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t'))
    n--;
  if (n > HEALER_CSV_MAX_FIELD)
    {
      healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_TOO_LARGE, c->line, c->col + 1,
                               _("a cell longer than %d bytes; expected shorter cells"),
                               HEALER_CSV_MAX_FIELD);
      return STEP_ERROR;
    }
  memcpy (r->scratch, start, n);
  r->scratch[n] = '\0';
  *out_len = n;
  *pp = p;
  return STEP_OK;
}

/* Moves past the line break at @p, if any; returns the new position. */
const char *
healer_csv_skip_line_break (Ctx        *c,
                            const char *p)
{
  if (*p == '\n')
    {
      c->line++;
      return p + 1;
    }
  if (*p == '\r' && p[1] == '\n')
    {
      c->line++;
      return p + 2;
    }
  return p;
}
