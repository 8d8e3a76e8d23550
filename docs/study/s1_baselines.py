# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 1: reproduce baselines on the seeded folds (seeds 0,1,2 x stratified 5-fold)."""
from common import *
from sklearn.pipeline import make_pipeline
from sklearn.ensemble import RandomForestClassifier, ExtraTreesClassifier, HistGradientBoostingClassifier
X, y, F = load()
mlp = lambda s: MLPClassifier((200, 200, 200), max_iter=500, random_state=s)
run_cv(lambda s: make_pipeline(Prep('median', False, 'none'), mlp(s)), X, y, 'B1 MLP200x3 median+std (no ES, 500 it)')
run_cv(lambda s: make_pipeline(Prep('median', False, 'none', scale=False),
       RandomForestClassifier(500, random_state=s, n_jobs=1)), X, y, 'B2 RF500 median-imputed')
run_cv(lambda s: make_pipeline(Prep('median', False, 'none', scale=False),
       ExtraTreesClassifier(500, random_state=s, n_jobs=1)), X, y, 'B3 ExtraTrees500 median-imputed')
run_cv(lambda s: HistGradientBoostingClassifier(random_state=s), X, y, 'B4 HistGB (native NaN)')
