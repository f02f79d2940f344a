#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Compare our modinfo with Debian's kmod modinfo on the real 6.1 and 6.12 module
# trees.  stdout bytes and the exit status must be identical; stderr may be worded
# differently, but must not be empty where kmod's is not.
#
# Usage: modinfo-vs-kmod.sh OUR_MODINFO
#   KMOD_MODINFO overrides the reference (default /usr/sbin/modinfo, a link to kmod
#   that dispatches on its name, so it must be called through the link).
#
# Sections, per tree: (a) every module file by path, in batches, plain, -0,
# -F signer and -F sig_key; (b) a fixed sample of names, aliases, builtins and
# symbols looked up with -b/-k under each option: the names kmod finds in one
# run per option (a batch), each name that kmod does not find alone, since a
# batch's exit status and stderr would hide one name's; (c) once, hostile
# files, where kmod is the reference for the exit status only.  A batch that
# differs is retried a name at a time: each name counts as one case.
# Ends with "N passed, M failed".
set -u
export LC_ALL=C

if [ $# -ne 1 ]; then
	echo "usage: $0 OUR_MODINFO" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
# absolute, since the cases run inside the trees; not resolved, since a link's
# name may choose the tool
case $1 in
/*) OURS=$1 ;;
*) OURS=$PWD/$1 ;;
esac
KMOD=${KMOD_MODINFO:-/usr/sbin/modinfo}
for prog in "$OURS" "$KMOD"; do
	[ -x "$prog" ] || { echo "$0: $prog: not executable" >&2; exit 1; }
done
TREES=$("$here/../fetch-trees.sh") || { echo "$0: fetch-trees.sh failed" >&2; exit 1; }
case $TREES in
*[[:space:]]*) echo "$0: $TREES: whitespace in the trees path" >&2; exit 1 ;;
esac
WORK=$(mktemp -d) || exit 1
trap 'rm -rf "$WORK"' EXIT
export OURS KMOD WORK

PASSED=0 FAILED=0
SHOW=3			# mismatches shown in full per section and tree

# ---------------------------------------------------------------------------
# Helpers, also run by the parallel workers (exported below).

# run_both DIR ARGS...: run kmod and ours; DIR/{k,o}.{out,err,rc} get the results.
# A hang counts as a failure (timeout's 124), not as a stuck test run.
run_both() {
	local d=$1
	shift
	timeout -k 5 120 "$KMOD" "$@" >"$d/k.out" 2>"$d/k.err"
	echo $? >"$d/k.rc"
	timeout -k 5 120 "$OURS" "$@" >"$d/o.out" 2>"$d/o.err"
	echo $? >"$d/o.rc"
}

# same DIR: same stdout bytes and exit status; stderr not empty where kmod's is not
same() {
	cmp -s "$1/k.out" "$1/o.out" && cmp -s "$1/k.rc" "$1/o.rc" &&
		{ [ ! -s "$1/k.err" ] || [ -s "$1/o.err" ]; }
}

# path_batch NAME OPTS LIST: compare one batch of module files with OPTS; if the
# batch differs, retry its files one by one.  LIST.NAME.bad gets one mismatching
# file a line, or "BATCH" when only the batch as a whole differs.
path_batch() {
	local name=$1 opts=$2 list=$3 d f
	local bad=$list.$name.bad
	local -a files

	set -f
	d=$(mktemp -d "$WORK/run.XXXXXX")
	mapfile -t files <"$list"
	: >"$bad"
	run_both "$d" $opts "${files[@]}"
	if ! same "$d"; then
		for f in "${files[@]}"; do
			run_both "$d" $opts "$f"
			same "$d" || echo "$f" >>"$bad"
		done
		[ -s "$bad" ] || echo BATCH >"$bad"
	fi
	rm -rf "$d"
}

# check_case LINE: LINE is "N KIND ARGS..." (no argument holds a blank).
# KIND same: full comparison; status: exit status equal and both print
# something; batch:K: full comparison, the last K arguments being names that
# kmod finds, and if the batch differs each name alone (the options before
# them kept).  Writes $CASES/N/res: PASS, FAIL, or for a batch "BATCH K BAD"
# with the names that differ alone in $CASES/N/bad.
check_case() {
	local n kind d ok k name
	local -a opts names
	set -f
	set -- $1
	n=$1 kind=$2
	shift 2
	d=$CASES/$n
	mkdir -p "$d"
	echo "$*" >"$d/args"
	run_both "$d" "$@"
	case $kind in
	same) same "$d" ;;
	status) cmp -s "$d/k.rc" "$d/o.rc" && [ -s "$d/k.out" ] && [ -s "$d/o.out" ] ;;
	batch:*)
		k=${kind#batch:}
		opts=("${@:1:$(($# - k))}") names=("${@:$(($# - k + 1))}")
		: >"$d/bad"
		if ! same "$d"; then
			for name in "${names[@]}"; do
				run_both "$d" "${opts[@]}" "$name"
				same "$d" || echo "${opts[*]} $name" >>"$d/bad"
			done
			# the batch as a whole differing is a failure of its own
			[ -s "$d/bad" ] || echo "BATCH ${opts[*]}" >"$d/bad"
		fi
		echo "BATCH $k $(wc -l <"$d/bad")" >"$d/res"
		return
		;;
	esac
	ok=$?
	[ $ok -eq 0 ] && echo PASS >"$d/res" || echo FAIL >"$d/res"
}
export -f run_both same path_batch check_case

# show DIR ARGS...: explain a mismatch left in DIR by run_both
show() {
	local d=$1
	shift
	echo "  FAIL: modinfo $*"
	echo "    exit status: kmod $(cat "$d/k.rc"), ours $(cat "$d/o.rc")"
	if ! cmp -s "$d/k.out" "$d/o.out"; then
		echo "    stdout (kmod -, ours +; NUL shown as ^@):"
		diff -u <(cat -v "$d/k.out") <(cat -v "$d/o.out") | sed -n '3,22s/^/    /p'
	fi
	echo "    stderr kmod: $(head -c 300 "$d/k.err" | head -n 3)"
	echo "    stderr ours: $(head -c 300 "$d/o.err" | head -n 3)"
}

count() {	# count PASSES FAILS
	PASSED=$((PASSED + $1))
	FAILED=$((FAILED + $2))
}

# ensure_indexes ROOT VER: build kmod's indexes once, under a lock so that two
# runs sharing the cache do not both write them (depmod renames each file into
# place, but a reader could see modules.dep.bin before the others exist).
ensure_indexes() {
	local dir=$1/lib/modules/$2
	flock "$dir/.modinfo-vs-kmod.lock" sh -c \
		'[ -f "$1/modules.dep.bin" ] || /usr/sbin/depmod -b "$2" "$3"' \
		_ "$dir" "$1" "$2"
}

# ---------------------------------------------------------------------------
# (a) every module by path

by_path() {	# TAG DIR
	local tag=$1 dir=$2 v name opts n bad batch f shown
	local batches=$WORK/$tag.batches

	find "$dir/kernel" -type f -name '*.ko*' | sort >"$WORK/$tag.mods"
	n=$(wc -l <"$WORK/$tag.mods")
	mkdir -p "$batches"
	split -l 200 -d -a 3 "$WORK/$tag.mods" "$batches/b"
	for v in 'plain:' 'null:-0' 'signer:-F signer' 'sig_key:-F sig_key'; do
		name=${v%%:*} opts=${v#*:}
		ls "$batches"/b??? | xargs -n 1 -P 2 bash -c 'path_batch "$@"' _ "$name" "$opts"
		cat "$batches"/b???."$name".bad >"$WORK/$tag.$name.bad"
		bad=$(grep -vc '^BATCH$' "$WORK/$tag.$name.bad")
		batch=$(grep -c '^BATCH$' "$WORK/$tag.$name.bad")
		echo "modinfo ${opts:+$opts }by path $tag: $((n - bad))/$n identical"
		count $((n - bad)) $((bad + batch))
		[ "$batch" -eq 0 ] || echo "  FAIL: $batch batch(es) of 200 files differ although each file alone matches"
		shown=0
		grep -v '^BATCH$' "$WORK/$tag.$name.bad" | head -n $SHOW >"$WORK/show"
		while read -r f; do
			mkdir -p "$WORK/one"
			set -f
			run_both "$WORK/one" $opts "$f"
			show "$WORK/one" $opts "$f"
			set +f
			shown=$((shown + 1))
		done <"$WORK/show"
		[ "$bad" -le "$shown" ] || echo "  ... and $((bad - shown)) more"
	done
}

# ---------------------------------------------------------------------------
# (b) by name, with -b ROOT -k VER

# pci_concrete / usb_concrete: turn modules.alias patterns into the strings a
# device would send, by filling each wildcard field; patterns left with a
# wildcard (ranges, odd shapes) are dropped.
pci_concrete() {
	sed -e 's/^pci:v\*d/pci:v00008086d/' -e 's/d\*sv/d00001E26sv/' \
		-e 's/sv\*sd/sv00001028sd/' -e 's/sd\*bc/sd000004DAbc/' \
		-e 's/bc\*sc/bc02sc/' -e 's/sc\*i/sc00i/' -e 's/i\*$/i00/' \
		-e 's/\*$//' | grep -v '[][*?]'
}
usb_concrete() {
	sed -e 's/^usb:v\*p/usb:v046Dp/' -e 's/p\*d/pC52Bd/' -e 's/d\*dc/d0100dc/' \
		-e 's/dc\*dsc/dc00dsc/' -e 's/dsc\*dp/dsc00dp/' -e 's/dp\*ic/dp00ic/' \
		-e 's/ic\*isc/ic03isc/' -e 's/isc\*ip/isc01ip/' -e 's/ip\*in/ip02in/' \
		-e 's/in\*$/in00/' -e 's/\*$//' | grep -v '[][*?]'
}

every() {	# every COUNT: about COUNT lines spread evenly over stdin
	awk -v want="$1" '{ l[NR] = $0 } END {
		step = NR > want ? int(NR / want) : 1
		for (i = 1; i <= NR; i += step) print l[i] }'
}

sample_names() {	# DIR: the names looked up in section (b), one a line
	local dir=$1
	sed 's/:.*//; s,.*/,,; s/\.ko.*//' "$dir/modules.dep" | sort | every 120
	echo e1000e
	echo snd_hda_intel
	echo snd-hda-intel
	head -n 3 "$dir/modules.builtin" | sed 's,.*/,,; s/\.ko$//'
	head -n 1 "$dir/modules.builtin" | sed 's,.*/,,; s/\.ko$//; s/-/_/g'
	sed 's,.*/,,; s/\.ko$//' "$dir/modules.builtin" | every 4
	# builtin aliases, some of code that modules.builtin does not list
	tr '\0' '\n' <"$dir/modules.builtin.modinfo" | sed -n 's/^[^.]*\.alias=//p' |
		sort -u | every 6
	tr '\0' '\n' <"$dir/modules.builtin.modinfo" | sed -n 's/^[^.]*\.alias=//p' | head -n 3
	awk '$2 ~ /^pci:/ { print $2 }' "$dir/modules.alias" | pci_concrete | sort -u | every 4
	awk '$2 ~ /^pci:v\*/ { print $2 }' "$dir/modules.alias" | pci_concrete | head -n 1
	awk '$2 ~ /^pci:/ && $3 == "e1000e" { print $2 }' "$dir/modules.alias" | pci_concrete | head -n 1
	awk '$2 ~ /^usb:/ { print $2 }' "$dir/modules.alias" | usb_concrete | sort -u | every 4
	awk '$2 ~ /^usb:v\*/ { print $2 }' "$dir/modules.alias" | usb_concrete | head -n 1
	echo usb:v0BDAp8153d3000dc00dsc00dp00ic02isc06ip00in00	# 3 modules in 6.1
	awk '$2 ~ /^symbol:/ { print $2 }' "$dir/modules.symbols" | every 3
	# names that resolve to nothing; modules.dep and kernel exist in the
	# working directory but are not module files
	printf '%s\n' nosuchmodule no-such_module e1000e.ko symbol:no_such_symbol \
		pci:v0000FFFFd0000FFFFsv00000000sd00000000bcFFscFFiFF modules.dep kernel
}

