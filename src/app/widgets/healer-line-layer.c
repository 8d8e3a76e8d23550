/* healer-line-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "healer-chart-palette.h"
#include "healer-line-layer.h"

#define LINE_WIDTH 2.0
#define HIT_RADIUS 8.0

typedef struct
{
  double x;
  double y;
} Point;

typedef struct
{
  char   *label;
  guint   color_index;
  gboolean dashed;
  GArray *points;  /* Point */
} Series;

struct _HealerLineLayer
{
  HealerChartLayer  parent_instance;

  GArray           *series;  /* Series */
  gboolean          positive_only;
};

G_DEFINE_FINAL_TYPE (HealerLineLayer, healer_line_layer, HEALER_TYPE_CHART_LAYER)

enum {
  PROP_0,
  PROP_POSITIVE_ONLY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
series_clear (gpointer data)
{
  Series *s = data;

  g_free (s->label);
  g_array_unref (s->points);
}

static inline gboolean
drawable (HealerLineLayer *self,
          const Point     *p)
{
  return isfinite (p->x) && isfinite (p->y) && (!self->positive_only || p->y > 0);
}

static gboolean
healer_line_layer_get_extent (HealerChartLayer *layer,
                              double           *x_min,
                              double           *x_max,
                              double           *y_min,
                              double           *y_max)
{
  HealerLineLayer *self = HEALER_LINE_LAYER (layer);
  gboolean any = FALSE;

  *x_min = *y_min = INFINITY;
  *x_max = *y_max = -INFINITY;

  /* A full scan per append is a few thousand compares at most: training
   * curves have one point per epoch. */
  for (guint s = 0; s < self->series->len; s++)
    {
      GArray *points = g_array_index (self->series, Series, s).points;

      for (guint i = 0; i < points->len; i++)
        {
          const Point *p = &g_array_index (points, Point, i);

          if (!drawable (self, p))
            continue;
          *x_min = MIN (*x_min, p->x);
          *x_max = MAX (*x_max, p->x);
          *y_min = MIN (*y_min, p->y);
          *y_max = MAX (*y_max, p->y);
          any = TRUE;
        }
    }
  return any;
}

/* Points, and samples along the segments, that fall in the rectangle. */
static guint
count_covered (HealerLineLayer          *self,
               const HealerChartContext *ctx,
               float                     x,
               float                     y,
               float                     w,
               float                     h)
{
  guint covered = 0;

  for (guint s = 0; s < self->series->len; s++)
    {
      GArray *points = g_array_index (self->series, Series, s).points;
      double px0 = 0, py0 = 0;
      gboolean have_prev = FALSE;

      for (guint i = 0; i < points->len; i++)
        {
          const Point *p = &g_array_index (points, Point, i);
          double px, py;

          if (!drawable (self, p))
            {
              have_prev = FALSE;
              continue;
            }
          px = healer_chart_context_x (ctx, p->x);
          py = healer_chart_context_y (ctx, p->y);
          /* A long segment crosses the box with no vertex inside it. */
          for (int k = have_prev ? 1 : 4; k <= 4; k++)
            {
              double sx = px0 + (px - px0) * k / 4.0, sy = py0 + (py - py0) * k / 4.0;

              if (sx >= x && sx <= x + w && sy >= y && sy <= y + h)
                covered++;
            }
          px0 = px;
          py0 = py;
          have_prev = TRUE;
        }
    }
  return covered;
}

static void
draw_key (HealerLineLayer          *self,
          GtkSnapshot              *snapshot,
          const HealerChartContext *ctx)
{
  g_autoptr(PangoLayout) layout = pango_layout_new (ctx->pango_context);
  GdkRGBA background = ctx->dark ? (GdkRGBA) { 0.14f, 0.14f, 0.14f, 0.85f }
                                 : (GdkRGBA) { 1.f, 1.f, 1.f, 0.85f };
  int text_w = 0, line_h = 0;
  float x = 0, y = 0, box_w, box_h;
  guint n = 0;

  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = &g_array_index (self->series, Series, s);
      int w, h;

      if (series->label == NULL)
        continue;
      pango_layout_set_text (layout, series->label, -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      text_w = MAX (text_w, w);
      line_h = MAX (line_h, h);
      n++;
    }
  if (n == 0)
    return;

  box_w = 8 + 24 + 6 + text_w + 8;
  box_h = 6 + n * (line_h + 2) + 4;
  if (box_w + 16 > ctx->width || box_h + 16 > ctx->height)
    return;

  /* The corner that hides the fewest data points: top right suits falling
   * losses, but rising accuracies need another. */
  {
    const float corners[4][2] = {
      { ctx->width - box_w - 8, 8 },
      { 8, 8 },
      { ctx->width - box_w - 8, ctx->height - box_h - 8 },
      { 8, ctx->height - box_h - 8 },
    };
    guint best = G_MAXUINT;

    for (guint k = 0; k < G_N_ELEMENTS (corners); k++)
      {
        guint covered = count_covered (self, ctx, corners[k][0] - 4, corners[k][1] - 4, box_w + 8, box_h + 8);

        if (covered < best)
          {
            best = covered;
            x = corners[k][0];
            y = corners[k][1];
          }
      }
  }

  gtk_snapshot_append_color (snapshot, &background, &GRAPHENE_RECT_INIT (x, y, box_w, box_h));
  y += 6;
  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = &g_array_index (self->series, Series, s);
      GdkRGBA color;
      float mid;

      if (series->label == NULL)
        continue;
      healer_chart_context_get_color (ctx, series->color_index, &color);
      mid = roundf (y + line_h / 2.f - 1);
      if (series->dashed)
        for (int k = 0; k < 3; k++)
          gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (x + 8 + k * 9, mid, 6, 2));
      else
        gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (x + 8, mid, 24, 2));

      pango_layout_set_text (layout, series->label, -1);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + 8 + 24 + 6, y));
      gtk_snapshot_append_layout (snapshot, layout, &ctx->foreground);
      gtk_snapshot_restore (snapshot);
      y += line_h + 2;
    }
}

