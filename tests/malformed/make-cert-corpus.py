#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Broken certificate (or key) files for modtool verify and sign, made from a real one.

Usage: make-cert-corpus.py CERT.der OUT_DIR [PEM_LABEL]
  PEM_LABEL: the PEM block's name (default CERTIFICATE; PRIVATE KEY for keys)

Writes OUT_DIR/NAME and a MANIFEST line "NAME EXPECT" per file: fail (the
file is no certificate list and must be refused, named) or any (it may
still read as a certificate: only no crash).
"""
import base64
import os
import random
import sys


LABEL = sys.argv[3] if len(sys.argv) > 3 else "CERTIFICATE"
OTHER = "CERTIFICATE" if LABEL != "CERTIFICATE" else "PRIVATE KEY"


def pem(der, label=None):
    label = label or LABEL
    b = base64.encodebytes(der).decode().replace("\n", "")
    lines = [b[i:i + 64] for i in range(0, len(b), 64)]
    return ("-----BEGIN %s-----\n%s\n-----END %s-----\n" % (label, "\n".join(lines), label)).encode()


def main():
    der = open(sys.argv[1], "rb").read()
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    rng = random.Random(13)
    manifest = []

    def put(name, data, expect):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
        manifest.append("%s %s" % (name, expect))

    put("empty.der", b"", "fail")
    put("one-byte.der", b"\x30", "fail")
    for cut in (2, 4, 16, len(der) // 2, len(der) - 1):
        put("der-cut-%d.der" % cut, der[:cut], "fail")
        put("pem-cut-%d.pem" % cut, pem(der[:cut]), "fail")
    put("der-trailing.der", der + b"\x00", "fail")
    put("der-outer-len-huge.der", b"\x30\x84\x7f\xff\xff\xff" + der[4:], "fail")
    put("der-outer-len-8-octets.der", b"\x30\x88" + b"\xff" * 8 + der[4:], "fail")
    put("der-indefinite.der", b"\x30\x80" + der[2:] + b"\x00\x00", "any")
    put("der-deep-nesting.der", b"\x30\x80" * 5000, "fail")
    put("der-zeros.der", bytes(len(der)), "fail")
    put("der-random.der", bytes(rng.getrandbits(8) for _ in range(len(der))), "fail")
    for k in range(12):
        b = bytearray(der)
        b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
        put("der-flip-%d.der" % k, bytes(b), "any")
    good = pem(der)
    begin = ("-----BEGIN %s-----\n" % LABEL).encode()
    end = ("\n-----END %s-----\n" % LABEL).encode()
    put("pem-header-only.pem", begin, "fail")
    put("pem-no-end.pem", good.split(b"-----END")[0], "fail")
    put("pem-bad-base64.pem", good.replace(good[40:44], b"!!!!"), "fail")
    put("pem-good-then-junk.pem", good + pem(b"\x30\x03\x02\x01\x01"), "fail")
    put("pem-other-kind.pem", pem(der, OTHER), "fail")
    put("pem-garbage-line.pem", begin + b"A" * 100000 + end, "fail")
    put("pem-many-begins.pem", begin * 20000, "fail")
    put("text.pem", b"not a certificate at all\n", "fail")
    # a file past the bounds a certificate (16 MiB) or key file may have
    put("huge.pem", good * (17 * 1024 * 1024 // len(good) + 1), "fail")
    with open(os.path.join(out, "MANIFEST"), "w") as f:
        f.write("\n".join(manifest) + "\n")


main()
