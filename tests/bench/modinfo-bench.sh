#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our modinfo against Debian's kmod on the real 6.1 and 6.12 trees: callgrind
# instruction counts (Ir, dynamic loader included for both) and wall-time medians
# of 21 alternating runs, printed as ratios ours/kmod beside the goals.
# Informative only: exits 0 unless a command fails.
#
# Usage: modinfo-bench.sh OUR_MODINFO
#   KMOD_MODINFO overrides the reference (default /usr/sbin/modinfo, a link to kmod
#   that dispatches on its name, so it is run through the link).
set -u
export LC_ALL=C

if [ $# -ne 1 ]; then
	echo "usage: $0 OUR_MODINFO" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
case $1 in
/*) ours=$1 ;;
*) ours=$PWD/$1 ;;
esac
kmod=${KMOD_MODINFO:-/usr/sbin/modinfo}
command -v valgrind >/dev/null || { echo "$0: valgrind is needed" >&2; exit 1; }
trees=$("$here/../fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
RUNS=21

# ensure_indexes ROOT VER: kmod's indexes, built once under a lock
ensure_indexes() {
	local dir=$1/lib/modules/$2
	flock "$dir/.modinfo-vs-kmod.lock" sh -c \
		'[ -f "$1/modules.dep.bin" ] || /usr/sbin/depmod -b "$2" "$3"' \
		_ "$dir" "$1" "$2"
}

# instructions PROG ARGS...: callgrind's Ir total for one run
instructions() {
	valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" \
		"$@" >/dev/null 2>"$work/cg.err" || { cat "$work/cg.err" >&2; return 1; }
	sed -n 's/^summary: //p' "$work/cg.out"
}

# medians ARGS...: wall-time medians in microseconds of kmod and ours, run
# alternately so that both see the same machine load; prints "KMOD OURS"
medians() {
	local i t0 t1
	: >"$work/k.t"
	: >"$work/o.t"
	for ((i = 0; i < RUNS; i++)); do
		t0=${EPOCHREALTIME/./}
		"$kmod" "$@" >/dev/null 2>&1 || return 1
		t1=${EPOCHREALTIME/./}
		echo $((t1 - t0)) >>"$work/k.t"
		t0=${EPOCHREALTIME/./}
		"$ours" "$@" >/dev/null 2>&1 || return 1
		t1=${EPOCHREALTIME/./}
		echo $((t1 - t0)) >>"$work/o.t"
	done
	echo "$(sort -n "$work/k.t" | sed -n "$((RUNS / 2 + 1))p")" \
		"$(sort -n "$work/o.t" | sed -n "$((RUNS / 2 + 1))p")"
}

ratio() {	# ratio A B: B/A with two decimals
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a ? b / a : 0 }'
}

verdict() {	# verdict RATIO GOAL
	awk -v r="$1" -v g="$2" 'BEGIN { print (r <= g) ? "met" : "MISSED" }'
}

status=0
printf '%-5s %-12s %12s %12s %6s %-12s %9s %9s %6s %-12s\n' tree command \
	'kmod Ir' 'ours Ir' ratio 'goal' 'kmod ms' 'ours ms' ratio 'goal'
for tag in 6.1 6.12; do
	root=$trees/$tag
	ver=$(ls "$root/lib/modules" | head -n 1)
	ensure_indexes "$root" "$ver" || { echo "$0: depmod failed on $root" >&2; exit 1; }
	for cmd in plain depends; do
		args=(-b "$root" -k "$ver" e1000e)
		[ $cmd = depends ] && args=(-b "$root" -k "$ver" -F depends e1000e)
		case $tag/$cmd in
		6.1/plain) goal=0.25 ;;
		6.1/depends) goal=0.10 ;;
		*) goal=0.90 ;;
		esac
		if ! cmp -s <("$kmod" "${args[@]}" 2>&1) <("$ours" "${args[@]}" 2>&1); then
			echo "note: outputs differ for modinfo ${args[*]}" >&2
		fi
		kt= ot=
		if ! kir=$(instructions "$kmod" "${args[@]}") ||
			! oir=$(instructions "$ours" "${args[@]}") ||
			! read -r kt ot < <(medians "${args[@]}") || [ -z "${kt:-}" ]; then
			echo "$0: modinfo ${args[*]} failed" >&2
			status=1
			continue
		fi
		ir=$(ratio "$kir" "$oir")
		wt=$(ratio "$kt" "$ot")
		printf '%-5s %-12s %12s %12s %6s %-12s %9.2f %9.2f %6s %-12s\n' \
			"$tag" "$cmd" "$kir" "$oir" "$ir" "<=$goal $(verdict "$ir" "$goal")" \
			"$(ratio 1000 "$kt")" "$(ratio 1000 "$ot")" "$wt" \
			"<=$goal $(verdict "$wt" "$goal")"
	done
done
echo "commands: modinfo -b ROOT -k VER e1000e (plain), modinfo -b ROOT -k VER -F depends e1000e (depends)"
echo "Ir: callgrind instructions incl. the dynamic loader; ms: median of $RUNS alternating runs"
echo "load average during the run: $(cut -d ' ' -f 1-3 /proc/loadavg) (wall times are noisy when it exceeds the 2 cores)"
exit $status
