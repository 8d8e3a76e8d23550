# SPDX-License-Identifier: GPL-3.0-or-later
"""Control for Study 2: the previous winner's pipeline (mean, k=20, standardised, (256,)) with alpha=0.3,
to separate the effect of PLE from the effect of the larger L2."""
from common import *
from sklearn.pipeline import make_pipeline
X, y, F = load()
seeds = (0, 1, 2) if sys.argv[1] == '012' else (3, 4, 5)
M = lambda s: MLPClassifier((256,), alpha=0.3, learning_rate_init=1e-3, batch_size=200, max_iter=500, random_state=s)
run_cv(lambda s: make_pipeline(Prep('mean', k=20, random_state=s), M(s)), X, y, f'CTRL mean k=20 (256,) alpha=0.3 no PLE [seeds {seeds}]', seeds=seeds)
