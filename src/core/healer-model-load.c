/* healer-model-load.c — reading a model file: nothing in it is trusted
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The model's schema: which members a file has, their ranges, and how they
 * must agree with each other (sizes, classes, checksum). Reading bytes and
 * typed JSON members, bounded, is healer-model-reader.c's. */

#include "config.h"

#include <float.h>
#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "healer-enum.h"
#include "healer-json.h"
#include "healer-model-reader.h"

/* ---- the document, section by section ---- */

static gboolean
healer_parse_version (const char *version,
                      guint64    *major,
                      guint64    *minor)
{
  g_auto(GStrv) parts = g_strsplit (version, ".", 3);

  return g_strv_length (parts) == 2 &&
         g_ascii_string_to_unsigned (parts[0], 10, 0, G_MAXUINT16, major, NULL) &&
         g_ascii_string_to_unsigned (parts[1], 10, 0, G_MAXUINT16, minor, NULL);
}

static gboolean
healer_read_header (HealerReader *r,
                    JsonObject   *root)
{
  JsonNode *format = json_object_get_member (root, "format");
  JsonNode *version = json_object_get_member (root, "version");
  guint64 major, minor;

  if (format == NULL || !healer_node_is_type (format, G_TYPE_STRING) ||
      g_strcmp0 (json_node_get_string (format), HEALER_MODEL_FORMAT) != 0)
    {
      g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_FORMAT,
                   _("%s is not a SystemHealer model: member \"format\" is not \"%s\""),
                   r->name, HEALER_MODEL_FORMAT);
      return FALSE;
    }
  if (version == NULL || !healer_node_is_type (version, G_TYPE_STRING) ||
      !healer_parse_version (json_node_get_string (version), &major, &minor) ||
      major < 1)
    {
      g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_FORMAT,
                   _("%s: member \"version\": expected a format version such as \"%d.%d\""),
                   r->name, HEALER_MODEL_FORMAT_MAJOR, HEALER_MODEL_FORMAT_MINOR);
      return FALSE;
    }
  if (major > HEALER_MODEL_FORMAT_MAJOR)
    {
      g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_FORMAT,
                   _("%s: model file format %s is newer than this SystemHealer supports "
                     "(%d.x); update SystemHealer"),
                   r->name, json_node_get_string (version), HEALER_MODEL_FORMAT_MAJOR);
      return FALSE;
    }
  return TRUE;
}

static gboolean
healer_read_features (HealerReader *r,
                      JsonObject   *root,
                      char       ***names_out)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_auto(GStrv) names = NULL;
  JsonArray *array;
  guint n;

  if (!healer_read_array (r, root, NULL, "features", 1, HEALER_MODEL_MAX_FEATURES, &array))
    return FALSE;
  n = json_array_get_length (array);
  names = g_new0 (char *, n + 1);
  for (guint j = 0; j < n; j++)
    {
      const char *name;

      if (!healer_check_string (r, json_array_get_element (array, j), NULL, "features", j, &name))
        return FALSE;
      if (*name == '\0')
        return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, NULL, "features", j,
                                   _("a feature name is empty"));
      if (!g_hash_table_add (seen, (gpointer) name))
        return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, NULL, "features", j,
                                   _("feature \"%s\" is listed twice"), name);
      names[j] = g_strdup (name);
    }
  *names_out = g_steal_pointer (&names);
  return TRUE;
}

static gboolean
healer_read_classes (HealerReader *r,
                     JsonObject   *root,
                     HealerModel  *model)
{
  JsonArray *array;
  guint n;

  if (!healer_read_array (r, root, NULL, "classes", 1, HEALER_MODEL_MAX_CLASSES, &array))
    return FALSE;
  n = json_array_get_length (array);
  model->n_classes = n;
  model->class_ids = g_new0 (gint32, n);
  model->class_names = g_new0 (char *, n + 1);
  for (guint k = 0; k < n; k++)
    {
      JsonNode *node = json_array_get_element (array, k);
      g_autofree char *parent = g_strdup_printf ("classes[%u]", k);
      JsonObject *obj;
      const char *name;
      gint64 id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return healer_reader_wrong_type (r, NULL, "classes", k, _("an object"), node);
      obj = json_node_get_object (node);
      node = healer_reader_member (r, obj, parent, "id");
      if (node == NULL || !healer_check_int (r, node, parent, "id", -1, 0, HEALER_LABEL_MAX, &id))
        return FALSE;
      for (guint l = 0; l < k; l++)
        if (model->class_ids[l] == id)
          return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "id", -1,
                                     _("class id %d is used twice"), (int) id);
      model->class_ids[k] = (gint32) id;
      if (!healer_read_string (r, obj, parent, "name", &name))
        return FALSE;
      model->class_names[k] = g_strdup (name);
    }
  return TRUE;
}

static gboolean
healer_check_preprocessor (HealerReader       *r,
                           HealerPreprocessor *p)
{
  const char *parent = "preprocessing";

  for (guint j = 0; j < p->n_input; j++)
    {
      if (!(p->scale[j] > 0.0f))
        return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "scale", -1,
                                   _("element %u (counting from 0) is %g; scales must be positive"), j, p->scale[j]);
      /* A subnormal standard deviation is none the fit writes (it takes
       * such a column as constant, scale 1). */
      if (p->scale[j] < FLT_MIN)
        return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "scale", -1,
                                   _("element %u (counting from 0) is %g; scales must be at least %g"),
                                   j, p->scale[j], (double) FLT_MIN);
      if (p->missing_rate[j] < 0.0f || p->missing_rate[j] > 1.0f)
        return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "missing_rate", -1,
                                   _("element %u (counting from 0) is %g, not a fraction from 0 to 1"),
                                   j, p->missing_rate[j]);
      if (p->train_min[j] > p->train_max[j])
        return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "train_min", -1,
                                   _("element %u (counting from 0) is above the matching train_max"), j);
    }
  /* Quantile knots need no order check: the transform clamps its
   * probability, so any finite knots give finite outputs. */
  return TRUE;
}

