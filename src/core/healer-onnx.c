/* healer-onnx.c — a model as an ONNX graph, for ONNX Runtime and other engines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The protocol-buffer encoding of the few ONNX messages a model needs
 * (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto,
 * AttributeProto, OperatorSetIdProto, StringStringEntryProto) is written
 * here directly: it is a page of code, where protobuf-c would be a new
 * runtime library plus generated sources for the whole of onnx.proto. Field
 * numbers are those of onnx.proto (IR version 7).
 */

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "healer-mlp-private.h"
#include "healer-onnx.h"
#include "healer-json.h"

/* ---- protocol-buffer wire format ---- */

enum
{
  WIRE_VARINT = 0,
  WIRE_LEN    = 2,
  WIRE_I32    = 5,
};

static void
pb_varint (GByteArray *b,
           guint64     v)
{
  guint8 c;

  while (v >= 0x80)
    {
      c = (guint8) ((v & 0x7f) | 0x80);
      g_byte_array_append (b, &c, 1);
      v >>= 7;
    }
  c = (guint8) v;
  g_byte_array_append (b, &c, 1);
}

static void
pb_key (GByteArray *b,
        guint       field,
        guint       wire)
{
  pb_varint (b, ((guint64) field << 3) | wire);
}

/* int32, int64 and enum fields: negative values take ten bytes, as protobuf
 * specifies (none of ours is negative). */
static void
pb_int (GByteArray *b,
        guint       field,
        gint64      v)
{
  pb_key (b, field, WIRE_VARINT);
  pb_varint (b, (guint64) v);
}

static void
pb_bytes (GByteArray *b,
          guint       field,
          const void *data,
          gsize       len)
{
  pb_key (b, field, WIRE_LEN);
  pb_varint (b, len);
  if (len > 0)
    g_byte_array_append (b, data, (guint) len);
}

static void
pb_string (GByteArray *b,
           guint       field,
           const char *s)
{
  pb_bytes (b, field, s, strlen (s));
}

/* Appends @m as embedded message @field and frees it. */
static void
pb_message_take (GByteArray *b,
                 guint       field,
                 GByteArray *m)
{
  pb_bytes (b, field, m->data, m->len);
  g_byte_array_unref (m);
}

static void
pb_float (GByteArray *b,
          guint       field,
          float       f)
{
  guint32 bits;

  memcpy (&bits, &f, sizeof bits);
  bits = GUINT32_TO_LE (bits);
  pb_key (b, field, WIRE_I32);
  g_byte_array_append (b, (const guint8 *) &bits, sizeof bits);
}

/* ---- ONNX messages ---- */

/* TensorProto.DataType */
enum
{
  ONNX_FLOAT  = 1,
  ONNX_INT64  = 7,
  ONNX_BOOL   = 9,
  ONNX_DOUBLE = 11,
};

/* AttributeProto.AttributeType */
enum
{
  ONNX_ATTR_FLOAT = 1,
  ONNX_ATTR_INT   = 2,
};

typedef struct
{
  GByteArray *graph;   /* the GraphProto's fields so far: nodes and initializers */
  GPtrArray  *names;   /* owns the generated value names */
  guint       next;
} OnnxGraph;

static const char *
onnx_name (OnnxGraph  *g,
           const char *prefix)
{
  char *name = g_strdup_printf ("%s%u", prefix, g->next++);

  g_ptr_array_add (g->names, name);
  return name;
}

/* Attribute lists are AttributeProto entries (NodeProto field 5) gathered
 * in a byte array, which onnx_node() takes. */
static GByteArray *
attr_int (GByteArray *attrs,
          const char *name,
          gint64      v)
{
  GByteArray *a = g_byte_array_new ();

  if (attrs == NULL)
    attrs = g_byte_array_new ();
  pb_string (a, 1, name);
  pb_int (a, 20, ONNX_ATTR_INT);
  pb_int (a, 3, v);
  pb_message_take (attrs, 5, a);
  return attrs;
}

