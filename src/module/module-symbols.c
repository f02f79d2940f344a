// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A module's symbols: what it exports, what it needs, and the CRCs its
 * __versions table expects (see module-symbols.h).  The walks call back per
 * entry so that depmod can append to its records without a list in between;
 * the public lists of libmodtool.h are built on the same walks.
 */
#include <elf.h>
#include <endian.h>

#include "base/internal.h"
#include "module/file.h"
#include "module/module-symbols.h"
#include "module/module.h"

const char *const mt_msym_section_names[MT_MSYM_COUNT] = {
	[MT_MSYM_SYMTAB] = ".symtab",
	[MT_MSYM_KSYMTAB_STRINGS] = "__ksymtab_strings",
	[MT_MSYM_VERSIONS] = "__versions",
};

/* __versions entries: { long crc; char name[64 - sizeof(long)]; } */
#define VERSION_ENTRY_SIZE 64

static const char *find_strtab(struct mt_msym *ms)
{
	const struct mt_elf_section *sym = &ms->sec[MT_MSYM_SYMTAB];
	const char *why = NULL;

	memset(&ms->strtab, 0, sizeof(ms->strtab));
	if (!sym->index)
		return NULL;
	if (mt_elf_section(ms->elf, sym->link, &ms->strtab, &why) < 0)
		return "symbol table's string table lies outside the file";
	if (!ms->strtab.data || !ms->strtab.size || ms->strtab.data[ms->strtab.size - 1])
		return "symbol table's string table is empty or not terminated";
	return NULL;
}

int mt_msym_init_from(struct mt_msym *ms, const struct mt_elf *elf,
		      const struct mt_elf_section *secs, const char **why)
{
	const char *problem;

	ms->elf = elf;
	ms->load = NULL;
	ms->load_data = NULL;
	for (int i = 0; i < MT_MSYM_COUNT; i++) {
		ms->sec[i] = secs[i];
		if (ms->sec[i].index && !ms->sec[i].data)
			ms->sec[i].index = 0;	/* SHT_NOBITS: nothing to read */
	}
	problem = find_strtab(ms);
	if (problem) {
		*why = problem;
		return -EBADMSG;
	}
	return 0;
}

int mt_msym_init(struct mt_msym *ms, const struct mt_elf *elf, const char **why)
{
	struct mt_elf_section secs[MT_MSYM_COUNT];
	int err;

	err = mt_elf_find_sections(elf, mt_msym_section_names, MT_MSYM_COUNT, secs, why);
	if (err < 0)
		return err;
	return mt_msym_init_from(ms, elf, secs, why);
}

/* ---- .symtab ------------------------------------------------------------ */

/* Inline (the loop is hot: depmod reads every symbol of every module). */
static inline uint16_t get16(const struct mt_elf *elf, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return elf->big_endian ? be16toh(v) : le16toh(v);
}

static inline uint32_t get32(const struct mt_elf *elf, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return elf->big_endian ? be32toh(v) : le32toh(v);
}

static inline uint64_t get64(const struct mt_elf *elf, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return elf->big_endian ? be64toh(v) : le64toh(v);
}

struct symbol_view {
	const char *name;
	uint64_t value;
	uint32_t shndx;
	uint8_t bind;
};

static size_t sym_entsize(const struct mt_msym *ms)
{
	return ms->elf->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym);
}

static uint64_t symbol_count(const struct mt_msym *ms)
{
	return ms->sec[MT_MSYM_SYMTAB].index ? ms->sec[MT_MSYM_SYMTAB].size / sym_entsize(ms) : 0;
}

static inline bool read_symbol(const struct mt_msym *ms, const uint8_t *e, struct symbol_view *v)
{
	const struct mt_elf *elf = ms->elf;
	uint32_t name;
	uint8_t info;

	if (elf->is64) {
		name = get32(elf, e + offsetof(Elf64_Sym, st_name));
		info = e[offsetof(Elf64_Sym, st_info)];
		v->shndx = get16(elf, e + offsetof(Elf64_Sym, st_shndx));
		v->value = get64(elf, e + offsetof(Elf64_Sym, st_value));
	} else {
		name = get32(elf, e + offsetof(Elf32_Sym, st_name));
		info = e[offsetof(Elf32_Sym, st_info)];
		v->shndx = get16(elf, e + offsetof(Elf32_Sym, st_shndx));
		v->value = get32(elf, e + offsetof(Elf32_Sym, st_value));
	}
	v->bind = info >> 4;
	if (name >= ms->strtab.size)
		return false;
	v->name = (const char *)ms->strtab.data + name;
	return true;
}

