/* fuzz-model.c — libFuzzer harness of the model file loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "healer-explain.h"
#include "healer-model.h"

#include "fuzz-common.h"

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  healer_fuzz_init_logging ();
  return 0;
}

/* A model that loaded must be usable: the all-missing row exercises the
 * imputation, transforms and every layer with the file's own parameters. */
static void
healer_fuzz_use_model (const HealerModel *model)
{
  const HealerPreprocessor *p = model->preprocessor;
  g_autoptr(HealerDataset) row = NULL;
  g_autoptr(HealerSampleExplanation) explanation = NULL;
  g_autofree float *proba = NULL;

  row = healer_dataset_new ((const char * const *) p->input_names, 1, FALSE, FALSE);
  for (guint j = 0; j < row->n_features; j++)
    row->x[j] = NAN;

  proba = g_new (float, model->n_classes);
  healer_model_predict_proba (model, row, proba);

  explanation = healer_explain_sample (model, healer_dataset_row (row, 0), 3);
  if (explanation == NULL || explanation->predicted >= model->n_classes)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerModel) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  g_autofree char *json_again = NULL;
  gsize len = 0, len_again = 0;

  model = healer_model_load_from_data ((const char *) data, size, "fuzz.json", &error);
  if ((model == NULL) == (error == NULL))
    abort ();
  if (model == NULL)
    return 0;

  healer_fuzz_use_model (model);

  /* Whatever we accepted we must be able to write, and read back as the
   * same file: a model that saves but does not load again loses work. */
  json = healer_model_to_json (model, &len);
  if (json == NULL)
    abort ();
  again = healer_model_load_from_data (json, len, "again.json", &error);
  if (again == NULL)
    {
      g_printerr ("re-load of a saved model failed: %s\n", error->message);
      abort ();
    }
  json_again = healer_model_to_json (again, &len_again);
  if (len != len_again || memcmp (json, json_again, len) != 0)
    {
      g_printerr ("saving a re-loaded model gives another file\n");
      abort ();
    }
  return 0;
}
