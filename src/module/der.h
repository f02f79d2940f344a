/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A minimal, bounds-checked DER (ASN.1) reader: enough to walk PKCS#7.
 *
 * It never allocates and never reads outside the buffer it is given.  It
 * accepts definite lengths only (BER's indefinite form and the end-of-contents
 * marker 00 00 are refused), long-form lengths of up to 8 octets, leading
 * zero octets included, as OpenSSL does, and tag numbers up to 2^24 - 1 in
 * the high-tag-number form.
 */
#ifndef MODTOOL_DER_H
#define MODTOOL_DER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A cursor over DER bytes: each read consumes one element from it. */
struct mt_der {
	const uint8_t *p;
	size_t len;
};

/*
 * One decoded element: tag and its contents.  The tag keeps the class and
 * constructed bits of the identifier octet: 0x30 SEQUENCE, 0xA0 [0] ... A tag
 * number above 30 is stored as (class | constructed | 0x1f) + (number << 8);
 * a number below 31 written in the long form is folded back to its one-octet
 * form, so each tag has one value.
 */
struct mt_der_elem {
	uint32_t tag;
	const uint8_t *data;
	size_t len;
	size_t hdr_len;		/* identifier and length octets before @data */
};

#define MT_DER_BOOLEAN 0x01
#define MT_DER_INTEGER 0x02
#define MT_DER_BIT_STRING 0x03
#define MT_DER_OCTET_STRING 0x04
#define MT_DER_NULL 0x05
#define MT_DER_OID 0x06
#define MT_DER_ENUMERATED 0x0A
#define MT_DER_UTF8STRING 0x0C
#define MT_DER_PRINTABLESTRING 0x13
#define MT_DER_IA5STRING 0x16
#define MT_DER_UNIVERSALSTRING 0x1C
#define MT_DER_BMPSTRING 0x1E
#define MT_DER_SEQUENCE 0x30
#define MT_DER_SET 0x31
#define MT_DER_CONTEXT(n) (0xA0u | (n))		/* constructed [n] */
#define MT_DER_CONTEXT_PRIM(n) (0x80u | (n))	/* primitive [n] */

#define MT_DER_CLASS_MASK 0xC0u
#define MT_DER_CLASS_UNIVERSAL 0x00u
#define MT_DER_CONSTRUCTED 0x20u

static inline uint32_t mt_der_class(uint32_t tag)
{
	return tag & MT_DER_CLASS_MASK;
}

static inline bool mt_der_is_constructed(uint32_t tag)
{
	return tag & MT_DER_CONSTRUCTED;
}

/* The tag number, whichever form it was written in. */
static inline uint32_t mt_der_tag_number(uint32_t tag)
{
	return (tag & 0x1f) == 0x1f ? tag >> 8 : tag & 0x1f;
}

/* Read the next element; false (cursor unchanged) on malformed or empty input. */
bool mt_der_next(struct mt_der *d, struct mt_der_elem *e);
/* Read the next element and require its tag to be @tag (else cursor unchanged). */
bool mt_der_expect(struct mt_der *d, uint32_t tag, struct mt_der_elem *e);
/*
 * Read the next element only if it is well formed and tagged @tag: true when
 * it was read, false (cursor unchanged) otherwise.  For OPTIONAL fields.
 */
bool mt_der_optional(struct mt_der *d, uint32_t tag, struct mt_der_elem *e);
/* Is the cursor used up?  (Checks that nothing trails a SEQUENCE's fields.) */
static inline bool mt_der_at_end(const struct mt_der *d)
{
	return d->len == 0;
}
/* A cursor over the contents of a constructed element. */
static inline struct mt_der mt_der_enter(const struct mt_der_elem *e)
{
	return (struct mt_der){ e->data, e->len };
}
/* Does the OID element equal the encoded OID bytes @oid of @len? */
bool mt_der_oid_eq(const struct mt_der_elem *e, const uint8_t *oid, size_t len);
/*
 * Is this a well-formed OBJECT IDENTIFIER (tag 0x06): not empty, no
 * sub-identifier starting with 0x80, the last one complete?
 */
bool mt_der_oid_valid(const struct mt_der_elem *e);
/*
 * Is this a well-formed INTEGER or ENUMERATED (tag 0x02 or 0x0A): not empty,
 * and in its shortest two's complement form (no redundant 00 or FF octet)?
 */
bool mt_der_integer_valid(const struct mt_der_elem *e);

#endif