static GByteArray *
attr_float (GByteArray *attrs,
            const char *name,
            float       v)
{
  GByteArray *a = g_byte_array_new ();

  if (attrs == NULL)
    attrs = g_byte_array_new ();
  pb_string (a, 1, name);
  pb_int (a, 20, ONNX_ATTR_FLOAT);
  pb_float (a, 2, v);
  pb_message_take (attrs, 5, a);
  return attrs;
}

/* Appends a node (GraphProto field 1) computing @op of @inputs into
 * @output, or into a fresh name when @output is NULL; takes @attrs. Nodes
 * go in the order they are made, which is a topological order. */
static const char *
onnx_node (OnnxGraph          *g,
           const char         *op,
           const char         *output,
           GByteArray         *attrs,
           const char * const *inputs,
           guint               n_inputs)
{
  GByteArray *n = g_byte_array_new ();

  if (output == NULL)
    output = onnx_name (g, "t");
  for (guint i = 0; i < n_inputs; i++)
    pb_string (n, 1, inputs[i]);
  pb_string (n, 2, output);
  pb_string (n, 3, output);   /* node names are free-form; the output's is unique */
  pb_string (n, 4, op);
  if (attrs != NULL)
    {
      g_byte_array_append (n, attrs->data, attrs->len);
      g_byte_array_unref (attrs);
    }
  pb_message_take (g->graph, 1, n);
  return output;
}

static const char *
op1 (OnnxGraph  *g,
     const char *op,
     GByteArray *attrs,
     const char *a)
{
  return onnx_node (g, op, NULL, attrs, &a, 1);
}

static const char *
op2 (OnnxGraph  *g,
     const char *op,
     GByteArray *attrs,
     const char *a,
     const char *b)
{
  const char *in[] = { a, b };

  return onnx_node (g, op, NULL, attrs, in, 2);
}

static const char *
op3 (OnnxGraph  *g,
     const char *op,
     GByteArray *attrs,
     const char *a,
     const char *b,
     const char *c)
{
  const char *in[] = { a, b, c };

  return onnx_node (g, op, NULL, attrs, in, 3);
}

/* An initializer (GraphProto field 5) of @n_dims dimensions (0: a scalar)
 * holding @raw, little-endian already. */
static const char *
onnx_initializer (OnnxGraph    *g,
                  int           data_type,
                  const gint64 *dims,
                  guint         n_dims,
                  const void   *raw,
                  gsize         raw_len)
{
  GByteArray *t = g_byte_array_new ();
  const char *name = onnx_name (g, "c");

  for (guint i = 0; i < n_dims; i++)
    pb_int (t, 1, dims[i]);
  pb_int (t, 2, data_type);
  pb_string (t, 8, name);
  pb_bytes (t, 9, raw, raw_len);
  pb_message_take (g->graph, 5, t);
  return name;
}

static const char *
const_doubles (OnnxGraph    *g,
               const double *v,
               const gint64 *dims,
               guint         n_dims)
{
  gsize n = 1;
  g_autofree guint64 *le = NULL;

  for (guint i = 0; i < n_dims; i++)
    n *= (gsize) dims[i];
  le = g_new (guint64, n);
  for (gsize i = 0; i < n; i++)
    {
      memcpy (&le[i], &v[i], sizeof le[i]);
      le[i] = GUINT64_TO_LE (le[i]);
    }
  return onnx_initializer (g, ONNX_DOUBLE, dims, n_dims, le, n * sizeof *le);
}

static const char *
const_floats (OnnxGraph    *g,
              const float  *v,
              const gint64 *dims,
              guint         n_dims)
{
  gsize n = 1;
  g_autofree guint32 *le = NULL;

  for (guint i = 0; i < n_dims; i++)
    n *= (gsize) dims[i];
  le = g_new (guint32, n);
  for (gsize i = 0; i < n; i++)
    {
      memcpy (&le[i], &v[i], sizeof le[i]);
      le[i] = GUINT32_TO_LE (le[i]);
    }
  return onnx_initializer (g, ONNX_FLOAT, dims, n_dims, le, n * sizeof *le);
}

