// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Where a vmlinux keeps its built-in trusted certificates.
 *
 * certs/system_certificates.S puts them in .init.rodata, which the linker
 * script merges into the init data section (".init.data" on x86 and arm64):
 *
 *	.align 8
 *	system_certificate_list:	the DER certificates, back to back
 *	[system_extra_cert: zero fill]	(CONFIG_SYSTEM_EXTRA_CERTIFICATE)
 *	.align 8
 *	system_certificate_list_size:	.quad (.long on 32-bit) its length
 *	.align 8
 *	module_cert_size:		the length of the first of them, the
 *					module signing key's (since 5.13)
 *
 * The payload of a vmlinuz has no symbols, so the list is found by that
 * shape: a run of whole X.509 certificates followed, past zero padding, by
 * its own length.  A run followed by that length and then by a module_cert_size
 * that ends on one of its certificates is the list for sure; else the first
 * run followed by its length is (kernels before 5.13).  The revocation list
 * (certs/revocation_certificates.S) has the first shape but not the second,
 * and certificates with no length after them (crypto self-tests) are never
 * taken: what this returns, a caller trusts.
 */
#include "base/internal.h"
#include "image/kernel-image.h"
#include "module/der.h"
#include "module/elf-reader.h"

/*
 * Zero bytes allowed between a run's end and its length: ".align 8" is 256
 * bytes on arm, and the extra certificate's room is 4 KiB by default.
 */
#define LIST_PADDING_MAX ((uint64_t)64 << 10)

/* AlgorithmIdentifier: SEQUENCE { OBJECT IDENTIFIER, parameters OPTIONAL } */
static bool algorithm_valid(const struct mt_der_elem *seq)
{
	struct mt_der d = mt_der_enter(seq);
	struct mt_der_elem oid;

	return mt_der_expect(&d, MT_DER_OID, &oid) && mt_der_oid_valid(&oid);
}

/* The TBSCertificate's fields up to subjectPublicKeyInfo; extensions are not looked at. */
static bool tbs_valid(const struct mt_der_elem *tbs)
{
	struct mt_der d = mt_der_enter(tbs);
	struct mt_der_elem e;

	mt_der_optional(&d, MT_DER_CONTEXT(0), &e);	/* version */
	if (!mt_der_expect(&d, MT_DER_INTEGER, &e))	/* serialNumber */
		return false;
	if (!mt_der_expect(&d, MT_DER_SEQUENCE, &e) || !algorithm_valid(&e))
		return false;
	/* issuer, validity, subject, subjectPublicKeyInfo */
	for (int i = 0; i < 4; i++)
		if (!mt_der_expect(&d, MT_DER_SEQUENCE, &e))
			return false;
	return true;
}

size_t mt_x509_certificate_at(const uint8_t *p, size_t avail)
{
	struct mt_der d = { p, avail }, cert;
	struct mt_der_elem outer, tbs, alg, sig;

	if (avail < 2 || p[0] != MT_DER_SEQUENCE || !mt_der_next(&d, &outer))
		return 0;
	cert = mt_der_enter(&outer);
	if (!mt_der_expect(&cert, MT_DER_SEQUENCE, &tbs) ||
	    !mt_der_expect(&cert, MT_DER_SEQUENCE, &alg) ||
	    !mt_der_expect(&cert, MT_DER_BIT_STRING, &sig) || !mt_der_at_end(&cert))
		return 0;
	if (sig.len == 0 || !algorithm_valid(&alg) || !tbs_valid(&tbs))
		return 0;
	return outer.hdr_len + outer.len;
}

/* A section being searched: its bytes, where it is loaded, the ELF's word. */
struct area {
	const struct mt_elf *elf;
	const uint8_t *data;
	uint64_t size;
	uint64_t addr;
	unsigned word;		/* 8 on 64-bit kernels, 4 on 32-bit ones */
};

static uint64_t word_at(const struct area *a, uint64_t off)
{
	return a->word == 8 ? mt_elf_u64(a->elf, a->data + off) : mt_elf_u32(a->elf, a->data + off);
}

/* The offset of the first word-aligned place at or after @off (in load addresses). */
static uint64_t align_up(const struct area *a, uint64_t off)
{
	uint64_t mis = (a->addr + off) % a->word;

	return mis ? off + (a->word - mis) : off;
}

