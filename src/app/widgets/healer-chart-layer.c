/* healer-chart-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "healer-chart-layer.h"

G_DEFINE_ABSTRACT_TYPE (HealerChartLayer, healer_chart_layer, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
healer_chart_layer_class_init (HealerChartLayerClass *klass)
{
  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
healer_chart_layer_init (HealerChartLayer *self)
{
}

gboolean
healer_chart_layer_get_extent (HealerChartLayer *self,
                               double           *x_min,
                               double           *x_max,
                               double           *y_min,
                               double           *y_max)
{
  HealerChartLayerClass *klass;

  g_return_val_if_fail (HEALER_IS_CHART_LAYER (self), FALSE);

  klass = HEALER_CHART_LAYER_GET_CLASS (self);
  if (klass->get_extent == NULL)
    return FALSE;
  return klass->get_extent (self, x_min, x_max, y_min, y_max);
}

void
healer_chart_layer_snapshot (HealerChartLayer         *self,
                             GtkSnapshot              *snapshot,
                             const HealerChartContext *ctx)
{
  HealerChartLayerClass *klass;

  g_return_if_fail (HEALER_IS_CHART_LAYER (self));

  klass = HEALER_CHART_LAYER_GET_CLASS (self);
  if (klass->snapshot != NULL)
    klass->snapshot (self, snapshot, ctx);
}

gboolean
healer_chart_layer_hit_test (HealerChartLayer         *self,
                             const HealerChartContext *ctx,
                             double                    x,
                             double                    y,
                             char                    **tooltip,
                             guint64                  *index)
{
  HealerChartLayerClass *klass;

  g_return_val_if_fail (HEALER_IS_CHART_LAYER (self), FALSE);

  klass = HEALER_CHART_LAYER_GET_CLASS (self);
  if (klass->hit_test == NULL)
    return FALSE;
  return klass->hit_test (self, ctx, x, y, tooltip, index);
}

void
healer_chart_layer_changed (HealerChartLayer *self)
{
  g_return_if_fail (HEALER_IS_CHART_LAYER (self));

  g_signal_emit (self, signals[CHANGED], 0);
}
