/* healer-test-gui.h — showing widgets in tests and looking at what they draw
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdlib.h>
#ifdef __linux__
#include <sys/prctl.h>
#include <unistd.h>
#endif

/* Exits with 77, the code meson and automake read as "skipped", and says why,
 * when there is no display to open: a distribution's build machine has no X
 * server, and tests/meson.build only wraps the GUI tests in xvfb-run when it
 * is installed. gtk_init() would abort with "cannot open display" instead. */
static inline void
healer_test_gui_require_display (void)
{
#if defined(G_OS_UNIX) && !defined(__APPLE__)
  const char *backend = g_getenv ("GDK_BACKEND");
  const char *x11 = g_getenv ("DISPLAY");
  const char *wayland = g_getenv ("WAYLAND_DISPLAY");
  gboolean has_x11 = x11 != NULL && *x11 != '\0';
  gboolean has_wayland = wayland != NULL && *wayland != '\0';

  /* The suite asks for X11 (GDK_BACKEND=x11): Wayland alone will not do. */
  if (backend != NULL && g_str_has_prefix (backend, "x11"))
    has_wayland = FALSE;
  if (!has_x11 && !has_wayland)
    {
      g_printerr ("SKIP: this test shows windows and there is no display: DISPLAY%s is not set "
                  "and xvfb-run was not found when the build was configured "
                  "(Debian: apt install xvfb xauth, then meson setup --reconfigure)\n",
                  backend != NULL && g_str_has_prefix (backend, "x11") ? "" : " nor WAYLAND_DISPLAY");
      exit (77);
    }
#endif
}

#ifdef __linux__
static inline void
healer_test_stdout_to_stderr (gpointer data)
{
  dup2 (2, 1);
}
#endif

/* The watchdog: meson kills a test that overruns its timeout with SIGTERM and
 * prints nothing about where it was. Shortly before that, this thread says
 * which test case is running and prints every thread's stack (through gdb,
 * when it is installed), then aborts, so a hang on a CI machine can be
 * mended from its log. */
static inline gpointer
healer_test_watchdog_thread (gpointer data)
{
  guint seconds = GPOINTER_TO_UINT (data);
  const char *path;

  g_usleep ((gulong) seconds * G_USEC_PER_SEC);
  path = g_test_get_path ();
  g_printerr ("watchdog: %s still running after %u s (%u s before the test's timeout); "
              "every thread's stack follows. With meson's --timeout-multiplier, set "
              "HEALER_TEST_TIMEOUT_MULTIPLIER to the same number (0 for none)\n",
              path != NULL && *path != '\0' ? path : "the test", seconds, seconds / 9);
#ifdef __linux__
  {
    g_autofree char *pid = g_strdup_printf ("%d", (int) getpid ());
    char *argv[] = { "gdb", "-batch", "-nx", "-p", pid, "-ex", "thread apply all bt 40", NULL };

    /* Yama may allow tracing one's own ancestors only when asked. */
    prctl (PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
    if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_CHILD_INHERITS_STDIN,
                       healer_test_stdout_to_stderr, NULL, NULL, NULL, NULL, NULL))
      g_printerr ("watchdog: gdb is not installed: no stacks\n");
  }
#endif
  abort ();
  return NULL;
}

/* HEALER_TEST_TIMEOUT_MULTIPLIER (tools/dev sets it beside meson's
 * --timeout-multiplier for the sanitized run), 1 when unset; meson's 0, no
 * timeout at all, counts as 4. */
static inline guint
healer_test_timeout_multiplier (void)
{
  const char *multiplier = g_getenv ("HEALER_TEST_TIMEOUT_MULTIPLIER");
  guint64 m;

  if (multiplier == NULL || !g_ascii_string_to_unsigned (multiplier, 10, 0, 1000, &m, NULL))
    return 1;
  return m == 0 ? 4 : (guint) m;
}

/* Starts the watchdog at 90 % of the test's meson timeout (HEALER_TEST_TIMEOUT,
 * set by tests/meson.build, times HEALER_TEST_TIMEOUT_MULTIPLIER). Meson does
 * not tell a test its --timeout-multiplier: whoever passes one sets the
 * variable to match, as tools/dev does; 0 (meson's "no timeout") turns the
 * watchdog off. */
