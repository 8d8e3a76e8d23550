/* healer-confusion-chart.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <inttypes.h>
#include <glib/gi18n.h>

#include "healer-chart-exportable.h"
#include "healer-confusion-chart-private.h"

static void exportable_iface_init (HealerChartExportableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (HealerConfusionChart, healer_confusion_chart, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (HEALER_TYPE_CHART_EXPORTABLE,
                                                      exportable_iface_init))

enum {
  CELL_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
invalidate (HealerConfusionChart *self)
{
  g_clear_pointer (&self->cache, gsk_render_node_unref);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
update_description (HealerConfusionChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint64 correct = 0;

  if (self->total == 0)
    g_string_append (text, _("Confusion matrix with no data"));
  else
    {
      for (guint i = 0; i < self->n; i++)
        correct += self->counts[i * self->n + i];

      g_string_append_printf (text,
                              /* Translators: samples, classes, accuracy */
                              _("Confusion matrix of %" PRIu64 " samples in %u classes, accuracy %.1f %%."),
                              self->total, self->n, 100.0 * correct / self->total);
      gboolean first = TRUE;

      g_string_append_c (text, ' ');
      for (guint i = 0; i < self->n; i++)
        {
          guint64 diagonal = self->counts[i * self->n + i];

          if (self->row_totals[i] == 0)
            continue;
          if (!first)
            g_string_append (text, C_("list separator", "; "));
          first = FALSE;
          g_string_append_printf (text,
                                  /* Translators: class, correct, all of that true class, percent */
                                  _("%s: %" PRIu64 " of %" PRIu64 " predicted correctly (%.1f %%)"),
                                  self->labels[i], diagonal, self->row_totals[i],
                                  100.0 * diagonal / self->row_totals[i]);
        }
    }

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, text->str,
                                  -1);
}

static char *
describe_cell (HealerConfusionChart *self,
               guint                 row,
               guint                 col,
               gboolean              markup)
{
  guint64 count = self->counts[row * self->n + col];
  double percent = 100.0 * healer_confusion_chart_row_share (self, row, col);
  g_autofree char *true_label = markup ? g_markup_escape_text (self->labels[row], -1)
                                       : g_strdup (self->labels[row]);
  g_autofree char *predicted_label = markup ? g_markup_escape_text (self->labels[col], -1)
                                            : g_strdup (self->labels[col]);
  g_autofree char *samples = NULL;

  samples = g_strdup_printf (ngettext ("%" PRIu64 " sample",
                                       "%" PRIu64 " samples",
                                       (gulong) MIN (count, G_MAXULONG)),
                             count);
  if (markup)
    /* Translators: a cell's tooltip: true class, predicted class, "N samples", percent of the row */
    return g_strdup_printf (_("True class: <b>%s</b>\nPredicted: <b>%s</b>\n%s (%.1f %% of this true class)"),
                            true_label, predicted_label, samples, percent);
  /* Translators: a cell for a screen reader: true class, predicted class, "N samples", percent of the row */
  return g_strdup_printf (_("True class %s, predicted %s: %s (%.1f %% of this true class)"),
                          true_label, predicted_label, samples, percent);
}

/* A screen reader hears the cell the keyboard moved to. */
static void
update_label (HealerConfusionChart *self)
{
  g_autofree char *cell = NULL;
  g_autofree char *label = NULL;

  if (self->n == 0)
    {
      gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Confusion matrix"),
                                      -1);
      return;
    }
  cell = describe_cell (self, self->focus_row, self->focus_col, FALSE);
  /* Translators: the chart's name, then the cell the keyboard is on */
  label = g_strdup_printf (_("Confusion matrix: %s"), cell);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}

