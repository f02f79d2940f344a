#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# One program built against Debian's libkmod (tests/libkmod/compare.c), run
# unchanged on Debian's libkmod.so.2 and on ours (LD_LIBRARY_PATH), on both
# real trees: a few hundred module names, modaliases and symbols taken from
# the trees' own indexes, with the configuration of modprobe.d/.  The two
# outputs must be the same, byte for byte.
#
# Usage: compare.sh COMPARE_PROGRAM OUR_LIBRARY_DIR SOURCE_DIR
set -eu
prog=$1 ourlib=$2 src=$3

# Whether a module is in the kernel is read from /sys/module: this machine's
# own kernel (not the trees') would decide the probes.  Both libraries run
# with an empty /sys/module of their own (a private mount namespace), where
# only what a tree builds in is in the kernel.
if [ "${COMPARE_IN_NAMESPACE:-}" != 1 ]; then
	if ! unshare -m true 2>/dev/null; then
		echo "SKIP: a mount namespace is needed (root)"
		exit 77
	fi
	COMPARE_IN_NAMESPACE=1 exec unshare -m sh -c \
		'mount -t tmpfs none /sys/module && exec "$0" "$@"' "$0" "$@"
fi

# A few modules as the kernel shows them when loaded: live (with references,
# holders, sections), coming, going.  (A directory without initstate is left
# out: there the libraries differ on purpose, tests/kmod-differences.md.)
sysfs_module() {
	mkdir -p "/sys/module/$1/holders" "/sys/module/$1/sections"
	echo "$2" > "/sys/module/$1/initstate"
	echo "$3" > "/sys/module/$1/refcnt"
	echo "$4" > "/sys/module/$1/coresize"
	for h in $5; do mkdir "/sys/module/$1/holders/$h"; done
	echo 0xffffffffc0a01000 > "/sys/module/$1/sections/.text"
	echo 0xffffffffc0a09000 > "/sys/module/$1/sections/.data"
	echo 0xffffffffc0a0a000 > "/sys/module/$1/sections/__mcount_loc"
}
sysfs_module mbcache live 2 16384 "ext4 jbd2"
sysfs_module jbd2 live 1 176128 ext4
sysfs_module ext4 live 0 1130496 ""
sysfs_module crc16 coming 0 12288 ""
sysfs_module e1000e going 0 360448 ""
export COMPARE_SYSFS_MODULES="mbcache jbd2 ext4 crc16 e1000e nosuchmodule snd_hda_intel"

cache=${MODTOOL_CACHE:-/var/cache/modtool}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0

# The program must really run on each library.
lib_of() {
	env -u LD_LIBRARY_PATH ${1:+LD_LIBRARY_PATH=$1} ldd "$prog" |
		awk '$1 == "libkmod.so.2" { print $3 }'
}
debian=$(lib_of "")
ours=$(lib_of "$ourlib")
case $ours in "$ourlib"/*) ;; *) echo "FAIL: ours not loaded: $ours"; exit 1 ;; esac
case $debian in "$ourlib"/*|"") echo "FAIL: Debian's libkmod not loaded: $debian"; exit 1 ;; esac

# A copy of a tree's indexes and an empty configuration directory, which
# the program changes to see kmod_validate_resources() answer.
export COMPARE_RESOURCES_DIR="$work/resources"
fresh_resources() {
	rm -rf "$COMPARE_RESOURCES_DIR"
	mkdir -p "$COMPARE_RESOURCES_DIR/tree" "$COMPARE_RESOURCES_DIR/conf"
	cp "$1"/modules.*.bin "$COMPARE_RESOURCES_DIR/tree/"
}

# how many modules get info, versions, symbols and dependency symbols compared
detail=60
[ "${COMPARE_FULL:-}" = 1 ] && detail=1000000

for kver in 6.1 6.12; do
	tree=$(echo "$cache/trees/$kver/lib/modules/"*)
	if [ ! -f "$tree/modules.dep.bin" ]; then
		echo "SKIP: no tree $kver (tests/fetch-trees.sh)"
		exit 77
	fi
	names=$work/names-$kver
	{
		# every 40th alias (modaliases with patterns, of every bus), module
		# names from modules.dep, built-in modules, symbols
		# COMPARE_FULL=1: every module name, every 5th alias, every 10th symbol
		# (a few minutes; about 5 million lines a tree)
		if [ "${COMPARE_FULL:-}" = 1 ]; then
			awk -F: '{ n = $1; sub(".*/", "", n); sub("\\.ko.*", "", n); print n }' \
				"$tree/modules.dep"
			awk 'NR % 5 == 0 { print $2 }' "$tree/modules.alias"
			awk 'NR % 10 == 0 { print $2 }' "$tree/modules.symbols"
		fi
		awk 'NR % 40 == 1 { print $2 }' "$tree/modules.alias"
		awk -F: 'NR % 25 == 1 { n = $1; sub(".*/", "", n); sub("\\.ko.*", "", n); print n }' \
			"$tree/modules.dep"
		awk 'NR % 30 == 1 { n = $1; sub(".*/", "", n); sub("\\.ko$", "", n); print n }' \
			"$tree/modules.builtin"
		awk 'NR % 300 == 1 { print $2 }' "$tree/modules.symbols"
		printf '%s\n' ext4 e1000e e1000 snd-hda-intel mydummy my-pattern-x ext4-alias \
			usb_storage pcspkr ac97_bus crc32c mbcache nosuchmodule 'symbol:nosuch' \
			'[unbalanced' 'pci:v00008086d00001502sv*sd*bc*sc*i*' tracefs vfat
	} > "$names"
	files=$(awk -F: 'NR % 400 == 7 { print "'"$tree"'/" $1 }' "$tree/modules.dep")
	echo "$kver: $(wc -l < "$names") names, $(echo "$files" | wc -w) module files"
	fresh_resources "$tree"
	# shellcheck disable=SC2086 # the module files are words
	env -u LD_LIBRARY_PATH ASAN_OPTIONS=detect_leaks=0 "$prog" "$tree" "$src/tests/libkmod/modprobe.d" "$detail" $files \
		< "$names" > "$work/kmod-$kver.out" 2> "$work/kmod-$kver.err" || {
		echo "FAIL: $kver: the program failed on Debian's libkmod"; status=1; continue; }
	fresh_resources "$tree"
	# shellcheck disable=SC2086
	LD_LIBRARY_PATH=$ourlib "$prog" "$tree" "$src/tests/libkmod/modprobe.d" "$detail" $files \
		< "$names" > "$work/ours-$kver.out" 2> "$work/ours-$kver.err" || {
		echo "FAIL: $kver: the program failed on ours"; cat "$work/ours-$kver.err"
		status=1; continue; }
	if cmp -s "$work/kmod-$kver.out" "$work/ours-$kver.out"; then
		echo "ok: $kver: $(wc -l < "$work/ours-$kver.out") lines the same"
	else
		echo "FAIL: $kver: the outputs differ"
		diff -u "$work/kmod-$kver.out" "$work/ours-$kver.out" | head -80
		status=1
	fi
done
exit $status