static const char *
const_int64s (OnnxGraph    *g,
              const gint64 *v,
              gsize         n)
{
  g_autofree guint64 *le = g_new (guint64, n);
  gint64 dims[] = { (gint64) n };

  for (gsize i = 0; i < n; i++)
    le[i] = GUINT64_TO_LE ((guint64) v[i]);
  return onnx_initializer (g, ONNX_INT64, dims, 1, le, n * sizeof *le);
}

static const char *
const_uint_indices (OnnxGraph   *g,
                    const guint *v,
                    gsize        n)
{
  g_autofree gint64 *w = g_new (gint64, n);

  for (gsize i = 0; i < n; i++)
    w[i] = v[i];
  return const_int64s (g, w, n);
}

static const char *
scalar_double (OnnxGraph *g,
               double     v)
{
  return const_doubles (g, &v, NULL, 0);
}

static const char *
vector_double (OnnxGraph    *g,
               const double *v,
               gsize         n)
{
  gint64 dims[] = { (gint64) n };

  return const_doubles (g, v, dims, 1);
}

/* ValueInfoProto of a float or int64 tensor whose first dimension is the
 * row count "N" and whose second, when @width > 0, is @width. */
static void
onnx_value_info (GByteArray *graph,
                 guint       field,
                 const char *name,
                 int         elem_type,
                 gint64      width)
{
  GByteArray *vi = g_byte_array_new ();
  GByteArray *type = g_byte_array_new ();
  GByteArray *tensor = g_byte_array_new ();
  GByteArray *shape = g_byte_array_new ();
  GByteArray *dim = g_byte_array_new ();

  pb_string (dim, 2, "N");
  pb_message_take (shape, 1, dim);
  if (width > 0)
    {
      dim = g_byte_array_new ();
      pb_int (dim, 1, width);
      pb_message_take (shape, 1, dim);
    }
  pb_int (tensor, 1, elem_type);
  pb_message_take (tensor, 2, shape);
  pb_message_take (type, 1, tensor);
  pb_string (vi, 1, name);
  pb_message_take (vi, 2, type);
  pb_message_take (graph, field, vi);
}

/* ---- the pipeline ---- */

/* Rational function a(x) / b(x), both of degree 7, by Horner's rule as
 * GSL evaluates it. */
static const char *
onnx_rational (OnnxGraph    *g,
               const double *a,
               const double *b,
               const char   *x)
{
  const char *u = scalar_double (g, a[7]);
  const char *v = scalar_double (g, b[7]);

  for (int i = 6; i >= 0; i--)
    {
      u = op2 (g, "Add", NULL, op2 (g, "Mul", NULL, x, u), scalar_double (g, a[i]));
      v = op2 (g, "Add", NULL, op2 (g, "Mul", NULL, x, v), scalar_double (g, b[i]));
    }
  return op2 (g, "Div", NULL, u, v);
}

/* The standard normal quantile of @p, which lies in [ε, 1 − ε]: the
 * algorithm of gsl_cdf_ugaussian_Pinv, Wichura's AS 241 (Applied
 * Statistics 37, 1988, 477–484), whose coefficients these are. ONNX has no
 * such operator, and AS 241 is what the engine computes, to 1e-16. Both
 * branches are computed everywhere and the right one is selected. Its
 * third branch, for r = √−log(min(p, 1 − p)) > 5, is unreachable here:
 * p ≥ 1e-7 gives r ≤ 4.02. */