# found_names ROOT VER: of the names on stdin, print those kmod finds
# (modinfo -b ROOT -k VER NAME succeeds and names nothing on stderr) after
# "found", the others after "missing".
found_names() {
	local name
	while read -r name; do
		if "$KMOD" -b "$1" -k "$2" -F filename "$name" >/dev/null 2>"$WORK/found.err" &&
			[ ! -s "$WORK/found.err" ]; then
			echo "found $name"
		else
			echo "missing $name"
		fi
	done
}

make_cases() {	# ROOT VER DIR: print the case lines "KIND ARGS..."
	local root=$1 ver=$2 dir=$3 o name e1000e builtin found k
	local bk="-b $root -k $ver"

	sample_names "$dir" | found_names "$root" "$ver" >"$WORK/names"
	found=$(sed -n 's/^found //p' "$WORK/names" | tr '\n' ' ')
	k=$(grep -c '^found ' "$WORK/names")
	for o in '' -a -d -l -p -n -0 '-F depends' '-F vermagic' '-F alias' \
		'-F signature' '-F parm' '-F nonexistentfield' -m '-F filename -0'; do
		echo "batch:$k $bk $o $found"
		sed -n 's/^missing //p' "$WORK/names" | while read -r name; do
			echo "same $bk $o $name"
		done
	done
	e1000e=$(grep -m 1 '/e1000e\.ko' "$dir/modules.dep" | sed 's/:.*//')
	builtin=$(head -n 1 "$dir/modules.builtin" | sed 's,.*/,,; s/\.ko$//')
	for o in '-F name' '-F filename' '-F sig_id' '-F Depends' '-F sig_hashalgo' \
		'-F intree' '-a -d' '-n -0' '-F depends -F license' -0m; do
		echo "same $bk $o e1000e"
		echo "same $bk $o $builtin"
	done
	echo "same $bk e1000e nosuchmodule snd-hda-intel $builtin symbol:no_such_symbol ext4"
	echo "same $bk -F depends e1000e snd_hda_intel nosuchmodule $builtin"
	echo "same $bk -0 -F alias e1000e ext4"
	echo "same $bk -- e1000e"
	echo "same $bk --field=depends --null --basedir=$root e1000e"
	echo "same --basedir=$root --set-version=$ver --modname e1000e"
	echo "same $e1000e"			# relative to the module directory
	echo "same ./$e1000e"
	echo "same -F filename $dir//$e1000e"
	echo "same $bk -F depends $e1000e"	# a path wins over -b/-k
	echo "same -b $root -k 0.0.0-nonexistent e1000e"
	echo "same -k $ver e1000e"		# no -b: the host's /lib/modules
	echo "same -b $root/nonexistent -k $ver e1000e"
	echo "status --version"
	echo "status -V"
	echo "status --help"
	echo "status -h"
	echo "same"				# no argument
	echo "same --no-such-option e1000e"
	echo "same -X e1000e"
	echo "same -F"
	echo "same $bk -m"
}

