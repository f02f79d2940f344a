// SPDX-License-Identifier: LGPL-2.1-or-later
/* Compressing to .ko.gz as kbuild does (gzip -n: default level, no name or time). */
#include "base/internal.h"
#include "module/compress.h"

#if ENABLE_ZLIB
#include <zlib.h>

#include "base/dlib.h"

static struct {
	typeof(&deflateInit2_) init2;
	typeof(&deflateBound) bound;
	typeof(&deflate) deflate;
	typeof(&deflateEnd) end;
} gzc;
static const char *const gzc_names[] = { "deflateInit2_", "deflateBound", "deflate", "deflateEnd" };
static struct mt_dlib gzc_lib = MT_DLIB(ZLIB_SONAME, gzc_names, gzc);

int mt_compress_gzip(const uint8_t *in, size_t in_size, uint8_t **out, size_t *out_size,
		     const char **why)
{
	z_stream zs = { 0 };
	uint8_t *buf;
	size_t cap;
	int r;

	if (mt_dlib_load(&gzc_lib) < 0) {
		*why = "zlib (" ZLIB_SONAME ") cannot be loaded";
		return -ELIBACC;
	}
	/* one deflate() call: its counters are uInt, and the cap is far below */
	if (in_size > MT_MAX_MODULE_SIZE) {
		*why = "too large to compress";
		return -EFBIG;
	}
	/* 16 + MAX_WBITS: a gzip wrapper with a zero time and no name, as gzip -n */
	if (gzc.init2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8,
		      Z_DEFAULT_STRATEGY, ZLIB_VERSION, (int)sizeof(zs)) != Z_OK) {
		*why = "cannot start zlib's compressor";
		return -ENOMEM;
	}
	cap = gzc.bound(&zs, (uLong)in_size);
	buf = malloc(cap);
	if (!buf) {
		gzc.end(&zs);
		*why = "out of memory";
		return -ENOMEM;
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)in_size;
	zs.next_out = buf;
	zs.avail_out = (uInt)cap;
	r = gzc.deflate(&zs, Z_FINISH);
	gzc.end(&zs);
	if (r != Z_STREAM_END) {
		free(buf);
		*why = "zlib's compressor failed";
		return -EIO;
	}
	*out = buf;
	*out_size = cap - zs.avail_out;
	return 0;
}
#else
int mt_compress_gzip(const uint8_t *in, size_t in_size, uint8_t **out, size_t *out_size,
		     const char **why)
{
	*why = "gzip support was not built in";
	return -ENOTSUP;
}
#endif
