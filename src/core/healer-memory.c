/* healer-memory.c — how much memory training needs, and whether the machine has it
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#ifdef G_OS_WIN32
# include <windows.h>
#endif
#ifdef HAVE_MALLOC_TRIM
# include <malloc.h>
#endif
#ifdef __linux__
# include <unistd.h>
#endif

#include "healer-memory.h"
#include "healer-mlp.h"
#include "healer-model.h"
#include "healer-preprocess.h"

/* Saturating arithmetic: an estimate for absurd sizes must stay absurd,
 * not wrap round to something that fits. */
static guint64
sat_mul (guint64 a,
         guint64 b)
{
  guint64 r;

  return g_uint64_checked_mul (&r, a, b) ? r : G_MAXUINT64;
}

static guint64
sat_add (guint64 a,
         guint64 b)
{
  guint64 r;

  return g_uint64_checked_add (&r, a, b) ? r : G_MAXUINT64;
}

#ifdef __linux__
static gboolean
read_meminfo (guint64 *bytes)
{
  g_autofree char *contents = NULL;
  const char *line;

  /* /proc files report a size of 0; g_file_get_contents reads them whole anyway. */
  if (!g_file_get_contents ("/proc/meminfo", &contents, NULL, NULL))
    return FALSE;
  line = strstr (contents, "MemAvailable:");
  if (line == NULL)
    return FALSE;   /* kernels before 3.14 */
  line += strlen ("MemAvailable:");
  while (*line == ' ' || *line == '\t')
    line++;
  if (!g_ascii_isdigit (*line))
    return FALSE;
  *bytes = sat_mul (g_ascii_strtoull (line, NULL, 10), 1024);   /* in kB */
  return TRUE;
}
#endif

gboolean
healer_memory_get_available (guint64 *bytes)
{
  const char *override = g_getenv ("HEALER_AVAILABLE_MEMORY");

  g_return_val_if_fail (bytes != NULL, FALSE);

  if (override != NULL && *override != '\0')
    {
      guint64 value;

      if (g_ascii_string_to_unsigned (override, 10, 0, G_MAXUINT64, &value, NULL))
        {
          *bytes = value;
          return TRUE;
        }
      g_warning ("HEALER_AVAILABLE_MEMORY=“%s” is not a number of bytes; ignored", override);
    }

#if defined(__linux__)
  return read_meminfo (bytes);
#elif defined(G_OS_WIN32)
  {
    MEMORYSTATUSEX status;

    status.dwLength = sizeof status;
    if (!GlobalMemoryStatusEx (&status))
      return FALSE;
    *bytes = status.ullAvailPhys;
    return TRUE;
  }
#else
  return FALSE;
#endif
}

gboolean
healer_memory_get_resident (guint64 *bytes)
{
  g_return_val_if_fail (bytes != NULL, FALSE);

#ifdef __linux__
  {
    g_autofree char *contents = NULL;
    g_auto(GStrv) fields = NULL;
    long page = sysconf (_SC_PAGESIZE);

    /* "size resident shared ..." in pages. */
    if (page <= 0 || !g_file_get_contents ("/proc/self/statm", &contents, NULL, NULL))
      return FALSE;
    fields = g_strsplit (contents, " ", 3);
    if (g_strv_length (fields) < 2 || !g_ascii_isdigit (fields[1][0]))
      return FALSE;
    *bytes = sat_mul (g_ascii_strtoull (fields[1], NULL, 10), (guint64) page);
    return TRUE;
  }
#else
  return FALSE;
#endif
}

void
healer_memory_give_back (void)
{
#ifdef HAVE_MALLOC_TRIM
  malloc_trim (0);
#endif
}

/* Parameters of the network for @n_in inputs and @n_classes outputs. */
/* Parameters of the network for @n_in inputs and @n_classes outputs;
 * @widths: the units of every layer, @hidden_widths of the hidden ones. */
static guint64
network_params (const HealerTrainConfig *config,
                guint64                  n_in,
                guint64                  n_classes,
                guint64                 *widths,
                guint64                 *hidden_widths)
{
  guint64 n_params = 0, prev = n_in;

  *widths = 0;
  *hidden_widths = 0;
  for (guint l = 0; l <= config->n_hidden; l++)
    {
      guint64 out = l < config->n_hidden ? config->hidden[l] : n_classes;

      n_params = sat_add (n_params, sat_add (sat_mul (prev, out), out));
      *widths = sat_add (*widths, out);
      if (l < config->n_hidden)
        *hidden_widths = sat_add (*hidden_widths, out);
      prev = out;
    }
  return n_params;
}

