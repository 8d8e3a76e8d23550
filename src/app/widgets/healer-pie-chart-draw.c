/* healer-pie-chart-draw.c — the donut, its labels and the exported legend
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "healer-chart-palette.h"
#include "healer-pie-chart-private.h"

typedef struct
{
  double x, y, width, height;
} Box;

void
healer_pie_chart_get_foreground (GtkWidget *widget,
                                 GdkRGBA   *fg)
{
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);
G_GNUC_END_IGNORE_DEPRECATIONS
}

char *
healer_pie_chart_format_value (double value)
{
  if (fabs (value - round (value)) < 1e-9 && fabs (value) < 1e15)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.3g", value);
}

static char *
format_percent (double share)
{
  /* Translators: a share of a chart, e.g. "24.0 %" */
  return g_strdup_printf (_("%.1f %%"), 100.0 * share);
}

void
healer_pie_chart_compute_geometry (int          width,
                                   int          height,
                                   PieGeometry *g)
{
  double side = MIN (width, height);
  /* Room around the ring for the hover growth and for the labels of slices
   * too thin to hold their own. */
  double margin = CLAMP (side * 0.12, HOVER_GROW + 2, 30);

  g->width = width;
  g->height = height;
  g->cx = width / 2.0;
  g->cy = height / 2.0;
  g->outer = MAX (side / 2.0 - margin, 4.0);
  g->inner = g->outer * HOLE_RATIO;
}

/* Angle of (x, y) around the centre, clockwise from 12 o'clock, 0..2π. */
static double
angle_of (const PieGeometry *g,
          double             x,
          double             y)
{
  double a = atan2 (y - g->cy, x - g->cx) + G_PI / 2;

  while (a < 0)
    a += 2 * G_PI;
  while (a >= 2 * G_PI)
    a -= 2 * G_PI;
  return a;
}

int
healer_pie_chart_slice_at (HealerPieChart    *self,
                           const PieGeometry *g,
                           double             x,
                           double             y)
{
  double d = hypot (x - g->cx, y - g->cy);
  double a;

  if (self->total <= 0 || d < g->inner || d > g->outer + HOVER_GROW)
    return -1;

  a = angle_of (g, x, y);
  for (guint i = 0; i < self->n; i++)
    if (self->shares[i] > 0 && a >= self->starts[i] &&
        a < self->starts[i] + 2 * G_PI * self->shares[i])
      {
        /* The band the growth takes belongs to the hovered slice only. */
        if (d > g->outer && (int) i != self->hovered)
          return -1;
        return i;
      }
  return -1;
}

static guint
count_shown (HealerPieChart *self)
{
  guint n_shown = 0;

  for (guint i = 0; i < self->n; i++)
    if (self->shares[i] > 0)
      n_shown++;
  return n_shown;
}

static void
slice_color (HealerPieChart *self,
             guint           i,
             gboolean        dark,
             gboolean        hovered,
             GdkRGBA        *color)
{
  /* The chart's palette is its legend's, so the two always agree. */
  healer_chart_palette_lookup (healer_chart_legend_get_palette (self->legend), i, dark, color);
  if (hovered)
    {
      /* Lighter on both themes: on light the slice comes forward, on dark
       * it lights up. */
      color->red += (1 - color->red) * 0.3f;
      color->green += (1 - color->green) * 0.3f;
      color->blue += (1 - color->blue) * 0.3f;
    }
}

/* Draws the slices (all, or only @only grown and lightened) with Cairo.
 * The cuts between slices are cleared inside a group, so they show what is
 * behind the chart whatever the background. */
