#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Build every libFuzzer target with clang against the library's sources and
# run each for SECONDS (default 60) on a seed corpus made from real files:
# small modules of Debian's trees (plain, and recompressed as gz, xz and
# zstd), small indexes written by kmod's depmod over a handful of them, the
# real indexes' builtin tries, and modprobe.d/depmod.d files.  Seeds are
# generated into the work directory, never committed.
#
# Usage: run-fuzzers.sh [SECONDS] [TARGET...]
#   TARGETS: module index config signature kernel-image verify status policy uevent exports
#            (default: all)
#   FUZZ_WORK   work directory (default /tmp/modtool-fuzz): binaries in bin/,
#               seeds in seeds/TARGET, the growing corpus in corpus/TARGET,
#               crashes in crashes/TARGET, logs in logs/TARGET.log
#   FUZZ_JOBS   targets run at once (default 2)
#   CC          clang (default clang)
# A crashing input found is kept in crashes/TARGET: copy it to
# tests/fuzz/regressions/TARGET/ so that the replay test keeps it.
# Prints per target: run time, executions per second, coverage, findings.
set -u
export LC_ALL=C

secs=${1:-60}
shift || true
targets=${*:-module index config signature kernel-image verify status policy uevent exports}
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../../src" && pwd)
work=${FUZZ_WORK:-/tmp/modtool-fuzz}
jobs=${FUZZ_JOBS:-2}
CC=${CC:-clang}
mkdir -p "$work/bin" "$work/seeds" "$work/corpus" "$work/crashes" "$work/logs" "$work/include"

# build-config.h as meson writes it, for every optional library
cat > "$work/include/build-config.h" <<'CONF'
#pragma once
#define PACKAGE_VERSION "fuzz"
#define MODULE_DIRECTORY "/lib/modules"
#define ENABLE_ZLIB 1
#define ENABLE_XZ 1
#define ENABLE_ZSTD 1
#define ENABLE_LIBCRYPTO 1
#define ENABLE_LZ4 1
#define ENABLE_BZIP2 1
#define ZLIB_SONAME "libz.so.1"
#define XZ_SONAME "liblzma.so.5"
#define ZSTD_SONAME "libzstd.so.1"
#define LIBCRYPTO_SONAME "libcrypto.so.3"
#define LZ4_SONAME "liblz4.so.1"
#define BZIP2_SONAME "libbz2.so.1.0"
#define MODTOOL_FEATURES "+ZLIB +XZ +ZSTD +LZ4 +BZIP2 +LIBCRYPTO"
CONF

# Every library source, in every concern's folder: the targets reach the
# module reader, lookups, depmod...
lib_sources() {
	find "$src" -name '*.c' | sort
}

build() {
	local t=$1 out=$work/bin/fuzz-$1
	[ "$t" = signature ] && set -- "$here/fuzz-signature.c" "$src/module/signature.c" "$src/module/der.c" ||
		set -- "$here/fuzz-$t.c" $(lib_sources)
	# -fno-sanitize=function: the optional libraries' functions are called
	# through dlsym()ed pointers, which that check cannot follow
	"$CC" -g -O1 -std=gnu11 -D_GNU_SOURCE -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -fno-sanitize=function \
		-I"$work/include" -I"$src" -I"$here" "$@" -ldl -lpthread -o "$out" \
		2> "$work/logs/$t.build" || { cat "$work/logs/$t.build" >&2; return 1; }
}

trees() {
	"$here/../fetch-trees.sh"
}

# The small real modules the seeds come from, plain and compressed as found.
seed_modules() {
	local tr=$1 name
	for name in crc-itu-t crc7 dummy vfat cordic hidp; do
		find "$tr" -path '*/kernel/*' \( -name "$name.ko" -o -name "$name.ko.xz" \) 2>/dev/null
	done
}

seeds_module() {
	local d=$work/seeds/module tr f b
	tr=$(trees) || return 1
	mkdir -p "$d"
	for f in $(seed_modules "$tr"); do
		b=$(basename "$f")
		cp "$f" "$d/$b"
		case $b in
		*.ko)
			gzip -9 -n -c "$f" > "$d/$b.gz"
			zstd -q -19 -c "$f" > "$d/$b.zst" 2>/dev/null || true
			xz -c --check=crc32 "$f" > "$d/$b.xz"
			;;
		esac
	done
}

seeds_index() {
	local d=$work/seeds/index tr t ver
	tr=$(trees) || return 1
	mkdir -p "$d"
	# the small real tries as they are
	for f in "$tr"/*/lib/modules/*/modules.builtin*.bin; do
		cp "$f" "$d/$(echo "$f" | tr / _)"
	done
	# and every kind of trie over a few modules, written by kmod's depmod
	t=$(mktemp -d)
	ver=0.0.0-fuzz
	mkdir -p "$t/lib/modules/$ver/kernel"
	for f in $(seed_modules "$tr"); do
		cp "$f" "$t/lib/modules/$ver/kernel/"
	done
	if /sbin/depmod -b "$t" "$ver" 2>/dev/null; then
		for f in "$t/lib/modules/$ver"/modules.*.bin; do
			cp "$f" "$d/small-$(basename "$f")"
		done
	fi
	rm -rf "$t"
}

