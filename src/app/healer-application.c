/* healer-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-application.h"
#include "healer-chart-palette.h"
#include "healer-log.h"
#include "healer-preferences-window.h"
#include "healer-window.h"

struct _HealerApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
};

G_DEFINE_FINAL_TYPE (HealerApplication, healer_application, ADW_TYPE_APPLICATION)

static void
apply_color_scheme (HealerApplication *self)
{
  static const AdwColorScheme schemes[] = {
    ADW_COLOR_SCHEME_DEFAULT,
    ADW_COLOR_SCHEME_FORCE_LIGHT,
    ADW_COLOR_SCHEME_FORCE_DARK,
  };
  guint scheme = (guint) g_settings_get_enum (self->settings, "color-scheme");

  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      schemes[MIN (scheme, G_N_ELEMENTS (schemes) - 1)]);
}

static void
apply_palette (HealerApplication *self)
{
  healer_chart_palette_set_kind ((HealerChartPaletteKind) g_settings_get_enum (self->settings, "chart-palette"));
}

static HealerWindow *
get_window (HealerApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (!HEALER_IS_WINDOW (window))
    window = GTK_WINDOW (healer_window_new (ADW_APPLICATION (self)));

  return HEALER_WINDOW (window);
}

static void
healer_application_activate (GApplication *app)
{
  gboolean first = gtk_application_get_active_window (GTK_APPLICATION (app)) == NULL;
  HealerWindow *window = get_window (HEALER_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  /* Started without files: carry on where the last session stopped. */
  if (first)
    healer_window_restore_session (window);
}

static void
healer_application_open (GApplication  *app,
                         GFile        **files,
                         int            n_files,
                         const char    *hint)
{
  HealerWindow *window = get_window (HEALER_APPLICATION (app));

  gtk_window_present (GTK_WINDOW (window));
  if (n_files > 0)
    {
      healer_window_open_file (window, files[0]);
    }
}

static void
healer_application_startup (GApplication *app)
{
  HealerApplication *self = HEALER_APPLICATION (app);
  /* Every shortcut of an action lives here, in the application, not as a
   * widget binding: the Keyboard Shortcuts window and the menus read their
   * key caps from the application, so a binding they cannot see is a
   * shortcut no one finds. Escape (cancel) stays a window binding, so that
   * dialogs and popovers get it first. */
  static const struct {
    const char *action;
    const char *accels[3];
  } shortcuts[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "app.preferences", { "<Control>comma", NULL } },
    { "win.help", { "F1", NULL } },
    { "win.show-help-overlay", { "<Control>question", NULL } },
    { "win.open-data", { "<Control>o", NULL } },
    { "win.open-model", { "<Control><Shift>o", NULL } },
    { "win.save-model", { "<Control>s", NULL } },
    { "win.export-results", { "<Control>e", NULL } },
    { "win.train", { "<Control>Return", "<Control>KP_Enter", NULL } },
  };

  G_APPLICATION_CLASS (healer_application_parent_class)->startup (app);

  for (guint i = 0; i < G_N_ELEMENTS (shortcuts); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), shortcuts[i].action,
                                           shortcuts[i].accels);

  self->settings = g_settings_new (APPLICATION_ID);
  g_signal_connect_object (self->settings, "changed::color-scheme",
                           G_CALLBACK (apply_color_scheme), self,
                           G_CONNECT_SWAPPED);
  apply_color_scheme (self);
  g_signal_connect_object (self->settings, "changed::chart-palette",
                           G_CALLBACK (apply_palette), self,
                           G_CONNECT_SWAPPED);
  apply_palette (self);
}

static void
healer_application_dispose (GObject *object)
{
  HealerApplication *self = (HealerApplication *)object;

  g_clear_object (&self->settings);

  G_OBJECT_CLASS (healer_application_parent_class)->dispose (object);
}

static void
healer_application_class_init (HealerApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = healer_application_dispose;

  app_class->activate = healer_application_activate;
  app_class->open = healer_application_open;
  app_class->startup = healer_application_startup;
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  GApplication *app = user_data;
  GList *windows;

  /* Closing through close-request lets each window ask about an unsaved
   * model or a running training instead of quitting under the user's feet.
   * Only the main windows: closing a question already asked would answer
   * it ("Keep Training"). A copy, since a window that closes at once
   * leaves the application's list. */
  windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (app)));
  for (GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (GList *l = windows; l != NULL; l = l->next)
    if (HEALER_IS_WINDOW (l->data))
      gtk_window_close (l->data);
  g_list_free_full (windows, g_object_unref);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  HealerApplication *self = user_data;
  static const char *developers[] = { "SystemHealer developers", NULL };
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  /* The troubleshooting section: the end of the program's log, which the
   * user can copy or save into a bug report. */
  g_autofree char *log_tail = healer_log_read_tail (64 * 1024);
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW,
                        "transient-for", window,
                        "application-name", _("SystemHealer"),
                        "application-icon", APPLICATION_ID,
                        "developer-name", _("SystemHealer developers"),
                        "version", PACKAGE_VERSION,
                        "comments", _("Diagnoses faults in distributed systems from their KPIs with a neural network, offline."),
                        "website", "https://github.com/systemhealer/systemhealer",
                        "issue-url", "https://github.com/systemhealer/systemhealer/issues",
                        "license-type", GTK_LICENSE_GPL_3_0,
                        "developers", developers,
                        /* Translators: put your names here, one per line. */
                        "translator-credits", _("translator-credits"),
                        "debug-info", log_tail != NULL ? log_tail : "",
                        "debug-info-filename", "systemhealer-log.txt",
                        NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  HealerApplication *self = user_data;
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  HealerPreferencesWindow *prefs = healer_preferences_window_new (window);

  gtk_window_present (GTK_WINDOW (prefs));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_action },
  { "about", about_action },
  { "preferences", preferences_action },
};

static void
healer_application_init (HealerApplication *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self),
                                   app_actions,
                                   G_N_ELEMENTS (app_actions),
                                   self);
}

HealerApplication *
healer_application_new (void)
{
  return g_object_new (HEALER_TYPE_APPLICATION,
                       "application-id", APPLICATION_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/io/github/systemhealer/SystemHealer",
                       NULL);
}
