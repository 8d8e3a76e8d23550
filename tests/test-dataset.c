/* test-dataset.c — CSV reading, writing and table operations
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

#include "healer-dataset.h"
#include "healer-trainer.h"

/* ------------------------------------------------------------------------ */
/* Helpers                                                                   */

static char *
data_file (const char *kind,
           const char *name)
{
  return g_test_build_filename (G_TEST_DIST, "data", kind, name, NULL);
}

static char *
shared_file (const char *name)
{
  const char *dir = g_getenv ("HEALER_SHARED_DATA");
  char *path;

  if (dir == NULL)
    return NULL;
  path = g_build_filename (dir, name, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_free (path);
      return NULL;
    }
  return path;
}

static HealerDataset *
load_good (const char *name)
{
  g_autofree char *path = data_file ("good", name);
  g_autoptr(GError) error = NULL;
  HealerDataset *ds = healer_dataset_load (path, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (ds);
  return ds;
}

static void
check_error (const GError *error,
             int           code,
             const char   *where,
             const char   *phrase)
{
  g_assert_nonnull (error);
  g_test_message ("%s", error->message);
  if (!g_error_matches (error, HEALER_DATASET_ERROR, code))
    g_error ("expected dataset error %d, got %s %d: %s", code,
             g_quark_to_string (error->domain), error->code, error->message);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  if (!g_str_has_prefix (error->message, where))
    g_error ("“%s” does not start with “%s”", error->message, where);
  if (strstr (error->message, phrase) == NULL)
    g_error ("“%s” does not contain “%s”", error->message, phrase);
}

static void
check_data_error (const char *data,
                  gsize       len,
                  int         code,
                  const char *where,
                  const char *phrase)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerDataset) ds = healer_dataset_load_from_data ("gen.csv", data, len, &error);

  g_assert_null (ds);
  check_error (error, code, where, phrase);
}

static void
assert_float_eq (float a,
                 float b)
{
  if (isnan (a) && isnan (b))
    return;
  if (memcmp (&a, &b, sizeof a) != 0)
    g_error ("%.9g (0x%08x) != %.9g", a, *(guint32 *) &a, b);
}

static void
assert_tables_equal (const HealerDataset *a,
                     const HealerDataset *b)
{
  g_assert_cmpuint (a->n_rows, ==, b->n_rows);
  g_assert_cmpuint (a->n_features, ==, b->n_features);
  for (guint j = 0; j < a->n_features; j++)
    g_assert_cmpstr (a->feature_names[j], ==, b->feature_names[j]);
  g_assert_null (a->feature_names[a->n_features]);
  g_assert_true ((a->labels == NULL) == (b->labels == NULL));
  g_assert_true ((a->sample_ids == NULL) == (b->sample_ids == NULL));
  for (gsize i = 0; i < a->n_rows; i++)
    {
      for (guint j = 0; j < a->n_features; j++)
        assert_float_eq (healer_dataset_row (a, i)[j], healer_dataset_row (b, i)[j]);
      if (a->labels != NULL)
        g_assert_cmpint (a->labels[i], ==, b->labels[i]);
      if (a->sample_ids != NULL)
        g_assert_cmpstr (a->sample_ids[i], ==, b->sample_ids[i]);
    }
}

/* ------------------------------------------------------------------------ */
/* Well-formed files                                                         */

static void
test_good_basic (void)
{
  g_autoptr(HealerDataset) ds = load_good ("basic.csv");
  g_autofree char *path = data_file ("good", "basic.csv");

  g_assert_cmpstr (healer_dataset_get_source_name (ds), ==, path);
  g_assert_cmpuint (ds->n_rows, ==, 3);
  g_assert_cmpuint (ds->n_features, ==, 2);
  g_assert_cmpstr (ds->feature_names[0], ==, "f1");
  g_assert_cmpstr (ds->feature_names[1], ==, "f2");
  g_assert_true (healer_dataset_has_labels (ds));
  g_assert_cmpint (ds->labels[0], ==, 0);
  g_assert_cmpint (ds->labels[1], ==, 1);
  g_assert_cmpint (ds->labels[2], ==, 5);
  g_assert_cmpstr (ds->sample_ids[0], ==, "a");
  g_assert_cmpstr (ds->sample_ids[2], ==, "c");
  assert_float_eq (healer_dataset_row (ds, 0)[0], 1.5f);
  assert_float_eq (healer_dataset_row (ds, 0)[1], -2.0f);
  assert_float_eq (healer_dataset_row (ds, 1)[1], 400.0f);
  assert_float_eq (healer_dataset_row (ds, 2)[0], 0.000123f);
  assert_float_eq (healer_dataset_row (ds, 2)[1], -0.0f);
  g_assert_cmpuint (ds->first_line, ==, 2);
  g_assert_cmpuint (healer_dataset_count_missing (ds), ==, 0);
  g_assert_cmpint (healer_dataset_find_feature (ds, "f2"), ==, 1);
  g_assert_cmpint (healer_dataset_find_feature (ds, "label"), ==, -1);
}

static void
test_good_bom_crlf (void)
{
  g_autoptr(HealerDataset) ds = load_good ("bom_crlf.csv");

  g_assert_cmpuint (ds->n_rows, ==, 2);
  g_assert_cmpstr (ds->sample_ids[0], ==, "x");
  g_assert_cmpstr (ds->sample_ids[1], ==, "y");
  g_assert_cmpint (ds->labels[0], ==, 3);
  assert_float_eq (healer_dataset_row (ds, 1)[1], 5.0f);
}

static void
test_good_quoted (void)
{
  g_autoptr(HealerDataset) ds = load_good ("quoted.csv");

  g_assert_cmpuint (ds->n_rows, ==, 2);
  g_assert_cmpstr (ds->feature_names[0], ==, "feature \"one\"");
  g_assert_cmpstr (ds->feature_names[1], ==, "f,2");
  g_assert_cmpstr (ds->sample_ids[0], ==, "id, with comma");
  g_assert_cmpstr (ds->sample_ids[1], ==, "multi\nline id");
  assert_float_eq (healer_dataset_row (ds, 0)[1], 2.5f);
  assert_float_eq (healer_dataset_row (ds, 1)[0], 3.0f);
  assert_float_eq (healer_dataset_row (ds, 1)[1], -4.0f);
  g_assert_cmpint (ds->labels[1], ==, 2);
}

static void
test_good_spaces (void)
{
  g_autoptr(HealerDataset) ds = load_good ("spaces.csv");

  g_assert_cmpuint (ds->n_rows, ==, 2);
  g_assert_cmpstr (ds->feature_names[0], ==, "f1");
  g_assert_nonnull (ds->labels);
  g_assert_cmpstr (ds->sample_ids[0], ==, "s1");
  assert_float_eq (healer_dataset_row (ds, 0)[0], 1.25f);
  assert_float_eq (healer_dataset_row (ds, 0)[1], -3.0f);
  assert_float_eq (healer_dataset_row (ds, 1)[0], 0.7f);
  assert_float_eq (healer_dataset_row (ds, 1)[1], 8.0f);
  g_assert_cmpint (ds->labels[0], ==, 4);
  g_assert_cmpint (ds->labels[1], ==, 0);
}

static void
test_good_missing (void)
{
  g_autoptr(HealerDataset) ds = load_good ("missing.csv");

  g_assert_cmpuint (ds->n_features, ==, 9);
  for (guint j = 0; j < 9; j++)
    {
      g_assert_true (isnan (healer_dataset_row (ds, 0)[j]));
      assert_float_eq (healer_dataset_row (ds, 1)[j], (float) (j + 1));
    }
  g_assert_cmpuint (healer_dataset_count_missing (ds), ==, 9);
  g_assert_null (ds->labels);
  g_assert_false (healer_dataset_has_labels (ds));
}

