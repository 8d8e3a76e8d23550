/* healer-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "healer-combo-rows.h"
#include "healer-preferences-window.h"
#include "healer-tooltips.h"
#include "healer-window.h"

struct _HealerPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  HealerSession        *session;   /* by default the one of the window we were opened for */
  GSignalGroup         *session_signals;
  HealerModel          *named_model; /* whose classes the rows name */
  GPtrArray            *class_rows;
  guint                 showing_coverage : 1; /* the row follows the model, not the user */

  AdwComboRow          *color_scheme_row;
  AdwComboRow          *palette_row;
  AdwComboRow          *preset_row;
  AdwComboRow          *coverage_row;
  GtkSwitch            *restore_switch;
  AdwPreferencesGroup  *class_names_group;
  AdwActionRow         *no_model_row;
};

G_DEFINE_FINAL_TYPE (HealerPreferencesWindow, healer_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SESSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Combo rows hold positions; the settings hold nicks. These tables are the
 * one place that ties them together, in the order of the .ui string lists. */
static const char *color_schemes[] = { "default", "light", "dark" };
static const char *presets[] = { "default", "fast", "published" };
static const char *palettes[] = { "okabe-ito", "tol-bright", "gnome" };

static gboolean
nick_to_position (GValue   *value,
                  GVariant *variant,
                  gpointer  user_data)
{
  const char * const *nicks = user_data;
  const char *nick = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < 3; i++)
    if (g_strcmp0 (nicks[i], nick) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }

  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
position_to_nick (const GValue       *value,
                  const GVariantType *expected_type,
                  gpointer            user_data)
{
  const char * const *nicks = user_data;
  guint position = g_value_get_uint (value);

  return g_variant_new_string (nicks[MIN (position, 2u)]);
}

/* ---- prediction sets ---- */

/* The coverages offered, in the order of the .ui string list. */
static const double coverages[] = { 0.90, 0.95, 0.99 };

static void
coverage_selected_cb (HealerPreferencesWindow *self)
{
  guint position = adw_combo_row_get_selected (self->coverage_row);
  HealerModel *model = self->session ? healer_session_get_model (self->session) : NULL;

  if (self->showing_coverage || model == NULL || position >= G_N_ELEMENTS (coverages))
    return;
  healer_session_set_coverage (self->session, coverages[position]);
}

static void
show_coverage (HealerPreferencesWindow *self)
{
  HealerModel *model = self->session ? healer_session_get_model (self->session) : NULL;
  gboolean has_sets = model != NULL && model->calibration != NULL;
  GtkStringList *items = GTK_STRING_LIST (adw_combo_row_get_model (self->coverage_row));
  guint n_items = g_list_model_get_n_items (G_LIST_MODEL (items));
  guint shown = 1;
  gboolean offered = !has_sets;

  for (guint i = 0; has_sets && i < G_N_ELEMENTS (coverages); i++)
    if (fabs (coverages[i] - model->coverage) < 1e-9)
      {
        shown = i;
        offered = TRUE;
      }

  self->showing_coverage = TRUE;
  /* A model made at another coverage (`train --coverage 0.8`) shows its
   * own in an extra item: never the nearest offered one, which it does
   * not have. */
  if (!offered)
    {
      g_autofree char *percent = g_strdup_printf ("%.4g", 100.0 * model->coverage);
      g_autofree char *text = healer_session_get_model_file (self->session) != NULL
                              /* Translators: %s is a number, "80" */
                              ? g_strdup_printf (_("%s %% (from the model file)"), percent)
                              /* Translators: %s is a number, "80" */
                              : g_strdup_printf (_("%s %% (this model’s)"), percent);
      const char *const extra[] = { text, NULL };

      gtk_string_list_splice (items, G_N_ELEMENTS (coverages), n_items - G_N_ELEMENTS (coverages), extra);
      shown = G_N_ELEMENTS (coverages);
    }
  else if (n_items > G_N_ELEMENTS (coverages))
    gtk_string_list_splice (items, G_N_ELEMENTS (coverages), n_items - G_N_ELEMENTS (coverages), NULL);
  adw_combo_row_set_selected (self->coverage_row, shown);
  self->showing_coverage = FALSE;

  gtk_widget_set_sensitive (GTK_WIDGET (self->coverage_row), has_sets);
  if (model == NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->coverage_row),
                                 _("Train a model or open one to choose how sure its prediction sets are"));
  else if (!has_sets)
    /* An older file, or a model trained without cross-fitting. */
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->coverage_row),
                                 _("This model has no prediction sets: train it again to get them"));
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->coverage_row),
                                 _("How often the classes a diagnosis names hold the true one; a higher coverage names more classes and flags more diagnoses as uncertain. Saved in the model file and kept for the next model trained."));
}

/* ---- class names ---- */

static void
class_name_applied_cb (AdwEntryRow             *row,
                       HealerPreferencesWindow *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "class-index"));
  HealerModel *model = self->session ? healer_session_get_model (self->session) : NULL;

  if (model == NULL || index >= model->n_classes)
    return;
  healer_session_set_class_name (self->session, index, gtk_editable_get_text (GTK_EDITABLE (row)));
  /* An emptied name went back to the default: show which. The session now
   * holds a renamed copy of the model. */
  model = healer_session_get_model (self->session);
  gtk_editable_set_text (GTK_EDITABLE (row), model->class_names[index]);
}

