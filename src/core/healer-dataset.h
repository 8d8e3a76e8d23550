/* healer-dataset.h — KPI tables read from CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "healer-limits.h"

G_BEGIN_DECLS

#define HEALER_DATASET_ERROR (healer_dataset_error_quark ())

typedef enum
{
  HEALER_DATASET_ERROR_IO,              /* could not open or read the file */
  HEALER_DATASET_ERROR_EMPTY,           /* no bytes at all */
  HEALER_DATASET_ERROR_ENCODING,        /* UTF-16, binary, invalid UTF-8 */
  HEALER_DATASET_ERROR_HEADER,          /* bad header: empty name, duplicate name, no feature */
  HEALER_DATASET_ERROR_NO_ROWS,         /* header only */
  HEALER_DATASET_ERROR_RAGGED,          /* wrong number of fields on a line */
  HEALER_DATASET_ERROR_NUMBER,          /* a feature cell is not a finite number */
  HEALER_DATASET_ERROR_LABEL,           /* a label cell is not a non-negative integer */
  HEALER_DATASET_ERROR_LINE_TOO_LONG,   /* a line longer than HEALER_CSV_MAX_LINE */
  HEALER_DATASET_ERROR_QUOTE,           /* unterminated or misplaced quote */
  HEALER_DATASET_ERROR_TOO_LARGE,       /* more rows/columns than the sane bounds, or
                                         * more classes than a model file holds */
  HEALER_DATASET_ERROR_COLUMNS,         /* columns do not match what a model expects */
} HealerDatasetError;

/* Bounds that keep hostile input from making us allocate without limit. */
/* HEALER_CSV_MAX_LINE, _COLUMNS, _FIELD and HEALER_LABEL_MAX: healer-limits.h */

/* A dense table: n_rows × n_features float32, row-major, NAN = missing.
 * Labels (class ids ≥ 0) and sample ids are optional. The struct is public
 * for speed in the core; treat it as read-only outside the reader. */
typedef struct _HealerDataset HealerDataset;

struct _HealerDataset
{
  /*< private >*/
  gint ref_count;
  /*< public >*/
  gsize n_rows;
  guint n_features;
  char **feature_names;       /* n_features strings, NULL-terminated */
  float *x;                   /* n_rows * n_features */
  gint32 *labels;             /* n_rows, or NULL when there is no label column */
  const char **sample_ids;    /* n_rows, or NULL when there is no sample_id column */
  /*< private >*/
  GStringChunk *ids_chunk;    /* storage for sample_ids */
  gsize n_allocated;
  char *source_name;          /* display name of the file, for messages */
  gsize first_line;           /* file line number of row 0 (for messages), 0 unknown */
  GArray *line_runs;          /* rows whose line is not the one after the previous
                               * row's (blank lines, line breaks in quotes): see
                               * healer_dataset_get_line; NULL when there are none */
  guint label_field;          /* 1-based field index of the label column in the
                               * file, 0 unknown */
};

/* Boxed type (reference counted) so GObject properties can carry it. */
#define HEALER_TYPE_DATASET (healer_dataset_get_type ())
GType healer_dataset_get_type (void) G_GNUC_CONST;

GQuark          healer_dataset_error_quark     (void);

/* Table of @n_rows rows, every cell 0, labels 0 and sample ids "" (fill them
 * in place; set ids with healer_dataset_set_sample_id()); @with_ids and
 * @with_labels allocate those columns. */
HealerDataset  *healer_dataset_new            (const char * const *feature_names,
                                               gsize               n_rows,
                                               gboolean            with_labels,
                                               gboolean            with_ids);
/* Copies @id into the table's own storage. */
void            healer_dataset_set_sample_id  (HealerDataset      *self,
                                               gsize               row,
                                               const char         *id);
HealerDataset  *healer_dataset_ref            (HealerDataset      *self);
void            healer_dataset_unref          (HealerDataset      *self);

/* Reads a whole CSV file. @path "-" reads standard input.
 * Errors are HEALER_DATASET_ERROR or G_IO_ERROR_CANCELLED, with messages of the
 * form "FILE:LINE:COLUMN: what was found; what was expected" (LINE is the
 * 1-based physical line, COLUMN the 1-based field index; FILE the base name).
 * Format: a header row; columns "sample_id" and "label" (any case) are the
 * optional id and class id, every other column is a float feature. Missing
 * cells: empty, NA, NaN, N/A, null, #N/A (any case). RFC 4180 quotes, CR LF,
 * a UTF-8 BOM and blanks around cells are accepted; blank lines are skipped.
 * @name of load_from_data and of the reader is used verbatim in messages. */
HealerDataset  *healer_dataset_load           (const char         *path,
                                               GCancellable       *cancellable,
                                               GError            **error);
HealerDataset  *healer_dataset_load_from_data (const char         *name,
                                               const char         *data,
                                               gsize               len,
                                               GError            **error);

