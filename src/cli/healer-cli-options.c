/* healer-cli-options.c — the option table: every numeric option's range,
 * the options that contradict each other, and the training options shared
 * by every command that trains
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "healer-cli.h"
#include "healer-cv.h"
#include "healer-json.h"
#include "healer-projection.h"
#include "healer-simulate.h"

/* The range of every numeric option of every command, by long name (a name
 * means the same in each command that has it). healer_cli_parse checks a
 * given value against it and states it in --help, so the message and the
 * check cannot disagree; a numeric option missing here is a bug that
 * healer_cli_parse reports at once. The core validates again (the app has
 * no command line): these bounds are the core's where it has one. */
typedef struct
{
  const char *long_name;
  double      min;
  double      max;            /* INFINITY: only the type's own bound */
  gboolean    min_open;       /* min itself excluded */
  gboolean    max_open;
} HealerCliRange;

static const HealerCliRange healer_cli_ranges[] = {
  /* train, cv */
  { "learning-rate",       0.0, 1e6, TRUE, FALSE },
  { "momentum",            0.0, 1.0, FALSE, TRUE },
  { "batch-size",          1.0, INFINITY, FALSE, FALSE },
  { "epochs",              1.0, HEALER_MODEL_MAX_EPOCHS, FALSE, FALSE },
  { "weight-decay",        0.0, 1e6, FALSE, FALSE },
  { "dropout",             0.0, 1.0, FALSE, TRUE },
  { "input-noise",         0.0, 10.0, FALSE, FALSE },
  { "label-smoothing",     0.0, 1.0, FALSE, TRUE },
  { "validation-fraction", 0.0, 0.9, FALSE, FALSE },
  { "patience",            0.0, INFINITY, FALSE, FALSE },
  { "ensemble",            1.0, HEALER_MAX_ENSEMBLE, FALSE, FALSE },
  { "seed",                0.0, INFINITY, FALSE, FALSE },
  { "select-k",            0.0, HEALER_CSV_MAX_COLUMNS, FALSE, FALSE },
  { "select-ratio",        0.0, 1.0, FALSE, FALSE },
  /* train: cross-fitting (1 fold is refused by train itself); train and predict: sets */
  { "calibration-folds",   0.0, HEALER_CV_MAX_FOLDS, FALSE, FALSE },
  { "coverage",            HEALER_COVERAGE_MIN, HEALER_COVERAGE_MAX, FALSE, FALSE },
  /* cv */
  { "folds",               2.0, HEALER_CV_MAX_FOLDS, FALSE, FALSE },
  { "repeats",             1.0, HEALER_CV_MAX_REPEATS, FALSE, FALSE },
  { "fold-seed",           0.0, INFINITY, FALSE, FALSE },
  /* predict: a chunk's probabilities are allocated up front */
  { "chunk-rows",          1.0, 100000, FALSE, FALSE },
  { "threads",             0.0, 64, FALSE, FALSE },
  /* explain */
  /* 0 was taken, silently, for the default */
  { "top",                 1.0, INFINITY, FALSE, FALSE },
  /* simulate */
  { "samples",             1.0, 100000000, FALSE, FALSE },
  /* a sample_id and a label column besides: what the reader takes */
  { "features",            1.0, HEALER_CSV_MAX_COLUMNS - 2, FALSE, FALSE },
  { "classes",             2.0, 64, FALSE, FALSE },
  { "nodes",               1.0, HEALER_SIMULATE_MAX_NODES, FALSE, FALSE },
  { "missing-rate",        0.0, 1.0, FALSE, TRUE },
  { "noise",               0.0, 1000.0, FALSE, FALSE },
  { "cluster",             0.0, INFINITY, FALSE, FALSE },
  /* project */
  { "perplexity",          1.0, HEALER_TSNE_MAX_PERPLEXITY, FALSE, FALSE },
  { "iterations",          1.0, HEALER_TSNE_MAX_ITERATIONS, FALSE, FALSE },
};

/* Options that cannot be given together, whatever their values. */
static const char * const healer_cli_conflicts[][2] = {
  { "no-select", "select-k" },
  { "no-select", "select-ratio" },
  { "missing-indicators", "no-missing-indicators" },
  { "class-weights", "no-class-weights" },
  { "drop-duplicates", "keep-duplicates" },
};

