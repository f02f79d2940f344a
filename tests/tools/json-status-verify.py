#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""modtool status --json and modtool verify --json, parsed strictly and
rendered back into the text of the same command, which must come out byte
for byte:

  status  fake /proc and /sys trees (--sysroot): a full one (taint bits,
          an unknown bit, tainting modules with hostile names, lockdown,
          IPE, LoadPin, keys with quotes and invalid UTF-8, hidden modules),
          an empty one (everything unknown), odd values; with --all-bits
  verify  a sample of both real trees against their own kernel image, and
          an unsigned and a damaged module; the summary counts

Usage: json-status-verify.py BUILD_DIR"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jsoncheck import Tally, as_json_text, parse, run, trees  # noqa: E402


def flag_word(v, unknown):
    return unknown if v is None else 'yes' if v else 'no'


def status_text(doc):
    """modtool status --all-bits's text, from its JSON."""
    out = []
    taint = doc['taint']
    if taint is None:
        out.append('taint: unknown (no /proc/sys/kernel/tainted)')
    else:
        out.append(f"taint: {taint['value']}{'' if taint['value'] else ' (not tainted)'}")
        for f in taint['flags']:
            if f['letter'] is None:
                out.append(f"  ? bit {f['bit']}  (a taint this version does not know)")
            else:
                out.append(f"  {f['letter'] if f['set'] else '-'} {f['bit']:<2} "
                           f"{'set  ' if f['set'] else 'clear'} {f['meaning']}")
    mods = ','.join(f" {m['name']} ({m['taint']})" for m in doc['tainting_modules'])
    out.append(f"modules that taint it:{mods or ' none'}")
    out.append(f"module loading: {'allowed' if doc['load']['allowed'] else 'refused'}: "
               f"{doc['load']['why']}")
    out.append(f"modules_disabled: {flag_word(doc['modules_disabled'], 'unknown')}")
    out.append(f"sig_enforce: {flag_word(doc['sig_enforce'], 'unknown (no module signing)')}")
    out.append('lockdown: ' + (doc['lockdown'] or
                               'unknown (no lockdown LSM or securityfs not mounted)'))
    out.append('LoadPin: ' + {None: 'absent', 'enforce': 'enforcing',
                              'permissive': 'present, not enforcing'}[doc['loadpin']])
    ipe = doc['ipe']
    out.append('IPE: ' + ('absent' if ipe is None else
                          ipe['active_policy'] or 'present, no active policy'))
    keys = doc['trusted_keys']
    out.append('trusted keys:' + (' unknown (no /proc/keys)' if keys is None else
                                  '' if keys else ' none listed'))
    out += [f"  {k['keyring']:<24} {k['key']}" for k in keys or []]
    hidden = doc['hidden_modules']
    if hidden is None:
        out.append('hidden modules: not checked (no /sys/module)')
    elif not hidden:
        out.append('hidden modules: none (/proc/modules and /sys/module agree)')
    out += [f"hidden module? {h['name']}: in {h['only_in']}" for h in hidden or []]
    if doc['proc_modules_damaged']:
        out.append('warning: a line of /proc/modules could not be read')
    return ''.join(line + '\n' for line in out)


def put(root, rel, data):
    path = os.path.join(root.encode(), rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'wb') as f:
        f.write(data)


STATES = {
    'full': {
        b'proc/sys/kernel/tainted': b'%d\n' % (4096 | 8192 | 1 | (1 << 40)),
        b'proc/sys/kernel/modules_disabled': b'0\n',
        b'proc/sys/kernel/loadpin/enforce': b'1\n',
        b'sys/module/module/parameters/sig_enforce': b'Y\n',
        b'sys/kernel/security/lockdown': b'none [integrity] confidentiality\n',
        b'sys/kernel/security/ipe/policies/st"rict\\/active': b'1\n',
        b'proc/modules': b'oot 16384 0 - Live 0xffffffffc0000000 (OE)\n'
                         b'q"uo\\te\xff 16384 0 - Live 0xffffffffc0010000 (P)\n'
                         b'dummy 16384 0 - Live 0xffffffffc0020000\n'
                         b'vanished 4096 0 - Live 0xffffffffc0030000\n',
        b'sys/module/oot/initstate': b'live\n',
        b'sys/module/q"uo\\te\xff/initstate': b'live\n',
        b'sys/module/dummy/initstate': b'live\n',
        b'sys/module/ghost\x01/initstate': b'live\n',
        b'proc/keys': b'1a2b3c4d I------     1 perm 1f0b0000     0     0 keyring   '
                      b'.builtin_trusted_keys: 1\n'
                      b'2a2b3c4d I------     1 perm 1f030000     0     0 asymmetri '
                      b'Deb"ian \\ CA \xc3\xa9\xff: 6ccece7e: X509.rsa a7ad3a7f []\n',
        b'proc/self/status': b'Name:\tx\nCapEff:\t000001ffffffffff\n',
    },
    'empty': {b'proc/self/status': b'CapEff:\t0000000000000000\n'},
    'odd': {
        b'proc/sys/kernel/tainted': b'0\n',
        b'proc/sys/kernel/modules_disabled': b'1\n',
        b'sys/module/module/parameters/sig_enforce': b'N\n',
        b'sys/kernel/security/lockdown': b'[none] integrity\n',
        b'sys/kernel/security/ipe/policies/.keep': b'',
        b'proc/modules': b'a 1 0 - Live 0x0 (O3)\nb 1 0 - Live 0x0 (OE\n(\n',
        b'sys/module/a/initstate': b'live\n',
        b'proc/keys': b'',
        b'proc/self/status': b'CapEff:\t000001ffffffffff\n',
    },
}


