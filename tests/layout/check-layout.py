#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The library's layout holds: every #include of src/ and tools/ runs one way.

Usage: check-layout.py SOURCE_DIR [BUILD_DIR]
Reads tests/layout/layers (each folder and the folders it may include), checks
that those rules have no cycle, that every folder of src/ has a rule, and that
each #include "..." of a file in src/ names a file of its own folder, of a
folder its rule allows, or the public header; tools/ include only the public
header and their own files.

With BUILD_DIR, checks the calls too, on the objects the build made (found
through its compile_commands.json, read with nm): a function of a folder may
call only into its own folder and those its rule allows, even through the
public API (which every file may include, so the includes alone cannot
tell); the tools call only public (modtool_) functions of the library,
though they link its objects statically.

Prints a line per violation and "N passed, M failed" last.
"""
import json
import os
import re
import subprocess
import sys

PUBLIC = {'libmodtool.h', 'build-config.h'}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read_layers(path):
    rules = {}
    for line in open(path):
        line = line.split('#', 1)[0].strip()
        if not line:
            continue
        folder, _, allowed = line.partition(':')
        rules[folder.strip()] = set(allowed.split())
    return rules


def cycles(rules):
    """Folders on a cycle of the allowed-include graph (there must be none)."""
    state, bad = {}, []

    def visit(f, path):
        if state.get(f) == 1:
            bad.append(' -> '.join(path + [f]))
            return
        if state.get(f) == 2:
            return
        state[f] = 1
        for g in sorted(rules.get(f, ())):
            visit(g, path + [f])
        state[f] = 2
    for f in sorted(rules):
        visit(f, [])
    return bad


def includes(dirpath, filenames):
    """(path, included name) for each #include "..." of the C files listed."""
    for name in sorted(filenames):
        if name.endswith(('.c', '.h')):
            path = os.path.join(dirpath, name)
            for inc in INCLUDE.findall(open(path, errors='replace').read()):
                yield path, inc


def objects(top, build):
    """(source path relative to top, object path) of each C file the build compiled."""
    with open(os.path.join(build, 'compile_commands.json')) as f:
        for entry in json.load(f):
            source = os.path.normpath(os.path.join(entry['directory'], entry['file']))
            yield (os.path.relpath(source, os.path.realpath(top)),
                   os.path.join(entry['directory'], entry['output']))


def symbols(obj):
    """The functions and data @obj defines, and those it uses from elsewhere."""
    defined, used = set(), set()
    out = subprocess.run(['nm', obj], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = line.split()
        if len(fields) == 3 and fields[1] in 'TDBRVW':
            defined.add(fields[2])
        elif len(fields) == 2 and fields[0] == 'U':
            used.add(fields[1])
    return defined, used


def check_calls(top, build, rules):
    """Violations of the layers by calls between the build's objects."""
    owner, uses = {}, {}
    for source, obj in objects(top, build):
        parts = source.split(os.sep)
        if parts[0] == 'src':
            folder = os.sep.join(parts[1:-1]) or '.'
        elif parts[0] == 'tools':
            folder = 'tools'
        else:
            continue
        if not os.path.exists(obj):
            return 0, [f'{obj}: not built (build {build} first)']
        defined, used = symbols(obj)
        for sym in defined:
            owner.setdefault(sym, folder)
        uses[source] = (folder, used)
    problems, checked = [], 0
    for source, (folder, used) in sorted(uses.items()):
        for sym in sorted(used):
            where = owner.get(sym)
            if where is None or where == folder:
                continue
            checked += 1
            if folder == 'tools':
                if not sym.startswith('modtool_'):
                    problems.append(f'{source}: calls {sym} ({where}): '
                                    'tools call only the public API')
            elif where == 'tools' or where not in rules.get(folder, ()):
                problems.append(f'{source}: calls {sym} of {where}: '
                                f'{folder} may not call into {where}')
    return checked, problems


def main():
    top = sys.argv[1]
    src = os.path.join(top, 'src')
    rules = read_layers(os.path.join(top, 'tests', 'layout', 'layers'))
    problems, checked = [], 0

    problems += [f'layers: cycle {c}' for c in cycles(rules)]
    checked += len(rules)
    for f, allowed in rules.items():
        problems += [f'layers: {f} may include {a}, which has no rule'
                     for a in sorted(allowed - set(rules))]
    for dirpath, dirnames, filenames in os.walk(src):
        folder = os.path.relpath(dirpath, src)
        if folder not in rules:
            problems.append(f'src/{folder}: a folder with no rule in tests/layout/layers')
            continue
        for path, inc in includes(dirpath, filenames):
            checked += 1
            where = os.path.dirname(inc) or folder
            target = os.path.join(src, inc if os.path.dirname(inc)
                                  else os.path.join(folder, inc))
            rel = os.path.relpath(path, top)
            if inc in PUBLIC:
                continue
            if not os.path.exists(target):
                problems.append(f'{rel}: includes "{inc}", which is not in src/{where}')
            elif where != folder and where not in rules[folder]:
                problems.append(f'{rel}: includes "{inc}": {folder} may not include {where}')
    for dirpath, _, filenames in os.walk(os.path.join(top, 'tools')):
        for path, inc in includes(dirpath, filenames):
            checked += 1
            own = '/' not in inc and os.path.exists(os.path.join(dirpath, inc))
            if inc not in PUBLIC and not own:
                problems.append(f'{os.path.relpath(path, top)}: includes "{inc}": '
                                'tools use the public header only')
    if len(sys.argv) > 2:
        n, calls = check_calls(top, sys.argv[2], rules)
        checked += n
        problems += calls
    for p in problems:
        print('FAIL:', p)
    print(f'{checked - len(problems)} passed, {len(problems)} failed')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
