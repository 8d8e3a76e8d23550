/* healer-scatter-layer.h — many points, coloured by category
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "healer-chart-layer.h"

G_BEGIN_DECLS

#define HEALER_TYPE_SCATTER_LAYER (healer_scatter_layer_get_type ())

G_DECLARE_FINAL_TYPE (HealerScatterLayer, healer_scatter_layer, HEALER, SCATTER_LAYER, HealerChartLayer)

/* Up to this many points in view are drawn as markers; beyond, they are
 * binned into a per-pixel colour and density grid. */
#define HEALER_SCATTER_LAYER_MARKER_LIMIT 4000

HealerScatterLayer *healer_scatter_layer_new                 (void);
void                healer_scatter_layer_set_points          (HealerScatterLayer *self,
                                                              const float        *xy,
                                                              gsize               n,
                                                              const guint        *category,
                                                              const char * const *category_labels,
                                                              const char * const *point_ids);
gsize               healer_scatter_layer_get_n_points        (HealerScatterLayer *self);
guint               healer_scatter_layer_get_n_categories    (HealerScatterLayer *self);
const char * const *healer_scatter_layer_get_category_labels (HealerScatterLayer *self);
void                healer_scatter_layer_set_category_visible (HealerScatterLayer *self,
                                                               guint               category,
                                                               gboolean            visible);
gboolean            healer_scatter_layer_get_category_visible (HealerScatterLayer *self,
                                                               guint               category);
/* The "hidden-categories" property: the categories not drawn, among those
 * the points have (a hidden category stays hidden when new points bring
 * it back; categories beyond are ignored). NULL hides none. */
GtkBitset          *healer_scatter_layer_get_hidden_categories (HealerScatterLayer *self);
void                healer_scatter_layer_set_hidden_categories (HealerScatterLayer *self,
                                                                const GtkBitset    *hidden);

G_END_DECLS
