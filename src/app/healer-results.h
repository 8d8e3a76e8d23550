/* healer-results.h — the diagnoses of one batch of samples
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define HEALER_TYPE_RESULTS (healer_results_get_type ())

G_DECLARE_FINAL_TYPE (HealerResults, healer_results, HEALER, RESULTS, GObject)

guint        healer_results_get_n_rows    (HealerResults *self);

G_END_DECLS
