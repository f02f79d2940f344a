#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Build the initramfs archives for one Debian kernel: busybox, Debian's kmod
# with its libraries, our tools and libmodtool.so in /lib, and a subset of the
# kernel's real module tree: the modules the scenario names, those the qemu
# machine's devices ask for (tests/vm/modaliases), and their dependencies.
# Two archives differ only in the tree's index and /sbin/modprobe:
# OUTDIR/TAG-kmod.cpio indexed by Debian's depmod, its /sbin/modprobe kmod's;
# OUTDIR/TAG-ours.cpio by ours, with ours.
#
# Usage: mkinitramfs.sh KERNEL_ROOT BUILD_DIR OUTDIR TAG
#   KERNEL_ROOT: an unpacked linux-image package (boot/, lib/modules/VERSION/)
set -eu

root=$1 build=$2 outdir=$3 tag=$4
here=$(cd "$(dirname "$0")" && pwd)
kver=$(ls "$root/lib/modules" | head -n 1)
tree=$root/lib/modules/$kver
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# The modules the scenario names (dependencies and softdeps are added).
wanted="llc stp bridge brd dummy crc32c-intel 8021q garp mrp vfat fat veth
	loop nlmon ifb macvlan nft_chain_nat crc32c_generic ghash-clmulni-intel
	ghash-generic"

mkdir -p "$stage"/bin "$stage"/sbin "$stage"/lib/x86_64-linux-gnu "$stage"/lib64 \
	"$stage"/proc "$stage"/sys "$stage"/dev "$stage"/tmp "$stage"/mnt \
	"$stage"/etc/modprobe.d "$stage"/data/other "$stage"/kmod/bin "$stage"/ours \
	"$stage/lib/modules/$kver"

# busybox, with links for the applets the scripts use: never for the module
# tools, whose names must reach the tools under test
cp /bin/busybox "$stage/bin/busybox"
for a in sh mount umount sed cut grep sort ls cat tr head tail sleep kill echo ip \
	 poweroff sync mkdir ln true false uname find md5sum wc uniq date expr rm timeout; do
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
# and modtool (status, verify: the demo shows them)
[ -x "$build/tools/modtool" ] && cp "$build/tools/modtool" "$stage/ours/modtool"

# The module subset, chosen with Debian's modprobe on the whole tree (whose
# index fetch-trees.sh made) and no configuration.
noconf=$stage/tmp/empty.conf
: > "$noconf"
hostprobe() {
	/sbin/modprobe -C "$noconf" -d "$root" -S "$kver" "$@"
}
# and every crypto module: the kernel asks for crypto-* aliases by itself
# (the 6.12 kernel at boot), whose first candidates need AES-NI or PCLMUL
names="$wanted $(find "$tree/kernel/crypto" "$tree/kernel/arch/x86/crypto" \
	"$tree/kernel/lib/crypto" -name '*.ko*' 2>/dev/null | sed 's#.*/##; s#\.ko.*##')"
if [ -f "$here/modaliases" ]; then
	names="$names $(grep -v '^#' "$here/modaliases" | while read -r alias; do
		hostprobe -R "$alias" 2>/dev/null || true; done)"
fi
files=$(for m in $names; do hostprobe -D "$m"; done |
	sed -n "s#^insmod $tree/\([^ ]*\) *\$#\1#p" | sort -u)
for m in $wanted; do
	hostprobe -D "$m" > /dev/null || { echo "mkinitramfs: $m not in $tree" >&2; exit 1; }
done
for f in $files; do
	mkdir -p "$stage/lib/modules/$kver/$(dirname "$f")"
	cp "$tree/$f" "$stage/lib/modules/$kver/$f"
done
for f in modules.order modules.builtin modules.builtin.modinfo; do
	[ -f "$tree/$f" ] && cp "$tree/$f" "$stage/lib/modules/$kver/"
done
rm -f "$noconf"

# test data: a file that is no module, and dummy in the other compression
echo "this is not a kernel module" > "$stage/data/notamodule.ko"
dummy=$(echo "$files" | grep -E '(^|/)dummy\.ko')
case $dummy in
*.xz) xz -dc "$tree/$dummy" > "$stage/data/other/dummy.ko" ;;
*) xz -c --check=crc32 "$tree/$dummy" > "$stage/data/other/dummy.ko.xz" ;;
esac
cp "$here/modaliases" "$stage/etc/vmtest-modaliases" 2>/dev/null || : > "$stage/etc/vmtest-modaliases"

cp "$here/vmtest.conf" "$stage/etc/modprobe.d/vmtest.conf"
for f in init scenario.sh demo.sh; do
	cp "$here/$f" "$stage/$f"
	chmod +x "$stage/$f"
done


# one archive per depmod: the tree indexed by Debian's, then by ours
for tools in kmod ours; do
	find "$stage/lib/modules/$kver" -maxdepth 1 -name 'modules.*' \
		! -name modules.order ! -name modules.builtin ! -name modules.builtin.modinfo \
		-exec rm -f {} +
	# /sbin/modprobe from boot on, for the kernel's own requests (made
	# before init mounts /proc: nothing there can choose the tools)
	ln -sfn /$tools/modprobe "$stage/sbin/modprobe"
	if [ $tools = kmod ]; then
		/sbin/depmod -b "$stage" "$kver"
	else
		"$build/tools/depmod" --no-cache -b "$stage" "$kver"
	fi
	(cd "$stage" && find . | sort | busybox cpio -o -H newc 2>/dev/null) \
		> "$outdir/$tag-$tools.cpio"
done
