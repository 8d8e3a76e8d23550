/* healer-projection-fft.c — t-SNE repulsion by interpolation on a grid and FFT convolution
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "healer-projection-private.h"

/* The method of FIt-SNE (Linderman et al., Nature Methods 2019), written
 * afresh. The map is cut into square boxes with NODES equispaced nodes per
 * side; every point spreads a unit charge onto the nodes of its box with
 * Lagrange weights, the node potentials are discrete convolutions of the
 * charges with a kernel (FFT products on a grid twice as wide, so nothing
 * wraps round), and each point reads its potentials back with the same
 * weights. The cost is O(n) plus FFTs of a grid that grows with the map's
 * extent, not with n.
 *
 * FIt-SNE convolves four charges (1, y and |y|²) with q̃² and recovers the
 * forces and Σ_j q̃_ij from differences such as x_i φ − Σ_j q̃_ij² x_j, whose
 * terms grow with |y|² on a wide map while their difference does not. Here
 * the three sums are convolutions of the one unit charge with three
 * kernels, q̃ (for Z), q̃² dx and q̃² dy (the forces): nothing cancels, and
 * one forward transform serves all three. q̃ is even and q̃² dx, q̃² dy odd,
 * so their transforms are real and imaginary: each product is one real
 * multiplication per value.
 *
 * Boxes are BOX_WIDTH wide once the map is that large (the kernels vary on
 * the scale of 1, so the interpolation error stays the same as the map
 * grows); a smaller map gets at least MIN_BOXES boxes, their width a power
 * of two of BOX_WIDTH (of INTERP_BOX_WIDTH without the near field, below:
 * on maps narrower than MIN_BOXES · BOX_WIDTH / 2). Either way the kernels' transforms only change when
 * the grid does, and are kept until then. Every sum is over a fixed order
 * of points or nodes: the result does not depend on the number of threads.
 *
 * The near field is exact: once the boxes are at least BOX_WIDTH / 2 wide,
 * the pairs of points in the same or adjacent boxes get the exact kernels
 * instead of the interpolated ones (read_cells_impl), as particle-mesh
 * methods do, unless those pairs are too many (NEAR_MAX_PAIRS a point:
 * points crowded into few boxes), when the grid falls back to boxes
 * INTERP_BOX_WIDTH wide and interpolates everything, as it did before. The interpolation is least accurate for close pairs, where
 * the kernels curve most, and rows from the real KPI files have many:
 * near-duplicate rows make tight clusters of 2-10 points, whose net forces
 * are small against each pair's error. Uncorrected, with 4 nodes per box
 * 1.25 wide, the forces on a map of 5000 such rows were 7 % off (Barnes-Hut
 * at θ = 0.5: 1.4 %) and the maps' KL 6-13 % above Barnes-Hut's. */
#define NODES      HEALER_TSNE_FFT_NODES
/* HEALER_TSNE_FFT_BOX_WIDTH = 3.125: with the near pairs exact, the grid
 * only carries the kernels at distances of a box or more, where they are
 * smooth, so the boxes can be wide (4 nodes 0.78 apart) and the transforms
 * small. On that real map (5000 rows, its Barnes-Hut layout) the forces'
 * error is 1.4e-3 with boxes 1.25 wide, 2.1e-3 at 1.875, 1.7e-3 at 2.5,
 * 1.6e-3 at 3.125 (Z: 7e-5); the transforms shrink with the width squared
 * and the exact near pairs grow with it (about 45 a point on the bench's
 * simulated 5000 rows at 3.125), which is where the two balance. Width 5
 * left too long a start on uncorrected boxes 2.5 wide (KL +13 %). 6 nodes
 * per box at the same spacing were worse, not better (1.875: 13.7 %
 * uncorrected): 1 / (1 + r²) has poles at distance 1, too close for
 * equispaced interpolation over so wide a box. FIt-SNE's 3 nodes per unit
 * box lost 0.011 of 10-NN accuracy on simulated sets, before the near
 * field was corrected. */
#define BOX_WIDTH  HEALER_TSNE_FFT_BOX_WIDTH
/* Two real lines share a transform, c and c + side / 2: side must be even. */
G_STATIC_ASSERT (NODES % 2 == 0);
#define MIN_BOXES  16
/* Bounds the grid (m = 2 · NODES · 256 = 2048: 80 MB of buffers, 130 MB
 * while the kernels are transformed): a wider map gets wider boxes, less
 * accurate, not more of them. Maps of 5000 to 20,000 rows measured 90 to
 * 210 wide, well below. */
#define MAX_BOXES  256
/* The near field's bound on its exact pairs, per point on average (see
 * healer_tsne_fft_repulsion). */
#define NEAR_MAX_PAIRS  1024
/* The boxes' width when the near field is not exact: the interpolation
 * alone then needs them narrow (as before the near field: forces 7 % off
 * on a real 5000-row map; on /projection/fft-near-bound's crowded map,
 * boxes of 3.125 without the near field were 240 % off). */
#define INTERP_BOX_WIDTH  1.25
/* Scratch buffers for this many threads at once. */
#define MAX_SLOTS  64

#define BATCH HEALER_FFT_BATCH

/* As in healer-projection-fft-batch.c: not on Windows, where MinGW's GCC
 * does not align the stack for spilled AVX registers (GCC bug 54412). */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(_WIN32)
#define HEALER_NEAR_HAVE_AVX2 1
#else
#define HEALER_NEAR_HAVE_AVX2 0
#endif

/* The 2-D transforms are batched 1-D ones (healer-projection-fft-batch.c):
 * each pass runs along one axis on HEALER_FFT_BATCH lines at once, and
 * the data are transposed between passes while being copied into and out
 * of the batch buffers. Everything real is used: two real lines share one
 * complex transform, only half of the spectrum along x is kept (k ≤ m/2,
 * the rest is its mirror), and the zero half of the doubled grid is never
 * transformed or stored. Per iteration, with m the FFT length: m/4
 * transforms forward along x, m/2 + 1 forward along y, 3 (m/2 + 1)
 * inverse along y (one per kernel) and 3 m/4 inverse along x. */
typedef struct
{
  float  *buf[3];                 /* of m elements each */
} Scratch;

