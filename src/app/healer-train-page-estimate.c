/* healer-train-page-estimate.c — the cross-validated estimate of a trained
 * model's settings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "healer-cv.h"
#include "healer-train-page-private.h"

/* Five folds, as the study in docs/model.md; a class with fewer rows
 * lowers the count (each fold must hold every class out). */
#define ESTIMATE_FOLDS 5

static guint
fold_count (const HealerDataset *data)
{
  g_autoptr(GHashTable) counts = g_hash_table_new (g_direct_hash, g_direct_equal);
  GHashTableIter iter;
  gpointer value;
  guint smallest = ESTIMATE_FOLDS;

  for (gsize i = 0; i < data->n_rows; i++)
    {
      gpointer key = GINT_TO_POINTER (data->labels[i]);

      g_hash_table_insert (counts, key,
                           GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, key)) + 1));
    }
  g_hash_table_iter_init (&iter, counts);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    smallest = MIN (smallest, GPOINTER_TO_UINT (value));
  return smallest;
}

/* What a report needs to know whose it is: the estimate that made it may
 * have been replaced by another one, which its last report must not
 * overwrite (reports are delivered up to the result, after a cancel too). */
typedef struct
{
  HealerTrainPage *self;
  GCancellable    *cancellable;
} HealerEstimateReport;

static void
healer_estimate_report_free (gpointer data)
{
  HealerEstimateReport *report = data;

  g_object_unref (report->self);
  g_object_unref (report->cancellable);
  g_free (report);
}

static void
estimate_progress_cb (const HealerCvProgress *p,
                      gpointer                user_data)
{
  HealerEstimateReport *report = user_data;
  HealerTrainPage *self = report->self;
  g_autofree char *text = NULL;

  if (self->estimate_cancellable == NULL || report->cancellable != self->estimate_cancellable ||
      g_cancellable_is_cancelled (report->cancellable))
    return;
  if (isfinite (p->eta_seconds))
    /* TRANSLATORS: progress of the estimate: folds done of all, then the time left in seconds */
    text = g_strdup_printf (_("Fold %u of %u done · about %.0f s left"),
                            p->folds_done, p->n_folds * p->n_repeats, ceil (p->eta_seconds));
  else
    /* TRANSLATORS: progress of the estimate before its rate is known */
    text = g_strdup_printf (_("Fold %u of %u done · estimating the time left…"),
                            p->folds_done, p->n_folds * p->n_repeats);
  healer_train_summary_set_estimate_progress (self->summary, text);
}

static void
estimate_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HealerTrainPage) self = user_data;
  g_autoptr(HealerCvResult) cv = NULL;
  g_autoptr(GError) error = NULL;

  cv = healer_cross_validate_finish (result, &error);
  /* Superseded (a new run, a new model) or the page is going away. */
  if (self->estimate_cancellable == NULL ||
      g_task_get_cancellable (G_TASK (result)) != self->estimate_cancellable)
    return;
  g_clear_object (&self->estimate_cancellable);
  _healer_train_page_update_busy (self);

  if (cv != NULL)
    healer_train_summary_set_estimate (self->summary, cv->mean_macro_f1, cv->fold_std_macro_f1,
                                       cv->mean_accuracy, cv->n_folds);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    healer_train_summary_reset_estimate (self->summary, _("Estimate cancelled"));
  else
    healer_train_summary_reset_estimate (self->summary, error->message);
}

static void
estimate_cb (HealerTrainPage *self)
{
  HealerModel *model = healer_train_summary_get_model (self->summary);
  HealerDataset *data = self->session ? healer_session_get_dataset (self->session) : NULL;
  HealerEstimateReport *report;
  guint n_folds;

  if (model == NULL || self->estimate_cancellable != NULL || self->cancellable != NULL)
    return;
  if (data == NULL || !healer_dataset_has_labels (data))
    {
      healer_train_summary_reset_estimate (self->summary,
                                           _("An estimate needs the labelled data: load it on the Data page"));
      return;
    }
  n_folds = fold_count (data);
  if (n_folds < 2)
    {
      healer_train_summary_reset_estimate (self->summary,
                                           _("A class has a single sample: it cannot be both trained on and tested"));
      return;
    }

  self->estimate_cancellable = g_cancellable_new ();
  _healer_train_page_update_busy (self);
  healer_train_summary_set_estimate_progress (self->summary, _("Starting…"));
  /* The settings the model was trained with, on the data loaded now. */
  report = g_new0 (HealerEstimateReport, 1);
  report->self = g_object_ref (self);
  report->cancellable = g_object_ref (self->estimate_cancellable);
  healer_cross_validate_async (data, &model->config, n_folds, 1, model->config.seed,
                               self->estimate_cancellable,
                               estimate_progress_cb, report, healer_estimate_report_free,
                               estimate_done_cb, g_object_ref (self));
}

gboolean
_healer_train_page_cancel_estimate (HealerTrainPage *self)
{
  if (self->estimate_cancellable == NULL || g_cancellable_is_cancelled (self->estimate_cancellable))
    return FALSE;
  g_cancellable_cancel (self->estimate_cancellable);
  return TRUE;
}

/* A new model in the summary: an estimate running for the old one is moot. */
void
_healer_train_page_forget_estimate (HealerTrainPage *self)
{
  if (self->estimate_cancellable != NULL)
    g_cancellable_cancel (self->estimate_cancellable);
  g_clear_object (&self->estimate_cancellable);
  _healer_train_page_update_busy (self);
}

void
_healer_train_page_estimate_init (HealerTrainPage *self)
{
  g_signal_connect_object (self->summary, "estimate", G_CALLBACK (estimate_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->summary, "cancel-estimate",
                           G_CALLBACK (_healer_train_page_cancel_estimate), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->summary, "notify::model",
                           G_CALLBACK (_healer_train_page_forget_estimate), self,
                           G_CONNECT_SWAPPED);
}
