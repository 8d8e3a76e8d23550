/* healer-preprocess.h — feature pipeline fitted on training rows only
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "healer-dataset.h"

G_BEGIN_DECLS

#define HEALER_PREPROCESS_ERROR (healer_preprocess_error_quark ())

typedef enum
{
  HEALER_PREPROCESS_ERROR_INVALID,  /* no rows, no usable feature, labels needed but absent */
} HealerPreprocessError;

GQuark healer_preprocess_error_quark (void);

typedef enum
{
  HEALER_IMPUTE_MEDIAN,
  HEALER_IMPUTE_MEAN,
} HealerImpute;

typedef enum
{
  HEALER_TRANSFORM_NONE,        /* plain standardisation */
  HEALER_TRANSFORM_SIGNED_LOG,  /* sign(x)·log1p(|x|), then standardise */
  HEALER_TRANSFORM_QUANTILE,    /* empirical CDF mapped to a normal, then standardise */
  HEALER_TRANSFORM_PLE,         /* standardised value plus a piecewise-linear encoding
                                 * on training-quantile bins (Gorishniy et al. 2022) */
} HealerTransform;

typedef enum
{
  HEALER_SELECT_NONE,
  HEALER_SELECT_MUTUAL_INFO,    /* top-k by mutual information with the label */
} HealerSelect;

typedef struct
{
  HealerImpute     impute;
  HealerTransform  transform;
  gboolean         missing_indicators;  /* one 0/1 column per feature that had missing cells */
  HealerSelect     select;
  guint            select_k;            /* at most this many features kept; 0 = no cap */
  double           select_min_ratio;    /* and only those whose mutual information is at
                                         * least this fraction of the best one's; 0 = off */
  gboolean         drop_duplicates;     /* applies to training rows, see healer_dataset_drop_duplicates */
  gboolean         class_weights;       /* inverse-frequency loss weights */
  gboolean         drop_constant;       /* features constant in training are dropped */
} HealerPreprocessConfig;

void healer_preprocess_config_init_default (HealerPreprocessConfig *config);

/* Names used in model files and on the command line: "median"/"mean",
 * "none"/"signed-log"/"quantile"/"ple", "none"/"mutual-info". */
const char *healer_impute_to_string      (HealerImpute     impute);
gboolean    healer_impute_from_string    (const char      *str,
                                          HealerImpute    *impute);
const char *healer_transform_to_string   (HealerTransform  transform);
gboolean    healer_transform_from_string (const char      *str,
                                          HealerTransform *transform);
const char *healer_select_to_string      (HealerSelect     select);
gboolean    healer_select_from_string    (const char      *str,
                                          HealerSelect    *select);

/* Parameters of the fitted pipeline. Everything needed to transform new rows
 * and to report drift is here, and it is stored in the model file. */
typedef struct _HealerPreprocessor HealerPreprocessor;

#define HEALER_QUANTILE_KNOTS 128
/* QUANTILE: probabilities are clamped to [ε, 1 − ε] before the normal
 * quantile; sklearn's QuantileTransformer clips to the same bounds, so the
 * end knots map to about ±5.2 standard deviations and never to ±inf. */
#define HEALER_QUANTILE_EPS   1e-7
/* PLE: at most this many bins per feature, so HEALER_PLE_BINS + 1 edges */
#define HEALER_PLE_BINS       16
/* Standardised values are clamped to ±HEALER_PREPROCESS_MAX_Z. Training
 * rows lie within √n of their mean (|z| ≤ 1000 for a million rows), so this
 * only ever touches values millions of standard deviations out — rows the
 * drift check flags uncertain, "out of range" — and keeps the network's
 * sums finite: a row of ±3e38 or a model whose scale is 1e-45 would reach
 * the float maximum and turn into inf − inf = NaN in the first layer. */
#define HEALER_PREPROCESS_MAX_Z 1e6
#define HEALER_PLE_EDGES      (HEALER_PLE_BINS + 1)

struct _HealerPreprocessor
{
  HealerPreprocessConfig config;
  guint   n_input;          /* raw features the model expects, by name */
  char  **input_names;      /* n_input, NULL-terminated */

  /* per raw input feature (n_input): */
  float  *fill;             /* imputation value in the raw domain */
  float  *train_min;        /* observed range in training, raw domain (drift report) */
  float  *train_max;
  float  *train_median;     /* raw domain; also the occlusion baseline */
  float  *train_iqr;        /* raw-domain robust scale for abnormality z-scores */
  float  *missing_rate;     /* fraction missing in training */
  float  *quantiles;        /* n_input × HEALER_QUANTILE_KNOTS, raw domain (QUANTILE only) */
  float  *mean;             /* after transform */
  float  *scale;            /* after transform; 1 where the std was 0 */

  /* output columns: first the selected value columns, then (PLE only) the
   * bins of each selected feature in order, then indicators */
  guint   n_selected;
  guint  *selected;         /* indices into input, n_selected */
  guint   n_indicators;
  guint  *indicators;       /* indices into input whose missingness becomes a 0/1 column */

