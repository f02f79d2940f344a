// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A vmlinux's export tables (include/linux/export.h, kernel/module/main.c):
 *
 *	__ksymtab, __ksymtab_gpl	struct kernel_symbol, one per export:
 *					{ value, name, namespace }, 32-bit offsets
 *					from each field (PREL32) or pointers
 *	__kcrctab, __kcrctab_gpl	u32 CRC of the export of the same index
 *					(CONFIG_MODVERSIONS only)
 *	__ksymtab_strings		the names and namespaces, NUL-terminated
 *
 * The kernel finds a module's symbol by the entry's name and takes the CRC
 * of the same index; a namespace offset of 0 or an empty string is none.
 */
#include <elf.h>
#include <stdio.h>

#include "base/internal.h"
#include "image/exports.h"
#include "module/elf-reader.h"

enum export_section {
	SEC_KSYMTAB,
	SEC_KSYMTAB_GPL,
	SEC_KCRCTAB,
	SEC_KCRCTAB_GPL,
	SEC_STRINGS,
	SEC_COUNT,
};

static const char *const export_section_names[SEC_COUNT] = {
	"__ksymtab", "__ksymtab_gpl", "__kcrctab", "__kcrctab_gpl", "__ksymtab_strings",
};

/* How struct kernel_symbol is laid out in this image. */
enum entry_layout {
	LAYOUT_PREL32,		/* three s32 offsets, each from its own field */
	LAYOUT_ABSOLUTE,	/* three pointers of the ELF's word size */
};

struct export_tables {
	const struct mt_elf *elf;
	struct mt_elf_section sec[SEC_COUNT];
	enum entry_layout layout;
	size_t entsize;
};

/* The string at load address @addr, inside __ksymtab_strings and NUL-terminated, or NULL. */
static const char *string_at(const struct export_tables *t, uint64_t addr)
{
	const struct mt_elf_section *s = &t->sec[SEC_STRINGS];
	uint64_t off;

	if (addr < s->addr || addr - s->addr >= s->size || !s->data)
		return NULL;
	off = addr - s->addr;
	if (!memchr(s->data + off, 0, s->size - off))
		return NULL;
	return (const char *)s->data + off;
}

/* The address field @field (0 value, 1 name, 2 namespace) of entry @i points at. */
static uint64_t field_target(const struct export_tables *t, const struct mt_elf_section *tab,
			     uint64_t i, unsigned field, bool *none)
{
	const uint8_t *p;
	uint64_t at;

	if (t->layout == LAYOUT_PREL32) {
		int32_t off;

		at = i * t->entsize + field * 4;
		p = tab->data + at;
		off = (int32_t)mt_elf_u32(t->elf, p);
		*none = off == 0;
		return tab->addr + at + (uint64_t)(int64_t)off;
	}
	at = i * t->entsize + field * (t->entsize / 3);
	p = tab->data + at;
	at = t->elf->is64 ? mt_elf_u64(t->elf, p) : mt_elf_u32(t->elf, p);
	*none = at == 0;
	return at;
}

/* Do the names of the first few entries of every table lie in the strings under @layout? */
static bool layout_fits(struct export_tables *t, enum entry_layout layout)
{
	t->layout = layout;
	t->entsize = layout == LAYOUT_PREL32 ? 12 : (t->elf->is64 ? 24 : 12);
	for (int s = SEC_KSYMTAB; s <= SEC_KSYMTAB_GPL; s++) {
		const struct mt_elf_section *tab = &t->sec[s];
		uint64_t n;

		if (!tab->index)
			continue;
		if (!tab->data || tab->size % t->entsize)
			return false;
		n = tab->size / t->entsize;
		for (uint64_t i = 0; i < n && i < 8; i++) {
			bool none;

			if (!string_at(t, field_target(t, tab, i, 1, &none)) || none)
				return false;
		}
	}
	return true;
}

static int walk_table(const struct export_tables *t, int tab_id, int crc_id,
		      mt_kernel_export_fn fn, void *data, const char **why)
{
	const struct mt_elf_section *tab = &t->sec[tab_id], *crcs = &t->sec[crc_id];
	uint64_t n = tab->index ? tab->size / t->entsize : 0;
	int err;

	if (crcs->index && (!crcs->data || crcs->size != n * 4)) {
		*why = tab_id == SEC_KSYMTAB ? "__kcrctab does not match __ksymtab (one CRC an export)"
					     : "__kcrctab_gpl does not match __ksymtab_gpl";
		return -EBADMSG;
	}
	for (uint64_t i = 0; i < n; i++) {
		struct mt_kernel_export e = { .gpl_only = tab_id == SEC_KSYMTAB_GPL };
		bool none;
		uint64_t ns;

		e.name = string_at(t, field_target(t, tab, i, 1, &none));
		if (!e.name || none || !e.name[0]) {
			*why = "an export's name lies outside __ksymtab_strings";
			return -EBADMSG;
		}
		ns = field_target(t, tab, i, 2, &none);
		if (!none) {
			e.ns = string_at(t, ns);
			if (!e.ns) {
				*why = "an export's namespace lies outside __ksymtab_strings";
				return -EBADMSG;
			}
			if (!e.ns[0])
				e.ns = NULL;
		}
		if (crcs->index) {
			e.crc = mt_elf_u32(t->elf, crcs->data + i * 4);
			e.has_crc = true;
		}
		err = fn(data, &e);
		if (err)
			return err;
	}
	return 0;
}

