/* healer-diagnose-page.c — the model the page diagnoses with, and the page itself
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-file-chooser.h"
#include "healer-page.h"

#include "healer-diagnose-page-private.h"
#include "healer-wrap-box.h"

static void healer_diagnose_page_page_iface_init (HealerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HealerDiagnosePage, healer_diagnose_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (HEALER_TYPE_PAGE, healer_diagnose_page_page_iface_init))

enum {
  PROP_0,
  PROP_SESSION,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
healer_diagnose_page_get_busy_now (HealerDiagnosePage *self)
{
  return healer_diagnose_page_get_busy (self);
}

/* Notifies "busy" when the page's work started or ended since the last
 * call: called wherever a cancellable of the page is set or cleared. */
void
_healer_diagnose_page_update_busy (HealerDiagnosePage *self)
{
  gboolean busy = healer_diagnose_page_get_busy_now (self);

  if (busy == self->busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static gboolean
healer_diagnose_page_page_cancel (HealerPage *page)
{
  return healer_diagnose_page_cancel (HEALER_DIAGNOSE_PAGE (page));
}

static void
healer_diagnose_page_page_iface_init (HealerPageInterface *iface)
{
  iface->cancel = healer_diagnose_page_page_cancel;
}

void
_healer_diagnose_page_error (HealerDiagnosePage *self,
                             const char         *heading,
                             const GError       *error)
{
  if (!healer_page_show_error (GTK_WIDGET (self), heading, error))
    g_message ("%s: %s", heading, error ? error->message : "");
}

static void
toast (HealerDiagnosePage *self,
       const char         *message)
{
  healer_page_toast (GTK_WIDGET (self), message);
}

char *
_healer_diagnose_class_label (const char *name,
                              gint32      id)
{
  if (name == NULL || *name == '\0')
    return healer_class_default_name (id);
  return g_strdup (name);
}

/* ---- model summary ---- */

static char *
architecture_text (const HealerModel *model)
{
  const HealerTrainConfig *c = &model->config;
  g_autoptr(GString) widths = g_string_new (NULL);
  g_autofree char *layers = NULL;

  for (guint i = 0; i < c->n_hidden; i++)
    g_string_append_printf (widths, "%s%u", i > 0 ? "–" : "", c->hidden[i]);

  /* TRANSLATORS: "%s" is the widths of the layers, e.g. "200–200–200", then the activation */
  layers = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%u hidden layer (%s), %s",
                                         "%u hidden layers (%s), %s",
                                         c->n_hidden),
                            c->n_hidden, widths->str,
                            healer_activation_to_string (c->activation));
  if (model->n_members > 1)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                         "%s; an ensemble of %u network",
                                         "%s; an ensemble of %u networks",
                                         model->n_members),
                            layers, model->n_members);
  return g_steal_pointer (&layers);
}

