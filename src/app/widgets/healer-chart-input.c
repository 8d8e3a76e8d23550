/* healer-chart-input.c — zoom, pan, rubber band, keys and tooltips of
 * HealerChart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "healer-chart-private.h"

#define ZOOM_STEP   1.25
#define PAN_STEP    0.1
#define DRAG_SLOP   3.0
#define MIN_BAND    4.0

static void
save_views (HealerChartPrivate *priv)
{
  healer_chart_axis_get_view (priv->x_axis, &priv->start_view[0], &priv->start_view[1]);
  healer_chart_axis_get_view (priv->y_axis, &priv->start_view[2], &priv->start_view[3]);
}

static void
restore_views (HealerChartPrivate *priv)
{
  healer_chart_axis_set_view (priv->x_axis, priv->start_view[0], priv->start_view[1]);
  healer_chart_axis_set_view (priv->y_axis, priv->start_view[2], priv->start_view[3]);
}

static void
zoom_at (HealerChart *self,
         double       factor,
         double       fx,
         double       fy,
         gboolean     x,
         gboolean     y)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);

  if (x)
    healer_chart_axis_zoom (priv->x_axis, factor, CLAMP (fx, 0, 1));
  if (y)
    healer_chart_axis_zoom (priv->y_axis, factor, CLAMP (fy, 0, 1));
}

/* ---- pointer ---------------------------------------------------------- */

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           HealerChart              *self)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);

  priv->pointer_x = x;
  priv->pointer_y = y;
  priv->pointer_inside = TRUE;
}

static void
on_leave (GtkEventControllerMotion *motion,
          HealerChart              *self)
{
  healer_chart_get_priv (self)->pointer_inside = FALSE;
}

static gboolean
on_scroll (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           HealerChart              *self)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  double fx = 0.5, fy = 0.5;

  gboolean x = TRUE, y = TRUE;

  if (dy == 0)
    return FALSE;

  if (priv->zoom_modifier != 0)
    {
      /* Inside a scrolling page the plain wheel is the page's: returning
       * FALSE lets it bubble up to the scrolled window. */
      if ((state & priv->zoom_modifier) != priv->zoom_modifier)
        return FALSE;
      state &= ~priv->zoom_modifier;
    }

  if (priv->pointer_inside)
    healer_chart_to_mapped (self, priv->pointer_x, priv->pointer_y, &fx, &fy);

  /* Shift zooms time (x) alone, Ctrl the values (y) alone — unless Ctrl
   * is the modifier that makes the wheel zoom at all. */
  if (state & GDK_CONTROL_MASK)
    x = FALSE;
  if (state & GDK_SHIFT_MASK)
    y = FALSE;
  if (!x && !y)
    x = y = TRUE;
  zoom_at (self, pow (ZOOM_STEP, -dy), fx, fy, x, y);
  return TRUE;
}

static void
on_drag_begin (GtkGestureDrag *drag,
               double          x,
               double          y,
               HealerChart    *self)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (drag));
  guint button = gtk_gesture_single_get_current_button (GTK_GESTURE_SINGLE (drag));

  priv->moved = FALSE;
  priv->banding = button == GDK_BUTTON_SECONDARY || (state & GDK_SHIFT_MASK) != 0;
  /* Button 0: no button event behind the drag (a touch screen). */
  priv->panning = !priv->banding && (button == GDK_BUTTON_PRIMARY || button == 0);
  priv->drag_x = x;
  priv->drag_y = y;
  priv->band = GRAPHENE_RECT_INIT (x, y, 0, 0);
  save_views (priv);

  if (!gtk_widget_has_focus (GTK_WIDGET (self)))
    gtk_widget_grab_focus (GTK_WIDGET (self));
}

