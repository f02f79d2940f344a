#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Check the shell completions as they are installed: the per-command files
# for bash, zsh and fish together with the helper files they share (bash
# sources one file from modtool's data directory, zsh and fish autoload one
# function per file).  Syntax first, then real completions on a small fake
# module tree.  bash is always tested; zsh and fish only when installed.
#
# Usage: completions.sh [SOURCE_DIR [BUILD_DIR]]
# With a build directory (BUILD_DIR, else $MODTOOL_BUILDDIR, else the current
# directory when it is a meson build of SOURCE_DIR, as under `meson test`),
# the files come from `meson install --tags completions --destdir`.  Without
# one, they are laid out from SOURCE_DIR (default: $MODTOOL_SRCDIR, else the
# directory above this script) the way completions/meson.build installs them.
# Exits non-zero when any check fails.
set -u
export LC_ALL=C

src=${1:-${MODTOOL_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}}
src=$(cd "$src" && pwd) || exit 1
comp=$src/completions
tools="insmod rmmod lsmod modprobe modinfo depmod modtool"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
dest=$tmp/dest
failures=0

fail()
{
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# The source directory the meson build directory $1 was configured for.
build_source()
{
	python3 -c 'import json, sys
print(json.load(open(sys.argv[1] + "/meson-info/meson-info.json"))["directories"]["source"])' \
		"$1" 2>/dev/null
}

build=${2:-${MODTOOL_BUILDDIR:-}}
if [ -z "$build" ] && [ -f meson-info/meson-info.json ] &&
	[ "$(cd "$(build_source .)" 2>/dev/null && pwd)" = "$src" ]; then
	build=$PWD
fi

# ---- the installed files ----------------------------------------------------
if [ -n "$build" ]; then
	echo "completions: installing from $build"
	if ! meson install -C "$build" --no-rebuild --tags completions \
		--destdir "$dest" >"$tmp/install.log" 2>&1; then
		cat "$tmp/install.log" >&2
		echo "FAIL: meson install --tags completions" >&2
		exit 1
	fi
	moddir=$(meson introspect "$build" --buildoptions | python3 -c 'import json, sys
print(next(o["value"] for o in json.load(sys.stdin) if o["name"] == "moduledir"))')
else
	# completions/meson.build's layout, for prefix /usr and the default moduledir.
	echo "completions: no build directory, laying out $comp"
	moddir=/lib/modules
	share=$dest/usr/share
	mkdir -p "$share/bash-completion/completions" "$share/modtool" \
		"$share/zsh/vendor-completions" "$share/fish/vendor_completions.d" \
		"$share/fish/vendor_functions.d"
	subst()
	{
		sed -e "s,@MODULE_DIRECTORY@,$moddir,g" \
			-e "s,@BASH_COMPLETION_COMMON@,/usr/share/modtool/bash-completion-common,g" \
			"$1" > "$2"
	}
	for t in $tools; do
		subst "$comp/bash/$t" "$share/bash-completion/completions/$t"
	done
	subst "$comp/bash/modtool-common" "$share/modtool/bash-completion-common"
	for f in "$comp"/zsh/*; do
		subst "$f" "$share/zsh/vendor-completions/${f##*/}"
	done
	for f in "$comp"/fish/*.fish; do
		subst "$f" "$share/fish/vendor_completions.d/${f##*/}"
	done
	for f in "$comp"/fish/functions/*.fish; do
		subst "$f" "$share/fish/vendor_functions.d/${f##*/}"
	done
fi
case $moddir in
/?*) ;;
*) echo "FAIL: odd moduledir '$moddir'" >&2; exit 1 ;;
esac

# The installed directory below $dest whose path ends in $1.
installed_dir()
{
	find "$dest" -type d -path "*/$1" | head -n 1
}
bashdir=$(installed_dir bash-completion/completions)
zshdir=$(installed_dir zsh/vendor-completions)
fishdir=$(installed_dir fish/vendor_completions.d)
fishfuncdir=$(installed_dir fish/vendor_functions.d)
for d in bashdir zshdir fishdir fishfuncdir; do
	[ -n "${!d}" ] || { echo "FAIL: nothing installed for $d" >&2; exit 1; }
done