struct _HealerTsneFft
{
  /* the grid */
  guint    n_boxes;
  double   width;                 /* of a box */
  gsize    side;                  /* nodes per side: NODES · n_boxes */
  gsize    m;                     /* FFT length: 2 · side */
  gsize    kp;                    /* m / 2 + 1 frequencies along x, rounded up to BATCH */
  HealerFftPlan *plan;
  /* Arrays indexed by a frequency k along x are tiled: BATCH
   * consecutive k side by side, [k / BATCH][row][k % BATCH], so that a
   * batch of frequencies reads and writes contiguous memory. */
  float   *hat[3];                /* kp × m tiled: spectra of q̃ (real part), q̃² dx and q̃² dy
                                   * (imaginary parts), scaled; row: frequency along y */
  double  *charge;                /* side × side: row r, the x node; column c, the y node */
  float   *t;                     /* kp × side complex tiled (real parts, then imaginary):
                                   * the charges transformed along x */
  float   *u[3];                  /* kp × side complex tiled: the products transformed back
                                   * along y */
  float   *pot[3];                /* side × side: potentials of the three kernels */
  Scratch  slot[MAX_SLOTS];
  gint     busy[MAX_SLOTS];

  /* per point */
  gsize    n;
  /* per slot: the point's own index, or with the near field its rank in
   * box order (cell_pts, see weights_run) */
  guint32 *box;                   /* n × 2: first node of the point's box along x, y */
  double  *weight;                /* n × 2 × NODES: Lagrange weights along x then y */
  double   origin_x, origin_y;    /* lower-left corner of the grid */

  /* The near field: the kernels between the nodes of a box and those of
   * itself and its eight neighbours, [neighbour][source node][kernel]
   * [target node] (in single precision, as the potentials), and the
   * points sorted by box with their coordinates. */
  float    near_mat[9][NODES * NODES][3][NODES * NODES];
  gboolean near;                  /* correct the near pairs in this call */
  guint32 *cell_start;            /* n_boxes² + 1 */
  guint32 *cell_pts;              /* n: point indices, by box, in index order */
  guint32 *cell_of;               /* n: each point's box, as counted */
  gboolean crowded;               /* the last call's near pairs were over the bound */
  gboolean no_small;              /* tests: never the small block (along_y_small) */
  double  *cell_y;                /* 2 n: their coordinates, every x then every y */
  gsize    cells_alloc;
};

HealerTsneFft *
healer_tsne_fft_new (void)
{
  return g_new0 (HealerTsneFft, 1);
}

static void
free_grid (HealerTsneFft *self)
{
  for (guint q = 0; q < 3; q++)
    {
      g_clear_pointer (&self->hat[q], g_free);
      g_clear_pointer (&self->u[q], g_free);
      g_clear_pointer (&self->pot[q], g_free);
    }
  g_clear_pointer (&self->charge, g_free);
  g_clear_pointer (&self->t, g_free);
  for (guint s = 0; s < MAX_SLOTS; s++)
    for (guint b = 0; b < 3; b++)
      g_clear_pointer (&self->slot[s].buf[b], healer_fft_buffer_free);
  g_clear_pointer (&self->plan, healer_fft_plan_free);
}

void
healer_tsne_fft_free (HealerTsneFft *self)
{
  if (self == NULL)
    return;
  free_grid (self);
  g_free (self->box);
  g_free (self->weight);
  g_free (self->cell_start);
  g_free (self->cell_pts);
  g_free (self->cell_of);
  g_free (self->cell_y);
  g_free (self);
}

gboolean
healer_tsne_fft_near_used (const HealerTsneFft *self)
{
  return self->near;
}

void
healer_tsne_fft_set_small_block (HealerTsneFft *self,
                                 gboolean       small)
{
  self->no_small = !small;
}

/* The smallest 2^a 3^b ≥ @n: the transform length 2 · NODES · n_boxes
 * then has only radices 2, 3 and 4. */
static guint
smooth_ceil (guint n)
{
  for (n = MAX (n, 1);; n++)
    {
      guint r = n;

      while (r % 2 == 0)
        r /= 2;
      while (r % 3 == 0)
        r /= 3;
      if (r == 1)
        return n;
    }
}

/* A free set of scratch buffers for the calling thread. */
static Scratch *
scratch_acquire (HealerTsneFft *self)
{
  for (;;)
    for (guint s = 0; s < MAX_SLOTS; s++)
      if (g_atomic_int_compare_and_exchange (&self->busy[s], 0, 1))
        {
          Scratch *sc = &self->slot[s];

          for (guint b = 0; b < 3; b++)
            if (sc->buf[b] == NULL)
              sc->buf[b] = healer_fft_buffer_new ((guint) self->m);
          return sc;
        }
}

static void
scratch_release (HealerTsneFft *self,
                 Scratch       *sc)
{
  g_atomic_int_set (&self->busy[sc - self->slot], 0);
}

/* Along x: the columns of a real @rows × @cols array (@rows … m − 1 are
 * zero), two at a time (c and c + @cols / 2 as the real and imaginary
 * parts of one transform), into @out, row c, frequencies k ≤ m / 2 —
 * twice their true values (the ½ of the separation is left to the
 * kernels' scale). Job b does columns b · BATCH … of the first half. */
typedef struct
{
  HealerTsneFft *self;
  const double  *src;
  gsize          rows;
  gsize          cols;
  float         *out;             /* cols × kp complex */
} AlongX;