static inline void
healer_test_start_watchdog (void)
{
  const char *timeout = g_getenv ("HEALER_TEST_TIMEOUT");
  const char *multiplier = g_getenv ("HEALER_TEST_TIMEOUT_MULTIPLIER");
  guint64 seconds;

  if (timeout == NULL || !g_ascii_string_to_unsigned (timeout, 10, 1, 86400, &seconds, NULL))
    return;
  if (g_strcmp0 (multiplier, "0") == 0)
    return;
  seconds *= healer_test_timeout_multiplier ();
  g_thread_unref (g_thread_new ("healer-test-watchdog", healer_test_watchdog_thread,
                                GUINT_TO_POINTER ((guint) (seconds * 9 / 10))));
}

/* gtk_test_init() + libadwaita, and the translations of the build tree
 * (HEALER_LOCALEDIR) in the language of LANGUAGE, as main() sets them up:
 * the suite runs in English (LANGUAGE=C), tools/screenshots in any. */
static inline void
healer_test_gui_init (int    *argc,
                      char ***argv)
{
#ifdef GETTEXT_PACKAGE
  const char *localedir = g_getenv ("HEALER_LOCALEDIR");

  if (localedir != NULL)
    {
      setlocale (LC_ALL, "");
      bindtextdomain (GETTEXT_PACKAGE, localedir);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      textdomain (GETTEXT_PACKAGE);
    }
#endif
  /* The test accessibility backend records names and states for the
   * tests to check, and needs no AT-SPI bus. */
  g_setenv ("GTK_A11Y", "test", TRUE);
  healer_test_gui_require_display ();
  healer_test_start_watchdog ();
  gtk_test_init (argc, argv, NULL);
  adw_init ();
  /* The app's own icons, which GtkApplication adds from the resource base
   * path at startup: windows shown without an application look the same. */
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/io/github/systemhealer/SystemHealer/icons");
  /* And its style sheet, which AdwApplication loads from there (the app's
   * resources are linked into the app's tests, not the widgets'). */
  if (g_resources_get_info ("/io/github/systemhealer/SystemHealer/style.css",
                            G_RESOURCE_LOOKUP_FLAGS_NONE, NULL, NULL, NULL))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (provider, "/io/github/systemhealer/SystemHealer/style.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
    }
}

