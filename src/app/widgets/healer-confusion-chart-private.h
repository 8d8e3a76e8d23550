/* healer-confusion-chart-private.h — shared by the widget and its drawing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-confusion-chart.h"

G_BEGIN_DECLS

struct _HealerConfusionChart
{
  GtkWidget      parent_instance;

  guint64       *counts;
  guint64       *row_totals;
  guint64        total;
  guint          n;
  GStrv          labels;

  int            hover_row;
  int            hover_col;
  guint          focus_row;
  guint          focus_col;

  /* Cells, numbers and labels, drawn once per size, data and theme: the
   * pointer and the keyboard only redraw an outline over them. */
  GskRenderNode *cache;
  int            cache_width;
  int            cache_height;
  GdkRGBA        cache_fg;
};

/* Where things go at one size. Rows are true classes from the top,
 * columns predicted classes from the left. */
typedef struct
{
  int    width;
  int    height;
  double grid_x;
  double grid_y;
  double cell;
  double label_width;  /* of the true-class labels, left of the grid */
  double label_height;
  double title_height;
  /* The predicted-class labels under the grid: turned 45° when they are
   * wider than a column, and the height they take. */
  gboolean rotated;
  double   bottom_height;
} ConfusionLayout;

void     healer_confusion_chart_get_foreground (GtkWidget            *widget,
                                                GdkRGBA              *fg);
void     healer_confusion_chart_compute_layout (HealerConfusionChart *self,
                                                int                   width,
                                                int                   height,
                                                ConfusionLayout      *layout);
double   healer_confusion_chart_row_share      (HealerConfusionChart *self,
                                                guint                 row,
                                                guint                 col);
void     healer_confusion_chart_append_static  (HealerConfusionChart *self,
                                                GtkSnapshot          *snapshot,
                                                int                   width,
                                                int                   height,
                                                const GdkRGBA        *fg);
/* The hover and keyboard-focus outlines. */
void     healer_confusion_chart_append_marks   (HealerConfusionChart *self,
                                                GtkSnapshot          *snapshot,
                                                int                   width,
                                                int                   height,
                                                const GdkRGBA        *fg);

G_END_DECLS
