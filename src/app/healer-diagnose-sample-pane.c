/* healer-diagnose-sample-pane.c — the Diagnose page's one sample: a form of KPI values, a pasted row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "healer-diagnose-common.h"
#include "healer-diagnose-sample-pane.h"
#include "healer-explain.h"
#include "healer-job.h"
#include "healer-page.h"
#include "healer-wrap-box.h"

/* Its job diagnoses one sample. */
struct _HealerDiagnoseSamplePane
{
  HealerDiagnosePart  parent_instance;

  /* A value text per model input (NULL = missing). */
  char              **sample_texts;
  guint               n_sample_texts;
  GtkStringList      *kpi_names;
  GtkFilterListModel *kpi_filtered;
  GtkStringFilter    *kpi_filter;
  float              *last_sample_proba;  /* n_classes of the last diagnosed sample */
  guint               last_sample_class;

  /* Template widgets */
  GtkSearchEntry     *kpi_search;
  GtkListView        *kpi_list;
  GtkLabel           *kpi_no_match_label;
  GtkTextView        *paste_view;
  GtkLabel           *paste_error_label;
  GtkButton          *diagnose_sample_button;
  GtkStack           *sample_result_stack;
  GtkLabel           *sample_class_label;
  GtkLabel           *sample_confidence_label;
  GtkBox             *sample_uncertain_box;
  GtkLabel           *sample_uncertain_label;
  GtkBox             *sample_range_box;
  GtkLabel           *sample_range_label;
  GtkGrid            *sample_proba_grid;
  GtkListBox         *sample_drivers_list;
  GtkListBox         *sample_abnormal_list;
};

G_DEFINE_FINAL_TYPE (HealerDiagnoseSamplePane, healer_diagnose_sample_pane, HEALER_TYPE_DIAGNOSE_PART)

/* KPIs listed as having driven a diagnosis. */
#define TOP_DRIVERS  8
/* Abnormal KPIs listed; the rest are counted. */
#define TOP_ABNORMAL 8

typedef struct
{
  HealerModel             *model;
  float                   *row;
  float                   *proba;
  HealerUncertainty        why;
  HealerSampleExplanation *explanation;
} SampleJob;

static void
sample_job_free (SampleJob *job)
{
  g_clear_pointer (&job->model, healer_model_unref);
  g_free (job->row);
  g_free (job->proba);
  g_clear_pointer (&job->explanation, healer_sample_explanation_free);
  g_free (job);
}

static char **
class_labels (const HealerModel *model)
{
  char **labels = g_new0 (char *, model->n_classes + 1);

  for (guint c = 0; c < model->n_classes; c++)
    labels[c] = healer_diagnose_class_label (model->class_names[c], model->class_ids[c]);
  return labels;
}

/* ---- the form ---- */

static guint
item_kpi_index (HealerDiagnoseSamplePane *self,
                GtkListItem              *item)
{
  GtkStringObject *object = gtk_list_item_get_item (item);
  const char *name = gtk_string_object_get_string (object);
  HealerModel *model = healer_diagnose_part_get_model (HEALER_DIAGNOSE_PART (self));

  for (guint j = 0; j < self->n_sample_texts; j++)
    if (model != NULL && strcmp (model->preprocessor->input_names[j], name) == 0)
      return j;
  return G_MAXUINT;
}

static void
value_changed_cb (GtkEditable              *entry,
                  HealerDiagnoseSamplePane *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (entry), "kpi-index"));
  const char *text = gtk_editable_get_text (entry);

  /* 0 means "not bound to a KPI", so indices are stored plus one. */
  if (index == 0 || index > self->n_sample_texts)
    return;
  g_free (self->sample_texts[index - 1]);
  self->sample_texts[index - 1] = *text != '\0' ? g_strdup (text) : NULL;
}