static void
along_x_run (gpointer data,
             gsize    first,
             gsize    last)
{
  AlongX *job = data;
  HealerTsneFft *self = job->self;
  gsize m = self->m, kp = self->kp, half = job->cols / 2;
  float *out_re = job->out, *out_im = job->out + job->cols * kp;
  Scratch *sc = scratch_acquire (self);

  for (gsize blk = first; blk < last; blk++)
    {
      gsize c0 = blk * BATCH, nb = MIN (BATCH, half - c0);
      float *x = sc->buf[0], *res, *zr, *zi;

      memset (x, 0, 2 * m * BATCH * sizeof (float));
      for (gsize r = 0; r < job->rows; r++)
        {
          const double *row = job->src + r * job->cols + c0;

          for (gsize b = 0; b < nb; b++)
            {
              x[r * BATCH + b] = (float) row[b];
              x[(m + r) * BATCH + b] = (float) row[half + b];
            }
        }
      res = healer_fft_batch (self->plan, x, sc->buf[1], FALSE);
      zr = res;
      zi = res + m * BATCH;
      /* Z = A + iB with A, B real: A(k) = (Z(k) + conj Z(m − k)) / 2,
       * B(k) = (Z(k) − conj Z(m − k)) / 2i. */
      for (gsize k = 0; k <= m / 2; k++)
        {
          gsize mk = (m - k) % m;

          for (gsize b = 0; b < nb; b++)
            {
              float ar = zr[k * BATCH + b], ai = zi[k * BATCH + b];
              float br = zr[mk * BATCH + b], bi = zi[mk * BATCH + b];

              gsize at = ((k / BATCH) * job->cols + c0 + b) * BATCH + k % BATCH;
              gsize at2 = at + half * BATCH;

              out_re[at] = ar + br;
              out_im[at] = ai - bi;
              out_re[at2] = ai + bi;
              out_im[at2] = br - ar;
            }
        }
    }
  scratch_release (self, sc);
}

static void
along_x (HealerTsneFft  *self,
         HealerParallel *par,
         const double   *src,
         gsize           rows,
         gsize           cols,
         float          *out)
{
  AlongX job = { self, src, rows, cols, out };

  healer_parallel_run (par, (cols / 2 + BATCH - 1) / BATCH, along_x_run, &job);
}

/* Along y, for BATCH frequencies k at a time: the forward transform of
 * @in's @rows rows (the rest zero), and then either its spectrum kept
 * (@hat: the kernels, real or imaginary parts) or, for the charges, its
 * products with the three kernels transformed back into self->u. */
typedef struct
{
  HealerTsneFft *self;
  const float   *in;              /* rows × kp complex */
  gsize          rows;
  float         *hat;             /* NULL, or m × kp: the kernel's spectrum */
  gboolean       imaginary;       /* keep the imaginary part in @hat */
  float          scale;
  gsize          small_blk;       /* charges: this block has at most SMALL frequencies */
} AlongY;

#define SMALL HEALER_FFT_SMALL_BATCH

/* Block @blk of the charges when it holds at most SMALL frequencies (for a
 * grid of 4 · 8j nodes, only the Nyquist frequency m / 2): the same
 * products and transforms on SMALL sequences instead of BATCH, most of them
 * zero padding. Each sequence gets the same operations as in a full batch:
 * the same bits, a quarter of the work. */
static void
along_y_small (AlongY  *job,
               Scratch *sc,
               gsize    blk)
{
  HealerTsneFft *self = job->self;
  gsize m = self->m, kp = self->kp, side = self->side, k0 = blk * BATCH;
  const float *in_re = job->in + k0 * job->rows, *in_im = job->in + job->rows * kp + k0 * job->rows;
  float *x = sc->buf[0], *s, *p, *g, *sr, *si;

  memset (x, 0, 2 * m * SMALL * sizeof (float));
  for (gsize r = 0; r < job->rows; r++)
    for (gsize b = 0; b < SMALL; b++)
      {
        x[r * SMALL + b] = in_re[r * BATCH + b];
        x[(m + r) * SMALL + b] = in_im[r * BATCH + b];
      }
  s = healer_fft_batch_small (self->plan, x, sc->buf[1], FALSE);
  sr = s;
  si = s + m * SMALL;
  p = s == sc->buf[0] ? sc->buf[1] : sc->buf[0];
  g = sc->buf[2];
  for (guint q = 0; q < 3; q++)
    {
      const float *h = self->hat[q] + k0 * m;
      float *pr = p, *pi = p + m * SMALL, *res;

      for (gsize r = 0; r < m; r++)
        for (gsize b = 0; b < SMALL; b++)
          {
            gsize i = r * SMALL + b;
            float hv = h[r * BATCH + b];

            if (q == 0)
              {
                pr[i] = sr[i] * hv;
                pi[i] = si[i] * hv;
              }
            else
              {
                pr[i] = -(si[i] * hv);
                pi[i] = sr[i] * hv;
              }
          }
      res = healer_fft_batch_small (self->plan, p, g, TRUE);
      for (gsize r = 0; r < side; r++)
        for (gsize b = 0; b < SMALL; b++)
          {
            self->u[q][k0 * side + r * BATCH + b] = res[r * SMALL + b];
            self->u[q][kp * side + k0 * side + r * BATCH + b] = res[(m + r) * SMALL + b];
          }
      if (res == g)
        {
          g = p;
          p = res;
        }
    }
}

static void
along_y_run (gpointer data,
             gsize    first,
             gsize    last)
{
  AlongY *job = data;
  HealerTsneFft *self = job->self;
  gsize m = self->m, kp = self->kp, side = self->side;
  const float *in_re = job->in, *in_im = job->in + job->rows * kp;
  Scratch *sc = scratch_acquire (self);

  for (gsize blk = first; blk < last; blk++)
    {
      gsize k0 = blk * BATCH;
      float *x = sc->buf[0], *s, *p, *g, *sr, *si;

      if (blk == job->small_blk)
        {
          along_y_small (job, sc, blk);
          continue;
        }

      memcpy (x, in_re + k0 * job->rows, job->rows * BATCH * sizeof (float));
      memcpy (x + m * BATCH, in_im + k0 * job->rows, job->rows * BATCH * sizeof (float));
      memset (x + job->rows * BATCH, 0, (m - job->rows) * BATCH * sizeof (float));
      memset (x + (m + job->rows) * BATCH, 0, (m - job->rows) * BATCH * sizeof (float));
      s = healer_fft_batch (self->plan, x, sc->buf[1], FALSE);
      sr = s;
      si = s + m * BATCH;
      if (job->hat != NULL)
        {
          const float *part = job->imaginary ? si : sr;
          float *hat = job->hat + k0 * m;

          for (gsize i = 0; i < m * BATCH; i++)
            hat[i] = part[i] * job->scale;
          continue;
        }
      /* The two buffers other than the spectrum's. */
      p = s == sc->buf[0] ? sc->buf[1] : sc->buf[0];
      g = sc->buf[2];
      for (guint q = 0; q < 3; q++)
        {
          const float *h = self->hat[q] + k0 * m;
          float *pr = p, *pi = p + m * BATCH, *res;

          /* q̃'s spectrum is real, the two forces' imaginary: i h. */
          if (q == 0)
            for (gsize i = 0; i < m * BATCH; i++)
              {
                pr[i] = sr[i] * h[i];
                pi[i] = si[i] * h[i];
              }
          else
            for (gsize i = 0; i < m * BATCH; i++)
              {
                pr[i] = -(si[i] * h[i]);
                pi[i] = sr[i] * h[i];
              }
          res = healer_fft_batch (self->plan, p, g, TRUE);
          memcpy (self->u[q] + k0 * side, res, side * BATCH * sizeof (float));
          memcpy (self->u[q] + kp * side + k0 * side, res + m * BATCH,
                  side * BATCH * sizeof (float));
          /* The ping-pong may have left the result in g: keep p and g
           * the two free buffers. */
          if (res == g)
            {
              g = p;
              p = res;
            }
        }
    }
  scratch_release (self, sc);
}

