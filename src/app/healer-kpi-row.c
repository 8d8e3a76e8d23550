/* healer-kpi-row.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>
#include <string.h>

#include "healer-kpi-row.h"

struct _HealerKpiRow
{
  GObject  parent_instance;

  guint    index;
  char    *name;
  char    *collate_key;
  double   values[HEALER_KPI_FIELD_MISSING + 1];
};

G_DEFINE_FINAL_TYPE (HealerKpiRow, healer_kpi_row, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
healer_kpi_row_finalize (GObject *object)
{
  HealerKpiRow *self = (HealerKpiRow *)object;

  g_free (self->name);
  g_free (self->collate_key);

  G_OBJECT_CLASS (healer_kpi_row_parent_class)->finalize (object);
}

static void
healer_kpi_row_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  HealerKpiRow *self = HEALER_KPI_ROW (object);

  switch (prop_id)
    {
    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_kpi_row_class_init (HealerKpiRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = healer_kpi_row_finalize;
  object_class->get_property = healer_kpi_row_get_property;

  /* Readable so that a GtkStringFilter can match on it. */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
healer_kpi_row_init (HealerKpiRow *self)
{
}

HealerKpiRow *
healer_kpi_row_new (guint       index,
                    const char *name,
                    double      min,
                    double      median,
                    double      max,
                    double      mean,
                    double      missing_percent)
{
  HealerKpiRow *self = g_object_new (HEALER_TYPE_KPI_ROW, NULL);

  self->index = index;
  self->name = g_strdup (name);
  /* The filename collation orders digits by value: feature2 < feature10. */
  self->collate_key = g_utf8_collate_key_for_filename (name, -1);
  self->values[HEALER_KPI_FIELD_NAME] = index;
  self->values[HEALER_KPI_FIELD_MIN] = min;
  self->values[HEALER_KPI_FIELD_MEDIAN] = median;
  self->values[HEALER_KPI_FIELD_MAX] = max;
  self->values[HEALER_KPI_FIELD_MEAN] = mean;
  self->values[HEALER_KPI_FIELD_MISSING] = missing_percent;
  return self;
}

guint
healer_kpi_row_get_index (HealerKpiRow *self)
{
  g_return_val_if_fail (HEALER_IS_KPI_ROW (self), 0);

  return self->index;
}

const char *
healer_kpi_row_get_name (HealerKpiRow *self)
{
  g_return_val_if_fail (HEALER_IS_KPI_ROW (self), NULL);

  return self->name;
}

double
healer_kpi_row_get_value (HealerKpiRow   *self,
                          HealerKpiField  field)
{
  g_return_val_if_fail (HEALER_IS_KPI_ROW (self), NAN);
  g_return_val_if_fail (field <= HEALER_KPI_FIELD_MISSING, NAN);

  return self->values[field];
}

int
healer_kpi_row_compare (HealerKpiRow   *a,
                        HealerKpiRow   *b,
                        HealerKpiField  field)
{
  double x, y;
  int by_name;

  g_return_val_if_fail (HEALER_IS_KPI_ROW (a), 0);
  g_return_val_if_fail (HEALER_IS_KPI_ROW (b), 0);

  by_name = strcmp (a->collate_key, b->collate_key);
  if (field == HEALER_KPI_FIELD_NAME)
    return by_name;

  x = a->values[field];
  y = b->values[field];
  /* NAN compares false with everything: give it a place, or the sort
   * would be inconsistent. Ties keep the name order. */
  if (isnan (x) || isnan (y))
    return isnan (x) && isnan (y) ? by_name : isnan (x) ? 1 : -1;
  if (x != y)
    return x < y ? -1 : 1;
  return by_name;
}
