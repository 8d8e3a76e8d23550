/* test-l10n.c — the app speaks Chinese when the user's language is Chinese
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#ifdef HEALER_TEST_X11
#include <gdk/x11/gdkx.h>
#endif

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

#ifdef HEALER_TEST_X11
static gboolean
match_main_menu (GtkWidget     *widget,
                 gconstpointer  data)
{
  return GTK_IS_MENU_BUTTON (widget) &&
         g_strcmp0 (gtk_menu_button_get_icon_name (GTK_MENU_BUTTON (widget)), "open-menu-symbolic") == 0;
}

static gboolean
match_tooltip_window (GtkWidget     *widget,
                      gconstpointer  data)
{
  return g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkTooltipWindow");
}

static gboolean
match_visible_label (GtkWidget     *widget,
                     gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* The tooltip window GTK shows for the window's widgets, when on screen. */
static GtkWidget *
shown_tooltip (GtkWidget *window)
{
  GtkWidget *tooltip = healer_test_find_widget (window, match_tooltip_window, NULL);

  return tooltip != NULL && gtk_widget_get_mapped (tooltip) ? tooltip : NULL;
}

static gboolean
match_label_of (GtkWidget     *widget,
                gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_get_visible (widget) &&
         g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* Whether the tooltip of @window was given @text to show. */
static gboolean
tooltip_says (GtkWidget  *window,
              const char *text)
{
  GtkWidget *tooltip = healer_test_find_widget (window, match_tooltip_window, NULL);

  return tooltip != NULL && healer_test_find_widget (tooltip, match_label_of, text) != NULL;
}

static gboolean
tooltip_shown (gpointer window)
{
  return shown_tooltip (window) != NULL;
}

static gboolean
tooltip_hidden (gpointer window)
{
  return shown_tooltip (window) == NULL;
}

static gboolean
popover_shown (gpointer button)
{
  GtkPopover *popover = gtk_menu_button_get_popover (button);

  return popover != NULL && gtk_widget_get_mapped (GTK_WIDGET (popover));
}

/* Puts the pointer on @widget, @dx pixels right of its middle. */
static void
point_at (GtkWidget *widget,
          int        dx)
{
  GtkNative *native = gtk_widget_get_native (widget);
  GdkSurface *surface = gtk_native_get_surface (native);
  Display *dpy = gdk_x11_display_get_xdisplay (gdk_surface_get_display (surface));
  graphene_point_t p;
  double sx, sy;

  g_assert_true (gtk_widget_compute_point (widget, GTK_WIDGET (native),
                                           &GRAPHENE_POINT_INIT (gtk_widget_get_width (widget) / 2.0,
                                                                 gtk_widget_get_height (widget) / 2.0),
                                           &p));
  gtk_native_get_surface_transform (native, &sx, &sy);
  XWarpPointer (dpy, None, gdk_x11_surface_get_xid (surface), 0, 0, 0, 0,
                (int) (p.x + sx) + dx, (int) (p.y + sy));
  XSync (dpy, False);
}

/* Rests the pointer on @widget until @done (a tooltip shown, a tooltip
 * asked for): TRUE when it came within @timeout_ms (times the sanitizers'
 * multiplier). Xvfb can drop a warp that lands while a new window is still
 * being mapped, and a pointer that never moved there never gets a tooltip,
 * however long the wait; so the pointer is put there again, a pixel aside,
 * every 1.5 s (longer than GTK's hover delay, so a resting pointer still
 * gets its tooltip in between). */
static gboolean
rest_on (GtkWidget  *widget,
         gboolean  (*done) (gpointer),
         gpointer    data,
         guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time ()
                    + (gint64) timeout_ms * 1000 * healer_test_timeout_multiplier ();

  for (int dx = 0; g_get_monotonic_time () < deadline; dx = !dx)
    {
      point_at (widget, dx);
      if (healer_test_wait_until (done, data, 1500))
        return TRUE;
    }
  return done (data);
}

/* Takes the pointer off @window (to the screen's corner) and waits until
 * its tooltip is gone: GTK 4.8 fires a tooltip timeout of a destroyed
 * window's surface (a critical) when the pointer rested on it. */
static void
leave (GtkWidget *window)
{
  GdkSurface *surface = gtk_native_get_surface (GTK_NATIVE (window));
  Display *dpy = gdk_x11_display_get_xdisplay (gdk_surface_get_display (surface));

  XWarpPointer (dpy, None, DefaultRootWindow (dpy), 0, 0, 0, 0,
                DisplayWidth (dpy, DefaultScreen (dpy)) - 1, DisplayHeight (dpy, DefaultScreen (dpy)) - 1);
  XSync (dpy, False);
  g_assert_true (healer_test_wait_until (tooltip_hidden, window, 20000));
  healer_test_wait_frame (window);
}

/* Issue 16 item 21: the main menu's tooltip, "主菜单", on one line (GTK's
 * own label put one character on each line), and no tooltip over the menu
 * once it is open. */
static void
test_tooltips (void)
{
  HealerWindow *window = healer_window_new (NULL);
  GtkWidget *button, *tooltip, *label, *line;
  int width, height;

  healer_test_show (GTK_WIDGET (window), 900, 600);
  button = healer_test_find_widget (GTK_WIDGET (window), match_main_menu, NULL);
  g_assert_nonnull (button);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==, "主菜单");

  g_assert_true (rest_on (button, tooltip_shown, window, 20000));
  healer_test_wait_frame (GTK_WIDGET (window));
  tooltip = shown_tooltip (GTK_WIDGET (window));
  label = healer_test_find_widget (tooltip, match_visible_label, "主菜单");
  g_assert_nonnull (label);
  /* As wide and as high as the text on one line. */
  line = g_object_ref_sink (gtk_label_new ("主菜单"));
  gtk_widget_measure (line, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &width, NULL, NULL);
  gtk_widget_measure (line, GTK_ORIENTATION_VERTICAL, -1, NULL, &height, NULL, NULL);
  g_object_unref (line);
  g_test_message ("tooltip label %d x %d, its text on one line %d x %d", gtk_widget_get_width (label),
                  gtk_widget_get_height (label), width, height);
  g_assert_cmpint (gtk_widget_get_width (label), >=, width);
  g_assert_cmpint (gtk_widget_get_height (label), <=, height);
  g_clear_object (&(GdkTexture *) { healer_test_render (tooltip, "tooltip-zh_CN") });
  leave (GTK_WIDGET (window));
  gtk_window_destroy (GTK_WINDOW (window));
}

