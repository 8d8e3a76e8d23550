/* healer-enum.c — the names of the engine's enumerations, from their GEnum types
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "healer-enum.h"

const char *
healer_enum_to_nick (GType type,
                     int   value)
{
  GEnumClass *klass;
  GEnumValue *v;

  g_return_val_if_fail (G_TYPE_IS_ENUM (type), NULL);

  /* The nicks are static data of the generated type, so they outlive the
   * class reference. */
  klass = g_type_class_ref (type);
  v = g_enum_get_value (klass, value);
  g_type_class_unref (klass);
  return v != NULL ? v->value_nick : NULL;
}

gboolean
healer_enum_from_nick (GType       type,
                       const char *str,
                       gboolean    any_case,
                       int        *value)
{
  GEnumClass *klass;
  gboolean found = FALSE;

  g_return_val_if_fail (G_TYPE_IS_ENUM (type), FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (str == NULL)
    return FALSE;
  klass = g_type_class_ref (type);
  for (guint i = 0; i < klass->n_values && !found; i++)
    {
      const char *nick = klass->values[i].value_nick;

      if (any_case ? g_ascii_strcasecmp (str, nick) == 0 : strcmp (str, nick) == 0)
        {
          *value = klass->values[i].value;
          found = TRUE;
        }
    }
  g_type_class_unref (klass);
  return found;
}
