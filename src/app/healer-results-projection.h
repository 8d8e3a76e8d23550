/* healer-results-projection.h — lays out diagnosed samples in 2-D, off the main thread
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "healer-model.h"
#include "healer-projection.h"

G_BEGIN_DECLS

/* The most samples laid out: a map of more points is no more readable,
 * and t-SNE's time grows with them. */
#define HEALER_RESULTS_MAX_PCA_POINTS   20000
#define HEALER_RESULTS_MAX_TSNE_POINTS  3000

typedef void (*HealerResultsProjectionProgress) (double   fraction,
                                                 gpointer user_data);

/* Reads @file again (a seeded sample of its rows when it has more than the
 * method's maximum), aligns it to @model and projects it, on a worker.
 * @progress runs on the caller's main context, coalesced. */
void              healer_results_projection_run    (HealerModel                    *model,
                                                    GFile                          *file,
                                                    const HealerProjectionConfig   *config,
                                                    GCancellable                   *cancellable,
                                                    HealerResultsProjectionProgress progress,
                                                    gpointer                        progress_data,
                                                    GAsyncReadyCallback             callback,
                                                    gpointer                        user_data);
/* The projection, and in *@rows (g_free()) the file row of each point. */
HealerProjection *healer_results_projection_finish (GAsyncResult                   *result,
                                                    gsize                         **rows,
                                                    GError                        **error);

G_END_DECLS
