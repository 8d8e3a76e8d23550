/* healer-projection.h — 2-D maps of samples (PCA, t-SNE) for the scatter chart
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "healer-dataset.h"
#include "healer-model.h"

G_BEGIN_DECLS

#define HEALER_PROJECTION_ERROR (healer_projection_error_quark ())

typedef enum
{
  HEALER_PROJECTION_ERROR_INVALID,       /* configuration out of range, columns not aligned */
  HEALER_PROJECTION_ERROR_TOO_FEW_ROWS,  /* not enough rows for the method or perplexity */
} HealerProjectionError;

GQuark healer_projection_error_quark (void);

typedef enum
{
  HEALER_PROJECTION_PCA,
  HEALER_PROJECTION_TSNE,
} HealerProjectionMethod;

typedef enum
{
  HEALER_PROJECTION_SPACE_INPUT,    /* the preprocessed KPIs: what the network reads */
  HEALER_PROJECTION_SPACE_HIDDEN,   /* the last hidden layer of the first ensemble member */
} HealerProjectionSpace;

typedef enum
{
  HEALER_TSNE_AUTO,                 /* exact up to HEALER_TSNE_EXACT_MAX_ROWS, then FFT (from HEALER_TSNE_FFT_MIN_ROWS) */
  HEALER_TSNE_EXACT,                /* O(n²) per iteration, dense affinities */
  HEALER_TSNE_BARNES_HUT,           /* quadtree, O(n log n), 3·perplexity neighbours */
  HEALER_TSNE_FFT,                  /* FIt-SNE's interpolation on a grid, O(n) + FFTs; the same neighbours */
} HealerTsneAlgorithm;

#define HEALER_PROJECTION_MIN_ROWS      3
#define HEALER_TSNE_EXACT_MAX_ROWS      2500    /* AUTO switches to the FFT above */
/* AUTO switches to FFT from here. Since the FFT's near field is exact
 * (healer-projection-fft.c) its maps of rows from the real KPI files (2000,
 * and 5000 with jitter) have a KL 1 % below Barnes-Hut's and the same 10-NN
 * accuracy within 0.005, at about half its CPU time on 2000 rows and
 * 20-30 % on 5000 (bench/README.md, "t-SNE maps", fourth pass): AUTO no
 * longer picks Barnes-Hut. Before, the KL was 5-13 %
 * above and AUTO kept Barnes-Hut up to 10,000 rows. */
#define HEALER_TSNE_FFT_MIN_ROWS        (HEALER_TSNE_EXACT_MAX_ROWS + 1)
#define HEALER_TSNE_EXACT_LIMIT         20000   /* EXACT refuses more (1.6 GB of affinities) */
#define HEALER_PCA_MAX_WIDTH            8192    /* PCA refuses min(rows, dims) above this */
#define HEALER_TSNE_MAX_PERPLEXITY      1000.0
#define HEALER_TSNE_MAX_ITERATIONS      100000

typedef struct
{
  HealerProjectionMethod method;         /* default PCA */
  HealerProjectionSpace  space;          /* default HIDDEN */
  /* t-SNE only */
  double                 perplexity;     /* default 30; must be below the number of rows */
  guint                  iterations;     /* default 1000, of which the first 250 exaggerated */
  guint64                seed;           /* default 42: the initial layout */
  HealerTsneAlgorithm    algorithm;      /* default AUTO */
  double                 theta;          /* Barnes-Hut accuracy, default 0.5 (0 = exact sums) */
  double                 learning_rate;  /* 0 (default) = max(200, n / 12) */
  guint                  n_threads;      /* 0 (default) = one per processor; the
                                          * result is the same for any number */
} HealerProjectionConfig;

void        healer_projection_config_init_default (HealerProjectionConfig *config);
gboolean    healer_projection_config_validate     (const HealerProjectionConfig *config,
                                                   GError                      **error);

/* Names used on the command line: "pca"/"tsne", "input"/"hidden". */
const char *healer_projection_method_to_string   (HealerProjectionMethod  method);
gboolean    healer_projection_method_from_string (const char             *str,
                                                  HealerProjectionMethod *method);
