/* healer-config.c — the training and preprocessing configuration: names, defaults, validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "healer-config.h"
#include "healer-enum.h"

G_DEFINE_QUARK (healer-train-error-quark, healer_train_error)

/* Names and configuration */

/* Users type these on the command line: any case will do. */
HEALER_DEFINE_ENUM_STRINGS (healer_optimizer, HealerOptimizer, HEALER_TYPE_OPTIMIZER, TRUE)
HEALER_DEFINE_ENUM_STRINGS (healer_lr_schedule, HealerLrSchedule, HEALER_TYPE_LR_SCHEDULE, TRUE)
HEALER_DEFINE_ENUM_STRINGS (healer_train_status, HealerTrainStatus, HEALER_TYPE_TRAIN_STATUS, TRUE)

void
healer_train_config_init_default (HealerTrainConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  /* The winner of the cross-validated study in docs/model.md: on ~400
   * training rows, one wide layer trained on every row for a fixed number
   * of epochs beats deeper nets, dropout and a held-out stopping split;
   * five seeds averaged mainly steady the result. */
  config->n_hidden = 1;
  config->hidden[0] = 256;
  config->activation = HEALER_ACTIVATION_RELU;
  config->optimizer = HEALER_OPTIMIZER_ADAM;
  config->learning_rate = 1e-3;
  config->lr_schedule = HEALER_LR_CONSTANT;
  config->momentum = 0.9;
  config->weight_decay = 5e-5;
  config->dropout = 0.0;
  config->input_noise = 0.0;
  config->label_smoothing = 0.0;
  config->batch_size = 200;
  config->epochs = 300;
  config->patience = 0;
  config->validation_fraction = 0.0;
  config->ensemble = 5;
  config->seed = 42;
  config->explain = TRUE;
  healer_preprocess_config_init_default (&config->preprocess);
}

gboolean
healer_train_config_set_hidden (HealerTrainConfig *config,
                                const char        *spec,
                                GError           **error)
{
  g_auto(GStrv) parts = NULL;
  guint hidden[HEALER_MAX_HIDDEN_LAYERS];
  guint n = 0;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  parts = g_strsplit (spec != NULL ? spec : "", ",", -1);
  if (parts[0] == NULL || (parts[1] == NULL && *g_strstrip (parts[0]) == '\0'))
    {
      g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID,
                   _("No hidden layer sizes given: expected whole numbers separated by "
                     "commas, such as “256,128”"));
      return FALSE;
    }

  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *part = g_strstrip (parts[i]);
      gsize len = strlen (part);
      guint64 value = 0;
      gboolean digits = len > 0 && len <= 6;

      for (gsize k = 0; digits && k < len; k++)
        digits = g_ascii_isdigit (part[k]);
      if (digits)
        value = g_ascii_strtoull (part, NULL, 10);
      if (!digits || value < 1 || value > HEALER_MAX_HIDDEN_WIDTH)
        {
          g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID,
                       _("Invalid hidden layer size “%s” (layer %u of “%s”): expected a "
                         "whole number from 1 to %u"),
                       part, i + 1, spec, (guint) HEALER_MAX_HIDDEN_WIDTH);
          return FALSE;
        }
      if (n == HEALER_MAX_HIDDEN_LAYERS)
        {
          g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID,
                       _("Too many hidden layers in “%s”: at most %u are supported"),
                       spec, (guint) HEALER_MAX_HIDDEN_LAYERS);
          return FALSE;
        }
      hidden[n++] = (guint) value;
    }

  config->n_hidden = n;
  memcpy (config->hidden, hidden, n * sizeof (guint));
  return TRUE;
}

#define HEALER_INVALID(...) \
  G_STMT_START { \
    g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_INVALID, __VA_ARGS__); \
    return FALSE; \
  } G_STMT_END

