#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The scenario run inside the guest, once with kmod's tools and once with ours:
#   scenario.sh TOOLDIR
# Each step prints "@@step SECTION/NAME EXPECTED_RC", its command, stdout (O:),
# stderr (E:), "@@rc N" and the modules it leaves loaded beyond those of the
# boot (S: name refcount holders).  The host compares the two runs.
# Tools are called by full path: busybox's shell would run its own applets.
T=$1
KVER=$(uname -r)
M=/lib/modules/$KVER
BASE=/tmp/baseline
cut -d' ' -f1 /proc/modules | sort > $BASE

# the file of module $1 in the tree, from modules.dep
modfile() {
	f=$(grep -E "(^|/)$1\.ko(\.[a-z]+)?:" $M/modules.dep | head -n 1 | cut -d: -f1)
	echo "$M/$f"
}

state() {
	echo "@@state"
	cut -d' ' -f1 /proc/modules | sort | while read -r m; do
		grep -qx "$m" $BASE && continue
		h=$(ls /sys/module/$m/holders 2>/dev/null | sort | tr '\n' ' ')
		echo "S:$m $(cat /sys/module/$m/refcnt 2>/dev/null) $h"
	done
}

# run SECTION/NAME EXPECTED_RC COMMAND...
run() {
	name=$1 want=$2
	shift 2
	echo "@@step $name $want"
	echo "@@cmd $*" | sed "s#$T/##g"
	"$@" > /tmp/out 2> /tmp/err
	rc=$?
	sed 's/^/O:/' /tmp/out
	sed 's/^/E:/' /tmp/err
	echo "@@rc $rc"
	state
}

# Between independent sections: unload whatever the last one left (with
# kmod's rmmod in both runs, not compared), so a difference does not cascade.
reset() {
	for pass in 1 2 3 4 5; do
		left=$(cut -d' ' -f1 /proc/modules | sort | while read -r m; do
			grep -qx "$m" $BASE || echo "$m"; done)
		[ -z "$left" ] && return
		for m in $left; do
			/kmod/rmmod "$m" > /dev/null 2>&1
		done
	done
	echo "@@reset-failed $left"
}

skip() {
	echo "@@step $1 -"
	echo "@@skip $2"
}

show_params() {
	for p in "$@"; do
		echo "$p=$(cat /sys/module/$p 2>&1)"
	done
}

echo "@@kernel $KVER"
echo "@@compression $(cat /sys/module/compression 2>/dev/null || echo none)"
echo "@@tools $T"
echo "" > /proc/sys/kernel/modprobe	# no kernel-requested loads until asked for

# ---- loading, with dependencies in order --------------------------------
run load/unknown-symbol 1 $T/insmod "$(modfile stp)"
run load/llc 0 $T/insmod "$(modfile llc)"
run load/stp 0 $T/insmod "$(modfile stp)"
run load/bridge 0 $T/insmod "$(modfile bridge)"
run load/already-loaded 1 $T/insmod "$(modfile llc)"
run load/missing-file 1 $T/insmod /nonexistent/missing.ko
run load/not-elf 1 $T/insmod /data/notamodule.ko
run load/no-filename 1 $T/insmod
run load/stdin 1 $T/insmod -

# ---- parameters -----------------------------------------------------------
run params/invalid 1 $T/insmod "$(modfile brd)" rd_nr=abc
run params/load 0 $T/insmod "$(modfile brd)" rd_nr=3 rd_size=1024 no_such_param=1
run params/sysfs 0 show_params brd/parameters/rd_nr brd/parameters/rd_size

# ---- init failures --------------------------------------------------------
run errors/init-enodev 1 $T/insmod "$(modfile crc32c-intel)"

# ---- lsmod ----------------------------------------------------------------
run lsmod/list 0 $T/lsmod
run lsmod/usage 1 $T/lsmod extra