const char *healer_projection_space_to_string    (HealerProjectionSpace   space);
gboolean    healer_projection_space_from_string  (const char             *str,
                                                  HealerProjectionSpace  *space);

typedef struct
{
  gsize                  n_rows;
  float                 *xy;               /* n_rows × 2: x0, y0, x1, y1… (row order of the data) */
  HealerProjectionMethod method;
  HealerProjectionSpace  space;
  guint                  n_dims;           /* width of the space that was projected */
  /* PCA: share of the total variance along x and along y (sum ≤ 1); NAN for t-SNE */
  double                 explained_variance[2];
  /* t-SNE: the algorithm that ran (never AUTO), the perplexity used and the
   * final Kullback-Leibler divergence of the map; NAN/0 for PCA */
  HealerTsneAlgorithm    algorithm;
  double                 perplexity;
  guint                  iterations;
  double                 kl_divergence;
} HealerProjection;

void        healer_projection_free (HealerProjection *self);

typedef enum
{
  HEALER_PROJECTION_STAGE_FEATURES,      /* preprocessing, hidden activations */
  HEALER_PROJECTION_STAGE_AFFINITIES,    /* t-SNE: neighbours and perplexity calibration */
  HEALER_PROJECTION_STAGE_OPTIMISING,    /* t-SNE: gradient descent; PCA: the decomposition */
} HealerProjectionStage;

typedef struct
{
  HealerProjectionStage stage;
  guint64               done;            /* rows (affinities) or iterations (optimising) */
  guint64               total;
  double                fraction;        /* of the whole computation, 0…1 */
  double                elapsed_seconds;
} HealerProjectionProgress;

typedef void (*HealerProjectionProgressFunc) (const HealerProjectionProgress *progress,
                                              gpointer                        user_data);

/* Projects the rows of @aligned (the model's input columns in its order: see
 * healer_model_align) synchronously. @progress (may be NULL) is called in the
 * calling thread, at most about a hundred times. The GCancellable is checked
 * at least once per iteration or chunk of rows: a cancel returns NULL with
 * G_IO_ERROR_CANCELLED. The same configuration gives the same bytes. */
HealerProjection *healer_projection_compute (const HealerModel             *model,
                                             const HealerDataset           *aligned,
                                             const HealerProjectionConfig  *config,
                                             GCancellable                  *cancellable,
                                             HealerProjectionProgressFunc   progress,
                                             gpointer                       user_data,
                                             GError                       **error);

/* The same on rows that are already points of a space: @x is @n_rows × @n_dims
 * floats, all finite; config->space is only recorded. */
HealerProjection *healer_projection_compute_matrix (const float                   *x,
                                                    gsize                          n_rows,
                                                    guint                          n_dims,
                                                    const HealerProjectionConfig  *config,
                                                    GCancellable                  *cancellable,
                                                    HealerProjectionProgressFunc   progress,
                                                    gpointer                       user_data,
                                                    GError                       **error);

/* The points a projection of @space starts from: @aligned's rows through the
 * preprocessor, and for HIDDEN through the first member's hidden layers
 * (n_rows × *@n_dims floats, free with g_free). */
float            *healer_projection_features (const HealerModel    *model,
                                              const HealerDataset  *aligned,
                                              HealerProjectionSpace space,
                                              guint                *n_dims);

/* healer_projection_compute on a worker thread. @progress runs on the
 * thread-default main context of the caller, coalesced: at most one idle
 * callback is pending, and the last report arrives before @callback. */
void              healer_projection_compute_async  (HealerModel                   *model,
                                                    HealerDataset                 *aligned,
                                                    const HealerProjectionConfig  *config,
                                                    GCancellable                  *cancellable,
                                                    HealerProjectionProgressFunc   progress,
                                                    gpointer                       progress_data,
                                                    GDestroyNotify                 progress_data_free,
                                                    GAsyncReadyCallback            callback,
                                                    gpointer                       user_data);
HealerProjection *healer_projection_compute_finish (GAsyncResult                  *result,
                                                    GError                       **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (HealerProjection, healer_projection_free)

G_END_DECLS
