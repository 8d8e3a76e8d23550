/* healer-chart-save.c — a chart written to a file through the core's output
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-chart-save.h"
#include "healer-output.h"

gboolean
healer_chart_save (HealerChartExportable  *chart,
                   const char             *path,
                   HealerChartFormat       format,
                   int                     width,
                   int                     height,
                   GError                **error)
{
  return healer_chart_save_captioned (chart, NULL, path, format, width, height, error);
}

gboolean
healer_chart_save_captioned (HealerChartExportable  *chart,
                             const char             *caption,
                             const char             *path,
                             HealerChartFormat       format,
                             int                     width,
                             int                     height,
                             GError                **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize size;
  const char *data;

  g_return_val_if_fail (HEALER_IS_CHART_EXPORTABLE (chart), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Rendered whole before the file is opened: a drawing error touches
   * nothing on disk. */
  bytes = healer_chart_render_captioned (chart, caption, format, width, height, error);
  if (bytes == NULL)
    return FALSE;
  data = g_bytes_get_data (bytes, &size);
  return healer_output_set_contents (path, data, size, error);
}
