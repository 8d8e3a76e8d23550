# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared code: data loading, a preprocessing block that mirrors the C engine's
building blocks, MLP ensemble wrapper, and the 3-seed x 5-fold CV harness."""
import numpy as np, pandas as pd, time, json, os, sys
from sklearn.base import BaseEstimator, ClassifierMixin, TransformerMixin, clone
from sklearn.preprocessing import QuantileTransformer
from sklearn.feature_selection import mutual_info_classif
from sklearn.model_selection import StratifiedKFold
from sklearn.metrics import f1_score, accuracy_score, confusion_matrix
from sklearn.neural_network import MLPClassifier

# The real data is never copied into the project: it sits beside it, in
# ../shared/data, or wherever HEALER_SHARED_DATA points.
DATA = os.environ.get('HEALER_SHARED_DATA',
                      os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                   '..', '..', '..', 'shared', 'data')) + os.sep
# Logs and derived statistics (never raw data) go here.
OUT = os.environ.get('HEALER_STUDY_OUT', '/tmp/healer-study')
os.makedirs(OUT, exist_ok=True)
SEEDS = (0, 1, 2)

def load():
    L = pd.read_csv(DATA + 'kpi_labelled.csv')
    F = [c for c in L.columns if c.startswith('feature')]
    return L[F].to_numpy(float), L['label'].to_numpy(int), F

def slog(x):
    return np.sign(x) * np.log1p(np.abs(x))

class Prep(BaseEstimator, TransformerMixin):
    """drop constant -> impute (median|mean) -> [indicators] -> transform -> standardise -> [MI top-k]
    Everything is fitted on the training fold only. Indicator columns are 0/1 and appended
    after standardisation (not transformed/standardised)."""
    def __init__(self, impute='median', indicators=False, tf='none', scale=True,
                 k=None, drop_cols=None, n_quantiles=128, random_state=0, mi_tf=None, clip=None):
        self.impute = impute; self.indicators = indicators; self.tf = tf
        self.scale = scale; self.k = k; self.drop_cols = drop_cols
        self.n_quantiles = n_quantiles; self.random_state = random_state; self.mi_tf = mi_tf; self.clip = clip

    def _base(self, X):
        X = X[:, self.keep_]
        M = np.isnan(X)
        X = np.where(M, self.fill_, X)
        if self.tf == 'slog':
            X = slog(X)
        elif self.tf == 'quantile':
            X = self.qt_.transform(X)
        elif self.tf == 'quantile_u':
            X = self.qt_.transform(X)
        elif self.tf == 'none+quantile':
            X = np.hstack([X, self.qt_.transform(X)])
        if self.scale:
            X = (X - self.mu_) / self.sd_
        if self.clip is not None:
            X = np.clip(X, -self.clip, self.clip)
        if self.indicators:
            X = np.hstack([X, M[:, self.ind_].astype(float)])
        return X

    def fit(self, X, y=None):
        p = X.shape[1]
        keep = np.ones(p, bool)
        if self.drop_cols is not None:
            keep[list(self.drop_cols)] = False
        Xo = X
        nun = np.array([len(np.unique(c[~np.isnan(c)])) for c in Xo.T])
        keep &= nun > 1                                   # drop constant features
        self.keep_ = np.where(keep)[0]
        X = X[:, self.keep_]
        M = np.isnan(X)
        self.fill_ = np.nanmedian(X, 0) if self.impute == 'median' else np.nanmean(X, 0)
        self.ind_ = np.where(M.any(0))[0]
        Xf = np.where(M, self.fill_, X)
        if self.tf == 'slog':
            Xf = slog(Xf)
        elif self.tf == 'quantile':
            self.qt_ = QuantileTransformer(output_distribution='normal', n_quantiles=self.n_quantiles,
                                           random_state=self.random_state).fit(Xf)
            Xf = self.qt_.transform(Xf)
        elif self.tf in ('quantile_u', 'none+quantile'):
            dist = 'uniform' if self.tf == 'quantile_u' else 'normal'
            self.qt_ = QuantileTransformer(output_distribution=dist, n_quantiles=self.n_quantiles,
                                           random_state=self.random_state).fit(Xf)
            Xf = self.qt_.transform(Xf) if self.tf == 'quantile_u' else np.hstack([Xf, self.qt_.transform(Xf)])
        self.mu_ = Xf.mean(0); sd = Xf.std(0); sd[sd == 0] = 1.0; self.sd_ = sd
        self.sel_ = None
        if self.k is not None:
            if self.mi_tf is None or self.mi_tf == self.tf:
                Z = self._base(Xo)
            else:   # compute MI on a differently-transformed copy (same column order)
                Z = Prep(self.impute, self.indicators, self.mi_tf, self.scale, None, self.drop_cols,
                         self.n_quantiles, self.random_state).fit(Xo, y).transform(Xo)
            mi = mutual_info_classif(Z, y, random_state=self.random_state)
            self.sel_ = np.sort(np.argsort(-mi)[:self.k])
        return self

    def transform(self, X):
        Z = self._base(X)
        return Z if self.sel_ is None else Z[:, self.sel_]

class Ens(BaseEstimator, ClassifierMixin):
    """Average predicted probabilities of K clones of `base`, differing only in random_state."""
    def __init__(self, base, K=1, seed=0, bootstrap=False, feat_frac=1.0):
        self.base = base; self.K = K; self.seed = seed; self.bootstrap = bootstrap; self.feat_frac = feat_frac
    def fit(self, X, y):
        self.classes_ = np.unique(y)
        self.models_ = []
        for i in range(self.K):
            m = clone(self.base)
            m.set_params(**{('random_state'): 1000 * self.seed + i})
            rng = np.random.RandomState(1000 * self.seed + i)
            rows = rng.randint(0, len(y), len(y)) if self.bootstrap else np.arange(len(y))
            cols = np.sort(rng.choice(X.shape[1], max(1, int(round(self.feat_frac * X.shape[1]))), replace=False))
            self.models_.append((cols, m.fit(X[rows][:, cols], y[rows])))
        return self
    def predict_proba(self, X):
        return np.mean([m.predict_proba(X[:, c]) for c, m in self.models_], 0)
    def predict(self, X):
        return self.classes_[self.predict_proba(X).argmax(1)]

def run_cv(make_model, X, y, name, seeds=SEEDS, verbose=True, log=os.path.join(OUT, 'results.jsonl')):
    """make_model(seed) -> unfitted estimator (pipeline). Returns dict of results."""
    t0 = time.time()
    f1s, accs, pcs, cms = [], [], [], []
    for s in seeds:
        skf = StratifiedKFold(5, shuffle=True, random_state=s)
        pred = np.empty_like(y)
        fold_f1 = []
        for tr, te in skf.split(X, y):
            m = make_model(s).fit(X[tr], y[tr])
            pred[te] = m.predict(X[te])
            fold_f1.append(f1_score(y[te], pred[te], average='macro'))
        f1s.append(np.mean(fold_f1))            # mean of 5 fold macro-F1 for this seed
        accs.append(accuracy_score(y, pred))
        pcs.append(f1_score(y, pred, average=None))
        cms.append(confusion_matrix(y, pred))
    r = dict(name=name, f1_mean=float(np.mean(f1s)), f1_std=float(np.std(f1s)),
             f1_seeds=[round(float(v), 4) for v in f1s], acc=float(np.mean(accs)),
             per_class=[round(float(v), 3) for v in np.mean(pcs, 0)],
             cm=np.sum(cms, 0).tolist(), secs=round(time.time() - t0, 1))
    if verbose:
        print(f"{name:55s} F1 {r['f1_mean']:.4f} ± {r['f1_std']:.4f}  acc {r['acc']:.4f}  "
              f"pc {r['per_class']}  ({r['secs']}s)", flush=True)
    if log:
        with open(log, 'a') as fh: fh.write(json.dumps(r) + '\n')
    return r
