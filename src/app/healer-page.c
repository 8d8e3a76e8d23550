/* healer-page.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-page.h"

G_DEFINE_INTERFACE (HealerPage, healer_page, GTK_TYPE_WIDGET)

static void
healer_page_default_init (HealerPageInterface *iface)
{
  g_object_interface_install_property (iface,
    g_param_spec_object ("session", NULL, NULL,
                         HEALER_TYPE_SESSION,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)));
  g_object_interface_install_property (iface,
    g_param_spec_boolean ("busy", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS)));
}

HealerSession *
healer_page_get_session (HealerPage *self)
{
  HealerSession *session = NULL;

  g_return_val_if_fail (HEALER_IS_PAGE (self), NULL);

  g_object_get (self, "session", &session, NULL);
  /* The page holds it: a borrowed pointer, like the pages' own getters. */
  if (session != NULL)
    g_object_unref (session);
  return session;
}

gboolean
healer_page_get_busy (HealerPage *self)
{
  gboolean busy = FALSE;

  g_return_val_if_fail (HEALER_IS_PAGE (self), FALSE);

  g_object_get (self, "busy", &busy, NULL);
  return busy;
}

gboolean
healer_page_cancel (HealerPage *self)
{
  g_return_val_if_fail (HEALER_IS_PAGE (self), FALSE);

  return HEALER_PAGE_GET_IFACE (self)->cancel (self);
}

gboolean
healer_page_toast (GtkWidget  *widget,
                   const char *message)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  return gtk_widget_activate_action (widget, "win.toast", "s", message);
}

gboolean
healer_page_show_error (GtkWidget    *widget,
                        const char   *heading,
                        const GError *error)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (heading != NULL, FALSE);

  return gtk_widget_activate_action (widget, "win.show-error", "(ss)", heading,
                              error != NULL ? error->message : _("Unknown error"));
}

gboolean
healer_page_show_page (GtkWidget  *widget,
                       const char *name)
{
  g_return_val_if_fail (GTK_IS_WIDGET (widget), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return gtk_widget_activate_action (widget, "win.show-page", "s", name);
}

static void
scroll_to_top_after_layout_cb (GtkWidget *view)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (view);
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (view));

  if (clock != NULL)
    g_signal_handlers_disconnect_by_func (clock, scroll_to_top_after_layout_cb, view);
  g_object_set_data (G_OBJECT (view), "healer-scroll-to-top", NULL);
  if (adjustment != NULL)
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_lower (adjustment));
}

static void
scroll_to_top_cb (GtkWidget *view)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (view);

  /* Once the list has laid out its new rows: until then, a scroll position
   * would be looked for among the old ones (GTK warns and ignores it). */
  if (clock == NULL || g_object_get_data (G_OBJECT (view), "healer-scroll-to-top") != NULL)
    return;
  g_object_set_data (G_OBJECT (view), "healer-scroll-to-top", GINT_TO_POINTER (TRUE));
  g_signal_connect_object (clock, "layout", G_CALLBACK (scroll_to_top_after_layout_cb), view,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  gtk_widget_queue_allocate (view);
}

void
healer_page_scroll_to_top_on_change (GtkWidget  *view,
                                     GListModel *model)
{
  g_return_if_fail (GTK_IS_SCROLLABLE (view));
  g_return_if_fail (G_IS_LIST_MODEL (model));

  g_signal_connect_object (model, "items-changed", G_CALLBACK (scroll_to_top_cb), view,
                           G_CONNECT_SWAPPED | G_CONNECT_AFTER);
}
