/* test-json.c — tests of the JSON writer, float blocks and metrics export
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <float.h>
#include <math.h>
#include <string.h>

#include "healer-json.h"
#include "healer-trainer.h"

/* ------------------------------------------------------------------ */
/* Helpers                                                              */

static JsonNode *
parse (const char *text,
       gsize       length)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (g_utf8_validate (text, (gssize) length, NULL));
  json_parser_load_from_data (parser, text, (gssize) length, &error);
  g_assert_no_error (error);
  return json_parser_steal_root (parser);
}

/* Serializes @node, checks the reported length, and parses it back. */
static JsonNode *
round_trip (JsonNode  *node,
            gboolean   pretty,
            char     **text_out)
{
  gsize length = 0;
  char *text = healer_json_to_string (node, pretty, &length);
  JsonNode *back;

  g_assert_cmpuint (length, ==, strlen (text));
  back = parse (text, length);
  if (text_out != NULL)
    *text_out = text;
  else
    g_free (text);
  return back;
}

static char *
builder_to_string (JsonBuilder *b,
                   gboolean     pretty)
{
  g_autoptr (JsonNode) root = json_builder_get_root (b);

  return healer_json_to_string (root, pretty, NULL);
}

static gboolean
same_bits (double a,
           double b)
{
  return memcmp (&a, &b, sizeof a) == 0;
}

/* Significant digits of a JSON number's mantissa ("-1.250e+3" → 3). */
static guint
significant_digits (const char *text)
{
  g_autoptr (GString) digits = g_string_new (NULL);
  gsize start = 0;

  for (const char *p = text; *p != '\0' && *p != 'e' && *p != 'E'; p++)
    if (g_ascii_isdigit (*p))
      g_string_append_c (digits, *p);
  while (start < digits->len && digits->str[start] == '0')
    start++;
  while (digits->len > start && digits->str[digits->len - 1] == '0')
    g_string_truncate (digits, digits->len - 1);
  return MAX (digits->len - start, 1);
}

/* @text must be a valid JSON number that reads back to exactly @v and has
 * no more digits than needed: one digit fewer, correctly rounded, must not
 * read back to @v (and then no shorter form can either). */
static void
assert_shortest (double      v,
                 const char *text)
{
  static GRegex *number_re;
  guint k = significant_digits (text);

  if (g_once_init_enter (&number_re))
    g_once_init_leave (&number_re,
                       g_regex_new ("^-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][+-]?[0-9]+)?$",
                                    G_REGEX_OPTIMIZE, 0, NULL));

  if (!g_regex_match (number_re, text, 0, NULL))
    g_error ("'%s' is not a JSON number", text);
  if (!same_bits (g_ascii_strtod (text, NULL), v))
    g_error ("'%s' does not read back as %.17g", text, v);
  if (k > 1)
    {
      char format[16], shorter[G_ASCII_DTOSTR_BUF_SIZE];

      g_snprintf (format, sizeof format, "%%.%ue", k - 2);
      g_ascii_formatd (shorter, sizeof shorter, format, v);
      if (g_ascii_strtod (shorter, NULL) == v)
        g_error ("'%s' for %.17g is not the shortest: '%s' reads back too", text, v, shorter);
    }
}

/* ------------------------------------------------------------------ */
/* Numbers                                                              */

static void
test_doubles_exact_text (void)
{
  static const struct { double v; const char *text; } cases[] = {
    { 0.1, "0.1" },
    { 1e-5, "1e-05" },
    { 1e20, "1e+20" },
    { 1e-300, "1e-300" },
    { 123456789.0, "123456789.0" },
    { -0.0, "-0.0" },
    { 0.0, "0.0" },
    { 1.0, "1.0" },
    { -2.5, "-2.5" },
    { 0.1 + 0.2, "0.30000000000000004" },
    { 1.0 / 3.0, "0.3333333333333333" },
    { DBL_MAX, "1.7976931348623157e+308" },
    { DBL_MIN, "2.2250738585072014e-308" },
    { 1.0 + DBL_EPSILON, "1.0000000000000002" },
    { 9007199254740993.0, "9007199254740992.0" },   /* 2^53 + 1 rounds to 2^53 */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (JsonNode) node = json_node_init_double (json_node_alloc (), cases[i].v);
      g_autofree char *text = healer_json_to_string (node, FALSE, NULL);

      g_assert_cmpstr (text, ==, cases[i].text);
      assert_shortest (cases[i].v, text);
    }
}

