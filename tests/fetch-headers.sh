#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian's Module.symvers of the two kernels of tests/fetch-trees.sh, from
# their linux-headers packages (apt-get download, cached): the kernel's own
# record of its exports, an oracle for what modtool reads from the images.
# Prints the directory holding TAG/Module.symvers (6.1, 6.12).
#
# Usage: fetch-headers.sh            ($MODTOOL_CACHE, default /var/cache/modtool)
set -eu
cache=${MODTOOL_CACHE:-/var/cache/modtool}
trees=$("$(dirname "$0")/fetch-trees.sh")
dir=$cache/headers
mkdir -p "$dir"
for tag in 6.1 6.12; do
	kver=$(ls "$trees/$tag/lib/modules" | head -n 1)
	out=$dir/$tag/Module.symvers
	[ -s "$out" ] && continue
	pkg=linux-headers-$kver
	(cd "$dir" && ls "${pkg}"_*.deb > /dev/null 2>&1 || apt-get download "$pkg" >&2)
	mkdir -p "$dir/$tag"
	dpkg-deb --fsys-tarfile "$(ls "$dir/${pkg}"_*.deb | head -n 1)" |
		tar -xO "./usr/src/$pkg/Module.symvers" > "$out.tmp"
	mv "$out.tmp" "$out"
done
echo "$dir"