static gboolean
healer_cli_is_numeric (const GOptionEntry *entry)
{
  return entry->arg == G_OPTION_ARG_INT || entry->arg == G_OPTION_ARG_INT64 ||
         entry->arg == G_OPTION_ARG_DOUBLE;
}

static const HealerCliRange *
healer_cli_range_lookup (const GOptionEntry *entry)
{
  for (guint i = 0; i < G_N_ELEMENTS (healer_cli_ranges); i++)
    if (strcmp (healer_cli_ranges[i].long_name, entry->long_name) == 0)
      return &healer_cli_ranges[i];
  g_error ("option --%s has no range in healer-cli-options.c", entry->long_name);
  return NULL;
}

/* "0 ≤ P < 1", "N ≥ 1", "RATE > 0": the bounds in the option's own
 * placeholder, the same text in --help and in the message. */
static char *
healer_cli_range_text (const GOptionEntry   *entry,
                       const HealerCliRange *range)
{
  const char *name = entry->arg_description != NULL ? _(entry->arg_description) : "N";
  char lo[G_ASCII_DTOSTR_BUF_SIZE], hi[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (lo, sizeof lo, "%.15g", range->min);
  g_ascii_formatd (hi, sizeof hi, "%.15g", range->max);
  if (isinf (range->max))
    return g_strdup_printf ("%s %s %s", name, range->min_open ? ">" : "≥", lo);
  return g_strdup_printf ("%s %s %s %s %s", lo, range->min_open ? "<" : "≤", name,
                          range->max_open ? "<" : "≤", hi);
}

static const GOptionEntry *
healer_cli_find_short (const GOptionEntry *entries,
                       char                short_name)
{
  for (gsize i = 0; entries[i].long_name != NULL; i++)
    if (entries[i].short_name == short_name)
      return &entries[i];
  return NULL;
}

static const GOptionEntry *
healer_cli_find_long (const GOptionEntry *entries,
                      const char         *name,
                      gsize               len)
{
  for (gsize i = 0; entries[i].long_name != NULL; i++)
    if (strlen (entries[i].long_name) == len && strncmp (entries[i].long_name, name, len) == 0)
      return &entries[i];
  return NULL;
}

/* "1", "+010", "-3" and, with @fraction, "0.25", ".5", "1e-3": digits in
 * base ten, nothing around them. */
static gboolean
healer_cli_is_decimal (const char *text,
                       gboolean    fraction)
{
  const char *p = text;
  gboolean digits = FALSE;

  if (*p == '+' || *p == '-')
    p++;
  for (; g_ascii_isdigit (*p); p++)
    digits = TRUE;
  if (fraction && *p == '.')
    for (p++; g_ascii_isdigit (*p); p++)
      digits = TRUE;
  if (!digits)
    return FALSE;
  if (fraction && (*p == 'e' || *p == 'E'))
    {
      p++;
      if (*p == '+' || *p == '-')
        p++;
      if (!g_ascii_isdigit (*p))
        return FALSE;
      while (g_ascii_isdigit (*p))
        p++;
    }
  return *p == '\0';
}

/* @text, a decimal number past what the option's type holds: out of the
 * option's range when that has an upper bound, too large for any value
 * otherwise. */
static gboolean
healer_cli_number_too_large (const GOptionEntry *e,
                             const char         *text,
                             const char         *most,
                             GError            **error)
{
  const HealerCliRange *range = healer_cli_range_lookup (e);

  if (text[0] == '-' || !isinf (range->max))
    {
      g_autofree char *expected = healer_cli_range_text (e, range);

      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("--%s %s is out of range; expected %s"), e->long_name, text, expected);
    }
  else
    g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                 _("--%s %s is too large; the most is %s"), e->long_name, text, most);
  return FALSE;
}

/* GOption reads an integer with strtol (…, 0), in which "010" is 8, "08"
 * no number and "0x10" 16, and a double with strtod, which also takes
 * "0x1p3", "inf", "nan" and leading blanks. Every numeric option is read
 * here instead (healer_cli_options_describe makes it a callback): in
 * decimal only, leading zeros and all, into the variable the command's
 * entry names. The range is checked once every option is read. */
