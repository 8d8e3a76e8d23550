/* healer-chart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "healer-chart-exportable.h"
#include "healer-chart-legend.h"
#include "healer-chart-palette.h"
#include "healer-chart-private.h"

#define TICK_LENGTH 4
#define GAP         4
#define MIN_PLOT    24

static void exportable_iface_init (HealerChartExportableInterface *iface);
static void buildable_iface_init  (GtkBuildableIface              *iface);

G_DEFINE_TYPE_WITH_CODE (HealerChart, healer_chart, GTK_TYPE_WIDGET,
                         G_ADD_PRIVATE (HealerChart)
                         G_IMPLEMENT_INTERFACE (HEALER_TYPE_CHART_EXPORTABLE, exportable_iface_init)
                         G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, buildable_iface_init))

enum {
  PROP_0,
  PROP_ZOOM_MODIFIER,
  PROP_X_AXIS,
  PROP_Y_AXIS,
  PROP_PALETTE,
  N_PROPS
};

static GtkBuildableIface *parent_buildable_iface;

static GParamSpec *properties[N_PROPS];

/* Stale layers have a NULL node, which GPtrArray hands to the free func. */
static void
node_unref0 (gpointer node)
{
  if (node != NULL)
    gsk_render_node_unref (node);
}

HealerChartPrivate *
healer_chart_get_priv (HealerChart *self)
{
  return healer_chart_get_instance_private (self);
}

static void
update_style (HealerChart *self)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);

  priv->dark = healer_chart_widget_is_dark (GTK_WIDGET (self), &priv->foreground);
}

gboolean
healer_chart_is_dark (HealerChart *self)
{
  g_return_val_if_fail (HEALER_IS_CHART (self), FALSE);

  update_style (self);
  return healer_chart_get_priv (self)->dark;
}

static void
drop_caches (HealerChartPrivate *priv,
             gboolean            layers)
{
  g_clear_pointer (&priv->axes_node, gsk_render_node_unref);
  if (layers)
    for (guint i = 0; i < priv->layer_nodes->len; i++)
      g_clear_pointer (&g_ptr_array_index (priv->layer_nodes, i), gsk_render_node_unref);
}

void
healer_chart_invalidate (HealerChart *self,
                         gboolean     layers)
{
  drop_caches (healer_chart_get_priv (self), layers);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
healer_chart_fill_context (HealerChart        *self,
                           HealerChartContext *ctx,
                           float               width,
                           float               height)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);

  ctx->x_axis = priv->x_axis;
  ctx->y_axis = priv->y_axis;
  ctx->width = width;
  ctx->height = height;
  ctx->scale_factor = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  ctx->dark = priv->dark;
  ctx->foreground = priv->foreground;
  ctx->palette = priv->palette;
  ctx->pango_context = gtk_widget_get_pango_context (GTK_WIDGET (self));
}

/* ---- ranges ----------------------------------------------------------- */

static void
pad_range (HealerChartAxis *axis,
           double          *lo,
           double          *hi,
           double           pad,
           gboolean         keep_lo)
{
  if (healer_chart_axis_get_scale (axis) == HEALER_CHART_SCALE_LOG10 && *lo > 0 && *hi > 0)
    {
      double factor = pow (*hi / *lo, pad);

      if (factor < 1.05)
        factor = 1.05;
      if (!keep_lo)
        *lo /= factor;
      *hi *= factor;
    }
  else
    {
      double span = *hi - *lo;

      if (span <= 0)
        span = MAX (fabs (*hi), 1.0);
      if (!keep_lo)
        *lo -= span * pad;
      *hi += span * pad;
    }
}

