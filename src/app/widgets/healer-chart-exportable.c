/* healer-chart-exportable.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "healer-chart-exportable.h"

G_DEFINE_INTERFACE (HealerChartExportable, healer_chart_exportable, GTK_TYPE_WIDGET)

static void
healer_chart_exportable_default_init (HealerChartExportableInterface *iface)
{
}

void
healer_chart_exportable_snapshot_at_size (HealerChartExportable *self,
                                          GtkSnapshot           *snapshot,
                                          int                    width,
                                          int                    height)
{
  HealerChartExportableInterface *iface;

  g_return_if_fail (HEALER_IS_CHART_EXPORTABLE (self));
  g_return_if_fail (snapshot != NULL);
  g_return_if_fail (width > 0 && height > 0);

  iface = HEALER_CHART_EXPORTABLE_GET_IFACE (self);
  g_return_if_fail (iface->snapshot_at_size != NULL);

  iface->snapshot_at_size (self, snapshot, width, height);
}
