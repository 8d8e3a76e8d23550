/* healer-preferences-window.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HEALER_TYPE_PREFERENCES_WINDOW (healer_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (HealerPreferencesWindow, healer_preferences_window, HEALER, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* The app's settings, and the coverage and class names of the model of
 * its "session" (a HealerSession, followed through a signal group as the
 * pages follow theirs): by default the session of @transient_for when it
 * is a HealerWindow. */
HealerPreferencesWindow *healer_preferences_window_new (GtkWindow *transient_for);

G_END_DECLS
