/* healer-results-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-session.h"

G_BEGIN_DECLS

#define HEALER_TYPE_RESULTS_PAGE (healer_results_page_get_type ())

G_DECLARE_FINAL_TYPE (HealerResultsPage, healer_results_page, HEALER, RESULTS_PAGE, AdwBin)

HealerSession *healer_results_page_get_session (HealerResultsPage *self);
void           healer_results_page_set_session (HealerResultsPage *self,
                                               HealerSession *session);
/* Asks where to save the results as CSV and writes them. */
void healer_results_page_export (HealerResultsPage *self);
/* Writes the results to @file in the CLI's predict format on a worker, as
 * the export does once a file is chosen (a toast or an error dialog). */
void healer_results_page_export_to (HealerResultsPage *self,
                                    GFile             *file);
/* Shows the map of the samples and lays them out if they are not yet. */
void healer_results_page_show_map (HealerResultsPage *self);
/* Samples on the map now (0 before a layout finishes). */
gsize healer_results_page_get_n_mapped (HealerResultsPage *self);
/* Cancels the page's running work, if any; TRUE when something was cancelled. */
gboolean healer_results_page_cancel (HealerResultsPage *self);

G_END_DECLS
