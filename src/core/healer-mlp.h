/* healer-mlp.h — multilayer perceptron: parameters, forward and backward passes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Training batches of at least this many rows (with a hidden layer) are
 * shared between the two threads by rows, each with buffers and a gradient
 * of its own (healer-mlp-rows.c); public for the trainer's memory estimate.
 * Measured from 32 to 512 rows on the bench's 105-200-200-200-6 network,
 * where 88 rows and fewer lost and 96 broke even (bench/README.md, "Fifth
 * pass"); larger batches were not measured. */
#define HEALER_MLP_ROWS_MIN_ROWS  128

typedef enum
{
  HEALER_ACTIVATION_RELU,
  HEALER_ACTIVATION_LEAKY_RELU,   /* slope 0.01 below zero */
  HEALER_ACTIVATION_TANH,
} HealerActivation;

const char *healer_activation_to_string   (HealerActivation act);
gboolean    healer_activation_from_string (const char *str, HealerActivation *act);

/* Opaque: GSL stays inside the core's .c files. All parameters live in one
 * contiguous float array (layer by layer: weights out×in row-major, then
 * biases) so optimisers and checksums walk a single block. */
typedef struct _HealerMlp HealerMlp;
typedef struct _HealerMlpWorkspace HealerMlpWorkspace;

/* Checks a shape before anything is allocated (e.g. read from a file): TRUE
 * when @n_sizes ≥ 2, every width is in 1..G_MAXINT and the parameter count
 * fits in memory arithmetic; stores that count in @n_params (may be NULL). */
gboolean    healer_mlp_count_params   (const guint      *sizes,
                                       guint             n_sizes,
                                       gsize            *n_params);

/* @sizes: n_sizes ≥ 2 layer widths, input first, classes last.
 * Weights are initialised (He for ReLU-like, Glorot for tanh) from @seed. */
HealerMlp  *healer_mlp_new            (const guint      *sizes,
                                       guint             n_sizes,
                                       HealerActivation  activation,
                                       guint64           seed);
/* Takes a copy of @params (@n_params must match the shape), drawing nothing:
 * for loading a model file. */
HealerMlp  *healer_mlp_new_with_params (const guint      *sizes,
                                        guint             n_sizes,
                                        HealerActivation  activation,
                                        const float      *params,
                                        gsize             n_params);
HealerMlp  *healer_mlp_copy           (const HealerMlp  *self);
void        healer_mlp_free           (HealerMlp        *self);
/* Copies parameters from @src, which must have the same shape. */
void        healer_mlp_copy_params    (HealerMlp        *self,
                                       const HealerMlp  *src);

guint       healer_mlp_get_n_layers   (const HealerMlp  *self);   /* weight layers = n_sizes - 1 */
guint       healer_mlp_get_size       (const HealerMlp  *self,
                                       guint             i);      /* width of layer i, 0 = input */
guint       healer_mlp_get_n_inputs   (const HealerMlp  *self);
guint       healer_mlp_get_n_outputs  (const HealerMlp  *self);
HealerActivation healer_mlp_get_activation (const HealerMlp *self);
gsize       healer_mlp_get_n_params   (const HealerMlp  *self);
float      *healer_mlp_get_params     (HealerMlp        *self);   /* n_params floats */
/* Layer @l (0-based): weights are size(l+1) × size(l), row-major. */
float      *healer_mlp_get_weights    (HealerMlp        *self,
                                       guint             l);
float      *healer_mlp_get_biases     (HealerMlp        *self,
                                       guint             l);

/* Class probabilities (softmax) for @n rows of @x (n × n_inputs) into @proba
 * (n × n_outputs). Thread-safe for concurrent callers; works in chunks. */
void        healer_mlp_predict_proba  (const HealerMlp  *self,
                                       const float      *x,
                                       gsize             n,
                                       float            *proba);
/* The same probabilities with each row computed on its own, in one fixed
 * order, so a row's result does not depend on the other rows passed with
 * it: diagnoses use this, and give the same bits whatever the chunk size.
 * Slower than the BLAS path on wide layers, equal on the usual ones. */
void        healer_mlp_predict_proba_rowwise (const HealerMlp *self,
                                              const float     *x,
                                              gsize            n,
                                              float           *proba);
/* The same prediction in two steps, for permutation importance, which
 * changes one input at a time: the first layer's sums before its biases
 * (@n × size(1) into @z), then the rest of the network from them (@z is
 * overwritten). On the sums of healer_mlp_first_sums, predict_from_sums
 * gives the very bits of healer_mlp_predict_proba_rowwise. */
