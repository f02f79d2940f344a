// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The audit trail: each load, failed load, removal and refusal the library
 * makes (told through the context's hook, base/audit-hook.h) becomes a
 * structured record in the journal, or a syslog line where there is no
 * journal.  What is recorded is configured (modtool-audit.conf(5)):
 *
 *   $MODTOOL_AUDIT, else "audit = MODE" in /etc/modtool/audit.conf
 *   ($MODTOOL_AUDIT_CONF names another file), else "kernel";
 *   MODE: off | refused | kernel | all
 *
 * "kernel", the default, records refusals and the loads the kernel asks
 * for itself: it runs /proc/sys/kernel/modprobe as "modprobe -q -- NAME"
 * from a kernel thread, so a parent that is a kernel thread (PF_KTHREAD in
 * /proc/PPID/stat) marks such a load.  A value that cannot be read records
 * everything (said once, as a warning): an audit setting fails toward more
 * auditing.  $MODTOOL_AUDIT_JOURNAL and $MODTOOL_AUDIT_SYSLOG replace the
 * sockets' paths (tests).  Environment variables are ignored in setuid
 * programs.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "base/audit-hook.h"
#include "base/internal.h"
#include "watch/audit.h"
#include "watch/file-facts.h"
#include "watch/journal.h"

#define AUDIT_CONF "/etc/modtool/audit.conf"
#define AUDIT_CONF_MAX 16384
/* <linux/sched.h>: the task is a kernel thread */
#define PF_KTHREAD 0x00200000
/* syslog's authpriv facility: who loaded what into the kernel is security's business */
#define AUDIT_FACILITY 10
#define PARENT_MAX 512

struct audit {
	int override;		/* a mode set by modtool_ctx_set_audit(), or -1 */
	int mode;		/* the configured mode, or -1 before the first record */
	int from_kernel;	/* the parent is a kernel thread: 1, 0, -1 not yet known */
	char parent[PARENT_MAX];
	pid_t parent_pid;
};

static const char *const mode_words[] = {
	[MODTOOL_AUDIT_OFF] = "off", [MODTOOL_AUDIT_REFUSED] = "refused",
	[MODTOOL_AUDIT_KERNEL] = "kernel", [MODTOOL_AUDIT_ALL] = "all",
};

static int mode_of(const char *word, size_t len)
{
	for (size_t i = 0; i < sizeof(mode_words) / sizeof(mode_words[0]); i++)
		if (strlen(mode_words[i]) == len && memcmp(mode_words[i], word, len) == 0)
			return (int)i;
	return -EINVAL;
}

/* One line "audit = MODE" (blank and # lines skipped): the mode, 0 none, or -EINVAL. */
static int conf_line(char *line, int *mode)
{
	char *p = line + strspn(line, " \t"), *end;

	if (!*p || *p == '#')
		return 0;
	if (strncmp(p, "audit", 5) != 0)
		return -EINVAL;
	p += 5 + strspn(p + 5, " \t");
	if (*p++ != '=')
		return -EINVAL;
	p += strspn(p, " \t");
	for (end = p + strlen(p); end > p && (end[-1] == ' ' || end[-1] == '\t'); end--)
		;
	*mode = mode_of(p, (size_t)(end - p));
	return *mode < 0 ? -EINVAL : 1;
}

static int read_conf(struct modtool_ctx *ctx, const char *path)
{
	char text[AUDIT_CONF_MAX + 1], *line, *save;
	int mode = MODTOOL_AUDIT_KERNEL, lineno = 0, err;
	size_t len = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0 && errno == ENOENT)
		return MODTOOL_AUDIT_KERNEL;
	err = fd < 0 ? -errno : mt_read_full(fd, text, sizeof(text), &len);
	if (fd >= 0)
		close(fd);
	if (err == 0 && len > AUDIT_CONF_MAX)
		err = -EFBIG;
	if (err < 0) {
		mt_warn(ctx, "%s: %s: every load and removal is audited\n", path, strerror(-err));
		return MODTOOL_AUDIT_ALL;
	}
	text[len] = '\0';
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		if (conf_line(line, &mode) < 0) {
			mt_warn(ctx, "%s:%d: not \"audit = off|refused|kernel|all\": every load and removal is audited\n",
				path, lineno);
			return MODTOOL_AUDIT_ALL;
		}
	}
	return mode;
}

