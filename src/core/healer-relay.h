/* healer-relay.h — a worker's newest report, carried to a main context one
 * wake-up at a time
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A worker reports far more often than a window redraws. It posts its
 * newest state here; the state is copied under a lock, and the context is
 * woken by at most one idle callback until it has taken that state, so a
 * fast worker can never flood the main loop. Once closed (on the context's
 * thread, when the work's result is delivered), nothing more is delivered:
 * progress never arrives after the result. */
typedef struct _HealerRelay HealerRelay;

/* Runs on the context's thread with a copy of the newest state. */
typedef void (*HealerRelayFunc) (gconstpointer state,
                                 gpointer      user_data);

/* States are @state_size bytes, copied as they are. @destroy, when not
 * NULL, frees @user_data on healer_relay_close(), on the context's thread
 * (or at the last unref of a relay never closed). @name names the idle
 * source, for profilers. */
HealerRelay *healer_relay_new   (gsize             state_size,
                                 GMainContext     *context,
                                 const char       *name,
                                 HealerRelayFunc   func,
                                 gpointer          user_data,
                                 GDestroyNotify    destroy);
HealerRelay *healer_relay_ref   (HealerRelay      *self);
void         healer_relay_unref (HealerRelay      *self);

/* Any thread: keeps a copy of @state as the newest. */
void         healer_relay_post  (HealerRelay      *self,
                                 gconstpointer     state);
/* The context's thread: delivers the newest state now if one is waiting,
 * then closes. */
void         healer_relay_flush_and_close (HealerRelay *self);
/* The context's thread: closes without delivering what is waiting. */
void         healer_relay_close (HealerRelay      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerRelay, healer_relay_unref)

G_END_DECLS
