/* healer-model.c — a trained model: construction, prediction and its JSON file format
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "healer-json.h"
#include "healer-model-json.h"
#include "healer-model-private.h"
#include "healer-output.h"
#include "healer-text.h"

G_DEFINE_QUARK (healer-model-error-quark, healer_model_error)
/* ------------------------------------------------------------------ */
/* Life cycle                                                           */

static gint64
healer_model_now (void)
{
  const char *epoch = g_getenv ("SOURCE_DATE_EPOCH");
  guint64 value;

  if (epoch != NULL &&
      g_ascii_string_to_unsigned (epoch, 10, 0, HEALER_MODEL_MAX_UNIX, &value, NULL))
    return (gint64) value;
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
healer_members_consistent (HealerMlp * const *members,
                           guint              n_members)
{
  HealerMlp *first = members[0];
  guint n_sizes;

  if (first == NULL)
    return FALSE;
  n_sizes = healer_mlp_get_n_layers (first) + 1;
  if (n_sizes > HEALER_MODEL_MAX_SIZES)
    return FALSE;
  for (guint m = 1; m < n_members; m++)
    {
      if (members[m] == NULL || healer_mlp_get_n_layers (members[m]) + 1 != n_sizes ||
          healer_mlp_get_activation (members[m]) != healer_mlp_get_activation (first))
        return FALSE;
      for (guint i = 0; i < n_sizes; i++)
        if (healer_mlp_get_size (members[m], i) != healer_mlp_get_size (first, i))
          return FALSE;
    }
  return TRUE;
}

static char **
healer_default_class_names (const gint32 *class_ids,
                            guint         n_classes)
{
  char **names = g_new0 (char *, n_classes + 1);

  for (guint k = 0; k < n_classes; k++)
    names[k] = healer_class_default_name (class_ids[k]);
  return names;
}

HealerModel *
healer_model_new (HealerPreprocessor *preprocessor,
                  HealerMlp         **members,
                  guint               n_members,
                  const gint32       *class_ids,
                  guint               n_classes)
{
  HealerModel *self;
  HealerMlp *first;

  g_return_val_if_fail (preprocessor != NULL, NULL);
  g_return_val_if_fail (members != NULL && n_members >= 1, NULL);
  g_return_val_if_fail (class_ids != NULL && n_classes >= 1, NULL);
  g_return_val_if_fail (healer_members_consistent (members, n_members), NULL);
  first = members[0];
  g_return_val_if_fail (healer_mlp_get_n_inputs (first) == preprocessor->n_output, NULL);
  g_return_val_if_fail (healer_mlp_get_n_outputs (first) == n_classes, NULL);

  self = g_new0 (HealerModel, 1);
  self->ref_count = 1;
  self->app_version = g_strdup (PACKAGE_VERSION);
  self->created_unix = healer_model_now ();
  self->preprocessor = preprocessor;
  self->n_members = n_members;
  self->members = members;
  self->n_classes = n_classes;
  self->class_ids = g_memdup2 (class_ids, n_classes * sizeof (gint32));
  self->class_names = healer_default_class_names (class_ids, n_classes);

  /* The defaults, corrected to describe what was actually built. */
  healer_train_config_init_default (&self->config);
  self->config.preprocess = preprocessor->config;
  self->config.activation = healer_mlp_get_activation (first);
  self->config.n_hidden = healer_mlp_get_n_layers (first) - 1;
  for (guint l = 0; l < HEALER_MAX_HIDDEN_LAYERS; l++)
    self->config.hidden[l] = l < self->config.n_hidden ? healer_mlp_get_size (first, l + 1) : 0;
  self->config.ensemble = n_members;

  self->status = HEALER_TRAIN_COMPLETED;
  self->confidence_threshold = 0.0;
  self->coverage = NAN;
  self->set_threshold = INFINITY;
  return self;
}

G_DEFINE_BOXED_TYPE (HealerModel, healer_model, healer_model_ref, healer_model_unref)

HealerModel *
healer_model_ref (HealerModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
healer_model_unref (HealerModel *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;

  g_free (self->app_version);
  if (self->params_owner != NULL)
    healer_model_unref (self->params_owner);
  else
    {
      healer_preprocessor_free (self->preprocessor);
      for (guint m = 0; m < self->n_members; m++)
        healer_mlp_free (self->members[m]);
      g_free (self->members);
    }
  g_free (self->class_ids);
  g_strfreev (self->class_names);
  g_free (self->history.train_loss);
  g_free (self->history.val_loss);
  g_free (self->history.val_macro_f1);
  g_clear_pointer (&self->train_metrics, healer_metrics_free);
  g_clear_pointer (&self->validation_metrics, healer_metrics_free);
  g_clear_pointer (&self->explanations, healer_explanations_free);
  g_clear_pointer (&self->estimate, healer_estimate_free);
  g_clear_pointer (&self->calibration, healer_conformal_scores_free);
  g_free (self);
}

void
healer_model_set_coverage (HealerModel *self,
                           double       coverage)
{
  g_return_if_fail (self != NULL);

  if (self->calibration == NULL)
    return;
  self->coverage = coverage;
  self->set_threshold = healer_conformal_threshold (self->calibration, coverage);
}

guint
healer_model_prediction_set (const HealerModel *self,
                             const float       *proba,
                             guint             *classes_out)
{
  g_return_val_if_fail (self != NULL, 0);

  return healer_prediction_set (proba, self->n_classes, self->set_threshold, classes_out);
}

static void
healer_history_copy (HealerTrainHistory       *dest,
                     const HealerTrainHistory *src)
{
  gsize size = src->n_epochs * sizeof (double);

  dest->n_epochs = src->n_epochs;
  dest->train_loss = src->train_loss != NULL ? g_memdup2 (src->train_loss, size) : NULL;
  dest->val_loss = src->val_loss != NULL ? g_memdup2 (src->val_loss, size) : NULL;
  dest->val_macro_f1 = src->val_macro_f1 != NULL ? g_memdup2 (src->val_macro_f1, size) : NULL;
}

HealerModel *
healer_model_derive (const HealerModel *self)
{
  HealerModel *copy;
  HealerModel *owner;

  g_return_val_if_fail (self != NULL, NULL);

  /* Always the model that frees the parameters, so a chain of renames
   * does not keep every intermediate model alive. */
  owner = self->params_owner != NULL ? self->params_owner : (HealerModel *) self;

  copy = g_new0 (HealerModel, 1);
  copy->ref_count = 1;
  copy->params_owner = healer_model_ref (owner);
  copy->app_version = g_strdup (self->app_version);
  copy->created_unix = self->created_unix;
  copy->preprocessor = self->preprocessor;
  copy->n_members = self->n_members;
  copy->members = self->members;
  copy->n_classes = self->n_classes;
  copy->class_ids = g_memdup2 (self->class_ids, self->n_classes * sizeof (gint32));
  copy->class_names = g_strdupv (self->class_names);
  copy->config = self->config;
  copy->status = self->status;
  copy->best_epoch = self->best_epoch;
  healer_history_copy (&copy->history, &self->history);
  copy->train_metrics = self->train_metrics != NULL ? healer_metrics_copy (self->train_metrics) : NULL;
  copy->validation_metrics = self->validation_metrics != NULL
                             ? healer_metrics_copy (self->validation_metrics) : NULL;
  copy->confidence_threshold = self->confidence_threshold;
  copy->n_train_rows = self->n_train_rows;
  copy->n_duplicates_removed = self->n_duplicates_removed;
  copy->explanations = self->explanations != NULL ? healer_explanations_copy (self->explanations) : NULL;
  copy->estimate = healer_estimate_copy (self->estimate);
  copy->calibration = healer_conformal_scores_copy (self->calibration);
  copy->coverage = self->coverage;
  copy->set_threshold = self->set_threshold;
  return copy;
}

gboolean
healer_model_same_network (const HealerModel *a,
                           const HealerModel *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return a->members == b->members;
}

HealerModel *
healer_model_with_class_name (const HealerModel *self,
                              guint              index,
                              const char        *name)
{
  g_autofree char *stripped = NULL;
  HealerModel *copy;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (index < self->n_classes, NULL);
  g_return_val_if_fail (name != NULL, NULL);

  stripped = g_strstrip (g_strdup (name));
  copy = healer_model_derive (self);
  g_free (copy->class_names[index]);
  if (stripped[0] != '\0')
    copy->class_names[index] = g_steal_pointer (&stripped);
  else
    copy->class_names[index] = healer_class_default_name (self->class_ids[index]);
  return copy;
}

HealerModel *
healer_model_with_coverage (const HealerModel *self,
                            double             coverage)
{
  HealerModel *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = healer_model_derive (self);
  healer_model_set_coverage (copy, coverage);
  return copy;
}

HealerModel *
healer_model_with_train_metrics (const HealerModel   *self,
                                 const HealerMetrics *metrics)
{
  HealerModel *copy;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (metrics != NULL, NULL);

  copy = healer_model_derive (self);
  g_clear_pointer (&copy->train_metrics, healer_metrics_free);
  copy->train_metrics = healer_metrics_copy (metrics);
  return copy;
}

int
healer_model_class_index (const HealerModel *self,
                          gint32             label)
{
  g_return_val_if_fail (self != NULL, -1);

  for (guint k = 0; k < self->n_classes; k++)
    if (self->class_ids[k] == label)
      return (int) k;
  return -1;
}

static void
healer_checksum_floats (GChecksum   *sum,
                        const float *v,
                        gsize        n)
{
  guint32 buf[1024];

  while (n > 0)
    {
      gsize k = MIN (n, G_N_ELEMENTS (buf));

      healer_floats_to_le (v, k, buf);
      g_checksum_update (sum, (const guchar *) buf, k * sizeof (guint32));
      v += k;
      n -= k;
    }
}

char *
healer_checksum_members (HealerMlp * const *members,
                         guint              n_members)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  for (guint m = 0; m < n_members; m++)
    healer_checksum_floats (sum, healer_mlp_get_params (members[m]),
                            healer_mlp_get_n_params (members[m]));
  return g_strdup (g_checksum_get_string (sum));
}

char *
healer_model_weights_checksum (const HealerModel *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return healer_checksum_members (self->members, self->n_members);
}
void
healer_preprocess_config_add_members (JsonBuilder                  *b,
                                      const HealerPreprocessConfig *c)
{
  healer_json_add_string (b, "impute", healer_impute_to_string (c->impute));
  healer_json_add_string (b, "transform", healer_transform_to_string (c->transform));
  healer_json_add_bool (b, "missing_indicators", c->missing_indicators);
  healer_json_add_string (b, "select", healer_select_to_string (c->select));
  healer_json_add_int (b, "select_k", c->select_k);
  healer_json_add_double (b, "select_min_ratio", c->select_min_ratio);
  healer_json_add_bool (b, "drop_duplicates", c->drop_duplicates);
  healer_json_add_bool (b, "class_weights", c->class_weights);
  healer_json_add_bool (b, "drop_constant", c->drop_constant);
}

void
healer_train_config_add_members (JsonBuilder             *b,
                                 const HealerTrainConfig *c)
{
  char seed[32];

  healer_json_add_uints (b, "hidden", c->hidden, MIN (c->n_hidden, HEALER_MAX_HIDDEN_LAYERS));
  healer_json_add_string (b, "activation", healer_activation_to_string (c->activation));
  healer_json_add_string (b, "optimizer", healer_optimizer_to_string (c->optimizer));
  healer_json_add_double (b, "learning_rate", c->learning_rate);
  healer_json_add_string (b, "lr_schedule", healer_lr_schedule_to_string (c->lr_schedule));
  healer_json_add_double (b, "momentum", c->momentum);
  healer_json_add_double (b, "weight_decay", c->weight_decay);
  healer_json_add_double (b, "dropout", c->dropout);
  healer_json_add_double (b, "input_noise", c->input_noise);
  healer_json_add_double (b, "label_smoothing", c->label_smoothing);
  healer_json_add_int (b, "batch_size", c->batch_size);
  healer_json_add_int (b, "epochs", c->epochs);
  healer_json_add_int (b, "patience", c->patience);
  healer_json_add_double (b, "validation_fraction", c->validation_fraction);
  healer_json_add_int (b, "ensemble", c->ensemble);
  /* A string: JSON readers commonly lose integers above 2^53. */
  g_snprintf (seed, sizeof seed, "%" G_GUINT64_FORMAT, c->seed);
  healer_json_add_string (b, "seed", seed);
}

char *
healer_train_config_to_json (const HealerTrainConfig *config)
{
  g_autoptr(JsonBuilder) b = json_builder_new_immutable ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (config != NULL, NULL);

  json_builder_begin_object (b);
  healer_train_config_add_members (b, config);
  healer_preprocess_config_add_members (b, &config->preprocess);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  return healer_json_to_string (root, FALSE, NULL);
}

static void
healer_write_preprocessing (JsonBuilder              *b,
                            const HealerPreprocessor *p)
{
  gsize n = p->n_input;

  json_builder_set_member_name (b, "preprocessing");
  json_builder_begin_object (b);
  healer_preprocess_config_add_members (b, &p->config);
  healer_json_add_floats (b, "fill", p->fill, n);
  healer_json_add_floats (b, "train_min", p->train_min, n);
  healer_json_add_floats (b, "train_max", p->train_max, n);
  healer_json_add_floats (b, "train_median", p->train_median, n);
  healer_json_add_floats (b, "train_iqr", p->train_iqr, n);
  healer_json_add_floats (b, "missing_rate", p->missing_rate, n);
  if (p->config.transform == HEALER_TRANSFORM_QUANTILE)
    healer_json_add_floats (b, "quantiles", p->quantiles, n * HEALER_QUANTILE_KNOTS);
  healer_json_add_floats (b, "mean", p->mean, n);
  healer_json_add_floats (b, "scale", p->scale, n);
  healer_json_add_uints (b, "selected", p->selected, p->n_selected);
  healer_json_add_uints (b, "indicators", p->indicators, p->n_indicators);
  /* Only for PLE, so every other model file stays byte for byte as before. */
  if (p->config.transform == HEALER_TRANSFORM_PLE)
    {
      healer_json_add_uints (b, "ple_counts", p->ple_counts, p->n_selected);
      healer_json_add_floats (b, "ple_edges", p->ple_edges,
                              (gsize) p->n_selected * HEALER_PLE_EDGES);
    }
  json_builder_end_object (b);
}

static void
healer_write_network (JsonBuilder       *b,
                      const HealerModel *self)
{
  HealerMlp *first = self->members[0];
  guint n_sizes = healer_mlp_get_n_layers (first) + 1;
  g_autofree char *checksum = healer_model_weights_checksum (self);

  json_builder_set_member_name (b, "architecture");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "sizes");
  json_builder_begin_array (b);
  for (guint i = 0; i < n_sizes; i++)
    json_builder_add_int_value (b, healer_mlp_get_size (first, i));
  json_builder_end_array (b);
  healer_json_add_string (b, "activation", healer_activation_to_string (healer_mlp_get_activation (first)));
  json_builder_end_object (b);

  json_builder_set_member_name (b, "ensemble");
  json_builder_begin_array (b);
  for (guint m = 0; m < self->n_members; m++)
    {
      json_builder_begin_object (b);
      healer_json_add_floats (b, "params", healer_mlp_get_params (self->members[m]),
                         healer_mlp_get_n_params (self->members[m]));
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  healer_json_add_string (b, "weights_sha256", checksum);
}

static void
healer_write_training (JsonBuilder       *b,
                       const HealerModel *self)
{
  json_builder_set_member_name (b, "training");
  json_builder_begin_object (b);
  healer_train_config_add_members (b, &self->config);
  healer_json_add_string (b, "status", healer_train_status_to_string (self->status));
  healer_json_add_int (b, "best_epoch", self->best_epoch);
  healer_json_add_int (b, "n_train_rows", (gint64) self->n_train_rows);
  healer_json_add_int (b, "n_duplicates_removed", (gint64) self->n_duplicates_removed);

  json_builder_set_member_name (b, "history");
  json_builder_begin_object (b);
  healer_json_add_doubles (b, "train_loss", self->history.train_loss, self->history.n_epochs);
  healer_json_add_doubles (b, "val_loss", self->history.val_loss, self->history.n_epochs);
  healer_json_add_doubles (b, "val_macro_f1", self->history.val_macro_f1, self->history.n_epochs);
  json_builder_end_object (b);
  json_builder_end_object (b);
}

/* Column-wise (one array per field) so a file stays compact and its
 * reader can bound every array before it looks inside. */
static void
healer_write_signature (JsonBuilder           *b,
                        const HealerSignature *sig)
{
  guint n = sig->n_entries;
  g_autofree guint *features = g_new (guint, MAX (n, 1));
  g_autofree double *values = g_new (double, MAX (3 * n, 1));

  for (guint e = 0; e < n; e++)
    {
      features[e] = sig->entries[e].feature;
      values[e] = sig->entries[e].effect;
      values[n + e] = sig->entries[e].median_class;
      values[2 * n + e] = sig->entries[e].median_rest;
    }
  json_builder_begin_object (b);
  healer_json_add_uints (b, "features", features, n);
  healer_json_add_doubles (b, "effect", values, n);
  healer_json_add_doubles (b, "median_class", values + n, n);
  healer_json_add_doubles (b, "median_rest", values + 2 * n, n);
  json_builder_end_object (b);
}

static void
healer_write_importance (JsonBuilder              *b,
                         const HealerExplanations *ex)
{
  guint n = ex->n_importance;
  g_autofree guint *features = g_new (guint, MAX (n, 1));
  g_autofree double *values = g_new (double, MAX (3 * (gsize) n, 1));

  json_builder_set_member_name (b, "importance");
  if (ex->importance == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  for (guint j = 0; j < n; j++)
    {
      features[j] = ex->importance[j].feature;
      values[j] = ex->importance[j].f1_drop;
      values[n + j] = ex->importance[j].f1_drop_std;
      values[2 * (gsize) n + j] = ex->importance[j].log_loss_increase;
    }
  json_builder_begin_object (b);
  healer_json_add_string (b, "rows", healer_importance_rows_to_string (ex->importance_rows));
  healer_json_add_int (b, "n_rows", (gint64) ex->importance_n_rows);
  healer_json_add_int (b, "repeats", ex->importance_repeats);
  healer_json_add_double (b, "macro_f1", ex->base_macro_f1);
  healer_json_add_double (b, "log_loss", ex->base_log_loss);
  healer_json_add_uints (b, "features", features, n);
  healer_json_add_doubles (b, "f1_drop", values, n);
  healer_json_add_doubles (b, "f1_drop_std", values + n, n);
  healer_json_add_doubles (b, "log_loss_increase", values + 2 * (gsize) n, n);
  json_builder_end_object (b);
}

static void
healer_write_explanations (JsonBuilder              *b,
                           const HealerExplanations *ex)
{
  json_builder_set_member_name (b, "explanations");
  json_builder_begin_object (b);
  healer_json_add_string (b, "signature_method", "cliffs-delta");
  healer_json_add_int (b, "signature_rows", (gint64) ex->signature_rows);
  json_builder_set_member_name (b, "signatures");
  json_builder_begin_array (b);
  for (guint c = 0; c < ex->n_classes; c++)
    healer_write_signature (b, &ex->signatures[c]);
  json_builder_end_array (b);
  healer_write_importance (b, ex);
  json_builder_end_object (b);
}

static void
healer_write_estimate (JsonBuilder          *b,
                       const HealerEstimate *e)
{
  json_builder_set_member_name (b, "estimate");
  healer_estimate_to_json (e, b);
}

static void
healer_write_prediction_sets (JsonBuilder       *b,
                              const HealerModel *self)
{
  json_builder_set_member_name (b, "prediction_sets");
  json_builder_begin_object (b);
  healer_json_add_string (b, "method", "split-conformal");
  healer_json_add_double (b, "coverage", self->coverage);
  healer_json_add_int (b, "n_rows", (gint64) self->calibration->n_rows);
  healer_json_add_doubles (b, "scores", self->calibration->scores, self->calibration->n_scores);
  json_builder_end_object (b);
}

static char *
healer_format_created (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (CLAMP (unix_time, 0, HEALER_MODEL_MAX_UNIX));

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

char *
healer_model_to_json (const HealerModel *self,
                      gsize             *length)
{
  g_autoptr(JsonBuilder) b = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *version = NULL;
  g_autofree char *created = NULL;
  g_autofree char *text = NULL;
  GString *out;

  g_return_val_if_fail (self != NULL, NULL);

  b = json_builder_new ();
  version = g_strdup_printf ("%d.%d", HEALER_MODEL_FORMAT_MAJOR, HEALER_MODEL_FORMAT_MINOR);
  created = healer_format_created (self->created_unix);

  json_builder_begin_object (b);
  healer_json_add_string (b, "format", HEALER_MODEL_FORMAT);
  healer_json_add_string (b, "version", version);
  healer_json_add_string (b, "app_version", self->app_version != NULL ? self->app_version : "");
  healer_json_add_string (b, "created", created);

  json_builder_set_member_name (b, "features");
  json_builder_begin_array (b);
  for (guint j = 0; j < self->preprocessor->n_input; j++)
    json_builder_add_string_value (b, self->preprocessor->input_names[j]);
  json_builder_end_array (b);

  json_builder_set_member_name (b, "classes");
  json_builder_begin_array (b);
  for (guint k = 0; k < self->n_classes; k++)
    {
      json_builder_begin_object (b);
      healer_json_add_int (b, "id", self->class_ids[k]);
      healer_json_add_string (b, "name", self->class_names[k]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  healer_write_preprocessing (b, self->preprocessor);
  healer_write_network (b, self);
  healer_write_training (b, self);

  json_builder_set_member_name (b, "metrics");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "train");
  healer_metrics_to_json (self->train_metrics, b);
  json_builder_set_member_name (b, "validation");
  healer_metrics_to_json (self->validation_metrics, b);
  json_builder_end_object (b);

  healer_json_add_double (b, "confidence_threshold", self->confidence_threshold);
  /* Optional (1.2): only a cross-fitted model has them. */
  if (self->estimate != NULL)
    healer_write_estimate (b, self->estimate);
  if (self->calibration != NULL)
    healer_write_prediction_sets (b, self);
  /* Optional, so the format stays 1.0: older readers skip the member, and
   * a model put together without the trainer has none. */
  if (self->explanations != NULL)
    healer_write_explanations (b, self->explanations);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  text = healer_json_to_string (root, FALSE, NULL);
  out = g_string_new (text);
  g_string_append_c (out, '\n');
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

gboolean
healer_file_set_contents_atomic (const char  *path,
                                 const char  *contents,
                                 gsize        length,
                                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL || length == 0, FALSE);
  g_return_val_if_fail (length <= G_MAXSSIZE, FALSE);

  /* healer-output: devices and FIFOs written in place, links kept, no
   * temporary file left behind even on a signal. Its message names @path. */
  if (!healer_output_set_contents (path, contents, length, &local_error))
    {
      g_set_error_literal (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_IO,
                           local_error->message);
      return FALSE;
    }
  return TRUE;
}

gboolean
healer_model_save (const HealerModel *self,
                   const char        *path,
                   GError           **error)
{
  g_autofree char *json = NULL;
  gsize length;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  json = healer_model_to_json (self, &length);
  if (!healer_file_set_contents_atomic (path, json, length, error))
    {
      if (error != NULL)
        g_info ("model not saved (%zu bytes): %s", length, (*error)->message);
      return FALSE;
    }
  {
    g_autofree char *display = g_filename_display_name (path);

    g_info ("model saved to %s: %zu bytes", display, length);
  }
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Prediction                                                           */

/* Rows [@first, @last) of @data: each row is computed alone (preprocessing
 * and the members' row-by-row passes), so its bits do not depend on the
 * chunk or the thread it falls to. */
static void
predict_rows (const HealerModel   *self,
              const HealerDataset *data,
              gsize                first,
              gsize                last,
              float               *proba)
{
  const HealerPreprocessor *p = self->preprocessor;
  g_autofree float *scratch = NULL;
  g_autofree float *member_proba = NULL;
  guint nc = self->n_classes;
  gsize chunk;

  chunk = MIN (last - first, HEALER_PREDICT_CHUNK_ROWS);
  chunk = MIN (chunk, MAX (1, HEALER_PREDICT_CHUNK_CELLS / MAX (p->n_output, nc)));
  if (chunk == 0)
    return;
  scratch = g_new (float, chunk * p->n_output);
  if (self->n_members > 1)
    member_proba = g_new (float, chunk * nc);

  for (gsize start = first; start < last; start += chunk)
    {
      gsize n = MIN (chunk, last - start);
      float *out = proba + start * nc;

      healer_preprocessor_transform (p, healer_dataset_row (data, start), n, scratch);
      healer_mlp_predict_proba_rowwise (self->members[0], scratch, n, out);
      for (guint m = 1; m < self->n_members; m++)
        {
          healer_mlp_predict_proba_rowwise (self->members[m], scratch, n, member_proba);
          for (gsize k = 0; k < n * nc; k++)
            out[k] += member_proba[k];
        }
      if (self->n_members > 1)
        for (gsize k = 0; k < n * nc; k++)
          out[k] /= (float) self->n_members;
    }
}

typedef struct
{
  const HealerModel   *model;
  const HealerDataset *data;
  float               *proba;
} PredictJob;

static void
predict_job_rows (gpointer data,
                  gsize    first,
                  gsize    last)
{
  PredictJob *job = data;

  predict_rows (job->model, job->data, first, last, job->proba);
}

void
healer_model_predict_proba_rows (const HealerModel   *self,
                                 const HealerDataset *data,
                                 gsize                first,
                                 gsize                last,
                                 float               *proba)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL);
  g_return_if_fail (data->n_features == self->preprocessor->n_input);
  g_return_if_fail (first <= last && last <= data->n_rows);
  g_return_if_fail (proba != NULL || first == last);

  if (first < last)
    predict_rows (self, data, first, last, proba);
}

void
healer_model_predict_proba_parallel (const HealerModel   *self,
                                     const HealerDataset *data,
                                     float               *proba,
                                     HealerParallel      *parallel)
{
  PredictJob job = { self, data, proba };

  g_return_if_fail (self != NULL);
  g_return_if_fail (data != NULL);
  g_return_if_fail (data->n_features == self->preprocessor->n_input);
  g_return_if_fail (proba != NULL || data->n_rows == 0);

  if (parallel == NULL || data->n_rows < HEALER_PREDICT_PARALLEL_MIN_ROWS)
    predict_rows (self, data, 0, data->n_rows, proba);
  else
    healer_parallel_run (parallel, data->n_rows, predict_job_rows, &job);
}

void
healer_model_predict_proba (const HealerModel   *self,
                            const HealerDataset *data,
                            float               *proba)
{
  healer_model_predict_proba_parallel (self, data, proba, NULL);
}

HealerDataset *
healer_model_align (const HealerModel   *self,
                    const HealerDataset *data,
                    char              ***missing,
                    char              ***extra,
                    GError             **error)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);

  g_autoptr(HealerDataset) aligned = NULL;
  g_auto(GStrv) absent = NULL;
  g_autoptr(GPtrArray) read = g_ptr_array_new ();
  g_autoptr(GPtrArray) unread = g_ptr_array_new_with_free_func (g_free);
  const HealerPreprocessor *pre = self->preprocessor;

  aligned = healer_dataset_select_columns (data, (const char * const *) pre->input_names,
                                           TRUE, &absent, extra, error);
  if (aligned == NULL)
    return NULL;

  /* Only columns that change nothing may be absent: a model fed a column
   * it reads but that was never measured would answer with confidence
   * about nothing. */
  for (guint i = 0; absent[i] != NULL; i++)
    {
      guint j = 0;

      while (j < pre->n_input && strcmp (pre->input_names[j], absent[i]) != 0)
        j++;
      if (j < pre->n_input && !healer_preprocessor_reads_input (pre, j))
        g_ptr_array_add (unread, g_strdup (absent[i]));
      else
        g_ptr_array_add (read, absent[i]);
    }

  if (read->len > 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);

      guint shown = MIN (read->len, 10);

      /* Names from the files, escaped: see format_name_list(). */
      for (guint i = 0; i < shown; i++)
        {
          g_autofree char *name = healer_text_escape (read->pdata[i], -1, FALSE);

          g_string_append_printf (list, "%s“%s”", i > 0 ? ", " : "", name);
        }
      if (read->len > shown)
        g_string_append_printf (list, g_dngettext (GETTEXT_PACKAGE, " and %u more",
                                                   " and %u more", read->len - shown),
                                read->len - shown);
      if (extra != NULL)
        g_clear_pointer (extra, g_strfreev);
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_COLUMNS,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s: %u column the model reads is missing: %s; expected "
                                "every column the model reads (columns are matched by name)",
                                "%s: %u columns the model reads are missing: %s; expected "
                                "every column the model reads (columns are matched by name)",
                                read->len),
                   healer_dataset_get_source_name (data), read->len, list->str);
      return NULL;
    }

  if (missing != NULL)
    {
      g_ptr_array_add (unread, NULL);
      *missing = (char **) g_ptr_array_steal (unread, NULL);
    }
  return g_steal_pointer (&aligned);
}