static gboolean
healer_cli_parse_number (const char  *option_name,
                         const char  *value,
                         gpointer     data,
                         GError     **error)
{
  const GOptionEntry *entries = data;
  const GOptionEntry *e;

  /* GOption names the option as given: "--seed" or "-n". */
  if (g_str_has_prefix (option_name, "--"))
    e = healer_cli_find_long (entries, option_name + 2, strlen (option_name + 2));
  else
    e = healer_cli_find_short (entries, option_name[1]);
  g_return_val_if_fail (e != NULL && healer_cli_is_numeric (e), FALSE);

  if (e->arg == G_OPTION_ARG_DOUBLE)
    {
      double v;

      if (!healer_cli_is_decimal (value, TRUE))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--%s “%s” is not a number in decimal (such as 0.5 or 1e-3)"),
                       e->long_name, value);
          return FALSE;
        }
      v = g_ascii_strtod (value, NULL);
      if (!isfinite (v))
        {
          char most[G_ASCII_DTOSTR_BUF_SIZE];

          healer_format_double_shortest (most, G_MAXDOUBLE);
          return healer_cli_number_too_large (e, value, most, error);
        }
      *(double *) e->arg_data = v;
    }
  else
    {
      gint64 v;
      gint64 most = e->arg == G_OPTION_ARG_INT ? G_MAXINT : G_MAXINT64;
      gint64 least = e->arg == G_OPTION_ARG_INT ? G_MININT : G_MININT64;

      if (!healer_cli_is_decimal (value, FALSE))
        {
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--%s “%s” is not a whole number in decimal"), e->long_name, value);
          return FALSE;
        }
      errno = 0;
      v = g_ascii_strtoll (value, NULL, 10);
      if (errno == ERANGE || v > most || v < least)
        {
          g_autofree char *shown = g_strdup_printf ("%" G_GINT64_FORMAT, most);

          return healer_cli_number_too_large (e, value, shown, error);
        }
      if (e->arg == G_OPTION_ARG_INT)
        *(gint *) e->arg_data = (gint) v;
      else
        *(gint64 *) e->arg_data = v;
    }
  return TRUE;
}

GOptionEntry *
healer_cli_options_describe (const GOptionEntry *entries,
                             GPtrArray          *strings)
{
  gsize n = 0;
  GOptionEntry *copy;

  while (entries[n].long_name != NULL)
    n++;
  copy = g_new0 (GOptionEntry, n + 1);
  memcpy (copy, entries, n * sizeof (GOptionEntry));
  for (gsize i = 0; i < n; i++)
    if (healer_cli_is_numeric (&copy[i]))
      {
        g_autofree char *range = healer_cli_range_text (&copy[i], healer_cli_range_lookup (&copy[i]));
        /* Translated here: GOption translates it again, which finds no
         * message and leaves it as it is. */
        char *text = g_strdup_printf (_("%s [%s]"), _(copy[i].description), range);

        g_ptr_array_add (strings, text);
        copy[i].description = text;
        copy[i].arg = G_OPTION_ARG_CALLBACK;
        copy[i].arg_data = (gpointer) healer_cli_parse_number;
      }
  return copy;
}

