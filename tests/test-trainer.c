/* test-trainer.c — tests of training: convergence, determinism, cancellation, async
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>
#include <string.h>

#include "healer-enum.h"
#include "healer-model.h"
#include "healer-projection.h"
#include "healer-simulate.h"
#include "healer-trainer.h"
#include "healer-trainer-private.h"
#include "healer-test-data.h"

/* Gaussian blobs: @n_classes centres at distance ~@sep, unit noise. Labels
 * are 2, 5, 8… so the class-id mapping is exercised. A few cells are NAN. */
static HealerDataset *
make_blobs (gsize   n_rows,
            guint   n_features,
            guint   n_classes,
            double  sep,
            guint64 seed)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *centres = g_new (double, n_classes * n_features);
  HealerDataset *ds;
  HealerRng rng;

  for (guint j = 0; j < n_features; j++)
    g_ptr_array_add (names, g_strdup_printf ("feature%u", j));
  g_ptr_array_add (names, NULL);
  ds = healer_dataset_new ((const char * const *) names->pdata, n_rows, TRUE, FALSE);
  ds->n_rows = n_rows;

  healer_rng_init (&rng, seed);
  for (guint k = 0; k < n_classes * n_features; k++)
    centres[k] = healer_rng_normal (&rng) * sep;
  for (gsize i = 0; i < n_rows; i++)
    {
      guint c = (guint) (i % n_classes);

      ds->labels[i] = 2 + 3 * (gint32) c;
      for (guint j = 0; j < n_features; j++)
        ds->x[i * n_features + j] = (float) (centres[c * n_features + j] +
                                             healer_rng_normal (&rng));
      if (healer_rng_uniform (&rng) < 0.05)
        ds->x[i * n_features + healer_rng_below (&rng, n_features)] = NAN;
    }
  return ds;
}

static void
small_config (HealerTrainConfig *c)
{
  g_autoptr(GError) error = NULL;

  healer_train_config_init_default (c);
  g_assert_true (healer_train_config_set_hidden (c, "32,16", &error));
  g_assert_no_error (error);
  c->learning_rate = 5e-3;
  c->batch_size = 32;
  c->epochs = 30;
  c->patience = 0;
  /* The default trains five members on every row; these tests check the
   * validation split, its metrics and the progress of a single member. */
  c->validation_fraction = 0.2;
  c->ensemble = 1;
}

static void
assert_params_finite (HealerModel *model)
{
  for (guint m = 0; m < model->n_members; m++)
    {
      const float *p = healer_mlp_get_params (model->members[m]);
      gsize n = healer_mlp_get_n_params (model->members[m]);

      for (gsize i = 0; i < n; i++)
        g_assert_true (isfinite (p[i]));
    }
}

/* Configuration */

static void
test_config_defaults (void)
{
  HealerTrainConfig c;

  memset (&c, 0xff, sizeof c);
  healer_train_config_init_default (&c);
  /* the configuration chosen in docs/model.md */
  g_assert_cmpuint (c.n_hidden, ==, 1);
  g_assert_cmpuint (c.hidden[0], ==, 256);
  g_assert_cmpint (c.activation, ==, HEALER_ACTIVATION_RELU);
  g_assert_cmpint (c.optimizer, ==, HEALER_OPTIMIZER_ADAM);
  g_assert_cmpfloat (c.learning_rate, ==, 1e-3);
  g_assert_cmpint (c.lr_schedule, ==, HEALER_LR_CONSTANT);
  g_assert_cmpfloat (c.momentum, ==, 0.9);
  g_assert_cmpfloat (c.weight_decay, ==, 5e-5);
  g_assert_cmpfloat (c.dropout, ==, 0.0);
  g_assert_cmpfloat (c.input_noise, ==, 0.0);
  g_assert_cmpfloat (c.label_smoothing, ==, 0.0);
  g_assert_cmpuint (c.batch_size, ==, 200);
  g_assert_cmpuint (c.epochs, ==, 300);
  g_assert_cmpuint (c.patience, ==, 0);
  g_assert_cmpfloat (c.validation_fraction, ==, 0.0);
  g_assert_cmpuint (c.ensemble, ==, 5);
  g_assert_cmpuint (c.seed, ==, 42);
  g_assert_true (c.explain);
  g_assert_cmpint (c.preprocess.impute, ==, HEALER_IMPUTE_MEAN);
  g_assert_cmpint (c.preprocess.transform, ==, HEALER_TRANSFORM_NONE);
  g_assert_false (c.preprocess.missing_indicators);
  g_assert_cmpint (c.preprocess.select, ==, HEALER_SELECT_MUTUAL_INFO);
  g_assert_cmpuint (c.preprocess.select_k, ==, 0);
  g_assert_cmpfloat (c.preprocess.select_min_ratio, ==, 0.15);
  g_assert_true (healer_train_config_validate (&c, NULL));
}

static void
test_config_hidden (void)
{
  const struct { const char *spec; const char *culprit; } bad[] = {
    { "", "expected whole numbers" },
    { "   ", "expected whole numbers" },
    { "abc", "“abc”" },
    { "0", "“0”" },
    { "65537", "“65537”" },
    { "64,,32", "“”" },
    { "64,-5", "“-5”" },
    { "1.5", "“1.5”" },
    { "64,32,", "“”" },
    { "9999999999999", "“9999999999999”" },
    { "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", "at most 16" },
  };
  HealerTrainConfig c;
  g_autoptr(GError) error = NULL;

  healer_train_config_init_default (&c);
  g_assert_true (healer_train_config_set_hidden (&c, "200,200,200", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c.n_hidden, ==, 3);
  g_assert_cmpuint (c.hidden[2], ==, 200);
  g_assert_true (healer_train_config_set_hidden (&c, " 64 , 65536 ", &error));
  g_assert_cmpuint (c.n_hidden, ==, 2);
  g_assert_cmpuint (c.hidden[0], ==, 64);
  g_assert_cmpuint (c.hidden[1], ==, 65536);
  g_assert_true (healer_train_config_set_hidden (&c, "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1", &error));
  g_assert_cmpuint (c.n_hidden, ==, 16);

  g_assert_true (healer_train_config_set_hidden (&c, "7", &error));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (healer_train_config_set_hidden (&c, bad[i].spec, &error));
      g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID);
      if (strstr (error->message, bad[i].culprit) == NULL)
        g_error ("message for “%s” does not name “%s”: %s", bad[i].spec, bad[i].culprit,
                 error->message);
      g_clear_error (&error);
      /* unchanged on error */
      g_assert_cmpuint (c.n_hidden, ==, 1);
      g_assert_cmpuint (c.hidden[0], ==, 7);
    }
}