static void
kpi_setup_cb (GtkSignalListItemFactory *factory,
              GtkListItem              *item,
              HealerDiagnoseSamplePane *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *name = gtk_label_new (NULL);
  GtkWidget *entry = gtk_entry_new ();

  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_label_set_xalign (GTK_LABEL (name), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (name, TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 12);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("missing"));
  gtk_widget_add_css_class (entry, "kpi-value");
  g_signal_connect (entry, "changed", G_CALLBACK (value_changed_cb), self);
  gtk_box_append (GTK_BOX (box), name);
  gtk_box_append (GTK_BOX (box), entry);
  gtk_list_item_set_child (item, box);
  gtk_list_item_set_activatable (item, FALSE);
  gtk_list_item_set_selectable (item, FALSE);
}

static void
kpi_bind_cb (GtkSignalListItemFactory *factory,
             GtkListItem              *item,
             HealerDiagnoseSamplePane *self)
{
  GtkWidget *box = gtk_list_item_get_child (item);
  GtkWidget *name = gtk_widget_get_first_child (box);
  GtkWidget *entry = gtk_widget_get_last_child (box);
  guint index = item_kpi_index (self, item);
  const char *kpi = gtk_string_object_get_string (gtk_list_item_get_item (item));

  gtk_label_set_text (GTK_LABEL (name), kpi);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, kpi, -1);
  g_object_set_data (G_OBJECT (entry), "kpi-index", NULL);
  gtk_editable_set_text (GTK_EDITABLE (entry),
                         index < self->n_sample_texts && self->sample_texts[index] != NULL
                         ? self->sample_texts[index] : "");
  g_object_set_data (G_OBJECT (entry), "kpi-index",
                     GUINT_TO_POINTER (index < self->n_sample_texts ? index + 1 : 0));
}

static void
kpi_unbind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               HealerDiagnoseSamplePane *self)
{
  GtkWidget *entry = gtk_widget_get_last_child (gtk_list_item_get_child (item));

  g_object_set_data (G_OBJECT (entry), "kpi-index", NULL);
}

static void
kpi_search_changed_cb (HealerDiagnoseSamplePane *self)
{
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->kpi_search));
  gboolean none = FALSE;

  gtk_string_filter_set_search (self->kpi_filter, search);
  /* An empty list alone reads as "no KPIs": say what happened. */
  none = search[0] != '\0' && g_list_model_get_n_items (G_LIST_MODEL (self->kpi_filtered)) == 0;
  if (none)
    {
      g_autofree char *text = g_strdup_printf (_("No KPI name contains “%s”."), search);

      gtk_label_set_text (self->kpi_no_match_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->kpi_no_match_label), none);
}

static void
refresh_form (HealerDiagnoseSamplePane *self)
{
  /* Rebinding the rows shows the new texts in the visible entries. */
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->kpi_names));
  const char * const *names = NULL;
  HealerModel *model = healer_diagnose_part_get_model (HEALER_DIAGNOSE_PART (self));

  if (model != NULL)
    names = (const char * const *) model->preprocessor->input_names;
  gtk_string_list_splice (self->kpi_names, 0, n, names);
}

static gboolean
is_missing_token (const char *s)
{
  static const char * const tokens[] = { "na", "nan", "n/a", "null", "#n/a" };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    if (g_ascii_strcasecmp (s, tokens[i]) == 0)
      return TRUE;
  return FALSE;
}

static float *
read_form (HealerDiagnoseSamplePane  *self,
           GError                   **error)
{
  HealerModel *model = healer_diagnose_part_get_model (HEALER_DIAGNOSE_PART (self));
  g_autofree float *row = g_new (float, MAX (self->n_sample_texts, 1));

  for (guint j = 0; j < self->n_sample_texts; j++)
    {
      g_autofree char *text = g_strstrip (g_strdup (self->sample_texts[j] ? self->sample_texts[j] : ""));
      char *end = NULL;
      double v;

      if (*text == '\0' || is_missing_token (text))
        {
          row[j] = NAN;
          continue;
        }
      v = g_ascii_strtod (text, &end);
      if (end == text || *end != '\0' || !isfinite (v) || fabs (v) > G_MAXFLOAT)
        {
          g_set_error (error, HEALER_DATASET_ERROR, HEALER_DATASET_ERROR_NUMBER,
                       _("%s: “%s” is not a number; expected a number, or nothing when "
                         "the KPI was not measured"),
                       model->preprocessor->input_names[j], text);
          return NULL;
        }
      row[j] = (float) v;
    }
  return g_steal_pointer (&row);
}

