#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Run every tool of a build on every input of the malformed corpus
# (make-corpus.sh) and check that each is handled cleanly:
#   - no crash (exit status < 128), no hang (timeout), memory under a fixed
#     bound (ulimit -v; in a sanitizer build, whose shadow memory needs
#     terabytes of address space, the sanitizer's hard RSS limit instead);
#   - no sanitizer report on stderr;
#   - a non-zero status where the input is unusable, zero where it is fine
#     (the corpus MANIFEST says which, per tool);
#   - a failure names the file on stderr, in a few lines, not a flood.
# depmod runs once over a tree holding the whole corpus beside good modules:
# the good ones must be indexed and every unusable one named.  modprobe runs
# on trees whose .bin indexes are broken one by one, and on broken configs.
# insmod runs with CAP_SYS_MODULE dropped (the kernel refuses before reading
# anything); lsmod reads broken /proc/modules files bind-mounted in a mount
# namespace.  A tool the build lacks, or a run this host cannot make safely,
# is reported with a "not built" or "skipped" line and never counted as passed.
#
# Usage: run-corpus.sh BUILD_DIR [CORPUS_DIR]
#   CORPUS_DIR: an existing corpus (default: generated into a temporary dir)
#   MALFORMED_JOBS: cases run at once (default 2)
# Ends with "N passed, M failed"; exits 0 only when nothing failed.
set -u
export LC_ALL=C

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
	echo "usage: $0 BUILD_DIR [CORPUS_DIR]" >&2
	exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
