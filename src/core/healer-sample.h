/* healer-sample.h — a bounded, seeded sample of the rows of a CSV file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "healer-dataset.h"
#include "healer-model.h"

G_BEGIN_DECLS

/* Reads @path in chunks and keeps every row when it has at most @max_rows,
 * otherwise a uniform sample of @max_rows of them (reservoir sampling,
 * deterministic in @seed), so memory stays bounded whatever the file size.
 * The rows come back aligned to @model's inputs (see healer_model_align),
 * in file order, and *@rows receives their 0-based row numbers in the file
 * (g_free() it). @progress_permille, when not NULL, receives the share of
 * the file read so far in thousandths, with g_atomic_int_set() after each
 * chunk, so another thread can poll it. Errors are located as the reader's;
 * G_IO_ERROR_CANCELLED when @cancellable fires. */
HealerDataset *healer_sample_file (const HealerModel *model,
                                   const char        *path,
                                   gsize              max_rows,
                                   guint64            seed,
                                   gsize            **rows,
                                   gint              *progress_permille,
                                   GCancellable      *cancellable,
                                   GError           **error);

G_END_DECLS