/* A __crc_ symbol's value: absolute, or an offset into its section. */
static uint64_t resolve_crc(const struct mt_msym *ms, const struct symbol_view *v)
{
	struct mt_elf_section s;
	const char *why;

	if (v->shndx == SHN_ABS || v->shndx == SHN_UNDEF)
		return v->value;
	if (mt_elf_section(ms->elf, v->shndx, &s, &why) < 0 || !s.data ||
	    s.size < 4 || v->value > s.size - 4)
		return UINT64_MAX;
	if (ms->load && ms->load(ms->load_data, &s) != 0)
		return UINT64_MAX;
	return get32(ms->elf, s.data + v->value);
}

static inline bool is_crc_symbol(const char *name)
{
	return name[0] == '_' && name[1] == '_' && name[2] == 'c' &&
	       strncmp(name, "__crc_", 6) == 0;
}

/*
 * Most of .symtab is neither undefined nor __crc_: on a native ELF64 file,
 * rule those out with two plain loads before decoding the entry.
 */
static inline bool native_symbol_wanted(const struct mt_msym *ms, const uint8_t *e)
{
	uint32_t name;
	uint16_t shndx;
	const char *s;

	memcpy(&shndx, e + offsetof(Elf64_Sym, st_shndx), sizeof(shndx));
	if (shndx == SHN_UNDEF)
		return true;
	memcpy(&name, e + offsetof(Elf64_Sym, st_name), sizeof(name));
	if (name >= ms->strtab.size)
		return false;
	s = (const char *)ms->strtab.data + name;
	/* the strtab ends in a NUL (checked): s[1] and s[2] exist when s[0] is '_' */
	return s[0] == '_' && s[1] == '_' && s[2] == 'c';
}

/* ---- exports ------------------------------------------------------------ */

/* Strings separated by NULs (empty ones skipped); the last may lack its NUL. */
static int exports_from_ksymtab_strings(const struct mt_msym *ms, struct mt_msym_walk *w)
{
	const struct mt_elf_section *s = &ms->sec[MT_MSYM_KSYMTAB_STRINGS];
	const char *d = (const char *)s->data;
	size_t i = 0;
	int err;

	w->n_exports = 0;
	while (i < s->size && w->n_exports < INT32_MAX) {
		const char *nul = memchr(d + i, 0, s->size - i);
		size_t len = nul ? (size_t)(nul - (d + i)) : s->size - i;

		if (len) {
			struct mt_msym_entry e = {
				.name = d + i, .len = len, .crc = 0, .bind = STB_GLOBAL,
			};

			err = w->export_fn(w->data, &e);
			if (err)
				return err;
			w->n_exports++;
		}
		i += len + 1;
	}
	return 0;
}

int mt_msym_foreach_export(const struct mt_msym *ms, mt_msym_fn fn, void *data)
{
	struct mt_msym_walk w = { .export_fn = fn, .data = data };
	int err = mt_msym_walk(ms, &w);

	return err ? err : w.n_exports;
}

/* ---- __versions ---------------------------------------------------------- */

static size_t version_word(const struct mt_msym *ms)
{
	return ms->elf->is64 ? 8 : 4;
}

static void read_version(const struct mt_msym *ms, size_t i, struct mt_msym_entry *e)
{
	const uint8_t *p = ms->sec[MT_MSYM_VERSIONS].data + i * VERSION_ENTRY_SIZE;
	size_t word = version_word(ms);

	e->crc = word == 8 ? get64(ms->elf, p) : get32(ms->elf, p);
	e->name = (const char *)p + word;
	e->len = strnlen(e->name, VERSION_ENTRY_SIZE - word);
	e->bind = STB_GLOBAL;
}

static size_t version_count(const struct mt_msym *ms)
{
	const struct mt_elf_section *s = &ms->sec[MT_MSYM_VERSIONS];

	return s->index ? s->size / VERSION_ENTRY_SIZE : 0;
}

