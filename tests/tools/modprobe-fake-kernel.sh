#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# modprobe's removals and loads against Debian's kmod 30, without a VM: both
# run with tests/tools/fake-kernel.c preloaded, which reads /sys and /proc from
# a fake tree and makes delete_module/finit_module act on it.  For each case
# the same starting state is laid out twice; stdout, stderr, exit status, the
# module syscalls made (in order) and the modules left loaded must match.
# The real-kernel check of the same cases is tests/vm.
#
# Usage: modprobe-fake-kernel.sh OUR_MODPROBE FAKE_KERNEL_SO
set -u
export LC_ALL=C
unset MODPROBE_OPTIONS

ours=$(realpath "$1")
shim=$(realpath "$2")
kmod=${KMOD_MODPROBE:-/usr/sbin/modprobe}
here=$(cd "$(dirname "$0")" && pwd)
trees=$("$here/../fetch-trees.sh") || exit 1
tree=$trees/6.1
ver=$(basename "$(echo "$tree"/lib/modules/*)")
dir=$tree/lib/modules/$ver
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/empty" "$work/conf"
cat >"$work/conf/test.conf" <<'EOF'
softdep dummy pre: brd post: loop
remove vfat echo removing vfat
EOF
pass=0 fail=0

# load ROOT NAME REFCNT [HOLDER...]: NAME is loaded, held by the HOLDERs
load() {
	local m=$1/sys/module/$2
	mkdir -p "$m/holders"
	echo live >"$m/initstate"
	echo "$3" >"$m/refcnt"
	for h in "${@:4}"; do
		mkdir -p "$m/holders/$h"
	done
}

# builtin ROOT NAME: /sys/module/NAME without initstate
builtin() {
	mkdir -p "$1/sys/module/$2/parameters"
}

# state_STATE ROOT: the starting states
state_bridge() {	# bridge, stp, llc, brd and dummy loaded
	load "$1" bridge 0
	load "$1" stp 1 bridge
	load "$1" llc 2 bridge stp
	load "$1" brd 0
	load "$1" dummy 0
	builtin "$1" sha256_generic
}
state_busy() {	# as bridge, brd in use by a process
	state_bridge "$1"
	echo 1 >"$1/sys/module/brd/refcnt"
}
state_softdep() {	# dummy loaded with its softdeps
	load "$1" dummy 0
	load "$1" brd 0
	load "$1" loop 0
}
state_empty() {
	mkdir -p "$1/sys/module"
}
# the inits that fail on a CPU without SSE4.2 and PCLMUL (qemu64): ENODEV
state_oldcpu() {
	mkdir -p "$1/sys/module" "$1/fail"
	for m in crc32c_intel ghash_clmulni_intel aesni_intel; do
		echo 19 >"$1/fail/$m"
	done
}

# run ROOT PROGRAM ARGS...: in the fake kernel at ROOT
run() {
	local root=$1 prog=$2
	shift 2
	mkdir -p "$root/proc"
	: >"$root/proc/cmdline"
	: >"$root/log"
	(cd "${cwd:-.}" && FAKE_KERNEL_ROOT=$root LD_PRELOAD=$shim \
		"$prog" -d "$tree" -S "$ver" "$@" >"$root.out" 2>"$root.err")
	echo "rc $?" >>"$root.out"
	(cd "$root/sys/module" && for m in *; do
		[ -f "$m/initstate" ] && echo "$m $(cat "$m/refcnt")"; done) >"$root.state"
}

