#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# modtool verify on Debian's real trees, against the certificate built into
# each tree's own vmlinuz (6.1: plain .ko, RSA; 6.12: .ko.xz, ECDSA):
# - --all: every module file of the tree valid, text and JSON (a real parser),
#   exit 0; the signer and key as Debian's modinfo names them;
# - an independent check: openssl cms -verify with the certificate the image
#   holds (extracted by tests/tools/image-certs.c) agrees on a sample;
# - damage, each with its exact verdict and exit status: a byte of .text, a
#   byte of .modinfo, a byte of the signature value (bad-signature, 12), the
#   signature stripped (unsigned, 11), re-signed with a key of our own
#   (unknown-key, 13), the PKCS#7 blob cut short (malformed, 15); the .ko.xz
#   ones damaged inside and compressed again as kbuild does (CRC32);
# - the wrong kernel's certificate: unknown-key; --cert with the right one
#   as PEM, DER, a directory: valid;
# - errors: a missing module, a certificate file that is none, an image that
#   is none, bad usage: one message naming the file, status 1 (usage 2).
#
# Usage: verify-trees.sh MODTOOL IMAGE_CERTS
set -u
export LC_ALL=C
modtool=$(realpath "$1")
image_certs=$(realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/depmod-lib.sh"
trees=$("$here/../fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT

openssl req -new -nodes -batch -x509 -subj /CN=not-debian -newkey rsa:2048 \
	-keyout "$work/own.key" -out "$work/own.crt" 2> /dev/null || exit 1

# status WANT COMMAND...: the command's exit status is WANT
status() { local want=$1; shift; "$@" > "$work/out" 2> "$work/err"; [ $? = "$want" ]; }

# ELF section NAME's file offset in the (uncompressed) module FILE
section_offset() {
	local hex
	hex=$(readelf -SW "$1" | sed 's/^ *\[ *[0-9]*\] *//' | awk -v s="$2" '$1 == s { print $4; exit }')
	echo $((16#$hex))
}

# flip FILE OFFSET: xor one byte (OFFSET < 0: from the end)
flip() {
	python3 - "$1" "$2" <<'PY'
import sys
p, off = sys.argv[1], int(sys.argv[2])
d = bytearray(open(p, 'rb').read())
d[off] ^= 0x5a
open(p, 'wb').write(d)
PY
}

# the trailer's pieces, as the kernel reads them (tests/tools/modsig.py)
sig_tool() { python3 "$here/modsig.py" "$@"; }

# damaged TAG MODULE KIND: a copy of MODULE damaged as KIND, compressed as it was
damaged() {
	local tag=$1 mod=$2 kind=$3 base out raw off
	base=$(basename "$mod")
	out=$work/$tag-$kind-$base
	raw=$work/$tag-$kind.ko
	case $mod in
	*.xz) xz -dc "$mod" > "$raw" ;;
	*) cp "$mod" "$raw" ;;
	esac
	case $kind in
	text) flip "$raw" $(($(section_offset "$raw" .text) + 3)) ;;
	modinfo) flip "$raw" $(($(section_offset "$raw" .modinfo) + 1)) ;;
	sigvalue) flip "$raw" "$(sig_tool value "$raw")" ;;
	stripped) sig_tool strip "$raw" ;;
	cut) sig_tool cut "$raw" ;;
	own) "$modtool" sign sha256 "$work/own.key" "$work/own.crt" "$raw" || return 1 ;;
	esac
	case $mod in
	*.xz) xz --check=crc32 --lzma2=dict=1MiB -c "$raw" > "$out" ;;
	*) cp "$raw" "$out" ;;
	esac
	rm -f "$raw"
	echo "$out"
}

# openssl_agrees MODULE CERT WANT: openssl cms -verify says WANT (ok/bad)
openssl_agrees() {
	local mod=$1 cert=$2 want=$3 raw=$work/oss.ko got
	case $mod in *.xz) xz -dc "$mod" > "$raw" ;; *) cp "$mod" "$raw" ;; esac
	sig_tool split "$raw" "$work/oss.data" "$work/oss.p7s"
	if openssl cms -verify -binary -inform DER -in "$work/oss.p7s" -content "$work/oss.data" \
		-certfile "$cert" -nointern -noverify -out /dev/null 2> /dev/null; then
		got=ok
	else
		got=bad
	fi
	[ "$got" = "$want" ] || echo "  openssl says $got for $(basename "$mod")" >&2
	[ "$got" = "$want" ]
}

json_check() {
	python3 - "$@" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
want, signer = int(sys.argv[2]), sys.argv[3]
mods = doc['modules']
assert len(mods) == want, (len(mods), want)
assert all(m['verdict'] == 'valid' and m['reason'] is None for m in mods)
assert all(m['signer'] == signer for m in mods), {m['signer'] for m in mods}
assert doc['summary']['valid'] == want and doc['summary']['errors'] == 0
assert len(doc['trusted']) >= 1
assert [m['path'] for m in mods] == sorted(m['path'] for m in mods)
PY
}

