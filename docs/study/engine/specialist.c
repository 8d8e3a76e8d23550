/* specialist.c — the default model, alone or with a class-1-vs-2 specialist
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: specialist DATA.csv [SEED] [plain]
 *
 * Per fold: the default model on the training rows and, unless "plain", a
 * second default model on the training rows of labels 1 and 2 only, so its
 * mutual-information selection and scaling are fitted to that pair. When
 * the first model's top class is 1 or 2, the specialist splits their
 * combined probability between them. "plain" reproduces "systemhealer-cli cv".
 */

#include <string.h>

#include "cv-common.h"

static int
label_index (const StudyFold *f,
             gint32           label)
{
  for (guint c = 0; c < f->n_classes; c++)
    if (f->class_ids[c] == label)
      return (int) c;
  g_error ("no class %d", label);
}

static void
predict (const StudyFold *f,
         float           *proba,
         gpointer         user_data)
{
  gboolean plain = GPOINTER_TO_INT (user_data);
  HealerTrainConfig config;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GArray) pair = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(HealerDataset) pair_rows = NULL;
  g_autoptr(HealerModel) specialist = NULL;
  g_autofree float *q = NULL;
  int c1 = label_index (f, 1), c2 = label_index (f, 2);
  int s1, s2;

  healer_train_config_init_default (&config);
  config.seed = f->train_seed;
  config.explain = FALSE;
  model = study_train (f->train, &config);
  healer_model_predict_proba (model, f->test, proba);
  if (plain)
    return;

  for (gsize i = 0; i < f->n_train; i++)
    if ((int) f->y[f->train_rows[i]] == c1 || (int) f->y[f->train_rows[i]] == c2)
      g_array_append_val (pair, i);
  pair_rows = healer_dataset_subset (f->train, (const gsize *) pair->data, pair->len);
  specialist = study_train (pair_rows, &config);
  s1 = healer_model_class_index (specialist, 1);
  s2 = healer_model_class_index (specialist, 2);
  q = g_new (float, f->n_test * 2);
  healer_model_predict_proba (specialist, f->test, q);
  for (gsize i = 0; i < f->n_test; i++)
    {
      float *p = proba + i * f->n_classes;
      guint top = healer_argmax (p, f->n_classes);

      if ((int) top == c1 || (int) top == c2)
        {
          float mass = p[c1] + p[c2];

          p[c1] = mass * q[i * 2 + s1];
          p[c2] = mass * q[i * 2 + s2];
        }
    }
}

int
main (int    argc,
      char **argv)
{
  guint64 seed;
  g_autoptr(HealerDataset) data = study_load (argc, argv, &seed);
  gboolean plain = argc > 3 && strcmp (argv[3], "plain") == 0;

  study_cross_validate (data, seed, predict, GINT_TO_POINTER (plain));
  return 0;
}
