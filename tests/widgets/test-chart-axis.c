/* test-chart-axis.c — mapping, zoom, pan, limits and ticks of HealerChartAxis
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "healer-chart-axis.h"

#define assert_near(a, b, eps) g_assert_cmpfloat_with_epsilon ((a), (b), (eps))

static void
test_map_linear (void)
{
  g_autoptr(HealerChartAxis) axis = healer_chart_axis_new (HEALER_CHART_SCALE_LINEAR);

  healer_chart_axis_set_range (axis, -10, 30);
  assert_near (healer_chart_axis_map (axis, -10), 0, 1e-12);
  assert_near (healer_chart_axis_map (axis, 30), 1, 1e-12);
  assert_near (healer_chart_axis_map (axis, 0), 0.25, 1e-12);
  assert_near (healer_chart_axis_unmap (axis, 0.75), 20, 1e-12);
  for (double v = -10; v <= 30; v += 0.7)
    assert_near (healer_chart_axis_unmap (axis, healer_chart_axis_map (axis, v)), v, 1e-9);
  g_assert_false (healer_chart_axis_is_zoomed (axis));

  /* Reversed arguments and a single value are accepted. */
  healer_chart_axis_set_range (axis, 5, -5);
  assert_near (healer_chart_axis_map (axis, 0), 0.5, 1e-12);
  healer_chart_axis_set_range (axis, 7, 7);
  assert_near (healer_chart_axis_map (axis, 7), 0.5, 1e-12);
}

static void
test_map_log (void)
{
  g_autoptr(HealerChartAxis) axis = healer_chart_axis_new (HEALER_CHART_SCALE_LOG10);
  double lo, hi;

  healer_chart_axis_set_range (axis, 0.01, 100);
  assert_near (healer_chart_axis_map (axis, 0.01), 0, 1e-12);
  assert_near (healer_chart_axis_map (axis, 1), 0.5, 1e-12);
  assert_near (healer_chart_axis_map (axis, 10), 0.75, 1e-12);
  assert_near (healer_chart_axis_unmap (axis, 0.25), 0.1, 1e-12);

  /* Values ≤ 0 cannot be on a log axis: the range is made positive. */
  healer_chart_axis_set_range (axis, -5, 1000);
  healer_chart_axis_get_range (axis, &lo, &hi);
  g_assert_cmpfloat (lo, >, 0);
  assert_near (hi, 1000, 1e-9);
}

static void
test_zoom_keeps_anchor (void)
{
  g_autoptr(HealerChartAxis) axis = healer_chart_axis_new (HEALER_CHART_SCALE_LINEAR);
  static const double anchors[] = { 0, 0.1, 0.37, 0.5, 0.9, 1 };

  for (guint i = 0; i < G_N_ELEMENTS (anchors); i++)
    {
      double value, lo, hi;

      healer_chart_axis_set_range (axis, 100, 200);
      healer_chart_axis_reset (axis);
      value = healer_chart_axis_unmap (axis, anchors[i]);

      healer_chart_axis_zoom (axis, 4, anchors[i]);
      healer_chart_axis_get_view (axis, &lo, &hi);
      assert_near (hi - lo, 25, 1e-9);
      assert_near (healer_chart_axis_map (axis, value), anchors[i], 1e-9);
      g_assert_true (healer_chart_axis_is_zoomed (axis));

      /* Zooming out again by the same factor returns exactly. */
      healer_chart_axis_zoom (axis, 0.25, anchors[i]);
      healer_chart_axis_get_view (axis, &lo, &hi);
      assert_near (lo, 100, 1e-9);
      assert_near (hi, 200, 1e-9);
    }

  /* On a log axis the anchor stays too. */
  {
    g_autoptr(HealerChartAxis) log_axis = healer_chart_axis_new (HEALER_CHART_SCALE_LOG10);

    healer_chart_axis_set_range (log_axis, 1e-3, 1e3);
    healer_chart_axis_zoom (log_axis, 3, 0.6);
    assert_near (healer_chart_axis_map (log_axis, pow (10, -3 + 0.6 * 6)), 0.6, 1e-9);
  }
}

