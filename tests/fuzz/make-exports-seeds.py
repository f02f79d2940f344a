#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Small vmlinux ELF files with export tables, for the fuzz target exports:
PREL32 and absolute entries, with and without CRCs and namespaces, and the
banner and version magic in .rodata.

Usage: make-exports-seeds.py DIR"""
import os
import struct
import sys

STR_ADDR, TAB_ADDR, GPL_ADDR = 0xffffffff82010000, 0xffffffff82000000, 0xffffffff82000800
EXPORTS = [("module_layout", "", 0x11111111, False), ("foo", "", 0x12345678, False),
           ("bar", "NS1", 0x0badcafe, False), ("baz", "", 0xfeedf00d, True)]


def elf(sections):
    """sections: [(name, addr, data)] -> ELF64 LE bytes"""
    names = b"\0"
    name_at = []
    for n, _, _ in sections:
        name_at.append(len(names))
        names += n.encode() + b"\0"
    shstr_at = len(names)
    names += b".shstrtab\0"
    out = bytearray(64)
    offs = []
    for _, _, d in sections:
        while len(out) % 8:
            out += b"\0"
        offs.append(len(out))
        out += d
    names_off = len(out)
    out += names
    while len(out) % 8:
        out += b"\0"
    shoff = len(out)
    out += bytes(64)
    for (n, addr, d), na, off in zip(sections, name_at, offs):
        out += struct.pack("<IIQQQQIIQQ", na, 1, 2, addr, off, len(d), 0, 0, 1, 0)
    out += struct.pack("<IIQQQQIIQQ", shstr_at, 3, 0, 0, names_off, len(names), 0, 0, 1, 0)
    hdr = b"\x7fELF\x02\x01\x01" + bytes(9)
    hdr += struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0, 0, shoff, 0, 64, 0, 0, 64,
                       len(sections) + 2, len(sections) + 1)
    out[:64] = hdr
    return bytes(out)


def vmlinux(absolute, crcs=True):
    strings = b"\0"
    at = {}
    for name, ns, _, _ in EXPORTS:
        at[name] = STR_ADDR + len(strings)
        strings += name.encode() + b"\0"
        at[name + "@ns"] = STR_ADDR + len(strings)
        strings += ns.encode() + b"\0"
    tab, gpl, crc, crc_gpl = bytearray(), bytearray(), bytearray(), bytearray()
    for name, ns, c, is_gpl in EXPORTS:
        t = gpl if is_gpl else tab
        base = (GPL_ADDR if is_gpl else TAB_ADDR) + len(t)
        if absolute:
            t += struct.pack("<QQQ", 0xffffffff81000000, at[name], at[name + "@ns"])
        else:
            t += struct.pack("<iii", 0x1000, at[name] - (base + 4), at[name + "@ns"] - (base + 8))
        (crc_gpl if is_gpl else crc).extend(struct.pack("<I", c))
    rodata = b"\0Linux version 6.9.0-seed (x) #1\0\x006.9.0-seed SMP preempt mod_unload modversions \0"
    secs = [(".rodata", 0xffffffff81800000, rodata), ("__ksymtab", TAB_ADDR, bytes(tab)),
            ("__ksymtab_gpl", GPL_ADDR, bytes(gpl))]
    if crcs:
        secs += [("__kcrctab", 0xffffffff82001000, bytes(crc)),
                 ("__kcrctab_gpl", 0xffffffff82001800, bytes(crc_gpl))]
    secs.append(("__ksymtab_strings", STR_ADDR, strings))
    return elf(secs)


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    for name, data in (("prel32", vmlinux(False)), ("absolute", vmlinux(True)),
                       ("no-crcs", vmlinux(False, False))):
        open(os.path.join(d, name), "wb").write(data)


main()