static void
update_ranges (HealerChart *self)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  double x_lo = INFINITY, x_hi = -INFINITY, y_lo = INFINITY, y_hi = -INFINITY;
  double old_lo, old_hi;
  gboolean any = FALSE;

  for (guint i = 0; i < priv->layers->len; i++)
    {
      double a, b, c, d;

      if (healer_chart_layer_get_extent (g_ptr_array_index (priv->layers, i), &a, &b, &c, &d))
        {
          x_lo = MIN (x_lo, a);
          x_hi = MAX (x_hi, b);
          y_lo = MIN (y_lo, c);
          y_hi = MAX (y_hi, d);
          any = TRUE;
        }
    }

  if (!any)
    {
      x_lo = y_lo = healer_chart_axis_get_scale (priv->y_axis) == HEALER_CHART_SCALE_LOG10 ? 0.1 : 0;
      x_hi = y_hi = 1;
    }

  if (priv->y_from_zero && healer_chart_axis_get_scale (priv->y_axis) == HEALER_CHART_SCALE_LINEAR)
    {
      y_lo = MIN (y_lo, 0);
      y_hi = MAX (y_hi, 0);
      if (y_hi == y_lo)
        y_hi = 1;
    }

  pad_range (priv->x_axis, &x_lo, &x_hi, priv->x_pad, FALSE);
  pad_range (priv->y_axis, &y_lo, &y_hi, priv->y_pad, priv->y_from_zero && y_lo == 0);

  /* Unchanged ranges leave the axes alone, so only the layer that changed
   * is drawn again. */
  healer_chart_axis_get_range (priv->x_axis, &old_lo, &old_hi);
  if (old_lo != x_lo || old_hi != x_hi)
    healer_chart_axis_set_range (priv->x_axis, x_lo, x_hi);
  healer_chart_axis_get_range (priv->y_axis, &old_lo, &old_hi);
  if (old_lo != y_lo || old_hi != y_hi)
    healer_chart_axis_set_range (priv->y_axis, y_lo, y_hi);
}

static void
on_layer_changed (HealerChart      *self,
                  HealerChartLayer *layer)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  guint index;

  if (g_ptr_array_find (priv->layers, layer, &index))
    g_clear_pointer (&g_ptr_array_index (priv->layer_nodes, index), gsk_render_node_unref);
  update_ranges (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_axis_changed (HealerChart *self)
{
  healer_chart_invalidate (self, TRUE);
}

/* A title, a scale or categories change the axes' labels and so the
 * plot area: everything is drawn again. */
static void
on_axis_notify (HealerChart *self)
{
  healer_chart_invalidate (self, TRUE);
}

/* ---- drawing ---------------------------------------------------------- */

typedef struct
{
  graphene_rect_t  plot;
  GArray          *x_ticks;
  GArray          *y_ticks;
  int              label_height;
  int              y_label_width;
  int              x_slot;        /* max width of one x label */
} Layout;

static void
layout_clear (Layout *layout)
{
  g_clear_pointer (&layout->x_ticks, healer_chart_ticks_free);
  g_clear_pointer (&layout->y_ticks, healer_chart_ticks_free);
}

static int
max_label_width (PangoLayout *pango,
                 GArray      *ticks)
{
  int max = 0;

  for (guint i = 0; i < ticks->len; i++)
    {
      int w;

      pango_layout_set_text (pango, g_array_index (ticks, HealerChartTick, i).label, -1);
      pango_layout_get_pixel_size (pango, &w, NULL);
      max = MAX (max, w);
    }
  return max;
}

static void
compute_layout (HealerChart *self,
                PangoLayout *pango,
                int          width,
                int          height,
                Layout      *layout)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  int label_h, top, bottom, left, right, plot_w, plot_h;
  guint max_x;

  pango_layout_set_text (pango, "0", -1);
  pango_layout_get_pixel_size (pango, NULL, &label_h);
  layout->label_height = label_h;

  top = label_h / 2 + GAP + 2;
  bottom = TICK_LENGTH + GAP + label_h + GAP;
  if (healer_chart_axis_get_title (priv->x_axis) != NULL)
    bottom += label_h + GAP;
  plot_h = MAX (height - top - bottom, MIN_PLOT);

  layout->y_ticks = healer_chart_axis_get_ticks (priv->y_axis, MAX (2, plot_h / (label_h * 2.2)));
  layout->y_label_width = max_label_width (pango, layout->y_ticks);

  left = GAP + 2 + layout->y_label_width + GAP + TICK_LENGTH;
  if (healer_chart_axis_get_title (priv->y_axis) != NULL)
    left += label_h + GAP;
  right = 16;
  plot_w = MAX (width - left - right, MIN_PLOT);

  /* Fewer x ticks until their labels stop overlapping, at any zoom. */
  max_x = MAX (2, plot_w / 60);
  for (guint attempt = 0; attempt < 4; attempt++)
    {
      int w;
      guint fit;

      g_clear_pointer (&layout->x_ticks, healer_chart_ticks_free);
      layout->x_ticks = healer_chart_axis_get_ticks (priv->x_axis, max_x);
      w = max_label_width (pango, layout->x_ticks);
      layout->x_slot = w;
      if (layout->x_ticks->len < 2)
        break;
      fit = MAX (2, plot_w / (w + 12));
      if (layout->x_ticks->len <= fit || max_x <= 2)
        break;
      max_x = MIN (fit, max_x - 1);
    }

  /* The last x label must not be cut off at the right edge. */
  if (layout->x_ticks->len > 0)
    {
      HealerChartTick *last = &g_array_index (layout->x_ticks, HealerChartTick, layout->x_ticks->len - 1);
      int overhang = (int) ceil (layout->x_slot / 2.0 - (1 - last->position) * plot_w) + 2;

      if (overhang > right)
        {
          right = MIN (overhang, plot_w / 4);
          plot_w = MAX (width - left - right, MIN_PLOT);
        }
    }

  layout->plot = GRAPHENE_RECT_INIT (left, top, plot_w, plot_h);
}

