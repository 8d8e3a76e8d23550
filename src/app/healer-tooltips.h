/* healer-tooltips.h — tooltips that read in every language and never
 * cover what their widget opened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* From now on, every widget's tooltip text (or markup) is shown in a label
 * of the app's own, as wide as its text up to 50 characters: GTK 4.8's own
 * tooltip label is as many average Latin characters wide as its text has
 * characters, which puts one Chinese character on each line ("主菜单" as
 * a column of three). And a widget whose popover is open (a menu button,
 * a dropdown, a combo row) shows no tooltip: it would lie over the
 * popover's first items. Call once, before any window is shown; calling
 * again does nothing. Widgets whose class has its own tooltips (links in
 * labels, cells of views) keep GTK's. */
void     healer_tooltips_init          (void);

/* TRUE when a popover of @widget's (a descendant, not inside another
 * popover) is shown. */
gboolean healer_tooltips_popover_open  (GtkWidget *widget);

G_END_DECLS
