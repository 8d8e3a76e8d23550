# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 5: refine k, then ensembling, then drift-column dropping.
Fixed net: one hidden layer of 256 ReLU, Adam lr 1e-3, batch 200, L2 alpha 1e-2, 500 epochs."""
from common import *
from sklearn.pipeline import make_pipeline
from sklearn.ensemble import RandomForestClassifier, ExtraTreesClassifier
X, y, F = load()
G = json.load(open(os.path.join(OUT, 'drift_groups.json')))
idx = lambda cols: [F.index(c) for c in cols]
D10 = idx(G['drift10']); DALL = idx(G['drift10'] + G['quasiconst'] + G['drift3to10'])
def M(s, h=(256,), alpha=1e-2, lr=1e-3, bs=200, it=500):
    return MLPClassifier(h, alpha=alpha, learning_rate_init=lr, batch_size=bs, max_iter=it, random_state=s)
prep = lambda s, k=20, tf='none', drop=None: Prep('median', False, tf, k=k, drop_cols=drop, random_state=s)
stage = sys.argv[1]
if stage == 'k':
    for k in [12, 15, 25]:
        run_cv(lambda s: make_pipeline(prep(s, k), M(s)), X, y, f'E k={k} (256,) a=.01')
if stage == 'ens':
    for K in [5, 10]:
        run_cv(lambda s: make_pipeline(prep(s, 20), Ens(M(s), K, s)), X, y, f'E k=20 (256,) a=.01 ens K={K}')
if stage == 'drift':
    tr = lambda s, drop: make_pipeline(Prep('median', scale=False, drop_cols=drop), RandomForestClassifier(500, random_state=s))
    run_cv(lambda s: tr(s, D10), X, y, f'D RF500 drop drift10 ({len(D10)} cols)')
    run_cv(lambda s: tr(s, DALL), X, y, f'D RF500 drop drift10+quasiconst+3-10x ({len(DALL)} cols)')
    run_cv(lambda s: make_pipeline(prep(s, 20, drop=D10), M(s)), X, y, f'D MLP k=20 (256,) drop drift10')
    run_cv(lambda s: make_pipeline(prep(s, 20, drop=DALL), M(s)), X, y, f'D MLP k=20 (256,) drop drift-all')
    run_cv(lambda s: make_pipeline(prep(s, None, drop=DALL), M(s)), X, y, f'D MLP all-kept (256,) drop drift-all')
