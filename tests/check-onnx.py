#!/usr/bin/env python3
# check-onnx.py — `systemhealer-cli export` against ONNX Runtime itself
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-onnx.py file    SYSTEMHEALER-CLI
#        check-onnx.py runtime SYSTEMHEALER-CLI NODE ONNX-RUN.JS
#
# "file" needs nothing but the CLI: it decodes the exported protobuf with an
# independent reader (below) and checks the interface, the metadata, that
# two exports are byte-identical, and the command's refusals (no -o, the
# model as its own output, a damaged model), which must leave every file
# as it was.
#
# "runtime" trains small models on simulated data — one per transform the
# trainer offers (none, signed-log, quantile, ple), with missing-value
# indicators, KPI selection, ensembles of two and each activation — exports
# them, runs them under ONNX Runtime (npm's onnxruntime-node under the
# machine's node, through onnx-run.js) on files with and without missing
# values and with extreme values, and requires the probabilities to match
# `predict`'s within 1e-5 and the labels to match; then the same on the real
# data in HEALER_SHARED_DATA when it is there. onnxruntime-node is looked
# for in NODE_PATH, else in $XDG_CACHE_HOME/systemhealer-tests/node_modules
# (~/.cache/… by default), where
# tools/dev installs it (`npm install onnxruntime-node --ignore-scripts`;
# the Linux x64 library is inside the package). Without node or the package
# the test is skipped, saying so.

import csv
import json
import math
import os
import struct
import subprocess
import sys
import tempfile

SKIP = 77
TOLERANCE = 1e-5
MISSING = {'', 'NA', 'NaN', 'N/A', 'null', '#N/A'}   # healer-csv-number.c


def run(*args, check=True, env=None):
    p = subprocess.run([str(a) for a in args], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       encoding='utf-8', errors='replace', env=env)
    if check and p.returncode != 0:
        raise SystemExit('%s failed (%d):\n%s' % (' '.join(map(str, args)), p.returncode, p.stderr))
    return p


# ---- an independent protobuf reader, enough for ModelProto ----

def varint(buf, i):
    v = shift = 0
    while True:
        b = buf[i]
        i += 1
        v |= (b & 0x7f) << shift
        shift += 7
        if b < 0x80:
            return v, i


def fields(buf):
    """(field number, wire type, value) of each field of a message."""
    i, out = 0, []
    while i < len(buf):
        key, i = varint(buf, i)
        field, wire = key >> 3, key & 7
        if wire == 0:
            v, i = varint(buf, i)
        elif wire == 2:
            n, i = varint(buf, i)
            v = buf[i:i + n]
            if len(v) != n:
                raise ValueError('truncated field %d' % field)
            i += n
        elif wire == 5:
            v = buf[i:i + 4]
            i += 4
        elif wire == 1:
            v = buf[i:i + 8]
            i += 8
        else:
            raise ValueError('wire type %d' % wire)
        out.append((field, wire, v))
    if i != len(buf):
        raise ValueError('message overruns its length')
    return out


def first(msg, number, default=None):
    for f, _, v in fields(msg):
        if f == number:
            return v
    return default


def every(msg, number):
    return [v for f, _, v in fields(msg) if f == number]


def decode_model(data):
    graph = first(data, 7)
    model = {
        'ir_version': first(data, 1),
        'producer': first(data, 2, b'').decode(),
        'opsets': [(first(o, 1, b'').decode(), first(o, 2)) for o in every(data, 8)],
        'metadata': {first(e, 1).decode(): first(e, 2).decode() for e in every(data, 14)},
        'nodes': [first(n, 4).decode() for n in every(graph, 1)],
        'n_initializers': len(every(graph, 5)),
    }

    def value_info(vi):
        tensor = first(first(vi, 2), 1)
        dims = []
        for d in every(first(tensor, 2), 1):
            value = first(d, 1)
            dims.append(value if value is not None else first(d, 2).decode())
        return first(vi, 1).decode(), first(tensor, 1), dims

    model['inputs'] = [value_info(v) for v in every(graph, 11)]
    model['outputs'] = [value_info(v) for v in every(graph, 12)]
    return model


# ---- helpers ----

def info(cli, model):
    return json.loads(run(cli, 'info', '--json', model).stdout)


