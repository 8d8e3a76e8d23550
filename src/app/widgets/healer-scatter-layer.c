/* healer-scatter-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

#include "healer-chart-palette.h"
#include "healer-scatter-layer.h"

#define MARKER_RADIUS 4.0
#define HIT_RADIUS    6.0

struct _HealerScatterLayer
{
  HealerChartLayer  parent_instance;

  float            *xy;
  guint            *category;
  gsize             n;
  guint             n_categories;
  GStrv             category_labels;
  GStrv             point_ids;
  gboolean         *visible;   /* n_categories */

  double            x_min, x_max, y_min, y_max;
  gboolean          has_extent;

  /* The density grid, kept between frames so a pan allocates nothing. */
  gpointer          grid;
  gsize             n_cells;
};

G_DEFINE_FINAL_TYPE (HealerScatterLayer, healer_scatter_layer, HEALER_TYPE_CHART_LAYER)

enum {
  PROP_0,
  PROP_HIDDEN_CATEGORIES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static inline gboolean
point_visible (HealerScatterLayer *self,
               gsize               i)
{
  guint c = self->category ? self->category[i] : 0;

  return self->visible[c] && isfinite (self->xy[2 * i]) && isfinite (self->xy[2 * i + 1]);
}

static gboolean
healer_scatter_layer_get_extent (HealerChartLayer *layer,
                                 double           *x_min,
                                 double           *x_max,
                                 double           *y_min,
                                 double           *y_max)
{
  HealerScatterLayer *self = HEALER_SCATTER_LAYER (layer);

  if (!self->has_extent)
    return FALSE;
  *x_min = self->x_min;
  *x_max = self->x_max;
  *y_min = self->y_min;
  *y_max = self->y_max;
  return TRUE;
}

/* Draws the @n_shown points listed in @shown (all in view) as circles. */
static void
draw_markers (HealerScatterLayer       *self,
              GtkSnapshot              *snapshot,
              const HealerChartContext *ctx,
              const gsize              *shown,
              gsize                     n_shown)
{
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, ctx->width, ctx->height));
  double x0, x1, y0, y1, kx, ky;

  healer_chart_axis_get_view (ctx->x_axis, &x0, &x1);
  healer_chart_axis_get_view (ctx->y_axis, &y0, &y1);
  kx = ctx->width / (x1 - x0);
  ky = ctx->height / (y1 - y0);

  /* One fill per category: a single path of all its circles. */
  for (guint c = 0; c < self->n_categories; c++)
    {
      gboolean any = FALSE;
      GdkRGBA color;

      if (!self->visible[c])
        continue;

      cairo_new_path (cr);
      for (gsize k = 0; k < n_shown; k++)
        {
          gsize i = shown[k];
          double px, py;

          if ((self->category ? self->category[i] : 0) != c)
            continue;
          px = (self->xy[2 * i] - x0) * kx;
          py = ctx->height - (self->xy[2 * i + 1] - y0) * ky;
          cairo_new_sub_path (cr);
          cairo_arc (cr, px, py, MARKER_RADIUS, 0, 2 * G_PI);
          any = TRUE;
        }
      if (!any)
        continue;
      healer_chart_context_get_color (ctx, c, &color);
      cairo_set_source_rgba (cr, color.red, color.green, color.blue, 0.85);
      cairo_fill (cr);
    }
  cairo_destroy (cr);
}

/* One cell of the density grid: the sum of the palette colours (0..255)
 * of the points on it, and their number. 16 bits each keep the grid at 8
 * bytes a pixel; a cell stops counting at CELL_FULL points, where the sums
 * would overflow and where its colour and opacity no longer change much. */
typedef struct
{
  guint16 r, g, b, n;
} Cell;

#define CELL_FULL 257

static inline void
add_to_cell (Cell          *cell,
             const guint16 *rgb,
             guint         *max_count)
{
  if (cell->n >= CELL_FULL)
    return;
  cell->r += rgb[0];
  cell->g += rgb[1];
  cell->b += rgb[2];
  if (++cell->n > *max_count)
    *max_count = cell->n;
}