/* Back along x: the potentials are real, so column c's spectrum is
 * Hermitian and k ≤ m / 2 holds all of it; columns c and c + side / 2
 * come back together as the real and imaginary parts of one transform.
 * Job j does kernel j / blocks, columns (j % blocks) · BATCH …. */
static void
back_x_run (gpointer data,
            gsize    first,
            gsize    last)
{
  HealerTsneFft *self = data;
  gsize m = self->m, kp = self->kp, side = self->side, half = side / 2;
  gsize blocks = (half + BATCH - 1) / BATCH;
  Scratch *sc = scratch_acquire (self);

  for (gsize job = first; job < last; job++)
    {
      guint q = (guint) (job / blocks);
      gsize c0 = (job % blocks) * BATCH, nb = MIN (BATCH, half - c0);
      const float *ur = self->u[q], *ui = self->u[q] + kp * side;
      float *x = sc->buf[0], *res, *pot = self->pot[q];

      memset (x, 0, 2 * m * BATCH * sizeof (float));
      for (gsize k = 0; k < m; k++)
        {
          gsize kk = k <= m / 2 ? k : m - k;
          gsize at = ((kk / BATCH) * side + c0) * BATCH + kk % BATCH;
          const float *ar = ur + at, *ai = ui + at;
          const float *br = ar + half * BATCH, *bi = ai + half * BATCH;
          float *zr = x + k * BATCH, *zi = x + (m + k) * BATCH;

          /* A(k) + i B(k), with A(m − k) = conj A(k) and the same for B;
           * column c0 + b is BATCH values further on in the tiles. */
          if (k == kk)
            for (gsize b = 0; b < nb; b++)
              {
                zr[b] = ar[b * BATCH] - bi[b * BATCH];
                zi[b] = ai[b * BATCH] + br[b * BATCH];
              }
          else
            for (gsize b = 0; b < nb; b++)
              {
                zr[b] = ar[b * BATCH] + bi[b * BATCH];
                zi[b] = br[b * BATCH] - ai[b * BATCH];
              }
        }
      res = healer_fft_batch (self->plan, x, sc->buf[1], TRUE);
      for (gsize r = 0; r < side; r++)
        {
          memcpy (pot + r * side + c0, res + r * BATCH, nb * sizeof (float));
          memcpy (pot + r * side + half + c0, res + (m + r) * BATCH, nb * sizeof (float));
        }
    }
  scratch_release (self, sc);
}

/* Rows of the kernel @q on the doubled grid (see set_grid), on the
 * threads: the grid changes about 90 times in a 5000-row map (the boxes'
 * widths double with the map while it is small), and m² divisions a
 * kernel were a serial step each time. */
typedef struct
{
  double *kern;
  gsize   m;
  double  spacing;
  guint   q;
} KernelJob;

static void
kernel_rows (gpointer data,
             gsize    first,
             gsize    last)
{
  const KernelJob *kj = data;
  gsize m = kj->m;
  double spacing = kj->spacing;

  for (gsize r = first; r < last; r++)
    for (gsize c = 0; c < m; c++)
      {
        double dx = spacing * (r < m / 2 ? (double) r : r == m / 2 ? 0.0 : (double) r - (double) m);
        double dy = spacing * (c < m / 2 ? (double) c : c == m / 2 ? 0.0 : (double) c - (double) m);
        double v = 1.0 / (1.0 + dx * dx + dy * dy);

        /* the even kernel needs the true distance at index side too */
        if (kj->q == 0 && (r == m / 2 || c == m / 2))
          {
            double ex = spacing * (double) MIN (r, m - r), ey = spacing * (double) MIN (c, m - c);

            v = 1.0 / (1.0 + ex * ex + ey * ey);
          }
        else if (kj->q == 1)
          v = v * v * dx;
        else if (kj->q == 2)
          v = v * v * dy;
        kj->kern[r * m + c] = v;
      }
}

/* The kernels' transforms on the doubled grid, laid out as circulants
 * (offset d at index d, −d at m − d; index side, never used, holds 0 in
 * the odd kernels). q̃ is even, so its transform is real; q̃² dx is odd in
 * x and even in y, q̃² dy the reverse, so theirs are imaginary. */
