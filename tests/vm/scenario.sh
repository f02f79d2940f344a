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
# Under software emulation a fork costs: the helpers below use the shell's
# builtins and read /proc/modules (newest module first) once.
BASELIST=" $(cut -d' ' -f1 /proc/modules | tr '\n' ' ') "

# the file of module $1 in the tree, from modules.dep
modfile() {
	f=$(grep -E "(^|/)$1\.ko(\.[a-z]+)?:" $M/modules.dep | head -n 1 | cut -d: -f1)
	echo "$M/$f"
}

# sort_words WORD...: the words in byte order, in $sorted
sort_words() {
	sorted=""
	for w in "$@"; do
		rest=$sorted sorted=""
		for x in $rest; do
			if [ -n "$w" ] && [ "$w" \< "$x" ]; then
				sorted="$sorted $w" w=""
			fi
			sorted="$sorted $x"
		done
		[ -n "$w" ] && sorted="$sorted $w"
	done
	sorted=${sorted# }
}

# The modules loaded beyond those of the boot: "S:NAME REFCOUNT HOLDERS...",
# by name (what /sys/module/NAME/refcnt and holders/ say, as /proc/modules).
state() {
	read -r up idle < /proc/uptime
	echo "@@time $up"
	echo "@@state"
	while read -r m size ref users rest; do
		case $BASELIST in *" $m "*) continue ;; esac
		[ "$users" = - ] && users=""
		sort_words ${users//,/ }
		echo "S:$m $ref $sorted"
	done < /proc/modules | sort
}

# print_prefixed PREFIX FILE
print_prefixed() {
	while IFS= read -r l || [ -n "$l" ]; do
		printf '%s%s\n' "$1" "$l"
	done < "$2"
}

# run SECTION/NAME EXPECTED_RC COMMAND...
run() {
	name=$1 want=$2
	shift 2
	echo "@@step $name $want"
	cmd=$*
	while :; do
		case $cmd in
		*"$T/"*) cmd="${cmd%%"$T/"*}${cmd#*"$T/"}" ;;
		*) break ;;
		esac
	done
	echo "@@cmd $cmd"
	"$@" > /tmp/out 2> /tmp/err
	rc=$?
	print_prefixed O: /tmp/out
	print_prefixed E: /tmp/err
	echo "@@rc $rc"
	state
}

# Between independent sections: unload whatever the last one left (with
# kmod's rmmod in both runs, not compared), so a difference does not cascade.
reset() {
	for pass in 1 2 3 4 5; do
		left=""
		while read -r m rest; do
			case $BASELIST in *" $m "*) ;; *) left="$left $m" ;; esac
		done < /proc/modules
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

# Start each argument as a command at once, as udev does; then print what
# each said and its status, in argument order.  Fails if any command failed.
concurrently() {
	n=0
	for c in "$@"; do
		n=$((n + 1))
		( $c > /tmp/conc.$n 2>&1; echo "rc=$?" >> /tmp/conc.$n ) &
	done
	collect $n
}

collect() {
	wait
	status=0 i=0
	while [ $i -lt $1 ]; do
		i=$((i + 1))
		echo "[$i]"
		cat /tmp/conc.$i
		grep -qx rc=0 /tmp/conc.$i || status=1
	done
	rm -f /tmp/conc.*
	return $status
}

# udev at boot: one "modprobe -b -q MODALIAS" per device, all at once
udev_coldplug() {
	modaliases > /tmp/aliases
	n=0
	while read -r a; do
		n=$((n + 1))
		( echo "$a"; $T/modprobe -b -q "$a" 2>&1; echo "rc=$?" ) > /tmp/conc.$n &
	done < /tmp/aliases
	collect $n
}

# every device's modalias, one a line
modaliases() {
	find /sys/devices -name modalias -exec cat {} + | sort -u
}

# the machine's devices are those tests/vm/modaliases lists (its modules are
# in the tree): print those it does not, and fail if there are any
known_modaliases() {
	modaliases | grep -vxF -f /etc/vmtest-modaliases > /tmp/unknown
	print_prefixed "not in tests/vm/modaliases: " /tmp/unknown
	[ ! -s /tmp/unknown ]
}

echo "@@kernel $KVER"
echo "@@compression $(cat /sys/module/compression 2>/dev/null || echo none)"
echo "@@tools $T"
echo "" > /proc/sys/kernel/modprobe	# no kernel-requested loads until asked for

