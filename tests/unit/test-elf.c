// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The ELF reader on images built here: both classes, both byte orders, then
 * every header field made to lie, every truncation and random byte flips.
 * Images are allocated at their exact size so that ASan or valgrind catch a
 * read one byte past the end.
 */
#include <elf.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "module/elf-reader.h"
#include "module/elf-strip.h"

/* ---- an ELF image builder -------------------------------------------- */

struct sec_spec {
	const char *name;
	uint32_t type;
	uint64_t flags;
	uint64_t addr;
	uint32_t link;
	uint32_t info;
	uint64_t entsize;
	const void *data;
	uint64_t size;		/* for SHT_NOBITS only sh_size, nothing written */
};

enum {
	LAYOUT_TABLE_FIRST = 1 << 0,	/* section table right after the header */
	LAYOUT_PAD_ENTRIES = 1 << 1,	/* e_shentsize 8 bytes larger than needed */
	LAYOUT_ODD_SHOFF = 1 << 2,	/* section table at an unaligned offset */
};

#define MAX_SECTIONS 16

struct image {
	uint8_t *buf;
	size_t size;
	bool is64;
	bool be;
	uint64_t shoff;
	uint16_t shentsize;
	uint32_t shnum;		/* including section 0 and .shstrtab */
	uint32_t shstrndx;
	uint64_t data_off[MAX_SECTIONS];
	uint64_t name_off[MAX_SECTIONS];
	uint64_t shstrtab_size;
};

#define EH_OFF(img, m) ((img)->is64 ? offsetof(Elf64_Ehdr, m) : offsetof(Elf32_Ehdr, m))
#define EH_LEN(img, m) ((img)->is64 ? sizeof(((Elf64_Ehdr *)0)->m) : sizeof(((Elf32_Ehdr *)0)->m))
#define SH_OFF(img, m) ((img)->is64 ? offsetof(Elf64_Shdr, m) : offsetof(Elf32_Shdr, m))
#define SH_LEN(img, m) ((img)->is64 ? sizeof(((Elf64_Shdr *)0)->m) : sizeof(((Elf32_Shdr *)0)->m))

static void put(const struct image *img, uint64_t off, size_t len, uint64_t v)
{
	assert_true(off + len <= img->size);
	for (size_t i = 0; i < len; i++) {
		size_t shift = img->be ? (len - 1 - i) * 8 : i * 8;

		img->buf[off + i] = (uint8_t)(v >> shift);
	}
}

#define set_eh(img, m, v) put(img, EH_OFF(img, m), EH_LEN(img, m), v)
#define set_sh(img, idx, m, v) \
	put(img, (img)->shoff + (uint64_t)(idx) * (img)->shentsize + SH_OFF(img, m), \
	    SH_LEN(img, m), v)

static size_t ehdr_size(bool is64)
{
	return is64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr);
}

static size_t shdr_size(bool is64)
{
	return is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr);
}

static void write_header(struct image *img)
{
	memcpy(img->buf, ELFMAG, SELFMAG);
	img->buf[EI_CLASS] = img->is64 ? ELFCLASS64 : ELFCLASS32;
	img->buf[EI_DATA] = img->be ? ELFDATA2MSB : ELFDATA2LSB;
	img->buf[EI_VERSION] = EV_CURRENT;
	set_eh(img, e_type, ET_REL);
	set_eh(img, e_machine, 0x1234);
	set_eh(img, e_version, EV_CURRENT);
	set_eh(img, e_ehsize, ehdr_size(img->is64));
	set_eh(img, e_shoff, img->shoff);
	set_eh(img, e_shentsize, img->shentsize);
	set_eh(img, e_shnum, img->shnum);
	set_eh(img, e_shstrndx, img->shstrndx);
}

static void write_section(struct image *img, uint32_t i, const struct sec_spec *s)
{
	set_sh(img, i, sh_name, img->name_off[i]);
	set_sh(img, i, sh_type, s->type);
	set_sh(img, i, sh_flags, s->flags);
	set_sh(img, i, sh_addr, s->addr);
	set_sh(img, i, sh_offset, img->data_off[i]);
	set_sh(img, i, sh_size, s->size);
	set_sh(img, i, sh_link, s->link);
	set_sh(img, i, sh_info, s->info);
	set_sh(img, i, sh_entsize, s->entsize);
	if (s->type != SHT_NOBITS && s->size)
		memcpy(img->buf + img->data_off[i], s->data, s->size);
}

/*
 * Sections @specs become 1..n; section 0 is the null section and .shstrtab
 * is added last.  The image is malloc()ed at its exact size.
 */
