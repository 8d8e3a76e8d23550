/* healer-projection-fft.c — t-SNE repulsion by interpolation on a grid and FFT convolution
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_fft_complex.h>

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
 * one forward transform serves all three. q̃ is even and q̃² dx odd, so
 * their transforms are real and imaginary, and both results come out of
 * one inverse transform (real and imaginary parts); q̃² dy needs a second.
 *
 * Boxes are BOX_WIDTH wide once the map is that large (the kernels vary on
 * the scale of 1, so the interpolation error stays the same as the map
 * grows); a smaller map gets at least MIN_BOXES boxes, their width a power
 * of two of BOX_WIDTH. Either way the kernels' transforms only change when
 * the grid does, and are kept until then. Every sum is over a fixed order
 * of points or nodes: the result does not depend on the number of threads. */
#define NODES      4
#define BOX_WIDTH  1.0
#define MIN_BOXES  16
/* Bounds the grid (m = 2 · NODES · 256 = 2048: 170 MB of buffers, 300 MB
 * while the kernels are transformed): a wider map gets wider boxes, less
 * accurate, not more of them. Maps of 5000 to 20,000 rows measured 140 to
 * 156 wide, well below. */
#define MAX_BOXES  256

struct _HealerTsneFft
{
  /* the grid */
  guint    n_boxes;
  double   width;                 /* of a box */
  gsize    side;                  /* nodes per side: NODES · n_boxes */
  gsize    m;                     /* FFT length: 2 · side */
  double  *hat_zx;                /* m × m: transform of q̃ + i q̃² dx (real) */
  double  *hat_y;                 /* m × m: transform of q̃² dy over i (real) */
  double  *charge;                /* side × m complex: the charges, then their row transforms */
  double  *pot_zx;                /* side × m complex: potentials of q̃ (real) and q̃² dx (imaginary) */
  double  *pot_y;                 /* side × m complex: of q̃² dy (real) */
  gsl_fft_complex_wavetable *wavetable;

  /* per point */
  gsize    n;
  guint32 *box;                   /* n × 2: first node of the point's box along x, y */
  double  *weight;                /* n × 2 × NODES: Lagrange weights along x then y */
  double   origin_x, origin_y;    /* lower-left corner of the grid */
};

HealerTsneFft *
healer_tsne_fft_new (void)
{
  return g_new0 (HealerTsneFft, 1);
}

void
healer_tsne_fft_free (HealerTsneFft *self)
{
  if (self == NULL)
    return;
  g_free (self->hat_zx);
  g_free (self->hat_y);
  g_free (self->charge);
  g_free (self->pot_zx);
  g_free (self->pot_y);
  g_clear_pointer (&self->wavetable, gsl_fft_complex_wavetable_free);
  g_free (self->box);
  g_free (self->weight);
  g_free (self);
}

/* The smallest 2^a 3^b 5^c ≥ @n: the transform length 2 · NODES · n_boxes
 * then only has GSL's fast radices. */
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
      while (r % 5 == 0)
        r /= 5;
      if (r == 1)
        return n;
    }
}

/* Row transforms of @n_rows rows of @m complex values from @data. */
typedef struct
{
  HealerTsneFft *self;
  double        *data[2];
  gsize          n_rows;          /* per array */
  gboolean       inverse;
} RowJob;

static void
rows_run (gpointer data,
          gsize    first,
          gsize    last)
{
  RowJob *job = data;
  HealerTsneFft *self = job->self;
  gsl_fft_complex_workspace *work = gsl_fft_complex_workspace_alloc (self->m);

  for (gsize k = first; k < last; k++)
    {
      double *row = job->data[k / job->n_rows] + 2 * (k % job->n_rows) * self->m;

      if (job->inverse)
        gsl_fft_complex_inverse (row, 1, self->m, self->wavetable, work);
      else
        gsl_fft_complex_forward (row, 1, self->m, self->wavetable, work);
    }
  gsl_fft_complex_workspace_free (work);
}

