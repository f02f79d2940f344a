// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the depmod engine's middle: choosing among modules of one
 * name (src/depmod/scan.c: override, search order, built-in, then the smallest
 * path, never readdir order), symbols into dependencies in kmod's order, and
 * cycles reported as kmod reports them (src/depmod/resolve.c).  The expected
 * orders and messages are what kmod 30 gives for the same modules (checked
 * once with crafted .ko files; the tools tests check real trees).
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

static char dir[] = "/tmp/test-depmod-resolve-XXXXXX";
static char logged[4096];

static void capture(void *data, int priority, const char *format, va_list args)
{
	size_t len = strlen(logged);

	(void)data;
	if (priority <= LOG_WARNING)
		vsnprintf(logged + len, sizeof(logged) - len, format, args);
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

static void run_init(struct mt_depmod_run *run, struct mt_depmod_cfg *cfg)
{
	memset(run, 0, sizeof(*run));
	assert_int_equal(modtool_ctx_new(dir, &run->ctx), 0);
	modtool_ctx_set_log_fn(run->ctx, capture, NULL);
	modtool_ctx_set_log_priority(run->ctx, LOG_DEBUG);
	logged[0] = 0;
	run->cfg = cfg;
	run->dirname = modtool_ctx_get_module_dir(run->ctx);
	run->dirnamelen = strlen(run->dirname);
}

static void run_done(struct mt_depmod_run *run)
{
	struct modtool_ctx *ctx = run->ctx;

	for (size_t i = 0; i < run->n_mods; i++)
		mt_dm_module_free(run->mods[i]);
	free(run->mods);
	mt_symtab_free(&run->syms);
	modtool_ctx_free(ctx);
}

/* ---- choosing among duplicates ------------------------------------------ */

static void touch(const char *rel)
{
	char path[512], *slash;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	for (slash = strchr(path + strlen(dir) + 1, '/'); slash; slash = strchr(slash + 1, '/')) {
		*slash = 0;
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fclose(f);
}

static const char *chosen(const struct mt_depmod_run *run, const char *name)
{
	for (size_t i = 0; i < run->n_mods; i++)
		if (mt_streq(run->mods[i]->name, name))
			return run->mods[i]->relpath;
	return NULL;
}

static void test_duplicates(void **state)
{
	struct mt_depmod_cfg cfg = { 0 };
	struct mt_search searches[] = {
		{ MT_SEARCH_PATH, "updates" }, { MT_SEARCH_BUILTIN, NULL }, { MT_SEARCH_PATH, "extra" },
	};
	struct mt_override overrides[] = { { "ovr", "kernel/sub" } };
	char *excludes[] = { "skipme" };
	struct mt_depmod_run run;

	(void)state;
	/* search order: updates before the tree, the tree before extra */
	touch("updates/a.ko");
	touch("kernel/a.ko.xz");
	touch("kernel/b.ko");
	touch("extra/b.ko");
	/* one rank: the smallest relative path, whatever readdir says */
	touch("kernel/z/c.ko");
	touch("kernel/m/c.ko");
	touch("kernel/m-c.ko");	/* "m_c", another module */
	/* override beats search order */
	touch("updates/ovr.ko");
	touch("kernel/sub/ovr.ko");
	/* excluded directories and the build/source links are never walked */
	touch("skipme/d.ko");
	touch("build/e.ko");
	touch("kernel/not-a-module.txt");
	cfg.searches = searches;
	cfg.n_searches = 3;
	cfg.overrides = overrides;
	cfg.n_overrides = 1;
	cfg.excludes = excludes;
	cfg.n_excludes = 1;
	run_init(&run, &cfg);
	assert_int_equal(mt_depmod_scan(&run), 0);
	assert_int_equal(run.n_mods, 5);
	assert_string_equal(chosen(&run, "a"), "updates/a.ko");
	assert_string_equal(chosen(&run, "b"), "kernel/b.ko");
	assert_string_equal(chosen(&run, "c"), "kernel/m/c.ko");
	assert_string_equal(chosen(&run, "m_c"), "kernel/m-c.ko");
	assert_string_equal(chosen(&run, "ovr"), "kernel/sub/ovr.ko");
	assert_null(chosen(&run, "d"));
	assert_null(chosen(&run, "e"));
	run_done(&run);
}

/* ---- dependencies --------------------------------------------------------- */

/* A record: no modinfo, @exports, then @imports ("!name": weak). */
static void add_module(struct mt_depmod_run *run, const char *name, const char *exports,
		       const char *imports)
{
	struct mt_dm_module *m = calloc(1, sizeof(*m));
	struct mt_buf b = { 0 };
	char *list, *tok, *save;
	const char *lists[2] = { exports, imports };

	assert_non_null(m);
	assert_true(asprintf(&m->path, "%s/kernel/%s.ko", dir, name) > 0);
	m->relpath = m->path + strlen(dir) + 1;
	m->name = strdup(name);
	m->order = INT32_MAX;
	mt_record_put_u32(&b, 0);
	for (int s = 0; s < 2; s++) {
		size_t at = b.len;
		uint32_t n = 0;

		mt_record_put_u32(&b, 0);
		list = strdup(lists[s]);
		for (tok = strtok_r(list, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
			mt_record_put_u64(&b, 0);
			if (s == 1)
				mt_buf_putc(&b, tok[0] == '!');
			mt_buf_puts(&b, tok + (tok[0] == '!'));
			mt_buf_putc(&b, 0);
			n++;
		}
		free(list);
		mt_record_patch_u32(&b, at, n);
	}
	assert_int_equal(b.err, 0);
	assert_true(mt_record_valid((uint8_t *)b.p, b.len));
	m->rec.data = (uint8_t *)b.p;
	m->rec.size = b.len;
	run->mods = realloc(run->mods, (run->n_mods + 1) * sizeof(*run->mods));
	run->mods[run->n_mods++] = m;
}

static struct mt_dm_module *module(struct mt_depmod_run *run, const char *name)
{
	for (size_t i = 0; i < run->n_mods; i++)
		if (mt_streq(run->mods[i]->name, name))
			return run->mods[i];
	fail_msg("no module %s", name);
	return NULL;
}

/* "a d b" : the dependency list of @name as modules.dep orders it */
static void deps_of(struct mt_depmod_run *run, const char *name, char *out, size_t size)
{
	uint32_t *v;
	size_t n;

	*out = 0;
	assert_int_equal(mt_depmod_all_deps(run, module(run, name), &v, &n), 0);
	for (size_t i = 0; i < n; i++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s", i ? " " : "",
			 run->mods[v[i]]->name);
	free(v);
}

static void test_order(void **state)
{
	struct mt_depmod_cfg cfg = { 0 };
	struct mt_depmod_run run;
	char got[256];

	(void)state;
	run_init(&run, &cfg);
	add_module(&run, "top", "", "fa fb fc");
	add_module(&run, "a", "fa", "fb fd");
	add_module(&run, "b", "fb", "fc");
	add_module(&run, "c", "fc", "");
	add_module(&run, "d", "fd", "fc");
	mt_depmod_sort(&run);	/* no modules.order here: kmod's hash order */
	assert_int_equal(mt_depmod_resolve(&run), 0);
	deps_of(&run, "top", got, sizeof(got));
	assert_string_equal(got, "a d b c");
	deps_of(&run, "a", got, sizeof(got));
	assert_string_equal(got, "d b c");
	deps_of(&run, "c", got, sizeof(got));
	assert_string_equal(got, "");
	run_done(&run);
}

static void test_unknown_and_weak(void **state)
{
	struct mt_depmod_cfg cfg = { 0 };
	struct mt_depmod_run run;
	char got[256];

	(void)state;
	run_init(&run, &cfg);
	run.print_unknown = true;
	add_module(&run, "user", "", "known !weakmissing missing");
	add_module(&run, "lib", "known", "");
	mt_depmod_sort(&run);
	logged[0] = 0;
	assert_int_equal(mt_depmod_resolve(&run), 0);
	deps_of(&run, "user", got, sizeof(got));
	assert_string_equal(got, "lib");
	/* a weak symbol nobody provides is no warning */
	assert_non_null(strstr(logged, "user.ko needs unknown symbol missing\n"));
	assert_null(strstr(logged, "weakmissing"));
	run_done(&run);
}

/* The last module exporting a symbol owns it, as in kmod's table. */
static void test_two_exporters(void **state)
{
	struct mt_depmod_cfg cfg = { 0 };
	struct mt_depmod_run run;
	char got[256];

	(void)state;
	run_init(&run, &cfg);
	add_module(&run, "first", "shared", "");
	add_module(&run, "second", "shared", "");
	add_module(&run, "user", "", "shared");
	for (size_t i = 0; i < run.n_mods; i++) {
		run.mods[i]->order = (int)i;	/* as if modules.order listed them so */
		run.mods[i]->idx = (uint32_t)i;
	}
	assert_int_equal(mt_depmod_resolve(&run), 0);
	deps_of(&run, "user", got, sizeof(got));
	assert_string_equal(got, "second");
	run_done(&run);
}

static void test_cycles(void **state)
{
	struct mt_depmod_cfg cfg = { 0 };
	struct mt_depmod_run run;

	(void)state;
	run_init(&run, &cfg);
	add_module(&run, "a", "fa", "fb");
	add_module(&run, "b", "fb", "fa");
	add_module(&run, "c", "fc", "fa");	/* uses a cycle, is not in one */
	add_module(&run, "x", "fx", "fy");
	add_module(&run, "y", "fy", "fz");
	add_module(&run, "z", "fz", "fx");
	mt_depmod_sort(&run);
	logged[0] = 0;	/* "could not open modules.order" */
	assert_int_equal(mt_depmod_resolve(&run), -ELOOP);
	assert_int_equal(run.n_cycle_mods, 5);
	assert_string_equal(logged, "Cycle detected: z -> x -> y -> z\n"
				    "Cycle detected: b -> a -> b\n"
				    "Found 5 modules in dependency cycles!\n");
	run_done(&run);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_duplicates),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_unknown_and_weak),
		cmocka_unit_test(test_two_exporters),
		cmocka_unit_test(test_cycles),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
