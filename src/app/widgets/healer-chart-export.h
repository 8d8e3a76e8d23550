/* healer-chart-export.h — saving a chart as PNG, SVG or PDF, or copying it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-chart-exportable.h"

G_BEGIN_DECLS

typedef enum
{
  HEALER_CHART_FORMAT_PNG,
  HEALER_CHART_FORMAT_SVG,
  HEALER_CHART_FORMAT_PDF,
} HealerChartFormat;

/* Picks the format from @name's extension (case-insensitive); FALSE when
 * the extension is none of .png, .svg, .pdf. */
gboolean healer_chart_format_from_filename (const char        *name,
                                            HealerChartFormat *format);

/* Renders the chart at @width × @height through gsk_render_node_draw() onto
 * a Cairo image, SVG or PDF surface: the bytes of the file. Writing them is
 * the app's business (healer_chart_save(), through the core's output, which
 * keeps links, modes and special files); a widget knows nothing of files. */
GBytes  *healer_chart_render (HealerChartExportable  *chart,
                              HealerChartFormat       format,
                              int                     width,
                              int                     height,
                              GError                **error);

/* As healer_chart_render(), with @caption above the chart: its first line
 * as a title, in bold, the others below it, wrapped to the width, at most
 * half the height (the last lines that do not fit end in an ellipsis:
 * put first what must not be lost). The chart gets the height left. A
 * chart leaving the window says what it is of, as the page around it
 * does. @caption NULL or empty: the chart alone. */
GBytes  *healer_chart_render_captioned (HealerChartExportable  *chart,
                                        const char             *caption,
                                        HealerChartFormat       format,
                                        int                     width,
                                        int                     height,
                                        GError                **error);

/* Copies the chart at its current size to the clipboard as a texture. */
void     healer_chart_copy_to_clipboard (HealerChartExportable *chart);
/* The same, under @caption (see healer_chart_render_captioned()). */
void     healer_chart_copy_to_clipboard_captioned (HealerChartExportable *chart,
                                                   const char            *caption);

G_END_DECLS
