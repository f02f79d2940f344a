// SPDX-License-Identifier: LGPL-2.1-or-later
/* .ko.xz: liblzma, loaded on first use. */
#include "file.h"
#include "internal.h"

#if ENABLE_XZ
#include <lzma.h>

#include "dlib.h"

static struct {
	typeof(&lzma_stream_decoder) stream_decoder;
	typeof(&lzma_code) code;
	typeof(&lzma_end) end;
} xz;
static const char *const xz_names[] = { "lzma_stream_decoder", "lzma_code", "lzma_end" };
static struct mt_dlib xz_lib = MT_DLIB(XZ_SONAME, xz_names, xz);

/* Enough for any dictionary xz -9 writes; a file asking for more is hostile. */
#define XZ_MEMLIMIT (256u << 20)

static const char *xz_reason(lzma_ret r)
{
	switch (r) {
	case LZMA_MEM_ERROR:
		return "out of memory";
	case LZMA_MEMLIMIT_ERROR:
		return "stream needs more than 256 MiB of memory to decode";
	case LZMA_FORMAT_ERROR:
		return "not in xz format";
	case LZMA_OPTIONS_ERROR:
		return "unsupported xz options";
	case LZMA_DATA_ERROR:
		return "corrupt compressed data";
	case LZMA_BUF_ERROR:
		return "truncated compressed data";
	default:
		return "decoder error";
	}
}

int mt_decompress_xz(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		     const char **why)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	size_t capacity = 0;
	lzma_ret r;
	int err;

	if (mt_dlib_load(&xz_lib) < 0) {
		*why = "liblzma (" XZ_SONAME ") cannot be loaded";
		return -ENOTSUP;
	}
	r = xz.stream_decoder(&strm, XZ_MEMLIMIT, LZMA_CONCATENATED);
	if (r != LZMA_OK) {
		*why = xz_reason(r);
		return -ENOMEM;
	}
	strm.next_in = in;
	strm.avail_in = in_size;
	do {
		if (strm.avail_out == 0) {
			/* modules compress about 4:1; start near the final size */
			err = mt_decompressed_grow(out, &capacity, in_size * 4);
			if (err < 0) {
				*why = err == -EFBIG ? "decompressed size exceeds 1 GiB" : NULL;
				goto out;
			}
			strm.next_out = out->data + strm.total_out;
			strm.avail_out = capacity - strm.total_out;
		}
		r = xz.code(&strm, strm.avail_in ? LZMA_RUN : LZMA_FINISH);
	} while (r == LZMA_OK);
	if (r != LZMA_STREAM_END) {
		*why = xz_reason(r);
		err = r == LZMA_MEM_ERROR ? -ENOMEM : -EBADMSG;
		goto out;
	}
	out->size = strm.total_out;
	err = 0;
out:
	xz.end(&strm);
	return err;
}
#else
int mt_decompress_xz(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		     const char **why)
{
	*why = "xz support was not built in";
	return -ENOTSUP;
}
#endif