void        healer_mlp_first_sums     (const HealerMlp  *self,
                                       const float      *x,
                                       gsize             n,
                                       float            *z);
/* @z (n × size(1) first-layer sums) with input @input changed by @delta[i]
 * in row i: z[i][u] += w[u][input] · delta[i], in double and rounded once,
 * so the sums differ from a full recomputation by rounding only. */
void        healer_mlp_first_sums_add (const HealerMlp  *self,
                                       float            *z,
                                       gsize             n,
                                       guint             input,
                                       const double     *delta);
void        healer_mlp_predict_from_sums (const HealerMlp *self,
                                          float          *z,
                                          gsize           n,
                                          float          *proba);
/* Activations of the last hidden layer (n × size(n_layers-1)), for projections.
 * Thread-safe like predict_proba; without hidden layers it copies @x. */
void        healer_mlp_last_hidden    (const HealerMlp  *self,
                                       const float      *x,
                                       gsize             n,
                                       float            *out);

/* Training primitives. A workspace holds the activations of up to
 * @max_batch rows; one per thread (it may own a helper thread of its own). */
HealerMlpWorkspace *healer_mlp_workspace_new  (const HealerMlp *self,
                                               gsize            max_batch);
void                healer_mlp_workspace_free (HealerMlpWorkspace *ws);
/* Label smoothing ε in [0, 1) for healer_mlp_loss_grad with this workspace:
 * the target of a row becomes (1 − ε) on its class plus ε / n_classes on
 * every class, instead of the one-hot. 0 (the default) is plain one-hot. */
void                healer_mlp_workspace_set_label_smoothing (HealerMlpWorkspace *ws,
                                                              float               smoothing);

/* Mean weighted cross-entropy of the batch (against the workspace's targets,
 * see healer_mlp_workspace_set_label_smoothing) and, when @grad is not NULL,
 * its gradient with respect to every parameter (n_params floats, overwritten).
 * @y: class indices; @weights: per-row loss weights or NULL for 1.
 * @dropout: probability of dropping a hidden unit (inverted dropout), using
 * @rng_state (a 64-bit state advanced by every call; may be NULL when
 * @dropout is 0) for the masks. 1 ≤ @n ≤ the workspace's max_batch; the
 * workspace must come from an MLP of the same shape. Allocates nothing. */
double      healer_mlp_loss_grad      (HealerMlp          *self,
                                       HealerMlpWorkspace *ws,
                                       const float        *x,
                                       const guint        *y,
                                       const float        *weights,
                                       gsize               n,
                                       float               dropout,
                                       guint64            *rng_state,
                                       float              *grad);

/* Called by healer_mlp_train_step once the gradient of the @count
 * parameters from @offset (into the parameter array) is final: @is_weight
 * tells weights from biases. The calls cover every parameter once, in
 * disjoint ranges, and may come from two threads at once; the parameters
 * of a range may be updated in the call, as the step reads them no more. */
typedef void (*HealerMlpUpdateFunc) (gpointer user_data,
                                     gsize    offset,
                                     gsize    count,
                                     gboolean is_weight);

/* healer_mlp_loss_grad, with @update (may be NULL) called for each range of
 * parameters as its gradient becomes final, so an optimiser can update
 * them while the step is still working on the others. Mini-batches run on
 * two threads when there are two CPUs; their results are the same with one,
 * and with any number of OpenBLAS threads. */
double      healer_mlp_train_step     (HealerMlp          *self,
                                       HealerMlpWorkspace *ws,
                                       const float        *x,
                                       const guint        *y,
                                       const float        *weights,
                                       gsize               n,
                                       float               dropout,
                                       guint64            *rng_state,
                                       float              *grad,
                                       HealerMlpUpdateFunc update,
                                       gpointer            user_data);

/* Gradient of log p(class | x) with respect to the input row @x (n_inputs
 * floats), without dropout. Thread-safe. */
void        healer_mlp_input_gradient (const HealerMlp  *self,
                                       const float      *x,
                                       guint             klass,
                                       float            *grad_out);

/* Ends the worker threads OpenBLAS started when it loaded, which otherwise
 * spin for about a tenth of a second at a program's start (OpenBLAS's own
 * threads on Linux; nothing elsewhere or without OpenBLAS). Setting its
 * thread count or a product on several threads starts them again: for a
 * program that multiplies without BLAS, before its other threads exist. */
void        healer_blas_park_threads  (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerMlp, healer_mlp_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerMlpWorkspace, healer_mlp_workspace_free)

G_END_DECLS