int mt_msym_foreach_version(const struct mt_msym *ms, mt_msym_fn fn, void *data)
{
	size_t n = version_count(ms);
	int err;

	if (!ms->sec[MT_MSYM_VERSIONS].index)
		return -ENOENT;
	if (n > INT32_MAX)
		n = INT32_MAX;
	for (size_t i = 0; i < n; i++) {
		struct mt_msym_entry e;

		read_version(ms, i, &e);
		if (e.len && e.name[0] == '.') {
			e.name++;
			e.len--;
		}
		err = fn(data, &e);
		if (err)
			return err;
	}
	return (int)n;
}

/*
 * __versions as a small hash table: every undefined symbol is looked up (for
 * its CRC and to mark the entry seen), and the entries never seen are the
 * module's dependencies too, as kmod counts them (module_layout).
 */
struct version_slot {
	const char *name;
	uint32_t len;
	uint32_t hash;
	uint64_t crc;
	bool seen;
};

struct mt_msym_versions {
	size_t n;
	size_t mask;		/* of @index, a power of two above 2n */
	struct version_slot *e;	/* in table order */
	uint32_t *index;	/* 0: empty, else entry + 1 */
};

static struct version_slot *versions_find(const struct mt_msym_versions *v, const char *name,
					  size_t len, uint32_t hash)
{
	for (size_t j = hash & v->mask; v->index[j]; j = (j + 1) & v->mask) {
		struct version_slot *e = &v->e[v->index[j] - 1];

		if (e->hash == hash && e->len == len && memcmp(e->name, name, len) == 0)
			return e;
	}
	return NULL;
}

int mt_msym_versions_new(const struct mt_msym *ms, struct mt_msym_versions **vp)
{
	size_t n = version_count(ms), size = 16;
	struct mt_msym_versions *v;

	*vp = NULL;
	while (size < 2 * n)
		size *= 2;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->e = malloc((n ? n : 1) * sizeof(*v->e));
	v->index = calloc(size, sizeof(*v->index));
	if (!v->e || !v->index) {
		mt_msym_versions_free(v);
		return -ENOMEM;
	}
	v->mask = size - 1;
	for (size_t i = 0; i < n; i++) {
		struct version_slot *e = &v->e[v->n];
		struct mt_msym_entry ent;
		size_t j;

		read_version(ms, i, &ent);
		*e = (struct version_slot){ ent.name, (uint32_t)ent.len,
					    mt_symbol_hash(ent.name, ent.len), ent.crc, false };
		v->n++;
		if (versions_find(v, e->name, e->len, e->hash))
			continue;	/* a repeated name: the first one answers */
		for (j = e->hash & v->mask; v->index[j]; j = (j + 1) & v->mask)
			;
		v->index[j] = (uint32_t)v->n;
	}
	*vp = v;
	return 0;
}

uint64_t mt_msym_versions_crc(const struct mt_msym_versions *v, const char *name, size_t len)
{
	const struct version_slot *e = versions_find(v, name, len, mt_symbol_hash(name, len));

	return e ? e->crc : 0;
}

/* The CRC for an undefined symbol, marking its entry seen. */
static uint64_t versions_visit(struct mt_msym_versions *v, const char *name, size_t len)
{
	struct version_slot *e = versions_find(v, name, len, mt_symbol_hash(name, len));

	if (!e)
		return 0;
	e->seen = true;
	return e->crc;
}

void mt_msym_versions_free(struct mt_msym_versions *v)
{
	if (!v)
		return;
	free(v->e);
	free(v->index);
	free(v);
}

/* ---- the walk over .symtab ------------------------------------------------- */

/* A __crc_ symbol is an export even when undefined (kmod looks at names only). */
static int walk_symbol(const struct mt_msym *ms, struct mt_msym_walk *w,
		       struct mt_msym_versions *ver, const struct symbol_view *v)
{
	struct mt_msym_entry e;
	int err;

	if (w->export_fn && is_crc_symbol(v->name)) {
		e.name = v->name + 6;
		e.len = strlen(e.name);
		e.crc = resolve_crc(ms, v);
		e.bind = v->bind;
		err = w->export_fn(w->data, &e);
		if (err)
			return err;
		w->n_exports++;
	}
	if (v->shndx != SHN_UNDEF || !w->undefined_fn || !v->name[0])
		return 0;
	e.name = v->name;
	e.len = strlen(v->name);
	e.crc = ver ? versions_visit(ver, e.name, e.len) : 0;
	e.bind = v->bind == STB_WEAK ? STB_WEAK : MT_MSYM_BIND_UNDEF;
	err = w->undefined_fn(w->data, &e);
	if (!err)
		w->n_undefined++;
	return err;
}

