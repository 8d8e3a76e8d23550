/* healer-trainer.c — the synchronous fit of the MLP ensemble
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "healer-drift.h"
#include "healer-eta.h"
#include "healer-explain.h"
#include "healer-memory.h"
#include "healer-metrics.h"
#include "healer-model.h"
#include "healer-trainer-private.h"

#define HEALER_MIN_IMPROVEMENT   1e-4
/* Mixed into the member seed so the shuffle stream is not the stream
 * healer_mlp_new drew the initial weights from. */
#define HEALER_SHUFFLE_SALT      G_GUINT64_CONSTANT (0x53687566666c6521)
/* Likewise for the input noise, so turning it on leaves the batch order as it was. */
#define HEALER_NOISE_SALT        G_GUINT64_CONSTANT (0x4e6f697365212121)

/* Prepared data: everything one training run needs, shared by the members */

typedef struct
{
  HealerDataset      *data;          /* as given: rows are never copied */
  gsize              *kept;          /* rows of @data left after duplicate removal */
  gsize               n_kept;
  gsize               n_duplicates;
  gint32             *class_ids;
  guint               n_classes;
  HealerPreprocessor *pre;
  /* The same preprocessor, still valid once the model has taken @pre over:
   * the final metrics transform training rows after that. */
  const HealerPreprocessor *pre_ro;
  guint               n_in;
  gsize               n_train;
  gsize               n_val;
  /* Training rows are transformed batch by batch as they are drawn, not
   * stored transformed: a transformed copy would cost up to the size of
   * the data again. That transform is still a tenth of an epoch at small
   * batches, though, so when the copy is small (HEALER_TRAIN_CACHE_BYTES)
   * it is made once, in @x_train. The validation rows are few and scored
   * every epoch: they are kept transformed. */
  gsize              *train_rows;    /* n_train indices into @data */
  guint              *y_train;
  float              *w_train;       /* NULL without class weights */
  float              *x_train;       /* n_train × n_in, or NULL: transform per batch */
  float              *x_val;
  guint              *y_val;
} HealerTrainData;

static void
healer_train_data_clear (HealerTrainData *td)
{
  g_clear_pointer (&td->data, healer_dataset_unref);
  g_clear_pointer (&td->kept, g_free);
  g_clear_pointer (&td->class_ids, g_free);
  g_clear_pointer (&td->pre, healer_preprocessor_free);
  g_clear_pointer (&td->train_rows, g_free);
  g_clear_pointer (&td->y_train, g_free);
  g_clear_pointer (&td->w_train, g_free);
  g_clear_pointer (&td->x_train, g_free);
  g_clear_pointer (&td->x_val, g_free);
  g_clear_pointer (&td->y_val, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HealerTrainData, healer_train_data_clear)

static gboolean
healer_check_labels (const HealerDataset *data,
                     gsize                n_rows,
                     GError             **error)
{
  const char *name = healer_dataset_get_source_name (data);

  if (data->labels == NULL)
    {
      g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID,
                   _("%s has no label column: training needs the class of every row "
                     "(a column named “label”)"), name);
      return FALSE;
    }
  if (n_rows < 2)
    {
      g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID,
                   _("%s has %zu rows: training needs at least two"),
                   name, n_rows);
      return FALSE;
    }
  return TRUE;
}

/* Transformed rows @rows of @ds into a new n × n_output matrix. */
static float *
healer_transform_rows (const HealerPreprocessor *pre,
                       const HealerDataset      *ds,
                       const gsize              *rows,
                       gsize                     n)
{
  float *out = g_new (float, MAX (n * pre->n_output, 1));

  for (gsize i = 0; i < n; i++)
    healer_preprocessor_transform (pre, healer_dataset_row (ds, rows[i]), 1,
                                   out + i * pre->n_output);
  return out;
}

