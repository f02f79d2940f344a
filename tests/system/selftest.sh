#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The system test's checks can fail: check_variant and compare_variants
# (lib.sh) on a made-up pair of guest reports, first as a good boot gives
# them (every check passes), then with one thing broken at a time in our
# variant (a driver not loaded, an option not applied, a unit failed, a
# module more or less than kmod's boot, another active unit, a new journal
# warning about a module, no report at all): each must fail that check and
# only that one.  No root, no qemu: runs in the default suite.
#
# Usage: selftest.sh SOURCE_DIR BUILD_DIR
set -eu
src=$(cd "$1" && pwd)
work=$(cd "$2" && pwd)/system-selftest
cache=
. "$src/tests/system/lib.sh"
rm -rf "$work"
mkdir -p "$work"

# A report as report.sh writes it after a good boot.
good_report() {
	r=$1
	mkdir -p "$r"
	echo done > "$r/complete"
	printf '%s\n' brd e1000 snd_hda_intel usbhid virtio_rng xhci_pci > "$r/lsmod"
	printf '%s\n' 'brd/parameters/rd_nr 2' 'brd/parameters/rd_size 4096' \
		'snd_hda_intel/parameters/power_save 7' > "$r/parameters"
	for unit in kmod-static-nodes systemd-modules-load; do
		printf 'ActiveState=active\nResult=success\nExecMainStatus=0\n' > "$r/unit-$unit"
	done
	: > "$r/failed-units"
	printf 'modprobe vfat: loaded\nmodprobe -r vfat: removed\n' > "$r/modprobe"
	printf '%s\n' dev-diskseq-3.device kmod-static-nodes.service systemd-modules-load.service \
		> "$r/active-units"
	echo 'Bluetooth: hci0: firmware 12 not found' > "$r/journal-warnings"
}

# run_checks: the failures check_variant and compare_variants count on the
# pair kmod/ours (the output kept in $work/last.log).
run_checks() {
	failed=0
	{
		check_variant "$work/kmod" kmod && check_variant "$work/ours" ours &&
			compare_variants selftest "$work/kmod" "$work/ours"
	} > "$work/last.log" 2>&1 || true
	echo "$failed"
}

total=0 wrong=0
# expect WHAT FAILURES PATTERN: the checks found FAILURES failures, one of
# them matching PATTERN.
expect() {
	what=$1 want=$2 pattern=$3
	total=$((total + 1))
	got=$(run_checks)
	if [ "$got" = "$want" ] && { [ -z "$pattern" ] || grep -q "^FAIL: .*$pattern" "$work/last.log"; }; then
		echo "ok: $what ($got failed)"
	else
		wrong=$((wrong + 1))
		echo "WRONG: $what: $got failed, want $want matching '$pattern'"
		sed 's/^/    /' "$work/last.log"
	fi
}

# break_ours WHAT FAILURES PATTERN SHELL-CODE: a good pair, the code run in
# our report's folder, then expect.
break_ours() {
	rm -rf "$work/kmod" "$work/ours"
	good_report "$work/kmod"
	good_report "$work/ours"
	(cd "$work/ours" && eval "$4")
	expect "$1" "$2" "$3"
}

break_ours "a good boot in both" 0 "" ":"
break_ours "diskseq numbers differ (not the system's doing)" 0 "" \
	"sed -i s/diskseq-3/diskseq-9/ active-units"
break_ours "a driver not loaded" 2 "not loaded: e1000" \
	"sed -i /^e1000\$/d lsmod"
break_ours "an option of modprobe.d not applied" 1 "module parameters" \
	"sed -i 's/rd_nr 2/rd_nr 16/' parameters"
break_ours "kmod-static-nodes failed" 1 "kmod-static-nodes.service" \
	"printf 'ActiveState=failed\nResult=exit-code\n' > unit-kmod-static-nodes"
break_ours "a unit failed" 1 "failed units: systemd-udevd.service" \
	"echo systemd-udevd.service > failed-units"
break_ours "modprobe -r did not remove" 1 "modprobe:" \
	"echo 'modprobe vfat: loaded' > modprobe"
break_ours "a module more than kmod's boot" 1 "modules loaded differ" \
	"echo zram >> lsmod"
break_ours "another active unit" 1 "active units differ" \
	"echo modprobe@drm.service >> active-units"
break_ours "a new journal warning about a module" 1 "journal warnings only with ours" \
	"echo 'systemd-modules-load[210]: Failed to insert module brd: Invalid argument' >> journal-warnings"
break_ours "a warning kmod's boot has too, other numbers" 0 "" \
	"echo 'Bluetooth: hci0: firmware 13 not found' > journal-warnings"
break_ours "no report" 1 "no report" \
	"rm complete"

echo "$((total - wrong)) of $total cases as expected"
[ "$wrong" = 0 ]
