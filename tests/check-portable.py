#!/usr/bin/env python3
# check-portable.py — fail when code under src/ needs POSIX outside a platform guard
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-portable.py SOURCE-ROOT
#
# SystemHealer builds on Windows with MSYS2 (UCRT64), where unistd.h, fork()
# and friends do not exist or behave differently. Files, paths, threads, time
# and processes go through GLib/GIO; a POSIX header or call is allowed only
# inside a conditional on the platform, such as
#
#     #ifdef G_OS_WIN32
#       _setmode (_fileno (stdout), _O_BINARY);
#     #else
#       isatty (STDERR_FILENO);
#     #endif
#
# Both branches of such a conditional count as guarded.

import os
import re
import sys

SCANNED = ('src',)
EXTENSIONS = ('.c', '.h')

# Macros whose test marks a block as platform-specific.
PLATFORM = re.compile(r'\b(G_OS_UNIX|G_OS_WIN32|_WIN32|_WIN64|__unix__|__linux__|__APPLE__|'
                      r'__MINGW32__|_MSC_VER|HAVE_UNISTD_H|HAVE_[A-Z_]*POSIX[A-Z_]*)\b')

HEADERS = re.compile(r'^(unistd\.h|sys/.*|pthread\.h|dlfcn\.h|fcntl\.h|termios\.h|poll\.h|'
                     r'pwd\.h|grp\.h|dirent\.h|netdb\.h|arpa/.*|netinet/.*|spawn\.h|'
                     r'semaphore\.h|sched\.h|syslog\.h|libgen\.h|strings\.h|glob\.h|fnmatch\.h|'
                     r'regex\.h|sys/mman\.h|glib-unix\.h|gio/gunix.*|gio/gdesktopappinfo\.h|'
                     r'gio/gfiledescriptorbased\.h)$')

CALLS = ('fork', 'vfork', 'execl', 'execlp', 'execle', 'execv', 'execvp', 'execvpe', 'popen',
         'pclose', 'system', 'kill', 'killpg', 'sigaction', 'sigprocmask', 'pipe', 'dup2',
         'mmap', 'munmap', 'setenv', 'unsetenv', 'usleep', 'sleep', 'nanosleep', 'realpath',
         'mkstemp', 'mkdtemp', 'getuid', 'geteuid', 'getpid', 'getppid', 'gettimeofday',
         'clock_gettime', 'isatty', 'fsync', 'fcntl', 'ioctl', 'symlink', 'readlink',
         'getpwnam', 'getpwuid', 'strptime', 'sysconf', 'getrusage', 'uname', 'dlopen', 'dlsym',
         'posix_memalign', 'chown', 'fchmod', 'fileno')
CALL = re.compile(r'(?<![\w.>])(%s|pthread_\w+)\s*\(' % '|'.join(CALLS))


def strip_comments_and_strings(text):
    """Blank out comments and literals, keeping newlines so lines still match."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith('/*', i):
            end = text.find('*/', i + 2)
            end = n if end < 0 else end + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:end]))
            i = end
        elif text.startswith('//', i):
            end = text.find('\n', i)
            end = n if end < 0 else end
            out.append(' ' * (end - i))
            i = end
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            # #include <…> never reaches here; #include "…" keeps its name.
            line_start = text.rfind('\n', 0, i) + 1
            if re.match(r'\s*#\s*include\s*$', text[line_start:i]):
                out.append(text[i:j + 1])
            else:
                out.append(c + ' ' * (j - i - 1) + (text[j] if j < n else ''))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def offenders(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        text = strip_comments_and_strings(f.read())
    # Join continued preprocessor lines so that a guard is read whole.
    lines = text.replace('\\\n', '  ').split('\n')
    stack = []      # one bool per open #if: is this chain about the platform?
    found = []
    for number, line in enumerate(lines, 1):
        directive = re.match(r'\s*#\s*(\w+)(.*)', line)
        if directive:
            word, rest = directive.groups()
            if word in ('if', 'ifdef', 'ifndef'):
                stack.append(bool(PLATFORM.search(rest)))
            elif word == 'elif' and stack:
                stack[-1] = stack[-1] or bool(PLATFORM.search(rest))
            elif word == 'endif' and stack:
                stack.pop()
            elif word == 'include' and not any(stack):
                m = re.match(r'\s*<([^>]+)>', rest)
                if m and HEADERS.match(m.group(1)):
                    found.append((number, 'includes <%s>' % m.group(1)))
            continue
        if any(stack):
            continue
        for m in CALL.finditer(line):
            found.append((number, 'calls %s()' % m.group(1)))
    return found


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: check-portable.py SOURCE-ROOT')
    root = sys.argv[1]
    checked, bad = 0, []
    for top in SCANNED:
        for folder, dirs, files in os.walk(os.path.join(root, top)):
            dirs.sort()
            for name in sorted(files):
                if not name.endswith(EXTENSIONS):
                    continue
                path = os.path.join(folder, name)
                checked += 1
                for number, what in offenders(path):
                    bad.append('%s:%d: %s outside a G_OS_UNIX/G_OS_WIN32 block'
                               % (os.path.relpath(path, root).replace(os.sep, '/'), number, what))
    for line in bad:
        print(line)
    if bad:
        sys.exit('%d POSIX-only use(s) would break the Windows build; use GLib/GIO '
                 '(g_spawn_*, g_usleep, GSubprocess, g_get_real_time, GThread…) '
                 'or guard them' % len(bad))
    print('%d files under src/ use only portable APIs outside platform guards' % checked)


if __name__ == '__main__':
    main()
