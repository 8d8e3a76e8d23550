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

/* A record's field as the parser splits it: its text without the blanks
 * around it, or inside the quotes. */
typedef struct
{
  const char *start;
  const char *end;
  gboolean quoted;
} Span;

/* Fields kept for the hint: a record this far off is not one number split
 * in a few places, and a wide file's record stays cheap to recount. */
#define HINT_MAX_SURPLUS 8

typedef struct
{
  guint n_fields;
  gsize surplus_line;       /* where field n_cols + 1 starts */
  gsize end_line;           /* where the record ends */
  gboolean surplus_empty;   /* every field past the header's is unquoted and empty */
  GArray *spans;            /* of Span, the first n_cols + HINT_MAX_SURPLUS */
} FieldCount;

/* Counts the fields of the record at r->pos, split as the cell readers
 * split them. STEP_MORE: the record runs past the buffer. STEP_ERROR: a
 * field before the header's last is unreadable (broken quoting, a NUL
 * byte), so the count is unknown and that field's own message stands. A
 * field past the header's last that is unreadable ends the count there:
 * the record is too long whatever follows. */
static Step
count_fields (HealerCsvReader *r,
              FieldCount      *fc)
{
  const char *end = r->buf + r->len;
  const char *p = r->buf + r->pos;
  gsize line = r->line;
  gboolean broken = FALSE;

  fc->surplus_empty = TRUE;
  for (;;)
    {
      Span s;

      while (*p == ' ' || *p == '\t')
        p++;
      if (fc->n_fields == r->n_cols)
        fc->surplus_line = line;
      s.quoted = *p == '"';
      if (s.quoted)
        {
          gsize n = 0;

          for (s.start = ++p;; p++)
            {
              if (*p == '"')
                {
                  if (p + 1 == end && !r->eof)
                    return STEP_MORE;
                  if (p[1] != '"')
                    break;
                  p++;
                }
              else if (*p == '\0')
                {
                  if (p == end && !r->eof)
                    return STEP_MORE;
                  broken = TRUE;
                  break;
                }
              else if (*p == '\n')
                line++;
              /* Bounded as the reader bounds it. */
              if (n++ == HEALER_CSV_MAX_FIELD)
                {
                  broken = TRUE;
                  break;
                }
            }
          s.end = p;
          if (!broken)
            for (p++; *p == ' ' || *p == '\t'; p++)
              ;
        }
      else
        {
          for (s.start = p;; p++)
            {
              if (*p == ',' || *p == '\n' || (*p == '\r' && p[1] == '\n'))
                break;
              if (*p == '\r' && p + 1 == end && !r->eof)
                return STEP_MORE;
              if (*p == '\0')
                {
                  if (p == end && !r->eof)
                    return STEP_MORE;
                  broken = p != end;
                  break;
                }
            }
          for (s.end = p; s.end > s.start && (s.end[-1] == ' ' || s.end[-1] == '\t'); s.end--)
            ;
        }

      if (!broken && *p != ',' && *p != '\n' && !(*p == '\r' && p[1] == '\n'))
        {
          if (((*p == '\0' && p == end) || (*p == '\r' && p + 1 == end)) && !r->eof)
            return STEP_MORE;
          /* Text after a closing quote, or a NUL byte. */
          broken = !(*p == '\0' && p == end);
        }
      if (broken && fc->n_fields < r->n_cols)
        return STEP_ERROR;

      fc->n_fields++;
      if (fc->n_fields > r->n_cols && (s.quoted || s.end > s.start))
        fc->surplus_empty = FALSE;
      if (fc->spans->len < r->n_cols + HINT_MAX_SURPLUS)
        g_array_append_val (fc->spans, s);
      if (broken || *p != ',')
        {
          fc->end_line = line;
          return STEP_OK;
        }
      p++;
    }
}

static gsize
count_digits (const char *p,
              const char *end)
{
  const char *q = p;

  while (q < end && (guint) (*q - '0') < 10)
    q++;
  return q - p;
}

/* [+-]? digits, with at most @max digits */
static gboolean
is_integer (const Span *s,
            gsize       max)
{
  const char *p = s->start;
  gsize n;

  if (s->quoted)
    return FALSE;
  if (p < s->end && (*p == '+' || *p == '-'))
    p++;
  n = count_digits (p, s->end);
  return n > 0 && n <= max && p + n == s->end;
}

/* Three digits, what follows a thousands separator; *fraction is set when
 * a decimal part ends it, which ends the number. */
static gboolean
is_group (const Span *s,
          gboolean   *fraction)
{
  const char *p = s->start;

  if (s->quoted || count_digits (p, s->end) != 3)
    return FALSE;
  p += 3;
  *fraction = p < s->end;
  if (!*fraction)
    return TRUE;
  return *p == '.' && p + 1 + count_digits (p + 1, s->end) == s->end;
}

typedef enum
{
  SPLIT_NONE,
  SPLIT_THOUSANDS,          /* 275,251.2 or 1,234,567 */
  SPLIT_EITHER,             /* 1,500 */
  SPLIT_DECIMAL,            /* 3,14 */
} Split;

/* Could fields @i and @i + 1 be one number that a thousands separator or a
 * decimal comma split: "275" and "251.2", "3" and "14"? */
static gboolean
is_split_pair (const Span *f,
               guint       i)
{
  gboolean fraction;

  if (!is_integer (&f[i], G_MAXSIZE) || f[i + 1].quoted)
    return FALSE;
  if (count_digits (f[i + 1].start, f[i + 1].end) == (gsize) (f[i + 1].end - f[i + 1].start))
    return f[i + 1].end > f[i + 1].start;
  return is_integer (&f[i], 3) && is_group (&f[i + 1], &fraction);
}

