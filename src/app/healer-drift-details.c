/* healer-drift-details.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "healer-drift-details.h"

/* Rows beyond these are not made: the list is read, not scrolled through. */
#define DRIFT_DETAILS_MAX 200

typedef struct
{
  GtkListBox     *list;
  GtkEditable    *search;
  GtkCheckButton *used_only;
  GtkWidget      *no_match;
} Details;

static char *
kpi_text (const HealerDriftKpi *k)
{
  g_autofree char *range = g_strdup_printf ("%.4g – %.4g", k->train_min, k->train_max);
  g_autofree char *batch = g_strdup_printf ("%.4g – %.4g", k->batch_min, k->batch_max);
  g_autofree char *values = NULL;

  if (k->n_observed == 0)
    values = g_strdup (_("no value in this file"));
  else
    values = g_strdup_printf (_("%.0f %% of its values outside the training range %s; in this "
                                "file %s, median %.4g (training median %.4g)"),
                              100.0 * k->outside_fraction, range, batch,
                              k->batch_median, k->train_median);
  if (!k->newly_missing)
    return g_steal_pointer (&values);
  /* TRANSLATORS: the first %s is the text about the KPI's values */
  return g_strdup_printf (_("%s; missing in %.0f %% of this file's rows, in %.1f %% of the "
                            "training rows"),
                          values, 100.0 * k->missing_rate, 100.0 * k->train_missing_rate);
}

static gboolean
row_used (GtkListBoxRow *row)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "healer-used"));
}

static gboolean
filter_cb (GtkListBoxRow *row,
           gpointer       data)
{
  Details *details = data;
  const char *search = gtk_editable_get_text (details->search);
  const char *folded = g_object_get_data (G_OBJECT (row), "healer-folded-name");
  g_autofree char *needle = NULL;

  /* The row that says how many were left out stays, whatever the filter. */
  if (folded == NULL)
    return TRUE;

  if (gtk_check_button_get_active (details->used_only) && !row_used (row))
    return FALSE;
  if (search[0] == '\0')
    return TRUE;
  needle = g_utf8_casefold (search, -1);
  return strstr (folded, needle) != NULL;
}

/* A heading over each group: the KPIs the model reads, then the others. */
static void
header_cb (GtkListBoxRow *row,
           GtkListBoxRow *before,
           gpointer       data)
{
  GtkWidget *header;

  if (g_object_get_data (G_OBJECT (row), "healer-folded-name") == NULL ||
      (before != NULL && row_used (before) == row_used (row)))
    {
      gtk_list_box_row_set_header (row, NULL);
      return;
    }
  header = gtk_label_new (row_used (row) ? _("Read by the model") : _("Not read by the model"));
  gtk_label_set_xalign (GTK_LABEL (header), 0);
  gtk_widget_add_css_class (header, "heading");
  gtk_widget_set_margin_top (header, 12);
  gtk_widget_set_margin_bottom (header, 6);
  gtk_widget_set_margin_start (header, 12);
  gtk_list_box_row_set_header (row, header);
}

static void
refilter (Details *details)
{
  guint shown = 0;

  gtk_list_box_invalidate_filter (details->list);
  gtk_list_box_invalidate_headers (details->list);
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (details->list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && g_object_get_data (G_OBJECT (row), "healer-folded-name") != NULL &&
        filter_cb (GTK_LIST_BOX_ROW (row), details))
      shown++;
  gtk_widget_set_visible (details->no_match, shown == 0);
  gtk_widget_set_visible (GTK_WIDGET (details->list), shown > 0);
}

static GtkWidget *
kpi_row (const HealerDriftKpi *kpi)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *tag;
  g_autofree char *text = kpi_text (kpi);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), kpi->name);
  /* Names from a file: no markup in them. */
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  tag = gtk_label_new (kpi->used ? _("Read by the model") : _("Not read by the model"));
  gtk_widget_add_css_class (tag, kpi->used ? "warning" : "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), tag);
  g_object_set_data (G_OBJECT (row), "healer-used", GINT_TO_POINTER (kpi->used));
  g_object_set_data_full (G_OBJECT (row), "healer-folded-name", g_utf8_casefold (kpi->name, -1), g_free);
  return row;
}

