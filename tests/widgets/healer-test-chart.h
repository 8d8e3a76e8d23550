/* healer-test-chart.h — looking at the pixels of the axis charts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <math.h>
#include <string.h>

#include "healer-test-gui.h"
#include "healer-chart.h"
#include "healer-chart-palette.h"

/* The chart rendered (healer_chart_render) into @path for the test to read
 * back; the app writes through healer_chart_save, tested in tests/app. */
static inline gboolean
healer_test_chart_write (gpointer     chart,
                         const char  *path,
                         int          format,
                         int          width,
                         int          height,
                         GError     **error);

typedef struct
{
  GdkTexture *texture;
  guchar     *data;
  int         width;
  int         height;
} ChartPicture;

/* Renders @chart as shown now (saving NAME.png) and keeps its pixels. */
static inline void
chart_picture_take (ChartPicture *p,
                    GtkWidget    *chart,
                    const char   *name)
{
  /* Changes show at the next frame, as for a user: the render waits for it. */
  p->texture = healer_test_render (chart, name);
  p->width = gdk_texture_get_width (p->texture);
  p->height = gdk_texture_get_height (p->texture);
  p->data = g_malloc ((gsize) p->width * p->height * 4);
  gdk_texture_download (p->texture, p->data, (gsize) p->width * 4);
}

/* The whole window around @chart, as the user sees it (a widget alone is
 * transparent, which hides light text in dark mode); @offset receives the
 * chart's top-left corner in the picture. */
static inline void
chart_picture_take_window (ChartPicture     *p,
                           GtkWidget        *chart,
                           const char       *name,
                           graphene_point_t *offset)
{
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (chart));
  graphene_rect_t bounds;

  healer_test_wait_frame (window);
  g_assert_true (gtk_widget_compute_bounds (chart, window, &bounds));
  *offset = bounds.origin;
  p->texture = healer_test_render (window, name);
  p->width = gdk_texture_get_width (p->texture);
  p->height = gdk_texture_get_height (p->texture);
  p->data = g_malloc ((gsize) p->width * p->height * 4);
  gdk_texture_download (p->texture, p->data, (gsize) p->width * 4);
}

static inline void
chart_picture_clear (ChartPicture *p)
{
  g_clear_object (&p->texture);
  g_clear_pointer (&p->data, g_free);
}

/* 0xAARRGGBB; outside the picture, 0. */
static inline guint32
chart_picture_pixel (const ChartPicture *p,
                     int                 x,
                     int                 y)
{
  guint32 pixel;

  if (x < 0 || y < 0 || x >= p->width || y >= p->height)
    return 0;
  memcpy (&pixel, p->data + ((gsize) y * p->width + x) * 4, 4);
  return pixel;
}

static inline guint32
chart_rgba_to_pixel (const GdkRGBA *c)
{
  return ((guint32) (c->alpha * 255 + .5) << 24) |
         ((guint32) (c->red * 255 + .5) << 16) |
         ((guint32) (c->green * 255 + .5) << 8) | (guint32) (c->blue * 255 + .5);
}

/* Largest difference of the colour channels. */
static inline int
chart_pixel_distance (guint32 a,
                      guint32 b)
{
  int d = 0;

  for (int shift = 0; shift < 24; shift += 8)
    d = MAX (d, ABS ((int) ((a >> shift) & 0xff) - (int) ((b >> shift) & 0xff)));
  return d;
}

/* @color at @alpha over the opaque @background. */
static inline guint32
chart_blend (const GdkRGBA *color,
             double         alpha,
             guint32        background)
{
  GdkRGBA bg = { ((background >> 16) & 0xff) / 255.f, ((background >> 8) & 0xff) / 255.f,
                 (background & 0xff) / 255.f, 1 };
  GdkRGBA out = { color->red * alpha + bg.red * (1 - alpha),
                  color->green * alpha + bg.green * (1 - alpha),
                  color->blue * alpha + bg.blue * (1 - alpha), 1 };

  return chart_rgba_to_pixel (&out);
}

/* Where data point (@x, @y) is in widget pixels, by the chart's own axes
 * and plot area. */
static inline void
chart_data_to_widget (HealerChart *chart,
                      double       x,
                      double       y,
                      double      *px,
                      double      *py)
{
  graphene_rect_t plot;

  healer_chart_get_plot_area (chart, &plot);
  *px = plot.origin.x + healer_chart_axis_map (healer_chart_get_x_axis (chart), x) * plot.size.width;
  *py = plot.origin.y + (1 - healer_chart_axis_map (healer_chart_get_y_axis (chart), y)) * plot.size.height;
}

#include "healer-chart-export.h"

static inline gboolean
healer_test_chart_write (gpointer     chart,
                         const char  *path,
                         int          format,
                         int          width,
                         int          height,
                         GError     **error)
{
  g_autoptr(GBytes) bytes = healer_chart_render (HEALER_CHART_EXPORTABLE (chart),
                                                 (HealerChartFormat) format, width, height,
                                                 error);

  return bytes != NULL && g_file_set_contents (path, g_bytes_get_data (bytes, NULL),
                                               (gssize) g_bytes_get_size (bytes), error);
}