static void
append_text (GtkSnapshot   *snapshot,
             PangoLayout   *pango,
             const char    *text,
             float          x,
             float          y,
             float          align_x,  /* 0 left, 0.5 centre, 1 right */
             float          align_y,
             const GdkRGBA *color)
{
  int w, h;

  pango_layout_set_text (pango, text, -1);
  pango_layout_get_pixel_size (pango, &w, &h);
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (roundf (x - w * align_x), roundf (y - h * align_y)));
  gtk_snapshot_append_layout (snapshot, pango, color);
  gtk_snapshot_restore (snapshot);
}

static GskRenderNode *
build_axes (HealerChart  *self,
            PangoLayout  *pango,
            const Layout *layout)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  const graphene_rect_t *p = &layout->plot;
  GdkRGBA grid = priv->foreground, axis = priv->foreground, text = priv->foreground;
  float bottom = p->origin.y + p->size.height;
  gboolean categories = healer_chart_axis_has_categories (priv->x_axis);
  const char *x_title = healer_chart_axis_get_title (priv->x_axis);
  const char *y_title = healer_chart_axis_get_title (priv->y_axis);

  grid.alpha = priv->dark ? 0.14f : 0.10f;
  axis.alpha = 0.5f;
  text.alpha = priv->dark ? 0.85f : 0.8f;

  for (guint i = 0; i < layout->y_ticks->len; i++)
    {
      HealerChartTick *tick = &g_array_index (layout->y_ticks, HealerChartTick, i);
      float y;

      if (tick->position < -1e-6 || tick->position > 1 + 1e-6)
        continue;
      y = roundf (p->origin.y + (1 - tick->position) * p->size.height);
      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (p->origin.x, y, p->size.width, 1));
      gtk_snapshot_append_color (snapshot, &axis, &GRAPHENE_RECT_INIT (p->origin.x - TICK_LENGTH, y, TICK_LENGTH, 1));
      append_text (snapshot, pango, tick->label, p->origin.x - TICK_LENGTH - GAP, y + 0.5f, 1, 0.5f, &text);
    }

  pango_layout_set_ellipsize (pango, PANGO_ELLIPSIZE_END);
  if (layout->x_ticks->len > 0)
    {
      /* Category names can be long: each gets the room between its
       * neighbours, ellipsized beyond that. */
      float slot = p->size.width / MAX (layout->x_ticks->len, 1) - 6;

      pango_layout_set_width (pango, (int) MAX (slot, 20) * PANGO_SCALE);
      pango_layout_set_alignment (pango, PANGO_ALIGN_CENTER);
    }
  for (guint i = 0; i < layout->x_ticks->len; i++)
    {
      HealerChartTick *tick = &g_array_index (layout->x_ticks, HealerChartTick, i);
      PangoRectangle logical;
      float x;

      if (tick->position < -1e-6 || tick->position > 1 + 1e-6)
        continue;
      x = roundf (p->origin.x + tick->position * p->size.width);
      /* Categories are told apart by their labels; a line through each
       * bar would only add noise. */
      if (!categories)
        gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (x, p->origin.y, 1, p->size.height));
      gtk_snapshot_append_color (snapshot, &axis, &GRAPHENE_RECT_INIT (x, bottom, 1, TICK_LENGTH));

      /* Centred by Pango inside the slot: place the slot, not the ink. */
      pango_layout_set_text (pango, tick->label, -1);
      pango_layout_get_pixel_extents (pango, NULL, &logical);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (roundf (x + 0.5f - logical.x - logical.width / 2.f),
                                                             bottom + TICK_LENGTH + GAP));
      gtk_snapshot_append_layout (snapshot, pango, &text);
      gtk_snapshot_restore (snapshot);
    }
  pango_layout_set_width (pango, -1);
  pango_layout_set_alignment (pango, PANGO_ALIGN_LEFT);

  /* Axis lines over the grid */
  gtk_snapshot_append_color (snapshot, &axis, &GRAPHENE_RECT_INIT (p->origin.x, p->origin.y, 1, p->size.height + 1));
  gtk_snapshot_append_color (snapshot, &axis, &GRAPHENE_RECT_INIT (p->origin.x, bottom, p->size.width, 1));

  if (x_title != NULL)
    {
      pango_layout_set_width (pango, (int) p->size.width * PANGO_SCALE);
      append_text (snapshot, pango, x_title,
                   p->origin.x + p->size.width / 2,
                   bottom + TICK_LENGTH + GAP + layout->label_height + GAP,
                   0.5f, 0, &priv->foreground);
      pango_layout_set_width (pango, -1);
    }

  if (y_title != NULL)
    {
      int w, h;

      pango_layout_set_width (pango, (int) p->size.height * PANGO_SCALE);
      pango_layout_set_text (pango, y_title, -1);
      pango_layout_get_pixel_size (pango, &w, &h);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (GAP + 2, roundf (p->origin.y + p->size.height / 2 + w / 2.f)));
      gtk_snapshot_rotate (snapshot, -90);
      gtk_snapshot_append_layout (snapshot, pango, &priv->foreground);
      gtk_snapshot_restore (snapshot);
      pango_layout_set_width (pango, -1);
    }
  pango_layout_set_ellipsize (pango, PANGO_ELLIPSIZE_NONE);

  return gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
}

