// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The xz decoder: single streams are decoded into a buffer of the size their
 * index declares, CRC32 blocks checked by our own CRC code; anything else by
 * liblzma's streaming decoder.  Inputs come from the xz command line; broken
 * ones are made by flipping bits and cutting, and indexes that lie about the
 * size are written here with liblzma's index encoder.
 */
#include <errno.h>
#include <limits.h>
#include <lzma.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cmocka.h>

#include "base/crc32.h"
#include "module/file.h"
#include "base/internal.h"
#include "test-util.h"


#define ORIGINAL_SIZE (192u << 10)

static char tmpdir[PATH_MAX];
static uint8_t *original;	/* ORIGINAL_SIZE bytes of module-like data */

/* ---- helpers --------------------------------------------------------- */

struct blob {
	uint8_t *data;
	size_t len;
};

static uint64_t rng_state = 0x2545f4914f6cdd1dull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Text like .modinfo and symbol names mixed with code-like random runs. */
static void make_original(void)
{
	size_t pos = 0;

	original = malloc(ORIGINAL_SIZE);
	assert_non_null(original);
	while (pos < ORIGINAL_SIZE) {
		char line[96];
		int n;

		if (rng() % 4) {
			n = snprintf(line, sizeof(line), "alias=pci:v%08Xd%08Xsv*sd*bc*sc*i*\n",
				     (unsigned)(rng() % 16), (unsigned)(rng() % 4096));
		} else {
			n = 64;
			for (int i = 0; i < n; i++)
				line[i] = (char)(rng() >> 56);
		}
		if ((size_t)n > ORIGINAL_SIZE - pos)
			n = (int)(ORIGINAL_SIZE - pos);
		memcpy(original + pos, line, n);
		pos += n;
	}
}

static void path_of(char *out, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", tmpdir, name);

	assert_true(n > 0 && n < PATH_MAX);
}

static struct blob read_whole(const char *path)
{
	struct blob b;
	struct stat st;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	b.len = st.st_size;
	/* exact size, so that a read past the end shows under ASan or valgrind */
	b.data = malloc(b.len ? b.len : 1);
	assert_non_null(b.data);
	assert_int_equal(fread(b.data, 1, b.len, f), b.len);
	fclose(f);
	return b;
}

/* Run a shell command in the temporary directory; it must succeed. */
static void run(const char *fmt, ...) MT_PRINTF(1, 2);
static void run(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int n;

	n = snprintf(cmd, sizeof(cmd), "cd '%s' && ", tmpdir);
	va_start(ap, fmt);
	vsnprintf(cmd + n, sizeof(cmd) - n, fmt, ap);
	va_end(ap);
	if (system(cmd) != 0)
		fail_msg("command failed: %s", cmd);
}

static void write_whole(const char *path, const struct blob *b)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b->data, 1, b->len, f), b->len);
	assert_int_equal(fclose(f), 0);
}

/*
 * The original compressed by the xz command with @opts, a copy of the
 * caller's own: each set of options is compressed once (xz is the slow part).
 */
static struct blob xz_of_original(const char *opts)
{
	static struct {
		const char *opts;
		struct blob b;
	} cache[16];
	char path[PATH_MAX];
	struct blob copy;
	size_t i;

	for (i = 0; i < 16 && cache[i].opts && strcmp(cache[i].opts, opts); i++)
		;
	assert_true(i < 16);
	if (!cache[i].opts) {
		run("xz %s -c < original > out.xz", opts);
		path_of(path, "out.xz");
		cache[i].b = read_whole(path);
		cache[i].opts = opts;
	}
	copy.len = cache[i].b.len;
	copy.data = malloc(copy.len ? copy.len : 1);
	assert_non_null(copy.data);
	memcpy(copy.data, cache[i].b.data, copy.len);
	return copy;
}

static int decode(const struct blob *in, struct mt_decompressed *out, const char **why)
{
	int err;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	err = mt_decompress_xz(in->data, in->len, out, why);
	if (err < 0 && err != -ENOMEM)
		assert_non_null(*why);
	return err;
}

static void expect_decodes_to(const struct blob *in, const void *want, size_t want_len)
{
	struct mt_decompressed out;
	const char *why;
	int err = decode(in, &out, &why);

	if (err < 0)
		fail_msg("decode failed: %d (%s)", err, why ? why : "?");
	assert_int_equal(out.size, want_len);
	assert_memory_equal(out.data, want, want_len);
	mt_decompressed_release(&out);
}

/* Decoding fails cleanly; returns the error and copies the reason. */
static int expect_error(const struct blob *in, char *reason, size_t reason_size)
{
	struct mt_decompressed out;
	const char *why;
	int err = decode(in, &out, &why);

	mt_decompressed_release(&out);
	if (err == 0)
		fail_msg("broken input of %zu bytes decoded", in->len);
	if (reason)
		snprintf(reason, reason_size, "%s", why ? why : "");
	return err;
}

