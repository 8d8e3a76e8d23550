/* healer-diagnose.h — a batch of samples diagnosed by a model, and one pasted sample
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "healer-dataset.h"
#include "healer-drift.h"
#include "healer-model.h"

G_BEGIN_DECLS

#define HEALER_DIAGNOSE_CHUNK_ROWS 8192

/* Everything a batch diagnosis produced, in plain arrays so a front end can
 * wrap it without copying. Rows are in file order. */
typedef struct
{
  gsize               n_rows;
  guint               n_classes;
  gint32             *class_ids;     /* n_classes: class index → label value */
  char              **class_names;   /* n_classes, NULL-terminated */
  const char        **sample_ids;    /* n_rows; the file's sample_id column, or
                                      * "1", "2"… (the 1-based row) without one */
  float              *proba;         /* n_rows × n_classes */
  guint16            *predicted;     /* n_rows class indices (argmax of proba) */
  guint8             *uncertainty;   /* n_rows HealerUncertainty flags */
  gint32             *true_labels;   /* n_rows label values, NULL without a label column */
  gsize              *counts;        /* n_classes: rows predicted in each class */
  gsize               n_uncertain;
  const char        **reasons;       /* n_rows: healer_model_row_reason of the flagged rows,
                                      * NULL for the others */
  double              confidence_threshold;  /* the model's, see healer-drift.h */
  double              set_threshold;         /* the model's prediction sets' (healer-conformal.h) */
  HealerDriftReport  *drift;         /* of the whole batch */
  char               *source_name;   /* display name of the input */
  char              **extra_columns; /* columns of the input the model does not read */
  char              **missing_columns; /* inputs the model does not read, absent from
                                        * the file and diagnosed as missing (NAN) */
  /*< private >*/
  GStringChunk       *ids_chunk;
} HealerDiagnosis;

/* One chunk of a streamed diagnosis: consecutive rows of the input, in file
 * order, valid until the next call of healer_diagnose_iter_next(). Every
 * front end consumes these — the CLI writes them out as they come, the
 * app's batch collects them into a HealerDiagnosis — so the rules (column
 * matching, uncertainty, sample ids, header-only input) live once. Further
 * per-row results (prediction sets) are added here as new members. */
typedef struct
{
  gsize                first_row;    /* 0-based index of the chunk's first row */
  gsize                n_rows;       /* ≥ 1 */
  guint                n_classes;
  const char * const  *sample_ids;   /* n_rows; the file's sample_id column, or
                                      * "1", "2"… (the 1-based row) without one */
  const float         *proba;        /* n_rows × n_classes */
  const guint16       *predicted;    /* n_rows class indices (argmax of proba) */
  const guint8        *uncertainty;  /* n_rows HealerUncertainty flags */
  const char * const  *reasons;      /* n_rows: healer_model_row_reason of the flagged rows,
                                      * NULL for the others */
  const gint32        *true_labels;  /* n_rows label values, NULL without a label column */
  const HealerDataset *aligned;      /* the rows in the model's input order */
  const char          *csv;          /* with healer_diagnose_iter_set_csv: the rows as
                                      * healer_predictions_append_row writes them, a
                                      * line each, made on the diagnosis' threads;
                                      * NULL otherwise */
  gsize                csv_len;
} HealerDiagnoseChunk;

typedef struct _HealerDiagnoseIter HealerDiagnoseIter;

/* A diagnosis read from @stream (a CSV with a header, whose header is read
 * here) @chunk_rows rows at a time (0: the default); with @drift, the
 * drift report of the whole input is accumulated as it goes. @model must
 * outlive the iterator. Header-only input (a header and no row) is an
 * error, HEALER_DATASET_ERROR_NO_ROWS, located at the line after the header,
 * from the first healer_diagnose_iter_next(): like every command, a
 * diagnosis needs at least one row, and a front end has written nothing
 * before it knows there is one. */
