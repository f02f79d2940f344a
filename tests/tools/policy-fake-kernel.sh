#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The load policy (modtool-policy.d(5)) in our modprobe and insmod, run in
# the fake kernel of tests/tools/fake-kernel.c over Debian's 6.1 tree: for
# each case the module syscalls made, the exit status and the message (the
# rule named by FILE:LINE, one line).  Forbidden as a dependency, as a
# softdep, with --force, through insmod; warn rules; allow-lists; signature
# and signer rules against the tree's own certificate; broken policies fail
# closed.  (The same in a real kernel, with the kernel's own requests: tests/vm.)
#
# Usage: policy-fake-kernel.sh MODPROBE INSMOD MODTOOL IMAGE_CERTS FAKE_KERNEL_SO
set -u
export LC_ALL=C
unset MODPROBE_OPTIONS
modprobe=$(realpath "$1") insmod=$(realpath "$2") modtool=$(realpath "$3")
image_certs=$(realpath "$4") shim=$(realpath "$5")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/depmod-lib.sh"
trees=$("$here/../fetch-trees.sh") || exit 1
tree=$trees/6.1
ver=$(basename "$(echo "$tree"/lib/modules/*)")
dir=$tree/lib/modules/$ver
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/conf" "$work/empty" "$work/certs" "$work/policy"
echo "softdep dummy pre: brd post: loop" > "$work/conf/softdep.conf"
"$image_certs" "$tree/boot/vmlinuz-$ver" "$work/certs" > /dev/null || exit 1
openssl req -new -nodes -batch -x509 -subj /CN=not-debian -newkey rsa:2048 \
	-keyout "$work/own.key" -out "$work/own.crt" 2> /dev/null
cp "$dir/kernel/drivers/net/dummy.ko" "$work/own-dummy.ko"
"$modtool" sign sha256 "$work/own.key" "$work/own.crt" "$work/own-dummy.ko" || exit 1

# policy LINE...: the policy directory holds one file, 10-test.conf, of these lines
policy() {
	rm -rf "$work/policy" && mkdir -p "$work/policy"
	printf '%s\n' "$@" > "$work/policy/10-test.conf"
}
P=$work/policy/10-test.conf

# try PROGRAM ARGS...: run in an empty fake kernel; $out, $err, $rc, $loaded
try() {
	local prog=$1 root=$work/k
	shift
	rm -rf "$root" && mkdir -p "$root/sys/module" "$root/proc" "$root/dev"
	: > "$root/proc/cmdline"
	: > "$root/dev/kmsg"
	: > "$root/log"
	MODTOOL_POLICY_DIRS=$work/policy FAKE_KERNEL_ROOT=$root LD_PRELOAD=$shim \
		"$prog" "$@" > "$work/out" 2> "$work/err"
	rc=$?
	loaded=$(sed -n 's/^finit_module \([^ ]*\).*/\1/p' "$root/log" | xargs -n1 basename 2>/dev/null |
		sed 's/\.ko.*//' | tr '\n' ' ' | sed 's/ $//')
}
mp() { try "$modprobe" -d "$tree" -S "$ver" -C "${conf:-$work/empty}" "$@"; }
ins() { try "$insmod" "$@"; }

# expect RC "LOADED" "STDERR (a fixed string, or - for empty)" WHAT
expect() {
	local want_rc=$1 want_loaded=$2 want_err=$3 what=$4 ok=1
	[ "$rc" = "$want_rc" ] || { ok=0; echo "  status $rc, not $want_rc" >&2; }
	[ "$loaded" = "$want_loaded" ] || { ok=0; echo "  loaded '$loaded', not '$want_loaded'" >&2; }
	if [ "$want_err" = - ]; then
		[ ! -s "$work/err" ] || { ok=0; echo "  stderr: $(cat "$work/err")" >&2; }
	elif ! grep -qF -- "$want_err" "$work/err"; then
		ok=0
		echo "  stderr lacks '$want_err': $(cat "$work/err")" >&2
	fi
	check "$what" test $ok = 1
}
lines() { check "$1: $2 line(s) on stderr" test "$(wc -l < "$work/err")" = "$2"; }

# no policy: as without one
policy "# nothing but a comment"
mp bridge
expect 0 "llc stp bridge" - "no rule: bridge and its dependencies load"

# forbidden as a dependency, stopping the load; the rule named, one line
policy "enforce forbid llc"
mp bridge
expect 1 "" "llc: refused by the load policy, $P:1: enforce forbid llc (forbidden)" \
	"forbid llc: bridge (which needs it) refused"
lines "forbid llc" 1
check "  and in the kernel log" grep -qF "<4>modtool[" "$work/k/dev/kmsg"
check "  the kernel log's line names the rule" grep -qF "llc: refused by the load policy, $P:1" "$work/k/dev/kmsg"
mp -q bridge
expect 1 "" - "modprobe -q (as the kernel runs it): refused, nothing on stderr"
check "  but the kernel log has it" grep -qF "llc: refused by the load policy, $P:1" "$work/k/dev/kmsg"
mp -f bridge
expect 1 "" "$P:1: enforce forbid llc" "--force does not get past it"
ins "$dir/kernel/net/llc/llc.ko"
expect 1 "" "llc: refused by the load policy, $P:1" "insmod of the file refused too"
lines "insmod" 1
ins -f "$dir/kernel/net/llc/llc.ko"
expect 1 "" "$P:1" "insmod -f refused too"
# a forbidden module under another file name: known by the name it tells the kernel
cp "$dir/kernel/net/llc/llc.ko" "$work/innocent.ko"
ins "$work/innocent.ko"
expect 1 "" "llc: refused by the load policy, $P:1" "llc copied to innocent.ko: still llc, refused"
policy "enforce forbid l*c br-*"
mp bridge
expect 1 "" "$P:1: enforce forbid l*c br-*" "patterns: l*c"

