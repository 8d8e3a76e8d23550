/* healer-projection-affinity.c — t-SNE input affinities: distances, neighbours, perplexity
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <float.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_blas.h>

#include "healer-projection-private.h"

#define PERPLEXITY_TOL      1e-5
#define PERPLEXITY_STEPS    200

/* Distances are computed tile by tile: 8 rows against 256 columns, the
 * data transposed so the inner loop runs along contiguous columns without
 * reordering any sum, which lets the compiler vectorise it while the
 * results stay the same bits whatever the CPU. */
#define TILE_ROWS  8
/* Rows per batch between two cancellation checks and progress reports. */
#define BATCH_ROWS 256

static void
distance_tile (const HealerTsneAffinity *a,
               gsize                     i0,
               guint                     ni,
               gsize                     j0,
               float                    *out)    /* ni × HEALER_TSNE_TILE_COLS */
{
  float acc[TILE_ROWS][HEALER_TSNE_TILE_COLS];

  memset (acc, 0, sizeof acc);
  for (guint k = 0; k < a->d; k++)
    {
      const float *xt = a->xt + (gsize) k * a->n_pad + j0;

      for (guint r = 0; r < ni; r++)
        {
          float v = a->xr[(i0 + r) * a->d + k];

          for (guint c = 0; c < HEALER_TSNE_TILE_COLS; c++)
            {
              float t = v - xt[c];

              acc[r][c] += t * t;
            }
        }
    }
  for (guint r = 0; r < ni; r++)
    memcpy (out + (gsize) r * HEALER_TSNE_TILE_COLS, acc[r], sizeof acc[r]);
}

/* Gaussian weights of @m squared distances @dist whose entropy is log
 * @perplexity, by bisection on the precision β as in the reference; into
 * @p, normalised to sum 1. */
static void
calibrate_row (const float *dist,
               gsize        m,
               gsize        skip,       /* an index to leave at 0 (the row itself), or m */
               double       perplexity,
               double      *p)
{
  double log_u = healer_det_log (perplexity);
  double beta = 1.0, lo = -HUGE_VAL, hi = HUGE_VAL;
  double dmin = HUGE_VAL, sum = 0.0;

  for (gsize j = 0; j < m; j++)
    if (j != skip && dist[j] < dmin)
      dmin = dist[j];

  for (guint step = 0; step < PERPLEXITY_STEPS; step++)
    {
      double sdp = 0.0, h;

      /* Distances are shifted by the smallest so the nearest weight is 1:
       * neither the entropy nor the normalised weights change, and the sum
       * can never underflow to 0. */
      sum = 0.0;
      for (gsize j = 0; j < m; j++)
        {
          double dj = j == skip ? 0.0 : dist[j] - dmin;
          double w = j == skip ? 0.0 : healer_det_exp (-beta * dj);

          p[j] = w;
          sum += w;
          sdp += w * dj;
        }
      h = healer_det_log (sum) + beta * sdp / sum;
      if (fabs (h - log_u) < PERPLEXITY_TOL)
        break;
      if (h > log_u)
        {
          lo = beta;
          beta = hi == HUGE_VAL ? beta * 2 : (beta + hi) / 2;
        }
      else
        {
          hi = beta;
          beta = lo == -HUGE_VAL ? beta / 2 : (beta + lo) / 2;
        }
    }
  for (gsize j = 0; j < m; j++)
    p[j] /= sum;
}

typedef struct
{
  float   dist;
  guint32 index;
} Neighbour;

/* Farther first, then larger index: the heap's root is the one to drop. */
static inline gboolean
neighbour_after (const Neighbour *a,
                 const Neighbour *b)
{
  return a->dist > b->dist || (a->dist == b->dist && a->index > b->index);
}

static void
heap_sift_down (Neighbour *h,
                guint      n,
                guint      i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, top = i;
      Neighbour t;

      if (l < n && neighbour_after (&h[l], &h[top]))
        top = l;
      if (r < n && neighbour_after (&h[r], &h[top]))
        top = r;
      if (top == i)
        return;
      t = h[i];
      h[i] = h[top];
      h[top] = t;
      i = top;
    }
}

