/* healer-cli-explain.c — systemhealer-cli explain: which KPIs point to a fault
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "healer-cli.h"
#include "healer-drift.h"
#include "healer-explain.h"

#define EXPLAIN_IMPORTANCE_TOP 20
#define EXPLAIN_SAMPLE_TOP     10
#define EXPLAIN_CHUNK_ROWS     4096

static const char *
direction (double effect)
{
  return effect > 0 ? "higher" : "lower";
}

/* ---- the model's stored explanations ---- */

static void
model_json_signatures (JsonBuilder              *b,
                       const HealerModel        *model,
                       const HealerExplanations *ex,
                       guint                     top)
{
  json_builder_set_member_name (b, "signatures");
  json_builder_begin_array (b);
  for (guint c = 0; c < ex->n_classes; c++)
    {
      const HealerSignature *sig = &ex->signatures[c];

      json_builder_begin_object (b);
      healer_json_add_int (b, "class_id", model->class_ids[c]);
      healer_json_add_string (b, "class_name", model->class_names[c]);
      json_builder_set_member_name (b, "kpis");
      json_builder_begin_array (b);
      for (guint e = 0; e < MIN (sig->n_entries, top); e++)
        {
          const HealerSignatureEntry *s = &sig->entries[e];

          json_builder_begin_object (b);
          healer_json_add_string (b, "kpi", model->preprocessor->input_names[s->feature]);
          healer_json_add_double (b, "effect", s->effect);
          healer_json_add_string (b, "direction", direction (s->effect));
          healer_json_add_double (b, "median_class", s->median_class);
          healer_json_add_double (b, "median_others", s->median_rest);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
model_json_importance (JsonBuilder              *b,
                       const HealerModel        *model,
                       const HealerExplanations *ex,
                       const HealerImportance   *ranked,
                       guint                     top)
{
  json_builder_set_member_name (b, "importance");
  if (ranked == NULL)
    {
      json_builder_add_null_value (b);
      return;
    }
  json_builder_begin_object (b);
  healer_json_add_string (b, "rows", healer_importance_rows_to_string (ex->importance_rows));
  healer_json_add_int (b, "n_rows", (gint64) ex->importance_n_rows);
  healer_json_add_int (b, "repeats", ex->importance_repeats);
  healer_json_add_double (b, "macro_f1", ex->base_macro_f1);
  healer_json_add_double (b, "log_loss", ex->base_log_loss);
  json_builder_set_member_name (b, "kpis");
  json_builder_begin_array (b);
  for (guint i = 0; i < MIN (ex->n_importance, top); i++)
    {
      json_builder_begin_object (b);
      healer_json_add_int (b, "rank", i + 1);
      healer_json_add_string (b, "kpi", model->preprocessor->input_names[ranked[i].feature]);
      healer_json_add_double (b, "f1_drop", ranked[i].f1_drop);
      healer_json_add_double (b, "f1_drop_std", ranked[i].f1_drop_std);
      healer_json_add_double (b, "log_loss_increase", ranked[i].log_loss_increase);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
}

static void
model_text (const HealerModel        *model,
            const HealerExplanations *ex,
            const HealerImportance   *ranked,
            guint                     top)
{
  char *const *names = model->preprocessor->input_names;

  printf (_("Fault signatures: the KPIs that set each class apart from the others\n"
            "(effect: Cliff's delta on %zu training rows, from −1 to 1; "
            "“higher” means higher in this class)\n"), ex->signature_rows);
  for (guint c = 0; c < ex->n_classes; c++)
    {
      const HealerSignature *sig = &ex->signatures[c];

      printf ("\n%s\n", healer_cli_safe (model->class_names[c]));
      if (sig->n_entries == 0)
        {
          printf ("  %s\n", _("(no KPI sets this class apart)"));
          continue;
        }
      printf ("  %-24s %7s  %-9s %14s %14s\n", _("KPI"), _("effect"), _("direction"),
              _("median here"), _("median others"));
      for (guint e = 0; e < MIN (sig->n_entries, top); e++)
        {
          const HealerSignatureEntry *s = &sig->entries[e];

          printf ("  %-24s %+7.3f  %-9s %14.4g %14.4g\n", healer_cli_safe (names[s->feature]), s->effect,
                  s->effect > 0 ? _("higher") : _("lower"), s->median_class, s->median_rest);
        }
    }

  putchar ('\n');
  if (ranked == NULL)
    {
      printf ("%s\n", _("Permutation importance: not computed (training was cancelled)."));
      return;
    }
  printf (_("Permutation importance: how much the diagnosis suffers when one KPI is shuffled\n"
            "(%s rows: %zu, %u permutations each; unshuffled macro-F1 %.4f, "
            "log-loss %.4f)\n"),
          ex->importance_rows == HEALER_IMPORTANCE_ROWS_VALIDATION ? _("validation")
                                                                   : _("training"),
          ex->importance_n_rows, ex->importance_repeats, ex->base_macro_f1, ex->base_log_loss);
  printf ("  %4s  %-24s %9s %9s %12s\n", _("rank"), _("KPI"), _("F1 drop"), _("± std"),
          _("log-loss +"));
  for (guint i = 0; i < MIN (ex->n_importance, top); i++)
    printf ("  %4u  %-24s %9.4f %9.4f %12.4f\n", i + 1, healer_cli_safe (names[ranked[i].feature]),
            ranked[i].f1_drop, ranked[i].f1_drop_std, ranked[i].log_loss_increase);
}

static int
explain_model (const HealerModel *model,
               const char        *path,
               guint              top,
               gboolean           json)
{
  const HealerExplanations *ex = model->explanations;
  g_autofree HealerImportance *ranked = NULL;

  if (ex == NULL)
    {
      fprintf (stderr, _("systemhealer-cli: %s has no stored explanations (it was written by an "
                         "older version); train the model again to get them, or explain one "
                         "sample with “explain %s DATA.csv --sample ID”\n"), path, path);
      return HEALER_EXIT_ERROR;
    }
  /* The file's order is not trusted: rank again. */
  if (ex->importance != NULL)
    {
      ranked = g_memdup2 (ex->importance, ex->n_importance * sizeof (HealerImportance));
      healer_importance_sort (ranked, ex->n_importance);
    }

  if (json)
    {
      g_autoptr(JsonBuilder) b = json_builder_new ();

      json_builder_begin_object (b);
      healer_json_add_string (b, "model", path);
      healer_json_add_string (b, "signature_method", "cliffs-delta");
      healer_json_add_int (b, "signature_rows", (gint64) ex->signature_rows);
      model_json_signatures (b, model, ex, top > 0 ? top : G_MAXUINT);
      model_json_importance (b, model, ex, ranked, top > 0 ? top : EXPLAIN_IMPORTANCE_TOP);
      json_builder_end_object (b);
      healer_cli_print_json (b);
    }
  else
    model_text (model, ex, ranked, top > 0 ? top : EXPLAIN_IMPORTANCE_TOP);
  return HEALER_EXIT_OK;
}

/* ---- one sample ---- */

typedef struct
{
  char  *id;          /* its sample_id, or its row number as text */
  gsize  row;         /* 1-based */
  float *x;           /* the model's inputs, in its order */
} FoundSample;

static void
found_sample_clear (FoundSample *f)
{
  g_clear_pointer (&f->id, g_free);
  g_clear_pointer (&f->x, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FoundSample, found_sample_clear)

/* Streams @path until the row whose sample_id is @id (or, in a file without
 * sample ids, the row numbered @id from 1) and copies it into @found. */
static gboolean
find_sample (const HealerModel  *model,
             const char         *path,
             const char         *id,
             FoundSample        *found,
             GError            **error)
{
  g_autoptr(HealerCsvReader) reader = NULL;
  guint64 wanted = 0;
  gsize first_row = 0;

  reader = healer_csv_reader_new_for_path (path, NULL, error);
  if (reader == NULL)
    return FALSE;

  for (;;)
    {
      g_autoptr(HealerDataset) chunk = NULL;
      g_autoptr(HealerDataset) aligned = NULL;

      chunk = healer_csv_reader_read_chunk (reader, EXPLAIN_CHUNK_ROWS, NULL, error);
      if (chunk == NULL)
        return FALSE;
      /* Aligned even when empty, so missing columns are reported first. */
      aligned = healer_model_align (model, chunk, NULL, NULL, error);
      if (aligned == NULL)
        return FALSE;
      if (first_row == 0 && chunk->sample_ids == NULL &&
          !g_ascii_string_to_unsigned (id, 10, 1, G_MAXUINT64, &wanted, NULL))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                       _("%s has no sample_id column, so --sample takes a row number "
                         "from 1, not “%s”"), healer_dataset_get_source_name (chunk), id);
          return FALSE;
        }
      if (chunk->n_rows == 0)
        break;

      for (gsize i = 0; i < chunk->n_rows; i++)
        {
          gboolean match = chunk->sample_ids != NULL ? strcmp (chunk->sample_ids[i], id) == 0
                                                     : first_row + i + 1 == wanted;

          if (!match)
            continue;
          /* An id on two rows names no one sample: the first of them was
           * explained, silently. Read on to be sure it is the only one. */
          if (found->id != NULL)
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("%s has sample_id “%s” on more than one row (rows %zu and %zu, "
                             "counted from 1 without the header), so --sample cannot say which "
                             "to explain; give the samples distinct ids"),
                           path, id, found->row, first_row + i + 1);
              return FALSE;
            }
          found->row = first_row + i + 1;
          found->id = g_strdup (chunk->sample_ids != NULL ? chunk->sample_ids[i] : id);
          found->x = g_memdup2 (healer_dataset_row (aligned, i),
                                aligned->n_features * sizeof (float));
          /* a row number is one row */
          if (chunk->sample_ids == NULL)
            return TRUE;
        }
      first_row += chunk->n_rows;
    }
  if (found->id != NULL)
    return TRUE;

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
               wanted > 0 ? _("%s has no row %s (it has %zu rows)")
                          : _("%s has no sample with sample_id “%s” (%zu rows "
                              "searched)"),
               path, id, first_row);
  return FALSE;
}

