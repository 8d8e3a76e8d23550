/* healer-train-page.c — step 2 of the workflow: settings, a run, its summary
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-page.h"

#include "healer-train-page-private.h"

static void healer_train_page_page_iface_init (HealerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HealerTrainPage, healer_train_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (HEALER_TYPE_PAGE, healer_train_page_page_iface_init))

enum {
  PROP_0,
  PROP_SESSION,
  PROP_RUNNING,
  PROP_STATUS,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
healer_train_page_get_busy_now (HealerTrainPage *self)
{
  return self->cancellable != NULL || self->estimate_cancellable != NULL;
}

/* Notifies "busy" when the page's work started or ended since the last
 * call: called wherever a cancellable of the page is set or cleared. */
void
_healer_train_page_update_busy (HealerTrainPage *self)
{
  gboolean busy = healer_train_page_get_busy_now (self);

  if (busy == self->busy)
    return;
  self->busy = busy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static gboolean
healer_train_page_page_cancel (HealerPage *page)
{
  return healer_train_page_cancel (HEALER_TRAIN_PAGE (page));
}

static void
healer_train_page_page_iface_init (HealerPageInterface *iface)
{
  iface->cancel = healer_train_page_page_cancel;
}

void
_healer_train_page_set_status (HealerTrainPage *self,
                               const char      *status)
{
  gboolean was_running = self->status != NULL && g_str_equal (self->status, "running");

  if (g_strcmp0 (self->status, status) == 0)
    return;

  self->status = g_intern_string (status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
  if (was_running != g_str_equal (status, "running"))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  _healer_train_page_update_busy (self);
}

void
_healer_train_page_set_message (HealerTrainPage *self,
                                const char      *message,
                                gboolean         is_error)
{
  gtk_label_set_text (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL && *message != '\0');
  if (is_error)
    gtk_widget_add_css_class (GTK_WIDGET (self->message_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->message_label), "error");
}

void
_healer_train_page_set_curves_description (HealerTrainPage *self,
                                           const char      *what)
{
  g_autofree char *text = NULL;

  /* Without held-out rows there is nothing honest to draw a validation
   * curve from: say so instead of leaving the user to wonder. */
  if (self->has_validation)
    text = g_strdup (what);
  else
    text = g_strdup_printf ("%s %s", what,
                            _("No validation curves: Validation Fraction is 0, so every row is used for "
                              "training. Hold out rows to see validation loss and macro-F1."));
  adw_preferences_group_set_description (self->curves_group, text);
}

void
_healer_train_page_update_sensitivity (HealerTrainPage *self)
{
  gboolean running = self->cancellable != NULL;
  gboolean valid = healer_train_settings_get_valid (self->settings);

  /* Locked, not made insensitive: restyling the whole form as insensitive
   * costs a relayout of some 20 ms at the start and end of every run. */
  gtk_widget_set_can_target (GTK_WIDGET (self->settings), !running);
  gtk_widget_set_can_focus (GTK_WIDGET (self->settings), !running);
  gtk_widget_set_opacity (GTK_WIDGET (self->settings), running ? 0.5 : 1.0);
  gtk_accessible_update_state (GTK_ACCESSIBLE (self->settings),
                               GTK_ACCESSIBLE_STATE_DISABLED, running, -1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->train_button), !running && valid);
  gtk_widget_set_sensitive (GTK_WIDGET (self->folded_train_button), !running && valid);
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), running);
  gtk_widget_set_sensitive (GTK_WIDGET (self->cancel_button), running);
}

/* What Train will learn from, so nobody trains on the wrong file. */
static void
update_data_label (HealerTrainPage *self,
                   HealerDataset   *dataset)
{
  g_autofree gint32 *classes = NULL;
  g_autofree char *text = NULL;
  g_autofree char *rows = NULL;
  GFile *file;
  guint n_classes = 0;

  if (dataset == NULL || !healer_dataset_has_labels (dataset))
    return;

  classes = healer_labels_to_classes (dataset->labels, dataset->n_rows, &n_classes, NULL);
  rows = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                       "%zu labelled sample, %u KPIs, %u fault classes",
                                       "%zu labelled samples, %u KPIs, %u fault classes",
                                       dataset->n_rows),
                          dataset->n_rows, dataset->n_features, n_classes);
  file = healer_session_get_dataset_file (self->session);
  if (file != NULL)
    {
      g_autofree char *name = g_file_get_basename (file);

      /* Translators: the counts, then the file name */
      text = g_strdup_printf (_("%s, from “%s”"), rows, name);
    }
  else
    text = g_strdup_printf (_("%s, from the demo data"), rows);
  gtk_label_set_text (self->data_label, text);
}

