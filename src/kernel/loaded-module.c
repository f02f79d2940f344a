// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What /sys/module/NAME tells of one loaded module beyond its state: the
 * modules holding it, its size, where its sections were placed.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <unistd.h>

#include "base/internal.h"
#include "kernel/sysfs.h"

/* A module's sections directory holds a few dozen entries; this bounds a strange one. */
#define MAX_SECTIONS 65536

struct section {
	char *name;
	unsigned long address;
};

struct modtool_sections {
	struct section *v;
	size_t count, cap;
};

MT_EXPORT int modtool_module_get_holders(struct modtool_ctx *ctx, const char *name,
					 char **holders)
{
	int dfd, err;

	if (!ctx || !name || !holders)
		return -EINVAL;
	dfd = mt_open_module_dir(ctx, name);
	if (dfd < 0)
		return dfd;
	err = mt_read_holders(dfd, holders);
	close(dfd);
	return err;
}

/* The size column of @name's /proc/modules line: the size, or -ENOENT. */
static long size_from_proc_modules(struct modtool_ctx *ctx, const char *name)
{
	struct modtool_loaded *loaded;
	long size = -ENOENT;
	int err = modtool_loaded_list(ctx, &loaded);

	if (err < 0)
		return err;
	for (size_t i = 0; i < modtool_loaded_count(loaded) && size < 0; i++)
		if (mt_streq(modtool_loaded_get_name(loaded, i), name))
			size = (long)modtool_loaded_get_size(loaded, i);
	modtool_loaded_free(loaded);
	return size;
}

MT_EXPORT long modtool_module_get_size(struct modtool_ctx *ctx, const char *name)
{
	long size;
	int dfd, err;

	if (!ctx || !name)
		return -EINVAL;
	/* no directory: not loaded, whatever /proc/modules says a moment later */
	dfd = mt_open_module_dir(ctx, name);
	if (dfd < 0)
		return dfd;
	close(dfd);
	/* coresize since Linux 3.3; before, only /proc/modules has it */
	err = mt_read_module_attr_long(ctx, name, "coresize", &size);
	if (err == -ENOENT)
		return size_from_proc_modules(ctx, name);
	if (err < 0) {
		mt_err(ctx, "/sys/module/%s/coresize: %s\n", name, strerror(-err));
		return err;
	}
	return size;
}

static int sections_add(struct modtool_sections *s, const char *name, unsigned long address)
{
	struct section *v;

	if (s->count >= MAX_SECTIONS)
		return -E2BIG;
	v = mt_grow(s->v, &s->cap, s->count + 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	s->v = v;
	v[s->count].name = strdup(name);
	if (!v[s->count].name)
		return -ENOMEM;
	v[s->count++].address = address;
	return 0;
}

/* Each file of sections/ (".text", "__mcount_loc"...) in directory order. */
static int read_sections(struct modtool_ctx *ctx, int dfd, const char *name,
			 struct modtool_sections *s)
{
	int sfd = openat(dfd, "sections", O_RDONLY | O_DIRECTORY | O_CLOEXEC), err = 0;
	struct dirent *d;
	DIR *dir;

	if (sfd < 0)
		return -errno;
	dir = fdopendir(sfd);
	if (!dir) {
		close(sfd);
		return -errno;
	}
	while (err == 0 && (d = readdir(dir))) {
		unsigned long address;

		if (mt_streq(d->d_name, ".") || mt_streq(d->d_name, ".."))
			continue;
		err = mt_read_attr_ulong(dirfd(dir), d->d_name, 16, &address);
		if (err < 0)
			mt_err(ctx, "/sys/module/%s/sections/%s: %s\n", name, d->d_name,
			       strerror(-err));
		else
			err = sections_add(s, d->d_name, address);
	}
	closedir(dir);
	return err;
}

MT_EXPORT int modtool_module_get_sections(struct modtool_ctx *ctx, const char *name,
					  struct modtool_sections **sections)
{
	struct modtool_sections *s;
	int dfd, err;

	if (!ctx || !name || !sections)
		return -EINVAL;
	dfd = mt_open_module_dir(ctx, name);
	if (dfd < 0)
		return dfd;
	s = calloc(1, sizeof(*s));
	err = s ? read_sections(ctx, dfd, name, s) : -ENOMEM;
	close(dfd);
	if (err < 0) {
		modtool_sections_free(s);
		return err;
	}
	*sections = s;
	return (int)s->count;
}

MT_EXPORT size_t modtool_sections_count(const struct modtool_sections *s)
{
	return s ? s->count : 0;
}

MT_EXPORT const char *modtool_sections_get_name(const struct modtool_sections *s, size_t i)
{
	return s && i < s->count ? s->v[i].name : NULL;
}

MT_EXPORT unsigned long modtool_sections_get_address(const struct modtool_sections *s, size_t i)
{
	return s && i < s->count ? s->v[i].address : 0;
}

MT_EXPORT void modtool_sections_free(struct modtool_sections *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->count; i++)
		free(s->v[i].name);
	free(s->v);
	free(s);
}
