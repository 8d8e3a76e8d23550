/* healer-cli.c — systemhealer-cli: the engine without a window
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#ifdef G_OS_WIN32
# include <io.h>
#else
# include <fcntl.h>
# include <unistd.h>
#endif

#include "healer-cli.h"
#include "healer-locale.h"
#include "healer-log.h"
#include "healer-output.h"
#include "healer-text.h"

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
  { "export",   healer_cli_export,   N_("Write a model as an ONNX file for ONNX Runtime and other engines") },
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
  GOptionGroup *group;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = g_strdup_printf ("%s %s", name, params);
  g_autoptr(GPtrArray) strings = g_ptr_array_new_with_free_func (g_free);
  g_autofree GOptionEntry *described = healer_cli_options_describe (entries, strings);
  /* Before GOption, which rearranges @argv. */
  g_autoptr(GHashTable) given = healer_cli_options_given (entries, *argc, *argv, &error);

  context = g_option_context_new (title);
  g_option_context_set_summary (context, summary);
  g_option_context_set_description (context,
    _("Exit status: 0 on success, 1 on a data, model or file error, 2 on a usage error."));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  /* The numeric options are callbacks (healer_cli_options_describe) that
   * find their entry, and the variable it names, in @entries. */
  group = g_option_group_new (NULL, NULL, NULL, (gpointer) entries, NULL);
  g_option_group_add_entries (group, described);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_option_context_set_main_group (context, group);

  if (given == NULL ||
      !g_option_context_parse (context, argc, argv, &error) ||
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

  {
    g_autofree char *safe = healer_text_escape (message, -1, TRUE);

    fprintf (stderr, "systemhealer-cli %s: %s\n", name, safe);
  }
  fprintf (stderr, _("Run “systemhealer-cli %s --help” for usage."), name);
  fputc ('\n', stderr);
  return HEALER_EXIT_USAGE;
}

const char *
healer_cli_safe (const char *text)
{
  /* Escaped once per distinct text, kept for the process: a command prints
   * a bounded set of names, often many times each. */
  static GHashTable *cache;
  char *safe;

  if (text == NULL || healer_text_is_plain (text))
    return text;
  if (cache == NULL)
    cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  safe = g_hash_table_lookup (cache, text);
  if (safe == NULL)
    {
      safe = healer_text_escape (text, -1, FALSE);
      g_hash_table_insert (cache, g_strdup (text), safe);
    }
  return safe;
}

int
healer_cli_fail (const GError *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    fprintf (stderr, "systemhealer-cli: %s\n", _("Cancelled"));
  else
    {
      /* Messages quote names from the files. */
      g_autofree char *message = healer_text_escape (error->message, -1, TRUE);

      fprintf (stderr, "systemhealer-cli: %s\n", message);
    }
  /* Settings past a bound of the model file: the command was asked for
   * something it cannot write, like any other bad option value. Data past
   * one (too many classes, columns, rows) is a data error like the others. */
  if (g_error_matches (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_LIMIT))
    return HEALER_EXIT_USAGE;
  return HEALER_EXIT_ERROR;
}

/* Where @path leads, when it is a regular file: the same device and inode
 * is the same file, whatever the names. "-" is @std_fd, standard input (0)
 * or output (1). */
static gboolean
regular_file_id (const char *path,
                 int         std_fd,
                 GStatBuf   *st)
{
  if (strcmp (path, "-") == 0)
    {
#ifdef G_OS_UNIX
      struct stat fst;

      if (fstat (std_fd, &fst) != 0 || !S_ISREG (fst.st_mode))
        return FALSE;
      st->st_dev = fst.st_dev;
      st->st_ino = fst.st_ino;
      st->st_mode = fst.st_mode;
      return TRUE;
#else
      return FALSE;
#endif
    }
  return g_stat (path, st) == 0 && S_ISREG (st->st_mode);
}