static void
set_grid (HealerTsneFft  *self,
          guint           n_boxes,
          double          width,
          HealerParallel *par)
{
  gsize m = 2 * NODES * (gsize) n_boxes;
  double spacing = width / NODES;
  g_autofree double *kern = NULL;
  g_autofree float *t = NULL;
  gsize kp;

  if (self->n_boxes == n_boxes && self->width == width)
    return;
  kp = (m / 2 + 1 + BATCH - 1) / BATCH * BATCH;
  if (self->m != m)
    {
      free_grid (self);
      self->plan = healer_fft_plan_new ((guint) m);
      g_assert (self->plan != NULL);
      for (guint q = 0; q < 3; q++)
        {
          self->hat[q] = g_new (float, m * kp);
          self->u[q] = g_new0 (float, 2 * kp * (m / 2));
          self->pot[q] = g_new (float, (m / 2) * (m / 2));
        }
      self->charge = g_new (double, (m / 2) * (m / 2));
      /* The padding frequencies stay 0. */
      self->t = g_new0 (float, 2 * (m / 2) * kp);
    }
  self->n_boxes = n_boxes;
  self->width = width;
  /* Target box B, source box B' = B − (dbx, dby): node offsets along x
   * dbx · NODES + a_x − b_x. */
  for (gint dbx = -1; dbx <= 1; dbx++)
    for (gint dby = -1; dby <= 1; dby++)
      for (guint a = 0; a < NODES * NODES; a++)
        for (guint b = 0; b < NODES * NODES; b++)
          {
            double dx = spacing * (double) (dbx * NODES + (gint) (a / NODES) - (gint) (b / NODES));
            double dy = spacing * (double) (dby * NODES + (gint) (a % NODES) - (gint) (b % NODES));
            double v = 1.0 / (1.0 + dx * dx + dy * dy);
            guint nb = (guint) ((dbx + 1) * 3 + dby + 1);

            self->near_mat[nb][b][0][a] = (float) v;
            self->near_mat[nb][b][1][a] = (float) (v * v * dx);
            self->near_mat[nb][b][2][a] = (float) (v * v * dy);
          }
  self->side = m / 2;
  self->m = m;
  self->kp = kp;

  kern = g_new (double, m * m);
  t = g_new0 (float, 2 * m * kp);
  for (guint q = 0; q < 3; q++)
    {
      AlongY job;

      KernelJob kj = { kern, m, spacing, q };

      healer_parallel_run (par, m, kernel_rows, &kj);
      along_x (self, par, kern, m, m, t);
      /* Both passes leave a factor 2 (along_x_run) and the inverse
       * transforms m²: the kernels take them all. */
      job = (AlongY) { self, t, m, self->hat[q], q != 0, (float) (1.0 / (4.0 * (double) m * (double) m)),
                       G_MAXSIZE };
      healer_parallel_run (par, kp / BATCH, along_y_run, &job);
    }
}

/* The boxes' width for a map @extent wide: @full once the map is MIN_BOXES
 * boxes that wide; below, a power of two of it, exact in binary, so the
 * grid and its transforms change only when the map doubles; above
 * MAX_BOXES boxes, wider. */
static double
grid_width (double extent,
            double full)
{
  double width = full;

  while (width * MIN_BOXES > extent && width > 1e-300)
    width *= 0.5;
  if (extent > width * MAX_BOXES)
    width = extent / MAX_BOXES;
  return width;
}

/* The box of a coordinate along one axis, the grid starting at @origin. */
static inline guint
point_box (double coord,
           double origin,
           double width,
           guint  n_boxes)
{
  double box = floor ((coord - origin) / width);

  if (box < 0)
    box = 0;
  if (box > (double) n_boxes - 1)
    box = (double) n_boxes - 1;
  return (guint) box;
}

/* Box and Lagrange weights of every point: of point @order[k] (the points
 * sorted by box, with the near field) or k into slot k. */
static inline __attribute__ ((always_inline)) void
weights_run (HealerTsneFft  *self,
             const double   *y,
             const guint32  *order,
             gsize           first,
             gsize           last)
{
  double node[NODES], den[NODES];

  /* Nodes at t_a = (a + ½) / NODES: w_a = Π_b≠a (t − t_b) / (t_a − t_b).
   * The products run over b in order for every a at once, a factor 1 (exact)
   * standing in for b = a: the same bits as one a at a time. */
  for (guint a = 0; a < NODES; a++)
    {
      node[a] = ((double) a + 0.5) / NODES;
      den[a] = 1.0;
      for (guint b = 0; b < NODES; b++)
        if (b != a)
          den[a] *= ((double) a - (double) b) / NODES;
    }
  for (gsize k = first; k < last; k++)
    for (guint axis = 0; axis < 2; axis++)
      {
        gsize i = order != NULL ? order[k] : k;
        double origin = axis == 0 ? self->origin_x : self->origin_y;
        double pos = (y[2 * i + axis] - origin) / self->width;
        guint box = point_box (y[2 * i + axis], origin, self->width, self->n_boxes);
        double t = pos - (double) box;
        double *w = self->weight + (2 * k + axis) * NODES;
        double num[NODES];

        self->box[2 * k + axis] = box * NODES;
        /* placed by the box counted from the same values (R7) */
        if (order != NULL && axis == 1)
          g_assert (self->cell_of[i] == (self->box[2 * k] / NODES) * self->n_boxes + box);
        for (guint a = 0; a < NODES; a++)
          num[a] = 1.0;
        for (guint b = 0; b < NODES; b++)
          {
            double f = t - node[b];

            for (guint a = 0; a < NODES; a++)
              num[a] *= a == b ? 1.0 : f;
          }
        for (guint a = 0; a < NODES; a++)
          w[a] = num[a] / den[a];
      }
}

typedef struct
{
  HealerTsneFft     *self;
  const double      *y;
  HealerParallelFunc also;
  gpointer           also_data;
  const guint32     *order;       /* see weights_run */
} SpreadJob;

static void
weights_job_run (gpointer data,
                 gsize    first,
                 gsize    last)
{
  SpreadJob *job = data;

  weights_run (job->self, job->y, job->order, first, last);
  if (job->also != NULL)
    job->also (job->also_data, first, last);
}

#if HEALER_NEAR_HAVE_AVX2
/* The same operations; the AVX2 build rounds down in an instruction
 * instead of calling floor() (exact either way: the same bits). */
__attribute__ ((target ("avx2")))
static void
weights_job_run_avx2 (gpointer data,
                      gsize    first,
                      gsize    last)
{
  SpreadJob *job = data;

  weights_run (job->self, job->y, job->order, first, last);
  if (job->also != NULL)
    job->also (job->also_data, first, last);
}
#endif

/* Spread the charges: part p of SPREAD_PARTS owns a band of node rows and
 * adds every point's charges that fall in it, in point order. Each node's
 * sum is then taken in point order whatever the threads, as by one. */
#define SPREAD_PARTS 8