/* Edges must be what the fit produces: strictly increasing in the first
 * count entries (so no bin has a zero or negative width), then padded with
 * the last edge. Finiteness is checked by healer_read_floats. */
static gboolean
healer_check_ple_edges (HealerReader             *r,
                        const HealerPreprocessor *p)
{
  const char *parent = "preprocessing";

  for (guint s = 0; s < p->n_selected; s++)
    {
      const float *b = p->ple_edges + (gsize) s * HEALER_PLE_EDGES;
      guint count = p->ple_counts[s];

      for (guint t = 1; t < HEALER_PLE_EDGES; t++)
        {
          if (t < count && !(b[t] > b[t - 1]))
            return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "ple_edges", -1,
                                       _("edge %u of selected feature %u is not above the "
                                         "edge before it; edges must be strictly increasing"),
                                       t, s);
          if (t >= count && b[t] != b[count - 1])
            return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "ple_edges", -1,
                                       _("edge %u of selected feature %u is padding and must "
                                         "repeat the last of its %u edges"),
                                       t, s, count);
        }
    }
  return TRUE;
}

/* PLE members: one edge count per selected feature, then its edges. */
static gboolean
healer_read_ple (HealerReader       *r,
                 JsonObject         *obj,
                 HealerPreprocessor *p)
{
  const char *parent = "preprocessing";
  JsonArray *array;

  if (!healer_read_array (r, obj, parent, "ple_counts", p->n_selected, p->n_selected, &array))
    return FALSE;
  p->ple_counts = g_new (guint, MAX (p->n_selected, 1));
  p->n_ple = 0;
  for (guint s = 0; s < p->n_selected; s++)
    {
      gint64 v;

      if (!healer_check_int (r, json_array_get_element (array, s), parent, "ple_counts", s,
                             1, HEALER_PLE_EDGES, &v))
        return FALSE;
      p->ple_counts[s] = (guint) v;
      p->n_ple += (guint) v - 1;
    }
  if (!healer_read_floats (r, obj, parent, "ple_edges",
                           (gsize) p->n_selected * HEALER_PLE_EDGES, &p->ple_edges))
    return FALSE;
  return healer_check_ple_edges (r, p);
}

static gboolean
healer_read_preprocessor_arrays (HealerReader       *r,
                                 JsonObject         *obj,
                                 HealerPreprocessor *p)
{
  const char *parent = "preprocessing";
  gsize n = p->n_input;

  if (!healer_read_floats (r, obj, parent, "fill", n, &p->fill) ||
      !healer_read_floats (r, obj, parent, "train_min", n, &p->train_min) ||
      !healer_read_floats (r, obj, parent, "train_max", n, &p->train_max) ||
      !healer_read_floats (r, obj, parent, "train_median", n, &p->train_median) ||
      !healer_read_floats (r, obj, parent, "train_iqr", n, &p->train_iqr) ||
      !healer_read_floats (r, obj, parent, "missing_rate", n, &p->missing_rate) ||
      !healer_read_floats (r, obj, parent, "mean", n, &p->mean) ||
      !healer_read_floats (r, obj, parent, "scale", n, &p->scale))
    return FALSE;
  if (p->config.transform == HEALER_TRANSFORM_QUANTILE &&
      !healer_read_floats (r, obj, parent, "quantiles", n * HEALER_QUANTILE_KNOTS, &p->quantiles))
    return FALSE;
  if (!healer_read_indices (r, obj, parent, "selected", p->n_input, &p->selected, &p->n_selected) ||
      !healer_read_indices (r, obj, parent, "indicators", p->n_input, &p->indicators, &p->n_indicators))
    return FALSE;
  if (p->config.transform == HEALER_TRANSFORM_PLE && !healer_read_ple (r, obj, p))
    return FALSE;
  p->n_output = p->n_selected + p->n_ple + p->n_indicators;
  if (p->n_output == 0)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "selected", -1,
                               _("no input column is used at all"));
  return healer_check_preprocessor (r, p);
}

static gboolean
healer_read_preprocess_config (HealerReader           *r,
                               JsonObject             *obj,
                               const char             *parent,
                               HealerPreprocessConfig *c)
{
  int impute = 0, transform = 0, select = 0;

  if (!healer_read_enum (r, obj, parent, "impute", HEALER_TYPE_IMPUTE, &impute) ||
      !healer_read_enum (r, obj, parent, "transform", HEALER_TYPE_TRANSFORM, &transform) ||
      !healer_read_bool (r, obj, parent, "missing_indicators", &c->missing_indicators) ||
      !healer_read_enum (r, obj, parent, "select", HEALER_TYPE_SELECT, &select) ||
      !healer_read_uint (r, obj, parent, "select_k", G_MAXUINT32, &c->select_k) ||
      !healer_read_double (r, obj, parent, "select_min_ratio", FALSE, 0.0, 1.0,
                           &c->select_min_ratio) ||
      !healer_read_bool (r, obj, parent, "drop_duplicates", &c->drop_duplicates) ||
      !healer_read_bool (r, obj, parent, "class_weights", &c->class_weights) ||
      !healer_read_bool (r, obj, parent, "drop_constant", &c->drop_constant))
    return FALSE;
  c->impute = impute;
  c->transform = transform;
  c->select = select;
  return TRUE;
}

static HealerPreprocessor *
healer_read_preprocessor (HealerReader *r,
                          JsonObject   *root,
                          char        **features)
{
  g_autoptr(HealerPreprocessor) p = g_new0 (HealerPreprocessor, 1);
  const char *parent = "preprocessing";
  JsonObject *obj;

  p->n_input = g_strv_length (features);
  p->input_names = g_strdupv (features);
  if (!healer_read_object (r, root, NULL, parent, &obj) ||
      !healer_read_preprocess_config (r, obj, parent, &p->config) ||
      !healer_read_preprocessor_arrays (r, obj, p))
    return NULL;
  return g_steal_pointer (&p);
}

