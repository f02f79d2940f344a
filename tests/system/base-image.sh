#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian 12 system the system test boots, as Debian installs it, with
# Debian's kmod: made by mmdebstrap from Debian's archive (the host's apt
# sources), with systemd, udev, initramfs-tools and the two kernels of
# tests/fetch-trees.sh installed (their initramfs built by kmod's tools,
# Debian's default MODULES=most), kept as a tarball in the cache, made again
# only when its recipe or a kernel changes.  Beside the system it keeps, in
# /root/modtool-test: Debian's kmod and libkmod2 .debs (to go back to them)
# and the lsinitramfs listing of each kernel's initramfs as kmod made it.
#
# Usage: base-image.sh CACHE_DIR KERNEL_DEB...   prints the tarball's path
set -eu
cache=$1
shift
# bump when the recipe below changes
recipe=1
packages=systemd,systemd-sysv,udev,initramfs-tools,kmod,linux-base,zstd,procps
key=$( (echo "$recipe $packages"; for deb in "$@"; do basename "$deb"; done) |
	sha256sum | cut -c1-16)
tarball=$cache/debian12-base-$key.tar
mkdir -p "$cache"
exec 9> "$cache/.base.lock"
flock 9
if [ -f "$tarball" ]; then
	echo "$tarball"
	exit 0
fi
rm -f "$cache"/debian12-base-*.tar

# The host's own apt sources (same archive, same mirror), else mmdebstrap's
# default for a stable release.
set --  "$@"
mirror=
[ -f /etc/apt/sources.list.d/debian.sources ] && mirror=/etc/apt/sources.list.d/debian.sources
[ -z "$mirror" ] && [ -s /etc/apt/sources.list ] && mirror=/etc/apt/sources.list

kernels=
for deb in "$@"; do kernels="$kernels /tmp/kernels/$(basename "$deb")"; done
# shellcheck disable=SC2016
mmdebstrap --variant=apt --mode=root --format=tar --include="$packages" \
	--customize-hook='mkdir -p "$1/tmp/kernels" "$1/root/modtool-test/debs"' \
	--customize-hook="copy-in $* /tmp/kernels" \
	--customize-hook='chroot "$1" sh -c "cd /root/modtool-test/debs && apt-get download kmod libkmod2"' \
	--customize-hook="chroot \"\$1\" sh -ec 'start=\$(date +%s); dpkg -i $kernels; echo \$((\$(date +%s) - start)) > /root/modtool-test/kernels-install.seconds'" \
	--customize-hook='for i in "$1"/boot/initrd.img-*; do v=${i##*/initrd.img-}; chroot "$1" lsinitramfs "/boot/initrd.img-$v" > "$1/root/modtool-test/initrd-$v.kmod.list"; done' \
	--customize-hook='rm -rf "$1/tmp/kernels"' \
	--customize-hook='chroot "$1" systemctl mask apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer e2scrub_reap.service fstrim.timer 2>/dev/null || true' \
	--customize-hook='echo modtool-test > "$1/etc/hostname"; passwd --root "$1" -d root' \
	bookworm "$tarball.tmp" $mirror >&2
mv "$tarball.tmp" "$tarball"
echo "$tarball"
