#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Fetch Debian 12's real kernel module trees (6.1 plain .ko, 6.12 .ko.xz) into a
# cache outside the source tree and print the cache directory.  Package names
# are resolved at run time: Debian moves the ABI number with every point release.
#
# Usage: fetch-trees.sh [CACHE_DIR]   (default: $MODTOOL_CACHE or /var/cache/modtool)
set -eu

cache=${1:-${MODTOOL_CACHE:-/var/cache/modtool}}
mkdir -p "$cache/debs" "$cache/trees"
# tests call this side by side: one fetches and indexes, the others wait
exec 9> "$cache/.lock"
flock 9

newest() {
	# newest package whose name matches the extended regex $1
	apt-cache search --names-only "$1" | awk '{print $1}' | grep -E "$1" |
		sort -V | tail -n 1
}

fetch() {
	tag=$1 pkg=$2
	[ -n "$pkg" ] || { echo "fetch-trees: no package found for $tag" >&2; exit 1; }
	if [ ! -f "$cache/trees/$tag.pkg" ] || [ "$(cat "$cache/trees/$tag.pkg")" != "$pkg" ]; then
		rm -rf "$cache/trees/$tag" "$cache/trees/$tag.pkg"
		(cd "$cache/debs" && ls "${pkg}"_*.deb >/dev/null 2>&1 || apt-get download "$pkg" >&2)
		mkdir -p "$cache/trees/$tag"
		dpkg-deb -x "$cache/debs/${pkg}"_*.deb "$cache/trees/$tag"
		echo "$pkg" > "$cache/trees/$tag.pkg"
	fi
	# the packages ship no indexes (their postinst runs depmod): Debian's
	# kmod, the oracle, makes them, so every test finds an indexed tree
	ver=$(ls "$cache/trees/$tag/lib/modules")
	[ -f "$cache/trees/$tag/lib/modules/$ver/modules.dep.bin" ] ||
		/usr/sbin/depmod -b "$cache/trees/$tag" "$ver"
}

fetch 6.1 "$(newest '^linux-image-6\.1\.0-[0-9]+-amd64$')"
fetch 6.12 "$(newest '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$')"
echo "$cache/trees"
