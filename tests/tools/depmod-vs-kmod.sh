#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our depmod against Debian's kmod 30 on the real 6.1 (.ko) and 6.12 (.ko.xz)
# trees: one full run of each tool per tree (with -v and -w, whose stdout and
# stderr must be kmod's too), on two hard-linked copies, every index compared
# byte for byte.  Then the incremental cache: a touched module
# and a removed module give exactly what a full run gives (kmod's, on 6.1).
#
# Usage: depmod-vs-kmod.sh OUR_DEPMOD
set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
. "$here/depmod-lib.sh"
ours=$(realpath "$1")
kmod=${KMOD_DEPMOD:-/usr/sbin/depmod}
trees=$("$here/../fetch-trees.sh") || { echo "fetch-trees.sh failed"; exit 1; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT


for tag in 6.1 6.12; do
	k=$(copy_tree "$tag" "$tag-kmod")
	o=$(copy_tree "$tag" "$tag-ours")
	ver=$(basename "$k")
	# -v (a line per new dependency) and -w (duplicate aliases) change no output
	"$kmod" -v -w -b "$work/$tag-kmod" "$ver" >"$work/k.out" 2>"$work/k.err"; krc=$?
	"$ours" -v -w -b "$work/$tag-ours" "$ver" >"$work/o.out" 2>"$work/o.err"; orc=$?
	check "$tag: exit status as kmod ($krc)" [ "$krc" = "$orc" ]
	check "$tag: every index identical to kmod's" same_indexes "$k" "$o"
	check "$tag: -v prints kmod's lines" \
		cmp -s <(sed "s#$work/$tag-kmod#ROOT#g" "$work/k.out") \
		<(sed "s#$work/$tag-ours#ROOT#g" "$work/o.out")
	check "$tag: -w warns as kmod" \
		cmp -s <(sed "s#$work/$tag-kmod#ROOT#g" "$work/k.err") \
		<(sed "s#$work/$tag-ours#ROOT#g" "$work/o.err")
	check "$tag: modules.weakdep written" [ -f "$o/modules.weakdep" ]
	check "$tag: no temporary files left" [ -z "$(find "$o" -maxdepth 1 -name '*.tmp')" ]

	# incremental: a touched module is reparsed, the output is unchanged
	mkdir -p "$work/full"
	for f in $INDEX_FILES; do cp "$o/$f" "$work/full/"; done
	victim=$(find "$o/kernel" -name '*.ko*' | sort | sed -n '100p')
	cp "$victim" "$victim.new" && mv "$victim.new" "$victim"	# new inode and mtime
	"$ours" -b "$work/$tag-ours" "$ver" 2>/dev/null
	check "$tag: incremental run after a replaced module equals the full run" \
		same_indexes "$work/full" "$o"

	# a corrupt cache only costs time
	printf 'garbage' | dd of="$o/.modtool-depmod.cache" bs=1 seek=20 conv=notrunc 2>/dev/null
	"$ours" -b "$work/$tag-ours" "$ver" 2>/dev/null
	check "$tag: a corrupt cache gives the same output" same_indexes "$work/full" "$o"
	rm -rf "$work/full"

	if [ "$tag" = 6.1 ]; then
		# a removed module, then kmod again on the same tree
		victim=$(find "$o/kernel" -name '*.ko*' | sort | sed -n '200p')
		rm -f "$victim" "$k/${victim#$o/}"
		"$kmod" -b "$work/$tag-kmod" "$ver" 2>/dev/null
		"$ours" -b "$work/$tag-ours" "$ver" 2>/dev/null
		check "$tag: incremental run after a removed module equals kmod's full run" \
			same_indexes "$k" "$o"
	fi
	rm -rf "$work/$tag-kmod" "$work/$tag-ours"
done
finish
