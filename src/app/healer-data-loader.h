/* healer-data-loader.h — reading a CSV file or making the demo data, on a worker
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "healer-dataset.h"
#include "healer-stats.h"

G_BEGIN_DECLS

typedef struct
{
  HealerDataset *dataset;
  HealerStats   *stats;
  GFile         *file;        /* NULL for the demo data */
  guint64        bytes;       /* size of the file read, 0 for the demo */
  gint64         elapsed_us;  /* reading and checking, on the worker */
} HealerDataLoad;

/* Called in the caller's main context, at most once per idle: @done of
 * @total bytes (@total 0 when unknown, as for the demo), @checking once the
 * rows are in and the figures are being computed. */
typedef void (*HealerDataLoadProgress) (guint64   done,
                                        guint64   total,
                                        gboolean  checking,
                                        gpointer  user_data);

/* Loads @file (or, when @file is NULL, simulates @demo_samples samples of
 * the demo cluster) and computes its figures. @progress_data must stay
 * alive until the callback runs; pass it as @source_object to be sure.
 * Errors are HEALER_DATASET_ERROR with "FILE:LINE:COLUMN: …" messages, or
 * G_IO_ERROR_CANCELLED. */
void            healer_data_load_async  (gpointer                source_object,
                                         GFile                  *file,
                                         gsize                   demo_samples,
                                         GCancellable           *cancellable,
                                         HealerDataLoadProgress  progress,
                                         gpointer                progress_data,
                                         GAsyncReadyCallback     callback,
                                         gpointer                user_data);
/* Stops the progress reports too. */
HealerDataLoad *healer_data_load_finish (GAsyncResult           *result,
                                         GError                **error);
void            healer_data_load_free   (HealerDataLoad         *load);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerDataLoad, healer_data_load_free)

G_END_DECLS
