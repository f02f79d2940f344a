#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Signatures in Debian's real kernels (6.1: plain .ko, RSA; 6.12: .ko.xz,
# ECDSA, decompressed by the kernel), booted under qemu once with
# module.sig_enforce=1 and once without.  Variants of the dummy module, each
# made on the host by modtool sign and checked by modtool verify against the
# kernel's own image, are loaded by our insmod in the guest:
#   debian        as Debian ships it                         valid
#   resigned      Debian's signature put back by `modtool sign -s` on the
#                 stripped module, compressed again by us    valid
#   own           signed with a key of ours (modtool sign)   unknown-key
#   own-replaced  Debian's module re-signed with ours: one
#                 signature replaces the other               unknown-key
#   unsigned      the signature stripped                     unsigned
#   tampered      .modinfo changed, Debian's signature kept  bad-signature
#   cut           the PKCS#7 blob cut short                  malformed
#   oot           unsigned and out of tree (no intree=Y)     unsigned
# The kernel must do what verify's verdict predicts: valid loads always;
# unsigned and unknown-key load without enforcement (tainting E) and are
# refused with it ("Loading of unsigned module / module with unavailable key
# is rejected"); bad-signature (EKEYREJECTED) and malformed (EBADMSG) are
# refused always.  (Debian's kernel trusts only Debian's key: a module
# signed with our own key cannot be made to load under enforcement without
# rebuilding the kernel, so "ours loads" is shown with Debian's signature
# put back by modtool sign -s into a module we compressed.)
# Then, with oot left loaded where it loads, `modtool status` (text and
# JSON, parsed) must report the taint the kernel shows in
# /proc/sys/kernel/tainted, E and O on the module, sig_enforce as booted,
# lockdown, and the key that signed Debian's modules on .builtin_trusted_keys.
#
# Usage: signing.sh SOURCE_DIR BUILD_DIR     exit 77 without qemu or busybox
set -eu
src=$1 build=$2
here=$src/tests/vm
logs=$build/vm-signing
for need in qemu-system-x86_64 busybox python3 openssl; do
	command -v $need > /dev/null || { echo "vm-signing: no $need: skipped"; exit 77; }
done
trees=$("$src/tests/fetch-trees.sh")
modtool=$build/tools/modtool
rm -rf "$logs"
mkdir -p "$logs"
. "$here/qemu-boot.sh"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl req -new -nodes -batch -x509 -subj /CN=modtool-test -newkey rsa:2048 \
	-keyout "$work/own.key" -out "$work/own.crt" 2> /dev/null

# variants TAG STAGE: the dummy variants into STAGE/m, their verdicts in STAGE/verdicts
variants() {
	tag=$1 stage=$2
	root=$trees/$tag
	vmlinuz=$(ls "$root"/boot/vmlinuz-* | head -n 1)
	orig=$(find "$root/lib/modules" -path '*/drivers/net/dummy.ko*' | head -n 1)
	m=$stage/m
	mkdir -p "$m" "$work/$tag"
	case $orig in
	*.xz) ext=.ko.xz; xz -dc "$orig" > "$work/$tag/raw.ko" ;;
	*) ext=.ko; cp "$orig" "$work/$tag/raw.ko" ;;
	esac
	# pack IN OUT: compressed as the tree's modules are (xz with CRC32, as kbuild)
	pack() { if [ $ext = .ko.xz ]; then xz --check=crc32 -c "$1" > "$2"; else cp "$1" "$2"; fi; }
	python3 "$src/tests/tools/modsig.py" split "$work/$tag/raw.ko" "$work/$tag/stripped.ko" \
		"$work/$tag/debian.p7s"
	mkdir -p "$work/$tag/certs"
	"$build/tests/image-certs" "$vmlinuz" "$work/$tag/certs" > /dev/null
	cert=$work/$tag/certs/cert-0.der

	cp "$orig" "$m/debian$ext"
	pack "$work/$tag/stripped.ko" "$m/resigned$ext"
	"$modtool" sign -s "$work/$tag/debian.p7s" sha256 "$cert" "$m/resigned$ext"
	pack "$work/$tag/stripped.ko" "$m/own$ext"
	"$modtool" sign sha256 "$work/own.key" "$work/own.crt" "$m/own$ext"
	cp "$orig" "$m/own-replaced$ext"
	"$modtool" sign sha256 "$work/own.key" "$work/own.crt" "$m/own-replaced$ext"
	pack "$work/$tag/stripped.ko" "$m/unsigned$ext"
	python3 - "$work/$tag/stripped.ko" "$work/$tag/tampered.ko" <<'PY'
import sys
d = bytearray(open(sys.argv[1], 'rb').read())
i = d.index(b'alias=rtnl-link-')
d[i + len('alias=rtnl-link-')] ^= 0x20       # one letter's case
open(sys.argv[2], 'wb').write(bytes(d))
PY
	pack "$work/$tag/tampered.ko" "$m/tampered$ext"
	"$modtool" sign -s "$work/$tag/debian.p7s" sha256 "$cert" "$m/tampered$ext"
	cp "$work/$tag/raw.ko" "$work/$tag/cut.ko"
	python3 "$src/tests/tools/modsig.py" cut "$work/$tag/cut.ko"
	pack "$work/$tag/cut.ko" "$m/cut$ext"
	python3 - "$work/$tag/stripped.ko" "$work/$tag/oot.ko" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
