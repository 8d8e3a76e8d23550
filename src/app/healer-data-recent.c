/* healer-data-recent.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "healer-data-recent.h"

/* Our own group, so the list holds data files SystemHealer loaded and not
 * every spreadsheet the user opened elsewhere. */
#define RECENT_GROUP "systemhealer-data"

void
healer_data_recent_add (GFile *file)
{
  g_autofree char *uri = NULL;
  const char *groups[] = { RECENT_GROUP, NULL };
  GtkRecentData data = {
    .mime_type = (char *) "text/csv",
    .app_name = (char *) g_get_application_name (),
    .app_exec = (char *) "systemhealer %u",
    .groups = (char **) groups,
  };

  g_return_if_fail (G_IS_FILE (file));

  if (data.app_name == NULL)
    data.app_name = (char *) g_get_prgname ();
  uri = g_file_get_uri (file);
  gtk_recent_manager_add_full (gtk_recent_manager_get_default (), uri, &data);
}

static int
newest_first (gconstpointer a,
              gconstpointer b)
{
  GDateTime *x = gtk_recent_info_get_modified (*(GtkRecentInfo **) a);
  GDateTime *y = gtk_recent_info_get_modified (*(GtkRecentInfo **) b);

  return g_date_time_compare (y, x);
}

static GtkWidget *
make_row (GtkRecentInfo *info)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  gboolean exists = gtk_recent_info_exists (info);
  g_autoptr(GFile) file = g_file_new_for_uri (gtk_recent_info_get_uri (info));
  g_autoptr(GFile) parent = g_file_get_parent (file);
  g_autofree char *where = parent ? g_file_get_parse_name (parent) : NULL;

  /* File and folder names are shown as written, not parsed as markup. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), gtk_recent_info_get_display_name (info));
  if (exists)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), where);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "uri",
                              g_strdup (gtk_recent_info_get_uri (info)), g_free);
      icon = gtk_image_new_from_icon_name ("go-next-symbolic");
      gtk_widget_set_tooltip_text (row, _("Load this file again"));
    }
  else
    {
      /* Kept in the list, but plainly not there: the user knows why the
       * file they expect cannot be opened. */
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("File not found: moved or deleted"));
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_widget_add_css_class (row, "dim-label");
      icon = gtk_image_new_from_icon_name ("dialog-warning-symbolic");
    }
  adw_action_row_add_prefix (ADW_ACTION_ROW (row),
                             gtk_image_new_from_icon_name ("x-office-spreadsheet-symbolic"));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), icon);
  return row;
}

guint
healer_data_recent_fill (GtkListBox *list,
                         guint       max)
{
  GList *items = gtk_recent_manager_get_items (gtk_recent_manager_get_default ());
  g_autoptr(GPtrArray) ours = g_ptr_array_new ();
  GtkWidget *child;
  guint n;

  g_return_val_if_fail (GTK_IS_LIST_BOX (list), 0);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);

  for (GList *l = items; l != NULL; l = l->next)
    if (gtk_recent_info_has_group (l->data, RECENT_GROUP))
      g_ptr_array_add (ours, l->data);
  g_ptr_array_sort (ours, newest_first);

  n = MIN (ours->len, max);
  for (guint i = 0; i < n; i++)
    gtk_list_box_append (list, make_row (g_ptr_array_index (ours, i)));

  g_list_free_full (items, (GDestroyNotify) gtk_recent_info_unref);
  return n;
}
