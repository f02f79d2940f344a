#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Our depmod against Debian's kmod 30 on the real 6.1 (.ko) and 6.12 (.ko.xz)
# trees, each tool on its own hard-linked copy of the tree.  Prints per tree,
# warm (files in the page cache) and cold (caches dropped before every run,
# when this machine lets us: root, and not a container that forbids it), the
# medians of RUNS alternating full runs (ours with --no-cache), ours / kmod:
#   wall     elapsed time
#   cpu      user + sys seconds, all threads: what the wall ratio becomes on a
#            loaded machine, where threads wait
#   minflt   minor page faults (memory first touched: system time)
#   majflt   major page faults (pages read from disk)
# then, warm:
#   incr     median of RUNS incremental runs (one module replaced each time) / kmod's full
#   rss      peak RSS of the full runs, ours / kmod (/usr/bin/time's maximum)
#   Ir       callgrind instructions of one full run, ours (all threads) / kmod
# and checks that our outputs equal kmod's.  The load average is printed
# before and after: wall-time ratios mean little on a busy machine.
# Informative: exits 0 unless a command fails.
#
# Usage: depmod-bench.sh OUR_DEPMOD     (RUNS=n, default 5; CALLGRIND=0 skips
# callgrind; COLD=0 skips the cold runs)
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


# timed OUTFILE CMD...: appends one run's "microseconds peak_rss_kb cpu_seconds minflt majflt"
timed() {
	local out=$1 t0 t1; shift
	[ "$mode" = cold ] && drop_caches
	t0=${EPOCHREALTIME/./}
	/usr/bin/time -f '%M %U %S %R %F' -o "$work/rss" "$@" >/dev/null 2>&1 || return 1
	t1=${EPOCHREALTIME/./}
	echo "$((t1 - t0)) $(tail -n 1 "$work/rss" | awk '{ printf "%d %.3f %d %d", $1, $2 + $3, $4, $5 }')" >>"$out"
}
drop_caches() { sync && echo 3 >/proc/sys/vm/drop_caches; }
# median N FILE: the median of column N
median() { cut -d' ' -f"$1" "$2" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p"; }
peak() { cut -d' ' -f"$1" "$2" | sort -g | tail -n 1; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a > 0) printf "%.3f", b / a; else print "-" }'; }
ir() {
	valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" "$@" >/dev/null 2>&1 || return 1
	cat "$work"/cg.* | sed -n 's/^summary: //p' | awk '{ s += $1 } END { print s }'
	rm -f "$work"/cg.*
}

# full_runs TAG MODE: RUNS alternating full runs into $work/k.t and $work/o.t, one table row
full_runs() {
	local tag=$1 goal='<=0.25' cgoal=-
	mode=$2
	: >"$work/k.t"; : >"$work/o.t"
	for ((i = 0; i < RUNS; i++)); do
		timed "$work/k.t" "$kmod" -b "$work/$tag-k" "$ver" &&
		timed "$work/o.t" "$ours" --no-cache -b "$work/$tag-o" "$ver" || { status=1; break; }
	done
	mode=warm
	same_indexes "$k" "$o" 2>/dev/null || { echo "$tag: full run: outputs differ from kmod's" >&2; status=1; }
	[ "$tag" = 6.12 ] && goal='<=0.5' cgoal='<=0.95'
	printf '%-5s %-4s %9.1f %9.1f %6s %-6s %7.2f %7.2f %6s %-6s %8d %8d %6s %6d %6d %6s\n' \
		"$tag" "$2" "$(ratio 1000 "$(median 1 "$work/k.t")")" "$(ratio 1000 "$(median 1 "$work/o.t")")" \
		"$(ratio "$(median 1 "$work/k.t")" "$(median 1 "$work/o.t")")" "$goal" \
		"$(median 3 "$work/k.t")" "$(median 3 "$work/o.t")" \
		"$(ratio "$(median 3 "$work/k.t")" "$(median 3 "$work/o.t")")" "$cgoal" \
		"$(median 4 "$work/k.t")" "$(median 4 "$work/o.t")" \
		"$(ratio "$(median 4 "$work/k.t")" "$(median 4 "$work/o.t")")" \
		"$(median 5 "$work/k.t")" "$(median 5 "$work/o.t")" \
		"$(ratio "$(median 5 "$work/k.t")" "$(median 5 "$work/o.t")")"
}