static int
neighbour_compare (const void *a,
                   const void *b)
{
  const Neighbour *x = a, *y = b;

  if (neighbour_after (x, y))
    return 1;
  if (neighbour_after (y, x))
    return -1;
  return 0;
}

static void
affinity_rows (gpointer data,
               gsize    first,
               gsize    last)
{
  const HealerTsneAffinity *a = data;
  g_autofree float *dist = g_new (float, TILE_ROWS * a->n_pad);
  g_autofree float *tile = g_new (float, TILE_ROWS * HEALER_TSNE_TILE_COLS);
  g_autofree double *p = g_new (double, a->exact ? a->n : a->k);
  g_autofree Neighbour *heap = a->exact ? NULL : g_new (Neighbour, a->k);
  g_autofree float *nd = a->exact ? NULL : g_new (float, a->k);

  for (gsize i0 = first; i0 < last; i0 += TILE_ROWS)
    {
      guint ni = (guint) MIN (TILE_ROWS, last - i0);

      for (gsize j0 = 0; j0 < a->n_pad; j0 += HEALER_TSNE_TILE_COLS)
        {
          distance_tile (a, i0, ni, j0, tile);
          for (guint r = 0; r < ni; r++)
            memcpy (dist + r * a->n_pad + j0, tile + r * HEALER_TSNE_TILE_COLS,
                    HEALER_TSNE_TILE_COLS * sizeof (float));
        }

      for (guint r = 0; r < ni; r++)
        {
          gsize i = i0 + r;
          const float *row = dist + r * a->n_pad;

          if (a->exact)
            {
              float *out = a->dense + i * a->n_pad;

              calibrate_row (row, a->n, i, a->perplexity, p);
              for (gsize j = 0; j < a->n; j++)
                out[j] = (float) p[j];
              memset (out + a->n, 0, (a->n_pad - a->n) * sizeof (float));
              continue;
            }

          /* The k nearest other rows, by a bounded max-heap. */
          {
            guint filled = 0;

            for (gsize j = 0; j < a->n; j++)
              {
                Neighbour cand = { row[j], (guint32) j };

                if (j == i)
                  continue;
                if (filled < a->k)
                  {
                    heap[filled++] = cand;
                    if (filled == a->k)
                      for (guint h = a->k / 2 + 1; h-- > 0;)
                        heap_sift_down (heap, a->k, h);
                  }
                else if (neighbour_after (&heap[0], &cand))
                  {
                    heap[0] = cand;
                    heap_sift_down (heap, a->k, 0);
                  }
              }
            qsort (heap, a->k, sizeof (Neighbour), neighbour_compare);
            for (guint h = 0; h < a->k; h++)
              {
                nd[h] = heap[h].dist;
                a->nn_index[i * a->k + h] = heap[h].index;
              }
            calibrate_row (nd, a->k, a->k, a->perplexity, p);
            memcpy (a->nn_p + i * a->k, p, a->k * sizeof (double));
          }
        }
    }
}

/* ---- neighbours from candidates ----
 *
 * For n rows the brute force costs n² d subtractions and squares, in the
 * order that fixes the bits. The candidates come from
 * |x|² + |y|² − 2 x·y instead, whose products are one sgemm (OpenBLAS runs
 * it several times faster per pair); its rounding differs from the exact
 * sum's by at most B_ij (below). Among the k rows of smallest estimates
 * the exact distances are at most τ_i = max (estimate + B_ij), so the k-th
 * smallest exact distance is too, and every row j that could be among the
 * k nearest has an estimate of at most τ_i + B_ij: the k nearest by exact
 * distance lie among those candidates (k and a few more), whose exact
 * distances are then computed as the brute force does. The neighbours, their
 * order (ties by index) and their distances are the very same bits, whatever
 * the BLAS, its kernels or its threads. */