assert b'intree=Y' in d
open(sys.argv[2], 'wb').write(d.replace(b'intree=Y', b'xntree=Y'))
PY
	pack "$work/$tag/oot.ko" "$m/oot$ext"
	"$modtool" verify --kernel "$vmlinuz" "$orig" | sed -n 's/.*: valid: signed by \(.*\) (key.*/\1/p' \
		> "$stage/signer"

	for f in "$m"/*; do
		v=$("$modtool" verify --kernel "$vmlinuz" "$f" 2>&1 | sed -n 's/^[^:]*: \([a-z-]*\).*/\1/p')
		echo "$(basename "$f" | sed 's/\.ko.*//') ${v:-error}"
	done > "$stage/verdicts"
}

# stage TAG: an initramfs with busybox, our insmod and rmmod, the variants
stage() {
	tag=$1 stage=$work/stage-$tag
	mkdir -p "$stage/bin" "$stage/lib/x86_64-linux-gnu" "$stage/lib64" "$stage/proc" \
		"$stage/sys" "$stage/dev" "$stage/tmp" "$stage/ours"
	cp /bin/busybox "$stage/bin/"
	for a in sh mount cat grep sed echo dmesg poweroff sync ls basename cut; do
		ln -s busybox "$stage/bin/$a"
	done
	for t in insmod rmmod modtool; do cp "$build/tools/$t" "$stage/ours/"; done
	cp -L "$build/src/libmodtool.so.1" "$stage/lib/"
	for lib in $(ldd "$build/tools/insmod" "$build/tools/modtool" | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
		case $lib in */ld-linux*) cp -L "$lib" "$stage/lib64/" ;;
		*) cp -L "$lib" "$stage/lib/x86_64-linux-gnu/" ;; esac
	done
	for so in liblzma.so.5 libz.so.1 libzstd.so.1; do
		lib=$(ldconfig -p | grep -F "$so (" | grep x86-64 | head -n 1 | sed 's/.*=> //')
		[ -n "$lib" ] && cp -L "$lib" "$stage/lib/x86_64-linux-gnu/"
	done
	variants "$tag" "$stage"
	cat > "$stage/init" <<'EOF'
#!/bin/sh
# each variant loaded by our insmod: its status, message, the kernel's words
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t securityfs securityfs /sys/kernel/security
dmesg -c > /dev/null
# the valid ones first: taint E, once set, stays for the boot
for name in debian resigned own own-replaced unsigned tampered cut oot; do
	f=$(ls /m/$name.ko*)
	/ours/insmod "$f" > /tmp/out 2>&1
	rc=$?
	kernel=$(dmesg -c | grep -v 'loading out-of-tree\|^$' | sed 's/^\[[^]]*\] //' | tr '\n' '|')
	echo "@@ $name rc=$rc taint=$(cat /proc/sys/kernel/tainted) msg=$(tr '\n' ' ' < /tmp/out) kernel=$kernel"
	[ $name = oot ] && break	# left loaded for status
	grep -q '^dummy ' /proc/modules && /ours/rmmod dummy
done > /dev/ttyS1 2>&1
{
	echo "@@tainted $(cat /proc/sys/kernel/tainted)"
	echo "@@proc-modules $(grep '^dummy ' /proc/modules)"
	echo "@@status-json $(/ours/modtool status --json | tr -d '\n')"
	/ours/modtool status | sed 's/^/@@status-text /'
	echo "@@status-rc $?"
} > /dev/ttyS1 2>&1
echo "@@end" > /dev/ttyS1
sync
poweroff -f
EOF
	chmod +x "$stage/init"
	(cd "$stage" && find . | sort | busybox cpio -o -H newc 2> /dev/null) > "$work/$tag.cpio"
}