GHashTable *
healer_cli_options_given (const GOptionEntry *entries,
                          int                 argc,
                          char              **argv,
                          GError            **error)
{
  g_autoptr(GHashTable) given = g_hash_table_new (g_str_hash, g_str_equal);

  /* The same walk as GOption's (which says nothing of what it saw): long
   * options with "=VALUE" or the next argument, clusters of short ones. */
  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];

      if (strcmp (arg, "--") == 0)
        break;
      if (g_str_has_prefix (arg, "--"))
        {
          const char *eq = strchr (arg + 2, '=');
          const GOptionEntry *e = healer_cli_find_long (entries, arg + 2,
                                                        eq != NULL ? (gsize) (eq - arg - 2)
                                                                   : strlen (arg + 2));

          if (e == NULL)
            continue;
          /* GOption hands "--json=false" to a switch, which ignores the
           * value and turns on: the opposite of what was asked. */
          if (eq != NULL && e->arg == G_OPTION_ARG_NONE)
            {
              g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--%s takes no value, but was given “%s”; give --%s alone"),
                           e->long_name, eq + 1, e->long_name);
              return NULL;
            }
          g_hash_table_add (given, (gpointer) e->long_name);
          if (eq == NULL && e->arg != G_OPTION_ARG_NONE)
            i++;
        }
      else if (arg[0] == '-' && arg[1] != '\0')
        {
          for (const char *c = arg + 1; *c != '\0'; c++)
            {
              const GOptionEntry *e = healer_cli_find_short (entries, *c);

              if (e == NULL)
                break;
              g_hash_table_add (given, (gpointer) e->long_name);
              if (e->arg != G_OPTION_ARG_NONE)
                {
                  if (c[1] == '\0')
                    i++;
                  break;
                }
            }
        }
    }
  return g_steal_pointer (&given);
}

gboolean
healer_cli_options_check (const GOptionEntry *entries,
                          GHashTable         *given,
                          GError            **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (healer_cli_conflicts); i++)
    if (g_hash_table_contains (given, healer_cli_conflicts[i][0]) &&
        g_hash_table_contains (given, healer_cli_conflicts[i][1]))
      {
        g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                     _("--%s and --%s contradict each other; give one of them"),
                     healer_cli_conflicts[i][0], healer_cli_conflicts[i][1]);
        return FALSE;
      }

  for (gsize i = 0; entries[i].long_name != NULL; i++)
    {
      const GOptionEntry *e = &entries[i];
      const HealerCliRange *range;
      char shown[G_ASCII_DTOSTR_BUF_SIZE];
      double v;

      if (!healer_cli_is_numeric (e))
        continue;
      range = healer_cli_range_lookup (e);
      /* Defaults may be "not given" markers outside the range. */
      if (!g_hash_table_contains (given, e->long_name))
        continue;
      if (e->arg == G_OPTION_ARG_INT)
        v = *(gint *) e->arg_data;
      else if (e->arg == G_OPTION_ARG_INT64)
        v = (double) *(gint64 *) e->arg_data;
      else
        v = *(double *) e->arg_data;
      if (isnan (v) || v < range->min || v > range->max ||
          (range->min_open && v == range->min) || (range->max_open && v == range->max))
        {
          g_autofree char *text = healer_cli_range_text (e, range);

          if (e->arg == G_OPTION_ARG_INT64)
            g_snprintf (shown, sizeof shown, "%" G_GINT64_FORMAT, *(gint64 *) e->arg_data);
          else
            healer_format_double_shortest (shown, v);
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--%s %s is out of range; expected %s"), e->long_name, shown, text);
          return FALSE;
        }
    }
  return TRUE;
}

void
healer_cli_train_options_init (HealerCliTrainOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  healer_train_config_init_default (&opts->config);
  /* GOption has no unsigned integers: parse into ints, check the sign after. */
  opts->batch_size = opts->config.batch_size;
  opts->epochs = opts->config.epochs;
  opts->patience = opts->config.patience;
  opts->ensemble = opts->config.ensemble;
  opts->seed = opts->config.seed;
  opts->select_k = opts->config.preprocess.select_k;
  opts->select_ratio = opts->config.preprocess.select_min_ratio;
}

void
healer_cli_train_options_clear (HealerCliTrainOptions *opts)
{
  g_clear_pointer (&opts->hidden, g_free);
  g_clear_pointer (&opts->activation, g_free);
  g_clear_pointer (&opts->optimizer, g_free);
  g_clear_pointer (&opts->lr_schedule, g_free);
  g_clear_pointer (&opts->impute, g_free);
  g_clear_pointer (&opts->transform, g_free);
}