static void build(struct image *img, bool is64, bool be, const struct sec_spec *specs, size_t n,
		  unsigned int layout)
{
	struct sec_spec all[MAX_SECTIONS] = { { 0 } };
	char names[512];
	size_t names_len = 1, data_len = 0, table_len, data_start;

	assert_true(n + 2 <= MAX_SECTIONS);
	memset(img, 0, sizeof(*img));
	img->is64 = is64;
	img->be = be;
	img->shnum = n + 2;
	img->shstrndx = n + 1;
	img->shentsize = shdr_size(is64) + (layout & LAYOUT_PAD_ENTRIES ? 8 : 0);
	if (n)
		memcpy(all + 1, specs, n * sizeof(*specs));
	all[n + 1] = (struct sec_spec){ .name = ".shstrtab", .type = SHT_STRTAB };
	names[0] = '\0';
	for (size_t i = 1; i <= n + 1; i++) {
		size_t len = strlen(all[i].name) + 1;

		assert_true(names_len + len <= sizeof(names));
		memcpy(names + names_len, all[i].name, len);
		img->name_off[i] = names_len;
		names_len += len;
	}
	all[n + 1].data = names;
	all[n + 1].size = names_len;
	img->shstrtab_size = names_len;

	table_len = (size_t)img->shnum * img->shentsize;
	data_start = ehdr_size(is64) + (layout & LAYOUT_ODD_SHOFF ? 1 : 0);
	if (layout & LAYOUT_TABLE_FIRST) {
		img->shoff = data_start;
		data_start += table_len;
	}
	for (size_t i = 1; i <= n + 1; i++) {
		img->data_off[i] = data_start + data_len;
		if (all[i].type != SHT_NOBITS)
			data_len += all[i].size;
	}
	if (!(layout & LAYOUT_TABLE_FIRST))
		img->shoff = data_start + data_len;
	img->size = data_start + data_len + (layout & LAYOUT_TABLE_FIRST ? 0 : table_len);
	img->buf = calloc(1, img->size);
	assert_non_null(img->buf);
	write_header(img);
	for (uint32_t i = 1; i <= n + 1; i++)
		write_section(img, i, &all[i]);
}

static void image_free(struct image *img)
{
	free(img->buf);
	img->buf = NULL;
}

/* ---- the standard test image ---------------------------------------- */

static const char text_bytes[] = { 0x90, 0x90, 0xc3 };
static const char modinfo_bytes[] = "license=GPL\0name=foo\0";

enum { IDX_TEXT = 1, IDX_MODINFO, IDX_BSS, IDX_EMPTY, IDX_SHSTRTAB };

static const struct sec_spec std_specs[] = {
	{ .name = ".text", .type = SHT_PROGBITS, .flags = SHF_ALLOC | SHF_EXECINSTR,
	  .addr = 0x11223344, .data = text_bytes, .size = sizeof(text_bytes) },
	{ .name = ".modinfo", .type = SHT_PROGBITS, .flags = SHF_ALLOC, .link = 7, .info = 9,
	  .entsize = 1, .data = modinfo_bytes, .size = sizeof(modinfo_bytes) },
	{ .name = ".bss", .type = SHT_NOBITS, .flags = SHF_ALLOC | SHF_WRITE, .size = 4096 },
	{ .name = ".empty", .type = SHT_PROGBITS },
};
#define STD_N (sizeof(std_specs) / sizeof(std_specs[0]))

struct variant {
	bool is64;
	bool be;
	const char *label;
};

static const struct variant variants[] = {
	{ false, false, "ELF32 LE" },
	{ false, true, "ELF32 BE" },
	{ true, false, "ELF64 LE" },
	{ true, true, "ELF64 BE" },
};
#define FOR_EACH_VARIANT(v) \
	for (const struct variant *v = variants; v < variants + 4; v++)

static void build_std(struct image *img, const struct variant *v, unsigned int layout)
{
	build(img, v->is64, v->be, std_specs, STD_N, layout);
}

/* mt_elf_init must fail with a reason; returns the error. */
static int init_fails(const struct image *img)
{
	struct mt_elf elf;
	const char *why = NULL;
	int err = mt_elf_init(&elf, img->buf, img->size, &why);

	assert_true(err < 0);
	assert_non_null(why);
	assert_true(strlen(why) > 0);
	return err;
}

static void init_ok(const struct image *img, struct mt_elf *elf)
{
	const char *why = NULL;
	int err = mt_elf_init(elf, img->buf, img->size, &why);

	if (err < 0)
		fail_msg("mt_elf_init: %d (%s)", err, why ? why : "no reason");
}

/* ---- valid images ---------------------------------------------------- */

static void check_section(const struct mt_elf *elf, uint32_t idx, const char *name,
			  uint32_t type, const void *data, uint64_t size)
{
	struct mt_elf_section sec;
	const char *why = NULL;

	assert_int_equal(mt_elf_section(elf, idx, &sec, &why), 0);
	assert_int_equal(sec.index, idx);
	assert_string_equal(sec.name, name);
	assert_int_equal(sec.type, type);
	assert_int_equal(sec.size, size);
	if (type == SHT_NOBITS) {
		assert_null(sec.data);
		return;
	}
	assert_non_null(sec.data);
	assert_true(sec.data >= elf->data && sec.data + sec.size <= elf->data + elf->size);
	if (data)
		assert_memory_equal(sec.data, data, size);
}

