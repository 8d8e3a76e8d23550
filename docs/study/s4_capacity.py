# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 4: capacity / regularisation with preprocessing fixed to
median impute, no indicators, no transform, standardise, MI top-20."""
from common import *
from sklearn.pipeline import make_pipeline
X, y, F = load()
prep = lambda s, k=20: Prep('median', False, 'none', k=k, random_state=s)
def M(s, h=(200, 200, 200), alpha=1e-4, es=False, lr=1e-3, bs=200, act='relu', it=500):
    kw = dict(early_stopping=True, validation_fraction=0.15, n_iter_no_change=30, tol=1e-4) if es else {}
    return MLPClassifier(h, activation=act, alpha=alpha, learning_rate_init=lr, batch_size=bs,
                         max_iter=it, random_state=s, **kw)
stage = sys.argv[1]
if stage == 'a':   # L2 strength and early stopping on the fixed 200x3 net
    for a in [1e-2, 1e-1, 1.0, 3.0]:
        run_cv(lambda s: make_pipeline(prep(s), M(s, alpha=a)), X, y, f'C 200x3 alpha={a} 500it')
    run_cv(lambda s: make_pipeline(prep(s), M(s, es=True)), X, y, 'C 200x3 alpha=1e-4 ES(val.15,pat30)')
    run_cv(lambda s: make_pipeline(prep(s), M(s, alpha=1e-1, es=True)), X, y, 'C 200x3 alpha=0.1 ES(val.15,pat30)')
if stage == 'b':   # width/depth at a chosen alpha
    a = float(sys.argv[2])
    for h in [(64,), (256,), (128, 64), (256, 256), (512, 256, 128)]:
        run_cv(lambda s: make_pipeline(prep(s), M(s, h=h, alpha=a)), X, y, f'C {h} alpha={a} 500it')
    run_cv(lambda s: make_pipeline(prep(s), M(s, h=(200, 200, 200), alpha=a, act='tanh')), X, y, f'C 200x3 tanh alpha={a}')