static int configured_mode(struct modtool_ctx *ctx)
{
	const char *env = secure_getenv("MODTOOL_AUDIT"), *conf;
	int mode;

	if (env) {
		mode = mode_of(env, strlen(env));
		if (mode < 0)
			mt_warn(ctx, "MODTOOL_AUDIT=%s: not off, refused, kernel or all: every load and removal is audited\n",
				env);
		return mode < 0 ? MODTOOL_AUDIT_ALL : mode;
	}
	conf = secure_getenv("MODTOOL_AUDIT_CONF");
	return read_conf(ctx, conf ? conf : AUDIT_CONF);
}

/* /proc/PID/stat's fields after "(comm)": state, ppid, pgrp, session, tty, tpgid, flags. */
static int read_stat(pid_t pid, pid_t *ppid, unsigned long *flags)
{
	char path[64], text[1024], *p;
	size_t len = 0;
	int fd, err;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = mt_read_full(fd, text, sizeof(text) - 1, &len);
	close(fd);
	if (err < 0)
		return err;
	text[len] = '\0';
	p = strrchr(text, ')');
	if (!p)
		return -EINVAL;
	n = sscanf(p + 1, " %*c %d %*d %*d %*d %*d %lu", ppid, flags);
	return n == 2 ? 0 : -EINVAL;
}

