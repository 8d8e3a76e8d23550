/* healer-data-report.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "healer-bar-chart.h"
#include "healer-data-report.h"
#include "healer-kpi-row.h"
#include "healer-page.h"
#include "healer-wrap-box.h"

struct _HealerDataReport
{
  AdwBin             parent_instance;

  GListStore        *store;
  GtkStringFilter   *filter;
  GtkSortListModel  *sorted;
  GPtrArray         *pending;
  guint              pending_id;

  /* The classes shown, to name them again when the model's names change:
   * counts by label value, and the model's names by label value (NULL
   * entries: the default name). */
  gsize             *class_counts;
  guint              n_classes;
  gsize              n_rows;
  GPtrArray         *class_names;

  /* Template widgets */
  GtkLabel          *title_label;
  GtkLabel          *subtitle_label;
  GtkWidget         *train_button;
  GtkWidget         *unlabelled_box;
  GtkFlowBox        *figures_box;
  GtkWidget         *classes_section;
  GtkGrid           *classes_grid;
  HealerBarChart    *class_chart;
  GtkColumnView     *kpi_view;
  GtkEditable       *search_entry;
  GtkLabel          *kpi_heading;
  GtkLabel          *no_match_label;
};

G_DEFINE_FINAL_TYPE (HealerDataReport, healer_data_report, ADW_TYPE_BIN)

char *
healer_data_format_value (double value)
{
  if (isnan (value))
    return g_strdup ("—");
  /* %g prints -0 for a tiny negative rounded away: nobody wants that. */
  if (value == 0.0)
    value = 0.0;
  return g_strdup_printf ("%.4g", value);
}

static char *
format_percent (double percent)
{
  /* TRANSLATORS: a percentage, e.g. "4.6 %"; keep or drop the space as
   * your language writes percentages. */
  return g_strdup_printf (_("%.1f %%"), percent);
}

/* ------------------------------------------------------------------------ */
/* KPI table                                                                 */

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *item,
            gpointer                  user_data)
{
  HealerKpiField field = GPOINTER_TO_INT (user_data);
  GtkWidget *label = gtk_label_new (NULL);

  if (field == HEALER_KPI_FIELD_NAME)
    {
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
    }
  else
    {
      /* Numbers right-aligned with tabular digits line up by magnitude. */
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
    }
  gtk_list_item_set_child (item, label);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *item,
           gpointer                  user_data)
{
  HealerKpiField field = GPOINTER_TO_INT (user_data);
  HealerKpiRow *row = gtk_list_item_get_item (item);
  GtkLabel *label = GTK_LABEL (gtk_list_item_get_child (item));
  g_autofree char *text = NULL;

  if (field == HEALER_KPI_FIELD_NAME)
    {
      gtk_label_set_text (label, healer_kpi_row_get_name (row));
      return;
    }
  if (field == HEALER_KPI_FIELD_MISSING)
    text = format_percent (healer_kpi_row_get_value (row, field));
  else
    text = healer_data_format_value (healer_kpi_row_get_value (row, field));
  gtk_label_set_text (label, text);
}

static int
row_compare (gconstpointer a,
             gconstpointer b,
             gpointer      user_data)
{
  return healer_kpi_row_compare ((HealerKpiRow *) a, (HealerKpiRow *) b,
                                 GPOINTER_TO_INT (user_data));
}

static void
add_column (HealerDataReport *self,
            HealerKpiField    field,
            const char       *title)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();
  g_autoptr(GtkColumnViewColumn) column = NULL;
  g_autoptr(GtkSorter) sorter = NULL;

  g_signal_connect (factory, "setup", G_CALLBACK (cell_setup), GINT_TO_POINTER (field));
  g_signal_connect (factory, "bind", G_CALLBACK (cell_bind), GINT_TO_POINTER (field));
  column = gtk_column_view_column_new (title, g_object_ref (factory));
  sorter = GTK_SORTER (gtk_custom_sorter_new (row_compare, GINT_TO_POINTER (field), NULL));
  gtk_column_view_column_set_sorter (column, sorter);
  gtk_column_view_column_set_expand (column, field == HEALER_KPI_FIELD_NAME);
  gtk_column_view_column_set_resizable (column, TRUE);
  if (field != HEALER_KPI_FIELD_NAME)
    gtk_column_view_column_set_fixed_width (column, 110);
  gtk_column_view_append_column (self->kpi_view, column);
}

