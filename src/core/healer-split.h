/* healer-split.h — the stratified split of training rows into fitting and validation rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Stratified split of @labels (class indices) into a validation set of
 * round(fraction · n) rows and the rest, deterministic in @seed. */
void healer_stratified_split (const guint *labels,
                              gsize        n,
                              guint        n_classes,
                              double       fraction,
                              guint64      seed,
                              GArray      *train_rows,   /* of gsize */
                              GArray      *val_rows);    /* of gsize */

G_END_DECLS
