/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The audit trail's hook: kernel/ (loads, removals) and trust/ (refusals)
 * tell each one here, and watch/, above them, writes it to the journal or
 * syslog (watch/audit.c).  The context's audit_fn is a hook so that the
 * layers below call the one above without including it, as the load
 * policy's is.  Telling never fails and never changes what was done.
 */
#ifndef MODTOOL_BASE_AUDIT_HOOK_H
#define MODTOOL_BASE_AUDIT_HOOK_H

#include "base/internal.h"

enum mt_audit_kind {
	MT_AUDIT_LOAD,		/* the kernel took the module */
	MT_AUDIT_LOAD_FAILED,	/* it refused or its init failed: @err */
	MT_AUDIT_REMOVE,	/* delete_module() succeeded */
	MT_AUDIT_REMOVE_FAILED,	/* delete_module() failed: @err */
	MT_AUDIT_REFUSED,	/* the load policy refused it: @reason */
};

struct mt_audit_record {
	enum mt_audit_kind kind;
	const char *module;	/* its name */
	const char *path;	/* its file, or NULL (removals, install commands) */
	const char *params;	/* loads: the parameters ("" none) */
	int err;		/* 0 or the negative errno */
	bool forced;		/* --force: vermagic, modversions, or a forced removal */
	const char *reason;	/* REFUSED: the rule and why, one line */
};

static inline void mt_audit(struct modtool_ctx *ctx, const struct mt_audit_record *r)
{
	if (ctx->audit_fn)
		ctx->audit_fn(ctx, r);
}

#endif