static const char *
onnx_normal_quantile (OnnxGraph  *g,
                      const char *p)
{
  static const double central_a[8] = {
    3.387132872796366608, 133.14166789178437745, 1971.5909503065514427,
    13731.693765509461125, 45921.953931549871457, 67265.770927008700853,
    33430.575583588128105, 2509.0809287301226727 };
  static const double central_b[8] = {
    1.0, 42.313330701600911252, 687.1870074920579083, 5394.1960214247511077,
    21213.794301586595867, 39307.89580009271061, 28729.085735721942674,
    5226.495278852854561 };
  static const double outer_a[8] = {
    1.42343711074968357734, 4.6303378461565452959, 5.7694972214606914055,
    3.64784832476320460504, 1.27045825245236838258, 0.24178072517745061177,
    0.0227238449892691845833, 7.7454501427834140764e-4 };
  static const double outer_b[8] = {
    1.0, 2.05319162663775882187, 1.6763848301838038494, 0.68976733498510000455,
    0.14810397642748007459, 0.0151986665636164571966, 5.475938084995344946e-4,
    1.05075007164441684324e-9 };
  const char *half = scalar_double (g, 0.5);
  const char *q = op2 (g, "Sub", NULL, p, half);
  const char *r2 = op2 (g, "Sub", NULL, scalar_double (g, 0.180625), op2 (g, "Mul", NULL, q, q));
  const char *central = op2 (g, "Mul", NULL, q, onnx_rational (g, central_a, central_b, r2));
  const char *pp = op2 (g, "Min", NULL, p, op2 (g, "Sub", NULL, scalar_double (g, 1.0), p));
  const char *r = op1 (g, "Sqrt", NULL, op1 (g, "Neg", NULL, op1 (g, "Log", NULL, pp)));
  const char *outer = onnx_rational (g, outer_a, outer_b,
                                     op2 (g, "Sub", NULL, r, scalar_double (g, 1.6)));

  outer = op3 (g, "Where", NULL, op2 (g, "Less", NULL, p, half), op1 (g, "Neg", NULL, outer), outer);
  return op3 (g, "Where", NULL,
              op2 (g, "LessOrEqual", NULL, op1 (g, "Abs", NULL, q), scalar_double (g, 0.425)),
              central, outer);
}

/* The quantile transform of @v (N × S, imputed, double) for the selected
 * features. The engine finds where v falls in the 128 knots and
 * interpolates, a run of equal knots mapping to its middle. The same value,
 * without a search, is a sum over the 127 segments between knots: a segment
 * of positive width contributes clip((v − k_t) / (k_{t+1} − k_t), 0, 1), a
 * segment of zero width 1 when v is above it, ½ when v is on it and 0
 * below — which puts v on a run of m equal knots at the run's middle. */
static const char *
onnx_quantile (OnnxGraph                *g,
               const HealerPreprocessor *p,
               const char               *v)
{
  const guint segs = HEALER_QUANTILE_KNOTS - 1;
  gsize n = (gsize) p->n_selected * segs;
  g_autofree double *lo = g_new (double, n);
  g_autofree double *width = g_new (double, n);
  g_autofree guint8 *ramp = g_new (guint8, n);
  gint64 dims[] = { p->n_selected, segs };
  const gint64 axis2[] = { 2 };
  const char *d, *seg, *pos, *prob;

  for (guint s = 0; s < p->n_selected; s++)
    {
      const float *k = p->quantiles + (gsize) p->selected[s] * HEALER_QUANTILE_KNOTS;

      for (guint t = 0; t < segs; t++)
        {
          gsize i = (gsize) s * segs + t;
          double w = (double) k[t + 1] - (double) k[t];

          lo[i] = k[t];
          ramp[i] = w > 0.0;
          width[i] = w > 0.0 ? w : 1.0;
        }
    }

  d = op2 (g, "Sub", NULL, op2 (g, "Unsqueeze", NULL, v, const_int64s (g, axis2, 1)),
           const_doubles (g, lo, dims, 2));
  seg = op3 (g, "Where", NULL,
             onnx_initializer (g, ONNX_BOOL, dims, 2, ramp, n),
             op3 (g, "Clip", NULL, op2 (g, "Div", NULL, d, const_doubles (g, width, dims, 2)),
                  scalar_double (g, 0.0), scalar_double (g, 1.0)),
             op2 (g, "Mul", NULL, op2 (g, "Add", NULL, op1 (g, "Sign", NULL, d), scalar_double (g, 1.0)),
                  scalar_double (g, 0.5)));
  pos = op2 (g, "ReduceSum", attr_int (NULL, "keepdims", 0), seg, const_int64s (g, axis2, 1));
  prob = op2 (g, "Div", NULL, pos, scalar_double (g, segs));
  prob = op3 (g, "Clip", NULL, prob, scalar_double (g, HEALER_QUANTILE_EPS),
              scalar_double (g, 1.0 - HEALER_QUANTILE_EPS));
  return onnx_normal_quantile (g, prob);
}

