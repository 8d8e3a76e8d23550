/* healer-parallel.h — a small parallel for over rows, shared by the projections and the diagnosis
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Runs @func (@data, first, last) over [0, @n) in contiguous chunks on up
 * to @n_threads threads (the caller's among them) and returns when all are
 * done. The results must not depend on the chunking: each row is computed
 * by one thread, in a fixed order. */
typedef void (*HealerParallelFunc) (gpointer data,
                                    gsize    first,
                                    gsize    last);

typedef struct _HealerParallel HealerParallel;

HealerParallel *healer_parallel_new  (guint               n_threads);
void            healer_parallel_free (HealerParallel     *self);
guint           healer_parallel_get_n_threads (HealerParallel *self);
void            healer_parallel_run  (HealerParallel     *self,
                                      gsize               n,
                                      HealerParallelFunc  func,
                                      gpointer            data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerParallel, healer_parallel_free)

G_END_DECLS