static void
test_pan (void)
{
  g_autoptr(HealerChartAxis) axis = healer_chart_axis_new (HEALER_CHART_SCALE_LINEAR);
  double lo, hi;

  healer_chart_axis_set_range (axis, 0, 100);

  /* Not zoomed: nowhere to pan to. */
  healer_chart_axis_pan (axis, 0.5);
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (lo, 0, 1e-12);
  assert_near (hi, 100, 1e-12);

  healer_chart_axis_zoom (axis, 10, 0.5);      /* 45..55 */
  healer_chart_axis_pan (axis, 0.5);           /* +5 */
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (lo, 50, 1e-9);
  assert_near (hi, 60, 1e-9);
  healer_chart_axis_pan (axis, -1);            /* -10 */
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (lo, 40, 1e-9);
  assert_near (hi, 50, 1e-9);

  /* Stops at the data's edges, keeping the width. */
  healer_chart_axis_pan (axis, 100);
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (hi, 100, 1e-9);
  assert_near (lo, 90, 1e-9);
  healer_chart_axis_pan (axis, -100);
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (lo, 0, 1e-9);
  assert_near (hi, 10, 1e-9);
}

static void
count_change (gpointer data)
{
  (*(guint *) data)++;
}

static void
test_limits (void)
{
  g_autoptr(HealerChartAxis) axis = healer_chart_axis_new (HEALER_CHART_SCALE_LINEAR);
  double lo, hi;
  guint changes = 0;

  healer_chart_axis_set_range (axis, 0, 1000);
  g_signal_connect_swapped (axis, "changed", G_CALLBACK (count_change), &changes);

  /* Zooming out beyond the data does nothing, and says nothing. */
  healer_chart_axis_zoom (axis, 0.1, 0.5);
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (lo, 0, 1e-12);
  assert_near (hi, 1000, 1e-12);
  g_assert_cmpuint (changes, ==, 0);

  /* Zooming in stops at the limit, whatever the number of steps. */
  healer_chart_axis_set_max_zoom (axis, 1000);
  for (int i = 0; i < 200; i++)
    healer_chart_axis_zoom (axis, 2, 0.3);
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (hi - lo, 1, 1e-9);
  g_assert_cmpfloat (lo, >=, 0);
  g_assert_cmpfloat (hi, <=, 1000);
  g_assert_cmpuint (changes, >, 0);

  /* set_view is clamped the same way. */
  healer_chart_axis_set_view (axis, 500, 500.0001);
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (hi - lo, 1, 1e-9);
  assert_near ((lo + hi) / 2, 500.00005, 1e-6);
  healer_chart_axis_set_view (axis, -50, 2000);
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (lo, 0, 1e-12);
  assert_near (hi, 1000, 1e-12);
  g_assert_false (healer_chart_axis_is_zoomed (axis));

  /* Non-finite input changes nothing. */
  healer_chart_axis_zoom (axis, NAN, 0.5);
  healer_chart_axis_zoom (axis, 2, INFINITY);
  healer_chart_axis_pan (axis, NAN);
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (lo, 0, 1e-12);
  assert_near (hi, 1000, 1e-12);

  /* New data while zoomed keeps the zoom; while not, follows the data. */
  healer_chart_axis_set_view (axis, 100, 200);
  healer_chart_axis_set_range (axis, 0, 2000);
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (lo, 100, 1e-9);
  assert_near (hi, 200, 1e-9);
  healer_chart_axis_reset (axis);
  healer_chart_axis_set_range (axis, 0, 3000);
  healer_chart_axis_get_view (axis, &lo, &hi);
  assert_near (hi, 3000, 1e-9);
}

/* Checks what every tick set must satisfy: inside the view, in order,
 * evenly spaced by 1, 2 or 5 × 10^k, labels distinct and non-empty. */
