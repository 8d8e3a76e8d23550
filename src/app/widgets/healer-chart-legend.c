/* healer-chart-legend.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-chart-legend.h"
#include "healer-chart-palette.h"
#include "healer-wrap-layout.h"

#define COLUMN_SPACING 4
#define ROW_SPACING    2
#define SWATCH_SIZE    12

struct _HealerChartLegend
{
  GtkWidget  parent_instance;

  /* The entries are toggle buttons, our direct children in label order:
   * buttons give keyboard focus, activation and the "pressed" accessible
   * state for free. */
  GPtrArray *entries;
  GStrv      labels;

  HealerChartPaletteKind palette;
};

G_DEFINE_FINAL_TYPE (HealerChartLegend, healer_chart_legend, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_PALETTE,
  N_PROPS
};

enum {
  TOGGLED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  guint index = GPOINTER_TO_UINT (user_data);
  GtkWidget *legend = gtk_widget_get_ancestor (GTK_WIDGET (area), HEALER_TYPE_CHART_LEGEND);
  HealerChartPaletteKind palette = legend != NULL ? HEALER_CHART_LEGEND (legend)->palette
                                                  : HEALER_CHART_PALETTE_INHERIT;
  double size = MIN (width, height);
  double x = (width - size) / 2.0;
  double y = (height - size) / 2.0;
  double r = size / 4.0;
  GdkRGBA color;

  healer_chart_palette_lookup (palette, index, healer_chart_widget_is_dark (GTK_WIDGET (area), NULL), &color);
  gdk_cairo_set_source_rgba (cr, &color);
  cairo_new_sub_path (cr);
  cairo_arc (cr, x + size - r, y + r, r, -G_PI / 2, 0);
  cairo_arc (cr, x + size - r, y + size - r, r, 0, G_PI / 2);
  cairo_arc (cr, x + r, y + size - r, r, G_PI / 2, G_PI);
  cairo_arc (cr, x + r, y + r, r, G_PI, 3 * G_PI / 2);
  cairo_close_path (cr);
  cairo_fill (cr);
}

/* A flat toggle button would show its checked state as a grey background
 * on every visible class; what the user needs to see is which classes are
 * hidden, so the unchecked entries are the marked ones. */
static const char legend_css[] =
  ".healer-chart-legend > button.legend-entry { padding: 2px 6px; min-height: 0; min-width: 0; }\n"
  ".healer-chart-legend > button.legend-entry:checked { background-color: transparent; }\n"
  ".healer-chart-legend > button.legend-entry:checked:hover { background-color: alpha(currentColor, .07); }\n"
  ".healer-chart-legend > button.legend-entry label { font-weight: normal; }\n"
  ".healer-chart-legend > button.legend-entry:not(:checked) > box { opacity: .45; }\n"
  ".healer-chart-legend > button.legend-entry:not(:checked) label { text-decoration-line: line-through; }\n";

static void
ensure_css (GtkWidget *widget)
{
  GdkDisplay *display = gtk_widget_get_display (widget);
  g_autoptr(GtkCssProvider) provider = NULL;

  if (display == NULL || g_object_get_data (G_OBJECT (display), "healer-chart-legend-css") != NULL)
    return;

  provider = gtk_css_provider_new ();
  gtk_css_provider_load_from_data (provider, legend_css, -1);
  gtk_style_context_add_provider_for_display (display, GTK_STYLE_PROVIDER (provider),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  g_object_set_data_full (G_OBJECT (display), "healer-chart-legend-css",
                          g_steal_pointer (&provider), g_object_unref);
}

static void
on_entry_toggled (GtkToggleButton   *button,
                  HealerChartLegend *self)
{
  guint index;

  if (g_ptr_array_find (self->entries, button, &index))
    g_signal_emit (self, signals[TOGGLED], 0, index, gtk_toggle_button_get_active (button));
}

static void
clear_entries (HealerChartLegend *self)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      GtkWidget *entry = g_ptr_array_index (self->entries, i);

      g_signal_handlers_disconnect_by_func (entry, on_entry_toggled, self);
      gtk_widget_unparent (entry);
    }
  g_ptr_array_set_size (self->entries, 0);
}