gboolean
healer_confusion_chart_cell_at (HealerConfusionChart *self,
                                double                x,
                                double                y,
                                guint                *true_class,
                                guint                *predicted_class)
{
  ConfusionLayout l;
  double col, row;

  g_return_val_if_fail (HEALER_IS_CONFUSION_CHART (self), FALSE);

  healer_confusion_chart_compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                                         gtk_widget_get_height (GTK_WIDGET (self)), &l);
  if (self->n == 0 || l.cell <= 0)
    return FALSE;

  col = (x - l.grid_x) / l.cell;
  row = (y - l.grid_y) / l.cell;
  if (col < 0 || row < 0 || col >= self->n || row >= self->n)
    return FALSE;

  if (true_class != NULL)
    *true_class = (guint) row;
  if (predicted_class != NULL)
    *predicted_class = (guint) col;
  return TRUE;
}

gboolean
healer_confusion_chart_get_cell_area (HealerConfusionChart *self,
                                      guint                 true_class,
                                      guint                 predicted_class,
                                      graphene_rect_t      *area)
{
  ConfusionLayout l;

  g_return_val_if_fail (HEALER_IS_CONFUSION_CHART (self), FALSE);
  g_return_val_if_fail (area != NULL, FALSE);

  healer_confusion_chart_compute_layout (self, gtk_widget_get_width (GTK_WIDGET (self)),
                                         gtk_widget_get_height (GTK_WIDGET (self)), &l);
  if (true_class >= self->n || predicted_class >= self->n || l.cell <= 0)
    return FALSE;

  graphene_rect_init (area, l.grid_x + predicted_class * l.cell, l.grid_y + true_class * l.cell,
                      l.cell, l.cell);
  return TRUE;
}

