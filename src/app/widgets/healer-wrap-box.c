/* healer-wrap-box.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-wrap-box.h"
#include "healer-wrap-layout.h"

struct _HealerWrapBox
{
  GtkWidget parent_instance;
};

G_DEFINE_FINAL_TYPE (HealerWrapBox, healer_wrap_box, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SPACING,
  PROP_ROW_SPACING,
  PROP_CENTERED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static HealerWrapLayout *
layout_of (HealerWrapBox *self)
{
  return HEALER_WRAP_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self)));
}

static void
healer_wrap_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (healer_wrap_box_parent_class)->dispose (object);
}

static void
healer_wrap_box_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HealerWrapLayout *layout = layout_of (HEALER_WRAP_BOX (object));

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, healer_wrap_layout_get_spacing (layout));
      break;
    case PROP_ROW_SPACING:
      g_value_set_int (value, healer_wrap_layout_get_row_spacing (layout));
      break;
    case PROP_CENTERED:
      g_value_set_boolean (value, healer_wrap_layout_get_centered (layout));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_wrap_box_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HealerWrapLayout *layout = layout_of (HEALER_WRAP_BOX (object));

  switch (prop_id)
    {
    case PROP_SPACING:
      if (healer_wrap_layout_get_spacing (layout) != g_value_get_int (value))
        {
          healer_wrap_layout_set_spacing (layout, g_value_get_int (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_ROW_SPACING:
      if (healer_wrap_layout_get_row_spacing (layout) != g_value_get_int (value))
        {
          healer_wrap_layout_set_row_spacing (layout, g_value_get_int (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    case PROP_CENTERED:
      if (healer_wrap_layout_get_centered (layout) != g_value_get_boolean (value))
        {
          healer_wrap_layout_set_centered (layout, g_value_get_boolean (value));
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_wrap_box_class_init (HealerWrapBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_wrap_box_dispose;
  object_class->get_property = healer_wrap_box_get_property;
  object_class->set_property = healer_wrap_box_set_property;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT16, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROW_SPACING] =
    g_param_spec_int ("row-spacing", NULL, NULL, 0, G_MAXINT16, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_CENTERED] =
    g_param_spec_boolean ("centered", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, HEALER_TYPE_WRAP_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "wrapbox");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
healer_wrap_box_init (HealerWrapBox *self)
{
}

GtkWidget *
healer_wrap_box_new (int spacing,
                     int row_spacing)
{
  return g_object_new (HEALER_TYPE_WRAP_BOX,
                       "spacing", spacing,
                       "row-spacing", row_spacing,
                       NULL);
}

void
healer_wrap_box_append (HealerWrapBox *self,
                        GtkWidget     *child)
{
  g_return_if_fail (HEALER_IS_WRAP_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));
  g_return_if_fail (gtk_widget_get_parent (child) == NULL);

  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}

void
healer_wrap_box_remove (HealerWrapBox *self,
                        GtkWidget     *child)
{
  g_return_if_fail (HEALER_IS_WRAP_BOX (self));
  g_return_if_fail (gtk_widget_get_parent (child) == GTK_WIDGET (self));

  gtk_widget_unparent (child);
}

guint
healer_wrap_box_get_n_lines (HealerWrapBox *self)
{
  g_return_val_if_fail (HEALER_IS_WRAP_BOX (self), 0);
  return healer_wrap_layout_get_n_lines (layout_of (self));
}
