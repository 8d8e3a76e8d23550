/* healer-drift.h — how far diagnosed data lie from what the model was trained on
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "healer-dataset.h"
#include "healer-model.h"

G_BEGIN_DECLS

/* A cell counts as outside the training range only when it passes the
 * observed minimum or maximum by more than this fraction of the larger of
 * their magnitudes: a value written to CSV with 6 significant digits and
 * read back must not be "drift". */
#define HEALER_DRIFT_RELATIVE_TOLERANCE 1e-5

/* A KPI of a batch is reported "outside the training range" when more than
 * this fraction of its observed cells are. Rows from the training
 * distribution fall outside the range of n training rows with probability
 * 2/(n+1), 2.5 % for 80 rows, so the cut-off keeps same-distribution
 * batches quiet while a real shift (all cells beyond) is far above it. */
#define HEALER_DRIFT_OUTSIDE_FRACTION   0.05

/* A batch median more than this many robust standard deviations (IQR/1.349)
 * from the training median marks the KPI as shifted. */
#define HEALER_DRIFT_SHIFT_Z            3.0
/* In the severity score the shift term saturates at this |z|. */
#define HEALER_DRIFT_SHIFT_Z_FULL       10.0

/* Many KPIs are one value most of the time (training IQR 0: at least half
 * the training cells equal the median). Their median cannot move while
 * the batch turns into a spread of values the model never saw, so such a
 * KPI is also shifted when fewer than this share of at least
 * HEALER_DRIFT_MODE_MIN_CELLS observed cells equal the training median;
 * from the training distribution that happens with probability < 1 %. */
#define HEALER_DRIFT_MODE_SHARE_MIN     0.25
#define HEALER_DRIFT_MODE_MIN_CELLS     20

/* Per-row out-of-distribution score: the largest distance by which one of
 * the KPIs the network reads lies beyond its (tolerance-widened) training
 * range, in units of that range's width. Rows above the cut-off are
 * flagged uncertain whatever their confidence: the quantile transform
 * saturates at the ends of the training range, so the network sees a value
 * 10^5 times the training maximum exactly as it saw the maximum and can be
 * confidently wrong. A whole range width beyond the extremes is rare for
 * held-out rows of the training distribution (about 1 % of the held-out
 * rows of kpi_labelled.csv) and certain for a KPI that moved by orders of
 * magnitude. */
#define HEALER_DRIFT_OOD_CUTOFF         1.0

/* A KPI the network reads is "(almost) never missing in training" when
 * fewer than this share of the training rows lacked it. A row that lacks
 * such a KPI is diagnosed from an imputed value the network (almost) never
 * met in that place, and can be confidently wrong: it is flagged uncertain,
 * and so is a row that lacks every KPI the network reads. On the real
 * data, kpi_labelled.csv, the KPIs the default model reads are missing in
 * either none or 5-8 % of the rows: the cut-off flagged none of its rows
 * held out from 5-fold training (two seeds) and none of the 2000 rows of
 * kpi_unlabelled.csv, while blanking 8 never-missing KPIs of the training
 * file itself left 28 wrong diagnoses looking certain before it. A batch
 * KPI of this kind missing in more than HEALER_DRIFT_OUTSIDE_FRACTION of
 * the rows is reported "newly missing". */
#define HEALER_DRIFT_GAP_TRAIN_RATE     0.01

/* Reservoir of values kept per KPI to estimate the batch median in bounded
 * memory: at most this many per KPI and HEALER_DRIFT_SAMPLE_CELLS in all. */
#define HEALER_DRIFT_SAMPLE_MAX         2048
#define HEALER_DRIFT_SAMPLE_MIN         64
#define HEALER_DRIFT_SAMPLE_CELLS       (4u * 1024 * 1024)

/* Confidence threshold chosen at the end of training, never above this
 * when it could only be measured on the training rows (see
 * healer_confidence_threshold_select). */
#define HEALER_CONFIDENCE_THRESHOLD_TRAIN_CAP 0.5

