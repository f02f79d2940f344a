/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ELF32/ELF64, little and big endian, read in place.  Every offset, size and
 * string index taken from the file is checked against the file before use.
 */
#ifndef MODTOOL_ELF_READER_H
#define MODTOOL_ELF_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct mt_elf {
	const uint8_t *data;
	size_t size;
	bool is64;
	bool big_endian;
	uint16_t machine;
	uint64_t shoff;
	uint32_t shnum;
	uint16_t shentsize;
	const char *shstrtab;	/* section name table, bounds-checked */
	uint64_t shstrtab_size;
};

struct mt_elf_section {
	uint32_t index;
	const char *name;	/* "" when the name is out of range */
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	const uint8_t *data;	/* NULL for SHT_NOBITS */
	uint64_t size;
	uint32_t link;
	uint32_t info;
	uint64_t entsize;
};

/* Check the header and section table; on failure *why says what is wrong. */
int mt_elf_init(struct mt_elf *elf, const void *data, size_t size, const char **why);

/* Section @index (1..shnum-1); -EBADMSG with *why when it lies outside the file. */
int mt_elf_section(const struct mt_elf *elf, uint32_t index, struct mt_elf_section *sec,
		   const char **why);

/*
 * Find the sections named in @names in one pass over the section table.
 * Each found one is filled into @secs (same order); a missing one gets
 * index 0.  Returns how many were found, or -EBADMSG (with *why) when a
 * wanted section lies outside the file.
 */
int mt_elf_find_sections(const struct mt_elf *elf, const char *const *names, size_t n,
			 struct mt_elf_section *secs, const char **why);
/* One section by name: 0, -ENOENT or -EBADMSG. */
int mt_elf_find_section(const struct mt_elf *elf, const char *name, struct mt_elf_section *sec,
			const char **why);

uint16_t mt_elf_u16(const struct mt_elf *elf, const uint8_t *p);
uint32_t mt_elf_u32(const struct mt_elf *elf, const uint8_t *p);
uint64_t mt_elf_u64(const struct mt_elf *elf, const uint8_t *p);

#endif
