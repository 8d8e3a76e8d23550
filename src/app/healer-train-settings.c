/* healer-train-settings.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "healer-combo-rows.h"
#include "healer-train-settings.h"

struct _HealerTrainSettings
{
  AdwBin             parent_instance;

  /* What the form does not show (momentum, explanations, constant-KPI
   * dropping) comes from here, so a preset's values survive a round trip. */
  HealerTrainConfig  base;
  char              *hidden_error;
  const char        *preset;
  guint              updating : 1;

  /* Template widgets */
  AdwComboRow       *preset_row;
  GtkLabel          *hidden_subtitle;
  GtkEntry          *hidden_entry;
  AdwComboRow       *activation_row;
  GtkSpinButton     *dropout_spin;
  GtkSpinButton     *ensemble_spin;
  AdwComboRow       *optimizer_row;
  GtkSpinButton     *learning_rate_spin;
  GtkSpinButton     *batch_spin;
  GtkSpinButton     *epochs_spin;
  GtkSpinButton     *patience_spin;
  GtkSpinButton     *validation_spin;
  GtkSpinButton     *weight_decay_spin;
  GtkSpinButton     *seed_spin;
  AdwComboRow       *impute_row;
  AdwComboRow       *transform_row;
  GtkSwitch         *indicators_switch;
  AdwExpanderRow    *select_row;
  GtkSpinButton     *select_ratio_spin;
  GtkSpinButton     *select_k_spin;
  GtkSwitch         *class_weights_switch;
  GtkSwitch         *duplicates_switch;
};