static GskRenderNode *
build_layer (HealerChart      *self,
             HealerChartLayer *layer,
             const graphene_rect_t *plot)
{
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  HealerChartContext ctx;
  GskRenderNode *node;

  healer_chart_fill_context (self, &ctx, plot->size.width, plot->size.height);
  healer_chart_layer_snapshot (layer, snapshot, &ctx);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  /* An empty layer still counts as drawn, so it is not rebuilt. */
  if (node == NULL)
    node = gsk_container_node_new (NULL, 0);
  return node;
}

/* Draws axes and layers in 0..@width × 0..@height. With @cache, the nodes
 * are kept for the next frame at this size. */
static void
draw_chart (HealerChart *self,
            GtkSnapshot *snapshot,
            int          width,
            int          height,
            gboolean     cache)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  g_autoptr(PangoLayout) pango = NULL;
  g_autoptr(GskRenderNode) axes = NULL;
  graphene_rect_t plot;

  if (width <= 0 || height <= 0)
    return;

  if (cache && (priv->cache_width != width || priv->cache_height != height))
    {
      drop_caches (priv, TRUE);
      priv->cache_width = width;
      priv->cache_height = height;
    }

  if (cache && priv->axes_node != NULL)
    {
      axes = gsk_render_node_ref (priv->axes_node);
      plot = priv->plot;
    }
  else
    {
      Layout layout = { 0 };

      pango = gtk_widget_create_pango_layout (GTK_WIDGET (self), NULL);
      compute_layout (self, pango, width, height, &layout);
      axes = build_axes (self, pango, &layout);
      plot = layout.plot;
      layout_clear (&layout);
      if (cache)
        {
          priv->axes_node = gsk_render_node_ref (axes);
          if (!graphene_rect_equal (&plot, &priv->plot))
            for (guint i = 0; i < priv->layer_nodes->len; i++)
              g_clear_pointer (&g_ptr_array_index (priv->layer_nodes, i), gsk_render_node_unref);
          priv->plot = plot;
        }
    }

  gtk_snapshot_append_node (snapshot, axes);

  gtk_snapshot_save (snapshot);
  gtk_snapshot_push_clip (snapshot, &plot);
  gtk_snapshot_translate (snapshot, &plot.origin);
  for (guint i = 0; i < priv->layers->len; i++)
    {
      HealerChartLayer *layer = g_ptr_array_index (priv->layers, i);

      if (cache)
        {
          GskRenderNode **node = (GskRenderNode **) &g_ptr_array_index (priv->layer_nodes, i);

          if (*node == NULL)
            *node = build_layer (self, layer, &plot);
          gtk_snapshot_append_node (snapshot, *node);
        }
      else
        {
          g_autoptr(GskRenderNode) node = build_layer (self, layer, &plot);

          gtk_snapshot_append_node (snapshot, node);
        }
    }
  gtk_snapshot_pop (snapshot);
  gtk_snapshot_restore (snapshot);
}

