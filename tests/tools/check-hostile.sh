#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# modtool check on broken kernels and modules: a cut vmlinuz, one whose
# payload is damaged, an empty one, a vmlinux whose export tables lie, a
# Module.symvers with a bad line, an empty one, a FIFO in place of one (or of
# the .config), a module that is not one, a cut module,
# a name nobody has.  Each gets one clear message naming the file and the
# problem and its documented status (4 for what cannot be read, 2 for a
# module the kernel would refuse), never a crash or a hang.
#
# Usage: check-hostile.sh MODTOOL SOURCE_DIR
set -u
modtool=$1 src=$2
trees=$("$src/tests/fetch-trees.sh") || exit 1
root=$trees/6.1
kver=$(ls "$root/lib/modules" | head -n 1)
vmlinuz=$root/boot/vmlinuz-$kver
t=$(mktemp -d)
trap 'rm -rf "$t"' EXIT
failures=0

# expect STATUS WORD COMMAND...: the status, and WORD in what it printed
expect() {
	want=$1 word=$2
	shift 2
	timeout 120 "$@" > "$t/out" 2> "$t/err"
	got=$?
	if [ $got -ne "$want" ] || ! grep -qF -- "$word" "$t/out" "$t/err"; then
		echo "FAIL: $*: status $got (want $want), '$word' in: $(head -c 400 "$t/err" "$t/out")"
		failures=$((failures + 1))
	else
		echo "ok: $(basename "$1") ${2-} ... -> $got: $(head -n 1 "$t/err" | head -c 200)"
	fi
}

dummy=$(find "$root/lib/modules" -name dummy.ko | head -n 1)
head -c 200000 "$vmlinuz" > "$t/vmlinuz-cut"
cp "$vmlinuz" "$t/vmlinuz-damaged"
size=$(stat -c %s "$vmlinuz")
printf 'garbage!garbage!' | dd of="$t/vmlinuz-damaged" bs=1 seek=$((size / 2)) conv=notrunc 2> /dev/null
: > "$t/vmlinuz-empty"
python3 "$src/tests/fuzz/make-exports-seeds.py" "$t/seeds"
# the first entry's name offset sent far outside the strings
python3 - "$t/seeds/prel32" "$t/vmlinux-lying" <<'PY'
import struct, sys
d = bytearray(open(sys.argv[1], 'rb').read())
shoff, = struct.unpack_from('<Q', d, 0x28)
shnum, shstrndx = struct.unpack_from('<HH', d, 0x3c)
stroff = struct.unpack_from('<Q', d, shoff + shstrndx * 64 + 24)[0]
for i in range(shnum):
    name, = struct.unpack_from('<I', d, shoff + i * 64)
    if d[stroff + name:].split(b'\0')[0] == b'__ksymtab':
        off = struct.unpack_from('<Q', d, shoff + i * 64 + 24)[0]
        struct.pack_into('<i', d, off + 4, 0x7ffffff0)
open(sys.argv[2], 'wb').write(d)
PY
printf '0x12345678\tfoo\tvmlinux\tEXPORT_SYMBOL\t\nnot a symvers line\n' > "$t/Module.symvers"
echo "not a module" > "$t/text.ko"
head -c 3000 "$dummy" > "$t/cut.ko"

expect 4 "vmlinuz-cut" "$modtool" check -b "$root" -K "$t/vmlinuz-cut" dummy
expect 4 "vmlinuz-damaged" "$modtool" check -b "$root" -K "$t/vmlinuz-damaged" dummy
expect 4 "vmlinuz-empty" "$modtool" check -b "$root" -K "$t/vmlinuz-empty" dummy
expect 4 "__ksymtab_strings" "$modtool" check -b "$root" -K "$t/vmlinux-lying" dummy
expect 4 "Module.symvers:2" "$modtool" check -b "$root" --symvers "$t/Module.symvers" dummy
expect 4 "no-such-file" "$modtool" check -b "$root" --symvers "$t/no-such-file" dummy
mkfifo "$t/fifo"
: > "$t/empty"
expect 4 "not a regular file" "$modtool" check -b "$root" --symvers "$t/fifo" dummy
expect 4 "not a regular file" "$modtool" check -b "$root" --config "$t/fifo" dummy
expect 4 "no exports in it" "$modtool" check -b "$root" --symvers "$t/empty" dummy
expect 2 "not an ELF file" "$modtool" check -b "$root" "$t/text.ko"
expect 2 "would be refused" "$modtool" check -b "$root" "$t/cut.ko"
expect 4 "no module of that name" "$modtool" check -b "$root" no_such_module_anywhere
expect 4 "no-such.ko" "$modtool" check -b "$root" "$t/no-such.ko"
expect 5 "--all takes no module" "$modtool" check --all dummy
expect 5 "invalid --lockdown" "$modtool" check -b "$root" --lockdown=maybe dummy
# the kernel's exports and vermagic from the image: a clean load, status 0
expect 0 "dummy: would load" "$modtool" check -b "$root" dummy
[ $failures -eq 0 ] || { echo "$failures failed"; exit 1; }
echo "check-hostile: all passed"
