/* healer-simulate.c — the built-in demo data: faults injected into a simulated cluster
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <float.h>
#include <math.h>

#include "healer-simulate.h"
#include "healer-rng.h"

/* The real KPI data may not be shipped, so the demo has to look like it to
 * the pipeline: a few hundred rows of 107 heavy-tailed KPIs spanning many
 * orders of magnitude, some constant columns, ~5% empty cells, balanced
 * classes. Faults are injected at one node of a small cluster and leak
 * weakly to its neighbours, so a class is a pattern over several columns
 * and a good classifier has to combine them. */

typedef enum
{
  HEALER_SIM_KIND_CPU,             /* CPU utilisation, % */
  HEALER_SIM_KIND_MEMORY,          /* resident memory, bytes */
  HEALER_SIM_KIND_IO_WAIT,         /* I/O wait, seconds per second */
  HEALER_SIM_KIND_LATENCY,         /* request latency, ms */
  HEALER_SIM_KIND_QPS,             /* queries per second */
  HEALER_SIM_KIND_CONNECTIONS,     /* open connections */
  HEALER_SIM_KIND_ERRORS,          /* errors per minute */
  HEALER_SIM_KIND_NET_BYTES,       /* cumulative network bytes */
  HEALER_SIM_KIND_LOCK_WAIT,       /* lock wait, seconds */
  HEALER_SIM_KIND_DISK_BYTES,      /* cumulative disk bytes */
  HEALER_SIM_KIND_CACHE_MISS,      /* cache miss ratio */
  HEALER_SIM_KIND_THREADS,         /* busy worker threads */
  HEALER_SIM_N_SIGNAL_KINDS,
  /* fillers, never touched by a fault: */
  /* signed counter delta (the real data has negatives) */
  HEALER_SIM_KIND_DELTA = HEALER_SIM_N_SIGNAL_KINDS,
  HEALER_SIM_KIND_LEVEL,           /* configuration value: a handful of distinct levels */
  HEALER_SIM_N_KINDS,
  HEALER_SIM_KIND_CONSTANT = HEALER_SIM_N_KINDS
} HealerSimKind;

typedef struct
{
  double log10_scale;   /* typical magnitude */
  double sigma;         /* log-normal spread (natural log) */
  double load;          /* coupling to the cluster load */
} HealerSimKindInfo;

static const HealerSimKindInfo healer_sim_kind_info[HEALER_SIM_N_KINDS] = {
  [HEALER_SIM_KIND_CPU]         = {  1.3, 0.35, 0.7 },
  [HEALER_SIM_KIND_MEMORY]      = {  9.6, 0.30, 0.2 },
  [HEALER_SIM_KIND_IO_WAIT]     = { -1.7, 0.80, 0.4 },
  [HEALER_SIM_KIND_LATENCY]     = {  0.7, 0.50, 0.3 },
  [HEALER_SIM_KIND_QPS]         = {  3.3, 0.50, 1.0 },
  [HEALER_SIM_KIND_CONNECTIONS] = {  2.2, 0.30, 0.8 },
  [HEALER_SIM_KIND_ERRORS]      = { -0.3, 1.20, 0.2 },
  [HEALER_SIM_KIND_NET_BYTES]   = { 11.5, 0.60, 1.0 },
  [HEALER_SIM_KIND_LOCK_WAIT]   = { -2.7, 1.00, 0.3 },
  [HEALER_SIM_KIND_DISK_BYTES]  = { 12.3, 0.60, 0.5 },
  [HEALER_SIM_KIND_CACHE_MISS]  = { -1.3, 0.40, 0.2 },
  [HEALER_SIM_KIND_THREADS]     = {  1.5, 0.40, 0.6 },
  [HEALER_SIM_KIND_DELTA]       = {  8.0, 1.50, 0.0 },
  [HEALER_SIM_KIND_LEVEL]       = {  3.0, 0.00, 0.0 },
};

#define HEALER_SIM_N_FAULTS 8
/* normal + every non-empty set of faults */
#define HEALER_SIM_MAX_CLASSES (1u << HEALER_SIM_N_FAULTS)

