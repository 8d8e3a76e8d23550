/* healer-dataset.c — KPI tables read from CSV
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n-lib.h>

#include "healer-csv-private.h"
#include "healer-output.h"
#include "healer-text.h"

#define LIST_MAX_NAMES 10

G_DEFINE_QUARK (healer-dataset-error-quark, healer_dataset_error)

/* ------------------------------------------------------------------------ */
/* Tables                                                                    */

static const char empty_id[] = "";

HealerDataset *
healer_dataset_create (const char * const *feature_names,
                       gboolean            with_labels,
                       gboolean            with_ids)
{
  HealerDataset *self = g_new0 (HealerDataset, 1);

  self->ref_count = 1;
  self->feature_names = g_strdupv ((char **) feature_names);
  self->n_features = g_strv_length (self->feature_names);
  /* A zero-row table still tells "labelled" from "unlabelled" by these. */
  if (with_labels)
    self->labels = g_new (gint32, 1);
  if (with_ids)
    {
      self->sample_ids = g_new (const char *, 1);
      self->ids_chunk = g_string_chunk_new (16 * 1024);
    }
  return self;
}

/* Amortised doubling; FALSE when the size would not fit in memory at all. */
gboolean
healer_dataset_reserve (HealerDataset *self,
                        gsize          n_rows,
                        gsize          limit)
{
  gsize row_bytes = MAX (self->n_features, 1) * sizeof (float);
  gsize want;

  if (n_rows <= self->n_allocated)
    return TRUE;
  if (n_rows > G_MAXSIZE / 2 / row_bytes)
    return FALSE;

  want = MAX (n_rows, self->n_allocated * 2);
  want = MIN (want, MAX (limit, n_rows));
  self->x = g_renew (float, self->x, want * self->n_features);
  if (self->labels != NULL)
    self->labels = g_renew (gint32, self->labels, want);
  if (self->sample_ids != NULL)
    self->sample_ids = g_renew (const char *, self->sample_ids, want);
  self->n_allocated = want;
  return TRUE;
}

HealerDataset *
healer_dataset_new (const char * const *feature_names,
                    gsize               n_rows,
                    gboolean            with_labels,
                    gboolean            with_ids)
{
  HealerDataset *self;

  g_return_val_if_fail (feature_names != NULL, NULL);

  self = healer_dataset_create (feature_names, with_labels, with_ids);
  if (!healer_dataset_reserve (self, n_rows, n_rows))
    g_error ("healer_dataset_new: %" G_GSIZE_FORMAT " rows do not fit in memory", n_rows);
  self->n_rows = n_rows;
  if (n_rows > 0)
    memset (self->x, 0, n_rows * self->n_features * sizeof (float));
  for (gsize i = 0; i < n_rows; i++)
    {
      if (self->labels != NULL)
        self->labels[i] = 0;
      if (self->sample_ids != NULL)
        self->sample_ids[i] = empty_id;
    }
  return self;
}

void
healer_dataset_set_sample_id (HealerDataset *self,
                              gsize          row,
                              const char    *id)
{
  g_return_if_fail (self != NULL && self->sample_ids != NULL);
  g_return_if_fail (row < self->n_rows);
  g_return_if_fail (id != NULL);

  self->sample_ids[row] = g_string_chunk_insert (self->ids_chunk, id);
}

G_DEFINE_BOXED_TYPE (HealerDataset, healer_dataset, healer_dataset_ref, healer_dataset_unref)

HealerDataset *
healer_dataset_ref (HealerDataset *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
healer_dataset_unref (HealerDataset *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_int_dec_and_test (&self->ref_count))
    return;
  g_strfreev (self->feature_names);
  g_free (self->x);
  g_free (self->labels);
  g_free (self->sample_ids);
  if (self->ids_chunk != NULL)
    g_string_chunk_free (self->ids_chunk);
  g_free (self->source_name);
  if (self->line_runs != NULL)
    g_array_unref (self->line_runs);
  g_free (self);
}

