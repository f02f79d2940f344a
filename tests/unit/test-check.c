// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check/ and the export-table reader on crafted files: a vmlinux ELF with
 * export tables (PREL32 and absolute entries), its banner and version
 * magic, tables that lie; then modules built here to trip each finding,
 * checked against that vmlinux through the public API.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <elf.h>
#include <errno.h>
#include <unistd.h>

#include "test-util.h"
#include "image/exports.h"
#include "libmodtool.h"

/* ---- a small ELF64 writer ---- */

struct buf {
	uint8_t *p;
	size_t len;
};

static void add(struct buf *b, const void *data, size_t len)
{
	b->p = realloc(b->p, b->len + len + 1);
	assert_non_null(b->p);
	if (len)
		memcpy(b->p + b->len, data, len);
	b->len += len;
}

static void add_u32(struct buf *b, uint32_t v)
{
	add(b, &v, 4);
}

static void add_u64(struct buf *b, uint64_t v)
{
	add(b, &v, 8);
}

struct section {
	const char *name;
	uint32_t type;
	uint64_t addr;
	struct buf data;
	uint32_t link;
	uint64_t entsize;
};

#define MAX_SECTIONS 16

struct elf {
	struct section s[MAX_SECTIONS];
	size_t n;
};

/* Add a section (index = its position + 1) and return its index. */
static uint32_t elf_section(struct elf *e, const char *name, uint32_t type, uint64_t addr,
			    const void *data, size_t len)
{
	struct section *s = &e->s[e->n++];

	*s = (struct section){ .name = name, .type = type, .addr = addr };
	add(&s->data, data, len);
	return (uint32_t)e->n;
}

/* The whole file: header, section data, names, section headers. */
static struct buf elf_write(struct elf *e, uint16_t type)
{
	struct buf out = { 0 }, names = { 0 };
	uint64_t offs[MAX_SECTIONS], names_off, shoff;
	Elf64_Ehdr h = { 0 };
	Elf64_Shdr sh;
	uint32_t name_at[MAX_SECTIONS + 1];

	add(&names, "", 1);
	for (size_t i = 0; i < e->n; i++) {
		name_at[i] = (uint32_t)names.len;
		add(&names, e->s[i].name, strlen(e->s[i].name) + 1);
	}
	name_at[e->n] = (uint32_t)names.len;
	add(&names, ".shstrtab", 10);
	add(&out, &h, sizeof(h));
	for (size_t i = 0; i < e->n; i++) {
		while (out.len % 8)
			add(&out, "", 1);
		offs[i] = out.len;
		add(&out, e->s[i].data.p, e->s[i].data.len);
	}
	names_off = out.len;
	add(&out, names.p, names.len);
	while (out.len % 8)
		add(&out, "", 1);
	shoff = out.len;
	memset(&sh, 0, sizeof(sh));
	add(&out, &sh, sizeof(sh));
	for (size_t i = 0; i < e->n; i++) {
		sh = (Elf64_Shdr){ .sh_name = name_at[i], .sh_type = e->s[i].type,
				   .sh_flags = SHF_ALLOC, .sh_addr = e->s[i].addr,
				   .sh_offset = offs[i], .sh_size = e->s[i].data.len,
				   .sh_link = e->s[i].link, .sh_entsize = e->s[i].entsize,
				   .sh_addralign = 1 };
		add(&out, &sh, sizeof(sh));
	}
	sh = (Elf64_Shdr){ .sh_name = name_at[e->n], .sh_type = SHT_STRTAB,
			   .sh_offset = names_off, .sh_size = names.len, .sh_addralign = 1 };
	add(&out, &sh, sizeof(sh));
	memcpy(h.e_ident, ELFMAG, SELFMAG);
	h.e_ident[EI_CLASS] = ELFCLASS64;
	h.e_ident[EI_DATA] = ELFDATA2LSB;
	h.e_ident[EI_VERSION] = EV_CURRENT;
	h.e_type = type;
	h.e_machine = EM_X86_64;
	h.e_version = EV_CURRENT;
	h.e_ehsize = sizeof(h);
	h.e_shoff = shoff;
	h.e_shentsize = sizeof(Elf64_Shdr);
	h.e_shnum = (uint16_t)(e->n + 2);
	h.e_shstrndx = (uint16_t)(e->n + 1);
	memcpy(out.p, &h, sizeof(h));
	for (size_t i = 0; i < e->n; i++)
		free(e->s[i].data.p);
	free(names.p);
	return out;
}

/* ---- a crafted vmlinux ---- */

#define RELEASE "6.9.0-test"
#define VERMAGIC RELEASE " SMP preempt mod_unload modversions "
#define STRINGS_ADDR 0xffffffff82010000ull
#define KSYMTAB_ADDR 0xffffffff82000000ull
#define GPL_ADDR 0xffffffff82000800ull

