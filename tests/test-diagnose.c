/* test-diagnose.c — streamed batch diagnosis and the pasted-sample parser
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "healer-diagnose.h"
#include "healer-test-data.h"
#include "healer-simulate.h"

#define N_FEATURES 12

static HealerModel *shared_model;

static HealerDataset *
make_data (gsize   n_rows,
           guint64 seed)
{
  HealerSimulateConfig c;

  healer_simulate_config_init_default (&c);
  c.n_samples = n_rows;
  c.n_features = N_FEATURES;
  c.n_classes = 3;
  c.n_nodes = 3;
  c.missing_rate = 0.05;
  c.seed = seed;
  return healer_simulate (&c);
}

static HealerModel *
get_model (void)
{
  g_autoptr(HealerDataset) train = NULL;

  if (shared_model == NULL)
    {
      train = make_data (300, 1);
      shared_model = healer_test_train_small (train, 16, 15);
    }
  return shared_model;
}

static char *
write_csv (const HealerDataset *data,
           const char          *name)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (g_get_tmp_dir (), name, NULL);

  g_assert_true (healer_dataset_save_csv (data, path, &error));
  g_assert_no_error (error);
  return path;
}

static void
count_progress (guint64  bytes_read,
                guint64  total,
                gsize    rows,
                gpointer user_data)
{
  guint *calls = user_data;

  g_assert_cmpuint (bytes_read, <=, total);
  (*calls)++;
}

/* Chunk by chunk must give what one predict over the whole file gives. */
static void
test_chunked_equals_oneshot (void)
{
  HealerModel *model = get_model ();
  g_autoptr(HealerDataset) data = make_data (1000, 7);
  g_autofree char *path = write_csv (data, "healer-test-diagnose-batch.csv");
  g_autoptr(HealerDataset) loaded = NULL;
  g_autoptr(HealerDataset) aligned = NULL;
  g_autoptr(HealerDiagnosis) chunked = NULL;
  g_autoptr(HealerDiagnosis) whole = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *proba = NULL;
  g_autofree gsize *counts = NULL;
  guint k = model->n_classes;
  guint calls = 0;
  gsize n_uncertain = 0;

  loaded = healer_dataset_load (path, NULL, &error);
  g_assert_no_error (error);
  aligned = healer_model_align (model, loaded, NULL, NULL, &error);
  g_assert_no_error (error);
  proba = g_new (float, aligned->n_rows * k);
  healer_model_predict_proba (model, aligned, proba);

  chunked = healer_diagnose_file (model, path, 97, NULL, count_progress, &calls, &error);
  g_assert_no_error (error);
  g_assert_nonnull (chunked);
  whole = healer_diagnose_file (model, path, 100000, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  /* The app's way in, a GFile: the same rows, bits and reports, named by
   * the file's own name as the app shows it (a path names it as typed). */
  {
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GFile) missing = g_file_new_for_path ("/nonexistent/gone.csv");
    g_autoptr(HealerDiagnosis) through_file = NULL;
    guint file_calls = 0;

    through_file = healer_diagnose_for_file (model, file, 97, NULL, count_progress, &file_calls, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (file_calls, ==, 11);
    g_assert_cmpuint (through_file->n_rows, ==, chunked->n_rows);
    g_assert_cmpmem (through_file->proba, chunked->n_rows * k * sizeof (float),
                     chunked->proba, chunked->n_rows * k * sizeof (float));
    g_assert_cmpstr (through_file->source_name, ==, "healer-test-diagnose-batch.csv");

    g_assert_null (healer_diagnose_for_file (model, missing, 0, NULL, NULL, NULL, &error));
    g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_IO);
    g_assert_true (g_str_has_prefix (error->message, "gone.csv: could not open the file"));
    g_clear_error (&error);
  }

  /* 1000 rows in chunks of 97: 11 chunks, one report each. */
  g_assert_cmpuint (calls, ==, 11);
  g_assert_cmpuint (chunked->n_rows, ==, 1000);
  g_assert_cmpuint (whole->n_rows, ==, 1000);
  g_assert_cmpuint (chunked->n_classes, ==, k);
  g_assert_nonnull (chunked->true_labels);
  g_assert_cmpstr (chunked->source_name, ==, path);

  counts = g_new0 (gsize, k);
  for (gsize i = 0; i < 1000; i++)
    {
      const float *p = proba + i * k;
      guint best = healer_argmax (p, k);
      HealerUncertainty why = healer_model_row_uncertainty (model, healer_dataset_row (aligned, i), p);

      /* The same numbers, but not always the same bits: BLAS may pick
       * another kernel for 97 rows than for 1000 (OpenBLAS does under
       * valgrind, which hides AVX-512 from it), and the sums then round
       * differently in the last place. */
      for (guint c = 0; c < k; c++)
        {
          g_assert_cmpfloat_with_epsilon (chunked->proba[i * k + c], p[c], 1e-6);
          g_assert_cmpfloat_with_epsilon (whole->proba[i * k + c], p[c], 1e-6);
        }
      g_assert_cmpuint (chunked->predicted[i], ==, best);
      g_assert_cmpuint (chunked->uncertainty[i], ==, why);
      g_assert_cmpstr (chunked->sample_ids[i], ==, loaded->sample_ids[i]);
      g_assert_cmpint (chunked->true_labels[i], ==, loaded->labels[i]);
      counts[best]++;
      n_uncertain += why != HEALER_UNCERTAIN_NONE;
    }
  for (guint c = 0; c < k; c++)
    g_assert_cmpuint (chunked->counts[c], ==, counts[c]);
  g_assert_cmpuint (chunked->n_uncertain, ==, n_uncertain);

  /* The drift report does not depend on the chunking. */
  g_assert_nonnull (chunked->drift);
  g_assert_cmpuint (chunked->drift->n_rows, ==, 1000);
  g_assert_cmpuint (chunked->drift->n_outside, ==, whole->drift->n_outside);
  g_assert_cmpuint (chunked->drift->n_kpis, ==, model->preprocessor->n_input);
  for (guint j = 0; j < chunked->drift->n_kpis; j++)
    {
      g_assert_cmpstr (chunked->drift->kpis[j].name, ==, whole->drift->kpis[j].name);
      g_assert_cmpuint (chunked->drift->kpis[j].n_above, ==, whole->drift->kpis[j].n_above);
    }

  g_remove (path);
}

