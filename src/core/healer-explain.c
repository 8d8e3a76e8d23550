/* healer-explain.c — fault signatures and permutation importance, computed after training
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "healer-explain-private.h"
#include "healer-metrics.h"
#include "healer-rng.h"
#include "healer-split.h"

/* Mixed into the training seed so the permutations are not a stream the
 * trainer drew from. */
#define HEALER_EXPLAIN_SALT  G_GUINT64_CONSTANT (0x4578706c61696e21)
/* Fewer observed values than this in a class (or in the rest) leave its
 * effect undefined rather than an accident of one or two samples. */
#define HEALER_EXPLAIN_MIN_GROUP 2

static gsize
healer_explain_map_labels (const HealerModel   *model,
                           const HealerDataset *data,
                           guint               *y)
{
  g_autoptr(GHashTable) index = g_hash_table_new (g_direct_hash, g_direct_equal);
  gsize n_known = 0;

  for (guint k = 0; k < model->n_classes; k++)
    g_hash_table_insert (index, GINT_TO_POINTER (model->class_ids[k]), GUINT_TO_POINTER (k + 1));
  for (gsize i = 0; i < data->n_rows; i++)
    {
      guint k = data->labels != NULL
                ? GPOINTER_TO_UINT (g_hash_table_lookup (index, GINT_TO_POINTER (data->labels[i])))
                : 0;

      y[i] = k > 0 ? k - 1 : G_MAXUINT;
      n_known += k > 0;
    }
  return n_known;
}

static int
healer_compare_sizes (gconstpointer a,
                      gconstpointer b)
{
  gsize ia = *(const gsize *) a, ib = *(const gsize *) b;

  return (ia > ib) - (ia < ib);
}

static gboolean
healer_rows_are_identity (const GArray *rows,
                          gsize         n)
{
  if (rows->len != n)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (g_array_index (rows, gsize, i) != i)
      return FALSE;
  return TRUE;
}

/* Rows of @data with a known class, at most @cap of them (a seeded sample,
 * in row order, when there are more). */
static GArray *
healer_explain_pick_rows (const guint *y,
                          gsize        n,
                          gsize        cap,
                          HealerRng   *rng)
{
  GArray *rows = g_array_new (FALSE, FALSE, sizeof (gsize));

  for (gsize i = 0; i < n; i++)
    if (y[i] != G_MAXUINT)
      g_array_append_val (rows, i);
  if (rows->len > cap)
    {
      gsize *v = (gsize *) (gpointer) rows->data;

      healer_rng_shuffle (rng, v, rows->len);
      g_array_set_size (rows, cap);
      g_array_sort (rows, healer_compare_sizes);
    }
  return rows;
}

/* ---- fault signatures ---- */

/* Why Cliff's delta: real KPIs span 1e-3…1e15 with heavy tails, so a mean
 * and a standard deviation (Cohen's d) are set by a handful of extreme rows,
 * and even on signed-log values they depend on the transform. Cliff's delta
 * only uses the order of the values: it is the same on the raw and on any
 * transformed scale, bounded in [−1, 1], and reads as a probability (how
 * much more often a row of the class lies above a row of another class than
 * below it). Missing cells are left out pairwise: a KPI's effect uses the
 * rows where it was measured. */

/* Sorting dominates, and the end of a training run (a cancelled one too)
 * must stay quick on large tables: the values are sorted as 32-bit keys
 * whose unsigned order is the order of the floats, by an LSD radix sort
 * (four stable byte passes) rather than a comparison sort. Each 64-bit
 * item carries its key in the upper half and its class in the lower. */
static guint32
healer_float_key (float x)
{
  guint32 u;

  memcpy (&u, &x, sizeof u);
  return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
}

static float
healer_key_float (guint32 key)
{
  guint32 u = (key & 0x80000000u) ? (key & 0x7fffffffu) : ~key;
  float x;

  memcpy (&x, &u, sizeof x);
  return x;
}

