// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A module's symbols through the public API (modtool_module_get_versions,
 * _get_exports, _get_dependency_symbols and the modtool_symbols getters):
 *  - crafted modules in both ELF classes and both byte orders, every entry
 *    checked against what the test put in, and against Debian's modprobe
 *    (--dump-modversions, --show-exports) on the same files;
 *  - hostile tables: a short or ragged __versions, names without a NUL,
 *    a symbol table whose string table is elsewhere or nowhere, names past
 *    the string table, an empty symbol table, CRC words out of range;
 *  - e1000e (and mii, which exports) of Debian's trees against modprobe,
 *    and the dependency symbols against readelf's undefined symbols.
 * Each crafted image is also read from an exact-size heap copy through the
 * internal walks, so that ASan and valgrind catch a read one byte too far.
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
#include <unistd.h>

#include <cmocka.h>

#include "module/elf-reader.h"
#include "base/internal.h"
#include "module/module-symbols.h"
#include "test-util.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KMOD_MODPROBE "/usr/sbin/modprobe"

/* ---- bytes in a file's byte order ------------------------------------- */

struct bytes {
	uint8_t *p;
	size_t len, cap;
	bool be;
};

static void put_int(uint8_t *p, uint64_t v, size_t size, bool be)
{
	for (size_t i = 0; i < size; i++)
		p[be ? size - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

/* @data NULL appends zeros. */
static void bytes_add(struct bytes *b, const void *data, size_t len)
{
	if (b->len + len > b->cap) {
		b->cap = (b->len + len) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	if (data && len)
		memcpy(b->p + b->len, data, len);
	else if (len)
		memset(b->p + b->len, 0, len);
	b->len += len;
}

static void bytes_int(struct bytes *b, uint64_t v, size_t size)
{
	uint8_t tmp[8];

	put_int(tmp, v, size, b->be);
	bytes_add(b, tmp, size);
}

/* ---- an ELF image ------------------------------------------------------ */

struct sec {
	const char *name;
	uint32_t type;
	uint32_t link;
	uint64_t entsize;
	const void *data;
	size_t size;
};

struct image {
	uint8_t *buf;
	size_t size;
	bool is64, be;
	size_t shoff, shentsize;
};

static uint16_t machine_of(bool is64, bool be)
{
	if (is64)
		return be ? EM_PPC64 : EM_X86_64;
	return be ? EM_PPC : EM_386;
}

static void write_ehdr(struct bytes *b, bool is64, size_t shnum)
{
	size_t word = is64 ? 8 : 4;
	uint8_t ident[EI_NIDENT] = { 0 };

	memcpy(ident, ELFMAG, SELFMAG);
	ident[EI_CLASS] = is64 ? ELFCLASS64 : ELFCLASS32;
	ident[EI_DATA] = b->be ? ELFDATA2MSB : ELFDATA2LSB;
	ident[EI_VERSION] = EV_CURRENT;
	bytes_add(b, ident, sizeof(ident));
	bytes_int(b, ET_REL, 2);
	bytes_int(b, machine_of(is64, b->be), 2);
	bytes_int(b, EV_CURRENT, 4);
	bytes_int(b, 0, word);				/* e_entry */
	bytes_int(b, 0, word);				/* e_phoff */
	bytes_int(b, is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr), word); /* e_shoff */
	bytes_int(b, 0, 4);				/* e_flags */
	bytes_int(b, is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr), 2);
	bytes_int(b, 0, 2);				/* e_phentsize */
	bytes_int(b, 0, 2);				/* e_phnum */
	bytes_int(b, is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr), 2);
	bytes_int(b, shnum, 2);
	bytes_int(b, shnum - 1, 2);			/* .shstrtab is last */
}

static void write_shdr(struct bytes *b, bool is64, uint32_t name, uint32_t type, uint64_t off,
		       uint64_t size, uint32_t link, uint64_t entsize)
{
	size_t word = is64 ? 8 : 4;

	bytes_int(b, name, 4);
	bytes_int(b, type, 4);
	bytes_int(b, 0, word);		/* sh_flags */
	bytes_int(b, 0, word);		/* sh_addr */
	bytes_int(b, off, word);
	bytes_int(b, size, word);
	bytes_int(b, link, 4);
	bytes_int(b, 0, 4);		/* sh_info */
	bytes_int(b, 1, word);		/* sh_addralign */
	bytes_int(b, entsize, word);
}

/*
 * [Ehdr][section headers][.shstrtab][data of sections 1..n, that of @last
 * at the very end]: @secs[i] becomes section i + 1 and .shstrtab n + 1.  The
 * buffer is malloc()ed at the file's exact size.
 */
static void image_build(struct image *img, bool is64, bool be, const struct sec *secs, size_t n,
			size_t last)
{
	size_t shnum = n + 2, shentsize = is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
	size_t names_off = (is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)) + shnum * shentsize;
	size_t name_at[32], data_at[32], off;
	struct bytes names = { 0 }, b = { .be = be };

	assert_true(n < 30);
	bytes_add(&names, "", 1);
	for (size_t i = 0; i < n; i++) {
		name_at[i] = names.len;
		bytes_add(&names, secs[i].name, strlen(secs[i].name) + 1);
	}
	name_at[n] = names.len;
	bytes_add(&names, ".shstrtab", sizeof(".shstrtab"));
	off = names_off + names.len;
	for (size_t i = 0; i < n; i++) {
		if (i + 1 == last)
			continue;
		data_at[i] = off;
		off += secs[i].size;
	}
	if (last)
		data_at[last - 1] = off;

	write_ehdr(&b, is64, shnum);
	bytes_add(&b, NULL, shentsize);		/* section 0 */
	for (size_t i = 0; i < n; i++)
		write_shdr(&b, is64, name_at[i], secs[i].type, data_at[i], secs[i].size,
			   secs[i].link, secs[i].entsize);
	write_shdr(&b, is64, name_at[n], SHT_STRTAB, names_off, names.len, 0, 0);
	assert_int_equal(b.len, names_off);
	bytes_add(&b, names.p, names.len);
	for (size_t i = 0; i < n; i++)
		if (i + 1 != last)
			bytes_add(&b, secs[i].data, secs[i].size);
	if (last)
		bytes_add(&b, secs[last - 1].data, secs[last - 1].size);
	free(names.p);

	img->buf = realloc(b.p, b.len);		/* exactly the file */
	assert_non_null(img->buf);
	img->size = b.len;
	img->is64 = is64;
	img->be = be;
	img->shoff = is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
	img->shentsize = shentsize;
}

/* Make a section header lie afterwards. */
#define SET_SHDR(img, idx, m, v) \
	put_int((img)->buf + (img)->shoff + (size_t)(idx) * (img)->shentsize + \
		((img)->is64 ? offsetof(Elf64_Shdr, m) : offsetof(Elf32_Shdr, m)), (v), \
		(img)->is64 ? sizeof(((Elf64_Shdr *)0)->m) : sizeof(((Elf32_Shdr *)0)->m), \
		(img)->be)

