/* healer-trainer-private.h — what the trainer and its optimizer share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "healer-trainer.h"

G_BEGIN_DECLS

/* One update of the @n parameters @p from their gradient @g, by
 * @config->optimizer with step size @learning_rate. @step counts updates from 1 (Adam's bias correction);
 * @m1 is Adam's first moment or the SGD velocity, @m2 Adam's second moment
 * (unused by SGD); weight decay applies where @decay is 1. */
void healer_optimizer_step (const HealerTrainConfig *config,
                            double                   learning_rate,
                            guint64                  step,
                            float                   *p,
                            const float             *g,
                            float                   *m1,
                            float                   *m2,
                            const guint8            *decay,
                            gsize                    n);

G_END_DECLS
