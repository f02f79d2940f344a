// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * watch/: the uevent parser on crafted and hostile datagrams, the monitor
 * fed through a socketpair over a fake /proc and /sys (state, hand-written
 * events, skipped junk, an overrun and what it synthesises), SHA-256 on
 * FIPS 180-4's examples, the journal's native protocol and the syslog line
 * as a listening socket receives them (a memfd for an oversized record),
 * and the audit hook's modes and configuration.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/audit-hook.h"
#include "base/internal.h"
#include "base/sha256.h"
#include "watch/audit.h"
#include "watch/file-facts.h"
#include "watch/journal.h"
#include "watch/monitor.h"
#include "watch/uevent.h"
#include "test-util.h"

static char root[] = "/tmp/test-watch.XXXXXX";

/* @text into @rel under the fake root. */
static void put(const char *rel, const char *text)
{
	write_under(root, rel, text);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return run_status("rm -rf '%s'", root);
}

/* A datagram from "A\0B\0..." written with explicit NULs as '|'. */
static size_t datagram(char *out, size_t size, const char *text)
{
	size_t n = strlen(text);

	assert_true(n <= size);
	for (size_t i = 0; i < n; i++)
		out[i] = text[i] == '|' ? '\0' : text[i];
	return n;
}

static int parse(const char *text, struct mt_uevent *ev)
{
	static char buf[1024];	/* the event points into it */
	size_t n = datagram(buf, sizeof(buf), text);

	return mt_uevent_parse(buf, n, ev);
}

static void test_uevent_parser(void **state)
{
	struct mt_uevent ev;
	char *huge;

	(void)state;
	assert_int_equal(parse("add@/module/vfat|ACTION=add|DEVPATH=/module/vfat|SUBSYSTEM=module|"
			       "SEQNUM=1234|", &ev), 0);
	assert_string_equal(ev.action, "add");
	assert_string_equal(ev.module, "vfat");
	assert_int_equal(ev.seqnum, 1234);
	assert_null(ev.synth_uuid);
	assert_int_equal(parse("remove@/module/x|ACTION=remove|DEVPATH=/module/x|SUBSYSTEM=module|"
			       "SEQNUM=7|SYNTH_UUID=0|", &ev), 0);
	assert_string_equal(ev.synth_uuid, "0");
	/* another subsystem, udev's own messages: not ours */
	assert_int_equal(parse("add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=pci|SEQNUM=1|",
			       &ev), -ENOMSG);
	assert_int_equal(parse("libudev|whatever|", &ev), -ENOMSG);
	/* cut off, no NUL at all, empty */
	assert_int_equal(parse("add@/module/x|ACTION=add|DEVPATH=/module/x|SUBSYSTEM=module|SEQNUM=1",
			       &ev), -EBADMSG);
	assert_int_equal(parse("add@/module/x", &ev), -EBADMSG);
	assert_int_equal(mt_uevent_parse("", 0, &ev), -EMSGSIZE);
	assert_int_equal(mt_uevent_parse(NULL, 5, &ev), -EMSGSIZE);
	/* each field missing */
	assert_int_equal(parse("add@/module/x|DEVPATH=/module/x|SUBSYSTEM=module|SEQNUM=1|", &ev),
			 -EBADMSG);
	assert_int_equal(parse("add@/module/x|ACTION=add|SUBSYSTEM=module|SEQNUM=1|", &ev), -EBADMSG);
	assert_int_equal(parse("add@/module/x|ACTION=add|DEVPATH=/module/x|SEQNUM=1|", &ev), -EBADMSG);
	assert_int_equal(parse("add@/module/x|ACTION=add|DEVPATH=/module/x|SUBSYSTEM=module|", &ev),
			 -EBADMSG);
	/* header and fields disagree; no header; twice a key; bad numbers; bad names */
	assert_int_equal(parse("add@/module/y|ACTION=add|DEVPATH=/module/x|SUBSYSTEM=module|SEQNUM=1|",
			       &ev), -EBADMSG);
	assert_int_equal(parse("ACTION=add|DEVPATH=/module/x|SUBSYSTEM=module|SEQNUM=1|", &ev),
			 -EBADMSG);
	assert_int_equal(parse("add@/module/x|ACTION=add|ACTION=add|DEVPATH=/module/x|"
			       "SUBSYSTEM=module|SEQNUM=1|", &ev), -EBADMSG);
	assert_int_equal(parse("add@/module/x|ACTION=add|DEVPATH=/module/x|SUBSYSTEM=module|"
			       "SEQNUM=1x|", &ev), -EBADMSG);
	assert_int_equal(parse("add@/module/x|ACTION=add|DEVPATH=/module/x|SUBSYSTEM=module|"
			       "SEQNUM=99999999999999999999999|", &ev), -EBADMSG);
	assert_int_equal(parse("add@/module/x|ACTION=add|DEVPATH=/module/x|SUBSYSTEM=module|SEQNUM=|",
			       &ev), -EBADMSG);
	assert_int_equal(parse("add@/module/../x|ACTION=add|DEVPATH=/module/../x|SUBSYSTEM=module|"
			       "SEQNUM=1|", &ev), -EBADMSG);
	assert_int_equal(parse("add@/module/..|ACTION=add|DEVPATH=/module/..|SUBSYSTEM=module|"
			       "SEQNUM=1|", &ev), -EBADMSG);
	assert_int_equal(parse("add@/module/|ACTION=add|DEVPATH=/module/|SUBSYSTEM=module|SEQNUM=1|",
			       &ev), -EBADMSG);
	assert_int_equal(parse("add@/devices/x|ACTION=add|DEVPATH=/devices/x|SUBSYSTEM=module|"
			       "SEQNUM=1|", &ev), -EBADMSG);
	assert_int_equal(parse("@/module/x|ACTION=|DEVPATH=/module/x|SUBSYSTEM=module|SEQNUM=1|",
			       &ev), -EBADMSG);
	/* huge: past any uevent */
	huge = calloc(1, MT_UEVENT_MAX + 2);
	assert_non_null(huge);
	assert_int_equal(mt_uevent_parse(huge, MT_UEVENT_MAX + 1, &ev), -EMSGSIZE);
	free(huge);
}

