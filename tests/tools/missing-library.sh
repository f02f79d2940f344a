#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A compression library that cannot be loaded is a fault of the machine, not
# of the modules: depmod must stop with one line naming the library and leave
# the indexes it had byte for byte, and modinfo, insmod and modprobe must say
# the same in one line and fail.  Each library is hidden in a private mount
# namespace (an empty file bound over it), so dlopen() finds it and fails
# (needs root, as CI has).
#
# Usage: missing-library.sh BUILD_DIR
set -u
export LC_ALL=C
build=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/depmod-lib.sh"
trees=$("$here/../fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
: > "$work/empty"

if ! unshare -m true 2>/dev/null; then
	fail "unshare -m is refused here: the test needs root and mount namespaces"
	finish
	exit
fi

# the file behind SONAME as the loader finds it
library_file() {
	readlink -f "$(ldconfig -p | grep -F "$1 (" | grep x86-64 | head -n 1 | sed 's/.*=> //')"
}

# hidden SONAME COMMAND...: run COMMAND where SONAME cannot be loaded
hidden() {
	local lib
	lib=$(library_file "$1")
	shift
	unshare -m sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' _ \
		"$work/empty" "$lib" "$@"
}

# tree FORMAT COMPRESSOR: a small tree (e1000e, dummy, bridge and what they
# need) compressed with COMPRESSOR, indexed by our depmod; prints its dir
tree() {
	local fmt=$1 compress=$2 src dir ver f
	src=$trees/6.1/lib/modules
	ver=$(ls "$src")
	dir=$work/$fmt/lib/modules/$ver
	mkdir -p "$dir"
	cp "$src/$ver"/modules.order "$src/$ver"/modules.builtin* "$dir/"
	for f in $(/usr/sbin/modprobe -C /dev/null -d "$trees/6.1" -S "$ver" -D -a e1000e dummy bridge |
		awk '$1 == "insmod" { print $2 }' | sed "s#^$src/$ver/##"); do
		mkdir -p "$dir/$(dirname "$f")"
		$compress < "$src/$ver/$f" > "$dir/$f.$fmt"
	done
	"$build/tools/depmod" -b "$work/$fmt" "$ver" || return 1
	echo "$dir"
}

# one_line_naming FILE SONAME: FILE is one line and names the library
one_line_naming() {
	[ "$(wc -l < "$1")" -eq 1 ] && grep -qF "$2" "$1"
}

check_library() {
	local soname=$1 fmt=$2 compress=$3 dir ver rc
	dir=$(tree "$fmt" "$compress") || { fail "$soname: could not make the tree"; return; }
	ver=$(basename "$dir")
	mkdir "$work/$fmt.old"
	for f in $INDEX_FILES; do cp -p "$dir/$f" "$work/$fmt.old/"; done
	# newer modules: the cache no longer vouches for them, each must be read
	find "$dir" -name "*.ko.$fmt" -exec touch -d '+1 minute' {} +

	hidden "$soname" "$build/tools/depmod" -b "$work/$fmt" "$ver" > "$work/out" 2> "$work/err"
	rc=$?
	check "$soname hidden: depmod fails" [ $rc -ne 0 ]
	check "$soname hidden: depmod says so in one line naming it" one_line_naming "$work/err" "$soname"
	check "$soname hidden: the indexes are the old ones, byte for byte" \
		same_indexes "$dir" "$work/$fmt.old"
	check "$soname hidden: no temporary file left" \
		[ -z "$(find "$dir" -maxdepth 1 -name '.*.tmp')" ]
	sed 's/^/  depmod: /' "$work/err"

	hidden "$soname" "$build/tools/modinfo" -b "$work/$fmt" -k "$ver" -F depends e1000e \
		> "$work/out" 2> "$work/err"
	rc=$?
	check "$soname hidden: modinfo fails in one line naming it" \
		eval '[ $rc -ne 0 ] && one_line_naming "$work/err" "$soname"'
	sed 's/^/  modinfo: /' "$work/err"

	hidden "$soname" "$build/tools/insmod" "$dir/kernel/drivers/net/dummy.ko.$fmt" \
		> "$work/out" 2> "$work/err"
	rc=$?
	check "$soname hidden: insmod fails in one line naming it" \
		eval '[ $rc -ne 0 ] && one_line_naming "$work/err" "$soname"'
	sed 's/^/  insmod: /' "$work/err"

	hidden "$soname" "$build/tools/modprobe" -d "$work/$fmt" -S "$ver" dummy \
		> "$work/out" 2> "$work/err"
	rc=$?
	check "$soname hidden: modprobe fails in one line naming it" \
		eval '[ $rc -ne 0 ] && one_line_naming "$work/err" "$soname"'
	sed 's/^/  modprobe: /' "$work/err"

	# and with the library there, the same tree is fine: the failure was the library's
	check "$soname present: depmod succeeds" "$build/tools/depmod" -b "$work/$fmt" "$ver"
}

check_library liblzma.so.5 xz "xz -c --check=crc32"
check_library libzstd.so.1 zst "zstd -q -c"
check_library libz.so.1 gz "gzip -c"
finish
