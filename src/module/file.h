/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Opening a module file: its format is told by its first bytes (not its
 * name); plain files are mmapped, compressed ones decompressed into memory
 * with a hard cap on the output size.
 */
#ifndef MODTOOL_FILE_H
#define MODTOOL_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct modtool_ctx;

enum mt_compression {
	MT_COMPRESSION_NONE,
	MT_COMPRESSION_GZIP,
	MT_COMPRESSION_XZ,
	MT_COMPRESSION_ZSTD,
};

struct mt_file {
	struct modtool_ctx *ctx;
	char *path;
	int fd;
	enum mt_compression compression;
	const uint8_t *data;	/* contents, decompressed; NULL until loaded */
	size_t size;
	size_t map_size;	/* length of the mapping behind data */
	bool mapped;		/* data maps the file, else decompressed */
	int load_err;		/* first load's result, so errors are logged once */
	bool load_tried;
};

/* Open @path and tell its format by magic bytes; logs and fails on I/O errors. */
int mt_file_open(struct modtool_ctx *ctx, const char *path, struct mt_file **file);
/* Map or decompress the contents (once); errors are logged naming the file. */
int mt_file_load(struct mt_file *file);
void mt_file_free(struct mt_file *file);
/* "gzip", "xz", "zstd" (the kernel's /sys/module/compression names) or NULL. */
const char *mt_compression_name(enum mt_compression c);
/* Whether this build reads (and writes) @c; false for a format left out with meson -D...=disabled. */
bool mt_compression_built_in(enum mt_compression c);

/* The format whose magic bytes start @head (@len bytes of the file). */
enum mt_compression mt_compression_detect(const uint8_t *head, size_t len);

/*
 * A decompressor reads the compressed bytes @in into @out, at most
 * MT_MAX_MODULE_SIZE bytes; on error it sets *why.  The output is an
 * anonymous mapping grown with mremap(): no copy on growth and no page
 * resident before it is written, so a bomb costs the bytes it produced, not
 * one and a half times that as a doubling realloc() would.  Release it with
 * mt_decompressed_release() whether the call succeeded or not.
 */
struct mt_decompressed {
	uint8_t *data;
	size_t size;		/* bytes produced */
	size_t capacity;	/* bytes mapped */
};
typedef int (*mt_decompress_fn)(const uint8_t *in, size_t in_size,
				struct mt_decompressed *out, const char **why);
/* The decompressor of @c, NULL for MT_COMPRESSION_NONE. */
mt_decompress_fn mt_decompressor_of(enum mt_compression c);
int mt_decompress_gzip(const uint8_t *in, size_t in_size, struct mt_decompressed *out, const char **why);
int mt_decompress_xz(const uint8_t *in, size_t in_size, struct mt_decompressed *out, const char **why);
int mt_decompress_zstd(const uint8_t *in, size_t in_size, struct mt_decompressed *out, const char **why);
/* The legacy .lzma ("LZMA alone") format, which kernel images use and modules never do. */
int mt_decompress_lzma_alone(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
			     const char **why);

/*
 * Growth shared by the decompressors: twice the capacity, else @hint;
 * -EFBIG past the cap (*why says so) or -ENOMEM.  A decompressor writes
 * from the start of @out and uses the capacity it already has first.
 */
int mt_decompressed_grow(struct mt_decompressed *out, size_t hint, const char **why);
/*
 * At least @size bytes mapped (a size the stream declared, within the cap):
 * exactly @size when nothing was, else the mapping as it is or grown.
 */
int mt_decompressed_reserve(struct mt_decompressed *out, size_t size);
void mt_decompressed_release(struct mt_decompressed *out);

/*
 * Reuse for a caller that decompresses many modules (depmod's threads):
 * faulting in fresh pages for every module cost more system time than
 * decoding them.  mt_decompressed_reset() empties @out but keeps its
 * mapping, so the next decompression writes pages already resident.
 * mt_decompressed_trim() then gives back all of the mapping past @keep
 * bytes, so that one huge module or a bomb does not stay resident for the
 * rest of the run.
 */
void mt_decompressed_reset(struct mt_decompressed *out);
void mt_decompressed_trim(struct mt_decompressed *out, size_t keep);

#endif
