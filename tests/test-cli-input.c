/* test-cli-input.c — systemhealer-cli on hostile input: model files that do
 * not end where they end, limits the writer and the reader share, option
 * ranges, extreme numbers and text that must not reach a terminal raw
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <float.h>
#include <math.h>
#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "healer-test-cli.h"

static void
write_file (const char *path,
            const char *contents,
            gssize      len)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” not found in “%s”", needle, haystack);
}

/* A small labelled file and a model trained on it in a second. */
static const char *
small_csv (void)
{
  static char *path;

  if (path == NULL)
    path = cli_simulate ("small.csv", "--samples", "120", "--features", "6", "--classes", "3",
                         "--seed", "5", NULL);
  return path;
}

static const char *
small_model (void)
{
  static char *path;

  if (path == NULL)
    path = cli_train ("small-model.json", small_csv (), "--epochs", "5", "--hidden", "8",
                      "--ensemble", "1", NULL);
  return path;
}

static char *
read_model (void)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (small_model (), &text, NULL, NULL));
  return text;
}

/* ---- family 7: a model file ends where its JSON document ends ---- */

static void
assert_model_refused (const char *contents,
                      const char *name,
                      const char *message)
{
  g_autofree char *path = tmp_path (name);
  g_auto(Run) run = { 0 };

  write_file (path, contents, -1);
  run_cli (&run, "info", path, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_cmpstr (run.out, ==, "");
  assert_contains (run.err, name);
  assert_contains (run.err, message);
}

static void
test_model_trailing_content (void)
{
  g_autofree char *text = read_model ();
  g_autofree char *twice = g_strconcat (text, text, NULL);
  g_autofree char *empty_object = g_strconcat (text, " {}", NULL);
  g_autofree char *empty_array = g_strconcat (text, "[]\n", NULL);
  g_autofree char *garbage = g_strconcat (text, "garbage\n", NULL);
  g_autofree char *spaces = g_strconcat (text, "\n \t\r\n", NULL);
  g_autofree char *cut = g_strdup (text);
  g_autofree char *cut_path = tmp_path ("cut.json");
  g_autofree char *spaces_path = tmp_path ("spaces.json");
  g_auto(Run) run = { 0 };
  g_auto(Run) ok = { 0 };
  char *brace;

  /* The model ends on "}\n" (one line): the position is line 2, column 1. */
  assert_model_refused (twice, "twice.json", "twice.json:2:1: unexpected content after the end");
  assert_model_refused (empty_object, "object.json", "object.json:2:2: unexpected content");
  assert_model_refused (empty_array, "array.json", ":2:1: unexpected content");
  assert_model_refused (garbage, "garbage.json", "garbage.json:2:1: unexpected content");

  /* Without its final bracket: refused at the end of the file. */
  brace = strrchr (cut, '}');
  g_assert_nonnull (brace);
  *brace = '\0';
  write_file (cut_path, cut, -1);
  run_cli (&run, "info", cut_path, NULL);
  g_assert_cmpint (run.status, ==, 1);
  assert_contains (run.err, "cut.json:1:");
  assert_contains (run.err, "expected its closing “}”");

  /* White space after the document is fine. */
  write_file (spaces_path, spaces, -1);
  run_cli (&ok, "info", spaces_path, NULL);
  g_assert_cmpstr (ok.err, ==, "");
  g_assert_cmpint (ok.status, ==, 0);
}

/* ---- family 6: what train writes, info reads ---- */

/* A labelled CSV of @n_rows rows over @n_classes classes, with the KPI
 * header @kpi (a long name tests the name bound). */
static char *
limits_csv (const char *name,
            guint       n_rows,
            guint       n_classes,
            const char *kpi)
{
  g_autoptr(GString) text = g_string_new (NULL);
  char *path = tmp_path (name);

  g_string_append_printf (text, "sample_id,a,%s,label\n", kpi);
  for (guint i = 0; i < n_rows; i++)
    g_string_append_printf (text, "s%u,%u.5,%u,%u\n", i, i, (i * 7) % 13, i % n_classes);
  write_file (path, text->str, (gssize) text->len);
  return path;
}

/* Trains @csv with the extra options in @extra (NULL-terminated); past a
 * limit (@limit not NULL) expects exit 2 naming it and no model; at it,
 * that info reads the model back. */
static void
assert_train_refused (const char         *csv,
                      const char * const *extra,
                      const char         *limit,
                      int                 status);

static void
assert_train_limit (const char         *csv,
                    const char * const *extra,
                    const char         *limit)
{
  assert_train_refused (csv, extra, limit, 2);
}

/* Like assert_train_limit, with the exit status of a refusal: 2 for
 * settings past a bound, 1 for data past one. */
static void
assert_train_refused (const char         *csv,
                      const char * const *extra,
                      const char         *limit,
                      int                 status)
{
  g_autofree char *model = tmp_path ("limit-model.json");
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_auto(Run) train = { 0 };
  g_auto(Run) info = { 0 };

  g_remove (model);
  g_ptr_array_add (args, (gpointer) "train");
  g_ptr_array_add (args, (gpointer) csv);
  g_ptr_array_add (args, (gpointer) "-o");
  g_ptr_array_add (args, model);
  g_ptr_array_add (args, (gpointer) "--quiet");
  for (guint i = 0; extra[i] != NULL; i++)
    g_ptr_array_add (args, (gpointer) extra[i]);
  g_ptr_array_add (args, NULL);
  run_cliv (&train, (const char * const *) args->pdata);

  if (limit != NULL)
    {
      g_assert_cmpint (train.status, ==, status);
      assert_contains (train.err, limit);
      g_assert_false (g_file_test (model, G_FILE_TEST_EXISTS));
      return;
    }
  g_assert_cmpstr (train.err, ==, "");
  g_assert_cmpint (train.status, ==, 0);
  run_cli (&info, "info", model, NULL);
  g_assert_cmpstr (info.err, ==, "");
  g_assert_cmpint (info.status, ==, 0);
}

#define TRAIN_ARGS(...) ((const char * const []) { "--epochs", "1", __VA_ARGS__, NULL })

static void
test_limits_classes (void)
{
  g_autofree char *at = limits_csv ("classes-1000.csv", 1000, 1000, "b");
  g_autofree char *past = limits_csv ("classes-1001.csv", 1001, 1001, "b");
  g_autofree char *twice = limits_csv ("classes-1001x2.csv", 2002, 1001, "b");

  /* one row of each class: nothing to cross-fit, so no folds asked for
   * (train would warn that the model has no estimate) */
  assert_train_limit (at, TRAIN_ARGS ("--hidden", "2", "--ensemble", "1",
                                      "--validation-fraction", "0", "--calibration-folds", "0"),
                      NULL);
  /* Too many classes is the data's fault: exit 1 like every data error,
   * in train and in cv alike. */
  assert_train_refused (past, TRAIN_ARGS ("--hidden", "2"), "more than the 1000 a model file holds",
                        1);
  {
    g_auto(Run) cv = { 0 };

    run_cli (&cv, "cv", twice, "--folds", "2", "--repeats", "1", "--epochs", "1", "--hidden", "2",
             "--quiet", NULL);
    g_assert_cmpint (cv.status, ==, 1);
    assert_contains (cv.err, "more than the 1000 a model file holds");
  }
}

static void
test_limits_network (void)
{
  g_autofree char *csv = limits_csv ("network.csv", 30, 2, "b");

  /* The history: early stopping ends long before the millionth epoch. */
  assert_train_limit (csv, ((const char * const []) { "--epochs", "1000000", "--patience", "1",
                                                      "--hidden", "2", "--ensemble", "1",
                                                      "--validation-fraction", "0.3", NULL }),
                      NULL);
  assert_train_limit (csv, ((const char * const []) { "--epochs", "1000001", NULL }),
                      "≤ 1000000");
  assert_train_limit (csv, TRAIN_ARGS ("--hidden", "2", "--ensemble", "64"), NULL);
  assert_train_limit (csv, TRAIN_ARGS ("--hidden", "2", "--ensemble", "65"), "64");
  assert_train_limit (csv, TRAIN_ARGS ("--hidden", "65536", "--ensemble", "1"), NULL);
  assert_train_limit (csv, TRAIN_ARGS ("--hidden", "65537"), "from 1 to 65536");
  assert_train_limit (csv, TRAIN_ARGS ("--hidden", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1",
                                       "--ensemble", "1"), NULL);
  assert_train_limit (csv, TRAIN_ARGS ("--hidden", "1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1"),
                      "at most 16");
  /* The parameters of the whole ensemble (a network at the bound itself
   * would take a gigabyte to train: the bound is only probed from above). */
  assert_train_limit (csv, TRAIN_ARGS ("--hidden", "32768,1024", "--ensemble", "2"),
                      "more than the 67108864 a model can hold");
  assert_train_limit (csv, TRAIN_ARGS ("--hidden", "65536,1025", "--ensemble", "1"),
                      "more than the 67108864 a model can hold");
}

static void
test_limits_names (void)
{
  g_autofree char *long_name = g_strnfill (4096, 'k');
  g_autofree char *too_long = g_strnfill (4097, 'k');
  g_autofree char *at = limits_csv ("name-4096.csv", 30, 2, long_name);
  g_autofree char *past = limits_csv ("name-4097.csv", 30, 2, too_long);
  g_autofree char *model = tmp_path ("name-model.json");
  g_auto(Run) run = { 0 };

  assert_train_limit (at, TRAIN_ARGS ("--hidden", "2", "--ensemble", "1"), NULL);
  /* A name the CSV reader refuses never reaches a model: a data error at
   * its line and column. */
  run_cli (&run, "train", past, "-o", model, "--epochs", "1", NULL);
  g_assert_cmpint (run.status, ==, 1);
  assert_contains (run.err, "name-4097.csv:1:3: a cell longer than 4096 bytes");
  g_assert_false (g_file_test (model, G_FILE_TEST_EXISTS));
}

/* ---- family 8: every option has a checked range, stated in --help ---- */

static const char *commands[] = {
  "train", "predict", "evaluate", "info", "simulate", "explain", "cv", "project",
};

/* Runs COMMAND --OPTION=VALUE and expects a usage error that quotes @range
 * as --help states it. */
static void
assert_out_of_range (const char *command,
                     const char *option,
                     const char *value,
                     const char *range)
{
  g_autofree char *arg = g_strdup_printf ("--%s=%s", option, value);
  g_autofree char *expected = g_strdup_printf ("expected %s", range);
  g_auto(Run) run = { 0 };

  run_cli (&run, command, arg, NULL);
  g_test_message ("%s %s: %s", command, arg, run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  assert_contains (run.err, option);
  assert_contains (run.err, expected);
}

/* Every "[range]" that a command's --help states is the range checked:
 * a value just past each end is a usage error whose message quotes the
 * same range (NaN is no decimal number: test_option_decimal_only). */
static void
test_option_ranges_in_help (void)
{
  g_autoptr(GRegex) line = g_regex_new ("--([a-z-]+)=[A-Z]+ .*\\[(.*)\\]$", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GRegex) closed = g_regex_new ("^([-0-9.e]+) (≤|<) [A-Z]+ (≤|<) ([-0-9.e]+)$", 0, 0, NULL);
  g_autoptr(GRegex) open = g_regex_new ("^[A-Z]+ (≥|>) ([-0-9.e]+)$", 0, 0, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_ranges = 0;

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      g_auto(Run) help = { 0 };
      g_autoptr(GMatchInfo) m = NULL;

      run_cli (&help, commands[c], "--help", NULL);
      g_assert_cmpint (help.status, ==, 0);
      for (g_regex_match (line, help.out, 0, &m); g_match_info_matches (m); g_match_info_next (m, NULL))
        {
          g_autofree char *option = g_match_info_fetch (m, 1);
          g_autofree char *range = g_match_info_fetch (m, 2);
          g_autoptr(GMatchInfo) r = NULL;
          char low[64], high[64];

          n_ranges++;
          /* train and cv share their training options: one check each. */
          if (!g_hash_table_add (seen, g_strdup_printf ("%s=%s", option, range)))
            continue;
          if (g_regex_match (closed, range, 0, &r))
            {
              g_autofree char *lo = g_match_info_fetch (r, 1);
              g_autofree char *lo_op = g_match_info_fetch (r, 2);
              g_autofree char *hi_op = g_match_info_fetch (r, 3);
              g_autofree char *hi = g_match_info_fetch (r, 4);
              gboolean integer = strchr (lo, '.') == NULL && strchr (hi, '.') == NULL;

              /* Past an open end is the end itself; past a closed one a
               * step beyond (1 for integers, a little for fractions). */
              g_ascii_formatd (low, sizeof low, "%.17g",
                               strcmp (lo_op, "<") == 0 ? g_ascii_strtod (lo, NULL)
                               : g_ascii_strtod (lo, NULL) - (integer ? 1 : 1e-6));
              g_ascii_formatd (high, sizeof high, "%.17g",
                               strcmp (hi_op, "<") == 0 ? g_ascii_strtod (hi, NULL)
                               : g_ascii_strtod (hi, NULL) + (integer ? 1 : 1e-6));
              assert_out_of_range (commands[c], option, low, range);
              assert_out_of_range (commands[c], option, high, range);
            }
          else
            {
              g_autofree char *op = NULL;
              g_autofree char *lo = NULL;

              g_clear_pointer (&r, g_match_info_free);
              g_assert_true (g_regex_match (open, range, 0, &r));
              op = g_match_info_fetch (r, 1);
              lo = g_match_info_fetch (r, 2);
              g_ascii_formatd (low, sizeof low, "%.17g",
                               strcmp (op, ">") == 0 ? g_ascii_strtod (lo, NULL)
                               : g_ascii_strtod (lo, NULL) - 1);
              assert_out_of_range (commands[c], option, low, range);
            }
        }
    }
  /* train and cv share most; a regex that stopped matching would pass
   * vacuously. */
  g_assert_cmpuint (n_ranges, >, 40);
}

static void
test_option_contradictions (void)
{
  g_autofree char *model = tmp_path ("never.json");
  g_auto(Run) select = { 0 };
  g_auto(Run) ratio = { 0 };
  g_auto(Run) nan = { 0 };
  g_auto(Run) chunk = { 0 };
  g_auto(Run) huge = { 0 };

  run_cli (&select, "train", small_csv (), "-o", model, "--no-select", "--select-k", "5", NULL);
  g_assert_cmpint (select.status, ==, 2);
  assert_contains (select.err, "--no-select and --select-k contradict each other");
  run_cli (&ratio, "cv", small_csv (), "--select-ratio=0.5", "--no-select", NULL);
  g_assert_cmpint (ratio.status, ==, 2);
  assert_contains (ratio.err, "--no-select and --select-ratio contradict each other");
  g_assert_false (g_file_test (model, G_FILE_TEST_EXISTS));

  run_cli (&nan, "project", small_model (), small_csv (), "-m", "tsne", "-p", "nan", NULL);
  g_assert_cmpint (nan.status, ==, 2);
  assert_contains (nan.err, "--perplexity “nan” is not a number in decimal");

  run_cli (&chunk, "predict", small_model (), small_csv (), "--chunk-rows", "2000000000", NULL);
  g_assert_cmpint (chunk.status, ==, 2);
  assert_contains (chunk.err, "--chunk-rows 2000000000 is out of range; expected 1 ≤ N ≤ 100000");
  run_cli (&huge, "predict", small_model (), small_csv (), "--chunk-rows", "100000", NULL);
  g_assert_cmpstr (huge.err, ==, "");
  g_assert_cmpint (huge.status, ==, 0);
  /* 0 KPIs per list was taken for the default of 10, silently */
  {
    g_auto(Run) top = { 0 };

    run_cli (&top, "explain", small_model (), "-n", "0", NULL);
    g_assert_cmpint (top.status, ==, 2);
    assert_contains (top.err, "--top 0 is out of range; expected N ≥ 1");
  }
  /* an empty file name is a usage error, named as such */
  {
    g_auto(Run) input = { 0 };
    g_auto(Run) output = { 0 };

    run_cli (&input, "predict", small_model (), "", NULL);
    g_assert_cmpint (input.status, ==, 2);
    assert_contains (input.err, "an input file name is empty");
    run_cli (&output, "train", small_csv (), "-o", "", NULL);
    g_assert_cmpint (output.status, ==, 2);
    assert_contains (output.err, "--output has an empty file name");
  }
  /* the value as given, not its 17 digits (0.40000000000000002) */
  {
    g_auto(Run) coverage = { 0 };

    run_cli (&coverage, "predict", small_model (), small_csv (), "--coverage", "0.4", NULL);
    g_assert_cmpint (coverage.status, ==, 2);
    assert_contains (coverage.err, "--coverage 0.4 is out of range; expected 0.5 ≤ FRACTION ≤ 0.999");
  }
}

/* --sample with an id that two rows share names no one sample: refused,
 * with both rows, instead of explaining the first of them. */
static void
test_explain_duplicate_id (void)
{
  g_autofree char *text = NULL;
  g_autofree char *dup = tmp_path ("duplicate-id.csv");
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) first = NULL;
  g_autofree char *second_rest = NULL;
  g_autofree char *joined = NULL;
  g_auto(Run) run = { 0 };
  g_auto(Run) one = { 0 };

  g_assert_true (g_file_get_contents (small_csv (), &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_assert_true (g_strv_length (lines) > 3);
  /* the third line (second row) takes the id of the second (first row) */
  first = g_strsplit (lines[1], ",", 2);
  second_rest = g_strdup (strchr (lines[2], ','));
  g_free (lines[2]);
  lines[2] = g_strconcat (first[0], second_rest, NULL);
  joined = g_strjoinv ("\n", lines);
  write_file (dup, joined, -1);

  run_cli (&run, "explain", small_model (), dup, "--sample", first[0], NULL);
  g_assert_cmpint (run.status, ==, 1);
  assert_contains (run.err, "on more than one row (rows 1 and 2,");
  /* a row of its own is explained as before */
  run_cli (&one, "explain", small_model (), small_csv (), "--sample", first[0], NULL);
  g_assert_cmpint (one.status, ==, 0);
}

/* A data file is named as it was typed: "sub/bad.csv:2:2" points at the
 * file where "bad.csv:2:2" would leave the operator to guess which one,
 * and /dev/null is not "null".  Every command reads through one reader. */
static void
test_text_file_named_as_typed (void)
{
  g_autofree char *cwd = g_get_current_dir ();
  g_autofree char *sub = tmp_path ("typed");
  g_autofree char *bad = g_build_filename (sub, "bad.csv", NULL);
  const char *const cmds[] = { "train", "predict", "evaluate", "cv", "project" };
  /* An empty file named by a path that is not a file name's last part. */
#ifdef G_OS_UNIX
  const char *empty = "/dev/null";
#else
  const char *empty = "typed/empty.csv";
#endif
  g_autofree char *empty_says = g_strconcat (empty, ":1:1: file is empty", NULL);

  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  write_file (bad, "sample_id,feature0,feature1,label\n1,abc,2,0\n", -1);
#ifndef G_OS_UNIX
  {
    g_autofree char *empty_path = g_build_filename (sub, "empty.csv", NULL);

    write_file (empty_path, "", 0);
  }
#endif
  g_assert_cmpint (g_chdir (tmpdir), ==, 0);
  for (guint i = 0; i < G_N_ELEMENTS (cmds); i++)
    {
      g_auto(Run) run = { 0 };
      g_auto(Run) null_run = { 0 };
      gboolean with_model = !g_str_equal (cmds[i], "train") && !g_str_equal (cmds[i], "cv");
      /* train needs somewhere to write, which must stay unwritten */
      const char *out = g_str_equal (cmds[i], "train") ? "-o" : NULL;

      g_test_message ("%s", cmds[i]);
      if (with_model)
        {
          run_cli (&run, cmds[i], small_model (), "typed/bad.csv", NULL);
          run_cli (&null_run, cmds[i], small_model (), empty, NULL);
        }
      else
        {
          run_cli (&run, cmds[i], "typed/bad.csv", out, "typed/m.json", NULL);
          run_cli (&null_run, cmds[i], empty, out, "typed/m.json", NULL);
        }
      g_assert_cmpint (run.status, ==, 1);
      assert_contains (run.err, "typed/bad.csv:2:2: “abc” in column “feature0” is not a number");
      g_assert_cmpint (null_run.status, ==, 1);
      assert_contains (null_run.err, empty_says);
      g_assert_false (g_file_test ("typed/m.json", G_FILE_TEST_EXISTS));
    }
  g_assert_cmpint (g_chdir (cwd), ==, 0);
}

/* Splits one CSV line whose quoted cells hold no quotes or line breaks. */
static GStrv
split_csv_line (const char *line)
{
  g_autoptr(GPtrArray) cells = g_ptr_array_new ();
  g_autoptr(GString) cell = g_string_new (NULL);
  gboolean quoted = FALSE;

  for (const char *p = line;; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if ((*p == ',' && !quoted) || *p == '\0')
        {
          g_ptr_array_add (cells, g_strdup (cell->str));
          g_string_truncate (cell, 0);
          if (*p == '\0')
            break;
        }
      else
        g_string_append_c (cell, *p);
    }
  g_ptr_array_add (cells, NULL);
  return (GStrv) g_ptr_array_steal (cells, NULL);
}

/* explain --sample gives a row the same uncertain flag and reason as
 * predict: a diagnosis is not "sure" in one command and "uncertain" in the
 * other. The rows cover each reason: far out of range, missing where
 * training never lacked the KPI, everything missing, and plain rows. */
static void
test_explain_agrees_with_predict (void)
{
  g_autofree char *csv = cli_simulate ("agree.csv", "--samples", "150", "--features", "6",
                                       "--classes", "2", "--seed", "9", "--missing-rate", "0", NULL);
  g_autofree char *model = cli_train ("agree.json", csv, "--epochs", "80", "--hidden", "16",
                                      "--ensemble", "1", NULL);
  g_autofree char *batch = tmp_path ("agree-batch.csv");
  g_autofree char *text = NULL;
  g_autofree char *results = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) out_lines = NULL;
  g_auto(GStrv) header = NULL;
  g_autoptr(GString) rows = g_string_new (NULL);
  g_auto(Run) predict = { 0 };
  int col_uncertain = -1, col_reason = -1;
  guint n_far = 0, n_missing = 0, n_sure = 0;

  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  g_string_append_printf (rows, "%s\n", lines[0]);
  for (guint i = 1; i <= 9 && lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);
      guint n = g_strv_length (cells);

      /* cells: sample_id, 6 KPIs, label */
      if (i % 3 == 1)
        {
          g_free (cells[1 + i % 6]);
          cells[1 + i % 6] = g_strdup ("1e30");
        }
      else if (i == 2)
        {
          g_free (cells[3]);
          cells[3] = g_strdup ("");
        }
      else if (i == 3)
        for (guint c = 1; c + 1 < n; c++)
          {
            g_free (cells[c]);
            cells[c] = g_strdup ("");
          }
      {
        g_autofree char *joined = g_strjoinv (",", cells);

        g_string_append_printf (rows, "%s\n", joined);
      }
    }
  write_file (batch, rows->str, -1);

  run_cli (&predict, "predict", model, batch, NULL);
  g_assert_cmpint (predict.status, ==, 0);
  results = g_strdup (predict.out);
  out_lines = g_strsplit (results, "\n", -1);
  header = g_strsplit (out_lines[0], ",", -1);
  for (int c = 0; header[c] != NULL; c++)
    {
      if (g_str_equal (header[c], "uncertain"))
        col_uncertain = c;
      if (g_str_equal (header[c], "uncertain_reason"))
        col_reason = c;
    }
  g_assert_cmpint (col_uncertain, >=, 0);
  g_assert_cmpint (col_reason, >, col_uncertain);

  for (guint i = 1; out_lines[i] != NULL && *out_lines[i] != '\0'; i++)
    {
      g_auto(GStrv) cells = split_csv_line (out_lines[i]);
      g_auto(Run) explain = { 0 };
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      JsonObject *o;
      gboolean uncertain = g_str_equal (cells[col_uncertain], "1");

      run_cli (&explain, "explain", model, batch, "--sample", cells[0], "--json", NULL);
      g_assert_cmpint (explain.status, ==, 0);
      json_parser_load_from_data (parser, explain.out, -1, &error);
      g_assert_no_error (error);
      o = json_node_get_object (json_parser_get_root (parser));
      g_test_message ("%s: predict %s “%s”", cells[0], cells[col_uncertain], cells[col_reason]);
      g_assert_cmpint (json_object_get_boolean_member (o, "uncertain"), ==, uncertain);
      g_assert_cmpstr (json_object_get_string_member (o, "uncertain_reason"), ==, cells[col_reason]);
      n_far += strstr (cells[col_reason], "out of range: ") != NULL;
      n_missing += strstr (cells[col_reason], "missing: ") != NULL;
      n_sure += !uncertain;
    }
  /* The file holds every kind, so the comparison covers each. */
  g_assert_cmpuint (n_far, >=, 2);
  g_assert_cmpuint (n_missing, >=, 2);
  g_assert_cmpuint (n_sure, >=, 1);

  /* A row with every KPI missing has no driver to rank: said in words,
   * not shown as a table with no rows. */
  {
    g_auto(Run) empty = { 0 };

    run_cli (&empty, "explain", model, batch, "--sample", "sim-000003", NULL);
    g_assert_cmpint (empty.status, ==, 0);
    assert_contains (empty.out, "No single KPI stands out");
    g_assert_null (strstr (empty.out, "diagnosis without it"));
    assert_contains (empty.out, "uncertain: ");
  }
}

/* "--" ends the options: a file whose name starts with "-" can be named. */
static void
test_option_double_dash (void)
{
  g_autofree char *text = read_model ();
  g_autofree char *dashed = tmp_path ("-dashed.json");
  g_autofree char *cwd = g_get_current_dir ();
  g_auto(Run) run = { 0 };
  g_auto(Run) unknown = { 0 };

  write_file (dashed, text, -1);
  g_assert_cmpint (g_chdir (tmpdir), ==, 0);
  run_cli (&run, "info", "--", "-dashed.json", NULL);
  run_cli (&unknown, "info", "-dashed.json", NULL);
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  g_assert_cmpstr (run.err, ==, "");
  g_assert_cmpint (run.status, ==, 0);
  assert_contains (run.out, "-dashed.json");
  g_assert_cmpint (unknown.status, ==, 2);
}

/* Runs COMMAND --OPTION=VALUE and expects a usage error that quotes
 * @value as no number in decimal (@whole: no whole number). */
static void
assert_not_decimal (const char *command,
                    const char *option,
                    const char *value,
                    gboolean    whole)
{
  g_autofree char *arg = g_strdup_printf ("--%s=%s", option, value);
  g_autofree char *expected = g_strdup_printf ("--%s “%s” is not a %s in decimal", option, value,
                                               whole ? "whole number" : "number");
  g_auto(Run) run = { 0 };

  run_cli (&run, command, arg, NULL);
  g_test_message ("%s %s: %s", command, arg, run.err);
  g_assert_cmpint (run.status, ==, 2);
  g_assert_cmpstr (run.out, ==, "");
  assert_contains (run.err, expected);
}

/* The options that take a fraction; every other option with a range in
 * --help takes a whole number. */
static gboolean
is_fraction_option (const char *option)
{
  static const char *fractions[] = {
    "learning-rate", "momentum", "weight-decay", "dropout", "input-noise", "label-smoothing",
    "validation-fraction", "select-ratio", "coverage", "missing-rate", "noise", "perplexity",
  };

  for (guint i = 0; i < G_N_ELEMENTS (fractions); i++)
    if (strcmp (fractions[i], option) == 0)
      return TRUE;
  return FALSE;
}

/* GOption read integers with strtol (…, 0): "010" was 8 (simulate -n 010
 * wrote 8 rows), "08" no number at all, "0x10" 16; and doubles with
 * strtod, which takes "0x1p3", "inf" and leading blanks. Every option with
 * a range in any command's --help is read in decimal only: leading zeros
 * are decimal (the out-of-range message shows the value read), and the
 * other forms are usage errors that quote the text. */
static void
test_option_decimal_only (void)
{
  static const char *not_decimal[] = {
    "0x10", "0X1f", "0x1p3", "nan", "inf", "-infinity", " 1", "1 ", "", "+", "1e", "0b1", "1,5",
  };
  static const char *not_whole[] = { "1e3", "1.0", ".5" };
  g_autoptr(GRegex) line = g_regex_new ("--([a-z-]+)=[A-Z]+ .*\\[(.*)\\]$", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GRegex) closed = g_regex_new ("^[-0-9.e]+ (≤|<) [A-Z]+ (≤|<) ([0-9]+)$", 0, 0, NULL);
  g_autoptr(GRegex) open = g_regex_new ("^[A-Z]+ (≥|>) ([0-9]+)$", 0, 0, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_whole = 0, n_fraction = 0;

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      g_auto(Run) help = { 0 };
      g_autoptr(GMatchInfo) m = NULL;

      run_cli (&help, commands[c], "--help", NULL);
      g_assert_cmpint (help.status, ==, 0);
      for (g_regex_match (line, help.out, 0, &m); g_match_info_matches (m); g_match_info_next (m, NULL))
        {
          g_autofree char *option = g_match_info_fetch (m, 1);
          g_autofree char *range = g_match_info_fetch (m, 2);
          g_autoptr(GMatchInfo) r = NULL;
          gboolean whole = !is_fraction_option (option);

          /* train and cv share their training options: one check each. */
          if (!g_hash_table_add (seen, g_strdup_printf ("%s=%s", option, range)))
            continue;
          if (whole)
            n_whole++;
          else
            n_fraction++;
          for (guint i = 0; i < G_N_ELEMENTS (not_decimal); i++)
            assert_not_decimal (commands[c], option, not_decimal[i], whole);
          for (guint i = 0; whole && i < G_N_ELEMENTS (not_whole); i++)
            assert_not_decimal (commands[c], option, not_whole[i], TRUE);

          /* Leading zeros on a value past the upper end ("0100001" was
           * 32769 in octal, inside 1 ≤ N ≤ 100000), or on a negative one
           * below an open range ("-08" was no number). */
          if (g_regex_match (closed, range, 0, &r))
            {
              g_autofree char *op = g_match_info_fetch (r, 2);
              g_autofree char *hi = g_match_info_fetch (r, 3);
              gint64 past = g_ascii_strtoll (hi, NULL, 10) + (strcmp (op, "<") == 0 ? 0 : 1);
              g_autofree char *arg = g_strdup_printf ("--%s=00%" G_GINT64_FORMAT, option, past);
              g_autofree char *expected = g_strdup_printf ("--%s %" G_GINT64_FORMAT " is out of "
                                                           "range; expected %s", option, past,
                                                           range);
              g_auto(Run) run = { 0 };

              run_cli (&run, commands[c], arg, NULL);
              g_assert_cmpint (run.status, ==, 2);
              assert_contains (run.err, expected);
            }
          else if (g_match_info_free (r), r = NULL, g_regex_match (open, range, 0, &r))
            {
              g_auto(Run) run = { 0 };
              g_autofree char *arg = g_strdup_printf ("--%s=-08", option);
              g_autofree char *expected = g_strdup_printf ("--%s -8 is out of range; expected %s",
                                                           option, range);

              run_cli (&run, commands[c], arg, NULL);
              g_assert_cmpint (run.status, ==, 2);
              assert_contains (run.err, expected);
            }
        }
    }
  /* A regex that stopped matching would pass vacuously. */
  g_test_message ("%u whole-number and %u fraction options", n_whole, n_fraction);
  g_assert_cmpuint (n_whole, >=, 20);
  g_assert_cmpuint (n_fraction, ==, 12);

  /* Leading zeros and a plus sign read as decimal, in the files written:
   * the same as the plain numbers, byte for byte. */
  {
    g_autofree char *zeros = tmp_path ("decimal-zeros.csv");
    g_autofree char *plain = tmp_path ("decimal-plain.csv");
    g_autofree char *zeros_model = tmp_path ("decimal-zeros.json");
    g_autofree char *plain_model = tmp_path ("decimal-plain.json");
    g_autofree char *a = NULL;
    g_autofree char *b = NULL;
    g_auto(Run) sim_zeros = { 0 };
    g_auto(Run) sim_plain = { 0 };
    g_auto(Run) train_zeros = { 0 };
    g_auto(Run) train_plain = { 0 };
    g_auto(Run) chunk = { 0 };
    g_auto(Run) whole = { 0 };
    g_auto(GStrv) lines = NULL;

    run_cli (&sim_zeros, "simulate", "-o", zeros, "-n", "010", "--features", "08",
             "--classes", "+03", "--seed", "09", "--missing-rate", "00.10", NULL);
    g_assert_cmpstr (sim_zeros.err, ==, "");
    g_assert_cmpint (sim_zeros.status, ==, 0);
    run_cli (&sim_plain, "simulate", "-o", plain, "-n", "10", "--features", "8",
             "--classes", "3", "--seed", "9", "--missing-rate", "0.1", NULL);
    g_assert_cmpint (sim_plain.status, ==, 0);
    g_assert_true (g_file_get_contents (zeros, &a, NULL, NULL));
    g_assert_true (g_file_get_contents (plain, &b, NULL, NULL));
    g_assert_cmpstr (a, ==, b);
    lines = g_strsplit (a, "\n", -1);
    g_assert_cmpuint (g_strv_length (lines), ==, 12);      /* a header, 10 rows, "" */
    g_clear_pointer (&a, g_free);
    g_clear_pointer (&b, g_free);

    run_cli (&train_zeros, "train", small_csv (), "-o", zeros_model, "-q", "--seed", "010",
             "--epochs", "02", "--hidden", "8", "--ensemble", "01", NULL);
    g_assert_cmpint (train_zeros.status, ==, 0);
    run_cli (&train_plain, "train", small_csv (), "-o", plain_model, "-q", "--seed", "10",
             "--epochs", "2", "--hidden", "8", "--ensemble", "1", NULL);
    g_assert_cmpint (train_plain.status, ==, 0);
    g_assert_true (g_file_get_contents (zeros_model, &a, NULL, NULL));
    g_assert_true (g_file_get_contents (plain_model, &b, NULL, NULL));
    /* but for the time each was written */
    {
      g_autoptr(GRegex) created = g_regex_new ("\"created\":\"[^\"]*\"", 0, 0, NULL);
      g_autofree char *a_timeless = g_regex_replace_literal (created, a, -1, 0, "", 0, NULL);
      g_autofree char *b_timeless = g_regex_replace_literal (created, b, -1, 0, "", 0, NULL);

      g_assert_cmpstr (a_timeless, ==, b_timeless);
      g_assert_nonnull (strstr (a_timeless, "\"seed\":\"10\""));
    }

    run_cli (&chunk, "predict", small_model (), small_csv (), "--chunk-rows", "0x10", NULL);
    g_assert_cmpint (chunk.status, ==, 2);
    g_assert_cmpstr (chunk.out, ==, "");
    assert_contains (chunk.err, "--chunk-rows “0x10” is not a whole number in decimal");
    run_cli (&whole, "predict", small_model (), small_csv (), "--chunk-rows", "08", NULL);
    g_assert_cmpstr (whole.err, ==, "");
    g_assert_cmpint (whole.status, ==, 0);
  }

  /* Past what the type holds: the range when it has an end, the most the
   * option can take when it has none. */
  {
    g_auto(Run) epochs = { 0 };
    g_auto(Run) seed = { 0 };
    g_auto(Run) noise = { 0 };

    run_cli (&epochs, "train", "--epochs", "99999999999", NULL);
    g_assert_cmpint (epochs.status, ==, 2);
    assert_contains (epochs.err, "--epochs 99999999999 is out of range; expected 1 ≤ N ≤");
    run_cli (&seed, "train", "--seed", "99999999999999999999", NULL);
    g_assert_cmpint (seed.status, ==, 2);
    assert_contains (seed.err, "--seed 99999999999999999999 is too large; the most is "
                               "9223372036854775807");
    run_cli (&noise, "simulate", "--noise", "1e999", NULL);
    g_assert_cmpint (noise.status, ==, 2);
    assert_contains (noise.err, "--noise 1e999 is out of range; expected 0 ≤ F ≤ 1000");
  }
}

/* A switch takes no value: GOption took "--json=false" for --json, and
 * printed JSON. Every switch in every command's --help is tried with a
 * value; after "--" the same text is an argument like any other. */
static void
test_option_switch_value (void)
{
  g_autoptr(GRegex) line = g_regex_new ("^  (?:-[a-z], )?--([a-z-]+)  ", G_REGEX_MULTILINE, 0, NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_switches = 0;

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    {
      g_auto(Run) help = { 0 };
      g_autoptr(GMatchInfo) m = NULL;

      run_cli (&help, commands[c], "--help", NULL);
      g_assert_cmpint (help.status, ==, 0);
      for (g_regex_match (line, help.out, 0, &m); g_match_info_matches (m); g_match_info_next (m, NULL))
        {
          g_autofree char *option = g_match_info_fetch (m, 1);
          const char *values[] = { "false", "", "0" };

          if (strcmp (option, "help") == 0 ||
              !g_hash_table_add (seen, g_strdup_printf ("%s %s", commands[c], option)))
            continue;
          n_switches++;
          for (guint v = 0; v < G_N_ELEMENTS (values); v++)
            {
              g_autofree char *arg = g_strdup_printf ("--%s=%s", option, values[v]);
              g_autofree char *expected = g_strdup_printf ("--%s takes no value, but was given "
                                                           "“%s”", option, values[v]);
              g_auto(Run) run = { 0 };

              run_cli (&run, commands[c], arg, NULL);
              g_test_message ("%s %s: %s", commands[c], arg, run.err);
              g_assert_cmpint (run.status, ==, 2);
              g_assert_cmpstr (run.out, ==, "");
              assert_contains (run.err, expected);
            }
        }
    }
  g_test_message ("%u switches", n_switches);
  /* nine each in train and cv */
  g_assert_cmpuint (n_switches, >=, 24);

  {
    g_auto(Run) info = { 0 };
    g_auto(Run) evaluate = { 0 };
    g_auto(Run) predict = { 0 };
    g_auto(Run) dashed = { 0 };
    g_auto(Run) plain = { 0 };

    run_cli (&info, "info", "--json=false", small_model (), NULL);
    g_assert_cmpint (info.status, ==, 2);
    g_assert_cmpstr (info.out, ==, "");
    run_cli (&evaluate, "evaluate", small_model (), small_csv (), "--json=no", NULL);
    g_assert_cmpint (evaluate.status, ==, 2);
    g_assert_cmpstr (evaluate.out, ==, "");
    assert_contains (evaluate.err, "--json takes no value, but was given “no”; give --json alone");
    run_cli (&predict, "predict", small_model (), small_csv (), "-o", "/dev/null", "--json=0", NULL);
    g_assert_cmpint (predict.status, ==, 2);
    g_assert_cmpstr (predict.out, ==, "");
    /* after "--", a file name */
    run_cli (&dashed, "info", "--", "--json=false", NULL);
    g_assert_cmpint (dashed.status, ==, 1);
    assert_contains (dashed.err, "--json=false");
    /* the switch alone, as before */
    run_cli (&plain, "info", "--json", small_model (), NULL);
    g_assert_cmpint (plain.status, ==, 0);
    g_assert_true (g_str_has_prefix (plain.out, "{"));
  }
}

/* ---- family 5: numbers stay finite ---- */

static void
assert_all_finite (const char *text,
                   const char *what)
{
  g_autoptr(GRegex) bad = g_regex_new ("(^|[^a-z])-?(nan|inf)([^a-z]|$)",
                                       G_REGEX_CASELESS | G_REGEX_MULTILINE, 0, NULL);

  if (g_regex_match (bad, text, 0, NULL))
    g_error ("%s printed a non-finite number:\n%s", what, text);
}

/* Rows whose every KPI is at the float extremes, labelled 0, 1, 2, 0. */
static char *
extreme_csv (void)
{
  static const char *values[] = { "3e38", "-3e38", "1e30", "-1e-45" };
  g_autofree char *contents = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_auto(GStrv) header = NULL;
  char *path = tmp_path ("extreme.csv");
  char *eol;

  g_assert_true (g_file_get_contents (small_csv (), &contents, NULL, NULL));
  eol = strchr (contents, '\n');
  g_assert_nonnull (eol);
  *eol = '\0';
  header = g_strsplit (contents, ",", -1);
  g_string_append_printf (text, "%s\n", contents);
  for (guint r = 0; r < G_N_ELEMENTS (values); r++)
    {
      for (guint c = 0; header[c] != NULL; c++)
        {
          if (c > 0)
            g_string_append_c (text, ',');
          if (strcmp (header[c], "sample_id") == 0)
            g_string_append_printf (text, "x%u", r);
          else if (strcmp (header[c], "label") == 0)
            g_string_append_printf (text, "%u", r % 3);
          else
            g_string_append (text, values[r]);
        }
      g_string_append_c (text, '\n');
    }
  write_file (path, text->str, (gssize) text->len);
  return path;
}

/* predict, evaluate and explain on @model and @csv print only finite
 * numbers (or @model is refused, when @may_refuse). */
static void
assert_model_finite (const char *model,
                     const char *csv,
                     gboolean    may_refuse,
                     gboolean    flag_rows)
{
  g_auto(Run) predict = { 0 };
  g_auto(Run) evaluate = { 0 };
  g_auto(Run) json = { 0 };
  g_auto(Run) explain = { 0 };
  g_auto(GStrv) lines = NULL;

  run_cli (&predict, "predict", model, csv, NULL);
  if (may_refuse && predict.status == 1)
    return;
  g_assert_cmpstr (predict.err, ==, "");
  g_assert_cmpint (predict.status, ==, 0);
  assert_all_finite (predict.out, "predict");
  /* Rows millions of standard deviations out are flagged uncertain. */
  lines = g_strsplit (predict.out, "\n", -1);
  for (guint i = 1; flag_rows && i <= 2; i++)
    {
      g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);

      g_assert_cmpstr (cells[4], ==, "1");   /* uncertain */
    }

  run_cli (&evaluate, "evaluate", model, csv, NULL);
  g_assert_cmpint (evaluate.status, ==, 0);
  assert_all_finite (evaluate.out, "evaluate");
  g_assert_true (g_regex_match_simple ("^Log-loss: +[0-9]", evaluate.out, G_REGEX_MULTILINE, 0));
  run_cli (&json, "evaluate", "--json", model, csv, NULL);
  g_assert_cmpint (json.status, ==, 0);
  assert_all_finite (json.out, "evaluate --json");
  g_assert_null (strstr (json.out, "null"));

  run_cli (&explain, "explain", model, csv, "--sample", "x0", NULL);
  g_assert_cmpint (explain.status, ==, 0);
  assert_all_finite (explain.out, "explain");
}

static void
test_finite_extreme_rows (void)
{
  static const char *transforms[] = { "none", "signed-log", "quantile", "ple" };
  g_autofree char *csv = extreme_csv ();

  for (guint t = 0; t < G_N_ELEMENTS (transforms); t++)
    {
      g_autofree char *model = tmp_path ("extreme-model.json");
      g_auto(Run) train = { 0 };

      run_cli (&train, "train", small_csv (), "-o", model, "--epochs", "3", "--hidden", "8",
               "--ensemble", "2", "--transform", transforms[t], "--quiet", NULL);
      g_assert_cmpint (train.status, ==, 0);
      g_test_message ("transform %s", transforms[t]);
      assert_model_finite (model, csv, FALSE, TRUE);
    }
}

/* A forged model: finite but absurd values, with a valid checksum. */
static char *
absurd_model (const char *name,
              float       scale,
              float       weight)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  JsonObject *root;
  char *path = tmp_path (name);

  json_parser_load_from_file (parser, small_model (), &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));

  if (scale != 0.0f)
    {
      JsonObject *pre = json_object_get_object_member (root, "preprocessing");
      gsize len;
      g_autofree guchar *raw = g_base64_decode (json_object_get_string_member (pre, "scale"), &len);
      float v = scale;

      g_autofree char *encoded = NULL;

      for (gsize i = 0; i + 4 <= len; i += 4)
        memcpy (raw + i, &v, 4);   /* the tests run little-endian */
      encoded = g_base64_encode (raw, len);
      json_object_set_string_member (pre, "scale", encoded);
    }
  if (weight != 0.0f)
    {
      JsonArray *members = json_object_get_array_member (root, "ensemble");

      for (guint m = 0; m < json_array_get_length (members); m++)
        {
          JsonObject *member = json_array_get_object_element (members, m);
          gsize len;
          g_autofree guchar *raw = g_base64_decode (json_object_get_string_member (member, "params"),
                                                    &len);

          for (gsize i = 0; i + 4 <= len; i += 4)
            {
              float v = (i / 4) % 2 ? weight : -weight;

              memcpy (raw + i, &v, 4);
            }
          g_autofree char *encoded = g_base64_encode (raw, len);

          g_checksum_update (sum, raw, len);
          json_object_set_string_member (member, "params", encoded);
        }
      json_object_set_string_member (root, "weights_sha256", g_checksum_get_string (sum));
    }
  json_generator_set_root (gen, json_parser_get_root (parser));
  json_generator_to_file (gen, path, &error);
  g_assert_no_error (error);
  return path;
}

