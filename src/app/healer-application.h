/* healer-application.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define HEALER_TYPE_APPLICATION (healer_application_get_type ())

G_DECLARE_FINAL_TYPE (HealerApplication, healer_application, HEALER, APPLICATION, AdwApplication)

HealerApplication *healer_application_new (void);

G_END_DECLS
