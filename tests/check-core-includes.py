#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The core's modules include each other one way only.

Also fails when healer-model.h, the model's public API, uses json-glib.

Reads every `#include "healer-*.h"` of src/core, maps each file to its
module (healer-mlp-train.c and healer-mlp-private.h belong to "mlp"), and
fails when a module includes one that comes after it in LAYERS (so no
include cycle can come back), when a file belongs to no module listed
here, or when a listed module has no file left. src/DESIGN.md shows the
same chain.

usage: check-core-includes.py SOURCE_ROOT
"""

import os
import re
import sys

# From the bottom up: a module may include only the modules before it.
LAYERS = [
    # Building blocks that know nothing of the rest.
    'limits', 'log', 'locale', 'text', 'relay', 'job', 'eta', 'output', 'rng', 'split', 'metrics', 'conformal',
    'parallel',
    'json',
    # The names of enumerations; healer-enum-types.h is generated from the
    # headers of later modules but declares only their GType functions.
    'enum',
    # The chain.
    'dataset', 'stats', 'simulate',
    'preprocess',
    'mlp',
    'config',
    'explanations',
    'model',
    'explain', 'drift', 'diagnose', 'sample', 'projection', 'onnx',
    'memory',
    'trainer',
    'cv',
    'calibrate',
]

# Public headers whose API carries no json-glib type: JSON is how the model
# is stored, not what its users handle (healer-model-json.h has the rest).
NO_JSON_GLIB = ['healer-model.h']
JSON_GLIB = re.compile(r'^\s*#\s*include\s+<json-glib/', re.M)

INCLUDE = re.compile(r'^\s*#\s*include\s+"(healer-[a-z0-9-]+)\.h"', re.M)
# Files named after a module but belonging to another one.
ALIASES = {'csv': 'dataset', 'optimizer': 'trainer'}


def module_of(stem):
    """healer-mlp-train -> mlp; the longest module name that prefixes it."""
    name = stem[len('healer-'):]
    best = None
    for module in list(LAYERS) + list(ALIASES):
        if name == module or name.startswith(module + '-'):
            if best is None or len(module) > len(best):
                best = module
    return ALIASES.get(best, best)


def main():
    core = os.path.join(sys.argv[1], 'src', 'core')
    rank = {m: i for i, m in enumerate(LAYERS)}
    problems = []
    seen = set()
    edges = {}
    for entry in sorted(os.listdir(core)):
        stem, ext = os.path.splitext(entry)
        if ext not in ('.c', '.h') or not stem.startswith('healer-'):
            continue
        src = module_of(stem)
        if src is None:
            problems.append(f'src/core/{entry}: belongs to no module of the chain; '
                            'add its module to LAYERS in tests/check-core-includes.py '
                            'and to src/DESIGN.md')
            continue
        seen.add(src)
        with open(os.path.join(core, entry), encoding='utf-8') as f:
            text = f.read()
        if entry in NO_JSON_GLIB and (JSON_GLIB.search(text) or re.search(r'\bJson[A-Z]', text)):
            problems.append(f'src/core/{entry}: a public header without json-glib types; '
                            'JSON-building API goes in healer-model-json.h')
        for included in INCLUDE.findall(text):
            dst = module_of(included)
            if dst is None:
                problems.append(f'src/core/{entry}: includes {included}.h, of no known module')
                continue
            if dst == src:
                continue
            edges.setdefault((src, dst), []).append(entry)
            if rank[dst] > rank[src]:
                problems.append(f'src/core/{entry}: {src} includes {included}.h, but '
                                f'{dst} comes after {src} in the chain '
                                f'({" → ".join(LAYERS[rank[src]:rank[dst] + 1])})')
    for module in LAYERS:
        if module not in seen:
            problems.append(f'module {module} has no file in src/core: remove it from LAYERS')
    print(f'{len(seen)} modules, {len(edges)} include edges between modules')
    for p in problems:
        print('FAIL:', p)
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
