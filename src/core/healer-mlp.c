/* healer-mlp.c — multilayer perceptron: parameters, forward and backward passes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include <gsl/gsl_blas.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "healer-mlp.h"
#include "healer-trainer.h"

#define HEALER_MLP_LEAKY_SLOPE  0.01f
/* Bounds the private workspace of the thread-safe entry points, whatever n. */
#define HEALER_MLP_CHUNK_ROWS   4096
#define HEALER_MLP_LOG_CLAMP    1e-12

struct _HealerMlp
{
  guint             n_sizes;
  guint            *sizes;      /* n_sizes widths, input first */
  HealerActivation  activation;
  gsize             n_params;
  float            *params;     /* per layer: weights out×in row-major, then out biases */
  gsize            *offsets;    /* n_sizes - 1: start of each layer's weights in params */
};

struct _HealerMlpWorkspace
{
  gsize    max_batch;
  guint    n_sizes;
  guint   *sizes;       /* shape it was built for; any MLP of that shape may use it */
  float  **act;         /* [1..n_layers]: max_batch × size(l) layer outputs (after dropout) */
  float  **gate;        /* [1..n_layers-1]: act'(z) × dropout scale, or 0 where dropped */
  float   *delta[2];    /* max_batch × widest non-input layer, ping-pong */
  double  *colsum;      /* widest non-input layer: bias gradients accumulated in double */
  float    smoothing;   /* label smoothing of the loss, 0 = plain one-hot targets */
};

const char *
healer_activation_to_string (HealerActivation act)
{
  switch (act)
    {
    case HEALER_ACTIVATION_RELU:
      return "relu";
    case HEALER_ACTIVATION_LEAKY_RELU:
      return "leaky-relu";
    case HEALER_ACTIVATION_TANH:
      return "tanh";
    default:
      break;
    }
  g_return_val_if_reached (NULL);
}

gboolean
healer_activation_from_string (const char       *str,
                               HealerActivation *act)
{
  static const struct { const char *name; HealerActivation act; } names[] = {
    { "relu", HEALER_ACTIVATION_RELU },
    { "leaky-relu", HEALER_ACTIVATION_LEAKY_RELU },
    { "leakyrelu", HEALER_ACTIVATION_LEAKY_RELU },
    { "leaky_relu", HEALER_ACTIVATION_LEAKY_RELU },
    { "tanh", HEALER_ACTIVATION_TANH },
  };

  if (str == NULL)
    return FALSE;

  /* Users type these on the command line and in config files: be lenient on case. */
  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (str, names[i].name) == 0)
      {
        if (act != NULL)
          *act = names[i].act;
        return TRUE;
      }
  return FALSE;
}

gboolean
healer_mlp_count_params (const guint *sizes,
                         guint        n_sizes,
                         gsize       *n_params)
{
  gsize total = 0;

  if (sizes == NULL || n_sizes < 2)
    return FALSE;

  /* CBLAS takes int dimensions and leading dimensions. */
  for (guint i = 0; i < n_sizes; i++)
    if (sizes[i] == 0 || sizes[i] > G_MAXINT)
      return FALSE;

  for (guint l = 0; l + 1 < n_sizes; l++)
    {
      gsize n_weights, n_layer;

      if (!g_size_checked_mul (&n_weights, sizes[l], sizes[l + 1]) ||
          !g_size_checked_add (&n_layer, n_weights, sizes[l + 1]) ||
          !g_size_checked_add (&total, total, n_layer))
        return FALSE;
    }
  if (total > G_MAXSIZE / sizeof (float))
    return FALSE;

  if (n_params != NULL)
    *n_params = total;
  return TRUE;
}

static void
healer_mlp_init_params (HealerMlp *self,
                        guint64    seed)
{
  HealerRng rng;

  healer_rng_init (&rng, seed);

  /* Draw order (layer by layer, row-major) is part of the file format's
   * reproducibility promise: do not reorder. Biases stay 0. */
  for (guint l = 0; l + 1 < self->n_sizes; l++)
    {
      guint fan_in = self->sizes[l];
      guint fan_out = self->sizes[l + 1];
      gsize n_weights = (gsize) fan_in * fan_out;
      float *w = self->params + self->offsets[l];

      if (self->activation == HEALER_ACTIVATION_TANH)
        {
          double limit = sqrt (6.0 / ((double) fan_in + (double) fan_out));

          for (gsize i = 0; i < n_weights; i++)
            w[i] = (float) ((2.0 * healer_rng_uniform (&rng) - 1.0) * limit);
        }
      else
        {
          double std = sqrt (2.0 / (double) fan_in);

          for (gsize i = 0; i < n_weights; i++)
            w[i] = (float) (healer_rng_normal (&rng) * std);
        }
    }
}

