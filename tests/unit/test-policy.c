// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The load policy's parser and rules on small inputs: words and quotes,
 * each rule kind in enforce and warn, allow lists per mode, names compared
 * as the kernel names modules, broken lines failing closed (warn lines left
 * out), directories merged by file name, and unreadable files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "trust/policy.h"
#include "test-util.h"

static char dir[] = "/tmp/test-policy.XXXXXX";

struct fixture {
	struct modtool_ctx *ctx;
	struct log_capture log;
	struct mt_policy *p;
};

static struct fixture *parse(const char *text)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	assert_int_equal(modtool_ctx_new(NULL, &fx->ctx), 0);
	modtool_ctx_set_log_fn(fx->ctx, capture_log, &fx->log);
	modtool_ctx_set_log_priority(fx->ctx, LOG_DEBUG);
	fx->p = calloc(1, sizeof(*fx->p));
	assert_non_null(fx->p);
	assert_int_equal(mt_policy_parse(fx->ctx, fx->p, "t.conf", text, strlen(text)), 0);
	return fx;
}

static void done(struct fixture *fx)
{
	mt_policy_free(fx->p);
	modtool_ctx_free(fx->ctx);
	free(fx);
}

static int check(struct fixture *fx, const char *name)
{
	return mt_policy_check(fx->ctx, fx->p, name, NULL, false);
}

static void test_forbid(void **state)
{
	struct fixture *fx = parse("# a comment\n\n  enforce forbid usb-storage firewire_* # why\n"
				   "warn forbid floppy\n");

	(void)state;
	assert_int_equal(fx->p->n_rules, 2);
	assert_int_equal(check(fx, "usb_storage"), -ECANCELED);
	assert_non_null(strstr(fx->log.text, "usb_storage: refused by the load policy, t.conf:3: "));
	assert_int_equal(check(fx, "usb-storage"), -ECANCELED);	/* as the kernel names it */
	assert_int_equal(check(fx, "firewire_ohci"), -ECANCELED);
	assert_int_equal(check(fx, "usb_storagex"), 0);
	fx->log.count = 0;
	assert_int_equal(check(fx, "floppy"), 0);
	assert_int_equal(fx->log.count, 1);
	assert_non_null(strstr(fx->log.text, "floppy: the load policy, t.conf:4, would refuse it"));
	fx->log.count = 0;
	assert_int_equal(mt_policy_check(fx->ctx, fx->p, "floppy", NULL, true), 0);
	assert_int_equal(fx->log.count, 0);	/* a warn kept for the load itself */
	done(fx);
}

static void test_allow(void **state)
{
	struct fixture *fx = parse("enforce allow ext4 xfs\nenforce allow dm_*\nwarn allow ext4\n");

	(void)state;
	assert_int_equal(check(fx, "ext4"), 0);
	assert_int_equal(check(fx, "dm_crypt"), 0);
	assert_int_equal(fx->log.count, 1);	/* dm_crypt: warn allow lists only ext4 */
	assert_int_equal(check(fx, "vfat"), -ECANCELED);
	assert_non_null(strstr(fx->log.text, "vfat: refused by the load policy, t.conf:1: enforce allow ext4 xfs (not on the allow list)"));
	done(fx);
}

static void test_quotes_and_signers(void **state)
{
	struct fixture *fx = parse("certificates kernel /etc/uefi/certs\n"
				   "enforce signer \"Debian Secure Boot CA\" Other*\n"
				   "warn require-signature\n");

	(void)state;
	assert_int_equal(fx->p->n_rules, 2);
	assert_int_equal(fx->p->rules[0].kind, MT_RULE_SIGNER);
	assert_int_equal(fx->p->rules[0].n_args, 2);
	assert_string_equal(fx->p->rules[0].args[0], "Debian Secure Boot CA");
	assert_int_equal(fx->p->n_cert_sources, 2);
	assert_string_equal(fx->p->cert_sources[0], "kernel");
	/* no file: signature rules are not asked (a built-in module) */
	assert_int_equal(check(fx, "ext4"), 0);
	done(fx);
}