static void
spread_run (gpointer data,
            gsize    first,
            gsize    last)
{
  SpreadJob *job = data;
  HealerTsneFft *self = job->self;
  gsize side = self->side, band = (side + SPREAD_PARTS - 1) / SPREAD_PARTS;

  for (gsize part = first; part < last; part++)
    {
      gsize r0 = MIN (part * band, side), r1 = MIN (r0 + band, side);

      memset (self->charge + r0 * side, 0, (r1 - r0) * side * sizeof (double));
      for (gsize i = 0; i < job->self->n; i++)
        {
          const double *wx = self->weight + 2 * i * NODES, *wy = wx + NODES;
          gsize bx = self->box[2 * i], by = self->box[2 * i + 1];

          if (bx + NODES <= r0 || bx >= r1)
            continue;
          for (guint a = 0; a < NODES; a++)
            if (bx + a >= r0 && bx + a < r1)
              for (guint b = 0; b < NODES; b++)
                self->charge[(bx + a) * side + by + b] += wx[a] * wy[b];
        }
    }
}

/* The same by box, when the points are sorted by box (the near field):
 * job bx owns the boxes of column bx and their node rows. A node gets
 * charge only from the points of its own box, which are in index order
 * there, so every node's sum is the one spread_run takes, bit for bit;
 * but the writes stay within a few node rows and no job reads the points
 * of the others. */
static void
spread_cells_run (gpointer data,
                  gsize    first,
                  gsize    last)
{
  SpreadJob *job = data;
  HealerTsneFft *self = job->self;
  gsize side = self->side;
  guint n_boxes = self->n_boxes;

  memset (self->charge + first * NODES * side, 0, (last - first) * NODES * side * sizeof (double));
  for (gsize cell = first * n_boxes; cell < last * n_boxes; cell++)
    for (guint32 e = self->cell_start[cell]; e < self->cell_start[cell + 1]; e++)
      {
        const double *wx = self->weight + 2 * (gsize) e * NODES, *wy = wx + NODES;
        double *c = self->charge + (gsize) self->box[2 * e] * side + self->box[2 * e + 1];

        for (guint a = 0; a < NODES; a++)
          for (guint b = 0; b < NODES; b++)
            c[a * side + b] += wx[a] * wy[b];
      }
}

typedef struct
{
  HealerTsneFft *self;
  const double  *y;
  double        *z;
  double        *rep;
} ReadJob;

/* Reading with the near field corrected, box by box (boxes being
 * written by one job each, the bits do not depend on the threads): the
 * interpolated contributions of the charges of the box and of its eight
 * neighbours, Σ_b K(n_a − n_b) c_b, are taken off its nodes' potentials,
 * and each of its points adds the exact kernels of the points in those
 * nine boxes instead (itself included: q̃_ii = 1, taken off below with the
 * rest of the self term). On a wide map with clusters of near-duplicates
 * those pairs carry most of the interpolation's error. */
typedef double HealerNearV4 __attribute__ ((vector_size (32)));
/* Node values of a box, 16 floats in two vectors: node (a, b) at a · 4 + b. */
typedef float HealerNearV8f __attribute__ ((vector_size (32)));
/* the same, for loads from memory aligned to a float only */
typedef float HealerNearV8fu __attribute__ ((vector_size (32), aligned (4)));

/* The near field's node sums and the reading of the potentials run in
 * single precision, eight lanes, as the potentials themselves come out of
 * the float transforms (rounding ~1e-7 of the potentials against the
 * interpolation's ~1e-3): in doubles the correction of a box (16 × 16
 * products per kernel and neighbour) was a third of this pass. */