/* Columns of the charges' row transforms: forward, times the two kernel
 * transforms, both back; in contiguous copies (strided transforms of a
 * power-of-two grid thrash the cache). Rows from side on are zero going in
 * and not needed coming out. The charges are real, so their transform Y
 * has Y(k, m − c) = conj Y(m − k, c): one forward transform serves columns
 * c and m − c. The q̃² dy potential is real too, so its row spectra are
 * conjugate-symmetric and column m − c of it is the conjugate of column c.
 * Job p does columns p and m − p, for p from 0 to m / 2. */
static void
columns_run (gpointer data,
             gsize    first,
             gsize    last)
{
  HealerTsneFft *self = data;
  gsize m = self->m, side = self->side;
  gsl_fft_complex_workspace *work = gsl_fft_complex_workspace_alloc (m);
  double *line = g_new (double, 2 * m);
  double *out = g_new (double, 2 * m);

  for (gsize p = first; p < last; p++)
    {
      gsize c = p, c2 = (m - p) % m;

      for (gsize r = 0; r < side; r++)
        {
          line[2 * r] = self->charge[2 * (r * m + c)];
          line[2 * r + 1] = self->charge[2 * (r * m + c) + 1];
        }
      memset (line + 2 * side, 0, 2 * (m - side) * sizeof (double));
      gsl_fft_complex_forward (line, 1, m, self->wavetable, work);

      /* q̃ and q̃² dx, column c */
      for (gsize k = 0; k < m; k++)
        {
          double h = self->hat_zx[k * m + c];

          out[2 * k] = line[2 * k] * h;
          out[2 * k + 1] = line[2 * k + 1] * h;
        }
      gsl_fft_complex_inverse (out, 1, m, self->wavetable, work);
      for (gsize r = 0; r < side; r++)
        {
          self->pot_zx[2 * (r * m + c)] = out[2 * r];
          self->pot_zx[2 * (r * m + c) + 1] = out[2 * r + 1];
        }
      /* q̃² dy, column c and its mirror */
      for (gsize k = 0; k < m; k++)
        {
          double g = self->hat_y[k * m + c];

          out[2 * k] = -line[2 * k + 1] * g;
          out[2 * k + 1] = line[2 * k] * g;
        }
      gsl_fft_complex_inverse (out, 1, m, self->wavetable, work);
      for (gsize r = 0; r < side; r++)
        {
          self->pot_y[2 * (r * m + c)] = out[2 * r];
          self->pot_y[2 * (r * m + c) + 1] = out[2 * r + 1];
          self->pot_y[2 * (r * m + c2)] = out[2 * r];
          self->pot_y[2 * (r * m + c2) + 1] = -out[2 * r + 1];
        }
      if (c2 == c)
        continue;
      /* q̃ and q̃² dx, column m − c, from Y(k, m − c) = conj Y(m − k, c) */
      for (gsize k = 0; k < m; k++)
        {
          gsize mk = (m - k) % m;
          double h = self->hat_zx[k * m + c2];

          out[2 * k] = line[2 * mk] * h;
          out[2 * k + 1] = -line[2 * mk + 1] * h;
        }
      gsl_fft_complex_inverse (out, 1, m, self->wavetable, work);
      for (gsize r = 0; r < side; r++)
        {
          self->pot_zx[2 * (r * m + c2)] = out[2 * r];
          self->pot_zx[2 * (r * m + c2) + 1] = out[2 * r + 1];
        }
    }
  g_free (out);
  g_free (line);
  gsl_fft_complex_workspace_free (work);
}

static void
kernel_columns_run (gpointer data,
                    gsize    first,
                    gsize    last)
{
  RowJob *job = data;
  HealerTsneFft *self = job->self;
  gsl_fft_complex_workspace *work = gsl_fft_complex_workspace_alloc (self->m);

  for (gsize k = first; k < last; k++)
    gsl_fft_complex_forward (job->data[k / self->m] + 2 * (k % self->m), self->m, self->m,
                             self->wavetable, work);
  gsl_fft_complex_workspace_free (work);
}