static void send_text(int fd, const char *text)
{
	char buf[1024];
	size_t n = datagram(buf, sizeof(buf), text);

	assert_int_equal(send(fd, buf, n, 0), (ssize_t)n);
}

static void fake_module(const char *name, const char *initstate, const char *taint)
{
	char rel[256];

	snprintf(rel, sizeof(rel), "sys/module/%s/initstate", name);
	put(rel, initstate);
	snprintf(rel, sizeof(rel), "sys/module/%s/taint", name);
	put(rel, taint);
	snprintf(rel, sizeof(rel), "sys/module/%s/refcnt", name);
	put(rel, "2\n");
	snprintf(rel, sizeof(rel), "sys/module/%s/srcversion", name);
	put(rel, "ABCDEF0123\n");
}

struct fixture {
	struct modtool_ctx *ctx;
	struct modtool_monitor *mon;
	int feed;
	struct log_capture log;
};

static void fixture_open(struct fixture *f)
{
	int sv[2];

	put("proc/modules", "old 16384 0 - Live 0x0000000000000000\n"
			    "loading 16384 0 - Loading 0x0000000000000000\n");
	fake_module("old", "live\n", "\n");
	memset(f, 0, sizeof(*f));
	assert_int_equal(modtool_ctx_new("/nonexistent-tree", &f->ctx), 0);
	modtool_ctx_set_log_fn(f->ctx, capture_log, &f->log);
	modtool_ctx_set_log_priority(f->ctx, LOG_DEBUG);
	assert_int_equal(modtool_ctx_set_sysroot(f->ctx, root), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(fcntl(sv[0], F_SETFL, O_NONBLOCK), 0);
	assert_int_equal(modtool_monitor_new_from_fd(f->ctx, sv[0], 0, &f->mon), 0);
	assert_int_equal(modtool_monitor_get_fd(f->mon), sv[0]);
	f->feed = sv[1];
}

static void fixture_close(struct fixture *f)
{
	modtool_monitor_free(f->mon);
	modtool_ctx_free(f->ctx);
	close(f->feed);
}

static struct modtool_monitor_event *next_event(struct fixture *f)
{
	struct modtool_monitor_event *ev = NULL;

	assert_int_equal(modtool_monitor_next(f->mon, &ev), 0);
	assert_non_null(ev);
	return ev;
}

static void test_monitor_events(void **state)
{
	struct modtool_monitor_event *ev;
	struct fixture f;
	char *big;

	(void)state;
	fixture_open(&f);
	assert_true(mt_monitor_knows_loaded(f.mon, "old"));
	assert_false(mt_monitor_knows_loaded(f.mon, "loading"));
	fake_module("vfat", "live\n", "OE\n");
	/* junk first: each skipped, never an event */
	send_text(f.feed, "add@/module/vfat|ACTION=add");
	send_text(f.feed, "add@/devices/pci0|ACTION=add|DEVPATH=/devices/pci0|SUBSYSTEM=pci|SEQNUM=9|");
	send_text(f.feed, "add@/module/vfat|ACTION=add|DEVPATH=/module/vfat|SEQNUM=9|");
	big = calloc(1, 3 * MT_UEVENT_MAX);
	assert_non_null(big);
	memset(big, 'a', 3 * MT_UEVENT_MAX);
	assert_int_equal(send(f.feed, big, 3 * MT_UEVENT_MAX, 0), 3 * MT_UEVENT_MAX);
	free(big);
	assert_int_equal(send(f.feed, "", 0, 0), 0);
	send_text(f.feed, "add@/module/vfat|ACTION=add|DEVPATH=/module/vfat|SUBSYSTEM=module|SEQNUM=10|");
	ev = next_event(&f);
	assert_int_equal(modtool_monitor_event_get_action(ev), MODTOOL_MONITOR_ADD);
	assert_string_equal(modtool_monitor_event_get_action_name(ev), "add");
	assert_string_equal(modtool_monitor_event_get_module(ev), "vfat");
	assert_int_equal(modtool_monitor_event_get_seqnum(ev), 10);
	assert_int_equal(modtool_monitor_event_get_flags(ev), 0);
	assert_string_equal(modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_TAINT), "OE");
	assert_string_equal(modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_INITSTATE), "live");
	assert_string_equal(modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_SRCVERSION),
			    "ABCDEF0123");
	assert_null(modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_VERSION));
	assert_int_equal(modtool_monitor_event_get_refcount(ev), 2);
	assert_true(modtool_monitor_event_get_time_usec(ev) > 0);
	assert_null(modtool_monitor_event_get_path(ev));
	modtool_monitor_event_free(ev);
	assert_true(mt_monitor_knows_loaded(f.mon, "vfat"));
	assert_non_null(strstr(f.log.text, "malformed datagram"));

	/* written by hand: SYNTH_UUID; the monitor's idea of what is loaded stays */
	send_text(f.feed, "remove@/module/vfat|ACTION=remove|DEVPATH=/module/vfat|SUBSYSTEM=module|"
			  "SEQNUM=11|SYNTH_UUID=0|");
	ev = next_event(&f);
	assert_int_equal(modtool_monitor_event_get_action(ev), MODTOOL_MONITOR_REMOVE);
	assert_int_equal(modtool_monitor_event_get_flags(ev), MODTOOL_MONITOR_EVENT_WRITTEN);
	modtool_monitor_event_free(ev);
	assert_true(mt_monitor_knows_loaded(f.mon, "vfat"));

	/* a real removal: /sys/module/vfat is gone by then */
	assert_int_equal(run_status("rm -r '%s/sys/module/vfat'", root), 0);
	send_text(f.feed, "remove@/module/vfat|ACTION=remove|DEVPATH=/module/vfat|SUBSYSTEM=module|"
			  "SEQNUM=12|");
	ev = next_event(&f);
	assert_int_equal(modtool_monitor_event_get_flags(ev), 0);
	assert_null(modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_INITSTATE));
	assert_int_equal(modtool_monitor_event_get_refcount(ev), -1);
	modtool_monitor_event_free(ev);
	assert_false(mt_monitor_knows_loaded(f.mon, "vfat"));

	/* another action */
	send_text(f.feed, "change@/module/old|ACTION=change|DEVPATH=/module/old|SUBSYSTEM=module|"
			  "SEQNUM=13|SYNTH_UUID=0|");
	ev = next_event(&f);
	assert_int_equal(modtool_monitor_event_get_action(ev), MODTOOL_MONITOR_OTHER);
	assert_string_equal(modtool_monitor_event_get_action_name(ev), "change");
	modtool_monitor_event_free(ev);

	ev = NULL;
	assert_int_equal(modtool_monitor_next(f.mon, &ev), -EAGAIN);
	assert_null(ev);
	assert_int_equal(modtool_monitor_next(NULL, &ev), -EINVAL);
	fixture_close(&f);
}