typedef struct
{
  gsize row;
  gsize line;
} HealerLineRun;

gsize
healer_dataset_get_line (const HealerDataset *self,
                         gsize                row)
{
  HealerLineRun base = { 0, 0 };

  g_return_val_if_fail (self != NULL, 0);

  base.line = self->first_line;
  if (base.line == 0)
    return 0;
  if (self->line_runs != NULL && self->line_runs->len > 0)
    {
      const HealerLineRun *runs = (const HealerLineRun *) (gpointer) self->line_runs->data;
      guint lo = 0, hi = self->line_runs->len;

      /* The last run starting at or before @row. */
      while (lo < hi)
        {
          guint mid = lo + (hi - lo) / 2;

          if (runs[mid].row <= row)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (lo > 0)
        base = runs[lo - 1];
    }
  return base.line + (row - base.row);
}

/* Row self->n_rows is at @line (0: unknown, which makes every later row
 * unknown too). */
static void
healer_dataset_append_line (HealerDataset *self,
                            gsize          line)
{
  HealerLineRun run = { self->n_rows, line };

  if (self->n_rows == 0)
    {
      self->first_line = line;
      return;
    }
  if (self->first_line == 0 || healer_dataset_get_line (self, self->n_rows - 1) + 1 == line)
    return;
  if (line == 0)
    {
      /* Unknown from here on: say nothing rather than a wrong line. */
      self->first_line = 0;
      g_clear_pointer (&self->line_runs, g_array_unref);
      return;
    }
  if (self->line_runs == NULL)
    self->line_runs = g_array_new (FALSE, FALSE, sizeof (HealerLineRun));
  g_array_append_val (self->line_runs, run);
}

void
healer_dataset_note_line (HealerDataset *self,
                          gsize          line)
{
  healer_dataset_append_line (self, line);
}

const char *
healer_dataset_get_source_name (const HealerDataset *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->source_name != NULL ? self->source_name : "";
}

gboolean
healer_dataset_has_labels (const HealerDataset *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->labels != NULL;
}

int
healer_dataset_find_feature (const HealerDataset *self,
                             const char          *name)
{
  g_return_val_if_fail (self != NULL, -1);
  g_return_val_if_fail (name != NULL, -1);

  for (guint j = 0; j < self->n_features; j++)
    if (strcmp (self->feature_names[j], name) == 0)
      return (int) j;
  return -1;
}

gsize
healer_dataset_count_missing (const HealerDataset *self)
{
  gsize n = 0, total;

  g_return_val_if_fail (self != NULL, 0);

  total = self->n_rows * self->n_features;
  for (gsize i = 0; i < total; i++)
    n += isnan (self->x[i]) ? 1 : 0;
  return n;
}

char *
healer_dataset_describe_gaps (const HealerDataset *self)
{
  g_autofree gsize *observed = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *name = NULL;
  gsize n_empty_rows = 0, first_empty = 0;
  guint n_empty_cols = 0, first_col = 0;

  g_return_val_if_fail (self != NULL, NULL);

  if (self->n_rows == 0 || self->n_features == 0)
    return NULL;
  observed = g_new0 (gsize, self->n_features);
  for (gsize i = 0; i < self->n_rows; i++)
    {
      const float *row = healer_dataset_row (self, i);
      guint n = 0;

      for (guint j = 0; j < self->n_features; j++)
        if (!isnan (row[j]))
          {
            observed[j]++;
            n++;
          }
      if (n == 0 && n_empty_rows++ == 0)
        first_empty = i;
    }
  for (guint j = 0; j < self->n_features; j++)
    if (observed[j] == 0 && n_empty_cols++ == 0)
      first_col = j;

  if (n_empty_cols > 0)
    name = healer_text_escape (self->feature_names[first_col], -1, FALSE);
  if (n_empty_cols == 1)
    g_string_append_printf (text, _("“%s” is empty in every row"), name);
  else if (n_empty_cols > 1)
    g_string_append_printf (text,
                            g_dngettext (GETTEXT_PACKAGE,
                                         "“%s” and %u more KPI are empty in every row",
                                         "“%s” and %u more KPIs are empty in every row",
                                         n_empty_cols - 1),
                            name, n_empty_cols - 1);
  if (n_empty_rows > 0 && n_empty_rows < self->n_rows)
    {
      gsize line = healer_dataset_get_line (self, first_empty);

      if (text->len > 0)
        g_string_append (text, "; ");
      if (line > 0)
        g_string_append_printf (text,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "%zu row has no KPI value at all, on line %zu",
                                             "%zu rows have no KPI value at all, the first on "
                                             "line %zu",
                                             n_empty_rows),
                                n_empty_rows, line);
      else
        g_string_append_printf (text,
                                g_dngettext (GETTEXT_PACKAGE,
                                             "%zu row has no KPI value at all",
                                             "%zu rows have no KPI value at all",
                                             n_empty_rows),
                                n_empty_rows);
    }
  if (text->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* A table shaped like @self (names from @names) holding @n_rows rows. */
static HealerDataset *
dataset_like (const HealerDataset *self,
              const char * const  *names,
              gsize                n_rows)
{
  HealerDataset *out = healer_dataset_create (names, self->labels != NULL, self->sample_ids != NULL);

  if (!healer_dataset_reserve (out, n_rows, n_rows))
    g_error ("healer-dataset: %" G_GSIZE_FORMAT " rows do not fit in memory", n_rows);
  out->n_rows = n_rows;
  out->source_name = g_strdup (self->source_name);
  out->label_field = self->label_field;
  return out;
}

static void
copy_row_meta (HealerDataset       *dst,
               gsize                i,
               const HealerDataset *src,
               gsize                r)
{
  if (src->labels != NULL)
    dst->labels[i] = src->labels[r];
  if (src->sample_ids != NULL)
    dst->sample_ids[i] = g_string_chunk_insert (dst->ids_chunk, src->sample_ids[r]);
}

HealerDataset *
healer_dataset_subset (const HealerDataset *self,
                       const gsize         *rows,
                       gsize                n_rows)
{
  HealerDataset *out;
  guint nf;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (rows != NULL || n_rows == 0, NULL);
  for (gsize i = 0; i < n_rows; i++)
    g_return_val_if_fail (rows[i] < self->n_rows, NULL);

  nf = self->n_features;
  out = dataset_like (self, (const char * const *) self->feature_names, n_rows);
  out->n_rows = 0;
  for (gsize i = 0; i < n_rows; i++)
    {
      if (nf > 0)
        memcpy (out->x + i * nf, self->x + rows[i] * nf, nf * sizeof (float));
      copy_row_meta (out, i, self, rows[i]);
      /* Each row keeps its own line, so a message about a subset's row
       * still points into the file. */
      if (self->first_line != 0)
        healer_dataset_append_line (out, healer_dataset_get_line (self, rows[i]));
      out->n_rows++;
    }
  return out;
}

/* "“a”, “b”, … and 3 more": enough to act on without flooding a dialog.
 * The names come from files: escaped, so none breaks or rewrites the
 * message's line. */
static char *
format_name_list (GPtrArray *names)
{
  GString *s = g_string_new (NULL);
  guint shown = MIN (names->len, LIST_MAX_NAMES);

  for (guint i = 0; i < shown; i++)
    {
      g_autofree char *name = healer_text_escape (names->pdata[i], -1, FALSE);

      g_string_append_printf (s, "%s“%s”", i > 0 ? ", " : "", name);
    }
  if (names->len > shown)
    g_string_append_printf (s, g_dngettext (GETTEXT_PACKAGE, " and %u more", " and %u more",
                                            names->len - shown),
                            names->len - shown);
  return g_string_free (s, FALSE);
}

static char **
ptr_array_to_strv (GPtrArray *a)
{
  char **v = g_new (char *, a->len + 1);

  for (guint i = 0; i < a->len; i++)
    v[i] = g_strdup (a->pdata[i]);
  v[a->len] = NULL;
  return v;
}

HealerDataset *
healer_dataset_select_columns (const HealerDataset *self,
                               const char * const  *names,
                               gboolean             allow_missing,
                               char              ***missing,
                               char              ***extra,
                               GError             **error)
{
  g_autoptr(GHashTable) index = NULL;
  g_autoptr(GPtrArray) absent = g_ptr_array_new ();
  g_autoptr(GPtrArray) unused = g_ptr_array_new ();
  g_autofree int *source = NULL;
  g_autofree gboolean *used = NULL;
  HealerDataset *out;
  guint n_out, nf;
  gboolean identity = TRUE;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (names != NULL, NULL);

  nf = self->n_features;
  n_out = g_strv_length ((char **) names);
  index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint j = nf; j-- > 0;)   /* backwards: the first of equal names wins */
    g_hash_table_insert (index, self->feature_names[j], GUINT_TO_POINTER (j + 1));

  source = g_new (int, MAX (n_out, 1));
  used = g_new0 (gboolean, MAX (nf, 1));
  for (guint k = 0; k < n_out; k++)
    {
      guint j1 = GPOINTER_TO_UINT (g_hash_table_lookup (index, names[k]));

      source[k] = (int) j1 - 1;
      if (j1 == 0)
        g_ptr_array_add (absent, (gpointer) names[k]);
      else
        used[j1 - 1] = TRUE;
    }
  for (guint j = 0; j < nf; j++)
    if (!used[j])
      g_ptr_array_add (unused, self->feature_names[j]);

  if (missing != NULL)
    *missing = ptr_array_to_strv (absent);
  if (extra != NULL)
    *extra = ptr_array_to_strv (unused);

  if (absent->len > 0 && !allow_missing)
    {
      g_autofree char *list = format_name_list (absent);

      g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_COLUMNS,
                   g_dngettext (GETTEXT_PACKAGE,
                                "%s: %u expected column is missing: %s; expected every column "
                                "named (columns are matched by name)",
                                "%s: %u expected columns are missing: %s; expected every column "
                                "named (columns are matched by name)",
                                absent->len),
                   healer_dataset_get_source_name (self), absent->len, list);
      return NULL;
    }

  out = dataset_like (self, names, self->n_rows);
  /* Columns already in the order asked for (a file written for the model,
   * every chunk of a large predict): one copy of the block. */
  for (guint k = 0; k < n_out && identity; k++)
    identity = source[k] == (int) k;
  if (identity && n_out == nf && self->n_rows > 0)
    memcpy (out->x, self->x, self->n_rows * nf * sizeof (float));
  for (gsize i = 0; i < self->n_rows; i++)
    {
      const float *src = self->x + i * nf;
      float *dst = out->x + i * n_out;

      if (!(identity && n_out == nf))
        for (guint k = 0; k < n_out; k++)
          dst[k] = source[k] >= 0 ? src[source[k]] : NAN;
      copy_row_meta (out, i, self, i);
    }
  out->first_line = self->first_line;
  if (self->line_runs != NULL)
    out->line_runs = g_array_copy (self->line_runs);
  return out;
}

