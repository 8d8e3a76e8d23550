/* healer-diagnose.c — a batch of samples diagnosed by a model, and one pasted sample
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "healer-diagnose.h"
#include "healer-output.h"
#include "healer-metrics.h"

/* The name errors give the text, as a file name would be given. */
#define PASTED_NAME N_("pasted sample")

void
healer_diagnosis_free (HealerDiagnosis *self)
{
  if (self == NULL)
    return;

  g_free (self->class_ids);
  g_strfreev (self->class_names);
  g_free (self->sample_ids);
  g_free (self->proba);
  g_free (self->predicted);
  g_free (self->uncertainty);
  g_free (self->true_labels);
  g_free (self->counts);
  g_clear_pointer (&self->drift, healer_drift_report_free);
  g_free (self->source_name);
  g_strfreev (self->extra_columns);
  g_strfreev (self->missing_columns);
  g_clear_pointer (&self->ids_chunk, g_string_chunk_free);
  g_free (self);
}

static HealerDiagnosis *
diagnosis_new (const HealerModel *model,
               const char  *name)
{
  HealerDiagnosis *self = g_new0 (HealerDiagnosis, 1);
  guint k = model->n_classes;

  self->n_classes = k;
  self->class_ids = g_memdup2 (model->class_ids, k * sizeof (gint32));
  self->class_names = g_new0 (char *, k + 1);
  for (guint c = 0; c < k; c++)
    self->class_names[c] = g_strdup (model->class_names != NULL && model->class_names[c] != NULL
                                     ? model->class_names[c] : "");
  self->counts = g_new0 (gsize, k);
  self->confidence_threshold = model->confidence_threshold;
  self->source_name = g_strdup (name);
  self->ids_chunk = g_string_chunk_new (64 * 1024);
  return self;
}

/* Arrays grow by doubling: the number of rows is unknown until the end. */
static void
diagnosis_reserve (HealerDiagnosis *self,
                   gsize           *allocated,
                   gsize            n_rows,
                   gboolean         with_labels)
{
  gsize n;

  if (n_rows <= *allocated)
    return;

  n = MAX (*allocated * 2, MAX (n_rows, 1024));
  self->sample_ids = g_renew (const char *, self->sample_ids, n);
  self->proba = g_renew (float, self->proba, n * self->n_classes);
  self->predicted = g_renew (guint16, self->predicted, n);
  self->uncertainty = g_renew (guint8, self->uncertainty, n);
  if (with_labels)
    self->true_labels = g_renew (gint32, self->true_labels, n);
  *allocated = n;
}

static void
diagnosis_shrink (HealerDiagnosis *self,
                  gboolean         with_labels)
{
  gsize n = MAX (self->n_rows, 1);

  self->sample_ids = g_renew (const char *, self->sample_ids, n);
  self->proba = g_renew (float, self->proba, n * self->n_classes);
  self->predicted = g_renew (guint16, self->predicted, n);
  self->uncertainty = g_renew (guint8, self->uncertainty, n);
  if (with_labels)
    self->true_labels = g_renew (gint32, self->true_labels, n);
}