/* Every command that reads @model refuses it, naming the member. */
static void
assert_model_refused_by_all (const char *model,
                      const char *csv,
                      const char *member)
{
  g_auto(Run) info = { 0 };
  g_auto(Run) predict = { 0 };
  g_auto(Run) evaluate = { 0 };
  g_auto(Run) explain = { 0 };

  run_cli (&info, "info", model, NULL);
  run_cli (&predict, "predict", model, csv, NULL);
  run_cli (&evaluate, "evaluate", model, csv, NULL);
  run_cli (&explain, "explain", model, NULL);
  for (Run *r = &info; r != NULL; r = r == &info ? &predict : r == &predict ? &evaluate
                                    : r == &evaluate ? &explain : NULL)
    {
      g_assert_cmpint (r->status, ==, 1);
      assert_contains (r->err, member);
      g_assert_cmpstr (r->out, ==, "");
    }
}

/* Finite but absurd values no training writes (a subnormal scale, weights
 * of 3e38) are refused by the loader where they are; at the bounds
 * (scale FLT_MIN, weights ±1e9) a model loads and its output stays finite. */
static void
test_finite_absurd_model (void)
{
  g_autofree char *csv = extreme_csv ();
  g_autofree char *scale = absurd_model ("absurd-scale.json", 1e-45f, 0.0f);
  g_autofree char *scale_39 = absurd_model ("absurd-scale-39.json", 1e-39f, 0.0f);
  g_autofree char *weights = absurd_model ("absurd-weights.json", 0.0f, 3e38f);
  g_autofree char *past = absurd_model ("absurd-weights-past.json", 0.0f, 1.5e9f);
  g_autofree char *both = absurd_model ("absurd-both.json", FLT_MIN, 1e9f);

  assert_model_refused_by_all (scale, csv, "member \"preprocessing.scale\": element 0 (counting from 0) is 1.4013e-45; "
                        "scales must be at least 1.17549e-38");
  assert_model_refused_by_all (scale_39, csv, "member \"preprocessing.scale\"");
  assert_model_refused_by_all (weights, csv, "member \"ensemble[0].params\": element 0 (counting from 0) is -3e+38; "
                        "no training writes a weight beyond ±1e+09");
  assert_model_refused_by_all (past, csv, "member \"ensemble[0].params\"");
  assert_model_finite (both, csv, FALSE, FALSE);
}

