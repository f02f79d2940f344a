#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The README demo's last part: a Debian 12 system running on modtool.  Our
# Debian packages (dpkg-buildpackage of this tree) installed in place of
# kmod and libkmod2 in the system test's image (base-image.sh: mmdebstrap,
# made once and cached), its indexes and initramfs made again by our depmod
# and update-initramfs with our tools, booted with Debian's 6.12 kernel
# under qemu; then what the guest reported: which tools it ran, its lsmod,
# the drivers udev's coldplug loaded for the emulated devices, the
# modprobe.d options applied, and systemctl status of the module units.
# The system test (debian-system.sh) does the same with both kernels beside
# Debian's kmod and compares.
#
# Usage: demo.sh SOURCE_DIR BUILD_DIR
set -eu
src=$(cd "$1" && pwd)
work=$(cd "$2" && pwd)/system-demo
cache=${MODTOOL_CACHE:-/var/cache/modtool}
. "$src/tests/system/lib.sh"
rm -rf "$work"
mkdir -p "$work"

step() { t=$(date +%s); printf '%s' "$*"; }
done_step() { echo " ($(($(date +%s) - t)) s)"; }

step "== our Debian packages: dpkg-buildpackage -b of this tree"
build_packages
done_step
(cd "$work/debs" && ls)
step "== a Debian 12 image (mmdebstrap from Debian's archive, with systemd, udev, initramfs-tools, Debian's kmod; about 4 minutes once, then cached)"
base_image
done_step
step "== our packages installed in its place (apt-get install), its indexes and 6.12 initramfs made by our depmod and update-initramfs"
dir=$work/ours/root
mkdir -p "$dir"
tar -C "$dir" -xf "$tarball"
configure "$dir"
in_root "$dir" sh -c "$(our_packages "$dir")" > "$work/install.log" 2>&1 ||
	{ tail -n 5 "$work/install.log"; exit 1; }
kver=$(ls "$trees/6.12/lib/modules")
rebuild_with_ours "$dir" "$kver"
make_disk "$dir" ours
rm -rf "$dir"
done_step
step "== booting it: Debian's $kver kernel under qemu (software emulation), e1000, HD audio, USB tablet, virtio-rng"
boot ours 6.12 "$kver"
done_step
r=$work/ours/6.12/report
[ -f "$r/complete" ] || { echo "no report from the guest: see $work/ours/6.12/console"; exit 1; }
echo "== in the guest: /sbin/modprobe is a link to $(sed -n 1p "$r/tools"), which says: $(sed -n 2p "$r/tools"); installed packages:"
grep ' install ok installed' "$r/tools" | sed 's/ install ok installed//'
echo "== in the guest: lsmod (ours) - $(wc -l < "$r/lsmod") modules, loaded by the initramfs, udev and systemd-modules-load"
head -n 12 "$r/lsmod-output"
echo "   ..."
echo "== in the guest: the drivers udev's coldplug bound to the emulated devices (loaded through our libkmod.so.2)"
grep ' module ' "$r/drivers"
echo "== in the guest: /etc/modules-load.d (brd) and /etc/modprobe.d's options, as /sys/module shows them"
cat "$r/parameters"
echo "== in the guest: systemctl status of the module units"
grep -v '^Notice: journal has been rotated' "$r/status-module-units" | cat -s
echo "== in the guest: failed units: $(wc -l < "$r/failed-units")"