def check_status(t, modtool, work):
    for label, files in STATES.items():
        root = os.path.join(work, 'status-' + label)
        for rel, data in files.items():
            put(root, rel, data)
        base = [modtool, 'status', '--sysroot', root]
        doc = parse(run(base + ['--json']))
        t.equal(status_text(doc), as_json_text(run(base + ['--all-bits'])),
                'status --json against status --all-bits', label)
        t.equal(list(doc), ['taint', 'tainting_modules', 'load', 'modules_disabled',
                            'sig_enforce', 'lockdown', 'loadpin', 'ipe', 'trusted_keys',
                            'hidden_modules', 'proc_modules_damaged'], 'status members', label)


def verify_text(doc):
    out = []
    for m in doc['modules']:
        if 'error' in m:
            continue
        if m['verdict'] != 'valid':
            out.append(f"{m['path']}: {m['verdict']}: {m['reason']}")
            continue
        key = f"key {m['key_id']}, " if m['key_id'] is not None else ''
        out.append(f"{m['path']}: valid: signed by {m['signer'] or '?'} ({key}"
                   f"{m['hash_algo']}, {m['key_algo']})")
    return ''.join(line + '\n' for line in out)


def check_verify(t, modtool, work):
    counted = 0
    for tag, (root, version) in trees().items():
        moddir = os.path.join(root, 'lib', 'modules', version)
        with open(os.path.join(moddir, 'modules.dep')) as f:
            paths = [os.path.join(moddir, line.split(':', 1)[0]) for line in f][::25]
        if tag == '6.1':
            unsigned = os.path.join(work, 'unsigned.ko')
            subprocess.run(['objcopy', paths[0], unsigned], check=True)  # drops the signature
            damaged = os.path.join(work, 'damaged.ko')
            data = bytearray(open(paths[1], 'rb').read())
            data[200] ^= 1
            open(damaged, 'wb').write(data)
            paths += [unsigned, damaged]
        base = [modtool, 'verify', '-b', root, '-k', version]
        p = subprocess.run(base + ['--json'] + paths, stdout=subprocess.PIPE)
        doc = parse(p.stdout)
        text = subprocess.run(base + paths, stdout=subprocess.PIPE)
        t.equal(verify_text(doc), as_json_text(text.stdout), 'verify --json against text', tag)
        t.equal(p.returncode, text.returncode, 'verify --json exit status', tag)
        counts = {}
        for m in doc['modules']:
            counts[m.get('verdict', 'errors')] = counts.get(m.get('verdict', 'errors'), 0) + 1
        t.equal({k: v for k, v in doc['summary'].items() if v}, counts, 'verify summary', tag)
        t.equal(len(doc['modules']), len(paths), 'verify: every module', tag)
        t.check(doc['trusted'] and all(set(c) == {'subject', 'key_id'} for c in doc['trusted']),
                'verify trusted', tag)
        counted += len(paths)
    return counted


def main():
    modtool = os.path.join(os.path.abspath(sys.argv[1]), 'tools', 'modtool')
    t = Tally()
    work = tempfile.mkdtemp()
    try:
        check_status(t, modtool, work)
        n = check_verify(t, modtool, work)
        print(f'status: {len(STATES)} states; verify: {n} modules', flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    t.finish()


if __name__ == '__main__':
    main()
