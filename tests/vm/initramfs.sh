#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Our tools inside initramfs images made by Debian's own builders: for each
# kernel (6.1 plain .ko, 6.12 .ko.xz) and each builder (initramfs-tools'
# mkinitramfs, dracut), an image built on this host with our tools installed
# in place of kmod's, booted under qemu with rdinit= pointing at
# initramfs-check.sh, which reads and loads .ko, .ko.xz (CRC32 and CRC64
# checks) and .ko.zst modules with the tools the builders put in the image.
#
# The builders see ours in a private mount namespace: `meson install
# --destdir` of the build, overlaid on /usr/sbin (and PREFIX/sbin, where our
# hooks look) and PREFIX/bin (our kmod, which our hooks copy), a stub over
# Debian's /usr/bin/kmod (which kmod's own hooks copy), our initramfs-tools hook and dracut module, the kernel's tree at
# /lib/modules/VERSION (indexed by our depmod, the cache left untouched) and
# its /boot.
#
# Two images built without our hook prove that only the hook brings the
# libraries: they must lack them.  A third, with our hook but no libraries
# (the bug it fixes), is booted to prove the guest's check notices: reading
# compressed modules there must fail, plain ones still work.  For that, nothing else may carry them in:
# on Debian 12 libkmod (linked by udevadm, which is systemd-udevd), libsystemd
# (linked by lvm, mdadm...) and libsystemd-shared (loginctl, which udev's
# rules name) all link liblzma and libzstd.  So the builders run with their
# module-tool paths and their core only: mkinitramfs with the kmod,
# klibc-utils, udev and busybox hooks, dracut with its base and
# kernel-modules modules (and their dependencies); and stubs stand in for
# udevadm and loginctl too (systemd >= 256 dlopen()s libkmod and the
# compression libraries, and they would not come that way either).
#
# Two more images carry a load policy from the builder's machine (our hooks
# put it in the image): in 6.1's (dracut) and 6.12's (mkinitramfs) a
# forbidden module is refused to modprobe and to the kernel's own request,
# /etc's file replacing /usr/lib's of the same name; in 6.12's, with
# "certificates kernel", the kernel's image went in too: a module without its
# signature is refused, Debian's signed one loads.  With a certificate file
# the policy names missing, both builders fail, naming file and line.
#
# Usage: initramfs.sh SOURCE_DIR BUILD_DIR
# Images, listings, consoles and results are kept in BUILD_DIR/vm-initramfs.
# Exit 77 (skipped) when not root or a builder, qemu or busybox is missing.
set -eu

# The modules the guest's checks need in the image's tree (dependencies are
# added by the builders) and the names loading them must leave in
# /proc/modules.
tree_modules="dummy bridge msdos vfat"
bridge_loads="bridge stp llc"
msdos_loads="msdos fat"
dummies="dummy.ko dummy-crc32.ko.xz dummy-crc64.ko.xz dummy.ko.zst"

kver_of() {
	ls "$trees/$1/lib/modules" | head -n 1
}

# ---- inside the private mount namespace -------------------------------

