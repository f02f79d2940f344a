// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * .ko.xz: liblzma, loaded on first use; and kernel images' legacy .lzma
 * payloads (CONFIG_KERNEL_LZMA), so that liblzma is loaded in one place.
 *
 * A module is one xz stream whose index, at the end of the file, declares
 * the decompressed size.  So the output is allocated once at its exact
 * size, a bomb is refused before anything is decoded, and when the blocks
 * carry CRC32 checks (the kernel's choice) they are verified here with
 * carry-less multiplication rather than by liblzma's table code.  Any other
 * layout (several streams, padding, a broken footer or index) is decoded as
 * a plain stream with liblzma's own checks.
 */
#include <stdio.h>

#include "base/internal.h"
#include "module/file.h"

#if ENABLE_XZ
#include <lzma.h>

#include "base/crc32.h"
#include "base/dlib.h"

/* Every function used, once: the pointer struct and the name table agree. */
#define XZ_FUNCS(X) \
	X(stream_decoder) X(alone_decoder) X(code) X(end) \
	X(stream_header_decode) X(stream_footer_decode) X(stream_flags_compare) \
	X(index_buffer_decode) X(index_end) X(index_stream_size) \
	X(index_uncompressed_size) X(index_iter_init) X(index_iter_next)

#define XZ_POINTER(f) typeof(&lzma_##f) f;
#define XZ_NAME(f) "lzma_" #f,
static struct {
	XZ_FUNCS(XZ_POINTER)
} xz;
static const char *const xz_names[] = { XZ_FUNCS(XZ_NAME) };
static struct mt_dlib xz_lib = MT_DLIB(XZ_SONAME, xz_names, xz);

/* Enough for any dictionary xz -9 writes; a file asking for more is hostile. */
#define XZ_MEMLIMIT (256u << 20)
/*
 * liblzma decodes into its own dictionary and copies out after each call.
 * Given the output 8 KiB at a time, those copies are small and cache-warm
 * (glibc does them with vector moves, not one long rep movsb): e1000e then
 * decodes in ~0.9 M fewer instructions (callgrind) than in a single call.
 */
#define XZ_OUT_WINDOW ((size_t)8192)
/* An index this big would describe ~100000 blocks; no module has that many. */
#define XZ_INDEX_MEMLIMIT (4u << 20)

/*
 * Reasons that name a number.  A reason is read by the caller right after
 * the failed call, before this thread decodes anything else.
 */
static _Thread_local char xz_why[96];

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

static int xz_fail(lzma_ret r, const char **why)
{
	*why = xz_reason(r);
	return r == LZMA_MEM_ERROR ? -ENOMEM : -EBADMSG;
}

/*
 * Run the decoder set up in @strm over all of @in, growing @out as it
 * decodes, up to the cap: 0 with liblzma's last answer in *@r, or the
 * growth's error.
 */
static int xz_decode_growing(lzma_stream *strm, const uint8_t *in, size_t in_size,
			     struct mt_decompressed *out, lzma_ret *r, const char **why)
{
	int err;

	strm->next_in = in;
	strm->avail_in = in_size;
	do {
		if (strm->avail_out == 0) {
			/* a reused @out: its room first; then both formats compress about 4:1 */
			if (strm->total_out == out->capacity) {
				err = mt_decompressed_grow(out, in_size * 4, why);
				if (err < 0)
					return err;
			}
			strm->next_out = out->data + strm->total_out;
			strm->avail_out = out->capacity - strm->total_out;
		}
		*r = xz.code(strm, strm->avail_in ? LZMA_RUN : LZMA_FINISH);
	} while (*r == LZMA_OK);
	return 0;
}

/* The general case: grow the output as the stream decodes, up to the cap. */
static int xz_decode_stream(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
			    const char **why)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	lzma_ret r;
	int err;

	r = xz.stream_decoder(&strm, XZ_MEMLIMIT, LZMA_CONCATENATED);
	if (r != LZMA_OK) {
		*why = xz_reason(r);
		return -ENOMEM;
	}
	err = xz_decode_growing(&strm, in, in_size, out, &r, why);
	if (!err && r != LZMA_STREAM_END)
		err = xz_fail(r, why);
	if (!err)
		out->size = strm.total_out;
	xz.end(&strm);
	return err;
}

