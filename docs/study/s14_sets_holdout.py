#!/usr/bin/env python3
# s14_sets_holdout.py — issue 15's figures on held-out rows: prediction sets,
# the uncertain flag and the cross-fitted estimate against held-out truth
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: s14_sets_holdout.py SYSTEMHEALER-CLI LABELLED.csv [SEEDS] [TEST-SHARE] [-- TRAIN-OPTIONS…]
#
# For each seed: a stratified split of the labelled rows (TEST-SHARE held
# out, default 0.2), `train` with the default settings (calibration included)
# on the rest, `evaluate --json` on the held-out rows, `info --json` for the
# estimate the model carries. Prints one line per seed and the means; the
# standard library only, so it runs wherever the CLI does.

import csv
import json
import os
import random
import subprocess
import sys
import tempfile


def split(rows, label_index, seed, share):
    by_class = {}
    for row in rows:
        by_class.setdefault(row[label_index], []).append(row)
    rng = random.Random(seed)
    train, test = [], []
    for label in sorted(by_class):
        group = by_class[label][:]
        rng.shuffle(group)
        n_test = round(share * len(group))
        test += group[:n_test]
        train += group[n_test:]
    return train, test


def write(path, header, rows):
    with open(path, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(header)
        w.writerows(rows)


def main():
    args = sys.argv[1:]
    extra = []
    if '--' in args:
        extra = args[args.index('--') + 1:]
        args = args[:args.index('--')]
    cli, data = args[0], args[1]
    seeds = [int(s) for s in (args[2] if len(args) > 2 else '1,2,3').split(',')]
    share = float(args[3]) if len(args) > 3 else 0.2
    with open(data, newline='') as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = list(reader)
    label_index = header.index('label')
    keys = ['macro_f1', 'set_coverage', 'mean_set_size', 'flagged_share', 'errors_flagged']
    sums = {k: 0.0 for k in keys + ['estimate_macro_f1', 'estimate_set_coverage',
                                    'estimate_mean_set_size', 'estimate_flagged_share',
                                    'estimate_errors_flagged']}
    errors = flagged_errors = 0
    print('seed  macro_f1  est_f1  coverage  set_size  flagged  errors_flagged (n)')
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            train, test = split(rows, label_index, seed, share)
            tr, te, model = (os.path.join(tmp, n) for n in ('train.csv', 'test.csv', 'm.json'))
            write(tr, header, train)
            write(te, header, test)
            subprocess.run([cli, 'train', tr, '-o', model, '--quiet'] + extra, check=True,
                           stdout=subprocess.DEVNULL)
            ev = json.loads(subprocess.run([cli, 'evaluate', model, te, '--json'], check=True,
                                           stdout=subprocess.PIPE).stdout)
            est = json.loads(subprocess.run([cli, 'info', model, '--json'], check=True,
                                            stdout=subprocess.PIPE).stdout)['estimate'] or {}
            for k in keys:
                sums[k] += ev[k] if ev[k] is not None else float('nan')
            for k in ('macro_f1', 'set_coverage', 'mean_set_size', 'flagged_share',
                      'errors_flagged'):
                v = est.get(k)
                sums['estimate_' + k] += v if v is not None else float('nan')
            errors += ev['errors']
            flagged_errors += ev['errors_flagged_count']
            print('%4d  %.4f    %.4f  %.4f    %.3f     %.4f   %.4f (%d/%d)' % (
                seed, ev['macro_f1'], est.get('macro_f1', float('nan')), ev['set_coverage'],
                ev['mean_set_size'], ev['flagged_share'], ev['errors_flagged'] or 0,
                ev['errors_flagged_count'], ev['errors']))
    n = len(seeds)
    print('mean  %.4f    %.4f  %.4f    %.3f     %.4f   %.4f (pooled %d/%d = %.4f)' % (
        sums['macro_f1'] / n, sums['estimate_macro_f1'] / n, sums['set_coverage'] / n,
        sums['mean_set_size'] / n, sums['flagged_share'] / n, sums['errors_flagged'] / n,
        flagged_errors, errors, flagged_errors / errors if errors else float('nan')))
    print('the models\' own out-of-fold estimates, mean: coverage %.4f, set size %.3f, '
          'flagged %.4f, errors flagged %.4f' % (
              sums['estimate_set_coverage'] / n, sums['estimate_mean_set_size'] / n,
              sums['estimate_flagged_share'] / n, sums['estimate_errors_flagged'] / n))


if __name__ == '__main__':
    main()
