/* healer-mlp-train.c — a mini-batch step of the MLP: loss, gradients and update
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#include <xmmintrin.h>
#endif

#include "healer-metrics.h"
#include "healer-mlp-private.h"
#include "healer-rng.h"

#define HEALER_MLP_LOG_CLAMP    1e-12

/* Mini-batches of up to this many rows are worked in two parts, one per
 * thread: at 30 rows the products are 30 × 200 × 200, too small for
 * OpenBLAS to share between its threads well (it reached 40 % of the sgemm
 * peak), and the per-step optimiser pass over every parameter ran on one
 * core. At 200–256 rows OpenBLAS's two threads did no better than one
 * (108 GFLOP/s, 47 % of the two cores' peak): each product is handed to its
 * worker and back, and the optimiser still ran on one core, while the parts
 * need a handful of barriers a step for products twice as large. Batches
 * of any size are split so (larger ones by rows, healer-mlp-rows.c): until
 * 2026-12-07 those above 4096 rows were worked whole by OpenBLAS's own
 * threads, whose AVX2 kernels made the weights depend on how many there
 * were (probe6: --batch-size 4097 on 5000 rows, OPENBLAS_NUM_THREADS=1
 * and 2 gave two models). Split, each part's products run on one OpenBLAS
 * thread whatever the team, so the bits are those of one thread. */
/* Below this many rows × parameters per step the work does not pay for
 * handing half of it to a second thread. Affects speed, never results. */
#define HEALER_MLP_TEAM_MIN_WORK    (1u << 18)

/* How a step of fewer than HEALER_MLP_ROWS_MIN_ROWS rows is shared (larger
 * ones: see the end of this comment): each of two parts owns half of the
 * units of every layer, with their weights, biases and optimiser state,
 * which no other part reads or writes, so they stay in one core's cache
 * (sharing the rows of a batch of 30 instead, each core read all the
 * weights the other had just updated: moving those cache lines between the
 * cores cost more than the second core saved). A part computes its units' outputs for every row, and for the
 * backward pass its share of δ·W, which the owners of the lower layer's
 * units add up. Phases, with the shared stage of every part of one finished
 * before the next starts (see healer-mlp-team.c):
 *
 *   0 … L−2     forward through layer l = phase, for the part's units of
 *               layer l+1 (local stage: their row-major copy)
 *   L−1         the output layer for every row, by each part (part 1 into
 *               copies of its own): its forward product, softmax and δ, and
 *               from it the whole δ of the part's units of the last hidden
 *               layer (a product over the few classes, so no partial
 *               products and no phase of their own to add them up). The
 *               output layer is a few hundredths of the step's work; split
 *               by rows, each part wrote half of every hidden unit's δ row,
 *               cache lines the other part wrote too and read in the next
 *               phase
 *   L … 2L−2    backward through layer l = 2L − 2 − phase: the part's units
 *               of layer l+1 get their δ (adding the partial products of the
 *               phase before, but in phase L, which has it whole) and their
 *               share of δ·W towards layer l; in the local stage their weight
 *               gradients, which go to the optimiser at once, and in phase L
 *               also those of the part's units of the output layer
 *
 * Every phase ends at a barrier, a few microseconds a step at batch 30:
 * folding the output layer into one phase saves two of them (there were
 * 2L + 1 phases), at no cost, as its products are tiny.
 *
 * Activations and gradients are kept feature-major: unit j of the batch's n
 * rows at j·n, so the forward products are W · X (n columns), whose B
 * operand has its rows contiguous: what the project's own kernel for small
 * products (healer_mlp_gemm: AVX2 and FMA or AVX-512, no packing) and OpenBLAS's
 * small-matrix kernels (AVX-512 only) want, where X · Wᵀ would be packed
 * first (30 × 200 × 200 took twice as long). For the same reason the weight
 * gradients of split batches want the activations row-major: each part also
 * writes its units' outputs transposed, into @act_rows. Products above the
 * small bound (healer_mlp_gemm_small_max: with OpenBLAS alone, the weight
 * gradients at batch 256) are packed into OpenBLAS's buffers whatever the
 * layout, so there the transposed copy would be work for nothing (4 % of a
 * step at batch 256), and whole batches are big enough for the packing to
 * pay: both use the feature-major activations as they are.
 *
 * Batches of HEALER_MLP_ROWS_MIN_ROWS rows or more are shared by rows
 * instead (healer-mlp-rows.c): there the activations and partial products
 * that the unit scheme hands between the cores outweigh the gradients and
 * weights that sharing by rows hands over, which cost the same at any
 * batch size. */
