/* healer-model-reader.c — the bounded JSON reader under the model loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "healer-enum.h"
#include "healer-json.h"
#include "healer-model-reader.h"
#include "healer-text.h"

static char *
healer_member_path (const char *parent,
                    const char *key,
                    gssize      index)
{
  g_autofree char *base = parent != NULL && key != NULL ? g_strdup_printf ("%s.%s", parent, key)
                          : g_strdup (key != NULL ? key : parent);

  return index < 0 ? g_steal_pointer (&base)
                   : g_strdup_printf ("%s[%" G_GSSIZE_FORMAT "]", base, index);
}

gboolean
healer_reader_fail (HealerReader *r,
                    int           code,
                    const char   *parent,
                    const char   *key,
                    gssize        index,
                    const char   *format,
                    ...)
{
  g_autofree char *path = healer_member_path (parent, key, index);
  g_autofree char *raw = NULL;
  g_autofree char *detail = NULL;
  va_list args;

  va_start (args, format);
  raw = g_strdup_vprintf (format, args);
  va_end (args);
  /* Details quote the file's strings (an unknown value, a feature listed
   * twice): escaped, so none breaks or rewrites the message's line. */
  detail = healer_text_escape (raw, -1, FALSE);

  /* TRANSLATORS: "model.json: member "architecture.sizes": expected …" */
  g_set_error (r->error, HEALER_MODEL_ERROR, code, _("%s: member \"%s\": %s"),
               r->name, path, detail);
  return FALSE;
}

static const char *
healer_describe_node (JsonNode *node)
{
  GType type;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      return _("an object");
    case JSON_NODE_ARRAY:
      return _("an array");
    case JSON_NODE_NULL:
      return _("null");
    case JSON_NODE_VALUE:
    default:
      type = json_node_get_value_type (node);
      if (type == G_TYPE_STRING)
        return _("a string");
      if (type == G_TYPE_BOOLEAN)
        return _("true or false");
      return _("a number");
    }
}

static gboolean
healer_node_is_number (JsonNode *node)
{
  GType type;

  if (!JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_INT64 || type == G_TYPE_DOUBLE;
}

gboolean
healer_node_is_type (JsonNode *node,
                     GType     type)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

JsonNode *
healer_reader_member (HealerReader *r,
                      JsonObject   *obj,
                      const char   *parent,
                      const char   *key)
{
  JsonNode *node = json_object_get_member (obj, key);

  if (node == NULL)
    healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, -1,
                        _("required, but missing"));
  return node;
}

gboolean
healer_reader_wrong_type (HealerReader *r,
                          const char   *parent,
                          const char   *key,
                          gssize        index,
                          const char   *expected,
                          JsonNode     *found)
{
  return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, index,
                             _("expected %s, found %s"), expected, healer_describe_node (found));
}

gboolean
healer_read_object (HealerReader *r,
                    JsonObject   *obj,
                    const char   *parent,
                    const char   *key,
                    JsonObject  **out)
{
  JsonNode *node = healer_reader_member (r, obj, parent, key);

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return healer_reader_wrong_type (r, parent, key, -1, _("an object"), node);
  *out = json_node_get_object (node);
  return TRUE;
}

gboolean
healer_read_array (HealerReader *r,
                   JsonObject   *obj,
                   const char   *parent,
                   const char   *key,
                   guint         min_len,
                   guint         max_len,
                   JsonArray   **out)
{
  JsonNode *node = healer_reader_member (r, obj, parent, key);
  guint len;

  if (node == NULL)
    return FALSE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return healer_reader_wrong_type (r, parent, key, -1, _("an array"), node);
  *out = json_node_get_array (node);
  len = json_array_get_length (*out);
  if (len < min_len || len > max_len)
    {
      if (min_len == max_len)
        return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, -1,
                                   _("expected an array of %u entries, found %u"), min_len, len);
      return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, -1,
                                 _("expected an array of %u to %u entries, found %u"),
                                 min_len, max_len, len);
    }
  return TRUE;
}

