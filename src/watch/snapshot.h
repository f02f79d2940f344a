/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The set of loaded modules the monitor believes in: read from /proc/modules
 * when it starts and after an overrun, kept up to date by each event.
 */
#ifndef MODTOOL_WATCH_SNAPSHOT_H
#define MODTOOL_WATCH_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>

struct modtool_ctx;

struct mt_snapshot {
	char **names;		/* sorted bytewise */
	size_t n, cap;
};

/* Read /proc/modules (below the sysroot): the modules Live or Unloading. */
int mt_snapshot_read(struct modtool_ctx *ctx, struct mt_snapshot *s);
void mt_snapshot_clear(struct mt_snapshot *s);
bool mt_snapshot_has(const struct mt_snapshot *s, const char *name);
/* 0 or -ENOMEM; adding a present name or removing an absent one does nothing. */
int mt_snapshot_add(struct mt_snapshot *s, const char *name);
void mt_snapshot_remove(struct mt_snapshot *s, const char *name);

#endif