static void
show_paste_error (HealerDiagnoseSamplePane *self,
                  const char               *message)
{
  gtk_label_set_text (self->paste_error_label, message ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->paste_error_label), message != NULL);
}

/* ---- diagnosing ---- */

/* The results are the job's fields; the job's result only says they are
 * there. */
static gpointer
sample_run (HealerJob     *worker,
            gpointer       data,
            GCancellable  *cancellable,
            GError       **error)
{
  SampleJob *job = data;

  job->proba = g_new (float, job->model->n_classes);
  healer_diagnose_predict_row (job->model, job->row, job->proba);
  job->why = healer_model_row_uncertainty (job->model, job->row, job->proba);
  /* Occlusion reruns the model once per KPI: the reason this is a worker. */
  job->explanation = healer_explain_sample (job->model, job->row, TOP_DRIVERS);
  return GINT_TO_POINTER (TRUE);
}

static const HealerJobInfo sample_job = {
  .name = "[healer] sample diagnosis",
  .func = sample_run,
  .check_cancellable = TRUE,
};

static char *
format_value (double v)
{
  if (isnan (v))
    return g_strdup (_("missing"));
  return g_strdup_printf ("%.6g", v);
}

/* A value of the sample as the user typed it: the shortest decimal that
 * reads back to the same float, so 288358.4 stays 288358.4 rather than the
 * float's 288358.406 (and stays 288358.4, not 288358, beside a result). */
static char *
format_sample_value (float v)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (v))
    return g_strdup (_("missing"));
  /* Nine significant digits always read back to the same float. */
  for (int digits = 1; digits <= 9; digits++)
    {
      char format[8];

      g_snprintf (format, sizeof format, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, format, v);
      if ((float) g_ascii_strtod (buf, NULL) == v)
        break;
    }
  return g_strdup (buf);
}

static GtkWidget *
info_row (const char *title,
          const char *subtitle,
          const char *suffix)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (suffix);

  /* Titles are KPI names from the data file: shown as written, never
   * parsed as markup ("read&write" would otherwise leave the row empty). */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static char *
abnormal_text (const HealerAbnormal *a)
{
  if (a->flags & HEALER_ABNORMAL_UNSEEN)
    return g_strdup (_("never measured in training"));
  if (a->flags & HEALER_ABNORMAL_ABOVE_RANGE)
    return g_strdup (_("above every training value"));
  if (a->flags & HEALER_ABNORMAL_BELOW_RANGE)
    return g_strdup (_("below every training value"));
  if (a->flags & HEALER_ABNORMAL_CONSTANT)
    return g_strdup (_("constant in training"));
  return g_strdup_printf (_("z = %.1f"), a->z);
}

/* Whether the network reads the value of input KPI @feature. */
static gboolean
model_reads (const HealerModel *model,
             guint              feature)
{
  const HealerPreprocessor *pre = model->preprocessor;

  for (guint s = 0; s < pre->n_selected; s++)
    if (pre->selected[s] == feature)
      return TRUE;
  return FALSE;
}

static gboolean
outside_range (const HealerAbnormal *a)
{
  return (a->flags & (HEALER_ABNORMAL_BELOW_RANGE | HEALER_ABNORMAL_ABOVE_RANGE | HEALER_ABNORMAL_UNSEEN)) != 0;
}

/* Names the KPIs the model reads whose value lies outside every training
 * value, next to the diagnosis: the diagnosis rests on what the model
 * never saw. KPIs it does not read cannot move it and are left to the
 * list below. */
