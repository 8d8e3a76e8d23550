/* healer-results.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "healer-output.h"
#include "healer-results.h"

struct _HealerResults
{
  GObject          parent_instance;

  HealerDiagnosis *diagnosis;
  GFile           *source;
  char            *drift_summary;
  int             *true_class;    /* n_rows, NULL without labels */
  HealerModel     *model;         /* that made them, or NULL */
  GFile           *model_file;
};

G_DEFINE_FINAL_TYPE (HealerResults, healer_results, G_TYPE_OBJECT)

static void
healer_results_finalize (GObject *object)
{
  HealerResults *self = (HealerResults *)object;

  g_clear_pointer (&self->diagnosis, healer_diagnosis_free);
  g_clear_object (&self->source);
  g_clear_pointer (&self->drift_summary, g_free);
  g_clear_pointer (&self->true_class, g_free);
  g_clear_pointer (&self->model, healer_model_unref);
  g_clear_object (&self->model_file);

  G_OBJECT_CLASS (healer_results_parent_class)->finalize (object);
}

static void
healer_results_class_init (HealerResultsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = healer_results_finalize;
}

static void
healer_results_init (HealerResults *self)
{
}

static int
class_of_label (const HealerDiagnosis *d,
                gint32                 label)
{
  for (guint c = 0; c < d->n_classes; c++)
    if (d->class_ids[c] == label)
      return (int) c;
  return -1;
}

HealerResults *
healer_results_new (HealerDiagnosis *diagnosis,
                    GFile           *source)
{
  HealerResults *self;

  g_return_val_if_fail (diagnosis != NULL, NULL);
  g_return_val_if_fail (diagnosis->n_rows <= G_MAXUINT, NULL);
  g_return_val_if_fail (!source || G_IS_FILE (source), NULL);

  self = g_object_new (HEALER_TYPE_RESULTS, NULL);
  self->diagnosis = diagnosis;
  self->source = source ? g_object_ref (source) : NULL;
  if (diagnosis->drift != NULL)
    self->drift_summary = healer_drift_report_summary (diagnosis->drift);
  if (diagnosis->true_labels != NULL)
    {
      self->true_class = g_new (int, MAX (diagnosis->n_rows, 1));
      for (gsize i = 0; i < diagnosis->n_rows; i++)
        self->true_class[i] = class_of_label (diagnosis, diagnosis->true_labels[i]);
    }
  return self;
}

guint
healer_results_get_n_rows (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), 0);

  return (guint) self->diagnosis->n_rows;
}

guint
healer_results_get_n_classes (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), 0);

  return self->diagnosis->n_classes;
}

const char *
healer_results_get_class_name (HealerResults *self,
                               guint          klass)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), NULL);
  g_return_val_if_fail (klass < self->diagnosis->n_classes, NULL);

  return self->diagnosis->class_names[klass];
}

void
healer_results_set_class_name (HealerResults *self,
                               guint          klass,
                               const char    *name)
{
  g_return_if_fail (HEALER_IS_RESULTS (self));
  g_return_if_fail (klass < self->diagnosis->n_classes);
  g_return_if_fail (name != NULL);

  g_free (self->diagnosis->class_names[klass]);
  self->diagnosis->class_names[klass] = g_strdup (name);
}

gint32
healer_results_get_class_id (HealerResults *self,
                             guint          klass)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), -1);
  g_return_val_if_fail (klass < self->diagnosis->n_classes, -1);

  return self->diagnosis->class_ids[klass];
}

const char *
healer_results_get_sample_id (HealerResults *self,
                              guint          row)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), NULL);
  g_return_val_if_fail (row < self->diagnosis->n_rows, NULL);

  return self->diagnosis->sample_ids[row];
}

guint
healer_results_get_predicted (HealerResults *self,
                              guint          row)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), 0);
  g_return_val_if_fail (row < self->diagnosis->n_rows, 0);

  return self->diagnosis->predicted[row];
}

