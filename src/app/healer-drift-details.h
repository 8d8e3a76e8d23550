/* healer-drift-details.h — the KPIs of a batch that drifted, in a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-drift.h"

G_BEGIN_DECLS

/* A modal window over @parent (may be NULL) listing the KPIs of @report
 * outside the training range or shifted within it: first those the model
 * reads, then the others, each group most severe first, with a search
 * that filters them by name and a check box that keeps only those the model
 * reads. It copies what it shows: @report may go before it. Present it. */
GtkWindow *healer_drift_details_new (GtkWindow               *parent,
                                     const HealerDriftReport *report,
                                     const char              *summary);

G_END_DECLS
