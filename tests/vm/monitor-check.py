#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# The checks of tests/vm/monitor.sh on one kernel's guest log: the events
# modtool monitor printed, the audit records the journal stand-in and
# syslogd received.  Usage: monitor-check.py TAG LOG EXPECTED HEADER
import json, re, sys

tag, log, expected_file, header = sys.argv[1:5]
ids = dict(re.findall(r'#define MODTOOL_AUDIT_ID_(\w+) "([0-9a-f]{32})"', open(header).read()))
kind_id = {'load': ids['LOAD'], 'load-failed': ids['LOAD_FAILED'], 'remove': ids['REMOVE'],
           'remove-failed': ids['REMOVE_FAILED'], 'refused': ids['REFUSED']}
files = {}
for line in open(expected_file):
    name, path, sha, srcversion, version, signer = line.rstrip('\n').split(' ', 5)
    files[name] = (path, sha, signer, None if srcversion == '-' else srcversion,
                   None if version == '-' else version)

events, records, syslog, steps, errors, overrun, execs, text = [], [], [], [], [], [], [], []
exit_status, overrun_exit, text_exit, ended = None, None, None, False
for line in open(log, errors='replace'):
    line = line.rstrip('\r\n')
    if line.startswith('@@mon '):
        try:
            events.append(json.loads(line[6:]))
        except ValueError:
            errors.append('not JSON: ' + line)
    elif line == '@@journal @@record':
        records.append({})
    elif line.startswith('@@overrun '):
        try:
            overrun.append(json.loads(line[10:]))
        except ValueError:
            errors.append('not JSON: ' + line)
    elif line.startswith('@@exec '):
        execs.append(line[7:])
    elif line.startswith('@@text '):
        text.append(line[7:])
    elif line.startswith('@@text-exit '):
        text_exit = int(line.split()[1])
    elif line.startswith('@@overrun-exit '):
        overrun_exit = int(line.split()[1])
    elif line.startswith('@@journal '):
        if records and '=' in line:
            k, v = line[10:].split('=', 1)
            records[-1][k] = v
        elif line != '@@journal @@memfd':
            errors.append(line)
    elif line.startswith('@@syslog '):
        syslog.append(line[9:])
    elif line.startswith('@@step '):
        steps.append(line)
    elif line.startswith('@@monitor-exit '):
        exit_status = int(line.split()[1])
    elif line.startswith('@@error') or line.startswith('@@monerr '):
        errors.append(line)
    elif line == '@@end':
        ended = True

passed = failed = 0
def check(ok, what):
    global passed, failed
    print(('ok: ' if ok else 'FAIL: ') + tag + ': ' + what)
    passed, failed = passed + bool(ok), failed + (not ok)

check(ended, 'the guest reported to the end')
check(not errors, 'no errors in the guest: %s' % errors[:3])
check(exit_status == 0, 'SIGINT ends modtool monitor with status 0 (%s)' % exit_status)
for s in steps:
    want = 'rc=1' if 'modprobe crc32c-intel' in s or 'modprobe vfat' in s else 'rc=0'
    check(s.endswith(want), 'step %s' % s[7:])

# ---- the events -----------------------------------------------------------
# the readiness probes: "change" events written by hand to /sys/module/printk/uevent
def without_probes(evs, who):
    probes = [e for e in evs if e['module'] == 'printk']
    check(probes and all(e['action'] == 'change' and e['written_by_hand'] for e in probes),
          '%s: the probes: change printk, written by hand (%d)' % (who, len(probes)))
    return [e for e in evs if e['module'] != 'printk']
# --exec: one command per event, in order, the fields in its environment
want_exec = ['%d %s %s %d %s' % (e['seqnum'], e['action'], e['module'], e['written_by_hand'],
                                 e['sha256'] or '') for e in events]
got_exec = [l.rstrip() for l in execs]
check(got_exec == [w.rstrip() for w in want_exec],
      '--exec ran once per event, in order, with its fields (%d of %d; first difference %s)'
      % (len(got_exec), len(want_exec), next(((g, w) for g, w in zip(got_exec, want_exec)
                                               if g != w.rstrip()), None)))
