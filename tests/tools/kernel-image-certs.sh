#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The certificates built into Debian's real kernels (6.1: xz bzImage, 6.12:
# zstd bzImage), read by the library (through tests/tools/image-certs.c):
# - every one returned is a DER certificate openssl reads;
# - one of them is the key that signed the tree's modules, as Debian's
#   modinfo names it: its serial number (or subject key id) is the modules'
#   sig_key and its CN their signer;
# - the 6.1 kernel's own vmlinux repacked as the kernel's build would with
#   gzip, lz4 -l, bzip2 and lzma (the payload length appended) gives the same
#   certificates, and the vmlinux ELF itself too;
# - with liblz4 hidden (a private mount namespace, root only), the lz4 image
#   fails with -ELIBACC, in one message naming the library.
#
# Usage: kernel-image-certs.sh IMAGE_CERTS_BINARY
set -u
export LC_ALL=C
prog=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/depmod-lib.sh"
trees=$("$here/../fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

# certs IMAGE DIR: the image's certificates into DIR; prints how many
certs() {
	rm -rf "$2" && mkdir -p "$2" && "$prog" "$1" "$2"
}

# upper-case hex without colons or leading zeros: modinfo's and openssl's forms alike
norm_hex() { tr -d ':\n ' | tr a-f A-F | sed 's/^0*//'; }

# matches_signer DIR MODULE: a certificate in DIR is the one that signed MODULE
matches_signer() {
	local dir=$1 mod=$2 key signer c serial skid cn
	key=$(/usr/sbin/modinfo -F sig_key "$mod" | norm_hex)
	signer=$(/usr/sbin/modinfo -F signer "$mod")
	[ -n "$key" ] || { echo "  $mod: no sig_key" >&2; return 1; }
	for c in "$dir"/*.der; do
		serial=$(openssl x509 -inform DER -in "$c" -noout -serial | sed 's/^serial=//' | norm_hex)
		skid=$(openssl x509 -inform DER -in "$c" -noout -ext subjectKeyIdentifier 2>/dev/null |
			sed -n 2p | norm_hex)
		cn=$(openssl x509 -inform DER -in "$c" -noout -subject -nameopt multiline |
			sed -n 's/^ *commonName *= //p')
		if { [ "$key" = "$serial" ] || [ "$key" = "$skid" ]; } && [ "$cn" = "$signer" ]; then
			echo "  $(basename "$c") signed $(basename "$mod"): $cn, serial $serial"
			return 0
		fi
	done
	echo "  no certificate is sig_key $key, signer '$signer'" >&2
	return 1
}

all_parse() {
	local c
	for c in "$1"/*.der; do
		openssl x509 -inform DER -in "$c" -noout -subject > /dev/null || return 1
	done
}

describe() {
	local c
	for c in "$1"/*.der; do
		echo "  $(basename "$c"): $(openssl x509 -inform DER -in "$c" -noout -subject)," \
			"$(openssl x509 -inform DER -in "$c" -noout -text |
				grep -E 'Public Key Algorithm|ASN1 OID|Public-Key' | sed 's/^ *//' |
				tr '\n' ' ')"
	done
}

for tag in 6.1 6.12; do
	vmlinuz=$(ls "$trees/$tag"/boot/vmlinuz-* | head -n 1)
	out=$work/$tag
	n=$(certs "$vmlinuz" "$out")
	check "$tag: certificates found in $(basename "$vmlinuz") (${n:-none})" test "${n:-0}" -ge 1
	check "$tag: each certificate is DER openssl reads" all_parse "$out"
	describe "$out"
	# a few modules of all kinds: the same signing key throughout
	mods=$(find "$trees/$tag/lib/modules" -path '*/kernel/*' \( -name '*.ko' -o -name '*.ko.xz' \) |
		sort | awk 'NR % 500 == 1')
	for m in $mods; do
		check "$tag: signer of $(basename "$m") is built in" matches_signer "$out" "$m"
	done
