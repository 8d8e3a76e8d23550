/* healer-json.c — JSON writing shared by every file the engine produces
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "healer-json.h"

/* ------------------------------------------------------------------ */
/* Little-endian float32 blocks                                         */

/* The file stores float32 little-endian whatever the host, so a model
 * moves between machines bit for bit. */
void
healer_floats_to_le (const float *v,
                     gsize        n,
                     guint32     *out)
{
  for (gsize i = 0; i < n; i++)
    {
      guint32 u;

      memcpy (&u, &v[i], sizeof u);
      out[i] = GUINT32_TO_LE (u);
    }
}

void
healer_floats_from_le (const guchar *bytes,
                       gsize         n,
                       float        *out)
{
  for (gsize i = 0; i < n; i++)
    {
      guint32 u;

      memcpy (&u, bytes + i * sizeof u, sizeof u);
      u = GUINT32_FROM_LE (u);
      memcpy (&out[i], &u, sizeof u);
    }
}

char *
healer_floats_to_base64 (const float *v,
                         gsize        n)
{
  g_autofree guint32 *le = g_new (guint32, MAX (n, 1));

  healer_floats_to_le (v, n, le);
  return g_base64_encode ((const guchar *) le, n * sizeof (guint32));
}

/* g_base64_decode() skips characters it does not know; a damaged file must
 * be refused instead, and before the decoder allocates. */
gboolean
healer_base64_decoded_size (const char *text,
                            gsize      *size)
{
  gsize len = strlen (text);
  gsize pad = 0;

  if (len % 4 != 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '=')
        {
          if (i + 2 < len)
            return FALSE;
          pad++;
        }
      else if (pad > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        return FALSE;
    }
  *size = len / 4 * 3 - pad;
  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Writing                                                              */

/* Our own serializer: json-glib 1.6 writes 1e+20 as "1e+20.0", which no
 * JSON parser (json-glib included) reads back, and other json-glib versions
 * format numbers differently, which would break byte-identical files. */

static void
healer_json_write_string (GString    *out,
                          const char *s)
{
  g_autofree char *valid = NULL;

  /* A name that is not UTF-8 would make the whole file unreadable. */
  if (!g_utf8_validate (s, -1, NULL))
    s = valid = g_utf8_make_valid (s, -1);
  g_string_append_c (out, '"');
  for (; *s != '\0'; s++)
    {
      guchar c = (guchar) *s;

      switch (c)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (c < 0x20)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

void
healer_format_double_shortest (char   buf[G_ASCII_DTOSTR_BUF_SIZE],
                               double v)
{
  /* The shortest form that reads back to the same double. Rounding a normal
   * double to 15 digits never lengthens a shorter exact form, so the search
   * can start there; subnormals have fewer significant bits ("5e-324" rather
   * than "4.94065645841247e-324") and need the whole range. */
  for (int digits = fabs (v) < DBL_MIN ? 1 : 15; digits <= 17; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, format, v);
      if (g_ascii_strtod (buf, NULL) == v)
        break;
    }
}

static void
healer_json_write_double (GString *out,
                          double   v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (!isfinite (v))
    {
      g_string_append (out, "null");
      return;
    }
  healer_format_double_shortest (buf, v);
  g_string_append (out, buf);
  if (strpbrk (buf, ".eE") == NULL)
    g_string_append (out, ".0");
}

static void
healer_json_write_value (GString  *out,
                         JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
  else if (type == G_TYPE_DOUBLE)
    healer_json_write_double (out, json_node_get_double (node));
  else if (type == G_TYPE_BOOLEAN)
    g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
  else if (type == G_TYPE_STRING)
    healer_json_write_string (out, json_node_get_string (node));
  else
    g_return_if_reached ();
}

static void
healer_json_newline (GString *out,
                     int      indent)
{
  if (indent < 0)
    return;
  g_string_append_c (out, '\n');
  for (int i = 0; i < indent; i++)
    g_string_append (out, "  ");
}

/* @indent < 0 writes compactly; otherwise the nesting level, for people. */
static void
healer_json_write_node (GString  *out,
                        JsonNode *node,
                        int       indent)
{
  int inner = indent < 0 ? -1 : indent + 1;

  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;

        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            healer_json_newline (out, inner);
            healer_json_write_string (out, name);
            g_string_append (out, indent < 0 ? ":" : ": ");
            healer_json_write_node (out, member, inner);
          }
        if (!first)
          healer_json_newline (out, indent);
        g_string_append_c (out, '}');
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append (out, indent < 0 ? "," : ", ");
            healer_json_write_node (out, json_array_get_element (array, i), inner);
          }
        g_string_append_c (out, ']');
        break;
      }
    case JSON_NODE_VALUE:
      healer_json_write_value (out, node);
      break;
    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
