#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A depmod killed at any moment leaves the old index set or the new one,
# never a mix, and no litter after the next run.  On a copy of Debian's 6.12
# tree: the old set, then a changed tree (modules and a built-in removed) and
# its new set computed on a second copy; then depmod started and SIGKILLed
# again and again, the delays spread evenly over 1.1 times a run's wall
# time (measured before every ten kills), each kill followed by a check of
# every index file against both sets.
# Then a run to completion must leave no temporary; stale temporaries of a
# dead PID are removed, of a live PID (another depmod) kept, of other names
# never touched.  Last, the fallbacks: a file system refusing O_TMPFILE, and
# no way to link an unnamed file (no /proc, no capability).
#
# Nothing makes twelve renames one: ours run in a child that a kill of
# depmod does not reach, holding a lock (flock) on the directory till the
# last is done.  So after each kill the check first takes that lock; and a
# kill made certain to fall between two renames (rename() held up by
# refuse.so) must leave the new set, not a mix.  (kmod's depmod, run here,
# shows its mixes.)
#
# Usage: depmod-kill.sh DEPMOD [KILLS]   (KILLS: 40 by default; $KILL_SEED
# repeats a run's delays).  Any depmod: run on kmod's, it counts kmod's mixes.
set -u
export LC_ALL=C
here=$(cd "$(dirname "$0")" && pwd)
. "$here/depmod-lib.sh"
tool=$(realpath -s "$1")	# -s: kmod knows itself by its name
kills=${2:-40}
seed=${KILL_SEED:-$RANDOM}
command -v cc >/dev/null || { echo "cc is needed"; echo "0 passed, 1 failed"; exit 1; }
trees=$("$here/../fetch-trees.sh") || { echo "fetch-trees.sh failed"; exit 1; }
work=$(mktemp -d) || exit 1
live=
cleanup() { [ -z "$live" ] || kill "$live" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/empty.d" "$work/old" "$work/new"
# a run parses every module: a cache would make it too short to stop half-way
opts=(-C "$work/empty.d")
"$tool" --help 2>&1 | grep -q -- --no-cache && opts+=(--no-cache)

# change_tree DIR: removes modules with aliases, exports, a devname and
# softdeps, a built-in module and a built-in's aliases
change_tree() {
	local m
	for m in uhid cuse ksmbd fc0013; do find "$1/kernel" -name "$m.ko*" -delete; done
	sed -i '$d' "$1/modules.builtin"
	grep -z -v '^ctr\.' "$1/modules.builtin.modinfo" >"$1/bi" && mv "$1/bi" "$1/modules.builtin.modinfo"
}

# timed ROOT: runs the tool on ROOT; the longest wall time so far in $runtime
runtime=0
timed() {
	local start=$EPOCHREALTIME
	"$tool" "${opts[@]}" -b "$1" "$ver" 2>/dev/null
	runtime=$(echo "$start $EPOCHREALTIME $runtime" |
		awk '{ t = $2 - $1; printf "%.3f", (t > $3 ? t : $3) }')
}

dir=$(copy_tree 6.12 tree)
ver=$(basename "$dir")
timed "$work/tree"
check "the old set is written" [ -s "$dir/modules.dep" ]
files=
for f in $INDEX_FILES modules.weakdep; do
	[ -f "$dir/$f" ] && files="$files $f" && cp "$dir/$f" "$work/old/"
done
change_tree "$dir"

exp=$(copy_tree 6.12 expect)
change_tree "$exp"
timed "$work/expect"
for f in $files; do cp "$exp/$f" "$work/new/"; done
differ=0
for f in $files; do cmp -s "$work/old/$f" "$work/new/$f" || differ=$((differ + 1)); done
echo "one run: ${runtime}s (the longer of two); the change alters $differ of the $(echo $files | wc -w) index files"
check "the change alters the index files" [ "$differ" -ge 2 ]

# which_set: "old", "new", or "mixed: ..." / "corrupt: ..." naming the files
which_set() {
	local f o=0 n=0 from_old= from_new= bad=
	for f in $files; do
		if ! [ -f "$dir/$f" ]; then
			bad="$bad $f(missing)"
			continue
		fi
		cmp -s "$dir/$f" "$work/old/$f" && o=1 || o=0
		cmp -s "$dir/$f" "$work/new/$f" && n=1 || n=0
		[ $o = 1 ] && [ $n = 0 ] && from_old="$from_old $f"
		[ $o = 0 ] && [ $n = 1 ] && from_new="$from_new $f"
		[ $o = 0 ] && [ $n = 0 ] && bad="$bad $f"
	done
	if [ -n "$bad" ]; then echo "corrupt:$bad"
	elif [ -n "$from_old" ] && [ -n "$from_new" ]; then echo "mixed: old$from_old, new$from_new"
	elif [ -n "$from_new" ]; then echo new
	else echo old
	fi
}

# temporaries DIR [FIND_TESTS...]: the temporaries in DIR, hidden or not
temporaries() { find "$1" -maxdepth 1 \( -name '.modules.*' -o -name '*.tmp' \) "${@:2}"; }

# the kills: kill i after (i + a random fraction) * 1.1 / KILLS of a run's
# wall time, in random order; the wall time measured again before every ten
# kills, as a shared machine's load moves it
echo "kill seed: $seed (KILL_SEED=$seed repeats these delays)"
before=0 during=0 after=0 exited=0 mixed=0 wrong=0 k=0 measured=" ${runtime}s"
for frac in $(awk -v n="$kills" -v seed="$seed" 'BEGIN { srand(seed)
	for (i = 0; i < n; i++) printf "%.4f %.4f\n", rand(), (i + rand()) * 1.1 / n }' |
	sort -n | cut -d' ' -f2); do
	if [ $((k++ % 10)) = 0 ] && [ $k != 1 ]; then
		runtime=0
		timed "$work/tree"
		measured="$measured ${runtime}s"
	fi
	delay=$(awk -v f="$frac" -v t="$runtime" 'BEGIN { printf "%.3f", f * t }')
	for f in $files; do cp "$work/old/$f" "$dir/$f"; done
	touch "$work/marker"
	"$tool" "${opts[@]}" -b "$work/tree" "$ver" >/dev/null 2>&1 &
	pid=$!
	sleep "$delay"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null	# no "Killed" line from the shell
	rc=$?
	flock "$dir" true	# renames a kill did not stop are finished
	state=$(which_set)
	left=$(temporaries "$dir" -newer "$work/marker" | wc -l)
	case "$rc:$state" in
	0:new) exited=$((exited + 1)) ;;
	137:old) [ "$left" = 0 ] && before=$((before + 1)) || during=$((during + 1)) ;;
	137:new) [ "$left" = 0 ] && after=$((after + 1)) || during=$((during + 1)) ;;
	137:mixed*) during=$((during + 1)) mixed=$((mixed + 1)) ;;
	esac
	case "$rc:$state" in
	0:new | 137:old | 137:new) ;;
	*) wrong=$((wrong + 1)); echo "  killed after ${delay}s (exit $rc): $state" ;;
	esac
