#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# `meson install --destdir` lays out everything a distribution ships, and an
# outside program builds against the installed library with pkg-config alone.
# Usage: install-check.sh BUILD_DIR
set -eu
build=$1
here=$(cd "$(dirname "$0")" && pwd)
dest=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$dest"' EXIT
meson install -C "$build" --destdir "$dest" --no-rebuild >/dev/null
fail=0
check() {
	if [ -e "$dest/$1" ]; then echo "ok: $1"; else echo "MISSING: $1"; fail=1; fi
}
option() {
	meson introspect "$build" --buildoptions | python3 -c \
		'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]==sys.argv[1]))' "$1"
}
prefix=$(option prefix)
libdir=$(find "$dest" -name 'libmodtool.so.1' -printf '%h\n' | head -n 1)
check "${libdir#"$dest"}/libmodtool.so.1"
check "${libdir#"$dest"}/libmodtool.so"
check "$prefix/include/libmodtool.h"
check "${libdir#"$dest"}/pkgconfig/libmodtool.pc"

# The tools as a kmod package lays them out: bindir/kmod, and sbindir/TOOL
# (and bindir/lsmod) links to it, relative, so they hold under a DESTDIR and
# in an initramfs.
check_link() {
	link=$dest$1
	if [ ! -L "$link" ]; then
		echo "NOT A LINK: $1"; fail=1
	elif [ "$(readlink -f "$link")" != "$(readlink -f "$dest$prefix/bin/kmod")" ]; then
		echo "$1 -> $(readlink "$link"): not $prefix/bin/kmod"; fail=1
	else
		echo "ok: $1 -> $(readlink "$link")"
	fi
}
if [ -x "$dest$prefix/bin/kmod" ] && [ ! -L "$dest$prefix/bin/kmod" ]; then
	echo "ok: $prefix/bin/kmod"
else
	echo "MISSING: $prefix/bin/kmod (an executable)"; fail=1
fi
for tool in modinfo modprobe depmod insmod rmmod lsmod; do
	check_link "$prefix/sbin/$tool"
done
check_link "$prefix/bin/lsmod"
check "$prefix/share/man/man8/kmod.8"
if [ "$(readlink "$dest$prefix/share/man/man5/modules.dep.bin.5")" = modules.dep.5 ]; then
	echo "ok: man5/modules.dep.bin.5 -> modules.dep.5"
else
	echo "MISSING: man5/modules.dep.bin.5 -> modules.dep.5"; fail=1