static void check_std_image(const struct image *img, const struct variant *v)
{
	struct mt_elf_section sec;
	struct mt_elf elf;
	const char *why = NULL;

	init_ok(img, &elf);
	assert_int_equal(elf.is64, v->is64);
	assert_int_equal(elf.big_endian, v->be);
	assert_int_equal(elf.machine, 0x1234);
	assert_int_equal(elf.shnum, STD_N + 2);
	check_section(&elf, IDX_TEXT, ".text", SHT_PROGBITS, text_bytes, sizeof(text_bytes));
	check_section(&elf, IDX_MODINFO, ".modinfo", SHT_PROGBITS, modinfo_bytes,
		      sizeof(modinfo_bytes));
	check_section(&elf, IDX_BSS, ".bss", SHT_NOBITS, NULL, 4096);
	check_section(&elf, IDX_EMPTY, ".empty", SHT_PROGBITS, NULL, 0);
	check_section(&elf, IDX_SHSTRTAB, ".shstrtab", SHT_STRTAB,
		      img->buf + img->data_off[IDX_SHSTRTAB], img->shstrtab_size);

	assert_int_equal(mt_elf_section(&elf, IDX_TEXT, &sec, &why), 0);
	assert_int_equal(sec.flags, SHF_ALLOC | SHF_EXECINSTR);
	assert_int_equal(sec.addr, 0x11223344);
	assert_int_equal(mt_elf_section(&elf, IDX_MODINFO, &sec, &why), 0);
	assert_int_equal(sec.link, 7);
	assert_int_equal(sec.info, 9);
	assert_int_equal(sec.entsize, 1);
}

static void test_valid_images(void **state)
{
	FOR_EACH_VARIANT(v) {
		struct image img;

		build_std(&img, v, 0);
		check_std_image(&img, v);
		image_free(&img);
	}
}

/* The table may come first, have padded entries, or sit at an odd offset. */
static void test_valid_layouts(void **state)
{
	static const unsigned int layouts[] = {
		LAYOUT_TABLE_FIRST, LAYOUT_PAD_ENTRIES, LAYOUT_ODD_SHOFF,
		LAYOUT_TABLE_FIRST | LAYOUT_PAD_ENTRIES | LAYOUT_ODD_SHOFF,
	};

	FOR_EACH_VARIANT(v) {
		for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++) {
			struct image img;

			build_std(&img, v, layouts[i]);
			check_std_image(&img, v);
			image_free(&img);
		}
	}
}

/* 64-bit fields of an ELF64 image keep all their bits. */
static void test_wide_fields(void **state)
{
	struct sec_spec specs[] = {
		{ .name = ".wide", .type = SHT_PROGBITS, .flags = 0x8000000000000001ull,
		  .addr = 0xffffffff80001000ull, .entsize = 0x100000000ull,
		  .data = "x", .size = 1 },
	};

	for (int be = 0; be < 2; be++) {
		struct mt_elf_section sec;
		struct image img;
		struct mt_elf elf;
		const char *why = NULL;

		build(&img, true, be, specs, 1, 0);
		init_ok(&img, &elf);
		assert_int_equal(mt_elf_section(&elf, 1, &sec, &why), 0);
		assert_true(sec.flags == 0x8000000000000001ull);
		assert_true(sec.addr == 0xffffffff80001000ull);
		assert_true(sec.entsize == 0x100000000ull);
		image_free(&img);
	}
}

static void test_section_index_range(void **state)
{
	FOR_EACH_VARIANT(v) {
		static const uint32_t bad[] = { 0, STD_N + 2, STD_N + 3, 0xffff, UINT32_MAX };
		struct mt_elf_section sec;
		struct image img;
		struct mt_elf elf;

		build_std(&img, v, 0);
		init_ok(&img, &elf);
		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			const char *why = NULL;

			assert_int_equal(mt_elf_section(&elf, bad[i], &sec, &why), -EBADMSG);
			assert_non_null(why);
		}
		image_free(&img);
	}
}

static void test_find_sections(void **state)
{
	static const char *const wanted[] = {
		".modinfo", ".missing", ".bss", ".text", ".shstrtab", ".mod", ".modinfox", "",
	};
	const size_t n = sizeof(wanted) / sizeof(wanted[0]);

	FOR_EACH_VARIANT(v) {
		struct mt_elf_section secs[sizeof(wanted) / sizeof(wanted[0])];
		struct mt_elf_section sec;
		struct image img;
		struct mt_elf elf;
		const char *why = NULL;

		build_std(&img, v, 0);
		init_ok(&img, &elf);
		/* stale indexes must be reset for the missing ones */
		memset(secs, 0x5a, sizeof(secs));
		assert_int_equal(mt_elf_find_sections(&elf, wanted, n, secs, &why), 4);
		assert_int_equal(secs[0].index, IDX_MODINFO);
		assert_memory_equal(secs[0].data, modinfo_bytes, sizeof(modinfo_bytes));
		assert_int_equal(secs[1].index, 0);
		assert_int_equal(secs[2].index, IDX_BSS);
		assert_null(secs[2].data);
		assert_int_equal(secs[3].index, IDX_TEXT);
		assert_int_equal(secs[4].index, IDX_SHSTRTAB);
		for (size_t i = 5; i < n; i++)
			assert_int_equal(secs[i].index, 0);

		assert_int_equal(mt_elf_find_sections(&elf, wanted, 0, secs, &why), 0);
		assert_int_equal(mt_elf_find_section(&elf, ".modinfo", &sec, &why), 0);
		assert_int_equal(sec.index, IDX_MODINFO);
		assert_string_equal(sec.name, ".modinfo");
		assert_int_equal(mt_elf_find_section(&elf, ".nope", &sec, &why), -ENOENT);
		assert_int_equal(mt_elf_find_section(&elf, ".modinf", &sec, &why), -ENOENT);
		image_free(&img);
	}
}

