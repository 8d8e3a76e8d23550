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
#        check-data.py ico FILE.ico
#
# Exits 77 (meson's "skipped") only when the validator itself is not
# installed; tools/dev installs them all.

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zlib

SKIP = 77
MIME_NS = '{http://www.freedesktop.org/standards/shared-mime-info}'
SVG_NS = '{http://www.w3.org/2000/svg}'
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Where the metainfo's screenshots are published: docs/screenshots/ of main.
RAW = 'https://raw.githubusercontent.com/systemhealer/systemhealer/main/'
# Flathub's limits for the store listing.
SUMMARY_MAX = 35
SHOT_MAX = (1000, 700)


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


def png_pixels(data):
    """(width, height, colour type, rows) of an 8-bit, non-interlaced PNG,
    rows as bytes of RGB or RGBA pixels after undoing the filters."""
    if data[:8] != b'\x89PNG\r\n\x1a\n':
        raise ValueError('not a PNG file')
    pos, idat, head = 8, b'', None
    while pos < len(data):
        length, kind = struct.unpack('>I4s', data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b'IHDR':
            head = struct.unpack('>IIBBBBB', chunk)
        elif kind == b'IDAT':
            idat += chunk
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = head
    if depth != 8 or colour not in (2, 6) or interlace:
        return width, height, colour, None
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if kind == 1:
                line[x] = (line[x] + a) & 255
            elif kind == 2:
                line[x] = (line[x] + b) & 255
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, colour, rows


def check_icon_grid(path):
    """The app icon keeps inside GNOME's icon grid: nothing is drawn in the
    outer 8 pixels of its 128-pixel canvas."""
    rsvg = shutil.which('rsvg-convert')
    if rsvg is None:
        print('rsvg-convert is not installed: the icon grid is not checked')
        return
    png = subprocess.run([rsvg, '-w', '128', '-h', '128', path], stdout=subprocess.PIPE,
                         check=True).stdout
    width, height, colour, rows = png_pixels(png)
    margin = 8
    for y in range(height):
        for x in range(width):
            if margin <= x < width - margin and margin <= y < height - margin:
                continue
            if rows[y][x * 4 + 3] != 0:
                sys.exit('%s draws at (%d, %d), in the outer %d px of the canvas: keep it inside '
                         "GNOME's icon grid" % (path, x, y, margin))
    print('%s: inside the icon grid (nothing in the outer %d px)' % (os.path.basename(path), margin))


def check_screenshot(url):
    """A published screenshot is in docs/screenshots/, at most 1000 x 700,
    with a transparent background around the window's rounded corners."""
    if not url.startswith(RAW):
        sys.exit('screenshot %s is not one of docs/screenshots/' % url)
    path = os.path.join(ROOT, url[len(RAW):])
    if not os.path.isfile(path):
        sys.exit('screenshot %s: %s does not exist' % (url, path))
    with open(path, 'rb') as f:
        width, height, colour, rows = png_pixels(f.read())
    if width > SHOT_MAX[0] or height > SHOT_MAX[1]:
        sys.exit('%s is %d x %d: Flathub wants at most %d x %d' % (path, width, height) + SHOT_MAX)
    if colour != 6 or rows is None or rows[0][3] != 0 or rows[-1][-1] != 0:
        sys.exit('%s has no transparent corners: render it with a compositing manager '
                 '(tools/screenshots) so the window has its rounded corners and shadow' % path)
    return width, height


def check_desktop(path, po=None):
    proc = run([need('desktop-file-validate'), path])
    # desktop-file-validate exits 0 on hints; only errors and warnings count.
    if proc.returncode != 0 or re.search(r': (error|warning):', proc.stdout):
        sys.exit('%s is not a valid desktop file' % path)
    with open(path, encoding='utf-8') as f:
        text = f.read()
    # An offline analysis of CSV files, not a tool of the host system:
    # software centres list it with the science and data applications.
    categories = re.search(r'^Categories=(.*)$', text, re.M).group(1).split(';')
    if {'System', 'Monitor'} & set(categories) or 'Science' not in categories:
        sys.exit('%s: Categories=%s files it as a host system tool, not Science' % (path, ';'.join(categories)))
    # Once the catalogue translates the comment, it must really be merged
    # in, or Chinese desktops show English.
    comment = re.search(r'^Comment=(.*)$', text, re.M).group(1)
    if translated_in(po, comment):
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
    summary = root.findtext('summary')
    if len(summary) > SUMMARY_MAX or summary.endswith('.'):
        sys.exit('summary %r: Flathub wants at most %d characters, no final full stop'
                 % (summary, SUMMARY_MAX))
    lang = '{http://www.w3.org/XML/1998/namespace}lang'
    for shot in root.findall('screenshots/screenshot'):
        images = shot.findall('image')
        for image in images:
            check_screenshot(image.text)
        # The Chinese listing shows the Chinese pictures.
        if not any(i.get(lang) == 'zh_CN' for i in images):
            sys.exit('screenshot %s has no zh_CN image (xml:lang)' % images[0].text)
    releases = root.findall('releases/release')
    if not releases or not releases[0].get('version') or not releases[0].get('date'):
        sys.exit('the newest release needs a version and a date')
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
        if not symbolic:
            check_icon_grid(path)
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


def check_ico(path):
    """The Windows icon of the exe: a valid .ico with the sizes Windows
    shows (16 to 256), each a PNG of its size (tools/make-ico.py draws
    them from the app icon)."""
    with open(path, 'rb') as f:
        data = f.read()
    reserved, kind, count = struct.unpack('<HHH', data[:6])
    if reserved != 0 or kind != 1 or count == 0:
        sys.exit('%s is not an icon file (ICONDIR %d %d %d)' % (path, reserved, kind, count))
    sizes = []
    for i in range(count):
        w, h, colours, _, planes, bits, size, offset = struct.unpack(
            '<BBBBHHII', data[6 + 16 * i:6 + 16 * (i + 1)])
        w, h = w or 256, h or 256
        image = data[offset:offset + size]
        if offset + size > len(data):
            sys.exit('%s: image %d runs past the end of the file' % (path, i))
        width, height, colour, rows = png_pixels(image)
        if (width, height) != (w, h) or colour != 6:
            sys.exit('%s: image %d says %dx%d but holds a %dx%d PNG of colour type %d'
                     % (path, i, w, h, width, height, colour))
        sizes.append(w)
    for needed in (16, 24, 32, 48, 256):
        if needed not in sizes:
            sys.exit('%s lacks the %d px image Windows shows' % (path, needed))
    print('%s: valid icon, %s px' % (os.path.basename(path), ', '.join(map(str, sizes))))


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
    elif kind == 'ico':
        check_ico(args[0])
    else:
        sys.exit('unknown check %s' % kind)


if __name__ == '__main__':
    main()
