// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The journal's native protocol and a syslog fallback, written directly to
 * their sockets: no new library, and nothing that can block a load for
 * long (a send waits at most SEND_TIMEOUT_MS when the reader is behind).
 */
#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "base/internal.h"
#include "watch/journal.h"

#define SEND_TIMEOUT_MS 500
#define SYSLOG_LINE_MAX 8192

void mt_journal_field(struct mt_buf *b, const char *key, const char *value, size_t len)
{
	uint8_t le[8];

	mt_buf_puts(b, key);
	if (!memchr(value, '\n', len)) {
		mt_buf_putc(b, '=');
		mt_buf_put(b, value, len);
		mt_buf_putc(b, '\n');
		return;
	}
	for (int i = 0; i < 8; i++)
		le[i] = (uint8_t)((uint64_t)len >> (8 * i));
	mt_buf_putc(b, '\n');
	mt_buf_put(b, le, sizeof(le));
	mt_buf_put(b, value, len);
	mt_buf_putc(b, '\n');
}

void mt_journal_field_str(struct mt_buf *b, const char *key, const char *value)
{
	if (value)
		mt_journal_field(b, key, value, strlen(value));
}

static int open_socket(const char *path, struct sockaddr_un *addr, socklen_t *len)
{
	struct timeval tv = { 0, SEND_TIMEOUT_MS * 1000 };
	size_t n = strlen(path);
	int fd;

	if (n >= sizeof(addr->sun_path))
		return -ENAMETOOLONG;
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, path, n);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + 1);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	return fd;
}

/* A record too large for one datagram: in a sealed memfd, passed as the only content. */
static int send_memfd(int sock, struct sockaddr_un *addr, socklen_t alen, const struct mt_buf *b)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct msghdr msg = { .msg_name = addr, .msg_namelen = alen, .msg_control = &control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *c;
	int err, fd = memfd_create("modtool-audit", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -errno;
	memset(&control, 0, sizeof(control));	/* the padding goes to the kernel too */
	err = mt_write_full(fd, b->p, b->len);
	if (err == 0 && fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
			      F_SEAL_SEAL) < 0)
		err = -errno;
	if (err == 0) {
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
		if (sendmsg(sock, &msg, MSG_NOSIGNAL) < 0)
			err = -errno;
	}
	close(fd);
	return err;
}

int mt_journal_send(const char *path, const struct mt_buf *b)
{
	struct sockaddr_un addr;
	socklen_t alen;
	int err = 0, fd;

	if (b->err)
		return b->err;
	fd = open_socket(path, &addr, &alen);
	if (fd < 0)
		return fd;
	if (sendto(fd, b->p, b->len, MSG_NOSIGNAL, (struct sockaddr *)&addr, alen) < 0)
		err = -errno;
	if (err == -EMSGSIZE || err == -ENOBUFS)
		err = send_memfd(fd, &addr, alen, b);
	close(fd);
	return err;
}

/*
 * @value in a syslog line: the message as it is, a field's value as one
 * token (quoted where it holds blanks, quotes or newlines); newlines and
 * other control characters never pass, a line stays one line.
 */
static void put_syslog_value(struct mt_buf *out, const char *v, size_t len, bool token)
{
	bool quote = token && (len == 0 || memchr(v, ' ', len) || memchr(v, '"', len) ||
			       memchr(v, '\n', len) || memchr(v, '\\', len));

	if (quote)
		mt_buf_putc(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (v[i] == '\n')
			mt_buf_puts(out, "\\n");
		else if (quote && (v[i] == '"' || v[i] == '\\'))
			mt_buf_printf(out, "\\%c", v[i]);
		else if ((unsigned char)v[i] < ' ')
			mt_buf_putc(out, '?');
		else
			mt_buf_putc(out, v[i]);
	}
	if (quote)
		mt_buf_putc(out, '"');
}

/*
 * Walk the native record @b: @fn(KEY, keylen, VALUE, len) per field.
 * Records made here are well-formed; the walk is bounded all the same.
 */
static void each_field(const struct mt_buf *b, void (*fn)(void *, const char *, size_t,
							   const char *, size_t), void *data)
{
	const char *p = b->p, *end = b->p + b->len;

	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *eq;
		uint64_t len = 0;

		if (!eol)
			return;
		eq = memchr(p, '=', (size_t)(eol - p));
		if (eq) {
			fn(data, p, (size_t)(eq - p), eq + 1, (size_t)(eol - eq - 1));
			p = eol + 1;
			continue;
		}
		if (end - eol - 1 < 8)
			return;
		for (int i = 7; i >= 0; i--)
			len = len << 8 | (uint8_t)eol[1 + i];
		if (len > (uint64_t)(end - eol - 9))
			return;
		fn(data, p, (size_t)(eol - p), eol + 9, (size_t)len);
		p = eol + 9 + len + 1;
	}
}

/* The line: MESSAGE first, then the other fields. */
struct syslog_line {
	struct mt_buf out;
};

static void put_message(void *data, const char *k, size_t kl, const char *v, size_t vl)
{
	struct syslog_line *l = data;

	if (kl == 7 && memcmp(k, "MESSAGE", 7) == 0)
		put_syslog_value(&l->out, v, vl, false);
}

static void put_field(void *data, const char *k, size_t kl, const char *v, size_t vl)
{
	struct syslog_line *l = data;

	if ((kl == 7 && memcmp(k, "MESSAGE", 7) == 0) || (kl == 8 && memcmp(k, "PRIORITY", 8) == 0) ||
	    (kl == 17 && memcmp(k, "SYSLOG_IDENTIFIER", 17) == 0) ||
	    (kl == 15 && memcmp(k, "SYSLOG_FACILITY", 15) == 0))
		return;
	mt_buf_putc(&l->out, ' ');
	mt_buf_put(&l->out, k, kl);
	mt_buf_putc(&l->out, '=');
	put_syslog_value(&l->out, v, vl, true);
}

int mt_syslog_send(const char *path, const struct mt_buf *b, int priority, const char *ident)
{
	struct syslog_line l = { 0 };
	struct sockaddr_un addr;
	char stamp[32] = "";
	socklen_t alen;
	time_t now = time(NULL);
	struct tm tm;
	int err = 0, fd;

	if (b->err)
		return b->err;
	if (localtime_r(&now, &tm))
		strftime(stamp, sizeof(stamp), "%b %e %H:%M:%S", &tm);
	mt_buf_printf(&l.out, "<%d>%s %s[%d]: ", priority, stamp, ident, (int)getpid());
	each_field(b, put_message, &l);
	each_field(b, put_field, &l);
	if (l.out.err) {
		mt_buf_free(&l.out);
		return l.out.err;
	}
	fd = open_socket(path, &addr, &alen);
	if (fd >= 0) {
		size_t len = l.out.len < SYSLOG_LINE_MAX ? l.out.len : SYSLOG_LINE_MAX;

		if (sendto(fd, l.out.p, len, MSG_NOSIGNAL, (struct sockaddr *)&addr, alen) < 0)
			err = -errno;
		close(fd);
	} else {
		err = fd;
	}
	mt_buf_free(&l.out);
	return err;
}
