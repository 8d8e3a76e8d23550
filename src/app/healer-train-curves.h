/* healer-train-curves.h — live loss and macro-F1 curves of a training run
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "healer-model.h"
#include "healer-trainer.h"

G_BEGIN_DECLS

#define HEALER_TYPE_TRAIN_CURVES (healer_train_curves_get_type ())

G_DECLARE_FINAL_TYPE (HealerTrainCurves, healer_train_curves, HEALER, TRAIN_CURVES, AdwBin)

GtkWidget *healer_train_curves_new         (void);
/* Empties the curves for a new network; without validation rows only the
 * training loss is drawn. */
void       healer_train_curves_reset       (HealerTrainCurves        *self,
                                            gboolean                  has_validation);
/* @val_loss and @val_macro_f1 may be NAN. */
void       healer_train_curves_append      (HealerTrainCurves        *self,
                                            guint                     epoch,
                                            double                    train_loss,
                                            double                    val_loss,
                                            double                    val_macro_f1);
/* Appends every epoch @progress carries (its newest ones, recent[]) that
 * comes after the last epoch these curves have: a report the relay handed
 * over in place of several still leaves no epoch out, and one that repeats
 * an epoch adds nothing. More than HEALER_TRAIN_PROGRESS_RECENT epochs
 * between two reports taken in leave a gap, which the finished run's
 * history (healer_train_curves_set_history) fills. */
void       healer_train_curves_append_report (HealerTrainCurves         *self,
                                              const HealerTrainProgress *progress);
/* The last epoch appended since the last reset; 0 before any. */
guint      healer_train_curves_get_last_epoch (HealerTrainCurves        *self);
/* Draws the points appended since the last redraw now. The curves do so
 * by themselves a few times a second; a page that updates its own labels
 * at the same rate calls this then, so that both changes share a frame. */
void       healer_train_curves_flush       (HealerTrainCurves        *self);
/* Replaces the curves with every epoch of a finished run. */
void       healer_train_curves_set_history (HealerTrainCurves        *self,
                                            const HealerTrainHistory *history);
/* Points drawn so far in the training-loss curve. */
guint      healer_train_curves_get_n_points (HealerTrainCurves       *self);

G_END_DECLS
