/* healer-combo-rows.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "healer-combo-rows.h"

/* Wide enough for any choice of ours on one line in a wide window. */
#define POPUP_MAX_CHARS 36

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *item,
          gpointer                  popup)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (GPOINTER_TO_INT (popup))
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_max_width_chars (GTK_LABEL (label), POPUP_MAX_CHARS);
      gtk_widget_set_hexpand (label, TRUE);
      gtk_box_append (GTK_BOX (box), label);
      /* The mark of the choice made, as libadwaita's own popup has it. */
      gtk_box_append (GTK_BOX (box), gtk_image_new_from_icon_name ("object-select-symbolic"));
      gtk_list_item_set_child (item, box);
    }
  else
    gtk_list_item_set_child (item, label);
}

static void
selected_item_cb (AdwComboRow *row,
                  GParamSpec  *pspec,
                  GtkListItem *item)
{
  GtkWidget *mark = gtk_widget_get_last_child (gtk_list_item_get_child (item));

  gtk_widget_set_opacity (mark, adw_combo_row_get_selected_item (row) == gtk_list_item_get_item (item));
}

static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *item,
         gpointer                  popup)
{
  gpointer string = gtk_list_item_get_item (item);
  GtkWidget *child = gtk_list_item_get_child (item);
  const char *text = GTK_IS_STRING_OBJECT (string) ? gtk_string_object_get_string (string) : NULL;
  GtkWidget *row;

  if (!GPOINTER_TO_INT (popup))
    {
      gtk_label_set_label (GTK_LABEL (child), text);
      return;
    }
  gtk_label_set_label (GTK_LABEL (gtk_widget_get_first_child (child)), text);
  row = gtk_widget_get_ancestor (child, ADW_TYPE_COMBO_ROW);
  if (row != NULL)
    {
      g_object_set_data (G_OBJECT (item), "healer-combo-row", row);
      g_signal_connect (row, "notify::selected-item", G_CALLBACK (selected_item_cb), item);
      selected_item_cb (ADW_COMBO_ROW (row), NULL, item);
    }
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  popup)
{
  GtkWidget *row = g_object_steal_data (G_OBJECT (item), "healer-combo-row");

  if (row != NULL)
    g_signal_handlers_disconnect_by_func (row, selected_item_cb, item);
}

static GtkListItemFactory *
factory_new (gboolean popup)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), GINT_TO_POINTER (popup));
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), GINT_TO_POINTER (popup));
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), GINT_TO_POINTER (popup));
  return factory;
}

static void
give_room (AdwComboRow *row)
{
  GListModel *model = adw_combo_row_get_model (row);
  g_autoptr(GtkListItemFactory) current = NULL;
  g_autoptr(GtkListItemFactory) popup = NULL;

  /* Rows of other items are left alone (GTK 4.8's string list says its
   * items are GObjects). */
  if (!GTK_IS_STRING_LIST (model))
    return;
  current = factory_new (FALSE);
  popup = factory_new (TRUE);
  adw_combo_row_set_factory (row, current);
  adw_combo_row_set_list_factory (row, popup);
}

void
healer_combo_rows_give_room (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (ADW_IS_COMBO_ROW (root))
    give_room (ADW_COMBO_ROW (root));
  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    healer_combo_rows_give_room (child);
}
