# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 10: around the best preprocessing (mean imputation, MI top-20, no transform): k robustness,
ensembling, drift-column dropping, and a check on 3 fresh CV seeds (3,4,5)."""
from common import *
from sklearn.pipeline import make_pipeline
X, y, F = load()
G = json.load(open(os.path.join(OUT, 'drift_groups.json'))); D10 = [F.index(c) for c in G['drift10']]
def M(s, h=(256,), alpha=1e-2, lr=1e-3, bs=200, it=500):
    return MLPClassifier(h, alpha=alpha, learning_rate_init=lr, batch_size=bs, max_iter=it, random_state=s)
st = sys.argv[1]
if st == '1':
    run_cv(lambda s: make_pipeline(Prep('mean', k=20, random_state=s), Ens(M(s), 5, s)), X, y, 'F mean k=20 (256,) ens K=5')
    run_cv(lambda s: make_pipeline(Prep('mean', k=20, drop_cols=D10, random_state=s), M(s)), X, y, 'F mean k=20 (256,) drop drift10')
if st == '2':
    for k in [15, 25]:
        run_cv(lambda s: make_pipeline(Prep('mean', k=k, random_state=s), M(s)), X, y, f'F mean k={k} (256,)')
    run_cv(lambda s: make_pipeline(Prep('mean', k=20, random_state=s), M(s)), X, y, 'F mean k=20 (256,) [seeds 3,4,5]', seeds=(3, 4, 5))
    run_cv(lambda s: make_pipeline(Prep('median', k=20, random_state=s), M(s)), X, y, 'F median k=20 (256,) [seeds 3,4,5]', seeds=(3, 4, 5))