/* Subnormal doubles: "4.94065645841247e-324" reads back, but "5e-324" is
 * the shortest form the header promises. */
static void
test_doubles_subnormal (void)
{
  const double values[] = { 5e-324, 1e-320, -2.5e-310, DBL_MIN / 3 };

  for (gsize i = 0; i < G_N_ELEMENTS (values); i++)
    {
      g_autoptr (JsonNode) node = json_node_init_double (json_node_alloc (), values[i]);
      g_autofree char *text = healer_json_to_string (node, FALSE, NULL);

      assert_shortest (values[i], text);
    }
}

static void
add_random_doubles (GArray *values)
{
  HealerRng rng;

  healer_rng_init (&rng, 2024);
  /* Arbitrary bit patterns: most need 16 or 17 digits. */
  while (values->len < 20000)
    {
      guint64 bits = healer_rng_next (&rng);
      double v;

      memcpy (&v, &bits, sizeof v);
      if (isfinite (v))
        g_array_append_val (values, v);
    }
  /* Typical metric values: short decimals and ratios. */
  for (guint i = 0; i < 2000; i++)
    {
      double v = (double) healer_rng_below (&rng, 100000) / 1000.0;
      double w = healer_rng_uniform (&rng);

      g_array_append_val (values, v);
      g_array_append_val (values, w);
    }
}

/* Every value survives JsonParser bit for bit, in compact and pretty form. */
static void
test_doubles_round_trip (void)
{
  g_autoptr (GArray) values = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  const double specials[] = {
    0.1, 1e-5, 1e20, 1e-300, 123456789.0, -0.0, 0.0, 0.30000000000000004,
    1.2345678901234567, 9.8765432109876543e-100, DBL_MAX, -DBL_MAX, DBL_MIN,
    5e-324, 1e22, 1e23, 4.35, 2.0 / 3.0, 1e15, 1e16, 1e17, 123456789012345680.0,
  };

  g_array_append_vals (values, specials, G_N_ELEMENTS (specials));
  add_random_doubles (values);

  json_builder_begin_array (b);
  for (guint i = 0; i < values->len; i++)
    healer_json_add_double (b, NULL, g_array_index (values, double, i));
  json_builder_end_array (b);
  root = json_builder_get_root (b);

  for (int pretty = 0; pretty <= 1; pretty++)
    {
      g_autoptr (JsonNode) back = round_trip (root, pretty, NULL);
      JsonArray *array = json_node_get_array (back);

      g_assert_cmpuint (json_array_get_length (array), ==, values->len);
      for (guint i = 0; i < values->len; i++)
        {
          double v = g_array_index (values, double, i);
          JsonNode *e = json_array_get_element (array, i);

          g_assert_cmpint (json_node_get_value_type (e), ==, G_TYPE_DOUBLE);
          if (!same_bits (json_node_get_double (e), v))
            g_error ("element %u: %.17g read back as %.17g", i, v, json_node_get_double (e));
        }
    }

  for (guint i = 0; i < values->len; i++)
    {
      double v = g_array_index (values, double, i);
      g_autoptr (JsonNode) node = json_node_init_double (json_node_alloc (), v);
      g_autofree char *text = healer_json_to_string (node, FALSE, NULL);

      /* Subnormals have their own test; keep this one about normal values. */
      if (v == 0 || fabs (v) >= DBL_MIN)
        assert_shortest (v, text);
    }
}

