/* healer-scatter-chart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "healer-chart-legend.h"
#include "healer-scatter-chart.h"
#include "healer-scatter-layer.h"

struct _HealerScatterChart
{
  HealerChart         parent_instance;

  HealerScatterLayer *layer;
  HealerChartLegend  *legend;
};

G_DEFINE_FINAL_TYPE (HealerScatterChart, healer_scatter_chart, HEALER_TYPE_CHART)

enum {
  POINT_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
healer_scatter_chart_item_activated (HealerChart      *chart,
                                     HealerChartLayer *layer,
                                     guint64           index)
{
  g_signal_emit (chart, signals[POINT_ACTIVATED], 0, index);
}

static void
on_legend_toggled (HealerScatterChart *self,
                   guint               index,
                   gboolean            active)
{
  healer_scatter_layer_set_category_visible (self->layer, index, active);
}

static void
healer_scatter_chart_dispose (GObject *object)
{
  HealerScatterChart *self = (HealerScatterChart *)object;

  g_clear_object (&self->layer);
  self->legend = NULL;

  G_OBJECT_CLASS (healer_scatter_chart_parent_class)->dispose (object);
}

static void
healer_scatter_chart_class_init (HealerScatterChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HealerChartClass *chart_class = HEALER_CHART_CLASS (klass);

  object_class->dispose = healer_scatter_chart_dispose;
  chart_class->item_activated = healer_scatter_chart_item_activated;

  /**
   * HealerScatterChart::point-activated:
   * @index: the point clicked, as given to set_points()
   */
  signals[POINT_ACTIVATED] = g_signal_new ("point-activated",
                                           G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_UINT64);
}

static void
healer_scatter_chart_init (HealerScatterChart *self)
{
  self->layer = healer_scatter_layer_new ();
  healer_chart_set_range_policy (HEALER_CHART (self), 0.05, 0.05, FALSE);
  healer_chart_add_layer (HEALER_CHART (self), HEALER_CHART_LAYER (self->layer));

  self->legend = healer_chart_legend_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->legend), FALSE);
  g_signal_connect_swapped (self->legend, "toggled", G_CALLBACK (on_legend_toggled), self);
  healer_chart_set_legend (HEALER_CHART (self), GTK_WIDGET (self->legend));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Scatter chart"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("No points"),
                                  -1);
}

GtkWidget *
healer_scatter_chart_new (void)
{
  return g_object_new (HEALER_TYPE_SCATTER_CHART, NULL);
}

static void
update_description (HealerScatterChart *self,
                    gsize               n,
                    const guint        *category)
{
  guint n_categories = healer_scatter_layer_get_n_categories (self->layer);
  const char * const *labels = healer_scatter_layer_get_category_labels (self->layer);
  g_autofree gsize *counts = g_new0 (gsize, n_categories);
  GString *text = g_string_new (NULL);
  g_autofree char *description = NULL;

  for (gsize i = 0; i < n; i++)
    counts[category ? category[i] : 0]++;

  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "Scatter chart of %zu point", "Scatter chart of %zu points", n), n);
  if (labels != NULL)
    for (guint c = 0; c < n_categories && labels[c] != NULL; c++)
      /* Translators: one class in the spoken summary of a scatter chart, "; Normal: 120" */
      g_string_append_printf (text, _("; %s: %zu"), labels[c], counts[c]);

  description = g_string_free (text, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

void
healer_scatter_chart_set_points (HealerScatterChart *self,
                                 const float        *xy,
                                 gsize               n,
                                 const guint        *category,
                                 const char * const *category_labels,
                                 const char * const *point_ids)
{
  g_return_if_fail (HEALER_IS_SCATTER_CHART (self));

  healer_scatter_layer_set_points (self->layer, xy, n, category, category_labels, point_ids);

  if (category_labels != NULL && category_labels[0] != NULL)
    {
      healer_chart_legend_set_items (self->legend, category_labels);
      /* The legend may keep what the user hid; the points must agree. */
      for (guint c = 0; category_labels[c] != NULL; c++)
        healer_scatter_layer_set_category_visible (self->layer, c,
                                                   healer_chart_legend_get_active (self->legend, c));
      gtk_widget_set_visible (GTK_WIDGET (self->legend), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->legend), FALSE);

  update_description (self, n, category);
}

void
healer_scatter_chart_set_titles (HealerScatterChart *self,
                                 const char         *x_title,
                                 const char         *y_title)
{
  g_return_if_fail (HEALER_IS_SCATTER_CHART (self));

  healer_chart_set_titles (HEALER_CHART (self), x_title, y_title);
}

void
healer_scatter_chart_set_category_visible (HealerScatterChart *self,
                                           guint               category,
                                           gboolean            visible)
{
  g_return_if_fail (HEALER_IS_SCATTER_CHART (self));

  if (category < healer_chart_legend_get_n_items (self->legend))
    healer_chart_legend_set_active (self->legend, category, visible);
  else
    healer_scatter_layer_set_category_visible (self->layer, category, visible);
}
