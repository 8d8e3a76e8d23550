/* healer-wrap-layout.h — children left to right, wrapped onto new lines when
 * the width runs out
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEALER_TYPE_WRAP_LAYOUT (healer_wrap_layout_get_type ())

G_DECLARE_FINAL_TYPE (HealerWrapLayout, healer_wrap_layout, HEALER, WRAP_LAYOUT, GtkLayoutManager)

/* libadwaita 1.2 has no wrap box and no breakpoints: this is how a row of
 * controls, or two panes side by side, still fit a 360-pixel window.
 *
 * Children go on a line at their natural width while the line's natural
 * widths fit; the next child starts a new line. A line's spare width goes
 * to its hexpand children, or, when it has none, is left at the end (or
 * split around the line when "centered" is set). A line's height is its
 * tallest child's; spare height goes to the lines that hold a vexpand
 * child. The minimum width is the widest child's minimum, so the widget
 * never forces its window wider than one child. */
GtkLayoutManager *healer_wrap_layout_new             (void);

int               healer_wrap_layout_get_spacing     (HealerWrapLayout *self);
void              healer_wrap_layout_set_spacing     (HealerWrapLayout *self,
                                                      int               spacing);
int               healer_wrap_layout_get_row_spacing (HealerWrapLayout *self);
void              healer_wrap_layout_set_row_spacing (HealerWrapLayout *self,
                                                      int               row_spacing);
gboolean          healer_wrap_layout_get_centered    (HealerWrapLayout *self);
void              healer_wrap_layout_set_centered    (HealerWrapLayout *self,
                                                      gboolean          centered);

/* The number of lines of the last allocation (0 before the first). */
guint             healer_wrap_layout_get_n_lines     (HealerWrapLayout *self);

G_END_DECLS