  /* PLE only (NULL / 0 otherwise), per selected feature: bin edges b_0 < … <
   * b_T', the raw-domain training quantiles at t/HEALER_PLE_BINS with
   * duplicates dropped. Row s of ple_edges holds HEALER_PLE_EDGES floats, the
   * ple_counts[s] edges then copies of the last one. A feature with a single
   * distinct value has one edge and no PLE column. Column t (1-based) of a
   * feature is clip((x − b_{t−1}) / (b_t − b_{t−1}), 0, 1), x imputed. */
  float  *ple_edges;        /* n_selected × HEALER_PLE_EDGES */
  guint  *ple_counts;       /* n_selected, each 1..HEALER_PLE_EDGES */
  guint   n_ple;            /* Σ (ple_counts[s] − 1) */

  guint   n_output;         /* n_selected + n_ple + n_indicators */
};

/* Fits on @train (which must have labels when selection or class weights are on). */
HealerPreprocessor *healer_preprocessor_fit        (const HealerDataset         *train,
                                                    const HealerPreprocessConfig *config,
                                                    GError                     **error);
/* Fits on rows @rows[0..@n_rows) of @data, as healer_preprocessor_fit on
 * healer_dataset_subset (@data, @rows, @n_rows) would, to the bit, without
 * the copy; @rows NULL means every row of @data in order (@n_rows ==
 * data->n_rows). */
HealerPreprocessor *healer_preprocessor_fit_rows   (const HealerDataset         *data,
                                                    const gsize                 *rows,
                                                    gsize                        n_rows,
                                                    const HealerPreprocessConfig *config,
                                                    GError                     **error);
void                healer_preprocessor_free       (HealerPreprocessor          *self);
HealerPreprocessor *healer_preprocessor_copy       (const HealerPreprocessor    *self);

/* Transforms @n_rows rows of @x (n_input columns in input_names order, NAN =
 * missing) into @out (n_rows × n_output). Thread-safe, no allocation. */
void                healer_preprocessor_transform  (const HealerPreprocessor    *self,
                                                    const float                 *x,
                                                    gsize                        n_rows,
                                                    float                       *out);
/* TRUE when input @j changes the transformed row: its value is selected or
 * its missingness is an indicator column. A KPI selection dropped has no
 * effect at all, so a file may leave it out. */
gboolean            healer_preprocessor_reads_input (const HealerPreprocessor   *self,
                                                    guint                        j);
/* Which output columns input @j feeds: permutation importance changes one
 * input at a time and recomputes only its columns. */
typedef struct
{
  guint  value;      /* its value column, G_MAXUINT when not selected */
  guint  selected;   /* its index into selected[], G_MAXUINT when not selected */
  guint  ple_first;  /* PLE: its first bin column, n_ple of them */
  guint  n_ple;
  guint  indicator;  /* its missing-indicator column, G_MAXUINT when none */
} HealerInputColumns;

/* At most this many output columns come from one input. */
#define HEALER_PREPROCESS_MAX_INPUT_COLUMNS (2 + HEALER_PLE_BINS)

/* The columns of every input (n_input entries, g_free()), in one pass over
 * the selection rather than one per input. */
HealerInputColumns *healer_preprocessor_input_columns (const HealerPreprocessor *self);
/* The output columns of @cols in increasing order (value, PLE bins,
 * indicator) into @out (room for HEALER_PREPROCESS_MAX_INPUT_COLUMNS):
 * their number, 0 when the input is not read. */
guint               healer_input_columns_list          (const HealerInputColumns *cols,
                                                        guint                    *out);
/* Those columns for @n rows whose value of input @j (described by @cols)
 * is @x[i], NAN = missing: row i's cells go to @out in the order of
 * healer_input_columns_list, each the very float that
 * healer_preprocessor_transform writes in its column. */
void                healer_preprocessor_transform_input (const HealerPreprocessor *self,
                                                         const HealerInputColumns *cols,
                                                         guint                     j,
                                                         const float              *x,
                                                         gsize                     n,
                                                         float                    *out);
/* Name of output column @i ("feature3", "feature3 bin 5" for a PLE column,
 * bins counted from 1, or "feature3 missing" for an indicator). */
char               *healer_preprocessor_output_name (const HealerPreprocessor   *self,
                                                    guint                        i);

/* Training-set helpers */
/* Indices of the first occurrence of every distinct row (features and
 * label compared bitwise), in order; *@n_kept of them. g_free() it. */
gsize              *healer_dataset_unique_rows     (const HealerDataset         *self,
                                                    gsize                       *n_kept);
/* The same among rows @rows[0..@n_rows) of @self (NULL: every row, in
 * order): the table indices of the first occurrence of each distinct one,
 * in the order of @rows. */
gsize              *healer_dataset_unique_rows_of  (const HealerDataset         *self,
                                                    const gsize                 *rows,
                                                    gsize                        n_rows,
                                                    gsize                       *n_kept);
HealerDataset      *healer_dataset_drop_duplicates (const HealerDataset         *self,
                                                    gsize                       *n_removed);
/* Inverse-frequency weights normalised to mean 1 over the rows; @labels are
 * class indices 0..n_classes-1. */
void                healer_class_weights           (const guint                 *labels,
                                                    gsize                        n,
                                                    guint                        n_classes,
                                                    float                       *weights_out);
/* Distinct values of @labels in increasing order (*@n_classes of them, free
 * with g_free); when @indices_out is not NULL it receives the class index of
 * each of the @n rows. */
gint32             *healer_labels_to_classes       (const gint32                *labels,
                                                    gsize                        n,
                                                    guint                       *n_classes,
                                                    guint                       *indices_out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerPreprocessor, healer_preprocessor_free)

G_END_DECLS
