/* healer-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-tooltips.h"
#include "healer-window-private.h"

/* The "last-data-uri" of a session that worked on the demo data. */
#define DEMO_DATA_URI "demo"

G_DEFINE_FINAL_TYPE (HealerWindow, healer_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
save_window_state (HealerWindow *self)
{
  int width, height;

  gtk_window_get_default_size (GTK_WINDOW (self), &width, &height);
  g_settings_set_boolean (self->settings, "window-maximized",
                          gtk_window_is_maximized (GTK_WINDOW (self)));
  if (!gtk_window_is_maximized (GTK_WINDOW (self)))
    {
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
    }
}

static gboolean
close_idle_cb (gpointer data)
{
  gtk_window_close (GTK_WINDOW (data));
  return G_SOURCE_REMOVE;
}

/* Closing from a dialog's response handler would finalize the window while
 * the dialog, transient for it, is still closing: close once it is gone. */
static void
close_later (HealerWindow *self)
{
  g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, close_idle_cb, g_object_ref (self), g_object_unref);
}

static void
unsaved_model_response_cb (AdwMessageDialog *dialog,
                           const char       *response,
                           HealerWindow     *self)
{
  if (g_strcmp0 (response, "discard") == 0)
    {
      self->close_confirmed = TRUE;
      close_later (self);
    }
  else if (g_strcmp0 (response, "save") == 0)
    {
      _healer_window_save_model (self, TRUE);
    }
}

static void
training_running_response_cb (AdwMessageDialog *dialog,
                              const char       *response,
                              HealerWindow     *self)
{
  if (g_strcmp0 (response, "stop") == 0)
    {
      /* Stop means now, whatever comes next: an earlier unsaved model may
       * still need an answer, and the run must not go on meanwhile nor
       * replace that model with its own when it ends. */
      healer_train_page_stop (self->train_page);
      close_later (self);
    }
}

/* A question the window asks before it closes: modal and transient for the
 * window, so it is on top of it and answered before anything else. One at
 * a time: closing again (Ctrl+Q twice) shows the one already asked. */
static AdwMessageDialog *
close_question_new (HealerWindow *self,
                    const char   *heading,
                    const char   *body)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_WINDOW (self), heading, body));

  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (self));
  gtk_window_set_destroy_with_parent (GTK_WINDOW (dialog), TRUE);
  self->close_question = GTK_WINDOW (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->close_question);
  return dialog;
}

