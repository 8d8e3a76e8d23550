/* healer-window-actions.c — the window's actions and their shortcuts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-file-chooser.h"
#include "healer-job.h"
#include "healer-onnx.h"
#include "healer-window-private.h"

static void
open_data_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HealerWindow *self = HEALER_WINDOW (widget);

  healer_window_set_visible_page (self, "data");
  healer_data_page_open (self->data_page);
}

static void
demo_data_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  HealerWindow *self = HEALER_WINDOW (widget);

  healer_window_set_visible_page (self, "data");
  healer_data_page_load_demo (self->data_page);
}

static void
open_model_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  HealerWindow *self = HEALER_WINDOW (widget);

  healer_window_set_visible_page (self, "diagnose");
  healer_diagnose_page_open_model (self->diagnose_page);
}

static void
export_results_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *param)
{
  HealerWindow *self = HEALER_WINDOW (widget);

  healer_results_page_export (self->results_page);
}

static void
train_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  HealerWindow *self = HEALER_WINDOW (widget);

  healer_window_set_visible_page (self, "train");
  healer_train_page_start (self->train_page);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  HealerWindow *self = HEALER_WINDOW (widget);
  GtkWidget *visible = adw_view_stack_get_visible_child (self->stack);

  /* Escape stops the work the user is looking at. */
  if (HEALER_IS_PAGE (visible))
    healer_page_cancel (HEALER_PAGE (visible));
}

static void
toast_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *param)
{
  healer_window_toast (HEALER_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  healer_window_set_visible_page (HEALER_WINDOW (widget), g_variant_get_string (param, NULL));
}

/* Diagnoses a file again (the Results page's "Diagnose Again") on the
 * Diagnose page, which shows the progress, the Cancel button and any error. */
static void
diagnose_file_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  HealerWindow *self = HEALER_WINDOW (widget);
  g_autoptr(GFile) file = g_file_new_for_uri (g_variant_get_string (param, NULL));

  healer_window_set_visible_page (self, "diagnose");
  healer_diagnose_page_diagnose_file (self->diagnose_page, file);
}

static void
show_error_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  const char *heading, *message;

  g_variant_get (param, "(&s&s)", &heading, &message);
  _healer_window_show_error_message (HEALER_WINDOW (widget), heading, message);
}

static void
help_launched_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HealerWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_app_info_launch_default_for_uri_finish (result, &error))
    healer_window_show_error (self, _("Could Not Open the User Guide"), error);
}

/* F1: the user guide (help/), which is installed with the app and opened by
 * the help viewer (Yelp) without a network. GIO goes through the OpenURI
 * portal in the Flatpak, and reports a missing viewer instead of doing
 * nothing as gtk_show_uri() would. */
static void
help_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  g_autoptr(GAppLaunchContext) context = NULL;

  context = G_APP_LAUNCH_CONTEXT (gdk_display_get_app_launch_context (gtk_widget_get_display (widget)));
  g_app_info_launch_default_for_uri_async (HEALER_HELP_URI, context, NULL,
                                           help_launched_cb, g_object_ref (widget));
}

typedef struct
{
  HealerWindow *window;
  GFile        *file;
  gboolean      then_close;
} SaveModel;

static void
save_model_free (SaveModel *state)
{
  g_clear_object (&state->window);
  g_clear_object (&state->file);
  g_free (state);
}

/* What a worker writes: a model to a file, as a model file or as ONNX.
 * The window stays with the callback, on its thread: a job's data may be
 * freed on the worker. */
typedef gboolean (*WriteFunc) (const HealerModel  *model,
                               const char         *path,
                               GError            **error);

typedef struct
{
  HealerModel *model;
  GFile       *file;
  WriteFunc    write;
  const char  *not_local;   /* the message for a file with no path */
} WriteJob;

static void
write_job_free (WriteJob *job)
{
  g_clear_pointer (&job->model, healer_model_unref);
  g_clear_object (&job->file);
  g_free (job);
}

