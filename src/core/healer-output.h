/* healer-output.h — streamed output that replaces its target only when complete
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Writes go to a temporary file in the target's folder; commit puts it in
 * the target's place in one rename, abort (or a failed commit) deletes it,
 * so a reader never sees a half-written file and a failed command leaves
 * nothing behind. On Linux the temporary file has no name until the commit
 * (O_TMPFILE), so not even SIGKILL can leave it behind; elsewhere it is a
 * hidden name beside the target, which healer_output_remove_temporaries()
 * deletes on a signal.
 *
 * SIGKILL cannot be caught, so two windows remain where it leaves a hidden
 * ".NAME.XXXXXXXX.part" beside the target (the target itself is always the
 * old file or the new one whole): on Linux, replacing an existing file,
 * between the linkat() that names the finished file and the rename() over
 * the target (no call links an unnamed file over an existing name); with
 * the named fallback, the whole write. A later run does not delete such
 * files: it cannot tell a leftover from the temporary file of another
 * process writing the same target at that moment (a second command, the
 * app, another machine on a network folder — where a process id means
 * nothing), and deleting that one would make its rename fail and lose its
 * output. A leftover is hidden, named after its target, and only ever
 * costs disk space; tests/test-atomic-save.c checks that each one holds a
 * prefix of a complete version.
 *
 * What the target is decides how it is written:
 * - "-" is standard output, written directly;
 * - a device, a FIFO or an open descriptor (/dev/stdout, /dev/fd/N,
 *   /proc/self/fd/N) is written in place, streamed, never replaced;
 * - a symbolic link stays: the file it points to is replaced;
 * - a regular file is replaced by a file with its permission bits (and,
 *   when allowed, its owner). */
typedef struct _HealerOutput HealerOutput;

HealerOutput *healer_output_open   (const char    *path,
                                    GError       **error);
gboolean      healer_output_write  (HealerOutput  *self,
                                    const char    *data,
                                    gsize          len,
                                    GError       **error);
gboolean      healer_output_printf (HealerOutput  *self,
                                    GError       **error,
                                    const char    *format,
                                    ...) G_GNUC_PRINTF (3, 4);
/* Writes what is buffered and flushes it to the target (standard output
 * included), so a reader of a pipe sees it now. */
gboolean      healer_output_flush  (HealerOutput  *self,
                                    GError       **error);
/* Appends @field as one CSV cell: quoted, with its quotes doubled, only
 * when it holds a comma, a quote or a line break. */
void          healer_csv_append_field  (GString     *line,
                                        const char  *field);
/* Appends @value formatted with the printf @format (one double
 * conversion, such as "%.6f"), in C notation whatever the locale: a German
 * desktop must not write "0,5" into a CSV file. */
void          healer_csv_append_double (GString     *line,
                                        const char  *format,
                                        double       value);
/* Appends @value as "%.6f" would, with the same rounding (to nearest, a tie
 * to even), but without printf for the probabilities of a diagnosis, which
 * are most of a large predict's output: 0 ≤ @value ≤ 1 are written here,
 * anything else by healer_csv_append_double. */
void          healer_csv_append_fixed6 (GString     *line,
                                        float        value);

/* Appends @value in decimal, as "%" G_GINT64_FORMAT would, without printf:
 * the labels and class ids of every row of a large predict. */
void          healer_csv_append_int    (GString     *line,
                                        gint64       value);

/* Both free @self. */
gboolean      healer_output_commit (HealerOutput  *self,
                                    GError       **error);
void          healer_output_abort  (HealerOutput  *self);

/* Open, write @contents, commit: a whole file in one call, with the same
 * guarantees. The error names @path, never a temporary file. */
gboolean      healer_output_set_contents (const char  *path,
                                          const char  *contents,
                                          gsize        length,
                                          GError     **error);

/* For a SIGINT or SIGTERM handler that ends the program: deletes the
 * temporary files of the outputs not committed yet. Async-signal-safe. */
void          healer_output_remove_temporaries (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerOutput, healer_output_abort)

G_END_DECLS