GtkWindow *
healer_drift_details_new (GtkWindow               *parent,
                          const HealerDriftReport *report,
                          const char              *summary)
{
  GtkWidget *window, *box, *header, *scrolled, *clamp, *content, *label, *filters, *list, *search,
            *used_only, *no_match;
  GtkEventController *shortcuts;
  Details *details;
  guint shown = 0, drifted = 0;

  g_return_val_if_fail (report != NULL, NULL);

  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("KPIs That Drifted"));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 560);
  shortcuts = gtk_shortcut_controller_new ();
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, shortcuts);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  gtk_box_append (GTK_BOX (box), header);
  scrolled = gtk_scrolled_window_new ();
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  clamp = adw_clamp_new ();
  content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_widget_set_margin_top (content, 12);
  gtk_widget_set_margin_bottom (content, 12);
  gtk_widget_set_margin_start (content, 12);
  gtk_widget_set_margin_end (content, 12);
  if (summary != NULL)
    {
      label = gtk_label_new (summary);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_box_append (GTK_BOX (content), label);
    }

  filters = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  search = gtk_search_entry_new ();
  gtk_widget_set_hexpand (search, TRUE);
  g_object_set (search, "placeholder-text", _("Search KPIs"), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (search), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Search KPIs"), -1);
  gtk_box_append (GTK_BOX (filters), search);
  used_only = gtk_check_button_new_with_mnemonic (_("_Only KPIs the model reads"));
  gtk_box_append (GTK_BOX (filters), used_only);
  gtk_box_append (GTK_BOX (content), filters);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  /* The KPIs the model reads first: drift there can change a diagnosis;
   * elsewhere it cannot. The report is most severe first in each. */
  for (guint pass = 0; pass < 2; pass++)
    for (guint k = 0; k < report->n_kpis && shown < DRIFT_DETAILS_MAX; k++)
      {
        const HealerDriftKpi *kpi = &report->kpis[k];

        if (!healer_drift_kpi_is_drift (kpi) || kpi->used != (pass == 0))
          continue;
        gtk_list_box_append (GTK_LIST_BOX (list), kpi_row (kpi));
        shown++;
      }
  for (guint k = 0; k < report->n_kpis; k++)
    drifted += healer_drift_kpi_is_drift (&report->kpis[k]);
  /* Said, not cut silently: those the model reads come first, so the
   * ones left out are the least severe of the others. */
  if (drifted > shown)
    {
      GtkWidget *more = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "%u more KPI that drifted is not listed",
                                                             "%u more KPIs that drifted are not listed",
                                                             drifted - shown),
                                                drifted - shown);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (more), title);
      gtk_list_box_append (GTK_LIST_BOX (list), more);
    }
  gtk_box_append (GTK_BOX (content), list);
  no_match = adw_status_page_new ();
  adw_status_page_set_icon_name (ADW_STATUS_PAGE (no_match), "system-search-symbolic");
  adw_status_page_set_title (ADW_STATUS_PAGE (no_match), _("No Matching KPI"));
  adw_status_page_set_description (ADW_STATUS_PAGE (no_match),
                                   _("No KPI that drifted matches the search and the choice above."));
  gtk_widget_add_css_class (no_match, "compact");
  gtk_box_append (GTK_BOX (content), no_match);

  adw_clamp_set_child (ADW_CLAMP (clamp), content);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), clamp);
  gtk_box_append (GTK_BOX (box), scrolled);
  adw_window_set_content (ADW_WINDOW (window), box);

  details = g_new0 (Details, 1);
  details->list = GTK_LIST_BOX (list);
  details->search = GTK_EDITABLE (search);
  details->used_only = GTK_CHECK_BUTTON (used_only);
  details->no_match = no_match;
  g_object_set_data_full (G_OBJECT (window), "healer-drift-details", details, g_free);
  gtk_list_box_set_filter_func (GTK_LIST_BOX (list), filter_cb, details, NULL);
  gtk_list_box_set_header_func (GTK_LIST_BOX (list), header_cb, NULL, NULL);
  g_signal_connect_swapped (search, "search-changed", G_CALLBACK (refilter), details);
  g_signal_connect_swapped (used_only, "toggled", G_CALLBACK (refilter), details);
  refilter (details);
  return GTK_WINDOW (window);
}