static void
test_good_features_only (void)
{
  g_autoptr(HealerDataset) ds = load_good ("features_only.csv");

  g_assert_null (ds->labels);
  g_assert_null (ds->sample_ids);
  g_assert_cmpuint (ds->n_features, ==, 3);
  g_assert_cmpstr (ds->feature_names[0], ==, "z");
  g_assert_cmpstr (ds->feature_names[1], ==, "a");
  g_assert_cmpstr (ds->feature_names[2], ==, "m");
  assert_float_eq (healer_dataset_row (ds, 1)[0], 4.0f);
  assert_float_eq (healer_dataset_row (ds, 1)[2], 6.0f);
}

static void
test_good_label_first (void)
{
  g_autoptr(HealerDataset) ds = load_good ("label_first.csv");

  /* Blank lines in the middle and at the end are skipped. */
  g_assert_cmpuint (ds->n_rows, ==, 2);
  g_assert_cmpuint (ds->n_features, ==, 2);
  g_assert_cmpstr (ds->feature_names[0], ==, "x");
  g_assert_cmpstr (ds->feature_names[1], ==, "y");
  g_assert_cmpint (ds->labels[0], ==, 3);
  g_assert_cmpint (ds->labels[1], ==, 0);
  g_assert_cmpstr (ds->sample_ids[1], ==, "second");
  assert_float_eq (healer_dataset_row (ds, 1)[1], -2.0f);
}

static void
test_good_no_final_newline (void)
{
  g_autoptr(HealerDataset) ds = load_good ("no_final_newline.csv");

  g_assert_cmpuint (ds->n_rows, ==, 2);
  assert_float_eq (healer_dataset_row (ds, 1)[1], 4.0f);
}

static void
test_good_label_forms (void)
{
  g_autoptr(HealerDataset) ds = load_good ("label_forms.csv");

  g_assert_cmpuint (ds->n_rows, ==, 4);
  g_assert_cmpint (ds->labels[0], ==, 3);
  g_assert_cmpint (ds->labels[1], ==, 2);
  g_assert_cmpint (ds->labels[2], ==, 4);
  g_assert_cmpint (ds->labels[3], ==, 0);
}

static void
test_good_inline (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerDataset) a = NULL;
  g_autoptr(HealerDataset) b = NULL;
  const char more_digits[] = "v\n0.12345678901234567890123\n1e-50\n-1.5E+3\n.5\n5.\n1e-400\n";
  const char bad_id[] = "sample_id,v\n\xff\xfe,1\n";

  a = healer_dataset_load_from_data ("inline", more_digits, strlen (more_digits), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a->n_rows, ==, 6);
  assert_float_eq (a->x[0], (float) g_ascii_strtod ("0.12345678901234567890123", NULL));
  assert_float_eq (a->x[1], 0.0f);
  assert_float_eq (a->x[2], -1500.0f);
  assert_float_eq (a->x[3], 0.5f);
  assert_float_eq (a->x[4], 5.0f);
  assert_float_eq (a->x[5], 0.0f);

  /* An id that is not UTF-8 is refused at its line and column: a mended
   * id would name another sample in the results (issue 13, family 11). */
  b = healer_dataset_load_from_data ("inline", bad_id, strlen (bad_id), &error);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_ENCODING);
  g_assert_null (b);
  g_assert_nonnull (strstr (error->message, "inline:2:1: the sample id is not valid UTF-8"));
}

static void
test_stdin (void)
{
  g_autofree char *path = data_file ("good", "basic.csv");
  g_autoptr(HealerDataset) expected = load_good ("basic.csv");
  g_autoptr(HealerDataset) ds = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (freopen (path, "rb", stdin));
  ds = healer_dataset_load ("-", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (healer_dataset_get_source_name (ds), ==, "standard input");
  assert_tables_equal (ds, expected);
}

static void
test_io_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *path = data_file ("good", "basic.csv");
  HealerDataset *ds;

  ds = healer_dataset_load ("/nonexistent/dir/kpi.csv", NULL, &error);
  g_assert_null (ds);
  check_error (error, HEALER_DATASET_ERROR_IO, "/nonexistent/dir/kpi.csv: ", "could not open");
  g_clear_error (&error);

  g_cancellable_cancel (cancellable);
  ds = healer_dataset_load (path, cancellable, &error);
  g_assert_null (ds);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

/* ------------------------------------------------------------------------ */
/* Hostile files                                                             */

typedef struct
{
  const char *file;
  int code;
  const char *where;
  const char *phrase;
} BadCase;

static const BadCase bad_cases[] = {
  { "ragged_short.csv", HEALER_DATASET_ERROR_RAGGED, "ragged_short.csv:3:3: ", "only 2 fields; expected 3" },
  { "ragged_long.csv", HEALER_DATASET_ERROR_RAGGED, "ragged_long.csv:2:4: ", "5 fields; expected 3" },
  /* A field too many or too few shifts the cells after it: the count is
   * the problem, not the first cell it spoils. */
  { "thousands_label.csv", HEALER_DATASET_ERROR_RAGGED, "thousands_label.csv:3:5: ",
    "line has 5 fields; expected 4, one per column of the header — “1,250.5” at column 2 may be "
    "one number written with a thousands separator" },
  { "thousands_missing_label.csv", HEALER_DATASET_ERROR_RAGGED, "thousands_missing_label.csv:3:6: ",
    "6 fields; expected 5, one per column of the header — “2,500.25” at column 3" },
  { "decimal_comma_shift.csv", HEALER_DATASET_ERROR_RAGGED, "decimal_comma_shift.csv:3:6: ",
    "6 fields; expected 5, one per column of the header — “1,5” at column 1 may be one number "
    "written with a decimal comma" },
  { "ragged_short_label.csv", HEALER_DATASET_ERROR_RAGGED, "ragged_short_label.csv:3:4: ",
    "only 3 fields; expected 4" },
  { "ragged_short_quoted.csv", HEALER_DATASET_ERROR_RAGGED, "ragged_short_quoted.csv:3:3: ",
    "only 2 fields; expected 3" },
  { "ragged_long_lines.csv", HEALER_DATASET_ERROR_RAGGED, "ragged_long_lines.csv:4:5: ",
    "line has 5 fields; expected 4, one per column of the header" },
  { "trailing_comma_row.csv", HEALER_DATASET_ERROR_RAGGED, "trailing_comma_row.csv:3:4: ",
    "4 fields; expected 3, one per column of the header — the extra field at the end is empty: "
    "does the line end with a comma too many?" },
  { "not_number.csv", HEALER_DATASET_ERROR_NUMBER, "not_number.csv:3:5: ",
    "“abc” in column “feature4” is not a number; expected a decimal number" },
  { "inf.csv", HEALER_DATASET_ERROR_NUMBER, "inf.csv:2:2: ", "“inf” in column “b” is not a finite number" },
  { "infinity.csv", HEALER_DATASET_ERROR_NUMBER, "infinity.csv:2:1: ", "not a finite number" },
  { "overflow.csv", HEALER_DATASET_ERROR_NUMBER, "overflow.csv:2:2: ", "not a finite number: it is too large" },
  { "float_overflow.csv", HEALER_DATASET_ERROR_NUMBER, "float_overflow.csv:3:1: ", "too large for a 32-bit float" },
  { "hex.csv", HEALER_DATASET_ERROR_NUMBER, "hex.csv:2:2: ", "“0x10” in column “b” is not a number" },
  { "decimal_comma.csv", HEALER_DATASET_ERROR_NUMBER, "decimal_comma.csv:2:1: ", "dot as decimal separator" },
  { "quoted_row_error.csv", HEALER_DATASET_ERROR_NUMBER, "quoted_row_error.csv:3:3: ", "“oops” in column “b”" },
  { "quoted_cell_lines.csv", HEALER_DATASET_ERROR_NUMBER, "quoted_cell_lines.csv:3:2: ", "“1\\x0a2” in column “a”" },
  { "dup_names.csv", HEALER_DATASET_ERROR_HEADER, "dup_names.csv:1:3: ", "“x” appears twice, in columns 1 and 3" },
  { "dup_label.csv", HEALER_DATASET_ERROR_HEADER, "dup_label.csv:1:3: ", "appears twice, in columns 1 and 3" },
  { "empty_name.csv", HEALER_DATASET_ERROR_HEADER, "empty_name.csv:1:2: ", "column 2 has no name" },
  { "pandas_index.csv", HEALER_DATASET_ERROR_HEADER, "pandas_index.csv:1:1: ", "index=False" },
  { "trailing_comma.csv", HEALER_DATASET_ERROR_HEADER, "trailing_comma.csv:1:3: ", "last column has no name" },
  { "no_feature.csv", HEALER_DATASET_ERROR_HEADER, "no_feature.csv:1:1: ", "no feature column" },
  { "semicolon.csv", HEALER_DATASET_ERROR_HEADER, "semicolon.csv:1:1: ", "semicolons" },
  { "empty.csv", HEALER_DATASET_ERROR_EMPTY, "empty.csv:1:1: ", "file is empty; expected a header" },
  { "bom_only.csv", HEALER_DATASET_ERROR_EMPTY, "bom_only.csv:1:1: ", "file is empty" },
  { "blank.csv", HEALER_DATASET_ERROR_EMPTY, "blank.csv:1:1: ", "only blank lines" },
  { "header_only.csv", HEALER_DATASET_ERROR_NO_ROWS, "header_only.csv:2:1: ", "no data rows" },
  { "label_float.csv", HEALER_DATASET_ERROR_LABEL, "label_float.csv:3:2: ",
    "“2.5” in column “label” is not a class id" },
  { "label_negative.csv", HEALER_DATASET_ERROR_LABEL, "label_negative.csv:2:2: ", "“-1” in column “label” is negative" },
  { "label_big.csv", HEALER_DATASET_ERROR_LABEL, "label_big.csv:2:2: ", "too large for a class id" },
  { "label_empty.csv", HEALER_DATASET_ERROR_LABEL, "label_empty.csv:3:2: ", "label in column “label” is missing" },
  { "label_text.csv", HEALER_DATASET_ERROR_LABEL, "label_text.csv:2:1: ", "“fault” in column “label” is not a class id" },
  { "unterminated.csv", HEALER_DATASET_ERROR_QUOTE, "unterminated.csv:3:1: ", "never closed" },
  { "text_after_quote.csv", HEALER_DATASET_ERROR_QUOTE, "text_after_quote.csv:2:1: ", "after the closing quote" },
  { "lone_cr.csv", HEALER_DATASET_ERROR_ENCODING, "lone_cr.csv:1:2: ", "lone carriage return" },
};

static void
test_bad_files (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad_cases); i++)
    {
      const BadCase *bc = &bad_cases[i];
      g_autofree char *path = data_file ("bad", bc->file);
      g_autoptr(GError) error = NULL;
      g_autoptr(HealerDataset) ds = healer_dataset_load (path, NULL, &error);
      /* A file opened by path is named by that path, as typed. */
      g_autofree char *dir = g_path_get_dirname (path);
      g_autofree char *where = g_build_filename (dir, bc->where, NULL);

      g_assert_null (ds);
      check_error (error, bc->code, where, bc->phrase);
    }
}

