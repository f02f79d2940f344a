// SPDX-License-Identifier: LGPL-2.1-or-later
/* The monitor's event object and its accessors (public: modtool_monitor_event_*). */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "base/internal.h"
#include "kernel/sysfs.h"
#include "watch/event.h"

int mt_event_action_of(const char *action)
{
	if (mt_streq(action, "add"))
		return MODTOOL_MONITOR_ADD;
	if (mt_streq(action, "remove"))
		return MODTOOL_MONITOR_REMOVE;
	if (mt_streq(action, "overrun"))
		return MODTOOL_MONITOR_OVERRUN;
	return MODTOOL_MONITOR_OTHER;
}

struct modtool_monitor_event *mt_event_new(const char *action, const char *module,
					   uint64_t seqnum, int64_t time_usec)
{
	struct modtool_monitor_event *ev = calloc(1, sizeof(*ev));

	if (!ev)
		return NULL;
	ev->action = mt_event_action_of(action);
	snprintf(ev->action_name, sizeof(ev->action_name), "%s", action);
	snprintf(ev->module, sizeof(ev->module), "%s", module);
	ev->seqnum = seqnum;
	ev->time_usec = time_usec;
	ev->refcount = -1;
	return ev;
}

/* One attribute, its trailing newline dropped: 0 (NULL when absent) or -ENOMEM. */
static int read_text(int dfd, const char *name, char **out)
{
	char buf[256];
	int n = mt_read_attr(dfd, name, buf, sizeof(buf));

	*out = NULL;
	if (n < 0)
		return 0;
	buf[strcspn(buf, "\n")] = '\0';
	*out = strdup(buf);
	return *out ? 0 : -ENOMEM;
}

int mt_event_read_sysfs(struct modtool_ctx *ctx, struct modtool_monitor_event *ev)
{
	char path[PATH_MAX];
	int err, dfd;

	if (!*ev->module || mt_sys_path(ctx, path, sizeof(path), "/sys/module/%s", ev->module) < 0)
		return -ENOENT;
	dfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -ENOENT;
	err = read_text(dfd, "initstate", &ev->initstate);
	if (err == 0)
		err = read_text(dfd, "taint", &ev->taint);
	if (err == 0)
		err = read_text(dfd, "version", &ev->version);
	if (err == 0)
		err = read_text(dfd, "srcversion", &ev->srcversion);
	if (err == 0 && mt_read_attr_long(dfd, "refcnt", &ev->refcount) < 0)
		ev->refcount = -1;
	close(dfd);
	return err;
}

MT_EXPORT void modtool_monitor_event_free(struct modtool_monitor_event *ev)
{
	if (!ev)
		return;
	free(ev->taint);
	free(ev->initstate);
	free(ev->version);
	free(ev->srcversion);
	mt_file_facts_clear(&ev->file);
	free(ev);
}

MT_EXPORT int modtool_monitor_event_get_action(const struct modtool_monitor_event *ev)
{
	return ev ? ev->action : -EINVAL;
}

MT_EXPORT const char *modtool_monitor_event_get_action_name(const struct modtool_monitor_event *ev)
{
	return ev ? ev->action_name : NULL;
}

MT_EXPORT const char *modtool_monitor_event_get_module(const struct modtool_monitor_event *ev)
{
	return ev && *ev->module ? ev->module : NULL;
}

MT_EXPORT uint64_t modtool_monitor_event_get_seqnum(const struct modtool_monitor_event *ev)
{
	return ev ? ev->seqnum : 0;
}

MT_EXPORT int64_t modtool_monitor_event_get_time_usec(const struct modtool_monitor_event *ev)
{
	return ev ? ev->time_usec : 0;
}

MT_EXPORT unsigned int modtool_monitor_event_get_flags(const struct modtool_monitor_event *ev)
{
	return ev ? ev->flags : 0;
}

MT_EXPORT const char *modtool_monitor_event_get_sysfs(const struct modtool_monitor_event *ev,
						      enum modtool_monitor_sysfs which)
{
	if (!ev)
		return NULL;
	switch (which) {
	case MODTOOL_MONITOR_TAINT:
		return ev->taint;
	case MODTOOL_MONITOR_INITSTATE:
		return ev->initstate;
	case MODTOOL_MONITOR_VERSION:
		return ev->version;
	case MODTOOL_MONITOR_SRCVERSION:
		return ev->srcversion;
	}
	return NULL;
}

MT_EXPORT long modtool_monitor_event_get_refcount(const struct modtool_monitor_event *ev)
{
	return ev ? ev->refcount : -1;
}

MT_EXPORT const char *modtool_monitor_event_get_path(const struct modtool_monitor_event *ev)
{
	return ev ? ev->file.path : NULL;
}

MT_EXPORT const char *modtool_monitor_event_get_sha256(const struct modtool_monitor_event *ev)
{
	return ev && ev->file.sha256[0] ? ev->file.sha256 : NULL;
}

MT_EXPORT const char *modtool_monitor_event_get_signer(const struct modtool_monitor_event *ev)
{
	return ev ? ev->file.signer : NULL;
}
