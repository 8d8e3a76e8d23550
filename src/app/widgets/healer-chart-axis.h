/* healer-chart-axis.h — maps data values to 0..1 along one side of a chart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define HEALER_TYPE_CHART_AXIS (healer_chart_axis_get_type ())

G_DECLARE_FINAL_TYPE (HealerChartAxis, healer_chart_axis, HEALER, CHART_AXIS, GObject)

typedef enum
{
  HEALER_CHART_SCALE_LINEAR,
  HEALER_CHART_SCALE_LOG10,
} HealerChartScale;

/* GEnum type, with the nicks "linear" and "log10" for .ui files. */
#define HEALER_TYPE_CHART_SCALE (healer_chart_scale_get_type ())
GType healer_chart_scale_get_type (void) G_GNUC_CONST;

typedef struct
{
  double  value;     /* in data units */
  double  position;  /* healer_chart_axis_map (value) */
  char   *label;
} HealerChartTick;

/* The axis has a home range (where the data is; reset and the zoom-out
 * limit) and a view (what is shown now, always inside the home range).
 * map() sends the view's minimum to 0 and its maximum to 1; on a log10
 * axis the mapping is linear in log10 (value). Every change of the view or
 * the home range emits "changed".
 *
 * What a chart's author sets are properties, so an axis can be declared in
 * a .ui file (as the chart's internal child "x-axis" or "y-axis"); each
 * notifies only when its value changes: "title", "scale", "max-zoom",
 * "categories". */
HealerChartAxis  *healer_chart_axis_new            (HealerChartScale   scale);
/* Drawn beside the axis; NULL or "" for none. */
const char       *healer_chart_axis_get_title      (HealerChartAxis   *self);
void              healer_chart_axis_set_title      (HealerChartAxis   *self,
                                                    const char        *title);
HealerChartScale  healer_chart_axis_get_scale      (HealerChartAxis   *self);
void              healer_chart_axis_set_scale      (HealerChartAxis   *self,
                                                    HealerChartScale   scale);
/* On a log axis, min and max ≤ 0 are replaced by sane positive values. */
void              healer_chart_axis_set_range      (HealerChartAxis   *self,
                                                    double             min,
                                                    double             max);
void              healer_chart_axis_get_range      (HealerChartAxis   *self,
                                                    double            *min,
                                                    double            *max);
/* Clamped into the home range and to the zoom limits. */
void              healer_chart_axis_set_view       (HealerChartAxis   *self,
                                                    double             min,
                                                    double             max);
void              healer_chart_axis_get_view       (HealerChartAxis   *self,
                                                    double            *min,
                                                    double            *max);
gboolean          healer_chart_axis_is_zoomed      (HealerChartAxis   *self);
void              healer_chart_axis_reset          (HealerChartAxis   *self);

double            healer_chart_axis_map            (HealerChartAxis   *self,
                                                    double             value);
double            healer_chart_axis_unmap          (HealerChartAxis   *self,
                                                    double             position);

/* Zooms by @factor (> 1 zooms in) keeping the value at @anchor (a mapped
 * position, 0..1) where it is, unless a limit gets in the way. */
void              healer_chart_axis_zoom           (HealerChartAxis   *self,
                                                    double             factor,
                                                    double             anchor);
/* Moves the view by @delta mapped units (0.1 = a tenth of the view);
 * positive moves towards larger values. Stops at the home range. */
void              healer_chart_axis_pan            (HealerChartAxis   *self,
                                                    double             delta);
/* The deepest zoom: the view never gets narrower than the home span
 * divided by this (default 1e5). */
void              healer_chart_axis_set_max_zoom   (HealerChartAxis   *self,
                                                    double             max_zoom);
double            healer_chart_axis_get_max_zoom   (HealerChartAxis   *self);

/* Category axes label the integers 0..n-1 with @labels and put no tick
 * elsewhere; NULL goes back to numbers. */
void              healer_chart_axis_set_categories (HealerChartAxis   *self,
                                                    const char * const *labels);
/* The labels, or NULL on a numeric axis. */
const char * const *healer_chart_axis_get_categories (HealerChartAxis *self);
gboolean          healer_chart_axis_has_categories (HealerChartAxis   *self);

/* Ticks in the view, at most @max_ticks (at least 2 are asked for): steps
 * of 1, 2 or 5 × 10^k, or decades on a log axis. Free with
 * healer_chart_ticks_free(). */
GArray           *healer_chart_axis_get_ticks      (HealerChartAxis   *self,
                                                    guint              max_ticks);
/* Formats @value with as many decimals as @step needs. */
char             *healer_chart_axis_format_value   (double             value,
                                                    double             step);
/* A value for a tooltip: enough digits to tell neighbouring values in the
 * current view apart. */
char             *healer_chart_axis_format_for_view (HealerChartAxis  *self,
                                                     double            value);
void              healer_chart_ticks_free          (GArray            *ticks);

G_END_DECLS
