/* healer-dataset.c — KPI tables read from CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "healer-dataset.h"

#ifdef G_OS_WIN32
#include <fcntl.h>
#include <io.h>
#endif

/* Blocks this size keep the parser in one tight loop most of the time while
 * bounding memory: a record is only ever held whole, never the file. */
#define BLOCK_SIZE (1024 * 1024)
#define DESCRIBE_MAX_CHARS 40
#define LIST_MAX_NAMES 10

G_DEFINE_QUARK (healer-dataset-error-quark, healer_dataset_error)

/* ------------------------------------------------------------------------ */
/* Standard input as a GInputStream                                          */

/* GUnixInputStream and GWin32InputStream are platform-specific; stdio is
 * everywhere and its buffering suits one big sequential read. */
#define HEALER_TYPE_STDIN_STREAM (healer_stdin_stream_get_type ())
G_DECLARE_FINAL_TYPE (HealerStdinStream, healer_stdin_stream, HEALER, STDIN_STREAM, GInputStream)

struct _HealerStdinStream
{
  GInputStream parent_instance;
};

G_DEFINE_FINAL_TYPE (HealerStdinStream, healer_stdin_stream, G_TYPE_INPUT_STREAM)

static gssize
healer_stdin_stream_read (GInputStream  *stream,
                          void          *buffer,
                          gsize          count,
                          GCancellable  *cancellable,
                          GError       **error)
{
  size_t n;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return -1;

  n = fread (buffer, 1, count, stdin);
  if (n == 0 && ferror (stdin))
    {
      int saved_errno = errno;

      clearerr (stdin);
      g_set_error_literal (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                           g_strerror (saved_errno));
      return -1;
    }
  return (gssize) n;
}

static void
healer_stdin_stream_class_init (HealerStdinStreamClass *klass)
{
  G_INPUT_STREAM_CLASS (klass)->read_fn = healer_stdin_stream_read;
}

static void
healer_stdin_stream_init (HealerStdinStream *self)
{
#ifdef G_OS_WIN32
  /* Text mode would turn CR LF into LF and stop at the first Ctrl-Z. */
  _setmode (_fileno (stdin), _O_BINARY);
#endif
}

/* ------------------------------------------------------------------------ */
/* Tables                                                                    */

static const char empty_id[] = "";

static HealerDataset *
dataset_create (const char * const *feature_names,
                gboolean            with_labels,
                gboolean            with_ids)
{
  HealerDataset *self = g_new0 (HealerDataset, 1);

  self->ref_count = 1;
  self->feature_names = g_strdupv ((char **) feature_names);
  self->n_features = g_strv_length (self->feature_names);
  /* A zero-row table still tells "labelled" from "unlabelled" by these. */
  if (with_labels)
    self->labels = g_new (gint32, 1);
  if (with_ids)
    {
      self->sample_ids = g_new (const char *, 1);
      self->ids_chunk = g_string_chunk_new (16 * 1024);
    }
  return self;
}

/* Amortised doubling; FALSE when the size would not fit in memory at all. */
static gboolean
dataset_reserve (HealerDataset *self,
                 gsize          n_rows,
                 gsize          limit)
{
  gsize row_bytes = MAX (self->n_features, 1) * sizeof (float);
  gsize want;

  if (n_rows <= self->n_allocated)
    return TRUE;
  if (n_rows > G_MAXSIZE / 2 / row_bytes)
    return FALSE;

  want = MAX (n_rows, self->n_allocated * 2);
  want = MIN (want, MAX (limit, n_rows));
  self->x = g_renew (float, self->x, want * self->n_features);
  if (self->labels != NULL)
    self->labels = g_renew (gint32, self->labels, want);
  if (self->sample_ids != NULL)
    self->sample_ids = g_renew (const char *, self->sample_ids, want);
  self->n_allocated = want;
  return TRUE;
}

HealerDataset *
healer_dataset_new (const char * const *feature_names,
                    gsize               n_rows,
                    gboolean            with_labels,
                    gboolean            with_ids)
{
  HealerDataset *self;

  g_return_val_if_fail (feature_names != NULL, NULL);

  self = dataset_create (feature_names, with_labels, with_ids);
  if (!dataset_reserve (self, n_rows, n_rows))
    g_error ("healer_dataset_new: %" G_GSIZE_FORMAT " rows do not fit in memory", n_rows);
  self->n_rows = n_rows;
  if (n_rows > 0)
    memset (self->x, 0, n_rows * self->n_features * sizeof (float));
  for (gsize i = 0; i < n_rows; i++)
    {
      if (self->labels != NULL)
        self->labels[i] = 0;
      if (self->sample_ids != NULL)
        self->sample_ids[i] = empty_id;
    }
  return self;
}

void
healer_dataset_set_sample_id (HealerDataset *self,
                              gsize          row,
                              const char    *id)
{
  g_return_if_fail (self != NULL && self->sample_ids != NULL);
  g_return_if_fail (row < self->n_rows);
  g_return_if_fail (id != NULL);

  self->sample_ids[row] = g_string_chunk_insert (self->ids_chunk, id);
}

HealerDataset *
healer_dataset_ref (HealerDataset *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
healer_dataset_unref (HealerDataset *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_strfreev (self->feature_names);
  g_free (self->x);
  g_free (self->labels);
  g_free (self->sample_ids);
  if (self->ids_chunk != NULL)
    g_string_chunk_free (self->ids_chunk);
  g_free (self->source_name);
  g_free (self);
}

const char *
healer_dataset_get_source_name (const HealerDataset *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->source_name != NULL ? self->source_name : "";
}

gboolean
healer_dataset_has_labels (const HealerDataset *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->labels != NULL;
}

int
healer_dataset_find_feature (const HealerDataset *self,
                             const char          *name)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);

  for (guint j = 0; j < self->n_features; j++)
    if (strcmp (self->feature_names[j], name) == 0)
      return (int) j;
  return -1;
}