static void
on_drag_update (GtkGestureDrag *drag,
                double          ox,
                double          oy,
                HealerChart    *self)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  double sx = priv->drag_x, sy = priv->drag_y;

  if (!priv->moved && hypot (ox, oy) < DRAG_SLOP)
    return;
  priv->moved = TRUE;

  if (priv->panning && priv->plot.size.width > 0 && priv->plot.size.height > 0)
    {
      /* Relative to where the drag began, so the data stays under the
       * pointer however many updates arrive. */
      restore_views (priv);
      healer_chart_axis_pan (priv->x_axis, -ox / priv->plot.size.width);
      healer_chart_axis_pan (priv->y_axis, oy / priv->plot.size.height);
    }
  else if (priv->banding)
    {
      const graphene_rect_t *p = &priv->plot;
      double x0 = CLAMP (sx, p->origin.x, p->origin.x + p->size.width);
      double y0 = CLAMP (sy, p->origin.y, p->origin.y + p->size.height);
      double x1 = CLAMP (sx + ox, p->origin.x, p->origin.x + p->size.width);
      double y1 = CLAMP (sy + oy, p->origin.y, p->origin.y + p->size.height);

      priv->band = GRAPHENE_RECT_INIT (MIN (x0, x1), MIN (y0, y1), fabs (x1 - x0), fabs (y1 - y0));
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
on_drag_end (GtkGestureDrag *drag,
             double          ox,
             double          oy,
             HealerChart    *self)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);

  if (priv->banding && priv->moved)
    healer_chart_zoom_to_rect (self, &priv->band);

  priv->banding = FALSE;
  priv->panning = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
healer_chart_zoom_to_rect (HealerChart           *self,
                           const graphene_rect_t *rect)
{
  HealerChartPrivate *priv;
  graphene_rect_t b;
  double fx0, fy0, fx1, fy1;

  g_return_if_fail (HEALER_IS_CHART (self));
  g_return_if_fail (rect != NULL);

  priv = healer_chart_get_priv (self);
  graphene_rect_normalize_r (rect, &b);
  healer_chart_to_mapped (self, b.origin.x, b.origin.y + b.size.height, &fx0, &fy0);
  healer_chart_to_mapped (self, b.origin.x + b.size.width, b.origin.y, &fx1, &fy1);

  /* A flat band zooms one axis only: a horizontal stroke picks a stretch
   * of x and keeps all of y. */
  if (b.size.width >= MIN_BAND)
    healer_chart_axis_set_view (priv->x_axis,
                                healer_chart_axis_unmap (priv->x_axis, fx0),
                                healer_chart_axis_unmap (priv->x_axis, fx1));
  if (b.size.height >= MIN_BAND)
    healer_chart_axis_set_view (priv->y_axis,
                                healer_chart_axis_unmap (priv->y_axis, fy0),
                                healer_chart_axis_unmap (priv->y_axis, fy1));
}

static void
on_pressed (GtkGestureClick *click,
            int              n_press,
            double           x,
            double           y,
            HealerChart     *self)
{
  if (n_press == 2)
    healer_chart_reset_zoom (self);
}

static void
on_released (GtkGestureClick *click,
             int              n_press,
             double           x,
             double           y,
             HealerChart     *self)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  HealerChartClass *klass = HEALER_CHART_GET_CLASS (self);
  HealerChartLayer *layer = NULL;
  guint64 index = 0;

  if (n_press != 1 || priv->moved || klass->item_activated == NULL)
    return;

  if (healer_chart_item_at (self, x, y, NULL, &layer, &index))
    klass->item_activated (self, layer, index);
}

static void
on_zoom_begin (GtkGesture       *gesture,
               GdkEventSequence *sequence,
               HealerChart      *self)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);
  double cx, cy;

  save_views (priv);
  if (gtk_gesture_get_bounding_box_center (gesture, &cx, &cy))
    healer_chart_to_mapped (self, cx, cy, &priv->anchor_x, &priv->anchor_y);
  else
    priv->anchor_x = priv->anchor_y = 0.5;
}

static void
on_zoom_scale_changed (GtkGestureZoom *gesture,
                       double          scale,
                       HealerChart    *self)
{
  HealerChartPrivate *priv = healer_chart_get_priv (self);

  if (!(scale > 0))
    return;
  restore_views (priv);
  zoom_at (self, scale, priv->anchor_x, priv->anchor_y, TRUE, TRUE);
}

