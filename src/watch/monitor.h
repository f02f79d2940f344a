/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The uevent monitor's insides that the unit test reaches. */
#ifndef MODTOOL_WATCH_MONITOR_H
#define MODTOOL_WATCH_MONITOR_H

#include <stdbool.h>

struct modtool_monitor;

/*
 * What the monitor does when the kernel says events were lost (ENOBUFS):
 * queue an overrun event, the datagrams still queued, then an add or remove
 * for each difference between what it knew and /proc/modules now.
 */
int mt_monitor_handle_overrun(struct modtool_monitor *mon);
/*
 * Attach the socket filter that passes only datagrams whose header is
 * "ACTION@/module/" (any socket type that takes classic BPF): 0 or -errno.
 */
int mt_uevent_attach_filter(int fd);
/* Does the monitor believe @name is loaded (its snapshot of /proc/modules and events)? */
bool mt_monitor_knows_loaded(const struct modtool_monitor *mon, const char *name);

#endif