/* ---- a module made of symbols, __versions and __ksymtab_strings -------- */

#define RAW_NAME_END UINT32_MAX		/* st_name: the string table's size */

struct sym {
	const char *name;	/* NULL: st_name is @raw_name */
	uint64_t value;
	uint16_t shndx;
	uint8_t bind, type;
	uint32_t raw_name;
};

#define SYM(name, value, shndx, bind, type) { name, value, shndx, bind, type, 0 }
#define RAW(st_name, value, shndx, bind, type) { NULL, value, shndx, bind, type, st_name }

struct ver {
	uint64_t crc;		/* cut to 32 bits in an ELF32 file */
	const char *name;	/* cut at the field's size: no NUL then */
};

/* Fixed section indexes; a section a module lacks is there as ".absent". */
enum {
	SEC_TEXT = 1,
	SEC_KCRCTAB,
	SEC_KSYMTAB,
	SEC_KSYMTAB_GPL,
	SEC_KSTRINGS,
	SEC_SYMTAB,
	SEC_STRTAB,
	SEC_VERSIONS,
	SEC_SHSTRTAB,
};

struct module_spec {
	const struct sym *syms;		/* after the null symbol */
	size_t n_syms;
	bool no_symtab;
	const struct ver *vers;		/* NULL: no __versions */
	size_t n_vers;
	size_t versions_cut;		/* bytes taken off the end of __versions */
	const char *kstrings;		/* NULL: no __ksymtab_strings */
	size_t kstrings_len;
	unsigned int last;		/* the section whose data ends the file */
};

/* The words __crc_ symbols point at (__kcrctab), and a 3-byte .text. */
static const uint32_t kcrctab_words[] = { 0xdeadbeef, 0x01234567, 0x89abcdef };
static const uint8_t text_bytes[] = { 0x90, 0x90, 0xc3 };
static const uint8_t dummy_ksymtab[16] = { 1, 2, 3, 4 };

static void build_symtab(struct bytes *symtab, struct bytes *strtab, bool is64,
			 const struct sym *syms, size_t n)
{
	uint32_t name_at[64];

	assert_true(n < ARRAY_SIZE(name_at));
	bytes_add(strtab, "", 1);
	for (size_t i = 0; i < n; i++) {
		name_at[i] = syms[i].name && syms[i].name[0] ? (uint32_t)strtab->len : 0;
		if (name_at[i])
			bytes_add(strtab, syms[i].name, strlen(syms[i].name) + 1);
	}
	bytes_add(symtab, NULL, is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym));
	for (size_t i = 0; i < n; i++) {
		const struct sym *s = &syms[i];
		uint32_t name = s->name ? name_at[i] :
				s->raw_name == RAW_NAME_END ? (uint32_t)strtab->len : s->raw_name;
		uint8_t info = (uint8_t)(s->bind << 4 | s->type);

		bytes_int(symtab, name, 4);
		if (is64) {
			bytes_add(symtab, &info, 1);
			bytes_int(symtab, 0, 1);		/* st_other */
			bytes_int(symtab, s->shndx, 2);
			bytes_int(symtab, s->value, 8);
			bytes_int(symtab, 0, 8);		/* st_size */
		} else {
			bytes_int(symtab, s->value, 4);
			bytes_int(symtab, 0, 4);		/* st_size */
			bytes_add(symtab, &info, 1);
			bytes_int(symtab, 0, 1);
			bytes_int(symtab, s->shndx, 2);
		}
	}
}

/* { long crc; char name[64 - sizeof(long)]; } per entry */
static void build_versions(struct bytes *b, bool is64, const struct ver *vers, size_t n)
{
	size_t word = is64 ? 8 : 4, field = 64 - word;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(vers[i].name);

		bytes_int(b, vers[i].crc, word);
		bytes_add(b, vers[i].name, len < field ? len : field);
		if (len < field)
			bytes_add(b, NULL, field - len);
	}
}

static void build_module(struct image *img, bool is64, bool be, const struct module_spec *m)
{
	struct bytes symtab = { .be = be }, strtab = { .be = be }, vers = { .be = be };
	struct bytes crcs = { .be = be };
	struct sec secs[SEC_SHSTRTAB - 1];
	const struct sec absent = { ".absent", SHT_PROGBITS, 0, 0, NULL, 0 };

	for (size_t i = 0; i < ARRAY_SIZE(kcrctab_words); i++)
		bytes_int(&crcs, kcrctab_words[i], 4);
	build_symtab(&symtab, &strtab, is64, m->syms, m->n_syms);
	build_versions(&vers, is64, m->vers, m->vers ? m->n_vers : 0);
	assert_true(m->versions_cut <= vers.len);

	secs[SEC_TEXT - 1] = (struct sec){ ".text", SHT_PROGBITS, 0, 0, text_bytes,
					   sizeof(text_bytes) };
	secs[SEC_KCRCTAB - 1] = (struct sec){ "__kcrctab", SHT_PROGBITS, 0, 0, crcs.p, crcs.len };
	/* present as in a real module, but not where kmod reads exports from */
	secs[SEC_KSYMTAB - 1] = (struct sec){ "__ksymtab", SHT_PROGBITS, 0, 0, dummy_ksymtab,
					      sizeof(dummy_ksymtab) };
	secs[SEC_KSYMTAB_GPL - 1] = (struct sec){ "__ksymtab_gpl", SHT_PROGBITS, 0, 0,
						  dummy_ksymtab, sizeof(dummy_ksymtab) };
	secs[SEC_KSTRINGS - 1] = m->kstrings ?
		(struct sec){ "__ksymtab_strings", SHT_PROGBITS, 0, 0, m->kstrings,
			      m->kstrings_len } : absent;
	secs[SEC_SYMTAB - 1] = m->no_symtab ? absent :
		(struct sec){ ".symtab", SHT_SYMTAB, SEC_STRTAB,
			      is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym), symtab.p, symtab.len };
	secs[SEC_STRTAB - 1] = m->no_symtab ? absent :
		(struct sec){ ".strtab", SHT_STRTAB, 0, 0, strtab.p, strtab.len };
	secs[SEC_VERSIONS - 1] = m->vers ?
		(struct sec){ "__versions", SHT_PROGBITS, 0, 0, vers.p,
			      vers.len - m->versions_cut } : absent;
	image_build(img, is64, be, secs, ARRAY_SIZE(secs), m->last);
	free(symtab.p);
	free(strtab.p);
	free(vers.p);
	free(crcs.p);
}

/* ---- the four kinds of ELF file ------------------------------------------ */

struct variant {
	bool is64, be;
	const char *tag;
};

static const struct variant variants[] = {
	{ true, false, "64le" },	/* native here: the fast path of the walk */
	{ false, true, "32be" },
	{ true, true, "64be" },
	{ false, false, "32le" },
};