static gboolean
healer_train_data_prepare (HealerTrainData         *td,
                           const HealerDataset     *data,
                           const gsize             *rows,
                           gsize                    n_rows,
                           const HealerTrainConfig *config,
                           GCancellable            *cancellable,
                           GError                 **error)
{
  g_autoptr(GArray) train_pos = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) val_pos = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GError) local_error = NULL;
  gsize *kept;
  g_autofree gsize *val_rows = NULL;
  g_autofree guint *y = NULL;
  g_autofree gint32 *kept_labels = NULL;
  gsize n_kept;

  if (!healer_check_labels (data, n_rows, error))
    return FALSE;

  td->data = healer_dataset_ref ((HealerDataset *) data);
  if (config->preprocess.drop_duplicates)
    {
      kept = healer_dataset_unique_rows_of (data, rows, n_rows, &n_kept);
      td->n_duplicates = n_rows - n_kept;
    }
  else
    {
      n_kept = n_rows;
      kept = g_new (gsize, MAX (n_kept, 1));
      for (gsize i = 0; i < n_kept; i++)
        kept[i] = rows != NULL ? rows[i] : i;
    }
  td->kept = kept;
  td->n_kept = n_kept;

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  kept_labels = g_new (gint32, MAX (n_kept, 1));
  for (gsize i = 0; i < n_kept; i++)
    kept_labels[i] = data->labels[kept[i]];
  y = g_new (guint, MAX (n_kept, 1));
  td->class_ids = healer_labels_to_classes (kept_labels, n_kept, &td->n_classes, y);
  /* The data's fault, not the options': a data error (exit 1), where a
   * network too large for the file is HEALER_TRAIN_ERROR_LIMIT (exit 2). */
  if (td->n_classes > HEALER_MODEL_MAX_CLASSES)
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_TOO_LARGE,
                   _("%s has %u classes, more than the %u a model file holds"),
                   healer_dataset_get_source_name (data), td->n_classes,
                   (guint) HEALER_MODEL_MAX_CLASSES);
      return FALSE;
    }
  if (td->n_classes < 2)
    {
      g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID,
                   _("Training needs at least two classes, but every row of %s has "
                     "label %d"),
                   healer_dataset_get_source_name (data), td->class_ids[0]);
      return FALSE;
    }

  /* Positions in @kept, as if the duplicates had been removed. */
  healer_stratified_split (y, n_kept, td->n_classes, config->validation_fraction,
                           config->seed, train_pos, val_pos);
  td->n_train = train_pos->len;
  td->n_val = val_pos->len;
  td->train_rows = g_new (gsize, MAX (td->n_train, 1));
  val_rows = g_new (gsize, MAX (td->n_val, 1));
  td->y_train = g_new (guint, MAX (td->n_train, 1));
  td->y_val = g_new (guint, MAX (td->n_val, 1));
  for (gsize i = 0; i < td->n_train; i++)
    {
      gsize pos = g_array_index (train_pos, gsize, i);

      td->train_rows[i] = kept[pos];
      td->y_train[i] = y[pos];
    }
  for (gsize i = 0; i < td->n_val; i++)
    {
      gsize pos = g_array_index (val_pos, gsize, i);

      val_rows[i] = kept[pos];
      td->y_val[i] = y[pos];
    }

  /* Only the training rows may inform the preprocessing, or the
   * validation scores would be optimistic. They are fitted where they
   * are, by index: a copy would cost up to the table again. */
  td->pre = healer_preprocessor_fit_rows (data, td->train_rows, td->n_train,
                                          &config->preprocess, &local_error);
  if (td->pre == NULL)
    {
      g_set_error_literal (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID,
                           local_error->message);
      return FALSE;
    }
  td->pre_ro = td->pre;
  td->n_in = td->pre->n_output;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;

  td->x_val = healer_transform_rows (td->pre, data, val_rows, td->n_val);
  if ((guint64) td->n_train * td->n_in * sizeof (float) <= HEALER_TRAIN_CACHE_BYTES)
    td->x_train = healer_transform_rows (td->pre, data, td->train_rows, td->n_train);
  if (config->preprocess.class_weights)
    {
      td->w_train = g_new (float, MAX (td->n_train, 1));
      healer_class_weights (td->y_train, td->n_train, td->n_classes, td->w_train);
    }
  return TRUE;
}

/* Averaged ensemble probabilities of every training row, taken from
 * td->x_train when it exists, else transformed a block at a time so the
 * transformed table never exists whole. */
#define HEALER_TRANSFORM_BLOCK 2048

static void
healer_ensemble_proba_train (HealerMlp * const      *members,
                             guint                   n_members,
                             const HealerTrainData  *td,
                             float                  *sum)
{
  guint nc = td->n_classes;
  g_autofree float *xb = g_new (float, (gsize) HEALER_TRANSFORM_BLOCK * td->n_in);
  g_autofree float *one = g_new (float, (gsize) HEALER_TRANSFORM_BLOCK * nc);

  memset (sum, 0, td->n_train * nc * sizeof (float));
  for (gsize start = 0; start < td->n_train; start += HEALER_TRANSFORM_BLOCK)
    {
      gsize nb = MIN (HEALER_TRANSFORM_BLOCK, td->n_train - start);
      const float *x = xb;

      if (td->x_train != NULL)
        x = td->x_train + start * td->n_in;
      else
        for (gsize k = 0; k < nb; k++)
          healer_preprocessor_transform (td->pre_ro,
                                         healer_dataset_row (td->data, td->train_rows[start + k]),
                                         1, xb + k * td->n_in);
      for (guint m = 0; m < n_members; m++)
        {
          healer_mlp_predict_proba (members[m], x, nb, one);
          for (gsize i = 0; i < nb * nc; i++)
            sum[start * nc + i] += one[i];
        }
    }
  for (gsize i = 0; i < td->n_train * nc; i++)
    sum[i] /= (float) n_members;
}