static HealerMlp *
healer_mlp_alloc (const guint      *sizes,
                  guint             n_sizes,
                  HealerActivation  activation,
                  gsize             n_params)
{
  HealerMlp *self = g_new0 (HealerMlp, 1);
  gsize offset = 0;

  self->n_sizes = n_sizes;
  self->sizes = g_memdup2 (sizes, n_sizes * sizeof (guint));
  self->activation = activation;
  self->n_params = n_params;
  self->params = g_new0 (float, n_params);
  self->offsets = g_new (gsize, n_sizes - 1);
  for (guint l = 0; l + 1 < n_sizes; l++)
    {
      self->offsets[l] = offset;
      offset += (gsize) sizes[l] * sizes[l + 1] + sizes[l + 1];
    }
  return self;
}

HealerMlp *
healer_mlp_new (const guint      *sizes,
                guint             n_sizes,
                HealerActivation  activation,
                guint64           seed)
{
  HealerMlp *self;
  gsize n_params;

  g_return_val_if_fail (healer_mlp_count_params (sizes, n_sizes, &n_params), NULL);
  g_return_val_if_fail ((guint) activation <= HEALER_ACTIVATION_TANH, NULL);

  self = healer_mlp_alloc (sizes, n_sizes, activation, n_params);
  healer_mlp_init_params (self, seed);
  return self;
}

HealerMlp *
healer_mlp_new_with_params (const guint      *sizes,
                            guint             n_sizes,
                            HealerActivation  activation,
                            const float      *params,
                            gsize             n_params)
{
  HealerMlp *self;
  gsize expected;

  g_return_val_if_fail (healer_mlp_count_params (sizes, n_sizes, &expected), NULL);
  g_return_val_if_fail ((guint) activation <= HEALER_ACTIVATION_TANH, NULL);
  g_return_val_if_fail (params != NULL && n_params == expected, NULL);

  self = healer_mlp_alloc (sizes, n_sizes, activation, n_params);
  memcpy (self->params, params, n_params * sizeof (float));
  return self;
}

HealerMlp *
healer_mlp_copy (const HealerMlp *self)
{
  HealerMlp *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (HealerMlp, 1);
  copy->n_sizes = self->n_sizes;
  copy->sizes = g_memdup2 (self->sizes, self->n_sizes * sizeof (guint));
  copy->activation = self->activation;
  copy->n_params = self->n_params;
  copy->params = g_memdup2 (self->params, self->n_params * sizeof (float));
  copy->offsets = g_memdup2 (self->offsets, (self->n_sizes - 1) * sizeof (gsize));
  return copy;
}

void
healer_mlp_free (HealerMlp *self)
{
  if (self == NULL)
    return;
  g_free (self->sizes);
  g_free (self->params);
  g_free (self->offsets);
  g_free (self);
}

static gboolean
healer_mlp_same_shape (const guint *sizes_a,
                       guint        n_a,
                       const guint *sizes_b,
                       guint        n_b)
{
  return n_a == n_b && memcmp (sizes_a, sizes_b, n_a * sizeof (guint)) == 0;
}

void
healer_mlp_copy_params (HealerMlp       *self,
                        const HealerMlp *src)
{
  g_return_if_fail (self != NULL && src != NULL);
  g_return_if_fail (healer_mlp_same_shape (self->sizes, self->n_sizes, src->sizes, src->n_sizes));

  if (self != src)
    memcpy (self->params, src->params, self->n_params * sizeof (float));
}

guint
healer_mlp_get_n_layers (const HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_sizes - 1;
}

guint
healer_mlp_get_size (const HealerMlp *self,
                     guint            i)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (i < self->n_sizes, 0);
  return self->sizes[i];
}

guint
healer_mlp_get_n_inputs (const HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->sizes[0];
}

guint
healer_mlp_get_n_outputs (const HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->sizes[self->n_sizes - 1];
}

HealerActivation
healer_mlp_get_activation (const HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, HEALER_ACTIVATION_RELU);
  return self->activation;
}

gsize
healer_mlp_get_n_params (const HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->n_params;
}

