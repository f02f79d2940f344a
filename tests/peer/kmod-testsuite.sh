#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# kmod's own testsuite (Debian 12's kmod source package, fetched at test time)
# against our tools and against a libkmod.so.2:
#   tools:   kmod's tests that exec modprobe, depmod, modinfo from its build
#            tree run ours instead (our multi-call kmod and its links there);
#   library: kmod's tests that use only libkmod.h, linked against the shared
#            libkmod.so.2 and run on ours (LD_LIBRARY_PATH) when this tree
#            builds one, else on Debian's as the baseline.
# Each test runs alone (kmod's runner stops at the first failure and its exit
# status is not reliable: it returns a wait status, which wraps to 0), and
# passes when kmod's runner says PASSED or EXPECTED FAIL for it.  A test that
# fails must be listed below with the row of tests/kmod-differences.md it
# falls under and a check of ours that pins what we do instead.
#
# usage: kmod-testsuite.sh SOURCE_ROOT BUILD_ROOT
set -eu
src=$(cd "$1" && pwd)
build=$(cd "$2" && pwd)
here=$src/tests/peer
work=$build/peer
kb=$work/kmod/build		# kmod's build tree
jobs=$(nproc 2>/dev/null || echo 2)

fail() {
	echo "kmod-testsuite: $*" >&2
	exit 1
}

# ---- kmod's testsuite, built once per source package ---------------------

dsc=$("$here/fetch-kmod-source.sh")
stamp="$(basename "$dsc") $(md5sum < "$here/kmod-testsuite.sh" | cut -c1-12)"
if [ "$(cat "$work/kmod/.built" 2>/dev/null)" != "$stamp" ]; then
	echo "# building kmod's testsuite from $(basename "$dsc")"
	rm -rf "$work/kmod"
	mkdir -p "$work/kmod"
	dpkg-source -q --no-check -x "$dsc" "$work/kmod/src" >/dev/null
	(
		cd "$work/kmod/src"
		mkdir -p libkmod/docs
		touch libkmod/docs/gtk-doc.make		# no gtk-doc: no API docs
		autoreconf --force --install >/dev/null 2>&1 ||
			fail "autoreconf failed (autoconf, automake, libtool installed?)"
		mkdir -p "$kb"
		cd "$kb"
		# Debian's own configuration (debian/rules), minus what tests need not:
		# no tools of kmod's (ours stand in), no docs, no modules to build
		# (the testsuite's prebuilt ones are used)
		../src/configure --sysconfdir=/etc --with-openssl --with-xz --with-zstd \
			--disable-tools --disable-manpages --disable-test-modules \
			> "$work/kmod/configure.log" 2>&1 ||
			fail "kmod's configure failed: see $work/kmod/configure.log"
		# the modules (copied from the prebuilt ones), the traps, the
		# runner, the rootfs and the test programs
		{ make build-module-playground && make -j"$jobs" testsuite/uname.la testsuite/path.la testsuite/init_module.la \
			testsuite/delete_module.la testsuite/libtestsuite.la \
			testsuite/test-modprobe testsuite/test-depmod testsuite/test-modinfo \
			testsuite/test-testsuite \
			testsuite/test_init-test-init.o testsuite/test_initstate-test-initstate.o \
			testsuite/test_loaded-test-loaded.o \
			testsuite/test_new_module-test-new-module.o \
			testsuite/test_dependencies-test-dependencies.o \
			testsuite/test_blacklist-test-blacklist.o; } \
			> "$work/kmod/make.log" 2>&1 || fail "building kmod's testsuite failed: see $work/kmod/make.log"
	) || exit 1
	# The init_module trap carries kmod's own libkmod (to read the module's
	# ELF) and exports it: preloaded, its kmod_* would stand in for the
	# libkmod.so.2 under test.  Relink it keeping those symbols inside.
	(
		cd "$kb"
		rm -f testsuite/.libs/init_module.so
		# shellcheck disable=SC2046
		cc -shared -o testsuite/.libs/init_module.so testsuite/.libs/init_module.o \
			libkmod/.libs/libkmod-internal.a shared/.libs/libshared.a \
			-Wl,--exclude-libs,ALL $(pkg-config --libs liblzma libzstd libcrypto) -ldl
	) || fail "relinking the init_module trap failed"
	# the library tests, linked against the shared libkmod.so.2 (Debian's
	# libkmod-dev to link; which one runs is chosen at run time)
	cc -O2 -c -o "$work/list-append.o" "$here/list-append.c"
	for t in init initstate loaded new_module dependencies blacklist; do
		extra=
		[ $t = blacklist ] && extra=$work/list-append.o
		# shellcheck disable=SC2086
		cc -o "$kb/testsuite/lib-test-$t" "$kb/testsuite/test_$t-test-$(echo $t | tr _ -).o" \
			$extra "$kb/testsuite/.libs/libtestsuite.a" "$kb/shared/.libs/libshared.a" \
			$(pkg-config --libs libkmod) -lrt || fail "linking test-$t against libkmod.so.2 failed"
	done
	echo "$stamp" > "$work/kmod/.built"