/* The exports: name, namespace, CRC, GPL-only. */
static const struct {
	const char *name, *ns;
	uint32_t crc;
	bool gpl;
} kernel_exports[] = {
	{ "module_layout", NULL, 0x11111111, false },
	{ "foo", NULL, 0x12345678, false },
	{ "bar", "NS1", 0x0badcafe, false },
	{ "baz", NULL, 0xfeedf00d, true },
};
#define N_EXPORTS (sizeof(kernel_exports) / sizeof(kernel_exports[0]))

enum vmlinux_lie {
	LIE_NONE,
	LIE_NAME_OUTSIDE,	/* a name offset past __ksymtab_strings */
	LIE_CRC_COUNT,		/* __kcrctab one CRC short */
	LIE_NO_KSYMTAB,		/* no export tables at all */
	LIE_NS_OUTSIDE,		/* a namespace offset past the strings */
};

static struct buf make_vmlinux(bool absolute, enum vmlinux_lie lie)
{
	struct buf strings = { 0 }, tab = { 0 }, gpl = { 0 }, crc = { 0 }, crc_gpl = { 0 },
		   rodata = { 0 };
	uint64_t name_at[N_EXPORTS], ns_at[N_EXPORTS];
	struct elf e = { 0 };
	static const char banner[] = "\0Linux version " RELEASE " (test@build) #1 SMP\0";
	static const char magic[] = "\0" RELEASE " (not this)\0" VERMAGIC "\0";

	add(&strings, "", 1);
	for (size_t i = 0; i < N_EXPORTS; i++) {
		name_at[i] = STRINGS_ADDR + strings.len;
		add(&strings, kernel_exports[i].name, strlen(kernel_exports[i].name) + 1);
		ns_at[i] = STRINGS_ADDR + strings.len;
		add(&strings, kernel_exports[i].ns ? kernel_exports[i].ns : "",
		    kernel_exports[i].ns ? strlen(kernel_exports[i].ns) + 1 : 1);
	}
	for (size_t i = 0; i < N_EXPORTS; i++) {
		struct buf *t = kernel_exports[i].gpl ? &gpl : &tab;
		uint64_t at = (kernel_exports[i].gpl ? GPL_ADDR : KSYMTAB_ADDR) + t->len;
		uint64_t name = name_at[i] + (lie == LIE_NAME_OUTSIDE && i == 1 ? 0x100000 : 0);
		uint64_t ns = ns_at[i] + (lie == LIE_NS_OUTSIDE && i == 2 ? 0x100000 : 0);

		if (absolute) {
			add_u64(t, 0xffffffff81000000ull + i);
			add_u64(t, name);
			add_u64(t, ns);
		} else {
			add_u32(t, 0x1000);
			add_u32(t, (uint32_t)(int32_t)(int64_t)(name - (at + 4)));
			add_u32(t, (uint32_t)(int32_t)(int64_t)(ns - (at + 8)));
		}
		if (!(lie == LIE_CRC_COUNT && i == 0))
			add_u32(kernel_exports[i].gpl ? &crc_gpl : &crc, kernel_exports[i].crc);
	}
	add(&rodata, banner, sizeof(banner));
	add(&rodata, magic, sizeof(magic));
	elf_section(&e, ".rodata", SHT_PROGBITS, 0xffffffff81800000ull, rodata.p, rodata.len);
	if (lie != LIE_NO_KSYMTAB) {
		elf_section(&e, "__ksymtab", SHT_PROGBITS, KSYMTAB_ADDR, tab.p, tab.len);
		elf_section(&e, "__ksymtab_gpl", SHT_PROGBITS, GPL_ADDR, gpl.p, gpl.len);
		elf_section(&e, "__kcrctab", SHT_PROGBITS, 0xffffffff82001000ull, crc.p, crc.len);
		elf_section(&e, "__kcrctab_gpl", SHT_PROGBITS, 0xffffffff82001800ull, crc_gpl.p,
			    crc_gpl.len);
	}
	elf_section(&e, "__ksymtab_strings", SHT_PROGBITS, STRINGS_ADDR, strings.p, strings.len);
	/* init data without a certificate list: a kernel that trusts no key */
	elf_section(&e, ".init.data", SHT_PROGBITS, 0xffffffff83000000ull, "\0\0\0\0\0\0\0\0", 8);
	free(strings.p);
	free(tab.p);
	free(gpl.p);
	free(crc.p);
	free(crc_gpl.p);
	free(rodata.p);
	return elf_write(&e, ET_EXEC);
}

struct seen_exports {
	struct mt_kernel_export e[16];
	size_t n;
};

static int collect(void *data, const struct mt_kernel_export *e)
{
	struct seen_exports *s = data;

	if (s->n < 16)
		s->e[s->n++] = *e;
	return 0;
}