static void
test_bad_encoding (void)
{
  static const char utf16_bom[] = "\xff\xfe" "a\0,\0b\0\n\0" "1\0,\0" "2\0";
  static const char utf16be[] = "\0a\0,\0b\0\n\0" "1\0,\0" "2";
  static const char utf16le[] = "a\0,\0b\0\n\0" "1\0,\0" "2\0";
  static const char nul_header[] = "ab\0cd,ef\n1,2\n";
  static const char nul_row[] = "a,b\n1,2\n3,\0\n";
  static const char nul_number[] = "a,b\n1,2\n3,4\0\n";
  static const char latin1[] = "x,caf\xe9\n1,2\n";
  static const char zip[] = "PK\3\4\x14\0\x06\0";
  static const char gz[] = "\x1f\x8b\x08\0";
  static const char bad_number[] = "a\n\xff\xfe\n";
  g_autofree guchar *noise = g_malloc (4096);
  HealerRng rng;

  check_data_error (utf16_bom, sizeof utf16_bom - 1, HEALER_DATASET_ERROR_ENCODING, "gen.csv:1:1: ",
                    "file is UTF-16; save it as UTF-8");
  check_data_error (utf16be, sizeof utf16be - 1, HEALER_DATASET_ERROR_ENCODING, "gen.csv:1:1: ", "UTF-16");
  check_data_error (utf16le, sizeof utf16le - 1, HEALER_DATASET_ERROR_ENCODING, "gen.csv:1:1: ", "UTF-16");
  check_data_error (nul_header, sizeof nul_header - 1, HEALER_DATASET_ERROR_ENCODING, "gen.csv:1:1: ", "binary");
  check_data_error (nul_row, sizeof nul_row - 1, HEALER_DATASET_ERROR_ENCODING, "gen.csv:3:2: ", "NUL byte");
  check_data_error (nul_number, sizeof nul_number - 1, HEALER_DATASET_ERROR_ENCODING, "gen.csv:3:2: ", "NUL byte");
  check_data_error (latin1, sizeof latin1 - 1, HEALER_DATASET_ERROR_ENCODING, "gen.csv:1:2: ",
                    "not valid UTF-8 text (byte 0xE9)");
  check_data_error (zip, sizeof zip - 1, HEALER_DATASET_ERROR_ENCODING, "gen.csv:1:1: ", "ZIP");
  check_data_error (gz, sizeof gz - 1, HEALER_DATASET_ERROR_ENCODING, "gen.csv:1:1: ", "gzip");
  /* The message quotes the cell, so it must still be valid UTF-8. */
  check_data_error (bad_number, sizeof bad_number - 1, HEALER_DATASET_ERROR_NUMBER, "gen.csv:2:1: ",
                    "is not a number");

  healer_rng_init (&rng, 7);
  for (gsize i = 0; i < 4096; i++)
    noise[i] = (guchar) healer_rng_next (&rng);
  noise[5] = 0;
  check_data_error ((const char *) noise, 4096, HEALER_DATASET_ERROR_ENCODING, "gen.csv:", "binary");
}

