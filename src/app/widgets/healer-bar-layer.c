/* healer-bar-layer.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "healer-bar-layer.h"
#include "healer-chart-palette.h"

struct _HealerBarLayer
{
  HealerChartLayer  parent_instance;

  GStrv             categories;
  GStrv             groups;
  guint             n_categories;
  guint             n_groups;
  double           *values;
  gboolean         *visible;   /* n_groups */
};

G_DEFINE_FINAL_TYPE (HealerBarLayer, healer_bar_layer, HEALER_TYPE_CHART_LAYER)

enum {
  PROP_0,
  PROP_HIDDEN_GROUPS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static inline double
value_at (HealerBarLayer *self,
          guint           c,
          guint           g)
{
  return self->values[(gsize) c * self->n_groups + g];
}

static gboolean
healer_bar_layer_get_extent (HealerChartLayer *layer,
                             double           *x_min,
                             double           *x_max,
                             double           *y_min,
                             double           *y_max)
{
  HealerBarLayer *self = HEALER_BAR_LAYER (layer);

  if (self->n_categories == 0)
    return FALSE;

  *x_min = -0.5;
  *x_max = self->n_categories - 0.5;
  *y_min = 0;
  *y_max = 0;
  for (guint c = 0; c < self->n_categories; c++)
    for (guint g = 0; g < self->n_groups; g++)
      {
        double v = value_at (self, c, g);

        if (isfinite (v))
          {
            *y_min = MIN (*y_min, v);
            *y_max = MAX (*y_max, v);
          }
      }
  return TRUE;
}

static char *
format_value (double value)
{
  if (value == floor (value) && fabs (value) < 1e15)
    return g_strdup_printf ("%.0f", value);
  return g_strdup_printf ("%.3g", value);
}

/* Left and right edges, in data units, of bar @g of category @c. */
static void
bar_edges (HealerBarLayer *self,
           guint           c,
           guint           g,
           double         *left,
           double         *right)
{
  double width = HEALER_BAR_LAYER_BAND / self->n_groups;

  *left = c - HEALER_BAR_LAYER_BAND / 2 + g * width;
  *right = *left + width;
}

static void
healer_bar_layer_snapshot (HealerChartLayer         *layer,
                           GtkSnapshot              *snapshot,
                           const HealerChartContext *ctx)
{
  HealerBarLayer *self = HEALER_BAR_LAYER (layer);
  g_autoptr(PangoLayout) pango = pango_layout_new (ctx->pango_context);
  float zero = roundf (healer_chart_context_y (ctx, 0));
  GdkRGBA text = ctx->foreground;
  float slot = 0;

  text.alpha = 0.85f;
  if (self->n_groups > 0)
    slot = fabsf (healer_chart_context_x (ctx, 1) - healer_chart_context_x (ctx, 0)) *
           (self->n_groups > 1 ? HEALER_BAR_LAYER_BAND / self->n_groups : 1);

  for (guint c = 0; c < self->n_categories; c++)
    for (guint g = 0; g < self->n_groups; g++)
      {
        double v = value_at (self, c, g), left, right;
        float x0, x1, top;
        GdkRGBA color;

        if (!self->visible[g] || !isfinite (v))
          continue;

        bar_edges (self, c, g, &left, &right);
        x0 = roundf (healer_chart_context_x (ctx, left));
        x1 = roundf (healer_chart_context_x (ctx, right));
        /* A pixel of air between the bars of a group. */
        if (self->n_groups > 1 && x1 - x0 > 3)
          x1 -= 1;
        top = roundf (healer_chart_context_y (ctx, v));

        healer_chart_context_get_color (ctx, self->n_groups > 1 ? g : c, &color);
        gtk_snapshot_append_color (snapshot, &color,
                                   &GRAPHENE_RECT_INIT (x0, MIN (top, zero), x1 - x0, fabsf (zero - top)));

        /* The value over the bar, when it fits in the bar's share of the
         * category, gap included, so neighbours never overlap. */
        {
          g_autofree char *label = format_value (v);
          int w, h;

          pango_layout_set_text (pango, label, -1);
          pango_layout_get_pixel_size (pango, &w, &h);
          if (w <= slot)
            {
              float y = v >= 0 ? top - h - 1 : top + 1;

              gtk_snapshot_save (snapshot);
              gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (roundf ((x0 + x1 - w) / 2), y));
              gtk_snapshot_append_layout (snapshot, pango, &text);
              gtk_snapshot_restore (snapshot);
            }
        }
      }
}