/* healer_transform_raw after imputation, on the selected columns. */
static const char *
onnx_transform (OnnxGraph                *g,
                const HealerPreprocessor *p,
                const char               *v)
{
  switch (p->config.transform)
    {
    case HEALER_TRANSFORM_SIGNED_LOG:
      /* copysign (log1p (|v|), v); log (1 + |v|) differs from log1p by
       * less than a double ulp of 1, far below float precision. */
      return op2 (g, "Mul", NULL, op1 (g, "Sign", NULL, v),
                  op1 (g, "Log", NULL,
                       op2 (g, "Add", NULL, op1 (g, "Abs", NULL, v), scalar_double (g, 1.0))));
    case HEALER_TRANSFORM_QUANTILE:
      return onnx_quantile (g, p, v);
    case HEALER_TRANSFORM_PLE:   /* PLE's value columns are plainly standardised */
    case HEALER_TRANSFORM_NONE:
    default:
      return v;
    }
}

/* healer_preprocessor_transform: @kpis (N × n_input float) to the network's
 * N × n_output float inputs. The arithmetic is in double, as the engine's. */
static const char *
onnx_preprocess (OnnxGraph                *g,
                 const HealerPreprocessor *p,
                 const char               *kpis)
{
  g_autofree double *fill = g_new (double, p->n_input);
  const char *parts[3];
  guint n_parts = 0;
  const char *x, *missing, *filled;

  for (guint j = 0; j < p->n_input; j++)
    fill[j] = p->fill[j];
  x = op1 (g, "Cast", attr_int (NULL, "to", ONNX_DOUBLE), kpis);
  /* The engine imputes whatever is not finite, infinities included. */
  missing = op2 (g, "Or", NULL, op1 (g, "IsNaN", NULL, x), op1 (g, "IsInf", NULL, x));
  filled = op3 (g, "Where", NULL, missing, vector_double (g, fill, p->n_input), x);

  if (p->n_selected > 0)
    {
      g_autofree double *mean = g_new (double, p->n_selected);
      g_autofree double *scale = g_new (double, p->n_selected);
      const char *v, *z;

      for (guint s = 0; s < p->n_selected; s++)
        {
          mean[s] = p->mean[p->selected[s]];
          scale[s] = p->scale[p->selected[s]];
        }
      v = op2 (g, "Gather", attr_int (NULL, "axis", 1), filled,
               const_uint_indices (g, p->selected, p->n_selected));
      z = op2 (g, "Div", NULL,
               op2 (g, "Sub", NULL, onnx_transform (g, p, v), vector_double (g, mean, p->n_selected)),
               vector_double (g, scale, p->n_selected));
      /* As the engine clamps them (healer_preprocessor_transform). */
      z = op3 (g, "Clip", NULL, z, scalar_double (g, -HEALER_PREPROCESS_MAX_Z),
               scalar_double (g, HEALER_PREPROCESS_MAX_Z));
      parts[n_parts++] = op1 (g, "Cast", attr_int (NULL, "to", ONNX_FLOAT), z);
    }

  if (p->ple_edges != NULL && p->n_ple > 0)
    {
      g_autofree guint *column = g_new (guint, p->n_ple);
      g_autofree double *lo = g_new (double, p->n_ple);
      g_autofree double *width = g_new (double, p->n_ple);
      guint i = 0;
      const char *e;

      for (guint s = 0; s < p->n_selected; s++)
        {
          const float *b = p->ple_edges + (gsize) s * HEALER_PLE_EDGES;

          for (guint t = 1; t < p->ple_counts[s]; t++, i++)
            {
              column[i] = p->selected[s];
              lo[i] = b[t - 1];
              width[i] = (double) b[t] - (double) b[t - 1];
            }
        }
      g_assert (i == p->n_ple);
      e = op2 (g, "Gather", attr_int (NULL, "axis", 1), filled,
               const_uint_indices (g, column, p->n_ple));
      e = op2 (g, "Div", NULL, op2 (g, "Sub", NULL, e, vector_double (g, lo, p->n_ple)),
               vector_double (g, width, p->n_ple));
      e = op3 (g, "Clip", NULL, e, scalar_double (g, 0.0), scalar_double (g, 1.0));
      parts[n_parts++] = op1 (g, "Cast", attr_int (NULL, "to", ONNX_FLOAT), e);
    }

  if (p->n_indicators > 0)
    parts[n_parts++] = op2 (g, "Gather", attr_int (NULL, "axis", 1),
                            op1 (g, "Cast", attr_int (NULL, "to", ONNX_FLOAT), missing),
                            const_uint_indices (g, p->indicators, p->n_indicators));

  g_assert (n_parts > 0);
  if (n_parts == 1)
    return parts[0];
  return onnx_node (g, "Concat", NULL, attr_int (NULL, "axis", 1), parts, n_parts);
}

