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

/* Parses @entries for command @name; prints the error and returns FALSE on
 * a usage error. @params describes the positional arguments. */
gboolean healer_cli_parse        (const char    *name,
                                  const char    *params,
                                  const char    *summary,
                                  const GOptionEntry *entries,
                                  int           *argc,
                                  char        ***argv);
int      healer_cli_usage_error  (const char    *name,
                                  const char    *format,
                                  ...) G_GNUC_PRINTF (2, 3);
int      healer_cli_fail         (const GError  *error);
gboolean healer_cli_stderr_is_terminal (void);
/* Prints @builder's root to stdout, pretty, followed by a newline. */
void     healer_cli_print_json   (JsonBuilder   *builder);
void     healer_cli_print_metrics (const HealerMetrics *metrics,
                                   const HealerModel   *model);

G_END_DECLS
