#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our libkmod.so.2 against Debian's libkmod 30, in callgrind instructions:
# `udevadm test-builtin 'kmod load MODALIAS'` (what udev runs for each new
# device) for the qemu pc machine's IDE controller, on both real trees, in
# the fake kernel of tests/tools (modules "loaded" by the fake syscalls):
# the whole udevadm run, and the instructions spent in libkmod.so.2 itself
# (its own functions; not libc or liblzma called from it).  Then `kmod
# static-nodes`, ours against kmod's (tests/bench/kmod-bench.sh).
# Informative only.
#
# Usage: libkmod-bench.sh SOURCE_DIR BUILD_DIR
set -u
export LC_ALL=C
[ $# -eq 2 ] || { echo "usage: $0 SOURCE_DIR BUILD_DIR" >&2; exit 2; }
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
shim=$build/tests/fake-kernel.so
alias=${BENCH_MODALIAS:-pci:v00008086d00007010sv00001AF4sd00001100bc01sc01i80}
trees=$("$src/tests/fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

ours=$(find "$build/src" -name libkmod.so.2 2>/dev/null | head -n 1)
ourdir=
if [ -n "$ours" ]; then
	ourdir=$(dirname "$ours")
else
	echo "(no libkmod.so.2 of ours in $build: Debian's on both sides)"
fi

# ir LIBDIR TREE VER: "total in-libkmod" instructions of one udevadm run
ir() {
	local root=$work/root
	rm -rf "$root"
	mkdir -p "$root/lib/modules" "$root/sys/module" "$root/proc"
	ln -s "$2/lib/modules/$3" "$root/lib/modules/$3"
	FAKE_KERNEL_ROOT=$root FAKE_KERNEL_RELEASE=$3 LD_PRELOAD=$shim LD_LIBRARY_PATH=$1 \
		valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
		udevadm test-builtin "kmod load $alias" /sys/class/mem/null \
		> /dev/null 2> "$work/cg.err" || { tail -n 3 "$work/cg.err" >&2; return 1; }
	grep -q '^f\{0,1\}init_module' "$root/log" ||
		{ echo "libkmod-bench: udevadm loaded nothing" >&2; return 1; }
	printf '%s %s\n' "$(sed -n 's/^summary: //p' "$work/cg.out")" \
		"$(callgrind_annotate --threshold=100 "$work/cg.out" 2>/dev/null |
		   awk '/libkmod\.so/ { gsub(",", "", $1); n += $1 } END { print n + 0 }')"
}

printf '%-40s %12s %12s %7s\n' call Debian ours ratio
for t in 6.1 6.12; do
	tree=$trees/$t
	ver=$(basename "$(echo "$tree"/lib/modules/*)")
	read -r dt dl < <(ir "" "$tree" "$ver") || exit 1
	read -r ot ol < <(ir "$ourdir" "$tree" "$ver") || exit 1
	printf '%-40s %12s %12s %7.3f\n' "udevadm kmod load ($t), whole run" "$dt" "$ot" \
		"$(echo "$ot / $dt" | bc -l)"
	printf '%-40s %12s %12s %7.3f\n' "udevadm kmod load ($t), in libkmod" "$dl" "$ol" \
		"$(echo "$ol / $dl" | bc -l)"
done
echo "(modalias $alias; callgrind instructions, the dynamic loader included)"
echo
"$src/tests/bench/kmod-bench.sh" "$build" | grep -E '^call|static-nodes|^\('
