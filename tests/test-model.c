/* test-model.c — tests of the model: file format, validation, prediction
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "healer-model.h"
#include "healer-simulate.h"
#include "healer-trainer.h"

#define TEST_EPOCH "1700000000"

static HealerDataset *
make_data (gsize   n_rows,
           guint64 seed)
{
  HealerSimulateConfig c;

  healer_simulate_config_init_default (&c);
  c.n_samples = n_rows;
  c.n_features = 12;
  c.n_classes = 3;
  c.n_nodes = 3;
  c.missing_rate = 0.1;
  c.seed = seed;
  return healer_simulate (&c);
}

/* A model put together by hand, without the trainer. */
static HealerModel *
make_model (const HealerDataset *data,
            HealerTransform      transform,
            guint                n_members)
{
  HealerPreprocessConfig pc;
  HealerPreprocessor *pre;
  HealerMlp **members;
  HealerModel *model;
  const gint32 class_ids[] = { 0, 1, 2 };
  g_autofree float *proba = NULL;
  g_autofree guint *y_true = NULL;
  g_autofree guint *y_pred = NULL;
  g_autoptr(GError) error = NULL;
  guint sizes[3];

  healer_preprocess_config_init_default (&pc);
  pc.transform = transform;
  pre = healer_preprocessor_fit (data, &pc, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pre);

  sizes[0] = pre->n_output;
  sizes[1] = 8;
  sizes[2] = 3;
  members = g_new0 (HealerMlp *, n_members);
  for (guint m = 0; m < n_members; m++)
    members[m] = healer_mlp_new (sizes, 3, HEALER_ACTIVATION_TANH, 7 + m);
  model = healer_model_new (pre, members, n_members, class_ids, 3);

  /* Non-default metadata, so the round trip has something to carry. */
  g_free (model->class_names[1]);
  model->class_names[1] = g_strdup ("memory \"leak\"\n\u00e9t\u00e9 \u2713");
  model->confidence_threshold = 0.25;
  model->best_epoch = 2;
  model->n_train_rows = data->n_rows;
  model->n_duplicates_removed = 1;
  model->config.seed = G_GUINT64_CONSTANT (18446744073709551557);
  model->config.learning_rate = 1e-20;   /* json-glib 1.6 would write "1e-20.0" */
  model->config.lr_schedule = HEALER_LR_COSINE;
  model->config.input_noise = 0.125;
  model->config.label_smoothing = 0.0625;
  model->history.n_epochs = 3;
  model->history.train_loss = g_new (double, 3);
  model->history.val_loss = g_new (double, 3);
  model->history.val_macro_f1 = g_new (double, 3);
  for (guint e = 0; e < 3; e++)
    {
      model->history.train_loss[e] = 1.0 / (e + 1);
      model->history.val_loss[e] = e == 1 ? NAN : 0.1 * e;
      model->history.val_macro_f1[e] = 0.3 + 0.1 * e;
    }

  proba = g_new (float, data->n_rows * 3);
  y_true = g_new (guint, data->n_rows);
  y_pred = g_new (guint, data->n_rows);
  healer_model_predict_proba (model, data, proba);
  for (gsize i = 0; i < data->n_rows; i++)
    {
      y_true[i] = data->labels[i];
      y_pred[i] = healer_argmax (proba + i * 3, 3);
    }
  model->train_metrics = healer_metrics_compute (y_true, y_pred, proba, data->n_rows, 3);
  return model;
}

static char *
temp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("test-model-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  if (d == NULL)
    return;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      g_chmod (path, 0644);
      g_remove (path);
    }
  g_rmdir (dir);
}

/* ---- helpers to damage the canonical, whitespace-free JSON ---- */

/* End of the JSON value starting at @p. */
static const char *
value_end (const char *p)
{
  int depth = 0;
  gboolean in_string = FALSE;

  for (; *p != '\0'; p++)
    {
      if (in_string)
        {
          if (*p == '\\')
            p++;
          else if (*p == '"')
            {
              in_string = FALSE;
              if (depth == 0)
                return p + 1;
            }
        }
      else if (*p == '"')
        in_string = TRUE;
      else if (*p == '[' || *p == '{')
        depth++;
      else if (*p == ']' || *p == '}')
        {
          if (depth == 0)
            return p;
          if (--depth == 0)
            return p + 1;
        }
      else if (*p == ',' && depth == 0)
        return p;
    }
  return p;
}

/* Replaces the value of the @nth (0-based) member named @key with @value,
 * or removes the member when @value is NULL. */
static char *
edit_member (const char *json,
             const char *key,
             guint       nth,
             const char *value)
{
  g_autofree char *pattern = g_strdup_printf ("\"%s\":", key);
  const char *start = json, *end;
  GString *out;

  for (guint i = 0; i <= nth; i++)
    {
      start = strstr (i == 0 ? start : start + 1, pattern);
      g_assert_nonnull (start);
    }
  end = value_end (start + strlen (pattern));
  out = g_string_new_len (json, start - json);
  if (value != NULL)
    {
      g_string_append (out, pattern);
      g_string_append (out, value);
    }
  else if (*end == ',')
    end++;
  else if (out->str[out->len - 1] == ',')
    g_string_truncate (out, out->len - 1);
  g_string_append (out, end);
  return g_string_free (out, FALSE);
}

static char *
get_member (const char *json,
            const char *key,
            guint       nth)
{
  g_autofree char *pattern = g_strdup_printf ("\"%s\":", key);
  const char *start = json, *end;

  for (guint i = 0; i <= nth; i++)
    {
      start = strstr (i == 0 ? start : start + 1, pattern);
      g_assert_nonnull (start);
    }
  start += strlen (pattern);
  end = value_end (start);
  return g_strndup (start, end - start);
}

static void
assert_load_fails (const char *json,
                   gsize       len,
                   int         code,
                   const char *mention)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = healer_model_load_from_data (json, len, "model.json", &error);

  g_assert_null (model);
  g_assert_error (error, HEALER_MODEL_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "model.json"));
  if (mention != NULL && strstr (error->message, mention) == NULL)
    g_error ("\"%s\" does not mention \"%s\"", error->message, mention);
}

static void
assert_edit_fails (const char *json,
                   const char *key,
                   guint       nth,
                   const char *value,
                   int         code,
                   const char *mention)
{
  g_autofree char *bad = edit_member (json, key, nth, value);

  assert_load_fails (bad, strlen (bad), code, mention);
}

/* ---- tests ---- */

static void
test_new (void)
{
  g_autoptr(HealerDataset) data = make_data (60, 1);
  g_autoptr(HealerModel) model = NULL;
  HealerModel *ref;

  g_setenv ("SOURCE_DATE_EPOCH", TEST_EPOCH, TRUE);
  model = make_model (data, HEALER_TRANSFORM_QUANTILE, 1);
  g_assert_cmpstr (model->app_version, ==, PACKAGE_VERSION);
  g_assert_cmpint (model->created_unix, ==, 1700000000);
  g_assert_cmpuint (model->n_classes, ==, 3);
  g_assert_cmpstr (model->class_names[0], ==, "class 0");
  g_assert_cmpstr (model->class_names[2], ==, "class 2");
  g_assert_null (model->class_names[3]);
  g_assert_cmpint (model->status, ==, HEALER_TRAIN_COMPLETED);
  g_assert_cmpuint (model->config.n_hidden, ==, 1);
  g_assert_cmpuint (model->config.hidden[0], ==, 8);
  g_assert_cmpint (model->config.activation, ==, HEALER_ACTIVATION_TANH);
  g_assert_cmpint (model->config.preprocess.transform, ==, HEALER_TRANSFORM_QUANTILE);

  g_assert_cmpint (healer_model_class_index (model, 2), ==, 2);
  g_assert_cmpint (healer_model_class_index (model, 3), ==, -1);
  g_assert_cmpint (healer_model_class_index (model, -1), ==, -1);

  ref = healer_model_ref (model);
  g_assert_true (ref == model);
  healer_model_unref (ref);

  /* An invalid SOURCE_DATE_EPOCH falls back to the clock. */
  g_setenv ("SOURCE_DATE_EPOCH", "yesterday", TRUE);
  {
    g_autoptr(HealerModel) other = make_model (data, HEALER_TRANSFORM_NONE, 1);

    g_assert_cmpint (other->created_unix, >, 1700000000);
  }
  g_unsetenv ("SOURCE_DATE_EPOCH");
}