fi
check "$prefix/share/bash-completion/completions/kmod"
for dir in "$prefix/lib/modprobe.d" "$(option sysconfdir)/modprobe.d"; do
	case $dir in /*) ;; *) dir=$prefix/$dir ;; esac
	if [ -d "$dest$dir" ]; then echo "ok: $dir/"; else echo "MISSING: $dir/"; fail=1; fi
done
for page in man8/modinfo.8 man5/modprobe.d.5 man5/depmod.d.5 man5/modules.dep.5; do
	check "$prefix/share/man/$page"
done
check "$prefix/share/bash-completion/completions/modinfo"
check "$prefix/share/zsh/vendor-completions/_modinfo"
check "$prefix/share/fish/vendor_completions.d/modinfo.fish"
# The helpers the completions share: sourced by bash, autoloaded by zsh and fish.
check "$prefix/share/modtool/bash-completion-common"
check "$prefix/share/zsh/vendor-completions/__modtool_tree_modules"
check "$prefix/share/fish/vendor_functions.d/__modtool_tree_modules.fish"
check "$prefix/share/fish/vendor_functions.d/__modtool_modinfo_args.fish"
# sign-file, the name DKMS's sign_file= setting takes: a link to modtool.
libexecdir=$(option libexecdir)
case $libexecdir in /*) ;; *) libexecdir=$prefix/$libexecdir;; esac
signfile=$dest$libexecdir/modtool/sign-file
if [ -L "$signfile" ] && [ "$(readlink "$signfile")" = "$prefix/bin/modtool" ]; then
	echo "ok: $libexecdir/modtool/sign-file -> $prefix/bin/modtool"
else
	echo "MISSING: $libexecdir/modtool/sign-file -> $prefix/bin/modtool"; fail=1
fi

# Only the public API is exported.
bad=$(nm -D --defined-only "$libdir/libmodtool.so.1" | awk '$2 ~ /[TDBR]/ {print $3}' |
	grep -v '^modtool_' | grep -v '^LIBMODTOOL_' || true)
if [ -n "$bad" ]; then echo "exported non-API symbols: $bad"; fail=1; else echo "ok: exports"; fi

# The installed tools run from where they were installed, linked as the
# tools_link option says: the library's objects (static) or libmodtool.so.1.
link=$(option tools_link)
for tool in modinfo modprobe depmod insmod rmmod lsmod; do
	bin="$dest$prefix/sbin/$tool"
	[ -x "$bin" ] || { echo "MISSING: $prefix/sbin/$tool"; fail=1; continue; }
	if readelf -d "$bin" | grep -q 'NEEDED.*libmodtool'; then linked=shared; else linked=static; fi
	if [ "$linked" != "$link" ]; then
		echo "$tool: linked $linked, tools_link is $link"; fail=1
	# lsmod, like kmod's, has no --version: its usage line shows it runs
	elif ! LD_LIBRARY_PATH="$libdir" "$bin" --version 2>&1 | grep -q "$tool\|modtool"; then
		echo "$tool: the installed binary does not run"; fail=1
	else
		echo "ok: $tool ($linked)"
	fi
done

# The .note.dlopen ELF note names the libraries libmodtool dlopen()s (ldd
# cannot see them): in the library and in each tool that links its objects,
# with an entry for each compression library the build enabled.
features=
for f in $(LD_LIBRARY_PATH="$libdir" "$dest$prefix/sbin/modinfo" --version | sed -n 2p); do
	case $f in
	+ZLIB) features="$features zlib" ;;
	+XZ) features="$features xz" ;;
	+ZSTD) features="$features zstd" ;;
	esac
done
notes="$libdir/libmodtool.so.1"
[ "$link" = static ] && notes="$notes $(for t in modinfo modprobe depmod insmod rmmod lsmod; do
	echo "$dest$prefix/sbin/$t"; done)"
# (a build without any of them has no note)
[ -n "$features" ] || notes=
for bin in $notes; do
	if out=$(python3 "$here/dlopen-note.py" "$bin" $features); then
		echo "ok: .note.dlopen of ${bin#"$dest"}: $out"
	else
		echo "$out"; fail=1
	fi
done

# The initramfs hooks copy the libraries the note names, no more, no less.
sonames=
[ -n "$features" ] && sonames=$(python3 "$here/dlopen-note.py" "$libdir/libmodtool.so.1" || true)
for hook in share/initramfs-tools/hooks/modtool lib/dracut/modules.d/90modtool/module-setup.sh; do
	if [ ! -x "$dest$prefix/$hook" ]; then
		echo "MISSING: $prefix/$hook"; fail=1
	elif ! grep -qx "	*for soname in $sonames; do" "$dest$prefix/$hook"; then
		echo "$prefix/$hook: its libraries are not the note's ($sonames)"; fail=1
	else
		echo "ok: $prefix/$hook"
	fi
done

# The initramfs-tools hooks with the tools as links, run as mkinitramfs runs
# them, on the installed files seen at their paths (a private mount namespace:
# root only), each into an image of its own: ours, and Debian's kmod hook
# (copy_exec /bin/kmod, cp -a of the modprobe and rmmod links) with prefix's
# bin and sbin over /usr's, as an install with --prefix=/usr lays them.  In
# the image each tool must be a link to the one copy of our kmod.
#
# With ROOT, the builder's machine holds ROOT's etc, run and usr/lib over its
# own and ROOT/boot as /boot (what the load policy part of the hooks reads),
# and the kernel release is VERSION; a dracut module-setup.sh is run as
# dracut runs its installkernel().
# Usage: run_hook HOOK IMAGE [ROOT VERSION]
run_hook() {
	unshare -m sh -eu -c '
		dest=$1 prefix=$2 image=$3 hook=$4 root=$5 version=$6
		if [ -n "$root" ]; then
			for d in etc run usr/lib; do
				mount -t overlay overlay -o "lowerdir=$root/$d:/$d" "/$d"
			done
			mount --bind "$root/boot" /boot
		fi
		for d in "$prefix/bin" "$prefix/sbin" "$prefix/share/initramfs-tools" \
			 /usr/bin /usr/sbin; do
			src=$dest$prefix/${d##*/}
			case $d in */initramfs-tools) src=$dest$d ;; esac
			mkdir -p "$d"
			mount -t overlay overlay -o "lowerdir=$src:$d" "$d"
		done
		# the merged-/usr image mkinitramfs starts from
		for d in bin sbin lib; do
			mkdir -p "$image/usr/$d"
			ln -s "usr/$d" "$image/$d"
		done
		case $hook in
		*/module-setup.sh)
			initdir=$image kernel=$version bash -c '\''. "$1" && installkernel'\'' sh "$hook" ;;
		*) DESTDIR=$image version=$version verbose=n sh "$hook" ;;
		esac' sh "$dest" "$prefix" "$2" "$1" "${3:-}" "${4:-}"
}
# Usage: check_image HOOK KMOD TOOL...  (KMOD: where the image holds kmod)
check_image() {
	hook=$1 kmod=$2
	shift 2
	image=$(mktemp -d "$dest/image.XXXXXX")
	run_hook "$hook" "$image" || { echo "$hook failed"; fail=1; return 0; }
	kmod_sum=$(md5sum < "$dest$prefix/bin/kmod")
	for file in "$kmod" "$@"; do
		if [ ! -e "$image$file" ]; then
			echo "$hook: no $file in the image"; fail=1
		elif [ "$file" != "$kmod" ] && [ ! -L "$image$file" ]; then
			echo "$hook: $file is no link in the image"; fail=1
		elif [ "$(readlink -f "$image$file")" != "$(readlink -f "$image$kmod")" ] ||
		     [ "$(md5sum < "$image$kmod")" != "$kmod_sum" ]; then
			echo "$hook: $file is not our kmod in the image"; fail=1
		else
			echo "ok: $hook: $file $(readlink "$image$file")"
		fi
	done
	copies=$(find "$image" -name kmod -type f | wc -l)
	[ "$copies" = 1 ] || { echo "$hook: $copies copies of kmod in the image"; fail=1; }
}