GOptionEntry *
healer_cli_train_options_entries (HealerCliTrainOptions *opts,
                                  const GOptionEntry    *own)
{
  HealerTrainConfig *c = &opts->config;
  const GOptionEntry train[] = {
    { "hidden", 0, 0, G_OPTION_ARG_STRING, &opts->hidden, N_("Hidden layer widths, e.g. 200,200,200"), N_("LIST") },
    { "activation", 0, 0, G_OPTION_ARG_STRING, &opts->activation, N_("relu, leaky-relu or tanh"), N_("NAME") },
    { "optimizer", 0, 0, G_OPTION_ARG_STRING, &opts->optimizer, N_("adam or sgd (with momentum)"), N_("NAME") },
    { "learning-rate", 0, 0, G_OPTION_ARG_DOUBLE, &c->learning_rate, N_("Step size"), N_("RATE") },
    { "lr-schedule", 0, 0, G_OPTION_ARG_STRING, &opts->lr_schedule, N_("Learning-rate schedule: constant, or cosine (decays to 0 over the epochs)"), N_("NAME") },
    { "momentum", 0, 0, G_OPTION_ARG_DOUBLE, &c->momentum, N_("Momentum of SGD"), N_("VALUE") },
    { "batch-size", 0, 0, G_OPTION_ARG_INT, &opts->batch_size, N_("Rows per mini-batch"), N_("N") },
    { "epochs", 0, 0, G_OPTION_ARG_INT, &opts->epochs, N_("Maximum number of passes over the data"), N_("N") },
    { "weight-decay", 0, 0, G_OPTION_ARG_DOUBLE, &c->weight_decay, N_("L2 penalty on the weights"), N_("VALUE") },
    { "dropout", 0, 0, G_OPTION_ARG_DOUBLE, &c->dropout, N_("Dropout probability of hidden units"), N_("P") },
    { "input-noise", 0, 0, G_OPTION_ARG_DOUBLE, &c->input_noise, N_("Standard deviation of the Gaussian noise added to the standardised KPI values while training (0: none)"), N_("SIGMA") },
    { "label-smoothing", 0, 0, G_OPTION_ARG_DOUBLE, &c->label_smoothing, N_("Share of each training target spread evenly over the classes (0: none)"), N_("EPS") },
    { "validation-fraction", 0, 0, G_OPTION_ARG_DOUBLE, &c->validation_fraction, N_("Share of rows held out for early stopping (0 trains on every row)"), N_("F") },
    { "patience", 0, 0, G_OPTION_ARG_INT, &opts->patience, N_("Epochs without improvement before stopping (0 turns early stopping off)"), N_("N") },
    { "ensemble", 0, 0, G_OPTION_ARG_INT, &opts->ensemble, N_("Number of networks trained with successive seeds, probabilities averaged"), N_("N") },
    { "seed", 0, 0, G_OPTION_ARG_INT64, &opts->seed, N_("Random seed; the same seed gives the same model file"), N_("N") },
    { "impute", 0, 0, G_OPTION_ARG_STRING, &opts->impute, N_("Missing-value imputation: median or mean"), N_("NAME") },
    { "transform", 0, 0, G_OPTION_ARG_STRING, &opts->transform,
      N_("Per-KPI transform: none, signed-log, quantile or ple (standardised value plus a "
         "piecewise-linear encoding on up to 16 quantile bins)"), N_("NAME") },
    { "missing-indicators", 0, 0, G_OPTION_ARG_NONE, &opts->indicators, N_("Add a 0/1 column per KPI that had missing cells"), NULL },
    { "no-missing-indicators", 0, 0, G_OPTION_ARG_NONE, &opts->no_indicators, N_("Do not add missing-value indicator columns"), NULL },
    { "select-k", 0, 0, G_OPTION_ARG_INT, &opts->select_k, N_("Keep at most the K KPIs with the most mutual information with the label (0: no limit)"), N_("K") },
    { "select-ratio", 0, 0, G_OPTION_ARG_DOUBLE, &opts->select_ratio, N_("Keep only KPIs whose mutual information is at least F times the best KPI's (0: no limit)"), N_("F") },
    { "no-select", 0, 0, G_OPTION_ARG_NONE, &opts->no_select, N_("Use every non-constant KPI"), NULL },
    { "class-weights", 0, 0, G_OPTION_ARG_NONE, &opts->class_weights, N_("Weight the loss by inverse class frequency"), NULL },
    { "no-class-weights", 0, 0, G_OPTION_ARG_NONE, &opts->no_class_weights, N_("Do not weight the loss by class frequency"), NULL },
    { "drop-duplicates", 0, 0, G_OPTION_ARG_NONE, &opts->drop_duplicates, N_("Remove duplicate rows before training"), NULL },
    { "keep-duplicates", 0, 0, G_OPTION_ARG_NONE, &opts->keep_duplicates, N_("Keep duplicate rows"), NULL },
  };
  gsize n_own = 0;
  GOptionEntry *all;

  while (own != NULL && own[n_own].long_name != NULL)
    n_own++;

  /* The command's own options first, then the training ones; the copy
   * ends with the zeroed entry GOption expects. */
  all = g_new0 (GOptionEntry, n_own + G_N_ELEMENTS (train) + 1);
  if (n_own > 0)
    memcpy (all, own, n_own * sizeof (GOptionEntry));
  memcpy (all + n_own, train, sizeof train);
  return all;
}

