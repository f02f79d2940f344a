// SPDX-License-Identifier: LGPL-2.1-or-later
/* Kernel payloads in the legacy .lzma format (CONFIG_KERNEL_LZMA): liblzma, loaded on first use. */
#include "base/internal.h"
#include "image/unpack.h"

#if ENABLE_XZ
#include <lzma.h>

#include "base/dlib.h"

static struct {
	typeof(&lzma_alone_decoder) alone_decoder;
	typeof(&lzma_code) code;
	typeof(&lzma_end) end;
} lz;
static const char *const lz_names[] = { "lzma_alone_decoder", "lzma_code", "lzma_end" };
static struct mt_dlib lz_lib = MT_DLIB(XZ_SONAME, lz_names, lz);

/* lzma -9 asks for a 64 MiB dictionary; a stream asking for more than this is hostile. */
#define LZMA_MEMLIMIT (256u << 20)

static int lzma_fail(lzma_ret r, const char **why)
{
	switch (r) {
	case LZMA_MEM_ERROR:
		*why = "out of memory";
		return -ENOMEM;
	case LZMA_MEMLIMIT_ERROR:
		*why = "stream needs more than 256 MiB of memory to decode";
		break;
	case LZMA_BUF_ERROR:
		*why = "truncated compressed data";
		break;
	case LZMA_FORMAT_ERROR:
	case LZMA_OPTIONS_ERROR:
		*why = "not in the .lzma format";
		break;
	default:
		*why = "corrupt compressed data";
		break;
	}
	return -EBADMSG;
}

int mt_unpack_lzma(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		   const char **why)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	lzma_ret r;
	int err;

	err = mt_dlib_load(&lz_lib);
	if (err < 0) {
		*why = "liblzma (" XZ_SONAME ") cannot be loaded";
		return err;
	}
	r = lz.alone_decoder(&strm, LZMA_MEMLIMIT);
	if (r != LZMA_OK)
		return lzma_fail(r, why);
	strm.next_in = in;
	strm.avail_in = in_size;
	/* all input is there: this ends in STREAM_END, an error or BUF_ERROR */
	do {
		if (strm.avail_out == 0) {
			if (strm.total_out == out->capacity) {
				/* kernels compress about 4:1 with lzma */
				err = mt_decompressed_grow(out, in_size * 4, why);
				if (err < 0)
					goto out;
			}
			strm.next_out = out->data + strm.total_out;
			strm.avail_out = out->capacity - strm.total_out;
		}
		r = lz.code(&strm, LZMA_FINISH);
	} while (r == LZMA_OK);
	if (r != LZMA_STREAM_END) {
		err = lzma_fail(r, why);
		goto out;
	}
	/* a stream whose header declares its size stops there: nothing may follow */
	if (strm.avail_in) {
		*why = "data after the end of the compressed stream";
		err = -EBADMSG;
		goto out;
	}
	out->size = strm.total_out;
	err = 0;
out:
	lz.end(&strm);
	return err;
}
#else
int mt_unpack_lzma(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		   const char **why)
{
	*why = "lzma support (liblzma) was not built in";
	return -ENOTSUP;
}
#endif
