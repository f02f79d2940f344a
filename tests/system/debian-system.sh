#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A Debian 12 system on modtool: the image of base-image.sh (systemd, udev,
# initramfs-tools, Debian's 6.1 and 6.12 kernels, Debian's kmod), once as it
# is (the baseline) and once with our packages (dpkg-buildpackage of this
# tree) installed in place of kmod (and of libkmod2, once we build it), its
# indexes and initramfs made again by our depmod and update-initramfs with
# our tools.  On the way our packages are installed, removed back to
# Debian's kmod (every file of kmod's intact, none of ours left) and
# installed again.  Each variant is booted under qemu with both kernels and
# devices whose drivers are modules (e1000, intel-hda, qemu-xhci with a USB
# tablet, virtio-rng; virtio disks); a oneshot unit (report.sh) collects the
# results on a second disk and powers off.  Checked: udev's coldplug loaded
# the devices' drivers, systemd-modules-load loaded /etc/modules-load.d with
# the /etc/modprobe.d options applied, kmod-static-nodes.service succeeded,
# no unit failed, modprobe loads and removes; and against the baseline:
# the same modules loaded, the same active units, no journal warning about
# modules that the baseline lacks, and the same modules in each initramfs.
# Prints the module-loading part of the boot (udev's coldplug: the trigger's
# start to the settled queue; systemd-modules-load) ours against kmod's.
#
# Usage: debian-system.sh SOURCE_DIR BUILD_DIR
# Everything is kept in BUILD_DIR/system; the base image in
# $MODTOOL_CACHE/system (default /var/cache/modtool/system).
# Exit 77 (skipped) when not root or a tool is missing.
set -eu
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
work=$build/system
cache=${MODTOOL_CACHE:-/var/cache/modtool}

[ "$(id -u)" = 0 ] || { echo "system: needs root (chroot, images): skipped"; exit 77; }
for need in mmdebstrap qemu-system-x86_64 mke2fs dpkg-buildpackage dh unshare; do
	command -v $need >/dev/null || {
		echo "system: $need not installed (scripts/install-deps.sh installs it): skipped"
		exit 77
	}
done

start=$(date +%s)
elapsed() { echo $(($(date +%s) - start)); }
. "$src/tests/system/lib.sh"

rm -rf "$work"
mkdir -p "$work"

