#!/usr/bin/env python3
# check-install.py — "meson install --destdir" puts everything where desktops look
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-install.py MESON BUILD-DIR PREFIX BINDIR DATADIR LOCALEDIR MANDIR
#
# Installs the build tree into a temporary DESTDIR (without rebuilding) and
# asserts that the programs, the desktop file, the metainfo, the icons, the
# schema, the MIME type, the zh_CN catalogue, both manual pages and the
# licence (share/licenses/APP-ID/COPYING, the GPL-3.0 text) and the user
# guide (share/help/C/systemhealer/, and zh_CN with itstool) are there,
# and that no static library or header leaks into the install.

import os
import shutil
import struct
import subprocess
import sys
import tempfile

APP_ID = 'io.github.systemhealer.SystemHealer'


def under(prefix, folder):
    # Meson passes bindir & co. relative to the prefix unless the user gave
    # an absolute path.
    return folder if os.path.isabs(folder) else os.path.join(prefix, folder)


def rooted(destdir, path):
    # DESTDIR + an absolute path, also for Windows drive letters.
    drive, rest = os.path.splitdrive(path)
    return os.path.join(destdir, rest.lstrip('/\\'))


def check_mo(path):
    with open(path, 'rb') as f:
        head = f.read(20)
    if len(head) < 20:
        return 'too short'
    magic = struct.unpack('<I', head[:4])[0]
    if magic not in (0x950412de, 0xde120495):
        return 'not a GNU .mo file'
    order = '<' if magic == 0x950412de else '>'
    n_strings = struct.unpack(order + 'I', head[8:12])[0]
    if n_strings < 10:
        return 'only %d messages' % n_strings
    return None


def main():
    if len(sys.argv) != 8:
        sys.exit('usage: check-install.py MESON BUILD-DIR PREFIX BINDIR DATADIR LOCALEDIR MANDIR')
    meson, build, prefix, bindir, datadir, localedir, mandir = sys.argv[1:]
    exe = '.exe' if sys.platform == 'win32' else ''
    bindir, datadir = under(prefix, bindir), under(prefix, datadir)
    localedir, mandir = under(prefix, localedir), under(prefix, mandir)

    expected = [
        os.path.join(bindir, 'systemhealer' + exe),
        os.path.join(bindir, 'systemhealer-cli' + exe),
        os.path.join(datadir, 'applications', APP_ID + '.desktop'),
        os.path.join(datadir, 'metainfo', APP_ID + '.metainfo.xml'),
        os.path.join(datadir, 'icons', 'hicolor', 'scalable', 'apps', APP_ID + '.svg'),
        os.path.join(datadir, 'icons', 'hicolor', 'symbolic', 'apps', APP_ID + '-symbolic.svg'),
        os.path.join(datadir, 'glib-2.0', 'schemas', APP_ID + '.gschema.xml'),
        os.path.join(datadir, 'mime', 'packages', APP_ID + '.xml'),
        os.path.join(localedir, 'zh_CN', 'LC_MESSAGES', 'systemhealer.mo'),
        os.path.join(mandir, 'man1', 'systemhealer.1'),
        os.path.join(mandir, 'man1', 'systemhealer-cli.1'),
        os.path.join(datadir, 'licenses', APP_ID, 'COPYING'),
        # The user guide, where Yelp looks for help:systemhealer (F1).
        os.path.join(datadir, 'help', 'C', 'systemhealer', 'index.page'),
    ]
    # The translated guide needs itstool at install time (help/meson.build).
    if shutil.which('itstool'):
        expected.append(os.path.join(datadir, 'help', 'zh_CN', 'systemhealer', 'index.page'))

    with tempfile.TemporaryDirectory() as destdir:
        proc = subprocess.run([meson, 'install', '-C', build, '--no-rebuild', '--quiet',
                               '--destdir', destdir],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True)
        print(proc.stdout, end='')
        if proc.returncode != 0:
            sys.exit('meson install failed')

        installed = []
        for folder, _dirs, files in os.walk(destdir):
            for name in files:
                installed.append(os.path.join(folder, name))
        for path in sorted(installed):
            print('installed %s' % os.path.relpath(path, destdir))

        failures = []
        for path in expected:
            full = rooted(destdir, path)
            if not os.path.isfile(full):
                failures.append('missing: %s' % path)
            elif os.path.getsize(full) == 0:
                failures.append('empty: %s' % path)
        mo = rooted(destdir, expected[8])
        if os.path.isfile(mo):
            problem = check_mo(mo)
            if problem:
                failures.append('%s: %s' % (expected[8], problem))
        for prog in expected[:2]:
            full = rooted(destdir, prog)
            if os.path.isfile(full) and not os.access(full, os.X_OK):
                failures.append('not executable: %s' % prog)
        copying = rooted(destdir, os.path.join(datadir, 'licenses', APP_ID, 'COPYING'))
        if os.path.isfile(copying):
            with open(copying, encoding='utf-8') as f:
                if 'GNU GENERAL PUBLIC LICENSE' not in f.read(200):
                    failures.append('%s is not the GPL text' % copying)
        # The engine is linked in statically: nothing of it is installed.
        for path in installed:
            if path.endswith(('.a', '.h', '.pc', '.lib')):
                failures.append('installed by mistake: %s' % os.path.relpath(path, destdir))

        # The installed CLI must run from where it was installed.
        cli = rooted(destdir, expected[1])
        if os.path.isfile(cli):
            run = subprocess.run([cli, '--version'], stdout=subprocess.PIPE,
                                 universal_newlines=True)
            if run.returncode != 0 or not run.stdout.startswith('systemhealer-cli '):
                failures.append('the installed CLI does not run: %r' % run.stdout)

    for f in failures:
        print(f)
    if failures:
        sys.exit('%d problem(s) with the installed tree' % len(failures))
    print('all %d expected files installed' % len(expected))


if __name__ == '__main__':
    main()