gboolean
healer_check_string (HealerReader *r,
                     JsonNode     *node,
                     const char   *parent,
                     const char   *key,
                     gssize        index,
                     const char  **out)
{
  if (!healer_node_is_type (node, G_TYPE_STRING))
    return healer_reader_wrong_type (r, parent, key, index, _("a string"), node);
  *out = json_node_get_string (node);
  if (strlen (*out) > HEALER_MODEL_MAX_STRING)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, index,
                               _("a string longer than %u bytes"), HEALER_MODEL_MAX_STRING);
  return TRUE;
}

gboolean
healer_read_string (HealerReader *r,
                    JsonObject   *obj,
                    const char   *parent,
                    const char   *key,
                    const char  **out)
{
  JsonNode *node = healer_reader_member (r, obj, parent, key);

  return node != NULL && healer_check_string (r, node, parent, key, -1, out);
}

gboolean
healer_read_bool (HealerReader *r,
                  JsonObject   *obj,
                  const char   *parent,
                  const char   *key,
                  gboolean     *out)
{
  JsonNode *node = healer_reader_member (r, obj, parent, key);

  if (node == NULL)
    return FALSE;
  if (!healer_node_is_type (node, G_TYPE_BOOLEAN))
    return healer_reader_wrong_type (r, parent, key, -1, _("true or false"), node);
  *out = json_node_get_boolean (node);
  return TRUE;
}

gboolean
healer_check_int (HealerReader *r,
                  JsonNode     *node,
                  const char   *parent,
                  const char   *key,
                  gssize        index,
                  gint64        min,
                  gint64        max,
                  gint64       *out)
{
  gint64 v;

  if (!healer_node_is_type (node, G_TYPE_INT64))
    return healer_reader_wrong_type (r, parent, key, index, _("an integer"), node);
  v = json_node_get_int (node);
  if (v < min || v > max)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, index,
                               _("expected an integer from %" PRId64 " to %" PRId64
                                 ", found %" PRId64),
                               min, max, v);
  *out = v;
  return TRUE;
}

gboolean
healer_read_uint (HealerReader *r,
                  JsonObject   *obj,
                  const char   *parent,
                  const char   *key,
                  guint         max,
                  guint        *out)
{
  JsonNode *node = healer_reader_member (r, obj, parent, key);
  gint64 v;

  if (node == NULL || !healer_check_int (r, node, parent, key, -1, 0, max, &v))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

gboolean
healer_read_count (HealerReader *r,
                   JsonObject   *obj,
                   const char   *parent,
                   const char   *key,
                   gsize        *out)
{
  JsonNode *node = healer_reader_member (r, obj, parent, key);
  gint64 v;

  if (node == NULL ||
      !healer_check_int (r, node, parent, key, -1, 0, HEALER_JSON_MAX_SAFE_INT, &v))
    return FALSE;
  *out = (gsize) v;
  return TRUE;
}

/* @allow_null: null stands for NAN (a metric that was not computed). */
static gboolean
healer_check_double (HealerReader *r,
                     JsonNode     *node,
                     const char   *parent,
                     const char   *key,
                     gssize        index,
                     gboolean      allow_null,
                     double        min,
                     double        max,
                     double       *out)
{
  double v;

  if (allow_null && JSON_NODE_HOLDS_NULL (node))
    {
      *out = NAN;
      return TRUE;
    }
  if (!healer_node_is_number (node))
    return healer_reader_wrong_type (r, parent, key, index, _("a number"), node);
  v = json_node_get_double (node);
  if (!isfinite (v) || v < min || v > max)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, index,
                               _("expected a number from %g to %g, found %g"), min, max, v);
  *out = v;
  return TRUE;
}

gboolean
healer_read_double (HealerReader *r,
                    JsonObject   *obj,
                    const char   *parent,
                    const char   *key,
                    gboolean      allow_null,
                    double        min,
                    double        max,
                    double       *out)
{
  JsonNode *node = healer_reader_member (r, obj, parent, key);

  return node != NULL &&
         healer_check_double (r, node, parent, key, -1, allow_null, min, max, out);
}