/* /proc/PID/cmdline with spaces for NULs (empty for a kernel thread). */
static void read_cmdline(pid_t pid, char *out, size_t size)
{
	char path[64];
	size_t len = 0;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	out[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (mt_read_full(fd, out, size - 1, &len) < 0)
		len = 0;
	close(fd);
	while (len && out[len - 1] == '\0')
		len--;
	out[len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (out[i] == '\0')
			out[i] = ' ';
}

/* Who started this process: the kernel (a kernel thread), or a command. */
static void find_parent(struct audit *a)
{
	unsigned long flags = 0;
	pid_t grandparent = 0;

	a->from_kernel = 0;
	a->parent_pid = getppid();
	if (a->parent_pid > 0 && read_stat(a->parent_pid, &grandparent, &flags) == 0 &&
	    (flags & PF_KTHREAD)) {
		a->from_kernel = 1;
		snprintf(a->parent, sizeof(a->parent), "the kernel");
		return;
	}
	read_cmdline(a->parent_pid, a->parent, sizeof(a->parent));
}

static bool wanted(int mode, const struct mt_audit_record *r, bool from_kernel)
{
	switch (r->kind) {
	case MT_AUDIT_REFUSED:
		return mode >= MODTOOL_AUDIT_REFUSED;
	case MT_AUDIT_LOAD:
	case MT_AUDIT_LOAD_FAILED:
		return mode == MODTOOL_AUDIT_ALL || (mode == MODTOOL_AUDIT_KERNEL && from_kernel);
	default:
		return mode == MODTOOL_AUDIT_ALL;
	}
}

static const struct {
	const char *id, *event, *what;
	int priority;
} kinds[] = {
	[MT_AUDIT_LOAD] = { MODTOOL_AUDIT_ID_LOAD, "load", "loaded", LOG_NOTICE },
	[MT_AUDIT_LOAD_FAILED] = { MODTOOL_AUDIT_ID_LOAD_FAILED, "load-failed", "could not be loaded",
				   LOG_WARNING },
	[MT_AUDIT_REMOVE] = { MODTOOL_AUDIT_ID_REMOVE, "remove", "removed", LOG_NOTICE },
	[MT_AUDIT_REMOVE_FAILED] = { MODTOOL_AUDIT_ID_REMOVE_FAILED, "remove-failed",
				     "could not be removed", LOG_WARNING },
	[MT_AUDIT_REFUSED] = { MODTOOL_AUDIT_ID_REFUSED, "refused", "refused by the load policy",
			       LOG_WARNING },
};

static void format_message(struct mt_buf *b, const struct mt_audit_record *r,
			   bool from_kernel)
{
	struct mt_buf m = { 0 };

	mt_buf_printf(&m, "%s: %s", r->module, kinds[r->kind].what);
	if (r->err < 0 && r->kind != MT_AUDIT_REFUSED)
		mt_buf_printf(&m, ": %s", strerror(-r->err));
	if (r->kind == MT_AUDIT_REFUSED && r->reason)
		mt_buf_printf(&m, ", %s", r->reason);
	if (from_kernel && r->kind != MT_AUDIT_REMOVE && r->kind != MT_AUDIT_REMOVE_FAILED)
		mt_buf_puts(&m, " (requested by the kernel)");
	if (m.err)
		b->err = m.err;
	else
		mt_journal_field(b, "MESSAGE", m.p, m.len);
	mt_buf_free(&m);
}

void mt_audit_format(struct modtool_ctx *ctx, const struct mt_audit_record *r,
		     bool from_kernel, const char *parent, struct mt_buf *b, int *priority)
{
	struct mt_file_facts facts;
	char number[32], command[PARENT_MAX];

	*priority = AUDIT_FACILITY << 3 | kinds[r->kind].priority;
	format_message(b, r, from_kernel);
	mt_buf_printf(b, "PRIORITY=%d\nSYSLOG_FACILITY=%d\n", kinds[r->kind].priority,
		      AUDIT_FACILITY);
	mt_journal_field_str(b, "SYSLOG_IDENTIFIER", program_invocation_short_name);
	mt_journal_field_str(b, "MESSAGE_ID", kinds[r->kind].id);
	mt_journal_field_str(b, "MODTOOL_EVENT", kinds[r->kind].event);
	mt_journal_field_str(b, "MODTOOL_MODULE", r->module);
	if (mt_file_facts_read(ctx, NULL, r->module, r->path, &facts) == 0) {
		mt_journal_field_str(b, "MODTOOL_PATH", facts.path);
		if (facts.sha256[0])
			mt_journal_field_str(b, "MODTOOL_SHA256", facts.sha256);
		mt_journal_field_str(b, "MODTOOL_SIGNER", facts.signer);
		mt_file_facts_clear(&facts);
	}
	if (r->kind == MT_AUDIT_LOAD || r->kind == MT_AUDIT_LOAD_FAILED)
		mt_journal_field_str(b, "MODTOOL_PARAMETERS", r->params ? r->params : "");
	if (r->forced)
		mt_journal_field_str(b, "MODTOOL_FORCED", "1");
	mt_journal_field_str(b, "MODTOOL_RESULT", r->err < 0 ? strerror(-r->err) : "ok");
	if (r->err < 0)
		mt_buf_printf(b, "ERRNO=%d\n", -r->err);
	mt_journal_field_str(b, "MODTOOL_RULE", r->kind == MT_AUDIT_REFUSED ? r->reason : NULL);
	snprintf(number, sizeof(number), "%u", (unsigned int)getuid());
	mt_journal_field_str(b, "MODTOOL_UID", number);
	mt_journal_field_str(b, "MODTOOL_REQUESTED_BY", from_kernel ? "kernel" : "user");
	mt_journal_field_str(b, "MODTOOL_PARENT", parent);
	snprintf(number, sizeof(number), "%d", (int)getppid());
	mt_journal_field_str(b, "MODTOOL_PARENT_PID", number);
	read_cmdline(getpid(), command, sizeof(command));
	mt_journal_field_str(b, "MODTOOL_COMMAND", command);
}

static void audit_hook(struct modtool_ctx *ctx, const struct mt_audit_record *r)
{
	struct audit *a = ctx->audit;
	struct mt_buf b = { 0 };
	const char *journal, *syslog_path;
	int mode, priority;

	if (a->mode < 0)
		a->mode = configured_mode(ctx);
	mode = a->override >= 0 ? a->override : a->mode;
	if (mode == MODTOOL_AUDIT_OFF || (unsigned int)r->kind >= sizeof(kinds) / sizeof(kinds[0]))
		return;
	if (a->from_kernel < 0)
		find_parent(a);
	if (!wanted(mode, r, a->from_kernel))
		return;
	mt_audit_format(ctx, r, a->from_kernel, a->parent, &b, &priority);
	journal = secure_getenv("MODTOOL_AUDIT_JOURNAL");
	syslog_path = secure_getenv("MODTOOL_AUDIT_SYSLOG");
	if (mt_journal_send(journal ? journal : MT_JOURNAL_SOCKET, &b) < 0 &&
	    mt_syslog_send(syslog_path ? syslog_path : MT_SYSLOG_SOCKET, &b, priority,
			   program_invocation_short_name) < 0)
		mt_dbg(ctx, "audit: neither the journal nor syslog took the record\n");
	mt_buf_free(&b);
}

int mt_audit_install(struct modtool_ctx *ctx)
{
	struct audit *a = calloc(1, sizeof(*a));

	if (!a)
		return -ENOMEM;
	a->override = -1;
	a->mode = -1;
	a->from_kernel = -1;
	ctx->audit = a;
	ctx->audit_fn = audit_hook;
	ctx->audit_free = free;
	return 0;
}

MT_EXPORT int modtool_ctx_set_audit(struct modtool_ctx *ctx, int mode)
{
	struct audit *a;

	if (!ctx || mode < -1 || mode > MODTOOL_AUDIT_ALL)
		return -EINVAL;
	if (!ctx->audit) {
		int err = mt_audit_install(ctx);

		if (err < 0)
			return err;
	}
	a = ctx->audit;
	a->override = mode;
	return 0;
}
