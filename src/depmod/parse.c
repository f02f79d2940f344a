// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One module, read for depmod: the .modinfo keys it writes out (alias,
 * softdep, weakdep), the symbols it exports and the symbols it needs (read by
 * module/module-symbols.c).  The result is a flat record (see record.h) so
 * that it can go to the cache as it is.
 *
 * A plain module is not mapped: its header, section table, section names and
 * the few sections depmod needs are read with pread() into a buffer the
 * thread reuses, at their file offsets, so the ELF reader sees the file's
 * layout while the code and the signature are never read.  (An mmap and
 * munmap per module cost more than the parsing: unmapping in a threaded
 * process interrupts the other cores.)  Compressed modules are read whole and
 * decompressed.
 */
#include <elf.h>
#include <endian.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "depmod/depmod.h"
#include "module/elf-reader.h"
#include "module/file.h"
#include "module/module-symbols.h"

/* ---- the reader: a sparse image of the file -------------------------------- */

#define MAX_LOADED 16
/* Ranges closer than this are read with one call. */
#define MERGE_GAP 4096
/* The first read: the ELF header (a module starts with code, not worth copying). */
#define HEAD_SIZE 512
/* Read this much before the section table too: the section names lie there. */
#define TABLE_SLACK 2048
/*
 * A thread keeps this much of its decompression mapping between modules.
 * Modules are parsed biggest first, so past the first few every one fits:
 * in 6.12 only amdgpu (28 MiB) is over 10 MiB, and keeping its pages saved
 * no fault, only cost 12 MiB of peak RSS.  A bomb's gigabyte goes back as
 * soon as it is refused.
 */
#define UNPACKED_KEEP ((size_t)16 << 20)

struct range {
	uint64_t off, end;
};

/* parse_image()'s one failure of the machine, told apart from the file's by address */
static const char out_of_memory[] = "out of memory";

struct mt_dm_reader {
	uint8_t *buf;
	size_t cap;
	int fd;
	int dirfd;		/* the module directory, or -1 */
	uint64_t size;
	struct range loaded[MAX_LOADED];
	unsigned int n_loaded;
	struct mt_buf undefs;	/* scratch: undefined symbols, appended after exports */
	struct mt_decompressed unpacked;	/* a compressed module's image, reused */
	const char *why;	/* why a read failed */
	int err;		/* and its -errno */
};

struct mt_dm_reader *mt_dm_reader_new(int dirfd)
{
	struct mt_dm_reader *r = calloc(1, sizeof(*r));

	if (r) {
		r->fd = -1;
		r->dirfd = dirfd;
	}
	return r;
}

void mt_dm_reader_free(struct mt_dm_reader *r)
{
	if (!r)
		return;
	free(r->buf);
	mt_buf_free(&r->undefs);
	mt_decompressed_release(&r->unpacked);
	free(r);
}

/* Room for a file of @size bytes; old contents need not survive. */
static bool reader_reserve(struct mt_dm_reader *r, uint64_t size)
{
	if (size > MT_MAX_MODULE_SIZE) {
		r->why = "file too big";
		r->err = -EFBIG;
		return false;
	}
	if (size <= r->cap)
		return true;
	free(r->buf);
	r->buf = malloc((size_t)size);
	r->cap = r->buf ? (size_t)size : 0;
	if (!r->buf) {
		r->why = out_of_memory;
		r->err = -ENOMEM;
	}
	return r->buf != NULL;
}

static bool is_loaded(const struct mt_dm_reader *r, uint64_t off, uint64_t end)
{
	for (unsigned int i = 0; i < r->n_loaded; i++)
		if (r->loaded[i].off <= off && end <= r->loaded[i].end)
			return true;
	return false;
}

/* Read [off, end) of the file to the same offset of the buffer. */
static bool load_range(struct mt_dm_reader *r, uint64_t off, uint64_t end)
{
	uint64_t at = off;

	if (off >= end || is_loaded(r, off, end))
		return true;
	if (end > r->size) {
		r->why = "section lies outside the file";
		r->err = -EINVAL;
		return false;
	}
	while (at < end) {
		ssize_t n = pread(r->fd, r->buf + at, (size_t)(end - at), (off_t)at);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			r->err = n < 0 ? -errno : -EINVAL;
			r->why = n < 0 ? strerror(errno) : "file shrank while being read";
			return false;
		}
		at += (uint64_t)n;
	}
	if (r->n_loaded < MAX_LOADED)
		r->loaded[r->n_loaded++] = (struct range){ off, end };
	return true;
}

