#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our depmod against Debian's kmod 30 on the real 6.1 (.ko) and 6.12 (.ko.xz)
# trees, each tool on its own hard-linked copy of the tree.  Prints per tree:
#   full     wall-time median of RUNS alternating full runs, ours (--no-cache) / kmod
#   incr     median of RUNS incremental runs (one module replaced each time) / kmod's full
#   cpu      CPU time (user + sys, all threads) of the full runs, medians, ours / kmod:
#            what the wall ratio becomes on a loaded machine, where threads wait
#   rss      peak RSS of a full run, ours / kmod (/usr/bin/time -v's maximum)
#   Ir       callgrind instructions of one full run, ours (all threads) / kmod
# and checks that our outputs equal kmod's.  The load average is printed
# before and after: wall-time ratios mean little on a busy machine.
# Informative: exits 0 unless a command fails.
#
# Usage: depmod-bench.sh OUR_DEPMOD     (RUNS=n, default 5; CALLGRIND=0 skips callgrind)
set -u
export LC_ALL=C
if [ $# -ne 1 ]; then
	echo "usage: $0 OUR_DEPMOD" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
ours=$(realpath "$1")
kmod=${KMOD_DEPMOD:-/usr/sbin/depmod}
RUNS=${RUNS:-5}
[ -x /usr/bin/time ] || { echo "$0: /usr/bin/time is needed (apt-get install time)" >&2; exit 1; }
trees=$("$here/../fetch-trees.sh") || exit 1
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
. "$here/../tools/depmod-lib.sh"


# timed OUTFILE CMD...: appends "microseconds peak_rss_kb cpu_seconds" of one run
timed() {
	local out=$1 t0 t1; shift
	t0=${EPOCHREALTIME/./}
	/usr/bin/time -f '%M %U %S' -o "$work/rss" "$@" >/dev/null 2>&1 || return 1
	t1=${EPOCHREALTIME/./}
	echo "$((t1 - t0)) $(tail -n 1 "$work/rss" | awk '{ printf "%d %.3f", $1, $2 + $3 }')" >>"$out"
}
median() { sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a ? b / a : 0 }'; }
ir() {
	valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" "$@" >/dev/null 2>&1 || return 1
	cat "$work"/cg.* | sed -n 's/^summary: //p' | awk '{ s += $1 } END { print s }'
	rm -f "$work"/cg.*
}

status=0
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
printf '%-5s %9s %9s %7s %-6s %6s %9s %7s %-6s %8s %8s %6s %12s %12s %6s\n' tree 'kmod ms' 'ours ms' full goal \
	cpu 'incr ms' incr goal 'kmod MB' 'ours MB' rss 'kmod Ir' 'ours Ir' Ir
for tag in 6.1 6.12; do
	k=$(copy_tree "$tag" "$tag-k")
	o=$(copy_tree "$tag" "$tag-o")
	ver=$(basename "$k")
	: >"$work/k.t"; : >"$work/o.t"; : >"$work/i.t"
	for ((i = 0; i < RUNS; i++)); do
		timed "$work/k.t" "$kmod" -b "$work/$tag-k" "$ver" &&
		timed "$work/o.t" "$ours" --no-cache -b "$work/$tag-o" "$ver" || { status=1; break; }
	done
	same_indexes "$k" "$o" 2>/dev/null || { echo "$tag: full run: outputs differ from kmod's" >&2; status=1; }
	"$ours" -b "$work/$tag-o" "$ver" 2>/dev/null	# fills the cache
	for ((i = 0; i < RUNS; i++)); do
		victim=$(find "$o/kernel" -name '*.ko*' | sort | sed -n "$((100 + 37 * i))p")
		cp "$victim" "$victim.new" && mv "$victim.new" "$victim"
		timed "$work/i.t" "$ours" -b "$work/$tag-o" "$ver" || { status=1; break; }
	done
	same_indexes "$k" "$o" 2>/dev/null || { echo "$tag: incremental: outputs differ from kmod's" >&2; status=1; }
	kt=$(cut -d' ' -f1 "$work/k.t" | median); ot=$(cut -d' ' -f1 "$work/o.t" | median)
	it=$(cut -d' ' -f1 "$work/i.t" | median)
	km=$(cut -d' ' -f2 "$work/k.t" | sort -n | tail -n 1); om=$(cut -d' ' -f2 "$work/o.t" | sort -n | tail -n 1)
	kc=$(cut -d' ' -f3 "$work/k.t" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
	oc=$(cut -d' ' -f3 "$work/o.t" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p")
	kir=- oir=- irr=-
	if [ "${CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
		kir=$(ir "$kmod" -b "$work/$tag-k" "$ver") && oir=$(ir "$ours" --no-cache -b "$work/$tag-o" "$ver") &&
			irr=$(ratio "$kir" "$oir")
	fi
	goal=0.25; [ "$tag" = 6.12 ] && goal=0.5
	printf '%-5s %9.1f %9.1f %7s %-6s %6s %9.1f %7s %-6s %8.1f %8.1f %6s %12s %12s %6s\n' "$tag" \
		"$(ratio 1000 "$kt")" "$(ratio 1000 "$ot")" "$(ratio "$kt" "$ot")" "<=$goal" \
		"$(ratio "$kc" "$oc")" \
		"$(ratio 1000 "$it")" "$(ratio "$kt" "$it")" "<=0.05" \
		"$(ratio 1024 "$km")" "$(ratio 1024 "$om")" "$(ratio "$km" "$om")" "$kir" "$oir" "$irr"
	rm -rf "$work/$tag-k" "$work/$tag-o"
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "full: median of $RUNS alternating full runs (ours with --no-cache); cpu: their user+sys medians;"
echo "incr: median of $RUNS runs"
echo "after replacing one module, over kmod's full time; rss: peak of the full runs; Ir: callgrind, all threads"
exit $status
