// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modtool_status_read() over fake /proc and /sys trees (the context's
 * sysroot): taint bits and per-module letters, the flags read as unknown
 * when their files are missing, lockdown's bracketed word, the hidden-module
 * comparison, /proc/keys lines, and the load decision; hostile lines.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "kernel/status.h"
#include "test-util.h"

static char root[] = "/tmp/test-status.XXXXXX";

/* @text into @rel under the fake root. */
static void put(const char *rel, const char *text)
{
	write_under(root, rel, text);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	run_status("rm -rf %s", root);
	return 0;
}

static struct modtool_status *read_status(struct modtool_ctx **ctxp)
{
	struct modtool_status *st = NULL;

	assert_int_equal(modtool_ctx_new(NULL, ctxp), 0);
	assert_int_equal(modtool_ctx_set_sysroot(*ctxp, root), 0);
	assert_int_equal(modtool_status_read(*ctxp, &st), 0);
	return st;
}

static void test_taint_table(void **state)
{
	static const char letters[] = "PFSRMBUDAWCIOELKXTNJ";
	const char *name, *meaning;
	char letter;

	(void)state;
	assert_int_equal(MODTOOL_TAINT_BITS, 20);
	for (unsigned int bit = 0; bit < MODTOOL_TAINT_BITS; bit++) {
		assert_int_equal(modtool_taint_flag(bit, &letter, &name, &meaning), 0);
		assert_int_equal(letter, letters[bit]);
		assert_true(strlen(name) > 2 && strlen(meaning) > 10);
		assert_int_equal(modtool_taint_bit_of(letter), (int)bit);
	}
	assert_int_equal(modtool_taint_flag(20, &letter, NULL, NULL), -ENOENT);
	assert_int_equal(modtool_taint_bit_of('Z'), -ENOENT);
	assert_int_equal(modtool_taint_bit_of('G'), -ENOENT);
}

static void test_full_state(void **state)
{
	struct modtool_ctx *ctx;
	struct modtool_status *st;
	const char *second, *why, *policy;

	(void)state;
	run_status("rm -rf %s/proc %s/sys", root, root);
	put("proc/sys/kernel/tainted", "12288\n");	/* O and E */
	put("proc/sys/kernel/modules_disabled", "0\n");
	put("sys/module/module/parameters/sig_enforce", "Y\n");
	put("sys/kernel/security/lockdown", "none [integrity] confidentiality\n");
	put("sys/kernel/security/ipe/policies/strict/active", "1\n");
	put("proc/modules",
	    "oot 16384 0 - Live 0xffffffffc0000000 (OE)\n"
	    "dummy 16384 0 - Live 0xffffffffc0010000\n"
	    "vanished 4096 0 - Live 0xffffffffc0020000\n");
	put("sys/module/oot/initstate", "live\n");
	put("sys/module/dummy/initstate", "live\n");
	put("sys/module/ghost/initstate", "live\n");	/* in /sys/module only */
	put("sys/module/builtin_one/parameters/x", "1\n");	/* built in: no initstate */
	put("proc/keys",
	    "1a2b3c4d I------     1 perm 1f0b0000     0     0 keyring   .builtin_trusted_keys: 1\n"
	    "2a2b3c4d I------     1 perm 1f030000     0     0 asymmetri Debian Secure Boot CA: "
	    "6ccece7e4c6c0d1f6149f3dd27dfcc5cbb419ea1: X509.rsa a7ad3a7f []\n"
	    "garbage line\n");
	put("proc/self/status", "Name:\tx\nCapEff:\t000001ffffffffff\n");
	st = read_status(&ctx);
	assert_int_equal(modtool_status_get_taint(st), 12288);
	assert_int_equal(modtool_status_get_modules_disabled(st), 0);
	assert_int_equal(modtool_status_get_sig_enforce(st), 1);
	assert_string_equal(modtool_status_get_lockdown(st), "integrity");
	assert_int_equal(modtool_status_get_loadpin(st), -1);
	assert_int_equal(modtool_status_get_ipe(st, &policy), 1);
	assert_string_equal(policy, "strict");
	assert_int_equal(modtool_status_count(st, MODTOOL_STATUS_MODULES), 3);
	assert_string_equal(modtool_status_get(st, MODTOOL_STATUS_MODULES, 0, &second), "oot");
	assert_string_equal(second, "OE");
	assert_string_equal(modtool_status_get(st, MODTOOL_STATUS_MODULES, 1, &second), "dummy");
	assert_string_equal(second, "");
	assert_null(modtool_status_get(st, MODTOOL_STATUS_MODULES, 3, NULL));
	/* ghost: in /sys/module only; vanished: in /proc/modules only */
	assert_int_equal(modtool_status_count(st, MODTOOL_STATUS_HIDDEN), 2);
	assert_string_equal(modtool_status_get(st, MODTOOL_STATUS_HIDDEN, 0, &second), "ghost");
	assert_string_equal(second, "/sys/module only");
	assert_string_equal(modtool_status_get(st, MODTOOL_STATUS_HIDDEN, 1, &second), "vanished");
	assert_string_equal(second, "/proc/modules only");
	/* a sysroot's keys have no keyring to ask for members: read, none listed */
	assert_true(modtool_status_get_checks(st) & MODTOOL_STATUS_CHECKED_KEYS);
	assert_true(modtool_status_get_checks(st) & MODTOOL_STATUS_CHECKED_SYSFS);
	assert_false(modtool_status_get_checks(st) & MODTOOL_STATUS_PROC_MODULES_DAMAGED);
	assert_true(modtool_status_load_allowed(st, &why));
	assert_non_null(strstr(why, "sig_enforce"));
	modtool_status_free(st);
	modtool_ctx_free(ctx);
}

