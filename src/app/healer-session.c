/* healer-session.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-conformal.h"
#include "healer-memory.h"
#include "healer-session.h"

struct _HealerSession
{
  GObject        parent_instance;

  HealerDataset *dataset;
  GFile         *dataset_file;
  HealerModel   *model;
  GFile         *model_file;
  HealerResults *results;
  guint          give_back_id;
  GStrv          lost_class_names;  /* of the last model replaced, see set_model */
  guint          model_saved : 1;
  HealerUnsaved  unsaved;           /* what model_saved FALSE is about */
};

G_DEFINE_FINAL_TYPE (HealerSession, healer_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATASET,
  PROP_DATASET_FILE,
  PROP_MODEL,
  PROP_MODEL_FILE,
  PROP_MODEL_SAVED,
  PROP_RESULTS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CLASS_NAMES_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
healer_session_dispose (GObject *object)
{
  HealerSession *self = (HealerSession *)object;

  g_clear_pointer (&self->dataset, healer_dataset_unref);
  g_clear_object (&self->dataset_file);
  g_clear_pointer (&self->model, healer_model_unref);
  g_clear_object (&self->model_file);
  g_clear_object (&self->results);
  g_clear_handle_id (&self->give_back_id, g_source_remove);
  g_clear_pointer (&self->lost_class_names, g_strfreev);

  G_OBJECT_CLASS (healer_session_parent_class)->dispose (object);
}

static void
healer_session_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HealerSession *self = HEALER_SESSION (object);

  switch (prop_id)
    {
    case PROP_DATASET:
      g_value_set_boxed (value, self->dataset);
      break;

    case PROP_DATASET_FILE:
      g_value_set_object (value, self->dataset_file);
      break;

    case PROP_MODEL:
      g_value_set_boxed (value, self->model);
      break;

    case PROP_MODEL_FILE:
      g_value_set_object (value, self->model_file);
      break;

    case PROP_MODEL_SAVED:
      g_value_set_boolean (value, self->model_saved);
      break;

    case PROP_RESULTS:
      g_value_set_object (value, self->results);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_session_class_init (HealerSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = healer_session_dispose;
  object_class->get_property = healer_session_get_property;

  properties[PROP_DATASET] =
    g_param_spec_boxed ("dataset", NULL, NULL,
                        HEALER_TYPE_DATASET,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_DATASET_FILE] =
    g_param_spec_object ("dataset-file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODEL] =
    g_param_spec_boxed ("model", NULL, NULL,
                        HEALER_TYPE_MODEL,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODEL_FILE] =
    g_param_spec_object ("model-file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODEL_SAVED] =
    g_param_spec_boolean ("model-saved", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RESULTS] =
    g_param_spec_object ("results", NULL, NULL,
                         HEALER_TYPE_RESULTS,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CLASS_NAMES_CHANGED] =
    g_signal_new ("class-names-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
healer_session_init (HealerSession *self)
{
  self->model_saved = TRUE;
}

static gboolean
give_back_cb (gpointer data)
{
  HealerSession *self = data;

  self->give_back_id = 0;
  healer_memory_give_back ();
  return G_SOURCE_REMOVE;
}

/* Data or results were replaced: once the views have let the old ones go
 * too (they do so in their notify handlers), what malloc keeps of them goes
 * back to the system. Without this, reloading a million rows left some
 * 400 MB more resident each time (bench/README.md). */
static void
queue_give_back (HealerSession *self)
{
  if (self->give_back_id == 0)
    self->give_back_id = g_idle_add_full (G_PRIORITY_LOW, give_back_cb, self, NULL);
}

void
healer_session_give_back_memory (HealerSession *self)
{
  g_return_if_fail (HEALER_IS_SESSION (self));

  queue_give_back (self);
}

HealerSession *
healer_session_new (void)
{
  return g_object_new (HEALER_TYPE_SESSION, NULL);
}

HealerDataset *
healer_session_get_dataset (HealerSession *self)
{
  g_return_val_if_fail (HEALER_IS_SESSION (self), NULL);

  return self->dataset;
}

GFile *
healer_session_get_dataset_file (HealerSession *self)
{
  g_return_val_if_fail (HEALER_IS_SESSION (self), NULL);

  return self->dataset_file;
}

void
healer_session_set_dataset (HealerSession *self,
                            HealerDataset *dataset,
                            GFile         *file)
{
  g_return_if_fail (HEALER_IS_SESSION (self));
  g_return_if_fail (!file || G_IS_FILE (file));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->dataset != dataset)
    {
      g_clear_pointer (&self->dataset, healer_dataset_unref);
      self->dataset = dataset ? healer_dataset_ref (dataset) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET]);
      queue_give_back (self);
    }
  if (g_set_object (&self->dataset_file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DATASET_FILE]);
  g_object_thaw_notify (G_OBJECT (self));
}

HealerModel *
healer_session_get_model (HealerSession *self)
{
  g_return_val_if_fail (HEALER_IS_SESSION (self), NULL);

  return self->model;
}

GFile *
healer_session_get_model_file (HealerSession *self)
{
  g_return_val_if_fail (HEALER_IS_SESSION (self), NULL);

  return self->model_file;
}

gboolean
healer_session_get_model_saved (HealerSession *self)
{
  g_return_val_if_fail (HEALER_IS_SESSION (self), TRUE);

  return self->model_saved;
}

HealerUnsaved
healer_session_get_unsaved (HealerSession *self)
{
  g_return_val_if_fail (HEALER_IS_SESSION (self), HEALER_UNSAVED_NONE);

  return self->unsaved;
}

/* @unsaved is what has just become unsaved, added to what already was;
 * HEALER_UNSAVED_NONE means all of it is saved now. */
static void
set_model_saved (HealerSession *self,
                 HealerUnsaved  unsaved)
{
  gboolean saved = unsaved == HEALER_UNSAVED_NONE;

  self->unsaved = saved ? HEALER_UNSAVED_NONE : self->unsaved | unsaved;
  if (self->model_saved != saved)
    {
      self->model_saved = saved;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_SAVED]);
    }
}

/* Results name the model that made them by its file: when that model (or
 * a renamed copy sharing its networks) gains a file, they name it so,
 * before "notify::model-file" tells the pages to redraw. */
static void
name_results_model (HealerSession *self)
{
  HealerModel *made_by = self->results != NULL ? healer_results_get_model (self->results) : NULL;

  if (made_by != NULL && self->model != NULL && self->model_file != NULL &&
      healer_model_same_network (made_by, self->model))
    healer_results_set_model_file (self->results, self->model_file);
}

/* The names of @from's classes that the user changed, carried over to a
 * copy of @to when both have the same classes (the same label values, in
 * any order); NULL when there is nothing to carry. When the classes
 * differ, a label value may mean something else in the new data: the
 * names are not guessed onto it but listed in @lost for the user. */
static HealerModel *
carry_class_names (const HealerModel *from,
                   const HealerModel *to,
                   GStrv             *lost)
{
  g_autoptr(GStrvBuilder) dropped = g_strv_builder_new ();
  HealerModel *named = NULL;
  gboolean same = from->n_classes == to->n_classes;
  guint n_named = 0;

  for (guint i = 0; same && i < from->n_classes; i++)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < to->n_classes && !found; j++)
        found = from->class_ids[i] == to->class_ids[j];
      same = found;
    }

  for (guint i = 0; i < from->n_classes; i++)
    {
      g_autofree char *plain = healer_class_default_name (from->class_ids[i]);

      if (g_strcmp0 (from->class_names[i], plain) == 0)
        continue;
      n_named++;
      if (!same)
        {
          g_strv_builder_add (dropped, from->class_names[i]);
          continue;
        }
      for (guint j = 0; j < to->n_classes; j++)
        if (to->class_ids[j] == from->class_ids[i])
          {
            HealerModel *next = healer_model_with_class_name (named != NULL ? named : to, j,
                                                              from->class_names[i]);

            g_clear_pointer (&named, healer_model_unref);
            named = next;
          }
    }
  if (!same && n_named > 0)
    *lost = g_strv_builder_end (dropped);
  return named;
}