static lzma_index *index_of(const struct blob *b)
{
	lzma_stream_flags footer;
	uint64_t memlimit = UINT64_MAX;
	lzma_index *idx = NULL;
	size_t pos;

	assert_true(b->len >= 2 * LZMA_STREAM_HEADER_SIZE);
	assert_int_equal(lzma_stream_footer_decode(&footer, b->data + b->len - 12), LZMA_OK);
	pos = b->len - 12 - footer.backward_size;
	assert_int_equal(lzma_index_buffer_decode(&idx, &memlimit, NULL, b->data, &pos,
						  b->len - 12), LZMA_OK);
	return idx;
}

static uint32_t check_size_of(const struct blob *b)
{
	lzma_stream_flags footer;

	assert_int_equal(lzma_stream_footer_decode(&footer, b->data + b->len - 12), LZMA_OK);
	return lzma_check_size(footer.check);
}

struct block {
	uint64_t start, total, unpadded, from, size;
};

static struct block block_of(const struct blob *b, uint64_t n)
{
	lzma_index *idx = index_of(b);
	lzma_index_iter iter;
	struct block blk = { 0 };

	lzma_index_iter_init(&iter, idx);
	assert_int_equal(lzma_index_iter_locate(&iter, 0), 0);
	while (iter.block.number_in_file != n)
		assert_int_equal(lzma_index_iter_next(&iter, LZMA_INDEX_ITER_BLOCK), 0);
	blk.start = iter.block.compressed_file_offset;
	blk.total = iter.block.total_size;
	blk.unpadded = iter.block.unpadded_size;
	blk.from = iter.block.uncompressed_file_offset;
	blk.size = iter.block.uncompressed_size;
	lzma_index_end(idx, NULL);
	return blk;
}

static uint64_t block_count(const struct blob *b)
{
	lzma_index *idx = index_of(b);
	uint64_t n = lzma_index_block_count(idx);

	lzma_index_end(idx, NULL);
	return n;
}

static uint32_t le32_at(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- setup ----------------------------------------------------------- */

static int setup(void **state)
{
	char path[PATH_MAX];
	FILE *f;

	if (system("xz --version >/dev/null 2>&1") != 0) {
		fprintf(stderr, "test-xz: no xz command, skipped\n");
		return 0;
	}
	snprintf(tmpdir, sizeof(tmpdir), "%s/test-xz.XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	make_original();
	path_of(path, "original");
	f = fopen(path, "wb");
	if (!f || fwrite(original, 1, ORIGINAL_SIZE, f) != ORIGINAL_SIZE || fclose(f))
		return -1;
	return 0;
}

static int teardown(void **state)
{
	if (tmpdir[0])
		run("cd / && rm -rf '%s'", tmpdir);
	free(original);
	return 0;
}

static void need_xz(void)
{
	if (!original)
		skip();
}

/* ---- what decodes ---------------------------------------------------- */

static void test_check_types(void **state)
{
	static const char *const opts[] = {
		"--check=crc32 --lzma2=dict=1MiB",	/* what the kernel's build writes */
		"--check=crc64",
		"--check=sha256",
		"--check=none",
	};

	need_xz();
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		struct blob b = xz_of_original(opts[i]);

		expect_decodes_to(&b, original, ORIGINAL_SIZE);
		free(b.data);
	}
}

static void test_several_blocks(void **state)
{
	struct blob b;

	need_xz();
	b = xz_of_original("-T2 --block-size=32KiB --check=crc32");
	assert_int_equal(block_count(&b), ORIGINAL_SIZE / (32 << 10));
	expect_decodes_to(&b, original, ORIGINAL_SIZE);
	free(b.data);
}

static void test_empty(void **state)
{
	char path[PATH_MAX];
	struct blob b;

	need_xz();
	run("xz --check=crc32 -c < /dev/null > empty.xz");
	path_of(path, "empty.xz");
	b = read_whole(path);
	expect_decodes_to(&b, "", 0);
	free(b.data);
}

/* Several streams and stream padding take the streaming decoder. */
static void test_concatenated_and_padded(void **state)
{
	char path[PATH_MAX], reason[128];
	struct block blk;
	uint8_t *want;
	struct blob b;

	need_xz();
	want = malloc(2 * ORIGINAL_SIZE);
	assert_non_null(want);
	memcpy(want, original, ORIGINAL_SIZE);
	memcpy(want + ORIGINAL_SIZE, original, ORIGINAL_SIZE);
	run("(xz --check=crc32 -c < original; xz --check=crc64 -c < original) > two.xz");
	path_of(path, "two.xz");
	b = read_whole(path);
	expect_decodes_to(&b, want, 2 * ORIGINAL_SIZE);
	free(b.data);
	free(want);

	/* a bad CRC32 in the first of two streams: liblzma's check finds it */
	b = xz_of_original("--check=crc32");
	blk = block_of(&b, 1);
	b.data[blk.start + blk.total - 4] ^= 0x10;
	path_of(path, "bad1.xz");
	write_whole(path, &b);
	free(b.data);
	run("(cat bad1.xz; xz --check=crc32 -c < original) > twobad.xz");
	path_of(path, "twobad.xz");
	b = read_whole(path);
	assert_int_equal(expect_error(&b, reason, sizeof(reason)), -EBADMSG);
	free(b.data);

	run("(xz --check=crc32 -c < original; printf '\\0\\0\\0\\0\\0\\0\\0\\0') > padded.xz");
	path_of(path, "padded.xz");
	b = read_whole(path);
	expect_decodes_to(&b, original, ORIGINAL_SIZE);
	free(b.data);

	/* padding must be a multiple of four bytes */
	run("(xz --check=crc32 -c < original; printf '\\0\\0\\0') > badpad.xz");
	path_of(path, "badpad.xz");
	b = read_whole(path);
	assert_int_equal(expect_error(&b, reason, sizeof(reason)), -EBADMSG);
	free(b.data);
}

/*
 * The CRC32 of each block is its last 4 bytes, after the block padding
 * (xz file format 1.1.0, sections 3.3 and 3.4), little-endian: check that
 * reading of the format on the files xz writes, padded blocks included.
 */
static void test_check_location(void **state)
{
	static const char *const opts[] = {
		"--check=crc32 --lzma2=dict=1MiB",
		"-T2 --block-size=32KiB --check=crc32",
		"-T2 --block-size=50001 --check=crc32",
	};
	int padded = 0;

	need_xz();
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		struct blob b = xz_of_original(opts[i]);
		uint64_t n = block_count(&b);

		for (uint64_t k = 1; k <= n; k++) {
			struct block blk = block_of(&b, k);
			uint32_t crc = crc32(0, original + blk.from, blk.size);

			assert_true(blk.start + blk.total <= b.len);
			assert_int_equal(le32_at(b.data + blk.start + blk.total - 4), crc);
			padded += blk.total != blk.unpadded;
		}
		free(b.data);
	}
	/* otherwise this test proved nothing about the padding */
	assert_true(padded > 0);
}