/* Parameters of a network of @sizes, or FALSE when above the bound
 * (checked before anything of that size is allocated). */
static gboolean
healer_count_params (const guint *sizes,
                     guint        n_sizes,
                     guint64     *n_params)
{
  guint64 total = 0;

  for (guint l = 0; l + 1 < n_sizes; l++)
    {
      /* Both factors are ≤ HEALER_MODEL_MAX_PARAMS (2^26): no overflow. */
      total += (guint64) sizes[l + 1] * ((guint64) sizes[l] + 1);
      if (total > HEALER_MODEL_MAX_PARAMS)
        {
          *n_params = total;
          return FALSE;
        }
    }
  *n_params = total;
  return TRUE;
}

static gboolean
healer_read_architecture (HealerReader      *r,
                          JsonObject        *root,
                          guint             *sizes,
                          guint             *n_sizes,
                          HealerActivation  *activation)
{
  const char *parent = "architecture";
  const char *act;
  JsonObject *obj;
  JsonArray *array;
  guint64 n_params;

  if (!healer_read_object (r, root, NULL, parent, &obj) ||
      !healer_read_array (r, obj, parent, "sizes", 2, HEALER_MODEL_MAX_SIZES, &array))
    return FALSE;
  *n_sizes = json_array_get_length (array);
  for (guint i = 0; i < *n_sizes; i++)
    {
      gint64 v;

      if (!healer_check_int (r, json_array_get_element (array, i), parent, "sizes", i,
                             1, HEALER_MODEL_MAX_PARAMS, &v))
        return FALSE;
      sizes[i] = (guint) v;
    }
  /* Hidden widths the trainer can build; the outer two are checked against
   * the preprocessing and the classes. */
  for (guint i = 1; i + 1 < *n_sizes; i++)
    if (sizes[i] > HEALER_MAX_HIDDEN_WIDTH)
      return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "sizes", i,
                                 _("a hidden layer of %u units; expected at most %u"),
                                 sizes[i], (guint) HEALER_MAX_HIDDEN_WIDTH);
  if (!healer_count_params (sizes, *n_sizes, &n_params))
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "sizes", -1,
                               _("a network of these sizes has more than %u parameters, "
                                 "the most a model may have"), HEALER_MODEL_MAX_PARAMS);

  if (!healer_read_string (r, obj, parent, "activation", &act))
    return FALSE;
  if (!healer_activation_from_string (act, activation))
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "activation", -1,
                               _("unknown activation \"%s\""), act);
  return TRUE;
}

static gboolean
healer_check_architecture (HealerReader *r,
                           const guint  *sizes,
                           guint         n_sizes,
                           guint         n_output,
                           guint         n_classes)
{
  if (sizes[0] != n_output)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, "architecture", "sizes", 0,
                               _("the network takes %u inputs, but the preprocessing "
                                 "produces %u columns"), sizes[0], n_output);
  if (sizes[n_sizes - 1] != n_classes)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, "architecture", "sizes",
                               n_sizes - 1,
                               _("the network has %u outputs, but the model has %u classes"),
                               sizes[n_sizes - 1], n_classes);
  return TRUE;
}

static gboolean
healer_read_ensemble (HealerReader     *r,
                      JsonObject       *root,
                      const guint      *sizes,
                      guint             n_sizes,
                      HealerActivation  activation,
                      HealerModel      *model)
{
  JsonArray *array;
  guint64 n_params;
  guint n;

  healer_count_params (sizes, n_sizes, &n_params);
  if (!healer_read_array (r, root, NULL, "ensemble", 1, HEALER_MODEL_MAX_MEMBERS, &array))
    return FALSE;
  n = json_array_get_length (array);
  if (n_params * n > HEALER_MODEL_MAX_PARAMS)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, NULL, "ensemble", -1,
                               _("%u networks of %" PRIu64 " parameters are more than "
                                 "the %u parameters a model may have"),
                               n, n_params, HEALER_MODEL_MAX_PARAMS);

  model->members = g_new0 (HealerMlp *, n);
  for (guint m = 0; m < n; m++)
    {
      JsonNode *node = json_array_get_element (array, m);
      g_autofree char *parent = g_strdup_printf ("ensemble[%u]", m);
      g_autofree float *params = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        return healer_reader_wrong_type (r, NULL, "ensemble", m, _("an object"), node);
      if (!healer_read_floats (r, json_node_get_object (node), parent, "params", n_params, &params))
        return FALSE;
      for (guint64 i = 0; i < n_params; i++)
        if (fabsf (params[i]) > HEALER_MODEL_MAX_WEIGHT)
          return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "params", -1,
                                     _("element %" PRIu64 " (counting from 0) is %g; no training writes "
                                       "a weight beyond ±%g"),
                                     (guint64) i, (double) params[i], HEALER_MODEL_MAX_WEIGHT);
      model->members[m] = healer_mlp_new (sizes, n_sizes, activation, 0);
      memcpy (healer_mlp_get_params (model->members[m]), params, n_params * sizeof (float));
      model->n_members = m + 1;
    }
  return TRUE;
}

