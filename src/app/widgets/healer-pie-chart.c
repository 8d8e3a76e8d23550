/* healer-pie-chart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "healer-chart-exportable.h"
#include "healer-chart-palette.h"
#include "healer-pie-chart-private.h"

static void exportable_iface_init (HealerChartExportableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HealerPieChart, healer_pie_chart, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (HEALER_TYPE_CHART_EXPORTABLE,
                                                      exportable_iface_init))

enum {
  PROP_0,
  PROP_PALETTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
recompute_shares (HealerPieChart *self)
{
  double start = 0;

  self->total = 0;
  for (guint i = 0; i < self->n; i++)
    if (healer_chart_legend_get_active (self->legend, i))
      self->total += self->values[i];

  for (guint i = 0; i < self->n; i++)
    {
      gboolean shown = self->total > 0 && healer_chart_legend_get_active (self->legend, i);

      self->shares[i] = shown ? self->values[i] / self->total : 0.0;
      self->starts[i] = start;
      start += 2 * G_PI * self->shares[i];
    }
}

static void
update_description (HealerPieChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->total <= 0)
    g_string_append (text, _("Pie chart with no data"));
  else
    {
      g_autofree char *total = healer_pie_chart_format_value (self->total);

      gboolean first = TRUE;

      g_string_append_printf (text, _("Pie chart of %s in total:"), total);
      g_string_append_c (text, ' ');
      for (guint i = 0; i < self->n; i++)
        {
          g_autofree char *value = NULL;

          if (!healer_chart_legend_get_active (self->legend, i))
            continue;
          value = healer_pie_chart_format_value (self->values[i]);
          if (!first)
            g_string_append (text, C_("list separator", "; "));
          first = FALSE;
          /* Translators: one class in a chart's description: label, count, percent */
          g_string_append_printf (text, _("%s: %s (%.1f %%)"), self->labels[i], value,
                                  100.0 * self->shares[i]);
        }
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str,
                                  -1);
}

