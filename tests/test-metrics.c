/* test-metrics.c — classification metrics against hand-computed values
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <math.h>

#include "healer-metrics.h"

#define EXACT 1e-15

static void
assert_close (double got,
              double expected)
{
  g_assert_cmpfloat_with_epsilon (got, expected, EXACT);
}

/* y_true 0 0 0 0 1 1 1 2 2 2
 * y_pred 0 0 1 2 1 1 0 2 2 1
 *
 * confusion [true][pred]   predicted per class 3 4 3, support 4 3 3
 *   2 1 1                  precision 2/3 1/2 2/3
 *   1 2 0                  recall    1/2 2/3 2/3
 *   0 1 2                  F1        4/7 4/7 2/3   (2tp / (predicted + support))
 *
 * accuracy 6/10; macro P = R = 11/18, macro F1 = (4/7 + 4/7 + 2/3) / 3 = 38/63;
 * weighted P = (4·2/3 + 3·1/2 + 3·2/3) / 10 = 37/60, weighted R = 6/10,
 * weighted F1 = (4·4/7 + 3·4/7 + 3·2/3) / 10 = 6/10. */
static void
test_hand_computed (void)
{
  const guint y_true[10] = { 0, 0, 0, 0, 1, 1, 1, 2, 2, 2 };
  const guint y_pred[10] = { 0, 0, 1, 2, 1, 1, 0, 2, 2, 1 };
  const gsize confusion[9] = { 2, 1, 1, 1, 2, 0, 0, 1, 2 };
  g_autoptr (HealerMetrics) m = healer_metrics_compute (y_true, y_pred, NULL, 10, 3);

  g_assert_nonnull (m);
  g_assert_cmpuint (m->n_classes, ==, 3);
  g_assert_cmpuint (m->n_samples, ==, 10);
  g_assert_cmpmem (m->confusion, sizeof confusion, confusion, sizeof confusion);
  g_assert_cmpuint (m->support[0], ==, 4);
  g_assert_cmpuint (m->support[1], ==, 3);
  g_assert_cmpuint (m->support[2], ==, 3);

  assert_close (m->accuracy, 0.6);
  assert_close (m->precision[0], 2.0 / 3);
  assert_close (m->precision[1], 0.5);
  assert_close (m->precision[2], 2.0 / 3);
  assert_close (m->recall[0], 0.5);
  assert_close (m->recall[1], 2.0 / 3);
  assert_close (m->recall[2], 2.0 / 3);
  assert_close (m->f1[0], 4.0 / 7);
  assert_close (m->f1[1], 4.0 / 7);
  assert_close (m->f1[2], 2.0 / 3);

  assert_close (m->macro_precision, 11.0 / 18);
  assert_close (m->macro_recall, 11.0 / 18);
  assert_close (m->macro_f1, 38.0 / 63);
  assert_close (m->weighted_precision, 37.0 / 60);
  assert_close (m->weighted_recall, 0.6);
  assert_close (m->weighted_f1, 0.6);
  g_assert_true (isnan (m->log_loss));
}

/* Class 2 is never predicted: precision 0, not NaN, and F1 0.
 * y_true 0 1 2 2, y_pred 0 1 1 1: class 1 has P = 1/3, R = 1, F1 = 2/(3+1). */