/* One member's class probabilities: dense layers (Gemm with the weights
 * as stored, out × in, hence transB), the activation, a softmax last. */
static const char *
onnx_member (OnnxGraph  *g,
             HealerMlp  *mlp,
             const char *h)
{
  guint n_layers = healer_mlp_get_n_layers (mlp);

  for (guint l = 0; l < n_layers; l++)
    {
      gint64 w_dims[] = { healer_mlp_get_size (mlp, l + 1), healer_mlp_get_size (mlp, l) };
      const char *w = const_floats (g, healer_mlp_get_weights (mlp, l), w_dims, 2);
      const char *b = const_floats (g, healer_mlp_get_biases (mlp, l), w_dims, 1);

      h = op3 (g, "Gemm", attr_int (NULL, "transB", 1), h, w, b);
      if (l + 1 == n_layers)
        h = op1 (g, "Softmax", attr_int (NULL, "axis", 1), h);
      else
        switch (healer_mlp_get_activation (mlp))
          {
          case HEALER_ACTIVATION_RELU:
            h = op1 (g, "Relu", NULL, h);
            break;
          case HEALER_ACTIVATION_LEAKY_RELU:
            h = op1 (g, "LeakyRelu", attr_float (NULL, "alpha", HEALER_MLP_LEAKY_SLOPE), h);
            break;
          case HEALER_ACTIVATION_TANH:
          default:
            h = op1 (g, "Tanh", NULL, h);
            break;
          }
    }
  return h;
}

static char *
strv_to_json (const char * const *v,
              guint               n)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < n; i++)
    json_builder_add_string_value (b, v[i]);
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  return healer_json_to_string (root, FALSE, NULL);
}

static void
onnx_metadata (GByteArray *model,
               const char *key,
               const char *value)
{
  GByteArray *entry = g_byte_array_new ();

  pb_string (entry, 1, key);
  pb_string (entry, 2, value);
  pb_message_take (model, 14, entry);
}

