/* test-narrow.c — every page of the window fits 360 pixels in Chinese
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>

#include "healer-diagnose-page.h"
#include "healer-diagnose-sample-pane.h"
#include "healer-locale.h"
#include "healer-results-page.h"
#include "healer-simulate.h"
#include "healer-test-app.h"
#include "healer-scatter-chart.h"

static const char *pages[] = { "data", "train", "diagnose", "results" };

/* Where a sideways scroller is, its content may be wider than the window
 * by design (tables, the KPI list): what is inside is not checked. Nor are
 * a scrollbar's parts, whose CSS margins reach outside their trough. */
static gboolean
scrolls_sideways (GtkWidget *widget)
{
  GtkAdjustment *h;

  if (!GTK_IS_SCROLLABLE (widget))
    return FALSE;
  h = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (widget));
  return h != NULL &&
         gtk_adjustment_get_upper (h) - gtk_adjustment_get_lower (h) > gtk_adjustment_get_page_size (h) + 0.5;
}

/* Appends to @out every shown widget at or below @parent that sticks out
 * of its parent's left or right edge: a widget cut at the edge of a pane,
 * a card or the window. */
static void
find_cut (GtkWidget *parent,
          GString   *out)
{
  graphene_rect_t box;

  /* The parent's border box in its own coordinates: a child may overlap
   * its padding (a stack switcher's label does), not go past its border. */
  if (!gtk_widget_compute_bounds (parent, parent, &box))
    return;
  if (scrolls_sideways (parent) || GTK_IS_SCROLLBAR (parent) ||
      /* The view switcher's indicator dot is drawn over its icon's edge. */
      g_str_equal (G_OBJECT_TYPE_NAME (parent), "AdwIndicatorBin"))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (parent); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      graphene_rect_t bounds;

      if (!gtk_widget_get_mapped (child) || GTK_IS_NATIVE (child))
        continue;
      if (gtk_widget_compute_bounds (child, parent, &bounds) &&
          (bounds.origin.x < box.origin.x - 1 ||
           bounds.origin.x + bounds.size.width > box.origin.x + box.size.width + 1))
        {
          GtkWidget *row = gtk_widget_get_ancestor (child, ADW_TYPE_PREFERENCES_ROW);

          g_string_append_printf (out, "  %s%s%s%s at x %.0f..%.0f in a %s at %.0f..%.0f%s%s%s\n",
                                  G_OBJECT_TYPE_NAME (child),
                                  GTK_IS_LABEL (child) ? " \"" : "",
                                  GTK_IS_LABEL (child) ? gtk_label_get_text (GTK_LABEL (child)) : "",
                                  GTK_IS_LABEL (child) ? "\"" : "",
                                  bounds.origin.x, bounds.origin.x + bounds.size.width,
                                  G_OBJECT_TYPE_NAME (parent), box.origin.x, box.origin.x + box.size.width,
                                  row ? " (row \"" : "",
                                  row ? adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)) : "",
                                  row ? "\")" : "");
        }
      find_cut (child, out);
    }
}

static gboolean
nothing_cut (gpointer widget)
{
  g_autoptr(GString) cut = g_string_new (NULL);

  find_cut (widget, cut);
  return cut->len == 0;
}

/* Shows each page of @window at @width × @height: the window is no wider
 * than asked (no page's minimum forces it wider), and nothing on the page
 * is cut at an edge. */
