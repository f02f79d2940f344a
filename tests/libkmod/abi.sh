#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# libkmod.so.2's ABI, read from the files themselves:
#  - the built library and the one `meson install --destdir` puts in place
#    export exactly kmod 34's symbols with their versions (kmod34-symbols),
#    plus kmod_module_new_from_name_lookup@LIBKMOD_5, and nothing else;
#  - every symbol Debian 12's libkmod.so.2 exports, with its version, is
#    there (what programs built on Debian 12 bind);
#  - soname libkmod.so.2; NEEDED only the C library (its loader included):
#    compression and crypto libraries are loaded on first use;
#  - our libkmod.h against Debian's: each of its function declarations
#    redeclared after ours (C refuses a different type), the list macros,
#    every enumerator's value and size;
#  - the installed libkmod.pc says libkmod >= 30, and a program built with
#    it alone (pkg-config, our header) runs.
#
# Usage: abi.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1 src=$2
here=$src/tests/libkmod
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail=0
oracle=/usr/lib/x86_64-linux-gnu/libkmod.so.2
kmod_header=/usr/include/libkmod.h
sanitized=$(grep -q -- '-fsanitize' "$build/compile_commands.json" && echo yes || echo no)

bad() {
	echo "FAIL: $*"
	fail=1
}

# "VERSION NAME" for each symbol a library defines (objdump -T; the version
# in parentheses when it is not the default one).
exports() {
	objdump -T "$1" | awk '$0 ~ /DF|DO/ && $0 !~ /\*UND\*|\*ABS\*/ {
		v = $(NF - 1); gsub(/[()]/, "", v); print v, $NF }' | sort
}

check_library() {
	lib=$1 what=$2
	[ -f "$lib" ] || { bad "$what: $lib missing"; return; }
	exports "$lib" > "$work/ours"
	{ grep '^LIBKMOD' "$here/kmod34-symbols"
	  echo "LIBKMOD_5 kmod_module_new_from_name_lookup"; } | sort > "$work/want"
	if ! cmp -s "$work/want" "$work/ours"; then
		bad "$what: exports differ from kmod 34's (- kmod 34, + ours):"
		diff "$work/want" "$work/ours" | grep '^[<>]' | sed 's/^</-/; s/^>/+/'
	fi
	missing=$(exports "$oracle" | comm -23 - "$work/ours")
	[ -z "$missing" ] || bad "$what: lacks what Debian 12's exports: $missing"
	soname=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
	[ "$soname" = libkmod.so.2 ] || bad "$what: soname $soname"
	if [ "$sanitized" = no ]; then
		needed=$(readelf -d "$lib" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' |
			grep -v -e '^libc\.so\.6$' -e '^ld-linux-x86-64\.so\.2$' || true)
		[ -z "$needed" ] || bad "$what: needs $needed (only the C library allowed)"
	fi
	echo "$what: $(wc -l < "$work/ours") symbols checked"
}

check_library "$build/src/libkmod/libkmod.so.2" built
echo "Debian 12's: $(exports "$oracle" | wc -l) symbols, all found"

# The header: prototypes and enum values against kmod's.
cc -E -P "$kmod_header" > "$work/kmod.i" 2>/dev/null
python3 "$here/abi-header.py" "$work/kmod.i" "$work"
cc -std=gnu11 -Wall -Werror -c -I"$src/src/libkmod" "$work/redeclare.c" -o "$work/redeclare.o" ||
	bad "libkmod.h: a declaration differs from kmod's"
cc -std=gnu11 -I"$src/src/libkmod" "$work/enums.c" -o "$work/enums-ours" &&
	cc -std=gnu11 "$work/enums.c" -o "$work/enums-kmod" &&
	"$work/enums-ours" > "$work/enums-ours.txt" && "$work/enums-kmod" > "$work/enums-kmod.txt" ||
	bad "libkmod.h: enums did not build"
cmp -s "$work/enums-ours.txt" "$work/enums-kmod.txt" ||
	bad "libkmod.h: enum values differ: $(diff "$work/enums-kmod.txt" "$work/enums-ours.txt")"

# The installed files (not for a sanitizer build: its library needs the
# runtime loaded first, which an outside program does not do).
if [ "$sanitized" = yes ]; then
	echo "install: skipped in a sanitizer build"
	exit $fail
fi
dest=$work/dest
meson install -C "$build" --destdir "$dest" --quiet >/dev/null 2>&1 ||
	meson install -C "$build" --destdir "$dest" >/dev/null
lib=$(find "$dest" -name libkmod.so.2 | head -1)
check_library "$(readlink -f "$lib")" installed
pc=$(find "$dest" -name libkmod.pc | head -1)
[ -n "$pc" ] || bad "libkmod.pc not installed"
[ -n "$(find "$dest" -name libkmod.h)" ] || bad "libkmod.h not installed"
if [ -n "$pc" ]; then
	export PKG_CONFIG_PATH
	PKG_CONFIG_PATH=$(dirname "$pc")
	pkg-config --atleast-version=30 libkmod || bad "libkmod.pc: version $(pkg-config --modversion libkmod) < 30"
	prefix=$(pkg-config --variable=prefix libkmod)
	# the .pc names the final prefix: point it at the destdir copy
	cflags=$(pkg-config --cflags libkmod | sed "s|-I$prefix|-I$dest$prefix|g")
	libs=$(pkg-config --libs libkmod | sed "s|-L$prefix|-L$dest$prefix|g")
	# shellcheck disable=SC2086 # flags are words
	cc -std=gnu11 -Wall -Werror $cflags "$here/compare.c" -o "$work/compare-ours" $libs ||
		bad "compare.c does not build with the installed header and library"
	if [ -x "$work/compare-ours" ]; then
		out=$(echo ext4 | LD_LIBRARY_PATH=$(dirname "$lib") "$work/compare-ours" /nonexistent \
			"$here/modprobe.d" 0 2>/dev/null | head -1)
		case $out in "dirname /nonexistent"*) ;; *) bad "the program built on ours: $out" ;; esac
		echo "installed: a program built with pkg-config libkmod and our header runs"
	fi
fi
exit $fail