static void
test_config_validate (void)
{
  HealerTrainConfig c;
  g_autoptr(GError) error = NULL;

#define CHECK_BAD(stmt, word) \
  G_STMT_START { \
    healer_train_config_init_default (&c); \
    stmt; \
    g_assert_false (healer_train_config_validate (&c, &error)); \
    g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID); \
    if (strstr (error->message, word) == NULL) \
      g_error ("“%s” not in: %s", word, error->message); \
    g_clear_error (&error); \
  } G_STMT_END

  CHECK_BAD (c.learning_rate = 0, "learning rate");
  CHECK_BAD (c.learning_rate = -1, "learning rate");
  CHECK_BAD (c.learning_rate = NAN, "learning rate");
  CHECK_BAD (c.learning_rate = INFINITY, "learning rate");
  CHECK_BAD (c.dropout = 1.0, "dropout");
  CHECK_BAD (c.dropout = -0.1, "dropout");
  CHECK_BAD (c.input_noise = -0.1, "input noise");
  CHECK_BAD (c.input_noise = 11, "input noise");
  CHECK_BAD (c.input_noise = NAN, "input noise");
  CHECK_BAD (c.label_smoothing = 1.0, "label smoothing");
  CHECK_BAD (c.label_smoothing = -0.1, "label smoothing");
  CHECK_BAD (c.label_smoothing = NAN, "label smoothing");
  CHECK_BAD (c.lr_schedule = 42, "schedule");
  CHECK_BAD (c.batch_size = 0, "batch size");
  CHECK_BAD (c.epochs = 0, "epochs");
  CHECK_BAD (c.validation_fraction = 0.95, "validation fraction");
  CHECK_BAD (c.validation_fraction = -0.1, "validation fraction");
  CHECK_BAD (c.validation_fraction = NAN, "validation fraction");
  CHECK_BAD (c.ensemble = 0, "ensemble");
  CHECK_BAD (c.ensemble = 65, "ensemble");
  CHECK_BAD (c.momentum = 1.0, "momentum");
  CHECK_BAD (c.weight_decay = -1, "weight decay");
  CHECK_BAD (c.n_hidden = 0, "hidden layers");
  CHECK_BAD (c.n_hidden = 17, "hidden layers");
  CHECK_BAD ((c.n_hidden = 2, c.hidden[1] = 0), "Hidden layer 2");
  CHECK_BAD (c.activation = 42, "activation");
  CHECK_BAD (c.optimizer = 42, "optimizer");
  CHECK_BAD (c.preprocess.transform = 9, "preprocessing");
  CHECK_BAD (c.preprocess.select_min_ratio = 1.5, "mutual-information ratio");
  CHECK_BAD (c.preprocess.select_min_ratio = NAN, "mutual-information ratio");
#undef CHECK_BAD

  healer_train_config_init_default (&c);
  c.validation_fraction = 0.9;
  c.ensemble = 64;
  c.dropout = 0;
  c.input_noise = 10;
  c.label_smoothing = 0.99;
  c.lr_schedule = HEALER_LR_COSINE;
  g_assert_true (healer_train_config_validate (&c, &error));
  g_assert_no_error (error);
}

/* The optimiser's vector paths (SSE2, and AVX or AVX-512 where the CPU has
 * them) give the bits of its scalar loop, which runs alone on one parameter
 * at a time: a model must not depend on the machine it was trained on. */
static void
test_optimizer_lanes (void)
{
  enum { N = 1003 };
  static const HealerOptimizer optimizers[] = { HEALER_OPTIMIZER_ADAM, HEALER_OPTIMIZER_SGD };
  HealerRng rng;

  healer_rng_init (&rng, 12);
  for (gsize o = 0; o < G_N_ELEMENTS (optimizers); o++)
    for (int decay = 0; decay < 2; decay++)
      {
        HealerTrainConfig config;
        float p[2][N], m1[2][N], m2[2][N], g[N];

        healer_train_config_init_default (&config);
        config.optimizer = optimizers[o];
        config.weight_decay = 1e-2;
        for (gsize i = 0; i < N; i++)
          {
            p[0][i] = p[1][i] = (float) healer_rng_normal (&rng);
            m1[0][i] = m1[1][i] = (float) (0.1 * healer_rng_normal (&rng));
            m2[0][i] = m2[1][i] = (float) (0.01 * healer_rng_uniform (&rng));
          }
        /* Signed zeros too: "+ 0.0f" must turn −0 into +0 on every path. */
        p[0][7] = p[1][7] = -0.0f;
        for (guint64 step = 1; step <= 3; step++)
          {
            HealerOptimizerStep s;

            healer_optimizer_step_init (&s, &config, config.learning_rate, step);
            for (gsize i = 0; i < N; i++)
              g[i] = i % 11 == 0 ? -0.0f : (float) healer_rng_normal (&rng);
            healer_optimizer_update (&s, p[0], g, m1[0], m2[0], N, decay);
            for (gsize i = 0; i < N; i++)
              healer_optimizer_update (&s, p[1] + i, g + i, m1[1] + i, m2[1] + i, 1, decay);
          }
        g_assert_cmpmem (p[0], sizeof p[0], p[1], sizeof p[1]);
        g_assert_cmpmem (m1[0], sizeof m1[0], m1[1], sizeof m1[1]);
        if (optimizers[o] == HEALER_OPTIMIZER_ADAM)
          g_assert_cmpmem (m2[0], sizeof m2[0], m2[1], sizeof m2[1]);
      }
}

static void
test_strings (void)
{
  HealerOptimizer opt;
  HealerLrSchedule sched = 99;
  HealerTrainStatus st;

  g_assert_cmpstr (healer_optimizer_to_string (HEALER_OPTIMIZER_ADAM), ==, "adam");
  g_assert_cmpstr (healer_optimizer_to_string (HEALER_OPTIMIZER_SGD), ==, "sgd");
  g_assert_true (healer_optimizer_from_string ("sgd", &opt));
  g_assert_cmpint (opt, ==, HEALER_OPTIMIZER_SGD);
  g_assert_true (healer_optimizer_from_string ("Adam", &opt));
  g_assert_cmpint (opt, ==, HEALER_OPTIMIZER_ADAM);
  g_assert_false (healer_optimizer_from_string ("rmsprop", &opt));
  g_assert_false (healer_optimizer_from_string (NULL, &opt));

  g_assert_cmpstr (healer_lr_schedule_to_string (HEALER_LR_CONSTANT), ==, "constant");
  g_assert_cmpstr (healer_lr_schedule_to_string (HEALER_LR_COSINE), ==, "cosine");
  g_assert_null (healer_lr_schedule_to_string (7));
  g_assert_true (healer_lr_schedule_from_string ("Cosine", &sched));
  g_assert_cmpint (sched, ==, HEALER_LR_COSINE);
  g_assert_true (healer_lr_schedule_from_string ("constant", &sched));
  g_assert_cmpint (sched, ==, HEALER_LR_CONSTANT);
  g_assert_false (healer_lr_schedule_from_string ("linear", &sched));
  g_assert_false (healer_lr_schedule_from_string (NULL, &sched));

  for (st = HEALER_TRAIN_COMPLETED; st <= HEALER_TRAIN_DIVERGED; st++)
    {
      HealerTrainStatus back = 99;

      g_assert_nonnull (healer_train_status_to_string (st));
      g_assert_true (healer_train_status_from_string (healer_train_status_to_string (st), &back));
      g_assert_cmpint (back, ==, st);
    }
  g_assert_cmpstr (healer_train_status_to_string (HEALER_TRAIN_EARLY_STOPPED), ==, "early-stopped");
  g_assert_null (healer_train_status_to_string (17));
  g_assert_false (healer_train_status_from_string ("done", &st));
}