seeds_config() {
	local d=$work/seeds/config tr f
	tr=$(trees) || return 1
	mkdir -p "$d"
	for f in /etc/modprobe.d/*.conf /lib/modprobe.d/*.conf /usr/lib/modprobe.d/*.conf \
		/etc/depmod.d/*.conf /lib/depmod.d/*.conf /usr/lib/depmod.d/*.conf \
		"$tr"/*/lib/modules/*/modules.softdep; do
		[ -f "$f" ] && cp "$f" "$d/$(echo "$f" | tr / _)"
	done
	cat > "$d/all-directives.conf" <<'CFG'
# every directive modprobe.d and depmod.d know
alias pci:v00008086d*sv*sd*bc*sc*i* e1000e
alias snd-card-0 snd_hda_intel
options snd_hda_intel index=0 model="a b" \
	enable=1
install dummy /sbin/modprobe --ignore-install dummy && echo hi
remove dummy /sbin/modprobe -r --ignore-remove dummy
blacklist pcspkr
softdep vfat pre: fat nls_cp437 post: nls_iso8859_1
weakdep vfat crc-itu-t
search updates extra built-in external
override crc7 * extra
external 6.1.0-fuzz-amd64 /opt/modules
exclude build
make_map_files no
CFG
	printf 'modprobe.blacklist=a,b,c dummy.numdummies=3 "vfat.opt=a b" quiet\n' > "$d/cmdline"
}

seeds_signature() {
	local d=$work/seeds/signature tr f
	tr=$(trees) || return 1
	mkdir -p "$d"
	for f in $(seed_modules "$tr"); do
		case $f in *.ko) tail -c 1024 "$f" > "$d/$(basename "$f").tail" ;; esac
	done
}

# small vmlinux and bzImage files in every payload format, good and hostile
seeds_kernel-image() {
	python3 "$here/make-kernel-image-seeds.py" "$work/seeds/kernel-image"
}

# small vmlinux files with export tables (PREL32 and absolute entries)
seeds_exports() {
	python3 "$here/make-exports-seeds.py" "$work/seeds/exports"
}

# [be16 length][certificate][module]: certificates of test keys (RSA, and
# ECDSA P-384 as Debian's 6.12), PEM and DER, each with the first 2 KiB of
# real modules signed by it, by another key, or not at all.
seeds_verify() {
	local d=$work/seeds/verify tr t f b k c m
	tr=$(trees) || return 1
	mkdir -p "$d"
	t=$(mktemp -d)
	for k in a b; do
		openssl req -new -nodes -batch -x509 -subj /CN=fuzz-$k -newkey rsa:2048 \
			-keyout "$t/$k.key" -out "$t/$k.pem" 2>/dev/null || return 1
	done
	openssl req -new -nodes -batch -x509 -subj /CN=fuzz-ec -newkey ec \
		-pkeyopt ec_paramgen_curve:P-384 -keyout "$t/c.key" -out "$t/c.pem" 2>/dev/null
	openssl x509 -in "$t/a.pem" -outform DER -out "$t/a.der"
	for f in $(seed_modules "$tr" | grep '\.ko$' | head -n 3); do
		b=$(basename "$f" .ko)
		# the module's first 2 KiB, unsigned, stands for the module
		head -c 2048 "$f" > "$t/$b.raw"
		for k in a b c; do
			openssl cms -sign -binary -noattr -nocerts -nosmimecap -outform DER -md sha256 \
				-signer "$t/$k.pem" -inkey "$t/$k.key" -in "$t/$b.raw" -out "$t/$b.$k.p7s" ||
				return 1
			python3 - "$t/$b.raw" "$t/$b.$k.p7s" "$t/$b.$k.ko" <<'PY'
import struct, sys
raw, sig = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
info = bytes([0, 0, 2, 0, 0, 0, 0, 0]) + struct.pack('>I', len(sig))
open(sys.argv[3], 'wb').write(raw + sig + info + b'~Module signature appended~\n')
PY
		done
		for c in a.pem a.der c.pem; do
			for m in "$b.a.ko" "$b.b.ko" "$b.c.ko" "$b.raw"; do
				python3 - "$t/$c" "$t/$m" "$d/$c-$m" <<'PY'
import struct, sys
cert, mod = open(sys.argv[1], 'rb').read(), open(sys.argv[2], 'rb').read()
open(sys.argv[3], 'wb').write(struct.pack('>H', len(cert)) + cert + mod)
PY
			done
		done
	done
	rm -rf "$t"
}

# this machine's /proc files where it has them, and lines as a 6.12 guest of
# tests/vm shows them (module taint letters, trusted keyrings, lockdown)
seeds_status() {
	local d=$work/seeds/status f
	mkdir -p "$d"
	for f in /proc/modules /proc/keys /sys/kernel/security/lockdown /proc/sys/kernel/tainted; do
		[ -r "$f" ] && cat "$f" > "$d/$(echo "$f" | tr / _)" 2>/dev/null
	done
	printf 'dummy 20480 0 - Live 0xffffffffc0a2d000 (OE)\nfat 102400 1 vfat, Live 0xffffffffc0a00000\n' \
		> "$d/modules"
	printf '%s\n' \
		'0b7c8f4a I------     1 perm 1f0b0000     0     0 keyring   .builtin_trusted_keys: 1' \
		'1c2f7e3a I------     1 perm 1f030000     0     0 asymmetri Build time autogenerated kernel key: 55fd4d852b51791debda9bc29aee705c141a3dcd: X509.rsa 141a3dcd []' \
		'2a4b6c8d I------     1 perm 1f0f0000     0     0 keyring   .secondary_trusted_keys: 2' \
		> "$d/keys"
	printf 'none [integrity] confidentiality\n' > "$d/lockdown"
	printf '12288\n' > "$d/tainted"
}

# the committed examples and broken files (tests/fuzz/regressions/policy,
# tests/malformed/policy)
seeds_policy() {
	mkdir -p "$work/seeds/policy"
	cp "$here/regressions/policy/"* "$here/../malformed/policy/"* "$work/seeds/policy/" 2>/dev/null
	return 0
}

# the committed crafted datagrams (tests/fuzz/regressions/uevent)
seeds_uevent() {
	mkdir -p "$work/seeds/uevent"
	cp "$here/regressions/uevent/"* "$work/seeds/uevent/"
}

# From libFuzzer's last status line, "#N DONE cov: C ft: F corp: ... exec/s: E"
# (or in -fork mode "#N: cov: C ft: F corp: K exec/s E ..."), and our own clock.
summary() {
	local t=$1 log=$work/logs/$1.log crashes
	local last secs
	last=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
	secs=$(cat "$work/logs/$t.time" 2>/dev/null || echo "?")
	crashes=$(ls "$work/crashes/$t" 2>/dev/null | wc -l)
	printf '%-10s %5ss  execs %-10s cov %-6s ft %-6s exec/s %-7s corpus %-6s findings %s\n' \
		"$t" "$secs" \
		"$(echo "$last" | sed -E 's/^#([0-9]+).*/\1/')" \
		"$(echo "$last" | sed -nE 's/.* cov: ([0-9]+).*/\1/p')" \
		"$(echo "$last" | sed -nE 's/.* ft: ([0-9]+).*/\1/p')" \
		"$(echo "$last" | sed -nE 's/.* exec\/s:? ([0-9]+).*/\1/p')" \
		"$(ls "$work/corpus/$t" | wc -l)" "$crashes"
}