/* Two sections of one name: the first one is found. */
static void test_duplicate_names(void **state)
{
	struct sec_spec specs[] = {
		{ .name = ".modinfo", .type = SHT_PROGBITS, .data = "a=1", .size = 3 },
		{ .name = ".modinfo", .type = SHT_PROGBITS, .data = "b=22", .size = 4 },
	};

	FOR_EACH_VARIANT(v) {
		struct mt_elf_section sec;
		struct image img;
		struct mt_elf elf;
		const char *why = NULL;

		build(&img, v->is64, v->be, specs, 2, 0);
		init_ok(&img, &elf);
		assert_int_equal(mt_elf_find_section(&elf, ".modinfo", &sec, &why), 0);
		assert_int_equal(sec.index, 1);
		assert_int_equal(sec.size, 3);
		image_free(&img);
	}
}

static void test_byte_order_readers(void **state)
{
	static const uint8_t p[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	struct mt_elf le = { .big_endian = false }, be = { .big_endian = true };

	assert_int_equal(mt_elf_u16(&le, p), 0x0201);
	assert_int_equal(mt_elf_u16(&be, p), 0x0102);
	assert_int_equal(mt_elf_u32(&le, p), 0x04030201);
	assert_int_equal(mt_elf_u32(&be, p), 0x01020304);
	assert_true(mt_elf_u64(&le, p) == 0x0807060504030201ull);
	assert_true(mt_elf_u64(&be, p) == 0x0102030405060708ull);
	/* unaligned */
	assert_int_equal(mt_elf_u16(&be, p + 1), 0x0203);
	assert_int_equal(mt_elf_u32(&le, p + 3), 0x07060504);
}

/* ---- lies in the ELF identification and header ----------------------- */

static void test_too_short(void **state)
{
	struct mt_elf elf;
	const char *why = NULL;

	assert_int_equal(mt_elf_init(&elf, NULL, 0, &why), -ENOEXEC);
	assert_non_null(why);
	FOR_EACH_VARIANT(v) {
		struct image img;

		build_std(&img, v, 0);
		/* every length shorter than the ELF header, on an exact-size copy */
		for (size_t len = 0; len < ehdr_size(v->is64); len++) {
			uint8_t *copy = malloc(len ? len : 1);

			memcpy(copy, img.buf, len);
			why = NULL;
			assert_int_equal(mt_elf_init(&elf, copy, len, &why), -ENOEXEC);
			assert_non_null(why);
			free(copy);
		}
		image_free(&img);
	}
}

static void test_bad_ident(void **state)
{
	static const uint8_t bad_class[] = { ELFCLASSNONE, 3, 0x80, 0xff };
	static const uint8_t bad_data[] = { ELFDATANONE, 3, 0xff };

	FOR_EACH_VARIANT(v) {
		struct image img;

		build_std(&img, v, 0);
		for (int i = 0; i < SELFMAG; i++) {
			img.buf[i] ^= 0x20;
			assert_int_equal(init_fails(&img), -ENOEXEC);
			img.buf[i] ^= 0x20;
		}
		for (size_t i = 0; i < sizeof(bad_class); i++) {
			img.buf[EI_CLASS] = bad_class[i];
			assert_int_equal(init_fails(&img), -ENOEXEC);
		}
		img.buf[EI_CLASS] = v->is64 ? ELFCLASS64 : ELFCLASS32;
		for (size_t i = 0; i < sizeof(bad_data); i++) {
			img.buf[EI_DATA] = bad_data[i];
			assert_int_equal(init_fails(&img), -ENOEXEC);
		}
		image_free(&img);
	}
}

/* An ELF32 header that claims to be ELF64 is shorter than an Elf64_Ehdr. */
static void test_class_mismatch_short(void **state)
{
	struct image img;
	uint8_t *copy;

	build(&img, false, false, NULL, 0, 0);
	copy = malloc(sizeof(Elf32_Ehdr) + 4);
	memcpy(copy, img.buf, sizeof(Elf32_Ehdr) + 4);
	copy[EI_CLASS] = ELFCLASS64;
	{
		struct mt_elf elf;
		const char *why = NULL;

		assert_int_equal(mt_elf_init(&elf, copy, sizeof(Elf32_Ehdr) + 4, &why), -ENOEXEC);
		assert_non_null(why);
	}
	free(copy);
	image_free(&img);
}

static void test_shoff_lies(void **state)
{
	FOR_EACH_VARIANT(v) {
		uint64_t max = v->is64 ? UINT64_MAX : UINT32_MAX;
		struct image img;

		build_std(&img, v, 0);
		const uint64_t lies[] = {
			0,					/* no table */
			img.size,				/* at the end */
			img.size - img.shentsize + 1,		/* first entry cut */
			img.shoff + 1,				/* last entry cut */
			img.size + 4096,
			max,
			max - img.shentsize + 2,		/* shoff + shentsize wraps */
			max - (uint64_t)img.shnum * img.shentsize + 1,
			max / 2 + 1,
		};
		for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
			struct image copy = img;

			copy.buf = malloc(img.size);
			memcpy(copy.buf, img.buf, img.size);
			set_eh(&copy, e_shoff, lies[i]);
			assert_int_equal(init_fails(&copy), -ENOEXEC);
			free(copy.buf);
		}
		image_free(&img);
	}
}