done
echo "run wall times:$measured"
echo "kills: $kills; before publishing $before, during $during (mixed sets: $mixed)," \
	"after $after, after the run had ended $exited"
echo "temporaries left by the kills: $(temporaries "$dir" | wc -l)"
check "no kill left a mixed or damaged set" [ "$wrong" = 0 ]

"$tool" "${opts[@]}" -b "$work/tree" "$ver" 2>/dev/null
check "a run to completion after the kills succeeds" [ $? = 0 ]
check "it publishes the new set" [ "$(which_set)" = new ]
check "it leaves no temporary" [ -z "$(temporaries "$dir")" ]

# stale temporaries: a dead PID's go, a live one's stay, other names stay
true & dead=$!
wait $dead
kill -0 "$dead" 2>/dev/null && dead=$(($(cat /proc/sys/kernel/pid_max) + 1))
sleep 600 >/dev/null 2>&1 & live=$!
stale=".modules.dep.$dead.tmp .modules.alias.bin.$dead.tmp ..modtool-depmod.cache.$dead.tmp"
others=".modules.dep.$live.tmp ..modtool-depmod.cache.$live.tmp .other.$dead.tmp
modules.dep.$dead.tmp .modules.dep.$dead.tmp.keep .modules.dep.x$dead.tmp .modules.$dead.tmp"
for f in $stale $others; do echo planted >"$dir/$f"; done
"$tool" "${opts[@]}" -b "$work/tree" "$ver" 2>/dev/null
check "with planted temporaries: the run succeeds" [ $? = 0 ]
for f in $stale; do check "a dead PID's $f is removed" not [ -e "$dir/$f" ]; done
for f in $others; do check "$f is kept" grep -qx planted "$dir/$f"; done
kill "$live"
live=
for f in $others; do rm -f "$dir/$f"; done

# the fallbacks, on a small part of the tree: refuse.so makes open(O_TMPFILE)
# fail as on a file system without it (REFUSE=tmpfile), or linkat() with
# AT_EMPTY_PATH (REFUSE=emptypath), or also through /proc (REFUSE="emptypath
# proc"); it writes what it refused, and each link through /proc, to fd 9
cat >"$work/refuse.c" <<'EOF'
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void note(const char *what)
{
	if (write(9, what, strlen(what)) < 0 || write(9, "\n", 1) < 0)
		abort();
}

static int refused(const char *what, int err)
{
	const char *r = getenv("REFUSE");
	size_t len = strlen(what);

	for (; r && *r; r += strcspn(r, " "), r += strspn(r, " "))
		if (!strncmp(r, what, len) && (r[len] == ' ' || !r[len])) {
			note(what);
			errno = err;
			return 1;
		}
	return 0;
}