/* Sorts @v (@n items) by their upper 32 bits; @tmp holds @n items. */
static void
healer_radix_sort (guint64 *v,
                   guint64 *tmp,
                   gsize    n)
{
  for (guint shift = 32; shift < 64; shift += 8)
    {
      gsize count[257] = { 0 };

      for (gsize i = 0; i < n; i++)
        count[((v[i] >> shift) & 0xff) + 1]++;
      for (guint b = 0; b < 256; b++)
        count[b + 1] += count[b];
      for (gsize i = 0; i < n; i++)
        tmp[count[(v[i] >> shift) & 0xff]++] = v[i];
      /* An even number of passes: the result ends up back in @v. */
      memcpy (v, tmp, n * sizeof *v);
    }
}

typedef struct
{
  guint     n_classes;
  guint64  *items;       /* n_rows: key << 32 | class */
  guint64  *tmp;         /* n_rows */
  double   *rank_sum;    /* n_classes */
  gsize    *count;       /* n_classes */
  double   *effect;      /* n_classes, NAN when undefined */
} HealerEffectWork;

/* Cliff's delta of every class against the rest for column @j, from the
 * Mann-Whitney U of the class: δ = 2U / (n₁n₂) − 1, ties at mid-ranks. */
static void
healer_column_effects (HealerEffectWork    *w,
                       const HealerDataset *data,
                       const gsize         *rows,
                       gsize                n_rows,
                       const guint         *y,
                       guint                j)
{
  gsize m = 0;

  for (gsize i = 0; i < n_rows; i++)
    {
      float x = healer_dataset_row (data, rows[i])[j];

      if (isfinite (x))
        w->items[m++] = (guint64) healer_float_key (x) << 32 | y[rows[i]];
    }
  healer_radix_sort (w->items, w->tmp, m);

  memset (w->rank_sum, 0, w->n_classes * sizeof (double));
  memset (w->count, 0, w->n_classes * sizeof (gsize));
  for (gsize a = 0, b; a < m; a = b)
    {
      /* Compared as floats, so −0 and +0 (adjacent keys) tie. */
      float v = healer_key_float ((guint32) (w->items[a] >> 32));
      double rank;

      for (b = a + 1; b < m && healer_key_float ((guint32) (w->items[b] >> 32)) == v; b++)
        ;
      rank = ((double) a + 1.0 + (double) b) / 2.0;
      for (gsize k = a; k < b; k++)
        {
          guint c = (guint) (w->items[k] & 0xffffffffu);

          w->rank_sum[c] += rank;
          w->count[c]++;
        }
    }

  for (guint c = 0; c < w->n_classes; c++)
    {
      double n1 = (double) w->count[c], n2 = (double) (m - w->count[c]);
      double u;

      if (w->count[c] < HEALER_EXPLAIN_MIN_GROUP || m - w->count[c] < HEALER_EXPLAIN_MIN_GROUP)
        {
          w->effect[c] = NAN;
          continue;
        }
      u = w->rank_sum[c] - n1 * (n1 + 1.0) / 2.0;
      w->effect[c] = CLAMP (2.0 * u / (n1 * n2) - 1.0, -1.0, 1.0);
    }
}

/* Inserts (@feature, @effect) into @sig, kept sorted by |effect| (then by
 * feature, which arrives in increasing order) and at most @cap long. */
static void
healer_signature_offer (HealerSignature *sig,
                        guint            cap,
                        guint            feature,
                        double           effect)
{
  guint pos = sig->n_entries;

  if (!isfinite (effect) || effect == 0.0)
    return;
  while (pos > 0 && fabs (sig->entries[pos - 1].effect) < fabs (effect))
    pos--;
  if (pos >= cap)
    return;
  if (sig->n_entries < cap)
    sig->n_entries++;
  memmove (sig->entries + pos + 1, sig->entries + pos,
           (sig->n_entries - 1 - pos) * sizeof (HealerSignatureEntry));
  sig->entries[pos] = (HealerSignatureEntry) { .feature = feature, .effect = effect };
}

/* Median (mean of the middle two) of @n keyed values; sorts @v. */
static double
healer_median_of (guint64 *v,
                  guint64 *tmp,
                  gsize    n)
{
  if (n == 0)
    return NAN;
  healer_radix_sort (v, tmp, n);
  return ((double) healer_key_float ((guint32) (v[(n - 1) / 2] >> 32)) +
          (double) healer_key_float ((guint32) (v[n / 2] >> 32))) / 2.0;
}

/* Medians of the class and of the rest for the KPIs kept in @sig; @in and
 * @out hold n_rows items each. */