static int range_cmp(const void *a, const void *b)
{
	const struct range *x = a, *y = b;

	return (x->off > y->off) - (x->off < y->off);
}

/* Load several ranges, neighbours merged into one read. */
static bool load_ranges(struct mt_dm_reader *r, struct range *v, size_t n)
{
	qsort(v, n, sizeof(*v), range_cmp);
	for (size_t i = 0; i < n;) {
		struct range cur = v[i++];

		while (i < n && v[i].off <= cur.end + MERGE_GAP) {
			if (v[i].end > cur.end)
				cur.end = v[i].end;
			i++;
		}
		if (!load_range(r, cur.off, cur.end))
			return false;
	}
	return true;
}

static struct range section_range(const struct mt_dm_reader *r, const struct mt_elf_section *s)
{
	uint64_t off = s->data ? (uint64_t)(s->data - r->buf) : 0;

	return (struct range){ off, s->data ? off + s->size : off };
}

static int load_section(void *data, const struct mt_elf_section *s)
{
	struct mt_dm_reader *r = data;
	struct range rg = section_range(r, s);

	return load_range(r, rg.off, rg.end) ? 0 : -EIO;
}

/*
 * The header's view of the section table, enough to load it and the section
 * names before mt_elf_init() checks everything.  False when the file is
 * unusual (extended numbering, not ELF, ...): then it is read whole and the
 * ELF reader says what is wrong.
 */
static bool table_from_header(const struct mt_dm_reader *r, struct mt_elf *t, uint32_t *shstrndx)
{
	const uint8_t *h = r->buf;

	if (r->size < sizeof(Elf64_Ehdr) || memcmp(h, ELFMAG, SELFMAG) != 0 ||
	    (h[EI_CLASS] != ELFCLASS32 && h[EI_CLASS] != ELFCLASS64) ||
	    (h[EI_DATA] != ELFDATA2LSB && h[EI_DATA] != ELFDATA2MSB))
		return false;
	memset(t, 0, sizeof(*t));
	t->data = r->buf;
	t->size = (size_t)r->size;
	t->is64 = h[EI_CLASS] == ELFCLASS64;
	t->big_endian = h[EI_DATA] == ELFDATA2MSB;
	if (t->is64) {
		t->shoff = mt_elf_u64(t, h + offsetof(Elf64_Ehdr, e_shoff));
		t->shentsize = mt_elf_u16(t, h + offsetof(Elf64_Ehdr, e_shentsize));
		t->shnum = mt_elf_u16(t, h + offsetof(Elf64_Ehdr, e_shnum));
		*shstrndx = mt_elf_u16(t, h + offsetof(Elf64_Ehdr, e_shstrndx));
	} else {
		t->shoff = mt_elf_u32(t, h + offsetof(Elf32_Ehdr, e_shoff));
		t->shentsize = mt_elf_u16(t, h + offsetof(Elf32_Ehdr, e_shentsize));
		t->shnum = mt_elf_u16(t, h + offsetof(Elf32_Ehdr, e_shnum));
		*shstrndx = mt_elf_u16(t, h + offsetof(Elf32_Ehdr, e_shstrndx));
	}
	return t->shnum && t->shentsize >= (t->is64 ? sizeof(Elf64_Shdr) : sizeof(Elf32_Shdr)) &&
	       *shstrndx != SHN_UNDEF && *shstrndx < t->shnum &&
	       mt_in_bounds(t->shoff, (uint64_t)t->shnum * t->shentsize, r->size);
}

/* Header, section table and section names; else the whole file. */
static bool load_tables(struct mt_dm_reader *r)
{
	struct mt_elf_section names;
	struct mt_elf t;
	uint32_t shstrndx;
	const char *why;

	if (!load_range(r, 0, r->size < HEAD_SIZE ? r->size : HEAD_SIZE))
		return false;
	if (!table_from_header(r, &t, &shstrndx))
		return load_range(r, 0, r->size);
	if (!load_range(r, t.shoff > TABLE_SLACK ? t.shoff - TABLE_SLACK : 0,
			t.shoff + (uint64_t)t.shnum * t.shentsize))
		return false;
	if (mt_elf_section(&t, shstrndx, &names, &why) < 0 || !names.data)
		return load_range(r, 0, r->size);
	return load_section(r, &names) == 0;
}

/* ---- reading the ELF ---------------------------------------------------- */

struct parse {
	struct mt_elf elf;
	struct mt_elf_section modinfo;
	struct mt_msym syms;
	struct mt_buf out;
	struct mt_buf *undefs;
};