# ---- what is installed, and its syntax --------------------------------------
# The bash files source the shared helpers by absolute path: it must be the
# same in every file and name a file that is installed.  The copies the tests
# use, in $bc, source it from below $dest instead.
bc=$tmp/bc/completions
mkdir -p "$bc"
bash_common=
for t in $tools; do
	f=$bashdir/$t
	[ -f "$f" ] || { fail "not installed: bash $t"; continue; }
	bash -n "$f" || fail "bash -n $f"
	cp "$f" "$bc/$t"
	# (lsmod's is self-contained)
	[ "$t" = lsmod ] && continue
	p=$(sed -n "s/^.* \\. '\\(\\/.*\\)' || return 1\$/\\1/p" "$f")
	[ -n "$p" ] || { fail "bash $t: does not source the shared helpers"; continue; }
	[ -z "$bash_common" ] || [ "$p" = "$bash_common" ] ||
		fail "bash $t sources $p, others $bash_common"
	bash_common=$p
	sed -i "s|'$p'|'$dest$p'|" "$bc/$t"
done
if [ -n "$bash_common" ] && [ -f "$dest$bash_common" ]; then
	bash -n "$dest$bash_common" || fail "bash -n $bash_common"
else
	fail "bash: shared helpers '$bash_common' not installed"
fi

for t in $tools; do
	f=$zshdir/_$t
	[ -f "$f" ] || { fail "not installed: zsh _$t"; continue; }
	head -n 1 "$f" | grep -qx "#compdef $t" || fail "zsh _$t: no #compdef line"
	if command -v zsh >/dev/null; then
		zsh -n "$f" || fail "zsh -n $f"
	fi
done
# zsh helpers: one function per file, which compinit registers by its tag.
for f in "$zshdir"/__modtool_*; do
	[ -f "$f" ] || { fail "zsh: no __modtool_* helpers installed"; break; }
	head -n 1 "$f" | grep -qx '#autoload' || fail "zsh ${f##*/}: no #autoload line"
	if command -v zsh >/dev/null; then
		zsh -f -c 'fpath=("$1" $fpath); autoload -Uz +X "$2"' zsh "$zshdir" "${f##*/}" ||
			fail "zsh: ${f##*/} does not parse"
	fi
done

for t in $tools; do
	[ -f "$fishdir/$t.fish" ] || fail "not installed: fish $t.fish"
done
# fish autoloads function NAME from NAME.fish: each file must define it.
for f in "$fishdir"/*.fish "$fishfuncdir"/__modtool_*.fish; do
	if command -v fish >/dev/null; then
		fish -n "$f" || fail "fish -n $f"
	fi
	[[ $f == "$fishfuncdir"/* ]] || continue
	n=${f##*/}
	grep -qx "function ${n%.fish}" "$f" || fail "fish $n does not define ${n%.fish}"
done

# ---- a fake system: two module trees, /proc/modules, a modinfo ----------
root=$tmp/root
mkdir -p "$root$moddir/6.1.0-test" "$root$moddir/6.12.0-test/kernel/fs" \
	"$tmp/bin" "$tmp/files/sub"
printf '%s\n' 'kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko' \
	'kernel/fs/jbd2/jbd2.ko:' \
	'kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz:' \
	'kernel/sound/pci/hda/snd-hda-intel.ko.zst:' \
	'kernel/sound/pci/hda/snd-hda-codec.ko.gz:' > "$root$moddir/6.1.0-test/modules.dep"
printf 'kernel/net/unix/unix.ko\nkernel/fs/ext2/ext2.ko\n' > "$root$moddir/6.1.0-test/modules.builtin"
: > "$root$moddir/6.12.0-test/kernel/fs/btrfs.ko.xz"
printf 'snd_hda_intel 1 0 - Live 0x0\next4 2 1 - Live 0x0\n' > "$tmp/proc-modules"
: > "$tmp/files/a.ko"
: > "$tmp/files/b.ko.zst"
: > "$tmp/files/notes.txt"
printf '#!/bin/sh\necho "$*" >> "%s"\nprintf %s\n' "$tmp/modinfo.log" \
	"'debug:Debug level (int)\\ncopybreak:Maximum size (uint)\\n'" > "$tmp/bin/modinfo"
chmod +x "$tmp/bin/modinfo"
# fish completes only commands it finds in PATH (they live in /sbin).
for t in insmod rmmod lsmod modprobe depmod modtool; do
	printf '#!/bin/sh\nexit 1\n' > "$tmp/bin/$t"
	chmod +x "$tmp/bin/$t"
done