static void
test_bad_sizes (void)
{
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *where = NULL;
  g_autoptr(HealerDataset) ds = NULL;
  g_autofree char *big = NULL;
  gsize big_len = 20 * 1024 * 1024;

  /* A cell longer than HEALER_CSV_MAX_FIELD */
  g_string_assign (s, "a,b\n1,");
  for (guint i = 0; i < HEALER_CSV_MAX_FIELD + 10; i++)
    g_string_append_c (s, '7');
  g_string_append (s, "\n");
  check_data_error (s->str, s->len, HEALER_DATASET_ERROR_TOO_LARGE, "gen.csv:2:2: ", "longer than 4096 bytes");

  /* A quote that is never closed swallows lines: blamed on its opening line. */
  g_string_assign (s, "a,b\n1,2\n3,\"4\n");
  for (guint i = 0; i < 2000; i++)
    g_string_append (s, "5,6\n");
  check_data_error (s->str, s->len, HEALER_DATASET_ERROR_QUOTE, "gen.csv:3:2: ", "closing quote");

  /* More than HEALER_CSV_MAX_COLUMNS columns */
  g_string_truncate (s, 0);
  for (guint i = 0; i <= HEALER_CSV_MAX_COLUMNS; i++)
    g_string_append_printf (s, "%sc%u", i > 0 ? "," : "", i);
  g_string_append (s, "\n");
  check_data_error (s->str, s->len, HEALER_DATASET_ERROR_TOO_LARGE, "gen.csv:1:65537: ",
                    "more than 65536 columns");

  /* Exactly HEALER_CSV_MAX_COLUMNS is fine. */
  g_string_truncate (s, 0);
  for (guint i = 0; i < HEALER_CSV_MAX_COLUMNS; i++)
    g_string_append_printf (s, "%sc%u", i > 0 ? "," : "", i);
  g_string_append (s, "\n");
  for (guint i = 0; i < HEALER_CSV_MAX_COLUMNS; i++)
    g_string_append_printf (s, "%s%u", i > 0 ? "," : "", i);
  ds = healer_dataset_load_from_data ("wide.csv", s->str, s->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_features, ==, HEALER_CSV_MAX_COLUMNS);
  assert_float_eq (ds->x[HEALER_CSV_MAX_COLUMNS - 1], 65535.0f);
  g_clear_pointer (&ds, healer_dataset_unref);

  /* A data line longer than HEALER_CSV_MAX_LINE made of valid short cells */
  g_string_truncate (s, 0);
  for (guint i = 0; i < 2048; i++)
    g_string_append_printf (s, "%sc%u", i > 0 ? "," : "", i);
  g_string_append (s, "\n");
  for (guint i = 0; i < 2048; i++)
    {
      if (i > 0)
        g_string_append_c (s, ',');
      for (guint k = 0; k < 3000; k++)
        g_string_append_c (s, ' ');
      g_string_append_c (s, '1');
    }
  g_string_append (s, "\n");
  check_data_error (s->str, s->len, HEALER_DATASET_ERROR_LINE_TOO_LONG, "gen.csv:2:1: ",
                    "longer than 4194304 bytes");

  /* A 20 MB single line in a real file */
  dir = g_dir_make_tmp ("test-dataset-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "big.csv", NULL);
  big = g_malloc (big_len);
  for (gsize i = 0; i < big_len; i++)
    big[i] = "0123456789,"[i % 11];
  g_file_set_contents (path, big, (gssize) big_len, &error);
  g_assert_no_error (error);
  ds = healer_dataset_load (path, NULL, &error);
  g_assert_null (ds);
  where = g_strconcat (path, ":1:1: ", NULL);
  check_error (error, HEALER_DATASET_ERROR_LINE_TOO_LONG, where, "longer than 4194304 bytes");
  g_clear_error (&error);

  /* A binary file */
  for (gsize i = 0; i < 65536; i++)
    big[i] = (char) (i * 2654435761u >> 13);
  g_file_set_contents (path, big, 65536, &error);
  g_assert_no_error (error);
  ds = healer_dataset_load (path, NULL, &error);
  g_assert_null (ds);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_ENCODING);
  g_test_message ("%s", error->message);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static HealerDataset *
load_text (const char  *text,
           GError     **error)
{
  return healer_dataset_load_from_data ("gen.csv", text, strlen (text), error);
}

/* Loads @csv whole, then chunk by chunk: both must fail with @code at
 * @where, saying @phrase, and the chunks with the very same message. */
static void
check_both_readers (const GString *csv,
                    int            code,
                    const char    *where,
                    const char    *phrase)
{
  g_autoptr(GError) whole_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerDataset) whole = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(HealerCsvReader) reader = NULL;

  whole = healer_dataset_load_from_data ("gen.csv", csv->str, csv->len, &whole_error);
  g_assert_null (whole);
  check_error (whole_error, code, where, phrase);

  stream = g_memory_input_stream_new_from_data (csv->str, (gssize) csv->len, NULL);
  reader = healer_csv_reader_new (stream, "gen.csv", NULL, &error);
  g_assert_no_error (error);
  for (;;)
    {
      g_autoptr(HealerDataset) chunk = healer_csv_reader_read_chunk (reader, 7, NULL, &error);

      if (chunk == NULL)
        break;
    }
  g_assert_nonnull (error);
  g_assert_cmpstr (error->message, ==, whole_error->message);
}

/* A record with a field too many or too few is reported as such, even
 * when a cell it shifted is what the reader reaches first. */
static void
test_bad_field_count (void)
{
  g_autoptr(GString) s = g_string_new ("sample_id");
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerDataset) ds = NULL;
  gsize line = 1;

  /* 109 columns, a thousands separator in row 3 of 40: the label then
   * reads the last feature's empty cell (the probe's file). */
  for (guint j = 0; j < 107; j++)
    g_string_append_printf (s, ",f%u", j);
  g_string_append (s, ",label\n");
  for (guint i = 0; i < 40; i++)
    {
      g_string_append_printf (s, "s%u", i);
      for (guint j = 0; j < 107; j++)
        g_string_append (s, j == 106 ? "," : i == 2 && j == 1 ? ",275,251.2" : ",1.5");
      g_string_append_printf (s, ",%u\n", i % 3);
    }
  check_both_readers (s, HEALER_DATASET_ERROR_RAGGED, "gen.csv:4:110: ",
                      "line has 110 fields; expected 109, one per column of the header — "
                      "“275,251.2” at column 3 may be one number written with a thousands "
                      "separator; write numbers without one");

  /* Too few, in a later chunk: the label reads a feature's value. */
  g_string_assign (s, "sample_id,label,a,b\n");
  for (guint i = 0; i < 30; i++)
    g_string_append_printf (s, i == 20 ? "s%u,1.5,2.5\n" : "s%u,%u,1.5,2.5\n", i, i % 2);
  check_both_readers (s, HEALER_DATASET_ERROR_RAGGED, "gen.csv:22:4: ",
                      "line has only 3 fields; expected 4, one per column of the header");

  /* No hint where several pairs of fields could each be the split one. */
  ds = load_text ("a,b,label\n1,2,3,0\n", &error);
  g_assert_null (ds);
  check_error (error, HEALER_DATASET_ERROR_RAGGED, "gen.csv:2:4: ", "4 fields; expected 3");
  g_assert_null (strstr (error->message, "—"));
  g_clear_error (&error);

  /* A quoted cell's comma separates nothing, and its lines count. */
  ds = load_text ("sample_id,a,label\n\"s,\n1\",\"2,5\"\n", &error);
  g_assert_null (ds);
  check_error (error, HEALER_DATASET_ERROR_RAGGED, "gen.csv:3:3: ", "only 2 fields; expected 3");
  g_clear_error (&error);

  /* Counted right, a bad cell is still the cell's error. */
  ds = load_text ("a,b,label\n1,2,5\n3,4,1.5\n", &error);
  g_assert_null (ds);
  check_error (error, HEALER_DATASET_ERROR_LABEL, "gen.csv:3:3: ", "“1.5” in column “label” is not a class id");
  g_clear_error (&error);

  /* The bad record's quoted cell runs past the reader's first block (1 MiB,
   * HEALER_CSV_BLOCK_SIZE): the count reads on to where the record ends. */
  g_string_assign (s, "sample_id,a,b,label\n");
  while (s->len < 1024 * 1024 - 64)
    {
      g_string_append (s, "s,1.5,2.5,1\n");
      line++;
    }
  g_string_append (s, "s,oops,\"1");
  while (s->len < 1024 * 1024 - 2)
    g_string_append_c (s, ' ');
  g_string_append (s, "\n\n\n2\",1,0\n");
  {
    g_autofree char *where = g_strdup_printf ("gen.csv:%" G_GSIZE_FORMAT ":5: ", line + 4);

    check_both_readers (s, HEALER_DATASET_ERROR_RAGGED, where, "5 fields; expected 4");
  }
}

