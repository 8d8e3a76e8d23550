/* healer-diagnose-page-private.h — shared by the Diagnose page's model, sample and batch parts
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-diagnose-page.h"
#include "healer-diagnose-rows.h"
#include "healer-diagnose.h"

G_BEGIN_DECLS

struct _HealerDiagnosePage
{
  AdwBin              parent_instance;

  guint busy : 1;   /* as last notified */

  HealerSession      *session;

  /* The model diagnoses are made with. It follows the session's model
   * unless the user opened another one while the session holds a trained
   * model that is not saved: that one must not be thrown away, so the
   * opened model stays on this page only. */
  HealerModel        *model;
  GFile              *model_file;
  gboolean            follow_session;
  GCancellable       *model_cancellable;

  /* One sample: a value text per model input (NULL = missing). */
  char              **sample_texts;
  guint               n_sample_texts;
  GtkStringList      *kpi_names;
  GtkFilterListModel *kpi_filtered;
  GtkStringFilter    *kpi_filter;
  GCancellable       *sample_cancellable;
  float              *last_sample_proba;  /* n_classes of the last diagnosed sample */
  guint               last_sample_class;

  /* Batch */
  GCancellable       *batch_cancellable;
  HealerDiagnoseRows *rows;
  GtkSingleSelection *selection;

  /* Template widgets */
  GtkStack           *model_stack;
  GtkButton          *empty_open_button;
  GtkButton          *empty_trained_button;
  GtkSpinner         *empty_spinner;
  AdwExpanderRow     *model_row;
  GtkSpinner         *model_spinner;
  GtkButton          *trained_button;
  GtkButton          *open_button;
  GtkLabel           *classes_label;
  GtkLabel           *kpis_label;
  GtkLabel           *architecture_label;
  GtkLabel           *rows_label;
  GtkLabel           *f1_label;
  GtkLabel           *created_label;
  GtkLabel           *file_label;
  GtkStack           *mode_stack;

  GtkWidget          *sample_box;
  GtkSearchEntry     *kpi_search;
  GtkListView        *kpi_list;
  GtkLabel           *kpi_no_match_label;
  GtkTextView        *paste_view;
  GtkLabel           *paste_error_label;
  GtkButton          *paste_button;
  GtkButton          *diagnose_sample_button;
  GtkStack           *sample_result_stack;
  GtkLabel           *sample_class_label;
  GtkLabel           *sample_confidence_label;
  GtkBox             *sample_uncertain_box;
  GtkLabel           *sample_uncertain_label;
  GtkGrid            *sample_proba_grid;
  GtkListBox         *sample_drivers_list;
  GtkListBox         *sample_abnormal_list;

  GtkButton          *batch_open_button;
  GtkLabel           *batch_source_label;
  GtkButton          *charts_button;
  GtkRevealer        *progress_revealer;
  GtkProgressBar     *batch_progress;
  GtkRevealer        *stale_revealer;
  GtkLabel           *stale_label;
  GtkButton          *rerun_button;
  GtkRevealer        *drift_revealer;
  GtkLabel           *drift_label;
  GtkStack           *batch_stack;
  GtkSearchEntry     *id_search;
  GtkDropDown        *class_filter;
  GtkCheckButton     *uncertain_check;
  GtkLabel           *shown_label;
  GtkWidget          *batch_box;
  GtkColumnView      *results_view;
  GtkStack           *details_stack;
  GtkLabel           *detail_id_label;
  GtkLabel           *detail_class_label;
  GtkLabel           *detail_true_label;
  GtkBox             *detail_uncertain_box;
  GtkLabel           *detail_uncertain_label;
  GtkGrid            *detail_proba_grid;
};

/* healer-diagnose-page.c */
void  _healer_diagnose_page_error          (HealerDiagnosePage  *self,
                                            const char          *heading,
                                            const GError        *error);
char *_healer_diagnose_class_label         (const char          *name,
                                            gint32               id);

/* healer-diagnose-sample.c */
void  _healer_diagnose_sample_class_init   (GtkWidgetClass      *widget_class);
void  _healer_diagnose_sample_init         (HealerDiagnosePage  *self);
void  _healer_diagnose_sample_dispose      (HealerDiagnosePage  *self);
/* The model changed: a form of its KPIs, no result. */
void  _healer_diagnose_sample_model_changed (HealerDiagnosePage *self);
void  _healer_diagnose_sample_relabel       (HealerDiagnosePage *self);
gboolean _healer_diagnose_sample_cancel    (HealerDiagnosePage  *self);
/* Rows "class — bar — percent" of @proba into @grid, emptied first. */
void  _healer_diagnose_fill_probabilities  (GtkGrid             *grid,
                                            const char * const  *labels,
                                            const float         *proba,
                                            guint                n_classes,
                                            guint                best);
/* "class 1 or class 2": the @n classes of a prediction set by their labels. */
char *_healer_diagnose_set_text            (const char * const  *labels,
                                            const guint         *set,
                                            guint                n);
/* Why a diagnosis is uncertain, for people; @set_text names the
 * prediction set when it has more than one class. */
char *_healer_diagnose_uncertainty_text    (HealerUncertainty    why,
                                            float                confidence,
                                            double               threshold,
                                            const char          *set_text);

/* healer-diagnose-batch.c */
void  _healer_diagnose_batch_class_init    (GtkWidgetClass      *widget_class);
void  _healer_diagnose_batch_init          (HealerDiagnosePage  *self);
void  _healer_diagnose_batch_dispose       (HealerDiagnosePage  *self);
/* Shows @results (may be NULL) in the table and banner. */
void  _healer_diagnose_batch_show_results  (HealerDiagnosePage  *self,
                                            HealerResults       *results);
void  _healer_diagnose_batch_model_changed (HealerDiagnosePage  *self);
/* Names the model of the results shown again: it was saved since. */
void  _healer_diagnose_batch_model_named   (HealerDiagnosePage  *self);
/* Shows @results again: the session renamed some of their classes. */
void  _healer_diagnose_batch_relabel       (HealerDiagnosePage  *self,
                                            HealerResults       *results);
void  _healer_diagnose_batch_diagnose_file (HealerDiagnosePage  *self,
                                            GFile               *file);
gboolean _healer_diagnose_batch_cancel     (HealerDiagnosePage  *self);

void _healer_diagnose_page_update_busy (HealerDiagnosePage *self);

G_END_DECLS