/* A KPI value for a table column: 4 significant digits, or "missing". */
static const char *
format_value (char   *buf,
              gsize   size,
              double  v)
{
  if (isnan (v))
    return _("missing");
  g_snprintf (buf, size, "%.4g", v);
  return buf;
}

static const char *
abnormal_note (HealerAbnormalFlags flags)
{
  if (flags & HEALER_ABNORMAL_UNSEEN)
    return _("never measured in training");
  if (flags & HEALER_ABNORMAL_CONSTANT)
    return _("training value was constant");
  if (flags & HEALER_ABNORMAL_ABOVE_RANGE)
    return _("above the training range");
  if (flags & HEALER_ABNORMAL_BELOW_RANGE)
    return _("below the training range");
  return "";
}

static void
sample_text (const HealerModel             *model,
             const FoundSample             *found,
             const HealerSampleExplanation *ex,
             guint                          top)
{
  char *const *names = model->preprocessor->input_names;
  guint k = ex->predicted;
  /* The flag predict sets on the same row, for the same reasons, in the
   * words of its uncertain_reason column: one verdict, whichever command. */
  HealerUncertainty why = healer_model_row_uncertainty (model, found->x, ex->proba);
  g_autofree char *reason = healer_model_row_reason_text (model, found->x, ex->proba, why);

  printf (_("Sample %s (row %zu)\n"), healer_cli_safe (found->id), found->row);
  printf (_("Diagnosis: %s (label %d), probability %.4f"), healer_cli_safe (model->class_names[k]),
          model->class_ids[k], ex->proba[k]);
  if (why != HEALER_UNCERTAIN_NONE)
    printf (_(" — uncertain: %s"), reason);
  printf ("\n%s", _("Probabilities:"));
  for (guint c = 0; c < ex->n_classes; c++)
    printf ("%s %s %.4f", c ? "," : "", healer_cli_safe (model->class_names[c]), ex->proba[c]);
  printf ("\n\n%s\n", _("KPIs that drove the diagnosis (each set to its training median in turn; "
                        "Δ = drop of log p of the diagnosis):"));
  /* The app's words for the same case: an empty table would look broken. */
  if (ex->n_attributions == 0)
    printf ("  %s: %s\n", _("No single KPI stands out"),
            _("Replacing any one KPI by its usual value does not make this diagnosis less likely."));
  else
    printf ("  %-24s %12s %12s %9s  %s\n", _("KPI"), _("value"), _("median"), _("Δ log p"),
            _("diagnosis without it"));
  for (guint a = 0; a < MIN (ex->n_attributions, top); a++)
    {
      const HealerAttribution *at = &ex->attributions[a];
      char value[32];

      printf ("  %-24s %12s %12.4g %9.4f  %s\n", healer_cli_safe (names[at->feature]),
              format_value (value, sizeof value, at->value), at->baseline, at->delta,
              healer_cli_safe (model->class_names[at->class_without]));
    }

  printf ("\n%s\n", _("Abnormal KPIs (robust z against the training distribution: |z| > 3, "
                      "or outside the training range):"));
  if (ex->n_abnormal == 0)
    printf ("  %s\n", _("(none)"));
  else
    printf ("  %-24s %12s %12s %12s  %s\n", _("KPI"), _("value"), _("median"), _("z"), "");
  for (guint a = 0; a < MIN (ex->n_abnormal, top); a++)
    {
      const HealerAbnormal *ab = &ex->abnormal[a];
      char z[32];

      /* No z against a constant training value: the note says why. */
      if (isfinite (ab->z))
        g_snprintf (z, sizeof z, "%.4g", ab->z);
      else
        g_strlcpy (z, "—", sizeof z);
      printf ("  %-24s %12.4g %12.4g %12s  %s\n", healer_cli_safe (names[ab->feature]), ab->value, ab->median,
              z, abnormal_note (ab->flags));
    }
  if (ex->n_abnormal > top)
    printf (_("  … and %u more\n"), ex->n_abnormal - top);
  if (ex->n_missing > 0)
    printf (_("\n%u KPIs of this sample are missing.\n"), ex->n_missing);
  if (ex->n_missing_read > 0)
    {
      g_autoptr(GString) list = g_string_new (NULL);

      for (guint m = 0; m < ex->n_missing_read; m++)
        g_string_append_printf (list, "%s%s", m > 0 ? ", " : "",
                                healer_cli_safe (names[ex->missing_read[m]]));
      printf (_("Missing KPIs the model reads (imputed, so not ranked as drivers): %s\n"),
              list->str);
    }
}

