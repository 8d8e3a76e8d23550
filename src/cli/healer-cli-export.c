/* healer-cli-export.c — systemhealer-cli export: a model as an ONNX file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "healer-cli.h"
#include "healer-onnx.h"
#include "healer-output.h"

int
healer_cli_export (int    argc,
                   char **argv)
{
  g_autofree char *output = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(HealerModel) model = NULL;
  g_autoptr(HealerOutput) out = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *display = NULL;
  const char *data;
  gsize len;
  const GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the ONNX model to FILE (“-”: standard output)"), N_("FILE") },
    { NULL }
  };

  if (!healer_cli_parse ("export", _("MODEL.json -o MODEL.onnx"),
                         _("Write a model as an ONNX graph that computes the whole diagnosis: "
                           "imputation, transforms, standardisation, KPI selection, missing-value "
                           "indicators, every ensemble member and the average of their "
                           "probabilities. Input “kpis”: float32 [N, K], the KPIs in the order "
                           "“info --json” lists as features, NaN for a missing value. Outputs "
                           "“probabilities”: float32 [N, C], and “label”: int64 [N], the label "
                           "value of the most probable class. Metadata: kpis, class_names, "
                           "class_ids, weights_sha256. Operator set 13, run by ONNX Runtime."),
                         entries, &argc, &argv))
    return HEALER_EXIT_USAGE;
  if (argc != 2)
    return healer_cli_usage_error ("export", _("expected one model file"));
  if (output == NULL)
    return healer_cli_usage_error ("export", _("--output FILE is required"));
  {
    /* The one check every command makes (links, hard links, stdout). */
    const char *inputs[] = { argv[1], NULL };
    const HealerCliOutput outputs[] = {
      { "--output", output, N_("the ONNX model") }, { NULL, NULL, NULL }
    };
    int status = healer_cli_check_files ("export", inputs, outputs, NULL);

    if (status != HEALER_EXIT_OK)
      return status;
  }

  model = healer_model_load (argv[1], &error);
  if (model == NULL)
    return healer_cli_fail (error);

  bytes = healer_onnx_export (model);
  data = g_bytes_get_data (bytes, &len);
  out = healer_output_open (output, &error);
  if (out == NULL ||
      !healer_output_write (out, data, len, &error) ||
      !healer_output_commit (g_steal_pointer (&out), &error))
    return healer_cli_fail (error);

  if (strcmp (output, "-") != 0)
    {
      display = g_filename_display_name (output);
      fprintf (stderr, _("Wrote %s (ONNX, operator set %d, %zu bytes)\n"),
               display, HEALER_ONNX_OPSET, len);
    }
  return HEALER_EXIT_OK;
}
