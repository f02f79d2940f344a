// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modtool monitor: each module load and removal as the kernel announces it
 * (libmodtool's uevent monitor), with /sys/module's state and the file's
 * SHA-256 and signer; as text, JSON lines, or a command per event.  It
 * sleeps in poll() with no timeout: no wake-up while nothing happens.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "modtool.h"
#include "monitor-exec.h"
#include "tool.h"

struct options {
	bool json;
	unsigned int flags;
	const char *exec;
	const char *sysroot;
	int buffer_size;	/* 0: the library's */
};

static void help(void)
{
	printf("Usage: modtool monitor [--json] [--exec CMD] [--no-file-info] [--buffer-size=BYTES]\n\n"
	       "Print each module load and removal as the kernel announces it: the time,\n"
	       "the action, the module, its /sys/module state (initstate, refcount, taint,\n"
	       "version, srcversion) and, when the module tree has its file, the file, its\n"
	       "SHA-256 and its signer.  Events lost to an overflowing buffer are reported\n"
	       "as an overrun, followed by what changed meanwhile (\"synthesised\").\n\n"
	       "      --json          one JSON object per line\n"
	       "      --exec CMD      run CMD for each event, the fields in its environment\n"
	       "                      (MODTOOL_ACTION, MODTOOL_MODULE, ...); CMD is split into\n"
	       "                      words here, never given to a shell: write 'sh -c \"...\"'\n"
	       "                      for one.  One command at a time, in event order; a slow\n"
	       "                      one makes the next wait (events are still read and\n"
	       "                      printed); past 1024 waiting, an event's is skipped.\n"
	       "      --no-file-info  no file, SHA-256 or signer (cheaper)\n"
	       "      --buffer-size=BYTES\n"
	       "                      the socket's receive buffer (default 16 MiB)\n"
	       "      --sysroot=DIR   read DIR/proc and DIR/sys instead (for tests)\n"
	       "  -h, --help          show this help\n\n"
	       "SIGINT or SIGTERM ends it with status 0.\n");
}

static int parse_size(const char *s, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX) {
		tool_error("--buffer-size=%s: not a number of bytes\n", s);
		return -EINVAL;
	}
	*out = (int)v;
	return 0;
}

static int parse_options(int argc, char *argv[], struct options *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "exec", required_argument, NULL, 'e' },
		{ "no-file-info", no_argument, NULL, 'n' },
		{ "sysroot", required_argument, NULL, 'r' },
		{ "buffer-size", required_argument, NULL, 'b' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	o->flags = MODTOOL_MONITOR_FILE_INFO;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'e':
			o->exec = optarg;
			break;
		case 'n':
			o->flags &= ~MODTOOL_MONITOR_FILE_INFO;
			break;
		case 'r':
			o->sysroot = optarg;
			break;
		case 'b':
			if (parse_size(optarg, &o->buffer_size) < 0)
				return -EINVAL;
			break;
		case 'h':
			help();
			return 0;
		default:
			return -EINVAL;
		}
	}
	if (optind < argc) {
		tool_error("unexpected argument '%s'\n", argv[optind]);
		return -EINVAL;
	}
	return 1;
}

/* "2026-12-06T05:20:01.123456Z" */
static void format_time(int64_t usec, char *buf, size_t size)
{
	time_t sec = (time_t)(usec / 1000000);
	struct tm tm;
	char date[32] = "?";

	if (gmtime_r(&sec, &tm))
		strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06dZ", date, (int)(usec % 1000000));
}

static void json_sysfs(struct modtool_json *j, const struct modtool_monitor_event *ev,
		       const char *key, enum modtool_monitor_sysfs which)
{
	modtool_json_key(j, key);
	modtool_json_string(j, modtool_monitor_event_get_sysfs(ev, which));
}

static int print_json(const struct modtool_monitor_event *ev, const char *when)
{
	struct modtool_json *j = modtool_json_new(STDOUT_FILENO);
	unsigned int flags = modtool_monitor_event_get_flags(ev);
	long refcount = modtool_monitor_event_get_refcount(ev);

	if (!j)
		return -ENOMEM;
	modtool_json_begin_object(j);
	modtool_json_key(j, "time");
	modtool_json_string(j, when);
	modtool_json_key(j, "action");
	modtool_json_string(j, modtool_monitor_event_get_action_name(ev));
	modtool_json_key(j, "module");
	modtool_json_string(j, modtool_monitor_event_get_module(ev));
	modtool_json_key(j, "seqnum");
	modtool_json_int(j, (long long)modtool_monitor_event_get_seqnum(ev));
	modtool_json_key(j, "synthesised");
	modtool_json_bool(j, flags & MODTOOL_MONITOR_EVENT_SYNTHESISED);
	modtool_json_key(j, "written_by_hand");
	modtool_json_bool(j, flags & MODTOOL_MONITOR_EVENT_WRITTEN);
	json_sysfs(j, ev, "initstate", MODTOOL_MONITOR_INITSTATE);
	modtool_json_key(j, "refcount");
	if (refcount < 0)
		modtool_json_string(j, NULL);
	else
		modtool_json_int(j, refcount);
	json_sysfs(j, ev, "taint", MODTOOL_MONITOR_TAINT);
	json_sysfs(j, ev, "version", MODTOOL_MONITOR_VERSION);
	json_sysfs(j, ev, "srcversion", MODTOOL_MONITOR_SRCVERSION);
	modtool_json_key(j, "path");
	modtool_json_string(j, modtool_monitor_event_get_path(ev));
	modtool_json_key(j, "sha256");
	modtool_json_string(j, modtool_monitor_event_get_sha256(ev));
	modtool_json_key(j, "signer");
	modtool_json_string(j, modtool_monitor_event_get_signer(ev));
	modtool_json_end_object(j);
	return modtool_json_free(j);
}

