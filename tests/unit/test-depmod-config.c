// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of depmod.d parsing (src/depmod/config.c) on files written here:
 * search with built-in and external, override and external matched against
 * the kernel version, exclude, continued lines, bad lines reported with file
 * and line, files read in name order with the first of a name winning.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "depmod/depmod.h"
#include "base/internal.h"

static char dir[] = "/tmp/test-depmod-config-XXXXXX";
static char logged[4096];

static void capture(void *data, int priority, const char *format, va_list args)
{
	size_t len = strlen(logged);

	(void)data;
	(void)priority;
	vsnprintf(logged + len, sizeof(logged) - len, format, args);
}

static void write_file(const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Load @n paths under dir (files or directories) for @kversion. */
static struct modtool_ctx *load(struct mt_depmod_cfg *cfg, const char *const *names, size_t n,
				const char *kversion)
{
	struct modtool_ctx *ctx;
	char *paths[8];

	assert_true(n <= 8);
	assert_int_equal(modtool_ctx_new(dir, &ctx), 0);
	modtool_ctx_set_log_fn(ctx, capture, NULL);
	modtool_ctx_set_log_priority(ctx, LOG_DEBUG);
	logged[0] = 0;
	for (size_t i = 0; i < n; i++)
		assert_true(asprintf(&paths[i], "%s/%s", dir, names[i]) > 0);
	memset(cfg, 0, sizeof(*cfg));
	assert_int_equal(mt_depmod_cfg_load(ctx, cfg, paths, n, kversion), 0);
	for (size_t i = 0; i < n; i++)
		free(paths[i]);
	return ctx;
}

static void test_search(void **state)
{
	const char *names[] = { "search.conf" };
	struct mt_depmod_cfg cfg;
	struct modtool_ctx *ctx;

	(void)state;
	write_file("search.conf", "# comment\n"
		   "search updates/ extra built-in\n"
		   "search\texternal  weak-updates//\n");
	ctx = load(&cfg, names, 1, "6.1.0");
	assert_int_equal(cfg.n_searches, 5);
	assert_int_equal(cfg.searches[0].type, MT_SEARCH_PATH);
	assert_string_equal(cfg.searches[0].path, "updates");	/* trailing '/' dropped */
	assert_string_equal(cfg.searches[1].path, "extra");
	assert_int_equal(cfg.searches[2].type, MT_SEARCH_BUILTIN);
	assert_int_equal(cfg.searches[3].type, MT_SEARCH_EXTERNAL);
	assert_string_equal(cfg.searches[4].path, "weak-updates");
	assert_string_equal(logged, "");
	mt_depmod_cfg_free(&cfg);
	modtool_ctx_free(ctx);
}

static void test_default_search(void **state)
{
	const char *names[] = { "nothing-here" };
	struct mt_depmod_cfg cfg;
	struct modtool_ctx *ctx;

	(void)state;
	ctx = load(&cfg, names, 1, "6.1.0");	/* a missing path is not an error */
	assert_int_equal(cfg.n_searches, 1);
	assert_string_equal(cfg.searches[0].path, "updates");
	mt_depmod_cfg_free(&cfg);
	modtool_ctx_free(ctx);
}

static void test_override_and_external(void **state)
{
	const char *names[] = { "o.conf" };
	struct mt_depmod_cfg cfg;
	struct modtool_ctx *ctx;

	(void)state;
	write_file("o.conf", "override snd-hda-intel * updates/sound/\n"
		   "override e1000e 6\\.1\\..* extra\n"
		   "override nvme 5\\..* extra\n"
		   "external 6.1.* /opt/mods /srv/mods\n"
		   "external ^5\\. /never\n"
		   "exclude build-cache source2\n");
	ctx = load(&cfg, names, 1, "6.1.0-56-amd64");
	assert_int_equal(cfg.n_overrides, 2);
	assert_string_equal(cfg.overrides[0].modname, "snd_hda_intel");	/* normalized */
	assert_string_equal(cfg.overrides[0].subdir, "updates/sound");
	assert_string_equal(cfg.overrides[1].modname, "e1000e");
	assert_string_equal(cfg.overrides[1].subdir, "extra");
	assert_int_equal(cfg.n_externals, 2);
	assert_string_equal(cfg.externals[0], "/opt/mods");
	assert_string_equal(cfg.externals[1], "/srv/mods");
	assert_int_equal(cfg.n_excludes, 2);
	assert_string_equal(cfg.excludes[1], "source2");
	/* what did not match is said at info level, naming file and line */
	assert_non_null(strstr(logged, "o.conf:3: override kernel did not match 5\\..*"));
	assert_non_null(strstr(logged, "o.conf:5: external directory did not match ^5\\."));
	mt_depmod_cfg_free(&cfg);
	modtool_ctx_free(ctx);
}

static void test_bad_lines_and_continuation(void **state)
{
	const char *names[] = { "bad.conf" };
	struct mt_depmod_cfg cfg;
	struct modtool_ctx *ctx;

	(void)state;
	write_file("bad.conf", "frobnicate all\n"
		   "override onlyname\n"
		   "search one \\\n"
		   "  two\n"
		   "exclude last-without-newline");
	ctx = load(&cfg, names, 1, "6.1.0");
	assert_non_null(strstr(logged, "bad.conf:1: ignoring bad line starting with 'frobnicate'"));
	assert_non_null(strstr(logged, "bad.conf:2: ignoring bad line starting with 'override'"));
	assert_int_equal(cfg.n_overrides, 0);
	assert_int_equal(cfg.n_searches, 2);	/* the continued line is one line */
	assert_string_equal(cfg.searches[1].path, "two");
	assert_int_equal(cfg.n_excludes, 1);
	assert_string_equal(cfg.excludes[0], "last-without-newline");
	mt_depmod_cfg_free(&cfg);
	modtool_ctx_free(ctx);
}

/* Files sorted by name over all directories; of two with one name the first path's wins. */
static void test_file_order(void **state)
{
	const char *names[] = { "d1", "d2" };
	struct mt_depmod_cfg cfg;
	struct modtool_ctx *ctx;
	char path[512];

	(void)state;
	snprintf(path, sizeof(path), "%s/d1", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/d2", dir);
	mkdir(path, 0755);
	write_file("d1/b.conf", "search from-d1-b\n");
	write_file("d2/b.conf", "search from-d2-b\n");	/* shadowed by d1/b.conf */
	write_file("d2/a.conf", "search from-d2-a\n");
	write_file("d2/c.txt", "search not-a-conf-file\n");
	write_file("d1/.hidden.conf", "search hidden\n");
	ctx = load(&cfg, names, 2, "6.1.0");
	assert_int_equal(cfg.n_searches, 2);
	assert_string_equal(cfg.searches[0].path, "from-d2-a");
	assert_string_equal(cfg.searches[1].path, "from-d1-b");
	mt_depmod_cfg_free(&cfg);
	modtool_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_search),
		cmocka_unit_test(test_default_search),
		cmocka_unit_test(test_override_and_external),
		cmocka_unit_test(test_bad_lines_and_continuation),
		cmocka_unit_test(test_file_order),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