static inline __attribute__ ((always_inline)) void
read_cells_impl (ReadJob *job,
                 gsize    first,
                 gsize    last)
{
  HealerTsneFft *self = job->self;
  gsize side = self->side;
  guint n_boxes = self->n_boxes;
  const double *px = self->cell_y, *py = self->cell_y + self->n;

  G_STATIC_ASSERT (NODES * NODES == 16);
  for (gsize cell = first; cell < last; cell++)
    {
      guint bx = (guint) (cell / n_boxes), by = (guint) (cell % n_boxes);
      HealerNearV8f far[3][2];

      if (self->cell_start[cell] == self->cell_start[cell + 1])
        continue;
      for (guint q = 0; q < 3; q++)
        for (guint h = 0; h < 2; h++)
          {
            const float *r0 = self->pot[q] + (bx * NODES + 2 * h) * side + by * NODES;
            const float *r1 = r0 + side;

            far[q][h] = (HealerNearV8f) { r0[0], r0[1], r0[2], r0[3], r1[0], r1[1], r1[2], r1[3] };
          }
      for (gint dbx = -1; dbx <= 1; dbx++)
        for (gint dby = -1; dby <= 1; dby++)
          {
            gint sx = (gint) bx - dbx, sy = (gint) by - dby;
            guint nb = (guint) ((dbx + 1) * 3 + dby + 1);
            HealerNearV8f v0 = { 0 }, v1 = v0, v2 = v0, v3 = v0, v4 = v0, v5 = v0;
            gsize src;

            if (sx < 0 || sy < 0 || sx >= (gint) n_boxes || sy >= (gint) n_boxes)
              continue;
            src = (gsize) sx * n_boxes + (gsize) sy;
            if (self->cell_start[src] == self->cell_start[src + 1])
              continue;
            /* Σ_b K(n_a − n_b) c_b for the 16 target nodes a at once, two
             * vectors per kernel */
            for (guint b = 0; b < NODES * NODES; b++)
              {
                const HealerNearV8fu *t = (const HealerNearV8fu *) self->near_mat[nb][b][0];
                float c = (float) self->charge[((gsize) sx * NODES + b / NODES) * side +
                                               (gsize) sy * NODES + b % NODES];

                v0 += t[0] * c;
                v1 += t[1] * c;
                v2 += t[2] * c;
                v3 += t[3] * c;
                v4 += t[4] * c;
                v5 += t[5] * c;
              }
            far[0][0] -= v0;
            far[0][1] -= v1;
            far[1][0] -= v2;
            far[1][1] -= v3;
            far[2][0] -= v4;
            far[2][1] -= v5;
          }
      for (guint32 e = self->cell_start[cell]; e < self->cell_start[cell + 1]; e++)
        {
          guint32 i = self->cell_pts[e];
          const double *wx = self->weight + 2 * (gsize) e * NODES, *wy = wx + NODES;
          double yix = px[e], yiy = py[e];
          double z, fx, fy;
          HealerNearV4 z4 = { 0, 0, 0, 0 }, fx4 = { 0, 0, 0, 0 }, fy4 = { 0, 0, 0, 0 };
          /* the weights of the 16 nodes, wx[a] wy[b] at a · 4 + b */
          HealerNearV8f wy8 = { (float) wy[0], (float) wy[1], (float) wy[2], (float) wy[3],
                                (float) wy[0], (float) wy[1], (float) wy[2], (float) wy[3] };
          HealerNearV8f wlo = (HealerNearV8f) { (float) wx[0], (float) wx[0], (float) wx[0], (float) wx[0],
                                                (float) wx[1], (float) wx[1], (float) wx[1], (float) wx[1] } * wy8;
          HealerNearV8f whi = (HealerNearV8f) { (float) wx[2], (float) wx[2], (float) wx[2], (float) wx[2],
                                                (float) wx[3], (float) wx[3], (float) wx[3], (float) wx[3] } * wy8;
          HealerNearV8f s[3];

          for (guint q = 0; q < 3; q++)
            s[q] = wlo * far[q][0] + whi * far[q][1];
          z = (double) (((s[0][0] + s[0][1]) + (s[0][2] + s[0][3])) + ((s[0][4] + s[0][5]) + (s[0][6] + s[0][7])));
          fx = (double) (((s[1][0] + s[1][1]) + (s[1][2] + s[1][3])) + ((s[1][4] + s[1][5]) + (s[1][6] + s[1][7])));
          fy = (double) (((s[2][0] + s[2][1]) + (s[2][2] + s[2][3])) + ((s[2][4] + s[2][5]) + (s[2][6] + s[2][7])));
          /* The exact kernels of the points of the nine boxes: for each
           * column of boxes, three consecutive boxes, so one run of the
           * sorted points; four partial sums, one per lane. */
          for (guint cx = bx > 0 ? bx - 1 : 0; cx <= bx + 1 && cx < n_boxes; cx++)
            {
              gsize c0 = (gsize) cx * n_boxes + (by > 0 ? by - 1 : 0);
              gsize c1 = (gsize) cx * n_boxes + MIN (by + 1, n_boxes - 1) + 1;
              guint32 f = self->cell_start[c0], end = self->cell_start[c1];

              for (; f + 4 <= end; f += 4)
                {
                  HealerNearV4 dx, dy, q;

                  memcpy (&dx, px + f, sizeof dx);
                  memcpy (&dy, py + f, sizeof dy);
                  dx = yix - dx;
                  dy = yiy - dy;
                  q = 1.0 / (1.0 + dx * dx + dy * dy);
                  z4 += q;
                  fx4 += q * q * dx;
                  fy4 += q * q * dy;
                }
              for (; f < end; f++)
                {
                  double dx = yix - px[f], dy = yiy - py[f];
                  double q = 1.0 / (1.0 + dx * dx + dy * dy);

                  z += q;
                  fx += q * q * dx;
                  fy += q * q * dy;
                }
            }
          job->z[i] = (((z4[0] + z4[1]) + (z4[2] + z4[3])) + z) - 1.0;
          job->rep[2 * i] = ((fx4[0] + fx4[1]) + (fx4[2] + fx4[3])) + fx;
          job->rep[2 * i + 1] = ((fy4[0] + fy4[1]) + (fy4[2] + fy4[3])) + fy;
        }
    }
}

static void
read_cells_run (gpointer data,
                gsize    first,
                gsize    last)
{
  read_cells_impl (data, first, last);
}

#if HEALER_NEAR_HAVE_AVX2
__attribute__ ((target ("avx2")))
static void
read_cells_run_avx2 (gpointer data,
                     gsize    first,
                     gsize    last)
{
  read_cells_impl (data, first, last);
}
#endif

static void
read_run (gpointer data,
          gsize    first,
          gsize    last)
{
  ReadJob *job = data;
  HealerTsneFft *self = job->self;
  gsize side = self->side;

  for (gsize i = first; i < last; i++)
    {
      const double *wx = self->weight + 2 * i * NODES, *wy = wx + NODES;
      gsize bx = self->box[2 * i], by = self->box[2 * i + 1];
      double z = 0, fx = 0, fy = 0;

      for (guint a = 0; a < NODES; a++)
        for (guint b = 0; b < NODES; b++)
          {
            double w = wx[a] * wy[b];
            gsize at = (bx + a) * side + by + b;

            z += w * self->pot[0][at];
            fx += w * self->pot[1][at];
            fy += w * self->pot[2][at];
          }
      /* The point's own charge adds q̃_ii = 1 to Z and no force (the odd
       * kernels cancel over the symmetric double sum of its weights). */
      job->z[i] = z - 1.0;
      job->rep[2 * i] = fx;
      job->rep[2 * i + 1] = fy;
    }
}