/* The loader's new bounds hold for whatever train writes: a subnormal
 * spread is a constant column (scale 1), and weights that grow past ±1e9
 * end the run as diverged rather than in a model info refuses. */
static void
test_limits_absurd_training (void)
{
  g_autofree char *sub = tmp_path ("subnormal.csv");
  g_autofree char *wide = tmp_path ("wide-spread.csv");
  g_autofree char *csv = limits_csv ("lr.csv", 60, 3, "b");
  const char *optimizers[] = { "adam", "sgd" };

  write_file (sub, "a,b,label\n1e-40,1,0\n2e-40,2,1\n1e-40,3,0\n3e-40,4,1\n2e-40,1,0\n"
              "1e-40,2,1\n", -1);
  assert_train_limit (sub, TRAIN_ARGS ("--hidden", "2", "--no-select", "--calibration-folds", "0"),
                      NULL);
  /* Values the reader takes, whose spread is past the float range (an IQR
   * of 4e38): the model records the largest float, which info reads back. */
  write_file (wide, "a,b,label\n2e38,1,0\n-2e38,2,1\n2e38,3,0\n-2e38,4,1\n2e38,1,0\n"
              "-2e38,2,1\n-3.4e38,1,0\n3.4e38,2,1\n", -1);
  assert_train_limit (wide, TRAIN_ARGS ("--hidden", "2", "--no-select", "--calibration-folds", "0"),
                      NULL);
  for (guint i = 0; i < G_N_ELEMENTS (optimizers); i++)
    {
      g_autofree char *model = tmp_path ("lr-model.json");
      g_auto(Run) train = { 0 };
      g_auto(Run) info = { 0 };

      g_remove (model);
      run_cli (&train, "train", csv, "-o", model, "--quiet", "--learning-rate", "1000000",
               "--optimizer", optimizers[i], "--epochs", "5", "--hidden", "8",
               "--calibration-folds", "0", NULL);
      if (train.status == 1)
        {
          assert_contains (train.err, "diverged");
          g_assert_false (g_file_test (model, G_FILE_TEST_EXISTS));
          continue;
        }
      g_assert_cmpint (train.status, ==, 0);
      run_cli (&info, "info", model, NULL);
      g_assert_cmpstr (info.err, ==, "");
      g_assert_cmpint (info.status, ==, 0);
    }
}

