/* healer-confusion-chart-draw.c — cells, numbers, labels and outlines
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "healer-chart-palette.h"
#include "healer-confusion-chart-private.h"

/* Pixels: around everything, between labels and the grid, between cells. */
#define PAD        8.0
#define GAP        6.0
#define CELL_GAP   2.0

void
healer_confusion_chart_get_foreground (GtkWidget *widget,
                                       GdkRGBA   *fg)
{
G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), fg);
G_GNUC_END_IGNORE_DEPRECATIONS
}

/* One blue ramp, every channel moving the same way, so the colour gets
 * strictly darker (light theme) or brighter (dark theme) as @t grows: a
 * reader can rank cells by colour alone. The empty end is tinted so empty
 * cells still show as cells. */
static void
cell_color (double   t,
            gboolean dark,
            GdkRGBA *color)
{
  static const float light_lo[3] = { 0.925f, 0.953f, 0.976f };
  static const float light_hi[3] = { 0.016f, 0.243f, 0.416f };
  static const float dark_lo[3] = { 0.176f, 0.196f, 0.227f };
  static const float dark_hi[3] = { 0.361f, 0.690f, 0.953f };
  const float *lo = dark ? dark_lo : light_lo;
  const float *hi = dark ? dark_hi : light_hi;
  float f = (float) CLAMP (t, 0.0, 1.0);

  color->red = lo[0] + (hi[0] - lo[0]) * f;
  color->green = lo[1] + (hi[1] - lo[1]) * f;
  color->blue = lo[2] + (hi[2] - lo[2]) * f;
  color->alpha = 1.f;
}

double
healer_confusion_chart_row_share (HealerConfusionChart *self,
                                  guint                 row,
                                  guint                 col)
{
  if (self->row_totals[row] == 0)
    return 0.0;
  return (double) self->counts[row * self->n + col] / (double) self->row_totals[row];
}

static PangoLayout *
create_layout (HealerConfusionChart *self,
               const char           *text)
{
  return gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
}

void
healer_confusion_chart_compute_layout (HealerConfusionChart *self,
                                       int                   width,
                                       int                   height,
                                       ConfusionLayout      *l)
{
  g_autoptr(PangoLayout) title = create_layout (self, _("True class"));
  double grid, block_w, block_h, avail_w, avail_h;
  int w, h;

  memset (l, 0, sizeof *l);
  l->width = width;
  l->height = height;

  pango_layout_get_pixel_size (title, NULL, &h);
  l->title_height = h;
  l->label_height = h;

  for (guint i = 0; i < self->n; i++)
    {
      g_autoptr(PangoLayout) label = create_layout (self, self->labels[i]);

      pango_layout_get_pixel_size (label, &w, NULL);
      l->label_width = MAX (l->label_width, w);
    }
  /* Long class names are ellipsized rather than squeezing the grid. */
  l->label_width = MIN (l->label_width, width * 0.3);

  l->bottom_height = l->label_height;
  for (guint attempt = 0; attempt < 2; attempt++)
    {
      avail_w = width - 2 * PAD - l->title_height - GAP - l->label_width - GAP;
      avail_h = height - 2 * PAD - GAP - l->bottom_height - GAP - l->title_height;
      if (self->n == 0 || avail_w < self->n || avail_h < self->n)
        {
          l->cell = 0;
          return;
        }
      l->cell = floor (MIN (avail_w, avail_h) / self->n);

      /* Labels wider than their column are turned, which costs height and
       * so may shrink the cells: decided once, not re-checked. */
      if (l->rotated || l->label_width <= l->cell - CELL_GAP)
        break;
      l->rotated = TRUE;
      l->bottom_height = ceil ((l->label_width + l->label_height) * G_SQRT2 / 2);
    }
  grid = l->cell * self->n;

  /* The grid with its labels and titles, centred as one block. */
  block_w = l->title_height + GAP + l->label_width + GAP + grid;
  block_h = grid + GAP + l->bottom_height + GAP + l->title_height;
  l->grid_x = floor ((width - block_w) / 2) + l->title_height + GAP + l->label_width + GAP;
  l->grid_y = floor ((height - block_h) / 2);
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

static void
append_cells (HealerConfusionChart  *self,
              GtkSnapshot           *snapshot,
              const ConfusionLayout *l,
              gboolean               dark)
{
  double grid = l->cell * self->n;
  double radius = MIN (4.0, l->cell / 6);
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot,
                                           &GRAPHENE_RECT_INIT (l->grid_x, l->grid_y, grid, grid));

  for (guint row = 0; row < self->n; row++)
    for (guint col = 0; col < self->n; col++)
      {
        double x = l->grid_x + col * l->cell + CELL_GAP / 2;
        double y = l->grid_y + row * l->cell + CELL_GAP / 2;
        double s = MAX (1.0, l->cell - CELL_GAP);
        GdkRGBA color;

        cell_color (healer_confusion_chart_row_share (self, row, col), dark, &color);
        gdk_cairo_set_source_rgba (cr, &color);
        cairo_new_sub_path (cr);
        cairo_arc (cr, x + s - radius, y + radius, radius, -G_PI / 2, 0);
        cairo_arc (cr, x + s - radius, y + s - radius, radius, 0, G_PI / 2);
        cairo_arc (cr, x + radius, y + s - radius, radius, G_PI / 2, G_PI);
        cairo_arc (cr, x + radius, y + radius, radius, G_PI, 3 * G_PI / 2);
        cairo_close_path (cr);
        cairo_fill (cr);
      }
  cairo_destroy (cr);
}

