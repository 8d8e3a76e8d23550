/* healer-chart-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "healer-chart-layer.h"

typedef struct
{
  gboolean visible;
} HealerChartLayerPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HealerChartLayer, healer_chart_layer, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_VISIBLE,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
healer_chart_layer_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  HealerChartLayer *self = HEALER_CHART_LAYER (object);

  switch (prop_id)
    {
    case PROP_VISIBLE:
      g_value_set_boolean (value, healer_chart_layer_get_visible (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_chart_layer_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  HealerChartLayer *self = HEALER_CHART_LAYER (object);

  switch (prop_id)
    {
    case PROP_VISIBLE:
      healer_chart_layer_set_visible (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_chart_layer_class_init (HealerChartLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = healer_chart_layer_get_property;
  object_class->set_property = healer_chart_layer_set_property;

  properties[PROP_VISIBLE] =
    g_param_spec_boolean ("visible", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
healer_chart_layer_init (HealerChartLayer *self)
{
  HealerChartLayerPrivate *priv = healer_chart_layer_get_instance_private (self);

  priv->visible = TRUE;
}

gboolean
healer_chart_layer_get_visible (HealerChartLayer *self)
{
  HealerChartLayerPrivate *priv;

  g_return_val_if_fail (HEALER_IS_CHART_LAYER (self), FALSE);

  priv = healer_chart_layer_get_instance_private (self);
  return priv->visible;
}

void
healer_chart_layer_set_visible (HealerChartLayer *self,
                                gboolean          visible)
{
  HealerChartLayerPrivate *priv;

  g_return_if_fail (HEALER_IS_CHART_LAYER (self));

  priv = healer_chart_layer_get_instance_private (self);
  visible = !!visible;
  if (priv->visible == visible)
    return;
  priv->visible = visible;
  /* The chart recomputes its ranges without a hidden layer's extent. */
  healer_chart_layer_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VISIBLE]);
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
  if (klass->get_extent == NULL || !healer_chart_layer_get_visible (self))
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
  if (klass->snapshot != NULL && healer_chart_layer_get_visible (self))
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
  if (klass->hit_test == NULL || !healer_chart_layer_get_visible (self))
    return FALSE;
  return klass->hit_test (self, ctx, x, y, tooltip, index);
}

void
healer_chart_layer_changed (HealerChartLayer *self)
{
  g_return_if_fail (HEALER_IS_CHART_LAYER (self));

  g_signal_emit (self, signals[CHANGED], 0);
}
