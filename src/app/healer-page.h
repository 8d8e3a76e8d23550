/* healer-page.h — what the window knows of a page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "healer-session.h"

G_BEGIN_DECLS

#define HEALER_TYPE_PAGE (healer_page_get_type ())

G_DECLARE_INTERFACE (HealerPage, healer_page, HEALER, PAGE, GtkWidget)

/* A page of the window is a view of the session: it has a "session"
 * property (the session it shows), a read-only "busy" property (TRUE while
 * it runs work of its own: a load, a training, a diagnosis, a layout), and
 * cancel(), which stops that work and returns TRUE when there was some. The
 * window cancels through it and watches "busy"; it does not know the pages'
 * own types for that. Pages do not call the window either: they speak to
 * the user through its actions (healer_page_toast() and the others below),
 * which any widget inside a window can activate. */
struct _HealerPageInterface
{
  GTypeInterface parent_iface;

  gboolean (*cancel) (HealerPage *self);
};

HealerSession *healer_page_get_session (HealerPage *self);
gboolean       healer_page_get_busy    (HealerPage *self);
gboolean       healer_page_cancel      (HealerPage *self);

/* From any widget of a page: a toast ("win.toast"), an error the user must
 * read, with details to select and copy ("win.show-error"), and going to
 * another page by name ("win.show-page"). Outside a window nothing
 * happens and they return FALSE. */
gboolean healer_page_toast      (GtkWidget    *widget,
                                 const char   *message);
gboolean healer_page_show_error (GtkWidget    *widget,
                                 const char   *heading,
                                 const GError *error);
gboolean healer_page_show_page  (GtkWidget    *widget,
                                 const char   *name);

/* A table or list shows its first row whenever the rows of @model (its
 * model, or the sorted or filtered one below it) change: after a sort or a
 * filter, the old scroll position would show some middle of the new order
 * and hide its smallest value above the view. @view is a GtkScrollable
 * (GtkColumnView, GtkListView); it is followed as long as both live. */
void     healer_page_scroll_to_top_on_change (GtkWidget  *view,
                                              GListModel *model);

G_END_DECLS