gsize
healer_dataset_count_missing (const HealerDataset *self)
{
  gsize n = 0, total;

  g_return_val_if_fail (self != NULL, 0);

  total = self->n_rows * self->n_features;
  for (gsize i = 0; i < total; i++)
    n += isnan (self->x[i]) ? 1 : 0;
  return n;
}

/* A table shaped like @self (names from @names) holding @n_rows rows. */
static HealerDataset *
dataset_like (const HealerDataset *self,
              const char * const  *names,
              gsize                n_rows)
{
  HealerDataset *out = dataset_create (names, self->labels != NULL, self->sample_ids != NULL);

  if (!dataset_reserve (out, n_rows, n_rows))
    g_error ("healer-dataset: %" G_GSIZE_FORMAT " rows do not fit in memory", n_rows);
  out->n_rows = n_rows;
  out->source_name = g_strdup (self->source_name);
  return out;
}

static void
copy_row_meta (HealerDataset       *dst,
               gsize                i,
               const HealerDataset *src,
               gsize                r)
{
  if (src->labels != NULL)
    dst->labels[i] = src->labels[r];
  if (src->sample_ids != NULL)
    dst->sample_ids[i] = g_string_chunk_insert (dst->ids_chunk, src->sample_ids[r]);
}

HealerDataset *
healer_dataset_subset (const HealerDataset *self,
                       const gsize         *rows,
                       gsize                n_rows)
{
  HealerDataset *out;
  guint nf;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (rows != NULL || n_rows == 0, NULL);
  for (gsize i = 0; i < n_rows; i++)
    g_return_val_if_fail (rows[i] < self->n_rows, NULL);

  nf = self->n_features;
  out = dataset_like (self, (const char * const *) self->feature_names, n_rows);
  for (gsize i = 0; i < n_rows; i++)
    {
      if (nf > 0)
        memcpy (out->x + i * nf, self->x + rows[i] * nf, nf * sizeof (float));
      copy_row_meta (out, i, self, rows[i]);
    }
  return out;
}

/* "“a”, “b”, … and 3 more": enough to act on without flooding a dialog. */
static char *
format_name_list (GPtrArray *names)
{
  GString *s = g_string_new (NULL);
  guint shown = MIN (names->len, LIST_MAX_NAMES);

  for (guint i = 0; i < shown; i++)
    g_string_append_printf (s, "%s“%s”", i > 0 ? ", " : "", (const char *) names->pdata[i]);
  if (names->len > shown)
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, " and %u more", " and %u more",
                                            names->len - shown),
                            names->len - shown);
  return g_string_free (s, FALSE);
}

static char **
ptr_array_to_strv (GPtrArray *a)
{
  char **v = g_new (char *, a->len + 1);

  for (guint i = 0; i < a->len; i++)
    v[i] = g_strdup (a->pdata[i]);
  v[a->len] = NULL;
  return v;
}

HealerDataset *
healer_dataset_select_columns (const HealerDataset *self,
                               const char * const  *names,
                               gboolean             allow_missing,
                               char              ***missing,
                               char              ***extra,
                               GError             **error)
{
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GPtrArray) absent = g_ptr_array_new ();
  g_autoptr(GPtrArray) unused = g_ptr_array_new ();
  g_autofree int *source = NULL;
  g_autofree gboolean *used = NULL;
  HealerDataset *out;
  guint n_out, nf;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (names != NULL, NULL);

  nf = self->n_features;
  n_out = g_strv_length ((char **) names);
  index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint j = nf; j-- > 0;)   /* backwards: the first of equal names wins */
    g_hash_table_insert (index, self->feature_names[j], GUINT_TO_POINTER (j + 1));

  source = g_new (int, MAX (n_out, 1));
  used = g_new0 (gboolean, MAX (nf, 1));
  for (guint k = 0; k < n_out; k++)
    {
      guint j1 = GPOINTER_TO_UINT (g_hash_table_lookup (index, names[k]));

      source[k] = (int) j1 - 1;
      if (j1 == 0)
        g_ptr_array_add (absent, (gpointer) names[k]);
      else
        used[j1 - 1] = TRUE;
    }
  for (guint j = 0; j < nf; j++)
    if (!used[j])
      g_ptr_array_add (unused, self->feature_names[j]);

  if (missing != NULL)
    *missing = ptr_array_to_strv (absent);
  if (extra != NULL)
    *extra = ptr_array_to_strv (unused);

  if (absent->len > 0 && !allow_missing)
    {
      g_autofree char *list = format_name_list (absent);

      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_COLUMNS,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s: %u expected column is missing: %s; expected every column "
                                "named (columns are matched by name)",
                                "%s: %u expected columns are missing: %s; expected every column "
                                "named (columns are matched by name)",
                                absent->len),
                   healer_dataset_get_source_name (self), absent->len, list);
      return NULL;
    }

  out = dataset_like (self, names, self->n_rows);
  for (gsize i = 0; i < self->n_rows; i++)
    {
      const float *src = self->x + i * nf;
      float *dst = out->x + i * n_out;

      for (guint k = 0; k < n_out; k++)
        dst[k] = source[k] >= 0 ? src[source[k]] : NAN;
      copy_row_meta (out, i, self, i);
    }
  out->first_line = self->first_line;
  return out;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */

