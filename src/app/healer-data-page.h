/* healer-data-page.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-session.h"

G_BEGIN_DECLS

#define HEALER_TYPE_DATA_PAGE (healer_data_page_get_type ())

G_DECLARE_FINAL_TYPE (HealerDataPage, healer_data_page, HEALER, DATA_PAGE, AdwBin)

HealerSession *healer_data_page_get_session (HealerDataPage *self);
void           healer_data_page_set_session (HealerDataPage *self,
                                            HealerSession *session);
/* Asks for a CSV file with a file chooser and loads it. */
void healer_data_page_open (HealerDataPage *self);
/* Generates the built-in demo data set and loads it. */
void healer_data_page_load_demo (HealerDataPage *self);
/* Loads @file on a worker, with progress and Cancel. */
void healer_data_page_load_file (HealerDataPage *self,
                                GFile *file);
/* Cancels the page's running work, if any; TRUE when something was cancelled. */
gboolean healer_data_page_cancel (HealerDataPage *self);

G_END_DECLS