# check TAG MODE: the guest's results against what each verdict predicts
check() {
	python3 - "$work/stage-$1/verdicts" "$logs/$1-$2.log" "$1" "$2" "$work/stage-$1/signer" <<'PY'
import re, sys
verdicts = dict(l.split() for l in open(sys.argv[1]))
tag, mode = sys.argv[3], sys.argv[4]
enforce = mode == 'enforce'
want_verdict = {'debian': 'valid', 'resigned': 'valid', 'own': 'unknown-key',
                'own-replaced': 'unknown-key', 'unsigned': 'unsigned',
                'tampered': 'bad-signature', 'cut': 'malformed', 'oot': 'unsigned'}
results = {}
for line in open(sys.argv[2], errors='replace'):
    m = re.match(r'@@ (\S+) rc=(\d+) taint=(\d+) msg=(.*) kernel=(.*)', line.strip())
    if m:
        results[m.group(1)] = (int(m.group(2)), int(m.group(3)), m.group(4), m.group(5))
passed = failed = 0
def check(ok, what):
    global passed, failed
    print(('ok: ' if ok else 'FAIL: ') + '%s %s: %s' % (tag, mode, what))
    passed, failed = passed + ok, failed + (not ok)
for name, want in want_verdict.items():
    v = verdicts.get(name)
    check(v == want, '%s: modtool verify says %s (want %s)' % (name, v, want))
    if name not in results:
        check(False, '%s: no result from the guest' % name)
        continue
    rc, taint, msg, kernel = results[name]
    loads = v == 'valid' or (not enforce and v in ('unsigned', 'unknown-key'))
    check((rc == 0) == loads, '%s: %s (insmod status %d: %s; kernel: %s)' %
          (name, 'loads' if loads else 'refused', rc, msg.strip() or '-', kernel or '-'))
    if v in ('unsigned', 'unknown-key'):
        reason = 'unsigned module' if v == 'unsigned' else 'module with unavailable key'
        if enforce:
            check('Loading of %s is rejected' % reason in kernel, '%s: the kernel says "%s is rejected"' % (name, reason))
        else:
            check(bool(taint & (1 << 13)), '%s: loaded, the kernel tainted E (tainted=%d)' % (name, taint))
    if v == 'bad-signature':
        check('Key was rejected' in msg, '%s: EKEYREJECTED in "%s"' % (name, msg.strip()))
    if v == 'malformed':
        check('Bad message' in msg, '%s: EBADMSG in "%s"' % (name, msg.strip()))
    if v == 'valid':
        check(not taint & (1 << 13), '%s: no taint E (tainted=%d)' % (name, taint))

# modtool status, against what the kernel itself shows
import json
lines = [l.rstrip('\r\n') for l in open(sys.argv[2], errors='replace')]
def field(tag):
    for l in lines:
        if l.startswith(tag + ' ') or l == tag:
            return l[len(tag) + 1:]
    return None
tainted = int(field('@@tainted') or -1)
try:
    st = json.loads(field('@@status-json') or 'null')
except ValueError as e:
    st = None
    check(False, 'status --json is JSON: %s' % e)
text = [l[len('@@status-text '):] for l in lines if l.startswith('@@status-text ')]
check(field('@@status-rc') == '0' and len(text) > 5, 'status (text) ran: %d lines' % len(text))
if st:
    check(st['taint']['value'] == tainted, 'status taint %s = /proc/sys/kernel/tainted %d' % (st['taint']['value'], tainted))
    setl = ''.join(f['letter'] for f in st['taint']['flags'] if f['set'])
    want = {k: bool(tainted >> b & 1) for b, k in ((12, 'O'), (13, 'E'))}
    check(all((k in setl) == v for k, v in want.items()), 'taint letters %s (O %s, E %s)' % (setl, want['O'], want['E']))
    check(len([f for f in st['taint']['flags'] if f['letter']]) == 20, 'all 20 taint bits listed')
    check(st['sig_enforce'] is enforce, 'sig_enforce %s' % st['sig_enforce'])
    check(st['lockdown'] == 'none', 'lockdown %s' % st['lockdown'])
    check(st['modules_disabled'] is False, 'modules_disabled %s' % st['modules_disabled'])
    loaded = field('@@proc-modules') or ''
    kernel_letters = loaded[loaded.rfind('(') + 1:-1] if loaded.endswith(')') else ''
    ours = {m['name']: m['taint'] for m in st['tainting_modules']}
    if enforce:
        check('dummy' not in ours and not loaded, 'oot refused: no module tainting (%s)' % ours)
    else:
        check(ours.get('dummy') == kernel_letters and set(kernel_letters) >= {'O', 'E'},
              'dummy (oot) carries %s, /proc/modules says (%s)' % (ours.get('dummy'), kernel_letters))
    signer = open(sys.argv[5]).read().strip()
    keys = [k for k in (st['trusted_keys'] or []) if k['keyring'] == '.builtin_trusted_keys']
    check(any(k['key'].startswith(signer + ':') for k in keys),
          'the key that signed Debian modules (%s) on .builtin_trusted_keys: %s' % (signer, [k['key'] for k in keys]))
    check(st['load']['allowed'] is True and ('sig_enforce' in st['load']['why']) == enforce,
          'load allowed: %s' % st['load']['why'])
    check(st['hidden_modules'] == [], 'no hidden module: %s' % st['hidden_modules'])
print('%d passed, %d failed' % (passed, failed))
sys.exit(1 if failed else 0)
PY
}

status=0
for tag in ${VM_KERNELS:-6.1 6.12}; do
	stage "$tag"
	vmlinuz=$(ls "$trees/$tag"/boot/vmlinuz-* | head -n 1)
	vm_boot "$vmlinuz" "$work/$tag.cpio" "console=ttyS0 panic=-1 quiet module.sig_enforce=1" \
		"$logs/$tag-enforce" &
	vm_boot "$vmlinuz" "$work/$tag.cpio" "console=ttyS0 panic=-1 quiet" "$logs/$tag-plain"
	wait
	cp "$work/stage-$tag/verdicts" "$logs/$tag-verdicts"
	check "$tag" enforce || status=1
	check "$tag" plain || status=1
done
exit $status
