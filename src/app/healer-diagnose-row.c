/* healer-diagnose-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-diagnose-row.h"

struct _HealerDiagnoseRow
{
  GObject        parent_instance;

  HealerResults *results;
  guint          index;
};

G_DEFINE_FINAL_TYPE (HealerDiagnoseRow, healer_diagnose_row, G_TYPE_OBJECT)

static void
healer_diagnose_row_finalize (GObject *object)
{
  HealerDiagnoseRow *self = (HealerDiagnoseRow *)object;

  g_clear_object (&self->results);

  G_OBJECT_CLASS (healer_diagnose_row_parent_class)->finalize (object);
}

static void
healer_diagnose_row_class_init (HealerDiagnoseRowClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = healer_diagnose_row_finalize;
}

static void
healer_diagnose_row_init (HealerDiagnoseRow *self)
{
}

HealerDiagnoseRow *
healer_diagnose_row_new (HealerResults *results,
                         guint          index)
{
  HealerDiagnoseRow *self;

  g_return_val_if_fail (HEALER_IS_RESULTS (results), NULL);

  self = g_object_new (HEALER_TYPE_DIAGNOSE_ROW, NULL);
  self->results = g_object_ref (results);
  self->index = index;
  return self;
}

HealerResults *
healer_diagnose_row_get_results (HealerDiagnoseRow *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_ROW (self), NULL);

  return self->results;
}

guint
healer_diagnose_row_get_index (HealerDiagnoseRow *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_ROW (self), 0);

  return self->index;
}

void
healer_diagnose_row_set_index (HealerDiagnoseRow *self,
                               guint              index)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_ROW (self));

  self->index = index;
}
