// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests for the DER reader (src/module/der.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "module/der.h"

#define CURSOR(arr) ((struct mt_der){ (arr), sizeof(arr) })

/* Read one element from @buf and check tag, contents offset and length. */
static void check_one(const uint8_t *buf, size_t size, uint32_t tag, size_t hdr, size_t len)
{
	struct mt_der d = { buf, size };
	struct mt_der_elem e;

	assert_true(mt_der_next(&d, &e));
	assert_int_equal(e.tag, tag);
	assert_int_equal(e.hdr_len, hdr);
	assert_ptr_equal(e.data, buf + hdr);
	assert_int_equal(e.len, len);
	assert_ptr_equal(d.p, buf + hdr + len);
	assert_int_equal(d.len, size - hdr - len);
}

/* Reading @buf must fail and leave the cursor where it was. */
static void check_bad(const uint8_t *buf, size_t size)
{
	struct mt_der d = { buf, size };
	struct mt_der_elem e;

	assert_false(mt_der_next(&d, &e));
	assert_ptr_equal(d.p, buf);
	assert_int_equal(d.len, size);
}

static void test_short_length(void **state)
{
	static const uint8_t empty_seq[] = { 0x30, 0x00 };
	static const uint8_t int1[] = { 0x02, 0x01, 0x05, 0xff };	/* trailing byte kept */
	static const uint8_t max_short[129] = { 0x04, 0x7f };

	check_one(empty_seq, sizeof(empty_seq), MT_DER_SEQUENCE, 2, 0);
	check_one(int1, sizeof(int1), MT_DER_INTEGER, 2, 1);
	check_one(max_short, sizeof(max_short), MT_DER_OCTET_STRING, 2, 127);
}

static void test_long_length(void **state)
{
	static uint8_t l81[3 + 200] = { 0x04, 0x81, 200 };
	static uint8_t l82[4 + 300] = { 0x04, 0x82, 0x01, 0x2c };
	/* Not minimal, but OpenSSL accepts these, and so do we. */
	static const uint8_t l81_small[] = { 0x04, 0x81, 0x01, 0xaa };
	static const uint8_t l82_zero[] = { 0x04, 0x82, 0x00, 0x01, 0xaa };
	static const uint8_t l88[] = { 0x04, 0x88, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xaa };

	check_one(l81, sizeof(l81), MT_DER_OCTET_STRING, 3, 200);
	check_one(l82, sizeof(l82), MT_DER_OCTET_STRING, 4, 300);
	check_one(l81_small, sizeof(l81_small), MT_DER_OCTET_STRING, 3, 1);
	check_one(l82_zero, sizeof(l82_zero), MT_DER_OCTET_STRING, 4, 1);
	check_one(l88, sizeof(l88), MT_DER_OCTET_STRING, 10, 1);
}

