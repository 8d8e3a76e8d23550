/* healer-train-page-run.c — a training run: start, progress, cancel, result
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-page.h"
#include <math.h>

#include "healer-calibrate.h"
#include "healer-job.h"
#include "healer-train-page-private.h"

static char *
format_duration (double seconds)
{
  guint64 s = isfinite (seconds) && seconds > 0 ? (guint64) (seconds + 0.5) : 0;

  if (s >= 3600)
    return g_strdup_printf ("%u:%02u:%02u", (guint) (s / 3600), (guint) (s / 60 % 60), (guint) (s % 60));
  return g_strdup_printf ("%u:%02u", (guint) (s / 60), (guint) (s % 60));
}

/* The labels and the bar take in the newest report at most this often:
 * epochs of small data end dozens of times a second, and each new text is
 * a layout and a frame taken from training (issue 20). The curves are
 * redrawn in the same frame. Nothing on the page moves between reports:
 * a spinner beside the Cancel button, turning at the display's frame rate
 * (45–53 frames a second under Xvfb), cost the UI thread three times what
 * the reports did, and with two BLAS threads each wake-up of the UI thread
 * stalls both; the bar says the run is alive. */
#define SHOW_INTERVAL_MS 250

static void
show_progress (HealerTrainPage               *self,
               const HealerCalibrateProgress *cp)
{
  const HealerTrainProgress *p = &cp->epoch;
  g_autofree char *position = NULL;
  g_autofree char *elapsed = NULL;
  g_autofree char *timing = NULL;
  g_autofree char *what = NULL;

  /* The folds weighed by the rows they train on, as the estimate is. */
  gtk_progress_bar_set_fraction (self->progress_bar, CLAMP (cp->fraction, 0.0, 1.0));

  /* After the last epoch, the importance, KPI by KPI. */
  if (p->importance_total > 0)
    position = g_strdup_printf (_("Ranking the KPIs · %u of %u"),
                                p->importance_done, p->importance_total);
  else if (p->n_members > 1)
    position = g_strdup_printf (_("Network %u of %u · epoch %u of %u"),
                                p->member + 1, p->n_members, p->epoch, p->n_epochs);
  else
    position = g_strdup_printf (_("Epoch %u of %u"), p->epoch, p->n_epochs);
  if (cp->fold > 0)
    {
      char *with_fold = g_strdup_printf (_("Calibration fold %u of %u · %s"), cp->fold,
                                         cp->n_folds, position);

      g_free (position);
      position = with_fold;
    }
  else if (cp->n_folds > 0)
    {
      char *final = g_strdup_printf (_("Final model · %s"), position);

      g_free (position);
      position = final;
    }
  gtk_label_set_text (self->progress_label, position);

  /* The whole job's times (the final model and its calibration folds),
   * the time left from the rate measured after a warm-up (healer-eta.h). */
  elapsed = format_duration (cp->elapsed_seconds);
  if (isfinite (cp->eta_seconds) && cp->eta_seconds < 0.5)
    timing = g_strdup_printf (_("%s elapsed · almost done"), elapsed);
  else if (isfinite (cp->eta_seconds))
    {
      g_autofree char *left = format_duration (cp->eta_seconds);

      /* Translators: elapsed and remaining time, as m:ss */
      timing = g_strdup_printf (_("%s elapsed · about %s left"), elapsed, left);
    }
  else
    timing = g_strdup_printf (_("%s elapsed · estimating the time left…"), elapsed);
  gtk_label_set_text (self->time_label, timing);

  what = p->n_members > 1
         ? g_strdup_printf (_("Network %u of %u, as it trains."), p->member + 1, p->n_members)
         : g_strdup (_("The network, as it trains."));
  _healer_train_page_set_curves_description (self, what);
  healer_train_curves_flush (self->curves);
}

static gboolean
show_pending_cb (gpointer data)
{
  HealerTrainPage *self = data;

  self->show_id = 0;
  if (self->progress_pending)
    {
      self->progress_pending = FALSE;
      show_progress (self, &self->progress_last);
      self->show_id = g_timeout_add (SHOW_INTERVAL_MS, show_pending_cb, self);
    }
  return G_SOURCE_REMOVE;
}