static inline gboolean
healer_test_wake_cb (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

/* Spins the main loop until @done returns TRUE or @timeout_ms passes;
 * returns the last value of @done. Worker threads report through idle
 * callbacks, so a test must iterate for them to land. It sleeps in the main
 * loop between events, waking every few milliseconds for conditions no
 * event announces (a worker's own state). Tests wait for conditions this
 * way, with a generous @timeout_ms that only a hang reaches, never for a
 * fixed time: the suite is as fast as the machine and cannot flake when
 * the machine is loaded. */
static inline gboolean
healer_test_wait_until (gboolean (*done) (gpointer),
                        gpointer   data,
                        guint      timeout_ms)
{
  /* The budget is for this machine's normal build; a sanitized run, which
   * tools/dev gives a timeout multiplier, gets the same multiple of it, so
   * a slow step under ASan on a loaded machine is not called a hang. */
  gint64 deadline = g_get_monotonic_time ()
                    + (gint64) timeout_ms * 1000 * healer_test_timeout_multiplier ();
  guint wake;
  gboolean ok = TRUE;

  if (done (data))
    return TRUE;
  wake = g_timeout_add (5, healer_test_wake_cb, NULL);
  while (!done (data))
    {
      if (g_get_monotonic_time () > deadline)
        {
          ok = done (data);
          break;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
  return ok;
}

/* Runs every callback that is ready now (idles, finished tasks' results),
 * without waiting for anything more. Bounded: while something animates (a
 * spinner during training) and a frame takes longer to draw than the frame
 * interval, as under a sanitizer on a slow machine, the next frame is always
 * ready, and "until nothing is ready" would never come. */
static inline void
healer_test_flush (void)
{
  gint64 deadline = g_get_monotonic_time () + G_USEC_PER_SEC;

  while (g_main_context_iteration (NULL, FALSE) && g_get_monotonic_time () < deadline)
    ;
}

static inline gboolean
healer_test_is_true (gpointer flag)
{
  return *(gboolean *) flag;
}

static inline gboolean
healer_test_is_null (gpointer pointer_to_pointer)
{
  return *(gpointer *) pointer_to_pointer == NULL;
}

static inline gboolean
healer_test_mapped (gpointer widget)
{
  return gtk_widget_get_mapped (widget) && gtk_widget_get_width (widget) > 0;
}

static inline void
healer_test_after_paint_cb (GdkFrameClock *clock,
                            gpointer       flag)
{
  *(gboolean *) flag = TRUE;
}

/* TRUE when a stack, revealer, squeezer or leaflet at or below @widget is
 * still in a transition (an animation of a few hundred milliseconds). */
static inline gboolean
healer_test_transition_running (GtkWidget *widget)
{
  if (GTK_IS_STACK (widget) && gtk_stack_get_transition_running (GTK_STACK (widget)))
    return TRUE;
  if (GTK_IS_REVEALER (widget) &&
      gtk_revealer_get_child_revealed (GTK_REVEALER (widget)) != gtk_revealer_get_reveal_child (GTK_REVEALER (widget)))
    return TRUE;
  if (ADW_IS_SQUEEZER (widget) && adw_squeezer_get_transition_running (ADW_SQUEEZER (widget)))
    return TRUE;
  if (ADW_IS_LEAFLET (widget))
    {
      AdwLeaflet *leaflet = ADW_LEAFLET (widget);
      GtkWidget *child = adw_leaflet_get_visible_child (leaflet);
      graphene_rect_t bounds;

      if (adw_leaflet_get_child_transition_running (leaflet))
        return TRUE;
      /* Folding slides the other pane out: done when the visible one
       * fills the leaflet. */
      if (adw_leaflet_get_folded (leaflet) && child != NULL &&
          gtk_widget_compute_bounds (child, widget, &bounds) &&
          (bounds.origin.x != 0 || (int) bounds.size.width != gtk_widget_get_width (widget)))
        return TRUE;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (gtk_widget_get_visible (child) && healer_test_transition_running (child))
      return TRUE;
  return FALSE;
}

static inline gboolean
healer_test_transitions_done (gpointer widget)
{
  return !healer_test_transition_running (widget);
}

/* Waits until @widget is on screen, its animations (stack, revealer,
 * leaflet) have ended and a whole frame (styles, layout and drawing) has
 * been made since, then runs what that frame made ready: what was changed
 * before the call is now laid out and drawn. */
static inline void
healer_test_wait_frame (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean painted = FALSE;
  gulong id;

  healer_test_flush ();
  /* On a loaded machine the X server may map a window late. */
  g_assert_true (healer_test_wait_until (healer_test_mapped, widget, 30000));
  g_assert_true (healer_test_wait_until (healer_test_transitions_done, widget, 30000));
  clock = gtk_widget_get_frame_clock (widget);
  g_assert_nonnull (clock);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (healer_test_after_paint_cb), &painted);
  /* A frame, not a redraw: what is queued is laid out and drawn, and the
   * rest is not drawn again (in software, a whole window costs). */
  gdk_frame_clock_request_phase (clock, GDK_FRAME_CLOCK_PHASE_PAINT);
  g_assert_true (healer_test_wait_until (healer_test_is_true, &painted, 30000));
  g_signal_handler_disconnect (clock, id);
  healer_test_flush ();
}

/* Destroys @window and waits until it is finalized: its pages' workers
 * have ended and let it go, so nothing of this test runs into the next. */
static inline void
healer_test_destroy (GtkWindow *window)
{
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_destroy (window);
  g_assert_true (healer_test_wait_until (healer_test_is_null, &window, 30000));
  healer_test_flush ();
}

typedef struct
{
  GtkWidget *widget;
  int        width;
  int        height;
} HealerTestSize;

static inline gboolean
healer_test_size_changed (gpointer data)
{
  HealerTestSize *before = data;

  return gtk_widget_get_width (before->widget) != before->width ||
         gtk_widget_get_height (before->widget) != before->height;
}

/* Asks for @window to be @width × @height and waits until the window
 * manager has given it its new size (which the window's minimum, and its
 * decorations, may make differ from the one asked for), laid out and drawn. */
static inline void
healer_test_resize (GtkWindow *window,
                    int        width,
                    int        height)
{
  HealerTestSize before = { GTK_WIDGET (window), gtk_widget_get_width (GTK_WIDGET (window)),
                            gtk_widget_get_height (GTK_WIDGET (window)) };
  int old_width, old_height;

  gtk_window_get_default_size (window, &old_width, &old_height);
  gtk_window_set_default_size (window, width, height);
  if (old_width != width || old_height != height)
    g_assert_true (healer_test_wait_until (healer_test_size_changed, &before, 30000));
  healer_test_wait_frame (GTK_WIDGET (window));
}

/* Puts @widget alone in a window of @width × @height (unless it already is
 * a window), shows it, and returns that window. */
static inline GtkWindow *
healer_test_show (GtkWidget *widget,
                  int        width,
                  int        height)
{
  GtkWindow *window;

  if (GTK_IS_WINDOW (widget))
    window = GTK_WINDOW (widget);
  else
    {
      window = GTK_WINDOW (gtk_window_new ());
      gtk_window_set_child (window, widget);
    }
  gtk_window_set_default_size (window, width, height);
  gtk_window_present (window);
  healer_test_wait_frame (GTK_WIDGET (window));
  return window;
}

/* Renders @widget as the user sees it now into a texture, and saves it as
 * NAME.png in G_TEST_BUILDDIR (the build's tests/app folder) so a person
 * can look at it. */
static inline GdkTexture *
healer_test_render (GtkWidget  *widget,
                    const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  GskRenderer *renderer;
  GdkTexture *texture;
  int width, height;

  /* A picture of where the page lands, not of a cross-fade half way, with
   * every change made before the call drawn (the widget's paintable shows
   * nothing while a redraw is pending). */
  healer_test_wait_frame (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  g_assert_cmpint (height, >, 0);

  gdk_paintable_snapshot (paintable, GDK_SNAPSHOT (snapshot), width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);

  renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  texture = gsk_renderer_render_texture (renderer, node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (name != NULL)
    {
      g_autofree char *file = g_strconcat (name, ".png", NULL);
      g_autofree char *path = g_test_build_filename (G_TEST_BUILT, file, NULL);

      g_assert_true (gdk_texture_save_to_png (texture, path));
      g_test_message ("rendered %s", path);
    }
  return texture;
}

/* Pixel (x, y) of @texture as 0xAARRGGBB. */
static inline guint32
healer_test_pixel (GdkTexture *texture,
                   int         x,
                   int         y)
{
  int width = gdk_texture_get_width (texture);
  int height = gdk_texture_get_height (texture);
  g_autofree guchar *data = NULL;
  guint32 pixel;

  g_assert_cmpint (x, >=, 0);
  g_assert_cmpint (y, >=, 0);
  g_assert_cmpint (x, <, width);
  g_assert_cmpint (y, <, height);

  /* gdk_texture_download gives native-endian ARGB32 (Cairo's layout). */
  data = g_malloc ((gsize) width * height * 4);
  gdk_texture_download (texture, data, (gsize) width * 4);
  memcpy (&pixel, data + ((gsize) y * width + x) * 4, 4);
  return pixel;
}

/* The first widget below @root, depth first, for which @match returns
 * TRUE, or NULL: tests find controls the way a user does, by what they
 * show, not through private fields. */
static inline GtkWidget *
healer_test_find_widget (GtkWidget *root,
                         gboolean (*match) (GtkWidget *widget, gconstpointer data),
                         gconstpointer data)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;)
    {
      if (match (child, data))
        return child;
      if (gtk_widget_get_first_child (child) != NULL)
        child = gtk_widget_get_first_child (child);
      else
        {
          while (child != NULL && child != root && gtk_widget_get_next_sibling (child) == NULL)
            child = gtk_widget_get_parent (child);
          if (child == NULL || child == root)
            break;
          child = gtk_widget_get_next_sibling (child);
        }
    }
  return NULL;
}

/* The first widget at or below @root that would keep a plain vertical
 * mouse wheel step from reaching the page around it, or NULL: a widget
 * whose scroll controller takes the step (driven through the controller's
 * signal, as GTK has no public way to make input events), or a scrolled
 * window that cannot scroll up and down yet still watches vertical motion.
 * A scrolled window that does scroll vertically is a page of its own and
 * is not looked into, nor are scrollbars. */
static inline GtkWidget *
healer_test_wheel_stopper (GtkWidget *root)
{
  g_autoptr(GListModel) controllers = NULL;

  /* A scrollbar takes the wheel over itself, as everywhere. */
  if (GTK_IS_SCROLLBAR (root))
    return NULL;
  controllers = gtk_widget_observe_controllers (root);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GtkEventController) c = g_list_model_get_item (controllers, i);
      gboolean handled = FALSE;

      if (!GTK_IS_EVENT_CONTROLLER_SCROLL (c) ||
          !(gtk_event_controller_scroll_get_flags (GTK_EVENT_CONTROLLER_SCROLL (c))
            & GTK_EVENT_CONTROLLER_SCROLL_VERTICAL))
        continue;
      if (GTK_IS_SCROLLED_WINDOW (root))
        {
          GtkPolicyType vpolicy;

          gtk_scrolled_window_get_policy (GTK_SCROLLED_WINDOW (root), NULL, &vpolicy);
          if (vpolicy == GTK_POLICY_NEVER)
            return root;
          return NULL;
        }
      g_signal_emit_by_name (c, "scroll", 0.0, 1.0, &handled);
      if (handled)
        return root;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = healer_test_wheel_stopper (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static inline gboolean
healer_test_match_type (GtkWidget     *widget,
                        gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

/* By widget name (gtk_widget_set_name(), "name" in a template). */
static inline gboolean
healer_test_match_name (GtkWidget     *widget,
                        gconstpointer  name)
{
  return g_strcmp0 (gtk_widget_get_name (widget), name) == 0;
}

static inline gboolean
healer_test_match_tooltip (GtkWidget     *widget,
                           gconstpointer  tooltip)
{
  return g_strcmp0 (gtk_widget_get_tooltip_text (widget), tooltip) == 0;
}

static inline gboolean
healer_test_match_button_label (GtkWidget     *widget,
                                gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}


static inline gboolean
healer_test_has_text_child (GtkWidget *widget)
{
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      if (GTK_IS_LABEL (c) && gtk_label_get_text (GTK_LABEL (c))[0] != '\0')
        return TRUE;
      if (healer_test_has_text_child (c))
        return TRUE;
    }
  return FALSE;
}

static inline gboolean
healer_test_has_accessible_name (GtkWidget *widget)
{
  if (gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
      gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY))
    return TRUE;
  /* Buttons are named by their content, or their tooltip when they show
   * only an icon; a check button by its label. */
  if (GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget))
    return healer_test_has_text_child (widget) || gtk_widget_get_tooltip_text (widget) != NULL;
  /* Rows are named by their titles. */
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget))[0] != '\0';
  return FALSE;
}

