#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Every byte a module string can hold, through --json: modules crafted from
a real one (its .modinfo replaced with objcopy) and configuration files
holding quotes, backslashes, control bytes, DEL and invalid UTF-8.  Each
document is parsed strictly (valid UTF-8, valid JSON) and each string must
be what Python's own strict UTF-8 decoder makes of the bytes, a byte it
cannot decode becoming U+FFFD (jsoncheck.as_json_text), against kmod's
text of the same module or configuration:

  modinfo   hostile keys and values, parameters with line breaks, every
            two-byte string (0x01-0xff each), a sample of three- and
            four-byte ones; against kmod's modinfo -0 and our text
  depmod -n a tree holding the hostile module: against both depmod -n texts
  modprobe  -c and -D with a hostile configuration (options, install
            commands, aliases): against both texts

Usage: json-escaping.py BUILD_DIR"""

import os
import random
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from jsoncheck import (KMOD_MODINFO, Tally, as_json_text, check_depmod,  # noqa: E402
                       check_modprobe_config, check_module, modinfo_records,
                       modinfo_text_by_json, modprobe_cases, parse, run, trees)

HOSTILE = [
    b'name=dummy',
    b'license=GPL',
    b'description=quote " backslash \\ slash / tab\t nl\n cr\r bs\b ff\f nul-less',
    b'author=ctl \x01\x02\x1b\x1f del \x7f end',
    b'alias=bad \xff\xfe\x80 lone',
    b'alias=truncated \xc3',
    b'alias=new\nline',
    b'alias=ok \xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e U+2028 \xe2\x80\xa8',
    b'alias=overlong \xc0\x80 \xe0\x80\x80 surrogate \xed\xa0\x80 big \xf4\x90\x80\x80',
    b'alias=char-major-10-99',
    b'alias=devname:we"ird\\dev\x01',
    b'we"ird\\key\x01\xff=value of a hostile key',
    b'=empty key',
    b'novalue',
    b'parm=p1:desc "q" \\ \xff\x01',
    b'parmtype=p1:int',
    b'parm=p2:line one\nline two\n\tindented',
    b'parmtype=p3:charp',
    b'softdep=pre: a"b post: c\\d',
    b'depends=',
    b'vermagic=6.1.0 SMP mod_unload \x7f',
]


def craft(base, out, strings):
    """@base with its .modinfo replaced by @strings (each NUL-terminated)."""
    info = out + '.modinfo'
    with open(info, 'wb') as f:
        f.write(b''.join(s + b'\0' for s in strings))
    subprocess.run(['objcopy', '--update-section', f'.modinfo={info}', base, out],
                   check=True)
    os.unlink(info)


def every_short_string():
    """Every string of two non-NUL bytes, and a fixed sample of three and four."""
    values = [bytes([a, b]) for a in range(1, 256) for b in range(1, 256)]
    rng = random.Random(20261206)
    high = list(range(0x80, 0x100)) + [0x20, 0x41, 0x0a, 0x7f]
    for n in (3, 4):
        for _ in range(40000):
            values.append(bytes([rng.choice(range(0xc0, 0x100))] +
                                [rng.choice(high) for _ in range(n - 1)]))
    return values


def check_modinfo(t, modinfo, path, label):
    docs = parse(run([modinfo, '--json', path]))
    kmod = modinfo_records(run([KMOD_MODINFO, '-0', path]))
    t.equal(len(docs), 1, 'one module', label)
    check_module(t, docs[0], kmod[0], label + ' (kmod -0)')
    check_module(t, docs[0], modinfo_text_by_json(run([modinfo, path]), docs)[0],
                 label + ' (our text)')
    return docs[0]


def check_hostile_modinfo(t, modinfo, path):
    m = check_modinfo(t, modinfo, path, 'hostile module')
    t.equal(m['fields']['description'],
            ['quote " backslash \\ slash / tab\t nl\n cr\r bs\b ff\f nul-less'],
            'control bytes decoded', 'description')
    t.equal(m['fields']['alias'][0], 'bad \ufffd\ufffd\ufffd lone', 'invalid UTF-8', 'alias')
    t.equal(m['fields']['we"ird\\key\x01\ufffd'], ['value of a hostile key'], 'hostile key',
            'fields')
    for field in ('we"ird\\key\x01\xff', 'alias', 'author'):
        doc = parse(run([modinfo, '--json', '-F', field.encode('latin-1'), path]))
        got = as_json_text(run([KMOD_MODINFO, '-F', field.encode('latin-1'), path]))
        want = ''.join(v + '\n' for v in doc[0]['fields'][as_json_text(
            field.encode('latin-1'))])
        t.equal(want, got, '-F of a hostile field against kmod', field)
    # the raw bytes of the document: escapes, never a raw control byte
    raw = run([modinfo, '--json', path])
    t.check(all(b >= 0x20 and b != 0x7f for b in raw[:-1]), 'no raw control byte',
            repr([b for b in raw if b < 0x20 or b == 0x7f][:5]))
    t.check(b'\\u007f' in raw and b'\\u0001' in raw and b'\\ufffd' in raw and
            b'\\"' in raw and b'\\\\' in raw, 'escapes present', raw[:200])


def check_every_short_string(t, modinfo, base, work):
    values = every_short_string()
    path = os.path.join(work, 'bytes.ko')
    craft(base, path, [b'x=' + v for v in values])
    m = check_modinfo(t, modinfo, path, 'every short string')
    t.equal(len(m['fields']['x']), len(values), 'every string', 'count')
    for v, got in zip(values, m['fields']['x']):
        t.equal(got, as_json_text(v), 'string against the decoder', repr(v))
    return len(values)


HOSTILE_CONF = (b'alias we"ird\\alias\x01 dummy\n'
                b'alias bad\xff\xc3utf dummy\n'
                b'options dummy q="a b" bs=\\x ctl=\x01\x1f del=\x7f bad=\xff\xfe ok=\xc3\xa9\r\n'
                b'install fakemod /bin/echo "quoted" \\back \x7f \xff\n'
                b'remove fakemod /bin/echo \x01\n'
                b'blacklist bl"ack\\list\n'
                b'softdep dummy pre: we"ird post: back\\slash\n')


def check_config(t, modprobe, root, version, work):
    conf = os.path.join(work, 'conf')
    os.makedirs(conf)
    with open(os.path.join(conf, 'hostile.conf'), 'wb') as f:
        f.write(HOSTILE_CONF)
    base = ['-d', root, '-S', version, '-C', conf]
    check_modprobe_config(t, modprobe, base, 'hostile configuration')
    doc = parse(run([modprobe] + base + ['-c', '--json']))
    # (a backslash escapes the next character in modprobe.d, as in kmod)
    t.equal(doc['options'][0]['options'], as_json_text(
        b'q="a b" bs=x ctl=\x01\x1f del=\x7f bad=\xff\xfe ok=\xc3\xa9\r'),
        'options decoded', 'options')
    for args in (['-D', 'dummy'], ['-D', 'dummy', 'extra="x y"', 'e=\x01'.encode()],
                 ['-D', b'we"ird\\alias\x01'], ['-D', 'fakemod'], ['-D', b'bad\xff\xc3utf']):
        modprobe_cases(t, modprobe, base, 'hostile configuration', args)


def main():
    tools = os.path.join(os.path.abspath(sys.argv[1]), 'tools')
    t = Tally()
    root, version = trees()['6.1']
    base = os.path.join(root, 'lib', 'modules', version, 'kernel', 'drivers', 'net', 'dummy.ko')
    work = tempfile.mkdtemp()
    try:
        # a tree of its own: the hostile module beside two real ones
        tree = os.path.join(work, 'tree')
        kdir = os.path.join(tree, 'lib', 'modules', '9.9.9', 'kernel')
        os.makedirs(kdir)
        craft(base, os.path.join(kdir, 'hostile.ko'), HOSTILE)
        for name in ('drivers/net/dummy.ko', 'fs/fat/fat.ko', 'fs/fat/vfat.ko'):
            shutil.copy(os.path.join(root, 'lib', 'modules', version, 'kernel', name), kdir)
        check_hostile_modinfo(t, os.path.join(tools, 'modinfo'), os.path.join(kdir, 'hostile.ko'))
        n = check_every_short_string(t, os.path.join(tools, 'modinfo'), base, work)
        print(f'modinfo: the hostile module, {n} short strings', flush=True)
        run([os.path.join(tools, 'depmod'), '-b', tree, '9.9.9'])
        check_depmod(t, os.path.join(tools, 'depmod'), 'hostile tree', tree, '9.9.9')
        check_config(t, os.path.join(tools, 'modprobe'), tree, '9.9.9', work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    t.finish()


if __name__ == '__main__':
    main()