static void
healer_signature_medians (HealerSignature     *sig,
                          guint                klass,
                          const HealerDataset *data,
                          const gsize         *rows,
                          gsize                n_rows,
                          const guint         *y,
                          HealerEffectWork    *w,
                          guint64             *in)
{
  guint64 *out = w->items;

  for (guint e = 0; e < sig->n_entries; e++)
    {
      guint j = sig->entries[e].feature;
      gsize n_in = 0, n_out = 0;

      for (gsize i = 0; i < n_rows; i++)
        {
          float x = healer_dataset_row (data, rows[i])[j];

          if (!isfinite (x))
            continue;
          if (y[rows[i]] == klass)
            in[n_in++] = (guint64) healer_float_key (x) << 32;
          else
            out[n_out++] = (guint64) healer_float_key (x) << 32;
        }
      sig->entries[e].median_class = healer_median_of (in, w->tmp, n_in);
      sig->entries[e].median_rest = healer_median_of (out, w->tmp, n_out);
    }
}

static HealerSignature *
healer_compute_signatures (const HealerModel   *model,
                           const HealerDataset *train,
                           const guint         *y,
                           const gsize         *rows,
                           gsize                n_rows)
{
  guint n_classes = model->n_classes;
  guint n_input = model->preprocessor->n_input;
  guint cap = MIN (HEALER_EXPLAIN_SIGNATURE_TOP, n_input);
  HealerSignature *sigs = g_new0 (HealerSignature, n_classes);
  g_autofree guint64 *in = g_new (guint64, MAX (n_rows, 1));
  HealerEffectWork w = { 0 };

  w.n_classes = n_classes;
  w.items = g_new (guint64, MAX (n_rows, 1));
  w.tmp = g_new (guint64, MAX (n_rows, 1));
  w.rank_sum = g_new (double, n_classes);
  w.count = g_new (gsize, n_classes);
  w.effect = g_new (double, n_classes);
  for (guint c = 0; c < n_classes; c++)
    sigs[c].entries = g_new0 (HealerSignatureEntry, MAX (cap, 1));

  for (guint j = 0; j < n_input; j++)
    {
      healer_column_effects (&w, train, rows, n_rows, y, j);
      for (guint c = 0; c < n_classes; c++)
        healer_signature_offer (&sigs[c], cap, j, w.effect[c]);
    }
  for (guint c = 0; c < n_classes; c++)
    healer_signature_medians (&sigs[c], c, train, rows, n_rows, y, &w, in);

  g_free (w.items);
  g_free (w.tmp);
  g_free (w.rank_sum);
  g_free (w.count);
  g_free (w.effect);
  return sigs;
}

/* ---- permutation importance ---- */

/* Permuting one raw column changes only the network inputs computed from
 * it (its value, its PLE bins, its missing indicator) and, through them,
 * only the first layer's sums. So the rows are preprocessed and the first
 * layer's sums computed once; a permuted column then costs an update of
 * those sums (old contribution out, permuted one in) and the layers above,
 * instead of the whole pipeline over every column: linear in the number of
 * columns where the full rerun was quadratic (62 s for 20 rows × 20,000
 * KPIs). The update rounds differently from a full sum, so the figures
 * equal the full rerun's to rounding (a row on a near-tie may flip).
 * The sums of every member are kept for all the rows; past this size, or
 * when a sum is not finite (an absurd model), the full rerun is used. */
#define HEALER_EXPLAIN_SUMS_MAX_BYTES (256u * 1024 * 1024)

typedef struct
{
  const HealerModel        *model;
  HealerImportanceMethod    method;
  HealerDataset            *rows;      /* the evaluation rows; FULL_RERUN permutes one
                                        * column at a time in place */
  const guint              *y;
  gsize                     n;
  float                    *proba;     /* n × n_classes */
  guint                    *pred;
  float                    *saved;     /* the raw column being permuted */
  gsize                    *perm;
  /* FIRST_LAYER only */
  HealerInputColumns       *cols;      /* n_input */
  float                   **sums;      /* per member: n × size(1), of the unpermuted rows */
  float                    *work;      /* n × the widest size(1) */
  float                    *member_proba;
  float                    *cells;     /* n × HEALER_PREPROCESS_MAX_INPUT_COLUMNS */
  double                   *delta;     /* n */
} HealerPermutationWork;

