# SPDX-License-Identifier: GPL-3.0-or-later
"""Diagnostics (not candidate configs): is the ceiling in the features kept or in the MLP?"""
from common import *
from sklearn.pipeline import make_pipeline
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
X, y, F = load()
for k in [20, 40]:
    run_cv(lambda s: make_pipeline(Prep('median', k=k, random_state=s), RandomForestClassifier(500, random_state=s)),
           X, y, f'X RF500 on MI-top{k} (none)')
for tf in ['none', 'slog', 'quantile']:
    run_cv(lambda s: make_pipeline(Prep('median', tf=tf, k=20, random_state=s), LogisticRegression(C=1.0, max_iter=3000)),
           X, y, f'X LogReg C=1 MI-top20 {tf}')