/* A KPI moved by orders of magnitude shows in the drift report and makes
 * the rows uncertain (out of range). */
static void
test_drifted_batch (void)
{
  HealerModel *model = get_model ();
  g_autoptr(HealerDataset) data = make_data (200, 9);
  g_autofree char *path = NULL;
  g_autoptr(HealerDiagnosis) d = NULL;
  g_autoptr(GError) error = NULL;
  guint j = model->preprocessor->selected[0];
  int col = healer_dataset_find_feature (data, model->preprocessor->input_names[j]);
  gsize n_out_of_range = 0;

  g_assert_cmpint (col, >=, 0);
  for (gsize i = 0; i < data->n_rows; i++)
    data->x[i * data->n_features + col] = 1e6f * (1.0f + (float) i);
  path = write_csv (data, "healer-test-diagnose-drift.csv");

  d = healer_diagnose_file (model, path, 64, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (d->drift->n_outside, >=, 1);
  g_assert_cmpstr (d->drift->kpis[0].name, ==, model->preprocessor->input_names[j]);
  g_assert_true (d->drift->kpis[0].outside);
  for (gsize i = 0; i < d->n_rows; i++)
    n_out_of_range += (d->uncertainty[i] & HEALER_UNCERTAIN_OUT_OF_RANGE) != 0;
  g_assert_cmpuint (n_out_of_range, ==, d->n_rows);
  g_assert_cmpuint (d->n_uncertain, ==, d->n_rows);

  g_remove (path);
}

static void
cancel_on_first_chunk (guint64  bytes_read,
                       guint64  total,
                       gsize    rows,
                       gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static void
test_cancel (void)
{
  HealerModel *model = get_model ();
  g_autoptr(HealerDataset) data = make_data (500, 3);
  g_autofree char *path = write_csv (data, "healer-test-diagnose-cancel.csv");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(HealerDiagnosis) d = NULL;
  g_autoptr(GError) error = NULL;

  d = healer_diagnose_file (model, path, 50, cancellable, cancel_on_first_chunk,
                            cancellable, &error);
  g_assert_null (d);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Cancelled before the start: nothing is read. */
  g_clear_error (&error);
  d = healer_diagnose_file (model, path, 50, cancellable, NULL, NULL, &error);
  g_assert_null (d);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_remove (path);
}

static void
test_columns_mismatch (void)
{
  HealerModel *model = get_model ();
  g_autoptr(HealerDiagnosis) d = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) stream = NULL;
  const char *text = "sample_id,feature0,feature1,other\na,1,2,3\n";

  stream = g_memory_input_stream_new_from_data (text, strlen (text), NULL);
  d = healer_diagnose_stream (model, stream, "short.csv", 0, NULL, NULL, NULL, &error);
  g_assert_null (d);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_COLUMNS);
  g_assert_nonnull (strstr (error->message, "short.csv"));
  g_assert_nonnull (strstr (error->message, "missing"));
  /* Named: the missing KPIs the model reads, and only those. */
  for (guint j = 2; j < model->preprocessor->n_input; j++)
    {
      g_autofree char *quoted = g_strdup_printf ("“%s”", model->preprocessor->input_names[j]);

      if (healer_preprocessor_reads_input (model->preprocessor, j))
        g_assert_nonnull (strstr (error->message, model->preprocessor->input_names[j]));
      else
        g_assert_null (strstr (error->message, quoted));
    }
}

