// SPDX-License-Identifier: LGPL-2.1-or-later
/* Bounds-checked ELF reading, both classes, both byte orders. */
#include <elf.h>

#include "base/internal.h"
#include "module/elf-reader.h"

uint16_t mt_elf_u16(const struct mt_elf *elf, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return elf->big_endian ? be16toh(v) : le16toh(v);
}

uint32_t mt_elf_u32(const struct mt_elf *elf, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return elf->big_endian ? be32toh(v) : le32toh(v);
}

uint64_t mt_elf_u64(const struct mt_elf *elf, const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));
	return elf->big_endian ? be64toh(v) : le64toh(v);
}

/* A field of the header or of a section header, at its class's offset. */
#define FIELD(elf, p, type, member) \
	((elf)->is64 ? read_field(elf, (p) + offsetof(Elf64_##type, member), \
				  sizeof(((Elf64_##type *)0)->member)) \
		     : read_field(elf, (p) + offsetof(Elf32_##type, member), \
				  sizeof(((Elf32_##type *)0)->member)))

static uint64_t read_field(const struct mt_elf *elf, const uint8_t *p, size_t size)
{
	switch (size) {
	case 2:
		return mt_elf_u16(elf, p);
	case 4:
		return mt_elf_u32(elf, p);
	default:
		return mt_elf_u64(elf, p);
	}
}

static const uint8_t *section_header(const struct mt_elf *elf, uint32_t index)
{
	return elf->data + elf->shoff + (uint64_t)index * elf->shentsize;
}

static int check_ident(struct mt_elf *elf, const char **why)
{
	const uint8_t *id = elf->data;

	if (elf->size < EI_NIDENT || memcmp(id, ELFMAG, SELFMAG) != 0) {
		*why = "not an ELF file";
		return -ENOEXEC;
	}
	if (id[EI_CLASS] != ELFCLASS32 && id[EI_CLASS] != ELFCLASS64) {
		*why = "unknown ELF class";
		return -ENOEXEC;
	}
	if (id[EI_DATA] != ELFDATA2LSB && id[EI_DATA] != ELFDATA2MSB) {
		*why = "unknown ELF byte order";
		return -ENOEXEC;
	}
	elf->is64 = id[EI_CLASS] == ELFCLASS64;
	elf->big_endian = id[EI_DATA] == ELFDATA2MSB;
	if (elf->size < (elf->is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr))) {
		*why = "truncated ELF header";
		return -ENOEXEC;
	}
	return 0;
}

/* Section count and name table index may live in section 0 (extended numbering). */
static int read_section_table(struct mt_elf *elf, uint32_t *shstrndx, const char **why)
{
	const uint8_t *h = elf->data;
	size_t min_entsize = elf->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);

	elf->shoff = FIELD(elf, h, Ehdr, e_shoff);
	elf->shentsize = FIELD(elf, h, Ehdr, e_shentsize);
	elf->shnum = FIELD(elf, h, Ehdr, e_shnum);
	*shstrndx = FIELD(elf, h, Ehdr, e_shstrndx);
	if (elf->shoff == 0) {
		*why = "no section table";
		return -ENOEXEC;
	}
	if (elf->shentsize < min_entsize) {
		*why = "section header size too small";
		return -ENOEXEC;
	}
	if (!mt_in_bounds(elf->shoff, elf->shentsize, elf->size)) {
		*why = "section table lies outside the file";
		return -ENOEXEC;
	}
	if (elf->shnum == 0)
		elf->shnum = FIELD(elf, section_header(elf, 0), Shdr, sh_size) > UINT32_MAX ?
			0 : (uint32_t)FIELD(elf, section_header(elf, 0), Shdr, sh_size);
	if (*shstrndx == SHN_XINDEX)
		*shstrndx = FIELD(elf, section_header(elf, 0), Shdr, sh_link);
	if (elf->shnum == 0 ||
	    !mt_in_bounds(elf->shoff, (uint64_t)elf->shnum * elf->shentsize, elf->size)) {
		*why = "section table lies outside the file";
		return -ENOEXEC;
	}
	return 0;
}

int mt_elf_init(struct mt_elf *elf, const void *data, size_t size, const char **why)
{
	struct mt_elf_section names;
	uint32_t shstrndx;
	int err;

	memset(elf, 0, sizeof(*elf));
	elf->data = data;
	elf->size = size;
	err = check_ident(elf, why);
	if (err < 0)
		return err;
	elf->machine = FIELD(elf, elf->data, Ehdr, e_machine);
	err = read_section_table(elf, &shstrndx, why);
	if (err < 0)
		return err;
	if (shstrndx == SHN_UNDEF || shstrndx >= elf->shnum) {
		*why = "section name table index out of range";
		return -ENOEXEC;
	}
	err = mt_elf_section(elf, shstrndx, &names, why);
	if (err < 0)
		return -ENOEXEC;
	if (!names.data || names.size == 0 || names.data[names.size - 1] != '\0') {
		*why = "section name table is empty or not terminated";
		return -ENOEXEC;
	}
	elf->shstrtab = (const char *)names.data;
	elf->shstrtab_size = names.size;
	return 0;
}

int mt_elf_section(const struct mt_elf *elf, uint32_t index, struct mt_elf_section *sec,
		   const char **why)
{
	const uint8_t *h;
	uint64_t off, name;

	if (index == 0 || index >= elf->shnum) {
		*why = "section index out of range";
		return -EBADMSG;
	}
	h = section_header(elf, index);
	sec->index = index;
	sec->type = FIELD(elf, h, Shdr, sh_type);
	sec->flags = FIELD(elf, h, Shdr, sh_flags);
	sec->addr = FIELD(elf, h, Shdr, sh_addr);
	sec->size = FIELD(elf, h, Shdr, sh_size);
	sec->link = FIELD(elf, h, Shdr, sh_link);
	sec->info = FIELD(elf, h, Shdr, sh_info);
	sec->entsize = FIELD(elf, h, Shdr, sh_entsize);
	off = FIELD(elf, h, Shdr, sh_offset);
	name = FIELD(elf, h, Shdr, sh_name);
	sec->name = elf->shstrtab && name < elf->shstrtab_size ? elf->shstrtab + name : "";
	if (sec->type == SHT_NOBITS) {
		sec->data = NULL;
		return 0;
	}
	if (!mt_in_bounds(off, sec->size, elf->size)) {
		*why = "section lies outside the file";
		return -EBADMSG;
	}
	sec->data = elf->data + off;
	return 0;
}

static uint64_t section_name_offset(const struct mt_elf *elf, uint32_t index)
{
	return FIELD(elf, section_header(elf, index), Shdr, sh_name);
}

int mt_elf_find_sections(const struct mt_elf *elf, const char *const *names, size_t n,
			 struct mt_elf_section *secs, const char **why)
{
	size_t found = 0;

	for (size_t j = 0; j < n; j++)
		secs[j].index = 0;
	for (uint32_t i = 1; i < elf->shnum && found < n; i++) {
		uint64_t off = section_name_offset(elf, i);
		const char *name;

		if (off >= elf->shstrtab_size)
			continue;
		name = elf->shstrtab + off;
		for (size_t j = 0; j < n; j++) {
			if (secs[j].index || !mt_streq(name, names[j]))
				continue;
			if (mt_elf_section(elf, i, &secs[j], why) < 0)
				return -EBADMSG;
			found++;
			break;
		}
	}
	return found;
}

int mt_elf_find_section(const struct mt_elf *elf, const char *name, struct mt_elf_section *sec,
			const char **why)
{
	int n = mt_elf_find_sections(elf, &name, 1, sec, why);

	return n < 0 ? n : n == 0 ? -ENOENT : 0;
}
