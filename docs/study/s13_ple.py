# SPDX-License-Identifier: GPL-3.0-or-later
"""Study 2: piecewise-linear encoding (PLE, Gorishniy et al. 2022) of numerical features for the MLP.
Every statistic (constant-drop, mean, std, MI ranking, quantile bin edges) is fitted on the training fold only.
Usage: s13_ple.py STAGE  (see bottom)."""
from common import *
from sklearn.pipeline import make_pipeline

X, y, F = load()


class PLE(BaseEstimator, TransformerMixin):
    """drop constant -> [MI top-k on mean-imputed standardised features, as in the winner] ->
    per selected feature, bin edges b_0<...<b_T = training quantiles at t/T of the NON-MISSING raw values,
    duplicates dropped (so a feature may get fewer than T bins) -> encode.
    kind : 'ple'    e_t = clip((x-b_{t-1})/(b_t-b_{t-1}), 0, 1)            (T values per feature)
           'thermo' e_t = 1[x >= b_t], t = 1..T                              (T values; e_T only for x>=max)
           'onehot' one-hot of the bin index (searchsorted in b_1..b_{T-1})  (T values)
    missing: 'mean' -> missing raw value replaced by the training mean, then encoded
             'flag' -> encoding is all zeros, plus one 0/1 missing flag per selected feature
    raw    : also append the standardised (mean-imputed) raw value of each selected feature
    open_ends: paper variant, the first/last bin are not clipped below/above (extrapolates linearly)
    center : subtract 0.5 from the encoding (keeps values in [-0.5, 0.5])."""

    def __init__(self, k=20, T=8, kind='ple', missing='mean', raw=False, center=False, open_ends=False, random_state=0):
        self.k = k; self.T = T; self.kind = kind; self.missing = missing; self.raw = raw; self.open_ends = open_ends
        self.center = center; self.random_state = random_state

    def fit(self, X, y):
        self.prep_ = Prep('mean', k=self.k, random_state=self.random_state).fit(X, y)
        p = self.prep_
        self.cols_ = p.keep_ if p.sel_ is None else p.keep_[p.sel_]
        self.fill_ = p.fill_ if p.sel_ is None else p.fill_[p.sel_]
        self.edges_ = []
        for j in self.cols_:
            v = X[:, j][~np.isnan(X[:, j])]
            self.edges_.append(np.unique(np.quantile(v, np.linspace(0, 1, self.T + 1))))
        return self

    def _enc(self, x, b):
        if self.kind == 'ple':
            lo, hi = b[:-1], b[1:]
            E = (x[:, None] - lo) / (hi - lo)
            C = np.clip(E, 0, 1)
            if self.open_ends:   # paper variant: first bin not clipped below, last bin not clipped above
                C[:, 0] = np.minimum(E[:, 0], 1); C[:, -1] = np.maximum(E[:, -1], 0)
            return C
        if self.kind == 'thermo':
            return (x[:, None] >= b[1:]).astype(float)
        if self.kind == 'onehot':
            idx = np.searchsorted(b[1:-1], x, side='right')
            return np.eye(len(b) - 1)[idx]
        raise ValueError(self.kind)

    def transform(self, X):
        out, flags = [], []
        for j, b, m in zip(self.cols_, self.edges_, self.fill_):
            x = X[:, j].copy(); miss = np.isnan(x)
            x[miss] = m
            E = self._enc(x, b)
            if self.center:
                E = E - 0.5
            if self.missing == 'flag':
                E[miss] = 0.0; flags.append(miss.astype(float)[:, None])
            out.append(E)
        Z = np.hstack(out + flags)
        if self.raw:
            Z = np.hstack([self.prep_.transform(X), Z])
        return Z


def M(s, alpha=1e-2, h=(256,)):
    return MLPClassifier(h, alpha=alpha, learning_rate_init=1e-3, batch_size=200, max_iter=500, random_state=s)