/* Averaged ensemble probabilities of the (already transformed) validation rows. */
static void
healer_ensemble_proba_val (HealerMlp * const     *members,
                           guint                  n_members,
                           const HealerTrainData *td,
                           float                 *sum)
{
  guint nc = td->n_classes;
  g_autofree float *one = g_new (float, MAX (td->n_val, 1) * nc);

  memset (sum, 0, td->n_val * nc * sizeof (float));
  for (guint m = 0; m < n_members; m++)
    {
      healer_mlp_predict_proba (members[m], td->x_val, td->n_val, one);
      for (gsize i = 0; i < td->n_val * nc; i++)
        sum[i] += one[i];
    }
  for (gsize i = 0; i < td->n_val * nc; i++)
    sum[i] /= (float) n_members;
}

static void
healer_ensemble_proba (HealerMlp * const     *members,
                       guint                  n_members,
                       const HealerTrainData *td,
                       gboolean               on_val,
                       float                 *sum)
{
  if (on_val)
    healer_ensemble_proba_val (members, n_members, td, sum);
  else
    healer_ensemble_proba_train (members, n_members, td, sum);
}

/* Layer widths of the network; fails when it would not fit in a model file. */
static gboolean
healer_network_sizes (const HealerTrainConfig *config,
                      const HealerTrainData   *td,
                      guint                   *sizes,
                      guint                   *n_sizes,
                      GError                 **error)
{
  guint64 n_params = 0;

  *n_sizes = config->n_hidden + 2;
  sizes[0] = td->n_in;
  memcpy (sizes + 1, config->hidden, config->n_hidden * sizeof (guint));
  sizes[*n_sizes - 1] = td->n_classes;

  /* Each term is below 2^17 · 2^17, so the sum of at most 17 cannot overflow. */
  for (guint l = 0; l + 1 < *n_sizes; l++)
    n_params += (guint64) sizes[l] * sizes[l + 1] + sizes[l + 1];
  if (n_params > HEALER_MODEL_MAX_PARAMS)
    {
      g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_LIMIT,
                   _("The network would have %" PRIu64 " parameters, more than "
                     "the %u a model can hold; use fewer or narrower hidden layers"),
                   n_params, (guint) HEALER_MODEL_MAX_PARAMS);
      return FALSE;
    }
  /* The loader bounds the ensemble's parameters together. */
  if (n_params * config->ensemble > HEALER_MODEL_MAX_PARAMS)
    {
      g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_LIMIT,
                   _("%u networks of %" PRIu64 " parameters would have more than the %u "
                     "a model can hold; use a smaller --ensemble or narrower hidden layers"),
                   config->ensemble, n_params, (guint) HEALER_MODEL_MAX_PARAMS);
      return FALSE;
    }
  return TRUE;
}

/* One ensemble member */

typedef struct
{
  const HealerTrainConfig *config;
  const HealerTrainData   *td;
  GCancellable            *cancellable;
  HealerTrainProgressFunc  progress;
  gpointer                 user_data;
  gint64                   start_us;
  HealerEta                eta;
  HealerTrainProgress      last;        /* the latest report */
  gint64                   explain_start_us;
} HealerTrainRun;

typedef struct
{
  HealerTrainStatus status;
  guint             best_epoch;
  GArray           *train_loss;      /* doubles, one per completed epoch */
  GArray           *val_loss;
  GArray           *val_macro_f1;
} HealerMemberResult;

typedef enum
{
  HEALER_EPOCH_OK,
  HEALER_EPOCH_CANCELLED,
  HEALER_EPOCH_DIVERGED,
} HealerEpochOutcome;

typedef struct
{
  HealerMlp          *mlp;
  HealerMlp          *best;
  HealerMlpWorkspace *ws;
  gsize               n_params;
  float              *grad;
  float              *m1;            /* Adam first moment, or SGD velocity */
  float              *m2;            /* Adam second moment */
  gsize              *order;
  gsize               batch;
  float              *xb;
  guint              *yb;
  float              *wb;
  float              *proba;         /* n_val × n_classes */
  guint              *pred;
  HealerRng           rng;
  HealerRng           noise_rng;
  guint64             dropout_state;
  guint64             step;
  HealerOptimizerStep opt;           /* the constants of the current step */
  float              *params;        /* @mlp's */
} HealerMember;

