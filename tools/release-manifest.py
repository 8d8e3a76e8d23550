#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tools/release-manifest.py ARCHIVE — write the Flatpak manifest of a release
# (tools/release calls it)
#
# ARCHIVE is the source archive `meson dist` made (build/meson-dist/
# systemhealer-VERSION.tar.xz). The release manifest,
# flatpak/release/io.github.systemhealer.SystemHealer.json, is the
# development manifest with the app's source replaced by that archive, as it
# will be downloaded from the release page, pinned by its sha256: the one
# file a Flathub submission needs. tests/check-flatpak.py keeps the two in
# step. Run it after `meson dist`, commit the manifest, upload the archive.

import hashlib
import json
import os
import re
import sys

APP_ID = 'io.github.systemhealer.SystemHealer'
URL = 'https://github.com/systemhealer/systemhealer/releases/download/v{0}/systemhealer-{0}.tar.xz'


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: tools/release-manifest.py build/meson-dist/systemhealer-VERSION.tar.xz')
    archive = sys.argv[1]
    found = re.match(r'^systemhealer-(\d+\.\d+\.\d+)\.tar\.xz$', os.path.basename(archive))
    if not found:
        sys.exit('%s: not an archive of `meson dist` (systemhealer-VERSION.tar.xz)' % archive)
    version = found.group(1)
    digest = hashlib.sha256()
    with open(archive, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    with open(os.path.join(root, 'flatpak', APP_ID + '.json'), encoding='utf-8') as f:
        manifest = json.load(f)
    for module in manifest['modules']:
        if module.get('name') == 'systemhealer':
            module['sources'] = [{
                'type': 'archive',
                'url': URL.format(version),
                'sha256': digest.hexdigest(),
            }]
    out = os.path.join(root, 'flatpak', 'release', APP_ID + '.json')
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, 'w', encoding='utf-8') as f:
        f.write(json.dumps(manifest, indent=4, ensure_ascii=False) + '\n')
    print('%s: systemhealer %s, sha256 %s' % (os.path.relpath(out, root), version, digest.hexdigest()))


if __name__ == '__main__':
    main()