# incr_runs TAG: RUNS incremental runs, each after replacing one module; the second table's row
incr_runs() {
	local tag=$1 kt km om kir=- oir=- irr=-
	kt=$(median 1 "$work/k.t"); km=$(peak 2 "$work/k.t"); om=$(peak 2 "$work/o.t")
	"$ours" -b "$work/$tag-o" "$ver" 2>/dev/null	# fills the cache
	: >"$work/i.t"
	for ((i = 0; i < RUNS; i++)); do
		victim=$(find "$o/kernel" -name '*.ko*' | sort | sed -n "$((100 + 37 * i))p")
		cp "$victim" "$victim.new" && mv "$victim.new" "$victim"
		timed "$work/i.t" "$ours" -b "$work/$tag-o" "$ver" || { status=1; break; }
	done
	same_indexes "$k" "$o" 2>/dev/null || { echo "$tag: incremental: outputs differ from kmod's" >&2; status=1; }
	if [ "${CALLGRIND:-1}" != 0 ] && command -v valgrind >/dev/null; then
		kir=$(ir "$kmod" -b "$work/$tag-k" "$ver") && oir=$(ir "$ours" --no-cache -b "$work/$tag-o" "$ver") &&
			irr=$(ratio "$kir" "$oir")
	fi
	printf '%-5s %9.1f %7s %-6s %8.1f %8.1f %6s %12s %12s %6s\n' "$tag" \
		"$(ratio 1000 "$(median 1 "$work/i.t")")" "$(ratio "$kt" "$(median 1 "$work/i.t")")" "<=0.05" \
		"$(ratio 1024 "$km")" "$(ratio 1024 "$om")" "$(ratio "$km" "$om")" "$kir" "$oir" "$irr"
}

status=0 mode=warm cold=0
if [ "${COLD:-1}" != 0 ]; then
	if drop_caches 2>/dev/null; then
		cold=1
	else
		echo "cold runs skipped: cannot write /proc/sys/vm/drop_caches here"
	fi
fi
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
: >"$work/incr"
printf '%-5s %-4s %9s %9s %6s %-6s %7s %7s %6s %-6s %8s %8s %6s %6s %6s %6s\n' tree run 'kmod ms' 'ours ms' \
	wall goal 'kmod s' 'ours s' cpu goal 'kmod mf' 'ours mf' minflt 'kmod' 'ours' majflt
for tag in 6.1 6.12; do
	k=$(copy_tree "$tag" "$tag-k")
	o=$(copy_tree "$tag" "$tag-o")
	ver=$(basename "$k")
	[ "$cold" = 1 ] && full_runs "$tag" cold
	# warm last: its full runs are the incremental runs' reference
	full_runs "$tag" warm
	incr_runs "$tag" >>"$work/incr"
	rm -rf "$work/$tag-k" "$work/$tag-o"
done
echo
printf '%-5s %9s %7s %-6s %8s %8s %6s %12s %12s %6s\n' tree 'incr ms' incr goal 'kmod MB' 'ours MB' rss \
	'kmod Ir' 'ours Ir' Ir
cat "$work/incr"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wall, cpu (user+sys s), minflt, majflt: medians of $RUNS alternating full runs (ours with"
echo "--no-cache), ours / kmod; cold: page cache dropped before every run.  incr: median of $RUNS"
echo "runs after replacing one module, over kmod's warm full time; rss: peak of the warm full runs;"
echo "Ir: callgrind, all threads"
exit $status
