# SPDX-License-Identifier: GPL-2.0-or-later
"""What the --json tests share: the real trees, running a tool, a strict
JSON parse, kmod's text formats read back into data, and a tally of checks.

Every document is parsed with Python's json module, strictly: no NaN, no
duplicate keys in one object, and the bytes must be valid UTF-8 (a byte the
writer let through raw would fail here)."""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SIGNATURE_KEYS = ('sig_id', 'signer', 'sig_key', 'sig_hashalgo', 'signature')
KMOD_MODINFO = os.environ.get('KMOD_MODINFO', '/usr/sbin/modinfo')
KMOD_MODPROBE = os.environ.get('KMOD_MODPROBE', '/usr/sbin/modprobe')
KMOD_DEPMOD = os.environ.get('KMOD_DEPMOD', '/usr/sbin/depmod')


class Tally:
    """Checks passed and failed; the first few failures of each kind shown."""

    def __init__(self, show=5):
        self.passed = 0
        self.failed = 0
        self.shown = {}
        self.show = show

    def check(self, ok, kind, detail=''):
        if ok:
            self.passed += 1
            return True
        self.failed += 1
        n = self.shown.get(kind, 0)
        if n < self.show:
            print(f'FAIL: {kind}: {detail}'[:2000], flush=True)
        self.shown[kind] = n + 1
        return False

    def equal(self, got, want, kind, where=''):
        return self.check(got == want, kind, f'{where}\n  json: {got!r}\n  text: {want!r}')

    def finish(self):
        print(f'{self.passed} passed, {self.failed} failed', flush=True)
        sys.exit(1 if self.failed or not self.passed else 0)


def trees():
    """{'6.1': (ROOT, VERSION), '6.12': ...} from tests/fetch-trees.sh."""
    out = subprocess.run([os.path.join(HERE, '..', 'fetch-trees.sh')], check=True,
                         stdout=subprocess.PIPE, text=True).stdout
    base = out.strip().splitlines()[-1]
    found = {}
    for tag in ('6.1', '6.12'):
        root = os.path.join(base, tag)
        found[tag] = (root, os.listdir(os.path.join(root, 'lib', 'modules'))[0])
    return found


def run(argv, env=None, check_rc=True, stdin=None):
    """stdout (bytes) of @argv; its exit status must be 0 when @check_rc."""
    p = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       input=stdin)
    if check_rc and p.returncode != 0:
        raise RuntimeError(f'{argv[:4]}... exited {p.returncode}: '
                           f'{p.stderr.decode(errors="replace")[:500]}')
    return p.stdout


def run_all(argvs):
    """stdout of each of @argvs, run side by side (each must exit 0)."""
    procs = [subprocess.Popen(a, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for a in argvs]
    outs = []
    for a, p in zip(argvs, procs):
        out, err = p.communicate()
        if p.returncode != 0:
            raise RuntimeError(f'{a[:4]}... exited {p.returncode}: '
                               f'{err.decode(errors="replace")[:500]}')
        outs.append(out)
    return outs


def _no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError(f'duplicate key in object: {keys}')
    return dict(pairs)


def _no_constant(name):
    raise ValueError(f'not JSON: {name}')


def parse(data):
    """One JSON document (bytes, ending with one newline) parsed strictly."""
    if not data.endswith(b'\n') or data.count(b'\n') != 1:
        raise ValueError('a document is one line ending with a newline')
    text = data.decode('utf-8')          # strict: invalid UTF-8 raises
    return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_no_constant)


def modinfo_records(data):
    """kmod's `modinfo -0` output split into modules: a list of
    {'head': [(label, value)...], 'fields': [(key, value)...], 'parm': [...]}.
    Each record ends with NUL: "key=value" for a field, "label:<pad>value"
    for filename, a built-in's name and parm.  A module starts at
    "filename:", or at "name:" right before it (a built-in module)."""
    records = [_split(r, r.split(b':', 1)[0] in (b'filename', b'name', b'parm') and
                      (b'=' not in r or r.index(b':') < r.index(b'=')))
               for r in data.split(b'\0')[:-1]]
    mods = []
    builtin_head = False        # a built-in's "name:" began the module just now
    for i, (label, value, head) in enumerate(records):
        nxt = records[i + 1] if i + 1 < len(records) else (None, None, False)
        if head and label == b'name' and nxt[0] == b'filename' and nxt[2]:
            mods.append({'head': [(b'name', value)], 'fields': [], 'parm': []})
            builtin_head = True
            continue
        if head and label == b'filename':
            if not builtin_head:
                mods.append({'head': [], 'fields': [], 'parm': []})
            mods[-1]['head'].append((b'filename', value))
        elif head and label == b'parm':
            mods[-1]['parm'].append(value)
        else:
            mods[-1]['fields'].append((label, value))
        builtin_head = False
    return mods


def _split(record, head):
    """(label, value, head): "label:<pad>value" (the value at column 16, or
    right after the colon of a label of 15 or more), else "key=value"."""
    if head:
        label = record.split(b':', 1)[0]
        return label, record[16:] if len(label) < 15 else record[len(label) + 1:], True
    label, _, value = record.partition(b'=')
    return label, value, False


