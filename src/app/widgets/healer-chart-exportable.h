/* healer-chart-exportable.h — charts that can draw themselves at any size
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEALER_TYPE_CHART_EXPORTABLE (healer_chart_exportable_get_type ())

G_DECLARE_INTERFACE (HealerChartExportable, healer_chart_exportable, HEALER, CHART_EXPORTABLE, GtkWidget)

/* Every chart implements this with the same code its snapshot() uses, so
 * an export shows exactly what the widget shows, at another size. */
struct _HealerChartExportableInterface
{
  GTypeInterface parent_iface;

  void (*snapshot_at_size) (HealerChartExportable *self,
                            GtkSnapshot           *snapshot,
                            int                    width,
                            int                    height);
};

void healer_chart_exportable_snapshot_at_size (HealerChartExportable *self,
                                               GtkSnapshot           *snapshot,
                                               int                    width,
                                               int                    height);

G_END_DECLS