/*
 * Is @want stored at an aligned place after @end, with nothing but zero
 * bytes between?  Then *@after is the offset past it.
 */
static bool length_follows(const struct area *a, uint64_t end, uint64_t want, uint64_t *after)
{
	for (uint64_t q = end; q - end <= LIST_PADDING_MAX && mt_in_bounds(q, a->word, a->size);
	     q++) {
		if ((a->addr + q) % a->word == 0 && word_at(a, q) == want) {
			*after = q + a->word;
			return true;
		}
		if (a->data[q] != 0)
			return false;
	}
	return false;
}

/* Does @len end on a certificate of the run at @start (or is it 0: no module key)? */
static bool ends_on_certificate(const struct area *a, uint64_t start, uint64_t run_len,
				uint64_t len)
{
	uint64_t off = 0;

	if (len == 0)
		return true;
	while (off < len && off < run_len) {
		size_t n = mt_x509_certificate_at(a->data + start + off, run_len - off);

		if (n == 0)
			return false;
		off += n;
	}
	return off == len;
}

/*
 * After the list's length at @after: module_cert_size, the length of the
 * module signing key, which leads the list (5.13 and later).
 */
static bool module_length_follows(const struct area *a, uint64_t start, uint64_t len,
				  uint64_t after)
{
	uint64_t at = align_up(a, after), module_len;

	if (!mt_in_bounds(at, a->word, a->size))
		return false;
	module_len = word_at(a, at);
	return module_len <= len && ends_on_certificate(a, start, len, module_len);
}

/* The certificates back to back from @start: their total length (0: none there). */
static uint64_t run_at(const struct area *a, uint64_t start)
{
	uint64_t end = start;
	size_t n;

	while ((n = mt_x509_certificate_at(a->data + end, a->size - end)) > 0)
		end += n;
	return end - start;
}

struct found {
	uint64_t start, len;
	bool sure;
};

/* Search one section; stop at a run that is surely the list. */
static void search_area(const struct area *a, struct found *best)
{
	uint64_t off = 0, len, after;

	while (off < a->size && !(best->len && best->sure)) {
		len = a->data[off] == MT_DER_SEQUENCE ? run_at(a, off) : 0;
		if (len == 0) {
			off++;
			continue;
		}
		if (length_follows(a, off + len, len, &after)) {
			bool sure = module_length_follows(a, off, len, after);

			if (!best->len || sure)
				*best = (struct found){ off, len, sure };
		}
		off += len;
	}
}

/* The init data sections that may hold .init.rodata's contents. */
static const char *const init_sections[] = { ".init.data", ".init.rodata" };
#define N_INIT_SECTIONS (sizeof(init_sections) / sizeof(init_sections[0]))

int mt_vmlinux_cert_list(const uint8_t *image, size_t size, const uint8_t **list, size_t *len,
			 const char **why)
{
	struct mt_elf_section secs[N_INIT_SECTIONS];
	struct found best = { 0 };
	struct mt_elf elf;
	bool any = false;
	int err;

	if (size < 4 || memcmp(image, "\177ELF", 4) != 0) {
		*why = "not an ELF file";
		return -ENOEXEC;
	}
	/* an ELF file whose headers lie is corrupt, not something else */
	err = mt_elf_init(&elf, image, size, why);
	if (err < 0)
		return -EBADMSG;
	err = mt_elf_find_sections(&elf, init_sections, N_INIT_SECTIONS, secs, why);
	if (err < 0)
		return -EBADMSG;
	for (size_t i = 0; i < N_INIT_SECTIONS && !best.sure; i++) {
		struct area a = { &elf, secs[i].data, secs[i].size, secs[i].addr, elf.is64 ? 8 : 4 };
		struct found here = { 0 };

		if (secs[i].index == 0 || !secs[i].data)
			continue;
		any = true;
		search_area(&a, &here);
		if (here.len && (!best.len || here.sure)) {
			best = here;
			*list = a.data + here.start;
		}
	}
	if (!any) {
		*why = "an ELF file without init data (.init.data): not a kernel";
		return -ENOEXEC;
	}
	if (!best.len) {
		*why = "no built-in certificate list (system_certificate_list) found";
		return -ENODATA;
	}
	*len = best.len;
	return 0;
}
