/* test-explain.c — explanations rank the KPIs a simulated fault really moves first
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include "healer-explain-private.h"
#include "healer-mlp.h"
#include "healer-model.h"
#include "healer-simulate.h"
#include "healer-trainer.h"

/* ---- fixture: one model trained on the demo data, shared by the tests ---- */

static HealerSimulateConfig sim;
static HealerModel *trained;
static gboolean *informative;   /* n_classes × n_features */

static void
sim_config (HealerSimulateConfig *c)
{
  healer_simulate_config_init_default (c);
}

static gboolean
is_informative (guint klass,
                guint feature)
{
  return informative[(gsize) klass * sim.n_features + feature];
}

static gboolean
is_informative_any (guint feature)
{
  for (guint c = 1; c < sim.n_classes; c++)
    if (is_informative (c, feature))
      return TRUE;
  return FALSE;
}

static HealerModel *
get_model (void)
{
  if (trained == NULL)
    {
      g_autoptr(HealerDataset) data = NULL;
      g_autoptr(GError) error = NULL;
      HealerTrainConfig config;

      sim_config (&sim);
      data = healer_simulate (&sim);
      informative = g_new0 (gboolean, (gsize) sim.n_classes * sim.n_features);
      for (guint c = 0; c < sim.n_classes; c++)
        {
          guint n;
          g_autofree guint *v = healer_simulate_informative_features (&sim, c, &n);

          for (guint i = 0; i < n; i++)
            informative[(gsize) c * sim.n_features + v[i]] = TRUE;
        }

      /* The defaults, with fewer epochs and one member to keep the test
       * quick, and a validation split: the importance tests check that it
       * is measured on the held-out rows. */
      healer_train_config_init_default (&config);
      config.epochs = 60;
      config.ensemble = 1;
      config.validation_fraction = 0.2;
      trained = healer_train (data, &config, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (trained);
      g_assert_nonnull (trained->explanations);
    }
  return trained;
}

/* ---- what the explanations say ---- */

static void
test_signatures (void)
{
  HealerModel *model = get_model ();
  const HealerExplanations *ex = model->explanations;

  g_assert_cmpuint (ex->n_classes, ==, model->n_classes);
  g_assert_cmpuint (ex->signature_rows, ==, model->n_train_rows);
  for (guint c = 0; c < ex->n_classes; c++)
    {
      const HealerSignature *sig = &ex->signatures[c];
      guint hits = 0;

      g_assert_cmpuint (sig->n_entries, ==, HEALER_EXPLAIN_SIGNATURE_TOP);
      for (guint e = 0; e < sig->n_entries; e++)
        {
          const HealerSignatureEntry *s = &sig->entries[e];

          g_assert_cmpuint (s->feature, <, sim.n_features);
          g_assert_cmpfloat (fabs (s->effect), <=, 1.0);
          g_assert_cmpfloat (fabs (s->effect), >, 0.0);
          if (e > 0)
            g_assert_cmpfloat (fabs (s->effect), <=, fabs (sig->entries[e - 1].effect));
          g_assert_true (isfinite (s->median_class) && isfinite (s->median_rest));
          if (e < 5 && c > 0)
            hits += is_informative (c, s->feature);
        }
      /* Most of the top five KPIs of a fault are the ones it shifts. */
      if (c > 0)
        {
          g_test_message ("class %u: %u of the top 5 signature KPIs are informative", c, hits);
          g_assert_cmpuint (hits, >=, 4);
        }
    }
}

static void
test_signature_direction (void)
{
  HealerModel *model = get_model ();
  const HealerExplanations *ex = model->explanations;

  /* The sign says on which side of the other classes the class lies, and
   * the medians agree with it for a clear effect. */
  for (guint c = 0; c < ex->n_classes; c++)
    for (guint e = 0; e < ex->signatures[c].n_entries; e++)
      {
        const HealerSignatureEntry *s = &ex->signatures[c].entries[e];

        if (fabs (s->effect) < 0.3)
          continue;
        if (s->effect > 0)
          g_assert_cmpfloat (s->median_class, >=, s->median_rest);
        else
          g_assert_cmpfloat (s->median_class, <=, s->median_rest);
      }
}

static gboolean
input_is_used (const HealerPreprocessor *p,
               guint                     j)
{
  for (guint s = 0; s < p->n_selected; s++)
    if (p->selected[s] == j)
      return TRUE;
  for (guint s = 0; s < p->n_indicators; s++)
    if (p->indicators[s] == j)
      return TRUE;
  return FALSE;
}

static void
test_importance (void)
{
  HealerModel *model = get_model ();
  const HealerExplanations *ex = model->explanations;
  const HealerPreprocessor *p = model->preprocessor;
  g_autofree gboolean *seen = g_new0 (gboolean, sim.n_features);
  guint hits = 0, n_unused = 0;

  g_assert_nonnull (ex->importance);
  g_assert_cmpuint (ex->n_importance, ==, sim.n_features);
  g_assert_cmpint (ex->importance_rows, ==, HEALER_IMPORTANCE_ROWS_VALIDATION);
  g_assert_cmpuint (ex->importance_n_rows, ==, model->validation_metrics->n_samples);
  g_assert_cmpuint (ex->importance_repeats, ==, HEALER_EXPLAIN_REPEATS);
  g_assert_cmpfloat_with_epsilon (ex->base_macro_f1, model->validation_metrics->macro_f1, 1e-6);

  for (guint i = 0; i < ex->n_importance; i++)
    {
      const HealerImportance *imp = &ex->importance[i];

      g_assert_false (seen[imp->feature]);
      seen[imp->feature] = TRUE;
      if (i > 0)
        g_assert_cmpfloat (imp->f1_drop, <=, ex->importance[i - 1].f1_drop);
      if (i < 10)
        hits += is_informative_any (imp->feature);
      /* A column no network input reads cannot change anything. */
      if (!input_is_used (p, imp->feature))
        {
          g_assert_cmpfloat (imp->f1_drop, ==, 0.0);
          g_assert_cmpfloat (imp->log_loss_increase, ==, 0.0);
          n_unused++;
        }
    }
  g_test_message ("%u of the top 10 permutation-importance KPIs are informative; %u KPIs "
                  "unused", hits, n_unused);
  g_assert_cmpuint (hits, >=, 8);
  /* The most important KPI matters. */
  g_assert_cmpfloat (ex->importance[0].f1_drop, >, 0.0);
}

static void
test_occlusion (void)
{
  HealerModel *model = get_model ();
  HealerSimulateConfig fresh = sim;
  g_autoptr(HealerDataset) data = NULL;
  g_autofree float *proba = NULL;
  guint n_correct = 0, n_hit = 0;

  /* New samples of the same cluster. */
  fresh.seed = 99;
  fresh.n_samples = 300;
  data = healer_simulate (&fresh);
  proba = g_new (float, data->n_rows * model->n_classes);
  healer_model_predict_proba (model, data, proba);

  for (gsize i = 0; i < data->n_rows; i++)
    {
      g_autoptr(HealerSampleExplanation) ex = NULL;
      guint label = (guint) data->labels[i];
      gboolean hit = FALSE;

      ex = healer_explain_sample (model, healer_dataset_row (data, i), 3);
      g_assert_cmpuint (ex->predicted, ==, healer_argmax (proba + i * model->n_classes,
                                                          model->n_classes));
      for (guint k = 0; k < model->n_classes; k++)
        g_assert_cmpfloat_with_epsilon (ex->proba[k], proba[i * model->n_classes + k], 1e-6);
      g_assert_cmpuint (ex->n_attributions, <=, 3);
      for (guint a = 1; a < ex->n_attributions; a++)
        g_assert_cmpfloat (ex->attributions[a].delta, <=, ex->attributions[a - 1].delta);

      if (label == 0 || ex->predicted != label)
        continue;
      n_correct++;
      for (guint a = 0; a < ex->n_attributions; a++)
        hit |= is_informative (label, ex->attributions[a].feature);
      n_hit += hit;
    }
  g_test_message ("%u of %u correctly diagnosed fault samples have an informative KPI "
                  "in their top 3", n_hit, n_correct);
  g_assert_cmpuint (n_correct, >=, 150);
  g_assert_cmpfloat ((double) n_hit / n_correct, >=, 0.85);
}

/* Every driver is a KPI the model reads, present in the sample, with an
 * effect; a missing KPI is never a driver but listed apart, however far its
 * imputed value moves the diagnosis. */
static void
assert_drivers_valid (const HealerModel             *model,
                      const HealerSampleExplanation *ex,
                      const float                   *row)
{
  const HealerPreprocessor *p = model->preprocessor;

  for (guint a = 0; a < ex->n_attributions; a++)
    {
      const HealerAttribution *at = &ex->attributions[a];

      g_assert_true (healer_preprocessor_reads_input (p, at->feature));
      g_assert_true (isfinite (row[at->feature]));
      g_assert_cmpfloat (fabs (at->delta), >=, HEALER_EXPLAIN_MIN_DELTA);
      if (a > 0)
        g_assert_cmpfloat (at->delta, <=, ex->attributions[a - 1].delta);
    }
  for (guint m = 0; m < ex->n_missing_read; m++)
    {
      g_assert_true (healer_preprocessor_reads_input (p, ex->missing_read[m]));
      g_assert_false (isfinite (row[ex->missing_read[m]]));
      if (m > 0)
        g_assert_cmpuint (ex->missing_read[m], >, ex->missing_read[m - 1]);
    }
}

static void
test_drivers_missing_and_no_effect (void)
{
  HealerModel *model = get_model ();
  const HealerPreprocessor *p = model->preprocessor;
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerSampleExplanation) before = NULL;
  g_autoptr(HealerSampleExplanation) after = NULL;
  g_autofree float *row = NULL;
  HealerSimulateConfig fresh = sim;
  guint top, unread = G_MAXUINT, n_read = 0;

  fresh.seed = 17;
  fresh.n_samples = 1;
  fresh.missing_rate = 0.0;
  data = healer_simulate (&fresh);
  row = g_memdup2 (healer_dataset_row (data, 0), p->n_input * sizeof (float));

  for (guint j = 0; j < p->n_input; j++)
    {
      if (healer_preprocessor_reads_input (p, j))
        n_read++;
      else if (unread == G_MAXUINT)
        unread = j;
    }
  /* The default KPI selection drops some of the simulated KPIs. */
  g_assert_cmpuint (unread, <, p->n_input);

  /* An unread KPI far out of range, or missing, has no effect: left out. */
  row[unread] = 1e9f;
  before = healer_explain_sample (model, row, 0);
  g_assert_cmpuint (before->n_attributions, >=, 1);
  g_assert_cmpuint (before->n_attributions, <=, n_read);
  g_assert_cmpuint (before->n_missing_read, ==, 0);
  assert_drivers_valid (model, before, row);
  for (guint a = 0; a < before->n_attributions; a++)
    g_assert_cmpuint (before->attributions[a].feature, !=, unread);

  /* The top driver goes missing: it is listed apart, not ranked. */
  top = before->attributions[0].feature;
  row[top] = NAN;
  row[unread] = NAN;
  after = healer_explain_sample (model, row, 0);
  g_assert_cmpuint (after->n_missing, ==, 2);
  g_assert_cmpuint (after->n_missing_read, ==, 1);
  g_assert_cmpuint (after->missing_read[0], ==, top);
  assert_drivers_valid (model, after, row);
  for (guint a = 0; a < after->n_attributions; a++)
    g_assert_cmpuint (after->attributions[a].feature, !=, top);
}

