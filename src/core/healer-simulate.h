/* healer-simulate.h — the built-in demo data: faults injected into a simulated cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "healer-dataset.h"

G_BEGIN_DECLS

#define HEALER_SIMULATE_MAX_NODES 1024

typedef struct
{
  gsize   n_samples;       /* default 1200 */
  guint   n_features;      /* default 107 (the real layout) */
  guint   n_classes;       /* default 6, at most 256; class 0 is "no fault" */
  guint   n_nodes;         /* default 8 nodes on a ring-with-chords topology */
  double  missing_rate;    /* fraction of empty cells, default 0.046 as in the real data */
  double  noise;           /* relative noise level, default 1.0 */
  guint64 seed;            /* default 1: which samples are drawn */
  guint64 cluster_seed;    /* default 1: the simulated cluster itself (topology, KPI
                            * baselines); files drawn with other seeds from the same
                            * cluster are new samples a model trained on one can diagnose */
} HealerSimulateConfig;

void           healer_simulate_config_init_default (HealerSimulateConfig *config);
/* Deterministic for a given configuration (all randomness is HealerRng).
 * Columns sample_id ("sim-000001"…), feature0…, label (0…n_classes-1,
 * balanced). Returns NULL (with a critical warning) for an invalid
 * configuration. */
HealerDataset *healer_simulate (const HealerSimulateConfig *config);

/* The same rows a chunk at a time, so a writer streams any number of them
 * in bounded memory (one byte per row for the shuffled classes): chunks of
 * healer_simulate_stream_next() concatenated are healer_simulate()'s table,
 * bit for bit. _new returns NULL for an invalid @config. */
typedef struct _HealerSimulateStream HealerSimulateStream;

HealerSimulateStream *healer_simulate_stream_new  (const HealerSimulateConfig *config);
/* Up to @max_rows (> 0) rows; a table of 0 rows at the end. */
HealerDataset        *healer_simulate_stream_next (HealerSimulateStream       *self,
                                                   gsize                       max_rows);
/* Cells so far whose value passed what a 32-bit float holds (extreme
 * --noise): written as the largest float, or 0, instead. */
gsize                 healer_simulate_stream_get_n_clamped (HealerSimulateStream *self);
void                  healer_simulate_stream_free (HealerSimulateStream       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerSimulateStream, healer_simulate_stream_free)
/* Indices of the features that carry the signature of @klass (for tests of
 * explanations), ascending: every column, on any node, of a KPI kind that the
 * fault shifts. @n_out entries; never NULL (class 0, "no fault", has none);
 * free with g_free. */
guint         *healer_simulate_informative_features (const HealerSimulateConfig *config,
                                                     guint                       klass,
                                                     guint                      *n_out);

G_END_DECLS
