#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Safe writes: on a full disk and in an unwritable directory our depmod fails
# with a message naming what failed and a non-zero exit, and the old indexes
# stay exactly as they were (no truncated or mixed set, no temporary files).
# The output directory is a small tmpfs (needs root to mount).
#
# Usage: depmod-safe-write.sh OUR_DEPMOD
set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
. "$here/depmod-lib.sh"
ours=$(realpath "$1")
command -v cc >/dev/null || { echo "cc is needed"; echo "0 passed, 1 failed"; exit 1; }
work=$(mktemp -d) || exit 1
mnt=$work/mnt
cleanup() { umount "$mnt" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
V=1.0.0
mkdir -p "$work/empty.d" "$mnt"
m=$work/tree/lib/modules/$V
mkdir -p "$m"
for i in $(seq 1 40); do
	mkmod "$m/kernel/mod$i.ko" "fn$i" "fn$(( (i + 1) % 41 ))" "alias=pattern-$i-*" "alias=other:$i" ||
		{ echo "cannot build modules"; echo "0 passed, 1 failed"; exit 1; }
done
mount -t tmpfs -o size=1m tmpfs "$mnt" ||
	{ echo "cannot mount a tmpfs (root needed)"; echo "0 passed, 1 failed"; exit 1; }
out=$mnt/lib/modules/$V

"$ours" -C "$work/empty.d" -b "$work/tree" -o "$mnt" $V 2>/dev/null
check "first run writes the indexes" [ -s "$out/modules.dep" ]
mkdir -p "$work/old"
cp -a "$out/." "$work/old/"

# full disk: a module with many aliases makes the new set bigger than what is left
args=""
for i in $(seq 1 300); do args="$args alias=a-rather-long-alias-to-fill-the-disk-number-$i-*"; done
mkmod "$m/kernel/big.ko" "" "" $args
free=$(df --output=avail -B1 "$mnt" | tail -n 1)
dd if=/dev/zero of="$mnt/filler" bs=1024 count=$(( free / 1024 - 8 )) 2>/dev/null
"$ours" -C "$work/empty.d" -b "$work/tree" -o "$mnt" $V 2>"$work/err"; rc=$?
check "full disk: non-zero exit" [ "$rc" != 0 ]
check "full disk: the message names the failure" grep -q 'No space left on device' "$work/err"
check "full disk: old indexes intact" same_indexes "$work/old" "$out"
check "full disk: no temporary file left" [ -z "$(find "$out" -name '*.tmp')" ]
rm -f "$mnt/filler"

# unwritable directory: the tmpfs read-only
mount -o remount,ro "$mnt"
"$ours" -C "$work/empty.d" -b "$work/tree" -o "$mnt" $V 2>"$work/err"; rc=$?
check "read-only directory: non-zero exit" [ "$rc" != 0 ]
check "read-only directory: the message names the failure" grep -q 'Read-only file system' "$work/err"
check "read-only directory: old indexes intact" same_indexes "$work/old" "$out"
mount -o remount,rw "$mnt"

# and once there is room again, the new set is published whole
"$ours" -C "$work/empty.d" -b "$work/tree" -o "$mnt" $V 2>/dev/null; rc=$?
check "with room again: success" [ "$rc" = 0 ]
check "with room again: the new module is indexed" grep -q '^kernel/big.ko:' "$out/modules.dep"
finish
