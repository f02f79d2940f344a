// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one JSON writer of every tool: it places the commas and colons and
 * escapes strings, so no tool builds JSON by hand.  Output is buffered and
 * written with write(2); nesting is tracked to know where commas go.
 */
#include <stdio.h>
#include <unistd.h>

#include "base/internal.h"

#define JSON_MAX_DEPTH 64

struct modtool_json {
	int fd;
	int err;
	unsigned int depth;
	bool need_comma[JSON_MAX_DEPTH + 1];
	bool after_key;
	size_t len;
	char buf[8192];
};

static void flush_buf(struct modtool_json *j)
{
	size_t off = 0;

	while (off < j->len && !j->err) {
		ssize_t r = write(j->fd, j->buf + off, j->len - off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			j->err = r < 0 ? -errno : -EIO;
		else
			off += r;
	}
	j->len = 0;
}

static void put(struct modtool_json *j, const char *s, size_t n)
{
	while (n) {
		size_t room = sizeof(j->buf) - j->len, k = n < room ? n : room;

		memcpy(j->buf + j->len, s, k);
		j->len += k;
		s += k;
		n -= k;
		if (j->len == sizeof(j->buf))
			flush_buf(j);
	}
}

static void puts_(struct modtool_json *j, const char *s)
{
	put(j, s, strlen(s));
}

/* Before any value: a comma after a sibling, nothing after a key. */
static void begin_value(struct modtool_json *j)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->need_comma[j->depth])
		put(j, ",", 1);
	j->need_comma[j->depth] = true;
}

MT_EXPORT struct modtool_json *modtool_json_new(int fd)
{
	struct modtool_json *j = calloc(1, sizeof(*j));

	if (j)
		j->fd = fd;
	return j;
}

static void open_(struct modtool_json *j, const char *c)
{
	if (!j)
		return;
	begin_value(j);
	puts_(j, c);
	if (j->depth < JSON_MAX_DEPTH)
		j->depth++;
	else
		j->err = j->err ? j->err : -E2BIG;
	j->need_comma[j->depth] = false;
}

static void close_(struct modtool_json *j, const char *c)
{
	if (!j)
		return;
	if (j->depth > 0)
		j->depth--;
	puts_(j, c);
}

MT_EXPORT void modtool_json_begin_object(struct modtool_json *j)
{
	open_(j, "{");
}

MT_EXPORT void modtool_json_end_object(struct modtool_json *j)
{
	close_(j, "}");
}

MT_EXPORT void modtool_json_begin_array(struct modtool_json *j)
{
	open_(j, "[");
}

MT_EXPORT void modtool_json_end_array(struct modtool_json *j)
{
	close_(j, "]");
}

static void put_string(struct modtool_json *j, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	put(j, "\"", 1);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		char esc[7] = { '\\', 0 };

		if (*p == '"' || *p == '\\') {
			esc[1] = *p;
			put(j, esc, 2);
		} else if (*p == '\n') {
			put(j, "\\n", 2);
		} else if (*p == '\t') {
			put(j, "\\t", 2);
		} else if (*p < 0x20 || *p == 0x7f) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[*p >> 4];
			esc[5] = hex[*p & 15];
			put(j, esc, 6);
		} else {
			/* bytes >= 0x80 pass as they are: names and paths are bytes */
			put(j, (const char *)p, 1);
		}
	}
	put(j, "\"", 1);
}

MT_EXPORT void modtool_json_key(struct modtool_json *j, const char *key)
{
	if (!j)
		return;
	begin_value(j);
	put_string(j, key ? key : "");
	put(j, ":", 1);
	j->after_key = true;
}

MT_EXPORT void modtool_json_string(struct modtool_json *j, const char *value)
{
	if (!j)
		return;
	begin_value(j);
	if (value)
		put_string(j, value);
	else
		puts_(j, "null");
}

MT_EXPORT void modtool_json_int(struct modtool_json *j, long long value)
{
	char num[24];

	if (!j)
		return;
	begin_value(j);
	put(j, num, snprintf(num, sizeof(num), "%lld", value));
}

MT_EXPORT void modtool_json_bool(struct modtool_json *j, bool value)
{
	if (!j)
		return;
	begin_value(j);
	puts_(j, value ? "true" : "false");
}

MT_EXPORT int modtool_json_free(struct modtool_json *j)
{
	int err;

	if (!j)
		return -ENOMEM;
	put(j, "\n", 1);
	flush_buf(j);
	err = j->err;
	free(j);
	return err;
}