static void test_broken_lines(void **state)
{
	static const char *const broken[] = {
		"enforce frobnicate x\n", "enforce forbid\n", "enforce require-signature x\n",
		"enforce\n", "forbid x\n", "enforce forbid \"x\n", "certificates\n",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		struct fixture *fx = parse(broken[i]);

		assert_int_equal(fx->p->n_rules, 1);
		assert_int_equal(fx->p->rules[0].kind, MT_RULE_BROKEN);
		assert_non_null(strstr(fx->log.text, "t.conf:1: "));
		assert_non_null(strstr(fx->log.text, "fail closed"));
		assert_int_equal(check(fx, "anything"), -ECANCELED);
		done(fx);
	}
	/* a broken warn line is left out, said */
	{
		struct fixture *fx = parse("warn frobnicate x\nenforce forbid y\n");

		assert_int_equal(fx->p->n_rules, 1);
		assert_non_null(strstr(fx->log.text, "t.conf:1: unknown rule: the warn rule is left out"));
		assert_int_equal(check(fx, "x"), 0);
		assert_int_equal(check(fx, "y"), -ECANCELED);
		done(fx);
	}
	/* a NUL byte inside a line */
	{
		struct fixture *fx = calloc(1, sizeof(*fx));
		static const char text[] = "enforce forbid a\0b\nenforce forbid c\n";

		assert_int_equal(modtool_ctx_new(NULL, &fx->ctx), 0);
		modtool_ctx_set_log_fn(fx->ctx, capture_log, &fx->log);
		fx->p = calloc(1, sizeof(*fx->p));
		assert_int_equal(mt_policy_parse(fx->ctx, fx->p, "t.conf", text, sizeof(text) - 1), 0);
		assert_int_equal(fx->p->rules[0].kind, MT_RULE_BROKEN);
		assert_non_null(strstr(fx->log.text, "a NUL byte"));
		done(fx);
	}
}

/* @text into @rel under the test's directory. */
static void put(const char *rel, const char *text)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	write_file(path, text, strlen(text));
}

static void test_directories(void **state)
{
	char a[PATH_MAX], b[PATH_MAX], none[PATH_MAX];
	const char *dirs[] = { a, none, b, NULL };
	struct modtool_ctx *ctx;
	struct log_capture log = { .len = 0 };

	(void)state;
	snprintf(a, sizeof(a), "%s/a", dir);
	snprintf(b, sizeof(b), "%s/b", dir);
	snprintf(none, sizeof(none), "%s/none", dir);
	assert_int_equal(run_status("mkdir -p %s %s", a, b), 0);
	put("a/10-x.conf", "enforce forbid x\n");
	put("a/20-y.conf", "enforce forbid y\n");
	put("b/10-x.conf", "# x allowed again\n");
	put("a/notes.txt", "enforce forbid z\n");	/* not a .conf */
	put("a/.hidden.conf", "enforce forbid z\n");
	assert_int_equal(modtool_ctx_new(NULL, &ctx), 0);
	modtool_ctx_set_log_fn(ctx, capture_log, &log);
	assert_int_equal(modtool_ctx_load_policy(ctx, dirs), 1);
	assert_int_equal(ctx->policy_check != NULL, 1);
	assert_int_equal(mt_policy_check(ctx, ctx->policy, "x", NULL, false), 0);
	assert_int_equal(mt_policy_check(ctx, ctx->policy, "y", NULL, false), -ECANCELED);
	assert_int_equal(mt_policy_check(ctx, ctx->policy, "z", NULL, false), 0);
	/* a .conf that is a directory: refused, fail closed */
	assert_int_equal(run_status("mkdir -p %s/b/30-d.conf", dir), 0);
	assert_int_equal(modtool_ctx_load_policy(ctx, dirs), 2);
	assert_int_equal(mt_policy_check(ctx, ctx->policy, "x", NULL, false), -ECANCELED);
	assert_non_null(strstr(log.text, "30-d.conf: not a regular file"));
	modtool_ctx_free(ctx);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	run_status("rm -rf %s", dir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forbid),
		cmocka_unit_test(test_allow),
		cmocka_unit_test(test_quotes_and_signers),
		cmocka_unit_test(test_broken_lines),
		cmocka_unit_test(test_directories),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
