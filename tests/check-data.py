#!/usr/bin/env python3
# check-data.py — validate the desktop integration files as the distributions will
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-data.py desktop FILE.desktop
#        check-data.py metainfo FILE.metainfo.xml
#        check-data.py schema SCHEMA-DIR
#        check-data.py svg FILE.svg…
#        check-data.py mime FILE.xml [SYSTEMHEALER-CLI]
#
# Exits 77 (meson's "skipped") only when the validator itself is not
# installed; tools/dev installs them all.

import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SKIP = 77
MIME_NS = '{http://www.freedesktop.org/standards/shared-mime-info}'
SVG_NS = '{http://www.w3.org/2000/svg}'


def run(argv, **kwargs):
    print('$ ' + ' '.join(argv))
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, encoding='utf-8', **kwargs)
    print(proc.stdout, end='')
    return proc


def need(program):
    path = shutil.which(program)
    if path is None:
        print('%s is not installed: skipped' % program)
        sys.exit(SKIP)
    return path


def translated_in(po, msgid):
    """Whether the catalogue PO has a translation of msgid (a one-line one)."""
    if po is None:
        return False
    with open(po, encoding='utf-8') as f:
        text = f.read()
    m = re.search(r'^msgid "%s"\nmsgstr "(.+)"$' % re.escape(msgid), text, re.M)
    return m is not None


def check_desktop(path, po=None):
    proc = run([need('desktop-file-validate'), path])
    # desktop-file-validate exits 0 on hints; only errors and warnings count.
    if proc.returncode != 0 or re.search(r': (error|warning):', proc.stdout):
        sys.exit('%s is not a valid desktop file' % path)
    with open(path, encoding='utf-8') as f:
        text = f.read()
    # Once the catalogue translates the comment, it must really be merged
    # in, or Chinese desktops show English.
    if translated_in(po, 'Diagnose faults in distributed systems from their KPIs'):
        for key in ('Comment[zh_CN]', 'GenericName[zh_CN]'):
            if key + '=' not in text:
                sys.exit('%s has no %s: the po/ translations were not merged' % (path, key))
        print('%s: valid, zh_CN merged' % os.path.basename(path))
    else:
        print('%s: valid (zh_CN.po does not translate it yet)' % os.path.basename(path))


def check_metainfo(path, po=None):
    appstreamcli = shutil.which('appstreamcli')
    if appstreamcli is not None:
        # Warnings fail too: Flathub and GNOME Software reject them.
        proc = run([appstreamcli, 'validate', '--no-net', '--explain', path])
        if proc.returncode != 0:
            sys.exit('appstreamcli rejects %s' % path)
    else:
        proc = run([need('appstream-util'), 'validate-relax', '--nonet', path])
        if proc.returncode != 0:
            sys.exit('appstream-util rejects %s' % path)

    root = ET.parse(path).getroot()
    component_id = root.findtext('id')
    if component_id != 'io.github.systemhealer.SystemHealer':
        sys.exit('metainfo id is %r' % component_id)
    if root.findtext('launchable') != component_id + '.desktop':
        sys.exit('the launchable is not the desktop file of %s' % component_id)
    binaries = {b.text for b in root.findall('provides/binary')}
    if binaries != {'systemhealer', 'systemhealer-cli'}:
        sys.exit('provides binaries %s' % sorted(binaries))
    if root.find('content_rating') is None:
        sys.exit('no content rating')
    shots = [i.text for i in root.findall('screenshots/screenshot/image')]
    if len(shots) < 1 or not all(s.startswith('https://') for s in shots):
        sys.exit('screenshots must be https URLs: %s' % shots)
    releases = root.findall('releases/release')
    if not releases or not releases[0].get('version') or not releases[0].get('date'):
        sys.exit('the newest release needs a version and a date')
    lang = '{http://www.w3.org/XML/1998/namespace}lang'
    if (translated_in(po, root.findtext('summary')) and
            not any(s.get(lang) == 'zh_CN' for s in root.findall('summary'))):
        sys.exit('no zh_CN summary: the po/ translations were not merged')
    print('%s: valid (release %s, %d screenshots)' %
          (os.path.basename(path), releases[0].get('version'), len(shots)))


def check_schema(folder):
    proc = run([need('glib-compile-schemas'), '--strict', '--dry-run', folder])
    if proc.returncode != 0:
        sys.exit('glib-compile-schemas --strict rejects the schemas in %s' % folder)
    print('schemas in %s: valid' % folder)


