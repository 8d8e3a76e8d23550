/* healer-diagnose-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-diagnose-page.h"

struct _HealerDiagnosePage
{
  AdwBin         parent_instance;

  HealerSession *session;
};

G_DEFINE_FINAL_TYPE (HealerDiagnosePage, healer_diagnose_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
healer_diagnose_page_dispose (GObject *object)
{
  HealerDiagnosePage *self = (HealerDiagnosePage *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_DIAGNOSE_PAGE);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (healer_diagnose_page_parent_class)->dispose (object);
}

static void
healer_diagnose_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  HealerDiagnosePage *self = HEALER_DIAGNOSE_PAGE (object);

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
healer_diagnose_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  HealerDiagnosePage *self = HEALER_DIAGNOSE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      healer_diagnose_page_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_diagnose_page_class_init (HealerDiagnosePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_diagnose_page_dispose;
  object_class->get_property = healer_diagnose_page_get_property;
  object_class->set_property = healer_diagnose_page_set_property;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         HEALER_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-diagnose-page.ui");
}

static void
healer_diagnose_page_init (HealerDiagnosePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

HealerSession *
healer_diagnose_page_get_session (HealerDiagnosePage *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PAGE (self), NULL);

  return self->session;
}

void
healer_diagnose_page_set_session (HealerDiagnosePage *self,
                                  HealerSession *session)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));
  g_return_if_fail (!session || HEALER_IS_SESSION (session));

  if (g_set_object (&self->session, session))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

void
healer_diagnose_page_open_model (HealerDiagnosePage *self)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));
}

void
healer_diagnose_page_open_batch (HealerDiagnosePage *self)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));
}

void
healer_diagnose_page_load_model_file (HealerDiagnosePage *self,
                                     GFile *file)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));
}

gboolean
healer_diagnose_page_cancel (HealerDiagnosePage *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PAGE (self), FALSE);

  return FALSE;
}