static void
healer_member_clear (HealerMember *mb)
{
  g_clear_pointer (&mb->mlp, healer_mlp_free);
  g_clear_pointer (&mb->best, healer_mlp_free);
  g_clear_pointer (&mb->ws, healer_mlp_workspace_free);
  g_clear_pointer (&mb->grad, g_free);
  g_clear_pointer (&mb->m1, g_free);
  g_clear_pointer (&mb->m2, g_free);
  g_clear_pointer (&mb->order, g_free);
  g_clear_pointer (&mb->xb, g_free);
  g_clear_pointer (&mb->yb, g_free);
  g_clear_pointer (&mb->wb, g_free);
  g_clear_pointer (&mb->proba, g_free);
  g_clear_pointer (&mb->pred, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HealerMember, healer_member_clear)

static void
healer_member_init (HealerMember          *mb,
                    const HealerTrainRun  *run,
                    const guint           *sizes,
                    guint                  n_sizes,
                    guint                  m)
{
  const HealerTrainData *td = run->td;
  guint64 seed = run->config->seed + m;

  mb->mlp = healer_mlp_new (sizes, n_sizes, run->config->activation, seed);
  mb->best = healer_mlp_copy (mb->mlp);
  mb->batch = MIN ((gsize) run->config->batch_size, td->n_train);
  mb->ws = healer_mlp_workspace_new (mb->mlp, mb->batch);
  healer_mlp_workspace_set_label_smoothing (mb->ws, (float) run->config->label_smoothing);
  mb->n_params = healer_mlp_get_n_params (mb->mlp);
  mb->params = healer_mlp_get_params (mb->mlp);
  mb->grad = g_new (float, mb->n_params);
  mb->m1 = g_new0 (float, mb->n_params);
  if (run->config->optimizer == HEALER_OPTIMIZER_ADAM)
    mb->m2 = g_new0 (float, mb->n_params);

  mb->order = g_new (gsize, td->n_train);
  for (gsize i = 0; i < td->n_train; i++)
    mb->order[i] = i;
  mb->xb = g_new (float, mb->batch * td->n_in);
  mb->yb = g_new (guint, mb->batch);
  mb->wb = td->w_train != NULL ? g_new (float, mb->batch) : NULL;
  mb->proba = g_new (float, MAX (td->n_val, 1) * td->n_classes);
  mb->pred = g_new (guint, MAX (td->n_val, 1));

  healer_rng_init (&mb->rng, seed ^ HEALER_SHUFFLE_SALT);
  mb->dropout_state = healer_rng_next (&mb->rng);
  healer_rng_init (&mb->noise_rng, seed ^ HEALER_NOISE_SALT);
}

/* Called from the step's threads as each block of gradients becomes final.
 * Weight decay applies to the weights, not to the biases. */
static void
healer_member_update (gpointer user_data,
                      gsize    offset,
                      gsize    count,
                      gboolean is_weight)
{
  HealerMember *mb = user_data;

  healer_optimizer_update (&mb->opt, mb->params + offset, mb->grad + offset, mb->m1 + offset,
                           mb->m2 != NULL ? mb->m2 + offset : NULL, count, is_weight);
}

/* The step size of epoch @epoch (1-based). The cosine schedule decays it per
 * epoch, from the full rate in the first to near 0 in the last, over the
 * maximum number of epochs: large steps explore early, small ones settle the
 * weights at the end instead of leaving them wherever the last batch threw
 * them. */
static double
healer_epoch_learning_rate (const HealerTrainConfig *config,
                            guint                    epoch)
{
  if (config->lr_schedule == HEALER_LR_COSINE)
    return config->learning_rate * 0.5 *
           (1.0 + cos (G_PI * (double) (epoch - 1) / (double) config->epochs));
  return config->learning_rate;
}

/* Gaussian noise of standard deviation @sigma on the standardised KPI values
 * (the first n_selected columns) of the @nb rows of a batch: the network
 * never sees the same training row twice, so it cannot draw its boundaries
 * through single rows. PLE and indicator columns are left as they are: they
 * are not on the standardised scale. */
static void
healer_add_input_noise (HealerRng             *rng,
                        const HealerTrainData *td,
                        float                 *xb,
                        gsize                  nb,
                        double                 sigma)
{
  guint n_values = td->pre_ro->n_selected;

  for (gsize k = 0; k < nb; k++)
    for (guint j = 0; j < n_values; j++)
      xb[k * td->n_in + j] += (float) (sigma * healer_rng_normal (rng));
}

/* Finite and within ±HEALER_MODEL_MAX_WEIGHT, the loader's bound: a member
 * past it has diverged, however finite its loss still is, and its best
 * epoch's parameters (all within the bound) are what a model keeps. */
static gboolean
healer_params_finite (HealerMlp *mlp)
{
  const float *p = healer_mlp_get_params (mlp);
  gsize n = healer_mlp_get_n_params (mlp);

  for (gsize i = 0; i < n; i++)
    if (!(fabsf (p[i]) <= HEALER_MODEL_MAX_WEIGHT))
      return FALSE;
  return TRUE;
}

/* One pass over the shuffled training rows. @loss_out: mean loss per row. */
static HealerEpochOutcome
healer_member_epoch (HealerMember         *mb,
                     const HealerTrainRun *run,
                     guint                 epoch,
                     double               *loss_out)
{
  const HealerTrainData *td = run->td;
  float dropout = (float) run->config->dropout;
  double learning_rate = healer_epoch_learning_rate (run->config, epoch);
  double sum = 0.0;

  healer_rng_shuffle (&mb->rng, mb->order, td->n_train);
  for (gsize start = 0; start < td->n_train; start += mb->batch)
    {
      gsize nb = MIN (mb->batch, td->n_train - start);
      double loss;

      if (g_cancellable_is_cancelled (run->cancellable))
        return HEALER_EPOCH_CANCELLED;

      for (gsize k = 0; k < nb; k++)
        {
          gsize r = mb->order[start + k];

          if (td->x_train != NULL)
            memcpy (mb->xb + k * td->n_in, td->x_train + r * td->n_in, td->n_in * sizeof (float));
          else
            healer_preprocessor_transform (td->pre_ro,
                                           healer_dataset_row (td->data, td->train_rows[r]),
                                           1, mb->xb + k * td->n_in);
          mb->yb[k] = td->y_train[r];
          if (mb->wb != NULL)
            mb->wb[k] = td->w_train[r];
        }
      if (run->config->input_noise > 0.0)
        healer_add_input_noise (&mb->noise_rng, td, mb->xb, nb, run->config->input_noise);
      /* The parameters are updated inside the step, a block at a time as
       * their gradients are ready. A step whose loss is not finite still
       * updates them, but a diverged member goes back to its best epoch's
       * parameters, so that update never reaches a model. */
      mb->step++;
      healer_optimizer_step_init (&mb->opt, run->config, learning_rate, mb->step);
      loss = healer_mlp_train_step (mb->mlp, mb->ws, mb->xb, mb->yb, mb->wb, nb, dropout,
                                    &mb->dropout_state, mb->grad, healer_member_update, mb);
      if (!isfinite (loss))
        return HEALER_EPOCH_DIVERGED;
      /* Weighted by rows so a short last batch counts for what it is. */
      sum += loss * (double) nb;
    }

  /* The last update can overflow even though its loss was finite. */
  if (!healer_params_finite (mb->mlp))
    return HEALER_EPOCH_DIVERGED;
  *loss_out = sum / (double) td->n_train;
  return HEALER_EPOCH_OK;
}

static HealerMetrics *
healer_member_validate (HealerMember          *mb,
                        const HealerTrainData *td)
{
  healer_mlp_predict_proba (mb->mlp, td->x_val, td->n_val, mb->proba);
  for (gsize i = 0; i < td->n_val; i++)
    mb->pred[i] = healer_argmax (mb->proba + i * td->n_classes, td->n_classes);
  return healer_metrics_compute (td->y_val, mb->pred, mb->proba, td->n_val, td->n_classes);
}

static void
healer_report_progress (HealerTrainRun      *run,
                        HealerTrainProgress *p,
                        double               epoch_seconds)
{
  double planned = (double) p->n_members * p->n_epochs;

  /* The share of the planned epochs run; a network stopped early skips
   * the rest of its epochs, which the measured rate then shows. */
  healer_eta_update (&run->eta, healer_eta_now (),
                     planned > 0 ? ((double) p->member * p->n_epochs + p->epoch) / planned : 0.0);
  p->epoch_seconds = epoch_seconds;
  p->elapsed_seconds = (g_get_monotonic_time () - run->start_us) / (double) G_USEC_PER_SEC;
  p->eta_seconds = healer_eta_seconds_left (&run->eta);
  run->last = *p;
  if (run->progress != NULL)
    run->progress (p, run->user_data);
}

static void
healer_report_importance (guint    done,
                          guint    total,
                          gpointer user_data)
{
  HealerTrainRun *run = user_data;
  HealerTrainProgress p = run->last;
  gint64 now = g_get_monotonic_time ();

  p.importance_done = done;
  p.importance_total = total;
  p.elapsed_seconds = (now - run->start_us) / (double) G_USEC_PER_SEC;
  p.eta_seconds = (now - run->explain_start_us) / (double) G_USEC_PER_SEC / done * (total - done);
  if (run->progress != NULL)
    run->progress (&p, run->user_data);
}

static HealerMlp *
healer_train_member (HealerTrainRun     *run,
                     const guint        *sizes,
                     guint               n_sizes,
                     guint               m,
                     HealerMemberResult *res,
                     GError            **error)
{
  const HealerTrainConfig *config = run->config;
  const HealerTrainData *td = run->td;
  g_auto(HealerMember) mb = { 0 };
  HealerEpochOutcome outcome = HEALER_EPOCH_OK;
  double best_loss = INFINITY;
  double monitored;
  guint since_best = 0;

  healer_member_init (&mb, run, sizes, n_sizes, m);
  res->status = HEALER_TRAIN_COMPLETED;

  for (guint epoch = 1; epoch <= config->epochs; epoch++)
    {
      gint64 t0 = g_get_monotonic_time ();
      HealerTrainProgress p = { 0 };

      outcome = healer_member_epoch (&mb, run, epoch, &p.train_loss);
      p.val_loss = p.val_accuracy = p.val_macro_f1 = NAN;
      if (outcome == HEALER_EPOCH_OK && td->n_val > 0)
        {
          g_autoptr(HealerMetrics) vm = healer_member_validate (&mb, td);

          p.val_loss = vm->log_loss;
          p.val_accuracy = vm->accuracy;
          p.val_macro_f1 = vm->macro_f1;
          if (!isfinite (p.val_loss))
            outcome = HEALER_EPOCH_DIVERGED;
        }
      if (outcome != HEALER_EPOCH_OK)
        break;

      g_array_append_val (res->train_loss, p.train_loss);
      g_array_append_val (res->val_loss, p.val_loss);
      g_array_append_val (res->val_macro_f1, p.val_macro_f1);

      /* Without a validation split, early stopping watches the training
       * loss instead (scikit-learn's rule): on small data sets holding rows
       * out costs more accuracy than the stopping point gains. */
      monitored = td->n_val > 0 ? p.val_loss : p.train_loss;
      if (monitored < best_loss - HEALER_MIN_IMPROVEMENT)
        {
          best_loss = monitored;
          res->best_epoch = epoch;
          since_best = 0;
          healer_mlp_copy_params (mb.best, mb.mlp);
        }
      else
        since_best++;

      p.member = m;
      p.n_members = config->ensemble;
      p.epoch = epoch;
      p.n_epochs = config->epochs;
      p.best_epoch = res->best_epoch;
      p.n_recent = MIN (res->train_loss->len, HEALER_TRAIN_PROGRESS_RECENT);
      for (guint i = 0, first = res->train_loss->len - p.n_recent; i < p.n_recent; i++)
        {
          p.recent[i].train_loss = g_array_index (res->train_loss, double, first + i);
          p.recent[i].val_loss = g_array_index (res->val_loss, double, first + i);
          p.recent[i].val_macro_f1 = g_array_index (res->val_macro_f1, double, first + i);
        }
      healer_report_progress (run, &p, (g_get_monotonic_time () - t0) / (double) G_USEC_PER_SEC);

      if (config->patience > 0 && since_best >= config->patience)
        {
          res->status = HEALER_TRAIN_EARLY_STOPPED;
          break;
        }
    }

  if (outcome == HEALER_EPOCH_CANCELLED)
    res->status = HEALER_TRAIN_CANCELLED;
  else if (outcome == HEALER_EPOCH_DIVERGED)
    res->status = HEALER_TRAIN_DIVERGED;

  if (res->train_loss->len == 0)
    {
      if (outcome == HEALER_EPOCH_CANCELLED)
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                     _("Training was cancelled before the first epoch finished"));
      else
        g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_DIVERGED,
                     _("Training diverged in the first epoch (the loss became infinite or "
                       "not a number); try a lower learning rate, such as %g"),
                     config->learning_rate / 10.0);
      return NULL;
    }

  healer_mlp_copy_params (mb.mlp, mb.best);
  return g_steal_pointer (&mb.mlp);
}