healer_json_to_string (JsonNode *node,
                       gboolean  pretty,
                       gsize    *length)
{
  GString *out = g_string_new (NULL);

  healer_json_write_node (out, node, pretty ? 0 : -1);
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

void
healer_json_add_double (JsonBuilder *b,
                        const char  *name,
                        double       v)
{
  if (name != NULL)
    json_builder_set_member_name (b, name);
  if (isfinite (v))
    json_builder_add_double_value (b, v);
  else
    json_builder_add_null_value (b);
}

void
healer_json_add_int (JsonBuilder *b,
                     const char  *name,
                     gint64       v)
{
  if (name != NULL)
    json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, v);
}

void
healer_json_add_string (JsonBuilder *b,
                        const char  *name,
                        const char  *v)
{
  if (name != NULL)
    json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, v != NULL ? v : "");
}

void
healer_json_add_bool (JsonBuilder *b,
                      const char  *name,
                      gboolean     v)
{
  if (name != NULL)
    json_builder_set_member_name (b, name);
  json_builder_add_boolean_value (b, v);
}

void
healer_json_add_floats (JsonBuilder *b,
                        const char  *name,
                        const float *v,
                        gsize        n)
{
  g_autofree char *text = healer_floats_to_base64 (v, n);

  healer_json_add_string (b, name, text);
}

void
healer_json_add_uints (JsonBuilder *b,
                       const char  *name,
                       const guint *v,
                       gsize        n)
{
  if (name != NULL)
    json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (gsize i = 0; i < n; i++)
    json_builder_add_int_value (b, v[i]);
  json_builder_end_array (b);
}

void
healer_json_add_sizes (JsonBuilder *b,
                       const char  *name,
                       const gsize *v,
                       gsize        n)
{
  if (name != NULL)
    json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (gsize i = 0; i < n; i++)
    json_builder_add_int_value (b, (gint64) v[i]);
  json_builder_end_array (b);
}

void
healer_json_add_doubles (JsonBuilder  *b,
                         const char   *name,
                         const double *v,
                         gsize         n)
{
  if (name != NULL)
    json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (gsize i = 0; i < n; i++)
    healer_json_add_double (b, NULL, v[i]);
  json_builder_end_array (b);
}

void
healer_metrics_to_json (const HealerMetrics *m,
                        JsonBuilder         *b)
{
  guint n = m != NULL ? m->n_classes : 0;

  if (m == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  healer_json_add_int (b, "n_classes", m->n_classes);
  healer_json_add_int (b, "n_samples", (gint64) m->n_samples);
  healer_json_add_double (b, "accuracy", m->accuracy);
  healer_json_add_double (b, "macro_precision", m->macro_precision);
  healer_json_add_double (b, "macro_recall", m->macro_recall);
  healer_json_add_double (b, "macro_f1", m->macro_f1);
  healer_json_add_double (b, "weighted_precision", m->weighted_precision);
  healer_json_add_double (b, "weighted_recall", m->weighted_recall);
  healer_json_add_double (b, "weighted_f1", m->weighted_f1);
  healer_json_add_double (b, "log_loss", m->log_loss);
  healer_json_add_doubles (b, "precision", m->precision, n);
  healer_json_add_doubles (b, "recall", m->recall, n);
  healer_json_add_doubles (b, "f1", m->f1, n);
  healer_json_add_sizes (b, "support", m->support, n);
  json_builder_set_member_name (b, "confusion");
  json_builder_begin_array (b);
  for (guint t = 0; t < n; t++)
    {
      json_builder_begin_array (b);
      for (guint p = 0; p < n; p++)
        json_builder_add_int_value (b, (gint64) m->confusion[(gsize) t * n + p]);
      json_builder_end_array (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

void
healer_estimate_to_json (const HealerEstimate *e,
                         JsonBuilder          *b)
{
  if (e == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  healer_json_add_string (b, "method", "cross-fitted");
  healer_json_add_int (b, "folds", e->n_folds);
  healer_json_add_int (b, "rows", (gint64) e->n_rows);
  healer_json_add_double (b, "accuracy", e->accuracy);
  healer_json_add_double (b, "macro_f1", e->macro_f1);
  healer_json_add_doubles (b, "class_f1", e->class_f1, e->n_classes);
  healer_json_add_double (b, "log_loss", e->log_loss);
  healer_json_add_double (b, "calibration_error", e->calibration_error);
  healer_json_add_double (b, "coverage", e->coverage);
  healer_json_add_double (b, "set_coverage", e->set_coverage);
  healer_json_add_double (b, "mean_set_size", e->mean_set_size);
  healer_json_add_double (b, "flagged_share", e->flagged_share);
  healer_json_add_double (b, "errors_flagged", e->errors_flagged);
  json_builder_end_object (b);
}