float *
healer_mlp_get_params (HealerMlp *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->params;
}

float *
healer_mlp_get_weights (HealerMlp *self,
                        guint      l)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (l + 1 < self->n_sizes, NULL);
  return self->params + self->offsets[l];
}

float *
healer_mlp_get_biases (HealerMlp *self,
                       guint      l)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (l + 1 < self->n_sizes, NULL);
  return self->params + self->offsets[l] + (gsize) self->sizes[l] * self->sizes[l + 1];
}

/* ---- forward pass ---- */

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

/* (Leaky) ReLU on @count floats: out[i] = v · (v > 0 ? 1 : @slope) with
 * v = a[i] + b[i], or, for backprop (@derivative), out[i] *= the same factor
 * of a[i]. Four lanes at a time with the very operations of the scalar
 * helpers above (an integer sign test and one multiply, or a mask for ReLU),
 * so the results are bit for bit those of the scalar loops and models stay
 * reproducible; GCC at -O2 leaves those loops scalar, and they were about a
 * tenth of a training epoch. Returns how many elements it did; the caller's
 * scalar loop does the rest. */
static gsize
healer_mlp_leaky_sse (const float *a,
                      const float *b,
                      float       *out,
                      gboolean     derivative,
                      gsize        count,
                      float        slope)
{
  gsize i = 0;

#if defined(__SSE2__)
  const __m128 one = _mm_set1_ps (1.0f), vslope = _mm_set1_ps (slope);
  const __m128i zero = _mm_setzero_si128 ();

  for (; i + 4 <= count; i += 4)
    {
      __m128 v = _mm_loadu_ps (a + i);
      __m128 mask, factor;

      if (!derivative)
        v = _mm_add_ps (v, _mm_loadu_ps (b + i));
      mask = _mm_castsi128_ps (_mm_cmpgt_epi32 (_mm_castps_si128 (v), zero));
      factor = _mm_or_ps (_mm_and_ps (mask, one), _mm_andnot_ps (mask, vslope));
      if (derivative)
        _mm_storeu_ps (out + i, _mm_mul_ps (_mm_loadu_ps (out + i), factor));
      else if (slope == 0.0f)
        _mm_storeu_ps (out + i, _mm_and_ps (mask, v));
      else
        _mm_storeu_ps (out + i, _mm_mul_ps (v, factor));
    }
#endif
  return i;
}

