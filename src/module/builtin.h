/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Modules built into the kernel: modules.builtin.modinfo. */
#ifndef MODTOOL_BUILTIN_H
#define MODTOOL_BUILTIN_H

struct modtool_ctx;
struct modtool_info;

/*
 * The info of built-in module @name from the tree's modules.builtin.modinfo
 * ("name.key=value" strings).  -ENOENT when the file does not exist.
 */
int mt_builtin_get_info(struct modtool_ctx *ctx, const char *name, struct modtool_info **info);

#endif
