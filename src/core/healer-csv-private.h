/* healer-csv-private.h — internals shared by the CSV reader's files
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "healer-dataset.h"

G_BEGIN_DECLS

/* Blocks this size keep the parser in one tight loop most of the time while
 * bounding memory: a record is only ever held whole, never the file. */
#define HEALER_CSV_BLOCK_SIZE (1024 * 1024)

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

typedef enum
{
  LABEL_NOT_INTEGER,
  LABEL_NEGATIVE,
  LABEL_TOO_LARGE,
} LabelProblem;

/* healer-dataset.c */
HealerDataset *healer_dataset_create (const char * const *feature_names,
                                      gboolean            with_labels,
                                      gboolean            with_ids);
gboolean healer_dataset_reserve (HealerDataset *self,
                                 gsize          n_rows,
                                 gsize          limit);
/* Row ds->n_rows, about to be appended, starts at file line @line. */
void     healer_dataset_note_line (HealerDataset *self,
                                   gsize          line);

/* healer-csv-errors.c */
void healer_csv_set_error_at (HealerCsvReader    *r,
                              GError            **error,
                              HealerDatasetError  code,
                              gsize               line,
                              guint               column,
                              const char         *format,
                              ...) G_GNUC_PRINTF (6, 7);
char *healer_csv_describe_text (const char *text,
                                gsize       len);
char *healer_csv_describe_column (HealerCsvReader *r,
                                  guint            col);
guint healer_csv_field_index_at (const char *line,
                                 gsize       offset);
void healer_csv_set_line_too_long (HealerCsvReader  *r,
                                   gsize             line,
                                   GError          **error);
Step healer_csv_field_error_binary (Ctx     *c,
                                    GError **error);
Step healer_csv_number_error (Ctx        *c,
                              const char *text,
                              gsize       len,
                              GError    **error);
Step healer_csv_label_error (Ctx          *c,
                             const char   *text,
                             gsize         len,
                             LabelProblem  problem,
                             GError      **error);
Step healer_csv_cell_error (Ctx     *c,
                            GError **error);
Step healer_csv_ragged_error (Ctx     *c,
                              guint    found,
                              GError **error);
gboolean healer_csv_header_error (HealerCsvReader    *r,
                                  GError            **error,
                                  HealerDatasetError  code,
                                  guint               column,
                                  const char         *format,
                                  ...) G_GNUC_PRINTF (5, 6);

/* healer-csv-number.c */
gboolean healer_csv_is_infinity_text (const char *t);
gboolean healer_csv_is_decimal_syntax (const char *t);
Step healer_csv_parse_record (HealerCsvReader  *r,
                              const RowOut     *out,
                              GError          **error);

/* healer-csv-scan.c */
gboolean healer_csv_reader_fill (HealerCsvReader  *r,
                                 GCancellable     *cancellable,
                                 GError          **error);
gboolean healer_csv_reader_ensure_line (HealerCsvReader  *r,
                                        GCancellable     *cancellable,
                                        GError          **error);
gboolean healer_csv_reader_need_more (HealerCsvReader  *r,
                                      GCancellable     *cancellable,
                                      GError          **error);
Step healer_csv_scan_field (Ctx         *c,
                            const char **pp,
                            gsize       *out_len,
                            GError     **error);
const char *healer_csv_skip_line_break (Ctx        *c,
                                        const char *p);

/* healer-csv-header.c */
gboolean healer_csv_reader_read_header (HealerCsvReader  *r,
                                        GCancellable     *cancellable,
                                        GError          **error);

/* healer-csv-reader.c */
HealerDataset *healer_csv_reader_new_dataset (HealerCsvReader *r);
gsize healer_csv_initial_rows (HealerCsvReader *r);
gboolean healer_csv_reader_read_rows (HealerCsvReader  *r,
                                      HealerDataset    *ds,
                                      gsize             max_rows,
                                      GCancellable     *cancellable,
                                      GError          **error);

static inline gboolean
healer_csv_at_field_end (const Ctx  *c,
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

G_END_DECLS