/* The count, and under it the share of the row, when they fit; the count
 * alone when only it fits; nothing in cells too small to read. */
static void
append_cell_text (HealerConfusionChart  *self,
                  GtkSnapshot           *snapshot,
                  const ConfusionLayout *l,
                  gboolean               dark,
                  guint                  row,
                  guint                  col)
{
  guint64 count = self->counts[row * self->n + col];
  double share = healer_confusion_chart_row_share (self, row, col);
  double room = l->cell - CELL_GAP - 4;
  g_autofree char *number = g_strdup_printf ("%" G_GUINT64_FORMAT, count);
  /* Translators: a share of a row of the confusion matrix, e.g. "24.0 %" */
  g_autofree char *percent = g_strdup_printf (_("%.1f %%"), 100.0 * share);
  /* From the most to the least said, the first that fits. */
  char *markups[] = {
    g_strdup_printf ("<span weight=\"600\" size=\"larger\">%s</span>\n<small>%s</small>", number, percent),
    g_strdup_printf ("<span weight=\"600\">%s</span>\n<small>%s</small>", number, percent),
    g_strdup_printf ("<span weight=\"600\">%s</span>", number),
    g_strdup_printf ("<small>%s</small>", number),
  };
  g_autoptr(PangoLayout) layout = create_layout (self, NULL);
  GdkRGBA color, ink;
  gboolean fits = FALSE;
  int w = 0, h = 0;

  pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
  for (guint k = 0; k < G_N_ELEMENTS (markups) && !fits; k++)
    {
      pango_layout_set_markup (layout, markups[k], -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      fits = w <= room && h <= room;
    }
  for (guint k = 0; k < G_N_ELEMENTS (markups); k++)
    g_free (markups[k]);
  if (!fits)
    return;

  cell_color (share, dark, &color);
  healer_chart_contrasting_text (&color, &ink);
  append_layout (snapshot, layout,
                 l->grid_x + (col + 0.5) * l->cell - w / 2.0,
                 l->grid_y + (row + 0.5) * l->cell - h / 2.0,
                 &ink);
}

static void
append_labels (HealerConfusionChart  *self,
               GtkSnapshot           *snapshot,
               const ConfusionLayout *l,
               const GdkRGBA         *fg)
{
  g_autoptr(PangoLayout) true_title = create_layout (self, _("True class"));
  g_autoptr(PangoLayout) predicted_title = create_layout (self, _("Predicted class"));
  double grid = l->cell * self->n;
  GdkRGBA dim = *fg;
  int w, h;

  dim.alpha *= 0.7f;

  for (guint i = 0; i < self->n; i++)
    {
      g_autoptr(PangoLayout) row_label = create_layout (self, self->labels[i]);
      g_autoptr(PangoLayout) col_label = create_layout (self, self->labels[i]);

      pango_layout_set_ellipsize (row_label, PANGO_ELLIPSIZE_END);
      pango_layout_set_width (row_label, (int) (l->label_width * PANGO_SCALE));
      pango_layout_set_alignment (row_label, PANGO_ALIGN_RIGHT);
      pango_layout_get_pixel_size (row_label, &w, &h);
      append_layout (snapshot, row_label, l->grid_x - GAP - l->label_width,
                     l->grid_y + (i + 0.5) * l->cell - h / 2.0, fg);

      pango_layout_set_ellipsize (col_label, PANGO_ELLIPSIZE_END);
      if (!l->rotated)
        {
          pango_layout_set_width (col_label, (int) (MAX (1.0, l->cell - CELL_GAP) * PANGO_SCALE));
          pango_layout_set_alignment (col_label, PANGO_ALIGN_CENTER);
          append_layout (snapshot, col_label, l->grid_x + i * l->cell + CELL_GAP / 2,
                         l->grid_y + grid + GAP, fg);
          continue;
        }

      /* Rising to the right and ending under the column's middle. */
      pango_layout_set_width (col_label, (int) (l->label_width * PANGO_SCALE));
      pango_layout_set_alignment (col_label, PANGO_ALIGN_RIGHT);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot,
                              &GRAPHENE_POINT_INIT (l->grid_x + (i + 0.5) * l->cell,
                                                    l->grid_y + grid + GAP + l->label_height * G_SQRT2 / 4));
      gtk_snapshot_rotate (snapshot, -45);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (-l->label_width, -l->label_height / 2));
      gtk_snapshot_append_layout (snapshot, col_label, fg);
      gtk_snapshot_restore (snapshot);
    }

  pango_layout_get_pixel_size (predicted_title, &w, &h);
  append_layout (snapshot, predicted_title, l->grid_x + grid / 2 - w / 2.0,
                 l->grid_y + grid + GAP + l->bottom_height + GAP, &dim);

  /* Reads bottom to top, as a y-axis title does. */
  pango_layout_get_pixel_size (true_title, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot,
                          &GRAPHENE_POINT_INIT (l->grid_x - GAP - l->label_width - GAP - h,
                                                l->grid_y + grid / 2 + w / 2.0));
  gtk_snapshot_rotate (snapshot, -90);
  gtk_snapshot_append_layout (snapshot, true_title, &dim);
  gtk_snapshot_restore (snapshot);
}