/* Signature of each fault: relative shift of log(value) on the faulty node,
 * per KPI kind (scaled by HEALER_SIM_FAULT_STRENGTH). */
static const double healer_sim_fault_shift[HEALER_SIM_N_FAULTS][HEALER_SIM_N_KINDS] = {
  /* CPU saturation */
  {
    [HEALER_SIM_KIND_CPU] = 1.0,
    [HEALER_SIM_KIND_LATENCY] = 0.4,
    [HEALER_SIM_KIND_QPS] = -0.3,
    [HEALER_SIM_KIND_THREADS] = 0.5 },
  /* memory leak */
  {
    [HEALER_SIM_KIND_MEMORY] = 0.7,
    [HEALER_SIM_KIND_CACHE_MISS] = 0.5,
    [HEALER_SIM_KIND_ERRORS] = 0.6 },
  /* disk I/O saturation */
  {
    [HEALER_SIM_KIND_IO_WAIT] = 1.2,
    [HEALER_SIM_KIND_DISK_BYTES] = 0.6,
    [HEALER_SIM_KIND_LATENCY] = 0.4 },
  /* network delay */
  {
    [HEALER_SIM_KIND_LATENCY] = 0.8,
    [HEALER_SIM_KIND_NET_BYTES] = -0.5,
    [HEALER_SIM_KIND_CONNECTIONS] = 0.4 },
  /* lock contention */
  {
    [HEALER_SIM_KIND_LOCK_WAIT] = 1.5,
    [HEALER_SIM_KIND_QPS] = -0.4,
    [HEALER_SIM_KIND_THREADS] = 0.6 },
  /* connection storm */
  {
    [HEALER_SIM_KIND_CONNECTIONS] = 0.9,
    [HEALER_SIM_KIND_CPU] = 0.3,
    [HEALER_SIM_KIND_ERRORS] = 0.8 },
  /* cache thrashing */
  {
    [HEALER_SIM_KIND_CACHE_MISS] = 1.0,
    [HEALER_SIM_KIND_IO_WAIT] = 0.5,
    [HEALER_SIM_KIND_DISK_BYTES] = 0.4 },
  /* error burst (bad deployment) */
  {
    [HEALER_SIM_KIND_ERRORS] = 1.6,
    [HEALER_SIM_KIND_QPS] = -0.3 },
};

/* How much of a fault a topology neighbour of the faulty node sees. */
#define HEALER_SIM_NEIGHBOUR_WEIGHT 0.3
/* Scales every signature. Calibrated with healer_train() and its default
 * configuration: about 0.90 accuracy on 1200 held-out rows after 1200
 * training rows (about 0.98 with the signed-log transform), 0.5-0.6 after
 * 50: learnable, but not trivially. */
#define HEALER_SIM_FAULT_STRENGTH 6.0

typedef struct
{
  guint    n_nodes;
  guint    n_features;
  guint   *node;        /* per feature */
  HealerSimKind *kind;        /* per feature */
  double  *log_base;    /* per feature */
  gboolean *adjacent;   /* n_nodes × n_nodes */
} HealerSimLayout;

static void
healer_sim_layout_free (HealerSimLayout *layout)
{
  g_free (layout->node);
  g_free (layout->kind);
  g_free (layout->log_base);
  g_free (layout->adjacent);
  g_free (layout);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerSimLayout, healer_sim_layout_free)

void
healer_simulate_config_init_default (HealerSimulateConfig *config)
{
  g_return_if_fail (config != NULL);

  config->n_samples = 1200;
  config->n_features = 107;
  config->n_classes = 6;
  config->n_nodes = 8;
  config->missing_rate = 0.046;
  config->noise = 1.0;
  config->seed = 1;
  config->cluster_seed = 1;
}

