/* healer-cli-project.c — systemhealer-cli project: a 2-D map of the samples (PCA, t-SNE)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "healer-cli.h"
#include "healer-enum.h"
#include "healer-output.h"
#include "healer-projection.h"

typedef struct
{
  gboolean show;
  gboolean shown;
} ProjectProgress;

static void
on_progress (const HealerProjectionProgress *p,
             gpointer                        user_data)
{
  ProjectProgress *state = user_data;

  if (!state->show)
    return;
  /* Back to the start of the line: each report overwrites the last. */
  fprintf (stderr, "\r%s %3.0f%%   ",
           p->stage == HEALER_PROJECTION_STAGE_AFFINITIES ? _("Finding neighbours…")
                                                           : _("Projecting…"),
           100 * p->fraction);
  fflush (stderr);
  state->shown = TRUE;
}

static void
append_float (GString *line,
              float    value)
{
  /* Nine significant digits give the float back bit for bit. */
  healer_csv_append_double (line, "%.9g", value);
}

static gboolean
write_map (const char              *path,
           const HealerDataset     *data,
           const HealerProjection  *projection,
           GError                 **error)
{
  g_autoptr(HealerOutput) out = healer_output_open (path, error);
  g_autoptr(GString) line = g_string_new (NULL);
  gboolean labels = healer_dataset_has_labels (data);

  if (out == NULL)
    return FALSE;
  g_string_append (line, labels ? "sample_id,x,y,label\n" : "sample_id,x,y\n");
  for (gsize i = 0; i < data->n_rows; i++)
    {
      if (data->sample_ids != NULL)
        healer_csv_append_field (line, data->sample_ids[i]);
      else
        g_string_append_printf (line, "%zu", i + 1);   /* the row number, as explain takes it */
      g_string_append_c (line, ',');
      append_float (line, projection->xy[2 * i]);
      g_string_append_c (line, ',');
      append_float (line, projection->xy[2 * i + 1]);
      if (labels)
        g_string_append_printf (line, ",%d", data->labels[i]);
      g_string_append_c (line, '\n');
      if (line->len > 65536 && !healer_output_write (out, line->str, line->len, error))
        return FALSE;
      if (line->len > 65536)
        g_string_truncate (line, 0);
    }
  if (!healer_output_write (out, line->str, line->len, error))
    return FALSE;
  return healer_output_commit (g_steal_pointer (&out), error);
}

static const char *
algorithm_name (HealerTsneAlgorithm algorithm)
{
  return healer_enum_to_nick (HEALER_TYPE_TSNE_ALGORITHM, algorithm);
}

static void
print_json (const char                   *output,
            const HealerProjectionConfig *config,
            const HealerProjection       *p)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  healer_json_add_string (b, "output", output);
  healer_json_add_int (b, "rows", (gint64) p->n_rows);
  healer_json_add_string (b, "method", healer_projection_method_to_string (p->method));
  healer_json_add_string (b, "space", healer_projection_space_to_string (p->space));
  healer_json_add_int (b, "dimensions", p->n_dims);
  json_builder_set_member_name (b, "explained_variance");
  if (p->method == HEALER_PROJECTION_PCA)
    healer_json_add_doubles (b, NULL, p->explained_variance, 2);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "tsne");
  if (p->method == HEALER_PROJECTION_TSNE)
    {
      json_builder_begin_object (b);
      healer_json_add_string (b, "algorithm", algorithm_name (p->algorithm));
      healer_json_add_double (b, "perplexity", p->perplexity);
      healer_json_add_int (b, "iterations", p->iterations);
      healer_json_add_int (b, "seed", (gint64) config->seed);
      healer_json_add_double (b, "kl_divergence", p->kl_divergence);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_end_object (b);
  healer_cli_print_json (b);
}

static void
print_summary (const char             *output,
               const HealerProjection *p)
{
  const char *space = p->space == HEALER_PROJECTION_SPACE_INPUT
                      ? _("the preprocessed KPIs") : _("the last hidden layer");

  if (p->method == HEALER_PROJECTION_PCA)
    fprintf (stderr, _("PCA of %s (%u dimensions) of %zu samples into %s; the two axes "
                       "explain %.1f%% and %.1f%% of the variance\n"),
             space, p->n_dims, p->n_rows, output, 100 * p->explained_variance[0],
             100 * p->explained_variance[1]);
  else
    fprintf (stderr, _("t-SNE (%s, perplexity %g, %u iterations) of %s (%u dimensions) of "
                       "%zu samples into %s; final KL divergence %.4f\n"),
             p->algorithm == HEALER_TSNE_EXACT ? _("exact")
             : p->algorithm == HEALER_TSNE_FFT ? _("FFT interpolation") : _("Barnes-Hut"),
             p->perplexity, p->iterations, space, p->n_dims, p->n_rows, output,
             p->kl_divergence);
}