/* ------------------------------------------------------------------------ */
/* Writing                                                                   */

static void
append_csv_text (GString    *s,
                 const char *text)
{
  gsize len = strlen (text);
  gboolean quote = len > 0 && (strpbrk (text, ",\"\r\n") != NULL ||
                               text[0] == ' ' || text[0] == '\t' ||
                               text[len - 1] == ' ' || text[len - 1] == '\t');

  if (!quote)
    {
      g_string_append_len (s, text, len);
      return;
    }
  g_string_append_c (s, '"');
  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (s, '"');
      g_string_append_c (s, *p);
    }
  g_string_append_c (s, '"');
}

void
healer_dataset_append_csv_header (const HealerDataset *self,
                                  GString             *s)
{
  g_return_if_fail (self != NULL);

  if (self->sample_ids != NULL)
    g_string_append (s, "sample_id,");
  for (guint j = 0; j < self->n_features; j++)
    {
      if (j > 0)
        g_string_append_c (s, ',');
      append_csv_text (s, self->feature_names[j]);
    }
  if (self->labels != NULL)
    g_string_append (s, ",label");
  g_string_append_c (s, '\n');
}

void
healer_dataset_append_csv_rows (const HealerDataset *self,
                                GString             *s)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];
  guint nf;

  g_return_if_fail (self != NULL);

  nf = self->n_features;
  for (gsize i = 0; i < self->n_rows; i++)
    {
      const float *row = healer_dataset_row (self, i);

      if (self->sample_ids != NULL)
        {
          append_csv_text (s, self->sample_ids[i]);
          g_string_append_c (s, ',');
        }
      for (guint j = 0; j < nf; j++)
        {
          if (j > 0)
            g_string_append_c (s, ',');
          /* Nine significant digits bring every float back bit for bit. */
          if (!isnan (row[j]))
            g_string_append (s, g_ascii_formatd (num, sizeof num, "%.9g", row[j]));
        }
      if (self->labels != NULL)
        g_string_append_printf (s, ",%d", (int) self->labels[i]);
      g_string_append_c (s, '\n');
    }
}

