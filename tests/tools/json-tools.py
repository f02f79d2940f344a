#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""--json of lsmod, modprobe -D, modprobe -c and depmod -n, parsed strictly
and checked against the text of the same tool, ours and kmod's:

  lsmod       in the fake kernel (tests/tools/fake-kernel.c), modules with
              holders, sizes, refcounts, and names holding quotes,
              backslashes, control bytes, DEL and invalid UTF-8
  modprobe -D every module name and a string for every third alias pattern
              of both trees, empty configuration and tests/tools/modprobe.d, and the
              cases with options, -b, -i, install commands, not found; the
              JSON rendered as -D's lines must be kmod's -D output
  modprobe -c each configuration entry and index line, in order
  depmod -n   both trees: the JSON rendered as the text files must be kmod's
              and our depmod -n output byte for byte

Usage: json-tools.py BUILD_DIR FAKE_KERNEL_SO"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jsoncheck import (Tally, as_json_text, check_depmod, check_modprobe_config,  # noqa: E402
                       modprobe_cases, parse, run, trees)

HERE = os.path.dirname(os.path.abspath(__file__))
KMOD_LSMOD = os.environ.get('KMOD_LSMOD', '/usr/sbin/lsmod')


# ---- lsmod ----------------------------------------------------------------

def lsmod_rows(text):
    """kmod's table as [(name, size, refcount, [holders])], bytes."""
    lines = text.split(b'\n')
    assert lines[0] == b'Module                  Size  Used by', lines[0]
    rows = []
    for line in lines[1:-1]:
        m = re.fullmatch(rb'(\S+) +(\d+) +(-?\d+)(?: (\S+))?', line)
        if not m:
            raise ValueError(f'lsmod line {line!r}')
        holders = m.group(4).split(b',') if m.group(4) else []
        rows.append((m.group(1), int(m.group(2)), int(m.group(3)), holders))
    return rows


def lsmod_state(root, modules):
    """/sys/module of the fake kernel: {name: (coresize, refcnt, [holders])}."""
    shutil.rmtree(root, ignore_errors=True)
    os.makedirs(os.path.join(root, 'proc'))
    os.makedirs(os.path.join(root, 'sys', 'module'))
    for name, (size, refcnt, holders) in modules.items():
        d = os.path.join(root.encode(), b'sys', b'module', name)
        os.makedirs(os.path.join(d, b'holders'))
        for f, v in ((b'initstate', b'live'), (b'refcnt', str(refcnt).encode()),
                     (b'coresize', str(size).encode())):
            with open(os.path.join(d, f), 'wb') as out:
                out.write(v + b'\n')
        for h in holders:
            os.makedirs(os.path.join(d, b'holders', h))


def check_lsmod(t, tools, shim, work):
    states = {
        'none': {},
        'bridge': {b'bridge': (311296, 0, []), b'stp': (12288, 1, [b'bridge']),
                   b'llc': (16384, 2, [b'bridge', b'stp']), b'dummy': (16384, 0, [])},
        'many holders': dict([(b'base', (4096, 30, [b'user%d' % i for i in range(30)]))] +
                             [(b'user%d' % i, (8192 + i, 0, [])) for i in range(30)]),
        'hostile names': {b'q"uote': (1, 0, [b'back\\slash']), b'back\\slash': (2, 1, []),
                          b'ctl\x01\x1f\x7f': (3, 0, []), b'bad\xff\xc3(utf8': (4, 0, []),
                          b'ok\xc3\xa9\xe2\x82\xac': (5, 0, [b'q"uote']),
                          b'a' * 60: (123456789012, 7, [])},
    }
    for label, modules in states.items():
        root = os.path.join(work, 'fake')
        lsmod_state(root, modules)
        env = dict(os.environ, FAKE_KERNEL_ROOT=root, LD_PRELOAD=shim)
        docs = parse(run([os.path.join(tools, 'lsmod'), '--json'], env=env))
        got = [(as_json_text(n), s, r, [as_json_text(h) for h in hs])
               for n, s, r, hs in lsmod_rows(run([KMOD_LSMOD], env=env))]
        ours = [(as_json_text(n), s, r, [as_json_text(h) for h in hs])
                for n, s, r, hs in lsmod_rows(run([os.path.join(tools, 'lsmod')], env=env))]
        mine = [(m['name'], m['size'], m['refcount'], m['holders']) for m in docs]
        t.equal(mine, got, 'lsmod --json against kmod lsmod', label)
        t.equal(mine, ours, 'lsmod --json against our lsmod', label)
        t.check(all(set(m) == {'name', 'size', 'refcount', 'holders'} for m in docs),
                'lsmod members', label)
        t.equal(len(docs), len(modules), 'lsmod: every module', label)