static gboolean
on_query_tooltip (GtkWidget  *widget,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip,
                  gpointer    data)
{
  HealerChart *self = HEALER_CHART (widget);
  g_autofree char *text = NULL;

  if (keyboard)
    return FALSE;
  if (!healer_chart_item_at (self, x, y, &text, NULL, NULL) || text == NULL)
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

/* ---- actions and keys ------------------------------------------------- */

/* Actions rather than bare key bindings, so menus, buttons and tests can
 * zoom a chart the same way the keyboard does. */
static void
action_zoom_in (GtkWidget  *widget,
                const char *name,
                GVariant   *param)
{
  zoom_at (HEALER_CHART (widget), ZOOM_STEP, 0.5, 0.5, TRUE, TRUE);
}

static void
action_zoom_out (GtkWidget  *widget,
                 const char *name,
                 GVariant   *param)
{
  zoom_at (HEALER_CHART (widget), 1 / ZOOM_STEP, 0.5, 0.5, TRUE, TRUE);
}

static void
action_reset_zoom (GtkWidget  *widget,
                   const char *name,
                   GVariant   *param)
{
  healer_chart_reset_zoom (HEALER_CHART (widget));
}

static void
action_pan (GtkWidget  *widget,
            const char *name,
            GVariant   *param)
{
  HealerChartPrivate *priv = healer_chart_get_priv (HEALER_CHART (widget));
  int dx, dy;

  g_variant_get (param, "(ii)", &dx, &dy);
  if (dx != 0)
    healer_chart_axis_pan (priv->x_axis, dx * PAN_STEP);
  if (dy != 0)
    healer_chart_axis_pan (priv->y_axis, dy * PAN_STEP);
}

void
healer_chart_class_init_input (HealerChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const guint zoom_in_keys[] = { GDK_KEY_plus, GDK_KEY_equal, GDK_KEY_KP_Add };
  static const guint zoom_out_keys[] = { GDK_KEY_minus, GDK_KEY_KP_Subtract };
  static const guint reset_keys[] = { GDK_KEY_0, GDK_KEY_KP_0, GDK_KEY_Home };
  static const struct {
    guint key;
    int dx, dy;
  } pan_keys[] = {
    { GDK_KEY_Left, -1, 0 }, { GDK_KEY_Right, 1, 0 },
    { GDK_KEY_Up, 0, 1 }, { GDK_KEY_Down, 0, -1 },
    { GDK_KEY_KP_Left, -1, 0 }, { GDK_KEY_KP_Right, 1, 0 },
    { GDK_KEY_KP_Up, 0, 1 }, { GDK_KEY_KP_Down, 0, -1 },
  };

  gtk_widget_class_install_action (widget_class, "chart.zoom-in", NULL, action_zoom_in);
  gtk_widget_class_install_action (widget_class, "chart.zoom-out", NULL, action_zoom_out);
  gtk_widget_class_install_action (widget_class, "chart.reset-zoom", NULL, action_reset_zoom);
  gtk_widget_class_install_action (widget_class, "chart.pan", "(ii)", action_pan);

  for (guint i = 0; i < G_N_ELEMENTS (zoom_in_keys); i++)
    {
      gtk_widget_class_add_binding_action (widget_class, zoom_in_keys[i], 0, "chart.zoom-in", NULL);
      /* "+" is Shift+"=" on many layouts */
      gtk_widget_class_add_binding_action (widget_class, zoom_in_keys[i], GDK_SHIFT_MASK, "chart.zoom-in", NULL);
    }
  for (guint i = 0; i < G_N_ELEMENTS (zoom_out_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, zoom_out_keys[i], 0, "chart.zoom-out", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (reset_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, reset_keys[i], 0, "chart.reset-zoom", NULL);
  for (guint i = 0; i < G_N_ELEMENTS (pan_keys); i++)
    gtk_widget_class_add_binding_action (widget_class, pan_keys[i].key, 0, "chart.pan", "(ii)",
                                         pan_keys[i].dx, pan_keys[i].dy);
}

void
healer_chart_init_input (HealerChart *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *gesture;

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "enter", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (controller, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_VERTICAL);
  g_signal_connect (controller, "scroll", G_CALLBACK (on_scroll), self);
  gtk_widget_add_controller (widget, controller);

  gesture = gtk_gesture_drag_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (gesture), 0);
  g_signal_connect (gesture, "drag-begin", G_CALLBACK (on_drag_begin), self);
  g_signal_connect (gesture, "drag-update", G_CALLBACK (on_drag_update), self);
  g_signal_connect (gesture, "drag-end", G_CALLBACK (on_drag_end), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_click_new ();
  g_signal_connect (gesture, "pressed", G_CALLBACK (on_pressed), self);
  g_signal_connect (gesture, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gesture = gtk_gesture_zoom_new ();
  g_signal_connect (gesture, "begin", G_CALLBACK (on_zoom_begin), self);
  g_signal_connect (gesture, "scale-changed", G_CALLBACK (on_zoom_scale_changed), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (gesture));

  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (on_query_tooltip), NULL);
}