/* A column the model does not read (dropped by KPI selection) may be
 * absent: the other results are bit-for-bit those of the full file, and
 * the column is named. An absent column it reads refuses the file, named. */
static void
test_unread_column_absent (void)
{
  g_autoptr(HealerDataset) train = make_data (300, 3);
  g_autoptr(HealerDataset) data = make_data (200, 9);
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerDiagnosis) full = NULL;
  g_autoptr(HealerDiagnosis) less = NULL;
  g_autoptr(HealerDiagnosis) refused = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) keep = g_ptr_array_new ();
  g_autoptr(GPtrArray) keep_read = g_ptr_array_new ();
  g_autoptr(HealerDataset) without_unread = NULL;
  g_autoptr(HealerDataset) without_read = NULL;
  g_autofree char *full_path = NULL;
  g_autofree char *less_path = NULL;
  g_autofree char *refused_path = NULL;
  const HealerPreprocessor *pre;
  HealerTrainConfig config;
  guint unread = G_MAXUINT, read = G_MAXUINT;

  healer_train_config_init_default (&config);
  config.hidden[0] = 16;
  config.n_hidden = 1;
  config.epochs = 10;
  config.patience = 0;
  config.ensemble = 1;
  config.explain = FALSE;
  config.preprocess.select = HEALER_SELECT_MUTUAL_INFO;
  config.preprocess.select_k = 4;
  config.preprocess.missing_indicators = FALSE;
  model = healer_train (train, &config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  pre = model->preprocessor;
  g_assert_cmpuint (pre->n_selected, ==, 4);

  for (guint j = 0; j < pre->n_input; j++)
    {
      if (healer_preprocessor_reads_input (pre, j))
        read = read == G_MAXUINT ? j : read;
      else
        unread = unread == G_MAXUINT ? j : unread;
    }
  g_assert_cmpuint (unread, <, pre->n_input);
  g_assert_cmpuint (read, <, pre->n_input);

  for (guint j = 0; j < pre->n_input; j++)
    {
      if (j != unread)
        g_ptr_array_add (keep, pre->input_names[j]);
      if (j != read)
        g_ptr_array_add (keep_read, pre->input_names[j]);
    }
  g_ptr_array_add (keep, NULL);
  g_ptr_array_add (keep_read, NULL);
  without_unread = healer_dataset_select_columns (data, (const char * const *) keep->pdata,
                                                  FALSE, NULL, NULL, &error);
  g_assert_no_error (error);
  without_read = healer_dataset_select_columns (data, (const char * const *) keep_read->pdata,
                                                FALSE, NULL, NULL, &error);
  g_assert_no_error (error);

  full_path = write_csv (data, "healer-test-unread-full.csv");
  less_path = write_csv (without_unread, "healer-test-unread-less.csv");
  refused_path = write_csv (without_read, "healer-test-unread-refused.csv");

  full = healer_diagnose_file (model, full_path, 64, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  less = healer_diagnose_file (model, less_path, 64, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (less);
  g_assert_cmpuint (less->n_rows, ==, full->n_rows);
  g_assert_cmpmem (less->proba, less->n_rows * model->n_classes * sizeof (float),
                   full->proba, full->n_rows * model->n_classes * sizeof (float));
  g_assert_cmpmem (less->predicted, less->n_rows * sizeof (guint16),
                   full->predicted, full->n_rows * sizeof (guint16));
  g_assert_cmpmem (less->uncertainty, less->n_rows, full->uncertainty, full->n_rows);
  g_assert_nonnull (less->missing_columns);
  g_assert_cmpstr (less->missing_columns[0], ==, pre->input_names[unread]);
  g_assert_null (less->missing_columns[1]);
  g_assert_true (full->missing_columns == NULL || full->missing_columns[0] == NULL);

  refused = healer_diagnose_file (model, refused_path, 64, NULL, NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_COLUMNS);
  g_assert_nonnull (strstr (error->message, "healer-test-unread-refused.csv"));
  g_assert_nonnull (strstr (error->message, pre->input_names[read]));

  g_remove (full_path);
  g_remove (less_path);
  g_remove (refused_path);
}

static void
test_no_rows_and_bad_cell (void)
{
  HealerModel *model = get_model ();
  g_autoptr(GString) header = g_string_new ("sample_id");
  g_autoptr(GString) text = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(HealerDiagnosis) d = NULL;
  g_autoptr(GError) error = NULL;

  for (guint j = 0; j < model->preprocessor->n_input; j++)
    g_string_append_printf (header, ",%s", model->preprocessor->input_names[j]);
  g_string_append_c (header, '\n');

  stream = g_memory_input_stream_new_from_data (g_strdup (header->str), header->len, g_free);
  d = healer_diagnose_stream (model, stream, "empty.csv", 0, NULL, NULL, NULL, &error);
  g_assert_null (d);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_NO_ROWS);
  g_clear_error (&error);
  g_clear_object (&stream);

  /* A bad number on line 3, column 3 is reported there. */
  text = g_string_new (header->str);
  g_string_append (text, "a");
  for (guint j = 0; j < model->preprocessor->n_input; j++)
    g_string_append (text, ",1");
  g_string_append (text, "\nb,1,oops");
  for (guint j = 2; j < model->preprocessor->n_input; j++)
    g_string_append (text, ",1");
  g_string_append_c (text, '\n');
  stream = g_memory_input_stream_new_from_data (g_strdup (text->str), text->len, g_free);
  d = healer_diagnose_stream (model, stream, "bad.csv", 0, NULL, NULL, NULL, &error);
  g_assert_null (d);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_NUMBER);
  g_assert_nonnull (strstr (error->message, "bad.csv:3:3"));
}