static void
sample_json (const HealerModel             *model,
             const FoundSample             *found,
             const HealerSampleExplanation *ex,
             guint                          top)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  char *const *names = model->preprocessor->input_names;
  guint k = ex->predicted;

  json_builder_begin_object (b);
  healer_json_add_string (b, "sample_id", found->id);
  healer_json_add_int (b, "row", (gint64) found->row);
  healer_json_add_int (b, "label", model->class_ids[k]);
  healer_json_add_string (b, "class_name", model->class_names[k]);
  healer_json_add_double (b, "confidence", ex->proba[k]);
  {
    HealerUncertainty why = healer_model_row_uncertainty (model, found->x, ex->proba);
    g_autofree char *reason = healer_model_row_reason (model, found->x, ex->proba, why);

    healer_json_add_bool (b, "uncertain", why != HEALER_UNCERTAIN_NONE);
    healer_json_add_string (b, "uncertain_reason", reason);
  }
  json_builder_set_member_name (b, "probabilities");
  json_builder_begin_object (b);
  for (guint c = 0; c < ex->n_classes; c++)
    {
      g_autofree char *key = g_strdup_printf ("%d", model->class_ids[c]);

      healer_json_add_double (b, key, ex->proba[c]);
    }
  json_builder_end_object (b);

  json_builder_set_member_name (b, "drivers");
  json_builder_begin_array (b);
  for (guint a = 0; a < MIN (ex->n_attributions, top); a++)
    {
      const HealerAttribution *at = &ex->attributions[a];

      json_builder_begin_object (b);
      healer_json_add_string (b, "kpi", names[at->feature]);
      healer_json_add_double (b, "value", at->value);
      healer_json_add_double (b, "median", at->baseline);
      healer_json_add_double (b, "delta_log_p", at->delta);
      healer_json_add_int (b, "label_without", model->class_ids[at->class_without]);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "abnormal");
  json_builder_begin_array (b);
  for (guint a = 0; a < MIN (ex->n_abnormal, top); a++)
    {
      const HealerAbnormal *ab = &ex->abnormal[a];

      json_builder_begin_object (b);
      healer_json_add_string (b, "kpi", names[ab->feature]);
      healer_json_add_double (b, "value", ab->value);
      healer_json_add_double (b, "median", ab->median);
      healer_json_add_double (b, "z", ab->z);    /* null when ±∞ or unknown: see the flags */
      healer_json_add_bool (b, "below_range", (ab->flags & HEALER_ABNORMAL_BELOW_RANGE) != 0);
      healer_json_add_bool (b, "above_range", (ab->flags & HEALER_ABNORMAL_ABOVE_RANGE) != 0);
      healer_json_add_bool (b, "constant_in_training", (ab->flags & HEALER_ABNORMAL_CONSTANT) != 0);
      healer_json_add_bool (b, "unseen_in_training", (ab->flags & HEALER_ABNORMAL_UNSEEN) != 0);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  healer_json_add_int (b, "n_abnormal", ex->n_abnormal);
  healer_json_add_int (b, "n_missing", ex->n_missing);
  json_builder_set_member_name (b, "missing_kpis");
  json_builder_begin_array (b);
  for (guint m = 0; m < ex->n_missing_read; m++)
    json_builder_add_string_value (b, names[ex->missing_read[m]]);
  json_builder_end_array (b);
  json_builder_end_object (b);
  healer_cli_print_json (b);
}

