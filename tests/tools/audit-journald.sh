#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The audit trail against the real systemd-journald: in a private mount
# namespace (a fresh /run and /var/log, so the machine's own journal is
# neither seen nor written), journald is started, insmod is given a file
# that is no module (the kernel refuses it: ENOEXEC, or ENOSYS on a kernel
# without modules; nothing is ever loaded), once plainly and once with
# 300 KB of parameters (a record too large for a datagram: passed in a
# memfd), and `journalctl MESSAGE_ID=...` must find both records with their
# fields.  Needs root, unshare and systemd-journald (else skipped: 77).
#
# Usage: audit-journald.sh INSMOD SOURCE_DIR
set -u
export LC_ALL=C
insmod=$1 src=$2
journald=/lib/systemd/systemd-journald
[ "$(id -u)" = 0 ] || { echo "audit-journald: not root: skipped"; exit 77; }
[ -x "$journald" ] && command -v journalctl > /dev/null && command -v unshare > /dev/null ||
	{ echo "audit-journald: no systemd-journald: skipped"; exit 77; }
id=$(sed -n 's/^#define MODTOOL_AUDIT_ID_LOAD_FAILED "\(.*\)"$/\1/p' "$src/src/libmodtool.h")
[ ${#id} -eq 32 ] || { echo "FAIL: no MODTOOL_AUDIT_ID_LOAD_FAILED in libmodtool.h"; exit 1; }
work=$(mktemp -d) || exit 1
trap 'rm -rf "$work"' EXIT
echo "this is not a kernel module" > "$work/notamodule.ko"
sha=$(sha256sum < "$work/notamodule.ko" | cut -d' ' -f1)
big=$(head -c 100000 /dev/zero | tr '\0' x)

unshare -m bash -c '
	set -u
	mount --make-rprivate / &&
	mount -t tmpfs tmpfs /run && mount -t tmpfs tmpfs /var/log || exit 1
	mkdir -p /run/systemd/journal /run/log/journal
	"$1" > "$2/journald.log" 2>&1 &
	jd=$!
	for i in $(seq 1 50); do
		[ -S /run/systemd/journal/socket ] && break
		sleep 0.1
	done
	MODTOOL_AUDIT=all "$3" "$2/notamodule.ko" 2> "$2/insmod.err"
	MODTOOL_AUDIT=all "$3" "$2/notamodule.ko" a="$4" b="$4" c="$4" 2>> "$2/insmod.err"
	for i in $(seq 1 50); do
		journalctl -D /run/log/journal --no-pager --all -o json MESSAGE_ID="$5" > "$2/records" 2> /dev/null
		[ "$(wc -l < "$2/records")" -ge 2 ] && break
		sleep 0.1
	done
	kill $jd
' sh "$journald" "$work" "$insmod" "$big" "$id"

python3 - "$work/records" "$id" "$sha" "$work/notamodule.ko" <<'PY'
import json, sys
path, mid, sha, module = sys.argv[1:5]
records = [json.loads(l) for l in open(path) if l.strip()]
failed = 0
def check(ok, what):
    global failed
    print(('ok: ' if ok else 'FAIL: ') + what)
    failed += not ok
check(len(records) == 2, 'journalctl MESSAGE_ID=%s finds the 2 records (%d)' % (mid, len(records)))
for r in records:
    check(r.get('MODTOOL_EVENT') == 'load-failed' and r.get('MODTOOL_MODULE') == 'notamodule'
          and r.get('MODTOOL_PATH') == module and r.get('MODTOOL_SHA256') == sha
          and r.get('ERRNO') in ('8', '38') and r.get('MODTOOL_REQUESTED_BY') == 'user'
          and r.get('SYSLOG_IDENTIFIER') == 'insmod' and r.get('_TRANSPORT') == 'journal',
          'fields: %s' % {k: v for k, v in r.items() if k.startswith(('MODTOOL_', 'ERRNO'))
                          and k != 'MODTOOL_PARAMETERS' and k != 'MODTOOL_COMMAND'})
params = [r.get('MODTOOL_PARAMETERS') for r in records]
check('' in params, 'the plain record: no parameters')
check(any(isinstance(p, str) and len(p) == 3 * 100002 + 2 for p in params),
      'the 300 KB record (a memfd): its parameters whole (%s)'
      % [len(p) if isinstance(p, str) else p for p in params])
sys.exit(1 if failed else 0)
PY
