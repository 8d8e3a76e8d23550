/* healer-model-json.h — the model file's configuration members, for other JSON documents
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Apart from healer-model.h so that the model's public API carries no
 * json-glib type: only code that builds a JSON document of its own (the
 * CLI's reports, the model's writer) includes this.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "healer-config.h"

G_BEGIN_DECLS

/* The configuration's members, as the model file stores them, added to the
 * object @b is building (for reports that repeat a configuration). */
void healer_train_config_add_members      (JsonBuilder                  *b,
                                           const HealerTrainConfig      *c);
void healer_preprocess_config_add_members (JsonBuilder                  *b,
                                           const HealerPreprocessConfig *c);

G_END_DECLS
