/* healer-chart-axis.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "healer-chart-axis.h"

/* Everything below works in "transformed" units: the value itself on a
 * linear axis, log10 (value) on a log axis. Zoom and pan are then the same
 * arithmetic for both scales. */
struct _HealerChartAxis
{
  GObject           parent_instance;

  HealerChartScale  scale;
  double            home_lo;
  double            home_hi;
  double            view_lo;
  double            view_hi;
  double            max_zoom;
  GStrv             categories;
  char             *title;
};

G_DEFINE_FINAL_TYPE (HealerChartAxis, healer_chart_axis, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE,
  PROP_SCALE,
  PROP_MAX_ZOOM,
  PROP_CATEGORIES,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

GType
healer_chart_scale_get_type (void)
{
  static gsize type_id;

  if (g_once_init_enter (&type_id))
    {
      static const GEnumValue values[] = {
        { HEALER_CHART_SCALE_LINEAR, "HEALER_CHART_SCALE_LINEAR", "linear" },
        { HEALER_CHART_SCALE_LOG10, "HEALER_CHART_SCALE_LOG10", "log10" },
        { 0, NULL, NULL },
      };
      GType type = g_enum_register_static (g_intern_static_string ("HealerChartScale"), values);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

static inline double
to_t (HealerChartAxis *self,
      double           value)
{
  if (self->scale == HEALER_CHART_SCALE_LOG10)
    return log10 (value > 0 ? value : G_MINDOUBLE);
  return value;
}

static inline double
from_t (HealerChartAxis *self,
        double           t)
{
  if (self->scale == HEALER_CHART_SCALE_LOG10)
    return pow (10.0, t);
  return t;
}

static double
min_span (HealerChartAxis *self)
{
  double span = (self->home_hi - self->home_lo) / self->max_zoom;
  /* Far from zero, doubles run out of digits before the zoom limit does;
   * keep a few hundred representable steps across the view. */
  double magnitude = MAX (fabs (self->home_lo), fabs (self->home_hi));

  return MAX (span, magnitude * 1e-12);
}

/* Sets the view to [lo, lo + span], with span clamped to the limits and the
 * whole view shifted back inside the home range. */
static void
place_view (HealerChartAxis *self,
            double           lo,
            double           span)
{
  double home_span = self->home_hi - self->home_lo;

  span = CLAMP (span, min_span (self), home_span);
  if (lo < self->home_lo)
    lo = self->home_lo;
  if (lo + span > self->home_hi)
    lo = self->home_hi - span;

  if (lo == self->view_lo && lo + span == self->view_hi)
    return;

  self->view_lo = lo;
  self->view_hi = lo + span;
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
healer_chart_axis_finalize (GObject *object)
{
  HealerChartAxis *self = (HealerChartAxis *)object;

  g_clear_pointer (&self->categories, g_strfreev);
  g_clear_pointer (&self->title, g_free);

  G_OBJECT_CLASS (healer_chart_axis_parent_class)->finalize (object);
}

static void
healer_chart_axis_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  HealerChartAxis *self = HEALER_CHART_AXIS (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_SCALE:
      g_value_set_enum (value, self->scale);
      break;

    case PROP_MAX_ZOOM:
      g_value_set_double (value, self->max_zoom);
      break;

    case PROP_CATEGORIES:
      g_value_set_boxed (value, self->categories);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_chart_axis_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  HealerChartAxis *self = HEALER_CHART_AXIS (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      healer_chart_axis_set_title (self, g_value_get_string (value));
      break;

    case PROP_SCALE:
      healer_chart_axis_set_scale (self, g_value_get_enum (value));
      break;

    case PROP_MAX_ZOOM:
      healer_chart_axis_set_max_zoom (self, g_value_get_double (value));
      break;

    case PROP_CATEGORIES:
      healer_chart_axis_set_categories (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
healer_chart_axis_class_init (HealerChartAxisClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = healer_chart_axis_finalize;
  object_class->get_property = healer_chart_axis_get_property;
  object_class->set_property = healer_chart_axis_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_SCALE] =
    g_param_spec_enum ("scale", NULL, NULL,
                       HEALER_TYPE_CHART_SCALE, HEALER_CHART_SCALE_LINEAR,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_MAX_ZOOM] =
    g_param_spec_double ("max-zoom", NULL, NULL,
                         1, G_MAXDOUBLE, 1e5,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  properties[PROP_CATEGORIES] =
    g_param_spec_boxed ("categories", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
healer_chart_axis_init (HealerChartAxis *self)
{
  self->home_lo = self->view_lo = 0;
  self->home_hi = self->view_hi = 1;
  self->max_zoom = 1e5;
}

HealerChartAxis *
healer_chart_axis_new (HealerChartScale scale)
{
  HealerChartAxis *self = g_object_new (HEALER_TYPE_CHART_AXIS, NULL);

  self->scale = scale;
  if (scale == HEALER_CHART_SCALE_LOG10)
    healer_chart_axis_set_range (self, 1, 10);
  return self;
}

HealerChartScale
healer_chart_axis_get_scale (HealerChartAxis *self)
{
  g_return_val_if_fail (HEALER_IS_CHART_AXIS (self), HEALER_CHART_SCALE_LINEAR);

  return self->scale;
}

void
healer_chart_axis_set_scale (HealerChartAxis  *self,
                             HealerChartScale  scale)
{
  double lo, hi;

  g_return_if_fail (HEALER_IS_CHART_AXIS (self));

  if (self->scale == scale)
    return;

  lo = from_t (self, self->home_lo);
  hi = from_t (self, self->home_hi);
  self->scale = scale;
  /* A new scale is a new picture: start from the whole range. */
  self->view_lo = self->view_hi = 0;
  healer_chart_axis_set_range (self, lo, hi);
  healer_chart_axis_reset (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCALE]);
}

const char *
healer_chart_axis_get_title (HealerChartAxis *self)
{
  g_return_val_if_fail (HEALER_IS_CHART_AXIS (self), NULL);

  return self->title;
}

void
healer_chart_axis_set_title (HealerChartAxis *self,
                             const char      *title)
{
  g_return_if_fail (HEALER_IS_CHART_AXIS (self));

  /* "" is no title, so the chart keeps no room for one. */
  if (title != NULL && *title == '\0')
    title = NULL;
  if (g_strcmp0 (self->title, title) == 0)
    return;
  g_free (self->title);
  self->title = g_strdup (title);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
healer_chart_axis_set_range (HealerChartAxis *self,
                             double           min,
                             double           max)
{
  gboolean zoomed;
  double lo, hi, view_span;

  g_return_if_fail (HEALER_IS_CHART_AXIS (self));

  if (!isfinite (min) || !isfinite (max))
    return;
  if (min > max)
    {
      double tmp = min;
      min = max;
      max = tmp;
    }

  if (self->scale == HEALER_CHART_SCALE_LOG10)
    {
      if (max <= 0)
        max = 1;
      if (min <= 0)
        min = max / 1000;
    }

  lo = to_t (self, min);
  hi = to_t (self, max);
  if (hi - lo <= fabs (hi) * 1e-12)
    {
      /* A single value: give it some room so it sits mid-axis. */
      double pad = self->scale == HEALER_CHART_SCALE_LOG10 ? 0.5 : MAX (fabs (lo) * 0.1, 0.5);
      lo -= pad;
      hi += pad;
    }

  zoomed = healer_chart_axis_is_zoomed (self);
  view_span = self->view_hi - self->view_lo;
  self->home_lo = lo;
  self->home_hi = hi;

  /* Live data widens the range every epoch: someone looking at a zoomed
   * part keeps it; everyone else follows the data. */
  if (zoomed)
    {
      double view_lo = self->view_lo;

      self->view_lo = self->view_hi = NAN;
      place_view (self, view_lo, view_span);
    }
  else
    {
      self->view_lo = lo;
      self->view_hi = hi;
    }
  g_signal_emit (self, signals[CHANGED], 0);
}

void
healer_chart_axis_get_range (HealerChartAxis *self,
                             double          *min,
                             double          *max)
{
  g_return_if_fail (HEALER_IS_CHART_AXIS (self));

  if (min)
    *min = from_t (self, self->home_lo);
  if (max)
    *max = from_t (self, self->home_hi);
}

void
healer_chart_axis_set_view (HealerChartAxis *self,
                            double           min,
                            double           max)
{
  double lo, hi;

  g_return_if_fail (HEALER_IS_CHART_AXIS (self));

  if (!isfinite (min) || !isfinite (max))
    return;

  lo = to_t (self, MIN (min, max));
  hi = to_t (self, MAX (min, max));
  if (hi - lo < min_span (self))
    {
      double mid = (lo + hi) / 2;
      lo = mid - min_span (self) / 2;
      hi = lo + min_span (self);
    }
  place_view (self, lo, hi - lo);
}

void
healer_chart_axis_get_view (HealerChartAxis *self,
                            double          *min,
                            double          *max)
{
  g_return_if_fail (HEALER_IS_CHART_AXIS (self));

  if (min)
    *min = from_t (self, self->view_lo);
  if (max)
    *max = from_t (self, self->view_hi);
}

gboolean
healer_chart_axis_is_zoomed (HealerChartAxis *self)
{
  double tolerance;

  g_return_val_if_fail (HEALER_IS_CHART_AXIS (self), FALSE);

  tolerance = (self->home_hi - self->home_lo) * 1e-9;
  return fabs (self->view_lo - self->home_lo) > tolerance ||
         fabs (self->view_hi - self->home_hi) > tolerance;
}

void
healer_chart_axis_reset (HealerChartAxis *self)
{
  g_return_if_fail (HEALER_IS_CHART_AXIS (self));

  place_view (self, self->home_lo, self->home_hi - self->home_lo);
}

double
healer_chart_axis_map (HealerChartAxis *self,
                       double           value)
{
  return (to_t (self, value) - self->view_lo) / (self->view_hi - self->view_lo);
}

double
healer_chart_axis_unmap (HealerChartAxis *self,
                         double           position)
{
  return from_t (self, self->view_lo + position * (self->view_hi - self->view_lo));
}

void
healer_chart_axis_zoom (HealerChartAxis *self,
                        double           factor,
                        double           anchor)
{
  double span, new_span, at;

  g_return_if_fail (HEALER_IS_CHART_AXIS (self));

  if (!(factor > 0) || !isfinite (factor) || !isfinite (anchor))
    return;

  span = self->view_hi - self->view_lo;
  at = self->view_lo + anchor * span;
  new_span = CLAMP (span / factor, min_span (self), self->home_hi - self->home_lo);
  place_view (self, at - anchor * new_span, new_span);
}

void
healer_chart_axis_pan (HealerChartAxis *self,
                       double           delta)
{
  double span;

  g_return_if_fail (HEALER_IS_CHART_AXIS (self));

  if (!isfinite (delta))
    return;

  span = self->view_hi - self->view_lo;
  place_view (self, self->view_lo + delta * span, span);
}

void
healer_chart_axis_set_max_zoom (HealerChartAxis *self,
                                double           max_zoom)
{
  g_return_if_fail (HEALER_IS_CHART_AXIS (self));
  g_return_if_fail (max_zoom >= 1);

  if (self->max_zoom == max_zoom)
    return;
  self->max_zoom = max_zoom;
  place_view (self, self->view_lo, self->view_hi - self->view_lo);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MAX_ZOOM]);
}

double
healer_chart_axis_get_max_zoom (HealerChartAxis *self)
{
  g_return_val_if_fail (HEALER_IS_CHART_AXIS (self), 1);

  return self->max_zoom;
}

void
healer_chart_axis_set_categories (HealerChartAxis    *self,
                                  const char * const *labels)
{
  g_return_if_fail (HEALER_IS_CHART_AXIS (self));

  if (self->categories != NULL && labels != NULL &&
      g_strv_equal ((const char * const *) self->categories, labels))
    return;
  if (self->categories == NULL && labels == NULL)
    return;
  g_clear_pointer (&self->categories, g_strfreev);
  self->categories = g_strdupv ((char **) labels);
  g_signal_emit (self, signals[CHANGED], 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CATEGORIES]);
}

const char * const *
healer_chart_axis_get_categories (HealerChartAxis *self)
{
  g_return_val_if_fail (HEALER_IS_CHART_AXIS (self), NULL);

  return (const char * const *) self->categories;
}

gboolean
healer_chart_axis_has_categories (HealerChartAxis *self)
{
  g_return_val_if_fail (HEALER_IS_CHART_AXIS (self), FALSE);

  return self->categories != NULL;
}

/* ---- ticks ------------------------------------------------------------ */

/* The smallest of 1, 2, 5 × 10^k that is ≥ @raw. */
static double
nice_step (double raw)
{
  double magnitude = pow (10.0, floor (log10 (raw)));
  double ratio = raw / magnitude;

  if (ratio <= 1.0 + 1e-9)
    return magnitude;
  if (ratio <= 2.0 + 1e-9)
    return 2 * magnitude;
  if (ratio <= 5.0 + 1e-9)
    return 5 * magnitude;
  return 10 * magnitude;
}

static double
next_nice_step (double step)
{
  return nice_step (step * 1.5);
}

static void
append_superscript (GString *string,
                    int      exponent)
{
  static const char * const digits[] = {
    "⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹",
  };
  char buf[16];

  g_snprintf (buf, sizeof buf, "%d", exponent);
  for (const char *p = buf; *p; p++)
    g_string_append (string, *p == '-' ? "⁻" : digits[*p - '0']);
}

char *
healer_chart_axis_format_value (double value,
                                double step)
{
  int step_exp, value_exp, decimals;

  if (!isfinite (value))
    return g_strdup (isnan (value) ? "NaN" : value > 0 ? "∞" : "−∞");

  step = fabs (step);
  if (!(step > 0) || !isfinite (step))
    step = fabs (value) > 0 ? fabs (value) * 1e-3 : 1;

  /* Zero computed as 0.1 + 0.2 - 0.3 must not print as 5.55e-17. */
  if (fabs (value) < step * 1e-6)
    return g_strdup ("0");

  step_exp = (int) floor (log10 (step) + 1e-9);
  value_exp = (int) floor (log10 (fabs (value)) + 1e-9);

  if (value_exp >= 6 || value_exp <= -5)
    {
      GString *string = g_string_new (NULL);
      double mantissa = value / pow (10.0, value_exp);

      decimals = CLAMP (value_exp - step_exp, 0, 12);
      /* Rounding can give 10.0 × 10^k: carry it into the exponent. */
      if (fabs (mantissa) >= 10 - 0.5 * pow (10.0, -decimals))
        {
          mantissa /= 10;
          value_exp++;
          decimals = MAX (decimals - 1, 0);
        }
      if (decimals == 0 && fabs (fabs (mantissa) - 1) < 1e-9)
        g_string_append (string, mantissa < 0 ? "−10" : "10");
      else
        {
          g_string_append_printf (string, "%.*f", decimals, mantissa);
          g_string_append (string, "×10");
        }
      append_superscript (string, value_exp);
      return g_string_free (string, FALSE);
    }

  decimals = CLAMP (-step_exp, 0, 12);
  return g_strdup_printf ("%.*f", decimals, value);
}

char *
healer_chart_axis_format_for_view (HealerChartAxis *self,
                                   double           value)
{
  double step;

  g_return_val_if_fail (HEALER_IS_CHART_AXIS (self), NULL);

  if (self->scale == HEALER_CHART_SCALE_LOG10)
    step = fabs (value) * 1e-3;
  else
    step = (self->view_hi - self->view_lo) * 1e-3;
  return healer_chart_axis_format_value (value, nice_step (step > 0 ? step : 1e-9));
}

static void
add_tick (HealerChartAxis *self,
          GArray          *ticks,
          double           value,
          char            *label)
{
  HealerChartTick tick = { value, healer_chart_axis_map (self, value), label };

  g_array_append_val (ticks, tick);
}

static void
linear_ticks (HealerChartAxis *self,
              GArray          *ticks,
              double           lo,
              double           hi,
              guint            max_ticks)
{
  double span = hi - lo;
  double step, first;
  guint count;

  if (!(span > 0))
    return;

  /* The densest 1-2-5 step that fits: starting from too fine a step and
   * widening never ends with a single tick where two would fit. */
  step = nice_step (span / (max_ticks * 2.0));
  for (;;)
    {
      first = ceil (lo / step - 1e-9) * step;
      count = (guint) floor ((hi - first) / step + 1e-9) + 1;
      if (count <= max_ticks)
        break;
      step = next_nice_step (step);
    }

  for (guint i = 0; i < count; i++)
    {
      double value = first + i * step;

      if (fabs (value) < step * 1e-9)
        value = 0;
      add_tick (self, ticks, value, healer_chart_axis_format_value (value, step));
    }
}

static char *
format_power (double mantissa,
              int    exponent)
{
  GString *string;

  if (exponent >= -4 && exponent <= 5)
    return healer_chart_axis_format_value (mantissa * pow (10.0, exponent),
                                           pow (10.0, exponent));

  string = g_string_new (NULL);
  if (mantissa == 1)
    g_string_append (string, "10");
  else
    g_string_append_printf (string, "%g×10", mantissa);
  append_superscript (string, exponent);
  return g_string_free (string, FALSE);
}

static void
log_ticks (HealerChartAxis *self,
           GArray          *ticks,
           guint            max_ticks)
{
  double decades = self->view_hi - self->view_lo;
  int first, last;

  /* Less than a decade on screen: the axis is nearly linear there, and
   * linear steps are what a reader expects. */
  if (decades < 1)
    {
      linear_ticks (self, ticks, from_t (self, self->view_lo), from_t (self, self->view_hi), max_ticks);
      return;
    }

  first = (int) ceil (self->view_lo - 1e-9);
  last = (int) floor (self->view_hi + 1e-9);

  if (decades * 3 <= max_ticks)
    {
      static const double mantissas[] = { 1, 2, 5 };

      for (int e = (int) floor (self->view_lo); e <= last; e++)
        for (guint m = 0; m < G_N_ELEMENTS (mantissas); m++)
          {
            double t = e + log10 (mantissas[m]);

            if (t >= self->view_lo - 1e-9 && t <= self->view_hi + 1e-9)
              add_tick (self, ticks, mantissas[m] * pow (10.0, e), format_power (mantissas[m], e));
          }
    }
  else
    {
      int step = 1;

      while ((last - first) / step + 1 > (int) max_ticks)
        step = (int) next_nice_step (step);

      for (int e = (int) ceil ((double) first / step) * step; e <= last; e += step)
        add_tick (self, ticks, pow (10.0, e), format_power (1, e));
    }
}

static void
category_ticks (HealerChartAxis *self,
                GArray          *ticks,
                guint            max_ticks)
{
  guint n = g_strv_length (self->categories);
  int first = MAX (0, (int) ceil (self->view_lo - 1e-9));
  int last = MIN ((int) n - 1, (int) floor (self->view_hi + 1e-9));
  int step = 1;

  if (last < first)
    return;
  while ((last - first) / step + 1 > (int) max_ticks)
    step++;
  for (int i = first; i <= last; i += step)
    add_tick (self, ticks, i, g_strdup (self->categories[i]));
}

GArray *
healer_chart_axis_get_ticks (HealerChartAxis *self,
                             guint            max_ticks)
{
  GArray *ticks;

  g_return_val_if_fail (HEALER_IS_CHART_AXIS (self), NULL);

  max_ticks = MAX (max_ticks, 2);
  ticks = g_array_new (FALSE, FALSE, sizeof (HealerChartTick));

  if (self->categories != NULL)
    category_ticks (self, ticks, max_ticks);
  else if (self->scale == HEALER_CHART_SCALE_LOG10)
    log_ticks (self, ticks, max_ticks);
  else
    linear_ticks (self, ticks, self->view_lo, self->view_hi, max_ticks);

  return ticks;
}

void
healer_chart_ticks_free (GArray *ticks)
{
  if (ticks == NULL)
    return;
  for (guint i = 0; i < ticks->len; i++)
    g_free (g_array_index (ticks, HealerChartTick, i).label);
  g_array_unref (ticks);
}