static inline gboolean
healer_test_is_control (GtkWidget *widget)
{
  return GTK_IS_BUTTON (widget) || GTK_IS_MENU_BUTTON (widget) || GTK_IS_CHECK_BUTTON (widget) ||
         GTK_IS_SWITCH (widget) || GTK_IS_EDITABLE (widget) || GTK_IS_DROP_DOWN (widget) ||
         GTK_IS_SCALE (widget) || GTK_IS_COLUMN_VIEW (widget) || GTK_IS_LIST_VIEW (widget) ||
         ADW_IS_ENTRY_ROW (widget) || ADW_IS_COMBO_ROW (widget);
}

/* Composite controls whose insides are theirs to name. */
static inline gboolean
healer_test_is_opaque (GtkWidget *widget)
{
  return GTK_IS_EDITABLE (widget) || GTK_IS_DROP_DOWN (widget) || GTK_IS_COLUMN_VIEW (widget) ||
         GTK_IS_LIST_VIEW (widget) || GTK_IS_MENU_BUTTON (widget) || ADW_IS_ENTRY_ROW (widget) ||
         ADW_IS_COMBO_ROW (widget) || ADW_IS_HEADER_BAR (widget) ||
         ADW_IS_VIEW_SWITCHER_BAR (widget) || GTK_IS_BUTTON (widget);
}