/* Both the exact sum of d squared differences and the estimate are within
 * about (d + 2) u (|x_i| + |x_j|)² of the true distance (u = 2⁻²⁴, any
 * order of the sums, fused or not): B_ij = C (|x_i| + |x_j|)², C twice
 * their sum, plus slack. */
static inline double
candidate_margin (double c,
                  double len_i,
                  double len_j)
{
  return c * (len_i + len_j) * (len_i + len_j);
}

typedef struct
{
  float   est;
  guint32 index;
} Estimate;

typedef struct
{
  const HealerTsneAffinity *a;
  gsize          start;           /* first row of the batch */
  const float   *dot;             /* rows of the batch × n: x_i · x_j */
  const float   *norm;            /* n: |x_j|², in float */
  const double  *len;             /* n: |x_j|, in double, for the margins */
  double         len_max;
  double         c;               /* C of candidate_margin() */
} CandidateBatch;

static void
estimate_heap_sift_down (Estimate *h,
                         guint     n,
                         guint     i)
{
  for (;;)
    {
      guint l = 2 * i + 1, r = l + 1, top = i;
      Estimate t;

      if (l < n && h[l].est > h[top].est)
        top = l;
      if (r < n && h[r].est > h[top].est)
        top = r;
      if (top == i)
        return;
      t = h[i];
      h[i] = h[top];
      h[top] = t;
      i = top;
    }
}

static void
candidate_rows (gpointer data,
                gsize    first,
                gsize    last)
{
  const CandidateBatch *cb = data;
  const HealerTsneAffinity *a = cb->a;
  gsize n = a->n;
  guint k = a->k, d = a->d;
  g_autofree float *est = g_new (float, n);
  g_autofree Estimate *kth = g_new (Estimate, k);
  g_autofree Neighbour *heap = g_new (Neighbour, k);
  g_autofree float *nd = g_new (float, k);
  g_autofree double *p = g_new (double, k);

  for (gsize r = first; r < last; r++)
    {
      gsize i = cb->start + r;
      const float *dot = cb->dot + r * n;
      const float *xi = a->xr + i * d;
      guint filled = 0;
      double tau = -HUGE_VAL;
      float coarse;

      for (gsize j = 0; j < n; j++)
        est[j] = (cb->norm[i] + cb->norm[j]) - 2.0f * dot[j];
      /* The k smallest estimates, by a bounded max-heap, and τ_i. */
      for (gsize j = 0; j < n; j++)
        {
          if (j == i)
            continue;
          if (filled < k)
            {
              kth[filled++] = (Estimate) { est[j], (guint32) j };
              if (filled == k)
                for (guint h = k / 2 + 1; h-- > 0;)
                  estimate_heap_sift_down (kth, k, h);
            }
          else if (est[j] < kth[0].est)
            {
              kth[0] = (Estimate) { est[j], (guint32) j };
              estimate_heap_sift_down (kth, k, 0);
            }
        }
      for (guint h = 0; h < k; h++)
        tau = MAX (tau, (double) kth[h].est + candidate_margin (cb->c, cb->len[i],
                                                                 cb->len[kth[h].index]));

      /* The exact distances of the candidates, in the brute force's
       * arithmetic (distance_tile: one sum over the coordinates in order),
       * and the same heap. */
      coarse = (float) (tau + candidate_margin (cb->c, cb->len[i], cb->len_max));
      if ((double) coarse < tau + candidate_margin (cb->c, cb->len[i], cb->len_max))
        coarse = nextafterf (coarse, HUGE_VALF);
      filled = 0;
      for (gsize j = 0; j < n; j++)
        {
          const float *xj = a->xr + j * d;
          Neighbour cand;
          float acc = 0.0f;

          /* the bound for the longest row first: most rows stop there */
          if (j == i || est[j] > coarse ||
              (double) est[j] > tau + candidate_margin (cb->c, cb->len[i], cb->len[j]))
            continue;
          for (guint c = 0; c < d; c++)
            {
              float t = xi[c] - xj[c];

              acc += t * t;
            }
          cand = (Neighbour) { acc, (guint32) j };
          if (filled < k)
            {
              heap[filled++] = cand;
              if (filled == k)
                for (guint h = k / 2 + 1; h-- > 0;)
                  heap_sift_down (heap, k, h);
            }
          else if (neighbour_after (&heap[0], &cand))
            {
              heap[0] = cand;
              heap_sift_down (heap, k, 0);
            }
        }
      g_assert (filled == k);
      qsort (heap, k, sizeof (Neighbour), neighbour_compare);
      for (guint h = 0; h < k; h++)
        {
          nd[h] = heap[h].dist;
          a->nn_index[i * k + h] = heap[h].index;
        }
      calibrate_row (nd, k, k, a->perplexity, p);
      memcpy (a->nn_p + i * k, p, k * sizeof (double));
    }
}