void
_healer_train_page_update_view (HealerTrainPage *self)
{
  HealerDataset *dataset = self->session ? healer_session_get_dataset (self->session) : NULL;
  const char *name;

  /* A run in progress keeps its view whatever is loaded meanwhile: it
   * trains on the data it started with. */
  if (self->cancellable != NULL)
    name = "main";
  else if (dataset == NULL)
    name = "no-data";
  else if (!healer_dataset_has_labels (dataset))
    name = "unlabelled";
  else
    name = "main";
  gtk_stack_set_visible_child_name (self->stack, name);
  if (self->cancellable == NULL)
    update_data_label (self, dataset);
}

static void
session_model_cb (HealerTrainPage *self)
{
  HealerModel *model = healer_session_get_model (self->session);

  /* The summary offers to save "the model": once the session holds another
   * one (opened on the Diagnose page), this summary no longer describes it.
   * A renamed copy of it still does. */
  if (healer_train_summary_get_model (self->summary) == NULL ||
      healer_train_summary_get_model (self->summary) == model)
    return;
  if (healer_model_same_network (healer_train_summary_get_model (self->summary), model))
    healer_train_summary_set_model (self->summary, model);
  else
    {
      healer_train_summary_set_model (self->summary, NULL);
      gtk_widget_set_visible (GTK_WIDGET (self->summary), FALSE);
    }
}

/* The status line told the user to save the model: once it is saved, it
 * says where instead. */
static void
session_model_saved_cb (HealerTrainPage *self)
{
  HealerModel *model = healer_session_get_model (self->session);
  HealerModel *shown = healer_train_summary_get_model (self->summary);
  GFile *file = healer_session_get_model_file (self->session);
  g_autofree char *name = NULL;
  g_autofree char *message = NULL;

  if (!healer_session_get_model_saved (self->session) || model == NULL || file == NULL ||
      shown == NULL || !healer_model_same_network (shown, model) || self->cancellable != NULL)
    return;
  name = g_file_get_basename (file);
  switch (model->status)
    {
    case HEALER_TRAIN_COMPLETED:
      message = g_strdup_printf (_("Training finished. The model is saved as “%s”."), name);
      break;
    case HEALER_TRAIN_CANCELLED:
      message = g_strdup_printf (_("Training was cancelled. The best model so far is saved as “%s”."), name);
      break;
    default:
      message = g_strdup_printf (_("The model is saved as “%s”."), name);
      break;
    }
  _healer_train_page_set_message (self, message, FALSE);
}

static void
go_to_data_cb (HealerTrainPage *self)
{

  healer_page_show_page (GTK_WIDGET (self), "data");
}

static void
back_clicked_cb (HealerTrainPage *self)
{
  adw_leaflet_set_visible_child (self->leaflet, self->settings_pane);
}

static void
train_clicked_cb (HealerTrainPage *self)
{
  healer_train_page_start (self);
}

static void
cancel_clicked_cb (HealerTrainPage *self)
{
  healer_train_page_cancel (self);
}

static void
settings_valid_cb (HealerTrainPage *self)
{
  g_autoptr(GError) error = NULL;
  HealerTrainConfig config;

  _healer_train_page_update_sensitivity (self);
  if (self->cancellable != NULL)
    return;
  if (!healer_train_settings_get_config (self->settings, &config, &error))
    _healer_train_page_set_message (self, error->message, TRUE);
  else if (gtk_widget_has_css_class (GTK_WIDGET (self->message_label), "error"))
    _healer_train_page_set_message (self, NULL, FALSE);
}

static void
healer_train_page_unroot (GtkWidget *widget)
{
  HealerTrainPage *self = HEALER_TRAIN_PAGE (widget);

  /* The run holds a reference on the page: without this, closing the
   * window would leave the worker training for nobody. */
  healer_train_page_cancel (self);

  GTK_WIDGET_CLASS (healer_train_page_parent_class)->unroot (widget);
}