# the interpreter itself, once: a version manager's shim costs shells per call
PY=$(python3 -c 'import sys; print(sys.executable)') || exit 2
export PY
BUILD=$(cd "$1" && pwd) || exit 2
WORK=$(mktemp -d) || exit 1
trap 'rm -rf "$WORK"' EXIT
if [ $# -eq 2 ]; then
	CORPUS=$(cd "$2" && pwd) || exit 2
else
	CORPUS=$WORK/corpus
	echo "generating the corpus..."
	"$here/make-corpus.sh" "$CORPUS" || { echo "make-corpus.sh failed"; echo "0 passed, 1 failed"; exit 1; }
fi
JOBS=${MALFORMED_JOBS:-2}

# Limits: 20 s a run; a decompression bomb (1 GiB of output before the cap
# stops it) may take longer, more so under the sanitizers.
TIMEOUT=20
BOMB_TIMEOUT=180
MEM_KB=$((2 * 1024 * 1024))	# 2 GiB: the 1 GiB decompression cap fits
SAN=0
if ldd "$BUILD/tools/modinfo" 2>/dev/null | grep -q 'libasan\|libubsan'; then
	SAN=1
	export ASAN_OPTIONS=detect_leaks=1:hard_rss_limit_mb=3072:allocator_may_return_null=1:abort_on_error=0
	export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
fi
export WORK TIMEOUT BOMB_TIMEOUT MEM_KB SAN
mkdir -p "$WORK/res" "$WORK/out" "$WORK/json" "$WORK/empty"

# ---------------------------------------------------------------------------
# One case, run by the parallel workers: a line "TOOL ID EXPECT NAME LIMIT CMD...".
# EXPECT: ok (must succeed), fail (must fail), any (must only not crash);
# NAME: what stderr must mention when the run fails ("-": no check), or
# each:NAME, what every line on stderr must mention (configs: one warning a
# bad line, each with file and line, however many);
# LIMIT: memory bound in KiB ("-": the default).
# Writes "PASS|FAIL TOOL OUTCOME ID DETAIL" to $WORK/res/TOOL.ID.
# (Thousands of cases: the checks use the shell's own tests, not a grep each,
# and a worker shell runs many cases; process starts were most of the time.)
run_case() {
	local tool=$1 id=$2 expect=$3 name=$4 limit=$5
	shift 5
	local out=$WORK/out/$tool.$id t=$TIMEOUT rc outcome verdict=PASS detail="" err="" line lines=0 each
	local stdout=/dev/null
	case $id in *bomb*) t=$BOMB_TIMEOUT ;; esac
	[ "$limit" = - ] && limit=$MEM_KB
	# --json: whatever is written must be one valid document; kept for
	# check_json, which reads them all in one interpreter (one a case cost a
	# minute of the run)
	[[ " $* " == *" --json "* ]] && stdout=$WORK/json/$tool.$id
	if [ "$SAN" = 1 ]; then
		timeout -k 5 "$t" "$@" > "$stdout" 2> "$out.err" < /dev/null
	else
		(ulimit -v "$limit"; exec timeout -k 5 "$t" "$@") > "$stdout" 2> "$out.err" < /dev/null
	fi
	rc=$?
	# stderr a line at a time (a NUL ends a line's text here, as it would
	# for a reader); each: what every line must mention
	each=${name#each:}
	[ "$each" = "$name" ] && each=
	while IFS= read -r line || [ -n "$line" ]; do
		lines=$((lines + 1))
		err+=$line$'\n'
		if [ -n "$each" ] && [ -z "$detail" ] && [[ $line != *"$each"* ]]; then
			detail="a message does not name $each: $line"
		fi
	done < "$out.err"
	if [ $rc -eq 124 ] || [ $rc -eq 137 ]; then
		outcome=hang verdict=FAIL detail="no answer in ${t}s"
	elif [ $rc -ge 125 ]; then
		outcome=crash verdict=FAIL detail="exit status $rc"
	elif [[ $err =~ AddressSanitizer:\ hard\ rss\ limit|AddressSanitizer:?\ (allocator\ is\ )?out\ of\ memory ]]; then
		outcome=memory verdict=FAIL detail=$(grep -m1 -E 'AddressSanitizer' "$out.err")
	elif [[ $err =~ ERROR:\ (Address|Leak|Memory|Thread)Sanitizer|runtime\ error:|SUMMARY:\ UndefinedBehaviorSanitizer ]]; then
		outcome=sanitizer verdict=FAIL detail=$(grep -m1 -E 'Sanitizer|runtime error' "$out.err")
	elif [ "$expect" = ok ] && [ $rc -ne 0 ]; then
		outcome=wrong-status verdict=FAIL detail="failed (status $rc) on a usable input: ${err%%$'\n'*}"
	elif [ "$expect" = fail ] && [ $rc -eq 0 ]; then
		outcome=wrong-status verdict=FAIL detail="succeeded on an unusable input"
	elif [ -n "$each" ] && [ -n "$detail" ]; then
		outcome=unnamed verdict=FAIL
	elif [ -n "$each" ] && [ $rc -ne 0 ]; then
		outcome=failed-cleanly
	elif [ $rc -ne 0 ] && [ "$name" != - ] && [[ $err != *"$name"* ]]; then
		outcome=unnamed verdict=FAIL detail="stderr does not name $name: ${err%%$'\n'*}"
	elif [ $rc -ne 0 ] && [ $lines -gt 6 ]; then
		outcome=flood verdict=FAIL detail="$lines lines on stderr"
	elif [ $rc -ne 0 ]; then
		outcome=failed-cleanly
	else
		outcome=succeeded
	fi
	echo "$verdict $tool $outcome $id $detail" > "$WORK/res/$tool.$id"
	return 0
}

# run_lines LINE...: run_case for each case line (its words split here: no
# case line holds a quote or a blank inside a word)
run_lines() {
	local line
	set -f
	for line; do
		# shellcheck disable=SC2086
		run_case $line
	done
}
export -f run_case run_lines

# Run the case lines of file $1 on $JOBS workers, 20 lines a worker shell.
run_cases() {
	xargs -d '\n' -n 20 -P "$JOBS" bash -c 'run_lines "$@"' _ < "$1"
}

PASSED=0 FAILED=0 TALLIED=0
pass() { PASSED=$((PASSED + 1)); }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }
SHOW=10		# failures shown in full per tool

