# SPDX-License-Identifier: GPL-3.0-or-later
"""Which features does MI top-20 (mean imputation, no transform, standardised) pick across the 15 train folds?"""
from common import *
from collections import Counter
X, y, F = load(); G = json.load(open(os.path.join(OUT, 'drift_groups.json')))
bad = set(G['drift10'] + G['quasiconst'] + G['drift3to10'])
cnt = Counter()
for s in SEEDS:
    for tr, te in StratifiedKFold(5, shuffle=True, random_state=s).split(X, y):
        P = Prep('mean', k=20, random_state=s).fit(X[tr], y[tr])
        cnt.update(np.array(F)[P.keep_][P.sel_])
print(sorted(cnt.items(), key=lambda t: -t[1]))
print('drifting columns ever selected:', sorted(set(cnt) & bad))
