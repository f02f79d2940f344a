/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A module's key=value information (.modinfo), and its parameters. */
#ifndef MODTOOL_MODINFO_H
#define MODTOOL_MODINFO_H

#include <stddef.h>

struct modtool_ctx;
struct modtool_info;

/*
 * Build an info list from NUL-separated "key=value" strings (a .modinfo
 * section, or the entries of modules.builtin.modinfo for one module with
 * the "name." prefix already removed).  Empty strings are skipped; a string
 * without '=' is a key with an empty value; @data need not end with NUL.
 */
int mt_info_new(const char *data, size_t size, struct modtool_info **info);
/* Append one more key whose value is copied (signature fields). */
int mt_info_append(struct modtool_info *info, const char *key, const char *value);
/* How many entries came from the module (the first ones): the rest were appended. */
size_t mt_info_own_count(const struct modtool_info *info);

#endif