static void
set_hover (HealerConfusionChart *self,
           int                   row,
           int                   col)
{
  if (self->hover_row == row && self->hover_col == col)
    return;
  self->hover_row = row;
  self->hover_col = col;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_focus_cell (HealerConfusionChart *self,
                guint                 row,
                guint                 col)
{
  if (self->n == 0)
    return;
  row = MIN (row, self->n - 1);
  col = MIN (col, self->n - 1);
  if (self->focus_row == row && self->focus_col == col)
    return;
  self->focus_row = row;
  self->focus_col = col;
  update_label (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_motion (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           HealerConfusionChart     *self)
{
  guint row, col;

  if (healer_confusion_chart_cell_at (self, x, y, &row, &col))
    set_hover (self, row, col);
  else
    set_hover (self, -1, -1);
}

static void
on_leave (GtkEventControllerMotion *motion,
          HealerConfusionChart     *self)
{
  set_hover (self, -1, -1);
}

static void
on_released (GtkGestureClick      *click,
             int                   n_press,
             double                x,
             double                y,
             HealerConfusionChart *self)
{
  guint row, col;

  if (!healer_confusion_chart_cell_at (self, x, y, &row, &col))
    return;

  /* The keyboard carries on from the cell last clicked. */
  set_focus_cell (self, row, col);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  g_signal_emit (self, signals[CELL_ACTIVATED], 0, row, col);
}

static gboolean
on_key_pressed (GtkEventControllerKey *key,
                guint                  keyval,
                guint                  keycode,
                GdkModifierType        state,
                HealerConfusionChart  *self)
{
  guint row = self->focus_row;
  guint col = self->focus_col;

  if (self->n == 0 || (state & (GDK_CONTROL_MASK | GDK_ALT_MASK)) != 0)
    return FALSE;

  switch (keyval)
    {
    case GDK_KEY_Left:
    case GDK_KEY_KP_Left:
      if (col == 0)
        return FALSE;
      col--;
      break;

    case GDK_KEY_Right:
    case GDK_KEY_KP_Right:
      if (col + 1 >= self->n)
        return FALSE;
      col++;
      break;

    case GDK_KEY_Up:
    case GDK_KEY_KP_Up:
      if (row == 0)
        return FALSE;
      row--;
      break;

    case GDK_KEY_Down:
    case GDK_KEY_KP_Down:
      if (row + 1 >= self->n)
        return FALSE;
      row++;
      break;

    case GDK_KEY_Home:
    case GDK_KEY_KP_Home:
      col = 0;
      break;

    case GDK_KEY_End:
    case GDK_KEY_KP_End:
      col = self->n - 1;
      break;

    case GDK_KEY_Return:
    case GDK_KEY_KP_Enter:
    case GDK_KEY_ISO_Enter:
    case GDK_KEY_space:
    case GDK_KEY_KP_Space:
      g_signal_emit (self, signals[CELL_ACTIVATED], 0, row, col);
      return TRUE;

    default:
      return FALSE;
    }

  set_focus_cell (self, row, col);
  return TRUE;
}

static gboolean
healer_confusion_chart_query_tooltip (GtkWidget  *widget,
                                      int         x,
                                      int         y,
                                      gboolean    keyboard_tooltip,
                                      GtkTooltip *tooltip)
{
  HealerConfusionChart *self = HEALER_CONFUSION_CHART (widget);
  g_autofree char *markup = NULL;
  guint row, col;

  if (keyboard_tooltip)
    {
      if (self->n == 0)
        return FALSE;
      row = self->focus_row;
      col = self->focus_col;
    }
  else if (!healer_confusion_chart_cell_at (self, x, y, &row, &col))
    return FALSE;

  markup = describe_cell (self, row, col, TRUE);
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

static void
healer_confusion_chart_snapshot (GtkWidget   *widget,
                                 GtkSnapshot *snapshot)
{
  HealerConfusionChart *self = HEALER_CONFUSION_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg;

  healer_confusion_chart_get_foreground (widget, &fg);

  if (self->cache == NULL || self->cache_width != width ||
      self->cache_height != height || !gdk_rgba_equal (&fg, &self->cache_fg))
    {
      g_autoptr(GtkSnapshot) sub = gtk_snapshot_new ();

      g_clear_pointer (&self->cache, gsk_render_node_unref);
      healer_confusion_chart_append_static (self, sub, width, height, &fg);
      self->cache = gtk_snapshot_free_to_node (g_steal_pointer (&sub));
      self->cache_width = width;
      self->cache_height = height;
      self->cache_fg = fg;
    }

  if (self->cache != NULL)
    gtk_snapshot_append_node (snapshot, self->cache);
  healer_confusion_chart_append_marks (self, snapshot, width, height, &fg);
}

static void
healer_confusion_chart_measure (GtkWidget      *widget,
                                GtkOrientation  orientation,
                                int             for_size,
                                int            *minimum,
                                int            *natural,
                                int            *minimum_baseline,
                                int            *natural_baseline)
{
  /* Enough for six classes with counts in their cells, as in the data. */
  *minimum = 160;
  *natural = 420;
}

static void
healer_confusion_chart_css_changed (GtkWidget         *widget,
                                    GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (healer_confusion_chart_parent_class)->css_changed (widget, change);
  /* Fonts may have changed, which the cache cannot tell from its key. */
  invalidate (HEALER_CONFUSION_CHART (widget));
}

static void
healer_confusion_chart_state_flags_changed (GtkWidget     *widget,
                                            GtkStateFlags  previous)
{
  GTK_WIDGET_CLASS (healer_confusion_chart_parent_class)->state_flags_changed (widget, previous);
  /* The focus outline follows :focus-visible. */
  if ((gtk_widget_get_state_flags (widget) ^ previous) & (GTK_STATE_FLAG_FOCUS_VISIBLE | GTK_STATE_FLAG_FOCUSED))
    gtk_widget_queue_draw (widget);
}

static void
snapshot_at_size (HealerChartExportable *exportable,
                  GtkSnapshot           *snapshot,
                  int                    width,
                  int                    height)
{
  GdkRGBA fg;

  healer_confusion_chart_get_foreground (GTK_WIDGET (exportable), &fg);
  healer_confusion_chart_append_static (HEALER_CONFUSION_CHART (exportable), snapshot,
                                        width, height, &fg);
}

static void
exportable_iface_init (HealerChartExportableInterface *iface)
{
  iface->snapshot_at_size = snapshot_at_size;
}

static void
healer_confusion_chart_dispose (GObject *object)
{
  HealerConfusionChart *self = (HealerConfusionChart *)object;

  g_clear_pointer (&self->cache, gsk_render_node_unref);

  G_OBJECT_CLASS (healer_confusion_chart_parent_class)->dispose (object);
}

static void
healer_confusion_chart_finalize (GObject *object)
{
  HealerConfusionChart *self = (HealerConfusionChart *)object;

  g_free (self->counts);
  g_free (self->row_totals);
  g_strfreev (self->labels);

  G_OBJECT_CLASS (healer_confusion_chart_parent_class)->finalize (object);
}

static void
healer_confusion_chart_class_init (HealerConfusionChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_confusion_chart_dispose;
  object_class->finalize = healer_confusion_chart_finalize;

  widget_class->snapshot = healer_confusion_chart_snapshot;
  widget_class->measure = healer_confusion_chart_measure;
  widget_class->query_tooltip = healer_confusion_chart_query_tooltip;
  widget_class->css_changed = healer_confusion_chart_css_changed;
  widget_class->state_flags_changed = healer_confusion_chart_state_flags_changed;

  /**
   * HealerConfusionChart::cell-activated:
   * @true_class: the cell's row
   * @predicted_class: the cell's column
   */
  signals[CELL_ACTIVATED] =
    g_signal_new ("cell-activated",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "healer-confusion-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
healer_confusion_chart_init (HealerConfusionChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *key = gtk_event_controller_key_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->hover_row = self->hover_col = -1;
  self->labels = g_new0 (char *, 1);
  self->row_totals = g_new0 (guint64, 1);
  self->counts = g_new0 (guint64, 1);

  g_signal_connect (motion, "motion", G_CALLBACK (on_motion), self);
  g_signal_connect (motion, "leave", G_CALLBACK (on_leave), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  g_signal_connect (click, "released", G_CALLBACK (on_released), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect (key, "key-pressed", G_CALLBACK (on_key_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self), key);

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  update_label (self);
  update_description (self);
}

GtkWidget *
healer_confusion_chart_new (void)
{
  return g_object_new (HEALER_TYPE_CONFUSION_CHART, NULL);
}

void
healer_confusion_chart_set_matrix (HealerConfusionChart *self,
                                   const guint64        *counts,
                                   guint                 n,
                                   const char * const   *class_labels)
{
  g_return_if_fail (HEALER_IS_CONFUSION_CHART (self));
  g_return_if_fail (n == 0 || counts != NULL);
  g_return_if_fail (n <= 4096);

  g_clear_pointer (&self->counts, g_free);
  g_clear_pointer (&self->row_totals, g_free);
  g_clear_pointer (&self->labels, g_strfreev);

  self->n = n;
  self->counts = g_memdup2 (counts, sizeof (guint64) * n * n + (n == 0));
  self->row_totals = g_new0 (guint64, MAX (n, 1));
  self->labels = g_new0 (char *, n + 1);
  self->total = 0;

  for (guint i = 0; i < n; i++)
    {
      self->labels[i] = class_labels != NULL ? g_strdup (class_labels[i])
                                             : g_strdup_printf ("%u", i);
      for (guint j = 0; j < n; j++)
        self->row_totals[i] += counts[i * n + j];
      self->total += self->row_totals[i];
    }

  self->hover_row = self->hover_col = -1;
  if (self->focus_row >= MAX (n, 1) || self->focus_col >= MAX (n, 1))
    self->focus_row = self->focus_col = 0;

  update_label (self);
  update_description (self);
  invalidate (self);
}

void
healer_confusion_chart_get_focus_cell (HealerConfusionChart *self,
                                       guint                *true_class,
                                       guint                *predicted_class)
{
  g_return_if_fail (HEALER_IS_CONFUSION_CHART (self));

  if (true_class != NULL)
    *true_class = self->focus_row;
  if (predicted_class != NULL)
    *predicted_class = self->focus_col;
}

void
healer_confusion_chart_get_hover_cell (HealerConfusionChart *self,
                                       int                  *true_class,
                                       int                  *predicted_class)
{
  g_return_if_fail (HEALER_IS_CONFUSION_CHART (self));

  if (true_class != NULL)
    *true_class = self->hover_row;
  if (predicted_class != NULL)
    *predicted_class = self->hover_col;
}
