// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The uevent monitor: the kernel's module events (NETLINK_KOBJECT_UEVENT,
 * multicast group 1) on a non-blocking socket a daemon polls, each turned
 * into an event with /sys/module's state at that moment and the file's facts.
 *
 * The kernel's rules it is built on: since 5.11 a module's "add" is sent
 * only after its init succeeded (before, add came first and a failed init
 * then sent "remove"); built-in modules send nothing; "remove" comes while
 * the module is going away.  Anyone may write an action to
 * /sys/module/NAME/uevent: since 4.13 the kernel marks such an event with
 * SYNTH_UUID (its uuid, "0" when none was written), which tells it apart;
 * on older kernels an "add" for a module this monitor already knew to be
 * loaded, or a "remove" while /sys/module/NAME/initstate still reads
 * "live", is taken for one written by hand.
 *
 * When the socket's buffer overflows, the kernel drops events and says so
 * once (ENOBUFS): the monitor reports an overrun, then what changed in
 * /proc/modules meanwhile, as events flagged synthesised.
 */
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/netlink.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "base/internal.h"
#include "watch/event.h"
#include "watch/monitor.h"
#include "watch/snapshot.h"
#include "watch/uevent.h"

/* The kernel's multicast group of its own uevents (udev re-broadcasts on 2). */
#define UEVENT_GROUP_KERNEL 1
/*
 * Room for bursts: a uevent takes about a kilobyte of socket memory (its
 * skb), and modprobe of a module with many dependencies, or a loop of
 * loads, sends hundreds at once.  SO_RCVBUFFORCE passes rmem_max (root).
 */
#define RCVBUF_SIZE (16 << 20)
/* Datagrams skipped in one call (other subsystems, junk) before yielding to poll. */
#define MAX_SKIPPED 256

struct modtool_monitor {
	struct modtool_ctx *ctx;
	int fd;
	bool netlink;			/* check that the sender is the kernel */
	bool kernel_marks_synthetic;	/* 4.13 or later: SYNTH_UUID tells hand-written events */
	unsigned int flags;
	struct mt_snapshot loaded;
	struct mt_facts_cache *cache;
	/* events made but not handed out yet (after an overrun), a FIFO */
	struct modtool_monitor_event **pending;
	size_t n_pending, pending_head, pending_cap;
	char buf[MT_UEVENT_MAX + 1];
};

/*
 * Classic BPF: pass only datagrams whose header is "ACTION@/module/", so
 * that the events of every other device do not wake the monitor.  Actions
 * are 3 to 7 letters (add, move, bind, remove, change, online, unbind,
 * offline): for each length, '@' there and "/module/" after it (the
 * parser, not the filter, judges the action itself).
 */
int mt_uevent_attach_filter(int fd)
{
	static const unsigned int lengths[] = { 3, 4, 6, 7 };
	enum { N = 4, PER = 6, REJECT = N * PER, ACCEPT = REJECT + 1 };
	struct sock_filter code[ACCEPT + 1];
	struct sock_fprog prog = { .len = ACCEPT + 1, .filter = code };

	for (unsigned int i = 0; i < N; i++) {
		unsigned int k = lengths[i], at = i * PER;

		code[at] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS, k);
		code[at + 1] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, '@', 0, 4);
		code[at + 2] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, k + 1);
		code[at + 3] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x2f6d6f64, 0, 2);
		code[at + 4] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, k + 5);
		code[at + 5] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x756c652f,
							    ACCEPT - (at + 5) - 1, 0);
	}
	code[REJECT] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	code[ACCEPT] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0xffffffff);
	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) < 0 ? -errno : 0;
}

/* SO_RCVBUFFORCE past rmem_max when privileged, else as much as rmem_max allows. */
static int set_buffer_size(int fd, int size)
{
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) == 0)
		return 0;
	return setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)) < 0 ? -errno : 0;
}