gboolean
healer_read_enum (HealerReader *r,
                  JsonObject   *obj,
                  const char   *parent,
                  const char   *key,
                  GType         type,
                  int          *out)
{
  const char *str;

  if (!healer_read_string (r, obj, parent, key, &str))
    return FALSE;
  if (!healer_enum_from_nick (type, str, FALSE, out))
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, -1,
                               _("unknown value \"%s\""), str);
  return TRUE;
}

/* Exactly @n finite float32 values, base64 of little-endian bytes. */
gboolean
healer_read_floats (HealerReader *r,
                    JsonObject   *obj,
                    const char   *parent,
                    const char   *key,
                    gsize         n,
                    float       **out)
{
  g_autofree guchar *bytes = NULL;
  g_autofree float *v = NULL;
  const char *text;
  JsonNode *node = healer_reader_member (r, obj, parent, key);
  gsize size, decoded;

  if (node == NULL)
    return FALSE;
  if (!healer_node_is_type (node, G_TYPE_STRING))
    return healer_reader_wrong_type (r, parent, key, -1, _("a base64 string"), node);
  text = json_node_get_string (node);
  if (!healer_base64_decoded_size (text, &size))
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, -1,
                               _("not valid base64"));
  if (size != n * sizeof (float))
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, -1,
                               _("expected %zu float32 values (%zu"
                                 " bytes), found %zu bytes"),
                               n, n * sizeof (float), size);

  bytes = g_base64_decode (text, &decoded);
  if (decoded != size)
    return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, -1,
                               _("not valid base64"));
  v = g_new (float, MAX (n, 1));
  healer_floats_from_le (bytes, n, v);
  for (gsize i = 0; i < n; i++)
    if (!isfinite (v[i]))
      return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, -1,
                                 _("element %zu (counting from 0) is not a finite number"), i);
  *out = g_steal_pointer (&v);
  return TRUE;
}

/* Distinct indices below @bound. */
gboolean
healer_read_indices (HealerReader *r,
                     JsonObject   *obj,
                     const char   *parent,
                     const char   *key,
                     guint         bound,
                     guint       **out,
                     guint        *n_out)
{
  g_autofree guint *v = NULL;
  g_autofree gboolean *seen = g_new0 (gboolean, MAX (bound, 1));
  JsonArray *array;
  guint n;

  if (!healer_read_array (r, obj, parent, key, 0, bound, &array))
    return FALSE;
  n = json_array_get_length (array);
  v = g_new (guint, MAX (n, 1));
  for (guint i = 0; i < n; i++)
    {
      gint64 x;

      if (!healer_check_int (r, json_array_get_element (array, i), parent, key, i,
                             0, (gint64) bound - 1, &x))
        return FALSE;
      if (seen[x])
        return healer_reader_fail (r, HEALER_MODEL_ERROR_INVALID, parent, key, i,
                                   _("index %u is repeated"), (guint) x);
      seen[x] = TRUE;
      v[i] = (guint) x;
    }
  *out = g_steal_pointer (&v);
  *n_out = n;
  return TRUE;
}

/* @n: expected length, or -1 for any up to HEALER_MODEL_MAX_EPOCHS. */
gboolean
healer_read_doubles (HealerReader *r,
                     JsonObject   *obj,
                     const char   *parent,
                     const char   *key,
                     gssize        n,
                     gboolean      allow_null,
                     double        min,
                     double        max,
                     double      **out,
                     guint        *n_out)
{
  g_autofree double *v = NULL;
  JsonArray *array;
  guint len;

  if (!healer_read_array (r, obj, parent, key, n < 0 ? 0 : (guint) n,
                          n < 0 ? HEALER_MODEL_MAX_EPOCHS : (guint) n, &array))
    return FALSE;
  len = json_array_get_length (array);
  v = g_new (double, MAX (len, 1));
  for (guint i = 0; i < len; i++)
    if (!healer_check_double (r, json_array_get_element (array, i), parent, key, i,
                              allow_null, min, max, &v[i]))
      return FALSE;
  *out = g_steal_pointer (&v);
  if (n_out != NULL)
    *n_out = len;
  return TRUE;
}