/* What a consumer needs to feed and read the graph. */
static void
onnx_model_metadata (GByteArray        *m,
                     const HealerModel *model)
{
  const HealerPreprocessor *p = model->preprocessor;
  g_autofree char *kpis = strv_to_json ((const char * const *) p->input_names, p->n_input);
  g_autofree char *names = strv_to_json ((const char * const *) model->class_names, model->n_classes);
  g_autofree char *checksum = healer_model_weights_checksum (model);
  g_autoptr(GString) ids = g_string_new ("[");

  for (guint c = 0; c < model->n_classes; c++)
    g_string_append_printf (ids, "%s%d", c > 0 ? "," : "", model->class_ids[c]);
  g_string_append_c (ids, ']');

  onnx_metadata (m, "kpis", kpis);
  onnx_metadata (m, "class_names", names);
  onnx_metadata (m, "class_ids", ids->str);
  onnx_metadata (m, "weights_sha256", checksum);
  /* What makes a diagnosis unsure, so a consumer of "probabilities" can say
   * so as predict does: below "confidence_threshold" a diagnosis is flagged;
   * with cross-fitting, the prediction set at "coverage" holds every class
   * whose probability reaches "set_threshold", and always the diagnosis. */
  {
    char number[G_ASCII_DTOSTR_BUF_SIZE];

    onnx_metadata (m, "confidence_threshold",
                   g_ascii_dtostr (number, sizeof number, model->confidence_threshold));
    if (model->calibration != NULL && isfinite (model->set_threshold))
      {
        onnx_metadata (m, "coverage", g_ascii_dtostr (number, sizeof number, model->coverage));
        onnx_metadata (m, "set_threshold",
                       g_ascii_dtostr (number, sizeof number, model->set_threshold));
      }
  }
}

GBytes *
healer_onnx_export (const HealerModel *model)
{
  OnnxGraph g = { g_byte_array_new (), g_ptr_array_new_with_free_func (g_free), 0 };
  GByteArray *m = g_byte_array_new ();
  GByteArray *opset = g_byte_array_new ();
  g_autofree const char **member_proba = NULL;
  g_autofree gint64 *class_ids = NULL;
  const char *features, *proba, *index;

  g_return_val_if_fail (model != NULL, NULL);

  features = onnx_preprocess (&g, model->preprocessor, "kpis");

  member_proba = g_new (const char *, model->n_members);
  for (guint i = 0; i < model->n_members; i++)
    member_proba[i] = onnx_member (&g, model->members[i], features);
  if (model->n_members == 1)
    proba = onnx_node (&g, "Identity", "probabilities", NULL, member_proba, 1);
  else
    {
      float count = (float) model->n_members;
      const char *in[2];

      /* The engine adds the members' probabilities and divides by their count. */
      in[0] = onnx_node (&g, "Sum", NULL, NULL, member_proba, model->n_members);
      in[1] = const_floats (&g, &count, NULL, 0);
      proba = onnx_node (&g, "Div", "probabilities", NULL, in, 2);
    }

  /* ArgMax keeps the first of equal maxima, as healer_argmax does. */
  class_ids = g_new (gint64, model->n_classes);
  for (guint c = 0; c < model->n_classes; c++)
    class_ids[c] = model->class_ids[c];
  index = op1 (&g, "ArgMax", attr_int (attr_int (NULL, "axis", 1), "keepdims", 0), proba);
  {
    const char *in[] = { const_int64s (&g, class_ids, model->n_classes), index };

    onnx_node (&g, "Gather", "label", attr_int (NULL, "axis", 0), in, 2);
  }

  pb_string (g.graph, 2, "systemhealer");
  onnx_value_info (g.graph, 11, "kpis", ONNX_FLOAT, model->preprocessor->n_input);
  onnx_value_info (g.graph, 12, "probabilities", ONNX_FLOAT, model->n_classes);
  onnx_value_info (g.graph, 12, "label", ONNX_INT64, 0);

  pb_int (m, 1, HEALER_ONNX_IR_VERSION);
  pb_string (m, 2, "SystemHealer");
  pb_string (m, 3, PACKAGE_VERSION);
  pb_string (m, 6, "SystemHealer fault diagnosis: preprocessing, every ensemble member "
                   "and the average of their class probabilities.");
  pb_message_take (m, 7, g.graph);
  pb_int (opset, 2, HEALER_ONNX_OPSET);
  pb_message_take (m, 8, opset);
  onnx_model_metadata (m, model);

  g_ptr_array_unref (g.names);
  return g_byte_array_free_to_bytes (m);
}

gboolean
healer_onnx_save (const HealerModel *model,
                  const char        *path,
                  GError           **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize len;
  const char *data;

  g_return_val_if_fail (model != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  bytes = healer_onnx_export (model);
  data = g_bytes_get_data (bytes, &len);
  return healer_file_set_contents_atomic (path, data, len, error);
}