static int open_uevent_socket(struct modtool_ctx *ctx)
{
	struct sockaddr_nl addr = { .nl_family = AF_NETLINK, .nl_groups = UEVENT_GROUP_KERNEL };
	int on = 1, err;
	int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
			NETLINK_KOBJECT_UEVENT);

	if (fd < 0) {
		err = -errno;
		mt_err(ctx, "cannot open the kernel's uevent socket: %s\n", strerror(-err));
		return err;
	}
	err = set_buffer_size(fd, RCVBUF_SIZE);
	if (err < 0)
		mt_warn(ctx, "uevent socket: cannot enlarge its buffer: %s\n", strerror(-err));
	err = mt_uevent_attach_filter(fd);
	if (err < 0)
		mt_dbg(ctx, "uevent socket: no filter (%s): every uevent is read\n", strerror(-err));
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = -errno;
		mt_err(ctx, "cannot listen to the kernel's uevents: %s\n", strerror(-err));
		close(fd);
		return err;
	}
	if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on)) < 0)
		mt_dbg(ctx, "uevent socket: no timestamps: %s\n", strerror(errno));
	return fd;
}

/* 4.13 and later mark events written to a uevent file (SYNTH_UUID). */
static bool kernel_marks_synthetic(void)
{
	struct utsname u;
	unsigned int major = 0, minor = 0;

	if (uname(&u) < 0 || sscanf(u.release, "%u.%u", &major, &minor) != 2)
		return true;
	return major > 4 || (major == 4 && minor >= 13);
}

static bool is_netlink(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	return getsockname(fd, (struct sockaddr *)&ss, &len) == 0 && ss.ss_family == AF_NETLINK;
}

MT_EXPORT int modtool_monitor_new_from_fd(struct modtool_ctx *ctx, int fd, unsigned int flags,
					  struct modtool_monitor **monp)
{
	struct modtool_monitor *mon;
	int err;

	if (!ctx || fd < 0 || !monp || (flags & ~MODTOOL_MONITOR_FILE_INFO))
		return -EINVAL;
	mon = calloc(1, sizeof(*mon));
	if (!mon)
		return -ENOMEM;
	mon->ctx = ctx;
	mon->fd = fd;
	mon->flags = flags;
	mon->netlink = is_netlink(fd);
	mon->kernel_marks_synthetic = kernel_marks_synthetic();
	mon->cache = mt_facts_cache_new();
	err = mon->cache ? mt_snapshot_read(ctx, &mon->loaded) : -ENOMEM;
	if (err < 0) {
		if (err != -ENOMEM)
			mt_err(ctx, "could not read /proc/modules: %s\n", strerror(-err));
		mon->fd = -1;	/* the caller keeps its descriptor on failure */
		modtool_monitor_free(mon);
		return err;
	}
	*monp = mon;
	return 0;
}

MT_EXPORT int modtool_monitor_new(struct modtool_ctx *ctx, unsigned int flags,
				  struct modtool_monitor **monp)
{
	int err, fd;

	if (!ctx || !monp)
		return -EINVAL;
	/* the socket first: nothing is missed between reading /proc/modules and listening */
	fd = open_uevent_socket(ctx);
	if (fd < 0)
		return fd;
	err = modtool_monitor_new_from_fd(ctx, fd, flags, monp);
	if (err < 0)
		close(fd);
	return err;
}

MT_EXPORT void modtool_monitor_free(struct modtool_monitor *mon)
{
	if (!mon)
		return;
	if (mon->fd >= 0)
		close(mon->fd);
	for (size_t i = mon->pending_head; i < mon->n_pending; i++)
		modtool_monitor_event_free(mon->pending[i]);
	free(mon->pending);
	mt_snapshot_clear(&mon->loaded);
	mt_facts_cache_free(mon->cache);
	free(mon);
}

MT_EXPORT int modtool_monitor_set_buffer_size(struct modtool_monitor *mon, int bytes)
{
	if (!mon || bytes <= 0)
		return -EINVAL;
	return set_buffer_size(mon->fd, bytes);
}

MT_EXPORT int modtool_monitor_get_fd(const struct modtool_monitor *mon)
{
	return mon ? mon->fd : -EINVAL;
}

bool mt_monitor_knows_loaded(const struct modtool_monitor *mon, const char *name)
{
	return mt_snapshot_has(&mon->loaded, name);
}