def read_matrix(path, features):
    """Rows of @path as floats in @features order (NaN for a missing cell)."""
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    values = []
    for r in rows:
        for name in features:
            t = r[name].strip()
            values.append(math.nan if t in MISSING else float(t))
    return len(rows), values


def write_f32(path, values):
    with open(path, 'wb') as f:
        f.write(struct.pack('<%df' % len(values), *values))


def read_predictions(path, class_ids):
    with open(path, newline='') as f:
        rows = list(csv.DictReader(f))
    return [([float(r['p%d' % c]) for c in class_ids], int(r['diagnosed_label'])) for r in rows]


def compare(name, cli, node, runner, model, data, work, env, report):
    """Runs @model on @data in predict and in ONNX Runtime; returns failures."""
    description = info(cli, model)
    features = description['features']
    class_ids = [c['id'] for c in description['classes']]
    onnx = os.path.join(work, 'model.onnx')
    run(cli, 'export', model, '-o', onnx)
    predictions = os.path.join(work, 'predictions.csv')
    run(cli, 'predict', model, data, '-o', predictions)
    expected = read_predictions(predictions, class_ids)

    n, values = read_matrix(data, features)
    x = os.path.join(work, 'kpis.f32')
    write_f32(x, values)
    out = run(node, runner, onnx, x, n, len(features), env=env)
    got = json.loads(out.stdout)

    failures = []
    p, label = got['probabilities'], got['label']
    if p['type'] != 'float32' or p['dims'] != [n, len(class_ids)]:
        failures.append('%s: probabilities are %s %s' % (name, p['type'], p['dims']))
    if label['type'] != 'int64' or label['dims'] != [n]:
        failures.append('%s: label is %s %s' % (name, label['type'], label['dims']))
    if failures:
        return failures

    worst, labels_off = 0.0, 0
    k = len(class_ids)
    for i, (probs, lab) in enumerate(expected):
        row = p['data'][i * k:(i + 1) * k]
        # A NaN difference is the worst there is (max() would drop it).
        worst = max(worst, max(abs(a - b) if math.isfinite(a) else math.inf
                               for a, b in zip(row, probs)))
        if label['data'][i] != lab:
            # Two classes within rounding of each other may fall either way.
            top = sorted(row, reverse=True)
            if top[0] - top[1] > 2 * TOLERANCE:
                labels_off += 1
    missing = sum(1 for v in values if math.isnan(v))
    report.append('%-40s %5d rows %6d missing cells  max |ORT - predict| = %.2e'
                  % (name, n, missing, worst))
    if not worst <= TOLERANCE:
        failures.append('%s: probabilities differ by %.3g (> %g)' % (name, worst, TOLERANCE))
    if labels_off:
        failures.append('%s: %d labels differ' % (name, labels_off))
    return failures


def extreme_copy(source, train, dest, seed):
    """@source with some cells replaced by huge values of either sign and
    by values taken from the training file (which land on quantile knots
    and PLE edges), to reach the clipping and the ties."""
    with open(train, newline='') as f:
        train_rows = list(csv.DictReader(f))
    with open(source, newline='') as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        rows = list(reader)
    kpis = [h for h in header if h not in ('sample_id', 'label')]
    state = seed
    for i, r in enumerate(rows):
        for j, name in enumerate(kpis):
            state = (state * 6364136223846793005 + 1442695040888963407) % 2 ** 64
            pick = (state >> 33) % 40
            if pick == 0:
                r[name] = '1e30'
            elif pick == 1:
                r[name] = '-1e30'
            elif pick < 12:
                r[name] = train_rows[(i * 7 + j) % len(train_rows)][name]
    with open(dest, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator='\n')
        w.writeheader()
        w.writerows(rows)


def discretise(path):
    """Every third KPI of @path rounded to one significant digit, in place:
    training columns with few distinct values give runs of equal quantile
    knots and merged PLE edges, and new rows that fall exactly on them."""
    with open(path, newline='') as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames
        rows = list(reader)
    kpis = [h for h in header if h not in ('sample_id', 'label')]
    for r in rows:
        for name in kpis[::3]:
            if r[name].strip() not in MISSING:
                r[name] = '%.1g' % float(r[name])
    with open(path, 'w', newline='') as f:
        w = csv.DictWriter(f, fieldnames=header, lineterminator='\n')
        w.writeheader()
        w.writerows(rows)