static void
healer_chart_snapshot (GtkWidget   *widget,
                       GtkSnapshot *snapshot)
{
  HealerChart *self = HEALER_CHART (widget);
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget) - priv->legend_height;

  draw_chart (self, snapshot, width, height, TRUE);

  /* The band shows only once the pointer has really moved. */
  if (priv->banding && priv->moved)
    {
      GdkRGBA fill = priv->foreground, edge = priv->foreground;
      GskRoundedRect outline;

      fill.alpha = 0.12f;
      edge.alpha = 0.6f;
      gtk_snapshot_append_color (snapshot, &fill, &priv->band);
      gsk_rounded_rect_init_from_rect (&outline, &priv->band, 0);
      gtk_snapshot_append_border (snapshot, &outline,
                                  (float[4]) { 1, 1, 1, 1 },
                                  (GdkRGBA[4]) { edge, edge, edge, edge });
    }

  if (gtk_widget_has_visible_focus (widget))
    {
      GdkRGBA ring = priv->dark ? (GdkRGBA) { 0.47f, 0.68f, 0.93f, 0.8f }
                                : (GdkRGBA) { 0.21f, 0.52f, 0.89f, 0.8f };
      GskRoundedRect outline;
      graphene_rect_t r;

      graphene_rect_inset_r (&priv->plot, -2, -2, &r);
      gsk_rounded_rect_init_from_rect (&outline, &r, 4);
      gtk_snapshot_append_border (snapshot, &outline,
                                  (float[4]) { 2, 2, 2, 2 },
                                  (GdkRGBA[4]) { ring, ring, ring, ring });
    }

  if (priv->legend != NULL)
    gtk_widget_snapshot_child (widget, priv->legend, snapshot);
}

static void
snapshot_at_size (HealerChartExportable *exportable,
                  GtkSnapshot           *snapshot,
                  int                    width,
                  int                    height)
{
  HealerChart *self = HEALER_CHART (exportable);
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  int legend_height = 0;

  update_style (self);

  if (priv->legend != NULL && gtk_widget_get_visible (priv->legend))
    gtk_widget_measure (priv->legend, GTK_ORIENTATION_VERTICAL, width,
                        &legend_height, NULL, NULL, NULL);
  legend_height = MIN (legend_height, height / 2);

  draw_chart (self, snapshot, width, height - legend_height,
              width == gtk_widget_get_width (GTK_WIDGET (self)) &&
              height == gtk_widget_get_height (GTK_WIDGET (self)));

  if (legend_height > 0 && gtk_widget_get_mapped (priv->legend))
    {
      graphene_rect_t bounds;

      /* snapshot_child() places the legend at its allocation; move it to
       * the bottom of the exported picture instead. */
      if (gtk_widget_compute_bounds (priv->legend, GTK_WIDGET (self), &bounds))
        {
          gtk_snapshot_save (snapshot);
          gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT ((width - bounds.size.width) / 2 - bounds.origin.x,
                                                                 (height - legend_height) - bounds.origin.y));
          gtk_widget_snapshot_child (GTK_WIDGET (self), priv->legend, snapshot);
          gtk_snapshot_restore (snapshot);
        }
    }
}

static void
exportable_iface_init (HealerChartExportableInterface *iface)
{
  iface->snapshot_at_size = snapshot_at_size;
}

/* ---- .ui files -------------------------------------------------------- */

/* Layers are children, drawn in the order given, as in Sysprof's charts:
 *   <child><object class="HealerLineLayer">…</object></child> */
static void
healer_chart_buildable_add_child (GtkBuildable *buildable,
                                  GtkBuilder   *builder,
                                  GObject      *child,
                                  const char   *type)
{
  if (HEALER_IS_CHART_LAYER (child) && type == NULL)
    healer_chart_add_layer (HEALER_CHART (buildable), HEALER_CHART_LAYER (child));
  else
    parent_buildable_iface->add_child (buildable, builder, child, type);
}

/* <child internal-child="x-axis"><object class="HealerChartAxis">
 * sets properties of the chart's own axis. */
static GObject *
healer_chart_buildable_get_internal_child (GtkBuildable *buildable,
                                           GtkBuilder   *builder,
                                           const char   *name)
{
  HealerChart *self = HEALER_CHART (buildable);

  if (g_strcmp0 (name, "x-axis") == 0)
    return G_OBJECT (healer_chart_get_x_axis (self));
  if (g_strcmp0 (name, "y-axis") == 0)
    return G_OBJECT (healer_chart_get_y_axis (self));
  return parent_buildable_iface->get_internal_child (buildable, builder, name);
}

static void
buildable_iface_init (GtkBuildableIface *iface)
{
  parent_buildable_iface = g_type_interface_peek_parent (iface);
  iface->add_child = healer_chart_buildable_add_child;
  iface->get_internal_child = healer_chart_buildable_get_internal_child;
}

/* ---- size ------------------------------------------------------------- */