static void
assert_pages_fit (HealerWindow *window,
                  const char   *state,
                  int           width,
                  int           height)
{
  healer_test_resize (GTK_WINDOW (window), width, height);
  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autoptr(GString) cut = g_string_new (NULL);
      g_autofree char *name = g_strdup_printf ("narrow-zh_CN-%s-%s-%d", state, pages[i], width);
      int minimum;

      healer_window_set_visible_page (window, pages[i]);
      g_clear_object (&(GdkTexture *) { healer_test_render (GTK_WIDGET (window), width <= 360 ? name : NULL) });
      gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &minimum, NULL, NULL, NULL);
      g_test_message ("%s, %s page, asked %d px: %d px wide (minimum %d with the decorations)",
                      state, pages[i], width, gtk_widget_get_width (GTK_WIDGET (window)), minimum);
      if (gtk_widget_get_width (GTK_WIDGET (window)) > width)
        g_error ("%s, %s page: the window is %d px wide, asked %d", state, pages[i],
                 gtk_widget_get_width (GTK_WIDGET (window)), width);
      /* A pane still sliding in (the leaflet's unfolding, which has no
       * getter) is drawn past the edge for a moment. */
      if (!healer_test_wait_until (nothing_cut, window, 5000))
        find_cut (GTK_WIDGET (window), cut);
      if (cut->len > 0)
        g_error ("%s, %s page at %d px: cut at an edge:\n%s", state, pages[i], width, cut->str);
    }
}

static gboolean
diagnosed (gpointer window)
{
  HealerDiagnosePage *diagnose = HEALER_DIAGNOSE_PAGE (healer_test_page (window, HEALER_TYPE_DIAGNOSE_PAGE));

  return healer_session_get_results (healer_window_get_session (window)) != NULL &&
         !healer_diagnose_page_get_busy (diagnose);
}

/* At 360 px the Results page offers its charts in a dropdown (the row of
 * buttons does not fit), which stays in step with the buttons both ways. */
static void
assert_chart_dropdown (HealerResultsPage *results)
{
  GtkWidget *squeezer = healer_test_find_widget (GTK_WIDGET (results), healer_test_match_type,
                                                 GSIZE_TO_POINTER (ADW_TYPE_SQUEEZER));
  GtkWidget *shown, *bars, *confusion;
  GtkStringList *kinds;

  g_assert_nonnull (squeezer);
  shown = adw_squeezer_get_visible_child (ADW_SQUEEZER (squeezer));
  g_assert_true (GTK_IS_DROP_DOWN (shown));
  bars = healer_test_find_widget (squeezer, healer_test_match_button_label, "柱状图(_B)");
  confusion = healer_test_find_widget (squeezer, healer_test_match_button_label, "混淆矩阵(_C)");
  g_assert_nonnull (bars);
  g_assert_nonnull (confusion);
  kinds = GTK_STRING_LIST (gtk_drop_down_get_model (GTK_DROP_DOWN (shown)));
  /* A labelled file: the confusion matrix is offered too. */
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (kinds)), ==, 4);
  g_assert_cmpstr (gtk_string_list_get_string (kinds, 2), ==, "分布图");
  /* show_map() pressed the Map button. */
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (shown)), ==, 2);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (shown), 3);
  g_assert_true (gtk_toggle_button_get_active (GTK_TOGGLE_BUTTON (confusion)));
  gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (bars), TRUE);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (shown)), ==, 0);
}

static gboolean
wheel_zooms (gpointer chart)
{
  return healer_chart_get_zoom_modifier (chart) == 0;
}

static gboolean
wheel_scrolls (gpointer chart)
{
  return healer_chart_get_zoom_modifier (chart) == GDK_CONTROL_MASK;
}

/* At 360 × 640 the map's controls wrap onto four rows: the map keeps a
 * readable height (its plot was squeezed to about 40 px) and the page scrolls to
 * it instead. */
