/* test-model-rename.c — classes renamed while a batch diagnosis and a save run on workers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built for ThreadSanitizer by `tools/dev test` (build dir "-tsan"), and
 * run like any other test otherwise. The main thread plays the session: it
 * renames classes again and again, each time swapping in the renamed model
 * as the app's session does. Two workers play the app's batch diagnosis and
 * its "Save Model": each takes a reference to the session's model of the
 * moment and works on it. A model is immutable once built, so whatever the
 * renames do meanwhile, a worker sees the names of the model it took, the
 * probabilities never change by a bit (the networks are shared, not
 * copied), and the saved file holds exactly the names of the model saved.
 * When renaming wrote into the shared model, ThreadSanitizer reported the
 * main thread's free of a name against the workers' reads of it.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "healer-diagnose.h"
#include "healer-model.h"
#include "healer-simulate.h"
#include "healer-test-data.h"

/* Each worker must have finished this many jobs, and the main thread made
 * this many renames, before the test stops: conditions, not durations. */
#define MIN_JOBS     4
#define MIN_RENAMES  200

typedef struct
{
  GMutex        lock;
  HealerModel  *current;          /* the "session's" model, under @lock */
  const char   *csv_path;
  const char   *model_path;
  float        *reference_proba;  /* of the first model, n_rows × n_classes */
  gsize         n_rows;
  gint          stop;             /* atomic */
  gint          n_diagnoses;      /* atomic */
  gint          n_saves;          /* atomic */
} Race;

static HealerDataset *
make_data (gsize   n_rows,
           guint   n_features,
           guint64 seed)
{
  HealerSimulateConfig sim;

  healer_simulate_config_init_default (&sim);
  sim.n_samples = n_rows;
  sim.n_features = n_features;
  sim.n_classes = 3;
  sim.n_nodes = 3;
  sim.seed = seed;
  return healer_simulate (&sim);
}

static HealerModel *
race_take_model (Race *race)
{
  HealerModel *model;

  g_mutex_lock (&race->lock);
  model = healer_model_ref (race->current);
  g_mutex_unlock (&race->lock);
  return model;
}

/* Whether the NULL-terminated @names are those of @model. */
static void
assert_names (char * const      *names,
              const HealerModel *model)
{
  g_assert_cmpuint (g_strv_length ((char **) names), ==, model->n_classes);
  for (guint k = 0; k < model->n_classes; k++)
    g_assert_cmpstr (names[k], ==, model->class_names[k]);
}