guint64
healer_train_estimate_memory (const HealerDataset     *data,
                              const HealerTrainConfig *config)
{
  const HealerPreprocessConfig *pre;
  guint64 rows, cells, n_in, n_params, widths, hidden_widths, batch, unit_rows, copies, total;
  guint n_classes = 2;

  g_return_val_if_fail (data != NULL, 0);
  g_return_val_if_fail (config != NULL, 0);

  pre = &config->preprocess;
  rows = data->n_rows;
  cells = sat_mul (rows, data->n_features);

  /* Widest the preprocessing can make a row: every feature kept, each
   * with its PLE bins, plus one indicator per feature. */
  n_in = data->n_features;
  if (pre->transform == HEALER_TRANSFORM_PLE)
    n_in = sat_mul (n_in, 1 + HEALER_PLE_BINS);
  if (pre->missing_indicators)
    n_in = sat_add (n_in, data->n_features);

  /* Class count only sizes the last layer; a few distinct labels among the
   * first rows are enough for an estimate. */
  if (data->labels != NULL)
    {
      g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

      for (gsize i = 0; i < MIN (data->n_rows, 100000) && g_hash_table_size (seen) < 256; i++)
        g_hash_table_add (seen, GINT_TO_POINTER (data->labels[i]));
      n_classes = MAX (2, g_hash_table_size (seen));
    }

  n_params = network_params (config, n_in, n_classes, &widths, &hidden_widths);
  batch = MIN ((guint64) config->batch_size, MAX (rows, 1));

  /* The trainer works on the table itself, by row index, whatever the
   * duplicates and the split. Only the explanations copy rows: the rows
   * trained on when duplicates were dropped (which cannot be known without
   * a pass over the rows, so they are assumed), and with a validation
   * split the training and the validation parts of those again. */
  copies = 0;
  if (config->explain && pre->drop_duplicates)
    copies++;
  if (config->explain && config->validation_fraction > 0.0)
    copies++;
  total = sat_mul (sat_mul (cells, copies), sizeof (float));
  /* The validation rows, kept transformed, and a transformed batch. */
  total = sat_add (total, sat_mul (sat_mul ((guint64) (rows * config->validation_fraction) + 1,
                                            n_in), sizeof (float)));
  total = sat_add (total, sat_mul (sat_mul (MIN ((guint64) config->batch_size, rows + 1), n_in),
                                   sizeof (float)));
  /* The training rows kept transformed when they are small. */
  total = sat_add (total, MIN (sat_mul (sat_mul (rows, n_in), sizeof (float)),
                               HEALER_TRAIN_CACHE_BYTES));
  /* Per row: kept-row, training-row and shuffle indices, labels and class
   * indices, the duplicate search, and the preprocessing's scratch (a
   * float, a double, a value–class pair). */
  total = sat_add (total, sat_mul (rows, 96));
  /* The ensemble's networks, and for the one in training its best copy,
   * gradient and two optimiser moments. */
  total = sat_add (total, sat_mul (n_params, sizeof (float) * ((guint64) config->ensemble + 4)));
  /* The training step's buffers (healer-mlp-train.c): activations, gates,
   * deltas and partial products of a batch, and its input again,
   * feature-major (small batches have a few more, but are small). From
   * HEALER_MLP_ROWS_MIN_ROWS rows on, a step is shared by rows: each
   * of its two parts keeps a whole gradient and its half of the batch —
   * input, activations and δ of every layer, gates and row-major copies of
   * the hidden ones, each unit's rows padded to whole cache lines
   * (healer-mlp-rows.c) — and the buffers above hold only the rows of a
   * shorter last batch. Without the parts the estimate fell 10–40 MB short
   * of the peak at batches of 256–4096 rows of a 2000-2000 network. */
  unit_rows = batch;
  if (config->n_hidden > 0 && batch >= HEALER_MLP_ROWS_MIN_ROWS)
    {
      guint64 ld = ((batch + 1) / 2 + 15) / 16 * 16;
      guint64 per_row = sat_add (sat_add (n_in, sat_mul (widths, 2)), sat_mul (hidden_widths, 2));

      total = sat_add (total, sat_mul (sat_add (sat_mul (ld, per_row), n_params),
                                       2 * sizeof (float)));
      unit_rows = HEALER_MLP_ROWS_MIN_ROWS - 1;
    }
  total = sat_add (total, sat_mul (sat_mul (unit_rows, widths), 4 * sizeof (float)));
  total = sat_add (total, sat_mul (sat_mul (unit_rows, n_in), sizeof (float)));
  /* Predictions over every row for the metrics and the threshold. */
  total = sat_add (total, sat_mul (sat_mul (rows, n_classes), 2 * sizeof (float)));
  return total;
}

gboolean
healer_train_check_memory (const HealerDataset     *data,
                           const HealerTrainConfig *config,
                           GError                 **error)
{
  guint64 needed, available, widths, hidden_widths;
  const char *name;

  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* Unusable data and networks too large for a model file are refused
   * later with their own, more precise message. */
  if (data->labels == NULL || data->n_rows < 2 ||
      network_params (config, data->n_features, 2, &widths, &hidden_widths) >
        HEALER_MODEL_MAX_PARAMS)
    return TRUE;
  if (!healer_memory_get_available (&available))
    return TRUE;
  needed = healer_train_estimate_memory (data, config);
  g_debug ("training on “%s” (%zu rows × %u columns): about %" G_GUINT64_FORMAT
           " bytes needed, %" G_GUINT64_FORMAT " available",
           healer_dataset_get_source_name (data), data->n_rows, data->n_features,
           needed, available);
  if (needed > available)
    {
      g_autofree char *needed_str = g_format_size (needed);
      g_autofree char *available_str = g_format_size (available);

      g_info ("training on “%s” refused: about %" G_GUINT64_FORMAT " bytes needed, %"
              G_GUINT64_FORMAT " available", healer_dataset_get_source_name (data),
              needed, available);

      name = healer_dataset_get_source_name (data);
      if (name == NULL || *name == '\0')
        name = _("the data");
      g_set_error (error, HEALER_TRAIN_ERROR, HEALER_TRAIN_ERROR_TOO_LARGE,
                   _("Training on %s (%zu rows, %u columns) would need about %s of memory, "
                     "but only %s is available; train on fewer rows or columns, or close "
                     "other programs"),
                   name, data->n_rows, data->n_features, needed_str, available_str);
      return FALSE;
    }
  return TRUE;
}
