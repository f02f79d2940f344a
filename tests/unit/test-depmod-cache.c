// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the incremental cache (src/depmod/cache.c) and of the records it
 * holds (src/depmod/record.c): a cache written and read back gives every record
 * unchanged; a module whose size, mtime or inode changed is parsed again; a
 * corrupt cache (cut short anywhere, any byte flipped, a wrong magic, a lying
 * count) is ignored whole, so everything is parsed again: never a crash,
 * never a record from a damaged file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cmocka.h>

#include "depmod/depmod.h"
#include "base/internal.h"

static char dir[] = "/tmp/test-depmod-cache-XXXXXX";
static char cachefile[256];

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	snprintf(cachefile, sizeof(cachefile), "%s/%s", dir, MT_DEPMOD_CACHE_NAME);
	return 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static const char *const names[] = { "alpha", "beta", "gamma" };
#define N_MODS (sizeof(names) / sizeof(names[0]))

/* A record with one alias, one export and one weak import named after @name. */
static struct mt_record make_record(const char *name)
{
	struct mt_buf b = { 0 };
	char s[64];

	mt_record_put_u32(&b, 1);
	snprintf(s, sizeof(s), "alias=%s-alias", name);
	mt_buf_put(&b, s, strlen(s) + 1);
	mt_record_put_u32(&b, 1);
	mt_record_put_u64(&b, 0x1234);
	snprintf(s, sizeof(s), "%s_export", name);
	mt_buf_put(&b, s, strlen(s) + 1);
	mt_record_put_u32(&b, 1);
	mt_record_put_u64(&b, 0x5678);
	mt_buf_putc(&b, 1);
	mt_buf_put(&b, "printk", 7);
	assert_int_equal(b.err, 0);
	return (struct mt_record){ (uint8_t *)b.p, b.len };
}

/* A run over modules alpha, beta, gamma, with records when @parsed. */
static void run_init(struct mt_depmod_run *run, bool parsed)
{
	memset(run, 0, sizeof(*run));
	assert_int_equal(modtool_ctx_new(dir, &run->ctx), 0);
	modtool_ctx_set_log_fn(run->ctx, NULL, NULL);
	run->dirname = dir;
	run->dirnamelen = strlen(dir);
	run->mods = calloc(N_MODS, sizeof(*run->mods));
	for (size_t i = 0; i < N_MODS; i++) {
		struct mt_dm_module *m = calloc(1, sizeof(*m));

		assert_true(asprintf(&m->path, "%s/kernel/%s.ko", dir, names[i]) > 0);
		m->relpath = m->path + strlen(dir) + 1;
		m->name = strdup(names[i]);
		m->file_size = 1000 + i;
		m->mtime_ns = 1700000000000000000 + (int64_t)i;
		m->ino = 42 + i;
		m->dev = 7;
		if (parsed)
			m->rec = make_record(names[i]);
		run->mods[run->n_mods++] = m;
	}
}

static void run_done(struct mt_depmod_run *run)
{
	struct modtool_ctx *ctx = run->ctx;

	for (size_t i = 0; i < run->n_mods; i++)
		mt_dm_module_free(run->mods[i]);
	free(run->mods);
	if (run->cache_map)
		munmap(run->cache_map, run->cache_size);
	modtool_ctx_free(ctx);
}

static void write_bytes(const void *p, size_t len)
{
	FILE *f = fopen(cachefile, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(p, 1, len, f), len);
	fclose(f);
}

/* The cache of a parsed run, as bytes (caller frees). */
static struct mt_buf good_cache(void)
{
	struct mt_depmod_run run;
	struct mt_buf out = { 0 };

	run_init(&run, true);
	assert_int_equal(mt_depmod_cache_build(&run, &out), 0);
	run_done(&run);
	return out;
}

/* Apply the cache file to a fresh run: how many records it gave. */
static size_t hits(void (*change)(struct mt_depmod_run *))
{
	struct mt_depmod_run run;
	size_t n;

	run_init(&run, false);
	if (change)
		change(&run);
	assert_int_equal(mt_depmod_cache_apply(&run, cachefile), 0);
	n = run.cache_hits;
	for (size_t i = 0; i < run.n_mods; i++) {
		struct mt_record want = make_record(names[i]);
		const struct mt_dm_module *m = run.mods[i];

		if (m->from_cache) {
			assert_int_equal(m->rec.size, want.size);
			assert_memory_equal(m->rec.data, want.data, want.size);
		} else {
			assert_null(m->rec.data);
		}
		free(want.data);
	}
	run_done(&run);
	return n;
}

static void test_round_trip(void **state)
{
	struct mt_buf c = good_cache();

	(void)state;
	write_bytes(c.p, c.len);
	assert_int_equal(hits(NULL), N_MODS);
	mt_buf_free(&c);
}

static void newer_beta(struct mt_depmod_run *run)
{
	run->mods[1]->mtime_ns++;
}

static void bigger_gamma(struct mt_depmod_run *run)
{
	run->mods[2]->file_size++;
}

static void replaced_alpha(struct mt_depmod_run *run)
{
	run->mods[0]->ino++;
}

static void test_changed_modules(void **state)
{
	struct mt_buf c = good_cache();

	(void)state;
	write_bytes(c.p, c.len);
	assert_int_equal(hits(newer_beta), N_MODS - 1);
	assert_int_equal(hits(bigger_gamma), N_MODS - 1);
	assert_int_equal(hits(replaced_alpha), N_MODS - 1);
	mt_buf_free(&c);
}

static void test_missing(void **state)
{
	(void)state;
	unlink(cachefile);
	assert_int_equal(hits(NULL), 0);
}

static void test_truncated_anywhere(void **state)
{
	struct mt_buf c = good_cache();

	(void)state;
	for (size_t len = 0; len < c.len; len++) {
		write_bytes(c.p, len);
		assert_int_equal(hits(NULL), 0);
	}
	mt_buf_free(&c);
}

static void test_flipped_anywhere(void **state)
{
	struct mt_buf c = good_cache();

	(void)state;
	for (size_t at = 0; at < c.len; at++) {
		c.p[at] ^= 0x20;
		write_bytes(c.p, c.len);
		assert_int_equal(hits(NULL), 0);
		c.p[at] ^= 0x20;
	}
	mt_buf_free(&c);
}

static void test_garbage(void **state)
{
	static const char junk[] = "MTDEPC02\xff\xff\xff\x7f not a cache at all, just text";
	struct mt_buf c = good_cache();

	(void)state;
	write_bytes(junk, sizeof(junk));
	assert_int_equal(hits(NULL), 0);
	/* a valid file with more after it: its checksum no longer matches */
	mt_buf_put(&c, "extra", 5);
	write_bytes(c.p, c.len);
	assert_int_equal(hits(NULL), 0);
	mt_buf_free(&c);
}

/* Records are checked whole before a single field is used. */
static void test_record_valid(void **state)
{
	struct mt_record r = make_record("x");

	(void)state;
	assert_true(mt_record_valid(r.data, r.size));
	for (size_t len = 0; len < r.size; len++)
		assert_false(mt_record_valid(r.data, len));
	r.data[0] = 200;	/* 200 info strings: there are not that many */
	assert_false(mt_record_valid(r.data, r.size));
	free(r.data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_changed_modules),
		cmocka_unit_test(test_missing),
		cmocka_unit_test(test_truncated_anywhere),
		cmocka_unit_test(test_flipped_anywhere),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_record_valid),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
