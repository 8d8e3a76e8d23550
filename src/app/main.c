/* main.c — the SystemHealer desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#ifdef G_OS_WIN32
#include <windows.h>
#endif

#include "healer-application.h"
#include "healer-locale.h"
#include "healer-log.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HealerApplication) app = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  GSettingsSchemaSource *schemas;

  setlocale (LC_ALL, "");
  /* HEALER_LOCALEDIR lets the tests (and an uninstalled build) use the
   * catalogue from the build tree; see healer_locale_dir(). */
  bindtextdomain (GETTEXT_PACKAGE, healer_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  healer_log_init ("systemhealer");

  g_set_application_name (_("SystemHealer"));

  /* GSettings aborts the program when its schema is missing — on Windows a
   * silent crash (exit 133) when the app is started from the build tree.
   * Say what is missing instead. */
  schemas = g_settings_schema_source_get_default ();
  schema = schemas != NULL ? g_settings_schema_source_lookup (schemas, APPLICATION_ID, TRUE) : NULL;
  if (schema == NULL)
    {
      g_autofree char *message =
        g_strdup_printf (_("SystemHealer cannot start: its settings schema, %s, is not installed. "
                           "Start the installed program, or set GSETTINGS_SCHEMA_DIR to the folder "
                           "that holds the compiled schema (data/ in the build folder).\n"),
                         APPLICATION_ID);

      g_printerr ("%s", message);
#ifdef G_OS_WIN32
      /* A Windows GUI program has no console: stderr alone would leave the
       * user with nothing on the screen. */
      {
        g_autofree gunichar2 *text = g_utf8_to_utf16 (message, -1, NULL, NULL, NULL);
        g_autofree gunichar2 *title = g_utf8_to_utf16 (_("SystemHealer"), -1, NULL, NULL, NULL);

        if (text != NULL && title != NULL)
          MessageBoxW (NULL, text, title, MB_OK | MB_ICONERROR);
      }
#endif
      return 1;
    }

  app = healer_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