/* ---- running the public API on a file ---------------------------------------- */

static char tmpdir[PATH_MAX];
static struct modtool_ctx *ctx;
static struct log_capture logbuf;

enum kind { VERSIONS, EXPORTS, DEPS, KINDS };
static const char *const kind_names[KINDS] = { "versions", "exports", "dependency symbols" };

struct results {
	int ret[KINDS];
	struct modtool_symbols *list[KINDS];
};

static int get_list(struct modtool_module *mod, enum kind k, struct modtool_symbols **list)
{
	switch (k) {
	case VERSIONS:
		return modtool_module_get_versions(mod, list);
	case EXPORTS:
		return modtool_module_get_exports(mod, list);
	default:
		return modtool_module_get_dependency_symbols(mod, list);
	}
}

/* Every getter on @mod; a failure must leave the list NULL, a success count it. */
static void get_all(struct modtool_module *mod, struct results *r)
{
	for (int k = 0; k < KINDS; k++) {
		r->list[k] = (struct modtool_symbols *)&r->list;	/* must be overwritten */
		r->ret[k] = get_list(mod, k, &r->list[k]);
		if (r->ret[k] < 0) {
			assert_null(r->list[k]);
			continue;
		}
		assert_non_null(r->list[k]);
		assert_int_equal(modtool_symbols_count(r->list[k]), r->ret[k]);
		/* past the end: nothing, and no read */
		assert_null(modtool_symbols_get_name(r->list[k], r->ret[k]));
		assert_int_equal(modtool_symbols_get_crc(r->list[k], r->ret[k]), 0);
		assert_int_equal(modtool_symbols_get_bind(r->list[k], r->ret[k]),
				 MODTOOL_SYMBOL_NONE);
	}
}

static void results_free(struct results *r)
{
	for (int k = 0; k < KINDS; k++)
		modtool_symbols_free(r->list[k]);
}

static void module_path(char *path, const char *name)
{
	assert_true(snprintf(path, PATH_MAX, "%s/%s.ko", tmpdir, name) < PATH_MAX);
}

/* Write @img as NAME.ko and read it through the public API. */
static void read_module(const struct image *img, const char *name, struct results *r)
{
	struct modtool_module *mod;
	char path[PATH_MAX];

	module_path(path, name);
	write_file(path, img->buf, img->size);
	assert_int_equal(modtool_module_new_from_path(ctx, path, &mod), 0);
	memset(&logbuf, 0, sizeof(logbuf));
	get_all(mod, r);
	modtool_module_unref(mod);
}

/* Reads every byte of every name: a name reaching past the image is caught. */
static int touch_entry(void *data, const struct mt_msym_entry *e)
{
	unsigned int *sum = data;

	assert_true(e->len < 4096);
	assert_null(memchr(e->name, '\0', e->len));
	for (size_t i = 0; i < e->len; i++)
		*sum += (unsigned char)e->name[i];
	return 0;
}

/*
 * The same image through the internal walks, from an exact-size heap copy:
 * the counts (or errors) must be the public ones.
 */
static void check_in_memory(const struct image *img, const struct results *r)
{
	uint8_t *copy = malloc(img->size);
	const char *why = NULL;
	struct mt_msym ms;
	struct mt_elf elf;
	unsigned int sum = 0;
	int err, got[KINDS];

	assert_non_null(copy);
	memcpy(copy, img->buf, img->size);
	err = mt_elf_init(&elf, copy, img->size, &why);
	if (err == 0)
		err = mt_msym_init(&ms, &elf, &why);
	if (err < 0) {
		for (int k = 0; k < KINDS; k++)
			assert_int_equal(r->ret[k], err);
		free(copy);
		return;
	}
	got[VERSIONS] = mt_msym_foreach_version(&ms, touch_entry, &sum);
	got[EXPORTS] = mt_msym_foreach_export(&ms, touch_entry, &sum);
	got[DEPS] = mt_msym_foreach_undefined(&ms, touch_entry, &sum);
	for (int k = 0; k < KINDS; k++) {
		if (got[k] != r->ret[k])
			fail_msg("%s: %d in memory, %d through the API", kind_names[k], got[k],
				 r->ret[k]);
	}
	free(copy);
}

struct want {
	const char *name;
	uint64_t crc;
	int bind;
};

/*
 * The binding of an undefined symbol that is not weak, among the dependency
 * symbols: 'U', as kmod's kmod_module_dependency_symbol_get_bind() says
 * (whether the ELF binding is global or local); a weak one is 'W'.
 */
#define UNDEF_G MODTOOL_SYMBOL_UNDEF

static void dump(const struct modtool_symbols *list)
{
	for (size_t i = 0; i < modtool_symbols_count(list); i++)
		print_message("  [%zu] %s 0x%08llx %c\n", i, modtool_symbols_get_name(list, i),
			      (unsigned long long)modtool_symbols_get_crc(list, i),
			      modtool_symbols_get_bind(list, i) ? modtool_symbols_get_bind(list, i) : '0');
}

/* Entries in order: name, CRC and binding each. */
static void expect_list(const struct results *r, enum kind k, const struct want *want,
			size_t n)
{
	const struct modtool_symbols *list = r->list[k];

	if (r->ret[k] != (int)n) {
		dump(list);
		fail_msg("%s: returned %d, expected %zu entries", kind_names[k], r->ret[k], n);
	}
	for (size_t i = 0; i < n; i++) {
		if (strcmp(modtool_symbols_get_name(list, i), want[i].name) != 0 ||
		    modtool_symbols_get_crc(list, i) != want[i].crc ||
		    modtool_symbols_get_bind(list, i) != want[i].bind) {
			dump(list);
			fail_msg("%s [%zu]: expected %s 0x%08llx %c", kind_names[k], i,
				 want[i].name, (unsigned long long)want[i].crc, want[i].bind);
		}
	}
}

static void expect_error(const struct results *r, enum kind k, int err)
{
	if (r->ret[k] != err) {
		if (r->ret[k] >= 0)
			dump(r->list[k]);
		fail_msg("%s: returned %d, expected %d", kind_names[k], r->ret[k], err);
	}
}

/* ---- kmod as the oracle -------------------------------------------------- */

struct kline {
	uint64_t crc;
	char name[256];
};

/*
 * "0x%08lx\t%s" lines of `modprobe OPTION FILE` into *@lines: their count,
 * or -1 when modprobe failed (it says "could not get ..." and exits 1).
 */
