/* healer-diagnose-common.c — texts and rows the Diagnose page's parts share
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n.h>

#include "healer-diagnose-common.h"
#include "healer-page.h"

char *
healer_diagnose_class_label (const char *name,
                             gint32      id)
{
  if (name == NULL || *name == '\0')
    return healer_class_default_name (id);
  return g_strdup (name);
}

void
healer_diagnose_fill_probabilities (GtkGrid            *grid,
                                    const char * const *labels,
                                    const float        *proba,
                                    guint               n_classes,
                                    guint               best)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (grid))) != NULL)
    gtk_grid_remove (grid, child);

  for (guint c = 0; c < n_classes; c++)
    {
      GtkWidget *name = gtk_label_new (labels[c]);
      GtkWidget *bar = gtk_progress_bar_new ();
      g_autofree char *percent = g_strdup_printf (_("%.1f %%"), 100.0 * proba[c]);
      GtkWidget *value = gtk_label_new (percent);

      gtk_label_set_xalign (GTK_LABEL (name), 0);
      gtk_label_set_ellipsize (GTK_LABEL (name), PANGO_ELLIPSIZE_END);
      gtk_label_set_max_width_chars (GTK_LABEL (name), 24);
      /* Short names whole; long display names keep a readable start. */
      gtk_label_set_width_chars (GTK_LABEL (name), MIN (g_utf8_strlen (labels[c], -1), 12));
      gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (bar), CLAMP (proba[c], 0.0f, 1.0f));
      gtk_widget_set_hexpand (bar, TRUE);
      gtk_widget_set_valign (bar, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (bar, "healer-class-bar");
      gtk_accessible_update_property (GTK_ACCESSIBLE (bar),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, labels[c],
                                      -1);
      gtk_label_set_xalign (GTK_LABEL (value), 1);
      gtk_label_set_width_chars (GTK_LABEL (value), 7);
      gtk_widget_add_css_class (value, "numeric");
      if (c == best)
        {
          gtk_widget_add_css_class (name, "heading");
          gtk_widget_add_css_class (value, "heading");
        }
      else
        gtk_widget_add_css_class (bar, "dim-label");

      gtk_grid_attach (grid, name, 0, c, 1, 1);
      gtk_grid_attach (grid, bar, 1, c, 1, 1);
      gtk_grid_attach (grid, value, 2, c, 1, 1);
    }
}

char *
healer_diagnose_set_text (const char * const *labels,
                          const guint        *set,
                          guint               n)
{
  GString *text = g_string_new (NULL);

  for (guint s = 0; s < n; s++)
    {
      /* TRANSLATORS: between the classes of a prediction set: "class 1 or class 2" */
      if (s > 0)
        g_string_append (text, _(" or "));
      g_string_append (text, labels[set[s]]);
    }
  return g_string_free (text, FALSE);
}

char *
healer_diagnose_uncertainty_text (HealerUncertainty  why,
                                  float              confidence,
                                  double             threshold,
                                  const char        *set_text)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if ((why & HEALER_UNCERTAIN_AMBIGUOUS) && set_text != NULL)
    g_string_append_printf (text,
                            _("Uncertain: it is %s. The model cannot tell which, but on samples "
                              "like the ones it was trained on, the true class is among these "
                              "as often as its coverage promises."),
                            set_text);

  if ((why & HEALER_UNCERTAIN_LOW_CONFIDENCE) && text->len > 0)
    g_string_append_c (text, '\n');
  if (why & HEALER_UNCERTAIN_LOW_CONFIDENCE)
    g_string_append_printf (text,
                            _("Uncertain: the confidence, %.1f %%, is below the model’s threshold "
                              "of %.1f %%."),
                            100.0 * confidence, 100.0 * threshold);
  if (why & HEALER_UNCERTAIN_OUT_OF_RANGE)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text,
                       _("Uncertain: a KPI the model reads lies far outside the values it was "
                         "trained on, where its answer cannot be trusted."));
    }
  if (why & HEALER_UNCERTAIN_MISSING)
    {
      if (text->len > 0)
        g_string_append_c (text, '\n');
      g_string_append (text,
                       _("Uncertain: a KPI the model reads is missing here, while the "
                         "samples it was trained on (almost) always had it; its answer "
                         "rests on a guessed value."));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
healer_diagnose_show_error (GtkWidget    *widget,
                            const char   *heading,
                            const GError *error)
{
  if (!healer_page_show_error (widget, heading, error))
    g_message ("%s: %s", heading, error ? error->message : "");
}