static void
assert_map_readable (HealerWindow      *window,
                     HealerResultsPage *results)
{
  GtkWidget *map, *scroll;
  graphene_rect_t plot;

  healer_window_set_visible_page (window, "results");
  g_clear_object (&(GdkTexture *) { healer_test_render (GTK_WIDGET (window), "narrow-zh_CN-map-360") });
  map = healer_test_find_widget (GTK_WIDGET (results), healer_test_match_type,
                                 GSIZE_TO_POINTER (HEALER_TYPE_SCATTER_CHART));
  g_assert_nonnull (map);
  healer_chart_get_plot_area (HEALER_CHART (map), &plot);
  g_test_message ("the map at 360 x 640: %d px tall, its plot %.0f x %.0f px",
                  gtk_widget_get_height (map), plot.size.width, plot.size.height);
  g_assert_cmpfloat (plot.size.height, >=, 150);
  scroll = gtk_widget_get_ancestor (map, GTK_TYPE_SCROLLED_WINDOW);
  g_assert_nonnull (scroll);
  g_assert_cmpfloat (gtk_adjustment_get_upper (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroll))), >,
                     gtk_adjustment_get_page_size (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scroll))));
  /* The page scrolls, so the plain wheel is the page's and Ctrl+wheel
   * zooms, as on the other scrolling pages (issue 16 item 5). */
  g_assert_cmpint (healer_chart_get_zoom_modifier (HEALER_CHART (map)), ==, GDK_CONTROL_MASK);
  /* Where the map fills the view, the wheel zooms it again. */
  healer_test_resize (GTK_WINDOW (window), 1100, 800);
  g_assert_true (healer_test_wait_until (wheel_zooms, map, 5000));
  healer_test_resize (GTK_WINDOW (window), 360, 640);
  g_assert_true (healer_test_wait_until (wheel_scrolls, map, 5000));
}

static gboolean
not_busy (gpointer diagnose_page)
{
  return !healer_diagnose_page_get_busy (diagnose_page);
}

static gboolean
mapped (gpointer results_page)
{
  return healer_results_page_get_n_mapped (results_page) > 0;
}

/* Issue 16 item 20, in Chinese, whose labels are wider than English ones
 * ("柱状图(_B)" against "_Bars": the Results page's chart buttons alone
 * made the window 416 px wide): every page, before data, with data, after
 * training and with results, at 360 px. */