static void test_shnum_lies(void **state)
{
	FOR_EACH_VARIANT(v) {
		struct image img;

		build_std(&img, v, 0);
		/* one more entry than the file holds, and the most a u16 says */
		set_eh(&img, e_shnum, img.shnum + 1);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		set_eh(&img, e_shnum, 0xffff);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		/* and with the largest entries too: 0xffff * 0xffff */
		set_eh(&img, e_shentsize, 0xffff);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		/* fewer sections than the name table index is fine only if in range */
		set_eh(&img, e_shentsize, img.shentsize);
		set_eh(&img, e_shnum, img.shstrndx);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		image_free(&img);
	}
}

static void test_shentsize_small(void **state)
{
	FOR_EACH_VARIANT(v) {
		const uint64_t sizes[] = { 0, 1, 4, shdr_size(v->is64) - 1 };
		struct image img;

		build_std(&img, v, 0);
		for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			set_eh(&img, e_shentsize, sizes[i]);
			assert_int_equal(init_fails(&img), -ENOEXEC);
		}
		image_free(&img);
	}
}

/*
 * Entries packed one byte closer than a section header: a reader that took
 * e_shentsize at its word would read the last header one byte past the end.
 */
static void test_shentsize_overlap(void **state)
{
	FOR_EACH_VARIANT(v) {
		size_t ent = shdr_size(v->is64);
		struct image img;
		uint8_t *copy;

		build(&img, v->is64, v->be, NULL, 0, 0);
		assert_int_equal(img.shnum, 2);
		assert_int_equal(img.shoff + 2 * ent, img.size);
		memmove(img.buf + img.shoff + ent - 1, img.buf + img.shoff + ent, ent - 1);
		set_eh(&img, e_shentsize, ent - 1);
		img.size -= 2;
		copy = malloc(img.size);
		memcpy(copy, img.buf, img.size);
		free(img.buf);
		img.buf = copy;
		assert_int_equal(init_fails(&img), -ENOEXEC);
		image_free(&img);
	}
}

static void test_shstrndx_lies(void **state)
{
	FOR_EACH_VARIANT(v) {
		struct image img;

		build_std(&img, v, 0);
		const uint64_t lies[] = { SHN_UNDEF, img.shnum, img.shnum + 1, 0xfeff, SHN_XINDEX };
		for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
			set_eh(&img, e_shstrndx, lies[i]);
			assert_int_equal(init_fails(&img), -ENOEXEC);
		}
		/* SHN_XINDEX: the index is section 0's sh_link */
		set_eh(&img, e_shstrndx, SHN_XINDEX);
		set_sh(&img, 0, sh_link, img.shnum);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		set_sh(&img, 0, sh_link, UINT32_MAX);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		set_sh(&img, 0, sh_link, img.shstrndx);
		check_std_image(&img, v);
		/* pointing at a section that is not a string table with a final NUL */
		set_sh(&img, 0, sh_link, IDX_TEXT);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		set_sh(&img, 0, sh_link, IDX_BSS);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		set_sh(&img, 0, sh_link, IDX_EMPTY);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		image_free(&img);
	}
}

/* e_shnum 0: the count is section 0's sh_size. */
static void test_extended_numbering(void **state)
{
	FOR_EACH_VARIANT(v) {
		uint64_t max = v->is64 ? UINT64_MAX : UINT32_MAX;
		struct image img;

		build_std(&img, v, 0);
		set_eh(&img, e_shnum, 0);
		set_sh(&img, 0, sh_size, img.shnum);
		check_std_image(&img, v);
		/* both extended: count in sh_size, name table in sh_link */
		set_eh(&img, e_shstrndx, SHN_XINDEX);
		set_sh(&img, 0, sh_link, img.shstrndx);
		check_std_image(&img, v);

		const uint64_t lies[] = {
			0, img.shnum + 1, 0xffff, 0x10000, UINT32_MAX, max,
			/* cut to 32 bits it would fit */
			(uint64_t)UINT32_MAX + 1 + img.shnum,
		};
		for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
			if (lies[i] > max)
				continue;
			set_sh(&img, 0, sh_size, lies[i]);
			assert_int_equal(init_fails(&img), -ENOEXEC);
		}
		/* section 0 itself must lie inside the file before it is read */
		const uint64_t offs[] = { img.size - img.shentsize + 1, img.size, max - 8, max };
		for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
			set_eh(&img, e_shoff, offs[i]);
			assert_int_equal(init_fails(&img), -ENOEXEC);
		}
		image_free(&img);
	}
}

