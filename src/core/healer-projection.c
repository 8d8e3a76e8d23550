/* healer-projection.c — 2-D maps of samples: configuration, the spaces, and the driver
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n-lib.h>

#include "healer-enum.h"
#include "healer-projection-private.h"

/* Rows sent through the network at once: bounds the scratch memory. */
#define FEATURE_CHUNK_ROWS 4096

G_DEFINE_QUARK (healer-projection-error-quark, healer_projection_error)

void
healer_projection_config_init_default (HealerProjectionConfig *config)
{
  g_return_if_fail (config != NULL);

  memset (config, 0, sizeof *config);
  config->method = HEALER_PROJECTION_PCA;
  config->space = HEALER_PROJECTION_SPACE_HIDDEN;
  /* van der Maaten's defaults (perplexity 30, 1000 iterations, theta 0.5). */
  config->perplexity = 30.0;
  config->iterations = 1000;
  config->seed = 42;
  config->algorithm = HEALER_TSNE_AUTO;
  config->theta = 0.5;
  config->learning_rate = 0.0;
}

gboolean
healer_projection_config_validate (const HealerProjectionConfig *config,
                                   GError                      **error)
{
  g_return_val_if_fail (config != NULL, FALSE);

  if ((guint) config->method > HEALER_PROJECTION_TSNE ||
      (guint) config->space > HEALER_PROJECTION_SPACE_HIDDEN ||
      (guint) config->algorithm > HEALER_TSNE_FFT)
    {
      g_set_error_literal (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_INVALID,
                           _("Unknown projection method, space or t-SNE algorithm"));
      return FALSE;
    }
  if (config->method != HEALER_PROJECTION_TSNE)
    return TRUE;
  if (!(config->perplexity >= 1.0 && config->perplexity <= HEALER_TSNE_MAX_PERPLEXITY))
    {
      g_set_error (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_INVALID,
                   _("The perplexity must be between 1 and %g, not %g"),
                   HEALER_TSNE_MAX_PERPLEXITY, config->perplexity);
      return FALSE;
    }
  if (config->iterations < 1 || config->iterations > HEALER_TSNE_MAX_ITERATIONS)
    {
      g_set_error (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_INVALID,
                   _("The number of t-SNE iterations must be between 1 and %u, not %u"),
                   (guint) HEALER_TSNE_MAX_ITERATIONS, config->iterations);
      return FALSE;
    }
  if (!(config->theta >= 0.0 && config->theta <= 1.0))
    {
      g_set_error (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_INVALID,
                   _("The Barnes-Hut theta must be between 0 and 1, not %g"), config->theta);
      return FALSE;
    }
  if (config->n_threads > 64)
    {
      g_set_error (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_INVALID,
                   _("A projection runs on at most %u threads, not %u"), 64u, config->n_threads);
      return FALSE;
    }
  if (!(config->learning_rate >= 0.0 && config->learning_rate <= 1e6))
    {
      g_set_error (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_INVALID,
                   _("The t-SNE learning rate must be between 0 (automatic) and 1000000, "
                     "not %g"), config->learning_rate);
      return FALSE;
    }
  return TRUE;
}

HEALER_DEFINE_ENUM_TO_STRING (healer_projection_method, HealerProjectionMethod,
                              HEALER_TYPE_PROJECTION_METHOD)

gboolean
healer_projection_method_from_string (const char             *str,
                                      HealerProjectionMethod *method)
{
  int v;

  /* "t-sne" as the method is often written. */
  if (g_strcmp0 (str, "t-sne") == 0)
    str = "tsne";
  if (!healer_enum_from_nick (HEALER_TYPE_PROJECTION_METHOD, str, FALSE, &v))
    return FALSE;
  *method = v;
  return TRUE;
}

HEALER_DEFINE_ENUM_STRINGS (healer_projection_space, HealerProjectionSpace,
                            HEALER_TYPE_PROJECTION_SPACE, FALSE)

void
healer_projection_free (HealerProjection *self)
{
  if (self == NULL)
    return;
  g_free (self->xy);
  g_free (self);
}