static void expect_exports(bool absolute)
{
	struct buf v = make_vmlinux(absolute, LIE_NONE);
	struct seen_exports s = { .n = 0 };
	const char *why = NULL, *magic = NULL;
	char release[64];
	size_t len = 0;

	assert_int_equal(mt_vmlinux_exports(v.p, v.len, collect, &s, &why), N_EXPORTS);
	assert_int_equal(s.n, N_EXPORTS);
	/* __ksymtab first, then __ksymtab_gpl */
	for (size_t i = 0; i < N_EXPORTS; i++) {
		const struct mt_kernel_export *e = &s.e[i];
		size_t k = 0;

		while (k < N_EXPORTS && strcmp(kernel_exports[k].name, e->name) != 0)
			k++;
		assert_true(k < N_EXPORTS);
		assert_true(e->has_crc);
		assert_int_equal(e->crc, kernel_exports[k].crc);
		assert_int_equal(e->gpl_only, kernel_exports[k].gpl);
		if (kernel_exports[k].ns)
			assert_string_equal(e->ns, kernel_exports[k].ns);
		else
			assert_null(e->ns);
	}
	assert_true(s.e[N_EXPORTS - 1].gpl_only);
	assert_int_equal(mt_vmlinux_release(v.p, v.len, release, sizeof(release)), 0);
	assert_string_equal(release, RELEASE);
	assert_int_equal(mt_vmlinux_vermagic(v.p, v.len, NULL, &magic, &len), 0);
	assert_int_equal(len, strlen(VERMAGIC));
	assert_memory_equal(magic, VERMAGIC, len);
	assert_int_equal(mt_vmlinux_vermagic(v.p, v.len, "5.0.0", &magic, &len), -ENODATA);
	free(v.p);
}

static void test_exports_prel32(void **state)
{
	(void)state;
	expect_exports(false);
}

static void test_exports_absolute(void **state)
{
	(void)state;
	expect_exports(true);
}

static void expect_lie(enum vmlinux_lie lie, int err, const char *word)
{
	struct buf v = make_vmlinux(false, lie);
	struct seen_exports s = { .n = 0 };
	const char *why = NULL;

	assert_int_equal(mt_vmlinux_exports(v.p, v.len, collect, &s, &why), err);
	assert_non_null(why);
	if (!strstr(why, word))
		fail_msg("'%s' does not say '%s'", why, word);
	free(v.p);
}

static void test_exports_lies(void **state)
{
	static const uint8_t junk[] = "not an ELF file at all";
	const char *why = NULL;
	struct seen_exports s = { .n = 0 };
	struct buf v;

	(void)state;
	expect_lie(LIE_NAME_OUTSIDE, -EBADMSG, "__ksymtab_strings");
	expect_lie(LIE_CRC_COUNT, -EBADMSG, "__kcrctab");
	expect_lie(LIE_NO_KSYMTAB, -ENODATA, "module support");
	expect_lie(LIE_NS_OUTSIDE, -EBADMSG, "namespace");
	assert_int_equal(mt_vmlinux_exports(junk, sizeof(junk), collect, &s, &why), -ENOEXEC);
	/* every cut of a good image: an error or the exports, never a read past it */
	v = make_vmlinux(false, LIE_NONE);
	for (size_t cut = 0; cut < v.len; cut += 7) {
		uint8_t *copy = malloc(cut + 1);

		memcpy(copy, v.p, cut);
		s.n = 0;
		mt_vmlinux_exports(copy, cut, collect, &s, &why);
		free(copy);
	}
	free(v.p);
}

/* ---- crafted modules checked against that kernel ---- */

static char tmpdir[64];

struct msym {
	const char *name;
	bool defined;
};

struct module_spec {
	const char *modinfo;	/* entries separated by '|' */
	const struct msym *syms;
	const struct { const char *name; uint32_t crc; } *versions;
};

#define END { NULL, false }

static void write_module(const char *file, const struct module_spec *m)
{
	struct buf info = { 0 }, vers = { 0 }, syms = { 0 }, strs = { 0 };
	struct elf e = { 0 };
	char path[PATH_MAX];
	uint32_t text, strtab;
	Elf64_Sym sym = { 0 };
	struct buf out;

	for (const char *p = m->modinfo; *p; p++)
		add(&info, *p == '|' ? "" : p, 1);
	add(&info, "", 1);
	for (size_t i = 0; m->versions && m->versions[i].name; i++) {
		char name[56] = { 0 };

		add_u64(&vers, m->versions[i].crc);
		strncpy(name, m->versions[i].name, sizeof(name) - 1);
		add(&vers, name, sizeof(name));
	}
	add(&strs, "", 1);
	add(&syms, &sym, sizeof(sym));
	text = elf_section(&e, ".text", SHT_PROGBITS, 0, "\xc3", 1);
	elf_section(&e, ".modinfo", SHT_PROGBITS, 0, info.p, info.len);
	elf_section(&e, ".gnu.linkonce.this_module", SHT_PROGBITS, 0,
		    "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 32);
	if (m->versions)
		elf_section(&e, "__versions", SHT_PROGBITS, 0, vers.p, vers.len);
	for (size_t i = 0; m->syms && m->syms[i].name; i++) {
		sym = (Elf64_Sym){ .st_name = (uint32_t)strs.len,
				   .st_info = ELF64_ST_INFO(STB_GLOBAL, STT_NOTYPE),
				   .st_shndx = (uint16_t)(m->syms[i].defined ? text : 0) };
		add(&strs, m->syms[i].name, strlen(m->syms[i].name) + 1);
		add(&syms, &sym, sizeof(sym));
	}
	strtab = (uint32_t)e.n + 2;
	elf_section(&e, ".symtab", SHT_SYMTAB, 0, syms.p, syms.len);
	e.s[e.n - 1].link = strtab;
	e.s[e.n - 1].entsize = sizeof(Elf64_Sym);
	elf_section(&e, ".strtab", SHT_STRTAB, 0, strs.p, strs.len);
	out = elf_write(&e, ET_REL);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, file);
	write_file(path, out.p, out.len);
	free(out.p);
	free(info.p);
	free(vers.p);
	free(syms.p);
	free(strs.p);
}