/* ---- what must fail -------------------------------------------------- */

static void test_flipped_crc(void **state)
{
	static const char *const opts[] = {
		"--check=crc32 --lzma2=dict=1MiB",
		"-T2 --block-size=32KiB --check=crc32",
	};

	need_xz();
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		struct blob b = xz_of_original(opts[i]);
		uint64_t n = block_count(&b);

		for (uint64_t k = 1; k <= n; k++) {
			struct block blk = block_of(&b, k);
			uint8_t *check = b.data + blk.start + blk.total - 4;
			char reason[128], want[64];

			for (int bit = 0; bit < 32; bit += 7) {
				check[bit / 8] ^= 1u << (bit % 8);
				assert_int_equal(expect_error(&b, reason, sizeof(reason)), -EBADMSG);
				/* our check names the block; liblzma's does not */
				snprintf(want, sizeof(want), "block %llu: CRC32 mismatch",
					 (unsigned long long)k);
				if (mt_crc32_is_fast())
					assert_string_equal(reason, want);
				check[bit / 8] ^= 1u << (bit % 8);
			}
		}
		expect_decodes_to(&b, original, ORIGINAL_SIZE);
		free(b.data);
	}
}

static void test_flipped_data(void **state)
{
	static const char *const opts[] = {
		"--check=crc32 --lzma2=dict=1MiB",
		"-T2 --block-size=32KiB --check=crc32",
		"--check=crc64",
	};

	need_xz();
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		struct blob b = xz_of_original(opts[i]);
		uint64_t n = block_count(&b);

		for (uint64_t k = 1; k <= n; k++) {
			struct block blk = block_of(&b, k);
			uint64_t header = (b.data[blk.start] + 1) * 4;
			uint64_t first = blk.start + header;
			uint64_t end = blk.start + blk.unpadded - check_size_of(&b);

			/* spread over the compressed data, away from its last bytes */
			for (int j = 0; j < 24; j++) {
				uint64_t at = first + (end - first - 16) * j / 24;
				int bit = j % 8;

				b.data[at] ^= 1u << bit;
				expect_error(&b, NULL, 0);
				b.data[at] ^= 1u << bit;
			}
		}
		free(b.data);
	}
}

