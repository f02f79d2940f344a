#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Write the C files that hold our libkmod.h to kmod's (Debian's) header.

Usage: abi-header.py PREPROCESSED_KMOD_HEADER OUTDIR

From kmod's header, preprocessed (cc -E -P), writes:
  redeclare.c  our header, then each of kmod's function declarations again:
               C refuses a redeclaration whose type differs, so it compiles
               only if every prototype (return, parameters, callback
               signatures) is the same; it also walks a list with both macros
  enums.c      prints every enumerator of kmod's enums with its value: built
               once with each header, the two outputs must be the same
"""
import os
import re
import sys


def statements(text):
    """Top-level declarations: text up to each ';' outside braces."""
    depth, start = 0, 0
    for i, c in enumerate(text):
        if c == '{':
            depth += 1
        elif c == '}':
            depth -= 1
        elif c == ';' and depth == 0:
            yield ' '.join(text[start:i].split())
            start = i + 1


def main():
    text = open(sys.argv[1]).read()
    out = sys.argv[2]
    functions, enumerators = [], []
    for s in statements(text):
        if s.startswith('extern "C"'):
            s = s[len('extern "C" {'):].strip()
        if re.match(r'(typedef\s+)?enum\b', s) and '{' in s:
            body = s[s.index('{') + 1:s.rindex('}')]
            enumerators += [e.split('=')[0].strip() for e in body.split(',') if e.strip()]
        elif '(' in s and not s.startswith('typedef') and re.search(r'\bkmod_\w+\s*\(', s):
            functions.append(s)
    if len(functions) < 70 or len(enumerators) < 20:
        sys.exit(f'{sys.argv[1]}: only {len(functions)} functions and '
                 f'{len(enumerators)} enumerators found: not kmod\'s header?')
    with open(os.path.join(out, 'redeclare.c'), 'w') as f:
        f.write('#include <stddef.h>\n#include <libkmod.h>\n\n')
        for fn in functions:
            f.write(fn + ';\n')
        f.write('\nint walk(const struct kmod_list *list);\n'
                'int walk(const struct kmod_list *list)\n{\n'
                '\tconst struct kmod_list *l;\n\tint n = 0;\n\n'
                '\tkmod_list_foreach(l, list)\n\t\tn++;\n'
                '\tkmod_list_foreach_reverse(l, list)\n\t\tn--;\n'
                '\treturn n;\n}\n')
    with open(os.path.join(out, 'enums.c'), 'w') as f:
        f.write('#include <stdio.h>\n#include <libkmod.h>\n\nint main(void)\n{\n')
        for e in enumerators:
            f.write(f'\tprintf("%s %lld %zu\\n", "{e}", (long long){e}, sizeof({e}));\n')
        f.write('\treturn 0;\n}\n')
    print(f'{len(functions)} functions, {len(enumerators)} enumerators')


if __name__ == '__main__':
    main()
