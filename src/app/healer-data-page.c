/* healer-data-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-data-page.h"

struct _HealerDataPage
{
  AdwBin         parent_instance;

  HealerSession *session;
};

G_DEFINE_FINAL_TYPE (HealerDataPage, healer_data_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
healer_data_page_dispose (GObject *object)
{
  HealerDataPage *self = (HealerDataPage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_DATA_PAGE);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (healer_data_page_parent_class)->dispose (object);
}

static void
healer_data_page_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  HealerDataPage *self = HEALER_DATA_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_data_page_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  HealerDataPage *self = HEALER_DATA_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      healer_data_page_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_data_page_class_init (HealerDataPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_data_page_dispose;
  object_class->get_property = healer_data_page_get_property;
  object_class->set_property = healer_data_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         HEALER_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-data-page.ui");
}

static void
healer_data_page_init (HealerDataPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

HealerSession *
healer_data_page_get_session (HealerDataPage *self)
{
  g_return_val_if_fail (HEALER_IS_DATA_PAGE (self), NULL);

  return self->session;
}

void
healer_data_page_set_session (HealerDataPage *self,
                              HealerSession *session)
{
  g_return_if_fail (HEALER_IS_DATA_PAGE (self));
  g_return_if_fail (!session || HEALER_IS_SESSION (session));

  if (g_set_object (&self->session, session))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

void
healer_data_page_open (HealerDataPage *self)
{
  g_return_if_fail (HEALER_IS_DATA_PAGE (self));
}

void
healer_data_page_load_demo (HealerDataPage *self)
{
  g_return_if_fail (HEALER_IS_DATA_PAGE (self));
}

void
healer_data_page_load_file (HealerDataPage *self,
                           GFile *file)
{
  g_return_if_fail (HEALER_IS_DATA_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
}

gboolean
healer_data_page_cancel (HealerDataPage *self)
{
  g_return_val_if_fail (HEALER_IS_DATA_PAGE (self), FALSE);

  return FALSE;
}