/* The share of bar @c in its group's total, as the pie chart's tooltip
 * gives it; NaN where a share means nothing (a negative value, or an empty
 * group). */
static double
group_share (HealerBarLayer *self,
             guint           c,
             guint           g)
{
  double total = 0;

  for (guint i = 0; i < self->n_categories; i++)
    {
      double v = value_at (self, i, g);

      if (!(v >= 0))
        return NAN;
      total += v;
    }
  return total > 0 ? value_at (self, c, g) / total : NAN;
}

static gboolean
healer_bar_layer_hit_test (HealerChartLayer         *layer,
                           const HealerChartContext *ctx,
                           double                    x,
                           double                    y,
                           char                    **tooltip,
                           guint64                  *index)
{
  HealerBarLayer *self = HEALER_BAR_LAYER (layer);
  double value = healer_chart_axis_unmap (ctx->x_axis, x / ctx->width);
  int c = (int) floor (value + 0.5);
  double offset;
  int g;

  if (c < 0 || c >= (int) self->n_categories)
    return FALSE;

  /* Anywhere in a bar's column counts, so short bars are easy to hover. */
  offset = value - (c - HEALER_BAR_LAYER_BAND / 2);
  if (offset < 0 || offset >= HEALER_BAR_LAYER_BAND)
    return FALSE;
  g = (int) (offset / (HEALER_BAR_LAYER_BAND / self->n_groups));
  g = CLAMP (g, 0, (int) self->n_groups - 1);
  if (!self->visible[g])
    return FALSE;

  if (index != NULL)
    *index = (guint64) c * self->n_groups + g;
  if (tooltip != NULL)
    {
      g_autofree char *v = format_value (value_at (self, c, g));
      g_autofree char *entry = NULL;
      gboolean grouped = self->groups != NULL && self->n_groups > 1;
      const char *label = grouped ? self->groups[g] : self->categories[c];
      double share = group_share (self, c, g);

      /* Translators: one class in a chart's description: label, count, percent */
      entry = isnan (share) ? g_strdup_printf ("%s: %s", label, v)
                            : g_strdup_printf (_("%s: %s (%.1f %%)"), label, v, 100.0 * share);
      if (grouped)
        *tooltip = g_strdup_printf ("%s\n%s", self->categories[c], entry);
      else
        *tooltip = g_steal_pointer (&entry);
    }
  return TRUE;
}

static void
healer_bar_layer_finalize (GObject *object)
{
  HealerBarLayer *self = (HealerBarLayer *)object;

  g_strfreev (self->categories);
  g_strfreev (self->groups);
  g_free (self->values);
  g_free (self->visible);

  G_OBJECT_CLASS (healer_bar_layer_parent_class)->finalize (object);
}

