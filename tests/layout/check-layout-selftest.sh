#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# The layout check can fail: on a small tree that breaks each rule once (an
# include and a call running up, a tool reaching past the public API, a
# folder without a rule, a cycle in the rules), check-layout.py must report
# each violation, and nothing else, and exit non-zero.
#
# Usage: check-layout-selftest.sh SOURCE_DIR
set -eu
check=$1/tests/layout/check-layout.py
CC=${CC:-cc}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
mkdir -p src/base src/resolve src/stray tools tests/layout build
cat > tests/layout/layers <<'RULES'
base:
resolve: base
.: base resolve
index: config
config: index
RULES
printf 'int mt_resolve_step(void);\n' > src/resolve/step.h
printf 'int mt_base_helper(void);\n' > src/base/helper.h
cat > src/base/helper.c <<'C'
#include "resolve/step.h"
int mt_base_helper(void) { return mt_resolve_step(); }
C
cat > src/resolve/step.c <<'C'
#include "base/helper.h"
int mt_resolve_step(void) { return mt_base_helper() + 1; }
C
printf 'int mt_stray(void) { return 0; }\n' > src/stray/stray.c
cat > tools/tool.c <<'C'
#include "../src/base/helper.h"
int modtool_public(void);
int main(void) { return mt_base_helper(); }
C
printf '[' > build/compile_commands.json
sep=
for f in src/base/helper.c src/resolve/step.c tools/tool.c; do
	obj=$(echo "$f" | tr / _).o
	"$CC" -Isrc -c "$f" -o "build/$obj"
	printf '%s{"directory": "%s", "file": "../%s", "output": "%s"}' \
		"$sep" "$work/build" "$f" "$obj" >> build/compile_commands.json
	sep=,
done
printf ']\n' >> build/compile_commands.json

status=0
python3 "$check" "$work" "$work/build" > out || status=$?
cat > expected <<'OUT'
FAIL: layers: cycle config -> index -> config
FAIL: src/base/helper.c: includes "resolve/step.h": base may not include resolve
FAIL: src/stray: a folder with no rule in tests/layout/layers
FAIL: tools/tool.c: includes "../src/base/helper.h": tools use the public header only
FAIL: src/base/helper.c: calls mt_resolve_step of resolve: base may not call into resolve
FAIL: tools/tool.c: calls mt_base_helper (base): tools call only the public API
OUT
grep '^FAIL' out > got || true
if [ "$status" -eq 0 ] || ! diff -u expected got; then
	echo "check-layout.py missed a violation (exit $status):" >&2
	cat out >&2
	exit 1
fi
echo "check-layout.py reports all $(wc -l < expected) violations and fails"
