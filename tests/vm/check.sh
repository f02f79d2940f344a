#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# modtool check against what Debian's real kernels (6.1 and 6.12, qemu) then
# do.  Real Debian modules and real ones altered (tests/vm/alter-module.py)
# to trip each finding: no signature, a broken signature, a signature by a
# key the kernel does not hold, no intree, a proprietary licence, the
# vermagic's flags or release changed or dropped, a __versions CRC and
# module_layout's changed, an undefined symbol renamed, a licence that makes
# GPL-only symbols unreachable, a namespace import dropped; a staging module,
# one without a cleanup function, a module with its dependency; with the
# guest locked down (integrity), then also with sig_enforce switched on, an
# unsigned one and a signed one; one loaded already and one built in.
# In the guest (tests/vm/check-guest.sh) modtool check judges each against
# the running kernel first; then the module is loaded.  Every case must
# agree: loads or not, the kernel's error, the taint letters the load sets
# (on the module, and new on the kernel), and whether it can be removed.
# The same judgement made on the host, offline from the tree (-b), must be
# the guest's.
#
# Usage: check.sh SOURCE_DIR BUILD_DIR      exit 77 without qemu or busybox
set -eu
src=$1 build=$2
here=$src/tests/vm
logs=$build/vm-check
for need in qemu-system-x86_64 busybox python3 openssl; do
	command -v $need > /dev/null || { echo "vm-check: no $need: skipped"; exit 77; }
done
trees=$("$src/tests/fetch-trees.sh")
rm -rf "$logs"
mkdir -p "$logs"
. "$here/qemu-boot.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# overlay TAG: the guest script, the kernel image and config (modtool check
# reads /boot/vmlinuz-RELEASE), the test modules and the list of cases
overlay() {
	root=$trees/$1
	kver=$(ls "$root/lib/modules" | head -n 1)
	tree=$root/lib/modules/$kver
	o=$work/overlay-$1
	c=$o/data/check
	mkdir -p "$c" "$o/boot"
	cp "$here/check-guest.sh" "$o/init"
	chmod +x "$o/init"
	cp "$root/boot/vmlinuz-$kver" "$root/boot/config-$kver" "$o/boot/"
	f() { find "$tree" -name "$1.ko*" | head -n 1; }
	alter() { out=$1 mod=$2; shift 2; "$here/alter-module.py" "$(f "$mod")" "$c/$out.ko" "$@"; }
	alter gpl-only vrf strip-sig set-info=license=MIT
	# a library that uses no GPL-only symbol: loads, tainted P
	alter proprietary crc7 strip-sig set-info=license=MIT
	alter unsigned dummy strip-sig
	alter out-of-tree brd strip-sig drop-info=intree
	alter vermagic-flags loop strip-sig vermagic-drop=preempt
	alter vermagic-release ifb strip-sig vermagic-release="9${kver#?}"
	alter crc veth strip-sig crc=any > /dev/null
	alter modstruct nlmon strip-sig crc=module_layout > /dev/null
	alter unknown-symbol macvlan strip-sig rename-undef=any > /dev/null
	alter namespace xcbc strip-sig drop-info=import_ns
	alter bad-signature dummy break-sig
	alter no-vermagic nlmon strip-sig drop-info=vermagic
	# signed, by a key the kernel does not hold
	openssl req -new -nodes -batch -x509 -days 2 -subj /CN=vm-check-other-key \
		-newkey rsa:2048 -keyout "$work/other.key" -out "$work/other.pem" 2> /dev/null
	"$build/tools/modtool" sign sha256 "$work/other.key" "$work/other.pem" "$c/unsigned.ko" \
		"$c/other-key.ko"
	# real modules as Debian ships them: a staging driver without
	# dependencies, and one without a cleanup function
	staging=qlge
	[ -n "$(f qlge)" ] || staging=sp8870
	real() {
		case $(f "$1") in
		*.xz) xz -dc "$(f "$1")" > "$c/$2.ko" ;;
		*) cp "$(f "$1")" "$c/$2.ko" ;;
		esac
	}
	real $staging staging
	real vrf no-exit
	cat > "$c/cases" <<-EOF
	1 gpl-only vrf insmod $c/gpl-only.ko
	1 unsigned dummy insmod $c/unsigned.ko
	1 proprietary crc7 insmod $c/proprietary.ko
	1 out-of-tree brd insmod $c/out-of-tree.ko
	1 vermagic-flags loop insmod $c/vermagic-flags.ko
	1 vermagic-release ifb insmod $c/vermagic-release.ko
	1 crc veth insmod $c/crc.ko
	1 modstruct nlmon insmod $c/modstruct.ko
	1 unknown-symbol macvlan insmod $c/unknown-symbol.ko
	1 namespace xcbc insmod $c/namespace.ko
	1 bad-signature dummy insmod $c/bad-signature.ko
	1 unknown-key dummy insmod $c/other-key.ko
	1 no-vermagic nlmon insmod $c/no-vermagic.ko
	1 staging $staging insmod $c/staging.ko
	1 real-vfat vfat modprobe vfat
	1 real-no-exit vrf insmod $c/no-exit.ko
	2 unsigned-locked-down dummy insmod $c/unsigned.ko
	2 signed-locked-down brd modprobe brd
	3 unsigned-enforced dummy insmod $c/unsigned.ko
	3 unknown-key-enforced dummy insmod $c/other-key.ko
	3 signed-enforced brd modprobe brd
	3 setup vfat modprobe vfat
	3 loaded vfat modprobe vfat
	3 builtin af_packet modprobe af_packet
	EOF
	# the same predictions made here, offline, from the tree (-b): phase 2
	# locked down, phase 3 also with sig_enforce, as the guest will have it
	for phase in 1 2 3; do
		flag=
		[ $phase = 2 ] && flag=--lockdown=integrity
		[ $phase = 3 ] && flag="--lockdown=integrity --sig-enforce"
		"$build/tools/modtool" check -b "$root" $flag --json \
			$(grep "^$phase " "$c/cases" | grep -v " setup " | cut -d' ' -f5) \
			> "$logs/$1-host-$phase.json" || true
	done
	sed -i "s#$o##" "$c/cases"
	(cd "$o" && find . | sort | busybox cpio -o -H newc 2> /dev/null) > "$work/$1-overlay.cpio"
}

status=0
for tag in ${VM_KERNELS:-6.1 6.12}; do
	start=$(date +%s)
	"$here/mkinitramfs.sh" "$trees/$tag" "$build" "$work" "$tag" > /dev/null
	overlay "$tag"
	cat "$work/$tag-ours.cpio" "$work/$tag-overlay.cpio" > "$work/$tag.cpio"
	vmlinuz=$(ls "$trees/$tag"/boot/vmlinuz-* | head -n 1)
	vm_boot "$vmlinuz" "$work/$tag.cpio" "console=ttyS0 panic=-1 quiet" "$logs/$tag"
	python3 "$here/check-compare.py" "$logs/$tag.log" "$tag" "$logs/$tag-host-1.json" \
		"$logs/$tag-host-2.json" "$logs/$tag-host-3.json" || status=1
	echo "vm-check: $tag took $(($(date +%s) - start)) s"
done
exit $status