static void
test_abnormal (void)
{
  HealerModel *model = get_model ();
  const HealerPreprocessor *p = model->preprocessor;
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerSampleExplanation) ex = NULL;
  g_autofree float *row = NULL;
  HealerSimulateConfig fresh = sim;
  guint target = G_MAXUINT;

  fresh.seed = 5;
  fresh.n_samples = 1;
  fresh.missing_rate = 0.0;
  data = healer_simulate (&fresh);
  row = g_memdup2 (healer_dataset_row (data, 0), p->n_input * sizeof (float));

  /* A KPI with a positive median, multiplied by a million. */
  for (guint j = 0; j < p->n_input && target == G_MAXUINT; j++)
    if (p->train_median[j] > 0.0f && j >= 20)
      target = j;
  g_assert_cmpuint (target, !=, G_MAXUINT);
  row[target] = p->train_median[target] * 1e6f;

  ex = healer_explain_sample (model, row, 0);
  g_assert_cmpuint (ex->n_attributions, <=, p->n_input);
  g_assert_cmpuint (ex->n_missing, ==, 0);
  g_assert_cmpuint (ex->n_abnormal, >=, 1);
  g_assert_cmpuint (ex->abnormal[0].feature, ==, target);
  g_assert_cmpfloat (ex->abnormal[0].z, >, 1000.0);
  g_assert_cmpfloat (ex->abnormal[0].value, ==, row[target]);
  g_assert_cmpfloat (ex->abnormal[0].median, ==, p->train_median[target]);
  g_assert_true (ex->abnormal[0].flags & HEALER_ABNORMAL_ABOVE_RANGE);
  g_assert_true (ex->abnormal[0].flags & HEALER_ABNORMAL_HIGH_Z);
  for (guint a = 1; a < ex->n_abnormal; a++)
    g_assert_cmpfloat (fabs (ex->abnormal[a].z), <=, fabs (ex->abnormal[a - 1].z));

  /* A missing cell is counted, never abnormal. */
  row[target] = NAN;
  g_clear_pointer (&ex, healer_sample_explanation_free);
  ex = healer_explain_sample (model, row, 5);
  g_assert_cmpuint (ex->n_missing, ==, 1);
  g_assert_cmpuint (ex->n_attributions, <=, 5);
  for (guint a = 0; a < ex->n_abnormal; a++)
    g_assert_cmpuint (ex->abnormal[a].feature, !=, target);
}