/* A run that diverges keeps its best weights, and those are cross-fitted
 * like any others: the model carries the estimate of what they are worth
 * and predict flags what they cannot tell. They were not: with an SGD
 * learning rate of 1000 the weights kept from epoch 1 were right for 6 %
 * of the rows, and predict diagnosed every row with confidence 1, none
 * flagged. Or, when a fold diverges before its first epoch ends, train
 * fails with the reason and writes no model. */
static void
test_diverged_model_says_so (void)
{
  g_autofree char *csv = tmp_path ("diverge.csv");
  g_autofree char *model = tmp_path ("diverge-model.json");
  g_autofree char *out = tmp_path ("diverge-pred.csv");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(Run) sim = { 0 };
  g_auto(Run) train = { 0 };
  g_auto(Run) pred = { 0 };
  JsonObject *summary;

  run_cli (&sim, "simulate", "-o", csv, "-n", "600", "--features", "20", "--classes", "6",
           "--seed", "1", NULL);
  g_assert_cmpint (sim.status, ==, 0);
  g_remove (model);
  run_cli (&train, "train", csv, "-o", model, "--quiet", "--learning-rate", "1000",
           "--optimizer", "sgd", "--epochs", "5", "--ensemble", "1", NULL);
  assert_contains (train.err, "diverged");
  if (train.status == 1)
    {
      g_assert_false (g_file_test (model, G_FILE_TEST_EXISTS));
      return;
    }
  g_assert_cmpint (train.status, ==, 0);
  /* the estimate is there, and says it */
  assert_contains (train.out, "Estimate from 5-fold cross-fitting");

  run_cli (&pred, "predict", model, csv, "-o", out, "--json", NULL);
  g_assert_cmpint (pred.status, ==, 0);
  json_parser_load_from_data (parser, pred.out, -1, &error);
  g_assert_no_error (error);
  summary = json_node_get_object (json_parser_get_root (parser));
  g_test_message ("%" G_GINT64_FORMAT " of %" G_GINT64_FORMAT " rows flagged uncertain",
                  json_object_get_int_member (summary, "uncertain"),
                  json_object_get_int_member (summary, "rows"));
  /* nothing such weights say is certain */
  g_assert_cmpint (json_object_get_int_member (summary, "uncertain"), >=,
                   json_object_get_int_member (summary, "rows") * 9 / 10);
}

