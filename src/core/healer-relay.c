/* healer-relay.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "healer-relay.h"

struct _HealerRelay
{
  gatomicrefcount  ref_count;
  gsize            state_size;
  GMainContext    *context;
  char            *name;
  HealerRelayFunc  func;
  gpointer         user_data;
  GDestroyNotify   destroy;

  GMutex           lock;
  guint8          *latest;        /* state_size bytes, under @lock */
  gboolean         has_latest;    /* @latest not delivered yet */
  gboolean         idle_pending;  /* an idle is queued that will take it */
  gboolean         closed;
};

HealerRelay *
healer_relay_new (gsize            state_size,
                  GMainContext    *context,
                  const char      *name,
                  HealerRelayFunc  func,
                  gpointer         user_data,
                  GDestroyNotify   destroy)
{
  HealerRelay *self;

  g_return_val_if_fail (state_size > 0, NULL);
  g_return_val_if_fail (func != NULL, NULL);

  self = g_new0 (HealerRelay, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->state_size = state_size;
  self->context = context != NULL ? g_main_context_ref (context) : g_main_context_ref_thread_default ();
  self->name = g_strdup (name != NULL ? name : "[healer] progress");
  self->func = func;
  self->user_data = user_data;
  self->destroy = destroy;
  g_mutex_init (&self->lock);
  self->latest = g_malloc0 (state_size);
  return self;
}

HealerRelay *
healer_relay_ref (HealerRelay *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
healer_relay_unref (HealerRelay *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  /* A relay never closed: its owner went away without a result. */
  if (self->destroy != NULL)
    self->destroy (self->user_data);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->lock);
  g_free (self->latest);
  g_free (self->name);
  g_free (self);
}

/* Takes the waiting state, if any, into @copy. */
static gboolean
take_latest (HealerRelay *self,
             guint8      *copy)
{
  gboolean deliver;

  g_mutex_lock (&self->lock);
  deliver = self->has_latest && !self->closed;
  if (deliver)
    memcpy (copy, self->latest, self->state_size);
  self->has_latest = FALSE;
  g_mutex_unlock (&self->lock);
  return deliver;
}

static gboolean
relay_idle (gpointer data)
{
  HealerRelay *self = data;
  g_autofree guint8 *copy = g_malloc (self->state_size);

  g_mutex_lock (&self->lock);
  self->idle_pending = FALSE;
  g_mutex_unlock (&self->lock);

  if (take_latest (self, copy))
    self->func (copy, self->user_data);
  return G_SOURCE_REMOVE;
}

void
healer_relay_post (HealerRelay   *self,
                   gconstpointer  state)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (state != NULL);

  g_mutex_lock (&self->lock);
  memcpy (self->latest, state, self->state_size);
  self->has_latest = TRUE;
  if (!self->idle_pending && !self->closed)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      self->idle_pending = TRUE;
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_name (source, self->name);
      g_source_set_callback (source, relay_idle, healer_relay_ref (self),
                             (GDestroyNotify) healer_relay_unref);
      g_source_attach (source, self->context);
    }
  g_mutex_unlock (&self->lock);
}

static void
close_relay (HealerRelay *self)
{
  GDestroyNotify destroy;

  g_mutex_lock (&self->lock);
  self->closed = TRUE;
  g_mutex_unlock (&self->lock);

  destroy = g_steal_pointer (&self->destroy);
  if (destroy != NULL)
    destroy (self->user_data);
}

void
healer_relay_flush_and_close (HealerRelay *self)
{
  g_autofree guint8 *copy = NULL;

  g_return_if_fail (self != NULL);

  copy = g_malloc (self->state_size);
  if (take_latest (self, copy))
    self->func (copy, self->user_data);
  close_relay (self);
}

void
healer_relay_close (HealerRelay *self)
{
  g_return_if_fail (self != NULL);

  close_relay (self);
}
