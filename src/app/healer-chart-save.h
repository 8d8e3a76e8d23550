/* healer-chart-save.h — a chart written to a file through the core's output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-chart-export.h"

G_BEGIN_DECLS

/* Renders @chart (healer_chart_render) and writes it to @path with
 * healer_output_set_contents(): the same rules as every file the CLI
 * writes — a failure (a size out of range, a missing folder, a full disk)
 * leaves no file and the previous one untouched, a symbolic link stays and
 * the file it points to is replaced with its permission bits, a FIFO or a
 * device is written in place. Errors name @path only. */
gboolean healer_chart_save (HealerChartExportable  *chart,
                            const char             *path,
                            HealerChartFormat       format,
                            int                     width,
                            int                     height,
                            GError                **error);

/* As healer_chart_save(), the chart under @caption
 * (healer_chart_render_captioned()). */
gboolean healer_chart_save_captioned (HealerChartExportable  *chart,
                                      const char             *caption,
                                      const char             *path,
                                      HealerChartFormat       format,
                                      int                     width,
                                      int                     height,
                                      GError                **error);

G_END_DECLS