static int64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Was this event written to /sys/module/NAME/uevent by hand? */
static bool written_by_hand(const struct modtool_monitor *mon, const struct mt_uevent *u,
			    const struct modtool_monitor_event *ev)
{
	if (u->synth_uuid)
		return true;
	if (mon->kernel_marks_synthetic)
		return false;
	if (ev->action == MODTOOL_MONITOR_ADD)
		return mt_snapshot_has(&mon->loaded, u->module);
	return ev->action == MODTOOL_MONITOR_REMOVE && ev->initstate &&
	       mt_streq(ev->initstate, "live");
}

/* /sys/module's state and the file's facts: what an event tells besides the uevent. */
static int describe(struct modtool_monitor *mon, struct modtool_monitor_event *ev)
{
	int err = mt_event_read_sysfs(mon->ctx, ev);

	if (err == -ENOMEM)
		return err;
	if (mon->flags & MODTOOL_MONITOR_FILE_INFO)
		return mt_file_facts_read(mon->ctx, mon->cache, ev->module, NULL, &ev->file);
	return 0;
}

/* What the event says about what is loaded, kept. */
static int track(struct modtool_monitor *mon, const struct modtool_monitor_event *ev)
{
	if (ev->flags & MODTOOL_MONITOR_EVENT_WRITTEN)
		return 0;
	if (ev->action == MODTOOL_MONITOR_ADD)
		return mt_snapshot_add(&mon->loaded, ev->module);
	if (ev->action == MODTOOL_MONITOR_REMOVE)
		mt_snapshot_remove(&mon->loaded, ev->module);
	return 0;
}

static int event_from_uevent(struct modtool_monitor *mon, const struct mt_uevent *u,
			     int64_t time_usec, struct modtool_monitor_event **evp)
{
	struct modtool_monitor_event *ev = mt_event_new(u->action, u->module, u->seqnum, time_usec);
	int err;

	if (!ev)
		return -ENOMEM;
	err = describe(mon, ev);
	if (err == 0 && written_by_hand(mon, u, ev))
		ev->flags |= MODTOOL_MONITOR_EVENT_WRITTEN;
	if (err == 0)
		err = track(mon, ev);
	if (err < 0) {
		modtool_monitor_event_free(ev);
		return err;
	}
	*evp = ev;
	return 0;
}

/* The kernel's time of the datagram (SO_TIMESTAMP), else now. */
static int64_t datagram_time(struct msghdr *msg)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(msg); c; c = CMSG_NXTHDR(msg, c)) {
		struct timeval tv;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMP ||
		    c->cmsg_len < CMSG_LEN(sizeof(tv)))
			continue;
		memcpy(&tv, CMSG_DATA(c), sizeof(tv));
		if (tv.tv_sec > 0)
			return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
	}
	return now_usec();
}

/*
 * Receive one datagram: its length, 0 for one to skip (not from the kernel,
 * cut off), or -errno (-EAGAIN: none waiting; -ENOBUFS: events were lost).
 */
static ssize_t receive(struct modtool_monitor *mon, int64_t *time_usec)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(struct timeval))];
	} control;
	struct sockaddr_nl from = { 0 };
	struct iovec iov = { mon->buf, sizeof(mon->buf) };
	struct msghdr msg = {
		.msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = &control, .msg_controllen = sizeof(control),
	};
	ssize_t n;

	do
		n = recvmsg(mon->fd, &msg, MSG_DONTWAIT);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EWOULDBLOCK ? -EAGAIN : -errno;
	if (msg.msg_flags & MSG_TRUNC) {
		mt_info(mon->ctx, "uevent: a datagram larger than %d bytes skipped\n", MT_UEVENT_MAX);
		return 0;
	}
	/* only the kernel sends on group 1; a process could try */
	if (mon->netlink && (msg.msg_namelen < sizeof(from) || from.nl_pid != 0))
		return 0;
	*time_usec = datagram_time(&msg);
	return n;
}

