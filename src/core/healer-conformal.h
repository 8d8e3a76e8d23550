/* healer-conformal.h — prediction sets with a coverage guarantee, the
 * uncertain flag's confidence threshold and the calibration error, from
 * held-out (out-of-fold) probabilities
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define HEALER_COVERAGE_DEFAULT  0.95
#define HEALER_COVERAGE_MIN      0.5
#define HEALER_COVERAGE_MAX      0.999
/* As many folds as cross-validation allows (HEALER_CV_MAX_FOLDS). */
#define HEALER_ESTIMATE_MAX_FOLDS 1000

/* Share of the calibration rows the uncertain flag may mark (sets of more
 * than one class, then the least confident rows): the 15 % an operator can
 * still review. The final model, trained on every row, is more confident
 * on new rows than the fold models were on theirs, so it flags fewer: on
 * held-out splits of the real data 12 % on average (10 % of calibration
 * rows flagged only 6 % and caught 30 % of the errors; docs/model.md). */
#define HEALER_FLAG_BUDGET       0.15

/* A model file keeps at most this many calibration scores; with more rows
 * it keeps order statistics spread over the ranks (see
 * healer_conformal_scores_sketch), which only makes sets larger. */
#define HEALER_CONFORMAL_MAX_SCORES 4096

/* Calibration scores: the probability each held-out row gave its true
 * class, sorted from the largest down, plus how many rows they stand for. */
typedef struct
{
  gsize   n_rows;       /* calibration rows */
  guint   n_scores;     /* ≤ n_rows; equal unless sketched */
  double *scores;       /* n_scores, non-increasing, in [0, 1] */
} HealerConformalScores;

/* The probabilities the @n rows (@proba n × @n_classes) gave their true
 * class @y, sorted down, sketched to at most HEALER_CONFORMAL_MAX_SCORES:
 * score j (0-based) of a sketch is the one of rank ceil((j + 1) · n / m). */
HealerConformalScores *healer_conformal_scores_new  (const float *proba,
                                                     const guint *y,
                                                     gsize        n,
                                                     guint        n_classes);
HealerConformalScores *healer_conformal_scores_copy (const HealerConformalScores *self);
void                   healer_conformal_scores_free (HealerConformalScores *self);

/* Split-conformal threshold for @coverage in (0, 1): with the scores of n
 * exchangeable calibration rows, the probability threshold t such that a
 * new row's true class has probability ≥ t with chance ≥ @coverage:
 * t is the m-th largest score, m = ceil ((n + 1) · coverage); 0 (every
 * class) when m > n. A sketch uses the next stored rank at or after m,
 * which can only lower t. */
double  healer_conformal_threshold  (const HealerConformalScores *scores,
                                     double                       coverage);

/* The prediction set of one row: the classes whose probability is ≥
 * @threshold, most probable first (ties: lower index first), and always the
 * most probable class, so a set is never empty. Writes the class indices to
 * @classes_out (n_classes entries) and returns how many. NaN probabilities
 * never enter a set beyond the first class. */
guint   healer_prediction_set       (const float *proba,
                                     guint        n_classes,
                                     double       threshold,
                                     guint       *classes_out);

/* Confidence threshold of the uncertain flag: the highest threshold τ such
 * that the rows flagged, those whose set at @set_threshold has more than
 * one class or whose confidence is below τ, are at most @budget of the @n
 * rows; midway between two confidences so no row sits on it; 0 when the
 * ambiguous rows alone use the budget. */
double  healer_flag_threshold_select (const float *proba,
                                      gsize        n,
                                      guint        n_classes,
                                      double       set_threshold,
                                      double       budget);

/* Expected calibration error: the confidence (largest probability) of the
 * @n rows cut into HEALER_CALIBRATION_BINS equal-width bins, the mean over
 * rows of |accuracy − mean confidence| of their bin. 0 for n = 0. */
#define HEALER_CALIBRATION_BINS 15
double  healer_calibration_error    (const float *proba,
                                     const guint *y,
                                     gsize        n,
                                     guint        n_classes);

/* The honest estimate a calibrated model carries: every figure from
 * predictions of rows the predicting model was not trained on (the
 * out-of-fold predictions of cross-fitting); the set and flag figures from
 * thresholds fitted without the fold they are measured on. */
typedef struct
{
  guint   n_folds;
  gsize   n_rows;
  guint   n_classes;
  double  accuracy;
  double  macro_f1;
  double *class_f1;          /* n_classes */
  double  log_loss;
  double  calibration_error; /* healer_calibration_error */
  double  coverage;          /* the nominal coverage the set figures are for */
  double  set_coverage;      /* share of rows whose set held the true class */
  double  mean_set_size;
  double  flagged_share;     /* ambiguous or low confidence */
  double  errors_flagged;    /* share of the wrong diagnoses that were flagged; NAN without any */
} HealerEstimate;

HealerEstimate *healer_estimate_copy (const HealerEstimate *self);
void            healer_estimate_free (HealerEstimate       *self);

/* What sets and flags did on labelled rows. */
typedef struct
{
  gsize  n_rows;
  gsize  n_covered;       /* true class in the set */
  gsize  n_set_classes;   /* summed set sizes */
  gsize  n_flagged;       /* ambiguous or low confidence (out of range is the caller's) */
  gsize  n_wrong;         /* diagnosis (most probable class) wrong */
  gsize  n_wrong_flagged;
} HealerSetTally;

/* Adds the rows to @tally: @set_threshold for the sets, @confidence_threshold
 * for the flag, @extra_flags (n, may be NULL) rows flagged for other reasons
 * (out of range, missing where training had it). */
void    healer_set_tally_add        (HealerSetTally *tally,
                                     const float    *proba,
                                     const guint    *y,
                                     const gboolean *extra_flags,
                                     gsize           n,
                                     guint           n_classes,
                                     double          set_threshold,
                                     double          confidence_threshold);
/* Ratios; NAN when the denominator is 0. */
double  healer_set_tally_coverage        (const HealerSetTally *tally);
double  healer_set_tally_mean_size       (const HealerSetTally *tally);
double  healer_set_tally_flagged_share   (const HealerSetTally *tally);
double  healer_set_tally_errors_flagged  (const HealerSetTally *tally);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerConformalScores, healer_conformal_scores_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerEstimate, healer_estimate_free)

G_END_DECLS
