#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install everything modtool needs to build, test and benchmark, from Debian 12's packages.
set -eu
# tests/vm/initramfs.sh builds images with Debian's own builders:
# initramfs-tools-core (mkinitramfs, lsinitramfs, hook-functions) and
# dracut-core (dracut, lsinitrd), which do not conflict with each other
# (the dracut and initramfs-tools packages do); udev and kmod bring the
# builders' udev and kmod hooks.  systemd: the journald audit-journald
# writes to; strace: monitor-bench's idle count.  tests/system builds our
# Debian packages (dpkg-dev, debhelper, fakeroot; lintian checks them) and a
# Debian 12 image (mmdebstrap, mke2fs).
pkgs="build-essential meson ninja-build pkg-config scdoc
	zlib1g-dev liblzma-dev libzstd-dev liblz4-dev libbz2-dev libssl-dev libcmocka-dev
	kmod libkmod-dev valgrind time clang libclang-rt-14-dev
	gzip xz-utils zstd lz4 bzip2 openssl bash-completion zsh fish man-db
	qemu-system-x86 busybox-static
	initramfs-tools-core dracut-core udev
	systemd strace dpkg-dev debhelper fakeroot lintian mmdebstrap e2fsprogs
	autoconf automake libtool pciutils"
missing=$(for p in $pkgs; do dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
	grep -q 'install ok installed' || echo "$p"; done)
[ -z "$missing" ] && exit 0
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $missing
