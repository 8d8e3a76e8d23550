/* healer-train-curves.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "healer-train-curves.h"

/* The line chart is written in parallel with this page; until it lands,
 * the last values in words are better than nothing. */
#if __has_include("healer-line-chart.h")
# include "healer-line-chart.h"
# define HAVE_LINE_CHART 1
#endif

/* Epochs can end dozens of times a second on small data: the charts take
 * in what came at most this often, so drawing leaves the cores to
 * training (issue 20: the UI thread ran at 100 %). */
#define FLUSH_INTERVAL_MS 250

typedef struct
{
  guint  epoch;
  double train_loss;
  double val_loss;
  double val_macro_f1;
} Point;

struct _HealerTrainCurves
{
  AdwBin     parent_instance;

  GArray    *pending;         /* of Point, not yet in the charts */
  guint      flush_id;

  GtkWidget *box;
  GtkWidget *loss_chart;
  GtkWidget *f1_chart;        /* made by the first run with validation rows */
  guint      train_series;
  guint      val_series;
  guint      f1_series;
  guint      n_points;
  guint      last_epoch;      /* of the last point appended, 0 after a reset */
  gboolean   has_validation;
  double     last_train_loss;
  double     last_val_loss;
  double     last_f1;
};

G_DEFINE_FINAL_TYPE (HealerTrainCurves, healer_train_curves, ADW_TYPE_BIN)

static GtkWidget *
make_chart (const char *y_title,
            const char *accessible_label,
            int         height)
{
  GtkWidget *chart;

#ifdef HAVE_LINE_CHART
  chart = healer_line_chart_new ();
  healer_line_chart_set_titles (HEALER_LINE_CHART (chart), _("Epoch"), y_title);
  gtk_widget_set_size_request (chart, -1, height);
  /* The curves sit in the Train page, which scrolls: Ctrl+wheel zooms. */
  healer_chart_set_zoom_modifier (HEALER_CHART (chart), GDK_CONTROL_MASK);
#else
  chart = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (chart), 0);
  gtk_widget_add_css_class (chart, "kpi-value");
#endif
  gtk_accessible_update_property (GTK_ACCESSIBLE (chart),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, accessible_label,
                                  -1);
  return chart;
}

/* The charts are made when a run starts, and the macro-F1 chart only when
 * a run has validation rows: a page never used to train, or always trained
 * on every row, does not carry charts it never shows. */
static void
ensure_charts (HealerTrainCurves *self,
               gboolean           with_f1)
{
  if (self->loss_chart == NULL)
    {
      self->loss_chart = make_chart (_("Loss (log scale)"), _("Loss per epoch"), 220);
#ifdef HAVE_LINE_CHART
      healer_line_chart_set_y_log (HEALER_LINE_CHART (self->loss_chart), TRUE);
#endif
      gtk_box_append (GTK_BOX (self->box), self->loss_chart);
    }
  if (with_f1 && self->f1_chart == NULL)
    {
      self->f1_chart = make_chart (_("Macro-F1"), _("Validation macro-F1 per epoch"), 180);
      gtk_box_append (GTK_BOX (self->box), self->f1_chart);
    }
}

static void
update_fallback (HealerTrainCurves *self)
{
#ifndef HAVE_LINE_CHART
  g_autofree char *loss = NULL;
  g_autofree char *f1 = NULL;

  if (self->n_points == 0)
    loss = g_strdup (_("No epoch finished yet"));
  else if (self->has_validation && isfinite (self->last_val_loss))
    loss = g_strdup_printf (_("Training loss %.4g · validation loss %.4g"),
                            self->last_train_loss, self->last_val_loss);
  else
    loss = g_strdup_printf (_("Training loss %.4g"), self->last_train_loss);
  if (self->n_points > 0 && self->has_validation && isfinite (self->last_f1))
    f1 = g_strdup_printf (_("Validation macro-F1 %.3f"), self->last_f1);
  gtk_label_set_text (GTK_LABEL (self->loss_chart), loss);
  if (self->f1_chart != NULL)
    gtk_label_set_text (GTK_LABEL (self->f1_chart), f1 != NULL ? f1 : "");
#endif
}

static void
add_point (HealerTrainCurves *self,
           const Point       *p)
{
#ifdef HAVE_LINE_CHART
  /* A log axis cannot show a loss of 0 or a NaN: leave a gap. */
  if (isfinite (p->train_loss) && p->train_loss > 0)
    healer_line_chart_append (HEALER_LINE_CHART (self->loss_chart), self->train_series,
                              p->epoch, p->train_loss);
  if (self->has_validation && isfinite (p->val_loss) && p->val_loss > 0)
    healer_line_chart_append (HEALER_LINE_CHART (self->loss_chart), self->val_series,
                              p->epoch, p->val_loss);
  if (self->has_validation && isfinite (p->val_macro_f1))
    healer_line_chart_append (HEALER_LINE_CHART (self->f1_chart), self->f1_series,
                              p->epoch, p->val_macro_f1);
#endif
  self->last_train_loss = p->train_loss;
  self->last_val_loss = p->val_loss;
  self->last_f1 = p->val_macro_f1;
}

/* Everything that came since the last flush, in one redraw. */
static void
flush (HealerTrainCurves *self)
{
  g_clear_handle_id (&self->flush_id, g_source_remove);
  if (self->pending->len == 0)
    return;
  for (guint i = 0; i < self->pending->len; i++)
    add_point (self, &g_array_index (self->pending, Point, i));
  g_array_set_size (self->pending, 0);
  update_fallback (self);
}

