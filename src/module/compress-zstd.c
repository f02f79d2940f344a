// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Compressing to .ko.zst as kbuild does (zstd -T0 -q): the default level
 * (3), the content size and a checksum in the frame.  One frame; -T0's
 * worker threads change nothing the kernel reads.
 */
#include "base/internal.h"
#include "module/compress.h"

#if ENABLE_ZSTD
#include <zstd.h>

#include "base/dlib.h"

static struct {
	typeof(&ZSTD_createCCtx) create;
	typeof(&ZSTD_freeCCtx) free;
	typeof(&ZSTD_CCtx_setParameter) set_parameter;
	typeof(&ZSTD_compress2) compress;
	typeof(&ZSTD_compressBound) bound;
	typeof(&ZSTD_isError) is_error;
	typeof(&ZSTD_getErrorName) error_name;
} zsc;
static const char *const zsc_names[] = {
	"ZSTD_createCCtx", "ZSTD_freeCCtx", "ZSTD_CCtx_setParameter", "ZSTD_compress2",
	"ZSTD_compressBound", "ZSTD_isError", "ZSTD_getErrorName",
};
static struct mt_dlib zsc_lib = MT_DLIB(ZSTD_SONAME, zsc_names, zsc);

#define ZSTD_KBUILD_LEVEL 3

int mt_compress_zstd(const uint8_t *in, size_t in_size, uint8_t **out, size_t *out_size,
		     const char **why)
{
	ZSTD_CCtx *cctx;
	uint8_t *buf;
	size_t cap, ret;

	if (mt_dlib_load(&zsc_lib) < 0) {
		*why = "libzstd (" ZSTD_SONAME ") cannot be loaded";
		return -ELIBACC;
	}
	if (in_size > MT_MAX_MODULE_SIZE) {
		*why = "too large to compress";
		return -EFBIG;
	}
	cap = zsc.bound(in_size);
	if (zsc.is_error(cap)) {
		*why = "too large to compress";
		return -EFBIG;
	}
	buf = malloc(cap);
	cctx = zsc.create();
	if (!buf || !cctx) {
		free(buf);
		zsc.free(cctx);
		*why = "out of memory";
		return -ENOMEM;
	}
	if (zsc.is_error(zsc.set_parameter(cctx, ZSTD_c_compressionLevel, ZSTD_KBUILD_LEVEL)) ||
	    zsc.is_error(zsc.set_parameter(cctx, ZSTD_c_checksumFlag, 1)) ||
	    zsc.is_error(zsc.set_parameter(cctx, ZSTD_c_contentSizeFlag, 1))) {
		ret = 0;
		*why = "libzstd refused the compression settings";
		goto fail;
	}
	ret = zsc.compress(cctx, buf, cap, in, in_size);
	if (zsc.is_error(ret)) {
		*why = zsc.error_name(ret);
		goto fail;
	}
	zsc.free(cctx);
	*out = buf;
	*out_size = ret;
	return 0;
fail:
	zsc.free(cctx);
	free(buf);
	return -EIO;
}
#else
int mt_compress_zstd(const uint8_t *in, size_t in_size, uint8_t **out, size_t *out_size,
		     const char **why)
{
	*why = "zstd support was not built in";
	return -ENOTSUP;
}
#endif