# text: the same events, each with its state, and its file where known
check(text_exit == 0, 'the text monitor: SIGTERM, status 0 (%s)' % text_exit)
# (each monitor sees the readiness probes written after it started listening)
noshell = [l for l in text if l.startswith('no-shell')]
check(noshell and all(l == 'no-shell $MODTOOL_MODULE a  b' for l in noshell),
      '--exec without a shell: the words as written, nothing expanded (%d runs): %s'
      % (len(noshell), sorted(set(noshell))[:2]))
text = [l for l in text if not l.startswith('no-shell')]
heads = [l.split()[1:3] for l in text if not l.startswith('    ') and ' printk ' not in l]
check(heads == [[e['action'], e['module']] for e in events if e['module'] != 'printk'],
      'the text monitor printed the same events (%d)' % len(heads))
path, sha, signer = files['dummy'][:3]
check(any(re.match(r'\S+Z add dummy \(seqnum \d+\): live, refcount \d+, taint none$', l) for l in text)
      and '    /lib/modules%s sha256 %s signer %s' % (path.split('/lib/modules', 1)[1], sha, signer) in text,
      'text: "add dummy (seqnum N): live, refcount N, taint none" and its file line')
events = without_probes(events, 'monitor')
want = [('add', 'dummy', False), ('add', 'dummy', True), ('remove', 'dummy', False),
        ('add', 'brd', False), ('remove', 'brd', False),
        ('add', 'fat', False), ('add', 'vfat', False), ('remove', 'vfat', False),
        ('remove', 'fat', False)]
want += [('add', 'dummy', False), ('remove', 'dummy', False)] * 100
want += [('add', 'dummy', False), ('add', 'fat', False), ('add', 'vfat', False),
         ('remove', 'vfat', False), ('remove', 'fat', False), ('remove', 'dummy', False)]
want += [('add', 'dummy', False), ('remove', 'dummy', False)]
want += [('add', 'dummy', False), ('remove', 'dummy', False)] * 30
want += [('add', 'brd', False), ('remove', 'brd', False)]
got = [(e['action'], e['module'], e['written_by_hand']) for e in events]
first_diff = next((i for i in range(max(len(got), len(want)))
                   if i >= len(got) or i >= len(want) or got[i] != want[i]), None)
check(first_diff is None, 'the events are exactly the expected %d (first difference at %s: got %s, want %s)'
      % (len(want), first_diff, got[first_diff:first_diff + 3] if first_diff is not None else '',
         want[first_diff:first_diff + 3] if first_diff is not None else ''))
check(not any(e['action'] == 'overrun' or e['synthesised'] for e in events),
      'no overrun, nothing synthesised in the burst of 100 cycles')
seqnums = [e['seqnum'] for e in events]
check(all(b > a for a, b in zip(seqnums, seqnums[1:])), 'seqnums increase')
bad = []
for e in events:
    if e['action'] == 'add' and not e['written_by_hand']:
        path, sha, signer, srcversion, version = files[e['module']]
        # (srcversion and version are in /sys/module only when the module has them)
        if (e['initstate'] != 'live' or not isinstance(e['refcount'], int) or e['path'] is None
                or not e['path'].endswith(path) or e['sha256'] != sha or e['signer'] != signer
                or e['srcversion'] != srcversion or e['version'] != version or e['taint'] is None):
            bad.append(e)
    if e['action'] == 'remove' and e['initstate'] not in (None, 'going'):
        bad.append(e)
    if not re.match(r'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$', e['time']):
        bad.append(e)
check(not bad, 'each event: /sys/module state, file, SHA-256 and signer as the host has them: %s'
      % bad[:2])

# ---- the monitor with a small buffer, stopped through 30 cycles and a load -------
check(overrun_exit == 0, 'the stopped monitor: SIGINT, status 0 (%s)' % overrun_exit)
overrun = without_probes(overrun, 'stopped monitor')
check(any(e['action'] == 'overrun' and e['synthesised'] for e in overrun),
      'the stopped monitor reports an overrun: %s' % [e['action'] for e in overrun])
loaded = set()
for e in overrun:
    if e['action'] == 'add':
        loaded.add(e['module'])
    elif e['action'] == 'remove':
        loaded.discard(e['module'])
