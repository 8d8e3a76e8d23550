/* healer-train-settings.h — the model settings form of the Train page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-trainer.h"

G_BEGIN_DECLS

#define HEALER_TYPE_TRAIN_SETTINGS (healer_train_settings_get_type ())

G_DECLARE_FINAL_TYPE (HealerTrainSettings, healer_train_settings, HEALER, TRAIN_SETTINGS, AdwBin)

/* Preset names, as in the "train-preset" GSettings key; "custom" is what
 * healer_train_settings_get_preset() says when no preset matches. */
#define HEALER_TRAIN_PRESET_DEFAULT   "default"
#define HEALER_TRAIN_PRESET_FAST      "fast"
#define HEALER_TRAIN_PRESET_PUBLISHED "published"
#define HEALER_TRAIN_PRESET_CUSTOM    "custom"

/* Fills @config with the preset @name; FALSE for an unknown name. */
gboolean    healer_train_preset_init            (HealerTrainConfig         *config,
                                                 const char                *name);

GtkWidget  *healer_train_settings_new           (void);
/* The configuration in the form, validated. On failure @error names the
 * setting that is wrong and what is expected. */
gboolean    healer_train_settings_get_config    (HealerTrainSettings       *self,
                                                 HealerTrainConfig         *config,
                                                 GError                   **error);
void        healer_train_settings_set_config    (HealerTrainSettings       *self,
                                                 const HealerTrainConfig   *config);
void        healer_train_settings_apply_preset  (HealerTrainSettings       *self,
                                                 const char                *name);
/* The preset the form matches, or "custom". */
const char *healer_train_settings_get_preset    (HealerTrainSettings       *self);
/* FALSE while a field holds something that cannot be trained with. */
gboolean    healer_train_settings_get_valid     (HealerTrainSettings       *self);

G_END_DECLS
