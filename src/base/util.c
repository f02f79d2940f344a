// SPDX-License-Identifier: LGPL-2.1-or-later
/* Small helpers shared by several concerns. */
#include <dirent.h>
#include <unistd.h>

#include "base/internal.h"

int mt_modname_normalize(const char *name, char *out, size_t outsize)
{
	size_t i;

	for (i = 0; name[i]; i++) {
		if (i + 1 >= outsize)
			return -ENAMETOOLONG;
		out[i] = name[i] == '-' ? '_' : name[i];
	}
	out[i] = '\0';
	return 0;
}

void *mt_grow(void *p, size_t *cap, size_t need, size_t elem)
{
	size_t n = *cap ? *cap : 16;

	if (need <= *cap)
		return p;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return NULL;
		n *= 2;
	}
	if (n > SIZE_MAX / elem)
		return NULL;
	p = realloc(p, n * elem);
	if (p)
		*cap = n;
	return p;
}

int mt_strv_push(char ***v, size_t *n, size_t *cap, const char *s)
{
	char **p = mt_grow(*v, cap, *n + 1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	*v = p;
	p[*n] = strdup(s);
	if (!p[*n])
		return -ENOMEM;
	(*n)++;
	return 0;
}

void mt_strv_free(char **v, size_t n)
{
	for (size_t i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

DIR *mt_opendir_fd(const struct modtool_ctx *ctx, int dfd, const char *path, int *err)
{
	DIR *d = fdopendir(dfd);

	if (d)
		return d;
	*err = -errno;
	close(dfd);
	mt_err(ctx, "%s: %s\n", path, strerror(-*err));
	return NULL;
}

int mt_write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

int mt_read_full(int fd, void *buf, size_t len, size_t *got)
{
	*got = 0;
	while (*got < len) {
		ssize_t n = read(fd, (char *)buf + *got, len - *got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		*got += n;
	}
	return 0;
}
