# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by debian-system.sh (the system test), demo.sh (the README's
# demo) and selftest.sh: a Debian 12 system image with our packages in it,
# booted under qemu, and the checks made on what the guest reports.
#
# The caller sets src (the source tree), work (where everything is kept)
# and cache ($MODTOOL_CACHE); here is this folder.
here=$src/tests/system
passed=0 failed=0
pass() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

# Our packages, from the tree as it is (tracked files, uncommitted changes
# included: what a fresh clone would hold once committed), into $work/debs.
build_packages() {
	rm -rf "$work/pkg"
	mkdir -p "$work/pkg/modtool"
	(cd "$src" && git ls-files -z | xargs -0 tar -cf - ) | tar -C "$work/pkg/modtool" -xf -
	(cd "$work/pkg/modtool" && dpkg-buildpackage -b -uc -us) > "$work/pkg/build.log" 2>&1 ||
		{ tail -n 30 "$work/pkg/build.log"; return 1; }
	rm -rf "$work/debs"
	mkdir -p "$work/debs"
	for deb in "$work"/pkg/*.deb; do
		case $deb in *-dbgsym_*) ;; *) cp "$deb" "$work/debs/" ;; esac
	done
}

# The base image's tarball (base-image.sh: made once, then cached) into
# $tarball, with the kernels of tests/fetch-trees.sh; $trees is set too.
base_image() {
	trees=$(sh "$src/tests/fetch-trees.sh")
	kernel_debs=
	for tag in 6.1 6.12; do
		kernel_debs="$kernel_debs $(ls "$cache/debs/$(cat "$trees/$tag.pkg")"_*.deb)"
	done
	# shellcheck disable=SC2086
	tarball=$(sh "$here/base-image.sh" "$cache/system" $kernel_debs 2> "$work/base.log") ||
		{ tail -n 30 "$work/base.log"; return 1; }
}

# in_root DIR COMMAND...: COMMAND in the chroot DIR with /dev, /proc and /sys
in_root() {
	dir=$1
	shift
	unshare -m sh -c 'dir=$1; shift
		mount --bind /dev "$dir/dev" && mount -t proc proc "$dir/proc" &&
		mount -t sysfs sys "$dir/sys" && exec chroot "$dir" "$@"' sh "$dir" "$@"
}

# What both variants get: a module for systemd-modules-load with options,
# an option for a driver udev loads, and the report unit.
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

# The package list apt-get installs for ours (paths inside the image), after
# copying the .debs in.
our_packages() {
	dir=$1
	mkdir -p "$dir/tmp/debs"
	cp "$work"/debs/*.deb "$dir/tmp/debs/"
	ours="/tmp/debs/modtool-kmod_*.deb /tmp/debs/modtool_*.deb"
	ls "$work"/debs/libkmod2-modtool_*.deb >/dev/null 2>&1 &&
		ours="$ours /tmp/debs/libkmod2-modtool_*.deb"
	echo "apt-get install -y -q --no-install-recommends $ours"
}

# Our depmod's indexes for every kernel of the image, then the initramfs of
# KVER (all when not given) with our tools.
rebuild_with_ours() {
	dir=$1 which=${2:-all}
	for kver in $(ls "$dir/lib/modules"); do
		in_root "$dir" depmod -a "$kver"
	done
	in_root "$dir" update-initramfs -u -k "$which" > "$work/update-initramfs.log" 2>&1 ||
		{ tail -n 3 "$work/update-initramfs.log"; return 1; }
}

# The root file system image of DIR, and its kernels and initramfs, for
# variant VARIANT (one UUID for all: the units named after it are compared).
root_uuid=6d6f6474-6f6f-4c00-8000-73797374656d
make_disk() {
	dir=$1 variant=$2
	mkdir -p "$work/$variant/boot"
	cp "$dir"/boot/vmlinuz-* "$dir"/boot/initrd.img-* "$work/$variant/boot/"
	cp -r "$dir/root/modtool-test" "$work/$variant/"
	mke2fs -q -t ext4 -L root -U "$root_uuid" -E "hash_seed=$root_uuid" -d "$dir" \
		"$work/$variant/root.img" 3G > /dev/null
}

# boot VARIANT TAG KVER [CLOCK]: the image of VARIANT with kernel KVER under
# qemu, the report unpacked into $work/VARIANT/TAG/report.
# CLOCK "icount" (the test's): the guest's clock counts the instructions it
# runs (1 ns each), so the durations the journal shows do not depend on how
# busy the host is: two boots side by side, or other work on the machine,
# leave the ratio ours/kmod alone (the same image booted three times gave
# coldplug times within 1.5%).  Idle time passes as real time (sleep=on):
# skipping it (sleep=off) made the guest's clock jump to its next timer
# whenever it waited for the disk, seconds at random.  It costs about twice
# the host time of plain TCG, which the demo uses.
boot() {
	variant=$1 tag=$2 kver=$3 clock=${4:-}
	out=$work/$variant/$tag
	rm -rf "$out"
	mkdir -p "$out"
	truncate -s 64M "$out/report.img"
	icount=
	[ "$clock" = icount ] && icount="-icount shift=0,sleep=on"
	# shellcheck disable=SC2086
	timeout 900 qemu-system-x86_64 -M pc -cpu qemu64 -accel tcg -m 1024 -smp 1 $icount \
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

# check_variant REPORT WHAT: what one boot must show on its own.
check_variant() {
	r=$1 what=$2
	[ -f "$r/complete" ] || { fail "$what: no report (see $(dirname "$r")/console)"; return 1; }
	missing=
	for mod in e1000 snd_hda_intel xhci_pci virtio_rng usbhid brd; do
		grep -qx "$mod" "$r/lsmod" || missing="$missing $mod"
	done
	[ -z "$missing" ] &&
		pass "$what: $(wc -l < "$r/lsmod") modules loaded, the devices' drivers among them" ||
		fail "$what: not loaded:$missing"
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

# compare_variants TAG KMOD_REPORT OUR_REPORT: ours against the baseline.
compare_variants() {
	tag=$1 k=$2 o=$3
	if cmp -s "$k/lsmod" "$o/lsmod"; then
		pass "$tag: the same $(wc -l < "$o/lsmod") modules loaded as with kmod"
	else
		fail "$tag: modules loaded differ (< kmod, > ours): $(diff "$k/lsmod" "$o/lsmod" | grep '^[<>]' | tr '\n' ' ')"
	fi
	# (diskseq numbers count every disk the kernel made, brd's among them,
	# in the order they came: not the system's doing)
	for r in "$k" "$o"; do
		sed 's/diskseq-[0-9]*\.device/diskseq-N.device/' "$r/active-units" | sort -u > "$r/active-units.cmp"
	done
	if cmp -s "$k/active-units.cmp" "$o/active-units.cmp"; then
		pass "$tag: the same $(wc -l < "$o/active-units") active units as with kmod"
	else
		fail "$tag: active units differ (< kmod, > ours): $(diff "$k/active-units.cmp" "$o/active-units.cmp" | grep '^[<>]' | tr '\n' ' ')"
	fi
	module_warnings "$k/journal-warnings" > "$k/module-warnings"
	module_warnings "$o/journal-warnings" > "$o/module-warnings"
	new=$(comm -13 "$k/module-warnings" "$o/module-warnings")
	[ -z "$new" ] && pass "$tag: no journal warning about modules that kmod's boot lacks ($(wc -l < "$k/module-warnings") in both)" ||
		fail "$tag: journal warnings only with ours: $new"
}
