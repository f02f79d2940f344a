// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Unit tests of the modprobe configuration: the line reader, every directive,
 * bad lines, and the kernel command line.  Expected values are what Debian's
 * kmod 30 prints with `modprobe -c` for the same input.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "base/internal.h"
#include "config/config.h"

static int warnings;

static void count_log(void *data, int prio, const char *fmt, va_list ap)
{
	warnings++;
}

static struct mt_config *parse(struct modtool_ctx **ctx, const char *text, const char *cmdline)
{
	struct mt_config *cfg;

	assert_int_equal(modtool_ctx_new("/nonexistent", ctx), 0);
	modtool_ctx_set_log_fn(*ctx, count_log, NULL);
	modtool_ctx_set_log_priority(*ctx, LOG_DEBUG);
	warnings = 0;
	assert_int_equal(mt_config_new(&cfg), 0);
	if (text)
		assert_int_equal(mt_config_parse_buffer(*ctx, cfg, "t.conf", text, strlen(text)), 0);
	if (cmdline)
		assert_int_equal(mt_config_parse_cmdline(*ctx, cfg, cmdline, strlen(cmdline)), 0);
	return cfg;
}

static const struct mt_config_entry *entry(struct mt_config *cfg, enum modtool_config_kind k,
					   size_t i, size_t count)
{
	const struct mt_config_entry *e;
	size_t n;

	mt_config_entries(cfg, k, &n);
	assert_int_equal(n, count);
	assert_int_equal(mt_config_entry_at(cfg, k, i, &e), i < n ? 0 : -ENOENT);
	return e;
}

static void test_directives(void **state)
{
	struct modtool_ctx *ctx;
	struct mt_config *cfg = parse(&ctx,
		"# comment\n"
		"alias my-dash_alias snd-hda-intel\n"
		"alias a[b-c]d e1000e\n"
		"options e1000e  IntMode=1   X=3\n"
		"options ext4 foo=bar\ttabbed=1\n"
		"options snd-hda-intel index=0 \\\n  model=auto\n"
		"blacklist xx-yy\n"
		"install dummy /bin/echo hello $CMDLINE_OPTS\n"
		"remove dummy /bin/echo bye\n"
		"softdep cifs pre: e1000e post: ext4 dummy\n"
		"softdep xfs    pre: a b  c post: d pre: e\n"
		"softdep ext4 pre:  post:\n"
		"weakdep ext4 btrfs  crc\n"
		"\talias tabbed e1000e\n"
		"options nolf x=1", NULL);
	const struct mt_config_entry *e;

	assert_int_equal(warnings, 0);
	e = entry(cfg, MODTOOL_CONFIG_ALIAS, 0, 3);
	assert_string_equal(e->key, "my_dash_alias");
	assert_string_equal(e->value, "snd_hda_intel");
	assert_int_equal(e->line, 2);
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_ALIAS, 1, 3)->key, "a[b-c]d");
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_ALIAS, 2, 3)->key, "tabbed");
	/* the rest of the line keeps its spaces; tabs become spaces */
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_OPTIONS, 0, 4)->value, " IntMode=1   X=3");
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_OPTIONS, 1, 4)->value, "foo=bar tabbed=1");
	e = entry(cfg, MODTOOL_CONFIG_OPTIONS, 2, 4);
	assert_string_equal(e->key, "snd_hda_intel");
	assert_string_equal(e->value, "index=0   model=auto");
	assert_int_equal(e->line, 7);	/* a joined line counts as its last */
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_OPTIONS, 3, 4)->value, "x=1");
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_BLACKLIST, 0, 1)->key, "xx_yy");
	assert_null(entry(cfg, MODTOOL_CONFIG_BLACKLIST, 0, 1)->value);
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_INSTALL, 0, 1)->value,
			    "/bin/echo hello $CMDLINE_OPTS");
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_REMOVE, 0, 1)->value, "/bin/echo bye");
	/* kmod 30's -c spelling: no space before post:, pre spans the buffer */
	e = entry(cfg, MODTOOL_CONFIG_SOFTDEP, 0, 3);
	assert_string_equal(e->value, "pre: e1000epost: ext4 dummy");
	assert_int_equal(e->npre, 1);
	assert_int_equal(e->npost, 2);
	assert_string_equal(e->deps[1], "ext4");
	e = entry(cfg, MODTOOL_CONFIG_SOFTDEP, 1, 3);
	assert_string_equal(e->value, "pre: a b c d epost: d");
	assert_int_equal(e->npre, 4);
	assert_string_equal(e->deps[3], "e");
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_SOFTDEP, 2, 3)->value, "");
	e = entry(cfg, MODTOOL_CONFIG_WEAKDEP, 0, 1);
	assert_string_equal(e->value, "btrfs crc");
	assert_int_equal(e->npre, 2);
	mt_config_free(cfg);
	modtool_ctx_free(ctx);
}