static int kmod_lines(const char *option, const char *path, struct kline **lines)
{
	char cmd[PATH_MAX + 128], buf[512];
	size_t n = 0, cap = 0;
	FILE *p;

	*lines = NULL;
	snprintf(cmd, sizeof(cmd), "%s %s '%s' 2>/dev/null", KMOD_MODPROBE, option, path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(buf, sizeof(buf), p)) {
		struct kline *l;
		char *tab = strchr(buf, '\t');

		assert_non_null(tab);
		buf[strcspn(buf, "\n")] = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			*lines = realloc(*lines, cap * sizeof(**lines));
			assert_non_null(*lines);
		}
		l = &(*lines)[n++];
		l->crc = strtoull(buf, NULL, 16);
		snprintf(l->name, sizeof(l->name), "%s", tab + 1);
	}
	if (pclose(p) != 0) {
		free(*lines);
		*lines = NULL;
		return -1;
	}
	return (int)n;
}

/* The whole list against modprobe's; a kmod failure must be our -ENOENT. */
static void compare_with_kmod(const char *path, const struct results *r, enum kind k)
{
	const char *option = k == VERSIONS ? "--dump-modversions" : "--show-exports";
	const struct modtool_symbols *list = r->list[k];
	struct kline *lines;
	int n = kmod_lines(option, path, &lines);

	if (n < 0) {
		if (r->ret[k] != -ENOENT)
			fail_msg("%s %s: kmod fails, we returned %d", option, path, r->ret[k]);
		return;
	}
	if (r->ret[k] != n) {
		dump(list);
		fail_msg("%s %s: kmod lists %d, we returned %d", option, path, n, r->ret[k]);
	}
	for (int i = 0; i < n; i++) {
		if (strcmp(modtool_symbols_get_name(list, i), lines[i].name) != 0 ||
		    modtool_symbols_get_crc(list, i) != lines[i].crc)
			fail_msg("%s %s [%d]: kmod 0x%08llx %s, we 0x%08llx %s", option, path, i,
				 (unsigned long long)lines[i].crc, lines[i].name,
				 (unsigned long long)modtool_symbols_get_crc(list, i),
				 modtool_symbols_get_name(list, i));
	}
	free(lines);
}

static bool have_kmod(void)
{
	return access(KMOD_MODPROBE, X_OK) == 0;
}

/* ---- a well-formed module in every variant ------------------------------- */

static const struct sym std_syms[] = {
	SYM("", 0, SEC_TEXT, STB_LOCAL, STT_SECTION),
	SYM("__crc_exp_one", 4, SEC_KCRCTAB, STB_LOCAL, STT_NOTYPE),	/* a word: 2nd */
	SYM("__crc_exp_two", 0xcafef00d, SHN_ABS, STB_GLOBAL, STT_NOTYPE),	/* the value */
	SYM("local_fn", 0, SEC_TEXT, STB_LOCAL, STT_FUNC),
	SYM("printk", 0, SHN_UNDEF, STB_GLOBAL, STT_NOTYPE),
	SYM("weak_thing", 0, SHN_UNDEF, STB_WEAK, STT_NOTYPE),
	SYM("__crc_gpl_three", 0, SEC_KCRCTAB, STB_WEAK, STT_NOTYPE),
	SYM("kmalloc", 0, SHN_UNDEF, STB_GLOBAL, STT_FUNC),
	SYM("__crc_bad_offset", 100, SEC_KCRCTAB, STB_GLOBAL, STT_NOTYPE),
	SYM("", 0, SHN_UNDEF, STB_GLOBAL, STT_NOTYPE),	/* nameless: no dependency */
	SYM("dotted_fn", 0, SHN_UNDEF, STB_GLOBAL, STT_FUNC),
	SYM("__crc_undef_exp", 0x77, SHN_UNDEF, STB_GLOBAL, STT_NOTYPE),
	SYM("exported_fn", 0x1, SEC_TEXT, STB_GLOBAL, STT_FUNC),
	SYM("__crc_last_word", 8, SEC_KCRCTAB, STB_GLOBAL, STT_NOTYPE),	/* ends the section */
	SYM("__crc_past_word", 9, SEC_KCRCTAB, STB_GLOBAL, STT_NOTYPE),	/* 1 byte past */
};

static const struct ver std_vers[] = {
	{ 0x1111aaaa, "module_layout" },
	{ 0x2222bbbb, "printk" },
	{ 0x3333cccc, "kmalloc" },
	{ 0x1deadbeefull, ".dotted_fn" },	/* ppc64's descriptor dot; 64 bits wide */
	{ 0x9999, "printk" },			/* repeated: the first one answers */
};

static const char std_kstrings[] = "exp_one\0exp_two\0only_in_strings";

static const struct module_spec std_module = {
	.syms = std_syms, .n_syms = ARRAY_SIZE(std_syms),
	.vers = std_vers, .n_vers = ARRAY_SIZE(std_vers),
	.kstrings = std_kstrings, .kstrings_len = sizeof(std_kstrings),
	.last = SEC_KCRCTAB,
};

static void test_well_formed(void **state)
{
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		const struct variant *var = &variants[v];
		uint64_t dotted = var->is64 ? 0x1deadbeefull : 0xdeadbeef;
		const struct want versions[] = {
			{ "module_layout", 0x1111aaaa, 'G' },
			{ "printk", 0x2222bbbb, 'G' },
			{ "kmalloc", 0x3333cccc, 'G' },
			{ "dotted_fn", dotted, 'G' },
			{ "printk", 0x9999, 'G' },
		};
		const struct want exports[] = {
			{ "exp_one", 0x01234567, 'L' },
			{ "exp_two", 0xcafef00d, 'G' },
			{ "gpl_three", 0xdeadbeef, 'W' },
			{ "bad_offset", UINT64_MAX, 'G' },
			{ "undef_exp", 0x77, 'G' },
			{ "last_word", 0x89abcdef, 'G' },
			{ "past_word", UINT64_MAX, 'G' },
		};
		/* undefined symbols in table order, then the __versions entries none named */
		const struct want deps[] = {
			{ "printk", 0x2222bbbb, UNDEF_G },
			{ "weak_thing", 0, 'W' },
			{ "kmalloc", 0x3333cccc, UNDEF_G },
			{ "dotted_fn", 0, UNDEF_G },
			{ "__crc_undef_exp", 0, UNDEF_G },
			{ "module_layout", 0x1111aaaa, 'U' },
			{ ".dotted_fn", dotted, 'U' },
			{ "printk", 0x9999, 'U' },
		};
		char name[64], path[PATH_MAX];
		struct results r, again;
		struct modtool_module *mod;
		struct image img;

		print_message("%s\n", var->tag);
		snprintf(name, sizeof(name), "std-%s", var->tag);
		build_module(&img, var->is64, var->be, &std_module);
		read_module(&img, name, &r);
		expect_list(&r, VERSIONS, versions, ARRAY_SIZE(versions));
		expect_list(&r, EXPORTS, exports, ARRAY_SIZE(exports));
		expect_list(&r, DEPS, deps, ARRAY_SIZE(deps));
		assert_int_equal(logbuf.count, 0);
		check_in_memory(&img, &r);

		/* a second call on the same module answers the same */
		module_path(path, name);
		assert_int_equal(modtool_module_new_from_path(ctx, path, &mod), 0);
		get_all(mod, &again);
		for (int k = 0; k < KINDS; k++) {
			assert_int_equal(again.ret[k], r.ret[k]);
			assert_string_equal(modtool_symbols_get_name(again.list[k], 0),
					    modtool_symbols_get_name(r.list[k], 0));
		}
		results_free(&again);
		modtool_module_unref(mod);

		if (have_kmod()) {
			compare_with_kmod(path, &r, VERSIONS);
			compare_with_kmod(path, &r, EXPORTS);
		}
		results_free(&r);
		free(img.buf);
	}
}

