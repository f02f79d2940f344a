/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What several unit tests share: sanitizer detection, a log capture, running
 * a command, finding the real module trees, whole files written and read
 * (with cmocka's asserts: include cmocka.h first).
 */
#ifndef MODTOOL_TEST_UTIL_H
#define MODTOOL_TEST_UTIL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "build-config.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/*
 * A test of a library left out of the build (meson -Dxz=disabled,
 * -Dlibcrypto=disabled...) is skipped, saying so: @feature is the build's
 * macro suffix (XZ, ZSTD, ZLIB, LZ4, BZIP2, LIBCRYPTO).  What the library does
 * instead (-ENOTSUP, "... was not built in") is tested where a file meets it.
 */
#define NEED_BUILT_IN(feature) \
	do { \
		if (!ENABLE_##feature) { \
			print_message("built without " #feature ": skipped\n"); \
			skip(); \
		} \
	} while (0)

/* The library's messages, kept for the test to look at (install with
 * modtool_ctx_set_log_fn(ctx, capture_log, &capture)). */
struct log_capture {
	char text[16384];
	size_t len;
	int count;
};

__attribute__((format(printf, 3, 0), unused))
static void capture_log(void *data, int priority, const char *format, va_list args)
{
	struct log_capture *lc = data;
	int n;

	lc->count++;
	if (lc->len + 1 >= sizeof(lc->text))
		return;
	n = vsnprintf(lc->text + lc->len, sizeof(lc->text) - lc->len, format, args);
	if (n > 0)
		lc->len += (size_t)n < sizeof(lc->text) - lc->len ? (size_t)n
								  : sizeof(lc->text) - lc->len - 1;
}

/*
 * Run a shell command made from @fmt: its exit status, or -1 when it did
 * not run or was killed.  (The tests' fixtures are made with xz, gzip...)
 */
__attribute__((format(printf, 1, 2), unused))
static int run_status(const char *fmt, ...)
{
	char cmd[16384];
	va_list args;
	int n, status;

	va_start(args, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, args);
	va_end(args);
	if (n <= 0 || (size_t)n >= sizeof(cmd)) {
		fprintf(stderr, "command too long: %.80s...\n", cmd);
		return -1;
	}
	status = system(cmd);
	return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/*
 * The directory of the real Debian trees (TREES/6.1, TREES/6.12), from
 * tests/fetch-trees.sh (under $MODTOOL_SRCDIR), which downloads them once
 * and prints the directory last: malloc()ed, or NULL when they cannot be had.
 */
__attribute__((unused))
static char *test_trees_dir(void)
{
	const char *srcdir = getenv("MODTOOL_SRCDIR");
	char cmd[PATH_MAX + 64], line[PATH_MAX] = "";
	size_t len;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "sh '%s/tests/fetch-trees.sh'", srcdir ? srcdir : ".");
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	while (fgets(line, sizeof(line), p))
		;
	if (pclose(p) != 0)
		return NULL;
	len = strlen(line);
	while (len && line[len - 1] == '\n')
		line[--len] = '\0';
	return len ? strdup(line) : NULL;
}

/* Write @size bytes of @data to @path (created or truncated). */
__attribute__((unused))
static void write_file(const char *path, const void *data, size_t size)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	if (size)	/* no fwrite() of a NULL buffer, which UBSan reports */
		assert_int_equal(fwrite(data, 1, size, f), size);
	assert_int_equal(fclose(f), 0);
}

/* @text into @root/@rel, directories made as needed (fake /proc and /sys trees). */
__attribute__((unused))
static void write_under(const char *root, const char *rel, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	assert_int_equal(run_status("mkdir -p \"$(dirname '%s')\"", path), 0);
	write_file(path, text, strlen(text));
}

/* All of @path in an exact-size heap buffer (so overreads are caught), its length in *@size. */
__attribute__((unused))
static uint8_t *read_file(const char *path, size_t *size)
{
	struct stat st;
	uint8_t *buf;
	FILE *f = fopen(path, "rb");

	assert_non_null(f);
	assert_int_equal(fstat(fileno(f), &st), 0);
	*size = st.st_size;
	buf = malloc(*size ? *size : 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, *size, f), *size);
	fclose(f);
	return buf;
}

#endif
