#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run as init by tests/vm/monitor.sh: `modtool monitor --json` in the
# background while modules are loaded, fail to load, are removed and
# force-removed, written to their uevent file by hand, requested by the
# kernel itself (a filesystem type), loaded and removed 100 times in a burst,
# and refused by the load policy; then SIGINT.  The audit trail goes to a
# stand-in for journald on the journal's native socket, and at the end,
# with no journal, to busybox's syslogd.  Everything is reported on the
# second serial port for the host to check.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/journal /mnt /etc/modtool/policy.d
echo "audit = all" > /etc/modtool/audit.conf
out=/dev/ttyS1

# the kernel's own requests at boot (6.12: crypto) settle first
prev= same=0
while [ $same -lt 3 ]; do
	cur=$(cat /proc/modules | cut -d' ' -f1 | sort | tr '\n' ' ')
	[ "$cur" = "$prev" ] && same=$((same + 1)) || same=0
	prev=$cur
	sleep 1
done

/ours/journal-listener /run/systemd/journal/socket > /tmp/journal.txt 2>&1 &
journal=$!
/ours/modtool monitor --json > /tmp/monitor.json 2> /tmp/monitor.err &
monitor=$!
# ready when an event written by hand comes back
for i in $(seq 1 50); do
	echo change > /sys/module/printk/uevent
	grep -q printk /tmp/monitor.json 2> /dev/null && break
	sleep 0.2
done
grep -q printk /tmp/monitor.json || echo "@@error monitor not ready" > $out
echo mark > /tmp/ready
sleep 0.5

step() {
	echo "@@step $*" > /dev/kmsg
	"$@" > /tmp/out 2>&1
	echo "@@step $* rc=$?" >> /tmp/steps
}
dummy=$(find /lib/modules -name 'dummy.ko*')
step /ours/modprobe dummy
echo add > /sys/module/dummy/uevent
step /ours/modprobe crc32c-intel
step /ours/rmmod dummy
step /ours/modprobe brd
step /ours/rmmod -f brd
# the kernel asks for fs-vfat itself (its modprobe is ours: /sbin/modprobe)
mount -t vfat /dev/null /mnt 2> /dev/null
step /ours/modprobe -r vfat
i=0
while [ $i -lt 100 ]; do
	/ours/insmod "$dummy" && /ours/rmmod dummy || echo "@@error burst $i" > $out
	i=$((i + 1))
done
echo "enforce forbid vfat" > /etc/modtool/policy.d/10-vm.conf
step /ours/modprobe vfat
rm /etc/modtool/policy.d/10-vm.conf

# no journal: syslog
kill $journal
rm -f /run/systemd/journal/socket
syslogd -n -O /tmp/syslog.txt &
syslog=$!
sleep 1
step /ours/modprobe dummy
step /ours/rmmod dummy
sleep 1
kill $syslog

# the monitor's last events out, then SIGINT
sleep 2
kill -INT $monitor
wait $monitor
echo "@@monitor-exit $?" > $out
{
	cat /tmp/steps
	sed 's/^/@@mon /' /tmp/monitor.json
	sed 's/^/@@monerr /' /tmp/monitor.err
	sed 's/^/@@journal /' /tmp/journal.txt
	sed 's/^/@@syslog /' /tmp/syslog.txt
	echo "@@kernel $(uname -r)"
	echo "@@end"
} > $out 2>&1
sync
poweroff -f
