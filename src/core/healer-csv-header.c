/* healer-csv-header.c — CSV header checks and column roles
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "healer-csv-private.h"

static gboolean
sniff_encoding (HealerCsvReader  *r,
                GError          **error)
{
  const guchar *b = (const guchar *) r->buf;
  gsize n = r->len;

  if ((n >= 2 && ((b[0] == 0xff && b[1] == 0xfe) || (b[0] == 0xfe && b[1] == 0xff))) ||
      (n >= 4 && b[0] != 0 && b[1] == 0 && b[2] != 0 && b[3] == 0) ||
      (n >= 4 && b[0] == 0 && b[1] != 0 && b[2] == 0 && b[3] != 0))
    {
      healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, 1, 1,
                               _("file is UTF-16; save it as UTF-8"));
      return FALSE;
    }
  if (n >= 4 && memcmp (b, "PK\3\4", 4) == 0)
    {
      healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, 1, 1,
                               _("file is a ZIP archive (an Excel workbook?); expected CSV text — "
                                 "save it as “CSV UTF-8”"));
      return FALSE;
    }
  if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
    {
      healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, 1, 1,
                               _("file is gzip-compressed; expected CSV text — decompress it first"));
      return FALSE;
    }
  if (n >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf)
    r->pos = 3;
  return TRUE;
}

/* The first non-blank line is the header. */
static gboolean
skip_blank_lines (HealerCsvReader  *r,
                  GCancellable     *cancellable,
                  GError          **error)
{
  for (;;)
    {
      const char *p;

      if (!healer_csv_reader_ensure_line (r, cancellable, error))
        return FALSE;
      for (p = r->buf + r->pos; *p == ' ' || *p == '\t'; p++)
        ;
      if (*p == '\r' && p[1] == '\n')
        p++;
      if (*p == '\n')
        {
          r->pos = p + 1 - r->buf;
          r->line++;
          continue;
        }
      if (p != r->buf + r->len)
        return TRUE;
      if (r->offset + r->len <= 3)
        healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_EMPTY, 1, 1,
                                 _("file is empty; expected a header line with column names, "
                                   "then rows of values"));
      else
        healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_EMPTY, 1, 1,
                                 _("file is empty (only blank lines); expected a header line "
                                   "with column names, then rows of values"));
      return FALSE;
    }
}

/* Raw-byte checks on the header line, which tell a wrong kind of file from
 * a CSV with a typo. */
static gboolean
check_header_text (HealerCsvReader  *r,
                   GError          **error)
{
  const char *line = r->buf + r->pos, *bad = NULL;
  const char *nl = memchr (line, '\n', r->len - r->pos);
  gsize n = nl != NULL ? (gsize) (nl - line) : r->len - r->pos;
  const char *nul = memchr (line, '\0', n);
  const char *cr = memchr (line, '\r', n);
  const char *bom = g_strstr_len (line, (gssize) n, "\xef\xbb\xbf");

  /* The file's own mark (at byte 0) is skipped; anywhere else it would
   * become an invisible part of a column name that then matches nothing. */
  if (bom != NULL && (nul == NULL || bom < nul))
    {
      healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, r->line,
                               healer_csv_field_index_at (line, bom - line),
                               _("a byte-order mark (U+FEFF) inside the header; expected one "
                                 "only at the very start of the file"));
      return FALSE;
    }
  if (nul != NULL)
    {
      healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, r->line,
                               healer_csv_field_index_at (line, nul - line),
                               _("a NUL byte in the header, so this looks like a binary file; "
                                 "expected CSV text"));
      return FALSE;
    }
  if (!g_utf8_validate (line, (gssize) n, &bad))
    {
      healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, r->line,
                               healer_csv_field_index_at (line, bad - line),
                               _("the header is not valid UTF-8 text (byte 0x%02X); expected a CSV file "
                                 "saved as UTF-8"),
                               (guint) (guchar) *bad);
      return FALSE;
    }
  if (cr != NULL && (gsize) (cr - line) + 1 < n)
    {
      healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, r->line,
                               healer_csv_field_index_at (line, cr - line),
                               _("lines end with a lone carriage return (old Mac format); "
                                 "expected LF or CR LF line endings"));
      return FALSE;
    }
  return TRUE;
}

static Step
parse_header_record (HealerCsvReader  *r,
                     GPtrArray        *names,
                     GError          **error)
{
  Ctx c = { r, r->buf + r->len, r->line, 0 };
  const char *p = r->buf + r->pos;

  for (;;)
    {
      gsize len;
      Step step;

      c.col = names->len;
      step = healer_csv_scan_field (&c, &p, &len, error);
      if (step != STEP_OK)
        return step;
      g_ptr_array_add (names, g_strndup (r->scratch, len));
      if (*p != ',')
        break;
      if (names->len == HEALER_CSV_MAX_COLUMNS)
        {
          healer_csv_set_error_at (r, error, HEALER_DATASET_ERROR_TOO_LARGE, c.line, names->len + 1,
                                   _("the header has more than %d columns; expected at most %d"),
                                   HEALER_CSV_MAX_COLUMNS, HEALER_CSV_MAX_COLUMNS);
          return STEP_ERROR;
        }
      p++;
    }
  p = healer_csv_skip_line_break (&c, p);
  r->pos = p - r->buf;
  r->line = c.line;
  return STEP_OK;
}

