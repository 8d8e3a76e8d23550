/* test-markup.c — names from files and users are shown as written, never parsed as markup
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libadwaita 1.2 parses the titles and subtitles of its rows, and toast
 * titles, as Pango markup unless told otherwise. A KPI named "read&write"
 * then makes GTK warn (fatal here: G_DEBUG=fatal-warnings) and leaves the
 * row empty; "<b>x</b>" would be shown bold as "x". Every name below holds
 * "&" and "<…>" and must reach the screen exactly as written.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "../healer-test-data.h"
#include "healer-data-recent.h"
#include "healer-diagnose-page.h"
#include "healer-preferences-window.h"
#include "healer-simulate.h"
#include "healer-test-gui.h"
#include "healer-window.h"

#define ODD_CLASS "a&b<c>"
#define ODD_MODEL_FILE "a&b<c> model.json"

/* The KPI names of the model, all odd: KPI j is "k<j>&<b>x</b>". */
static char *
odd_kpi_name (guint j)
{
  return g_strdup_printf ("k%u&<b>x</b>", j);
}

static HealerModel *
odd_model (void)
{
  HealerSimulateConfig c;
  g_autoptr(HealerDataset) train = NULL;
  HealerModel *model;

  healer_simulate_config_init_default (&c);
  c.n_samples = 400;
  c.seed = 3;
  train = healer_simulate (&c);
  for (guint j = 0; j < train->n_features; j++)
    {
      g_free (train->feature_names[j]);
      train->feature_names[j] = odd_kpi_name (j);
    }
  model = healer_test_train_small (train, 16, 10);
  /* A class the user named: fresh from training, nothing shares it yet. */
  g_free (model->class_names[0]);
  model->class_names[0] = g_strdup (ODD_CLASS);
  return model;
}

/* All widgets at or below @root, breadth first. */
static GPtrArray *
all_widgets (GtkWidget *root)
{
  GPtrArray *found = g_ptr_array_new ();

  g_ptr_array_add (found, root);
  for (guint i = 0; i < found->len; i++)
    for (GtkWidget *c = gtk_widget_get_first_child (g_ptr_array_index (found, i));
         c != NULL; c = gtk_widget_get_next_sibling (c))
      g_ptr_array_add (found, c);
  return found;
}

/* Whether a label at or below @root shows @text exactly. */
static gboolean
shows_text (GtkWidget  *root,
            const char *text)
{
  g_autoptr(GPtrArray) widgets = all_widgets (root);

  for (guint i = 0; i < widgets->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (widgets, i);

      if (GTK_IS_LABEL (w) && gtk_widget_get_visible (w) &&
          g_strcmp0 (gtk_label_get_text (GTK_LABEL (w)), text) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The family: no row under @root parses its title or subtitle as markup,
 * and each row whose title or subtitle holds "&" or "<" shows it as
 * written. Returns the number of such rows. */
static guint
check_rows (GtkWidget *root)
{
  g_autoptr(GPtrArray) widgets = all_widgets (root);
  guint n_odd = 0;

  for (guint i = 0; i < widgets->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (widgets, i);
      const char *texts[2] = { NULL, NULL };

      if (!ADW_IS_PREFERENCES_ROW (w))
        continue;
      if (adw_preferences_row_get_use_markup (ADW_PREFERENCES_ROW (w)))
        g_error ("a %s titled “%s” parses its title as markup",
                 G_OBJECT_TYPE_NAME (w), adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w)));
      texts[0] = adw_preferences_row_get_title (ADW_PREFERENCES_ROW (w));
      if (ADW_IS_ACTION_ROW (w))
        texts[1] = adw_action_row_get_subtitle (ADW_ACTION_ROW (w));
      else if (ADW_IS_EXPANDER_ROW (w))
        texts[1] = adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (w));
      else
        continue;  /* an entry row's title is ours, its text is an entry's */
      for (guint t = 0; t < G_N_ELEMENTS (texts); t++)
        if (texts[t] != NULL && strpbrk (texts[t], "&<") != NULL)
          {
            if (!shows_text (w, texts[t]))
              g_error ("a %s does not show “%s” as written", G_OBJECT_TYPE_NAME (w), texts[t]);
            n_odd++;
          }
    }
  return n_odd;
}

static gboolean
sample_done (gpointer data)
{
  return !healer_diagnose_page_get_busy (data)
         && healer_diagnose_page_get_sample_probabilities (data) != NULL;
}

static gboolean
shows_text_cb (gpointer data)
{
  gpointer *args = data;

  return shows_text (args[0], args[1]);
}

