#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Check the shell completions in completions/: syntax for bash, zsh and fish,
# then real completions on a small fake module tree.  bash is always tested;
# zsh and fish only when installed (their checks are skipped otherwise).
#
# Usage: completions.sh [SOURCE_DIR]   (default: $MODTOOL_SRCDIR, else the
# directory above this script).  Exits non-zero on the first failure.
set -u
export LC_ALL=C

src=${1:-${MODTOOL_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}}
comp=$src/completions
tools="insmod rmmod lsmod modprobe modinfo depmod"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

fail()
{
	echo "FAIL: $*" >&2
	failures=$((failures + 1))
}

# ---- a fake system: two module trees, /proc/modules, a modinfo ----------
root=$tmp/root
mkdir -p "$root/lib/modules/6.1.0-test" "$root/lib/modules/6.12.0-test/kernel/fs" \
	"$tmp/bin" "$tmp/files/sub"
cat > "$root/lib/modules/6.1.0-test/modules.dep" <<'EOF'
kernel/fs/ext4/ext4.ko: kernel/fs/jbd2/jbd2.ko
kernel/fs/jbd2/jbd2.ko:
kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko.xz:
kernel/sound/pci/hda/snd-hda-intel.ko.zst:
kernel/sound/pci/hda/snd-hda-codec.ko.gz:
EOF
printf 'kernel/net/unix/unix.ko\nkernel/fs/ext2/ext2.ko\n' > "$root/lib/modules/6.1.0-test/modules.builtin"
: > "$root/lib/modules/6.12.0-test/kernel/fs/btrfs.ko.xz"
printf 'snd_hda_intel 1 0 - Live 0x0\next4 2 1 - Live 0x0\n' > "$tmp/proc-modules"
: > "$tmp/files/a.ko"
: > "$tmp/files/b.ko.zst"
: > "$tmp/files/notes.txt"
cat > "$tmp/bin/modinfo" <<EOF
#!/bin/sh
echo "\$*" >> "$tmp/modinfo.log"
printf 'debug:Debug level (int)\ncopybreak:Maximum size (uint)\n'
EOF
chmod +x "$tmp/bin/modinfo"
# fish completes only commands it finds in PATH (they live in /sbin).
for t in insmod rmmod lsmod modprobe depmod; do
	printf '#!/bin/sh\nexit 1\n' > "$tmp/bin/$t"
	chmod +x "$tmp/bin/$t"
done

# The completion files as meson installs them, for the default moduledir.
for d in bash zsh fish; do
	mkdir -p "$tmp/$d"
	for f in "$comp/$d"/*; do
		sed 's,@MODULE_DIRECTORY@,/lib/modules,g' "$f" > "$tmp/$d/${f##*/}"
	done
done

# ---- syntax ---------------------------------------------------------------
for t in $tools; do
	bash -n "$comp/bash/$t" || fail "bash -n bash/$t"
	[ -f "$comp/zsh/_$t" ] || fail "missing zsh/_$t"
	[ -f "$comp/fish/$t.fish" ] || fail "missing fish/$t.fish"
	head -n 1 "$comp/zsh/_$t" | grep -qx "#compdef $t" || fail "zsh/_$t: no #compdef line"
	if command -v zsh >/dev/null; then
		zsh -n "$comp/zsh/_$t" || fail "zsh -n zsh/_$t"
	fi
	if command -v fish >/dev/null; then
		fish -n "$comp/fish/$t.fish" || fail "fish -n fish/$t.fish"
	fi
done

# Each bash file must work alone (bash-completion loads one per command) and
# its shared helpers must not drift from modprobe's.
helpers()
{
	sed -n '3,/^_modtool_\(insmod\|rmmod\|modprobe\|modinfo\|depmod\)()$/p' "$1" | sed '$d'
}
for t in $tools; do
	out=$(bash --norc --noprofile -c "source '$tmp/bash/$t' && complete -p $t" 2>&1)
	[[ $out == "complete -F _modtool_$t $t" ]] || fail "bash/$t alone: $out"
	[ "$t" = lsmod ] && continue
	helpers "$comp/bash/$t" | cmp -s - <(helpers "$comp/bash/modprobe") ||
		fail "bash/$t: helpers differ from bash/modprobe"
done

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
	' sh "$tmp/bash/$tool" "$tmp/proc-modules" "$tool" "$@")
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

bash_check "ext4 snd_hda_intel" rmmod ""
bash_check "snd-hda-intel" rmmod -f snd-
bash_check "--force" rmmod --f

bash_check "" lsmod ""

bash_check "e1000e ext2 ext4" modinfo -b "$R" -k $V e
bash_check "unix" modinfo --basedir = "$R" --set-version = $V u
bash_check "sig_hashalgo sig_id sig_key signature signer" modinfo -F sig
bash_check "6.1.0-test 6.12.0-test" modinfo -b "$R" -k ""
bash_check "./a.ko ./b.ko.zst ./sub" modinfo ./
bash_check "" modinfo -m -b "$R" -k $V ./

bash_check "6.1.0-test 6.12.0-test" depmod -b "$R" ""
bash_check "6.1.0-test 6.12.0-test" depmod -b "$(dirname "$R")" -m "${R##*/}/lib/modules" ""
bash_check "a.ko b.ko.zst sub" depmod -b "$R" $V ""
bash_check "--outdir" depmod --out
bash_check "sub" depmod -o s

# With bash-completion installed, its loader must find the file by name.
bc=/usr/share/bash-completion/bash_completion
if [ -r "$bc" ]; then
	mkdir -p "$tmp/user/completions"
	cp "$tmp/bash/modprobe" "$tmp/user/completions/"
	out=$(BASH_COMPLETION_USER_DIR=$tmp/user bash --norc --noprofile -i -c \
		"source $bc; __load_completion modprobe; complete -p modprobe" 2>/dev/null)
	[[ $out == *"_modtool_modprobe modprobe" ]] || fail "bash-completion loader: $out"
fi

# ---- fish: real completions ----------------------------------------------
fish_check()
{
	local expected=$1 line=$2 got
	got=$(cd "$tmp/files" && PATH=$tmp/bin:$PATH fish --no-config -c "
		set fish_complete_path '$tmp/fish'
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
	' zsh "$tmp/zsh" "$tmp/proc-modules" "$line")
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
fi

if [ $failures -ne 0 ]; then
	echo "$failures completion check(s) failed" >&2
	exit 1
fi
echo "completions: all checks passed"