# batch_result DIR K: count a batch of K names (by_name's totals) and show
# the names that differ alone (the first ones in full)
batch_result() {
	local d=$1 k=$2 res line
	res=$(cat "$d/res" 2>/dev/null)
	total=$((total + k))
	case $res in
	"BATCH $k 0") return ;;
	"BATCH $k "*) ;;
	*) bad=$((bad + k)); echo "  FAIL: no result for the batch modinfo $(cat "$d/args")"; return ;;
	esac
	bad=$((bad + ${res##* }))
	mkdir -p "$WORK/one"
	while read -r line; do
		set -f
		if [ $shown -lt $SHOW ]; then
			case $line in
			"BATCH "*) echo "  FAIL: the batch modinfo ${line#BATCH } ... differs although each name alone matches" ;;
			*) run_both "$WORK/one" $line; show "$WORK/one" $line ;;
			esac
			shown=$((shown + 1))
		else
			echo "  FAIL: modinfo $line"
		fi
		set +f
	done <"$d/bad"
}

by_name() {	# TAG ROOT VER DIR
	local tag=$1 root=$2 ver=$3 dir=$4 n total=0 bad=0 shown=0
	CASES=$WORK/$tag.cases
	export CASES
	make_cases "$root" "$ver" "$dir" | awk '{ print NR, $0 }' >"$WORK/$tag.caselist"
	(cd "$dir" && xargs -d '\n' -n 25 -P 2 bash -c 'for c; do check_case "$c"; done' _ <"$WORK/$tag.caselist")
	while read -r n kind _; do
		if [ "${kind#batch:}" != "$kind" ]; then
			batch_result "$CASES/$n" "${kind#batch:}"
			continue
		fi
		total=$((total + 1))
		[ "$(cat "$CASES/$n/res" 2>/dev/null)" = PASS ] && continue
		bad=$((bad + 1))
		if [ $shown -lt $SHOW ] || [ ! -f "$CASES/$n/res" ]; then
			set -f
			show "$CASES/$n" $(cat "$CASES/$n/args" 2>/dev/null)
			set +f
			shown=$((shown + 1))
		else
			echo "  FAIL: modinfo $(cat "$CASES/$n/args")"
		fi
	done <"$WORK/$tag.caselist"
	echo "modinfo by name $tag: $((total - bad))/$total identical"
	count $((total - bad)) $bad
}

