// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the uevent parser: any datagram is a module event
 * with its fields inside the datagram, or refused; never a crash.  The same
 * bytes then go through a monitor fed by a socketpair, which must skip or
 * report them and come back with -EAGAIN.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/socket.h>

#include "fuzz-util.h"
#include "watch/uevent.h"

static struct modtool_monitor *mon;
static int feed = -1;
static char root[] = "/tmp/fuzz-uevent.XXXXXX";

/* A fake /proc/modules (empty) and /sys/module: the machine may have none. */
static void make_root(void)
{
	char path[300];
	FILE *f;

	fuzz_make_temp_root(root);
	snprintf(path, sizeof(path), "%s/proc", root);
	if (mkdir(path, 0755) < 0)
		abort();
	snprintf(path, sizeof(path), "%s/proc/modules", root);
	f = fopen(path, "w");
	if (!f || fclose(f) != 0)
		abort();
	if (modtool_ctx_set_sysroot(fuzz_ctx(), root) < 0)
		abort();
}

static void open_monitor(void)
{
	int sv[2];

	make_root();
	if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    fcntl(sv[0], F_SETFL, O_NONBLOCK) < 0 ||
	    modtool_monitor_new_from_fd(fuzz_ctx(), sv[0], 0, &mon) < 0)
		abort();
	feed = sv[1];
}

static void check_fields(const uint8_t *data, size_t size, const struct mt_uevent *ev)
{
	const char *begin = (const char *)data, *end = begin + size;

	if (ev->action < begin || ev->action >= end || ev->module < begin || ev->module >= end ||
	    (ev->synth_uuid && (ev->synth_uuid < begin || ev->synth_uuid >= end)))
		abort();
	if (strlen(ev->module) > MT_UEVENT_MODULE_NAME_MAX || strchr(ev->module, '/'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct modtool_monitor_event *ev;
	struct mt_uevent u;
	int err = mt_uevent_parse((const char *)data, size, &u);

	if (err == 0)
		check_fields(data, size, &u);
	else if (err != -EBADMSG && err != -ENOMSG && err != -EMSGSIZE)
		abort();
	if (!mon)
		open_monitor();
	if (send(feed, data, size, 0) < 0)
		return 0;	/* larger than a datagram may be */
	while ((err = modtool_monitor_next(mon, &ev)) == 0) {
		const char *name = modtool_monitor_event_get_module(ev);

		if (!name || strlen(name) > MT_UEVENT_MODULE_NAME_MAX)
			abort();
		modtool_monitor_event_free(ev);
	}
	if (err != -EAGAIN)
		abort();
	return 0;
}