static HealerDiagnosis *
diagnose_reader (const HealerModel          *model,
                 HealerCsvReader            *reader,
                 const char                 *name,
                 gsize                       chunk_rows,
                 GCancellable               *cancellable,
                 HealerDiagnoseProgressFunc  progress,
                 gpointer                    user_data,
                 GError                    **error)
{
  g_autoptr(HealerDiagnosis) self = NULL;
  g_autoptr(HealerDrift) drift = NULL;
  gboolean with_labels = healer_csv_reader_has_labels (reader);
  gsize allocated = 0;
  guint k = model->n_classes;
  gboolean first = TRUE;

  if (chunk_rows == 0)
    chunk_rows = HEALER_DIAGNOSE_CHUNK_ROWS;

  self = diagnosis_new (model, name);
  /* The seed of the model, as the CLI uses: the same file gives the same
   * report in both. */
  drift = healer_drift_new (model, model->config.seed);

  for (;;)
    {
      g_autoptr(HealerDataset) chunk = NULL;
      g_autoptr(HealerDataset) aligned = NULL;
      g_auto(GStrv) missing = NULL;
      g_auto(GStrv) extra = NULL;
      gsize base = self->n_rows;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return NULL;

      chunk = healer_csv_reader_read_chunk (reader, chunk_rows, cancellable, error);
      if (chunk == NULL)
        return NULL;

      /* Aligning the first chunk, even an empty one, checks the header
       * before anything else is said about the file. */
      if (first || chunk->n_rows > 0)
        {
          aligned = healer_model_align (model, chunk, &missing, &extra, error);
          if (aligned == NULL)
            return NULL;
        }
      if (first)
        {
          self->extra_columns = g_steal_pointer (&extra);
          self->missing_columns = g_steal_pointer (&missing);
        }
      first = FALSE;
      if (chunk->n_rows == 0)
        break;

      diagnosis_reserve (self, &allocated, base + chunk->n_rows, with_labels);
      healer_model_predict_proba (model, aligned, self->proba + base * k);
      for (gsize i = 0; i < chunk->n_rows; i++)
        {
          const float *p = self->proba + (base + i) * k;
          guint best = healer_argmax (p, k);
          HealerUncertainty why;

          why = healer_model_row_uncertainty (model, healer_dataset_row (aligned, i), p);
          self->predicted[base + i] = (guint16) best;
          self->uncertainty[base + i] = (guint8) why;
          self->counts[best]++;
          self->n_uncertain += why != HEALER_UNCERTAIN_NONE;

          if (chunk->sample_ids != NULL)
            self->sample_ids[base + i] = g_string_chunk_insert (self->ids_chunk,
                                                                chunk->sample_ids[i]);
          else
            {
              char buf[32];

              g_snprintf (buf, sizeof buf, "%zu", base + i + 1);
              self->sample_ids[base + i] = g_string_chunk_insert (self->ids_chunk, buf);
            }
          if (with_labels)
            self->true_labels[base + i] = chunk->labels[i];
        }
      healer_drift_add (drift, aligned);
      self->n_rows += chunk->n_rows;

      if (progress != NULL)
        progress (healer_csv_reader_get_bytes_read (reader),
                  healer_csv_reader_get_size (reader),
                  self->n_rows, user_data);
    }

  if (self->n_rows == 0)
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_NO_ROWS,
                   _("%s: the file has a header but no data rows; expected at least one "
                     "row of values after the header"), name);
      return NULL;
    }

  diagnosis_shrink (self, with_labels);
  self->drift = healer_drift_report (drift);
  return g_steal_pointer (&self);
}

HealerDiagnosis *
healer_diagnose_stream (const HealerModel          *model,
                        GInputStream               *stream,
                        const char                 *name,
                        gsize                       chunk_rows,
                        GCancellable               *cancellable,
                        HealerDiagnoseProgressFunc  progress,
                        gpointer                    user_data,
                        GError                    **error)
{
  g_autoptr(HealerCsvReader) reader = NULL;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (G_IS_INPUT_STREAM (stream), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  reader = healer_csv_reader_new (stream, name, cancellable, error);
  if (reader == NULL)
    return NULL;

  return diagnose_reader (model, reader, name, chunk_rows, cancellable,
                          progress, user_data, error);
}

HealerDiagnosis *
healer_diagnose_file (const HealerModel          *model,
                      const char                 *path,
                      gsize                       chunk_rows,
                      GCancellable               *cancellable,
                      HealerDiagnoseProgressFunc  progress,
                      gpointer                    user_data,
                      GError                    **error)
{
  g_autoptr(HealerCsvReader) reader = NULL;
  g_autofree char *name = NULL;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);

  reader = healer_csv_reader_new_for_path (path, cancellable, error);
  if (reader == NULL)
    return NULL;

  /* The name the reader puts in its own messages. */
  name = g_path_get_basename (path);
  return diagnose_reader (model, reader, name, chunk_rows, cancellable,
                          progress, user_data, error);
}

/* ---- one sample ---- */

static char *
strip_cell (const char *cell)
{
  char *s = g_strstrip (g_strdup (cell));
  gsize len = strlen (s);

  if (len >= 2 && s[0] == '"' && s[len - 1] == '"')
    {
      memmove (s, s + 1, len - 2);
      s[len - 2] = '\0';
      g_strstrip (s);
    }
  return s;
}

static gboolean
line_is_header (const HealerModel *model,
                char             **cells)
{
  const HealerPreprocessor *pre = model->preprocessor;

  for (guint i = 0; cells[i] != NULL; i++)
    {
      g_autofree char *cell = strip_cell (cells[i]);

      if (g_ascii_strcasecmp (cell, "sample_id") == 0
          || g_ascii_strcasecmp (cell, "label") == 0)
        return TRUE;
      for (guint j = 0; j < pre->n_input; j++)
        if (strcmp (cell, pre->input_names[j]) == 0)
          return TRUE;
    }
  return FALSE;
}

/* Errors count lines in the text we parsed; when we put the model's header
 * in front, the user's line 1 was our line 2: say the line they see. */
static void
unshift_error_line (GError     *error,
                    const char *name)
{
  gsize prefix = strlen (name);
  const char *p;
  char *end = NULL;
  guint64 line;

  if (error == NULL || strncmp (error->message, name, prefix) != 0 || error->message[prefix] != ':')
    return;
  p = error->message + prefix + 1;
  line = g_ascii_strtoull (p, &end, 10);
  if (end == p || line < 2 || *end != ':')
    return;
  {
    g_autofree char *old = error->message;

    error->message = g_strdup_printf ("%s:%" G_GUINT64_FORMAT "%s", name, line - 1, end);
  }
}