G_DEFINE_FINAL_TYPE (HealerTrainSettings, healer_train_settings, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_VALID,
  PROP_PRESET,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Order of the preset combo row; the last entry is "Custom". */
static const char * const preset_names[] = {
  HEALER_TRAIN_PRESET_DEFAULT,
  HEALER_TRAIN_PRESET_FAST,
  HEALER_TRAIN_PRESET_PUBLISHED,
  HEALER_TRAIN_PRESET_CUSTOM,
};

gboolean
healer_train_preset_init (HealerTrainConfig *config,
                          const char        *name)
{
  g_return_val_if_fail (config != NULL, FALSE);

  healer_train_config_init_default (config);
  if (g_strcmp0 (name, HEALER_TRAIN_PRESET_DEFAULT) == 0)
    return TRUE;

  if (g_strcmp0 (name, HEALER_TRAIN_PRESET_FAST) == 0)
    {
      /* One network and a fifth of the epochs: a first look in seconds,
       * a little less accurate and less steady than the default. */
      config->ensemble = 1;
      config->epochs = 60;
      return TRUE;
    }

  if (g_strcmp0 (name, HEALER_TRAIN_PRESET_PUBLISHED) == 0)
    {
      /* The architecture of the published work the operators know
       * (docs/model.md, issue #4): 107-200-200-200-6, LeakyReLU, Adam at
       * 1e-4, batch 30, median imputation and every KPI. */
      config->n_hidden = 3;
      config->hidden[0] = config->hidden[1] = config->hidden[2] = 200;
      config->activation = HEALER_ACTIVATION_LEAKY_RELU;
      config->optimizer = HEALER_OPTIMIZER_ADAM;
      config->learning_rate = 1e-4;
      config->batch_size = 30;
      config->ensemble = 1;
      config->preprocess.impute = HEALER_IMPUTE_MEDIAN;
      config->preprocess.select = HEALER_SELECT_NONE;
      return TRUE;
    }

  return FALSE;
}

static gboolean
same_double (double a,
             double b)
{
  return fabs (a - b) <= 1e-9 * MAX (1.0, MAX (fabs (a), fabs (b)));
}

/* Equal in everything the form shows. */
static gboolean
configs_match (const HealerTrainConfig *a,
               const HealerTrainConfig *b)
{
  const HealerPreprocessConfig *pa = &a->preprocess;
  const HealerPreprocessConfig *pb = &b->preprocess;

  if (a->n_hidden != b->n_hidden)
    return FALSE;
  for (guint i = 0; i < a->n_hidden; i++)
    if (a->hidden[i] != b->hidden[i])
      return FALSE;

  return a->activation == b->activation &&
         a->optimizer == b->optimizer &&
         same_double (a->learning_rate, b->learning_rate) &&
         same_double (a->weight_decay, b->weight_decay) &&
         same_double (a->dropout, b->dropout) &&
         a->batch_size == b->batch_size &&
         a->epochs == b->epochs &&
         a->patience == b->patience &&
         same_double (a->validation_fraction, b->validation_fraction) &&
         a->ensemble == b->ensemble &&
         a->seed == b->seed &&
         pa->impute == pb->impute &&
         pa->transform == pb->transform &&
         pa->missing_indicators == pb->missing_indicators &&
         pa->select == pb->select &&
         (pa->select == HEALER_SELECT_NONE ||
          (pa->select_k == pb->select_k &&
           same_double (pa->select_min_ratio, pb->select_min_ratio))) &&
         pa->class_weights == pb->class_weights &&
         pa->drop_duplicates == pb->drop_duplicates;
}

static char *
hidden_to_string (const HealerTrainConfig *config)
{
  GString *str = g_string_new (NULL);

  for (guint i = 0; i < config->n_hidden; i++)
    g_string_append_printf (str, "%s%u", i > 0 ? "," : "", config->hidden[i]);
  return g_string_free (str, FALSE);
}

/* Reads the form into @config without judging it; the hidden layers only
 * when they parse. */
static void
read_form (HealerTrainSettings *self,
           HealerTrainConfig   *config)
{
  HealerPreprocessConfig *pre = &config->preprocess;

  *config = self->base;
  (void) healer_train_config_set_hidden (config, gtk_editable_get_text (GTK_EDITABLE (self->hidden_entry)), NULL);
  config->activation = (HealerActivation) adw_combo_row_get_selected (self->activation_row);
  config->dropout = gtk_spin_button_get_value (self->dropout_spin);
  config->ensemble = (guint) gtk_spin_button_get_value_as_int (self->ensemble_spin);
  config->optimizer = (HealerOptimizer) adw_combo_row_get_selected (self->optimizer_row);
  config->learning_rate = gtk_spin_button_get_value (self->learning_rate_spin);
  config->batch_size = (guint) gtk_spin_button_get_value_as_int (self->batch_spin);
  config->epochs = (guint) gtk_spin_button_get_value_as_int (self->epochs_spin);
  config->patience = (guint) gtk_spin_button_get_value_as_int (self->patience_spin);
  config->validation_fraction = gtk_spin_button_get_value (self->validation_spin);
  config->weight_decay = gtk_spin_button_get_value (self->weight_decay_spin);
  config->seed = (guint64) gtk_spin_button_get_value (self->seed_spin);
  pre->impute = (HealerImpute) adw_combo_row_get_selected (self->impute_row);
  pre->transform = (HealerTransform) adw_combo_row_get_selected (self->transform_row);
  pre->missing_indicators = gtk_switch_get_active (self->indicators_switch);
  pre->select = adw_expander_row_get_enable_expansion (self->select_row)
                ? HEALER_SELECT_MUTUAL_INFO : HEALER_SELECT_NONE;
  pre->select_min_ratio = gtk_spin_button_get_value (self->select_ratio_spin);
  pre->select_k = (guint) gtk_spin_button_get_value_as_int (self->select_k_spin);
  pre->class_weights = gtk_switch_get_active (self->class_weights_switch);
  pre->drop_duplicates = gtk_switch_get_active (self->duplicates_switch);
}

static void
update_hidden_error (HealerTrainSettings *self)
{
  HealerTrainConfig scratch;
  g_autoptr(GError) error = NULL;
  gboolean was_valid = self->hidden_error == NULL;

  healer_train_config_init_default (&scratch);
  g_clear_pointer (&self->hidden_error, g_free);
  if (!healer_train_config_set_hidden (&scratch, gtk_editable_get_text (GTK_EDITABLE (self->hidden_entry)), &error))
    self->hidden_error = g_strdup (error->message);

  /* Say what is wrong where the user is typing, not only when Train is
   * pressed. */
  if (self->hidden_error != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->hidden_entry), "error");
      gtk_label_set_text (self->hidden_subtitle, self->hidden_error);
      gtk_accessible_update_state (GTK_ACCESSIBLE (self->hidden_entry),
                                   GTK_ACCESSIBLE_STATE_INVALID, GTK_ACCESSIBLE_INVALID_TRUE,
                                   -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->hidden_entry), "error");
      gtk_label_set_text (self->hidden_subtitle,
                          _("Units per hidden layer, separated by commas, e.g. 256 or 200,200,200"));
      gtk_accessible_reset_state (GTK_ACCESSIBLE (self->hidden_entry), GTK_ACCESSIBLE_STATE_INVALID);
    }

  if (was_valid != (self->hidden_error == NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VALID]);
}