/* Ensemble metrics on the training or the validation rows. */
static HealerMetrics *
healer_ensemble_metrics (HealerMlp * const     *members,
                         guint                  n_members,
                         const HealerTrainData *td,
                         gboolean               on_val)
{
  gsize n = on_val ? td->n_val : td->n_train;
  guint nc = td->n_classes;
  g_autofree float *sum = g_new (float, MAX (n, 1) * nc);
  g_autofree guint *pred = g_new (guint, MAX (n, 1));

  healer_ensemble_proba (members, n_members, td, on_val, sum);
  for (gsize i = 0; i < n; i++)
    pred[i] = healer_argmax (sum + i * nc, nc);
  return healer_metrics_compute (on_val ? td->y_val : td->y_train, pred, sum, n, nc);
}

static void
healer_member_result_clear (HealerMemberResult *res)
{
  g_clear_pointer (&res->train_loss, g_array_unref);
  g_clear_pointer (&res->val_loss, g_array_unref);
  g_clear_pointer (&res->val_macro_f1, g_array_unref);
}

static void
healer_fill_history (HealerTrainHistory       *history,
                     const HealerMemberResult *res)
{
  history->n_epochs = res->train_loss->len;
  history->train_loss = g_memdup2 (res->train_loss->data, res->train_loss->len * sizeof (double));
  history->val_loss = g_memdup2 (res->val_loss->data, res->val_loss->len * sizeof (double));
  history->val_macro_f1 = g_memdup2 (res->val_macro_f1->data,
                                     res->val_macro_f1->len * sizeof (double));
}