# ---- the two modes ----

def check_file(cli):
    failures = []
    with tempfile.TemporaryDirectory() as work:
        data = os.path.join(work, 'train.csv')
        model = os.path.join(work, 'model.json')
        run(cli, 'simulate', '-o', data, '--samples', 200, '--seed', 1, '--missing-rate', 0.1)
        run(cli, 'train', data, '-o', model, '--epochs', 5, '--hidden', '8', '--ensemble', 2,
            '--transform', 'ple', '--missing-indicators')
        description = info(cli, model)
        a, b = os.path.join(work, 'a.onnx'), os.path.join(work, 'b.onnx')
        p = run(cli, 'export', model, '-o', a)
        if 'operator set 13' not in p.stderr:
            failures.append('export does not say what it wrote: %r' % p.stderr)
        run(cli, 'export', model, '-o', b)
        with open(a, 'rb') as f:
            exported = f.read()
        with open(b, 'rb') as f:
            if f.read() != exported:
                failures.append('two exports of one model differ')
        stdout = subprocess.run([cli, 'export', model, '-o', '-'], stdout=subprocess.PIPE).stdout
        if stdout != exported:
            failures.append('export -o - differs from export -o FILE')

        m = decode_model(exported)
        features = description['features']
        classes = description['classes']
        if m['ir_version'] != 7 or m['opsets'] != [('', 13)] or m['producer'] != 'SystemHealer':
            failures.append('header: IR %r, opsets %r, producer %r'
                            % (m['ir_version'], m['opsets'], m['producer']))
        if m['inputs'] != [('kpis', 1, ['N', len(features)])]:
            failures.append('inputs: %r' % m['inputs'])
        if m['outputs'] != [('probabilities', 1, ['N', len(classes)]), ('label', 7, ['N'])]:
            failures.append('outputs: %r' % m['outputs'])
        meta = m['metadata']
        if json.loads(meta.get('kpis', 'null')) != features:
            failures.append('metadata kpis: %r' % meta.get('kpis'))
        if json.loads(meta.get('class_names', 'null')) != [c['name'] for c in classes]:
            failures.append('metadata class_names: %r' % meta.get('class_names'))
        if json.loads(meta.get('class_ids', 'null')) != [c['id'] for c in classes]:
            failures.append('metadata class_ids: %r' % meta.get('class_ids'))
        if meta.get('weights_sha256') != description['weights_sha256']:
            failures.append('metadata weights_sha256: %r' % meta.get('weights_sha256'))
        # What makes a diagnosis unsure travels with the graph.
        if float(meta.get('confidence_threshold', 'nan')) != description['confidence_threshold']:
            failures.append('metadata confidence_threshold: %r' % meta.get('confidence_threshold'))
        sets = description.get('prediction_sets')
        if sets is not None and (float(meta.get('set_threshold', 'nan')) != sets['threshold']
                                 or float(meta.get('coverage', 'nan')) != sets['coverage']):
            failures.append('metadata set_threshold %r / coverage %r, not %r'
                            % (meta.get('set_threshold'), meta.get('coverage'), sets))
        if sets is None and 'set_threshold' in meta:
            failures.append('metadata set_threshold without prediction sets')
        # Two members, each Gemm–activation–Gemm–Softmax, then their average.
        if m['nodes'].count('Gemm') != 4 or m['nodes'].count('Softmax') != 2 or 'Sum' not in m['nodes']:
            failures.append('graph nodes: %r' % m['nodes'])

        # Refusals: usage errors exit 2, a bad model 1, and nothing is touched.
        with open(model, 'rb') as f:
            model_bytes = f.read()
        for args, status in (((model,), 2), ((model, '-o', model), 2),
                             ((model, '-o', os.path.join(work, '.', 'model.json')), 2)):
            p = run(cli, 'export', *args, check=False)
            if p.returncode != status or 'export' not in p.stderr:
                failures.append('export %s: exit %d, %r' % (' '.join(args), p.returncode, p.stderr))
        with open(model, 'rb') as f:
            if f.read() != model_bytes:
                failures.append('export damaged the model file')
        damaged = os.path.join(work, 'damaged.json')
        with open(damaged, 'wb') as f:
            f.write(model_bytes[:len(model_bytes) // 2])
        target = os.path.join(work, 'damaged.onnx')
        p = run(cli, 'export', damaged, '-o', target, check=False)
        if p.returncode != 1 or os.path.exists(target) or 'damaged.json' not in p.stderr:
            failures.append('export of a damaged model: exit %d, output %s, %r'
                            % (p.returncode, os.path.exists(target), p.stderr))
        if sorted(os.listdir(work)) != sorted(['train.csv', 'model.json', 'a.onnx', 'b.onnx',
                                              'damaged.json']):
            failures.append('files left behind: %r' % sorted(os.listdir(work)))
    return failures


def env_cache_dir():
    return os.path.join(os.environ.get('XDG_CACHE_HOME') or
                        os.path.join(os.path.expanduser('~'), '.cache'),
                        'systemhealer-tests', 'node_modules')


def node_env(node):
    env = dict(os.environ)
    cache = env_cache_dir()
    env['NODE_PATH'] = os.pathsep.join(p for p in (env.get('NODE_PATH'), cache) if p)
    probe = subprocess.run([node, '-e', "require('onnxruntime-node')"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return env if probe.returncode == 0 else None


def check_runtime(cli, node, runner):
    if not node:
        print('SKIP: node not found (tools/dev installs nodejs and npm)')
        sys.exit(SKIP)
    env = node_env(node)
    if env is None:
        print('SKIP: onnxruntime-node not found in NODE_PATH nor in '
              '%s (tools/dev installs it)' % env_cache_dir())
        sys.exit(SKIP)

    failures, report = [], []
    # transform, activation, extra training options
    cases = [
        ('none', 'relu', ['--no-missing-indicators']),
        ('signed-log', 'tanh', ['--missing-indicators']),
        ('quantile', 'leaky-relu', ['--missing-indicators']),
        ('ple', 'relu', ['--missing-indicators', '--no-select']),
    ]
    with tempfile.TemporaryDirectory() as work:
        train = os.path.join(work, 'train.csv')
        run(cli, 'simulate', '-o', train, '--samples', 300, '--seed', 1, '--missing-rate', 0.08)
        discretise(train)
        sets = {}
        for label, seed, rate in (('missing', 2, 0.15), ('complete', 3, 0)):
            sets[label] = os.path.join(work, '%s.csv' % label)
            run(cli, 'simulate', '-o', sets[label], '--samples', 200, '--seed', seed,
                '--missing-rate', rate)
            discretise(sets[label])
        sets['extreme'] = os.path.join(work, 'extreme.csv')
        extreme_copy(sets['missing'], train, sets['extreme'], 7)

        for transform, activation, extra in cases:
            model = os.path.join(work, 'model-%s.json' % transform)
            run(cli, 'train', train, '-o', model, '--epochs', 8, '--hidden', '12,8',
                '--ensemble', 2, '--transform', transform, '--activation', activation, *extra)
            for label, data in sets.items():
                failures += compare('simulated, %s, %s values' % (transform, label),
                                    cli, node, runner, model, data, work, env, report)

        shared = os.environ.get('HEALER_SHARED_DATA', '')
        labelled = os.path.join(shared, 'kpi_labelled.csv')
        unlabelled = os.path.join(shared, 'kpi_unlabelled.csv')
        if os.path.isfile(labelled) and os.path.isfile(unlabelled):
            for transform in ('none', 'quantile'):
                model = os.path.join(work, 'real-%s.json' % transform)
                run(cli, 'train', labelled, '-o', model, '--epochs', 10, '--ensemble', 2,
                    '--transform', transform)
                for data in (labelled, unlabelled):
                    failures += compare('real %s, %s' % (os.path.basename(data), transform),
                                        cli, node, runner, model, data, work, env, report)
        else:
            report.append('real data not found in HEALER_SHARED_DATA (%s): that part skipped'
                          % (shared or 'unset'))

    print('\n'.join(report))
    return failures


def main():
    if len(sys.argv) >= 3 and sys.argv[1] == 'file':
        failures = check_file(sys.argv[2])
    elif len(sys.argv) == 5 and sys.argv[1] == 'runtime':
        failures = check_runtime(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        sys.exit('usage: check-onnx.py file CLI | runtime CLI NODE ONNX-RUN.JS')
    for f in failures:
        print('FAIL:', f)
    sys.exit(1 if failures else 0)


if __name__ == '__main__':
    main()
