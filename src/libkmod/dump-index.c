// SPDX-License-Identifier: LGPL-2.1-or-later
/* kmod_dump_index(): an index as text, one "KEY VALUE" line per value, as kmod writes it. */
#include <errno.h>
#include <unistd.h>

#include "base/buf.h"
#include "libkmod/internal.h"

struct dump {
	const char *prefix;	/* "alias " for the alias indexes */
	struct mt_buf buf;
	int fd;
};

/* Write out what the buffer holds: 0 or -errno. */
static int flush(struct dump *d)
{
	size_t done = 0;

	if (d->buf.err)
		return d->buf.err;
	while (done < d->buf.len) {
		ssize_t n = write(d->fd, d->buf.p + done, d->buf.len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	d->buf.len = 0;
	return 0;
}

static int dump_line(void *data, const char *key, const char *value)
{
	struct dump *d = data;

	mt_buf_puts(&d->buf, d->prefix);
	mt_buf_puts(&d->buf, key);
	mt_buf_putc(&d->buf, ' ');
	mt_buf_puts(&d->buf, value);
	mt_buf_putc(&d->buf, '\n');
	return d->buf.len >= 65536 || d->buf.err ? flush(d) : 0;
}

KMOD_EXPORT int kmod_dump_index(struct kmod_ctx *ctx, enum kmod_index type, int fd)
{
	static const struct {
		enum modtool_index_kind kind;
		const char *prefix;
	} kinds[] = {
		[KMOD_INDEX_MODULES_DEP] = { MODTOOL_INDEX_DEP, "" },
		[KMOD_INDEX_MODULES_ALIAS] = { MODTOOL_INDEX_ALIASES, "alias " },
		[KMOD_INDEX_MODULES_SYMBOL] = { MODTOOL_INDEX_SYMBOLS, "alias " },
		[KMOD_INDEX_MODULES_BUILTIN_ALIAS] = { MODTOOL_INDEX_BUILTIN_ALIASES, "" },
		[KMOD_INDEX_MODULES_BUILTIN] = { MODTOOL_INDEX_BUILTIN, "" },
	};
	struct dump d = { .fd = fd };
	int err;

	if (!ctx)
		return -ENOSYS;
	if ((unsigned int)type >= sizeof(kinds) / sizeof(kinds[0]))
		return -ENOENT;
	d.prefix = kinds[type].prefix;
	err = modtool_index_foreach(ctx->mt, kinds[type].kind, dump_line, &d);
	if (err == 0)
		err = flush(&d);
	mt_buf_free(&d.buf);
	return err;
}