/* A model without the estimate cross-fitting was asked for says so when
 * it is trained, with the reason, and predict's --coverage names it among
 * its reasons: a class of one row left nothing to cross-fit, silently. */
static void
test_no_estimate_says_why (void)
{
  g_autofree char *csv = limits_csv ("one-row-class.csv", 60, 3, "b");
  g_autofree char *odd = tmp_path ("one-row-class-9.csv");
  g_autofree char *model = tmp_path ("one-row-class.json");
  g_autofree char *out = tmp_path ("one-row-class-pred.csv");
  g_autofree char *text = NULL;
  g_auto(Run) train = { 0 };
  g_auto(Run) pred = { 0 };

  g_assert_true (g_file_get_contents (csv, &text, NULL, NULL));
  /* the last row becomes the only one of class 9 */
  text[strlen (text) - 2] = '9';
  write_file (odd, text, -1);
  run_cli (&train, "train", odd, "-o", model, "--quiet", "--epochs", "2", "--ensemble", "1",
           "--hidden", "4", NULL);
  g_assert_cmpint (train.status, ==, 0);
  assert_contains (train.err, "no out-of-fold estimate: class 9 has 1 row, and cross-fitting "
                              "needs at least 2 of every class");
  run_cli (&pred, "predict", model, csv, "-o", out, "--coverage", "0.99", NULL);
  g_assert_cmpint (pred.status, ==, 1);
  assert_contains (pred.err, "on a class with fewer than 2 rows");
  /* Fewer folds than asked for is said too, with the class that set it;
   * as many as asked for is not news. */
  {
    g_autofree char *three = tmp_path ("three-row-class.csv");
    g_autofree char *three_model = tmp_path ("three-row-class.json");
    g_auto(Run) fewer = { 0 };
    g_auto(Run) enough = { 0 };

    text[strlen (text) - 2] = '9';
    /* two more rows of class 9: three in all */
    {
      g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
      guint n = g_strv_length (lines);
      g_autoptr(GString) more = g_string_new (text);

      g_assert_cmpuint (n, >, 3);
      for (guint i = n - 4; i < n - 2; i++)
        {
          g_auto(GStrv) cells = g_strsplit (lines[i], ",", -1);
          g_autofree char *nine = NULL;

          /* new values, or duplicate removal would take them out again */
          g_free (cells[1]);
          cells[1] = g_strdup_printf ("%u.25", 1000 + i);
          nine = g_strjoinv (",", cells);
          nine[strlen (nine) - 1] = '9';
          g_string_append_printf (more, "%s\n", nine);
        }
      write_file (three, more->str, -1);
    }
    run_cli (&fewer, "train", three, "-o", three_model, "--quiet", "--epochs", "2", "--ensemble",
             "1", "--hidden", "4", NULL);
    g_assert_cmpint (fewer.status, ==, 0);
    assert_contains (fewer.err, "3-fold instead of the 5 asked for: class 9 has 3 rows");
    run_cli (&enough, "train", three, "-o", three_model, "--quiet", "--epochs", "2", "--ensemble",
             "1", "--hidden", "4", "--calibration-folds", "3", NULL);
    g_assert_cmpint (enough.status, ==, 0);
    g_assert_null (strstr (enough.err, "instead of"));
  }
}