/* The names of every enumeration a model file or the command line spells,
 * as they were written before the names came from glib-mkenums: renaming an
 * enumerator would change its nick, and with it the file format. */
static void
test_enum_names (void)
{
  static const struct
  {
    GType       (*get_type) (void);
    const char *names;    /* value 0, 1, … */
  } enums[] = {
    { healer_optimizer_get_type, "adam sgd" },
    { healer_lr_schedule_get_type, "constant cosine" },
    { healer_train_status_get_type, "completed early-stopped cancelled diverged" },
    { healer_activation_get_type, "relu leaky-relu tanh" },
    { healer_impute_get_type, "median mean" },
    { healer_transform_get_type, "none signed-log quantile ple" },
    { healer_select_get_type, "none mutual-info" },
    { healer_importance_rows_get_type, "validation training" },
    { healer_projection_method_get_type, "pca tsne" },
    { healer_projection_space_get_type, "input hidden" },
    { healer_tsne_algorithm_get_type, "auto exact barnes-hut fft" },
  };

  for (gsize e = 0; e < G_N_ELEMENTS (enums); e++)
    {
      GType type = enums[e].get_type ();
      g_auto(GStrv) names = g_strsplit (enums[e].names, " ", -1);
      GEnumClass *klass = g_type_class_ref (type);
      guint n = g_strv_length (names);

      g_assert_cmpuint (klass->n_values, ==, n);
      for (guint i = 0; i < n; i++)
        {
          int back = -1;

          g_assert_cmpstr (healer_enum_to_nick (type, (int) i), ==, names[i]);
          g_assert_true (healer_enum_from_nick (type, names[i], FALSE, &back));
          g_assert_cmpint (back, ==, (int) i);
        }
      g_assert_null (healer_enum_to_nick (type, (int) n));
      g_type_class_unref (klass);
    }

  /* Each typed pair goes through them, with its own leniency. */
  g_assert_cmpstr (healer_transform_to_string (HEALER_TRANSFORM_SIGNED_LOG), ==, "signed-log");
  {
    HealerTransform t = HEALER_TRANSFORM_NONE;
    HealerActivation a = HEALER_ACTIVATION_RELU;
    HealerProjectionMethod m = HEALER_PROJECTION_PCA;

    /* Model files spell the preprocessing exactly. */
    g_assert_false (healer_transform_from_string ("Quantile", &t));
    g_assert_true (healer_transform_from_string ("ple", &t));
    g_assert_cmpint (t, ==, HEALER_TRANSFORM_PLE);
    g_assert_true (healer_activation_from_string ("Leaky_ReLU", &a));
    g_assert_cmpint (a, ==, HEALER_ACTIVATION_LEAKY_RELU);
    g_assert_true (healer_projection_method_from_string ("t-sne", &m));
    g_assert_cmpint (m, ==, HEALER_PROJECTION_TSNE);
    g_assert_false (healer_projection_method_from_string ("PCA", &m));
  }
}

/* Split */

static void
test_split (void)
{
  const gsize n = 103;
  guint labels[103], counts[4] = { 0 }, val_counts[4] = { 0 };
  g_autoptr(GArray) tr = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) va = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) tr2 = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) va2 = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autofree gboolean *seen = g_new0 (gboolean, n);

  /* class sizes 60, 40, 2, 1 */
  for (gsize i = 0; i < n; i++)
    {
      labels[i] = i < 60 ? 0 : i < 100 ? 1 : i < 102 ? 2 : 3;
      counts[labels[i]]++;
    }
  healer_stratified_split (labels, n, 4, 0.25, 7, tr, va);
  g_assert_cmpuint (tr->len + va->len, ==, n);
  for (guint i = 0; i < va->len; i++)
    {
      gsize r = g_array_index (va, gsize, i);

      if (i > 0)
        g_assert_cmpuint (r, >, g_array_index (va, gsize, i - 1));
      g_assert_false (seen[r]);
      seen[r] = TRUE;
      val_counts[labels[r]]++;
    }
  for (guint i = 0; i < tr->len; i++)
    {
      gsize r = g_array_index (tr, gsize, i);

      if (i > 0)
        g_assert_cmpuint (r, >, g_array_index (tr, gsize, i - 1));
      g_assert_false (seen[r]);
      seen[r] = TRUE;
    }
  g_assert_cmpuint (val_counts[0], ==, 15);
  g_assert_cmpuint (val_counts[1], ==, 10);
  g_assert_cmpuint (val_counts[2], ==, 1);   /* round(0.5) = 1, and ≥ 1 anyway */
  g_assert_cmpuint (val_counts[3], ==, 0);   /* its only row must train */

  /* deterministic in the seed */
  healer_stratified_split (labels, n, 4, 0.25, 7, tr2, va2);
  g_assert_cmpmem (va->data, va->len * sizeof (gsize), va2->data, va2->len * sizeof (gsize));
  healer_stratified_split (labels, n, 4, 0.25, 8, tr2, va2);
  g_assert_cmpuint (va2->len, ==, va->len);
  g_assert_true (memcmp (va->data, va2->data, va->len * sizeof (gsize)) != 0);

  /* fraction 0: everything trains; small fraction still gives each class one row */
  healer_stratified_split (labels, n, 4, 0.0, 7, tr2, va2);
  g_assert_cmpuint (va2->len, ==, 0);
  g_assert_cmpuint (tr2->len, ==, n);
  healer_stratified_split (labels, n, 4, 0.001, 7, tr2, va2);
  g_assert_cmpuint (va2->len, ==, 3);
}

/* Training */

