/* healer-results-page-export.c — charts and results leaving the page
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "healer-file-chooser.h"
#include "healer-page.h"

#include "healer-chart-save.h"
#include "healer-job.h"
#include "healer-results-page-private.h"

/* The samples behind a cell of the confusion matrix: what an operator
 * looks up next, in another tool, to see what went wrong. */
void
_healer_results_page_cell_activated (HealerResultsPage *self,
                                     guint              true_class,
                                     guint              predicted_class)
{
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autofree char *heading = NULL;
  GtkWidget *dialog, *scroller, *label;
  guint rows, n = 0;

  if (self->results == NULL)
    return;

  rows = healer_results_get_n_rows (self->results);
  for (guint r = 0; r < rows; r++)
    if (healer_results_get_true_class (self->results, r) == (int) true_class &&
        healer_results_get_predicted (self->results, r) == predicted_class)
      {
        if (n++ > 0)
          g_string_append (ids, ", ");
        g_string_append (ids, healer_results_get_sample_id (self->results, r));
      }

  /* Translators: "Labelled class 1, diagnosed as class 2: 14 samples" */
  heading = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                          "Labelled %s, Diagnosed as %s: %u Sample",
                                          "Labelled %s, Diagnosed as %s: %u Samples", n),
                             healer_results_get_class_name (self->results, true_class),
                             healer_results_get_class_name (self->results, predicted_class),
                             n);
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                   heading, n == 0 ? _("No sample is in this cell.") : NULL);
  if (n > 0)
    {
      label = gtk_label_new (ids->str);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_label_set_yalign (GTK_LABEL (label), 0);
      scroller = gtk_scrolled_window_new ();
      gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), label);
      gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller),
                                      GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
      gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 240);
      gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), scroller);
    }
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}


static HealerChartExportable *
visible_chart (HealerResultsPage *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->chart_stack);

  if (g_strcmp0 (name, "pie") == 0)
    return HEALER_CHART_EXPORTABLE (self->pie_chart);
  if (g_strcmp0 (name, "scatter") == 0)
    return HEALER_CHART_EXPORTABLE (self->scatter_chart);
  if (g_strcmp0 (name, "confusion") == 0)
    return HEALER_CHART_EXPORTABLE (self->confusion_chart);
  return HEALER_CHART_EXPORTABLE (self->bar_chart);
}

static void
export_chart_response_cb (GtkNativeDialog   *native,
                          int                response,
                          HealerResultsPage *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *name = NULL;
  g_autofree char *caption = NULL;
  const char *size;
  HealerChartFormat format;
  int width = 1600, height = 1000;

  if (response != GTK_RESPONSE_ACCEPT)
    goto out;

  file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));
  path = g_file_get_path (file);
  name = g_file_get_basename (file);
  size = gtk_file_chooser_get_choice (GTK_FILE_CHOOSER (native), "size");
  if (g_strcmp0 (size, "small") == 0)
    width = 800, height = 500;
  else if (g_strcmp0 (size, "large") == 0)
    width = 3200, height = 2000;

  /* No known extension: PNG, and say so in the name. */
  if (!healer_chart_format_from_filename (name, &format))
    {
      char *with_png = g_strconcat (path, ".png", NULL);

      g_free (path);
      path = with_png;
      format = HEALER_CHART_FORMAT_PNG;
    }

  if (path == NULL)
    g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                         _("Charts can only be exported to local files"));
  caption = _healer_results_page_dup_caption (self);
  if (error != NULL ||
      !healer_chart_save_captioned (visible_chart (self), caption, path, format, width, height, &error))
    {
      healer_page_show_error (GTK_WIDGET (self), _("Could Not Export the Chart"), error);
    }
  else
    {
      g_autofree char *base = g_path_get_basename (path);
      g_autofree char *message = g_strdup_printf (_("Chart exported as “%s”"), base);

      healer_page_toast (GTK_WIDGET (self), message);
    }

out:
  g_object_unref (native);
  g_object_unref (self);
}