gboolean
healer_tsne_fft_repulsion (HealerTsneFft      *self,
                           const double       *y,
                           gsize               n,
                           HealerParallel     *par,
                           double             *z,
                           double             *rep,
                           HealerParallelFunc  also,
                           gpointer            also_data)
{
  double min_x = HUGE_VAL, max_x = -HUGE_VAL, min_y = HUGE_VAL, max_y = -HUGE_VAL;
  double extent, width;
  guint n_boxes;
  gsize side, half;
  ReadJob read;

  if (self->n != n)
    {
      g_free (self->box);
      g_free (self->weight);
      self->box = g_new (guint32, 2 * n);
      self->weight = g_new (double, 2 * NODES * n);
      self->n = n;
    }
  for (gsize i = 0; i < n; i++)
    {
      min_x = MIN (min_x, y[2 * i]);
      max_x = MAX (max_x, y[2 * i]);
      min_y = MIN (min_y, y[2 * i + 1]);
      max_y = MAX (max_y, y[2 * i + 1]);
    }
  /* A little wider than the points, so the extreme ones fall inside. */
  extent = MAX (max_x - min_x, max_y - min_y) * (1 + 1e-9) + 1e-12;
  if (!isfinite (extent))
    return FALSE;
  /* The near field once the boxes are at least half their full width (on
   * narrower ones, a map less than MIN_BOXES · BOX_WIDTH / 2 wide, the
   * interpolation is finer than the kernels' scale and the near pairs many),
   * and while its exact pairs, each point with every point of its nine
   * boxes, number at most NEAR_MAX_PAIRS a point on average: counted here
   * from the positions alone, so the choice does not depend on the
   * threads, and the work stays O(n). Otherwise (points crowded into a
   * few boxes, or a far outlier stretching the map past MAX_BOXES boxes)
   * the grid interpolates everything, on boxes INTERP_BOX_WIDTH wide. */
  width = grid_width (extent, BOX_WIDTH);
  n_boxes = smooth_ceil ((guint) ceil (extent / width));
  self->near = width >= 0.5 * BOX_WIDTH;
  if (self->near)
    {
      gsize cells = (gsize) n_boxes * n_boxes;
      double ox = 0.5 * (min_x + max_x) - 0.5 * n_boxes * width;
      double oy = 0.5 * (min_y + max_y) - 0.5 * n_boxes * width;
      guint64 pairs = 0;

      if (self->cells_alloc < cells + 1)
        {
          g_free (self->cell_start);
          self->cell_start = g_new (guint32, cells + 1);
          self->cells_alloc = cells + 1;
        }
      memset (self->cell_start, 0, (cells + 1) * sizeof (guint32));
      self->cell_of = g_renew (guint32, self->cell_of, n);
      /* the boxes as weights_run() will find them (the same function of
       * the same values; the placement below uses these and checks) */
      for (gsize i = 0; i < n; i++)
        {
          self->cell_of[i] = point_box (y[2 * i], ox, width, n_boxes) * n_boxes +
                             point_box (y[2 * i + 1], oy, width, n_boxes);
          self->cell_start[self->cell_of[i] + 1]++;
        }
      for (guint bx = 0; bx < n_boxes; bx++)
        for (guint by = 0; by < n_boxes; by++)
          {
            guint32 here = self->cell_start[(gsize) bx * n_boxes + by + 1];
            guint64 around = 0;

            if (here == 0)
              continue;
            for (guint cx = bx > 0 ? bx - 1 : 0; cx <= bx + 1 && cx < n_boxes; cx++)
              for (guint cy = by > 0 ? by - 1 : 0; cy <= by + 1 && cy < n_boxes; cy++)
                around += self->cell_start[(gsize) cx * n_boxes + cy + 1];
            pairs += (guint64) here * around;
          }
      /* With hysteresis: once over the bound, back only under 3/4 of it,
       * so that a count near the bound does not switch the grid (and
       * re-transform its kernels) every iteration. */
      self->crowded = pairs > (guint64) (self->crowded ? NEAR_MAX_PAIRS * 3 / 4 : NEAR_MAX_PAIRS) * n;
      if (self->crowded)
        self->near = FALSE;
    }
  if (!self->near)
    {
      width = grid_width (extent, INTERP_BOX_WIDTH);
      n_boxes = smooth_ceil ((guint) ceil (extent / width));
    }
  set_grid (self, n_boxes, width, par);
  side = self->side;
  half = side / 2;
  /* The points in the middle of the grid. */
  self->origin_x = 0.5 * (min_x + max_x) - 0.5 * self->n_boxes * self->width;
  self->origin_y = 0.5 * (min_y + max_y) - 0.5 * self->n_boxes * self->width;
  if (self->near)
    {
      /* the points by box, in index order within a box */
      gsize cells = (gsize) self->n_boxes * self->n_boxes;

      self->cell_pts = g_renew (guint32, self->cell_pts, n);
      self->cell_y = g_renew (double, self->cell_y, 2 * n);
      for (gsize c = 0; c < cells; c++)
        self->cell_start[c + 1] += self->cell_start[c];
      for (gsize i = 0; i < n; i++)
        {
          gsize c = self->cell_of[i];

          self->cell_y[self->cell_start[c]] = y[2 * i];
          self->cell_y[n + self->cell_start[c]] = y[2 * i + 1];
          self->cell_pts[self->cell_start[c]++] = (guint32) i;
        }
      /* cell_start[c] now holds the end of c: shift back */
      memmove (self->cell_start + 1, self->cell_start, cells * sizeof (guint32));
      self->cell_start[0] = 0;
    }
  {
    /* with the near field, the weights in the order of the boxes' points:
     * spread_cells_run and read_cells_run read them in that order */
    SpreadJob job = { self, y, also, also_data, self->near ? self->cell_pts : NULL };

#if HEALER_NEAR_HAVE_AVX2
    if (healer_fft_get_kernel () == HEALER_FFT_KERNEL_AVX2)
      healer_parallel_run (par, n, weights_job_run_avx2, &job);
    else
#endif
      healer_parallel_run (par, n, weights_job_run, &job);
    if (!self->near)
      healer_parallel_run (par, SPREAD_PARTS, spread_run, &job);
  }
  if (self->near)
    {
      SpreadJob job = { self, y, NULL, NULL, NULL };

      healer_parallel_run (par, self->n_boxes, spread_cells_run, &job);
    }

  /* Forward along x, then along y with the three products and back, then
   * back along x. */
  {
    AlongY job = { self, self->t, side, NULL, FALSE, 1.0, G_MAXSIZE };
    gsize blocks = self->kp / BATCH;

    /* the frequencies k ≤ m / 2 are m / 2 + 1: the last block may hold few */
    if (self->m / 2 + 1 - (blocks - 1) * BATCH <= SMALL && !self->no_small)
      job.small_blk = blocks - 1;

    along_x (self, par, self->charge, side, side, self->t);
    healer_parallel_run (par, self->kp / BATCH, along_y_run, &job);
    healer_parallel_run (par, 3 * ((half + BATCH - 1) / BATCH), back_x_run, self);
  }

  read = (ReadJob) { self, y, z, rep };
  if (self->near)
    {
#if HEALER_NEAR_HAVE_AVX2
      if (healer_fft_get_kernel () == HEALER_FFT_KERNEL_AVX2)
        healer_parallel_run (par, (gsize) self->n_boxes * self->n_boxes, read_cells_run_avx2, &read);
      else
#endif
        healer_parallel_run (par, (gsize) self->n_boxes * self->n_boxes, read_cells_run, &read);
    }
  else
    healer_parallel_run (par, n, read_run, &read);
  return TRUE;
}
