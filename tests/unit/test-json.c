// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The JSON writer (base/output.c), its exact bytes: commas and colons at
 * every nesting, null, numbers at their limits, booleans; every byte from
 * 0x01 to 0xff alone in a string against a table written here; valid UTF-8
 * at the edges of each sequence length kept as it is; each kind of invalid
 * UTF-8 (stray continuation, truncated, overlong, surrogate, past U+10FFFF,
 * 0xf5-0xff) one U+FFFD per byte; long strings across the buffer; a write
 * error returned by modtool_json_free(); nesting past the depth limit.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/internal.h"
#include "test-util.h"

/* What @fill wrote through a writer, as a NUL-terminated heap string. */
static char *written(void (*fill)(struct modtool_json *, const void *), const void *arg)
{
	int fd = memfd_create("test-json", MFD_CLOEXEC);
	struct modtool_json *j;
	off_t size;
	char *out;

	assert_true(fd >= 0);
	j = modtool_json_new(fd);
	assert_non_null(j);
	fill(j, arg);
	assert_int_equal(modtool_json_free(j), 0);
	size = lseek(fd, 0, SEEK_END);
	assert_true(size > 0);
	out = malloc(size + 1);
	assert_non_null(out);
	assert_int_equal(pread(fd, out, size, 0), size);
	out[size] = '\0';
	close(fd);
	return out;
}

static void fill_string(struct modtool_json *j, const void *s)
{
	modtool_json_string(j, s);
}

/* @in as a JSON string must be exactly @want (without the quotes and newline). */
static void check_string(const char *in, const char *want)
{
	char *out = written(fill_string, in);
	size_t n = strlen(want);

	if (strlen(out) != n + 3 || out[0] != '"' || memcmp(out + 1, want, n) != 0 ||
	    strcmp(out + 1 + n, "\"\n") != 0)
		fail_msg("wanted \"%s\", got %s", want, out);
	free(out);
}

static void fill_nested(struct modtool_json *j, const void *arg)
{
	(void)arg;
	modtool_json_begin_object(j);
	modtool_json_key(j, "a");
	modtool_json_begin_array(j);
	modtool_json_int(j, 1);
	modtool_json_int(j, LLONG_MIN);
	modtool_json_int(j, LLONG_MAX);
	modtool_json_begin_object(j);
	modtool_json_end_object(j);
	modtool_json_begin_array(j);
	modtool_json_end_array(j);
	modtool_json_string(j, NULL);
	modtool_json_bool(j, true);
	modtool_json_bool(j, false);
	modtool_json_end_array(j);
	modtool_json_key(j, "b\"");
	modtool_json_begin_object(j);
	modtool_json_key(j, "c");
	modtool_json_string(j, "");
	modtool_json_key(j, "d");
	modtool_json_begin_array(j);
	modtool_json_string(j, "x");
	modtool_json_end_array(j);
	modtool_json_end_object(j);
	modtool_json_key(j, NULL);
	modtool_json_int(j, -1);
	modtool_json_end_object(j);
}

static void test_structure(void **state)
{
	char *out = written(fill_nested, NULL);

	(void)state;
	assert_string_equal(out, "{\"a\":[1,-9223372036854775808,9223372036854775807,{},[],"
			    "null,true,false],\"b\\\"\":{\"c\":\"\",\"d\":[\"x\"]},\"\":-1}\n");
	free(out);
}

static void fill_members(struct modtool_json *j, const void *arg)
{
	(void)arg;
	modtool_json_begin_object(j);
	modtool_json_member_string(j, "s", "v\x01");
	modtool_json_member_string(j, "n", NULL);
	modtool_json_member_int(j, "i", -42);
	modtool_json_member_bool(j, "b", true);
	modtool_json_end_object(j);
}

/* The one-call members write what a key and a value would. */
static void test_members(void **state)
{
	char *out = written(fill_members, NULL);

	(void)state;
	assert_string_equal(out, "{\"s\":\"v\\u0001\",\"n\":null,\"i\":-42,\"b\":true}\n");
	free(out);
}

static void fill_nothing(struct modtool_json *j, const void *arg)
{
	(void)j;
	(void)arg;
}

static void fill_two_values(struct modtool_json *j, const void *arg)
{
	(void)arg;
	modtool_json_begin_array(j);
	modtool_json_end_array(j);
	modtool_json_begin_array(j);
	modtool_json_end_array(j);
}

/* A writer used for nothing writes the newline only; a NULL writer is ignored. */
static void test_empty_and_null(void **state)
{
	char *out = written(fill_nothing, NULL);

	(void)state;
	assert_string_equal(out, "\n");
	free(out);
	out = written(fill_two_values, NULL);
	assert_string_equal(out, "[],[]\n");	/* siblings at the top level, as anywhere */
	free(out);
	modtool_json_begin_object(NULL);
	modtool_json_key(NULL, "k");
	modtool_json_string(NULL, "v");
	modtool_json_int(NULL, 1);
	modtool_json_bool(NULL, true);
	modtool_json_end_object(NULL);
	assert_int_equal(modtool_json_free(NULL), -ENOMEM);
}

/* Every single byte, against the rules of libmodtool.h written out as a table. */
static void test_every_byte(void **state)
{
	static const char *const controls[0x20] = {
		NULL, "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
		"\\b", "\\t", "\\n", "\\u000b", "\\f", "\\r", "\\u000e", "\\u000f",
		"\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016",
		"\\u0017", "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d",
		"\\u001e", "\\u001f",
	};

	(void)state;
	for (int c = 1; c < 256; c++) {
		char in[2] = { (char)c, 0 }, plain[2] = { (char)c, 0 };
		const char *want = plain;

		if (c < 0x20)
			want = controls[c];
		else if (c == '"')
			want = "\\\"";
		else if (c == '\\')
			want = "\\\\";
		else if (c == 0x7f)
			want = "\\u007f";
		else if (c >= 0x80)
			want = "\\ufffd";	/* no byte above 0x7f is a sequence alone */
		check_string(in, want);
	}
}