typedef struct
{
  guint   index;              /* in the model's input order */
  char   *name;
  gboolean used;              /* its value is an input of the network */
  gboolean missing_used;      /* its missingness is an input of the network */
  gsize   n_observed;         /* non-missing cells in the batch */
  gsize   n_below;            /* below the tolerance-widened training range */
  gsize   n_above;
  double  outside_fraction;   /* (n_below + n_above) / n_observed; 0 when none observed */
  gboolean outside;           /* outside_fraction > HEALER_DRIFT_OUTSIDE_FRACTION */
  double  batch_min;          /* NAN when no cell was observed */
  double  batch_max;
  double  batch_median;       /* exact up to the reservoir size, then a sample estimate */
  double  median_shift_z;     /* (batch − training median) / robust scale; NAN when none observed */
  double  at_median_fraction; /* share of observed cells equal to the training median (within
                               * the tolerance); NAN unless the training IQR is 0 */
  gboolean shifted;           /* |median_shift_z| > HEALER_DRIFT_SHIFT_Z, or the training
                               * mode lost, see HEALER_DRIFT_MODE_SHARE_MIN */
  double  missing_rate;       /* in the batch */
  double  train_missing_rate;
  gboolean newly_missing;     /* train_missing_rate < HEALER_DRIFT_GAP_TRAIN_RATE, and
                               * missing_rate > HEALER_DRIFT_OUTSIDE_FRACTION */
  double  train_min;
  double  train_max;
  double  train_median;
  double  train_iqr;
  double  severity;           /* sort key, see healer_drift_report */
} HealerDriftKpi;

typedef struct
{
  gsize           n_rows;
  guint           n_kpis;
  guint           n_used;             /* KPIs whose value the network reads */
  guint           n_outside;          /* KPIs with outside == TRUE */
  guint           n_outside_used;
  guint           n_shifted;
  guint           n_shifted_used;
  guint           n_newly_missing;
  guint           n_newly_missing_used;
  gsize           n_rows_out_of_distribution;  /* OOD score > HEALER_DRIFT_OOD_CUTOFF */
  HealerDriftKpi *kpis;               /* n_kpis, most severe first */
} HealerDriftReport;

/* Streaming accumulator: feed it aligned rows chunk by chunk; the result
 * does not depend on how the rows were cut into chunks. */
typedef struct _HealerDrift HealerDrift;

/* Keeps a reference to @model. @seed drives the median reservoirs. */
HealerDrift       *healer_drift_new          (const HealerModel   *model,
                                              guint64              seed);
void               healer_drift_free         (HealerDrift         *self);
/* @aligned: columns in the model's input order (see healer_model_align). */
void               healer_drift_add          (HealerDrift         *self,
                                              const HealerDataset *aligned);
/* @n_rows rows of n_input floats, NAN = missing. */
void               healer_drift_add_rows     (HealerDrift         *self,
                                              const float         *x,
                                              gsize                n_rows);

/* Severity of a KPI = fraction of its cells outside the training range
 * + shift term + |missing rate − training missing rate|, each in [0, 1];
 * the shift term is min (|median shift z| / HEALER_DRIFT_SHIFT_Z_FULL, 1),
 * or for a KPI of training IQR 0 the larger of that and how much of its
 * training mode is gone, 1 − 2 · at_median_fraction. */
HealerDriftReport *healer_drift_report       (const HealerDrift   *self);
void               healer_drift_report_free  (HealerDriftReport   *report);

/* "12 of 107 KPIs lie outside the training range; 3 of them are used by the
 * model", then "; 2 more have shifted within it (1 used)" when some KPIs
 * shifted without leaving the range, then "; 8 KPIs the model reads are
 * missing where the training data (almost) always had them: feature5, …" when some are;
 * translated, for people. */
char              *healer_drift_report_summary (const HealerDriftReport *report);
/* Whether the report has anything to warn of: a KPI outside the range or
 * shifted, or a KPI the model reads newly missing. */
gboolean           healer_drift_report_has_drift (const HealerDriftReport *report);
/* Whether @kpi is one of those: the one test behind every list and count
 * of drifted KPIs. */
gboolean           healer_drift_kpi_is_drift     (const HealerDriftKpi    *kpi);
/* Adds the report as an object value: the counts, and the per-KPI entries
 * when @with_kpis. */