# ---- removal --------------------------------------------------------------
run rmmod/in-use-holders 1 $T/rmmod llc
sleep 60 < /dev/ram0 &
holder=$!
sleep 1
run rmmod/in-use-refcount 1 $T/rmmod brd
kill $holder
wait $holder 2>/dev/null
run rmmod/not-loaded 1 $T/rmmod not_loaded_mod
run rmmod/dash-name 1 $T/rmmod not-loaded-mod
run rmmod/builtin 1 $T/rmmod sha256_generic
run rmmod/force-not-loaded 1 $T/rmmod -f not_loaded_mod
run rmmod/no-name 1 $T/rmmod
run rmmod/several 0 $T/rmmod bridge stp llc
run rmmod/brd 0 $T/rmmod brd
run rmmod/by-path-load 0 $T/insmod "$(modfile dummy)"
run rmmod/by-path 0 $T/rmmod "$(modfile dummy)"
run lsmod/empty 0 $T/lsmod

# ---- the other compression, forced loads ------------------------------------
reset
run format/other-load 0 $T/insmod /data/other/dummy.ko*
run format/other-remove 0 $T/rmmod dummy
run force/load 0 $T/insmod -f "$(modfile dummy)"
run force/taint 0 cat /sys/module/dummy/taint
run force/remove 0 $T/rmmod dummy
run force/other-load 0 $T/insmod -f /data/other/dummy.ko*
run force/other-taint 0 cat /sys/module/dummy/taint
run force/other-remove 0 $T/rmmod dummy

# ---- modprobe -------------------------------------------------------------
reset
if [ -x $T/modprobe ]; then
	run modprobe/deps 0 $T/modprobe 8021q
	run modprobe/remove-deps 0 $T/modprobe -r 8021q
	run modprobe/params 0 $T/modprobe brd rd_nr=2
	run modprobe/params-sysfs 0 show_params brd/parameters/rd_nr brd/parameters/rd_size
	run modprobe/first-time 1 $T/modprobe --first-time brd
	run modprobe/already-loaded 0 $T/modprobe brd
	run modprobe/config-alias 0 $T/modprobe vmtest-alias
	run modprobe/blacklisted-alias 0 $T/modprobe vmtest-blacklisted
	run modprobe/install-command 0 $T/modprobe vmtest-install x=1
	run modprobe/missing 1 $T/modprobe no_such_module
	run modprobe/quiet-missing 1 $T/modprobe -q no_such_module
	run modprobe/init-enodev 1 $T/modprobe crc32c-intel
	run modprobe/dry-run 0 $T/modprobe -n -v bridge
	( $T/modprobe bridge > /tmp/race1 2>&1; echo "rc=$?" >> /tmp/race1 ) &
	r1=$!
	( $T/modprobe bridge > /tmp/race2 2>&1; echo "rc=$?" >> /tmp/race2 ) &
	r2=$!
	wait $r1 $r2
	run modprobe/race 0 cat /tmp/race1 /tmp/race2
	run modprobe/remove-several 0 $T/modprobe -r bridge brd dummy
	run modprobe/remove-not-loaded 0 $T/modprobe -r dummy

	# the kernel asks for modules by itself: a filesystem, a netdev type
	reset
	echo /sbin/modprobe > /proc/sys/kernel/modprobe
	run kreq/filesystem 0 sh -c 'mount -t vfat none /mnt 2>/dev/null; grep -q "^vfat " /proc/modules'
	run kreq/netdev 0 sh -c 'ip link add vmt0 type dummy && ip link del vmt0'
	echo "" > /proc/sys/kernel/modprobe
	run kreq/cleanup 0 $T/modprobe -r vfat dummy
else
	for s in deps remove-deps params params-sysfs first-time already-loaded config-alias \
		 blacklisted-alias install-command missing quiet-missing init-enodev dry-run \
		 race remove-several remove-not-loaded; do
		skip modprobe/$s "no modprobe in $T"
	done
	for s in filesystem netdev cleanup; do
		skip kreq/$s "no modprobe in $T"
	done
fi
echo "@@end"