/* ---- lies in the section name table ---------------------------------- */

static void test_name_table_lies(void **state)
{
	FOR_EACH_VARIANT(v) {
		uint64_t max = v->is64 ? UINT64_MAX : UINT32_MAX;
		struct image img;
		uint8_t *last;

		build_std(&img, v, 0);
		last = img.buf + img.data_off[IDX_SHSTRTAB] + img.shstrtab_size - 1;
		*last = 'x';
		assert_int_equal(init_fails(&img), -ENOEXEC);
		*last = '\0';
		check_std_image(&img, v);

		set_sh(&img, IDX_SHSTRTAB, sh_size, 0);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		/* one byte short: its end is then not a NUL */
		set_sh(&img, IDX_SHSTRTAB, sh_size, img.shstrtab_size - 1);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		set_sh(&img, IDX_SHSTRTAB, sh_size, img.shstrtab_size);

		set_sh(&img, IDX_SHSTRTAB, sh_type, SHT_NOBITS);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		set_sh(&img, IDX_SHSTRTAB, sh_type, SHT_STRTAB);

		/* the table itself outside the file, or wrapping around */
		const uint64_t offs[] = { img.size, img.size - 1, max, max - 2 };
		for (size_t i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
			set_sh(&img, IDX_SHSTRTAB, sh_offset, offs[i]);
			assert_int_equal(init_fails(&img), -ENOEXEC);
		}
		set_sh(&img, IDX_SHSTRTAB, sh_offset, img.data_off[IDX_SHSTRTAB]);
		set_sh(&img, IDX_SHSTRTAB, sh_size, max);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		set_sh(&img, IDX_SHSTRTAB, sh_size, img.size);
		assert_int_equal(init_fails(&img), -ENOEXEC);
		image_free(&img);
	}
}

static void test_sh_name_lies(void **state)
{
	FOR_EACH_VARIANT(v) {
		struct mt_elf_section sec;
		struct image img;
		struct mt_elf elf;
		const char *why = NULL;

		build_std(&img, v, 0);
		/* just past the table, and far away */
		const uint64_t past[] = {
			img.shstrtab_size, img.shstrtab_size + 1, 0x7fffffff, UINT32_MAX,
		};
		for (size_t i = 0; i < sizeof(past) / sizeof(past[0]); i++) {
			set_sh(&img, IDX_MODINFO, sh_name, past[i]);
			init_ok(&img, &elf);
			assert_int_equal(mt_elf_section(&elf, IDX_MODINFO, &sec, &why), 0);
			assert_string_equal(sec.name, "");
			assert_int_equal(mt_elf_find_section(&elf, ".modinfo", &sec, &why),
					 -ENOENT);
		}
		/* the table's final NUL is an empty name */
		set_sh(&img, IDX_MODINFO, sh_name, img.shstrtab_size - 1);
		init_ok(&img, &elf);
		assert_int_equal(mt_elf_section(&elf, IDX_MODINFO, &sec, &why), 0);
		assert_string_equal(sec.name, "");
		/* a suffix of another name is a name (linkers share them) */
		set_sh(&img, IDX_MODINFO, sh_name, img.name_off[IDX_MODINFO] + 4);
		init_ok(&img, &elf);
		assert_int_equal(mt_elf_find_section(&elf, "info", &sec, &why), 0);
		assert_int_equal(sec.index, IDX_MODINFO);
		/* the name table's own name out of range does not matter */
		set_sh(&img, IDX_SHSTRTAB, sh_name, UINT32_MAX);
		init_ok(&img, &elf);
		image_free(&img);
	}
}

/* ---- sections outside the file --------------------------------------- */

static void expect_section_outside(const struct image *img, uint32_t idx, const char *name)
{
	static const char *const others[] = { ".text", ".bss" };
	struct mt_elf_section sec, secs[3];
	const char *wanted[] = { ".text", name, ".bss" };
	struct mt_elf elf;
	const char *why = NULL;

	init_ok(img, &elf);
	assert_int_equal(mt_elf_section(&elf, idx, &sec, &why), -EBADMSG);
	assert_non_null(why);
	why = NULL;
	assert_int_equal(mt_elf_find_section(&elf, name, &sec, &why), -EBADMSG);
	assert_non_null(why);
	why = NULL;
	assert_int_equal(mt_elf_find_sections(&elf, wanted, 3, secs, &why), -EBADMSG);
	assert_non_null(why);
	/* a broken section nobody asks for does not matter */
	assert_int_equal(mt_elf_find_sections(&elf, others, 2, secs, &why), 2);
}

