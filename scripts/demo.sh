#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Set everything up, build, show modinfo reading real Debian 12 kernel modules
# (a plain signed .ko of 6.1 and an .ko.xz of 6.12) beside Debian's kmod, check
# the 6.1 tree's signatures against its kernel's key, ask modtool check what
# loading modules would do to that kernel, then boot Debian's 6.12
# kernel in qemu: load, list and remove real modules while modtool monitor
# records the kernel's events, a load policy refusing vfat (also the kernel's
# own request), and modtool status; last, a Debian 12 system running on
# modtool: our Debian packages in place of kmod and libkmod2, booted.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
[ -d "$top/build" ] || meson setup "$top/build" "$top" >/dev/null
ninja -C "$top/build" >/dev/null
trees=$("$top/tests/fetch-trees.sh")
modinfo="$top/build/tools/modinfo"
for tree in "$trees"/6.1 "$trees"/6.12; do
	kver=$(ls "$tree/lib/modules")
	[ -f "$tree/lib/modules/$kver/modules.dep.bin" ] || depmod -b "$tree" "$kver"
	echo "== modinfo -b $tree -k $kver e1000e (ours, first lines)"
	"$modinfo" -b "$tree" -k "$kver" e1000e | grep -v '^alias:' | head -n 14
	echo "== same bytes as kmod's modinfo?"
	ours=$(mktemp) theirs=$(mktemp)
	"$modinfo" -b "$tree" -k "$kver" e1000e >"$ours"
	/usr/sbin/modinfo -b "$tree" -k "$kver" e1000e >"$theirs"
	cmp "$ours" "$theirs" && echo "identical ($(wc -c <"$ours") bytes)"
	rm -f "$ours" "$theirs"
done
# modtool verify: each tree against the key built into its own vmlinuz
modtool="$top/build/tools/modtool"
tree=$trees/6.1 kver=$(ls "$trees/6.1/lib/modules")
echo "== modtool verify --all: every module of the 6.1 tree against its vmlinuz's key"
"$modtool" verify -b "$tree" -k "$kver" --all -q && echo "(exit 0: all valid)"
echo "== one module, and a copy with one byte of its code changed"
"$modtool" verify -b "$tree" -k "$kver" e1000e
copy=$(mktemp --suffix=.ko)
cp "$(find "$tree/lib/modules" -name e1000e.ko)" "$copy"
printf '\001' | dd of="$copy" bs=1 seek=4096 conv=notrunc status=none
"$modtool" verify -b "$tree" -k "$kver" "$copy" || echo "(exit $?: bad signature)"
echo "== modtool check: would they load into that kernel, and what would they do to it? (offline)"
"$modtool" check -b "$tree" -k "$kver" vfat
"$modtool" check -b "$tree" -k "$kver" "$copy" || echo "(exit $?: would be refused)"
rm -f "$copy"
echo "== booting Debian's 6.12 kernel in qemu (software emulation: about 20 seconds)"
"$top/tests/vm/run-vm.sh" --demo "$top" "$top/build"
echo "== a Debian 12 system on modtool: our packages in place of kmod and libkmod2, booted"
"$top/tests/system/demo.sh" "$top" "$top/build"
