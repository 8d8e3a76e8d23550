/* healer-file-chooser.h — the app's file choosers, set up one way
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* A native chooser (the file portal in a sandbox: the app then reads or
 * writes the one file the user picked), modal and transient for @widget's
 * window, that shows the files named @filter_name — those ending in one of
 * @suffixes (without the dot) or of one of @mime_types (either may be
 * NULL) — and, when opening, "All files" as well. The caller connects to
 * "response", shows it and owns it. */
GtkFileChooserNative *healer_file_chooser_new (GtkWidget            *widget,
                                               GtkFileChooserAction  action,
                                               const char           *title,
                                               const char           *accept_label,
                                               const char           *filter_name,
                                               const char * const   *suffixes,
                                               const char * const   *mime_types);

G_END_DECLS