static void
assert_floats_equal (const float *a,
                     const float *b,
                     gsize        n)
{
  g_assert_true ((a == NULL) == (b == NULL));
  if (a != NULL)
    g_assert_cmpmem (a, n * sizeof (float), b, n * sizeof (float));
}

/* Field by field: memcmp would compare padding too. */
static void
assert_preprocess_configs_equal (const HealerPreprocessConfig *a,
                                 const HealerPreprocessConfig *b)
{
  g_assert_cmpint (a->impute, ==, b->impute);
  g_assert_cmpint (a->transform, ==, b->transform);
  g_assert_cmpint (a->missing_indicators, ==, b->missing_indicators);
  g_assert_cmpint (a->select, ==, b->select);
  g_assert_cmpuint (a->select_k, ==, b->select_k);
  g_assert_cmpint (a->drop_duplicates, ==, b->drop_duplicates);
  g_assert_cmpint (a->class_weights, ==, b->class_weights);
  g_assert_cmpint (a->drop_constant, ==, b->drop_constant);
}

static void
assert_configs_equal (const HealerTrainConfig *a,
                      const HealerTrainConfig *b)
{
  g_assert_cmpuint (a->n_hidden, ==, b->n_hidden);
  for (guint l = 0; l < a->n_hidden; l++)
    g_assert_cmpuint (a->hidden[l], ==, b->hidden[l]);
  g_assert_cmpint (a->activation, ==, b->activation);
  g_assert_cmpint (a->optimizer, ==, b->optimizer);
  g_assert_cmpfloat (a->learning_rate, ==, b->learning_rate);
  g_assert_cmpint (a->lr_schedule, ==, b->lr_schedule);
  g_assert_cmpfloat (a->momentum, ==, b->momentum);
  g_assert_cmpfloat (a->weight_decay, ==, b->weight_decay);
  g_assert_cmpfloat (a->dropout, ==, b->dropout);
  g_assert_cmpfloat (a->input_noise, ==, b->input_noise);
  g_assert_cmpfloat (a->label_smoothing, ==, b->label_smoothing);
  g_assert_cmpuint (a->batch_size, ==, b->batch_size);
  g_assert_cmpuint (a->epochs, ==, b->epochs);
  g_assert_cmpuint (a->patience, ==, b->patience);
  g_assert_cmpfloat (a->validation_fraction, ==, b->validation_fraction);
  g_assert_cmpuint (a->ensemble, ==, b->ensemble);
  g_assert_cmpuint (a->seed, ==, b->seed);
  assert_preprocess_configs_equal (&a->preprocess, &b->preprocess);
}

static void
assert_preprocessors_equal (const HealerPreprocessor *a,
                            const HealerPreprocessor *b)
{
  gsize n = a->n_input;

  assert_preprocess_configs_equal (&a->config, &b->config);
  g_assert_cmpuint (a->n_input, ==, b->n_input);
  g_assert_cmpstrv (a->input_names, b->input_names);
  assert_floats_equal (a->fill, b->fill, n);
  assert_floats_equal (a->train_min, b->train_min, n);
  assert_floats_equal (a->train_max, b->train_max, n);
  assert_floats_equal (a->train_median, b->train_median, n);
  assert_floats_equal (a->train_iqr, b->train_iqr, n);
  assert_floats_equal (a->missing_rate, b->missing_rate, n);
  assert_floats_equal (a->quantiles, b->quantiles, n * HEALER_QUANTILE_KNOTS);
  assert_floats_equal (a->mean, b->mean, n);
  assert_floats_equal (a->scale, b->scale, n);
  g_assert_cmpuint (a->n_selected, ==, b->n_selected);
  g_assert_cmpmem (a->selected, a->n_selected * sizeof (guint), b->selected, b->n_selected * sizeof (guint));
  g_assert_cmpuint (a->n_indicators, ==, b->n_indicators);
  g_assert_cmpmem (a->indicators, a->n_indicators * sizeof (guint),
                   b->indicators, b->n_indicators * sizeof (guint));
  g_assert_cmpuint (a->n_ple, ==, b->n_ple);
  assert_floats_equal (a->ple_edges, b->ple_edges, (gsize) a->n_selected * HEALER_PLE_EDGES);
  g_assert_true ((a->ple_counts == NULL) == (b->ple_counts == NULL));
  if (a->ple_counts != NULL)
    g_assert_cmpmem (a->ple_counts, a->n_selected * sizeof (guint),
                     b->ple_counts, b->n_selected * sizeof (guint));
  g_assert_cmpuint (a->n_output, ==, b->n_output);
}

static void
assert_doubles_same (const double *a,
                     const double *b,
                     gsize         n)
{
  for (gsize i = 0; i < n; i++)
    {
      if (isnan (a[i]))
        g_assert_true (isnan (b[i]));
      else
        g_assert_cmpfloat (a[i], ==, b[i]);
    }
}

static void
assert_models_equal (HealerModel *a,
                     HealerModel *b)
{
  g_assert_cmpstr (a->app_version, ==, b->app_version);
  g_assert_cmpint (a->created_unix, ==, b->created_unix);
  assert_preprocessors_equal (a->preprocessor, b->preprocessor);
  g_assert_cmpuint (a->n_members, ==, b->n_members);
  for (guint m = 0; m < a->n_members; m++)
    {
      g_assert_cmpuint (healer_mlp_get_n_layers (a->members[m]), ==, healer_mlp_get_n_layers (b->members[m]));
      g_assert_cmpint (healer_mlp_get_activation (a->members[m]), ==, healer_mlp_get_activation (b->members[m]));
      g_assert_cmpuint (healer_mlp_get_n_params (a->members[m]), ==, healer_mlp_get_n_params (b->members[m]));
      assert_floats_equal (healer_mlp_get_params (a->members[m]), healer_mlp_get_params (b->members[m]),
                           healer_mlp_get_n_params (a->members[m]));
    }
  g_assert_cmpuint (a->n_classes, ==, b->n_classes);
  g_assert_cmpmem (a->class_ids, a->n_classes * sizeof (gint32), b->class_ids, b->n_classes * sizeof (gint32));
  g_assert_cmpstrv (a->class_names, b->class_names);
  assert_configs_equal (&a->config, &b->config);
  g_assert_cmpint (a->status, ==, b->status);
  g_assert_cmpuint (a->best_epoch, ==, b->best_epoch);
  g_assert_cmpuint (a->history.n_epochs, ==, b->history.n_epochs);
  assert_doubles_same (a->history.train_loss, b->history.train_loss, a->history.n_epochs);
  assert_doubles_same (a->history.val_loss, b->history.val_loss, a->history.n_epochs);
  assert_doubles_same (a->history.val_macro_f1, b->history.val_macro_f1, a->history.n_epochs);
  g_assert_cmpfloat (a->confidence_threshold, ==, b->confidence_threshold);
  g_assert_cmpuint (a->n_train_rows, ==, b->n_train_rows);
  g_assert_cmpuint (a->n_duplicates_removed, ==, b->n_duplicates_removed);

  g_assert_true ((a->train_metrics == NULL) == (b->train_metrics == NULL));
  g_assert_true ((a->validation_metrics == NULL) == (b->validation_metrics == NULL));
  if (a->train_metrics != NULL)
    {
      HealerMetrics *x = a->train_metrics, *y = b->train_metrics;
      guint n = x->n_classes;

      g_assert_cmpuint (x->n_classes, ==, y->n_classes);
      g_assert_cmpuint (x->n_samples, ==, y->n_samples);
      g_assert_cmpfloat (x->accuracy, ==, y->accuracy);
      g_assert_cmpfloat (x->macro_f1, ==, y->macro_f1);
      g_assert_cmpfloat (x->weighted_recall, ==, y->weighted_recall);
      assert_doubles_same (&x->log_loss, &y->log_loss, 1);
      assert_doubles_same (x->precision, y->precision, n);
      assert_doubles_same (x->f1, y->f1, n);
      g_assert_cmpmem (x->support, n * sizeof (gsize), y->support, n * sizeof (gsize));
      g_assert_cmpmem (x->confusion, n * n * sizeof (gsize), y->confusion, n * n * sizeof (gsize));
    }
}