static struct modtool_ctx *ctx;
static struct log_capture logbuf;

/* A check on @c against the crafted kernel with @config lines. */
static struct modtool_check *new_check(struct modtool_ctx *c, const char *config)
{
	struct modtool_check *chk;
	char path[PATH_MAX];

	assert_int_equal(modtool_check_new(c, &chk), 0);
	snprintf(path, sizeof(path), "%s/vmlinux", tmpdir);
	assert_int_equal(modtool_check_set_kernel_image(chk, path), 0);
	snprintf(path, sizeof(path), "%s/config", tmpdir);
	write_file(path, config, strlen(config));
	assert_int_equal(modtool_check_set_kernel_config(chk, path), 0);
	assert_int_equal(modtool_check_set_root(chk, tmpdir), 0);
	return chk;
}

/* A check of @file against the crafted kernel with @config lines. */
static struct modtool_check_result *check_file(const char *file, const char *config,
					       bool enforce)
{
	struct modtool_check *chk = new_check(ctx, config);
	struct modtool_check_result *res = NULL;
	char path[PATH_MAX];

	if (enforce)
		modtool_check_set_sig_enforce(chk, true);
	snprintf(path, sizeof(path), "%s/%s", tmpdir, file);
	assert_int_equal(modtool_check_module(chk, path, &res), 0);
	modtool_check_free(chk);
	assert_int_equal(modtool_check_result_count(res), 1);
	return res;
}

static const char no_signing[] = "# CONFIG_MODULE_SIG is not set\nCONFIG_MODULE_UNLOAD=y\n"
				 "CONFIG_MODULE_FORCE_LOAD=y\nCONFIG_MODVERSIONS=y\n";
static const char signing[] = "CONFIG_MODULE_SIG=y\nCONFIG_MODULE_UNLOAD=y\n"
			      "CONFIG_MODULE_FORCE_LOAD=y\nCONFIG_MODVERSIONS=y\n";

static bool has_code(const struct modtool_check_result *res, const char *want,
		     const char *symbol)
{
	for (size_t j = 0; j < modtool_check_result_finding_count(res, 0); j++) {
		const char *code, *sym, *advice;

		modtool_check_result_get_finding(res, 0, j, &code, NULL, NULL, NULL, &sym, NULL,
						 &advice);
		if (strcmp(code, want) == 0 && (!symbol || (sym && strcmp(sym, symbol) == 0)))
			return true;
	}
	return false;
}

/* Check @spec, written as @file: the verdict, error and taint, and a finding of @code. */
static void expect(const char *file, const struct module_spec *spec, const char *config,
		   bool enforce, int verdict, int error, const char *taint, const char *code,
		   const char *symbol)
{
	struct modtool_check_result *res;

	write_module(file, spec);
	res = check_file(file, config, enforce);
	if (modtool_check_result_get_verdict(res, 0) != verdict ||
	    modtool_check_result_get_error(res, 0) != error ||
	    strcmp(modtool_check_result_get_taint(res, 0), taint) != 0 ||
	    (code && !has_code(res, code, symbol))) {
		for (size_t j = 0; j < modtool_check_result_finding_count(res, 0); j++) {
			const char *c, *msg;

			modtool_check_result_get_finding(res, 0, j, &c, NULL, NULL, NULL, NULL, &msg,
							 NULL);
			fprintf(stderr, "  %s: %s\n", c, msg);
		}
		fail_msg("%s: verdict %d error %d taint '%s'; wanted %d %d '%s' %s", file,
			 modtool_check_result_get_verdict(res, 0),
			 modtool_check_result_get_error(res, 0),
			 modtool_check_result_get_taint(res, 0), verdict, error, taint,
			 code ? code : "");
	}
	modtool_check_result_free(res);
}