static gboolean
candidate_affinities (HealerTsneAffinity       *a,
                      float                    *dot,
                      HealerParallel           *par,
                      GCancellable             *cancellable,
                      HealerProjectionReporter *reporter,
                      GError                  **error)
{
  gsize n = a->n;
  guint d = a->d;
  g_autofree float *norm = g_new (float, n);
  g_autofree double *len = g_new (double, n);
  double len_max = 0.0;
  gsl_matrix_float_const_view all = gsl_matrix_float_const_view_array (a->xr, n, d);

  for (gsize i = 0; i < n; i++)
    {
      float s = 0.0f;
      double sd = 0.0;

      for (guint c = 0; c < d; c++)
        {
          s += a->xr[i * d + c] * a->xr[i * d + c];
          sd += (double) a->xr[i * d + c] * a->xr[i * d + c];
        }
      norm[i] = s;
      len[i] = sqrt (sd);
      len_max = MAX (len_max, len[i]);
    }
  for (gsize start = 0; start < n; start += BATCH_ROWS)
    {
      gsize rows = MIN (BATCH_ROWS, n - start);
      gsl_matrix_float_const_view batch =
        gsl_matrix_float_const_view_array (a->xr + start * d, rows, d);
      gsl_matrix_float_view out = gsl_matrix_float_view_array (dot, rows, n);
      CandidateBatch cb = { a, start, dot, norm, len, len_max,
                            2.0 * (4.0 * d + 16.0) * (FLT_EPSILON / 2) };

      if (!healer_projection_check_cancel (cancellable, error))
        return FALSE;
      healer_projection_report (reporter, HEALER_PROJECTION_STAGE_AFFINITIES, start, n,
                                HEALER_TSNE_FRACTION_START +
                                (HEALER_TSNE_FRACTION_AFFINITIES - HEALER_TSNE_FRACTION_START) *
                                start / n);
      gsl_blas_sgemm (CblasNoTrans, CblasTrans, 1.0f, &batch.matrix, &all.matrix, 0.0f,
                      &out.matrix);
      healer_parallel_run (par, rows, candidate_rows, &cb);
    }
  return healer_projection_check_cancel (cancellable, error);
}

typedef struct
{
  const HealerTsneAffinity *a;
  gsize           offset;
} AffinityBatch;

static void
affinity_batch_rows (gpointer data,
                     gsize    first,
                     gsize    last)
{
  AffinityBatch *b = data;

  affinity_rows ((gpointer) b->a, b->offset + first, b->offset + last);
}

