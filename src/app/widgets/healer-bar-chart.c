/* healer-bar-chart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "healer-bar-chart.h"
#include "healer-bar-layer.h"
#include "healer-chart-legend.h"

struct _HealerBarChart
{
  HealerChart        parent_instance;

  HealerBarLayer    *layer;
  HealerChartLegend *legend;
};

G_DEFINE_FINAL_TYPE (HealerBarChart, healer_bar_chart, HEALER_TYPE_CHART)

static void
on_legend_toggled (HealerBarChart *self,
                   guint           index,
                   gboolean        active)
{
  healer_bar_layer_set_group_visible (self->layer, index, active);
}

static void
healer_bar_chart_dispose (GObject *object)
{
  HealerBarChart *self = (HealerBarChart *)object;

  g_clear_object (&self->layer);
  self->legend = NULL;

  G_OBJECT_CLASS (healer_bar_chart_parent_class)->dispose (object);
}

static void
healer_bar_chart_class_init (HealerBarChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = healer_bar_chart_dispose;
}

static void
healer_bar_chart_init (HealerBarChart *self)
{
  self->layer = healer_bar_layer_new ();
  /* Room above the tallest bar for its value label. */
  healer_chart_set_range_policy (HEALER_CHART (self), 0, 0.1, TRUE);
  healer_chart_add_layer (HEALER_CHART (self), HEALER_CHART_LAYER (self->layer));
  /* Bars are few: zooming a thousand-fold into one is never useful. */
  healer_chart_axis_set_max_zoom (healer_chart_get_x_axis (HEALER_CHART (self)), 50);
  healer_chart_axis_set_max_zoom (healer_chart_get_y_axis (HEALER_CHART (self)), 1000);

  self->legend = healer_chart_legend_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->legend), FALSE);
  g_signal_connect_swapped (self->legend, "toggled", G_CALLBACK (on_legend_toggled), self);
  healer_chart_set_legend (HEALER_CHART (self), GTK_WIDGET (self->legend));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Bar chart"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, _("No data"),
                                  -1);
}

GtkWidget *
healer_bar_chart_new (void)
{
  return g_object_new (HEALER_TYPE_BAR_CHART, NULL);
}

void
healer_bar_chart_set_data (HealerBarChart     *self,
                           const char * const *categories,
                           guint               n_categories,
                           const char * const *groups,
                           guint               n_groups,
                           const double       *values)
{
  g_autofree char *description = NULL;
  g_auto(GStrv) labels = NULL;
  GString *text;

  g_return_if_fail (HEALER_IS_BAR_CHART (self));

  n_groups = MAX (n_groups, 1);

  labels = g_new0 (char *, n_categories + 1);
  for (guint c = 0; c < n_categories; c++)
    labels[c] = g_strdup (categories[c] ? categories[c] : "");
  healer_chart_axis_set_categories (healer_chart_get_x_axis (HEALER_CHART (self)),
                                    (const char * const *) labels);
  healer_bar_layer_set_data (self->layer, categories, n_categories, groups, n_groups, values);

  if (groups != NULL && n_groups > 1)
    {
      g_auto(GStrv) items = g_new0 (char *, n_groups + 1);

      for (guint g = 0; g < n_groups; g++)
        items[g] = g_strdup (groups[g] ? groups[g] : "");
      healer_chart_legend_set_items (self->legend, (const char * const *) items);
      for (guint g = 0; g < n_groups; g++)
        healer_bar_layer_set_group_visible (self->layer, g, healer_chart_legend_get_active (self->legend, g));
      gtk_widget_set_visible (GTK_WIDGET (self->legend), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->legend), FALSE);

  text = g_string_new (NULL);
  g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE, "Bar chart of %u category", "Bar chart of %u categories", n_categories), n_categories);
  for (guint c = 0; c < n_categories; c++)
    {
      g_string_append_printf (text, "; %s:", labels[c]);
      for (guint g = 0; g < n_groups; g++)
        {
          if (groups != NULL && n_groups > 1)
            g_string_append_printf (text, " %s", groups[g]);
          g_string_append_printf (text, " %g", values[(gsize) c * n_groups + g]);
        }
    }
  description = g_string_free (text, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                  -1);
}

void
healer_bar_chart_set_titles (HealerBarChart *self,
                             const char     *x_title,
                             const char     *y_title)
{
  g_return_if_fail (HEALER_IS_BAR_CHART (self));

  healer_chart_set_titles (HEALER_CHART (self), x_title, y_title);
}