static gboolean
pulse_cb (gpointer data)
{
  HealerTrainPage *self = data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

/* Before the first epoch ends nothing says how far the run is ("Preparing
 * the data…" takes some 15 s at 100k rows): the bar pulses. */
static void
set_pulsing (HealerTrainPage *self,
             gboolean         pulsing)
{
  if (pulsing && self->pulse_id == 0)
    {
      gtk_progress_bar_pulse (self->progress_bar);
      self->pulse_id = g_timeout_add (200, pulse_cb, self);
    }
  else if (!pulsing)
    g_clear_handle_id (&self->pulse_id, g_source_remove);
}

void
_healer_train_page_stop_progress (HealerTrainPage *self)
{
  set_pulsing (self, FALSE);
  g_clear_handle_id (&self->show_id, g_source_remove);
  self->progress_pending = FALSE;
}

static void
progress_cb (const HealerCalibrateProgress *cp,
             gpointer                       user_data)
{
  HealerTrainPage *self = user_data;
  const HealerTrainProgress *p = &cp->epoch;
  /* The final model first, then the folds. */
  guint run = cp->fold + 1;

  if (self->cancellable == NULL)
    return;

  set_pulsing (self, FALSE);
  /* Each network of the ensemble, of each calibration fold, starts its
   * curves again at epoch 1. The curves keep every epoch and draw them a
   * few times a second. */
  if (p->member != self->last_member || run != self->last_fold)
    {
      self->last_member = p->member;
      self->last_fold = run;
      healer_train_curves_reset (self->curves, self->has_validation);
    }
  /* Reports come coalesced (the newest when the main loop gets to it):
   * each carries the network's newest epochs, and the curves take every one
   * they lack. The importance's reports repeat the last epoch, which the
   * curves then have. */
  healer_train_curves_append_report (self->curves, p);

  /* The first report at once, then the newest one every interval. */
  self->progress_last = *cp;
  if (self->show_id == 0)
    {
      show_progress (self, cp);
      self->show_id = g_timeout_add (SHOW_INTERVAL_MS, show_pending_cb, self);
    }
  else
    self->progress_pending = TRUE;
}

static void
run_finished (HealerTrainPage *self)
{
  _healer_train_page_stop_progress (self);
  g_clear_object (&self->cancellable);
  self->discard_result = FALSE;
  g_clear_pointer (&self->run_data, healer_dataset_unref);
  _healer_train_page_update_sensitivity (self);
  _healer_train_page_update_view (self);
}

/* Makes @model the session's and shows it with @message. */
static void
use_model (HealerTrainPage *self,
           HealerModel     *model,
           const char      *message)
{
  const char * const *lost;
  HealerModel *shown;
  g_autofree char *full = NULL;

  /* Unsaved: the window asks before it lets the model go. The session
   * gives it the class names the user gave the model it replaces. */
  healer_session_set_model (self->session, model, NULL);
  shown = healer_session_get_model (self->session);
  healer_train_summary_set_model (self->summary, shown);
  gtk_widget_set_visible (GTK_WIDGET (self->summary), TRUE);

  if (shown->history.n_epochs > 0)
    {
      g_autofree char *what = NULL;

      healer_train_curves_set_history (self->curves, &shown->history);
      what = shown->n_members > 1
             ? g_strdup_printf (_("Every epoch of the first of the %u networks."), shown->n_members)
             : g_strdup (_("Every epoch of the network."));
      _healer_train_page_set_curves_description (self, what);
    }

  /* Names are the operator's work: never drop them without a word. */
  lost = healer_session_get_lost_class_names (self->session);
  if (lost != NULL && lost[0] != NULL)
    {
      g_autofree char *names = g_strjoinv (", ", (char **) lost);

      full = g_strdup_printf (_("%s The new model has other classes than the one it replaces, "
                                "so the class names you gave (%s) could not be kept."),
                              message, names);
      message = full;
    }
  _healer_train_page_set_message (self, message, shown->status == HEALER_TRAIN_DIVERGED);

  /* The message above the summary says it already; a toast only for a
   * user who went to another page meanwhile, or names that were lost. */
  if (full != NULL)
    healer_page_toast (GTK_WIDGET (self), _("Class names not kept: the new model has other classes"));
  else if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    healer_page_toast (GTK_WIDGET (self), message);
}

/* The user kept the session's model: the page shows it again. */
static void
keep_model (HealerTrainPage *self,
            gboolean         partial)
{
  HealerModel *current = healer_session_get_model (self->session);

  if (current != NULL)
    {
      healer_train_summary_set_model (self->summary, current);
      gtk_widget_set_visible (GTK_WIDGET (self->summary), TRUE);
      if (current->history.n_epochs > 0)
        healer_train_curves_set_history (self->curves, &current->history);
    }
  _healer_train_page_set_message (self,
                                  partial
                                  ? _("Training was cancelled. The current model is kept; the partly trained one was discarded.")
                                  : _("The current model is kept; the one just trained was discarded."),
                                  FALSE);
}

static void
replace_response_cb (AdwMessageDialog *dialog,
                     const char       *response,
                     HealerTrainPage  *self)
{
  HealerModel *model = g_object_get_data (G_OBJECT (dialog), "healer-model");
  gboolean partial = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "healer-partial"));

  if (g_strcmp0 (response, "use") == 0)
    use_model (self, model, g_object_get_data (G_OBJECT (dialog), "healer-message"));
  else
    keep_model (self, partial);
}

