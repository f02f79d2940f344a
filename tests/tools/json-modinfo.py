#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""modinfo --json on every module of both real trees (each module file by
path, each built-in module by name), parsed strictly and checked field by
field against kmod's `modinfo -0` (the oracle: records that cannot be
confused with each other) and against our own text modinfo: the head
(name of a built-in, filename), every .modinfo key with all its values in
order, the parameters as modinfo prints them, the signature's five fields.
Then on a sample, each field option (-F KEY, -a -d -l -p -n, -F signer,
-F sig_key, -F name, -0) with --json against the same option in text.

Usage: json-modinfo.py OUR_MODINFO"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jsoncheck import (KMOD_MODINFO, SIGNATURE_KEYS, Tally, as_json_text,  # noqa: E402
                       check_module, modinfo_records, modinfo_text_by_json, param_text, parse,
                       run, run_all, trees)

def check_batch(t, ours, args, label):
    """Every module of one invocation: JSON against kmod -0 and our text."""
    out_json, out_kmod, out_text = run_all([[ours, '--json'] + args, [KMOD_MODINFO, '-0'] + args,
                                            [ours] + args])
    docs = parse(out_json)
    kmod0 = modinfo_records(out_kmod)
    text_ours = modinfo_text_by_json(out_text, docs)
    t.equal(len(docs), len(kmod0), 'module count against kmod -0', label)
    t.equal(len(docs), len(text_ours), 'module count against our text', label)
    for m, k, o in zip(docs, kmod0, text_ours):
        where = f'{label}: {m["filename"] or m["name"]}'
        check_module(t, m, k, where + ' (kmod -0)')
        check_module(t, m, o, where + ' (our text)')
        if not m['builtin'] and 'name' in m['fields']:
            t.equal(m['fields']['name'], [m['name']], 'name', where)
    return len(docs)


def option_text(m, opt, field):
    """What modinfo OPT prints for module @m, from its JSON."""
    if field == 'filename':
        return [m['filename'] or '(builtin)']
    if field == 'parm':
        return [param_text(p, only=True) for p in m['parameters']]
    if field in SIGNATURE_KEYS:
        return [m['signature'][field]] if m['signature'] else []
    values = list(m['fields'][field])
    if field == 'name' and m['builtin']:
        values.insert(0, m['name'])
    return values


def check_options(t, ours, args, label):
    """Each field option, --json against kmod's text of the same option."""
    options = [['-F', 'alias'], ['-F', 'depends'], ['-F', 'name'], ['-F', 'vermagic'],
               ['-a'], ['-d'], ['-l'], ['-p'], ['-n'], ['-F', 'signer'], ['-F', 'sig_key'],
               ['-F', 'signature'], ['-F', 'no_such_key']]
    field_of = {'-a': 'author', '-d': 'description', '-l': 'license', '-p': 'parm',
                '-n': 'filename'}
    for opt in options:
        field = opt[1] if opt[0] == '-F' else field_of[opt[0]]
        docs = parse(run([ours, '--json'] + opt + args))
        for m in docs:
            t.check(set(m) == _members(field), 'members of -F output',
                    f'{label} {opt}: {sorted(m)}')
        want = ''.join(v + '\n' for m in docs for v in option_text(m, opt, field))
        for who, prog in (('kmod', KMOD_MODINFO), ('ours', ours)):
            got = as_json_text(run([prog] + opt + args))
            if field in ('sig_key', 'signature'):
                got = got.replace('\n\t\t', '')
            t.equal(want, got, f'{" ".join(opt)} against {who} text', label)
        # -0 changes nothing in JSON
        t.equal(parse(run([ours, '--json', '-0'] + opt + args)), docs, '-0 with --json', label)


def _members(field):
    base = {'name', 'filename', 'builtin'}
    if field == 'filename':
        return base
    if field == 'parm':
        return base | {'parameters'}
    if field in SIGNATURE_KEYS:
        return base | {'signature'}
    return base | {'fields'}


def main():
    ours = os.path.abspath(sys.argv[1])
    t = Tally()
    for tag, (root, version) in trees().items():
        start = time.monotonic()
        moddir = os.path.join(root, 'lib', 'modules', version)
        with open(os.path.join(moddir, 'modules.dep')) as f:
            paths = [os.path.join(moddir, line.split(':', 1)[0]) for line in f]
        with open(os.path.join(moddir, 'modules.builtin')) as f:
            builtins = [os.path.basename(line.strip()).split('.')[0] for line in f]
        n = 0
        for i in range(0, len(paths), 1500):
            n += check_batch(t, ours, paths[i:i + 1500], f'{tag} files')
        tree = ['-b', root, '-k', version]
        nb = check_batch(t, ours, tree + builtins, f'{tag} built-in')
        sample = paths[::40] + builtins[::10]
        check_options(t, ours, tree + sample, f'{tag} sample')
        print(f'{tag}: {n} module files of {len(paths)}, {nb} built-in of {len(builtins)}, '
              f'options on {len(sample)}: {time.monotonic() - start:.1f} s', flush=True)
        # (a built-in's name may also be another module's alias: crc32)
        t.check(n == len(paths) and nb >= len(builtins), 'every module', tag)
    t.finish()


if __name__ == '__main__':
    main()
