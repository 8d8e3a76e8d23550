/* healer-csv-errors.c — CSV reader messages that point at a line and column
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "healer-csv-private.h"

#define DESCRIBE_MAX_CHARS 40

void
healer_csv_set_error_at (HealerCsvReader    *r,
                         GError            **error,
                         HealerDatasetError  code,
                         gsize               line,
                         guint               column,
                         const char         *format,
                         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, HEALER_DATASET_ERROR, code, "%s:%" G_GSIZE_FORMAT ":%u: %s",
               r->name, line, column, what);
}

/* Quoted, printable and short: cells come from untrusted files and end up
 * in dialogs and terminals. */
char *
healer_csv_describe_text (const char *text,
                          gsize       len)
{
  g_autofree char *valid = g_utf8_make_valid (text, (gssize) len);
  GString *s = g_string_new ("“");
  guint n = 0;

  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar ch = g_utf8_get_char (p);

      if (n++ == DESCRIBE_MAX_CHARS)
        {
          g_string_append (s, "…");
          break;
        }
      if (ch < 0x20 || ch == 0x7f)
        g_string_append_printf (s, "\\x%02x", ch);
      else
        g_string_append_unichar (s, ch);
    }
  g_string_append (s, "”");
  return g_string_free (s, FALSE);
}

char *
healer_csv_describe_column (HealerCsvReader *r,
                            guint            col)
{
  const char *name = r->column_names[col];

  return healer_csv_describe_text (name, strlen (name));
}

/* 1-based field index of byte @offset in the line at @line, for messages
 * about raw bytes found before the fields are split. */
guint
healer_csv_field_index_at (const char *line,
                           gsize       offset)
{
  gboolean quoted = FALSE;
  guint col = 1;

  for (gsize i = 0; i < offset; i++)
    {
      if (line[i] == '"')
        quoted = !quoted;
      else if (line[i] == ',' && !quoted)
        col++;
    }
  return col;
}

void
healer_csv_set_line_too_long (HealerCsvReader  *r,
                              gsize             line,
                              GError          **error)
{
  healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_LINE_TOO_LONG, line, 1,
                           _("line is longer than %d bytes; expected shorter lines "
                              "(is this a CSV file?)"),
                           HEALER_CSV_MAX_LINE);
}

Step
healer_csv_field_error_binary (Ctx     *c,
                               GError **error)
{
  healer_csv_set_error_at (c->r, error, HEALER_DATASET_ERROR_ENCODING, c->line, c->col + 1,
                           _("a NUL byte, so this looks like a binary file; expected CSV text"));
  return STEP_ERROR;
}

/* ------------------------------------------------------------------------ */
/* Cells                                                                     */

Step
healer_csv_number_error (Ctx        *c,
                         const char *text,
                         gsize       len,
                         GError    **error)
{
  g_autofree char *what = healer_csv_describe_text (text, len);
  g_autofree char *column = healer_csv_describe_column (c->r, c->col);

  if (healer_csv_is_infinity_text (text))
    healer_csv_set_error_at (c->r, error, HEALER_DATASET_ERROR_NUMBER, c->line, c->col + 1,
                             _("%s in column %s is not a finite number; expected a decimal number, "
                               "or an empty cell for a missing value"), what, column);
  else if (healer_csv_is_decimal_syntax (text))
    healer_csv_set_error_at (c->r, error, HEALER_DATASET_ERROR_NUMBER, c->line, c->col + 1,
                             _("%s in column %s is not a finite number: it is too large for a 32-bit "
                               "float; expected a number between -3.4e38 and 3.4e38, or an empty cell "
                               "for a missing value"), what, column);
  else if (strchr (text, ',') != NULL)
    healer_csv_set_error_at (c->r, error, HEALER_DATASET_ERROR_NUMBER, c->line, c->col + 1,
                             _("%s in column %s is not a number; expected a decimal number with a dot "
                               "as decimal separator, or an empty cell for a missing value"),
                             what, column);
  else
    healer_csv_set_error_at (c->r, error, HEALER_DATASET_ERROR_NUMBER, c->line, c->col + 1,
                             _("%s in column %s is not a number; expected a decimal number, "
                               "or an empty cell for a missing value"), what, column);
  return STEP_ERROR;
}

Step
healer_csv_label_error (Ctx          *c,
                        const char   *text,
                        gsize         len,
                        LabelProblem  problem,
                        GError      **error)
{
  g_autofree char *what = healer_csv_describe_text (text, len);
  g_autofree char *column = healer_csv_describe_column (c->r, c->col);

  switch (problem)
    {
    case LABEL_NEGATIVE:
      healer_csv_set_error_at (c->r, error, HEALER_DATASET_ERROR_LABEL, c->line, c->col + 1,
                               _("%s in column %s is negative; expected a class id, an integer "
                                 "from 0 to %d"), what, column, HEALER_LABEL_MAX);
      break;
    case LABEL_TOO_LARGE:
      healer_csv_set_error_at (c->r, error, HEALER_DATASET_ERROR_LABEL, c->line, c->col + 1,
                               _("%s in column %s is too large for a class id; expected an integer "
                                 "from 0 to %d"), what, column, HEALER_LABEL_MAX);
      break;
    default:
      healer_csv_set_error_at (c->r, error, HEALER_DATASET_ERROR_LABEL, c->line, c->col + 1,
                               _("%s in column %s is not a class id; expected an integer from 0 to %d"),
                               what, column, HEALER_LABEL_MAX);
      break;
    }
  return STEP_ERROR;
}

/* ------------------------------------------------------------------------ */
/* Records                                                                   */

Step
healer_csv_ragged_error (Ctx         *c,
                         const char  *p,
                         guint        found,
                         GError     **error)
{
  HealerCsvReader *r = c->r;

  if (found < r->n_cols)
    {
      healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_RAGGED, c->line, found + 1,
                               g_dngettext (GETTEXT_PACKAGE,
                                            "line has only %u field; expected %u, one per column of "
                                            "the header",
                                            "line has only %u fields; expected %u, one per column of "
                                            "the header",
                                            found),
                               found, r->n_cols);
      return STEP_ERROR;
    }

  /* Count the rest so the message says how far off the line is. */
  while (*p == ',')
    {
      gsize len;
      Step step;

      p++;
      c->col = found++;
      step = healer_csv_scan_field (c, &p, &len, NULL);
      if (step == STEP_MORE)
        return STEP_MORE;
      if (step == STEP_ERROR)
        break;
    }
  healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_RAGGED, c->line, r->n_cols + 1,
                           _("line has %u fields; expected %u, one per column of the header"),
                           found, r->n_cols);
  return STEP_ERROR;
}

/* ------------------------------------------------------------------------ */
/* Header                                                                    */

gboolean
healer_csv_header_error (HealerCsvReader    *r,
                         GError            **error,
                         HealerDatasetError  code,
                         guint               column,
                         const char         *format,
                         ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  healer_csv_set_error_at (r, error, code, r->header_line, column, "%s", what);
  return FALSE;
}
