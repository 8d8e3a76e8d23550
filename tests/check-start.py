#!/usr/bin/env python3
# check-start.py — the app started without its settings schema says so
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-start.py SYSTEMHEALER
#
# Started from the build tree without GSETTINGS_SCHEMA_DIR (as the README
# once told Windows users to), GSettings used to abort the program: exit 133
# on Windows, SIGTRAP here, and no word of why. It must exit with status 1
# and name what is missing, before it opens any window (no display needed).

import os
import subprocess
import sys
import tempfile


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: check-start.py SYSTEMHEALER')
    with tempfile.TemporaryDirectory() as empty:
        env = {k: v for k, v in os.environ.items() if k not in ('GSETTINGS_SCHEMA_DIR', 'DISPLAY',
                                                                 'WAYLAND_DISPLAY')}
        # No schema anywhere: neither the system's data folders nor the build's.
        # XDG_DATA_HOME too: GSettings also reads ~/.local/share/glib-2.0/schemas.
        env.update(XDG_DATA_DIRS=empty, XDG_DATA_HOME=empty, LANGUAGE='C', LC_ALL='C.UTF-8',
                   XDG_STATE_HOME=empty)
        proc = subprocess.run([sys.argv[1]], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              universal_newlines=True, encoding='utf-8', timeout=60)
    print(proc.stderr, end='')
    if proc.returncode != 1:
        sys.exit('exit status %d without the settings schema, not 1' % proc.returncode)
    if 'settings schema' not in proc.stderr or 'GSETTINGS_SCHEMA_DIR' not in proc.stderr:
        sys.exit('the message does not say what is missing')
    print('without its schema: exit 1 with a message')


if __name__ == '__main__':
    main()