static void
update_model_summary (HealerDiagnosePage *self)
{
  const HealerModel *model = self->model;
  HealerModel *session_model = self->session ? healer_session_get_model (self->session) : NULL;
  gboolean can_use_trained = session_model != NULL && session_model != model;
  g_autoptr(GString) classes = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *kpis = NULL;
  g_autofree char *arch = NULL;
  g_autofree char *rows = NULL;
  g_autofree char *f1 = NULL;
  g_autofree char *created = NULL;
  g_autofree char *file = NULL;
  g_autofree char *f1_short = NULL;
  g_autoptr(GDateTime) when = NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->trained_button), can_use_trained);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_trained_button), session_model != NULL);

  if (model == NULL)
    {
      gtk_stack_set_visible_child_name (self->model_stack, "empty");
      return;
    }
  gtk_stack_set_visible_child_name (self->model_stack, "main");

  if (self->model_file != NULL)
    title = g_file_get_basename (self->model_file);
  else
    title = g_strdup (_("Model Just Trained (Not Saved)"));

  classes = g_string_new (NULL);
  for (guint c = 0; c < model->n_classes; c++)
    {
      g_autofree char *label = _healer_diagnose_class_label (model->class_names[c], model->class_ids[c]);

      g_string_append_printf (classes, "%s%s", c > 0 ? ", " : "", label);
    }

  kpis = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%u KPI; the network reads %u of them",
                                       "%u KPIs; the network reads %u of them",
                                       model->preprocessor->n_input),
                          model->preprocessor->n_input, model->preprocessor->n_selected);
  arch = architecture_text (model);
  if (model->n_duplicates_removed > 0)
    rows = g_strdup_printf (_("%zu (%zu duplicates removed)"),
                            (size_t) model->n_train_rows, (size_t) model->n_duplicates_removed);
  else
    rows = g_strdup_printf ("%zu", (size_t) model->n_train_rows);

  /* The honest figure first: out of fold, kept in the model file. */
  if (model->estimate != NULL && model->train_metrics != NULL)
    f1 = g_strdup_printf (_("%.3f out of fold (%u-fold cross-fitting; accuracy %.1f %%, "
                            "calibration error %.3f), %.3f on training rows"),
                          model->estimate->macro_f1, model->estimate->n_folds,
                          100.0 * model->estimate->accuracy, model->estimate->calibration_error,
                          model->train_metrics->macro_f1);
  else if (model->estimate != NULL)
    f1 = g_strdup_printf (_("%.3f out of fold (%u-fold cross-fitting; accuracy %.1f %%, "
                            "calibration error %.3f)"),
                          model->estimate->macro_f1, model->estimate->n_folds,
                          100.0 * model->estimate->accuracy, model->estimate->calibration_error);
  else if (model->validation_metrics != NULL && model->train_metrics != NULL)
    f1 = g_strdup_printf (_("%.3f on validation rows, %.3f on training rows"),
                          model->validation_metrics->macro_f1, model->train_metrics->macro_f1);
  else if (model->validation_metrics != NULL)
    f1 = g_strdup_printf (_("%.3f on validation rows"), model->validation_metrics->macro_f1);
  else if (model->train_metrics != NULL)
    f1 = g_strdup_printf (_("%.3f on training rows (no validation split)"),
                          model->train_metrics->macro_f1);
  else
    f1 = g_strdup (_("Unknown"));

  when = model->created_unix > 0 ? g_date_time_new_from_unix_local (model->created_unix) : NULL;
  created = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M") : g_strdup (_("Unknown"));
  file = self->model_file != NULL ? g_file_get_parse_name (self->model_file)
                                  : g_strdup (_("Not saved yet"));

  if (model->estimate != NULL)
    f1_short = g_strdup_printf (_("estimated macro-F1 %.3f"), model->estimate->macro_f1);
  else if (model->validation_metrics != NULL)
    f1_short = g_strdup_printf (_("validation macro-F1 %.3f"), model->validation_metrics->macro_f1);
  subtitle = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                           "%u class · %u KPIs%s%s",
                                           "%u classes · %u KPIs%s%s",
                                           model->n_classes),
                              model->n_classes, model->preprocessor->n_input,
                              f1_short ? " · " : "", f1_short ? f1_short : "");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->model_row), title);
  adw_expander_row_set_subtitle (self->model_row, subtitle);
  gtk_label_set_text (self->classes_label, classes->str);
  gtk_label_set_text (self->kpis_label, kpis);
  gtk_label_set_text (self->architecture_label, arch);
  gtk_label_set_text (self->rows_label, rows);
  gtk_label_set_text (self->f1_label, f1);
  gtk_label_set_text (self->created_label, created);
  gtk_label_set_text (self->file_label, file);
}

static void
set_model (HealerDiagnosePage *self,
           HealerModel        *model,
           GFile              *file)
{
  /* A renamed model shares its networks: what was diagnosed stays valid. */
  gboolean changed = !healer_model_same_network (self->model, model);

  if (self->model != model)
    {
      g_clear_pointer (&self->model, healer_model_unref);
      self->model = model ? healer_model_ref (model) : NULL;
    }
  g_set_object (&self->model_file, file);
  update_model_summary (self);
  if (changed)
    {
      _healer_diagnose_sample_model_changed (self);
      _healer_diagnose_batch_model_changed (self);
    }
}

static void
session_model_changed_cb (HealerDiagnosePage *self)
{
  HealerModel *model = healer_session_get_model (self->session);

  if (self->follow_session || self->model == NULL)
    {
      self->follow_session = TRUE;
      set_model (self, model, healer_session_get_model_file (self->session));
    }
  else
    update_model_summary (self);
}

static void
session_results_changed_cb (HealerDiagnosePage *self)
{
  _healer_diagnose_batch_show_results (self, healer_session_get_results (self->session));
}

static void
session_class_names_cb (HealerDiagnosePage *self)
{
  update_model_summary (self);
  _healer_diagnose_sample_relabel (self);
  _healer_diagnose_batch_relabel (self, healer_session_get_results (self->session));
}

static void
use_trained_clicked_cb (HealerDiagnosePage *self)
{
  if (self->session == NULL || healer_session_get_model (self->session) == NULL)
    return;

  self->follow_session = TRUE;
  set_model (self, healer_session_get_model (self->session),
             healer_session_get_model_file (self->session));
}

static void
open_model_clicked_cb (HealerDiagnosePage *self)
{
  healer_diagnose_page_open_model (self);
}

