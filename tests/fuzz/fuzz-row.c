/* fuzz-row.c — libFuzzer harness of a pasted sample: header + one CSV row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gio/gio.h>
#include <math.h>
#include <string.h>

#include "healer-explain.h"
#include "healer-model.h"
#include "healer-simulate.h"

#include "fuzz-common.h"

/* Rows beyond this are parsed and aligned but not predicted: the target is
 * the text path, and prediction cost would only slow the fuzzer down. */
#define HEALER_FUZZ_ROW_MAX_PREDICT 16

static HealerModel *healer_fuzz_model;
static char *healer_fuzz_header;

int
LLVMFuzzerInitialize (int *argc, char ***argv)
{
  HealerSimulateConfig sim;
  HealerTrainConfig config;
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(GError) error = NULL;
  GString *header;

  healer_fuzz_init_logging ();

  /* A small model with missing-value indicators keeps every input path
   * (imputation, indicators, transform) reachable while each run stays fast. */
  healer_simulate_config_init_default (&sim);
  sim.n_samples = 120;
  sim.n_features = 12;
  sim.n_classes = 3;
  sim.n_nodes = 3;
  data = healer_simulate (&sim);

  healer_train_config_init_default (&config);
  config.n_hidden = 1;
  config.hidden[0] = 8;
  config.epochs = 3;
  config.patience = 0;
  config.validation_fraction = 0;
  config.ensemble = 1;
  config.explain = FALSE;
  config.preprocess.missing_indicators = TRUE;
  healer_fuzz_model = healer_train (data, &config, NULL, NULL, NULL, &error);
  if (healer_fuzz_model == NULL)
    {
      g_printerr ("fuzz-row: training failed: %s\n", error->message);
      abort ();
    }

  header = g_string_new (NULL);
  for (guint j = 0; j < healer_fuzz_model->preprocessor->n_input; j++)
    g_string_append_printf (header, "%s%s", j > 0 ? "," : "",
                            healer_fuzz_model->preprocessor->input_names[j]);
  g_string_append_c (header, '\n');
  healer_fuzz_header = g_string_free (header, FALSE);
  return 0;
}

static void
healer_fuzz_predict (const HealerDataset *aligned)
{
  const HealerModel *model = healer_fuzz_model;
  g_autoptr(HealerDataset) head = NULL;
  g_autoptr(HealerSampleExplanation) explanation = NULL;
  g_autofree gsize *rows = NULL;
  g_autofree float *proba = NULL;
  gsize n = MIN (aligned->n_rows, HEALER_FUZZ_ROW_MAX_PREDICT);

  rows = g_new (gsize, n);
  for (gsize i = 0; i < n; i++)
    rows[i] = i;
  head = healer_dataset_subset (aligned, rows, n);

  proba = g_new (float, n * model->n_classes);
  healer_model_predict_proba (model, head, proba);
  for (gsize i = 0; i < n * model->n_classes; i++)
    if (!(proba[i] >= 0.0f && proba[i] <= 1.0f))
      {
        g_printerr ("probability %g out of [0, 1]\n", proba[i]);
        abort ();
      }

  explanation = healer_explain_sample (model, healer_dataset_row (head, 0), 3);
  if (explanation == NULL || explanation->predicted >= model->n_classes)
    abort ();
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(HealerDataset) table = NULL;
  g_autoptr(HealerDataset) aligned = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) missing = NULL;
  g_auto(GStrv) extra = NULL;
  g_autofree char *text = NULL;
  gsize len;

  if (size == 0)
    return 0;

  /* First byte odd: the user pasted only the values and we supply the
   * model's header, as the "paste a sample" box does; even: the whole text
   * (header included) is the user's. */
  if (data[0] & 1)
    {
      gsize header_len = strlen (healer_fuzz_header);

      len = header_len + size - 1;
      text = g_malloc (len);
      memcpy (text, healer_fuzz_header, header_len);
      memcpy (text + header_len, data + 1, size - 1);
    }
  else
    {
      len = size - 1;
      text = g_memdup2 (data + 1, len);
    }

  table = healer_dataset_load_from_data ("pasted sample", text, len, &error);
  if (table == NULL)
    return 0;

  aligned = healer_model_align (healer_fuzz_model, table, &missing, &extra, &error);
  if ((aligned == NULL) == (error == NULL) || missing == NULL || extra == NULL)
    abort ();
  if (aligned == NULL)
    return 0;
  if (aligned->n_rows != table->n_rows
      || aligned->n_features != healer_fuzz_model->preprocessor->n_input)
    abort ();

  healer_fuzz_predict (aligned);
  return 0;
}