static void test_refusals_and_unknowns(void **state)
{
	struct modtool_ctx *ctx;
	struct modtool_status *st;
	const char *why;

	(void)state;
	run_status("rm -rf %s/proc %s/sys", root, root);
	/* nothing at all: no module support, everything unknown */
	assert_int_equal(run_status("mkdir -p %s/proc", root), 0);
	st = read_status(&ctx);
	assert_int_equal(modtool_status_get_taint(st), -1);
	assert_int_equal(modtool_status_get_modules_disabled(st), -1);
	assert_int_equal(modtool_status_get_sig_enforce(st), -1);
	assert_null(modtool_status_get_lockdown(st));
	assert_int_equal(modtool_status_get_ipe(st, NULL), 0);
	assert_false(modtool_status_load_allowed(st, &why));
	assert_non_null(strstr(why, "no module support"));
	assert_int_equal(modtool_status_get_checks(st), 0);
	modtool_status_free(st);
	modtool_ctx_free(ctx);

	/* modules_disabled, then no CAP_SYS_MODULE */
	put("proc/modules", "");
	put("proc/sys/kernel/modules_disabled", "1\n");
	st = read_status(&ctx);
	assert_false(modtool_status_load_allowed(st, &why));
	assert_non_null(strstr(why, "modules_disabled"));
	modtool_status_free(st);
	modtool_ctx_free(ctx);
	put("proc/sys/kernel/modules_disabled", "0\n");
	put("proc/self/status", "CapEff:\t0000000000000000\n");
	st = read_status(&ctx);
	assert_false(modtool_status_load_allowed(st, &why));
	assert_non_null(strstr(why, "CAP_SYS_MODULE"));
	modtool_status_free(st);
	modtool_ctx_free(ctx);

	/* hostile files: unreadable values are unknown, bad lines flagged */
	put("proc/sys/kernel/tainted", "-5\n");
	put("sys/module/module/parameters/sig_enforce", "maybe\n");
	put("sys/kernel/security/lockdown", "[]\n");
	put("proc/modules", "a 1 0 - Live 0x0 (O3)\nb 1 0 - Live 0x0 (OE\n(\n");
	st = read_status(&ctx);
	assert_int_equal(modtool_status_get_taint(st), -1);
	assert_int_equal(modtool_status_get_sig_enforce(st), -1);
	assert_string_equal(modtool_status_get_lockdown(st), "(unreadable)");
	assert_true(modtool_status_get_checks(st) & MODTOOL_STATUS_PROC_MODULES_DAMAGED);
	modtool_status_free(st);
	modtool_ctx_free(ctx);
}

static void test_line_parsers(void **state)
{
	char line[256];
	const char *name, *letters, *type, *desc;
	unsigned long id;

	(void)state;
	strcpy(line, "x 1 0 - Live 0x0 (POE)");
	assert_int_equal(mt_proc_modules_line_taint(line, &name, &letters), 0);
	assert_string_equal(name, "x");
	assert_string_equal(letters, "POE");
	strcpy(line, "");
	assert_int_equal(mt_proc_modules_line_taint(line, &name, &letters), -EINVAL);
	strcpy(line, "x 1 0 - Live 0x0 ()");
	assert_int_equal(mt_proc_modules_line_taint(line, &name, &letters), 0);
	assert_string_equal(letters, "");
	strcpy(line, "0000002a I--Q---     2 perm 3f030000     0     0 asymmetri Name: ab: X509.rsa []");
	assert_int_equal(mt_proc_keys_line(line, &id, &type, &desc), 0);
	assert_int_equal(id, 42);
	assert_string_equal(type, "asymmetri");
	assert_string_equal(desc, "Name: ab: X509.rsa []");
	strcpy(line, "zz I------ 1");
	assert_int_equal(mt_proc_keys_line(line, &id, &type, &desc), -EINVAL);
	strcpy(line, "00000000 I------     1 perm 1f0b0000     0     0 keyring   x: 1");
	assert_int_equal(mt_proc_keys_line(line, &id, &type, &desc), -EINVAL);
	strcpy(line, "ffffffff I------     1 perm 1f0b0000     0     0 keyring");
	assert_int_equal(mt_proc_keys_line(line, &id, &type, &desc), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_taint_table),
		cmocka_unit_test(test_full_state),
		cmocka_unit_test(test_refusals_and_unknowns),
		cmocka_unit_test(test_line_parsers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
