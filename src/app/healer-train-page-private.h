/* healer-train-page-private.h — shared by the page and its run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-calibrate.h"
#include "healer-train-curves.h"
#include "healer-train-page.h"

G_BEGIN_DECLS

struct _HealerTrainPage
{
  AdwBin               parent_instance;

  guint busy : 1;   /* as last notified */

  HealerSession       *session;
  GSignalGroup        *session_signals;
  GCancellable        *cancellable;     /* non-NULL while a run is going */
  GCancellable        *estimate_cancellable; /* non-NULL while an estimate runs */
  HealerDataset       *run_data;        /* what the run trains on */
  const char          *status;
  guint                has_validation : 1;
  guint                discard_result : 1; /* stopped: the run's model is not kept */
  guint                last_member;
  guint                last_fold;       /* 1: the final model; then 1 + the calibration fold */
  guint                pulse_id;        /* the bar pulses until the first epoch ends */
  guint                show_id;         /* the labels were updated less than an interval ago */
  gboolean             progress_pending; /* progress_last is not shown yet */
  HealerCalibrateProgress progress_last;

  /* Template widgets */
  GtkStack            *stack;
  AdwLeaflet          *leaflet;
  GtkWidget           *settings_pane;
  GtkWidget           *run_pane;
  HealerTrainSettings *settings;
  GtkButton           *train_button;
  GtkButton           *folded_train_button;
  GtkButton           *cancel_button;
  GtkLabel            *data_label;
  GtkLabel            *message_label;
  GtkWidget           *progress_box;
  GtkLabel            *progress_label;
  GtkLabel            *time_label;
  GtkProgressBar      *progress_bar;
  HealerTrainSummary  *summary;
  AdwPreferencesGroup *curves_group;
  HealerTrainCurves   *curves;
};

void _healer_train_page_set_status             (HealerTrainPage *self,
                                                const char      *status);
void _healer_train_page_set_message            (HealerTrainPage *self,
                                                const char      *message,
                                                gboolean         is_error);
void _healer_train_page_set_curves_description (HealerTrainPage *self,
                                                const char      *what);
void _healer_train_page_update_sensitivity     (HealerTrainPage *self);
void _healer_train_page_update_view            (HealerTrainPage *self);
void     _healer_train_page_estimate_init      (HealerTrainPage *self);
gboolean _healer_train_page_cancel_estimate    (HealerTrainPage *self);
void     _healer_train_page_forget_estimate    (HealerTrainPage *self);

void _healer_train_page_update_busy (HealerTrainPage *self);
void _healer_train_page_stop_progress (HealerTrainPage *self);

G_END_DECLS
