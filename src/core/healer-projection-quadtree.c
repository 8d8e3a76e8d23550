/* healer-projection-quadtree.c — Barnes-Hut sums of the t-SNE repulsion
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "healer-projection-private.h"

/* Deep enough for any two distinct doubles of a sane map to separate;
 * points that never do (duplicates) share a leaf. */
#define MAX_DEPTH 48

typedef struct
{
  double  cx, cy;        /* centre of mass */
  double  x0, y0;        /* lower-left corner of the square cell */
  double  size;          /* its side */
  guint32 count;         /* points below */
  guint32 child;         /* first of four consecutive children; 0 = leaf */
  guint32 first;         /* leaf: its points are order[first .. first + count) */
} QuadNode;

struct _HealerQuadtree
{
  GArray  *nodes;        /* of QuadNode; 0 is the root */
  guint32 *order;        /* point indices grouped by leaf */
  guint32 *scratch;
  gsize    n;
};

HealerQuadtree *
healer_quadtree_new (void)
{
  HealerQuadtree *self = g_new0 (HealerQuadtree, 1);

  self->nodes = g_array_new (FALSE, FALSE, sizeof (QuadNode));
  return self;
}

void
healer_quadtree_free (HealerQuadtree *self)
{
  if (self == NULL)
    return;
  g_array_unref (self->nodes);
  g_free (self->order);
  g_free (self->scratch);
  g_free (self);
}

static void
quadtree_build_node (HealerQuadtree *self,
                     const double   *y,
                     guint           index,
                     guint           depth)
{
  QuadNode *node = &g_array_index (self->nodes, QuadNode, index);
  guint32 first = node->first, count = node->count;
  double half = node->size / 2, mx = node->x0 + half, my = node->y0 + half;
  double x0 = node->x0, y0 = node->y0;
  guint32 n_in[4] = { 0, 0, 0, 0 }, start[4];
  double sx = 0, sy = 0;
  guint child;

  for (guint32 k = 0; k < count; k++)
    {
      guint32 p = self->order[first + k];

      sx += y[2 * p];
      sy += y[2 * p + 1];
    }
  node->cx = sx / count;
  node->cy = sy / count;
  node->child = 0;
  if (count <= 1 || depth >= MAX_DEPTH)
    return;

  /* Stable partition into the quadrants (0: lower left, 1: lower right,
   * 2: upper left, 3: upper right), so the tree depends on nothing but
   * the points and their order. */
  for (guint32 k = 0; k < count; k++)
    {
      guint32 p = self->order[first + k];

      n_in[(y[2 * p] >= mx) + 2 * (y[2 * p + 1] >= my)]++;
    }
  start[0] = 0;
  for (guint q = 1; q < 4; q++)
    start[q] = start[q - 1] + n_in[q - 1];
  for (guint32 k = 0; k < count; k++)
    {
      guint32 p = self->order[first + k];
      guint q = (y[2 * p] >= mx) + 2 * (y[2 * p + 1] >= my);

      self->scratch[start[q]++] = p;
    }
  memcpy (self->order + first, self->scratch, count * sizeof (guint32));

  child = self->nodes->len;
  g_array_set_size (self->nodes, child + 4);
  node = &g_array_index (self->nodes, QuadNode, index);   /* the array may have moved */
  node->child = child;
  for (guint q = 0, offset = 0; q < 4; offset += n_in[q], q++)
    {
      QuadNode *c = &g_array_index (self->nodes, QuadNode, child + q);

      c->x0 = (q & 1) ? mx : x0;
      c->y0 = (q & 2) ? my : y0;
      c->size = half;
      c->count = n_in[q];
      c->first = first + offset;
      c->child = 0;
      c->cx = c->cy = 0;
    }
  for (guint q = 0; q < 4; q++)
    if (n_in[q] > 0)
      quadtree_build_node (self, y, child + q, depth + 1);
}

void
healer_quadtree_build (HealerQuadtree *self,
                       const double   *y,
                       gsize           n)
{
  double min_x = G_MAXDOUBLE, min_y = G_MAXDOUBLE, max_x = -G_MAXDOUBLE, max_y = -G_MAXDOUBLE;
  QuadNode root = { 0 };

  g_return_if_fail (n > 0 && n <= G_MAXUINT32);

  if (self->n != n)
    {
      g_free (self->order);
      g_free (self->scratch);
      self->order = g_new (guint32, n);
      self->scratch = g_new (guint32, n);
      self->n = n;
    }
  for (gsize i = 0; i < n; i++)
    {
      self->order[i] = (guint32) i;
      min_x = MIN (min_x, y[2 * i]);
      max_x = MAX (max_x, y[2 * i]);
      min_y = MIN (min_y, y[2 * i + 1]);
      max_y = MAX (max_y, y[2 * i + 1]);
    }
  root.x0 = min_x;
  root.y0 = min_y;
  /* A little larger than the points' extent so the largest lands inside. */
  root.size = MAX (max_x - min_x, max_y - min_y) * (1 + 1e-9) + 1e-12;
  root.count = (guint32) n;
  root.first = 0;
  g_array_set_size (self->nodes, 0);
  g_array_append_val (self->nodes, root);
  quadtree_build_node (self, y, 0, 0);
}

double
healer_quadtree_repulsion (const HealerQuadtree *self,
                           const double         *y,
                           gsize                 i,
                           double                theta,
                           double               *rep)
{
  const QuadNode *nodes = (const QuadNode *) self->nodes->data;
  guint32 stack[4 * MAX_DEPTH + 8];
  guint top = 0;
  double yx = y[2 * i], yy = y[2 * i + 1];
  double theta2 = theta * theta;
  double z = 0, fx = 0, fy = 0;

  stack[top++] = 0;
  while (top > 0)
    {
      const QuadNode *node = &nodes[stack[--top]];
      double dx = yx - node->cx, dy = yy - node->cy;
      double d2 = dx * dx + dy * dy;

      /* One point: its centre of mass is the point itself. Points that
       * coincide share a deeper leaf, so a single point at distance 0 is i. */
      if (node->count == 1)
        {
          double q;

          if (d2 == 0.0)
            continue;
          q = 1.0 / (1.0 + d2);
          z += q;
          fx += q * q * dx;
          fy += q * q * dy;
          continue;
        }
      /* A cell holding point i is never summarised: i lies within
       * size·√2 of the centre of mass, and theta ≤ 1. */
      if (node->size * node->size < theta2 * d2)
        {
          double q = 1.0 / (1.0 + d2);
          double m = node->count;

          z += m * q;
          fx += m * q * q * dx;
          fy += m * q * q * dy;
          continue;
        }
      if (node->child == 0)
        {
          /* Coinciding points that never separated. */
          for (guint32 k = 0; k < node->count; k++)
            {
              guint32 p = self->order[node->first + k];
              double px, py, q;

              if (p == i)
                continue;
              px = yx - y[2 * p];
              py = yy - y[2 * p + 1];
              q = 1.0 / (1.0 + px * px + py * py);
              z += q;
              fx += q * q * px;
              fy += q * q * py;
            }
          continue;
        }
      /* Children pushed last first, so they are visited in order 0…3. */
      for (guint q = 4; q-- > 0;)
        if (nodes[node->child + q].count > 0)
          stack[top++] = node->child + q;
    }
  rep[0] = fx;
  rep[1] = fy;
  return z;
}
