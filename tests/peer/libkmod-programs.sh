#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Real programs that link libkmod.so.2, each run twice on the same input: on
# Debian's libkmod and on ours (LD_LIBRARY_PATH; the loader's own trace
# checks which one each run really used).  Their answers must be identical.
#   udevadm test-builtin 'kmod load MODALIAS': for the qemu machines' device
#     modaliases (tests/vm/modaliases) and a few hundred concrete ones from
#     each real tree's modules.alias, in a fake kernel (tests/tools/
#     fake-kernel.c: /lib/modules, /sys, /proc from a directory, the module
#     syscalls logged): what udev says and what it asks the kernel to load;
#   lspci -k: "Kernel modules:" for fake PCI devices with those modaliases
#     and this machine's own, in the same fake kernel;
#   dracut-install --kerneldir: the files it installs for a sample of each
#     tree's modules (dependencies, softdeps) into a destdir.
# Debian 12 ships no Python binding of libkmod (apt-cache search kmod).
# Until this tree builds a libkmod.so.2, both runs use Debian's (the harness
# itself is tested: they must agree).
#
# usage: libkmod-programs.sh SOURCE_ROOT BUILD_ROOT FAKE_KERNEL_SO
set -u
export LC_ALL=C
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
shim=$(realpath "$3")
here=$src/tests/peer
trees=$("$src/tests/fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
fail=0

ours=$(find "$build/src" -name libkmod.so.2 2>/dev/null | head -n 1)
if [ -n "$ours" ]; then
	ourdir=$(dirname "$ours")
	echo "# ours: $ours"
elif [ -d "$src/src/libkmod" ]; then
	echo "libkmod-programs: src/libkmod exists but no libkmod.so.2 was built" >&2
	exit 1
else
	ourdir=
	echo "# no libkmod.so.2 of ours yet: Debian's on both sides (a check of the harness)"
fi
debian=$(ldconfig -p | awk '$1 == "libkmod.so.2" {print $NF; exit}')

# side NAME: the LD_LIBRARY_PATH of a side
side_path() {
	[ "$1" = ours ] && echo "$ourdir" || echo ""
}

# used_lib SIDE PROGRAM ARGS...: the libkmod.so.2 the loader maps for it
used_lib() {
	local side=$1
	shift
	LD_LIBRARY_PATH=$(side_path "$side") LD_DEBUG=libs "$@" 2>&1 >/dev/null |
		sed -n 's/.*calling init: \(.*libkmod\.so\.2\)$/\1/p' | head -n 1
}

# check_lib SIDE PROGRAM ARGS...: fail unless the side's library is used
check_lib() {
	local side=$1 want got
	shift
	got=$(used_lib "$side" "$@")
	if [ "$side" = ours ] && [ -n "$ourdir" ]; then want=$ours; else want=$debian; fi
	if [ "$(readlink -f "$got")" != "$(readlink -f "$want")" ]; then
		echo "FAIL: $1 on the $side side maps '$got', not $want"
		fail=1
	fi
}

# fake_root DIR TREE VER: a fake kernel running VER with TREE's modules
fake_root() {
	rm -rf "$1"
	mkdir -p "$1/lib/modules" "$1/sys/module" "$1/proc"
	ln -s "$2/lib/modules/$3" "$1/lib/modules/$3"
}

# compare WHAT DEBIAN_FILE OURS_FILE: identical or fail, with the first lines
compare() {
	if cmp -s "$2" "$3"; then
		echo "ok: $1"
	else
		echo "FAIL: $1 differ (Debian's libkmod, then ours):"
		diff "$2" "$3" | head -20
		fail=1
	fi
}

# ---- udevadm test-builtin 'kmod load ALIAS' --------------------------------

# udev_load SIDE ROOT VER ALIAS...: what udev says and the syscalls it makes,
# for a batch of aliases in one call (the builtin takes several, loading
# each in turn: a module an earlier one loaded is "already loaded" then)
udev_load() {
	local side=$1 root=$2 ver=$3
	shift 3
	rm -rf "$root/sys/module" "$root/log"
	mkdir -p "$root/sys/module"
	FAKE_KERNEL_ROOT=$root FAKE_KERNEL_RELEASE=$ver LD_PRELOAD=$shim \
		LD_LIBRARY_PATH=$(side_path "$side") SYSTEMD_LOG_LEVEL=debug \
		udevadm test-builtin "kmod load $*" /sys/class/mem/null 2>&1 |
		sed -n '/^Loading module/,/^Unload kernel module index/p'
	echo "== the kernel was asked:"
	cat "$root/log" 2>/dev/null
}

# ---- lspci -k on fake PCI devices -----------------------------------------

# pci_devices ROOT ALIAS...: one fake device per modalias under ROOT/sys
pci_devices() {
	local root=$1 i=0 d
	shift
	for alias in "$@"; do
		d=$(printf '%s/sys/bus/pci/devices/0000:%02x:%02x.0' "$root" $((i / 32)) $((i % 32)))
		mkdir -p "$d"
		printf '%s\n' "$alias" > "$d/modalias"
		# a config space lspci can decode: 1234:NNNN, class ff (unassigned)
		printf '0x1234\n' > "$d/vendor"
		printf '0x%04x\n' $i > "$d/device"
		printf '0xff0000\n' > "$d/class"
		printf '0\n' > "$d/irq"
		: > "$d/resource"
		# shellcheck disable=SC2059
		{ printf "\\064\\022\\$(printf %03o $((i % 256)))\\$(printf %03o $((i / 256)))"
		  printf '\0\0\0\0\0\0\0\377'
		  head -c 52 /dev/zero; } > "$d/config"
		i=$((i + 1))
	done
}

for t in 6.1 6.12; do
	tree=$trees/$t
	ver=$(basename "$(echo "$tree"/lib/modules/*)")
	root=$work/root-$t
	fake_root "$root" "$tree" "$ver"
	{
		grep -v '^#' "$here/../vm/modaliases"
		python3 "$here/concrete-aliases.py" "$tree/lib/modules/$ver/modules.alias" 300
	} | sort -u > "$work/aliases-$t"
	n=$(wc -l < "$work/aliases-$t")

	for side in debian ours; do
		check_lib "$side" udevadm --version
		xargs -n 10 < "$work/aliases-$t" | while read -r -a batch; do
			udev_load "$side" "$root" "$ver" "${batch[@]}"
		done > "$work/udev-$t-$side"
	done
	loads=$(grep -c '^f\{0,1\}init_module' "$work/udev-$t-debian")
	compare "udevadm kmod load, $t: $n modaliases ($loads module loads)" \
		"$work/udev-$t-debian" "$work/udev-$t-ours"

	# lspci: the PCI ones, and this machine's own devices
	pciroot=$work/pci-$t
	fake_root "$pciroot" "$tree" "$ver"
	mapfile -t pci < <({ grep '^pci:' "$work/aliases-$t"
		cat /sys/bus/pci/devices/*/modalias 2>/dev/null; } | sort -u)
	pci_devices "$pciroot" "${pci[@]}"
	for side in debian ours; do
		FAKE_KERNEL_ROOT=$pciroot FAKE_KERNEL_RELEASE=$ver LD_PRELOAD=$shim \
			LD_LIBRARY_PATH=$(side_path "$side") lspci -k > "$work/lspci-$t-$side" 2>&1
		echo "status $?" >> "$work/lspci-$t-$side"
		check_lib "$side" lspci --version
	done
	with=$(grep -c 'Kernel modules:' "$work/lspci-$t-debian")
	compare "lspci -k, $t: ${#pci[@]} devices, $with with kernel modules" \
		"$work/lspci-$t-debian" "$work/lspci-$t-ours"

	# dracut-install: every 25th module of the tree, with what it needs
	mapfile -t mods < <(sed -n 's|^\([^:]*/\)\{0,1\}\([^/:]*\)\.ko[^:]*:.*|\2|p' \
		"$tree/lib/modules/$ver/modules.dep" | awk 'NR % 25 == 1')
	for side in debian ours; do
		rm -rf "$work/dest-$side"
		mkdir "$work/dest-$side"
		LD_LIBRARY_PATH=$(side_path "$side") /usr/lib/dracut/dracut-install \
			-D "$work/dest-$side" --kerneldir "$tree/lib/modules/$ver" -m "${mods[@]}" \
			> "$work/dracut-$t-$side" 2>&1
		echo "status $?" >> "$work/dracut-$t-$side"
		(cd "$work/dest-$side" && find . | sort) >> "$work/dracut-$t-$side"
		check_lib "$side" /usr/lib/dracut/dracut-install --help
	done
	files=$(find "$work/dest-debian" -type f | wc -l)
	compare "dracut-install, $t: ${#mods[@]} modules asked, $files files installed" \
		"$work/dracut-$t-debian" "$work/dracut-$t-ours"
done
exit $fail
