/* healer-diagnose-model-card.c — the Diagnose page's model: its summary, opening another
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-diagnose-common.h"
#include "healer-diagnose-model-card.h"
#include "healer-file-chooser.h"
#include "healer-job.h"

/* Its job reads a model file. */
struct _HealerDiagnoseModelCard
{
  HealerDiagnosePart parent_instance;

  /* Template widgets */
  AdwExpanderRow *model_row;
  GtkSpinner     *model_spinner;
  GtkButton      *trained_button;
  GtkButton      *open_button;
  GtkLabel       *classes_label;
  GtkLabel       *kpis_label;
  GtkLabel       *architecture_label;
  GtkLabel       *rows_label;
  GtkLabel       *f1_label;
  GtkLabel       *created_label;
  GtkLabel       *file_label;
};

G_DEFINE_FINAL_TYPE (HealerDiagnoseModelCard, healer_diagnose_model_card, HEALER_TYPE_DIAGNOSE_PART)

enum {
  MODEL_OPENED,
  USE_TRAINED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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
update_summary (HealerDiagnoseModelCard *self)
{
  HealerDiagnosePart *part = HEALER_DIAGNOSE_PART (self);
  const HealerModel *model = healer_diagnose_part_get_model (part);
  HealerSession *session = healer_diagnose_part_get_session (part);
  GFile *model_file = healer_diagnose_part_get_model_file (part);
  HealerModel *session_model = session ? healer_session_get_model (session) : NULL;
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
  if (model == NULL)
    return;

  if (model_file != NULL)
    title = g_file_get_basename (model_file);
  else
    title = g_strdup (_("Model Just Trained (Not Saved)"));

  classes = g_string_new (NULL);
  for (guint c = 0; c < model->n_classes; c++)
    {
      g_autofree char *label = healer_diagnose_class_label (model->class_names[c], model->class_ids[c]);

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
  file = model_file != NULL ? g_file_get_parse_name (model_file)
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
use_trained_clicked_cb (HealerDiagnoseModelCard *self)
{
  g_signal_emit (self, signals[USE_TRAINED], 0);
}

static void
open_model_clicked_cb (HealerDiagnoseModelCard *self)
{
  healer_diagnose_model_card_open (self);
}

/* ---- loading a model ---- */

static gpointer
load_model_run (HealerJob     *worker,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  GFile *file = data;
  g_autofree char *path = g_file_get_path (file);

  if (path != NULL)
    return healer_model_load (path, error);
  else
    {
      g_autofree char *contents = NULL;
      g_autofree char *name = g_file_get_basename (file);
      gsize len = 0;

      /* Not a local file (a portal or a remote location): read it whole,
       * the model loader bounds its size. */
      if (!g_file_load_contents (file, cancellable, &contents, &len, NULL, error))
        return NULL;
      return healer_model_load_from_data (contents, len, name, error);
    }
}

static const HealerJobInfo load_model_job = {
  .name = "[healer] diagnose model load",
  .func = load_model_run,
  .result_free = (GDestroyNotify) healer_model_unref,
  .check_cancellable = TRUE,
};

static void
set_loading (HealerDiagnoseModelCard *self,
             gboolean                 loading)
{
  gtk_widget_set_visible (GTK_WIDGET (self->model_spinner), loading);
  gtk_widget_set_sensitive (GTK_WIDGET (self->open_button), !loading);
}

static void
load_model_done (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  HealerDiagnoseModelCard *self = HEALER_DIAGNOSE_MODEL_CARD (object);
  GFile *file = healer_job_get_data (result);
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(GError) error = NULL;

  model = healer_job_finish (result, healer_diagnose_model_card_load_file, &error);
  /* The card went away while the worker ran. */
  if (self->model_row == NULL)
    return;
  if (healer_diagnose_part_end (HEALER_DIAGNOSE_PART (self), g_task_get_cancellable (G_TASK (result))))
    set_loading (self, FALSE);

  if (model == NULL)
    {
      /* The current model stays: a bad file changes nothing. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        healer_diagnose_show_error (GTK_WIDGET (self), _("Could Not Open the Model"), error);
      return;
    }
  g_signal_emit (self, signals[MODEL_OPENED], 0, model, file);
}

void
healer_diagnose_model_card_load_file (HealerDiagnoseModelCard *self,
                                      GFile                   *file)
{
  GCancellable *cancellable;

  g_return_if_fail (HEALER_IS_DIAGNOSE_MODEL_CARD (self));
  g_return_if_fail (G_IS_FILE (file));

  cancellable = healer_diagnose_part_begin (HEALER_DIAGNOSE_PART (self));
  set_loading (self, TRUE);

  healer_job_run (&load_model_job, self, healer_diagnose_model_card_load_file,
                  g_object_ref (file), g_object_unref, cancellable,
                  NULL, NULL, NULL, load_model_done, NULL);
}

static void
open_model_response_cb (GtkNativeDialog         *native,
                        int                      response,
                        HealerDiagnoseModelCard *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      if (file != NULL)
        healer_diagnose_model_card_load_file (self, file);
    }
  g_object_unref (native);
  g_object_unref (self);
}

void
healer_diagnose_model_card_open (HealerDiagnoseModelCard *self)
{
  GtkFileChooserNative *native;

  g_return_if_fail (HEALER_IS_DIAGNOSE_MODEL_CARD (self));

  native = healer_file_chooser_new (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_OPEN,
                                    _("Open Model"), _("_Open"), _("SystemHealer models"),
                                    (const char *[]) { "json", NULL },
                                    (const char *[]) { "application/json", NULL });

  g_signal_connect (native, "response", G_CALLBACK (open_model_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

/* In a narrow window the card keeps the model's name and its quality
 * figure and gives up the button's words: Open Model becomes its icon
 * (named by its tooltip and for screen readers), so the name has a line. */
void
healer_diagnose_model_card_set_narrow (HealerDiagnoseModelCard *self,
                                       gboolean                 narrow)
{
  g_return_if_fail (HEALER_IS_DIAGNOSE_MODEL_CARD (self));

  if (narrow)
    {
      gtk_button_set_icon_name (self->open_button, "document-open-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->open_button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Open Model"), -1);
    }
  else
    {
      gtk_button_set_label (self->open_button, _("_Open Model…"));
      gtk_button_set_use_underline (self->open_button, TRUE);
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->open_button), GTK_ACCESSIBLE_PROPERTY_LABEL);
    }
}

/* The summary shows the model, names its file and offers the session's
 * model when it is another: any of the three changing redraws it. */
static void
healer_diagnose_model_card_refresh (HealerDiagnosePart *part)
{
  update_summary (HEALER_DIAGNOSE_MODEL_CARD (part));
}

static void
healer_diagnose_model_card_model_changed (HealerDiagnosePart *part,
                                          HealerModel        *old_model)
{
  healer_diagnose_model_card_refresh (part);
}

/* ---- GObject ---- */

static void
healer_diagnose_model_card_dispose (GObject *object)
{
  HealerDiagnoseModelCard *self = (HealerDiagnoseModelCard *)object;

  healer_diagnose_part_cancel (HEALER_DIAGNOSE_PART (self));
  /* The bin's child is a bound template child: dropped by the bin first,
   * or the bin would unparent it a second time after the template did. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_DIAGNOSE_MODEL_CARD);

  G_OBJECT_CLASS (healer_diagnose_model_card_parent_class)->dispose (object);
}

static void
healer_diagnose_model_card_class_init (HealerDiagnoseModelCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  HealerDiagnosePartClass *part_class = HEALER_DIAGNOSE_PART_CLASS (klass);

  object_class->dispose = healer_diagnose_model_card_dispose;
  part_class->model_changed = healer_diagnose_model_card_model_changed;
  part_class->model_file_changed = healer_diagnose_model_card_refresh;
  part_class->session_changed = healer_diagnose_model_card_refresh;

  signals[MODEL_OPENED] =
    g_signal_new ("model-opened",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, HEALER_TYPE_MODEL, G_TYPE_FILE);
  signals[USE_TRAINED] =
    g_signal_new ("use-trained",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-diagnose-model-card.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseModelCard, model_row);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseModelCard, model_spinner);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseModelCard, trained_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseModelCard, open_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseModelCard, classes_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseModelCard, kpis_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseModelCard, architecture_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseModelCard, rows_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseModelCard, f1_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseModelCard, created_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDiagnoseModelCard, file_label);
  gtk_widget_class_bind_template_callback (widget_class, open_model_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, use_trained_clicked_cb);
}

static void
healer_diagnose_model_card_init (HealerDiagnoseModelCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The offer of the session's model follows it. */
  g_signal_group_connect_object (healer_diagnose_part_get_session_signals (HEALER_DIAGNOSE_PART (self)),
                                 "notify::model",
                                 G_CALLBACK (update_summary), self, G_CONNECT_SWAPPED);
}