/* Without __crc_ symbols the exports are __ksymtab_strings' names, CRC 0. */
static void test_ksymtab_strings(void **state)
{
	static const struct sym syms[] = {
		SYM("init_module", 0, SEC_TEXT, STB_GLOBAL, STT_FUNC),
		SYM("printk", 0, SHN_UNDEF, STB_GLOBAL, STT_NOTYPE),
	};
	/* zero padding first, empty strings between, no NUL after the last */
	static const char kstrings[] = { '\0', '\0', 'a', 'l', 'p', 'h', 'a', '\0', 'b', 'e',
					 't', 'a', '\0', '\0', 'g', 'a', 'm', 'm', 'a' };
	static const struct want exports[] = {
		{ "alpha", 0, 'G' }, { "beta", 0, 'G' }, { "gamma", 0, 'G' },
	};
	static const struct want deps[] = { { "printk", 0, UNDEF_G } };
	const struct module_spec m = {
		.syms = syms, .n_syms = ARRAY_SIZE(syms),
		.kstrings = kstrings, .kstrings_len = sizeof(kstrings),
		.last = SEC_KSTRINGS,
	};

	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		char name[64], path[PATH_MAX];
		struct results r;
		struct image img;

		snprintf(name, sizeof(name), "kstrings-%s", variants[v].tag);
		build_module(&img, variants[v].is64, variants[v].be, &m);
		read_module(&img, name, &r);
		expect_error(&r, VERSIONS, -ENOENT);
		expect_list(&r, EXPORTS, exports, ARRAY_SIZE(exports));
		expect_list(&r, DEPS, deps, ARRAY_SIZE(deps));
		check_in_memory(&img, &r);
		module_path(path, name);
		if (have_kmod()) {
			compare_with_kmod(path, &r, VERSIONS);
			compare_with_kmod(path, &r, EXPORTS);
		}
		results_free(&r);
		free(img.buf);
	}
}

/* No symbol table, no strings, no __versions: -ENOENT for all three. */
static void test_no_tables(void **state)
{
	const struct module_spec bare = { .no_symtab = true };
	const struct module_spec only_null = { .last = SEC_SYMTAB };	/* just symbol 0 */

	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		struct results r;
		struct image img;

		build_module(&img, variants[v].is64, variants[v].be, &bare);
		read_module(&img, "bare", &r);
		for (int k = 0; k < KINDS; k++)
			expect_error(&r, k, -ENOENT);
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);

		build_module(&img, variants[v].is64, variants[v].be, &only_null);
		read_module(&img, "only-null", &r);
		expect_error(&r, VERSIONS, -ENOENT);
		expect_error(&r, EXPORTS, -ENOENT);
		expect_list(&r, DEPS, NULL, 0);
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);
	}
}

/* ---- hostile tables ------------------------------------------------------ */

static const struct sym printk_only[] = {
	SYM("printk", 0, SHN_UNDEF, STB_GLOBAL, STT_NOTYPE),
};

/* __versions not a whole number of entries: the whole ones count. */
static void test_versions_ragged(void **state)
{
	static const struct ver vers[] = {
		{ 0x1111aaaa, "module_layout" }, { 0x2222bbbb, "printk" }, { 0x3333, "kmalloc" },
	};
	static const struct want two[] = {
		{ "module_layout", 0x1111aaaa, 'G' }, { "printk", 0x2222bbbb, 'G' },
	};
	static const struct want deps_two[] = {
		{ "printk", 0x2222bbbb, UNDEF_G }, { "module_layout", 0x1111aaaa, 'U' },
	};
	static const struct want deps_none[] = { { "printk", 0, UNDEF_G } };
	struct module_spec m = {
		.syms = printk_only, .n_syms = 1, .vers = vers, .n_vers = 3,
		.last = SEC_VERSIONS,
	};

	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		struct results r;
		struct image img;

		/* 2 entries and 34 bytes of the third (its CRC and part of its name) */
		m.n_vers = 3;
		m.versions_cut = 30;
		build_module(&img, variants[v].is64, variants[v].be, &m);
		read_module(&img, "ragged", &r);
		expect_list(&r, VERSIONS, two, ARRAY_SIZE(two));
		expect_list(&r, DEPS, deps_two, ARRAY_SIZE(deps_two));
		expect_error(&r, EXPORTS, -ENOENT);
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);

		/* shorter than one entry: an empty table, not an error */
		m.n_vers = 1;
		m.versions_cut = 54;
		build_module(&img, variants[v].is64, variants[v].be, &m);
		read_module(&img, "short-versions", &r);
		expect_list(&r, VERSIONS, NULL, 0);
		expect_list(&r, DEPS, deps_none, ARRAY_SIZE(deps_none));
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);

		/* SHT_NOBITS: no contents, as if there were no table */
		m.versions_cut = 0;
		build_module(&img, variants[v].is64, variants[v].be, &m);
		SET_SHDR(&img, SEC_VERSIONS, sh_type, SHT_NOBITS);
		read_module(&img, "nobits-versions", &r);
		expect_error(&r, VERSIONS, -ENOENT);
		expect_list(&r, DEPS, deps_none, ARRAY_SIZE(deps_none));
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);
	}
}

/*
 * A name filling its whole field (no NUL): cut at the field, not run into
 * the next entry's CRC ("BBBB...") or past the end of the file.
 */
static void test_versions_unterminated(void **state)
{
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		const struct variant *var = &variants[v];
		size_t field = var->is64 ? 56 : 60;
		char full[61], longer[80];
		uint64_t bs = var->is64 ? 0x4242424242424242ull : 0x42424242;
		const struct ver vers[] = {
			{ 0x1234, full }, { bs, "next" }, { 0x77, "" }, { 0x88, "." },
			{ 0x5678, longer },
		};
		const struct sym syms[] = {
			SYM(full, 0, SHN_UNDEF, STB_GLOBAL, STT_NOTYPE),
		};
		const struct want versions[] = {
			{ full, 0x1234, 'G' }, { "next", bs, 'G' }, { "", 0x77, 'G' },
			{ "", 0x88, 'G' }, { full, 0x5678, 'G' },
		};
		/*
		 * The symbol finds the first entry; the last, same name, stays
		 * unseen.  The nameless entry is no dependency (kmod lists it);
		 * "." is one, with its dot (only the versions list drops it).
		 */
		const struct want deps[] = {
			{ full, 0x1234, UNDEF_G }, { "next", bs, 'U' }, { ".", 0x88, 'U' },
			{ full, 0x5678, 'U' },
		};
		const struct module_spec m = {
			.syms = syms, .n_syms = 1, .vers = vers, .n_vers = ARRAY_SIZE(vers),
			.last = SEC_VERSIONS,
		};
		struct results r;
		struct image img;

		memset(full, 'x', field);
		full[field] = '\0';
		snprintf(longer, sizeof(longer), "%sYYYY", full);	/* cut to @full */
		build_module(&img, var->is64, var->be, &m);
		read_module(&img, "unterminated", &r);
		expect_list(&r, VERSIONS, versions, ARRAY_SIZE(versions));
		expect_list(&r, DEPS, deps, ARRAY_SIZE(deps));
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);
	}
}