# ---- modprobe -D ----------------------------------------------------------

def concrete(pattern):
    """A string the modules.alias pattern matches: '*' empty, '?' 0; None with brackets."""
    if '[' in pattern:
        return None
    return pattern.replace('*', '').replace('?', '0') or None


def check_modprobe_depends(t, modprobe, tag, root, version):
    moddir = os.path.join(root, 'lib', 'modules', version)
    with open(os.path.join(moddir, 'modules.dep')) as f:
        names = sorted({os.path.basename(line.split(':', 1)[0]).split('.')[0] for line in f})
    aliases = []
    with open(os.path.join(moddir, 'modules.alias'), errors='replace') as f:
        for line in f:
            w = line.split()
            if len(w) == 3 and w[0] == 'alias' and concrete(w[1]):
                aliases.append(concrete(w[1]))
    aliases = sorted(set(aliases))[::3]     # a third: the text is compared whole elsewhere
    empty = tempfile.mkdtemp()
    checked = 0
    for conf in (empty, os.path.join(HERE, 'modprobe.d')):
        base = ['-d', root, '-S', version, '-C', conf]
        label = f'{tag} {os.path.basename(conf)}'
        for what, items in (('names', names), ('aliases', aliases)):
            for i in range(0, len(items), 1000):
                docs = modprobe_cases(t, modprobe, base, f'{label} {what}',
                                      ['-D', '-a'] + items[i:i + 1000])
                t.equal([d['name'] for d in docs], items[i:i + 1000], '-D --json names',
                        label)
                checked += len(docs)
        for args in ('-D ext4 foo=1 bar=a\\ b', '-D no-such-module', '-D symbol:no_such_symbol',
                     '-D bad]name', '-D myalias', '-b -D e1000e', '-D e1000e', '-i -D dummy',
                     '-D dummy x=1', '-D fakemod', '-D cifs', '-D xfs', '-D glob123',
                     '-D pci:v00008086d000010D3sv00001234sd00005678bc02sc00i00',
                     '-b -D pci:v00008086d000010D3sv00001234sd00005678bc02sc00i00',
                     '-D unix', '-D fs-ext4', '-D -a ext4 no-such-module cifs'):
            argv = [a.replace('\\ ', ' ') for a in re.split(r'(?<!\\) ', args)]
            docs = modprobe_cases(t, modprobe, base, label, argv)
            for d in docs:
                t.check(set(d) == {'name', 'found_by', 'modules'}, 'plan members', args)
                t.check((d['found_by'] == 'nothing') == (not d['modules']), 'found_by', args)
    shutil.rmtree(empty)
    # --json that nothing prints: refused before anything is loaded
    p = subprocess.run([modprobe, '-d', root, '-S', version, '--json', '-n', 'dummy'],
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    t.equal((p.returncode, p.stdout, bool(p.stderr)), (1, b'', True),
            'modprobe --json without -D or -c: refused', tag)
    return checked


def main():
    tools = os.path.join(os.path.abspath(sys.argv[1]), 'tools')
    shim = os.path.abspath(sys.argv[2])
    t = Tally()
    work = tempfile.mkdtemp()
    try:
        start = time.monotonic()
        check_lsmod(t, tools, shim, work)
        print(f'lsmod: {time.monotonic() - start:.1f} s', flush=True)
        for tag, (root, version) in trees().items():
            start = time.monotonic()
            n = check_modprobe_depends(t, os.path.join(tools, 'modprobe'), tag, root, version)
            os.makedirs(os.path.join(work, 'empty'), exist_ok=True)
            for conf in (os.path.join(work, 'empty'), os.path.join(HERE, 'modprobe.d')):
                check_modprobe_config(t, os.path.join(tools, 'modprobe'),
                                      ['-d', root, '-S', version, '-C', conf],
                                      f'{tag} -c {os.path.basename(conf)}')
            print(f'{tag}: modprobe -D --json of {n} names and aliases, -c: '
                  f'{time.monotonic() - start:.1f} s', flush=True)
            start = time.monotonic()
            n = check_depmod(t, os.path.join(tools, 'depmod'), tag, root, version)
            print(f'{tag}: depmod -n --json, {n} modules: {time.monotonic() - start:.1f} s',
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    t.finish()


if __name__ == '__main__':
    main()