static void
draw_density (HealerScatterLayer       *self,
              GtkSnapshot              *snapshot,
              const HealerChartContext *ctx)
{
  int scale = MAX (ctx->scale_factor, 1);
  int w = (int) ceil (ctx->width * scale);
  int h = (int) ceil (ctx->height * scale);
  gsize cells = (gsize) w * h;
  g_autofree guint16 *palette = g_new (guint16, 3 * self->n_categories);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  Cell *grid;
  guint32 *pixels;
  guint max_count = 0;
  float weight[CELL_FULL + 1];
  guint32 alpha[CELL_FULL + 1];
  double x0, x1, y0, y1, kx, ky;

  if (w <= 0 || h <= 0)
    return;

  if (cells > self->n_cells)
    {
      g_free (self->grid);
      self->grid = g_new0 (Cell, cells);
      self->n_cells = cells;
    }
  grid = self->grid;
  memset (grid, 0, sizeof (Cell) * cells);

  for (guint c = 0; c < self->n_categories; c++)
    {
      GdkRGBA color;

      healer_chart_context_get_color (ctx, c, &color);
      palette[3 * c] = (guint16) (color.red * 255 + 0.5f);
      palette[3 * c + 1] = (guint16) (color.green * 255 + 0.5f);
      palette[3 * c + 2] = (guint16) (color.blue * 255 + 0.5f);
    }

  healer_chart_axis_get_view (ctx->x_axis, &x0, &x1);
  healer_chart_axis_get_view (ctx->y_axis, &y0, &y1);
  kx = w / (x1 - x0);
  ky = h / (y1 - y0);

  /* Each point covers the 2 × 2 cells nearest to it: single pixels are
   * too faint to see, and the grid stays one pass over the points. The +1
   * makes the int conversion a floor for everything > -1. */
  for (gsize i = 0; i < self->n; i++)
    {
      guint c = self->category ? self->category[i] : 0;
      float fx = (float) ((self->xy[2 * i] - x0) * kx + 0.5);
      float fy = (float) (h + 0.5 - (self->xy[2 * i + 1] - y0) * ky);
      const guint16 *rgb;
      int cx, cy;
      Cell *row;

      if (!self->visible[c] || !(fx > 0.f && fx < w + 1 && fy > 0.f && fy < h + 1))
        continue;
      cx = (int) fx - 1;
      cy = (int) fy - 1;
      rgb = &palette[3 * c];

      if (cx >= 0 && cx + 1 < w && cy >= 0 && cy + 1 < h)
        {
          row = &grid[(gsize) cy * w + cx];
          add_to_cell (&row[0], rgb, &max_count);
          add_to_cell (&row[1], rgb, &max_count);
          add_to_cell (&row[w], rgb, &max_count);
          add_to_cell (&row[w + 1], rgb, &max_count);
        }
      else
        for (int dy = 0; dy < 2; dy++)
          for (int dx = 0; dx < 2; dx++)
            if (cx + dx >= 0 && cx + dx < w && cy + dy >= 0 && cy + dy < h)
              add_to_cell (&grid[(gsize) (cy + dy) * w + cx + dx], rgb, &max_count);
    }

  if (max_count == 0)
    return;

  /* Lone points nearly opaque, crowds more so on a log scale, so a dense
   * cluster does not drown the shape of a sparse one. weight[n] turns a
   * colour sum into the premultiplied channel. */
  weight[0] = 0;
  alpha[0] = 0;
  for (guint k = 1; k <= CELL_FULL; k++)
    {
      float a = (float) (0.7 + 0.3 * log1p (MIN (k, max_count)) / log1p (max_count));

      weight[k] = a / k;
      alpha[k] = (guint32) (a * 255.f + 0.5f) << 24;
    }

  pixels = g_malloc (cells * 4);
  for (gsize cell = 0; cell < cells; cell++)
    {
      /* Branch-free: an empty cell has weight and alpha 0. */
      Cell q = grid[cell];
      float wgt = weight[q.n];

      pixels[cell] = alpha[q.n] |
                     ((guint32) (q.r * wgt + 0.5f) << 16) |
                     ((guint32) (q.g * wgt + 0.5f) << 8) |
                     (guint32) (q.b * wgt + 0.5f);
    }

  bytes = g_bytes_new_take (pixels, cells * 4);
  texture = gdk_memory_texture_new (w, h, GDK_MEMORY_DEFAULT, bytes, (gsize) w * 4);
  gtk_snapshot_append_texture (snapshot, texture, &GRAPHENE_RECT_INIT (0, 0, ctx->width, ctx->height));
}

