/* healer-line-chart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "healer-line-chart.h"
#include "healer-line-layer.h"

struct _HealerLineChart
{
  HealerChart      parent_instance;

  HealerLineLayer *layer;
  guint            describe_source;
};

G_DEFINE_FINAL_TYPE (HealerLineChart, healer_line_chart, HEALER_TYPE_CHART)

static gboolean
describe_cb (gpointer data)
{
  HealerLineChart *self = data;
  GString *text = g_string_new (NULL);
  g_autofree char *description = NULL;
  guint n = healer_line_layer_get_n_series (self->layer);

  self->describe_source = 0;

  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "Line chart with %u series", "Line chart with %u series", n), n);
  for (guint s = 0; s < n; s++)
    {
      const char *label = healer_line_layer_get_label (self->layer, s);
      guint points = healer_line_layer_get_n_points (self->layer, s);
      double x, y;

      if (healer_line_layer_get_last (self->layer, s, &x, &y))
        /* Translators: spoken summary of one curve: its name, its number of points, its last point */
        g_string_append_printf (text, _("; %s: %u points, last %g at %g"), label ? label : "", points, y, x);
    }

  description = g_string_free (text, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
  return G_SOURCE_REMOVE;
}

/* Appends arrive every epoch: describe once they pause. */
static void
queue_describe (HealerLineChart *self)
{
  if (self->describe_source == 0)
    self->describe_source = g_timeout_add (250, describe_cb, self);
}

static void
healer_line_chart_dispose (GObject *object)
{
  HealerLineChart *self = (HealerLineChart *)object;

  g_clear_handle_id (&self->describe_source, g_source_remove);
  g_clear_object (&self->layer);

  G_OBJECT_CLASS (healer_line_chart_parent_class)->dispose (object);
}

static void
healer_line_chart_class_init (HealerLineChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = healer_line_chart_dispose;
}

/* A log y axis cannot show values ≤ 0, however it was set (a .ui file
 * sets the axis's "scale"): the curves leave them out. */
static void
on_y_scale_changed (HealerLineChart *self)
{
  HealerChartAxis *y_axis = healer_chart_get_y_axis (HEALER_CHART (self));

  /* Also recomputes the ranges, now without the values ≤ 0. */
  healer_line_layer_set_positive_only (self->layer,
                                       healer_chart_axis_get_scale (y_axis) == HEALER_CHART_SCALE_LOG10);
}

static void
healer_line_chart_init (HealerLineChart *self)
{
  self->layer = healer_line_layer_new ();
  healer_chart_set_range_policy (HEALER_CHART (self), 0, 0.05, FALSE);
  healer_chart_add_layer (HEALER_CHART (self), HEALER_CHART_LAYER (self->layer));
  g_signal_connect_object (healer_chart_get_y_axis (HEALER_CHART (self)), "notify::scale",
                           G_CALLBACK (on_y_scale_changed), self, G_CONNECT_SWAPPED);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Line chart"),
                                  -1);
  describe_cb (self);
}

GtkWidget *
healer_line_chart_new (void)
{
  return g_object_new (HEALER_TYPE_LINE_CHART, NULL);
}

guint
healer_line_chart_add_series (HealerLineChart *self,
                              const char      *label,
                              guint            color_index,
                              gboolean         dashed)
{
  guint series;

  g_return_val_if_fail (HEALER_IS_LINE_CHART (self), 0);

  series = healer_line_layer_add_series (self->layer, label, color_index, dashed);
  queue_describe (self);
  return series;
}

void
healer_line_chart_append (HealerLineChart *self,
                          guint            series,
                          double           x,
                          double           y)
{
  g_return_if_fail (HEALER_IS_LINE_CHART (self));

  healer_line_layer_append (self->layer, series, x, y);
  queue_describe (self);
}

void
healer_line_chart_clear (HealerLineChart *self)
{
  g_return_if_fail (HEALER_IS_LINE_CHART (self));

  healer_line_layer_clear (self->layer);
  healer_chart_reset_zoom (HEALER_CHART (self));
  queue_describe (self);
}

void
healer_line_chart_set_y_log (HealerLineChart *self,
                             gboolean         log_scale)
{
  g_return_if_fail (HEALER_IS_LINE_CHART (self));

  healer_chart_axis_set_scale (healer_chart_get_y_axis (HEALER_CHART (self)),
                               log_scale ? HEALER_CHART_SCALE_LOG10 : HEALER_CHART_SCALE_LINEAR);
}

void
healer_line_chart_set_titles (HealerLineChart *self,
                              const char      *x_title,
                              const char      *y_title)
{
  g_return_if_fail (HEALER_IS_LINE_CHART (self));

  healer_chart_set_titles (HEALER_CHART (self), x_title, y_title);
}
