/* healer-mlp-private.h — what the MLP's inference, training and thread-team files share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <string.h>

#include "healer-mlp.h"
#include "healer-rng.h"

G_BEGIN_DECLS

#define HEALER_MLP_LEAKY_SLOPE  0.01f

struct _HealerMlp
{
  guint             n_sizes;
  guint            *sizes;      /* n_sizes widths, input first */
  HealerActivation  activation;
  gsize             n_params;
  float            *params;     /* per layer: weights out×in row-major, then out biases */
  gsize            *offsets;    /* n_sizes - 1: start of each layer's weights in params */
};

gboolean healer_mlp_same_shape          (const guint      *sizes_a,
                                         guint             n_a,
                                         const guint      *sizes_b,
                                         guint             n_b);

/* The kernel of the row-by-row forward pass (diagnosis): every kernel gives
 * the same bits; AVX2 is chosen where the processor has it. Tests force the
 * portable one to compare. */
typedef enum
{
  HEALER_MLP_KERNEL_PORTABLE,
  HEALER_MLP_KERNEL_AVX2,
  HEALER_MLP_KERNEL_AVX512,   /* AVX2's blocks of rows too, for the rows left over */
} HealerMlpKernel;

void            healer_mlp_set_kernel   (HealerMlpKernel  kernel);
HealerMlpKernel healer_mlp_get_kernel   (void);

/* One weight layer for @n ≥ 1 rows: out = act(in · Wᵀ + b), softmax on the last. */
void     healer_mlp_forward_layer       (const HealerMlp  *self,
                                         guint             l,
                                         const float      *in,
                                         gsize             n,
                                         float            *out);

/* For tests and benchmarks: run @ws's steps on one thread (@n_threads 1) or,
 * if it splits its batches and a second thread is available, on two,
 * whatever the work. TRUE when it then has two. Results do not change. */
gboolean healer_mlp_workspace_set_threads (HealerMlpWorkspace *ws,
                                           guint               n_threads);

/* The training step keeps its activations feature-major ("units"): unit j
 * of @n rows at z + j·@ld, so that OpenBLAS multiplies them with its small-
 * matrix kernels. z[j][i] = act(z[j][i] + b[j]) for @n_units units. */
void     healer_mlp_bias_activate_units (HealerActivation  activation,
                                         float            *z,
                                         const float      *b,
                                         guint             n_units,
                                         gsize             n,
                                         gsize             ld);
/* The same with a softmax over the units of each row (the output layer);
 * @b may be NULL when the biases were added already. */
void     healer_mlp_bias_softmax_units  (float            *z,
                                         const float      *b,
                                         guint             n_units,
                                         gsize             n,
                                         gsize             ld);

/* @d[i] *= act'(z_i), with act'(z) read from a = act(z). */
void     healer_mlp_scale_by_derivative (HealerActivation  activation,
                                         float            *d,
                                         const float      *a,
                                         gsize             count);

/* Helpers of the training step (healer-mlp-train.c) that the step shared
 * by rows (healer-mlp-rows.c) uses too. */
void     healer_mlp_draw_dropout        (float            *keep0,
                                         gsize             ld0,
                                         float            *keep1,
                                         gsize             ld1,
                                         gsize             n,
                                         gsize             split,
                                         guint             width,
                                         float             dropout,
                                         HealerRng        *rng);
void     healer_mlp_apply_dropout       (HealerActivation  activation,
                                         float            *act,
                                         float            *gate,
                                         gsize             count);
void     healer_mlp_transpose           (const float      *in,
                                         gsize             ld_in,
                                         float            *out,
                                         gsize             ld_out,
                                         gsize             rows,
                                         gsize             cols);
void     healer_mlp_unit_sums           (const float      *d,
                                         gsize             n,
                                         gsize             count,
                                         float            *sums);
double   healer_mlp_cross_entropy_add   (double            sum,
                                         const float      *proba,
                                         gsize             ld,
                                         const guint      *y,
                                         const float      *weights,
                                         gsize             count,
                                         guint             n_classes,
                                         float             smoothing);
void     healer_mlp_output_delta        (const float      *p,
                                         float            *d,
                                         gsize             ld,
                                         const guint      *y,
                                         const float      *weights,
                                         gsize             count,
                                         gsize             n,
                                         guint             n_classes,
                                         float             smoothing);