static void
test_non_finite (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  g_autoptr (JsonNode) nan_node = json_node_init_double (json_node_alloc (), NAN);
  g_autofree char *nan_text = NULL;
  const double v[] = { 1.5, NAN, INFINITY };

  json_builder_begin_object (b);
  healer_json_add_double (b, "nan", NAN);
  healer_json_add_double (b, "neg_nan", -NAN);
  healer_json_add_double (b, "inf", INFINITY);
  healer_json_add_double (b, "ninf", -INFINITY);
  healer_json_add_doubles (b, "list", v, G_N_ELEMENTS (v));
  json_builder_end_object (b);
  text = builder_to_string (b, FALSE);
  g_assert_cmpstr (text, ==,
                   "{\"nan\":null,\"neg_nan\":null,\"inf\":null,\"ninf\":null,"
                   "\"list\":[1.5,null,null]}");

  /* A double node set directly (not through the builder helper) too. */
  nan_text = healer_json_to_string (nan_node, FALSE, NULL);
  g_assert_cmpstr (nan_text, ==, "null");
}

static void
test_integers (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) back = NULL;
  g_autofree char *text = NULL;
  const guint uints[] = { 0, 7, G_MAXUINT };
  const gsize sizes[] = { 0, 1, (gsize) G_MAXINT64 };
  JsonArray *array;

  json_builder_begin_array (b);
  healer_json_add_int (b, NULL, 0);
  healer_json_add_int (b, NULL, -1);
  healer_json_add_int (b, NULL, 42);
  healer_json_add_int (b, NULL, G_MAXINT64);
  healer_json_add_int (b, NULL, G_MININT64);
  healer_json_add_uints (b, NULL, uints, G_N_ELEMENTS (uints));
  healer_json_add_sizes (b, NULL, sizes, G_N_ELEMENTS (sizes));
  healer_json_add_uints (b, NULL, NULL, 0);
  json_builder_end_array (b);
  root = json_builder_get_root (b);

  back = round_trip (root, FALSE, &text);
  g_assert_cmpstr (text, ==,
                   "[0,-1,42,9223372036854775807,-9223372036854775808,"
                   "[0,7,4294967295],[0,1,9223372036854775807],[]]");

  array = json_node_get_array (back);
  g_assert_cmpint (json_node_get_value_type (json_array_get_element (array, 3)), ==, G_TYPE_INT64);
  g_assert_cmpint (json_array_get_int_element (array, 3), ==, G_MAXINT64);
  g_assert_cmpint (json_array_get_int_element (array, 4), ==, G_MININT64);
}

/* ------------------------------------------------------------------ */
/* Strings, order, layout                                               */

static void
test_strings (void)
{
  static const char *const valid[] = {
    "",
    "plain",
    "quote \" and backslash \\ and slash /",
    "\n\r\t\b\f\x01\x1f\x7f",
    "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 \xe2\x80\xa8",
    "\\u0041 is not an escape here",
  };
  static const char *const invalid[] = {
    "bad \xff byte",
    "truncated \xc3",
    "overlong \xc0\xaf",
    "surrogate \xed\xa0\x80 half",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (valid) + G_N_ELEMENTS (invalid); i++)
    {
      const char *s = i < G_N_ELEMENTS (valid) ? valid[i] : invalid[i - G_N_ELEMENTS (valid)];
      g_autofree char *expected = g_utf8_make_valid (s, -1);
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autoptr (JsonNode) back = NULL;
      g_autofree char *text = NULL;
      JsonObject *object;
      GList *names;

      /* The same text as a member name and as a value. */
      json_builder_begin_object (b);
      healer_json_add_string (b, s, s);
      json_builder_end_object (b);
      root = json_builder_get_root (b);

      back = round_trip (root, FALSE, &text);
      g_test_message ("%s", text);
      for (const char *p = text; *p != '\0'; p++)
        g_assert_cmpint ((guchar) *p, >=, 0x20);
      object = json_node_get_object (back);
      names = json_object_get_members (object);
      g_assert_cmpuint (g_list_length (names), ==, 1);
      g_assert_cmpstr (names->data, ==, expected);
      g_assert_cmpstr (json_object_get_string_member (object, expected), ==, expected);
      g_list_free (names);
    }
}