/* Read until one module event (0), none waiting (-EAGAIN), an overrun, or an error. */
static int read_event(struct modtool_monitor *mon, struct modtool_monitor_event **evp)
{
	for (int skipped = 0; skipped < MAX_SKIPPED; skipped++) {
		struct mt_uevent u;
		int64_t t = 0;
		ssize_t n = receive(mon, &t);
		int err;

		if (n < 0)
			return (int)n;
		if (n == 0)
			continue;
		err = mt_uevent_parse(mon->buf, (size_t)n, &u);
		if (err == 0)
			return event_from_uevent(mon, &u, t, evp);
		if (err != -ENOMSG)
			mt_info(mon->ctx, "uevent: a malformed datagram of %zd bytes skipped\n", n);
	}
	return -EAGAIN;	/* more may wait: poll says so again */
}

static int queue_event(struct modtool_monitor *mon, struct modtool_monitor_event *ev)
{
	struct modtool_monitor_event **p;

	if (mon->pending_head == mon->n_pending)
		mon->pending_head = mon->n_pending = 0;
	p = mt_grow(mon->pending, &mon->pending_cap, mon->n_pending + 1, sizeof(*p));
	if (!p) {
		modtool_monitor_event_free(ev);
		return -ENOMEM;
	}
	mon->pending = p;
	p[mon->n_pending++] = ev;
	return 0;
}

/* A synthesised event for a change found in /proc/modules. */
static int queue_synthesised(struct modtool_monitor *mon, const char *action, const char *name)
{
	struct modtool_monitor_event *ev = mt_event_new(action, name, 0, now_usec());
	int err;

	if (!ev)
		return -ENOMEM;
	ev->flags |= MODTOOL_MONITOR_EVENT_SYNTHESISED;
	err = describe(mon, ev);
	if (err < 0) {
		modtool_monitor_event_free(ev);
		return err;
	}
	return queue_event(mon, ev);
}

/* Every difference between what the monitor knew and @now, as synthesised events. */
static int queue_differences(struct modtool_monitor *mon, const struct mt_snapshot *now)
{
	int err = 0;

	for (size_t i = 0; i < mon->loaded.n && err == 0; i++)
		if (!mt_snapshot_has(now, mon->loaded.names[i]))
			err = queue_synthesised(mon, "remove", mon->loaded.names[i]);
	for (size_t i = 0; i < now->n && err == 0; i++)
		if (!mt_snapshot_has(&mon->loaded, now->names[i]))
			err = queue_synthesised(mon, "add", now->names[i]);
	return err;
}

int mt_monitor_handle_overrun(struct modtool_monitor *mon)
{
	struct modtool_monitor_event *ev = mt_event_new("overrun", "", 0, now_usec());
	struct mt_snapshot now = { 0 };
	int err;

	if (!ev)
		return -ENOMEM;
	ev->flags |= MODTOOL_MONITOR_EVENT_SYNTHESISED;
	err = queue_event(mon, ev);
	/* what is still queued came before the loss or after it: told as it is */
	while (err == 0) {
		err = read_event(mon, &ev);
		if (err == 0)
			err = queue_event(mon, ev);
	}
	if (err != -EAGAIN && err != -ENOBUFS)
		return err;
	err = mt_snapshot_read(mon->ctx, &now);
	if (err < 0) {
		mt_err(mon->ctx, "after lost uevents, could not read /proc/modules: %s\n",
		       strerror(-err));
		return err;
	}
	err = queue_differences(mon, &now);
	if (err == 0) {
		mt_snapshot_clear(&mon->loaded);
		mon->loaded = now;
	} else {
		mt_snapshot_clear(&now);
	}
	return err;
}

MT_EXPORT int modtool_monitor_next(struct modtool_monitor *mon,
				   struct modtool_monitor_event **evp)
{
	int err;

	if (!mon || !evp)
		return -EINVAL;
	if (mon->pending_head == mon->n_pending) {
		err = read_event(mon, evp);
		if (err != -ENOBUFS)
			return err;
		err = mt_monitor_handle_overrun(mon);
		if (err < 0 && mon->pending_head == mon->n_pending)
			return err;
	}
	*evp = mon->pending[mon->pending_head++];
	return 0;
}