/* A string table that is not one: every list fails cleanly, and says why. */
static void test_symtab_bad_link(void **state)
{
	static const struct {
		uint32_t link;
		bool text_nobits;
		const char *why;
	} cases[] = {
		{ 99, false, "outside section table" },
		{ 0xffffffff, false, "huge index" },
		{ 0, false, "section 0" },
		{ SEC_SHSTRTAB + 1, false, "one past the last section" },
		{ SEC_KCRCTAB, false, "not NUL-terminated" },
		{ SEC_TEXT, true, "SHT_NOBITS" },
	};

	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		for (size_t c = 0; c < ARRAY_SIZE(cases); c++) {
			struct results r;
			struct image img;

			print_message("%s: sh_link %s\n", variants[v].tag, cases[c].why);
			build_module(&img, variants[v].is64, variants[v].be, &std_module);
			SET_SHDR(&img, SEC_SYMTAB, sh_link, cases[c].link);
			if (cases[c].text_nobits)
				SET_SHDR(&img, SEC_TEXT, sh_type, SHT_NOBITS);
			read_module(&img, "bad-link", &r);
			for (int k = 0; k < KINDS; k++)
				expect_error(&r, k, -EBADMSG);
			assert_non_null(strstr(logbuf.text, "bad-link.ko: "));
			assert_non_null(strstr(logbuf.text, "string table"));
			check_in_memory(&img, &r);
			free(img.buf);
		}
	}
}

/* st_name at or past the end of the string table: that symbol is skipped. */
static void test_symbol_name_out_of_range(void **state)
{
	static const struct sym syms[] = {
		RAW(RAW_NAME_END, 0, SHN_UNDEF, STB_GLOBAL, STT_NOTYPE),
		RAW(0xffffffff, 0, SHN_UNDEF, STB_GLOBAL, STT_NOTYPE),
		RAW(0x80000000, 5, SHN_ABS, STB_GLOBAL, STT_NOTYPE),
		SYM("printk", 0, SHN_UNDEF, STB_GLOBAL, STT_NOTYPE),
		SYM("__crc_ok", 5, SHN_ABS, STB_GLOBAL, STT_NOTYPE),
		RAW(RAW_NAME_END, 0, SEC_KCRCTAB, STB_GLOBAL, STT_NOTYPE),
		SYM("_", 0, SEC_TEXT, STB_LOCAL, STT_NOTYPE),	/* last string: "_\0" */
	};
	static const struct want exports[] = { { "ok", 5, 'G' } };
	static const struct want deps[] = { { "printk", 0, UNDEF_G } };
	const struct module_spec m = {
		.syms = syms, .n_syms = ARRAY_SIZE(syms), .last = SEC_STRTAB,
	};

	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		struct results r;
		struct image img;

		build_module(&img, variants[v].is64, variants[v].be, &m);
		read_module(&img, "name-range", &r);
		expect_error(&r, VERSIONS, -ENOENT);
		expect_list(&r, EXPORTS, exports, ARRAY_SIZE(exports));
		expect_list(&r, DEPS, deps, ARRAY_SIZE(deps));
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);
	}
}

/* Empty, ragged, NOBITS and out-of-file symbol tables. */
static void test_symtab_sizes(void **state)
{
	static const struct sym syms[] = {
		SYM("printk", 0, SHN_UNDEF, STB_GLOBAL, STT_NOTYPE),
		SYM("kmalloc", 0, SHN_UNDEF, STB_GLOBAL, STT_NOTYPE),
	};
	static const char kstrings[] = "a\0b";
	static const struct want ab[] = { { "a", 0, 'G' }, { "b", 0, 'G' } };
	static const struct want printk[] = { { "printk", 0, UNDEF_G } };
	const struct module_spec m = {
		.syms = syms, .n_syms = 2, .kstrings = kstrings, .kstrings_len = sizeof(kstrings),
		.last = SEC_SYMTAB,
	};
	const struct module_spec no_strings = { .syms = syms, .n_syms = 2, .last = SEC_SYMTAB };

	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		const struct variant *var = &variants[v];
		size_t ent = var->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
		struct results r;
		struct image img;

		/* zero-sized: no symbols, so the strings give the exports */
		build_module(&img, var->is64, var->be, &m);
		SET_SHDR(&img, SEC_SYMTAB, sh_size, 0);
		read_module(&img, "symtab-empty", &r);
		expect_list(&r, DEPS, NULL, 0);
		expect_list(&r, EXPORTS, ab, ARRAY_SIZE(ab));
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);

		build_module(&img, var->is64, var->be, &no_strings);
		SET_SHDR(&img, SEC_SYMTAB, sh_size, 0);
		read_module(&img, "symtab-empty-nostrings", &r);
		expect_list(&r, DEPS, NULL, 0);
		expect_error(&r, EXPORTS, -ENOENT);
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);

		/* one byte short of 3 entries: the partial last one is not read */
		build_module(&img, var->is64, var->be, &m);
		SET_SHDR(&img, SEC_SYMTAB, sh_size, 3 * ent - 1);
		read_module(&img, "symtab-ragged", &r);
		expect_list(&r, DEPS, printk, ARRAY_SIZE(printk));
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);

		/* SHT_NOBITS: as if there were none */
		build_module(&img, var->is64, var->be, &m);
		SET_SHDR(&img, SEC_SYMTAB, sh_type, SHT_NOBITS);
		read_module(&img, "symtab-nobits", &r);
		expect_error(&r, DEPS, -ENOENT);
		expect_list(&r, EXPORTS, ab, ARRAY_SIZE(ab));
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);

		/* one byte longer than the file: a malformed file */
		build_module(&img, var->is64, var->be, &m);
		SET_SHDR(&img, SEC_SYMTAB, sh_size, 3 * ent + 1);
		read_module(&img, "symtab-outside", &r);
		for (int k = 0; k < KINDS; k++)
			expect_error(&r, k, -EBADMSG);
		assert_true(logbuf.count > 0);
		check_in_memory(&img, &r);
		free(img.buf);
	}
}