/* A new model would replace one the user may still want: a partly trained
 * one never replaces a model silently, nor does any replace an unsaved
 * one. Modal and transient for the window, as the window's own questions. */
/* How the run that made the new model ended, for the question to say. */
typedef enum {
  RUN_FINISHED,
  RUN_PARTIAL,      /* training cancelled: the model is partly trained */
  RUN_NO_ESTIMATE,  /* cross-fitting cancelled: the model is complete, without an estimate */
} RunEnd;

/* What using the new model would lose of the current one, as the session
 * knows it: the whole model when it was trained here and never saved;
 * otherwise only the changes made since it was opened or saved. */
static char *
dup_loss_sentence (HealerTrainPage *self,
                   RunEnd           end)
{
  HealerUnsaved unsaved = healer_session_get_unsaved (self->session);
  GFile *file = healer_session_get_model_file (self->session);
  g_autofree char *name = file != NULL ? g_file_get_basename (file) : NULL;
  GString *text = g_string_new (NULL);

  if (unsaved == HEALER_UNSAVED_NONE)
    g_string_append (text, end == RUN_PARTIAL
                           ? _("The current model stays loaded unless you choose the partial one.")
                           : _("The current model stays loaded unless you choose the new one."));
  else if ((unsaved & HEALER_UNSAVED_MODEL) || name == NULL)
    g_string_append (text, end == RUN_PARTIAL
                           ? _("The current model has not been saved: if you use the partial one, "
                               "the current model is lost.")
                           : _("The current model has not been saved: if you use the new one, "
                               "the current model is lost."));
  else
    {
      /* Names carry over to a model with the same classes (see
       * healer_session_set_model()); a coverage does not. */
      if (unsaved & HEALER_UNSAVED_CLASS_NAMES)
        g_string_append_printf (text, _("The class names given to the current model “%s” have not "
                                        "been saved: the new model takes them if it has the same "
                                        "classes, otherwise they are lost."),
                                name);
      if (unsaved & HEALER_UNSAVED_COVERAGE)
        {
          if (text->len > 0)
            g_string_append_c (text, ' ');
          g_string_append_printf (text, _("The coverage chosen for the current model “%s” has not "
                                          "been saved: if you use the new model, it is lost and the "
                                          "file keeps the coverage it was saved with."),
                                  name);
        }
    }
  return g_string_free (text, FALSE);
}