static void
round_trip (HealerTransform transform,
            guint           n_members)
{
  g_autoptr(HealerDataset) data = make_data (90, 3);
  g_autoptr(HealerModel) model = make_model (data, transform, n_members);
  g_autoptr(HealerModel) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.json", NULL);
  g_autofree float *p1 = g_new (float, data->n_rows * 3);
  g_autofree float *p2 = g_new (float, data->n_rows * 3);
  g_autofree char *json1 = NULL;
  g_autofree char *json2 = NULL;
  g_autofree char *sum1 = NULL;
  g_autofree char *sum2 = NULL;
  gsize len1, len2;

  g_assert_true (healer_model_save (model, path, &error));
  g_assert_no_error (error);
  loaded = healer_model_load (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (loaded);

  assert_models_equal (model, loaded);

  healer_model_predict_proba (model, data, p1);
  healer_model_predict_proba (loaded, data, p2);
  g_assert_cmpmem (p1, data->n_rows * 3 * sizeof (float), p2, data->n_rows * 3 * sizeof (float));

  sum1 = healer_model_weights_checksum (model);
  sum2 = healer_model_weights_checksum (loaded);
  g_assert_cmpuint (strlen (sum1), ==, 64);
  g_assert_cmpstr (sum1, ==, sum2);

  /* Loading and saving again changes nothing. */
  json1 = healer_model_to_json (model, &len1);
  json2 = healer_model_to_json (loaded, &len2);
  g_assert_cmpmem (json1, len1, json2, len2);
  remove_dir (dir);
}

static void
test_round_trip (void)
{
  g_setenv ("SOURCE_DATE_EPOCH", TEST_EPOCH, TRUE);
  round_trip (HEALER_TRANSFORM_QUANTILE, 1);
  round_trip (HEALER_TRANSFORM_SIGNED_LOG, 3);
  round_trip (HEALER_TRANSFORM_NONE, 2);
  round_trip (HEALER_TRANSFORM_PLE, 2);
  g_unsetenv ("SOURCE_DATE_EPOCH");
}

/* A model from the trainer carries everything (metrics, history, status). */
static void
test_trained_round_trip (void)
{
  g_autoptr(HealerDataset) data = make_data (150, 11);
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerModel) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json2 = NULL;
  HealerTrainConfig config;
  gsize len, len2;

  healer_train_config_init_default (&config);
  config.n_hidden = 1;
  config.hidden[0] = 16;
  config.epochs = 5;
  config.ensemble = 2;
  /* so the file carries validation metrics too */
  config.validation_fraction = 0.2;
  model = healer_train (data, &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model->train_metrics);
  g_assert_nonnull (model->validation_metrics);
  g_assert_cmpuint (model->history.n_epochs, >, 0);

  json = healer_model_to_json (model, &len);
  loaded = healer_model_load_from_data (json, len, "trained.json", &error);
  g_assert_no_error (error);
  assert_models_equal (model, loaded);
  g_assert_cmpuint (loaded->validation_metrics->n_samples, ==, model->validation_metrics->n_samples);
  json2 = healer_model_to_json (loaded, &len2);
  g_assert_cmpmem (json, len, json2, len2);
}

static void
test_reproducible (void)
{
  g_autoptr(HealerDataset) data = make_data (60, 1);
  g_autoptr(HealerModel) a = NULL;
  g_autoptr(HealerModel) b = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *ja = NULL;
  g_autofree char *ja2 = NULL;
  g_autofree char *jb = NULL;
  g_autofree char *created = NULL;
  gsize la, la2, lb;
  JsonObject *root;

  g_setenv ("SOURCE_DATE_EPOCH", TEST_EPOCH, TRUE);
  a = make_model (data, HEALER_TRANSFORM_QUANTILE, 2);
  b = make_model (data, HEALER_TRANSFORM_QUANTILE, 2);
  g_unsetenv ("SOURCE_DATE_EPOCH");

  ja = healer_model_to_json (a, &la);
  ja2 = healer_model_to_json (a, &la2);
  jb = healer_model_to_json (b, &lb);
  g_assert_cmpmem (ja, la, ja2, la2);
  g_assert_cmpmem (ja, la, jb, lb);
  g_assert_cmpuint (strlen (ja), ==, la);

  /* Plain JSON any reader accepts, keys in a fixed order. */
  g_assert_true (g_str_has_prefix (ja, "{\"format\":\"systemhealer-model\",\"version\":\"1.2\","
                                       "\"app_version\":\"" PACKAGE_VERSION "\","
                                       "\"created\":\"2023-11-14T22:13:20Z\",\"features\":["));
  g_assert_true (json_parser_load_from_data (parser, ja, la, &error));
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (root, "training"), "seed"),
                   ==, "18446744073709551557");
  created = get_member (ja, "learning_rate", 0);
  g_assert_cmpstr (created, ==, "1e-20");
}

static char *
canonical_json (gsize *len)
{
  g_autoptr(HealerDataset) data = make_data (60, 1);
  g_autoptr(HealerModel) model = NULL;

  g_setenv ("SOURCE_DATE_EPOCH", TEST_EPOCH, TRUE);
  model = make_model (data, HEALER_TRANSFORM_QUANTILE, 2);
  g_unsetenv ("SOURCE_DATE_EPOCH");
  return healer_model_to_json (model, len);
}

static void
test_corrupt_parse (void)
{
  gsize len;
  g_autofree char *json = canonical_json (&len);
  gsize cuts[] = { 1, 10, 57, len / 3, len / 2, len - 200, len - 2 };
  GString *deep = g_string_new (NULL);

  /* The intact text loads. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HealerModel) model = healer_model_load_from_data (json, len, "model.json", &error);

    g_assert_no_error (error);
    g_assert_nonnull (model);
  }

  assert_load_fails ("hello, world", 12, HEALER_MODEL_ERROR_PARSE, "model.json:1:");
  assert_load_fails ("", 0, HEALER_MODEL_ERROR_PARSE, NULL);
  assert_load_fails ("   \n", 4, HEALER_MODEL_ERROR_PARSE, NULL);
  assert_load_fails ("\xff\xfe{\0}", 5, HEALER_MODEL_ERROR_PARSE, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (cuts); i++)
    assert_load_fails (json, cuts[i], HEALER_MODEL_ERROR_PARSE, "model.json:");

  /* A data file given as the model is no model, not a damaged one. */
  assert_load_fails ("sample_id,a,label\n1,2,0\n", 24, HEALER_MODEL_ERROR_PARSE,
                     "model.json:1:1: not a SystemHealer model: a model file is a JSON object");

  /* json-glib recurses per level; this must not blow the stack. */
  g_string_append (deep, "{\"a\": ");
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 200000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');
  assert_load_fails (deep->str, deep->len, HEALER_MODEL_ERROR_PARSE, "deeper");
  g_string_free (deep, TRUE);

  /* Valid JSON, but not a model. */
  assert_load_fails ("[1,2,3]", 7, HEALER_MODEL_ERROR_FORMAT, "not a SystemHealer model");
  assert_load_fails ("{}", 2, HEALER_MODEL_ERROR_FORMAT, "format");
}