/* __crc_ symbols whose word is not in their section: UINT64_MAX, no read. */
static void test_crc_out_of_range(void **state)
{
	for (size_t v = 0; v < ARRAY_SIZE(variants); v++) {
		const struct variant *var = &variants[v];
		const struct sym syms[] = {
			SYM("__crc_common", 0, SHN_COMMON, STB_GLOBAL, STT_NOTYPE),
			SYM("__crc_reserved", 0, 0xff00, STB_GLOBAL, STT_NOTYPE),
			SYM("__crc_past_shnum", 0, SEC_SHSTRTAB + 1, STB_GLOBAL, STT_NOTYPE),
			SYM("__crc_tiny_section", 0, SEC_TEXT, STB_GLOBAL, STT_NOTYPE),
			SYM("__crc_wraps", var->is64 ? UINT64_MAX - 1 : UINT32_MAX - 1, SEC_KCRCTAB,
			    STB_GLOBAL, STT_NOTYPE),
			SYM("__crc_nobits", 0, SEC_KSYMTAB, STB_GLOBAL, STT_NOTYPE),
			SYM("__crc_first_word", 0, SEC_KCRCTAB, STB_GLOBAL, STT_NOTYPE),
		};
		const struct want exports[] = {
			{ "common", UINT64_MAX, 'G' },
			{ "reserved", UINT64_MAX, 'G' },
			{ "past_shnum", UINT64_MAX, 'G' },
			{ "tiny_section", UINT64_MAX, 'G' },
			{ "wraps", UINT64_MAX, 'G' },
			{ "nobits", UINT64_MAX, 'G' },
			{ "first_word", 0xdeadbeef, 'G' },
		};
		const struct module_spec m = {
			.syms = syms, .n_syms = ARRAY_SIZE(syms), .last = SEC_TEXT,
		};
		struct results r;
		struct image img;

		build_module(&img, var->is64, var->be, &m);
		SET_SHDR(&img, SEC_KSYMTAB, sh_type, SHT_NOBITS);
		read_module(&img, "crc-range", &r);
		expect_list(&r, EXPORTS, exports, ARRAY_SIZE(exports));
		check_in_memory(&img, &r);
		results_free(&r);
		free(img.buf);
	}
}

/* Files that are not ELF, or not there: an error, a message, no list. */
static void test_not_elf(void **state)
{
	static const struct {
		const char *name;
		const char *data;
		size_t len;
	} files[] = {
		{ "text", "hello, world\n", 13 },
		{ "empty", "", 0 },
		{ "magic-only", "\177ELF\2\1\1", 7 },
	};
	struct modtool_module *mod;
	char path[PATH_MAX];
	struct results r;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		module_path(path, files[i].name);
		write_file(path, files[i].data, files[i].len);
		assert_int_equal(modtool_module_new_from_path(ctx, path, &mod), 0);
		memset(&logbuf, 0, sizeof(logbuf));
		get_all(mod, &r);
		for (int k = 0; k < KINDS; k++) {
			print_message("%s: %s %d\n", files[i].name, kind_names[k], r.ret[k]);
			assert_int_equal(r.ret[k], -ENOEXEC);
		}
		assert_true(logbuf.count > 0);
		modtool_module_unref(mod);
	}

	module_path(path, "does-not-exist");
	assert_int_equal(modtool_module_new_from_path(ctx, path, &mod), 0);
	memset(&logbuf, 0, sizeof(logbuf));
	get_all(mod, &r);
	for (int k = 0; k < KINDS; k++) {
		print_message("does-not-exist: %s %d\n", kind_names[k], r.ret[k]);
		assert_int_equal(r.ret[k], -ENOENT);
	}
	assert_true(logbuf.count > 0);
	modtool_module_unref(mod);
}

static void test_null_arguments(void **state)
{
	struct modtool_symbols *list = (struct modtool_symbols *)&list;
	struct modtool_module *mod;
	char path[PATH_MAX];

	for (int k = 0; k < KINDS; k++)
		assert_int_equal(get_list(NULL, k, &list), -EINVAL);
	module_path(path, "null-args");
	assert_int_equal(modtool_module_new_from_path(ctx, path, &mod), 0);
	for (int k = 0; k < KINDS; k++)
		assert_int_equal(get_list(mod, k, NULL), -EINVAL);
	modtool_module_unref(mod);
	assert_int_equal(modtool_symbols_count(NULL), 0);
	assert_null(modtool_symbols_get_name(NULL, 0));
	assert_int_equal(modtool_symbols_get_crc(NULL, 0), 0);
	assert_int_equal(modtool_symbols_get_bind(NULL, 0), MODTOOL_SYMBOL_NONE);
	modtool_symbols_free(NULL);
}

/* ---- Debian's modules ------------------------------------------------------- */

/* kmod's letter for an undefined symbol of this readelf binding: weak or not. */
static int bind_of(const char *readelf_bind)
{
	return strcmp(readelf_bind, "WEAK") == 0 ? MODTOOL_SYMBOL_WEAK : UNDEF_G;
}

/* Undefined symbols of .symtab as readelf -sW shows them (name and binding). */
static int readelf_undefined(const char *path, struct want **out)
{
	char cmd[PATH_MAX + 64], line[1024];
	size_t n = 0, cap = 0;
	FILE *p;

	*out = NULL;
	snprintf(cmd, sizeof(cmd), "readelf -sW '%s' 2>/dev/null", path);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (fgets(line, sizeof(line), p)) {
		char bind[16], ndx[16], name[512] = "";

		if (sscanf(line, " %*[0-9]: %*s %*s %*s %15s %*s %15s %511s", bind, ndx, name) < 2 ||
		    strcmp(ndx, "UND") != 0 || !name[0])
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			*out = realloc(*out, cap * sizeof(**out));
			assert_non_null(*out);
		}
		(*out)[n++] = (struct want){ strdup(name), 0, bind_of(bind) };
	}
	if (pclose(p) != 0)
		return -1;
	return (int)n;
}

/*
 * The dependency symbols from two outside views: readelf's undefined
 * symbols in order, each with the CRC kmod's __versions dump gives its name
 * (first entry), then the dump's entries no undefined symbol named.
 */
