/* healer-explain.h — which KPIs: fault signatures, permutation importance, per-sample attribution
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "healer-dataset.h"
#include "healer-explanations.h"
#include "healer-model.h"

G_BEGIN_DECLS

/* Called after each KPI permuted for the importance: @done of @total KPIs
 * (those the model reads), on the computing thread. */
typedef void (*HealerExplainProgressFunc) (guint    done,
                                           guint    total,
                                           gpointer user_data);

/* Signatures from the labelled rows @train and, when @eval is not NULL,
 * permutation importance on the labelled rows @eval (@eval_kind says which
 * rows they are). Both must have the model's input columns in its order
 * (see healer_model_align); rows whose label is not a class of the model
 * are ignored. @seed draws the permutations and any subsample. The cost is
 * linear in the number of columns; @progress (may be NULL) follows the
 * importance KPI by KPI. A cancel, checked before each KPI, skips whatever
 * has not been done yet (importance is left NULL). */
HealerExplanations *healer_explanations_compute (const HealerModel         *model,
                                                 const HealerDataset       *train,
                                                 const HealerDataset       *eval,
                                                 HealerImportanceRows       eval_kind,
                                                 guint64                    seed,
                                                 HealerExplainProgressFunc  progress,
                                                 gpointer                   user_data,
                                                 GCancellable              *cancellable);

/* What the trainer calls at the end of a run: @data are the rows training
 * started from (after duplicate removal, before the split), which is redone
 * from model->config to find the training and validation rows. Replaces
 * model->explanations. */
void                healer_model_attach_explanations (HealerModel               *model,
                                                      const HealerDataset       *data,
                                                      HealerExplainProgressFunc  progress,
                                                      gpointer                   user_data,
                                                      GCancellable              *cancellable);

/* ---- one sample ---- */

/* Occlusion: KPI @feature replaced by its training median. */
typedef struct
{
  guint   feature;
  double  delta;           /* log p(predicted | sample) − log p(predicted | occluded);
                            * > 0: this KPI's value pushed towards the diagnosis */
  double  value;           /* the sample's value, NAN when missing */
  double  baseline;        /* the training median put in its place */
  guint   class_without;   /* class predicted with the KPI occluded */
} HealerAttribution;

typedef enum
{
  HEALER_ABNORMAL_HIGH_Z       = 1 << 0,  /* |z| > HEALER_EXPLAIN_ABNORMAL_Z */
  HEALER_ABNORMAL_BELOW_RANGE  = 1 << 1,  /* below every training value */
  HEALER_ABNORMAL_ABOVE_RANGE  = 1 << 2,  /* above every training value */
  HEALER_ABNORMAL_CONSTANT     = 1 << 3,  /* the training values were all equal: z is ±∞ */
  HEALER_ABNORMAL_RANGE_SCALE  = 1 << 4,  /* IQR 0: z uses the training range as its scale */
  HEALER_ABNORMAL_UNSEEN       = 1 << 5,  /* never observed in training: no z (NAN) */
} HealerAbnormalFlags;

typedef struct
{
  guint                feature;
  double               value;
  double               median;   /* training median */
  double               z;        /* robust z, see healer_robust_z() */
  HealerAbnormalFlags  flags;
} HealerAbnormal;

typedef struct
{
  guint              n_classes;
  float             *proba;           /* n_classes */
  guint              predicted;       /* class index */
  guint              n_attributions;
  HealerAttribution *attributions;    /* the top ones, largest delta first */
  guint              n_abnormal;
  HealerAbnormal    *abnormal;        /* every abnormal KPI, largest |z| first */
  guint              n_missing;       /* missing cells in the sample */
  guint              n_missing_read;
  guint             *missing_read;    /* input indices, in input order: KPIs the model
                                       * reads whose value is missing (imputed) */
} HealerSampleExplanation;

/* Below this |delta| (nats) occluding a KPI moves the diagnosis's
 * probability by less than 0.1 %: no effect worth naming. */
#define HEALER_EXPLAIN_MIN_DELTA 1e-3

/* @row: n_input raw values in the model's input order, NAN = missing.
 * Keeps the @top_k KPIs with the largest occlusion delta (all when 0),
 * among those the model reads whose value is present and whose |delta| is
 * at least HEALER_EXPLAIN_MIN_DELTA: a missing value was imputed, so it
 * says nothing about the sample and is listed in missing_read instead. */
HealerSampleExplanation *healer_explain_sample (const HealerModel *model,
                                                const float       *row,
                                                guint              top_k);
void                     healer_sample_explanation_free (HealerSampleExplanation *self);

/* (x − median) / (IQR / 1.349) of input @j; when the IQR is 0 the scale is
 * the training range / 4 (RANGE_SCALE), and when that is 0 too, z is ±∞
 * for any other value (CONSTANT). NAN with UNSEEN for a KPI never observed
 * in training, and NAN for a missing @x. @flags (may be NULL) receives
 * every flag that applies, HIGH_Z included. */
double                   healer_robust_z (const HealerPreprocessor *p,
                                          guint                     j,
                                          float                     x,
                                          HealerAbnormalFlags      *flags);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerSampleExplanation, healer_sample_explanation_free)

G_END_DECLS