/* The confidence below which a diagnosis is flagged uncertain, by the rule
 * of healer_confidence_threshold_select: below it the held-out rows were
 * misdiagnosed more often than not. Without a validation split only the
 * training rows are left, and they are optimistic: the network has fitted
 * them, so its errors there are rarer and its confidence higher than on new
 * rows, and the threshold comes out too low rather than too high. It is
 * still capped at HEALER_CONFIDENCE_THRESHOLD_TRAIN_CAP, what the rule gives
 * for a calibrated model, so a network that fits its own rows badly does not
 * flag every new sample on the strength of rows it was trained on. */
static double
healer_train_confidence_threshold (const HealerModel     *model,
                                   const HealerTrainData *td,
                                   HealerTrainStatus      status)
{
  gboolean on_val = td->n_val > 0;
  const guint *y = on_val ? td->y_val : td->y_train;
  gsize n = on_val ? td->n_val : td->n_train;
  guint nc = td->n_classes;
  g_autofree float *sum = NULL;
  double threshold;

  /* Like the training metrics, a pass over every training row is skipped
   * when a cancel asks for a prompt return. */
  if (n == 0 || (!on_val && status == HEALER_TRAIN_CANCELLED))
    return 0.0;

  sum = g_new (float, n * nc);
  healer_ensemble_proba (model->members, model->n_members, td, on_val, sum);

  threshold = healer_confidence_threshold_select (sum, y, n, nc);
  if (!on_val)
    threshold = MIN (threshold, HEALER_CONFIDENCE_THRESHOLD_TRAIN_CAP);
  return threshold;
}

