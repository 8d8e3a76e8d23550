#!/usr/bin/env python3
# check-windows.py — the Windows packaging, checked on Linux
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-windows.py SOURCE-ROOT BUILD-ROOT MESON
#
# Windows cannot run here; what can go wrong in the recipes is checked by
# reading them against the build:
#   - tools/msys2-package.sh, which makes the folder a Windows user unzips,
#     refuses to finish without each file a user needs; its list names every
#     program meson installs (as .exe), every catalogue, the licence, the app
#     icon and the compiled settings schema, so a new one cannot be left out;
#   - packaging/msys2/PKGBUILD builds the version of meson.build from the
#     release archive the Flatpak's release manifest pins (same sha256), with
#     -Dtests=false, and depends on the package of every library meson.build
#     asks for; tools/msys2-build.sh and the CI install the same;
#   - the .exe files get the icon: data/windows/systemhealer.rc.in names the
#     .ico, which data/meson.build compiles for both programs on Windows;
#   - the README's Windows start commands work: the packaged bin\\systemhealer.exe,
#     or the build tree's with GSETTINGS_SCHEMA_DIR pointing at the compiled
#     schema (without it the app stops at once).

import json
import os
import re
import subprocess
import sys

APP_ID = 'io.github.systemhealer.SystemHealer'
# pkg-config name in meson.build -> MSYS2 package (without the prefix).
MSYS2 = {
    'glib-2.0': 'glib2', 'gobject-2.0': 'glib2', 'gio-2.0': 'glib2',
    'json-glib-1.0': 'json-glib', 'gtk4': 'gtk4', 'libadwaita-1': 'libadwaita',
    'gsl': 'gsl', 'openblas': 'openblas',
}
# What the package ships besides what meson installs.
RUNTIME_EXTRAS = ['librsvg', 'adwaita-icon-theme', 'hicolor-icon-theme']
RELEASE_URL = 'https://github.com/systemhealer/systemhealer/releases/download/v%s/systemhealer-%s.tar.xz'


def read(root, *path):
    with open(os.path.join(root, *path), encoding='utf-8') as f:
        return f.read()