static void
append_csv_text (GString    *s,
                 const char *text)
{
  gsize len = strlen (text);
  gboolean quote = len > 0 && (strpbrk (text, ",\"\r\n") != NULL ||
                               text[0] == ' ' || text[0] == '\t' ||
                               text[len - 1] == ' ' || text[len - 1] == '\t');

  if (!quote)
    {
      g_string_append_len (s, text, len);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

gboolean
healer_dataset_save_csv (const HealerDataset *self,
                         const char          *path,
                         GError             **error)
{
  g_autoptr(GString) s = NULL;
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  guint nf;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  nf = self->n_features;
  s = g_string_sized_new (64 + self->n_rows * (nf * 12 + 16));
  if (self->sample_ids != NULL)
    g_string_append (s, "sample_id,");
  for (guint j = 0; j < nf; j++)
    {
      if (j > 0)
        g_string_append_c (s, ',');
      append_csv_text (s, self->feature_names[j]);
    }
  if (self->labels != NULL)
    g_string_append (s, ",label");
  g_string_append_c (s, '\n');

  for (gsize i = 0; i < self->n_rows; i++)
    {
      const float *row = healer_dataset_row (self, i);

      if (self->sample_ids != NULL)
        {
          append_csv_text (s, self->sample_ids[i]);
          g_string_append_c (s, ',');
        }
      for (guint j = 0; j < nf; j++)
        {
          if (j > 0)
            g_string_append_c (s, ',');
          /* Nine significant digits bring every float back bit for bit. */
          if (!isnan (row[j]))
            g_string_append (s, g_ascii_formatd (num, sizeof num, "%.9g", row[j]));
        }
      if (self->labels != NULL)
        g_string_append_printf (s, ",%d", (int) self->labels[i]);
      g_string_append_c (s, '\n');
    }

  return g_file_set_contents_full (path, s->str, (gssize) s->len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0666, error);
}

/* ------------------------------------------------------------------------ */
/* Numbers                                                                   */

static const double pow10_table[23] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static inline gboolean
is_digit (char c)
{
  return (guint) (c - '0') < 10;
}

/* Parses a decimal number at @p and returns where it stopped, or NULL when
 * the text is not a plain decimal or the fast path cannot promise the result
 * of (float) g_ascii_strtod(); the caller then takes the slow path. The
 * buffer must end with a NUL, which stops every loop here. */
static inline const char *
parse_decimal (const char *p,
               float      *out)
{
  gboolean negative = FALSE, any_digit = FALSE;
  guint64 mantissa = 0, bits;
  int n_digits = 0, exp10 = 0;
  double d;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }
  else if (*p == '+')
    p++;

  for (; *p == '0'; p++)
    any_digit = TRUE;
  for (; is_digit (*p); p++, n_digits++)
    {
      if (n_digits == 19)
        return NULL;
      mantissa = mantissa * 10 + (guint) (*p - '0');
      any_digit = TRUE;
    }
  if (*p == '.')
    {
      p++;
      if (mantissa == 0)
        for (; *p == '0'; p++, exp10--)
          any_digit = TRUE;
      for (; is_digit (*p); p++, n_digits++, exp10--)
        {
          if (n_digits == 19)
            return NULL;
          mantissa = mantissa * 10 + (guint) (*p - '0');
          any_digit = TRUE;
        }
    }
  if (!any_digit)
    return NULL;
  if (*p == 'e' || *p == 'E')
    {
      gboolean exp_negative = FALSE;
      int e = 0;

      p++;
      if (*p == '-')
        {
          exp_negative = TRUE;
          p++;
        }
      else if (*p == '+')
        p++;
      if (!is_digit (*p))
        return NULL;
      for (; is_digit (*p); p++)
        if (e < 100000)
          e = e * 10 + (*p - '0');
      exp10 += exp_negative ? -e : e;
    }

  if (mantissa == 0)
    {
      *out = negative ? -0.0f : 0.0f;
      return p;
    }

  /* Powers up to 1e22 are exact doubles, so this is one or two roundings. */
  d = (double) mantissa;
  if (exp10 > 0)
    {
      if (exp10 <= 22)
        d *= pow10_table[exp10];
      else if (exp10 <= 44)
        d = d * 1e22 * pow10_table[exp10 - 22];
      else
        return NULL;
    }
  else if (exp10 < 0)
    {
      if (exp10 >= -22)
        d /= pow10_table[-exp10];
      else if (exp10 >= -44)
        d = d / 1e22 / pow10_table[-exp10 - 22];
      else
        return NULL;
    }

  /* Subnormal floats round at another bit; overflow needs a message. */
  if (!(d >= 0x1p-126 && d <= 0x1.fffffep127))
    return NULL;
  /* d is within two units in the last place of the correctly rounded double,
   * so unless it sits next to a midpoint between two floats it rounds to the
   * same float as strtod's result would. */
  memcpy (&bits, &d, sizeof bits);
  if ((guint32) (bits & 0x1fffffff) - (0x10000000u - 16) <= 32u)
    return NULL;

  *out = negative ? -(float) d : (float) d;
  return p;
}

/* [+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?, whole text */
static gboolean
is_decimal_syntax (const char *t)
{
  gboolean digits = FALSE;

  if (*t == '+' || *t == '-')
    t++;
  for (; is_digit (*t); t++)
    digits = TRUE;
  if (*t == '.')
    for (t++; is_digit (*t); t++)
      digits = TRUE;
  if (!digits)
    return FALSE;
  if (*t == 'e' || *t == 'E')
    {
      t++;
      if (*t == '+' || *t == '-')
        t++;
      if (!is_digit (*t))
        return FALSE;
      while (is_digit (*t))
        t++;
    }
  return *t == '\0';
}

static gboolean
is_infinity_text (const char *t)
{
  if (*t == '+' || *t == '-')
    t++;
  return g_ascii_strcasecmp (t, "inf") == 0 || g_ascii_strcasecmp (t, "infinity") == 0;
}

static gboolean
is_missing_text (const char *t,
                 gsize       len)
{
  static const char * const markers[] = { "NA", "NaN", "N/A", "null", "#N/A" };

  if (len == 0)
    return TRUE;
  if (len > 4)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    if (g_ascii_strcasecmp (t, markers[i]) == 0)
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------ */
/* Reader                                                                    */

typedef enum
{
  ROLE_FEATURE,
  ROLE_ID,
  ROLE_LABEL,
} ColumnRole;

typedef enum
{
  STEP_OK,
  STEP_BLANK,   /* an empty line, skipped */
  STEP_MORE,    /* the record runs past the buffer: read more and parse again */
  STEP_ERROR,
} Step;

struct _HealerCsvReader
{
  GInputStream *stream;
  char *name;               /* display name for messages */
  guint64 size;             /* 0 when unknown */
  guint64 offset;           /* stream offset of buf[0] */
  char *buf;                /* buf[len] is always NUL: the scanners stop on it */
  gsize cap;
  gsize len;
  gsize pos;                /* start of the next record */
  gboolean eof;
  gboolean failed;
  gsize line;               /* physical line number at pos, 1-based */
  gsize header_line;        /* where the header starts */
  gsize header_end_line;    /* line after the header */
  guint n_cols;
  guint8 *roles;
  char **column_names;      /* all columns, for messages */
  char **feature_names;
  guint n_features;
  gboolean has_ids;
  gboolean has_labels;
  char scratch[HEALER_CSV_MAX_FIELD + 1];
};

/* Position inside the record being parsed. */
typedef struct
{
  HealerCsvReader *r;
  const char *end;          /* r->buf + r->len */
  gsize line;
  guint col;                /* 0-based field index */
} Ctx;

typedef struct
{
  float *x;
  gint32 *label;
  const char **id;
  GStringChunk *ids;
} RowOut;

static void set_error_at (HealerCsvReader    *r,
                          GError            **error,
                          HealerDatasetError  code,
                          gsize               line,
                          guint               column,
                          const char         *format,
                          ...) G_GNUC_PRINTF (6, 7);

static void
set_error_at (HealerCsvReader    *r,
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
static char *
describe_text (const char *text,
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

static char *
describe_column (HealerCsvReader *r,
                 guint            col)
{
  const char *name = r->column_names[col];

  return describe_text (name, strlen (name));
}

/* 1-based field index of byte @offset in the line at @line, for messages
 * about raw bytes found before the fields are split. */
static guint
field_index_at (const char *line,
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

static gboolean
reader_fill (HealerCsvReader  *r,
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
  if (r->cap - r->len < BLOCK_SIZE + 1)
    {
      r->cap = MAX (r->cap * 2, r->len + BLOCK_SIZE + 1);
      r->buf = g_realloc (r->buf, r->cap);
    }

  if (!g_input_stream_read_all (r->stream, r->buf + r->len, BLOCK_SIZE, &got,
                                cancellable, &local))
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_IO,
                     _("%s: could not read the file: %s"), r->name, local->message);
      return FALSE;
    }
  /* read_all only comes back short at the end of the stream. */
  r->eof = got < BLOCK_SIZE;
  r->len += got;
  r->buf[r->len] = '\0';
  return TRUE;
}

static void
set_line_too_long (HealerCsvReader  *r,
                   gsize             line,
                   GError          **error)
{
  set_error_at (r, error, HEALER_DATASET_ERROR_LINE_TOO_LONG, line, 1,
                _("line is longer than %d bytes; expected shorter lines (is this a CSV file?)"),
                HEALER_CSV_MAX_LINE);
}

/* Makes sure the physical line at pos is complete in the buffer (or runs to
 * the end of input), so the parsers rarely have to start over. */
static gboolean
reader_ensure_line (HealerCsvReader  *r,
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
              set_line_too_long (r, r->line, error);
              return FALSE;
            }
          return TRUE;
        }
      if (r->len - r->pos > HEALER_CSV_MAX_LINE)
        {
          set_line_too_long (r, r->line, error);
          return FALSE;
        }
      if (r->eof)
        return TRUE;
      scanned = r->len - r->pos;
      if (!reader_fill (r, cancellable, error))
        return FALSE;
    }
}

