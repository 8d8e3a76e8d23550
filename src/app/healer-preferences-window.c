/* healer-preferences-window.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-preferences-window.h"

struct _HealerPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  GSettings            *settings;

  AdwComboRow          *color_scheme_row;
  AdwComboRow          *preset_row;
};

G_DEFINE_FINAL_TYPE (HealerPreferencesWindow, healer_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

/* Combo rows hold positions; the settings hold nicks. These tables are the
 * one place that ties them together, in the order of the .ui string lists. */
static const char *color_schemes[] = { "default", "light", "dark" };
static const char *presets[] = { "default", "fast", "published" };

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

static void
healer_preferences_window_dispose (GObject *object)
{
  HealerPreferencesWindow *self = (HealerPreferencesWindow *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (healer_preferences_window_parent_class)->dispose (object);
}

static void
healer_preferences_window_class_init (HealerPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerPreferencesWindow, color_scheme_row);
  gtk_widget_class_bind_template_child (widget_class, HealerPreferencesWindow, preset_row);
}

static void
healer_preferences_window_init (HealerPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->settings = g_settings_new (APPLICATION_ID);
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
