/* healer-tooltips.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-tooltips.h"

#define TOOLTIP_MAX_CHARS 50

static GQuark label_quark;
static GQuark seen_quark;

static gboolean
popover_below (GtkWidget *widget,
               guint      depth)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_POPOVER (child))
        {
          if (gtk_widget_get_visible (child))
            return TRUE;
          /* What lies in a popover is the popover's, not the widget's. */
          continue;
        }
      /* A combo row keeps its popover a few boxes down; a page, deeper,
       * would be a long walk on every pointer motion for nothing. */
      if (depth < 4 && popover_below (child, depth + 1))
        return TRUE;
    }
  return FALSE;
}

gboolean
healer_tooltips_popover_open (GtkWidget *widget)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);

  return popover_below (widget, 0);
}

/* The tooltip's label, one per widget and kept with it: a tooltip is asked
 * for on every motion of the pointer, and a new widget each time would lay
 * the tooltip out again each time. */
static GtkWidget *
tooltip_label (GtkWidget  *widget,
               const char *markup)
{
  GtkLabel *label = g_object_get_qdata (G_OBJECT (widget), label_quark);

  if (label == NULL)
    {
      label = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_wrap (label, TRUE);
      gtk_label_set_wrap_mode (label, PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (label, TOOLTIP_MAX_CHARS);
      gtk_label_set_xalign (label, 0);
      g_object_set_qdata_full (G_OBJECT (widget), label_quark, g_object_ref_sink (label), g_object_unref);
    }
  if (g_strcmp0 (gtk_label_get_label (label), markup) != 0)
    gtk_label_set_markup (label, markup);
  return GTK_WIDGET (label);
}

static gboolean
query_tooltip_cb (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard_mode,
                  GtkTooltip *tooltip,
                  gpointer    user_data)
{
  const char *markup;

  if (healer_tooltips_popover_open (widget))
    {
      /* Nor GTK's own: the emission stops here, with no tooltip. */
      g_signal_stop_emission_by_name (widget, "query-tooltip");
      return FALSE;
    }
  markup = gtk_widget_get_tooltip_markup (widget);
  if (markup == NULL)
    return FALSE;
  gtk_tooltip_set_custom (tooltip, tooltip_label (widget, markup));
  return TRUE;
}

/* Whether the tooltip of @widget is GtkWidget's plain one: the class does
 * not answer the query itself (a label answers for its links; plain text
 * has none). */
static gboolean
plain_tooltip (GtkWidget *widget)
{
  static GtkWidgetClass *widget_class;
  GtkWidgetClass *klass = GTK_WIDGET_GET_CLASS (widget);

  if (widget_class == NULL)
    widget_class = g_type_class_ref (GTK_TYPE_WIDGET);
  if (klass->query_tooltip == widget_class->query_tooltip)
    return TRUE;
  return GTK_IS_LABEL (widget) && !gtk_label_get_use_markup (GTK_LABEL (widget));
}

/* Every query of a widget's tooltip passes here first: the widget gets the
 * handler above the first time. GTK asks again when it shows the tooltip,
 * so the first one shown is already the app's. */
static gboolean
query_tooltip_hook (GSignalInvocationHint *hint,
                    guint                  n_params,
                    const GValue          *params,
                    gpointer               user_data)
{
  GObject *widget = g_value_get_object (&params[0]);

  if (!GTK_IS_WIDGET (widget) || g_object_get_qdata (widget, seen_quark) != NULL)
    return TRUE;
  g_object_set_qdata (widget, seen_quark, GINT_TO_POINTER (TRUE));
  if (plain_tooltip (GTK_WIDGET (widget)))
    g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  return TRUE;
}

void
healer_tooltips_init (void)
{
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      g_autoptr(GTypeClass) klass = g_type_class_ref (GTK_TYPE_WIDGET);

      label_quark = g_quark_from_static_string ("healer-tooltip-label");
      seen_quark = g_quark_from_static_string ("healer-tooltip-seen");
      g_signal_add_emission_hook (g_signal_lookup ("query-tooltip", GTK_TYPE_WIDGET), 0,
                                  query_tooltip_hook, NULL, NULL);
      g_once_init_leave (&initialized, 1);
    }
}