def as_json_text(raw):
    """What the writer makes of the bytes @raw, by Python's strict UTF-8
    decoder (the oracle): a sequence it decodes stays, any other byte is
    U+FFFD, and decoding goes on at the next byte."""
    out, i = [], 0
    while i < len(raw):
        for k in range(1, 5):
            try:
                out.append(raw[i:i + k].decode('utf-8'))
                i += k
                break
            except UnicodeDecodeError:
                continue
        else:
            out.append('\ufffd')
            i += 1
    return ''.join(out)


def grouped(pairs):
    """[(key, [values...])...] in order of each key's first appearance."""
    order, values = [], {}
    for k, v in pairs:
        if k not in values:
            order.append(k)
            values[k] = []
        values[k].append(v)
    return [(k, values[k]) for k in order]


def param_text(p, only=False):
    """modinfo's line for a parameter (with -p: @only), from its JSON object."""
    if p['description'] is None:
        return f"{p['name']}: ({p['type']})" if only else f"{p['name']}:{p['type']}"
    if p['type'] is None:
        return f"{p['name']}:{p['description']}"
    return f"{p['name']}:{p['description']} ({p['type']})"


def _head_line(label, value):
    return label + b':' + b' ' * max(0, 15 - len(label)) + value


def _is_record(line, keys):
    label = line.split(b':', 1)[0]
    if as_json_text(label) not in keys or b':' not in line:
        return False
    return len(label) >= 15 or (len(line) >= 16 and line[len(label) + 1:16].strip(b' ') == b'')


def modinfo_text_by_json(data, docs):
    """modinfo's plain text, where a value may hold line breaks (parameter
    descriptions do), read module by module alongside @docs (its --json): a
    line begins a record only as "KEY:<pad>" with a KEY that module has, a
    module only at the head line of the next one; any other line continues
    the value before it.  Records as modinfo_records() returns them."""
    lines = data.split(b'\n')[:-1]
    heads = []
    for m in docs:
        h = []
        if m['builtin']:
            h.append(_head_line(b'name', m['name'].encode()))
        h.append(_head_line(b'filename', (m['filename'] or '(builtin)').encode()))
        heads.append(h)
    mods, i = [], 0
    for n, m in enumerate(docs):
        keys = set(m.get('fields', {})) | {'parm'} | set(SIGNATURE_KEYS)
        rec = {'head': [], 'fields': [], 'parm': []}
        for h in heads[n]:
            if i < len(lines) and lines[i] == h:
                rec['head'].append(_split(lines[i], True)[:2])
                i += 1
        records = []
        nxt = heads[n + 1][0] if n + 1 < len(docs) else None
        while i < len(lines) and lines[i] != nxt:
            if records and not _is_record(lines[i], keys):
                records[-1] += b'\n' + lines[i]
            else:
                records.append(lines[i])
            i += 1
        for label, value, _ in (_split(r, True) for r in records):
            if label == b'parm':
                rec['parm'].append(value)
            else:
                rec['fields'].append((label, value))
        mods.append(rec)
    return mods


# ---- modinfo ----------------------------------------------------------------

def check_module(t, m, rec, where):
    """The JSON object @m against the text module @rec."""
    if m['builtin']:
        t.equal(m['filename'], None, 'builtin filename', where)
        t.equal(rec['head'], [(b'name', m['name'].encode()), (b'filename', b'(builtin)')],
                'builtin head', where)
    else:
        t.equal([(b'filename', m['filename'].encode())], rec['head'], 'filename', where)
    fields = list(rec['fields'])
    sig = []
    if m['signature'] is not None:
        sig, fields = fields[-len(SIGNATURE_KEYS):], fields[:-len(SIGNATURE_KEYS)]
        t.equal(list(m['signature'].items()),
                [(as_json_text(k), as_json_text(v.replace(b'\n\t\t', b''))) for k, v in sig],
                'signature', where)
    own = [(as_json_text(k), [as_json_text(v) for v in vs]) for k, vs in grouped(fields)]
    t.equal(list(m['fields'].items()), own, 'fields', where)
    t.equal([param_text(p) for p in m['parameters']], [as_json_text(v) for v in rec['parm']],
            'parameters', where)


# ---- modprobe -D -------------------------------------------------------------

def depends_text(docs):
    """The JSON of modprobe -D --json as -D prints it."""
    out = []
    for doc in docs:
        for mod in doc['modules']:
            for s in mod.get('steps', []):
                if s['action'] == 'insmod':
                    out.append(f"insmod {s['path']} {s['options']}\n")
                elif s['action'] == 'install':
                    out.append(f"install {s['command']} {s['options']}\n")
                elif s['action'] == 'builtin':
                    out.append(f"builtin {s['module']}\n")
    return ''.join(out)


