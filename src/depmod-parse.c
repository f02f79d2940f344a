// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One module, read for depmod: the .modinfo keys it writes out (alias,
 * softdep, weakdep), the symbols it exports (__crc_* symbols of .symtab, else
 * __ksymtab_strings, as kmod), and the symbols it needs (undefined .symtab
 * entries, with their __versions CRC).  Only these sections are touched:
 * never the signature, never the code.  The result is a flat record (see
 * depmod.h) so that it can go to the cache as it is.
 */
#include <elf.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "depmod.h"
#include "elf-reader.h"
#include "file.h"
#include "internal.h"

/* ---- the record --------------------------------------------------------- */

static void rec_u32(struct mt_buf *b, uint32_t v)
{
	mt_buf_put(b, &v, sizeof(v));
}

static void rec_u64(struct mt_buf *b, uint64_t v)
{
	mt_buf_put(b, &v, sizeof(v));
}

static void rec_patch_u32(struct mt_buf *b, size_t at, uint32_t v)
{
	if (!b->err)
		memcpy(b->p + at, &v, sizeof(v));
}

static const uint8_t *skip_string(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *nul = memchr(p, 0, (size_t)(end - p));

	return nul ? nul + 1 : NULL;
}

/* Check one section of @n entries, each @fixed bytes then a string. */
static const uint8_t *valid_section(const uint8_t *p, const uint8_t *end, size_t fixed)
{
	uint32_t n;

	if ((size_t)(end - p) < sizeof(n))
		return NULL;
	memcpy(&n, p, sizeof(n));
	p += sizeof(n);
	for (uint32_t i = 0; i < n && p; i++) {
		if ((size_t)(end - p) < fixed)
			return NULL;
		p = skip_string(p + fixed, end);
	}
	return p;
}

bool mt_record_valid(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;

	p = valid_section(p, end, 0);
	p = p ? valid_section(p, end, 8) : NULL;
	p = p ? valid_section(p, end, 9) : NULL;
	return p == end;
}

static const uint8_t *section_start(const struct mt_record *r, int which)
{
	const uint8_t *p = r->data, *end = r->data + r->size;
	static const size_t fixed[] = { 0, 8, 9 };

	for (int s = 0; s < which && p; s++) {
		uint32_t n;

		memcpy(&n, p, sizeof(n));
		p += sizeof(n);
		for (uint32_t i = 0; i < n && p; i++)
			p = skip_string(p + fixed[s], end);
	}
	return p;
}

uint32_t mt_record_section(const struct mt_record *r, int which, struct mt_record_iter *it)
{
	const uint8_t *p = section_start(r, which);
	uint32_t n;

	it->end = r->data + r->size;
	if (!p || (size_t)(it->end - p) < sizeof(n)) {
		it->p = it->end;
		return 0;
	}
	memcpy(&n, p, sizeof(n));
	it->p = p + sizeof(n);
	return n;
}

const char *mt_record_next_info(struct mt_record_iter *it)
{
	const char *s = (const char *)it->p;

	it->p = skip_string(it->p, it->end);
	return s;
}

const char *mt_record_next_symbol(struct mt_record_iter *it, uint64_t *crc, bool *weak)
{
	const char *s;

	memcpy(crc, it->p, sizeof(*crc));
	it->p += sizeof(*crc);
	if (weak) {
		*weak = *it->p != 0;
		it->p++;
	}
	s = (const char *)it->p;
	it->p = skip_string(it->p, it->end);
	return s;
}

/* ---- reading the ELF ---------------------------------------------------- */

enum { SEC_MODINFO, SEC_KSYMTAB_STRINGS, SEC_VERSIONS, SEC_SYMTAB, SEC_COUNT };

struct parse {
	struct mt_elf elf;
	struct mt_elf_section sec[SEC_COUNT];
	struct mt_elf_section strtab;
	struct mt_buf out;
	const char *why;
};

static bool wanted_key(const char *s, size_t len)
{
	static const char *const keys[] = { "alias=", "softdep=", "weakdep=" };

	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		size_t kl = strlen(keys[i]);

		if (len >= kl && memcmp(s, keys[i], kl) == 0)
			return true;
	}
	return false;
}

/* .modinfo: strings separated by runs of NULs; the last may lack its NUL. */
static void parse_modinfo(struct parse *p)
{
	const struct mt_elf_section *s = &p->sec[SEC_MODINFO];
	const char *d = (const char *)s->data;
	size_t at = p->out.len, i = 0;
	uint32_t n = 0;

	rec_u32(&p->out, 0);
	while (s->index && d && i < s->size) {
		const char *nul = memchr(d + i, 0, s->size - i);
		size_t len = nul ? (size_t)(nul - (d + i)) : s->size - i;

		if (len && wanted_key(d + i, len)) {
			mt_buf_put(&p->out, d + i, len);
			mt_buf_putc(&p->out, 0);
			n++;
		}
		i += len + 1;
	}
	rec_patch_u32(&p->out, at, n);
}

struct symbol_view {
	const char *name;
	uint64_t value;
	uint32_t shndx;
	uint8_t bind;
};

