# SPDX-License-Identifier: GPL-2.0-or-later
# Sourced by the qemu tests (run-vm.sh, initramfs.sh): how they boot a kernel.

# vm_boot VMLINUZ INITRD CMDLINE OUT: the console in OUT.console, the second
# serial port (where the guest writes its results) in OUT.log, qemu's own
# messages in OUT.qemu.  Software emulation on a pinned machine: repeatable,
# and KVM is not everywhere (nor always working when /dev/kvm exists).
vm_boot() {
	timeout 400 qemu-system-x86_64 -M pc -cpu qemu64 -accel tcg -m 512 -smp 1 \
		-nographic -no-reboot -monitor none \
		-serial "file:$4.console" -serial "file:$4.log" \
		-kernel "$1" -initrd "$2" -append "$3" \
		< /dev/null > "$4.qemu" 2>&1 ||
		echo "vm: qemu for $4 ended with status $?" >&2
}
