/* healer-locale.h — where the translations are
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The folder holding <lang>/LC_MESSAGES/systemhealer.mo: $HEALER_LOCALEDIR
 * when set (tests and uninstalled builds point it at the build tree), on
 * Windows share/locale beside the installed program wherever it was
 * unpacked, otherwise the configured LOCALEDIR. */
const char *healer_locale_dir (void);

G_END_DECLS