static WriteJob *
write_job_new (HealerModel *model,
               GFile       *file,
               WriteFunc    write,
               const char  *not_local)
{
  WriteJob *job = g_new0 (WriteJob, 1);

  job->model = healer_model_ref (model);
  job->file = g_object_ref (file);
  job->write = write;
  job->not_local = not_local;
  return job;
}

/* Success is any non-NULL result. */
static gpointer
write_model_run (HealerJob     *worker,
                 gpointer       data,
                 GCancellable  *cancellable,
                 GError       **error)
{
  WriteJob *job = data;
  g_autofree char *path = g_file_get_path (job->file);

  if (path == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, job->not_local);
      return NULL;
    }
  return job->write (job->model, path, error) ? GINT_TO_POINTER (TRUE) : NULL;
}

static const HealerJobInfo write_model_job = {
  .name = "[healer] write model",
  .func = write_model_run,
};

static void save_model_to (SaveModel *state,
                           GFile     *file);

static void
save_model_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  SaveModel *state = user_data;
  HealerWindow *self = state->window;
  WriteJob *job = healer_job_get_data (result);
  HealerModel *model = job->model;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (healer_job_finish (result, save_model_to, &error) == NULL)
    {
      /* The model stays in memory and unsaved: the user can try elsewhere. */
      healer_window_show_error (self, _("Could Not Save the Model"), error);
      save_model_free (state);
      return;
    }

  /* Only mark saved if the model is still the one we wrote. */
  if (healer_session_get_model (self->session) == model)
    healer_session_mark_model_saved (self->session, state->file);

  name = g_file_get_basename (state->file);
  message = g_strdup_printf (_("Model saved as “%s”"), name);
  healer_window_toast (self, message);

  if (state->then_close)
    {
      self->close_confirmed = TRUE;
      gtk_window_close (GTK_WINDOW (self));
    }
  save_model_free (state);
}

/* Takes @state; writes the session's model to @file on a worker. */
static void
save_model_to (SaveModel *state,
               GFile     *file)
{
  HealerModel *model = healer_session_get_model (state->window->session);

  if (model == NULL || file == NULL)
    {
      save_model_free (state);
      return;
    }
  state->file = g_object_ref (file);
  healer_job_run (&write_model_job, NULL, save_model_to,
                  write_job_new (model, file, healer_model_save,
                                 _("Models can only be saved to local files")),
                  (GDestroyNotify) write_job_free, NULL,
                  NULL, NULL, NULL, save_model_done, state);
}

static void
save_model_response_cb (GtkNativeDialog *native,
                        int              response,
                        SaveModel       *state)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  save_model_to (state, file);
  g_object_unref (native);
}

void
healer_window_save_model_to (HealerWindow *self,
                             GFile        *file)
{
  SaveModel *state;

  g_return_if_fail (HEALER_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  state = g_new0 (SaveModel, 1);
  state->window = g_object_ref (self);
  save_model_to (state, file);
}

void
_healer_window_save_model (HealerWindow *self,
                           gboolean      then_close)
{
  GtkFileChooserNative *native;
  GFile *current;
  SaveModel *state;

  if (healer_session_get_model (self->session) == NULL)
    return;

  native = healer_file_chooser_new (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                    _("Save Model"), _("_Save"), _("SystemHealer models"),
                                    (const char *[]) { "json", NULL },
                                    (const char *[]) { "application/x-systemhealer-model", NULL });

  current = healer_session_get_model_file (self->session);
  if (current != NULL)
    gtk_file_chooser_set_file (GTK_FILE_CHOOSER (native), current, NULL);
  else
    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), _("model.json"));

  state = g_new0 (SaveModel, 1);
  state->window = g_object_ref (self);
  state->then_close = then_close;
  g_signal_connect (native, "response", G_CALLBACK (save_model_response_cb), state);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
save_model_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  _healer_window_save_model (HEALER_WINDOW (widget), FALSE);
}

/* Export as ONNX: the session's model as a graph for ONNX Runtime and
 * other engines (healer-onnx.h), written atomically on a worker. */
