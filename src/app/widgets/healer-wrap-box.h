/* healer-wrap-box.h — a container that lays its children out with
 * HealerWrapLayout
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEALER_TYPE_WRAP_BOX (healer_wrap_box_get_type ())

G_DECLARE_FINAL_TYPE (HealerWrapBox, healer_wrap_box, HEALER, WRAP_BOX, GtkWidget)

/* Children are added with <child> in a .ui file or with append; the
 * "spacing", "row-spacing" and "centered" properties are the layout's. */
GtkWidget *healer_wrap_box_new         (int            spacing,
                                        int            row_spacing);
void       healer_wrap_box_append      (HealerWrapBox *self,
                                        GtkWidget     *child);
void       healer_wrap_box_remove      (HealerWrapBox *self,
                                        GtkWidget     *child);
guint      healer_wrap_box_get_n_lines (HealerWrapBox *self);

G_END_DECLS
