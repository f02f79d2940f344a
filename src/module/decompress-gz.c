// SPDX-License-Identifier: LGPL-2.1-or-later
/* .ko.gz: zlib, loaded on first use (Debian's kmod 30 cannot read these). */
#include "base/internal.h"
#include "module/file.h"

#if ENABLE_ZLIB
#include <zlib.h>

#include "base/dlib.h"

static struct {
	typeof(&inflateInit2_) init2;
	typeof(&inflate) inflate;
	typeof(&inflateEnd) end;
	typeof(&inflateReset) reset;
} gz;
static const char *const gz_names[] = { "inflateInit2_", "inflate", "inflateEnd", "inflateReset" };
static struct mt_dlib gz_lib = MT_DLIB(ZLIB_SONAME, gz_names, gz);

int mt_decompress_gzip(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		       const char **why)
{
	z_stream zs = { 0 };
	size_t total = 0;
	int r, err = 0;

	err = mt_dlib_load(&gz_lib);
	if (err < 0) {
		*why = "zlib (" ZLIB_SONAME ") cannot be loaded";
		return err;
	}
	/* 16 + MAX_WBITS: gzip wrapper only */
	if (gz.init2(&zs, 16 + MAX_WBITS, ZLIB_VERSION, (int)sizeof(zs)) != Z_OK)
		return -ENOMEM;
	zs.next_in = (Bytef *)in;
	for (;;) {
		/* avail_in is a uInt: feed large inputs in pieces */
		if (zs.avail_in == 0) {
			size_t used = in_size - (size_t)((const uint8_t *)zs.next_in - in);

			zs.avail_in = used > (1u << 30) ? (1u << 30) : (uInt)used;
		}
		if (total == out->capacity) {
			err = mt_decompressed_grow(out, in_size * 4, why);
			if (err < 0)
				goto out;
		}
		zs.next_out = out->data + total;
		zs.avail_out = (uInt)(out->capacity - total);
		r = gz.inflate(&zs, Z_NO_FLUSH);
		total = out->capacity - zs.avail_out;
		if (r == Z_STREAM_END) {
			/* concatenated gzip members are one file, as gunzip reads them */
			if ((const uint8_t *)zs.next_in == in + in_size && zs.avail_in == 0)
				break;
			gz.reset(&zs);
			continue;
		}
		if (r == Z_BUF_ERROR && zs.avail_in == 0 && zs.avail_out != 0) {
			*why = "truncated compressed data";
			err = -EBADMSG;
			goto out;
		}
		if (r != Z_OK && r != Z_BUF_ERROR) {
			*why = zs.msg ? zs.msg : "corrupt compressed data";
			err = r == Z_MEM_ERROR ? -ENOMEM : -EBADMSG;
			goto out;
		}
	}
	out->size = total;
out:
	gz.end(&zs);
	return err;
}
#else
int mt_decompress_gzip(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		       const char **why)
{
	*why = "gzip support was not built in";
	return -ENOTSUP;
}
#endif