static void test_valid_utf8(void **state)
{
	static const char *const valid[] = {
		"\xc2\x80",		/* U+0080, the first two-byte one */
		"\xc3\xa9",		/* é */
		"\xdf\xbf",		/* U+07FF */
		"\xe0\xa0\x80",		/* U+0800 */
		"\xe2\x82\xac",		/* € */
		"\xed\x9f\xbf",		/* U+D7FF, below the surrogates */
		"\xee\x80\x80",		/* U+E000, above them */
		"\xef\xbf\xbd",		/* U+FFFD itself */
		"\xef\xbf\xbf",		/* U+FFFF */
		"\xe2\x80\xa8",		/* U+2028, valid JSON as it is */
		"\xf0\x90\x80\x80",	/* U+10000 */
		"\xf0\x9d\x84\x9e",	/* 𝄞 */
		"\xf4\x8f\xbf\xbf",	/* U+10FFFF, the last */
		"a\xc3\xa9z\xe2\x82\xac\xf0\x9d\x84\x9e",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(valid) / sizeof(valid[0]); i++)
		check_string(valid[i], valid[i]);
}

static void test_invalid_utf8(void **state)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "\x80", "\\ufffd" },				/* stray continuation */
		{ "a\xbf" "b", "a\\ufffdb" },
		{ "\xc3", "\\ufffd" },				/* truncated at the end */
		{ "\xc3z", "\\ufffdz" },			/* truncated by a plain byte */
		{ "\xe2\x82", "\\ufffd\\ufffd" },
		{ "\xe2\x82z", "\\ufffd\\ufffdz" },
		{ "\xf0\x9d\x84", "\\ufffd\\ufffd\\ufffd" },
		{ "\xf0\x9d\x84\"", "\\ufffd\\ufffd\\ufffd\\\"" },
		{ "\xc0\x80", "\\ufffd\\ufffd" },		/* overlong NUL */
		{ "\xc1\xbf", "\\ufffd\\ufffd" },		/* overlong DEL */
		{ "\xe0\x80\x80", "\\ufffd\\ufffd\\ufffd" },	/* overlong three-byte */
		{ "\xe0\x9f\xbf", "\\ufffd\\ufffd\\ufffd" },
		{ "\xf0\x80\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd" },
		{ "\xf0\x8f\xbf\xbf", "\\ufffd\\ufffd\\ufffd\\ufffd" },
		{ "\xed\xa0\x80", "\\ufffd\\ufffd\\ufffd" },	/* U+D800 */
		{ "\xed\xbf\xbf", "\\ufffd\\ufffd\\ufffd" },	/* U+DFFF */
		{ "\xf4\x90\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd" },	/* U+110000 */
		{ "\xf5\x80\x80\x80", "\\ufffd\\ufffd\\ufffd\\ufffd" },
		{ "\xff\xfe", "\\ufffd\\ufffd" },
		/* a valid sequence right after an invalid byte is kept */
		{ "\xe2\xc3\xa9", "\\ufffd\xc3\xa9" },
		{ "\xf0\xe2\x82\xac", "\\ufffd\xe2\x82\xac" },
		/* a control byte inside a would-be sequence ends it */
		{ "\xe2\n", "\\ufffd\\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		check_string(cases[i].in, cases[i].want);
}

/* Strings longer than the buffer, with escapes across its end, in one piece. */
static void test_long_strings(void **state)
{
	size_t n = 100000;
	char *in = malloc(n + 1), *want = malloc(2 * n + 1);

	(void)state;
	assert_non_null(in);
	assert_non_null(want);
	for (size_t i = 0; i < n; i++)
		in[i] = i % 7 == 3 ? '"' : 'a' + i % 26;
	in[n] = '\0';
	for (size_t i = 0, o = 0; i <= n; i++) {
		if (in[i] == '"')
			want[o++] = '\\';
		want[o++] = in[i];
	}
	check_string(in, want);
	free(in);
	free(want);
}

static void fill_deep(struct modtool_json *j, const void *arg)
{
	int depth = *(const int *)arg;

	for (int i = 0; i < depth; i++)
		modtool_json_begin_array(j);
	for (int i = 0; i < depth; i++)
		modtool_json_end_array(j);
}

/* 64 levels nest; the 65th is refused at the end with -E2BIG. */
static void test_depth(void **state)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC), depth = 64;
	struct modtool_json *j;
	char *out;

	(void)state;
	out = written(fill_deep, &depth);
	assert_int_equal(strlen(out), 129);
	free(out);
	assert_true(fd >= 0);
	j = modtool_json_new(fd);
	depth = 65;
	fill_deep(j, &depth);
	assert_int_equal(modtool_json_free(j), -E2BIG);
	close(fd);
}

/* A full disk: the error comes back from modtool_json_free(), once. */
static void test_write_error(void **state)
{
	int fd = open("/dev/full", O_WRONLY | O_CLOEXEC);
	struct modtool_json *j;

	(void)state;
	if (fd < 0)
		skip();
	j = modtool_json_new(fd);
	assert_non_null(j);
	modtool_json_begin_array(j);
	for (int i = 0; i < 10000; i++)
		modtool_json_string(j, "a string that fills the buffer many times over");
	modtool_json_end_array(j);
	assert_int_equal(modtool_json_free(j), -ENOSPC);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_structure),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_empty_and_null),
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_valid_utf8),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_long_strings),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_write_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