const char     *healer_dataset_get_source_name (const HealerDataset *self);
gboolean        healer_dataset_has_labels     (const HealerDataset *self);
/* Row pointer, n_features floats. */
static inline const float *
healer_dataset_row (const HealerDataset *self, gsize row)
{
  return self->x + row * self->n_features;
}
/* Index of the feature named @name, or -1. */
int             healer_dataset_find_feature   (const HealerDataset *self,
                                               const char          *name);
/* The name of a class that has no name of its own, from its label value
 * ("class 3"): one spelling in every table, chart, file and message. */
char           *healer_class_default_name     (gint32               label);
/* The file line where @row starts, for messages; 0 for a table not read
 * from a file. Rows on consecutive lines cost nothing to remember: only the
 * rows where that breaks (after a blank line, or a record spanning lines)
 * are stored. */
gsize           healer_dataset_get_line       (const HealerDataset *self,
                                               gsize                row);
/* Number of missing (NAN) cells. */
gsize           healer_dataset_count_missing  (const HealerDataset *self);
/* What of @self can teach a model nothing, in words for people: the KPI
 * columns empty in every row ("“f3” and 2 more KPIs are empty in every
 * row"), the rows with no KPI value at all ("30 rows have no KPI value at
 * all, the first on line 12"), joined by "; "; NULL when there is neither. */
char           *healer_dataset_describe_gaps  (const HealerDataset *self);
/* Rows @rows (indices, may repeat) copied into a new table. */
HealerDataset  *healer_dataset_subset         (const HealerDataset *self,
                                               const gsize         *rows,
                                               gsize                n_rows);
/* Columns reordered to @names (matched by name). Columns of @self that are
 * not in @names go to @extra (a NULL-terminated strv, may be NULL); names
 * absent from @self make it fail with HEALER_DATASET_ERROR_COLUMNS listing
 * them, unless @allow_missing, in which case they become all-NAN columns
 * and are listed in @missing. @missing and @extra (when not NULL) are set to
 * NULL-terminated strvs, possibly empty, on success and on failure alike. */
HealerDataset  *healer_dataset_select_columns (const HealerDataset *self,
                                               const char * const  *names,
                                               gboolean             allow_missing,
                                               char              ***missing,
                                               char              ***extra,
                                               GError             **error);
/* Writes the table back as CSV (sample_id, features, label), atomically;
 * floats with 9 significant digits so loading gives them back bit for bit.
 * Errors are G_FILE_ERROR. */
gboolean        healer_dataset_save_csv       (const HealerDataset *self,
                                               const char          *path,
                                               GError             **error);
/* The same text in pieces, for writers that stream: the header line, then
 * the rows of @self (a chunk) appended to @s. */
void            healer_dataset_append_csv_header (const HealerDataset *self,
                                                  GString             *s);
void            healer_dataset_append_csv_rows   (const HealerDataset *self,
                                                  GString             *s);

/* Streaming reader: the header is parsed by _new(), rows come in chunks so
 * prediction runs in bounded memory whatever the input size. */
typedef struct _HealerCsvReader HealerCsvReader;

HealerCsvReader *healer_csv_reader_new        (GInputStream       *stream,
                                               const char         *name,
                                               GCancellable       *cancellable,
                                               GError            **error);
HealerCsvReader *healer_csv_reader_new_for_path (const char       *path,
                                               GCancellable       *cancellable,
                                               GError            **error);
/* Any GFile, local or not (read through GIO); a file whose stream does not
 * tell its size is asked for it, for the progress. */
HealerCsvReader *healer_csv_reader_new_for_file (GFile            *file,
                                               GCancellable       *cancellable,
                                               GError            **error);
/* What messages call the input: "kpi.csv", "standard input". */
const char      *healer_csv_reader_get_name   (HealerCsvReader    *reader);
/* What messages call @file: its display base name, or its whole parse
 * name when the base name is not text. */
char            *healer_file_display_name     (GFile              *file);
void             healer_csv_reader_free       (HealerCsvReader    *reader);
/* Column names of the features (not sample_id/label), NULL-terminated. */
const char * const *healer_csv_reader_get_feature_names (HealerCsvReader *reader);
gboolean         healer_csv_reader_has_labels (HealerCsvReader    *reader);
/* Bytes consumed so far and the total size when known (0 otherwise). */
guint64          healer_csv_reader_get_bytes_read (HealerCsvReader *reader);
guint64          healer_csv_reader_get_size   (HealerCsvReader    *reader);
/* Up to @max_rows (> 0) rows; returns a table with 0 rows at end of input
 * (also for a header-only file: only healer_dataset_load() reports
 * HEALER_DATASET_ERROR_NO_ROWS), NULL on error, after which the reader only
 * fails. */
HealerDataset   *healer_csv_reader_read_chunk (HealerCsvReader    *reader,
                                               gsize               max_rows,
                                               GCancellable       *cancellable,
                                               GError            **error);

/* Sets HEALER_DATASET_ERROR_NO_ROWS for a file that ended after its header,
 * located on the line after it: the one message for header-only input. */
void             healer_csv_reader_set_no_rows_error (HealerCsvReader  *reader,
                                                      GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerDataset, healer_dataset_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerCsvReader, healer_csv_reader_free)

G_END_DECLS
