# SPDX-License-Identifier: GPL-3.0-or-later
"""Step 6a: drift between kpi_labelled and kpi_unlabelled: per-column median and IQR ratios."""
import numpy as np, pandas as pd, json, os
from common import DATA, OUT
L = pd.read_csv(DATA + 'kpi_labelled.csv'); U = pd.read_csv(DATA + 'kpi_unlabelled.csv')
F = [c for c in L.columns if c.startswith('feature')]
rows = []
def ratio(a, b):
    # robust ratio of scales: |a|/|b| with both floored at a tiny epsilon; symmetric "fold" = max(r, 1/r)
    eps = 1e-12
    a, b = abs(a) + eps, abs(b) + eps
    return a / b
for c in F:
    l, u = L[c].dropna(), U[c].dropna()
    ml, mu = l.median(), u.median()
    il = l.quantile(.75) - l.quantile(.25); iu = u.quantile(.75) - u.quantile(.25)
    # robust location shift expressed in labelled IQR units
    shift_iqr = abs(mu - ml) / (il if il > 0 else np.nan)
    rm, ri = ratio(mu, ml), ratio(iu, il)
    fold_med = max(rm, 1 / rm); fold_iqr = max(ri, 1 / ri)
    # fraction of unlabelled values falling outside the labelled [1%, 99%] range
    lo, hi = l.quantile(.01), l.quantile(.99)
    out = float(((u < lo) | (u > hi)).mean())
    rows.append(dict(col=c, med_L=ml, med_U=mu, iqr_L=il, iqr_U=iu, fold_med=fold_med, fold_iqr=fold_iqr,
                     shift_in_IQR_L=shift_iqr, sign_flip=bool(np.sign(ml) != np.sign(mu) and ml != 0 and mu != 0),
                     frac_U_outside_L1_99=out))
D = pd.DataFrame(rows)
const = [c for c in F if L[c].nunique() <= 1]
D = D[~D.col.isin(const)]
# robust 10x criterion: median AND IQR both move by >=10x (same direction irrelevant), or
# median moves >= 10x with the location shift being large relative to the labelled spread
D['drift10'] = (D.iqr_L > 0) & (((D.fold_med >= 10) & (D.fold_iqr >= 10)) | ((D.fold_med >= 10) & (D.shift_in_IQR_L >= 1)) \
               | ((D.fold_iqr >= 10) & (D.frac_U_outside_L1_99 >= 0.5)))
# quasi-constant in the labelled file (IQR 0) whose level moves in the unlabelled file
D['nuniq_L'] = [L[c].nunique() for c in D.col]
D['quasiconst_moves'] = (D.iqr_L == 0) & (D.frac_U_outside_L1_99 >= 0.5)
D['drift3to10'] = (D.iqr_L > 0) & ~D.drift10 & (D.fold_med >= 3) & (D.fold_iqr >= 3) & (D.shift_in_IQR_L >= 1)
pd.set_option('display.width', 250); pd.set_option('display.max_rows', 200)
S = D.sort_values('fold_med', ascending=False)
print(S.head(30).to_string(float_format=lambda v: f'{v:.3g}'))
drift = sorted(D[D.drift10].col, key=lambda c: int(c[7:]))
print('\nDRIFT >=10x columns:', drift, len(drift))
qc = sorted(D[D.quasiconst_moves].col, key=lambda c: int(c[7:]))
mid = sorted(D[D.drift3to10].col, key=lambda c: int(c[7:]))
print('quasi-constant in labelled, level moves:', qc, D[D.quasiconst_moves].nuniq_L.tolist())
print('3-10x drift:', mid)
json.dump(dict(drift10=drift, quasiconst=qc, drift3to10=mid), open(os.path.join(OUT, 'drift_groups.json'), 'w'))
pass
D.to_csv(os.path.join(OUT, 'drift_table.csv'), index=False)   # statistics only, no raw data