static void
test_narrow_pages (void)
{
  HealerWindow *window;
  HealerTrainPage *train;
  HealerDiagnosePage *diagnose;
  HealerResultsPage *results;
  HealerSimulateConfig config;
  g_autoptr(HealerDataset) samples = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) samples_file = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *row = NULL;
  GtkWidget *sample_pane;

  if (g_strcmp0 (_("Data"), "数据") != 0)
    {
      /* LANGUAGE=zh_CN under LC_ALL=C.UTF-8 is honoured by glibc 2.35 and
       * later (Debian 12); elsewhere the zh_CN.UTF-8 locale is needed. */
      g_test_skip ("the zh_CN translation is not in use here (no catalogue in HEALER_LOCALEDIR, "
                   "or a C library that ignores LANGUAGE under the C locale: install zh_CN.UTF-8)");
      return;
    }

  window = healer_window_new (NULL);
  train = HEALER_TRAIN_PAGE (healer_test_page (window, HEALER_TYPE_TRAIN_PAGE));
  diagnose = HEALER_DIAGNOSE_PAGE (healer_test_page (window, HEALER_TYPE_DIAGNOSE_PAGE));
  results = HEALER_RESULTS_PAGE (healer_test_page (window, HEALER_TYPE_RESULTS_PAGE));
  healer_test_show (GTK_WIDGET (window), 900, 640);
  assert_pages_fit (window, "empty", 360, 640);

  healer_test_activate_action (GTK_WIDGET (window), "win.demo-data");
  g_assert_true (healer_test_wait_until (healer_test_has_dataset, window, 30000));
  assert_pages_fit (window, "data", 360, 640);

  /* A small model, with its cross-validated estimate. */
  healer_test_use_config (window, 15, 16);
  healer_window_set_visible_page (window, "train");
  healer_test_activate_action (GTK_WIDGET (window), "win.train");
  g_assert_true (healer_test_wait_until (healer_test_train_stopped, train, 120000));
  g_signal_emit_by_name (healer_test_find_widget (GTK_WIDGET (train), healer_test_match_name, "estimate-button"), "clicked");
  g_assert_true (healer_test_wait_until (healer_test_estimate_shown, train, 120000));
  assert_pages_fit (window, "trained", 360, 640);

  /* A labelled file (the confusion matrix is offered), then one sample. */
  dir = g_dir_make_tmp ("healer-narrow-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "samples.csv", NULL);
  healer_simulate_config_init_default (&config);
  config.n_samples = 200;
  config.seed = 5;
  samples = healer_simulate (&config);
  g_assert_true (healer_dataset_save_csv (samples, path, &error));
  g_assert_no_error (error);
  samples_file = g_file_new_for_path (path);
  healer_window_set_visible_page (window, "diagnose");
  healer_diagnose_page_diagnose_file (diagnose, samples_file);
  g_assert_true (healer_test_wait_until (diagnosed, window, 120000));
  healer_results_page_show_map (results);
  g_assert_true (healer_test_wait_until (mapped, results, 120000));
  assert_pages_fit (window, "diagnosed", 360, 640);
  assert_map_readable (window, results);
  assert_chart_dropdown (results);

  g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", 3);
  row = g_strjoin ("\n", lines[0], lines[1], NULL);
  sample_pane = healer_test_page (window, HEALER_TYPE_DIAGNOSE_SAMPLE_PANE);
  gtk_stack_set_visible_child (GTK_STACK (gtk_widget_get_parent (sample_pane)), sample_pane);
  healer_diagnose_page_diagnose_text (diagnose, row);
  g_assert_true (healer_test_wait_until (not_busy, diagnose, 60000));
  assert_pages_fit (window, "sample", 360, 640);

  healer_session_set_model (healer_window_get_session (window), NULL, NULL);
  healer_test_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

/* Issue 16 (the zh_CN train.png): nothing is cut at an edge at any width
 * from 360 px to a wide window, on any page, with demo data; and on the
 * Train page with an error in place of the hidden layers' explanation.
 * GTK 4.8 lays a row's wrapping subtitle out on one line when the row is
 * not tall enough for its width-for-height guess: the "256" entry sat
 * past the row's right edge at 760 px and wider. */
static void
test_widths (void)
{
  static const int widths[] = { 360, 420, 500, 600, 700, 800, 916, 1000, 1100 };
  HealerWindow *window;
  GtkWidget *entry;

  if (g_strcmp0 (_("Data"), "数据") != 0)
    {
      g_test_skip ("the zh_CN translation is not in use here");
      return;
    }
  window = healer_window_new (NULL);
  healer_test_show (GTK_WIDGET (window), 900, 640);
  healer_test_activate_action (GTK_WIDGET (window), "win.demo-data");
  g_assert_true (healer_test_wait_until (healer_test_has_dataset, window, 30000));
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    assert_pages_fit (window, "widths", widths[i], 640);

  entry = healer_test_find_widget (GTK_WIDGET (window), healer_test_match_name, "hidden-layers");
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), "200,abc");
  g_assert_true (gtk_widget_has_css_class (entry, "error"));
  for (guint i = 0; i < G_N_ELEMENTS (widths); i++)
    assert_pages_fit (window, "hidden-error", widths[i], 640);

  healer_test_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  /* The suite runs in English; this program is the Chinese user. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("HEALER_LOCALEDIR", healer_locale_dir (), TRUE);
  healer_test_gui_init (&argc, &argv);
  /* GNOME's font, as the screenshots and most users have it (fontconfig
   * falls back to another where it is not installed). */
  g_object_set (gtk_settings_get_default (), "gtk-font-name", "Cantarell 11", NULL);
  g_test_add_func ("/narrow/zh_CN/pages", test_narrow_pages);
  g_test_add_func ("/narrow/zh_CN/widths", test_widths);
  return g_test_run ();
}