# forbidden as a dependency of the target: nothing loaded at all (not fat for a forbidden vfat)
policy "enforce forbid vfat"
mp vfat
expect 1 "" "vfat: refused by the load policy, $P:1" "forbid vfat: fat, its dependency, not loaded either"
mp -n vfat
expect 0 "" - "modprobe -n (loads nothing): not refused"

# forbidden as a softdep: the module loads, its forbidden softdep not
policy "enforce forbid brd"
conf=$work/conf mp dummy
expect 0 "dummy loop" "brd: refused by the load policy, $P:1" "forbid brd: dummy's softdep skipped"

# an install command stands for the module: not run when the module is forbidden
echo "install dummy echo RAN-INSTALL" > "$work/conf/install.conf"
policy "enforce forbid dummy"
conf=$work/conf mp dummy
expect 1 "" "dummy: refused by the load policy, $P:1" "forbid dummy: its install command not run, nothing loaded"
check "  the command did not run" not grep -q RAN-INSTALL "$work/out"
policy "enforce forbid brd"
conf=$work/conf mp dummy
check "the install command of an allowed module runs" grep -q RAN-INSTALL "$work/out"
rm -f "$work/conf/install.conf"

# warn: loads, and says which rule would have refused it
policy "warn forbid dummy"
mp dummy
expect 0 "dummy" "dummy: the load policy, $P:1, would refuse it: warn forbid dummy (forbidden); loaded anyway (warn)" \
	"warn forbid: loaded, said"

# an allow-list: its modules only (and their dependencies must be on it)
policy "enforce allow dummy" "enforce allow llc stp"
mp dummy
expect 0 "dummy" - "allow: dummy allowed"
mp bridge
expect 1 "" "bridge: refused by the load policy, $P:1: enforce allow dummy (not on the allow list)" \
	"allow: bridge not on the list: nothing of it loaded (its dependencies are on it)"
policy "warn allow dummy"
mp brd
expect 0 "brd" "would refuse it: warn allow dummy (not on the allow list)" "warn allow: loads, said"

# signatures against the tree's own certificate (the one in its vmlinuz)
signer=$("$modtool" verify --cert "$work/certs" "$dir/kernel/drivers/net/dummy.ko" |
	sed -n 's/.*valid: signed by \(.*\) (key.*/\1/p')
policy "certificates $work/certs" "enforce require-signature"
mp dummy
expect 0 "dummy" - "require-signature: Debian's dummy loads"
ins "$work/own-dummy.ko"
expect 1 "" "dummy: refused by the load policy, $P:2: enforce require-signature (signature unknown-key:" \
	"require-signature: a module signed by another key refused"
policy "certificates $work/certs" "enforce signer \"$signer\""
mp dummy
expect 0 "dummy" - "signer \"$signer\": Debian's dummy loads"
policy "certificates $work/certs" "enforce signer \"Debian Secure Boot CA\" Other*"
mp dummy
expect 1 "" "(signed by $signer)" "signer rule naming others: refused, the signer said"
policy "enforce require-signature"
mp dummy
expect 1 "" "cannot be evaluated: no trusted certificate" "require-signature without certificates: refused (fail closed)"
policy "certificates $work/no-such-dir" "enforce require-signature"
mp dummy
expect 1 "" "cannot be evaluated:" "certificates that cannot be read: refused"
policy "certificates $work/no-such-dir" "warn require-signature"
mp dummy
expect 0 "dummy" "would refuse it: warn require-signature (cannot be evaluated:" \
	"warn require-signature that cannot be evaluated: loads, said"

# broken policies fail closed
policy "enforce frobnicate dummy"
mp dummy
expect 1 "" "$P:1: unknown rule: every module load is refused until it is mended (fail closed)" \
	"an unreadable rule: every load refused"
check "  the refusal names it too" grep -qF "dummy: refused by the load policy, $P:1" "$work/err"
policy "enforce forbid \"dummy"
mp brd
expect 1 "" "$P:1: a quote is not closed" "an open quote: refused"
policy "warn frobnicate dummy" "enforce forbid llc"
mp dummy
expect 0 "dummy" "$P:1: unknown rule: the warn rule is left out" "a broken warn line is left out"
policy "enforce forbid"
mp dummy
expect 1 "" "$P:1: the rule names nothing" "forbid naming nothing: refused"
rm -rf "$work/policy" && mkdir -p "$work/policy/20-dir.conf"
mp dummy
expect 1 "" "$work/policy/20-dir.conf: not a regular file: every module load is refused" \
	"a policy 'file' that is a directory: refused"
rm -rf "$work/policy" && mkdir -p "$work/policy"
printf 'enforce forbid dummy\0\n' > "$work/policy/30-nul.conf"
mp brd
expect 1 "" "a NUL byte in the line" "a NUL byte: refused"
# a later directory's file replaces a same-named one; files apply in name order
mkdir -p "$work/p2"
echo "enforce forbid dummy" > "$work/policy/10-a.conf"
rm -f "$work/policy/30-nul.conf"
echo "# replaced" > "$work/p2/10-a.conf"
MODTOOL_POLICY_DIRS=$work/policy:$work/p2 FAKE_KERNEL_ROOT=$work/k LD_PRELOAD=$shim \
	"$modprobe" -d "$tree" -S "$ver" -C "$work/empty" dummy 2> "$work/err"
check "a later directory's same-named file replaces the earlier" test $? = 0

# listing is not loading: --show-depends is not refused
policy "enforce forbid llc"
mp --show-depends bridge
expect 0 "" - "--show-depends: no load, no refusal"
finish