/* The share of @size items (units of a layer, rows of a batch) that part
 * @part of two owns, [*@i0, *@i1): the first half rounded up, or the rest.
 * Every division of a step's work between the two parts goes through it,
 * so that no two of them can disagree on where the halves meet. */
static inline void
healer_mlp_half (gsize  size,
                 guint  part,
                 gsize *i0,
                 gsize *i1)
{
  gsize half = (size + 1) / 2;

  *i0 = part == 0 ? 0 : half;
  *i1 = part == 0 ? half : size;
}

/* Branch-free selects. Hidden-unit signs are random, so a branch per unit
 * mispredicts about half the time (it doubled the time of a mini-batch step),
 * and GCC at -O2 neither if-converts nor vectorises float comparisons. */
static inline guint32
healer_mlp_bits (float f)
{
  guint32 u;

  memcpy (&u, &f, sizeof u);
  return u;
}

static inline float
healer_mlp_float (guint32 u)
{
  float f;

  memcpy (&f, &u, sizeof f);
  return f;
}

/* All ones when @f > +0 (or a NaN with the sign bit clear), else 0. */
static inline guint32
healer_mlp_positive_mask (float f)
{
  return -(guint32) ((gint32) healer_mlp_bits (f) > 0);
}

/* @mask ? @a : @b */
static inline float
healer_mlp_select (guint32 mask,
                   float   a,
                   float   b)
{
  guint32 ua = healer_mlp_bits (a), ub = healer_mlp_bits (b);

  return healer_mlp_float (ub ^ ((ua ^ ub) & mask));
}

/* act'(z) expressed through a = act(z), so that the pre-activations need no
 * storage; a keeps the sign of z for (leaky) ReLU. The switch is on a
 * loop-invariant value, which the branch predictor gets right every time. */
static inline float
healer_mlp_derivative (HealerActivation activation,
                       float            a)
{
  switch (activation)
    {
    case HEALER_ACTIVATION_RELU:
      return healer_mlp_select (healer_mlp_positive_mask (a), 1.0f, 0.0f);
    case HEALER_ACTIVATION_LEAKY_RELU:
      return healer_mlp_select (healer_mlp_positive_mask (a), 1.0f, HEALER_MLP_LEAKY_SLOPE);
    case HEALER_ACTIVATION_TANH:
    default:
      return 1.0f - a * a;
    }
}

/* OpenBLAS 0.3.21 multiplies without packing when M·N·K is at most this
 * (and the kernels for it exist, as on AVX-512 processors). */
#define HEALER_MLP_SMALL_GEMM  1000000.0

/* C (@m_len × @n_len, row stride @ldc) = A · B, β = 0: A is @m_len × @k_len
 * (row stride @lda), or with @trans_a its transpose is stored (@k_len ×
 * @m_len); B is @k_len × @n_len (row stride @ldb). Small products run on
 * the project's own unpacked kernel where the processor has AVX2 and FMA
 * (healer-mlp-gemm.c), the rest on OpenBLAS; which one depends on the shape
 * and the processor only. */
void     healer_mlp_gemm                (gboolean          trans_a,
                                         gsize             m_len,
                                         gsize             n_len,
                                         gsize             k_len,
                                         const float      *a,
                                         gsize             lda,
                                         const float      *b,
                                         gsize             ldb,
                                         float            *c,
                                         gsize             ldc);
/* C = act(W · B + bias), bias per row of C: W (@m_len × @k_len, row
 * stride @lda) untransposed; the same bits as healer_mlp_gemm followed by
 * healer_mlp_bias_activate_units, in one pass for (leaky) ReLU. */
void     healer_mlp_gemm_activate       (HealerActivation  activation,
                                         gsize             m_len,
                                         gsize             n_len,
                                         gsize             k_len,
                                         const float      *a,
                                         gsize             lda,
                                         const float      *b,
                                         gsize             ldb,
                                         const float      *bias,
                                         float            *c,
                                         gsize             ldc);
/* Up to how many multiply-adds a product counts as small: then the
 * training step hands it operands in the layouts healer_mlp_gemm wants. */
double   healer_mlp_gemm_small_max      (void);
/* For tests: FALSE sends every product to OpenBLAS. */
void     healer_mlp_gemm_set_native     (gboolean          native);
gboolean healer_mlp_gemm_get_native     (void);
/* For tests and probes: FALSE keeps the own kernel on 8-float vectors where
 * the processor has AVX-512 (the same bits either way). */
