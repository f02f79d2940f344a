// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of lookup and the load plan on a small tree made here: indexes
 * written with the project's index writer, configuration parsed from text.
 * The expected orders are kmod 30's (checked on real trees by the tools test).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <cmocka.h>

#include "index/write.h"
#include "base/internal.h"
#include "config/config.h"

static char dir[] = "/tmp/test-resolve-XXXXXX";

static void write_index(const char *name, const char *const *kv)
{
	struct mt_index_builder *b;
	char path[256];
	uint8_t *buf;
	size_t size;
	FILE *f;

	assert_int_equal(mt_index_builder_new(&b), 0);
	for (; kv[0]; kv += 2)
		assert_int_equal(mt_index_builder_add(b, kv[0], kv[1], 0), 0);
	assert_int_equal(mt_index_builder_write(b, &buf, &size), 0);
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(buf, 1, size, f), size);
	fclose(f);
	free(buf);
	mt_index_builder_free(b);
}

static int setup(void **state)
{
	static const char *const dep[] = {
		"top", "kernel/top.ko: kernel/mid.ko kernel/low-er.ko",
		"mid", "kernel/mid.ko: kernel/low-er.ko",
		"low_er", "kernel/low-er.ko:",
		"pre", "kernel/pre.ko:",
		"post", "kernel/post.ko:",
		"bl", "kernel/bl.ko:",
		"usesbl", "kernel/usesbl.ko: kernel/bl.ko",
		NULL,
	};
	static const char *const alias[] = {
		"pci:v1234d*", "top", "pci:v1234d*", "pre", "crypto_x", "pre", "blalias", "bl",
		NULL,
	};
	static const char *const builtin[] = { "inside", "", NULL };

	if (!mkdtemp(dir))
		return -1;
	write_index("modules.dep.bin", dep);
	write_index("modules.alias.bin", alias);
	write_index("modules.builtin.bin", builtin);
	return 0;
}