static size_t sym_entsize(const struct parse *p)
{
	return p->elf.is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
}

static bool read_symbol(const struct parse *p, uint64_t i, struct symbol_view *v)
{
	const uint8_t *e = p->sec[SEC_SYMTAB].data + i * sym_entsize(p);
	uint32_t name;
	uint8_t info;

	if (p->elf.is64) {
		name = mt_elf_u32(&p->elf, e + offsetof(Elf64_Sym, st_name));
		info = e[offsetof(Elf64_Sym, st_info)];
		v->shndx = mt_elf_u16(&p->elf, e + offsetof(Elf64_Sym, st_shndx));
		v->value = mt_elf_u64(&p->elf, e + offsetof(Elf64_Sym, st_value));
	} else {
		name = mt_elf_u32(&p->elf, e + offsetof(Elf32_Sym, st_name));
		info = e[offsetof(Elf32_Sym, st_info)];
		v->shndx = mt_elf_u16(&p->elf, e + offsetof(Elf32_Sym, st_shndx));
		v->value = mt_elf_u32(&p->elf, e + offsetof(Elf32_Sym, st_value));
	}
	v->bind = info >> 4;
	if (name >= p->strtab.size)
		return false;
	v->name = (const char *)p->strtab.data + name;
	return true;
}

/* A __crc_ symbol's value: absolute, or an offset into its section. */
static uint64_t resolve_crc(const struct parse *p, const struct symbol_view *v)
{
	struct mt_elf_section s;
	const char *why;

	if (v->shndx == SHN_ABS || v->shndx == SHN_UNDEF)
		return v->value;
	if (mt_elf_section(&p->elf, v->shndx, &s, &why) < 0 || !s.data ||
	    s.size < 4 || v->value > s.size - 4)
		return UINT64_MAX;
	return mt_elf_u32(&p->elf, s.data + v->value);
}

static uint64_t symbol_count(const struct parse *p)
{
	return p->sec[SEC_SYMTAB].index ? p->sec[SEC_SYMTAB].size / sym_entsize(p) : 0;
}

static uint32_t exports_from_symtab(struct parse *p)
{
	static const char crc[] = "__crc_";
	uint64_t n = symbol_count(p);
	uint32_t count = 0;
	struct symbol_view v;

	for (uint64_t i = 1; i < n; i++) {
		if (!read_symbol(p, i, &v) || strncmp(v.name, crc, sizeof(crc) - 1) != 0)
			continue;
		rec_u64(&p->out, resolve_crc(p, &v));
		mt_buf_puts(&p->out, v.name + sizeof(crc) - 1);
		mt_buf_putc(&p->out, 0);
		count++;
	}
	return count;
}

static uint32_t exports_from_ksymtab_strings(struct parse *p)
{
	const struct mt_elf_section *s = &p->sec[SEC_KSYMTAB_STRINGS];
	const char *d = (const char *)s->data;
	uint32_t count = 0;
	size_t i = 0;

	while (s->index && d && i < s->size) {
		const char *nul = memchr(d + i, 0, s->size - i);
		size_t len = nul ? (size_t)(nul - (d + i)) : s->size - i;

		if (len) {
			rec_u64(&p->out, 0);
			mt_buf_put(&p->out, d + i, len);
			mt_buf_putc(&p->out, 0);
			count++;
		}
		i += len + 1;
	}
	return count;
}

static void parse_exports(struct parse *p)
{
	size_t at = p->out.len, mark;
	uint32_t n;

	rec_u32(&p->out, 0);
	mark = p->out.len;
	n = exports_from_symtab(p);
	if (n == 0) {
		p->out.len = mark;
		n = exports_from_ksymtab_strings(p);
	}
	rec_patch_u32(&p->out, at, n);
}

/* __versions: entries of { long crc; char name[64 - sizeof(long)]; }. */
struct version {
	const char *name;
	size_t len;
	uint64_t crc;
};

static int version_cmp(const void *a, const void *b)
{
	const struct version *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r = memcmp(x->name, y->name, n);

	return r ? r : (x->len > y->len) - (x->len < y->len);
}

static struct version *load_versions(const struct parse *p, size_t *count)
{
	const struct mt_elf_section *s = &p->sec[SEC_VERSIONS];
	size_t word = p->elf.is64 ? 8 : 4, n, i;
	struct version *v;

	*count = 0;
	if (!s->index || !s->data)
		return NULL;
	n = s->size / 64;
	v = n ? malloc(n * sizeof(*v)) : NULL;
	if (!v)
		return NULL;
	for (i = 0; i < n; i++) {
		const uint8_t *e = s->data + i * 64;
		const char *name = (const char *)e + word;

		v[i].crc = word == 8 ? mt_elf_u64(&p->elf, e) : mt_elf_u32(&p->elf, e);
		v[i].name = name;
		v[i].len = strnlen(name, 64 - word);
	}
	qsort(v, n, sizeof(*v), version_cmp);
	*count = n;
	return v;
}