t=$(date +%s)
build_packages || { echo "FAIL: dpkg-buildpackage"; exit 1; }
echo "packages built in $(($(date +%s) - t)) s: $(cd "$work/debs" && echo *.deb)"
if command -v lintian >/dev/null; then
	if lintian --fail-on error "$work"/pkg/*.changes > "$work/pkg/lintian.log" 2>&1; then
		pass "lintian: no errors ($(grep -c '^[WI]:' "$work/pkg/lintian.log" || true) warnings and notes)"
	else
		fail "lintian: $(grep '^E:' "$work/pkg/lintian.log" | head -n 5)"
	fi
fi

# ---- the base image ---------------------------------------------------------
t=$(date +%s)
base_image || { echo "FAIL: the base image"; exit 1; }
echo "base image in $(($(date +%s) - t)) s: $tarball"

# ---- the two systems ----------------------------------------------------------
# The files of package $2 (a .deb) that package $3 does not have.
only_in() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ {sub(/^\./, "", $6); print $6}' | sort > "$work/a.list"
	dpkg-deb -c "$2" | awk '$1 !~ /^d/ {sub(/^\./, "", $6); print $6}' | sort > "$work/b.list"
	comm -23 "$work/a.list" "$work/b.list"
}

# Ours in place of Debian's, back, and ours again, checking each state.
swap_packages() {
	dir=$1
	install_ours=$(our_packages "$dir")
	debians="/root/modtool-test/debs/kmod_*.deb /root/modtool-test/debs/libkmod2_*.deb"

	in_root "$dir" sh -c "$install_ours" > "$work/swap-1.log" 2>&1 ||
		{ fail "installing ours over Debian's kmod: $(tail -n 3 "$work/swap-1.log")"; return 1; }
	check_state "$dir" ours "installed in place of kmod"
	in_root "$dir" sh -c "apt-get install -y -q --no-install-recommends $debians" \
		> "$work/swap-2.log" 2>&1 ||
		{ fail "going back to Debian's kmod: $(tail -n 3 "$work/swap-2.log")"; return 1; }
	check_state "$dir" debian "removed back to Debian's kmod"
	# nothing of ours is left that Debian's packages do not ship too
	for pair in modtool-kmod:kmod libkmod2-modtool:libkmod2; do
		mine=$(ls "$work/debs/${pair%:*}"_*.deb 2>/dev/null) || continue
		left=$(for f in $(only_in "$mine" "$dir"/root/modtool-test/debs/"${pair#*:}"_*.deb); do
			[ -e "$dir$f" ] || [ -L "$dir$f" ] && echo "$f"; done)
		[ -z "$left" ] && pass "nothing of ${pair%:*} left after going back to ${pair#*:}" ||
			fail "left after going back to ${pair#*:}: $left"
	done
	in_root "$dir" sh -c "$install_ours" > "$work/swap-3.log" 2>&1 ||
		{ fail "installing ours again: $(tail -n 3 "$work/swap-3.log")"; return 1; }
	check_state "$dir" ours "installed again"
}

check_state() {
	dir=$1 who=$2 what=$3
	owner=$(in_root "$dir" dpkg-query -S /bin/kmod 2>&1 | cut -d: -f1)
	audit=$(in_root "$dir" dpkg --audit 2>&1)
	broken=$(in_root "$dir" apt-get check -q 2>&1 | grep -v '^Reading\|^Building\|^Calculating' || true)
	libowner=$(in_root "$dir" sh -c 'dpkg-query -S "$(readlink -f /usr/lib/*/libkmod.so.2)"' 2>&1 | cut -d: -f1)
	case $who in
	ours)
		want=modtool-kmod verify= libwant=libkmod2
		ls "$work"/debs/libkmod2-modtool_*.deb >/dev/null 2>&1 && libwant=libkmod2-modtool
		;;
	debian)
		want=kmod libwant=libkmod2
		verify=$(in_root "$dir" dpkg -V kmod libkmod2 2>&1)
		;;
	esac
	link=$(readlink "$dir/sbin/modprobe")
	version=$(in_root "$dir" /sbin/modprobe --version 2>&1 | head -n 1)
	if [ "$owner" = "$want" ] && [ "$libowner" = "$libwant" ] && [ -z "$audit" ] && [ -z "$broken" ] && [ -z "$verify" ] &&
	   [ "$link" = /bin/kmod ]; then
		pass "$what: /bin/kmod is $owner's, libkmod.so.2 $libowner's, /sbin/modprobe -> $link ($version), dpkg --audit and apt-get check clean"
	else
		fail "$what: /bin/kmod is $owner's (want $want), libkmod.so.2 $libowner's (want $libwant), /sbin/modprobe -> $link, audit: $audit, apt-get check: $broken, dpkg -V: $verify"
	fi
}