static void
healer_chart_measure (GtkWidget      *widget,
                      GtkOrientation  orientation,
                      int             for_size,
                      int            *minimum,
                      int            *natural,
                      int            *minimum_baseline,
                      int            *natural_baseline)
{
  HealerChartPrivate *priv = healer_chart_get_priv (HEALER_CHART (widget));
  int legend_min = 0, legend_nat = 0;

  if (priv->legend != NULL)
    gtk_widget_measure (priv->legend, orientation,
                        orientation == GTK_ORIENTATION_VERTICAL ? for_size : -1,
                        &legend_min, &legend_nat, NULL, NULL);

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = MAX (160, legend_min);
      *natural = MAX (480, legend_nat);
    }
  else
    {
      *minimum = 120 + legend_min;
      *natural = 320 + legend_nat;
    }
}

static void
healer_chart_size_allocate (GtkWidget *widget,
                            int        width,
                            int        height,
                            int        baseline)
{
  HealerChartPrivate *priv = healer_chart_get_priv (HEALER_CHART (widget));

  priv->legend_height = 0;
  if (priv->legend != NULL && gtk_widget_get_visible (priv->legend))
    {
      gtk_widget_measure (priv->legend, GTK_ORIENTATION_VERTICAL, width,
                          &priv->legend_height, NULL, NULL, NULL);
      priv->legend_height = MIN (priv->legend_height, height / 2);
      gtk_widget_size_allocate (priv->legend,
                                &(GtkAllocation) { 0, height - priv->legend_height, width, priv->legend_height },
                                -1);
    }
}

static void
healer_chart_css_changed (GtkWidget         *widget,
                          GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (healer_chart_parent_class)->css_changed (widget, change);

  update_style (HEALER_CHART (widget));
  healer_chart_invalidate (HEALER_CHART (widget), TRUE);
}

/* ---- object ----------------------------------------------------------- */

static void
healer_chart_dispose (GObject *object)
{
  HealerChart *self = (HealerChart *)object;
  HealerChartPrivate *priv = healer_chart_get_priv (self);

  g_clear_pointer (&priv->legend, gtk_widget_unparent);
  if (priv->layers != NULL)
    for (guint i = 0; i < priv->layers->len; i++)
      g_signal_handlers_disconnect_by_data (g_ptr_array_index (priv->layers, i), self);
  g_clear_pointer (&priv->layers, g_ptr_array_unref);
  g_clear_pointer (&priv->layer_nodes, g_ptr_array_unref);
  g_clear_pointer (&priv->axes_node, gsk_render_node_unref);
  if (priv->x_axis != NULL)
    g_signal_handlers_disconnect_by_data (priv->x_axis, self);
  if (priv->y_axis != NULL)
    g_signal_handlers_disconnect_by_data (priv->y_axis, self);
  g_clear_object (&priv->x_axis);
  g_clear_object (&priv->y_axis);

  G_OBJECT_CLASS (healer_chart_parent_class)->dispose (object);
}

