// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Module information: .modinfo strings split into keys and values, the
 * parameters merged from them in kmod's order, and the same end to end
 * through the public API: a crafted module file, a crafted
 * modules.builtin.modinfo, and lookups in indexes that kmod's depmod wrote
 * for a temporary tree holding real modules.
 */
#include <elf.h>
#include <errno.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#endif
#endif
#ifndef RUNNING_ON_VALGRIND
#define RUNNING_ON_VALGRIND 0
#endif
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_SANITIZER 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_SANITIZER 1
#endif
#endif
#ifndef UNDER_SANITIZER
#define UNDER_SANITIZER 0
#endif

#include "module/builtin.h"
#include "base/internal.h"
#include "test-util.h"
#include "module/modinfo.h"
#include "module/module.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* ---- helpers --------------------------------------------------------- */

struct kv {
	const char *key;
	const char *value;
};

static void expect_info(const struct modtool_info *info, const struct kv *want, size_t n)
{
	if (modtool_info_count(info) != n) {
		for (size_t i = 0; i < modtool_info_count(info); i++)
			print_message("  [%zu] %s=%s\n", i, modtool_info_get_key(info, i),
				      modtool_info_get_value(info, i));
		fail_msg("%zu entries, expected %zu", modtool_info_count(info), n);
	}
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(modtool_info_get_key(info, i), want[i].key);
		assert_string_equal(modtool_info_get_value(info, i), want[i].value);
	}
	assert_null(modtool_info_get_key(info, n));
	assert_null(modtool_info_get_value(info, n));
}

/* mt_info_new on an exact-size heap copy, so a read past @size is caught. */
static struct modtool_info *info_from(const char *data, size_t size)
{
	struct modtool_info *info = NULL;
	char *copy = malloc(size ? size : 1);

	assert_non_null(copy);
	memcpy(copy, data, size);
	assert_int_equal(mt_info_new(copy, size, &info), 0);
	assert_non_null(info);
	/* the info owns its strings */
	memset(copy, 'X', size);
	free(copy);
	return info;
}

#define INFO_FROM(lit) info_from(lit, sizeof(lit) - 1)

static struct log_capture logbuf;


static struct modtool_ctx *new_ctx(const char *dir)
{
	struct modtool_ctx *ctx;