static gboolean
flush_cb (gpointer data)
{
  HealerTrainCurves *self = data;

  self->flush_id = 0;
  flush (self);
  return G_SOURCE_REMOVE;
}

static void
healer_train_curves_dispose (GObject *object)
{
  HealerTrainCurves *self = (HealerTrainCurves *)object;

  g_clear_handle_id (&self->flush_id, g_source_remove);

  G_OBJECT_CLASS (healer_train_curves_parent_class)->dispose (object);
}

static void
healer_train_curves_finalize (GObject *object)
{
  HealerTrainCurves *self = (HealerTrainCurves *)object;

  g_array_unref (self->pending);

  G_OBJECT_CLASS (healer_train_curves_parent_class)->finalize (object);
}

static void
healer_train_curves_class_init (HealerTrainCurvesClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = healer_train_curves_dispose;
  object_class->finalize = healer_train_curves_finalize;
}

static void
healer_train_curves_init (HealerTrainCurves *self)
{
  self->pending = g_array_new (FALSE, FALSE, sizeof (Point));
  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  adw_bin_set_child (ADW_BIN (self), self->box);
}

GtkWidget *
healer_train_curves_new (void)
{
  return g_object_new (HEALER_TYPE_TRAIN_CURVES, NULL);
}

void
healer_train_curves_reset (HealerTrainCurves *self,
                           gboolean           has_validation)
{
  g_return_if_fail (HEALER_IS_TRAIN_CURVES (self));

  self->has_validation = !!has_validation;
  self->n_points = 0;
  self->last_epoch = 0;
  g_array_set_size (self->pending, 0);
  g_clear_handle_id (&self->flush_id, g_source_remove);
  self->last_train_loss = self->last_val_loss = self->last_f1 = NAN;
  ensure_charts (self, self->has_validation);

#ifdef HAVE_LINE_CHART
  healer_line_chart_clear (HEALER_LINE_CHART (self->loss_chart));
  self->train_series = healer_line_chart_add_series (HEALER_LINE_CHART (self->loss_chart),
                                                     _("Training loss"), 0, FALSE);
  if (self->has_validation)
    {
      self->val_series = healer_line_chart_add_series (HEALER_LINE_CHART (self->loss_chart),
                                                       _("Validation loss"), 1, TRUE);
      healer_line_chart_clear (HEALER_LINE_CHART (self->f1_chart));
      self->f1_series = healer_line_chart_add_series (HEALER_LINE_CHART (self->f1_chart),
                                                      _("Validation macro-F1"), 2, FALSE);
    }
#endif
  if (self->f1_chart != NULL)
    gtk_widget_set_visible (self->f1_chart, self->has_validation);
  update_fallback (self);
}

void
healer_train_curves_append (HealerTrainCurves *self,
                            guint              epoch,
                            double             train_loss,
                            double             val_loss,
                            double             val_macro_f1)
{
  Point p = { epoch, train_loss, val_loss, val_macro_f1 };

  g_return_if_fail (HEALER_IS_TRAIN_CURVES (self));

  if (self->loss_chart == NULL)
    healer_train_curves_reset (self, isfinite (val_loss));

  g_array_append_val (self->pending, p);
  self->n_points++;
  self->last_epoch = epoch;
  /* The first point at once (the charts appear), then at most a few
   * redraws a second. */
  if (self->n_points == 1)
    flush (self);
  else if (self->flush_id == 0)
    self->flush_id = g_timeout_add (FLUSH_INTERVAL_MS, flush_cb, self);
}

void
healer_train_curves_append_report (HealerTrainCurves         *self,
                                   const HealerTrainProgress *progress)
{
  guint first;

  g_return_if_fail (HEALER_IS_TRAIN_CURVES (self));
  g_return_if_fail (progress != NULL);
  g_return_if_fail (progress->n_recent <= HEALER_TRAIN_PROGRESS_RECENT);

  if (progress->n_recent == 0 || progress->epoch < progress->n_recent)
    return;
  first = progress->epoch - progress->n_recent + 1;
  for (guint i = 0; i < progress->n_recent; i++)
    if (first + i > self->last_epoch)
      healer_train_curves_append (self, first + i, progress->recent[i].train_loss,
                                  progress->recent[i].val_loss,
                                  progress->recent[i].val_macro_f1);
}

guint
healer_train_curves_get_last_epoch (HealerTrainCurves *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_CURVES (self), 0);

  return self->last_epoch;
}

void
healer_train_curves_set_history (HealerTrainCurves        *self,
                                 const HealerTrainHistory *history)
{
  g_return_if_fail (HEALER_IS_TRAIN_CURVES (self));
  g_return_if_fail (history != NULL);

  if (history->n_epochs == 0 || history->train_loss == NULL)
    return;

  healer_train_curves_reset (self, self->has_validation);
  for (guint i = 0; i < history->n_epochs; i++)
    healer_train_curves_append (self, i + 1,
                                history->train_loss[i],
                                history->val_loss != NULL ? history->val_loss[i] : NAN,
                                history->val_macro_f1 != NULL ? history->val_macro_f1[i] : NAN);
  flush (self);
}

void
healer_train_curves_flush (HealerTrainCurves *self)
{
  g_return_if_fail (HEALER_IS_TRAIN_CURVES (self));

  flush (self);
}

guint
healer_train_curves_get_n_points (HealerTrainCurves *self)
{
  g_return_val_if_fail (HEALER_IS_TRAIN_CURVES (self), 0);

  return self->n_points;
}
