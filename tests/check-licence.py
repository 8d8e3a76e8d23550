#!/usr/bin/env python3
# check-licence.py — every file says its licence, and the licence texts are there
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-licence.py SOURCE-ROOT [REUSE]
#
# Checks, on the files of the checkout (git ls-files) or, in a release
# archive without .git, on every file of the tree:
#   - COPYING is the GNU GPL version 3, the licence every source file names;
#   - every file that can hold a comment has an SPDX-License-Identifier line
#     near its top; the others (CSV, PNG, ICO, JSON) are covered by
#     .reuse/dep5, the one place that names the copyright holder;
#   - the metainfo's SPDX line and its <metadata_license> agree (CC0-1.0);
#   - .gitattributes keeps LF endings and leaves CSV files alone;
#   - with REUSE (Debian's `reuse`), `reuse lint` passes in a git checkout.

import os
import re
import subprocess
import sys

APP_ID = 'io.github.systemhealer.SystemHealer'
HOLDER = 'The SystemHealer authors'
NO_COMMENT = ('.csv', '.png', '.ico', '.json')
# Licence texts and files that are not ours to annotate.
EXEMPT = re.compile(r'^(COPYING|LICENSES/.*|\.reuse/dep5)$')
SPDX = re.compile(r'SPDX-License-Identifier:\s*([A-Za-z0-9.+-]+)')
SKIP_DIRS = re.compile(r'^(\.git|build.*|_build|subprojects|__pycache__|meson-(logs|private|dist))$')


def tracked_files(root):
    if os.path.isdir(os.path.join(root, '.git')) or os.path.isfile(os.path.join(root, '.git')):
        try:
            out = subprocess.run(['git', '-C', root, 'ls-files', '-z'], check=True,
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
            return [f for f in out.decode('utf-8').split('\0') if f], True
        except (OSError, subprocess.CalledProcessError):
            pass
    files = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not SKIP_DIRS.match(d)]
        for name in names:
            files.append(os.path.relpath(os.path.join(folder, name), root).replace(os.sep, '/'))
    return files, False


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit('usage: check-licence.py SOURCE-ROOT [REUSE]')
    root = sys.argv[1]
    reuse = sys.argv[2] if len(sys.argv) == 3 and sys.argv[2] else None
    failures = []

    with open(os.path.join(root, 'COPYING'), encoding='utf-8') as f:
        copying = f.read()
    if not re.match(r'\s*GNU GENERAL PUBLIC LICENSE\s+Version 3, 29 June 2007', copying) \
            or 'END OF TERMS AND CONDITIONS' not in copying:
        failures.append('COPYING is not the text of the GNU GPL version 3')

    files, in_git = tracked_files(root)
    n_headers = n_dep5 = 0
    for rel in sorted(files):
        if EXEMPT.match(rel):
            continue
        path = os.path.join(root, rel)
        if os.path.islink(path) or not os.path.isfile(path):
            continue
        if rel.endswith(NO_COMMENT):
            n_dep5 += 1
            continue
        with open(path, 'rb') as f:
            head = f.read(4096).decode('utf-8', errors='replace')
        m = SPDX.search(head)
        if not m:
            failures.append('%s: no SPDX-License-Identifier line near the top' % rel)
            continue
        n_headers += 1
        if m.group(1) not in ('GPL-3.0-or-later', 'CC0-1.0'):
            failures.append('%s: licence %s is neither GPL-3.0-or-later nor CC0-1.0' % (rel, m.group(1)))

    # The store's metadata is CC0-1.0, and says so in the same words twice.
    metainfo = os.path.join(root, 'data', APP_ID + '.metainfo.xml.in')
    with open(metainfo, encoding='utf-8') as f:
        text = f.read()
    spdx = SPDX.search(text)
    meta = re.search(r'<metadata_license>([^<]*)</metadata_license>', text)
    if not spdx or not meta or spdx.group(1) != meta.group(1) or meta.group(1) != 'CC0-1.0':
        failures.append('metainfo: SPDX line %r and metadata_license %r must both be CC0-1.0'
                        % (spdx and spdx.group(1), meta and meta.group(1)))
    if '<project_license>GPL-3.0-or-later</project_license>' not in text:
        failures.append('metainfo: project_license is not GPL-3.0-or-later')

    with open(os.path.join(root, '.reuse', 'dep5'), encoding='utf-8') as f:
        dep5 = f.read()
    if not re.search(r'^Files: \*\nCopyright: \d{4} %s\nLicense: GPL-3.0-or-later$' % HOLDER, dep5, re.M):
        failures.append('.reuse/dep5 does not give every file to %s under GPL-3.0-or-later' % HOLDER)
    for lic in ('GPL-3.0-or-later', 'CC0-1.0'):
        if not os.path.isfile(os.path.join(root, 'LICENSES', lic + '.txt')):
            failures.append('LICENSES/%s.txt is missing' % lic)

    with open(os.path.join(root, '.gitattributes'), encoding='utf-8') as f:
        attributes = [l.split() for l in f if l.strip() and not l.startswith('#')]
    for needed in (['*', 'text=auto', 'eol=lf'], ['*.csv', '-text'], ['*.png', 'binary']):
        if needed not in attributes:
            failures.append('.gitattributes lacks "%s"' % ' '.join(needed))

    if reuse and in_git:
        proc = subprocess.run([reuse, '--root', root, 'lint'], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True)
        if proc.returncode != 0:
            print(proc.stdout)
            failures.append('reuse lint fails')
        else:
            print('reuse lint: compliant')
    elif reuse:
        print('reuse lint: skipped outside a git checkout')

    for f in failures:
        print(f)
    if failures:
        sys.exit('%d licensing problem(s)' % len(failures))
    print('%d files with an SPDX line, %d covered by .reuse/dep5, COPYING is the GPL-3.0'
          % (n_headers, n_dep5))


if __name__ == '__main__':
    main()
