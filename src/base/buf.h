/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A growable buffer: appends never fail on the spot, the first failure sticks
 * in @err and later appends do nothing, so a writer checks once at the end.
 */
#ifndef MODTOOL_BUF_H
#define MODTOOL_BUF_H

#include <stddef.h>
#include <string.h>

struct mt_buf {
	char *p;
	size_t len, cap;
	int err;		/* sticky -ENOMEM */
};

void mt_buf_put_slow(struct mt_buf *b, const void *data, size_t len);
/* Inline while there is room: records and indexes are built a few bytes at a time. */
static inline void mt_buf_put(struct mt_buf *b, const void *data, size_t len)
{
	if (len < b->cap - b->len && !b->err) {	/* room for @len and the NUL */
		memcpy(b->p + b->len, data, len);
		b->len += len;
		b->p[b->len] = 0;
		return;
	}
	mt_buf_put_slow(b, data, len);
}

static inline void mt_buf_putc(struct mt_buf *b, char c)
{
	mt_buf_put(b, &c, 1);
}

void mt_buf_puts(struct mt_buf *b, const char *s);
void mt_buf_printf(struct mt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void mt_buf_free(struct mt_buf *b);

#endif