# Show the builders our tools, hooks and the kernel tree of TAG.
namespace_mounts() {
	tag=$1 hook=$2 dir=$3
	kver=$(kver_of "$tag")
	mkdir -p "$dir/usrlib/modules/$kver" "$dir/usrlib/dracut/modules.d"
	mkdir -p "$dir/hooks"
	for h in kmod klibc-utils udev zz-busybox; do
		cp -a "/usr/share/initramfs-tools/hooks/$h" "$dir/hooks/"
	done
	if [ "$hook" != nohook ]; then
		cp -a "$dest$prefix/lib/dracut/modules.d/90modtool" "$dir/usrlib/dracut/modules.d/"
		cp -a "$dest$prefix/share/initramfs-tools/hooks/modtool" "$dir/hooks/"
	fi
	case $hook in policy|broken-policy) namespace_policy "$tag" "$hook" "$dir" ;; esac
	if [ "$hook" = nolibs ]; then
		sed -i 's/^\([[:space:]]*for soname in\) .*; do$/\1 ; do/' \
			"$dir/usrlib/dracut/modules.d/90modtool/module-setup.sh" "$dir/hooks/modtool"
	fi
	mount -t overlay overlay -o "lowerdir=$dir/usrlib:/usr/lib" /usr/lib
	mount -t overlay overlay \
		-o "lowerdir=$work/$tag/index:$trees/$tag/lib/modules/$kver" "/usr/lib/modules/$kver"
	mount --bind "$trees/$tag/boot" /boot
	mount --bind "$dir/hooks" /usr/share/initramfs-tools/hooks
	# our hooks copy our kmod from PREFIX/bin (the tools link to it there);
	# with --prefix=/usr it is also the /usr/bin/kmod kmod's hooks copy
	mkdir -p "$prefix/bin"
	mount -t overlay overlay -o "lowerdir=$dest$prefix/bin:$prefix/bin" "$prefix/bin"
	[ "$prefix" = /usr ] || mount --bind "$work/stub" /usr/bin/kmod
	for prog in /usr/bin/udevadm /usr/bin/loginctl; do
		mount --bind "$work/stub" "$prog"
	done
	for sbin in /usr/sbin "$sbindir"; do
		if ! mountpoint -q "$sbin"; then
			mount -t overlay overlay -o "lowerdir=$work/sbin:$sbin" "$sbin"
		fi
	done
}

# The load policy on the builder's machine (under DIR/usrlib, overlaid on
# /usr/lib, and DIR/etc on /etc): vfat forbidden in /etc's 50-vmtest.conf,
# which replaces /usr/lib's (msdos forbidden); on 6.12 a signature required.
# broken-policy: /etc's names a certificate file that is not there.
namespace_policy() {
	tag=$1 hook=$2 dir=$3
	mkdir -p "$dir/usrlib/modtool/policy.d" "$dir/etc/modtool/policy.d"
	echo 'enforce forbid msdos' > "$dir/usrlib/modtool/policy.d/50-vmtest.conf"
	echo 'enforce forbid vfat' > "$dir/etc/modtool/policy.d/50-vmtest.conf"
	if [ "$hook" = broken-policy ]; then
		echo 'certificates /etc/modtool/missing.pem' >> "$dir/etc/modtool/policy.d/50-vmtest.conf"
	fi
	if [ "$tag" = 6.12 ]; then
		printf 'certificates kernel\nenforce require-signature\n' \
			> "$dir/usrlib/modtool/policy.d/60-signed.conf"
	fi
	mount -t overlay overlay -o "lowerdir=$dir/etc:/etc" /etc
}

# TAG's tree indexed by our depmod into $work/TAG/index (an overlay's upper layer).
namespace_index() {
	tag=$1
	kver=$(kver_of "$tag")
	root=$work/$tag/root
	mkdir -p "$root/lib/modules/$kver" "$work/$tag/index" "$work/$tag/index-work"
	mount -t overlay overlay -o "lowerdir=$trees/$tag/lib/modules/$kver,upperdir=$work/$tag/index,workdir=$work/$tag/index-work" \
		"$root/lib/modules/$kver"
	"$work/sbin/depmod" -b "$root" "$kver"
}

namespace_build() {
	tag=$1 builder=$2 hook=$3 dir=$4
	kver=$(kver_of "$tag")
	namespace_mounts "$tag" "$hook" "$dir"
	case $builder in
	mkinitramfs)
		conf=$dir/conf
		mkdir -p "$conf/hooks" "$conf/scripts" "$conf/conf.d"
		printf 'MODULES=list\nBUSYBOX=y\nCOMPRESS=zstd\n' > "$conf/initramfs.conf"
		echo "$tree_modules" | tr ' ' '\n' > "$conf/modules"
		printf '#!/bin/sh\n[ "$1" = prereqs ] && exit 0\ncp -a "%s" "$DESTDIR/vmcheck"\n' \
			"$work/$tag/vmcheck" > "$conf/hooks/vmcheck"
		chmod +x "$conf/hooks/vmcheck"
		mkinitramfs -d "$conf" -o "$dir/image" "$kver"
		;;
	dracut)
		set --
		[ "$hook" != nohook ] && set -- --add modtool
		dracut --force --no-hostonly --kver "$kver" --kmoddir "/lib/modules/$kver" \
			--modules "base kernel-modules" "$@" --drivers "$tree_modules" \
			--include "$work/$tag/vmcheck" /vmcheck "$dir/image"
		;;
	esac
}