static void
update_no_match (HealerDataReport *self)
{
  guint shown, total;
  g_autofree char *heading = NULL;

  /* The search entry can still report a change while the template is
   * disposed, after the lists have gone. */
  if (self->sorted == NULL || self->store == NULL || self->kpi_heading == NULL)
    return;
  shown = g_list_model_get_n_items (G_LIST_MODEL (self->sorted));
  total = g_list_model_get_n_items (G_LIST_MODEL (self->store));

  if (shown == total)
    /* TRANSLATORS: heading of the table of KPIs, with their number */
    heading = g_strdup_printf (_("KPIs (%u)"), total);
  else
    /* TRANSLATORS: heading of the table of KPIs while searching */
    heading = g_strdup_printf (_("KPIs (%u of %u)"), shown, total);
  gtk_label_set_text (self->kpi_heading, heading);

  if (shown == 0 && total > 0)
    {
      g_autofree char *text =
        g_strdup_printf (_("No KPI name contains “%s”."), gtk_editable_get_text (self->search_entry));

      gtk_label_set_text (self->no_match_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->no_match_label), shown == 0 && total > 0);
}

static void
search_changed_cb (HealerDataReport *self,
                   GtkSearchEntry   *entry)
{
  if (self->filter == NULL)
    return;
  gtk_string_filter_set_search (self->filter, gtk_editable_get_text (GTK_EDITABLE (entry)));
  update_no_match (self);
}

/* The rows go in once the page has its size, so the view creates the
 * few rows it shows and not a cell for every KPI at once (100 ms and more
 * on the main thread for 107 KPIs). */
/* The widest name a KPI column gives room to before it cuts one short. */
#define NAME_COLUMN_MAX 320
/* A cell's padding on both sides, in Adwaita's column views. */
#define CELL_PADDING 24

/* The name column as wide as the longest name (up to NAME_COLUMN_MAX):
 * the names get their room first, and in a narrow window the table
 * scrolls sideways to the numbers rather than cutting the names to
 * "feat…" while the numbers keep their width. Measured on the names, not
 * on the cells the view made, so it does not change as the view scrolls. */
static void
size_name_column (HealerDataReport *self,
                  GPtrArray        *items)
{
  g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (gtk_column_view_get_columns (self->kpi_view), 0);
  g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (GTK_WIDGET (self->kpi_view), NULL);
  int widest = 0;

  for (guint i = 0; i < items->len; i++)
    {
      int width;

      pango_layout_set_text (layout, healer_kpi_row_get_name (items->pdata[i]), -1);
      pango_layout_get_pixel_size (layout, &width, NULL);
      widest = MAX (widest, width);
    }
  gtk_column_view_column_set_fixed_width (column, MIN (widest + CELL_PADDING, NAME_COLUMN_MAX));
}

static gboolean
fill_table_cb (gpointer data)
{
  HealerDataReport *self = data;
  g_autoptr(GPtrArray) items = g_steal_pointer (&self->pending);

  self->pending_id = 0;
  if (items != NULL)
    {
      size_name_column (self, items);
      g_list_store_splice (self->store, 0, g_list_model_get_n_items (G_LIST_MODEL (self->store)),
                           items->pdata, items->len);
    }
  update_no_match (self);
  return G_SOURCE_REMOVE;
}

/* ------------------------------------------------------------------------ */
/* Figures and classes                                                       */

static void
add_figure (HealerDataReport *self,
            const char       *value,
            const char       *caption,
            const char       *detail)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *label;

  gtk_widget_add_css_class (box, "card");
  label = gtk_label_new (value);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-2");
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_box_append (GTK_BOX (box), label);

  label = gtk_label_new (caption);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  /* Wrapped labels ask for their whole text as natural width; a bound
   * lets five figures share a line on a wide window. */
  gtk_label_set_max_width_chars (GTK_LABEL (label), 16);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_set_margin_bottom (label, detail ? 0 : 12);
  gtk_box_append (GTK_BOX (box), label);

  if (detail != NULL)
    {
      label = gtk_label_new (detail);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 16);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_widget_add_css_class (label, "caption");
      gtk_widget_set_margin_start (label, 12);
      gtk_widget_set_margin_end (label, 12);
      gtk_widget_set_margin_bottom (label, 12);
      gtk_box_append (GTK_BOX (box), label);
    }

  gtk_flow_box_append (self->figures_box, box);
  /* The flow box child would take focus for nothing: the labels hold it. */
  gtk_widget_set_focusable (gtk_widget_get_parent (box), FALSE);
}

static void
clear_children (GtkWidget *parent,
                void     (*remove) (gpointer, GtkWidget *))
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (parent)) != NULL)
    remove (parent, child);
}

static void
flow_box_remove (gpointer   box,
                 GtkWidget *child)
{
  gtk_flow_box_remove (GTK_FLOW_BOX (box), child);
}

static void
grid_remove (gpointer   grid,
             GtkWidget *child)
{
  gtk_grid_remove (GTK_GRID (grid), child);
}

