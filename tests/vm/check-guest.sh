#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run as init by tests/vm/check.sh: modtool check's predictions, then the
# kernel's answers.  /data/check/cases lists the cases, one a line:
#   PHASE CASE MODULE COMMAND...
# In each phase modtool check (the running kernel: /boot/vmlinuz-RELEASE,
# /sys, /proc) judges every case's module first, as JSON; then each
# COMMAND is run and the kernel's taint before and after, the module's own
# taint and a removal's status are reported.  A case named "setup" is no
# case: its COMMAND runs before the phase's check.  Phase 2 runs locked
# down (integrity), phase 3 also with sig_enforce switched on: both can be
# turned on, never off, at run time.
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t securityfs securityfs /sys/kernel/security
C=/data/check

insmod() { /ours/insmod "$@"; }
modprobe() { /ours/modprobe "$@"; }

# phase N: the check of all its cases' targets, then each case
phase() {
	grep "^$1 setup " $C/cases | while read -r _ _ _ cmd target rest; do
		$cmd $target $rest > /dev/null 2>&1
	done
	targets=$(grep "^$1 " $C/cases | grep -v "^$1 setup " | cut -d' ' -f5 | tr '\n' ' ')
	echo "@@check $1"
	/ours/modtool check --json $targets > /tmp/check.json 2> /tmp/check.err
	echo "@@check-rc $?"
	cat /tmp/check.json
	sed 's/^/@@check-err /' /tmp/check.err
	grep "^$1 " $C/cases | grep -v "^$1 setup " | while read -r _ name mod cmd target rest; do
		t0=$(cat /proc/sys/kernel/tainted)
		$cmd $target $rest > /tmp/out 2> /tmp/err
		rc=$?
		t1=$(cat /proc/sys/kernel/tainted)
		mt=-
		[ -e /sys/module/$mod/taint ] && mt=$(cat /sys/module/$mod/taint)
		grep -q "^$mod " /proc/modules && loaded=1 || loaded=0
		echo "@@case $name rc=$rc loaded=$loaded t0=$t0 t1=$t1 modtaint=[$mt]"
		sed 's/^/@@err /' /tmp/err
		if [ $loaded = 1 ]; then
			/ours/rmmod $mod 2> /tmp/err
			echo "@@rmmod $name rc=$?"
			sed 's/^/@@err /' /tmp/err
			# what it pulled in (vfat: fat)
			/ours/modprobe -r $mod 2> /dev/null
		fi
	done
}

{
	echo "@@kernel $(uname -r)"
	phase 1
	echo integrity > /sys/kernel/security/lockdown
	echo "@@lockdown $(cat /sys/kernel/security/lockdown)"
	phase 2
	echo 1 > /sys/module/module/parameters/sig_enforce
	echo "@@sig_enforce $(cat /sys/module/module/parameters/sig_enforce)"
	phase 3
	echo "@@end"
} > /dev/ttyS1 2>&1
sync
poweroff -f