static void
append_slices (HealerPieChart    *self,
               GtkSnapshot       *snapshot,
               const PieGeometry *g,
               gboolean           dark,
               int                only)
{
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, g->width, g->height));
  gboolean cuts = count_shown (self) > 1;
  double grow = only >= 0 ? HOVER_GROW : 0;

  cairo_push_group (cr);
  for (guint i = 0; i < self->n; i++)
    {
      double a0 = self->starts[i] - G_PI / 2;
      double a1 = a0 + 2 * G_PI * self->shares[i];
      GdkRGBA color;

      if (self->shares[i] <= 0 || (only >= 0 && (int) i != only))
        continue;

      slice_color (self, i, dark, only >= 0, &color);
      gdk_cairo_set_source_rgba (cr, &color);

      cairo_new_path (cr);
      if (!cuts)
        {
          cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
          cairo_arc (cr, g->cx, g->cy, g->outer + grow, 0, 2 * G_PI);
          cairo_new_sub_path (cr);
          cairo_arc (cr, g->cx, g->cy, g->inner, 0, 2 * G_PI);
        }
      else
        {
          cairo_set_fill_rule (cr, CAIRO_FILL_RULE_WINDING);
          cairo_arc (cr, g->cx, g->cy, g->outer + grow, a0, a1);
          cairo_arc_negative (cr, g->cx, g->cy, g->inner, a1, a0);
          cairo_close_path (cr);
        }
      cairo_fill (cr);
    }

  if (cuts)
    {
      cairo_set_operator (cr, CAIRO_OPERATOR_CLEAR);
      cairo_set_line_width (cr, SLICE_GAP);
      for (guint i = 0; i < self->n; i++)
        {
          double a = self->starts[i] - G_PI / 2;
          double b = a + 2 * G_PI * self->shares[i];

          if (self->shares[i] <= 0)
            continue;
          /* Each slice's start is its predecessor's end; for the hovered
           * slice alone both of its edges need cutting. */
          cairo_move_to (cr, g->cx + (g->inner - 1) * cos (a), g->cy + (g->inner - 1) * sin (a));
          cairo_line_to (cr, g->cx + (g->outer + grow + 1) * cos (a), g->cy + (g->outer + grow + 1) * sin (a));
          if (only >= 0)
            {
              cairo_move_to (cr, g->cx + (g->inner - 1) * cos (b), g->cy + (g->inner - 1) * sin (b));
              cairo_line_to (cr, g->cx + (g->outer + grow + 1) * cos (b), g->cy + (g->outer + grow + 1) * sin (b));
            }
        }
      cairo_stroke (cr);
    }

  cairo_pop_group_to_source (cr);
  cairo_paint (cr);
  cairo_destroy (cr);
}

