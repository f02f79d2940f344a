// SPDX-License-Identifier: LGPL-2.1-or-later
/* .ko.zst: libzstd, loaded on first use. */
#include "base/internal.h"
#include "module/file.h"

#if ENABLE_ZSTD
#include <zstd.h>

#include "base/dlib.h"

static struct {
	typeof(&ZSTD_createDStream) create;
	typeof(&ZSTD_freeDStream) free;
	typeof(&ZSTD_initDStream) init;
	typeof(&ZSTD_decompressStream) decompress;
	typeof(&ZSTD_isError) is_error;
	typeof(&ZSTD_getErrorName) error_name;
	typeof(&ZSTD_DCtx_setParameter) set_parameter;
} zs;
static const char *const zs_names[] = {
	"ZSTD_createDStream", "ZSTD_freeDStream", "ZSTD_initDStream",
	"ZSTD_decompressStream", "ZSTD_isError", "ZSTD_getErrorName",
	"ZSTD_DCtx_setParameter",
};
static struct mt_dlib zs_lib = MT_DLIB(ZSTD_SONAME, zs_names, zs);

/* 2^27 (128 MiB) window: what zstd --long allows by default; more is hostile. */
#define ZSTD_WINDOW_LOG_LIMIT 27

int mt_decompress_zstd(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		       const char **why)
{
	ZSTD_inBuffer ib = { in, in_size, 0 };
	/* a reused @out is written from its start, into the room it has */
	ZSTD_outBuffer ob = { out->data, out->capacity, 0 };
	size_t ret = 1;
	ZSTD_DStream *ds;
	int err = 0;

	err = mt_dlib_load(&zs_lib);
	if (err < 0) {
		*why = "libzstd (" ZSTD_SONAME ") cannot be loaded";
		return err;
	}
	ds = zs.create();
	if (!ds)
		return -ENOMEM;
	zs.init(ds);
	zs.set_parameter(ds, ZSTD_d_windowLogMax, ZSTD_WINDOW_LOG_LIMIT);
	/* ret == 0 marks a finished frame; more input means another frame follows */
	while (ib.pos < ib.size || ret != 0) {
		if (ob.pos == ob.size) {
			err = mt_decompressed_grow(out, in_size * 4, why);
			if (err < 0)
				goto out;
			ob.dst = out->data;
			ob.size = out->capacity;
		}
		ret = zs.decompress(ds, &ob, &ib);
		if (zs.is_error(ret)) {
			*why = zs.error_name(ret);
			err = -EBADMSG;
			goto out;
		}
		/* with output room left, a frame still open wants input we lack */
		if (ib.pos == ib.size && ret != 0 && ob.pos < ob.size) {
			*why = "truncated compressed data";
			err = -EBADMSG;
			goto out;
		}
	}
	out->size = ob.pos;
out:
	zs.free(ds);
	return err;
}
#else
int mt_decompress_zstd(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		       const char **why)
{
	*why = "zstd support was not built in";
	return -ENOTSUP;
}
#endif