gboolean
healer_train_config_validate (const HealerTrainConfig *config,
                              GError                 **error)
{
  const HealerPreprocessConfig *pre;

  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  pre = &config->preprocess;
  if (config->n_hidden < 1 || config->n_hidden > HEALER_MAX_HIDDEN_LAYERS)
    HEALER_INVALID (_("The network needs from 1 to %u hidden layers, not %u"),
                    (guint) HEALER_MAX_HIDDEN_LAYERS, config->n_hidden);
  for (guint i = 0; i < config->n_hidden; i++)
    if (config->hidden[i] < 1 || config->hidden[i] > HEALER_MAX_HIDDEN_WIDTH)
      HEALER_INVALID (_("Hidden layer %u has %u units; expected from 1 to %u"),
                      i + 1, config->hidden[i], (guint) HEALER_MAX_HIDDEN_WIDTH);
  if ((guint) config->activation > HEALER_ACTIVATION_TANH)
    HEALER_INVALID (_("Unknown activation function (%d)"), (int) config->activation);
  if ((guint) config->optimizer > HEALER_OPTIMIZER_SGD)
    HEALER_INVALID (_("Unknown optimizer (%d)"), (int) config->optimizer);
  if (!(config->learning_rate > 0.0) || !isfinite (config->learning_rate))
    HEALER_INVALID (_("The learning rate must be a positive finite number, not %g"),
                    config->learning_rate);
  if ((guint) config->lr_schedule > HEALER_LR_COSINE)
    HEALER_INVALID (_("Unknown learning-rate schedule (%d)"), (int) config->lr_schedule);
  if (!(config->momentum >= 0.0 && config->momentum < 1.0))
    HEALER_INVALID (_("The momentum must be in [0, 1), not %g"), config->momentum);
  if (!(config->weight_decay >= 0.0) || !isfinite (config->weight_decay))
    HEALER_INVALID (_("The weight decay must be a finite number ≥ 0, not %g"),
                    config->weight_decay);
  if (!(config->dropout >= 0.0 && config->dropout < 1.0))
    HEALER_INVALID (_("The dropout rate must be in [0, 1), not %g"), config->dropout);
  if (!(config->input_noise >= 0.0 && config->input_noise <= 10.0))
    HEALER_INVALID (_("The input noise must be in [0, 10], not %g"), config->input_noise);
  if (!(config->label_smoothing >= 0.0 && config->label_smoothing < 1.0))
    HEALER_INVALID (_("The label smoothing must be in [0, 1), not %g"),
                    config->label_smoothing);
  if (config->batch_size < 1)
    HEALER_INVALID (_("The batch size must be at least 1"));
  if (config->epochs < 1)
    HEALER_INVALID (_("The number of epochs must be at least 1"));
  if (config->epochs > HEALER_MODEL_MAX_EPOCHS)
    HEALER_INVALID (_("The number of epochs must be at most %u, the longest training history "
                      "a model file holds, not %u"),
                    (guint) HEALER_MODEL_MAX_EPOCHS, config->epochs);
  if (!(config->validation_fraction >= 0.0 && config->validation_fraction <= 0.9))
    HEALER_INVALID (_("The validation fraction must be in [0, 0.9], not %g"),
                    config->validation_fraction);
  if (config->ensemble < 1 || config->ensemble > HEALER_MAX_ENSEMBLE)
    HEALER_INVALID (_("The ensemble size must be from 1 to %u, not %u"),
                    (guint) HEALER_MAX_ENSEMBLE, config->ensemble);
  if (!(pre->select_min_ratio >= 0.0 && pre->select_min_ratio <= 1.0))
    HEALER_INVALID (_("The mutual-information ratio must be in [0, 1], not %g"),
                    pre->select_min_ratio);
  if ((guint) pre->impute > HEALER_IMPUTE_MEAN ||
      (guint) pre->transform > HEALER_TRANSFORM_PLE ||
      (guint) pre->select > HEALER_SELECT_MUTUAL_INFO)
    HEALER_INVALID (_("Unknown preprocessing option (impute %d, transform %d, select %d)"),
                    (int) pre->impute, (int) pre->transform, (int) pre->select);
  return TRUE;
}

#undef HEALER_INVALID

