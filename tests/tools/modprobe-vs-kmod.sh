#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our modprobe against Debian's kmod 30 on the real 6.1 and 6.12 trees, with an
# empty configuration and with tests/tools/modprobe.d (every directive, broken
# lines): --show-depends of every module name and of a concrete string for
# every modules.alias pattern, --resolve-alias of the same, --showconfig, and
# exit codes.  stdout and exit status must be identical; names go in batches
# with -a (same batches for both) to keep the run short.
#
# Usage: modprobe-vs-kmod.sh OUR_MODPROBE
set -u
export LC_ALL=C

ours=$1
kmod=${KMOD_MODPROBE:-/usr/sbin/modprobe}
here=$(cd "$(dirname "$0")" && pwd)
trees=$("$here/../fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
mkdir "$work/empty"
pass=0 fail=0

check() {	# check NAME: compares $work/k.* with $work/o.*
	if cmp -s "$work/k.out" "$work/o.out" && cmp -s "$work/k.rc" "$work/o.rc"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL: $1 (exit $(cat "$work/k.rc") vs $(cat "$work/o.rc"))"
		diff "$work/k.out" "$work/o.out" | head -10
	fi
}

# both ARGS...: run kmod and ours with the same arguments
both() {
	"$kmod" "$@" >"$work/k.out" 2>/dev/null
	echo $? >"$work/k.rc"
	"$ours" "$@" >"$work/o.out" 2>/dev/null
	echo $? >"$work/o.rc"
}

# batched LIST ARGS...: the names of file LIST, 1000 a call, -a
batched() {
	local list=$1
	shift
	xargs -a "$list" -d '\n' -n 1000 "$kmod" "$@" -a >"$work/k.out" 2>/dev/null
	echo $? >"$work/k.rc"
	xargs -a "$list" -d '\n' -n 1000 "$ours" "$@" -a >"$work/o.out" 2>/dev/null
	echo $? >"$work/o.rc"
}

# A concrete string each modules.alias pattern matches: '*' empty, '?' and
# [...] their first possible character.
concrete_aliases() {
	python3 - "$1" <<'EOF'
import sys
seen = set()
for line in open(sys.argv[1], errors='replace'):
    w = line.split()
    if len(w) < 3 or w[0] != 'alias':
        continue
    p, out, i = w[1], [], 0
    while i < len(p):
        c = p[i]
        if c == '*':
            pass
        elif c == '?':
            out.append('0')
        elif c == '[':
            j = p.find(']', i + 2)
            if j < 0:
                out = None
                break
            cls = p[i + 1:j]
            out.append(cls[1] if cls[0] in '!^' and len(cls) > 1 and cls[1] != cls[0] else cls[0])
            i = j
        else:
            out.append(c)
        i += 1
    if out is not None:
        s = ''.join(out)
        if s and s not in seen:
            seen.add(s)
            print(s)
EOF
}

for tree in "$trees"/6.1 "$trees"/6.12; do
	dir=$(echo "$tree"/lib/modules/*)
	ver=$(basename "$dir")
	base=(-d "$tree" -S "$ver")
	sed -n 's/^\([^:]*\):.*/\1/p' "$dir/modules.dep" | sed 's|.*/||; s|\..*||' |
		sort -u >"$work/names"
	concrete_aliases "$dir/modules.alias" >"$work/aliases"
	for conf in "$work/empty" "$here/modprobe.d"; do
		cfg=(-C "$conf")
		tag="$ver $(basename "$conf")"
		batched "$work/names" "${base[@]}" "${cfg[@]}" -D
		check "$tag: -D every module name"
		batched "$work/aliases" "${base[@]}" "${cfg[@]}" -D
		check "$tag: -D a string for every alias pattern"
		batched "$work/aliases" "${base[@]}" "${cfg[@]}" -R
		check "$tag: -R a string for every alias pattern"
		both "${base[@]}" "${cfg[@]}" -c
		# weakdep is newer than kmod 30, which calls it a bad line
		grep -v '^weakdep ' "$work/o.out" >"$work/o.tmp" && mv "$work/o.tmp" "$work/o.out"
		check "$tag: -c"
		for args in "-D ext4 foo=1 bar=a\ b" "-D no-such-module" "-q -D no-such-module" \
			"-R no-such-module" "-R symbol:jbd2_journal_start" "-D symbol:no_such_symbol" \
			"-D bad]name" "-D myalias" "-b -D e1000e" "-D e1000e" "-i -D dummy" \
			"-D dummy x=1" "-D fakemod" "-D fakemod2" "-R fakemod2" "-D cifs" "-D xfs" \
			"-D glob123" "-R a-b-d" "-D pci:v00008086d000010D3sv00001234sd00005678bc02sc00i00" \
			"-b -D pci:v00008086d000010D3sv00001234sd00005678bc02sc00i00" "-D unix" \
			"-R unix" "-D fs-ext4" "-D -a ext4 no-such-module cifs" "-R -a e1000e nothing"; do
			eval "set -- $args"
			both "${base[@]}" "${cfg[@]}" "$@"
			check "$tag: $args"
		done
	done
	both "${base[@]}" -C "$work/empty"
	check "$ver: no module name"
	# --show-modversions and --show-exports of module files: every 20th of the
	# tree (the whole trees are compared by hand: slow under xz), then the
	# error cases: a name instead of a file, no file, not a module
	find "$dir" -name '*.ko*' | sort | awk 'NR % 20 == 1' >"$work/files"
	for opt in --show-modversions --dump-modversions --show-exports; do
		: >"$work/k.out"
		: >"$work/o.out"
		while read -r f; do
			"$kmod" "$opt" "$f" >>"$work/k.out" 2>/dev/null
			echo "rc $?" >>"$work/k.out"
			"$ours" "$opt" "$f" >>"$work/o.out" 2>/dev/null
			echo "rc $?" >>"$work/o.out"
		done <"$work/files"
		echo 0 >"$work/k.rc"
		echo 0 >"$work/o.rc"
		check "$ver: $opt of $(wc -l <"$work/files") module files"
	done
	for args in "--show-modversions e1000e" "--show-exports /nonexistent.ko" \
		"--show-exports $here/modprobe.d/10-every-directive.conf" \
		"--show-modversions --show-exports $(head -n 1 "$work/files")"; do
		eval "set -- $args"
		both "${base[@]}" "$@"
		check "$ver: $args"
	done
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