/* The exact counts as text, and the same counts as bars beside them to
 * see the balance at a glance. */
static void
show_classes (HealerDataReport *self)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_autofree double *values = g_new0 (double, MAX (self->n_classes, 1));

  clear_children (GTK_WIDGET (self->classes_grid), grid_remove);

  for (guint c = 0; c < self->n_classes; c++)
    {
      /* The model's name for the label, spelled as everywhere else. */
      const char *given = c < self->class_names->len ? g_ptr_array_index (self->class_names, c) : NULL;
      char *name = given != NULL ? g_strdup (given) : healer_class_default_name ((gint32) c);
      g_autofree char *percent = format_percent (100.0 * self->class_counts[c] / MAX (self->n_rows, 1));
      /* TRANSLATORS: samples of one class and their share, e.g. "200 (16.7 %)" */
      g_autofree char *count = g_strdup_printf (_("%zu (%s)"), self->class_counts[c], percent);
      GtkWidget *label = gtk_label_new (name);

      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_grid_attach (self->classes_grid, label, 0, c, 1, 1);
      label = gtk_label_new (count);
      gtk_label_set_xalign (GTK_LABEL (label), 1);
      gtk_widget_add_css_class (label, "numeric");
      gtk_grid_attach (self->classes_grid, label, 1, c, 1, 1);

      g_ptr_array_add (names, name);
      values[c] = (double) self->class_counts[c];
    }
  g_ptr_array_add (names, NULL);
  healer_bar_chart_set_data (self->class_chart, (const char * const *) names->pdata,
                             self->n_classes, NULL, 1, values);
}

void
healer_data_report_set_class_names (HealerDataReport   *self,
                                    const char * const *names,
                                    guint               n_names)
{
  g_return_if_fail (HEALER_IS_DATA_REPORT (self));
  g_return_if_fail (names != NULL || n_names == 0);

  g_ptr_array_set_size (self->class_names, 0);
  for (guint i = 0; i < n_names; i++)
    g_ptr_array_add (self->class_names, g_strdup (names[i]));
  if (self->n_classes > 0)
    show_classes (self);
}

void
healer_data_report_show (HealerDataReport    *self,
                         const HealerDataset *data,
                         const HealerStats   *stats,
                         const char          *title,
                         const char          *subtitle)
{
  g_autofree char *rows = NULL;
  g_autofree char *features = NULL;
  g_autofree char *missing = NULL;
  g_autofree char *missing_detail = NULL;
  g_autofree char *percent = NULL;
  g_autofree char *duplicates = NULL;
  g_autofree char *classes = NULL;
  g_autoptr(GPtrArray) items = NULL;

  g_return_if_fail (HEALER_IS_DATA_REPORT (self));
  g_return_if_fail (data != NULL);
  g_return_if_fail (stats != NULL);

  gtk_label_set_text (self->title_label, title);
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_widget_set_visible (GTK_WIDGET (self->subtitle_label), subtitle != NULL && *subtitle);

  gtk_widget_set_visible (self->unlabelled_box, !stats->has_labels);
  gtk_widget_set_visible (self->train_button, stats->has_labels);
  gtk_widget_set_visible (self->classes_section, stats->has_labels);

  clear_children (GTK_WIDGET (self->figures_box), flow_box_remove);
  rows = g_strdup_printf ("%zu", stats->n_rows);
  add_figure (self, rows, _("Samples (rows)"), NULL);
  features = g_strdup_printf ("%u", stats->n_features);
  add_figure (self, features, _("KPIs (feature columns)"), NULL);
  missing = g_strdup_printf ("%zu", stats->n_missing);
  percent = format_percent (healer_stats_missing_percent (stats));
  /* TRANSLATORS: under the number of missing cells, e.g. "4.6 % of all cells" */
  missing_detail = g_strdup_printf (_("%s of all cells"), percent);
  add_figure (self, missing, _("Missing cells"), missing_detail);
  duplicates = g_strdup_printf ("%zu", stats->n_duplicates);
  add_figure (self, duplicates, _("Duplicate rows"),
              _("Same KPIs and label as an earlier row"));
  if (stats->has_labels)
    {
      classes = g_strdup_printf ("%u", stats->n_classes);
      add_figure (self, classes, _("Fault classes"), NULL);
      g_free (self->class_counts);
      self->class_counts = g_memdup2 (stats->class_counts, stats->n_classes * sizeof (gsize));
      self->n_classes = stats->n_classes;
      self->n_rows = stats->n_rows;
      show_classes (self);
    }
  else
    self->n_classes = 0;

  items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint j = 0; j < stats->n_features; j++)
    {
      const HealerColumnStats *col = &stats->columns[j];

      g_ptr_array_add (items, healer_kpi_row_new (j, data->feature_names[j],
                                                  col->min, col->median, col->max, col->mean,
                                                  healer_stats_column_missing_percent (stats, j)));
    }
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  self->pending = g_steal_pointer (&items);
  if (self->pending_id == 0)
    self->pending_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, fill_table_cb, self, NULL);
}