static gboolean
healer_sim_config_is_valid (const HealerSimulateConfig *config)
{
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (config->n_features >= 1, FALSE);
  g_return_val_if_fail (config->n_classes >= 1 && config->n_classes <= HEALER_SIM_MAX_CLASSES, FALSE);
  g_return_val_if_fail (config->n_nodes >= 1 && config->n_nodes <= HEALER_SIMULATE_MAX_NODES, FALSE);
  g_return_val_if_fail (config->n_features <= HEALER_CSV_MAX_COLUMNS, FALSE);
  g_return_val_if_fail (config->missing_rate >= 0.0 && config->missing_rate < 1.0, FALSE);
  g_return_val_if_fail (config->noise >= 0.0 && isfinite (config->noise), FALSE);
  g_return_val_if_fail (config->n_samples <= G_MAXSIZE / sizeof (float) / config->n_features, FALSE);
  return TRUE;
}

/* Class c ≥ 1 is the c-th non-empty set of fault types, single faults first,
 * so the default six classes are five distinct single faults. */
static guint
healer_sim_class_fault_mask (guint klass)
{
  guint seen = 0;

  if (klass == 0)
    return 0;
  for (guint bits = 1; bits <= HEALER_SIM_N_FAULTS; bits++)
    for (guint mask = 1; mask < HEALER_SIM_MAX_CLASSES; mask++)
      {
        guint pop = 0;

        for (guint m = mask; m != 0; m &= m - 1)
          pop++;
        if (pop == bits && ++seen == klass)
          return mask;
      }
  g_return_val_if_reached (0);
}

static double
healer_sim_class_shift (guint mask,
             HealerSimKind kind)
{
  double shift = 0.0;

  if (kind >= HEALER_SIM_N_KINDS)
    return 0.0;
  for (guint t = 0; t < HEALER_SIM_N_FAULTS; t++)
    if (mask & (1u << t))
      shift += healer_sim_fault_shift[t][kind];
  return shift;
}

static guint
healer_sim_constant_feature_count (guint n_features)
{
  /* The real data has three constant columns out of 107. */
  return n_features >= 20 ? MAX (1, n_features / 36) : 0;
}

static HealerSimLayout *
healer_sim_layout_new (const HealerSimulateConfig *config)
{
  g_autoptr(HealerSimLayout) layout = g_new0 (HealerSimLayout, 1);
  g_autofree gsize *order = NULL;
  guint n = config->n_nodes;
  guint nf = config->n_features;
  guint n_constant = healer_sim_constant_feature_count (nf);
  HealerRng rng;

  /* Its own stream, so the layout does not depend on n_samples. */
  healer_rng_init (&rng, config->cluster_seed ^ G_GUINT64_CONSTANT (0x746F706F6C6F6779));

  layout->n_nodes = n;
  layout->n_features = nf;
  layout->node = g_new (guint, nf);
  layout->kind = g_new (HealerSimKind, nf);
  layout->log_base = g_new (double, nf);
  layout->adjacent = g_new0 (gboolean, (gsize) n * n);

  /* A ring with a few chords. */
  for (guint i = 0; n > 1 && i < n; i++)
    {
      guint j = (i + 1) % n;

      layout->adjacent[i * n + j] = layout->adjacent[j * n + i] = TRUE;
    }
  for (guint c = 0; n > 3 && c < MAX (1, n / 4); c++)
    {
      guint a = healer_rng_below (&rng, n);
      guint b = (a + 2 + healer_rng_below (&rng, n - 3)) % n;

      layout->adjacent[a * n + b] = layout->adjacent[b * n + a] = TRUE;
    }

  /* Every node gets one KPI of each signal kind while there are columns
   * for it, fillers take the rest; the columns are shuffled
   * so that neither node nor kind can be read off the column index. */
  order = g_new (gsize, nf);
  for (guint j = 0; j < nf; j++)
    order[j] = j;
  healer_rng_shuffle (&rng, order, nf);
  for (guint slot = 0; slot < nf; slot++)
    {
      guint j = order[slot];

      layout->node[j] = slot % n;
      if (slot >= nf - n_constant)
        layout->kind[j] = HEALER_SIM_KIND_CONSTANT;
      else if (slot < HEALER_SIM_N_SIGNAL_KINDS * n)
        layout->kind[j] = (HealerSimKind) (slot / n);
      else
        layout->kind[j] = (slot / n) % 2 ? HEALER_SIM_KIND_LEVEL : HEALER_SIM_KIND_DELTA;
    }
  for (guint j = 0; j < nf; j++)
    {
      double spread = 2.0 * healer_rng_uniform (&rng) - 1.0;

      if (layout->kind[j] == HEALER_SIM_KIND_CONSTANT)
        layout->log_base[j] = 0.0;
      else
        layout->log_base[j] = G_LN10 * (healer_sim_kind_info[layout->kind[j]].log10_scale + spread);
    }

  return g_steal_pointer (&layout);
}