static void
healer_train_page_dispose (GObject *object)
{
  HealerTrainPage *self = (HealerTrainPage *)object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  _healer_train_page_stop_progress (self);
  _healer_train_page_forget_estimate (self);
  healer_train_page_set_session (self, NULL);
  /* The stack is both AdwBin's child and a template child: let AdwBin drop
   * it first, or each would unparent it. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_TRAIN_PAGE);
  g_clear_object (&self->session_signals);

  G_OBJECT_CLASS (healer_train_page_parent_class)->dispose (object);
}

static void
healer_train_page_finalize (GObject *object)
{
  HealerTrainPage *self = (HealerTrainPage *)object;

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->run_data, healer_dataset_unref);

  G_OBJECT_CLASS (healer_train_page_parent_class)->finalize (object);
}

static void
healer_train_page_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HealerTrainPage *self = HEALER_TRAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, self->session);
      break;

    case PROP_RUNNING:
      g_value_set_boolean (value, healer_train_page_get_running (self));
      break;

    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, healer_train_page_get_busy_now (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_train_page_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HealerTrainPage *self = HEALER_TRAIN_PAGE (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      healer_train_page_set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_train_page_class_init (HealerTrainPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_train_page_dispose;
  object_class->finalize = healer_train_page_finalize;
  object_class->get_property = healer_train_page_get_property;
  object_class->set_property = healer_train_page_set_property;

  widget_class->unroot = healer_train_page_unroot;

  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         HEALER_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL,
                         "idle",
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* HealerPage's: TRUE while the page's own work runs (see cancel()). */
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HEALER_TYPE_TRAIN_SETTINGS);
  g_type_ensure (HEALER_TYPE_TRAIN_SUMMARY);
  g_type_ensure (HEALER_TYPE_TRAIN_CURVES);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-train-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, stack);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, settings_pane);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, run_pane);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, settings);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, train_button);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, folded_train_button);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, data_label);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, progress_box);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, time_label);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, summary);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, curves_group);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainPage, curves);
  gtk_widget_class_bind_template_callback (widget_class, go_to_data_cb);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, train_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, settings_valid_cb);
}

static void
healer_train_page_init (HealerTrainPage *self)
{
  self->status = g_intern_static_string ("idle");

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Connected while the page views a session, retargeted with it. */
  self->session_signals = g_signal_group_new (HEALER_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::dataset",
                                 G_CALLBACK (_healer_train_page_update_view), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::dataset-file",
                                 G_CALLBACK (_healer_train_page_update_view), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::model",
                                 G_CALLBACK (session_model_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::model-saved",
                                 G_CALLBACK (session_model_saved_cb), self, G_CONNECT_SWAPPED);

  _healer_train_page_set_message (self, _("Choose the settings, or keep the recommended ones, and press Train. "
                       "Training runs in the background; you can cancel it at any time."),
               FALSE);
  _healer_train_page_update_sensitivity (self);
  _healer_train_page_update_view (self);
  _healer_train_page_estimate_init (self);
}

HealerSession *
healer_train_page_get_session (HealerTrainPage *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_PAGE (self), NULL);

  return self->session;
}

void
healer_train_page_set_session (HealerTrainPage *self,
                               HealerSession   *session)
{
  g_return_if_fail (HEALER_IS_TRAIN_PAGE (self));
  g_return_if_fail (!session || HEALER_IS_SESSION (session));

  if (!g_set_object (&self->session, session))
    return;
  g_signal_group_set_target (self->session_signals, session);
  if (!gtk_widget_in_destruction (GTK_WIDGET (self)))
    _healer_train_page_update_view (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

gboolean
healer_train_page_get_running (HealerTrainPage *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_PAGE (self), FALSE);

  return self->cancellable != NULL;
}

gboolean
healer_train_page_get_stopping (HealerTrainPage *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_PAGE (self), FALSE);

  return self->cancellable != NULL && self->discard_result;
}

const char *
healer_train_page_get_status (HealerTrainPage *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_PAGE (self), NULL);

  return self->status;
}

HealerTrainSettings *
healer_train_page_get_settings (HealerTrainPage *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_PAGE (self), NULL);

  return self->settings;
}

HealerTrainSummary *
healer_train_page_get_summary (HealerTrainPage *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_PAGE (self), NULL);

  return self->summary;
}