static void
show_out_of_range (HealerDiagnoseSamplePane      *self,
                   const HealerModel             *model,
                   const HealerSampleExplanation *e)
{
  g_autoptr(GString) names = g_string_new (NULL);
  g_autofree char *text = NULL;
  guint n = 0;

  for (guint i = 0; e != NULL && i < e->n_abnormal; i++)
    {
      const HealerAbnormal *a = &e->abnormal[i];
      g_autofree char *how = NULL;

      if (!outside_range (a) || !model_reads (model, a->feature))
        continue;
      if (n++ >= TOP_ABNORMAL)
        continue;
      how = abnormal_text (a);
      /* Translators: a KPI and how its value lies outside the training
       * range, "feature12 (above every training value)" */
      g_string_append_printf (names, n > 1 ? _(", %s (%s)") : _("%s (%s)"),
                              model->preprocessor->input_names[a->feature], how);
    }
  if (n > TOP_ABNORMAL)
    g_string_append_printf (names, g_dngettext (GETTEXT_PACKAGE, " and %u more", " and %u more",
                                                n - TOP_ABNORMAL),
                            n - TOP_ABNORMAL);
  if (n > 0)
    {
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "Outside the training range, and read by the model: %s. "
                                           "The diagnosis rests on a value the model never saw in training.",
                                           "Outside the training range, and read by the model: %s. "
                                           "The diagnosis rests on values the model never saw in training.",
                                           n),
                              names->str);
      gtk_label_set_text (self->sample_range_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->sample_range_box), n > 0);
}

static void
show_sample_result (HealerDiagnoseSamplePane *self,
                    SampleJob                *job)
{
  const HealerModel *model = job->model;
  const HealerSampleExplanation *e = job->explanation;
  g_auto(GStrv) labels = class_labels (model);
  guint best = healer_argmax (job->proba, model->n_classes);
  g_autofree char *confidence = NULL;

  g_free (self->last_sample_proba);
  self->last_sample_proba = g_memdup2 (job->proba, model->n_classes * sizeof (float));
  self->last_sample_class = best;

  gtk_label_set_text (self->sample_class_label, labels[best]);
  confidence = g_strdup_printf (_("Confidence %.1f %%"), 100.0 * job->proba[best]);
  gtk_label_set_text (self->sample_confidence_label, confidence);
  if (job->why != HEALER_UNCERTAIN_NONE)
    {
      g_autofree guint *set = g_new (guint, model->n_classes);
      guint n_set = healer_model_prediction_set (model, job->proba, set);
      g_autofree char *set_text = healer_diagnose_set_text ((const char * const *) labels, set, n_set);
      g_autofree char *text = healer_diagnose_uncertainty_text (job->why, job->proba[best],
                                                                 model->confidence_threshold,
                                                                 set_text);

      gtk_label_set_text (self->sample_uncertain_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->sample_uncertain_box), job->why != HEALER_UNCERTAIN_NONE);
  show_out_of_range (self, model, e);
  healer_diagnose_fill_probabilities (self->sample_proba_grid, (const char * const *) labels,
                                       job->proba, model->n_classes, best);

  clear_list (self->sample_drivers_list);
  for (guint i = 0; e != NULL && i < e->n_attributions; i++)
    {
      const HealerAttribution *a = &e->attributions[i];
      g_autofree char *value = format_sample_value (a->value);
      g_autofree char *baseline = format_value (a->baseline);
      g_autofree char *subtitle = NULL;
      g_autofree char *delta = g_strdup_printf ("%+.2f", a->delta);

      if (a->delta <= 0)
        break;
      if (a->class_without != e->predicted)
        subtitle = g_strdup_printf (_("value %s, usual %s; without it: %s"),
                                    value, baseline, labels[a->class_without]);
      else
        subtitle = g_strdup_printf (_("value %s, usual %s"), value, baseline);
      gtk_list_box_append (self->sample_drivers_list,
                           info_row (model->preprocessor->input_names[a->feature], subtitle, delta));
    }
  if (e != NULL && e->n_missing_read > 0)
    {
      /* Apart from the ranking: an imputed value tells nothing about the
       * sample, however far it moves the diagnosis. */
      g_autoptr(GString) names = g_string_new (NULL);

      for (guint i = 0; i < e->n_missing_read; i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                                model->preprocessor->input_names[e->missing_read[i]]);
      gtk_list_box_append (self->sample_drivers_list,
                           info_row (_("Missing — imputed"), names->str, ""));
    }
  if (gtk_widget_get_first_child (GTK_WIDGET (self->sample_drivers_list)) == NULL)
    gtk_list_box_append (self->sample_drivers_list,
                         info_row (_("No single KPI stands out"),
                                   _("Replacing any one KPI by its usual value does not make this diagnosis less likely."),
                                   ""));

  clear_list (self->sample_abnormal_list);
  /* Those the model reads first (most abnormal first in each): only they
   * can move the diagnosis. */
  for (guint pass = 0, shown = 0; pass < 2; pass++)
    for (guint i = 0; e != NULL && i < e->n_abnormal && shown < TOP_ABNORMAL; i++)
      {
        const HealerAbnormal *a = &e->abnormal[i];
        gboolean reads = model_reads (model, a->feature);
        g_autofree char *value = NULL;
        g_autofree char *median = NULL;
        g_autofree char *subtitle = NULL;
        g_autofree char *how = NULL;

        if (reads != (pass == 0))
          continue;
        value = format_sample_value (a->value);
        median = format_value (a->median);
        subtitle = reads ? g_strdup_printf (_("value %s, training median %s"), value, median)
                         : g_strdup_printf (_("value %s, training median %s; not read by the model"),
                                            value, median);
        how = abnormal_text (a);
        gtk_list_box_append (self->sample_abnormal_list,
                             info_row (model->preprocessor->input_names[a->feature], subtitle, how));
        shown++;
      }
  if (e != NULL && e->n_abnormal > TOP_ABNORMAL)
    {
      g_autofree char *more = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "and %u more abnormal KPI",
                                                            "and %u more abnormal KPIs",
                                                            e->n_abnormal - TOP_ABNORMAL),
                                               e->n_abnormal - TOP_ABNORMAL);

      gtk_list_box_append (self->sample_abnormal_list, info_row (more, NULL, ""));
    }
  if (e == NULL || e->n_abnormal == 0)
    gtk_list_box_append (self->sample_abnormal_list,
                         info_row (_("None"),
                                   _("Every value lies within the usual spread of the training data."),
                                   ""));

  gtk_stack_set_visible_child_name (self->sample_result_stack, "result");
}