void               healer_drift_report_to_json (const HealerDriftReport *report,
                                                gboolean                 with_kpis,
                                                JsonBuilder             *b);
/* Writes the report with every KPI as pretty JSON, atomically. */
gboolean           healer_drift_report_save    (const HealerDriftReport *report,
                                                const char              *path,
                                                GError                 **error);

/* Out-of-distribution score of one aligned row (n_input floats), see
 * HEALER_DRIFT_OOD_CUTOFF; 0 when every KPI the network reads is missing or
 * inside its training range. */
double             healer_model_row_ood_score  (const HealerModel *model,
                                                const float       *row);

typedef enum
{
  HEALER_UNCERTAIN_NONE           = 0,
  HEALER_UNCERTAIN_LOW_CONFIDENCE = 1 << 0,  /* max probability < confidence_threshold */
  HEALER_UNCERTAIN_OUT_OF_RANGE   = 1 << 1,  /* OOD score > HEALER_DRIFT_OOD_CUTOFF */
  HEALER_UNCERTAIN_AMBIGUOUS      = 1 << 2,  /* the prediction set has more than one class */
  HEALER_UNCERTAIN_MISSING        = 1 << 3,  /* a KPI the network reads is missing where
                                              * training had it (HEALER_DRIFT_GAP_TRAIN_RATE),
                                              * or every KPI it reads is */
} HealerUncertainty;

/* Classes a prediction set of a row is computed for on the stack. */
#define HEALER_MODEL_SET_MAX_CLASSES 64

/* Why the prediction of @row (aligned) with probabilities @proba
 * (n_classes) should not be trusted; HEALER_UNCERTAIN_NONE when it can. */
HealerUncertainty  healer_model_row_uncertainty (const HealerModel *model,
                                                 const float       *row,
                                                 const float       *proba);
/* Why, in words for the predict column uncertain_reason, parts joined by
 * "; ": "ambiguous: 1 or 2" (the set's label values), "out of range:
 * feature5, feature46" (the KPIs the network reads that lie more than
 * HEALER_DRIFT_OOD_CUTOFF beyond their range), "missing: feature19" (the
 * KPIs it reads that training (almost) always had; "missing: all 20 KPIs
 * the model reads" when every one is), "low confidence". "" for
 * HEALER_UNCERTAIN_NONE. */
char              *healer_model_row_reason      (const HealerModel *model,
                                                 const float       *row,
                                                 const float       *proba,
                                                 HealerUncertainty  why);
/* The same, for people: in the user's language, names escaped. */
char              *healer_model_row_reason_text (const HealerModel *model,
                                                 const float       *row,
                                                 const float       *proba,
                                                 HealerUncertainty  why);
gboolean           healer_model_row_uncertain   (const HealerModel *model,
                                                 const float       *row,
                                                 const float       *proba);

/* What the model's prediction sets and uncertain flag (every reason,
 * out of range included) do on the labelled rows of @data, added to
 * @tally, and the calibration error of its probabilities there
 * (@calibration_error may be NULL). Rows whose label the model does not
 * know count as wrong and uncovered. */
gboolean           healer_model_evaluate_sets   (const HealerModel   *model,
                                                 const HealerDataset *data,
                                                 HealerSetTally      *tally,
                                                 double              *calibration_error,
                                                 GError             **error);

/* Confidence threshold from @n labelled rows (@proba n × @n_classes, @y the
 * true class indices). The accuracy of the rows as a non-decreasing
 * function of their confidence is fitted by isotonic regression (pool
 * adjacent violators, rows of equal confidence pooled); the threshold is
 * midway between the most confident row where that fitted accuracy is
 * below 50 % and the next confidence (midway to 1 after the last row), or
 * 0 when there is no such row. Below it a diagnosis is, on these rows, more
 * likely wrong than right; for a calibrated model that is confidence < 0.5.
 * Isotonic rather than cumulative: the accuracy of everything below a
 * threshold stays under 50 % well past the point where single rows become
 * mostly right, and would flag those too. */
double             healer_confidence_threshold_select (const float *proba,
                                                       const guint *y,
                                                       gsize        n,
                                                       guint        n_classes);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerDrift, healer_drift_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerDriftReport, healer_drift_report_free)

G_END_DECLS