static gpointer
diagnose_worker (gpointer user_data)
{
  Race *race = user_data;

  while (!g_atomic_int_get (&race->stop))
    {
      g_autoptr(HealerModel) model = race_take_model (race);
      g_auto(GStrv) names_before = g_strdupv (model->class_names);
      g_autoptr(HealerDiagnosis) d = NULL;
      g_autoptr(GError) error = NULL;

      d = healer_diagnose_file (model, race->csv_path, 64, NULL, NULL, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (d);
      /* The model taken was not renamed under the worker's feet. */
      assert_names (names_before, model);
      assert_names (d->class_names, model);
      g_assert_cmpuint (d->n_rows, ==, race->n_rows);
      g_assert_cmpmem (d->proba, d->n_rows * model->n_classes * sizeof (float),
                       race->reference_proba, race->n_rows * model->n_classes * sizeof (float));
      g_atomic_int_inc (&race->n_diagnoses);
    }
  return NULL;
}

static gpointer
save_worker (gpointer user_data)
{
  Race *race = user_data;

  while (!g_atomic_int_get (&race->stop))
    {
      g_autoptr(HealerModel) model = race_take_model (race);
      g_autoptr(HealerModel) loaded = NULL;
      g_autofree char *saved_sum = NULL;
      g_autofree char *loaded_sum = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_true (healer_model_save (model, race->model_path, &error));
      g_assert_no_error (error);
      /* Only this thread writes the file, so it holds this model. */
      loaded = healer_model_load (race->model_path, &error);
      g_assert_no_error (error);
      assert_names (loaded->class_names, model);
      saved_sum = healer_model_weights_checksum (model);
      loaded_sum = healer_model_weights_checksum (loaded);
      g_assert_cmpstr (saved_sum, ==, loaded_sum);
      g_atomic_int_inc (&race->n_saves);
    }
  return NULL;
}

/* The main thread's part: one rename, as healer_session_set_class_name
 * makes it. The old model goes to whichever thread drops it last. */
static void
race_rename (Race  *race,
             guint  i)
{
  HealerModel *old;
  HealerModel *renamed;
  g_autofree char *name = NULL;
  g_auto(GStrv) names_before = NULL;
  guint index;

  g_mutex_lock (&race->lock);
  old = healer_model_ref (race->current);
  g_mutex_unlock (&race->lock);

  index = i % old->n_classes;
  /* Every few renames a blank name: back to the default "class N". */
  name = i % 7 == 0 ? g_strdup ("  ") : g_strdup_printf ("fault %u, take %u", index, i);
  names_before = g_strdupv (old->class_names);
  renamed = healer_model_with_class_name (old, index, name);
  g_assert_true (healer_model_same_network (old, renamed));
  g_assert_true (renamed->members == old->members);
  /* Deriving never writes into the model derived from. */
  assert_names (names_before, old);
  if (i % 7 == 0)
    {
      g_autofree char *fallback = g_strdup_printf ("class %d", old->class_ids[index]);

      g_assert_cmpstr (renamed->class_names[index], ==, fallback);
    }
  else
    g_assert_cmpstr (renamed->class_names[index], ==, name);

  g_mutex_lock (&race->lock);
  healer_model_unref (race->current);
  race->current = renamed;
  g_mutex_unlock (&race->lock);
  healer_model_unref (old);
}

static void
test_rename_during_diagnosis_and_save (void)
{
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *csv_path = NULL;
  g_autofree char *model_path = NULL;
  HealerModel *first;
  GThread *diagnoser;
  GThread *saver;
  Race race = { 0 };
  guint i;

  data = make_data (150, 10, 11);
  first = healer_test_train_small (data, 8, 4);

  dir = g_dir_make_tmp ("healer-rename-XXXXXX", &error);
  g_assert_no_error (error);
  csv_path = g_build_filename (dir, "batch.csv", NULL);
  model_path = g_build_filename (dir, "model.json", NULL);
  g_assert_true (healer_dataset_save_csv (data, csv_path, &error));
  g_assert_no_error (error);

  g_mutex_init (&race.lock);
  race.current = first;
  race.csv_path = csv_path;
  race.model_path = model_path;
  race.n_rows = data->n_rows;
  {
    g_autoptr(HealerDiagnosis) d = healer_diagnose_file (first, csv_path, 0, NULL, NULL, NULL, &error);

    g_assert_no_error (error);
    race.reference_proba = g_memdup2 (d->proba, d->n_rows * first->n_classes * sizeof (float));
  }

  diagnoser = g_thread_new ("diagnose", diagnose_worker, &race);
  saver = g_thread_new ("save", save_worker, &race);
  for (i = 0; i < MIN_RENAMES ||
              g_atomic_int_get (&race.n_diagnoses) < MIN_JOBS ||
              g_atomic_int_get (&race.n_saves) < MIN_JOBS; i++)
    {
      race_rename (&race, i);
      /* Let the workers run between renames on a loaded machine. */
      g_thread_yield ();
    }
  g_atomic_int_set (&race.stop, 1);
  g_thread_join (diagnoser);
  g_thread_join (saver);
  g_test_message ("%u renames, %d diagnoses, %d saves", i,
                  g_atomic_int_get (&race.n_diagnoses), g_atomic_int_get (&race.n_saves));

  /* The last model still predicts with the first one's networks. */
  g_assert_true (healer_model_same_network (race.current, first) || race.current == first);
  healer_model_unref (race.current);
  g_mutex_clear (&race.lock);
  g_free (race.reference_proba);
  g_assert_cmpint (g_remove (csv_path), ==, 0);
  g_assert_cmpint (g_remove (model_path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

/* The other change a model gets after training: metrics measured later. */
static void
test_with_train_metrics (void)
{
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerModel) measured = NULL;
  g_autoptr(HealerModel) renamed = NULL;
  g_autoptr(HealerMetrics) metrics = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *measured_json = NULL;

  data = make_data (120, 8, 5);
  model = healer_test_train_small (data, 8, 3);
  json = healer_model_to_json (model, NULL);

  metrics = healer_model_evaluate (model, data, &error);
  g_assert_no_error (error);
  measured = healer_model_with_train_metrics (model, metrics);
  g_assert_nonnull (measured->train_metrics);
  g_assert_true (measured->train_metrics != metrics);
  g_assert_cmpfloat (measured->train_metrics->macro_f1, ==, metrics->macro_f1);
  g_assert_true (healer_model_same_network (model, measured));

  /* A copy of a copy shares the first model's networks and outlives it. */
  renamed = healer_model_with_class_name (measured, 0, "disk");
  g_clear_pointer (&model, healer_model_unref);
  g_clear_pointer (&measured, healer_model_unref);
  g_assert_cmpstr (renamed->class_names[0], ==, "disk");
  g_assert_nonnull (renamed->train_metrics);
  measured_json = healer_model_to_json (renamed, NULL);
  /* Same file but for the name and the metrics. */
  g_assert_true (strstr (json, "\"disk\"") == NULL);
  g_assert_nonnull (strstr (measured_json, "\"disk\""));
  g_assert_false (healer_model_same_network (renamed, NULL));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/model/rename-during-diagnosis-and-save", test_rename_during_diagnosis_and_save);
  g_test_add_func ("/model/with-train-metrics", test_with_train_metrics);
  return g_test_run ();
}
