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
#   systemd-modules-load: a modules-load.d file of module names and
#     symbolic aliases of each tree, in the same fake kernel;
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
		# ten a line (paste: no quote processing, unlike xargs)
		paste -d ' ' - - - - - - - - - - < "$work/aliases-$t" | while read -r -a batch; do
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

	# systemd-modules-load: a modules-load.d file of every 10th module name
	# and every 10th symbolic alias (fs-*, crypto-*, char-major-*...) of the
	# tree, and a name that is nothing
	conf=$work/modules-load-$t.conf
	{
		sed -n 's|^\([^:]*/\)\{0,1\}\([^/:]*\)\.ko[^:]*:.*|\2|p' \
			"$tree/lib/modules/$ver/modules.dep" | awk 'NR % 10 == 5'
		awk '$1 == "alias" && $2 !~ /[:*?[]/ && NR % 10 == 3 { print $2 }' \
			"$tree/lib/modules/$ver/modules.alias"
		echo no_such_module_anywhere
	} > "$conf"
	for side in debian ours; do
		fake_root "$root" "$tree" "$ver"
		{
			FAKE_KERNEL_ROOT=$root FAKE_KERNEL_RELEASE=$ver LD_PRELOAD=$shim \
				LD_LIBRARY_PATH=$(side_path "$side") SYSTEMD_LOG_LEVEL=debug \
				/lib/systemd/systemd-modules-load "$conf" 2>&1 | sed -n '/^apply:/,$p'
			echo "== the kernel was asked:"
			cat "$root/log"
		} > "$work/modules-load-$t-$side"
		check_lib "$side" /lib/systemd/systemd-modules-load --version
	done
	names=$(wc -l < "$conf")
	loads=$(grep -c '^f\{0,1\}init_module' "$work/modules-load-$t-debian")
	compare "systemd-modules-load, $t: $names names ($loads module loads)" \
		"$work/modules-load-$t-debian" "$work/modules-load-$t-ours"

	# A configuration of our own (modprobe.d and the kernel command line, the
	# fake kernel's with FAKE_KERNEL_MODPROBE_D): blacklists, options from
	# both, softdeps, an alias and an install command, through udev's builtin
	# (which applies the blacklist) and systemd-modules-load.
	for side in debian ours; do
		fake_root "$root" "$tree" "$ver"
		mkdir -p "$root/etc/modprobe.d" "$root/lib/modprobe.d"
		cat > "$root/etc/modprobe.d/peer.conf" <<-'EOF'
		blacklist ata_generic
		blacklist pcspkr
		options loop max_loop=8
		options vfat utf8=1 shortname=mixed
		softdep ext4 pre: crc16 post: loop
		alias peer-fs vfat
		install dummy /bin/true
		EOF
		printf 'options loop max_part=2\nblacklist psmouse\n' > "$root/lib/modprobe.d/peer.conf"
		echo 'quiet modprobe.blacklist=usbhid loop.max_part=3 vfat.iocharset=utf8' \
			> "$root/proc/cmdline"
		printf '%s\n' loop vfat peer-fs ext4 dummy pcspkr psmouse usbhid > "$root/load.conf"
		{
			FAKE_KERNEL_ROOT=$root FAKE_KERNEL_RELEASE=$ver FAKE_KERNEL_MODPROBE_D=1 \
				LD_PRELOAD=$shim LD_LIBRARY_PATH=$(side_path "$side") \
				SYSTEMD_LOG_LEVEL=debug udevadm test-builtin \
				"kmod load loop vfat peer-fs ext4 dummy pcspkr psmouse usbhid $(grep -v '^#' "$here/../vm/modaliases" | tr '\n' ' ')" \
				/sys/class/mem/null 2>&1 | sed -n '/^Loading module/,/^Unload kernel module index/p'
			echo "== the kernel was asked:"
			cat "$root/log"
			rm -rf "$root/sys/module" "$root/log"
			mkdir "$root/sys/module"
			FAKE_KERNEL_ROOT=$root FAKE_KERNEL_RELEASE=$ver FAKE_KERNEL_MODPROBE_D=1 \
				LD_PRELOAD=$shim LD_LIBRARY_PATH=$(side_path "$side") \
				SYSTEMD_LOG_LEVEL=debug /lib/systemd/systemd-modules-load "$root/load.conf" \
				2>&1 | sed -n '/^apply:/,$p' | sed "s|$root|ROOT|g"
			echo "== the kernel was asked:"
			cat "$root/log"
		} > "$work/config-$t-$side"
	done
	loads=$(grep -c '^f\{0,1\}init_module' "$work/config-$t-debian")
	blacklisted=$(grep -c 'ata_generic\|usbhid' "$work/config-$t-debian")
	compare "modprobe.d and kernel command line through udevadm and systemd-modules-load, $t ($loads module loads)" \
		"$work/config-$t-debian" "$work/config-$t-ours"

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