int mt_vmlinux_exports(const uint8_t *image, size_t size, mt_kernel_export_fn fn, void *data,
		       const char **why)
{
	struct export_tables t = { 0 };
	struct mt_elf elf;
	int err;

	if (size < 4 || memcmp(image, "\177ELF", 4) != 0) {
		*why = "not an ELF file";
		return -ENOEXEC;
	}
	if (mt_elf_init(&elf, image, size, why) < 0)
		return -EBADMSG;
	t.elf = &elf;
	if (mt_elf_find_sections(&elf, export_section_names, SEC_COUNT, t.sec, why) < 0)
		return -EBADMSG;
	if (!t.sec[SEC_KSYMTAB].index && !t.sec[SEC_KSYMTAB_GPL].index) {
		*why = "no export tables (__ksymtab): a kernel without module support";
		return -ENODATA;
	}
	if (!t.sec[SEC_STRINGS].index || !t.sec[SEC_STRINGS].data) {
		*why = "export tables without their names (__ksymtab_strings)";
		return -EBADMSG;
	}
	if (!layout_fits(&t, LAYOUT_PREL32) && !layout_fits(&t, LAYOUT_ABSOLUTE)) {
		*why = "the export tables' entries point outside __ksymtab_strings";
		return -EBADMSG;
	}
	err = walk_table(&t, SEC_KSYMTAB, SEC_KCRCTAB, fn, data, why);
	if (err)
		return err;
	err = walk_table(&t, SEC_KSYMTAB_GPL, SEC_KCRCTAB_GPL, fn, data, why);
	if (err)
		return err;
	return (int)((t.sec[SEC_KSYMTAB].size + t.sec[SEC_KSYMTAB_GPL].size) / t.entsize);
}

/* ---- the banner and the version magic -------------------------------- */

static int rodata(const uint8_t *image, size_t size, struct mt_elf *elf,
		  struct mt_elf_section *sec)
{
	const char *why;

	if (size < 4 || memcmp(image, "\177ELF", 4) != 0 || mt_elf_init(elf, image, size, &why) < 0)
		return -ENOEXEC;
	if (mt_elf_find_section(elf, ".rodata", sec, &why) < 0 || !sec->data)
		return -ENODATA;
	return 0;
}

#define BANNER "Linux version "

int mt_vmlinux_release(const uint8_t *image, size_t size, char *out, size_t outsize)
{
	struct mt_elf elf;
	struct mt_elf_section sec;
	const uint8_t *p;
	size_t n = 0, left;
	int err;

	err = rodata(image, size, &elf, &sec);
	if (err < 0)
		return err;
	p = memmem(sec.data, sec.size, BANNER, strlen(BANNER));
	if (!p || outsize == 0)
		return -ENODATA;
	p += strlen(BANNER);
	left = sec.size - (size_t)(p - sec.data);
	while (n < left && n + 1 < outsize && p[n] > ' ' && p[n] < 0x7f) {
		out[n] = (char)p[n];
		n++;
	}
	out[n] = '\0';
	return n ? 0 : -ENODATA;
}

/* Words, digits, '_' and spaces: what VERMAGIC_STRING is made of after the release ("SMP preempt"). */
static bool vermagic_flags(const uint8_t *p, size_t avail, size_t *len)
{
	size_t n = 0;

	while (n < avail && p[n] && ((p[n] >= 'a' && p[n] <= 'z') || (p[n] >= 'A' && p[n] <= 'Z') || (p[n] >= '0' && p[n] <= '9') ||
				     p[n] == '_' || p[n] == ' ' || p[n] == '-' || p[n] == '.'))
		n++;
	*len = n;
	return n < avail && p[n] == '\0';
}

int mt_vmlinux_vermagic(const uint8_t *image, size_t size, const char *release,
			const char **vermagic, size_t *len)
{
	char own[128], want[160];
	struct mt_elf elf;
	struct mt_elf_section sec;
	const uint8_t *p, *end;
	size_t wlen;
	int err;

	err = rodata(image, size, &elf, &sec);
	if (err < 0)
		return err;
	if (!release || !release[0]) {
		if (mt_vmlinux_release(image, size, own, sizeof(own)) < 0)
			return -ENODATA;
		release = own;
	}
	/* the string starts a string: a NUL (or the section) before it, its release then a space */
	wlen = (size_t)snprintf(want, sizeof(want), "%s ", release);
	if (wlen >= sizeof(want))
		return -ENODATA;
	p = sec.data;
	end = sec.data + sec.size;
	while ((p = memmem(p, (size_t)(end - p), want, wlen)) != NULL) {
		size_t flags_len;

		if ((p == sec.data || p[-1] == '\0') &&
		    vermagic_flags(p + wlen, (size_t)(end - p) - wlen, &flags_len)) {
			*vermagic = (const char *)p;
			*len = wlen + flags_len;
			return 0;
		}
		p++;
	}
	return -ENODATA;
}