static void
test_string_escapes (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;

  json_builder_begin_array (b);
  healer_json_add_string (b, NULL, "a\"b\\c\nd\te\r\x01\x1f");
  healer_json_add_string (b, NULL, NULL);   /* NULL is written as "" */
  healer_json_add_bool (b, NULL, TRUE);
  healer_json_add_bool (b, NULL, FALSE);
  json_builder_add_null_value (b);
  json_builder_end_array (b);
  text = builder_to_string (b, FALSE);
  g_assert_cmpstr (text, ==,
                   "[\"a\\\"b\\\\c\\nd\\te\\r\\u0001\\u001f\",\"\",true,false,null]");
}

static void
test_key_order (void)
{
  static const char *const keys[] = { "zeta", "alpha", "mid", "Beta", "a1", "_", "a" };
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) back = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;

  json_builder_begin_object (b);
  for (gsize i = 0; i < G_N_ELEMENTS (keys); i++)
    healer_json_add_int (b, keys[i], (gint64) i);
  json_builder_end_object (b);
  root = json_builder_get_root (b);

  back = round_trip (root, FALSE, &text);
  g_assert_cmpstr (text, ==,
                   "{\"zeta\":0,\"alpha\":1,\"mid\":2,\"Beta\":3,\"a1\":4,\"_\":5,\"a\":6}");
  /* Parsed back and written again: still the same order. */
  again = healer_json_to_string (back, FALSE, NULL);
  g_assert_cmpstr (again, ==, text);
}

static JsonNode *
build_tree (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  const double doubles[] = { 0.5, -1e-7, 3.0 };

  json_builder_begin_object (b);
  healer_json_add_string (b, "name", "tree \"one\"");
  healer_json_add_int (b, "count", 3);
  healer_json_add_double (b, "ratio", 0.30000000000000004);
  healer_json_add_bool (b, "ok", TRUE);
  json_builder_set_member_name (b, "nothing");
  json_builder_add_null_value (b);
  json_builder_set_member_name (b, "empty_object");
  json_builder_begin_object (b);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "empty_array");
  json_builder_begin_array (b);
  json_builder_end_array (b);
  json_builder_set_member_name (b, "nested");
  json_builder_begin_object (b);
  healer_json_add_doubles (b, "doubles", doubles, G_N_ELEMENTS (doubles));
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (int i = 0; i < 2; i++)
    {
      json_builder_begin_object (b);
      healer_json_add_int (b, "i", i);
      json_builder_set_member_name (b, "deeper");
      json_builder_begin_array (b);
      json_builder_begin_array (b);
      json_builder_end_array (b);
      json_builder_begin_object (b);
      json_builder_end_object (b);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  return json_builder_get_root (b);
}

static void
test_pretty (void)
{
  g_autoptr (JsonNode) root = build_tree ();
  g_autofree char *compact = NULL;
  g_autofree char *pretty = NULL;
  g_autofree char *compact_again = NULL;
  g_autoptr (JsonNode) from_compact = round_trip (root, FALSE, &compact);
  g_autoptr (JsonNode) from_pretty = round_trip (root, TRUE, &pretty);

  g_test_message ("%s", pretty);
  g_assert_cmpstr (compact, ==,
                   "{\"name\":\"tree \\\"one\\\"\",\"count\":3,\"ratio\":0.30000000000000004,"
                   "\"ok\":true,\"nothing\":null,\"empty_object\":{},\"empty_array\":[],"
                   "\"nested\":{\"doubles\":[0.5,-1e-07,3.0],"
                   "\"rows\":[{\"i\":0,\"deeper\":[[],{}]},{\"i\":1,\"deeper\":[[],{}]}]}}");
  g_assert_cmpstr (pretty, !=, compact);
  g_assert_nonnull (strchr (pretty, '\n'));
  g_assert_true (json_node_equal (from_compact, from_pretty));
  /* json_node_equal() ignores member order; the writer must not. */
  compact_again = healer_json_to_string (from_pretty, FALSE, NULL);
  g_assert_cmpstr (compact_again, ==, compact);
}