static inline gboolean
at_field_end (const Ctx  *c,
              const char *p)
{
  switch (*p)
    {
    case ',':
    case '\n':
      return TRUE;
    case '\r':
      return p[1] == '\n';
    case '\0':
      return p == c->end && c->r->eof;
    default:
      return FALSE;
    }
}

static Step
field_error_binary (Ctx     *c,
                    GError **error)
{
  set_error_at (c->r, error, HEALER_DATASET_ERROR_ENCODING, c->line, c->col + 1,
                _("a NUL byte, so this looks like a binary file; expected CSV text"));
  return STEP_ERROR;
}

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
            return field_error_binary (c, error);
          if (!r->eof)
            return STEP_MORE;
          set_error_at (r, error, HEALER_DATASET_ERROR_QUOTE, open_line, c->col + 1,
                        _("a quoted cell that is never closed; expected a closing quote (\")"));
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
            set_error_at (r, error, HEALER_DATASET_ERROR_QUOTE, open_line, c->col + 1,
                          _("a quoted cell that runs over several lines for more than %d bytes; "
                            "expected a closing quote (\") — is one missing?"),
                          HEALER_CSV_MAX_FIELD);
          else
            set_error_at (r, error, HEALER_DATASET_ERROR_TOO_LARGE, open_line, c->col + 1,
                          _("a cell longer than %d bytes; expected shorter cells"),
                          HEALER_CSV_MAX_FIELD);
          return STEP_ERROR;
        }
      r->scratch[n++] = ch;
      p++;
    }

  for (p++; *p == ' ' || *p == '\t'; p++)
    ;
  if (!at_field_end (c, p))
    {
      if (*p == '\0' && p == c->end)
        return STEP_MORE;
      if (*p == '\0')
        return field_error_binary (c, error);
      {
        g_autofree char *what = describe_text (p, strcspn (p, ",\r\n"));

        set_error_at (r, error, HEALER_DATASET_ERROR_QUOTE, c->line, c->col + 1,
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
static Step
scan_field (Ctx         *c,
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
            return field_error_binary (c, error);
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
      set_error_at (r, error, HEALER_DATASET_ERROR_TOO_LARGE, c->line, c->col + 1,
                    _("a cell longer than %d bytes; expected shorter cells"), HEALER_CSV_MAX_FIELD);
      return STEP_ERROR;
    }
  memcpy (r->scratch, start, n);
  r->scratch[n] = '\0';
  *out_len = n;
  *pp = p;
  return STEP_OK;
}

/* ------------------------------------------------------------------------ */
/* Cells                                                                     */

static Step
number_error (Ctx        *c,
              const char *text,
              gsize       len,
              GError    **error)
{
  g_autofree char *what = describe_text (text, len);
  g_autofree char *column = describe_column (c->r, c->col);

  if (is_infinity_text (text))
    set_error_at (c->r, error, HEALER_DATASET_ERROR_NUMBER, c->line, c->col + 1,
                  _("%s in column %s is not a finite number; expected a decimal number, "
                    "or an empty cell for a missing value"), what, column);
  else if (is_decimal_syntax (text))
    set_error_at (c->r, error, HEALER_DATASET_ERROR_NUMBER, c->line, c->col + 1,
                  _("%s in column %s is not a finite number: it is too large for a 32-bit "
                    "float; expected a number between -3.4e38 and 3.4e38, or an empty cell "
                    "for a missing value"), what, column);
  else if (strchr (text, ',') != NULL)
    set_error_at (c->r, error, HEALER_DATASET_ERROR_NUMBER, c->line, c->col + 1,
                  _("%s in column %s is not a number; expected a decimal number with a dot "
                    "as decimal separator, or an empty cell for a missing value"), what, column);
  else
    set_error_at (c->r, error, HEALER_DATASET_ERROR_NUMBER, c->line, c->col + 1,
                  _("%s in column %s is not a number; expected a decimal number, "
                    "or an empty cell for a missing value"), what, column);
  return STEP_ERROR;
}

static Step
read_feature_slow (Ctx         *c,
                   const char **pp,
                   float       *dst,
                   GError     **error)
{
  const char *text = c->r->scratch;
  gsize len, start_line = c->line, end_line;
  double d;
  Step step;

  step = scan_field (c, pp, &len, error);
  if (step != STEP_OK)
    return step;
  if (is_missing_text (text, len))
    {
      *dst = NAN;
      return STEP_OK;
    }
  /* A quoted cell may span lines: messages point at where it starts. */
  end_line = c->line;
  c->line = start_line;
  if (!is_decimal_syntax (text))
    return number_error (c, text, len, error);

  d = g_ascii_strtod (text, NULL);
  /* Underflow to zero is fine; overflow is not a value. */
  if (isinf (d) || isinf ((float) d))
    return number_error (c, text, len, error);
  c->line = end_line;
  *dst = (float) d;
  return STEP_OK;
}

static inline Step
read_feature (Ctx         *c,
              const char **pp,
              float       *dst,
              GError     **error)
{
  const char *p = *pp, *e;
  float v;

  while (*p == ' ' || *p == '\t')
    p++;
  e = parse_decimal (p, &v);
  if (G_LIKELY (e != NULL))
    {
      while (*e == ' ' || *e == '\t')
        e++;
      if (G_LIKELY (at_field_end (c, e)))
        {
          *dst = v;
          *pp = e;
          return STEP_OK;
        }
    }
  else if (at_field_end (c, p))
    {
      *dst = NAN;
      *pp = p;
      return STEP_OK;
    }
  return read_feature_slow (c, pp, dst, error);
}

typedef enum
{
  LABEL_NOT_INTEGER,
  LABEL_NEGATIVE,
  LABEL_TOO_LARGE,
} LabelProblem;

static Step
label_error (Ctx          *c,
             const char   *text,
             gsize         len,
             LabelProblem  problem,
             GError      **error)
{
  g_autofree char *what = describe_text (text, len);
  g_autofree char *column = describe_column (c->r, c->col);

  switch (problem)
    {
    case LABEL_NEGATIVE:
      set_error_at (c->r, error, HEALER_DATASET_ERROR_LABEL, c->line, c->col + 1,
                    _("%s in column %s is negative; expected a class id, an integer "
                      "from 0 to %d"), what, column, HEALER_LABEL_MAX);
      break;
    case LABEL_TOO_LARGE:
      set_error_at (c->r, error, HEALER_DATASET_ERROR_LABEL, c->line, c->col + 1,
                    _("%s in column %s is too large for a class id; expected an integer "
                      "from 0 to %d"), what, column, HEALER_LABEL_MAX);
      break;
    default:
      set_error_at (c->r, error, HEALER_DATASET_ERROR_LABEL, c->line, c->col + 1,
                    _("%s in column %s is not a class id; expected an integer from 0 to %d"),
                    what, column, HEALER_LABEL_MAX);
      break;
    }
  return STEP_ERROR;
}

static Step
read_label_slow (Ctx         *c,
                 const char **pp,
                 gint32      *dst,
                 GError     **error)
{
  const char *text = c->r->scratch, *t;
  gboolean negative = FALSE, digits = FALSE;
  guint value = 0;
  gsize len, start_line = c->line, end_line;
  Step step;

  step = scan_field (c, pp, &len, error);
  if (step != STEP_OK)
    return step;
  end_line = c->line;
  c->line = start_line;
  if (is_missing_text (text, len))
    {
      g_autofree char *column = describe_column (c->r, c->col);

      set_error_at (c->r, error, HEALER_DATASET_ERROR_LABEL, c->line, c->col + 1,
                    _("the label in column %s is missing; expected a class id, an integer "
                      "from 0 to %d (every row of a labelled file needs one)"),
                    column, HEALER_LABEL_MAX);
      return STEP_ERROR;
    }

  t = text;
  if (*t == '+' || *t == '-')
    negative = *t++ == '-';
  for (; is_digit (*t); t++)
    {
      digits = TRUE;
      if (value <= HEALER_LABEL_MAX)
        value = value * 10 + (guint) (*t - '0');
    }
  /* Tools that went through floating point write 3 as "3.0". */
  if (digits && *t == '.')
    for (t++; *t == '0'; t++)
      ;
  if (!digits || *t != '\0')
    return label_error (c, text, len, LABEL_NOT_INTEGER, error);
  if (negative && value != 0)
    return label_error (c, text, len, LABEL_NEGATIVE, error);
  if (value > HEALER_LABEL_MAX)
    return label_error (c, text, len, LABEL_TOO_LARGE, error);
  c->line = end_line;
  *dst = (gint32) value;
  return STEP_OK;
}

static inline Step
read_label (Ctx         *c,
            const char **pp,
            gint32      *dst,
            GError     **error)
{
  const char *p = *pp;
  guint value = 0, n = 0;

  while (*p == ' ' || *p == '\t')
    p++;
  for (; n < 5 && is_digit (*p); p++, n++)
    value = value * 10 + (guint) (*p - '0');
  while (*p == ' ' || *p == '\t')
    p++;
  if (n > 0 && value <= HEALER_LABEL_MAX && at_field_end (c, p))
    {
      *dst = (gint32) value;
      *pp = p;
      return STEP_OK;
    }
  return read_label_slow (c, pp, dst, error);
}

static Step
read_id (Ctx          *c,
         const char  **pp,
         const RowOut *out,
         GError      **error)
{
  const char *text = c->r->scratch;
  gsize len;
  Step step;

  step = scan_field (c, pp, &len, error);
  if (step != STEP_OK)
    return step;
  if (G_LIKELY (g_utf8_validate (text, (gssize) len, NULL)))
    {
      *out->id = g_string_chunk_insert_len (out->ids, text, (gssize) len);
    }
  else
    {
      /* An id is only shown back to the user: mend it rather than refuse the file. */
      g_autofree char *valid = g_utf8_make_valid (text, (gssize) len);

      *out->id = g_string_chunk_insert (out->ids, valid);
    }
  return STEP_OK;
}

/* ------------------------------------------------------------------------ */
/* Records                                                                   */

/* Moves past the line break at @p, if any; returns the new position. */
static const char *
skip_line_break (Ctx        *c,
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

static Step
ragged_error (Ctx         *c,
              const char  *p,
              guint        found,
              GError     **error)
{
  HealerCsvReader *r = c->r;

  if (found < r->n_cols)
    {
      set_error_at (r, error, HEALER_DATASET_ERROR_RAGGED, c->line, found + 1,
                    g_dngettext (GETTEXT_PACKAGE,
                                 "line has only %u field; expected %u, one per column of the header",
                                 "line has only %u fields; expected %u, one per column of the header",
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
      step = scan_field (c, &p, &len, NULL);
      if (step == STEP_MORE)
        return STEP_MORE;
      if (step == STEP_ERROR)
        break;
    }
  set_error_at (r, error, HEALER_DATASET_ERROR_RAGGED, c->line, r->n_cols + 1,
                _("line has %u fields; expected %u, one per column of the header"),
                found, r->n_cols);
  return STEP_ERROR;
}

static Step
parse_record (HealerCsvReader  *r,
              const RowOut     *out,
              GError          **error)
{
  Ctx c = { r, r->buf + r->len, r->line, 0 };
  const char *p = r->buf + r->pos, *q = p;
  const guint8 *roles = r->roles;
  float *dst = out->x;
  guint n_cols = r->n_cols;

  while (*q == ' ' || *q == '\t')
    q++;
  if (*q == '\n' || (*q == '\r' && q[1] == '\n') || (*q == '\0' && q == c.end && r->eof))
    {
      q = skip_line_break (&c, q);
      r->pos = q - r->buf;
      r->line = c.line;
      return STEP_BLANK;
    }

  for (guint col = 0;; col++)
    {
      Step step;

      c.col = col;
      switch (roles[col])
        {
        case ROLE_FEATURE:
          step = read_feature (&c, &p, dst++, error);
          break;
        case ROLE_LABEL:
          step = read_label (&c, &p, out->label, error);
          break;
        default:
          step = read_id (&c, &p, out, error);
          break;
        }
      if (G_UNLIKELY (step != STEP_OK))
        return step;

      if (*p == ',')
        {
          if (G_UNLIKELY (col + 1 == n_cols))
            return ragged_error (&c, p, n_cols, error);
          p++;
          continue;
        }
      /* End of the record: a line break, or the end of the input. */
      if (G_UNLIKELY (col + 1 < n_cols))
        return ragged_error (&c, p, col + 1, error);
      p = skip_line_break (&c, p);
      r->pos = p - r->buf;
      r->line = c.line;
      return STEP_OK;
    }
}

static gboolean
reader_need_more (HealerCsvReader  *r,
                  GCancellable     *cancellable,
                  GError          **error)
{
  /* Only a quoted cell spanning lines gets here; bound the whole record. */
  if (r->len - r->pos > HEALER_CSV_MAX_LINE || r->eof)
    {
      set_line_too_long (r, r->line, error);
      return FALSE;
    }
  return reader_fill (r, cancellable, error);
}

/* Appends up to @max_rows rows to @ds. */
static gboolean
reader_read_rows (HealerCsvReader  *r,
                  HealerDataset    *ds,
                  gsize             max_rows,
                  GCancellable     *cancellable,
                  GError          **error)
{
  guint nf = r->n_features;
  gint32 dummy_label;
  const char *dummy_id;

  while (ds->n_rows < max_rows)
    {
      RowOut out;
      gsize line = r->line;
      Step step;

      if (!reader_ensure_line (r, cancellable, error))
        return FALSE;
      if (r->pos == r->len && r->eof)
        break;
      if (G_UNLIKELY (ds->n_rows == ds->n_allocated) &&
          !dataset_reserve (ds, ds->n_rows + 1, max_rows))
        {
          set_error_at (r, error, HEALER_DATASET_ERROR_TOO_LARGE, r->line, 1,
                        _("too many rows to hold in memory; expected a smaller file"));
          return FALSE;
        }

      out.x = ds->x + ds->n_rows * nf;
      out.label = ds->labels != NULL ? &ds->labels[ds->n_rows] : &dummy_label;
      out.id = ds->sample_ids != NULL ? &ds->sample_ids[ds->n_rows] : &dummy_id;
      out.ids = ds->ids_chunk;

      step = parse_record (r, &out, error);
      switch (step)
        {
        case STEP_OK:
          if (ds->n_rows == 0)
            ds->first_line = line;
          ds->n_rows++;
          break;
        case STEP_BLANK:
          break;
        case STEP_MORE:
          if (!reader_need_more (r, cancellable, error))
            return FALSE;
          break;
        default:
          return FALSE;
        }
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Header                                                                    */

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
      set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, 1, 1,
                    _("file is UTF-16; save it as UTF-8"));
      return FALSE;
    }
  if (n >= 4 && memcmp (b, "PK\3\4", 4) == 0)
    {
      set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, 1, 1,
                    _("file is a ZIP archive (an Excel workbook?); expected CSV text — "
                      "save it as “CSV UTF-8”"));
      return FALSE;
    }
  if (n >= 2 && b[0] == 0x1f && b[1] == 0x8b)
    {
      set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, 1, 1,
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

      if (!reader_ensure_line (r, cancellable, error))
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
        set_error_at (r, error, HEALER_DATASET_ERROR_EMPTY, 1, 1,
                      _("file is empty; expected a header line with column names, then rows of values"));
      else
        set_error_at (r, error, HEALER_DATASET_ERROR_EMPTY, 1, 1,
                      _("file is empty (only blank lines); expected a header line with column "
                        "names, then rows of values"));
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

  if (nul != NULL)
    {
      set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, r->line,
                    field_index_at (line, nul - line),
                    _("a NUL byte in the header, so this looks like a binary file; expected CSV text"));
      return FALSE;
    }
  if (!g_utf8_validate (line, (gssize) n, &bad))
    {
      set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, r->line,
                    field_index_at (line, bad - line),
                    _("the header is not valid UTF-8 text (byte 0x%02X); expected a CSV file "
                      "saved as UTF-8"),
                    (guint) (guchar) *bad);
      return FALSE;
    }
  if (cr != NULL && (gsize) (cr - line) + 1 < n)
    {
      set_error_at (r, error, HEALER_DATASET_ERROR_ENCODING, r->line,
                    field_index_at (line, cr - line),
                    _("lines end with a lone carriage return (old Mac format); expected LF or "
                      "CR LF line endings"));
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
      step = scan_field (&c, &p, &len, error);
      if (step != STEP_OK)
        return step;
      g_ptr_array_add (names, g_strndup (r->scratch, len));
      if (*p != ',')
        break;
      if (names->len == HEALER_CSV_MAX_COLUMNS)
        {
          set_error_at (r, error, HEALER_DATASET_ERROR_TOO_LARGE, c.line, names->len + 1,
                        _("the header has more than %d columns; expected at most %d"),
                        HEALER_CSV_MAX_COLUMNS, HEALER_CSV_MAX_COLUMNS);
          return STEP_ERROR;
        }
      p++;
    }
  p = skip_line_break (&c, p);
  r->pos = p - r->buf;
  r->line = c.line;
  return STEP_OK;
}

static gboolean
header_error (HealerCsvReader    *r,
              GError            **error,
              HealerDatasetError  code,
              guint               column,
              const char         *format,
              ...) G_GNUC_PRINTF (5, 6);

static gboolean
header_error (HealerCsvReader    *r,
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
  set_error_at (r, error, code, r->header_line, column, "%s", what);
  return FALSE;
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
      g_autofree char *what = describe_text (name, strlen (name));
      int *role_col = NULL;
      gpointer prev;

      if (*name == '\0')
        {
          if (i == 0 && r->n_cols > 1)
            return header_error (r, error, HEALER_DATASET_ERROR_HEADER, i + 1,
                                 _("column 1 has no name (a row index saved by pandas? "
                                   "save with index=False); expected a name for every column"));
          if (i + 1 == r->n_cols && r->n_cols > 1)
            return header_error (r, error, HEALER_DATASET_ERROR_HEADER, i + 1,
                                 _("the last column has no name (a comma at the end of the "
                                   "header?); expected a name for every column"));
          return header_error (r, error, HEALER_DATASET_ERROR_HEADER, i + 1,
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
            return header_error (r, error, HEALER_DATASET_ERROR_HEADER, i + 1,
                                 _("column name %s appears twice, in columns %d and %u; "
                                   "expected unique column names"),
                                 what, *role_col + 1, i + 1);
          *role_col = (int) i;
          r->roles[i] = role_col == &id_col ? ROLE_ID : ROLE_LABEL;
          continue;
        }

      if (g_hash_table_lookup_extended (seen, name, NULL, &prev))
        return header_error (r, error, HEALER_DATASET_ERROR_HEADER, i + 1,
                             _("column name %s appears twice, in columns %u and %u; "
                               "expected unique column names"),
                             what, GPOINTER_TO_UINT (prev) + 1, i + 1);
      g_hash_table_insert (seen, (gpointer) name, GUINT_TO_POINTER (i));
      r->roles[i] = ROLE_FEATURE;
      g_ptr_array_add (features, g_strdup (name));
    }

  if (r->n_cols == 1 && strpbrk (names->pdata[0], ";\t") != NULL)
    {
      g_autofree char *what = describe_text (names->pdata[0], strlen (names->pdata[0]));

      return header_error (r, error, HEALER_DATASET_ERROR_HEADER, 1,
                           _("the header is a single column %s; expected columns separated "
                             "by commas (this file seems to use semicolons or tabs)"), what);
    }
  if (features->len == 0)
    return header_error (r, error, HEALER_DATASET_ERROR_HEADER, 1,
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

static gboolean
reader_read_header (HealerCsvReader  *r,
                    GCancellable     *cancellable,
                    GError          **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

  if (!reader_fill (r, cancellable, error) ||
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
      if (!reader_need_more (r, cancellable, error))
        return FALSE;
    }
  r->header_end_line = r->line;
  return setup_columns (r, names, error);
}

/* ------------------------------------------------------------------------ */
/* Public reader API                                                         */

static guint64
stream_size (GInputStream *stream,
             GCancellable *cancellable)
{
  if (G_IS_FILE_INPUT_STREAM (stream))
    {
      g_autoptr(GFileInfo) info =
        g_file_input_stream_query_info (G_FILE_INPUT_STREAM (stream),
                                        G_FILE_ATTRIBUTE_STANDARD_SIZE, cancellable, NULL);

      if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
        return (guint64) g_file_info_get_size (info);
    }
  if (G_IS_SEEKABLE (stream) && g_seekable_can_seek (G_SEEKABLE (stream)))
    {
      GSeekable *seekable = G_SEEKABLE (stream);
      goffset here = g_seekable_tell (seekable), end;

      if (g_seekable_seek (seekable, 0, G_SEEK_END, cancellable, NULL))
        {
          end = g_seekable_tell (seekable);
          if (g_seekable_seek (seekable, here, G_SEEK_SET, cancellable, NULL) && end > here)
            return (guint64) (end - here);
        }
    }
  return 0;
}

static HealerCsvReader *
reader_new_take (GInputStream  *stream,
                 char          *name,
                 guint64        size,
                 GCancellable  *cancellable,
                 GError       **error)
{
  HealerCsvReader *r = g_new0 (HealerCsvReader, 1);

  r->stream = stream;
  r->name = name;
  r->size = size;
  r->line = 1;
  r->cap = BLOCK_SIZE + 1;
  r->buf = g_malloc (r->cap);
  r->buf[0] = '\0';
  if (!reader_read_header (r, cancellable, error))
    {
      healer_csv_reader_free (r);
      return NULL;
    }
  return r;
}

HealerCsvReader *
healer_csv_reader_new (GInputStream  *stream,
                       const char    *name,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);

  return reader_new_take (g_object_ref (stream), g_strdup (name != NULL ? name : _("input")),
                          stream_size (stream, cancellable), cancellable, error);
}

HealerCsvReader *
healer_csv_reader_new_for_path (const char    *path,
                                GCancellable  *cancellable,
                                GError       **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) local = NULL;
  GFileInputStream *in;
  char *name;

  g_return_val_if_fail (path != NULL, NULL);

  if (strcmp (path, "-") == 0)
    return reader_new_take (g_object_new (HEALER_TYPE_STDIN_STREAM, NULL),
                            g_strdup (_("standard input")), 0, cancellable, error);

  name = g_filename_display_basename (path);
  file = g_file_new_for_path (path);
  in = g_file_read (file, cancellable, &local);
  if (in == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_IO,
                     _("%s: could not open the file: %s"), name, local->message);
      g_free (name);
      return NULL;
    }
  return reader_new_take (G_INPUT_STREAM (in), name,
                          stream_size (G_INPUT_STREAM (in), cancellable), cancellable, error);
}

void
healer_csv_reader_free (HealerCsvReader *reader)
{
  if (reader == NULL)
    return;
  g_clear_object (&reader->stream);
  g_free (reader->name);
  g_free (reader->buf);
  g_free (reader->roles);
  g_strfreev (reader->column_names);
  g_strfreev (reader->feature_names);
  g_free (reader);
}

const char * const *
healer_csv_reader_get_feature_names (HealerCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, NULL);

  return (const char * const *) reader->feature_names;
}

