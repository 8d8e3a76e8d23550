#!/usr/bin/env python3
# po-fill.py — put translations into a .po file from a JSON table
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: tools/po-fill.py po/zh_CN.po TABLE.json
#
# TABLE maps msgid (or "CONTEXT\u0004msgid") to msgstr, or to a list of
# msgstr[N] for plural entries. Matching entries are filled in and lose their
# fuzzy flag; everything else is left as msgmerge wrote it. Prints what is
# still untranslated or fuzzy afterwards.

import json
import re
import sys


def unquote(lines):
    return ''.join(json.loads(l) for l in lines)


def quote(s):
    return json.dumps(s, ensure_ascii=False)


def main():
    po_path, table_path = sys.argv[1:3]
    table = json.load(open(table_path, encoding='utf-8'))
    text = open(po_path, encoding='utf-8').read()
    blocks = text.split('\n\n')
    out = []
    left = []
    for block in blocks:
        lines = block.split('\n')
        fields = {}
        current = None
        for l in lines:
            m = re.match(r'^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (".*")$', l)
            if m:
                current = m.group(1)
                fields[current] = [m.group(2)]
            elif l.startswith('"') and current:
                fields[current].append(l)
            elif not l.startswith('#'):
                current = None
        if 'msgid' not in fields or unquote(fields['msgid']) == '' or block.lstrip().startswith('#~'):
            out.append(block)
            continue
        msgid = unquote(fields['msgid'])
        key = msgid
        if 'msgctxt' in fields:
            key = unquote(fields['msgctxt']) + '\u0004' + msgid
        fuzzy = any(l.startswith('#,') and 'fuzzy' in l for l in lines)
        if key in table:
            value = table[key]
            keep = []
            in_msgstr = False
            for l in lines:
                if l.startswith('#|'):
                    continue
                if l.startswith('#,'):
                    flags = [f.strip() for f in l[2:].split(',') if f.strip() and f.strip() != 'fuzzy']
                    if flags:
                        keep.append('#, ' + ', '.join(flags))
                    continue
                # The old msgstr, with its continuation lines, is replaced.
                if l.startswith('msgstr'):
                    in_msgstr = True
                    continue
                if in_msgstr and l.startswith('"'):
                    continue
                in_msgstr = False
                keep.append(l)
            if isinstance(value, list):
                for i, v in enumerate(value):
                    keep.append(f'msgstr[{i}] {quote(v)}')
            else:
                keep.append(f'msgstr {quote(value)}')
            out.append('\n'.join(keep))
        else:
            strs = [unquote(v) for k, v in fields.items() if k.startswith('msgstr')]
            if fuzzy or any(s == '' for s in strs):
                left.append(key.replace('\u0004', ' | '))
            out.append(block)
    open(po_path, 'w', encoding='utf-8').write('\n\n'.join(out))
    for k in left:
        print('untranslated:', k)


if __name__ == '__main__':
    main()