struct _HealerMlpWorkspace
{
  gsize           max_batch;
  gsize           unit_max;   /* rows the buffers below hold: max_batch, or fewer
                               * when larger batches are shared by rows */
  guint           n_sizes;
  guint          *sizes;      /* shape it was built for; any MLP of that shape may use it */
  float          *x_units[2]; /* per part, size(0) × n: the input, feature-major */
  float         **act;        /* [1..n_layers]: size(l) × n layer outputs (after dropout) */
  float         **act_rows;   /* [1..n_layers-1]: n × size(l), the same row-major;
                               * only when @split */
  float         **partial[2]; /* per part, [1..n_layers-1]: size(l) × n, its share of
                               * W_lᵀ · δ_{l+1} */
  float         **gate;       /* [1..n_layers-1]: size(l) × n, the dropout factors drawn
                               * for the units, then act'(z) × those (0 where dropped) */
  float         **delta;      /* [1..n_layers]: size(l) × n, loss gradient with respect
                               * to layer l's pre-activations */
  float          *out_copy;   /* only when @split: part 1's copies of the output layer's */
  float          *delta_out_copy; /* probabilities and δ, size(L) × n */
  /* Units (and the rows of the softmax) are cut in two parts whenever
   * max_batch allows it, with or without a second thread to run them: the
   * parts, hence the results, depend on the batch alone. Otherwise part 0
   * owns everything and part 1 nothing. */
  gboolean        split;
  HealerMlpTeam  *team;       /* NULL: the caller runs both parts */
  HealerMlpRows  *rows;       /* buffers of the step shared by rows, for batches that
                               * take it (healer-mlp-rows.c); NULL when none can */
  float           smoothing;  /* label smoothing of the loss, 0 = plain one-hot targets */

  /* The step being worked, for the phase functions. */
  HealerMlp          *mlp;
  const float        *x;
  const guint        *y;
  const float        *weights;
  gsize               n;
  gboolean            dropped;
  float              *grad;
  HealerMlpUpdateFunc update;
  gpointer            user_data;
};

static float **
healer_mlp_layer_buffers (const HealerMlp *self,
                          gsize            max_batch,
                          guint            first,
                          guint            last)
{
  float **bufs = g_new0 (float *, self->n_sizes);

  for (guint l = first; l <= last; l++)
    bufs[l] = g_new (float, max_batch * self->sizes[l]);
  return bufs;
}

static void
healer_mlp_layer_buffers_free (float **bufs,
                               guint   n_sizes)
{
  if (bufs == NULL)
    return;
  for (guint l = 0; l < n_sizes; l++)
    g_free (bufs[l]);
  g_free (bufs);
}

HealerMlpWorkspace *
healer_mlp_workspace_new (const HealerMlp *self,
                          gsize            max_batch)
{
  HealerMlpWorkspace *ws;
  guint n_layers;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (max_batch > 0 && max_batch <= G_MAXINT, NULL);

  n_layers = self->n_sizes - 1;
  ws = g_new0 (HealerMlpWorkspace, 1);
  ws->max_batch = max_batch;
  ws->n_sizes = self->n_sizes;
  ws->sizes = g_memdup2 (self->sizes, self->n_sizes * sizeof (guint));
  ws->split = max_batch >= 2;
  if (ws->split && healer_mlp_rows_wanted_for (self->sizes, self->n_sizes, max_batch))
    {
      /* Batches of HEALER_MLP_ROWS_MIN_ROWS rows or more go to the step
       * shared by rows, with buffers of its own: this one's are for the
       * smaller ones (a last, short batch) alone. Sized for max_batch they
       * were up to 400 MB at 4096 rows of a 2000-2000 network, allocated
       * for nothing, which the trainer's memory check counted. */
      ws->rows = healer_mlp_rows_new (self, max_batch);
      ws->unit_max = MIN (max_batch, HEALER_MLP_ROWS_MIN_ROWS - 1);
    }
  else
    ws->unit_max = max_batch;
  ws->act = healer_mlp_layer_buffers (self, ws->unit_max, 1, n_layers);
  ws->gate = healer_mlp_layer_buffers (self, ws->unit_max, 1, n_layers - 1);
  ws->delta = healer_mlp_layer_buffers (self, ws->unit_max, 1, n_layers);
  /* Part 1 owns nothing in a whole batch. */
  for (guint part = 0; part < (ws->split ? 2 : 1); part++)
    {
      ws->x_units[part] = g_new (float, ws->unit_max * self->sizes[0]);
      ws->partial[part] = healer_mlp_layer_buffers (self, ws->unit_max, 1, n_layers - 1);
    }
  if (ws->split)
    {
      ws->act_rows = healer_mlp_layer_buffers (self, ws->unit_max, 1, n_layers - 1);
      ws->out_copy = g_new (float, ws->unit_max * self->sizes[n_layers]);
      ws->delta_out_copy = g_new (float, ws->unit_max * self->sizes[n_layers]);
    }

  if (ws->split && (double) max_batch * (double) self->n_params >= HEALER_MLP_TEAM_MIN_WORK)
    ws->team = healer_mlp_team_new ();
  return ws;
}

