/* healer-diagnose-part.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-diagnose-part.h"

typedef struct
{
  HealerSession *session;
  GSignalGroup  *session_signals;
  HealerModel   *model;
  GFile         *model_file;
  GCancellable  *cancellable;   /* while the part's job runs */
} HealerDiagnosePartPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE (HealerDiagnosePart, healer_diagnose_part, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_SESSION,
  PROP_MODEL,
  PROP_MODEL_FILE,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
healer_diagnose_part_dispose (GObject *object)
{
  HealerDiagnosePart *self = (HealerDiagnosePart *)object;
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  /* Subclasses cancel first thing in their own dispose; this is for one
   * that has nothing else to dispose. */
  healer_diagnose_part_cancel (self);
  if (priv->session_signals != NULL)
    g_signal_group_set_target (priv->session_signals, NULL);
  g_clear_object (&priv->session_signals);
  g_clear_object (&priv->session);
  g_clear_pointer (&priv->model, healer_model_unref);
  g_clear_object (&priv->model_file);
  g_clear_object (&priv->cancellable);

  G_OBJECT_CLASS (healer_diagnose_part_parent_class)->dispose (object);
}

static void
healer_diagnose_part_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HealerDiagnosePart *self = HEALER_DIAGNOSE_PART (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, healer_diagnose_part_get_session (self));
      break;

    case PROP_MODEL:
      g_value_set_boxed (value, healer_diagnose_part_get_model (self));
      break;

    case PROP_MODEL_FILE:
      g_value_set_object (value, healer_diagnose_part_get_model_file (self));
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, healer_diagnose_part_get_busy (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_diagnose_part_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HealerDiagnosePart *self = HEALER_DIAGNOSE_PART (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      healer_diagnose_part_set_session (self, g_value_get_object (value));
      break;

    case PROP_MODEL:
      healer_diagnose_part_set_model (self, g_value_get_boxed (value));
      break;

    case PROP_MODEL_FILE:
      healer_diagnose_part_set_model_file (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_diagnose_part_class_init (HealerDiagnosePartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = healer_diagnose_part_dispose;
  object_class->get_property = healer_diagnose_part_get_property;
  object_class->set_property = healer_diagnose_part_set_property;

  /* The model card offers the session's model when it is not the one
   * shown; the batch pane's results go to the session and come from it. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         HEALER_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODEL] =
    g_param_spec_boxed ("model", NULL, NULL,
                        HEALER_TYPE_MODEL,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* The model's file, or NULL when it is not saved: the card shows it,
   * the batch pane's results name it. */
  properties[PROP_MODEL_FILE] =
    g_param_spec_object ("model-file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
healer_diagnose_part_init (HealerDiagnosePart *self)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  priv->session_signals = g_signal_group_new (HEALER_TYPE_SESSION);
}

HealerSession *
healer_diagnose_part_get_session (HealerDiagnosePart *self)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PART (self), NULL);

  return priv->session;
}

void
healer_diagnose_part_set_session (HealerDiagnosePart *self,
                                  HealerSession      *session)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  g_return_if_fail (HEALER_IS_DIAGNOSE_PART (self));
  g_return_if_fail (session == NULL || HEALER_IS_SESSION (session));

  if (!g_set_object (&priv->session, session))
    return;
  g_signal_group_set_target (priv->session_signals, session);
  if (HEALER_DIAGNOSE_PART_GET_CLASS (self)->session_changed != NULL)
    HEALER_DIAGNOSE_PART_GET_CLASS (self)->session_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

GSignalGroup *
healer_diagnose_part_get_session_signals (HealerDiagnosePart *self)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PART (self), NULL);

  return priv->session_signals;
}

HealerModel *
healer_diagnose_part_get_model (HealerDiagnosePart *self)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PART (self), NULL);

  return priv->model;
}

void
healer_diagnose_part_set_model (HealerDiagnosePart *self,
                                HealerModel        *model)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);
  g_autoptr(HealerModel) old_model = NULL;

  g_return_if_fail (HEALER_IS_DIAGNOSE_PART (self));

  if (priv->model == model)
    return;
  old_model = g_steal_pointer (&priv->model);
  priv->model = model != NULL ? healer_model_ref (model) : NULL;
  if (HEALER_DIAGNOSE_PART_GET_CLASS (self)->model_changed != NULL)
    HEALER_DIAGNOSE_PART_GET_CLASS (self)->model_changed (self, old_model);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

GFile *
healer_diagnose_part_get_model_file (HealerDiagnosePart *self)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PART (self), NULL);

  return priv->model_file;
}

void
healer_diagnose_part_set_model_file (HealerDiagnosePart *self,
                                     GFile              *file)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  g_return_if_fail (HEALER_IS_DIAGNOSE_PART (self));
  g_return_if_fail (file == NULL || G_IS_FILE (file));

  if (!g_set_object (&priv->model_file, file))
    return;
  if (HEALER_DIAGNOSE_PART_GET_CLASS (self)->model_file_changed != NULL)
    HEALER_DIAGNOSE_PART_GET_CLASS (self)->model_file_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_FILE]);
}

GCancellable *
healer_diagnose_part_begin (HealerDiagnosePart *self)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PART (self), NULL);

  if (priv->cancellable != NULL)
    g_cancellable_cancel (priv->cancellable);
  g_clear_object (&priv->cancellable);
  priv->cancellable = g_cancellable_new ();
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  return priv->cancellable;
}

gboolean
healer_diagnose_part_end (HealerDiagnosePart *self,
                          GCancellable       *cancellable)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PART (self), FALSE);

  if (cancellable == NULL || cancellable != priv->cancellable)
    return FALSE;
  g_clear_object (&priv->cancellable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  return TRUE;
}

gboolean
healer_diagnose_part_get_busy (HealerDiagnosePart *self)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PART (self), FALSE);

  return priv->cancellable != NULL;
}

gboolean
healer_diagnose_part_cancel (HealerDiagnosePart *self)
{
  HealerDiagnosePartPrivate *priv = healer_diagnose_part_get_instance_private (self);

  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PART (self), FALSE);

  if (priv->cancellable == NULL || g_cancellable_is_cancelled (priv->cancellable))
    return FALSE;
  g_cancellable_cancel (priv->cancellable);
  return TRUE;
}
