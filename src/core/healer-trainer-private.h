/* healer-trainer-private.h — what the trainer and its optimizer share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "healer-trainer.h"

G_BEGIN_DECLS

/* The constants of one update step, worked out once per step: the trainer
 * updates the parameters a range at a time, as their gradients become final. */
typedef struct
{
  HealerOptimizer optimizer;
  float           lr;
  float           wd;
  float           mu;
  float           c1;       /* Adam's bias corrections, 1 / (1 − βᵗ) */
  float           c2;
} HealerOptimizerStep;

/* @learning_rate is this epoch's step size (the schedule's, not always
 * @config's); @step counts updates from 1 (Adam's bias correction). */
void healer_optimizer_step_init (HealerOptimizerStep     *s,
                                 const HealerTrainConfig *config,
                                 double                   learning_rate,
                                 guint64                  step);

/* One update of the @n parameters @p from their gradient @g, by
 * @s->optimizer, with weight decay when @decay (weights, not biases). @m1 is
 * Adam's first moment or the SGD velocity, @m2 Adam's second moment (unused
 * by SGD). Element-wise: updating a block in pieces gives the same bits as
 * updating it whole, whatever the CPU's vector width. */
void healer_optimizer_update    (const HealerOptimizerStep *s,
                                 float                     *p,
                                 const float               *g,
                                 float                     *m1,
                                 float                     *m2,
                                 gsize                      n,
                                 gboolean                   decay);

G_END_DECLS
