#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Fetch Debian 12's kmod source package (kmod's own testsuite lives in it) into
# /var/cache/modtool/src, through apt with a private deb-src list written from
# this machine's apt sources (the archive is reachable only through apt).  The
# system's apt state is left alone.  Prints the .dsc's path.
set -eu
version=${KMOD_SOURCE_VERSION:-30+20221128-1}
cache=${MODTOOL_CACHE:-/var/cache/modtool}/src
dsc=$cache/kmod_$version.dsc
mkdir -p "$cache"

# A package from an earlier run whose files match the .dsc's checksums is enough.
rm -rf "$cache/.verify"
if [ -f "$dsc" ] && dpkg-source -q --no-check -x "$dsc" "$cache/.verify" >/dev/null 2>&1; then
	rm -rf "$cache/.verify"
	echo "$dsc"
	exit 0
fi
rm -rf "$cache/.verify"

# deb-src lines for every deb source apt uses here: one-line lists and deb822.
python3 - /etc/apt/sources.list /etc/apt/sources.list.d > "$cache/sources.list" <<'PY'
import glob, os, sys

def one_line(path):
    for line in open(path, errors="replace"):
        line = line.split("#", 1)[0].strip()
        if line.startswith("deb "):
            print("deb-src" + line[3:])

def deb822(path):
    for stanza in open(path, errors="replace").read().split("\n\n"):
        fields, key = {}, None
        for line in stanza.splitlines():
            if line.startswith("#"):
                continue
            if line[:1] in " \t" and key:
                fields[key] += " " + line.strip()
            elif ":" in line:
                key, value = line.split(":", 1)
                key = key.strip().lower()
                fields[key] = value.strip()
        if "deb" not in fields.get("types", "").split():
            continue
        if fields.get("enabled", "yes").lower() == "no":
            continue
        opts = ""
        if "signed-by" in fields and not fields["signed-by"].startswith("-"):
            opts = " [signed-by=%s]" % fields["signed-by"].split()[0]
        comps = fields.get("components", "")
        for uri in fields.get("uris", "").split():
            for suite in fields.get("suites", "").split():
                print("deb-src%s %s %s %s" % (opts, uri, suite, comps))

main, parts = sys.argv[1], sys.argv[2]
if os.path.isfile(main):
    one_line(main)
for path in sorted(glob.glob(os.path.join(parts, "*"))):
    if path.endswith(".list"):
        one_line(path)
    elif path.endswith(".sources"):
        deb822(path)
PY
if ! grep -q '^deb-src' "$cache/sources.list"; then
	echo "fetch-kmod-source: no deb source in /etc/apt to derive deb-src lines from" >&2
	exit 1
fi

apt_private() {
	apt-get -q -o Dir::Etc::SourceList="$cache/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null -o Dir::State::Lists="$cache/lists" \
		-o APT::Sandbox::User=root "$@"
}
mkdir -p "$cache/lists/partial"
# one unreachable third-party source must not stop us: the download decides
apt_private update >&2 || echo "fetch-kmod-source: apt-get update reported errors" >&2
(cd "$cache" && apt_private source --download-only "kmod=$version") >&2
[ -f "$dsc" ] || { echo "fetch-kmod-source: $dsc not fetched" >&2; exit 1; }
echo "$dsc"