# check_json TOOL: each --json output of TOOL's cases that passed (run_case
# kept them) is empty or one valid document, UTF-8, strict JSON, one line; a
# case whose output is not turns from PASS to FAIL (bad-json).
check_json() {
	"$PY" - "$WORK" "$1" <<'PY'
import json, os, sys
work, tool = sys.argv[1:]
for name in sorted(os.listdir(os.path.join(work, "json"))):
    if not name.startswith(tool + "."):
        continue
    path = os.path.join(work, "json", name)
    data = open(path, "rb").read()
    os.unlink(path)
    try:
        with open(os.path.join(work, "res", name)) as res:
            passed = res.read().startswith("PASS ")
    except OSError:
        passed = False
    if not data or not passed:
        continue
    try:
        assert data.endswith(b"\n") and data.count(b"\n") == 1
        json.loads(data.decode("utf-8"), parse_constant=lambda c: 1 / 0)
    except Exception:
        case = name[len(tool) + 1:]
        shown = data[:200].decode("utf-8", "replace").replace("\n", " ")
        with open(os.path.join(work, "res", name), "w") as res:
            res.write(f"FAIL {tool} bad-json {case} not one valid JSON document: {shown}\n")
PY
}

# Tally the results of TOOL (its --json outputs checked first): a summary
# line, the first failures, the counts.
tally() {
	local tool=$1 n p f
	check_json "$tool"
	n=$(ls "$WORK/res" | grep -c "^$tool\.")
	p=$(cat "$WORK/res/$tool".* 2>/dev/null | grep -c '^PASS')
	f=$((n - p))
	printf '%s: %d inputs:' "$tool" "$n"
	cat "$WORK/res/$tool".* 2>/dev/null | awk '{print $3}' | sort | uniq -c |
		awk '{printf " %s %s,", $1, $2}' | sed 's/,$//'
	echo " ($((SECONDS - TALLIED)) s)"
	TALLIED=$SECONDS
	cat "$WORK/res/$tool".* 2>/dev/null | grep '^FAIL' | head -n $SHOW | sed 's/^/  /'
	[ "$f" -gt $SHOW ] && echo "  ... and $((f - SHOW)) more"
	PASSED=$((PASSED + p))
	FAILED=$((FAILED + f))
}

have() {
	if [ -x "$BUILD/tools/$1" ]; then
		return 0
	fi
	echo "$1: not built (no $BUILD/tools/$1): not run, not counted"
	return 1
}

# MANIFEST lines: PATH MODINFO DEPMOD WHAT...
manifest() {
	grep -v '^$' "$CORPUS/MANIFEST"
}

VER=0.0.0-corpus
GOOD_ROOT=$CORPUS/tree
echo "corpus: $CORPUS: $(manifest | wc -l) module files, $(ls "$CORPUS/special" | wc -l) special files," \
	"$(ls "$CORPUS/indexes" 2>/dev/null | wc -l) broken indexes," \
	"$(ls "$CORPUS/configs/modprobe" "$CORPUS/configs/depmod" | grep -c '\.conf$') configs," \
	"$(ls "$CORPUS/procmodules" | wc -l) /proc/modules files; sanitizer build: $SAN"