#define GOOD_INFO "license=GPL|intree=Y|name=m|vermagic=" VERMAGIC
static const struct msym uses_foo[] = { { "foo", false }, { "init_module", true },
					{ "cleanup_module", true }, END };
static const struct { const char *name; uint32_t crc; } good_versions[] = {
	{ "module_layout", 0x11111111 }, { "foo", 0x12345678 }, { "bar", 0x0badcafe },
	{ "baz", 0xfeedf00d }, { NULL, 0 },
};

static void test_check_clean_and_versions(void **state)
{
	static const struct { const char *name; uint32_t crc; } bad_foo[] = {
		{ "module_layout", 0x11111111 }, { "foo", 0x12345679 }, { NULL, 0 },
	};
	static const struct { const char *name; uint32_t crc; } bad_layout[] = {
		{ "module_layout", 0x11111112 }, { "foo", 0x12345678 }, { NULL, 0 },
	};
	struct module_spec m = { GOOD_INFO, uses_foo, (void *)good_versions };

	(void)state;
	expect("clean.ko", &m, no_signing, false, MODTOOL_CHECK_LOADS, 0, "", NULL, NULL);
	m.versions = (void *)bad_foo;
	expect("crc.ko", &m, no_signing, false, MODTOOL_CHECK_REFUSED, -EINVAL, "",
	       "crc-mismatch", "foo");
	m.versions = (void *)bad_layout;
	expect("layout.ko", &m, no_signing, false, MODTOOL_CHECK_REFUSED, -ENOEXEC, "",
	       "modstruct-mismatch", "module_layout");
	/* no __versions at all: forced, F */
	m.versions = NULL;
	expect("noversions.ko", &m, no_signing, false, MODTOOL_CHECK_TAINTS, 0, "F",
	       "no-versions", NULL);
}

static void test_check_vermagic(void **state)
{
	struct module_spec m = { "license=GPL|intree=Y|vermagic=" RELEASE
				 " SMP mod_unload modversions ", uses_foo,
				 (void *)good_versions };

	(void)state;
	expect("flags.ko", &m, no_signing, false, MODTOOL_CHECK_REFUSED, -ENOEXEC, "",
	       "vermagic-mismatch", NULL);
	/* another release of the same configuration: with modversions, it loads */
	m.modinfo = "license=GPL|intree=Y|vermagic=6.9.1-other SMP preempt mod_unload "
		    "modversions ";
	expect("release.ko", &m, no_signing, false, MODTOOL_CHECK_LOADS, 0, "",
	       "vermagic-release", NULL);
	/*
	 * without __versions the release is compared too; module_layout's
	 * check, before it, has forced the load already: F stays
	 */
	m.versions = NULL;
	expect("release-nover.ko", &m, no_signing, false, MODTOOL_CHECK_REFUSED, -ENOEXEC, "F",
	       "vermagic-mismatch", NULL);
	m.modinfo = "license=GPL|intree=Y";
	m.versions = (void *)good_versions;
	expect("nomagic.ko", &m, no_signing, false, MODTOOL_CHECK_TAINTS, 0, "F",
	       "vermagic-missing", NULL);
}

static void test_check_symbols(void **state)
{
	static const struct msym unknown[] = { { "nobody_exports_this", false }, END };
	static const struct msym gpl_only[] = { { "baz", false }, END };
	static const struct msym namespaced[] = { { "bar", false }, END };
	struct module_spec m = { GOOD_INFO, unknown, (void *)good_versions };

	(void)state;
	expect("unknown.ko", &m, no_signing, false, MODTOOL_CHECK_REFUSED, -ENOENT, "",
	       "unknown-symbol", "nobody_exports_this");
	m.syms = gpl_only;
	expect("gpl.ko", &m, no_signing, false, MODTOOL_CHECK_LOADS, 0, "", NULL, NULL);
	/* a proprietary licence: P is set before the symbol is refused */
	m.modinfo = "license=Proprietary|intree=Y|vermagic=" VERMAGIC;
	expect("proprietary.ko", &m, no_signing, false, MODTOOL_CHECK_REFUSED, -ENOENT, "P",
	       "gpl-only-symbol", "baz");
	m.syms = namespaced;
	m.modinfo = GOOD_INFO;
	expect("ns.ko", &m, no_signing, false, MODTOOL_CHECK_REFUSED, -EINVAL, "",
	       "namespace-not-imported", "bar");
	m.modinfo = GOOD_INFO "|import_ns=NS1";
	expect("ns-imported.ko", &m, no_signing, false, MODTOOL_CHECK_LOADS, 0, "", NULL, NULL);
}