static void
test_robust_z (void)
{
  g_autoptr(HealerPreprocessor) p = g_new0 (HealerPreprocessor, 1);
  float median[] = { 10, 0, 5, 0 };
  float iqr[] = { 2.698f, 0, 0, 0 };
  float lo[] = { 0, 0, 5, 0 };
  float hi[] = { 20, 12, 5, 0 };
  float missing[] = { 0, 0, 0, 1 };
  HealerAbnormalFlags f;
  double z;

  p->n_input = 4;
  p->train_median = g_memdup2 (median, sizeof median);
  p->train_iqr = g_memdup2 (iqr, sizeof iqr);
  p->train_min = g_memdup2 (lo, sizeof lo);
  p->train_max = g_memdup2 (hi, sizeof hi);
  p->missing_rate = g_memdup2 (missing, sizeof missing);

  z = healer_robust_z (p, 0, 15.0f, &f);
  g_assert_cmpfloat_with_epsilon (z, 2.5, 1e-6);
  g_assert_cmpint (f, ==, 0);
  z = healer_robust_z (p, 0, 30.0f, &f);
  g_assert_cmpfloat_with_epsilon (z, 10.0, 1e-5);
  g_assert_cmpint (f, ==, HEALER_ABNORMAL_HIGH_Z | HEALER_ABNORMAL_ABOVE_RANGE);
  z = healer_robust_z (p, 0, -1.0f, &f);
  g_assert_cmpfloat_with_epsilon (z, -5.5, 1e-5);
  g_assert_cmpint (f, ==, HEALER_ABNORMAL_HIGH_Z | HEALER_ABNORMAL_BELOW_RANGE);
  z = healer_robust_z (p, 0, 5.0f, NULL);
  g_assert_cmpfloat_with_epsilon (z, -2.5, 1e-5);

  /* IQR 0: half the training range is |z| = 3. */
  z = healer_robust_z (p, 1, 6.0f, &f);
  g_assert_cmpfloat_with_epsilon (z, 3.0, 1e-9);
  g_assert_cmpint (f, ==, HEALER_ABNORMAL_RANGE_SCALE);
  z = healer_robust_z (p, 1, 12.0f, &f);
  g_assert_cmpint (f, ==, HEALER_ABNORMAL_RANGE_SCALE | HEALER_ABNORMAL_HIGH_Z);

  /* Constant in training: any other value is infinitely far. */
  z = healer_robust_z (p, 2, 5.0f, &f);
  g_assert_cmpfloat (z, ==, 0.0);
  g_assert_cmpint (f, ==, HEALER_ABNORMAL_CONSTANT);
  z = healer_robust_z (p, 2, 4.0f, &f);
  g_assert_true (isinf (z) && z < 0);
  g_assert_cmpint (f, ==, HEALER_ABNORMAL_CONSTANT | HEALER_ABNORMAL_BELOW_RANGE |
                          HEALER_ABNORMAL_HIGH_Z);

  /* Never observed in training; and a missing value. */
  z = healer_robust_z (p, 3, 1.0f, &f);
  g_assert_true (isnan (z));
  g_assert_cmpint (f, ==, HEALER_ABNORMAL_UNSEEN);
  z = healer_robust_z (p, 0, NAN, &f);
  g_assert_true (isnan (z));
  g_assert_cmpint (f, ==, 0);
}

/* ---- storage ---- */

/* Bit for bit, field by field (the structs have padding). */
static void
assert_same_double (double a,
                    double b)
{
  g_assert_cmpmem (&a, sizeof a, &b, sizeof b);
}