gboolean
healer_dataset_save_csv (const HealerDataset *self,
                         const char          *path,
                         GError             **error)
{
  g_autoptr(GString) s = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  s = g_string_sized_new (64 + self->n_rows * (self->n_features * 12 + 16));
  healer_dataset_append_csv_header (self, s);
  healer_dataset_append_csv_rows (self, s);
  return healer_output_set_contents (path, s->str, s->len, error);
}

/* ------------------------------------------------------------------------ */
/* Whole files                                                               */

static HealerDataset *
load_from_reader (HealerCsvReader  *r,
                  GCancellable     *cancellable,
                  GError          **error)
{
  g_autoptr(HealerDataset) ds = healer_csv_reader_new_dataset (r);

  healer_dataset_reserve (ds, healer_csv_initial_rows (r), G_MAXSIZE);
  if (!healer_csv_reader_read_rows (r, ds, G_MAXSIZE, cancellable, error))
    return NULL;
  if (ds->n_rows == 0)
    {
      healer_csv_reader_set_no_rows_error (r, error);
      return NULL;
    }
  /* Give back the slack of the last doubling. */
  if (ds->n_allocated > ds->n_rows)
    {
      ds->n_allocated = ds->n_rows;
      ds->x = g_renew (float, ds->x, ds->n_rows * ds->n_features);
      if (ds->labels != NULL)
        ds->labels = g_renew (gint32, ds->labels, ds->n_rows);
      if (ds->sample_ids != NULL)
        ds->sample_ids = g_renew (const char *, ds->sample_ids, ds->n_rows);
    }
  return g_steal_pointer (&ds);
}

HealerDataset *
healer_dataset_load (const char    *path,
                     GCancellable  *cancellable,
                     GError       **error)
{
  g_autoptr(HealerCsvReader) reader = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  reader = healer_csv_reader_new_for_path (path, cancellable, error);
  if (reader == NULL)
    return NULL;
  return load_from_reader (reader, cancellable, error);
}

HealerDataset *
healer_dataset_load_from_data (const char  *name,
                               const char  *data,
                               gsize        len,
                               GError     **error)
{
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(HealerCsvReader) reader = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  stream = g_memory_input_stream_new_from_data (len > 0 ? data : "", (gssize) len, NULL);
  reader = healer_csv_reader_new (stream, name, NULL, error);
  if (reader == NULL)
    return NULL;
  return load_from_reader (reader, NULL, error);
}

char *
healer_class_default_name (gint32 label)
{
  /* TRANSLATORS: default name of a class, %d is its label value in the data */
  return g_strdup_printf (_("class %d"), label);
}
