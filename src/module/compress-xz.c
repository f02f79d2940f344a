// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Compressing to .ko.xz as kbuild does: xz --check=crc32 --lzma2=dict=1MiB,
 * that is preset 6 with a 1 MiB dictionary, one single-threaded stream.  The
 * kernel's xz decoder knows CRC32 but not CRC64, xz's default check.
 */
#include "base/internal.h"
#include "module/compress.h"

#if ENABLE_XZ
#include <lzma.h>

#include "base/dlib.h"

static struct {
	typeof(&lzma_lzma_preset) preset;
	typeof(&lzma_stream_buffer_bound) bound;
	typeof(&lzma_stream_buffer_encode) encode;
} xzc;
static const char *const xzc_names[] = {
	"lzma_lzma_preset", "lzma_stream_buffer_bound", "lzma_stream_buffer_encode",
};
static struct mt_dlib xzc_lib = MT_DLIB(XZ_SONAME, xzc_names, xzc);

#define XZ_KBUILD_PRESET 6
#define XZ_KBUILD_DICT (1u << 20)

int mt_compress_xz(const uint8_t *in, size_t in_size, uint8_t **out, size_t *out_size,
		   const char **why)
{
	lzma_options_lzma opt;
	lzma_filter filters[2];
	size_t cap, pos = 0;
	uint8_t *buf;
	lzma_ret r;

	if (mt_dlib_load(&xzc_lib) < 0) {
		*why = "liblzma (" XZ_SONAME ") cannot be loaded";
		return -ELIBACC;
	}
	if (in_size > MT_MAX_MODULE_SIZE) {
		*why = "too large to compress";
		return -EFBIG;
	}
	if (xzc.preset(&opt, XZ_KBUILD_PRESET)) {
		*why = "liblzma lacks preset 6";
		return -EIO;
	}
	opt.dict_size = XZ_KBUILD_DICT;
	filters[0] = (lzma_filter){ .id = LZMA_FILTER_LZMA2, .options = &opt };
	filters[1] = (lzma_filter){ .id = LZMA_VLI_UNKNOWN };
	cap = xzc.bound(in_size);
	if (cap == 0) {
		*why = "too large to compress";
		return -EFBIG;
	}
	buf = malloc(cap);
	if (!buf) {
		*why = "out of memory";
		return -ENOMEM;
	}
	r = xzc.encode(filters, LZMA_CHECK_CRC32, NULL, in, in_size, buf, &pos, cap);
	if (r != LZMA_OK) {
		free(buf);
		*why = r == LZMA_MEM_ERROR ? "out of memory" : "liblzma's encoder failed";
		return r == LZMA_MEM_ERROR ? -ENOMEM : -EIO;
	}
	*out = buf;
	*out_size = pos;
	return 0;
}
#else
int mt_compress_xz(const uint8_t *in, size_t in_size, uint8_t **out, size_t *out_size,
		   const char **why)
{
	*why = "xz support was not built in";
	return -ENOTSUP;
}
#endif