static void test_monitor_overrun(void **state)
{
	struct modtool_monitor_event *ev;
	struct fixture f;

	(void)state;
	fixture_open(&f);
	/* while events were lost: old went, new1 and new2 came; one datagram still queued */
	put("proc/modules", "new1 16384 0 - Live 0x0000000000000000\n"
			    "new2 16384 1 - Unloading 0x0000000000000000\n"
			    "queued 16384 0 - Live 0x0000000000000000\n"
			    "broken line\n");
	fake_module("new1", "live\n", "\n");
	send_text(f.feed, "add@/module/queued|ACTION=add|DEVPATH=/module/queued|SUBSYSTEM=module|"
			  "SEQNUM=40|");
	assert_int_equal(mt_monitor_handle_overrun(f.mon), 0);
	ev = next_event(&f);
	assert_int_equal(modtool_monitor_event_get_action(ev), MODTOOL_MONITOR_OVERRUN);
	assert_null(modtool_monitor_event_get_module(ev));
	assert_int_equal(modtool_monitor_event_get_flags(ev), MODTOOL_MONITOR_EVENT_SYNTHESISED);
	modtool_monitor_event_free(ev);
	ev = next_event(&f);
	assert_string_equal(modtool_monitor_event_get_module(ev), "queued");
	assert_int_equal(modtool_monitor_event_get_flags(ev), 0);
	modtool_monitor_event_free(ev);
	ev = next_event(&f);
	assert_int_equal(modtool_monitor_event_get_action(ev), MODTOOL_MONITOR_REMOVE);
	assert_string_equal(modtool_monitor_event_get_module(ev), "old");
	assert_int_equal(modtool_monitor_event_get_flags(ev), MODTOOL_MONITOR_EVENT_SYNTHESISED);
	assert_int_equal(modtool_monitor_event_get_seqnum(ev), 0);
	modtool_monitor_event_free(ev);
	ev = next_event(&f);
	assert_int_equal(modtool_monitor_event_get_action(ev), MODTOOL_MONITOR_ADD);
	assert_string_equal(modtool_monitor_event_get_module(ev), "new1");
	assert_string_equal(modtool_monitor_event_get_sysfs(ev, MODTOOL_MONITOR_INITSTATE), "live");
	modtool_monitor_event_free(ev);
	ev = next_event(&f);
	assert_string_equal(modtool_monitor_event_get_module(ev), "new2");
	modtool_monitor_event_free(ev);
	assert_int_equal(modtool_monitor_next(f.mon, &ev), -EAGAIN);
	assert_true(mt_monitor_knows_loaded(f.mon, "queued"));
	assert_false(mt_monitor_knows_loaded(f.mon, "old"));
	fixture_close(&f);
}

