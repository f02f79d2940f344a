#!/vmcheck/busybox sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The first process (rdinit=) of the images tests/vm/initramfs.sh builds with
# Debian's mkinitramfs and dracut: our tools, as the builders put them in the
# image, read and load plain and compressed modules there.  Each check prints
# "@@ NAME RESULT" on the second serial port; the host compares.
# /vmcheck holds a static busybox and dummy as .ko, .ko.xz (CRC32 and CRC64
# checks) and .ko.zst, and without its signature.  The tools are called by
# full path: busybox's shell would run its own applets for bare names.
# An image built with a load policy on the builder's machine checks that
# policy instead (policy_checks).
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

finish() {
	say "done"
	sync
	poweroff -f
}

# The load policy the hooks put in the image (initramfs.sh's -policy images):
# /etc's 50-vmtest.conf forbids vfat and replaced /usr/lib's of that name,
# which forbade msdos; 60-signed.conf (6.12) requires a signature valid
# against the certificates of /boot/vmlinuz-$(uname -r), in the image too.
P=/etc/modtool/policy.d/50-vmtest.conf S=/usr/lib/modtool/policy.d/60-signed.conf
# refused FILE RULE: did FILE say the load policy refused it by RULE?
refused() {
	grep -q "refused by the load policy, $2" "$1" && echo refused || echo "not-refused($(head -c 200 "$1"))"
}
policy_checks() {
	/sbin/modprobe vfat 2> /tmp/err
	say policy:modprobe:vfat "rc=$? $(refused /tmp/err "$P:1: enforce forbid vfat")$(loaded vfat fat)"
	# the kernel's own requests (fs-msdos, fs-vfat) through /sbin/modprobe;
	# its refusal is in the kernel log
	mkdir -p /mnt
	mount -t msdos none /mnt 2> /dev/null
	say policy:kernel:msdos "requested$(loaded msdos fat)"
	dmesg -c > /dev/null
	mount -t vfat none /mnt 2> /dev/null
	dmesg > /tmp/kmsg
	say policy:kernel:vfat "$(refused /tmp/kmsg "$P:1: enforce forbid vfat")$(loaded vfat)"
	[ -e $S ] || return 0
	/sbin/insmod /vmcheck/dummy-unsigned.ko 2> /tmp/err
	say policy:insmod:unsigned "rc=$? $(refused /tmp/err "$S:2: enforce require-signature")$(loaded dummy)"
	/sbin/insmod /vmcheck/dummy.ko
	say policy:insmod:signed "rc=$?$(loaded dummy)"
}
if [ -e $P ]; then
	policy_checks
	finish
fi

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
/sbin/modprobe msdos
say depmod-a+modprobe:msdos "rc=$rc $index rc=$?$(loaded msdos fat)"
finish