static void
export_onnx_done (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(HealerWindow) self = user_data;
  GFile *file = ((WriteJob *) healer_job_get_data (result))->file;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (healer_job_finish (result, healer_window_export_onnx_to, &error) == NULL)
    {
      healer_window_show_error (self, _("Could Not Export the Model"), error);
      return;
    }
  name = g_file_get_basename (file);
  message = g_strdup_printf (_("Model exported as “%s”"), name);
  healer_window_toast (self, message);
}

void
healer_window_export_onnx_to (HealerWindow *self,
                              GFile        *file)
{
  HealerModel *model;

  g_return_if_fail (HEALER_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  model = healer_session_get_model (self->session);
  if (model == NULL)
    return;
  healer_job_run (&write_model_job, NULL, healer_window_export_onnx_to,
                  write_job_new (model, file, healer_onnx_save,
                                 _("Models can only be exported to local files")),
                  (GDestroyNotify) write_job_free, NULL,
                  NULL, NULL, NULL, export_onnx_done, g_object_ref (self));
}

static void
export_onnx_response_cb (GtkNativeDialog *native,
                         int              response,
                         HealerWindow    *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  if (file != NULL)
    healer_window_export_onnx_to (self, file);
  g_object_unref (native);
  g_object_unref (self);
}

static void
export_onnx_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *param)
{
  HealerWindow *self = HEALER_WINDOW (widget);
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  if (healer_session_get_model (self->session) == NULL)
    return;

  native = gtk_file_chooser_native_new (_("Export Model as ONNX"), GTK_WINDOW (self),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Export"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);
  gtk_file_filter_set_name (filter, _("ONNX models"));
  gtk_file_filter_add_pattern (filter, "*.onnx");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);
  /* Translators: default file name of an exported model; keep the .onnx */
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), _("model.onnx"));
  g_signal_connect (native, "response", G_CALLBACK (export_onnx_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

void
_healer_window_actions_update (HealerWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GObject) visible = NULL;

  gtk_widget_action_set_enabled (widget, "win.train",
                                 healer_session_get_dataset (self->session) != NULL);
  gtk_widget_action_set_enabled (widget, "win.save-model",
                                 healer_session_get_model (self->session) != NULL);
  gtk_widget_action_set_enabled (widget, "win.export-onnx",
                                 healer_session_get_model (self->session) != NULL);
  gtk_widget_action_set_enabled (widget, "win.export-results",
                                 healer_session_get_results (self->session) != NULL);
  visible = self->page_signals != NULL ? g_signal_group_dup_target (self->page_signals) : NULL;
  gtk_widget_action_set_enabled (widget, "win.cancel",
                                 visible != NULL && healer_page_get_busy (HEALER_PAGE (visible)));
}

void
_healer_window_class_actions_init (HealerWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_install_action (widget_class, "win.open-data", NULL, open_data_action);
  gtk_widget_class_install_action (widget_class, "win.demo-data", NULL, demo_data_action);
  gtk_widget_class_install_action (widget_class, "win.open-model", NULL, open_model_action);
  gtk_widget_class_install_action (widget_class, "win.save-model", NULL, save_model_action);
  gtk_widget_class_install_action (widget_class, "win.export-results", NULL, export_results_action);
  gtk_widget_class_install_action (widget_class, "win.export-onnx", NULL, export_onnx_action);
  gtk_widget_class_install_action (widget_class, "win.train", NULL, train_action);
  gtk_widget_class_install_action (widget_class, "win.cancel", NULL, cancel_action);
  /* How the pages speak to the user without knowing the window. */
  gtk_widget_class_install_action (widget_class, "win.toast", "s", toast_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "s", show_page_action);
  gtk_widget_class_install_action (widget_class, "win.show-error", "(ss)", show_error_action);
  gtk_widget_class_install_action (widget_class, "win.diagnose-file", "s", diagnose_file_action);
  gtk_widget_class_install_action (widget_class, "win.help", NULL, help_action);

  /* The other actions' shortcuts are the application's (healer-application.c),
   * where the Keyboard Shortcuts window finds them. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "win.cancel", NULL);
}