check(loaded == {'brd'}, 'its events, applied in order, leave brd loaded and dummy not: %s' % loaded)
check(any(e['action'] == 'add' and e['module'] == 'brd' and e['synthesised'] and e['seqnum'] == 0
          and e['initstate'] == 'live' for e in overrun),
      'the lost add of brd is synthesised from /proc/modules: %s'
      % [(e['action'], e['module'], e['synthesised']) for e in overrun][-4:])

# ---- the audit trail --------------------------------------------------------
def find(**want):
    return [r for r in records if all(r.get(k) == v for k, v in want.items())]
check(all(r.get('MESSAGE_ID') == kind_id.get(r.get('MODTOOL_EVENT')) for r in records) and records,
      'every record has its kind\'s MESSAGE_ID (%d records)' % len(records))
path, sha, signer = files['dummy'][:3]
first = find(MODTOOL_EVENT='load', MODTOOL_MODULE='dummy')
check(first and first[0].get('MODTOOL_SHA256') == sha and first[0].get('MODTOOL_SIGNER') == signer
      and first[0].get('MODTOOL_PATH', '').endswith(path)
      and first[0].get('MODTOOL_REQUESTED_BY') == 'user' and first[0].get('MODTOOL_UID') == '0'
      and 'MODTOOL_PARAMETERS' in first[0] and first[0].get('MODTOOL_RESULT') == 'ok'
      and first[0].get('MODTOOL_COMMAND', '').startswith('/ours/modprobe dummy'),
      'load dummy: path, SHA-256, signer, parameters, user, command: %s' % (first[:1],))
# modprobe, then the burst (the pair in mode kernel is not recorded, the last goes to syslog)
check(len(first) == 101 and len(find(MODTOOL_EVENT='remove', MODTOOL_MODULE='dummy')) == 101,
      'every load (101) and removal (101) of dummy through the journal: %d, %d'
      % (len(first), len(find(MODTOOL_EVENT='remove', MODTOOL_MODULE='dummy'))))
failed_load = find(MODTOOL_EVENT='load-failed', MODTOOL_MODULE='crc32c_intel')
check(failed_load and failed_load[0].get('ERRNO') == '19' and failed_load[0].get('PRIORITY') == '4',
      'crc32c_intel: load-failed, ERRNO=19: %s' % failed_load[:1])
brd = find(MODTOOL_EVENT='remove', MODTOOL_MODULE='brd')
check(brd and brd[0].get('MODTOOL_FORCED') == '1', 'rmmod -f brd: remove, MODTOOL_FORCED=1')
# (twice: in mode all, and in the default mode "kernel", which records only these)
for m in ('fat', 'vfat'):
    r = find(MODTOOL_EVENT='load', MODTOOL_MODULE=m)
    check(len(r) == 2 and all(x.get('MODTOOL_REQUESTED_BY') == 'kernel'
                              and x.get('MODTOOL_PARENT') == 'the kernel'
                              and x.get('MODTOOL_COMMAND', '').endswith('-q -- fs-vfat')
                              and '(requested by the kernel)' in x.get('MESSAGE', '') for x in r),
          '%s: loaded twice at the kernel\'s request (modprobe -q -- fs-vfat), said so: %s'
          % (m, r[:1]))
check(len(find(MODTOOL_EVENT='remove', MODTOOL_MODULE='vfat')) == 1,
      'mode kernel: a user\'s removal of vfat not recorded')
refused = find(MODTOOL_EVENT='refused', MODTOOL_MODULE='vfat')
check(refused and 'enforce forbid vfat (forbidden)' in refused[0].get('MODTOOL_RULE', '')
      and refused[0].get('ERRNO') == '125',
      'modprobe vfat refused: MODTOOL_RULE names the rule: %s' % refused[:1])
check(len(syslog) >= 2 and any('MESSAGE_ID=%s' % ids['LOAD'] in l and 'MODTOOL_MODULE=dummy' in l
                               and 'dummy: loaded' in l for l in syslog)
      and any('MESSAGE_ID=%s' % ids['REMOVE'] in l for l in syslog),
      'no journal: syslog got the load and the removal: %s' % syslog[:2])
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
