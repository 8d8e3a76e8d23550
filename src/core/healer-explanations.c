/* healer-explanations.c — the explanations a model carries: which KPIs mark each fault
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "healer-enum.h"
#include "healer-explanations.h"

HEALER_DEFINE_ENUM_STRINGS (healer_importance_rows, HealerImportanceRows,
                            HEALER_TYPE_IMPORTANCE_ROWS, FALSE)

void
healer_explanations_free (HealerExplanations *self)
{
  if (self == NULL)
    return;
  for (guint c = 0; self->signatures != NULL && c < self->n_classes; c++)
    g_free (self->signatures[c].entries);
  g_free (self->signatures);
  g_free (self->importance);
  g_free (self);
}

HealerExplanations *
healer_explanations_copy (const HealerExplanations *self)
{
  HealerExplanations *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_memdup2 (self, sizeof *self);
  copy->signatures = g_new0 (HealerSignature, MAX (self->n_classes, 1));
  for (guint c = 0; c < self->n_classes; c++)
    {
      copy->signatures[c].n_entries = self->signatures[c].n_entries;
      copy->signatures[c].entries = g_memdup2 (self->signatures[c].entries,
                                               self->signatures[c].n_entries *
                                               sizeof (HealerSignatureEntry));
    }
  copy->importance = g_memdup2 (self->importance, self->n_importance * sizeof (HealerImportance));
  return copy;
}

static int
healer_compare_importance (gconstpointer a,
                           gconstpointer b)
{
  const HealerImportance *ia = a, *ib = b;

  /* Macro-F1 on a few hundred rows moves in steps, so many KPIs tie on it;
   * the log-loss sees every change of probability and orders those. */
  if (ia->f1_drop != ib->f1_drop)
    return ia->f1_drop > ib->f1_drop ? -1 : 1;
  if (ia->log_loss_increase != ib->log_loss_increase)
    return ia->log_loss_increase > ib->log_loss_increase ? -1 : 1;
  return (ia->feature > ib->feature) - (ia->feature < ib->feature);
}

void
healer_importance_sort (HealerImportance *v,
                        guint             n)
{
  g_return_if_fail (v != NULL || n == 0);

  if (n > 1)
    qsort (v, n, sizeof *v, healer_compare_importance);
}

/* Class index of every row of @data (G_MAXUINT for a label the model does
 * not know, or no label); returns how many rows have one. */