/* A row with a field too many or too few, in a later chunk: reported as
 * such, not as the first cell the shift spoils. The sample_id column
 * sits between features, so a shifted row puts a name in a number's
 * column. */
static void
test_bad_field_count (void)
{
  HealerModel *model = get_model ();
  const HealerPreprocessor *pre = model->preprocessor;
  guint n = pre->n_input;

  g_assert_cmpuint (n, >=, 3);
  for (guint c = 0; c < 2; c++)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autoptr(GInputStream) stream = NULL;
      g_autoptr(HealerDiagnosis) d = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *where = NULL;
      g_autofree char *phrase = NULL;

      g_string_append_printf (text, "%s,%s,sample_id", pre->input_names[0], pre->input_names[1]);
      for (guint j = 2; j < n; j++)
        g_string_append_printf (text, ",%s", pre->input_names[j]);
      g_string_append_c (text, '\n');
      for (guint i = 2; i <= 50; i++)
        {
          /* 1,500.5 for 1500.5, or a value left out */
          g_string_append (text, i != 42 ? "0.5,1.5,s" : c == 0 ? "1,500.5,0.5,s" : "0.5,s");
          for (guint j = 2; j < n; j++)
            g_string_append (text, ",2.5");
          g_string_append_c (text, '\n');
        }
      stream = g_memory_input_stream_new_from_data (g_strdup (text->str), text->len, g_free);
      d = healer_diagnose_stream (model, stream, "bad.csv", 16, NULL, NULL, NULL, &error);
      g_assert_null (d);
      g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_RAGGED);
      g_test_message ("%s", error->message);
      if (c == 0)
        {
          where = g_strdup_printf ("bad.csv:42:%u: ", n + 2);
          phrase = g_strdup_printf ("line has %u fields; expected %u, one per column of the header — "
                                    "“1,500.5” at column 1 may be one number written with a "
                                    "thousands separator", n + 2, n + 1);
        }
      else
        {
          where = g_strdup_printf ("bad.csv:42:%u: ", n + 1);
          phrase = g_strdup_printf ("line has only %u fields; expected %u, one per column of the header",
                                    n, n + 1);
        }
      g_assert_true (g_str_has_prefix (error->message, where));
      g_assert_nonnull (strstr (error->message, phrase));
    }
}