static void
healer_mlp_bias_activate (HealerActivation  activation,
                          float            *z,
                          const float      *b,
                          gsize             n,
                          guint             width)
{
  for (gsize i = 0; i < n; i++)
    {
      float *row = z + i * width;
      guint j;

      switch (activation)
        {
        case HEALER_ACTIVATION_RELU:
          for (j = healer_mlp_leaky_sse (row, b, row, FALSE, width, 0.0f); j < width; j++)
            {
              float v = row[j] + b[j];
              row[j] = healer_mlp_float (healer_mlp_bits (v) & healer_mlp_positive_mask (v));
            }
          break;
        case HEALER_ACTIVATION_LEAKY_RELU:
          for (j = healer_mlp_leaky_sse (row, b, row, FALSE, width, HEALER_MLP_LEAKY_SLOPE);
               j < width; j++)
            {
              float v = row[j] + b[j];
              row[j] = v * healer_mlp_select (healer_mlp_positive_mask (v), 1.0f,
                                              HEALER_MLP_LEAKY_SLOPE);
            }
          break;
        case HEALER_ACTIVATION_TANH:
        default:
          for (j = 0; j < width; j++)
            row[j] = tanhf (row[j] + b[j]);
          break;
        }
    }
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

/* @d[i] *= act'(z_i). Hot in backprop: the switch stays outside the loops. */
static void
healer_mlp_scale_by_derivative (HealerActivation  activation,
                                float            *d,
                                const float      *a,
                                gsize             count)
{
  switch (activation)
    {
    case HEALER_ACTIVATION_RELU:
      for (gsize i = healer_mlp_leaky_sse (a, NULL, d, TRUE, count, 0.0f); i < count; i++)
        d[i] *= healer_mlp_derivative (HEALER_ACTIVATION_RELU, a[i]);
      break;
    case HEALER_ACTIVATION_LEAKY_RELU:
      for (gsize i = healer_mlp_leaky_sse (a, NULL, d, TRUE, count,
                                         HEALER_MLP_LEAKY_SLOPE);
           i < count; i++)
        d[i] *= healer_mlp_derivative (HEALER_ACTIVATION_LEAKY_RELU, a[i]);
      break;
    case HEALER_ACTIVATION_TANH:
    default:
      for (gsize i = 0; i < count; i++)
        d[i] *= healer_mlp_derivative (HEALER_ACTIVATION_TANH, a[i]);
      break;
    }
}

static void
healer_mlp_bias_softmax (float       *z,
                         const float *b,
                         gsize        n,
                         guint        width)
{
  for (gsize i = 0; i < n; i++)
    {
      float *row = z + i * width;
      float max = -INFINITY;
      double sum = 0.0;
      float inv;

      for (guint j = 0; j < width; j++)
        {
          row[j] += b[j];
          if (row[j] > max)
            max = row[j];
        }
      /* The max term contributes exp(0) = 1, so sum ≥ 1 unless the row is NaN. */
      for (guint j = 0; j < width; j++)
        {
          float e = expf (row[j] - max);
          row[j] = e;
          sum += e;
        }
      inv = (float) (1.0 / sum);
      for (guint j = 0; j < width; j++)
        row[j] *= inv;
    }
}

/* One weight layer for @n ≥ 1 rows: out = act(in · Wᵀ + b), softmax on the last. */
static void
healer_mlp_forward_layer (const HealerMlp *self,
                          guint            l,
                          const float     *in,
                          gsize            n,
                          float           *out)
{
  guint n_in = self->sizes[l];
  guint n_out = self->sizes[l + 1];
  const float *w = self->params + self->offsets[l];
  const float *b = w + (gsize) n_in * n_out;
  gsl_matrix_float_const_view a_view = gsl_matrix_float_const_view_array (in, n, n_in);
  gsl_matrix_float_const_view w_view = gsl_matrix_float_const_view_array (w, n_out, n_in);
  gsl_matrix_float_view z_view = gsl_matrix_float_view_array (out, n, n_out);

  gsl_blas_sgemm (CblasNoTrans, CblasTrans, 1.0f, &a_view.matrix, &w_view.matrix,
                  0.0f, &z_view.matrix);

  if (l + 2 == self->n_sizes)
    healer_mlp_bias_softmax (out, b, n, n_out);
  else
    healer_mlp_bias_activate (self->activation, out, b, n, n_out);
}

/* Runs the first @n_run weight layers on @n rows, writing layer @n_run's
 * output to @out. Private buffers sized for one chunk keep concurrent callers
 * apart and the memory bounded. */
static void
healer_mlp_forward_rows (const HealerMlp *self,
                         const float     *x,
                         gsize            n,
                         guint            n_run,
                         float           *out)
{
  gsize chunk = MIN (n, HEALER_MLP_CHUNK_ROWS);
  guint width = 0;
  g_autofree float *buf0 = NULL;
  g_autofree float *buf1 = NULL;
  float *bufs[2];

  if (n == 0)
    return;
  if (n_run == 0)
    {
      memcpy (out, x, n * self->sizes[0] * sizeof (float));
      return;
    }

  for (guint l = 1; l < n_run; l++)
    width = MAX (width, self->sizes[l]);
  if (width > 0)
    {
      buf0 = g_new (float, chunk * width);
      buf1 = g_new (float, chunk * width);
    }
  bufs[0] = buf0;
  bufs[1] = buf1;

  for (gsize start = 0; start < n; start += chunk)
    {
      gsize rows = MIN (chunk, n - start);
      const float *in = x + start * self->sizes[0];

      for (guint l = 0; l < n_run; l++)
        {
          float *dst = (l + 1 == n_run) ? out + start * self->sizes[n_run] : bufs[l % 2];

          healer_mlp_forward_layer (self, l, in, rows, dst);
          in = dst;
        }
    }
}

void
healer_mlp_predict_proba (const HealerMlp *self,
                          const float     *x,
                          gsize            n,
                          float           *proba)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (n == 0 || (x != NULL && proba != NULL));

  healer_mlp_forward_rows (self, x, n, self->n_sizes - 1, proba);
}

void
healer_mlp_last_hidden (const HealerMlp *self,
                        const float     *x,
                        gsize            n,
                        float           *out)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (n == 0 || (x != NULL && out != NULL));

  /* Without hidden layers the "last hidden layer" is the input itself. */
  healer_mlp_forward_rows (self, x, n, self->n_sizes - 2, out);
}

