/* healer-train-summary.h — what a training run produced, read before saving
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-model.h"

G_BEGIN_DECLS

#define HEALER_TYPE_TRAIN_SUMMARY (healer_train_summary_get_type ())

G_DECLARE_FINAL_TYPE (HealerTrainSummary, healer_train_summary, HEALER, TRAIN_SUMMARY, AdwBin)

GtkWidget   *healer_train_summary_new       (void);
/* Shows @model's status, scores, per-class table and confusion matrix;
 * NULL empties the summary. */
void         healer_train_summary_set_model (HealerTrainSummary *self,
                                             HealerModel        *model);
HealerModel *healer_train_summary_get_model (HealerTrainSummary *self);
/* The metrics shown (validation rows when there were any, else training
 * rows), or NULL when the run measured none. */
const HealerMetrics *healer_train_summary_get_metrics (HealerTrainSummary *self);

/* The "Cross-Validated Estimate" row. Its button emits "estimate", its
 * Cancel "cancel-estimate"; whoever runs the estimate reports here. A new
 * model resets the row. */
void healer_train_summary_reset_estimate        (HealerTrainSummary *self,
                                                 const char         *message);
void healer_train_summary_set_estimate_progress (HealerTrainSummary *self,
                                                 const char         *text);
void healer_train_summary_set_estimate          (HealerTrainSummary *self,
                                                 double              macro_f1,
                                                 double              fold_std_macro_f1,
                                                 double              accuracy,
                                                 guint               n_folds);

G_END_DECLS
