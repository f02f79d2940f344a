#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Concrete modaliases from a tree's modules.alias: every COUNTth pattern of
the wanted kinds turned into a string it matches (a '*' matches nothing, a
'?' one '0', a class its first member; negated classes are left out), as a
device would present it to udev.

usage: concrete-aliases.py MODULES_ALIAS COUNT
"""
import sys


def concrete(pattern):
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            i += 1
        elif c == "?":
            out.append("0")
            i += 1
        elif c == "[":
            end = pattern.find("]", i + 2)
            if end < 0 or pattern[i + 1] in "!^":
                return None
            out.append(pattern[i + 1])
            i = end + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def main():
    path, count = sys.argv[1], int(sys.argv[2])
    patterns = []
    for line in open(path, errors="replace"):
        fields = line.split()
        # device modaliases (bus:...), not the symbolic names modules give
        if len(fields) == 3 and fields[0] == "alias" and ":" in fields[1]:
            patterns.append(fields[1])
    step = max(1, len(patterns) // count)
    seen = set()
    for pattern in patterns[::step][:count]:
        alias = concrete(pattern)
        if alias and alias not in seen and not any(ch.isspace() for ch in alias):
            seen.add(alias)
            print(alias)


main()