static void diagnose_row (HealerDiagnoseSamplePane *self,
                          float                    *row);

static void
sample_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  HealerDiagnoseSamplePane *self = HEALER_DIAGNOSE_SAMPLE_PANE (object);
  SampleJob *job = healer_job_get_data (result);
  GCancellable *cancellable = g_task_get_cancellable (G_TASK (result));

  /* The pane went away while the worker ran. */
  if (self->sample_result_stack == NULL)
    return;
  if (healer_diagnose_part_end (HEALER_DIAGNOSE_PART (self), cancellable))
    gtk_widget_set_sensitive (GTK_WIDGET (self->diagnose_sample_button), TRUE);
  /* A result for a model that is no longer the pane's is stale. */
  if (g_cancellable_is_cancelled (cancellable) ||
      job->model != healer_diagnose_part_get_model (HEALER_DIAGNOSE_PART (self)))
    return;
  if (healer_job_finish (result, diagnose_row, NULL) == NULL)
    return;

  show_sample_result (self, job);
}

static void
diagnose_row (HealerDiagnoseSamplePane *self,
              float                    *row)
{
  GCancellable *cancellable = healer_diagnose_part_begin (HEALER_DIAGNOSE_PART (self));
  SampleJob *job;

  job = g_new0 (SampleJob, 1);
  job->model = healer_model_ref (healer_diagnose_part_get_model (HEALER_DIAGNOSE_PART (self)));
  job->row = row;
  gtk_widget_set_sensitive (GTK_WIDGET (self->diagnose_sample_button), FALSE);

  healer_job_run (&sample_job, self, diagnose_row,
                  job, (GDestroyNotify) sample_job_free, cancellable,
                  NULL, NULL, NULL, sample_done, NULL);
}

