/* healer-memory.h — how much memory training needs, and whether the machine has it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "healer-dataset.h"
#include "healer-config.h"

G_BEGIN_DECLS

/* Largest transformed copy of the training rows kept for the whole run
 * (healer-trainer.c; counted by healer-memory.c): 16 MiB is 40,000 rows of
 * 100 columns, more than most KPI tables, and small next to the 1.5× the
 * table that training may take at a million rows. */
#define HEALER_TRAIN_CACHE_BYTES (16u << 20)

/* Memory the system could give this process now without swapping, in
 * bytes: MemAvailable of /proc/meminfo on Linux, the available physical
 * memory on Windows. Returns FALSE where it is not known (the check that
 * uses it is then skipped). The environment variable
 * HEALER_AVAILABLE_MEMORY (a number of bytes) overrides it, for tests. */
gboolean healer_memory_get_available (guint64 *bytes);

/* The memory this process has in RAM now (its resident set), in bytes:
 * /proc/self/statm on Linux. Returns FALSE where it is not known. */
gboolean healer_memory_get_resident  (guint64 *bytes);

/* Returns to the system the memory the C library keeps after it was freed.
 * glibc's malloc keeps freed blocks of its arenas (one per thread that
 * allocated) for reuse; after a big table, its chunks and diagnosis were
 * replaced, hundreds of megabytes can stay with the process, pinned by the
 * few small blocks still in use between them. malloc_trim() gives back
 * every free page; elsewhere this does nothing. Takes milliseconds: call it
 * after big data was let go, not in a loop. */
void     healer_memory_give_back     (void);

/* An upper estimate of the memory healer_train() allocates for @data and
 * @config beyond the table itself: the copies of rows the explanations may
 * make (with duplicates or a validation split), the transformed validation rows, per-row indices, the
 * networks of the ensemble with their optimiser state, and the workspaces.
 * Saturates at G_MAXUINT64. */
guint64  healer_train_estimate_memory (const HealerDataset     *data,
                                       const HealerTrainConfig *config);

/* Fails with HEALER_TRAIN_ERROR_TOO_LARGE, giving both figures, when the
 * estimate is larger than the available memory, so training refuses up
 * front instead of being killed by the system half way. */
gboolean healer_train_check_memory    (const HealerDataset     *data,
                                       const HealerTrainConfig *config,
                                       GError                 **error);

G_END_DECLS
