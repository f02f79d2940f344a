#!/vmcheck/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The first process (rdinit=) of the images tests/vm/initramfs.sh builds with
# Debian's mkinitramfs and dracut: our tools, as the builders put them in the
# image, read and load plain and compressed modules there.  Each check prints
# "@@ NAME RESULT" on the second serial port; the host compares.
# /vmcheck holds a static busybox and dummy as .ko, .ko.xz (CRC32 and CRC64
# checks) and .ko.zst.  The tools are called by full path: busybox's shell
# would run its own applets for bare names.
bb=/vmcheck/busybox
$bb mkdir -p /proc /sys /dev /tmp /vmcheck/bin
$bb mount -t proc proc /proc
$bb mount -t sysfs sysfs /sys
$bb mount -t devtmpfs devtmpfs /dev
$bb --install -s /vmcheck/bin
export PATH=/vmcheck/bin
exec > /dev/ttyS1 2>&1

M=/lib/modules/$(uname -r)
say() {
	echo "@@ $*"
}

# The names among $@ that /proc/modules lists.
loaded() {
	for m in "$@"; do
		grep -q "^$m " /proc/modules && printf ' %s' "$m"
	done
}

say version "$(/sbin/modprobe --version | head -n 1)"

for f in dummy.ko dummy-crc32.ko.xz dummy-crc64.ko.xz dummy.ko.zst; do
	say "modinfo:$f" "$(/sbin/modinfo -F vermagic /vmcheck/$f)"
done

for f in dummy.ko dummy-crc32.ko.xz dummy-crc64.ko.xz dummy.ko.zst; do
	/sbin/insmod /vmcheck/$f
	rc=$?
	state=$(cat /sys/module/dummy/initstate 2>/dev/null || echo absent)
	/sbin/rmmod dummy
	say "insmod:$f" "rc=$rc $state rmmod-rc=$?$(loaded dummy)"
done

/sbin/modprobe bridge
say modprobe:bridge "rc=$?$(loaded bridge stp llc)"

# the image's index made again, inside the image, then used
rm -f $M/modules.dep $M/modules.dep.bin
/sbin/depmod -a
rc=$?
[ -s $M/modules.dep.bin ] && index=index || index=no-index
/sbin/modprobe vfat
say depmod-a+modprobe:vfat "rc=$rc $index rc=$?$(loaded vfat fat)"

say done
sync
poweroff -f