/* ---- training ---- */

HealerMlpWorkspace *
healer_mlp_workspace_new (const HealerMlp *self,
                          gsize            max_batch)
{
  HealerMlpWorkspace *ws;
  guint n_layers, widest = 0;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (max_batch > 0 && max_batch <= G_MAXINT, NULL);

  n_layers = self->n_sizes - 1;
  ws = g_new0 (HealerMlpWorkspace, 1);
  ws->max_batch = max_batch;
  ws->n_sizes = self->n_sizes;
  ws->sizes = g_memdup2 (self->sizes, self->n_sizes * sizeof (guint));
  ws->act = g_new0 (float *, self->n_sizes);
  ws->gate = g_new0 (float *, self->n_sizes);

  for (guint l = 1; l <= n_layers; l++)
    {
      ws->act[l] = g_new (float, max_batch * self->sizes[l]);
      if (l < n_layers)
        ws->gate[l] = g_new (float, max_batch * self->sizes[l]);
      widest = MAX (widest, self->sizes[l]);
    }
  ws->delta[0] = g_new (float, max_batch * widest);
  ws->delta[1] = g_new (float, max_batch * widest);
  ws->colsum = g_new (double, widest);
  return ws;
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
  for (guint l = 0; l < ws->n_sizes; l++)
    {
      g_free (ws->act[l]);
      g_free (ws->gate[l]);
    }
  g_free (ws->act);
  g_free (ws->gate);
  g_free (ws->delta[0]);
  g_free (ws->delta[1]);
  g_free (ws->colsum);
  g_free (ws->sizes);
  g_free (ws);
}

/* Inverted dropout in place on @count activations; @gate keeps the scaled
 * derivative (0 where dropped) so backprop needs neither mask nor pre-dropout
 * values. @keep is scratch space for @count floats. */
static void
healer_mlp_dropout (HealerActivation  activation,
                    float            *act,
                    float            *gate,
                    float            *keep,
                    gsize             count,
                    float             dropout,
                    HealerRng        *rng)
{
  /* One 64-bit draw decides two units; dropout < 1 keeps this below 2³². */
  guint32 threshold = (guint32) ldexp ((double) dropout, 32);
  guint32 scale_bits = healer_mlp_bits (1.0f / (1.0f - dropout));
  guint64 bits = 0;

  for (gsize i = 0; i < count; i++)
    {
      guint32 r;

      if ((i & 1) == 0)
        bits = healer_rng_next (rng);
      r = (guint32) (bits >> ((i & 1) ? 0 : 32));
      keep[i] = healer_mlp_float (scale_bits & -(guint32) (r >= threshold));
    }

  /* The derivative needs the activations before scaling (tanh: 1 − a²). */
  memcpy (gate, keep, count * sizeof (float));
  healer_mlp_scale_by_derivative (activation, gate, act, count);
  for (gsize i = 0; i < count; i++)
    act[i] *= keep[i];
}

/* Mean weighted cross-entropy against the targets (1 − @smoothing) on the
 * row's class plus @smoothing / n_classes on every class. */
static double
healer_mlp_cross_entropy (const float *proba,
                          const guint *y,
                          const float *weights,
                          gsize        n,
                          guint        n_classes,
                          float        smoothing)
{
  double sum = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      double p = proba[i * n_classes + y[i]];
      double w = weights != NULL ? weights[i] : 1.0;

      /* Written so that NaN passes through: divergence must stay visible. */
      if (p < HEALER_MLP_LOG_CLAMP)
        p = HEALER_MLP_LOG_CLAMP;
      if (smoothing == 0.0f)
        {
          sum -= w * log (p);
          continue;
        }

      {
        double all = 0.0;

        for (guint j = 0; j < n_classes; j++)
          {
            double q = proba[i * n_classes + j];

            if (q < HEALER_MLP_LOG_CLAMP)
              q = HEALER_MLP_LOG_CLAMP;
            all += log (q);
          }
        sum -= w * ((1.0 - smoothing) * log (p) + smoothing / n_classes * all);
      }
    }
  return sum / (double) n;
}