static HealerModel *
healer_train_build_model (HealerTrainData         *td,
                          const HealerTrainConfig *config,
                          HealerMlp              **members,
                          guint                    n_members,
                          HealerTrainStatus        status,
                          const HealerMemberResult *first)
{
  HealerModel *model;

  model = healer_model_new (g_steal_pointer (&td->pre), members, n_members,
                            td->class_ids, td->n_classes);
  model->config = *config;
  /* A cancel can leave fewer members than were asked for. */
  model->config.ensemble = n_members;
  model->status = status;
  model->best_epoch = first->best_epoch;
  healer_fill_history (&model->history, first);
  /* A cancel asks for a prompt return: a pass over every training row can
   * take longer than the batch the cancel interrupted. */
  if (status != HEALER_TRAIN_CANCELLED)
    model->train_metrics = healer_ensemble_metrics (model->members, model->n_members,
                                                    td, FALSE);
  if (td->n_val > 0)
    model->validation_metrics = healer_ensemble_metrics (model->members, model->n_members,
                                                         td, TRUE);
  model->n_train_rows = td->n_train;
  model->n_duplicates_removed = td->n_duplicates;
  model->confidence_threshold = healer_train_confidence_threshold (model, td, status);
  return model;
}

HealerModel *
healer_train (const HealerDataset     *data,
              const HealerTrainConfig *config,
              GCancellable            *cancellable,
              HealerTrainProgressFunc  progress,
              gpointer                 user_data,
              GError                 **error)
{
  g_return_val_if_fail (data != NULL, NULL);

  return healer_train_rows (data, NULL, data->n_rows, config, cancellable, progress,
                            user_data, error);
}