/* The socket filter, on a socketpair: module events pass, others never reach the monitor. */
static void test_filter(void **state)
{
	static const char *const pass[] = { "add@/module/x", "remove@/module/x", "change@/module/x",
		"move@/module/x", "bind@/module/x", "unbind@/module/x", "online@/module/x",
		"offline@/module/x" };
	static const char *const drop[] = { "add@/devices/x", "add@/modulex/y", "a", "",
		"add/module/x", "remove@/Module/x", "adding/module/x", "@/module/x" };
	char buf[64];
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(mt_uevent_attach_filter(sv[0]), 0);
	for (size_t i = 0; i < sizeof(drop) / sizeof(drop[0]); i++)
		assert_int_equal(send(sv[1], drop[i], strlen(drop[i]), 0), (ssize_t)strlen(drop[i]));
	for (size_t i = 0; i < sizeof(pass) / sizeof(pass[0]); i++) {
		assert_int_equal(send(sv[1], pass[i], strlen(pass[i]), 0), (ssize_t)strlen(pass[i]));
		memset(buf, 0, sizeof(buf));
		assert_int_equal(recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT), (ssize_t)strlen(pass[i]));
		assert_string_equal(buf, pass[i]);
	}
	assert_int_equal(recv(sv[0], buf, sizeof(buf), MSG_DONTWAIT), -1);
	assert_int_equal(errno, EAGAIN);
	close(sv[0]);
	close(sv[1]);
}