int
healer_cli_explain (int    argc,
                    char **argv)
{
  g_autofree char *sample = NULL;
  gint top = 0;
  gboolean json = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerSampleExplanation) ex = NULL;
  g_auto(FoundSample) found = { 0 };
  guint shown;
  const GOptionEntry entries[] = {
    { "sample", 's', 0, G_OPTION_ARG_STRING, &sample, N_("Explain the sample with this sample_id (a row number from 1 when the file has no sample_id column)"), N_("ID") },
    { "top", 'n', 0, G_OPTION_ARG_INT, &top, N_("KPIs shown per list (default: 10 per signature and per sample, 20 for the importance ranking)"), N_("N") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the explanation as JSON"), NULL },
    { NULL }
  };

  if (!healer_cli_parse ("explain", _("MODEL.json [DATA.csv --sample ID]"),
                         _("Say which KPIs point to each fault: with a model alone, every "
                           "class's fault signature and the model's KPI importance ranking; "
                           "with data and --sample, why that sample got its diagnosis and "
                           "which of its KPIs are abnormal."),
                         entries, &argc, &argv))
    return HEALER_EXIT_USAGE;
  if (argc < 2 || argc > 3)
    return healer_cli_usage_error ("explain", _("expected a model file, optionally followed by "
                                                "a data file and --sample ID"));
  if (argc == 3 && sample == NULL)
    return healer_cli_usage_error ("explain", _("a data file needs --sample ID to say which "
                                                "sample to explain"));
  if (argc == 2 && sample != NULL)
    return healer_cli_usage_error ("explain", _("--sample needs a data file after the model"));
  {
    const char *inputs[] = { argv[1], argc == 3 ? argv[2] : NULL, NULL };
    int status = healer_cli_check_files ("explain", inputs, NULL, NULL);

    if (status != HEALER_EXIT_OK)
      return status;
  }

  model = healer_model_load (argv[1], &error);
  if (model == NULL)
    return healer_cli_fail (error);
  if (argc == 2)
    return explain_model (model, argv[1], (guint) top, json);

  if (!find_sample (model, argv[2], sample, &found, &error))
    return healer_cli_fail (error);
  ex = healer_explain_sample (model, found.x, 0);
  shown = top > 0 ? (guint) top : EXPLAIN_SAMPLE_TOP;
  if (json)
    sample_json (model, &found, ex, shown);
  else
    sample_text (model, &found, ex, shown);
  return HEALER_EXIT_OK;
}