/* __versions entries no .symtab symbol asked for: needed all the same (kmod). */
static int walk_unseen_versions(const struct mt_msym_versions *ver, struct mt_msym_walk *w)
{
	for (size_t i = 0; ver && i < ver->n && w->n_undefined < INT32_MAX; i++) {
		const struct version_slot *v = &ver->e[i];
		struct mt_msym_entry e = {
			.name = v->name, .len = v->len, .crc = v->crc, .bind = MT_MSYM_BIND_UNDEF,
		};
		int err;

		if (v->seen || !v->len)
			continue;
		err = w->undefined_fn(w->data, &e);
		if (err)
			return err;
		w->n_undefined++;
	}
	return 0;
}

int mt_msym_walk(const struct mt_msym *ms, struct mt_msym_walk *w)
{
	struct mt_msym_versions *ver = NULL;
	const uint8_t *e = ms->sec[MT_MSYM_SYMTAB].data;
	uint64_t n = symbol_count(ms);
	size_t entsize = sym_entsize(ms);
	bool native64 = ms->elf->is64 &&
			ms->elf->big_endian == (__BYTE_ORDER__ == __ORDER_BIG_ENDIAN__);
	struct symbol_view v;
	int err = 0;

	w->n_exports = w->n_undefined = 0;
	if (w->undefined_fn && version_count(ms) && mt_msym_versions_new(ms, &ver) < 0)
		return -ENOMEM;
	for (uint64_t i = 1; i < n && !err; i++) {
		if (w->n_exports == INT32_MAX || w->n_undefined == INT32_MAX)
			break;
		if (native64 && !native_symbol_wanted(ms, e + i * entsize))
			continue;
		if (read_symbol(ms, e + i * entsize, &v))
			err = walk_symbol(ms, w, ver, &v);
	}
	if (!err && w->undefined_fn)
		err = walk_unseen_versions(ver, w);
	mt_msym_versions_free(ver);
	if (err || !w->export_fn || w->n_exports)
		return err;
	/* no __crc_ symbol was passed on: nothing to take back */
	if (!ms->sec[MT_MSYM_KSYMTAB_STRINGS].index) {
		w->n_exports = -ENOENT;
		return 0;
	}
	return exports_from_ksymtab_strings(ms, w);
}

int mt_msym_foreach_undefined(const struct mt_msym *ms, mt_msym_fn fn, void *data)
{
	struct mt_msym_walk w = { .undefined_fn = fn, .data = data };
	int err;

	if (!ms->sec[MT_MSYM_SYMTAB].index)
		return -ENOENT;
	err = mt_msym_walk(ms, &w);
	return err ? err : w.n_undefined;
}

/* ---- every symbol ------------------------------------------------------- */

int mt_msym_foreach_symbol(const struct mt_msym *ms, mt_msym_symbol_fn fn, void *data)
{
	const uint8_t *e = ms->sec[MT_MSYM_SYMTAB].data;
	uint64_t n = symbol_count(ms);
	size_t entsize = sym_entsize(ms);
	struct symbol_view v;
	int err;

	if (!ms->sec[MT_MSYM_SYMTAB].index)
		return -ENOENT;
	for (uint64_t i = 1; i < n; i++) {
		struct mt_msym_symbol sym;

		if (!read_symbol(ms, e + i * entsize, &v) || !v.name[0])
			continue;
		sym = (struct mt_msym_symbol){ v.name, v.value, v.shndx, v.bind };
		err = fn(data, &sym);
		if (err)
			return err;
	}
	return 0;
}

const uint8_t *mt_msym_symbol_data(const struct mt_msym *ms, const struct mt_msym_symbol *sym,
				   size_t len, const char **section)
{
	struct mt_elf_section s;
	const char *why;

	if (sym->shndx == SHN_UNDEF || sym->shndx >= SHN_LORESERVE ||
	    mt_elf_section(ms->elf, sym->shndx, &s, &why) < 0)
		return NULL;
	if (section)
		*section = s.name;
	if (!s.data || !mt_in_bounds(sym->value, len, s.size))
		return NULL;
	if (ms->load && ms->load(ms->load_data, &s) != 0)
		return NULL;
	return s.data + sym->value;
}