static void
test_corrupt_format (void)
{
  gsize len;
  g_autofree char *json = canonical_json (&len);

  assert_edit_fails (json, "format", 0, "\"systemhealer-dataset\"", HEALER_MODEL_ERROR_FORMAT, "format");
  assert_edit_fails (json, "format", 0, "42", HEALER_MODEL_ERROR_FORMAT, "format");
  assert_edit_fails (json, "format", 0, NULL, HEALER_MODEL_ERROR_FORMAT, "format");
  assert_edit_fails (json, "version", 0, "\"2.0\"", HEALER_MODEL_ERROR_FORMAT,
                     "model file format 2.0 is newer than this SystemHealer supports (1.x); update SystemHealer");
  assert_edit_fails (json, "version", 0, "\"1\"", HEALER_MODEL_ERROR_FORMAT, "version");
  assert_edit_fails (json, "version", 0, "\"one.zero\"", HEALER_MODEL_ERROR_FORMAT, "version");
  assert_edit_fails (json, "version", 0, "1.0", HEALER_MODEL_ERROR_FORMAT, "version");
  assert_edit_fails (json, "version", 0, "\"0.9\"", HEALER_MODEL_ERROR_FORMAT, "version");

  /* A newer minor version is compatible. */
  {
    g_autofree char *newer = edit_member (json, "version", 0, "\"1.7\"");
    g_autoptr(GError) error = NULL;
    g_autoptr(HealerModel) model = healer_model_load_from_data (newer, strlen (newer), "model.json", &error);

    g_assert_no_error (error);
    g_assert_nonnull (model);
  }
}

/* The training section describes the network the file holds: a file
 * whose two descriptions disagree was edited, and info would show one
 * thing while the network does another. Refused, naming both. */
static void
test_training_agrees (void)
{
  gsize len;
  g_autofree char *json = canonical_json (&len);
  const int invalid = HEALER_MODEL_ERROR_INVALID;

  /* "activation" is architecture.activation first, then training's. */
  assert_edit_fails (json, "activation", 1, "\"relu\"", invalid,
                     "\"training.activation\": \"relu\", but the network "
                     "(architecture.activation) uses \"tanh\"");
  assert_edit_fails (json, "activation", 0, "\"relu\"", invalid,
                     "\"training.activation\": \"tanh\", but the network "
                     "(architecture.activation) uses \"relu\"");
  assert_edit_fails (json, "hidden", 0, "[9]", invalid, "9 units, but that layer");
  assert_edit_fails (json, "hidden", 0, "[8,8]", invalid,
                     "\"training.hidden\": 2 hidden layers, but the network");
  /* "ensemble" is the networks first, then training's count. */
  assert_edit_fails (json, "ensemble", 1, "7", invalid,
                     "\"training.ensemble\": 7 networks, but the file holds 2");
  assert_edit_fails (json, "epochs", 0, "2", invalid,
                     "\"training.history\": 3 epochs recorded");
  assert_edit_fails (json, "best_epoch", 0, "99999", invalid,
                     "\"training.best_epoch\": epoch 99999, but the history records 3");
  assert_edit_fails (json, "n_train_rows", 0, "0", invalid, "\"training.n_train_rows\": 0;");
}

/* json-glib reads an integer past 64 bits as -1: such a literal is refused
 * where it stands, in any member, rather than reported as "found -1" (or
 * taken as -1 where that is in range). At the limit the members' own
 * ranges speak. */
static void
test_huge_integers (void)
{
  gsize len;
  g_autofree char *json = canonical_json (&len);
  const int invalid = HEALER_MODEL_ERROR_INVALID;

  assert_edit_fails (json, "id", 1, "1000000000000000000000000000000", invalid,
                     "the whole number 1000000000000000000000000000000 does not fit in 64 bits");
  assert_edit_fails (json, "learning_rate", 0, "100000000000000000000", invalid,
                     "the whole number 100000000000000000000 does not fit");
  assert_edit_fails (json, "best_epoch", 0, "-9223372036854775809", invalid,
                     "the whole number -9223372036854775809 does not fit");
  assert_edit_fails (json, "best_epoch", 0, "9223372036854775808", invalid,
                     "the whole number 9223372036854775808 does not fit");
  assert_edit_fails (json, "id", 1, "9223372036854775807", invalid,
                     "\"classes[1].id\": expected an integer from 0 to 9999, found "
                     "9223372036854775807");
  assert_edit_fails (json, "best_epoch", 0, "-9223372036854775808", invalid,
                     "\"training.best_epoch\"");
  /* Written as a real number, a large value is what it says. */
  assert_edit_fails (json, "id", 1, "1e30", invalid, "\"classes[1].id\": expected an integer");
}

/* Format 1.0 had no lr_schedule, input_noise or label_smoothing: such a file
 * still loads, as trained without them; in a 1.1 file they are checked. */