/* The real uevent socket (the snapshot from a fake /proc/modules): opened, empty, resized. */
static void test_netlink_socket(void **state)
{
	struct modtool_monitor_event *ev = NULL;
	struct modtool_monitor *mon;
	struct modtool_ctx *ctx;
	struct log_capture log = { 0 };
	int err;

	(void)state;
	put("proc/modules", "");
	assert_int_equal(modtool_ctx_new("/nonexistent-tree", &ctx), 0);
	modtool_ctx_set_log_fn(ctx, capture_log, &log);
	assert_int_equal(modtool_ctx_set_sysroot(ctx, root), 0);
	err = modtool_monitor_new(ctx, MODTOOL_MONITOR_FILE_INFO, &mon);
	if (err == -EPERM || err == -EACCES || err == -EAFNOSUPPORT || err == -EPROTONOSUPPORT) {
		modtool_ctx_free(ctx);
		skip();	/* no netlink here (a sandbox) */
	}
	assert_int_equal(err, 0);
	assert_true(modtool_monitor_get_fd(mon) >= 0);
	assert_int_equal(modtool_monitor_set_buffer_size(mon, 4096), 0);
	assert_int_equal(modtool_monitor_set_buffer_size(mon, 0), -EINVAL);
	assert_int_equal(modtool_monitor_next(mon, &ev), -EAGAIN);
	assert_null(ev);
	modtool_monitor_free(mon);
	/* no /proc/modules: said, and no monitor */
	assert_int_equal(run_status("rm '%s/proc/modules'", root), 0);
	assert_int_equal(modtool_monitor_new(ctx, 0, &mon), -ENOENT);
	assert_non_null(strstr(log.text, "could not read /proc/modules"));
	modtool_ctx_free(ctx);
}

static void sha_hex(const void *data, size_t len, char hex[MT_SHA256_HEX_LEN])
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/sha-input", root);
	write_file(path, data, len);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(mt_sha256_fd_hex(fd, hex), 0);
	close(fd);
}

static void test_sha256(void **state)
{
	char hex[MT_SHA256_HEX_LEN], *million;

	(void)state;
	sha_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	sha_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	million = malloc(1000000);
	assert_non_null(million);
	memset(million, 'a', 1000000);
	sha_hex(million, 1000000, hex);
	free(million);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

/* A datagram socket listening at @name under the root; its path in @path. */
static int listener(const char *name, char path[PATH_MAX])
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	int size = 4 << 20, fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	assert_true(fd >= 0);
	snprintf(path, PATH_MAX, "%s/%s", root, name);
	unlink(path);
	assert_true(strlen(path) < sizeof(addr.sun_path));
	strcpy(addr.sun_path, path);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return fd;
}

/* One record from @fd: inline, or from the memfd it passed. */
static size_t receive_record(int fd, char *buf, size_t size, bool *via_memfd)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int))];
	} control;
	struct iovec iov = { buf, size - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = &control,
			      .msg_controllen = sizeof(control) };
	struct cmsghdr *c;
	ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
	int passed;

	assert_true(n >= 0);
	*via_memfd = false;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_type == SCM_RIGHTS) {
		memcpy(&passed, CMSG_DATA(c), sizeof(int));
		assert_int_equal(n, 0);
		n = pread(passed, buf, size - 1, 0);
		assert_true(n > 0);
		/* sealed: the reader may trust it does not change */
		assert_int_equal(fcntl(passed, F_GET_SEALS) & F_SEAL_WRITE, F_SEAL_WRITE);
		close(passed);
		*via_memfd = true;
	}
	buf[n] = '\0';
	return (size_t)n;
}

