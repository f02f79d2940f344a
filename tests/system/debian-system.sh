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
here=$src/tests/system
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
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

rm -rf "$work"
mkdir -p "$work"

# ---- our packages, from the tree as it is ---------------------------------
# (tracked files, uncommitted changes included: what a fresh clone would
# hold once committed)
build_packages() {
	mkdir -p "$work/pkg/modtool"
	(cd "$src" && git ls-files -z | xargs -0 tar -cf - ) | tar -C "$work/pkg/modtool" -xf -
	(cd "$work/pkg/modtool" && dpkg-buildpackage -b -uc -us) > "$work/pkg/build.log" 2>&1 ||
		{ tail -n 30 "$work/pkg/build.log"; return 1; }
	mkdir -p "$work/debs"
	for deb in "$work"/pkg/*.deb; do
		case $deb in *-dbgsym_*) ;; *) cp "$deb" "$work/debs/" ;; esac
	done
}
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
trees=$(sh "$src/tests/fetch-trees.sh")
kernel_debs=
for tag in 6.1 6.12; do
	kernel_debs="$kernel_debs $(ls "$cache/debs/$(cat "$trees/$tag.pkg")"_*.deb)"
done
t=$(date +%s)
# shellcheck disable=SC2086
tarball=$(sh "$here/base-image.sh" "$cache/system" $kernel_debs 2> "$work/base.log") ||
	{ tail -n 30 "$work/base.log"; echo "FAIL: the base image"; exit 1; }
echo "base image in $(($(date +%s) - t)) s: $tarball"

# ---- the two systems ----------------------------------------------------------
# in_root DIR COMMAND...: COMMAND in the chroot DIR with /dev, /proc and /sys
in_root() {
	dir=$1
	shift
	unshare -m sh -c 'dir=$1; shift
		mount --bind /dev "$dir/dev" && mount -t proc proc "$dir/proc" &&
		mount -t sysfs sys "$dir/sys" && exec chroot "$dir" "$@"' sh "$dir" "$@"
}

# What the tests set up in both variants: a module for systemd-modules-load
# with options, an option for a driver udev loads, and the report unit.
configure() {
	dir=$1
	echo brd > "$dir/etc/modules-load.d/modtool-test.conf"
	printf 'options brd rd_nr=2 rd_size=4096\noptions snd_hda_intel power_save=7\n' \
		> "$dir/etc/modprobe.d/modtool-test.conf"
	install -m 755 "$here/report.sh" "$dir/usr/local/sbin/modtool-report"
	cat > "$dir/etc/systemd/system/modtool-report.service" <<'UNIT'
[Unit]
Description=modtool system test: report and power off
After=multi-user.target systemd-udev-settle.service
Wants=systemd-udev-settle.service

[Service]
Type=oneshot
ExecStart=/usr/local/sbin/modtool-report
UNIT
	mkdir -p "$dir/etc/systemd/system/multi-user.target.wants"
	ln -sf ../modtool-report.service "$dir/etc/systemd/system/multi-user.target.wants/"
}

# The files of package $2 (a .deb) that package $3 does not have.
only_in() {
	dpkg-deb -c "$1" | awk '$1 !~ /^d/ {sub(/^\./, "", $6); print $6}' | sort > "$work/a.list"
	dpkg-deb -c "$2" | awk '$1 !~ /^d/ {sub(/^\./, "", $6); print $6}' | sort > "$work/b.list"
	comm -23 "$work/a.list" "$work/b.list"
}

# Ours in place of Debian's, back, and ours again, checking each state.
swap_packages() {
	dir=$1
	mkdir -p "$dir/tmp/debs"
	cp "$work"/debs/*.deb "$dir/tmp/debs/"
	ours="/tmp/debs/modtool-kmod_*.deb /tmp/debs/modtool_*.deb"
	ls "$work"/debs/libkmod2-modtool_*.deb >/dev/null 2>&1 &&
		ours="$ours /tmp/debs/libkmod2-modtool_*.deb"
	install_ours="apt-get install -y -q --no-install-recommends $ours"
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
		for kver in $(ls "$dir/lib/modules"); do
			in_root "$dir" depmod -a "$kver"
		done
		in_root "$dir" update-initramfs -u -k all > "$work/update-initramfs.log" 2>&1 ||
			fail "update-initramfs with our tools: $(tail -n 3 "$work/update-initramfs.log")"
		echo "$(($(date +%s) - t))" > "$work/ours-initramfs.seconds"
		for initrd in "$dir"/boot/initrd.img-*; do
			kver=${initrd##*/initrd.img-}
			in_root "$dir" lsinitramfs "/boot/initrd.img-$kver" \
				> "$dir/root/modtool-test/initrd-$kver.ours.list"
		done
	fi
	mkdir -p "$work/$variant/boot"
	cp "$dir"/boot/vmlinuz-* "$dir"/boot/initrd.img-* "$work/$variant/boot/"
	cp -r "$dir/root/modtool-test" "$work/$variant/"
	# one UUID for both: the units named after it are compared
	mke2fs -q -t ext4 -L root -U "$root_uuid" -E "hash_seed=$root_uuid" -d "$dir" \
		"$work/$variant/root.img" 3G
	rm -rf "$dir"
}
root_uuid=6d6f6474-6f6f-4c00-8000-73797374656d
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
# -icount: the guest's clock counts the instructions it runs (1 ns each),
# so the durations the journal shows do not depend on how busy the host is:
# two boots side by side, or other work on the machine, leave the ratio
# ours/kmod alone (the same image booted three times gave coldplug times
# within 1.5%).  Idle time passes as real time (sleep=on): skipping it
# (sleep=off) made the guest's clock jump to its next timer whenever it
# waited for the disk, seconds at random.  It costs about twice the host
# time of plain TCG.
boot() {
	variant=$1 tag=$2 kver=$3
	out=$work/$variant/$tag
	mkdir -p "$out"
	truncate -s 64M "$out/report.img"
	timeout 900 qemu-system-x86_64 -M pc -cpu qemu64 -accel tcg -m 1024 -smp 1 \
		-icount shift=0,sleep=on \
		-nographic -no-reboot -monitor none -serial "file:$out/console" \
		-kernel "$work/$variant/boot/vmlinuz-$kver" \
		-initrd "$work/$variant/boot/initrd.img-$kver" \
		-append "root=/dev/vda rw console=ttyS0 loglevel=4 systemd.show_status=false" \
		-drive "file=$work/$variant/root.img,format=raw,if=virtio,snapshot=on" \
		-drive "file=$out/report.img,format=raw,if=virtio" \
		-nic none -device e1000,romfile= -audiodev none,id=snd -device intel-hda -device hda-duplex,audiodev=snd \
		-device qemu-xhci -device usb-tablet -device virtio-rng-pci \
		< /dev/null > "$out/qemu" 2>&1 || echo "qemu ($variant, $tag) ended with status $?" >> "$out/qemu"
	tar -C "$out" -xf "$out/report.img" 2>/dev/null || true
}