static void
test_format_1_0 (void)
{
  gsize len;
  g_autofree char *json = canonical_json (&len);
  g_autofree char *a = edit_member (json, "version", 0, "\"1.0\"");
  g_autofree char *b = edit_member (a, "lr_schedule", 0, NULL);
  g_autofree char *c = edit_member (b, "input_noise", 0, NULL);
  g_autofree char *old = edit_member (c, "label_smoothing", 0, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = NULL;

  g_assert_nonnull (strstr (json, "\"version\":\"1.2\""));
  g_assert_null (strstr (old, "lr_schedule"));
  model = healer_model_load_from_data (old, strlen (old), "old.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  /* Before 1.2 there was no cross-fitting: no estimate, sets of one class. */
  g_assert_null (model->estimate);
  g_assert_null (model->calibration);
  g_assert_true (isinf (model->set_threshold));
  g_assert_cmpint (model->config.lr_schedule, ==, HEALER_LR_CONSTANT);
  g_assert_cmpfloat (model->config.input_noise, ==, 0.0);
  g_assert_cmpfloat (model->config.label_smoothing, ==, 0.0);

  assert_edit_fails (json, "lr_schedule", 0, "\"linear\"", HEALER_MODEL_ERROR_INVALID,
                     "\"training.lr_schedule\"");
  assert_edit_fails (json, "lr_schedule", 0, "1", HEALER_MODEL_ERROR_INVALID,
                     "\"training.lr_schedule\": expected a string");
  assert_edit_fails (json, "input_noise", 0, "-0.5", HEALER_MODEL_ERROR_INVALID,
                     "\"training.input_noise\"");
  assert_edit_fails (json, "input_noise", 0, "11", HEALER_MODEL_ERROR_INVALID,
                     "\"training.input_noise\"");
  assert_edit_fails (json, "input_noise", 0, "\"0.1\"", HEALER_MODEL_ERROR_INVALID,
                     "\"training.input_noise\"");
  assert_edit_fails (json, "input_noise", 0, "null", HEALER_MODEL_ERROR_INVALID,
                     "\"training.input_noise\"");
  assert_edit_fails (json, "label_smoothing", 0, "1", HEALER_MODEL_ERROR_INVALID,
                     "\"training.label_smoothing\": expected a number below 1");
  assert_edit_fails (json, "label_smoothing", 0, "-0.1", HEALER_MODEL_ERROR_INVALID,
                     "\"training.label_smoothing\"");
}

static char *
floats_b64 (const float *v,
            gsize        n)
{
  g_autofree guint32 *le = g_new (guint32, n);

  for (gsize i = 0; i < n; i++)
    {
      guint32 u;

      memcpy (&u, &v[i], 4);
      le[i] = GUINT32_TO_LE (u);
    }
  return g_base64_encode ((const guchar *) le, n * 4);
}

static void
test_corrupt_shapes (void)
{
  gsize len;
  g_autofree char *json = canonical_json (&len);
  g_autofree char *sizes = get_member (json, "sizes", 0);
  g_auto(GStrv) parts = NULL;
  g_autofree char *wider = NULL;
  g_autofree char *wrong_input = NULL;
  g_autofree char *wrong_output = NULL;

  /* sizes is "[N,8,3]" */
  parts = g_strsplit_set (sizes, "[,]", -1);
  g_assert_cmpstr (parts[2], ==, "8");
  wider = g_strdup_printf ("[%s,9,3]", parts[1]);
  wrong_input = g_strdup_printf ("[%d,8,3]", atoi (parts[1]) + 1);
  wrong_output = g_strdup_printf ("[%s,8,4]", parts[1]);

  assert_edit_fails (json, "sizes", 0, wider, HEALER_MODEL_ERROR_INVALID, "\"ensemble[0].params\"");
  assert_edit_fails (json, "sizes", 0, wrong_input, HEALER_MODEL_ERROR_INVALID, "\"architecture.sizes[0]\"");
  assert_edit_fails (json, "sizes", 0, wrong_output, HEALER_MODEL_ERROR_INVALID, "\"architecture.sizes[2]\"");
  /* A hidden layer wider than training builds, then widths within that
   * whose parameters are past the bound. */
  assert_edit_fails (json, "sizes", 0, "[100000,100000,100000]", HEALER_MODEL_ERROR_INVALID,
                     "\"architecture.sizes[1]\": a hidden layer of 100000 units");
  assert_edit_fails (json, "sizes", 0, "[65536,65536,65536]", HEALER_MODEL_ERROR_INVALID,
                     "\"architecture.sizes\"");
  assert_edit_fails (json, "sizes", 0, "[4294967295,4294967295,4294967295]", HEALER_MODEL_ERROR_INVALID, "\"architecture.sizes[0]\"");
  assert_edit_fails (json, "sizes", 0, "[12]", HEALER_MODEL_ERROR_INVALID, "\"architecture.sizes\"");
  assert_edit_fails (json, "sizes", 0, "[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1]", HEALER_MODEL_ERROR_INVALID, "\"architecture.sizes\"");
  assert_edit_fails (json, "sizes", 0, "[0,8,3]", HEALER_MODEL_ERROR_INVALID, "\"architecture.sizes[0]\"");
  assert_edit_fails (json, "sizes", 0, "[-5,8,3]", HEALER_MODEL_ERROR_INVALID, "\"architecture.sizes[0]\"");
  assert_edit_fails (json, "sizes", 0, "\"abc\"", HEALER_MODEL_ERROR_INVALID, "\"architecture.sizes\": expected an array, found a string");
  assert_edit_fails (json, "sizes", 0, "[\"12\",8,3]", HEALER_MODEL_ERROR_INVALID, "\"architecture.sizes[0]\"");
  assert_edit_fails (json, "sizes", 0, "[12.5,8,3]", HEALER_MODEL_ERROR_INVALID, "\"architecture.sizes[0]\"");
  assert_edit_fails (json, "activation", 0, "\"sigmoid\"", HEALER_MODEL_ERROR_INVALID, "\"architecture.activation\"");
  assert_edit_fails (json, "ensemble", 0, "[]", HEALER_MODEL_ERROR_INVALID, "\"ensemble\"");
  assert_edit_fails (json, "ensemble", 0, "[1]", HEALER_MODEL_ERROR_INVALID, "\"ensemble[0]\"");
  assert_edit_fails (json, "features", 0, "[]", HEALER_MODEL_ERROR_INVALID, "\"features\"");
  assert_edit_fails (json, "features", 0, "[\"a\",\"a\"]", HEALER_MODEL_ERROR_INVALID, "\"features[1]\"");
  assert_edit_fails (json, "fill", 0, "\"AAAA\"", HEALER_MODEL_ERROR_INVALID, "\"preprocessing.fill\"");
  assert_edit_fails (json, "fill", 0, "\"@@@@\"", HEALER_MODEL_ERROR_INVALID, "\"preprocessing.fill\"");
  assert_edit_fails (json, "fill", 0, "[1,2]", HEALER_MODEL_ERROR_INVALID, "\"preprocessing.fill\"");
  assert_edit_fails (json, "selected", 0, "[0,999]", HEALER_MODEL_ERROR_INVALID, "\"preprocessing.selected[1]\"");
  assert_edit_fails (json, "selected", 0, "[1,1]", HEALER_MODEL_ERROR_INVALID, "\"preprocessing.selected[1]\"");
  assert_edit_fails (json, "indicators", 0, "[-1]", HEALER_MODEL_ERROR_INVALID, "\"preprocessing.indicators[0]\"");
  assert_edit_fails (json, "transform", 0, "\"boxcox\"", HEALER_MODEL_ERROR_INVALID, "\"preprocessing.transform\"");
  assert_edit_fails (json, "mean", 0, NULL, HEALER_MODEL_ERROR_INVALID, "\"preprocessing.mean\"");
  assert_edit_fails (json, "quantiles", 0, NULL, HEALER_MODEL_ERROR_INVALID, "\"preprocessing.quantiles\"");
  assert_edit_fails (json, "weights_sha256", 0, NULL, HEALER_MODEL_ERROR_INVALID, "\"weights_sha256\"");
  assert_edit_fails (json, "training", 0, NULL, HEALER_MODEL_ERROR_INVALID, "\"training\"");
  assert_edit_fails (json, "seed", 0, "42", HEALER_MODEL_ERROR_INVALID, "\"training.seed\"");
  /* unquoted past 64 bits: refused where it stands (see /model/huge-integers) */
  assert_edit_fails (json, "seed", 0, "18446744073709551557", HEALER_MODEL_ERROR_INVALID,
                     "the whole number 18446744073709551557 does not fit in 64 bits");
  assert_edit_fails (json, "seed", 0, "\"-1\"", HEALER_MODEL_ERROR_INVALID, "\"training.seed\"");
  assert_edit_fails (json, "status", 0, "\"exploded\"", HEALER_MODEL_ERROR_INVALID, "\"training.status\"");
  assert_edit_fails (json, "val_loss", 0, "[1,2]", HEALER_MODEL_ERROR_INVALID, "\"training.history.val_loss\"");
  assert_edit_fails (json, "confidence_threshold", 0, "\"0.5\"", HEALER_MODEL_ERROR_INVALID,
                     "\"confidence_threshold\": expected a number, found a string");
  assert_edit_fails (json, "confidence_threshold", 0, "1e999", HEALER_MODEL_ERROR_INVALID, "\"confidence_threshold\"");
  assert_edit_fails (json, "confidence_threshold", 0, "null", HEALER_MODEL_ERROR_INVALID, "\"confidence_threshold\"");
  assert_edit_fails (json, "created", 0, "\"last tuesday\"", HEALER_MODEL_ERROR_INVALID, "\"created\"");
  /* A date, but none in UTC, where every view shows it. */
  assert_edit_fails (json, "created", 0, "\"0001-01-01T00:00:00+14:00\"", HEALER_MODEL_ERROR_INVALID,
                     "\"created\": expected a date such as");
  {
    g_autofree char *early = edit_member (json, "created", 0, "\"0001-01-01T14:00:00+14:00\"");
    g_autoptr(GError) error = NULL;
    g_autoptr(HealerModel) model = healer_model_load_from_data (early, strlen (early), "early.json",
                                                                &error);

    g_autoptr(GDateTime) shown = NULL;

    g_assert_no_error (error);
    shown = g_date_time_new_from_unix_utc (model->created_unix);
    g_assert_nonnull (shown);
  }
  assert_edit_fails (json, "n_classes", 0, "4", HEALER_MODEL_ERROR_INVALID, "\"metrics.train.n_classes\"");
  assert_edit_fails (json, "confusion", 0, "[[1,2,3],[1,2],[1,2,3]]", HEALER_MODEL_ERROR_INVALID, "\"metrics.train.confusion[1]\"");
  assert_edit_fails (json, "classes", 0, "[]", HEALER_MODEL_ERROR_INVALID, "\"classes\"");
  assert_edit_fails (json, "classes", 0, "[{\"id\":0,\"name\":\"a\"}]", HEALER_MODEL_ERROR_INVALID,
                     "\"architecture.sizes[2]\"");
  assert_edit_fails (json, "classes", 0, "[{\"id\":0,\"name\":\"a\"},{\"id\":10000,\"name\":\"b\"}]",
                     HEALER_MODEL_ERROR_INVALID, "\"classes[1].id\"");
  assert_edit_fails (json, "id", 1, "0", HEALER_MODEL_ERROR_INVALID, "\"classes[1].id\"");
  assert_edit_fails (json, "id", 2, "\"2\"", HEALER_MODEL_ERROR_INVALID, "\"classes[2].id\"");
  assert_edit_fails (json, "name", 0, "7", HEALER_MODEL_ERROR_INVALID, "\"classes[0].name\"");
}

/* The ple_edges member of @json with edge @t of selected feature @s set to
 * @value, as a JSON string. */
static char *
ple_edges_with (const char *json,
                guint       s,
                guint       t,
                float       value)
{
  g_autofree char *quoted = get_member (json, "ple_edges", 0);
  g_autofree char *text = g_strndup (quoted + 1, strlen (quoted) - 2);
  g_autofree guchar *bytes = NULL;
  g_autofree float *v = NULL;
  g_autofree char *b64 = NULL;
  gsize len;

  bytes = g_base64_decode (text, &len);
  g_assert_cmpuint (len % 4, ==, 0);
  g_assert_cmpuint (len / 4, >, (gsize) s * HEALER_PLE_EDGES + t);
  v = g_new (float, len / 4);
  for (gsize i = 0; i < len / 4; i++)
    {
      guint32 u;

      memcpy (&u, bytes + 4 * i, 4);
      u = GUINT32_FROM_LE (u);
      memcpy (&v[i], &u, 4);
    }
  v[(gsize) s * HEALER_PLE_EDGES + t] = value;
  b64 = floats_b64 (v, len / 4);
  return g_strdup_printf ("\"%s\"", b64);
}

/* The ple_counts array of @p with entry @s set to @value, as JSON. */
static char *
ple_counts_with (const HealerPreprocessor *p,
                 guint                     s,
                 guint                     value)
{
  GString *out = g_string_new ("[");

  for (guint i = 0; i < p->n_selected; i++)
    g_string_append_printf (out, "%s%u", i > 0 ? "," : "", i == s ? value : p->ple_counts[i]);
  g_string_append_c (out, ']');
  return g_string_free (out, FALSE);
}

static void
test_corrupt_ple (void)
{
  g_autoptr(HealerDataset) data = make_data (60, 1);
  g_autoptr(HealerModel) model = NULL;
  g_autofree char *json = NULL;
  g_autofree char *counts = NULL;
  g_autofree char *none = NULL;
  g_autofree char *same = NULL;
  g_autofree char *down = NULL;
  g_autofree char *nan = NULL;
  const HealerPreprocessor *p;
  guint full = G_MAXUINT;
  gsize len;

  model = make_model (data, HEALER_TRANSFORM_PLE, 1);
  p = model->preprocessor;
  json = healer_model_to_json (model, &len);

  /* a feature with all 17 edges, to corrupt */
  for (guint s = 0; s < p->n_selected && full == G_MAXUINT; s++)
    if (p->ple_counts[s] == HEALER_PLE_EDGES)
      full = s;
  g_assert_cmpuint (full, <, p->n_selected);
  g_assert_cmpuint (p->n_output, ==, p->n_selected + p->n_ple + p->n_indicators);

  assert_edit_fails (json, "ple_counts", 0, "[0]", HEALER_MODEL_ERROR_INVALID, "\"preprocessing.ple_counts\"");
  assert_edit_fails (json, "ple_counts", 0, NULL, HEALER_MODEL_ERROR_INVALID, "\"preprocessing.ple_counts\"");
  assert_edit_fails (json, "ple_edges", 0, NULL, HEALER_MODEL_ERROR_INVALID, "\"preprocessing.ple_edges\"");
  assert_edit_fails (json, "ple_edges", 0, "\"AAAA\"", HEALER_MODEL_ERROR_INVALID, "\"preprocessing.ple_edges\"");

  counts = ple_counts_with (p, full, 0);
  assert_edit_fails (json, "ple_counts", 0, counts, HEALER_MODEL_ERROR_INVALID,
                     "\"preprocessing.ple_counts[");
  g_free (counts);
  counts = ple_counts_with (p, full, HEALER_PLE_EDGES + 1);
  assert_edit_fails (json, "ple_counts", 0, counts, HEALER_MODEL_ERROR_INVALID,
                     "\"preprocessing.ple_counts[");
  /* one edge fewer: the 17th edge becomes padding that does not repeat the 16th */
  g_free (counts);
  counts = ple_counts_with (p, full, HEALER_PLE_EDGES - 1);
  assert_edit_fails (json, "ple_counts", 0, counts, HEALER_MODEL_ERROR_INVALID, "padding");

  same = ple_edges_with (json, full, 5, p->ple_edges[full * HEALER_PLE_EDGES + 4]);
  down = ple_edges_with (json, full, 5, p->ple_edges[full * HEALER_PLE_EDGES + 4] - 1.0f);
  nan = ple_edges_with (json, full, 3, NAN);
  assert_edit_fails (json, "ple_edges", 0, same, HEALER_MODEL_ERROR_INVALID,
                     "\"preprocessing.ple_edges\": edge 5");
  assert_edit_fails (json, "ple_edges", 0, down, HEALER_MODEL_ERROR_INVALID,
                     "\"preprocessing.ple_edges\": edge 5");
  assert_edit_fails (json, "ple_edges", 0, nan, HEALER_MODEL_ERROR_INVALID,
                     "\"preprocessing.ple_edges\": element 3 (counting from 0) is not a finite number");

  /* the untouched text still loads */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(HealerModel) ok = healer_model_load_from_data (json, len, "model.json", &error);

    g_assert_no_error (error);
    g_assert_nonnull (ok);
  }
  /* a file without PLE carries no PLE member */
  {
    g_autoptr(HealerModel) q = make_model (data, HEALER_TRANSFORM_QUANTILE, 1);

    none = healer_model_to_json (q, &len);
    g_assert_null (strstr (none, "ple_"));
  }
}

static void
test_corrupt_weights (void)
{
  gsize len;
  g_autofree char *json = canonical_json (&len);
  g_autofree char *quoted = get_member (json, "params", 0);
  g_autofree char *text = g_strndup (quoted + 1, strlen (quoted) - 2);
  g_autofree guchar *bytes = NULL;
  g_autofree char *flipped = NULL;
  g_autofree char *flipped_quoted = NULL;
  g_autofree char *nan_quoted = NULL;
  g_autofree char *inf_quoted = NULL;
  g_autofree float *v = NULL;
  gsize n_bytes;

  bytes = g_base64_decode (text, &n_bytes);
  g_assert_cmpuint (n_bytes % 4, ==, 0);
  g_assert_cmpuint (n_bytes, >, 16);

  /* One bit of the mantissa: still a finite weight, only the checksum tells. */
  bytes[4] ^= 0x01;
  flipped = g_base64_encode (bytes, n_bytes);
  flipped_quoted = g_strdup_printf ("\"%s\"", flipped);
  assert_edit_fails (json, "params", 0, flipped_quoted, HEALER_MODEL_ERROR_CHECKSUM, "\"weights_sha256\"");
  assert_edit_fails (json, "weights_sha256", 0, "\"00\"", HEALER_MODEL_ERROR_CHECKSUM, "\"weights_sha256\"");
  bytes[4] ^= 0x01;

  v = g_new (float, n_bytes / 4);
  for (gsize i = 0; i < n_bytes / 4; i++)
    {
      guint32 u;

      memcpy (&u, bytes + 4 * i, 4);
      u = GUINT32_FROM_LE (u);
      memcpy (&v[i], &u, 4);
    }
  v[3] = NAN;
  {
    g_autofree char *b64 = floats_b64 (v, n_bytes / 4);

    nan_quoted = g_strdup_printf ("\"%s\"", b64);
  }
  assert_edit_fails (json, "params", 1, nan_quoted, HEALER_MODEL_ERROR_INVALID, "\"ensemble[1].params\"");
  v[3] = INFINITY;
  {
    g_autofree char *b64 = floats_b64 (v, n_bytes / 4);

    inf_quoted = g_strdup_printf ("\"%s\"", b64);
  }
  assert_edit_fails (json, "params", 0, inf_quoted, HEALER_MODEL_ERROR_INVALID, "\"ensemble[0].params\"");
  {
    /* One float short. */
    g_autofree char *b64 = floats_b64 (v, n_bytes / 4 - 1);
    g_autofree char *q = g_strdup_printf ("\"%s\"", b64);

    assert_edit_fails (json, "params", 0, q, HEALER_MODEL_ERROR_INVALID, "\"ensemble[0].params\"");
  }
  {
    /* A NaN in the preprocessing is refused as well. */
    g_autofree char *fill = get_member (json, "fill", 0);
    g_autofree char *fill_text = g_strndup (fill + 1, strlen (fill) - 2);
    g_autofree char *patched = NULL;
    g_autofree char *q = NULL;
    g_autofree guchar *fb = NULL;
    guint32 nan_le;
    float nan1 = NAN;
    gsize n_fill;

    fb = g_base64_decode (fill_text, &n_fill);
    g_assert_cmpuint (n_fill, >=, 4);
    memcpy (&nan_le, &nan1, 4);
    nan_le = GUINT32_TO_LE (nan_le);
    memcpy (fb + 4, &nan_le, 4);
    patched = g_base64_encode (fb, n_fill);
    q = g_strdup_printf ("\"%s\"", patched);
    assert_edit_fails (json, "fill", 0, q, HEALER_MODEL_ERROR_INVALID, "\"preprocessing.fill\"");
  }
}

static void
test_file_errors (void)
{
  g_autoptr(HealerDataset) data = make_data (60, 1);
  g_autoptr(HealerModel) model = make_model (data, HEALER_TRANSFORM_QUANTILE, 1);
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.json", NULL);
  g_autofree char *missing = g_build_filename (dir, "nope.json", NULL);
  g_autoptr(GError) error = NULL;
  HealerModel *loaded;

  g_assert_true (healer_model_save (model, path, NULL));

  loaded = healer_model_load (missing, &error);
  g_assert_null (loaded);
  g_assert_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "nope.json"));
  g_clear_error (&error);

  loaded = healer_model_load (dir, &error);
  g_assert_null (loaded);
  g_assert_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_IO);
  g_clear_error (&error);

  /* Above the size bound: refused before it is read. */
  loaded = healer_model_load_with_limit (path, 1000, &error);
  g_assert_null (loaded);
  g_assert_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "model.json"));
  g_assert_nonnull (strstr (error->message, "larger"));
  g_clear_error (&error);

  /* The length is checked before the bytes are looked at. */
  loaded = healer_model_load_from_data ("{", (gsize) HEALER_MODEL_MAX_FILE_SIZE + 1, "big.json", &error);
  g_assert_null (loaded);
  g_assert_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_INVALID);
  g_clear_error (&error);

  loaded = healer_model_load_with_limit (path, 100 * 1024 * 1024, &error);
  g_assert_no_error (error);
  healer_model_unref (loaded);
  remove_dir (dir);
}