/* Random damage to a valid file: every outcome must be a table or a clean
 * error, never a crash (run under valgrind or ASan to see reads too). */
static void
test_fuzz (void)
{
  static const char seed_csv[] =
    "sample_id,a,\"b c\",label\r\n"
    "s1,1.5,-2e3,0\n"
    "\"s,2\",,NaN,1\n"
    "\"s\n3\",  4 ,\"5\",2\n"
    "s4,7,8,3";
  static const char noise[] = ",\"\n\r\0 \t.eE-+0123456789NaAxé\xff";
  HealerRng rng;
  guint n_iters = 20000;

  /* Each load allocates the reader's 1 MiB block; under AddressSanitizer
   * that is a fresh mapping and an unmapping every time, 270 times the
   * plain build's cost (100 s for 20,000 loads on a busy 2-core machine).
   * The sanitised run keeps a tenth of the cases: it is there to see bad
   * reads, which the same mutations produce, and the plain build still runs
   * them all. */
#if defined(__SANITIZE_ADDRESS__)
  n_iters = 2000;
#endif
  if (g_getenv ("HEALER_TEST_QUICK") != NULL)
    n_iters = 2000;

  healer_rng_init (&rng, 42);
  for (guint iter = 0; iter < n_iters; iter++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HealerDataset) ds = NULL;
      char buf[256];
      gsize len = sizeof seed_csv - 1;
      guint n_edits = 1 + (guint) healer_rng_below (&rng, 4);

      memcpy (buf, seed_csv, len);
      for (guint e = 0; e < n_edits && len > 0; e++)
        {
          gsize at = healer_rng_below (&rng, len);
          char ch = noise[healer_rng_below (&rng, sizeof noise - 1)];

          switch (healer_rng_below (&rng, 4))
            {
            case 0:
              buf[at] = ch;
              break;
            case 1:
              if (len < sizeof buf - 1)
                {
                  memmove (buf + at + 1, buf + at, len - at);
                  buf[at] = ch;
                  len++;
                }
              break;
            case 2:
              memmove (buf + at, buf + at + 1, len - at - 1);
              len--;
              break;
            default:
              len = at;
              break;
            }
        }

      ds = healer_dataset_load_from_data ("fuzz.csv", buf, len, &error);
      if (ds == NULL)
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == HEALER_DATASET_ERROR);
          g_assert_true (g_str_has_prefix (error->message, "fuzz.csv:"));
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
        }
      else
        {
          g_assert_no_error (error);
          g_assert_cmpuint (ds->n_rows, >, 0);
          g_assert_cmpuint (ds->n_features, >, 0);
          for (gsize i = 0; ds->sample_ids != NULL && i < ds->n_rows; i++)
            g_assert_true (g_utf8_validate (ds->sample_ids[i], -1, NULL));
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Numbers                                                                   */

static void
random_decimal (HealerRng *rng,
                GString   *s)
{
  guint n_digits = 1 + (guint) healer_rng_below (rng, healer_rng_below (rng, 10) == 0 ? 25 : 19);
  guint point = (guint) healer_rng_below (rng, n_digits + 2);

  g_string_truncate (s, 0);
  if (healer_rng_below (rng, 2))
    g_string_append_c (s, '-');
  else if (healer_rng_below (rng, 20) == 0)
    g_string_append_c (s, '+');
  if (healer_rng_below (rng, 10) == 0)
    g_string_append (s, "000");
  for (guint i = 0; i < n_digits; i++)
    {
      if (i == point)
        g_string_append_c (s, '.');
      g_string_append_c (s, (char) ('0' + healer_rng_below (rng, 10)));
    }
  if (healer_rng_below (rng, 3) == 0)
    g_string_append_printf (s, "e%d", (int) healer_rng_below (rng, 81) - 40);
}

static void
test_float_parsing (void)
{
  const guint n = 100000;
  g_autoptr(GString) csv = g_string_new ("v\n");
  g_autoptr(GString) s = g_string_new (NULL);
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (float));
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerDataset) ds = NULL;
  static const char * const special[] = {
    "0.1", "0.2", "0.3", "1e-45", "1.4e-45", "1.17549435e-38", "1.1754942e-38",
    "3.4028235e38", "3.40282347e+38", "-3.4028235e38", "16777217", "33554435",
    "9007199254740993", "0.000000000000000000000000000000000000000001", "1e22",
    "1e23", "1e-22", "1e-23", "9999999999999999999", "18446744073709551615",
    "0.0000001", "123456789012345678", "4.9406564584124654e-324", "2.5e-46",
  };
  HealerRng rng;
  guint n_midpoints = 0;

  healer_rng_init (&rng, 2024);
  for (guint i = 0; i < G_N_ELEMENTS (special); i++)
    {
      float f = (float) g_ascii_strtod (special[i], NULL);

      g_string_append_printf (csv, "%s\n", special[i]);
      g_array_append_val (expected, f);
    }
  while (expected->len < n)
    {
      double d;
      float f;

      if (healer_rng_below (&rng, 10) == 0)
        {
          /* Near the midpoint between two floats: where double rounding bites. */
          guint32 bits = (guint32) healer_rng_below (&rng, 0x7f000000) + 0x00800000;
          float lo, hi;
          char buf[64];

          memcpy (&lo, &bits, sizeof lo);
          hi = nextafterf (lo, INFINITY);
          g_ascii_formatd (buf, sizeof buf, "%.17g", ((double) lo + (double) hi) / 2);
          g_string_assign (s, buf);
          n_midpoints++;
        }
      else
        random_decimal (&rng, s);
      d = g_ascii_strtod (s->str, NULL);
      f = (float) d;
      if (isinf (f))
        continue;
      g_string_append_printf (csv, "%s\n", s->str);
      g_array_append_val (expected, f);
    }

  ds = healer_dataset_load_from_data ("floats.csv", csv->str, csv->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_rows, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    assert_float_eq (ds->x[i], g_array_index (expected, float, i));
  g_test_message ("%u values, %u near float midpoints", expected->len, n_midpoints);
}

/* ------------------------------------------------------------------------ */
/* Streaming                                                                 */

/* ~3 MB so chunks and 1 MiB blocks fall anywhere, with quoted ids that span
 * lines, CR LF, blank lines and missing cells. */
static GString *
make_stream_csv (guint       n_rows,
                 const char *bad_cell_at)
{
  GString *s = g_string_new ("sample_id,f0,f1,f2,f3,f4,f5,f6,f7,label\n");
  HealerRng rng;

  healer_rng_init (&rng, 99);
  for (guint i = 0; i < n_rows; i++)
    {
      switch (i % 5)
        {
        case 0:
          g_string_append_printf (s, "\"row \"\"%u\"\",\nsecond line\"", i);
          break;
        case 1:
          g_string_append_printf (s, "  r%u  ", i);
          break;
        default:
          g_string_append_printf (s, "r%u", i);
          break;
        }
      for (guint j = 0; j < 8; j++)
        {
          char buf[G_ASCII_DTOSTR_BUF_SIZE];

          g_string_append_c (s, ',');
          if (healer_rng_below (&rng, 20) == 0)
            continue;
          if (bad_cell_at != NULL && i == n_rows - 3 && j == 4)
            {
              g_string_append (s, bad_cell_at);
              continue;
            }
          g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.17g",
                                               healer_rng_normal (&rng) * pow (10, (double) (j * 3) - 9)));
        }
      g_string_append_printf (s, ",%u%s", i % 6, i % 7 == 0 ? "\r\n" : "\n");
      if (i % 97 == 0)
        g_string_append (s, "\n");
    }
  return s;
}