run_one() {
	local t=$1 start
	mkdir -p "$work/corpus/$t" "$work/crashes/$t"
	start=$(date +%s)
	# -rss_limit_mb: the 1 GiB decompression cap must fit, with ASan's overhead.
	# FUZZ_ARGS adds options, e.g. "-fork=1 -ignore_crashes=1" to go on past
	# a known finding.
	"$work/bin/fuzz-$t" -max_total_time="$secs" -timeout=20 -rss_limit_mb=3072 \
		-max_len=262144 -print_final_stats=1 -artifact_prefix="$work/crashes/$t/" \
		${FUZZ_ARGS:-} "$work/corpus/$t" "$work/seeds/$t" > "$work/logs/$t.log" 2>&1
	echo "$t: exit $?" >> "$work/logs/$t.log"
	echo $(($(date +%s) - start)) > "$work/logs/$t.time"
}

status=0
for t in $targets; do
	[ -f "$here/fuzz-$t.c" ] || { echo "$t: no tests/fuzz/fuzz-$t.c" >&2; status=1; continue; }
	build "$t" || { echo "$t: build failed" >&2; status=1; continue; }
	[ -d "$work/seeds/$t" ] || "seeds_$t" || { echo "$t: no seeds" >&2; status=1; }
done

running=0
for t in $targets; do
	[ -x "$work/bin/fuzz-$t" ] || continue
	run_one "$t" &
	running=$((running + 1))
	if [ "$running" -ge "$jobs" ]; then
		wait -n
		running=$((running - 1))
	fi
done
wait
for t in $targets; do
	[ -f "$work/logs/$t.log" ] && summary "$t"
	if [ -n "$(ls "$work/crashes/$t" 2>/dev/null)" ]; then
		echo "$t: findings in $work/crashes/$t:"
		ls "$work/crashes/$t"
		status=1
	fi
done
exit $status
