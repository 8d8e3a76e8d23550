/* healer-results-page-private.h
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-bar-chart.h"
#include "healer-confusion-chart.h"
#include "healer-pie-chart.h"
#include "healer-projection.h"
#include "healer-results-page.h"
#include "healer-scatter-chart.h"

G_BEGIN_DECLS

typedef enum {
  COLOUR_PREDICTED,
  COLOUR_TRUE,
  COLOUR_CORRECT,
  COLOUR_UNCERTAIN,
} ColourBy;

struct _HealerResultsPage
{
  AdwBin              parent_instance;

  guint busy : 1;   /* as last notified */

  HealerSession      *session;
  GSignalGroup       *session_signals;
  /* The model diagnoses are made with now (the Diagnose page's, which may
   * be a file opened there while the session keeps an unsaved model); the
   * session's until the property is set. */
  HealerModel        *diagnose_model;
  guint               diagnose_model_set : 1;
  HealerResults      *results;       /* the ones drawn */
  GCancellable       *projection_cancellable;
  HealerProjection   *projection;    /* of @results, or NULL */
  gsize              *projection_rows;

  /* Template widgets */
  GtkStack           *state_stack;
  GtkRevealer        *stale_revealer;
  GtkLabel           *stale_label;
  GtkButton          *rerun_button;
  GtkLabel           *title_label;
  GtkLabel           *subtitle_label;
  GtkLabel           *note_label;
  GtkButton          *drift_button;
  GtkToggleButton    *bar_button;
  GtkToggleButton    *pie_button;
  GtkToggleButton    *scatter_button;
  GtkToggleButton    *confusion_button;
  GtkDropDown        *chart_dropdown;  /* the same choice where the buttons do not fit */
  GtkStringList      *chart_kinds;     /* its items: the buttons shown */
  GtkStack           *chart_stack;
  GtkScrolledWindow  *results_scroll;
  HealerBarChart     *bar_chart;
  HealerPieChart     *pie_chart;
  HealerScatterChart *scatter_chart;
  HealerConfusionChart *confusion_chart;
  GtkDropDown        *method_dropdown;
  GtkDropDown        *space_dropdown;
  GtkDropDown        *colour_dropdown;
  GtkButton          *compute_button;
  GtkButton          *cancel_button;
  GtkProgressBar     *projection_progress;
  GtkLabel           *projection_label;

  guint               keep_choice : 1;  /* the map's dropdowns are being set back */
};

/* healer-results-page.c */
const char **_healer_results_page_class_labels   (HealerResults     *results);
void         _healer_results_page_update_actions (HealerResultsPage *self);

/* What the page says above its chart, which an exported chart says above
 * itself: the title (the data file), whether the model loaded now would
 * say the same, the drift or uncertainty note, the counts and the model;
 * one per line, in that order (free it). NULL without results. */
char        *_healer_results_page_dup_caption    (HealerResultsPage *self);

/* healer-results-page-map.c: the map of the samples */
void         _healer_results_page_fill_scatter      (HealerResultsPage *self);
void         _healer_results_page_start_projection  (HealerResultsPage *self);
void         _healer_results_page_notify_projecting (HealerResultsPage *self);
void         _healer_results_page_set_projecting    (HealerResultsPage *self,
                                                     gboolean           projecting);
void         _healer_results_page_point_activated   (HealerResultsPage *self,
                                                     guint64            index);
void         _healer_results_page_map_actions_init  (GtkWidgetClass    *widget_class);
void         _healer_results_page_map_init          (HealerResultsPage *self);
void         _healer_results_page_update_colours    (HealerResultsPage *self);
void         _healer_results_page_layout_choice_changed (HealerResultsPage *self);

/* healer-results-page-export.c: what leaves the page */
void         _healer_results_page_cell_activated    (HealerResultsPage *self,
                                                     guint              true_class,
                                                     guint              predicted_class);
void         _healer_results_page_export_actions_init (GtkWidgetClass  *widget_class);
/* The file name an export of the results (@chart FALSE) or of the chart
 * shown is offered under (free it). */
char        *_healer_results_page_export_name       (HealerResultsPage *self,
                                                     gboolean           chart);

void _healer_results_page_update_busy (HealerResultsPage *self);

G_END_DECLS