static void
update_preset (HealerTrainSettings *self)
{
  HealerTrainConfig form;
  const char *preset = HEALER_TRAIN_PRESET_CUSTOM;
  guint index = G_N_ELEMENTS (preset_names) - 1;

  read_form (self, &form);
  for (guint i = 0; self->hidden_error == NULL && i + 1 < G_N_ELEMENTS (preset_names); i++)
    {
      HealerTrainConfig candidate;

      healer_train_preset_init (&candidate, preset_names[i]);
      if (configs_match (&form, &candidate))
        {
          preset = preset_names[i];
          index = i;
          break;
        }
    }

  self->updating = TRUE;
  adw_combo_row_set_selected (self->preset_row, index);
  self->updating = FALSE;

  if (g_strcmp0 (self->preset, preset) != 0)
    {
      self->preset = preset;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRESET]);
    }
}

static void
changed_cb (HealerTrainSettings *self)
{
  if (self->updating)
    return;

  update_hidden_error (self);
  update_preset (self);
}

static void
preset_selected_cb (HealerTrainSettings *self)
{
  guint selected = adw_combo_row_get_selected (self->preset_row);

  /* "Custom" is a description of the form, not something to apply. */
  if (self->updating || selected + 1 >= G_N_ELEMENTS (preset_names))
    return;

  healer_train_settings_apply_preset (self, preset_names[selected]);
}

static void
reset_clicked_cb (HealerTrainSettings *self)
{
  healer_train_settings_apply_preset (self, HEALER_TRAIN_PRESET_DEFAULT);
}

static GtkWidget *
find_switch (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found;

      if (GTK_IS_SWITCH (c))
        return c;
      if ((found = find_switch (c)) != NULL)
        return found;
    }
  return NULL;
}

/* Spin buttons and switches sit in rows whose title is their label: tell
 * screen readers so. */
static void
label_suffixes_by_rows (HealerTrainSettings *self)
{
  GtkWidget *widgets[] = {
    GTK_WIDGET (self->dropout_spin), GTK_WIDGET (self->ensemble_spin),
    GTK_WIDGET (self->learning_rate_spin), GTK_WIDGET (self->batch_spin),
    GTK_WIDGET (self->epochs_spin), GTK_WIDGET (self->patience_spin),
    GTK_WIDGET (self->validation_spin), GTK_WIDGET (self->weight_decay_spin),
    GTK_WIDGET (self->seed_spin), GTK_WIDGET (self->indicators_switch),
    GTK_WIDGET (self->select_ratio_spin), GTK_WIDGET (self->select_k_spin),
    GTK_WIDGET (self->class_weights_switch), GTK_WIDGET (self->duplicates_switch),
  };

  GtkWidget *expander_switch;

  for (guint i = 0; i < G_N_ELEMENTS (widgets); i++)
    {
      GtkWidget *row = gtk_widget_get_ancestor (widgets[i], ADW_TYPE_ACTION_ROW);

      if (row != NULL)
        gtk_accessible_update_relation (GTK_ACCESSIBLE (widgets[i]),
                                        GTK_ACCESSIBLE_RELATION_LABELLED_BY, row, NULL,
                                        -1);
    }

  /* The expander row's own on/off switch has no name in libadwaita 1.2. */
  expander_switch = find_switch (GTK_WIDGET (self->select_row));
  if (expander_switch != NULL)
    gtk_accessible_update_relation (GTK_ACCESSIBLE (expander_switch),
                                    GTK_ACCESSIBLE_RELATION_LABELLED_BY, self->select_row, NULL,
                                    -1);
}

