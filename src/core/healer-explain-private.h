/* healer-explain-private.h — permutation importance on given rows, for the trainer's explain step and the tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "healer-explain.h"
#include "healer-rng.h"

G_BEGIN_DECLS

typedef enum
{
  HEALER_IMPORTANCE_AUTO,         /* FIRST_LAYER when its sums fit, else FULL_RERUN */
  HEALER_IMPORTANCE_FULL_RERUN,   /* the whole model rerun on each permuted table */
  HEALER_IMPORTANCE_FIRST_LAYER,  /* the first layer's sums updated for the permuted column */
} HealerImportanceMethod;

/* Permutation importance of every input of @model on @rows (≥ 2 rows, the
 * model's inputs in its order) with class indices @y: HEALER_EXPLAIN_REPEATS
 * permutations drawn from @rng per column the model reads, the same draws
 * whatever the method. Returns n_input entries in input order (unsorted) and
 * the unpermuted scores, or NULL when cancelled. @progress (may be NULL) is
 * called after each column the model reads, on this thread. */
HealerImportance *healer_permutation_importance (const HealerModel          *model,
                                                 const HealerDataset        *rows,
                                                 const guint                *y,
                                                 HealerRng                  *rng,
                                                 HealerImportanceMethod      method,
                                                 HealerExplainProgressFunc   progress,
                                                 gpointer                    user_data,
                                                 GCancellable               *cancellable,
                                                 double                     *base_macro_f1,
                                                 double                     *base_log_loss);

G_END_DECLS
