/* healer-explanations.h — the explanations a model carries: which KPIs mark each fault
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The data only, below the model in the chain of core modules: a model
 * holds, saves and loads them; healer-explain.h computes them.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _HealerExplanations HealerExplanations;

#define HEALER_EXPLAIN_SIGNATURE_TOP   10     /* KPIs kept per class */
#define HEALER_EXPLAIN_MAX_TOP         1000   /* bound on a class's signature in a file */
#define HEALER_EXPLAIN_REPEATS         3      /* permutations per KPI */
#define HEALER_EXPLAIN_MAX_REPEATS     1000   /* bound in a file */
/* Row caps (seeded subsamples above them) keep the work at the end of a
 * training run bounded whatever the size of the data. */
#define HEALER_EXPLAIN_SIGNATURE_ROWS  50000
#define HEALER_EXPLAIN_IMPORTANCE_ROWS 1000
#define HEALER_EXPLAIN_ABNORMAL_Z      3.0    /* |robust z| above which a value is abnormal */

/* One KPI of a class's fault signature. The effect is Cliff's delta of the
 * class against every other class, on the observed (non-missing) training
 * values: P(x_class > x_rest) − P(x_class < x_rest), in [−1, 1]; positive
 * means the KPI is higher in this class. */
typedef struct
{
  guint   feature;         /* index into the model's inputs */
  double  effect;
  double  median_class;    /* raw-domain medians of the observed values */
  double  median_rest;
} HealerSignatureEntry;

typedef struct
{
  guint                 n_entries;   /* ≤ HEALER_EXPLAIN_SIGNATURE_TOP when computed here */
  HealerSignatureEntry *entries;     /* largest |effect| first */
} HealerSignature;

typedef enum
{
  HEALER_IMPORTANCE_ROWS_VALIDATION,  /* the held-out rows of the training run */
  HEALER_IMPORTANCE_ROWS_TRAINING,    /* no validation split: the rows it was fitted on */
} HealerImportanceRows;

const char *healer_importance_rows_to_string   (HealerImportanceRows  rows);
gboolean    healer_importance_rows_from_string (const char           *str,
                                                HealerImportanceRows *rows);

/* Permutation importance of one KPI: its raw column shuffled among the
 * evaluation rows and the model (preprocessing + ensemble) rerun — computed
 * from the first layer's sums, see healer-explain.c. */
typedef struct
{
  guint   feature;
  double  f1_drop;            /* mean of macro-F1(original) − macro-F1(permuted) */
  double  f1_drop_std;        /* its standard deviation over the repeats */
  double  log_loss_increase;  /* mean of log-loss(permuted) − log-loss(original) */
} HealerImportance;

struct _HealerExplanations
{
  guint                 n_classes;
  HealerSignature      *signatures;        /* n_classes, in the model's class order */
  gsize                 signature_rows;    /* training rows they were computed on */

  /* Permutation importance; NULL/0 when skipped (a cancelled run, or fewer
   * than two labelled rows to score). */
  HealerImportance     *importance;        /* n_importance = the model's n_input entries,
                                            * largest F1 drop first, then log-loss increase */
  guint                 n_importance;
  HealerImportanceRows  importance_rows;
  gsize                 importance_n_rows;
  guint                 importance_repeats;
  double                base_macro_f1;     /* of the unpermuted rows */
  double                base_log_loss;
};

void                healer_explanations_free (HealerExplanations *self);
HealerExplanations *healer_explanations_copy (const HealerExplanations *self);
/* Orders @v as the importance ranking is stored. */
void                healer_importance_sort   (HealerImportance *v,
                                              guint             n);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerExplanations, healer_explanations_free)

G_END_DECLS
