/* healer-combo-rows.h — combo rows whose choices are read whole
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Every AdwComboRow of strings at or below @root shows its choice whole
 * and lets its title and subtitle wrap around it: libadwaita's own label
 * gives up first, and at 360 pixels "Mean" read "…" and "Recommended"
 * "Recom…". The choices in the popup wrap instead of being cut ("Okabe–Ito
 * (colour-blind safe)"). Call it once the rows exist (after the template). */
void healer_combo_rows_give_room (GtkWidget *root);

G_END_DECLS
