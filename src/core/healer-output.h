/* healer-output.h — streamed output that replaces its target only when complete
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Writes go to a temporary file beside the target; commit renames it over
 * the target, abort (or a failed commit) deletes it, so a reader never sees
 * a half-written file and a failed command leaves nothing behind. "-" writes
 * to standard output directly. */
typedef struct _HealerOutput HealerOutput;

HealerOutput *healer_output_open   (const char    *path,
                                    GError       **error);
gboolean      healer_output_write  (HealerOutput  *self,
                                    const char    *data,
                                    gsize          len,
                                    GError       **error);
gboolean      healer_output_printf (HealerOutput  *self,
                                    GError       **error,
                                    const char    *format,
                                    ...) G_GNUC_PRINTF (3, 4);
/* Both free @self. */
gboolean      healer_output_commit (HealerOutput  *self,
                                    GError       **error);
void          healer_output_abort  (HealerOutput  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerOutput, healer_output_abort)

G_END_DECLS
