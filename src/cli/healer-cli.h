/* healer-cli.h — shared pieces of systemhealer-cli's commands
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "healer-dataset.h"
#include "healer-json.h"
#include "healer-metrics.h"
#include "healer-model.h"

G_BEGIN_DECLS

/* Exit codes, documented in --help */
#define HEALER_EXIT_OK     0
#define HEALER_EXIT_ERROR  1   /* bad data or model file, I/O */
#define HEALER_EXIT_USAGE  2   /* bad command line */

typedef int (*HealerCliCommandFunc) (int argc, char **argv);

int   healer_cli_train     (int argc, char **argv);
int   healer_cli_predict   (int argc, char **argv);
int   healer_cli_evaluate  (int argc, char **argv);
int   healer_cli_info      (int argc, char **argv);
int   healer_cli_simulate  (int argc, char **argv);
int   healer_cli_explain   (int argc, char **argv);
int   healer_cli_cv        (int argc, char **argv);
int   healer_cli_project   (int argc, char **argv);
int   healer_cli_export    (int argc, char **argv);

/* Parses @entries for command @name; prints the error and returns FALSE on
 * a usage error. @params describes the positional arguments. */
gboolean healer_cli_parse        (const char    *name,
                                  const char    *params,
                                  const char    *summary,
                                  const GOptionEntry *entries,
                                  int           *argc,
                                  char        ***argv);
/* The option table (healer-cli-options.c). A copy of @entries whose numeric
 * options' descriptions state their range (the texts go into @strings) and
 * which are read in decimal, by a callback that needs @entries as the
 * user data of their GOptionGroup. */
GOptionEntry *healer_cli_options_describe (const GOptionEntry *entries,
                                           GPtrArray          *strings);
/* The long names of the options in @argv (before parsing), up to "--";
 * NULL and a G_OPTION_ERROR when a switch is given a value (--json=false). */
GHashTable   *healer_cli_options_given    (const GOptionEntry *entries,
                                           int                 argc,
                                           char              **argv,
                                           GError            **error);
/* After parsing: the given numeric options within their range, no two
 * contradicting options. A G_OPTION_ERROR on failure. */
gboolean      healer_cli_options_check    (const GOptionEntry *entries,
                                           GHashTable         *given,
                                           GError            **error);
int      healer_cli_usage_error  (const char    *name,
                                  const char    *format,
                                  ...) G_GNUC_PRINTF (2, 3);
int      healer_cli_fail         (const GError  *error);
/* @text from a model or data file (a class, KPI or sample name) made safe
 * to print (healer_text_escape); owned by the CLI, valid until exit. */
const char *healer_cli_safe      (const char    *text);
/* A file a command writes, the option that names it and what it holds
 * (N_(), for messages). */
typedef struct
{
  const char *option;
  const char *path;      /* NULL: not given; "-": standard output */
  const char *what;
} HealerCliOutput;
/* Whether @path is the process's standard output: "-", or a name of the
 * file it leads to (/dev/stdout, /dev/fd/1, the file it was redirected
 * into), but for the null device, where nothing can mix. */
gboolean healer_cli_is_stdout    (const char            *path);
/* Before any work: refuses, as a usage error, an output that is one of the
 * files the command reads, under any name (./x, a symbolic or hard link:
 * the same device and inode), two outputs that are one file, two uses of
 * standard output (two outputs, or one and @stdout_use, what the command
 * itself prints there, such as the JSON summary; NULL: nothing beside the
 * outputs), and a standard output redirected into an input. @inputs is
 * NULL-terminated ("-" is standard input), @outputs ends with an entry
 * whose option is NULL; either may be NULL. Returns HEALER_EXIT_OK or
 * HEALER_EXIT_USAGE. */
int      healer_cli_check_files  (const char            *name,
                                  const char * const    *inputs,
                                  const HealerCliOutput *outputs,
                                  const char            *stdout_use);
gboolean healer_cli_stderr_is_terminal (void);
/* Prints @builder's root to stdout, pretty, followed by a newline. */
void     healer_cli_print_json   (JsonBuilder   *builder);
void     healer_cli_print_metrics (const HealerMetrics *metrics,
                                   const HealerModel   *model);
/* Same for metrics not tied to a model: @class_names and @class_ids have
 * metrics->n_classes entries. */
void     healer_cli_print_metrics_for_classes (const HealerMetrics *metrics,
                                               const char * const  *class_names,
                                               const gint32        *class_ids);

/* The model's out-of-fold estimate, or a line saying it has none. */
void     healer_cli_print_estimate (const HealerModel *model);

/* The options that shape training, shared by every command that trains
 * (train, cv) so a flag means the same in each. */
typedef struct
{
  HealerTrainConfig config;     /* the defaults; the double options write here directly */
  char     *hidden;
  char     *activation;
  char     *optimizer;
  char     *lr_schedule;
  char     *impute;
  char     *transform;
  gint      batch_size;
  gint      epochs;
  gint      patience;
  gint      ensemble;
  gint      select_k;
  double    select_ratio;
  gint64    seed;
  gboolean  no_select;
  /* Each switch has both forms so that a default can be overridden either way. */
  gboolean  indicators;
  gboolean  no_indicators;
  gboolean  class_weights;
  gboolean  no_class_weights;
  gboolean  drop_duplicates;
  gboolean  keep_duplicates;
} HealerCliTrainOptions;

void          healer_cli_train_options_init    (HealerCliTrainOptions *opts);
void          healer_cli_train_options_clear   (HealerCliTrainOptions *opts);
/* @own (the command's options, NULL-terminated, may be NULL) followed by the
 * training options, which point into @opts; free the array with g_free. */
GOptionEntry *healer_cli_train_options_entries (HealerCliTrainOptions *opts,
                                                const GOptionEntry    *own);
/* After parsing: completes and validates opts->config. The error is a usage
 * error (G_OPTION_ERROR or HEALER_TRAIN_ERROR). */
gboolean      healer_cli_train_options_apply   (HealerCliTrainOptions *opts,
                                                GError               **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (HealerCliTrainOptions, healer_cli_train_options_clear)

G_END_DECLS
