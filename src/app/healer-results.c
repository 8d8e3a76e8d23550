/* healer-results.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-results.h"

struct _HealerResults
{
  GObject parent_instance;

  guint   n_rows;
};

G_DEFINE_FINAL_TYPE (HealerResults, healer_results, G_TYPE_OBJECT)

static void
healer_results_class_init (HealerResultsClass *klass)
{
}

static void
healer_results_init (HealerResults *self)
{
}

guint
healer_results_get_n_rows (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), 0);

  return self->n_rows;
}