static void
test_never_predicted (void)
{
  const guint y_true[4] = { 0, 1, 2, 2 };
  const guint y_pred[4] = { 0, 1, 1, 1 };
  g_autoptr (HealerMetrics) m = healer_metrics_compute (y_true, y_pred, NULL, 4, 3);
  g_autoptr (HealerMetrics) m4 = NULL;

  assert_close (m->precision[2], 0.0);
  assert_close (m->recall[2], 0.0);
  assert_close (m->f1[2], 0.0);
  assert_close (m->precision[1], 1.0 / 3);
  assert_close (m->recall[1], 1.0);
  assert_close (m->f1[1], 0.5);
  assert_close (m->accuracy, 0.5);
  assert_close (m->macro_precision, 4.0 / 9);
  assert_close (m->macro_recall, 2.0 / 3);
  assert_close (m->macro_f1, 0.5);
  assert_close (m->weighted_precision, (1 + 1.0 / 3 + 0) / 4);
  assert_close (m->weighted_f1, (1 + 0.5 + 0) / 4);

  /* A fourth class that occurs nowhere: all zeros, and left out of the macro
   * average, as scikit-learn does without an explicit label list. */
  m4 = healer_metrics_compute (y_true, y_pred, NULL, 4, 4);
  g_assert_cmpuint (m4->support[3], ==, 0);
  assert_close (m4->precision[3], 0.0);
  assert_close (m4->recall[3], 0.0);
  assert_close (m4->f1[3], 0.0);
  assert_close (m4->macro_precision, m->macro_precision);
  assert_close (m4->macro_recall, m->macro_recall);
  assert_close (m4->macro_f1, m->macro_f1);
  assert_close (m4->weighted_f1, m->weighted_f1);
  for (guint i = 0; i < 16; i++)
    if (i / 4 == 3 || i % 4 == 3)
      g_assert_cmpuint (m4->confusion[i], ==, 0);
}

static void
test_perfect (void)
{
  const guint y[6] = { 2, 0, 1, 1, 0, 2 };
  float proba[18] = { 0 };
  g_autoptr (HealerMetrics) m = NULL;

  for (guint i = 0; i < 6; i++)
    proba[i * 3 + y[i]] = 1.0f;
  m = healer_metrics_compute (y, y, proba, 6, 3);
  assert_close (m->accuracy, 1.0);
  for (guint c = 0; c < 3; c++)
    {
      assert_close (m->precision[c], 1.0);
      assert_close (m->recall[c], 1.0);
      assert_close (m->f1[c], 1.0);
      g_assert_cmpuint (m->support[c], ==, 2);
      g_assert_cmpuint (m->confusion[c * 3 + c], ==, 2);
    }
  assert_close (m->macro_f1, 1.0);
  assert_close (m->weighted_f1, 1.0);
  assert_close (m->log_loss, 0.0);
}

static void
test_log_loss (void)
{
  const guint y[4] = { 0, 1, 2, 0 };
  /* p_true: 1/2, 1/4, 1/2, 1/4 (exact in float) → mean −log p = 1.5 ln 2. */
  const float proba[12] = {
    0.50f, 0.25f, 0.25f,
    0.50f, 0.25f, 0.25f,
    0.25f, 0.25f, 0.50f,
    0.25f, 0.50f, 0.25f,
  };
  /* p_true = 0 is clamped to 1e-15: −log(1e-15) = 15 ln 10. */
  const float zero[3] = { 0.0f, 1.0f, 0.0f };
  const float nan_row[3] = { NAN, 0.5f, 0.5f };
  g_autoptr (HealerMetrics) m = healer_metrics_compute (y, y, proba, 4, 3);
  g_autoptr (HealerMetrics) mz = healer_metrics_compute (y, y, zero, 1, 3);
  g_autoptr (HealerMetrics) mn = healer_metrics_compute (y, y, nan_row, 1, 3);

  assert_close (m->log_loss, 1.5 * G_LN2);
  g_assert_cmpfloat_with_epsilon (mz->log_loss, 15 * G_LN10, 1e-12);
  /* A NaN model output must show, not hide behind the clamp. */
  g_assert_true (isnan (mn->log_loss));
}

static void
test_empty (void)
{
  g_autoptr (HealerMetrics) m = healer_metrics_compute (NULL, NULL, NULL, 0, 2);

  g_assert_nonnull (m);
  g_assert_cmpuint (m->n_samples, ==, 0);
  assert_close (m->accuracy, 0.0);
  assert_close (m->macro_f1, 0.0);
  assert_close (m->weighted_f1, 0.0);
  g_assert_true (isnan (m->log_loss));
  g_assert_cmpuint (m->support[0] + m->support[1], ==, 0);
}