static void
assert_explanations_equal (const HealerExplanations *a,
                           const HealerExplanations *b)
{
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_cmpuint (a->n_classes, ==, b->n_classes);
  g_assert_cmpuint (a->signature_rows, ==, b->signature_rows);
  for (guint c = 0; c < a->n_classes; c++)
    {
      g_assert_cmpuint (a->signatures[c].n_entries, ==, b->signatures[c].n_entries);
      for (guint e = 0; e < a->signatures[c].n_entries; e++)
        {
          const HealerSignatureEntry *x = &a->signatures[c].entries[e];
          const HealerSignatureEntry *y = &b->signatures[c].entries[e];

          g_assert_cmpuint (x->feature, ==, y->feature);
          assert_same_double (x->effect, y->effect);
          assert_same_double (x->median_class, y->median_class);
          assert_same_double (x->median_rest, y->median_rest);
        }
    }
  g_assert_cmpuint (a->n_importance, ==, b->n_importance);
  g_assert_true ((a->importance == NULL) == (b->importance == NULL));
  for (guint i = 0; i < a->n_importance; i++)
    {
      const HealerImportance *x = &a->importance[i], *y = &b->importance[i];

      g_assert_cmpuint (x->feature, ==, y->feature);
      assert_same_double (x->f1_drop, y->f1_drop);
      assert_same_double (x->f1_drop_std, y->f1_drop_std);
      assert_same_double (x->log_loss_increase, y->log_loss_increase);
    }
  g_assert_cmpint (a->importance_rows, ==, b->importance_rows);
  g_assert_cmpuint (a->importance_n_rows, ==, b->importance_n_rows);
  g_assert_cmpuint (a->importance_repeats, ==, b->importance_repeats);
  assert_same_double (a->base_macro_f1, b->base_macro_f1);
  assert_same_double (a->base_log_loss, b->base_log_loss);
}

static void
test_round_trip (void)
{
  HealerModel *model = get_model ();
  g_autofree char *json = NULL;
  g_autofree char *again = NULL;
  g_autoptr(HealerModel) loaded = NULL;
  g_autoptr(HealerExplanations) copy = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  json = healer_model_to_json (model, &len);
  g_assert_nonnull (strstr (json, "\"explanations\":{"));
  loaded = healer_model_load_from_data (json, len, "model.json", &error);
  g_assert_no_error (error);
  assert_explanations_equal (model->explanations, loaded->explanations);
  again = healer_model_to_json (loaded, NULL);
  g_assert_cmpstr (json, ==, again);

  copy = healer_explanations_copy (model->explanations);
  assert_explanations_equal (model->explanations, copy);
}

/* The file as it would be without the member, as older versions wrote it. */
static char *
strip_explanations (const char *json)
{
  const char *start = strstr (json, ",\"explanations\":");
  const char *end;
  GString *out;

  g_assert_nonnull (start);
  /* The member is the last one of the root object. */
  end = strrchr (json, '}');
  out = g_string_new_len (json, start - json);
  g_string_append (out, end);
  return g_string_free (out, FALSE);
}

static void
test_old_file (void)
{
  HealerModel *model = get_model ();
  g_autofree char *json = healer_model_to_json (model, NULL);
  g_autofree char *old = strip_explanations (json);
  g_autoptr(HealerModel) loaded = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_null (strstr (old, "explanations"));
  loaded = healer_model_load_from_data (old, strlen (old), "old.json", &error);
  g_assert_no_error (error);
  g_assert_null (loaded->explanations);

  g_assert_cmpstr (loaded->preprocessor->input_names[0], ==, "feature0");
  g_assert_cmpuint (loaded->n_members, ==, model->n_members);

  /* null is "not computed" too. */
  {
    g_autoptr(GString) null_member = g_string_new (old);
    g_autoptr(HealerModel) loaded_null = NULL;

    g_string_truncate (null_member, strrchr (null_member->str, '}') - null_member->str);
    g_string_append (null_member, ",\"explanations\":null}");
    loaded_null = healer_model_load_from_data (null_member->str, null_member->len, "n.json", &error);
    g_assert_no_error (error);
    g_assert_null (loaded_null->explanations);
  }
}

static void
assert_load_fails (const GString *bad,
                   const char    *member)
{
  g_autoptr(HealerModel) loaded = NULL;
  g_autoptr(GError) error = NULL;

  loaded = healer_model_load_from_data (bad->str, bad->len, "bad.json", &error);
  g_assert_null (loaded);
  g_assert_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_INVALID);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, member));
}

/* Replaces the first @what after "explanations" with @with and expects the
 * load to fail naming @member. */
static void
assert_corrupt (const char *json,
                const char *what,
                const char *with,
                const char *member)
{
  const char *at = strstr (strstr (json, "\"explanations\":"), what);
  g_autoptr(GString) bad = NULL;

  g_assert_nonnull (at);
  bad = g_string_new_len (json, at - json);
  g_string_append (bad, with);
  g_string_append (bad, at + strlen (what));
  assert_load_fails (bad, member);
}

/* Replaces the first element of the first array @key after "explanations"
 * (after @after when not NULL) with @with. */
static void
assert_corrupt_element (const char *json,
                        const char *after,
                        const char *key,
                        const char *with,
                        const char *member)
{
  g_autofree char *pattern = g_strdup_printf ("\"%s\":[", key);
  const char *from = strstr (json, "\"explanations\":");
  const char *at, *end;
  g_autoptr(GString) bad = NULL;

  if (after != NULL)
    from = strstr (from, after);
  at = strstr (from, pattern);
  g_assert_nonnull (at);
  at += strlen (pattern);
  end = at + strcspn (at, ",]");
  bad = g_string_new_len (json, at - json);
  g_string_append (bad, with);
  g_string_append (bad, end);
  assert_load_fails (bad, member);
}

