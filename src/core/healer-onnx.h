/* healer-onnx.h — a model as an ONNX graph, for ONNX Runtime and other engines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "healer-model.h"

G_BEGIN_DECLS

/* The operator set the graph uses: every operator it needs exists there,
 * and ONNX Runtime has run it since release 1.6. */
#define HEALER_ONNX_OPSET       13
#define HEALER_ONNX_IR_VERSION  7

/* The graph computes the whole of healer_model_predict_proba:
 *
 *   input  "kpis"           float32 [N, K]  raw KPI values in the order of the
 *                                           model's input names, NaN (or ±inf)
 *                                           for a missing value
 *   output "probabilities"  float32 [N, C]  averaged over the ensemble
 *   output "label"          int64   [N]     the label value (class id, as in
 *                                           the data) of the most probable class
 *
 * and carries as metadata properties "kpis", "class_names" and "class_ids"
 * (JSON arrays) and "weights_sha256" (as `info` prints it). The
 * preprocessing runs in double precision, as the engine's does, so the
 * probabilities agree with predict's to float rounding.
 *
 * Returns the serialised ModelProto. */
GBytes  *healer_onnx_export (const HealerModel *model);

/* Writes healer_onnx_export() to @path atomically. */
gboolean healer_onnx_save   (const HealerModel *model,
                             const char        *path,
                             GError           **error);

G_END_DECLS