/* TRUE when @rows are every row of @data in order. */
static gboolean
healer_rows_are_all (const HealerDataset *data,
                     const gsize         *rows,
                     gsize                n_rows)
{
  if (n_rows != data->n_rows)
    return FALSE;
  for (gsize i = 0; i < n_rows; i++)
    if (rows[i] != i)
      return FALSE;
  return TRUE;
}

HealerModel *
healer_train_rows (const HealerDataset     *data,
                   const gsize             *rows,
                   gsize                    n_rows,
                   const HealerTrainConfig *config,
                   GCancellable            *cancellable,
                   HealerTrainProgressFunc  progress,
                   gpointer                 user_data,
                   GError                 **error)
{
  g_auto(HealerTrainData) td = { 0 };
  HealerTrainRun run = { 0 };
  HealerMemberResult first = { 0 };
  HealerTrainStatus status = HEALER_TRAIN_COMPLETED;
  HealerMlp **members = NULL;
  guint n_members = 0;
  guint sizes[HEALER_MAX_HIDDEN_LAYERS + 2];
  guint n_sizes;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (rows != NULL || n_rows == data->n_rows, NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  for (gsize i = 0; rows != NULL && i < n_rows; i++)
    g_return_val_if_fail (rows[i] < data->n_rows, NULL);

  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !healer_train_config_validate (config, error) ||
      /* On the whole table: an upper estimate for a part of it. */
      !healer_train_check_memory (data, config, error) ||
      !healer_train_data_prepare (&td, data, rows, n_rows, config, cancellable, error) ||
      !healer_network_sizes (config, &td, sizes, &n_sizes, error))
    return NULL;

  run.config = config;
  run.td = &td;
  run.cancellable = cancellable;
  run.progress = progress;
  run.user_data = user_data;
  run.start_us = g_get_monotonic_time ();
  healer_eta_init (&run.eta);

  members = g_new0 (HealerMlp *, config->ensemble);
  for (guint m = 0; m < config->ensemble; m++)
    {
      HealerMemberResult res = { 0 };
      g_autoptr(GError) local_error = NULL;
      HealerMlp *mlp;

      res.train_loss = g_array_new (FALSE, FALSE, sizeof (double));
      res.val_loss = g_array_new (FALSE, FALSE, sizeof (double));
      res.val_macro_f1 = g_array_new (FALSE, FALSE, sizeof (double));
      mlp = healer_train_member (&run, sizes, n_sizes, m, &res, &local_error);

      if (mlp == NULL && m == 0)
        {
          healer_member_result_clear (&res);
          g_free (members);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (mlp != NULL)
        members[n_members++] = mlp;
      if (m == 0)
        first = res;
      else
        healer_member_result_clear (&res);

      /* A cancel ends the whole run; a diverged member is reported but the
       * ensemble keeps the members that trained. */
      if (res.status == HEALER_TRAIN_CANCELLED)
        {
          status = HEALER_TRAIN_CANCELLED;
          break;
        }
      if (res.status == HEALER_TRAIN_DIVERGED)
        status = HEALER_TRAIN_DIVERGED;
      else if (m == 0)
        status = res.status;
    }

  {
    HealerModel *model = healer_train_build_model (&td, config, members, n_members, status,
                                                   &first);

    healer_member_result_clear (&first);
    if (config->explain)
      {
        /* The explanations describe the rows trained on, without duplicates. */
        g_autoptr(HealerDataset) kept = healer_rows_are_all (td.data, td.kept, td.n_kept)
          ? healer_dataset_ref (td.data)
          : healer_dataset_subset (td.data, td.kept, td.n_kept);

        run.explain_start_us = g_get_monotonic_time ();
        healer_model_attach_explanations (model, kept, healer_report_importance, &run,
                                          cancellable);
      }
    g_info ("trained on “%s”: %zu rows × %u columns (%zu for training), %u of %u members, "
            "%s after %u epochs (best %u), %.1f s",
            healer_dataset_get_source_name (data), n_rows, data->n_features,
            td.n_train, n_members, config->ensemble, healer_train_status_to_string (status),
            model->history.n_epochs, model->best_epoch,
            (g_get_monotonic_time () - run.start_us) / (double) G_USEC_PER_SEC);
    return model;
  }
}
