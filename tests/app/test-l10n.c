/* test-l10n.c — the app speaks Chinese when the user's language is Chinese
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-locale.h"
#include "healer-test-gui.h"
#include "healer-window.h"

static gboolean
has_dataset (gpointer window)
{
  return healer_session_get_dataset (healer_window_get_session (window)) != NULL;
}

/* As main() sets the app up, with LANGUAGE=zh_CN and the build tree's
 * catalogue: the pages, the menu, the workflow's messages are Chinese. */
static void
test_chinese (void)
{
  HealerWindow *window = healer_window_new (NULL);
  g_autoptr(GdkTexture) shot = NULL;
  AdwViewStack *stack;
  AdwViewStackPage *data_page;

  g_assert_cmpstr (_("Data"), ==, "数据");
  healer_test_show (GTK_WIDGET (window), 1100, 760);

  stack = ADW_VIEW_STACK (healer_test_find_widget (GTK_WIDGET (window), healer_test_match_type,
                                                   GSIZE_TO_POINTER (ADW_TYPE_VIEW_STACK)));
  g_assert_nonnull (stack);
  data_page = adw_view_stack_get_page (stack, adw_view_stack_get_child_by_name (stack, "data"));
  g_assert_cmpstr (adw_view_stack_page_get_title (data_page), ==, "数据");
  g_assert_nonnull (healer_test_find_widget (GTK_WIDGET (window), healer_test_match_button_label,
                                             "试用演示数据(_D)"));
  shot = healer_test_render (GTK_WIDGET (window), "window-zh_CN");

  /* Demo data loaded: the report is in Chinese too. */
  healer_test_activate_action (GTK_WIDGET (window), "win.demo-data");
  g_assert_true (healer_test_wait_until (has_dataset, window, 30000));
  g_clear_object (&shot);
  shot = healer_test_render (GTK_WIDGET (window), "data-report-zh_CN");
  g_assert_cmpstr (_("Samples (rows)"), !=, "Samples (rows)");

  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int   argc,
      char *argv[])
{
  /* The suite runs in English; this program is the Chinese user. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("HEALER_LOCALEDIR", healer_locale_dir (), TRUE);
  healer_test_gui_init (&argc, &argv);
  g_test_add_func ("/l10n/chinese", test_chinese);
  return g_test_run ();
}