gboolean
healer_mlp_workspace_set_threads (HealerMlpWorkspace *ws,
                                  guint               n_threads)
{
  g_return_val_if_fail (ws != NULL, FALSE);

  if (n_threads < 2)
    g_clear_pointer (&ws->team, healer_mlp_team_free);
  else if (ws->team == NULL && ws->split)
    ws->team = healer_mlp_team_new ();
  return ws->team != NULL;
}

void
healer_mlp_workspace_set_label_smoothing (HealerMlpWorkspace *ws,
                                          float               smoothing)
{
  g_return_if_fail (ws != NULL);
  g_return_if_fail (smoothing >= 0.0f && smoothing < 1.0f);

  ws->smoothing = smoothing;
}

void
healer_mlp_workspace_free (HealerMlpWorkspace *ws)
{
  if (ws == NULL)
    return;
  healer_mlp_team_free (ws->team);
  healer_mlp_rows_free (ws->rows);
  healer_mlp_layer_buffers_free (ws->act, ws->n_sizes);
  healer_mlp_layer_buffers_free (ws->gate, ws->n_sizes);
  healer_mlp_layer_buffers_free (ws->delta, ws->n_sizes);
  for (guint part = 0; part < 2; part++)
    {
      healer_mlp_layer_buffers_free (ws->partial[part], ws->n_sizes);
      g_free (ws->x_units[part]);
    }
  healer_mlp_layer_buffers_free (ws->act_rows, ws->n_sizes);
  g_free (ws->out_copy);
  g_free (ws->delta_out_copy);
  g_free (ws->sizes);
  g_free (ws);
}

/* Do the weight gradients of layer @l (1 ≤ l < L) of this step read the
 * activations of layer l row-major, from @act_rows? When the product is
 * small enough to run unpacked: then row-major is the layout its kernels
 * want. The bound depends on the processor alone (healer-mlp-gemm.c), so
 * the layout, hence the results, never depend on the thread count. */
static inline gboolean
healer_mlp_rows_wanted (const HealerMlpWorkspace *ws,
                        guint                     l)
{
  gsize units = (ws->sizes[l + 1] + 1) / 2;

  return ws->split && ws->grad != NULL &&
         (double) units * (double) ws->sizes[l] * (double) ws->n <= healer_mlp_gemm_small_max ();
}

/* The units [*@u0, *@u1) of a layer of @size units (or rows of a batch)
 * that part @part owns. */
static inline void
healer_mlp_own (const HealerMlpWorkspace *ws,
                gsize                     size,
                guint                     part,
                gsize                    *u0,
                gsize                    *u1)
{
  if (ws->split)
    healer_mlp_half (size, part, u0, u1);
  else
    {
      *u0 = part == 0 ? 0 : size;
      *u1 = size;
    }
}

/* Inverted dropout: the factor of each unit of the @n rows, 0 (dropped) or
 * 1 / (1 − @dropout), feature-major (@width units): rows before @split into
 * @keep0 (units @ld0 apart), the others into @keep1 (@ld1 apart), so that
 * each part of a step shared by rows gets its own block. Drawn on the
 * calling thread, layer after layer and row after row, so the masks do not
 * depend on how the rows are shared out. */
void
healer_mlp_draw_dropout (float     *keep0,
                         gsize      ld0,
                         float     *keep1,
                         gsize      ld1,
                         gsize      n,
                         gsize      split,
                         guint      width,
                         float      dropout,
                         HealerRng *rng)
{
  /* One 64-bit draw decides two units; dropout < 1 keeps this below 2³². */
  guint32 threshold = (guint32) ldexp ((double) dropout, 32);
  guint32 scale_bits = healer_mlp_bits (1.0f / (1.0f - dropout));
  guint64 bits = 0;
  gsize i = 0;

  for (gsize r = 0; r < n; r++)
    {
      float *keep = r < split ? keep0 + r : keep1 + (r - split);
      gsize ld = r < split ? ld0 : ld1;

      for (guint j = 0; j < width; j++, i++)
        {
          guint32 u;

          if ((i & 1) == 0)
            bits = healer_rng_next (rng);
          u = (guint32) (bits >> ((i & 1) ? 0 : 32));
          keep[j * ld] = healer_mlp_float (scale_bits & -(guint32) (u >= threshold));
        }
    }
}

