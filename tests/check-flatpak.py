#!/usr/bin/env python3
# check-flatpak.py — the Flatpak manifest, checked without building it
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-flatpak.py SOURCE-ROOT
#
# Building needs the network for the GNOME runtime, which CI machines may
# lack; what can go wrong in the manifest itself is checked here: it parses,
# every download is pinned by a checksum (or a git commit), the app id and
# command match the desktop file and the metainfo, and the sandbox gets a
# display and the GPU but neither the network nor the host's files.

import json
import os
import re
import sys

APP_ID = 'io.github.systemhealer.SystemHealer'
REQUIRED_ARGS = {'--share=ipc', '--socket=fallback-x11', '--socket=wayland', '--device=dri'}
# Files come and go through the portals (GtkFileChooserNative).
FORBIDDEN = [
    (re.compile(r'^--share=network$'), 'network access'),
    (re.compile(r'^--filesystem='), 'host file system access'),
    (re.compile(r'^--socket=(x11|session-bus|system-bus|ssh-auth|pcsc|cups)$'), 'a needless socket'),
    (re.compile(r'^--device=(all|shm|kvm)$'), 'more devices than the GPU'),
    (re.compile(r'^--(talk|own|system-talk|system-own)-name='), 'D-Bus names beyond the portals'),
    (re.compile(r'^--persist='), 'a persistent home folder'),
]
SHA256 = re.compile(r'^[0-9a-f]{64}$')
COMMIT = re.compile(r'^[0-9a-f]{40}$')


def sources_of(module, trail):
    for source in module.get('sources', []):
        yield trail + [module.get('name', '?')], source
    for sub in module.get('modules', []):
        if isinstance(sub, dict):
            yield from sources_of(sub, trail + [module.get('name', '?')])


def check_source(where, source, root, failures):
    kind = source.get('type')
    name = '/'.join(where)
    if kind in ('archive', 'file'):
        if 'url' not in source and 'path' in source:
            return
        if not SHA256.match(source.get('sha256', '')):
            failures.append('%s: %s is not pinned by a sha256' % (name, source.get('url')))
        if not source.get('url', '').startswith('https://'):
            failures.append('%s: %s is not downloaded over https' % (name, source.get('url')))
    elif kind == 'git':
        if not COMMIT.match(source.get('commit', '')):
            failures.append('%s: git source %s has no commit' % (name, source.get('url')))
    elif kind == 'dir':
        # The project's own tree, for local builds.
        if os.path.realpath(os.path.join(root, 'flatpak', source.get('path', ''))) != os.path.realpath(root):
            failures.append('%s: dir source %s is not this project' % (name, source.get('path')))
    elif kind in ('patch', 'script', 'shell', 'inline'):
        pass
    else:
        failures.append('%s: source type %r cannot be checked' % (name, kind))


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: check-flatpak.py SOURCE-ROOT')
    root = sys.argv[1]
    path = os.path.join(root, 'flatpak', APP_ID + '.json')
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit('%s: %s' % (path, e))

    failures = []
    app_id = manifest.get('id') or manifest.get('app-id')
    if app_id != APP_ID:
        failures.append('the manifest builds %r, not %s' % (app_id, APP_ID))
    if manifest.get('command') != 'systemhealer':
        failures.append('command is %r, not systemhealer' % manifest.get('command'))
    if manifest.get('runtime') != 'org.gnome.Platform' or manifest.get('sdk') != 'org.gnome.Sdk':
        failures.append('not on the GNOME runtime and SDK')
    # GTK 4.8 and libadwaita 1.2 are the minimum: GNOME 43 had them.
    version = str(manifest.get('runtime-version', ''))
    if not re.match(r'^\d+$', version) or int(version) < 43:
        failures.append('runtime-version %r: GNOME 43 or later needed' % version)

    args = manifest.get('finish-args', [])
    for needed in sorted(REQUIRED_ARGS - set(args)):
        failures.append('finish-args lacks %s' % needed)
    for arg in args:
        for pattern, what in FORBIDDEN:
            if pattern.match(arg):
                failures.append('finish-args gives %s: %s' % (what, arg))

    modules = manifest.get('modules', [])
    names = [m.get('name') for m in modules if isinstance(m, dict)]
    for needed in ('gsl', 'openblas'):
        if needed not in names:
            failures.append('no %s module' % needed)
    if not names or names[-1] != 'systemhealer':
        failures.append('the last module must build systemhealer itself, not %r' % names[-1:])
    n_sources = 0
    for module in modules:
        if not isinstance(module, dict):
            failures.append('module %r is a separate file: not checked' % module)
            continue
        for where, source in sources_of(module, []):
            n_sources += 1
            check_source(where, source, root, failures)
        if module.get('build-options', {}).get('build-args'):
            # --share=network during the build would let a module download
            # something no checksum covers.
            if '--share=network' in module['build-options']['build-args']:
                failures.append('%s builds with network access' % module.get('name'))

    # The same id everywhere, or the desktop would not match window and app.
    data = os.path.join(root, 'data')
    for name in (APP_ID + '.desktop.in', APP_ID + '.metainfo.xml.in'):
        full = os.path.join(data, name)
        if not os.path.isfile(full):
            failures.append('data/%s is missing' % name)
    with open(os.path.join(data, APP_ID + '.desktop.in'), encoding='utf-8') as f:
        desktop = f.read()
    if not re.search(r'^Exec=systemhealer(\s|$)', desktop, re.M):
        failures.append('the desktop file does not run the manifest\'s command')
    if not re.search(r'^Icon=%s$' % re.escape(APP_ID), desktop, re.M):
        failures.append('the desktop file\'s icon is not named after the app id')
    with open(os.path.join(data, APP_ID + '.metainfo.xml.in'), encoding='utf-8') as f:
        metainfo = f.read()
    if '<id>%s</id>' % APP_ID not in metainfo:
        failures.append('the metainfo id is not %s' % APP_ID)
    if '<launchable type="desktop-id">%s.desktop</launchable>' % APP_ID not in metainfo:
        failures.append('the metainfo does not launch %s.desktop' % APP_ID)

    for f in failures:
        print(f)
    if failures:
        sys.exit('%d problem(s) in %s' % (len(failures), path))
    print('%s: %d modules, %d sources all pinned, sandbox: %s'
          % (os.path.basename(path), len(modules), n_sources, ' '.join(args)))


if __name__ == '__main__':
    main()