static double
check_linear_ticks (HealerChartAxis *axis,
                    guint            max_ticks)
{
  GArray *ticks = healer_chart_axis_get_ticks (axis, max_ticks);
  double lo, hi, step = 0;

  healer_chart_axis_get_view (axis, &lo, &hi);
  g_test_message ("view %.17g..%.17g, %u ticks of at most %u", lo, hi, ticks->len, max_ticks);
  /* With room for 5, the densest fitting 1-2-5 step always leaves two
   * ticks in view (the finer step that did not fit had ≥ 6, so the view is
   * ≥ 2 steps wide); with less room one tick may be all there is. */
  g_assert_cmpuint (ticks->len, >=, max_ticks >= 5 ? 2 : 1);
  g_assert_cmpuint (ticks->len, <=, max_ticks);

  for (guint i = 0; i < ticks->len; i++)
    {
      HealerChartTick *t = &g_array_index (ticks, HealerChartTick, i);

      g_assert_cmpfloat (t->value, >=, lo - (hi - lo) * 1e-9);
      g_assert_cmpfloat (t->value, <=, hi + (hi - lo) * 1e-9);
      assert_near (t->position, healer_chart_axis_map (axis, t->value), 1e-9);
      g_assert_nonnull (t->label);
      g_assert_cmpstr (t->label, !=, "");
      if (i > 0)
        {
          HealerChartTick *prev = &g_array_index (ticks, HealerChartTick, i - 1);
          double d = t->value - prev->value;

          if (i == 1)
            {
              double m = d / pow (10, floor (log10 (d) + 1e-9));

              step = d;
              g_assert_true (fabs (m - 1) < 1e-6 || fabs (m - 2) < 1e-6 || fabs (m - 5) < 1e-6);
            }
          assert_near (d, step, step * 1e-6);
          g_assert_cmpstr (t->label, !=, prev->label);
        }
    }
  healer_chart_ticks_free (ticks);
  return step;
}

