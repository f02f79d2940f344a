#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Set everything up, build, show modinfo reading real Debian 12 kernel modules
# (a plain signed .ko of 6.1 and an .ko.xz of 6.12) beside Debian's kmod, then
# boot Debian's 6.12 kernel in qemu and load, list and remove real modules.
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
echo "== booting Debian's 6.12 kernel in qemu (software emulation: about 20 seconds)"
"$top/tests/vm/run-vm.sh" --demo "$top" "$top/build"