static void
test_corrupt (void)
{
  HealerModel *model = get_model ();
  g_autofree char *json = healer_model_to_json (model, NULL);

  assert_corrupt_element (json, NULL, "features", "999999",
                          "\"explanations.signatures[0].features[0]\"");
  assert_corrupt_element (json, NULL, "effect", "1.5", "\"explanations.signatures[0].effect[0]\"");
  assert_corrupt_element (json, NULL, "effect", "null", "\"explanations.signatures[0].effect[0]\"");
  assert_corrupt_element (json, NULL, "median_rest", "\"x\"",
                          "\"explanations.signatures[0].median_rest[0]\"");
  assert_corrupt_element (json, "\"importance\":", "f1_drop", "7",
                          "\"explanations.importance.f1_drop[0]\"");
  assert_corrupt_element (json, "\"importance\":", "log_loss_increase", "null",
                          "\"explanations.importance.log_loss_increase[0]\"");
  /* Every number of the explanations must be one: null is refused by the
   * reader itself, naming the member. */
  {
    static const char * const members[][2] = {
      { NULL, "effect" }, { NULL, "median_class" }, { NULL, "median_rest" },
      { "\"importance\":", "f1_drop" }, { "\"importance\":", "f1_drop_std" },
      { "\"importance\":", "log_loss_increase" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (members); i++)
      {
        g_autofree char *expected = g_strdup_printf ("%s%s[0]\": expected a number, found null",
                                                     members[i][0] ? "importance." : "signatures[0].",
                                                     members[i][1]);

        assert_corrupt_element (json, members[i][0], members[i][1], "null", expected);
      }
  }
  assert_corrupt (json, "\"signatures\":[", "\"signatures\":[{},", "\"explanations.signatures\"");
  assert_corrupt (json, "\"signature_method\":\"cliffs-delta\"", "\"signature_method\":\"magic\"",
                  "\"explanations.signature_method\"");
  assert_corrupt (json, "\"repeats\":3", "\"repeats\":0", "\"explanations.importance.repeats\"");
  assert_corrupt (json, "\"rows\":\"validation\"", "\"rows\":\"tea leaves\"",
                  "\"explanations.importance.rows\"");
  assert_corrupt (json, "\"importance\":{", "\"importance\":[],\"x\":{",
                  "\"explanations.importance\"");
  assert_corrupt (json, "\"explanations\":{", "\"explanations\":7,\"y\":{", "\"explanations\"");
  /* Importance must cover every KPI exactly once. */
  {
    const char *imp = strstr (json, "\"importance\":{");
    const char *features = strstr (imp, "\"features\":[");
    const char *comma = strchr (features, ',');
    g_autoptr(GString) bad = g_string_new_len (json, features - json);
    g_autoptr(HealerModel) loaded = NULL;
    g_autoptr(GError) error = NULL;

    /* Drop the first index: one KPI short. */
    g_string_append (bad, "\"features\":[");
    g_string_append (bad, comma + 1);
    loaded = healer_model_load_from_data (bad->str, bad->len, "bad.json", &error);
    g_assert_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "\"explanations.importance.features\""));
  }
}

/* ---- how they are computed ---- */

static void
test_cancelled (void)
{
  HealerModel *model = get_model ();
  g_autoptr(HealerDataset) data = healer_simulate (&sim);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(HealerExplanations) ex = NULL;

  g_cancellable_cancel (cancellable);
  ex = healer_explanations_compute (model, data, data, HEALER_IMPORTANCE_ROWS_TRAINING, 1,
                                    NULL, NULL, cancellable);
  g_assert_nonnull (ex);
  g_assert_null (ex->importance);
  g_assert_cmpuint (ex->n_importance, ==, 0);
  g_assert_cmpuint (ex->signature_rows, ==, data->n_rows);
  g_assert_cmpuint (ex->signatures[1].n_entries, ==, HEALER_EXPLAIN_SIGNATURE_TOP);
}

static void
test_no_validation (void)
{
  HealerSimulateConfig c;
  HealerTrainConfig config;
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerExplanations) again = NULL;
  guint n_unused = 0;

  healer_simulate_config_init_default (&c);
  c.n_samples = 240;
  c.n_features = 30;
  c.n_classes = 3;
  c.n_nodes = 3;
  c.missing_rate = 0.0;   /* so the constant column has no missing indicator either */
  data = healer_simulate (&c);
  healer_train_config_init_default (&config);
  config.validation_fraction = 0.0;
  config.epochs = 10;
  config.ensemble = 1;
  config.n_hidden = 2;
  config.hidden[0] = 32;
  config.hidden[1] = 16;
  model = healer_train (data, &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model->explanations);
  g_assert_cmpint (model->explanations->importance_rows, ==, HEALER_IMPORTANCE_ROWS_TRAINING);
  g_assert_cmpuint (model->explanations->importance_n_rows, ==, model->n_train_rows);
  g_assert_cmpuint (model->explanations->n_importance, ==, 30);
  for (guint i = 0; i < 30; i++)
    {
      const HealerImportance *imp = &model->explanations->importance[i];

      if (input_is_used (model->preprocessor, imp->feature))
        continue;
      n_unused++;
      g_assert_cmpfloat (imp->f1_drop, ==, 0.0);
      g_assert_cmpfloat (imp->f1_drop_std, ==, 0.0);
      g_assert_cmpfloat (imp->log_loss_increase, ==, 0.0);
    }
  g_assert_cmpuint (n_unused, >=, 1);

  /* Deterministic: the same rows and seed give the same explanations. */
  healer_model_attach_explanations (model, data, NULL, NULL, NULL);
  again = g_steal_pointer (&model->explanations);
  healer_model_attach_explanations (model, data, NULL, NULL, NULL);
  assert_explanations_equal (again, model->explanations);
}

/* A label the model does not know is ignored, not an error; rows without
 * any usable label leave no importance. */
static void
test_unknown_labels (void)
{
  HealerModel *model = get_model ();
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerExplanations) ex = NULL;
  HealerSimulateConfig c = sim;

  c.n_samples = 60;
  c.seed = 3;
  data = healer_simulate (&c);
  for (gsize i = 0; i < data->n_rows; i++)
    data->labels[i] = 77;
  ex = healer_explanations_compute (model, data, data, HEALER_IMPORTANCE_ROWS_TRAINING, 1, NULL, NULL, NULL);
  g_assert_cmpuint (ex->signature_rows, ==, 0);
  g_assert_cmpuint (ex->signatures[0].n_entries, ==, 0);
  g_assert_null (ex->importance);
}

