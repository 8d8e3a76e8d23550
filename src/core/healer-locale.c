/* healer-locale.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-locale.h"

const char *
healer_locale_dir (void)
{
  static gsize dir_once;
  static char *dir;

  if (g_once_init_enter (&dir_once))
    {
      const char *env = g_getenv ("HEALER_LOCALEDIR");
      char *found;

      if (env != NULL && *env != '\0')
        found = g_strdup (env);
      else
        {
#ifdef G_OS_WIN32
          /* An MSYS2 or zip install can live anywhere: the prefix compiled
           * in is the build machine's, so find share/locale from the .exe. */
          g_autofree char *prefix = g_win32_get_package_installation_directory_of_module (NULL);

          found = g_build_filename (prefix, "share", "locale", NULL);
#else
          found = g_strdup (LOCALEDIR);
#endif
        }
      dir = found;
      g_once_init_leave (&dir_once, 1);
    }
  return dir;
}