# Microseconds from unit $2's start to unit $3's activation in report $1.
span() {
	s=$(sed -n 's/^InactiveExitTimestampMonotonic=//p' "$1/unit-$2")
	e=$(sed -n 's/^ActiveEnterTimestampMonotonic=//p' "$1/unit-$3")
	[ -n "$s" ] && [ -n "$e" ] && [ "$s" != 0 ] && [ "$e" != 0 ] && echo $((e - s)) || echo 0
}

# Module errors and warnings of a journal, numbers and addresses blurred.
module_warnings() {
	grep -iE 'module|modprobe|kmod|insmod|depmod|modules-load|firmware' "$1" |
		sed -E 's/[0-9]+/N/g' | sort -u
}

check_variant() {
	r=$1 what=$2
	[ -f "$r/complete" ] || { fail "$what: no report (see $(dirname "$r")/console)"; return 1; }
	for mod in e1000 snd_hda_intel xhci_pci virtio_rng usbhid brd; do
		grep -qx "$mod" "$r/lsmod" || fail "$what: $mod not loaded"
	done
	pass "$what: $(wc -l < "$r/lsmod") modules loaded, the devices' drivers among them"
	grep -qx 'brd/parameters/rd_nr 2' "$r/parameters" &&
	grep -qx 'brd/parameters/rd_size 4096' "$r/parameters" &&
	grep -qx 'snd_hda_intel/parameters/power_save 7' "$r/parameters" &&
		pass "$what: modules-load.d loaded brd with modprobe.d's options; udev's snd_hda_intel has its option" ||
		fail "$what: module parameters: $(tr '\n' ' ' < "$r/parameters")"
	for unit in kmod-static-nodes systemd-modules-load; do
		grep -qx 'ActiveState=active' "$r/unit-$unit" && grep -qx 'Result=success' "$r/unit-$unit" &&
			pass "$what: $unit.service succeeded" ||
			fail "$what: $unit.service: $(tr '\n' ' ' < "$r/unit-$unit")"
	done
	[ -s "$r/failed-units" ] && fail "$what: failed units: $(tr '\n' ' ' < "$r/failed-units")" ||
		pass "$what: no unit failed"
	grep -q 'modprobe -r vfat: removed' "$r/modprobe" && pass "$what: modprobe loads and removes vfat" ||
		fail "$what: modprobe: $(tr '\n' ' ' < "$r/modprobe")"
	return 0
}

