// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Kernel payloads compressed with lz4 (CONFIG_KERNEL_LZ4): the legacy frame
 * that lz4 -l writes, liblz4 loaded on first use.  The frame is a magic
 * number and then blocks, each a little-endian 32-bit compressed length and
 * that many bytes, each decompressing to at most 8 MiB; a magic number in
 * place of a length starts another frame (concatenated files).
 */
#include "base/internal.h"
#include "image/unpack.h"

#if ENABLE_LZ4
#include <lz4.h>

#include "base/dlib.h"

static struct {
	typeof(&LZ4_decompress_safe) decompress_safe;
} l4;
static const char *const l4_names[] = { "LZ4_decompress_safe" };
static struct mt_dlib l4_lib = MT_DLIB(LZ4_SONAME, l4_names, l4);

#define LZ4_LEGACY_MAGIC 0x184c2102u
#define LZ4_LEGACY_BLOCK ((size_t)8 << 20)

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Room for one more whole block after @used bytes, as far as the cap allows. */
static int room_for_block(struct mt_decompressed *out, size_t used, size_t hint,
			  const char **why)
{
	int err;

	while (out->capacity - used < LZ4_LEGACY_BLOCK && out->capacity < MT_MAX_MODULE_SIZE) {
		err = mt_decompressed_grow(out, hint, why);
		if (err < 0)
			return err;
	}
	if (out->capacity == used) {
		*why = "decompressed size exceeds 1 GiB";
		return -EFBIG;
	}
	return 0;
}

static int lz4_block(const uint8_t *in, uint32_t len, struct mt_decompressed *out,
		     size_t *used, const char **why)
{
	size_t room = out->capacity - *used;
	int n;

	if (room > LZ4_LEGACY_BLOCK)
		room = LZ4_LEGACY_BLOCK;
	n = l4.decompress_safe((const char *)in, (char *)out->data + *used, (int)len, (int)room);
	if (n < 0) {
		/* with less room than a block, the block may just be too big */
		if (room < LZ4_LEGACY_BLOCK) {
			*why = "decompressed size exceeds 1 GiB";
			return -EFBIG;
		}
		*why = "corrupt compressed data";
		return -EBADMSG;
	}
	*used += (size_t)n;
	return 0;
}

int mt_unpack_lz4(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		  const char **why)
{
	size_t pos = 4, used = 0;
	uint32_t len;
	int err;

	err = mt_dlib_load(&l4_lib);
	if (err < 0) {
		*why = "liblz4 (" LZ4_SONAME ") cannot be loaded";
		return err;
	}
	if (in_size < 4 || get_le32(in) != LZ4_LEGACY_MAGIC) {
		*why = "not in the lz4 legacy format";
		return -EBADMSG;
	}
	while (pos < in_size) {
		if (in_size - pos < 4) {
			*why = "truncated block header";
			return -EBADMSG;
		}
		len = get_le32(in + pos);
		pos += 4;
		if (len == LZ4_LEGACY_MAGIC)
			continue;
		if (len == 0 || len > LZ4_COMPRESSBOUND(LZ4_LEGACY_BLOCK)) {
			*why = "block length out of range";
			return -EBADMSG;
		}
		if (len > in_size - pos) {
			*why = "truncated compressed data";
			return -EBADMSG;
		}
		/* kernels compress about 3:1 with lz4 */
		err = room_for_block(out, used, in_size * 3, why);
		if (err < 0)
			return err;
		err = lz4_block(in + pos, len, out, &used, why);
		if (err < 0)
			return err;
		pos += len;
	}
	out->size = used;
	return 0;
}
#else
int mt_unpack_lz4(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		  const char **why)
{
	*why = "lz4 support (liblz4) was not built in";
	return -ENOTSUP;
}
#endif