/* ---- loading a model ---- */

static void
load_model_thread (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  GFile *file = task_data;
  g_autofree char *path = g_file_get_path (file);
  g_autoptr(GError) error = NULL;
  HealerModel *model;

  if (path != NULL)
    model = healer_model_load (path, &error);
  else
    {
      g_autofree char *data = NULL;
      g_autofree char *name = g_file_get_basename (file);
      gsize len = 0;

      /* Not a local file (a portal or a remote location): read it whole,
       * the model loader bounds its size. */
      if (!g_file_load_contents (file, cancellable, &data, &len, NULL, &error))
        model = NULL;
      else
        model = healer_model_load_from_data (data, len, name, &error);
    }

  if (model == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, model, (GDestroyNotify) healer_model_unref);
}

static void
set_model_loading (HealerDiagnosePage *self,
                   gboolean            loading)
{
  gtk_widget_set_visible (GTK_WIDGET (self->model_spinner), loading);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_spinner), loading);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), !loading);
  gtk_widget_set_sensitive (GTK_WIDGET (self->empty_open_button), !loading);
}

static void
load_model_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HealerDiagnosePage *self = HEALER_DIAGNOSE_PAGE (object);
  GFile *file = g_task_get_task_data (G_TASK (result));
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;
  HealerModel *session_model;

  model = g_task_propagate_pointer (G_TASK (result), &error);
  /* The page went away while the worker ran. */
  if (self->model_stack == NULL)
    return;
  if (g_task_get_cancellable (G_TASK (result)) == self->model_cancellable)
    {
      g_clear_object (&self->model_cancellable);
      _healer_diagnose_page_update_busy (self);
      set_model_loading (self, FALSE);
    }

  if (model == NULL)
    {
      /* The current model stays: a bad file changes nothing. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        _healer_diagnose_page_error (self, _("Could Not Open the Model"), error);
      return;
    }

  name = g_file_get_basename (file);
  session_model = self->session ? healer_session_get_model (self->session) : NULL;
  if (self->session != NULL
      && (session_model == NULL || healer_session_get_model_saved (self->session)))
    {
      self->follow_session = TRUE;
      healer_session_set_model (self->session, model, file);
      message = g_strdup_printf (_("Opened the model “%s”"), name);
    }
  else
    {
      /* The trained model is not saved: keep it in the session. */
      self->follow_session = FALSE;
      set_model (self, model, file);
      message = g_strdup_printf (_("Diagnosing with “%s”; the model just trained is kept"), name);
    }
  toast (self, message);
}

void
healer_diagnose_page_load_model_file (HealerDiagnosePage *self,
                                      GFile              *file)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->model_cancellable != NULL)
    g_cancellable_cancel (self->model_cancellable);
  g_clear_object (&self->model_cancellable);
  self->model_cancellable = g_cancellable_new ();
  _healer_diagnose_page_update_busy (self);
  set_model_loading (self, TRUE);

  task = g_task_new (self, self->model_cancellable, load_model_done, NULL);
  g_task_set_source_tag (task, healer_diagnose_page_load_model_file);
  g_task_set_task_data (task, g_object_ref (file), g_object_unref);
  g_task_run_in_thread (task, load_model_thread);
}

static void
open_model_response_cb (GtkNativeDialog    *native,
                        int                 response,
                        HealerDiagnosePage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        healer_diagnose_page_load_model_file (self, file);
    }
  g_object_unref (native);
  g_object_unref (self);
}

void
healer_diagnose_page_open_model (HealerDiagnosePage *self)
{
  GtkFileChooserNative *native;

  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));

  native = healer_file_chooser_new (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                    _("Open Model"), _("_Open"), _("SystemHealer models"),
                                    (const char *[]) { "json", NULL },
                                    (const char *[]) { "application/json", NULL });

  g_signal_connect (native, "response", G_CALLBACK (open_model_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* ---- GObject ---- */

static void
healer_diagnose_page_dispose (GObject *object)
{
  HealerDiagnosePage *self = (HealerDiagnosePage *)object;

  healer_diagnose_page_cancel (self);
  _healer_diagnose_sample_dispose (self);
  _healer_diagnose_batch_dispose (self);
  /* The bin's child is a bound template child: dropped by the bin first,
   * or the bin would unparent it a second time after the template did. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_DIAGNOSE_PAGE);
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_clear_object (&self->session);
  g_clear_pointer (&self->model, healer_model_unref);
  g_clear_object (&self->model_file);
  g_clear_object (&self->model_cancellable);

  G_OBJECT_CLASS (healer_diagnose_page_parent_class)->dispose (object);
}

static void
healer_diagnose_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HealerDiagnosePage *self = HEALER_DIAGNOSE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, healer_diagnose_page_get_busy_now (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_diagnose_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HealerDiagnosePage *self = HEALER_DIAGNOSE_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      healer_diagnose_page_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_diagnose_page_class_init (HealerDiagnosePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_diagnose_page_dispose;
  object_class->get_property = healer_diagnose_page_get_property;
  object_class->set_property = healer_diagnose_page_set_property;


  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         HEALER_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* HealerPage's: TRUE while the page's own work runs (see cancel()). */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HEALER_TYPE_WRAP_BOX);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-diagnose-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, model_stack);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, empty_open_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, empty_trained_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, empty_spinner);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, model_row);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, model_spinner);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, trained_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, open_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, classes_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, kpis_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, architecture_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, rows_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, f1_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, created_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, file_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, mode_stack);
  gtk_widget_class_bind_template_callback (widget_class, open_model_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, use_trained_clicked_cb);

  _healer_diagnose_sample_class_init (widget_class);
  _healer_diagnose_batch_class_init (widget_class);
}

