#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Alter a real module's bytes to trip one of modtool check's findings,
without a compiler: the .modinfo strings (vermagic, license, intree,
import_ns), a __versions CRC, an undefined symbol's name, the appended
signature.  Sections keep their sizes: a shortened .modinfo string is padded
with NULs, which the kernel skips between entries.

Usage: alter-module.py IN OUT OP...   (IN may be .ko.xz; OUT is a plain .ko)
  strip-sig                    drop the appended signature
  break-sig                    change a byte the signature covers, keep it
  drop-info=KEY                remove .modinfo's KEY=... entries
  set-info=KEY=VALUE           replace KEY's value (no longer than before)
  vermagic-drop=WORD           remove WORD from vermagic (" preempt")
  vermagic-release=RELEASE     replace vermagic's first word (same length)
  crc=SYMBOL                   change SYMBOL's __versions CRC ("any": the
                               first that is not module_layout)
  rename-undef=any             rename an undefined symbol (used in code) so
                               that nothing exports it
Prints what it changed (the symbol) on stdout."""
import lzma
import struct
import sys

MAGIC = b"~Module signature appended~\n"


def sections(d):
    shoff, = struct.unpack_from("<Q", d, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", d, 0x3A)
    hdrs = []
    for i in range(shnum):
        name, typ, flags, addr, off, size, link, info, align, ent = struct.unpack_from(
            "<IIQQQQIIQQ", d, shoff + i * shentsize)
        hdrs.append(dict(name=name, type=typ, off=off, size=size, link=link))
    stroff = hdrs[shstrndx]["off"]
    for h in hdrs:
        end = d.index(b"\0", stroff + h["name"])
        h["name"] = d[stroff + h["name"]:end].decode()
    return hdrs


def section(d, name):
    for h in sections(d):
        if h["name"] == name:
            return h
    sys.exit("alter-module: no section " + name)


def signature_start(d):
    if not d.endswith(MAGIC):
        return len(d)
    sig_len, = struct.unpack_from(">I", d, len(d) - len(MAGIC) - 4)
    return len(d) - len(MAGIC) - 12 - sig_len


def modinfo_entries(d):
    h = section(d, ".modinfo")
    raw = bytes(d[h["off"]:h["off"] + h["size"]])
    return h, [e for e in raw.split(b"\0") if e]


def write_modinfo(d, h, entries):
    raw = b"\0".join(entries) + b"\0"
    if len(raw) > h["size"]:
        sys.exit("alter-module: .modinfo would grow")
    d[h["off"]:h["off"] + h["size"]] = raw + b"\0" * (h["size"] - len(raw))


def edit_info(d, key, fn):
    h, entries = modinfo_entries(d)
    out, hit = [], False
    for e in entries:
        k, _, v = e.partition(b"=")
        if k == key.encode():
            hit = True
            v = fn(v)
            if v is None:
                continue
            e = k + b"=" + v
        out.append(e)
    if not hit:
        sys.exit("alter-module: no .modinfo key " + key)
    write_modinfo(d, h, out)


def versions(d):
    h = section(d, "__versions")
    for off in range(h["off"], h["off"] + h["size"], 64):
        crc, = struct.unpack_from("<Q", d, off)
        name = bytes(d[off + 8:off + 64]).split(b"\0")[0].decode()
        yield off, crc, name


def change_crc(d, want):
    for off, crc, name in versions(d):
        if name == want or (want == "any" and name != "module_layout"):
            struct.pack_into("<Q", d, off, (crc ^ 0x5a5a5a5a) & 0xFFFFFFFF)
            return name
    sys.exit("alter-module: no __versions entry " + want)


def rename_undefined(d):
    symtab = section(d, ".symtab")
    strtab = sections(d)[symtab["link"]]
    names = set()
    # the names used whole: a name that is also another's tail is left alone
    for off in range(symtab["off"], symtab["off"] + symtab["size"], 24):
        st_name, = struct.unpack_from("<I", d, off)
        names.add(st_name)
    for off in range(symtab["off"] + 24, symtab["off"] + symtab["size"], 24):
        st_name, info, other, shndx = struct.unpack_from("<IBBH", d, off)
        at = strtab["off"] + st_name
        name = bytes(d[at:d.index(b"\0", at)]).decode()
        if shndx != 0 or info >> 4 != 1 or len(name) < 6 or name.startswith("__"):
            continue
        if any(n != st_name and st_name < n < st_name + len(name) for n in names):
            continue
        new = "zz" + name[2:]
        d[at:at + len(name)] = new.encode()
        return name
    sys.exit("alter-module: no undefined symbol to rename")


def main():
    src, dst, ops = sys.argv[1], sys.argv[2], sys.argv[3:]
    raw = open(src, "rb").read()
    if raw[:6] == b"\xfd7zXZ\0":
        raw = lzma.decompress(raw)
    d = bytearray(raw)
    said = []
    for op in ops:
        name, _, arg = op.partition("=")
        if name == "strip-sig":
            del d[signature_start(d):]
        elif name == "break-sig":
            h, entries = modinfo_entries(d)
            for i, e in enumerate(entries):
                if e.split(b"=")[0] in (b"description", b"author", b"alias", b"srcversion"):
                    entries[i] = e[:-1] + bytes([e[-1] ^ 0x20])
                    break
            else:
                sys.exit("alter-module: no description, author, alias or srcversion to change")
            write_modinfo(d, h, entries)
        elif name == "drop-info":
            edit_info(d, arg, lambda v: None)
        elif name == "set-info":
            key, _, value = arg.partition("=")
            edit_info(d, key, lambda v: value.encode())
        elif name == "vermagic-drop":
            edit_info(d, "vermagic", lambda v: v.replace(b" " + arg.encode() + b" ", b" "))
        elif name == "vermagic-release":
            edit_info(d, "vermagic", lambda v: arg.encode() + v[v.index(b" "):])
        elif name == "crc":
            said.append(change_crc(d, arg))
        elif name == "rename-undef":
            said.append(rename_undefined(d))
        else:
            sys.exit("alter-module: unknown operation " + op)
    open(dst, "wb").write(d)
    if said:
        print(" ".join(said))


main()