void
healer_projection_report (HealerProjectionReporter *reporter,
                          HealerProjectionStage     stage,
                          guint64                   done,
                          guint64                   total,
                          double                    fraction)
{
  HealerProjectionProgress p;

  if (reporter == NULL || reporter->func == NULL)
    return;
  /* A report per stage change, per percent, and the last one of each stage. */
  if (reporter->started && stage == reporter->last_stage && done < total &&
      fraction < reporter->last_fraction + 0.01)
    return;
  reporter->started = TRUE;
  reporter->last_stage = stage;
  reporter->last_fraction = fraction;

  p.stage = stage;
  p.done = done;
  p.total = total;
  p.fraction = CLAMP (fraction, 0.0, 1.0);
  p.elapsed_seconds = reporter->timer != NULL ? g_timer_elapsed (reporter->timer, NULL) : 0.0;
  reporter->func (&p, reporter->user_data);
}

gboolean
healer_projection_check_cancel (GCancellable  *cancellable,
                                GError       **error)
{
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

float *
healer_projection_features (const HealerModel    *model,
                            const HealerDataset  *aligned,
                            HealerProjectionSpace space,
                            guint                *n_dims)
{
  const HealerPreprocessor *p;
  const HealerMlp *mlp;
  g_autofree float *scratch = NULL;
  float *out;
  guint width;
  gsize chunk;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (aligned != NULL, NULL);
  g_return_val_if_fail (aligned->n_features == model->preprocessor->n_input, NULL);
  g_return_val_if_fail (n_dims != NULL, NULL);

  p = model->preprocessor;
  /* An ensemble's members see the same inputs but learn different hidden
   * features; averaging them would mix unrelated units, so the hidden space
   * is that of the first member. */
  mlp = model->members[0];
  width = space == HEALER_PROJECTION_SPACE_INPUT
          ? p->n_output
          : healer_mlp_get_size (mlp, healer_mlp_get_n_layers (mlp) - 1);
  *n_dims = width;
  out = g_new (float, MAX (aligned->n_rows, 1) * (gsize) width);
  if (space == HEALER_PROJECTION_SPACE_INPUT)
    {
      healer_preprocessor_transform (p, aligned->x, aligned->n_rows, out);
      return out;
    }

  chunk = MIN (MAX (aligned->n_rows, 1), FEATURE_CHUNK_ROWS);
  scratch = g_new (float, chunk * p->n_output);
  for (gsize start = 0; start < aligned->n_rows; start += chunk)
    {
      gsize n = MIN (chunk, aligned->n_rows - start);

      healer_preprocessor_transform (p, healer_dataset_row (aligned, start), n, scratch);
      healer_mlp_last_hidden (mlp, scratch, n, out + start * width);
    }
  return out;
}

static HealerProjection *
healer_projection_run (const float                  *x,
                       gsize                         n_rows,
                       guint                         n_dims,
                       const HealerProjectionConfig *config,
                       GCancellable                 *cancellable,
                       HealerProjectionReporter     *reporter,
                       GError                      **error)
{
  g_autoptr(HealerProjection) result = NULL;

  if (!healer_projection_config_validate (config, error))
    return NULL;
  if (n_rows < HEALER_PROJECTION_MIN_ROWS)
    {
      g_set_error (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_TOO_FEW_ROWS,
                   g_dngettext (GETTEXT_PACKAGE,
                                "A projection needs at least %u rows; there is %zu",
                                "A projection needs at least %u rows; there are %zu",
                                n_rows),
                   (guint) HEALER_PROJECTION_MIN_ROWS, n_rows);
      return NULL;
    }
  if (n_dims == 0)
    {
      g_set_error_literal (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_INVALID,
                           _("There is no column to project"));
      return NULL;
    }
  if (config->method == HEALER_PROJECTION_PCA && MIN (n_rows, n_dims) > HEALER_PCA_MAX_WIDTH)
    {
      g_set_error (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_INVALID,
                   _("PCA of %zu rows of %u dimensions would need a %u × %u matrix; at most "
                     "%u rows or %u dimensions are supported"),
                   n_rows, n_dims, (guint) MIN (n_rows, n_dims), (guint) MIN (n_rows, n_dims),
                   (guint) HEALER_PCA_MAX_WIDTH, (guint) HEALER_PCA_MAX_WIDTH);
      return NULL;
    }
  if (config->method == HEALER_PROJECTION_TSNE && config->algorithm == HEALER_TSNE_EXACT &&
      n_rows > HEALER_TSNE_EXACT_LIMIT)
    {
      g_set_error (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_INVALID,
                   _("Exact t-SNE is limited to %u rows (there are %zu): use Barnes-Hut"),
                   (guint) HEALER_TSNE_EXACT_LIMIT, n_rows);
      return NULL;
    }
  for (gsize i = 0; i < n_rows * n_dims; i++)
    if (!isfinite (x[i]))
      {
        g_set_error (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_INVALID,
                     _("Row %zu has a value that is not a finite number in column %u"),
                     i / n_dims + 1, (guint) (i % n_dims) + 1);
        return NULL;
      }
  if (config->method == HEALER_PROJECTION_TSNE && config->perplexity >= (double) n_rows)
    {
      g_set_error (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_TOO_FEW_ROWS,
                   g_dngettext (GETTEXT_PACKAGE,
                                "t-SNE with perplexity %g needs more rows than that; there "
                                "is %zu: lower the perplexity",
                                "t-SNE with perplexity %g needs more rows than that; there "
                                "are %zu: lower the perplexity",
                                n_rows),
                   config->perplexity, n_rows);
      return NULL;
    }

  result = g_new0 (HealerProjection, 1);
  result->n_rows = n_rows;
  result->method = config->method;
  result->space = config->space;
  result->n_dims = n_dims;
  result->explained_variance[0] = result->explained_variance[1] = NAN;
  result->kl_divergence = NAN;
  result->perplexity = NAN;

  if (config->method == HEALER_PROJECTION_PCA)
    {
      result->xy = g_new (float, n_rows * 2);
      if (!healer_projection_pca (x, n_rows, n_dims, result->xy, result->explained_variance,
                                  cancellable, reporter, error))
        return NULL;
    }
  else if (!healer_projection_tsne (x, n_rows, n_dims, config, result, cancellable, reporter,
                                    error))
    return NULL;

  healer_projection_report (reporter, HEALER_PROJECTION_STAGE_OPTIMISING, 1, 1, 1.0);
  return g_steal_pointer (&result);
}

HealerProjection *
healer_projection_compute_matrix (const float                   *x,
                                  gsize                          n_rows,
                                  guint                          n_dims,
                                  const HealerProjectionConfig  *config,
                                  GCancellable                  *cancellable,
                                  HealerProjectionProgressFunc   progress,
                                  gpointer                       user_data,
                                  GError                       **error)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  HealerProjectionReporter reporter = { progress, user_data, timer, 0, 0.0, FALSE };

  g_return_val_if_fail (x != NULL || n_rows == 0, NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!healer_projection_check_cancel (cancellable, error))
    return NULL;
  return healer_projection_run (x, n_rows, n_dims, config, cancellable, &reporter, error);
}