/* Extreme --noise passes what a float holds: such cells are written as
 * the largest float or 0, and said; the usual noise says nothing. */
static void
test_limits_simulate_noise (void)
{
  g_autofree char *loud = tmp_path ("simulate-loud.csv");
  g_autofree char *quiet = tmp_path ("simulate-quiet.csv");
  g_auto(Run) extreme = { 0 };
  g_auto(Run) usual = { 0 };

  run_cli (&extreme, "simulate", "-o", loud, "-n", "50", "--noise", "1000", NULL);
  g_assert_cmpint (extreme.status, ==, 0);
  assert_contains (extreme.err, "cells passed the range of 32-bit floats at --noise 1000");
  run_cli (&usual, "simulate", "-o", quiet, "-n", "50", NULL);
  g_assert_cmpint (usual.status, ==, 0);
  g_assert_cmpstr (usual.err, ==, "");
}

/* simulate writes no file the reader refuses: at most 65534 KPIs, which
 * with the sample_id and label columns make the reader's 65536, and train
 * reads that file. */
static void
test_limits_simulate_columns (void)
{
  g_autofree char *csv = tmp_path ("simulate-widest.csv");
  g_autofree char *past = tmp_path ("simulate-too-wide.csv");
  g_auto(Run) at = { 0 };
  g_auto(Run) over = { 0 };

  run_cli (&at, "simulate", "-o", csv, "-n", "4", "--features", "65534", "--classes", "2", NULL);
  g_assert_cmpint (at.status, ==, 0);
  assert_train_limit (csv, TRAIN_ARGS ("--hidden", "1", "--ensemble", "1", "--no-select",
                                       "--calibration-folds", "0", "--validation-fraction", "0"),
                      NULL);
  run_cli (&over, "simulate", "-o", past, "-n", "4", "--features", "65535", "--classes", "2", NULL);
  g_assert_cmpint (over.status, ==, 2);
  assert_contains (over.err, "1 ≤ N ≤ 65534");
  g_assert_false (g_file_test (past, G_FILE_TEST_EXISTS));
}

