#!/usr/bin/env python3
# check-potfiles.py — fail when a source file with translatable strings is not in po/POTFILES.in
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-potfiles.py SOURCE-ROOT
#
# A file missing from POTFILES.in is silently left out of the template, so its
# messages would stay English in every language; a listed file that no longer
# exists breaks the systemhealer-pot target.

import os
import re
import sys

# _("…"), N_("…"), C_("ctx", "…"), NC_(…), Q_(…) and the g_d*gettext family.
MARKER = re.compile(r'(?<![A-Za-z0-9_])(?:N?C?_|Q_|g_dn?gettext|g_dpgettext2?|g_dcgettext)\s*\(\s*(?:"|GETTEXT_PACKAGE)'
                    r'|translatable="yes"')
SCANNED = ('src',)
EXTENSIONS = ('.c', '.h', '.ui', '.blp')


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: check-potfiles.py SOURCE-ROOT')
    root = sys.argv[1]
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        listed = {l.strip() for l in f if l.strip() and not l.startswith('#')}

    needed = set()
    for top in SCANNED:
        for folder, _dirs, files in os.walk(os.path.join(root, top)):
            for name in files:
                if not name.endswith(EXTENSIONS):
                    continue
                path = os.path.join(folder, name)
                with open(path, encoding='utf-8', errors='replace') as f:
                    if MARKER.search(f.read()):
                        needed.add(os.path.relpath(path, root).replace(os.sep, '/'))

    missing = sorted(needed - listed)
    gone = sorted(p for p in listed if not os.path.isfile(os.path.join(root, p)))
    for p in missing:
        print('%s has translatable strings but is not in po/POTFILES.in' % p)
    for p in gone:
        print('po/POTFILES.in lists %s, which does not exist' % p)
    if missing or gone:
        sys.exit(1)
    print('po/POTFILES.in lists all %d files with translatable strings' % len(needed))


if __name__ == '__main__':
    main()
