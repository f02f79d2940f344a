#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our modprobe against Debian's kmod 30 on the real 6.1 and 6.12 trees:
# callgrind instruction counts (dynamic loader included for both) of the
# everyday calls, printed as ratios ours/kmod beside the goal (0.08 for
# --show-depends of a module name and of a PCI modalias).
# Informative only: exits 0 unless a command fails.
#
# Usage: modprobe-bench.sh OUR_MODPROBE
set -u
export LC_ALL=C

[ $# -eq 1 ] || { echo "usage: $0 OUR_MODPROBE" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
ours=$1
kmod=${KMOD_MODPROBE:-/usr/sbin/modprobe}
command -v valgrind >/dev/null || { echo "$0: valgrind is needed" >&2; exit 1; }
trees=$("$here/../fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

instructions() {
	valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
		"$@" >/dev/null 2>"$work/cg.err" || { cat "$work/cg.err" >&2; return 1; }
	sed -n 's/^summary: //p' "$work/cg.out"
}

printf '%-8s %-44s %10s %10s %7s %5s\n' tree call kmod ours ratio goal
for tree in "$trees"/6.1 "$trees"/6.12; do
	dir=$(echo "$tree"/lib/modules/*)
	ver=$(basename "$dir")
	for call in "-D ext4" "-D snd-hda-intel" \
		"-D pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00" \
		"-R pci:v00008086d000010D3sv00008086sd0000A01Fbc02sc00i00" "-c"; do
		goal=-
		case $call in -D*) goal=0.08 ;; esac
		# shellcheck disable=SC2086
		k=$(instructions "$kmod" -d "$tree" -S "$ver" $call) || exit 1
		# shellcheck disable=SC2086
		o=$(instructions "$ours" -d "$tree" -S "$ver" $call) || exit 1
		printf '%-8s %-44.44s %10d %10d %7.3f %5s\n' "${tree##*/}" "$call" "$k" "$o" \
			"$(echo "$o / $k" | bc -l)" "$goal"
	done
done
