#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Set everything up and run the whole test suite: unit tests, tool tests against Debian's
# kmod on real Debian 12 module trees, all of it again under ASan+UBSan, the unit
# tests under valgrind, and the unit tests of a build without the optional
# libraries.  Exits non-zero on any failure.
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

echo "### plain build"
build "$top/build"
meson test -C "$top/build" --print-errorlogs || status=1

echo "### ASan + UBSan build"
# its tools use libmodtool.so, the plain build's link the library in: both ways tested
build "$top/build-sanitize" -Db_sanitize=address,undefined -Db_lundef=false -Dtools_link=shared
meson test -C "$top/build-sanitize" --print-errorlogs || status=1

echo "### unit tests under valgrind"
# (meson names its logs after the log base and the wrapper: valgrind-valgrind.json)
meson test -C "$top/build" --suite unit --print-errorlogs --logbase valgrind \
	--wrap='valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite' ||
	status=1

# A packager may leave any optional library out (meson -Dxz=disabled...): the
# library then refuses those files saying so, and its unit tests must say
# the same (a test of a part left out is skipped, never failed).
echo "### built without the optional libraries: unit tests"
build "$top/build-minimal" -Dzlib=disabled -Dxz=disabled -Dzstd=disabled -Dlz4=disabled \
	-Dbzip2=disabled -Dlibcrypto=disabled -Dman=disabled
meson test -C "$top/build-minimal" --suite unit --print-errorlogs || status=1

# One plain closing line over every run above (meson keeps a JSON log per run).
python3 - "$top/build/meson-logs/testlog.json" "$top/build-sanitize/meson-logs/testlog.json" \
	"$top/build/meson-logs/valgrind-valgrind.json" \
	"$top/build-minimal/meson-logs/testlog.json" <<'PY'
import json, os, sys
passed = failed = skipped = 0
for path in sys.argv[1:]:
    if not os.path.exists(path):
        continue
    for line in open(path):
        result = json.loads(line).get("result")
        if result in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif result == "SKIP":
            skipped += 1
        else:
            failed += 1
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