static void test_section_outside(void **state)
{
	FOR_EACH_VARIANT(v) {
		uint64_t max = v->is64 ? UINT64_MAX : UINT32_MAX;
		struct image img;

		build_std(&img, v, 0);
		const struct { uint64_t off, size; } lies[] = {
			{ img.size - 2, sizeof(modinfo_bytes) },
			{ img.size, 1 },
			{ img.size + 1, 0 },
			{ max, 1 },
			{ max - 1, 4 },		/* offset + size wraps around */
			{ 1, max },
			{ 0, img.size + 1 },
			{ max / 2 + 1, max / 2 + 1 },
		};
		for (size_t i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
			set_sh(&img, IDX_MODINFO, sh_offset, lies[i].off);
			set_sh(&img, IDX_MODINFO, sh_size, lies[i].size);
			expect_section_outside(&img, IDX_MODINFO, ".modinfo");
		}
		image_free(&img);
	}
}

/* NOBITS sections occupy no file space: any size and offset is fine. */
static void test_nobits_huge(void **state)
{
	FOR_EACH_VARIANT(v) {
		uint64_t max = v->is64 ? UINT64_MAX : UINT32_MAX;
		struct mt_elf_section sec;
		struct image img;
		struct mt_elf elf;
		const char *why = NULL;

		build_std(&img, v, 0);
		set_sh(&img, IDX_BSS, sh_size, max);
		set_sh(&img, IDX_BSS, sh_offset, max);
		init_ok(&img, &elf);
		assert_int_equal(mt_elf_find_section(&elf, ".bss", &sec, &why), 0);
		assert_null(sec.data);
		assert_true(sec.size == max);
		image_free(&img);
	}
}

/* ---- truncations and random corruption ------------------------------- */

/* Whatever init accepted, every access must stay inside the buffer. */
static void exercise(const struct mt_elf *elf, const uint8_t *buf, size_t len)
{
	static const char *const names[] = { ".modinfo", ".text", ".bss", ".shstrtab", "" };
	struct mt_elf_section secs[5];
	unsigned int sum = 0;
	const char *why;

	assert_true(elf->shstrtab >= (const char *)buf);
	assert_true(elf->shstrtab_size > 0);
	assert_true(elf->shstrtab + elf->shstrtab_size <= (const char *)buf + len);
	assert_int_equal(elf->shstrtab[elf->shstrtab_size - 1], '\0');
	for (uint32_t i = 0; i <= elf->shnum; i++) {
		struct mt_elf_section sec;

		why = NULL;
		if (mt_elf_section(elf, i, &sec, &why) < 0) {
			assert_non_null(why);
			continue;
		}
		sum += strlen(sec.name);
		if (!sec.data)
			continue;
		assert_true(sec.data >= buf && sec.size <= len &&
			    (size_t)(sec.data - buf) <= len - sec.size);
		for (uint64_t j = 0; j < sec.size; j++)
			sum += sec.data[j];
	}
	why = NULL;
	if (mt_elf_find_sections(elf, names, 5, secs, &why) < 0)
		assert_non_null(why);
	/* keep the reads from being optimised away */
	assert_true(sum != 0xdeadbeef);
}

static int try_image(const uint8_t *src, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	struct mt_elf elf;
	const char *why = NULL;
	int err;

	assert_non_null(copy);
	memcpy(copy, src, len);
	err = mt_elf_init(&elf, copy, len, &why);
	if (err < 0)
		assert_non_null(why);
	else
		exercise(&elf, copy, len);
	free(copy);
	return err;
}

static void test_every_truncation(void **state)
{
	FOR_EACH_VARIANT(v) {
		struct image img;

		/* table last: any cut loses part of the table */
		build_std(&img, v, 0);
		for (size_t len = 0; len < img.size; len++)
			assert_true(try_image(img.buf, len) < 0);
		assert_int_equal(try_image(img.buf, img.size), 0);
		image_free(&img);

		/* table first: cuts reach the sections' data */
		build_std(&img, v, LAYOUT_TABLE_FIRST);
		for (size_t len = 0; len <= img.size; len++)
			try_image(img.buf, len);
		assert_int_equal(try_image(img.buf, img.size), 0);
		image_free(&img);
	}
}

/* xorshift64*: a fixed sequence on every machine */
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static uint8_t interesting_byte(void)
{
	static const uint8_t values[] = { 0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe, 0x40 };
	uint64_t r = rng();

	return r & 1 ? (uint8_t)(r >> 8) : values[(r >> 8) % sizeof(values)];
}

static void flip_bytes(uint8_t *buf, const struct image *img)
{
	int flips = 1 + rng() % 6;

	for (int k = 0; k < flips; k++) {
		uint64_t r = rng();
		size_t pos;

		/* mostly where the structure lives: the header and the table */
		if (r % 4 == 0)
			pos = (r >> 8) % img->size;
		else if (r % 4 == 1)
			pos = (r >> 8) % ehdr_size(img->is64);
		else
			pos = img->shoff + (r >> 8) % ((size_t)img->shnum * img->shentsize);
		buf[pos] = interesting_byte();
	}
}