static gsize
count_entries (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  gsize n = 0;

  g_assert_nonnull (d);
  while (g_dir_read_name (d) != NULL)
    n++;
  return n;
}

static void
test_atomic_save (void)
{
  g_autoptr(HealerDataset) data = make_data (60, 1);
  g_autoptr(HealerModel) model = make_model (data, HEALER_TRANSFORM_QUANTILE, 1);
  g_autofree char *dir = temp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.json", NULL);
  g_autofree char *nowhere = g_build_filename (dir, "no", "such", "model.json", NULL);
  g_autofree char *probe = g_build_filename (dir, "probe", NULL);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gboolean writable;

  /* Replacing a file leaves exactly the new file, no temporaries. */
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_true (healer_model_save (model, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (count_entries (dir), ==, 1);

  /* A parent that does not exist: an error, and nothing is written. */
  g_assert_false (healer_model_save (model, nowhere, &error));
  g_assert_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "model.json"));
  g_clear_error (&error);
  g_assert_false (g_file_test (nowhere, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_entries (dir), ==, 1);

  /* A read-only folder keeps the old file intact. */
  g_assert_true (g_file_set_contents (path, "old", -1, NULL));
  g_assert_cmpint (g_chmod (dir, 0555), ==, 0);
  writable = g_file_set_contents (probe, "x", -1, NULL);
  if (writable)
    {
      g_remove (probe);
      g_chmod (dir, 0755);
      remove_dir (dir);
      g_test_skip ("read-only folders are writable here (running as root?)");
      return;
    }
  g_assert_false (healer_model_save (model, path, &error));
  g_assert_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_IO);
  g_clear_error (&error);
  g_chmod (dir, 0755);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "old");
  g_assert_cmpuint (count_entries (dir), ==, 1);
  remove_dir (dir);
}