static bool wanted_key(const char *s, size_t len)
{
	switch (s[0]) {
	case 'a':
		return len >= 6 && memcmp(s, "alias=", 6) == 0;
	case 's':
		return len >= 8 && memcmp(s, "softdep=", 8) == 0;
	case 'w':
		return len >= 8 && memcmp(s, "weakdep=", 8) == 0;
	default:
		return false;
	}
}

/* .modinfo: strings separated by runs of NULs; the last may lack its NUL. */
static void parse_modinfo(struct parse *p)
{
	const struct mt_elf_section *s = &p->modinfo;
	const char *d = (const char *)s->data;
	size_t at = p->out.len, i = 0;
	uint32_t n = 0;

	mt_record_put_u32(&p->out, 0);
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
	mt_record_patch_u32(&p->out, at, n);
}

static int add_export(void *data, const struct mt_msym_entry *e)
{
	struct mt_buf *out = data;

	mt_record_put_u64(out, e->crc);
	mt_buf_put(out, e->name, e->len);
	mt_buf_putc(out, 0);
	return 0;
}

static int add_undefined(void *data, const struct mt_msym_entry *e)
{
	struct parse *p = data;
	struct mt_buf *out = p->undefs;

	mt_record_put_u64(out, e->crc);
	mt_buf_putc(out, e->bind == STB_WEAK);
	mt_buf_put(out, e->name, e->len);
	mt_buf_putc(out, 0);
	return 0;
}

static int add_export_to_out(void *data, const struct mt_msym_entry *e)
{
	return add_export(&((struct parse *)data)->out, e);
}

/*
 * Exports, then undefined symbols, each section a count and its entries, in
 * one pass over .symtab: the undefined ones wait in the scratch buffer.  A
 * module without the tables has none of them.
 */
static void parse_symbols(struct parse *p)
{
	struct mt_msym_walk w = {
		.export_fn = add_export_to_out,
		.undefined_fn = add_undefined,
		.data = p,
	};
	size_t at = p->out.len;

	p->undefs->len = 0;
	p->undefs->err = 0;
	mt_record_put_u32(&p->out, 0);
	if (mt_msym_walk(&p->syms, &w) != 0)
		p->out.err = -ENOMEM;
	mt_record_patch_u32(&p->out, at, w.n_exports > 0 ? (uint32_t)w.n_exports : 0);
	mt_record_put_u32(&p->out, (uint32_t)w.n_undefined);
	if (p->undefs->err)
		p->out.err = p->undefs->err;
	else if (p->undefs->len)
		mt_buf_put(&p->out, p->undefs->p, p->undefs->len);
}

/* Find the sections; with a sparse image, load them first. */
static const char *find_sections(struct parse *p, struct mt_dm_reader *sparse)
{
	const char *names[1 + MT_MSYM_COUNT] = { ".modinfo" };
	struct mt_elf_section secs[1 + MT_MSYM_COUNT], strtab;
	struct mt_elf_section *sym = &secs[1 + MT_MSYM_SYMTAB];
	struct range want[2 + MT_MSYM_COUNT];
	const char *why = NULL;
	size_t n = 0;

	for (int i = 0; i < MT_MSYM_COUNT; i++)
		names[1 + i] = mt_msym_section_names[i];
	if (mt_elf_find_sections(&p->elf, names, 1 + MT_MSYM_COUNT, secs, &why) < 0)
		return why;
	if (sparse) {
		for (int i = 0; i < 1 + MT_MSYM_COUNT; i++)
			if (secs[i].index && secs[i].data)
				want[n++] = section_range(sparse, &secs[i]);
		if (sym->index && mt_elf_section(&p->elf, sym->link, &strtab, &why) == 0 &&
		    strtab.data)
			want[n++] = section_range(sparse, &strtab);
		if (!load_ranges(sparse, want, n))
			return sparse->why;
	}
	p->modinfo = secs[0];
	if (p->modinfo.index && !p->modinfo.data)
		p->modinfo.index = 0;	/* SHT_NOBITS: nothing to read */
	if (mt_msym_init_from(&p->syms, &p->elf, secs + 1, &why) < 0)
		return why;
	if (sparse) {
		p->syms.load = load_section;
		p->syms.load_data = sparse;
	}
	return NULL;
}