static void test_check_taints_and_removal(void **state)
{
	static const struct msym no_exit[] = { { "foo", false }, { "init_module", true }, END };
	struct module_spec m = { "license=GPL|staging=Y|vermagic=" VERMAGIC, uses_foo,
				 (void *)good_versions };
	struct modtool_check_result *res;

	(void)state;
	expect("staging.ko", &m, no_signing, false, MODTOOL_CHECK_TAINTS, 0, "CO", "staging",
	       NULL);
	m.modinfo = "license=GPL|intree=Y|livepatch=Y|vermagic=" VERMAGIC;
	expect("livepatch.ko", &m, no_signing, false, MODTOOL_CHECK_TAINTS, 0, "K", "livepatch",
	       NULL);
	m.modinfo = GOOD_INFO "|firmware=not-there/fw.bin";
	expect("firmware.ko", &m, no_signing, false, MODTOOL_CHECK_LOADS, 0, "",
	       "firmware-missing", "not-there/fw.bin");
	m.modinfo = GOOD_INFO;
	m.syms = no_exit;
	expect("noexit.ko", &m, no_signing, false, MODTOOL_CHECK_LOADS, 0, "", "no-exit", NULL);
	res = check_file("noexit.ko", no_signing, false);
	assert_false(modtool_check_result_is_removable(res, 0));
	modtool_check_result_free(res);
	res = check_file("clean.ko", no_signing, false);
	assert_true(modtool_check_result_is_removable(res, 0));
	modtool_check_result_free(res);
}

static void test_check_signature(void **state)
{
	struct module_spec m = { GOOD_INFO, uses_foo, (void *)good_versions };
	struct modtool_check_result *res;

	(void)state;
	expect("unsigned.ko", &m, signing, false, MODTOOL_CHECK_TAINTS, 0, "E", "unsigned",
	       NULL);
	expect("unsigned-enforced.ko", &m, signing, true, MODTOOL_CHECK_REFUSED, -EKEYREJECTED,
	       "", "unsigned", NULL);
	/* a refusal before the taints are set: no taint at all */
	m.modinfo = "license=GPL|vermagic=" RELEASE " SMP modversions ";
	expect("early.ko", &m, signing, false, MODTOOL_CHECK_REFUSED, -ENOEXEC, "",
	       "vermagic-mismatch", NULL);
	res = check_file("early.ko", signing, false);
	for (size_t j = 0; j < modtool_check_result_finding_count(res, 0); j++) {
		const char *code;

		modtool_check_result_get_finding(res, 0, j, &code, NULL, NULL, NULL, NULL, NULL,
						 NULL);
		/* the taints (E, O) come after the version magic: not reached */
		assert_int_equal(modtool_check_result_finding_reached(res, 0, j),
				 strcmp(code, "unsigned") != 0 && strcmp(code, "out-of-tree") != 0);
	}
	modtool_check_result_free(res);
}

static void test_check_not_a_module(void **state)
{
	static const char text[] = "this is not a module\n";
	struct modtool_check_result *res;
	char path[PATH_MAX];

	(void)state;
	snprintf(path, sizeof(path), "%s/text.ko", tmpdir);
	write_file(path, text, sizeof(text) - 1);
	res = check_file("text.ko", no_signing, false);
	assert_int_equal(modtool_check_result_get_verdict(res, 0), MODTOOL_CHECK_REFUSED);
	assert_int_equal(modtool_check_result_get_error(res, 0), -ENOEXEC);
	assert_true(has_code(res, "not-a-module", NULL));
	modtool_check_result_free(res);
}

static void test_check_bad_kernel(void **state)
{
	struct modtool_check *chk;
	char path[PATH_MAX];
	static const char junk[] = "0x1234\tfoo\n";

	(void)state;
	assert_int_equal(modtool_check_new(ctx, &chk), 0);
	snprintf(path, sizeof(path), "%s/notakernel", tmpdir);
	write_file(path, "garbage garbage garbage", 23);
	logbuf.len = 0;
	logbuf.text[0] = '\0';
	assert_int_equal(modtool_check_set_kernel_image(chk, path), -ENOEXEC);
	assert_non_null(strstr(logbuf.text, "notakernel"));
	snprintf(path, sizeof(path), "%s/Module.symvers", tmpdir);
	write_file(path, junk, sizeof(junk) - 1);
	assert_int_equal(modtool_check_set_symvers(chk, path), -EBADMSG);
	assert_non_null(strstr(logbuf.text, "Module.symvers:1"));
	modtool_check_free(chk);
}

