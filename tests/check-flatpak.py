#!/usr/bin/env python3
# check-flatpak.py — the Flatpak manifest, checked without building it
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-flatpak.py SOURCE-ROOT
#
# Building needs the network for the GNOME runtime, which CI machines may
# lack; what can go wrong in the manifests themselves is checked here, for the
# development manifest (flatpak/APP-ID.json, which builds the checkout) and
# the release manifest (flatpak/release/APP-ID.json, which builds the source
# archive of the release): they parse and are formatted as Flathub formats
# JSON (4 spaces); the runtime is a supported GNOME (50 or later), the same
# as the CI image's; every download is pinned by a checksum (or a git commit)
# and the third-party ones carry x-checker-data, so Flathub's bot proposes
# updates; the app is built without its tests and benchmarks; the unused
# libgslcblas is not shipped; the app id and command match the desktop file
# and the metainfo; and the sandbox gets a display and the GPU but neither
# the network nor the host's files. The release manifest differs from the
# development one only in the app's source: the archive `meson dist` makes
# for the version in meson.build, pinned by its sha256; that version is
# NEWS's and the metainfo's newest release.

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
# GNOME 46 and older are end of life, and Flathub refuses them.
OLDEST_RUNTIME = 50
RELEASE_URL = 'https://github.com/systemhealer/systemhealer/releases/download/v%s/systemhealer-%s.tar.xz'
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


def project_version(root):
    with open(os.path.join(root, 'meson.build'), encoding='utf-8') as f:
        found = re.search(r"^\s*version:\s*'([^']+)'", f.read(), re.M)
    return found.group(1) if found else None