static gboolean
setup_columns (HealerCsvReader  *r,
               GPtrArray        *names,
               GError          **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) features = g_ptr_array_new_with_free_func (g_free);
  int id_col = -1, label_col = -1;

  r->n_cols = names->len;
  r->roles = g_new (guint8, r->n_cols);
  r->column_names = g_new0 (char *, r->n_cols + 1);
  for (guint i = 0; i < r->n_cols; i++)
    r->column_names[i] = g_strdup (names->pdata[i]);

  for (guint i = 0; i < r->n_cols; i++)
    {
      const char *name = names->pdata[i];
      g_autofree char *what = healer_csv_describe_text (name, strlen (name));
      int *role_col = NULL;
      gpointer prev;

      if (*name == '\0')
        {
          if (i == 0 && r->n_cols > 1)
            return healer_csv_header_error (r, error, HEALER_DATASET_ERROR_HEADER, i + 1,
                                            _("column 1 has no name (a row index saved by pandas? "
                                              "save with index=False); expected a name for every "
                                              "column"));
          if (i + 1 == r->n_cols && r->n_cols > 1)
            return healer_csv_header_error (r, error, HEALER_DATASET_ERROR_HEADER, i + 1,
                                            _("the last column has no name (a comma at the end of the "
                                              "header?); expected a name for every column"));
          return healer_csv_header_error (r, error, HEALER_DATASET_ERROR_HEADER, i + 1,
                                          _("column %u has no name; expected a name for every column"),
                                          i + 1);
        }

      if (g_ascii_strcasecmp (name, "sample_id") == 0)
        role_col = &id_col;
      else if (g_ascii_strcasecmp (name, "label") == 0)
        role_col = &label_col;

      if (role_col != NULL)
        {
          if (*role_col >= 0)
            return healer_csv_header_error (r, error, HEALER_DATASET_ERROR_HEADER, i + 1,
                                            _("column name %s appears twice, in columns %d and %u; "
                                              "expected unique column names"),
                                            what, *role_col + 1, i + 1);
          *role_col = (int) i;
          r->roles[i] = role_col == &id_col ? ROLE_ID : ROLE_LABEL;
          continue;
        }

      if (g_hash_table_lookup_extended (seen, name, NULL, &prev))
        return healer_csv_header_error (r, error, HEALER_DATASET_ERROR_HEADER, i + 1,
                                        _("column name %s appears twice, in columns %u and %u; "
                                          "expected unique column names"),
                                        what, GPOINTER_TO_UINT (prev) + 1, i + 1);
      g_hash_table_insert (seen, (gpointer) name, GUINT_TO_POINTER (i));
      r->roles[i] = ROLE_FEATURE;
      g_ptr_array_add (features, g_strdup (name));
    }

  if (r->n_cols == 1 && strpbrk (names->pdata[0], ";\t") != NULL)
    {
      g_autofree char *what = healer_csv_describe_text (names->pdata[0], strlen (names->pdata[0]));

      return healer_csv_header_error (r, error, HEALER_DATASET_ERROR_HEADER, 1,
                                      _("the header is a single column %s; expected columns separated "
                                        "by commas (this file seems to use semicolons or tabs)"), what);
    }
  if (features->len == 0)
    return healer_csv_header_error (r, error, HEALER_DATASET_ERROR_HEADER, 1,
                                    _("no feature column; expected at least one column of KPI values "
                                      "besides “sample_id” and “label”"));

  r->n_features = features->len;
  g_ptr_array_add (features, NULL);
  /* Without its segment the array hands over the strings, not frees them. */
  r->feature_names = (char **) g_ptr_array_free (g_steal_pointer (&features), FALSE);
  r->has_ids = id_col >= 0;
  r->has_labels = label_col >= 0;
  return TRUE;
}

gboolean
healer_csv_reader_read_header (HealerCsvReader  *r,
                               GCancellable     *cancellable,
                               GError          **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (!healer_csv_reader_fill (r, cancellable, error) ||
      !sniff_encoding (r, error) ||
      !skip_blank_lines (r, cancellable, error) ||
      !check_header_text (r, error))
    return FALSE;

  r->header_line = r->line;
  for (;;)
    {
      Step step = parse_header_record (r, names, error);

      if (step == STEP_OK)
        break;
      if (step == STEP_ERROR)
        return FALSE;
      g_ptr_array_set_size (names, 0);
      if (!healer_csv_reader_need_more (r, cancellable, error))
        return FALSE;
    }
  r->header_end_line = r->line;
  return setup_columns (r, names, error);
}
