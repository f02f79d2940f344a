// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * A minimal DER reader.  Every length is checked against what is left of
 * the cursor before anything is read, so no input can make it read past
 * the buffer; it keeps no state besides the cursor and never allocates.
 *
 * Where DER is stricter than OpenSSL's BER-tolerant decoder (which kmod
 * uses and whose verdicts we reproduce), we follow OpenSSL when that
 * costs nothing: redundant leading zero octets in long-form lengths and
 * tag numbers below 31 written in the long form are accepted.  What would
 * need copying or unbounded scanning (indefinite lengths) is refused.
 */
#include <string.h>

#include "module/der.h"

/* OpenSSL reads at most sizeof(long) length octets; so do we. */
#define DER_MAX_LENGTH_OCTETS 8
/* Tag numbers must fit beside the identifier bits in a uint32_t. */
#define DER_MAX_TAG_NUMBER ((1u << 24) - 1)

/* Decode the identifier octets at @p (@avail bytes); 0 on error, else their count. */
static size_t der_read_tag(const uint8_t *p, size_t avail, uint32_t *tag)
{
	uint32_t number = 0;
	size_t i;

	if (avail == 0)
		return 0;
	if ((p[0] & 0x1f) != 0x1f) {
		*tag = p[0];
		return 1;
	}
	for (i = 1; i < avail; i++) {
		number = (number << 7) | (p[i] & 0x7f);
		if (number > DER_MAX_TAG_NUMBER)
			return 0;
		if (!(p[i] & 0x80))
			break;
	}
	if (i == avail)
		return 0;	/* the tag number runs off the end */
	if (number < 0x1f)
		*tag = (p[0] & 0xe0) | number;
	else
		*tag = (p[0] & 0xe0) | 0x1f | (number << 8);
	return i + 1;
}

/* Decode the length octets at @p (@avail bytes); 0 on error, else their count. */
static size_t der_read_length(const uint8_t *p, size_t avail, uint64_t *len)
{
	size_t n, i;
	uint64_t value = 0;

	if (avail == 0)
		return 0;
	if (!(p[0] & 0x80)) {
		*len = p[0];
		return 1;
	}
	/* 0x80 is BER's indefinite length: never valid in DER. */
	n = p[0] & 0x7f;
	if (n == 0 || n > DER_MAX_LENGTH_OCTETS || n >= avail)
		return 0;
	for (i = 1; i <= n; i++)
		value = (value << 8) | p[i];
	*len = value;
	return n + 1;
}

bool mt_der_next(struct mt_der *d, struct mt_der_elem *e)
{
	size_t tag_len, len_len, hdr;
	uint32_t tag;
	uint64_t len;

	tag_len = der_read_tag(d->p, d->len, &tag);
	if (tag_len == 0)
		return false;
	len_len = der_read_length(d->p + tag_len, d->len - tag_len, &len);
	if (len_len == 0)
		return false;
	hdr = tag_len + len_len;
	if (len > d->len - hdr)
		return false;
	/* An end-of-contents marker only means something after an indefinite length. */
	if (tag == 0 && len == 0)
		return false;
	e->tag = tag;
	e->data = d->p + hdr;
	e->len = (size_t)len;
	e->hdr_len = hdr;
	d->p += hdr + e->len;
	d->len -= hdr + e->len;
	return true;
}

bool mt_der_expect(struct mt_der *d, uint32_t tag, struct mt_der_elem *e)
{
	struct mt_der save = *d;

	if (!mt_der_next(d, e))
		return false;
	if (e->tag != tag) {
		*d = save;
		return false;
	}
	return true;
}

bool mt_der_optional(struct mt_der *d, uint32_t tag, struct mt_der_elem *e)
{
	return mt_der_expect(d, tag, e);
}

bool mt_der_oid_eq(const struct mt_der_elem *e, const uint8_t *oid, size_t len)
{
	return e->tag == MT_DER_OID && e->len == len && memcmp(e->data, oid, len) == 0;
}

bool mt_der_oid_valid(const struct mt_der_elem *e)
{
	size_t i;

	if (e->tag != MT_DER_OID || e->len == 0)
		return false;
	if (e->data[e->len - 1] & 0x80)
		return false;	/* the last sub-identifier is cut short */
	for (i = 0; i < e->len; i++) {
		bool starts_subid = i == 0 || !(e->data[i - 1] & 0x80);

		/* 0x80 opening a sub-identifier is a redundant leading zero. */
		if (starts_subid && e->data[i] == 0x80)
			return false;
	}
	return true;
}

bool mt_der_integer_valid(const struct mt_der_elem *e)
{
	if (e->tag != MT_DER_INTEGER && e->tag != MT_DER_ENUMERATED)
		return false;
	if (e->len == 0)
		return false;
	if (e->len == 1)
		return true;
	/* The first nine bits must not be all zeros or all ones. */
	if (e->data[0] == 0x00 && !(e->data[1] & 0x80))
		return false;
	if (e->data[0] == 0xff && (e->data[1] & 0x80))
		return false;
	return true;
}
