// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Opening module files: plain files are mapped, gzip/xz/zstd ones are told
 * by their magic bytes and decompressed with a cap.  Compressed inputs are
 * made here with the command-line gzip, xz and zstd; broken ones by cutting
 * and flipping bytes; bombs by concatenating highly compressed streams.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/dlib.h"
#include "module/file.h"
#include "base/internal.h"
#include "test-util.h"

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif

static char tmpdir[PATH_MAX];

/* ---- helpers --------------------------------------------------------- */

static struct log_capture logbuf;


static struct modtool_ctx *new_ctx(void)
{
	struct modtool_ctx *ctx;

	assert_int_equal(modtool_ctx_new(tmpdir, &ctx), 0);
	memset(&logbuf, 0, sizeof(logbuf));
	modtool_ctx_set_log_fn(ctx, capture_log, &logbuf);
	return ctx;
}

static void path_of(char *out, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", tmpdir, name);

	assert_true(n > 0 && n < PATH_MAX);
}

/* Run a command the fixtures need: it must succeed. */
#define run(...) \
	do { \
		if (run_status(__VA_ARGS__) != 0) \
			fail_msg("command failed: " __VA_ARGS__); \
	} while (0)

/* "name" in tmpdir holds the original "from" compressed with @cmd. */
static void compress_to(const char *cmd, const char *from, const char *name)
{
	char in[PATH_MAX], out[PATH_MAX];

	path_of(in, from);
	path_of(out, name);
	run("%s < '%s' > '%s'", cmd, in, out);
}

/* xorshift64*: the same contents on every run */
static uint64_t rng_state;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

/*
 * Something like a module: an ELF magic, random bytes, text-like runs that
 * compress about 4:1, and a long run of zeros that compresses far more (so
 * the output buffer must grow many times past the decompressors' first
 * guess).
 */
static uint8_t *make_contents(size_t *len)
{
	static const char *const words[] = {
		"module", "license=GPL", "alias=pci:v00008086d*", "depends=", "vermagic=",
		"parm=debug:int", "\x7f", "\0\0\0\0", "__ksymtab_", "init_module",
	};
	size_t size = 4096 + 256 * 1024 + 1024 * 1024, pos;
	uint8_t *buf = calloc(1, size);

	assert_non_null(buf);
	rng_state = 0x0123456789abcdefull;
	memcpy(buf, "\x7f" "ELF\x02\x01\x01", 7);
	for (pos = 7; pos < 4096; pos++)
		buf[pos] = (uint8_t)rng();
	while (pos < 4096 + 256 * 1024) {
		const char *w = words[rng() % 10];
		size_t wl = *w ? strlen(w) : 4;

		if (pos + wl > 4096 + 256 * 1024)
			break;
		memcpy(buf + pos, w, wl);
		pos += wl;
		if (rng() % 4 == 0)
			buf[pos++] = (uint8_t)rng();
	}
	/* the rest stays zero */
	*len = size;
	return buf;
}

static uint8_t *original;
static size_t original_len;

static const char small_contents[] = "\x7f" "ELF tiny module";