static void
test_pretty_layout (void)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autofree char *text = NULL;
  const guint v[] = { 1, 2 };

  json_builder_begin_object (b);
  healer_json_add_uints (b, "a", v, G_N_ELEMENTS (v));
  json_builder_set_member_name (b, "b");
  json_builder_begin_object (b);
  healer_json_add_bool (b, "c", FALSE);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "d");
  json_builder_begin_object (b);
  json_builder_end_object (b);
  json_builder_end_object (b);
  text = builder_to_string (b, TRUE);
  g_assert_cmpstr (text, ==,
                   "{\n"
                   "  \"a\": [1, 2],\n"
                   "  \"b\": {\n"
                   "    \"c\": false\n"
                   "  },\n"
                   "  \"d\": {}\n"
                   "}");
}

static void
test_empty_containers (void)
{
  g_autoptr (JsonObject) empty_object = json_object_new ();
  g_autoptr (JsonArray) empty_array = json_array_new ();
  g_autoptr (JsonNode) obj = json_node_init_object (json_node_alloc (), empty_object);
  g_autoptr (JsonNode) arr = json_node_init_array (json_node_alloc (), empty_array);
  g_autoptr (JsonNode) null = json_node_init_null (json_node_alloc ());

  for (int pretty = 0; pretty <= 1; pretty++)
    {
      g_autofree char *o = healer_json_to_string (obj, pretty, NULL);
      g_autofree char *a = healer_json_to_string (arr, pretty, NULL);
      g_autofree char *n = healer_json_to_string (null, pretty, NULL);

      g_assert_cmpstr (o, ==, "{}");
      g_assert_cmpstr (a, ==, "[]");
      g_assert_cmpstr (n, ==, "null");
    }
}

/* ------------------------------------------------------------------ */
/* Float blocks                                                         */

static float
float_from_bits (guint32 bits)
{
  float f;

  memcpy (&f, &bits, sizeof f);
  return f;
}

/* Decodes @text as the loader does: size check first, then decode. */
static float *
decode_floats (const char *text,
               gsize       n)
{
  g_autofree guchar *bytes = NULL;
  gsize size = G_MAXSIZE, decoded_len = 0;
  float *out;

  g_assert_true (healer_base64_decoded_size (text, &size));
  g_assert_cmpuint (size, ==, n * sizeof (float));
  bytes = g_base64_decode (text, &decoded_len);
  g_assert_cmpuint (decoded_len, ==, size);
  out = g_new0 (float, MAX (n, 1));
  healer_floats_from_le (bytes, n, out);
  return out;
}

static void
test_floats_round_trip (void)
{
  static const guint32 special_bits[] = {
    0x00000000, 0x80000000,                 /* ±0 */
    0x3f800000, 0xbfc00000,                 /* 1, -1.5 */
    0x00000001, 0x80000001, 0x007fffff,     /* subnormals */
    0x00800000, 0x7f7fffff,                 /* FLT_MIN, FLT_MAX */
    0x7f800000, 0xff800000,                 /* ±inf */
    0x7fc00000, 0xffc00000, 0x7fc12345,     /* quiet NaNs, with payload */
    0x7f800001, 0x7fbfffff, 0xff812345,     /* signalling NaNs */
  };
  const gsize n_random = 4096;
  const gsize n = G_N_ELEMENTS (special_bits) + n_random;
  g_autofree float *v = g_new (float, n);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) back = NULL;
  g_autofree float *decoded = NULL;
  g_autofree guint32 *le = g_new (guint32, n);
  HealerRng rng;

  for (gsize i = 0; i < G_N_ELEMENTS (special_bits); i++)
    v[i] = float_from_bits (special_bits[i]);
  healer_rng_init (&rng, 77);
  for (gsize i = G_N_ELEMENTS (special_bits); i < n; i++)
    {
      guint32 bits = (guint32) (healer_rng_next (&rng) >> 32);

      memcpy (&v[i], &bits, sizeof bits);
    }

  json_builder_begin_object (b);
  healer_json_add_floats (b, "w", v, n);
  healer_json_add_floats (b, "none", v, 0);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  back = round_trip (root, TRUE, NULL);

  decoded = decode_floats (json_object_get_string_member (json_node_get_object (back), "w"), n);
  g_assert_cmpmem (decoded, n * sizeof (float), v, n * sizeof (float));
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (back), "none"), ==, "");
  g_free (decode_floats ("", 0));

  /* The byte order in the file is little-endian whatever the host. */
  healer_floats_to_le (v, n, le);
  g_assert_cmphex (((const guchar *) le)[0], ==, 0x00);
  g_assert_cmphex (((const guchar *) le)[11], ==, 0x3f);
  g_assert_cmphex (((const guchar *) le)[10], ==, 0x80);
}

