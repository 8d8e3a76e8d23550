/* healer-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-session.h"

G_BEGIN_DECLS

#define HEALER_TYPE_WINDOW (healer_window_get_type ())

/* The user guide, as help/meson.build installs it (share/help/LANG/systemhealer/). */
#define HEALER_HELP_URI "help:systemhealer"

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
/* Reopens what the last session had (unless the "restore-session" setting
 * is off): its data file or the demo data, its last opened or saved model,
 * and the settings of its last training run. Files that are gone are
 * skipped. The application calls this for the first window it opens. */
void           healer_window_restore_session  (HealerWindow   *self);
/* Saves the session's model to @file on a worker, as "Save Model…" does
 * once a file is chosen: a toast when done, an error dialog (and the model
 * kept, unsaved) when not. */
void           healer_window_save_model_to    (HealerWindow   *self,
                                               GFile          *file);
/* Writes the session's model to @file as ONNX (healer-onnx.h) on a worker,
 * as "Export as ONNX…" does once a file is chosen: a toast when done, an
 * error dialog when not. */
void           healer_window_export_onnx_to   (HealerWindow   *self,
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