/* Applies the drawn factors in @gate to @count activations, leaving in
 * @gate the scaled derivative, so backprop needs neither mask nor
 * pre-dropout values. The derivative needs the activations before scaling
 * (tanh: 1 − a²). */
void
healer_mlp_apply_dropout (HealerActivation  activation,
                          float            *act,
                          float            *gate,
                          gsize             count)
{
  for (gsize i = 0; i < count; i++)
    {
      float keep = gate[i];

      gate[i] = keep * healer_mlp_derivative (activation, act[i]);
      act[i] *= keep;
    }
}

/* out[i][j] = in[j][i]: a @rows × @cols block (row stride @ld_in) into a
 * @cols × @rows one (row stride @ld_out). Four by four with SSE2: the
 * training step transposes every activation it keeps, and element by
 * element that was a tenth of the step's time outside BLAS. */
void
healer_mlp_transpose (const float *in,
                      gsize        ld_in,
                      float       *out,
                      gsize        ld_out,
                      gsize        rows,
                      gsize        cols)
{
  gsize j = 0;

#if defined(__SSE2__)
  for (; j + 4 <= rows; j += 4)
    {
      gsize i = 0;

      for (; i + 4 <= cols; i += 4)
        {
          __m128 r0 = _mm_loadu_ps (in + j * ld_in + i);
          __m128 r1 = _mm_loadu_ps (in + (j + 1) * ld_in + i);
          __m128 r2 = _mm_loadu_ps (in + (j + 2) * ld_in + i);
          __m128 r3 = _mm_loadu_ps (in + (j + 3) * ld_in + i);

          _MM_TRANSPOSE4_PS (r0, r1, r2, r3);
          _mm_storeu_ps (out + i * ld_out + j, r0);
          _mm_storeu_ps (out + (i + 1) * ld_out + j, r1);
          _mm_storeu_ps (out + (i + 2) * ld_out + j, r2);
          _mm_storeu_ps (out + (i + 3) * ld_out + j, r3);
        }
      for (; i < cols; i++)
        for (gsize k = j; k < j + 4; k++)
          out[i * ld_out + k] = in[k * ld_in + i];
    }
#endif
  for (; j < rows; j++)
    {
      const float *src = in + j * ld_in;

      for (gsize i = 0; i < cols; i++)
        out[i * ld_out + j] = src[i];
    }
}

/* Sums of each of the @count units of @d (feature-major, @n values each),
 * accumulated in double, into @sums. Along the rows of a unit, which are
 * contiguous: eight rows at a time into eight running sums (row i into sum
 * i mod 8), added up in a fixed order at the end, so the additions do not
 * wait on each other and every unit's sum has the same bits whatever runs
 * it. (Eight units at a time, each with one sequential sum, read the rows
 * a unit apart and took 4 % of a step at batch 256.) */
void
healer_mlp_unit_sums (const float *d,
                      gsize        n,
                      gsize        count,
                      float       *sums)
{
  for (gsize j = 0; j < count; j++)
    {
      const float *dj = d + j * n;
      double sum = 0.0;
      gsize i = 0;

#if defined(__SSE2__)
      {
        __m128d acc[4] = { _mm_setzero_pd (), _mm_setzero_pd (), _mm_setzero_pd (),
                           _mm_setzero_pd () };
        double pair[2];

        for (; i + 8 <= n; i += 8)
          {
            __m128 lo = _mm_loadu_ps (dj + i), hi = _mm_loadu_ps (dj + i + 4);

            acc[0] = _mm_add_pd (acc[0], _mm_cvtps_pd (lo));
            acc[1] = _mm_add_pd (acc[1], _mm_cvtps_pd (_mm_movehl_ps (lo, lo)));
            acc[2] = _mm_add_pd (acc[2], _mm_cvtps_pd (hi));
            acc[3] = _mm_add_pd (acc[3], _mm_cvtps_pd (_mm_movehl_ps (hi, hi)));
          }
        _mm_storeu_pd (pair, _mm_add_pd (_mm_add_pd (acc[0], acc[1]),
                                         _mm_add_pd (acc[2], acc[3])));
        sum = pair[0] + pair[1];
      }
#endif
      for (; i < n; i++)
        sum += dj[i];
      sums[j] = (float) sum;
    }
}

/* The weighted cross-entropy of @count rows against the targets (1 −
 * @smoothing) on the row's class plus @smoothing / n_classes on every
 * class, subtracted from @sum row after row (so that rows given in two
 * blocks, one call each, sum as in one call); the caller divides by n.
 * @proba: feature-major, class by row, @ld apart. */
