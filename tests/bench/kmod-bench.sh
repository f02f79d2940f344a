#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our kmod binary against Debian's kmod 30: `kmod static-nodes` in each
# format (what kmod-static-nodes.service runs at every boot) and `kmod list`,
# in callgrind instructions (dynamic loader included), over the 6.1 tree's
# modules.devname, both run in the fake kernel of tests/tools (which serves
# /lib/modules and uname -r).  Informative only.
#
# Usage: kmod-bench.sh BUILD_DIR
set -u
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
ours=$build/tools/kmod
shim=$build/tests/fake-kernel.so
kmod=${KMOD_KMOD:-/bin/kmod}
trees=$("$here/../fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/root/lib/modules/9.9.9" "$work/root/sys/module" "$work/root/proc"
cp "$trees"/6.1/lib/modules/*/modules.devname "$work/root/lib/modules/9.9.9/"
printf '%s\n' "dummy 16384 0 - Live 0xffffffffc0000000" > "$work/root/proc/modules"
mkdir -p "$work/root/sys/module/dummy/holders"
echo live > "$work/root/sys/module/dummy/initstate"
echo 0 > "$work/root/sys/module/dummy/refcnt"

ir() {
	FAKE_KERNEL_ROOT=$work/root FAKE_KERNEL_RELEASE=9.9.9 LD_PRELOAD=$shim \
		valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" \
		> /dev/null 2> "$work/cg.err" || { tail -n 3 "$work/cg.err" >&2; return 1; }
	sed -n 's/^summary: //p' "$work/cg.out"
}

printf '%-32s %12s %12s %7s\n' call kmod ours ratio
for args in "static-nodes" "static-nodes -f tmpfiles" "static-nodes -f devname" "list"; do
	# shellcheck disable=SC2086
	k=$(ir "$kmod" $args)
	# shellcheck disable=SC2086
	o=$(ir "$ours" $args)
	printf '%-32s %12s %12s %7.3f\n' "kmod $args" "$k" "$o" "$(echo "$o / $k" | bc -l)"
done
echo "(callgrind instructions, the dynamic loader included; the fake kernel's shim in both)"