static inline void
healer_test_collect_unnamed (GtkWidget *widget,
                 GString   *unnamed)
{
  if (!gtk_widget_get_visible (widget))
    return;
  if (healer_test_is_control (widget) && !healer_test_has_accessible_name (widget))
    {
      GtkWidget *row = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_ROW);

      g_string_append_printf (unnamed, "\n  %s%s%s%s", G_OBJECT_TYPE_NAME (widget),
                              gtk_widget_get_name (widget)[0] ? " " : "", gtk_widget_get_name (widget),
                              row ? " in a row" : "");
      if (row != NULL)
        g_string_append_printf (unnamed, " “%s”", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
      if (GTK_IS_BUTTON (widget) && gtk_button_get_icon_name (GTK_BUTTON (widget)))
        g_string_append_printf (unnamed, " (icon %s)", gtk_button_get_icon_name (GTK_BUTTON (widget)));
    }
  if (healer_test_is_opaque (widget))
    return;
  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    healer_test_collect_unnamed (c, unnamed);
}

/* Fails the test, listing them, when a visible control below @root has no
 * name a screen reader could say. */
static inline void
healer_test_assert_named (GtkWidget *root)
{
  g_autoptr(GString) unnamed = g_string_new (NULL);

  healer_test_collect_unnamed (root, unnamed);
  if (unnamed->len > 0)
    g_error ("controls without an accessible name:%s", unnamed->str);
}

/* Fires @action_name on @widget as a key binding or a menu item would. */
static inline void
healer_test_activate_action (GtkWidget  *widget,
                             const char *action_name)
{
  g_assert_true (gtk_widget_activate_action (widget, action_name, NULL));
}
