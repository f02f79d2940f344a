/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shell glob patterns: glibc's fnmatch(3) with flags 0 in the C locale. */
#ifndef MODTOOL_GLOB_MATCH_H
#define MODTOOL_GLOB_MATCH_H

#include <stdbool.h>

/*
 * True when @string matches @pattern exactly as fnmatch(pattern, string, 0)
 * == 0 would in the C locale, quirks of malformed patterns included: '*'
 * matches any bytes ('/' and a leading '.' too), '?' one byte, '\' quotes the
 * next byte (a trailing one matches nothing), '[...]' with '!' or '^'
 * (always: glibc's takes '^' literally when POSIXLY_CORRECT is set),
 * ranges by byte value, [:class:], [=c=] and [.c.]; an unterminated '[' is a
 * literal '['.  Bytes >= 0x80 are plain bytes.  Time is O(pattern * string)
 * at worst, with no recursion and no allocation.
 */
bool mt_glob_match(const char *pattern, const char *string);

#endif
