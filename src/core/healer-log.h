/* healer-log.h — the program's own log: stderr as usual, and a size-bounded file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The current file is rotated to "NAME.log.1" (replacing the previous one)
 * when it would grow past this size, so the log never takes more than
 * twice this on disk. */
#define HEALER_LOG_MAX_SIZE (1024 * 1024)

/* Installs a GLib structured log writer that keeps the default behaviour
 * on stderr and also appends every message of level info or more severe
 * (debug too when G_MESSAGES_DEBUG enables it) to
 * $XDG_STATE_HOME/systemhealer/PROGRAM.log, one line per message:
 *
 *   2026-11-25T13:10:15.123Z WARNING Healer: message (file.c:123 function)
 *
 * with the other structured fields appended as KEY=value. Thread-safe.
 * Call once, early in main(); later calls do nothing. When the folder or
 * the file cannot be created, logging goes on to stderr only. */
void        healer_log_init      (const char *program);

/* Path of the current log file, or NULL before healer_log_init() or when
 * it could not be opened. */
const char *healer_log_get_path  (void);

/* The last @max_bytes (at most) of the log, older file included, cut at a
 * line start, valid UTF-8; NULL when there is no log file. For bug reports
 * and the About window's troubleshooting section. */
char       *healer_log_read_tail (gsize max_bytes);

G_END_DECLS