static void
healer_scatter_layer_snapshot (HealerChartLayer         *layer,
                               GtkSnapshot              *snapshot,
                               const HealerChartContext *ctx)
{
  HealerScatterLayer *self = HEALER_SCATTER_LAYER (layer);
  g_autofree gsize *shown = NULL;
  double x0, x1, y0, y1, mx, my;
  gsize n_shown = 0;

  if (self->n == 0)
    return;

  /* Markers as long as they stay few enough to read and to draw fast;
   * zooming into a dense cloud brings them back. A marker whose centre is
   * just outside still shows its edge. */
  healer_chart_axis_get_view (ctx->x_axis, &x0, &x1);
  healer_chart_axis_get_view (ctx->y_axis, &y0, &y1);
  mx = (x1 - x0) * MARKER_RADIUS / MAX (ctx->width, 1);
  my = (y1 - y0) * MARKER_RADIUS / MAX (ctx->height, 1);
  shown = g_new (gsize, HEALER_SCATTER_LAYER_MARKER_LIMIT + 1);
  for (gsize i = 0; i < self->n && n_shown <= HEALER_SCATTER_LAYER_MARKER_LIMIT; i++)
    {
      float x = self->xy[2 * i], y = self->xy[2 * i + 1];

      if (x >= x0 - mx && x <= x1 + mx && y >= y0 - my && y <= y1 + my && point_visible (self, i))
        shown[n_shown++] = i;
    }

  if (n_shown <= HEALER_SCATTER_LAYER_MARKER_LIMIT)
    draw_markers (self, snapshot, ctx, shown, n_shown);
  else
    draw_density (self, snapshot, ctx);
}

static gboolean
healer_scatter_layer_hit_test (HealerChartLayer         *layer,
                               const HealerChartContext *ctx,
                               double                    x,
                               double                    y,
                               char                    **tooltip,
                               guint64                  *index)
{
  HealerScatterLayer *self = HEALER_SCATTER_LAYER (layer);
  double x0, x1, y0, y1, kx, ky, best = HIT_RADIUS * HIT_RADIUS;
  gsize found = G_MAXSIZE;

  healer_chart_axis_get_view (ctx->x_axis, &x0, &x1);
  healer_chart_axis_get_view (ctx->y_axis, &y0, &y1);
  kx = ctx->width / (x1 - x0);
  ky = ctx->height / (y1 - y0);

  for (gsize i = 0; i < self->n; i++)
    {
      double dx = (self->xy[2 * i] - x0) * kx - x;
      double dy = ctx->height - (self->xy[2 * i + 1] - y0) * ky - y;
      double d = dx * dx + dy * dy;

      if (d <= best && point_visible (self, i))
        {
          best = d;
          found = i;
        }
    }

  if (found == G_MAXSIZE)
    return FALSE;

  if (index != NULL)
    *index = found;
  if (tooltip != NULL)
    {
      guint c = self->category ? self->category[found] : 0;
      g_autofree char *id = NULL;
      g_autofree char *xs = healer_chart_axis_format_for_view (ctx->x_axis, self->xy[2 * found]);
      g_autofree char *ys = healer_chart_axis_format_for_view (ctx->y_axis, self->xy[2 * found + 1]);
      const char *label = NULL;

      if (self->point_ids != NULL)
        id = g_strdup (self->point_ids[found]);
      else
        id = g_strdup_printf (_("Point %zu"), (gsize) found + 1);
      if (self->category_labels != NULL && c < g_strv_length (self->category_labels))
        label = self->category_labels[c];

      if (label != NULL)
        /* Translators: a scatter-chart tooltip: point id, its class, its coordinates */
        *tooltip = g_strdup_printf (_("%s\nClass: %s\nx = %s, y = %s"), id, label, xs, ys);
      else
        *tooltip = g_strdup_printf ("%s\nx = %s, y = %s", id, xs, ys);
    }
  return TRUE;
}