static void
diagnose_sample_clicked_cb (HealerDiagnoseSamplePane *self)
{
  g_autoptr(GError) error = NULL;
  float *row;

  if (healer_diagnose_part_get_model (HEALER_DIAGNOSE_PART (self)) == NULL)
    return;

  row = read_form (self, &error);
  show_paste_error (self, error ? error->message : NULL);
  if (row != NULL)
    diagnose_row (self, row);
}

static void
use_text (HealerDiagnoseSamplePane *self,
          const char               *text)
{
  HealerModel *model = healer_diagnose_part_get_model (HEALER_DIAGNOSE_PART (self));
  g_autoptr(GError) error = NULL;
  float *row;

  if (model == NULL)
    return;

  row = healer_diagnose_parse_sample (model, text, &error);
  show_paste_error (self, error ? error->message : NULL);
  if (row == NULL)
    return;

  /* The form shows what was read, so the user can adjust one value and
   * diagnose again. */
  for (guint j = 0; j < self->n_sample_texts; j++)
    {
      g_free (self->sample_texts[j]);
      self->sample_texts[j] = isnan (row[j]) ? NULL : format_sample_value (row[j]);
    }
  refresh_form (self);
  diagnose_row (self, row);
}

static void
use_pasted_clicked_cb (HealerDiagnoseSamplePane *self)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->paste_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  use_text (self, text);
}

static void
clear_sample_clicked_cb (HealerDiagnoseSamplePane *self)
{
  for (guint j = 0; j < self->n_sample_texts; j++)
    g_clear_pointer (&self->sample_texts[j], g_free);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->paste_view), "", -1);
  show_paste_error (self, NULL);
  refresh_form (self);
  /* The diagnosis on screen was of the values just cleared: it goes too,
   * and so does one still being made. */
  healer_diagnose_part_cancel (HEALER_DIAGNOSE_PART (self));
  g_clear_pointer (&self->last_sample_proba, g_free);
  gtk_stack_set_visible_child_name (self->sample_result_stack, "none");
}

void
healer_diagnose_sample_pane_diagnose_text (HealerDiagnoseSamplePane *self,
                                           const char               *text)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_SAMPLE_PANE (self));
  g_return_if_fail (text != NULL);

  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->paste_view), text, -1);
  use_text (self, text);
}

/* ---- life cycle ---- */

/* The same networks under other class names: the result shown stays,
 * named anew. */
static void
relabel (HealerDiagnoseSamplePane *self)
{
  HealerModel *model = healer_diagnose_part_get_model (HEALER_DIAGNOSE_PART (self));
  g_auto(GStrv) labels = NULL;

  if (model == NULL || self->last_sample_proba == NULL)
    return;
  labels = class_labels (model);
  gtk_label_set_text (self->sample_class_label, labels[self->last_sample_class]);
  healer_diagnose_fill_probabilities (self->sample_proba_grid, (const char * const *) labels,
                                      self->last_sample_proba, model->n_classes,
                                      self->last_sample_class);
}

/* Another model: a form of its KPIs, no result. */
static void
reset (HealerDiagnoseSamplePane *self)
{
  HealerModel *model = healer_diagnose_part_get_model (HEALER_DIAGNOSE_PART (self));

  healer_diagnose_part_cancel (HEALER_DIAGNOSE_PART (self));
  if (self->sample_texts != NULL)
    for (guint j = 0; j < self->n_sample_texts; j++)
      g_free (self->sample_texts[j]);
  g_clear_pointer (&self->sample_texts, g_free);
  g_clear_pointer (&self->last_sample_proba, g_free);
  self->n_sample_texts = model ? model->preprocessor->n_input : 0;
  self->sample_texts = g_new0 (char *, self->n_sample_texts + 1);
  show_paste_error (self, NULL);
  refresh_form (self);
  gtk_stack_set_visible_child_name (self->sample_result_stack, "none");
}

