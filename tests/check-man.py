#!/usr/bin/env python3
# check-man.py — the manual pages are well-formed and cover every CLI command and option
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-man.py SYSTEMHEALER-CLI MAN-PAGE…
#
# The page of systemhealer-cli must have a subsection for every command that
# "systemhealer-cli --help" lists, and mention every long option that
# "systemhealer-cli COMMAND --help" shows, in the command's subsection or in
# the shared TRAINING OPTIONS section. groff, when installed, must read the
# pages without a warning.

import os
import re
import shutil
import subprocess
import sys


def help_text(argv):
    env = dict(os.environ, LC_ALL='C.UTF-8', LANGUAGE='C')
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, encoding='utf-8', env=env)
    if proc.returncode != 0:
        sys.exit('%s failed:\n%s' % (' '.join(argv), proc.stdout))
    return proc.stdout


def plain(roff):
    # Enough of roff to compare option names: \- is a hyphen, \fX a font change.
    text = roff.replace('\\-', '-').replace('\\~', ' ').replace('\\(em', '—')
    return re.sub(r'\\f[BIRP]', '', text)


def sections(page):
    """Splits the page into {heading: text} by .SH and .SS lines."""
    out, name, buf = {}, '', []
    for line in page.splitlines():
        m = re.match(r'^\.S[HS]\s+"?([^"]*)"?', line)
        if m:
            out[name] = '\n'.join(buf)
            name, buf = m.group(1).strip(), []
        else:
            buf.append(line)
    out[name] = '\n'.join(buf)
    return out


def lint(path):
    groff = shutil.which('groff')
    if groff is None:
        print('groff not installed: %s not linted' % path)
        return []
    proc = subprocess.run([groff, '-man', '-ww', '-z', '-Tutf8', path],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True, env=dict(os.environ, LC_ALL='C.UTF-8'))
    if proc.returncode != 0 or proc.stdout.strip():
        return ['groff warns about %s:\n%s' % (path, proc.stdout)]
    print('%s: groff reads it without a warning' % os.path.basename(path))
    return []


def main():
    if len(sys.argv) < 3:
        sys.exit('usage: check-man.py SYSTEMHEALER-CLI MAN-PAGE…')
    cli, pages = sys.argv[1], sys.argv[2:]
    failures = []
    for path in pages:
        failures += lint(path)

    cli_page = [p for p in pages if os.path.basename(p) == 'systemhealer-cli.1']
    if not cli_page:
        sys.exit('no systemhealer-cli.1 among %s' % pages)
    with open(cli_page[0], encoding='utf-8') as f:
        secs = {k: plain(v) for k, v in sections(f.read()).items()}
    shared = secs.get('TRAINING OPTIONS', '')

    usage = help_text([cli, '--help'])
    commands = re.findall(r'^  ([a-z][a-z-]*)\s{2,}\S', usage.split('Commands:', 1)[-1], re.M)
    if len(commands) < 5:
        sys.exit('could not read the commands from:\n' + usage)
    for command in commands:
        own = [text for head, text in secs.items() if plain(head).split()[:1] == [command]]
        if not own:
            failures.append('systemhealer-cli.1 has no subsection for “%s”' % command)
            continue
        # The option lines only: the summary may name options too ("every
        # option of train except --output").
        options = set(re.findall(r'^\s+(?:-\w, )?(--[a-z][a-z0-9-]*)',
                                 help_text([cli, command, '--help']), re.M))
        options.discard('--help')
        for option in sorted(options):
            pattern = re.compile(re.escape(option) + r'(?![a-z0-9-])')
            if not pattern.search(own[0]) and not pattern.search(shared):
                failures.append('systemhealer-cli.1 does not document %s %s' % (command, option))
        print('%s: %d options documented' % (command, len(options)))

    for f in failures:
        print(f)
    if failures:
        sys.exit('%d problem(s) with the manual pages' % len(failures))
    print('%d commands, all documented' % len(commands))


if __name__ == '__main__':
    main()