static int teardown(void **state)
{
	char cmd[64];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static struct modtool_ctx *ctx_with(const char *conf)
{
	struct modtool_ctx *ctx;

	assert_int_equal(modtool_ctx_new(dir, &ctx), 0);
	modtool_ctx_set_log_fn(ctx, NULL, NULL);
	assert_int_equal(mt_config_new(&ctx->config), 0);
	assert_int_equal(mt_config_parse_buffer(ctx, ctx->config, "t.conf", conf, strlen(conf)), 0);
	return ctx;
}

/* "action:name[options] ..." of the plan of entry @i of lookup @name */
static void plan_of(struct modtool_ctx *ctx, const char *name, size_t i, const char *extra,
		    unsigned int flags, char *out, size_t size)
{
	static const char *const act[] = { "insmod", "install", "builtin", "none" };
	struct modtool_list *list;
	struct modtool_plan *plan;

	*out = '\0';
	assert_true(modtool_module_lookup(ctx, name, 0, &list) > (int)i);
	assert_int_equal(modtool_plan_new(list, i, extra, flags, &plan), 0);
	if (modtool_plan_is_blacklisted(plan))
		snprintf(out, size, "blacklisted");
	for (size_t s = 0; s < modtool_plan_count(plan); s++)
		snprintf(out + strlen(out), size - strlen(out), "%s%s:%s[%s]", s ? " " : "",
			 act[modtool_plan_get_action(plan, s)],
			 modtool_module_get_name(modtool_plan_get_module(plan, s)),
			 modtool_plan_get_options(plan, s));
	modtool_plan_free(plan);
	modtool_list_free(list);
}

static void test_order(void **state)
{
	struct modtool_ctx *ctx = ctx_with("softdep mid pre: pre post: post\n"
					   "options low-er x=1\n");
	char got[512];

	plan_of(ctx, "top", 0, "y=2", 0, got, sizeof(got));
	/* deps deepest first, each with its softdeps; extra options for the target only */
	assert_string_equal(got, "insmod:low_er[x=1 ] insmod:pre[] insmod:mid[] insmod:post[] "
			    "insmod:top[y=2]");
	modtool_ctx_free(ctx);
}

static void test_aliases_and_sources(void **state)
{
	struct modtool_ctx *ctx = ctx_with("alias myname top\nalias glob* mid\n");
	struct modtool_list *list;

	assert_int_equal(modtool_module_lookup(ctx, "pci:v1234d5678", 0, &list), 2);
	assert_int_equal(modtool_list_get_source(list), MODTOOL_SOURCE_ALIASES);
	assert_string_equal(modtool_list_get_alias(list, 0), "pci:v1234d5678");
	modtool_list_free(list);
	assert_int_equal(modtool_module_lookup(ctx, "glob-x", 0, &list), 1);
	assert_int_equal(modtool_list_get_source(list), MODTOOL_SOURCE_CONFIG_ALIAS);
	assert_string_equal(modtool_list_get_alias(list, 0), "glob*");
	assert_int_equal(modtool_list_get_config_index(list, 0), 1);
	modtool_list_free(list);
	assert_int_equal(modtool_module_lookup(ctx, "low-er", 0, &list), 1);
	assert_int_equal(modtool_list_get_source(list), MODTOOL_SOURCE_MODULES_DEP);
	assert_null(modtool_list_get_alias(list, 0));
	modtool_list_free(list);
	assert_int_equal(modtool_module_lookup(ctx, "inside", 0, &list), 1);
	assert_int_equal(modtool_list_get_source(list), MODTOOL_SOURCE_BUILTIN);
	modtool_list_free(list);
	assert_int_equal(modtool_module_lookup(ctx, "a]b", 0, &list), -EINVAL);
	modtool_ctx_free(ctx);
}

static void test_blacklist(void **state)
{
	struct modtool_ctx *ctx = ctx_with("blacklist bl\n");
	struct modtool_list *list;
	struct modtool_plan *plan;
	char got[512];

	plan_of(ctx, "blalias", 0, NULL, 0, got, sizeof(got));
	assert_string_equal(got, "blacklisted");
	plan_of(ctx, "bl", 0, NULL, 0, got, sizeof(got));
	assert_string_equal(got, "insmod:bl[]");
	plan_of(ctx, "bl", 0, NULL, MODTOOL_PLAN_BLACKLIST, got, sizeof(got));
	assert_string_equal(got, "blacklisted");
	/* a dependency is loaded anyway, and said to be blacklisted */
	assert_int_equal(modtool_module_lookup(ctx, "usesbl", 0, &list), 1);
	assert_int_equal(modtool_plan_new(list, 0, NULL, MODTOOL_PLAN_BLACKLIST, &plan), 0);
	assert_int_equal(modtool_plan_count(plan), 2);
	assert_true(modtool_plan_step_is_blacklisted(plan, 0));
	assert_int_equal(modtool_plan_get_reason(plan, 0), MODTOOL_STEP_DEPENDENCY);
	assert_string_equal(modtool_plan_get_parent(plan, 0), "usesbl");
	assert_false(modtool_plan_step_is_blacklisted(plan, 1));
	modtool_plan_free(plan);
	modtool_list_free(list);
	modtool_ctx_free(ctx);
}

static void test_commands(void **state)
{
	struct modtool_ctx *ctx = ctx_with("install mid /bin/mid $CMDLINE_OPTS\n"
					   "install onlycmd /bin/true\n"
					   "softdep mid pre: pre\n");
	char got[512];

	plan_of(ctx, "mid", 0, "a=1", 0, got, sizeof(got));
	assert_string_equal(got, "insmod:low_er[] insmod:pre[] install:mid[a=1]");
	/* -i: no command and no softdep for the module itself */
	plan_of(ctx, "mid", 0, NULL, MODTOOL_PLAN_IGNORE_COMMANDS, got, sizeof(got));
	assert_string_equal(got, "insmod:low_er[] insmod:mid[]");
	plan_of(ctx, "onlycmd", 0, NULL, 0, got, sizeof(got));
	assert_string_equal(got, "install:onlycmd[]");
	plan_of(ctx, "inside", 0, NULL, 0, got, sizeof(got));
	assert_string_equal(got, "builtin:inside[]");
	modtool_ctx_free(ctx);
}

static void test_softdep_alias_visited(void **state)
{
	/* a module reached by an alias is another object than by its name */
	struct modtool_ctx *ctx = ctx_with("softdep top pre: crypto-x pre\nsoftdep mid pre: crypto-x\n");
	char got[512];

	plan_of(ctx, "top", 0, NULL, 0, got, sizeof(got));
	assert_string_equal(got, "insmod:low_er[] insmod:pre[] insmod:mid[] insmod:pre[] "
			    "insmod:top[]");
	modtool_ctx_free(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_aliases_and_sources),
		cmocka_unit_test(test_blacklist),
		cmocka_unit_test(test_commands),
		cmocka_unit_test(test_softdep_alias_visited),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