static void test_journal_protocol(void **state)
{
	char path[PATH_MAX], buf[1 << 20];
	struct mt_buf b = { 0 };
	bool memfd;
	size_t n;
	char *big;
	int fd;

	(void)state;
	mt_journal_field_str(&b, "MESSAGE", "plain");
	mt_journal_field_str(&b, "MODTOOL_PARAMETERS", "a=1\nb=2");
	assert_int_equal(b.err, 0);
	assert_int_equal(b.len, 14 + 19 + 8 + 7 + 1);
	assert_memory_equal(b.p, "MESSAGE=plain\nMODTOOL_PARAMETERS\n\x07\0\0\0\0\0\0\0a=1\nb=2\n", b.len);
	fd = listener("journal", path);
	assert_int_equal(mt_journal_send(path, &b), 0);
	n = receive_record(fd, buf, sizeof(buf), &memfd);
	assert_false(memfd);
	assert_int_equal(n, b.len);
	assert_memory_equal(buf, b.p, n);
	/* syslog: one line, MESSAGE first, the rest as KEY=VALUE, newlines escaped */
	assert_int_equal(mt_syslog_send(path, &b, 85, "modprobe"), 0);
	n = receive_record(fd, buf, sizeof(buf), &memfd);
	assert_true(strncmp(buf, "<85>", 4) == 0);
	assert_non_null(strstr(buf, " modprobe["));
	assert_non_null(strstr(buf, "]: plain MODTOOL_PARAMETERS=\"a=1\\nb=2\""));
	assert_null(strchr(buf, '\n'));
	mt_buf_free(&b);
	/* too large for a datagram: passed in a sealed memfd */
	big = malloc(600000);
	assert_non_null(big);
	memset(big, 'x', 600000);
	memset(&b, 0, sizeof(b));
	mt_journal_field(&b, "MESSAGE", big, 600000);
	free(big);
	assert_int_equal(mt_journal_send(path, &b), 0);
	n = receive_record(fd, buf, sizeof(buf), &memfd);
	assert_true(memfd);
	assert_int_equal(n, b.len);
	mt_buf_free(&b);
	close(fd);
	/* nobody listening */
	memset(&b, 0, sizeof(b));
	mt_journal_field_str(&b, "MESSAGE", "x");
	assert_true(mt_journal_send(path, &b) < 0);
	mt_buf_free(&b);
}

static bool field_is(const char *rec, const char *field)
{
	size_t n = strlen(field);

	for (const char *p = rec; (p = strstr(p, field)); p += n)
		if ((p == rec || p[-1] == '\n') && p[n] == '\n')
			return true;
	return false;
}

/* Make @kind's record through the context's hook; what the socket got, or "" for nothing. */
static const char *audit_once(struct modtool_ctx *ctx, int fd, enum mt_audit_kind kind,
			      const char *path)
{
	static char buf[65536];
	struct mt_audit_record r = { .kind = kind, .module = "vfat", .path = path,
				     .params = "utf8=1", .err = kind == MT_AUDIT_LOAD_FAILED ?
				     -ENODEV : 0, .reason = "/etc/x.conf:3: forbid vfat (forbidden)" };
	bool memfd;

	buf[0] = '\0';
	mt_audit(ctx, &r);
	if (recv(fd, buf, 1, MSG_PEEK | MSG_DONTWAIT) < 0)
		return buf;
	receive_record(fd, buf, sizeof(buf), &memfd);
	return buf;
}