static void
invalidate (HealerPieChart *self)
{
  g_clear_pointer (&self->cache, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_hovered (HealerPieChart *self,
             int             hovered)
{
  if (self->hovered == hovered)
    return;
  self->hovered = hovered;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_legend_toggled (HealerChartLegend *legend,
                   guint              index,
                   gboolean           active,
                   HealerPieChart    *self)
{
  recompute_shares (self);
  update_description (self);
  if (self->hovered >= 0 && self->shares[self->hovered] <= 0)
    self->hovered = -1;
  invalidate (self);
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           HealerPieChart           *self)
{
  PieGeometry g;

  healer_pie_chart_compute_geometry (gtk_widget_get_width (GTK_WIDGET (self)), self->pie_height, &g);
  set_hovered (self, healer_pie_chart_slice_at (self, &g, x, y));
}

static void
on_leave (GtkEventControllerMotion *motion,
          HealerPieChart           *self)
{
  set_hovered (self, -1);
}

static gboolean
healer_pie_chart_query_tooltip (GtkWidget  *widget,
                                int         x,
                                int         y,
                                gboolean    keyboard_tooltip,
                                GtkTooltip *tooltip)
{
  HealerPieChart *self = HEALER_PIE_CHART (widget);
  g_autofree char *value = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *markup = NULL;
  PieGeometry g;
  int i;

  if (keyboard_tooltip)
    return FALSE;

  healer_pie_chart_compute_geometry (gtk_widget_get_width (widget), self->pie_height, &g);
  i = healer_pie_chart_slice_at (self, &g, x, y);
  if (i < 0)
    return FALSE;

  value = healer_pie_chart_format_value (self->values[i]);
  escaped = g_markup_escape_text (self->labels[i], -1);
  /* Translators: a slice's tooltip: class label, count, percent of the shown total */
  markup = g_strdup_printf (_("<b>%s</b>\nCount: %s\nShare: %.1f %%"),
                            escaped, value, 100.0 * self->shares[i]);
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

static void
healer_pie_chart_snapshot (GtkWidget   *widget,
                           GtkSnapshot *snapshot)
{
  HealerPieChart *self = HEALER_PIE_CHART (widget);
  int width = gtk_widget_get_width (widget);
  GdkRGBA fg;

  healer_pie_chart_get_foreground (widget, &fg);

  if (self->cache == NULL || self->cache_width != width ||
      self->cache_height != self->pie_height || !gdk_rgba_equal (&fg, &self->cache_fg))
    {
      g_autoptr(GtkSnapshot) sub = gtk_snapshot_new ();

      g_clear_pointer (&self->cache, gsk_render_node_unref);
      healer_pie_chart_append_static (self, sub, width, self->pie_height, &fg);
      self->cache = gtk_snapshot_free_to_node (g_steal_pointer (&sub));
      self->cache_width = width;
      self->cache_height = self->pie_height;
      self->cache_fg = fg;
    }

  if (self->cache != NULL)
    gtk_snapshot_append_node (snapshot, self->cache);
  if (self->hovered >= 0 && self->hovered < (int) self->n)
    healer_pie_chart_append_hover (self, snapshot, width, self->pie_height, &fg);

  gtk_widget_snapshot_child (widget, GTK_WIDGET (self->legend), snapshot);
}

static GtkSizeRequestMode
healer_pie_chart_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

static void
healer_pie_chart_measure (GtkWidget      *widget,
                          GtkOrientation  orientation,
                          int             for_size,
                          int            *minimum,
                          int            *natural,
                          int            *minimum_baseline,
                          int            *natural_baseline)
{
  HealerPieChart *self = HEALER_PIE_CHART (widget);
  int legend_min = 0, legend_nat = 0;

  if (gtk_widget_get_visible (GTK_WIDGET (self->legend)))
    gtk_widget_measure (GTK_WIDGET (self->legend), orientation,
                        orientation == GTK_ORIENTATION_VERTICAL ? for_size : -1,
                        &legend_min, &legend_nat, NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (120, legend_min);
      *natural = MAX (320, legend_nat);
    }
  else
    {
      int gap = legend_nat > 0 ? LEGEND_SPACING : 0;

      *minimum = 120 + gap + legend_min;
      *natural = 280 + gap + legend_nat;
    }
}

static void
healer_pie_chart_size_allocate (GtkWidget *widget,
                                int        width,
                                int        height,
                                int        baseline)
{
  HealerPieChart *self = HEALER_PIE_CHART (widget);
  int legend_height = 0;

  if (gtk_widget_get_visible (GTK_WIDGET (self->legend)))
    {
      gtk_widget_measure (GTK_WIDGET (self->legend), GTK_ORIENTATION_VERTICAL, width,
                          NULL, &legend_height, NULL, NULL);
      legend_height = MIN (legend_height, height);
      gtk_widget_size_allocate (GTK_WIDGET (self->legend),
                                &(GtkAllocation) { 0, height - legend_height, width, legend_height },
                                -1);
    }
  self->pie_height = MAX (0, height - legend_height - (legend_height > 0 ? LEGEND_SPACING : 0));
}

static void
healer_pie_chart_css_changed (GtkWidget         *widget,
                              GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (healer_pie_chart_parent_class)->css_changed (widget, change);
  /* Fonts may have changed, which the cache cannot tell from its key. */
  invalidate (HEALER_PIE_CHART (widget));
}

static void
snapshot_at_size (HealerChartExportable *exportable,
                  GtkSnapshot           *snapshot,
                  int                    width,
                  int                    height)
{
  HealerPieChart *self = HEALER_PIE_CHART (exportable);
  int legend_height;
  GdkRGBA fg;

  healer_pie_chart_get_foreground (GTK_WIDGET (self), &fg);
  legend_height = healer_pie_chart_append_legend (self, NULL, width, 0, &fg);
  legend_height = MIN (legend_height, height / 2);
  healer_pie_chart_append_static (self, snapshot, width,
                                  height - legend_height - (legend_height > 0 ? LEGEND_SPACING : 0),
                                  &fg);
  if (legend_height > 0)
    healer_pie_chart_append_legend (self, snapshot, width, height - legend_height, &fg);
}

static void
exportable_iface_init (HealerChartExportableInterface *iface)
{
  iface->snapshot_at_size = snapshot_at_size;
}

static void
healer_pie_chart_dispose (GObject *object)
{
  HealerPieChart *self = (HealerPieChart *)object;

  if (self->legend != NULL)
    {
      /* Whoever else holds it, it no longer speaks to us. */
      g_signal_handlers_disconnect_by_data (self->legend, self);
      gtk_widget_unparent (GTK_WIDGET (self->legend));
      self->legend = NULL;
    }
  g_clear_pointer (&self->cache, gsk_render_node_unref);

  G_OBJECT_CLASS (healer_pie_chart_parent_class)->dispose (object);
}

static void
healer_pie_chart_finalize (GObject *object)
{
  HealerPieChart *self = (HealerPieChart *)object;

  g_strfreev (self->labels);
  g_free (self->values);
  g_free (self->shares);
  g_free (self->starts);

  G_OBJECT_CLASS (healer_pie_chart_parent_class)->finalize (object);
}

static void
healer_pie_chart_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HealerPieChart *self = HEALER_PIE_CHART (object);

  switch (prop_id)
    {
    case PROP_PALETTE:
      g_value_set_enum (value, healer_pie_chart_get_palette (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_pie_chart_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HealerPieChart *self = HEALER_PIE_CHART (object);

  switch (prop_id)
    {
    case PROP_PALETTE:
      healer_pie_chart_set_palette (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_pie_chart_class_init (HealerPieChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_pie_chart_dispose;
  object_class->finalize = healer_pie_chart_finalize;
  object_class->get_property = healer_pie_chart_get_property;
  object_class->set_property = healer_pie_chart_set_property;

  /* See healer_pie_chart_set_palette(); a .ui file writes the nick. */
  properties[PROP_PALETTE] =
    g_param_spec_enum ("palette", NULL, NULL,
                       HEALER_TYPE_CHART_PALETTE_KIND, HEALER_CHART_PALETTE_INHERIT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->snapshot = healer_pie_chart_snapshot;
  widget_class->get_request_mode = healer_pie_chart_get_request_mode;
  widget_class->measure = healer_pie_chart_measure;
  widget_class->size_allocate = healer_pie_chart_size_allocate;
  widget_class->query_tooltip = healer_pie_chart_query_tooltip;
  widget_class->css_changed = healer_pie_chart_css_changed;

  gtk_widget_class_set_css_name (widget_class, "healer-pie-chart");
  /* Not an image: an image's children are presentational, and the legend's
   * toggle buttons must stay reachable for assistive technologies. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

/* The palette lives in the legend: set there or here, the slices follow. */
static void
on_legend_palette (HealerPieChart *self)
{
  invalidate (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PALETTE]);
}

static void
on_palette_changed (HealerPieChart *self)
{
  /* The process-wide palette: a chart with its own has nothing to redraw. */
  if (healer_pie_chart_get_palette (self) == HEALER_CHART_PALETTE_INHERIT)
    invalidate (self);
}

static void
healer_pie_chart_init (HealerPieChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  g_signal_connect_object (healer_chart_palette_get_notifier (), "changed",
                           G_CALLBACK (on_palette_changed), self, G_CONNECT_SWAPPED);

  self->hovered = -1;

  self->legend = healer_chart_legend_new ();
  gtk_widget_set_parent (GTK_WIDGET (self->legend), GTK_WIDGET (self));
  gtk_widget_set_visible (GTK_WIDGET (self->legend), FALSE);
  g_signal_connect (self->legend, "toggled", G_CALLBACK (on_legend_toggled), self);
  g_signal_connect_swapped (self->legend, "notify::palette", G_CALLBACK (on_legend_palette), self);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Class proportions"),
                                  -1);
  update_description (self);
}

GtkWidget *
healer_pie_chart_new (void)
{
  return g_object_new (HEALER_TYPE_PIE_CHART, NULL);
}

void
healer_pie_chart_set_data (HealerPieChart     *self,
                           const char * const *labels,
                           const double       *values,
                           guint               n)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  g_return_if_fail (HEALER_IS_PIE_CHART (self));
  g_return_if_fail (n == 0 || (labels != NULL && values != NULL));

  g_clear_pointer (&self->labels, g_strfreev);
  g_clear_pointer (&self->values, g_free);
  g_clear_pointer (&self->shares, g_free);
  g_clear_pointer (&self->starts, g_free);

  for (guint i = 0; i < n; i++)
    g_strv_builder_add (builder, labels[i]);
  self->labels = g_strv_builder_end (builder);
  self->n = n;
  self->values = g_new0 (double, MAX (n, 1));
  self->shares = g_new0 (double, MAX (n, 1));
  self->starts = g_new0 (double, MAX (n, 1));
  /* Negative or NaN counts would break the angles; they are nothing. */
  for (guint i = 0; i < n; i++)
    self->values[i] = isfinite (values[i]) && values[i] > 0 ? values[i] : 0;

  healer_chart_legend_set_items (self->legend, (const char * const *) self->labels);
  gtk_widget_set_visible (GTK_WIDGET (self->legend), n > 0);
  self->hovered = -1;

  recompute_shares (self);
  update_description (self);
  invalidate (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

HealerChartPaletteKind
healer_pie_chart_get_palette (HealerPieChart *self)
{
  g_return_val_if_fail (HEALER_IS_PIE_CHART (self), HEALER_CHART_PALETTE_INHERIT);

  /* The legend holds it (and is gone after dispose). */
  return self->legend != NULL ? healer_chart_legend_get_palette (self->legend)
                              : HEALER_CHART_PALETTE_INHERIT;
}

void
healer_pie_chart_set_palette (HealerPieChart         *self,
                              HealerChartPaletteKind  palette)
{
  g_return_if_fail (HEALER_IS_PIE_CHART (self));
  g_return_if_fail (palette <= HEALER_CHART_PALETTE_INHERIT);

  /* on_legend_palette() redraws and notifies. */
  healer_chart_legend_set_palette (self->legend, palette);
}

HealerChartLegend *
healer_pie_chart_get_legend (HealerPieChart *self)
{
  g_return_val_if_fail (HEALER_IS_PIE_CHART (self), NULL);

  return self->legend;
}

int
healer_pie_chart_get_hovered_slice (HealerPieChart *self)
{
  g_return_val_if_fail (HEALER_IS_PIE_CHART (self), -1);

  return self->hovered;
}
