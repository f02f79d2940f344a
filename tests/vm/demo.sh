#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run in the guest by run-vm.sh --demo: our tools loading, listing and
# removing real modules of a Debian kernel, as a short transcript.
M=/lib/modules/$(uname -r)

# show COMMAND...: print it as typed, then run it (our tool of that name)
show() {
	echo "\$ $*"
	tool=$1
	shift
	/ours/$tool "$@" 2>&1
}

echo "== Debian's $(uname -r) kernel under qemu, with our tools"
echo "== modtool monitor in the background records each load and removal as the kernel announces it"
echo "\$ modtool monitor > /tmp/events &"
/ours/modtool monitor > /tmp/events 2>&1 &
monitor=$!
sleep 1
show modprobe -v vfat
show lsmod
show modprobe -r -v vfat
show insmod "$M/$(grep -o '^[^:]*/dummy\.ko[^:]*' $M/modules.dep)" numdummies=2
echo "\$ ls /sys/class/net"
ls /sys/class/net | tr '\n' ' '
echo
show rmmod dummy
sleep 1
kill -INT $monitor
wait $monitor
echo "\$ kill -INT \$monitor; cat /tmp/events     # (exit status $?)"
cat /tmp/events
show lsmod
show modprobe no_such_module
echo "== a load policy: vfat forbidden, also when the kernel asks for it (mount -t vfat)"
mkdir -p /etc/modtool/policy.d
echo "enforce forbid vfat" > /etc/modtool/policy.d/50-demo.conf
echo "\$ cat /etc/modtool/policy.d/50-demo.conf"
cat /etc/modtool/policy.d/50-demo.conf
show modprobe vfat
echo "\$ mount -t vfat /dev/null /mnt; dmesg | grep modtool"
mount -t vfat /dev/null /mnt 2>&1
dmesg | grep 'modtool\[' | sed 's/^\[[^]]*\] //'
rm /etc/modtool/policy.d/50-demo.conf
echo "== the kernel's state, decoded"
show modtool status
echo "== done"