static void
healer_train_settings_dispose (GObject *object)
{
  HealerTrainSettings *self = (HealerTrainSettings *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_TRAIN_SETTINGS);

  G_OBJECT_CLASS (healer_train_settings_parent_class)->dispose (object);
}

static void
healer_train_settings_finalize (GObject *object)
{
  HealerTrainSettings *self = (HealerTrainSettings *)object;

  g_clear_pointer (&self->hidden_error, g_free);

  G_OBJECT_CLASS (healer_train_settings_parent_class)->finalize (object);
}

static void
healer_train_settings_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  HealerTrainSettings *self = HEALER_TRAIN_SETTINGS (object);

  switch (prop_id)
    {
    case PROP_VALID:
      g_value_set_boolean (value, healer_train_settings_get_valid (self));
      break;

    case PROP_PRESET:
      g_value_set_string (value, healer_train_settings_get_preset (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_train_settings_class_init (HealerTrainSettingsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_train_settings_dispose;
  object_class->finalize = healer_train_settings_finalize;
  object_class->get_property = healer_train_settings_get_property;

  properties[PROP_VALID] =
    g_param_spec_boolean ("valid", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_PRESET] =
    g_param_spec_string ("preset", NULL, NULL,
                         HEALER_TRAIN_PRESET_DEFAULT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-train-settings.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, preset_row);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, hidden_subtitle);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, hidden_entry);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, activation_row);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, dropout_spin);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, ensemble_spin);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, optimizer_row);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, learning_rate_spin);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, batch_spin);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, epochs_spin);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, patience_spin);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, validation_spin);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, weight_decay_spin);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, seed_spin);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, impute_row);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, transform_row);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, indicators_switch);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, select_row);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, select_ratio_spin);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, select_k_spin);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, class_weights_switch);
  gtk_widget_class_bind_template_child (widget_class, HealerTrainSettings, duplicates_switch);
  gtk_widget_class_bind_template_callback (widget_class, changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, preset_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
}

static void
healer_train_settings_init (HealerTrainSettings *self)
{
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *preset = NULL;

  self->preset = HEALER_TRAIN_PRESET_DEFAULT;
  healer_train_config_init_default (&self->base);

  self->updating = TRUE;
  gtk_widget_init_template (GTK_WIDGET (self));
  healer_combo_rows_give_room (GTK_WIDGET (self));
  self->updating = FALSE;
  label_suffixes_by_rows (self);

  /* The preset chosen in Preferences is where the form starts. */
  settings = g_settings_new (APPLICATION_ID);
  preset = g_settings_get_string (settings, "train-preset");
  if (!healer_train_preset_init (&self->base, preset))
    g_clear_pointer (&preset, g_free);
  healer_train_settings_apply_preset (self, preset != NULL ? preset : HEALER_TRAIN_PRESET_DEFAULT);
}

GtkWidget *
healer_train_settings_new (void)
{
  return g_object_new (HEALER_TYPE_TRAIN_SETTINGS, NULL);
}