float
healer_results_get_confidence (HealerResults *self,
                               guint          row)
{
  const HealerDiagnosis *d;

  g_return_val_if_fail (HEALER_IS_RESULTS (self), 0);
  g_return_val_if_fail (row < self->diagnosis->n_rows, 0);

  d = self->diagnosis;
  return d->proba[(gsize) row * d->n_classes + d->predicted[row]];
}

gboolean
healer_results_get_uncertain (HealerResults *self,
                              guint          row)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), FALSE);
  g_return_val_if_fail (row < self->diagnosis->n_rows, FALSE);

  return self->diagnosis->uncertainty[row] != HEALER_UNCERTAIN_NONE;
}

HealerUncertainty
healer_results_get_uncertainty (HealerResults *self,
                                guint          row)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), HEALER_UNCERTAIN_NONE);
  g_return_val_if_fail (row < self->diagnosis->n_rows, HEALER_UNCERTAIN_NONE);

  return (HealerUncertainty) self->diagnosis->uncertainty[row];
}

const float *
healer_results_get_probabilities (HealerResults *self,
                                  guint          row)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), NULL);
  g_return_val_if_fail (row < self->diagnosis->n_rows, NULL);

  return self->diagnosis->proba + (gsize) row * self->diagnosis->n_classes;
}

gboolean
healer_results_has_true_labels (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), FALSE);

  return self->true_class != NULL;
}

int
healer_results_get_true_class (HealerResults *self,
                               guint          row)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), -1);
  g_return_val_if_fail (row < self->diagnosis->n_rows, -1);

  return self->true_class != NULL ? self->true_class[row] : -1;
}

guint
healer_results_get_class_count (HealerResults *self,
                                guint          klass)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), 0);
  g_return_val_if_fail (klass < self->diagnosis->n_classes, 0);

  return (guint) self->diagnosis->counts[klass];
}

guint
healer_results_get_n_uncertain (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), 0);

  return (guint) self->diagnosis->n_uncertain;
}

double
healer_results_get_confidence_threshold (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), 0);

  return self->diagnosis->confidence_threshold;
}

guint
healer_results_get_prediction_set (HealerResults *self,
                                   guint          row,
                                   guint         *classes_out)
{
  const HealerDiagnosis *d;

  g_return_val_if_fail (HEALER_IS_RESULTS (self), 0);
  g_return_val_if_fail (row < self->diagnosis->n_rows, 0);

  d = self->diagnosis;
  return healer_prediction_set (d->proba + (gsize) row * d->n_classes, d->n_classes,
                                d->set_threshold, classes_out);
}

GFile *
healer_results_get_source (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), NULL);

  return self->source;
}

const char *
healer_results_get_source_name (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), NULL);

  return self->diagnosis->source_name;
}

const HealerDriftReport *
healer_results_get_drift (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), NULL);

  return self->diagnosis->drift;
}

const char *
healer_results_get_drift_summary (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), NULL);

  return self->drift_summary;
}

gboolean
healer_results_has_drift (HealerResults *self)
{
  const HealerDriftReport *r;

  g_return_val_if_fail (HEALER_IS_RESULTS (self), FALSE);

  r = self->diagnosis->drift;
  return r != NULL && healer_drift_report_has_drift (r);
}

