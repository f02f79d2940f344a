// SPDX-License-Identifier: LGPL-2.1-or-later
/* Growable text and byte buffers with a sticky error: depmod's records and indexes. */
#include <stdarg.h>
#include <stdio.h>

#include "base/buf.h"
#include "base/internal.h"

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
