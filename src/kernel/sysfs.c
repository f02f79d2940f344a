// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Reading the running kernel's files under /proc and /sys (below the
 * context's sysroot, which tests point at a fake tree): small attributes
 * and /proc/modules whole.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
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

/* Read a small attribute file at @dfd/@name into @buf (NUL-terminated). */
int mt_read_attr(int dfd, const char *name, char *buf, size_t size)
{
	size_t done;
	int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK), err;

	if (fd < 0)
		return -errno;
	err = mt_read_full(fd, buf, size - 1, &done);
	close(fd);
	if (err < 0)
		return err;
	buf[done] = '\0';
	return (int)done;
}

/* The one number of a small attribute file: signed in base 10, else unsigned in @base. */
static int read_attr_number(int dfd, const char *name, int base, long *value,
			    unsigned long *uvalue)
{
	char buf[32], *end;
	int err = mt_read_attr(dfd, name, buf, sizeof(buf));

	if (err < 0)
		return err;
	errno = 0;
	if (value)
		*value = strtol(buf, &end, 10);
	else
		*uvalue = strtoul(buf, &end, base);
	if (end == buf || errno || (*end && *end != '\n'))
		return -EINVAL;
	return 0;
}

int mt_read_attr_long(int dfd, const char *name, long *value)
{
	return read_attr_number(dfd, name, 10, value, NULL);
}

int mt_read_attr_ulong(int dfd, const char *name, int base, unsigned long *value)
{
	return read_attr_number(dfd, name, base, NULL, value);
}

int mt_read_module_attr_long(struct modtool_ctx *ctx, const char *module, const char *name,
			     long *value)
{
	int dfd = mt_open_module_dir(ctx, module), err;

	if (dfd < 0)
		return dfd;
	err = mt_read_attr_long(dfd, name, value);
	close(dfd);
	return err;
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

int mt_open_module_dir(struct modtool_ctx *ctx, const char *name)
{
	char norm[NAME_MAX + 1], path[PATH_MAX];
	int err = mt_modname_normalize(name, norm, sizeof(norm));

	/* a name is one path component: "../x" must not reach outside */
	if (err == 0 && (strchr(norm, '/') || mt_streq(norm, ".") || mt_streq(norm, "..") || !*norm))
		err = -ENOENT;
	if (err == 0)
		err = mt_sys_path(ctx, path, sizeof(path), "/sys/module/%s", norm);
	if (err < 0)
		return err;
	err = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return err < 0 ? -errno : err;
}

int mt_read_holders(int dfd, char **out)
{
	size_t len = 0;
	struct dirent *d;
	char *s = NULL;
	DIR *dir;
	int fd = openat(dfd, "holders", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return -errno;
	}
	s = strdup("");
	while (s && (d = readdir(dir))) {
		size_t n = strlen(d->d_name);
		char *p;

		if (d->d_name[0] == '.')
			continue;
		p = realloc(s, len + n + 2);
		if (!p) {
			free(s);
			s = NULL;
			break;
		}
		s = p;
		if (len)
			s[len++] = ',';
		memcpy(s + len, d->d_name, n + 1);
		len += n;
	}
	closedir(dir);
	if (!s)
		return -ENOMEM;
	*out = s;
	return 0;
}