/*
 * The index of @in if the file is exactly one stream (header at offset 0
 * agreeing with the footer, index right before the footer, no padding),
 * else NULL: the caller then decodes it as a plain stream, which also
 * reports what is wrong with it.
 */
static lzma_index *xz_single_stream_index(const uint8_t *in, size_t in_size, lzma_check *check)
{
	lzma_stream_flags header, footer;
	uint64_t memlimit = XZ_INDEX_MEMLIMIT;
	lzma_index *idx = NULL;
	size_t footer_pos, pos;

	if (in_size < 2 * LZMA_STREAM_HEADER_SIZE)
		return NULL;
	footer_pos = in_size - LZMA_STREAM_HEADER_SIZE;
	if (xz.stream_header_decode(&header, in) != LZMA_OK ||
	    xz.stream_footer_decode(&footer, in + footer_pos) != LZMA_OK ||
	    xz.stream_flags_compare(&header, &footer) != LZMA_OK)
		return NULL;
	if (footer.backward_size > footer_pos - LZMA_STREAM_HEADER_SIZE)
		return NULL;
	pos = footer_pos - footer.backward_size;
	if (xz.index_buffer_decode(&idx, &memlimit, NULL, in, &pos, footer_pos) != LZMA_OK)
		return NULL;
	/* the index fills the room the footer gives it; its blocks, the rest */
	if (pos != footer_pos || xz.index_stream_size(idx) != in_size) {
		xz.index_end(idx, NULL);
		return NULL;
	}
	*check = footer.check;
	return idx;
}

/* Decode the single stream @in into exactly @size bytes at @buf. */
static int xz_decode_exact(const uint8_t *in, size_t in_size, uint8_t *buf, size_t size,
			   uint32_t flags, const char **why)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	lzma_ret r;
	int err = 0;

	r = xz.stream_decoder(&strm, XZ_MEMLIMIT, flags);
	if (r != LZMA_OK) {
		*why = xz_reason(r);
		return -ENOMEM;
	}
	strm.next_in = in;
	strm.avail_in = in_size;
	strm.next_out = buf;
	/* all input is there: this ends in STREAM_END, an error or BUF_ERROR */
	do {
		if (strm.avail_out == 0)
			strm.avail_out = size - strm.total_out < XZ_OUT_WINDOW ?
					 size - strm.total_out : XZ_OUT_WINDOW;
		r = xz.code(&strm, LZMA_FINISH);
	} while (r == LZMA_OK);
	if (r == LZMA_BUF_ERROR && strm.total_out == size) {
		snprintf(xz_why, sizeof(xz_why),
			 "decodes to more than the %zu bytes its index declares", size);
		*why = xz_why;
		err = -EBADMSG;
	} else if (r != LZMA_STREAM_END) {
		err = xz_fail(r, why);
	} else if (strm.total_out != size || strm.avail_in) {
		/* liblzma checks blocks against the index: kept as a safety net */
		*why = "decoded size differs from the index";
		err = -EBADMSG;
	}
	xz.end(&strm);
	return err;
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Compare each block's stored CRC32 with the CRC32 of what it decoded to. */
static int xz_verify_crc32(const uint8_t *in, size_t in_size, const lzma_index *idx,
			   const uint8_t *out, size_t out_size, const char **why)
{
	lzma_index_iter iter;

	xz.index_iter_init(&iter, idx);
	while (!xz.index_iter_next(&iter, LZMA_INDEX_ITER_BLOCK)) {
		lzma_vli start = iter.block.compressed_file_offset;
		lzma_vli total = iter.block.total_size;
		lzma_vli from = iter.block.uncompressed_file_offset;
		lzma_vli len = iter.block.uncompressed_size;
		unsigned long long n = iter.block.number_in_file;

		/* the decoder already matched the index to the file: belt and braces */
		if (total < 4 || start > in_size || total > in_size - start ||
		    from > out_size || len > out_size - from) {
			snprintf(xz_why, sizeof(xz_why), "block %llu: outside the file", n);
			*why = xz_why;
			return -EBADMSG;
		}
		/* the check comes after the block padding: the block's last 4 bytes */
		if (mt_crc32(0, out + from, len) != get_le32(in + start + total - 4)) {
			snprintf(xz_why, sizeof(xz_why), "block %llu: CRC32 mismatch", n);
			*why = xz_why;
			return -EBADMSG;
		}
	}
	return 0;
}