fi

# Our tools where kmod's testsuite runs kmod's: the multi-call binary and
# its links, as a kmod package lays them out.
rm -rf "$kb/tools"
mkdir -p "$kb/tools"
for t in kmod modprobe depmod modinfo insmod rmmod lsmod; do
	ln -s "$build/tools/kmod" "$kb/tools/$t"
done

# A pristine copy of kmod's fake roots (the tests write into them).
fresh_rootfs() {
	make -C "$kb" rootfs >/dev/null 2>&1 || fail "make rootfs failed"
}

# The traps themselves work (kmod's own test of its runner).
fresh_rootfs
"$kb/testsuite/test-testsuite" > "$work/test-testsuite.log" 2>&1 ||
	fail "kmod's test-testsuite failed: the traps do not work here (see $work/test-testsuite.log)"

# ---- the exceptions: each a kmod-differences.md row and a pin of ours ----

traps="$kb/testsuite/.libs"

# kmod 30 prints every elementary cycle its walk meets, two for the four
# modules h, i, j, k that depend on each other (h-i-j-h and h-i-j-k-h), each
# from where its walk began; ours one cycle per group of modules that depend
# on each other.  The count line and the status are kmod's; nothing written.
pin_depmod_detect_loop() {
	root=$kb/testsuite/rootfs/test-depmod/detect-loop
	out=$work/pin-detect-loop.err
	st=0
	TESTSUITE_ROOTFS=$root TESTSUITE_UNAME_R=4.4.4 \
		LD_PRELOAD="$traps/path.so $traps/uname.so" "$kb/tools/depmod" 2> "$out" || st=$?
	[ $st = 1 ] && cmp -s "$out" "$here/expected/depmod-detect-loop.err" &&
		[ ! -e "$root/lib/modules/4.4.4/modules.dep" ]
}

# name -> the pin's function, or nothing when the test must pass
exception_pin() {
	case $1 in
	depmod_detect_loop) echo pin_depmod_detect_loop ;;
	esac
}

# ---- the runs -------------------------------------------------------------

passed=0 total=0 excepted=0 bad=0

# One "NAME ok|skip|fail" line per test kmod's runner ran, from its log:
# each test's part runs from "running NAME" to "------".
results() {
	awk '/^TESTSUITE: running .*, in forked context$/ {
		name = $0; sub(/^TESTSUITE: running /, "", name)
		sub(/, in forked context$/, "", name); res = "fail"; next }
	name != "" && ($0 == "TESTSUITE: PASSED: " name || $0 == "TESTSUITE: EXPECTED FAIL: " name) {
		res = "ok" }
	name != "" && $0 == "TESTSUITE: SKIPPED: " name { res = "skip" }
	name != "" && $0 == "TESTSUITE: ------" { print name, res; name = "" }' "$1"
}

