/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Decompressors for the kernel payload formats modules are never
 * compressed with (the kernel's CONFIG_KERNEL_LZ4, _BZIP2; _LZMA is
 * module/'s, mt_decompress_lzma_alone, beside the xz decoder that loads the
 * same liblzma): the interface of module/file.h's (mt_decompress_fn), the
 * same bounded output and cap, their libraries dlopen()ed on first use.
 */
#ifndef MODTOOL_UNPACK_H
#define MODTOOL_UNPACK_H

#include "module/file.h"

/* The lz4 legacy frame (magic 02 21 4c 18, blocks of 8 MiB), as lz4 -l writes it: liblz4. */
int mt_unpack_lz4(const uint8_t *in, size_t in_size, struct mt_decompressed *out, const char **why);
/* bzip2, concatenated streams read as one: libbz2. */
int mt_unpack_bzip2(const uint8_t *in, size_t in_size, struct mt_decompressed *out, const char **why);

#endif