# The load policy into the image, from a builder's machine (run_hook's ROOT)
# with policy files in all three directories, certificates as a file and a
# directory, and a kernel image: the winning files and what their
# certificates lines name, at the same paths; /run's only warned about, as a
# broken warn line (the library leaves it out).  A
# policy the image could not evaluate fails the hook, naming file and line:
# a certificate file that is not there, a broken line, no kernel image for
# "certificates kernel".
# Usage: policy_case HOOK NAME VERSION EXPECT(ok|fail) [FILE:LINE...]
policy_case() {
	hook=$1 name=$2 version=$3 expect=$4
	shift 4
	image=$(mktemp -d "$dest/image.XXXXXX")
	if run_hook "$hook" "$image" "$root" "$version" > "$dest/hook.out" 2>&1; then rc=0; else rc=$?; fi
	if [ "$expect" = ok ] && [ "$rc" != 0 ]; then
		echo "$hook: $name: failed ($rc):"; cat "$dest/hook.out"; fail=1; return 0
	elif [ "$expect" = fail ] && [ "$rc" = 0 ]; then
		echo "$hook: $name: did not fail"; fail=1; return 0
	fi
	for where in "$@"; do
		if ! grep -q "^E: modtool: $where: " "$dest/hook.out"; then
			echo "$hook: $name: no error naming $where:"; cat "$dest/hook.out"; fail=1; return 0
		fi
	done
	echo "ok: $hook: $name"
}
check_policy() {
	hook=$1
	root=$dest/policy-root
	rm -rf "$root"
	p=modtool/policy.d
	mkdir -p "$root/etc/$p" "$root/usr/lib/$p" "$root/run/$p" "$root/boot" "$root/etc/modtool/certs"
	printf 'certificates kernel "/etc/modtool/certs"  # and a comment\nenforce require-signature\nwarn frobnicate\n' \
		> "$root/usr/lib/$p/10-signed.conf"
	echo 'enforce forbid msdos' > "$root/usr/lib/$p/50-site.conf"
	printf 'enforce forbid vfat\ncertificates /etc/modtool/site.pem\n' > "$root/etc/$p/50-site.conf"
	echo 'warn forbid floppy' > "$root/run/$p/60-runtime.conf"
	echo 'a certificate' > "$root/etc/modtool/site.pem"
	echo 'another' > "$root/etc/modtool/certs/a.der"
	echo 'a kernel image' > "$root/boot/vmlinuz-6.0.0-test"

	policy_case "$hook" "the policy" 6.0.0-test ok
	for file in usr/lib/$p/10-signed.conf etc/$p/50-site.conf etc/modtool/site.pem \
		    etc/modtool/certs/a.der boot/vmlinuz-6.0.0-test; do
		if cmp -s "$root/$file" "$image/$file"; then
			echo "ok: $hook: /$file in the image"
		else
			echo "$hook: /$file is not in the image as on the machine"; fail=1
		fi
	done
	for file in usr/lib/$p/50-site.conf run/$p/60-runtime.conf; do
		if [ -e "$image/$file" ]; then
			echo "$hook: /$file is in the image"; fail=1
		else
			echo "ok: $hook: no /$file in the image"
		fi
	done
	# /run's file, and a broken warn line (left out, not failing the build)
	for warned in "/run/$p/60-runtime.conf " "/usr/lib/$p/10-signed.conf:3: "; do
		if grep -q "^W: modtool: $warned" "$dest/hook.out"; then
			echo "ok: $hook: ${warned% } warned about"
		else
			echo "$hook: no warning about ${warned% }"; fail=1
		fi
	done

	policy_case "$hook" "no kernel image" 6.0.0-other fail "/usr/lib/$p/10-signed.conf:1"
	rm "$root/etc/modtool/site.pem"
	policy_case "$hook" "a certificate file missing" 6.0.0-test fail "/etc/$p/50-site.conf:2"
	printf 'enforce forbid vfat\nenforce frobnicate\n' > "$root/etc/$p/50-site.conf"
	policy_case "$hook" "a broken line" 6.0.0-test fail "/etc/$p/50-site.conf:2"
}
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null &&
	[ -f /usr/share/initramfs-tools/hook-functions ]; then
	kmod_in_image=$prefix/bin/kmod
	case $kmod_in_image in /bin/*) kmod_in_image=/usr$kmod_in_image ;; esac
	check_image "$prefix/share/initramfs-tools/hooks/modtool" "$kmod_in_image" \
		/usr/sbin/modinfo /usr/sbin/modprobe /usr/sbin/depmod /usr/sbin/insmod \
		/usr/sbin/rmmod /usr/sbin/lsmod
	if [ -f /usr/share/initramfs-tools/hooks/kmod ]; then
		check_image /usr/share/initramfs-tools/hooks/kmod /usr/bin/kmod \
			/usr/sbin/modprobe /usr/sbin/rmmod
	fi
	# (the dracut module is read where it was installed: only its modprobe
	# needs to be at its path)
	check_policy "$prefix/share/initramfs-tools/hooks/modtool"
	check_policy "$dest$prefix/lib/dracut/modules.d/90modtool/module-setup.sh"
else
	echo "skipped: initramfs hooks (needs root, unshare and initramfs-tools-core)"
fi

# An outside program, with pkg-config alone.
export PKG_CONFIG_PATH="${libdir}/pkgconfig" PKG_CONFIG_SYSROOT_DIR="$dest"
cc -Wall -Wextra -Werror -o "$dest/outside" "$here/outside-program.c" \
	$(pkg-config --cflags --libs libmodtool)
mod=$(mktemp -d "$dest/tree.XXXXXX")
printf 'description=a test module\0alias=test:one\0alias=test:two\0' > "$mod/m.modinfo"
objcopy -I binary -O elf64-x86-64 --rename-section .data=.modinfo "$mod/m.modinfo" "$mod/m.ko" 2>/dev/null ||
	{ echo "objcopy could not make a test module"; exit 1; }
out=$(LD_LIBRARY_PATH="$libdir" "$dest/outside" "$mod" "$mod/m.ko")
echo "$out"
case $out in
*"m: a test module"*"aliases: 2"*) echo "ok: outside program" ;;
*) echo "outside program printed the wrong thing"; fail=1 ;;
esac
exit $fail
