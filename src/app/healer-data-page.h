/* healer-data-page.h — step 1: open the KPI samples and see what they hold
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-data-report.h"
#include "healer-session.h"
#include "healer-stats.h"

G_BEGIN_DECLS

#define HEALER_TYPE_DATA_PAGE (healer_data_page_get_type ())

G_DECLARE_FINAL_TYPE (HealerDataPage, healer_data_page, HEALER, DATA_PAGE, AdwBin)

/* Samples the demo data has. */
#define HEALER_DATA_PAGE_DEMO_SAMPLES 1200

HealerSession *healer_data_page_get_session (HealerDataPage *self);
void           healer_data_page_set_session (HealerDataPage *self,
                                            HealerSession *session);
/* Asks for a CSV file with a file chooser and loads it. */
void healer_data_page_open (HealerDataPage *self);
/* Generates the built-in demo data set and loads it. */
void healer_data_page_load_demo (HealerDataPage *self);
/* Loads @file on a worker, with progress and Cancel. On success the
 * session gets the data; on failure or Cancel nothing changes. */
void healer_data_page_load_file (HealerDataPage *self,
                                GFile *file);
/* Cancels the page's running work, if any; TRUE when something was cancelled. */
gboolean healer_data_page_cancel (HealerDataPage *self);

/* TRUE while a load runs. */
gboolean           healer_data_page_get_loading (HealerDataPage *self);
/* "empty", "loading" or "report": what the page shows. */
const char        *healer_data_page_get_state   (HealerDataPage *self);
/* The figures the report shows, or NULL before the first load. */
const HealerStats *healer_data_page_get_stats   (HealerDataPage *self);
HealerDataReport  *healer_data_page_get_report  (HealerDataPage *self);

G_END_DECLS
