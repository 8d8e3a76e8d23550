#!/usr/bin/env python3
# neighbours.py — are the rows the MLP always gets wrong in another class's neighbourhood?
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: neighbours.py MODEL.json OOF.txt
#
# MODEL.json: the default model trained on every row (its selected KPIs
# define the space); OOF.txt: the output of oof_errors. Standardises those
# KPIs on every row (mean imputation, as the engine does) and prints the
# leave-one-out k-NN accuracy for a few k and, for each row wrong in every
# repeat, the classes of its 7 nearest neighbours. Descriptive: the scaling
# and the KPI list come from all rows, so this is not a cross-validated score.
# Plain Python, no third-party module; reads the data from ../shared/data
# (or HEALER_SHARED_DATA) and prints only statistics.

import collections
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.environ.get('HEALER_SHARED_DATA',
                      os.path.join(HERE, '..', '..', '..', '..', 'shared', 'data'))


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: neighbours.py MODEL.json OOF.txt')
    with open(sys.argv[1], encoding='utf-8') as f:
        model = json.load(f)
    names = [model['features'][i] for i in model['preprocessing']['selected']]
    with open(os.path.join(DATA, 'kpi_labelled.csv'), encoding='utf-8') as f:
        rows = list(csv.DictReader(f))
    y = [int(r['label']) for r in rows]

    def number(s):
        try:
            return float(s)
        except ValueError:
            return None

    x = [[number(r[n]) for n in names] for r in rows]
    for j in range(len(names)):
        seen = [v[j] for v in x if v[j] is not None]
        mean = sum(seen) / len(seen)
        sd = (sum((s - mean) ** 2 for s in seen) / len(seen)) ** 0.5 or 1.0
        for v in x:
            v[j] = 0.0 if v[j] is None else (v[j] - mean) / sd

    def neighbours(i, k):
        d = sorted((sum((a - b) ** 2 for a, b in zip(x[i], x[m])), y[m])
                   for m in range(len(x)) if m != i)
        return [label for _, label in d[:k]]

    for k in (1, 3, 5, 9):
        right = sum(collections.Counter(neighbours(i, k)).most_common(1)[0][0] == y[i]
                    for i in range(len(x)))
        print('leave-one-out %d-NN accuracy on the %d selected KPIs: %.3f'
              % (k, len(names), right / len(x)))

    always, other = 0, 0
    with open(sys.argv[2], encoding='utf-8') as f:
        for line in f:
            t = line.split()
            if not line.startswith('row ') or any(p == t[3] for p in t[5:]):
                continue
            i = int(t[1])
            near = neighbours(i, 7)
            always += 1
            other += near.count(y[i]) < 4
            print('row %d, class %d, predicted %s; its 7 nearest rows: %s'
                  % (i, y[i], ' '.join(t[5:]), ' '.join(map(str, near))))
    print('%d rows wrong in every repeat; %d of them have a majority of other classes '
          'among their 7 nearest rows' % (always, other))


if __name__ == '__main__':
    main()
