/* healer-confusion-chart.h — a confusion matrix as a heatmap
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEALER_TYPE_CONFUSION_CHART (healer_confusion_chart_get_type ())

G_DECLARE_FINAL_TYPE (HealerConfusionChart, healer_confusion_chart, HEALER, CONFUSION_CHART, GtkWidget)

GtkWidget *healer_confusion_chart_new           (void);

/* @counts has @n × @n entries, row = true class, column = predicted class
 * (copied); @class_labels has @n labels, or is NULL for "0", "1", …
 * A cell's colour is its share of its row, the number it shows beside the
 * count, so a rare class's mistakes are as visible as a common one's. */
void       healer_confusion_chart_set_matrix    (HealerConfusionChart *self,
                                                 const guint64        *counts,
                                                 guint                 n,
                                                 const char * const   *class_labels);

/* Where cell (@true_class, @predicted_class) is drawn at the widget's
 * current size; FALSE when there is no such cell. */
gboolean   healer_confusion_chart_get_cell_area (HealerConfusionChart *self,
                                                 guint                 true_class,
                                                 guint                 predicted_class,
                                                 graphene_rect_t      *area);
/* The cell under widget point (@x, @y); FALSE when there is none. */
gboolean   healer_confusion_chart_cell_at       (HealerConfusionChart *self,
                                                 double                x,
                                                 double                y,
                                                 guint                *true_class,
                                                 guint                *predicted_class);

/* The cell the keyboard is on (arrow keys move it, Enter or Space emits
 * "cell-activated" for it), and the one under the pointer (-1 if none). */
void       healer_confusion_chart_get_focus_cell (HealerConfusionChart *self,
                                                  guint                *true_class,
                                                  guint                *predicted_class);
void       healer_confusion_chart_get_hover_cell (HealerConfusionChart *self,
                                                  int                  *true_class,
                                                  int                  *predicted_class);

/* signal "cell-activated" (guint true_class, guint predicted_class): on a
 * click or Enter, to show the samples behind a cell. */

G_END_DECLS
