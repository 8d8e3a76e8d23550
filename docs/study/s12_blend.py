# SPDX-License-Identifier: GPL-3.0-or-later
"""Outside current engine blocks: 50/50 probability blend of the winning MLP ensemble and a random forest."""
from common import *
from sklearn.pipeline import make_pipeline
from sklearn.ensemble import RandomForestClassifier
X, y, F = load()
M = lambda s: MLPClassifier((256,), alpha=1e-2, learning_rate_init=1e-3, batch_size=200, max_iter=500, random_state=s)
class Blend(BaseEstimator, ClassifierMixin):
    def __init__(self, s=0): self.s = s
    def fit(self, X, y):
        self.a_ = make_pipeline(Prep('mean', k=20, random_state=self.s), Ens(M(self.s), 5, self.s)).fit(X, y)
        self.b_ = make_pipeline(Prep('mean', scale=False), RandomForestClassifier(500, random_state=self.s)).fit(X, y)
        self.classes_ = np.unique(y); return self
    def predict(self, X):
        return self.classes_[(self.a_.predict_proba(X) + self.b_.predict_proba(X)).argmax(1)]
run_cv(lambda s: Blend(s), X, y, 'Z blend MLP-ens(K=5) + RF500 (50/50 probs)')