float *
healer_diagnose_parse_sample (const HealerModel *model,
                              const char        *text,
                              GError           **error)
{
  const HealerPreprocessor *pre;
  g_autofree char *body = NULL;
  g_autoptr(GString) csv = NULL;
  g_auto(GStrv) lines = NULL;
  g_auto(GStrv) cells = NULL;
  g_autoptr(HealerDataset) table = NULL;
  g_autoptr(HealerDataset) aligned = NULL;
  const char *first_line = NULL;
  gboolean prepended = FALSE;
  guint n_cells;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  pre = model->preprocessor;
  body = g_strdup (text);
  /* A row copied from a spreadsheet arrives with tabs. */
  if (strchr (body, ',') == NULL)
    g_strdelimit (body, "\t", ',');

  lines = g_strsplit (body, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_strstrip (lines[i]);
      if (lines[i][0] != '\0')
        {
          first_line = lines[i];
          break;
        }
    }
  if (first_line == NULL)
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_EMPTY,
                   _("%s: nothing to diagnose; expected one row of KPI values, "
                     "with or without a header line"), _(PASTED_NAME));
      return NULL;
    }

  cells = g_strsplit (first_line, ",", -1);
  n_cells = g_strv_length (cells);
  csv = g_string_new (NULL);
  if (!line_is_header (model, cells))
    {
      prepended = TRUE;
      /* Values alone: the model's own header goes in front, so the text
       * is read by the same parser as a file. */
      if (n_cells == pre->n_input + 1)
        g_string_append (csv, "sample_id,");
      else if (n_cells != pre->n_input)
        {
          g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_COLUMNS,
                       _("%s:1: found %u values; expected %u, one per KPI of the model "
                         "in its order, or a header line naming the KPIs"),
                       _(PASTED_NAME), n_cells, pre->n_input);
          return NULL;
        }
      for (guint j = 0; j < pre->n_input; j++)
        g_string_append_printf (csv, "%s%s", j > 0 ? "," : "", pre->input_names[j]);
      g_string_append_c (csv, '\n');
    }
  g_string_append (csv, body);

  table = healer_dataset_load_from_data (_(PASTED_NAME), csv->str, csv->len, error);
  if (table == NULL)
    {
      if (prepended && error != NULL)
        unshift_error_line (*error, _(PASTED_NAME));
      return NULL;
    }
  if (table->n_rows != 1)
    {
      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_TOO_LARGE,
                   _("%s: found %zu rows of values; expected one sample (diagnose a "
                     "file to diagnose many)"), _(PASTED_NAME), table->n_rows);
      return NULL;
    }

  aligned = healer_model_align (model, table, NULL, NULL, error);
  if (aligned == NULL)
    return NULL;

  return g_memdup2 (aligned->x, (gsize) pre->n_input * sizeof (float));
}

void
healer_diagnose_predict_row (const HealerModel *model,
                             const float       *row,
                             float             *proba)
{
  g_autoptr(HealerDataset) one = NULL;
  const HealerPreprocessor *pre;

  g_return_if_fail (model != NULL);
  g_return_if_fail (row != NULL);
  g_return_if_fail (proba != NULL);

  pre = model->preprocessor;
  one = healer_dataset_new ((const char * const *) pre->input_names, 1, FALSE, FALSE);
  memcpy (one->x, row, (gsize) pre->n_input * sizeof (float));
  healer_model_predict_proba (model, one, proba);
}

void
healer_predictions_append_header (GString      *line,
                                  const gint32 *class_ids,
                                  guint         n_classes,
                                  gboolean      with_true_label)
{
  g_string_append (line, "sample_id,label,confidence,uncertain");
  for (guint c = 0; c < n_classes; c++)
    g_string_append_printf (line, ",p%d", class_ids[c]);
  if (with_true_label)
    g_string_append (line, ",true_label");
  g_string_append_c (line, '\n');
}

void
healer_predictions_append_row (GString      *line,
                               const char   *sample_id,
                               const gint32 *class_ids,
                               guint         n_classes,
                               const float  *proba,
                               guint         predicted,
                               gboolean      uncertain,
                               const gint32 *true_label)
{
  healer_csv_append_field (line, sample_id);
  g_string_append_printf (line, ",%d,", class_ids[predicted]);
  healer_csv_append_double (line, "%.6f", proba[predicted]);
  g_string_append (line, uncertain ? ",1" : ",0");
  for (guint c = 0; c < n_classes; c++)
    {
      g_string_append_c (line, ',');
      healer_csv_append_double (line, "%.6f", proba[c]);
    }
  if (true_label != NULL)
    g_string_append_printf (line, ",%d", *true_label);
  g_string_append_c (line, '\n');
}