void
healer_confusion_chart_append_static (HealerConfusionChart *self,
                                      GtkSnapshot          *snapshot,
                                      int                   width,
                                      int                   height,
                                      const GdkRGBA        *fg)
{
  gboolean dark = healer_chart_foreground_is_light (fg);
  ConfusionLayout l;

  if (width <= 0 || height <= 0)
    return;

  healer_confusion_chart_compute_layout (self, width, height, &l);
  if (self->n == 0 || l.cell <= 0)
    {
      g_autoptr(PangoLayout) empty = create_layout (self, self->n == 0 ? _("No data") : NULL);
      GdkRGBA dim = *fg;
      int w, h;

      if (self->n > 0)
        return;
      dim.alpha *= 0.6f;
      pango_layout_get_pixel_size (empty, &w, &h);
      append_layout (snapshot, empty, (width - w) / 2.0, (height - h) / 2.0, &dim);
      return;
    }

  append_cells (self, snapshot, &l, dark);
  for (guint row = 0; row < self->n; row++)
    for (guint col = 0; col < self->n; col++)
      append_cell_text (self, snapshot, &l, dark, row, col);
  append_labels (self, snapshot, &l, fg);
}

static void
append_outline (GtkSnapshot           *snapshot,
                const ConfusionLayout *l,
                guint                  row,
                guint                  col,
                double                 inset,
                double                 line_width,
                const GdkRGBA         *color)
{
  GskRoundedRect outline;
  double s = l->cell - 2 * inset;

  if (s <= 2 * line_width)
    return;
  gsk_rounded_rect_init_from_rect (&outline,
                                   &GRAPHENE_RECT_INIT (l->grid_x + col * l->cell + inset,
                                                        l->grid_y + row * l->cell + inset, s, s),
                                   MIN (5.0, s / 5));
  gtk_snapshot_append_border (snapshot, &outline,
                              (float[4]) { line_width, line_width, line_width, line_width },
                              (GdkRGBA[4]) { *color, *color, *color, *color });
}

void
healer_confusion_chart_append_marks (HealerConfusionChart *self,
                                     GtkSnapshot          *snapshot,
                                     int                   width,
                                     int                   height,
                                     const GdkRGBA        *fg)
{
  ConfusionLayout l;

  if (self->n == 0)
    return;
  healer_confusion_chart_compute_layout (self, width, height, &l);
  if (l.cell <= 0)
    return;

  if (self->hover_row >= 0 && self->hover_col >= 0)
    {
      GdkRGBA color = *fg;

      color.alpha *= 0.7f;
      append_outline (snapshot, &l, self->hover_row, self->hover_col, 0, 2, &color);
    }

  if (gtk_widget_has_visible_focus (GTK_WIDGET (self)))
    {
      GdkRGBA color = *fg;

      /* Drawn over the cell's edge: the cell's own colour may be anything,
       * the foreground always stands out against the page around it. */
      color.alpha *= 0.9f;
      append_outline (snapshot, &l, self->focus_row, self->focus_col, 0, 3, &color);
    }
}
