/* healer-results.h — the diagnoses of one batch of samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "healer-diagnose.h"
#include "healer-drift.h"
#include "healer-model.h"

G_BEGIN_DECLS

#define HEALER_TYPE_RESULTS (healer_results_get_type ())

G_DECLARE_FINAL_TYPE (HealerResults, healer_results, HEALER, RESULTS, GObject)

/* Immutable once made: pages may read it from any thread. Takes ownership
 * of @diagnosis. @source is the file the samples came from (may be NULL). */
HealerResults           *healer_results_new                (HealerDiagnosis  *diagnosis,
                                                            GFile            *source);

guint                    healer_results_get_n_rows         (HealerResults    *self);
guint                    healer_results_get_n_classes      (HealerResults    *self);
/* Display name of class @klass ("class 0" or the model's name for it). */
const char              *healer_results_get_class_name     (HealerResults    *self,
                                                            guint             klass);
/* Renames class @klass for display (HealerSession does it when the user
 * names a class). Main thread only: workers never read the names. */
void                     healer_results_set_class_name     (HealerResults    *self,
                                                            guint             klass,
                                                            const char       *name);
/* The label value of class @klass as in the data files (the p<id> columns). */
gint32                   healer_results_get_class_id       (HealerResults    *self,
                                                            guint             klass);
const char              *healer_results_get_sample_id      (HealerResults    *self,
                                                            guint             row);
/* Class index, < n_classes. */
guint                    healer_results_get_predicted      (HealerResults    *self,
                                                            guint             row);
/* Probability of the predicted class. */
float                    healer_results_get_confidence     (HealerResults    *self,
                                                            guint             row);
gboolean                 healer_results_get_uncertain      (HealerResults    *self,
                                                            guint             row);
/* Why, as HealerUncertainty flags (low confidence, out of training range). */
HealerUncertainty        healer_results_get_uncertainty    (HealerResults    *self,
                                                            guint             row);
/* n_classes probabilities in class order; valid as long as @self. */
const float             *healer_results_get_probabilities  (HealerResults    *self,
                                                            guint             row);
gboolean                 healer_results_has_true_labels    (HealerResults    *self);
/* Class index of the row's label in the input, or -1 (no label column, or a
 * label that is not a class of the model). */
int                      healer_results_get_true_class     (HealerResults    *self,
                                                            guint             row);
/* Rows predicted in class @klass. */
guint                    healer_results_get_class_count    (HealerResults    *self,
                                                            guint             klass);
guint                    healer_results_get_n_uncertain    (HealerResults    *self);
/* The model's threshold below which a confidence is "low" (0: never). */
double                   healer_results_get_confidence_threshold (HealerResults *self);
/* The prediction set of @row (see healer_prediction_set): class indices,
 * most probable first, into @classes_out (n_classes entries); how many. */
guint                    healer_results_get_prediction_set  (HealerResults    *self,
                                                             guint             row,
                                                             guint            *classes_out);
/* The model that made the diagnoses (a reference is kept) and its file, or
 * NULL for a model not saved when it diagnosed. Main thread, before the
 * results are shared: pages tell by it whether the model loaded now made
 * them (healer_model_same_network()). */
void                     healer_results_set_model          (HealerResults    *self,
                                                            HealerModel      *model,
                                                            GFile            *model_file);
/* The model that made them was saved since (or saved again): its file, for
 * healer_results_dup_model_name(). Main thread; the session calls it. */
void                     healer_results_set_model_file     (HealerResults    *self,
                                                            GFile            *model_file);
HealerModel             *healer_results_get_model          (HealerResults    *self);
GFile                   *healer_results_get_model_file     (HealerResults    *self);
/* That model as the pages name it: “file.json”, or the one trained at
 * 23:10:05 (not saved); NULL when not known. */
char                    *healer_results_dup_model_name     (HealerResults    *self);
/* Whether @model, the one loaded now, would say the same: results made by
 * other networks (or when none is loaded) are out of date, and so are
 * results of the same networks at another coverage, whose prediction sets
 * and uncertain flags differ. A renamed model says the same. Results whose
 * model is not known (healer_results_set_model() not called) are current. */
typedef enum {
  HEALER_RESULTS_CURRENT,
  HEALER_RESULTS_OTHER_MODEL,
  HEALER_RESULTS_OTHER_COVERAGE,
} HealerResultsStaleness;

HealerResultsStaleness   healer_results_get_staleness      (HealerResults    *self,
                                                            const HealerModel *model);
/* The sentence that says so, with the model's name and the coverages
 * (free it); NULL when current. */
char                    *healer_results_dup_staleness_text (HealerResults    *self,
                                                            const HealerModel *model);

/* The file the samples came from, or NULL; and its display name. */
GFile                   *healer_results_get_source         (HealerResults    *self);
const char              *healer_results_get_source_name    (HealerResults    *self);

/* Drift of the batch against the training range: the whole report (KPIs
 * most severe first) and the one-line summary of healer_drift_report_summary. */
const HealerDriftReport *healer_results_get_drift          (HealerResults    *self);
const char              *healer_results_get_drift_summary  (HealerResults    *self);
/* TRUE when some KPI lies outside the training range or has shifted. */
gboolean                 healer_results_has_drift          (HealerResults    *self);

/* Writes the CLI's predict format (healer_predictions_append_header():
 * sample_id,diagnosed_label,diagnosed_class,confidence,uncertain,p<id>…),
 * with the class names as they are now, atomically (nothing is left behind
 * on failure). Blocking: call it from a worker. */
gboolean                 healer_results_save_csv           (HealerResults    *self,
                                                            const char       *path,
                                                            GError          **error);

G_END_DECLS
