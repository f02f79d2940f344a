// SPDX-License-Identifier: LGPL-2.1-or-later
/* Small helpers of the depmod engine: growable buffers, kmod's hash. */
#include <stdarg.h>
#include <stdio.h>

#include "depmod.h"
#include "internal.h"

void mt_buf_put_slow(struct mt_buf *b, const void *data, size_t len)
{
	char *p;

	if (b->err)
		return;
	if (len > SIZE_MAX - b->len - 1) {
		b->err = -ENOMEM;
		return;
	}
	p = mt_grow(b->p, &b->cap, b->len + len + 1, 1);
	if (!p) {
		b->err = -ENOMEM;
		return;
	}
	b->p = p;
	memcpy(b->p + b->len, data, len);
	b->len += len;
	b->p[b->len] = 0;
}

void mt_buf_puts(struct mt_buf *b, const char *s)
{
	mt_buf_put(b, s, strlen(s));
}

void mt_buf_printf(struct mt_buf *b, const char *fmt, ...)
{
	char small[256], *p;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	va_end(ap);
	if (n < 0) {
		b->err = b->err ? b->err : -EINVAL;
		return;
	}
	if ((size_t)n < sizeof(small)) {
		mt_buf_put(b, small, (size_t)n);
		return;
	}
	if (b->err)
		return;
	p = mt_grow(b->p, &b->cap, b->len + (size_t)n + 1, 1);
	if (!p) {
		b->err = -ENOMEM;
		return;
	}
	b->p = p;
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void mt_buf_free(struct mt_buf *b)
{
	free(b->p);
	*b = (struct mt_buf){ 0 };
}

static inline uint32_t le16_at(const char *p)
{
	return (uint32_t)(uint8_t)p[0] | (uint32_t)(uint8_t)p[1] << 8;
}

/*
 * Paul Hsieh's SuperFastHash, as kmod's hash tables use it: we need the same
 * bucket order to write modules.symbols in kmod's order.  kmod reads the
 * 16-bit words in host order (little endian on the machines it runs on here)
 * and the odd last byte as a signed char.
 */
uint32_t mt_superfast_hash(const char *key, size_t len)
{
	uint32_t hash = (uint32_t)len, tmp;
	size_t rem = len & 3;

	for (len /= 4; len > 0; len--, key += 4) {
		hash += le16_at(key);
		tmp = (le16_at(key + 2) << 11) ^ hash;
		hash = (hash << 16) ^ tmp;
		hash += hash >> 11;
	}
	switch (rem) {
	case 3:
		hash += le16_at(key);
		hash ^= hash << 16;
		hash ^= (uint32_t)((int32_t)(signed char)key[2] << 18);
		hash += hash >> 11;
		break;
	case 2:
		hash += le16_at(key);
		hash ^= hash << 11;
		hash += hash >> 17;
		break;
	case 1:
		hash += (uint32_t)(int32_t)(signed char)*key;
		hash ^= hash << 10;
		hash += hash >> 1;
		break;
	}
	hash ^= hash << 3;
	hash += hash >> 5;
	hash ^= hash << 4;
	hash += hash >> 17;
	hash ^= hash << 25;
	hash += hash >> 6;
	return hash;
}
