/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Lookup internals shared with resolve.c: lists, modules.dep lines, built-ins. */
#ifndef MODTOOL_LOOKUP_H
#define MODTOOL_LOOKUP_H

#include <stdbool.h>
#include <stddef.h>

struct modtool_ctx;
struct modtool_list;
struct modtool_module;
struct mt_index_value;

int mt_list_new(struct modtool_ctx *ctx, struct modtool_list **list);
struct modtool_ctx *mt_list_ctx(const struct modtool_list *list);
/* Take @mod (its reference moves to the list; dropped on error) found by @alias. */
int mt_list_add(struct modtool_list *list, struct modtool_module *mod, const char *alias,
		int config_index);

/* modules.dep.bin's "relpath: dep..." line of @name: 1 and @v, 0 when absent. */
int mt_moddep_line(struct modtool_ctx *ctx, const char *name, struct mt_index_value *v);
/* @len bytes of @rel, relative to the module directory unless absolute. */
int mt_module_path_join(struct modtool_ctx *ctx, const char *rel, size_t len, char *path,
			size_t pathsize);
bool mt_is_builtin(struct modtool_ctx *ctx, const char *name);
/* Module @name with its file from modules.dep (or built in, or neither). */
int mt_module_by_name(struct modtool_ctx *ctx, const char *name, struct modtool_module **mod);

#endif