static char *
healer_model_list_class_ids (const HealerModel *self)
{
  GString *s = g_string_new (NULL);

  for (guint k = 0; k < self->n_classes; k++)
    g_string_append_printf (s, "%s%d", k > 0 ? ", " : "", self->class_ids[k]);
  return g_string_free (s, FALSE);
}

static gboolean
healer_model_map_labels (const HealerModel   *self,
                         const HealerDataset *data,
                         guint               *y,
                         GError             **error)
{
  for (gsize i = 0; i < data->n_rows; i++)
    {
      int k = healer_model_class_index (self, data->labels[i]);

      if (k < 0)
        {
          g_autofree char *known = healer_model_list_class_ids (self);
          g_autofree char *id = healer_text_escape (data->sample_ids != NULL
                                                    ? data->sample_ids[i] : "?", -1, FALSE);
          gsize line = healer_dataset_get_line (data, i);

          /* Located like the reader's own errors, so an editor can jump there. */
          if (line > 0 && data->label_field > 0)
            g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_LABEL,
                         _("%s:%zu:%u: the label %d is not a class of this model; "
                           "expected one of its classes: %s"),
                         healer_dataset_get_source_name (data), line, data->label_field,
                         data->labels[i], known);
          else
            g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_LABEL,
                         _("%s: row %zu (sample %s) has label %d, which is not "
                           "a class of this model (its classes are %s)"),
                         healer_dataset_get_source_name (data), i + 1, id,
                         data->labels[i], known);
          return FALSE;
        }
      y[i] = (guint) k;
    }
  return TRUE;
}