gboolean
healer_csv_reader_has_labels (HealerCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, FALSE);

  return reader->has_labels;
}

guint64
healer_csv_reader_get_bytes_read (HealerCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->offset + reader->pos;
}

guint64
healer_csv_reader_get_size (HealerCsvReader *reader)
{
  g_return_val_if_fail (reader != NULL, 0);

  return reader->size;
}

static HealerDataset *
reader_new_dataset (HealerCsvReader *r)
{
  HealerDataset *ds = dataset_create ((const char * const *) r->feature_names,
                                      r->has_labels, r->has_ids);

  ds->source_name = g_strdup (r->name);
  ds->first_line = r->line;
  return ds;
}

/* Some 256 KiB of rows to start with: no waste on small files, and the
 * first allocation is bounded by the header's size however wide it is. */
static gsize
initial_rows (HealerCsvReader *r)
{
  return MAX (65536 / r->n_features, 1);
}

HealerDataset *
healer_csv_reader_read_chunk (HealerCsvReader  *reader,
                              gsize             max_rows,
                              GCancellable     *cancellable,
                              GError          **error)
{
  g_autoptr(HealerDataset) ds = NULL;

  g_return_val_if_fail (reader != NULL, NULL);
  g_return_val_if_fail (max_rows > 0, NULL);

  if (reader->failed)
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_IO,
                   _("%s: cannot read on after an earlier error"), reader->name);
      return NULL;
    }
  ds = reader_new_dataset (reader);
  dataset_reserve (ds, MIN (max_rows, initial_rows (reader)), max_rows);
  if (!reader_read_rows (reader, ds, max_rows, cancellable, error))
    {
      reader->failed = TRUE;
      return NULL;
    }
  return g_steal_pointer (&ds);
}

