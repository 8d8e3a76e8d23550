/* healer-chart-export.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>

#include "healer-chart-export.h"
#include "healer-chart-palette.h"

/* Exports are bounded so a typo in a size cannot allocate gigabytes. */
#define MAX_EXPORT_SIDE 16384

gboolean
healer_chart_format_from_filename (const char        *name,
                                   HealerChartFormat *format)
{
  static const struct {
    const char *suffix;
    HealerChartFormat format;
  } suffixes[] = {
    { ".png", HEALER_CHART_FORMAT_PNG },
    { ".svg", HEALER_CHART_FORMAT_SVG },
    { ".pdf", HEALER_CHART_FORMAT_PDF },
  };
  g_autofree char *lower = NULL;

  g_return_val_if_fail (name != NULL, FALSE);

  lower = g_utf8_strdown (name, -1);
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    if (g_str_has_suffix (lower, suffixes[i].suffix))
      {
        if (format != NULL)
          *format = suffixes[i].format;
        return TRUE;
      }
  return FALSE;
}

/* A file viewer shows a transparent PNG on white or a checkerboard, where
 * the light text of a dark theme would vanish; so exports get the
 * background the chart was designed against. */
static void
get_background (GtkWidget *widget,
                GdkRGBA   *background)
{
  if (healer_chart_widget_is_dark (widget, NULL))
    *background = (GdkRGBA) { 0x24 / 255.f, 0x24 / 255.f, 0x24 / 255.f, 1.f };
  else
    *background = (GdkRGBA) { 1.f, 1.f, 1.f, 1.f };
}

/* Space around the caption, in pixels. */
#define CAPTION_PADDING 16

/* The caption as a layout @width wide: the first line bold and larger. */
static PangoLayout *
caption_layout (GtkWidget  *widget,
                const char *caption,
                int         width,
                int         max_height)
{
  g_auto(GStrv) lines = g_strsplit (caption, "\n", 2);
  g_autofree char *title = g_markup_escape_text (lines[0], -1);
  g_autofree char *rest = lines[1] != NULL ? g_markup_escape_text (lines[1], -1) : NULL;
  g_autofree char *markup = g_strdup_printf ("<span weight=\"bold\" size=\"larger\">%s</span>%s%s",
                                             title, rest != NULL ? "\n" : "", rest != NULL ? rest : "");
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);

  pango_layout_set_markup (layout, markup, -1);
  pango_layout_set_width (layout, MAX (1, width) * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  /* At most as high as @max_height: the last lines that do not fit end
   * in an ellipsis, the first ones stay (the caller puts first what must
   * not be lost). */
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (layout, MAX (1, max_height) * PANGO_SCALE);
  return layout;
}

/* A chart on screen whose data just changed has children (its legend)
 * waiting to be laid out until the next frame, and GTK will not draw a
 * widget without its allocation: lay the chart out again where it is,
 * as the next frame would, before drawing it elsewhere. */
static void
lay_out_now (GtkWidget *widget)
{
  GtkAllocation allocation;

  if (!gtk_widget_get_mapped (widget))
    return;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_widget_get_allocation (widget, &allocation);
  G_GNUC_END_IGNORE_DEPRECATIONS
  gtk_widget_size_allocate (widget, &allocation, gtk_widget_get_allocated_baseline (widget));
}

static GskRenderNode *
chart_to_node (HealerChartExportable *chart,
               const char            *caption,
               int                    width,
               int                    height)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  GdkRGBA background;
  int top = 0;

  lay_out_now (GTK_WIDGET (chart));

  get_background (GTK_WIDGET (chart), &background);
  gtk_snapshot_append_color (snapshot, &background,
                             &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (caption != NULL && caption[0] != '\0')
    {
      /* At most half the picture, or there would be no chart. */
      g_autoptr(PangoLayout) layout = caption_layout (GTK_WIDGET (chart), caption,
                                                      width - 2 * CAPTION_PADDING,
                                                      height / 2 - 2 * CAPTION_PADDING);
      GdkRGBA text;
      int text_height;

      pango_layout_get_pixel_size (layout, NULL, &text_height);
      healer_chart_contrasting_text (&background, &text);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (CAPTION_PADDING, CAPTION_PADDING));
      gtk_snapshot_append_layout (snapshot, layout, &text);
      gtk_snapshot_restore (snapshot);
      top = MIN (text_height + 2 * CAPTION_PADDING, height / 2);
    }
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (0, top));
  healer_chart_exportable_snapshot_at_size (chart, snapshot, width, height - top);
  gtk_snapshot_restore (snapshot);
  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static cairo_status_t
