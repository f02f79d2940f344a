// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A stand-in for journald in the qemu guest (tests/vm/monitor.sh): binds
 * the journal's native socket (argv[1]), and writes each record it gets to
 * stdout as "@@record" and one "KEY=VALUE" line per field, decoding the
 * native protocol (plain lines, and the length-prefixed form for values
 * with newlines, which are printed as "\n"), including records passed in a
 * memfd.  A record it cannot decode is printed as "@@bad-record".
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define RECORD_MAX (4 << 20)

static void print_value(const char *v, size_t len)
{
	for (size_t i = 0; i < len; i++)
		fputs(v[i] == '\n' ? "\\n" : (char[]){ v[i], 0 }, stdout);
}

/* 0, or -1 for a record that breaks the protocol. */
static int print_record(const char *p, size_t len)
{
	const char *end = p + len;

	printf("@@record\n");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *eq;
		uint64_t n = 0;

		if (!eol)
			return -1;
		eq = memchr(p, '=', (size_t)(eol - p));
		if (eq) {
			fwrite(p, 1, (size_t)(eol - p), stdout);
			putchar('\n');
			p = eol + 1;
			continue;
		}
		if (end - eol - 1 < 8)
			return -1;
		for (int i = 7; i >= 0; i--)
			n = n << 8 | (uint8_t)eol[1 + i];
		if (n > (uint64_t)(end - eol - 9) || eol[9 + n] != '\n')
			return -1;
		fwrite(p, 1, (size_t)(eol - p), stdout);
		putchar('=');
		print_value(eol + 9, (size_t)n);
		putchar('\n');
		p = eol + 9 + n + 1;
	}
	return 0;
}

int main(int argc, char *argv[])
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int size = 8 << 20, fd;
	char *buf = malloc(RECORD_MAX);

	if (argc != 2 || !buf || strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "usage: journal-listener SOCKET\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	unlink(argv[1]);
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		perror(argv[1]);
		return 1;
	}
	chmod(argv[1], 0666);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
	for (;;) {
		union {
			struct cmsghdr align;
			char buf[CMSG_SPACE(sizeof(int))];
		} control;
		struct iovec iov = { buf, RECORD_MAX };
		struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
				      .msg_controllen = sizeof(control) };
		struct cmsghdr *c;
		ssize_t n = recvmsg(fd, &msg, 0);
		int passed;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return 1;
		c = CMSG_FIRSTHDR(&msg);
		if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			memcpy(&passed, CMSG_DATA(c), sizeof(int));
			n = pread(passed, buf, RECORD_MAX, 0);
			close(passed);
			printf("@@memfd\n");
		}
		if (n < 0 || print_record(buf, (size_t)n) < 0)
			printf("@@bad-record\n");
		fflush(stdout);
	}
}
