/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Compressing a module again after it was changed (signed), in the format it
 * came in and with the settings kbuild uses (scripts/Makefile.modinst), so
 * that the kernel's own decompressors take it: gzip -n (no name, no time),
 * xz --check=crc32 --lzma2=dict=1MiB (the kernel's xz decoder has no CRC64),
 * zstd at its default level with a checksum.  Each library is dlopen()ed on
 * first use, like the decompressors.
 */
#ifndef MODTOOL_COMPRESS_H
#define MODTOOL_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "module/file.h"

/*
 * Compress @in (at most MT_MAX_MODULE_SIZE bytes) in one call into a
 * malloc()ed buffer *@out of *@out_size bytes, never larger than the
 * library's bound for @in_size.  0, or a negative errno with a short reason
 * in *why: -ELIBACC (library missing), -ENOMEM, -EFBIG (input too large),
 * -ENOTSUP (format not built in), -EIO (the library failed).
 */
typedef int (*mt_compress_fn)(const uint8_t *in, size_t in_size, uint8_t **out,
			      size_t *out_size, const char **why);
int mt_compress_gzip(const uint8_t *in, size_t in_size, uint8_t **out, size_t *out_size,
		     const char **why);
int mt_compress_xz(const uint8_t *in, size_t in_size, uint8_t **out, size_t *out_size,
		   const char **why);
int mt_compress_zstd(const uint8_t *in, size_t in_size, uint8_t **out, size_t *out_size,
		     const char **why);

/* The compressor of @c, NULL for MT_COMPRESSION_NONE. */
static inline mt_compress_fn mt_compressor_of(enum mt_compression c)
{
	switch (c) {
	case MT_COMPRESSION_GZIP: return mt_compress_gzip;
	case MT_COMPRESSION_XZ: return mt_compress_xz;
	case MT_COMPRESSION_ZSTD: return mt_compress_zstd;
	default: return NULL;
	}
}

#endif
