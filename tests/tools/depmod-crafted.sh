#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our depmod on small crafted trees, against Debian's kmod 30 where kmod is
# deterministic: dependency order, cycles, depmod.d (search, override,
# exclude), duplicates (ours: by rank, never by directory order), -o, -n,
# -e with -F and -E, -A, and malformed modules (warned about and skipped).
#
# Usage: depmod-crafted.sh OUR_DEPMOD
set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
. "$here/depmod-lib.sh"
ours=$(realpath "$1")
kmod=${KMOD_DEPMOD:-/usr/sbin/depmod}
command -v cc >/dev/null || { echo "cc is needed"; echo "0 passed, 1 failed"; exit 1; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
V=1.0.0
empty=$work/empty.d
mkdir -p "$empty"

# tree NAME: a base tree (a chain, aliases, a softdep, a devname) in $work/NAME
tree() {
	local m=$work/$1/lib/modules/$V
	mkdir -p "$m"
	mkmod "$m/kernel/core/base.ko" "base_fn base_other" "" "alias=base-alias" "alias=pci:v00001234d*sv*" &&
	mkmod "$m/kernel/mid/mid-one.ko" "mid_fn" "base_fn" "softdep=pre: base" "alias=devname:mydev" "alias=char-major-10-99" &&
	mkmod "$m/kernel/top/top.ko" "" "mid_fn base_other" "alias=top[-_]x" "weakdep=mid_one" &&
	mkmod "$m/kernel/lone.ko" "lone_fn" "" &&
	printf 'kernel/top/top.ko\nkernel/core/base.ko\nkernel/mid/mid-one.ko\n' >"$m/modules.order" &&
	printf 'kernel/fs/builtin1.ko\nkernel/net/built-in2.ko\n' >"$m/modules.builtin" &&
	printf 'builtin1.alias=fs-builtin1\0built_in2.alias=net-pf-99\0built_in2.license=GPL\0' >"$m/modules.builtin.modinfo"
}

# both NAME ARGS...: copy tree NAME to NAME-k and NAME-o, run kmod and ours
# with ARGS (ROOT stands for the copy); exit statuses in krc/orc, stderr in *.err
both() {
	local name=$1; shift
	rm -rf "$work/$name-k" "$work/$name-o"
	cp -a "$work/$name" "$work/$name-k"
	cp -a "$work/$name" "$work/$name-o"
	timeout 60 "$kmod" $(echo "$@" | sed "s#ROOT#$work/$name-k#g") >"$work/k.out" 2>"$work/k.err"; krc=$?
	timeout 60 "$ours" $(echo "$@" | sed "s#ROOT#$work/$name-o#g") >"$work/o.out" 2>"$work/o.err"; orc=$?
	# messages name the copy: make them comparable
	sed -i "s#$work/$name-k#ROOT#g" "$work/k.out" "$work/k.err"
	sed -i "s#$work/$name-o#ROOT#g" "$work/o.out" "$work/o.err"
	K=$work/$name-k/lib/modules/$V O=$work/$name-o/lib/modules/$V
}

tree base
both base -C "$empty" -b ROOT $V
check "basic tree: same exit status" [ "$krc" = "$orc" ]
check "basic tree: every index identical" same_indexes "$K" "$O"
check "basic tree: modules.weakdep" grep -qx 'weakdep top mid_one' "$O/modules.weakdep"
check "basic tree: unlisted modules after listed ones" grep -q '^kernel/lone.ko:$' "$O/modules.dep"

# -o: output elsewhere, the tree untouched
rm -rf "$work/out"
cp -a "$work/base" "$work/base-o2"
"$ours" -C "$empty" -b "$work/base-o2" -o "$work/out" $V 2>/dev/null
check "-o writes under OUTDIR/lib/modules/VER" same_indexes "$K" "$work/out/lib/modules/$V"
check "-o leaves the module dir alone" [ ! -e "$work/base-o2/lib/modules/$V/modules.dep" ]

both base -C "$empty" -n -b ROOT $V
check "-n prints what kmod prints" cmp -s "$work/k.out" "$work/o.out"
check "-n writes nothing" [ ! -e "$O/modules.dep" ]

# -A: nothing to do when modules.dep is newer than every module
touch -d '2000-01-01' "$work/base-o2/lib/modules/$V"/kernel/*/*.ko "$work/base-o2/lib/modules/$V"/kernel/*.ko
"$ours" -C "$empty" -b "$work/base-o2" $V 2>/dev/null
rm -f "$work/base-o2/lib/modules/$V/modules.alias"
"$ours" -A -C "$empty" -b "$work/base-o2" $V 2>/dev/null
check "-A: up to date, nothing rewritten" [ ! -e "$work/base-o2/lib/modules/$V/modules.alias" ]
touch -d "@$(($(date +%s) + 5))" "$work/base-o2/lib/modules/$V/kernel/lone.ko"
"$ours" -A -C "$empty" -b "$work/base-o2" $V 2>/dev/null
check "-A: a newer module: regenerated" [ -e "$work/base-o2/lib/modules/$V/modules.alias" ]

# -e -F System.map: kmod's warnings for unknown symbols
m=$work/syms/lib/modules/$V
mkdir -p "$m"
mkmod "$m/kernel/a.ko" "a_fn" "printk missing_fn" && mkmod "$m/kernel/b.ko" "" "a_fn other_missing"
printf 'kernel/a.ko\nkernel/b.ko\n' >"$m/modules.order"
printf 'ffffffff81000000 T printk\nffffffff82000000 R __ksymtab_printk\n' >"$work/System.map"
both syms -C "$empty" -e -F "$work/System.map" -b ROOT $V
check "-e -F: same warnings as kmod" cmp -s <(grep -v 'modules.builtin' "$work/k.err" | sort) \
	<(grep -v 'modules.builtin' "$work/o.err" | sort)
check "-e -F: needs-unknown warning present" grep -q 'b.ko needs unknown symbol other_missing' "$work/o.err"
check "-e -F: same indexes" same_indexes "$K" "$O"
both syms -C "$empty" -e -b ROOT $V
check "-e alone: kmod's '-e needs -E or -F'" grep -q -- '-e needs -E or -F' "$work/o.err"

# -e -E Module.symvers: CRC disagreements
rm -rf "$work/crc"
m=$work/crc/lib/modules/$V
mkdir -p "$m"
VERSIONS="printk:0x1111 a_fn:0x2222" mkmod "$m/kernel/b.ko" "" "printk a_fn"
mkmod "$m/kernel/a.ko" "a_fn" ""
printf '0x00001234\tprintk\tvmlinux\tEXPORT_SYMBOL\n' >"$work/Module.symvers"
both crc -C "$empty" -e -E "$work/Module.symvers" -b ROOT $V
check "-e -E: same warnings as kmod" cmp -s <(grep -v 'modules.builtin' "$work/k.err" | sort) \
	<(grep -v 'modules.builtin' "$work/o.err" | sort)
check "-e -E: disagreement reported" grep -q 'disagrees about version of symbol printk' "$work/o.err"

# cycles: kmod's report and exit status, nothing written
rm -rf "$work/cyc"
m=$work/cyc/lib/modules/$V
mkdir -p "$m"
mkmod "$m/kernel/a.ko" "a_fn" "b_fn" && mkmod "$m/kernel/b.ko" "b_fn" "c_fn" &&
mkmod "$m/kernel/c.ko" "c_fn" "a_fn" && mkmod "$m/kernel/d.ko" "d_fn" "a_fn e_fn" &&
mkmod "$m/kernel/e.ko" "e_fn" "d_fn" && mkmod "$m/kernel/f.ko" "" "d_fn"
printf 'kernel/a.ko\nkernel/b.ko\nkernel/c.ko\nkernel/d.ko\nkernel/e.ko\nkernel/f.ko\n' >"$m/modules.order"
# (kmod 30 itself never ends on this tree: its cycle report loops; ours only)
"$ours" -C "$empty" -b "$work/cyc" $V 2>"$work/o.err"; orc=$?
check "cycles: exit status 1" [ "$orc" = 1 ]
check "cycles: both cycles named" grep -qx 'depmod: ERROR: Cycle detected: a -> b -> c -> a' "$work/o.err" &&
	grep -qx 'depmod: ERROR: Cycle detected: d -> e -> d' "$work/o.err"
check "cycles: kmod's count line" grep -qx 'depmod: ERROR: Found 5 modules in dependency cycles!' "$work/o.err"
check "cycles: nothing written" [ ! -e "$m/modules.dep" ]
rm -f "$m/kernel/d.ko" "$m/kernel/e.ko"
both cyc -C "$empty" -b ROOT $V
check "one cycle: exit status as kmod ($krc)" [ "$krc" = "$orc" ]
check "one cycle: the same report as kmod" cmp -s "$work/k.err" "$work/o.err"

# duplicates and depmod.d
rm -rf "$work/dup"
m=$work/dup/lib/modules/$V
mkdir -p "$m"
mkmod "$m/kernel/z/dup.ko" "" "" "alias=from-kernel-z"
mkmod "$m/kernel/a/dup.ko" "" "" "alias=from-kernel-a"
mkmod "$m/updates/dup.ko" "" "" "alias=from-updates"
mkmod "$m/extra/dup.ko" "" "" "alias=from-extra"
mkmod "$m/extra/sub/other.ko" "" "" "alias=other"
touch "$m/modules.order"
chosen() { grep -o 'from-[a-z-]*' "$1/modules.alias"; }
cfg=$work/cfg.d
mkdir -p "$cfg"

both dup -C "$empty" -b ROOT $V
check "duplicates: no config, updates/ wins (as kmod)" [ "$(chosen "$O")" = from-updates ] &&
	[ "$(chosen "$K")" = from-updates ]

printf 'search extra built-in updates\n' >"$cfg/a.conf"
both dup -C "$cfg" -b ROOT $V
check "search extra built-in updates: extra/ wins (as kmod)" [ "$(chosen "$O")" = from-extra ] &&
	[ "$(chosen "$K")" = from-extra ]

printf 'search updates extra\noverride dup * kernel/z\n' >"$cfg/a.conf"
both dup -C "$cfg" -b ROOT $V
check "override: kernel/z wins (as kmod)" [ "$(chosen "$O")" = from-kernel-z ] &&
	[ "$(chosen "$K")" = from-kernel-z ]

printf 'override dup 9.9.9 kernel/z\nsearch built-in\n' >"$cfg/a.conf"
both dup -C "$cfg" -b ROOT $V
check "override for another kernel version ignored; one rank for all: smallest path (extra/)" \
	[ "$(chosen "$O")" = from-extra ]
rm -rf "$work/dup-rev"
mkdir -p "$work/dup-rev/lib/modules/$V/kernel"
cp -a "$m/kernel/z" "$work/dup-rev/lib/modules/$V/kernel/"	# created in the other order
cp -a "$m/kernel/a" "$work/dup-rev/lib/modules/$V/kernel/"
touch "$work/dup-rev/lib/modules/$V/modules.order"
"$ours" -C "$cfg" -b "$work/dup-rev" $V 2>/dev/null
check "duplicates: the same choice whatever the directory order" \
	[ "$(chosen "$work/dup-rev/lib/modules/$V")" = from-kernel-a ]

printf 'exclude updates extra\nsearch built-in\n' >"$cfg/a.conf"
both dup -C "$cfg" -b ROOT $V
check "exclude: excluded directories are not walked" not grep -q 'from-updates\|from-extra\|other' "$O/modules.alias"
check "exclude: same as kmod" cmp -s <(grep -v '^#' "$K/modules.alias" | grep -v from-kernel) \
	<(grep -v '^#' "$O/modules.alias" | grep -v from-kernel)

printf 'search updates\nbogus line here\n' >"$cfg/a.conf"
both dup -C "$cfg" -b ROOT $V
check "a bad config line is reported with file:line" grep -q "a.conf:2: ignoring bad line starting with 'bogus'" "$work/o.err"

# external directories (search external)
rm -rf "$work/ext" "$work/extmods"
m=$work/ext/lib/modules/$V
mkdir -p "$m"
mkmod "$m/kernel/dup.ko" "" "" "alias=from-tree"
mkmod "$work/extmods/dup.ko" "" "" "alias=from-external"
touch "$m/modules.order"
printf 'search external built-in\nexternal * %s\n' "$work/extmods" >"$cfg/a.conf"
"$ours" -C "$cfg" -b "$work/ext" $V 2>/dev/null
check "external: a module outside the tree wins by search order, absolute path in modules.dep" \
	grep -qx "$work/extmods/dup.ko:" "$m/modules.dep"

# malformed modules: warned about by name, skipped, the rest indexed
rm -rf "$work/bad"
cp -a "$work/base" "$work/bad"
m=$work/bad/lib/modules/$V
echo 'not a module' >"$m/kernel/garbage.ko"
cp "$m/kernel/lone.ko" "$m/kernel/shstrndx.ko"
printf '\xe7\x03' | dd of="$m/kernel/shstrndx.ko" bs=1 seek=62 conv=notrunc 2>/dev/null
: >"$m/kernel/empty.ko"
"$ours" -C "$empty" -b "$work/bad" $V 2>"$work/o.err"; orc=$?
check "malformed: exit status 0 (kmod's for an unreadable module)" [ "$orc" = 0 ]
check "malformed: each named with its problem" \
	grep -q 'garbage.ko: not an ELF file' "$work/o.err"
check "malformed: out-of-range e_shstrndx named" grep -q 'shstrndx.ko: section name table index out of range' "$work/o.err"
check "malformed: skipped, everything else indexed" \
	[ "$(grep -c . "$m/modules.dep")" = 4 ] && grep -q '^kernel/top/top.ko: kernel/mid/mid-one.ko kernel/core/base.ko$' "$m/modules.dep"

finish