static void test_bad_length(void **state)
{
	static const uint8_t indefinite[] = { 0x30, 0x80, 0x02, 0x01, 0x01, 0x00, 0x00 };
	static const uint8_t l89[] = { 0x04, 0x89, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xaa };
	static const uint8_t lff[] = { 0x04, 0xff, 0x01, 0xaa };
	static const uint8_t beyond[] = { 0x04, 0x05, 0x01, 0x02 };
	static const uint8_t beyond_long[] = { 0x04, 0x82, 0x01, 0x00, 0x01 };
	static const uint8_t huge[] = { 0x04, 0x88, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t len_cut[] = { 0x04, 0x82, 0x01 };
	static const uint8_t no_len[] = { 0x04 };
	static const uint8_t eoc[] = { 0x00, 0x00 };

	check_bad(indefinite, sizeof(indefinite));
	check_bad(l89, sizeof(l89));
	check_bad(lff, sizeof(lff));
	check_bad(beyond, sizeof(beyond));
	check_bad(beyond_long, sizeof(beyond_long));
	check_bad(huge, sizeof(huge));
	check_bad(len_cut, sizeof(len_cut));
	check_bad(no_len, sizeof(no_len));
	check_bad(eoc, sizeof(eoc));
	check_bad(eoc, 0);
}

static void test_tags(void **state)
{
	static const uint8_t tag0_data[] = { 0x00, 0x01, 0x00 };
	static const uint8_t ctx3[] = { 0x83, 0x01, 0x07 };
	static const uint8_t hi32[] = { 0x1f, 0x20, 0x01, 0xaa };
	static const uint8_t hi_big[] = { 0xbf, 0x81, 0x80, 0x01, 0x00 };
	/* A low tag number in the long form folds back to the short one. */
	static const uint8_t hi_seq[] = { 0x3f, 0x10, 0x00 };
	static const uint8_t hi_zeros[] = { 0x1f, 0x80, 0x80, 0x0c, 0x01, 0x41 };
	static const uint8_t hi_cut[] = { 0x1f, 0x81 };
	static const uint8_t hi_only[] = { 0x1f };
	static const uint8_t hi_overflow[] = { 0x1f, 0x88, 0x80, 0x80, 0x00, 0x00 };

	check_one(tag0_data, sizeof(tag0_data), 0x00, 2, 1);
	check_one(ctx3, sizeof(ctx3), MT_DER_CONTEXT_PRIM(3), 2, 1);
	check_one(hi32, sizeof(hi32), 0x1f | 32u << 8, 3, 1);
	assert_int_equal(mt_der_tag_number(0x1f | 32u << 8), 32);
	check_one(hi_big, sizeof(hi_big), 0xbf | (1u << 14 | 1) << 8, 5, 0);
	assert_true(mt_der_is_constructed(0xbf | (1u << 14 | 1) << 8));
	assert_int_equal(mt_der_class(0xbf), 0x80);
	check_one(hi_seq, sizeof(hi_seq), MT_DER_SEQUENCE, 3, 0);
	check_one(hi_zeros, sizeof(hi_zeros), MT_DER_UTF8STRING, 5, 1);
	check_bad(hi_cut, sizeof(hi_cut));
	check_bad(hi_only, sizeof(hi_only));
	check_bad(hi_overflow, sizeof(hi_overflow));
}

static void test_nested(void **state)
{
	/* SEQUENCE { INTEGER 1, SET { OID 2.5.4.3 }, [0] { NULL } } */
	static const uint8_t buf[] = {
		0x30, 0x0e,
		0x02, 0x01, 0x01,
		0x31, 0x05, 0x06, 0x03, 0x55, 0x04, 0x03,
		0xa0, 0x02, 0x05, 0x00,
	};
	static const uint8_t cn[] = { 0x55, 0x04, 0x03 };
	struct mt_der d = CURSOR(buf), seq, set, ctx;
	struct mt_der_elem e, inner;

	assert_true(mt_der_expect(&d, MT_DER_SEQUENCE, &e));
	assert_true(mt_der_at_end(&d));
	seq = mt_der_enter(&e);
	assert_true(mt_der_expect(&seq, MT_DER_INTEGER, &inner));
	assert_true(mt_der_integer_valid(&inner));
	/* Wrong tag: cursor unchanged. */
	assert_false(mt_der_expect(&seq, MT_DER_SEQUENCE, &inner));
	assert_false(mt_der_optional(&seq, MT_DER_CONTEXT(0), &inner));
	assert_true(mt_der_expect(&seq, MT_DER_SET, &inner));
	set = mt_der_enter(&inner);
	assert_true(mt_der_next(&set, &e));
	assert_true(mt_der_oid_eq(&e, cn, sizeof(cn)));
	assert_true(mt_der_at_end(&set));
	assert_false(mt_der_next(&set, &e));
	assert_true(mt_der_optional(&seq, MT_DER_CONTEXT(0), &inner));
	ctx = mt_der_enter(&inner);
	assert_true(mt_der_expect(&ctx, MT_DER_NULL, &e));
	assert_int_equal(e.len, 0);
	assert_true(mt_der_at_end(&ctx));
	assert_true(mt_der_at_end(&seq));
}

static void test_inner_overrun(void **state)
{
	/* The SEQUENCE fits, but the INTEGER inside claims more than it. */
	static const uint8_t buf[] = { 0x30, 0x03, 0x02, 0x05, 0x01, 0x02, 0x03, 0x04, 0x05 };
	struct mt_der d = CURSOR(buf), seq;
	struct mt_der_elem e;

	assert_true(mt_der_next(&d, &e));
	assert_int_equal(e.len, 3);
	seq = mt_der_enter(&e);
	assert_false(mt_der_next(&seq, &e));
}

static void test_oid(void **state)
{
	static const uint8_t sha256[] = { 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01 };
	struct mt_der_elem e = { MT_DER_OID, sha256, sizeof(sha256), 2 };
	static const uint8_t cut[] = { 0x55, 0x84 };
	static const uint8_t lead80[] = { 0x55, 0x80, 0x04 };
	static const uint8_t lead80_first[] = { 0x80, 0x01 };
	static const uint8_t inner80[] = { 0x55, 0x81, 0x80, 0x01 };

	assert_true(mt_der_oid_valid(&e));
	assert_true(mt_der_oid_eq(&e, sha256, sizeof(sha256)));
	assert_false(mt_der_oid_eq(&e, sha256, sizeof(sha256) - 1));
	e.tag = MT_DER_OCTET_STRING;
	assert_false(mt_der_oid_eq(&e, sha256, sizeof(sha256)));
	assert_false(mt_der_oid_valid(&e));
	e.tag = MT_DER_OID;
	e.len = 0;
	assert_false(mt_der_oid_valid(&e));
	e = (struct mt_der_elem){ MT_DER_OID, cut, sizeof(cut), 2 };
	assert_false(mt_der_oid_valid(&e));
	e = (struct mt_der_elem){ MT_DER_OID, lead80, sizeof(lead80), 2 };
	assert_false(mt_der_oid_valid(&e));
	e = (struct mt_der_elem){ MT_DER_OID, lead80_first, sizeof(lead80_first), 2 };
	assert_false(mt_der_oid_valid(&e));
	/* 0x80 inside a sub-identifier is an ordinary digit. */
	e = (struct mt_der_elem){ MT_DER_OID, inner80, sizeof(inner80), 2 };
	assert_true(mt_der_oid_valid(&e));
}

static bool int_ok(const uint8_t *p, size_t n)
{
	struct mt_der_elem e = { MT_DER_INTEGER, p, n, 2 };

	return mt_der_integer_valid(&e);
}

static void test_integer(void **state)
{
	assert_true(int_ok((const uint8_t[]){ 0x00 }, 1));
	assert_true(int_ok((const uint8_t[]){ 0xff }, 1));
	assert_true(int_ok((const uint8_t[]){ 0x00, 0x80 }, 2));
	assert_true(int_ok((const uint8_t[]){ 0xff, 0x7f }, 2));
	assert_true(int_ok((const uint8_t[]){ 0xff, 0x00 }, 2));
	assert_true(int_ok((const uint8_t[]){ 0x01, 0x00 }, 2));
	assert_false(int_ok((const uint8_t[]){ 0 }, 0));
	assert_false(int_ok((const uint8_t[]){ 0x00, 0x7f }, 2));
	assert_false(int_ok((const uint8_t[]){ 0x00, 0x00 }, 2));
	assert_false(int_ok((const uint8_t[]){ 0xff, 0x80 }, 2));
	assert_false(int_ok((const uint8_t[]){ 0xff, 0xff }, 2));
}

/* Walk everything recursively; every element must lie inside its parent. */
static unsigned int walk(const uint8_t *p, size_t len, unsigned int depth)
{
	struct mt_der d = { p, len };
	struct mt_der_elem e;
	unsigned int n = 0;

	while (mt_der_next(&d, &e)) {
		assert_true(e.data >= p && e.data + e.len <= p + len);
		assert_true(e.hdr_len >= 2 && e.data - e.hdr_len >= p);
		n++;
		if (mt_der_is_constructed(e.tag) && depth < 64)
			n += walk(e.data, e.len, depth + 1);
	}
	assert_true(d.p >= p && d.p + d.len == p + len);
	return n;
}

static void test_garbage(void **state)
{
	static const uint8_t favourites[] = { 0x00, 0x1f, 0x30, 0x31, 0x7f, 0x80, 0x81, 0x82,
					      0x84, 0x88, 0x89, 0xa0, 0xff };
	uint8_t buf[64];
	uint32_t x = 12345;
	unsigned int total = 0;
	int round;
	size_t i;

	for (round = 0; round < 100000; round++) {
		size_t len = round % sizeof(buf);
		uint8_t *copy;

		for (i = 0; i < len; i++) {
			x = x * 1103515245 + 12345;
			buf[i] = (x >> 16) & 1 ? favourites[(x >> 17) % sizeof(favourites)] : x >> 24;
		}
		/* Exact-size heap copies let ASan and valgrind see any overrun. */
		copy = malloc(len ? len : 1);
		assert_non_null(copy);
		memcpy(copy, buf, len);
		total += walk(copy, len, 0);
		free(copy);
	}
	assert_true(total > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_length),
		cmocka_unit_test(test_long_length),
		cmocka_unit_test(test_bad_length),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_inner_overrun),
		cmocka_unit_test(test_oid),
		cmocka_unit_test(test_integer),
		cmocka_unit_test(test_garbage),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