def cfg(name, seeds=SEEDS, K=1, alpha=1e-2, **kw):
    mk = (lambda s: make_pipeline(PLE(random_state=s, **kw), M(s, alpha))) if K == 1 else \
         (lambda s: make_pipeline(PLE(random_state=s, **kw), Ens(M(s, alpha), K, s)))
    return run_cv(mk, X, y, name, seeds=seeds)


if __name__ == '__main__':
    st = sys.argv[1]
    if st == 'a':          # T x feature set, alpha 1e-2, missing -> mean
        ks = [20, 40, None] if len(sys.argv) < 3 else [None if v == 'None' else int(v) for v in sys.argv[2].split(',')]
        for k in ks:
            for T in [4, 8, 16]:
                cfg(f'PLE k={k} T={T} a=1e-2 miss=mean', k=k, T=T)
    if st == 'check':      # sanity: encoder shape / edges on one fold
        P = PLE(k=20, T=8).fit(X, y); Z = P.transform(X)
        print(Z.shape, Z.min(), Z.max(), [len(b) - 1 for b in P.edges_])
    if st.startswith('alpha'):   # alpha on chosen (k, T), given as argv
        k = None if sys.argv[2] == 'None' else int(sys.argv[2]); T = int(sys.argv[3])
        for a in [1e-3, 1e-1]:
            cfg(f'PLE k={k} T={T} a={a} miss=mean', k=k, T=T, alpha=a)
    if st == 'var':        # variants on chosen (k, T, alpha)
        k = None if sys.argv[2] == 'None' else int(sys.argv[2]); T = int(sys.argv[3]); a = float(sys.argv[4])
        for name, kw in [('miss=flag', dict(missing='flag')), ('+raw', dict(raw=True)),
                         ('thermo', dict(kind='thermo')), ('onehot', dict(kind='onehot'))]:
            cfg(f'PLE k={k} T={T} a={a} {name}', k=k, T=T, alpha=a, **kw)
    if st == 'ens':        # K=5 ensemble on chosen config, then fresh seeds
        k = None if sys.argv[2] == 'None' else int(sys.argv[2]); T = int(sys.argv[3]); a = float(sys.argv[4])
        extra = json.loads(sys.argv[5]) if len(sys.argv) > 5 else {}
        tag = ' '.join(f'{u}={v}' for u, v in extra.items())
        cfg(f'PLE k={k} T={T} a={a} {tag} ens K=5', k=k, T=T, alpha=a, K=5, **extra)
        cfg(f'PLE k={k} T={T} a={a} {tag} ens K=5 [seeds 3,4,5]', seeds=(3, 4, 5), k=k, T=T, alpha=a, K=5, **extra)
    if st == 'd':          # second round around k=20 T=16
        for kw in [dict(T=16, alpha=0.3), dict(T=16, alpha=1.0), dict(T=16, alpha=0.1, raw=True),
                   dict(T=16, alpha=0.3, raw=True), dict(T=32, alpha=0.1), dict(T=16, alpha=0.1, open_ends=True)][int(sys.argv[2])::2]:
            cfg('PLE k=20 ' + ' '.join(f'{u}={v}' for u, v in kw.items()), k=20, **kw)
    if st == 'final':      # best variant: PLE k=20 T=16 + standardised raw, alpha 0.3
        if sys.argv[2] == 'ens012':
            cfg('PLE k=20 T=16 alpha=0.3 raw=True ens K=5', k=20, T=16, alpha=0.3, raw=True, K=5)
        if sys.argv[2] == 'fresh':
            cfg('PLE k=20 T=16 alpha=0.3 raw=True [seeds 3,4,5]', seeds=(3, 4, 5), k=20, T=16, alpha=0.3, raw=True)
            cfg('PLE k=20 T=16 alpha=0.3 raw=True ens K=5 [seeds 3,4,5]', seeds=(3, 4, 5), k=20, T=16, alpha=0.3, raw=True, K=5)