/* Looks for a number that a thousands separator or a decimal comma split
 * into fields. Only when the pairs of fields that could be such a split are
 * as many as the surplus fields is the first worth naming: a row of small
 * integers is full of pairs that look like "3,14". */
static Split
find_split (const FieldCount *fc,
            guint             surplus,
            guint            *first,
            guint            *n_parts)
{
  const Span *f = (const Span *) fc->spans->data;
  guint n = fc->spans->len, n_pairs = 0, len = 1;
  gboolean thousands, fraction = FALSE;

  if (fc->n_fields != n)
    return SPLIT_NONE;
  for (guint i = 0; i + 1 < n; i++)
    if (is_split_pair (f, i) && n_pairs++ == 0)
      *first = i;
  if (n_pairs == 0 || n_pairs != surplus)
    return SPLIT_NONE;

  /* 1,234,567 is one number in three fields. */
  while (*first + len < n && is_split_pair (f, *first + len - 1))
    len++;
  *n_parts = len;
  thousands = is_integer (&f[*first], 3);
  for (guint i = *first + 1; thousands && i < *first + len; i++)
    thousands = !fraction && is_group (&f[i], &fraction);
  if (thousands)
    return len > 2 || fraction ? SPLIT_THOUSANDS : SPLIT_EITHER;
  return len == 2 ? SPLIT_DECIMAL : SPLIT_NONE;
}

static char *
describe_surplus (HealerCsvReader  *r,
                  const FieldCount *fc)
{
  guint surplus = fc->n_fields - r->n_cols, first = 0, n_parts = 0;
  Split split = find_split (fc, surplus, &first, &n_parts);
  const Span *f = (const Span *) fc->spans->data;
  g_autofree char *what = NULL;

  /* "1,2,3," reads as a split "1,2" too; only a sure split outweighs
   * empty fields at the end. */
  if (split != SPLIT_THOUSANDS && fc->surplus_empty)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "the extra field at the end is empty: does the line end "
                                         "with a comma too many?",
                                         "the %u extra fields at the end are empty: does the line "
                                         "end with commas too many?",
                                         surplus),
                            surplus);
  if (split == SPLIT_NONE)
    return NULL;

  what = healer_csv_describe_text (f[first].start, f[first + n_parts - 1].end - f[first].start);
  switch (split)
    {
    case SPLIT_THOUSANDS:
      return g_strdup_printf (_("%s at column %u may be one number written with a thousands "
                                "separator; write numbers without one"), what, first + 1);
    case SPLIT_EITHER:
      return g_strdup_printf (_("%s at column %u may be one number written with a thousands "
                                "separator or a decimal comma; write numbers with a dot as "
                                "decimal separator and without thousands separators"),
                              what, first + 1);
    default:
      return g_strdup_printf (_("%s at column %u may be one number written with a decimal "
                                "comma; write numbers with a dot as decimal separator"),
                              what, first + 1);
    }
}

/* STEP_ERROR with @error set (replacing any error there) when the record
 * at r->pos has more or fewer fields than the header; STEP_OK when it has
 * as many, or when they cannot be counted. */
static Step
check_field_count (HealerCsvReader  *r,
                   GError          **error)
{
  FieldCount fc = { 0, };
  g_autofree char *hint = NULL;
  Step step;

  fc.spans = g_array_new (FALSE, FALSE, sizeof (Span));
  step = count_fields (r, &fc);
  if (step == STEP_OK && fc.n_fields != r->n_cols)
    {
      if (error != NULL)
        g_clear_error (error);
      if (fc.n_fields < r->n_cols)
        healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_RAGGED, fc.end_line,
                                 fc.n_fields + 1,
                                 g_dngettext (GETTEXT_PACKAGE,
                                              "line has only %u field; expected %u, one per column "
                                              "of the header",
                                              "line has only %u fields; expected %u, one per column "
                                              "of the header",
                                              fc.n_fields),
                                 fc.n_fields, r->n_cols);
      else if ((hint = describe_surplus (r, &fc)) != NULL)
        healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_RAGGED, fc.surplus_line,
                                 r->n_cols + 1,
                                 _("line has %u fields; expected %u, one per column of the "
                                   "header — %s"),
                                 fc.n_fields, r->n_cols, hint);
      else
        healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_RAGGED, fc.surplus_line,
                                 r->n_cols + 1,
                                 _("line has %u fields; expected %u, one per column of the header"),
                                 fc.n_fields, r->n_cols);
      step = STEP_ERROR;
    }
  else if (step == STEP_ERROR)
    step = STEP_OK;
  g_array_unref (fc.spans);
  return step;
}

/* A cell's error is about to stand for its record. A field too many or
 * too few shifts every cell after it, so the cell blamed (a label of
 * "67.31", an empty label) is then only a symptom: the field count, checked
 * here on the error path rather than for every record, comes first. */
Step
healer_csv_cell_error (Ctx     *c,
                       GError **error)
{
  Step step = check_field_count (c->r, error);

  if (step == STEP_MORE && error != NULL)
    g_clear_error (error);
  return step == STEP_OK ? STEP_ERROR : step;
}

/* The record ended before the header's last column, or went on past it;
 * @found fields were read. */
Step
healer_csv_ragged_error (Ctx     *c,
                         guint    found,
                         GError **error)
{
  HealerCsvReader *r = c->r;
  Step step = check_field_count (r, error);

  if (step != STEP_OK)
    return step;
  /* Not reached: the fields read are counted the same way. */
  healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_RAGGED, c->line,
                           MIN (found, r->n_cols) + 1,
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
