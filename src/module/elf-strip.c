// SPDX-License-Identifier: LGPL-2.1-or-later
/* Stripping what a forced load must not have the kernel check (elf-strip.h). */
#include <elf.h>

#include "base/internal.h"
#include "module/elf-reader.h"
#include "module/elf-strip.h"

/* sh_flags sits at the same offset in both classes; SHF_ALLOC in its low byte. */
static void clear_alloc_flag(const struct mt_elf *elf, uint8_t *image, uint32_t index)
{
	size_t width = elf->is64 ? sizeof(Elf64_Xword) : sizeof(Elf32_Word);
	uint8_t *flags = image + elf->shoff + (uint64_t)index * elf->shentsize +
			 offsetof(Elf64_Shdr, sh_flags);

	flags[elf->big_endian ? width - 1 : 0] &= (uint8_t)~SHF_ALLOC;
}

static void blank_vermagic(uint8_t *modinfo, uint64_t size)
{
	static const char key[] = "vermagic=";

	for (uint64_t i = 0; i < size;) {
		uint64_t len = strnlen((const char *)modinfo + i, size - i);

		if (len >= sizeof(key) - 1 && memcmp(modinfo + i, key, sizeof(key) - 1) == 0)
			memset(modinfo + i, 0, len);
		i += len + 1;
	}
}

int mt_elf_strip_for_force(uint8_t *image, size_t size, bool modversions, bool vermagic)
{
	struct mt_elf elf;
	struct mt_elf_section sec;
	const char *why;

	if (mt_elf_init(&elf, image, size, &why) < 0)
		return -ENOEXEC;
	if (modversions && mt_elf_find_section(&elf, "__versions", &sec, &why) == 0)
		clear_alloc_flag(&elf, image, sec.index);
	if (vermagic && mt_elf_find_section(&elf, ".modinfo", &sec, &why) == 0 && sec.data)
		blank_vermagic(image + (sec.data - elf.data), sec.size);
	return 0;
}