GListModel *
healer_data_report_get_kpi_model (HealerDataReport *self)
{
  g_return_val_if_fail (HEALER_IS_DATA_REPORT (self), NULL);

  return G_LIST_MODEL (self->sorted);
}

GtkColumnView *
healer_data_report_get_kpi_view (HealerDataReport *self)
{
  g_return_val_if_fail (HEALER_IS_DATA_REPORT (self), NULL);

  return self->kpi_view;
}

GtkEditable *
healer_data_report_get_search (HealerDataReport *self)
{
  g_return_val_if_fail (HEALER_IS_DATA_REPORT (self), NULL);

  return self->search_entry;
}

/* ------------------------------------------------------------------------ */
/* GObject                                                                   */

static void
healer_data_report_dispose (GObject *object)
{
  HealerDataReport *self = (HealerDataReport *)object;

  gtk_widget_dispose_template (GTK_WIDGET (self), HEALER_TYPE_DATA_REPORT);
  g_clear_handle_id (&self->pending_id, g_source_remove);
  g_clear_pointer (&self->pending, g_ptr_array_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->filter);
  g_clear_object (&self->sorted);
  g_clear_pointer (&self->class_counts, g_free);
  g_clear_pointer (&self->class_names, g_ptr_array_unref);

  G_OBJECT_CLASS (healer_data_report_parent_class)->dispose (object);
}

static void
healer_data_report_class_init (HealerDataReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = healer_data_report_dispose;

  g_type_ensure (HEALER_TYPE_BAR_CHART);
  g_type_ensure (HEALER_TYPE_WRAP_BOX);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/systemhealer/SystemHealer/healer-data-report.ui");
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, title_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, train_button);
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, unlabelled_box);
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, figures_box);
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, classes_section);
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, classes_grid);
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, class_chart);
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, kpi_view);
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, search_entry);
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, kpi_heading);
  gtk_widget_class_bind_template_child (widget_class, HealerDataReport, no_match_label);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
}

static void
healer_data_report_init (HealerDataReport *self)
{
  GtkFilterListModel *filtered;
  g_autoptr(GtkNoSelection) selection = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->class_names = g_ptr_array_new_with_free_func (g_free);
  /* Typing anywhere on the report searches the KPIs, as in GNOME's lists. */
  gtk_search_entry_set_key_capture_widget (GTK_SEARCH_ENTRY (self->search_entry), GTK_WIDGET (self));

  add_column (self, HEALER_KPI_FIELD_NAME, _("KPI"));
  add_column (self, HEALER_KPI_FIELD_MIN, _("Min"));
  add_column (self, HEALER_KPI_FIELD_MEDIAN, _("Median"));
  add_column (self, HEALER_KPI_FIELD_MAX, _("Max"));
  add_column (self, HEALER_KPI_FIELD_MEAN, _("Mean"));
  add_column (self, HEALER_KPI_FIELD_MISSING, _("Missing"));

  self->store = g_list_store_new (HEALER_TYPE_KPI_ROW);
  self->filter = gtk_string_filter_new (gtk_property_expression_new (HEALER_TYPE_KPI_ROW, NULL, "name"));
  gtk_string_filter_set_ignore_case (self->filter, TRUE);
  gtk_string_filter_set_match_mode (self->filter, GTK_STRING_FILTER_MATCH_MODE_SUBSTRING);
  filtered = gtk_filter_list_model_new (G_LIST_MODEL (g_object_ref (self->store)),
                                        GTK_FILTER (g_object_ref (self->filter)));
  /* Clicking a header sorts by that column; unsorted is file order. */
  self->sorted = gtk_sort_list_model_new (G_LIST_MODEL (filtered),
                                          g_object_ref (gtk_column_view_get_sorter (self->kpi_view)));
  selection = gtk_no_selection_new (G_LIST_MODEL (g_object_ref (self->sorted)));
  gtk_column_view_set_model (self->kpi_view, GTK_SELECTION_MODEL (selection));
  healer_page_scroll_to_top_on_change (GTK_WIDGET (self->kpi_view), G_LIST_MODEL (self->sorted));
}

GtkWidget *
healer_data_report_new (void)
{
  return g_object_new (HEALER_TYPE_DATA_REPORT, NULL);
}