# run_tests KIND PROGRAM: all of PROGRAM's tests in one run, as kmod runs
# them (two tests may share a name: test-init's test_load_resources); the
# runner stops at a failure, and the tests after it then run one by one.
run_tests() {
	kind=$1 prog=$2
	log=$work/logs/$kind-$(basename "$prog").log
	# line-buffered: a forked test that exits must not flush a copy of
	# the runner's pending output
	stdbuf -oL "$prog" > "$log" 2>&1 || true
	results "$log" > "$log.results"
	i=0
	for name in $("$prog" -l | sed -n 's/^\t\([^,]*\),.*/\1/p'); do
		i=$((i + 1))
		res=$(sed -n "${i}p" "$log.results")
		if [ -z "$res" ]; then
			stdbuf -oL "$prog" "$name" > "$log.$name" 2>&1 || true
			res=$(results "$log.$name")
		fi
		[ "${res%% *}" = "$name" ] || res="$name fail"
		total=$((total + 1))
		case ${res#* } in
		ok)
			passed=$((passed + 1))
			if [ -n "$(exception_pin "$name")" ]; then
				echo "STALE  $kind $name: passes now, drop its exception"
				bad=$((bad + 1))
			else
				echo "ok     $kind $name"
			fi ;;
		skip)
			echo "FAIL   $kind $name: skipped (kmod's build configuration)"
			bad=$((bad + 1)) ;;
		*)
			pin=$(exception_pin "$name")
			if [ -n "$pin" ] && fresh_rootfs && $pin; then
				echo "differs $kind $name (tests/kmod-differences.md; pinned by $pin)"
				excepted=$((excepted + 1))
			elif [ -n "$pin" ]; then
				echo "FAIL   $kind $name: differs from kmod and its pin $pin fails"
				bad=$((bad + 1))
			else
				echo "FAIL   $kind $name: see $log"
				bad=$((bad + 1))
			fi ;;
		esac
	done
	# a test's failure above may have left its fake root changed
	fresh_rootfs
}

mkdir -p "$work/logs"
echo "# kmod's tool tests on our tools ($build/tools/kmod)"
fresh_rootfs
for p in test-modprobe test-depmod test-modinfo; do
	run_tests tools "$kb/testsuite/$p"
done
tools_result="tools: $passed/$total passed, $excepted recorded differences"
tools_bad=$bad

# The library: ours when this tree builds one.
ours=$(find "$build/src" -name libkmod.so.2 2>/dev/null | head -n 1)
if [ -n "$ours" ]; then
	libdir=$(dirname "$ours")
	which_lib="ours ($libdir)"
elif [ -d "$src/src/libkmod" ]; then
	fail "src/libkmod exists but no libkmod.so.2 was built under $build/src"
else
	libdir=
	which_lib="Debian's (baseline: this tree has no libkmod yet)"
fi
echo "# kmod's library tests on $which_lib libkmod.so.2"
# the library the loader really picks for a test program
got=$(LD_LIBRARY_PATH=$libdir ldd "$kb/testsuite/lib-test-init" | awk '$1 == "libkmod.so.2" {print $3}')
if [ -n "$libdir" ]; then
	[ "$(readlink -f "$got")" = "$(readlink -f "$ours")" ] ||
		fail "the test programs load $got, not $ours"
fi
echo "# (libkmod.so.2 => $got)"
passed=0 total=0 excepted=0 bad=0
fresh_rootfs
export LD_LIBRARY_PATH="$libdir"
for t in init initstate loaded new_module dependencies blacklist; do
	run_tests library "$kb/testsuite/lib-test-$t"
done
unset LD_LIBRARY_PATH
lib_result="library ($which_lib): $passed/$total passed, $excepted recorded differences"

echo "kmod testsuite $tools_result"
echo "kmod testsuite $lib_result"
[ "$tools_bad" = 0 ] && [ "$bad" = 0 ]