/* A hidden layer wider than training builds is refused before its weights
 * are read, even when the parameter count is within the bound. */
static void
test_model_wide_layer (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = tmp_path ("wide-layer.json");
  g_autofree char *csv = extreme_csv ();
  g_autoptr(JsonArray) wide = json_array_new ();
  JsonObject *arch;
  JsonArray *sizes;

  json_parser_load_from_file (parser, small_model (), &error);
  g_assert_no_error (error);
  arch = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                        "architecture");
  sizes = json_object_get_array_member (arch, "sizes");
  /* [in, 8, out] → [in, 65537, out]: the outer widths stay right. */
  g_assert_cmpuint (json_array_get_length (sizes), ==, 3);
  json_array_add_int_element (wide, json_array_get_int_element (sizes, 0));
  json_array_add_int_element (wide, 65537);   /* HEALER_MAX_HIDDEN_WIDTH + 1 */
  json_array_add_int_element (wide, json_array_get_int_element (sizes, 2));
  json_object_set_array_member (arch, "sizes", json_array_ref (wide));
  json_generator_set_root (gen, json_parser_get_root (parser));
  json_generator_to_file (gen, path, &error);
  g_assert_no_error (error);
  assert_model_refused_by_all (path, csv, "member \"architecture.sizes[1]\": a hidden layer of 65537 "
                        "units; expected at most 65536");
}

/* ---- family 11: text from files is shown safely ---- */

static void
assert_no_raw_controls (const char *text,
                        const char *what)
{
  for (const char *p = text; *p != '\0'; p++)
    if (((guchar) *p < 0x20 && *p != '\n') || *p == 0x7f)
      g_error ("%s printed the raw control byte 0x%02X:\n%s", what, (guint) (guchar) *p, text);
}

static void
test_text_escaped (void)
{
  /* An escape sequence that would recolour the terminal in a KPI name, one
   * that retitles it (OSC … BEL) in a sample id, and a C1 control. */
  const char csv_text[] =
    "sample_id,cpu\x1b[31mRED,mem\xc2\x9b" "1m,label\n"
    "s\x1b]0;pwn\x07,1,2,0\n"
    "s2,2,3,1\n"
    "s3,3,1,0\n"
    "s4,4,0,1\n";
  g_autofree char *csv = tmp_path ("escape.csv");
  g_autofree char *model = tmp_path ("escape.json");
  g_autofree char *missing = tmp_path ("escape-missing.csv");
  g_auto(Run) train = { 0 };
  g_auto(Run) signatures = { 0 };
  g_auto(Run) sample = { 0 };
  g_auto(Run) evaluate = { 0 };
  g_auto(Run) predict = { 0 };
  g_auto(Run) refused = { 0 };

  write_file (csv, csv_text, -1);
  run_cli (&train, "train", csv, "-o", model, "--epochs", "2", "--hidden", "2",
           "--ensemble", "1", "--no-select", "--quiet", NULL);
  g_assert_cmpint (train.status, ==, 0);

  run_cli (&signatures, "explain", model, NULL);
  g_assert_cmpint (signatures.status, ==, 0);
  assert_no_raw_controls (signatures.out, "explain");
  assert_contains (signatures.out, "cpu\\x1B[31mRED");
  assert_contains (signatures.out, "mem\\u009B1m");

  run_cli (&sample, "explain", model, csv, "--sample", "s\x1b]0;pwn\x07", NULL);
  g_assert_cmpint (sample.status, ==, 0);
  assert_no_raw_controls (sample.out, "explain --sample");
  assert_contains (sample.out, "Sample s\\x1B]0;pwn\\x07 (row 1)");

  run_cli (&evaluate, "evaluate", model, csv, NULL);
  g_assert_cmpint (evaluate.status, ==, 0);
  assert_no_raw_controls (evaluate.out, "evaluate");

  /* Error messages quote names too: here the missing KPIs. */
  write_file (missing, "sample_id,other\x1b[2J\ns1,1\n", -1);
  run_cli (&predict, "predict", model, missing, NULL);
  g_assert_cmpint (predict.status, ==, 1);
  assert_no_raw_controls (predict.err, "predict's message");
  assert_contains (predict.err, "cpu\\x1B[31mRED");

  /* The results keep the id byte for byte: they are data, not display. */
  {
    g_auto(Run) results = { 0 };

    run_cli (&results, "predict", model, csv, NULL);
    g_assert_cmpint (results.status, ==, 0);
    assert_contains (results.out, "\ns\x1b]0;pwn\x07,");
  }

  /* A sample id that is not UTF-8 is refused where it is, never mended. */
  write_file (csv, "sample_id,cpu\x1b[31mRED,mem\xc2\x9b" "1m,label\ns1,1,2,0\n\xff\xfe,1,2,0\n", -1);
  run_cli (&refused, "predict", model, csv, NULL);
  g_assert_cmpint (refused.status, ==, 1);
  assert_contains (refused.err, "escape.csv:3:1: the sample id is not valid UTF-8 text (byte 0xFF");
}

/* No line of @text starts with @marker: a name's line break would have
 * started one there. */
static void
assert_no_forged_line (const char *text,
                       const char *marker,
                       const char *what)
{
  for (const char *p = text; p != NULL; p = strchr (p, '\n'))
    {
      if (*p == '\n')
        p++;
      if (g_str_has_prefix (p, marker))
        g_error ("%s printed a forged line:\n%s", what, text);
    }
}

static void
assert_shown_safely (const Run  *run,
                     const char *what)
{
  assert_no_raw_controls (run->out, what);
  assert_no_raw_controls (run->err, what);
  assert_no_forged_line (run->out, "FORGED", what);
  assert_no_forged_line (run->err, "FORGED", what);
}

/* Line breaks in names from files (a model's app_version and class names,
 * a CSV header's KPI names) are escaped in every command's text, messages
 * included, so they cannot forge a line. */
