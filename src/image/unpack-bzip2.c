// SPDX-License-Identifier: LGPL-2.1-or-later
/* Kernel payloads compressed with bzip2 (CONFIG_KERNEL_BZIP2): libbz2, loaded on first use. */
#include <limits.h>

#include "base/internal.h"
#include "image/unpack.h"

#if ENABLE_BZIP2
#include <bzlib.h>

#include "base/dlib.h"

static struct {
	typeof(&BZ2_bzDecompressInit) init;
	typeof(&BZ2_bzDecompress) decompress;
	typeof(&BZ2_bzDecompressEnd) end;
} bz;
static const char *const bz_names[] = {
	"BZ2_bzDecompressInit", "BZ2_bzDecompress", "BZ2_bzDecompressEnd",
};
static struct mt_dlib bz_lib = MT_DLIB(BZIP2_SONAME, bz_names, bz);

/* avail_in and avail_out are unsigned ints: large buffers go in pieces */
static unsigned int piece(size_t n)
{
	return n > (1u << 30) ? 1u << 30 : (unsigned int)n;
}

static int bz_start(bz_stream *s)
{
	memset(s, 0, sizeof(*s));
	return bz.init(s, 0, 0) == BZ_OK ? 0 : -ENOMEM;
}

int mt_unpack_bzip2(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		    const char **why)
{
	size_t consumed = 0, produced = 0;
	bz_stream s;
	int r, err;

	err = mt_dlib_load(&bz_lib);
	if (err < 0) {
		*why = "libbz2 (" BZIP2_SONAME ") cannot be loaded";
		return err;
	}
	if (bz_start(&s) < 0) {
		*why = "out of memory";
		return -ENOMEM;
	}
	for (;;) {
		if (produced == out->capacity) {
			/* kernels compress about 4:1 with bzip2 */
			err = mt_decompressed_grow(out, in_size * 4, why);
			if (err < 0)
				goto out;
		}
		s.next_in = (char *)in + consumed;
		s.avail_in = piece(in_size - consumed);
		s.next_out = (char *)out->data + produced;
		s.avail_out = piece(out->capacity - produced);
		r = bz.decompress(&s);
		consumed = (size_t)((const uint8_t *)s.next_in - in);
		produced = (size_t)((uint8_t *)s.next_out - out->data);
		if (r == BZ_STREAM_END) {
			if (consumed == in_size)
				break;
			/* another stream follows, as bzip2 -d reads concatenated files */
			bz.end(&s);
			if (bz_start(&s) < 0) {
				*why = "out of memory";
				return -ENOMEM;
			}
			continue;
		}
		if (r != BZ_OK) {
			*why = r == BZ_MEM_ERROR ? "out of memory" : "corrupt compressed data";
			err = r == BZ_MEM_ERROR ? -ENOMEM : -EBADMSG;
			goto out;
		}
		/* all input read and room left, yet the stream goes on */
		if (consumed == in_size && s.avail_out) {
			*why = "truncated compressed data";
			err = -EBADMSG;
			goto out;
		}
	}
	out->size = produced;
	err = 0;
out:
	bz.end(&s);
	return err;
}
#else
int mt_unpack_bzip2(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		    const char **why)
{
	*why = "bzip2 support (libbz2) was not built in";
	return -ENOTSUP;
}
#endif