typedef struct
{
  GtkWidget *widget;
  guint      n_queries;
} Queries;

static gboolean
count_query_hook (GSignalInvocationHint *hint,
                  guint                  n_params,
                  const GValue          *params,
                  gpointer               data)
{
  Queries *queries = data;

  if (g_value_get_object (&params[0]) == (gpointer) queries->widget)
    queries->n_queries++;
  return TRUE;
}

static gboolean
was_queried (gpointer data)
{
  return ((Queries *) data)->n_queries > 0;
}

/* Issue 16 item 21: no tooltip over what a button opened — the main menu,
 * a dropdown's popup, whose first item lies just under the pointer. */
static void
test_tooltip_popover (void)
{
  /* The window installs the app's tooltips (healer_tooltips_init()). */
  HealerWindow *window = healer_window_new (NULL);
  GtkWidget *button;

  healer_test_show (GTK_WIDGET (window), 900, 600);
  button = healer_test_find_widget (GTK_WIDGET (window), match_main_menu, NULL);
  g_assert_true (rest_on (button, tooltip_shown, window, 20000));

  /* Opened: the pointer moves on the button, and no tooltip shows. */
  gtk_menu_button_popup (GTK_MENU_BUTTON (button));
  g_assert_true (healer_test_wait_until (popover_shown, button, 10000));
  point_at (button, 2);
  point_at (button, 3);
  g_assert_true (healer_test_wait_until (tooltip_hidden, window, 20000));
  gtk_menu_button_popdown (GTK_MENU_BUTTON (button));
  leave (GTK_WIDGET (window));
  gtk_window_destroy (GTK_WINDOW (window));

  /* A dropdown's popup lies below it, its first item just under the
   * pointer that opened it. */
  {
    const char *items[] = { "PCA", "t-SNE", NULL };
    GtkWidget *dropdown = gtk_drop_down_new_from_strings (items);
    GtkWidget *popover;
    GtkWindow *plain;

    gtk_widget_set_tooltip_text (dropdown, "How the samples are laid out");
    gtk_widget_set_valign (dropdown, GTK_ALIGN_START);
    plain = healer_test_show (dropdown, 400, 300);
    popover = healer_test_find_widget (dropdown, healer_test_match_type, GSIZE_TO_POINTER (GTK_TYPE_POPOVER));
    guint signal_id = g_signal_lookup ("query-tooltip", GTK_TYPE_WIDGET);
    Queries queries = { dropdown, 0 };
    gulong hook;

    /* The pointer rests on it, and it is opened before its tooltip shows
     * (as a click does): when the pointer has rested long enough, GTK asks
     * the dropdown for its tooltip, popup open. */
    point_at (dropdown, 0);
    point_at (dropdown, 1);
    healer_test_flush ();
    g_signal_emit_by_name (dropdown, "activate");
    g_assert_true (healer_test_wait_until (healer_test_mapped, popover, 10000));
    g_assert_false (tooltip_shown (plain));
    hook = g_signal_add_emission_hook (signal_id, 0, count_query_hook, &queries, NULL);
    g_assert_true (rest_on (dropdown, was_queried, &queries, 20000));
    g_signal_remove_emission_hook (signal_id, hook);
    /* GTK shows its tooltip window a moment after it got the answer:
     * the answer is what is checked, the text GTK was given to show. */
    g_assert_false (tooltip_says (GTK_WIDGET (plain), "How the samples are laid out"));
    gtk_popover_popdown (GTK_POPOVER (popover));
    leave (GTK_WIDGET (plain));
    gtk_window_destroy (plain);
  }
}
#endif

int
main (int   argc,
      char *argv[])
{
  /* The suite runs in English; this program is the Chinese user. */
  g_setenv ("LANGUAGE", "zh_CN", TRUE);
  g_setenv ("HEALER_LOCALEDIR", healer_locale_dir (), TRUE);
  healer_test_gui_init (&argc, &argv);
  g_test_add_func ("/l10n/chinese", test_chinese);
#ifdef HEALER_TEST_X11
  g_test_add_func ("/l10n/tooltip-one-line", test_tooltips);
  g_test_add_func ("/l10n/tooltip-popover", test_tooltip_popover);
#endif
  return g_test_run ();
}