double
healer_mlp_cross_entropy_add (double       sum,
                              const float *proba,
                              gsize        ld,
                              const guint *y,
                              const float *weights,
                              gsize        count,
                              guint        n_classes,
                              float        smoothing)
{
  for (gsize i = 0; i < count; i++)
    {
      double p = proba[y[i] * ld + i];
      double w = weights != NULL ? weights[i] : 1.0;
      double all = 0.0;

      /* Written so that NaN passes through: divergence must stay visible. */
      if (p < HEALER_MLP_LOG_CLAMP)
        p = HEALER_MLP_LOG_CLAMP;
      if (smoothing == 0.0f)
        {
          sum -= w * log (p);
          continue;
        }

      for (guint j = 0; j < n_classes; j++)
        {
          double q = proba[j * ld + i];

          if (q < HEALER_MLP_LOG_CLAMP)
            q = HEALER_MLP_LOG_CLAMP;
          all += log (q);
        }
      sum -= w * ((1.0 - smoothing) * log (p) + smoothing / n_classes * all);
    }
  return sum;
}

/* The output δ of @count rows: dL/dz = w_i (p − t) / @n, t the target: the
 * one-hot of y, or with smoothing ε, (1 − ε) · onehot(y) + ε / n_classes.
 * @p and @d feature-major, @ld apart; @y and @weights those of the rows. */
void
healer_mlp_output_delta (const float *p,
                         float       *d,
                         gsize        ld,
                         const guint *y,
                         const float *weights,
                         gsize        count,
                         gsize        n,
                         guint        n_classes,
                         float        smoothing)
{
  for (gsize i = 0; i < count; i++)
    {
      float s = (float) ((weights != NULL ? weights[i] : 1.0) / (double) n);

      if (smoothing == 0.0f)
        {
          for (guint j = 0; j < n_classes; j++)
            d[j * ld + i] = p[j * ld + i] * s;
          d[y[i] * ld + i] -= s;
        }
      else
        {
          float spread = smoothing / (float) n_classes;

          for (guint j = 0; j < n_classes; j++)
            d[j * ld + i] = (p[j * ld + i] - spread) * s;
          d[y[i] * ld + i] -= (1.0f - smoothing) * s;
        }
    }
}

/* Forward through layer @l for the part's units of layer l+1, all rows;
 * their row-major copy in the local stage. */
static void
healer_mlp_forward_units (HealerMlpWorkspace *ws,
                          guint               l,
                          guint               part,
                          HealerMlpStage      stage)
{
  const HealerMlp *self = ws->mlp;
  gsize n = ws->n;
  guint n_layers = self->n_sizes - 1;
  gsize n_in = self->sizes[l];
  gsize n_out = self->sizes[l + 1];
  const float *in = l == 0 ? ws->x_units[part] : ws->act[l];
  const float *w = self->params + self->offsets[l];
  const float *b = w + n_in * n_out;
  float *out = ws->act[l + 1];
  gsize u0, u1;

  healer_mlp_own (ws, n_out, part, &u0, &u1);
  if (u1 == u0)
    return;
  if (stage == HEALER_MLP_STAGE_LOCAL)
    {
      /* The weight gradients of layer l+1 will want these row-major; only
       * the backward phases read them, two or more phases from now. */
      if (l + 1 < n_layers && healer_mlp_rows_wanted (ws, l + 1))
        healer_mlp_transpose (out + u0 * n, n, ws->act_rows[l + 1] + u0, n_out, u1 - u0, n);
      return;
    }

  if (l == 0 && (double) (u1 - u0) * (double) n_in * (double) n > healer_mlp_gemm_small_max ())
    {
      gsl_matrix_float_const_view w_view =
        gsl_matrix_float_const_view_array (w + u0 * n_in, u1 - u0, n_in);
      gsl_matrix_float_view out_view = gsl_matrix_float_view_array (out + u0 * n, u1 - u0, n);
      gsl_matrix_float_const_view x_view = gsl_matrix_float_const_view_array (ws->x, n, n_in);

      /* Z = W · Xᵀ from the rows as they are: OpenBLAS packs it anyway */
      gsl_blas_sgemm (CblasNoTrans, CblasTrans, 1.0f, &w_view.matrix, &x_view.matrix,
                      0.0f, &out_view.matrix);
      healer_mlp_bias_activate_units (self->activation, out + u0 * n, b + u0, u1 - u0, n, n);
    }
  else
    {
      /* Feature-major input for the small-matrix kernels: a copy per
       * part, made in parallel rather than by the caller while the helper
       * waits. */
      if (l == 0)
        healer_mlp_transpose (ws->x, n_in, ws->x_units[part], n, n, n_in);
      /* Z = act(W · A_prev + b), unit by row */
      healer_mlp_gemm_activate (self->activation, u1 - u0, n, n_in, w + u0 * n_in, n_in, in, n,
                                b + u0, out + u0 * n, n);
    }
  if (ws->dropped)
    healer_mlp_apply_dropout (self->activation, out + u0 * n, ws->gate[l + 1] + u0 * n,
                              (u1 - u0) * n);
}