HealerProjection *
healer_projection_compute (const HealerModel             *model,
                           const HealerDataset           *aligned,
                           const HealerProjectionConfig  *config,
                           GCancellable                  *cancellable,
                           HealerProjectionProgressFunc   progress,
                           gpointer                       user_data,
                           GError                       **error)
{
  g_autoptr(GTimer) timer = g_timer_new ();
  HealerProjectionReporter reporter = { progress, user_data, timer, 0, 0.0, FALSE };
  g_autofree float *x = NULL;
  guint n_dims = 0;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (aligned != NULL, NULL);
  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (aligned->n_features != model->preprocessor->n_input)
    {
      g_set_error (error, HEALER_PROJECTION_ERROR, HEALER_PROJECTION_ERROR_INVALID,
                   _("The data has %u columns but the model reads %u: align it to the "
                     "model first"), aligned->n_features, model->preprocessor->n_input);
      return NULL;
    }
  if (!healer_projection_config_validate (config, error))
    return NULL;
  if (!healer_projection_check_cancel (cancellable, error))
    return NULL;

  healer_projection_report (&reporter, HEALER_PROJECTION_STAGE_FEATURES, 0, aligned->n_rows, 0.0);
  x = healer_projection_features (model, aligned, config->space, &n_dims);
  if (!healer_projection_check_cancel (cancellable, error))
    return NULL;
  healer_projection_report (&reporter, HEALER_PROJECTION_STAGE_FEATURES, aligned->n_rows,
                            aligned->n_rows, 0.05);
  return healer_projection_run (x, aligned->n_rows, n_dims, config, cancellable, &reporter,
                                error);
}