static void
healer_diagnose_page_init (HealerDiagnosePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  _healer_diagnose_sample_init (self);
  _healer_diagnose_batch_init (self);
  update_model_summary (self);
}

HealerSession *
healer_diagnose_page_get_session (HealerDiagnosePage *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PAGE (self), NULL);

  return self->session;
}

void
healer_diagnose_page_set_session (HealerDiagnosePage *self,
                                  HealerSession      *session)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));
  g_return_if_fail (!session || HEALER_IS_SESSION (session));

  if (self->session == session)
    return;

  if (self->session != NULL)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    {
      g_signal_connect_swapped (session, "notify::model",
                                G_CALLBACK (session_model_changed_cb), self);
      g_signal_connect_swapped (session, "notify::model-file",
                                G_CALLBACK (session_model_changed_cb), self);
      g_signal_connect_swapped (session, "notify::model-file",
                                G_CALLBACK (_healer_diagnose_batch_model_named), self);
      g_signal_connect_swapped (session, "notify::results",
                                G_CALLBACK (session_results_changed_cb), self);
      g_signal_connect_swapped (session, "class-names-changed",
                                G_CALLBACK (session_class_names_cb), self);
      self->follow_session = TRUE;
      set_model (self, healer_session_get_model (session), healer_session_get_model_file (session));
      _healer_diagnose_batch_show_results (self, healer_session_get_results (session));
    }
  else
    set_model (self, NULL, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
open_batch_response_cb (GtkNativeDialog    *native,
                        int                 response,
                        HealerDiagnosePage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        _healer_diagnose_batch_diagnose_file (self, file);
    }
  g_object_unref (native);
  g_object_unref (self);
}

void
healer_diagnose_page_open_batch (HealerDiagnosePage *self)
{
  GtkFileChooserNative *native;

  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));

  if (self->model == NULL)
    return;

  gtk_stack_set_visible_child_name (self->mode_stack, "batch");
  native = healer_file_chooser_new (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                    _("Diagnose a File of Samples"), _("_Diagnose"), _("CSV files"),
                                    (const char *[]) { "csv", NULL },
                                    (const char *[]) { "text/csv", NULL });

  g_signal_connect (native, "response", G_CALLBACK (open_batch_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

gboolean
healer_diagnose_page_cancel (HealerDiagnosePage *self)
{
  gboolean cancelled = FALSE;

  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PAGE (self), FALSE);

  if (self->model_cancellable != NULL && !g_cancellable_is_cancelled (self->model_cancellable))
    {
      g_cancellable_cancel (self->model_cancellable);
      cancelled = TRUE;
    }
  cancelled |= _healer_diagnose_sample_cancel (self);
  cancelled |= _healer_diagnose_batch_cancel (self);
  return cancelled;
}

void
healer_diagnose_page_diagnose_file (HealerDiagnosePage *self,
                                    GFile              *file)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  gtk_stack_set_visible_child_name (self->mode_stack, "batch");
  _healer_diagnose_batch_diagnose_file (self, file);
}

HealerModel *
healer_diagnose_page_get_model (HealerDiagnosePage *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PAGE (self), NULL);

  return self->model;
}

const float *
healer_diagnose_page_get_sample_probabilities (HealerDiagnosePage *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PAGE (self), NULL);

  return self->last_sample_proba;
}

gboolean
healer_diagnose_page_get_busy (HealerDiagnosePage *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PAGE (self), FALSE);

  return self->model_cancellable != NULL
         || self->sample_cancellable != NULL
         || self->batch_cancellable != NULL;
}
