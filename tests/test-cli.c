/* test-cli.c — systemhealer-cli: exit codes, outputs, and nothing left behind on failure
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <string.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

static char *tmpdir;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs the CLI with a NULL-terminated argument list; @input goes to stdin. */
static void
run_cli_input (Run        *run,
               const char *input,
               ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  const char *cli = g_getenv ("HEALER_CLI");
  const char *arg;
  va_list ap;

  g_assert_nonnull (cli);
  g_ptr_array_add (args, (gpointer) cli);
  va_start (ap, input);
  while ((arg = va_arg (ap, const char *)) != NULL)
    g_ptr_array_add (args, (gpointer) arg);
  va_end (ap);
  g_ptr_array_add (args, NULL);

  proc = g_subprocess_newv ((const char * const *) args->pdata,
                            G_SUBPROCESS_FLAGS_STDIN_PIPE |
                            G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                            G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  run->status = g_subprocess_get_exit_status (proc);
}

#define run_cli(run, ...) run_cli_input (run, NULL, __VA_ARGS__)

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static guint
count_lines (const char *path)
{
  g_autofree char *contents = NULL;
  guint n = 0;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  for (const char *p = contents; *p; p++)
    n += *p == '\n';
  return n;
}

/* Files in tmpdir whose name contains @needle (temporary leftovers included). */
static guint
count_files_like (const char *needle)
{
  g_autoptr(GDir) dir = g_dir_open (tmpdir, 0, NULL);
  const char *name;
  guint n = 0;

  while ((name = g_dir_read_name (dir)) != NULL)
    n += strstr (name, needle) != NULL;
  return n;
}

static const char *
demo_csv (void)
{
  static char *path;

  if (path == NULL)
    {
      g_auto(Run) run = { 0 };

      path = tmp_path ("demo.csv");
      run_cli (&run, "simulate", "-o", path, "--samples", "600", "--seed", "7", NULL);
      g_assert_cmpint (run.status, ==, 0);
    }
  return path;
}

static const char *
demo_model (void)
{
  static char *path;

  if (path == NULL)
    {
      g_auto(Run) run = { 0 };

      path = tmp_path ("demo-model.json");
      run_cli (&run, "train", demo_csv (), "-o", path, "--epochs", "30", "--hidden", "64",
               "--quiet", NULL);
      g_assert_cmpstr (run.err, ==, "");
      g_assert_cmpint (run.status, ==, 0);
    }
  return path;
}

static void
test_usage_errors (void)
{
  g_auto(Run) none = { 0 };
  g_auto(Run) unknown = { 0 };
  g_auto(Run) no_output = { 0 };
  g_auto(Run) bad_flag = { 0 };
  g_auto(Run) bad_value = { 0 };
  g_auto(Run) help = { 0 };
  g_auto(Run) train_help = { 0 };

  run_cli (&none, NULL);
  g_assert_cmpint (none.status, ==, 2);
  run_cli (&unknown, "frobnicate", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_assert_nonnull (strstr (unknown.err, "frobnicate"));
  run_cli (&no_output, "train", demo_csv (), NULL);
  g_assert_cmpint (no_output.status, ==, 2);
  g_assert_nonnull (strstr (no_output.err, "--output"));
  run_cli (&bad_flag, "train", "--no-such-flag", NULL);
  g_assert_cmpint (bad_flag.status, ==, 2);
  run_cli (&bad_value, "train", demo_csv (), "-o", "x.json", "--activation", "sigmoidal", NULL);
  g_assert_cmpint (bad_value.status, ==, 2);
  g_assert_nonnull (strstr (bad_value.err, "sigmoidal"));
  run_cli (&help, "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "simulate"));
  run_cli (&train_help, "train", "--help", NULL);
  g_assert_cmpint (train_help.status, ==, 0);
  g_assert_nonnull (strstr (train_help.out, "--learning-rate"));
}

static void
test_simulate_deterministic (void)
{
  g_autofree char *a = tmp_path ("sim-a.csv");
  g_autofree char *b = tmp_path ("sim-b.csv");
  g_autofree char *ca = NULL;
  g_autofree char *cb = NULL;
  g_auto(Run) ra = { 0 };
  g_auto(Run) rb = { 0 };

  run_cli (&ra, "simulate", "-o", a, "--samples", "50", "--seed", "3", NULL);
  run_cli (&rb, "simulate", "-o", b, "--samples", "50", "--seed", "3", NULL);
  g_assert_cmpint (ra.status, ==, 0);
  g_assert_cmpint (rb.status, ==, 0);
  g_assert_true (g_file_get_contents (a, &ca, NULL, NULL));
  g_assert_true (g_file_get_contents (b, &cb, NULL, NULL));
  g_assert_cmpstr (ca, ==, cb);
  g_assert_cmpuint (count_lines (a), ==, 51);
  g_assert_true (g_str_has_prefix (ca, "sample_id,feature0,feature1,"));
}

static void
test_train_json (void)
{
  g_autofree char *model = tmp_path ("json-model.json");
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_auto(Run) run = { 0 };
  JsonObject *root;
  JsonObject *val;

  run_cli (&run, "train", demo_csv (), "-o", model, "--epochs", "4", "--patience", "0",
           "--hidden", "16", "--json", NULL);
  g_assert_cmpint (run.status, ==, 0);
  json_parser_load_from_data (parser, run.out, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (root, "epoch_seconds")), ==, 4);
  g_assert_cmpint (json_object_get_int_member (root, "epochs_run"), ==, 4);
  val = json_object_get_object_member (root, "validation_metrics");
  g_assert_nonnull (val);
  g_assert_cmpfloat (json_object_get_double_member (val, "accuracy"), >, 0.0);
  g_assert_true (g_file_test (model, G_FILE_TEST_IS_REGULAR));
}

static void
test_predict_evaluate_info (void)
{
  g_autofree char *results = tmp_path ("results.csv");
  g_autofree char *contents = NULL;
  g_auto(Run) predict = { 0 };
  g_auto(Run) evaluate = { 0 };
  g_auto(Run) info = { 0 };
  g_auto(Run) info_json = { 0 };
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  run_cli (&predict, "predict", demo_model (), demo_csv (), "-o", results, NULL);
  g_assert_cmpint (predict.status, ==, 0);
  g_assert_cmpuint (count_lines (results), ==, 601);
  g_assert_true (g_file_get_contents (results, &contents, NULL, NULL));
  g_assert_true (g_str_has_prefix (contents,
                                   "sample_id,label,confidence,p0,p1,p2,p3,p4,p5,true_label\n"));

  run_cli (&evaluate, "evaluate", demo_model (), demo_csv (), NULL);
  g_assert_cmpint (evaluate.status, ==, 0);
  g_assert_nonnull (strstr (evaluate.out, "Accuracy"));
  g_assert_nonnull (strstr (evaluate.out, "Confusion matrix"));

  run_cli (&info, "info", demo_model (), NULL);
  g_assert_cmpint (info.status, ==, 0);
  g_assert_nonnull (strstr (info.out, "107"));

  run_cli (&info_json, "info", demo_model (), "--json", NULL);
  g_assert_cmpint (info_json.status, ==, 0);
  json_parser_load_from_data (parser, info_json.out, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (json_object_get_array_member (
                     json_node_get_object (json_parser_get_root (parser)), "features")), ==, 107);
}

static void
test_predict_stdin (void)
{
  const char *input = "sample_id,feature1,feature0\nrow-a,1,2\nrow-b,,3\n";
  g_autofree char *model = tmp_path ("tiny-model.json");
  g_autofree char *train = tmp_path ("tiny.csv");
  g_auto(Run) trained = { 0 };
  g_auto(Run) run = { 0 };

  g_assert_true (g_file_set_contents (train,
                                      "feature0,feature1,label\n"
                                      "1,10,0\n2,11,0\n1.5,10.5,0\n2.5,9,0\n"
                                      "8,1,1\n9,2,1\n8.5,1.5,1\n9.5,0.5,1\n", -1, NULL));
  run_cli (&trained, "train", train, "-o", model, "--epochs", "3", "--validation-fraction", "0",
           "--hidden", "4", NULL);
  g_assert_cmpint (trained.status, ==, 0);

  /* Columns arrive in another order than in training: matched by name. */
  run_cli_input (&run, input, "predict", model, "-", NULL);
  g_assert_cmpint (run.status, ==, 0);
  g_assert_true (g_str_has_prefix (run.out, "sample_id,label,confidence,p0,p1\nrow-a,"));
  g_assert_nonnull (strstr (run.out, "\nrow-b,"));
}

static void
test_bad_data_leaves_nothing (void)
{
  g_autofree char *bad = tmp_path ("ragged.csv");
  g_autofree char *out = tmp_path ("never.csv");
  g_autofree char *model_out = tmp_path ("never-model.json");
  g_auto(Run) predict = { 0 };
  g_auto(Run) train = { 0 };

  g_assert_true (g_file_set_contents (bad, "feature0,feature1,label\n1,2,0\n3,4\n", -1, NULL));

  run_cli (&predict, "predict", demo_model (), bad, "-o", out, NULL);
  g_assert_cmpint (predict.status, ==, 1);
  g_assert_nonnull (strstr (predict.err, "ragged.csv:3:"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_files_like ("never.csv"), ==, 0);

  run_cli (&train, "train", bad, "-o", model_out, NULL);
  g_assert_cmpint (train.status, ==, 1);
  g_assert_nonnull (strstr (train.err, "ragged.csv:3:"));
  g_assert_false (g_file_test (model_out, G_FILE_TEST_EXISTS));
}

static void
test_missing_column_named (void)
{
  g_autofree char *data = tmp_path ("few-columns.csv");
  g_autofree char *out = tmp_path ("few-out.csv");
  g_auto(Run) run = { 0 };

  g_assert_true (g_file_set_contents (data, "feature0,feature1\n1,2\n", -1, NULL));
  run_cli (&run, "predict", demo_model (), data, "-o", out, NULL);
  g_assert_cmpint (run.status, ==, 1);
  g_assert_nonnull (strstr (run.err, "feature2"));
  g_assert_false (g_file_test (out, G_FILE_TEST_EXISTS));
}

static void
test_bad_model (void)
{
  g_autofree char *model = tmp_path ("broken-model.json");
  g_autofree char *contents = NULL;
  gsize len;
  g_auto(Run) info = { 0 };
  g_auto(Run) missing = { 0 };

  g_assert_true (g_file_get_contents (demo_model (), &contents, &len, NULL));
  g_assert_true (g_file_set_contents (model, contents, len / 2, NULL));
  run_cli (&info, "info", model, NULL);
  g_assert_cmpint (info.status, ==, 1);
  g_assert_nonnull (strstr (info.err, "broken-model.json"));

  run_cli (&missing, "info", "/nonexistent/model.json", NULL);
  g_assert_cmpint (missing.status, ==, 1);
}

static void
test_real_data (void)
{
  const char *dir = g_getenv ("HEALER_SHARED_DATA");
  g_autofree char *labelled = dir ? g_build_filename (dir, "kpi_labelled.csv", NULL) : NULL;
  g_autofree char *unlabelled = dir ? g_build_filename (dir, "kpi_unlabelled.csv", NULL) : NULL;
  g_autofree char *model = tmp_path ("real-model.json");
  g_autofree char *results = tmp_path ("real-results.csv");
  g_auto(Run) train = { 0 };
  g_auto(Run) predict = { 0 };
  g_auto(Run) evaluate = { 0 };

  if (labelled == NULL || !g_file_test (labelled, G_FILE_TEST_EXISTS) ||
      !g_file_test (unlabelled, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("real KPI data not found in ../shared/data");
      return;
    }

  run_cli (&train, "train", labelled, "-o", model, "--epochs", "40", "--quiet", NULL);
  g_assert_cmpint (train.status, ==, 0);
  run_cli (&predict, "predict", model, unlabelled, "-o", results, NULL);
  g_assert_cmpint (predict.status, ==, 0);
  g_assert_cmpuint (count_lines (results), ==, 2001);
  run_cli (&evaluate, "evaluate", model, labelled, NULL);
  g_assert_cmpint (evaluate.status, ==, 0);
  g_assert_nonnull (strstr (evaluate.out, "class 5"));
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      g_remove (child);
    }
  g_rmdir (path);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  tmpdir = g_dir_make_tmp ("healer-cli-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/cli/usage-errors", test_usage_errors);
  g_test_add_func ("/cli/simulate-deterministic", test_simulate_deterministic);
  g_test_add_func ("/cli/train-json", test_train_json);
  g_test_add_func ("/cli/predict-evaluate-info", test_predict_evaluate_info);
  g_test_add_func ("/cli/predict-stdin", test_predict_stdin);
  g_test_add_func ("/cli/bad-data-leaves-nothing", test_bad_data_leaves_nothing);
  g_test_add_func ("/cli/missing-column-named", test_missing_column_named);
  g_test_add_func ("/cli/bad-model", test_bad_model);
  g_test_add_func ("/cli/real-data", test_real_data);

  ret = g_test_run ();
  remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