/* The output layer for the part's rows: its product, bias and softmax and,
 * when gradients are wanted, the output δ: dL/dz = w_i (p − t) / n, t the
 * target: the one-hot of y, or with smoothing ε, (1 − ε) · onehot(y) +
 * ε / n_classes; then the δ of the last hidden layer for those rows. */
static void
healer_mlp_output_rows (HealerMlpWorkspace *ws,
                        guint               part)
{
  const HealerMlp *self = ws->mlp;
  gsize n = ws->n;
  guint n_layers = self->n_sizes - 1;
  guint l = n_layers - 1;
  gsize n_in = self->sizes[l];
  guint n_classes = self->sizes[n_layers];
  const float *w = self->params + self->offsets[l];
  const float *in = l == 0 ? ws->x_units[part] : ws->act[l];
  float *p = part == 0 ? ws->act[n_layers] : ws->out_copy;
  float *d = part == 0 ? ws->delta[n_layers] : ws->delta_out_copy;
  gsize u0, u1;

  /* Part 1 works only for the gradients, and only in a split batch. */
  if (part == 1 && (!ws->split || ws->grad == NULL))
    return;
  if (l == 0)
    healer_mlp_transpose (ws->x, n_in, ws->x_units[part], n, n, n_in);

  /* Z = W · A_prev, class by row */
  healer_mlp_gemm (FALSE, n_classes, n, n_in, w, n_in, in, n, p, n);
  healer_mlp_bias_softmax_units (p, w + n_in * n_classes, n_classes, n, n);
  if (ws->grad == NULL)
    return;

  healer_mlp_output_delta (p, d, n, ws->y, ws->weights, n, n, n_classes, ws->smoothing);
  if (l == 0)
    return;

  /* δ_l = (W_lᵀ · δ_L) ⊙ act'(z_l), and ⊙ the dropout factors when dropped,
   * for the part's units of layer l: those it reads in the next phase */
  healer_mlp_own (ws, n_in, part, &u0, &u1);
  if (u1 == u0)
    return;
  healer_mlp_gemm (TRUE, u1 - u0, n, n_classes, w + u0, n_in, d, n, ws->delta[l] + u0 * n, n);
  if (ws->dropped)
    {
      float *dl = ws->delta[l] + u0 * n;
      const float *gate = ws->gate[l] + u0 * n;

      for (gsize i = 0; i < (u1 - u0) * n; i++)
        dl[i] *= gate[i];
    }
  else
    {
      healer_mlp_scale_by_derivative (self->activation, ws->delta[l] + u0 * n,
                                      ws->act[l] + u0 * n, (u1 - u0) * n);
    }
}

/* δ of the part's units of layer @l (1 ≤ l < L) from the partial products
 * of the phase before: (Σ W_lᵀ · δ_{l+1}) ⊙ act'(z_l), and ⊙ the dropout
 * factors when dropped. Part 0's share comes first, whoever adds them. */
static void
healer_mlp_delta_units (HealerMlpWorkspace *ws,
                        guint               l,
                        guint               part)
{
  const HealerMlp *self = ws->mlp;
  gsize n = ws->n;
  gsize u0, u1, o0, o1;
  gboolean two;

  healer_mlp_own (ws, self->sizes[l], part, &u0, &u1);
  /* Part 1 has a share only when it owns some of layer l+1's units. */
  healer_mlp_own (ws, self->sizes[l + 1], 1, &o0, &o1);
  two = o1 > o0;

  /* The part's units are one block of (u1 − u0) · n values in each
   * buffer: the sum and the factor in one pass over it (they were two),
   * with the operations of the two passes, so the same bits. */
  {
    gsize off = u0 * n, count = (u1 - u0) * n, i = 0;
    float *d = ws->delta[l] + off;
    const float *p0 = ws->partial[0][l] + off;
    const float *p1 = two ? ws->partial[1][l] + off : NULL;
    /* the dropout factors, or the activations to take act' of */
    const float *f = ws->dropped ? ws->gate[l] + off : ws->act[l] + off;
    HealerActivation activation = self->activation;

#if defined(__SSE2__)
    if (ws->dropped || activation != HEALER_ACTIVATION_TANH)
      {
        const __m128 one = _mm_set1_ps (1.0f);
        const __m128 slope = _mm_set1_ps (activation == HEALER_ACTIVATION_LEAKY_RELU
                                          ? HEALER_MLP_LEAKY_SLOPE : 0.0f);
        const __m128i zero = _mm_setzero_si128 ();

        for (; i + 4 <= count; i += 4)
          {
            __m128 sum = _mm_loadu_ps (p0 + i);
            __m128 factor = _mm_loadu_ps (f + i);

            if (p1 != NULL)
              sum = _mm_add_ps (sum, _mm_loadu_ps (p1 + i));
            if (!ws->dropped)
              {
                __m128 mask = _mm_castsi128_ps (_mm_cmpgt_epi32 (_mm_castps_si128 (factor),
                                                                 zero));

                factor = _mm_or_ps (_mm_and_ps (mask, one), _mm_andnot_ps (mask, slope));
              }
            _mm_storeu_ps (d + i, _mm_mul_ps (sum, factor));
          }
      }
#endif
    for (; i < count; i++)
      {
        float sum = p1 != NULL ? p0[i] + p1[i] : p0[i];

        d[i] = sum * (ws->dropped ? f[i] : healer_mlp_derivative (activation, f[i]));
      }
  }
}