static gboolean
healer_read_checksum (HealerReader *r,
                      JsonObject   *root,
                      HealerModel  *model)
{
  g_autofree char *actual = healer_model_weights_checksum (model);
  const char *stored;

  if (!healer_read_string (r, root, NULL, "weights_sha256", &stored))
    return FALSE;
  if (g_ascii_strcasecmp (stored, actual) != 0)
    {
      g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_CHECKSUM,
                   _("%s: member \"weights_sha256\": the weights do not match their "
                     "checksum; the file is damaged"), r->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
healer_read_hidden (HealerReader      *r,
                    JsonObject        *obj,
                    HealerTrainConfig *c)
{
  JsonArray *array;

  if (!healer_read_array (r, obj, "training", "hidden", 0, HEALER_MAX_HIDDEN_LAYERS, &array))
    return FALSE;
  c->n_hidden = json_array_get_length (array);
  for (guint l = 0; l < c->n_hidden; l++)
    {
      gint64 v;

      if (!healer_check_int (r, json_array_get_element (array, l), "training", "hidden", l,
                             1, HEALER_MODEL_MAX_PARAMS, &v))
        return FALSE;
      c->hidden[l] = (guint) v;
    }
  return TRUE;
}

/* The members format 1.1 added. A file written before them (format 1.0)
 * lacks all three and was trained without them: constant rate, no noise,
 * no smoothing. When present they are checked like every other member. */
static gboolean
healer_read_train_config_1_1 (HealerReader      *r,
                              JsonObject        *obj,
                              HealerTrainConfig *c)
{
  const char *parent = "training";
  const char *str;

  c->lr_schedule = HEALER_LR_CONSTANT;
  c->input_noise = 0.0;
  c->label_smoothing = 0.0;
  if (json_object_has_member (obj, "lr_schedule"))
    {
      if (!healer_read_string (r, obj, parent, "lr_schedule", &str))
        return FALSE;
      if (!healer_lr_schedule_from_string (str, &c->lr_schedule))
        return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "lr_schedule", -1,
                                   _("unknown value \"%s\""), str);
    }
  if (json_object_has_member (obj, "input_noise") &&
      !healer_read_double (r, obj, parent, "input_noise", FALSE, 0, 10, &c->input_noise))
    return FALSE;
  if (json_object_has_member (obj, "label_smoothing"))
    {
      if (!healer_read_double (r, obj, parent, "label_smoothing", FALSE, 0, 1,
                               &c->label_smoothing))
        return FALSE;
      if (c->label_smoothing == 1.0)
        return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "label_smoothing", -1,
                                   _("expected a number below 1, found 1"));
    }
  return TRUE;
}

static gboolean
healer_read_train_config (HealerReader      *r,
                          JsonObject        *obj,
                          HealerTrainConfig *c)
{
  const char *parent = "training";
  const char *str;
  guint64 seed;

  if (!healer_read_hidden (r, obj, c))
    return FALSE;
  if (!healer_read_string (r, obj, parent, "activation", &str))
    return FALSE;
  if (!healer_activation_from_string (str, &c->activation))
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "activation", -1,
                               _("unknown activation \"%s\""), str);
  if (!healer_read_string (r, obj, parent, "optimizer", &str))
    return FALSE;
  if (!healer_optimizer_from_string (str, &c->optimizer))
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "optimizer", -1,
                               _("unknown optimizer \"%s\""), str);
  if (!healer_read_double (r, obj, parent, "learning_rate", FALSE, 0, G_MAXDOUBLE, &c->learning_rate) ||
      !healer_read_double (r, obj, parent, "momentum", FALSE, 0, 1, &c->momentum) ||
      !healer_read_double (r, obj, parent, "weight_decay", FALSE, 0, G_MAXDOUBLE, &c->weight_decay) ||
      !healer_read_double (r, obj, parent, "dropout", FALSE, 0, 1, &c->dropout) ||
      !healer_read_uint (r, obj, parent, "batch_size", G_MAXUINT32, &c->batch_size) ||
      !healer_read_uint (r, obj, parent, "epochs", G_MAXUINT32, &c->epochs) ||
      !healer_read_uint (r, obj, parent, "patience", G_MAXUINT32, &c->patience) ||
      !healer_read_double (r, obj, parent, "validation_fraction", FALSE, 0, 1, &c->validation_fraction) ||
      !healer_read_uint (r, obj, parent, "ensemble", G_MAXUINT32, &c->ensemble) ||
      !healer_read_string (r, obj, parent, "seed", &str))
    return FALSE;
  if (!g_ascii_string_to_unsigned (str, 10, 0, G_MAXUINT64, &seed, NULL))
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "seed", -1,
                               _("expected a decimal integer in a string, found \"%s\""), str);
  c->seed = seed;
  return healer_read_train_config_1_1 (r, obj, c);
}

static gboolean
healer_read_history (HealerReader *r,
                     JsonObject   *training,
                     HealerModel  *model)
{
  HealerTrainHistory *h = &model->history;
  const char *parent = "training.history";
  JsonObject *obj;
  guint n;

  if (!healer_read_object (r, training, "training", "history", &obj) ||
      !healer_read_doubles (r, obj, parent, "train_loss", -1, TRUE, -G_MAXDOUBLE, G_MAXDOUBLE,
                            &h->train_loss, &n))
    return FALSE;
  h->n_epochs = n;
  return healer_read_doubles (r, obj, parent, "val_loss", n, TRUE, -G_MAXDOUBLE, G_MAXDOUBLE,
                              &h->val_loss, NULL) &&
         healer_read_doubles (r, obj, parent, "val_macro_f1", n, TRUE, 0, HEALER_MODEL_UNIT_MAX,
                              &h->val_macro_f1, NULL);
}

static gboolean
healer_read_training (HealerReader *r,
                      JsonObject   *root,
                      HealerModel  *model)
{
  const char *parent = "training";
  JsonObject *obj;
  const char *status;

  if (!healer_read_object (r, root, NULL, parent, &obj) ||
      !healer_read_train_config (r, obj, &model->config) ||
      !healer_read_string (r, obj, parent, "status", &status) ||
      !healer_read_uint (r, obj, parent, "best_epoch", G_MAXUINT32, &model->best_epoch) ||
      !healer_read_count (r, obj, parent, "n_train_rows", &model->n_train_rows) ||
      !healer_read_count (r, obj, parent, "n_duplicates_removed", &model->n_duplicates_removed) ||
      !healer_read_history (r, obj, model))
    return FALSE;
  if (!healer_train_status_from_string (status, &model->status))
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "status", -1,
                               _("unknown value \"%s\""), status);
  model->config.preprocess = model->preprocessor->config;
  return TRUE;
}