/* The kernels' transforms on the doubled grid, laid out as circulants
 * (offset d at index d, −d at m − d; index side, never used, holds 0 in
 * the odd kernels). q̃ is even, so its transform is real; q̃² dx is odd in
 * x and even in y, so its transform is imaginary: Re FFT(q̃ + i q̃² dx)
 * holds both. */
static void
set_grid (HealerTsneFft  *self,
          guint           n_boxes,
          double          width,
          HealerParallel *par)
{
  gsize m = 2 * NODES * (gsize) n_boxes;
  double spacing = width / NODES;
  g_autofree double *a = NULL;
  g_autofree double *b = NULL;
  RowJob job;

  if (self->n_boxes == n_boxes && self->width == width)
    return;
  if (self->m != m)
    {
      g_clear_pointer (&self->wavetable, gsl_fft_complex_wavetable_free);
      self->wavetable = gsl_fft_complex_wavetable_alloc (m);
      g_free (self->hat_zx);
      g_free (self->hat_y);
      g_free (self->charge);
      g_free (self->pot_zx);
      g_free (self->pot_y);
      self->hat_zx = g_new (double, m * m);
      self->hat_y = g_new (double, m * m);
      self->charge = g_new (double, 2 * (m / 2) * m);
      self->pot_zx = g_new (double, 2 * (m / 2) * m);
      self->pot_y = g_new (double, 2 * (m / 2) * m);
    }
  self->n_boxes = n_boxes;
  self->width = width;
  self->side = m / 2;
  self->m = m;

  a = g_new (double, 2 * m * m);
  b = g_new (double, 2 * m * m);
  for (gsize r = 0; r < m; r++)
    for (gsize c = 0; c < m; c++)
      {
        double dx = spacing * (r < m / 2 ? (double) r : r == m / 2 ? 0.0 : (double) r - (double) m);
        double dy = spacing * (c < m / 2 ? (double) c : c == m / 2 ? 0.0 : (double) c - (double) m);
        double q = 1.0 / (1.0 + dx * dx + dy * dy);

        /* the even kernel needs the true distance at index side too */
        if (r == m / 2 || c == m / 2)
          {
            double ex = spacing * (double) MIN (r, m - r), ey = spacing * (double) MIN (c, m - c);

            a[2 * (r * m + c)] = 1.0 / (1.0 + ex * ex + ey * ey);
          }
        else
          a[2 * (r * m + c)] = q;
        a[2 * (r * m + c) + 1] = q * q * dx;
        b[2 * (r * m + c)] = q * q * dy;
        b[2 * (r * m + c) + 1] = 0.0;
      }
  job = (RowJob) { self, { a, b }, m, FALSE };
  healer_parallel_run (par, 2 * m, rows_run, &job);
  healer_parallel_run (par, 2 * m, kernel_columns_run, &job);
  for (gsize i = 0; i < m * m; i++)
    {
      self->hat_zx[i] = a[2 * i];
      self->hat_y[i] = b[2 * i + 1];
    }
}

/* Box and Lagrange weights of every point. */
static void
weights_run (gpointer data,
             gsize    first,
             gsize    last)
{
  RowJob *job = data;
  HealerTsneFft *self = job->self;
  const double *y = job->data[0];

  for (gsize i = first; i < last; i++)
    for (guint axis = 0; axis < 2; axis++)
      {
        double pos = (y[2 * i + axis] - (axis == 0 ? self->origin_x : self->origin_y)) / self->width;
        double box = floor (pos), t;
        double *w = self->weight + (2 * i + axis) * NODES;

        if (box < 0)
          box = 0;
        if (box > (double) self->n_boxes - 1)
          box = (double) self->n_boxes - 1;
        t = pos - box;
        self->box[2 * i + axis] = (guint32) box * NODES;
        /* Nodes at t_a = (a + ½) / NODES: w_a = Π_b≠a (t − t_b) / (t_a − t_b). */
        for (guint a = 0; a < NODES; a++)
          {
            double num = 1.0, den = 1.0;

            for (guint b = 0; b < NODES; b++)
              if (b != a)
                {
                  num *= t - ((double) b + 0.5) / NODES;
                  den *= ((double) a - (double) b) / NODES;
                }
            w[a] = num / den;
          }
      }
}

