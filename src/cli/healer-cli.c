/* healer-cli.c — systemhealer-cli: the engine without a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#ifdef G_OS_WIN32
# include <io.h>
#else
# include <unistd.h>
#endif

#include "healer-cli.h"
#include "healer-locale.h"
#include "healer-log.h"

typedef struct
{
  const char           *name;
  HealerCliCommandFunc  func;
  const char           *summary;
} HealerCliCommand;

static const HealerCliCommand commands[] = {
  { "train",    healer_cli_train,    N_("Train a model on a labelled CSV file") },
  { "predict",  healer_cli_predict,  N_("Diagnose the samples of a CSV file with a model") },
  { "evaluate", healer_cli_evaluate, N_("Measure a model on a labelled CSV file") },
  { "info",     healer_cli_info,     N_("Describe a model file") },
  { "simulate", healer_cli_simulate, N_("Write the built-in demo data set") },
  { "explain",  healer_cli_explain,  N_("Say which KPIs point to each fault, or to one sample's diagnosis") },
  { "cv",       healer_cli_cv,       N_("Cross-validate the training settings on a labelled CSV file") },
  { "project",  healer_cli_project,  N_("Place the samples of a CSV file on a 2-D map (PCA or t-SNE)") },
};

static void
print_main_usage (FILE *out)
{
  fprintf (out, "%s\n  systemhealer-cli %s\n\n%s\n",
           _("Usage:"), _("COMMAND [OPTION…]"), _("Commands:"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out, "\n%s\n%s\n",
           _("Run “systemhealer-cli COMMAND --help” for the options of a command."),
           _("Exit status: 0 on success, 1 on a data, model or file error, 2 on a usage error."));
}

gboolean
healer_cli_stderr_is_terminal (void)
{
#ifdef G_OS_WIN32
  return _isatty (_fileno (stderr));
#else
  return isatty (STDERR_FILENO);
#endif
}

gboolean
healer_cli_parse (const char          *name,
                  const char          *params,
                  const char          *summary,
                  const GOptionEntry  *entries,
                  int                 *argc,
                  char              ***argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = g_strdup_printf ("%s %s", name, params);
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autofree GOptionEntry *described = healer_cli_options_describe (entries, strings);
  g_autoptr(GHashTable) given = healer_cli_options_given (entries, *argc, *argv);

  context = g_option_context_new (title);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context,
    _("Exit status: 0 on success, 1 on a data, model or file error, 2 on a usage error."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, described, GETTEXT_PACKAGE);

  if (!g_option_context_parse (context, argc, argv, &error) ||
      !healer_cli_options_check (entries, given, &error))
    {
      healer_cli_usage_error (name, "%s", error->message);
      return FALSE;
    }

  /* GOption leaves the "--" that ended the options among the arguments;
   * the first one left is that one (a value "--" was consumed). */
  for (int i = 1; i < *argc; i++)
    if (strcmp ((*argv)[i], "--") == 0)
      {
        memmove (*argv + i, *argv + i + 1, (gsize) (*argc - i) * sizeof (char *));
        (*argc)--;
        break;
      }

  return TRUE;
}

int
healer_cli_usage_error (const char *name,
                        const char *format,
                        ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  fprintf (stderr, "systemhealer-cli %s: %s\n", name, message);
  fprintf (stderr, _("Run “systemhealer-cli %s --help” for usage."), name);
  fputc ('\n', stderr);
  return HEALER_EXIT_USAGE;
}

int
healer_cli_fail (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fprintf (stderr, "systemhealer-cli: %s\n", _("Cancelled"));
  else
    fprintf (stderr, "systemhealer-cli: %s\n", error->message);
  /* Settings or data past a bound of the model file: the command was asked
   * for something it cannot write, like any other bad option value. */
  if (g_error_matches (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_LIMIT))
    return HEALER_EXIT_USAGE;
  return HEALER_EXIT_ERROR;
}

void
healer_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = healer_json_to_string (root, TRUE, NULL);

  fputs (text, stdout);
  fputc ('\n', stdout);
  fflush (stdout);
}

void
healer_cli_print_metrics (const HealerMetrics *metrics,
                          const HealerModel   *model)
{
  healer_cli_print_metrics_for_classes (metrics, (const char * const *) model->class_names,
                                        model->class_ids);
}

void
healer_cli_print_metrics_for_classes (const HealerMetrics *metrics,
                                      const char * const  *class_names,
                                      const gint32        *class_ids)
{
  guint k = metrics->n_classes;

  printf ("%-22s %.4f\n", _("Accuracy:"), metrics->accuracy);
  printf ("%-22s %.4f\n", _("Macro-averaged F1:"), metrics->macro_f1);
  printf ("%-22s %.4f\n", _("Weighted-average F1:"), metrics->weighted_f1);
  if (!isnan (metrics->log_loss))
    printf ("%-22s %.4f\n", _("Log-loss:"), metrics->log_loss);
  printf ("%-22s %" G_GSIZE_FORMAT "\n\n", _("Samples:"), metrics->n_samples);

  printf ("%-12s %9s %9s %9s %9s\n", _("Class"), _("Precision"), _("Recall"), _("F1"), _("Support"));
  for (guint c = 0; c < k; c++)
    printf ("%-12s %9.4f %9.4f %9.4f %9" G_GSIZE_FORMAT "\n",
            class_names[c], metrics->precision[c], metrics->recall[c],
            metrics->f1[c], metrics->support[c]);
  printf ("%-12s %9.4f %9.4f %9.4f\n", _("macro avg"),
          metrics->macro_precision, metrics->macro_recall, metrics->macro_f1);
  printf ("%-12s %9.4f %9.4f %9.4f\n\n", _("weighted avg"),
          metrics->weighted_precision, metrics->weighted_recall, metrics->weighted_f1);

  printf ("%s\n%-12s", _("Confusion matrix (rows: true class, columns: predicted class):"), "");
  for (guint c = 0; c < k; c++)
    printf (" %7d", class_ids[c]);
  putchar ('\n');
  for (guint t = 0; t < k; t++)
    {
      printf ("%-12s", class_names[t]);
      for (guint p = 0; p < k; p++)
        printf (" %7" G_GSIZE_FORMAT, metrics->confusion[t * k + p]);
      putchar ('\n');
    }
}

int
main (int    argc,
      char **argv)
{
  const char *name;

  setlocale (LC_ALL, "");
  /* HEALER_LOCALEDIR (see healer_locale_dir) points at another catalogue
   * tree (such as <builddir>/po), so that the tests and translators can run
   * the uninstalled CLI in their language. */
  bindtextdomain (GETTEXT_PACKAGE, healer_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  g_set_prgname ("systemhealer-cli");
  healer_log_init ("systemhealer-cli");

  if (argc < 2)
    {
      print_main_usage (stderr);
      return HEALER_EXIT_USAGE;
    }

  name = argv[1];
  if (strcmp (name, "--help") == 0 || strcmp (name, "-h") == 0 || strcmp (name, "help") == 0)
    {
      print_main_usage (stdout);
      return HEALER_EXIT_OK;
    }
  if (strcmp (name, "--version") == 0)
    {
      printf ("systemhealer-cli %s\n", PACKAGE_VERSION);
      return HEALER_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      {
        /* The command sees itself as argv[0], as GOptionContext expects. */
        return commands[i].func (argc - 1, argv + 1);
      }

  fprintf (stderr, _("systemhealer-cli: unknown command “%s”"), name);
  fputs ("\n\n", stderr);
  print_main_usage (stderr);
  return HEALER_EXIT_USAGE;
}
