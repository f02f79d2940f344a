#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare modtool check's predictions with what the kernel did, from the
log tests/vm/check-guest.sh wrote.  Every disagreement fails.

Usage: check-compare.py LOG TAG [HOST_PHASE1.json HOST_PHASE2.json HOST_PHASE3.json]
The host's files: the same cases judged offline from the tree (-b), which
must say what the guest's running-kernel check says."""
import errno
import json
import os
import sys

# the taint bits a module load can set: P F C O E K X N
LOAD_TAINTS = {"P": 0, "F": 1, "C": 10, "O": 12, "E": 13, "K": 15, "X": 16, "N": 18}

# what kmod's (and our) insmod and modprobe print for the kernel's errors
KMOD_STRERROR = {"ENOEXEC": "Invalid module format", "ENOENT": "Unknown symbol in module",
                 "EINVAL": "Invalid parameters"}

log, tag = sys.argv[1], sys.argv[2]
passed = failed = 0


def check(ok, what):
    global passed, failed
    print(("ok: " if ok else "FAIL: ") + tag + ": " + what)
    passed, failed = passed + bool(ok), failed + (not ok)


def bits(letters):
    return {LOAD_TAINTS[c] for c in letters if c in LOAD_TAINTS}


def new_bits(t0, t1):
    return {b for b in LOAD_TAINTS.values() if t1 >> b & 1 and not t0 >> b & 1}


phases, cases, order = {}, {}, []
cur_phase = cur = None
lines = open(log, errors="replace").read().splitlines()
i = 0
while i < len(lines):
    line = lines[i].rstrip("\r")
    if line.startswith("@@check "):
        cur_phase = line.split()[1]
        phases[cur_phase] = {"json": None, "err": []}
    elif line.startswith("@@check-rc ") and cur_phase:
        i += 1
        text = lines[i].rstrip("\r") if i < len(lines) else ""
        try:
            phases[cur_phase]["json"] = json.loads(text)
        except ValueError:
            phases[cur_phase]["json"] = None
            phases[cur_phase]["err"].append("unparsable: " + text[:200])
    elif line.startswith("@@check-err ") and cur_phase:
        phases[cur_phase]["err"].append(line[12:])
    elif line.startswith("@@case setup "):
        cur = None
    elif line.startswith("@@case "):
        f = line.split()
        cur = {"phase": cur_phase, "err": [], "rmmod": None}
        for kv in f[2:]:
            k, _, v = kv.partition("=")
            cur[k] = v
        cases[f[1]] = cur
        order.append(f[1])
    elif line.startswith("@@rmmod ") and cur:
        cur["rmmod"] = int(line.split("rc=")[1])
        cur["rmmod_err"] = []
    elif line.startswith("@@err ") and cur:
        (cur["rmmod_err"] if cur["rmmod"] is not None else cur["err"]).append(line[6:])
    i += 1

check("@@end" in open(log, errors="replace").read(), "the guest ran to its end")
for p in sorted(phases):
    check(phases[p]["json"] is not None, "phase %s: modtool check gave JSON %s" % (p, phases[p]["err"][:3]))

# each phase's targets in order, matched to its cases in order
predicted = {}
for p, ph in phases.items():
    mods = (ph["json"] or {}).get("modules", [])
    targets = [m for m in mods if m["target"]]
    names = [n for n in order if cases[n]["phase"] == p]
    check(len(targets) == len(names), "phase %s: %d predictions for %d cases" % (p, len(targets), len(names)))
    for n, m in zip(names, targets):
        predicted[n] = m

# the host's offline predictions, phase by phase, against the guest's
for p, path in zip(("1", "2", "3"), sys.argv[3:6]):
    try:
        host = [m for m in json.load(open(path))["modules"] if m["target"]]
    except (OSError, ValueError) as e:
        check(False, "phase %s: the host's prediction %s: %s" % (p, path, e))
        continue
    names = [n for n in order if cases[n]["phase"] == p]
    for n, h in zip(names, host):
        g = predicted.get(n)
        if g is None:
            continue
        check((h["verdict"], h["error"], h["taint"]) == (g["verdict"], g["error"], g["taint"]),
              "%s: offline -b %s/%s/%s, in the guest %s/%s/%s" % (
                  n, h["verdict"], h["error"], h["taint"], g["verdict"], g["error"], g["taint"]))

agree = disagree = 0
for name in order:
    c, m = cases[name], predicted.get(name)
    if m is None:
        check(False, "%s: no prediction" % name)
        continue
    before = failed
    codes = [f["code"] for f in m["findings"]]
    want_load = m["verdict"] in ("loads", "taints")
    got_load = c["rc"] == "0" and c["loaded"] == "1"
    if "builtin" in codes:
        # built in: modprobe has nothing to do and nothing appears in /proc/modules
        check(want_load and c["rc"] == "0" and c["loaded"] == "0",
              "%s: built in as predicted (%s; rc %s, listed %s)" % (name, m["verdict"], c["rc"], c["loaded"]))
        agree += failed == before
        disagree += failed != before
        continue
    if name.startswith("loaded"):
        check("loaded" in codes, "%s: said to be loaded already (%s)" % (name, codes))
    check(want_load == got_load, "%s: predicted %s (%s), the kernel %s (rc %s) %s" % (
        name, m["verdict"], m["error"] or "-", "loaded it" if got_load else "refused it",
        c["rc"], c["err"][:1]))
    if not want_load and m["error"]:
        text = KMOD_STRERROR.get(m["error"]) or os.strerror(getattr(errno, m["error"]))
        check(any(text in e for e in c["err"]), "%s: the kernel's error is %s (%s): %s" % (
            name, m["error"], text, c["err"][:2]))
    t0, t1 = int(c["t0"]), int(c["t1"])
    want_new = bits(m["taint"]) - {b for b in LOAD_TAINTS.values() if t0 >> b & 1}
    got_new = new_bits(t0, t1)
    check(want_new == got_new, "%s: new kernel taint %s, predicted %s (taint %s)" % (
        name, sorted(got_new), sorted(want_new), m["taint"] or "none"))
    if got_load:
        mt = c["modtaint"].strip("[]")
        check(set(mt) == set(m["taint"]), "%s: the module's taint [%s], predicted [%s]" % (
            name, mt, m["taint"]))
        if m["removable"]:
            check(c["rmmod"] == 0, "%s: removable as predicted (rmmod %s)" % (name, c["rmmod"]))
        else:
            check(c["rmmod"] != 0 and any(os.strerror(errno.EBUSY) in e for e in c.get("rmmod_err", [])),
                  "%s: not removable as predicted (rmmod %s: %s)" % (name, c["rmmod"], c.get("rmmod_err", [])[:1]))
    if failed == before:
        agree += 1
    else:
        disagree += 1
print("%s: %d cases agree, %d disagree; %d checks passed, %d failed" % (tag, agree, disagree, passed, failed))
sys.exit(1 if failed else 0)