static void
ask_replace (HealerTrainPage *self,
             HealerModel     *model,
             RunEnd           end,
             const char      *message)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean saved = healer_session_get_model_saved (self->session);
  gboolean partial = end == RUN_PARTIAL;
  gboolean cancelled = end != RUN_FINISHED;
  g_autofree char *loss = dup_loss_sentence (self, end);
  g_autofree char *body = NULL;
  AdwMessageDialog *dialog;
  const char *lead;

  switch (end)
    {
    case RUN_PARTIAL:
      lead = _("Training was cancelled, so its model is only partly trained.");
      break;
    case RUN_NO_ESTIMATE:
      lead = _("Cross-fitting was cancelled: the new model is completely trained but has no "
               "out-of-fold estimate.");
      break;
    case RUN_FINISHED:
    default:
      lead = _("Training finished.");
      break;
    }
  /* Translators: a question's body: "%s" are two sentences, what happened, then what would be lost. */
  body = g_strdup_printf (C_("replace-model", "%s %s"), lead, loss);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                       cancelled ? _("Keep the Current Model?")
                                                                 : _("Replace the Unsaved Model?"),
                                                       body));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  adw_message_dialog_add_responses (dialog,
                                    "keep", _("_Keep Current Model"),
                                    "use", partial ? _("_Use Partial Model") : _("_Use New Model"),
                                    NULL);
  if (cancelled)
    {
      adw_message_dialog_set_response_appearance (dialog, "keep", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "keep");
    }
  else
    {
      adw_message_dialog_set_response_appearance (dialog, "use", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "use");
    }
  if (!saved)
    adw_message_dialog_set_response_appearance (dialog, "use", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (dialog, "keep");
  g_object_set_data_full (G_OBJECT (dialog), "healer-model", healer_model_ref (model),
                          (GDestroyNotify) healer_model_unref);
  g_object_set_data (G_OBJECT (dialog), "healer-partial", GINT_TO_POINTER (partial));
  g_object_set_data_full (G_OBJECT (dialog), "healer-message", g_strdup (message), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (replace_response_cb), self, 0);

  _healer_train_page_set_message (self, cancelled ? _("Training was cancelled. Choose which model to keep.")
                                                 : _("Training finished. Choose which model to keep."),
                                  FALSE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_model (HealerTrainPage *self,
            HealerModel     *model)
{
  gboolean cancelled = self->cancellable != NULL && g_cancellable_is_cancelled (self->cancellable);
  /* Cancelled during cross-fitting, after training ended, the model is
   * complete: only its estimate is missing. */
  RunEnd end = model->status == HEALER_TRAIN_CANCELLED ? RUN_PARTIAL
               : cancelled ? RUN_NO_ESTIMATE : RUN_FINISHED;
  HealerModel *current;
  const char *message;
  g_autofree char *without_estimate = NULL;
  g_autofree char *why = NULL;
  g_autofree char *fewer = NULL;
  g_autofree char *with_fewer = NULL;
  g_autofree char *gaps = NULL;
  g_autofree char *with_gaps = NULL;

  /* Finished without the estimate cross-fitting was to give (a class of
   * one row): say so and why, before the run's rows are let go. */
  if (!cancelled && self->run_data != NULL)
    {
      why = healer_calibrate_why_no_estimate (self->run_data, HEALER_CALIBRATION_FOLDS_DEFAULT, model);
      fewer = healer_calibrate_why_fewer_folds (self->run_data, HEALER_CALIBRATION_FOLDS_DEFAULT,
                                                model);
      /* As train on the command line warns: a column or a row with
       * nothing in it is usually a collection or export fault. */
      gaps = healer_dataset_describe_gaps (self->run_data);
    }
  run_finished (self);
  gtk_widget_set_visible (self->progress_box, FALSE);

  switch (model->status)
    {
    case HEALER_TRAIN_CANCELLED:
      message = _("Training was cancelled. The best model so far was kept; it is not saved yet.");
      break;
    case HEALER_TRAIN_DIVERGED:
      message = _("Training diverged. The best weights before that were kept; try a lower learning rate.");
      break;
    default:
      if (cancelled)
        message = _("Cross-fitting was cancelled. The model is complete but has no out-of-fold estimate; it is not saved yet.");
      else if (why != NULL)
        message = without_estimate =
          g_strdup_printf (_("Training finished without an out-of-fold estimate: %s. The model has no honest quality figure, and its prediction sets hold its top class only."),
                           why);
      else if (fewer != NULL)
        message = with_fewer =
          g_strdup_printf (_("Training finished, with cross-fitting %s. Read the result below, then save the model."),
                           fewer);
      else
        message = _("Training finished. Read the result below, then save the model.");
      break;
    }
  if (gaps != NULL)
    /* TRANSLATORS: the first %s is the message about training, the second
     * says which columns or rows of the data are empty */
    message = with_gaps = g_strdup_printf (_("%s Note: in the data, %s; they teach the model nothing."),
                                           message, gaps);
  current = self->session != NULL ? healer_session_get_model (self->session) : NULL;
  if (current != NULL && (end != RUN_FINISHED || !healer_session_get_model_saved (self->session)))
    ask_replace (self, model, end, message);
  else
    use_model (self, model, message);
  _healer_train_page_set_status (self, healer_train_status_to_string (model->status));
}

/* After healer_train_page_stop(): the run is over and its model dropped. */
static void
show_stopped (HealerTrainPage *self)
{
  run_finished (self);
  gtk_widget_set_visible (self->progress_box, FALSE);
  _healer_train_page_set_status (self, "cancelled");
  _healer_train_page_set_message (self, _("Training was stopped. Its model was not kept."), FALSE);
}

/* What measuring a cancelled model needs: its own references, so the
 * worker reads nothing of the page. */
typedef struct
{
  HealerModel   *model;
  HealerDataset *data;      /* the rows it trained on */
} EvaluateJob;

static void
evaluate_job_free (EvaluateJob *job)
{
  g_clear_pointer (&job->model, healer_model_unref);
  g_clear_pointer (&job->data, healer_dataset_unref);
  g_free (job);
}

/* Returns a copy of the model with its training metrics: the model the
 * trainer returned is never changed once built. */
static gpointer
evaluate_run (HealerJob     *worker,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  EvaluateJob *job = data;
  g_autoptr(HealerMetrics) metrics = NULL;

  metrics = healer_model_evaluate (job->model, job->data, error);
  if (metrics == NULL)
    return NULL;
  return healer_model_with_train_metrics (job->model, metrics);
}

static const HealerJobInfo evaluate_job = {
  .name = "[healer] measure cancelled model",
  .func = evaluate_run,
  .result_free = (GDestroyNotify) healer_model_unref,
  .check_cancellable = TRUE,
};

static void train_done_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data);

static void
evaluate_done_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  HealerTrainPage *self = HEALER_TRAIN_PAGE (object);
  EvaluateJob *job = healer_job_get_data (result);
  g_autoptr(HealerModel) measured = NULL;
  g_autoptr(GError) error = NULL;

  if (self->discard_result)
    {
      show_stopped (self);
      return;
    }

  /* Not being able to measure is no reason to lose the model. */
  measured = healer_job_finish (result, train_done_cb, &error);
  if (measured == NULL)
    g_debug ("Could not measure the cancelled model: %s", error->message);

  show_model (self, measured != NULL ? measured : job->model);
}

