// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The running kernel as files: /proc/modules and /sys/module laid out in a
 * temporary directory (the context's sysroot), read by the loaded-module
 * list, state and refcount calls and printed by lsmod.  The syscalls
 * themselves are exercised under qemu (tests/vm).
 */
#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/internal.h"
#include "module/module.h"
#include "test-util.h"

/* lsmod's printing, taken whole: its main() renamed out of the way */
int lsmod_main(int argc, char *argv[]);
#define main lsmod_main
#include "../../tools/lsmod.c"
#undef main

/* lsmod --version prints through the tools' shared file, not linked here */
void tool_print_version(void)
{
}

static char root[1024];	/* short enough for the paths below */

/*
 * The module syscalls, faked: the library's calls to syscall() (and to
 * init_module() below) bind to these definitions, not libc's.  What the last load was handed is kept.
 */
static struct {
	long nr;		/* SYS_init_module or SYS_finit_module */
	int flags;		/* finit_module()'s */
	char image[256];	/* init_module()'s image */
	size_t len;
} loaded;

long syscall(long nr, ...)
{
	va_list args;

	va_start(args, nr);
	loaded.nr = nr;
	if (nr == SYS_finit_module) {
		(void)va_arg(args, int);
		(void)va_arg(args, const char *);
		loaded.flags = va_arg(args, int);
	} else if (nr == SYS_init_module) {
		const void *image = va_arg(args, const void *);

		loaded.len = va_arg(args, unsigned long);
		memcpy(loaded.image, image, loaded.len < sizeof(loaded.image) ?
		       loaded.len : sizeof(loaded.image));
	}
	va_end(args);
	if (nr == SYS_finit_module || nr == SYS_init_module)
		return 0;
	errno = ENOSYS;
	return -1;
}

/* libc's init_module() wrapper, which the library calls: into the same fake */
int init_module(const void *image, unsigned long len, const char *params);
int init_module(const void *image, unsigned long len, const char *params)
{
	return (int)syscall(SYS_init_module, image, len, params);
}

/* Write @content to root/@rel, making the directories on the way. */
static void put(const char *rel, const char *content)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", root, rel);
	for (char *p = path + strlen(root) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	if (content[0] == '/' && content[1] == '\0') {
		mkdir(path, 0755);
		return;
	}
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
}

/* A loaded module's sysfs directory; @holders space-separated. */
static void put_module(const char *name, const char *state, const char *refcnt,
		       const char *coresize, const char *holders)
{
	char rel[PATH_MAX], list[256], *save, *h;

	snprintf(rel, sizeof(rel), "sys/module/%s/initstate", name);
	put(rel, state);
	snprintf(rel, sizeof(rel), "sys/module/%s/refcnt", name);
	put(rel, refcnt);
	snprintf(rel, sizeof(rel), "sys/module/%s/coresize", name);
	put(rel, coresize);
	snprintf(rel, sizeof(rel), "sys/module/%s/holders", name);
	put(rel, "/");
	snprintf(list, sizeof(list), "%s", holders);
	for (h = strtok_r(list, " ", &save); h; h = strtok_r(NULL, " ", &save)) {
		snprintf(rel, sizeof(rel), "sys/module/%s/holders/%s", name, h);
		put(rel, "");
	}
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	struct modtool_ctx *ctx;

	snprintf(root, sizeof(root), "%s/test-kernel-XXXXXX", getenv("TMPDIR") ?: "/tmp");
	assert_non_null(mkdtemp(root));
	/* no module tree here: the builtin index is simply absent */
	assert_int_equal(modtool_ctx_new(root, &ctx), 0);
	modtool_ctx_set_log_fn(ctx, NULL, NULL);
	assert_int_equal(modtool_ctx_set_sysroot(ctx, root), 0);
	*state = ctx;
	return 0;
}

static int teardown(void **state)
{
	modtool_ctx_free(*state);
	nftw(root, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

/* Run lsmod's printer on the context; the output in a malloc()ed string. */
static char *lsmod_output(struct modtool_ctx *ctx, int *err)
{
	char *text = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&text, &len);

	assert_non_null(out);
	*err = print_loaded(ctx, out);
	fclose(out);
	return text;
}

static const char proc_modules[] =
	"bridge 311296 0 - Live 0xffffffffc0a00000\n"
	"stp 16384 1 bridge, Live 0xffffffffc09f0000\n"
	"llc 16384 2 bridge,stp, Live 0xffffffffc09e0000\n"
	"a_module_with_a_long_name 123 0 - Live 0xffffffffc09d0000 (OE)\n";

static void put_standard_tree(void)
{
	put("proc/modules", proc_modules);
	put_module("bridge", "live\n", "0\n", "311296\n", "");
	put_module("stp", "live\n", "1\n", "16384\n", "bridge");
	put_module("llc", "live\n", "2\n", "16384\n", "stp");
	put_module("a_module_with_a_long_name", "live\n", "0\n", "123\n", "");
}

static void lsmod_format(void **state)
{
	int err;
	char *out;

	put_standard_tree();
	out = lsmod_output(*state, &err);
	assert_int_equal(err, 0);
	assert_string_equal(out,
		"Module                  Size  Used by\n"
		"bridge                311296  0\n"
		"stp                    16384  1 bridge\n"
		"llc                    16384  2 stp\n"
		"a_module_with_a_long_name      123  0\n");
	free(out);
}

/* Several holders come in the directory's order, comma-separated. */
static void lsmod_two_holders(void **state)
{
	struct modtool_loaded *list;
	const char *h;

	put("proc/modules", "llc 16384 2 bridge,stp, Live 0x0\n");
	put_module("llc", "live\n", "2\n", "16384\n", "bridge stp");
	assert_int_equal(modtool_loaded_list(*state, &list), 0);
	assert_int_equal(modtool_loaded_count(list), 1);
	h = modtool_loaded_get_holders(list, 0);
	assert_true(strcmp(h, "bridge,stp") == 0 || strcmp(h, "stp,bridge") == 0);
	modtool_loaded_free(list);
}

/* sysfs wins over /proc/modules, as kmod reads it: size and refcount. */
static void sysfs_values_preferred(void **state)
{
	struct modtool_loaded *list;

	put("proc/modules", "dummy 20480 0 - Live 0x0\n");
	put_module("dummy", "live\n", "3\n", "16384\n", "");
	assert_int_equal(modtool_loaded_list(*state, &list), 0);
	assert_int_equal(modtool_loaded_get_refcount(list, 0), 3);
	assert_int_equal(modtool_loaded_get_size(list, 0), 16384);
	modtool_loaded_free(list);
}

/* A module gone between /proc/modules and /sys/module is left out. */
static void vanished_module_skipped(void **state)
{
	int err;
	char *out;

	put_standard_tree();
	put("sys/module/half/holders", "/");	/* directory left, initstate gone */
	put("proc/modules", "gone 4096 0 - Live 0x0\nhalf 1 0 - Live 0x0\n"
	    "bridge 311296 0 - Live 0x0\n");
	out = lsmod_output(*state, &err);
	assert_int_equal(err, 0);
	assert_string_equal(out, "Module                  Size  Used by\n"
			    "bridge                311296  0\n");
	free(out);
}

/* Without /sys mounted, /proc/modules alone: holders without the trailing comma. */
static void proc_only(void **state)
{
	struct modtool_loaded *list;

	put("proc/modules", proc_modules);
	assert_int_equal(modtool_loaded_list(*state, &list), 0);
	assert_int_equal(modtool_loaded_count(list), 4);
	assert_string_equal(modtool_loaded_get_name(list, 2), "llc");
	assert_string_equal(modtool_loaded_get_holders(list, 2), "bridge,stp");
	assert_string_equal(modtool_loaded_get_holders(list, 0), "");
	assert_int_equal(modtool_loaded_get_refcount(list, 2), 2);
	assert_int_equal(modtool_loaded_get_size(list, 0), 311296);
	assert_null(modtool_loaded_get_name(list, 4));
	modtool_loaded_free(list);
}

/* Lines that are not a module's are skipped, not half-read. */
static void malformed_lines(void **state)
{
	struct modtool_loaded *list;
	char big[20000];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	put("proc/modules", "\n"
	    "onlyname\n"
	    "badsize 12x 0 - Live 0x0\n"
	    "badref 12 -5 - Live 0x0\n"
	    "noref 12 - - Live 0x0\n"
	    "ok 12 0 - Live 0x0\n");
	assert_int_equal(modtool_loaded_list(*state, &list), 0);
	assert_int_equal(modtool_loaded_count(list), 2);
	assert_string_equal(modtool_loaded_get_name(list, 0), "noref");
	assert_int_equal(modtool_loaded_get_refcount(list, 0), 0);
	assert_string_equal(modtool_loaded_get_name(list, 1), "ok");
	modtool_loaded_free(list);
	/* a name longer than any module's */
	put("proc/modules", big);
	assert_int_equal(modtool_loaded_list(*state, &list), 0);
	assert_int_equal(modtool_loaded_count(list), 0);
	modtool_loaded_free(list);
}

static void no_proc_modules(void **state)
{
	struct modtool_loaded *list = NULL;
	int err;
	char *out;

	assert_int_equal(modtool_loaded_list(*state, &list), -ENOENT);
	assert_null(list);
	out = lsmod_output(*state, &err);
	assert_int_equal(err, -ENOENT);
	assert_string_equal(out, "");
	free(out);
}

static void module_states(void **state)
{
	struct modtool_ctx *ctx = *state;

	put("proc/modules", "loading 1 0 - Loading 0x0\n");
	put_module("live_one", "live\n", "0\n", "1\n", "");
	put_module("coming_one", "coming\n", "0\n", "1\n", "");
	put_module("going_one", "going\n", "0\n", "1\n", "");
	put_module("odd_one", "sleeping\n", "0\n", "1\n", "");
	put("sys/module/printk/parameters/time", "Y\n");
	put("sys/module/loading/holders", "/");
	assert_int_equal(modtool_module_get_state(ctx, "live_one"), MODTOOL_STATE_LIVE);
	assert_int_equal(modtool_module_get_state(ctx, "live-one"), MODTOOL_STATE_LIVE);
	assert_int_equal(modtool_module_get_state(ctx, "coming_one"), MODTOOL_STATE_COMING);
	assert_int_equal(modtool_module_get_state(ctx, "going_one"), MODTOOL_STATE_GOING);
	assert_int_equal(modtool_module_get_state(ctx, "odd_one"), -EINVAL);
	/* parameters of built-in code: a directory, no initstate, not in /proc/modules */
	assert_int_equal(modtool_module_get_state(ctx, "printk"), MODTOOL_STATE_BUILTIN);
	/* being set up: listed, its attributes not there yet */
	assert_int_equal(modtool_module_get_state(ctx, "loading"), MODTOOL_STATE_COMING);
	assert_int_equal(modtool_module_get_state(ctx, "absent"), MODTOOL_STATE_NOT_LOADED);
	/* a path is not a name, even when it leads to a directory */
	put("etc/initstate", "live\n");
	assert_int_equal(modtool_module_get_state(ctx, "../../etc"), MODTOOL_STATE_NOT_LOADED);
	assert_int_equal(modtool_module_get_state(ctx, ".."), MODTOOL_STATE_NOT_LOADED);
	assert_int_equal(modtool_module_get_state(ctx, ""), MODTOOL_STATE_NOT_LOADED);
	assert_int_equal(modtool_module_get_refcount(ctx, "../../etc"), -ENOENT);
}

static void refcounts(void **state)
{
	struct modtool_ctx *ctx = *state;

	put_module("used", "live\n", "7\n", "1\n", "");
	put_module("garbage", "live\n", "seven\n", "1\n", "");
	put_module("negative", "live\n", "-1\n", "1\n", "");
	assert_int_equal(modtool_module_get_refcount(ctx, "used"), 7);
	assert_int_equal(modtool_module_get_refcount(ctx, "garbage"), -EINVAL);
	assert_int_equal(modtool_module_get_refcount(ctx, "negative"), -ERANGE);
	assert_int_equal(modtool_module_get_refcount(ctx, "absent"), -ENOENT);
}

/* What can be checked without module syscalls: arguments and missing files. */
static void insert_and_remove_arguments(void **state)
{
	struct modtool_ctx *ctx = *state;
	struct modtool_module *mod;
	char path[PATH_MAX];

	assert_int_equal(mt_module_new(ctx, "builtin_one", NULL, true, &mod), 0);
	assert_int_equal(modtool_module_insert(mod, NULL, 0), -ENOENT);
	modtool_module_unref(mod);
	snprintf(path, sizeof(path), "%s/missing.ko", root);
	assert_int_equal(modtool_module_new_from_path(ctx, path, &mod), 0);
	assert_int_equal(modtool_module_insert(mod, "a=1", 0), -ENOENT);
	assert_int_equal(modtool_module_insert(mod, "", 1u << 7), -EINVAL);
	modtool_module_unref(mod);
	assert_int_equal(modtool_module_insert(NULL, NULL, 0), -EINVAL);
	assert_int_equal(modtool_module_remove(ctx, NULL, 0), -EINVAL);
	assert_int_equal(modtool_ctx_set_sysroot(NULL, "/"), -EINVAL);
}

static const char module_image[] = "not an ELF file: the fake kernel takes anything";

/* Insert root/@name, made from module_image by the shell command @make: its result. */
static int insert_made_module(struct modtool_ctx *ctx, const char *name, const char *make)
{
	struct modtool_module *mod;
	char path[PATH_MAX];
	int err;

	put("m.ko", module_image);
	assert_int_equal(run_status("cd '%s' && %s", root, make), 0);
	snprintf(path, sizeof(path), "%s/%s", root, name);
	assert_int_equal(modtool_module_new_from_path(ctx, path, &mod), 0);
	memset(&loaded, 0, sizeof(loaded));
	err = modtool_module_insert(mod, NULL, 0);
	modtool_module_unref(mod);
	return err;
}

static void load_made_module(struct modtool_ctx *ctx, const char *name, const char *make)
{
	assert_int_equal(insert_made_module(ctx, name, make), 0);
}

static void assert_loaded_decompressed(void)
{
	assert_int_equal(loaded.nr, SYS_init_module);
	assert_int_equal(loaded.len, strlen(module_image));
	assert_memory_equal(loaded.image, module_image, loaded.len);
}

/*
 * A kernel that decompresses xz gets a .ko.xz with a CRC32 check (what
 * Kbuild writes) as it is; one with a CRC64 or SHA-256 check, which its
 * decoder cannot verify, is decompressed here and loaded with init_module.
 */
static void xz_check_decides_who_decompresses(void **state)
{
	struct modtool_ctx *ctx = *state;

	put("sys/module/compression", "xz\n");
	load_made_module(ctx, "crc32.ko.xz", "xz --check=crc32 -c m.ko > crc32.ko.xz");
	assert_int_equal(loaded.nr, SYS_finit_module);
	assert_int_equal(loaded.flags, 4);	/* MODULE_INIT_COMPRESSED_FILE */
	load_made_module(ctx, "none.ko.xz", "xz --check=none -c m.ko > none.ko.xz");
	assert_int_equal(loaded.nr, SYS_finit_module);
	if (!ENABLE_XZ) {
		/* a build without liblzma still hands the kernel what it decodes, and no more */
		assert_int_equal(insert_made_module(ctx, "crc64.ko.xz",
						    "xz --check=crc64 -c m.ko > crc64.ko.xz"),
				 -ENOTSUP);
		assert_int_equal(loaded.nr, 0);
		return;
	}
	load_made_module(ctx, "crc64.ko.xz", "xz --check=crc64 -c m.ko > crc64.ko.xz");
	assert_loaded_decompressed();
	load_made_module(ctx, "sha256.ko.xz", "xz --check=sha256 -c m.ko > sha256.ko.xz");
	assert_loaded_decompressed();
	/* a kernel that takes another format gets the xz file decompressed */
	put("sys/module/compression", "zstd\n");
	load_made_module(ctx, "crc32.ko.xz", "true");
	assert_loaded_decompressed();
	/* an uncompressed module goes to finit_module() without flags */
	load_made_module(ctx, "m.ko", "true");
	assert_int_equal(loaded.nr, SYS_finit_module);
	assert_int_equal(loaded.flags, 0);
}

/* lsmod with arguments prints kmod's one-line usage and fails. */
static void lsmod_usage(void **state)
{
	char *argv[] = { "lsmod", "extra", NULL };

	assert_int_equal(lsmod_main(2, argv), EXIT_FAILURE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(lsmod_format, setup, teardown),
		cmocka_unit_test_setup_teardown(lsmod_two_holders, setup, teardown),
		cmocka_unit_test_setup_teardown(sysfs_values_preferred, setup, teardown),
		cmocka_unit_test_setup_teardown(vanished_module_skipped, setup, teardown),
		cmocka_unit_test_setup_teardown(proc_only, setup, teardown),
		cmocka_unit_test_setup_teardown(malformed_lines, setup, teardown),
		cmocka_unit_test_setup_teardown(no_proc_modules, setup, teardown),
		cmocka_unit_test_setup_teardown(module_states, setup, teardown),
		cmocka_unit_test_setup_teardown(refcounts, setup, teardown),
		cmocka_unit_test_setup_teardown(insert_and_remove_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(xz_check_decides_who_decompresses, setup, teardown),
		cmocka_unit_test_setup_teardown(lsmod_usage, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