/* The part's units of layer l+1: their share of W_lᵀ · δ_{l+1} (towards
 * layer l) in the shared stage; in the local one their weight and bias
 * gradients over every row, then their update: the optimiser may change
 * these weights now, as only this part reads them. */
static void
healer_mlp_backward_units (HealerMlpWorkspace *ws,
                           guint               l,
                           guint               part,
                           HealerMlpStage      stage)
{
  const HealerMlp *self = ws->mlp;
  gsize n = ws->n;
  gsize n_in = self->sizes[l];
  gsize n_out = self->sizes[l + 1];
  gsize o0, o1, w_offset, b_offset;
  const float *w = self->params + self->offsets[l];
  const float *delta;

  healer_mlp_own (ws, n_out, part, &o0, &o1);
  if (o1 == o0)
    return;
  w_offset = self->offsets[l] + o0 * n_in;
  b_offset = self->offsets[l] + n_in * n_out + o0;
  /* Part 1 reads its own copy of the output layer's δ (the same values) */
  delta = (l + 1 == self->n_sizes - 1 && part == 1 ? ws->delta_out_copy : ws->delta[l + 1]) +
          o0 * n;

  {
    gsl_matrix_float_const_view d_view = gsl_matrix_float_const_view_array (delta, o1 - o0, n);
    gsl_matrix_float_view gw_view = gsl_matrix_float_view_array (ws->grad + w_offset, o1 - o0,
                                                                 n_in);

    if (stage == HEALER_MLP_STAGE_SHARED)
      {
        /* P = W_lᵀ · δ_{l+1}, over the part's units */
        if (l > 0)
          healer_mlp_gemm (TRUE, n_in, n, o1 - o0, w + o0 * n_in, n_in, delta, n,
                           ws->partial[part][l], n);
        return;
      }

    /* dW = δ · A_prevᵀ, δ unit by row; A_prev row by input when wanted */
    if (l == 0 || healer_mlp_rows_wanted (ws, l))
      {
        const float *a_prev = l == 0 ? ws->x : ws->act_rows[l];

        healer_mlp_gemm (FALSE, o1 - o0, n_in, n, delta, n, a_prev, n_in, ws->grad + w_offset,
                         n_in);
      }
    else
      {
        gsl_matrix_float_const_view a_view = gsl_matrix_float_const_view_array (ws->act[l],
                                                                                n_in, n);

        gsl_blas_sgemm (CblasNoTrans, CblasTrans, 1.0f, &d_view.matrix, &a_view.matrix,
                        0.0f, &gw_view.matrix);
      }
  }
  healer_mlp_unit_sums (delta, n, o1 - o0, ws->grad + b_offset);

  if (ws->update != NULL)
    {
      ws->update (ws->user_data, w_offset, (o1 - o0) * n_in, TRUE);
      ws->update (ws->user_data, b_offset, o1 - o0, FALSE);
    }
}