gboolean
healer_train_settings_get_config (HealerTrainSettings *self,
                                  HealerTrainConfig   *config,
                                  GError             **error)
{
  g_autoptr(GError) local_error = NULL;
  HealerTrainConfig form;

  g_return_val_if_fail (HEALER_IS_TRAIN_SETTINGS (self), FALSE);
  g_return_val_if_fail (config != NULL, FALSE);

  /* A value typed into a spin button counts even if focus never left it. */
  for (GtkWidget *w = gtk_widget_get_focus_child (GTK_WIDGET (self)); w != NULL; w = gtk_widget_get_focus_child (w))
    if (GTK_IS_SPIN_BUTTON (w))
      gtk_spin_button_update (GTK_SPIN_BUTTON (w));

  read_form (self, &form);
  if (!healer_train_config_set_hidden (&form, gtk_editable_get_text (GTK_EDITABLE (self->hidden_entry)), &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   /* Translators: the setting, then what is wrong with it */
                   _("Hidden layers: %s"), local_error->message);
      return FALSE;
    }
  if (!healer_train_config_validate (&form, &local_error))
    {
      g_set_error (error, local_error->domain, local_error->code,
                   _("Model settings: %s"), local_error->message);
      return FALSE;
    }

  *config = form;
  return TRUE;
}

void
healer_train_settings_set_config (HealerTrainSettings     *self,
                                  const HealerTrainConfig *config)
{
  const HealerPreprocessConfig *pre;
  g_autofree char *hidden = NULL;

  g_return_if_fail (HEALER_IS_TRAIN_SETTINGS (self));
  g_return_if_fail (config != NULL);

  pre = &config->preprocess;
  self->base = *config;
  hidden = hidden_to_string (config);

  /* One "changed" at the end, not one per field on the way through
   * half-applied presets. */
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->hidden_entry), hidden);
  adw_combo_row_set_selected (self->activation_row, config->activation);
  gtk_spin_button_set_value (self->dropout_spin, config->dropout);
  gtk_spin_button_set_value (self->ensemble_spin, config->ensemble);
  adw_combo_row_set_selected (self->optimizer_row, config->optimizer);
  gtk_spin_button_set_value (self->learning_rate_spin, config->learning_rate);
  gtk_spin_button_set_value (self->batch_spin, config->batch_size);
  gtk_spin_button_set_value (self->epochs_spin, config->epochs);
  gtk_spin_button_set_value (self->patience_spin, config->patience);
  gtk_spin_button_set_value (self->validation_spin, config->validation_fraction);
  gtk_spin_button_set_value (self->weight_decay_spin, config->weight_decay);
  gtk_spin_button_set_value (self->seed_spin, (double) config->seed);
  adw_combo_row_set_selected (self->impute_row, pre->impute);
  adw_combo_row_set_selected (self->transform_row, pre->transform);
  gtk_switch_set_active (self->indicators_switch, pre->missing_indicators);
  adw_expander_row_set_enable_expansion (self->select_row, pre->select != HEALER_SELECT_NONE);
  gtk_spin_button_set_value (self->select_ratio_spin, pre->select_min_ratio);
  gtk_spin_button_set_value (self->select_k_spin, pre->select_k);
  gtk_switch_set_active (self->class_weights_switch, pre->class_weights);
  gtk_switch_set_active (self->duplicates_switch, pre->drop_duplicates);
  self->updating = FALSE;

  changed_cb (self);
}

void
healer_train_settings_apply_preset (HealerTrainSettings *self,
                                    const char          *name)
{
  HealerTrainConfig config;

  g_return_if_fail (HEALER_IS_TRAIN_SETTINGS (self));

  if (!healer_train_preset_init (&config, name))
    {
      g_warning ("Unknown training preset “%s”", name);
      return;
    }
  healer_train_settings_set_config (self, &config);
}

const char *
healer_train_settings_get_preset (HealerTrainSettings *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_SETTINGS (self), NULL);

  return self->preset;
}

gboolean
healer_train_settings_get_valid (HealerTrainSettings *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_SETTINGS (self), FALSE);

  return self->hidden_error == NULL;
}