static GString *
values_line (const float *row,
             guint        n)
{
  GString *s = g_string_new (NULL);

  for (guint j = 0; j < n; j++)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];

      if (j > 0)
        g_string_append_c (s, ',');
      if (!isnan (row[j]))
        g_string_append (s, g_ascii_formatd (buf, sizeof buf, "%.9g", row[j]));
    }
  return s;
}

static void
test_parse_sample (void)
{
  HealerModel *model = get_model ();
  const HealerPreprocessor *pre = model->preprocessor;
  g_autoptr(HealerDataset) data = make_data (30, 11);
  g_autoptr(HealerDataset) aligned = NULL;
  g_autoptr(GString) line = NULL;
  g_autoptr(GString) text = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree float *row = NULL;
  g_autofree float *reversed = NULL;
  g_autofree float *proba = NULL;
  g_autofree float *proba_batch = NULL;
  guint n = pre->n_input;

  aligned = healer_model_align (model, data, NULL, NULL, &error);
  g_assert_no_error (error);

  /* Values alone, by position. */
  line = values_line (healer_dataset_row (aligned, 4), n);
  row = healer_diagnose_parse_sample (model, line->str, &error);
  g_assert_no_error (error);
  for (guint j = 0; j < n; j++)
    {
      float want = healer_dataset_row (aligned, 4)[j];

      if (isnan (want))
        g_assert_true (isnan (row[j]));
      else
        g_assert_cmpfloat (row[j], ==, want);
    }

  /* The same prediction as the batch path (to rounding: one row and many
   * may go through different BLAS kernels, see test_chunked_equals_oneshot). */
  proba = g_new (float, model->n_classes);
  proba_batch = g_new (float, aligned->n_rows * model->n_classes);
  healer_diagnose_predict_row (model, row, proba);
  healer_model_predict_proba (model, aligned, proba_batch);
  for (guint c = 0; c < model->n_classes; c++)
    g_assert_cmpfloat_with_epsilon (proba[c], proba_batch[4 * model->n_classes + c], 1e-6);

  /* A header in another order: matched by name, tabs accepted. */
  text = g_string_new (NULL);
  for (guint j = n; j-- > 0;)
    g_string_append_printf (text, "%s%s", pre->input_names[j], j > 0 ? "\t" : "\n");
  for (guint j = n; j-- > 0;)
    {
      char buf[G_ASCII_DTOSTR_BUF_SIZE];
      float v = healer_dataset_row (aligned, 4)[j];

      if (!isnan (v))
        g_string_append (text, g_ascii_formatd (buf, sizeof buf, "%.9g", v));
      g_string_append (text, j > 0 ? "\t" : "\n");
    }
  reversed = healer_diagnose_parse_sample (model, text->str, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (reversed, n * sizeof (float), row, n * sizeof (float));

  /* An id in front of the values is accepted. */
  g_clear_pointer (&reversed, g_free);
  g_string_printf (text, "node-7,%s", line->str);
  reversed = healer_diagnose_parse_sample (model, text->str, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (reversed, n * sizeof (float), row, n * sizeof (float));
}

static void
test_parse_sample_errors (void)
{
  HealerModel *model = get_model ();
  g_autoptr(GError) error = NULL;
  float *row;

  row = healer_diagnose_parse_sample (model, "  \n\n", &error);
  g_assert_null (row);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_EMPTY);
  g_clear_error (&error);

  row = healer_diagnose_parse_sample (model, "1,2,3", &error);
  g_assert_null (row);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_COLUMNS);
  g_assert_nonnull (strstr (error->message, "found 3 values"));
  g_clear_error (&error);

  /* A header naming too few KPIs lists the missing ones. */
  row = healer_diagnose_parse_sample (model, "feature0,feature1\n1,2\n", &error);
  g_assert_null (row);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_COLUMNS);
  g_assert_nonnull (strstr (error->message, "feature5"));
  g_clear_error (&error);

  /* A header alone has no values. */
  row = healer_diagnose_parse_sample (model, "feature0,feature1", &error);
  g_assert_null (row);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_NO_ROWS);
  g_clear_error (&error);

  /* A value that is not a number is located. */
  {
    g_autoptr(GString) text = g_string_new ("1,x");

    for (guint j = 2; j < model->preprocessor->n_input; j++)
      g_string_append (text, ",1");
    row = healer_diagnose_parse_sample (model, text->str, &error);
    g_assert_null (row);
    g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_NUMBER);
    /* Line 1 of what the user pasted, column 2. */
    g_assert_nonnull (strstr (error->message, "pasted sample:1:2:"));
    g_clear_error (&error);
  }
}