/* ---- the public lists --------------------------------------------------- */

struct modtool_symbols {
	size_t n, cap;
	struct modtool_symbol_entry {
		char *name;
		uint64_t crc;
		int bind;
	} *e;
};

static int bind_letter(uint8_t bind)
{
	switch (bind) {
	case STB_LOCAL:
		return MODTOOL_SYMBOL_LOCAL;
	case STB_GLOBAL:
		return MODTOOL_SYMBOL_GLOBAL;
	case STB_WEAK:
		return MODTOOL_SYMBOL_WEAK;
	default:
		return MODTOOL_SYMBOL_UNDEF;
	}
}

static int list_append(void *data, const struct mt_msym_entry *e)
{
	struct modtool_symbols *list = data;

	void *p = mt_grow(list->e, &list->cap, list->n + 1, sizeof(list->e[0]));

	if (!p)
		return -ENOMEM;
	list->e = p;
	list->e[list->n].name = strndup(e->name, e->len);
	if (!list->e[list->n].name)
		return -ENOMEM;
	list->e[list->n].crc = e->crc;
	list->e[list->n].bind = bind_letter(e->bind);
	list->n++;
	return 0;
}

enum list_kind { LIST_VERSIONS, LIST_EXPORTS, LIST_DEPENDENCIES };

static int walk(const struct mt_msym *ms, enum list_kind kind, struct modtool_symbols *list)
{
	switch (kind) {
	case LIST_VERSIONS:
		return mt_msym_foreach_version(ms, list_append, list);
	case LIST_EXPORTS:
		return mt_msym_foreach_export(ms, list_append, list);
	default:
		return mt_msym_foreach_undefined(ms, list_append, list);
	}
}

static int module_symbols(struct modtool_module *mod, enum list_kind kind,
			  struct modtool_symbols **listp)
{
	struct mt_file *file;
	struct modtool_symbols *list;
	struct mt_msym ms;
	struct mt_elf elf;
	const char *why = NULL;
	int err;

	if (!mod || !listp)
		return -EINVAL;
	*listp = NULL;
	if (!modtool_module_get_path(mod))
		return -ENOENT;
	err = mt_module_file(mod, &file);
	if (err < 0)
		return err;	/* logged by the file's loader */
	err = mt_elf_init(&elf, file->data, file->size, &why);
	if (err == 0)
		err = mt_msym_init(&ms, &elf, &why);
	if (err < 0) {
		mt_err(mt_module_ctx(mod), "%s: %s\n", modtool_module_get_path(mod),
		       why ? why : "not an ELF file");
		return err;
	}
	list = calloc(1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	err = walk(&ms, kind, list);
	if (err < 0) {
		modtool_symbols_free(list);
		return err;
	}
	*listp = list;
	return (int)list->n;
}

MT_EXPORT int modtool_module_get_versions(struct modtool_module *mod,
					  struct modtool_symbols **list)
{
	return module_symbols(mod, LIST_VERSIONS, list);
}

MT_EXPORT int modtool_module_get_exports(struct modtool_module *mod,
					 struct modtool_symbols **list)
{
	return module_symbols(mod, LIST_EXPORTS, list);
}

MT_EXPORT int modtool_module_get_dependency_symbols(struct modtool_module *mod,
						    struct modtool_symbols **list)
{
	return module_symbols(mod, LIST_DEPENDENCIES, list);
}

MT_EXPORT size_t modtool_symbols_count(const struct modtool_symbols *list)
{
	return list ? list->n : 0;
}

MT_EXPORT const char *modtool_symbols_get_name(const struct modtool_symbols *list, size_t i)
{
	return list && i < list->n ? list->e[i].name : NULL;
}

MT_EXPORT uint64_t modtool_symbols_get_crc(const struct modtool_symbols *list, size_t i)
{
	return list && i < list->n ? list->e[i].crc : 0;
}

MT_EXPORT int modtool_symbols_get_bind(const struct modtool_symbols *list, size_t i)
{
	return list && i < list->n ? list->e[i].bind : MODTOOL_SYMBOL_NONE;
}

MT_EXPORT void modtool_symbols_free(struct modtool_symbols *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->n; i++)
		free(list->e[i].name);
	free(list->e);
	free(list);
}