def modprobe_cases(t, modprobe, base, label, args, rc_same=True):
    """modprobe ARGS -D --json against -D in text, kmod's and ours."""
    p_json = run([modprobe] + base + ['--json'] + args, check_rc=False)
    docs = parse(p_json)
    want = depends_text(docs)
    for who, prog in (('kmod', KMOD_MODPROBE), ('ours', modprobe)):
        got = as_json_text(run([prog] + base + args, check_rc=False))
        t.equal(want, got, f'-D --json against {who} -D', f'{label}: {args!r}'[:300])
    return docs


# ---- modprobe -c ----------------------------------------------------------

def check_modprobe_config(t, modprobe, base, label):
    """modprobe BASE -c --json: each configuration entry and index line, in
    order, against -c in text, ours and kmod's."""
    doc = parse(run([modprobe] + base + ['-c', '--json']))
    text = as_json_text(run([modprobe] + base + ['-c'])).split('\n')
    kmod = as_json_text(run([KMOD_MODPROBE] + base + ['-c'])).split('\n')
    end = text.index('# End of configuration files. Dumping indexes now:')
    lines = text[:end - 1]
    want, loose = [], []
    for kind in ('blacklist', 'install', 'remove', 'alias', 'options', 'softdep',
                 'weakdep'):
        for e in doc[kind]:
            key = e['alias' if kind == 'alias' else 'module']
            if kind == 'blacklist':
                want.append(f'blacklist {key}')
            elif kind in ('softdep', 'weakdep'):
                # kmod's text of a softdep is its own (pre: and post: lists
                # run together): the names checked, not the spacing
                want.append(None)
                loose.append((len(want) - 1, kind, key, e.get('pre', []) +
                              e.get('post', []) + e.get('modules', [])))
            else:
                value = e['module' if kind == 'alias' else
                          'options' if kind == 'options' else 'command']
                want.append(f'{kind} {key} {value}')
            t.check(isinstance(e['line'], int) and e['file'], 'config file:line', label)
    for i, kind, key, deps in loose:
        head = f'{kind} {key} '
        ok = lines[i].startswith(head) and all(d in lines[i] for d in deps)
        t.check(ok, 'softdep/weakdep line', f'{label}: {lines[i]!r} {deps}')
        want[i] = lines[i]
    t.equal(want, lines, '-c --json entries against our -c', label)
    # kmod 30 knows no weakdep
    t.equal([w for w in want if not w.startswith('weakdep ')], kmod[:len(want) - sum(
        1 for w in want if w.startswith('weakdep '))], '-c --json entries against kmod -c',
        label)
    # (joined: a key of a module's own may hold a line break)
    index = ''.join(f"alias {e['alias']} {e['module']}\n"
                    for e in doc['aliases'] + doc['symbols'])
    t.equal(index, ''.join(w + '\n' for w in text[end + 2:-1]),
            '-c --json indexes against our -c', label)
    t.equal(index, ''.join(w + '\n' for w in kmod[kmod.index(text[end]) + 2:-1]),
            '-c --json indexes against kmod -c', label)


# ---- depmod -n ---------------------------------------------------------------

def depmod_text(doc):
    """depmod -n's output (kmod 30: no modules.weakdep), from its JSON."""
    out = [f"{e['module']}:{''.join(' ' + d for d in e['depends'])}\n"
           for e in doc['modules.dep']]
    out.append('# Aliases extracted from modules themselves.\n')
    out += [f"alias {e['alias']} {e['module']}\n" for e in doc['modules.alias']]
    out.append('# Soft dependencies extracted from modules themselves.\n')
    out += [f"softdep {e['module']} {e['softdep']}\n" for e in doc['modules.softdep']]
    out.append('# Aliases for symbols, used by symbol_request().\n')
    out += [f"alias {e['alias']} {e['module']}\n" for e in doc['modules.symbols']]
    if doc['modules.devname']:
        out.append('# Device nodes to trigger on-demand module loading.\n')
    out += [f"{e['module']} {e['devname']} {e['type']}{e['major']}:{e['minor']}\n"
            for e in doc['modules.devname']]
    return ''.join(out)


def check_depmod(t, depmod, tag, root, version):
    doc = parse(run([depmod, '-b', root, '-n', '--json', version]))
    want = depmod_text(doc)
    for who, prog in (('kmod', KMOD_DEPMOD), ('ours', depmod)):
        got = as_json_text(run([prog, '-b', root, '-n', version]))
        t.equal(want, got, f'depmod -n --json against {who} depmod -n', tag)
    t.equal(list(doc), ['modules.dep', 'modules.alias', 'modules.softdep', 'modules.weakdep',
                        'modules.symbols', 'modules.devname'], 'depmod members', tag)
    with open(os.path.join(root, 'lib', 'modules', version, 'modules.dep')) as f:
        t.equal(len(doc['modules.dep']), sum(1 for _ in f), 'depmod: every module', tag)
    p = subprocess.run([depmod, '-b', root, '--json', version], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    t.equal((p.returncode, p.stdout, bool(p.stderr)), (1, b'', True),
            'depmod --json without -n: refused, nothing written', tag)
    return len(doc['modules.dep'])