static void print_text(const struct modtool_monitor_event *ev, const char *when)
{
	const char *state = modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_INITSTATE);
	const char *taint = modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_TAINT);
	const char *version = modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_VERSION);
	const char *src = modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_SRCVERSION);
	const char *path = modtool_monitor_event_get_path(ev);
	unsigned int flags = modtool_monitor_event_get_flags(ev);

	if (modtool_monitor_event_get_action(ev) == MODTOOL_MONITOR_OVERRUN) {
		printf("%s overrun: events were lost; what changed meanwhile follows\n", when);
		return;
	}
	printf("%s %s %s", when, modtool_monitor_event_get_action_name(ev),
	       modtool_monitor_event_get_module(ev));
	if (modtool_monitor_event_get_seqnum(ev))
		printf(" (seqnum %" PRIu64 ")", modtool_monitor_event_get_seqnum(ev));
	if (flags & MODTOOL_MONITOR_EVENT_SYNTHESISED)
		printf(" (synthesised after the overrun)");
	if (flags & MODTOOL_MONITOR_EVENT_WRITTEN)
		printf(" (written to its uevent file by hand: nothing was loaded or removed)");
	if (state)
		printf(": %s, refcount %ld, taint %s%s%s%s%s", state,
		       modtool_monitor_event_get_refcount(ev), taint && *taint ? taint : "none",
		       version ? ", version " : "", version ? version : "",
		       src ? ", srcversion " : "", src ? src : "");
	else
		printf(": no initstate in /sys/module (gone, or built in)");
	printf("\n");
	if (path)
		printf("    %s sha256 %s signer %s\n", path,
		       modtool_monitor_event_get_sha256(ev) ? modtool_monitor_event_get_sha256(ev) : "?",
		       modtool_monitor_event_get_signer(ev) ? modtool_monitor_event_get_signer(ev)
							    : "none");
}

/* Every event waiting: printed, its command run or queued.  0, or an error of reading. */
static int drain(struct modtool_monitor *mon, const struct options *o, struct monitor_exec *x)
{
	struct modtool_monitor_event *ev;
	char when[48];
	int err;

	while ((err = modtool_monitor_next(mon, &ev)) == 0) {
		format_time(modtool_monitor_event_get_time_usec(ev), when, sizeof(when));
		if (o->json)
			err = print_json(ev, when);
		else
			print_text(ev, when);
		if (x)
			monitor_exec_event(x, ev);
		modtool_monitor_event_free(ev);
		if (err < 0)
			return err;
	}
	fflush(stdout);
	return err == -EAGAIN ? 0 : err;
}

/* Signals as a descriptor to poll: SIGINT and SIGTERM end, SIGCHLD reaps --exec's command. */
static int signal_fd(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGCHLD);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/* 0 to go on, 1 to end (SIGINT, SIGTERM). */
static int take_signals(int sfd, struct monitor_exec *x)
{
	struct signalfd_siginfo si;
	int end = 0;

	while (read(sfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGCHLD && x)
			monitor_exec_reap(x);
		else if (si.ssi_signo == SIGINT || si.ssi_signo == SIGTERM)
			end = 1;
	}
	return end;
}

static int watch(struct modtool_monitor *mon, const struct options *o, struct monitor_exec *x,
		 int sfd)
{
	struct pollfd fds[2] = { { modtool_monitor_get_fd(mon), POLLIN, 0 }, { sfd, POLLIN, 0 } };

	for (;;) {
		int err;

		if (poll(fds, 2, -1) < 0 && errno != EINTR) {
			tool_error("poll: %s\n", strerror(errno));
			return 1;
		}
		if ((fds[1].revents & POLLIN) && take_signals(sfd, x))
			return 0;
		if (!(fds[0].revents & (POLLIN | POLLERR)))
			continue;
		err = drain(mon, o, x);
		if (err < 0) {
			tool_error("reading events: %s\n", strerror(-err));
			return 1;
		}
	}
}

int modtool_monitor_main(int argc, char *argv[])
{
	struct monitor_exec *x = NULL;
	struct modtool_monitor *mon = NULL;
	struct modtool_ctx *ctx = NULL;
	struct options o = { 0 };
	int err, sfd = -1, status = 1;

	err = parse_options(argc, argv, &o);
	if (err <= 0)
		return err < 0 ? 1 : 0;
	if (o.exec && !(x = monitor_exec_new(o.exec, o.json ? STDERR_FILENO : STDOUT_FILENO)))
		return 1;
	err = modtool_ctx_new(NULL, &ctx);
	if (err < 0) {
		tool_error("cannot start: %s\n", strerror(-err));
		goto out;
	}
	tool_log_setup(ctx, LOG_WARNING);
	if (o.sysroot && modtool_ctx_set_sysroot(ctx, o.sysroot) < 0)
		goto out;
	sfd = signal_fd();
	if (sfd < 0) {
		tool_error("signals: %s\n", strerror(errno));
		goto out;
	}
	if (modtool_monitor_new(ctx, o.flags, &mon) < 0)
		goto out;	/* said by the library */
	if (o.buffer_size && (err = modtool_monitor_set_buffer_size(mon, o.buffer_size)) < 0) {
		tool_error("--buffer-size: %s\n", strerror(-err));
		goto out;
	}
	status = watch(mon, &o, x, sfd);
	if (x && monitor_exec_waiting(x))
		tool_warning("--exec: %zu commands not run\n", monitor_exec_waiting(x));
out:
	modtool_monitor_free(mon);
	if (sfd >= 0)
		close(sfd);
	monitor_exec_free(x);
	modtool_ctx_free(ctx);
	return status;
}
