// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading the running kernel's files under /proc and /sys (below the
 * context's sysroot, which tests point at a fake tree): small attributes
 * and /proc/modules whole.
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

#include "base/internal.h"
#include "kernel/sysfs.h"

/* /proc/modules of a machine with very many modules is well under this. */
#define PROC_MODULES_MAX ((size_t)64 << 20)

/* @buf = sysroot + the formatted path ("/sys/module/..."). */
int mt_sys_path(const struct modtool_ctx *ctx, char *buf, size_t size, const char *format, ...)
{
	const char *root = ctx->sysroot ? ctx->sysroot : "";
	size_t len = strlen(root);
	va_list args;
	int n;

	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(buf, root, len);
	va_start(args, format);
	n = vsnprintf(buf + len, size - len, format, args);
	va_end(args);
	if (n < 0 || (size_t)n >= size - len)
		return -ENAMETOOLONG;
	return 0;
}

/*
 * Read a small attribute file at @dfd/@name into @buf (NUL-terminated).  A
 * path alone (AT_FDCWD) is opened with open(), which fakes of the kernel
 * (kmod's testsuite) interpose, as they do not openat().
 */
int mt_read_attr(int dfd, const char *name, char *buf, size_t size)
{
	const int flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK;
	size_t done;
	int fd = dfd == AT_FDCWD ? open(name, flags) : openat(dfd, name, flags), err;

	if (fd < 0)
		return -errno;
	err = mt_read_full(fd, buf, size - 1, &done);
	close(fd);
	if (err < 0)
		return err;
	buf[done] = '\0';
	return (int)done;
}

int mt_read_attr_long(int dfd, const char *name, long *value)
{
	char buf[32], *end;
	int err = mt_read_attr(dfd, name, buf, sizeof(buf));

	if (err < 0)
		return err;
	errno = 0;
	*value = strtol(buf, &end, 10);
	if (end == buf || errno || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

int mt_read_whole(const struct modtool_ctx *ctx, const char *file, size_t max, char **textp,
		  size_t *lenp)
{
	size_t len = 0, cap = 16384;
	char path[PATH_MAX], *text = NULL;
	int fd, err = mt_sys_path(ctx, path, sizeof(path), "%s", file);

	if (err < 0)
		return err;
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n;

		if (!text || len + 1 >= cap) {
			char *p;

			if (text)
				cap *= 2;
			p = cap > max ? NULL : realloc(text, cap);
			if (!p) {
				err = cap > max ? -EFBIG : -ENOMEM;
				break;
			}
			text = p;
		}
		n = read(fd, text + len, cap - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			err = -errno;
		if (n <= 0)
			break;
		len += n;
	}
	close(fd);
	if (err < 0) {
		free(text);
		return err;
	}
	text[len] = '\0';
	*textp = text;
	*lenp = len;
	return 0;
}


int mt_read_proc_modules(struct modtool_ctx *ctx, char **text, size_t *len)
{
	return mt_read_whole(ctx, "/proc/modules", PROC_MODULES_MAX, text, len);
}
