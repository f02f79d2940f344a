#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""A module's appended signature, taken apart as the kernel reads it, for tests.

Usage: modsig.py strip FILE             FILE without its signature (unsigned)
       modsig.py cut FILE               the PKCS#7 blob 16 bytes short, the trailer told so
       modsig.py split FILE DATA P7S    the signed bytes to DATA, the blob to P7S
       modsig.py value FILE             print an offset inside the signature value
FILE is an uncompressed module; strip and cut rewrite it in place.
"""
import struct
import sys

MAGIC = b"~Module signature appended~\n"


def main():
    op, path = sys.argv[1], sys.argv[2]
    d = open(path, "rb").read()
    if not d.endswith(MAGIC):
        sys.exit("%s: no signature appended" % path)
    info = d[-len(MAGIC) - 12:-len(MAGIC)]
    sig_len = struct.unpack(">I", info[8:])[0]
    end = len(d) - len(MAGIC) - 12
    start = end - sig_len
    if op == "strip":
        open(path, "wb").write(d[:start])
    elif op == "cut":
        info = info[:8] + struct.pack(">I", sig_len - 16)
        open(path, "wb").write(d[:end - 16] + info + MAGIC)
    elif op == "split":
        open(sys.argv[3], "wb").write(d[:start])
        open(sys.argv[4], "wb").write(d[start:end])
    elif op == "value":
        print(end - 8)
    else:
        sys.exit("unknown operation " + op)


main()