/* 1-based line and byte column of @offset in @data, for messages. */
static void
healer_line_column (const char *data,
                    gsize       offset,
                    gsize      *line,
                    gsize      *column)
{
  gsize line_start = 0;

  *line = 1;
  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      {
        (*line)++;
        line_start = i + 1;
      }
  *column = offset - line_start + 1;
}

static gboolean
healer_is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* json-glib 1.6 reads an integer past 64 bits as -1, so a hand-edited
 * "id": 1000000000000000000000000000000 would be reported as "found -1".
 * Every integer literal (no fraction, no exponent) must fit in 64 bits;
 * the number token starting at *@i is checked and *@i left on its last
 * byte. */
static gboolean
healer_check_number (HealerReader *r,
                     const char   *data,
                     gsize         len,
                     gsize        *i)
{
  gsize start = *i, end = start, digits = 0, first_digit;
  gboolean negative = data[start] == '-';
  gboolean integer = TRUE;

  if (negative)
    end++;
  first_digit = end;
  while (end < len && g_ascii_isdigit (data[end]))
    {
      end++;
      digits++;
    }
  while (end < len && (g_ascii_isdigit (data[end]) || data[end] == '.' || data[end] == 'e' ||
                       data[end] == 'E' || data[end] == '+' || data[end] == '-'))
    {
      integer = FALSE;
      end++;
    }
  *i = end > start ? end - 1 : start;
  if (!integer || digits < 19)
    return TRUE;
  /* 19 digits fit up to 9223372036854775807 (…808 negative). */
  if (digits == 19 &&
      memcmp (data + first_digit, negative ? "9223372036854775808" : "9223372036854775807",
              19) <= 0)
    return TRUE;
  {
    gsize line, column;
    g_autofree char *text = g_strndup (data + start, MIN (end - start, 40));

    healer_line_column (data, start, &line, &column);
    g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_INVALID,
                 _("%s:%zu:%zu: the whole number %s%s does not fit in 64 bits; expected one "
                   "from -9223372036854775808 to 9223372036854775807 (a real number is "
                   "written with a decimal point or an exponent, such as 1e30)"),
                 r->name, line, column, text, end - start > 40 ? "…" : "");
  }
  return FALSE;
}

/* One pass over the bytes before json-glib sees them: bounds the nesting
 * (json-glib recurses), and checks that the document is exactly one object
 * or array: json-glib accepts a second document after the first (“{…} {}”
 * loads) and its message for a missing final bracket points elsewhere. */
static gboolean
healer_check_structure (HealerReader *r,
                        const char   *data,
                        gsize         len)
{
  guint depth = 0;
  gboolean in_string = FALSE;
  gboolean opened = FALSE;
  gsize i = 0, line, column;

  while (i < len && healer_is_json_space (data[i]))
    i++;
  if (i == len)
    return TRUE;   /* empty: the parser's check says so */
  /* A model is one JSON object: text that is no JSON document at all (a
   * CSV file given as the model, a scalar) is no model, not a damaged one.
   * An array is JSON, which the format check names. */
  if (data[i] != '{' && data[i] != '[')
    {
      healer_line_column (data, i, &line, &column);
      g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_PARSE,
                   _("%s:%zu:%zu: not a SystemHealer model: a model file is a JSON object, "
                     "which starts with “{” (is this a data file?)"),
                   r->name, line, column);
      return FALSE;
    }

  for (; i < len; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '-' || g_ascii_isdigit (c))
        {
          if (!healer_check_number (r, data, len, &i))
            return FALSE;
        }
      else if (c == '[' || c == '{')
        {
          opened = TRUE;
          if (++depth > HEALER_MODEL_MAX_DEPTH)
            {
              g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_PARSE,
                           _("%s: not a SystemHealer model: the JSON nests deeper than %u "
                             "levels at byte %zu"),
                           r->name, HEALER_MODEL_MAX_DEPTH, i + 1);
              return FALSE;
            }
        }
      else if ((c == ']' || c == '}') && depth > 0)
        {
          if (--depth == 0 && opened)
            break;
        }
    }

  if (i >= len)
    {
      healer_line_column (data, len, &line, &column);
      g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_PARSE,
                   _("%s:%zu:%zu: the file ends inside the JSON document; expected its "
                     "closing “}” (the model file is damaged or truncated)"),
                   r->name, line, column);
      return FALSE;
    }
  for (i++; i < len && healer_is_json_space (data[i]); i++)
    ;
  if (i < len)
    {
      healer_line_column (data, i, &line, &column);
      g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_PARSE,
                   _("%s:%zu:%zu: unexpected content after the end of the JSON document; "
                     "expected the end of the file (one model per file)"),
                   r->name, line, column);
      return FALSE;
    }
  return TRUE;
}