def bash_array(text, name):
    found = re.search(r'^\s*%s=\(\s*\n?(.*?)\n?\s*\)' % re.escape(name), text, re.M | re.S)
    if not found:
        return None
    body = '\n'.join(l.split('#', 1)[0] if not l.strip().startswith("'") else l
                     for l in found.group(1).splitlines())
    return [w.strip('\'"') for w in body.split()]


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: check-windows.py SOURCE-ROOT BUILD-ROOT MESON')
    root, build, meson = sys.argv[1:]
    failures = []

    meson_build = read(root, 'meson.build')
    version = re.search(r"^\s*version:\s*'([^']+)'", meson_build, re.M).group(1)
    wanted = sorted({MSYS2.get(d, '?' + d) for d in re.findall(r"dependency\('([^']+)'", meson_build)})
    for d in wanted:
        if d.startswith('?'):
            failures.append('meson.build needs %s: add its MSYS2 package to check-windows.py, '
                            'the PKGBUILD and tools/msys2-build.sh' % d[1:])

    # The package script's list against what meson installs.
    script = read(root, 'tools', 'msys2-package.sh')
    required = bash_array(script, 'required') or []
    required = [r.replace('$app_id', APP_ID) for r in required]
    proc = subprocess.run([meson, 'introspect', '--installed', build], stdout=subprocess.PIPE,
                          universal_newlines=True, check=True)
    installed = sorted(json.loads(proc.stdout).values())
    info = json.loads(subprocess.run([meson, 'introspect', '--buildoptions', build],
                                     stdout=subprocess.PIPE, universal_newlines=True,
                                     check=True).stdout)
    options = {o['name']: o['value'] for o in info}
    prefix = options['prefix']
    needed = []
    for path in installed:
        rel = os.path.relpath(path, prefix).replace(os.sep, '/')
        if rel.startswith(options['bindir'] + '/'):
            name = os.path.basename(rel)
            needed.append('bin/' + (name if name.endswith('.exe') else name + '.exe'))
        elif rel.endswith('.mo') or rel.endswith('/COPYING'):
            needed.append(rel)
        elif rel.endswith('.gschema.xml'):
            needed.append('share/glib-2.0/schemas/gschemas.compiled')
        elif rel == 'share/icons/hicolor':
            needed.append('share/icons/hicolor/scalable/apps/%s.svg' % APP_ID)
    for n in sorted(set(needed)):
        if n not in required:
            failures.append('tools/msys2-package.sh does not require %s, which meson installs' % n)
    for must in ('lib/gdk-pixbuf-2.0/2.10.0/loaders.cache', 'share/icons/Adwaita/index.theme',
                 'share/icons/hicolor/index.theme', 'COPYING.txt'):
        if must not in required:
            failures.append('tools/msys2-package.sh does not require %s' % must)
    for step in ('ldd ', 'glib-compile-schemas', 'gtk4-update-icon-cache', 'gdk-pixbuf-query-loaders',
                 'zipfile'):
        if step not in script:
            failures.append('tools/msys2-package.sh never runs %s' % step.strip())
    print('tools/msys2-package.sh requires %d files; meson installs %d (%d checked)'
          % (len(required), len(installed), len(set(needed))))

    # The PKGBUILD.
    pkgbuild = read(root, 'packaging', 'msys2', 'PKGBUILD')
    pkgver = re.search(r'^pkgver=(\S+)$', pkgbuild, re.M)
    if not pkgver or pkgver.group(1) != version:
        failures.append('PKGBUILD builds %s, meson.build is %s' % (pkgver and pkgver.group(1), version))
    source = bash_array(pkgbuild, 'source') or []
    if [s.replace('${pkgver}', version).replace('${_realname}', 'systemhealer') for s in source] \
            != [RELEASE_URL % (version, version)]:
        failures.append('PKGBUILD source %s is not the release archive' % source)
    sums = bash_array(pkgbuild, 'sha256sums') or []
    release = os.path.join(root, 'flatpak', 'release', APP_ID + '.json')
    if os.path.isfile(release):
        with open(release, encoding='utf-8') as f:
            manifest = json.load(f)
        app = [m for m in manifest['modules'] if m.get('name') == 'systemhealer'][0]
        if sums != [app['sources'][0].get('sha256')]:
            failures.append('PKGBUILD sha256sums %s is not the release archive\'s %s (flatpak/release/)'
                            % (sums, app['sources'][0].get('sha256')))
    elif len(sums) != 1 or not re.match(r'^[0-9a-f]{64}$', sums[0]):
        failures.append('PKGBUILD sha256sums %s is not one sha256' % sums)
    depends = {d.replace('${MINGW_PACKAGE_PREFIX}-', '') for d in bash_array(pkgbuild, 'depends') or []}
    for d in [w for w in wanted if not w.startswith('?')] + RUNTIME_EXTRAS:
        if d not in depends:
            failures.append('PKGBUILD does not depend on %s' % d)
    if '-Dtests=false' not in pkgbuild:
        failures.append('PKGBUILD builds the tests and benchmarks')
    build_script = read(root, 'tools', 'msys2-build.sh')
    packages = set(bash_array(build_script, 'packages') or [])
    for d in [w for w in wanted if not w.startswith('?') and w != 'glib2'] + RUNTIME_EXTRAS:
        if d not in packages:
            failures.append('tools/msys2-build.sh does not install %s' % d)
    workflow = read(root, '.github', 'workflows', 'msys2.yml')
    for d in packages:
        if d + ':p' not in workflow:
            failures.append('.github/workflows/msys2.yml does not install %s' % d)
    if 'dist-msys2/' not in workflow:
        failures.append('.github/workflows/msys2.yml does not keep the package')

    # The icon of the .exe files.
    rc = read(root, 'data', 'windows', 'systemhealer.rc.in')
    ico = re.search(r'^\s*1\s+ICON\s+"([^"]+)"', rc, re.M)
    if not ico or not os.path.isfile(os.path.join(root, 'data', 'windows', ico.group(1))):
        failures.append('data/windows/systemhealer.rc.in names no icon that exists')
    if "compile_resources" not in read(root, 'data', 'meson.build'):
        failures.append('data/meson.build does not compile the Windows resources')
    for exe in (('src', 'app', 'meson.build'), ('src', 'cli', 'meson.build')):
        if 'windows_resources' not in read(root, *exe):
            failures.append('%s does not link the Windows resources' % '/'.join(exe))

    # What the README tells a Windows user to run.
    readme = read(root, 'README.md')
    section = readme[readme.index('**Windows (MSYS2).**'):]
    section = section[:section.index('\n\n**', 1)] if '\n\n**' in section[1:] else section
    if 'bin\\systemhealer.exe' not in section and 'bin/systemhealer.exe' not in section:
        failures.append('the README does not say how to start the packaged app')
    for line in section.splitlines():
        if 'build-msys2/src/app/systemhealer.exe' in line and 'GSETTINGS_SCHEMA_DIR=build-msys2/data' not in line:
            failures.append('the README starts build-msys2/src/app/systemhealer.exe without its '
                            'settings schema: %s' % line.strip())

    for f in failures:
        print(f)
    if failures:
        sys.exit('%d problem(s) with the Windows packaging' % len(failures))
    print('Windows packaging: PKGBUILD %s, %d dependencies, .ico resource, README start commands'
          % (version, len(depends)))


if __name__ == '__main__':
    main()