static HealerDataset *
reorder (const HealerDataset *data,
         gboolean             reverse,
         const char          *drop)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  HealerDataset *out;

  for (guint j = 0; j < data->n_features; j++)
    {
      const char *name = data->feature_names[reverse ? data->n_features - 1 - j : j];

      if (g_strcmp0 (name, drop) != 0)
        g_ptr_array_add (names, (gpointer) name);
    }
  g_ptr_array_add (names, NULL);
  out = healer_dataset_select_columns (data, (const char * const *) names->pdata, FALSE,
                                       NULL, NULL, &error);
  g_assert_no_error (error);
  return out;
}

static void
test_align (void)
{
  g_autoptr(HealerDataset) data = make_data (120, 5);
  g_autoptr(HealerModel) model = make_model (data, HEALER_TRANSFORM_QUANTILE, 2);
  g_autoptr(HealerDataset) reversed = reorder (data, TRUE, NULL);
  g_autoptr(HealerDataset) partial = NULL;
  g_autoptr(HealerDataset) aligned = NULL;
  const char *read_name = NULL;
  g_autoptr(HealerDataset) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *p1 = g_new (float, data->n_rows * 3);
  g_autofree float *p2 = g_new (float, data->n_rows * 3);
  g_auto(GStrv) extra = NULL;

  g_assert_cmpstr (reversed->feature_names[0], ==, "feature11");

  aligned = healer_model_align (model, reversed, NULL, &extra, &error);
  g_assert_no_error (error);
  g_assert_nonnull (aligned);
  g_assert_true (extra == NULL || extra[0] == NULL);
  healer_model_predict_proba (model, data, p1);
  healer_model_predict_proba (model, aligned, p2);
  g_assert_cmpmem (p1, data->n_rows * 3 * sizeof (float), p2, data->n_rows * 3 * sizeof (float));

  /* A column the model reads is missing: refused, and named. (One it does
   * not read may be absent: /diagnose/unread-column-absent.) */
  for (guint j = 0; read_name == NULL && j < model->preprocessor->n_input; j++)
    if (healer_preprocessor_reads_input (model->preprocessor, j))
      read_name = model->preprocessor->input_names[j];
  g_assert_nonnull (read_name);
  partial = reorder (data, FALSE, read_name);
  none = healer_model_align (model, partial, NULL, NULL, &error);
  g_assert_null (none);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_COLUMNS);
  g_assert_nonnull (strstr (error->message, read_name));
}