void     healer_mlp_gemm_set_wide       (gboolean          wide);
gboolean healer_mlp_gemm_get_wide       (void);

/* Two threads for a training step: the caller and one helper, each running
 * one of two parts of every phase, with a barrier between phases. Waits spin
 * briefly (a mini-batch step is a few hundred microseconds, a futex wake-up
 * on a VM tens of them), then sleep, so a loaded machine is not burnt. */
typedef struct _HealerMlpTeam HealerMlpTeam;

/* Enough for a training step of the deepest network (2 × 17 − 1 phases). */
#define HEALER_MLP_TEAM_MAX_PHASES  40

/* A part of a phase runs in two stages: the shared one writes what the
 * next phases read, the local one what only the same part's later stages
 * (and the caller, after the job) read. */
typedef enum
{
  HEALER_MLP_STAGE_SHARED,
  HEALER_MLP_STAGE_LOCAL,
} HealerMlpStage;

/* Runs stage @stage of part @part (0 or 1) of phase @phase of the job @data. */
typedef void (*HealerMlpPhaseFunc) (gpointer        data,
                                    guint           phase,
                                    guint           part,
                                    HealerMlpStage  stage);

/* NULL when a second thread would not help: one CPU, OpenBLAS told to use
 * one thread (OPENBLAS_NUM_THREADS=1), or the thread cannot be made. While a
 * team exists, OpenBLAS runs single-threaded: the team's two threads take
 * its place, and two callers sharing OpenBLAS's own threads would queue. */
HealerMlpTeam *healer_mlp_team_new  (void);
void           healer_mlp_team_free (HealerMlpTeam      *team);
/* Runs @n_phases phases of @func, parts 0 on the caller and 1 on the helper,
 * the shared stage of every part of a phase finishing before any part of the
 * next starts, and a part's local stage before its next shared one; returns
 * once all are done. With @team NULL, runs them in order on the caller:
 * results do not depend on the number of threads. */
void           healer_mlp_team_run  (HealerMlpTeam      *team,
                                     HealerMlpPhaseFunc  func,
                                     gpointer            data,
                                     guint               n_phases);

/* A training step shared by the rows of the batch (healer-mlp-rows.c), for
 * large split batches: each part runs the whole step for half of the rows
 * into buffers of its own, then the parts add their gradients up, each for
 * half of every layer's units, and update those. */
typedef struct _HealerMlpRows HealerMlpRows;

/* HEALER_MLP_ROWS_MIN_ROWS (healer-mlp.h): batches of at least this many
 * rows are shared by rows. */

/* Does a batch of @n rows of a network of @sizes take it? On the batch and
 * the shape alone, never on the threads, so results do not depend on them. */
gboolean       healer_mlp_rows_wanted_for (const guint        *sizes,
                                           guint               n_sizes,
                                           gsize               n);
/* Buffers for batches of up to @max_batch rows. */
HealerMlpRows *healer_mlp_rows_new       (const HealerMlp    *self,
                                          gsize               max_batch);
void           healer_mlp_rows_free      (HealerMlpRows      *rows);
/* Where the dropout factors of layer @l (1 ≤ l < L) go for a batch of @n
 * rows: part 0's rows before *@split into *@keep0, its units *@ld0 apart,
 * the others into *@keep1, *@ld1 apart. */
void           healer_mlp_rows_gates     (HealerMlpRows      *rows,
                                          guint               l,
                                          gsize               n,
                                          float             **keep0,
                                          gsize              *ld0,
                                          float             **keep1,
                                          gsize              *ld1,
                                          gsize              *split);
/* The step (with @grad NULL: the forward pass alone); returns the loss.
 * @dropped: the factors are drawn already (healer_mlp_rows_gates). */
double         healer_mlp_rows_step      (HealerMlpRows      *rows,
                                          HealerMlpTeam      *team,
                                          HealerMlp          *self,
                                          const float        *x,
                                          const guint        *y,
                                          const float        *weights,
                                          gsize               n,
                                          gboolean            dropped,
                                          float               smoothing,
                                          float              *grad,
                                          HealerMlpUpdateFunc update,
                                          gpointer            user_data);

G_END_DECLS