static void
append_layout (GtkSnapshot   *snapshot,
               PangoLayout   *layout,
               double         x,
               double         y,
               const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

static gboolean
point_in_slice (const PieGeometry *g,
                double             a0,
                double             sweep,
                double             x,
                double             y)
{
  double d = hypot (x - g->cx, y - g->cy);
  double a;

  if (d < g->inner + LABEL_PAD || d > g->outer - LABEL_PAD)
    return FALSE;
  if (sweep >= 2 * G_PI - 1e-9)
    return TRUE;
  a = angle_of (g, x, y) - a0;
  while (a < 0)
    a += 2 * G_PI;
  return a >= LABEL_PAD / d && a <= sweep - LABEL_PAD / d;
}

/* Where a label of @w × @h goes inside slice @i, centred on the middle of
 * the ring; FALSE when one of its corners would stick out. */
static gboolean
place_inside (HealerPieChart    *self,
              const PieGeometry *g,
              guint              i,
              double             w,
              double             h,
              Box               *box)
{
  double sweep = 2 * G_PI * self->shares[i];
  double mid = self->starts[i] + sweep / 2 - G_PI / 2;
  double r = (g->inner + g->outer) / 2;

  box->width = w;
  box->height = h;
  box->x = g->cx + r * cos (mid) - w / 2;
  box->y = g->cy + r * sin (mid) - h / 2;

  return point_in_slice (g, self->starts[i], sweep, box->x, box->y) &&
         point_in_slice (g, self->starts[i], sweep, box->x + w, box->y) &&
         point_in_slice (g, self->starts[i], sweep, box->x, box->y + h) &&
         point_in_slice (g, self->starts[i], sweep, box->x + w, box->y + h);
}

static gboolean
boxes_overlap (const Box *a,
               const Box *b)
{
  return a->x < b->x + b->width + LABEL_PAD && b->x < a->x + a->width + LABEL_PAD &&
         a->y < b->y + b->height + LABEL_PAD && b->y < a->y + a->height + LABEL_PAD;
}

/* Next to the slice, outside the ring, if that is inside the chart and
 * clear of the labels already placed; otherwise the label is left out (the
 * tooltip, the legend and the description still have the number). */
static gboolean
place_outside (HealerPieChart    *self,
               const PieGeometry *g,
               guint              i,
               double             w,
               double             h,
               GArray            *placed,
               Box               *box)
{
  double mid = self->starts[i] + G_PI * self->shares[i] - G_PI / 2;
  double clear = g->outer + HOVER_GROW + 2;
  double r = clear;

  box->width = w;
  box->height = h;

  /* Out along the slice's middle until the box's nearest point is clear of
   * the ring (and of the slice grown by a hover). */
  for (guint attempt = 0; attempt < 8; attempt++)
    {
      double nx, ny, d;

      box->x = g->cx + r * cos (mid) + cos (mid) * w / 2 - w / 2;
      box->y = g->cy + r * sin (mid) + sin (mid) * h / 2 - h / 2;
      nx = CLAMP (g->cx, box->x, box->x + w);
      ny = CLAMP (g->cy, box->y, box->y + h);
      d = hypot (nx - g->cx, ny - g->cy);
      if (d >= clear)
        break;
      r += clear - d + 0.5;
    }

  if (box->x < 0 || box->y < 0 || box->x + w > g->width || box->y + h > g->height)
    return FALSE;

  for (guint j = 0; j < placed->len; j++)
    if (boxes_overlap (box, &g_array_index (placed, Box, j)))
      return FALSE;
  return TRUE;
}

static void
append_percent_label (HealerPieChart    *self,
                      GtkSnapshot       *snapshot,
                      const PieGeometry *g,
                      gboolean           dark,
                      guint              i,
                      const GdkRGBA     *fg,
                      GArray            *placed)
{
  g_autofree char *text = format_percent (self->shares[i]);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  GdkRGBA slice, ink;
  Box box;
  int w, h;

  pango_layout_get_pixel_size (layout, &w, &h);

  if (place_inside (self, g, i, w, h, &box))
    {
      /* Only the hover redraws one label alone (no @placed). */
      slice_color (self, i, dark, placed == NULL, &slice);
      healer_chart_contrasting_text (&slice, &ink);
      append_layout (snapshot, layout, box.x, box.y, &ink);
    }
  /* Slices under 1.5 % are slivers: a label next to one cannot be told from
   * its neighbour's, so only the tooltip, legend and description say it. */
  else if (placed != NULL && self->shares[i] >= 0.015 &&
           place_outside (self, g, i, w, h, placed, &box))
    {
      g_array_append_val (placed, box);
      append_layout (snapshot, layout, box.x, box.y, fg);
    }
}

/* The total in the hole, or why there is nothing to show. */
static void
append_center (HealerPieChart    *self,
               GtkSnapshot       *snapshot,
               const PieGeometry *g,
               const GdkRGBA     *fg)
{
  g_autofree char *number = NULL;
  g_autoptr(PangoLayout) big = NULL;
  g_autoptr(PangoLayout) caption = NULL;
  PangoAttrList *attrs;
  GdkRGBA dim = *fg;
  double room = 2 * g->inner * 0.8;
  int bw = 0, bh = 0, cw, ch;

  dim.alpha *= 0.6f;

  if (self->total > 0)
    {
      number = healer_pie_chart_format_value (self->total);
      big = gtk_widget_create_pango_layout (GTK_WIDGET (self), number);
      attrs = pango_attr_list_new ();
      pango_attr_list_insert (attrs, pango_attr_scale_new (1.6));
      pango_attr_list_insert (attrs, pango_attr_weight_new (PANGO_WEIGHT_BOLD));
      pango_layout_set_attributes (big, attrs);
      pango_attr_list_unref (attrs);
      pango_layout_get_pixel_size (big, &bw, &bh);
      /* Translators: under the sum of all slices, in the donut's hole */
      caption = gtk_widget_create_pango_layout (GTK_WIDGET (self), _("total"));
    }
  else if (self->n > 0 && count_shown (self) == 0 && self->total == 0)
    {
      gboolean any_value = FALSE;

      for (guint i = 0; i < self->n; i++)
        any_value |= self->values[i] > 0;
      caption = gtk_widget_create_pango_layout (GTK_WIDGET (self),
                                                any_value ? _("All classes hidden") : _("No data"));
    }
  else
    caption = gtk_widget_create_pango_layout (GTK_WIDGET (self), _("No data"));

  pango_layout_get_pixel_size (caption, &cw, &ch);
  if (MAX (bw, cw) > room || bh + ch > room)
    return;

  if (big != NULL)
    append_layout (snapshot, big, g->cx - bw / 2.0, g->cy - (bh + ch) / 2.0, fg);
  append_layout (snapshot, caption, g->cx - cw / 2.0, g->cy - (bh + ch) / 2.0 + bh, &dim);
}

/* Everything the widget shows at rest, at @width × @height. */
void
healer_pie_chart_append_static (HealerPieChart *self,
                                GtkSnapshot    *snapshot,
                                int             width,
                                int             height,
                                const GdkRGBA  *fg)
{
  g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (Box));
  gboolean dark = healer_chart_foreground_is_light (fg);
  PieGeometry g;

  if (width <= 0 || height <= 0)
    return;
  healer_pie_chart_compute_geometry (width, height, &g);

  if (self->total <= 0)
    {
      /* An empty ring keeps the chart's shape where the data will go. */
      cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
      GdkRGBA track = *fg;

      track.alpha *= 0.1f;
      gdk_cairo_set_source_rgba (cr, &track);
      cairo_set_fill_rule (cr, CAIRO_FILL_RULE_EVEN_ODD);
      cairo_arc (cr, g.cx, g.cy, g.outer, 0, 2 * G_PI);
      cairo_new_sub_path (cr);
      cairo_arc (cr, g.cx, g.cy, g.inner, 0, 2 * G_PI);
      cairo_fill (cr);
      cairo_destroy (cr);
    }
  else
    {
      append_slices (self, snapshot, &g, dark, -1);
      /* Big slices first: when outside labels compete for room, the larger
       * shares win. */
      for (guint pass = 0; pass < 2; pass++)
        for (guint i = 0; i < self->n; i++)
          if (self->shares[i] > 0 && (self->shares[i] >= 0.05) == (pass == 0))
            append_percent_label (self, snapshot, &g, dark, i, fg, placed);
    }
  append_center (self, snapshot, &g, fg);
}

