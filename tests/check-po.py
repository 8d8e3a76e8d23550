#!/usr/bin/env python3
# check-po.py — fail unless a .po file is complete for the current sources
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-po.py MSGFMT PO-FILE [SOURCE-ROOT]
#
# msgfmt --statistics alone only judges the entries already in the .po file;
# with SOURCE-ROOT (and xgettext/msgmerge on the PATH) the catalogue is first
# merged with a template extracted from po/POTFILES.in, so a string added to
# the code but never merged into the .po counts as untranslated too.

import os
import re
import shutil
import subprocess
import sys
import tempfile

# The keywords of meson's i18n 'glib' preset that matter for coverage.
KEYWORDS = ['_', 'N_', 'C_:1c,2', 'NC_:1c,2', 'g_dcgettext:2', 'g_dngettext:2,3',
            'g_dpgettext2:2c,3']


def fresh_catalogue(po, srcroot, tmp):
    xgettext = shutil.which('xgettext')
    msgmerge = shutil.which('msgmerge')
    if xgettext is None or msgmerge is None:
        print('# xgettext or msgmerge not found: checking the .po file as it is')
        return po
    with open(os.path.join(srcroot, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        files = [l.strip() for l in f if l.strip() and not l.startswith('#')]
    pot = os.path.join(tmp, 'fresh.pot')
    # No --language: xgettext picks it from each file's name, so the .ui
    # templates, the desktop file, the metainfo and the schema are read as
    # what they are (the keywords only apply to the C files).
    subprocess.run([xgettext, '--from-code=UTF-8', '-o', pot,
                    '--package-name=systemhealer']
                   + ['--keyword=' + k for k in KEYWORDS] + files,
                   cwd=srcroot, check=True, stderr=subprocess.DEVNULL)
    merged = os.path.join(tmp, 'merged.po')
    subprocess.run([msgmerge, '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot],
                   check=True)
    return merged


def main():
    if len(sys.argv) not in (3, 4):
        sys.exit('usage: check-po.py MSGFMT PO-FILE [SOURCE-ROOT]')
    msgfmt, po = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        checked = fresh_catalogue(po, sys.argv[3], tmp) if len(sys.argv) == 4 else po
        # msgfmt translates its own summary: ask for the English one to parse.
        env = dict(os.environ, LC_ALL='C', LANGUAGE='')
        run = subprocess.run([msgfmt, '--check', '--statistics', '-o', os.devnull, checked],
                             stderr=subprocess.PIPE, universal_newlines=True,
                             encoding='utf-8', env=env)
    print(run.stderr, end='')
    if run.returncode != 0:
        sys.exit('%s: msgfmt --check failed' % po)
    # e.g. "370 translated messages, 2 fuzzy translations, 1 untranslated message."
    stats = run.stderr.strip().splitlines()[-1]
    translated = re.search(r'(\d+) translated', stats)
    others = re.findall(r'(\d+) (fuzzy|untranslated)', stats)
    if translated is None or int(translated.group(1)) == 0:
        sys.exit('%s: no translated message found (%s)' % (po, stats))
    bad = [(int(n), kind) for n, kind in others if int(n) > 0]
    if bad:
        sys.exit('%s is incomplete: %s' % (po, ', '.join('%d %s' % b for b in bad)))
    check_credits(po)
    print('%s: %s messages, all translated' % (os.path.basename(po), translated.group(1)))


def check_credits(po):
    """The translator is named: in the header (Last-Translator, with an
    address) and in "translator-credits", which the About window shows."""
    with open(po, encoding='utf-8') as f:
        text = f.read()
    last = re.search(r'^"Last-Translator: ([^\\"]*)', text, re.M)
    if not last or not re.search(r'\S+ <[^@>\s]+@[^>\s]+>$', last.group(1).strip()) \
            or 'FULL NAME' in last.group(1):
        sys.exit('%s: Last-Translator %r is not a name and an address'
                 % (po, last and last.group(1)))
    credits = re.search(r'^msgid "translator-credits"\nmsgstr "(.*)"$', text, re.M)
    if credits is not None:
        address = re.search(r'<[^>]+>', last.group(1)).group(0)
        if address not in credits.group(1):
            sys.exit('%s: translator-credits %r does not credit the translator %s'
                     % (po, credits.group(1), last.group(1)))


if __name__ == '__main__':
    main()