prepare() {
	variant=$1
	dir=$work/$variant/root
	mkdir -p "$dir"
	tar -C "$dir" -xf "$tarball"
	configure "$dir"
	if [ "$variant" = ours ]; then
		swap_packages "$dir" || return 0
		t=$(date +%s)
		# our depmod's indexes, then the initramfs with our tools
		rebuild_with_ours "$dir" || fail "update-initramfs with our tools"
		echo "$(($(date +%s) - t))" > "$work/ours-initramfs.seconds"
		for initrd in "$dir"/boot/initrd.img-*; do
			kver=${initrd##*/initrd.img-}
			in_root "$dir" lsinitramfs "/boot/initrd.img-$kver" \
				> "$dir/root/modtool-test/initrd-$kver.ours.list"
		done
	fi
	make_disk "$dir" "$variant"
	rm -rf "$dir"
}
t=$(date +%s)
prepare kmod > "$work/prepare-kmod.log" 2>&1 &
prepare ours
wait
cat "$work/prepare-kmod.log"
echo "systems prepared in $(($(date +%s) - t)) s (base: kernels and their initramfs installed in $(cat "$work/kmod/modtool-test/kernels-install.seconds") s with kmod; our depmod and update-initramfs: $(cat "$work/ours-initramfs.seconds" 2>/dev/null || echo '?') s)"

# our libkmod.so.2's version, when we built it
libkmod_ours=$(dpkg-deb -c "$work"/debs/libkmod2-modtool_*.deb 2>/dev/null |
	sed -n 's|.*/libkmod\.so\.\(2\.[0-9.]*\)$|\1|p' | head -n 1)

# The same modules in each initramfs.
for list in "$work"/ours/modtool-test/initrd-*.ours.list; do
	[ -f "$list" ] || { fail "no initramfs made with our tools"; break; }
	kver=${list##*/initrd-}
	kver=${kver%.ours.list}
	grep '\.ko' "$list" | sort > "$work/initrd-$kver.ours"
	grep '\.ko' "$work/kmod/modtool-test/initrd-$kver.kmod.list" | sort > "$work/initrd-$kver.kmod"
	if cmp -s "$work/initrd-$kver.ours" "$work/initrd-$kver.kmod"; then
		pass "initramfs $kver: the same $(wc -l < "$work/initrd-$kver.ours") modules as kmod's"
	else
		fail "initramfs $kver: modules differ from kmod's: $(diff "$work/initrd-$kver.kmod" "$work/initrd-$kver.ours" | grep '^[<>]' | head -n 10 | tr '\n' ' ')"
	fi
	for f in usr/bin/kmod usr/sbin/modprobe ${libkmod_ours:+usr/lib/x86_64-linux-gnu/libkmod.so.$libkmod_ours}; do
		grep -qx "$f" "$list" && pass "initramfs $kver: $f" || fail "initramfs $kver: no $f"
	done
done

# ---- booting ------------------------------------------------------------------
timings=
for tag in 6.1 6.12; do
	kver=$(ls "$trees/$tag/lib/modules")
	t=$(date +%s)
	# both variants at once: each boot takes one core, and both see the
	# same load for the timing
	boot kmod "$tag" "$kver" icount &
	boot ours "$tag" "$kver" icount
	wait
	echo "$tag: both booted in $(($(date +%s) - t)) s"
	k=$work/kmod/$tag/report o=$work/ours/$tag/report
	check_variant "$k" "$tag kmod" || continue
	check_variant "$o" "$tag ours" || continue
	grep -q '^modtool-kmod .* install ok installed' "$o/tools" &&
		pass "$tag ours: runs modtool-kmod ($(head -n 2 "$o/tools" | tail -n 1))" ||
		fail "$tag ours: not our tools: $(tr '\n' ' ' < "$o/tools")"
	compare_variants "$tag" "$k" "$o"
	ck=$(span "$k" systemd-udev-trigger systemd-udev-settle)
	co=$(span "$o" systemd-udev-trigger systemd-udev-settle)
	mk=$(span "$k" systemd-modules-load systemd-modules-load)
	mo=$(span "$o" systemd-modules-load systemd-modules-load)
	line=$(awk -v tag="$tag" -v ck="$ck" -v co="$co" -v mk="$mk" -v mo="$mo" 'BEGIN {
		printf "%s: udev coldplug %.2f s ours, %.2f s kmod (ratio %.2f); systemd-modules-load %.2f s ours, %.2f s kmod (ratio %.2f)",
			tag, co / 1e6, ck / 1e6, ck ? co / ck : 0, mo / 1e6, mk / 1e6, mk ? mo / mk : 0 }')
	timings="$timings$line
"
	if [ -n "$libkmod_ours" ]; then
		grep -q "libkmod\.so\.$libkmod_ours" "$o/libkmod-mapped" &&
			pass "$tag ours: the processes map our libkmod.so.$libkmod_ours" ||
			fail "$tag ours: our libkmod.so.$libkmod_ours is not the one mapped: $(tr '\n' ' ' < "$o/libkmod-mapped")"
	fi
	echo "$tag: multi-user.target reached at $(sed -n 's/^ActiveEnterTimestampMonotonic=//p' "$o/unit-multi-user" | awk '{printf "%.2f", $1 / 1e6}') s with ours, $(sed -n 's/^ActiveEnterTimestampMonotonic=//p' "$k/unit-multi-user" | awk '{printf "%.2f", $1 / 1e6}') s with kmod (guest clock)"
done

printf '%s' "$timings"
[ -n "$libkmod_ours" ] ||
	echo "note: udev and systemd-modules-load ran Debian's libkmod.so.2 in both variants (no libkmod2-modtool built)"
echo "whole test: $(elapsed) s"
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