static void
test_text_escaped_lines (void)
{
  const char csv_text[] =
    "sample_id,cpu,\"mem\nFORGED: kpi\x1b[1m\",label\n"
    "s1,1,,0\n"
    "s2,2,3,1\n"
    "s3,3,1,0\n"
    "s4,4,0,1\n"
    "s5,1.5,2,0\n"
    "s6,2.5,1,1\n";
  g_autofree char *csv = tmp_path ("lines.csv");
  g_autofree char *model = tmp_path ("lines.json");
  g_autofree char *forged = tmp_path ("lines-forged.json");
  g_autofree char *missing = tmp_path ("lines-missing.csv");
  g_autofree char *extra = tmp_path ("lines-extra.csv");
  g_autofree char *projected = tmp_path ("lines-projected.csv");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GError) error = NULL;
  g_auto(Run) train = { 0 };
  g_auto(Run) cv = { 0 };
  g_auto(Run) info = { 0 };
  g_auto(Run) signatures = { 0 };
  g_auto(Run) sample = { 0 };
  g_auto(Run) evaluate = { 0 };
  g_auto(Run) predict = { 0 };
  g_auto(Run) project = { 0 };
  g_auto(Run) refused = { 0 };
  JsonObject *root;
  JsonArray *classes;

  write_file (csv, csv_text, -1);
  run_cli (&train, "train", csv, "-o", model, "--epochs", "2", "--hidden", "2",
           "--ensemble", "1", "--no-select", NULL);
  g_assert_cmpint (train.status, ==, 0);
  assert_shown_safely (&train, "train");
  run_cli (&cv, "cv", csv, "--folds", "2", "--repeats", "1", "--epochs", "2", "--hidden", "2",
           "--ensemble", "1", "--no-select", "--quiet", NULL);
  g_assert_cmpint (cv.status, ==, 0);
  assert_shown_safely (&cv, "cv");

  /* The model's own strings, as another tool might have written them. */
  json_parser_load_from_file (parser, model, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  json_object_set_string_member (root, "app_version", "0.2.0\nFORGED: version\x1b[2J");
  classes = json_object_get_array_member (root, "classes");
  json_object_set_string_member (json_array_get_object_element (classes, 0), "name",
                                 "a\x1b[31m\nFORGED: class");
  json_object_set_string_member (json_array_get_object_element (classes, 1), "name",
                                 "b\r\xe2\x80\xa8" "FORGED\tc");
  json_generator_set_root (gen, json_parser_get_root (parser));
  json_generator_to_file (gen, forged, &error);
  g_assert_no_error (error);

  run_cli (&info, "info", forged, NULL);
  g_assert_cmpint (info.status, ==, 0);
  assert_shown_safely (&info, "info");
  assert_contains (info.out, "SystemHealer 0.2.0\\x0AFORGED: version\\x1B[2J, ");
  assert_contains (info.out, "a\\x1B[31m\\x0AFORGED: class, b\\x0D\\u2028FORGED\\x09c");
  /* The estimate's class lines too */
  assert_contains (info.out, "\n  a\\x1B[31m\\x0AFORGED: class ");

  run_cli (&signatures, "explain", forged, NULL);
  g_assert_cmpint (signatures.status, ==, 0);
  assert_shown_safely (&signatures, "explain");

  run_cli (&sample, "explain", forged, csv, "--sample", "s1", NULL);
  g_assert_cmpint (sample.status, ==, 0);
  assert_shown_safely (&sample, "explain --sample");
  assert_contains (sample.out, "(imputed, so not ranked as drivers): mem\\x0AFORGED: kpi\\x1B[1m\n");

  run_cli (&evaluate, "evaluate", forged, csv, NULL);
  g_assert_cmpint (evaluate.status, ==, 0);
  assert_shown_safely (&evaluate, "evaluate");

  /* Messages: a KPI the model reads is missing; columns it does not use. */
  write_file (missing, "sample_id,cpu\ns1,1\n", -1);
  run_cli (&predict, "predict", forged, missing, NULL);
  g_assert_cmpint (predict.status, ==, 1);
  assert_shown_safely (&predict, "predict's message");
  assert_contains (predict.err, "“mem\\x0AFORGED: kpi\\x1B[1m”");

  write_file (extra, "sample_id,cpu,\"mem\nFORGED: kpi\x1b[1m\",\"x\nFORGED: extra\",label\n"
              "s1,1,2,3,0\ns2,2,3,3,1\ns3,3,1,3,0\n", -1);
  run_cli (&project, "project", forged, extra, "-o", projected, NULL);
  g_assert_cmpint (project.status, ==, 0);
  assert_shown_safely (&project, "project");
  assert_contains (project.err, "x\\x0AFORGED: extra");

  /* A model file refused for a string it holds quotes it escaped. */
  json_object_set_string_member (json_object_get_object_member (root, "training"), "status",
                                 "done\nFORGED: status");
  json_generator_to_file (gen, forged, &error);
  g_assert_no_error (error);
  run_cli (&refused, "info", forged, NULL);
  g_assert_cmpint (refused.status, ==, 1);
  assert_shown_safely (&refused, "info's message");
  assert_contains (refused.err, "unknown value \"done\\x0AFORGED: status\"");
}

/* A byte-order mark is the file's, at its start; anywhere else in the
 * header it is refused at its column, not kept in a name. */
/* A label the model has never seen is located like the reader's errors:
 * file, line (blank lines and records spanning lines counted) and the
 * label's column — not "row 3". */
static void
test_text_unseen_label (void)
{
  g_autofree char *csv = tmp_path ("seen.csv");
  g_autofree char *model = tmp_path ("seen.json");
  g_autofree char *other = tmp_path ("unseen.csv");
  g_auto(Run) train = { 0 };
  g_auto(Run) evaluate = { 0 };
  g_auto(Run) first = { 0 };

  write_file (csv, "sample_id,cpu,mem,label\ns1,1,2,0\ns2,2,3,1\ns3,3,1,0\ns4,4,0,1\n", -1);
  run_cli (&train, "train", csv, "-o", model, "--epochs", "2", "--hidden", "2",
           "--ensemble", "1", "--no-select", "--calibration-folds", "0", "--quiet", NULL);
  g_assert_cmpint (train.status, ==, 0);

  write_file (other, "sample_id,mem,cpu,label\ns1,1,2,0\n\n\"s\n2\",2,3,1\ns3,3,1,7\n", -1);
  run_cli (&evaluate, "evaluate", model, other, NULL);
  g_assert_cmpint (evaluate.status, ==, 1);
  assert_contains (evaluate.err, "unseen.csv:6:4: the label 7 is not a class of this model");
  assert_contains (evaluate.err, "expected one of its classes: 0, 1");

  /* The label first, the columns in another order. */
  write_file (other, "label,mem,cpu\n0,1,2\n12,2,3\n", -1);
  run_cli (&first, "evaluate", "--json", model, other, NULL);
  g_assert_cmpint (first.status, ==, 1);
  assert_contains (first.err, "unseen.csv:3:1: the label 12 is not a class");
  g_assert_cmpstr (first.out, ==, "");
}

static void
test_text_bom (void)
{
  static const struct { const char *text; const char *where; } cases[] = {
    { "sample_id,a,\xef\xbb\xbf" "b,label\ns1,1,2,0\n", "bom.csv:1:3: a byte-order mark" },
    { "\n\xef\xbb\xbfsample_id,a,b,label\ns1,1,2,0\n", "bom.csv:2:1: a byte-order mark" },
    { "sample_id,a\xef\xbb\xbf,b,label\ns1,1,2,0\n", "bom.csv:1:2: a byte-order mark" },
  };
  g_autofree char *csv = tmp_path ("bom.csv");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_auto(Run) run = { 0 };

      write_file (csv, cases[i].text, -1);
      run_cli (&run, "predict", small_model (), csv, NULL);
      g_assert_cmpint (run.status, ==, 1);
      assert_contains (run.err, cases[i].where);
    }
}

int
main (int    argc,
      char **argv)
{
  cli_test_init (&argc, &argv, "healer-cli-input-XXXXXX");
  /* The escaping cases look at the bytes a terminal would get. */
  cli_run_flags = HEALER_CLI_RUN_RAW;

  g_test_add_func ("/cli-input/model/trailing-content", test_model_trailing_content);
  g_test_add_func ("/cli-input/limits/classes", test_limits_classes);
  g_test_add_func ("/cli-input/limits/network", test_limits_network);
  g_test_add_func ("/cli-input/limits/names", test_limits_names);
  g_test_add_func ("/cli-input/options/ranges-in-help", test_option_ranges_in_help);
  g_test_add_func ("/cli-input/options/contradictions", test_option_contradictions);
  g_test_add_func ("/cli-input/options/double-dash", test_option_double_dash);
  g_test_add_func ("/cli-input/options/decimal-only", test_option_decimal_only);
  g_test_add_func ("/cli-input/options/switch-value", test_option_switch_value);
  g_test_add_func ("/cli-input/finite/extreme-rows", test_finite_extreme_rows);
  g_test_add_func ("/cli-input/finite/absurd-model", test_finite_absurd_model);
  g_test_add_func ("/cli-input/model/wide-layer", test_model_wide_layer);
  g_test_add_func ("/cli-input/limits/absurd-training", test_limits_absurd_training);
  g_test_add_func ("/cli-input/diverged-model-says-so", test_diverged_model_says_so);
  g_test_add_func ("/cli-input/no-estimate-says-why", test_no_estimate_says_why);
  g_test_add_func ("/cli-input/explain-duplicate-id", test_explain_duplicate_id);
  g_test_add_func ("/cli-input/explain-agrees-with-predict", test_explain_agrees_with_predict);
  g_test_add_func ("/cli-input/limits/simulate-columns", test_limits_simulate_columns);
  g_test_add_func ("/cli-input/limits/simulate-noise", test_limits_simulate_noise);
  g_test_add_func ("/cli-input/text/escaped", test_text_escaped);
  g_test_add_func ("/cli-input/text/escaped-lines", test_text_escaped_lines);
  g_test_add_func ("/cli-input/text/bom", test_text_bom);
  g_test_add_func ("/cli-input/text/file-named-as-typed", test_text_file_named_as_typed);
  g_test_add_func ("/cli-input/text/unseen-label", test_text_unseen_label);

  return cli_test_run ();
}