static gboolean
healer_window_close_request (GtkWindow *window)
{
  HealerWindow *self = HEALER_WINDOW (window);
  AdwMessageDialog *dialog;

  if (self->close_question != NULL)
    {
      gtk_window_present (self->close_question);
      return TRUE;
    }

  /* A run may be minutes from its end: stopping it is the user's call. */
  if (healer_train_page_get_running (self->train_page) &&
      !healer_train_page_get_stopping (self->train_page))
    {
      dialog = close_question_new (self, _("Stop Training?"),
                                   _("A model is being trained. If you close the window now, "
                                     "the training stops and its model is lost."));
      adw_message_dialog_add_responses (dialog,
                                        "cancel", _("_Keep Training"),
                                        "stop", _("_Stop and Close"),
                                        NULL);
      adw_message_dialog_set_response_appearance (dialog, "stop", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (dialog, "cancel");
      adw_message_dialog_set_close_response (dialog, "cancel");
      g_signal_connect (dialog, "response", G_CALLBACK (training_running_response_cb), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  /* A trained model is the result of minutes of work: never drop it
   * silently. */
  if (!self->close_confirmed && !healer_session_get_model_saved (self->session))
    {
      GFile *file = healer_session_get_model_file (self->session);
      HealerUnsaved unsaved = healer_session_get_unsaved (self->session);

      /* Say what would be lost: a model with a file was opened or saved,
       * so only what changed since (its class names, its coverage) is
       * unsaved, and the session knows which. */
      if (file != NULL && !(unsaved & HEALER_UNSAVED_MODEL))
        {
          g_autofree char *name = g_file_get_basename (file);
          g_autofree char *body = NULL;
          const char *title;

          if ((unsaved & HEALER_UNSAVED_CLASS_NAMES) && (unsaved & HEALER_UNSAVED_COVERAGE))
            {
              title = _("Save the Changes?");
              body = g_strdup_printf (_("The class names and the coverage of the model “%s” were "
                                        "changed and have not been saved. If you close the "
                                        "window without saving the model, these changes are lost."),
                                      name);
            }
          else if (unsaved & HEALER_UNSAVED_COVERAGE)
            {
              title = _("Save the Coverage?");
              body = g_strdup_printf (_("The coverage of the model “%s” was changed and has not "
                                        "been saved. If you close the window without saving the "
                                        "model, the new coverage is lost."),
                                      name);
            }
          else
            {
              title = _("Save the Class Names?");
              body = g_strdup_printf (_("The class names of the model “%s” were "
                                        "changed and have not been saved. If you "
                                        "close the window without saving the "
                                        "model, the new names are lost."),
                                      name);
            }
          dialog = close_question_new (self, title, body);
        }
      else
        dialog = close_question_new (self, _("Save the Trained Model?"),
                                     _("The model trained in this window has not been saved. "
                                       "If you close the window without saving it, it is lost."));
      adw_message_dialog_add_responses (dialog,
                                        "cancel", _("_Cancel"),
                                        "discard", _("_Discard"),
                                        "save", _("_Save…"),
                                        NULL);
      adw_message_dialog_set_response_appearance (dialog, "discard", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_response_appearance (dialog, "save", ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (dialog, "save");
      adw_message_dialog_set_close_response (dialog, "cancel");
      g_signal_connect (dialog, "response", G_CALLBACK (unsaved_model_response_cb), self);
      gtk_window_present (GTK_WINDOW (dialog));
      return TRUE;
    }

  /* Nobody is left to see the pages' work. */
  for (GtkWidget *page = gtk_widget_get_first_child (GTK_WIDGET (self->stack)); page != NULL;
       page = gtk_widget_get_next_sibling (page))
    if (HEALER_IS_PAGE (page))
      healer_page_cancel (HEALER_PAGE (page));
  save_window_state (self);

  return GTK_WINDOW_CLASS (healer_window_parent_class)->close_request (window);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         HealerWindow  *self)
{
  GSList *files;
  GFile *file;

  if (!G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    return FALSE;

  files = g_value_get_boxed (value);
  if (files == NULL)
    return FALSE;

  /* One file at a time. */
  file = files->data;
  healer_window_open_file (self, file);

  return TRUE;
}

static void
session_notify_cb (HealerWindow *self)
{
  _healer_window_actions_update (self);
}

static void
visible_page_cb (HealerWindow *self)
{
  GtkWidget *visible = adw_view_stack_get_visible_child (self->stack);

  g_signal_group_set_target (self->page_signals, HEALER_IS_PAGE (visible) ? visible : NULL);
  _healer_window_actions_update (self);
}

/* What healer_window_restore_session() reopens next time: the last data
 * file (or the demo data) and the last model file opened or saved. A model
 * just trained and not saved has no file, so the last saved one stays. */
static void
remember_dataset_cb (HealerWindow *self)
{
  GFile *file = healer_session_get_dataset_file (self->session);
  g_autofree char *uri = NULL;

  if (healer_session_get_dataset (self->session) == NULL)
    return;
  uri = file != NULL ? g_file_get_uri (file) : g_strdup (DEMO_DATA_URI);
  g_settings_set_string (self->settings, "last-data-uri", uri);
}

static void
remember_model_cb (HealerWindow *self)
{
  GFile *file = healer_session_get_model_file (self->session);
  g_autofree char *uri = NULL;

  if (file == NULL || healer_session_get_model (self->session) == NULL)
    return;
  uri = g_file_get_uri (file);
  g_settings_set_string (self->settings, "last-model-uri", uri);
}

static void
healer_window_constructed (GObject *object)
{
  HealerWindow *self = (HealerWindow *)object;

  G_OBJECT_CLASS (healer_window_parent_class)->constructed (object);

  gtk_window_set_default_size (GTK_WINDOW (self),
                               g_settings_get_int (self->settings, "window-width"),
                               g_settings_get_int (self->settings, "window-height"));
  if (g_settings_get_boolean (self->settings, "window-maximized"))
    gtk_window_maximize (GTK_WINDOW (self));
}

static void
healer_window_dispose (GObject *object)
{
  HealerWindow *self = (HealerWindow *)object;

  if (self->close_question != NULL)
    {
      GtkWindow *question = self->close_question;

      g_object_remove_weak_pointer (G_OBJECT (question), (gpointer *) &self->close_question);
      self->close_question = NULL;
      gtk_window_destroy (question);
    }
  /* Before the pages and the session go, so that no handler sees them go. */
  if (self->page_signals != NULL)
    g_signal_group_set_target (self->page_signals, NULL);
  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_WINDOW);

  G_OBJECT_CLASS (healer_window_parent_class)->dispose (object);
}

static void
healer_window_finalize (GObject *object)
{
  HealerWindow *self = (HealerWindow *)object;

  g_clear_object (&self->page_signals);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (healer_window_parent_class)->finalize (object);
}

static void
healer_window_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  HealerWindow *self = HEALER_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_window_class_init (HealerWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = healer_window_constructed;
  object_class->dispose = healer_window_dispose;
  object_class->finalize = healer_window_finalize;
  object_class->get_property = healer_window_get_property;

  window_class->close_request = healer_window_close_request;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         HEALER_TYPE_SESSION,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  healer_tooltips_init ();

  g_type_ensure (HEALER_TYPE_DATA_PAGE);
  g_type_ensure (HEALER_TYPE_TRAIN_PAGE);
  g_type_ensure (HEALER_TYPE_DIAGNOSE_PAGE);
  g_type_ensure (HEALER_TYPE_RESULTS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, HealerWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, HealerWindow, data_page);
  gtk_widget_class_bind_template_child (widget_class, HealerWindow, train_page);
  gtk_widget_class_bind_template_child (widget_class, HealerWindow, diagnose_page);
  gtk_widget_class_bind_template_child (widget_class, HealerWindow, results_page);

  _healer_window_class_actions_init (klass);
}

static void
healer_window_init (HealerWindow *self)
{
  GtkDropTarget *drop;

  /* The session must exist before the template binds the pages to it. */
  self->session = healer_session_new ();
  self->settings = g_settings_new (APPLICATION_ID);

  gtk_widget_init_template (GTK_WIDGET (self));

  drop = gtk_drop_target_new (GDK_TYPE_FILE_LIST, GDK_ACTION_COPY);
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  self->session_signals = g_signal_group_new (HEALER_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify",
                                 G_CALLBACK (session_notify_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::dataset",
                                 G_CALLBACK (remember_dataset_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::model-file",
                                 G_CALLBACK (remember_model_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_set_target (self->session_signals, self->session);

  /* Escape (win.cancel) has something to stop only while the page on show
   * is busy. */
  /* A widget type: GSignalGroup looks signals up on the target type, and
   * an interface type has no "notify". Only HealerPages become targets. */
  self->page_signals = g_signal_group_new (GTK_TYPE_WIDGET);
  g_signal_group_connect_object (self->page_signals, "notify::busy",
                                 G_CALLBACK (_healer_window_actions_update), self,
                                 G_CONNECT_SWAPPED);
  g_signal_connect_object (self->page_signals, "bind",
                           G_CALLBACK (_healer_window_actions_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->page_signals, "unbind",
                           G_CALLBACK (_healer_window_actions_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->stack, "notify::visible-child",
                           G_CALLBACK (visible_page_cb), self, G_CONNECT_SWAPPED);
  visible_page_cb (self);
}

HealerWindow *
healer_window_new (AdwApplication *application)
{
  return g_object_new (HEALER_TYPE_WINDOW,
                       "application", application,
                       NULL);
}

HealerSession *
healer_window_get_session (HealerWindow *self)
{
  g_return_val_if_fail (HEALER_IS_WINDOW (self), NULL);

  return self->session;
}

void
healer_window_set_visible_page (HealerWindow *self,
                                const char   *name)
{
  g_return_if_fail (HEALER_IS_WINDOW (self));
  g_return_if_fail (name != NULL);

  adw_view_stack_set_visible_child_name (self->stack, name);
}

void
healer_window_open_file (HealerWindow *self,
                         GFile        *file)
{
  g_autofree char *name = NULL;

  g_return_if_fail (HEALER_IS_WINDOW (self));
  g_return_if_fail (G_IS_FILE (file));

  name = g_file_get_basename (file);
  if (name != NULL && g_str_has_suffix (name, ".json"))
    {
      healer_window_set_visible_page (self, "diagnose");
      healer_diagnose_page_load_model_file (self->diagnose_page, file);
    }
  else
    {
      healer_window_set_visible_page (self, "data");
      healer_data_page_load_file (self->data_page, file);
    }
}

/* Room for a toast: its height (46 px in Adwaita), the overlay's margin
 * below it (24 px) and a gap above it. */
#define TOAST_ROOM 76

static void
toast_dismissed_cb (AdwToast     *toast,
                    HealerWindow *self)
{
  /* The overlay dismisses its toasts as the window goes. */
  if (self->n_toasts > 0 && --self->n_toasts == 0 && self->stack != NULL)
    gtk_widget_set_margin_bottom (GTK_WIDGET (self->stack), 0);
}

void
healer_window_toast (HealerWindow *self,
                     const char   *message)
{
  AdwToast *toast;
  g_autofree char *escaped = NULL;

  g_return_if_fail (HEALER_IS_WINDOW (self));
  g_return_if_fail (message != NULL);

  /* A toast floats over the bottom of the page, where pages keep the
   * buttons of their forms (Diagnose Sample, Use Pasted Row): while one is
   * shown, the pages give up that strip, so it covers none of them. */
  /* libadwaita 1.2 parses a toast's title as markup, with no way to turn
   * that off: messages quote file and class names ("a&b.csv"), which would
   * make the toast fail to show, so they are escaped here, once for all. */
  escaped = g_markup_escape_text (message, -1);
  toast = adw_toast_new (escaped);
  self->n_toasts++;
  gtk_widget_set_margin_bottom (GTK_WIDGET (self->stack), TOAST_ROOM);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

void
_healer_window_show_error_message (HealerWindow *self,
                                   const char   *heading,
                                   const char   *message)
{
  GtkWidget *dialog;
  GtkWidget *label;

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, NULL);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  /* The details name file, line and column: let the user select and copy
   * them into a bug report or an editor's "go to line". */
  label = gtk_label_new (message);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_max_width_chars (GTK_LABEL (label), 60);
  gtk_widget_add_css_class (label, "monospace");
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), label);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  gtk_window_present (GTK_WINDOW (dialog));
}

void
healer_window_show_error (HealerWindow *self,
                          const char   *heading,
                          const GError *error)
{
  g_return_if_fail (HEALER_IS_WINDOW (self));
  g_return_if_fail (heading != NULL);

  _healer_window_show_error_message (self, heading, error ? error->message : _("Unknown error"));
}

HealerWindow *
healer_window_for_widget (GtkWidget *widget)
{
  GtkRoot *root;

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);

  root = gtk_widget_get_root (widget);
  return HEALER_IS_WINDOW (root) ? HEALER_WINDOW (root) : NULL;
}

void
healer_window_restore_session (HealerWindow *self)
{
  g_autofree char *data_uri = NULL;
  g_autofree char *model_uri = NULL;
  g_autofree char *config_json = NULL;

  g_return_if_fail (HEALER_IS_WINDOW (self));

  if (!g_settings_get_boolean (self->settings, "restore-session"))
    return;

  data_uri = g_settings_get_string (self->settings, "last-data-uri");
  model_uri = g_settings_get_string (self->settings, "last-model-uri");
  config_json = g_settings_get_string (self->settings, "train-config");

  /* Files moved or deleted since are skipped quietly: a session that
   * cannot be restored is not an error the user has to answer. */
  if (g_strcmp0 (data_uri, DEMO_DATA_URI) == 0)
    healer_data_page_load_demo (self->data_page);
  else if (data_uri[0] != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_uri (data_uri);

      if (g_file_query_exists (file, NULL))
        healer_data_page_load_file (self->data_page, file);
    }

  if (model_uri[0] != '\0')
    {
      g_autoptr(GFile) file = g_file_new_for_uri (model_uri);

      if (g_file_query_exists (file, NULL))
        healer_diagnose_page_load_model_file (self->diagnose_page, file);
    }

  if (config_json[0] != '\0')
    {
      g_autoptr(GError) error = NULL;
      HealerTrainConfig config;

      healer_train_config_init_default (&config);
      if (healer_train_config_from_json (config_json, &config, &error))
        healer_train_settings_set_config (healer_train_page_get_settings (self->train_page), &config);
      else
        g_info ("settings of the last run not restored: %s", error->message);
    }
}