if [ "${1:-}" = --namespace ]; then
	shift
	"namespace_$@"
	exit
fi

# ---- on the host ------------------------------------------------------

src=$1 build=$2
here=$src/tests/vm
work=$build/vm-initramfs
[ "$(id -u)" = 0 ] || { echo "vm-initramfs: needs root (mount namespaces): skipped"; exit 77; }
for need in qemu-system-x86_64 mkinitramfs lsinitramfs dracut lsinitrd unshare xz zstd python3; do
	if ! command -v $need > /dev/null; then
		echo "vm-initramfs: $need not installed (scripts/install-deps.sh installs it): skipped"
		exit 77
	fi
done
[ -x /bin/busybox ] && ! ldd /bin/busybox > /dev/null 2>&1 ||
	{ echo "vm-initramfs: no static /bin/busybox (busybox-static): skipped"; exit 77; }
option() {
	meson introspect "$build" --buildoptions |
		python3 -c 'import json,sys; print(next(o["value"] for o in json.load(sys.stdin) if o["name"]==sys.argv[1]))' "$1"
}
if [ "$(option tools_link)" != static ]; then
	echo "vm-initramfs: tools_link=shared: libmodtool.so.1 is not where the builders look: skipped"
	exit 77
fi
trees=$("$src/tests/fetch-trees.sh")
prefix=$(option prefix)
sbindir=$prefix/$(option sbindir)
dest=$work/dest
export trees work dest prefix sbindir
rm -rf "$work"
mkdir -p "$work/sbin"
meson install -C "$build" --destdir "$dest" --no-rebuild > "$work/install.log"
cp "$dest$sbindir"/* "$work/sbin/"
printf '#!/bin/sh\necho "$0: a stub for Debian'\''s, which links libkmod (tests/vm/initramfs.sh)" >&2\nexit 1\n' \
	> "$work/stub"
chmod +x "$work/stub"

passed=0 failed=0
pass() {
	passed=$((passed + 1))
	echo "ok: $*"
}
fail() {
	failed=$((failed + 1))
	echo "FAIL: $*"
}

# The guest's files and the answers it must give, from the host: Debian's
# modinfo says what each dummy's vermagic is.
prepare() {
	tag=$1
	kver=$(kver_of "$tag")
	data=$work/$tag/vmcheck
	mkdir -p "$data"
	cp /bin/busybox "$data/busybox"
	cp "$here/initramfs-check.sh" "$data/check.sh"
	chmod +x "$data/check.sh"
	dummy=$(find "$trees/$tag/lib/modules/$kver" -name 'dummy.ko*')
	case $dummy in
	*.xz) xz -dc "$dummy" > "$data/dummy.ko" ;;
	*) cp "$dummy" "$data/dummy.ko" ;;
	esac
	xz --check=crc32 -c "$data/dummy.ko" > "$data/dummy-crc32.ko.xz"
	xz --check=crc64 -c "$data/dummy.ko" > "$data/dummy-crc64.ko.xz"
	zstd -q -19 -c "$data/dummy.ko" > "$data/dummy.ko.zst"
	{
		echo "version $("$build/tools/modprobe" --version | head -n 1)"
		for f in $dummies; do
			echo "modinfo:$f $(/usr/sbin/modinfo -F vermagic "$data/$f")"
			echo "insmod:$f rc=0 live rmmod-rc=0"
		done
		echo "modprobe:bridge rc=0 $bridge_loads"
		echo "depmod-a+modprobe:msdos rc=0 index rc=0 $msdos_loads"
		echo "done"
	} > "$work/$tag/expected"
	"$here/alter-module.py" "$data/dummy.ko" "$data/dummy-unsigned.ko" strip-sig > /dev/null
	{
		echo "policy:modprobe:vfat rc=1 refused"
		echo "policy:kernel:msdos requested $msdos_loads"
		echo "policy:kernel:vfat refused"
		if [ "$tag" = 6.12 ]; then
			echo "policy:insmod:unsigned rc=1 refused"
			echo "policy:insmod:signed rc=0 dummy"
		fi
		echo "done"
	} > "$work/$tag/expected-policy"
	unshare -m --propagation private sh "$0" --namespace index "$tag" > "$work/$tag/depmod.log" 2>&1 ||
		{ echo "vm-initramfs: our depmod failed on the $tag tree" >&2; exit 1; }
}

# build NAME TAG BUILDER HOOK: $work/NAME/image and its listing
build() {
	name=$1
	mkdir -p "$work/$name"
	if unshare -m --propagation private sh "$0" --namespace build "$2" "$3" "$4" "$work/$name" \
		> "$work/$name/build.log" 2>&1; then
		case $3 in
		mkinitramfs) lsinitramfs "$work/$name/image" ;;
		dracut) lsinitrd "$work/$name/image" ;;
		esac > "$work/$name/listing"
	else
		echo "build failed" > "$work/$name/listing"
	fi
}

# in_listing NAME FILE: does the image hold a file of that name (or path)?
in_listing() {
	grep -Eq "(^|[/ ])$(printf '%s' "$2" | sed 's/[.+]/\\&/g')( |\$)" "$work/$1/listing"
}

sonames=$(python3 "$src/tests/install/dlopen-note.py" "$work/sbin/modprobe")

. "$here/qemu-boot.sh"

# boot NAME TAG: the guest's results in $work/NAME/vm.log
boot() {
	vm_boot "$(ls "$trees/$2"/boot/vmlinuz-* | head -n 1)" "$work/$1/image" \
		"console=ttyS0 rdinit=/vmcheck/check.sh panic=-1 quiet" "$work/$1/vm"
}

# The guest's answers against the expected ones, line by line.
# Usage: compare NAME TAG [EXPECTED]  (default: TAG's expected)
compare() {
	name=$1 tag=$2 expected=${3:-$work/$2/expected}
	tr -d '\r' < "$work/$name/vm.log" | sed -n 's/^@@ \(.*[^ ]\) *$/\1/p' > "$work/$name/answers"
	while read -r key want; do
		got=$(awk -v k="$key" '$1 == k { sub(/^[^ ]* ?/, ""); print; exit }' "$work/$name/answers")
		if [ "$got" = "$want" ]; then
			pass "$name $key"
		else
			fail "$name $key: expected '$want', got '$got'"
		fi
	done < "$expected"
}

# Our hook without the libraries: compressed modules that need them (a CRC32
# .ko.xz the 6.12 kernel decompresses itself) must fail, the rest work.
expect_broken() {
	name=$1 tag=$2
	compare $name $tag | grep -v '^FAIL' | sed 's/^ok: //' > "$work/$name/same"
	for key in version modinfo:dummy.ko insmod:dummy.ko modprobe:bridge; do
		if grep -qx "$name $key" "$work/$name/same"; then
			pass "$name $key"
		else
			fail "$name $key: differs without the libraries"
		fi
	done
	for key in modinfo:dummy-crc32.ko.xz modinfo:dummy-crc64.ko.xz modinfo:dummy.ko.zst \
		   insmod:dummy-crc64.ko.xz insmod:dummy.ko.zst; do
		if grep -qx "$name $key" "$work/$name/same"; then
			fail "$name $key: worked without the libraries: the check cannot fail"
		else
			pass "$name $key fails without the libraries"
		fi
	done
}

start=$(date +%s)
for tag in 6.1 6.12; do
	prepare $tag
done
# two builds at a time (two cores): each uses one most of the time
build 6.1-mkinitramfs 6.1 mkinitramfs hook & build 6.1-dracut 6.1 dracut hook
wait
build 6.12-mkinitramfs 6.12 mkinitramfs hook & build 6.12-dracut 6.12 dracut hook
wait
build 6.12-mkinitramfs-nohook 6.12 mkinitramfs nohook &
build 6.12-dracut-nohook 6.12 dracut nohook
wait
build 6.12-mkinitramfs-nolibs 6.12 mkinitramfs nolibs &
build 6.12-mkinitramfs-policy 6.12 mkinitramfs policy
wait
# (and two that must fail: the builders stop on our hooks' error)
build 6.1-dracut-policy 6.1 dracut policy &
build 6.1-dracut-broken-policy 6.1 dracut broken-policy &
build 6.12-mkinitramfs-broken-policy 6.12 mkinitramfs broken-policy
wait
echo "images built in $(($(date +%s) - start)) s"

# Our tools are in every image, the libraries they dlopen() only with our
# hook, and Debian's libkmod in none.
for name in 6.1-mkinitramfs 6.1-dracut 6.12-mkinitramfs 6.12-dracut \
	    6.12-mkinitramfs-nohook 6.12-dracut-nohook 6.12-mkinitramfs-nolibs \
	    6.12-mkinitramfs-policy 6.1-dracut-policy; do
	# without our hook, the builders copy modprobe and rmmod themselves
	tools="modprobe rmmod"
	case $name in *-nohook) ;; *) tools="$tools modinfo insmod depmod lsmod" ;; esac
	for t in $tools; do
		in_listing $name "sbin/$t" || fail "$name: no /sbin/$t in the image"
	done
	in_listing $name libkmod.so.2 && fail "$name: Debian's libkmod.so.2 is in the image"
	for so in $sonames; do
		case $name in
		*-nohook|*-nolibs)
			# zlib comes with other programs; the checks use xz and zstd
			[ $so = libz.so.1 ] && continue
			if in_listing $name $so; then
				fail "$name: $so is in the image without our hook's libraries"
			else
				pass "$name: no $so without our hook's libraries"
			fi ;;
		*)
			if in_listing $name $so; then
				pass "$name: $so"
			else
				fail "$name: no $so in the image"
			fi ;;
		esac
	done
done

# The policy images: the winning files, and the kernel image only where
# "certificates kernel" asks for it.
for name in 6.12-mkinitramfs-policy 6.1-dracut-policy; do
	kver=$(kver_of ${name%%-*})
	set -- etc/modtool/policy.d/50-vmtest.conf
	unwanted="usr/lib/modtool/policy.d/50-vmtest.conf"
	case $name in
	6.12-*) set -- "$@" usr/lib/modtool/policy.d/60-signed.conf "boot/vmlinuz-$kver" ;;
	*) unwanted="$unwanted boot/vmlinuz-$kver" ;;
	esac
	for file in "$@"; do
		if in_listing $name "$file"; then pass "$name: /$file"; else fail "$name: no /$file"; fi
	done
	for file in $unwanted; do
		if in_listing $name "$file"; then fail "$name: /$file is in the image"; else pass "$name: no /$file"; fi
	done
done

# A certificate file the policy names and the machine lacks: no image,
# and the error names the file and line.
for name in 6.1-dracut-broken-policy 6.12-mkinitramfs-broken-policy; do
	if [ "$(cat "$work/$name/listing")" != "build failed" ]; then
		fail "$name: the image was built"
	elif ! grep -q "E: modtool: /etc/modtool/policy.d/50-vmtest.conf:2: certificates /etc/modtool/missing.pem: no such file" \
		"$work/$name/build.log"; then
		fail "$name: the build failed, but not naming the file and line"
	else
		pass "$name: no image, the missing certificate file named"
	fi
done

boot 6.1-mkinitramfs 6.1 & boot 6.1-dracut 6.1
wait
boot 6.12-mkinitramfs 6.12 & boot 6.12-dracut 6.12
wait
boot 6.12-mkinitramfs-nolibs 6.12 & boot 6.12-mkinitramfs-policy 6.12
wait
boot 6.1-dracut-policy 6.1
for name in 6.1-mkinitramfs 6.1-dracut 6.12-mkinitramfs 6.12-dracut; do
	compare $name ${name%%-*}
done
expect_broken 6.12-mkinitramfs-nolibs 6.12
compare 6.12-mkinitramfs-policy 6.12 "$work/6.12/expected-policy"
compare 6.1-dracut-policy 6.1 "$work/6.1/expected-policy"
rm -rf "$dest" "$work"/*/root
# the images are kept when something failed
[ "$failed" -eq 0 ] && rm -f "$work"/*/image
echo "$passed passed, $failed failed ($(($(date +%s) - start)) s)"
[ "$failed" -eq 0 ]