def check_manifest(path, root, failures, release):
    try:
        with open(path, encoding='utf-8') as f:
            text = f.read()
        manifest = json.loads(text)
    except (OSError, ValueError) as e:
        failures.append('%s: %s' % (path, e))
        return None
    name = os.path.relpath(path, root)

    # Flathub's manifests: 4-space JSON, keys in the order written, one
    # final newline (what json.dumps(indent=4) writes).
    if text != json.dumps(manifest, indent=4, ensure_ascii=False) + '\n':
        failures.append('%s is not formatted as Flathub formats JSON (4 spaces, one final newline)' % name)

    app_id = manifest.get('id') or manifest.get('app-id')
    if app_id != APP_ID:
        failures.append('%s builds %r, not %s' % (name, app_id, APP_ID))
    if 'app-id' in manifest:
        failures.append('%s: "app-id" is the old spelling of "id"' % name)
    if manifest.get('command') != 'systemhealer':
        failures.append('%s: command is %r, not systemhealer' % (name, manifest.get('command')))
    if manifest.get('runtime') != 'org.gnome.Platform' or manifest.get('sdk') != 'org.gnome.Sdk':
        failures.append('%s: not on the GNOME runtime and SDK' % name)
    # The app needs GTK 4.8 and libadwaita 1.2 (GNOME 43), but Flathub only
    # takes runtimes that are still supported.
    version = str(manifest.get('runtime-version', ''))
    if not re.match(r'^\d+$', version) or int(version) < OLDEST_RUNTIME:
        failures.append('%s: runtime-version %r: GNOME %d or later needed (older ones are end of life)'
                        % (name, version, OLDEST_RUNTIME))

    args = manifest.get('finish-args', [])
    for needed in sorted(REQUIRED_ARGS - set(args)):
        failures.append('%s: finish-args lacks %s' % (name, needed))
    for arg in args:
        for pattern, what in FORBIDDEN:
            if pattern.match(arg):
                failures.append('%s: finish-args gives %s: %s' % (name, what, arg))

    modules = manifest.get('modules', [])
    by_name = {m.get('name'): m for m in modules if isinstance(m, dict)}
    names = [m.get('name') for m in modules if isinstance(m, dict)]
    for needed in ('gsl', 'openblas'):
        if needed not in names:
            failures.append('%s: no %s module' % (name, needed))
    if not names or names[-1] != 'systemhealer':
        failures.append('%s: the last module must build systemhealer itself, not %r' % (name, names[-1:]))
    n_sources = 0
    for module in modules:
        if not isinstance(module, dict):
            failures.append('%s: module %r is a separate file: not checked' % (name, module))
            continue
        for where, source in sources_of(module, []):
            n_sources += 1
            check_source(where, source, root, failures)
            # Flathub's external data checker proposes updates of these.
            if where[-1] != 'systemhealer' and source.get('type') in ('archive', 'file') \
                    and 'x-checker-data' not in source:
                failures.append('%s: %s has no x-checker-data' % (name, source.get('url')))
        if module.get('build-options', {}).get('build-args'):
            # --share=network during the build would let a module download
            # something no checksum covers.
            if '--share=network' in module['build-options']['build-args']:
                failures.append('%s: %s builds with network access' % (name, module.get('name')))

    app = by_name.get('systemhealer', {})
    if '-Dtests=false' not in app.get('config-opts', []):
        failures.append('%s: systemhealer is built with its tests and benchmarks (-Dtests=false)' % name)
    # GSL always builds its reference CBLAS; OpenBLAS provides cblas_* here.
    if not any('libgslcblas' in c for c in by_name.get('gsl', {}).get('cleanup', [])):
        failures.append('%s: the gsl module ships libgslcblas, which nothing uses' % name)

    app_sources = app.get('sources', [])
    if release:
        wanted = project_version(root)
        url = RELEASE_URL % (wanted, wanted)
        if len(app_sources) != 1 or app_sources[0].get('type') != 'archive' \
                or app_sources[0].get('url') != url:
            failures.append('%s: systemhealer must build from the archive of version %s, %s'
                            % (name, wanted, url))
    elif [s.get('type') for s in app_sources] != ['dir']:
        failures.append('%s: the development manifest builds the checkout ("type": "dir")' % name)
    print('%s: %d modules, %d sources all pinned, runtime GNOME %s, sandbox: %s'
          % (name, len(modules), n_sources, version, ' '.join(args)))
    return manifest


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: check-flatpak.py SOURCE-ROOT')
    root = sys.argv[1]
    path = os.path.join(root, 'flatpak', APP_ID + '.json')
    release_path = os.path.join(root, 'flatpak', 'release', APP_ID + '.json')

    failures = []
    manifest = check_manifest(path, root, failures, release=False)
    if os.path.exists(release_path):
        release = check_manifest(release_path, root, failures, release=True)
        if manifest is not None and release is not None:
            # One recipe: only the app's own source may differ.
            strip = lambda m: dict(m, modules=[dict(x, sources=None) if x.get('name') == 'systemhealer'
                                               else x for x in m.get('modules', [])])
            if strip(manifest) != strip(release):
                failures.append('the release manifest differs from the development one beyond '
                                'the app\'s source: run tools/release-manifest.py again')

    # The CI builds on the image of the same GNOME runtime.
    workflow = os.path.join(root, '.github', 'workflows', 'flatpak.yml')
    if manifest is not None and os.path.isfile(workflow):
        with open(workflow, encoding='utf-8') as f:
            images = re.findall(r'image:\s*\S*flatpak-github-actions:gnome-(\d+)', f.read())
        if images != [str(manifest.get('runtime-version'))]:
            failures.append('.github/workflows/flatpak.yml builds on gnome-%s, the manifest on GNOME %s'
                            % ('/'.join(images) or '?', manifest.get('runtime-version')))

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
    # One version everywhere: meson.build, the newest release of the
    # metainfo and of NEWS, with the same date.
    version = project_version(root)
    newest = re.search(r'<release version="([^"]+)" date="([^"]+)"', metainfo)
    with open(os.path.join(root, 'NEWS'), encoding='utf-8') as f:
        news = f.read()
    top = re.search(r'^Version (\S+)\n-+\nReleased: (\S+)', news, re.M)
    if not newest or newest.group(1) != version:
        failures.append('the metainfo\'s newest release is %s, meson.build says %s'
                        % (newest and newest.group(1), version))
    if not top or (top.group(1), top.group(2)) != (version, newest and newest.group(2)):
        failures.append('NEWS starts with %s, not version %s released %s'
                        % (top and top.group(0).splitlines()[0], version, newest and newest.group(2)))
    with open(os.path.join(root, 'meson_options.txt'), encoding='utf-8') as f:
        if not re.search(r"^option\('tests',", f.read(), re.M):
            failures.append('meson_options.txt has no "tests" option for the manifest to turn off')

    for f in failures:
        print(f)
    if failures:
        sys.exit('%d problem(s) in the Flatpak manifests' % len(failures))


if __name__ == '__main__':
    main()
