#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What the load policy costs, in callgrind instructions (dynamic loader
# included): `modprobe --show-depends ext4` (the policy read, nothing
# checked) and a load of dummy in the fake kernel of tests/tools (the policy
# read and asked), each with no policy, with name rules (forbid and allow),
# and with a require-signature rule (the module's signature verified against
# the 6.1 tree's certificate); Debian's kmod beside them for scale.
# Informative only.
#
# Usage: policy-bench.sh BUILD_DIR
set -u
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 BUILD_DIR" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
ours=$build/tools/modprobe
shim=$build/tests/fake-kernel.so
kmod=${KMOD_MODPROBE:-/usr/sbin/modprobe}
trees=$("$here/../fetch-trees.sh") || exit 1
tree=$trees/6.1
ver=$(ls "$tree/lib/modules" | head -n 1)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/empty" "$work/certs" "$work/none" "$work/names" "$work/signed"
"$build/tests/image-certs" "$tree/boot/vmlinuz-$ver" "$work/certs" > /dev/null || exit 1
printf '%s\n' "enforce forbid usb-storage firewire_* thunderbolt" "warn forbid floppy" \
	"enforce allow *" > "$work/names/50-site.conf"
printf '%s\n' "certificates $work/certs" "enforce require-signature" > "$work/signed/50-site.conf"

# ir POLICY_DIR PROGRAM ARGS...: instructions of one run in a fresh fake kernel
ir() {
	local pol=$1 root=$work/k
	shift
	rm -rf "$root" && mkdir -p "$root/sys/module" "$root/proc" "$root/dev"
	: > "$root/proc/cmdline"
	MODTOOL_POLICY_DIRS=$pol FAKE_KERNEL_ROOT=$root LD_PRELOAD="$shim" \
		valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" \
		> /dev/null 2> "$work/cg.err" || { tail -n 3 "$work/cg.err" >&2; return 1; }
	sed -n 's/^summary: //p' "$work/cg.out"
}

printf '%-34s %14s %14s %14s %14s\n' call "kmod" "ours: none" "name rules" "signature"
for spec in "--show-depends ext4" "dummy"; do
	# shellcheck disable=SC2086
	k=$(ir "$work/none" "$kmod" -C "$work/empty" -d "$tree" -S "$ver" $spec)
	# shellcheck disable=SC2086
	n=$(ir "$work/none" "$ours" -C "$work/empty" -d "$tree" -S "$ver" $spec)
	# shellcheck disable=SC2086
	r=$(ir "$work/names" "$ours" -C "$work/empty" -d "$tree" -S "$ver" $spec)
	# shellcheck disable=SC2086
	s=$(ir "$work/signed" "$ours" -C "$work/empty" -d "$tree" -S "$ver" $spec)
	printf '%-34s %14s %14s %14s %14s\n' "modprobe $spec" "$k" "$n" "$r" "$s"
done
echo "(instructions, callgrind, the dynamic loader included; the loads in tests/tools/fake-kernel.c's"
echo " fake kernel, the module dummy.ko of Debian's 6.1 tree; kmod has no policy)"