/* modprobe.d and the load policy: notes, and the policy's refusal before the kernel */
static void test_check_config_and_policy(void **state)
{
	static const char conf[] = "blacklist m\ninstall m /bin/true\nsoftdep m pre: foo\n";
	static const char policy[] = "enforce forbid m\n";
	struct module_spec spec = { GOOD_INFO, uses_foo, (void *)good_versions };
	char path[PATH_MAX], confpath[128], poldir[128];
	const char *const confs[] = { confpath, NULL }, *const dirs[] = { poldir, NULL };
	struct modtool_check_result *res = NULL;
	struct modtool_ctx *own;
	struct modtool_check *chk;

	(void)state;
	write_module("m.ko", &spec);
	snprintf(confpath, sizeof(confpath), "%s/m.conf", tmpdir);
	write_file(confpath, conf, sizeof(conf) - 1);
	snprintf(poldir, sizeof(poldir), "%s/policy.d", tmpdir);
	mkdir(poldir, 0755);
	snprintf(path, sizeof(path), "%s/10-m.conf", poldir);
	write_file(path, policy, sizeof(policy) - 1);
	assert_int_equal(modtool_ctx_new(tmpdir, &own), 0);
	modtool_ctx_set_log_fn(own, capture_log, &logbuf);
	assert_true(modtool_ctx_load_config(own, confs, "") >= 0);
	assert_int_equal(modtool_ctx_load_policy(own, dirs), 1);
	assert_int_equal(modtool_check_new(own, &chk), 0);
	snprintf(path, sizeof(path), "%s/vmlinux", tmpdir);
	assert_int_equal(modtool_check_set_kernel_image(chk, path), 0);
	snprintf(path, sizeof(path), "%s/m.ko", tmpdir);
	assert_int_equal(modtool_check_module(chk, path, &res), 0);
	assert_true(has_code(res, "blacklisted", NULL));
	assert_true(has_code(res, "install-command", NULL));
	assert_true(has_code(res, "policy", NULL));
	assert_int_equal(modtool_check_result_get_verdict(res, 0), MODTOOL_CHECK_REFUSED);
	assert_int_equal(modtool_check_result_get_error(res, 0), -ECANCELED);
	/* refused before any syscall: nothing tainted */
	assert_string_equal(modtool_check_result_get_taint(res, 0), "");
	modtool_check_result_free(res);
	modtool_check_free(chk);
	modtool_ctx_free(own);
}

/* A System.map: names and GPL-only from where __ksymtab_NAME lies; no CRCs to check */
static void test_check_system_map(void **state)
{
	static const char map[] =
		"ffffffff82000000 R __start___ksymtab\n"
		"ffffffff82000000 r __ksymtab_foo\n"
		"ffffffff8200000c r __ksymtab_bar\n"
		"ffffffff82000018 R __stop___ksymtab\n"
		"ffffffff82000800 R __start___ksymtab_gpl\n"
		"ffffffff82000800 r __ksymtab_baz\n"
		"ffffffff8200080c R __stop___ksymtab_gpl\n";
	static const char placeholder[] =
		"ffffffffffffffff B The real System.map is in the linux-image-<version>-dbg package\n";
	static const struct msym gpl_only[] = { { "baz", false }, END };
	static const struct { const char *name; uint32_t crc; } wrong[] = {
		{ "foo", 1 }, { "baz", 2 }, { NULL, 0 },
	};
	struct module_spec m = { "license=Proprietary|intree=Y|vermagic=" VERMAGIC, gpl_only,
				 (void *)wrong };
	struct modtool_check_result *res = NULL;
	struct modtool_check *chk;
	char path[PATH_MAX];

	(void)state;
	write_module("map-gpl.ko", &m);
	assert_int_equal(modtool_check_new(ctx, &chk), 0);
	snprintf(path, sizeof(path), "%s/System.map-placeholder", tmpdir);
	write_file(path, placeholder, sizeof(placeholder) - 1);
	assert_int_equal(modtool_check_set_system_map(chk, path), -ENODATA);
	snprintf(path, sizeof(path), "%s/System.map-broken", tmpdir);
	write_file(path, "not a map\n", 10);
	assert_int_equal(modtool_check_set_system_map(chk, path), -EBADMSG);
	assert_int_equal(modtool_check_get_export_count(chk), 0);
	snprintf(path, sizeof(path), "%s/System.map", tmpdir);
	write_file(path, map, sizeof(map) - 1);
	assert_int_equal(modtool_check_set_system_map(chk, path), 0);
	assert_int_equal(modtool_check_get_export_count(chk), 3);
	snprintf(path, sizeof(path), "%s/map-gpl.ko", tmpdir);
	assert_int_equal(modtool_check_module(chk, path, &res), 0);
	/* refused for the GPL-only symbol; no CRC was known to disagree with */
	assert_int_equal(modtool_check_result_get_verdict(res, 0), MODTOOL_CHECK_REFUSED);
	assert_int_equal(modtool_check_result_get_error(res, 0), -ENOENT);
	assert_true(has_code(res, "gpl-only-symbol", "baz"));
	assert_false(has_code(res, "crc-mismatch", NULL));
	modtool_check_result_free(res);
	modtool_check_free(chk);
}

struct tree_seen {
	char names[64][64];
	size_t n;
};

static int tree_collect(void *data, const struct modtool_check_result *res)
{
	struct tree_seen *t = data;

	assert_int_equal(modtool_check_result_count(res), 1);
	if (t->n < 64)
		snprintf(t->names[t->n++], sizeof(t->names[0]), "%s",
			 strrchr(modtool_check_result_get_path(res, 0), '/') + 1);
	return 0;
}