# case STATE CONFDIR ARGS...
case_() {
	local state=$1 conf=$2
	shift 2
	rm -rf "$work/k" "$work/o"
	"state_$state" "$work/k"
	"state_$state" "$work/o"
	run "$work/k" "$kmod" -C "$conf" "$@"
	run "$work/o" "$ours" -C "$conf" "$@"
	local bad=
	for f in out err state; do
		cmp -s "$work/k.$f" "$work/o.$f" || bad="$bad $f"
	done
	cmp -s "$work/k/log" "$work/o/log" || bad="$bad syscalls"
	if [ -z "$bad" ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: [$state] $*:$bad"
		for f in out err state; do
			diff "$work/k.$f" "$work/o.$f" | sed "s/^/  $f: /" | head -8
		done
		diff "$work/k/log" "$work/o/log" | sed 's/^/  syscalls: /' | head -8
	fi
}

e=$work/empty
c=$work/conf
# the fake must see what kmod does, or every comparison is empty
rm -rf "$work/k"
state_bridge "$work/k"
run "$work/k" "$kmod" -C "$e" -r dummy
if ! grep -qx "delete_module dummy" "$work/k/log"; then
	echo "FAIL: the fake kernel does not see kmod's delete_module (LD_PRELOAD=$shim)"
	exit 1
fi

# removing several modules: all of them (not only the first), in order
case_ bridge "$e" -r bridge brd dummy
case_ bridge "$e" -r -v bridge brd dummy
case_ bridge "$e" -r -a bridge brd dummy
case_ bridge "$e" -r loop bridge dummy		# the first not loaded
case_ bridge "$e" -r bridge loop dummy		# one in the middle not loaded
case_ bridge "$e" -r bridge no_such_module dummy	# one unknown
case_ bridge "$e" -r -a dummy no_such_module brd	# with -a: past the unknown one
case_ bridge "$e" -r -a llc stp			# with -a: every one in use warned
case_ bridge "$e" -r --first-time loop dummy
case_ bridge "$e" -r sha256_generic dummy	# built in
case_ bridge "$e" -r llc dummy			# in use
case_ bridge "$e" -r --remove-holders llc brd
case_ busy "$e" -r brd dummy
case_ busy "$e" -r -w 10 dummy
case_ bridge "$e" -r -n -v bridge brd
case_ bridge "$e" -r -f dummy
case_ bridge "$e" -r -i -v bridge
case_ softdep "$c" -r -v dummy
case_ softdep "$c" -r -i dummy
case_ softdep "$c" -r vfat
case_ bridge "$e" -r "$dir/kernel/drivers/net/dummy.ko"
# loading, for the syscalls made
case_ empty "$e" dummy
case_ empty "$e" -v brd rd_nr=2 rd_size=1024
case_ empty "$e" -a brd dummy
case_ bridge "$e" dummy
case_ bridge "$e" --first-time dummy
case_ empty "$e" bridge
case_ empty "$c" -v dummy
# a module file as argument
case_ empty "$e" "$dir/kernel/drivers/net/dummy.ko"
case_ empty "$e" "$dir/kernel/drivers/block/brd.ko" rd_nr=1
case_ bridge "$e" "$dir/kernel/drivers/net/dummy.ko"
case_ empty "$e" "$dir/kernel/drivers/net/no-such.ko"
case_ empty "$e" -D "$dir/kernel/net/bridge/bridge.ko"
case_ empty "$e" -R "$dir/kernel/net/bridge/bridge.ko"
case_ empty "$e" -a "$dir/kernel/drivers/net/dummy.ko" brd
cwd=$dir/kernel/drivers/net case_ empty "$e" ./dummy.ko
cwd=$dir/kernel/drivers case_ empty "$e" net/dummy.ko
cwd=$dir/kernel/drivers/net case_ empty "$e" dummy.ko
# a failing soft dependency (libcrc32c's softdep pre: crc32c names crc32c-intel
# and crc32c_generic), an alias whose first candidate fails, a failing target
# and a failing dependency: what is ignored, what stops, the status
case_ oldcpu "$e" -v nft_chain_nat
case_ oldcpu "$e" nft_chain_nat
case_ oldcpu "$e" -q crypto-crc32c
case_ oldcpu "$e" -v crypto-crc32c
case_ oldcpu "$e" crypto-ghash
case_ oldcpu "$e" -q -- crypto-ghash
case_ oldcpu "$e" crc32c-intel
case_ oldcpu "$e" -a crc32c-intel dummy
case_ oldcpu "$e" -v libcrc32c
case_ oldcpu "$e" -v ghash-clmulni-intel
case_ oldcpu "$e" -n -v nft_chain_nat
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