static void
healer_bar_layer_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  HealerBarLayer *self = HEALER_BAR_LAYER (object);

  switch (prop_id)
    {
    case PROP_HIDDEN_GROUPS:
      g_value_take_boxed (value, healer_bar_layer_get_hidden_groups (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_bar_layer_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  HealerBarLayer *self = HEALER_BAR_LAYER (object);

  switch (prop_id)
    {
    case PROP_HIDDEN_GROUPS:
      healer_bar_layer_set_hidden_groups (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_bar_layer_class_init (HealerBarLayerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  HealerChartLayerClass *layer_class = HEALER_CHART_LAYER_CLASS (klass);

  object_class->finalize = healer_bar_layer_finalize;
  object_class->get_property = healer_bar_layer_get_property;
  object_class->set_property = healer_bar_layer_set_property;

  /* The groups whose bars are not drawn; the rest are visible. */
  properties[PROP_HIDDEN_GROUPS] =
    g_param_spec_boxed ("hidden-groups", NULL, NULL,
                        GTK_TYPE_BITSET,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  layer_class->get_extent = healer_bar_layer_get_extent;
  layer_class->snapshot = healer_bar_layer_snapshot;
  layer_class->hit_test = healer_bar_layer_hit_test;
}

static void
healer_bar_layer_init (HealerBarLayer *self)
{
  self->n_groups = 1;
  self->visible = g_new (gboolean, 1);
  self->visible[0] = TRUE;
}

HealerBarLayer *
healer_bar_layer_new (void)
{
  return g_object_new (HEALER_TYPE_BAR_LAYER, NULL);
}

void
healer_bar_layer_set_data (HealerBarLayer     *self,
                           const char * const *categories,
                           guint               n_categories,
                           const char * const *groups,
                           guint               n_groups,
                           const double       *values)
{
  gboolean same_groups;
  gboolean notify = FALSE;
  guint old_n_groups;

  g_return_if_fail (HEALER_IS_BAR_LAYER (self));
  g_return_if_fail (n_categories == 0 || (categories != NULL && values != NULL));

  n_groups = MAX (n_groups, 1);
  same_groups = n_groups == self->n_groups;
  old_n_groups = self->n_groups;

  g_strfreev (self->categories);
  self->categories = g_new0 (char *, n_categories + 1);
  for (guint c = 0; c < n_categories; c++)
    self->categories[c] = g_strdup (categories[c] ? categories[c] : "");

  g_clear_pointer (&self->groups, g_strfreev);
  if (groups != NULL)
    {
      self->groups = g_new0 (char *, n_groups + 1);
      for (guint g = 0; g < n_groups; g++)
        self->groups[g] = g_strdup (groups[g] ? groups[g] : "");
    }

  g_free (self->values);
  self->values = g_memdup2 (values, sizeof (double) * n_categories * n_groups);
  self->n_categories = n_categories;
  self->n_groups = n_groups;

  /* New numbers for the same groups keep what the user hid. */
  if (!same_groups)
    {
      gboolean any_hidden = FALSE;

      for (guint g = 0; g < old_n_groups; g++)
        any_hidden |= !self->visible[g];
      g_free (self->visible);
      self->visible = g_new (gboolean, n_groups);
      for (guint g = 0; g < n_groups; g++)
        self->visible[g] = TRUE;
      if (any_hidden)
        notify = TRUE;
    }

  healer_chart_layer_changed (HEALER_CHART_LAYER (self));
  if (notify)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIDDEN_GROUPS]);
}

guint
healer_bar_layer_get_n_categories (HealerBarLayer *self)
{
  g_return_val_if_fail (HEALER_IS_BAR_LAYER (self), 0);

  return self->n_categories;
}

guint
healer_bar_layer_get_n_groups (HealerBarLayer *self)
{
  g_return_val_if_fail (HEALER_IS_BAR_LAYER (self), 0);

  return self->n_groups;
}

void
healer_bar_layer_set_group_visible (HealerBarLayer *self,
                                    guint           group,
                                    gboolean        visible)
{
  g_return_if_fail (HEALER_IS_BAR_LAYER (self));

  if (group >= self->n_groups || self->visible[group] == !!visible)
    return;
  self->visible[group] = !!visible;
  healer_chart_layer_changed (HEALER_CHART_LAYER (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIDDEN_GROUPS]);
}

gboolean
healer_bar_layer_get_group_visible (HealerBarLayer *self,
                                    guint           group)
{
  g_return_val_if_fail (HEALER_IS_BAR_LAYER (self), FALSE);

  return group < self->n_groups && self->visible[group];
}

GtkBitset *
healer_bar_layer_get_hidden_groups (HealerBarLayer *self)
{
  GtkBitset *hidden;

  g_return_val_if_fail (HEALER_IS_BAR_LAYER (self), NULL);

  hidden = gtk_bitset_new_empty ();
  for (guint g = 0; g < self->n_groups; g++)
    if (!self->visible[g])
      gtk_bitset_add (hidden, g);
  return hidden;
}

void
healer_bar_layer_set_hidden_groups (HealerBarLayer  *self,
                                    const GtkBitset *hidden)
{
  gboolean changed = FALSE;

  g_return_if_fail (HEALER_IS_BAR_LAYER (self));

  for (guint g = 0; g < self->n_groups; g++)
    {
      gboolean visible = hidden == NULL || !gtk_bitset_contains (hidden, g);

      if (self->visible[g] != visible)
        {
          self->visible[g] = visible;
          changed = TRUE;
        }
    }
  if (!changed)
    return;
  healer_chart_layer_changed (HEALER_CHART_LAYER (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HIDDEN_GROUPS]);
}