static gboolean
same_file (const char *a,
           int         a_fd,
           const char *b,
           int         b_fd)
{
  GStatBuf sa, sb;

  if (regular_file_id (a, a_fd, &sa) && regular_file_id (b, b_fd, &sb))
    {
      if (sa.st_ino != 0 || sb.st_ino != 0)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
      /* Windows' stat() has no inode numbers; GIO's file id (volume
       * serial and file index there) says the same. */
      {
        g_autoptr(GFile) fa = g_file_new_for_path (a);
        g_autoptr(GFile) fb = g_file_new_for_path (b);
        g_autoptr(GFileInfo) ia = g_file_query_info (fa, G_FILE_ATTRIBUTE_ID_FILE,
                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
        g_autoptr(GFileInfo) ib = g_file_query_info (fb, G_FILE_ATTRIBUTE_ID_FILE,
                                                     G_FILE_QUERY_INFO_NONE, NULL, NULL);
        const char *ida = ia != NULL ? g_file_info_get_attribute_string (ia, G_FILE_ATTRIBUTE_ID_FILE) : NULL;
        const char *idb = ib != NULL ? g_file_info_get_attribute_string (ib, G_FILE_ATTRIBUTE_ID_FILE) : NULL;

        if (ida != NULL && idb != NULL)
          return strcmp (ida, idb) == 0;
      }
    }
  if (strcmp (a, "-") == 0 || strcmp (b, "-") == 0)
    return FALSE;
  /* A device or a FIFO is written in place and destroys nothing: both
   * outputs may go to /dev/null. */
  if ((g_stat (a, &sa) == 0 && !S_ISREG (sa.st_mode)) ||
      (g_stat (b, &sb) == 0 && !S_ISREG (sb.st_mode)))
    return FALSE;
  {
    g_autofree char *ca = g_canonicalize_filename (a, NULL);
    g_autofree char *cb = g_canonicalize_filename (b, NULL);

    return strcmp (ca, cb) == 0;
  }
}

gboolean
healer_cli_is_stdout (const char *path)
{
  if (strcmp (path, "-") == 0)
    return TRUE;
#ifdef G_OS_UNIX
  {
    struct stat out, st, null;

    if (fstat (STDOUT_FILENO, &out) != 0 || stat (path, &st) != 0 ||
        out.st_dev != st.st_dev || out.st_ino != st.st_ino)
      return FALSE;
    /* Two documents sent to the null device are both discarded: nothing
     * mixes (and a closed standard output is held by it, see
     * hold_standard_descriptors). */
    if (S_ISCHR (st.st_mode) && stat ("/dev/null", &null) == 0 && null.st_rdev == st.st_rdev)
      return FALSE;
    return TRUE;
  }
#else
  /* No inode numbers to compare: only "-" is known to be it. */
  return FALSE;
#endif
}

int
healer_cli_check_files (const char            *name,
                        const char * const    *inputs,
                        const HealerCliOutput *outputs,
                        const char            *stdout_use)
{
  static const HealerCliOutput none[] = { { NULL, NULL, NULL } };
  /* What standard output already receives: two documents there, one after
   * the other, make one that no reader takes for either. */
  const char *on_stdout = stdout_use;

  if (outputs == NULL)
    outputs = none;

  /* An empty name is no file: "could not open the file: Operation not
   * supported" said nothing of the kind. */
  for (guint i = 0; inputs != NULL && inputs[i] != NULL; i++)
    if (inputs[i][0] == '\0')
      return healer_cli_usage_error (name, _("an input file name is empty; name a file, or "
                                             "“-” for standard input"));
  for (guint o = 0; outputs[o].option != NULL; o++)
    if (outputs[o].path != NULL && outputs[o].path[0] == '\0')
      return healer_cli_usage_error (name, _("%s has an empty file name; name a file, or “-” "
                                             "for standard output"), outputs[o].option);

  for (guint o = 0; outputs[o].option != NULL; o++)
    {
      const char *out = outputs[o].path;

      if (out == NULL)
        continue;
      for (guint i = 0; inputs != NULL && inputs[i] != NULL; i++)
        if (same_file (out, 1, inputs[i], 0) &&
            strcmp (out, "-") != 0)
          {
            g_autofree char *o_display = g_filename_display_name (out);
            g_autofree char *i_display = strcmp (inputs[i], "-") == 0
                                         ? g_strdup (_("standard input"))
                                         : g_filename_display_name (inputs[i]);

            return healer_cli_usage_error (name, _("%s “%s” is the input “%s”: writing it "
                                                   "would destroy what the command reads"),
                                           outputs[o].option, o_display, i_display);
          }
      if (healer_cli_is_stdout (out))
        {
          if (on_stdout != NULL)
            {
              g_autofree char *o_display = g_filename_display_name (out);

              return healer_cli_usage_error (name, _("%s “%s” is standard output, which already "
                                                     "receives %s; use a file for one of them"),
                                             outputs[o].option, o_display, on_stdout);
            }
          on_stdout = _(outputs[o].what);
        }
      for (guint p = 0; p < o; p++)
        if (outputs[p].path != NULL && strcmp (outputs[p].path, "-") != 0 &&
            strcmp (out, "-") != 0 &&
            same_file (out, 1, outputs[p].path, 1))
          return healer_cli_usage_error (name, _("%s and %s must be different files"),
                                         outputs[p].option, outputs[o].option);
    }

  /* `predict m.json in.csv >> in.csv` would read its own results. */
  for (guint i = 0; inputs != NULL && inputs[i] != NULL; i++)
    if (strcmp (inputs[i], "-") != 0 &&
        same_file ("-", 1, inputs[i], 0))
      {
        g_autofree char *i_display = g_filename_display_name (inputs[i]);

        return healer_cli_usage_error (name, _("%s is the input “%s”: writing it would "
                                               "destroy what the command reads"),
                                       _("Standard output"), i_display);
      }
  return HEALER_EXIT_OK;
}

void
healer_cli_print_json (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = healer_json_to_string (root, TRUE, NULL);

  /* Flushed, and checked, when the command ends (finish_stdout). */
  fputs (text, stdout);
  fputc ('\n', stdout);
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
  /* Every figure is printed: a log-loss without probabilities says so. */
  if (isfinite (metrics->log_loss))
    printf ("%-22s %.4f\n", _("Log-loss:"), metrics->log_loss);
  else
    printf ("%-22s %s\n", _("Log-loss:"), _("not available (no probabilities)"));
  printf ("%-22s %" G_GSIZE_FORMAT "\n\n", _("Samples:"), metrics->n_samples);

  printf ("%-12s %9s %9s %9s %9s\n", _("Class"), _("Precision"), _("Recall"), _("F1"), _("Support"));
  for (guint c = 0; c < k; c++)
    printf ("%-12s %9.4f %9.4f %9.4f %9" G_GSIZE_FORMAT "\n",
            healer_cli_safe (class_names[c]), metrics->precision[c], metrics->recall[c],
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
      printf ("%-12s", healer_cli_safe (class_names[t]));
      for (guint p = 0; p < k; p++)
        printf (" %7" G_GSIZE_FORMAT, metrics->confusion[t * k + p]);
      putchar ('\n');
    }
}

void
healer_cli_print_estimate (const HealerModel *model)
{
  const HealerEstimate *e = model->estimate;

  if (e == NULL)
    {
      printf ("%s\n", _("Estimate: none (trained without cross-fitting, or saved by an older "
                         "version); the figures below are on the training rows"));
      return;
    }
  printf (_("Estimate from %u-fold cross-fitting (every row predicted by a model that did not "
            "see it):\n"), e->n_folds);
  printf ("  %-26s %.4f\n", _("Accuracy:"), e->accuracy);
  printf ("  %-26s %.4f\n", _("Macro-averaged F1:"), e->macro_f1);
  printf ("  %-26s %.4f\n", _("Log-loss:"), e->log_loss);
  printf ("  %-26s %.4f\n", _("Calibration error:"), e->calibration_error);
  for (guint c = 0; c < e->n_classes && c < model->n_classes; c++)
    printf ("  %-26s %.4f\n", healer_cli_safe (model->class_names[c]), e->class_f1[c]);
  printf ("  %-26s %.0f %%\n", _("Prediction sets for:"), 100.0 * e->coverage);
  printf ("  %-26s %.4f\n", _("Set coverage:"), e->set_coverage);
  printf ("  %-26s %.3f\n", _("Mean set size:"), e->mean_set_size);
  printf ("  %-26s %.4f\n", _("Flagged uncertain:"), e->flagged_share);
  if (!isnan (e->errors_flagged))
    printf ("  %-26s %.4f\n", _("Wrong diagnoses flagged:"), e->errors_flagged);
}

/* Standard output is a file like any other: a command whose results could
 * not all be written (a full disk, /dev/full, a closed descriptor) has
 * failed, and says why. Every command's output goes through stdio's buffer
 * (made large below, so that the failing write, and its errno, usually
 * happens here); this is the one place it is flushed and checked. */
static gboolean stdout_checked;

static int
finish_stdout (int status)
{
  int saved_errno;

  if (stdout_checked)
    return status;
  stdout_checked = TRUE;

  errno = 0;
  if (fflush (stdout) == 0 && !ferror (stdout))
    return status;
  saved_errno = errno;
#ifdef G_OS_UNIX
  /* The write failed earlier and took its errno along: a descriptor
   * that cannot be written says so itself. */
  if (saved_errno == 0)
    {
      int flags = fcntl (STDOUT_FILENO, F_GETFL);

      saved_errno = flags == -1 || (flags & O_ACCMODE) == O_RDONLY ? EBADF : EIO;
    }
#endif
  if (saved_errno == 0)
    saved_errno = EIO;
  fprintf (stderr, "systemhealer-cli: %s: %s\n", _("Could not write to standard output"),
           g_strerror (saved_errno));
  return status == HEALER_EXIT_OK ? HEALER_EXIT_ERROR : status;
}

/* g_print() (GOption's --help) flushes at once, losing the errno of a
 * failure before finish_stdout() can report it; through stdio's buffer it
 * fails there instead. */
static void
print_to_stdout (const char *text)
{
  fputs (text, stdout);
}

/* For the exits that do not return through main (GOption's --help). */
static void
finish_stdout_at_exit (void)
{
  if (!stdout_checked && finish_stdout (HEALER_EXIT_OK) != HEALER_EXIT_OK)
    _exit (HEALER_EXIT_ERROR);
}

#ifdef G_OS_UNIX
/* A descriptor 0, 1 or 2 the caller closed would be handed to the next file
 * opened (the log file), and the results would go into it. Each is held by
 * /dev/null opened the wrong way round, so that using it fails with EBADF
 * as on a closed descriptor. */
static void
hold_standard_descriptors (void)
{
  for (int fd = 0; fd <= 2; fd++)
    if (fcntl (fd, F_GETFD) == -1 && errno == EBADF)
      {
        int held = open ("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY);

        if (held >= 0 && held != fd)
          {
            dup2 (held, fd);
            close (held);
          }
      }
}
#endif

/* SIGINT and SIGTERM end a command at once with 128 + the signal's number
 * (130, 143), as a shell reports it: the output not committed yet goes
 * with it (on Linux it never had a name; elsewhere its temporary name is
 * deleted here), and the previous file stays as it was. */
static void
on_signal (int signum)
{
  healer_output_remove_temporaries ();
  _exit (128 + signum);
}

static void
catch_signals (void)
{
#ifdef G_OS_UNIX
  struct sigaction action = { 0 };

  action.sa_handler = on_signal;
  sigemptyset (&action.sa_mask);
  sigaction (SIGINT, &action, NULL);
  sigaction (SIGTERM, &action, NULL);
  sigaction (SIGHUP, &action, NULL);
#else
  signal (SIGINT, on_signal);
  signal (SIGTERM, on_signal);
#endif
}

int
main (int    argc,
      char **argv)
{
  const char *name;

#ifdef G_OS_UNIX
  hold_standard_descriptors ();
  /* Results usually fit the buffer, so a failing write happens in
   * finish_stdout(), which can then give its reason. A terminal keeps its
   * line buffering. */
  if (!isatty (STDOUT_FILENO))
    setvbuf (stdout, NULL, _IOFBF, 1024 * 1024);
#endif
  catch_signals ();
  g_set_print_handler (print_to_stdout);
  atexit (finish_stdout_at_exit);

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
      return finish_stdout (HEALER_EXIT_OK);
    }
  if (strcmp (name, "--version") == 0)
    {
      printf ("systemhealer-cli %s\n", PACKAGE_VERSION);
      return finish_stdout (HEALER_EXIT_OK);
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (commands[i].name, name) == 0)
      {
        /* The command sees itself as argv[0], as GOptionContext expects. */
        return finish_stdout (commands[i].func (argc - 1, argv + 1));
      }

  fprintf (stderr, _("systemhealer-cli: unknown command “%s”"), name);
  fputs ("\n\n", stderr);
  print_main_usage (stderr);
  return HEALER_EXIT_USAGE;
}
