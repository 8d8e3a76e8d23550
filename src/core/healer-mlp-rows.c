/* healer-mlp-rows.c — a training step for large batches, shared by rows
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "healer-mlp-private.h"

/* Why a second partition. The step of healer-mlp-train.c gives each part
 * half of the units of every layer: no weight ever moves between the cores,
 * but each core reads the other's half of every activation, partial product
 * and row-major copy once a step (about 0.8 MB at batch 256, the 200-unit
 * network of the bench) across seven barriers, and on this VM each part's
 * work grew by 12 % on two threads, all of it in the phases that read what
 * the other core had just written (bench/README.md, "Fourth pass").
 *
 * Here each part owns half of the rows of the batch and runs the whole
 * forward and backward pass for them into buffers of its own, with its own
 * full gradient; then, after the one barrier, each adds the two parts'
 * gradients for half of every layer's units (the same halves the unit
 * scheme gives, so the optimiser sees blocks of the same shape) and updates
 * them. What crosses the cores is half of the gradient (at the sum) and
 * half of the weights (read by the next forward pass), about 0.4 MB a step
 * at batch 256, with two barriers instead of seven.
 *
 * At batch 30 the same exchange of weights and gradients cost more than the
 * second core saved (bench/README.md, "what did not work"): the gradient is
 * as large at any batch, the work it is traded against grows with the rows.
 * Hence a bound on the rows, measured (HEALER_MLP_ROWS_MIN_ROWS in
 * healer-mlp-private.h).
 *
 * Results: on the project's kernel every element of a product is one FMA
 * chain over k in order whatever its tile (healer-mlp-gemm.c), so there the
 * activations have the unit scheme's bits (OpenBLAS's products need not).
 * The rest differs: the δ of a hidden layer below the last is one chain
 * over all the units above (the unit scheme adds two parts' partial
 * products), and the gradients are sums over each part's rows, then part
 * 0's plus part 1's, whoever adds them. Which scheme runs depends on the
 * batch and the shape alone, so one thread (running both parts in order)
 * gives the bits of two. */

/* Every buffer of a part starts on a cache line of its own and the parts'
 * blocks are allocated apart, so no line is written by both cores. */
#define HEALER_MLP_ROWS_LINE_FLOATS  16

/* Feature-major buffers hold the m rows of a part in @ld ≥ m floats a
 * unit, a whole number of cache lines: the kernel reads a panel of 16
 * columns of B down its rows (healer-mlp-gemm.c), one line a row when
 * they are aligned, two when they straddle (at batch 200, 100 rows a part,
 * 400 bytes apart). The columns past m are never read into a result. */
typedef struct
{
  float  *block;      /* one allocation: everything below */
  gsize   ld;         /* floats a unit in the feature-major buffers, this step */
  float  *x_units;    /* size(0) × ld: the part's input rows, feature-major */
  float **act;        /* [1..L]: size(l) × ld, after dropout; [L] the probabilities */
  float **act_rows;   /* [1..L−1]: m × size(l), the same row-major, for the
                       * weight gradients' kernel (B with its rows contiguous) */
  float **gate;       /* [1..L−1]: size(l) × ld, dropout factors, then × act′ */
  float **delta;      /* [1..L]: size(l) × ld */
  float  *grad;       /* n_params: the gradient over the part's rows. Part 0
                       * too, rather than the caller's: that one is then
                       * written in the second phase alone, each half by the
                       * core that updates it (part 0 writing the caller's
                       * measured the same) */
  gsize   r0, r1;     /* the step's rows */
} HealerMlpRowsPart;

struct _HealerMlpRows
{
  guint               n_sizes;
  HealerMlpRowsPart   part[2];

  /* The step being worked, for the phase function. */
  HealerMlp          *mlp;
  const float        *x;
  const guint        *y;
  const float        *weights;
  gsize               n;
  gboolean            dropped;
  float               smoothing;
  float              *grad;
  HealerMlpUpdateFunc update;
  gpointer            user_data;
};