/* The one rule for header-only input (issue 14, item 3): the iterator the
 * CLI uses refuses it on its first step, located on the line after the
 * header, as the app's batch does (test_no_rows_and_bad_cell). */
static void
test_iter_header_only (void)
{
  HealerModel *model = get_model ();
  g_autoptr(GString) header = g_string_new ("sample_id");
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(HealerDiagnoseIter) iter = NULL;
  g_autoptr(GError) error = NULL;
  const HealerDiagnoseChunk *chunk = (gpointer) 1;

  for (guint j = 0; j < model->preprocessor->n_input; j++)
    g_string_append_printf (header, ",%s", model->preprocessor->input_names[j]);
  g_string_append (header, "\r\n\n");

  stream = g_memory_input_stream_new_from_data (g_strdup (header->str), header->len, g_free);
  iter = healer_diagnose_iter_new (model, stream, "empty.csv", 1, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (healer_diagnose_iter_next (iter, &chunk, NULL, &error));
  g_assert_null (chunk);
  g_assert_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_NO_ROWS);
  g_assert_nonnull (strstr (error->message, "empty.csv:2:1: "));
  g_clear_error (&error);
  /* And it stays failed. */
  g_assert_false (healer_diagnose_iter_next (iter, &chunk, NULL, &error));
  g_assert_nonnull (error);
}

/* The chunks of the iterator are what healer_diagnose_file collects: the
 * same rows, ids numbered across chunks, flags, counts and drift. */
