/* healer-diagnose-common.h — texts and rows the Diagnose page's parts share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "healer-diagnose.h"

G_BEGIN_DECLS

/* A class as people read it: its name, or "Class N" when it has none. */
char *healer_diagnose_class_label        (const char          *name,
                                          gint32               id);
/* Rows "class — bar — percent" of @proba into @grid, emptied first. */
void  healer_diagnose_fill_probabilities (GtkGrid             *grid,
                                          const char * const  *labels,
                                          const float         *proba,
                                          guint                n_classes,
                                          guint                best);
/* "class 1 or class 2": the @n classes of a prediction set by their labels. */
char *healer_diagnose_set_text           (const char * const  *labels,
                                          const guint         *set,
                                          guint                n);
/* Why a diagnosis is uncertain, for people; @set_text names the
 * prediction set when it has more than one class. */
char *healer_diagnose_uncertainty_text   (HealerUncertainty    why,
                                          float                confidence,
                                          double               threshold,
                                          const char          *set_text);
/* An error the user must read, from any widget of the page; outside a
 * window (a test without one) it goes to the log instead. */
void  healer_diagnose_show_error         (GtkWidget           *widget,
                                          const char          *heading,
                                          const GError        *error);

G_END_DECLS