static void
test_floats_known_encoding (void)
{
  const float v[] = { 1.0f, -2.0f };
  g_autofree char *one = healer_floats_to_base64 (v, 1);
  g_autofree char *two = healer_floats_to_base64 (v, 2);

  /* 1.0f = 0x3f800000 → bytes 00 00 80 3f; -2.0f = 0xc0000000 → 00 00 00 c0. */
  g_assert_cmpstr (one, ==, "AACAPw==");
  g_assert_cmpstr (two, ==, "AACAPwAAAMA=");
}

static void
test_base64_size (void)
{
  static const struct { const char *text; gsize size; } good[] = {
    { "", 0 }, { "AAAA", 3 }, { "AAA=", 2 }, { "AA==", 1 }, { "AACAPw==", 4 },
    { "+/+/", 3 }, { "azAZ09+/azAZ09+/", 12 },
  };
  static const char *const bad[] = {
    "A", "AA", "AAA", "AAAAA",             /* length not a multiple of 4 */
    "AA=A", "A=AA", "=AAA", "A===", "====",  /* '=' in the middle / too much padding */
    "AA==AAAA", "AAA=AAAA", "AAAA=AAA",
    "AA A", "AA\nA", "AAA!", "AA-_",        /* characters outside the alphabet */
    "AA\xc3\xa9", "AAA\x7f",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gsize size = G_MAXSIZE;

      if (!healer_base64_decoded_size (good[i].text, &size))
        g_error ("'%s' refused", good[i].text);
      g_assert_cmpuint (size, ==, good[i].size);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      gsize size = 12345;

      if (healer_base64_decoded_size (bad[i], &size))
        g_error ("'%s' accepted", bad[i]);
      g_assert_cmpuint (size, ==, 12345);
    }
}

/* ------------------------------------------------------------------ */
/* Metrics                                                              */

static void
assert_doubles_member (JsonObject   *o,
                       const char   *name,
                       const double *expected,
                       guint         n)
{
  JsonArray *a = json_object_get_array_member (o, name);

  g_assert_nonnull (a);
  g_assert_cmpuint (json_array_get_length (a), ==, n);
  for (guint i = 0; i < n; i++)
    g_assert_true (same_bits (json_array_get_double_element (a, i), expected[i]));
}