/* A model put together by hand, for checks of the arithmetic. */
static HealerModel *
tiny_model (const HealerDataset *data,
            guint                n_classes)
{
  HealerPreprocessConfig pc;
  HealerPreprocessor *pre;
  HealerMlp **members = g_new0 (HealerMlp *, 1);
  g_autofree gint32 *ids = g_new (gint32, n_classes);
  g_autoptr(GError) error = NULL;
  guint sizes[3];

  healer_preprocess_config_init_default (&pc);
  pre = healer_preprocessor_fit (data, &pc, &error);
  g_assert_no_error (error);
  sizes[0] = pre->n_output;
  sizes[1] = 4;
  sizes[2] = n_classes;
  members[0] = healer_mlp_new (sizes, 3, HEALER_ACTIVATION_TANH, 3);
  for (guint c = 0; c < n_classes; c++)
    ids[c] = (gint32) c;
  return healer_model_new (pre, members, 1, ids, n_classes);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
brute_median (GArray *v)
{
  g_array_sort (v, compare_doubles);
  if (v->len == 0)
    return NAN;
  return (g_array_index (v, double, (v->len - 1) / 2) + g_array_index (v, double, v->len / 2)) / 2;
}

/* The stored effects and medians against their definitions, computed the
 * slow way, on values with ties, signs, ±0, missing cells and a subsample. */
static void
test_cliffs_delta (void)
{
  const char *names[] = { "a", "b", "c", NULL };
  const float levels[] = { -3.0f, -1e-3f, -0.0f, 0.0f, 0.5f, 2.0f, 1e15f };
  g_autoptr(HealerDataset) data = healer_dataset_new (names, 1500, TRUE, FALSE);
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerExplanations) ex = NULL;
  HealerRng rng;

  healer_rng_init (&rng, 11);
  for (gsize i = 0; i < data->n_rows; i++)
    {
      guint c = (guint) (i % 3);

      data->labels[i] = (gint32) c;
      for (guint j = 0; j < 3; j++)
        {
          /* Column j shifts class j upwards; few distinct values: many ties. */
          guint level = (guint) healer_rng_below (&rng, 5) + (c == j ? 2 : 0);
          float *x = &data->x[i * 3 + j];

          *x = levels[MIN (level, G_N_ELEMENTS (levels) - 1)];
          if (healer_rng_uniform (&rng) < 0.1)
            *x = NAN;
        }
    }
  model = tiny_model (data, 3);
  ex = healer_explanations_compute (model, data, data, HEALER_IMPORTANCE_ROWS_TRAINING, 5, NULL, NULL, NULL);
  g_assert_cmpuint (ex->signature_rows, ==, 1500);
  g_assert_cmpuint (ex->importance_n_rows, ==, HEALER_EXPLAIN_IMPORTANCE_ROWS);
  g_assert_cmpuint (ex->n_importance, ==, 3);

  for (guint c = 0; c < 3; c++)
    {
      const HealerSignature *sig = &ex->signatures[c];

      g_assert_cmpuint (sig->n_entries, ==, 3);
      /* The column that shifts the class comes first, upwards. */
      g_assert_cmpuint (sig->entries[0].feature, ==, c);
      g_assert_cmpfloat (sig->entries[0].effect, >, 0.3);
      for (guint e = 0; e < sig->n_entries; e++)
        {
          guint j = sig->entries[e].feature;
          g_autoptr(GArray) in = g_array_new (FALSE, FALSE, sizeof (double));
          g_autoptr(GArray) out = g_array_new (FALSE, FALSE, sizeof (double));
          double greater = 0, less = 0;

          for (gsize i = 0; i < data->n_rows; i++)
            {
              double x = data->x[i * 3 + j];

              if (!isnan (x))
                g_array_append_val ((guint) data->labels[i] == c ? in : out, x);
            }
          for (guint a = 0; a < in->len; a++)
            for (guint b = 0; b < out->len; b++)
              {
                greater += g_array_index (in, double, a) > g_array_index (out, double, b);
                less += g_array_index (in, double, a) < g_array_index (out, double, b);
              }
          g_assert_cmpfloat_with_epsilon (sig->entries[e].effect,
                                          (greater - less) / ((double) in->len * out->len), 1e-12);
          g_assert_cmpfloat (sig->entries[e].median_class, ==, brute_median (in));
          g_assert_cmpfloat (sig->entries[e].median_rest, ==, brute_median (out));
        }
    }
}

/* ---- importance from the first layer's sums: the full rerun's figures ---- */

typedef struct
{
  const char        *name;
  HealerTransform    transform;
  gboolean           indicators;
  guint              select_k;
  guint              ensemble;
  HealerActivation   activation;
  guint              n_hidden;
  guint              hidden[2];
} ImportanceCase;

