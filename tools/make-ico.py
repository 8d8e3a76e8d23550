#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# tools/make-ico.py — the Windows icon of the programs, from the app icon
#
# Renders data/icons/hicolor/scalable/apps/APP-ID.svg with rsvg-convert
# (Debian: librsvg2-bin) at the sizes Windows shows (16 to 256 px) and packs
# the PNGs into data/windows/systemhealer.ico, which data/windows/
# systemhealer.rc.in puts into the .exe files. Run it after changing the
# icon and commit the result; the test `windows-icon` checks the file.

import os
import shutil
import struct
import subprocess
import sys

APP_ID = 'io.github.systemhealer.SystemHealer'
SIZES = (16, 20, 24, 32, 40, 48, 64, 128, 256)


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    svg = os.path.join(root, 'data', 'icons', 'hicolor', 'scalable', 'apps', APP_ID + '.svg')
    out = os.path.join(root, 'data', 'windows', 'systemhealer.ico')
    rsvg = shutil.which('rsvg-convert')
    if rsvg is None:
        sys.exit('rsvg-convert is needed (Debian: apt install librsvg2-bin)')

    images = [subprocess.run([rsvg, '-w', str(n), '-h', str(n), svg], check=True,
                             stdout=subprocess.PIPE).stdout for n in SIZES]
    # ICONDIR, then one ICONDIRENTRY per image (0 means 256), then the PNGs:
    # Windows Vista and later read PNG images inside an .ico.
    data = struct.pack('<HHH', 0, 1, len(images))
    offset = 6 + 16 * len(images)
    for n, png in zip(SIZES, images):
        data += struct.pack('<BBBBHHII', n % 256, n % 256, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
    data += b''.join(images)
    with open(out, 'wb') as f:
        f.write(data)
    print('%s: %d images (%s px), %d bytes' % (os.path.relpath(out, root), len(SIZES),
                                              ', '.join(map(str, SIZES)), len(data)))


if __name__ == '__main__':
    main()