/* ------------------------------------------------------------------------ */
/* Whole files                                                               */

static HealerDataset *
load_from_reader (HealerCsvReader  *r,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(HealerDataset) ds = reader_new_dataset (r);

  dataset_reserve (ds, initial_rows (r), G_MAXSIZE);
  if (!reader_read_rows (r, ds, G_MAXSIZE, cancellable, error))
    return NULL;
  if (ds->n_rows == 0)
    {
      set_error_at (r, error, HEALER_DATASET_ERROR_NO_ROWS, r->header_end_line, 1,
                    _("the file has a header but no data rows; expected at least one row "
                      "of values after the header"));
      return NULL;
    }
  /* Give back the slack of the last doubling. */
  if (ds->n_allocated > ds->n_rows)
    {
      ds->n_allocated = ds->n_rows;
      ds->x = g_renew (float, ds->x, ds->n_rows * ds->n_features);
      if (ds->labels != NULL)
        ds->labels = g_renew (gint32, ds->labels, ds->n_rows);
      if (ds->sample_ids != NULL)
        ds->sample_ids = g_renew (const char *, ds->sample_ids, ds->n_rows);
    }
  return g_steal_pointer (&ds);
}

HealerDataset *
healer_dataset_load (const char    *path,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(HealerCsvReader) reader = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  reader = healer_csv_reader_new_for_path (path, cancellable, error);
  if (reader == NULL)
    return NULL;
  return load_from_reader (reader, cancellable, error);
}

HealerDataset *
healer_dataset_load_from_data (const char  *name,
                               const char  *data,
                               gsize        len,
                               GError     **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(HealerCsvReader) reader = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  stream = g_memory_input_stream_new_from_data (len > 0 ? data : "", (gssize) len, NULL);
  reader = healer_csv_reader_new (stream, name, NULL, error);
  if (reader == NULL)
    return NULL;
  return load_from_reader (reader, NULL, error);
}
