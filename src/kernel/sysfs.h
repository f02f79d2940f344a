/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The kernel's /proc and /sys files, read below the context's sysroot (kernel/ only). */
#ifndef MODTOOL_KERNEL_SYSFS_H
#define MODTOOL_KERNEL_SYSFS_H

#include <stddef.h>

#include "base/internal.h"

/* @buf = sysroot + the formatted path ("/sys/module/..."): 0 or -ENAMETOOLONG. */
int mt_sys_path(const struct modtool_ctx *ctx, char *buf, size_t size, const char *format, ...)
	MT_PRINTF(4, 5);
/* Read the small file @dfd/@name into @buf (NUL-terminated): its length or -errno. */
int mt_read_attr(int dfd, const char *name, char *buf, size_t size);
/* The same, a decimal number on one line. */
int mt_read_attr_long(int dfd, const char *name, long *value);
/* An unsigned number in @base (16 takes a "0x"). */
int mt_read_attr_ulong(int dfd, const char *name, int base, unsigned long *value);
/* Attribute @name of /sys/module/@module, a decimal number: 0, or -errno (-ENOENT: none). */
int mt_read_module_attr_long(struct modtool_ctx *ctx, const char *module, const char *name,
			     long *value);
/*
 * All of the file @file (a path under the sysroot, "/proc/keys"), read
 * until its end, NUL-terminated, malloc()ed; -EFBIG past @max bytes.
 */
int mt_read_whole(const struct modtool_ctx *ctx, const char *file, size_t max, char **text,
		  size_t *len);
/* All of /proc/modules, NUL-terminated, malloc()ed: it changes between reads of parts. */
int mt_read_proc_modules(struct modtool_ctx *ctx, char **text, size_t *len);

/* Open /sys/module/@name ('-' read as '_') as a directory: the descriptor or -errno. */
int mt_open_module_dir(struct modtool_ctx *ctx, const char *name);
/* The names in the module directory @dfd's holders/, comma-separated, in directory order. */
int mt_read_holders(int dfd, char **out);
#endif
