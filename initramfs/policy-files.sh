# SPDX-License-Identifier: GPL-2.0-or-later
# The load policy (modtool-policy.d(5)) into an initramfs: pasted by meson
# into both hooks (initramfs-tools and dracut), which call it with the
# image's root, the kernel release the image is for, and our modprobe.
#
# Without it the modules loaded in early boot (udev's coldplug, the kernel
# asking for a filesystem type) would meet no policy.  What the image gets,
# at the paths the library reads them from there:
#   - the winning policy files: /usr/lib's, replaced by /etc's of the same
#     name (/run is made at runtime: its files are only warned about);
#   - every file or directory a "certificates PATH" line names;
#   - for "certificates kernel", /boot/vmlinuz-VERSION, which the library
#     reads as /boot/vmlinuz-$(uname -r) (src/trust/policy.c).
# A policy the image could not evaluate would refuse every load there, and
# the machine would not boot: so a line our modprobe cannot read, a missing
# or unreadable certificate file or kernel image fails the build instead,
# naming the file and line.  Copying is plain cp: IMAGE is a directory for
# both builders, and their copy functions differ.
#
# Usage: modtool_policy_files IMAGE VERSION MODPROBE
# Messages on stderr ("W: modtool: ...", "E: modtool: ..."); 1 on an error.
# A subshell: none of its variables leak into dracut's shell.
modtool_policy_files() (
	image=$1 kver=$2 modprobe=$3
	sys=/usr/lib/modtool/policy.d etc=/etc/modtool/policy.d run=/run/modtool/policy.d
	tab=$(printf '\t')
	fail=0

	# a file, or a directory's contents, to the same path in the image
	copy_into_image() {
		if [ -d "$1" ]; then
			mkdir -p "$image$1" && cp -RL "$1/." "$image$1/"
		else
			mkdir -p "$image${1%/*}" && cp -L "$1" "$image$1"
		fi
	}

	for f in "$run"/*.conf; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		echo "W: modtool: $f is not put in the initramfs (/run is made at runtime): early boot runs without it" >&2
	done
	# the files the image's policy is made of, one a line
	files=$(for f in "$sys"/*.conf "$etc"/*.conf; do
		[ -e "$f" ] || [ -L "$f" ] || continue
		if [ "${f%/*}" = "$sys" ] && { [ -e "$etc/${f##*/}" ] || [ -L "$etc/${f##*/}" ]; }; then
			continue
		fi
		echo "$f"
	done)
	[ -n "$files" ] || return 0

	# Read by our own modprobe, as the image's tools will read it: a line or
	# file that refuses every load is logged with "(fail closed)".  Its
	# other lines about the policy are warnings (a broken warn rule, left
	# out); those about modprobe.d are not ours to repeat, unless our
	# modprobe itself failed.
	level=W
	if ! errors=$(MODTOOL_POLICY_DIRS="$sys:$etc" "$modprobe" -c 2>&1 > /dev/null); then
		echo "E: modtool: $modprobe -c could not read the load policy" >&2
		level=E fail=1
	fi
	while IFS= read -r line; do
		case $line in
		'') ;;
		*'(fail closed)'*)
			echo "E: modtool: ${line#*ERROR: }" >&2
			fail=1 ;;
		*/modtool/policy.d*) echo "$level: modtool: ${line#*ERROR: }" >&2 ;;
		*) [ "$level" = W ] || echo "E: modtool: $line" >&2 ;;
		esac
	done <<EOF
$errors
EOF

	# The sources of the "certificates" lines as FILE:LINE<tab>SOURCE, the
	# words split as the library splits them (policy-parse.c): at blanks,
	# "..." keeping blanks, a # starting a word ending the line.
	sources=$(while IFS= read -r f; do
		awk '{
			n = 0; w = ""; inword = 0; quoted = 0
			for (i = 1; i <= length($0); i++) {
				c = substr($0, i, 1)
				if (quoted) {
					if (c == "\"") quoted = 0; else w = w c
				} else if (c == " " || c == "\t" || c == "\r") {
					if (inword) word[++n] = w
					w = ""; inword = 0
				} else if (!inword && c == "#") {
					break
				} else {
					inword = 1
					if (c == "\"") quoted = 1; else w = w c
				}
			}
			if (inword && !quoted) word[++n] = w
			if (!quoted && n > 0 && word[1] == "certificates")
				for (i = 2; i <= n; i++) print FILENAME ":" FNR "\t" word[i]
		}' "$f"
	done <<EOF
$files
EOF
)
	while IFS="$tab" read -r where source; do
		[ -n "$where" ] || continue
		if [ "$source" = kernel ]; then
			source=/boot/vmlinuz-$kver
			what="certificates kernel: the kernel image $source"
		else
			what="certificates $source"
		fi
		case $source in
		/*) ;;
		*)
			echo "E: modtool: $where: $what: not an absolute path, nothing to put in the initramfs" >&2
			fail=1
			continue ;;
		esac
		if [ ! -e "$source" ]; then
			echo "E: modtool: $where: $what: no such file" >&2
			fail=1
		elif [ ! -r "$source" ]; then
			echo "E: modtool: $where: $what: cannot be read" >&2
			fail=1
		elif ! copy_into_image "$source"; then
			echo "E: modtool: $where: $what: cannot be copied into the initramfs" >&2
			fail=1
		fi
	done <<EOF
$sources
EOF

	while IFS= read -r f; do
		if [ ! -r "$f" ] || ! copy_into_image "$f"; then
			echo "E: modtool: $f: cannot be copied into the initramfs" >&2
			fail=1
		fi
	done <<EOF
$files
EOF
	if [ "$fail" != 0 ]; then
		echo "E: modtool: the initramfs could not evaluate the load policy and would refuse every module load: mend the files named above, then build it again" >&2
		return 1
	fi
	return 0
)
