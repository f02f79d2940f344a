/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The module object shared by lookup, info and (later) loading. */
#ifndef MODTOOL_MODULE_H
#define MODTOOL_MODULE_H

#include <stdbool.h>

struct modtool_ctx;
struct modtool_module;
struct mt_file;

/*
 * A module known by name from the tree's indexes: @path is its file (NULL
 * when modules.dep does not list it), @builtin whether the kernel has it
 * built in.
 */
int mt_module_new(struct modtool_ctx *ctx, const char *name, const char *path, bool builtin,
		  struct modtool_module **mod);
/* The context the module belongs to. */
struct modtool_ctx *mt_module_ctx(const struct modtool_module *mod);
/* The module's file, opened and loaded on first use: 0, or the error (logged). */
int mt_module_file(struct modtool_module *mod, struct mt_file **file);

#endif
