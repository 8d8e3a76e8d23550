/* healer-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-session.h"

G_BEGIN_DECLS

#define HEALER_TYPE_WINDOW (healer_window_get_type ())

G_DECLARE_FINAL_TYPE (HealerWindow, healer_window, HEALER, WINDOW, AdwApplicationWindow)

HealerWindow  *healer_window_new              (AdwApplication *application);
HealerSession *healer_window_get_session      (HealerWindow   *self);
/* "data", "train", "diagnose" or "results". */
void           healer_window_set_visible_page (HealerWindow   *self,
                                               const char     *name);
/* Routes a file the user gave us (drop, command line, recent): a model
 * (*.json) to Diagnose, anything else to Data. */
void           healer_window_open_file        (HealerWindow   *self,
                                               GFile          *file);
/* A light message that goes away on its own. */
void           healer_window_toast            (HealerWindow   *self,
                                               const char     *message);
/* A blocking error: a dialog with @heading and the located details of
 * @error (file, line, column, what was expected). Nothing else changes. */
void           healer_window_show_error       (HealerWindow   *self,
                                               const char     *heading,
                                               const GError   *error);
/* The window that holds @widget, or NULL. */
HealerWindow  *healer_window_for_widget       (GtkWidget      *widget);

G_END_DECLS