static uint64_t version_crc(const struct version *v, size_t n, const char *name)
{
	struct version key = { .name = name, .len = strlen(name) };
	const struct version *hit = n ? bsearch(&key, v, n, sizeof(*v), version_cmp) : NULL;

	return hit ? hit->crc : 0;
}

static void parse_undefs(struct parse *p)
{
	uint64_t n = symbol_count(p);
	size_t at = p->out.len, nver;
	struct version *ver = load_versions(p, &nver);
	struct symbol_view v;
	uint32_t count = 0;

	rec_u32(&p->out, 0);
	for (uint64_t i = 1; i < n; i++) {
		if (!read_symbol(p, i, &v) || v.shndx != SHN_UNDEF || !v.name[0])
			continue;
		rec_u64(&p->out, version_crc(ver, nver, v.name));
		mt_buf_putc(&p->out, v.bind == STB_WEAK);
		mt_buf_puts(&p->out, v.name);
		mt_buf_putc(&p->out, 0);
		count++;
	}
	free(ver);
	rec_patch_u32(&p->out, at, count);
}

static const char *find_sections(struct parse *p)
{
	static const char *const names[SEC_COUNT] = {
		[SEC_MODINFO] = ".modinfo",
		[SEC_KSYMTAB_STRINGS] = "__ksymtab_strings",
		[SEC_VERSIONS] = "__versions",
		[SEC_SYMTAB] = ".symtab",
	};
	struct mt_elf_section *sym = &p->sec[SEC_SYMTAB];
	const char *why = NULL;

	if (mt_elf_find_sections(&p->elf, names, SEC_COUNT, p->sec, &why) < 0)
		return why;
	for (int i = 0; i < SEC_COUNT; i++)
		if (p->sec[i].index && !p->sec[i].data)
			p->sec[i].index = 0;	/* SHT_NOBITS: nothing to read */
	if (!sym->index)
		return NULL;
	if (mt_elf_section(&p->elf, sym->link, &p->strtab, &why) < 0)
		return "symbol table's string table lies outside the file";
	if (!p->strtab.data || !p->strtab.size || p->strtab.data[p->strtab.size - 1])
		return "symbol table's string table is empty or not terminated";
	return NULL;
}

static const char *parse_image(const uint8_t *data, size_t size, struct mt_record *rec)
{
	struct parse p = { 0 };
	const char *why = NULL;

	if (mt_elf_init(&p.elf, data, size, &why) < 0)
		return why ? why : "not an ELF file";
	why = find_sections(&p);
	if (why)
		return why;
	parse_modinfo(&p);
	parse_exports(&p);
	parse_undefs(&p);
	if (p.out.err) {
		mt_buf_free(&p.out);
		return "out of memory";
	}
	rec->data = (uint8_t *)p.out.p;
	rec->size = p.out.len;
	return NULL;
}

/* ---- opening the file --------------------------------------------------- */

struct format {
	uint8_t magic[6];
	size_t len;
	mt_decompress_fn fn;
	const char *name;
};

static const struct format formats[] = {
	{ { 0xfd, '7', 'z', 'X', 'Z', 0x00 }, 6, mt_decompress_xz, "xz" },
	{ { 0x28, 0xb5, 0x2f, 0xfd }, 4, mt_decompress_zstd, "zstd" },
	{ { 0x1f, 0x8b }, 2, mt_decompress_gzip, "gzip" },
};

static void set_problem(struct mt_dm_module *m, const char *what, const char *why)
{
	char *s = NULL;

	m->broken = true;
	if (asprintf(&s, "%s%s%s", what, why ? ": " : "", why ? why : "") < 0)
		s = NULL;
	free(m->problem);
	m->problem = s;
}

static void parse_mapped(struct mt_dm_module *m, const uint8_t *map, size_t size)
{
	const struct format *fmt = NULL;
	struct mt_decompressed out = { 0 };
	const char *why = NULL;

	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (size >= formats[i].len && memcmp(map, formats[i].magic, formats[i].len) == 0)
			fmt = &formats[i];
	if (!fmt) {
		why = parse_image(map, size, &m->rec);
		if (why)
			set_problem(m, why, NULL);
		return;
	}
	if (fmt->fn(map, size, &out, &why) < 0) {
		set_problem(m, fmt->name, why ? why : "cannot decompress");
		free(out.data);
		return;
	}
	why = parse_image(out.data, out.size, &m->rec);
	free(out.data);
	if (why)
		set_problem(m, why, NULL);
}

void mt_depmod_parse_module(struct mt_dm_module *m)
{
	struct stat st;
	void *map;
	int fd;

	fd = open(m->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		set_problem(m, strerror(errno), NULL);
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		set_problem(m, "not a regular file", NULL);
		close(fd);
		return;
	}
	if (st.st_size == 0) {
		set_problem(m, "empty file", NULL);
		close(fd);
		return;
	}
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED) {
		set_problem(m, strerror(errno), NULL);
		return;
	}
	parse_mapped(m, map, (size_t)st.st_size);
	munmap(map, (size_t)st.st_size);
}