static void test_truncated(void **state)
{
	static const char *const opts[] = {
		"--check=crc32 --lzma2=dict=1MiB",
		"-T2 --block-size=32KiB --check=crc32",
	};

	need_xz();
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		struct blob whole = xz_of_original(opts[i]);

		for (size_t cut = 0; cut < whole.len; cut++) {
			struct blob b;

			/* every length near both ends, a sample in between */
			if (cut > 64 && cut + 64 < whole.len && cut % (whole.len / 16))
				continue;
			b.len = cut;
			b.data = malloc(cut ? cut : 1);
			assert_non_null(b.data);
			memcpy(b.data, whole.data, cut);
			expect_error(&b, NULL, 0);
			free(b.data);
		}
		free(whole.data);
	}
}

/*
 * Replace the index of the single-stream @b with one whose records keep the
 * blocks' sizes but declare @size uncompressed bytes for the last block.
 */
static struct blob with_declared_size(const struct blob *b, uint64_t size)
{
	lzma_index *old = index_of(b), *idx = lzma_index_init(NULL);
	lzma_stream_flags flags = { .version = 0, .check = LZMA_CHECK_CRC32 };
	uint64_t blocks_end = LZMA_STREAM_HEADER_SIZE + lzma_index_total_size(old);
	uint64_t n = lzma_index_block_count(old);
	lzma_index_iter iter;
	struct blob out;
	size_t pos;

	assert_non_null(idx);
	lzma_index_iter_init(&iter, old);
	while (!lzma_index_iter_next(&iter, LZMA_INDEX_ITER_BLOCK))
		assert_int_equal(lzma_index_append(idx, NULL, iter.block.unpadded_size,
						   iter.block.number_in_file == n ? size :
						   iter.block.uncompressed_size), LZMA_OK);
	flags.backward_size = lzma_index_size(idx);
	out.len = blocks_end + lzma_index_size(idx) + LZMA_STREAM_HEADER_SIZE;
	out.data = malloc(out.len);
	assert_non_null(out.data);
	memcpy(out.data, b->data, blocks_end);
	pos = blocks_end;
	assert_int_equal(lzma_index_buffer_encode(idx, out.data, &pos, out.len), LZMA_OK);
	assert_int_equal(lzma_stream_footer_encode(&flags, out.data + pos), LZMA_OK);
	lzma_index_end(idx, NULL);
	lzma_index_end(old, NULL);
	return out;
}

/* An index declaring 1100 MiB is refused before any decoding or allocation. */
static void test_bomb_refused_at_once(void **state)
{
	struct blob b, bomb;
	char reason[128];
	pid_t pid;
	int status;

	need_xz();
	b = xz_of_original("--check=crc32 --lzma2=dict=1MiB");
	bomb = with_declared_size(&b, ORIGINAL_SIZE + (1100ull << 20));
	assert_int_equal(expect_error(&bomb, reason, sizeof(reason)), -EFBIG);
	assert_non_null(strstr(reason, "over the 1 GiB limit"));

	/* again with 512 MiB of address space: nothing big may be allocated */
	if (!UNDER_ASAN) {
		pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct rlimit lim = { 512u << 20, 512u << 20 };
			struct mt_decompressed out = { 0 };
			const char *why;

			if (setrlimit(RLIMIT_AS, &lim) < 0)
				_exit(2);
			_exit(mt_decompress_xz(bomb.data, bomb.len, &out, &why) == -EFBIG ? 0 : 1);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 0);
	}
	free(bomb.data);
	free(b.data);
}

/* An index off by one byte either way: the decoder and the index disagree. */
static void test_index_size_lies(void **state)
{
	static const char *const opts[] = {
		"--check=crc32 --lzma2=dict=1MiB",
		"-T2 --block-size=32KiB --check=crc32",
	};

	need_xz();
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		struct blob b = xz_of_original(opts[i]);
		uint64_t n = block_count(&b);
		uint64_t last = block_of(&b, n).size;
		char reason[128];
		struct blob lie;

		/* the unchanged index round-trips, so the crafting itself is right */
		lie = with_declared_size(&b, last);
		assert_int_equal(lie.len, b.len);
		expect_decodes_to(&lie, original, ORIGINAL_SIZE);
		free(lie.data);

		lie = with_declared_size(&b, last + 1);
		assert_int_equal(expect_error(&lie, NULL, 0), -EBADMSG);
		free(lie.data);
		lie = with_declared_size(&b, last - 1);
		assert_int_equal(expect_error(&lie, reason, sizeof(reason)), -EBADMSG);
		assert_non_null(strstr(reason, "decodes to more than the"));
		free(lie.data);
		free(b.data);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_types),
		cmocka_unit_test(test_several_blocks),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_concatenated_and_padded),
		cmocka_unit_test(test_check_location),
		cmocka_unit_test(test_flipped_crc),
		cmocka_unit_test(test_flipped_data),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_bomb_refused_at_once),
		cmocka_unit_test(test_index_size_lies),
	};

	if (!ENABLE_XZ) {
		/* every test here reads xz: meson's "skipped" status */
		printf("built without XZ: skipped\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
