/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A module's symbols, read in place from its ELF image: the symbols it
 * exports (with their CRCs), the symbols it needs (undefined ones, with the
 * CRC its __versions table expects) and the __versions table itself.  Used
 * by depmod (modules.symbols, dependencies, -e checks) and by modprobe
 * (--show-exports, --show-modversions) through the public lists.
 *
 * Nothing is copied: names point into the image, so they live as long as it.
 * Every offset and size from the file is checked; a malformed table yields
 * fewer entries, never a read outside the image.
 */
#ifndef MODTOOL_MODULE_SYMBOLS_H
#define MODTOOL_MODULE_SYMBOLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "module/elf-reader.h"

/*
 * A hash of a symbol name from three 8-byte loads: tables compare names whole
 * on a hit, so it only has to spread them, and it runs for every symbol of
 * every module.
 */
static inline uint32_t mt_symbol_hash(const char *s, size_t len)
{
	uint64_t a = 0, b = 0, c = 0, h;

	if (len >= 8) {
		__builtin_memcpy(&a, s, 8);
		__builtin_memcpy(&b, s + len - 8, 8);
		if (len >= 16)
			__builtin_memcpy(&c, s + len / 2 - 4, 8);
	} else {
		__builtin_memcpy(&a, s, len);
	}
	h = (a ^ len) * 0x9e3779b97f4a7c15ull;
	h ^= (b + (h >> 29)) * 0xc2b2ae3d27d4eb4full;
	h ^= (c + (h >> 31)) * 0x165667b19e3779f9ull;
	return (uint32_t)(h >> 32) ^ (uint32_t)h;
}

/* The sections symbols come from, in the order of mt_msym_section_names. */
enum mt_msym_section {
	MT_MSYM_SYMTAB,
	MT_MSYM_KSYMTAB_STRINGS,
	MT_MSYM_VERSIONS,
	MT_MSYM_COUNT,
};
extern const char *const mt_msym_section_names[MT_MSYM_COUNT];

/*
 * A reader that holds only part of the file in memory (depmod reads the
 * sections it needs with pread) sets @load after mt_msym_init*() (which
 * clears it): it is called for any other section before its data is read
 * (the CRC words __crc_ symbols point at), and a non-zero return makes that
 * data count as absent.
 */
typedef int (*mt_msym_load_fn)(void *data, const struct mt_elf_section *sec);

struct mt_msym {
	const struct mt_elf *elf;
	struct mt_elf_section sec[MT_MSYM_COUNT];	/* index 0: the module has none */
	struct mt_elf_section strtab;			/* .symtab's names (its sh_link) */
	mt_msym_load_fn load;				/* NULL: the whole file is there */
	void *load_data;
};

/* Find the sections in one pass over the section table; -EBADMSG with *why. */
int mt_msym_init(struct mt_msym *ms, const struct mt_elf *elf, const char **why);
/*
 * The same from sections the caller has found already (in its own pass, in
 * mt_msym_section_names order; index 0 for a missing one).
 */
int mt_msym_init_from(struct mt_msym *ms, const struct mt_elf *elf,
		      const struct mt_elf_section *secs, const char **why);

/* One symbol.  @name is not always NUL-terminated: use @len. */
struct mt_msym_entry {
	const char *name;
	size_t len;
	uint64_t crc;		/* 0 when unknown; UINT64_MAX: a __crc_ out of range */
	uint8_t bind;		/* STB_LOCAL, STB_GLOBAL, STB_WEAK, ...; STB_GLOBAL if n/a */
};

/*
 * The binding of a needed symbol that is not weak: an undefined .symtab
 * symbol, or a __versions entry no symbol refers to (kmod's 'U' for both).
 */
#define MT_MSYM_BIND_UNDEF 0xff

/* Called per entry; a non-zero return stops the walk and is returned. */
typedef int (*mt_msym_fn)(void *data, const struct mt_msym_entry *e);

/*
 * One pass over .symtab for both kinds: @export_fn gets the __crc_NAME
 * symbols (NAME and its CRC), @undefined_fn the undefined symbols with the
 * CRC __versions expects, then the __versions entries no symbol referred to
 * (kmod counts them as needed, e.g. module_layout).  An undefined symbol's bind is
 * STB_WEAK or MT_MSYM_BIND_UNDEF, as kmod tells them apart.
 * Either callback may be NULL.  When no __crc_ symbol is found and @export_fn
 * is set, the names of __ksymtab_strings follow (CRC 0).  Counts are left in
 * @n_exports (-ENOENT: neither source exists) and @n_undefined.  Returns 0,
 * -ENOMEM or a callback's non-zero return.
 */
struct mt_msym_walk {
	mt_msym_fn export_fn;
	mt_msym_fn undefined_fn;
	void *data;
	int n_exports, n_undefined;
};
int mt_msym_walk(const struct mt_msym *ms, struct mt_msym_walk *w);

/*
 * Exported symbols as kmod reads them: the __crc_NAME symbols of .symtab
 * (CRC from the symbol's value or the word it points at), or when there are
 * none the names of __ksymtab_strings (CRC 0).  Returns the count, -ENOENT
 * when the module has neither source (kmod's answer), or @fn's return.
 */
int mt_msym_foreach_export(const struct mt_msym *ms, mt_msym_fn fn, void *data);

/*
 * The symbols the module needs, as kmod's dependency symbols: undefined
 * symbols of .symtab in table order, with their binding and the CRC
 * __versions expects for them (0 if it lists none), then the __versions
 * entries none of them named.  Returns the count, -ENOENT without .symtab,
 * -ENOMEM, or @fn's return.
 */
int mt_msym_foreach_undefined(const struct mt_msym *ms, mt_msym_fn fn, void *data);

/*
 * The __versions table in file order (a leading '.' of a name dropped, as
 * kmod does for ppc64's function descriptors).  Returns the count, -ENOENT
 * without __versions, or @fn's return.
 */
int mt_msym_foreach_version(const struct mt_msym *ms, mt_msym_fn fn, void *data);

/*
 * __versions indexed for looking up many names: built once, then
 * mt_msym_versions_crc() per name (0: not listed).  Free with
 * mt_msym_versions_free().
 */
struct mt_msym_versions;
int mt_msym_versions_new(const struct mt_msym *ms, struct mt_msym_versions **v);
uint64_t mt_msym_versions_crc(const struct mt_msym_versions *v, const char *name, size_t len);
void mt_msym_versions_free(struct mt_msym_versions *v);

/* One .symtab symbol as it is (check/ reads exports, namespaces, init and exit from them). */
struct mt_msym_symbol {
	const char *name;	/* NUL-terminated, never empty */
	uint64_t value;
	uint32_t shndx;
	uint8_t bind;
};
typedef int (*mt_msym_symbol_fn)(void *data, const struct mt_msym_symbol *sym);
/* Every named symbol of .symtab in order: 0, -ENOENT without .symtab, or @fn's non-zero return. */
int mt_msym_foreach_symbol(const struct mt_msym *ms, mt_msym_symbol_fn fn, void *data);
/*
 * The @len bytes at a defined symbol (its section's data from its value) and
 * that section's name in *@section (may be NULL): NULL when the symbol is
 * undefined or absolute or the bytes lie outside its section.
 */
const uint8_t *mt_msym_symbol_data(const struct mt_msym *ms, const struct mt_msym_symbol *sym,
				   size_t len, const char **section);

#endif