static HealerModel *
importance_model (const ImportanceCase *ic,
                  HealerDataset       **data_out)
{
  HealerSimulateConfig c;
  HealerTrainConfig config;
  g_autoptr(GError) error = NULL;
  HealerModel *model;

  healer_simulate_config_init_default (&c);
  c.n_samples = 160;
  c.n_features = 24;
  c.n_classes = 4;
  c.n_nodes = 3;
  c.missing_rate = 0.08;
  c.seed = 11;
  *data_out = healer_simulate (&c);
  healer_train_config_init_default (&config);
  config.epochs = 8;
  config.explain = FALSE;
  config.validation_fraction = 0.0;
  config.ensemble = ic->ensemble;
  config.activation = ic->activation;
  config.n_hidden = ic->n_hidden;
  for (guint l = 0; l < ic->n_hidden; l++)
    config.hidden[l] = ic->hidden[l];
  config.preprocess.transform = ic->transform;
  config.preprocess.missing_indicators = ic->indicators;
  config.preprocess.select = ic->select_k > 0 ? HEALER_SELECT_MUTUAL_INFO : HEALER_SELECT_NONE;
  config.preprocess.select_k = ic->select_k;
  model = healer_train (*data_out, &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  return model;
}

static guint *
importance_labels (const HealerModel   *model,
                   const HealerDataset *data)
{
  guint *y = g_new (guint, data->n_rows);

  for (gsize i = 0; i < data->n_rows; i++)
    {
      int k = healer_model_class_index (model, data->labels[i]);

      g_assert_cmpint (k, >=, 0);
      y[i] = (guint) k;
    }
  return y;
}

static HealerImportance *
importance_with (const HealerModel      *model,
                 const HealerDataset    *data,
                 const guint            *y,
                 HealerImportanceMethod  method,
                 double                 *base_f1,
                 double                 *base_ll)
{
  HealerRng rng;
  HealerImportance *imp;

  healer_rng_init (&rng, 42);
  imp = healer_permutation_importance (model, data, y, &rng, method, NULL, NULL, NULL,
                                       base_f1, base_ll);
  g_assert_nonnull (imp);
  return imp;
}

/* Each column's network inputs, computed alone, are the very cells of the
 * whole transform: the update starts from the right values. */
static void
assert_input_columns_exact (const HealerPreprocessor *p,
                            const HealerDataset      *data)
{
  g_autofree HealerInputColumns *cols = healer_preprocessor_input_columns (p);
  g_autofree float *all = g_new (float, data->n_rows * p->n_output);
  g_autofree float *x = g_new (float, data->n_rows);
  g_autofree float *cells = g_new (float, data->n_rows * HEALER_PREPROCESS_MAX_INPUT_COLUMNS);
  g_autofree guint *seen = g_new0 (guint, p->n_output);

  healer_preprocessor_transform (p, data->x, data->n_rows, all);
  for (guint j = 0; j < p->n_input; j++)
    {
      guint out[HEALER_PREPROCESS_MAX_INPUT_COLUMNS];
      guint n_cols = healer_input_columns_list (&cols[j], out);

      g_assert_cmpint (n_cols > 0, ==, healer_preprocessor_reads_input (p, j));
      for (gsize i = 0; i < data->n_rows; i++)
        x[i] = data->x[i * data->n_features + j];
      healer_preprocessor_transform_input (p, &cols[j], j, x, data->n_rows, cells);
      for (guint c = 0; c < n_cols; c++)
        {
          seen[out[c]]++;
          for (gsize i = 0; i < data->n_rows; i++)
            g_assert_true (memcmp (&cells[i * n_cols + c], &all[i * p->n_output + out[c]],
                                   sizeof (float)) == 0);
        }
    }
  /* Every network input comes from exactly one KPI. */
  for (guint o = 0; o < p->n_output; o++)
    g_assert_cmpuint (seen[o], ==, 1);
}

static void
test_importance_first_layer (void)
{
  static const ImportanceCase cases[] = {
    { "plain", HEALER_TRANSFORM_NONE, TRUE, 0, 1, HEALER_ACTIVATION_RELU, 1, { 16 } },
    { "ple-ensemble", HEALER_TRANSFORM_PLE, TRUE, 0, 3, HEALER_ACTIVATION_TANH, 2, { 16, 8 } },
    { "quantile", HEALER_TRANSFORM_QUANTILE, FALSE, 0, 1, HEALER_ACTIVATION_LEAKY_RELU, 1, { 4 } },
    { "signed-log-select", HEALER_TRANSFORM_SIGNED_LOG, TRUE, 6, 2, HEALER_ACTIVATION_RELU, 1,
      { 12 } },
  };

  for (guint t = 0; t <= G_N_ELEMENTS (cases); t++)
    {
      g_autoptr(HealerDataset) data = NULL;
      g_autoptr(HealerModel) model = importance_model (&cases[MIN (t, G_N_ELEMENTS (cases) - 1)],
                                                       &data);
      g_autofree guint *y = importance_labels (model, data);
      g_autofree HealerImportance *slow = NULL;
      g_autofree HealerImportance *fast = NULL;
      double f1_slow, ll_slow, f1_fast, ll_fast, worst_ll = 0.0;
      guint n_bitwise = 0, n_read = 0;

      if (t == G_N_ELEMENTS (cases))
        {
          /* A file may hold a network without hidden layers: the first
           * layer's sums are then the logits. */
          guint sizes[2] = { model->preprocessor->n_output, model->n_classes };
          HealerMlp **members = g_new (HealerMlp *, 1);
          HealerModel *flat;

          members[0] = healer_mlp_new (sizes, 2, HEALER_ACTIVATION_RELU, 5);
          flat = healer_model_new (healer_preprocessor_copy (model->preprocessor), members, 1,
                                   model->class_ids, model->n_classes);
          healer_model_unref (model);
          model = flat;
        }
      g_test_message ("%s", t < G_N_ELEMENTS (cases) ? cases[t].name : "no hidden layer");
      assert_input_columns_exact (model->preprocessor, data);
      slow = importance_with (model, data, y, HEALER_IMPORTANCE_FULL_RERUN, &f1_slow, &ll_slow);
      fast = importance_with (model, data, y, HEALER_IMPORTANCE_FIRST_LAYER, &f1_fast, &ll_fast);
      g_assert_cmpfloat (f1_fast, ==, f1_slow);
      g_assert_cmpfloat (ll_fast, ==, ll_slow);
      for (guint j = 0; j < model->preprocessor->n_input; j++)
        {
          g_assert_cmpuint (fast[j].feature, ==, j);
          /* The update rounds differently from a full sum: equal to rounding,
           * with no prediction moved across a tie on these rows. */
          g_assert_cmpfloat_with_epsilon (fast[j].f1_drop, slow[j].f1_drop, 1e-12);
          g_assert_cmpfloat_with_epsilon (fast[j].f1_drop_std, slow[j].f1_drop_std, 1e-12);
          g_assert_cmpfloat_with_epsilon (fast[j].log_loss_increase, slow[j].log_loss_increase,
                                          1e-5);
          worst_ll = MAX (worst_ll, fabs (fast[j].log_loss_increase - slow[j].log_loss_increase));
          n_bitwise += fast[j].log_loss_increase == slow[j].log_loss_increase;
          if (!healer_preprocessor_reads_input (model->preprocessor, j))
            {
              g_assert_cmpfloat (fast[j].f1_drop, ==, 0.0);
              g_assert_cmpfloat (fast[j].log_loss_increase, ==, 0.0);
            }
          else
            n_read += fast[j].log_loss_increase != 0.0;
        }
      /* Not a vacuous comparison: permuting the KPIs changed the scores. */
      g_assert_cmpuint (n_read, >, 0);
      g_test_message ("%u of %u log-loss increases bitwise equal, largest difference %.3g",
                      n_bitwise, model->preprocessor->n_input, worst_ll);
    }
}

/* A model whose first-layer sums are not finite (a weight of 3e38) takes
 * the full rerun, so its importance is the rerun's, bit for bit. */
static void
test_importance_absurd_sums (void)
{
  static const ImportanceCase plain =
    { "plain", HEALER_TRANSFORM_NONE, TRUE, 0, 1, HEALER_ACTIVATION_RELU, 1, { 8 } };
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerModel) model = importance_model (&plain, &data);
  g_autofree guint *y = importance_labels (model, data);
  g_autofree HealerImportance *slow = NULL;
  g_autofree HealerImportance *autom = NULL;
  double f1_slow, ll_slow, f1_auto, ll_auto;
  float *w = healer_mlp_get_weights (model->members[0], 0);

  for (guint o = 0; o < model->preprocessor->n_output; o++)
    w[o] = 3e38f;
  slow = importance_with (model, data, y, HEALER_IMPORTANCE_FULL_RERUN, &f1_slow, &ll_slow);
  autom = importance_with (model, data, y, HEALER_IMPORTANCE_AUTO, &f1_auto, &ll_auto);
  g_assert_cmpmem (autom, model->preprocessor->n_input * sizeof (HealerImportance),
                   slow, model->preprocessor->n_input * sizeof (HealerImportance));
}

