#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Check the .note.dlopen ELF note (systemd's "ELF dlopen metadata") of a binary.

Usage: dlopen-note.py FILE [FEATURE...]

Reads FILE's note sections itself (readelf shows only "Unknown note type"),
finds the notes of owner "FDO" and type 0x407c0c0a, parses their payload as
JSON and checks its shape: an array of objects with a feature, a
description, a priority systemd defines and a list of sonames.  Each FEATURE
named must have an entry.  Prints the sonames; exits 1 on any fault.
"""
import json
import struct
import sys

NOTE_TYPE = 0x407C0C0A
SHT_NOTE = 7
PRIORITIES = {"required", "recommended", "suggested"}


def note_sections(data):
    """The contents of every SHT_NOTE section of an ELF file."""
    if data[:4] != b"\x7fELF":
        raise ValueError("not an ELF file")
    wide = data[4] == 2
    end = "<" if data[5] == 1 else ">"
    if wide:
        shoff, = struct.unpack_from(end + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x3A)
        fmt = end + "IIQQQQ"
    else:
        shoff, = struct.unpack_from(end + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(end + "HH", data, 0x2E)
        fmt = end + "IIIIII"
    for i in range(shnum):
        _, sh_type, _, _, off, size = struct.unpack_from(fmt, data, shoff + i * shentsize)
        if sh_type == SHT_NOTE:
            yield data[off:off + size], end


def dlopen_payloads(data):
    """The payload strings of the FDO dlopen notes, NUL and padding removed."""
    for sec, end in note_sections(data):
        pos = 0
        while pos + 12 <= len(sec):
            namesz, descsz, ntype = struct.unpack_from(end + "III", sec, pos)
            name_at = pos + 12
            desc_at = name_at + (namesz + 3) // 4 * 4
            pos = desc_at + (descsz + 3) // 4 * 4
            if ntype != NOTE_TYPE or sec[name_at:name_at + namesz] != b"FDO\0":
                continue
            desc = sec[desc_at:desc_at + descsz]
            if not desc.endswith(b"\0"):
                raise ValueError("payload not NUL-terminated")
            yield desc[:-1].decode("utf-8")


def check(path, features):
    with open(path, "rb") as f:
        payloads = list(dlopen_payloads(f.read()))
    if not payloads:
        raise ValueError("no FDO dlopen note")
    entries = [e for p in payloads for e in json.loads(p)]
    for e in entries:
        if not (isinstance(e.get("feature"), str) and isinstance(e.get("description"), str)
                and e.get("priority") in PRIORITIES and isinstance(e.get("soname"), list)
                and e["soname"] and all(isinstance(s, str) for s in e["soname"])):
            raise ValueError("malformed entry %r" % e)
    missing = set(features) - {e["feature"] for e in entries}
    if missing:
        raise ValueError("no entry for " + " ".join(sorted(missing)))
    return [s for e in entries for s in e["soname"]]


def main():
    try:
        print(" ".join(check(sys.argv[1], sys.argv[2:])))
    except (OSError, ValueError, struct.error) as e:
        print("%s: %s" % (sys.argv[1], e))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
