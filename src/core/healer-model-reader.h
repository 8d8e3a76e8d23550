/* healer-model-reader.h — the bounded JSON reader under the model loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "healer-model-private.h"

G_BEGIN_DECLS

/* This layer knows JSON, not the model: it reads a file no larger than a
 * bound, checks the nesting and that the text is one document, and reads
 * typed members within ranges. Every failure is a HEALER_MODEL_ERROR that
 * names the file and the member's path ("model.json: member "a.b[3]": …").
 * What the members mean, and how they relate, is healer-model-load.c's.
 * @parent, @key and @index locate a member: @parent may be NULL (the top
 * object), @index is -1 for the member itself rather than an entry of it. */
typedef struct
{
  const char *name;     /* file name for messages */
  GError    **error;
} HealerReader;

/* Always FALSE, so that a reader can `return healer_reader_fail (…)`. */
gboolean    healer_reader_fail       (HealerReader  *r,
                                      int            code,
                                      const char    *parent,
                                      const char    *key,
                                      gssize         index,
                                      const char    *format,
                                      ...) G_GNUC_PRINTF (6, 7);
gboolean    healer_reader_wrong_type (HealerReader  *r,
                                      const char    *parent,
                                      const char    *key,
                                      gssize         index,
                                      const char    *expected,
                                      JsonNode      *found);
gboolean    healer_node_is_type      (JsonNode      *node,
                                      GType          type);
/* The member, or NULL after failing with "required, but missing". */
JsonNode   *healer_reader_member     (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key);

/* Required members of one type; FALSE with the error set otherwise. */
gboolean    healer_read_object       (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key,
                                      JsonObject   **out);
gboolean    healer_read_array        (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key,
                                      guint          min_len,
                                      guint          max_len,
                                      JsonArray    **out);
/* Strings are at most HEALER_MODEL_MAX_STRING bytes. */
gboolean    healer_check_string      (HealerReader  *r,
                                      JsonNode      *node,
                                      const char    *parent,
                                      const char    *key,
                                      gssize         index,
                                      const char   **out);
gboolean    healer_read_string       (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key,
                                      const char   **out);
gboolean    healer_read_bool         (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key,
                                      gboolean      *out);
gboolean    healer_check_int         (HealerReader  *r,
                                      JsonNode      *node,
                                      const char    *parent,
                                      const char    *key,
                                      gssize         index,
                                      gint64         min,
                                      gint64         max,
                                      gint64        *out);
gboolean    healer_read_uint         (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key,
                                      guint          max,
                                      guint         *out);
/* 0 to HEALER_JSON_MAX_SAFE_INT. */
gboolean    healer_read_count        (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key,
                                      gsize         *out);
/* @allow_null: null stands for NAN (a metric that was not computed). */
gboolean    healer_read_double       (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key,
                                      gboolean       allow_null,
                                      double         min,
                                      double         max,
                                      double        *out);
/* The nick of one of the values of the GEnum @type, spelt exactly;
 * "unknown value" otherwise. */
gboolean    healer_read_enum         (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key,
                                      GType          type,
                                      int           *out);
/* Exactly @n finite float32 values, base64 of little-endian bytes. */
gboolean    healer_read_floats       (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key,
                                      gsize          n,
                                      float        **out);
/* Distinct indices below @bound. */
gboolean    healer_read_indices      (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key,
                                      guint          bound,
                                      guint        **out,
                                      guint         *n_out);
/* @n: expected length, or -1 for any up to HEALER_MODEL_MAX_EPOCHS. With
 * @allow_null, null entries are NAN (a value not measured); without, every
 * entry must be a finite number, and a null is an error naming the member
 * and its index. */
gboolean    healer_read_doubles      (HealerReader  *r,
                                      JsonObject    *obj,
                                      const char    *parent,
                                      const char    *key,
                                      gssize         n,
                                      gboolean       allow_null,
                                      double         min,
                                      double         max,
                                      double       **out,
                                      guint         *n_out);

/* Parses @data as exactly one JSON object nested at most
 * HEALER_MODEL_MAX_DEPTH deep; the parser owns *@root. */
JsonParser *healer_parse             (HealerReader  *r,
                                      const char    *data,
                                      gsize          len,
                                      JsonObject   **root);
/* The contents of @file, refused when it is a folder, a device or a pipe,
 * or larger than @max_size bytes (checked before and while reading). */
GBytes     *healer_read_bounded      (GFile         *file,
                                      const char    *display,
                                      guint64        max_size,
                                      GError       **error);

G_END_DECLS