# ---- what the kernel asked for by itself while booting (/sbin/modprobe) ----
run boot/kernel-requests 0 sh -c "cut -d' ' -f1 /proc/modules | sort"

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
run modprobe/race 0 concurrently "$T/modprobe bridge" "$T/modprobe bridge"
run modprobe/remove-several 0 $T/modprobe -r bridge brd dummy
run modprobe/remove-not-loaded 0 $T/modprobe -r dummy

# ---- the index: our depmod made the tree's in our run, kmod's in kmod's ----
# (modules.weakdep: ours writes it as newer kmods do, kmod 30 does not)
run index/files 0 sh -c "cd $M && md5sum \$(ls | grep '^modules\.' | grep -vx modules.weakdep)"
run index/modinfo 0 $T/modinfo -F depends bridge

# ---- modprobe.d directives and the kernel command line ------------------
# (run-vm.sh boots with brd.rd_nr=4 loop.max_part=5 loop.max_loop=3
#  modprobe.blacklist=macvlan; vmtest.conf has the directives)
reset
run config/insmod-no-cmdline 0 $T/insmod "$(modfile brd)"
run config/insmod-params 0 show_params brd/parameters/rd_nr brd/parameters/rd_size
run config/insmod-remove 0 $T/rmmod brd
run config/options-dry-run 0 $T/modprobe -n -v brd rd_size=8192
run config/options 0 $T/modprobe brd
run config/options-sysfs 0 show_params brd/parameters/rd_nr brd/parameters/rd_size \
	brd/parameters/max_part
run config/options-remove 0 $T/modprobe -r brd
run config/options-args 0 $T/modprobe brd rd_size=8192 rd_nr=1
run config/options-args-sysfs 0 show_params brd/parameters/rd_nr brd/parameters/rd_size
run config/options-args-remove 0 $T/modprobe -r brd
run config/cmdline-vs-conf-dry-run 0 $T/modprobe -n -v loop
run config/cmdline-vs-conf 0 $T/modprobe loop
run config/cmdline-vs-conf-sysfs 0 show_params loop/parameters/max_part \
	loop/parameters/max_loop
run config/cmdline-vs-conf-remove 0 $T/modprobe -r loop
run config/alias-options 0 $T/modprobe -n -v vmtest-brd
# a blacklisted module's aliases load nothing, with -b or without, and
# successfully; its name still loads it
run config/blacklist-alias 0 $T/modprobe vmtest-blacklisted
run config/blacklist-use 0 $T/modprobe -b vmtest-blacklisted
run config/blacklist-cmdline 0 $T/modprobe -b vmtest-cmdbl
run config/blacklist-cmdline-no-b 0 $T/modprobe vmtest-cmdbl
run config/blacklist-by-name 0 $T/modprobe veth
reset
run config/install-dry-run 0 $T/modprobe -n -v nlmon opt=1
run config/install 0 $T/modprobe nlmon opt=1 other=2
run config/install-again 0 $T/modprobe nlmon
run config/remove-dry-run 0 $T/modprobe -r -n -v nlmon
run config/remove 0 $T/modprobe -r nlmon
run config/ignore-install 0 $T/modprobe -i nlmon
run config/ignore-remove 0 $T/modprobe -r -i nlmon
run config/install-fails 1 $T/modprobe vmtest-fail
run config/install-fails-quiet 1 $T/modprobe -q vmtest-fail
run config/softdep-dry-run 0 $T/modprobe -n -v ifb
run config/softdep 0 $T/modprobe ifb
run config/softdep-remove-dry-run 0 $T/modprobe -r -n -v ifb
run config/softdep-remove 0 $T/modprobe -r ifb
run config/softdep-show 0 $T/modprobe -D ifb
run config/resolve-alias 0 $T/modprobe -R vmtest-alias