timings=
for tag in 6.1 6.12; do
	kver=$(ls "$trees/$tag/lib/modules")
	t=$(date +%s)
	# both variants at once: each boot takes one core, and both see the
	# same load for the timing
	boot kmod "$tag" "$kver" &
	boot ours "$tag" "$kver"
	wait
	echo "$tag: both booted in $(($(date +%s) - t)) s"
	k=$work/kmod/$tag/report o=$work/ours/$tag/report
	check_variant "$k" "$tag kmod" || continue
	check_variant "$o" "$tag ours" || continue
	grep -q '^modtool-kmod .* install ok installed' "$o/tools" &&
		pass "$tag ours: runs modtool-kmod ($(head -n 2 "$o/tools" | tail -n 1))" ||
		fail "$tag ours: not our tools: $(tr '\n' ' ' < "$o/tools")"
	if cmp -s "$k/lsmod" "$o/lsmod"; then
		pass "$tag: the same $(wc -l < "$o/lsmod") modules loaded as with kmod"
	else
		fail "$tag: modules loaded differ (< kmod, > ours): $(diff "$k/lsmod" "$o/lsmod" | grep '^[<>]' | tr '\n' ' ')"
	fi
	# (diskseq numbers count every disk the kernel made, brd's among them,
	# in the order they came: not the system's doing)
	for v in k o; do
		eval "r=\$$v"
		sed 's/diskseq-[0-9]*\.device/diskseq-N.device/' "$r/active-units" | sort -u > "$r/active-units.cmp"
	done
	if cmp -s "$k/active-units.cmp" "$o/active-units.cmp"; then
		pass "$tag: the same $(wc -l < "$o/active-units") active units as with kmod"
	else
		fail "$tag: active units differ (< kmod, > ours): $(diff "$k/active-units.cmp" "$o/active-units.cmp" | grep '^[<>]' | tr '\n' ' ')"
	fi
	module_warnings "$k/journal-warnings" > "$work/$tag-kmod.warnings"
	module_warnings "$o/journal-warnings" > "$work/$tag-ours.warnings"
	new=$(comm -13 "$work/$tag-kmod.warnings" "$work/$tag-ours.warnings")
	[ -z "$new" ] && pass "$tag: no journal warning about modules that kmod's boot lacks ($(wc -l < "$work/$tag-kmod.warnings") in both)" ||
		fail "$tag: journal warnings only with ours: $new"
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