static void
test_diagnose (void)
{
  g_autoptr(HealerModel) model = odd_model ();
  g_autoptr(GFile) file = g_file_new_for_path (ODD_MODEL_FILE);
  HealerWindow *window = healer_window_new (NULL);
  HealerDiagnosePage *page;
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *kpi0 = odd_kpi_name (0);
  gpointer args[2];

  /* Saved under an odd name: the model card's title is that name. */
  healer_session_set_model (healer_window_get_session (window), model, file);
  healer_test_show (GTK_WIDGET (window), 1100, 760);
  healer_window_set_visible_page (window, "diagnose");
  healer_test_wait_frame (GTK_WIDGET (window));
  page = HEALER_DIAGNOSE_PAGE (healer_test_find_widget (GTK_WIDGET (window), healer_test_match_type,
                                                        GSIZE_TO_POINTER (HEALER_TYPE_DIAGNOSE_PAGE)));
  g_assert_nonnull (page);

  /* A sample far outside the training data, with one KPI missing: the
   * abnormal and imputed KPIs are listed by name. */
  for (guint j = 0; j < model->preprocessor->n_input; j++)
    g_string_append_printf (text, "%s%s", j > 0 ? "," : "", model->preprocessor->input_names[j]);
  g_string_append_c (text, '\n');
  for (guint j = 0; j < model->preprocessor->n_input; j++)
    g_string_append_printf (text, "%s%s", j > 0 ? "," : "", j == 1 ? "" : "1e9");
  g_string_append_c (text, '\n');
  healer_diagnose_page_diagnose_text (page, text->str);
  g_assert_true (healer_test_wait_until (sample_done, page, 20000));
  healer_test_wait_frame (GTK_WIDGET (window));

  g_assert_true (shows_text (GTK_WIDGET (page), ODD_MODEL_FILE));
  g_assert_true (shows_text (GTK_WIDGET (page), kpi0));
  /* The model card's title, the KPI rows and their subtitles. */
  g_assert_cmpuint (check_rows (GTK_WIDGET (window)), >=, 2);
  healer_test_render (GTK_WIDGET (window), "markup-diagnose");

  /* A toast quoting a name: libadwaita 1.2 parses toast titles. */
  healer_window_toast (window, "Model saved as “" ODD_MODEL_FILE "”");
  args[0] = window;
  args[1] = (gpointer) "Model saved as “" ODD_MODEL_FILE "”";
  g_assert_true (healer_test_wait_until (shows_text_cb, args, 10000));

  healer_session_set_model (healer_window_get_session (window), NULL, NULL);
  healer_test_destroy (GTK_WINDOW (window));
}

static void
test_preferences (void)
{
  g_autoptr(HealerModel) model = odd_model ();
  HealerWindow *window = healer_window_new (NULL);
  HealerPreferencesWindow *prefs;
  g_autoptr(GPtrArray) widgets = NULL;
  gboolean found = FALSE;

  healer_session_set_model (healer_window_get_session (window), model, NULL);
  prefs = healer_preferences_window_new (GTK_WINDOW (window));
  healer_test_show (GTK_WIDGET (prefs), 600, 700);
  healer_test_wait_frame (GTK_WIDGET (prefs));

  check_rows (GTK_WIDGET (prefs));
  widgets = all_widgets (GTK_WIDGET (prefs));
  for (guint i = 0; i < widgets->len; i++)
    if (ADW_IS_ENTRY_ROW (g_ptr_array_index (widgets, i)) &&
        g_strcmp0 (gtk_editable_get_text (g_ptr_array_index (widgets, i)), ODD_CLASS) == 0)
      found = TRUE;
  g_assert_true (found);

  healer_test_destroy (GTK_WINDOW (prefs));
  healer_session_set_model (healer_window_get_session (window), NULL, NULL);
  healer_test_destroy (GTK_WINDOW (window));
}

static gboolean
recent_filled (gpointer list)
{
  return healer_data_recent_fill (list, 10) > 0;
}

static void
test_recent (void)
{
  g_autofree char *dir = g_dir_make_tmp ("healer-markup-XXXXXX", NULL);
  /* "&" and "'" are valid in Windows file names too; "<" is not. */
  g_autofree char *path = g_build_filename (dir, "r&d's data.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  GtkWidget *list = gtk_list_box_new ();
  GtkWidget *window = gtk_window_new ();

  g_assert_true (g_file_set_contents (path, "a,label\n1,0\n", -1, NULL));
  gtk_window_set_child (GTK_WINDOW (window), list);
  healer_data_recent_add (file);
  g_assert_true (healer_test_wait_until (recent_filled, list, 10000));
  healer_test_show (window, 500, 300);
  healer_test_wait_frame (window);

  g_assert_true (shows_text (list, "r&d's data.csv"));
  g_assert_true (shows_text (list, dir));
  g_assert_cmpuint (check_rows (list), >=, 1);

  healer_test_destroy (GTK_WINDOW (window));
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = g_dir_make_tmp ("healer-markup-home-XXXXXX", NULL);
  int ret;

  /* GtkRecentManager writes to the user's data folder: keep the test out
   * of the real one. */
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  healer_test_gui_init (&argc, &argv);

  g_test_add_func ("/markup/diagnose", test_diagnose);
  g_test_add_func ("/markup/preferences", test_preferences);
  g_test_add_func ("/markup/recent", test_recent);

  ret = g_test_run ();
  {
    g_autofree char *xbel = g_build_filename (home, "recently-used.xbel", NULL);

    g_unlink (xbel);
    g_rmdir (home);
  }
  return ret;
}