static int cleanup_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int group_setup(void **state)
{
	const char *base = getenv("TMPDIR");
	char path[PATH_MAX];

	snprintf(tmpdir, sizeof(tmpdir), "%s/modtool-test-file.XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	original = make_contents(&original_len);
	path_of(path, "plain.ko");
	write_file(path, original, original_len);
	path_of(path, "small.ko");
	write_file(path, small_contents, sizeof(small_contents));
	path_of(path, "empty.ko");
	write_file(path, "", 0);
	return 0;
}

static int group_teardown(void **state)
{
	free(original);
	if (!getenv("MODTOOL_KEEP_TMP"))
		nftw(tmpdir, cleanup_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* In a loop over formats: false, said, for one the build leaves out. */
static bool decodes(enum mt_compression comp)
{
	if (mt_compression_built_in(comp))
		return true;
	print_message("%s not built in: its part skipped\n", mt_compression_name(comp));
	return false;
}

/* A format left out of the build: -ENOTSUP, once, with a message naming the file. */
static void expect_not_built_in(struct mt_file *file, const char *path)
{
	assert_int_equal(mt_file_load(file), -ENOTSUP);
	assert_int_equal(logbuf.count, 1);
	assert_non_null(strstr(logbuf.text, path));
	assert_non_null(strstr(logbuf.text, "not built in"));
}

/* Open and load @name; check it decodes to @want (or, left out of the build, is refused). */
static void expect_contents(const char *name, enum mt_compression comp, const void *want,
			    size_t want_len)
{
	struct modtool_ctx *ctx = new_ctx();
	struct mt_file *file = NULL;
	char path[PATH_MAX];

	path_of(path, name);
	assert_int_equal(mt_file_open(ctx, path, &file), 0);
	assert_int_equal(file->compression, comp);
	if (!mt_compression_built_in(comp)) {
		expect_not_built_in(file, path);
		goto out;
	}
	if (mt_file_load(file) != 0)
		fail_msg("%s: load failed: %s", name, logbuf.text);
	assert_int_equal(file->mapped, comp == MT_COMPRESSION_NONE);
	assert_int_equal(file->size, want_len);
	if (want_len)
		assert_memory_equal(file->data, want, want_len);
	/* loading again gives the same, and maps or decodes nothing new */
	{
		const uint8_t *data = file->data;

		assert_int_equal(mt_file_load(file), 0);
		assert_ptr_equal(file->data, data);
	}
	assert_int_equal(logbuf.count, 0);
out:
	mt_file_free(file);
	modtool_ctx_free(ctx);
}

/* Open and load @name; it must fail, and the log must name the file. */
static int expect_load_error(const char *name)
{
	struct modtool_ctx *ctx = new_ctx();
	struct mt_file *file = NULL;
	char path[PATH_MAX];
	int err;

	path_of(path, name);
	err = mt_file_open(ctx, path, &file);
	if (err == 0) {
		err = mt_file_load(file);
		if (err == 0)
			fail_msg("%s: loaded %zu bytes, expected an error", name, file->size);
		/* the result is kept: a second load is not logged again */
		assert_int_equal(logbuf.count, 1);
		assert_int_equal(mt_file_load(file), err);
		assert_int_equal(logbuf.count, 1);
	}
	assert_true(err < 0);
	if (!strstr(logbuf.text, path))
		fail_msg("%s: log does not name the file: \"%s\"", name, logbuf.text);
	mt_file_free(file);
	modtool_ctx_free(ctx);
	return err;
}

/* Either decodes to @want or fails naming the file. */
static void expect_contents_or_error(const char *name, const void *want, size_t want_len)
{
	struct modtool_ctx *ctx = new_ctx();
	struct mt_file *file = NULL;
	char path[PATH_MAX];

	path_of(path, name);
	assert_int_equal(mt_file_open(ctx, path, &file), 0);
	if (mt_file_load(file) == 0) {
		assert_int_equal(file->size, want_len);
		assert_memory_equal(file->data, want, want_len);
	} else {
		assert_non_null(strstr(logbuf.text, path));
	}
	mt_file_free(file);
	modtool_ctx_free(ctx);
}

/* ---- plain files ----------------------------------------------------- */

static void test_plain(void **state)
{
	expect_contents("plain.ko", MT_COMPRESSION_NONE, original, original_len);
	expect_contents("small.ko", MT_COMPRESSION_NONE, small_contents, sizeof(small_contents));
}

static void test_compression_names(void **state)
{
	assert_null(mt_compression_name(MT_COMPRESSION_NONE));
	assert_string_equal(mt_compression_name(MT_COMPRESSION_GZIP), "gzip");
	assert_string_equal(mt_compression_name(MT_COMPRESSION_XZ), "xz");
	assert_string_equal(mt_compression_name(MT_COMPRESSION_ZSTD), "zstd");
	/* each format's library as the build found it; plain files always */
	assert_true(mt_compression_built_in(MT_COMPRESSION_NONE));
	assert_int_equal(mt_compression_built_in(MT_COMPRESSION_GZIP), ENABLE_ZLIB);
	assert_int_equal(mt_compression_built_in(MT_COMPRESSION_XZ), ENABLE_XZ);
	assert_int_equal(mt_compression_built_in(MT_COMPRESSION_ZSTD), ENABLE_ZSTD);
	mt_file_free(NULL);
}

/* ---- compressed files ------------------------------------------------ */

struct format {
	const char *cmd;
	const char *ext;
	enum mt_compression comp;
	size_t header_byte;	/* a header byte, and bits there no valid file sets */
	uint8_t header_bits;
};

static const struct format formats[] = {
	{ .cmd = "gzip -n -c", .ext = "gz", .comp = MT_COMPRESSION_GZIP },
	{ .cmd = "gzip -9 -n -c", .ext = "gz", .comp = MT_COMPRESSION_GZIP },
	{ .cmd = "gzip -1 -n -c", .ext = "gz", .comp = MT_COMPRESSION_GZIP },
	/* what the kernel's modules_install does */
	{ .cmd = "xz --check=crc32 --lzma2=dict=1MiB -c", .ext = "xz", .comp = MT_COMPRESSION_XZ },
	{ .cmd = "xz -c", .ext = "xz", .comp = MT_COMPRESSION_XZ },
	{ .cmd = "xz -9 -e -c", .ext = "xz", .comp = MT_COMPRESSION_XZ },
	{ .cmd = "xz --check=none -c", .ext = "xz", .comp = MT_COMPRESSION_XZ },
	{ .cmd = "xz --check=sha256 -c", .ext = "xz", .comp = MT_COMPRESSION_XZ },
	{ .cmd = "xz -T2 --block-size=300KiB -c", .ext = "xz", .comp = MT_COMPRESSION_XZ },
	{ .cmd = "zstd -q -c", .ext = "zst", .comp = MT_COMPRESSION_ZSTD },
	{ .cmd = "zstd -q -19 -c", .ext = "zst", .comp = MT_COMPRESSION_ZSTD },
	{ .cmd = "zstd -q --no-check -c", .ext = "zst", .comp = MT_COMPRESSION_ZSTD },
	{ .cmd = "zstd -q -T2 -c", .ext = "zst", .comp = MT_COMPRESSION_ZSTD },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

static void test_compressed(void **state)
{
	for (size_t i = 0; i < NFORMATS; i++) {
		char name[64];

		snprintf(name, sizeof(name), "c%zu.ko.%s", i, formats[i].ext);
		compress_to(formats[i].cmd, "plain.ko", name);
		expect_contents(name, formats[i].comp, original, original_len);
		snprintf(name, sizeof(name), "s%zu.ko.%s", i, formats[i].ext);
		compress_to(formats[i].cmd, "small.ko", name);
		expect_contents(name, formats[i].comp, small_contents, sizeof(small_contents));
		snprintf(name, sizeof(name), "e%zu.ko.%s", i, formats[i].ext);
		compress_to(formats[i].cmd, "empty.ko", name);
		expect_contents(name, formats[i].comp, NULL, 0);
	}
	/* gzip given a file name stores it in the header (FNAME) */
	{
		char in[PATH_MAX], out[PATH_MAX];

		path_of(in, "plain.ko");
		path_of(out, "named.ko.gz");
		run("gzip -c '%s' > '%s'", in, out);
		expect_contents("named.ko.gz", MT_COMPRESSION_GZIP, original, original_len);
	}
}

/* The format is in the bytes, whatever the name says. */
static void test_name_lies(void **state)
{
	compress_to("xz --check=crc32 --lzma2=dict=1MiB -c", "plain.ko", "xz-inside.ko");
	expect_contents("xz-inside.ko", MT_COMPRESSION_XZ, original, original_len);
	compress_to("gzip -n -c", "plain.ko", "gz-inside.ko.zst");
	expect_contents("gz-inside.ko.zst", MT_COMPRESSION_GZIP, original, original_len);
	compress_to("zstd -q -c", "plain.ko", "zst-inside.ko.gz");
	expect_contents("zst-inside.ko.gz", MT_COMPRESSION_ZSTD, original, original_len);
	compress_to("cat", "plain.ko", "plain-inside.ko.xz");
	expect_contents("plain-inside.ko.xz", MT_COMPRESSION_NONE, original, original_len);
	compress_to("zstd -q -c", "plain.ko", "no-extension");
	expect_contents("no-extension", MT_COMPRESSION_ZSTD, original, original_len);
}

/* Concatenated gzip members, xz streams (with stream padding) and zstd frames are one file. */
static void test_concatenated(void **state)
{
	const size_t want_len = original_len + 2 * sizeof(small_contents);
	char plain[PATH_MAX], small[PATH_MAX], out[PATH_MAX];
	uint8_t *want = malloc(want_len);

	path_of(plain, "plain.ko");
	path_of(small, "small.ko");
	memcpy(want, small_contents, sizeof(small_contents));
	memcpy(want + sizeof(small_contents), original, original_len);
	memcpy(want + want_len - sizeof(small_contents), small_contents, sizeof(small_contents));

	path_of(out, "cat.ko.gz");
	run("(gzip -n -c < '%s'; gzip -9 -n -c < '%s'; gzip -1 -n -c < '%s') > '%s'", small, plain,
	    small, out);
	expect_contents("cat.ko.gz", MT_COMPRESSION_GZIP, want, want_len);

	path_of(out, "cat.ko.xz");
	run("(xz -c < '%s'; printf '\\0\\0\\0\\0'; xz --check=crc32 --lzma2=dict=1MiB -c < '%s'; "
	    "xz --check=none -c < '%s'; printf '\\0\\0\\0\\0\\0\\0\\0\\0') > '%s'",
	    small, plain, small, out);
	expect_contents("cat.ko.xz", MT_COMPRESSION_XZ, want, want_len);

	path_of(out, "cat.ko.zst");
	run("(zstd -q -c < '%s'; zstd -q -3 -c < '%s'; zstd -q --no-check -c < '%s') > '%s'", small,
	    plain, small, out);
	expect_contents("cat.ko.zst", MT_COMPRESSION_ZSTD, want, want_len);

	/* a zstd skippable frame (magic 0x184D2A5?) between two frames is skipped */
	path_of(out, "skip.ko.zst");
	run("(zstd -q -c < '%s'; printf '\\120\\052\\115\\030\\003\\000\\000\\000abc'; "
	    "zstd -q -c < '%s') > '%s'",
	    small, plain, out);
	/* the first small part and the original */
	expect_contents("skip.ko.zst", MT_COMPRESSION_ZSTD, want,
			want_len - sizeof(small_contents));
	free(want);
}

/* ---- broken compressed files ----------------------------------------- */

static const struct format broken_formats[] = {
	/* gzip FLG reserved bits; xz stream flags' first byte; zstd FHD reserved bit */
	{ "gzip -n -c", "gz", MT_COMPRESSION_GZIP, 3, 0xe0 },
	{ "xz --check=crc32 --lzma2=dict=1MiB -c", "xz", MT_COMPRESSION_XZ, 6, 0x01 },
	{ "xz -c", "xz", MT_COMPRESSION_XZ, 6, 0x01 },
	{ "zstd -q -c", "zst", MT_COMPRESSION_ZSTD, 4, 0x08 },
};
#define NBROKEN (sizeof(broken_formats) / sizeof(broken_formats[0]))

static void test_truncated(void **state)
{
	for (size_t i = 0; i < NBROKEN; i++) {
		char whole[64], name[64], path[PATH_MAX];
		size_t len;
		uint8_t *data;

		snprintf(whole, sizeof(whole), "t%zu.ko.%s", i, broken_formats[i].ext);
		compress_to(broken_formats[i].cmd, "plain.ko", whole);
		path_of(path, whole);
		data = read_file(path, &len);
		const size_t cuts[] = {
			6, 7, 10, 13, 20, 32, 100, len / 3, len / 2, len - 100, len - 12,
			len - 9, len - 8, len - 5, len - 4, len - 1,
		};
		for (size_t c = 0; c < sizeof(cuts) / sizeof(cuts[0]); c++) {
			snprintf(name, sizeof(name), "t%zu-%zu.ko.%s", i, cuts[c],
				 broken_formats[i].ext);
			path_of(path, name);
			write_file(path, data, cuts[c]);
			expect_load_error(name);
		}
		free(data);
	}
}

static void test_corrupted(void **state)
{
	for (size_t i = 0; i < NBROKEN; i++) {
		char whole[64], name[64], path[PATH_MAX];
		size_t len;
		uint8_t *data;

		snprintf(whole, sizeof(whole), "x%zu.ko.%s", i, broken_formats[i].ext);
		compress_to(broken_formats[i].cmd, "plain.ko", whole);
		path_of(path, whole);
		data = read_file(path, &len);
		/* the middle of the data, a header byte after the magic, the last byte */
		const struct {
			size_t pos;
			uint8_t bits;
		} where[] = {
			{ len / 2, 0x55 }, { len / 2 + 1, 0xff }, { len - 1, 0x55 },
			{ broken_formats[i].header_byte, broken_formats[i].header_bits },
		};
		for (size_t w = 0; w < sizeof(where) / sizeof(where[0]); w++) {
			data[where[w].pos] ^= where[w].bits;
			snprintf(name, sizeof(name), "x%zu-%zu.ko.%s", i, where[w].pos,
				 broken_formats[i].ext);
			path_of(path, name);
			write_file(path, data, len);
			expect_load_error(name);
			data[where[w].pos] ^= where[w].bits;
		}
		/*
		 * Garbage after the end: an error for xz and zstd.  gzip readers
		 * differ (gunzip warns and goes on, zlib's gzread and the kernel
		 * ignore it), so there only a wrong result would be wrong.
		 */
		snprintf(name, sizeof(name), "x%zu-trailing.ko.%s", i, broken_formats[i].ext);
		path_of(path, name);
		{
			uint8_t *more = malloc(len + 5);

			memcpy(more, data, len);
			memcpy(more + len, "junk!", 5);
			write_file(path, more, len + 5);
			free(more);
		}
		if (broken_formats[i].comp == MT_COMPRESSION_GZIP)
			expect_contents_or_error(name, original, original_len);
		else
			expect_load_error(name);
		free(data);
	}
	/* xz stream padding must be a multiple of four bytes */
	{
		char path[PATH_MAX], small[PATH_MAX];

		path_of(small, "small.ko");
		path_of(path, "badpad.ko.xz");
		run("(xz -c < '%s'; printf '\\0\\0\\0') > '%s'", small, path);
		expect_load_error("badpad.ko.xz");
	}
}

/* Only a magic, or a magic and a little: an error, not an empty module. */
static void test_magic_only(void **state)
{
	static const struct {
		const char *name;
		const char *bytes;
		size_t len;
	} files[] = {
		{ "m1.ko", "\x1f\x8b", 2 },
		{ "m2.ko", "\xfd" "7zXZ\0", 6 },
		{ "m3.ko", "\x28\xb5\x2f\xfd", 4 },
		{ "m4.ko", "\x1f\x8b\x08\0\0\0\0\0\0\x03", 10 },
		{ "m5.ko", "\xfd" "7zXZ\0\0\x04\xe6\xd6\xb4\x46", 12 },
		{ "m6.ko", "\x28\xb5\x2f\xfd\x24\x00", 6 },
	};

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[PATH_MAX];

		path_of(path, files[i].name);
		write_file(path, files[i].bytes, files[i].len);
		expect_load_error(files[i].name);
	}
}

/* Windows and dictionaries beyond the decoders' limits are refused, not allocated. */
static void test_hostile_window(void **state)
{
	char path[PATH_MAX], small[PATH_MAX];

	NEED_BUILT_IN(ZSTD);
	/* a 256 MiB window (the limit: 128 MiB), in a frame of unknown size (from a pipe) */
	path_of(small, "small.ko");
	path_of(path, "long.ko.zst");
	run("cat '%s' | zstd -q --long=28 -c > '%s'", small, path);
	expect_load_error("long.ko.zst");
}

static uint32_t crc32_le(const uint8_t *p, size_t len)
{
	uint32_t crc = 0xffffffff;

	for (size_t i = 0; i < len; i++) {
		crc ^= p[i];
		for (int k = 0; k < 8; k++)
			crc = crc & 1 ? (crc >> 1) ^ 0xedb88320 : crc >> 1;
	}
	return ~crc;
}

/* An xz block asking for a 4 GiB dictionary: over the memory limit. */
static void test_xz_huge_dictionary(void **state)
{
	char path[PATH_MAX];
	uint8_t *data;
	size_t len;
	uint32_t crc;

	NEED_BUILT_IN(XZ);
	compress_to("xz -T1 -c", "small.ko", "dict.ko.xz");
	path_of(path, "dict.ko.xz");
	data = read_file(path, &len);
	/* block header: size 12, no sizes, one filter LZMA2 (0x21), 1 property byte */
	assert_true(len > 24);
	assert_memory_equal(data + 12, "\x02\x00\x21\x01", 4);
	data[16] = 40;	/* dictionary 4 GiB - 1 */
	crc = crc32_le(data + 12, 8);
	for (int i = 0; i < 4; i++)
		data[20 + i] = (uint8_t)(crc >> (8 * i));
	write_file(path, data, len);
	free(data);
	expect_load_error("dict.ko.xz");
}

/*
 * An xz stream's index (at its end) declares each block's uncompressed
 * size.  A reader may trust it to size its output: make it lie, with every
 * CRC fixed up, so that only the decoded data can tell.
 */
static size_t vli_decode(const uint8_t *p, size_t len, uint64_t *v)
{
	*v = 0;
	for (size_t i = 0; i < len && i < 9; i++) {
		*v |= (uint64_t)(p[i] & 0x7f) << (7 * i);
		if (!(p[i] & 0x80))
			return i + 1;
	}
	fail_msg("bad VLI in the xz index");
	return 0;
}

static size_t vli_encode(uint64_t v, uint8_t *p)
{
	size_t n = 0;

	do {
		p[n] = (v & 0x7f) | (v > 0x7f ? 0x80 : 0);
		v >>= 7;
		n++;
	} while (v);
	return n;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Rewrite the xz file @name so its first block's uncompressed size reads @size. */
static void xz_index_lie(const char *from, const char *name, uint64_t size)
{
	uint8_t index[1024], *data, *out;
	size_t len, footer, start, pos, n = 0;
	uint64_t records, v;
	char path[PATH_MAX];

	path_of(path, from);
	data = read_file(path, &len);
	footer = len - 12;
	assert_memory_equal(data + len - 2, "YZ", 2);
	/* backward size: the index's length in 4-byte units, minus one */
	start = footer - ((size_t)data[footer + 4] | (size_t)data[footer + 5] << 8 |
			  (size_t)data[footer + 6] << 16 | (size_t)data[footer + 7] << 24) * 4 - 4;
	assert_int_equal(data[start], 0);
	pos = start + 1 + vli_decode(data + start + 1, footer - start, &records);
	index[n++] = 0;
	n += vli_encode(records, index + n);
	for (uint64_t r = 0; r < records; r++) {
		pos += vli_decode(data + pos, footer - pos, &v);	/* unpadded size */
		n += vli_encode(v, index + n);
		pos += vli_decode(data + pos, footer - pos, &v);	/* uncompressed size */
		n += vli_encode(r == 0 ? size : v, index + n);
		assert_true(n < sizeof(index) - 32);
	}
	while (n % 4)
		index[n++] = 0;
	put_le32(index + n, crc32_le(index, n));
	n += 4;

	out = malloc(start + n + 12);
	memcpy(out, data, start);
	memcpy(out + start, index, n);
	/* footer: CRC32 of (backward size, flags), backward size, flags, "YZ" */
	put_le32(out + start + n + 4, n / 4 - 1);
	memcpy(out + start + n + 8, data + footer + 8, 4);
	put_le32(out + start + n, crc32_le(out + start + n + 4, 6));
	path_of(path, name);
	write_file(path, out, start + n + 12);
	free(out);
	free(data);
}

static void test_xz_index_lies(void **state)
{
	static const char *const cmds[] = {
		"xz -T1 --check=crc32 --lzma2=dict=1MiB -c",
		"xz -T1 -c",
		"xz -T2 --block-size=300KiB --check=crc32 -c",
	};

	NEED_BUILT_IN(XZ);
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		const uint64_t lies[] = {
			0, 1, 4095, 4096, 100000, (uint64_t)2 << 30, (uint64_t)1 << 40,
			((uint64_t)1 << 63) - 1,
		};
		char name[64];

		snprintf(name, sizeof(name), "lie%zu.ko.xz", i);
		compress_to(cmds[i], i == 2 ? "plain.ko" : "small.ko", name);
		/* rewritten with the true sizes it still reads: the rewriting is right */
		xz_index_lie(name, "lie.ko.xz", i == 2 ? 300 * 1024 : sizeof(small_contents));
		if (i == 2)
			expect_contents("lie.ko.xz", MT_COMPRESSION_XZ, original, original_len);
		else
			expect_contents("lie.ko.xz", MT_COMPRESSION_XZ, small_contents,
					sizeof(small_contents));
		for (size_t l = 0; l < sizeof(lies) / sizeof(lies[0]); l++) {
			xz_index_lie(name, "lie.ko.xz", lies[l]);
			expect_load_error("lie.ko.xz");
		}
	}
}

/* ---- the decompressors on memory buffers ----------------------------- */

static const mt_decompress_fn decompressors[] = {
	[MT_COMPRESSION_GZIP] = mt_decompress_gzip,
	[MT_COMPRESSION_XZ] = mt_decompress_xz,
	[MT_COMPRESSION_ZSTD] = mt_decompress_zstd,
};

static int decompress(enum mt_compression comp, const uint8_t *in, size_t len,
		      struct mt_decompressed *out)
{
	const char *why = NULL;
	int err;

	memset(out, 0, sizeof(*out));
	err = decompressors[comp](in, len, out, &why);
	if (err < 0 && err != -ENOMEM)
		assert_non_null(why);
	if (err == 0)
		assert_true(out->size <= MT_MAX_MODULE_SIZE);
	return err;
}

/* Every prefix of a small compressed file is an error; none is read past. */
static void test_every_truncation(void **state)
{
	for (size_t i = 0; i < NBROKEN; i++) {
		struct mt_decompressed out;
		char name[64], path[PATH_MAX];
		uint8_t *data;
		size_t len;

		if (!decodes(broken_formats[i].comp))
			continue;
		snprintf(name, sizeof(name), "every%zu.%s", i, broken_formats[i].ext);
		compress_to(broken_formats[i].cmd, "small.ko", name);
		path_of(path, name);
		data = read_file(path, &len);
		for (size_t cut = 0; cut < len; cut++) {
			uint8_t *copy = malloc(cut ? cut : 1);

			memcpy(copy, data, cut);
			if (decompress(broken_formats[i].comp, copy, cut, &out) == 0)
				fail_msg("%s cut to %zu of %zu bytes decoded", name, cut, len);
			mt_decompressed_release(&out);
			free(copy);
		}
		assert_int_equal(decompress(broken_formats[i].comp, data, len, &out), 0);
		assert_int_equal(out.size, sizeof(small_contents));
		assert_memory_equal(out.data, small_contents, sizeof(small_contents));
		mt_decompressed_release(&out);
		free(data);
	}
}

/* Random byte flips: an error or some output, never a crash or a hang. */
static void test_random_flips(void **state)
{
	rng_state = 0xfeedfacecafebeefull;
	for (size_t i = 0; i < NBROKEN; i++) {
		struct mt_decompressed out;
		char name[64], path[PATH_MAX];
		unsigned int failed = 0;
		uint8_t *data, *work;
		size_t len;

		snprintf(name, sizeof(name), "flip%zu.%s", i, broken_formats[i].ext);
		compress_to(broken_formats[i].cmd, "small.ko", name);
		path_of(path, name);
		data = read_file(path, &len);
		work = malloc(len);
		for (int iter = 0; iter < 600; iter++) {
			int flips = 1 + rng() % 3;

			memcpy(work, data, len);
			for (int k = 0; k < flips; k++) {
				uint64_t r = rng();

				work[(r >> 16) % len] ^= (uint8_t)(r | 1);
			}
			if (decompress(broken_formats[i].comp, work, len, &out) < 0)
				failed++;
			mt_decompressed_release(&out);
		}
		/* with a checksum in every format, nearly all flips are caught */
		assert_true(failed > 500);
		free(work);
		free(data);
	}
}

static void test_garbage_input(void **state)
{
	static const uint8_t junk[] = "this is not compressed data at all, not even a little bit";
	struct mt_decompressed out;

	for (int comp = MT_COMPRESSION_GZIP; comp <= MT_COMPRESSION_ZSTD; comp++) {
		uint8_t *copy = malloc(sizeof(junk));

		memcpy(copy, junk, sizeof(junk));
		assert_true(decompress(comp, copy, sizeof(junk), &out) < 0);
		mt_decompressed_release(&out);
		assert_true(decompress(comp, copy, 0, &out) < 0);
		mt_decompressed_release(&out);
		free(copy);
	}
}

static void test_grow(void **state)
{
	struct mt_decompressed out = { 0 };
	const char *why = NULL;

	assert_int_equal(mt_decompressed_grow(&out, 0, &why), 0);
	assert_int_equal(out.capacity, 64 * 1024);
	memset(out.data, 0xa5, out.capacity);
	assert_int_equal(mt_decompressed_grow(&out, 0, &why), 0);
	assert_int_equal(out.capacity, 128 * 1024);
	/* growth keeps what was written */
	for (size_t i = 0; i < 64 * 1024; i++)
		if (out.data[i] != 0xa5)
			fail_msg("byte %zu lost on growth", i);
	memset(out.data + 64 * 1024, 0x5a, 64 * 1024);
	mt_decompressed_release(&out);
	assert_null(out.data);
	assert_int_equal(out.capacity, 0);

	assert_int_equal(mt_decompressed_grow(&out, 300000, &why), 0);
	assert_int_equal(out.capacity, 300000);
	mt_decompressed_release(&out);

	/* grows to the cap exactly, then no more */
	assert_int_equal(mt_decompressed_grow(&out, MT_MAX_MODULE_SIZE - 1, &why), 0);
	assert_int_equal(mt_decompressed_grow(&out, 0, &why), 0);
	assert_int_equal(out.capacity, MT_MAX_MODULE_SIZE);
	assert_null(why);
	assert_int_equal(mt_decompressed_grow(&out, 0, &why), -EFBIG);
	assert_string_equal(why, "decompressed size exceeds 1 GiB");
	assert_int_equal(out.capacity, MT_MAX_MODULE_SIZE);
	mt_decompressed_release(&out);

	/* an exact reservation: zero bytes still maps something; over the cap fails */
	assert_int_equal(mt_decompressed_reserve(&out, 0), 0);
	assert_non_null(out.data);
	mt_decompressed_release(&out);
	assert_int_equal(mt_decompressed_reserve(&out, MT_MAX_MODULE_SIZE + 1), -EFBIG);
	assert_null(out.data);
}

/* ---- one mapping reused for many streams (depmod's threads) ---------- */

/* Decode the file @name into @out, emptied but not released first. */
static void decode_reused(const char *name, enum mt_compression comp, struct mt_decompressed *out)
{
	char path[PATH_MAX];
	const char *why = NULL;
	uint8_t *in;
	size_t len;

	path_of(path, name);
	in = read_file(path, &len);
	mt_decompressed_reset(out);
	assert_int_equal(out->size, 0);
	if (decompressors[comp](in, len, out, &why) != 0)
		fail_msg("%s: %s", name, why ? why : "?");
	assert_true(out->size <= out->capacity);
	free(in);
}

/* @out holds @want @times times over. */
static void expect_decoded(const struct mt_decompressed *out, const void *want, size_t len,
			   size_t times)
{
	assert_int_equal(out->size, len * times);
	for (size_t i = 0; i < times; i++)
		assert_memory_equal(out->data + i * len, want, len);
}

/* "@prefix@i.ko.@ext": the file @from compressed as formats[@i] says, twice over if @twice. */
static void compress_format(size_t i, const char *prefix, const char *from, bool twice,
			    char *name, size_t size)
{
	char path[PATH_MAX];

	snprintf(name, size, "%s%zu.ko.%s", prefix, i, formats[i].ext);
	compress_to(formats[i].cmd, from, name);
	path_of(path, name);
	if (twice)
		run("cat '%s' '%s' > '%s.2' && mv '%s.2' '%s'", path, path, path, path, path);
}

/* Decode @big (@times originals), then @small (@times small ones) in the unmoved mapping. */
static void big_then_small(struct mt_decompressed *out, enum mt_compression comp,
			   const char *big, const char *small, size_t times)
{
	const uint8_t *data;
	size_t capacity;

	decode_reused(big, comp, out);
	expect_decoded(out, original, original_len, times);
	data = out->data;
	capacity = out->capacity;
	decode_reused(small, comp, out);
	expect_decoded(out, small_contents, sizeof(small_contents), times);
	assert_ptr_equal(out->data, data);
	assert_int_equal(out->capacity, capacity);
}

/*
 * Small, big, small again into the same pages, then more than the mapping
 * holds (concatenated: xz's general path too), then less again: every
 * stream decodes whole, and one that fits leaves the mapping where it was.
 */
static void test_reuse(void **state)
{
	for (size_t i = 0; i < NFORMATS; i++) {
		enum mt_compression comp = formats[i].comp;
		char small[64], big[64], big2[64], small2[64];
		struct mt_decompressed out = { 0 };

		if (!decodes(comp))
			continue;
		compress_format(i, "rs", "small.ko", false, small, sizeof(small));
		compress_format(i, "rb", "plain.ko", false, big, sizeof(big));
		compress_format(i, "rB", "plain.ko", true, big2, sizeof(big2));
		compress_format(i, "rS", "small.ko", true, small2, sizeof(small2));

		decode_reused(small, comp, &out);
		expect_decoded(&out, small_contents, sizeof(small_contents), 1);
		big_then_small(&out, comp, big, small, 1);
		big_then_small(&out, comp, big2, small2, 2);
		mt_decompressed_release(&out);
	}
}

/* Is [@p, @p + @len) unmapped?  mincore() fails with ENOMEM there. */
static bool unmapped(const uint8_t *p, size_t len)
{
	unsigned char vec[4];

	return len <= 4 * 4096 && mincore((void *)p, len, vec) < 0 && errno == ENOMEM;
}

/* After a big stream the mapping shrinks to what is kept: the rest is unmapped. */
static void test_trim(void **state)
{
	const size_t big = 32 << 20, keep = 1 << 20;
	struct mt_decompressed out = { 0 };
	uint8_t *data;

	assert_int_equal(mt_decompressed_reserve(&out, big), 0);
	/* every page resident, as after a bomb */
	memset(out.data, 0x5a, big);
	out.size = big;
	data = out.data;
	mt_decompressed_trim(&out, big);
	assert_int_equal(out.capacity, big);
	mt_decompressed_trim(&out, keep);
	assert_ptr_equal(out.data, data);
	assert_int_equal(out.capacity, keep);
	assert_int_equal(out.data[keep - 1], 0x5a);
	assert_true(unmapped(data + keep, 4096));
	assert_true(unmapped(data + big - 4096, 4096));

	/* a reservation is a minimum: room enough stays; more grows, contents kept */
	mt_decompressed_reset(&out);
	assert_int_equal(mt_decompressed_reserve(&out, 4096), 0);
	assert_int_equal(out.capacity, keep);
	assert_int_equal(mt_decompressed_reserve(&out, 2 * keep), 0);
	assert_int_equal(out.capacity, 2 * keep);
	assert_int_equal(out.data[keep - 1], 0x5a);
	assert_int_equal(mt_decompressed_reserve(&out, MT_MAX_MODULE_SIZE + 1), -EFBIG);
	assert_int_equal(out.capacity, 2 * keep);

	/* keeping nothing releases it all */
	data = out.data;
	mt_decompressed_trim(&out, 0);
	assert_null(out.data);
	assert_int_equal(out.capacity, 0);
	assert_true(unmapped(data, 4096));
}

/* ---- decompression bombs --------------------------------------------- */

/*
 * 1152 MiB of zeros, as 18 concatenated streams of 64 MiB each: cheap to
 * make, and they take the decoders' general path (a single xz stream whose
 * index declares the size is refused before decoding: see
 * test_xz_index_lies).  Decoding must stop at the cap with -EFBIG, and the
 * process must not grow much past 1 GiB.
 */
struct bomb {
	const char *name;
	const char *cmd;
	int pieces;
	enum mt_compression comp;
};

static const struct bomb bombs[] = {
	{ "bomb.ko.gz", "gzip -9 -n -c", 18, MT_COMPRESSION_GZIP },
	{ "bomb.ko.xz", "xz -0 -T1 -c", 18, MT_COMPRESSION_XZ },
	{ "bomb.ko.zst", "zstd -q -c", 18, MT_COMPRESSION_ZSTD },
};

static void make_bomb(const struct bomb *b, char *path)
{
	char piece[PATH_MAX];

	path_of(path, b->name);
	path_of(piece, "bomb-piece");
	run("head -c 64M /dev/zero | %s > '%s'", b->cmd, piece);
	run("rm -f '%s'; for i in $(seq %d); do cat '%s' >> '%s'; done; rm -f '%s'", path,
	    b->pieces, piece, path, piece);
}

/* In a child: 0 when the load gave -EFBIG and logged it naming the file. */
static int bomb_child(const char *path, enum mt_compression comp)
{
	struct modtool_ctx *ctx = new_ctx();
	struct mt_file *file;
	int err;

	if (mt_file_open(ctx, path, &file) < 0 || file->compression != comp)
		return 2;
	err = mt_file_load(file);
	if (err != -EFBIG) {
		fprintf(stderr, "%s: load gave %d, not -EFBIG\n", path, err);
		return 3;
	}
	if (!strstr(logbuf.text, path)) {
		fprintf(stderr, "%s: log does not name the file: %s\n", path, logbuf.text);
		return 4;
	}
	mt_file_free(file);
	modtool_ctx_free(ctx);
	return 0;
}

/* The children run at once (each alone stays near 1 GiB): the test takes the time of one. */
static void test_bombs(void **state)
{
	/*
	 * valgrind adds its own memory: only catch runaway growth there.  ASan's
	 * realloc() copies, so a growing buffer peaked at 1.5 GiB there before
	 * the output became an mremap()ed mapping; now it stays near 1 GiB too.
	 */
	long limit_kib = RUNNING_ON_VALGRIND ? 3L << 20 :
			 UNDER_ASAN ? (1L << 20) + (256L << 10) : (1L << 20) + (160L << 10);
	const size_t n = sizeof(bombs) / sizeof(bombs[0]);
	char paths[sizeof(bombs) / sizeof(bombs[0])][PATH_MAX];
	pid_t pids[sizeof(bombs) / sizeof(bombs[0])];

	for (size_t i = 0; i < n; i++) {
		struct stat st;

		pids[i] = 0;
		if (!decodes(bombs[i].comp))
			continue;
		make_bomb(&bombs[i], paths[i]);
		assert_int_equal(stat(paths[i], &st), 0);
		/* small on disk: a bomb */
		assert_true(st.st_size < 4 << 20);
	}
	fflush(NULL);
	for (size_t i = 0; i < n; i++) {
		if (!mt_compression_built_in(bombs[i].comp))
			continue;
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (pids[i] == 0)
			_exit(bomb_child(paths[i], bombs[i].comp));
	}
	for (size_t i = 0; i < n; i++) {
		struct rusage ru;
		int status;

		if (!pids[i])
			continue;
		assert_int_equal(wait4(pids[i], &status, 0, &ru), pids[i]);
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
			fail_msg("%s: child status %#x", bombs[i].name, status);
		if (ru.ru_maxrss > limit_kib)
			fail_msg("%s: peak RSS %ld KiB, limit %ld KiB", bombs[i].name, ru.ru_maxrss,
				 limit_kib);
		print_message("%s: peak RSS %ld MiB\n", bombs[i].name, ru.ru_maxrss >> 10);
		unlink(paths[i]);
	}
}

/* ---- files that are not modules -------------------------------------- */

static void test_empty_file(void **state)
{
	struct modtool_ctx *ctx = new_ctx();
	struct mt_file *file;
	char path[PATH_MAX];
	int err;

	path_of(path, "empty.ko");
	assert_int_equal(mt_file_open(ctx, path, &file), 0);
	assert_int_equal(file->compression, MT_COMPRESSION_NONE);
	err = mt_file_load(file);
	/* nothing to map: either an empty module or an error that names the file */
	if (err == 0)
		assert_int_equal(file->size, 0);
	else
		assert_non_null(strstr(logbuf.text, path));
	mt_file_free(file);
	modtool_ctx_free(ctx);
}

static void test_missing_file(void **state)
{
	assert_int_equal(expect_load_error("no-such-module.ko"), -ENOENT);
	assert_int_equal(expect_load_error("no-such-dir/x.ko"), -ENOENT);
}

static void test_unreadable(void **state)
{
	char path[PATH_MAX];

	/* root reads any file: nothing to test then */
	if (geteuid() == 0) {
		print_message("skipped: running as root\n");
		skip();
	}
	path_of(path, "unreadable.ko");
	write_file(path, small_contents, sizeof(small_contents));
	assert_int_equal(chmod(path, 0), 0);
	assert_int_equal(expect_load_error("unreadable.ko"), -EACCES);
}

static void test_directory(void **state)
{
	char path[PATH_MAX];

	path_of(path, "dir.ko");
	assert_int_equal(mkdir(path, 0755), 0);
	assert_int_equal(expect_load_error("dir.ko"), -EISDIR);
}

static void test_device(void **state)
{
	struct modtool_ctx *ctx = new_ctx();
	struct mt_file *file = NULL;
	int err;

	/* readable, but no regular file: refused at open or load, never read forever */
	err = mt_file_open(ctx, "/dev/zero", &file);
	if (err == 0)
		err = mt_file_load(file);
	assert_true(err < 0);
	assert_non_null(strstr(logbuf.text, "/dev/zero"));
	mt_file_free(file);
	modtool_ctx_free(ctx);
}

/* A FIFO with no writer: opening it must not block forever. */
static void test_fifo(void **state)
{
	char path[PATH_MAX];
	int status;
	pid_t pid;

	path_of(path, "fifo.ko");
	assert_int_equal(mkfifo(path, 0644), 0);
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct modtool_ctx *ctx = new_ctx();
		struct mt_file *file;

		alarm(RUNNING_ON_VALGRIND ? 60 : 5);
		if (mt_file_open(ctx, path, &file) == 0 && mt_file_load(file) == 0)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status) && WTERMSIG(status) == SIGALRM)
		fail_msg("mt_file_open/mt_file_load on a FIFO blocked");
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* ---- optional libraries ---------------------------------------------- */

static struct {
	const char *(*version)(void);
} zfns;
static const char *const z_good[] = { "zlibVersion" };
static const char *const z_bad[] = { "zlibVersion", "no_such_symbol_in_zlib" };

static void test_dlib(void **state)
{
	struct {
		void *a, *b;
	} bad_syms;
	struct mt_dlib missing = MT_DLIB("libmodtool-no-such-library.so.9", z_good, zfns);
	struct mt_dlib bad = MT_DLIB("libz.so.1", z_bad, bad_syms);
	struct mt_dlib good = MT_DLIB("libz.so.1", z_good, zfns);

	assert_int_equal(mt_dlib_load(&missing), -ELIBACC);
	assert_non_null(missing.why);
	assert_non_null(strstr(missing.why, "libmodtool-no-such-library.so.9"));
	/* the first answer is kept */
	assert_int_equal(mt_dlib_load(&missing), -ELIBACC);

	assert_int_equal(mt_dlib_load(&bad), -ELIBACC);
	assert_string_equal(bad.why, "no_such_symbol_in_zlib");
	assert_null(bad.handle);

	assert_int_equal(mt_dlib_load(&good), 0);
	assert_non_null(zfns.version);
	assert_int_equal(zfns.version()[0], '1');
	assert_int_equal(mt_dlib_load(&good), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_compression_names),
		cmocka_unit_test(test_compressed),
		cmocka_unit_test(test_name_lies),
		cmocka_unit_test(test_concatenated),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_corrupted),
		cmocka_unit_test(test_magic_only),
		cmocka_unit_test(test_hostile_window),
		cmocka_unit_test(test_xz_huge_dictionary),
		cmocka_unit_test(test_xz_index_lies),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_random_flips),
		cmocka_unit_test(test_garbage_input),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_bombs),
		cmocka_unit_test(test_empty_file),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_unreadable),
		cmocka_unit_test(test_directory),
		cmocka_unit_test(test_device),
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_dlib),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