static void
test_converges (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (300, 10, 3, 3.0, 1);
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  HealerTrainConfig c;

  small_config (&c);
  model = healer_train (ds, &c, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_cmpint (model->status, ==, HEALER_TRAIN_COMPLETED);
  g_assert_cmpuint (model->n_members, ==, 1);
  g_assert_cmpuint (model->n_classes, ==, 3);
  g_assert_cmpint (model->class_ids[0], ==, 2);
  g_assert_cmpint (model->class_ids[2], ==, 8);
  g_assert_cmpuint (model->history.n_epochs, ==, 30);
  g_assert_cmpuint (model->best_epoch, >=, 1);
  g_assert_cmpuint (model->best_epoch, <=, 30);
  g_assert_nonnull (model->validation_metrics);
  g_assert_nonnull (model->train_metrics);
  g_assert_cmpuint (model->validation_metrics->n_samples, ==, 60);
  g_assert_cmpuint (model->n_train_rows, ==, 240);
  g_assert_cmpuint (model->train_metrics->n_samples, ==, 240);
  g_assert_cmpfloat (model->validation_metrics->accuracy, >, 0.9);
  g_assert_cmpfloat (model->train_metrics->accuracy, >, 0.9);
  /* it learned something: the loss went down */
  g_assert_cmpfloat (model->history.train_loss[29], <, model->history.train_loss[0]);
  g_assert_cmpfloat (model->history.val_loss[model->best_epoch - 1], <, model->history.val_loss[0]);
  g_assert_nonnull (model->preprocessor);
  g_assert_cmpuint (healer_mlp_get_n_inputs (model->members[0]), ==, model->preprocessor->n_output);
  g_assert_cmpint (model->config.epochs, ==, 30);
  assert_params_finite (model);
}

static void
test_simulated (void)
{
  HealerSimulateConfig sc;
  g_autoptr(HealerDataset) ds = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  HealerTrainConfig c;

  healer_simulate_config_init_default (&sc);
  sc.n_samples = 600;
  ds = healer_simulate (&sc);
  small_config (&c);
  g_assert_true (healer_train_config_set_hidden (&c, "64,32", &error));
  c.epochs = 40;
  model = healer_train (ds, &c, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (model->n_classes, ==, sc.n_classes);
  /* 6 balanced classes: chance is 1/6 */
  g_assert_cmpfloat (model->validation_metrics->accuracy, >, 0.5);
  g_test_message ("simulated data: validation accuracy %.3f, macro-F1 %.3f",
                  model->validation_metrics->accuracy, model->validation_metrics->macro_f1);
}

static HealerModel *
train_or_die (const HealerDataset     *ds,
              const HealerTrainConfig *c)
{
  g_autoptr(GError) error = NULL;
  HealerModel *model = healer_train (ds, c, NULL, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  return model;
}

static void
test_reproducible (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (200, 8, 3, 1.0, 2);
  g_autoptr(HealerModel) a = NULL;
  g_autoptr(HealerModel) b = NULL;
  g_autoptr(HealerModel) d = NULL;
  g_autofree char *ja = NULL;
  g_autofree char *jb = NULL;
  HealerTrainConfig c;
  gsize la = 0, lb = 0;

  g_setenv ("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  small_config (&c);
  c.epochs = 8;
  c.ensemble = 2;
  c.dropout = 0.2;   /* the dropout masks must be reproducible too */
  a = train_or_die (ds, &c);
  b = train_or_die (ds, &c);
  g_assert_cmpuint (a->n_members, ==, 2);
  for (guint m = 0; m < 2; m++)
    g_assert_cmpmem (healer_mlp_get_params (a->members[m]),
                     healer_mlp_get_n_params (a->members[m]) * sizeof (float),
                     healer_mlp_get_params (b->members[m]),
                     healer_mlp_get_n_params (b->members[m]) * sizeof (float));
  /* members have their own seeds */
  g_assert_true (memcmp (healer_mlp_get_params (a->members[0]),
                         healer_mlp_get_params (a->members[1]),
                         healer_mlp_get_n_params (a->members[0]) * sizeof (float)) != 0);

  ja = healer_model_to_json (a, &la);
  jb = healer_model_to_json (b, &lb);
  g_assert_nonnull (ja);
  g_assert_cmpuint (la, ==, lb);
  g_assert_cmpstr (ja, ==, jb);

  c.seed = 43;
  d = train_or_die (ds, &c);
  g_assert_true (memcmp (healer_mlp_get_params (a->members[0]),
                         healer_mlp_get_params (d->members[0]),
                         healer_mlp_get_n_params (a->members[0]) * sizeof (float)) != 0);
  g_unsetenv ("SOURCE_DATE_EPOCH");
}

static gboolean
same_params (HealerModel *a,
             HealerModel *b)
{
  gsize n = healer_mlp_get_n_params (a->members[0]);

  return n == healer_mlp_get_n_params (b->members[0]) &&
         memcmp (healer_mlp_get_params (a->members[0]), healer_mlp_get_params (b->members[0]),
                 n * sizeof (float)) == 0;
}

/* Each regulariser changes the model it is asked to change, in the way it
 * is meant to, and stays reproducible. */
static void
test_regularisers (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (200, 8, 3, 3.0, 4);
  g_autoptr(HealerModel) plain = NULL;
  g_autoptr(HealerModel) noisy = NULL;
  g_autoptr(HealerModel) noisy2 = NULL;
  g_autoptr(HealerModel) smooth = NULL;
  g_autoptr(HealerModel) cosine = NULL;
  HealerTrainConfig c;
  const double eps = 0.2, k = 3;
  double floor;

  small_config (&c);
  plain = train_or_die (ds, &c);

  /* Noise: another model, the same one again for the same seed, and the
   * validation rows are scored on their clean values, so with the same
   * weights before the first update only the training loss can differ. */
  c.input_noise = 0.5;
  noisy = train_or_die (ds, &c);
  noisy2 = train_or_die (ds, &c);
  g_assert_false (same_params (plain, noisy));
  g_assert_true (same_params (noisy, noisy2));
  g_assert_cmpfloat (noisy->history.train_loss[0], !=, plain->history.train_loss[0]);
  g_assert_cmpfloat (noisy->validation_metrics->accuracy, >, 0.9);
  c.input_noise = 0;

  /* Smoothing: the targets are no longer one-hot, so no weighting of the
   * rows can bring the loss below their entropy (Gibbs' inequality), which
   * the one-hot run goes below. */
  floor = -(1 - eps + eps / k) * log (1 - eps + eps / k) - (k - 1) * (eps / k) * log (eps / k);
  c.label_smoothing = eps;
  smooth = train_or_die (ds, &c);
  g_assert_false (same_params (plain, smooth));
  for (guint e = 0; e < smooth->history.n_epochs; e++)
    g_assert_cmpfloat (smooth->history.train_loss[e], >=, floor - 1e-6);
  g_assert_cmpfloat (plain->history.train_loss[plain->history.n_epochs - 1], <, floor);
  g_assert_cmpfloat (smooth->validation_metrics->accuracy, >, 0.9);
  c.label_smoothing = 0;

  /* Cosine: the full rate in the first epoch, so the same first epoch,
   * then smaller steps, so not the same second one. */
  c.lr_schedule = HEALER_LR_COSINE;
  cosine = train_or_die (ds, &c);
  g_assert_false (same_params (plain, cosine));
  g_assert_cmpfloat (cosine->history.train_loss[0], ==, plain->history.train_loss[0]);
  g_assert_cmpfloat (cosine->history.train_loss[1], !=, plain->history.train_loss[1]);
  g_assert_cmpfloat (cosine->validation_metrics->accuracy, >, 0.9);
}

typedef struct
{
  GCancellable *cancellable;
  guint         cancel_at;
  guint         calls;
  guint         last_epoch;
  gboolean      fields_ok;
} CancelAt;

static void
cancel_at_progress (const HealerTrainProgress *p,
                    gpointer                   user_data)
{
  CancelAt *ca = user_data;

  ca->calls++;
  ca->last_epoch = p->epoch;
  ca->fields_ok = ca->fields_ok && p->n_epochs == 30 && p->n_members == 1 && p->member == 0 &&
                  p->epoch == ca->calls && isfinite (p->train_loss) && isfinite (p->val_loss) &&
                  p->val_accuracy >= 0 && p->val_accuracy <= 1 && p->val_macro_f1 >= 0 &&
                  p->epoch_seconds >= 0 && p->elapsed_seconds >= p->epoch_seconds &&
                  /* NAN while the time left is being estimated (healer-eta.h) */
                  (isnan (p->eta_seconds) || (isfinite (p->eta_seconds) && p->eta_seconds >= 0)) &&
                  p->best_epoch >= 1 && p->best_epoch <= p->epoch;
  if (p->epoch == ca->cancel_at)
    g_cancellable_cancel (ca->cancellable);
}

/* Every report carries the network's newest epochs (HealerTrainProgress.
 * recent): the figures each earlier report gave, oldest first, up to
 * HEALER_TRAIN_PROGRESS_RECENT of them, starting again with each network;
 * and the model's history has the same figures. */
typedef struct
{
  GArray   *seen[2];     /* per member, of HealerEpochFigures, epoch e at e − 1 */
  gboolean  ok;
  guint     reports;
  guint     importance_reports;
} RecentWatch;

static gboolean
same_figure (double a,
             double b)
{
  return (isnan (a) && isnan (b)) || a == b;
}

static void
recent_progress (const HealerTrainProgress *p,
                 gpointer                   user_data)
{
  RecentWatch *w = user_data;
  GArray *seen = w->seen[p->member];
  HealerEpochFigures f = { p->train_loss, p->val_loss, p->val_macro_f1 };
  guint first;

  w->reports++;
  /* The importance's reports, after the last epoch, repeat its report. */
  if (p->importance_total == 0)
    g_array_append_val (seen, f);
  else
    w->importance_reports++;
  w->ok = w->ok && p->epoch == seen->len &&
          p->n_recent == MIN (p->epoch, HEALER_TRAIN_PROGRESS_RECENT);
  if (!w->ok)
    return;
  first = p->epoch - p->n_recent;
  for (guint i = 0; i < p->n_recent; i++)
    {
      const HealerEpochFigures *e = &g_array_index (seen, HealerEpochFigures, first + i);

      w->ok = w->ok && same_figure (p->recent[i].train_loss, e->train_loss) &&
              same_figure (p->recent[i].val_loss, e->val_loss) &&
              same_figure (p->recent[i].val_macro_f1, e->val_macro_f1);
    }
}

static void
test_progress_recent (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (200, 6, 3, 2.0, 7);
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  RecentWatch w = { { g_array_new (FALSE, FALSE, sizeof (HealerEpochFigures)),
                      g_array_new (FALSE, FALSE, sizeof (HealerEpochFigures)) }, TRUE, 0, 0 };
  HealerTrainConfig c;

  small_config (&c);
  g_assert_true (healer_train_config_set_hidden (&c, "8", &error));
  c.epochs = HEALER_TRAIN_PROGRESS_RECENT + 20;   /* past the window */
  c.ensemble = 2;
  model = healer_train (ds, &c, NULL, recent_progress, &w, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_true (w.ok);
  g_assert_cmpuint (w.reports, ==, 2 * c.epochs + w.importance_reports);
  g_assert_cmpuint (w.seen[0]->len, ==, c.epochs);
  g_assert_cmpuint (w.seen[1]->len, ==, c.epochs);
  /* the history is the first network's */
  g_assert_cmpuint (model->history.n_epochs, ==, c.epochs);
  for (guint e = 0; e < c.epochs; e++)
    {
      const HealerEpochFigures *f = &g_array_index (w.seen[0], HealerEpochFigures, e);

      g_assert_true (same_figure (model->history.train_loss[e], f->train_loss));
      g_assert_true (same_figure (model->history.val_loss[e], f->val_loss));
    }
  g_array_unref (w.seen[0]);
  g_array_unref (w.seen[1]);
}

static void
test_cancel_from_progress (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (200, 6, 2, 2.0, 3);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  CancelAt ca = { cancellable, 2, 0, 0, TRUE };
  HealerTrainConfig c;

  small_config (&c);
  model = healer_train (ds, &c, cancellable, cancel_at_progress, &ca, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_cmpint (model->status, ==, HEALER_TRAIN_CANCELLED);
  g_assert_cmpuint (ca.calls, ==, 2);
  g_assert_true (ca.fields_ok);
  g_assert_cmpuint (model->history.n_epochs, ==, 2);
  g_assert_cmpuint (model->best_epoch, >=, 1);
  g_assert_cmpuint (model->best_epoch, <=, 2);
  g_assert_nonnull (model->validation_metrics);
  assert_params_finite (model);
}

static void
test_cancel_before_start (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (100, 4, 2, 2.0, 3);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  HealerTrainConfig c;

  small_config (&c);
  g_cancellable_cancel (cancellable);
  model = healer_train (ds, &c, cancellable, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

typedef struct
{
  GCancellable *cancellable;
  GThread      *thread;
  gint64        cancelled_at;    /* monotonic µs, written by the thread */
  gint64        second_report_at; /* monotonic µs of epoch 2's report, 0 if none */
  double        first_epoch_seconds;
  guint         calls;
} Latency;

static gpointer
latency_thread (gpointer data)
{
  Latency *lt = data;

  g_usleep (50 * 1000);
  lt->cancelled_at = g_get_monotonic_time ();
  g_cancellable_cancel (lt->cancellable);
  return NULL;
}

static void
latency_progress (const HealerTrainProgress *p,
                  gpointer                   user_data)
{
  Latency *lt = user_data;

  /* Start the 50 ms fuse once training proper runs, so the cancel lands
   * in the middle of epoch 2 rather than in the preprocessing. */
  if (lt->calls++ == 0)
    {
      lt->first_epoch_seconds = p->epoch_seconds;
      lt->thread = g_thread_new ("canceller", latency_thread, lt);
    }
  else if (lt->calls == 2)
    lt->second_report_at = g_get_monotonic_time ();
}

static void
test_cancel_latency (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (12000, 64, 4, 1.0, 4);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  Latency lt = { cancellable, NULL, 0, 0, 0, 0 };
  HealerTrainConfig c;
  gint64 done;
  double latency;

  small_config (&c);
  g_assert_true (healer_train_config_set_hidden (&c, "512,512", &error));
  c.batch_size = 128;
  c.epochs = 1000;          /* a full run would take many minutes */
  c.preprocess.transform = HEALER_TRANSFORM_NONE;
  c.preprocess.drop_duplicates = FALSE;
  model = healer_train (ds, &c, cancellable, latency_progress, &lt, &error);
  done = g_get_monotonic_time ();
  g_assert_nonnull (lt.thread);
  g_thread_join (lt.thread);

  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_cmpint (model->status, ==, HEALER_TRAIN_CANCELLED);
  latency = (done - lt.cancelled_at) / (double) G_USEC_PER_SEC;
  g_test_message ("epoch 1 took %.3f s; returned %.4f s after the cancel",
                  lt.first_epoch_seconds, latency);
  g_assert_cmpfloat (latency, >=, 0.0);
  g_assert_cmpuint (model->history.n_epochs, <, 5);
  /* Not a wall-clock bound (they fail on a loaded machine and under the
   * sanitizers, and say nothing there): what a check per batch gives is a
   * stop inside the epoch the cancel interrupted, which a check at the end
   * of each epoch would finish. The fuse is 50 ms into epoch 2; when epoch
   * 2 had already ended by then (its report came before the cancel), the
   * run says nothing about where the check is. */
  if (lt.second_report_at != 0 && lt.second_report_at <= lt.cancelled_at)
    {
      g_test_message ("epoch 2 ended within the 50 ms fuse: nothing to check");
      return;
    }
  g_assert_cmpuint (model->history.n_epochs, ==, 1);
}

static void
test_diverges (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (200, 6, 3, 2.0, 5);
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  HealerTrainConfig c;

  small_config (&c);
  c.optimizer = HEALER_OPTIMIZER_SGD;
  c.learning_rate = 1e6;
  model = healer_train (ds, &c, NULL, NULL, NULL, &error);
  g_test_message ("SGD at 1e6: %s", model == NULL ? error->message
                                                  : healer_train_status_to_string (model->status));
  if (model == NULL)
    {
      g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_DIVERGED);
      g_assert_nonnull (strstr (error->message, "learning rate"));
    }
  else
    {
      g_assert_no_error (error);
      g_assert_cmpint (model->status, ==, HEALER_TRAIN_DIVERGED);
      assert_params_finite (model);
    }

  /* Weights that grow by |1 − lr·decay| = 1.05 per step blow up only after
   * several epochs: the run reports DIVERGED and keeps the best epoch. */
  g_clear_error (&error);
  g_clear_pointer (&model, healer_model_unref);
  c.learning_rate = 0.01;
  c.weight_decay = 205;
  c.momentum = 0;
  c.epochs = 200;
  model = healer_train (ds, &c, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (model);
  g_assert_cmpint (model->status, ==, HEALER_TRAIN_DIVERGED);
  g_assert_cmpuint (model->history.n_epochs, >=, 1);
  g_assert_cmpuint (model->history.n_epochs, <, 200);
  g_assert_cmpuint (model->best_epoch, <=, model->history.n_epochs);
  g_assert_true (isfinite (model->validation_metrics->log_loss));
  assert_params_finite (model);

  /* Adam at an absurd rate: whatever happens, no NaN reaches a model. */
  g_clear_pointer (&model, healer_model_unref);
  g_clear_error (&error);
  c.optimizer = HEALER_OPTIMIZER_ADAM;
  c.learning_rate = 1e6;
  c.weight_decay = 1e-4;
  c.epochs = 10;
  model = healer_train (ds, &c, NULL, NULL, NULL, &error);
  g_test_message ("Adam at 1e6: %s", model == NULL ? error->message
                                                   : healer_train_status_to_string (model->status));
  if (model != NULL)
    assert_params_finite (model);
  else
    g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_DIVERGED);
}

static void
test_early_stopping (void)
{
  /* heavily overlapping classes and a big net: it overfits within a few epochs */
  g_autoptr(HealerDataset) ds = make_blobs (240, 6, 2, 0.3, 6);
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  HealerTrainConfig c;
  guint best, n;

  small_config (&c);
  g_assert_true (healer_train_config_set_hidden (&c, "256,256", &error));
  c.learning_rate = 1e-2;
  c.dropout = 0;
  c.weight_decay = 0;
  c.batch_size = 16;
  c.epochs = 200;
  c.patience = 3;
  c.validation_fraction = 0.3;
  model = healer_train (ds, &c, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (model->status, ==, HEALER_TRAIN_EARLY_STOPPED);
  best = model->best_epoch;
  n = model->history.n_epochs;
  g_assert_cmpuint (n, <, 200);
  g_assert_cmpuint (best, <, n);
  g_assert_cmpuint (n, ==, best + c.patience);
  for (guint e = best; e < n; e++)
    g_assert_cmpfloat (model->history.val_loss[e], >=, model->history.val_loss[best - 1] - 1e-4);
  /* the returned weights are those of the best epoch, not the last. The
   * history's loss comes from the training loop's forward pass, the metrics
   * from a forward pass after training; with OpenBLAS's AVX2 kernels
   * (OPENBLAS_CORETYPE=Haswell) and two OpenBLAS threads the two differ in
   * the last bits (see bench/README.md), so the match is to 1e-6 relative;
   * the assertion after it tells the best epoch from the last. */
  g_assert_cmpfloat_with_epsilon (model->validation_metrics->log_loss,
                                  model->history.val_loss[best - 1],
                                  1e-6 * model->history.val_loss[best - 1]);
  g_assert_cmpfloat (model->validation_metrics->log_loss, <, model->history.val_loss[n - 1]);
}

static void
test_no_validation (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (150, 5, 3, 3.0, 7);
  g_autoptr(HealerModel) model = NULL;
  HealerTrainConfig c;

  small_config (&c);
  c.validation_fraction = 0;
  c.epochs = 5;
  c.patience = 0;   /* with patience, early stopping would watch the training loss */
  model = train_or_die (ds, &c);
  g_assert_null (model->validation_metrics);
  g_assert_nonnull (model->train_metrics);
  g_assert_cmpint (model->status, ==, HEALER_TRAIN_COMPLETED);
  g_assert_cmpuint (model->history.n_epochs, ==, 5);
  g_assert_cmpuint (model->best_epoch, ==, 5);
  g_assert_cmpuint (model->n_train_rows, ==, 150);
  g_assert_true (isnan (model->history.val_loss[0]));
}

/* Without a validation split, patience watches the training loss: with a
 * learning rate too small to move it by the minimum improvement, the run
 * stops patience epochs after the first and keeps that first epoch. */
static void
test_patience_training_loss (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (150, 5, 3, 3.0, 7);
  g_autoptr(HealerModel) model = NULL;
  HealerTrainConfig c;

  small_config (&c);
  c.validation_fraction = 0;
  c.epochs = 50;
  c.patience = 3;
  c.learning_rate = 1e-9;
  model = train_or_die (ds, &c);
  g_assert_null (model->validation_metrics);
  g_assert_cmpint (model->status, ==, HEALER_TRAIN_EARLY_STOPPED);
  g_assert_cmpuint (model->best_epoch, ==, 1);
  g_assert_cmpuint (model->history.n_epochs, ==, 4);
}

static void
test_invalid_data (void)
{
  const char *names[] = { "a", "b", NULL };
  g_autoptr(HealerDataset) nolabels = healer_dataset_new (names, 10, FALSE, FALSE);
  g_autoptr(HealerDataset) oneclass = healer_dataset_new (names, 10, TRUE, FALSE);
  g_autoptr(HealerDataset) blobs = make_blobs (50, 3, 2, 2.0, 8);
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  HealerTrainConfig c;

  small_config (&c);
  nolabels->n_rows = 10;
  oneclass->n_rows = 10;
  for (guint i = 0; i < 20; i++)
    nolabels->x[i] = oneclass->x[i] = (float) i;
  for (guint i = 0; i < 10; i++)
    oneclass->labels[i] = 4;

  model = healer_train (nolabels, &c, NULL, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "label"));
  g_clear_error (&error);

  model = healer_train (oneclass, &c, NULL, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "two classes"));
  g_clear_error (&error);

  c.learning_rate = -1;
  model = healer_train (blobs, &c, NULL, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID);
  g_clear_error (&error);

  /* a network too large for a model file is refused up front */
  small_config (&c);
  g_assert_true (healer_train_config_set_hidden (&c, "65536,65536", &error));
  model = healer_train (blobs, &c, NULL, NULL, NULL, &error);
  g_assert_null (model);
  g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_LIMIT);
  g_assert_nonnull (strstr (error->message, "parameters"));
}

static void
test_duplicates (void)
{
  g_autoptr(HealerDataset) base = make_blobs (100, 4, 2, 3.0, 9);
  g_autofree gsize *rows = g_new (gsize, 130);
  g_autoptr(HealerDataset) ds = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerModel) kept = NULL;
  HealerTrainConfig c;

  for (gsize i = 0; i < 130; i++)
    rows[i] = i % 100;
  ds = healer_dataset_subset (base, rows, 130);
  small_config (&c);
  c.epochs = 3;
  c.validation_fraction = 0;
  model = train_or_die (ds, &c);
  g_assert_cmpuint (model->n_duplicates_removed, ==, 30);
  g_assert_cmpuint (model->n_train_rows, ==, 100);

  c.preprocess.drop_duplicates = FALSE;
  kept = train_or_die (ds, &c);
  g_assert_cmpuint (kept->n_duplicates_removed, ==, 0);
  g_assert_cmpuint (kept->n_train_rows, ==, 130);
}

/* Training on row indices gives the model training on a copy of those rows
 * gives, to the bit (model file and all): cross-validation trains its folds
 * so. The rows are out of order and some repeat, so duplicate removal, the
 * split and the explanations all see a part of the table. */
static void
test_train_rows (void)
{
  g_autoptr(HealerDataset) base = make_blobs (160, 5, 3, 2.0, 4);
  const gsize n_rows = 150;
  g_autofree gsize *rows = g_new (gsize, n_rows);
  g_autoptr(HealerDataset) sub = NULL;
  HealerRng rng;

  g_setenv ("SOURCE_DATE_EPOCH", "1700000000", TRUE);
  healer_rng_init (&rng, 3);
  for (gsize i = 0; i < n_rows; i++)
    rows[i] = i < 120 ? 159 - i : (gsize) healer_rng_below (&rng, 160);
  sub = healer_dataset_subset (base, rows, n_rows);

  for (guint variant = 0; variant < 3; variant++)
    {
      g_autoptr(HealerModel) copy = NULL;
      g_autoptr(HealerModel) by_index = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *jc = NULL;
      g_autofree char *ji = NULL;
      HealerTrainConfig c;

      small_config (&c);
      c.epochs = 3;
      c.explain = variant != 2;
      if (variant == 1)
        {
          c.validation_fraction = 0.0;
          c.preprocess.transform = HEALER_TRANSFORM_PLE;
        }
      else if (variant == 2)
        {
          c.preprocess.drop_duplicates = FALSE;
          c.preprocess.class_weights = FALSE;
          c.ensemble = 2;
        }

      copy = train_or_die (sub, &c);
      by_index = healer_train_rows (base, rows, n_rows, &c, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (by_index);
      if (variant != 2)
        g_assert_cmpuint (copy->n_duplicates_removed, >, 0);
      g_assert_cmpuint (by_index->n_duplicates_removed, ==, copy->n_duplicates_removed);
      g_assert_cmpuint (by_index->n_train_rows, ==, copy->n_train_rows);
      g_assert_true ((by_index->explanations != NULL) == c.explain);
      jc = healer_model_to_json (copy, NULL);
      ji = healer_model_to_json (by_index, NULL);
      g_assert_cmpstr (ji, ==, jc);
    }

  /* Too few rows is said of the rows given, not of the table. */
  {
    g_autoptr(HealerModel) none = NULL;
    g_autoptr(GError) error = NULL;
    HealerTrainConfig c;

    small_config (&c);
    none = healer_train_rows (base, rows, 1, &c, NULL, NULL, NULL, &error);
    g_assert_null (none);
    g_assert_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "1 rows"));
  }
  g_unsetenv ("SOURCE_DATE_EPOCH");
}

/* Asynchronous training */

typedef struct
{
  GMainLoop   *loop;
  GThread     *main_thread;
  HealerModel *model;
  GError      *error;
  guint        progress_calls;
  guint        last_epoch;
  guint        calls_after_done;
  guint        free_calls;
  gboolean     wrong_thread;
  gboolean     done;
  guint        last_importance;
} AsyncState;

static void
async_progress (const HealerTrainProgress *p,
                gpointer                   user_data)
{
  AsyncState *st = user_data;

  if (g_thread_self () != st->main_thread)
    st->wrong_thread = TRUE;
  if (st->done)
    st->calls_after_done++;
  if (p->importance_total > 0)
    {
      /* After the last epoch, the importance KPI by KPI: the epoch stays,
       * the KPIs only move forward. */
      g_assert_cmpuint (p->epoch, >=, st->last_epoch);
      g_assert_cmpuint (p->importance_done, >, st->last_importance);
      g_assert_cmpuint (p->importance_done, <=, p->importance_total);
      st->last_importance = p->importance_done;
    }
  else
    {
      g_assert_cmpuint (st->last_importance, ==, 0);
      g_assert_cmpuint (p->epoch, >, st->last_epoch);   /* never out of order */
    }
  st->last_epoch = p->epoch;
  st->progress_calls++;
}

static void
async_progress_free (gpointer user_data)
{
  AsyncState *st = user_data;

  st->free_calls++;
}

static void
async_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  AsyncState *st = user_data;

  if (g_thread_self () != st->main_thread)
    st->wrong_thread = TRUE;
  st->model = healer_train_finish (result, &st->error);
  st->done = TRUE;
  g_main_loop_quit (st->loop);
}

static void
test_async (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (600, 8, 3, 2.0, 10);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  AsyncState st = { loop, g_thread_self (), NULL, NULL, 0, 0, 0, 0, FALSE, FALSE };
  HealerTrainConfig c;

  small_config (&c);
  c.epochs = 25;
  healer_train_async (ds, &c, NULL, async_progress, &st, async_progress_free, async_done, &st);
  /* the config was copied: changing ours now must not matter */
  c.epochs = 1;
  g_main_loop_run (loop);

  g_assert_no_error (st.error);
  g_assert_nonnull (st.model);
  g_assert_false (st.wrong_thread);
  g_assert_cmpuint (st.progress_calls, >=, 1);
  g_assert_cmpuint (st.model->history.n_epochs, ==, 25);
  g_assert_cmpuint (st.last_epoch, ==, st.model->history.n_epochs);
  g_assert_cmpuint (st.free_calls, ==, 1);

  /* nothing stale may arrive after the result */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_usleep (20 * 1000);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (st.calls_after_done, ==, 0);
  g_assert_cmpuint (st.free_calls, ==, 1);
  g_test_message ("async: %u progress reports for %u epochs", st.progress_calls, st.last_epoch);
  healer_model_unref (st.model);
}

static void
async_cancel_progress (const HealerTrainProgress *p,
                       gpointer                   user_data)
{
  GCancellable *cancellable = user_data;

  if (p->epoch >= 2)
    g_cancellable_cancel (cancellable);
}

static void
test_async_cancel (void)
{
  g_autoptr(HealerDataset) ds = make_blobs (300, 8, 3, 2.0, 11);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  AsyncState st = { loop, g_thread_self (), NULL, NULL, 0, 0, 0, 0, FALSE, FALSE };
  HealerTrainConfig c;

  small_config (&c);
  g_cancellable_cancel (cancellable);
  healer_train_async (ds, &c, cancellable, NULL, NULL, NULL, async_done, &st);
  g_main_loop_run (loop);
  g_assert_null (st.model);
  g_assert_error (st.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&st.error);

  /* cancelled on the way: still a model, whatever GTask thinks of cancellables */
  g_cancellable_reset (cancellable);
  /* Far more epochs than the cancel can take to arrive: the progress comes
   * to this thread through the main loop while the worker trains on, and a
   * busy machine once let a 1000-epoch run end first. */
  c.epochs = 200000;
  c.patience = 0;
  healer_train_async (ds, &c, cancellable, async_cancel_progress, cancellable, NULL,
                      async_done, &st);
  g_main_loop_run (loop);
  g_assert_no_error (st.error);
  g_assert_nonnull (st.model);
  g_assert_cmpint (st.model->status, ==, HEALER_TRAIN_CANCELLED);
  g_assert_cmpuint (st.model->history.n_epochs, >=, 2);
  g_assert_cmpuint (st.model->history.n_epochs, <, 200000);
  g_clear_pointer (&st.model, healer_model_unref);
}

static void
test_real_data (void)
{
  g_autoptr(HealerDataset) ds = healer_test_load_shared ("kpi_labelled.csv");
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  HealerTrainConfig c;

  if (ds == NULL)
    return;

  healer_train_config_init_default (&c);
  /* scored on a held-out split; one member keeps the test quick */
  c.validation_fraction = 0.2;
  c.ensemble = 1;
  c.epochs = 80;
  model = healer_train (ds, &c, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (model->n_classes, ==, 6);
  g_assert_cmpuint (model->preprocessor->n_input, ==, 107);
  g_test_message ("real data: %s after %u epochs (best %u), validation accuracy %.3f, "
                  "macro-F1 %.3f, %u model inputs",
                  healer_train_status_to_string (model->status), model->history.n_epochs,
                  model->best_epoch, model->validation_metrics->accuracy,
                  model->validation_metrics->macro_f1, model->preprocessor->n_output);
  /* six balanced classes: chance is about 0.17 */
  g_assert_cmpfloat (model->validation_metrics->accuracy, >, 0.6);
  assert_params_finite (model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/trainer/config/defaults", test_config_defaults);
  g_test_add_func ("/trainer/config/hidden", test_config_hidden);
  g_test_add_func ("/trainer/config/validate", test_config_validate);
  g_test_add_func ("/trainer/strings", test_strings);
  g_test_add_func ("/trainer/enum-names", test_enum_names);
  g_test_add_func ("/trainer/optimizer-lanes", test_optimizer_lanes);
  g_test_add_func ("/trainer/split", test_split);
  g_test_add_func ("/trainer/converges", test_converges);
  g_test_add_func ("/trainer/simulated", test_simulated);
  g_test_add_func ("/trainer/reproducible", test_reproducible);
  g_test_add_func ("/trainer/regularisers", test_regularisers);
  g_test_add_func ("/trainer/progress-recent", test_progress_recent);
  g_test_add_func ("/trainer/cancel/from-progress", test_cancel_from_progress);
  g_test_add_func ("/trainer/cancel/before-start", test_cancel_before_start);
  g_test_add_func ("/trainer/cancel/latency", test_cancel_latency);
  g_test_add_func ("/trainer/diverges", test_diverges);
  g_test_add_func ("/trainer/early-stopping", test_early_stopping);
  g_test_add_func ("/trainer/no-validation", test_no_validation);
  g_test_add_func ("/trainer/patience-training-loss", test_patience_training_loss);
  g_test_add_func ("/trainer/invalid-data", test_invalid_data);
  g_test_add_func ("/trainer/duplicates", test_duplicates);
  g_test_add_func ("/trainer/train-rows", test_train_rows);
  g_test_add_func ("/trainer/async", test_async);
  g_test_add_func ("/trainer/async-cancel", test_async_cancel);
  g_test_add_func ("/trainer/real-data", test_real_data);

  return g_test_run ();
}