typedef struct
{
  HealerTsneFft *self;
  double        *z;
  double        *rep;
} ReadJob;

static void
read_run (gpointer data,
          gsize    first,
          gsize    last)
{
  ReadJob *job = data;
  HealerTsneFft *self = job->self;
  gsize m = self->m;

  for (gsize i = first; i < last; i++)
    {
      const double *wx = self->weight + 2 * i * NODES, *wy = wx + NODES;
      gsize bx = self->box[2 * i], by = self->box[2 * i + 1];
      double z = 0, fx = 0, fy = 0;

      for (guint a = 0; a < NODES; a++)
        for (guint b = 0; b < NODES; b++)
          {
            double w = wx[a] * wy[b];
            gsize at = 2 * ((bx + a) * m + by + b);

            z += w * self->pot_zx[at];
            fx += w * self->pot_zx[at + 1];
            fy += w * self->pot_y[at];
          }
      /* The point's own charge adds q̃_ii = 1 to Z and no force (the odd
       * kernels cancel over the symmetric double sum of its weights). */
      job->z[i] = z - 1.0;
      job->rep[2 * i] = fx;
      job->rep[2 * i + 1] = fy;
    }
}

gboolean
healer_tsne_fft_repulsion (HealerTsneFft  *self,
                           const double   *y,
                           gsize           n,
                           HealerParallel *par,
                           double         *z,
                           double         *rep)
{
  double min_x = HUGE_VAL, max_x = -HUGE_VAL, min_y = HUGE_VAL, max_y = -HUGE_VAL;
  double extent, width;
  guint n_boxes;
  gsize m;
  RowJob job;
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
  width = BOX_WIDTH;
  /* Below MIN_BOXES boxes, a power of two of BOX_WIDTH, exact in binary:
   * the grid and its transforms change only when the map doubles. */
  while (width * MIN_BOXES > extent && width > 1e-300)
    width *= 0.5;
  if (extent > width * MAX_BOXES)
    width = extent / MAX_BOXES;
  n_boxes = (guint) ceil (extent / width);
  set_grid (self, smooth_ceil (n_boxes), width, par);
  m = self->m;
  /* The points in the middle of the grid. */
  self->origin_x = 0.5 * (min_x + max_x) - 0.5 * self->n_boxes * self->width;
  self->origin_y = 0.5 * (min_y + max_y) - 0.5 * self->n_boxes * self->width;
  /* O(n) and cheap: one thread spares a hand-over on a busy machine. */
  job = (RowJob) { self, { (double *) y, NULL }, 0, FALSE };
  weights_run (&job, 0, n);

  /* Spread the charges in point order: a fixed order of sums. */
  memset (self->charge, 0, 2 * self->side * m * sizeof (double));
  for (gsize i = 0; i < n; i++)
    {
      const double *wx = self->weight + 2 * i * NODES, *wy = wx + NODES;
      gsize bx = self->box[2 * i], by = self->box[2 * i + 1];

      for (guint a = 0; a < NODES; a++)
        for (guint b = 0; b < NODES; b++)
          self->charge[2 * ((bx + a) * m + by + b)] += wx[a] * wy[b];
    }

  /* Rows forward, columns forward–product–back, rows back. */
  job = (RowJob) { self, { self->charge, NULL }, self->side, FALSE };
  healer_parallel_run (par, self->side, rows_run, &job);
  healer_parallel_run (par, m / 2 + 1, columns_run, self);
  job = (RowJob) { self, { self->pot_zx, self->pot_y }, self->side, TRUE };
  healer_parallel_run (par, 2 * self->side, rows_run, &job);

  read = (ReadJob) { self, z, rep };
  healer_parallel_run (par, n, read_run, &read);
  return TRUE;
}