/* A renamed model shares its networks: what was diagnosed stays valid. */
static void
healer_diagnose_sample_pane_model_changed (HealerDiagnosePart *part,
                                           HealerModel        *old_model)
{
  HealerDiagnoseSamplePane *self = HEALER_DIAGNOSE_SAMPLE_PANE (part);

  if (healer_model_same_network (old_model, healer_diagnose_part_get_model (part)))
    relabel (self);
  else
    reset (self);
}

const float *
healer_diagnose_sample_pane_get_probabilities (HealerDiagnoseSamplePane *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_SAMPLE_PANE (self), NULL);

  return self->last_sample_proba;
}

static void
healer_diagnose_sample_pane_dispose (GObject *object)
{
  HealerDiagnoseSamplePane *self = (HealerDiagnoseSamplePane *)object;

  healer_diagnose_part_cancel (HEALER_DIAGNOSE_PART (self));
  /* The bin's child is a bound template child: dropped by the bin first,
   * or the bin would unparent it a second time after the template did. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_DIAGNOSE_SAMPLE_PANE);
  if (self->sample_texts != NULL)
    for (guint j = 0; j < self->n_sample_texts; j++)
      g_free (self->sample_texts[j]);
  g_clear_pointer (&self->sample_texts, g_free);
  self->n_sample_texts = 0;
  g_clear_pointer (&self->last_sample_proba, g_free);
  g_clear_object (&self->kpi_filtered);
  g_clear_object (&self->kpi_filter);
  g_clear_object (&self->kpi_names);

  G_OBJECT_CLASS (healer_diagnose_sample_pane_parent_class)->dispose (object);
}

static void
healer_diagnose_sample_pane_class_init (HealerDiagnoseSamplePaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HealerDiagnosePartClass *part_class = HEALER_DIAGNOSE_PART_CLASS (klass);

  object_class->dispose = healer_diagnose_sample_pane_dispose;

  part_class->model_changed = healer_diagnose_sample_pane_model_changed;

  g_type_ensure (HEALER_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-diagnose-sample-pane.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, kpi_search);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, kpi_list);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, kpi_no_match_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, paste_view);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, paste_error_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, diagnose_sample_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, sample_result_stack);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, sample_class_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, sample_confidence_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, sample_uncertain_box);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, sample_uncertain_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, sample_range_box);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, sample_range_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, sample_proba_grid);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, sample_drivers_list);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseSamplePane, sample_abnormal_list);
  gtk_widget_class_bind_template_callback (widget_class, kpi_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, diagnose_sample_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, use_pasted_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_sample_clicked_cb);
}

static void
healer_diagnose_sample_pane_init (HealerDiagnoseSamplePane *self)
{
  g_autoptr(GtkNoSelection) selection = NULL;
  GtkListItemFactory *factory;
  GtkExpression *expression;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->kpi_names = gtk_string_list_new (NULL);
  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  self->kpi_filter = gtk_string_filter_new (expression);
  gtk_string_filter_set_match_mode (self->kpi_filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  gtk_string_filter_set_ignore_case (self->kpi_filter, TRUE);
  self->kpi_filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->kpi_names)),
                                                  GTK_FILTER (g_object_ref (self->kpi_filter)));

  factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (factory, "setup", G_CALLBACK (kpi_setup_cb), self);
  g_signal_connect (factory, "bind", G_CALLBACK (kpi_bind_cb), self);
  g_signal_connect (factory, "unbind", G_CALLBACK (kpi_unbind_cb), self);
  gtk_list_view_set_factory (self->kpi_list, factory);
  g_object_unref (factory);
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->kpi_filtered)));
  gtk_list_view_set_model (self->kpi_list, GTK_SELECTION_MODEL (selection));
  healer_page_scroll_to_top_on_change (GTK_WIDGET (self->kpi_list), G_LIST_MODEL (self->kpi_filtered));

  reset (self);
}