# A module dir for each broken index: the good tree's files, one replaced.
index_roots() {
	local d v
	for d in "$CORPUS"/indexes/*/; do
		v=$(basename "$d")
		mkdir -p "$WORK/roots/$v/lib/modules/$VER"
		for f in "$GOOD_ROOT/lib/modules/$VER"/modules.*; do
			ln -s "$f" "$WORK/roots/$v/lib/modules/$VER/"
		done
		ln -s "$GOOD_ROOT/lib/modules/$VER/kernel" "$WORK/roots/$v/lib/modules/$VER/kernel"
		for f in "$d"*; do
			rm -f "$WORK/roots/$v/lib/modules/$VER/$(basename "$f")"
			cp "$f" "$WORK/roots/$v/lib/modules/$VER/"
		done
	done
}

# Broken headers are seen by every lookup: those must be named.
index_name_check() {
	case $1 in
	*-bad-magic|*-bad-version|*-empty|*-short-header|*-root-past-end|*-root-into-header|*-root-all-flags-at-end)
		echo "modules.${1%%-*}.bin" ;;
	*) echo - ;;
	esac
}

[ -d "$CORPUS/indexes" ] && index_roots
TALLIED=$SECONDS	# each tally says how long its tool's cases took

# ---------------------------------------------------------------------------
# modinfo: every module file by path; special files; lookups in broken trees.
if have modinfo; then
	M=$BUILD/tools/modinfo
	{
		manifest | while read -r path mi dm what; do
			echo "modinfo $(echo "$path" | tr / _) $mi $CORPUS/$path - $M $CORPUS/$path"
		done
		for f in "$CORPUS"/special/*; do
			echo "modinfo special_$(basename "$f") fail $(basename "$f") - $M $f"
		done
		for f in "$here"/regressions/*.ko*; do
			[ -f "$f" ] && echo "modinfo regression_$(basename "$f") any $f - $M $f"
		done
		for d in "$WORK"/roots/*; do
			v=$(basename "$d")
			n=$(index_name_check "$v")
			echo "modinfo index-$v-name any $n - $M -b $d -k $VER dummy"
			echo "modinfo index-$v-alias any $n - $M -b $d -k $VER rtnl-link-dummy"
			echo "modinfo index-$v-symbol any $n - $M -b $d -k $VER symbol:fat_attach"
		done
	} > "$WORK/modinfo.cases"
	# the same with --json: a module that cannot be read is left out of the
	# document, which stays valid (checked in run_case)
	sed 's/^modinfo \([^ ]*\) \(.*\) - \([^ ]*\) /modinfo json-\1 \2 - \3 --json /' \
		"$WORK/modinfo.cases" > "$WORK/modinfo-json.cases"
	cat "$WORK/modinfo-json.cases" >> "$WORK/modinfo.cases"
	run_cases "$WORK/modinfo.cases"
	tally modinfo
fi

# ---------------------------------------------------------------------------
# depmod: the whole corpus beside good modules in one tree; broken depmod.d.
if have depmod; then
	D=$BUILD/tools/depmod
	root=$WORK/depmod-root
	kdir=$root/lib/modules/$VER/kernel
	mkdir -p "$kdir/corpus"
	cp "$GOOD_ROOT/lib/modules/$VER/kernel/"* "$kdir/"
	cp -a "$CORPUS/modules/." "$CORPUS/special/." "$kdir/corpus/"
	# two parsing threads, each may hold a 1 GiB bomb being refused
	echo "depmod whole-tree-with-bombs any - $((4 * 1024 * 1024)) env MODTOOL_DEPMOD_THREADS=2 $D -b $root $VER" \
		> "$WORK/depmod-tree.cases"
	run_cases "$WORK/depmod-tree.cases"
	err=$WORK/out/depmod.whole-tree-with-bombs.err
	dep=$root/lib/modules/$VER/modules.dep
	if grep -q '^PASS' "$WORK/res/depmod.whole-tree-with-bombs" && [ -f "$dep" ]; then
		# every good module indexed, every module unusable to depmod named
		for f in "$GOOD_ROOT/lib/modules/$VER/kernel/"*; do
			b=kernel/$(basename "$f")
			if grep -q "^$b:" "$dep"; then
				echo "PASS depmod indexed good-$b" > "$WORK/res/depmod.good-$(basename "$f")"
			else
				echo "FAIL depmod not-indexed good-$b missing from modules.dep" \
					> "$WORK/res/depmod.good-$(basename "$f")"
			fi
		done
		manifest | grep '^modules/' | while read -r path mi dm what; do
			b=$(basename "$path")
			id=corpus-$b
			if [ "$dm" = fail ]; then
				if grep -qF "corpus/$b" "$err"; then
					echo "PASS depmod named-bad $id" > "$WORK/res/depmod.$id"
				else
					echo "FAIL depmod unnamed $id unusable module not named on stderr" \
						> "$WORK/res/depmod.$id"
				fi
			elif [ "$dm" = ok ]; then
				if grep -q "^kernel/corpus/$b:" "$dep"; then
					echo "PASS depmod indexed $id" > "$WORK/res/depmod.$id"
				else
					echo "FAIL depmod not-indexed $id usable module missing from modules.dep" \
						> "$WORK/res/depmod.$id"
				fi
			fi
		done
	fi
	# broken depmod.d files, over the good tree (output to a scratch dir)
	{
		for f in "$CORPUS"/configs/depmod/*; do
			b=$(basename "$f")
			mkdir -p "$WORK/depmod-out/$b/lib/modules/$VER"
			echo "depmod config-$b any each:$b - $D -b $GOOD_ROOT -o $WORK/depmod-out/$b -C $f $VER"
		done
		for f in "$CORPUS"/configs/depmod-dir; do
			mkdir -p "$WORK/depmod-out/dir/lib/modules/$VER"
			echo "depmod config-dir any each:$f - $D -b $GOOD_ROOT -o $WORK/depmod-out/dir -C $f $VER"
		done
	} > "$WORK/depmod.cases"
	run_cases "$WORK/depmod.cases"
	tally depmod
fi

# ---------------------------------------------------------------------------
# modprobe: broken indexes, broken configs, and --dump-modversions on modules.
if have modprobe; then
	P=$BUILD/tools/modprobe
	{
		for d in "$WORK"/roots/*; do
			v=$(basename "$d")
			n=$(index_name_check "$v")
			for what in vfat rtnl-link-dummy symbol:fat_attach; do
				echo "modprobe index-$v-$what any $n - $P -C $WORK/empty -d $d -S $VER --show-depends $what"
			done
			echo "modprobe index-$v-config any $n - $P -C $WORK/empty -d $d -S $VER -c"
			echo "modprobe index-$v-config-json any $n - $P -C $WORK/empty -d $d -S $VER -c --json"
			echo "modprobe index-$v-vfat-json any $n - $P -C $WORK/empty -d $d -S $VER --show-depends --json vfat"
		done
		for f in "$CORPUS"/configs/modprobe/*; do
			b=$(basename "$f")
			echo "modprobe config-$b-c any each:$b - $P -C $f -d $GOOD_ROOT -S $VER -c"
			echo "modprobe config-$b-c-json any each:$b - $P -C $f -d $GOOD_ROOT -S $VER -c --json"
			echo "modprobe config-$b-show any each:$b - $P -C $f -d $GOOD_ROOT -S $VER --show-depends dummy"
		done
		f=$CORPUS/configs/modprobe-dir
		echo "modprobe config-dir-c any each:$f - $P -C $f -d $GOOD_ROOT -S $VER -c"
		# broken load policies (tests/malformed/policy): read at every start,
		# each bad line named with its file and line
		for f in "$here"/policy/*.conf; do
			b=$(basename "$f")
			mkdir -p "$WORK/policy/$b" && cp "$f" "$WORK/policy/$b/"
			echo "modprobe policy-$b any each:$b - env MODTOOL_POLICY_DIRS=$WORK/policy/$b $P -C $WORK/empty -d $GOOD_ROOT -S $VER --show-depends dummy"
		done
		# a name a pattern of many stars would take exponential time to reject
		echo "modprobe config-many-stars-lookup any - - $P -C $CORPUS/configs/modprobe/many-stars.conf" \
			"-d $GOOD_ROOT -S $VER --show-depends $(printf 'a%.0s' $(seq 60))"
		manifest | while read -r path mi dm what; do
			echo "modprobe modversions-$(echo "$path" | tr / _) any $CORPUS/$path - $P --dump-modversions $CORPUS/$path"
		done
	} > "$WORK/modprobe.cases"
	run_cases "$WORK/modprobe.cases"
	tally modprobe
fi

# ---------------------------------------------------------------------------
# insmod: only where CAP_SYS_MODULE can be dropped, so nothing reaches the kernel.
if have insmod; then
	I=$BUILD/tools/insmod
	caps=$(setpriv --bounding-set=-sys_module --inh-caps=-sys_module grep '^CapEff' /proc/self/status 2>/dev/null |
		awk '{print $2}')
	if [ -z "$caps" ] || [ $(( 0x$caps & (1 << 16) )) -ne 0 ]; then
		echo "insmod: skipped: cannot drop CAP_SYS_MODULE here (setpriv), and would load hostile modules"
	else
		S="setpriv --bounding-set=-sys_module --inh-caps=-sys_module"
		{
			manifest | while read -r path mi dm what; do
				echo "insmod $(echo "$path" | tr / _) fail $CORPUS/$path - $S $I $CORPUS/$path"
			done
			for f in "$CORPUS"/special/*; do
				echo "insmod special_$(basename "$f") fail $(basename "$f") - $S $I $f"
			done
		} > "$WORK/insmod.cases"
		run_cases "$WORK/insmod.cases"
		tally insmod
	fi
fi

# ---------------------------------------------------------------------------
# lsmod: broken /proc/modules, bind-mounted in a private mount namespace.
if have lsmod; then
	L=$BUILD/tools/lsmod
	# /proc replaced by a directory of links to the real one's entries (the
	# sanitizers read /proc/self/maps and /proc/PID/task), but for modules
	cat > "$WORK/fake-proc-modules.sh" <<'EOF2'
#!/bin/sh
# fake-proc-modules.sh DIR FILE PROGRAM: run PROGRAM with FILE as /proc/modules
set -e
mkdir -p "$1/realproc" "$1/fakeproc"
mount --rbind /proc "$1/realproc"
for e in "$1"/realproc/*; do ln -s "$e" "$1/fakeproc/"; done
rm -f "$1/fakeproc/modules"
cp "$2" "$1/fakeproc/modules"
mount --bind "$1/fakeproc" /proc
exec "$3"
EOF2
	chmod +x "$WORK/fake-proc-modules.sh"
	mkdir -p "$WORK/proc/probe"
	if ! unshare -m "$WORK/fake-proc-modules.sh" "$WORK/proc/probe" "$CORPUS/procmodules/empty" /bin/true 2>/dev/null; then
		echo "lsmod: skipped: cannot mount a fake /proc in a mount namespace here (unshare -m)"
	else
		for f in "$CORPUS"/procmodules/*; do
			b=$(basename "$f")
			mkdir -p "$WORK/proc/$b"
			echo "lsmod procmodules-$b any - - unshare -m $WORK/fake-proc-modules.sh $WORK/proc/$b $f $L"
		done > "$WORK/lsmod.cases"
		run_cases "$WORK/lsmod.cases"
		tally lsmod
	fi
fi

# ---------------------------------------------------------------------------
# modtool verify: every module file of the corpus against the certificates of
# the real kernels (a verdict is a status of 10 to 15, not a failure of the
# tool); broken certificate files (make-cert-corpus.py) and kernel images.
if [ -x "$BUILD/tools/modtool" ] && [ -x "$BUILD/tests/image-certs" ]; then
	V=$BUILD/tools/modtool
	trees=$("$here/../fetch-trees.sh")
	mkdir -p "$WORK/certs"
	for t in 6.1 6.12; do
		mkdir -p "$WORK/certs-$t"
		"$BUILD/tests/image-certs" "$trees/$t"/boot/vmlinuz-* "$WORK/certs-$t" > /dev/null &&
			cp "$WORK/certs-$t/cert-0.der" "$WORK/certs/$t.der"
	done
	"$PY" "$here/make-cert-corpus.py" "$WORK/certs/6.1.der" "$WORK/certcorpus"
	# verdict-ok CMD...: the tool's status, a verdict (10-15) counted as 0
	cat > "$WORK/verdict-ok.sh" <<'EOF2'
#!/bin/sh
"$@"
rc=$?
[ $rc -ge 10 ] && [ $rc -le 15 ] && exit 0
exit $rc
EOF2
	chmod +x "$WORK/verdict-ok.sh"
	good=$(manifest | awk '$2 == "ok" { print $1; exit }')
	{
		manifest | while read -r path mi dm what; do
			echo "verify $(echo "$path" | tr / _) any $(basename "$path") - $WORK/verdict-ok.sh $V verify --cert $WORK/certs $CORPUS/$path"
		done
		for f in "$CORPUS"/special/*; do
			# (an empty file is "unsigned", a verdict; the others are unreadable)
			echo "verify special_$(basename "$f") any $(basename "$f") - $WORK/verdict-ok.sh $V verify --cert $WORK/certs $f"
		done
		while read -r name expect; do
			echo "verify cert-$name $expect $name - $WORK/verdict-ok.sh $V verify --cert $WORK/certcorpus/$name $CORPUS/$good"
		done < "$WORK/certcorpus/MANIFEST"
		for f in "$CORPUS"/special/*; do
			echo "verify cert-special_$(basename "$f") fail $(basename "$f") - $V verify --cert $f $CORPUS/$good"
			echo "verify image-special_$(basename "$f") fail $(basename "$f") - $V verify --kernel $f $CORPUS/$good"
		done
		while read -r name expect; do
			echo "verify image-$name fail $name - $V verify --kernel $WORK/certcorpus/$name $CORPUS/$good"
		done < "$WORK/certcorpus/MANIFEST"
	} > "$WORK/verify.cases"
	run_cases "$WORK/verify.cases"
	tally verify

	# modtool sign: broken certificates and keys (make-cert-corpus.py again,
	# from a test key), each beside a good other half
	openssl req -new -nodes -batch -x509 -subj /CN=corpus -newkey rsa:2048 \
		-keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2> /dev/null
	openssl pkey -in "$WORK/key.pem" -outform DER -out "$WORK/key.der"
	"$PY" "$here/make-cert-corpus.py" "$WORK/key.der" "$WORK/keycorpus" "PRIVATE KEY"
	plain=$(manifest | awk '$2 == "ok" && $1 ~ /\.ko$/ { print $1; exit }')
	# expect: fail where nothing of the file can be read; else any (a first
	# good PEM block, bytes after DER, a flipped bit may still read)
	sign_expect() {
		case $1 in
		*good-then-junk*|*trailing*|*flip*|*indefinite*) echo any ;;
		*) echo "$2" ;;
		esac
	}
	{
		while read -r name expect; do
			echo "sign cert-$name $(sign_expect "$name" "$expect") $name - $V sign sha256 $WORK/key.pem $WORK/certcorpus/$name $CORPUS/$plain $WORK/out/signed-cert-$name.ko"
		done < "$WORK/certcorpus/MANIFEST"
		while read -r name expect; do
			echo "sign key-$name $(sign_expect "$name" "$expect") $name - $V sign sha256 $WORK/keycorpus/$name $WORK/cert.pem $CORPUS/$plain $WORK/out/signed-key-$name.ko"
		done < "$WORK/keycorpus/MANIFEST"
		for f in "$CORPUS"/special/*; do
			echo "sign key-special_$(basename "$f") fail $(basename "$f") - $V sign sha256 $f $WORK/cert.pem $CORPUS/$plain $WORK/out/signed-special.ko"
			echo "sign module-special_$(basename "$f") fail $(basename "$f") - $V sign sha256 $WORK/key.pem $WORK/cert.pem $f $WORK/out/signed-special.ko"
		done
		manifest | while read -r path mi dm what; do
			echo "sign module-$(echo "$path" | tr / _) any $(basename "$path") - $V sign sha256 $WORK/key.pem $WORK/cert.pem $CORPUS/$path $WORK/out/signed-$(basename "$path")"
		done
	} > "$WORK/sign.cases"
	run_cases "$WORK/sign.cases"
	tally sign

	# modtool check: every module file of the corpus against the 6.1 kernel,
	# its exports as a Module.symvers written from its image once (no image
	# unpacked a run); a verdict (status 1 to 3) is not a failure of the tool
	if [ -x "$BUILD/tests/image-exports" ]; then
		kver=$(ls "$trees/6.1/lib/modules" | head -n 1)
		mkdir -p "$WORK/checkroot/lib/modules" "$WORK/checkroot/boot"
		ln -s "$trees/6.1/lib/modules/$kver" "$WORK/checkroot/lib/modules/$kver"
		cp "$trees/6.1/boot/config-$kver" "$WORK/checkroot/boot/"
		"$BUILD/tests/image-exports" "$trees/6.1/boot/vmlinuz-$kver" \
			> "$WORK/checkroot/boot/symvers-$kver"
		cat > "$WORK/check-ok.sh" <<'EOF2'
#!/bin/sh
"$@"
rc=$?
[ $rc -ge 1 ] && [ $rc -le 3 ] && exit 0
exit $rc
EOF2
		chmod +x "$WORK/check-ok.sh"
		{
			manifest | while read -r path mi dm what; do
				echo "check $(echo "$path" | tr / _) any $(basename "$path") - $WORK/check-ok.sh $V check -b $WORK/checkroot --json $CORPUS/$path"
			done
			for f in "$CORPUS"/special/*; do
				echo "check special_$(basename "$f") any $(basename "$f") - $WORK/check-ok.sh $V check -b $WORK/checkroot $f"
				echo "check symvers-special_$(basename "$f") fail $(basename "$f") - $V check -b $WORK/checkroot --symvers $f $CORPUS/$good"
			done
		} > "$WORK/check.cases"
		run_cases "$WORK/check.cases"
		tally check
	else
		echo "check: not built (no $BUILD/tests/image-exports): not run, not counted"
	fi
else
	echo "verify: not built (no $BUILD/tools/modtool or $BUILD/tests/image-certs): not run, not counted"
fi

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
