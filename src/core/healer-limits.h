/* healer-limits.h — every bound a model file is read within, in one place
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The loader refuses a file past any of these (a hostile file must not make
 * us allocate without limit), so the CSV reader and the trainer's
 * validation check the same numbers before work starts: whatever `train`
 * writes, `info` reads back. A limit changes here or nowhere.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* CSV input (the header's names become the model's KPI names). */
#define HEALER_CSV_MAX_LINE     (4 * 1024 * 1024)  /* bytes in one physical line */
#define HEALER_CSV_MAX_COLUMNS  65536
#define HEALER_CSV_MAX_FIELD    4096               /* bytes in one cell */
#define HEALER_LABEL_MAX        9999               /* largest accepted class id */

/* The network the trainer builds. */
#define HEALER_MAX_HIDDEN_LAYERS 16
#define HEALER_MAX_HIDDEN_WIDTH  65536   /* units in one hidden layer */
#define HEALER_MAX_ENSEMBLE      64

/* The model file. */
#define HEALER_MODEL_MAX_FILE_SIZE  (512u * 1024 * 1024)
/* Parameters of all the ensemble's networks together. Stored as base64
 * floats (4/3 bytes of text per byte), the most a file can hold is 358 MB,
 * inside HEALER_MODEL_MAX_FILE_SIZE. */
#define HEALER_MODEL_MAX_PARAMS     (64u * 1024 * 1024)
#define HEALER_MODEL_MAX_FEATURES   HEALER_CSV_MAX_COLUMNS
#define HEALER_MODEL_MAX_CLASSES    1000
#define HEALER_MODEL_MAX_SIZES      (HEALER_MAX_HIDDEN_LAYERS + 2)
#define HEALER_MODEL_MAX_MEMBERS    256
#define HEALER_MODEL_MAX_EPOCHS     1000000   /* entries of the training history */
#define HEALER_MODEL_MAX_STRING     65536     /* bytes in a name */
/* No weight or bias beyond ±this: the trainer stops a member whose
 * parameters grow past it as diverged, and the loader refuses a file that
 * holds one — finite, but not what any training run writes. */
#define HEALER_MODEL_MAX_WEIGHT     1e9

G_STATIC_ASSERT (HEALER_MAX_ENSEMBLE <= HEALER_MODEL_MAX_MEMBERS);
G_STATIC_ASSERT (HEALER_CSV_MAX_FIELD <= HEALER_MODEL_MAX_STRING);
G_STATIC_ASSERT ((guint64) HEALER_MODEL_MAX_PARAMS * 4 / 3 + 4 < HEALER_MODEL_MAX_FILE_SIZE);

G_END_DECLS