static const char *parse_image(const uint8_t *data, size_t size, struct mt_dm_reader *r,
			       bool sparse, struct mt_record *rec)
{
	struct parse p = { .undefs = &r->undefs };
	const char *why = NULL;

	if (mt_elf_init(&p.elf, data, size, &why) < 0)
		return why ? why : "not an ELF file";
	why = find_sections(&p, sparse ? r : NULL);
	if (why)
		return why;
	parse_modinfo(&p);
	parse_symbols(&p);
	if (p.out.err) {
		mt_buf_free(&p.out);
		return out_of_memory;
	}
	rec->data = (uint8_t *)p.out.p;
	rec->size = p.out.len;
	return NULL;
}

/* ---- opening the file --------------------------------------------------- */

/* The -errno behind parse_image()'s @why: a read of @r, memory, or the file's content. */
static int why_err(const struct mt_dm_reader *r, const char *why)
{
	if (why == out_of_memory)
		return -ENOMEM;
	return why == r->why ? r->err : -EINVAL;
}

/* @m cannot be read: because of what it holds, or (@err) of the machine. */
static void set_problem(struct mt_dm_module *m, int err, const char *what, const char *why)
{
	char *s = NULL;

	m->broken = true;
	if (mt_err_is_environment(err))
		m->env_err = err;
	if (asprintf(&s, "%s%s%s", what, why ? ": " : "", why ? why : "") < 0)
		s = NULL;
	free(m->problem);
	m->problem = s;
}

static void parse_compressed(struct mt_dm_module *m, struct mt_dm_reader *r,
			     enum mt_compression comp)
{
	struct mt_decompressed *out = &r->unpacked;
	const char *why = NULL;
	int err;

	if (!load_range(r, 0, r->size)) {
		set_problem(m, r->err, r->why, NULL);
		return;
	}
	/* the pages the last module faulted in take this one: no fault, no zeroing */
	mt_decompressed_reset(out);
	err = mt_decompressor_of(comp)(r->buf, (size_t)r->size, out, &why);
	if (err < 0) {
		set_problem(m, err, mt_compression_name(comp), why ? why : "cannot decompress");
	} else {
		why = parse_image(out->data, out->size, r, false, &m->rec);
		if (why)
			set_problem(m, why_err(r, why), why, NULL);
	}
	mt_decompressed_trim(out, UNPACKED_KEEP);
}

static void parse_open(struct mt_dm_module *m, struct mt_dm_reader *r)
{
	enum mt_compression comp;
	const char *why;

	r->n_loaded = 0;
	r->why = NULL;
	r->err = 0;
	if (!reader_reserve(r, r->size) ||
	    !load_range(r, 0, r->size < HEAD_SIZE ? r->size : HEAD_SIZE)) {
		set_problem(m, r->err, r->why, NULL);
		return;
	}
	comp = mt_compression_detect(r->buf, r->size < HEAD_SIZE ? r->size : HEAD_SIZE);
	if (comp != MT_COMPRESSION_NONE) {
		parse_compressed(m, r, comp);
		return;
	}
	if (!load_tables(r)) {
		set_problem(m, r->err, r->why, NULL);
		return;
	}
	why = parse_image(r->buf, (size_t)r->size, r, true, &m->rec);
	if (why)
		set_problem(m, why_err(r, why), why, NULL);
}

void mt_depmod_parse_module_with(struct mt_dm_module *m, struct mt_dm_reader *r)
{
	struct stat st;

	/* from the directory: the path walk of the common prefix, once */
	if (r->dirfd >= 0 && m->relpath != m->path)
		r->fd = openat(r->dirfd, m->relpath, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	else
		r->fd = open(m->path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (r->fd < 0) {
		set_problem(m, -errno, strerror(errno), NULL);
		return;
	}
	/*
	 * The walk has just stat()ed the file: its size is known.  (A file that
	 * shrank since fails its reads; the cache keys on the walk's stat.)
	 */
	if (m->file_size) {
		r->size = m->file_size;
		parse_open(m, r);
	} else if (fstat(r->fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		set_problem(m, -EINVAL, "not a regular file", NULL);
	} else if (st.st_size == 0) {
		set_problem(m, -EINVAL, "empty file", NULL);
	} else {
		r->size = (uint64_t)st.st_size;
		parse_open(m, r);
	}
	close(r->fd);
	r->fd = -1;
}

void mt_depmod_parse_module(struct mt_dm_module *m)
{
	struct mt_dm_reader *r = mt_dm_reader_new(-1);

	if (!r) {
		set_problem(m, -ENOMEM, out_of_memory, NULL);
		return;
	}
	mt_depmod_parse_module_with(m, r);
	mt_dm_reader_free(r);
}