HealerMetrics *
healer_model_evaluate (const HealerModel   *self,
                       const HealerDataset *data,
                       GError             **error)
{
  g_autoptr(HealerDataset) aligned = NULL;
  g_autofree guint *y_true = NULL;
  g_autofree guint *y_pred = NULL;
  g_autofree float *proba = NULL;
  gsize n;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!healer_dataset_has_labels (data))
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_LABEL,
                   _("%s has no label column; evaluating a model needs labelled rows"),
                   healer_dataset_get_source_name (data));
      return NULL;
    }
  if (data->n_rows == 0)
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_NO_ROWS,
                   _("%s has no rows to evaluate the model on"),
                   healer_dataset_get_source_name (data));
      return NULL;
    }

  aligned = healer_model_align (self, data, NULL, NULL, error);
  if (aligned == NULL)
    return NULL;

  n = aligned->n_rows;
  y_true = g_new (guint, n);
  if (!healer_model_map_labels (self, aligned, y_true, error))
    return NULL;

  proba = g_new (float, n * self->n_classes);
  y_pred = g_new (guint, n);
  healer_model_predict_proba (self, aligned, proba);
  for (gsize i = 0; i < n; i++)
    y_pred[i] = healer_argmax (proba + i * self->n_classes, self->n_classes);

  return healer_metrics_compute (y_true, y_pred, proba, n, self->n_classes);
}