gboolean
healer_results_save_csv (HealerResults  *self,
                         const char     *path,
                         GError        **error)
{
  const HealerDiagnosis *d;
  g_autoptr(HealerOutput) out = NULL;
  g_autoptr(GString) line = NULL;

  g_return_val_if_fail (HEALER_IS_RESULTS (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  d = self->diagnosis;
  out = healer_output_open (path, error);
  if (out == NULL)
    return FALSE;

  line = g_string_new (NULL);
  healer_predictions_append_header (line, d->class_ids, d->n_classes, d->true_labels != NULL);

  for (gsize i = 0; i < d->n_rows; i++)
    {
      healer_predictions_append_row (line, d->sample_ids[i], d->class_ids,
                                     (const char * const *) d->class_names, d->n_classes,
                                     d->proba + i * d->n_classes, d->predicted[i],
                                     d->uncertainty[i] != HEALER_UNCERTAIN_NONE,
                                     d->set_threshold, d->reasons[i],
                                     d->true_labels != NULL ? &d->true_labels[i] : NULL);

      /* Written in blocks: 100 000 rows are never one string in memory. */
      if (line->len > 64 * 1024)
        {
          if (!healer_output_write (out, line->str, line->len, error))
            return FALSE;
          g_string_truncate (line, 0);
        }
    }

  if (!healer_output_write (out, line->str, line->len, error))
    return FALSE;
  return healer_output_commit (g_steal_pointer (&out), error);
}

void
healer_results_set_model (HealerResults *self,
                          HealerModel   *model,
                          GFile         *model_file)
{
  g_return_if_fail (HEALER_IS_RESULTS (self));
  g_return_if_fail (!model_file || G_IS_FILE (model_file));

  if (model != self->model)
    {
      g_clear_pointer (&self->model, healer_model_unref);
      self->model = model != NULL ? healer_model_ref (model) : NULL;
    }
  g_set_object (&self->model_file, model_file);
}

void
healer_results_set_model_file (HealerResults *self,
                               GFile         *model_file)
{
  g_return_if_fail (HEALER_IS_RESULTS (self));
  g_return_if_fail (!model_file || G_IS_FILE (model_file));

  g_set_object (&self->model_file, model_file);
}

HealerModel *
healer_results_get_model (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), NULL);

  return self->model;
}

GFile *
healer_results_get_model_file (HealerResults *self)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), NULL);

  return self->model_file;
}

char *
healer_results_dup_model_name (HealerResults *self)
{
  g_autoptr(GDateTime) when = NULL;
  g_autofree char *time = NULL;

  g_return_val_if_fail (HEALER_IS_RESULTS (self), NULL);

  if (self->model == NULL)
    return NULL;
  if (self->model_file != NULL)
    {
      g_autofree char *base = g_file_get_basename (self->model_file);

      return g_strdup_printf (_("“%s”"), base);
    }
  when = self->model->created_unix > 0 ? g_date_time_new_from_unix_local (self->model->created_unix) : NULL;
  if (when == NULL)
    return g_strdup (_("a model trained in this window (not saved)"));
  time = g_date_time_format (when, "%H:%M:%S");
  /* Translators: %s is a time of day */
  return g_strdup_printf (_("the model trained at %s (not saved)"), time);
}

static gboolean
same_coverage (double a,
               double b)
{
  /* NAN: no prediction sets (no calibration) on either side. */
  if (isnan (a) || isnan (b))
    return isnan (a) && isnan (b);
  return fabs (a - b) < 1e-9;
}

HealerResultsStaleness
healer_results_get_staleness (HealerResults     *self,
                              const HealerModel *model)
{
  g_return_val_if_fail (HEALER_IS_RESULTS (self), HEALER_RESULTS_CURRENT);

  if (self->model == NULL)
    return HEALER_RESULTS_CURRENT;
  if (!healer_model_same_network (self->model, model))
    return HEALER_RESULTS_OTHER_MODEL;
  if (!same_coverage (self->model->coverage, model->coverage))
    return HEALER_RESULTS_OTHER_COVERAGE;
  return HEALER_RESULTS_CURRENT;
}

char *
healer_results_dup_staleness_text (HealerResults     *self,
                                   const HealerModel *model)
{
  g_autofree char *name = NULL;

  g_return_val_if_fail (HEALER_IS_RESULTS (self), NULL);

  switch (healer_results_get_staleness (self, model))
    {
    case HEALER_RESULTS_OTHER_MODEL:
      name = healer_results_dup_model_name (self);
      return g_strdup_printf (_("These results were made by %s, which is no longer loaded. "
                                "Diagnose the file again to see what the current model says."),
                              name);

    case HEALER_RESULTS_OTHER_COVERAGE:
      /* Translators: coverages as percentages, "90 %" then "95 %" */
      return g_strdup_printf (_("These results were made at a coverage of %.4g %%; the model now "
                                "has %.4g %%. Diagnose the file again to see the prediction sets "
                                "and uncertain flags at the new coverage."),
                              100.0 * self->model->coverage, 100.0 * model->coverage);

    case HEALER_RESULTS_CURRENT:
    default:
      return NULL;
    }
}
