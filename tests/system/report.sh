#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# In the guest of the system test (modtool-report.service, after the boot's
# other jobs): what the host compares, written to the second disk (/dev/vdb)
# as a tar archive, then the machine powers off.
# Runs in both variants (Debian's kmod, modtool's) alike.
out=/run/report
mkdir -p "$out"
exec > "$out/report.log" 2>&1

# The boot is over when no job but ours is left (waiting for the system to
# be "running" would wait for this unit too).
for i in $(seq 1 300); do
	[ "$(systemctl list-jobs --no-legend | grep -cv modtool-report)" = 0 ] && break
	sleep 1
done
echo "waited $i s for the boot's jobs"

uname -r > "$out/kernel"
cut -d' ' -f1 /proc/modules | sort > "$out/lsmod"
lsmod > "$out/lsmod-output" 2>&1
systemctl list-units --all --no-legend --plain --state=active | awk '{print $1}' | sort \
	> "$out/active-units"
systemctl --failed --no-legend --plain | awk '{print $1}' > "$out/failed-units"
for unit in kmod-static-nodes systemd-modules-load systemd-udev-trigger systemd-udev-settle \
	    systemd-udevd multi-user; do
	systemctl show -p ActiveState -p Result -p ExecMainStatus \
		-p InactiveExitTimestampMonotonic -p ActiveEnterTimestampMonotonic \
		"$unit.service" > "$out/unit-$unit"
	[ $unit = multi-user ] && systemctl show -p ActiveEnterTimestampMonotonic multi-user.target \
		> "$out/unit-$unit"
done
systemctl status --no-pager kmod-static-nodes.service systemd-modules-load.service \
	systemd-udev-trigger.service systemd-udevd.service > "$out/status-module-units" 2>&1
# each device and the driver udev's coldplug bound to it (its module's name)
for dev in /sys/bus/pci/devices/* /sys/bus/usb/devices/* /sys/bus/virtio/devices/*; do
	[ -e "$dev/driver" ] || continue
	driver=$(readlink -f "$dev/driver")
	module=$(readlink -f "$driver/module" 2>/dev/null)
	echo "${dev#/sys/bus/} ${driver##*/} ${module:+module }${module##*/}"
done > "$out/drivers"
cp /run/tmpfiles.d/static-nodes.conf "$out/static-nodes.conf" 2>/dev/null
for param in brd/parameters/rd_nr brd/parameters/rd_size snd_hda_intel/parameters/power_save; do
	printf '%s %s\n' "$param" "$(cat "/sys/module/$param" 2>/dev/null || echo missing)"
done > "$out/parameters"
# which tools and library this system runs
{
	readlink -f /sbin/modprobe
	/sbin/modprobe --version | head -n 1
	dpkg-query -W -f='${Package} ${Version} ${Status}\n' kmod libkmod2 modtool-kmod \
		libkmod2-modtool 2>/dev/null
} > "$out/tools"
# the libkmod.so.2 that udev (and every other process) has mapped
grep -h 'libkmod\.so' /proc/[0-9]*/maps 2>/dev/null | awk '{print $6}' | sort -u > "$out/libkmod-mapped"
# a load and a removal by the modprobe of this system
{
	/sbin/modprobe -v vfat && grep -q '^vfat ' /proc/modules && echo "modprobe vfat: loaded"
	/sbin/modprobe -r -v vfat && ! grep -q '^vfat ' /proc/modules && echo "modprobe -r vfat: removed"
} > "$out/modprobe" 2>&1
systemd-analyze blame > "$out/analyze-blame" 2>&1
journalctl -b -o short-monotonic --no-pager > "$out/journal" 2>&1
journalctl -b -p warning -o cat --no-pager > "$out/journal-warnings" 2>&1
echo done > "$out/complete"
exec >/dev/null 2>&1
tar -C /run -cf /dev/vdb report
sync
systemctl poweroff --no-block
