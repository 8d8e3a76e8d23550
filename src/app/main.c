/* main.c — the SystemHealer desktop application
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "healer-application.h"
#include "healer-locale.h"
#include "healer-log.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(HealerApplication) app = NULL;

  setlocale (LC_ALL, "");
  /* HEALER_LOCALEDIR lets the tests (and an uninstalled build) use the
   * catalogue from the build tree; see healer_locale_dir(). */
  bindtextdomain (GETTEXT_PACKAGE, healer_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  healer_log_init ("systemhealer");

  g_set_application_name (_("SystemHealer"));

  app = healer_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
