#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our kmod multi-call binary against Debian's kmod 30:
# - `kmod static-nodes` in each format, to stdout and with -o (parent
#   directories created), byte for byte with kmod's, on both real trees'
#   modules.devname and on a crafted one (comments, block devices, nodes in
#   subdirectories, bad entries, a missing file, an unknown format): stdout,
#   stderr, status and the written file.  Both run in the fake kernel of
#   tests/tools/fake-kernel.c, which serves /lib/modules and uname -r.
# - run under a tool's name (a link), it is that tool: the same output as the
#   separate binary; `kmod list` is lsmod's table.
#
# Usage: kmod-binary.sh OUR_KMOD TOOLS_DIR FAKE_KERNEL_SO
set -u
export LC_ALL=C
ours=$(realpath "$1")
tools=$(realpath "$2")
shim=$(realpath "$3")
kmod=${KMOD_KMOD:-/bin/kmod}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/depmod-lib.sh"
trees=$("$here/../fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

# fake ROOT RELEASE DEVNAME_FILE: a fake kernel whose tree holds that modules.devname
fake() {
	rm -rf "$1" && mkdir -p "$1/lib/modules/$2" "$1/sys/module" "$1/proc"
	: > "$1/proc/modules"
	[ -n "$3" ] && cp "$3" "$1/lib/modules/$2/modules.devname"
	return 0
}

# same NAME DEVNAME_FILE ARGS...: kmod's and our `static-nodes ARGS` agree
same() {
	local name=$1 devname=$2 who bad=
	shift 2
	for who in kmod ours; do
		fake "$work/$who" 9.9.9 "$devname"
		local bin=$kmod
		[ $who = ours ] && bin=$ours
		# -o's file lands in the run's own directory: @OUT@ in ARGS
		local args=("${@//@OUT@/$work/$who-out/sub/dir/static-nodes.conf}")
		FAKE_KERNEL_ROOT=$work/$who FAKE_KERNEL_RELEASE=9.9.9 LD_PRELOAD=$shim \
			"$bin" static-nodes "${args[@]}" > "$work/$who.out" 2> "$work/$who.err"
		echo "rc $?" >> "$work/$who.out"
		[ -f "$work/$who-out/sub/dir/static-nodes.conf" ] &&
			cp "$work/$who-out/sub/dir/static-nodes.conf" "$work/$who.file"
		rm -rf "$work/$who-out"
	done
	cmp -s "$work/kmod.out" "$work/ours.out" || bad="$bad stdout"
	cmp -s "$work/kmod.err" "$work/ours.err" || bad="$bad stderr"
	if [ -f "$work/kmod.file" ] || [ -f "$work/ours.file" ]; then
		cmp -s "$work/kmod.file" "$work/ours.file" || bad="$bad file"
	fi
	rm -f "$work/kmod.file" "$work/ours.file"
	if [ -z "$bad" ]; then
		ok "static-nodes $name $*"
	else
		fail "static-nodes $name $*:$bad"
		diff "$work/kmod.out" "$work/ours.out" | head -5 | sed 's/^/  out: /'
		diff "$work/kmod.err" "$work/ours.err" | head -5 | sed 's/^/  err: /'
	fi
}

printf '%s\n' "# Device nodes to trigger on-demand module loading." \
	"foo bar/baz b8:1" "foo2 bar/qux c1:2" "bad line" "x y z9:9" "nomaj dev c:1" "" \
	"spaced   two   c3:4" "trailing words c5:6 and more" "deep a/b/c/node c7:8" \
	"  # not a comment" "big huge c4294967295:0" > "$work/crafted"
for tag in 6.1 6.12; do
	devname=$(ls "$trees/$tag"/lib/modules/*/modules.devname)
	for f in "" "-f human" "-f tmpfiles" "-f devname" "--format=tmpfiles"; do
		# shellcheck disable=SC2086
		same "$tag" "$devname" $f
		# shellcheck disable=SC2086
		same "$tag" "$devname" $f -o @OUT@
	done
done
for f in human tmpfiles devname; do
	same crafted "$work/crafted" -f $f
	same crafted "$work/crafted" -f $f -o @OUT@
done
same missing "" -f tmpfiles
same missing "" -o @OUT@
same bad-format "$work/crafted" -f bogus
same help "$work/crafted" --help

# under a tool's name it is that tool
mkdir -p "$work/bin"
for t in insmod rmmod lsmod modprobe modinfo depmod; do
	ln -s "$ours" "$work/bin/$t"
done
tree=$trees/6.1
ver=$(ls "$tree/lib/modules")
"$work/bin/modinfo" -b "$tree" -k "$ver" e1000e > "$work/a" 2>&1
"$tools/modinfo" -b "$tree" -k "$ver" e1000e > "$work/b" 2>&1
check "as modinfo: the same as our modinfo" cmp -s "$work/a" "$work/b"
"$work/bin/modprobe" -d "$tree" -S "$ver" -C /dev/null --show-depends bridge > "$work/a" 2>&1
"$tools/modprobe" -d "$tree" -S "$ver" -C /dev/null --show-depends bridge > "$work/b" 2>&1
check "as modprobe: the same as our modprobe" cmp -s "$work/a" "$work/b"
check "as modprobe: the dependencies shown" grep -q "llc.ko" "$work/a"
"$work/bin/depmod" -b "$tree" -n "$ver" 2> /dev/null | md5sum > "$work/a"
"$tools/depmod" -b "$tree" -n "$ver" 2> /dev/null | md5sum > "$work/b"
check "as depmod -n: the same as our depmod" cmp -s "$work/a" "$work/b"
for t in insmod rmmod; do
	"$work/bin/$t" --version > "$work/a" 2>&1
	"$tools/$t" --version > "$work/b" 2>&1
	check "as $t --version: the same" cmp -s "$work/a" "$work/b"
done
# kmod list: lsmod's table, in a fake kernel with modules loaded
fake "$work/k" 9.9.9 ""
printf '%s\n' "dummy 16384 0 - Live 0xffffffffc0000000" "stp 12288 0 - Live 0xffffffffc0020000" \
	"llc 16384 1 stp, Live 0xffffffffc0010000" > "$work/k/proc/modules"
for m in dummy llc stp; do mkdir -p "$work/k/sys/module/$m/holders"; echo live > "$work/k/sys/module/$m/initstate"; done
echo 0 > "$work/k/sys/module/dummy/refcnt"
echo 0 > "$work/k/sys/module/stp/refcnt"
echo 1 > "$work/k/sys/module/llc/refcnt"
mkdir -p "$work/k/sys/module/llc/holders/stp"
FAKE_KERNEL_ROOT=$work/k LD_PRELOAD=$shim "$ours" list > "$work/a" 2>&1
FAKE_KERNEL_ROOT=$work/k LD_PRELOAD=$shim "$kmod" list > "$work/b" 2>&1
check "kmod list: as kmod's" cmp -s "$work/a" "$work/b"
FAKE_KERNEL_ROOT=$work/k LD_PRELOAD=$shim "$work/bin/lsmod" > "$work/a" 2>&1
check "as lsmod: as kmod's lsmod" cmp -s "$work/a" "$work/b"
check "kmod list: the modules listed" grep -q "^llc" "$work/a"
FAKE_KERNEL_ROOT=$work/k LD_PRELOAD=$shim "$work/bin/lsmod" -s -v > "$work/a" 2>&1
check "lsmod -s -v (newer kmod's spellings): the table" cmp -s "$work/a" "$work/b"
# insmod's newer spellings: the flags the kernel gets (1 modversions, 2 vermagic)
m=$tree/lib/modules/$ver/kernel/drivers/net/dummy.ko
for spec in ":0" "-f:3" "--force:3" "--force-vermagic:2" "--force-modversion:1" "-v -s:0"; do
	opts=${spec%:*} want=${spec##*:}
	fake "$work/k" 9.9.9 ""
	: > "$work/k/log"
	# shellcheck disable=SC2086
	FAKE_KERNEL_ROOT=$work/k LD_PRELOAD=$shim "$work/bin/insmod" $opts "$m"
	check "insmod ${opts:-(no option)}: finit_module flags $want" \
		grep -qx "finit_module dummy \[\] $want" "$work/k/log"
done
# (a recorded difference: ours names itself, and its own feature line)
"$ours" --version > "$work/a" 2>&1
check "kmod --version: modtool's version line" grep -qx 'modtool version [0-9][0-9.]*' "$work/a"
check "kmod --version: the feature line kmod's scripts read" grep -Eqx '([+-][A-Z0-9]+ ?)+' "$work/a"
"$work/bin/modprobe" --version > "$work/b" 2>&1
check "as modprobe --version: the same as kmod --version" cmp -s "$work/a" "$work/b"
check "kmod with no command: status 1" not "$ours"
check "kmod with an unknown command: status 1" not "$ours" frobnicate
finish