void
healer_pie_chart_append_hover (HealerPieChart *self,
                               GtkSnapshot    *snapshot,
                               int             width,
                               int             height,
                               const GdkRGBA  *fg)
{
  gboolean dark = healer_chart_foreground_is_light (fg);
  PieGeometry g;

  healer_pie_chart_compute_geometry (width, height, &g);
  append_slices (self, snapshot, &g, dark, self->hovered);
  /* Only its inside label: the grown slice covers it, not the outside ones. */
  append_percent_label (self, snapshot, &g, dark, self->hovered, fg, NULL);
}

#define EXPORT_SWATCH   12
#define EXPORT_SWATCH_GAP 6
#define EXPORT_COLUMN_SPACING 16
#define EXPORT_ROW_SPACING 4

int
healer_pie_chart_append_legend (HealerPieChart *self,
                                GtkSnapshot    *snapshot,
                                int             width,
                                int             y,
                                const GdkRGBA  *fg)
{
  g_autoptr(GPtrArray) layouts = g_ptr_array_new_with_free_func (g_object_unref);
  gboolean dark = healer_chart_foreground_is_light (fg);
  guint line_start = 0;
  int top = y;

  if (self->n == 0)
    return 0;

  for (guint i = 0; i < self->n; i++)
    {
      PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), self->labels[i]);

      if (!healer_chart_legend_get_active (self->legend, i))
        {
          PangoAttrList *attrs = pango_attr_list_new ();

          pango_attr_list_insert (attrs, pango_attr_strikethrough_new (TRUE));
          pango_layout_set_attributes (layout, attrs);
          pango_attr_list_unref (attrs);
        }
      g_ptr_array_add (layouts, layout);
    }

  while (line_start < self->n)
    {
      guint line_end = line_start;
      int line_width = 0;
      int line_height = EXPORT_SWATCH;
      double x;

      for (; line_end < self->n; line_end++)
        {
          int w, h;

          pango_layout_get_pixel_size (g_ptr_array_index (layouts, line_end), &w, &h);
          w += EXPORT_SWATCH + EXPORT_SWATCH_GAP;
          if (line_width > 0 && line_width + EXPORT_COLUMN_SPACING + w > width)
            break;
          line_width += (line_width > 0 ? EXPORT_COLUMN_SPACING : 0) + w;
          line_height = MAX (line_height, h);
        }

      x = MAX (0, (width - line_width) / 2.0);
      for (guint i = line_start; snapshot != NULL && i < line_end; i++)
        {
          PangoLayout *layout = g_ptr_array_index (layouts, i);
          gboolean active = healer_chart_legend_get_active (self->legend, i);
          GdkRGBA color, ink = *fg;
          GskRoundedRect swatch;
          int w, h;

          pango_layout_get_pixel_size (layout, &w, &h);
          healer_chart_palette_lookup (healer_chart_legend_get_palette (self->legend), i, dark, &color);
          if (!active)
            {
              color.alpha *= 0.45f;
              ink.alpha *= 0.45f;
            }
          gsk_rounded_rect_init_from_rect (&swatch,
                                           &GRAPHENE_RECT_INIT (x, y + (line_height - EXPORT_SWATCH) / 2.0,
                                                                EXPORT_SWATCH, EXPORT_SWATCH),
                                           EXPORT_SWATCH / 4.0);
          gtk_snapshot_push_rounded_clip (snapshot, &swatch);
          gtk_snapshot_append_color (snapshot, &color, &swatch.bounds);
          gtk_snapshot_pop (snapshot);
          append_layout (snapshot, layout, x + EXPORT_SWATCH + EXPORT_SWATCH_GAP,
                         y + (line_height - h) / 2.0, &ink);
          x += EXPORT_SWATCH + EXPORT_SWATCH_GAP + w + EXPORT_COLUMN_SPACING;
        }

      y += line_height + EXPORT_ROW_SPACING;
      /* At least one entry per line, however narrow the export. */
      line_start = MAX (line_end, line_start + 1);
    }

  return y - top - EXPORT_ROW_SPACING;
}