append_to_bytes (void                *closure,
                 const unsigned char *data,
                 unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

static void
draw_node (cairo_surface_t *surface,
           GskRenderNode   *node)
{
  cairo_t *cr = cairo_create (surface);

  if (node != NULL)
    gsk_render_node_draw (node, cr);
  cairo_destroy (cr);
}

GBytes *
healer_chart_render (HealerChartExportable  *chart,
                     HealerChartFormat       format,
                     int                     width,
                     int                     height,
                     GError                **error)
{
  return healer_chart_render_captioned (chart, NULL, format, width, height, error);
}

GBytes *
healer_chart_render_captioned (HealerChartExportable  *chart,
                               const char             *caption,
                               HealerChartFormat       format,
                               int                     width,
                               int                     height,
                               GError                **error)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GByteArray) bytes = NULL;
  cairo_surface_t *surface = NULL;
  cairo_status_t status;

  g_return_val_if_fail (HEALER_IS_CHART_EXPORTABLE (chart), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (width <= 0 || height <= 0 || width > MAX_EXPORT_SIDE || height > MAX_EXPORT_SIDE)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("Cannot export a chart of %d × %d pixels: each side must be between 1 and %d"),
                   width, height, MAX_EXPORT_SIDE);
      return NULL;
    }

  node = chart_to_node (chart, caption, width, height);
  bytes = g_byte_array_new ();

  switch (format)
    {
    case HEALER_CHART_FORMAT_PNG:
      surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
      draw_node (surface, node);
      cairo_surface_flush (surface);
      status = cairo_surface_write_to_png_stream (surface, append_to_bytes, bytes);
      break;

    case HEALER_CHART_FORMAT_SVG:
      surface = cairo_svg_surface_create_for_stream (append_to_bytes, bytes, width, height);
      /* Cairo writes the size in points, which viewers scale by 4/3: an
       * export asked for at 800 × 500 pixels showed at 1067 × 667. */
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
      draw_node (surface, node);
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
      break;

    case HEALER_CHART_FORMAT_PDF:
      surface = cairo_pdf_surface_create_for_stream (append_to_bytes, bytes, width, height);
      cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "SystemHealer");
      draw_node (surface, node);
      cairo_surface_finish (surface);
      status = cairo_surface_status (surface);
      break;

    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Unknown chart export format %d"), (int) format);
      return NULL;
    }

  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                   _("Could not draw the chart: %s"), cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&bytes));
}

void
healer_chart_copy_to_clipboard (HealerChartExportable *chart)
{
  healer_chart_copy_to_clipboard_captioned (chart, NULL);
}

void
healer_chart_copy_to_clipboard_captioned (HealerChartExportable *chart,
                                          const char            *caption)
{
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autoptr(GBytes) bytes = NULL;
  cairo_surface_t *surface;
  int width, height, stride;

  g_return_if_fail (HEALER_IS_CHART_EXPORTABLE (chart));

  width = MAX (1, gtk_widget_get_width (GTK_WIDGET (chart)));
  height = MAX (1, gtk_widget_get_height (GTK_WIDGET (chart)));

  /* Drawn with Cairo rather than the widget's renderer: it works for an
   * unrealised chart too, and gives the same pixels as a PNG export. */
  node = chart_to_node (chart, caption, width, height);
  surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);
  draw_node (surface, node);
  cairo_surface_flush (surface);

  stride = cairo_image_surface_get_stride (surface);
  bytes = g_bytes_new (cairo_image_surface_get_data (surface), (gsize) stride * height);
  cairo_surface_destroy (surface);

  texture = gdk_memory_texture_new (width, height, GDK_MEMORY_DEFAULT, bytes, stride);
  gdk_clipboard_set_texture (gtk_widget_get_clipboard (GTK_WIDGET (chart)), texture);
}
