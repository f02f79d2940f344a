// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one JSON writer of every tool: it places the commas and colons and
 * escapes strings, so no tool builds JSON by hand.  Output is buffered and
 * written with write(2); nesting is tracked to know where commas go.  What
 * a string becomes (escapes, invalid UTF-8 as U+FFFD) is documented in
 * libmodtool.h and in the man pages' JSON sections.
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

/*
 * The length of the valid UTF-8 sequence at @p (1 to 4), or 0 when the byte
 * at @p does not begin one: a stray continuation byte, a truncated sequence,
 * an overlong form, a surrogate (U+D800..U+DFFF) or a code point past
 * U+10FFFF.  The string ends with NUL, which is no continuation byte, so a
 * truncated sequence is never read past its end.
 */
static size_t utf8_sequence(const unsigned char *p)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t len;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	/* the second byte's range rules out overlong forms, surrogates, > U+10FFFF */
	if (p[0] == 0xe0)
		lo = 0xa0;
	else if (p[0] == 0xed)
		hi = 0x9f;
	else if (p[0] == 0xf0)
		lo = 0x90;
	else if (p[0] == 0xf4)
		hi = 0x8f;
	if (p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

/* The escape of byte @c, or NULL when it goes out as it is. */
static const char *escape_of(unsigned char c, char buf[7])
{
	static const char hex[] = "0123456789abcdef";

	switch (c) {
	case '"': return "\\\"";
	case '\\': return "\\\\";
	case '\b': return "\\b";
	case '\f': return "\\f";
	case '\n': return "\\n";
	case '\r': return "\\r";
	case '\t': return "\\t";
	}
	if (c >= 0x20 && c != 0x7f)
		return NULL;
	/* the other control bytes, and DEL, which JSON allows raw but a terminal does not */
	memcpy(buf, "\\u00", 4);
	buf[4] = hex[c >> 4];
	buf[5] = hex[c & 15];
	buf[6] = '\0';
	return buf;
}

/*
 * A JSON string of the bytes of @s.  Valid UTF-8 passes as it is; each byte
 * that does not begin a valid sequence is written as U+FFFD (\ufffd) and
 * the next byte is looked at afresh, so the output is always valid JSON of
 * valid UTF-8 (module strings are bytes: the kernel does not check them).
 * Runs of plain bytes are copied at once.
 */
static void put_string(struct modtool_json *j, const char *s)
{
	const unsigned char *p = (const unsigned char *)s, *run = p;

	put(j, "\"", 1);
	while (*p) {
		size_t len = utf8_sequence(p);
		const char *esc;
		char buf[7];

		esc = len == 1 ? escape_of(*p, buf) : len ? NULL : "\\ufffd";
		if (!esc) {
			p += len;
			continue;
		}
		put(j, (const char *)run, p - run);
		puts_(j, esc);
		run = ++p;
	}
	put(j, (const char *)run, p - run);
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

MT_EXPORT void modtool_json_member_string(struct modtool_json *j, const char *key,
					  const char *value)
{
	modtool_json_key(j, key);
	modtool_json_string(j, value);
}

MT_EXPORT void modtool_json_member_int(struct modtool_json *j, const char *key, long long value)
{
	modtool_json_key(j, key);
	modtool_json_int(j, value);
}

MT_EXPORT void modtool_json_member_bool(struct modtool_json *j, const char *key, bool value)
{
	modtool_json_key(j, key);
	modtool_json_bool(j, value);
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
