// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Listing the module files of a tree, for commands that check every module
 * (modtool verify --all).  depmod has its own walk: it also applies
 * depmod.d's exclusions and chooses among duplicates, which these do not.
 */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/internal.h"
#include "module/tree.h"

/* Deeper than any real tree: the walk stops there rather than run away. */
#define TREE_MAX_DEPTH 64

static const char *const module_exts[] = { ".ko", ".ko.gz", ".ko.xz", ".ko.zst" };

size_t mt_module_file_ext_len(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(module_exts) / sizeof(module_exts[0]); i++) {
		size_t el = strlen(module_exts[i]);

		if (len > el && mt_streq(name + len - el, module_exts[i]))
			return el;
	}
	return 0;
}

bool mt_is_module_file_name(const char *name, size_t len)
{
	return mt_module_file_ext_len(name, len) != 0;
}

struct tree_list {
	struct modtool_ctx *ctx;
	char **paths;
	size_t n, cap;
};

static int walk(struct tree_list *tl, int dfd, char *path, size_t len, unsigned int depth);

/* One directory entry: descend into a directory, keep a module file. */
static int visit(struct tree_list *tl, int dfd, const char *name, char *path, size_t len,
		 unsigned int depth)
{
	size_t nl = strlen(name);
	struct stat st;
	int fd;

	if (len + nl + 2 > PATH_MAX) {
		mt_err(tl->ctx, "%s/%s: path too long\n", path, name);
		return -ENAMETOOLONG;
	}
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		goto fail;
	path[len] = '/';
	memcpy(path + len + 1, name, nl + 1);
	if (S_ISDIR(st.st_mode)) {
		if (depth >= TREE_MAX_DEPTH) {
			mt_err(tl->ctx, "%s: more than %d directories deep\n", path, TREE_MAX_DEPTH);
			path[len] = '\0';
			return -ELOOP;
		}
		fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			goto fail;
		return walk(tl, fd, path, len + 1 + nl, depth + 1);
	}
	if ((S_ISREG(st.st_mode) || S_ISLNK(st.st_mode)) && mt_is_module_file_name(name, nl)) {
		int err = mt_strv_push(&tl->paths, &tl->n, &tl->cap, path);

		path[len] = '\0';
		return err;
	}
	path[len] = '\0';
	return 0;
fail:
	path[len] = '\0';
	mt_err(tl->ctx, "%s/%s: %s\n", path, name, strerror(errno));
	return -errno;
}

/* Walk the directory @dfd (consumed) whose path is @path[0..@len). */
static int walk(struct tree_list *tl, int dfd, char *path, size_t len, unsigned int depth)
{
	struct dirent *de;
	int err = 0;
	DIR *d = mt_opendir_fd(tl->ctx, dfd, path, &err);

	if (!d)
		return err;
	while (!err && (errno = 0, de = readdir(d)))
		if (!mt_streq(de->d_name, ".") && !mt_streq(de->d_name, ".."))
			err = visit(tl, dirfd(d), de->d_name, path, len, depth);
	path[len] = '\0';
	if (!err && errno) {
		err = -errno;
		mt_err(tl->ctx, "%s: %s\n", path, strerror(-err));
	}
	closedir(d);
	return err;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int mt_module_tree_list(struct modtool_ctx *ctx, const char *dir, char ***paths, size_t *n)
{
	struct tree_list tl = { .ctx = ctx };
	char path[PATH_MAX];
	size_t len = strlen(dir);
	int fd, err;

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (len >= PATH_MAX)
		return -ENAMETOOLONG;
	memcpy(path, dir, len);
	path[len] = '\0';
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = -errno;
		mt_err(ctx, "%s: %s\n", path, strerror(-err));
		return err;
	}
	err = walk(&tl, fd, path, len, 0);
	if (err < 0) {
		mt_strv_free(tl.paths, tl.n);
		return err;
	}
	if (tl.n)
		qsort(tl.paths, tl.n, sizeof(*tl.paths), path_cmp);
	*paths = tl.paths;
	*n = tl.n;
	return 0;
}