static void
test_predict (void)
{
  /* More rows than one block of the chunked prediction. */
  g_autoptr(HealerDataset) data = make_data (5000, 9);
  g_autoptr(HealerModel) model = make_model (data, HEALER_TRANSFORM_SIGNED_LOG, 3);
  g_autofree float *all = g_new (float, data->n_rows * 3);
  gsize probe_rows[] = { 0, 4095, 4096, 4999 };

  healer_model_predict_proba (model, data, all);
  for (gsize i = 0; i < data->n_rows; i++)
    {
      double sum = 0;

      for (guint k = 0; k < 3; k++)
        {
          g_assert_true (isfinite (all[i * 3 + k]));
          sum += all[i * 3 + k];
        }
      g_assert_cmpfloat_with_epsilon (sum, 1.0, 1e-5);
    }

  /* The ensemble average of the members, row by row. */
  for (gsize t = 0; t < G_N_ELEMENTS (probe_rows); t++)
    {
      gsize i = probe_rows[t];
      g_autoptr(HealerDataset) one = healer_dataset_subset (data, &i, 1);
      g_autofree float *x = g_new (float, model->preprocessor->n_output);
      float mine[3] = { 0 }, member[3];

      healer_preprocessor_transform (model->preprocessor, one->x, 1, x);
      for (guint m = 0; m < model->n_members; m++)
        {
          healer_mlp_predict_proba (model->members[m], x, 1, member);
          for (guint k = 0; k < 3; k++)
            mine[k] += member[k] / model->n_members;
        }
      for (guint k = 0; k < 3; k++)
        g_assert_cmpfloat_with_epsilon (all[i * 3 + k], mine[k], 1e-5);
    }
}

static void
test_evaluate (void)
{
  g_autoptr(HealerDataset) data = make_data (150, 4);
  g_autoptr(HealerModel) model = make_model (data, HEALER_TRANSFORM_QUANTILE, 1);
  g_autoptr(HealerDataset) reversed = reorder (data, TRUE, NULL);
  g_autoptr(HealerMetrics) metrics = NULL;
  g_autoptr(HealerMetrics) none = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *proba = g_new (float, data->n_rows * 3);
  gsize correct = 0;

  healer_model_predict_proba (model, data, proba);
  for (gsize i = 0; i < data->n_rows; i++)
    correct += healer_argmax (proba + 3 * i, 3) == (guint) data->labels[i];

  metrics = healer_model_evaluate (model, reversed, &error);
  g_assert_no_error (error);
  g_assert_nonnull (metrics);
  g_assert_cmpuint (metrics->n_samples, ==, data->n_rows);
  g_assert_cmpuint (metrics->n_classes, ==, 3);
  g_assert_cmpfloat_with_epsilon (metrics->accuracy, (double) correct / data->n_rows, 1e-12);

  /* A label the model does not know is named. */
  reversed->labels[17] = 7;
  none = healer_model_evaluate (model, reversed, &error);
  g_assert_null (none);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_LABEL);
  g_assert_nonnull (strstr (error->message, "label 7"));
  g_assert_nonnull (strstr (error->message, "row 18"));
}


/* The settings the app remembers: every member comes back, and a damaged or
 * out-of-range text is refused without touching the configuration. */
static void
test_config_json (void)
{
  HealerTrainConfig c, back, untouched;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *again = NULL;

  healer_train_config_init_default (&c);
  g_assert_true (healer_train_config_set_hidden (&c, "64,32", &error));
  g_assert_no_error (error);
  c.activation = HEALER_ACTIVATION_TANH;
  c.optimizer = HEALER_OPTIMIZER_SGD;
  c.learning_rate = 0.0125;
  c.momentum = 0.8;
  c.epochs = 77;
  c.batch_size = 33;
  c.validation_fraction = 0.25;
  c.patience = 5;
  c.ensemble = 3;
  c.seed = G_GUINT64_CONSTANT (18446744073709551615);
  c.preprocess.impute = HEALER_IMPUTE_MEDIAN;
  c.preprocess.transform = HEALER_TRANSFORM_SIGNED_LOG;
  c.preprocess.missing_indicators = TRUE;
  c.preprocess.select_k = 12;

  json = healer_train_config_to_json (&c);
  g_assert_nonnull (strstr (json, "\"activation\":\"tanh\""));
  healer_train_config_init_default (&back);
  g_assert_true (healer_train_config_from_json (json, &back, &error));
  g_assert_no_error (error);
  again = healer_train_config_to_json (&back);
  g_assert_cmpstr (again, ==, json);
  g_assert_cmpuint (back.n_hidden, ==, 2);
  g_assert_cmpuint (back.hidden[1], ==, 32);
  g_assert_cmpuint (back.seed, ==, c.seed);
  g_assert_cmpint (back.preprocess.transform, ==, HEALER_TRANSFORM_SIGNED_LOG);

  healer_train_config_init_default (&untouched);
  back = untouched;
  g_assert_false (healer_train_config_from_json ("{\"hidden\":[64]", &back, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  {
    g_autoptr(GString) bad = g_string_new (json);

    g_string_replace (bad, "\"activation\":\"tanh\"", "\"activation\":\"sigmoid\"", 1);
    g_assert_false (healer_train_config_from_json (bad->str, &back, &error));
    g_assert_nonnull (strstr (error->message, "sigmoid"));
    g_clear_error (&error);
  }
  {
    g_autoptr(GString) bad = g_string_new (json);

    g_string_replace (bad, "\"dropout\":0", "\"dropout\":2", 1);
    g_assert_false (healer_train_config_from_json (bad->str, &back, &error));
    g_clear_error (&error);
  }
  g_assert_true (memcmp (&back, &untouched, sizeof back) == 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/new", test_new);
  g_test_add_func ("/model/round-trip", test_round_trip);
  g_test_add_func ("/model/trained-round-trip", test_trained_round_trip);
  g_test_add_func ("/model/reproducible", test_reproducible);
  g_test_add_func ("/model/corrupt/parse", test_corrupt_parse);
  g_test_add_func ("/model/corrupt/format", test_corrupt_format);
  g_test_add_func ("/model/format-1.0", test_format_1_0);
  g_test_add_func ("/model/training-agrees", test_training_agrees);
  g_test_add_func ("/model/huge-integers", test_huge_integers);
  g_test_add_func ("/model/corrupt/shapes", test_corrupt_shapes);
  g_test_add_func ("/model/corrupt/ple", test_corrupt_ple);
  g_test_add_func ("/model/corrupt/weights", test_corrupt_weights);
  g_test_add_func ("/model/file-errors", test_file_errors);
  g_test_add_func ("/model/atomic-save", test_atomic_save);
  g_test_add_func ("/model/align", test_align);
  g_test_add_func ("/model/predict", test_predict);
  g_test_add_func ("/model/evaluate", test_evaluate);
  g_test_add_func ("/model/config-json", test_config_json);

  return g_test_run ();
}