static void
train_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HealerTrainPage) self = user_data;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = healer_train_calibrated_finish (result, &error);

  if (self->discard_result)
    {
      show_stopped (self);
      return;
    }
  if (model == NULL)
    {
      run_finished (self);
      gtk_widget_set_visible (self->progress_box, FALSE);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          _healer_train_page_set_status (self, "cancelled");
          _healer_train_page_set_message (self, _("Training was cancelled before the first epoch finished, so there is no model to keep."),
                       FALSE);
        }
      else
        {
          _healer_train_page_set_status (self, "failed");
          _healer_train_page_set_message (self, error->message, TRUE);
          healer_page_show_error (GTK_WIDGET (self), _("Training Failed"), error);
        }
      return;
    }

  /* A cancel skips the trainer's last pass over the training rows, so a
   * run without validation rows would end with no score at all. The user
   * must judge the model before saving it: measure it here, off the main
   * thread, on the rows it trained on. */
  if (model->train_metrics == NULL && model->validation_metrics == NULL)
    {
      EvaluateJob *job = g_new0 (EvaluateJob, 1);

      job->model = g_steal_pointer (&model);
      job->data = healer_dataset_ref (self->run_data);
      gtk_label_set_text (self->progress_label, _("Measuring the model…"));
      healer_job_run (&evaluate_job, self, train_done_cb,
                      job, (GDestroyNotify) evaluate_job_free, NULL,
                      NULL, NULL, NULL, evaluate_done_cb, NULL);
      return;
    }

  show_model (self, model);
}