gboolean
healer_mlp_rows_wanted_for (const guint *sizes,
                            guint        n_sizes,
                            gsize        n)
{
  /* Two layers at least: with the output layer alone there are no products
   * worth sharing. */
  return n_sizes >= 3 && n >= HEALER_MLP_ROWS_MIN_ROWS;
}

static gsize
healer_mlp_rows_round (gsize count)
{
  return (count + HEALER_MLP_ROWS_LINE_FLOATS - 1) / HEALER_MLP_ROWS_LINE_FLOATS *
         HEALER_MLP_ROWS_LINE_FLOATS;
}

/* Carves @count floats out of *@next. */
static float *
healer_mlp_rows_take (float **next,
                      gsize   count)
{
  float *buf = *next;

  *next += healer_mlp_rows_round (count);
  return buf;
}

static void
healer_mlp_rows_part_init (HealerMlpRowsPart *part,
                           const HealerMlp   *self,
                           gsize              max_rows)
{
  guint n_layers = self->n_sizes - 1;
  gsize m = healer_mlp_rows_round (max_rows);
  gsize total = healer_mlp_rows_round (self->sizes[0] * m) + healer_mlp_rows_round (self->n_params);
  float *next;

  for (guint l = 1; l <= n_layers; l++)
    total += 2 * healer_mlp_rows_round (self->sizes[l] * m) +
             (l < n_layers ? 2 * healer_mlp_rows_round (self->sizes[l] * m) : 0);
  part->block = g_aligned_alloc0 (total, sizeof (float), HEALER_MLP_ROWS_LINE_FLOATS * sizeof (float));
  part->act = g_new0 (float *, self->n_sizes);
  part->act_rows = g_new0 (float *, self->n_sizes);
  part->gate = g_new0 (float *, self->n_sizes);
  part->delta = g_new0 (float *, self->n_sizes);

  next = part->block;
  part->x_units = healer_mlp_rows_take (&next, self->sizes[0] * m);
  part->grad = healer_mlp_rows_take (&next, self->n_params);
  for (guint l = 1; l <= n_layers; l++)
    {
      part->act[l] = healer_mlp_rows_take (&next, self->sizes[l] * m);
      part->delta[l] = healer_mlp_rows_take (&next, self->sizes[l] * m);
      if (l < n_layers)
        {
          part->act_rows[l] = healer_mlp_rows_take (&next, self->sizes[l] * m);
          part->gate[l] = healer_mlp_rows_take (&next, self->sizes[l] * m);
        }
    }
  g_assert (next == part->block + total);
}

HealerMlpRows *
healer_mlp_rows_new (const HealerMlp *self,
                     gsize            max_batch)
{
  HealerMlpRows *rows = g_new0 (HealerMlpRows, 1);

  rows->n_sizes = self->n_sizes;
  /* Part 0 takes the odd row. */
  for (guint p = 0; p < 2; p++)
    healer_mlp_rows_part_init (&rows->part[p], self, (max_batch + 1) / 2);
  return rows;
}

void
healer_mlp_rows_free (HealerMlpRows *rows)
{
  if (rows == NULL)
    return;
  for (guint p = 0; p < 2; p++)
    {
      g_aligned_free (rows->part[p].block);
      g_free (rows->part[p].act);
      g_free (rows->part[p].act_rows);
      g_free (rows->part[p].gate);
      g_free (rows->part[p].delta);
    }
  g_free (rows);
}

void
healer_mlp_rows_gates (HealerMlpRows  *rows,
                       guint           l,
                       gsize           n,
                       float         **keep0,
                       gsize          *ld0,
                       float         **keep1,
                       gsize          *ld1,
                       gsize          *split)
{
  *split = (n + 1) / 2;
  *keep0 = rows->part[0].gate[l];
  *ld0 = healer_mlp_rows_round (*split);
  *keep1 = rows->part[1].gate[l];
  *ld1 = healer_mlp_rows_round (n - *split);
}