HealerDiagnoseIter *healer_diagnose_iter_new          (const HealerModel   *model,
                                                       GInputStream        *stream,
                                                       const char          *name,
                                                       gsize                chunk_rows,
                                                       gboolean             drift,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
/* The same for the file at @path, "-" being standard input. */
HealerDiagnoseIter *healer_diagnose_iter_new_for_path (const HealerModel   *model,
                                                       const char          *path,
                                                       gsize                chunk_rows,
                                                       gboolean             drift,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
/* The same for any GFile, local or not. */
HealerDiagnoseIter *healer_diagnose_iter_new_for_file (const HealerModel   *model,
                                                       GFile               *file,
                                                       gsize                chunk_rows,
                                                       gboolean             drift,
                                                       GCancellable        *cancellable,
                                                       GError             **error);
void                healer_diagnose_iter_free         (HealerDiagnoseIter  *self);
/* Reads and diagnoses the next chunk. TRUE with *@chunk set, TRUE with
 * *@chunk NULL at the end of the input, FALSE with a located error
 * (HEALER_DATASET_ERROR_COLUMNS when the model's KPIs are not all in the
 * header, G_IO_ERROR_CANCELLED when @cancellable fired, checked between
 * chunks); after an error the iterator only fails. Returns as soon as a
 * chunk is complete, so a pipe's rows come out while its input still runs.
 * With more than one thread (healer_diagnose_iter_set_n_threads), the next
 * chunk is read by a thread of its own meanwhile, with this call's
 * @cancellable; its error, if any, comes from the next call. */
gboolean            healer_diagnose_iter_next         (HealerDiagnoseIter         *self,
                                                       const HealerDiagnoseChunk **chunk,
                                                       GCancellable               *cancellable,
                                                       GError                    **error);
/* Also format each chunk's rows as predict's CSV lines (chunk->csv), on
 * the threads that diagnose them, before the first _next(). */
void                healer_diagnose_iter_set_csv      (HealerDiagnoseIter  *self,
                                                       gboolean             csv);
/* Diagnose each chunk on @n_threads threads (0, the default: one per
 * processor, at most 16), before the first _next(). The results are the
 * same bits whatever the number. */
void                healer_diagnose_iter_set_n_threads (HealerDiagnoseIter *self,
                                                        guint               n_threads);
gboolean            healer_diagnose_iter_has_labels   (HealerDiagnoseIter  *self);
/* Columns of the input the model does not read, NULL-terminated; known
 * after the first call of _next(). */
const char * const *healer_diagnose_iter_get_extra_columns (HealerDiagnoseIter *self);
/* Inputs the model does not read that the input lacks, diagnosed as
 * missing (see healer_model_align), NULL-terminated; known after the first
 * call of _next(). */
const char * const *healer_diagnose_iter_get_missing_columns (HealerDiagnoseIter *self);
gsize               healer_diagnose_iter_get_n_rows   (HealerDiagnoseIter  *self);
/* n_classes: rows predicted in each class so far. */
const gsize        *healer_diagnose_iter_get_counts   (HealerDiagnoseIter  *self);
gsize               healer_diagnose_iter_get_n_uncertain (HealerDiagnoseIter *self);
guint64             healer_diagnose_iter_get_bytes_read (HealerDiagnoseIter *self);
guint64             healer_diagnose_iter_get_size     (HealerDiagnoseIter  *self);
/* The drift report of the rows so far (NULL unless made with @drift). */
HealerDriftReport  *healer_diagnose_iter_drift_report (HealerDiagnoseIter  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerDiagnoseIter, healer_diagnose_iter_free)

/* Called after each chunk, in the diagnosing thread. @total_bytes is 0 when
 * the size of the input is unknown. */
typedef void (*HealerDiagnoseProgressFunc) (guint64  bytes_read,
                                            guint64  total_bytes,
                                            gsize    rows_done,
                                            gpointer user_data);

/* All the chunks of a HealerDiagnoseIter (with the drift report) in one
 * HealerDiagnosis, so memory beyond the results does not grow with the
 * input; errors as healer_diagnose_iter_next() gives them. */
HealerDiagnosis *healer_diagnose_stream (const HealerModel          *model,
                                         GInputStream               *stream,
                                         const char                 *name,
                                         gsize                       chunk_rows,
                                         GCancellable               *cancellable,
                                         HealerDiagnoseProgressFunc  progress,
                                         gpointer                    user_data,
                                         GError                    **error);
HealerDiagnosis *healer_diagnose_file   (const HealerModel          *model,
                                         const char                 *path,
                                         gsize                       chunk_rows,
                                         GCancellable               *cancellable,
                                         HealerDiagnoseProgressFunc  progress,
                                         gpointer                    user_data,
                                         GError                    **error);
/* Any GFile, local or not: the app's way in. */
HealerDiagnosis *healer_diagnose_for_file (const HealerModel        *model,
                                         GFile                      *file,
                                         gsize                       chunk_rows,
                                         GCancellable               *cancellable,
                                         HealerDiagnoseProgressFunc  progress,
                                         gpointer                    user_data,
                                         GError                    **error);
void             healer_diagnosis_free  (HealerDiagnosis            *self);

/* The predict format, one line each, newline included, shared by the CLI
 * and the app's export so they can never differ:
 *   sample_id,diagnosed_label,diagnosed_class,confidence,uncertain,p<id>…,
 *   prediction_set,uncertain_reason[,true_label,true_class]
 * The diagnosis is named so that it cannot be taken for a true label (a
 * results file read back as data has no "label" column): its label value
 * and, beside it, the class's name (@class_names, as the model calls it);
 * one probability column per class (named by its label value), six
 * decimals; the prediction set as label values, most probable first,
 * joined by "|" ("1|2"); the reason as healer_model_row_reason words (""
 * when not uncertain); with a label column in the input, the row's label
 * and its class's name ("class 7" for a label that is no class of the
 * model). */
void             healer_predictions_append_header (GString            *line,
                                                   const gint32       *class_ids,
                                                   guint               n_classes,
                                                   gboolean            with_true_label);
/* @proba holds the row's @n_classes probabilities; @true_label is NULL
 * when the input has no label column. */
void             healer_predictions_append_row    (GString            *line,
                                                   const char         *sample_id,
                                                   const gint32       *class_ids,
                                                   const char * const *class_names,
                                                   guint               n_classes,
                                                   const float        *proba,
                                                   guint               predicted,
                                                   gboolean            uncertain,
                                                   double              set_threshold,
                                                   const char         *reason,
                                                   const gint32       *true_label);

/* One sample typed or pasted by a person: either a header line and one row
 * of values (columns matched by name, as in a batch), or one row of values
 * alone, in the order of the model's inputs, optionally preceded by a
 * sample id. A line is a header when one of its cells names a model input,
 * "sample_id" or "label". Missing values: empty, NA… as in files. Returns
 * n_input floats in the model's input order (NAN = missing), or NULL with a
 * located error naming "pasted sample". */
float           *healer_diagnose_parse_sample (const HealerModel *model,
                                               const char        *text,
                                               GError           **error);

/* Probabilities (n_classes) of one row of n_input raw values in the model's
 * input order. */
void             healer_diagnose_predict_row  (const HealerModel *model,
                                               const float       *row,
                                               float             *proba);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerDiagnosis, healer_diagnosis_free)

G_END_DECLS