static void
healer_scatter_layer_finalize (GObject *object)
{
  HealerScatterLayer *self = (HealerScatterLayer *)object;

  g_free (self->xy);
  g_free (self->category);
  g_free (self->visible);
  g_strfreev (self->category_labels);
  g_strfreev (self->point_ids);
  g_free (self->grid);

  G_OBJECT_CLASS (healer_scatter_layer_parent_class)->finalize (object);
}

static void
healer_scatter_layer_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  HealerScatterLayer *self = HEALER_SCATTER_LAYER (object);

  switch (prop_id)
    {
    case PROP_HIDDEN_CATEGORIES:
      g_value_take_boxed (value, healer_scatter_layer_get_hidden_categories (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_scatter_layer_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  HealerScatterLayer *self = HEALER_SCATTER_LAYER (object);

  switch (prop_id)
    {
    case PROP_HIDDEN_CATEGORIES:
      healer_scatter_layer_set_hidden_categories (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_scatter_layer_class_init (HealerScatterLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HealerChartLayerClass *layer_class = HEALER_CHART_LAYER_CLASS (klass);

  object_class->finalize = healer_scatter_layer_finalize;
  object_class->get_property = healer_scatter_layer_get_property;
  object_class->set_property = healer_scatter_layer_set_property;

  /* The categories whose points are not drawn: a set, so a legend (or
   * anything else) can bind to it; the rest are visible. */
  properties[PROP_HIDDEN_CATEGORIES] =
    g_param_spec_boxed ("hidden-categories", NULL, NULL,
                        GTK_TYPE_BITSET,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  layer_class->get_extent = healer_scatter_layer_get_extent;
  layer_class->snapshot = healer_scatter_layer_snapshot;
  layer_class->hit_test = healer_scatter_layer_hit_test;
}

static void
healer_scatter_layer_init (HealerScatterLayer *self)
{
  self->n_categories = 1;
  self->visible = g_new (gboolean, 1);
  self->visible[0] = TRUE;
}

HealerScatterLayer *
healer_scatter_layer_new (void)
{
  return g_object_new (HEALER_TYPE_SCATTER_LAYER, NULL);
}

void
healer_scatter_layer_set_points (HealerScatterLayer *self,
                                 const float        *xy,
                                 gsize               n,
                                 const guint        *category,
                                 const char * const *category_labels,
                                 const char * const *point_ids)
{
  guint n_categories = 1;
  g_autofree gboolean *old_visible = NULL;
  g_autoptr(GtkBitset) old_hidden = NULL;
  g_autoptr(GtkBitset) hidden = NULL;
  guint old_n_categories;

  g_return_if_fail (HEALER_IS_SCATTER_LAYER (self));
  g_return_if_fail (n == 0 || xy != NULL);

  g_clear_pointer (&self->xy, g_free);
  g_clear_pointer (&self->category, g_free);
  g_clear_pointer (&self->point_ids, g_strfreev);
  g_clear_pointer (&self->category_labels, g_strfreev);

  self->n = n;
  self->xy = g_memdup2 (xy, sizeof (float) * 2 * n);
  if (category != NULL)
    {
      self->category = g_memdup2 (category, sizeof (guint) * n);
      for (gsize i = 0; i < n; i++)
        n_categories = MAX (n_categories, category[i] + 1);
    }
  if (category_labels != NULL)
    {
      self->category_labels = g_strdupv ((char **) category_labels);
      n_categories = MAX (n_categories, g_strv_length (self->category_labels));
    }
  if (point_ids != NULL)
    {
      /* Copied, not trusted to be NULL-terminated at n. */
      self->point_ids = g_new0 (char *, n + 1);
      for (gsize i = 0; i < n; i++)
        self->point_ids[i] = g_strdup (point_ids[i] ? point_ids[i] : "");
    }

  /* Classes hidden by the user stay hidden when the same classes return. */
  old_hidden = healer_scatter_layer_get_hidden_categories (self);
  old_visible = g_steal_pointer (&self->visible);
  old_n_categories = self->n_categories;
  self->n_categories = n_categories;
  self->visible = g_new (gboolean, n_categories);
  for (guint c = 0; c < n_categories; c++)
    self->visible[c] = c < old_n_categories ? old_visible[c] : TRUE;

  self->has_extent = FALSE;
  self->x_min = self->y_min = INFINITY;
  self->x_max = self->y_max = -INFINITY;
  for (gsize i = 0; i < n; i++)
    {
      float x = xy[2 * i], y = xy[2 * i + 1];

      if (!isfinite (x) || !isfinite (y))
        continue;
      self->x_min = MIN (self->x_min, x);
      self->x_max = MAX (self->x_max, x);
      self->y_min = MIN (self->y_min, y);
      self->y_max = MAX (self->y_max, y);
      self->has_extent = TRUE;
    }

  healer_chart_layer_changed (HEALER_CHART_LAYER (self));
  /* Fewer categories than before forget the hidden ones beyond. */
  hidden = healer_scatter_layer_get_hidden_categories (self);
  if (!gtk_bitset_equals (hidden, old_hidden))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIDDEN_CATEGORIES]);
}

gsize
healer_scatter_layer_get_n_points (HealerScatterLayer *self)
{
  g_return_val_if_fail (HEALER_IS_SCATTER_LAYER (self), 0);

  return self->n;
}

guint
healer_scatter_layer_get_n_categories (HealerScatterLayer *self)
{
  g_return_val_if_fail (HEALER_IS_SCATTER_LAYER (self), 0);

  return self->n_categories;
}

const char * const *
healer_scatter_layer_get_category_labels (HealerScatterLayer *self)
{
  g_return_val_if_fail (HEALER_IS_SCATTER_LAYER (self), NULL);

  return (const char * const *) self->category_labels;
}

void
healer_scatter_layer_set_category_visible (HealerScatterLayer *self,
                                           guint               category,
                                           gboolean            visible)
{
  g_return_if_fail (HEALER_IS_SCATTER_LAYER (self));

  if (category >= self->n_categories || self->visible[category] == !!visible)
    return;
  self->visible[category] = !!visible;
  healer_chart_layer_changed (HEALER_CHART_LAYER (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIDDEN_CATEGORIES]);
}

gboolean
healer_scatter_layer_get_category_visible (HealerScatterLayer *self,
                                           guint               category)
{
  g_return_val_if_fail (HEALER_IS_SCATTER_LAYER (self), FALSE);

  return category < self->n_categories && self->visible[category];
}

GtkBitset *
healer_scatter_layer_get_hidden_categories (HealerScatterLayer *self)
{
  GtkBitset *hidden;

  g_return_val_if_fail (HEALER_IS_SCATTER_LAYER (self), NULL);

  hidden = gtk_bitset_new_empty ();
  for (guint c = 0; c < self->n_categories; c++)
    if (!self->visible[c])
      gtk_bitset_add (hidden, c);
  return hidden;
}

void
healer_scatter_layer_set_hidden_categories (HealerScatterLayer *self,
                                            const GtkBitset    *hidden)
{
  gboolean changed = FALSE;

  g_return_if_fail (HEALER_IS_SCATTER_LAYER (self));

  for (guint c = 0; c < self->n_categories; c++)
    {
      gboolean visible = hidden == NULL || !gtk_bitset_contains (hidden, c);

      if (self->visible[c] != visible)
        {
          self->visible[c] = visible;
          changed = TRUE;
        }
    }
  if (!changed)
    return;
  healer_chart_layer_changed (HEALER_CHART_LAYER (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIDDEN_CATEGORIES]);
}
