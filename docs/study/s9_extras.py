# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 9: candidate additions beyond the current engine blocks (clip, uniform quantile,
raw+quantile concatenation, bagged / feature-subsampled MLP ensembles) and mean imputation at k=20."""
from common import *
from sklearn.pipeline import make_pipeline
X, y, F = load()
def M(s, h=(256,), alpha=1e-2, lr=1e-3, bs=200, it=500):
    return MLPClassifier(h, alpha=alpha, learning_rate_init=lr, batch_size=bs, max_iter=it, random_state=s)
st = sys.argv[1]
if st == '1':
    run_cv(lambda s: make_pipeline(Prep('median', k=20, clip=3., random_state=s), M(s)), X, y, 'X k=20 none std clip±3')
    run_cv(lambda s: make_pipeline(Prep('mean', k=20, random_state=s), M(s)), X, y, 'X k=20 none MEAN impute')
    run_cv(lambda s: make_pipeline(Prep('median', k=20, random_state=s), Ens(M(s), 10, s, bootstrap=True, feat_frac=0.6)),
           X, y, 'X k=20 bagged MLP K=10 boot+60% feats')
if st == '2':
    run_cv(lambda s: make_pipeline(Prep('median', tf='quantile_u', k=20, random_state=s), M(s)), X, y, 'X k=20 quantile-uniform')
    run_cv(lambda s: make_pipeline(Prep('median', tf='none+quantile', k=40, random_state=s), M(s)), X, y, 'X k=40 of [none,quantile] concat')
