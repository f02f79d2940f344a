#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the initramfs for one Debian kernel: busybox, Debian's kmod with its
# libraries, our tools and libmodtool.so in /lib, the modules the scenario
# uses (and their dependencies) from the kernel's real tree, indexed by depmod.
#
# Usage: mkinitramfs.sh KERNEL_ROOT BUILD_DIR OUTPUT
#   KERNEL_ROOT: an unpacked linux-image package (boot/, lib/modules/VERSION/)
set -eu

root=$1 build=$2 out=$3
here=$(cd "$(dirname "$0")" && pwd)
kver=$(ls "$root/lib/modules" | head -n 1)
tree=$root/lib/modules/$kver
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The modules the scenario names; their dependencies are added from modules.dep.
wanted="llc stp bridge brd dummy crc32c-intel 8021q garp mrp vfat fat veth"

mkdir -p "$stage"/bin "$stage"/sbin "$stage"/lib/x86_64-linux-gnu "$stage"/lib64 \
	"$stage"/proc "$stage"/sys "$stage"/dev "$stage"/tmp "$stage"/mnt \
	"$stage"/etc/modprobe.d "$stage"/data/other "$stage"/kmod/bin "$stage"/ours \
	"$stage/lib/modules/$kver"

# busybox, with links for the applets the scripts use: never for the module
# tools, whose names must reach the tools under test
cp /bin/busybox "$stage/bin/busybox"
for a in sh mount umount sed cut grep sort ls cat tr head sleep kill echo ip \
	 poweroff sync mkdir ln true false uname; do
	ln -s busybox "$stage/bin/$a"
done

# shared libraries: what the binaries link, and what libmodtool dlopen()s
copy_lib() {
	case $1 in
	*/ld-linux*) cp -L "$1" "$stage/lib64/" ;;
	*) cp -L "$1" "$stage/lib/x86_64-linux-gnu/" ;;
	esac
}
bins="/bin/kmod"
for t in insmod rmmod lsmod modprobe modinfo depmod; do
	[ -x "$build/tools/$t" ] && bins="$bins $build/tools/$t"
done
for lib in $(ldd $bins 2>/dev/null | grep -o '/[^ ]*\.so[^ ]*' | grep -v libmodtool | sort -u); do
	copy_lib "$lib"
done
for soname in libz.so.1 liblzma.so.5 libzstd.so.1 libcrypto.so.3; do
	lib=$(ldconfig -p | grep -F "$soname (" | grep x86-64 | head -n 1 | sed 's/.*=> //')
	[ -n "$lib" ] && copy_lib "$lib"
done
cp -L "$build/src/libmodtool.so.1" "$stage/lib/"

# Debian's kmod (a multi-call binary named by argv[0]) and ours
cp /bin/kmod "$stage/kmod/bin/kmod"
for t in insmod rmmod lsmod modprobe modinfo depmod; do
	ln -s bin/kmod "$stage/kmod/$t"
	[ -x "$build/tools/$t" ] && cp "$build/tools/$t" "$stage/ours/$t"
done

# the module subset and its index
deps_of() {
	grep -E "(^|/)$1\.ko(\.[a-z]+)?:" "$tree/modules.dep" | head -n 1 | tr -d ':'
}
files=""
for m in $wanted; do
	line=$(deps_of "$m")
	[ -n "$line" ] || { echo "mkinitramfs: $m not in $tree" >&2; exit 1; }
	files="$files $line"
done
for f in $(echo "$files" | tr ' ' '\n' | sort -u); do
	mkdir -p "$stage/lib/modules/$kver/$(dirname "$f")"
	cp "$tree/$f" "$stage/lib/modules/$kver/$f"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$tree/$f" ] && cp "$tree/$f" "$stage/lib/modules/$kver/"
done
depmod -b "$stage" "$kver"

# test data: a file that is no module, and dummy in the other compression
echo "this is not a kernel module" > "$stage/data/notamodule.ko"
dummy=$(deps_of dummy)
case $dummy in
*.xz) xz -dc "$tree/$dummy" > "$stage/data/other/dummy.ko" ;;
*) xz -c --check=crc32 "$tree/$dummy" > "$stage/data/other/dummy.ko.xz" ;;
esac

cp "$here/vmtest.conf" "$stage/etc/modprobe.d/vmtest.conf"
cp "$here/init" "$stage/init"
cp "$here/scenario.sh" "$stage/scenario.sh"
chmod +x "$stage/init" "$stage/scenario.sh"

(cd "$stage" && find . | sort | busybox cpio -o -H newc 2>/dev/null) > "$out"