static void
healer_chart_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  HealerChart *self = HEALER_CHART (object);

  switch (prop_id)
    {
    case PROP_ZOOM_MODIFIER:
      g_value_set_flags (value, healer_chart_get_zoom_modifier (self));
      break;

    case PROP_X_AXIS:
      g_value_set_object (value, healer_chart_get_x_axis (self));
      break;

    case PROP_Y_AXIS:
      g_value_set_object (value, healer_chart_get_y_axis (self));
      break;

    case PROP_PALETTE:
      g_value_set_enum (value, healer_chart_get_palette (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_chart_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  HealerChart *self = HEALER_CHART (object);

  switch (prop_id)
    {
    case PROP_ZOOM_MODIFIER:
      healer_chart_set_zoom_modifier (self, g_value_get_flags (value));
      break;

    case PROP_PALETTE:
      healer_chart_set_palette (self, g_value_get_enum (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_chart_class_init (HealerChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_chart_dispose;
  object_class->get_property = healer_chart_get_property;
  object_class->set_property = healer_chart_set_property;

  /* See healer_chart_set_zoom_modifier(); settable from .ui files. */
  properties[PROP_ZOOM_MODIFIER] =
    g_param_spec_flags ("zoom-modifier", NULL, NULL,
                        GDK_TYPE_MODIFIER_TYPE, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  /* The axes live as long as the chart; a .ui file sets their properties
   * as the internal children "x-axis" and "y-axis". */
  properties[PROP_X_AXIS] =
    g_param_spec_object ("x-axis", NULL, NULL,
                         HEALER_TYPE_CHART_AXIS,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  properties[PROP_Y_AXIS] =
    g_param_spec_object ("y-axis", NULL, NULL,
                         HEALER_TYPE_CHART_AXIS,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));
  /* See healer_chart_set_palette(); a .ui file writes the nick. */
  properties[PROP_PALETTE] =
    g_param_spec_enum ("palette", NULL, NULL,
                       HEALER_TYPE_CHART_PALETTE_KIND, HEALER_CHART_PALETTE_INHERIT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  widget_class->snapshot = healer_chart_snapshot;
  widget_class->measure = healer_chart_measure;
  widget_class->size_allocate = healer_chart_size_allocate;
  widget_class->css_changed = healer_chart_css_changed;

  gtk_widget_class_set_css_name (widget_class, "chart");
  /* A group, not an image: an image's children are hidden from screen
   * readers, and the legend's switches must stay reachable. */
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);

  healer_chart_class_init_input (klass);

  /* A .ui file names the axes' class before any chart made one. */
  g_type_ensure (HEALER_TYPE_CHART_AXIS);
}

static void
on_palette_changed (HealerChart *self)
{
  /* The process-wide palette: a chart with its own has nothing to redraw. */
  if (healer_chart_get_priv (self)->palette == HEALER_CHART_PALETTE_INHERIT)
    healer_chart_invalidate (self, TRUE);
}

static void
healer_chart_init (HealerChart *self)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);

  priv->x_axis = healer_chart_axis_new (HEALER_CHART_SCALE_LINEAR);
  priv->y_axis = healer_chart_axis_new (HEALER_CHART_SCALE_LINEAR);
  g_signal_connect_swapped (priv->x_axis, "changed", G_CALLBACK (on_axis_changed), self);
  g_signal_connect_swapped (priv->y_axis, "changed", G_CALLBACK (on_axis_changed), self);
  g_signal_connect_swapped (priv->x_axis, "notify", G_CALLBACK (on_axis_notify), self);
  g_signal_connect_swapped (priv->y_axis, "notify", G_CALLBACK (on_axis_notify), self);
  priv->layers = g_ptr_array_new_with_free_func (g_object_unref);
  priv->layer_nodes = g_ptr_array_new_with_free_func (node_unref0);
  priv->x_pad = 0.02;
  priv->y_pad = 0.05;
  priv->palette = HEALER_CHART_PALETTE_INHERIT;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_overflow (GTK_WIDGET (self), GTK_OVERFLOW_HIDDEN);
  healer_chart_init_input (self);
  update_style (self);
  g_signal_connect_object (healer_chart_palette_get_notifier (), "changed",
                           G_CALLBACK (on_palette_changed), self, G_CONNECT_SWAPPED);
}

HealerChartAxis *
healer_chart_get_x_axis (HealerChart *self)
{
  g_return_val_if_fail (HEALER_IS_CHART (self), NULL);

  return healer_chart_get_priv (self)->x_axis;
}

HealerChartAxis *
healer_chart_get_y_axis (HealerChart *self)
{
  g_return_val_if_fail (HEALER_IS_CHART (self), NULL);

  return healer_chart_get_priv (self)->y_axis;
}

void
healer_chart_add_layer (HealerChart      *self,
                        HealerChartLayer *layer)
{
  HealerChartPrivate *priv;

  g_return_if_fail (HEALER_IS_CHART (self));
  g_return_if_fail (HEALER_IS_CHART_LAYER (layer));

  priv = healer_chart_get_priv (self);
  g_ptr_array_add (priv->layers, g_object_ref (layer));
  g_ptr_array_add (priv->layer_nodes, NULL);
  g_signal_connect_swapped (layer, "changed", G_CALLBACK (on_layer_changed), self);
  on_layer_changed (self, layer);
}

void
healer_chart_set_titles (HealerChart *self,
                         const char  *x_title,
                         const char  *y_title)
{
  HealerChartPrivate *priv;

  g_return_if_fail (HEALER_IS_CHART (self));

  priv = healer_chart_get_priv (self);
  healer_chart_axis_set_title (priv->x_axis, x_title);
  healer_chart_axis_set_title (priv->y_axis, y_title);
}

void
healer_chart_set_range_policy (HealerChart *self,
                               double       x_pad,
                               double       y_pad,
                               gboolean     y_from_zero)
{
  HealerChartPrivate *priv;

  g_return_if_fail (HEALER_IS_CHART (self));

  priv = healer_chart_get_priv (self);
  priv->x_pad = x_pad;
  priv->y_pad = y_pad;
  priv->y_from_zero = !!y_from_zero;
  update_ranges (self);
}

void
healer_chart_set_legend (HealerChart *self,
                         GtkWidget   *legend)
{
  HealerChartPrivate *priv;

  g_return_if_fail (HEALER_IS_CHART (self));
  g_return_if_fail (legend == NULL || GTK_IS_WIDGET (legend));

  priv = healer_chart_get_priv (self);
  if (priv->legend == legend)
    return;
  g_clear_pointer (&priv->legend, gtk_widget_unparent);
  if (legend != NULL)
    {
      priv->legend = legend;
      gtk_widget_set_parent (legend, GTK_WIDGET (self));
      /* Its swatches must be the colours of what they stand for. */
      if (HEALER_IS_CHART_LEGEND (legend))
        healer_chart_legend_set_palette (HEALER_CHART_LEGEND (legend), priv->palette);
    }
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

GtkWidget *
healer_chart_get_legend (HealerChart *self)
{
  g_return_val_if_fail (HEALER_IS_CHART (self), NULL);

  return healer_chart_get_priv (self)->legend;
}

HealerChartPaletteKind
healer_chart_get_palette (HealerChart *self)
{
  g_return_val_if_fail (HEALER_IS_CHART (self), HEALER_CHART_PALETTE_INHERIT);

  return healer_chart_get_priv (self)->palette;
}

void
healer_chart_set_palette (HealerChart            *self,
                          HealerChartPaletteKind  palette)
{
  HealerChartPrivate *priv;

  g_return_if_fail (HEALER_IS_CHART (self));
  g_return_if_fail (palette <= HEALER_CHART_PALETTE_INHERIT);

  priv = healer_chart_get_priv (self);
  if (priv->palette == palette)
    return;
  priv->palette = palette;
  if (priv->legend != NULL && HEALER_IS_CHART_LEGEND (priv->legend))
    healer_chart_legend_set_palette (HEALER_CHART_LEGEND (priv->legend), palette);
  healer_chart_invalidate (self, TRUE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PALETTE]);
}

void
healer_chart_get_plot_area (HealerChart     *self,
                            graphene_rect_t *area)
{
  g_return_if_fail (HEALER_IS_CHART (self));
  g_return_if_fail (area != NULL);

  *area = healer_chart_get_priv (self)->plot;
}

void
healer_chart_set_zoom_modifier (HealerChart     *self,
                                GdkModifierType  modifier)
{
  HealerChartPrivate *priv;

  g_return_if_fail (HEALER_IS_CHART (self));

  priv = healer_chart_get_priv (self);
  modifier &= gtk_accelerator_get_default_mod_mask ();
  if (priv->zoom_modifier == modifier)
    return;
  priv->zoom_modifier = modifier;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOM_MODIFIER]);
}

GdkModifierType
healer_chart_get_zoom_modifier (HealerChart *self)
{
  g_return_val_if_fail (HEALER_IS_CHART (self), 0);

  return healer_chart_get_priv (self)->zoom_modifier;
}

void
healer_chart_reset_zoom (HealerChart *self)
{
  HealerChartPrivate *priv;

  g_return_if_fail (HEALER_IS_CHART (self));

  priv = healer_chart_get_priv (self);
  healer_chart_axis_reset (priv->x_axis);
  healer_chart_axis_reset (priv->y_axis);
}

void
healer_chart_to_mapped (HealerChart *self,
                        double       x,
                        double       y,
                        double      *fx,
                        double      *fy)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  const graphene_rect_t *p = &priv->plot;

  *fx = p->size.width > 0 ? (x - p->origin.x) / p->size.width : 0.5;
  *fy = p->size.height > 0 ? 1 - (y - p->origin.y) / p->size.height : 0.5;
}

gboolean
healer_chart_item_at (HealerChart       *self,
                      double             x,
                      double             y,
                      char             **tooltip,
                      HealerChartLayer **layer,
                      guint64           *index)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  HealerChartContext ctx;

  if (!graphene_rect_contains_point (&priv->plot, &GRAPHENE_POINT_INIT (x, y)))
    return FALSE;

  healer_chart_fill_context (self, &ctx, priv->plot.size.width, priv->plot.size.height);
  for (guint i = priv->layers->len; i > 0; i--)
    {
      HealerChartLayer *l = g_ptr_array_index (priv->layers, i - 1);

      if (healer_chart_layer_hit_test (l, &ctx, x - priv->plot.origin.x, y - priv->plot.origin.y, tooltip, index))
        {
          if (layer != NULL)
            *layer = l;
          return TRUE;
        }
    }
  return FALSE;
}

char *
healer_chart_query_item (HealerChart *self,
                         double       x,
                         double       y,
                         guint64     *index)
{
  char *tooltip = NULL;

  g_return_val_if_fail (HEALER_IS_CHART (self), NULL);

  if (!healer_chart_item_at (self, x, y, &tooltip, NULL, index))
    return NULL;
  return tooltip != NULL ? tooltip : g_strdup ("");
}