static void
healer_permutation_work_clear (HealerPermutationWork *w)
{
  g_clear_pointer (&w->rows, healer_dataset_unref);
  g_clear_pointer (&w->proba, g_free);
  g_clear_pointer (&w->pred, g_free);
  g_clear_pointer (&w->saved, g_free);
  g_clear_pointer (&w->perm, g_free);
  g_clear_pointer (&w->cols, g_free);
  if (w->sums != NULL)
    for (guint m = 0; m < w->model->n_members; m++)
      g_free (w->sums[m]);
  g_clear_pointer (&w->sums, g_free);
  g_clear_pointer (&w->work, g_free);
  g_clear_pointer (&w->member_proba, g_free);
  g_clear_pointer (&w->cells, g_free);
  g_clear_pointer (&w->delta, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HealerPermutationWork, healer_permutation_work_clear)

/* Macro-F1 and log-loss of w->proba. */
static void
healer_permutation_metrics (HealerPermutationWork *w,
                            double                *macro_f1,
                            double                *log_loss)
{
  guint k = w->model->n_classes;
  g_autoptr(HealerMetrics) m = NULL;

  for (gsize i = 0; i < w->n; i++)
    w->pred[i] = healer_argmax (w->proba + i * k, k);
  m = healer_metrics_compute (w->y, w->pred, w->proba, w->n, k);
  *macro_f1 = m->macro_f1;
  *log_loss = m->log_loss;
}

/* The first layer's sums of every member for the unpermuted rows,
 * preprocessed a chunk at a time. FALSE when they would take too much
 * memory or one is not finite: the caller reruns the whole model. */
static gboolean
healer_permutation_sums (HealerPermutationWork *w)
{
  const HealerModel *model = w->model;
  const HealerPreprocessor *p = model->preprocessor;
  guint width = 0;
  gsize bytes = 0, chunk;
  g_autofree float *scratch = NULL;

  for (guint m = 0; m < model->n_members; m++)
    {
      guint h = healer_mlp_get_size (model->members[m], 1);

      width = MAX (width, h);
      bytes += w->n * h * sizeof (float);
    }
  if (bytes > HEALER_EXPLAIN_SUMS_MAX_BYTES)
    return FALSE;

  w->sums = g_new0 (float *, model->n_members);
  for (guint m = 0; m < model->n_members; m++)
    w->sums[m] = g_new (float, w->n * healer_mlp_get_size (model->members[m], 1));
  chunk = MAX (1, MIN (w->n, HEALER_EXPLAIN_SUMS_MAX_BYTES / sizeof (float) / MAX (p->n_output, 1)));
  scratch = g_new (float, chunk * p->n_output);
  for (gsize start = 0; start < w->n; start += chunk)
    {
      gsize rows = MIN (chunk, w->n - start);

      healer_preprocessor_transform (p, healer_dataset_row (w->rows, start), rows, scratch);
      for (guint m = 0; m < model->n_members; m++)
        {
          guint h = healer_mlp_get_size (model->members[m], 1);

          healer_mlp_first_sums (model->members[m], scratch, rows, w->sums[m] + start * h);
        }
    }
  for (guint m = 0; m < model->n_members; m++)
    {
      gsize count = w->n * healer_mlp_get_size (model->members[m], 1);

      for (gsize i = 0; i < count; i++)
        if (!isfinite (w->sums[m][i]))
          return FALSE;
    }

  w->cols = healer_preprocessor_input_columns (p);
  w->work = g_new (float, w->n * MAX (width, 1));
  w->member_proba = g_new (float, w->n * model->n_classes);
  w->cells = g_new (float, w->n * HEALER_PREPROCESS_MAX_INPUT_COLUMNS);
  w->delta = g_new (double, w->n);
  return TRUE;
}

/* Probabilities with raw column @j permuted by w->perm, from the stored
 * sums: w->cells holds the column's @n_cols network inputs (@out_cols) for
 * the unpermuted rows. Members are averaged as healer_model_predict_proba
 * averages them. */
static void
healer_permutation_proba_from_sums (HealerPermutationWork *w,
                                    const guint           *out_cols,
                                    guint                  n_cols)
{
  const HealerModel *model = w->model;
  gsize n = w->n;
  gsize nk = n * model->n_classes;

  for (guint m = 0; m < model->n_members; m++)
    {
      const HealerMlp *mlp = model->members[m];
      guint h = healer_mlp_get_size (mlp, 1);
      float *out = m == 0 ? w->proba : w->member_proba;

      memcpy (w->work, w->sums[m], n * h * sizeof (float));
      for (guint c = 0; c < n_cols; c++)
        {
          for (gsize i = 0; i < n; i++)
            w->delta[i] = (double) w->cells[w->perm[i] * n_cols + c] -
                          (double) w->cells[i * n_cols + c];
          healer_mlp_first_sums_add (mlp, w->work, n, out_cols[c], w->delta);
        }
      healer_mlp_predict_from_sums (mlp, w->work, n, out);
      if (m > 0)
        for (gsize k = 0; k < nk; k++)
          w->proba[k] += w->member_proba[k];
    }
  if (model->n_members > 1)
    for (gsize k = 0; k < nk; k++)
      w->proba[k] /= (float) model->n_members;
}

static void
healer_permute_column (HealerPermutationWork *w,
                       guint                  j,
                       HealerRng             *rng,
                       HealerImportance      *imp,
                       double                 base_f1,
                       double                 base_ll)
{
  HealerDataset *ds = w->rows;
  gsize n = w->n;
  guint nf = ds->n_features;
  double drops[HEALER_EXPLAIN_REPEATS];
  double sum = 0.0, ll_sum = 0.0, ss = 0.0;
  guint out_cols[HEALER_PREPROCESS_MAX_INPUT_COLUMNS];
  guint n_cols = 0;

  for (gsize i = 0; i < n; i++)
    w->saved[i] = ds->x[i * nf + j];
  if (w->method == HEALER_IMPORTANCE_FIRST_LAYER)
    {
      /* Row i of the permuted column holds the value of row perm[i], and a
       * cell's network inputs depend on that value alone. */
      n_cols = healer_input_columns_list (&w->cols[j], out_cols);
      healer_preprocessor_transform_input (w->model->preprocessor, &w->cols[j], j, w->saved, n,
                                           w->cells);
    }
  for (guint r = 0; r < HEALER_EXPLAIN_REPEATS; r++)
    {
      double f1, ll;

      for (gsize i = 0; i < n; i++)
        w->perm[i] = i;
      healer_rng_shuffle (rng, w->perm, n);
      if (w->method == HEALER_IMPORTANCE_FIRST_LAYER)
        healer_permutation_proba_from_sums (w, out_cols, n_cols);
      else
        {
          for (gsize i = 0; i < n; i++)
            ds->x[i * nf + j] = w->saved[w->perm[i]];
          healer_model_predict_proba (w->model, ds, w->proba);
        }
      healer_permutation_metrics (w, &f1, &ll);
      drops[r] = base_f1 - f1;
      sum += drops[r];
      ll_sum += ll - base_ll;
    }
  if (w->method != HEALER_IMPORTANCE_FIRST_LAYER)
    for (gsize i = 0; i < n; i++)
      ds->x[i * nf + j] = w->saved[i];

  imp->f1_drop = sum / HEALER_EXPLAIN_REPEATS;
  for (guint r = 0; r < HEALER_EXPLAIN_REPEATS; r++)
    ss += (drops[r] - imp->f1_drop) * (drops[r] - imp->f1_drop);
  imp->f1_drop_std = HEALER_EXPLAIN_REPEATS > 1 ? sqrt (ss / (HEALER_EXPLAIN_REPEATS - 1)) : 0.0;
  imp->log_loss_increase = ll_sum / HEALER_EXPLAIN_REPEATS;
}

HealerImportance *
healer_permutation_importance (const HealerModel          *model,
                               const HealerDataset        *rows,
                               const guint                *y,
                               HealerRng                  *rng,
                               HealerImportanceMethod      method,
                               HealerExplainProgressFunc   progress,
                               gpointer                    user_data,
                               GCancellable               *cancellable,
                               double                     *base_macro_f1,
                               double                     *base_log_loss)
{
  g_auto(HealerPermutationWork) w = { 0 };
  const HealerPreprocessor *p;
  g_autofree HealerImportance *imp = NULL;
  guint n_used = 0, done = 0;

  g_return_val_if_fail (model != NULL && rows != NULL && y != NULL && rng != NULL, NULL);
  g_return_val_if_fail (rows->n_features == model->preprocessor->n_input, NULL);
  g_return_val_if_fail (rows->n_rows >= 2, NULL);

  p = model->preprocessor;
  w.model = model;
  w.y = y;
  w.n = rows->n_rows;
  w.proba = g_new (float, w.n * model->n_classes);
  w.pred = g_new (guint, w.n);
  w.saved = g_new (float, w.n);
  w.perm = g_new (gsize, w.n);

  /* The unpermuted score is the model's own prediction, bit for bit. */
  healer_model_predict_proba (model, rows, w.proba);
  healer_permutation_metrics (&w, base_macro_f1, base_log_loss);

  if (method != HEALER_IMPORTANCE_FULL_RERUN)
    {
      w.rows = healer_dataset_ref ((HealerDataset *) rows);
      method = healer_permutation_sums (&w) ? HEALER_IMPORTANCE_FIRST_LAYER
                                            : HEALER_IMPORTANCE_FULL_RERUN;
      g_clear_pointer (&w.rows, healer_dataset_unref);
    }
  w.method = method;
  /* The full rerun permutes a copy in place; the other path only reads. */
  if (method == HEALER_IMPORTANCE_FULL_RERUN)
    {
      g_autofree gsize *all = g_new (gsize, w.n);

      for (gsize i = 0; i < w.n; i++)
        all[i] = i;
      w.rows = healer_dataset_subset (rows, all, w.n);
    }
  else
    w.rows = healer_dataset_ref ((HealerDataset *) rows);
  if (w.cols == NULL)
    w.cols = healer_preprocessor_input_columns (p);

  imp = g_new0 (HealerImportance, p->n_input);
  for (guint j = 0; j < p->n_input; j++)
    {
      imp[j].feature = j;
      n_used += w.cols[j].value != G_MAXUINT || w.cols[j].indicator != G_MAXUINT;
    }
  for (guint j = 0; j < p->n_input; j++)
    {
      /* A column no network input reads cannot change a prediction. */
      if (w.cols[j].value == G_MAXUINT && w.cols[j].indicator == G_MAXUINT)
        continue;
      if (g_cancellable_is_cancelled (cancellable))
        return NULL;
      healer_permute_column (&w, j, rng, &imp[j], *base_macro_f1, *base_log_loss);
      if (progress != NULL)
        progress (++done, n_used, user_data);
    }
  return g_steal_pointer (&imp);
}

/* FALSE when cancelled or when there are too few rows to score. */
static gboolean
healer_compute_importance (HealerExplanations        *ex,
                           const HealerModel         *model,
                           const HealerDataset       *eval,
                           HealerRng                 *rng,
                           HealerExplainProgressFunc  progress,
                           gpointer                   user_data,
                           GCancellable              *cancellable)
{
  g_autofree guint *y_all = g_new (guint, MAX (eval->n_rows, 1));
  g_autofree guint *y = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(HealerDataset) subset = NULL;
  HealerImportance *imp;
  gsize n;

  healer_explain_map_labels (model, eval, y_all);
  rows = healer_explain_pick_rows (y_all, eval->n_rows, HEALER_EXPLAIN_IMPORTANCE_ROWS, rng);
  n = rows->len;
  if (n < 2)
    return FALSE;

  subset = healer_dataset_subset (eval, (const gsize *) (gpointer) rows->data, n);
  y = g_new (guint, n);
  for (gsize i = 0; i < n; i++)
    y[i] = y_all[g_array_index (rows, gsize, i)];

  imp = healer_permutation_importance (model, subset, y, rng, HEALER_IMPORTANCE_AUTO,
                                       progress, user_data, cancellable,
                                       &ex->base_macro_f1, &ex->base_log_loss);
  if (imp == NULL)
    return FALSE;
  healer_importance_sort (imp, model->preprocessor->n_input);
  ex->importance = imp;
  ex->n_importance = model->preprocessor->n_input;
  ex->importance_n_rows = n;
  ex->importance_repeats = HEALER_EXPLAIN_REPEATS;
  return TRUE;
}

HealerExplanations *
healer_explanations_compute (const HealerModel         *model,
                             const HealerDataset       *train,
                             const HealerDataset       *eval,
                             HealerImportanceRows       eval_kind,
                             guint64                    seed,
                             HealerExplainProgressFunc  progress,
                             gpointer                   user_data,
                             GCancellable              *cancellable)
{
  g_autoptr(HealerExplanations) ex = NULL;
  g_autofree guint *y = NULL;
  g_autoptr(GArray) rows = NULL;
  HealerRng rng;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (train != NULL && train->n_features == model->preprocessor->n_input, NULL);
  g_return_val_if_fail (eval == NULL || eval->n_features == model->preprocessor->n_input, NULL);
  g_return_val_if_fail (healer_importance_rows_to_string (eval_kind) != NULL, NULL);

  healer_rng_init (&rng, seed ^ HEALER_EXPLAIN_SALT);
  ex = g_new0 (HealerExplanations, 1);
  ex->n_classes = model->n_classes;

  y = g_new (guint, MAX (train->n_rows, 1));
  healer_explain_map_labels (model, train, y);
  rows = healer_explain_pick_rows (y, train->n_rows, HEALER_EXPLAIN_SIGNATURE_ROWS, &rng);
  ex->signatures = healer_compute_signatures (model, train, y,
                                              (const gsize *) (gpointer) rows->data, rows->len);
  ex->signature_rows = rows->len;

  ex->importance_rows = eval_kind;
  ex->base_macro_f1 = ex->base_log_loss = NAN;
  if (eval != NULL &&
      !healer_compute_importance (ex, model, eval, &rng, progress, user_data, cancellable))
    {
      ex->base_macro_f1 = ex->base_log_loss = NAN;
      ex->importance_n_rows = 0;
    }
  return g_steal_pointer (&ex);
}

void
healer_model_attach_explanations (HealerModel               *model,
                                  const HealerDataset       *data,
                                  HealerExplainProgressFunc  progress,
                                  gpointer                   user_data,
                                  GCancellable              *cancellable)
{
  g_autoptr(GArray) train_rows = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(GArray) val_rows = g_array_new (FALSE, FALSE, sizeof (gsize));
  g_autoptr(HealerDataset) train = NULL;
  g_autoptr(HealerDataset) val = NULL;
  g_autofree guint *y = NULL;
  const HealerDataset *eval;
  HealerImportanceRows kind = HEALER_IMPORTANCE_ROWS_VALIDATION;

  g_return_if_fail (model != NULL);
  g_return_if_fail (data != NULL);

  g_clear_pointer (&model->explanations, healer_explanations_free);
  if (data->n_features != model->preprocessor->n_input || data->labels == NULL)
    return;
  y = g_new (guint, MAX (data->n_rows, 1));
  if (healer_explain_map_labels (model, data, y) != data->n_rows)
    return;

  /* The trainer's own split, redone: same labels, fraction and seed. */
  healer_stratified_split (y, data->n_rows, model->n_classes, model->config.validation_fraction,
                           model->config.seed, train_rows, val_rows);
  if (train_rows->len != model->n_train_rows)
    {
      /* Not the rows the model was fitted on: say nothing rather than
       * explain it with rows it may have learnt. */
      g_debug ("explanations skipped: %u training rows after the split, the model has %"
               G_GSIZE_FORMAT, train_rows->len, model->n_train_rows);
      return;
    }

  /* Every row in order (no validation split): the table itself, not a copy
   * as large as the data. */
  if (val_rows->len == 0 && healer_rows_are_identity (train_rows, data->n_rows))
    train = healer_dataset_ref ((HealerDataset *) data);
  else
    train = healer_dataset_subset (data, (const gsize *) (gpointer) train_rows->data,
                                   train_rows->len);
  if (val_rows->len > 0)
    {
      val = healer_dataset_subset (data, (const gsize *) (gpointer) val_rows->data, val_rows->len);
      eval = val;
    }
  else
    {
      eval = train;
      kind = HEALER_IMPORTANCE_ROWS_TRAINING;
    }
  /* A cancel asks for a prompt return: the signatures are quick, the
   * permutations are not. */
  if (model->status == HEALER_TRAIN_CANCELLED)
    eval = NULL;

  model->explanations = healer_explanations_compute (model, train, eval, kind,
                                                     model->config.seed, progress, user_data,
                                                     cancellable);
}