static float
healer_sim_value (const HealerSimLayout *layout,
           guint            j,
           double           log_shift,
           HealerRng       *rng,
           gsize           *n_clamped)
{
  HealerSimKind kind = layout->kind[j];
  double v;

  if (kind == HEALER_SIM_KIND_CONSTANT)
    return 0.0f;
  if (kind == HEALER_SIM_KIND_LEVEL)
    return (float) (exp (layout->log_base[j]) * (1 + healer_rng_below (rng, 4)));

  v = exp (layout->log_base[j] + log_shift);
  /* Extreme --noise must not write a cell the reader refuses: no infinity,
   * no subnormal; the largest float, or 0, instead. */
  if (!(v <= FLT_MAX))
    {
      v = FLT_MAX;
      (*n_clamped)++;
    }
  else if (v < FLT_MIN)
    {
      v = 0.0;
      (*n_clamped)++;
    }
  if (kind == HEALER_SIM_KIND_DELTA && healer_rng_uniform (rng) < 0.3)
    v = -v;
  return (float) v;
}

static void
healer_sim_row (const HealerSimulateConfig *config,
         const HealerSimLayout            *layout,
         guint                       klass,
         HealerRng                  *rng,
         double                     *node_load,
         float                      *row,
         gsize                      *n_clamped)
{
  guint mask = healer_sim_class_fault_mask (klass);
  guint faulty = healer_rng_below (rng, layout->n_nodes);
  double severity = 0.5 + healer_rng_uniform (rng);
  double load = 0.3 * healer_rng_normal (rng);
  double row_missing;

  for (guint i = 0; i < layout->n_nodes; i++)
    node_load[i] = load + 0.15 * healer_rng_normal (rng);

  /* Missing cells come in bursts: one row in ten loses three times as many. */
  row_missing = healer_rng_uniform (rng) < 0.1 ? 3.0 : (1.0 - 0.3) / 0.9;
  row_missing = MIN (1.0, row_missing * config->missing_rate);

  for (guint j = 0; j < layout->n_features; j++)
    {
      HealerSimKind kind = layout->kind[j];
      guint node = layout->node[j];
      double shift = 0.0;
      double weight = 0.0;
      double noise = healer_rng_normal (rng);
      gboolean missing = healer_rng_uniform (rng) < row_missing;

      if (node == faulty)
        weight = 1.0;
      else if (layout->adjacent[faulty * layout->n_nodes + node])
        weight = HEALER_SIM_NEIGHBOUR_WEIGHT;
      if (kind < HEALER_SIM_N_KINDS)
        shift = healer_sim_kind_info[kind].load * node_load[node]
                + healer_sim_kind_info[kind].sigma * config->noise * noise
                + weight * severity * HEALER_SIM_FAULT_STRENGTH * healer_sim_class_shift (mask, kind);

      row[j] = missing ? NAN : healer_sim_value (layout, j, shift, rng, n_clamped);
    }
}

G_STATIC_ASSERT (HEALER_SIM_MAX_CLASSES <= 256);   /* a class in a guint8 */

struct _HealerSimulateStream
{
  HealerSimulateConfig  config;
  HealerSimLayout      *layout;
  GPtrArray            *names;
  guint8               *classes;   /* n_samples, shuffled */
  double               *node_load;
  HealerRng             rng;
  gsize                 next;
  gsize                 n_clamped;
};

