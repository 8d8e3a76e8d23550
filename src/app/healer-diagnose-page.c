/* healer-diagnose-page.c — the Diagnose page: which model diagnoses, and its three parts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-diagnose-batch-pane.h"
#include "healer-diagnose-model-card.h"
#include "healer-diagnose-page.h"
#include "healer-diagnose-sample-pane.h"
#include "healer-page.h"

/* The page decides which model diagnoses and shows it in three composite
 * widgets bound to its "model" and "model-file" (and "session") in the
 * template: the model card, the one-sample pane and the batch pane. Each
 * keeps its own state and its own cancellable; the page's "busy" is
 * theirs together. */
struct _HealerDiagnosePage
{
  AdwBin                    parent_instance;

  guint busy : 1;   /* as last notified */
  guint narrow : 1;      /* laid out for a narrow window, see size_allocate */
  guint want_narrow : 1; /* as the last width allocated asks */
  guint narrow_tick;

  HealerSession            *session;
  GSignalGroup             *session_signals;

  /* The model diagnoses are made with. It follows the session's model
   * unless the user opened another one while the session holds a trained
   * model that is not saved: that one must not be thrown away, so the
   * opened model stays on this page only. */
  HealerModel              *model;
  GFile                    *model_file;
  gboolean                  follow_session;

  /* Template widgets */
  GtkStack                 *model_stack;
  GtkButton                *empty_trained_button;
  HealerDiagnoseModelCard  *model_card;
  GtkBox                   *main_box;
  GtkStack                 *mode_stack;
  HealerDiagnoseSamplePane *sample_pane;
  HealerDiagnoseBatchPane  *batch_pane;
};

static void healer_diagnose_page_page_iface_init (HealerPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HealerDiagnosePage, healer_diagnose_page, ADW_TYPE_BIN,
                               G_IMPLEMENT_INTERFACE (HEALER_TYPE_PAGE, healer_diagnose_page_page_iface_init))

enum {
  PROP_0,
  PROP_SESSION,
  PROP_BUSY,
  PROP_MODEL,
  PROP_MODEL_FILE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Notifies "busy" when the work of a part started or ended since the
 * last call. */
static void
update_busy (HealerDiagnosePage *self)
{
  gboolean busy = healer_diagnose_page_get_busy (self);

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

/* ---- the model ---- */

/* With no model, the page offers to open one or to use the session's. */
static void
update_empty (HealerDiagnosePage *self)
{
  HealerModel *session_model = self->session ? healer_session_get_model (self->session) : NULL;

  gtk_widget_set_visible (GTK_WIDGET (self->empty_trained_button), session_model != NULL);
  gtk_stack_set_visible_child_name (self->model_stack, self->model != NULL ? "main" : "empty");
}

static void
set_model (HealerDiagnosePage *self,
           HealerModel        *model,
           GFile              *file)
{
  gboolean model_changed = self->model != model;
  gboolean file_changed;

  /* Both are set before either is notified: a part bound to both never
   * sees a model with the file of another. */
  if (model_changed)
    {
      g_clear_pointer (&self->model, healer_model_unref);
      self->model = model ? healer_model_ref (model) : NULL;
    }
  file_changed = g_set_object (&self->model_file, file);
  update_empty (self);
  if (model_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
  if (file_changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL_FILE]);
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
    update_empty (self);
}

static void
use_trained_cb (HealerDiagnosePage *self)
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

/* The card read a model file: it goes to the session, unless the session
 * holds a trained model that is not saved. */
static void
model_opened_cb (HealerDiagnosePage *self,
                 HealerModel        *model,
                 GFile              *file)
{
  g_autofree char *name = g_file_get_basename (file);
  g_autofree char *message = NULL;
  HealerModel *session_model = self->session ? healer_session_get_model (self->session) : NULL;

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
  healer_page_toast (GTK_WIDGET (self), message);
}

void
healer_diagnose_page_load_model_file (HealerDiagnosePage *self,
                                      GFile              *file)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  healer_diagnose_model_card_load_file (self->model_card, file);
}

void
healer_diagnose_page_open_model (HealerDiagnosePage *self)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));

  healer_diagnose_model_card_open (self->model_card);
}

