#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Boot Debian 12's kernels (6.1: plain .ko; 6.12: .ko.xz decompressed by the
# kernel) under qemu with a busybox initramfs, run the same scenario once with
# Debian's kmod and once with our tools, and compare the results.
#
# Usage: run-vm.sh SOURCE_DIR BUILD_DIR
# Logs (serial consoles, results) are kept in BUILD_DIR/vm-logs.
# Exit 77 (skipped) when qemu or busybox is not installed.
set -eu

src=$1 build=$2
here=$src/tests/vm
logs=$build/vm-logs

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

# boot KERNEL_ROOT TOOLS: one run of the scenario, results in $logs/TAG-TOOLS.log
boot() {
	kroot=$1 tools=$2 tag=$3
	vmlinuz=$(ls "$kroot"/boot/vmlinuz-* | head -n 1)
	# software emulation on a pinned machine: repeatable, and KVM is not
	# everywhere (nor always working when /dev/kvm exists)
	timeout 400 qemu-system-x86_64 -M pc -cpu qemu64 -accel tcg -m 512 -smp 1 \
		-nographic -no-reboot -monitor none \
		-serial "file:$logs/$tag-$tools.console" -serial "file:$logs/$tag-$tools.log" \
		-kernel "$vmlinuz" -initrd "$logs/$tag.cpio" \
		-append "console=ttyS0 panic=-1 quiet vmtools=$tools" \
		< /dev/null > "$logs/$tag-$tools.qemu" 2>&1 ||
		echo "vm: qemu for $tag with $tools ended with status $?" >&2
}

passed=0 failed=0
for tag in 6.1 6.12; do
	kroot=$trees/$tag
	"$here/mkinitramfs.sh" "$kroot" "$build" "$logs/$tag.cpio"
	# the two runs are independent machines: boot them side by side
	boot "$kroot" kmod $tag &
	pid=$!
	boot "$kroot" ours $tag
	wait $pid
	set +e
	python3 "$here/compare.py" $tag "$logs/$tag-kmod.log" "$logs/$tag-ours.log" \
		> "$logs/$tag-compare.txt"
	set -e
	cat "$logs/$tag-compare.txt" | sed '$d'
	p=$(tail -n 1 "$logs/$tag-compare.txt" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
	f=$(tail -n 1 "$logs/$tag-compare.txt" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-1}))
	rm -f "$logs/$tag.cpio"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