	assert_int_equal(modtool_ctx_new(dir, &ctx), 0);
	memset(&logbuf, 0, sizeof(logbuf));
	modtool_ctx_set_log_fn(ctx, capture_log, &logbuf);
	return ctx;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static void make_tmpdir(char *dir, const char *tag)
{
	const char *base = getenv("TMPDIR");

	snprintf(dir, PATH_MAX, "%s/modtool-%s.XXXXXX", base && *base ? base : "/tmp", tag);
	assert_non_null(mkdtemp(dir));
}

static void remove_tree(const char *dir)
{
	if (!getenv("MODTOOL_KEEP_TMP"))
		nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- a minimal ELF64 little-endian relocatable ----------------------- */

struct section {
	const char *name;
	const void *data;
	size_t size;
};

/* [Ehdr][section data...][.shstrtab][section headers], malloc()ed at exact size. */
static uint8_t *build_elf(const struct section *secs, size_t n, size_t *size)
{
	size_t shnum = n + 2, names_len = 1, off = sizeof(Elf64_Ehdr), shoff;
	size_t name_off[16], data_off[16];
	Elf64_Ehdr eh = { 0 };
	uint8_t *buf;

	assert_true(shnum <= 16);
	for (size_t i = 0; i < n; i++) {
		name_off[i] = names_len;
		names_len += strlen(secs[i].name) + 1;
		data_off[i] = off;
		off += secs[i].size;
	}
	name_off[n] = names_len;
	names_len += sizeof(".shstrtab");
	data_off[n] = off;
	off += names_len;
	shoff = off;
	*size = shoff + shnum * sizeof(Elf64_Shdr);
	buf = calloc(1, *size);
	assert_non_null(buf);

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_REL;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_shoff = shoff;
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = shnum;
	eh.e_shstrndx = n + 1;
	/* this test runs little-endian hosts only (the tools' targets) */
	memcpy(buf, &eh, sizeof(eh));
	for (size_t i = 0; i <= n; i++) {
		Elf64_Shdr sh = { 0 };
		const char *name = i < n ? secs[i].name : ".shstrtab";

		memcpy(buf + data_off[n] + name_off[i], name, strlen(name) + 1);
		sh.sh_name = name_off[i];
		sh.sh_type = i < n ? SHT_PROGBITS : SHT_STRTAB;
		sh.sh_offset = data_off[i];
		sh.sh_size = i < n ? secs[i].size : names_len;
		if (i < n && secs[i].size)
			memcpy(buf + data_off[i], secs[i].data, secs[i].size);
		memcpy(buf + shoff + (i + 1) * sizeof(sh), &sh, sizeof(sh));
	}
	return buf;
}

static void write_module(const char *path, const char *modinfo, size_t modinfo_len)
{
	const struct section secs[] = {
		{ ".text", "\xc3", 1 },
		{ ".modinfo", modinfo, modinfo_len },
		{ ".gnu.linkonce.this_module", "\0\0\0\0\0\0\0\0", 8 },
	};
	uint8_t *elf;
	size_t size;

	elf = build_elf(secs, ARRAY_SIZE(secs), &size);
	write_file(path, elf, size);
	free(elf);
}

/* ---- mt_info_new ----------------------------------------------------- */

static void test_info_basic(void **state)
{
	struct modtool_info *info = INFO_FROM("license=GPL\0author=Someone <a@b>\0"
					      "description=Does things\0");
	const struct kv want[] = {
		{ "license", "GPL" },
		{ "author", "Someone <a@b>" },
		{ "description", "Does things" },
	};

	expect_info(info, want, ARRAY_SIZE(want));
	modtool_info_free(info);
}

/* Padding NULs (the linker aligns .modinfo entries) are skipped anywhere. */
static void test_info_padding(void **state)
{
	struct modtool_info *info = INFO_FROM("\0\0\0\0a=1\0\0\0\0\0\0\0b=2\0\0c=3\0\0\0");
	const struct kv want[] = { { "a", "1" }, { "b", "2" }, { "c", "3" } };

	expect_info(info, want, ARRAY_SIZE(want));
	modtool_info_free(info);
}

static void test_info_odd_strings(void **state)
{
	struct modtool_info *info = INFO_FROM("novalue\0equals==\0url=http://x/?a=b&c=d\0"
					      "=nokey\0empty=\0last=no terminator");
	const struct kv want[] = {
		{ "novalue", "" },
		{ "equals", "=" },
		{ "url", "http://x/?a=b&c=d" },
		{ "", "nokey" },
		{ "empty", "" },
		{ "last", "no terminator" },
	};

	expect_info(info, want, ARRAY_SIZE(want));
	modtool_info_free(info);
}

static void test_info_order_and_duplicates(void **state)
{
	struct modtool_info *info = INFO_FROM("alias=b\0alias=a\0license=GPL\0alias=c\0alias=a\0");
	const struct kv want[] = {
		{ "alias", "b" }, { "alias", "a" }, { "license", "GPL" }, { "alias", "c" },
		{ "alias", "a" },
	};

	expect_info(info, want, ARRAY_SIZE(want));
	modtool_info_free(info);
}

static void test_info_empty(void **state)
{
	static const size_t sizes[] = { 0, 1, 2, 17 };
	static const char zeros[17];

	for (size_t i = 0; i < ARRAY_SIZE(sizes); i++) {
		struct modtool_info *info = info_from(zeros, sizes[i]);

		assert_int_equal(modtool_info_count(info), 0);
		assert_null(modtool_info_get_key(info, 0));
		modtool_info_free(info);
	}
	/* one string without a NUL, one character long */
	{
		struct modtool_info *info = info_from("x", 1);
		const struct kv want[] = { { "x", "" } };

		expect_info(info, want, 1);
		modtool_info_free(info);
	}
	/* an empty section may have no data pointer at all (SHT_NOBITS) */
	{
		struct modtool_info *info = NULL;

		assert_int_equal(mt_info_new(NULL, 0, &info), 0);
		assert_int_equal(modtool_info_count(info), 0);
		modtool_info_free(info);
	}
	/* NULL-safe getters */
	assert_int_equal(modtool_info_count(NULL), 0);
	assert_null(modtool_info_get_key(NULL, 0));
	assert_null(modtool_info_get_value(NULL, 0));
	modtool_info_free(NULL);
}

/* Bytes beyond ASCII are kept as they are. */
static void test_info_bytes(void **state)
{
	struct modtool_info *info = INFO_FROM("author=J\xc3\xb6rg \xff\x01\0x\x80=\x7f\0");
	const struct kv want[] = { { "author", "J\xc3\xb6rg \xff\x01" }, { "x\x80", "\x7f" } };

	expect_info(info, want, ARRAY_SIZE(want));
	modtool_info_free(info);
}

static void test_info_append(void **state)
{
	struct modtool_info *info = INFO_FROM("license=GPL\0name=foo");
	struct kv want[203] = { { "license", "GPL" }, { "name", "foo" } };
	char keys[200][16], values[200][16];

	assert_int_equal(mt_info_append(info, "signer", "Build key"), 0);
	assert_int_equal(mt_info_append(info, "sig_key", "AB:CD=EF"), 0);
	want[2] = (struct kv){ "signer", "Build key" };
	want[3] = (struct kv){ "sig_key", "AB:CD=EF" };
	/* many more: the entry array grows under earlier appended strings */
	for (int i = 0; i < 199; i++) {
		snprintf(keys[i], sizeof(keys[i]), "k%d", i);
		snprintf(values[i], sizeof(values[i]), "v%d", i);
		assert_int_equal(mt_info_append(info, keys[i], values[i]), 0);
		want[4 + i] = (struct kv){ keys[i], values[i] };
	}
	expect_info(info, want, 203);
	modtool_info_free(info);

	/* appending to an empty info */
	info = info_from("", 0);
	assert_int_equal(mt_info_append(info, "sig_id", "PKCS#7"), 0);
	want[0] = (struct kv){ "sig_id", "PKCS#7" };
	expect_info(info, want, 1);
	modtool_info_free(info);
}

/* ---- parameters ------------------------------------------------------ */

struct param_want {
	const char *name;
	const char *description;	/* NULL: none */
	const char *type;
};

static void expect_params(const struct modtool_info *info, const struct param_want *want, size_t n)
{
	struct modtool_params *params = NULL;
	int r = modtool_info_get_params(info, &params);

	assert_true(r >= 0);
	assert_non_null(params);
	assert_int_equal(r, modtool_params_count(params));
	if (modtool_params_count(params) != n) {
		for (size_t i = 0; i < modtool_params_count(params); i++)
			print_message("  [%zu] %s\n", i, modtool_params_get_name(params, i));
		fail_msg("%zu parameters, expected %zu", modtool_params_count(params), n);
	}
	for (size_t i = 0; i < n; i++) {
		const char *d = modtool_params_get_description(params, i);
		const char *t = modtool_params_get_type(params, i);

		assert_string_equal(modtool_params_get_name(params, i), want[i].name);
		if (want[i].description)
			assert_string_equal(d, want[i].description);
		else
			assert_null(d);
		if (want[i].type)
			assert_string_equal(t, want[i].type);
		else
			assert_null(t);
	}
	assert_null(modtool_params_get_name(params, n));
	assert_null(modtool_params_get_description(params, n));
	assert_null(modtool_params_get_type(params, n));
	modtool_params_free(params);
}

static void test_params_kmod_order(void **state)
{
	struct modtool_info *info = INFO_FROM(
		"parm=a:A\0"
		"license=GPL\0"
		"parmtype=b:int\0"
		"parmtype=a:charp\0"
		"parm=c:C\0"
		"parm=b:B\0"
		"parm=nocolon\0"		/* ignored */
		"parmtype=d:bool\0"		/* only a type */
		"parm=e:E: with a colon\0"	/* only a description; ':' inside */
		"parm=a:A2\0"			/* replaces A */
		"parmtype=a:uint\0"		/* replaces charp */
		"parm=ab:not a\0"		/* a longer name is another name */
		"parmx=z:no\0"			/* other keys do not count */
		"param=y:no\0"
		"parm=f:\0"			/* an empty description */
		"parmtype=g\0");		/* ignored */
	const struct param_want want[] = {
		{ "f", "", NULL },
		{ "ab", "not a", NULL },
		{ "e", "E: with a colon", NULL },
		{ "d", NULL, "bool" },
		{ "c", "C", NULL },
		{ "b", "B", "int" },
		{ "a", "A2", "uint" },
	};

	expect_params(info, want, ARRAY_SIZE(want));
	modtool_info_free(info);
}

static void test_params_none(void **state)
{
	struct modtool_info *info = INFO_FROM("license=GPL\0parm=x\0parmtype=y\0");
	struct modtool_params *params = NULL;

	expect_params(info, NULL, 0);
	assert_int_equal(modtool_info_get_params(NULL, &params), -EINVAL);
	assert_int_equal(modtool_info_get_params(info, NULL), -EINVAL);
	assert_int_equal(modtool_params_count(NULL), 0);
	assert_null(modtool_params_get_name(NULL, 0));
	modtool_params_free(NULL);
	modtool_info_free(info);
}

/* Appended keys take part like the section's own. */
static void test_params_appended(void **state)
{
	struct modtool_info *info = INFO_FROM("parm=a:first\0");
	const struct param_want want[] = { { "b", NULL, "int" }, { "a", "second", NULL } };

	assert_int_equal(mt_info_append(info, "parmtype", "b:int"), 0);
	assert_int_equal(mt_info_append(info, "parm", "a:second"), 0);
	expect_params(info, want, ARRAY_SIZE(want));
	modtool_info_free(info);
}

/* .modinfo text for @n parameters, each with parm and parmtype. */
static char *many_params(size_t n, size_t *len)
{
	size_t cap = n * 64 + 64, used = 0;
	char *s = malloc(cap);

	if (!s)
		abort();
	used += sprintf(s, "license=GPL") + 1;
	for (size_t i = 0; i < n; i++) {
		used += sprintf(s + used, "parm=p%zu:description of %zu", i, i) + 1;
		used += sprintf(s + used, "parmtype=p%zu:%s", i, i % 2 ? "int" : "charp") + 1;
	}
	assert_true(used <= cap);
	*len = used;
	return s;
}

static double time_params(size_t n)
{
	struct modtool_params *params;
	struct modtool_info *info;
	double best = 1e9;
	size_t len;
	char *s = many_params(n, &len);

	assert_int_equal(mt_info_new(s, len, &info), 0);
	for (int round = 0; round < 3; round++) {
		double t = now();

		assert_int_equal(modtool_info_get_params(info, &params), (int)n);
		t = now() - t;
		if (t < best)
			best = t;
		if (round == 0) {
			char name[32], desc[64];

			/* the last first seen comes first */
			for (size_t i = 0; i < n; i += n / 7 + 1) {
				size_t k = n - 1 - i;

				snprintf(name, sizeof(name), "p%zu", k);
				snprintf(desc, sizeof(desc), "description of %zu", k);
				assert_string_equal(modtool_params_get_name(params, i), name);
				assert_string_equal(modtool_params_get_description(params, i),
						    desc);
				assert_string_equal(modtool_params_get_type(params, i),
						    k % 2 ? "int" : "charp");
			}
		}
		modtool_params_free(params);
	}
	modtool_info_free(info);
	free(s);
	return best;
}

/*
 * 50000 parameters: no quadratic merging.  Here that takes ~50 ms; a search
 * of the list per name (as kmod's modinfo does) takes seconds, and under
 * valgrind minutes.
 */
static void test_params_many(void **state)
{
	double limit = RUNNING_ON_VALGRIND ? 30.0 : UNDER_SANITIZER ? 5.0 : 1.0;
	double t = time_params(50000);

	print_message("params: 50000 in %.4f s (limit %.0f s)\n", t, limit);
	if (t > limit)
		fail_msg("50000 parameters took %.3f s", t);
	time_params(1);
	time_params(2);
}

/* ---- a crafted module file through the public API -------------------- */

static const char foo_modinfo[] =
	"\0\0\0license=GPL\0\0\0\0description=Foo bar driver\0author=A <a@example.org>\0"
	"alias=pci:v00001234d*sv*sd*bc*sc*i*\0parm=debug:Debug level\0parmtype=debug:int\0"
	"depends=\0retpoline=Y\0name=foo_bar\0vermagic=6.1.0 SMP mod_unload \0";

static const struct kv foo_keys[] = {
	{ "license", "GPL" },
	{ "description", "Foo bar driver" },
	{ "author", "A <a@example.org>" },
	{ "alias", "pci:v00001234d*sv*sd*bc*sc*i*" },
	{ "parm", "debug:Debug level" },
	{ "parmtype", "debug:int" },
	{ "depends", "" },
	{ "retpoline", "Y" },
	{ "name", "foo_bar" },
	{ "vermagic", "6.1.0 SMP mod_unload " },
};

static void expect_module_info(struct modtool_module *mod, unsigned int flags)
{
	struct modtool_info *info = NULL;

	assert_int_equal(modtool_module_get_info(mod, flags, &info), 0);
	expect_info(info, foo_keys, ARRAY_SIZE(foo_keys));
	modtool_info_free(info);
}

static void test_module_from_path(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 64], xz[PATH_MAX + 128];
	struct modtool_module *mod;
	struct modtool_ctx *ctx;

	make_tmpdir(dir, "modinfo");
	snprintf(path, sizeof(path), "%s/kernel", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/kernel/x", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	snprintf(path, sizeof(path), "%s/kernel/x/foo-bar.ko", dir);
	write_module(path, foo_modinfo, sizeof(foo_modinfo) - 1);
	ctx = new_ctx(dir);

	assert_int_equal(modtool_module_new_from_path(ctx, path, &mod), 0);
	assert_string_equal(modtool_module_get_name(mod), "foo_bar");
	assert_string_equal(modtool_module_get_path(mod), path);
	assert_false(modtool_module_is_builtin(mod));
	expect_module_info(mod, 0);
	/* a second time from the loaded file; an unsigned module shows no signature */
	expect_module_info(mod, MODTOOL_INFO_SIGNATURE);
	/* references */
	assert_ptr_equal(modtool_module_ref(mod), mod);
	modtool_module_unref(mod);
	assert_string_equal(modtool_module_get_name(mod), "foo_bar");
	modtool_module_unref(mod);

	/* the same compressed, with the kernel's xz options */
	snprintf(xz, sizeof(xz), "%s.xz", path);
	assert_int_equal(run_status("xz --check=crc32 --lzma2=dict=1MiB -k '%s'", path), 0);
	assert_int_equal(modtool_module_new_from_path(ctx, xz, &mod), 0);
	assert_string_equal(modtool_module_get_name(mod), "foo_bar");
	if (ENABLE_XZ) {
		expect_module_info(mod, 0);
		assert_int_equal(logbuf.count, 0);
	} else {
		struct modtool_info *info = NULL;

		/* built without liblzma: refused, the file named */
		assert_int_equal(modtool_module_get_info(mod, 0, &info), -ENOTSUP);
		assert_non_null(strstr(logbuf.text, xz));
	}
	modtool_module_unref(mod);

	modtool_ctx_free(ctx);
	remove_tree(dir);
}

static void test_module_names(void **state)
{
	static const struct {
		const char *path;
		const char *name;
	} cases[] = {
		{ "/x/snd-hda-intel.ko.zst", "snd_hda_intel" },
		{ "a/b-c.ko.gz", "b_c" },
		{ "b-c.ko.xz", "b_c" },
		{ "/lib/modules/v/kernel/e1000e.ko", "e1000e" },
		{ "no-extension", "no_extension" },
		{ "weird.ko.bz2", "weird.ko.bz2" },
		{ "dir.ko/x_y.ko", "x_y" },
	};
	struct modtool_module *mod;
	struct modtool_ctx *ctx = new_ctx("/nonexistent");
	char longname[NAME_MAX + 16];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		/* files are opened lazily: none of these exists */
		assert_int_equal(modtool_module_new_from_path(ctx, cases[i].path, &mod), 0);
		assert_string_equal(modtool_module_get_name(mod), cases[i].name);
		modtool_module_unref(mod);
	}
	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_true(modtool_module_new_from_path(ctx, longname, &mod) < 0);
	assert_int_equal(modtool_module_new_from_path(NULL, "x.ko", &mod), -EINVAL);
	assert_int_equal(modtool_module_new_from_path(ctx, NULL, &mod), -EINVAL);
	assert_int_equal(modtool_module_new_from_path(ctx, "x.ko", NULL), -EINVAL);
	assert_null(modtool_module_get_name(NULL));
	modtool_module_unref(NULL);
	modtool_ctx_free(ctx);
}

/* get_info must fail with a negative errno and a log line naming the file. */
static void expect_info_error(struct modtool_ctx *ctx, const char *path)
{
	struct modtool_module *mod;
	struct modtool_info *info = (struct modtool_info *)&info;
	int err;

	memset(&logbuf, 0, sizeof(logbuf));
	assert_int_equal(modtool_module_new_from_path(ctx, path, &mod), 0);
	err = modtool_module_get_info(mod, 0, &info);
	assert_true(err < 0);
	assert_null(info);
	if (!strstr(logbuf.text, path))
		fail_msg("%s: log does not name the file: \"%s\"", path, logbuf.text);
	modtool_module_unref(mod);
}

static void test_module_broken(void **state)
{
	const struct section no_modinfo[] = { { ".text", "\xc3", 1 } };
	const struct section modinfo_outside[] = {
		{ ".text", "\xc3", 1 }, { ".modinfo", "license=GPL", 12 },
	};
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct modtool_ctx *ctx;
	uint8_t *elf;
	size_t size;

	make_tmpdir(dir, "modinfo");
	ctx = new_ctx(dir);

	snprintf(path, sizeof(path), "%s/missing.ko", dir);
	expect_info_error(ctx, path);

	snprintf(path, sizeof(path), "%s/text.ko", dir);
	write_file(path, "this is not an ELF file\n", 24);
	expect_info_error(ctx, path);

	snprintf(path, sizeof(path), "%s/empty.ko", dir);
	write_file(path, "", 0);
	expect_info_error(ctx, path);

	snprintf(path, sizeof(path), "%s/no-modinfo.ko", dir);
	elf = build_elf(no_modinfo, 1, &size);
	write_file(path, elf, size);
	expect_info_error(ctx, path);
	/* cut short: the section table is gone */
	write_file(path, elf, size - 1);
	expect_info_error(ctx, path);
	free(elf);

	/* .modinfo (section 2) pointing past the end of the file */
	snprintf(path, sizeof(path), "%s/outside.ko", dir);
	elf = build_elf(modinfo_outside, 2, &size);
	{
		Elf64_Ehdr eh;
		Elf64_Shdr sh;
		size_t at;

		memcpy(&eh, elf, sizeof(eh));
		at = eh.e_shoff + 2 * sizeof(sh);
		memcpy(&sh, elf + at, sizeof(sh));
		sh.sh_offset = size - 2;
		memcpy(elf + at, &sh, sizeof(sh));
	}
	write_file(path, elf, size);
	free(elf);
	expect_info_error(ctx, path);

	snprintf(path, sizeof(path), "%s/bad.ko.xz", dir);
	write_file(path, "\xfd" "7zXZ\0garbage", 13);
	expect_info_error(ctx, path);

	modtool_ctx_free(ctx);
	remove_tree(dir);
}

/* An empty .modinfo is no error: a module with no information. */
static void test_module_empty_modinfo(void **state)
{
	char dir[PATH_MAX], path[PATH_MAX + 64];
	struct modtool_module *mod;
	struct modtool_info *info;
	struct modtool_ctx *ctx;

	make_tmpdir(dir, "modinfo");
	ctx = new_ctx(dir);
	snprintf(path, sizeof(path), "%s/e.ko", dir);
	write_module(path, "", 0);
	assert_int_equal(modtool_module_new_from_path(ctx, path, &mod), 0);
	assert_int_equal(modtool_module_get_info(mod, 0, &info), 0);
	assert_int_equal(modtool_info_count(info), 0);
	modtool_info_free(info);
	modtool_module_unref(mod);
	modtool_ctx_free(ctx);
	remove_tree(dir);
}

/* ---- built-in modules: modules.builtin.modinfo ----------------------- */

static const char builtin_modinfo[] =
	"snd.license=GPL\0"
	"snd_pcm.license=GPL v2\0"
	"snd.author=Jaroslav\0"
	"snd_pcm.description=PCM\0\0\0"
	"snd.alias=char-major-116-*\0"
	"sndx.file=bad\0"
	"snd\0"
	"snd.\0"
	"s.x=1\0"
	".snd=2\0"
	"snd.parm=cards_limit:Count of auto-loadable cards\0"
	"snd_pcm.parmtype=maximum_substreams:int\0"
	"snd.file=sound/core/snd\0"
	"snd.last=no terminator";

static void write_builtin_modinfo(const char *dir, const void *data, size_t len)
{
	char path[2 * PATH_MAX];

	snprintf(path, sizeof(path), "%s/modules.builtin.modinfo", dir);
	write_file(path, data, len);
}

static const struct kv snd_keys[] = {
	{ "license", "GPL" },
	{ "author", "Jaroslav" },
	{ "alias", "char-major-116-*" },
	{ "parm", "cards_limit:Count of auto-loadable cards" },
	{ "file", "sound/core/snd" },
	{ "last", "no terminator" },
};

static const struct kv snd_pcm_keys[] = {
	{ "license", "GPL v2" },
	{ "description", "PCM" },
	{ "parmtype", "maximum_substreams:int" },
};

static void expect_builtin(struct modtool_ctx *ctx, const char *name, const struct kv *want,
			   size_t n)
{
	struct modtool_info *info = NULL;

	assert_int_equal(mt_builtin_get_info(ctx, name, &info), 0);
	expect_info(info, want, n);
	modtool_info_free(info);
}

static void test_builtin_modinfo(void **state)
{
	const struct kv s_keys[] = { { "x", "1" } };
	const struct kv sndx_keys[] = { { "file", "bad" } };
	struct modtool_info *info;
	struct modtool_ctx *ctx;
	char dir[PATH_MAX];

	make_tmpdir(dir, "builtin");
	ctx = new_ctx(dir);
	/* no file */
	assert_int_equal(mt_builtin_get_info(ctx, "snd", &info), -ENOENT);

	write_builtin_modinfo(dir, builtin_modinfo, sizeof(builtin_modinfo) - 1);
	expect_builtin(ctx, "snd", snd_keys, ARRAY_SIZE(snd_keys));
	expect_builtin(ctx, "snd_pcm", snd_pcm_keys, ARRAY_SIZE(snd_pcm_keys));
	expect_builtin(ctx, "s", s_keys, 1);
	expect_builtin(ctx, "sndx", sndx_keys, 1);
	/* prefixes and extensions of names are other modules */
	expect_builtin(ctx, "sn", NULL, 0);
	expect_builtin(ctx, "snd_", NULL, 0);
	expect_builtin(ctx, "snd_pcm_oss", NULL, 0);

	write_builtin_modinfo(dir, "", 0);
	expect_builtin(ctx, "snd", NULL, 0);
	assert_int_equal(logbuf.count, 0);
	modtool_ctx_free(ctx);
	remove_tree(dir);
}

/* A built-in module's info through the module object. */
static void test_builtin_module(void **state)
{
	struct modtool_module *mod;
	struct modtool_info *info;
	struct modtool_ctx *ctx;
	char dir[PATH_MAX];

	make_tmpdir(dir, "builtin");
	ctx = new_ctx(dir);
	write_builtin_modinfo(dir, builtin_modinfo, sizeof(builtin_modinfo) - 1);
	assert_int_equal(mt_module_new(ctx, "snd", NULL, true, &mod), 0);
	assert_true(modtool_module_is_builtin(mod));
	assert_null(modtool_module_get_path(mod));
	assert_int_equal(modtool_module_get_info(mod, 0, &info), 0);
	expect_info(info, snd_keys, ARRAY_SIZE(snd_keys));
	modtool_info_free(info);
	modtool_module_unref(mod);

	/* neither a file nor built in */
	assert_int_equal(mt_module_new(ctx, "ghost", NULL, false, &mod), 0);
	assert_true(modtool_module_get_info(mod, 0, &info) < 0);
	assert_non_null(strstr(logbuf.text, "ghost"));
	modtool_module_unref(mod);
	modtool_ctx_free(ctx);
	remove_tree(dir);
}

/* ---- lookups in indexes written by kmod's depmod --------------------- */

#define TEST_KVER "1.0.0-modtool-test"

#define E1000E_KO "kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko"
#define TWOFISH_KO "kernel/arch/x86/crypto/twofish-x86_64.ko"
#define TWOFISH_COMMON_KO "kernel/crypto/twofish_common.ko"

static const char *const real_modules[] = { E1000E_KO, TWOFISH_KO, TWOFISH_COMMON_KO };

struct tree {
	char root[PATH_MAX];
	char moddir[PATH_MAX + 64];
};

static struct tree tree;
static bool tree_ready;
static const char *tree_skip_reason = "not set up";

/* The 6.1 tree (plain .ko) from tests/fetch-trees.sh, or NULL. */
static bool find_real_tree(char *out, size_t outsize)
{
	const char *srcdir = getenv("MODTOOL_SRCDIR");
	char cmd[PATH_MAX + 64], trees[PATH_MAX], pattern[2 * PATH_MAX];
	glob_t g;
	FILE *p;
	bool ok = false;

	if (!srcdir)
		return false;
	snprintf(cmd, sizeof(cmd), "sh '%s/tests/fetch-trees.sh'", srcdir);
	p = popen(cmd, "r");
	if (!p)
		return false;
	if (fgets(trees, sizeof(trees), p))
		trees[strcspn(trees, "\n")] = '\0';
	else
		trees[0] = '\0';
	if (pclose(p) != 0 || !trees[0])
		return false;
	snprintf(pattern, sizeof(pattern), "%s/6.1/lib/modules/*/%s", trees, real_modules[0]);
	if (glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc == 1) {
		/* strip the module's relative path: the version directory remains */
		size_t len = strlen(g.gl_pathv[0]) - strlen(real_modules[0]) - 1;

		if (len < outsize) {
			memcpy(out, g.gl_pathv[0], len);
			out[len] = '\0';
			ok = true;
		}
	}
	globfree(&g);
	return ok;
}

static int tree_setup(void **state)
{
	static const char builtin_list[] =
		"kernel/sound/core/snd.ko\nkernel/sound/core/snd-pcm.ko\n";
	static const char module_order[] =
		"kernel/crypto/twofish_common.ko\nkernel/arch/x86/crypto/twofish-x86_64.ko\n"
		"kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko\nkernel/x/foo-bar.ko\n";
	char real[PATH_MAX], path[2 * PATH_MAX];

	if (access("/usr/sbin/depmod", X_OK) != 0) {
		tree_skip_reason = "no /usr/sbin/depmod";
		return 0;
	}
	if (!find_real_tree(real, sizeof(real))) {
		tree_skip_reason = "no module tree from tests/fetch-trees.sh (MODTOOL_SRCDIR?)";
		return 0;
	}
	make_tmpdir(tree.root, "lookup");
	snprintf(tree.moddir, sizeof(tree.moddir), "%s/lib/modules/" TEST_KVER, tree.root);
	for (size_t i = 0; i < ARRAY_SIZE(real_modules); i++) {
		const char *rel = real_modules[i];

		if (run_status("mkdir -p \"$(dirname '%s/%s')\" && cp '%s/%s' '%s/%s'", tree.moddir, rel,
			real, rel, tree.moddir, rel) != 0) {
			tree_skip_reason = "copying real modules failed";
			return 0;
		}
	}
	/* a crafted module too, and two built-in ones with their information */
	snprintf(path, sizeof(path), "%s/kernel/x", tree.moddir);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/kernel/x/foo-bar.ko", tree.moddir);
	write_module(path, foo_modinfo, sizeof(foo_modinfo) - 1);
	snprintf(path, sizeof(path), "%s/modules.builtin", tree.moddir);
	write_file(path, builtin_list, strlen(builtin_list));
	snprintf(path, sizeof(path), "%s/modules.order", tree.moddir);
	write_file(path, module_order, strlen(module_order));
	write_builtin_modinfo(tree.moddir, builtin_modinfo, sizeof(builtin_modinfo) - 1);
	if (run_status("/usr/sbin/depmod -b '%s' " TEST_KVER, tree.root) != 0) {
		tree_skip_reason = "depmod failed";
		return 0;
	}
	tree_ready = true;
	return 0;
}

static int tree_teardown(void **state)
{
	if (tree.root[0])
		remove_tree(tree.root);
	return 0;
}

#define NEED_TREE() \
	do { \
		if (!tree_ready) { \
			print_message("skipped: %s\n", tree_skip_reason); \
			skip(); \
		} \
	} while (0)

struct found {
	const char *name;
	const char *relpath;	/* NULL: built in */
};

static void expect_lookup(struct modtool_ctx *ctx, const char *key, unsigned int flags,
			  const struct found *want, size_t n)
{
	struct modtool_list *list = NULL;
	int r = modtool_module_lookup(ctx, key, flags, &list);

	if (r != (int)n) {
		for (size_t i = 0; r > 0 && i < modtool_list_count(list); i++)
			print_message("  [%zu] %s\n", i,
				      modtool_module_get_name(modtool_list_get(list, i)));
		fail_msg("lookup \"%s\" (flags %u): %d modules, expected %zu", key, flags, r, n);
	}
	assert_int_equal(modtool_list_count(list), n);
	for (size_t i = 0; i < n; i++) {
		struct modtool_module *mod = modtool_list_get(list, i);
		char path[2 * PATH_MAX];

		assert_string_equal(modtool_module_get_name(mod), want[i].name);
		if (want[i].relpath) {
			snprintf(path, sizeof(path), "%s/%s", tree.moddir, want[i].relpath);
			assert_string_equal(modtool_module_get_path(mod), path);
			assert_false(modtool_module_is_builtin(mod));
		} else {
			assert_null(modtool_module_get_path(mod));
			assert_true(modtool_module_is_builtin(mod));
		}
	}
	assert_null(modtool_list_get(list, n));
	modtool_list_free(list);
}

static const struct found e1000e = { "e1000e", E1000E_KO };
static const struct found twofish = { "twofish_x86_64", TWOFISH_KO };
static const struct found twofish_common = { "twofish_common", TWOFISH_COMMON_KO };
static const struct found foo_bar = { "foo_bar", "kernel/x/foo-bar.ko" };
static const struct found snd = { "snd", NULL };
static const struct found snd_pcm = { "snd_pcm", NULL };

static void test_lookup_names(void **state)
{
	struct modtool_ctx *ctx;

	NEED_TREE();
	ctx = new_ctx(tree.moddir);
	for (unsigned int flags = 0; flags <= MODTOOL_LOOKUP_NAME_ONLY; flags++) {
		expect_lookup(ctx, "e1000e", flags, &e1000e, 1);
		expect_lookup(ctx, "twofish_x86_64", flags, &twofish, 1);
		expect_lookup(ctx, "twofish-x86_64", flags, &twofish, 1);
		expect_lookup(ctx, "twofish-x86-64", flags, &twofish, 1);
		expect_lookup(ctx, "twofish_common", flags, &twofish_common, 1);
		expect_lookup(ctx, "twofish-common", flags, &twofish_common, 1);
		expect_lookup(ctx, "foo-bar", flags, &foo_bar, 1);
		expect_lookup(ctx, "foo_bar", flags, &foo_bar, 1);
		expect_lookup(ctx, "snd", flags, &snd, 1);
		expect_lookup(ctx, "snd-pcm", flags, &snd_pcm, 1);
		expect_lookup(ctx, "no_such_module", flags, NULL, 0);
		expect_lookup(ctx, "e1000", flags, NULL, 0);
		expect_lookup(ctx, "e1000e_", flags, NULL, 0);
		expect_lookup(ctx, "", flags, NULL, 0);
	}
	assert_int_equal(logbuf.count, 0);
	modtool_ctx_free(ctx);
}

static void test_lookup_aliases(void **state)
{
	/* e1000e claims 8086:10d3 (82574L) */
	static const char e1000e_modalias[] =
		"pci:v00008086d000010D3sv00001028sd00000000bc02sc00i00";
	static const char foo_modalias[] = "pci:v00001234d00000001sv00000000sd00000000bc00sc00i00";
	struct modtool_ctx *ctx;

	NEED_TREE();
	ctx = new_ctx(tree.moddir);
	expect_lookup(ctx, e1000e_modalias, 0, &e1000e, 1);
	expect_lookup(ctx, e1000e_modalias, MODTOOL_LOOKUP_NAME_ONLY, NULL, 0);
	expect_lookup(ctx, foo_modalias, 0, &foo_bar, 1);
	expect_lookup(ctx, "crypto-twofish", 0, &twofish, 1);
	expect_lookup(ctx, "twofish", 0, &twofish, 1);
	expect_lookup(ctx, "twofish", MODTOOL_LOOKUP_NAME_ONLY, NULL, 0);
	/* symbols */
	expect_lookup(ctx, "symbol:__twofish_setkey", 0, &twofish_common, 1);
	expect_lookup(ctx, "symbol:twofish_enc_blk", 0, &twofish, 1);
	expect_lookup(ctx, "symbol:no_such_symbol", 0, NULL, 0);
	/* built-in aliases, from modules.builtin.modinfo */
	expect_lookup(ctx, "char-major-116-5", 0, &snd, 1);
	/* kmod's name-only lookup consults the builtin aliases too (modinfo -m aes) */
	expect_lookup(ctx, "char-major-116-5", MODTOOL_LOOKUP_NAME_ONLY, &snd, 1);
	/* no match */
	expect_lookup(ctx, "pci:v0000FFFFd0000FFFFsv00000000sd00000000bc00sc00i00", 0, NULL, 0);
	modtool_ctx_free(ctx);
}

/* What a lookup finds gives its information. */
static void test_lookup_info(void **state)
{
	struct modtool_list *list;
	struct modtool_info *info;
	struct modtool_ctx *ctx;
	size_t aliases = 0;
	bool license = false, name = false;

	NEED_TREE();
	ctx = new_ctx(tree.moddir);
	assert_int_equal(modtool_module_lookup(ctx, "e1000e", 0, &list), 1);
	assert_int_equal(modtool_module_get_info(modtool_list_get(list, 0), 0, &info), 0);
	for (size_t i = 0; i < modtool_info_count(info); i++) {
		const char *k = modtool_info_get_key(info, i), *v = modtool_info_get_value(info, i);

		if (mt_streq(k, "alias") && strncmp(v, "pci:v00008086d", 14) == 0)
			aliases++;
		license |= mt_streq(k, "license") && mt_streq(v, "GPL v2");
		name |= mt_streq(k, "name") && mt_streq(v, "e1000e");
	}
	assert_true(aliases > 100);
	assert_true(license && name);
	modtool_info_free(info);
	modtool_list_free(list);

	assert_int_equal(modtool_module_lookup(ctx, "foo-bar", 0, &list), 1);
	expect_module_info(modtool_list_get(list, 0), 0);
	modtool_list_free(list);

	assert_int_equal(modtool_module_lookup(ctx, "snd_pcm", 0, &list), 1);
	assert_int_equal(modtool_module_get_info(modtool_list_get(list, 0), 0, &info), 0);
	expect_info(info, snd_pcm_keys, ARRAY_SIZE(snd_pcm_keys));
	modtool_info_free(info);
	modtool_list_free(list);
	assert_int_equal(logbuf.count, 0);
	modtool_ctx_free(ctx);
}

/* Without indexes (depmod never ran) lookups find nothing, quietly. */
static void test_lookup_no_indexes(void **state)
{
	struct modtool_list *list = NULL;
	struct modtool_ctx *ctx;
	char dir[PATH_MAX];

	make_tmpdir(dir, "noindex");
	ctx = new_ctx(dir);
	assert_int_equal(modtool_module_lookup(ctx, "e1000e", 0, &list), 0);
	assert_int_equal(modtool_list_count(list), 0);
	modtool_list_free(list);
	assert_int_equal(modtool_module_lookup(ctx, "e1000e", 0, NULL), -EINVAL);
	assert_int_equal(modtool_module_lookup(ctx, NULL, 0, &list), -EINVAL);
	assert_int_equal(modtool_module_lookup(NULL, "e1000e", 0, &list), -EINVAL);
	modtool_list_free(NULL);
	assert_int_equal(modtool_list_count(NULL), 0);
	modtool_ctx_free(ctx);
	remove_tree(dir);
}

int main(void)
{
	const struct CMUnitTest unit[] = {
		cmocka_unit_test(test_info_basic),
		cmocka_unit_test(test_info_padding),
		cmocka_unit_test(test_info_odd_strings),
		cmocka_unit_test(test_info_order_and_duplicates),
		cmocka_unit_test(test_info_empty),
		cmocka_unit_test(test_info_bytes),
		cmocka_unit_test(test_info_append),
		cmocka_unit_test(test_params_kmod_order),
		cmocka_unit_test(test_params_none),
		cmocka_unit_test(test_params_appended),
		cmocka_unit_test(test_params_many),
		cmocka_unit_test(test_module_from_path),
		cmocka_unit_test(test_module_names),
		cmocka_unit_test(test_module_broken),
		cmocka_unit_test(test_module_empty_modinfo),
		cmocka_unit_test(test_builtin_modinfo),
		cmocka_unit_test(test_builtin_module),
		cmocka_unit_test(test_lookup_no_indexes),
	};
	const struct CMUnitTest lookups[] = {
		cmocka_unit_test(test_lookup_names),
		cmocka_unit_test(test_lookup_aliases),
		cmocka_unit_test(test_lookup_info),
	};
	int failed;

	failed = cmocka_run_group_tests_name("modinfo", unit, NULL, NULL);
	failed += cmocka_run_group_tests_name("lookup", lookups, tree_setup, tree_teardown);
	return failed;
}
