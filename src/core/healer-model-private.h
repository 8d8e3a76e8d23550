/* healer-model-private.h — what the model's writer and its loader share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "healer-model.h"

G_BEGIN_DECLS

/* The bounds a model file must stay within (HEALER_MODEL_MAX_*) are in
 * healer-limits.h, which the trainer checks too. */
/* Metrics are fractions, but a weighted mean can round an ulp above 1. */
#define HEALER_MODEL_UNIT_MAX      (1.0 + 1e-9)
/* json-glib 1.6 parses recursively without a depth limit, so a file of
 * nested brackets overflows the stack; ours nests 4 levels. */
#define HEALER_MODEL_MAX_DEPTH     32
/* 9999-12-31T23:59:59Z, the last instant GDateTime represents. */
#define HEALER_MODEL_MAX_UNIX      G_GINT64_CONSTANT (253402300799)
#define HEALER_JSON_MAX_SAFE_INT   G_GINT64_CONSTANT (9007199254740992)

/* Prediction works in blocks so memory stays bounded whatever the row count. */
#define HEALER_PREDICT_CHUNK_ROWS  4096
#define HEALER_PREDICT_CHUNK_CELLS (16u * 1024 * 1024)
/* Fewer rows are not worth waking another thread for. */
#define HEALER_PREDICT_PARALLEL_MIN_ROWS 64

/* Lowercase hex SHA-256 of the little-endian parameters of @members, in order. */
char *healer_checksum_members (HealerMlp * const *members,
                               guint              n_members);

G_END_DECLS