/* The training section describes the network it trained: info shows it,
 * and a file whose two descriptions disagree was edited by hand, so which
 * one is true cannot be known. The network itself (architecture,
 * ensemble) is what diagnoses; the training section must agree with it. */
static gboolean
healer_check_training (HealerReader      *r,
                       const guint       *sizes,
                       guint              n_sizes,
                       HealerActivation   activation,
                       const HealerModel *model)
{
  const HealerTrainConfig *c = &model->config;
  const char *parent = "training";

  if (c->activation != activation)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "activation", -1,
                               _("\"%s\", but the network (architecture.activation) uses "
                                 "\"%s\""), healer_activation_to_string (c->activation),
                               healer_activation_to_string (activation));
  if (c->n_hidden != n_sizes - 2)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "hidden", -1,
                               _("%u hidden layers, but the network (architecture.sizes) "
                                 "has %u"), c->n_hidden, n_sizes - 2);
  for (guint l = 0; l < c->n_hidden; l++)
    if (c->hidden[l] != sizes[l + 1])
      return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "hidden", l,
                                 _("%u units, but that layer of the network "
                                   "(architecture.sizes) has %u"), c->hidden[l], sizes[l + 1]);
  if (c->ensemble != model->n_members)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "ensemble", -1,
                               _("%u networks, but the file holds %u (ensemble)"),
                               c->ensemble, model->n_members);
  if (model->history.n_epochs > c->epochs)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "history", -1,
                               _("%u epochs recorded, but training was set to at most %u "
                                 "(training.epochs)"), model->history.n_epochs, c->epochs);
  if (model->best_epoch > model->history.n_epochs)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "best_epoch", -1,
                               _("epoch %u, but the history records %u epochs"),
                               model->best_epoch, model->history.n_epochs);
  if (model->n_train_rows == 0)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "n_train_rows", -1,
                               _("0; a model is trained on at least one row"));
  return TRUE;
}

static gboolean
healer_read_confusion (HealerReader  *r,
                       JsonObject    *obj,
                       const char    *parent,
                       HealerMetrics *m)
{
  JsonArray *rows;
  guint n = m->n_classes;

  if (!healer_read_array (r, obj, parent, "confusion", n, n, &rows))
    return FALSE;
  for (guint t = 0; t < n; t++)
    {
      JsonNode *node = json_array_get_element (rows, t);
      JsonArray *row;

      if (!JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) != n)
        return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "confusion", t,
                                   _("expected an array of %u counts"), n);
      row = json_node_get_array (node);
      for (guint p = 0; p < n; p++)
        {
          gint64 v;

          if (!healer_check_int (r, json_array_get_element (row, p), parent, "confusion", t,
                                 0, HEALER_JSON_MAX_SAFE_INT, &v))
            return FALSE;
          m->confusion[(gsize) t * n + p] = (gsize) v;
        }
    }
  return TRUE;
}

static gboolean
healer_read_metric_values (HealerReader  *r,
                           JsonObject    *obj,
                           const char    *parent,
                           HealerMetrics *m)
{
  struct { const char *key; double *value; } scalars[] = {
    { "accuracy", &m->accuracy },
    { "macro_precision", &m->macro_precision },
    { "macro_recall", &m->macro_recall },
    { "macro_f1", &m->macro_f1 },
    { "weighted_precision", &m->weighted_precision },
    { "weighted_recall", &m->weighted_recall },
    { "weighted_f1", &m->weighted_f1 },
  };
  struct { const char *key; double **value; } arrays[] = {
    { "precision", &m->precision },
    { "recall", &m->recall },
    { "f1", &m->f1 },
  };
  JsonArray *support;

  for (gsize i = 0; i < G_N_ELEMENTS (scalars); i++)
    if (!healer_read_double (r, obj, parent, scalars[i].key, TRUE, 0, HEALER_MODEL_UNIT_MAX,
                             scalars[i].value))
      return FALSE;
  if (!healer_read_double (r, obj, parent, "log_loss", TRUE, 0, G_MAXDOUBLE, &m->log_loss))
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (arrays); i++)
    if (!healer_read_doubles (r, obj, parent, arrays[i].key, m->n_classes, TRUE, 0, HEALER_MODEL_UNIT_MAX,
                              arrays[i].value, NULL))
      return FALSE;
  if (!healer_read_array (r, obj, parent, "support", m->n_classes, m->n_classes, &support))
    return FALSE;
  for (guint k = 0; k < m->n_classes; k++)
    {
      gint64 v;

      if (!healer_check_int (r, json_array_get_element (support, k), parent, "support", k,
                             0, HEALER_JSON_MAX_SAFE_INT, &v))
        return FALSE;
      m->support[k] = (gsize) v;
    }
  return healer_read_confusion (r, obj, parent, m);
}

/* NULL with no error when the member is null (no such evaluation). */
static gboolean
healer_read_metrics (HealerReader   *r,
                     JsonObject     *metrics,
                     const char     *key,
                     guint           n_classes,
                     HealerMetrics **out)
{
  g_autoptr(HealerMetrics) m = NULL;
  g_autofree char *parent = g_strdup_printf ("metrics.%s", key);
  JsonNode *node = healer_reader_member (r, metrics, "metrics", key);
  JsonObject *obj;

  if (node == NULL)
    return FALSE;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return healer_reader_wrong_type (r, "metrics", key, -1, _("an object or null"), node);
  obj = json_node_get_object (node);

  m = g_new0 (HealerMetrics, 1);
  if (!healer_read_uint (r, obj, parent, "n_classes", HEALER_MODEL_MAX_CLASSES, &m->n_classes))
    return FALSE;
  if (m->n_classes != n_classes)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "n_classes", -1,
                               _("expected %u, as many as the model has classes, found %u"),
                               n_classes, m->n_classes);
  m->support = g_new0 (gsize, n_classes);
  m->confusion = g_new0 (gsize, (gsize) n_classes * n_classes);
  if (!healer_read_count (r, obj, parent, "n_samples", &m->n_samples) ||
      !healer_read_metric_values (r, obj, parent, m))
    return FALSE;
  *out = g_steal_pointer (&m);
  return TRUE;
}

