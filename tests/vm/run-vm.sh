#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot Debian 12's kernels (6.1: plain .ko; 6.12: .ko.xz decompressed by the
# kernel) under qemu with a busybox initramfs, run the same scenario once with
# Debian's kmod and once with our tools, and compare the results.
#
# Usage: run-vm.sh SOURCE_DIR BUILD_DIR          the test (both kernels)
#        run-vm.sh --demo SOURCE_DIR BUILD_DIR   a short transcript of our tools
#                                                at work in the 6.12 kernel
#        run-vm.sh --modaliases SOURCE_DIR BUILD_DIR
#                  rewrite tests/vm/modaliases: the devices of the machine
# Logs (serial consoles, results) are kept in BUILD_DIR/vm-logs (vm-demo, vm-modaliases).
# Exit 77 (skipped) when qemu or busybox is not installed.
set -eu

mode=test
case ${1:-} in
--demo) mode=demo; shift ;;
--modaliases) mode=modaliases; shift ;;
esac
src=$1 build=$2
here=$src/tests/vm
logs=$build/vm-logs
[ $mode = test ] || logs=$build/vm-$mode

for need in qemu-system-x86_64 busybox python3; do
	if ! command -v $need > /dev/null; then
		echo "vm: $need not installed (scripts/install-deps.sh installs it): skipped"
		exit 77
	fi
done
[ -x "$build/tools/insmod" ] || { echo "vm: no tools in $build" >&2; exit 1; }
trees=$("$src/tests/fetch-trees.sh")
rm -rf "$logs"
mkdir -p "$logs"

# Parameters of the scenario's modules given on the kernel command line,
# which modprobe (not insmod) passes on.
cmdline_params="brd.rd_nr=4 loop.max_part=5 loop.max_loop=3 modprobe.blacklist=macvlan"

. "$here/qemu-boot.sh"

# boot TAG TOOLS CPIO: one boot, the guest's results in $logs/TAG-TOOLS.log
boot() {
	tag=$1 tools=$2 cpio=$3
	vmlinuz=$(ls "$trees/$tag"/boot/vmlinuz-* | head -n 1)
	vm_boot "$vmlinuz" "$cpio" "console=ttyS0 panic=-1 quiet vmtools=$tools $cmdline_params" \
		"$logs/$tag-$tools"
}

if [ $mode = demo ]; then
	"$here/mkinitramfs.sh" "$trees/6.12" "$build" "$logs" 6.12 > /dev/null
	boot 6.12 demo "$logs/6.12-ours.cpio"
	rm -f "$logs"/*.cpio
	tr -d '\r' < "$logs/6.12-demo.log"
	grep -q '^== done' "$logs/6.12-demo.log"
	exit
fi

if [ $mode = modaliases ]; then
	for tag in 6.1 6.12; do
		"$here/mkinitramfs.sh" "$trees/$tag" "$build" "$logs" $tag
		boot $tag modaliases "$logs/$tag-kmod.cpio"
	done
	{
		echo "# The device modaliases of qemu's pc machine (run-vm.sh), both kernels."
		echo "# Regenerate: tests/vm/run-vm.sh --modaliases SOURCE_DIR BUILD_DIR"
		cat "$logs"/*-modaliases.log | tr -d '\r' | sort -u
	} > "$here/modaliases"
	rm -f "$logs"/*.cpio
	wc -l "$here/modaliases"
	exit
fi

passed=0 failed=0
for tag in ${VM_KERNELS:-6.1 6.12}; do
	"$here/mkinitramfs.sh" "$trees/$tag" "$build" "$logs" $tag
	# the two runs are independent machines: boot them side by side
	boot $tag kmod "$logs/$tag-kmod.cpio" &
	pid=$!
	boot $tag ours "$logs/$tag-ours.cpio"
	wait $pid
	set +e
	python3 "$here/compare.py" $tag "$logs/$tag-kmod.log" "$logs/$tag-ours.log" \
		> "$logs/$tag-compare.txt"
	set -e
	sed '$d' "$logs/$tag-compare.txt"
	p=$(tail -n 1 "$logs/$tag-compare.txt" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(tail -n 1 "$logs/$tag-compare.txt" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
	rm -f "$logs/$tag"-*.cpio
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