static void test_audit(void **state)
{
	char path[PATH_MAX], file[PATH_MAX], conf[PATH_MAX];
	struct modtool_ctx *ctx;
	struct log_capture log = { 0 };
	const char *rec;
	int fd;

	(void)state;
	fd = listener("audit-journal", path);
	setenv("MODTOOL_AUDIT_JOURNAL", path, 1);
	snprintf(file, sizeof(file), "%s/vfat.ko", root);
	write_file(file, "abc", 3);
	snprintf(conf, sizeof(conf), "%s/audit.conf", root);
	setenv("MODTOOL_AUDIT_CONF", conf, 1);
	unsetenv("MODTOOL_AUDIT");

	/* no configuration: "kernel"; this test's parent is no kernel thread */
	unlink(conf);
	assert_int_equal(modtool_ctx_new("/nonexistent-tree", &ctx), 0);
	modtool_ctx_set_log_fn(ctx, capture_log, &log);
	assert_string_equal(audit_once(ctx, fd, MT_AUDIT_LOAD, file), "");
	assert_string_equal(audit_once(ctx, fd, MT_AUDIT_REMOVE, NULL), "");
	rec = audit_once(ctx, fd, MT_AUDIT_REFUSED, file);
	assert_true(field_is(rec, "MESSAGE_ID=" MODTOOL_AUDIT_ID_REFUSED));
	assert_true(field_is(rec, "MODTOOL_RULE=/etc/x.conf:3: forbid vfat (forbidden)"));
	assert_true(field_is(rec, "MODTOOL_REQUESTED_BY=user"));
	assert_true(field_is(rec, "MODTOOL_SHA256="
			     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	/* overridden: all */
	assert_int_equal(modtool_ctx_set_audit(ctx, MODTOOL_AUDIT_ALL), 0);
	rec = audit_once(ctx, fd, MT_AUDIT_LOAD_FAILED, file);
	assert_true(field_is(rec, "MESSAGE_ID=" MODTOOL_AUDIT_ID_LOAD_FAILED));
	assert_true(field_is(rec, "MODTOOL_MODULE=vfat"));
	assert_true(field_is(rec, "MODTOOL_PARAMETERS=utf8=1"));
	assert_true(field_is(rec, "ERRNO=19"));
	assert_true(field_is(rec, "PRIORITY=4"));
	assert_non_null(strstr(rec, "\nMODTOOL_UID="));
	assert_non_null(strstr(rec, "\nMODTOOL_PARENT="));
	assert_non_null(strstr(rec, "\nMODTOOL_COMMAND="));
	rec = audit_once(ctx, fd, MT_AUDIT_LOAD, file);
	assert_true(field_is(rec, "MESSAGE_ID=" MODTOOL_AUDIT_ID_LOAD));
	assert_true(field_is(rec, "MODTOOL_RESULT=ok"));
	rec = audit_once(ctx, fd, MT_AUDIT_REMOVE, NULL);
	assert_true(field_is(rec, "MESSAGE_ID=" MODTOOL_AUDIT_ID_REMOVE));
	assert_null(strstr(rec, "MODTOOL_PATH="));	/* not in the (missing) tree */
	assert_int_equal(modtool_ctx_set_audit(ctx, MODTOOL_AUDIT_OFF), 0);
	assert_string_equal(audit_once(ctx, fd, MT_AUDIT_REFUSED, file), "");
	assert_int_equal(modtool_ctx_set_audit(ctx, 9), -EINVAL);
	modtool_ctx_free(ctx);

	/* the configuration file; a broken one audits everything, and says so */
	put("audit.conf", "# comment\n\n  audit =  off  \n");
	assert_int_equal(modtool_ctx_new("/nonexistent-tree", &ctx), 0);
	assert_string_equal(audit_once(ctx, fd, MT_AUDIT_REFUSED, file), "");
	modtool_ctx_free(ctx);
	put("audit.conf", "audit = sometimes\n");
	assert_int_equal(modtool_ctx_new("/nonexistent-tree", &ctx), 0);
	log.len = 0;
	log.text[0] = '\0';
	modtool_ctx_set_log_fn(ctx, capture_log, &log);
	modtool_ctx_set_log_priority(ctx, LOG_WARNING);
	rec = audit_once(ctx, fd, MT_AUDIT_REMOVE, NULL);
	assert_true(field_is(rec, "MESSAGE_ID=" MODTOOL_AUDIT_ID_REMOVE));
	assert_non_null(strstr(log.text, "audit.conf:1: not \"audit = "));
	modtool_ctx_free(ctx);
	/* the environment wins */
	setenv("MODTOOL_AUDIT", "refused", 1);
	assert_int_equal(modtool_ctx_new("/nonexistent-tree", &ctx), 0);
	assert_string_equal(audit_once(ctx, fd, MT_AUDIT_REMOVE, NULL), "");
	assert_true(field_is(audit_once(ctx, fd, MT_AUDIT_REFUSED, NULL),
			     "MESSAGE_ID=" MODTOOL_AUDIT_ID_REFUSED));
	modtool_ctx_free(ctx);

	/* no journal: syslog */
	close(fd);
	unlink(path);
	fd = listener("audit-syslog", path);
	setenv("MODTOOL_AUDIT_SYSLOG", path, 1);
	assert_int_equal(modtool_ctx_new("/nonexistent-tree", &ctx), 0);
	rec = audit_once(ctx, fd, MT_AUDIT_REFUSED, NULL);
	assert_true(strncmp(rec, "<84>", 4) == 0);
	assert_non_null(strstr(rec, ": vfat: refused by the load policy, /etc/x.conf:3"));
	assert_non_null(strstr(rec, " MESSAGE_ID=" MODTOOL_AUDIT_ID_REFUSED " "));
	modtool_ctx_free(ctx);
	close(fd);
	unsetenv("MODTOOL_AUDIT");
	unsetenv("MODTOOL_AUDIT_JOURNAL");
	unsetenv("MODTOOL_AUDIT_SYSLOG");
	unsetenv("MODTOOL_AUDIT_CONF");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uevent_parser),
		cmocka_unit_test(test_monitor_events),
		cmocka_unit_test(test_monitor_overrun),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_netlink_socket),
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_journal_protocol),
		cmocka_unit_test(test_audit),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
