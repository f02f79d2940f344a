// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * CRC-32/IEEE: the dispatching entry point (carry-less multiplication on
 * CPUs that have it) and the table code alone, both against zlib's crc32()
 * on pseudo-random buffers of every length up to 4096, at every alignment
 * within 16 bytes, on large buffers, and fed in pieces.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include <cmocka.h>

#include "base/crc32.h"

#define BIG (4u << 20)

static uint8_t *buf;	/* BIG + 64 pseudo-random bytes, the same every run */

/* xorshift64: a fixed sequence, so a failure can be replayed */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static int setup(void **state)
{
	buf = malloc(BIG + 64);
	if (!buf)
		return -1;
	for (size_t i = 0; i < BIG + 64; i++)
		buf[i] = (uint8_t)(rng() >> 56);
	return 0;
}

static int teardown(void **state)
{
	free(buf);
	return 0;
}

static uint32_t zlib_crc(uint32_t crc, const uint8_t *p, size_t len)
{
	/* zlib takes at most UINT_MAX bytes a call; ours are far below */
	return (uint32_t)crc32(crc, p, (uInt)len);
}

static void expect_both(const uint8_t *p, size_t len)
{
	uint32_t want = zlib_crc(0, p, len);
	uint32_t table = mt_crc32_table(0, p, len);
	uint32_t any = mt_crc32(0, p, len);

	if (table != want || any != want)
		fail_msg("offset %zu length %zu: zlib %08x table %08x mt_crc32 %08x",
			 (size_t)(p - buf), len, want, table, any);
}

static void test_known_vectors(void **state)
{
	static const struct {
		const char *text;
		uint32_t crc;
	} vectors[] = {
		{ "", 0 },
		{ "a", 0xe8b7be43 },
		{ "123456789", 0xcbf43926 },
		{ "The quick brown fox jumps over the lazy dog", 0x414fa339 },
	};
	static const uint8_t zeros[4096];

	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		size_t len = strlen(vectors[i].text);

		assert_int_equal(mt_crc32(0, vectors[i].text, len), vectors[i].crc);
		assert_int_equal(mt_crc32_table(0, vectors[i].text, len), vectors[i].crc);
	}
	/* runs of zeros, below and above the 64 bytes the folding code needs */
	assert_int_equal(mt_crc32(0, zeros, 32), 0x190a55ad);
	assert_int_equal(mt_crc32(0, zeros, 64), 0x758d6336);
	assert_int_equal(mt_crc32(0, zeros, 4096), 0xc71c0011);
	/* an empty buffer leaves any running value alone */
	assert_int_equal(mt_crc32(0x12345678, NULL, 0), 0x12345678);
}

static void test_every_length_and_alignment(void **state)
{
	for (size_t off = 0; off < 16; off++)
		for (size_t len = 0; len <= 4096; len++)
			expect_both(buf + off, len);
}

static void test_large(void **state)
{
	static const size_t sizes[] = { 65536, 65537 + 15, 1u << 20, (1u << 20) + 3, BIG - 1, BIG };
	static const size_t offsets[] = { 0, 1, 7, 8, 13, 63 };

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		for (size_t j = 0; j < sizeof(offsets) / sizeof(offsets[0]); j++)
			expect_both(buf + offsets[j], sizes[i]);
}

/* Fed in random pieces, the running value continues as zlib's does. */
static void test_pieces(void **state)
{
	const size_t total = 300000;
	uint32_t want = zlib_crc(0, buf, total);

	for (int round = 0; round < 50; round++) {
		uint32_t crc = 0, table = 0;
		size_t pos = 0;

		while (pos < total) {
			size_t n = rng() % (round < 25 ? 200 : 20000);

			if (n > total - pos)
				n = total - pos;
			crc = mt_crc32(crc, buf + pos, n);
			table = mt_crc32_table(table, buf + pos, n);
			pos += n;
		}
		assert_int_equal(crc, want);
		assert_int_equal(table, want);
	}
}

/*
 * Skipped where mt_crc32() is the table code too (no PCLMULQDQ, not x86-64),
 * so that a green run there is not read as a test of the folding code.
 */
static void test_fast_path_present(void **state)
{
	if (!mt_crc32_is_fast())
		skip();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known_vectors),
		cmocka_unit_test(test_every_length_and_alignment),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_pieces),
		cmocka_unit_test(test_fast_path_present),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
