#!/usr/bin/env python3
# check-cli-l10n.py — systemhealer-cli speaks Chinese when LANGUAGE asks for it
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-cli-l10n.py SYSTEMHEALER-CLI LOCALEDIR
#
# LOCALEDIR is the build tree's po/ folder (zh_CN/LC_MESSAGES/systemhealer.mo),
# passed on as HEALER_LOCALEDIR. glibc ignores LANGUAGE while the locale is
# plain "C", so the locale is C.UTF-8: built into glibc ≥ 2.35 (Debian 12), no
# locales package needed, and still no language of its own to mask LANGUAGE.

import os
import subprocess
import sys

SKIP = 77


def run(cli, env, *args):
    return subprocess.run([cli] + list(args), env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, encoding='utf-8', errors='replace')


def main():
    if len(sys.argv) != 3:
        sys.exit('usage: check-cli-l10n.py SYSTEMHEALER-CLI LOCALEDIR')
    cli, localedir = sys.argv[1], sys.argv[2]
    mo = os.path.join(localedir, 'zh_CN', 'LC_MESSAGES', 'systemhealer.mo')
    if not os.path.isfile(mo):
        sys.exit('%s not found: the zh_CN catalogue was not built' % mo)

    env = {k: v for k, v in os.environ.items() if not k.startswith('LC_')}
    env.update(LANGUAGE='zh_CN', LANG='C.UTF-8', LC_ALL='C.UTF-8', HEALER_LOCALEDIR=localedir)
    failures = []

    # The CLI's own strings, the GOption help of a command and an engine error.
    help_text = run(cli, env, '--help')
    if '命令：' not in help_text.stdout or '用法：' not in help_text.stdout:
        if sys.platform.startswith('linux') and 'Commands:' in help_text.stdout:
            probe = subprocess.run(['locale', '-a'], stdout=subprocess.PIPE,
                                   encoding='utf-8', errors='replace')
            if 'c.utf8' not in probe.stdout.lower().replace('-', ''):
                print('# SKIP this C library has no C.UTF-8 locale')
                return SKIP
        failures.append('--help is not in Chinese:\n' + help_text.stdout)
    train_help = run(cli, env, 'train', '--help')
    if '将模型写入文件' not in train_help.stdout:
        failures.append('train --help is not in Chinese:\n' + train_help.stdout)
    missing = run(cli, env, 'info', os.path.join(localedir, 'no-such-model.json'))
    if missing.returncode != 1 or '无法' not in missing.stderr:
        failures.append('the error of a missing model file is not in Chinese (exit %d):\n%s'
                        % (missing.returncode, missing.stderr))

    # Without LANGUAGE the same binary stays English.
    del env['LANGUAGE']
    plain = run(cli, env, '--help')
    if 'Commands:' not in plain.stdout:
        failures.append('--help without LANGUAGE is not English:\n' + plain.stdout)

    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