static void
test_copy (void)
{
  const guint y_true[5] = { 0, 1, 1, 2, 2 };
  const guint y_pred[5] = { 0, 2, 1, 2, 0 };
  const float proba[15] = { 0.7f, 0.2f, 0.1f, 0.1f, 0.3f, 0.6f, 0.2f, 0.5f, 0.3f,
                            0.1f, 0.1f, 0.8f, 0.4f, 0.3f, 0.3f };
  g_autoptr (HealerMetrics) m = healer_metrics_compute (y_true, y_pred, proba, 5, 3);
  g_autoptr (HealerMetrics) c = healer_metrics_copy (m);

  g_assert_true (c->precision != m->precision);
  g_assert_true (c->confusion != m->confusion);
  g_assert_cmpmem (c->precision, 3 * sizeof (double), m->precision, 3 * sizeof (double));
  g_assert_cmpmem (c->recall, 3 * sizeof (double), m->recall, 3 * sizeof (double));
  g_assert_cmpmem (c->f1, 3 * sizeof (double), m->f1, 3 * sizeof (double));
  g_assert_cmpmem (c->support, 3 * sizeof (gsize), m->support, 3 * sizeof (gsize));
  g_assert_cmpmem (c->confusion, 9 * sizeof (gsize), m->confusion, 9 * sizeof (gsize));
  g_assert_cmpfloat (c->macro_f1, ==, m->macro_f1);
  g_assert_cmpfloat (c->log_loss, ==, m->log_loss);
  g_assert_cmpfloat (c->accuracy, ==, 0.6);
  /* −(ln 0.7 + ln 0.3 + ln 0.5 + ln 0.8 + ln 0.3) / 5, up to the float inputs. */
  g_assert_cmpfloat_with_epsilon (m->log_loss, 0.7361823, 1e-6);
}

static void
test_argmax (void)
{
  const float v[5] = { 0.1f, 0.7f, 0.2f, 0.7f, -1.0f };
  const float nan_first[3] = { NAN, -5.0f, -6.0f };
  const float all_nan[2] = { NAN, NAN };

  g_assert_cmpuint (healer_argmax (v, 5), ==, 1);
  g_assert_cmpuint (healer_argmax (v, 1), ==, 0);
  g_assert_cmpuint (healer_argmax (v + 2, 3), ==, 1);
  g_assert_cmpuint (healer_argmax (nan_first, 3), ==, 1);
  g_assert_cmpuint (healer_argmax (all_nan, 2), ==, 0);
}

static void
test_bad_labels (void)
{
  const guint y_true[3] = { 0, 1, 3 };
  const guint y_pred[3] = { 0, 1, 1 };

  if (!g_test_undefined ())
    return;

  g_test_expect_message ("Healer", G_LOG_LEVEL_CRITICAL, "*labels_valid*");
  g_assert_null (healer_metrics_compute (y_true, y_pred, NULL, 3, 3));
  g_test_assert_expected_messages ();

  g_test_expect_message ("Healer", G_LOG_LEVEL_CRITICAL, "*labels_valid*");
  g_assert_null (healer_metrics_compute (y_pred, y_true, NULL, 3, 3));
  g_test_assert_expected_messages ();
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/metrics/hand-computed", test_hand_computed);
  g_test_add_func ("/metrics/never-predicted", test_never_predicted);
  g_test_add_func ("/metrics/perfect", test_perfect);
  g_test_add_func ("/metrics/log-loss", test_log_loss);
  g_test_add_func ("/metrics/empty", test_empty);
  g_test_add_func ("/metrics/copy", test_copy);
  g_test_add_func ("/metrics/argmax", test_argmax);
  g_test_add_func ("/metrics/bad-labels", test_bad_labels);

  return g_test_run ();
}
