// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The flat per-module record (layout in record.h): built by parse.c,
 * stored as it is in the cache, read back by resolution and output.  A record
 * from the cache is checked whole by mt_record_valid() before any use, so
 * the readers below only walk what has been checked.
 */
#include <stdio.h>

#include "base/internal.h"
#include "depmod/record.h"

void mt_record_put_u32(struct mt_buf *b, uint32_t v)
{
	mt_buf_put(b, &v, sizeof(v));
}

void mt_record_put_u64(struct mt_buf *b, uint64_t v)
{
	mt_buf_put(b, &v, sizeof(v));
}

void mt_record_patch_u32(struct mt_buf *b, size_t at, uint32_t v)
{
	if (!b->err)
		memcpy(b->p + at, &v, sizeof(v));
}

static const uint8_t *skip_string(const uint8_t *p, const uint8_t *end)
{
	const uint8_t *nul = memchr(p, 0, (size_t)(end - p));

	return nul ? nul + 1 : NULL;
}

/* Check one section of @n entries, each @fixed bytes then a string. */
static const uint8_t *valid_section(const uint8_t *p, const uint8_t *end, size_t fixed)
{
	uint32_t n;

	if ((size_t)(end - p) < sizeof(n))
		return NULL;
	memcpy(&n, p, sizeof(n));
	p += sizeof(n);
	for (uint32_t i = 0; i < n && p; i++) {
		if ((size_t)(end - p) < fixed)
			return NULL;
		p = skip_string(p + fixed, end);
	}
	return p;
}

bool mt_record_valid(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end = data + size;

	p = valid_section(p, end, 0);
	p = p ? valid_section(p, end, 8) : NULL;
	p = p ? valid_section(p, end, 9) : NULL;
	return p == end;
}

static const uint8_t *section_start(const struct mt_record *r, int which)
{
	const uint8_t *p = r->data, *end = r->data + r->size;
	static const size_t fixed[] = { 0, 8, 9 };

	for (int s = 0; s < which && p; s++) {
		uint32_t n;

		memcpy(&n, p, sizeof(n));
		p += sizeof(n);
		for (uint32_t i = 0; i < n && p; i++)
			p = skip_string(p + fixed[s], end);
	}
	return p;
}

uint32_t mt_record_section(const struct mt_record *r, int which, struct mt_record_iter *it)
{
	const uint8_t *p = r->size ? section_start(r, which) : NULL;
	uint32_t n;

	it->end = r->data + r->size;
	if (!p || (size_t)(it->end - p) < sizeof(n)) {
		it->p = it->end;
		return 0;
	}
	memcpy(&n, p, sizeof(n));
	it->p = p + sizeof(n);
	return n;
}

const char *mt_record_next_info(struct mt_record_iter *it)
{
	const char *s = (const char *)it->p;

	it->p = skip_string(it->p, it->end);
	return s;
}

const char *mt_record_next_symbol(struct mt_record_iter *it, uint64_t *crc, bool *weak)
{
	const char *s;

	memcpy(crc, it->p, sizeof(*crc));
	it->p += sizeof(*crc);
	if (weak) {
		*weak = *it->p != 0;
		it->p++;
	}
	s = (const char *)it->p;
	it->p = skip_string(it->p, it->end);
	return s;
}

const char *mt_record_info_value(const char *s, const char *key)
{
	size_t kl = strlen(key);

	return strncmp(s, key, kl) == 0 && s[kl] == '=' ? s + kl + 1 : NULL;
}

bool mt_record_devname(const struct mt_record *r, struct mt_record_devname *d)
{
	struct mt_record_iter it;
	uint32_t n = mt_record_section(r, 0, &it);
	unsigned int maj, min;

	*d = (struct mt_record_devname){ 0 };
	for (uint32_t k = 0; k < n && !(d->type && d->devname); k++) {
		const char *v = mt_record_info_value(mt_record_next_info(&it), "alias");

		if (!v)
			continue;
		if (strncmp(v, "devname:", 8) == 0)
			d->devname = v + 8;
		/* the prefix first: sscanf on every alias is a tenth of the run */
		else if (v[0] == 'c' && sscanf(v, "char-major-%u-%u", &maj, &min) == 2)
			d->type = 'c', d->major = maj, d->minor = min;
		else if (v[0] == 'b' && sscanf(v, "block-major-%u-%u", &maj, &min) == 2)
			d->type = 'b', d->major = maj, d->minor = min;
	}
	return d->devname && d->type;
}
