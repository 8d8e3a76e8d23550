/* healer-bar-layer.h — grouped bars, one group of bars per category
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-chart-layer.h"

G_BEGIN_DECLS

#define HEALER_TYPE_BAR_LAYER (healer_bar_layer_get_type ())

G_DECLARE_FINAL_TYPE (HealerBarLayer, healer_bar_layer, HEALER, BAR_LAYER, HealerChartLayer)

/* Share of a category's slot that its bars fill together. */
#define HEALER_BAR_LAYER_BAND 0.8

HealerBarLayer *healer_bar_layer_new               (void);
/* Category c sits at x = c; @values is n_categories × n_groups,
 * category-major. */
void            healer_bar_layer_set_data          (HealerBarLayer     *self,
                                                    const char * const *categories,
                                                    guint               n_categories,
                                                    const char * const *groups,
                                                    guint               n_groups,
                                                    const double       *values);
guint           healer_bar_layer_get_n_categories  (HealerBarLayer     *self);
guint           healer_bar_layer_get_n_groups      (HealerBarLayer     *self);
void            healer_bar_layer_set_group_visible (HealerBarLayer     *self,
                                                    guint               group,
                                                    gboolean            visible);
gboolean        healer_bar_layer_get_group_visible (HealerBarLayer     *self,
                                                    guint               group);
/* The "hidden-groups" property: the groups whose bars are not drawn, among
 * the data's groups (data with other groups shows them all). NULL hides
 * none. */
GtkBitset      *healer_bar_layer_get_hidden_groups (HealerBarLayer     *self);
void            healer_bar_layer_set_hidden_groups (HealerBarLayer     *self,
                                                    const GtkBitset    *hidden);

G_END_DECLS
