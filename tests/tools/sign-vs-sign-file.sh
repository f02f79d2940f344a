#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# modtool sign against Debian's own scripts/sign-file (linux-kbuild-6.1),
# fetched into a cache outside the tree: byte for byte on unsigned real
# modules (RSA, sha256 and sha512, with and without -k, -d, -p, -s, in
# place and to DEST, as "sign-file"), compressed modules signed inside and
# compressed again (xz with a CRC32 check), re-signing, ECDSA checked by
# openssl cms -verify, and hostile input: status 1 and one message.
#
# Usage: sign-vs-sign-file.sh MODTOOL
set -eu
modtool=$(realpath "$1")
here=$(dirname "$(realpath "$0")")
cache=${MODTOOL_CACHE:-/var/cache/modtool}
trees=$("$here/../fetch-trees.sh" "$cache")

# the oracle: Debian's sign-file, fetched once (concurrent runs wait)
kbuild=$cache/kbuild
mkdir -p "$kbuild"
(
	flock 9
	if [ ! -x "$kbuild/root/usr/lib/linux-kbuild-6.1/scripts/sign-file" ]; then
		cd "$kbuild"
		ls linux-kbuild-6.1_*.deb >/dev/null 2>&1 || apt-get download linux-kbuild-6.1 >&2
		rm -rf root && mkdir root
		dpkg-deb -x linux-kbuild-6.1_*.deb root
	fi
) 9> "$kbuild/.lock"
ref=$kbuild/root/usr/lib/linux-kbuild-6.1/scripts/sign-file

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
pass() { echo "ok: $*"; }

openssl req -new -nodes -utf8 -sha256 -days 3650 -batch -x509 -subj "/CN=modtool test RSA" \
	-newkey rsa:2048 -keyout rsa.key -out rsa.crt 2>/dev/null
openssl x509 -in rsa.crt -outform DER -out rsa.der
openssl pkey -in rsa.key -outform DER -out rsa.key.der
cat rsa.key rsa.crt > rsa.both.pem	# kbuild's signing_key.pem: key and certificate
openssl req -new -nodes -utf8 -sha256 -days 3650 -batch -x509 -subj "/CN=modtool test EC" \
	-newkey ec -pkeyopt ec_paramgen_curve:P-384 -keyout ec.key -out ec.crt 2>/dev/null
openssl req -new -nodes -batch -x509 -subj "/CN=other" -newkey rsa:2048 \
	-keyout other.key -out other.crt 2>/dev/null