static gboolean
healer_cli_parse_choices (HealerCliTrainOptions *opts,
                          GError               **error)
{
  HealerTrainConfig *config = &opts->config;

  if (opts->hidden != NULL && !healer_train_config_set_hidden (config, opts->hidden, error))
    return FALSE;
  if (opts->activation != NULL &&
      !healer_activation_from_string (opts->activation, &config->activation))
    return (g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("unknown activation “%s”; expected relu, leaky-relu or tanh"),
                         opts->activation), FALSE);
  if (opts->optimizer != NULL &&
      !healer_optimizer_from_string (opts->optimizer, &config->optimizer))
    return (g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("unknown optimizer “%s”; expected adam or sgd"),
                         opts->optimizer), FALSE);
  if (opts->lr_schedule != NULL &&
      !healer_lr_schedule_from_string (opts->lr_schedule, &config->lr_schedule))
    return (g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("unknown learning-rate schedule “%s”; expected constant or cosine"),
                         opts->lr_schedule), FALSE);
  if (opts->impute != NULL &&
      !healer_impute_from_string (opts->impute, &config->preprocess.impute))
    return (g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("unknown imputation “%s”; expected median or mean"),
                         opts->impute), FALSE);
  if (opts->transform != NULL &&
      !healer_transform_from_string (opts->transform, &config->preprocess.transform))
    return (g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                         _("unknown transform “%s”; expected none, signed-log, quantile or ple"),
                         opts->transform), FALSE);
  return TRUE;
}

gboolean
healer_cli_train_options_apply (HealerCliTrainOptions *opts,
                                GError               **error)
{
  HealerTrainConfig *config = &opts->config;

  if (opts->batch_size < 1 || opts->epochs < 1 || opts->patience < 0 || opts->ensemble < 1 ||
      opts->select_k < 0 || opts->seed < 0)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("--batch-size, --epochs and --ensemble must be positive, "
                             "--patience, --select-k and --seed not negative"));
      return FALSE;
    }
  if ((opts->indicators && opts->no_indicators) ||
      (opts->class_weights && opts->no_class_weights) ||
      (opts->drop_duplicates && opts->keep_duplicates))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           _("a switch and its --no- or --keep- form were both given"));
      return FALSE;
    }

  config->batch_size = opts->batch_size;
  config->epochs = opts->epochs;
  config->patience = opts->patience;
  config->ensemble = opts->ensemble;
  config->seed = opts->seed;
  if (opts->indicators || opts->no_indicators)
    config->preprocess.missing_indicators = opts->indicators;
  if (opts->class_weights || opts->no_class_weights)
    config->preprocess.class_weights = opts->class_weights;
  if (opts->drop_duplicates || opts->keep_duplicates)
    config->preprocess.drop_duplicates = opts->drop_duplicates;
  config->preprocess.select_k = opts->no_select ? 0 : opts->select_k;
  config->preprocess.select_min_ratio = opts->no_select ? 0.0 : opts->select_ratio;
  config->preprocess.select = config->preprocess.select_k > 0 ||
                              config->preprocess.select_min_ratio > 0
                              ? HEALER_SELECT_MUTUAL_INFO : HEALER_SELECT_NONE;

  return healer_cli_parse_choices (opts, error) &&
         healer_train_config_validate (config, error);
}