/* Phase 0 of part @p: the whole step for its rows, into its own buffers. */
static void
healer_mlp_rows_pass (HealerMlpRows *rows,
                      guint          p)
{
  HealerMlpRowsPart *part = &rows->part[p];
  const HealerMlp *self = rows->mlp;
  guint n_layers = self->n_sizes - 1;
  gsize m = part->r1 - part->r0, ld = part->ld;
  gsize n_in0 = self->sizes[0];
  const float *x = rows->x + part->r0 * n_in0;

  /* Forward, feature-major as in the unit scheme: W · X over the part's
   * rows, whole layers at a time. */
  healer_mlp_transpose (x, n_in0, part->x_units, ld, m, n_in0);
  for (guint l = 0; l < n_layers; l++)
    {
      gsize n_in = self->sizes[l], n_out = self->sizes[l + 1];
      const float *w = self->params + self->offsets[l];
      const float *in = l == 0 ? part->x_units : part->act[l];
      float *out = part->act[l + 1];

      if (l + 1 == n_layers)
        {
          healer_mlp_gemm (FALSE, n_out, m, n_in, w, n_in, in, ld, out, ld);
          healer_mlp_bias_softmax_units (out, w + n_in * n_out, n_out, m, ld);
          break;
        }
      healer_mlp_gemm_activate (self->activation, n_out, m, n_in, w, n_in, in, ld,
                                w + n_in * n_out, out, ld);
      /* Over the columns past m too (values no result reads): one pass */
      if (rows->dropped)
        healer_mlp_apply_dropout (self->activation, out, part->gate[l + 1], n_out * ld);
      /* Row-major for this layer's weight gradients: lines this core wrote
       * and will read again, unlike the unit scheme's copies. */
      if (rows->grad != NULL)
        healer_mlp_transpose (out, ld, part->act_rows[l + 1], n_out, n_out, m);
    }
  if (rows->grad == NULL)
    return;

  healer_mlp_output_delta (part->act[n_layers], part->delta[n_layers], ld, rows->y + part->r0,
                           rows->weights != NULL ? rows->weights + part->r0 : NULL, m, rows->n,
                           self->sizes[n_layers], rows->smoothing);
  /* Backward, layer by layer from the output: the δ of the layer below
   * (δ_l = (W_lᵀ · δ_{l+1}) ⊙ act′, ⊙ the dropout factors when dropped),
   * then this layer's weight and bias gradients over the part's rows. */
  for (guint l = n_layers; l-- > 0;)
    {
      gsize n_in = self->sizes[l], n_out = self->sizes[l + 1];
      const float *w = self->params + self->offsets[l];
      const float *d = part->delta[l + 1];
      float *gw = part->grad + self->offsets[l];

      if (l > 0)
        {
          float *dl = part->delta[l];

          healer_mlp_gemm (TRUE, n_in, m, n_out, w, n_in, d, ld, dl, ld);
          if (rows->dropped)
            {
              const float *gate = part->gate[l];

              for (gsize i = 0; i < n_in * ld; i++)
                dl[i] *= gate[i];
            }
          else
            healer_mlp_scale_by_derivative (self->activation, dl, part->act[l], n_in * ld);
        }
      /* dW = δ · A_prevᵀ, δ unit by row; A_prev row by input */
      healer_mlp_gemm (FALSE, n_out, n_in, m, d, ld, l == 0 ? x : part->act_rows[l], n_in, gw,
                       n_in);
      for (gsize j = 0; j < n_out; j++)
        healer_mlp_unit_sums (d + j * ld, m, 1, gw + n_in * n_out + j);
    }
}