# ---------------------------------------------------------------------------
# (c) hostile files: kmod gives the exit status; ours must not crash and must
# name the file on stderr.  A different stdout is reported, not failed.

hostile() {	# KO KOXZ: a real plain module and a real .ko.xz to cut short
	local ko=$1 koxz=$2 kind f d total=0 bad=0 why
	local h=$WORK/hostile

	mkdir -p "$h"/empty "$h"/text "$h"/trunc "$h"/nosig "$h"/truncxz
	: >"$h/empty/x.ko"
	echo 'this is not a kernel module' >"$h/text/x.ko"
	head -c 1000 "$ko" >"$h/trunc/x.ko"
	head -c $(($(stat -c %s "$ko") - 100)) "$ko" >"$h/nosig/x.ko"
	head -c 1000 "$koxz" >"$h/truncxz/x.ko.xz"
	for kind in empty text trunc nosig truncxz; do
		f=$(echo "$h/$kind"/x.ko*)
		d=$h/$kind
		run_both "$d" "$f"
		total=$((total + 1))
		why=
		cmp -s "$d/k.rc" "$d/o.rc" || why="$why exit status differs;"
		[ "$(cat "$d/o.rc")" -lt 128 ] || why="$why ours crashed or hung;"
		if [ "$(cat "$d/o.rc")" != 0 ] && ! grep -qw x "$d/o.err"; then
			why="$why no error naming the file on stderr;"
		fi
		if [ -n "$why" ]; then
			bad=$((bad + 1))
			echo "  FAIL ($kind):$why"
			show "$d" "$f"
		elif ! cmp -s "$d/k.out" "$d/o.out"; then
			echo "  note ($kind): stdout differs from kmod's (not a failure)"
			show "$d" "$f" | sed 's/FAIL:/differs:/'
		fi
	done
	echo "modinfo hostile files: $((total - bad))/$total as expected"
	count $((total - bad)) $bad
}

# ---------------------------------------------------------------------------

for tag in 6.1 6.12; do
	root=$TREES/$tag
	ver=$(ls "$root/lib/modules" | head -n 1)
	[ -n "$ver" ] || { echo "$0: no module directory in $root" >&2; exit 1; }
	ensure_indexes "$root" "$ver" || { echo "$0: depmod failed on $root" >&2; exit 1; }
	dir=$root/lib/modules/$ver
	by_path "$tag" "$dir"
	by_name "$tag" "$root" "$ver" "$dir"
done
ko=$(find "$TREES/6.1/lib/modules" -name e1000e.ko | head -n 1)
koxz=$(find "$TREES/6.12/lib/modules" -name e1000e.ko.xz | head -n 1)
hostile "$ko" "$koxz"

echo "modinfo-vs-kmod: ${SECONDS}s"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
