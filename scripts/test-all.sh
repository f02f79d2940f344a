#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Set everything up and run the whole test suite: unit tests, tool tests against Debian's
# kmod on real Debian 12 module trees and Debian's kernels under qemu, all but
# qemu again under ASan+UBSan, the unit tests under valgrind, and the unit
# tests of a build without the optional libraries.  Exits non-zero on any
# failure.  About an hour on 2 cores (the end says where the time went).
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/scripts/install-deps.sh"
"$top/tests/fetch-trees.sh" >/dev/null
status=0

# The tests run python3 thousands of times (a JSON check per malformed case):
# a version manager's shim in PATH (pyenv's: a few shells per call) made that
# ten times slower than the interpreter itself, which goes first in PATH.
mkdir -p "$top/build-bin"
ln -sf "$(python3 -c 'import sys; print(sys.executable)')" "$top/build-bin/python3"
PATH=$top/build-bin:$PATH
export PATH

build() {
	dir=$1
	shift
	if [ -d "$dir" ]; then
		# an older build directory gets the options this script wants
		[ $# -eq 0 ] || meson setup --reconfigure "$dir" "$top" "$@" >/dev/null
	else
		meson setup "$dir" "$top" "$@"
	fi
	ninja -C "$dir"
}

# stage NAME: a heading, and the time the previous stage took (the CI has a budget)
stage_start=$(date +%s)
stage_name=
stage_times=
stage() {
	now=$(date +%s)
	[ -z "$stage_name" ] || stage_times="$stage_times$stage_name: $((now - stage_start)) s; "
	stage_name=$1
	stage_start=$now
	[ "$1" = end ] || echo "### $1"
}
start=$(date +%s)

stage "plain build"
build "$top/build"

# Two lanes.  The second: the qemu tests (suites vm and system; TCG, one
# vCPU: a core each, a third of the work) one at a time, then the unit tests
# under valgrind (one at a time: single-threaded), then the build without the
# optional libraries; its output is shown when it ends (lane2.out).  The
# first: the plain build's other tests, then the ASan+UBSan build's.
lane2_log=$top/build/meson-logs/lane2.out
(
	lane_status=0
	t=$(date +%s)
	echo "### qemu tests (plain build)"
	meson test -C "$top/build" --no-rebuild --suite vm --suite system --logbase qemu-testlog \
		--print-errorlogs || lane_status=1
	times="qemu tests: $(($(date +%s) - t)) s; "

	t=$(date +%s)
	echo "### unit tests under valgrind"
	# (meson names its logs after the log base and the wrapper: valgrind-valgrind.json)
	meson test -C "$top/build" --no-rebuild --suite unit --num-processes 1 --print-errorlogs \
		--logbase valgrind \
		--wrap='valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite' ||
		lane_status=1
	times="${times}valgrind: $(($(date +%s) - t)) s; "

	# A packager may leave any optional library out (meson -Dxz=disabled...):
	# the library then refuses those files saying so, and its unit tests must
	# say the same (a test of a part left out is skipped, never failed).
	t=$(date +%s)
	echo "### built without the optional libraries: unit tests"
	build "$top/build-minimal" -Dzlib=disabled -Dxz=disabled -Dzstd=disabled -Dlz4=disabled \
		-Dbzip2=disabled -Dlibcrypto=disabled -Dman=disabled || lane_status=1
	meson test -C "$top/build-minimal" --suite unit --print-errorlogs || lane_status=1
	echo "second lane: ${times}minimal build: $(($(date +%s) - t)) s"
	exit $lane_status
) >"$lane2_log" 2>&1 &
lane2_pid=$!

meson test -C "$top/build" --no-rebuild --no-suite vm --no-suite system --print-errorlogs ||
	status=1

stage "ASan + UBSan build"
# its tools use libmodtool.so, the plain build's link the library in: both ways tested
build "$top/build-sanitize" -Db_sanitize=address,undefined -Db_lundef=false -Dtools_link=shared
meson test -C "$top/build-sanitize" --print-errorlogs || status=1

stage "waiting for the second lane"
wait $lane2_pid || status=1
cat "$lane2_log"
stage end
echo "stages: ${stage_times}all: $(($(date +%s) - start)) s"

# One plain closing line over every run above (meson keeps a JSON log per
# run), after the slowest tests: what to cut when the run nears its budget.
python3 - "$top/build/meson-logs/testlog.json" "$top/build/meson-logs/qemu-testlog.json" \
	"$top/build-sanitize/meson-logs/testlog.json" \
	"$top/build/meson-logs/valgrind-valgrind.json" \
	"$top/build-minimal/meson-logs/testlog.json" <<'PY'
import json, os, sys
passed = failed = skipped = 0
times = []
for path in sys.argv[1:]:
    if not os.path.exists(path):
        continue
    run = os.path.relpath(path, os.path.dirname(os.path.dirname(os.path.dirname(path))))
    for line in open(path):
        test = json.loads(line)
        result = test.get("result")
        times.append((test.get("duration", 0), test.get("name"), run))
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print("slowest:", "; ".join(f"{n} {d:.0f} s ({r})" for d, n, r in sorted(times, reverse=True)[:10]))
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
