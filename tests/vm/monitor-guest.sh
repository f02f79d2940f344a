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
# wait_ready FILE: until a "change" written by hand to printk's uevent file
# comes back in a monitor's output FILE
wait_ready() {
	for i in $(seq 1 50); do
		echo change > /sys/module/printk/uevent
		grep -q printk "$1" 2> /dev/null && return 0
		sleep 0.2
	done
	echo "@@error monitor not ready: $1" > $out
}
# JSON, and a command per event (a shell only because the command is one)
/ours/modtool monitor --json --exec 'sh -c "echo $MODTOOL_SEQNUM $MODTOOL_ACTION $MODTOOL_MODULE $MODTOOL_WRITTEN_BY_HAND $MODTOOL_SHA256 >> /tmp/exec.txt"' \
	> /tmp/monitor.json 2> /tmp/monitor.err &
monitor=$!
# text, for people; and a command that no shell sees: its words as written
/ours/modtool monitor --exec 'echo no-shell $MODTOOL_MODULE "a  b"' > /tmp/text.txt 2> /tmp/text.err &
text=$!
wait_ready /tmp/monitor.json
wait_ready /tmp/text.txt
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

# the default mode: a user's load is not recorded, the kernel's request is
echo "audit = kernel" > /etc/modtool/audit.conf
step /ours/modprobe dummy
mount -t vfat /dev/null /mnt 2> /dev/null
step /ours/modprobe -r vfat
step /ours/rmmod dummy
echo "audit = all" > /etc/modtool/audit.conf

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

# a second monitor with a small buffer, stopped while 30 cycles and a load
# happen: the kernel drops what does not fit, and says so; the monitor
# reports an overrun and what /proc/modules shows changed meanwhile
/ours/modtool monitor --json --buffer-size=2048 > /tmp/overrun.json 2> /tmp/overrun.err &
small=$!
wait_ready /tmp/overrun.json
kill -STOP $small
i=0
while [ $i -lt 30 ]; do
	/ours/insmod "$dummy" && /ours/rmmod dummy || echo "@@error overrun burst $i" > $out
	i=$((i + 1))
done
/ours/modprobe brd
kill -CONT $small
sleep 2
kill -INT $small
wait $small
echo "@@overrun-exit $?" > $out
/ours/rmmod brd

# the monitors' last events out (and --exec's commands run), then SIGINT
sleep 2
for i in $(seq 1 120); do
	[ "$(wc -l < /tmp/exec.txt)" -ge "$(wc -l < /tmp/monitor.json)" ] && break
	sleep 0.5
done
kill -INT $monitor
kill -TERM $text
wait $monitor
echo "@@monitor-exit $?" > $out
wait $text
echo "@@text-exit $?" > $out
{
	cat /tmp/steps
	sed 's/^/@@mon /' /tmp/monitor.json
	sed 's/^/@@monerr /' /tmp/monitor.err /tmp/overrun.err /tmp/text.err
	sed 's/^/@@exec /' /tmp/exec.txt
	sed 's/^/@@text /' /tmp/text.txt
	sed 's/^/@@overrun /' /tmp/overrun.json
	sed 's/^/@@journal /' /tmp/journal.txt
	sed 's/^/@@syslog /' /tmp/syslog.txt
	echo "@@kernel $(uname -r)"
	echo "@@end"
} > $out 2>&1
sync
poweroff -f
