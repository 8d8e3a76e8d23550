/* healer-text.c — text from files, made safe to show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "healer-text.h"

/* Characters that are printable but reorder or break what follows:
 * Trojan-source bidi controls and the Unicode line separators. */
static gboolean
healer_text_is_invisible (gunichar c)
{
  return (c >= 0x200E && c <= 0x200F) || (c >= 0x2028 && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

static gboolean
healer_text_needs_escape (gunichar c,
                          gboolean message)
{
  if (message && c == '\\')
    return FALSE;
  return c < 0x20 || c == 0x7F || (c >= 0x80 && c <= 0x9F) || c == '\\' ||
         healer_text_is_invisible (c);
}

char *
healer_text_escape (const char *text,
                    gssize      len,
                    gboolean    message)
{
  GString *out;
  const char *p, *end;

  g_return_val_if_fail (text != NULL || len == 0, NULL);

  if (len < 0)
    len = (gssize) strlen (text);
  out = g_string_sized_new ((gsize) len + 8);
  p = text;
  end = text + len;
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Not UTF-8: the byte itself, visibly. */
          g_string_append_printf (out, "\\x%02X", (guint) (guchar) *p);
          p++;
          continue;
        }
      if (!healer_text_needs_escape (c, message))
        g_string_append_len (out, p, g_utf8_next_char (p) - p);
      else if (c == '\\')
        g_string_append (out, "\\\\");
      else if (c < 0x80)
        g_string_append_printf (out, "\\x%02X", c);
      else
        g_string_append_printf (out, "\\u%04X", c);
      p = g_utf8_next_char (p);
    }
  return g_string_free (out, FALSE);
}

gboolean
healer_text_is_plain (const char *text)
{
  const char *end;

  g_return_val_if_fail (text != NULL, TRUE);

  if (!g_utf8_validate (text, -1, &end))
    return FALSE;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    if (healer_text_needs_escape (g_utf8_get_char (p), FALSE))
      return FALSE;
  return TRUE;
}