gboolean
healer_tsne_affinities_compute (HealerTsneAffinity       *a,
                                HealerParallel           *par,
                                GCancellable             *cancellable,
                                HealerProjectionReporter *reporter,
                                GError                  **error)
{
  if (!a->exact && !a->brute_force)
    {
      /* the products of one batch of rows (20 MB for 20,000 rows) */
      g_autofree float *dot = g_try_malloc_n (BATCH_ROWS, a->n * sizeof (float));

      if (dot != NULL)
        return candidate_affinities (a, dot, par, cancellable, reporter, error);
    }
  /* Batches of rows keep cancellation and progress on the calling thread. */
  for (gsize start = 0; start < a->n; start += BATCH_ROWS)
    {
      AffinityBatch batch = { a, start };

      if (!healer_projection_check_cancel (cancellable, error))
        return FALSE;
      healer_projection_report (reporter, HEALER_PROJECTION_STAGE_AFFINITIES, start, a->n,
                                HEALER_TSNE_FRACTION_START +
                                (HEALER_TSNE_FRACTION_AFFINITIES - HEALER_TSNE_FRACTION_START) *
                                start / a->n);
      healer_parallel_run (par, MIN (BATCH_ROWS, a->n - start), affinity_batch_rows, &batch);
    }
  return healer_projection_check_cancel (cancellable, error);
}

void
healer_tsne_symmetrise_dense (float *dense,
                              gsize  n,
                              gsize  n_pad)
{
  double total = 0.0;
  float scale;

  for (gsize i = 0; i < n; i++)
    for (gsize j = i + 1; j < n; j++)
      {
        double v = (double) dense[i * n_pad + j] + dense[j * n_pad + i];

        total += 2 * v;
        dense[i * n_pad + j] = dense[j * n_pad + i] = (float) v;
      }
  scale = (float) (1.0 / total);
  for (gsize i = 0; i < n; i++)
    for (gsize j = 0; j < n; j++)
      dense[i * n_pad + j] *= scale;
}

typedef struct
{
  guint32 col;
  double  val;
} Entry;

static int
entry_compare (const void *a,
               const void *b)
{
  const Entry *x = a, *y = b;

  return x->col < y->col ? -1 : x->col > y->col;
}

void
healer_tsne_symmetrise_sparse (const HealerTsneAffinity *a,
                               gsize                   **row_ptr_out,
                               guint32                 **col_out,
                               double                  **val_out)
{
  gsize n = a->n, k = a->k;
  g_autofree gsize *count = g_new0 (gsize, n + 1);
  g_autofree gsize *fill = g_new (gsize, n);
  g_autofree Entry *entries = NULL;
  gsize *row_ptr = g_new (gsize, n + 1);
  guint32 *col;
  double *val;
  gsize out = 0;
  double total = 0.0;

  for (gsize i = 0; i < n; i++)
    {
      count[i] += k;
      for (gsize h = 0; h < k; h++)
        count[a->nn_index[i * k + h]]++;
    }
  row_ptr[0] = 0;
  for (gsize i = 0; i < n; i++)
    row_ptr[i + 1] = row_ptr[i] + count[i];
  entries = g_new (Entry, row_ptr[n]);
  memcpy (fill, row_ptr, n * sizeof (gsize));
  for (gsize i = 0; i < n; i++)
    for (gsize h = 0; h < k; h++)
      {
        guint32 j = a->nn_index[i * k + h];
        double v = a->nn_p[i * k + h];

        entries[fill[i]++] = (Entry) { j, v };
        entries[fill[j]++] = (Entry) { (guint32) i, v };
      }

  /* Sorted by column, a pair present both ways merged: at most two terms,
   * so the sum does not depend on their order. */
  col = g_new (guint32, row_ptr[n]);
  val = g_new (double, row_ptr[n]);
  for (gsize i = 0; i < n; i++)
    {
      gsize s = row_ptr[i], e = row_ptr[i + 1];

      qsort (entries + s, e - s, sizeof (Entry), entry_compare);
      row_ptr[i] = out;
      for (gsize t = s; t < e; t++)
        {
          if (out > row_ptr[i] && col[out - 1] == entries[t].col)
            val[out - 1] += entries[t].val;
          else
            {
              col[out] = entries[t].col;
              val[out] = entries[t].val;
              out++;
            }
        }
    }
  row_ptr[n] = out;
  for (gsize e = 0; e < out; e++)
    total += val[e];
  for (gsize e = 0; e < out; e++)
    val[e] /= total;

  *row_ptr_out = row_ptr;
  *col_out = col;
  *val_out = val;
}
