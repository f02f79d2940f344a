/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The module files under a directory, for the commands that take a whole tree. */
#ifndef MODTOOL_MODULE_TREE_H
#define MODTOOL_MODULE_TREE_H

#include <stdbool.h>
#include <stddef.h>

struct modtool_ctx;

/* Is @name (@len bytes) a module file's name: *.ko, *.ko.gz, *.ko.xz, *.ko.zst? */
bool mt_is_module_file_name(const char *name, size_t len);
/* The length of that suffix (".ko.xz": 6), or 0 when @name has none. */
size_t mt_module_file_ext_len(const char *name, size_t len);

/*
 * Every module file under @dir (symbolic links to files followed, to
 * directories not: no loops), as "@dir/relative/path", sorted bytewise.
 * *@paths is a malloc()ed vector of *@n strings: free with mt_strv_free().
 * 0, or a negative errno (logged, naming the directory that failed).
 */
int mt_module_tree_list(struct modtool_ctx *ctx, const char *dir, char ***paths, size_t *n);

#endif
