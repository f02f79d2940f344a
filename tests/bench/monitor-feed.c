// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * A synthetic feed for tests/bench/monitor-bench.sh: N add/remove pairs of
 * one module, each datagram sent through a socketpair and read back at once
 * with modtool_monitor_next() (whose instructions callgrind counts), over a
 * fake sysroot.  Usage: monitor-feed SYSROOT MODULE_DIR MODULE N [file-info]
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmodtool.h>

static int feed(int fd, struct modtool_monitor *mon, const char *action, const char *module,
		unsigned long seqnum)
{
	struct modtool_monitor_event *ev;
	char buf[512];
	int n = snprintf(buf, sizeof(buf), "%s@/module/%s%cACTION=%s%cDEVPATH=/module/%s%c"
			 "SUBSYSTEM=module%cSEQNUM=%lu%c", action, module, 0, action, 0, module, 0,
			 0, seqnum, 0);

	if (send(fd, buf, (size_t)n, 0) != n || modtool_monitor_next(mon, &ev) < 0)
		return -1;
	modtool_monitor_event_free(ev);
	return 0;
}

int main(int argc, char *argv[])
{
	struct modtool_monitor *mon;
	struct modtool_ctx *ctx;
	unsigned long n;
	int sv[2];

	if (argc < 5) {
		fprintf(stderr, "usage: monitor-feed SYSROOT MODULE_DIR MODULE N [file-info]\n");
		return 2;
	}
	n = strtoul(argv[4], NULL, 10);
	if (modtool_ctx_new(argv[2], &ctx) < 0 || modtool_ctx_set_sysroot(ctx, argv[1]) < 0 ||
	    socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) < 0 ||
	    fcntl(sv[0], F_SETFL, O_NONBLOCK) < 0 ||
	    modtool_monitor_new_from_fd(ctx, sv[0], argc > 5 ? MODTOOL_MONITOR_FILE_INFO : 0,
					&mon) < 0)
		return 1;
	for (unsigned long i = 0; i < n; i++)
		if (feed(sv[1], mon, "add", argv[3], 2 * i + 1) < 0 ||
		    feed(sv[1], mon, "remove", argv[3], 2 * i + 2) < 0)
			return 1;
	modtool_monitor_free(mon);
	modtool_ctx_free(ctx);
	return 0;
}