static void
test_iter_chunks (void)
{
  HealerModel *model = get_model ();
  g_autoptr(HealerDataset) data = make_data (250, 9);
  g_autofree char *path = NULL;
  g_autoptr(HealerDiagnosis) whole = NULL;
  g_autoptr(HealerDiagnoseIter) iter = NULL;
  g_autoptr(HealerDriftReport) report = NULL;
  g_autoptr(GError) error = NULL;
  const HealerDiagnoseChunk *chunk;
  guint k = model->n_classes;
  gsize seen = 0;
  guint n_chunks = 0;

  /* Without sample ids, so the iterator numbers the rows itself. */
  g_clear_pointer (&data->sample_ids, g_free);
  path = write_csv (data, "healer-test-diagnose-iter.csv");
  whole = healer_diagnose_file (model, path, 0, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  iter = healer_diagnose_iter_new_for_path (model, path, 13, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (healer_diagnose_iter_has_labels (iter));

  while (healer_diagnose_iter_next (iter, &chunk, NULL, &error) && chunk != NULL)
    {
      g_assert_cmpuint (chunk->first_row, ==, seen);
      g_assert_cmpuint (chunk->n_rows, <=, 13);
      g_assert_cmpuint (chunk->n_classes, ==, k);
      for (gsize i = 0; i < chunk->n_rows; i++)
        {
          g_autofree char *id = g_strdup_printf ("%" G_GSIZE_FORMAT, seen + i + 1);

          g_assert_cmpstr (chunk->sample_ids[i], ==, id);
          g_assert_cmpstr (chunk->sample_ids[i], ==, whole->sample_ids[seen + i]);
          g_assert_cmpuint (chunk->predicted[i], ==, whole->predicted[seen + i]);
          g_assert_cmpuint (chunk->uncertainty[i], ==, whole->uncertainty[seen + i]);
          g_assert_cmpint (chunk->true_labels[i], ==, whole->true_labels[seen + i]);
          g_assert_cmpmem (chunk->proba + i * k, k * sizeof (float),
                           whole->proba + (seen + i) * k, k * sizeof (float));
        }
      seen += chunk->n_rows;
      n_chunks++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (seen, ==, 250);
  g_assert_cmpuint (n_chunks, ==, (250 + 12) / 13);
  g_assert_cmpuint (healer_diagnose_iter_get_n_rows (iter), ==, 250);
  g_assert_cmpmem (healer_diagnose_iter_get_counts (iter), k * sizeof (gsize),
                   whole->counts, k * sizeof (gsize));
  g_assert_cmpuint (healer_diagnose_iter_get_n_uncertain (iter), ==, whole->n_uncertain);
  report = healer_diagnose_iter_drift_report (iter);
  g_assert_nonnull (report);
  g_assert_cmpuint (report->n_outside, ==, whole->drift->n_outside);
  /* The end stays the end. */
  g_assert_true (healer_diagnose_iter_next (iter, &chunk, NULL, &error));
  g_assert_null (chunk);
  g_remove (path);
}

/* The whole file's CSV text from chunk->csv, checking on the way that each
 * chunk's text is what healer_predictions_append_row makes of the chunk's
 * own fields; @n_reasons counts the flagged rows and @n_quoted the reasons
 * that needed quotes (out-of-range lists). */
static char *
iter_csv_text (const HealerModel *model,
               const char        *path,
               gsize              chunk_rows,
               guint              n_threads,
               gsize             *n_reasons,
               gsize             *n_quoted)
{
  g_autoptr(HealerDiagnoseIter) iter = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) whole = g_string_new (NULL);
  g_autoptr(GString) expected = g_string_new (NULL);
  const HealerDiagnoseChunk *chunk;
  guint k = model->n_classes;

  iter = healer_diagnose_iter_new_for_path (model, path, chunk_rows, FALSE, NULL, &error);
  g_assert_no_error (error);
  healer_diagnose_iter_set_n_threads (iter, n_threads);
  healer_diagnose_iter_set_csv (iter, TRUE);
  *n_reasons = *n_quoted = 0;
  while (healer_diagnose_iter_next (iter, &chunk, NULL, &error) && chunk != NULL)
    {
      g_string_truncate (expected, 0);
      for (gsize i = 0; i < chunk->n_rows; i++)
        {
          healer_predictions_append_row (expected, chunk->sample_ids[i], model->class_ids,
                                         (const char * const *) model->class_names, k,
                                         chunk->proba + i * k, chunk->predicted[i],
                                         chunk->uncertainty[i] != HEALER_UNCERTAIN_NONE,
                                         model->set_threshold, chunk->reasons[i],
                                         chunk->true_labels != NULL ? &chunk->true_labels[i]
                                                                    : NULL);
          *n_reasons += chunk->reasons[i] != NULL;
          *n_quoted += chunk->reasons[i] != NULL && strchr (chunk->reasons[i], ',') != NULL;
        }
      g_assert_nonnull (chunk->csv);
      g_assert_cmpuint (chunk->csv_len, ==, strlen (chunk->csv));
      g_assert_cmpstr (chunk->csv, ==, expected->str);
      g_string_append_len (whole, chunk->csv, (gssize) chunk->csv_len);
    }
  g_assert_no_error (error);
  return g_string_free (g_steal_pointer (&whole), FALSE);
}

/* The rows formatted on the diagnosis' threads (what predict writes) are the
 * text one thread makes of each chunk's fields, whatever the chunk size and
 * the thread count; with and without a sample_id column (the iterator
 * numbering the rows itself), with flagged rows whose reasons need quotes. */
static void
test_iter_csv (void)
{
  HealerModel *model = get_model ();

  for (guint with_ids = 0; with_ids < 2; with_ids++)
    {
      g_autoptr(HealerDataset) data = make_data (700, 21 + with_ids);
      g_autofree char *path = NULL;
      g_autofree char *reference = NULL;
      gsize n_reasons = 0, n_quoted = 0;
      static const gsize chunk_rows[] = { 1, 13, 100, 0 };
      static const guint threads[] = { 1, 2, 3 };

      if (!with_ids)
        g_clear_pointer (&data->sample_ids, g_free);
      /* Every seventh row far out of range in every KPI: "out of range:
       * feature0, feature1…", a reason with commas. */
      for (gsize i = 0; i < data->n_rows; i += 7)
        for (guint j = 0; j < data->n_features; j++)
          data->x[i * data->n_features + j] = j % 2 ? 1e12f : -1e12f;
      path = write_csv (data, "healer-test-diagnose-csv.csv");
      reference = iter_csv_text (model, path, 0, 1, &n_reasons, &n_quoted);
      g_assert_cmpuint (n_reasons, >, 0);
      g_assert_cmpuint (n_quoted, >, 0);
      g_assert_cmpuint (strlen (reference), >, 0);
      for (guint c = 0; c < G_N_ELEMENTS (chunk_rows); c++)
        for (guint t = 0; t < G_N_ELEMENTS (threads); t++)
          {
            gsize reasons, quoted;
            g_autofree char *text = iter_csv_text (model, path, chunk_rows[c], threads[t],
                                                   &reasons, &quoted);

            g_assert_cmpuint (reasons, ==, n_reasons);
            g_assert_cmpstr (text, ==, reference);
          }
      g_remove (path);
    }
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/diagnose/chunked-equals-oneshot", test_chunked_equals_oneshot);
  g_test_add_func ("/diagnose/drifted-batch", test_drifted_batch);
  g_test_add_func ("/diagnose/cancel", test_cancel);
  g_test_add_func ("/diagnose/columns-mismatch", test_columns_mismatch);
  g_test_add_func ("/diagnose/unread-column-absent", test_unread_column_absent);
  g_test_add_func ("/diagnose/no-rows-and-bad-cell", test_no_rows_and_bad_cell);
  g_test_add_func ("/diagnose/bad-field-count", test_bad_field_count);
  g_test_add_func ("/diagnose/iter-header-only", test_iter_header_only);
  g_test_add_func ("/diagnose/iter-chunks", test_iter_chunks);
  g_test_add_func ("/diagnose/iter-csv", test_iter_csv);
  g_test_add_func ("/diagnose/parse-sample", test_parse_sample);
  g_test_add_func ("/diagnose/parse-sample-errors", test_parse_sample_errors);

  ret = g_test_run ();
  g_clear_pointer (&shared_model, healer_model_unref);
  return ret;
}
