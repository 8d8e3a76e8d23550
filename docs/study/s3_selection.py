# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 3: top-k mutual-information feature selection (fitted on train folds) with the same fixed MLP."""
from common import *
from sklearn.pipeline import make_pipeline
from sklearn.ensemble import RandomForestClassifier
X, y, F = load()
# how concentrated is the signal? (whole-data RF importance + MI, for description only)
P = Prep('median', scale=False).fit(X, y); Z = P.transform(X)
rf = RandomForestClassifier(500, random_state=0).fit(Z, y)
mi = mutual_info_classif(Prep('median').fit_transform(X), y, random_state=0)
imp = np.sort(rf.feature_importances_)[::-1]
print('RF importance cum. share top5/10/20/40:', [round(imp[:k].sum(), 3) for k in (5, 10, 20, 40)])
names = np.array(F)[P.keep_]
print('top15 RF:', list(names[np.argsort(-rf.feature_importances_)[:15]]))
print('top15 MI:', list(names[np.argsort(-mi)[:15]]), np.round(np.sort(mi)[::-1][:15], 2))
mlp = lambda s: MLPClassifier((200, 200, 200), max_iter=500, random_state=s)
for tf in ['none', 'slog', 'quantile']:
    for k in [10, 20, 30, 50]:
        run_cv(lambda s: make_pipeline(Prep('median', False, tf, k=k, random_state=s), mlp(s)), X, y,
               f'S {tf:8s} median ind=0 MI-top{k}')