/* Gradients of one layer from its output delta @delta (n × size(l+1)). */
static void
healer_mlp_layer_grad (HealerMlp          *self,
                       HealerMlpWorkspace *ws,
                       guint               l,
                       const float        *a_prev,
                       const float        *delta,
                       gsize               n,
                       float              *grad)
{
  guint n_in = self->sizes[l];
  guint n_out = self->sizes[l + 1];
  float *gw = grad + self->offsets[l];
  float *gb = gw + (gsize) n_in * n_out;
  gsl_matrix_float_const_view d_view = gsl_matrix_float_const_view_array (delta, n, n_out);
  gsl_matrix_float_const_view a_view = gsl_matrix_float_const_view_array (a_prev, n, n_in);
  gsl_matrix_float_view gw_view = gsl_matrix_float_view_array (gw, n_out, n_in);

  /* dW = δᵀ · A_prev */
  gsl_blas_sgemm (CblasTrans, CblasNoTrans, 1.0f, &d_view.matrix, &a_view.matrix,
                  0.0f, &gw_view.matrix);

  memset (ws->colsum, 0, n_out * sizeof (double));
  for (gsize i = 0; i < n; i++)
    {
      const float *row = delta + i * n_out;

      for (guint j = 0; j < n_out; j++)
        ws->colsum[j] += row[j];
    }
  for (guint j = 0; j < n_out; j++)
    gb[j] = (float) ws->colsum[j];
}

/* δ of layer @l's output (n × size(l)) from the δ of layer @l+1:
 * δ_prev = δ · W ⊙ act'(z), and ⊙ the dropout mask and scale when @dropped. */
static void
healer_mlp_delta_prev (HealerMlp          *self,
                       HealerMlpWorkspace *ws,
                       guint               l,
                       const float        *delta,
                       gsize               n,
                       gboolean            dropped,
                       float              *delta_prev)
{
  guint n_in = self->sizes[l];
  guint n_out = self->sizes[l + 1];
  const float *w = self->params + self->offsets[l];
  gsl_matrix_float_const_view d_view = gsl_matrix_float_const_view_array (delta, n, n_out);
  gsl_matrix_float_const_view w_view = gsl_matrix_float_const_view_array (w, n_out, n_in);
  gsl_matrix_float_view p_view = gsl_matrix_float_view_array (delta_prev, n, n_in);
  gsize count = n * n_in;

  gsl_blas_sgemm (CblasNoTrans, CblasNoTrans, 1.0f, &d_view.matrix, &w_view.matrix,
                  0.0f, &p_view.matrix);
  if (dropped)
    {
      const float *gate = ws->gate[l];

      for (gsize i = 0; i < count; i++)
        delta_prev[i] *= gate[i];
    }
  else
    {
      healer_mlp_scale_by_derivative (self->activation, delta_prev, ws->act[l], count);
    }
}

static void
healer_mlp_backward (HealerMlp          *self,
                     HealerMlpWorkspace *ws,
                     const float        *x,
                     const guint        *y,
                     const float        *weights,
                     gsize               n,
                     gboolean            dropped,
                     float              *grad)
{
  guint n_layers = self->n_sizes - 1;
  guint n_classes = self->sizes[n_layers];
  const float *proba = ws->act[n_layers];
  float *delta = ws->delta[0];
  float *delta_prev = ws->delta[1];

  /* Softmax + cross-entropy: dL/dz = w_i (p − t) / n, t the target: the
   * one-hot of y, or with smoothing ε, (1 − ε) · onehot(y) + ε / n_classes. */
  for (gsize i = 0; i < n; i++)
    {
      float s = (float) ((weights != NULL ? weights[i] : 1.0) / (double) n);
      const float *p = proba + i * n_classes;
      float *d = delta + i * n_classes;

      if (ws->smoothing == 0.0f)
        {
          for (guint j = 0; j < n_classes; j++)
            d[j] = p[j] * s;
          d[y[i]] -= s;
        }
      else
        {
          float spread = ws->smoothing / (float) n_classes;

          for (guint j = 0; j < n_classes; j++)
            d[j] = (p[j] - spread) * s;
          d[y[i]] -= (1.0f - ws->smoothing) * s;
        }
    }

  for (guint l = n_layers; l-- > 0;)
    {
      float *tmp;

      healer_mlp_layer_grad (self, ws, l, l == 0 ? x : ws->act[l], delta, n, grad);
      if (l == 0)
        break;
      healer_mlp_delta_prev (self, ws, l, delta, n, dropped, delta_prev);
      tmp = delta;
      delta = delta_prev;
      delta_prev = tmp;
    }
}