/* ---- GObject ---- */

static void
healer_diagnose_page_dispose (GObject *object)
{
  HealerDiagnosePage *self = (HealerDiagnosePage *)object;

  if (self->model_card != NULL)
    healer_diagnose_page_cancel (self);
  if (self->narrow_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), self->narrow_tick);
  self->narrow_tick = 0;
  /* The bin's child is a bound template child: dropped by the bin first,
   * or the bin would unparent it a second time after the template did. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_DIAGNOSE_PAGE);
  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  g_clear_object (&self->session_signals);
  g_clear_object (&self->session);
  g_clear_pointer (&self->model, healer_model_unref);
  g_clear_object (&self->model_file);

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
      g_value_set_boolean (value, healer_diagnose_page_get_busy (self));
      break;

    case PROP_MODEL:
      g_value_set_boxed (value, self->model);
      break;

    case PROP_MODEL_FILE:
      g_value_set_object (value, self->model_file);
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

/* Below this width (a phone, a window in a quarter of the screen) the
 * results table gets the room first: the model card and the drift banner
 * shrink to a line, the buttons share one, and the table's columns keep
 * their width and scroll sideways. libadwaita 1.2 has no breakpoints, so
 * the page decides on its own width, before its children are laid out. */
#define NARROW_WIDTH 560

/* Applies the layout for the width last allocated. From a tick callback,
 * before the next frame is laid out: sizes changed while the page is
 * being allocated would be lost to GTK 4.8's layout. */
static gboolean
apply_narrow_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       data)
{
  HealerDiagnosePage *self = HEALER_DIAGNOSE_PAGE (widget);
  gboolean narrow = self->want_narrow;

  self->narrow_tick = 0;
  if (narrow != self->narrow)
    {
      self->narrow = narrow;
      healer_diagnose_model_card_set_narrow (self->model_card, narrow);
      healer_diagnose_batch_pane_set_narrow (self->batch_pane, narrow);
      gtk_box_set_spacing (self->main_box, narrow ? 6 : 12);
    }
  return G_SOURCE_REMOVE;
}

static void
healer_diagnose_page_size_allocate (GtkWidget *widget,
                                    int        width,
                                    int        height,
                                    int        baseline)
{
  HealerDiagnosePage *self = HEALER_DIAGNOSE_PAGE (widget);
  GtkWidget *child = adw_bin_get_child (ADW_BIN (self));

  /* The children's sizes do not change the page's, so this cannot go
   * back and forth. */
  self->want_narrow = width < NARROW_WIDTH;
  if (self->want_narrow != self->narrow && self->narrow_tick == 0)
    self->narrow_tick = gtk_widget_add_tick_callback (widget, apply_narrow_cb, NULL, NULL);
  if (child != NULL && gtk_widget_should_layout (child))
    gtk_widget_allocate (child, width, height, baseline, NULL);
}

/* AdwBin's layout manager, done here so that size_allocate() is called. */
static void
healer_diagnose_page_measure (GtkWidget      *widget,
                              GtkOrientation  orientation,
                              int             for_size,
                              int            *minimum,
                              int            *natural,
                              int            *minimum_baseline,
                              int            *natural_baseline)
{
  GtkWidget *child = adw_bin_get_child (ADW_BIN (widget));

  if (child != NULL && gtk_widget_should_layout (child))
    gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
}

/* Whether the page is laid out for a narrow window (for the tests). */
gboolean
healer_diagnose_page_get_narrow (HealerDiagnosePage *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PAGE (self), FALSE);

  return self->narrow;
}

