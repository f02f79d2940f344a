#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# modtool check --all over Debian's whole 6.1 and 6.12 trees, each against
# its own kernel (-b: its vmlinuz's exports, version magic and certificate,
# its config): every module would load; the only ones that taint are the
# staging drivers (C), and nothing is refused or left undecided.  Prints the
# time each tree took and the counts per verdict.
#
# Usage: check-trees.sh MODTOOL
set -eu
modtool=$1
trees=$("$(dirname "$0")/../fetch-trees.sh")
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
status=0
for tag in 6.1 6.12; do
	root=$trees/$tag
	kver=$(ls "$root/lib/modules" | head -n 1)
	files=$(find "$root/lib/modules/$kver" -name '*.ko*' | wc -l)
	start=$(date +%s.%N)
	rc=0
	"$modtool" check -b "$root" --all --json > "$out/$tag.json" 2> "$out/$tag.err" || rc=$?
	end=$(date +%s.%N)
	python3 - "$out/$tag.json" "$tag" "$files" "$rc" "$start" "$end" "$out/$tag.err" <<'PY' || status=1
import json, sys
path, tag, files, rc, start, end, errfile = sys.argv[1:]
doc = json.load(open(path))
mods = doc["modules"]
bad = []
count = {}
for m in mods:
    count[m["verdict"]] = count.get(m["verdict"], 0) + 1
    codes = [f["code"] for f in m["findings"]]
    if m["verdict"] == "taints" and not (m["taint"] == "C" and "staging" in codes):
        bad.append("%s: taints %s (%s)" % (m["name"], m["taint"], codes))
    elif m["verdict"] not in ("loads", "taints"):
        bad.append("%s: %s %s %s" % (m["name"], m["verdict"], m["error"],
                                     [f["message"] for f in m["findings"] if f["severity"] in ("refuse", "unknown")][:2]))
noexit = sorted(m["name"] for m in mods if not m["removable"])
fw = sum(1 for m in mods if any(f["code"] == "firmware-missing" for f in m["findings"]))
print("%s: %d modules (%s files) in %.1f s: %s; not removable: %s; %d name firmware this tree lacks"
      % (tag, len(mods), files, float(end) - float(start), count, " ".join(noexit), fw))
print("%s: kernel %s, %d exports, vermagic '%s'" % (tag, doc["kernel"]["release"],
      doc["kernel"]["exports"], doc["kernel"]["vermagic"]))
err = open(errfile).read().strip()
ok = True
for b in bad[:20]:
    print("FAIL: " + tag + ": " + b)
if bad:
    ok = False
if len(mods) != int(files):
    print("FAIL: %s: %d results for %s module files" % (tag, len(mods), files)); ok = False
if doc["kernel"]["exports"] < 5000 or not doc["kernel"]["vermagic"]:
    print("FAIL: %s: the kernel image's exports or vermagic were not read" % tag); ok = False
if rc not in ("0", "1"):
    print("FAIL: %s: exit status %s (%s)" % (tag, rc, err[:300])); ok = False
if err:
    print("FAIL: %s: messages on stderr: %s" % (tag, err[:300])); ok = False
sys.exit(0 if ok else 1)
PY
done
exit $status
