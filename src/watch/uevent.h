/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One kernel uevent datagram, as NETLINK_KOBJECT_UEVENT carries it:
 * "ACTION@DEVPATH\0" then "KEY=VALUE\0" fields (ACTION, DEVPATH, SUBSYSTEM,
 * SEQNUM, and SYNTH_UUID for one written to a uevent file by hand).
 */
#ifndef MODTOOL_WATCH_UEVENT_H
#define MODTOOL_WATCH_UEVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The kernel builds uevents in a 2048-byte buffer (UEVENT_BUFFER_SIZE); more is not one. */
#define MT_UEVENT_MAX 8192
/* MODULE_NAME_LEN - 1: the longest name the kernel gives a module. */
#define MT_UEVENT_MODULE_NAME_MAX 55

struct mt_uevent {
	const char *action;	/* "add", "remove", "change"... */
	const char *module;	/* the NAME of DEVPATH=/module/NAME */
	const char *synth_uuid;	/* SYNTH_UUID's value, or NULL: sent by the kernel itself */
	uint64_t seqnum;
};

/*
 * Parse the datagram @buf of @len bytes; the fields point into @buf.
 * 0: a module's uevent; -ENOMSG: a well-formed uevent of another subsystem
 * (or udev's own messages): not ours; -EBADMSG: malformed (a field without
 * its NUL, missing or disagreeing ACTION, DEVPATH, SUBSYSTEM or SEQNUM, a
 * DEVPATH that names no module); -EMSGSIZE: empty or larger than any uevent.
 */
int mt_uevent_parse(const char *buf, size_t len, struct mt_uevent *ev);

#endif