static void test_bad_lines(void **state)
{
	struct modtool_ctx *ctx;
	struct mt_config *cfg = parse(&ctx,
		"softdep broken\n"
		"alias\n"
		"alias onlyone\n"
		"options\n"
		"options foo\n"
		"options foo \n"
		"install foo\n"
		"bogus line here\n"
		"include /etc/foo\n"
		"  leading spaces alias\n"
		"alias bad[x e1000e\n"
		"blacklist ok\n", NULL);

	assert_int_equal(warnings, 11);
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_BLACKLIST, 0, 1)->key, "ok");
	assert_int_equal(entry(cfg, MODTOOL_CONFIG_BLACKLIST, 0, 1)->line, 12);
	entry(cfg, MODTOOL_CONFIG_ALIAS, 0, 0);
	mt_config_free(cfg);
	modtool_ctx_free(ctx);
}

/* Each case: a command line and the options (modname value) kmod 30 makes of it. */
static void test_cmdline(void **state)
{
	static const struct {
		const char *line;
		const char *expect;	/* "mod|param;..." */
	} cases[] = {
		{ "foo.bar=1 nodot=1 a.b.c=d", "foo|bar=1;" },
		{ "mod-x.p-q=a-b", "mod_x|p-q=a-b;" },
		{ "\"quoted.opt=x y\" qq.param=\"hello world\"", "quoted|opt=\"x y\";qq|param=\"hello world\";" },
		{ "e.=f .g=h i.j k.l=", "e|=f;|g=h;i|j;k|l=;" },
		{ "m.n=\"un closed  x.y=1", "" },
		{ "x.\"y=z\" p.q=\"a b\"c \"noval.x\" \"r.s=t\"", "p|q=\"a b\"c;r|s=\"t\";" },
		{ "\"r.s=t\"x a.b=1", "r|s=\"t\"x;a|b=1;" },
		{ "\"r.s=\" a.b=1\tc.d=2\nd.e=3", "r|s=\"\";a|b=1;c|d=2;d|e=3;" },
		{ "a.b=1 -- c.d=2 A-B.c-d=e-f", "a|b=1;c|d=2;A_B|c-d=e-f;" },
		{ "ab\"c.d=e u.v=w\"x\" \"a b.c=d\" t1.a=\"1\"  t2.b=2 \"t3.c=d e",
		  "b|c=d\" t1.a=\"1\"  t2.b=2 \"t3.c=d;" },
		{ "a[b.c=d x.y=1", "x|y=1;" },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct modtool_ctx *ctx;
		struct mt_config *cfg = parse(&ctx, NULL, cases[c].line);
		char got[512] = "";
		size_t n;
		const struct mt_config_entry *e = mt_config_entries(cfg, MODTOOL_CONFIG_OPTIONS, &n);

		for (size_t i = 0; i < n; i++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s|%s;", e[i].key,
				 e[i].value);
		if (strcmp(got, cases[c].expect) != 0)
			fail_msg("[%s]: got [%s], want [%s]", cases[c].line, got, cases[c].expect);
		mt_config_free(cfg);
		modtool_ctx_free(ctx);
	}
}

static void test_cmdline_blacklist(void **state)
{
	struct modtool_ctx *ctx;
	struct mt_config *cfg = parse(&ctx, NULL, "modprobe.blacklist=aa,bb-cc,,dd x.y=1");

	/* kept as written: no '-' to '_', the empty name too */
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_BLACKLIST, 1, 4)->key, "bb-cc");
	assert_string_equal(entry(cfg, MODTOOL_CONFIG_BLACKLIST, 2, 4)->key, "");
	assert_true(mt_config_is_blacklisted(cfg, "dd"));
	assert_false(mt_config_is_blacklisted(cfg, "bb_cc"));
	mt_config_free(cfg);
	modtool_ctx_free(ctx);
}