static gboolean
healer_mlp_labels_valid (const guint *y,
                         gsize        n,
                         guint        n_classes)
{
  for (gsize i = 0; i < n; i++)
    if (y[i] >= n_classes)
      return FALSE;
  return TRUE;
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
  guint n_layers;
  const float *in = x;
  HealerRng rng;
  gboolean dropped;

  g_return_val_if_fail (self != NULL && ws != NULL, NAN);
  g_return_val_if_fail (x != NULL && y != NULL, NAN);
  g_return_val_if_fail (n > 0 && n <= ws->max_batch, NAN);
  g_return_val_if_fail (healer_mlp_same_shape (self->sizes, self->n_sizes,
                                               ws->sizes, ws->n_sizes), NAN);
  g_return_val_if_fail (dropout >= 0.0f && dropout < 1.0f, NAN);
  g_return_val_if_fail (dropout == 0.0f || rng_state != NULL, NAN);
  g_return_val_if_fail (healer_mlp_labels_valid (y, n, healer_mlp_get_n_outputs (self)), NAN);

  n_layers = self->n_sizes - 1;
  dropped = dropout > 0.0f && n_layers > 1;
  if (rng_state != NULL)
    healer_rng_init (&rng, *rng_state);

  for (guint l = 0; l < n_layers; l++)
    {
      healer_mlp_forward_layer (self, l, in, n, ws->act[l + 1]);
      in = ws->act[l + 1];
      if (dropped && l + 1 < n_layers)
        healer_mlp_dropout (self->activation, ws->act[l + 1], ws->gate[l + 1], ws->delta[1],
                            n * self->sizes[l + 1], dropout, &rng);
    }

  /* Advanced on every call, dropout or not, so a trainer's sequence of
   * states does not depend on its dropout setting. */
  if (rng_state != NULL)
    *rng_state = healer_rng_next (&rng);

  if (grad != NULL)
    healer_mlp_backward (self, ws, x, y, weights, n, dropped, grad);

  return healer_mlp_cross_entropy (ws->act[n_layers], y, weights, n, self->sizes[n_layers],
                                   ws->smoothing);
}

void
healer_mlp_input_gradient (const HealerMlp *self,
                           const float     *x,
                           guint            klass,
                           float           *grad_out)
{
  guint n_layers, widest = 0;
  gsize total = 0;
  g_autofree float *act_block = NULL;
  g_autofree float *delta_block = NULL;
  g_autofree float **act = NULL;
  float *delta, *delta_prev;
  const float *in = x;

  g_return_if_fail (self != NULL && x != NULL && grad_out != NULL);
  g_return_if_fail (klass < healer_mlp_get_n_outputs (self));

  n_layers = self->n_sizes - 1;
  for (guint l = 1; l <= n_layers; l++)
    {
      total += self->sizes[l];
      widest = MAX (widest, self->sizes[l]);
    }
  act_block = g_new (float, total);
  delta_block = g_new (float, 2 * (gsize) widest);
  act = g_new0 (float *, self->n_sizes);
  delta = delta_block;
  delta_prev = delta_block + widest;

  total = 0;
  for (guint l = 1; l <= n_layers; l++)
    {
      act[l] = act_block + total;
      total += self->sizes[l];
      healer_mlp_forward_layer (self, l - 1, in, 1, act[l]);
      in = act[l];
    }

  /* d log p_k / dz_j = [j = k] − p_j */
  for (guint j = 0; j < self->sizes[n_layers]; j++)
    delta[j] = (j == klass ? 1.0f : 0.0f) - act[n_layers][j];

  for (guint l = n_layers; l-- > 0;)
    {
      guint n_in = self->sizes[l];
      guint n_out = self->sizes[l + 1];
      const float *w = self->params + self->offsets[l];
      float *dst = l == 0 ? grad_out : delta_prev;
      gsl_matrix_float_const_view w_view = gsl_matrix_float_const_view_array (w, n_out, n_in);
      gsl_vector_float_const_view d_view = gsl_vector_float_const_view_array (delta, n_out);
      gsl_vector_float_view o_view = gsl_vector_float_view_array (dst, n_in);
      float *tmp;

      gsl_blas_sgemv (CblasTrans, 1.0f, &w_view.matrix, &d_view.vector, 0.0f, &o_view.vector);
      if (l == 0)
        break;
      healer_mlp_scale_by_derivative (self->activation, dst, act[l], n_in);
      tmp = delta;
      delta = delta_prev;
      delta_prev = tmp;
    }
}
