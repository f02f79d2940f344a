/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A monitor event: what the uevent said, what /sys/module said then, the file's facts. */
#ifndef MODTOOL_WATCH_EVENT_H
#define MODTOOL_WATCH_EVENT_H

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "watch/file-facts.h"

struct modtool_monitor_event {
	int action;			/* enum modtool_monitor_action */
	char action_name[16];		/* as the kernel spelled it ("add", "change"...) */
	char module[NAME_MAX + 1];	/* "" for an overrun */
	uint64_t seqnum;		/* 0: synthesised, or an overrun */
	int64_t time_usec;		/* when the kernel queued it, else when it was read */
	unsigned int flags;		/* enum modtool_monitor_event_flags */
	/* /sys/module/NAME at that moment; NULL (refcount -1) when it has not that file */
	char *taint, *initstate, *version, *srcversion;
	long refcount;
	struct mt_file_facts file;
};

/* A new event of @action ("add"...) for @module ("" none). */
struct modtool_monitor_event *mt_event_new(const char *action, const char *module,
					   uint64_t seqnum, int64_t time_usec);
/* Read /sys/module/NAME into @ev: 0, -ENOENT when it is gone, or -ENOMEM. */
int mt_event_read_sysfs(struct modtool_ctx *ctx, struct modtool_monitor_event *ev);
/* Map an action's name to enum modtool_monitor_action. */
int mt_event_action_of(const char *action);

#endif