static int xz_decode_indexed(const uint8_t *in, size_t in_size, const lzma_index *idx,
			     lzma_check check, struct mt_decompressed *out, const char **why)
{
	lzma_vli size = xz.index_uncompressed_size(idx);
	/* liblzma's CRC32 costs ~6% of reading a module, ours under 1% */
	bool own_check = check == LZMA_CHECK_CRC32 && mt_crc32_is_fast();
	int err;

	if (size > MT_MAX_MODULE_SIZE) {
		snprintf(xz_why, sizeof(xz_why),
			 "declares %llu bytes uncompressed, over the 1 GiB limit",
			 (unsigned long long)size);
		*why = xz_why;
		return -EFBIG;
	}
	err = mt_decompressed_reserve(out, size);
	if (err < 0)
		return err;
	err = xz_decode_exact(in, in_size, out->data, size,
			      own_check ? LZMA_IGNORE_CHECK : 0, why);
	if (!err && own_check)
		err = xz_verify_crc32(in, in_size, idx, out->data, size, why);
	if (err < 0)
		return err;
	out->size = size;
	return 0;
}

static int xz_load(const char **why)
{
	int err = mt_dlib_load(&xz_lib);

	if (err < 0)
		*why = "liblzma (" XZ_SONAME ") cannot be loaded";
	return err;
}

int mt_decompress_xz(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		     const char **why)
{
	lzma_check check;
	lzma_index *idx;
	int err;

	err = xz_load(why);
	if (err < 0)
		return err;
	idx = xz_single_stream_index(in, in_size, &check);
	if (!idx)
		return xz_decode_stream(in, in_size, out, why);
	err = xz_decode_indexed(in, in_size, idx, check, out, why);
	xz.index_end(idx, NULL);
	return err;
}

int mt_decompress_lzma_alone(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
			     const char **why)
{
	lzma_stream strm = LZMA_STREAM_INIT;
	lzma_ret r;
	int err;

	err = xz_load(why);
	if (err < 0)
		return err;
	r = xz.alone_decoder(&strm, XZ_MEMLIMIT);
	if (r != LZMA_OK)
		return xz_fail(r, why);
	err = xz_decode_growing(&strm, in, in_size, out, &r, why);
	if (!err && (r == LZMA_FORMAT_ERROR || r == LZMA_OPTIONS_ERROR)) {
		*why = "not in the .lzma format";
		err = -EBADMSG;
	} else if (!err && r != LZMA_STREAM_END) {
		err = xz_fail(r, why);
	} else if (!err && strm.avail_in) {
		/* a stream whose header declares its size stops there: nothing may follow */
		*why = "data after the end of the compressed stream";
		err = -EBADMSG;
	}
	if (!err)
		out->size = strm.total_out;
	xz.end(&strm);
	return err;
}
#else
int mt_decompress_lzma_alone(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
			     const char **why)
{
	*why = "lzma support (liblzma) was not built in";
	return -ENOTSUP;
}

int mt_decompress_xz(const uint8_t *in, size_t in_size, struct mt_decompressed *out,
		     const char **why)
{
	*why = "xz support was not built in";
	return -ENOTSUP;
}
#endif