static void
export_chart_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  HealerResultsPage *self = HEALER_RESULTS_PAGE (widget);
  GtkFileChooserNative *native;
  const char *size_ids[] = { "small", "medium", "large", NULL };
  const char *size_labels[] = { _("800 × 500"), _("1600 × 1000"), _("3200 × 2000"), NULL };

  native = healer_file_chooser_new (widget, GTK_FILE_CHOOSER_ACTION_SAVE,
                                    _("Export Chart"), _("_Export"), _("PNG, SVG or PDF"),
                                    (const char *[]) { "png", "svg", "pdf", NULL }, NULL);
  gtk_file_chooser_add_choice (GTK_FILE_CHOOSER (native), "size", _("Size in pixels"),
                               size_ids, size_labels);
  gtk_file_chooser_set_choice (GTK_FILE_CHOOSER (native), "size", "medium");
  {
    g_autofree char *name = _healer_results_page_export_name (self, TRUE);

    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  }
  g_signal_connect (native, "response", G_CALLBACK (export_chart_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
copy_chart_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  HealerResultsPage *self = HEALER_RESULTS_PAGE (widget);

  g_autofree char *caption = _healer_results_page_dup_caption (self);

  healer_chart_copy_to_clipboard_captioned (visible_chart (self), caption);
  healer_page_toast (GTK_WIDGET (self), _("Chart copied"));
}


typedef struct
{
  HealerResults *results;
  char          *path;
} SaveCsv;

static void
save_csv_free (SaveCsv *state)
{
  g_clear_object (&state->results);
  g_free (state->path);
  g_free (state);
}

/* No result: success is the absence of an error. */
static gpointer
save_csv_run (HealerJob     *worker,
              gpointer       data,
              GCancellable  *cancellable,
              GError       **error)
{
  SaveCsv *state = data;

  healer_results_save_csv (state->results, state->path, error);
  return NULL;
}

static const HealerJobInfo save_csv_job = {
  .name = "[healer] results CSV export",
  .func = save_csv_run,
  .check_cancellable = TRUE,
};

static void
save_csv_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(HealerResultsPage) self = user_data;
  SaveCsv *state = healer_job_get_data (result);
  g_autoptr(GError) error = NULL;

  healer_job_finish (result, healer_results_page_export_to, &error);
  if (error != NULL)
    healer_page_show_error (GTK_WIDGET (self), _("Could Not Export the Results"), error);
  else
    {
      g_autofree char *base = g_path_get_basename (state->path);
      g_autofree char *message = g_strdup_printf (_("Results exported as “%s”"), base);

      healer_page_toast (GTK_WIDGET (self), message);
    }
}

void
healer_results_page_export_to (HealerResultsPage *self,
                               GFile             *file)
{
  g_autofree char *path = NULL;
  SaveCsv *state;

  g_return_if_fail (HEALER_IS_RESULTS_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  if (self->results == NULL)
    return;

  path = g_file_get_path (file);
  if (path == NULL)
    {
      g_task_report_new_error (NULL, save_csv_done, g_object_ref (self),
                               healer_results_page_export_to,
                               G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               _("Results can only be exported to local files"));
      return;
    }
  state = g_new0 (SaveCsv, 1);
  state->results = g_object_ref (self->results);
  state->path = g_steal_pointer (&path);
  healer_job_run (&save_csv_job, NULL, healer_results_page_export_to,
                  state, (GDestroyNotify) save_csv_free, NULL,
                  NULL, NULL, NULL, save_csv_done, g_object_ref (self));
}

static void
export_response_cb (GtkNativeDialog   *native,
                    int                response,
                    HealerResultsPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      healer_results_page_export_to (self, file);
    }
  g_object_unref (native);
  g_object_unref (self);
}

/* The name an export is offered under: after the diagnosed file, so that
 * the exports of several files never meet under one name and say where
 * they came from — kpi_unlabelled.csv gives kpi_unlabelled-diagnoses.csv
 * and kpi_unlabelled-map.png (the chart shown). Results without a file
 * get a generic name. */
char *
_healer_results_page_export_name (HealerResultsPage *self,
                                  gboolean           chart)
{
  GFile *source = self->results != NULL ? healer_results_get_source (self->results) : NULL;
  g_autofree char *base = source != NULL ? g_file_get_basename (source) : NULL;
  const char *shown = gtk_stack_get_visible_child_name (self->chart_stack);
  char *dot;

  if (base == NULL || base[0] == '\0' || base[0] == '.')
    /* Translators: default file names of exported results and charts; keep
     * the .csv and .png */
    return g_strdup (chart ? _("chart.png") : _("results.csv"));
  dot = strrchr (base, '.');
  if (dot != NULL)
    *dot = '\0';
  if (!chart)
    return g_strconcat (base, "-diagnoses.csv", NULL);
  /* The names of the stack's pages: bar, pie, scatter (the map), confusion. */
  return g_strdup_printf ("%s-%s.png", base,
                          g_strcmp0 (shown, "scatter") == 0 ? "map"
                          : g_strcmp0 (shown, "bar") == 0 ? "bars"
                          : shown != NULL ? shown : "chart");
}

void
healer_results_page_export (HealerResultsPage *self)
{
  GtkFileChooserNative *native;

  g_return_if_fail (HEALER_IS_RESULTS_PAGE (self));

  if (self->results == NULL)
    return;

  native = healer_file_chooser_new (GTK_WIDGET (self), GTK_FILE_CHOOSER_ACTION_SAVE,
                                    _("Export Results"), _("_Export"), _("CSV files"),
                                    (const char *[]) { "csv", NULL },
                                    (const char *[]) { "text/csv", NULL });
  {
    g_autofree char *name = _healer_results_page_export_name (self, FALSE);

    gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);
  }
  g_signal_connect (native, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}


void
_healer_results_page_export_actions_init (GtkWidgetClass *widget_class)
{
  gtk_widget_class_install_action (widget_class, "results.export-chart", NULL, export_chart_action);
  gtk_widget_class_install_action (widget_class, "results.copy-chart", NULL, copy_chart_action);
}
