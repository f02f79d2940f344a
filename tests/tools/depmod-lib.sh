# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the depmod tests and bench: pass/fail counting, copies of the real
# trees, tiny crafted modules.

passed=0 failed=0
ok() { passed=$((passed + 1)); echo "ok: $*"; }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }
# check DESCRIPTION COMMAND...: passes when the command succeeds
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
not() { ! "$@"; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; }

# copy_tree TAG NAME: a hard-linked copy of $trees/TAG's module tree under
# $work/NAME, without its indexes; prints the module directory
copy_tree() {
	local src=$trees/$1/lib/modules ver
	ver=$(ls "$src" | head -n 1)
	mkdir -p "$work/$2/lib/modules/$ver"
	cp -al "$src/$ver/kernel" "$work/$2/lib/modules/$ver/"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -f "$src/$ver/$f" ] && cp "$src/$ver/$f" "$work/$2/lib/modules/$ver/"
	done
	echo "$work/$2/lib/modules/$ver"
}

INDEX_FILES="modules.dep modules.dep.bin modules.alias modules.alias.bin modules.softdep
modules.symbols modules.symbols.bin modules.builtin.bin modules.builtin.alias.bin modules.devname"

# same_indexes DIR1 DIR2: every file kmod 30 writes is byte-identical
same_indexes() {
	local f rc=0
	for f in $INDEX_FILES; do
		if ! cmp -s "$1/$f" "$2/$f"; then
			echo "  differs: $f" >&2
			rc=1
		fi
	done
	return $rc
}

# mkmod OUT "exports" "imports" [modinfo strings...]: a small relocatable
# object shaped like a module: .modinfo strings, __ksymtab_strings for the
# exports, undefined symbols for the imports.  $VERSIONS ("sym:crc ...") adds
# a __versions section.
mkmod() {
	local out=$1 exports=$2 imports=$3 src i=0 s
	shift 3
	src=$(mktemp "${TMPDIR:-/tmp}/mkmodXXXXXX.c")
	{
		for s in "$@"; do
			i=$((i + 1))
			printf '__attribute__((section(".modinfo"),used,aligned(1))) static const char mi%d[] = "%s";\n' "$i" "$s"
		done
		for s in $imports; do printf 'extern void %s(void);\n' "$s"; done
		printf 'void init_%d(void) {\n' "$$"
		for s in $imports; do printf '\t%s();\n' "$s"; done
		printf '}\n'
		for s in $exports; do
			printf 'void %s(void) {}\n' "$s"
			printf '__attribute__((section("__ksymtab_strings"),used,aligned(1))) static const char ks_%s[] = "%s";\n' "$s" "$s"
		done
		i=0
		for s in ${VERSIONS:-}; do
			i=$((i + 1))
			printf '__attribute__((section("__versions"),used,aligned(8))) static const struct { unsigned long crc; char name[56]; } v%d = { %s, "%s" };\n' "$i" "${s#*:}" "${s%%:*}"
		done
	} >"$src"
	mkdir -p "$(dirname "$out")"
	cc -c -o "$out" "$src"
	local rc=$?
	rm -f "$src"
	return $rc
}
