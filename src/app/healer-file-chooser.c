/* healer-file-chooser.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-file-chooser.h"

GtkFileChooserNative *
healer_file_chooser_new (GtkWidget            *widget,
                         GtkFileChooserAction  action,
                         const char           *title,
                         const char           *accept_label,
                         const char           *filter_name,
                         const char * const   *suffixes,
                         const char * const   *mime_types)
{
  GtkRoot *root;
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();

  g_return_val_if_fail (GTK_IS_WIDGET (widget), NULL);
  g_return_val_if_fail (title != NULL && accept_label != NULL && filter_name != NULL, NULL);

  root = gtk_widget_get_root (widget);
  native = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        action, accept_label, _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  gtk_file_filter_set_name (filter, filter_name);
  for (guint i = 0; suffixes != NULL && suffixes[i] != NULL; i++)
    gtk_file_filter_add_suffix (filter, suffixes[i]);
  for (guint i = 0; mime_types != NULL && mime_types[i] != NULL; i++)
    gtk_file_filter_add_mime_type (filter, mime_types[i]);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);

  /* A file with another name may still be the right one to open. */
  if (action == GTK_FILE_CHOOSER_ACTION_OPEN)
    {
      g_autoptr(GtkFileFilter) all = gtk_file_filter_new ();

      gtk_file_filter_set_name (all, _("All files"));
      gtk_file_filter_add_pattern (all, "*");
      gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), all);
      gtk_file_chooser_set_filter (GTK_FILE_CHOOSER (native), filter);
    }
  return native;
}