static void
test_metrics (void)
{
  static const char *const members[] = {
    "n_classes", "n_samples", "accuracy", "macro_precision", "macro_recall", "macro_f1",
    "weighted_precision", "weighted_recall", "weighted_f1", "log_loss",
    "precision", "recall", "f1", "support", "confusion",
  };
  const guint y_true[10] = { 0, 0, 0, 0, 1, 1, 1, 2, 2, 2 };
  const guint y_pred[10] = { 0, 0, 1, 2, 1, 1, 0, 2, 2, 1 };
  g_autoptr (HealerMetrics) m = healer_metrics_compute (y_true, y_pred, NULL, 10, 3);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) back = NULL;
  g_autofree char *text = NULL;
  JsonObject *top, *o;
  JsonArray *confusion;
  GList *names;
  guint i = 0;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "metrics");
  healer_metrics_to_json (m, b);
  json_builder_set_member_name (b, "none");
  healer_metrics_to_json (NULL, b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  back = round_trip (root, TRUE, &text);
  g_test_message ("%s", text);

  top = json_node_get_object (back);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (top, "none")));
  o = json_object_get_object_member (top, "metrics");
  g_assert_nonnull (o);

  names = json_object_get_members (o);
  g_assert_cmpuint (g_list_length (names), ==, G_N_ELEMENTS (members));
  for (GList *l = names; l != NULL; l = l->next, i++)
    g_assert_cmpstr (l->data, ==, members[i]);
  g_list_free (names);

  g_assert_cmpint (json_object_get_int_member (o, "n_classes"), ==, 3);
  g_assert_cmpint (json_object_get_int_member (o, "n_samples"), ==, 10);
  g_assert_true (same_bits (json_object_get_double_member (o, "accuracy"), m->accuracy));
  g_assert_cmpfloat (json_object_get_double_member (o, "accuracy"), ==, 0.6);
  g_assert_true (same_bits (json_object_get_double_member (o, "macro_f1"), m->macro_f1));
  g_assert_true (same_bits (json_object_get_double_member (o, "weighted_precision"),
                            m->weighted_precision));
  /* No probabilities: log_loss is NaN, written as null. */
  g_assert_true (json_object_get_null_member (o, "log_loss"));
  assert_doubles_member (o, "precision", m->precision, 3);
  assert_doubles_member (o, "recall", m->recall, 3);
  assert_doubles_member (o, "f1", m->f1, 3);

  {
    JsonArray *support = json_object_get_array_member (o, "support");
    const gint64 expected[3] = { 4, 3, 3 };

    g_assert_cmpuint (json_array_get_length (support), ==, 3);
    for (guint k = 0; k < 3; k++)
      g_assert_cmpint (json_array_get_int_element (support, k), ==, expected[k]);
  }

  confusion = json_object_get_array_member (o, "confusion");
  g_assert_cmpuint (json_array_get_length (confusion), ==, 3);
  for (guint t = 0; t < 3; t++)
    {
      JsonArray *row = json_array_get_array_element (confusion, t);

      g_assert_cmpuint (json_array_get_length (row), ==, 3);
      for (guint p = 0; p < 3; p++)
        g_assert_cmpint (json_array_get_int_element (row, p), ==,
                         (gint64) m->confusion[t * 3 + p]);
    }
}

static void
test_metrics_log_loss (void)
{
  const guint y[3] = { 0, 1, 1 };
  const float proba[6] = { 0.75f, 0.25f, 0.5f, 0.5f, 0.125f, 0.875f };
  g_autoptr (HealerMetrics) m = healer_metrics_compute (y, y, proba, 3, 2);
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autoptr (JsonNode) back = NULL;

  g_assert_true (isfinite (m->log_loss));
  healer_metrics_to_json (m, b);
  root = json_builder_get_root (b);
  back = round_trip (root, FALSE, NULL);
  g_assert_true (same_bits (json_object_get_double_member (json_node_get_object (back),
                                                           "log_loss"),
                            m->log_loss));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/doubles/exact-text", test_doubles_exact_text);
  g_test_add_func ("/json/doubles/subnormal", test_doubles_subnormal);
  g_test_add_func ("/json/doubles/round-trip", test_doubles_round_trip);
  g_test_add_func ("/json/doubles/non-finite", test_non_finite);
  g_test_add_func ("/json/integers", test_integers);
  g_test_add_func ("/json/strings/round-trip", test_strings);
  g_test_add_func ("/json/strings/escapes", test_string_escapes);
  g_test_add_func ("/json/key-order", test_key_order);
  g_test_add_func ("/json/pretty", test_pretty);
  g_test_add_func ("/json/pretty-layout", test_pretty_layout);
  g_test_add_func ("/json/empty-containers", test_empty_containers);
  g_test_add_func ("/json/floats/round-trip", test_floats_round_trip);
  g_test_add_func ("/json/floats/known-encoding", test_floats_known_encoding);
  g_test_add_func ("/json/base64-size", test_base64_size);
  g_test_add_func ("/json/metrics", test_metrics);
  g_test_add_func ("/json/metrics/log-loss", test_metrics_log_loss);

  return g_test_run ();
}