static void
healer_mlp_step_phase (gpointer       data,
                       guint          phase,
                       guint          part,
                       HealerMlpStage stage)
{
  HealerMlpWorkspace *ws = data;
  guint n_layers = ws->n_sizes - 1;
  guint l;

  if (phase + 1 < n_layers)
    {
      healer_mlp_forward_units (ws, phase, part, stage);
      return;
    }
  if (phase + 1 == n_layers)
    {
      if (stage == HEALER_MLP_STAGE_SHARED)
        healer_mlp_output_rows (ws, part);
      return;
    }

  /* The output layer's weight gradients, whose δ is whole since the phase
   * before. */
  if (phase == n_layers && stage == HEALER_MLP_STAGE_LOCAL)
    healer_mlp_backward_units (ws, n_layers - 1, part, stage);
  if (n_layers < 2)
    return;
  l = 2 * n_layers - 2 - phase;
  if (phase > n_layers && stage == HEALER_MLP_STAGE_SHARED)
    healer_mlp_delta_units (ws, l + 1, part);
  healer_mlp_backward_units (ws, l, part, stage);
}

/* Phases of a step, with gradients or without (healer_mlp_step_phase). */
static guint
healer_mlp_step_phases (guint    n_layers,
                        gboolean gradients)
{
  if (!gradients)
    return n_layers;
  return n_layers < 2 ? 2 : 2 * n_layers - 1;
}

double
healer_mlp_train_step (HealerMlp           *self,
                       HealerMlpWorkspace  *ws,
                       const float         *x,
                       const guint         *y,
                       const float         *weights,
                       gsize                n,
                       float                dropout,
                       guint64             *rng_state,
                       float               *grad,
                       HealerMlpUpdateFunc  update,
                       gpointer             user_data)
{
  guint n_layers;
  HealerRng rng;

  g_return_val_if_fail (self != NULL && ws != NULL, NAN);
  g_return_val_if_fail (x != NULL && y != NULL, NAN);
  g_return_val_if_fail (n > 0 && n <= ws->max_batch, NAN);
  g_return_val_if_fail (healer_mlp_same_shape (self->sizes, self->n_sizes,
                                               ws->sizes, ws->n_sizes), NAN);
  g_return_val_if_fail (dropout >= 0.0f && dropout < 1.0f, NAN);
  g_return_val_if_fail (dropout == 0.0f || rng_state != NULL, NAN);
  g_return_val_if_fail (update == NULL || grad != NULL, NAN);
  g_return_val_if_fail (healer_labels_valid (y, n, healer_mlp_get_n_outputs (self)), NAN);

  n_layers = self->n_sizes - 1;
  ws->mlp = self;
  ws->x = x;
  ws->y = y;
  ws->weights = weights;
  ws->n = n;
  ws->dropped = dropout > 0.0f && n_layers > 1;
  ws->grad = grad;
  ws->update = update;
  ws->user_data = user_data;

  if (rng_state != NULL)
    healer_rng_init (&rng, *rng_state);
  if (ws->rows != NULL && healer_mlp_rows_wanted_for (self->sizes, self->n_sizes, n))
    {
      double loss;

      /* The same masks, in the same order, each row's into its part's block */
      if (ws->dropped)
        for (guint l = 1; l < n_layers; l++)
          {
            float *keep0, *keep1;
            gsize ld0, ld1, split;

            healer_mlp_rows_gates (ws->rows, l, n, &keep0, &ld0, &keep1, &ld1, &split);
            healer_mlp_draw_dropout (keep0, ld0, keep1, ld1, n, split, self->sizes[l], dropout,
                                     &rng);
          }
      if (rng_state != NULL)
        *rng_state = healer_rng_next (&rng);
      loss = healer_mlp_rows_step (ws->rows, ws->team, self, x, y, weights, n, ws->dropped,
                                   ws->smoothing, grad, update, user_data);
      ws->mlp = NULL;
      return loss;
    }
  g_assert (n <= ws->unit_max);
  if (ws->dropped)
    for (guint l = 1; l < n_layers; l++)
      healer_mlp_draw_dropout (ws->gate[l], n, NULL, 0, n, n, self->sizes[l], dropout, &rng);
  /* Advanced on every call, dropout or not, so a trainer's sequence of
   * states does not depend on its dropout setting. */
  if (rng_state != NULL)
    *rng_state = healer_rng_next (&rng);

  healer_mlp_team_run (ws->team, healer_mlp_step_phase, ws,
                       healer_mlp_step_phases (n_layers, grad != NULL));

  ws->mlp = NULL;
  return healer_mlp_cross_entropy_add (0.0, ws->act[n_layers], n, y, weights, n,
                                       self->sizes[n_layers], ws->smoothing) / (double) n;
}

double
healer_mlp_loss_grad (HealerMlp          *self,
                      HealerMlpWorkspace *ws,
                      const float        *x,
                      const guint        *y,
                      const float        *weights,
                      gsize               n,
                      float               dropout,
                      guint64            *rng_state,
                      float              *grad)
{
  return healer_mlp_train_step (self, ws, x, y, weights, n, dropout, rng_state, grad,
                                NULL, NULL);
}