static void
healer_line_layer_snapshot (HealerChartLayer         *layer,
                            GtkSnapshot              *snapshot,
                            const HealerChartContext *ctx)
{
  HealerLineLayer *self = HEALER_LINE_LAYER (layer);
  cairo_t *cr;

  if (self->series->len == 0)
    return;

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, ctx->width, ctx->height));
  cairo_set_line_width (cr, LINE_WIDTH);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);

  for (guint s = 0; s < self->series->len; s++)
    {
      Series *series = &g_array_index (self->series, Series, s);
      static const double dashes[] = { 6, 4 };
      gboolean pen_down = FALSE;
      GdkRGBA color;

      cairo_new_path (cr);
      for (guint i = 0; i < series->points->len; i++)
        {
          const Point *p = &g_array_index (series->points, Point, i);
          double px, py;

          if (!drawable (self, p))
            {
              pen_down = FALSE;
              continue;
            }
          px = healer_chart_context_x (ctx, p->x);
          py = healer_chart_context_y (ctx, p->y);
          if (pen_down)
            cairo_line_to (cr, px, py);
          else
            cairo_move_to (cr, px, py);
          pen_down = TRUE;
        }

      /* A single point has no segment to stroke: mark it. */
      if (series->points->len == 1 && drawable (self, &g_array_index (series->points, Point, 0)))
        {
          const Point *p = &g_array_index (series->points, Point, 0);

          cairo_new_path (cr);
          cairo_arc (cr, healer_chart_context_x (ctx, p->x), healer_chart_context_y (ctx, p->y),
                     LINE_WIDTH * 1.5, 0, 2 * G_PI);
        }

      healer_chart_context_get_color (ctx, series->color_index, &color);
      gdk_cairo_set_source_rgba (cr, &color);
      cairo_set_dash (cr, dashes, series->dashed ? 2 : 0, 0);
      /* Round caps would close the gaps of a dash. */
      cairo_set_line_cap (cr, series->dashed ? CAIRO_LINE_CAP_BUTT : CAIRO_LINE_CAP_ROUND);
      if (series->points->len == 1)
        cairo_fill (cr);
      else
        cairo_stroke (cr);
    }
  cairo_destroy (cr);

  draw_key (self, snapshot, ctx);
}

static gboolean
healer_line_layer_hit_test (HealerChartLayer         *layer,
                            const HealerChartContext *ctx,
                            double                    x,
                            double                    y,
                            char                    **tooltip,
                            guint64                  *index)
{
  HealerLineLayer *self = HEALER_LINE_LAYER (layer);
  double best = HIT_RADIUS * HIT_RADIUS;
  guint best_series = 0, best_point = 0;
  gboolean found = FALSE;

  for (guint s = 0; s < self->series->len; s++)
    {
      GArray *points = g_array_index (self->series, Series, s).points;

      for (guint i = 0; i < points->len; i++)
        {
          const Point *p = &g_array_index (points, Point, i);
          double dx, dy;

          if (!drawable (self, p))
            continue;
          dx = healer_chart_context_x (ctx, p->x) - x;
          dy = healer_chart_context_y (ctx, p->y) - y;
          if (dx * dx + dy * dy <= best)
            {
              best = dx * dx + dy * dy;
              best_series = s;
              best_point = i;
              found = TRUE;
            }
        }
    }

  if (!found)
    return FALSE;

  if (index != NULL)
    *index = ((guint64) best_series << 32) | best_point;
  if (tooltip != NULL)
    {
      Series *series = &g_array_index (self->series, Series, best_series);
      const Point *p = &g_array_index (series->points, Point, best_point);
      g_autofree char *xs = healer_chart_axis_format_for_view (ctx->x_axis, p->x);
      g_autofree char *ys = healer_chart_axis_format_for_view (ctx->y_axis, p->y);

      *tooltip = g_strdup_printf ("%s\nx = %s\ny = %s", series->label ? series->label : "", xs, ys);
    }
  return TRUE;
}