void
healer_train_page_start (HealerTrainPage *self)
{
  g_autoptr(GError) error = NULL;
  HealerTrainConfig config;
  HealerDataset *dataset;
  HealerModel *current;
  double coverage;

  g_return_if_fail (HEALER_IS_TRAIN_PAGE (self));

  /* Ctrl+Return pressed twice must not start a second run. */
  if (self->cancellable != NULL)
    return;
  /* Its estimate would describe the model this run replaces. */
  _healer_train_page_forget_estimate (self);

  _healer_train_page_update_view (self);
  dataset = self->session ? healer_session_get_dataset (self->session) : NULL;
  if (dataset == NULL || !healer_dataset_has_labels (dataset))
    return;

  if (!healer_train_settings_get_config (self->settings, &config, &error))
    {
      _healer_train_page_set_message (self, error->message, TRUE);
      adw_leaflet_set_visible_child (self->leaflet, self->settings_pane);
      gtk_widget_error_bell (GTK_WIDGET (self));
      return;
    }

  /* The next session's form starts from these (see
   * healer_window_restore_session). */
  {
    g_autoptr(GSettings) settings = g_settings_new (APPLICATION_ID);
    g_autofree char *json = healer_train_config_to_json (&config);

    g_settings_set_string (settings, "train-config", json);
  }

  self->cancellable = g_cancellable_new ();
  self->discard_result = FALSE;
  self->run_data = healer_dataset_ref (dataset);
  self->has_validation = config.validation_fraction > 0;
  self->last_member = 0;
  _healer_train_page_set_status (self, "running");
  _healer_train_page_update_sensitivity (self);
  _healer_train_page_set_message (self, _("Training… The settings are locked until the run ends."), FALSE);

  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_label_set_text (self->progress_label, _("Preparing the data…"));
  gtk_label_set_text (self->time_label, "");
  set_pulsing (self, TRUE);
  gtk_widget_set_visible (self->progress_box, TRUE);
  gtk_widget_set_visible (GTK_WIDGET (self->summary), FALSE);
  healer_train_curves_reset (self->curves, self->has_validation);
  _healer_train_page_set_curves_description (self, _("The curves appear when the first epoch ends."));
  gtk_widget_set_visible (GTK_WIDGET (self->curves_group), TRUE);
  adw_leaflet_set_visible_child (self->leaflet, self->run_pane);

  self->last_fold = 1;
  /* The coverage the operator chose in Preferences for the model in use
   * carries over to the next one, whose estimate is then measured at it. */
  current = healer_session_get_model (self->session);
  coverage = current != NULL && current->calibration != NULL ? current->coverage
                                                             : HEALER_COVERAGE_DEFAULT;
  healer_train_calibrated_async (dataset, &config, HEALER_CALIBRATION_FOLDS_DEFAULT,
                                 coverage, self->cancellable,
                                 progress_cb, g_object_ref (self), g_object_unref,
                                 train_done_cb, g_object_ref (self));
}

gboolean
healer_train_page_cancel (HealerTrainPage *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_PAGE (self), FALSE);

  /* Escape stops whichever runs: the training or the estimate. */
  if (_healer_train_page_cancel_estimate (self))
    return TRUE;
  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return FALSE;

  g_cancellable_cancel (self->cancellable);
  _healer_train_page_set_message (self, _("Cancelling… the best model so far will be kept."), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
  return TRUE;
}

gboolean
healer_train_page_stop (HealerTrainPage *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_PAGE (self), FALSE);

  _healer_train_page_cancel_estimate (self);
  if (self->cancellable == NULL)
    return FALSE;

  self->discard_result = TRUE;
  g_cancellable_cancel (self->cancellable);
  _healer_train_page_set_message (self, _("Stopping… this run's model will not be kept."), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), FALSE);
  return TRUE;
}
