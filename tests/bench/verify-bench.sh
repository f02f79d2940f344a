#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# modtool verify on the real trees: whole-tree throughput (modules a second,
# medians of RUNS runs, on every core and on one), beside the bound SHA-256
# alone sets on this machine (openssl speed over the tree's uncompressed
# bytes, on as many cores); and one module in callgrind instructions, the
# certificate given as a DER file and read out of the kernel image.  kmod
# verifies nothing: there is no ratio to give.  Informative only.
#
# Usage: verify-bench.sh MODTOOL        RUNS (default 5)
set -u
export LC_ALL=C
[ $# -eq 1 ] || { echo "usage: $0 MODTOOL" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
modtool=$(realpath "$1")
image_certs=$(dirname "$modtool")/../tests/image-certs
trees=$("$here/../fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
RUNS=${RUNS:-5}
cpus=$(nproc)

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# seconds CMD...: wall seconds of one run
seconds() {
	local t0 t1
	t0=$(date +%s.%N)
	"$@" > /dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
	t1=$(date +%s.%N)
	echo "$t1 - $t0" | bc -l
}

instructions() {
	valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" "$@" > /dev/null 2> "$work/cg.err" ||
		{ cat "$work/cg.err" >&2; return 1; }
	sed -n 's/^summary: //p' "$work/cg.out"
}

# SHA-256 bytes a second on one core, for 16 KiB blocks
sha_rate=$(openssl speed -bytes 16384 -seconds 2 sha256 2> /dev/null |
	awk '/^sha256/ { v = $NF; sub(/k$/, "", v); print v * 1000 }')

printf '%-5s %-8s %8s %10s %10s %12s %12s %14s\n' tree keyring modules "s(-j$cpus)" "s(-j1)" \
	"mod/s(-j$cpus)" "mod/s(-j1)" "sha256+sig"
for spec in 6.1:kernel 6.1:cert 6.12:kernel 6.12:cert; do
	tag=${spec%:*} how=${spec#*:}
	root=$trees/$tag
	kver=$(ls "$root/lib/modules" | head -n 1)
	mdir=$root/lib/modules/$kver
	vmlinuz=$root/boot/vmlinuz-$kver
	mkdir -p "$work/certs-$tag"
	[ -f "$work/certs-$tag/cert-0.der" ] || "$image_certs" "$vmlinuz" "$work/certs-$tag" > /dev/null
	keyring=
	[ "$how" = cert ] && keyring="--cert $work/certs-$tag/cert-0.der"
	# one signature check's cost, by the key the tree is signed with
	case $(openssl x509 -inform DER -in "$work/certs-$tag/cert-0.der" -noout -text) in
	*rsaEncryption*"(4096 bit)"*) sig=$(openssl speed -seconds 1 rsa4096 2> /dev/null | awk '/^rsa 4096/ { v = $(NF-2); sub(/s$/, "", v); print v }') ;;
	*"(384 bit)"*) sig=$(openssl speed -seconds 1 ecdsap384 2> /dev/null | awk '/384 bits ecdsa/ { v = $(NF-2); sub(/s$/, "", v); print v }') ;;
	*) sig=0 ;;
	esac
	n=$(find "$mdir" -name '*.ko*' -type f | wc -l)
	bytes=$(find "$mdir" -name '*.ko*' -type f | while read -r f; do
		case $f in *.xz) xz -dc "$f" | wc -c ;; *) stat -c %s "$f" ;; esac
	done | awk '{ s += $1 } END { print s }')
	for j in "$cpus" 1; do
		for _ in $(seq "$RUNS"); do
			# shellcheck disable=SC2086
			seconds "$modtool" verify -b "$root" -k "$kver" $keyring --all -q -j "$j"
		done | median > "$work/t$j"
	done
	tj=$(cat "$work/t$cpus") t1=$(cat "$work/t1")
	bound=$(echo "$cpus / ($bytes / $n / $sha_rate + ${sig:-0})" | bc -l)
	printf '%-5s %-8s %8d %10.2f %10.2f %12.0f %12.0f %14.0f\n' "$tag" "$how" "$n" "$tj" "$t1" \
		"$(echo "$n / $tj" | bc -l)" "$(echo "$n / $t1" | bc -l)" "$bound"
done
echo "(keyring kernel: the certificate read out of vmlinuz in each run, cert: given as a DER file;"
echo " sha256+sig: modules a second if only hashing the uncompressed module and one signature"
echo " check were done, at openssl speed's rates, on $cpus cores)"

echo
printf '%-5s %-14s %16s %16s\n' tree module "Ir --cert DER" "Ir --kernel"
for tag in 6.1 6.12; do
	root=$trees/$tag
	vmlinuz=$(ls "$root"/boot/vmlinuz-* | head -n 1)
	for name in dummy ext4; do
		m=$(find "$root/lib/modules" -name "$name.ko*" | head -n 1)
		printf '%-5s %-14s %16s %16s\n' "$tag" "$(basename "$m")" \
			"$(instructions "$modtool" verify --cert "$work/certs-$tag/cert-0.der" "$m")" \
			"$(instructions "$modtool" verify --kernel "$vmlinuz" "$m")"
	done
done