static void
healer_chart_legend_root (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (healer_chart_legend_parent_class)->root (widget);
  ensure_css (widget);
}

static void
healer_chart_legend_dispose (GObject *object)
{
  HealerChartLegend *self = (HealerChartLegend *)object;

  if (self->entries != NULL)
    clear_entries (self);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  g_clear_pointer (&self->labels, g_strfreev);

  G_OBJECT_CLASS (healer_chart_legend_parent_class)->dispose (object);
}

static void
healer_chart_legend_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HealerChartLegend *self = HEALER_CHART_LEGEND (object);

  switch (prop_id)
    {
    case PROP_PALETTE:
      g_value_set_enum (value, self->palette);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_chart_legend_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HealerChartLegend *self = HEALER_CHART_LEGEND (object);

  switch (prop_id)
    {
    case PROP_PALETTE:
      healer_chart_legend_set_palette (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_chart_legend_class_init (HealerChartLegendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_chart_legend_dispose;
  object_class->get_property = healer_chart_legend_get_property;
  object_class->set_property = healer_chart_legend_set_property;

  /* The swatches' colours; a chart keeps its legend's equal to its own. */
  properties[PROP_PALETTE] =
    g_param_spec_enum ("palette", NULL, NULL,
                       HEALER_TYPE_CHART_PALETTE_KIND, HEALER_CHART_PALETTE_INHERIT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->root = healer_chart_legend_root;

  /**
   * HealerChartLegend::toggled:
   * @index: the entry
   * @active: whether its class is now shown
   */
  signals[TOGGLED] =
    g_signal_new ("toggled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_BOOLEAN);

  /* Entries in centred lines, wrapped to the chart's width. */
  gtk_widget_class_set_layout_manager_type (widget_class, HEALER_TYPE_WRAP_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "healer-chart-legend");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
redraw_swatches (HealerChartLegend *self)
{
  /* Entry → box → swatch, the box's first child. */
  for (guint i = 0; i < self->entries->len; i++)
    gtk_widget_queue_draw (gtk_widget_get_first_child (gtk_widget_get_first_child (g_ptr_array_index (self->entries, i))));
}

static void
on_palette_changed (HealerChartLegend *self)
{
  /* Only the process-wide palette changed: a legend with its own keeps it. */
  if (self->palette == HEALER_CHART_PALETTE_INHERIT)
    redraw_swatches (self);
}

static void
healer_chart_legend_init (HealerChartLegend *self)
{
  HealerWrapLayout *layout = HEALER_WRAP_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));

  self->entries = g_ptr_array_new ();
  self->palette = HEALER_CHART_PALETTE_INHERIT;
  healer_wrap_layout_set_spacing (layout, COLUMN_SPACING);
  healer_wrap_layout_set_row_spacing (layout, ROW_SPACING);
  healer_wrap_layout_set_centered (layout, TRUE);
  g_signal_connect_object (healer_chart_palette_get_notifier (), "changed",
                           G_CALLBACK (on_palette_changed), self, G_CONNECT_SWAPPED);
  gtk_widget_add_css_class (GTK_WIDGET (self), "healer-chart-legend");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Legend"),
                                  -1);
}

HealerChartLegend *
healer_chart_legend_new (void)
{
  return g_object_new (HEALER_TYPE_CHART_LEGEND, NULL);
}

static GtkWidget *
create_entry (HealerChartLegend *self,
              guint              index,
              const char        *label)
{
  GtkWidget *button = gtk_toggle_button_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *swatch = gtk_drawing_area_new ();
  GtkWidget *text = gtk_label_new (label);

  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), SWATCH_SIZE);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), SWATCH_SIZE);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch,
                                  GUINT_TO_POINTER (index), NULL);
  gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
  gtk_accessible_update_state (GTK_ACCESSIBLE (swatch), GTK_ACCESSIBLE_STATE_HIDDEN, TRUE, -1);

  gtk_label_set_ellipsize (GTK_LABEL (text), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (text), 0.0);

  gtk_box_append (GTK_BOX (box), swatch);
  gtk_box_append (GTK_BOX (box), text);
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (button), TRUE);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_add_css_class (button, "legend-entry");
  gtk_widget_set_tooltip_text (button, _("Click to hide or show it in the chart"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Shows or hides it in the chart"),
                                  -1);
  g_signal_connect (button, "toggled", G_CALLBACK (on_entry_toggled), self);
  gtk_widget_set_parent (button, GTK_WIDGET (self));

  return button;
}