static void
healer_line_layer_finalize (GObject *object)
{
  HealerLineLayer *self = (HealerLineLayer *)object;

  g_clear_pointer (&self->series, g_array_unref);

  G_OBJECT_CLASS (healer_line_layer_parent_class)->finalize (object);
}

static void
healer_line_layer_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HealerLineLayer *self = HEALER_LINE_LAYER (object);

  switch (prop_id)
    {
    case PROP_POSITIVE_ONLY:
      g_value_set_boolean (value, healer_line_layer_get_positive_only (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_line_layer_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HealerLineLayer *self = HEALER_LINE_LAYER (object);

  switch (prop_id)
    {
    case PROP_POSITIVE_ONLY:
      healer_line_layer_set_positive_only (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_line_layer_class_init (HealerLineLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HealerChartLayerClass *layer_class = HEALER_CHART_LAYER_CLASS (klass);

  object_class->finalize = healer_line_layer_finalize;
  object_class->get_property = healer_line_layer_get_property;
  object_class->set_property = healer_line_layer_set_property;

  properties[PROP_POSITIVE_ONLY] =
    g_param_spec_boolean ("positive-only", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  layer_class->get_extent = healer_line_layer_get_extent;
  layer_class->snapshot = healer_line_layer_snapshot;
  layer_class->hit_test = healer_line_layer_hit_test;
}

static void
healer_line_layer_init (HealerLineLayer *self)
{
  self->series = g_array_new (FALSE, FALSE, sizeof (Series));
  g_array_set_clear_func (self->series, series_clear);
}

HealerLineLayer *
healer_line_layer_new (void)
{
  return g_object_new (HEALER_TYPE_LINE_LAYER, NULL);
}

guint
healer_line_layer_add_series (HealerLineLayer *self,
                              const char      *label,
                              guint            color_index,
                              gboolean         dashed)
{
  Series series = { g_strdup (label), color_index, !!dashed, g_array_new (FALSE, FALSE, sizeof (Point)) };

  g_return_val_if_fail (HEALER_IS_LINE_LAYER (self), 0);

  g_array_append_val (self->series, series);
  healer_chart_layer_changed (HEALER_CHART_LAYER (self));
  return self->series->len - 1;
}

void
healer_line_layer_append (HealerLineLayer *self,
                          guint            series,
                          double           x,
                          double           y)
{
  Point p = { x, y };

  g_return_if_fail (HEALER_IS_LINE_LAYER (self));
  g_return_if_fail (series < self->series->len);

  g_array_append_val (g_array_index (self->series, Series, series).points, p);
  healer_chart_layer_changed (HEALER_CHART_LAYER (self));
}

void
healer_line_layer_clear (HealerLineLayer *self)
{
  g_return_if_fail (HEALER_IS_LINE_LAYER (self));

  g_array_set_size (self->series, 0);
  healer_chart_layer_changed (HEALER_CHART_LAYER (self));
}

void
healer_line_layer_set_positive_only (HealerLineLayer *self,
                                     gboolean         positive_only)
{
  g_return_if_fail (HEALER_IS_LINE_LAYER (self));

  positive_only = !!positive_only;
  if (self->positive_only == positive_only)
    return;
  self->positive_only = positive_only;
  healer_chart_layer_changed (HEALER_CHART_LAYER (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POSITIVE_ONLY]);
}

gboolean
healer_line_layer_get_positive_only (HealerLineLayer *self)
{
  g_return_val_if_fail (HEALER_IS_LINE_LAYER (self), FALSE);

  return self->positive_only;
}

guint
healer_line_layer_get_n_series (HealerLineLayer *self)
{
  g_return_val_if_fail (HEALER_IS_LINE_LAYER (self), 0);

  return self->series->len;
}

const char *
healer_line_layer_get_label (HealerLineLayer *self,
                             guint            series)
{
  g_return_val_if_fail (HEALER_IS_LINE_LAYER (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);

  return g_array_index (self->series, Series, series).label;
}

guint
healer_line_layer_get_n_points (HealerLineLayer *self,
                                guint            series)
{
  g_return_val_if_fail (HEALER_IS_LINE_LAYER (self), 0);
  g_return_val_if_fail (series < self->series->len, 0);

  return g_array_index (self->series, Series, series).points->len;
}

gboolean
healer_line_layer_get_last (HealerLineLayer *self,
                            guint            series,
                            double          *x,
                            double          *y)
{
  GArray *points;
  const Point *p;

  g_return_val_if_fail (HEALER_IS_LINE_LAYER (self), FALSE);
  g_return_val_if_fail (series < self->series->len, FALSE);

  points = g_array_index (self->series, Series, series).points;
  if (points->len == 0)
    return FALSE;
  p = &g_array_index (points, Point, points->len - 1);
  *x = p->x;
  *y = p->y;
  return TRUE;
}