# unsigned real modules: cut the signature and its trailer off
unsign() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
d = open(sys.argv[1], 'rb').read()
magic = b'~Module signature appended~\n'
assert d.endswith(magic)
n = struct.unpack('>I', d[-len(magic) - 4:-len(magic)])[0]
open(sys.argv[2], 'wb').write(d[:len(d) - len(magic) - 12 - n])
PY
}
mods=$(find "$trees"/6.1/lib/modules/*/kernel/drivers/net -name '*.ko' | sort | head -n 4)
i=0
for m in $mods; do
	i=$((i + 1))
	unsign "$m" "m$i.ko"
done
nmods=$i
[ "$nmods" -ge 2 ] || { echo "no modules found in $trees" >&2; exit 1; }

ln -s "$modtool" sign-file
# ours as "modtool sign" and as "sign-file"
ours() { "$modtool" sign "$@"; }
ours_sf() { ./sign-file "$@"; }

# --- byte identity with sign-file, to DEST and in place -------------------
for i in $(seq "$nmods"); do
	for h in sha256 sha512; do
		for k in "" -k; do
			"$ref" $k $h rsa.key rsa.crt "m$i.ko" ref.ko
			ours $k $h rsa.key rsa.crt "m$i.ko" out.ko
			cmp -s ref.ko out.ko && pass "m$i $h $k DEST" || fail "m$i $h $k: differs from sign-file"
			cp "m$i.ko" inplace.ko
			ours_sf $k $h rsa.key rsa.der inplace.ko
			cmp -s ref.ko inplace.ko && pass "m$i $h $k in place, DER cert, as sign-file" ||
				fail "m$i $h $k in place: differs"
		done
	done
done
# key and certificate as DER, and kbuild's key+cert PEM
"$ref" sha256 rsa.key rsa.crt m1.ko ref.ko
ours sha256 rsa.key.der rsa.der m1.ko out.ko && cmp -s ref.ko out.ko && pass "DER key" || fail "DER key"
ours sha256 rsa.both.pem rsa.crt m1.ko out.ko && cmp -s ref.ko out.ko && pass "key+cert PEM" ||
	fail "key+cert PEM"

# a passphrase-protected key, its passphrase in KBUILD_SIGN_PIN as for sign-file
openssl pkey -in rsa.key -aes256 -passout pass:secret -out rsa.enc.key
KBUILD_SIGN_PIN=secret "$ref" sha256 rsa.enc.key rsa.crt m1.ko ref.ko
KBUILD_SIGN_PIN=secret ours sha256 rsa.enc.key rsa.crt m1.ko out.ko && cmp -s ref.ko out.ko &&
	pass "encrypted key, KBUILD_SIGN_PIN" || fail "encrypted key"

# -d and -p: the .p7s (sign-file writes MODULE.p7s even with DEST)
for k in "" -k; do
	cp m1.ko a.ko; cp m1.ko b.ko
	"$ref" $k -d sha256 rsa.key rsa.crt a.ko
	ours $k -d sha256 rsa.key rsa.crt b.ko
	cmp -s a.ko.p7s b.ko.p7s && cmp -s b.ko m1.ko && pass "-d $k" || fail "-d $k"
	rm -f a.ko.p7s b.ko.p7s
	"$ref" $k -p sha512 rsa.key rsa.crt a.ko a.out
	ours $k -p sha512 rsa.key rsa.crt b.ko b.out
	cmp -s a.ko.p7s b.ko.p7s && cmp -s a.out b.out && pass "-p $k" || fail "-p $k"
done
# -s: a raw signature made elsewhere
"$ref" -d sha256 rsa.key rsa.crt m2.ko
mv m2.ko.p7s raw.p7s
"$ref" -s raw.p7s sha256 rsa.crt m2.ko ref.ko
ours -s raw.p7s sha256 rsa.crt m2.ko out.ko
cmp -s ref.ko out.ko && pass "-s" || fail "-s differs"

# --- re-signing replaces the signature ------------------------------------
"$ref" sha256 rsa.key rsa.crt m1.ko signed.ko
ours sha512 rsa.key rsa.crt signed.ko
"$ref" sha512 rsa.key rsa.crt m1.ko ref.ko
[ "$(grep -c -a 'Module signature appended' signed.ko)" = 1 ] && cmp -s signed.ko ref.ko &&
	pass "re-sign: one signature, the new one" || fail "re-sign"

# --- mode kept, nothing left behind ---------------------------------------
mkdir d && cp m1.ko d/x.ko && chmod 0604 d/x.ko
ours sha256 rsa.key rsa.crt d/x.ko
[ "$(stat -c %a d/x.ko)" = 604 ] && [ "$(ls -A d)" = x.ko ] && pass "mode kept, no litter" ||
	fail "mode $(stat -c %a d/x.ko), files: $(ls -A d)"

# --- compressed modules ---------------------------------------------------
"$ref" sha256 rsa.key rsa.crt m1.ko ref.ko
cp m1.ko c.ko && gzip -n -k c.ko && xz -k --check=crc32 c.ko && zstd -q -k c.ko
for ext in gz xz zst; do
	case $ext in gz) dec="gzip -dc";; xz) dec="xz -dc";; zst) dec="zstd -dcq";; esac
	cp "c.ko.$ext" "s.ko.$ext"
	ours sha256 rsa.key rsa.crt "s.ko.$ext" || fail "$ext: sign"
	$dec "s.ko.$ext" > dec.ko && cmp -s dec.ko ref.ko && pass "$ext: signed inside" ||
		fail "$ext: decompressed output differs from sign-file's"
	# signing again replaces the signature inside
	ours sha256 rsa.key rsa.crt "s.ko.$ext" &&
		$dec "s.ko.$ext" | cmp -s - ref.ko && pass "$ext: re-signed" || fail "$ext: re-sign"
	# to DEST too
	ours sha256 rsa.key rsa.crt "c.ko.$ext" "d.ko.$ext" && $dec "d.ko.$ext" | cmp -s - ref.ko &&
		pass "$ext: DEST" || fail "$ext: DEST"
done
checks=$(xz --robot --list s.ko.xz | awk -F'\t' '$1 == "stream" || $1 == "file" {print $0}')
xz --robot --list s.ko.xz | grep -q -P '^file\t.*\tCRC32\t' && pass "xz: CRC32 check" ||
	fail "xz check: $checks"
gzip -lv s.ko.gz >/dev/null && pass "gz: valid" || fail "gz"

# --- both signers' output verifies: modtool verify against the certificate --
# (sign-file's plain modules, ours plain and signed inside each compression)
for f in ref.ko out.ko s.ko.gz s.ko.xz s.ko.zst; do
	"$modtool" verify --cert rsa.crt "$f" > out.txt && grep -q ": valid: signed by modtool test RSA" out.txt &&
		pass "verify $f: valid" || fail "verify $f: $(cat out.txt)"
done
rc=0
"$modtool" verify --cert other.crt ref.ko > out.txt || rc=$?
[ $rc = 13 ] && pass "verify against another key: unknown-key" || fail "other key: $(cat out.txt)"

# --- ECDSA: not deterministic; verifies and has sign-file's structure -----
shape() {	# the DER's structure: depth, tag and objects, no lengths or values
	openssl asn1parse -inform DER -in "$1" |
		sed -E 's/^ *[0-9]+:d=([0-9]+) +hl=[0-9]+ l= *[0-9]+ /\1 /; s/:[0-9A-F]{8,}$//'
}
for h in sha256 sha384 sha3-256; do
	# OpenSSL 3.0's CMS has no ECDSA with SHA-3: then both must refuse
	if ! "$ref" -d $h ec.key ec.crt m1.ko 2>/dev/null; then
		if "$modtool" sign -d $h ec.key ec.crt m1.ko 2> err.txt || [ "$(wc -l < err.txt)" -ne 1 ]; then
			fail "ecdsa $h: sign-file refuses, ours did not (once)"
		else
			pass "ecdsa $h refused as by sign-file: $(cat err.txt)"
		fi
		continue
	fi
	mv m1.ko.p7s ref.p7s
	ours -d $h ec.key ec.crt m1.ko && mv m1.ko.p7s ours.p7s
	ours $h ec.key ec.crt m1.ko ec.ko
	openssl cms -verify -binary -inform DER -in ours.p7s -content m1.ko -certfile ec.crt \
		-nointern -noverify -out /dev/null 2>/dev/null && pass "ecdsa $h verifies" ||
		fail "ecdsa $h does not verify"
	"$modtool" verify --cert ec.crt ec.ko > /dev/null && pass "ecdsa $h: modtool verify: valid" ||
		fail "ecdsa $h: modtool verify"
	[ "$(shape ours.p7s)" = "$(shape ref.p7s)" ] && pass "ecdsa $h structure" ||
		fail "ecdsa $h: structure differs"
	# the appended one is the .p7s's kind: same structure, same trailer
	unsign ec.ko ec-plain.ko && cmp -s ec-plain.ko m1.ko || fail "ecdsa $h: content"
done
# RSA with sha3 where libcrypto has it
if "$ref" sha3-512 rsa.key rsa.crt m1.ko ref.ko 2>/dev/null; then
	ours sha3-512 rsa.key rsa.crt m1.ko out.ko && cmp -s ref.ko out.ko && pass "rsa sha3-512" ||
		fail "rsa sha3-512"
else
	echo "note: this libcrypto's CMS has no RSA with sha3-512"
fi

# --- bad input: status 1, one message naming the file, target untouched ---
cp m1.ko victim.ko
head -c 1000 m1.ko > truncated.ko
"$ref" sha256 rsa.key rsa.crt m1.ko lying.ko
python3 - lying.ko <<'PY'
import sys
p = sys.argv[1]; d = bytearray(open(p, 'rb').read())
d[-28 - 4:-28] = (0x7fffff00).to_bytes(4, 'big')
open(p, 'wb').write(d)
PY
xz -c --check=crc32 m1.ko > corrupt.ko.xz
printf '\xff\xff\xff\xff' | dd of=corrupt.ko.xz bs=1 seek=200 conv=notrunc 2>/dev/null
echo garbage > garbage.pem
printf -- '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n' > badpem.key
mkdir keydir
openssl req -new -key rsa.key -subj /CN=nokeyid -out nokeyid.csr
openssl x509 -req -in nokeyid.csr -signkey rsa.key -out nokeyid.crt 2>/dev/null
# the files of this directory, but for the messages of the last call
listing() { ls -A | grep -v -e '^out.txt$' -e '^err.txt$' | md5sum; }
hostile() {	# WHAT NEEDLE ARGS...: must fail with one message containing NEEDLE
	local what=$1 needle=$2; shift 2
	local before; before=$(listing)
	set +e
	"$modtool" sign "$@" > out.txt 2> err.txt
	local rc=$?
	set -e
	if [ $rc -ne 1 ]; then
		fail "$what: status $rc"
	elif [ "$(wc -l < err.txt)" -ne 1 ] || ! grep -qF -- "$needle" err.txt; then
		fail "$what: message: $(cat err.txt)"
	elif ! cmp -s victim.ko m1.ko || [ "$(listing)" != "$before" ]; then
		fail "$what: files changed"
	else
		pass "$what: $(cat err.txt)"
	fi
}
hostile "missing key" nokey.pem sha256 nokey.pem rsa.crt victim.ko
hostile "key is a directory" keydir sha256 keydir rsa.crt victim.ko
hostile "missing cert" nocert.pem sha256 rsa.key nocert.pem victim.ko
hostile "key/cert mismatch" other.key sha256 other.key rsa.crt victim.ko
hostile "garbage key" garbage.pem sha256 garbage.pem rsa.crt victim.ko
hostile "bad PEM key" badpem.key sha256 badpem.key rsa.crt victim.ko
hostile "garbage cert" garbage.pem sha256 rsa.key garbage.pem victim.ko
hostile "unknown hash" sha999 sha999 rsa.key rsa.crt victim.ko
hostile "missing module" nomod.ko sha256 rsa.key rsa.crt nomod.ko
hostile "truncated module" truncated.ko sha256 rsa.key rsa.crt truncated.ko
hostile "lying trailer" lying.ko sha256 rsa.key rsa.crt lying.ko
hostile "corrupt xz" corrupt.ko.xz sha256 rsa.key rsa.crt corrupt.ko.xz
hostile "-k without key id" subjectKeyIdentifier -k sha256 rsa.key nokeyid.crt victim.ko
hostile "garbage raw sig" garbage.pem -s garbage.pem sha256 rsa.crt victim.ko
hostile "encrypted key, no PIN" rsa.enc.key sha256 rsa.enc.key rsa.crt victim.ko
KBUILD_SIGN_PIN=wrong hostile "encrypted key, wrong PIN" rsa.enc.key sha256 rsa.enc.key rsa.crt victim.ko
# Debian 12 has no pkcs11-provider: a pkcs11: key is refused with one message
if ! [ -e "$(openssl version -m | sed -E 's/.*"(.*)"/\1/')/pkcs11.so" ]; then
	hostile "pkcs11: without a provider" "pkcs11:token=t" sha256 "pkcs11:token=t;object=k" \
		rsa.crt victim.ko
fi
hostile "DEST in missing dir" nodir/x.ko sha256 rsa.key rsa.crt victim.ko nodir/x.ko

# usage: status 2 as sign-file
set +e
./sign-file > /dev/null 2>&1; rc_ours=$?
"$ref" > /dev/null 2>&1; rc_ref=$?
./sign-file sha256 rsa.key > /dev/null 2>&1; rc_ours2=$?
"$modtool" sign --help > /dev/null; rc_help=$?
set -e
[ $rc_ours = $rc_ref ] && [ $rc_ours2 = 2 ] && [ $rc_help = 0 ] && pass "usage: status $rc_ours" ||
	fail "usage: ours $rc_ours/$rc_ours2 sign-file $rc_ref, --help $rc_help"

if [ $fails -gt 0 ]; then
	echo "$fails failure(s)" >&2
	exit 1
fi
echo "all passed"