#define OPEN(name, call, ...) \
	int name(__VA_ARGS__, int flags, ...) \
	{ \
		static int (*real)(); \
		va_list ap; \
		int mode; \
		va_start(ap, flags); \
		mode = va_arg(ap, int); \
		va_end(ap); \
		if ((flags & O_TMPFILE) == O_TMPFILE && refused("tmpfile", EOPNOTSUPP)) \
			return -1; \
		if (!real) \
			real = (int (*)())dlsym(RTLD_NEXT, #name); \
		return call; \
	}
OPEN(open, real(path, flags, mode), const char *path)
OPEN(open64, real(path, flags, mode), const char *path)
OPEN(openat, real(dfd, path, flags, mode), int dfd, const char *path)
OPEN(openat64, real(dfd, path, flags, mode), int dfd, const char *path)

int linkat(int ofd, const char *old, int nfd, const char *new, int flags)
{
	static int (*real)(int, const char *, int, const char *, int);

	if ((flags & AT_EMPTY_PATH) && refused("emptypath", ENOENT))
		return -1;
	if (!strncmp(old, "/proc/", 6) && refused("proc", ENOENT))
		return -1;
	if (!strncmp(old, "/proc/", 6))
		note("linked through /proc");
	if (!real)
		real = (int (*)(int, const char *, int, const char *, int))dlsym(RTLD_NEXT, "linkat");
	return real(ofd, old, nfd, new, flags);
}

/* PAUSE_RENAME=N: before the Nth rename, say "paused" and wait 3 seconds */
static void maybe_pause(void)
{
	static int count;
	const char *pause = getenv("PAUSE_RENAME");

	if (pause && ++count == atoi(pause)) {
		struct timespec t = { 3, 0 };

		note("paused");
		while (nanosleep(&t, &t) < 0 && errno == EINTR)
			;
	}
}

int rename(const char *old, const char *new)
{
	static int (*real)(const char *, const char *);

	maybe_pause();
	if (!real)
		real = (int (*)(const char *, const char *))dlsym(RTLD_NEXT, "rename");
	return real(old, new);
}

/* kmod's depmod renames with renameat */
int renameat(int ofd, const char *old, int nfd, const char *new)
{
	static int (*real)(int, const char *, int, const char *);

	maybe_pause();
	if (!real)
		real = (int (*)(int, const char *, int, const char *))dlsym(RTLD_NEXT, "renameat");
	return real(ofd, old, nfd, new);
}
EOF
cc -shared -fPIC -o "$work/refuse.so" "$work/refuse.c" -ldl ||
	{ fail "cannot build refuse.so"; finish; exit; }
small=$work/small/lib/modules/$ver
mkdir -p "$small/kernel" "$work/small-ref"
cp -al "$dir/kernel/fs" "$small/kernel/"
cp "$dir"/modules.builtin* "$small/"
"$tool" "${opts[@]}" -b "$work/small" "$ver" 2>/dev/null
for f in $files; do mv "$small/$f" "$work/small-ref/"; done
# REFUSE value:what refuse.so must have written
for how in tmpfile:tmpfile "emptypath:linked through /proc" "emptypath proc:proc"; do
	LD_PRELOAD=$work/refuse.so REFUSE=${how%%:*} \
		ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
		"$tool" "${opts[@]}" -b "$work/small" "$ver" 2>"$work/err" 9>"$work/refused"
	rc=$?
	seen=${how#*:} how=${how%%:*}
	check "refused $how: the run succeeds" [ $rc = 0 ]
	check "refused $how: that way was taken" grep -qx "$seen" "$work/refused"
	check "refused $how: the same indexes" same_indexes "$work/small-ref" "$small"
	check "refused $how: no temporary left" [ -z "$(temporaries "$small")" ]
	for f in $files; do rm -f "$small/$f"; done
done
# a kill made certain to fall between two renames: the 4th is held up
for f in $files; do cp "$work/old/$f" "$dir/$f"; done
LD_PRELOAD=$work/refuse.so PAUSE_RENAME=4 ASAN_OPTIONS=${ASAN_OPTIONS:-}:verify_asan_link_order=0 \
	"$tool" "${opts[@]}" -b "$work/tree" "$ver" >/dev/null 2>&1 9>"$work/paused" &
pid=$!
for _ in $(seq 1200); do	# up to 2 minutes: a sanitized build is slow
	grep -q paused "$work/paused" && break
	sleep 0.1
done
check "the 4th rename is held up" grep -q paused "$work/paused"
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rc=$?
flock "$dir" true
state=$(which_set)
echo "killed between two renames: exit $rc, set: $state"
check "killed between two renames: the new set" [ "$state" = new ]
check "killed between two renames: no temporary left" [ -z "$(temporaries "$dir")" ]
finish