/* @out[i] = @a[i] + @b[i]: part 0's share first. */
static void
healer_mlp_rows_add (float       *out,
                     const float *a,
                     const float *b,
                     gsize        count)
{
  gsize i = 0;

#if defined(__SSE2__)
  for (; i + 4 <= count; i += 4)
    _mm_storeu_ps (out + i, _mm_add_ps (_mm_loadu_ps (a + i), _mm_loadu_ps (b + i)));
#endif
  for (; i < count; i++)
    out[i] = a[i] + b[i];
}

/* Phase 1 of part @p: the gradient of its half of every layer's units (the
 * unit scheme's halves), the sum of the parts', then its update. */
static void
healer_mlp_rows_reduce (HealerMlpRows *rows,
                        guint          p)
{
  const HealerMlp *self = rows->mlp;
  const float *g0 = rows->part[0].grad, *g1 = rows->part[1].grad;

  for (guint l = self->n_sizes - 1; l-- > 0;)
    {
      gsize n_in = self->sizes[l], n_out = self->sizes[l + 1];
      gsize o0, o1, w_offset, b_offset;

      healer_mlp_half (n_out, p, &o0, &o1);
      w_offset = self->offsets[l] + o0 * n_in;
      b_offset = self->offsets[l] + n_in * n_out + o0;

      if (o1 == o0)
        continue;
      healer_mlp_rows_add (rows->grad + w_offset, g0 + w_offset, g1 + w_offset, (o1 - o0) * n_in);
      healer_mlp_rows_add (rows->grad + b_offset, g0 + b_offset, g1 + b_offset, o1 - o0);
      if (rows->update != NULL)
        {
          rows->update (rows->user_data, w_offset, (o1 - o0) * n_in, TRUE);
          rows->update (rows->user_data, b_offset, o1 - o0, FALSE);
        }
    }
}

static void
healer_mlp_rows_phase (gpointer       data,
                       guint          phase,
                       guint          part,
                       HealerMlpStage stage)
{
  HealerMlpRows *rows = data;

  /* Nothing reads a part's results before the barrier but the other part's
   * next phase, so all of it is the shared stage. */
  if (stage != HEALER_MLP_STAGE_SHARED)
    return;
  if (phase == 0)
    healer_mlp_rows_pass (rows, part);
  else
    healer_mlp_rows_reduce (rows, part);
}

double
healer_mlp_rows_step (HealerMlpRows      *rows,
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
                      gpointer            user_data)
{
  guint n_layers = self->n_sizes - 1;
  guint n_classes = self->sizes[n_layers];
  double sum = 0.0;

  g_return_val_if_fail (n >= 2 && self->n_sizes == rows->n_sizes, NAN);

  rows->mlp = self;
  rows->x = x;
  rows->y = y;
  rows->weights = weights;
  rows->n = n;
  rows->dropped = dropped;
  rows->smoothing = smoothing;
  rows->grad = grad;
  rows->update = update;
  rows->user_data = user_data;
  healer_mlp_half (n, 0, &rows->part[0].r0, &rows->part[0].r1);
  healer_mlp_half (n, 1, &rows->part[1].r0, &rows->part[1].r1);
  for (guint p = 0; p < 2; p++)
    rows->part[p].ld = healer_mlp_rows_round (rows->part[p].r1 - rows->part[p].r0);

  healer_mlp_team_run (team, healer_mlp_rows_phase, rows, grad != NULL ? 2 : 1);

  /* The loss as the unit scheme computes it: row after row, part 0's rows
   * first. */
  for (guint p = 0; p < 2; p++)
    {
      const HealerMlpRowsPart *part = &rows->part[p];
      gsize m = part->r1 - part->r0;

      sum = healer_mlp_cross_entropy_add (sum, part->act[n_layers], part->ld, y + part->r0,
                                          weights != NULL ? weights + part->r0 : NULL, m,
                                          n_classes, smoothing);
    }
  rows->mlp = NULL;
  return sum / (double) n;
}