void
healer_chart_legend_set_items (HealerChartLegend  *self,
                               const char * const *labels)
{
  g_return_if_fail (HEALER_IS_CHART_LEGEND (self));

  if (self->labels != NULL && labels != NULL &&
      g_strv_equal ((const char * const *) self->labels, labels))
    return;

  clear_entries (self);
  g_clear_pointer (&self->labels, g_strfreev);

  if (labels == NULL)
    {
      gtk_widget_queue_resize (GTK_WIDGET (self));
      return;
    }

  self->labels = g_strdupv ((char **) labels);
  for (guint i = 0; labels[i] != NULL; i++)
    g_ptr_array_add (self->entries, create_entry (self, i, labels[i]));

  gtk_widget_queue_resize (GTK_WIDGET (self));
}

guint
healer_chart_legend_get_n_items (HealerChartLegend *self)
{
  g_return_val_if_fail (HEALER_IS_CHART_LEGEND (self), 0);

  return self->entries->len;
}

const char *
healer_chart_legend_get_label (HealerChartLegend *self,
                               guint              index)
{
  g_return_val_if_fail (HEALER_IS_CHART_LEGEND (self), NULL);
  g_return_val_if_fail (index < self->entries->len, NULL);

  return self->labels[index];
}

gboolean
healer_chart_legend_get_active (HealerChartLegend *self,
                                guint              index)
{
  g_return_val_if_fail (HEALER_IS_CHART_LEGEND (self), FALSE);

  /* Entries beyond the list are shown: a chart may have more categories
   * than legend entries, and those can never be hidden. */
  if (index >= self->entries->len)
    return TRUE;

  return gtk_toggle_button_get_active (g_ptr_array_index (self->entries, index));
}

void
healer_chart_legend_set_active (HealerChartLegend *self,
                                guint              index,
                                gboolean           active)
{
  g_return_if_fail (HEALER_IS_CHART_LEGEND (self));
  g_return_if_fail (index < self->entries->len);

  /* The button's "toggled" handler emits our signal, only on a change. */
  gtk_toggle_button_set_active (g_ptr_array_index (self->entries, index), !!active);
}

HealerChartPaletteKind
healer_chart_legend_get_palette (HealerChartLegend *self)
{
  g_return_val_if_fail (HEALER_IS_CHART_LEGEND (self), HEALER_CHART_PALETTE_INHERIT);

  return self->palette;
}

void
healer_chart_legend_set_palette (HealerChartLegend      *self,
                                 HealerChartPaletteKind  palette)
{
  g_return_if_fail (HEALER_IS_CHART_LEGEND (self));
  g_return_if_fail (palette <= HEALER_CHART_PALETTE_INHERIT);

  if (self->palette == palette)
    return;
  self->palette = palette;
  redraw_swatches (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PALETTE]);
}

void
healer_chart_legend_get_color (HealerChartLegend *self,
                               guint              index,
                               GdkRGBA           *color)
{
  g_return_if_fail (HEALER_IS_CHART_LEGEND (self));
  g_return_if_fail (color != NULL);

  healer_chart_palette_lookup (self->palette, index,
                               healer_chart_widget_is_dark (GTK_WIDGET (self), NULL), color);
}
