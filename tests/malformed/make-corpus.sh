#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Generate the malformed-input corpus into OUT_DIR from a handful of real
# Debian modules of both trees (6.1: plain signed .ko; 6.12: .ko.xz): see
# make-corpus.py for what is made.  Deterministic: a fixed seed, the same
# modules each time.  Adds, beside the files, what a file system can hold
# in a module's place: a FIFO, a directory, a symlink loop, a dangling link.
#
# Usage: make-corpus.sh OUT_DIR
set -eu

[ $# -eq 1 ] || { echo "usage: $0 OUT_DIR" >&2; exit 2; }
out=$1
here=$(cd "$(dirname "$0")" && pwd)
trees=$("$here/../fetch-trees.sh")

# Small and middle-sized modules: exports (crc-itu-t), parameters and
# aliases (dummy), dependencies and __versions (vfat).
mods=
for tree in 6.1 6.12; do
	for name in crc-itu-t dummy vfat; do
		f=$(find "$trees/$tree/lib/modules" -path '*/kernel/*' \
			\( -name "$name.ko" -o -name "$name.ko.xz" \) | sort | head -n 1)
		[ -n "$f" ] || { echo "$0: no $name module in the $tree tree" >&2; exit 1; }
		mods="$mods $f"
	done
done

rm -rf "$out"
mkdir -p "$out/special"
# shellcheck disable=SC2086
python3 "$here/make-corpus.py" "$out" $mods
mkfifo "$out/special/fifo.ko"
mkdir "$out/special/directory.ko"
ln -s loop.ko "$out/special/loop.ko"
ln -s /nonexistent/module.ko "$out/special/dangling.ko"
: > "$out/special/empty.ko"
mkfifo "$out/configs/depmod/fifo.conf"
mkfifo "$out/configs/modprobe/fifo.conf"
mkfifo "$out/configs/depmod-dir/60-fifo.conf"
mkfifo "$out/configs/modprobe-dir/60-fifo.conf"

# A small good tree (kmod's depmod writes its indexes) and its indexes broken
# one by one: OUT/tree/lib/modules/0.0.0-corpus, OUT/indexes/KIND-VARIANT/.
ver=0.0.0-corpus
tree=$out/tree/lib/modules/$ver
mkdir -p "$tree/kernel"
for name in crc-itu-t dummy vfat fat; do
	f=$(find "$trees/6.1/lib/modules" -path '*/kernel/*' -name "$name.ko" | sort | head -n 1)
	[ -n "$f" ] && cp "$f" "$tree/kernel/"
done
# and enough others for tries a few levels deep (aliases, symbols)
find "$trees/6.1/lib/modules" -path '*/kernel/fs/nls/*.ko' | sort | head -n 40 |
	while read -r f; do cp "$f" "$tree/kernel/"; done
(cd "$tree" && ls kernel/*.ko) > "$tree/modules.order"
: > "$tree/modules.builtin"
: > "$tree/modules.builtin.modinfo"
if [ -x /sbin/depmod ] && /sbin/depmod -b "$out/tree" "$ver" 2>/dev/null; then
	python3 "$here/make-corpus.py" --indexes "$out" "$tree"
else
	echo "$0: kmod's depmod (/sbin/depmod) not usable: no broken indexes made" >&2
fi