# ---- --first-time, -a, -n, builtin modules ---------------------------------
reset
run first/remove-not-loaded 1 $T/modprobe -r --first-time dummy
run first/load 0 $T/modprobe --first-time dummy
run first/load-again 1 $T/modprobe --first-time dummy
run first/remove 0 $T/modprobe -r --first-time dummy
run first/builtin 1 $T/modprobe --first-time ipv6
run all/load 0 $T/modprobe -a dummy brd veth
run all/without-a 0 $T/modprobe nlmon dummy
run all/remove 0 $T/modprobe -r -a dummy brd veth
run all/missing 1 $T/modprobe -a dummy no_such_module brd
run all/missing-quiet 1 $T/modprobe -a -q no_such_module brd
run all/none 1 $T/modprobe -a
run all/remove-missing 1 $T/modprobe -r -a dummy no_such_module brd
reset
run dry/load 0 $T/modprobe -n -v 8021q
run dry/load-nothing 0 cut -d' ' -f1 /proc/modules
run dry/quiet 0 $T/modprobe -n 8021q
run dry/all 0 $T/modprobe -n -v -a dummy bridge
run dry/loaded 0 $T/modprobe bridge
run dry/loaded-again 0 $T/modprobe -n -v bridge
run dry/remove 0 $T/modprobe -r -n -v bridge
run dry/remove-nothing 0 $T/modprobe -r bridge
run builtin/load 0 $T/modprobe ipv6
run builtin/load-verbose 0 $T/modprobe -v af_packet
run builtin/dry-run 0 $T/modprobe -n -v ipv6
run builtin/show-depends 0 $T/modprobe -D ipv6
run builtin/all 0 $T/modprobe -a ipv6 dummy
run builtin/remove 1 $T/modprobe -r ipv6
run builtin/remove-quiet 1 $T/modprobe -r -q ipv6
run builtin/rmmod 1 $T/rmmod ipv6

# ---- removal: dependencies, holders, waiting -------------------------------
reset
run remove/load-both 0 $T/modprobe -a bridge 8021q
run remove/shared-deps 0 $T/modprobe -r -v 8021q
run remove/in-use 1 $T/modprobe -r llc
run remove/holders 1 $T/modprobe -r -v --remove-holders stp
run remove/holders-reload 0 $T/modprobe bridge
# only the direct holders go: bridge holds stp, which holds llc
run remove/holders-not-deeper 1 $T/modprobe -r --remove-holders llc
run remove/all-in-use 1 $T/modprobe -r -a llc stp
run remove/cleanup 0 $T/modprobe -r bridge
reset
run wait/load 0 $T/modprobe brd
sleep 3 < /dev/ram0 &
holder=$!
sleep 1
run wait/busy 1 $T/modprobe -r brd
run wait/until-unused 0 $T/modprobe -r -w 30000 brd
wait $holder
run wait/load-again 0 $T/modprobe brd
sleep 6 < /dev/ram0 &
holder=$!
sleep 1
# kmod 30 has been seen to wait here for minutes instead of 0.5 s (under load):
# bound it, so that a hang costs this step only and not the rest of the run
run wait/timeout 0 timeout 30 $T/modprobe -r -w 500 brd
kill $holder
wait $holder 2>/dev/null
run wait/after-timeout 0 $T/modprobe -r -w 5000 brd

# ---- races: loads of one module, and of modules sharing dependencies -------
for round in 1 2; do
	reset
	run race/same-$round 0 concurrently "$T/modprobe bridge" "$T/modprobe bridge" \
		"$T/modprobe bridge" "$T/modprobe bridge"
	reset
	run race/shared-$round 0 concurrently "$T/modprobe 8021q" "$T/modprobe bridge" \
		"$T/modprobe garp" "$T/modprobe stp" "$T/modprobe -a mrp llc"
done

# ---- inits that fail on this CPU (qemu64: no SSE4.2, PCLMUL, AES-NI) ------
# a soft dependency's failure is passed over (libcrc32c's softdep pre: crc32c
# names crc32c-intel, which fails, and crc32c_generic); an alias's candidates
# are each tried, the status the last one's
reset
run cpu/softdep-fails 0 $T/modprobe -v nft_chain_nat
reset
run cpu/alias-first-fails 0 $T/modprobe -v crypto-ghash
reset
run cpu/alias-first-fails-quiet 0 $T/modprobe -q -- crypto-crc32c
reset
run cpu/dependency-of-failing 1 $T/modprobe -v ghash-clmulni-intel
run cpu/target-fails-all 1 $T/modprobe -a crc32c-intel dummy

# ---- the kernel asks for modules by itself: a filesystem, a netdev type ----
reset
echo /sbin/modprobe > /proc/sys/kernel/modprobe
run kreq/filesystem 0 sh -c 'mount -t vfat none /mnt 2>/dev/null; grep -q "^vfat " /proc/modules'
run kreq/netdev 0 sh -c 'ip link add vmt0 type dummy && ip link del vmt0'
echo "" > /proc/sys/kernel/modprobe
run kreq/cleanup 0 $T/modprobe -r vfat dummy

# ---- coldplug: every device's modalias, as udev would at boot -------------
reset
run coldplug/known-devices 0 known_modaliases
run coldplug/all 1 $T/modprobe -a -q $(modaliases)
run coldplug/lsmod 0 $T/lsmod
reset
run coldplug/udev-style 1 udev_coldplug
echo "@@end"
