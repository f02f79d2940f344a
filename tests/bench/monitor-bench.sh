#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# What modtool monitor costs: instructions per event inside
# modtool_monitor_next() (callgrind, only that function and what it calls),
# on a synthetic feed of add/remove datagrams through a socketpair
# (tests/bench/monitor-feed.c) over a fake /proc and /sys, without and with
# the file's facts (a module of Debian's 6.1 tree: its path, SHA-256 and
# signer; the first event of a file reads it whole, later ones find it in the
# monitor's cache); and its idle wake-ups: `modtool monitor` left alone for
# IDLE seconds (default 10), its context switches (/proc/PID/status), then
# IDLE seconds more its system calls (strace -c): none is the goal.
# Informative only.
#
# Usage: monitor-bench.sh BUILD_DIR [IDLE]
set -u
export LC_ALL=C
[ $# -ge 1 ] || { echo "usage: $0 BUILD_DIR [IDLE]" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
idle=${2:-10}
feed=$build/tests/monitor-feed
trees=$("$here/../fetch-trees.sh") || exit 1
tree=$trees/6.1
ver=$(ls "$tree/lib/modules" | head -n 1)
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root/proc" "$root/sys/module/dummy"
: > "$root/proc/modules"
printf 'live\n' > "$root/sys/module/dummy/initstate"
printf '0\n' > "$root/sys/module/dummy/refcnt"
printf '\n' > "$root/sys/module/dummy/taint"

# ir N [file-info]: instructions inside modtool_monitor_next() for N add/remove pairs
ir() {
	valgrind --tool=callgrind --toggle-collect='modtool_monitor_next' \
		--callgrind-out-file="$work/cg.out" "$feed" "$root" "$tree/lib/modules/$ver" dummy "$@" \
		> /dev/null 2> "$work/cg.err" || { tail -n 3 "$work/cg.err" >&2; return 1; }
	sed -n 's/^summary: //p' "$work/cg.out"
}

n=500
plain=$(ir $n) || exit 1
facts=$(ir $n file-info) || exit 1
first=$(ir 1 file-info) || exit 1
printf '%-52s %12s\n' "per event (instructions in modtool_monitor_next)" ""
printf '  %-50s %12d\n' "uevent + /sys/module state" $((plain / (2 * n)))
printf '  %-50s %12d\n' "+ file, SHA-256, signer (cached by file)" $((facts / (2 * n)))
printf '  %-50s %12d\n' "first add+remove of a file (read and hashed)" "$first"
echo "($n add/remove pairs of dummy through a socketpair; dummy.ko of Debian's 6.1 tree,"
echo " $(stat -c %s "$(find "$tree/lib/modules/$ver" -name 'dummy.ko*' | head -n 1)") bytes)"

# ---- idle ------------------------------------------------------------------
"$build/tools/modtool" monitor --sysroot="$root" > "$work/out" 2> "$work/err" &
pid=$!
sleep 1
if ! kill -0 $pid 2> /dev/null; then
	echo "idle: modtool monitor did not start: $(cat "$work/err")" >&2
	exit 1
fi
switches() {
	awk '/^(non)?voluntary_ctxt_switches/ { n += $2 } END { print n }' /proc/$pid/status
}
before=$(switches)
sleep "$idle"
after=$(switches)
timeout -s INT "$idle" strace -c -p $pid -o "$work/strace" 2> /dev/null
kill -INT $pid
wait $pid
status=$?
calls=$(awk '$NF == "total" { print $(NF - 1) }' "$work/strace")
echo
echo "idle, ${idle}s: context switches $((after - before)) (/proc/PID/status)"
echo "idle, ${idle}s more under strace -c: system calls ${calls:-0} (beyond the poll() strace restarts)"
echo "SIGINT: exit status $status"

# ---- the audit trail: what it adds to a load -------------------------------
# modprobe dummy in tests/tools/fake-kernel.c's fake kernel, the journal a
# socket nobody reads (a send that fails costs about what one that succeeds
# does): the default mode (a user's load is not recorded: the configuration
# and the parent read once), and every load recorded (SHA-256 of the file,
# its signer, the record).
shim=$build/tests/fake-kernel.so
if [ -f "$shim" ]; then
	audit_ir() {
		local k=$work/k
		rm -rf "$k" && mkdir -p "$k/sys/module" "$k/proc" "$k/dev"
		: > "$k/proc/cmdline"
		: > "$work/empty.conf"
		MODTOOL_AUDIT_CONF=$work/none.conf MODTOOL_AUDIT_JOURNAL=$work/nobody \
			MODTOOL_AUDIT_SYSLOG=$work/nobody FAKE_KERNEL_ROOT=$k LD_PRELOAD="$shim" "$@" \
			valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
			"$build/tools/modprobe" -C "$work/empty.conf" -d "$tree" -S "$ver" dummy \
			> /dev/null 2> "$work/cg.err" || { tail -n 3 "$work/cg.err" >&2; return 1; }
		sed -n 's/^summary: //p' "$work/cg.out"
	}
	off=$(audit_ir env MODTOOL_AUDIT=off)
	def=$(audit_ir env)
	all=$(audit_ir env MODTOOL_AUDIT=all)
	echo
	printf '%-52s %12s\n' "modprobe dummy (fake kernel), instructions" ""
	printf '  %-50s %12s\n' "audit off" "$off" "audit kernel (the default; not recorded)" "$def" \
		"audit all (recorded)" "$all"
fi
