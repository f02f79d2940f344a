/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * CRC-32/IEEE 802.3 (reflected polynomial 0xEDB88320, initial value and
 * final xor 0xFFFFFFFF): the check of zlib's crc32() and of xz blocks.
 * Carry-less multiplication where the CPU has it, tables elsewhere.
 */
#ifndef MODTOOL_CRC32_H
#define MODTOOL_CRC32_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* zlib's convention: start with crc = 0, feed the result back to continue. */
uint32_t mt_crc32(uint32_t crc, const void *buf, size_t len);

/* The same with the portable table code only, so tests can compare the two. */
uint32_t mt_crc32_table(uint32_t crc, const void *buf, size_t len);

/* True when mt_crc32() runs the carry-less multiplication code. */
bool mt_crc32_is_fast(void);

#endif