typedef struct
{
  guint         calls;
  guint         last_done;
  guint         total;
  guint         cancel_after;
  GCancellable *cancellable;
} ProgressLog;

static void
on_importance_progress (guint    done,
                        guint    total,
                        gpointer user_data)
{
  ProgressLog *log = user_data;

  log->calls++;
  g_assert_cmpuint (done, ==, log->last_done + 1);
  g_assert_cmpuint (done, <=, total);
  g_assert_true (log->total == 0 || log->total == total);
  log->last_done = done;
  log->total = total;
  if (log->cancel_after > 0 && done == log->cancel_after)
    g_cancellable_cancel (log->cancellable);
}

/* One report per KPI the model reads, and a cancel takes effect before the
 * next KPI. */
static void
test_importance_progress (void)
{
  static const ImportanceCase selected =
    { "select", HEALER_TRANSFORM_NONE, FALSE, 6, 1, HEALER_ACTIVATION_RELU, 1, { 8 } };
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerModel) model = importance_model (&selected, &data);
  g_autofree guint *y = importance_labels (model, data);
  g_autofree HealerImportance *imp = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  ProgressLog log = { 0 };
  guint n_read = 0;
  double f1, ll;
  HealerRng rng;

  for (guint j = 0; j < model->preprocessor->n_input; j++)
    n_read += healer_preprocessor_reads_input (model->preprocessor, j);
  g_assert_cmpuint (n_read, ==, 6);

  healer_rng_init (&rng, 1);
  imp = healer_permutation_importance (model, data, y, &rng, HEALER_IMPORTANCE_AUTO,
                                       on_importance_progress, &log, NULL, &f1, &ll);
  g_assert_nonnull (imp);
  g_assert_cmpuint (log.calls, ==, n_read);
  g_assert_cmpuint (log.total, ==, n_read);
  g_clear_pointer (&imp, g_free);

  log = (ProgressLog) { .cancel_after = 2, .cancellable = cancellable };
  healer_rng_init (&rng, 1);
  imp = healer_permutation_importance (model, data, y, &rng, HEALER_IMPORTANCE_AUTO,
                                       on_importance_progress, &log, cancellable, &f1, &ll);
  g_assert_null (imp);
  g_assert_cmpuint (log.calls, ==, 2);
}

int
main (int    argc,
      char **argv)
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/explain/signatures", test_signatures);
  g_test_add_func ("/explain/signature-direction", test_signature_direction);
  g_test_add_func ("/explain/importance", test_importance);
  g_test_add_func ("/explain/occlusion", test_occlusion);
  g_test_add_func ("/explain/abnormal", test_abnormal);
  g_test_add_func ("/explain/drivers-missing-and-no-effect", test_drivers_missing_and_no_effect);
  g_test_add_func ("/explain/robust-z", test_robust_z);
  g_test_add_func ("/explain/cliffs-delta", test_cliffs_delta);
  g_test_add_func ("/explain/round-trip", test_round_trip);
  g_test_add_func ("/explain/old-file", test_old_file);
  g_test_add_func ("/explain/corrupt", test_corrupt);
  g_test_add_func ("/explain/cancelled", test_cancelled);
  g_test_add_func ("/explain/no-validation", test_no_validation);
  g_test_add_func ("/explain/unknown-labels", test_unknown_labels);
  g_test_add_func ("/explain/importance/first-layer", test_importance_first_layer);
  g_test_add_func ("/explain/importance/absurd-sums", test_importance_absurd_sums);
  g_test_add_func ("/explain/importance/progress", test_importance_progress);

  status = g_test_run ();
  g_clear_pointer (&trained, healer_model_unref);
  g_free (informative);
  return status;
}
