/* healer-text.h — text from files, made safe to show
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A copy of @text (@len bytes, or -1 for NUL-terminated) that a terminal
 * shows as it is: names from model and CSV files (classes, KPIs, sample
 * ids) may hold escape sequences that would recolour, retitle or rewrite
 * the screen. C0 and C1 control characters, DEL, invalid UTF-8 bytes, the
 * bidirectional overrides and line separators are written as \xNN or
 * \uNNNN, and a backslash as \\, so that the escaped text is unambiguous.
 * With @message (a whole message, which quotes names), backslashes
 * (Windows paths) pass; line breaks and tabs do not, since no message has
 * them of its own and a name's would forge a line. */
char *healer_text_escape (const char *text,
                          gssize      len,
                          gboolean    message);

/* Whether @text needs healer_text_escape() at all. */
gboolean healer_text_is_plain (const char *text);

G_END_DECLS