static void
healer_diagnose_page_class_init (HealerDiagnosePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  widget_class->measure = healer_diagnose_page_measure;
  widget_class->size_allocate = healer_diagnose_page_size_allocate;

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

  /* The model diagnoses are made with, and its file (NULL when it is not
   * saved): the parts of the page are bound to them. */
  properties[PROP_MODEL] =
    g_param_spec_boxed ("model", NULL, NULL,
                        HEALER_TYPE_MODEL,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MODEL_FILE] =
    g_param_spec_object ("model-file", NULL, NULL,
                         G_TYPE_FILE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (HEALER_TYPE_DIAGNOSE_MODEL_CARD);
  g_type_ensure (HEALER_TYPE_DIAGNOSE_SAMPLE_PANE);
  g_type_ensure (HEALER_TYPE_DIAGNOSE_BATCH_PANE);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-diagnose-page.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, model_stack);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, empty_trained_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, model_card);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, main_box);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, sample_pane);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnosePage, batch_pane);
  gtk_widget_class_bind_template_callback (widget_class, open_model_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, use_trained_cb);
  gtk_widget_class_bind_template_callback (widget_class, model_opened_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_busy);
}

static void
healer_diagnose_page_init (HealerDiagnosePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Laid out by measure() and size_allocate(), which choose the narrow
   * layout: a layout manager would bypass them. */
  gtk_widget_set_layout_manager (GTK_WIDGET (self), NULL);

  self->session_signals = g_signal_group_new (HEALER_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::model",
                                 G_CALLBACK (session_model_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->session_signals, "notify::model-file",
                                 G_CALLBACK (session_model_changed_cb), self, G_CONNECT_SWAPPED);
  update_empty (self);
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

  if (!g_set_object (&self->session, session))
    return;

  /* The page's handlers run before those of its parts (connected when
   * "session" reaches them below), so a part told of the session's new
   * model file already has the model that goes with it. */
  g_signal_group_set_target (self->session_signals, session);
  self->follow_session = TRUE;
  if (session != NULL)
    set_model (self, healer_session_get_model (session), healer_session_get_model_file (session));
  else
    set_model (self, NULL, NULL);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

void
healer_diagnose_page_open_batch (HealerDiagnosePage *self)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));

  if (self->model == NULL)
    return;

  gtk_stack_set_visible_child_name (self->mode_stack, "batch");
  healer_diagnose_batch_pane_open (self->batch_pane);
}

gboolean
healer_diagnose_page_cancel (HealerDiagnosePage *self)
{
  gboolean cancelled = FALSE;

  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PAGE (self), FALSE);

  cancelled |= healer_diagnose_part_cancel (HEALER_DIAGNOSE_PART (self->model_card));
  cancelled |= healer_diagnose_part_cancel (HEALER_DIAGNOSE_PART (self->sample_pane));
  cancelled |= healer_diagnose_part_cancel (HEALER_DIAGNOSE_PART (self->batch_pane));
  return cancelled;
}

void
healer_diagnose_page_diagnose_file (HealerDiagnosePage *self,
                                    GFile              *file)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  gtk_stack_set_visible_child_name (self->mode_stack, "batch");
  healer_diagnose_batch_pane_diagnose_file (self->batch_pane, file);
}

void
healer_diagnose_page_diagnose_text (HealerDiagnosePage *self,
                                    const char         *text)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_PAGE (self));
  g_return_if_fail (text != NULL);

  gtk_stack_set_visible_child_name (self->mode_stack, "sample");
  healer_diagnose_sample_pane_diagnose_text (self->sample_pane, text);
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

  return healer_diagnose_sample_pane_get_probabilities (self->sample_pane);
}

gboolean
healer_diagnose_page_get_busy (HealerDiagnosePage *self)
{
  g_return_val_if_fail (HEALER_IS_DIAGNOSE_PAGE (self), FALSE);

  /* Parts are gone once the page is disposed. */
  if (self->model_card == NULL)
    return FALSE;
  return healer_diagnose_part_get_busy (HEALER_DIAGNOSE_PART (self->model_card))
         || healer_diagnose_part_get_busy (HEALER_DIAGNOSE_PART (self->sample_pane))
         || healer_diagnose_part_get_busy (HEALER_DIAGNOSE_PART (self->batch_pane));
}
