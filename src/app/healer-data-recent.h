/* healer-data-recent.h — the CSV files opened lately, from GtkRecentManager
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Remembers @file as data SystemHealer loaded. */
void  healer_data_recent_add  (GFile      *file);
/* Replaces the rows of @list by the @max most recent data files (an
 * AdwActionRow each; a row's "uri" data is its file's URI, NULL for a file
 * that no longer exists, shown as such). Returns the number of rows. */
guint healer_data_recent_fill (GtkListBox *list,
                               guint       max);

G_END_DECLS