static void
fill_class_names (HealerPreferencesWindow *self)
{
  HealerModel *model = self->session ? healer_session_get_model (self->session) : NULL;
  gboolean same = self->named_model != NULL && healer_model_same_network (self->named_model, model);

  show_coverage (self);
  g_clear_pointer (&self->named_model, healer_model_unref);
  self->named_model = model != NULL ? healer_model_ref (model) : NULL;
  /* A rename gives the session a renamed copy of the same model: the rows
   * already show it, and one may hold a name being typed. */
  if (same)
    return;

  for (guint i = 0; i < self->class_rows->len; i++)
    adw_preferences_group_remove (self->class_names_group, g_ptr_array_index (self->class_rows, i));
  g_ptr_array_set_size (self->class_rows, 0);

  gtk_widget_set_visible (GTK_WIDGET (self->no_model_row), model == NULL);
  if (model == NULL)
    return;

  for (guint k = 0; k < model->n_classes; k++)
    {
      GtkWidget *row = adw_entry_row_new ();
      /* TRANSLATORS: title of the entry that names a class; %d is its label value in the data */
      g_autofree char *title = g_strdup_printf (_("Label %d"), model->class_ids[k]);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
      gtk_editable_set_text (GTK_EDITABLE (row), model->class_names[k]);
      g_object_set_data (G_OBJECT (row), "class-index", GUINT_TO_POINTER (k));
      g_signal_connect (row, "apply", G_CALLBACK (class_name_applied_cb), self);
      adw_preferences_group_add (self->class_names_group, row);
      g_ptr_array_add (self->class_rows, row);
    }
}

/* ---- GObject ---- */

static void
set_session (HealerPreferencesWindow *self,
             HealerSession           *session)
{
  if (!g_set_object (&self->session, session))
    return;
  g_signal_group_set_target (self->session_signals, session);
  fill_class_names (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

static void
healer_preferences_window_constructed (GObject *object)
{
  HealerPreferencesWindow *self = (HealerPreferencesWindow *)object;
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  G_OBJECT_CLASS (healer_preferences_window_parent_class)->constructed (object);

  if (self->session == NULL && HEALER_IS_WINDOW (parent))
    set_session (self, healer_window_get_session (HEALER_WINDOW (parent)));
  /* Without a session, the rows say there is no model (with one, the
   * setter filled them and this changes nothing). */
  fill_class_names (self);
}

static void
healer_preferences_window_dispose (GObject *object)
{
  HealerPreferencesWindow *self = (HealerPreferencesWindow *)object;

  if (self->session_signals != NULL)
    g_signal_group_set_target (self->session_signals, NULL);
  g_clear_object (&self->session_signals);
  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->session);
  g_clear_pointer (&self->named_model, healer_model_unref);
  g_clear_pointer (&self->class_rows, g_ptr_array_unref);

  G_OBJECT_CLASS (healer_preferences_window_parent_class)->dispose (object);
}

static void
healer_preferences_window_get_property (GObject    *object,
                                        guint       prop_id,
                                        GValue     *value,
                                        GParamSpec *pspec)
{
  HealerPreferencesWindow *self = HEALER_PREFERENCES_WINDOW (object);

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
healer_preferences_window_set_property (GObject      *object,
                                        guint         prop_id,
                                        const GValue *value,
                                        GParamSpec   *pspec)
{
  HealerPreferencesWindow *self = HEALER_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SESSION:
      set_session (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_preferences_window_class_init (HealerPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = healer_preferences_window_constructed;
  object_class->dispose = healer_preferences_window_dispose;
  object_class->get_property = healer_preferences_window_get_property;
  object_class->set_property = healer_preferences_window_set_property;

  /* The session whose model's coverage and class names it edits, as a
   * page's "session": by default the one of its transient-for window. */
  properties[PROP_SESSION] =
    g_param_spec_object ("session", NULL, NULL,
                         HEALER_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Its combo rows open popovers, like the window's buttons. */
  healer_tooltips_init ();

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, HealerPreferencesWindow, palette_row);
  gtk_widget_class_bind_template_child (widget_class, HealerPreferencesWindow, preset_row);
  gtk_widget_class_bind_template_child (widget_class, HealerPreferencesWindow, coverage_row);
  gtk_widget_class_bind_template_callback (widget_class, coverage_selected_cb);
  gtk_widget_class_bind_template_child (widget_class, HealerPreferencesWindow, restore_switch);
  gtk_widget_class_bind_template_child (widget_class, HealerPreferencesWindow, class_names_group);
  gtk_widget_class_bind_template_child (widget_class, HealerPreferencesWindow, no_model_row);
}

static void
healer_preferences_window_init (HealerPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  healer_combo_rows_give_room (GTK_WIDGET (self));
  self->class_rows = g_ptr_array_new ();

  /* The rows follow the session's model: its class names, its coverage. */
  self->session_signals = g_signal_group_new (HEALER_TYPE_SESSION);
  g_signal_group_connect_object (self->session_signals, "notify::model",
                                 G_CALLBACK (fill_class_names), self, G_CONNECT_SWAPPED);

  self->settings = g_settings_new (APPLICATION_ID);
  g_settings_bind_with_mapping (self->settings, "chart-palette",
                                self->palette_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                nick_to_position, position_to_nick,
                                (gpointer) palettes, NULL);
  g_settings_bind (self->settings, "restore-session",
                   self->restore_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (self->settings, "color-scheme",
                                self->color_scheme_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                nick_to_position, position_to_nick,
                                (gpointer) color_schemes, NULL);
  g_settings_bind_with_mapping (self->settings, "train-preset",
                                self->preset_row, "selected",
                                G_SETTINGS_BIND_DEFAULT,
                                nick_to_position, position_to_nick,
                                (gpointer) presets, NULL);
}

HealerPreferencesWindow *
healer_preferences_window_new (GtkWindow *transient_for)
{
  return g_object_new (HEALER_TYPE_PREFERENCES_WINDOW,
                       "transient-for", transient_for,
                       NULL);
}