static void
test_streaming (void)
{
  g_autoptr(GString) csv = make_stream_csv (30000, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerDataset) whole = NULL;
  static const gsize chunk_sizes[] = { 1, 7, 1000, 4096, 100000 };

  whole = healer_dataset_load_from_data ("stream.csv", csv->str, csv->len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (whole->n_rows, ==, 30000);
  g_assert_cmpstr (whole->sample_ids[0], ==, "row \"0\",\nsecond line");
  g_assert_cmpstr (whole->sample_ids[1], ==, "r1");
  g_assert_cmpstr (whole->sample_ids[5], ==, "row \"5\",\nsecond line");
  g_test_message ("stream.csv: %" G_GSIZE_FORMAT " bytes", csv->len);

  for (guint k = 0; k < G_N_ELEMENTS (chunk_sizes); k++)
    {
      g_autoptr(GInputStream) stream =
        g_memory_input_stream_new_from_data (csv->str, (gssize) csv->len, NULL);
      g_autoptr(HealerCsvReader) reader = NULL;
      g_autoptr(GArray) rows = g_array_new (FALSE, FALSE, sizeof (gsize));
      gsize next = 0, n_chunks = 0;
      guint64 last_read = 0;

      reader = healer_csv_reader_new (stream, "stream.csv", NULL, &error);
      g_assert_no_error (error);
      g_assert_true (healer_csv_reader_has_labels (reader));
      g_assert_cmpuint (healer_csv_reader_get_size (reader), ==, csv->len);
      g_assert_cmpstr (healer_csv_reader_get_feature_names (reader)[7], ==, "f7");
      g_assert_null (healer_csv_reader_get_feature_names (reader)[8]);

      for (;;)
        {
          g_autoptr(HealerDataset) chunk =
            healer_csv_reader_read_chunk (reader, chunk_sizes[k], NULL, &error);
          g_autoptr(HealerDataset) part = NULL;

          g_assert_no_error (error);
          g_assert_cmpuint (healer_csv_reader_get_bytes_read (reader), >=, last_read);
          last_read = healer_csv_reader_get_bytes_read (reader);
          if (chunk->n_rows == 0)
            break;
          g_assert_cmpuint (chunk->n_rows, <=, chunk_sizes[k]);
          g_array_set_size (rows, chunk->n_rows);
          for (gsize i = 0; i < chunk->n_rows; i++)
            g_array_index (rows, gsize, i) = next + i;
          part = healer_dataset_subset (whole, (const gsize *) rows->data, rows->len);
          assert_tables_equal (chunk, part);
          next += chunk->n_rows;
          n_chunks++;
        }
      g_assert_cmpuint (next, ==, whole->n_rows);
      g_assert_cmpuint (last_read, ==, csv->len);
      g_test_message ("chunks of %" G_GSIZE_FORMAT ": %" G_GSIZE_FORMAT " chunks",
                      chunk_sizes[k], n_chunks);
    }
}

static void
test_streaming_error (void)
{
  g_autoptr(GString) csv = make_stream_csv (30000, "x1");
  g_autoptr(GError) whole_error = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerDataset) whole = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(HealerCsvReader) reader = NULL;
  g_autofree char *where = NULL;
  const char *bad = strstr (csv->str, ",x1,");
  gsize line = 1, n_rows = 0;

  /* Where the bad cell is, counted independently of the reader. */
  g_assert_nonnull (bad);
  for (const char *p = csv->str; p < bad; p++)
    line += *p == '\n';
  where = g_strdup_printf ("stream.csv:%" G_GSIZE_FORMAT ":6: ", line);

  whole = healer_dataset_load_from_data ("stream.csv", csv->str, csv->len, &whole_error);
  g_assert_null (whole);
  check_error (whole_error, HEALER_DATASET_ERROR_NUMBER, where, "“x1” in column “f4” is not a number");

  stream = g_memory_input_stream_new_from_data (csv->str, (gssize) csv->len, NULL);
  reader = healer_csv_reader_new (stream, "stream.csv", NULL, &error);
  g_assert_no_error (error);
  for (;;)
    {
      g_autoptr(HealerDataset) chunk = healer_csv_reader_read_chunk (reader, 333, NULL, &error);

      if (chunk == NULL)
        break;
      g_assert_cmpuint (chunk->n_rows, ==, 333);
      n_rows += chunk->n_rows;
    }
  g_assert_cmpuint (n_rows, >, 29000);
  g_assert_cmpstr (error->message, ==, whole_error->message);
  g_clear_error (&error);

  /* A failed reader stays failed. */
  g_assert_null (healer_csv_reader_read_chunk (reader, 10, NULL, &error));
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_IO);
}

