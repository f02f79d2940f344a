#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# modtool monitor and the audit trail in Debian's real kernels under qemu
# (6.1 and 6.12): the initramfs of mkinitramfs.sh with our tools as
# /sbin/modprobe, and on top of it tests/vm/monitor-guest.sh as init with a
# stand-in for journald (journal-listener).  Checked here: the events
# `modtool monitor --json` prints are exactly those the kernel's rules give
# for the scenario (no add for a failed init since 5.11, an event written by
# hand flagged so, the kernel's own request for vfat, a forced removal, 100
# load/unload cycles with none lost and no overrun), each with /sys/module's
# state and the file's SHA-256 and signer as the host computes them; SIGINT
# ends it with status 0; the audit records (MESSAGE_ID per kind, module,
# path, SHA-256, signer, errno, forced, who asked: the kernel for vfat) on
# the journal's native socket, then as syslog lines when there is none.
#
# Usage: monitor.sh SOURCE_DIR BUILD_DIR      exit 77 without qemu or busybox
set -eu
src=$1 build=$2
here=$src/tests/vm
logs=$build/vm-monitor
for need in qemu-system-x86_64 busybox python3; do
	command -v $need > /dev/null || { echo "vm-monitor: no $need: skipped"; exit 77; }
done
trees=$("$src/tests/fetch-trees.sh")
rm -rf "$logs"
mkdir -p "$logs"
. "$here/qemu-boot.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

overlay() {
	o=$work/overlay-$1
	mkdir -p "$o/ours" "$o/bin"
	cp "$here/monitor-guest.sh" "$o/init"
	chmod +x "$o/init"
	cp "$build/tools/modtool" "$build/tests/journal-listener" "$o/ours/"
	for a in seq syslogd; do
		ln -s busybox "$o/bin/$a"
	done
	(cd "$o" && find . | sort | busybox cpio -o -H newc 2> /dev/null) > "$work/$1-overlay.cpio"
}

# expected TAG: what the host knows of the modules the scenario uses, for the check
expected() {
	kver=$(ls "$trees/$1/lib/modules")
	for m in dummy brd fat vfat; do
		f=$(find "$trees/$1/lib/modules/$kver" -name "$m.ko*" | head -n 1)
		echo "$m ${f#$trees/$1} $(sha256sum < "$f" | cut -d' ' -f1)" \
			"$(/sbin/modinfo -F srcversion "$f" | grep . || echo -)" \
			"$(/sbin/modinfo -F version "$f" | grep . || echo -)" \
			"$(/sbin/modinfo -F signer "$f")"
	done
}

status=0
for tag in ${VM_KERNELS:-6.1 6.12}; do
	"$here/mkinitramfs.sh" "$trees/$tag" "$build" "$work" "$tag" > /dev/null
	overlay "$tag"
	cat "$work/$tag-ours.cpio" "$work/$tag-overlay.cpio" > "$work/$tag.cpio"
	vmlinuz=$(ls "$trees/$tag"/boot/vmlinuz-* | head -n 1)
	expected "$tag" > "$logs/$tag.expected"
	vm_boot "$vmlinuz" "$work/$tag.cpio" "console=ttyS0 panic=-1 quiet" "$logs/$tag"
	python3 "$here/monitor-check.py" "$tag" "$logs/$tag.log" "$logs/$tag.expected" \
		"$src/src/libmodtool.h" || status=1
done
exit $status
