# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 8: training-regime regularisation and 'MI on raw, MLP on transformed'."""
from common import *
from sklearn.pipeline import make_pipeline
X, y, F = load()
def M(s, h=(256,), alpha=1e-2, lr=1e-3, bs=200, it=500):
    return MLPClassifier(h, alpha=alpha, learning_rate_init=lr, batch_size=bs, max_iter=it, random_state=s)
prep = lambda s, k=20, tf='none', mi_tf=None: Prep('median', False, tf, k=k, random_state=s, mi_tf=mi_tf)
st = sys.argv[1]
if st == '1':
    run_cv(lambda s: make_pipeline(prep(s), M(s, bs=32)), X, y, 'T k=20 (256,) a=.01 batch32')
    run_cv(lambda s: make_pipeline(prep(s), M(s, alpha=10.)), X, y, 'T k=20 (256,) a=10')
    run_cv(lambda s: make_pipeline(prep(s, tf='slog', mi_tf='none'), M(s)), X, y, 'T k=20 MI(none) MLP on slog')
if st == '2':
    run_cv(lambda s: make_pipeline(prep(s), M(s, it=60)), X, y, 'T k=20 (256,) a=.01 60 epochs')
    run_cv(lambda s: make_pipeline(prep(s), M(s, it=150)), X, y, 'T k=20 (256,) a=.01 150 epochs')
    run_cv(lambda s: make_pipeline(prep(s, tf='quantile', mi_tf='none'), M(s)), X, y, 'T k=20 MI(none) MLP on quantile')