for tag in 6.1 6.12; do
	root=$trees/$tag
	kver=$(ls "$root/lib/modules" | head -n 1)
	vmlinuz=$root/boot/vmlinuz-$kver
	mdir=$root/lib/modules/$kver
	n=$(find "$mdir" -type f \( -name '*.ko' -o -name '*.ko.xz' -o -name '*.ko.gz' \
		-o -name '*.ko.zst' \) | wc -l)
	mods=$(find "$mdir/kernel" -name '*.ko*' | sort | awk 'NR % 700 == 1')
	one=$(echo "$mods" | head -n 1)
	signer=$(/usr/sbin/modinfo -F signer "$one")
	sig_key=$(/usr/sbin/modinfo -F sig_key "$one")

	check "$tag: --all -q: exit 0, nothing printed" \
		status 0 "$modtool" verify -b "$root" -k "$kver" --all -q
	check "$tag: --all -q printed nothing" test ! -s "$work/out"
	check "$tag: the summary counts all $n module files" \
		grep -qx "$n modules: $n valid" "$work/err"
	check "$tag: --all --json -j 2: exit 0" \
		status 0 "$modtool" verify -b "$root" -k "$kver" --all --json -j 2
	check "$tag: JSON: $n valid, signer '$signer', sorted" json_check "$work/out" "$n" "$signer"
	check "$tag: by name, with --kernel: valid" \
		status 0 "$modtool" verify -b "$root" -k "$kver" --kernel "$vmlinuz" ext4
	check "$tag: the signer and key as modinfo names them" \
		grep -qF "valid: signed by $signer (key $sig_key, sha256" "$work/out"

	mkdir -p "$work/certs-$tag"
	"$image_certs" "$vmlinuz" "$work/certs-$tag" > /dev/null || fail "$tag: image-certs"
	cert=$work/certs-$tag/cert-0.der
	openssl x509 -inform DER -in "$cert" -out "$work/$tag.pem"
	for m in $mods; do
		check "$tag: openssl agrees: $(basename "$m") valid" openssl_agrees "$m" "$work/$tag.pem" ok
	done
	check "$tag: --cert PEM: valid" status 0 "$modtool" verify --cert "$work/$tag.pem" "$one"
	check "$tag: --cert DER: valid" status 0 "$modtool" verify --cert "$cert" "$one"
	check "$tag: --cert DIR: valid" status 0 "$modtool" verify --cert "$work/certs-$tag" "$one"

	for spec in text:12:bad-signature modinfo:12:bad-signature sigvalue:12:bad-signature \
		stripped:11:unsigned own:13:unknown-key cut:15:malformed; do
		IFS=: read -r kind code verdict <<< "$spec"
		for m in $(echo "$mods" | head -n 3); do
			d=$(damaged "$tag" "$m" "$kind") || { fail "$tag: damaging $m ($kind)"; continue; }
			check "$tag: $kind $(basename "$m"): $verdict, status $code" \
				status "$code" "$modtool" verify --kernel "$vmlinuz" "$d"
			check "$tag: $kind $(basename "$m"): says $verdict" \
				grep -q "^$d: $verdict: " "$work/out"
		done
		case $kind in text|modinfo|sigvalue)
			check "$tag: openssl agrees: $kind is bad" openssl_agrees "$d" "$work/$tag.pem" bad ;;
		esac
	done
	# several modules: the worst verdict is the status
	check "$tag: valid + unsigned + unknown key: status 13" \
		status 13 "$modtool" verify -q --kernel "$vmlinuz" "$one" \
		"$work/$tag-stripped-$(basename "$one")" "$work/$tag-own-$(basename "$one")"
	check "$tag: --quiet prints the two that are not valid" test "$(wc -l < "$work/out")" = 2
done

# the other kernel's key: unknown, by the name the signature gives
m61=$(find "$trees/6.1/lib/modules" -name ext4.ko | head -n 1)
check "6.1 module against the 6.12 kernel: unknown-key" \
	status 13 "$modtool" verify --kernel "$(ls "$trees"/6.12/boot/vmlinuz-*)" "$m61"

# errors: one message naming the file, status 1; usage 2
check "missing module: status 1" status 1 "$modtool" verify --kernel \
	"$(ls "$trees"/6.1/boot/vmlinuz-*)" "$work/absent.ko"
check "missing module: named" grep -q "absent.ko" "$work/err"
echo "not a certificate" > "$work/junk.pem"
check "a certificate file that is none: status 1" status 1 "$modtool" verify --cert "$work/junk.pem" "$m61"
check "  named, one line" test "$(grep -c junk.pem "$work/err")" = 1
check "an image that is none: status 1" status 1 "$modtool" verify --kernel "$work/junk.pem" "$m61"
check "  named" grep -q junk.pem "$work/err"
check "no module and no --all: status 2" status 2 "$modtool" verify --cert "$work/own.crt"
check "--all with a module: status 2" status 2 "$modtool" verify --all "$m61"
check "--jobs 0: status 2" status 2 "$modtool" verify -j 0 --all
check "--help: status 0" status 0 "$modtool" verify --help
check "  documents the statuses" grep -q "15 malformed" "$work/out"

finish