static void test_random_flips(void **state)
{
	unsigned int accepted = 0, rejected = 0;

	FOR_EACH_VARIANT(v) {
		for (unsigned int layout = 0; layout < 2; layout++) {
			struct image img;
			uint8_t *work;

			build_std(&img, v, layout ? LAYOUT_TABLE_FIRST : 0);
			work = malloc(img.size);
			for (int iter = 0; iter < 1000; iter++) {
				memcpy(work, img.buf, img.size);
				flip_bytes(work, &img);
				if (try_image(work, img.size) < 0)
					rejected++;
				else
					accepted++;
			}
			free(work);
			image_free(&img);
		}
	}
	/* both outcomes must occur, or the flips test nothing */
	assert_true(accepted > 100 && rejected > 100);
}

/* ---- what a forced load strips (kernels without finit_module) --------- */

static const char force_modinfo[] = "license=GPL\0vermagic=6.1.0 SMP mod_unload\0name=foo\0";
static const char force_versions[64] = "module_layout";

static const struct sec_spec force_specs[] = {
	{ .name = ".text", .type = SHT_PROGBITS, .flags = SHF_ALLOC | SHF_EXECINSTR,
	  .data = text_bytes, .size = sizeof(text_bytes) },
	{ .name = "__versions", .type = SHT_PROGBITS, .flags = SHF_ALLOC | SHF_WRITE,
	  .data = force_versions, .size = sizeof(force_versions) },
	{ .name = ".modinfo", .type = SHT_PROGBITS, .flags = SHF_ALLOC,
	  .data = force_modinfo, .size = sizeof(force_modinfo) },
};

static uint64_t section_flags(const struct image *img, const char *name)
{
	struct mt_elf elf;
	struct mt_elf_section sec;
	const char *why;

	init_ok(img, &elf);
	assert_int_equal(mt_elf_find_section(&elf, name, &sec, &why), 0);
	return sec.flags;
}

static void test_strip_for_force(void **state)
{
	(void)state;
	FOR_EACH_VARIANT(v) {
		struct image img;
		uint8_t *orig;
		const uint8_t *modinfo;

		build(&img, v->is64, v->be, force_specs, 3, 0);
		orig = malloc(img.size);
		assert_non_null(orig);
		memcpy(orig, img.buf, img.size);
		/* nothing asked, nothing changed */
		assert_int_equal(mt_elf_strip_for_force(img.buf, img.size, false, false), 0);
		assert_memory_equal(img.buf, orig, img.size);
		/* __versions loses SHF_ALLOC, and only that */
		assert_int_equal(mt_elf_strip_for_force(img.buf, img.size, true, false), 0);
		assert_int_equal(section_flags(&img, "__versions"), SHF_WRITE);
		assert_int_equal(section_flags(&img, ".text"), SHF_ALLOC | SHF_EXECINSTR);
		assert_memory_equal(img.buf + img.data_off[3], force_modinfo, sizeof(force_modinfo));
		/* vermagic= blanked, the other strings kept */
		assert_int_equal(mt_elf_strip_for_force(img.buf, img.size, false, true), 0);
		modinfo = img.buf + img.data_off[3];
		assert_string_equal((const char *)modinfo, "license=GPL");
		for (size_t i = 12; i < 12 + strlen("vermagic=6.1.0 SMP mod_unload"); i++)
			assert_int_equal(modinfo[i], 0);
		assert_string_equal((const char *)modinfo + 12 + strlen("vermagic=6.1.0 SMP mod_unload") + 1,
				    "name=foo");
		free(orig);
		image_free(&img);
	}
	/* not ELF: refused, untouched */
	uint8_t junk[64] = "not an ELF file";

	assert_int_equal(mt_elf_strip_for_force(junk, sizeof(junk), true, true), -ENOEXEC);
	assert_string_equal((const char *)junk, "not an ELF file");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_images),
		cmocka_unit_test(test_valid_layouts),
		cmocka_unit_test(test_wide_fields),
		cmocka_unit_test(test_section_index_range),
		cmocka_unit_test(test_find_sections),
		cmocka_unit_test(test_duplicate_names),
		cmocka_unit_test(test_byte_order_readers),
		cmocka_unit_test(test_too_short),
		cmocka_unit_test(test_bad_ident),
		cmocka_unit_test(test_class_mismatch_short),
		cmocka_unit_test(test_shoff_lies),
		cmocka_unit_test(test_shnum_lies),
		cmocka_unit_test(test_shentsize_small),
		cmocka_unit_test(test_shentsize_overlap),
		cmocka_unit_test(test_shstrndx_lies),
		cmocka_unit_test(test_extended_numbering),
		cmocka_unit_test(test_name_table_lies),
		cmocka_unit_test(test_sh_name_lies),
		cmocka_unit_test(test_section_outside),
		cmocka_unit_test(test_nobits_huge),
		cmocka_unit_test(test_every_truncation),
		cmocka_unit_test(test_random_flips),
		cmocka_unit_test(test_strip_for_force),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