done

# The 6.1 kernel's vmlinux, and repacked in the formats Debian does not use.
vmlinuz=$(ls "$trees/6.1"/boot/vmlinuz-* | head -n 1)
read -r setup_end payload_len < <(python3 - "$vmlinuz" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
sects = d[0x1f1] or 4
off, length = struct.unpack_from('<II', d, 0x248)
print((sects + 1) * 512 + off, length)
PY
)
tail -c +$((setup_end + 1)) "$vmlinuz" | head -c $((payload_len - 4)) | xz -dc > "$work/vmlinux"
check "6.1: the vmlinux ELF itself" test "$(certs "$work/vmlinux" "$work/elf")" = 1
check "6.1: the vmlinux ELF's certificate is the bzImage's" cmp -s "$work/elf/cert-0.der" \
	"$work/6.1/cert-0.der"

# repack FORMAT COMMAND: $work/vmlinuz-FORMAT, the payload compressed by COMMAND
repack() {
	local fmt=$1
	shift
	"$@" < "$work/vmlinux" > "$work/payload.$fmt" || return 1
	python3 - "$vmlinuz" "$work/payload.$fmt" "$work/vmlinuz-$fmt" "$fmt" \
		"$(stat -c %s "$work/vmlinux")" <<'PY'
import struct, sys
image, payload, out, fmt, size = sys.argv[1:]
d = open(image, 'rb').read()
p = open(payload, 'rb').read()
if fmt != 'gzip':
    p += struct.pack('<I', int(size))  # the kernel's size_append
sects = d[0x1f1] or 4
off, _ = struct.unpack_from('<II', d, 0x248)
head = bytearray(d[:(sects + 1) * 512 + off])
struct.pack_into('<I', head, 0x24c, len(p))
open(out, 'wb').write(bytes(head) + p)
PY
}

for spec in "gzip gzip -1 -n -c" "lz4 lz4 -q -l -1 -c" "bzip2 bzip2 -1 -c" "lzma lzma -0 -c"; do
	set -- $spec
	fmt=$1
	shift
	if ! command -v "$1" > /dev/null; then
		echo "skip: $fmt: no $1 here"
		continue
	fi
	repack "$fmt" "$@" || { fail "$fmt: repacking"; continue; }
	n=$(certs "$work/vmlinuz-$fmt" "$work/$fmt")
	check "6.1 repacked with $fmt: one certificate (${n:-none})" test "${n:-0}" = 1
	check "6.1 repacked with $fmt: the same certificate" cmp -s "$work/$fmt/cert-0.der" \
		"$work/6.1/cert-0.der"
done

# liblz4 hidden: the machine's fault, said once, naming the library
lz4_lib=$(readlink -f "$(ldconfig -p | grep -F 'liblz4.so.1 (' | grep x86-64 | head -n 1 |
	sed 's/.*=> //')")
if [ ! -f "$work/vmlinuz-lz4" ] || [ ! -f "$lz4_lib" ]; then
	echo "skip: no lz4 image or no liblz4"
elif ! unshare -m true 2> /dev/null; then
	echo "skip: unshare -m refused (needs root): liblz4 not hidden"
else
	: > "$work/empty"
	unshare -m sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' _ \
		"$work/empty" "$lz4_lib" "$prog" "$work/vmlinuz-lz4" "$work/hidden" \
		> "$work/hidden.out" 2> "$work/hidden.err"
	rc=$?
	check "liblz4 hidden: fails" test "$rc" = 1
	check "liblz4 hidden: one message naming liblz4" test "$(grep -c liblz4 "$work/hidden.err")" = 1
	check "liblz4 hidden: -ELIBACC" grep -q "$(python3 -c 'import os; print(os.strerror(79))')" \
		"$work/hidden.err"
	sed 's/^/  /' "$work/hidden.err"
fi

finish