void
healer_session_set_model (HealerSession *self,
                          HealerModel   *model,
                          GFile         *file)
{
  g_return_if_fail (HEALER_IS_SESSION (self));
  g_return_if_fail (!file || G_IS_FILE (file));

  g_object_freeze_notify (G_OBJECT (self));
  if (self->model != model)
    {
      HealerModel *named = NULL;

      g_clear_pointer (&self->lost_class_names, g_strfreev);
      /* The names the user gave belong to the session, not to one run: a
       * model trained again on the same classes keeps them. An opened
       * model comes with its own. */
      if (file == NULL && model != NULL && self->model != NULL &&
          !healer_model_same_network (self->model, model))
        named = carry_class_names (self->model, model, &self->lost_class_names);
      g_clear_pointer (&self->model, healer_model_unref);
      self->model = named != NULL ? named : model ? healer_model_ref (model) : NULL;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
    }
  if (g_set_object (&self->model_file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_FILE]);
  /* Only a model that exists and came from nowhere can be lost, and then
   * the whole of it: what was unsaved of the model it replaces is gone. */
  self->unsaved = HEALER_UNSAVED_NONE;
  set_model_saved (self, model == NULL || file != NULL ? HEALER_UNSAVED_NONE : HEALER_UNSAVED_MODEL);
  g_object_thaw_notify (G_OBJECT (self));
}