static void
test_streaming_header_only (void)
{
  static const char csv[] = "a,b,label\n\n";
  g_autoptr(GInputStream) stream = g_memory_input_stream_new_from_data (csv, sizeof csv - 1, NULL);
  g_autoptr(HealerCsvReader) reader = NULL;
  g_autoptr(HealerDataset) chunk = NULL;
  g_autoptr(GError) error = NULL;

  reader = healer_csv_reader_new (stream, "h.csv", NULL, &error);
  g_assert_no_error (error);
  chunk = healer_csv_reader_read_chunk (reader, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (chunk->n_rows, ==, 0);
  g_assert_cmpuint (chunk->n_features, ==, 2);
  g_assert_true (healer_dataset_has_labels (chunk));
}

/* ------------------------------------------------------------------------ */
/* Table operations                                                          */

static void
test_round_trip (void)
{
  const char * const names[] = { "a", "b,c", "d \"e\"", " f", NULL };
  static const char * const ids[] = { "plain", "with, comma", "with \"quote\"", "two\nlines",
                                      " padded ", "", "ünïcödé", "NA" };
  g_autoptr(HealerDataset) ds = healer_dataset_new (names, 200, TRUE, TRUE);
  g_autoptr(HealerDataset) back = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("test-dataset-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "round.csv", NULL);
  static const float special[] = { FLT_MAX, -FLT_MAX, FLT_MIN, 1e-45f, -0.0f, 0.0f, 0.1f,
                                   16777216.0f, 1.0e-40f, 3.14159274f };
  HealerRng rng;

  healer_rng_init (&rng, 5);
  g_assert_cmpuint (ds->n_rows, ==, 200);
  for (gsize i = 0; i < ds->n_rows; i++)
    {
      float *row = ds->x + i * ds->n_features;

      for (guint j = 0; j < ds->n_features; j++)
        {
          guint32 bits = (guint32) healer_rng_next (&rng);

          memcpy (&row[j], &bits, sizeof bits);
          if (isinf (row[j]))
            row[j] = 1.0f;
        }
      if (i < G_N_ELEMENTS (special))
        row[1] = special[i];
      ds->labels[i] = (gint32) (i % 7);
      healer_dataset_set_sample_id (ds, i, ids[i % G_N_ELEMENTS (ids)]);
    }

  g_assert_true (healer_dataset_save_csv (ds, path, &error));
  g_assert_no_error (error);
  back = healer_dataset_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (healer_dataset_count_missing (ds), >, 0);
  assert_tables_equal (back, ds);

  g_assert_cmpint (g_remove (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_select_columns (void)
{
  g_autoptr(HealerDataset) ds = load_good ("basic.csv");
  g_autoptr(HealerDataset) sel = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) missing = NULL;
  g_auto(GStrv) extra = NULL;
  const char * const reorder[] = { "f2", "f1", NULL };
  const char * const with_missing[] = { "zz", "f2", "yy", NULL };
  const char * const only_f2[] = { "f2", NULL };
  g_autofree char *where = g_strconcat (healer_dataset_get_source_name (ds), ": ", NULL);

  sel = healer_dataset_select_columns (ds, reorder, FALSE, &missing, &extra, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (missing), ==, 0);
  g_assert_cmpuint (g_strv_length (extra), ==, 0);
  g_assert_cmpstr (sel->feature_names[0], ==, "f2");
  for (gsize i = 0; i < ds->n_rows; i++)
    {
      assert_float_eq (healer_dataset_row (sel, i)[0], healer_dataset_row (ds, i)[1]);
      assert_float_eq (healer_dataset_row (sel, i)[1], healer_dataset_row (ds, i)[0]);
      g_assert_cmpint (sel->labels[i], ==, ds->labels[i]);
      g_assert_cmpstr (sel->sample_ids[i], ==, ds->sample_ids[i]);
    }
  g_clear_pointer (&sel, healer_dataset_unref);
  g_clear_pointer (&missing, g_strfreev);
  g_clear_pointer (&extra, g_strfreev);

  sel = healer_dataset_select_columns (ds, with_missing, FALSE, &missing, &extra, &error);
  g_assert_null (sel);
  check_error (error, HEALER_DATASET_ERROR_COLUMNS, where, "2 expected columns are missing: “zz”, “yy”");
  g_assert_cmpuint (g_strv_length (missing), ==, 2);
  g_clear_error (&error);
  g_clear_pointer (&missing, g_strfreev);
  g_clear_pointer (&extra, g_strfreev);

  sel = healer_dataset_select_columns (ds, with_missing, TRUE, &missing, &extra, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sel->n_features, ==, 3);
  g_assert_cmpstr (missing[0], ==, "zz");
  g_assert_cmpstr (missing[1], ==, "yy");
  g_assert_null (missing[2]);
  g_assert_cmpstr (extra[0], ==, "f1");
  g_assert_null (extra[1]);
  for (gsize i = 0; i < ds->n_rows; i++)
    {
      g_assert_true (isnan (healer_dataset_row (sel, i)[0]));
      assert_float_eq (healer_dataset_row (sel, i)[1], healer_dataset_row (ds, i)[1]);
      g_assert_true (isnan (healer_dataset_row (sel, i)[2]));
    }
  g_assert_cmpuint (healer_dataset_count_missing (sel), ==, 2 * ds->n_rows);
  g_clear_pointer (&sel, healer_dataset_unref);

  /* NULL out-parameters are allowed. */
  sel = healer_dataset_select_columns (ds, only_f2, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sel->n_features, ==, 1);
}

static void
test_select_many_missing (void)
{
  g_autoptr(HealerDataset) ds = load_good ("basic.csv");
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *where = g_strconcat (healer_dataset_get_source_name (ds), ": ", NULL);
  g_autoptr(GError) error = NULL;
  HealerDataset *sel;

  for (guint i = 0; i < 25; i++)
    g_ptr_array_add (names, g_strdup_printf ("k%u", i));
  g_ptr_array_add (names, NULL);
  sel = healer_dataset_select_columns (ds, (const char * const *) names->pdata, FALSE, NULL, NULL, &error);
  g_assert_null (sel);
  check_error (error, HEALER_DATASET_ERROR_COLUMNS, where, "“k9” and 15 more");
  g_assert_null (strstr (error->message, "k10"));
}

static void
test_subset (void)
{
  g_autoptr(HealerDataset) ds = load_good ("basic.csv");
  g_autoptr(HealerDataset) sub = NULL;
  g_autoptr(HealerDataset) empty = NULL;
  const gsize rows[] = { 2, 0, 2 };

  sub = healer_dataset_subset (ds, rows, G_N_ELEMENTS (rows));
  g_assert_cmpuint (sub->n_rows, ==, 3);
  g_assert_cmpstr (sub->sample_ids[0], ==, "c");
  g_assert_cmpstr (sub->sample_ids[1], ==, "a");
  g_assert_cmpint (sub->labels[2], ==, 5);
  assert_float_eq (healer_dataset_row (sub, 1)[0], 1.5f);
  assert_float_eq (healer_dataset_row (sub, 2)[0], 0.000123f);

  empty = healer_dataset_subset (ds, NULL, 0);
  g_assert_cmpuint (empty->n_rows, ==, 0);
  g_assert_true (healer_dataset_has_labels (empty));

  g_assert_true (healer_dataset_ref (sub) == sub);
  healer_dataset_unref (sub);
  g_assert_cmpuint (sub->n_rows, ==, 3);
}

/* ------------------------------------------------------------------------ */
/* Real data                                                                 */

/* Independent of the reader: the real files have no quotes. */
static void
check_against_strtod (const char          *path,
                      const HealerDataset *ds)
{
  g_autofree char *text = NULL;
  g_auto(GStrv) lines = NULL;
  gsize checked = 0;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (gsize i = 1; lines[i] != NULL && lines[i][0] != '\0'; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);

      g_assert_cmpuint (i - 1, <, ds->n_rows);
      g_assert_cmpstr (ds->sample_ids[i - 1], ==, cells[0]);
      for (guint j = 0; j < ds->n_features; j++)
        {
          const char *cell = cells[j + 1];
          float want = cell[0] == '\0' ? NAN : (float) g_ascii_strtod (cell, NULL);

          assert_float_eq (healer_dataset_row (ds, i - 1)[j], want);
          checked++;
        }
    }
  g_assert_cmpuint (checked, ==, ds->n_rows * ds->n_features);
}

static void
test_real_labelled (void)
{
  g_autofree char *path = shared_file ("kpi_labelled.csv");
  g_autoptr(HealerDataset) ds = NULL;
  g_autoptr(GError) error = NULL;
  guint counts[6] = { 0 };

  if (path == NULL)
    {
      g_test_skip ("kpi_labelled.csv not found (HEALER_SHARED_DATA)");
      return;
    }
  ds = healer_dataset_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_rows, ==, 499);
  g_assert_cmpuint (ds->n_features, ==, 107);
  g_assert_cmpstr (ds->feature_names[0], ==, "feature0");
  g_assert_cmpstr (ds->feature_names[106], ==, "feature106");
  g_assert_nonnull (ds->labels);
  g_assert_nonnull (ds->sample_ids);
  for (gsize i = 0; i < ds->n_rows; i++)
    {
      g_assert_cmpint (ds->labels[i], >=, 0);
      g_assert_cmpint (ds->labels[i], <=, 5);
      counts[ds->labels[i]]++;
    }
  for (guint c = 0; c < 6; c++)
    g_assert_cmpuint (counts[c], >=, 78);
  g_assert_cmpuint (healer_dataset_count_missing (ds), >, 0);
  check_against_strtod (path, ds);
}

static void
test_real_unlabelled (void)
{
  g_autofree char *path = shared_file ("kpi_unlabelled.csv");
  g_autoptr(HealerDataset) ds = NULL;
  g_autoptr(GError) error = NULL;

  if (path == NULL)
    {
      g_test_skip ("kpi_unlabelled.csv not found (HEALER_SHARED_DATA)");
      return;
    }
  ds = healer_dataset_load (path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_rows, ==, 2000);
  g_assert_cmpuint (ds->n_features, ==, 107);
  g_assert_null (ds->labels);
  g_assert_nonnull (ds->sample_ids);
  check_against_strtod (path, ds);
}

/* Not asserted: machines differ. Prints MB/s for the real layout. */
static void
test_throughput (void)
{
  g_autofree char *path = shared_file ("kpi_labelled.csv");
  g_autofree char *text = NULL;
  g_autoptr(GString) csv = NULL;
  g_autoptr(GError) error = NULL;
  const char *body;
  gint64 best = G_MAXINT64;

  if (path == NULL || !g_file_get_contents (path, &text, NULL, NULL))
    {
      g_test_skip ("kpi_labelled.csv not found (HEALER_SHARED_DATA)");
      return;
    }
  body = strchr (text, '\n') + 1;
  csv = g_string_new_len (text, body - text);
  while (csv->len < 50 * 1000 * 1000)
    g_string_append (csv, body);

  for (guint rep = 0; rep < 3; rep++)
    {
      g_autoptr(HealerDataset) ds = NULL;
      gint64 t0 = g_get_monotonic_time ();

      ds = healer_dataset_load_from_data ("big.csv", csv->str, csv->len, &error);
      g_assert_no_error (error);
      best = MIN (best, g_get_monotonic_time () - t0);
      g_assert_cmpuint (ds->n_features, ==, 107);
    }
  g_test_message ("throughput: %.1f MB in %.3f s = %.0f MB/s",
                  csv->len / 1e6, best / 1e6, csv->len / (double) best);
}

/* Every row knows the file line it starts on — across blank lines, CR LF,
 * records spanning lines and subsets — so that a later message (a label
 * the model does not know) can name the line; the label's field too. */
static void
test_row_lines (void)
{
  const char text[] =
    "\xef\xbb\xbf" "a,label,sample_id\r\n"   /* line 1 */
    "1,0,r0\r\n"                            /* 2 */
    "\r\n"                                  /* 3: blank */
    "2,1,\"two\nlines\"\r\n"                /* 4-5 */
    "3,0,r2\n"                              /* 6 */
    "\n\n"                                  /* 7, 8 */
    "4,1,r3\n"                              /* 9 */
    "5,0,r4\n";                             /* 10 */
  static const gsize lines[] = { 2, 4, 6, 9, 10 };
  static const gsize pick[] = { 4, 1, 1, 3 };
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerDataset) ds = healer_dataset_load_from_data ("lines.csv", text,
                                                               sizeof text - 1, &error);
  g_autoptr(HealerDataset) sub = NULL;
  g_autoptr(HealerDataset) cols = NULL;
  g_autoptr(HealerDataset) plain = NULL;
  g_autoptr(GString) many = g_string_new ("a,label\n");
  const char *names[] = { "a", NULL };

  g_assert_no_error (error);
  g_assert_cmpuint (ds->n_rows, ==, G_N_ELEMENTS (lines));
  g_assert_cmpuint (ds->label_field, ==, 2);
  for (gsize i = 0; i < ds->n_rows; i++)
    g_assert_cmpuint (healer_dataset_get_line (ds, i), ==, lines[i]);

  sub = healer_dataset_subset (ds, pick, G_N_ELEMENTS (pick));
  g_assert_cmpuint (sub->label_field, ==, 2);
  for (gsize i = 0; i < G_N_ELEMENTS (pick); i++)
    g_assert_cmpuint (healer_dataset_get_line (sub, i), ==, lines[pick[i]]);

  cols = healer_dataset_select_columns (sub, names, FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  for (gsize i = 0; i < G_N_ELEMENTS (pick); i++)
    g_assert_cmpuint (healer_dataset_get_line (cols, i), ==, lines[pick[i]]);

  /* A table made in memory has no lines to name. */
  plain = healer_dataset_new (names, 2, TRUE, FALSE);
  g_assert_cmpuint (healer_dataset_get_line (plain, 1), ==, 0);
  g_assert_cmpuint (plain->label_field, ==, 0);

  /* Rows on consecutive lines store nothing however many there are. */
  for (guint i = 0; i < 5000; i++)
    g_string_append_printf (many, "%u,%u\n", i, i % 2);
  g_clear_pointer (&ds, healer_dataset_unref);
  ds = healer_dataset_load_from_data ("many.csv", many->str, many->len, &error);
  g_assert_no_error (error);
  g_assert_null (ds->line_runs);
  g_assert_cmpuint (healer_dataset_get_line (ds, 4999), ==, 5001);
}

/* What can teach a model nothing is named: columns empty in every row,
 * rows with no KPI value; a file with neither says nothing. */
static void
test_gaps (void)
{
  static const struct
  {
    const char *csv;
    const char *says;   /* NULL: nothing to say */
  } cases[] = {
    { "sample_id,a,b,label\n1,1,2,0\n2,,3,1\n", NULL },
    { "sample_id,a,b,label\n1,,2,0\n2,,3,1\n", "“a” is empty in every row" },
    { "sample_id,a,b,c,label\n1,,2,,0\n2,,3,,1\n", "“a” and 1 more KPI are empty in every row" },
    { "sample_id,a,b,label\n1,1,2,0\n2,,,1\n3,,,1\n4,5,,0\n",
      "2 rows have no KPI value at all, the first on line 3" },
    { "sample_id,a,b,label\n1,,2,0\n2,,,1\n",
      "“a” is empty in every row; 1 row has no KPI value at all, on line 3" },
    /* a name is shown escaped */
    { "sample_id,\"a\x1b[2J\",b,label\n1,,2,0\n", "“a\\x1B[2J” is empty in every row" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(HealerDataset) ds = healer_dataset_load_from_data ("gaps.csv", cases[i].csv, -1,
                                                                   &error);
      g_autofree char *text = NULL;

      g_assert_no_error (error);
      text = healer_dataset_describe_gaps (ds);
      g_test_message ("case %u: %s", i, text ? text : "(nothing)");
      g_assert_cmpstr (text, ==, cases[i].says);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/dataset/good/basic", test_good_basic);
  g_test_add_func ("/dataset/good/bom-crlf", test_good_bom_crlf);
  g_test_add_func ("/dataset/good/quoted", test_good_quoted);
  g_test_add_func ("/dataset/good/spaces", test_good_spaces);
  g_test_add_func ("/dataset/good/missing", test_good_missing);
  g_test_add_func ("/dataset/good/features-only", test_good_features_only);
  g_test_add_func ("/dataset/good/label-first", test_good_label_first);
  g_test_add_func ("/dataset/good/no-final-newline", test_good_no_final_newline);
  g_test_add_func ("/dataset/good/label-forms", test_good_label_forms);
  g_test_add_func ("/dataset/good/inline", test_good_inline);
  g_test_add_func ("/dataset/good/stdin", test_stdin);
  g_test_add_func ("/dataset/bad/io", test_io_errors);
  g_test_add_func ("/dataset/bad/files", test_bad_files);
  g_test_add_func ("/dataset/bad/encoding", test_bad_encoding);
  g_test_add_func ("/dataset/bad/sizes", test_bad_sizes);
  g_test_add_func ("/dataset/bad/field-count", test_bad_field_count);
  g_test_add_func ("/dataset/bad/fuzz", test_fuzz);
  g_test_add_func ("/dataset/float-parsing", test_float_parsing);
  g_test_add_func ("/dataset/streaming/chunks", test_streaming);
  g_test_add_func ("/dataset/streaming/error", test_streaming_error);
  g_test_add_func ("/dataset/streaming/header-only", test_streaming_header_only);
  g_test_add_func ("/dataset/round-trip", test_round_trip);
  g_test_add_func ("/dataset/select-columns", test_select_columns);
  g_test_add_func ("/dataset/select-many-missing", test_select_many_missing);
  g_test_add_func ("/dataset/subset", test_subset);
  g_test_add_func ("/dataset/row-lines", test_row_lines);
  g_test_add_func ("/dataset/real/labelled", test_real_labelled);
  g_test_add_func ("/dataset/real/unlabelled", test_real_unlabelled);
  g_test_add_func ("/dataset/throughput", test_throughput);
  g_test_add_func ("/dataset/gaps", test_gaps);

  return g_test_run ();
}