# ---- bash: loading -------------------------------------------------------------
# bash-completion loads one file per command, on first use: each must work
# alone, loading the shared helpers itself, and only once per shell.
for t in $tools; do
	out=$(bash --norc --noprofile -c "source '$bc/$t' && complete -p $t" 2>&1)
	[[ $out == "complete -F _modtool_$t $t" ]] || fail "bash/$t alone: $out"
done
out=$(bash --norc --noprofile -c "source '$bc/modprobe'
	_modtool_scan() { echo kept; }
	source '$bc/insmod' && source '$dest$bash_common' && _modtool_scan" 2>&1)
[[ $out == kept ]] || fail "bash: shared helpers loaded twice: $out"
# Without its helpers a file registers nothing (bash falls back to its
# default completion) rather than a function calling missing ones.
sed "s|'$dest$bash_common'|'$tmp/missing'|" "$bc/modprobe" > "$tmp/modprobe-broken"
out=$(bash --norc --noprofile -c "source '$tmp/modprobe-broken'; complete -p modprobe" 2>&1)
[[ $out != *_modtool_modprobe* ]] || fail "bash: registered without its helpers: $out"

# ---- bash: real completions ----------------------------------------------
# check EXPECTED TOOL WORD...: complete the last word as bash would (the
# words must be split the way bash splits them, '=' being a word of its own)
# and compare the sorted candidates with EXPECTED.
bash_check()
{
	local expected=$1 tool=$2
	shift 2
	local got
	got=$(cd "$tmp/files" && PATH=$tmp/bin:$PATH bash --norc --noprofile -c '
		source "$1"; shift
		_modtool_proc_modules=$1; shift
		COMP_WORDS=("$@")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE="$*" COMP_POINT=${#COMP_LINE}
		COMPREPLY=()
		fn=$(complete -p "$1" | sed "s/.* -F \([^ ]*\) .*/\1/")
		"$fn" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort | tr "\n" " "
	' sh "$bc/$tool" "$tmp/proc-modules" "$tool" "$@")
	got=${got% }
	[[ $got == "$expected" ]] || fail "bash: $tool $*: got '$got', expected '$expected'"
}

R=$root
V=6.1.0-test
bash_check "--remove --remove-dependencies --remove-holders" modprobe --rem
bash_check "6.1.0-test 6.12.0-test" modprobe -d "$R" -S ""
bash_check "6.1.0-test 6.12.0-test" modprobe -d "$R" --set-version = ""
bash_check "6.1.0-test 6.12.0-test" modprobe --dirname = "$R" --set-version = 6.1
bash_check "e1000e ext4" modprobe -d "$R" -S $V e
bash_check "snd-hda-codec snd-hda-intel" modprobe -d "$R" -S $V snd-h
bash_check "snd_hda_codec snd_hda_intel" modprobe -d "$R" -S $V snd_h
bash_check "jbd2" modprobe -d"$R" -S$V -v j
bash_check "jbd2" modprobe --dirname = "$R" --set-version = $V j
bash_check "btrfs" modprobe -d "$R" -S 6.12.0-test b
bash_check "e1000e" modprobe -d "$R" -S $V --explain e1
bash_check "e1000e" modprobe -d "$R" -S $V --explain = e1
bash_check "ext4 snd_hda_intel" modprobe -r ""
bash_check "snd-hda-intel" modprobe -rv snd-
bash_check "ext4 snd_hda_intel" modprobe --remove -a ext4 ""
bash_check "copybreak= debug=" modprobe -d "$R" -S $V e1000e ""
bash_check "copybreak=" modprobe -d "$R" -S $V e1000e debug = 1 co
bash_check "" modprobe -d "$R" -S $V e1000e debug = ""
bash_check "e1000e ext4" modprobe -d "$R" -S $V -a jbd2 e
bash_check "" modprobe -c ""
bash_check "" modprobe -w ""
bash_check "a.ko b.ko.zst notes.txt sub" modprobe -C ""
bash_check "a.ko b.ko.zst sub" modprobe --show-exports ""
grep -qx -- "-F parm -b $R -k $V -- e1000e" "$tmp/modinfo.log" ||
	fail "modprobe parameters: modinfo not called with -b/-k: $(cat "$tmp/modinfo.log")"

bash_check "--help --version -V -f -h -p -s" insmod -
bash_check "a.ko b.ko.zst sub" insmod ""
bash_check "copybreak= debug=" insmod a.ko ""

bash_check "check help monitor sign status verify version" modtool ""
bash_check "--basedir" modtool check --based
bash_check "6.1.0-test 6.12.0-test" modtool check -b "$R" -k ""
bash_check "e1000e ext2 ext4" modtool check -b "$R" -k $V e
bash_check "snd-hda-codec snd-hda-intel" modtool check --basedir = "$R" --set-version = $V snd-h
bash_check "confidentiality integrity none" modtool check --lockdown ""
bash_check "./a.ko ./b.ko.zst ./sub" modtool check ./
bash_check "" modtool check --all ""
bash_check "ext2 ext4" modtool check -b "$R" -k $V ext
bash_check "--all-bits --help --json --sysroot -a -h" modtool status -

bash_check "ext4 snd_hda_intel" rmmod ""
bash_check "snd-hda-intel" rmmod -f snd-
bash_check "--force" rmmod --f

bash_check "" lsmod ""
bash_check "--json" lsmod --j
bash_check "--json" modinfo --j
bash_check "--json" depmod --j
bash_check "--json" modprobe --j

bash_check "monitor" modtool mon
bash_check "check help monitor sign status verify version" modtool ""
bash_check "--buffer-size --exec --help --json --no-file-info --sysroot" modtool monitor --
bash_check "--json" modtool monitor --j
bash_check "--all-bits" modtool status --a
bash_check "a.ko b.ko.zst notes.txt sub" modtool verify ""

bash_check "e1000e ext2 ext4" modinfo -b "$R" -k $V e
bash_check "unix" modinfo --basedir = "$R" --set-version = $V u
bash_check "sig_hashalgo sig_id sig_key signature signer" modinfo -F sig
bash_check "6.1.0-test 6.12.0-test" modinfo -b "$R" -k ""
bash_check "./a.ko ./b.ko.zst ./sub" modinfo ./
bash_check "" modinfo -m -b "$R" -k $V ./

bash_check "6.1.0-test 6.12.0-test" depmod -b "$R" ""
bash_check "6.1.0-test 6.12.0-test" depmod -b "$(dirname "$R")" -m "${R##*/}$moddir" ""
bash_check "a.ko b.ko.zst sub" depmod -b "$R" $V ""
bash_check "--outdir" depmod --out
bash_check "sub" depmod -o s

# With bash-completion installed, its loader must find the files by name,
# and the helpers the first one loads must serve the second one too.
bcmain=/usr/share/bash-completion/bash_completion
if [ -r "$bcmain" ]; then
	out=$(cd "$tmp/files" && BASH_COMPLETION_USER_DIR=${bc%/completions} \
		bash --norc --noprofile -i -c "source $bcmain
		__load_completion modprobe; __load_completion rmmod
		complete -p modprobe rmmod
		_modtool_proc_modules=$tmp/proc-modules
		COMP_WORDS=(rmmod snd-) COMP_CWORD=1 COMPREPLY=()
		_modtool_rmmod rmmod snd- rmmod
		echo \"reply: \${COMPREPLY[*]}\"" 2>/dev/null)
	[[ $out == *"_modtool_modprobe modprobe"*"_modtool_rmmod rmmod"*"reply: snd-hda-intel" ]] ||
		fail "bash-completion loader: $out"
fi

# ---- fish: real completions ----------------------------------------------
fish_check()
{
	local expected=$1 line=$2 got
	got=$(cd "$tmp/files" && PATH=$tmp/bin:$PATH fish --no-config -c "
		set fish_complete_path '$fishdir'
		set fish_function_path '$fishfuncdir' \$fish_function_path
		set -g _modtool_proc_modules '$tmp/proc-modules'
		complete -C '$line'" 2>/dev/null | cut -f1 | sort | tr '\n' ' ')
	got=${got% }
	[[ $got == "$expected" ]] || fail "fish: $line: got '$got', expected '$expected'"
}

if command -v fish >/dev/null; then
	fish_check "6.1.0-test 6.12.0-test" "modprobe -d $R -S "
	fish_check "snd-hda-codec snd-hda-intel" "modprobe -d $R -S $V snd-h"
	fish_check "jbd2" "modprobe --dirname=$R --set-version=$V j"
	fish_check "ext4 snd_hda_intel" "modprobe -rv "
	fish_check "copybreak= debug=" "modprobe -d $R -S $V e1000e "
	fish_check "" "modprobe -c "
	fish_check "ext4 snd_hda_intel" "rmmod "
	fish_check "a.ko b.ko.zst sub/" "insmod "
	fish_check "e1000e ext2 ext4" "modinfo -b $R -k $V e"
	fish_check "6.1.0-test 6.12.0-test" "depmod -b $R "
	fish_check "" "lsmod "
	fish_check "e1000e ext2 ext4" "modtool check -b $R -k $V e"
	fish_check "confidentiality integrity none" "modtool check --lockdown "
	fish_check "check help monitor sign status verify version" "modtool "
	fish_check "--buffer-size --exec --json --no-file-info --sysroot" "modtool monitor --"
	fish_check "--json" "lsmod --j"
	fish_check "--json" "modinfo --j"
fi

# ---- zsh: real completions, through a pseudo-terminal --------------------
# zsh offers no batch interface to its completion system: drive an
# interactive zsh in a zpty, type the line and TAB, and record what
# compadd is given.
zsh_check()
{
	local expected=$1 line=$2 got
	got=$(cd "$tmp/files" && PATH=$tmp/bin:$PATH zsh -f -c '
		zmodload zsh/zpty zsh/datetime || exit 1
		zpty z zsh -f -i
		zpty -w z "PROMPT= RPROMPT= ; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
		zpty -w z "_modtool_proc_modules=$2"
		zpty -w z "__b=\$'"'"'\\x01'"'"' __e=\$'"'"'\\x02'"'"'"
		zpty -w z '"'"'compadd() { local -a __h; builtin compadd -O __h "$@"; (( $#__h )) && print -rn -- "$__b${(j: :)__h}$__e"; builtin compadd "$@"; }'"'"'
		zpty -w z '"'"'comppostfuncs=(__done); __done() { print -rn -- "$__b$__b$__e"; exit }'"'"'
		zpty -n -w z "$3"$'"'"'\t'"'"'
		out= end=$((EPOCHREALTIME + 20))
		while (( EPOCHREALTIME < end )); do
			if zpty -r -t z chunk; then
				out+=$chunk
				[[ $out == *$'"'"'\x01\x01\x02'"'"'* ]] && break
			else
				sleep 0.05
			fi
		done
		zpty -d z
		[[ $out == *$'"'"'\x01\x01\x02'"'"'* ]] || { print TIMEOUT; exit; }
		out=${out%%$'"'"'\x01\x01\x02'"'"'*}
		local -a parts=(${(ps:\x01:)out}) words
		words=(${=${(M)parts:#*$'"'"'\x02'"'"'*}%%$'"'"'\x02'"'"'*})
		print -r -- ${(j: :)${(ou)words}}
	' zsh "$zshdir" "$tmp/proc-modules" "$line")
	[[ $got == "$expected" ]] || fail "zsh: $line: got '$got', expected '$expected'"
}

if command -v zsh >/dev/null && zsh -f -c 'zmodload zsh/zpty' 2>/dev/null; then
	zsh_check "6.1.0-test 6.12.0-test" "modprobe -d $R -S "
	zsh_check "snd_hda_codec snd_hda_intel" "modprobe -d $R -S $V snd-h"
	zsh_check "jbd2" "modprobe --dirname=$R --set-version=$V j"
	zsh_check "ext4 snd_hda_intel" "modprobe -r "
	zsh_check "copybreak debug" "modprobe -d $R -S $V e1000e "
	zsh_check "ext4 snd_hda_intel" "rmmod "
	zsh_check "e1000e ext2 ext4" "modinfo -b $R -k $V e"
	zsh_check "6.1.0-test 6.12.0-test" "depmod -b $R "
	zsh_check "a.ko b.ko.zst sub" "insmod "
	zsh_check "copybreak debug" "insmod a.ko "
	zsh_check "a.ko b.ko.zst sub" "depmod -b $R $V "
	zsh_check "e1000e ext2 ext4" "modtool check -b $R -k $V e"
	zsh_check "confidentiality integrity none" "modtool check --lockdown="
	zsh_check "check help monitor sign status verify version" "modtool "
	zsh_check "--json" "lsmod --j"
	zsh_check "--json" "modinfo --j"
fi

if [ $failures -ne 0 ]; then
	echo "$failures completion check(s) failed" >&2
	exit 1
fi
echo "completions: all checks passed"
