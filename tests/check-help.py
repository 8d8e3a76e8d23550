#!/usr/bin/env python3
# check-help.py — the user guide is valid, complete, linked and translated
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-help.py SOURCE-ROOT BUILD-ROOT MSGFMT
#
# The Mallard pages of help/C/ are the ones help/meson.build installs, and
# cover every topic the guide promises; they validate against the Mallard
# schema (yelp-check, Debian's yelp-tools; well-formed XML with xmllint
# otherwise), have no broken link and no page that nothing links to. Each
# language of help/LINGUAS has a catalogue that msgfmt accepts with every
# message translated, none fuzzy, and — with itstool — none missing for the
# current pages; the translated pages the build made validate too.

import os
import re
import shutil
import subprocess
import sys
import tempfile

# Issue 16's topics: one page each.
TOPICS = ['data', 'train', 'diagnose', 'uncertain', 'charts', 'models', 'cli']


def run(argv):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, encoding='utf-8')


def msgids(po):
    with open(po, encoding='utf-8') as f:
        text = f.read()
    ids = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', text, re.M):
        ids.add(''.join(re.findall(r'"(.*)"', block)))
    ids.discard('')
    return ids


def validate(pages, failures, what):
    yelp_check = shutil.which('yelp-check')
    if yelp_check:
        proc = run([yelp_check, 'validate'] + pages)
        if proc.returncode != 0 or proc.stdout.strip():
            failures.append('%s do not validate:\n%s' % (what, proc.stdout))
        return 'yelp-check validate'
    xmllint = shutil.which('xmllint')
    if xmllint:
        proc = run([xmllint, '--noout'] + pages)
        if proc.returncode != 0:
            failures.append('%s are not well-formed XML:\n%s' % (what, proc.stdout))
        return 'xmllint (yelp-check not installed: Debian yelp-tools)'
    return None


def main():
    if len(sys.argv) != 4:
        sys.exit('usage: check-help.py SOURCE-ROOT BUILD-ROOT MSGFMT')
    root, build, msgfmt = sys.argv[1:]
    help_dir = os.path.join(root, 'help')
    failures = []

    pages = sorted(f for f in os.listdir(os.path.join(help_dir, 'C')) if f.endswith(('.page', '.xml')))
    with open(os.path.join(help_dir, 'meson.build'), encoding='utf-8') as f:
        listed = sorted(re.findall(r"'([\w-]+\.(?:page|xml))'", f.read()))
    if pages != listed:
        failures.append('help/C has %s but help/meson.build installs %s' % (pages, listed))
    for topic in ['index'] + TOPICS:
        if topic + '.page' not in pages:
            failures.append('help/C/%s.page is missing' % topic)

    # F1 opens help:ID, and the guide is installed as ID.
    with open(os.path.join(help_dir, 'meson.build'), encoding='utf-8') as f:
        installed_as = re.search(r"gnome\.yelp\('([^']+)'", f.read())
    with open(os.path.join(root, 'src', 'app', 'healer-window.h'), encoding='utf-8') as f:
        opened = re.search(r'#define HEALER_HELP_URI "help:([^"]+)"', f.read())
    if not installed_as or not opened or installed_as.group(1) != opened.group(1):
        failures.append('the app opens help:%s but the guide is installed as %s'
                        % (opened and opened.group(1), installed_as and installed_as.group(1)))

    paths = [os.path.join(help_dir, 'C', p) for p in pages if p.endswith('.page')]
    how = validate(paths, failures, 'the pages of help/C')
    yelp_check = shutil.which('yelp-check')
    if yelp_check:
        for check in ('links', 'orphans'):
            proc = run([yelp_check, check, os.path.join(help_dir, 'C')])
            if proc.returncode != 0 or proc.stdout.strip():
                failures.append('yelp-check %s:\n%s' % (check, proc.stdout))
    print('%d pages in help/C, checked with %s' % (len(paths), how or 'nothing (no yelp-check, no xmllint)'))

    # The msgids of the current pages, when itstool can extract them.
    current = None
    itstool = shutil.which('itstool')
    if itstool:
        with tempfile.TemporaryDirectory() as tmp:
            pot = os.path.join(tmp, 'help.pot')
            proc = run([itstool, '-o', pot] + [os.path.join(help_dir, 'C', p) for p in pages])
            if proc.returncode != 0:
                failures.append('itstool cannot extract the messages:\n%s' % proc.stdout)
            else:
                current = msgids(pot)

    with open(os.path.join(help_dir, 'LINGUAS'), encoding='utf-8') as f:
        languages = [l.strip() for l in f if l.strip() and not l.startswith('#')]
    for lang in languages:
        po = os.path.join(help_dir, lang, lang + '.po')
        if not os.path.isfile(po):
            failures.append('help/%s/%s.po is missing' % (lang, lang))
            continue
        proc = run([msgfmt, '--check', '--statistics', '-o', os.devnull, po])
        stats = proc.stdout.strip()
        if proc.returncode != 0 or 'untranslated' in stats or 'fuzzy' in stats:
            failures.append('help/%s/%s.po is not complete: %s' % (lang, lang, stats))
        if current is not None:
            missing = current - msgids(po)
            for m in sorted(missing):
                failures.append('help/%s/%s.po lacks %r (run ninja help-systemhealer-update-po)'
                                % (lang, lang, m[:70]))
        built = os.path.join(build, 'help', lang)
        if os.path.isdir(built):
            translated = [os.path.join(built, p) for p in pages if p.endswith('.page')]
            if all(os.path.isfile(p) for p in translated):
                validate(translated, failures, 'the %s pages the build made' % lang)
        print('help/%s: %s' % (lang, stats))

    for f in failures:
        print(f)
    if failures:
        sys.exit('%d problem(s) with the user guide' % len(failures))


if __name__ == '__main__':
    main()
