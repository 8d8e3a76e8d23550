/* healer-json.h — JSON writing shared by every file the engine produces
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "healer-conformal.h"
#include "healer-metrics.h"

G_BEGIN_DECLS

/* Our own serializer rather than JsonGenerator: json-glib 1.6 writes 1e+20
 * as "1e+20.0", which no parser (json-glib included) reads back, writes NaN
 * as bare nan, and other versions format numbers differently, which would
 * break byte-identical files. Numbers are written in the shortest form that
 * reads back exactly, non-finite ones as null, key order as built. */
char    *healer_json_to_string      (JsonNode     *node,
                                     gboolean      pretty,
                                     gsize        *length);

/* @v in the shortest decimal form that reads back to it exactly ("0.4",
 * not "0.40000000000000002"); finite or not. */
void     healer_format_double_shortest (char   buf[G_ASCII_DTOSTR_BUF_SIZE],
                                        double v);

/* JsonBuilder shorthands: set member @name (unless NULL) and add the value. */
void     healer_json_add_double     (JsonBuilder  *b,
                                     const char   *name,
                                     double        v);    /* null when not finite */
void     healer_json_add_int        (JsonBuilder  *b,
                                     const char   *name,
                                     gint64        v);
void     healer_json_add_string     (JsonBuilder  *b,
                                     const char   *name,
                                     const char   *v);
void     healer_json_add_bool       (JsonBuilder  *b,
                                     const char   *name,
                                     gboolean      v);
void     healer_json_add_floats     (JsonBuilder  *b,
                                     const char   *name,
                                     const float  *v,
                                     gsize         n);    /* base64 of little-endian float32 */
void     healer_json_add_uints      (JsonBuilder  *b,
                                     const char   *name,
                                     const guint  *v,
                                     gsize         n);
void     healer_json_add_sizes      (JsonBuilder  *b,
                                     const char   *name,
                                     const gsize  *v,
                                     gsize         n);
void     healer_json_add_doubles    (JsonBuilder  *b,
                                     const char   *name,
                                     const double *v,
                                     gsize         n);

/* Adds @m as an object value (null when NULL): accuracy, macro and weighted
 * averages, per-class arrays, confusion matrix. */
void     healer_metrics_to_json     (const HealerMetrics *m,
                                     JsonBuilder         *b);

/* Adds @e as an object value: folds, rows, the out-of-fold figures. The
 * model file and info --json share it. */
void     healer_estimate_to_json    (const HealerEstimate *e,
                                     JsonBuilder          *b);

/* Little-endian float32 blocks, as stored in files whatever the host. */
void     healer_floats_to_le        (const float  *v,
                                     gsize         n,
                                     guint32      *out);
void     healer_floats_from_le      (const guchar *bytes,
                                     gsize         n,
                                     float        *out);
char    *healer_floats_to_base64    (const float  *v,
                                     gsize         n);
/* Size that @text decodes to, or FALSE when it is not strict base64. */
gboolean healer_base64_decoded_size (const char   *text,
                                     gsize        *size);

G_END_DECLS
