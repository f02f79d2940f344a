#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The export tables read from Debian's vmlinuz (6.1 and 6.12) against the
# kernel's own Module.symvers from its linux-headers package: every export
# of vmlinux with its CRC, GPL-only or not and its namespace, the same set
# on both sides.  Then modtool check --all on each tree with that
# Module.symvers instead of the image's tables: the same verdicts.
#
# Usage: check-symvers.sh MODTOOL IMAGE_EXPORTS SOURCE_DIR
set -eu
modtool=$1 image_exports=$2 src=$3
trees=$("$src/tests/fetch-trees.sh")
headers=$("$src/tests/fetch-headers.sh") || { echo "check-symvers: no headers: skipped"; exit 77; }
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
status=0
for tag in 6.1 6.12; do
	root=$trees/$tag
	kver=$(ls "$root/lib/modules" | head -n 1)
	symvers=$headers/$tag/Module.symvers
	"$image_exports" "$root/boot/vmlinuz-$kver" > "$t/ours"
	python3 - "$t/ours" "$symvers" "$tag" <<'PY' || status=1
import sys
def load(path, only_vmlinux):
    out = {}
    for line in open(path):
        f = line.rstrip('\n').split('\t')
        if only_vmlinux and f[2] != 'vmlinux':
            continue
        out[f[1]] = (int(f[0], 16), f[3], f[4] if len(f) > 4 else '')
    return out
ours, theirs = load(sys.argv[1], False), load(sys.argv[2], True)
tag = sys.argv[3]
missing = sorted(set(theirs) - set(ours))
extra = sorted(set(ours) - set(theirs))
differ = sorted(n for n in set(ours) & set(theirs) if ours[n] != theirs[n])
print("%s: %d exports read from the image, %d in Module.symvers: %d missing, %d extra, %d differ"
      % (tag, len(ours), len(theirs), len(missing), len(extra), len(differ)))
for n in missing[:5]: print("  missing: %s %s" % (n, theirs[n]))
for n in extra[:5]: print("  extra: %s %s" % (n, ours[n]))
for n in differ[:5]: print("  differ: %s ours %s, Module.symvers %s" % (n, ours[n], theirs[n]))
sys.exit(1 if missing or extra or differ or not ours else 0)
PY
	rc=0
	"$modtool" check -b "$root" --symvers "$symvers" --all --json > "$t/check.json" || rc=$?
	python3 - "$t/check.json" "$tag" "$rc" <<'PY' || status=1
import json, sys
doc = json.load(open(sys.argv[1]))
count = {}
for m in doc["modules"]:
    count[m["verdict"]] = count.get(m["verdict"], 0) + 1
bad = [m["name"] for m in doc["modules"] if m["verdict"] not in ("loads", "taints")]
print("%s: with Module.symvers: %s, exit %s" % (sys.argv[2], count, sys.argv[3]))
for b in bad[:10]: print("  FAIL: " + b)
sys.exit(1 if bad or sys.argv[3] not in ("0", "1") else 0)
PY
done
exit $status