static void compare_dependencies(const char *elf_path, const char *path, const struct results *r)
{
	const struct modtool_symbols *deps = r->list[DEPS];
	struct want *und;
	struct kline *ver;
	int n_und = readelf_undefined(elf_path, &und);
	int n_ver = kmod_lines("--dump-modversions", path, &ver);
	bool *seen;
	int i = 0;

	if (n_und < 0) {
		print_message("readelf failed on %s: dependency symbols not compared\n", elf_path);
		return;
	}
	assert_true(n_ver > 0);
	seen = calloc(n_ver, sizeof(*seen));
	assert_non_null(seen);
	assert_true(r->ret[DEPS] >= n_und);
	for (; i < n_und; i++) {
		uint64_t crc = 0;

		for (int j = 0; j < n_ver; j++) {
			if (strcmp(ver[j].name, und[i].name) == 0) {
				crc = ver[j].crc;
				seen[j] = true;
				break;
			}
		}
		if (strcmp(modtool_symbols_get_name(deps, i), und[i].name) != 0 ||
		    modtool_symbols_get_crc(deps, i) != crc ||
		    modtool_symbols_get_bind(deps, i) != und[i].bind)
			fail_msg("dependency [%d]: expected %s 0x%08llx %c, got %s 0x%08llx %c", i,
				 und[i].name, (unsigned long long)crc, und[i].bind,
				 modtool_symbols_get_name(deps, i),
				 (unsigned long long)modtool_symbols_get_crc(deps, i),
				 modtool_symbols_get_bind(deps, i));
		free((char *)und[i].name);
	}
	for (int j = 0; j < n_ver; j++) {
		if (seen[j])
			continue;
		assert_string_equal(modtool_symbols_get_name(deps, i), ver[j].name);
		assert_int_equal(modtool_symbols_get_crc(deps, i), ver[j].crc);
		assert_int_equal(modtool_symbols_get_bind(deps, i), MODTOOL_SYMBOL_UNDEF);
		i++;
	}
	assert_int_equal(r->ret[DEPS], i);
	print_message("  %d dependency symbols: %d undefined + %d from __versions only\n", i,
		      n_und, i - n_und);
	free(seen);
	free(und);
	free(ver);
}

/* One real module against kmod (and readelf); @elf_path is it uncompressed. */
static void check_real_module(const char *path, const char *elf_path, bool expect_exports)
{
	struct modtool_module *mod;
	struct results r;

	print_message("%s\n", path);
	assert_int_equal(modtool_module_new_from_path(ctx, path, &mod), 0);
	get_all(mod, &r);
	assert_true(r.ret[VERSIONS] > 0);
	assert_true(r.ret[DEPS] > 0);
	if (expect_exports)
		assert_true(r.ret[EXPORTS] > 0);
	else
		expect_error(&r, EXPORTS, -ENOENT);
	print_message("  %d versions, %d exports, %d dependency symbols\n", r.ret[VERSIONS],
		      r.ret[EXPORTS], r.ret[DEPS]);
	compare_with_kmod(path, &r, VERSIONS);
	compare_with_kmod(path, &r, EXPORTS);
	compare_dependencies(elf_path, path, &r);
	results_free(&r);
	modtool_module_unref(mod);
}

static char *find_one(const char *trees, const char *pattern)
{
	char pat[PATH_MAX];
	glob_t g;
	char *found = NULL;

	snprintf(pat, sizeof(pat), "%s/%s", trees, pattern);
	if (glob(pat, 0, NULL, &g) == 0 && g.gl_pathc == 1)
		found = strdup(g.gl_pathv[0]);
	globfree(&g);
	return found;
}

/* A module built into the kernel has no file: -ENOENT, as kmod. */
static void check_builtin(const char *trees)
{
	char *dep = find_one(trees, "6.1/lib/modules/*/modules.builtin");
	char line[PATH_MAX], *base, *dot, moddir[PATH_MAX];
	struct modtool_ctx *tree_ctx;
	struct modtool_list *found;
	struct results r;
	FILE *f;

	assert_non_null(dep);
	f = fopen(dep, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	fclose(f);
	snprintf(moddir, sizeof(moddir), "%.*s", (int)(strrchr(dep, '/') - dep), dep);
	base = strrchr(line, '/') ? strrchr(line, '/') + 1 : line;
	dot = strchr(base, '.');
	if (dot)
		*dot = '\0';
	assert_int_equal(modtool_ctx_new(moddir, &tree_ctx), 0);
	assert_true(modtool_module_lookup(tree_ctx, base, MODTOOL_LOOKUP_NAME_ONLY, &found) > 0);
	assert_true(modtool_module_is_builtin(modtool_list_get(found, 0)));
	print_message("built-in %s\n", base);
	get_all(modtool_list_get(found, 0), &r);
	for (int k = 0; k < KINDS; k++)
		expect_error(&r, k, -ENOENT);
	modtool_list_free(found);
	modtool_ctx_free(tree_ctx);
	free(dep);
}

static void test_real_modules(void **state)
{
	char *trees, *e1000e, *mii, *xz;

	if (!have_kmod())
		skip();
	trees = test_trees_dir();
	if (!trees) {
		print_message("no module trees (tests/fetch-trees.sh failed): skipped\n");
		skip();
	}
	e1000e = find_one(trees, "6.1/lib/modules/*/kernel/drivers/net/ethernet/intel/"
				 "e1000e/e1000e.ko");
	assert_non_null(e1000e);
	check_real_module(e1000e, e1000e, false);	/* exports nothing: kmod fails too */
	/* e1000e exports nothing: mii's exports are compared too */
	mii = find_one(trees, "6.1/lib/modules/*/kernel/drivers/net/mii.ko");
	assert_non_null(mii);
	check_real_module(mii, mii, true);

	/* 6.12's e1000e is xz-compressed: readelf reads a decompressed copy */
	xz = find_one(trees, "6.12/lib/modules/*/kernel/drivers/net/ethernet/intel/"
			     "e1000e/e1000e.ko.xz");
	if (xz && strstr(modtool_features(), "+XZ")) {
		char plain[PATH_MAX];

		module_path(plain, "e1000e-6.12-plain");
		assert_int_equal(run_status("xz -dc '%s' > '%s'", xz, plain), 0);
		check_real_module(xz, plain, false);
	}
	check_builtin(trees);
	free(xz);
	free(mii);
	free(e1000e);
	free(trees);
}

/* ---- setup --------------------------------------------------------------- */

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path);
}

static int setup(void **state)
{
	const char *base = getenv("TMPDIR");

	snprintf(tmpdir, sizeof(tmpdir), "%s/modtool-symbols.XXXXXX",
		 base && *base ? base : "/tmp");
	if (!mkdtemp(tmpdir))
		return -1;
	if (modtool_ctx_new(tmpdir, &ctx) < 0)
		return -1;
	modtool_ctx_set_log_fn(ctx, capture_log, &logbuf);
	return 0;
}

static int teardown(void **state)
{
	modtool_ctx_free(ctx);
	if (!getenv("MODTOOL_KEEP_TMP"))
		nftw(tmpdir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_well_formed),
		cmocka_unit_test(test_ksymtab_strings),
		cmocka_unit_test(test_no_tables),
		cmocka_unit_test(test_versions_ragged),
		cmocka_unit_test(test_versions_unterminated),
		cmocka_unit_test(test_symtab_bad_link),
		cmocka_unit_test(test_symbol_name_out_of_range),
		cmocka_unit_test(test_symtab_sizes),
		cmocka_unit_test(test_crc_out_of_range),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_null_arguments),
		cmocka_unit_test(test_real_modules),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
