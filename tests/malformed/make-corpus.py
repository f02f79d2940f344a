#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Generate the malformed-input corpus from real modules (see make-corpus.sh).

Usage: make-corpus.py OUT_DIR MODULE...
       make-corpus.py --indexes OUT_DIR MODULE_DIR

MODULE: real module files (.ko and .ko.xz).  Everything is derived from them
and from a fixed random seed, so two runs write the same bytes.  Layout:

  OUT/modules/NAME       hostile module files (names unique: depmod keys on them)
  OUT/good/NAME          the untouched originals, renamed good-*
  OUT/special/           an empty file, a FIFO, a directory and a symlink loop
                         named like modules (made by make-corpus.sh: no FIFO here)
  OUT/configs/modprobe/  broken modprobe.d files
  OUT/configs/depmod/    broken depmod.d files
  OUT/procmodules/       broken /proc/modules contents (lsmod)
  OUT/indexes/KIND-VARIANT/modules.KIND.bin
                         (--indexes) one index of MODULE_DIR broken one way
  OUT/MANIFEST           one line per module file:
                         PATH MODINFO DEPMOD WHAT
                         MODINFO, DEPMOD: fail (unusable: must fail and name the
                         file), ok (must succeed), any (must only not crash)
"""
import lzma
import os
import random
import struct
import sys
import zlib

SEED = 20240607
SIG_MAGIC = b"~Module signature appended~\n"
SIG_INFO = 12
MIB = 1 << 20

manifest = []


def put(out, rel, data, modinfo="any", depmod="any", what=""):
    path = os.path.join(out, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    if rel.startswith("modules/") or rel.startswith("good/"):
        manifest.append("%s %s %s %s" % (rel, modinfo, depmod, what))


# ---------------------------------------------------------------------------
# ELF, just enough to find and lie about what the readers use.

class Elf:
    def __init__(self, data):
        self.data = bytearray(data)
        d = self.data
        assert d[:4] == b"\x7fELF", "not an ELF file"
        self.is64 = d[4] == 2
        self.e = "<" if d[5] == 1 else ">"
        if self.is64:
            (self.shoff,) = struct.unpack_from(self.e + "Q", d, 0x28)
            self.shentsize, self.shnum, self.shstrndx = struct.unpack_from(self.e + "HHH", d, 0x3A)
        else:
            (self.shoff,) = struct.unpack_from(self.e + "I", d, 0x20)
            self.shentsize, self.shnum, self.shstrndx = struct.unpack_from(self.e + "HHH", d, 0x2E)
        self.sections = [self.shdr(i) for i in range(self.shnum)]
        names = self.sections[self.shstrndx]
        for s in self.sections:
            end = d.index(b"\0", names["offset"] + s["name"])
            s["sname"] = d[names["offset"] + s["name"]:end].decode("latin-1")

    # field offsets in a section header: (offset64, size64, offset32, size32)
    FIELDS = {"name": (0, 4, 0, 4), "type": (4, 4, 4, 4), "flags": (8, 8, 8, 4),
              "addr": (16, 8, 12, 4), "offset": (24, 8, 16, 4), "size": (32, 8, 20, 4),
              "link": (40, 4, 24, 4), "info": (44, 4, 28, 4), "entsize": (56, 8, 36, 4)}
    EHDR = {"shoff": (0x28, 8, 0x20, 4), "shentsize": (0x3A, 2, 0x2E, 2),
            "shnum": (0x3C, 2, 0x30, 2), "shstrndx": (0x3E, 2, 0x32, 2)}
    FMT = {2: "H", 4: "I", 8: "Q"}

    def _loc(self, table, field):
        o64, s64, o32, s32 = table[field]
        return (o64, s64) if self.is64 else (o32, s32)

    def shdr(self, i):
        base = self.shoff + i * self.shentsize
        s = {"index": i}
        for f in self.FIELDS:
            off, size = self._loc(self.FIELDS, f)
            (s[f],) = struct.unpack_from(self.e + self.FMT[size], self.data, base + off)
        return s

    def find(self, name):
        for s in self.sections:
            if s["sname"] == name:
                return s
        return None

    def set_shdr(self, i, field, value):
        off, size = self._loc(self.FIELDS, field)
        value &= (1 << (8 * size)) - 1
        struct.pack_into(self.e + self.FMT[size], self.data, self.shoff + i * self.shentsize + off, value)

    def set_ehdr(self, field, value):
        off, size = self._loc(self.EHDR, field)
        value &= (1 << (8 * size)) - 1
        struct.pack_into(self.e + self.FMT[size], self.data, off, value)

    def table_end(self):
        return self.shoff + self.shnum * self.shentsize


def sig_trailer(data):
    """(start of the signature blob, its length) or None."""
    if not data.endswith(SIG_MAGIC) or len(data) < len(SIG_MAGIC) + SIG_INFO:
        return None
    info = len(data) - len(SIG_MAGIC) - SIG_INFO
    (sig_len,) = struct.unpack_from(">I", data, info + 8)
    return info - sig_len, sig_len


def with_sig_len(data, value):
    d = bytearray(data)
    info = len(d) - len(SIG_MAGIC) - SIG_INFO
    struct.pack_into(">I", d, info + 8, value & 0xFFFFFFFF)
    return bytes(d)


def replace_sig(data, blob, id_type=2, extra=b""):
    """@data with its signature blob replaced by @blob (info patched)."""
    start, n = sig_trailer(data)
    info = bytearray(data[start + n:start + n + SIG_INFO])
    info[2] = id_type
    struct.pack_into(">I", info, 8, len(blob))
    return data[:start] + blob + extra + bytes(info) + SIG_MAGIC


def xz(data):
    # the kernel's choice: CRC32 checks, one stream
    return lzma.compress(data, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32)


def gz(data):
    c = zlib.compressobj(9, zlib.DEFLATED, 31)
    return c.compress(data) + c.flush()


def zstd_frame_raw(data):
    """A zstd frame holding @data in raw blocks (no compressor needed)."""
    out = bytearray(b"\x28\xb5\x2f\xfd")
    out += bytes([0x00, 0x38])  # no content size, window 2^17
    blocks = [data[i:i + 65536] for i in range(0, len(data), 65536)] or [b""]
    for i, b in enumerate(blocks):
        last = 1 if i == len(blocks) - 1 else 0
        out += (len(b) << 3 | 0 << 1 | last).to_bytes(3, "little") + b
    return bytes(out)


def zstd_rle_bomb(total, frames=1, fcs=None):
    """@frames zstd frames of RLE blocks: 4 bytes make 128 KiB of zeros."""
    per = total // frames
    out = bytearray()
    for _ in range(frames):
        out += b"\x28\xb5\x2f\xfd"
        if fcs is None:
            out += bytes([0x00, 0x38])
        else:  # 8-byte content size field, single segment off
            out += bytes([0xC0, 0x38]) + struct.pack("<Q", fcs)
        n = per // 131072
        block = (131072 << 3 | 1 << 1).to_bytes(3, "little") + b"\0"
        out += block * (n - 1)
        out += (131072 << 3 | 1 << 1 | 1).to_bytes(3, "little") + b"\0"
    return bytes(out)


def gz_bomb(total):
    """One gzip member inflating to @total zeros, made of one repeated piece."""
    piece = 64 * MIB
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = c.compress(b"\0" * piece) + c.flush(zlib.Z_FULL_FLUSH)
    # after a full flush the compressor starts afresh: the same bytes again
    chunk2 = c.compress(b"\0" * piece) + c.flush(zlib.Z_FULL_FLUSH)
    assert chunk == chunk2
    n = total // piece
    crc = 0
    zeros = b"\0" * piece
    for _ in range(n):
        crc = zlib.crc32(zeros, crc)
    body = chunk * n + b"\x03\x00"  # final empty fixed block
    return (b"\x1f\x8b\x08\x00\0\0\0\0\x00\x03" + body +
            struct.pack("<II", crc, (n * piece) & 0xFFFFFFFF))


def xz_index_patch(stream, new_unpadded=None, new_uncompressed=None):
    """Rewrite the (single-record) index of an xz stream: a lying size."""
    footer = stream[-12:]
    (backward,) = struct.unpack_from("<I", footer, 4)
    index_size = (backward + 1) * 4
    idx_start = len(stream) - 12 - index_size
    idx = stream[idx_start:len(stream) - 12]
    assert idx[0] == 0

    def vli_dec(b, p):
        v, shift = 0, 0
        while True:
            c = b[p]
            p += 1
            v |= (c & 0x7F) << shift
            shift += 7
            if not c & 0x80:
                return v, p

    def vli_enc(v):
        out = bytearray()
        while v >= 0x80:
            out.append(v & 0x7F | 0x80)
            v >>= 7
        out.append(v)
        return bytes(out)

    nrec, p = vli_dec(idx, 1)
    assert nrec == 1
    unpadded, p = vli_dec(idx, p)
    uncompressed, p = vli_dec(idx, p)
    if new_uncompressed is not None:
        uncompressed = new_uncompressed
    body = b"\0" + vli_enc(1) + vli_enc(unpadded) + vli_enc(uncompressed)
    body += b"\0" * ((4 - len(body) % 4) % 4)
    body += struct.pack("<I", zlib.crc32(body))
    # the footer says where the index starts: rewrite it (and its CRC32)
    tail = struct.pack("<I", len(body) // 4 - 1) + footer[8:10]
    new_footer = struct.pack("<I", zlib.crc32(tail)) + tail + footer[10:]
    return stream[:idx_start] + body + new_footer


# ---------------------------------------------------------------------------
# Modules.

class Module:
    def __init__(self, path):
        self.path = path
        base = os.path.basename(path)
        raw = open(path, "rb").read()
        self.compressed = base.endswith(".xz")
        self.stem = base.split(".ko")[0].replace("_", "-")
        self.tag = ("xz-" if self.compressed else "") + self.stem
        self.file = raw
        self.data = lzma.decompress(raw) if self.compressed else raw
        self.elf = Elf(self.data)


def cut_expectation(m, cut):
    """Does a module truncated to @cut bytes keep what modinfo and depmod need?"""
    e = m.elf
    need = [e.table_end(), 64 if e.is64 else 52]
    names = e.sections[e.shstrndx]
    need.append(names["offset"] + names["size"])
    mi = e.find(".modinfo")
    need_modinfo = need + [mi["offset"] + mi["size"]]
    need_depmod = list(need)
    for n in (".modinfo", "__ksymtab_strings", "__versions", ".symtab"):
        s = e.find(n)
        if s and s["type"] != 8:
            need_depmod.append(s["offset"] + s["size"])
    st = e.find(".symtab")
    if st:
        strtab = e.sections[st["link"]]
        need_depmod.append(strtab["offset"] + strtab["size"])
    return ("ok" if cut >= max(need_modinfo) else "fail",
            "ok" if cut >= max(need_depmod) else "fail")


def truncations(out, m, rng):
    d = m.data
    e = m.elf
    points = {0, 1, 4, 5, 16, 51, 52, 63, 64, 100, 1000, len(d) - 1}
    points |= {len(d) * k // 16 for k in range(1, 16)}
    points |= {e.shoff, e.shoff + 1, e.table_end() - 1, e.table_end()}
    mi = e.find(".modinfo")
    points |= {mi["offset"], mi["offset"] + mi["size"] // 2, mi["offset"] + mi["size"] - 1}
    tr = sig_trailer(d)
    if tr:
        start, n = tr
        points |= {start, start + 1, start + n // 2, start + n, len(d) - len(SIG_MAGIC),
                   len(d) - len(SIG_MAGIC) - SIG_INFO, len(d) - 10}
    for cut in sorted(p for p in points if 0 <= p < len(d)):
        mi_x, dm_x = cut_expectation(m, cut)
        if cut < 52:
            mi_x = dm_x = "fail"
        put(out, "modules/trunc-%s-%07d.ko" % (m.tag, cut), d[:cut], mi_x, dm_x,
            "truncated to %d of %d bytes" % (cut, len(d)))
    # the compressed file itself, cut short
    if m.compressed:
        f = m.file
        for cut in sorted({0, 1, 6, 12, 13, 24, len(f) // 3, len(f) // 2, len(f) - 13,
                           len(f) - 12, len(f) - 4, len(f) - 1}):
            put(out, "modules/trunc-file-%s-%07d.ko.xz" % (m.tag, cut), f[:cut], "fail", "fail",
                "xz file truncated to %d of %d bytes" % (cut, len(f)))


def lying_headers(out, m):
    e = m.elf
    big = (1 << 64) - 1 if e.is64 else (1 << 32) - 1
    size = len(m.data)

    def variant(name, fn, mi_x="fail", dm_x="fail"):
        el = Elf(m.data)
        fn(el)
        put(out, "modules/elf-%s-%s.ko" % (m.tag, name), bytes(el.data), mi_x, dm_x, name)

    def ident(i, v):
        def f(el):
            el.data[i] = v
        return f

    variant("bad-magic", ident(1, ord("X")))
    variant("class-0", ident(4, 0))
    variant("class-3", ident(4, 3))
    # the other class: offsets and counts read from the wrong places
    variant("class-swapped", ident(4, 1 if e.is64 else 2), "any", "any")
    variant("data-0", ident(5, 0))
    variant("data-3", ident(5, 3))
    variant("endian-swapped", ident(5, 2 if e.e == "<" else 1), "any", "any")
    variant("shoff-past-end", lambda el: el.set_ehdr("shoff", size + 4096))
    variant("shoff-huge", lambda el: el.set_ehdr("shoff", big))
    variant("shoff-at-end", lambda el: el.set_ehdr("shoff", size - 8))
    variant("shoff-zero", lambda el: el.set_ehdr("shoff", 0))
    variant("shnum-max", lambda el: el.set_ehdr("shnum", 0xFFFF))
    variant("shnum-plus1", lambda el: el.set_ehdr("shnum", e.shnum + 1), "any", "any")
    variant("shnum-minus1", lambda el: el.set_ehdr("shnum", e.shnum - 1), "any", "any")

    def ext_count(el, n):
        el.set_ehdr("shnum", 0)
        el.set_shdr(0, "size", n)
    variant("shnum-extended-huge", lambda el: ext_count(el, big))
    variant("shnum-extended-2e9", lambda el: ext_count(el, 2000000000))
    variant("shnum-extended-real", lambda el: ext_count(el, e.shnum), "ok", "ok")
    variant("shentsize-0", lambda el: el.set_ehdr("shentsize", 0))
    variant("shentsize-1", lambda el: el.set_ehdr("shentsize", 1))
    variant("shentsize-max", lambda el: el.set_ehdr("shentsize", 0xFFFF))
    variant("shstrndx-0", lambda el: el.set_ehdr("shstrndx", 0))
    variant("shstrndx-shnum", lambda el: el.set_ehdr("shstrndx", e.shnum))
    variant("shstrndx-max", lambda el: el.set_ehdr("shstrndx", 0xFFFE))

    def xindex(el, link):
        el.set_ehdr("shstrndx", 0xFFFF)
        el.set_shdr(0, "link", link)
    variant("shstrndx-xindex-huge", lambda el: xindex(el, 0xFFFFFFFF))
    variant("shstrndx-xindex-real", lambda el: xindex(el, e.shstrndx), "ok", "ok")
    ns = e.shstrndx
    variant("shstrtab-size-0", lambda el: el.set_shdr(ns, "size", 0))
    variant("shstrtab-size-huge", lambda el: el.set_shdr(ns, "size", big))
    variant("shstrtab-offset-huge", lambda el: el.set_shdr(ns, "offset", big))
    variant("shstrtab-offset-past", lambda el: el.set_shdr(ns, "offset", size))

    def unterminated_names(el):
        s = el.sections[ns]
        el.data[s["offset"] + s["size"] - 1] = ord("x")
    variant("shstrtab-unterminated", unterminated_names)

    def bad_names(el):
        for i in range(1, e.shnum):
            el.set_shdr(i, "name", 0xFFFFFFF0 + i % 8)
    variant("section-names-out-of-range", bad_names, "fail", "any")

    mi = e.find(".modinfo")["index"]
    variant("modinfo-offset-huge", lambda el: el.set_shdr(mi, "offset", big))
    variant("modinfo-offset-past", lambda el: el.set_shdr(mi, "offset", size + 1))
    variant("modinfo-size-huge", lambda el: el.set_shdr(mi, "size", big))
    variant("modinfo-size-past", lambda el: el.set_shdr(mi, "size", size))

    def overflow(el):
        el.set_shdr(mi, "offset", 16)
        el.set_shdr(mi, "size", big - 8)
    variant("modinfo-offset-size-wrap", overflow)
    variant("modinfo-size-0", lambda el: el.set_shdr(mi, "size", 0), "ok", "ok")
    variant("modinfo-nobits", lambda el: el.set_shdr(mi, "type", 8), "any", "ok")

    def no_modinfo(el):
        el.set_shdr(mi, "name", e.find(".text")["name"] if e.find(".text") else 0)
    variant("modinfo-missing", no_modinfo, "fail", "ok")

    def unterminated_modinfo(el):
        s = el.sections[mi]
        end = s["offset"] + s["size"]
        for i in range(end - 1, s["offset"] - 1, -1):
            if el.data[i] == 0:
                el.data[i] = ord("=")
            else:
                break
    variant("modinfo-unterminated", unterminated_modinfo, "ok", "ok")

    def modinfo_no_nul(el):
        s = el.sections[mi]
        for i in range(s["offset"], s["offset"] + s["size"]):
            if el.data[i] == 0:
                el.data[i] = ord("A")
    variant("modinfo-no-nul-at-all", modinfo_no_nul, "ok", "ok")

    def modinfo_all_nul(el):
        s = el.sections[mi]
        el.data[s["offset"]:s["offset"] + s["size"]] = bytes(s["size"])
    variant("modinfo-all-nul", modinfo_all_nul, "ok", "ok")

    def table_all_ff(el):
        el.data[e.shoff:e.table_end()] = b"\xff" * (e.table_end() - e.shoff)
    variant("section-table-all-ff", table_all_ff)

    def table_all_zero(el):
        el.data[e.shoff:e.table_end()] = bytes(e.table_end() - e.shoff)
    variant("section-table-all-zero", table_all_zero)

    def every_section_huge(el):
        for i in range(1, e.shnum):
            if i not in (ns,):
                el.set_shdr(i, "size", big)
    variant("every-section-size-huge", every_section_huge)

    def every_offset_past(el):
        for i in range(1, e.shnum):
            if i not in (ns,):
                el.set_shdr(i, "offset", size + i)
    variant("every-section-offset-past", every_offset_past)


def symbol_tables(out, m):
    e = m.elf
    st = e.find(".symtab")
    if not st:
        return
    big = (1 << 64) - 1 if e.is64 else (1 << 32) - 1
    si = st["index"]
    strtab = e.sections[st["link"]]
    entsize = 24 if e.is64 else 16

    def variant(name, fn, mi_x="ok", dm_x="any"):
        el = Elf(m.data)
        fn(el)
        put(out, "modules/sym-%s-%s.ko" % (m.tag, name), bytes(el.data), mi_x, dm_x, name)

    variant("symtab-link-0", lambda el: el.set_shdr(si, "link", 0), "ok", "fail")
    variant("symtab-link-huge", lambda el: el.set_shdr(si, "link", 0xFFFFFFFF), "ok", "fail")
    variant("symtab-link-self", lambda el: el.set_shdr(si, "link", si))
    variant("symtab-size-huge", lambda el: el.set_shdr(si, "size", big), "ok", "fail")
    variant("symtab-offset-past", lambda el: el.set_shdr(si, "offset", len(m.data)), "ok", "fail")
    variant("symtab-size-odd", lambda el: el.set_shdr(si, "size", st["size"] - 7), "ok", "ok")
    variant("symtab-nobits", lambda el: el.set_shdr(si, "type", 8), "ok", "ok")
    variant("strtab-size-0", lambda el: el.set_shdr(st["link"], "size", 0), "ok", "fail")

    def strtab_unterminated(el):
        el.data[strtab["offset"] + strtab["size"] - 1] = ord("x")
    variant("strtab-unterminated", strtab_unterminated, "ok", "fail")

    def names_out_of_range(el):
        for i in range(1, st["size"] // entsize):
            struct.pack_into(el.e + "I", el.data, st["offset"] + i * entsize, 0xFFFFFFFF - i)
    variant("symbol-names-out-of-range", names_out_of_range, "ok", "ok")

    def names_at_last_byte(el):
        for i in range(1, st["size"] // entsize):
            struct.pack_into(el.e + "I", el.data, st["offset"] + i * entsize, strtab["size"] - 1)
    variant("symbol-names-at-end", names_at_last_byte, "ok", "ok")

    def garbage_shndx(el):
        off = 14 if e.is64 else 14
        for i in range(1, st["size"] // entsize):
            struct.pack_into(el.e + "H", el.data, st["offset"] + i * entsize + off, 0xFFF0 - i % 16)
            voff = 8 if e.is64 else 4
            fmt = "Q" if e.is64 else "I"
            struct.pack_into(el.e + fmt, el.data, st["offset"] + i * entsize + voff, big - i)
    variant("symbol-shndx-value-garbage", garbage_shndx, "ok", "ok")

    ver = e.find("__versions")
    if ver:
        vi = ver["index"]
        variant("versions-size-63", lambda el: el.set_shdr(vi, "size", 63), "ok", "ok")
        variant("versions-size-odd", lambda el: el.set_shdr(vi, "size", ver["size"] - 1), "ok", "ok")
        variant("versions-size-huge", lambda el: el.set_shdr(vi, "size", big), "ok", "fail")
        variant("versions-offset-past", lambda el: el.set_shdr(vi, "offset", len(m.data) - 10),
                "ok", "fail")

        def versions_no_nul(el):
            for i in range(ver["size"] // 64):
                base = ver["offset"] + i * 64
                word = 8 if e.is64 else 4
                el.data[base + word:base + 64] = b"A" * (64 - word)
        variant("versions-names-unterminated", versions_no_nul, "ok", "ok")

        def versions_ff(el):
            el.data[ver["offset"]:ver["offset"] + ver["size"]] = b"\xff" * ver["size"]
        variant("versions-all-ff", versions_ff, "ok", "ok")
    ks = e.find("__ksymtab_strings")
    if ks:
        def ksym_unterminated(el):
            el.data[ks["offset"]:ks["offset"] + ks["size"]] = b"K" * ks["size"]
        variant("ksymtab-strings-unterminated", ksym_unterminated, "ok", "ok")
        variant("ksymtab-strings-size-huge", lambda el: el.set_shdr(ks["index"], "size", big),
                "ok", "fail")


def der_len(n):
    if n < 0x80:
        return bytes([n])
    b = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(b)]) + b


def signatures(out, m, rng):
    d = m.data
    tr = sig_trailer(d)
    if not tr:
        return
    start, n = tr

    def variant(name, data, mi_x="ok"):
        # depmod never reads the signature; modinfo shows the rest
        put(out, "modules/sig-%s-%s.ko" % (m.tag, name), data, mi_x, mi_x, name)

    for name, v in (("len-0", 0), ("len-max", 0xFFFFFFFF), ("len-file", len(d)),
                    ("len-past-start", len(d) - 40 + 1), ("len-plus1", n + 1),
                    ("len-minus1", n - 1), ("len-half", n // 2)):
        variant(name, with_sig_len(d, v))
    variant("garbage-pkcs7", replace_sig(d, bytes(rng.getrandbits(8) for _ in range(n))))
    variant("zero-pkcs7", replace_sig(d, bytes(n)))
    variant("empty-pkcs7", replace_sig(d, b""))
    blob = d[start:start + n]
    variant("pkcs7-truncated", replace_sig(d, blob[:n // 2]))
    variant("pkcs7-outer-len-huge", replace_sig(d, b"\x30\x84\x7f\xff\xff\xff" + blob[4:]))
    variant("pkcs7-outer-len-8-octets", replace_sig(d, b"\x30\x88" + b"\xff" * 8 + blob[4:]))
    variant("pkcs7-indefinite", replace_sig(d, b"\x30\x80" + blob[2:]))
    nest = b""
    for _ in range(2000):
        nest = b"\x30" + der_len(len(nest)) + nest
    variant("pkcs7-deep-nesting", replace_sig(d, nest))
    variant("pkcs7-indefinite-nesting", replace_sig(d, b"\x30\x80" * 4000))
    variant("pkcs7-high-tag", replace_sig(d, b"\x3f" + b"\xff" * 64 + b"\x01\x00"))
    for t in (0, 1, 99):
        variant("id-type-%d" % t, replace_sig(d, blob, t))
    info = bytearray(d[-len(SIG_MAGIC) - SIG_INFO:-len(SIG_MAGIC)])
    info[3], info[4] = 200, 200  # signer and key id lengths, not for PKCS#7
    variant("signer-keyid-lengths", d[:-len(SIG_MAGIC) - SIG_INFO] + bytes(info) + SIG_MAGIC)
    # a bit flipped at several places inside the PKCS#7 blob
    for k in range(8):
        b = bytearray(blob)
        pos = rng.randrange(len(b))
        b[pos] ^= 1 << rng.randrange(8)
        variant("pkcs7-flip-%d" % k, replace_sig(d, bytes(b)))
    variant("marker-only", SIG_MAGIC, "fail")
    variant("info-and-marker-only", bytes(SIG_INFO) + SIG_MAGIC, "fail")
    variant("double-marker", d + bytes(SIG_INFO) + SIG_MAGIC)


def compression(out, m, rng):
    d = m.data
    streams = {"xz": m.file if m.compressed else xz(d), "gz": gz(d), "zst": zstd_frame_raw(d)}
    for ext, s in streams.items():
        tag = "%s-%s" % (m.tag, ext)
        put(out, "modules/comp-%s-good.ko.%s" % (tag, ext), s, "ok", "ok", "recompressed")
        for k in (1, 2, 3, 5, 8):
            cut = len(s) * k // 9
            put(out, "modules/comp-%s-trunc-%d.ko.%s" % (tag, cut, ext), s[:cut], "fail", "fail",
                "%s stream truncated to %d of %d" % (ext, cut, len(s)))
        magic = s[:6 if ext == "xz" else 4 if ext == "zst" else 2]
        put(out, "modules/comp-%s-magic-only.ko.%s" % (tag, ext), magic, "fail", "fail", "magic only")
        garbage = bytes(rng.getrandbits(8) for _ in range(4096))
        put(out, "modules/comp-%s-magic-garbage.ko.%s" % (tag, ext), magic + garbage, "fail", "fail",
            "magic then garbage")
        for k in range(4):
            b = bytearray(s)
            pos = len(magic) + 32 + rng.randrange(len(b) - len(magic) - 64)
            b[pos] ^= 0xFF
            # a raw zstd block holds the data as it is: a flip may survive
            x = "any" if ext == "zst" else "fail"
            put(out, "modules/comp-%s-corrupt-%d.ko.%s" % (tag, k, ext), bytes(b), x, x,
                "byte %d of the stream inverted" % pos)
        put(out, "modules/comp-%s-trailing-garbage.ko.%s" % (tag, ext), s + b"GARBAGE!" * 8,
            "any", "any", "stream then garbage")
    x = streams["xz"]
    put(out, "modules/comp-%s-xz-padded.ko.xz" % m.tag, x + bytes(8), "ok", "ok",
        "xz stream padding (not the single-stream fast path)")
    put(out, "modules/comp-%s-xz-two-streams.ko.xz" % m.tag, x + x, "any", "any",
        "two xz streams: the module twice")
    lie = xz_index_patch(x, new_uncompressed=len(d) - 1000)
    if lie:
        put(out, "modules/comp-%s-xz-index-too-small.ko.xz" % m.tag, lie, "fail", "fail",
            "xz index declares fewer bytes than the blocks hold")
    lie = xz_index_patch(x, new_uncompressed=len(d) + 1000)
    if lie:
        put(out, "modules/comp-%s-xz-index-too-large.ko.xz" % m.tag, lie, "fail", "fail",
            "xz index declares more bytes than the blocks hold")
    put(out, "modules/comp-%s-gz-two-members.ko.gz" % m.tag, streams["gz"] * 2, "any", "any",
        "two gzip members: the module twice")
    put(out, "modules/comp-%s-gz-member-then-garbage.ko.gz" % m.tag,
        streams["gz"] + b"\x1f\x8b" + bytes(20), "fail", "fail", "a member then a broken one")


def bombs(out):
    """
    Gigabytes of zeros in small files, in every format: xz in several
    streams (the single-stream fast path that refuses declared bombs does
    not apply), one zstd frame per 256 MiB, one gzip member.  Each costs
    the decoder 1 GiB of output before the cap stops it: a few are enough.
    """
    total = 1536 * MIB
    piece = 64 * MIB
    one_xz = lzma.compress(b"\0" * piece, format=lzma.FORMAT_XZ, check=lzma.CHECK_CRC32,
                           preset=0)
    # several streams: the single-stream fast path does not apply, the cap must
    put(out, "modules/bomb-xz-24-streams-1536MiB.ko.xz", one_xz * (total // piece), "fail", "fail",
        "24 xz streams of 64 MiB of zeros")
    for declared, name in ((3 << 30, "3GiB"), ((1 << 30) + 1, "1GiB-plus-1"), (1 << 40, "1TiB")):
        lie = xz_index_patch(one_xz, new_uncompressed=declared)
        if lie:
            put(out, "modules/bomb-xz-index-declares-%s.ko.xz" % name, lie, "fail", "fail",
                "xz index declares %d bytes" % declared)
    # and one that declares little: the exact-size decoder must stop there
    lie = xz_index_patch(one_xz, new_uncompressed=4096)
    put(out, "modules/bomb-xz-index-declares-4KiB.ko.xz", lie, "fail", "fail",
        "xz index declares 4096 bytes, the block holds 64 MiB")
    put(out, "modules/bomb-zstd-6-frames-1536MiB.ko.zst", zstd_rle_bomb(total, 6), "fail", "fail",
        "six zstd frames")
    put(out, "modules/bomb-zstd-fcs-lies.ko.zst", zstd_rle_bomb(256 * MIB, 1, fcs=4096), "fail",
        "fail", "zstd frame declaring 4096 bytes, holding 256 MiB")
    put(out, "modules/bomb-gz-one-member-1536MiB.ko.gz", gz_bomb(total), "fail", "fail",
        "one gzip member")


def flips(out, m, rng, count=24):
    d = m.data
    e = m.elf
    for k in range(count):
        b = bytearray(d)
        if k % 3 == 0:   # anywhere
            where, lo, hi = "any", 0, len(b)
        elif k % 3 == 1:  # the ELF header and the section table
            where, lo, hi = "hdr", 0, 64
            if k % 2:
                where, lo, hi = "shdrs", e.shoff, e.table_end()
        else:             # the sections modinfo and depmod read
            s = e.find([".modinfo", ".symtab", "__versions", ".strtab"][k % 4]) or e.find(".modinfo")
            where, lo, hi = s["sname"].strip(".") or "sec", s["offset"], s["offset"] + max(s["size"], 1)
        for _ in range(1 + rng.randrange(16)):
            pos = lo + rng.randrange(max(hi - lo, 1))
            if pos < len(b):
                b[pos] = rng.getrandbits(8)
        put(out, "modules/flip-%s-%s-%02d.ko" % (m.tag, where, k), bytes(b), "any", "any",
            "random bytes changed (%s)" % where)
    if m.compressed:
        for k in range(8):
            b = bytearray(m.file)
            for _ in range(1 + rng.randrange(4)):
                b[rng.randrange(len(b))] = rng.getrandbits(8)
            put(out, "modules/flip-%s-file-%02d.ko.xz" % (m.tag, k), bytes(b), "any", "any",
                "random bytes of the xz file changed")


def small_files(out, rng):
    put(out, "modules/tiny-empty.ko", b"", "fail", "fail", "empty")
    put(out, "modules/tiny-one-byte.ko", b"\x7f", "fail", "fail", "one byte")
    put(out, "modules/tiny-elf-magic.ko", b"\x7fELF", "fail", "fail", "ELF magic only")
    put(out, "modules/tiny-ident-only.ko", b"\x7fELF\x02\x01\x01" + bytes(9), "fail", "fail",
        "e_ident only")
    put(out, "modules/tiny-text.ko", b"this is not a module\n" * 10, "fail", "fail", "text")
    put(out, "modules/tiny-random-4k.ko", bytes(rng.getrandbits(8) for _ in range(4096)), "fail",
        "fail", "random bytes")
    # module names (from file names) are unique: depmod keeps one module a name
    put(out, "modules/tiny-empty-xz.ko.xz", b"", "fail", "fail", "empty")
    put(out, "modules/tiny-empty-gz.ko.gz", b"", "fail", "fail", "empty")
    put(out, "modules/tiny-empty-zst.ko.zst", b"", "fail", "fail", "empty")


# ---------------------------------------------------------------------------
# Configurations and /proc/modules.

def configs(out, rng):
    mp = "configs/modprobe/"
    c = {
        "unknown-directives.conf": b"frobnicate all the things\nalias\nfoo bar baz\n"
                                   b"installl x y\n\xff\xfe directive\n",
        "missing-arguments.conf": b"alias\nalias onlyone\noptions\ninstall\ninstall x\n"
                                  b"remove\nremove x\nblacklist\nsoftdep\nsoftdep x\n"
                                  b"softdep x pre:\nsoftdep x post:\nweakdep\nweakdep x\n",
        "continuation-endless.conf": b"options dummy a=1 \\\n" * 200000 + b"\n",
        "continuation-at-eof.conf": b"alias foo bar \\",
        "backslashes.conf": b"\\\\\\\\\\\n\\\nalias \\a\\b \\c\n" + b"\\" * 100000,
        "binary-garbage.conf": bytes(rng.getrandbits(8) for _ in range(65536)),
        "nul-bytes.conf": b"alias a\0b c\nblacklist \0\n\0\0\0\noptions x\0y=1\n",
        "crlf.conf": b"alias foo bar\r\nblacklist baz\r\noptions dummy numdummies=2\r\n",
        "huge-line.conf": b"options dummy " + b"x=1 " * (768 << 10) + b"\n",
        "huge-name.conf": b"alias " + b"a" * 100000 + b" dummy\nblacklist " + b"b" * 100000 + b"\n",
        "too-large.conf": b"# larger than the 16 MiB kept\n" + b"#" * (17 << 20) + b"\n",
        "brackets.conf": b"alias [ dummy\nalias ] dummy\nalias a[b-c dummy\n"
                         b"options [[[[ x=1\nsoftdep [ pre: ]\n",
        "many-stars.conf": b"alias " + b"*a" * 30 + b"*b dummy\n",
        "unbalanced-quotes.conf": b'options dummy a="b c\noptions dummy "=" "\n',
        "softdep-pre-post-pre.conf": b"softdep m pre: a post: " + b"x" * 4000 + b" pre: b\n",
        "softdep-many.conf": b"softdep m pre: " + b" ".join(b"m%d" % i for i in range(20000)) +
                             b" post: " + b" ".join(b"n%d" % i for i in range(20000)) + b"\n",
        "install-loop.conf": b"install dummy /sbin/modprobe dummy\nsoftdep dummy pre: dummy\n",
        "self-alias-loop.conf": b"alias a b\nalias b a\nalias dummy dummy\n",
        "many-lines.conf": b"".join(b"alias a%d dummy\n" % i for i in range(100000)),
    }
    for name, data in c.items():
        put(out, mp + name, data)
    dp = "configs/depmod/"
    d = {
        "unknown-directives.conf": b"frobnicate\nsearch\noverride\noverride x\nexternal\n"
                                   b"external 1.0\nexclude\n",
        "search-garbage.conf": b"search " + b"../" * 1000 + b"\nsearch built-in built-in\n"
                               b"search /abs/path\n",
        "override-garbage.conf": b"override * * *\noverride a[ 6.1 extra\n"
                                 b"override crc7 * ../../../../etc\n",
        "external-garbage.conf": b"external * /nonexistent\nexternal * relative/dir\n"
                                 b"external * " + b"/x" * 3000 + b"\n",
        "binary-garbage.conf": bytes(rng.getrandbits(8) for _ in range(65536)),
        "continuation-endless.conf": b"search updates \\\n" * 200000 + b"\n",
        "huge-line.conf": b"search " + b"d " * (1 << 20) + b"\n",
        "nul-bytes.conf": b"search\0updates\nexclude \0\n",
    }
    for name, data in d.items():
        put(out, dp + name, data)
    # directories of several files (a FIFO among them: make-corpus.sh)
    put(out, "configs/depmod-dir/00-good.conf", b"search updates built-in\n")
    put(out, "configs/depmod-dir/50-garbage.conf", b"search\x00\xff\n\\")
    put(out, "configs/modprobe-dir/00-good.conf", b"alias foo dummy\n")
    put(out, "configs/modprobe-dir/50-garbage.conf", b"alias\x00\xff\n\\")
    pm = "procmodules/"
    line = b"dummy 16384 0 - Live 0xffffffffc0a00000\n"
    p = {
        "empty": b"",
        "garbage": bytes(rng.getrandbits(8) for _ in range(8192)),
        "missing-fields": b"dummy\ndummy 16384\ndummy 16384 0\n\n\n",
        "huge-numbers": b"dummy 999999999999999999999999 -5 - Live 0x0\n"
                        b"x 18446744073709551616 4294967296 a,b, Live 0x0\n",
        "huge-line": b"a" * (8 << 20) + b" 1 0 - Live 0x0\n",
        "many-holders": b"dummy 16384 20000 " + b",".join(b"h%d" % i for i in range(20000)) +
                        b", Live 0x0\n",
        "no-newline-at-end": line + line[:-1],
        "nul-bytes": b"du\0mmy 16384 0 - Live 0x0\n\0\0\0\n",
        "many-modules": b"".join(b"m%d 16384 0 - Live 0x0\n" % i for i in range(100000)),
    }
    for name, data in p.items():
        put(out, pm + name, data)



# ---------------------------------------------------------------------------
# Indexes: modules.*.bin tries of a small real tree, each broken one way.

INDEX_MAGIC = 0xB007F457
F_PREFIX, F_VALUES, F_CHILDS, F_MASK = 0x80000000, 0x40000000, 0x20000000, 0x0FFFFFFF


def trie_nodes(b):
    """(offset, ref, child table offset or None, first, last) of every node."""
    seen, out = set(), []
    stack = [struct.unpack_from(">I", b, 8)[0]]
    while stack:
        ref = stack.pop()
        off = ref & F_MASK
        if not off or off in seen or off >= len(b):
            continue
        seen.add(off)
        pos = off
        if ref & F_PREFIX:
            pos = b.index(b"\0", pos) + 1
        table, first, last = None, 1, 0
        if ref & F_CHILDS:
            first, last = b[pos], b[pos + 1]
            table = pos + 2
            for c in range(last - first + 1):
                stack.append(struct.unpack_from(">I", b, table + 4 * c)[0])
            pos = table + 4 * (last - first + 1)
        out.append((off, ref, table, first, last, pos if ref & F_VALUES else None))
    return sorted(out)


def index_variants(b, rng):
    """name -> corrupted copy of the index bytes @b."""
    v = {}
    root = struct.unpack_from(">I", b, 8)[0]

    def patched(at, fmt, value):
        c = bytearray(b)
        struct.pack_into(fmt, c, at, value)
        return bytes(c)

    v["bad-magic"] = patched(0, ">I", 0xDEADBEEF)
    v["bad-version"] = patched(4, ">I", 0x00030001)
    v["empty"] = b""
    v["short-header"] = b[:5]
    v["header-only"] = b[:12]
    v["root-past-end"] = patched(8, ">I", (root & ~F_MASK) | (len(b) + 100))
    v["root-into-header"] = patched(8, ">I", (root & ~F_MASK) | 4)
    v["root-all-flags-at-end"] = patched(8, ">I", 0xF0000000 | (len(b) - 1))
    v["root-self-loop"] = b  # filled below
    nodes = trie_nodes(b)
    with_children = [n for n in nodes if n[2] is not None]
    with_values = [n for n in nodes if n[5] is not None]
    if with_children:
        off, ref, table, first, last, _ = with_children[0]
        # every child of the root points back at the root: a loop
        c = bytearray(b)
        for k in range(last - first + 1):
            struct.pack_into(">I", c, table + 4 * k, root)
        v["root-self-loop"] = bytes(c)
        # a child two levels down points back at the root
        deeper = with_children[len(with_children) // 2]
        v["deep-loop-to-root"] = patched(deeper[2], ">I", root)
        # two nodes pointing at each other
        if len(with_children) > 1:
            a, bnode = with_children[1], with_children[-1]
            c = bytearray(b)
            struct.pack_into(">I", c, a[2], bnode[1] & ~F_MASK | bnode[0])
            struct.pack_into(">I", c, bnode[2], a[1] & ~F_MASK | a[0])
            v["two-node-cycle"] = bytes(c)
        v["child-past-end"] = patched(table, ">I", F_CHILDS | F_VALUES | (len(b) + 8))
        v["child-into-header"] = patched(table, ">I", F_PREFIX | 2)
        v["child-range-reversed"] = patched(table - 2, ">H", 0xFF00)
        v["child-range-full"] = patched(table - 2, ">H", 0x00FF)
        # every child of every node points to the root: exponential if unbounded
        c = bytearray(b)
        for n in with_children:
            for k in range(n[4] - n[3] + 1):
                struct.pack_into(">I", c, n[2] + 4 * k, root)
        v["every-child-to-root"] = bytes(c)
        # every child reference shares one subtree: work grows with sharing
        c = bytearray(b)
        target = with_children[-1]
        for n in with_children[:-1]:
            for k in range(n[4] - n[3] + 1):
                struct.pack_into(">I", c, n[2] + 4 * k, target[1] & ~F_MASK | target[0])
        v["shared-subtree"] = bytes(c)
    if with_values:
        n = with_values[len(with_values) // 2]
        v["value-count-huge"] = patched(n[5], ">I", 0x7FFFFFFF)
        v["value-count-max"] = patched(n[5], ">I", 0xFFFFFFFF)
        c = bytearray(b)
        for n in with_values:
            struct.pack_into(">I", c, n[5], 0x00FFFFFF)
        v["every-value-count-huge"] = bytes(c)
    # no NUL from the root on: prefixes and values never end
    c = bytearray(b)
    start = (root & F_MASK)
    c[start:] = bytes(x if x else 0x41 for x in c[start:])
    v["no-terminators"] = bytes(c)
    for k in (1, 2, 3, 5, 8, 13):
        v["truncated-%d" % k] = b[:len(b) * k // 16]
    for k in range(10):
        c = bytearray(b)
        for _ in range(1 + rng.randrange(8)):
            c[12 + rng.randrange(len(c) - 12)] = rng.getrandbits(8)
        v["flip-%02d" % k] = bytes(c)
    return v


def indexes(out, moddir, rng):
    """OUT/indexes/FILE-VARIANT/: a module dir with FILE broken, the others real."""
    files = ["modules.dep.bin", "modules.alias.bin", "modules.symbols.bin",
             "modules.builtin.bin", "modules.builtin.alias.bin"]
    count = 0
    for name in files:
        path = os.path.join(moddir, name)
        if not os.path.exists(path):
            continue
        b = open(path, "rb").read()
        if len(b) < 16:
            continue  # an empty trie (no builtin modules in the tree)
        assert struct.unpack_from(">I", b, 0)[0] == INDEX_MAGIC, path
        for variant, data in sorted(index_variants(b, rng).items()):
            put(out, "indexes/%s-%s/%s" % (name[:-4].replace("modules.", ""), variant, name), data)
            count += 1
    return count


def main():
    if sys.argv[1] == "--indexes":
        n = indexes(sys.argv[2], sys.argv[3], random.Random(SEED))
        print("%d broken indexes" % n)
        return
    out = sys.argv[1]
    rng = random.Random(SEED)
    mods = [Module(p) for p in sys.argv[2:]]
    if not mods:
        sys.exit("make-corpus.py: no modules given")
    for m in mods:
        put(out, "good/good-%s.ko%s" % (m.tag, ".xz" if m.compressed else ""), m.file, "ok", "ok",
            "the original")
        truncations(out, m, rng)
        lying_headers(out, m)
        symbol_tables(out, m)
        signatures(out, m, rng)
        flips(out, m, rng)
    # recompression and bombs cost time: from the smallest modules only
    for m in sorted(mods, key=lambda m: len(m.data))[:2]:
        compression(out, m, rng)
    small_files(out, rng)
    bombs(out)
    configs(out, rng)
    with open(os.path.join(out, "MANIFEST"), "w") as f:
        f.write("\n".join(sorted(manifest)) + "\n")
    print("%d module files, %d config files, %d /proc/modules files" % (
        len(manifest), len(os.listdir(os.path.join(out, "configs/modprobe"))) +
        len(os.listdir(os.path.join(out, "configs/depmod"))),
        len(os.listdir(os.path.join(out, "procmodules")))))


if __name__ == "__main__":
    main()