static int tree_stop(void *data, const struct modtool_check_result *res)
{
	(void)res;
	return ++*(int *)data == 3 ? 42 : 0;
}

/* Every module file of the tree, in path order whatever thread read it; a stop is passed on. */
static void test_check_tree(void **state)
{
	struct modtool_check *chk;
	struct tree_seen seen = { .n = 0 };
	char path[PATH_MAX];
	int calls = 0, files;

	(void)state;
	files = run_status("exit $(ls '%s' | grep -c '\\.ko$')", tmpdir);
	assert_true(files >= 10);
	assert_int_equal(modtool_check_new(ctx, &chk), 0);
	snprintf(path, sizeof(path), "%s/vmlinux", tmpdir);
	assert_int_equal(modtool_check_set_kernel_image(chk, path), 0);
	assert_int_equal(modtool_check_tree(chk, tree_collect, &seen), 0);
	assert_int_equal(seen.n, (size_t)files);
	for (size_t i = 1; i < seen.n; i++)
		assert_true(strcmp(seen.names[i - 1], seen.names[i]) < 0);
	assert_int_equal(modtool_check_tree(chk, tree_stop, &calls), 42);
	assert_int_equal(calls, 3);
	modtool_check_free(chk);
}

/* An alias two modules answer to: modprobe tries both, so both are checked as targets. */
static void test_check_alias_candidates(void **state)
{
	struct module_spec a = { "license=GPL|intree=Y|name=alias_a|alias=foo:bar*|vermagic="
				 VERMAGIC, uses_foo, (void *)good_versions };
	struct module_spec b = { "license=GPL|intree=Y|name=alias_b|alias=foo:*|vermagic="
				 VERMAGIC, uses_foo, (void *)good_versions };
	char dir[PATH_MAX];
	struct modtool_check_result *res = NULL;
	struct modtool_depmod *dm;
	struct modtool_ctx *own;
	struct modtool_check *chk;

	(void)state;
	snprintf(dir, sizeof(dir), "%s/aliased", tmpdir);
	assert_int_equal(mkdir(dir, 0755), 0);
	write_module("aliased/alias_a.ko", &a);
	write_module("aliased/alias_b.ko", &b);
	assert_int_equal(modtool_ctx_new(dir, &own), 0);
	modtool_ctx_set_log_fn(own, capture_log, &logbuf);
	assert_int_equal(modtool_depmod_new(own, RELEASE, &dm), 0);
	modtool_depmod_set_flags(dm, MODTOOL_DEPMOD_NO_CACHE);
	assert_int_equal(modtool_depmod_run(dm), 0);
	modtool_depmod_free(dm);
	chk = new_check(own, no_signing);
	assert_int_equal(modtool_check_module(chk, "foo:barbaz", &res), 0);
	assert_int_equal(modtool_check_result_count(res), 2);
	for (size_t i = 0; i < 2; i++) {
		assert_true(modtool_check_result_is_target(res, i));
		assert_int_equal(modtool_check_result_get_verdict(res, i), MODTOOL_CHECK_LOADS);
	}
	modtool_check_result_free(res);
	/* an alias only one answers to, and a name: that one */
	assert_int_equal(modtool_check_module(chk, "foo:other", &res), 0);
	assert_int_equal(modtool_check_result_count(res), 1);
	modtool_check_result_free(res);
	assert_int_equal(modtool_check_module(chk, "alias_a", &res), 0);
	assert_int_equal(modtool_check_result_count(res), 1);
	modtool_check_result_free(res);
	assert_int_equal(modtool_check_module(chk, "foo-nothing", &res), -ENOENT);
	modtool_check_free(chk);
	modtool_ctx_free(own);
}

static int setup(void **state)
{
	struct buf v = make_vmlinux(false, LIE_NONE);
	char path[PATH_MAX];

	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test-check-XXXXXX");
	assert_non_null(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/vmlinux", tmpdir);
	write_file(path, v.p, v.len);
	free(v.p);
	assert_int_equal(modtool_ctx_new(tmpdir, &ctx), 0);
	modtool_ctx_set_log_fn(ctx, capture_log, &logbuf);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	modtool_ctx_free(ctx);
	run_status("rm -rf '%s'", tmpdir);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exports_prel32),
		cmocka_unit_test(test_exports_absolute),
		cmocka_unit_test(test_exports_lies),
		cmocka_unit_test(test_check_clean_and_versions),
		cmocka_unit_test(test_check_vermagic),
		cmocka_unit_test(test_check_symbols),
		cmocka_unit_test(test_check_taints_and_removal),
		cmocka_unit_test(test_check_signature),
		cmocka_unit_test(test_check_not_a_module),
		cmocka_unit_test(test_check_bad_kernel),
		cmocka_unit_test(test_check_config_and_policy),
		cmocka_unit_test(test_check_tree),
		cmocka_unit_test(test_check_system_map),
		cmocka_unit_test(test_check_alias_candidates),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
