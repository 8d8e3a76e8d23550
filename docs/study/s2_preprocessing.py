# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 2: preprocessing choices with the baseline MLP held fixed (200-200-200 ReLU, Adam lr 1e-3,
batch 200, alpha 1e-4, 500 iterations, no early stopping)."""
from common import *
from sklearn.pipeline import make_pipeline
X, y, F = load()
mlp = lambda s: MLPClassifier((200, 200, 200), max_iter=500, random_state=s)
for tf in ['none', 'slog', 'quantile']:
    for imp in ['median', 'mean']:
        for ind in [False, True]:
            run_cv(lambda s: make_pipeline(Prep(imp, ind, tf, random_state=s), mlp(s)), X, y,
                   f'P {tf:8s} {imp:6s} ind={int(ind)}')