static void
test_ticks_linear (void)
{
  g_autoptr(HealerChartAxis) axis = healer_chart_axis_new (HEALER_CHART_SCALE_LINEAR);
  static const double ranges[][2] = {
    { 0, 1 }, { 0, 10 }, { -3, 7 }, { 0, 0.003 }, { 1e6, 1e6 + 7 },
    { -1e9, 1e9 }, { 123.456, 123.457 }, { 0, 57 }, { 1e-7, 5e-7 }, { -0.5, 5.5 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    for (guint max_ticks = 2; max_ticks <= 12; max_ticks += 5)
      {
        healer_chart_axis_set_range (axis, ranges[i][0], ranges[i][1]);
        check_linear_ticks (axis, max_ticks);
      }

  /* Deep zoom keeps giving readable, distinct ticks. */
  healer_chart_axis_set_range (axis, 0, 1000);
  healer_chart_axis_set_max_zoom (axis, 1e6);
  for (int i = 0; i < 40; i++)
    {
      healer_chart_axis_zoom (axis, 1.5, 0.123);
      check_linear_ticks (axis, 6);
    }

  /* Known steps */
  healer_chart_axis_set_range (axis, 0, 10);
  healer_chart_axis_reset (axis);
  assert_near (check_linear_ticks (axis, 11), 1, 1e-12);
  assert_near (check_linear_ticks (axis, 6), 2, 1e-12);
  assert_near (check_linear_ticks (axis, 3), 5, 1e-12);
}

static void
test_ticks_log (void)
{
  g_autoptr(HealerChartAxis) axis = healer_chart_axis_new (HEALER_CHART_SCALE_LOG10);
  GArray *ticks;

  /* Four decades, room for 1-2-5 */
  healer_chart_axis_set_range (axis, 0.01, 100);
  ticks = healer_chart_axis_get_ticks (axis, 20);
  g_assert_cmpuint (ticks->len, ==, 13);   /* 0.01 0.02 0.05 … 50 100 */
  g_assert_cmpstr (g_array_index (ticks, HealerChartTick, 0).label, ==, "0.01");
  g_assert_cmpstr (g_array_index (ticks, HealerChartTick, 1).label, ==, "0.02");
  g_assert_cmpstr (g_array_index (ticks, HealerChartTick, 6).label, ==, "1");
  g_assert_cmpstr (g_array_index (ticks, HealerChartTick, 12).label, ==, "100");
  healer_chart_ticks_free (ticks);

  /* Same range, little room: decades only */
  ticks = healer_chart_axis_get_ticks (axis, 5);
  g_assert_cmpuint (ticks->len, ==, 5);
  assert_near (g_array_index (ticks, HealerChartTick, 2).position, 0.5, 1e-9);
  healer_chart_ticks_free (ticks);

  /* Thirty decades: every few decades, in powers of ten */
  healer_chart_axis_set_range (axis, 1e-15, 1e15);
  ticks = healer_chart_axis_get_ticks (axis, 8);
  g_assert_cmpuint (ticks->len, <=, 8);
  g_assert_cmpuint (ticks->len, >=, 3);
  for (guint i = 0; i < ticks->len; i++)
    {
      HealerChartTick *t = &g_array_index (ticks, HealerChartTick, i);
      double e = log10 (t->value);

      assert_near (e, round (e), 1e-9);
    }
  g_assert_cmpstr (g_array_index (ticks, HealerChartTick, ticks->len - 1).label, ==, "10¹⁵");
  healer_chart_ticks_free (ticks);

  /* Less than a decade on screen: linear steps again */
  healer_chart_axis_set_range (axis, 2, 5);
  ticks = healer_chart_axis_get_ticks (axis, 8);
  g_assert_cmpuint (ticks->len, >=, 3);
  g_assert_cmpstr (g_array_index (ticks, HealerChartTick, 0).label, ==, "2.0");
  healer_chart_ticks_free (ticks);
}

static void
test_categories (void)
{
  g_autoptr(HealerChartAxis) axis = healer_chart_axis_new (HEALER_CHART_SCALE_LINEAR);
  static const char * const names[] = { "Normal", "CPU", "Memory", "Disk", NULL };
  GArray *ticks;

  healer_chart_axis_set_categories (axis, names);
  healer_chart_axis_set_range (axis, -0.5, 3.5);
  ticks = healer_chart_axis_get_ticks (axis, 10);
  g_assert_cmpuint (ticks->len, ==, 4);
  g_assert_cmpstr (g_array_index (ticks, HealerChartTick, 2).label, ==, "Memory");
  assert_near (g_array_index (ticks, HealerChartTick, 0).position, 0.125, 1e-12);
  healer_chart_ticks_free (ticks);

  /* Too many names for the room: every other one */
  ticks = healer_chart_axis_get_ticks (axis, 2);
  g_assert_cmpuint (ticks->len, ==, 2);
  g_assert_cmpstr (g_array_index (ticks, HealerChartTick, 1).label, ==, "Memory");
  healer_chart_ticks_free (ticks);
}

static void
test_format (void)
{
  static const struct {
    double value, step;
    const char *expected;
  } cases[] = {
    { 0, 1, "0" },
    { 0.1 + 0.2 - 0.3, 0.1, "0" },
    { 5, 1, "5" },
    { 2.5, 0.5, "2.5" },
    { 0.25, 0.05, "0.25" },
    { -3, 1, "-3" },
    { 1200, 100, "1200" },
    { 123.4567, 0.001, "123.457" },
    { 1e6, 1e5, "1.0×10⁶" },
    { 2.5e6, 5e5, "2.5×10⁶" },
    { 1e6, 1e6, "10⁶" },
    { 3e-5, 1e-5, "3×10⁻⁵" },
    { 1.5e-7, 1e-8, "1.5×10⁻⁷" },
    { 1000000.5, 0.5, "1.0000005×10⁶" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = healer_chart_axis_format_value (cases[i].value, cases[i].step);

      g_test_message ("%g step %g → %s", cases[i].value, cases[i].step, s);
      g_assert_cmpstr (s, ==, cases[i].expected);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart-axis/map-linear", test_map_linear);
  g_test_add_func ("/chart-axis/map-log", test_map_log);
  g_test_add_func ("/chart-axis/zoom-keeps-anchor", test_zoom_keeps_anchor);
  g_test_add_func ("/chart-axis/pan", test_pan);
  g_test_add_func ("/chart-axis/limits", test_limits);
  g_test_add_func ("/chart-axis/ticks-linear", test_ticks_linear);
  g_test_add_func ("/chart-axis/ticks-log", test_ticks_log);
  g_test_add_func ("/chart-axis/categories", test_categories);
  g_test_add_func ("/chart-axis/format", test_format);

  return g_test_run ();
}