static void test_matching(void **state)
{
	struct modtool_ctx *ctx;
	struct mt_config *cfg = parse(&ctx,
		"options e1000e a=1\n"
		"options myalias b=2\n"
		"install dumm* /bin/first\n"
		"install dummy /bin/second\n"
		"softdep sd* pre: x\n", "e1000e.c=3");
	char *opts;

	assert_int_equal(mt_config_options(cfg, "e1000e", "myalias", NULL, &opts), 0);
	assert_string_equal(opts, "a=1 b=2 c=3 ");	/* kmod leaves the trailing space */
	free(opts);
	assert_int_equal(mt_config_options(cfg, "e1000e", NULL, "x=\"a b\"", &opts), 0);
	assert_string_equal(opts, "a=1 c=3 x=\"a b\"");
	free(opts);
	assert_int_equal(mt_config_options(cfg, "other", NULL, "", &opts), 0);
	assert_null(opts);
	assert_string_equal(mt_config_first_match(cfg, MODTOOL_CONFIG_INSTALL, "dummy")->value,
			    "/bin/first");
	assert_non_null(mt_config_first_match(cfg, MODTOOL_CONFIG_SOFTDEP, "sdx"));
	assert_null(mt_config_first_match(cfg, MODTOOL_CONFIG_SOFTDEP, "xsd"));
	mt_config_free(cfg);
	modtool_ctx_free(ctx);
}

static void test_underscores(void **state)
{
	char a[] = "a-b[x-y]-c", b[] = "a]b", c[] = "a[b", d[] = "snd-hda-intel";
	char e[] = "pci:v*d-?", f[] = "a\\-b", g[] = "[]]-x";

	/* 1: a pattern (fnmatch specials), 0: a plain name */
	assert_int_equal(mt_underscores(a), 1);
	assert_string_equal(a, "a_b[x-y]_c");
	assert_int_equal(mt_underscores(b), -EINVAL);
	assert_int_equal(mt_underscores(c), -EINVAL);
	assert_int_equal(mt_underscores(d), 0);
	assert_string_equal(d, "snd_hda_intel");
	assert_int_equal(mt_underscores(e), 1);
	assert_string_equal(e, "pci:v*d_?");
	assert_int_equal(mt_underscores(f), 1);
	assert_string_equal(f, "a\\_b");
	/* the bracket ends at its first ']': the second one is a lone bracket */
	assert_int_equal(mt_underscores(g), -EINVAL);
}

/*
 * The line reader cuts a name and applies mt_underscores() in one pass:
 * random names of the bytes that matter give what the two steps give.
 */
static void test_names_as_underscores(void **state)
{
	/* (no backslash: the line reader drops it before names are cut) */
	static const char alphabet[] = "-[]*?ab_";
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	for (int iter = 0; iter < 3000; iter++) {
		char name[12], want[12], text[64];
		size_t len = 1 + iter % 9, n;
		const struct mt_config_entry *e;
		struct modtool_ctx *ctx;
		struct mt_config *cfg;
		int glob;

		for (size_t k = 0; k < len; k++) {
			rng ^= rng << 13;
			rng ^= rng >> 7;
			rng ^= rng << 17;
			name[k] = alphabet[rng % (sizeof(alphabet) - 1)];
		}
		name[len] = '\0';
		memcpy(want, name, len + 1);
		glob = mt_underscores(want);
		snprintf(text, sizeof(text), "install %s /bin/true\n", name);
		cfg = parse(&ctx, text, NULL);
		e = mt_config_entries(cfg, MODTOOL_CONFIG_INSTALL, &n);
		if (glob < 0) {
			if (n != 0 || warnings != 1)
				fail_msg("'%s': bad name kept (%zu entries, %d warnings)", name, n,
					 warnings);
		} else if (n != 1 || strcmp(e->key, want) != 0 || e->glob != (glob == 1)) {
			fail_msg("'%s': key '%s' glob %d, want '%s' glob %d", name,
				 n ? e->key : "(none)", n ? e->glob : -1, want, glob);
		}
		mt_config_free(cfg);
		modtool_ctx_free(ctx);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_directives),
		cmocka_unit_test(test_bad_lines),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_cmdline_blacklist),
		cmocka_unit_test(test_matching),
		cmocka_unit_test(test_underscores),
		cmocka_unit_test(test_names_as_underscores),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