HealerSimulateStream *
healer_simulate_stream_new (const HealerSimulateConfig *config)
{
  HealerSimulateStream *self;

  if (!healer_sim_config_is_valid (config))
    return NULL;

  self = g_new0 (HealerSimulateStream, 1);
  self->config = *config;
  self->layout = healer_sim_layout_new (config);
  self->names = g_ptr_array_new_with_free_func (g_free);
  for (guint j = 0; j < config->n_features; j++)
    g_ptr_array_add (self->names, g_strdup_printf ("feature%u", j));
  g_ptr_array_add (self->names, NULL);

  healer_rng_init (&self->rng, config->seed);

  /* Balanced classes: round-robin, then shuffled — the draws of
   * healer_rng_shuffle, on one byte per row instead of a gsize (the only
   * memory that grows with the rows; at most 256 classes). */
  self->classes = g_new (guint8, MAX (config->n_samples, 1));
  for (gsize i = 0; i < config->n_samples; i++)
    self->classes[i] = (guint8) (i % config->n_classes);
  for (gsize i = config->n_samples; i > 1; i--)
    {
      gsize j = healer_rng_below (&self->rng, i);
      guint8 tmp = self->classes[i - 1];

      self->classes[i - 1] = self->classes[j];
      self->classes[j] = tmp;
    }

  self->node_load = g_new (double, config->n_nodes);
  return self;
}

HealerDataset *
healer_simulate_stream_next (HealerSimulateStream *self,
                             gsize                 max_rows)
{
  g_autoptr(HealerDataset) data = NULL;
  gsize n;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (max_rows > 0, NULL);

  n = MIN (max_rows, self->config.n_samples - self->next);
  data = healer_dataset_new ((const char * const *) self->names->pdata, n, TRUE, TRUE);
  for (gsize i = 0; i < n; i++, self->next++)
    {
      char id[32];

      g_snprintf (id, sizeof id, "sim-%06" G_GSIZE_FORMAT, self->next + 1);
      healer_dataset_set_sample_id (data, i, id);
      data->labels[i] = (gint32) self->classes[self->next];
      healer_sim_row (&self->config, self->layout, self->classes[self->next], &self->rng,
                      self->node_load, data->x + i * self->config.n_features, &self->n_clamped);
    }
  return g_steal_pointer (&data);
}

gsize
healer_simulate_stream_get_n_clamped (HealerSimulateStream *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->n_clamped;
}

void
healer_simulate_stream_free (HealerSimulateStream *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->layout, healer_sim_layout_free);
  g_ptr_array_unref (self->names);
  g_free (self->classes);
  g_free (self->node_load);
  g_free (self);
}

HealerDataset *
healer_simulate (const HealerSimulateConfig *config)
{
  g_autoptr(HealerSimulateStream) stream = healer_simulate_stream_new (config);

  if (stream == NULL)
    return NULL;
  return healer_simulate_stream_next (stream, MAX (config->n_samples, 1));
}

guint *
healer_simulate_informative_features (const HealerSimulateConfig *config,
                                      guint                       klass,
                                      guint                      *n_out)
{
  g_autoptr(HealerSimLayout) layout = NULL;
  g_autoptr(GArray) out = NULL;
  guint mask;

  g_return_val_if_fail (n_out != NULL, NULL);
  *n_out = 0;
  if (!healer_sim_config_is_valid (config))
    return NULL;
  g_return_val_if_fail (klass < config->n_classes, NULL);

  layout = healer_sim_layout_new (config);
  mask = healer_sim_class_fault_mask (klass);
  out = g_array_new (FALSE, FALSE, sizeof (guint));
  for (guint j = 0; j < config->n_features; j++)
    if (healer_sim_class_shift (mask, layout->kind[j]) != 0.0)
      g_array_append_val (out, j);

  *n_out = out->len;
  /* Never NULL, even for the normal class, which has no signature. */
  g_array_set_size (out, out->len + 1);
  return (guint *) g_array_free (g_steal_pointer (&out), FALSE);
}