int
healer_cli_project (int    argc,
                    char **argv)
{
  g_autofree char *output = NULL;
  g_autofree char *method = NULL;
  g_autofree char *space = NULL;
  g_auto(GStrv) missing = NULL;
  g_auto(GStrv) extra = NULL;
  double perplexity = NAN;
  gint iterations = -1;
  gint64 seed = -1;
  g_autofree char *algorithm = NULL;
  gboolean json = FALSE, quiet = FALSE;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerDataset) data = NULL;
  g_autoptr(HealerDataset) aligned = NULL;
  g_autoptr(HealerProjection) projection = NULL;
  HealerProjectionConfig config;
  ProjectProgress progress = { FALSE, FALSE };
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the map (sample_id, x, y and the label when the data has one) to FILE (default: standard output)"), N_("FILE") },
    { "method", 'm', 0, G_OPTION_ARG_STRING, &method, N_("“pca” (default) or “tsne”"), N_("METHOD") },
    { "space", 0, 0, G_OPTION_ARG_STRING, &space, N_("What is projected: “hidden”, the network's last hidden layer (default), or “input”, the preprocessed KPIs it reads"), N_("SPACE") },
    { "perplexity", 'p', 0, G_OPTION_ARG_DOUBLE, &perplexity, N_("t-SNE: effective number of neighbours (default 30)"), N_("P") },
    { "iterations", 'n', 0, G_OPTION_ARG_INT, &iterations, N_("t-SNE: gradient descent steps (default 1000)"), N_("N") },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, N_("t-SNE: seed of the initial layout (default 42); the same seed gives the same map"), N_("S") },
    { "algorithm", 0, 0, G_OPTION_ARG_STRING, &algorithm, N_("t-SNE: “auto” (default: exact up to 2500 rows, then FFT), “exact”, “barnes-hut” or “fft” (interpolation on a grid and FFT convolution, as FIt-SNE does)"), N_("NAME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print a JSON summary on standard output (needs --output)"), NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, N_("Do not show progress"), NULL },
    { NULL }
  };

  if (!healer_cli_parse ("project", _("MODEL.json DATA.csv [-o MAP.csv]"),
                         _("Place every sample of DATA.csv (“-” reads standard input) on a "
                           "plane, as the model sees it: principal components (PCA) or a "
                           "t-SNE map of its last hidden layer or of its preprocessed "
                           "inputs. Similar samples end up close together."),
                         entries, &argc, &argv))
    return HEALER_EXIT_USAGE;
  if (argc != 3)
    return healer_cli_usage_error ("project", _("expected a model file and a data file"));

  healer_projection_config_init_default (&config);
  if (method != NULL && !healer_projection_method_from_string (method, &config.method))
    return healer_cli_usage_error ("project", _("unknown method “%s”: expected “pca” or "
                                                "“tsne”"), method);
  if (space != NULL && !healer_projection_space_from_string (space, &config.space))
    return healer_cli_usage_error ("project", _("unknown space “%s”: expected “hidden” or "
                                                "“input”"), space);
  if (config.method != HEALER_PROJECTION_TSNE &&
      (!isnan (perplexity) || iterations >= 0 || seed >= 0))
    return healer_cli_usage_error ("project", _("--perplexity, --iterations and --seed only "
                                                "apply to --method tsne"));
  if (algorithm != NULL && config.method != HEALER_PROJECTION_TSNE)
    return healer_cli_usage_error ("project", _("--algorithm only applies to --method tsne"));
  if (algorithm != NULL)
    {
      int value;

      if (!healer_enum_from_nick (HEALER_TYPE_TSNE_ALGORITHM, algorithm, FALSE, &value))
        return healer_cli_usage_error ("project", _("unknown t-SNE algorithm “%s”: expected "
                                                    "“auto”, “exact”, “barnes-hut” or “fft”"),
                                       algorithm);
      config.algorithm = (HealerTsneAlgorithm) value;
    }
  if (!isnan (perplexity))
    config.perplexity = perplexity;
  if (iterations > 0)
    config.iterations = (guint) iterations;
  if (seed >= 0)
    config.seed = (guint64) seed;
  if (!healer_projection_config_validate (&config, &error))
    return healer_cli_usage_error ("project", "%s", error->message);
  if (output == NULL)
    output = g_strdup ("-");
  if (json && strcmp (output, "-") == 0)
    return healer_cli_usage_error ("project", _("--json needs --output FILE"));
  {
    const char *inputs[] = { argv[1], argv[2], NULL };
    const HealerCliOutput outputs[] = {
      { "--output", output, N_("the map") }, { NULL, NULL, NULL }
    };
    int status = healer_cli_check_files ("project", inputs, outputs,
                                         json ? _("the JSON summary") : NULL);

    if (status != HEALER_EXIT_OK)
      return status;
  }

  model = healer_model_load (argv[1], &error);
  if (model == NULL)
    return healer_cli_fail (error);
  data = healer_dataset_load (argv[2], NULL, &error);
  if (data == NULL)
    return healer_cli_fail (error);
  aligned = healer_model_align (model, data, &missing, &extra, &error);
  if (aligned == NULL)
    return healer_cli_fail (error);
  if (extra != NULL && extra[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", extra);

      fprintf (stderr, "systemhealer-cli: %s: %s\n",
               _("ignoring columns the model does not use"), healer_cli_safe (list));
    }
  if (missing != NULL && missing[0] != NULL)
    {
      g_autofree char *list = g_strjoinv (", ", missing);

      fprintf (stderr, "systemhealer-cli: %s: %s\n",
               _("warning: columns absent from the file, diagnosed as missing (the model "
                 "does not read them, so no result changes)"), healer_cli_safe (list));
    }

  progress.show = !quiet && healer_cli_stderr_is_terminal ();
  projection = healer_projection_compute (model, aligned, &config, NULL, on_progress, &progress,
                                          &error);
  if (progress.shown)
    fputc ('\n', stderr);
  if (projection == NULL)
    return healer_cli_fail (error);
  if (!write_map (output, data, projection, &error))
    return healer_cli_fail (error);

  if (json)
    print_json (output, &config, projection);
  else if (strcmp (output, "-") != 0 && !quiet)
    print_summary (output, projection);
  return HEALER_EXIT_OK;
}