static gboolean
healer_read_provenance (HealerReader *r,
                        JsonObject   *root,
                        HealerModel  *model)
{
  g_autoptr(GDateTime) created = NULL;
  const char *app_version, *text;
  JsonObject *metrics;

  if (!healer_read_string (r, root, NULL, "app_version", &app_version) ||
      !healer_read_string (r, root, NULL, "created", &text))
    return FALSE;
  created = g_date_time_new_from_iso8601 (text, NULL);
  /* Shown in UTC everywhere: a moment that is no date there (year 1 at
   * +14:00 is year 0 in UTC) could only be shown as "?". */
  if (created != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_to_utc (created);

      if (utc == NULL)
        g_clear_pointer (&created, g_date_time_unref);
    }
  if (created == NULL)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, NULL, "created", -1,
                               _("expected a date such as \"2024-05-01T12:00:00Z\", found \"%s\""),
                               text);
  model->app_version = g_strdup (app_version);
  model->created_unix = g_date_time_to_unix (created);

  return healer_read_object (r, root, NULL, "metrics", &metrics) &&
         healer_read_metrics (r, metrics, "train", model->n_classes, &model->train_metrics) &&
         healer_read_metrics (r, metrics, "validation", model->n_classes,
                              &model->validation_metrics) &&
         healer_read_double (r, root, NULL, "confidence_threshold", FALSE, 0, 1,
                             &model->confidence_threshold);
}

/* ---- optional sections: absent from files of older versions ---- */

/* An optional top-level section @key whose member @method_key must be
 * @method: TRUE with *@out NULL when the section is absent or null, TRUE
 * with *@out set when it is there, FALSE when it is malformed. */
static gboolean
healer_read_section (HealerReader  *r,
                     JsonObject    *root,
                     const char    *key,
                     const char    *method_key,
                     const char    *method,
                     JsonObject   **out)
{
  JsonNode *node = json_object_get_member (root, key);
  const char *found;
  JsonObject *obj;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return healer_reader_wrong_type (r, NULL, key, -1, _("an object"), node);
  obj = json_node_get_object (node);
  if (!healer_read_string (r, obj, key, method_key, &found))
    return FALSE;
  if (strcmp (found, method) != 0)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, key, method_key, -1,
                               _("unknown value \"%s\""), found);
  *out = obj;
  return TRUE;
}

/* ---- explanations ---- */

static gboolean
healer_read_signature (HealerReader    *r,
                       JsonNode        *node,
                       guint            c,
                       guint            n_input,
                       HealerSignature *sig)
{
  g_autofree char *parent = g_strdup_printf ("explanations.signatures[%u]", c);
  g_autofree guint *features = NULL;
  g_autofree double *effect = NULL;
  g_autofree double *median_class = NULL;
  g_autofree double *median_rest = NULL;
  JsonObject *obj;
  guint n;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return healer_reader_wrong_type (r, "explanations", "signatures", c, _("an object"), node);
  obj = json_node_get_object (node);
  if (!healer_read_indices (r, obj, parent, "features", n_input, &features, &n))
    return FALSE;
  if (n > HEALER_EXPLAIN_MAX_TOP)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "features", -1,
                               _("expected at most %u KPIs, found %u"),
                               (guint) HEALER_EXPLAIN_MAX_TOP, n);
  if (!healer_read_doubles (r, obj, parent, "effect", n, FALSE, -1.0, 1.0, &effect, NULL) ||
      !healer_read_doubles (r, obj, parent, "median_class", n, FALSE, -G_MAXDOUBLE, G_MAXDOUBLE,
                            &median_class, NULL) ||
      !healer_read_doubles (r, obj, parent, "median_rest", n, FALSE, -G_MAXDOUBLE, G_MAXDOUBLE,
                            &median_rest, NULL))
    return FALSE;

  sig->entries = g_new (HealerSignatureEntry, MAX (n, 1));
  sig->n_entries = n;
  for (guint e = 0; e < n; e++)
    sig->entries[e] = (HealerSignatureEntry) {
      .feature = features[e], .effect = effect[e],
      .median_class = median_class[e], .median_rest = median_rest[e],
    };
  return TRUE;
}

static gboolean
healer_read_importance_values (HealerReader       *r,
                               JsonObject         *obj,
                               guint               n_input,
                               HealerExplanations *ex)
{
  const char *parent = "explanations.importance";
  g_autofree guint *features = NULL;
  g_autofree double *drop = NULL;
  g_autofree double *std = NULL;
  g_autofree double *loss = NULL;
  guint n;

  if (!healer_read_indices (r, obj, parent, "features", n_input, &features, &n))
    return FALSE;
  if (n != n_input)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "features", -1,
                               _("expected every one of the %u KPIs, found %u"), n_input, n);
  if (!healer_read_doubles (r, obj, parent, "f1_drop", n, FALSE, -HEALER_MODEL_UNIT_MAX,
                            HEALER_MODEL_UNIT_MAX, &drop, NULL) ||
      !healer_read_doubles (r, obj, parent, "f1_drop_std", n, FALSE, 0.0, HEALER_MODEL_UNIT_MAX,
                            &std, NULL) ||
      !healer_read_doubles (r, obj, parent, "log_loss_increase", n, FALSE, -G_MAXDOUBLE,
                            G_MAXDOUBLE, &loss, NULL))
    return FALSE;

  ex->importance = g_new (HealerImportance, MAX (n, 1));
  ex->n_importance = n;
  for (guint j = 0; j < n; j++)
    ex->importance[j] = (HealerImportance) {
      .feature = features[j], .f1_drop = drop[j], .f1_drop_std = std[j],
      .log_loss_increase = loss[j],
    };
  return TRUE;
}