void
healer_session_mark_model_saved (HealerSession *self,
                                 GFile         *file)
{
  g_return_if_fail (HEALER_IS_SESSION (self));
  g_return_if_fail (G_IS_FILE (file));

  g_object_freeze_notify (G_OBJECT (self));
  if (g_set_object (&self->model_file, file))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_FILE]);
  name_results_model (self);
  set_model_saved (self, HEALER_UNSAVED_NONE);
  g_object_thaw_notify (G_OBJECT (self));
}

void
healer_session_set_class_name (HealerSession *self,
                               guint          index,
                               const char    *name)
{
  g_autoptr(HealerModel) renamed = NULL;
  const char *new_name;

  g_return_if_fail (HEALER_IS_SESSION (self));
  g_return_if_fail (self->model != NULL);
  g_return_if_fail (index < self->model->n_classes);
  g_return_if_fail (name != NULL);

  /* Workers may be reading the current model (a batch diagnosis, a save):
   * it is never changed; a renamed copy sharing its networks replaces it. */
  renamed = healer_model_with_class_name (self->model, index, name);
  new_name = renamed->class_names[index];
  if (g_strcmp0 (self->model->class_names[index], new_name) == 0)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  g_clear_pointer (&self->model, healer_model_unref);
  self->model = g_steal_pointer (&renamed);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);

  /* Results of this model have its classes in its order. */
  if (self->results != NULL &&
      healer_results_get_n_classes (self->results) == self->model->n_classes &&
      healer_results_get_class_id (self->results, index) == self->model->class_ids[index])
    healer_results_set_class_name (self->results, index, new_name);

  set_model_saved (self, HEALER_UNSAVED_CLASS_NAMES);
  g_object_thaw_notify (G_OBJECT (self));
  g_signal_emit (self, signals[CLASS_NAMES_CHANGED], 0);
}

void
healer_session_set_coverage (HealerSession *self,
                             double         coverage)
{
  g_return_if_fail (HEALER_IS_SESSION (self));
  g_return_if_fail (self->model != NULL);
  g_return_if_fail (coverage >= HEALER_COVERAGE_MIN && coverage <= HEALER_COVERAGE_MAX);

  if (self->model->calibration == NULL || self->model->coverage == coverage)
    return;

  /* Results already made keep the sets they were made with (they carry
   * their own threshold); new diagnoses use the new coverage. */
  g_object_freeze_notify (G_OBJECT (self));
  {
    HealerModel *derived = healer_model_with_coverage (self->model, coverage);

    g_clear_pointer (&self->model, healer_model_unref);
    self->model = derived;
  }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
  set_model_saved (self, HEALER_UNSAVED_COVERAGE);
  g_object_thaw_notify (G_OBJECT (self));
}

const char * const *
healer_session_get_lost_class_names (HealerSession *self)
{
  g_return_val_if_fail (HEALER_IS_SESSION (self), NULL);

  return (const char * const *) self->lost_class_names;
}

HealerResults *
healer_session_get_results (HealerSession *self)
{
  g_return_val_if_fail (HEALER_IS_SESSION (self), NULL);

  return self->results;
}

void
healer_session_set_results (HealerSession *self,
                            HealerResults *results)
{
  g_return_if_fail (HEALER_IS_SESSION (self));
  g_return_if_fail (!results || HEALER_IS_RESULTS (results));

  if (g_set_object (&self->results, results))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULTS]);
      queue_give_back (self);
    }
}