def check_svg(paths):
    for path in paths:
        try:
            root = ET.parse(path).getroot()
        except ET.ParseError as e:
            sys.exit('%s is not well-formed XML: %s' % (path, e))
        if root.tag != SVG_NS + 'svg':
            sys.exit('%s: the root element is %s, not svg' % (path, root.tag))
        if not root.get('viewBox'):
            sys.exit('%s has no viewBox: it would not scale' % path)
        symbolic = path.endswith('-symbolic.svg')
        for el in root.iter():
            # GTK recolours the fills of symbolic icons; a stroke or a
            # gradient would stay dark grey on a dark theme.
            if symbolic and (el.get('stroke') not in (None, 'none') or
                             el.tag == SVG_NS + 'linearGradient'):
                sys.exit('%s: symbolic icons must use plain fills only' % path)
            # An icon that loads other files breaks in the icon cache and Flatpak.
            href = el.get('{http://www.w3.org/1999/xlink}href') or el.get('href')
            if href and not href.startswith('#'):
                sys.exit('%s refers to an outside file: %s' % (path, href))
        size = '16' if symbolic else '128'
        if root.get('viewBox').split()[2:] != [size, size]:
            sys.exit('%s: expected a %sx%s viewBox' % (path, size, size))
        print('%s: well-formed SVG, %s' % (os.path.basename(path), root.get('viewBox')))


def check_mime(path, cli=None):
    xmllint = shutil.which('xmllint')
    if xmllint is not None:
        if run([xmllint, '--noout', path]).returncode != 0:
            sys.exit('%s is not well-formed' % path)
    root = ET.parse(path).getroot()
    if root.tag != MIME_NS + 'mime-info':
        sys.exit('%s: the root element is %s' % (path, root.tag))
    types = root.findall(MIME_NS + 'mime-type')
    if [t.get('type') for t in types] != ['application/x-systemhealer-model']:
        sys.exit('%s declares %s' % (path, [t.get('type') for t in types]))

    # Build a private MIME database from it, as the desktop will: this is
    # where a malformed rule is refused.
    update = need('update-mime-database')
    with tempfile.TemporaryDirectory() as tmp:
        packages = os.path.join(tmp, 'mime', 'packages')
        os.makedirs(packages)
        system = '/usr/share/mime/packages/freedesktop.org.xml'
        if os.path.isfile(system):
            shutil.copy(system, packages)
        shutil.copy(path, os.path.join(packages, 'io.github.systemhealer.SystemHealer.xml'))
        proc = run([update, '-V', os.path.join(tmp, 'mime')])
        if proc.returncode != 0 or re.search(r'(?i)(error|invalid|unknown)', proc.stdout):
            sys.exit('update-mime-database rejects %s' % path)
        with open(os.path.join(tmp, 'mime', 'types'), encoding='utf-8') as f:
            if 'application/x-systemhealer-model' not in f.read().split():
                sys.exit('the type is missing from the compiled database')

        gio = shutil.which('gio')
        if cli is None or gio is None or not os.path.isfile(system) or sys.platform == 'win32':
            # Windows guesses content types from the registry, not from this database.
            print('no CLI, gio or XDG MIME database: content detection not checked')
        else:
            # A real model as the CLI writes it, however small.
            data = os.path.join(tmp, 'data.csv')
            model = os.path.join(tmp, 'trained.json')
            for argv in ([cli, 'simulate', '-o', data, '--samples', '120', '--seed', '3'],
                         [cli, 'train', data, '-o', model, '--quiet', '--epochs', '2',
                          '--ensemble', '1']):
                if run(argv).returncode != 0:
                    sys.exit('could not make a model with %s' % cli)
            # A model saved under the default name model.json must be
            # recognised by its content, not mistaken for plain JSON.
            env = dict(os.environ, XDG_DATA_HOME=tmp, XDG_DATA_DIRS=tmp)
            plain = os.path.join(tmp, 'other.json')
            named = os.path.join(tmp, 'model.json')
            with open(plain, 'w') as f:
                f.write('{"format": "something-else"}\n')
            shutil.copy(model, named)
            for file, expected in ((named, 'application/x-systemhealer-model'),
                                   (plain, 'application/json')):
                out = subprocess.run([gio, 'info', '-a', 'standard::content-type', file],
                                     stdout=subprocess.PIPE, universal_newlines=True,
                                     env=env, check=True).stdout
                got = re.search(r'standard::content-type: (\S+)', out).group(1)
                print('%s → %s' % (os.path.basename(file), got))
                if got != expected:
                    sys.exit('%s detected as %s, expected %s' % (file, got, expected))
    print('%s: valid' % os.path.basename(path))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__ if __doc__ else 'usage: check-data.py KIND FILE…')
    kind, args = sys.argv[1], sys.argv[2:]
    if kind == 'desktop':
        check_desktop(args[0], args[1] if len(args) > 1 else None)
    elif kind == 'metainfo':
        check_metainfo(args[0], args[1] if len(args) > 1 else None)
    elif kind == 'schema':
        check_schema(args[0])
    elif kind == 'svg':
        check_svg(args)
    elif kind == 'mime':
        check_mime(args[0], args[1] if len(args) > 1 else None)
    else:
        sys.exit('unknown check %s' % kind)


if __name__ == '__main__':
    main()