static gboolean
healer_read_importance (HealerReader       *r,
                        JsonObject         *explanations,
                        guint               n_input,
                        HealerExplanations *ex)
{
  const char *parent = "explanations.importance";
  JsonNode *node = healer_reader_member (r, explanations, "explanations", "importance");
  const char *rows;
  JsonObject *obj;

  if (node == NULL)
    return FALSE;
  ex->base_macro_f1 = ex->base_log_loss = NAN;
  if (JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return healer_reader_wrong_type (r, "explanations", "importance", -1, _("an object or null"),
                                     node);
  obj = json_node_get_object (node);
  if (!healer_read_string (r, obj, parent, "rows", &rows))
    return FALSE;
  if (!healer_importance_rows_from_string (rows, &ex->importance_rows))
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "rows", -1,
                               _("expected \"validation\" or \"training\", found \"%s\""), rows);
  if (!healer_read_count (r, obj, parent, "n_rows", &ex->importance_n_rows) ||
      !healer_read_uint (r, obj, parent, "repeats", HEALER_EXPLAIN_MAX_REPEATS,
                         &ex->importance_repeats) ||
      !healer_read_double (r, obj, parent, "macro_f1", FALSE, 0.0, HEALER_MODEL_UNIT_MAX,
                           &ex->base_macro_f1) ||
      !healer_read_double (r, obj, parent, "log_loss", FALSE, 0.0, G_MAXDOUBLE,
                           &ex->base_log_loss))
    return FALSE;
  if (ex->importance_repeats < 1)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "repeats", -1,
                               _("expected at least one repeat, found 0"));
  return healer_read_importance_values (r, obj, n_input, ex);
}

static gboolean
healer_read_explanations (HealerReader *r,
                          JsonObject   *root,
                          HealerModel  *model)
{
  const char *parent = "explanations";
  g_autoptr(HealerExplanations) ex = NULL;
  guint n_input = model->preprocessor->n_input;
  JsonObject *obj;
  JsonArray *signatures;

  if (!healer_read_section (r, root, parent, "signature_method", "cliffs-delta", &obj))
    return FALSE;
  if (obj == NULL)
    return TRUE;
  ex = g_new0 (HealerExplanations, 1);
  ex->n_classes = model->n_classes;
  ex->signatures = g_new0 (HealerSignature, model->n_classes);
  if (!healer_read_count (r, obj, parent, "signature_rows", &ex->signature_rows) ||
      !healer_read_array (r, obj, parent, "signatures", model->n_classes, model->n_classes,
                          &signatures))
    return FALSE;
  for (guint c = 0; c < model->n_classes; c++)
    if (!healer_read_signature (r, json_array_get_element (signatures, c), c, n_input,
                                &ex->signatures[c]))
      return FALSE;
  if (!healer_read_importance (r, obj, n_input, ex))
    return FALSE;

  model->explanations = g_steal_pointer (&ex);
  return TRUE;
}

/* ---- estimate and prediction sets: since format 1.2 ---- */

static gboolean
healer_read_estimate (HealerReader *r,
                      JsonObject   *root,
                      HealerModel  *model)
{
  const char *parent = "estimate";
  g_autoptr(HealerEstimate) e = NULL;
  JsonObject *obj;
  guint n;

  if (!healer_read_section (r, root, parent, "method", "cross-fitted", &obj))
    return FALSE;
  if (obj == NULL)
    return TRUE;
  e = g_new0 (HealerEstimate, 1);
  e->n_classes = model->n_classes;
  if (!healer_read_uint (r, obj, parent, "folds", HEALER_ESTIMATE_MAX_FOLDS, &e->n_folds) ||
      !healer_read_count (r, obj, parent, "rows", &e->n_rows) ||
      !healer_read_double (r, obj, parent, "accuracy", FALSE, 0, HEALER_MODEL_UNIT_MAX, &e->accuracy) ||
      !healer_read_double (r, obj, parent, "macro_f1", FALSE, 0, HEALER_MODEL_UNIT_MAX, &e->macro_f1) ||
      !healer_read_doubles (r, obj, parent, "class_f1", model->n_classes, FALSE, 0,
                            HEALER_MODEL_UNIT_MAX, &e->class_f1, &n) ||
      !healer_read_double (r, obj, parent, "log_loss", FALSE, 0, G_MAXDOUBLE, &e->log_loss) ||
      !healer_read_double (r, obj, parent, "calibration_error", FALSE, 0, HEALER_MODEL_UNIT_MAX,
                           &e->calibration_error) ||
      !healer_read_double (r, obj, parent, "coverage", FALSE, HEALER_COVERAGE_MIN,
                           HEALER_COVERAGE_MAX, &e->coverage) ||
      !healer_read_double (r, obj, parent, "set_coverage", FALSE, 0, HEALER_MODEL_UNIT_MAX,
                           &e->set_coverage) ||
      !healer_read_double (r, obj, parent, "mean_set_size", FALSE, 1, model->n_classes,
                           &e->mean_set_size) ||
      !healer_read_double (r, obj, parent, "flagged_share", FALSE, 0, HEALER_MODEL_UNIT_MAX,
                           &e->flagged_share) ||
      /* null when no out-of-fold diagnosis was wrong */
      !healer_read_double (r, obj, parent, "errors_flagged", TRUE, 0, HEALER_MODEL_UNIT_MAX,
                           &e->errors_flagged))
    return FALSE;
  if (e->n_folds < 2)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "folds", -1,
                               _("expected at least 2 folds, found %u"), e->n_folds);
  model->estimate = g_steal_pointer (&e);
  return TRUE;
}