JsonParser *
healer_parse (HealerReader *r,
              const char   *data,
              gsize         len,
              JsonObject  **root)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *node;

  if (!healer_check_structure (r, data, len))
    return NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) len, &local_error))
    {
      /* json-glib's messages may quote the text they stopped at. */
      g_autofree char *msg = healer_text_escape (local_error->message, -1, FALSE);

      /* json-glib says "<data>:LINE:COLUMN: …"; name the file instead. */
      if (g_str_has_prefix (msg, "<data>:"))
        g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_PARSE,
                     _("%s:%s (the model file is damaged or truncated)"),
                     r->name, msg + strlen ("<data>:"));
      else
        g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_PARSE,
                     _("%s: not valid JSON: %s"), r->name, msg);
      return NULL;
    }
  node = json_parser_get_root (parser);
  if (node == NULL)
    {
      g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_PARSE,
                   _("%s: the file is empty"), r->name);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (r->error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_FORMAT,
                   _("%s is not a SystemHealer model: expected a JSON object, found %s"),
                   r->name, healer_describe_node (node));
      return NULL;
    }
  *root = json_node_get_object (node);
  return g_steal_pointer (&parser);
}

/* Reads at most @max_size bytes: the size is checked before reading and
 * again while reading, in case the file grows in between. */
GBytes *
healer_read_bounded (GFile       *file,
                     const char  *display,
                     guint64      max_size,
                     GError     **error)
{
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GByteArray) buf = NULL;
  g_autoptr(GError) local_error = NULL;
  guchar chunk[65536];

  info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_STANDARD_TYPE,
                            G_FILE_QUERY_INFO_NONE, NULL, &local_error);
  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
    {
      g_set_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_IO,
                   _("Could not open %s: it is a folder, not a model file"), display);
      return NULL;
    }
  /* A device or a pipe has no size to check and may never end. */
  if (info != NULL && g_file_info_get_file_type (info) == G_FILE_TYPE_SPECIAL)
    {
      g_set_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_IO,
                   _("Could not open %s: it is not a regular file"), display);
      return NULL;
    }
  if (info != NULL && (guint64) g_file_info_get_size (info) > max_size)
    {
      g_autofree char *size = g_format_size (g_file_info_get_size (info));
      g_autofree char *max = g_format_size (max_size);

      g_set_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_INVALID,
                   _("%s is %s, larger than the %s a model file may have"), display, size, max);
      return NULL;
    }
  if (info != NULL)
    stream = g_file_read (file, NULL, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_IO,
                   _("Could not open %s: %s"), display, local_error->message);
      return NULL;
    }

  buf = g_byte_array_new ();
  for (;;)
    {
      gssize n = g_input_stream_read (G_INPUT_STREAM (stream), chunk, sizeof chunk, NULL, &local_error);

      if (n < 0)
        {
          g_set_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_IO,
                       _("Could not read %s: %s"), display, local_error->message);
          return NULL;
        }
      if (n == 0)
        break;
      if (buf->len + (guint64) n > max_size)
        {
          g_autofree char *max = g_format_size (max_size);

          g_set_error (error, HEALER_MODEL_ERROR, HEALER_MODEL_ERROR_INVALID,
                       _("%s is larger than the %s a model file may have"), display, max);
          return NULL;
        }
      g_byte_array_append (buf, chunk, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}
