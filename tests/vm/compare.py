#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare the scenario's results with kmod's tools and with ours.

Usage: compare.py KERNEL_TAG KMOD_LOG OURS_LOG
Prints one line per step and per section, and "N passed, M failed" last.
A step passes when both runs give the same stdout, stderr, exit status and
loaded modules afterwards, and kmod's exit status is the one the scenario
expects (so that two runs failing alike for a wrong reason do not pass).
"""
import re
import sys

# Where we differ from kmod 30 on purpose: (kernel tag, step) -> why.
KNOWN = {}
for step in ('force/load', 'force/taint', 'force/remove'):
    KNOWN[('6.12', step)] = ('kmod strips version data out of the signed .ko.xz and the '
                             'kernel rejects the key; we pass the ignore flags to the kernel')
for step in ('force/other-load', 'force/other-taint', 'force/other-remove'):
    KNOWN[('6.1', step)] = ('kmod strips version data out of the signed image and the '
                            'kernel rejects the key; we pass the ignore flags to the kernel')

for tag in ('6.1', '6.12'):
    KNOWN[(tag, 'wait/timeout')] = ('when -w runs out, kmod 30 leaves the module loaded and '
                                    'exits 0 in silence; we say so and exit 1')

    KNOWN[(tag, 'remove/holders')] = ('kmod 30 removes the holders and the module, then '
                                      'fails with ENOENT and exits 1, leaving its unused '
                                      'dependencies; we finish the removal and exit 0')

# kmod's library adds its own line, with its source location, to some errors
KMOD_NOISE = re.compile(r'^E:\S+: ERROR: \.\./libkmod/\S+:\d+ ')


def parse(path):
    steps, order, cur, meta = {}, [], None, {}
    with open(path, errors='replace') as f:
        for raw in f:
            line = raw.rstrip('\r\n')
            line = line.replace('/kmod/', '/TOOLS/').replace('/ours/', '/TOOLS/')
            if line.startswith('@@step '):
                _, name, want = line.split(' ', 2)
                cur = {'want': want, 'lines': [], 'skip': None, 'rc': None}
                steps[name] = cur
                order.append(name)
            elif line.startswith('@@skip ') and cur is not None:
                cur['skip'] = line[7:]
            elif line.startswith('@@rc ') and cur is not None:
                cur['rc'] = line[5:]
                cur['lines'].append(line)
            elif line.startswith('@@') and not line.startswith(('@@cmd', '@@state')):
                key, _, value = line[2:].partition(' ')
                meta[key] = value
            elif cur is not None and not KMOD_NOISE.match(line):
                cur['lines'].append(line)
    return order, steps, meta


def main():
    tag, kmod_log, ours_log = sys.argv[1:4]
    korder, ksteps, kmeta = parse(kmod_log)
    oorder, osteps, ometa = parse(ours_log)
    passed = failed = 0
    sections = {}
    if 'end' not in kmeta or 'end' not in ometa:
        print(f'{tag}: a run did not finish (kmod: {"end" in kmeta}, ours: {"end" in ometa})')
        failed += 1
    for who, meta in (('kmod', kmeta), ('ours', ometa)):
        if 'reset-failed' in meta:
            print(f'{tag}: modules left loaded between sections in the {who} run: '
                  f'{meta["reset-failed"]}')
            failed += 1
    print(f'{tag}: kernel {kmeta.get("kernel", "?")}, '
          f'in-kernel decompression: {kmeta.get("compression", "?")}')
    for name in korder:
        sec = name.split('/')[0]
        counts = sections.setdefault(sec, {'match': 0, 'differ': 0, 'known': 0, 'not run': 0})
        k, o = ksteps[name], osteps.get(name)
        if o is None:
            verdict = 'differ'
            detail = 'missing from our run'
        elif k['skip'] or o['skip']:
            verdict = 'not run'
            detail = k['skip'] or o['skip']
        elif k['lines'] == o['lines'] and k['rc'] == k['want']:
            verdict = 'match'
            detail = ''
        elif (tag, name) in KNOWN:
            verdict = 'known'
            detail = KNOWN[(tag, name)]
        else:
            verdict = 'differ'
            detail = (f'kmod exit {k["rc"]}, expected {k["want"]}'
                      if k['lines'] == o['lines'] else 'outputs differ')
        counts[verdict] += 1
        if verdict == 'match':
            passed += 1
        elif verdict == 'differ':
            failed += 1
        print(f'  {verdict.upper():8} {name}' + (f'  ({detail})' if detail else ''))
        if verdict == 'differ' and o is not None:
            for line in k['lines']:
                if line not in o['lines']:
                    print(f'      kmod: {line}')
            for line in o['lines']:
                if line not in k['lines']:
                    print(f'      ours: {line}')
    for name in oorder:
        if name not in ksteps:
            print(f'  DIFFER   {name}  (missing from kmod\'s run)')
            failed += 1
    for sec, c in sections.items():
        total = sum(c.values())
        print(f'{tag} section {sec}: {c["match"]}/{total} match kmod'
              + (f', {c["known"]} known differences' if c['known'] else '')
              + (f', {c["not run"]} not run' if c['not run'] else '')
              + (f', {c["differ"]} DIFFER' if c['differ'] else ''))
    print(f'{passed} passed, {failed} failed')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