static gboolean
healer_read_prediction_sets (HealerReader *r,
                             JsonObject   *root,
                             HealerModel  *model)
{
  const char *parent = "prediction_sets";
  g_autoptr(HealerConformalScores) c = NULL;
  JsonObject *obj;
  double coverage;

  if (!healer_read_section (r, root, parent, "method", "split-conformal", &obj))
    return FALSE;
  if (obj == NULL)
    return TRUE;
  c = g_new0 (HealerConformalScores, 1);
  if (!healer_read_double (r, obj, parent, "coverage", FALSE, HEALER_COVERAGE_MIN,
                           HEALER_COVERAGE_MAX, &coverage) ||
      !healer_read_count (r, obj, parent, "n_rows", &c->n_rows) ||
      !healer_read_doubles (r, obj, parent, "scores", -1, FALSE, 0, 1, &c->scores, &c->n_scores))
    return FALSE;
  /* The sketch's ranks are only defined for this many scores. */
  if (c->n_scores != MIN (c->n_rows, HEALER_CONFORMAL_MAX_SCORES))
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "scores", -1,
                               _("expected %zu scores for %zu rows, found %u"),
                               (gsize) MIN (c->n_rows, HEALER_CONFORMAL_MAX_SCORES), c->n_rows,
                               c->n_scores);
  for (guint j = 1; j < c->n_scores; j++)
    if (c->scores[j] > c->scores[j - 1])
      return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, "scores", j,
                                 _("expected scores sorted from the largest down, found %g after %g"),
                                 c->scores[j], c->scores[j - 1]);
  model->calibration = g_steal_pointer (&c);
  healer_model_set_coverage (model, coverage);
  return TRUE;
}

static HealerModel *
healer_model_read (HealerReader *r,
                   JsonObject   *root)
{
  g_autoptr(HealerModel) model = g_new0 (HealerModel, 1);
  g_auto(GStrv) features = NULL;
  guint sizes[HEALER_MODEL_MAX_SIZES];
  guint n_sizes;
  HealerActivation activation;

  model->ref_count = 1;
  model->coverage = NAN;
  model->set_threshold = INFINITY;
  if (!healer_read_header (r, root) ||
      !healer_read_features (r, root, &features) ||
      !healer_read_classes (r, root, model))
    return NULL;
  model->preprocessor = healer_read_preprocessor (r, root, features);
  if (model->preprocessor == NULL)
    return NULL;
  if (!healer_read_architecture (r, root, sizes, &n_sizes, &activation) ||
      !healer_check_architecture (r, sizes, n_sizes, model->preprocessor->n_output,
                                  model->n_classes) ||
      !healer_read_ensemble (r, root, sizes, n_sizes, activation, model) ||
      !healer_read_checksum (r, root, model) ||
      !healer_read_training (r, root, model) ||
      !healer_check_training (r, sizes, n_sizes, activation, model) ||
      !healer_read_provenance (r, root, model) ||
      !healer_read_explanations (r, root, model) ||
      !healer_read_estimate (r, root, model) ||
      !healer_read_prediction_sets (r, root, model))
    return NULL;
  return g_steal_pointer (&model);
}

HealerModel *
healer_model_load_from_data (const char *data,
                             gsize       len,
                             const char *name,
                             GError    **error)
{
  g_autoptr(JsonParser) parser = NULL;
  HealerReader reader = { name != NULL ? name : "model", error };
  JsonObject *root;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len > HEALER_MODEL_MAX_FILE_SIZE)
    {
      g_autofree char *size = g_format_size (len);
      g_autofree char *max = g_format_size (HEALER_MODEL_MAX_FILE_SIZE);

      g_set_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_INVALID,
                   _("%s is %s, larger than the %s a model file may have"), reader.name, size, max);
      return NULL;
    }
  if (len == 0)
    {
      g_set_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_PARSE,
                   _("%s: the file is empty"), reader.name);
      return NULL;
    }

  parser = healer_parse (&reader, data, len, &root);
  if (parser == NULL)
    return NULL;
  return healer_model_read (&reader, root);
}

HealerModel *
healer_model_load_with_limit (const char  *path,
                              guint64      max_size,
                              GError     **error)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *display = NULL;
  g_autoptr(GError) local_error = NULL;
  HealerModel *model = NULL;
  gsize len = 0;
  const char *data;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  file = g_file_new_for_path (path);
  display = g_filename_display_name (path);
  bytes = healer_read_bounded (file, display, MIN (max_size, HEALER_MODEL_MAX_FILE_SIZE),
                               &local_error);
  if (bytes != NULL)
    {
      data = g_bytes_get_data (bytes, &len);
      model = healer_model_load_from_data (data != NULL ? data : "", len, display, &local_error);
    }
  /* For the log file: a refused model is the first thing to look at when
   * a user reports that loading failed. */
  if (model == NULL)
    {
      g_info ("model %s (%zu bytes read) refused: %s", display, len, local_error->message);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  else
    g_info ("model %s loaded: %zu bytes, %u classes, %u members", display, len,
            model->n_classes, model->n_members);
  return model;
}

HealerModel *
healer_model_load (const char  *path,
                   GError     **error)
{
  return healer_model_load_with_limit (path, HEALER_MODEL_MAX_FILE_SIZE, error);
}


gboolean
healer_train_config_from_json (const char         *json,
                               HealerTrainConfig  *config,
                               GError            **error)
{
  g_autoptr(JsonParser) parser = NULL;
  HealerReader reader = { "settings", error };
  HealerTrainConfig c;
  JsonObject *root;

  g_return_val_if_fail (json != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  /* Every member is read and bounded as in a model file, into a copy, so
   * a bad text leaves @config as it was. */
  healer_train_config_init_default (&c);
  parser = healer_parse (&reader, json, strlen (json), &root);
  if (parser == NULL ||
      !healer_read_train_config (&reader, root, &c) ||
      !healer_read_preprocess_config (&reader, root, NULL, &c.preprocess) ||
      !healer_train_config_validate (&c, error))
    return FALSE;
  *config = c;
  return TRUE;
}
